"""Passbook pledges (存折质押): the register of mothers' passbooks held for their loans, off the books.

A passbook stays the mother's money (民间非营利组织会计制度 第十六条: an asset is a resource the
organisation controls; her passbook is not one), so registering and releasing one posts nothing: it is a
line in the pledge register (备查簿). Applying it to a loan in default is the one event that moves money:
her bank pays the pledged balance into the fund's account, a receipt from the borrower's own money,
decided like any repayment by :func:`revolve.loans.repayment.decide_repayment` (Dr 银行存款 /
Cr 其他应收款, payer ``passbook``). A cash deposit (保证金) actually paid into the fund is another thing:
``disburse(pledge=…)`` books it as a liability (see :mod:`revolve.pledges`).
"""

from __future__ import annotations

from datetime import date

from revolve.checks import ref_of
from revolve.errors import UnknownPassbookPledge
from revolve.loans import Component, Loan, Receipt
from revolve.loans.repayment import OpenLoan, decide_repayment
from revolve.loans.retries import receipt_retry
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.operations.closing import with_accruals
from revolve.operations.repayments import accrued_of, release_passbooks
from revolve.pledges import (
    Passbook,
    PassbookPledge,
    application_amount,
    check_registration,
    check_release,
    fund_loan_of,
)
from revolve.rules import PayerKind
from revolve.store import loans as store_loans
from revolve.store import pledges as store_pledges
from revolve.store import receipts as store_receipts
from revolve.store import subsidies as store_subsidies
from revolve.store.transactions import Connection

__all__ = ["PassbookPledges"]

PledgeRef = PassbookPledge | int


def _find(conn: Connection, fund_id: int, pledge: PledgeRef) -> PassbookPledge:
    pledge_id = pledge.id if isinstance(pledge, PassbookPledge) else pledge
    found = store_pledges.find_passbook_pledge(conn, fund_id, pledge_id)
    if found is None:
        raise UnknownPassbookPledge(pledge_id)
    return found


class PassbookPledges(Family):
    """The passbook pledge register: registering, releasing and applying mothers' pledged passbooks."""

    def register_passbook_pledge(
        self, fund: FundRef, loan: Loan | int | str, *, passbook: Passbook, on: date
    ) -> PassbookPledge:
        """Register a passbook pledged for a loan (at or after its payout). Nothing is posted.

        A deposit-pledge guarantee (存折质押) on the loan adds the amount to what it records as pledged.
        (A passbook pledged at the payout is given as ``disburse(passbook=…)``.)

        Args:
            fund: the fund holding the passbook.
            loan: the loan it secures.
            passbook: the bank, the account number (stored, shown masked) and the balance pledged.
            on: the day the fund took it.

        Returns:
            The register line.

        Raises:
            UnknownLoan: no such loan.
            LoanStateError: the loan is closed or written off.
            InvalidDate: before the loan was paid out.
            InvalidEntry, MoneyTypeError, InvalidAmount: a passbook without a bank, with a malformed account
                number, or an amount that is not positive Money.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            ln = store_loans.find_loan(conn, f.id, ref_of(loan))
            p, day = check_registration(ln, passbook, on)
            (new_id,) = store_pledges.insert_passbook_pledges(conn, f.id, [(ln.id, p, day)])
            store_pledges.add_to_deposit_guarantees(conn, ln.id, p.amount)
            return _find(conn, f.id, new_id)

    def release_passbook_pledge(
        self, fund: FundRef, pledge: PledgeRef, *, on: date, note: str = ""
    ) -> PassbookPledge:
        """Hand a passbook back to the mother by hand (a repayment that closes the loan does it itself).

        Nothing is posted: the passbook never was the fund's money.

        Args:
            fund: the fund.
            pledge: the register line (value or id).
            on: the day it was handed back.
            note: why (e.g. the committee agreed to release it early).

        Raises:
            UnknownPassbookPledge: no such line in the fund.
            PledgeStateError: it was released already.
            InvalidDate: before it was taken or applied.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            p = _find(conn, f.id, pledge)
            day = check_release(p, on)
            store_pledges.mark_released(conn, p.id, on=day, note=note or "手工解除质押")
            return _find(conn, f.id, p.id)

    def apply_passbook_pledge(
        self,
        fund: FundRef,
        pledge: PledgeRef,
        *,
        on: date,
        receipt: str,
        amount: Money | None = None,
    ) -> Receipt:
        """Apply a pledged passbook to its loan in default: a receipt from the borrower's own money.

        Her bank pays the balance into the fund's account on ``on``; the payment is decided exactly as
        :meth:`repay` decides one (waterfall, overpayment, closing, receipt numbers), with payer
        ``passbook``: Dr 银行存款 / Cr 其他应收款 (and income for interest, fees and penalty). When it
        closes the loan, every passbook still held for it is released the same day.

        Args:
            fund: the fund.
            pledge: the register line (value or id).
            on: the value date the money came in.
            receipt: the receipt number (还款凭证号); applying again under it returns the first receipt.
            amount: what is taken from the passbook; by default what the loan still owes, up to the
                balance pledged.

        Returns:
            The receipt.

        Raises:
            UnknownPassbookPledge: no such line in the fund.
            PledgeStateError: it was applied or released already, or the loan is not in default on ``on``.
            InvalidAmount: ``amount`` not positive, or more than the balance pledged.
            Overpayment: ``amount`` more than the loan owes.
            LoanStateError: the loan is closed or written off.
            InvalidDate: before the passbook was taken or the loan's current schedule began.
            DuplicateReceipt: the receipt number was used for another payment.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, with_accruals(unit)
            p = _find(conn, f.id, pledge)
            key = f"receipt:{receipt}"
            found = store_loans.loan_for_payment(conn, f.id, fund_loan_of(p), receipt=receipt, key=key)
            ln = found.paying.loan
            if found.receipt_taken:
                earlier = store_receipts.find_receipt(conn, f.id, receipt)
                if earlier is not None:
                    return receipt_retry(
                        earlier,
                        fund_id=f.id,
                        fund_code=f.code,
                        loan_id=ln.id,
                        amount=amount if amount is not None else earlier.amount,
                        on=on,
                        kind="repayment",
                        payer=PayerKind.PASSBOOK,
                        guarantor_id=None,
                    )
            its = found.installments
            interest, fee = accrued_of(unit, {ln.number: its}).get(ln.number, (0, 0))
            held = OpenLoan(
                ln,
                tuple(Component(part) for part in found.paying.order.split(",")),
                found.paying.schedule_since,
                its,
                None,
                Money(interest),
                Money(fee),
            )
            taken = application_amount(p, ln, held.rows, on=on, amount=amount, order=held.order)
            outcome = decide_repayment(
                held,
                fund=f,
                amount=taken,
                on=on,
                receipt=receipt,
                payer=PayerKind.PASSBOOK,
                guarantor_id=None,
                prepayment=None,
            )
            posted = self._books.write(
                unit, outcome.entries, unused_keys=frozenset() if found.key_used else frozenset({key})
            )
            (recorded,) = store_receipts.insert_receipts(conn, f.id, [outcome.receipt], [posted[0].seq])
            store_loans.update_loan_states(conn, [outcome.state])
            store_pledges.mark_applied(conn, p.id, on=on, amount=taken, receipt=receipt)
            release_passbooks(conn, f.id, [outcome])
            return recorded

    def passbook_pledges(
        self,
        fund: FundRef,
        loan: Loan | int | str | None = None,
        *,
        held_only: bool = False,
        bank_loan: int | str | None = None,
    ) -> list[PassbookPledge]:
        """The pledge register (存折质押备查簿): every passbook in it, for the fund's own loans and for bank
        loans (少生快富) alike, in the order taken.

        Args:
            fund: the fund.
            loan: only this loan's lines.
            held_only: only the lines not yet released.
            bank_loan: only this bank loan's lines (id or number).

        Raises:
            UnknownLoan: no such loan.
            UnknownBankLoan: no such bank loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, f):
            loan_id = None if loan is None else store_loans.find_loan(conn, f.id, ref_of(loan)).id
            bank_id = None if bank_loan is None else store_subsidies.find_bank_loan(conn, f.id, bank_loan).id
            return store_pledges.passbook_pledges(
                conn, f.id, loan_id=loan_id, held_only=held_only, bank_loan_id=bank_id
            )

    def passbook_pledge(self, fund: FundRef, pledge: PledgeRef) -> PassbookPledge:
        """One line of the pledge register.

        Raises:
            UnknownPassbookPledge: no such line in the fund.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, f):
            return _find(conn, f.id, pledge)
