"""Losses: providing for bad debts (计提坏账准备), writing loans off (核销) and recovering money on them
afterwards (核销后收回). The decisions are pure (:mod:`revolve.loans.losses`); this family reads the loan
and the allowance, and writes the entries and the write-off register (核销备查簿)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from revolve.checks import ref_of
from revolve.closing import ReleaseEvent
from revolve.journal import PostedEntry
from revolve.loans import Loan, Receipt, WriteOff
from revolve.loans.losses import check_approval, decide_recovery, decide_write_off
from revolve.loans.retries import receipt_retry
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.operations.closing import release_entries
from revolve.pledges import require_no_passbook
from revolve.rules import PayerKind, provision_entry
from revolve.store import loans as store_loans
from revolve.store import pledges as store_pledges
from revolve.store import receipts as store_receipts

__all__ = ["Losses"]


class Losses(Family):
    """Provisions, write-offs and recoveries."""

    def provide(self, fund: FundRef, *, amount: Money, on: date, memo: str = "") -> PostedEntry:
        """Provide for bad debts by hand (计提坏账准备): Dr 管理费用—坏账损失 / Cr 坏账准备.

        A manual provision is always positive: lowering the allowance (冲减) is a true-up's result,
        computed from the ageing by ``true_up_allowance``, never a figure keyed by hand (to undo a
        provision keyed in error, ``reverse`` its entry).

        Raises:
            InvalidAmount, MoneyTypeError: not a positive Money.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
        """
        entry = provision_entry(amount=amount, on=on, memo=memo or "计提坏账准备")
        return self._books.post(fund, [entry])[0]

    def write_off(
        self, fund: FundRef, loan: Loan | int | str, *, on: date, approval_ref: str, reason: str
    ) -> WriteOff:
        """Write off a loan's outstanding principal (核销) with its approval; it enters the 备查簿.

        Dr 坏账准备 / Cr 其他应收款 for the whole amount: the allowance may show a debit balance until the
        next ``true_up_allowance``.

        Raises:
            UnknownLoan: no such loan.
            LoanStateError: the loan is closed or written off, or a cash deposit is still held (apply
                it with ``repay(payer='pledge')`` first), or a passbook pledged for it is still held
                (apply it with ``apply_passbook_pledge`` or release it first).
            InvalidEntry: no approval reference.
            InvalidDate: before the loan was paid out.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        check_approval(approval_ref)
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            ln = store_loans.find_loan(conn, f.id, ref_of(loan))
            require_no_passbook(ln, store_pledges.passbook_pledges(conn, f.id, loan_id=ln.id, held_only=True))
            outcome = decide_write_off(ln, fund=f, on=on, approval_ref=approval_ref)
            released = release_entries(
                unit, ReleaseEvent.WRITE_OFF, outcome.state.written_off - ln.written_off, on, ln.number
            )
            posted = self._books.write(unit, [outcome.entry, *released])[0]
            store_receipts.insert_write_off(
                conn,
                f.id,
                loan_id=ln.id,
                on=on,
                amount=outcome.state.written_off,
                approval_ref=approval_ref,
                reason=reason,
                seq=posted.seq,
            )
            store_loans.update_loan_state(conn, outcome.state)
            return next(w for w in store_receipts.write_offs(conn, f.id) if w.loan_id == ln.id)

    def write_off_register(self, fund: FundRef) -> list[WriteOff]:
        """The write-off register (核销备查簿): every loan written off, with what was recovered since.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_receipts.write_offs(conn, found.id)

    def recover(
        self, fund: FundRef, loan: Loan | int | str, *, amount: Money, on: date, receipt: str
    ) -> Receipt:
        """Record money recovered on a written-off loan (never more than was written off).

        Dr 其他应收款 / Cr 坏账准备, then Dr 银行存款 / Cr 其他应收款, in one entry.

        Raises:
            UnknownLoan: no such loan.
            LoanStateError: the loan is not written off.
            InvalidAmount: not a positive Money.
            RecoveryExceedsWriteOff: more than written off and not yet recovered.
            DuplicateReceipt: the receipt number was used for another payment.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            ln = store_loans.find_loan(conn, f.id, ref_of(loan))
            earlier = store_receipts.find_receipt(conn, f.id, receipt)
            if earlier is not None:
                return receipt_retry(
                    earlier, fund_id=f.id, loan_id=ln.id, amount=amount, on=on, kind="recovery",
                    payer=PayerKind.BORROWER, guarantor_id=None,
                )  # fmt: skip
            outcome = decide_recovery(ln, fund=f, amount=amount, on=on, receipt=receipt)
            assert outcome.receipt is not None
            (posted,) = self._books.write(unit, [outcome.entry])
            recorded = store_receipts.insert_receipt(
                conn, f.id, replace(outcome.receipt, entry_seq=posted.seq)
            )
            store_loans.update_loan_state(conn, outcome.state)
            return recorded
