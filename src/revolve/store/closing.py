"""Period closes, reopenings and restriction policies (tables ``revolve_period_close``,
``revolve_period_reopen``, ``revolve_restriction_policy`` and ``revolve_fund.accrued_through``), and the
journal reads the close needs: the closing postings by date, and a period's movements by entry kind.

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, bindparam, delete, func, insert, select, update

from revolve.chart import AccountKey
from revolve.closing import CLOSE_PREFIX, PeriodReopening, RestrictionPolicy
from revolve.records import record_digest
from revolve.store.driver import run
from revolve.store.record_key import record_key
from revolve.store.rows import account_key, reopening_of, restriction_policy_of
from revolve.store.schema import (
    AccountRow,
    BankLoanRow,
    EntryRow,
    FundAccrualRow,
    FundRow,
    PeriodCloseRow,
    PeriodReopenRow,
    PostingRow,
    RestrictionPolicyRow,
)

__all__ = [
    "BankLoanTerms",
    "accrued_through",
    "balances_at",
    "bank_loans",
    "close_postings",
    "first_value_date",
    "generation",
    "mark_reopened",
    "movements_by_kind",
    "open_closes",
    "record_close",
    "record_reopen",
    "reopenings",
    "restriction_policy",
    "set_accrued_through",
    "set_closed_through",
    "set_restriction_policy",
]


_ACCRUAL = cast(Table, FundAccrualRow.__table__)


def restriction_policy(conn: Connection, fund_id: int) -> RestrictionPolicy:
    """The fund's restriction policy (the default when none was set)."""
    row = conn.execute(
        select(RestrictionPolicyRow.__table__).where(RestrictionPolicyRow.fund_id == fund_id)
    ).first()
    return RestrictionPolicy() if row is None else restriction_policy_of(row)


def set_restriction_policy(conn: Connection, fund_id: int, policy: RestrictionPolicy) -> None:
    """Store the fund's restriction policy, replacing the one before."""
    conn.execute(delete(RestrictionPolicyRow).where(RestrictionPolicyRow.fund_id == fund_id))
    conn.execute(
        insert(RestrictionPolicyRow).values(
            fund_id=fund_id,
            on_grant=policy.on_grant,
            on_subsidy=policy.on_subsidy,
            on_write_off=policy.on_write_off,
            on_return=policy.on_return,
        )
    )


def set_accrued_through(conn: Connection, fund_id: int, through: date) -> None:
    """Record the date the fund's interest, fees and subsidies are accrued through."""
    conn.execute(delete(FundAccrualRow).where(FundAccrualRow.fund_id == fund_id))
    conn.execute(insert(FundAccrualRow).values(fund_id=fund_id, accrued_through=through))


_ACCRUED_THROUGH = select(_ACCRUAL.c.accrued_through).where(_ACCRUAL.c.fund_id == bindparam("fund"))


def accrued_through(conn: Connection, fund_id: int) -> date | None:
    """The date the fund is accrued through (None: never closed)."""
    rows = run(conn, _ACCRUED_THROUGH, {"fund": fund_id})  # the hot path: read before every repayment
    found = rows[0][0] if rows else None
    # the driver's fast path hands SQLite's stored text back as it is
    return date.fromisoformat(found) if isinstance(found, str) else found


def set_closed_through(conn: Connection, fund_id: int, through: date | None) -> None:
    """Record the date the fund is closed through (None: not closed at all)."""
    conn.execute(update(FundRow).where(FundRow.id == fund_id).values(closed_through=through))


def first_value_date(conn: Connection, fund_id: int, *, besides: str | None = None) -> date | None:
    """The value date of the fund's earliest entry, leaving out entries of kind ``besides`` (None: none)."""
    query = select(func.min(EntryRow.value_date)).where(EntryRow.fund_id == fund_id)
    if besides is not None:
        query = query.where(EntryRow.kind != besides)
    found: date | None = conn.execute(query).scalar_one()
    return found


def generation(conn: Connection, fund_id: int) -> int:
    """How many reopenings the fund has recorded (a close's idempotency keys carry it)."""
    return int(conn.execute(select(func.count()).where(PeriodReopenRow.fund_id == fund_id)).scalar_one())


def record_close(conn: Connection, fund_id: int, *, through: date, generation: int, at: datetime) -> None:
    """Record a period close."""
    conn.execute(
        insert(PeriodCloseRow).values(
            fund_id=fund_id,
            through=through,
            generation=generation,
            closed_at=at,
            reopened=False,
            digest=record_digest("period_close", (through, generation), record_key()),
        )
    )


def open_closes(conn: Connection, fund_id: int) -> list[date]:
    """The dates of the fund's closes still in force (not reopened), oldest first."""
    rows = conn.execute(
        select(PeriodCloseRow.through)
        .where(PeriodCloseRow.fund_id == fund_id, PeriodCloseRow.reopened.is_(False))
        .order_by(PeriodCloseRow.through)
    )
    return [r[0] for r in rows]


def mark_reopened(conn: Connection, fund_id: int, *, since: date) -> None:
    """Mark the closes dated on or after ``since`` as reopened."""
    conn.execute(
        update(PeriodCloseRow)
        .where(PeriodCloseRow.fund_id == fund_id, PeriodCloseRow.through >= since)
        .values(reopened=True)
    )


def record_reopen(conn: Connection, reopening: PeriodReopening) -> None:
    """Record a reopening: who approved it, why and when."""
    conn.execute(
        insert(PeriodReopenRow).values(
            fund_id=reopening.fund_id,
            through=reopening.through,
            closed_through_before=reopening.closed_through_before,
            closed_through_after=reopening.closed_through_after,
            reason=reopening.reason,
            approved_by=reopening.approved_by,
            reopened_at=reopening.reopened_at,
        )
    )


def reopenings(conn: Connection, fund_id: int) -> list[PeriodReopening]:
    """The fund's reopenings, in the order recorded."""
    rows = conn.execute(
        select(PeriodReopenRow.__table__)
        .where(PeriodReopenRow.fund_id == fund_id)
        .order_by(PeriodReopenRow.id)
    )
    return [reopening_of(r) for r in rows]


def _postings_by_kind(conn: Connection, fund_id: int) -> Any:
    return (
        select(
            PostingRow.value_date, EntryRow.kind, AccountRow.role, AccountRow.sub, func.sum(PostingRow.amount)
        )
        .join(EntryRow, and_(EntryRow.fund_id == PostingRow.fund_id, EntryRow.seq == PostingRow.entry_seq))
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(PostingRow.fund_id == fund_id)
        .group_by(PostingRow.value_date, EntryRow.kind, AccountRow.role, AccountRow.sub)
    )


def close_postings(conn: Connection, fund_id: int, *, since: date) -> dict[date, dict[AccountKey, int]]:
    """The net of the closing entries (kinds ``close.…``) dated on or after ``since``, by date and account."""
    stmt = _postings_by_kind(conn, fund_id).where(
        PostingRow.value_date >= since, EntryRow.kind.like(f"{CLOSE_PREFIX}%")
    )
    out: dict[date, dict[AccountKey, int]] = {}
    for day, _, role, sub, amount in conn.execute(stmt):
        per_day = out.setdefault(day, {})
        key = account_key(role, sub)
        per_day[key] = per_day.get(key, 0) + int(amount)
    return out


def movements_by_kind(
    conn: Connection, fund_id: int, *, start: date, end: date
) -> Iterator[tuple[str, str, int]]:
    """(entry kind, role, net amount) of the postings dated from ``start`` through ``end``."""
    stmt = (
        select(EntryRow.kind, AccountRow.role, func.sum(PostingRow.amount))
        .join(EntryRow, and_(EntryRow.fund_id == PostingRow.fund_id, EntryRow.seq == PostingRow.entry_seq))
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(PostingRow.fund_id == fund_id, PostingRow.value_date >= start, PostingRow.value_date <= end)
        .group_by(EntryRow.kind, AccountRow.role)
    )
    for kind, role, amount in conn.execute(stmt):
        yield str(kind), str(role), int(amount)


@dataclass(frozen=True, slots=True)
class BankLoanTerms:
    """A bank loan as the subsidy accrual reads it (terms and caps as stored JSON)."""

    id: int
    number: str
    terms: str
    caps: str
    in_breach_from: date | None


def bank_loans(conn: Connection, fund_id: int) -> list[BankLoanTerms]:
    """The fund's bank-lent loans, by id."""
    rows = conn.execute(
        select(
            BankLoanRow.id,
            BankLoanRow.number,
            BankLoanRow.terms,
            BankLoanRow.caps,
            BankLoanRow.in_breach_from,
        )
        .where(BankLoanRow.fund_id == fund_id)
        .order_by(BankLoanRow.id)
    )
    return [BankLoanTerms(*r) for r in rows]


_ACCOUNTS = cast(Table, AccountRow.__table__)
_POSTINGS = cast(Table, PostingRow.__table__)
_STORED_BY_ACCOUNT = select(_ACCOUNTS.c.role, _ACCOUNTS.c.sub, _ACCOUNTS.c.balance).where(
    _ACCOUNTS.c.fund_id == bindparam("fund"), _ACCOUNTS.c.balance != 0
)
_MOVED_AFTER = (
    select(_ACCOUNTS.c.role, _ACCOUNTS.c.sub, func.sum(_POSTINGS.c.amount))
    .join(
        _POSTINGS, and_(_POSTINGS.c.fund_id == _ACCOUNTS.c.fund_id, _POSTINGS.c.account_id == _ACCOUNTS.c.id)
    )
    .where(_ACCOUNTS.c.fund_id == bindparam("fund"), _POSTINGS.c.value_date > bindparam("after"))
    .group_by(_ACCOUNTS.c.role, _ACCOUNTS.c.sub)
)


def balances_at(conn: Connection, fund_id: int, through: date) -> dict[tuple[str, str], int]:
    """Every account's balance at ``through`` per (role, sub-key): the stored balances less what was posted
    after the date. Two statements; the journal is read only for the postings after ``through`` (the open
    period's, when closing), through the (account, value date) index — not the whole book.
    """
    found: dict[tuple[str, str], int] = {}
    for role, sub, balance in run(conn, _STORED_BY_ACCOUNT, {"fund": fund_id}, named=False):
        found[(role, sub)] = int(balance)
    for role, sub, moved in run(conn, _MOVED_AFTER, {"fund": fund_id, "after": through}, named=False):
        found[(role, sub)] = found.get((role, sub), 0) - int(moved)
    return found
