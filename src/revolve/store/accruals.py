"""The reads of the accruals (权责发生制): the interest-bearing loans a close accrues, with their instalments
and repayments, and the balances of the accrued receivables (应收利息, 应收管理费) per loan.

Each read is a few statements for the whole fund, whatever the number of loans: interest-free loans are
left out in SQL, so a close costs what the interest-bearing loans and the period's postings cost, not the
whole book. Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import cast

from sqlalchemy import Connection, Table, and_, bindparam, exists, or_, select

from revolve.accruals import AccruingLoan
from revolve.chart import AccountRole
from revolve.loans import LoanStatus
from revolve.loans.dues import InstalmentRow
from revolve.store.driver import run
from revolve.store.schema import (
    AccountRow,
    InstallmentRow,
    LoanRow,
    PostingRow,
    ReceiptRow,
    ScheduleVersionRow,
    VoidRow,
)

__all__ = ["ACCRUED_ROLES", "accrued_balances", "accruing_loans", "receivables_around"]

ACCRUED_ROLES = (AccountRole.ACCRUED_INTEREST, AccountRole.ACCRUED_FEE)
"""The receivables a close accrues, one sub-ledger account per loan."""

_LOAN = cast(Table, LoanRow.__table__)
_VERSION = cast(Table, ScheduleVersionRow.__table__)
_INSTALLMENT = cast(Table, InstallmentRow.__table__)
_RECEIPT = cast(Table, ReceiptRow.__table__)
_VOID = cast(Table, VoidRow.__table__)
_ACCOUNT = cast(Table, AccountRow.__table__)
_POSTING = cast(Table, PostingRow.__table__)

_CHARGED = _INSTALLMENT.alias("charged")
_BEARING = (
    exists()
    .where(
        and_(_CHARGED.c.fund_id == _LOAN.c.fund_id, _CHARGED.c.loan_id == _LOAN.c.id),
        _CHARGED.c.version == _LOAN.c.schedule_version,
        or_(_CHARGED.c.interest > 0, _CHARGED.c.fee > 0),
    )
    .correlate(_LOAN)
)
"""The loan's current schedule version charges interest or fees."""

_IN_FORCE = and_(
    _LOAN.c.fund_id == bindparam("fund"),
    _LOAN.c.disbursed_on <= bindparam("through"),
    or_(
        _LOAN.c.status == LoanStatus.ACTIVE.value,
        and_(_LOAN.c.status == LoanStatus.CLOSED.value, _LOAN.c.closed_on > bindparam("through")),
    ),
    _BEARING,
)
"""An interest-bearing loan paid out by the closing date and not repaid by then (it may be since)."""

_LOANS = (
    select(_LOAN.c.id, _LOAN.c.number, _VERSION.c.effective_on, _VERSION.c.terms)
    .join(
        _VERSION,
        and_(
            _VERSION.c.fund_id == _LOAN.c.fund_id,
            _VERSION.c.loan_id == _LOAN.c.id,
            _VERSION.c.version == _LOAN.c.schedule_version,
        ),
    )
    .where(_IN_FORCE)
    .order_by(_LOAN.c.id)
)
_ROWS = (
    select(
        _INSTALLMENT.c.loan_id,
        _INSTALLMENT.c.number,
        _INSTALLMENT.c.due_date,
        _INSTALLMENT.c.principal,
        _INSTALLMENT.c.interest,
        _INSTALLMENT.c.fee,
    )
    .join(
        _LOAN,
        and_(
            _LOAN.c.fund_id == _INSTALLMENT.c.fund_id,
            _LOAN.c.id == _INSTALLMENT.c.loan_id,
            _LOAN.c.schedule_version == _INSTALLMENT.c.version,
        ),
    )
    .where(_IN_FORCE)
    .order_by(_INSTALLMENT.c.loan_id, _INSTALLMENT.c.due_date, _INSTALLMENT.c.number)
)
_RECEIPTS = (
    select(_RECEIPT.c.loan_id, _RECEIPT.c.value_date, _RECEIPT.c.interest, _RECEIPT.c.fee)
    .join(
        _LOAN,
        and_(
            _LOAN.c.fund_id == _RECEIPT.c.fund_id,
            _LOAN.c.id == _RECEIPT.c.loan_id,
            _LOAN.c.schedule_version == _RECEIPT.c.schedule_version,
        ),
    )
    .where(
        _IN_FORCE,
        _RECEIPT.c.kind == "repayment",
        or_(_RECEIPT.c.interest > 0, _RECEIPT.c.fee > 0),
        ~exists().where(_VOID.c.fund_id == _RECEIPT.c.fund_id, _VOID.c.original_seq == _RECEIPT.c.entry_seq),
    )
    .order_by(_RECEIPT.c.loan_id, _RECEIPT.c.value_date, _RECEIPT.c.id)
)


def _rounding(terms: str) -> str:
    return str(json.loads(terms)["rounding"])


def accruing_loans(conn: Connection, fund_id: int, through: date) -> list[AccruingLoan]:
    """The fund's interest-bearing loans paid out by ``through`` and not repaid by then, each with its
    current schedule version's instalments and the repayments made in it (voided ones left out).

    Three statements for the whole fund.
    """
    params = {"fund": fund_id, "through": through}
    rows: dict[int, list[InstalmentRow]] = {}
    for loan_id, *row in run(conn, _ROWS, params, named=False):
        rows.setdefault(loan_id, []).append(cast(InstalmentRow, tuple(row)))
    receipts: dict[int, list[tuple[date, int, int]]] = {}
    for loan_id, day, interest, fee in run(conn, _RECEIPTS, params, named=False):
        receipts.setdefault(loan_id, []).append((day, int(interest), int(fee)))
    return [
        AccruingLoan(
            number,
            since,
            tuple(rows.get(loan_id, ())),
            tuple(receipts.get(loan_id, ())),
            _rounding(terms),
        )
        for loan_id, number, since, terms in run(conn, _LOANS, params, named=False)
    ]


_HELD_AT = select(_ACCOUNT.c.role, _ACCOUNT.c.sub, _ACCOUNT.c.balance).where(
    _ACCOUNT.c.fund_id == bindparam("fund"),
    _ACCOUNT.c.role.in_([r.value for r in ACCRUED_ROLES]),
    _ACCOUNT.c.sub != "",
)
_AFTER = (
    select(_ACCOUNT.c.role, _ACCOUNT.c.sub, _POSTING.c.value_date, _POSTING.c.amount)
    .join(_POSTING, and_(_POSTING.c.fund_id == _ACCOUNT.c.fund_id, _POSTING.c.account_id == _ACCOUNT.c.id))
    .where(
        _ACCOUNT.c.fund_id == bindparam("fund"),
        _ACCOUNT.c.role.in_([r.value for r in ACCRUED_ROLES]),
        _ACCOUNT.c.sub != "",
        _POSTING.c.value_date > bindparam("after"),
    )
)


def receivables_around(
    conn: Connection, fund_id: int, through: date
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str, date], int]]:
    """The accrued receivables per (role, loan) at ``through``, and their movements per (role, loan, value
    date) after it — the stored balances less what was posted after the date, so the journal is read only
    for the open period's postings.
    """
    at = {(role, sub): int(bal) for role, sub, bal in run(conn, _HELD_AT, {"fund": fund_id}, named=False)}
    after: dict[tuple[str, str, date], int] = {}
    for role, sub, day, amount in run(conn, _AFTER, {"fund": fund_id, "after": through}, named=False):
        after[(role, sub, day)] = after.get((role, sub, day), 0) + int(amount)
        at[(role, sub)] -= int(amount)
    return at, after


_BALANCES_OF = select(_ACCOUNT.c.role, _ACCOUNT.c.sub, _ACCOUNT.c.balance).where(
    _ACCOUNT.c.fund_id == bindparam("fund"),
    _ACCOUNT.c.role.in_([r.value for r in ACCRUED_ROLES]),
    _ACCOUNT.c.sub.in_(bindparam("subs", expanding=True)),
)


def accrued_balances(conn: Connection, fund_id: int, numbers: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Per loan number, its (interest, fee) receivable as the books stand (one statement; loans never
    accrued are left out)."""
    subs = sorted(set(numbers))
    found: dict[str, tuple[int, int]] = {}
    if not subs:
        return found
    for role, sub, bal in conn.execute(_BALANCES_OF, {"fund": fund_id, "subs": subs}):
        interest, fee = found.get(sub, (0, 0))
        if role == AccountRole.ACCRUED_INTEREST.value:
            interest = int(bal)
        else:
            fee = int(bal)
        found[sub] = (interest, fee)
    return found
