"""The repayment decision: what one payment on a loan does, decided over plain values.

Given a loan as it stands (:class:`OpenLoan`: its record, its instalments oldest first, the order within an
instalment) and a payment, :func:`decide_repayment` checks the payment, allocates it by the waterfall of
:mod:`revolve.loans.dues`, and returns a :class:`RepaymentOutcome`: the entries to post (the repayment,
and the release of a pledged deposit when the loan closes), the receipt to keep, the loan after the
payment, and a new schedule version when a prepayment rebuilt the schedule. Nothing is read or written
here: the shell reads the loan under the fund's lock, hands it in, and writes the outcome.

The rules, in the order they are checked (the first that fails is the refusal):

1. the amount is a positive :class:`~revolve.money.Money`;
2. the loan is active (a written-off loan takes a recovery instead);
3. the payment is not dated before the payout, nor before the current schedule version took effect;
4. the date is in an open period of the fund;
5. a payment from the cash deposit (保证金, payer ``pledge``) is at most the deposit held (a passbook
   applied on default, payer ``passbook``, is new money into the bank and is decided like any payment);
6. without ``prepayment``, the payment is at most what the schedule still owes (``Overpayment``);
   with it, what is due by the date is allocated first and the rest repays principal early — never more
   than the principal left — and the rest of the schedule is rebuilt (fewer or lower instalments);
7. the loan closes when nothing is owed or its principal is all repaid (or written off), and a deposit
   still held is released to the borrower on that date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from revolve.checks import check_choice
from revolve.errors import InvalidAmount, InvalidDate, LoanStateError, Overpayment
from revolve.funds import Fund, check_open
from revolve.guarantees import Guarantor
from revolve.journal import Entry
from revolve.loans.dues import (
    Allocation,
    Component,
    InstalmentRow,
    allocate,
    as_dues,
    due_by,
    instalment_rows,
    owed,
    reach,
)
from revolve.loans.records import Loan, LoanStatus, Receipt
from revolve.money import Money
from revolve.rules import PayerKind, RepaymentSplit, pledge_release_entry, repayment_entry
from revolve.schedule import LoanTerms, PrepaymentOption, Schedule, reschedule_after_prepayment

__all__ = [
    "NewScheduleVersion",
    "OpenLoan",
    "Payment",
    "RepaymentOutcome",
    "decide_repayment",
    "require_active",
    "require_paid_out_by",
]

_ZERO = Money(0)
_COMPONENTS = tuple(Component)  # iterating the enum itself runs a generator each time


@dataclass(frozen=True, slots=True)
class Payment:
    """One repayment for :meth:`revolve.Ledger.repay_many`, with the arguments of
    :meth:`revolve.Ledger.repay` (see there)."""

    loan: Loan | int | str
    amount: Money
    on: date
    receipt: str
    payer: PayerKind | str = PayerKind.BORROWER
    guarantor: Guarantor | int | str | None = None
    prepayment: PrepaymentOption | str | None = None


@dataclass(frozen=True, slots=True)
class OpenLoan:
    """A loan as payments are recorded on it.

    Attributes:
        loan: its record and running repayment state.
        order: the order of components within an instalment.
        since: the day its current schedule version took effect.
        rows: that version's instalments, oldest first.
        terms: that version's terms, needed only to rebuild the schedule after a prepayment (None until
            read: the shell reads them before deciding a payment that asks for a prepayment).
        accrued_interest: the loan's interest receivable (应收利息) as the books stand: interest accrued at
            a period close and not yet received. Zero for a loan never accrued.
        accrued_fee: its fee receivable (应收管理费), likewise.
    """

    loan: Loan
    order: tuple[Component, ...]
    since: date
    rows: Sequence[InstalmentRow]
    terms: LoanTerms | None = None
    accrued_interest: Money = _ZERO
    accrued_fee: Money = _ZERO


@dataclass(frozen=True, slots=True)
class NewScheduleVersion:
    """A schedule version a payment or an extension brings into force."""

    number: int
    on: date
    reason: str
    principal: Money
    schedule: Schedule


@dataclass(frozen=True, slots=True)
class RepaymentOutcome:
    """What a payment does: entries to post, the receipt to keep (id and entry number still 0), the loan
    after it, and the new schedule version a prepayment brought, if any."""

    entries: tuple[Entry, ...]
    receipt: Receipt
    after: OpenLoan
    version: NewScheduleVersion | None

    @property
    def state(self) -> Loan:
        """The loan's record after the payment."""
        return self.after.loan


def require_active(loan: Loan, operation: str) -> None:
    """Refuse ``operation`` on a loan that is closed or written off.

    Raises:
        LoanStateError: the loan is not active.
    """
    if loan.status is not LoanStatus.ACTIVE:
        raise LoanStateError(loan.number, state=loan.status.value, operation=operation)


def require_paid_out_by(loan: Loan, on: date) -> None:
    """Refuse a date before the loan was paid out.

    Raises:
        InvalidDate: ``on`` is before the payout.
    """
    if on < loan.disbursed_on:
        raise InvalidDate(
            on, reason="before_payout", loan=loan.number, disbursed_on=loan.disbursed_on.isoformat()
        )


def _split(allocation: Allocation, held: OpenLoan) -> RepaymentSplit:
    """An allocation's totals by component, as a repayment entry takes them, with the interest and fees
    that settle the loan's accrued receivables apart (第七条): a payment's interest settles the interest
    receivable first, up to its balance — payments fill instalments oldest first, so the receivable holds
    the oldest unpaid interest — and only the rest is revenue; fees likewise."""
    # the four totals in one pass over the parts (the allocation's properties take one pass each); every
    # part is Money, made by allocate
    fen = dict.fromkeys(_COMPONENTS, 0)
    for part in allocation.parts:
        fen[part.component] += part.amount.fen
    interest, fee = Money(fen[Component.INTEREST]), Money(fen[Component.FEE])
    return RepaymentSplit(
        Money(fen[Component.PRINCIPAL]),
        interest,
        fee,
        Money(fen[Component.PENALTY]),
        min(interest, max(held.accrued_interest, _ZERO)),
        min(fee, max(held.accrued_fee, _ZERO)),
    )


def decide_repayment(
    held: OpenLoan,
    *,
    fund: Fund,
    amount: Money,
    on: date,
    receipt: str,
    payer: PayerKind,
    guarantor_id: int | None,
    prepayment: PrepaymentOption | str | None,
) -> RepaymentOutcome:
    """Decide one payment on a loan as it stands in ``held`` (see the module docstring for the rules).

    Args:
        held: the loan as it stands, with its current instalments (and its terms, for a prepayment).
        fund: the fund, for its closed period.
        amount: what was paid.
        on: the value date.
        receipt: the receipt number (还款凭证号).
        payer: who paid.
        guarantor_id: the guarantor paying (代偿), when ``payer`` is a guarantor.
        prepayment: allow more than is due: ``fewer_installments`` or ``lower_installments``.

    Returns:
        The outcome to write.

    Raises:
        InvalidAmount, LoanStateError, InvalidDate, PeriodClosed, Overpayment, InvalidEntry: as the rules
        in the module docstring say.
    """
    ln = held.loan
    if not isinstance(amount, Money) or amount.fen <= 0:
        raise InvalidAmount(amount, reason="repayment_not_positive")
    require_active(
        ln,
        "repayment" if ln.status is not LoanStatus.WRITTEN_OFF else "repayment_written_off",
    )
    require_paid_out_by(ln, on)
    if on < held.since:
        raise InvalidDate(on, reason="before_reschedule", loan=ln.number, since=held.since.isoformat())
    check_open(fund, on)
    if payer is PayerKind.PLEDGE and amount > ln.pledge_held:
        raise InvalidAmount(amount, reason="pledge_held", held=ln.pledge_held, loan=ln.number)
    version: NewScheduleVersion | None = None
    if prepayment is None:
        # only the instalments this payment reaches become dues, however long the schedule
        reached = reach(held.rows, paid=ln.paid_in_version, amount=amount)
        if amount > reached.owed:
            raise Overpayment(amount, owed=reached.owed, loan=ln.number)
        split = _split(allocate(amount, reached.dues, already_paid=reached.paid, order=held.order), held)
        paid_in_version = ln.paid_in_version + amount
        # the payment is within what the schedule owed, so it owes that much less
        owed_after = reached.owed - amount
    else:
        dues = as_dues(held.rows)
        option = check_choice(PrepaymentOption, "prepayment", prepayment)
        due_now = due_by(dues, paid=ln.paid_in_version, on=on)
        first = min(amount, due_now)
        parts = RepaymentSplit(_ZERO, _ZERO, _ZERO, _ZERO)
        if first.fen:
            parts = _split(allocate(first, dues, already_paid=ln.paid_in_version, order=held.order), held)
        extra = amount - first
        principal_left = ln.outstanding - parts.principal
        if extra > principal_left:
            raise Overpayment(amount, owed=due_now + principal_left, loan=ln.number)
        split = RepaymentSplit(
            parts.principal + extra,
            parts.interest,
            parts.fee,
            parts.penalty,
            parts.accrued_interest,
            parts.accrued_fee,
        )
        paid_in_version = ln.paid_in_version + first
        owed_after = owed(dues, paid=paid_in_version)
        if (principal_left - extra).fen > 0 and extra.fen > 0:
            if held.terms is None:
                raise ValueError("a prepayment that rebuilds the schedule needs the loan's terms read first")
            rebuilt = reschedule_after_prepayment(
                held.terms, on=on, outstanding=principal_left - extra, option=option
            )
            version = NewScheduleVersion(
                ln.schedule_version + 1,
                on,
                f"prepayment:{option.value}",
                ln.outstanding - split.principal,
                rebuilt,
            )
    entries = [
        repayment_entry(
            loan=ln.number,
            split=split,
            on=on,
            payer=payer,
            receipt=receipt,
            memo=f"{ln.number} 还款 {receipt}",
        )
    ]
    pledge_held = ln.pledge_held - amount if payer is PayerKind.PLEDGE else ln.pledge_held
    principal_paid = ln.principal_paid + split.principal
    status, closed_on, schedule_version = ln.status, ln.closed_on, ln.schedule_version
    rows, since, terms = held.rows, held.since, held.terms
    if version is not None:
        schedule_version, paid_in_version = version.number, _ZERO
        rows, since, terms = instalment_rows(version.schedule), on, version.schedule.terms
    elif owed_after.is_zero() or principal_paid.fen + ln.written_off.fen >= ln.principal.fen:
        status, closed_on = LoanStatus.CLOSED, on
        if pledge_held.fen:
            # the deposit is the borrower's: it goes back to her when the loan is repaid
            entries.append(pledge_release_entry(loan=ln.number, amount=pledge_held, on=on))
            pledge_held = _ZERO
    # built field by field: dataclasses.replace costs several times more, once per payment
    state = Loan(
        ln.id,
        ln.fund_id,
        ln.number,
        ln.household_id,
        ln.batch_id,
        ln.principal,
        ln.disbursed_on,
        ln.round,
        status,
        schedule_version,
        paid_in_version,
        principal_paid,
        ln.interest_paid + split.interest,
        ln.fee_paid + split.fee,
        ln.penalty_paid + split.penalty,
        ln.written_off,
        ln.recovered,
        pledge_held,
        closed_on,
        ln.restructured_on,
        ln.extensions,
        ln.extension_ref,
        ln.extended_on,
    )
    record = Receipt(
        0,
        ln.id,
        receipt,
        on,
        "repayment",
        payer,
        guarantor_id,
        amount,
        split.principal,
        split.interest,
        split.fee,
        split.penalty,
        ln.schedule_version,
        0,
    )
    after = OpenLoan(
        state,
        held.order,
        since,
        rows,
        terms,
        held.accrued_interest - split.accrued_interest,
        held.accrued_fee - split.accrued_fee,
    )
    return RepaymentOutcome(tuple(entries), record, after, version)
