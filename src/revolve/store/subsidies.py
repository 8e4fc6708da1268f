"""Bank-lent subsidised loans and grants (tables ``revolve_bank_loan``, ``revolve_subsidy_payment`` and
``revolve_grant``): loans a bank lends that the fund records for information and pays interest subsidy
(贴息) on, period by period, and one-off grants to households.

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select, update

from revolve.errors import DuplicateCode, UnknownBankLoan
from revolve.money import Money
from revolve.store.lookup import by_ref, row_by_ref
from revolve.store.schema import BankLoanRow, GrantRow, SubsidyPaymentRow
from revolve.store.stored_json import caps_from_json, terms_from_json
from revolve.store.voids import live
from revolve.subsidy import BankLoan

__all__ = [
    "bank_loans",
    "close_bank_loan",
    "find_bank_loan",
    "household_bank_loan_terms",
    "insert_bank_loan",
    "insert_grant",
    "insert_subsidy_payment",
    "mark_bank_loan_breach",
    "subsidy_paid",
    "subsidy_payments",
]

_BANK_LOAN = cast(Table, BankLoanRow.__table__)


# ---- bank-lent subsidised loans -----------------------------------------------------------------
def insert_bank_loan(
    conn: Connection, fund_id: int, *, number: str, household_id: int, bank: str, terms: str, caps: str
) -> int:
    """Record a bank-lent loan for information; return its id."""
    if conn.execute(
        select(BankLoanRow.id).where(BankLoanRow.fund_id == fund_id, BankLoanRow.number == number)
    ).first():
        raise DuplicateCode(number, what="bank loan")
    return int(
        conn.execute(
            insert(BankLoanRow)
            .values(
                fund_id=fund_id, number=number, household_id=household_id, bank=bank, terms=terms, caps=caps
            )
            .returning(BankLoanRow.id)
        ).scalar_one()
    )


_BANK_LOANS = by_ref(select(_BANK_LOAN), _BANK_LOAN, "number")


def find_bank_loan(conn: Connection, fund_id: int, ref: int | str) -> Any:
    """The bank loan row with this id or number."""
    row = row_by_ref(conn, _BANK_LOANS, fund_id, ref)
    if row is None:
        raise UnknownBankLoan(ref)
    return row


def mark_bank_loan_breach(conn: Connection, bank_loan_id: int, on: date) -> None:
    """Record that a bank loan broke its terms (overdue, misuse) from a date: no subsidy after it."""
    conn.execute(update(BankLoanRow).where(BankLoanRow.id == bank_loan_id).values(in_breach_from=on))


def bank_loans(conn: Connection, fund_id: int) -> list[BankLoan]:
    """Every bank loan the fund records, in the order registered."""
    rows = conn.execute(select(_BANK_LOAN).where(_BANK_LOAN.c.fund_id == fund_id).order_by(_BANK_LOAN.c.id))
    return [
        BankLoan(
            id=int(r.id),
            fund_id=int(r.fund_id),
            number=r.number,
            household_id=int(r.household_id),
            bank=r.bank,
            terms=terms_from_json(r.terms),
            caps=caps_from_json(r.caps),
            in_breach_from=r.in_breach_from,
            closed_on=r.closed_on,
        )
        for r in rows
    ]


def close_bank_loan(conn: Connection, bank_loan_id: int, on: date) -> None:
    """Record that the household repaid the bank loan on ``on``."""
    conn.execute(update(BankLoanRow).where(BankLoanRow.id == bank_loan_id).values(closed_on=on))


def household_bank_loan_terms(conn: Connection, fund_id: int, household_id: int) -> list[str]:
    """The stored terms (JSON text) of every bank loan the fund records for a household."""
    rows = conn.execute(
        select(BankLoanRow.terms)
        .where(BankLoanRow.fund_id == fund_id, BankLoanRow.household_id == household_id)
        .order_by(BankLoanRow.id)
    )
    return [str(t) for (t,) in rows]


def subsidy_paid(conn: Connection, bank_loan_id: int) -> dict[int, Money]:
    """The subsidy already paid per period of a bank loan (a voided payment left out: unpaid again)."""
    rows = conn.execute(
        select(SubsidyPaymentRow.period, SubsidyPaymentRow.amount).where(
            SubsidyPaymentRow.bank_loan_id == bank_loan_id,
            live(SubsidyPaymentRow.fund_id, SubsidyPaymentRow.entry_seq),
        )
    )
    return {int(p): Money(int(a)) for p, a in rows}


def subsidy_payments(conn: Connection, bank_loan_id: int, *, voided: bool = False) -> dict[int, int]:
    """Period → the entry that paid it, for the periods of a bank loan whose payment stands (not voided);
    with ``voided``, the payments voided instead (the latest per period)."""
    kept = live(SubsidyPaymentRow.fund_id, SubsidyPaymentRow.entry_seq)
    rows = conn.execute(
        select(SubsidyPaymentRow.period, SubsidyPaymentRow.entry_seq)
        .where(SubsidyPaymentRow.bank_loan_id == bank_loan_id, ~kept if voided else kept)
        .order_by(SubsidyPaymentRow.entry_seq)
    )
    return {int(p): int(seq) for p, seq in rows}


def insert_subsidy_payment(
    conn: Connection, fund_id: int, *, bank_loan_id: int, period: int, amount: Money, on: date, seq: int
) -> None:
    """Record the subsidy paid for one period."""
    conn.execute(
        insert(SubsidyPaymentRow).values(
            bank_loan_id=bank_loan_id,
            period=period,
            fund_id=fund_id,
            amount=amount.fen,
            value_date=on,
            entry_seq=seq,
        )
    )


def insert_grant(
    conn: Connection, fund_id: int, *, seq: int, household_id: int, amount: Money, on: date
) -> None:
    """Record a one-off grant to a household."""
    conn.execute(
        insert(GrantRow).values(
            fund_id=fund_id, entry_seq=seq, household_id=household_id, amount=amount.fen, value_date=on
        )
    )
