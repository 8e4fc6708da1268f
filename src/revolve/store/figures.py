"""Fund figures read from the books (sums over ``revolve_posting`` with ``revolve_entry`` and
``revolve_account``, and over ``revolve_loan`` and ``revolve_receipt``): capital contributed by source,
principal lent and recovered, households served, loan rounds (轮次) and what a loan's round is computed
from. Capital counts allocations (拨付) received, less those given (:mod:`revolve.allocations`).

These are the figures the fund's headline numbers and reports read; every function works inside the
caller's transaction and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Connection, Table, and_, bindparam, func, literal, or_, select

from revolve.allocations import capital_key
from revolve.chart import AccountRole
from revolve.loans.records import LoanStatus
from revolve.money import Money
from revolve.opening import eve
from revolve.store.driver import run
from revolve.store.funds import FundHead
from revolve.store.opening import find_opening
from revolve.store.schema import AccountRow, EntryRow, LoanRow, PostingRow, ReceiptRow
from revolve.store.voids import live, voids_since

__all__ = [
    "RoundBasis",
    "capital_by_day",
    "capital_by_source",
    "capital_contributed",
    "disbursed_total",
    "households_served",
    "loan_rounds",
    "principal_disbursed_between",
    "principal_recovered",
    "round_basis",
]

_ACCOUNT = cast(Table, AccountRow.__table__)
_ENTRY = cast(Table, EntryRow.__table__)
_LOAN = cast(Table, LoanRow.__table__)
_POSTING = cast(Table, PostingRow.__table__)
# a voided loan (冲正) was never lent, as the books now stand
_VOIDED = LoanStatus.VOIDED.value


_CAPITAL_KINDS = or_(EntryRow.kind.like("contribution.%"), EntryRow.kind.like("allocation.%"))
"""Entries that move capital: contributions, and allocations (拨付) received or given
(:func:`revolve.allocations.capital_key`)."""


def _capital_cash(conn: Connection, fund_id: int, as_of: date | None) -> dict[str, int]:
    stmt = (
        select(EntryRow.kind, func.sum(PostingRow.amount))
        .join(EntryRow, and_(EntryRow.fund_id == PostingRow.fund_id, EntryRow.seq == PostingRow.entry_seq))
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(PostingRow.fund_id == fund_id, AccountRow.role == AccountRole.FUND_CASH.value, _CAPITAL_KINDS)
        .group_by(EntryRow.kind)
    )
    if as_of is not None:
        stmt = stmt.where(PostingRow.value_date <= as_of)
    by_key: dict[str, int] = {}
    for kind, total in conn.execute(stmt):
        key = capital_key(kind)
        if key is not None:
            by_key[key] = by_key.get(key, 0) + int(total)
    return by_key


def capital_by_source(conn: Connection, fund_id: int, as_of: date | None = None) -> dict[str, Money]:
    """Capital by source (``donation``, ``fiscal``, …), net of any reversal: contributions, allocations
    received (``allocated_in``) and, negative, allocations given (``allocated_out``), with the capital
    given at the fund's opening (期初) once the books are open."""
    out = {key: Money(total) for key, total in _capital_cash(conn, fund_id, as_of).items()}
    opening = find_opening(conn, fund_id)
    if opening is not None and (as_of is None or as_of >= opening.on):
        for source, amount in opening.capital.items():
            out[source] = out.get(source, Money(0)) + amount
    return out


def capital_by_day(conn: Connection, fund_id: int) -> dict[date, int]:
    """The fund's capital movements (fen) by value date: the opening's capital, contributions and
    allocations, in and out."""
    stmt = (
        select(PostingRow.value_date, func.sum(PostingRow.amount))
        .join(EntryRow, and_(EntryRow.fund_id == PostingRow.fund_id, EntryRow.seq == PostingRow.entry_seq))
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(PostingRow.fund_id == fund_id, AccountRow.role == AccountRole.FUND_CASH.value, _CAPITAL_KINDS)
        .group_by(PostingRow.value_date)
    )
    days = {day: int(total) for day, total in conn.execute(stmt)}
    opening = find_opening(conn, fund_id)
    if opening is not None:
        days[opening.on] = days.get(opening.on, 0) + opening.capital_total.fen
    return days


def capital_contributed(conn: Connection, fund_id: int, as_of: date | None = None) -> Money:
    """The fund's capital: contributions and allocations received, less allocations given, with the
    capital given at the opening."""
    return Money.total(capital_by_source(conn, fund_id, as_of).values())


def disbursed_total(conn: Connection, fund_id: int, as_of: date | None = None) -> Money:
    """Principal the fund has lent, in all (with what it lent before its opening, beyond the loans brought in)."""
    return principal_disbursed_between(conn, fund_id, None, as_of) + _lent_before_opening(
        conn, fund_id, as_of
    )


def _lent_before_opening(conn: Connection, fund_id: int, as_of: date | None) -> Money:
    """Principal lent before the opening by loans not brought in (their records stayed in the old books)."""
    opening = find_opening(conn, fund_id)
    if opening is None or (as_of is not None and as_of < opening.on):
        return Money(0)
    brought = principal_disbursed_between(conn, fund_id, None, eve(opening.on))
    return opening.lent_before - brought


@dataclass(frozen=True, slots=True)
class RoundBasis:
    """What a loan's round (轮次) is computed from: capital contributed and principal lent, in fen by value
    date, as the fund's books stood through journal entry ``seq``, whose chain hash is ``hash``.

    The amounts are those of :func:`capital_contributed` and :func:`disbursed_total`. Journal entries
    never change, a chain hash vouches for every entry up to its own, and each loan is paid out by an
    entry of its own: so a basis stays true for as long as entry ``seq`` keeps that hash, and
    :func:`round_basis` then reads only what was written after it. ``loan_id`` is the highest loan id read.
    """

    seq: int
    hash: str
    loan_id: int
    capital: dict[date, int]
    lent: dict[date, int]

    def capital_as_of(self, on: date) -> Money:
        """Capital contributed with value dates on or before ``on``."""
        return Money(sum(fen for day, fen in self.capital.items() if day <= on))

    def lent_as_of(self, on: date) -> Money:
        """Principal of the loans paid out on or before ``on``."""
        return Money(sum(fen for day, fen in self.lent.items() if day <= on))


_ENTRY_HASH = select(_ENTRY.c.hash).where(
    _ENTRY.c.fund_id == bindparam("fund"), _ENTRY.c.seq == bindparam("seq")
)
_CONTRIBUTED_SINCE = (
    select(_POSTING.c.value_date, func.sum(_POSTING.c.amount))
    .join(_ENTRY, and_(_ENTRY.c.fund_id == _POSTING.c.fund_id, _ENTRY.c.seq == _POSTING.c.entry_seq))
    .join(_ACCOUNT, and_(_ACCOUNT.c.fund_id == _POSTING.c.fund_id, _ACCOUNT.c.id == _POSTING.c.account_id))
    .where(
        _POSTING.c.fund_id == bindparam("fund"),
        _POSTING.c.entry_seq > bindparam("seq"),
        _ACCOUNT.c.role == AccountRole.FUND_CASH.value,
        or_(_ENTRY.c.kind.like("contribution.%"), _ENTRY.c.kind.like("allocation.%")),
    )
    .group_by(_POSTING.c.value_date)
)
# by id alone, so that SQLite walks the new rows only (the fund's index would walk all its loans)
_LENT_SINCE = select(
    _LOAN.c.id,
    _LOAN.c.fund_id,
    _LOAN.c.disbursed_on,
    _LOAN.c.principal,
    _LOAN.c.disbursement_seq,
    _LOAN.c.status,
).where(_LOAN.c.id > bindparam("loan"))


def _entry_hash(conn: Connection, fund_id: int, seq: int) -> str | None:
    rows = run(conn, _ENTRY_HASH, {"fund": fund_id, "seq": seq})
    return str(rows[0].hash) if rows else None


def round_basis(conn: Connection, head: FundHead, known: RoundBasis | None = None) -> RoundBasis:
    """The fund's :class:`RoundBasis` at its locked ``head``, reading only what was written since ``known``.

    Without ``known``, or when its entry is gone or differs (the transaction that wrote it rolled back),
    everything is read afresh. The reads cost what was written since, not the size of the book.
    """
    fund_id = head.fund.id
    if known is not None and (known.seq, known.hash) == (head.count, head.hash):
        return known
    if (
        known is not None
        and known.seq < head.count
        and _entry_hash(conn, fund_id, known.seq) == known.hash
        # a void since takes a loan or a contribution back out of what was read: read afresh
        and not voids_since(conn, fund_id, known.seq)
    ):
        seq, last_loan, capital, lent = known.seq, known.loan_id, dict(known.capital), dict(known.lent)
    else:
        seq, last_loan, capital, lent = 0, 0, {}, {}
    if seq == 0:
        # the opening is always a fund's first entry: counted when the basis is read from the start
        opening = find_opening(conn, fund_id)
        if opening is not None:
            capital[opening.on] = capital.get(opening.on, 0) + opening.capital_total.fen
            history = (
                opening.lent_before.fen
                - principal_disbursed_between(conn, fund_id, None, eve(opening.on)).fen
            )
            lent[opening.on] = lent.get(opening.on, 0) + history
    for day, total in run(conn, _CONTRIBUTED_SINCE, {"fund": fund_id, "seq": seq}):
        capital[day] = capital.get(day, 0) + int(total)
    newest_loan = last_loan
    for loan_id, loan_fund, day, principal, disbursement_seq, status in run(
        conn, _LENT_SINCE, {"loan": last_loan}
    ):
        if loan_fund != fund_id:
            continue
        newest_loan = max(newest_loan, int(loan_id))
        if status == _VOIDED:
            continue  # a voided loan (冲正) was never lent
        # a loan paid out by an entry already read was counted then (written again after a rollback)
        if disbursement_seq > seq:
            lent[day] = lent.get(day, 0) + int(principal)
    return RoundBasis(head.count, head.hash, newest_loan, capital, lent)


def households_served(conn: Connection, fund_id: int, as_of: date | None = None) -> int:
    """Distinct households that have had a loan from the fund."""
    stmt = select(func.count(func.distinct(LoanRow.household_id))).where(
        LoanRow.fund_id == fund_id, LoanRow.status != _VOIDED
    )
    if as_of is not None:
        stmt = stmt.where(LoanRow.disbursed_on <= as_of)
    return int(conn.execute(stmt).scalar_one())


def principal_recovered(conn: Connection, fund_id: int, start: date | None, end: date | None) -> Money:
    """Principal repaid (all payers) with value dates in [start, end]."""
    stmt = select(func.coalesce(func.sum(ReceiptRow.principal), literal(0))).where(
        ReceiptRow.fund_id == fund_id,
        ReceiptRow.kind == "repayment",
        live(ReceiptRow.fund_id, ReceiptRow.entry_seq),
    )
    if start is not None:
        stmt = stmt.where(ReceiptRow.value_date >= start)
    if end is not None:
        stmt = stmt.where(ReceiptRow.value_date <= end)
    return Money(int(conn.execute(stmt).scalar_one()))


def principal_disbursed_between(
    conn: Connection, fund_id: int, start: date | None, end: date | None
) -> Money:
    """Principal lent with disbursement dates in [start, end]."""
    stmt = select(func.coalesce(func.sum(LoanRow.principal), 0)).where(
        LoanRow.fund_id == fund_id, LoanRow.status != _VOIDED
    )
    if start is not None:
        stmt = stmt.where(LoanRow.disbursed_on >= start)
    if end is not None:
        stmt = stmt.where(LoanRow.disbursed_on <= end)
    return Money(int(conn.execute(stmt).scalar_one()))


def loan_rounds(conn: Connection, fund_id: int) -> dict[str, int]:
    """Each loan's round (轮次), by loan number."""
    rows = conn.execute(
        select(LoanRow.number, LoanRow.round).where(LoanRow.fund_id == fund_id, LoanRow.status != _VOIDED)
    )
    return {number: int(r) for number, r in rows}
