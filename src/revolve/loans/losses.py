"""Losses: writing a loan off (核销) and recovering money on it afterwards, decided over plain values.

* :func:`decide_write_off` — an active loan holding no pledged deposit may be written off, with the
  reference of its approval, on a date in an open period not before its payout. Its whole outstanding
  principal leaves the receivable against the bad-debt allowance, whatever the allowance holds
  (:func:`revolve.rules.write_off_entry`; the next true-up of :mod:`revolve.loans.allowance` restores
  an allowance left in debit). The loan is then written off and closed on that date.
* :func:`decide_recovery` — money recovered on a written-off loan (核销后收回), never more than was
  written off and not yet recovered, on a date in an open period. It goes back through the allowance
  (:func:`revolve.rules.recovery_entry`): the loan's receivable is reinstated and settled in the same
  entry, so its sub-ledger stays at zero and the loan's record keeps what was written off, with what
  was recovered beside it (principal = repaid + written off + outstanding still holds).

Pure: the shell reads the loan, hands it in, and writes the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from revolve.errors import InvalidAmount, InvalidEntry, LoanStateError, RecoveryExceedsWriteOff
from revolve.funds import Fund, check_open
from revolve.journal import Entry
from revolve.loans.records import Loan, LoanStatus, Receipt
from revolve.loans.repayment import require_active, require_paid_out_by
from revolve.money import Money
from revolve.rules import PayerKind, recovery_entry, write_off_entry

__all__ = ["LossOutcome", "check_approval", "decide_recovery", "decide_write_off"]

_ZERO = Money(0)


@dataclass(frozen=True, slots=True)
class LossOutcome:
    """A write-off or recovery to write: its entry, the loan after it, and (for a recovery) the receipt
    to keep, with its id and entry number still 0."""

    entry: Entry
    state: Loan
    receipt: Receipt | None = None


def check_approval(approval_ref: str) -> None:
    """Refuse a write-off without the reference of its approval.

    Raises:
        InvalidEntry: the reference is blank.
    """
    if not approval_ref.strip():
        raise InvalidEntry("approval_ref", approval_ref, reason="write_off_approval")


def decide_write_off(loan: Loan, *, fund: Fund, on: date, approval_ref: str) -> LossOutcome:
    """Decide writing ``loan`` off on ``on``.

    Args:
        loan: the loan as it stands.
        fund: the fund, for its closed period.
        on: the date of the write-off.
        approval_ref: the approval's reference, for the memo.

    Raises:
        LoanStateError: the loan is closed or written off, or a pledged deposit is still held.
        PeriodClosed: ``on`` is in a closed period.
        InvalidDate: ``on`` is before the payout.
    """
    require_active(loan, "write_off")
    if loan.pledge_held.fen:
        raise LoanStateError(
            loan.number,
            state="holding_pledge",
            operation="write_off_before_pledge",
            pledge_held=loan.pledge_held,
        )
    check_open(fund, on)
    require_paid_out_by(loan, on)
    amount = loan.outstanding
    entry = write_off_entry(
        loan=loan.number,
        amount=amount,
        on=on,
        memo=f"核销 {loan.number} {approval_ref}",
    )
    state = replace(loan, status=LoanStatus.WRITTEN_OFF, written_off=amount, closed_on=on)
    return LossOutcome(entry, state)


def decide_recovery(loan: Loan, *, fund: Fund, amount: Money, on: date, receipt: str) -> LossOutcome:
    """Decide money recovered on a written-off loan.

    Raises:
        LoanStateError: the loan is not written off.
        InvalidAmount: the amount is not a positive Money.
        RecoveryExceedsWriteOff: more than written off and not yet recovered.
        PeriodClosed: ``on`` is in a closed period.
    """
    if loan.status is not LoanStatus.WRITTEN_OFF:
        raise LoanStateError(loan.number, state="not_written_off", operation="recovery")
    if not isinstance(amount, Money) or amount.fen <= 0:
        raise InvalidAmount(amount, reason="recovery_not_positive")
    recoverable = loan.written_off - loan.recovered
    if amount > recoverable:
        raise RecoveryExceedsWriteOff(amount, recoverable=recoverable, loan=loan.number)
    check_open(fund, on)
    entry = recovery_entry(
        loan=loan.number, amount=amount, on=on, receipt=receipt, memo=f"{loan.number} 核销后收回 {receipt}"
    )
    record = Receipt(
        0,
        loan.id,
        receipt,
        on,
        "recovery",
        PayerKind.BORROWER,
        None,
        amount,
        _ZERO,
        _ZERO,
        _ZERO,
        _ZERO,
        loan.schedule_version,
        0,
    )
    state = replace(loan, recovered=loan.recovered + amount)
    return LossOutcome(entry, state, record)
