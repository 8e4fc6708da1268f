"""Reads for the financial statements and the books a finance officer prints (tables ``revolve_posting``,
``revolve_entry`` and ``revolve_account``): sums by account role and entry kind over a period, the cash
counterparts of a period, one account's lines (明细账) and the entries of a period with their lines (记账凭证).

They only fetch; :mod:`revolve.statements` decides what the sums mean. Every function works inside the
caller's transaction and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from revolve.journal import PostedEntry
from revolve.statements import KindSum
from revolve.store.rows import posted_entry_of, posted_line_of
from revolve.store.schema import AccountRow, EntryRow, PostingRow

__all__ = [
    "LedgerLine",
    "account_lines",
    "cash_counterparts",
    "entries_between",
    "kind_sums",
]

_ENTRY_JOIN = and_(EntryRow.fund_id == PostingRow.fund_id, EntryRow.seq == PostingRow.entry_seq)
_ACCOUNT_JOIN = and_(
    AccountRow.fund_id == PostingRow.fund_id,
    AccountRow.id == PostingRow.account_id,
    AccountRow.fund_id == PostingRow.fund_id,
)


def _in_period(stmt: Any, start: date | None, end: date | None) -> Any:
    if start is not None:
        stmt = stmt.where(PostingRow.value_date >= start)
    if end is not None:
        stmt = stmt.where(PostingRow.value_date <= end)
    return stmt


def kind_sums(conn: Connection, fund_id: int, *, start: date | None, end: date | None) -> list[KindSum]:
    """Debits and credits per (account role, entry kind) of the fund's postings dated in [start, end].

    ``start=None`` reads from the first entry; ``end=None`` through the last. Sub-ledger accounts are summed
    under their role.
    """
    debit = func.coalesce(func.sum(case((PostingRow.amount > 0, PostingRow.amount), else_=0)), 0)
    credit = func.coalesce(func.sum(case((PostingRow.amount < 0, -PostingRow.amount), else_=0)), 0)
    stmt = (
        select(AccountRow.role, EntryRow.kind, debit, credit)
        .select_from(PostingRow)
        .join(AccountRow, _ACCOUNT_JOIN)
        .join(EntryRow, _ENTRY_JOIN)
        .where(PostingRow.fund_id == fund_id)
        .group_by(AccountRow.role, EntryRow.kind)
    )
    stmt = _in_period(stmt, start, end)
    return [KindSum(role, kind, int(dr), int(cr)) for role, kind, dr, cr in conn.execute(stmt)]


def cash_counterparts(
    conn: Connection, fund_id: int, cash_roles: tuple[str, ...], *, start: date | None, end: date | None
) -> dict[str, tuple[int, int]]:
    """What the cash of a period moved against, per counterpart role: ``role → (paid, received)`` in fen.

    For every entry dated in [start, end] that touches an account of ``cash_roles``, each other role's net
    posting in that entry is the cash the entry moved on its account: a net debit (a loan paid out, a grant)
    is cash paid, a net credit (a donation, a repayment) is cash received. Because an entry balances, what is
    received less what is paid equals the movement of cash.
    """
    touching = (
        select(PostingRow.entry_seq)
        .join(AccountRow, _ACCOUNT_JOIN)
        .where(PostingRow.fund_id == fund_id, AccountRow.role.in_(cash_roles))
    )
    touching = _in_period(touching, start, end)
    per_entry = (
        select(AccountRow.role.label("role"), func.sum(PostingRow.amount).label("net"))
        .join(AccountRow, _ACCOUNT_JOIN)
        .where(
            PostingRow.fund_id == fund_id,
            PostingRow.entry_seq.in_(touching),
            AccountRow.role.not_in(cash_roles),
        )
        .group_by(PostingRow.entry_seq, AccountRow.role)
        .subquery()
    )
    paid = func.coalesce(func.sum(case((per_entry.c.net > 0, per_entry.c.net), else_=0)), 0)
    received = func.coalesce(func.sum(case((per_entry.c.net < 0, -per_entry.c.net), else_=0)), 0)
    rows = conn.execute(select(per_entry.c.role, paid, received).group_by(per_entry.c.role))
    return {role: (int(p), int(r)) for role, p, r in rows}


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One posting of an account as the 明细账 shows it."""

    value_date: date
    seq: int
    kind: str
    memo: str
    code: str
    amount: int
    """Signed fen, positive = debit."""


def _account_filter(fund_id: int, code: str) -> Any:
    # a chart code names the account and every sub-ledger account under it (112201 → 112201.L-0001, …)
    pattern = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"
    return and_(
        AccountRow.fund_id == fund_id,
        or_(AccountRow.code == code, AccountRow.code.like(pattern, escape="\\")),
    )


def account_lines(
    conn: Connection, fund_id: int, code: str, *, start: date | None, end: date | None
) -> tuple[list[str], int, list[LedgerLine]]:
    """The accounts a code names, their balance before ``start`` and their postings in [start, end].

    Returns:
        ``(codes, opening, lines)``: the codes of the accounts found (empty when none is), the opening
        balance in signed fen, and the postings in date and entry order.
    """
    codes = [str(c) for c in conn.execute(select(AccountRow.code).where(_account_filter(fund_id, code)))]
    if not codes:
        return [], 0, []
    opening = 0
    if start is not None:
        opening = int(
            conn.execute(
                select(func.coalesce(func.sum(PostingRow.amount), 0))
                .join(AccountRow, _ACCOUNT_JOIN)
                .where(_account_filter(fund_id, code), PostingRow.value_date < start)
            ).scalar_one()
        )
    stmt = (
        select(
            PostingRow.value_date,
            PostingRow.entry_seq,
            EntryRow.kind,
            EntryRow.memo,
            AccountRow.code,
            PostingRow.amount,
        )
        .select_from(PostingRow)
        .join(AccountRow, _ACCOUNT_JOIN)
        .join(EntryRow, _ENTRY_JOIN)
        .where(_account_filter(fund_id, code))
        .order_by(PostingRow.value_date, PostingRow.entry_seq, PostingRow.line_no)
    )
    stmt = _in_period(stmt, start, end)
    lines = [LedgerLine(d, int(s), k, m, c, int(a)) for d, s, k, m, c, a in conn.execute(stmt)]
    return sorted(codes), opening, lines


def entries_between(
    conn: Connection, fund_id: int, *, start: date | None, end: date | None
) -> list[PostedEntry]:
    """The fund's entries dated in [start, end], in voucher-number order, each with its lines."""
    head = select(EntryRow.__table__).where(EntryRow.fund_id == fund_id).order_by(EntryRow.seq)
    if start is not None:
        head = head.where(EntryRow.value_date >= start)
    if end is not None:
        head = head.where(EntryRow.value_date <= end)
    rows = list(conn.execute(head))
    if not rows:
        return []
    body = (
        select(
            PostingRow.entry_seq,
            PostingRow.line_no,
            PostingRow.account_id,
            AccountRow.code,
            AccountRow.role,
            AccountRow.sub,
            PostingRow.amount,
        )
        .select_from(PostingRow)
        .join(AccountRow, _ACCOUNT_JOIN)
        .where(PostingRow.fund_id == fund_id)
        .order_by(PostingRow.entry_seq, PostingRow.line_no)
    )
    body = _in_period(body, start, end)
    lines: dict[int, list[Any]] = {}
    for line in conn.execute(body):
        lines.setdefault(int(line.entry_seq), []).append(line)
    return [posted_entry_of(r, tuple(posted_line_of(x) for x in lines.get(int(r.seq), []))) for r in rows]
