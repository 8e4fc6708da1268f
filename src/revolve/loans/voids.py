"""Corrections (冲正): voiding a receipt, a disbursement, a grant, a contribution or a subsidy payment (贴息),
decided over plain values.

A record keyed wrong (6,666.00 for 666.60) is not deleted and its entries are not edited: the entries
it posted are reversed by new entries dated on the day of the correction (``reverses=`` the original),
the record is kept and marked voided with the reason and who approved it, and everything computed
from it is computed again as if it had never been made. The shell reads what a void depends on under
the fund's lock and hands it in here; these functions decide, and the shell writes.

The rules (the first that fails is the refusal, and nothing is written):

1. a record is voided once (:class:`~revolve.errors.AlreadyVoided`); a reason and an approver are given;
   the correction is not dated before the record;
2. a receipt is voided only when no later receipt on its loan is live (void those first, newest first),
   the loan is not written off since (for a repayment), and no extension (展期) came after it; a schedule
   version its prepayment rebuilt is dropped with it, and a loan it closed reopens, its pledged deposit
   held again, and the passbooks (存折质押) it applied or its closing released are held again
   (:func:`revolve.pledges.restored_by_void`); a later receipt that blocks is named with its payer (a
   guarantor's payment, 代偿, by the guarantor's code);
3. a disbursement is voided only while its loan has no live receipt and no write-off; the loan is then
   kept as voided (已作废): no dues, no exposure, no round, no count. A guarantee call on it (a recorded
   demand, no money moved) does not block: it is kept, on a loan that no longer owes anything; what a
   guarantor paid is a receipt, and blocks until it is voided;
4. any void that takes cash out of the fund (a receipt, a contribution) must leave the cash available
   on every later date at or above zero (:class:`revolve.loans.payout.CashLine`): otherwise the payout
   that spent it is named;
5. a subsidy payment (贴息) is voided by its bank loan and period while that period's payment is live;
   its entry and the restriction release posted with it are reversed exactly (an accrued period's
   payable is owed again, an unaccrued one's expense goes), and the period may be paid again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from revolve.errors import AlreadyVoided, InvalidDate, InvalidEntry, UnknownEntry, VoidRefused
from revolve.loans.records import Loan, LoanStatus, Receipt, ScheduleVersion
from revolve.money import Money
from revolve.rules import PayerKind

__all__ = [
    "ReceiptVoid",
    "Void",
    "VoidKind",
    "check_not_voided",
    "check_void_request",
    "decide_disbursement_void",
    "decide_receipt_void",
    "decide_subsidy_void",
    "first_short_day",
]

_ZERO = Money(0)


class VoidKind(StrEnum):
    """What kind of record a void (冲正) corrects."""

    RECEIPT = "receipt"
    DISBURSEMENT = "disbursement"
    GRANT = "grant"
    CONTRIBUTION = "contribution"
    SUBSIDY = "subsidy"

    @property
    def label_zh(self) -> str:
        """The Chinese name of the kind."""
        return {
            "receipt": "还款",
            "disbursement": "放款",
            "grant": "一次性帮扶",
            "contribution": "捐赠/拨款",
            "subsidy": "贴息",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Void:
    """A line of the correction register (冲正登记簿): a record voided, kept with why and by whose approval.

    Attributes:
        id: the register line's id.
        fund_id: the fund.
        kind: what was voided.
        reference: the record's own name: a receipt number, a loan number, the entry number of a grant
            or contribution (as text), or ``"<bank loan>/<period>"`` for a subsidy payment.
        original_seq: the journal entry the record posted (its first, when it posted more).
        reversal_seq: the first entry of the correction, which reverses ``original_seq``.
        on: the value date of the correction.
        reason: why (e.g. ``"keyed 6666.00 for 666.60"``).
        approved_by: who approved the correction.
        loan_id: the loan, for a receipt or a disbursement.
    """

    id: int
    fund_id: int
    kind: VoidKind
    reference: str
    original_seq: int
    reversal_seq: int
    on: date
    reason: str
    approved_by: str
    loan_id: int | None

    def describe(self) -> str:
        """One line for people: what was voided, when, why and on whose approval."""
        return (
            f"{self.kind.label_zh} {self.reference} 已作废（{self.on.isoformat()}，第{self.reversal_seq}号凭证冲正；"
            f"原因：{self.reason}；批准人：{self.approved_by}）"
        )


def check_void_request(record: str, *, reason: str, approved_by: str, on: date, made_on: date) -> None:
    """Check what every void needs: a reason, an approver, and a date not before the record.

    Raises:
        InvalidEntry: the reason or the approver is empty.
        InvalidDate: ``on`` is before the record's own date.
    """
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidEntry("reason", reason, reason="void_reason", record=record)
    if not isinstance(approved_by, str) or not approved_by.strip():
        raise InvalidEntry("approved_by", approved_by, reason="void_approver", record=record)
    if not isinstance(on, date):
        raise InvalidEntry("on", on, reason="correction_date")
    if on < made_on:
        raise InvalidDate(on, reason="before_record", record=record, made_on=made_on.isoformat())


def check_not_voided(record: str, earlier: Void | None) -> None:
    """Refuse voiding a record twice.

    Raises:
        AlreadyVoided: the record was voided before.
    """
    if earlier is not None:
        raise AlreadyVoided(record, reversal_seq=earlier.reversal_seq)


@dataclass(frozen=True, slots=True)
class ReceiptVoid:
    """What voiding a receipt does: the entries to reverse, the loan after, and a schedule version to drop.

    Attributes:
        reverse: the entries to reverse, in order: the receipt's, then the pledge release it caused.
        loan: the loan's record after the void.
        drop_version: the schedule version its prepayment rebuilt, dropped with it (None when none).
    """

    reverse: tuple[int, ...]
    loan: Loan
    drop_version: int | None


def _later(receipt: Receipt, others: Sequence[Receipt]) -> Receipt | None:
    """The newest live receipt on the loan recorded after ``receipt`` (by value date, then recording order)."""
    after = [r for r in others if (r.value_date, r.id) > (receipt.value_date, receipt.id)]
    return max(after, key=lambda r: (r.value_date, r.id)) if after else None


def _payer(receipt: Receipt, guarantors: Mapping[int, str]) -> dict[str, object]:
    """Who paid a receipt, for a refusal: the payer (a catalogue word ``payer.<kind>``), the guarantor
    by its code for a payment 代偿."""
    guarantor = ""
    if receipt.payer is PayerKind.GUARANTOR and receipt.guarantor_id is not None:
        guarantor = guarantors.get(receipt.guarantor_id, str(receipt.guarantor_id))
    return {"payer": receipt.payer.value, "guarantor": guarantor, "receipt_kind": receipt.kind}


def decide_receipt_void(
    loan: Loan,
    receipt: Receipt,
    *,
    live: Sequence[Receipt],
    versions: Sequence[ScheduleVersion],
    release_seq: int | None,
    release: Money,
    guarantors: Mapping[int, str] | None = None,
) -> ReceiptVoid:
    """Decide voiding one receipt on ``loan`` (rule 2 of the module docstring).

    Args:
        loan: the loan as it stands.
        receipt: the receipt to void.
        live: the loan's receipts not voided (``receipt`` among them).
        versions: the loan's schedule versions, oldest first.
        release_seq: the entry that released the pledged deposit when this receipt closed the loan.
        release: the amount that entry released.
        guarantors: guarantor id → code, to name a guarantor whose later payment blocks the void.

    Returns:
        The entries to reverse, the loan after, and the schedule version to drop.

    Raises:
        VoidRefused: a later receipt, a write-off or an extension depends on the receipt.
    """
    name = f"receipt {receipt.receipt}"
    later = _later(receipt, [r for r in live if r.id != receipt.id])
    if later is not None:
        raise VoidRefused(
            name,
            blocker="later_receipt",
            advice="later_first",
            later=later.receipt,
            paid_on=later.value_date.isoformat(),
            amount=later.amount,
            **_payer(later, guarantors or {}),
        )
    if receipt.kind == "recovery":
        return ReceiptVoid(
            (receipt.entry_seq,), replace(loan, recovered=loan.recovered - receipt.amount), None
        )
    if loan.status is LoanStatus.WRITTEN_OFF:
        raise VoidRefused(
            name,
            blocker="write_off",
            advice="write_off_adjust",
            loan=loan.number,
        )
    drop: int | None = None
    for v in versions:
        if v.version <= receipt.schedule_version:
            continue
        own = (
            v.version == receipt.schedule_version + 1
            and v.reason.startswith("prepayment")
            and v.effective_on == receipt.value_date
            and drop is None
        )
        if not own:
            raise VoidRefused(
                name,
                blocker="schedule_version",
                advice="extension_after",
                version=v.version,
                loan=loan.number,
                version_reason=v.reason,
                effective_on=v.effective_on.isoformat(),
            )
        drop = v.version
    earlier_in_version = Money(
        sum(
            r.amount.fen
            for r in live
            if r.id != receipt.id and r.kind == "repayment" and r.schedule_version == receipt.schedule_version
        )
    )
    closed_by_it = loan.status is LoanStatus.CLOSED
    if drop is not None or closed_by_it:
        # a prepayment counts only what was due towards the version: the earlier receipts say what it held
        paid_in_version = earlier_in_version
    else:
        paid_in_version = loan.paid_in_version - receipt.amount
    pledge_held = loan.pledge_held
    reverse = [receipt.entry_seq]
    if receipt.payer is PayerKind.PLEDGE:
        pledge_held = pledge_held + receipt.amount
    if release_seq is not None and closed_by_it:
        reverse.append(release_seq)
        pledge_held = pledge_held + release
    state = Loan(
        loan.id,
        loan.fund_id,
        loan.number,
        loan.household_id,
        loan.batch_id,
        loan.principal,
        loan.disbursed_on,
        loan.round,
        LoanStatus.ACTIVE,
        receipt.schedule_version,
        paid_in_version,
        loan.principal_paid - receipt.principal,
        loan.interest_paid - receipt.interest,
        loan.fee_paid - receipt.fee,
        loan.penalty_paid - receipt.penalty,
        loan.written_off,
        loan.recovered,
        pledge_held,
        None,
    )
    return ReceiptVoid(tuple(reverse), state, drop)


def decide_disbursement_void(loan: Loan, *, live: Sequence[Receipt], written_off: bool, on: date) -> Loan:
    """Decide voiding a loan's disbursement (rule 3 of the module docstring).

    Args:
        loan: the loan as it stands.
        live: its receipts not voided.
        written_off: whether it was written off.
        on: the correction's date.

    Returns:
        The loan's record after the void: voided, nothing paid, no deposit held, left the books on ``on``.

    Raises:
        VoidRefused: a receipt (a guarantor's payment among them) or a write-off depends on the loan.
    """
    name = f"the disbursement of loan {loan.number}"
    if live:
        first = min(live, key=lambda r: (r.value_date, r.id))
        raise VoidRefused(
            name,
            blocker="receipts" if len(live) > 1 else "receipt",
            advice="receipts_first",
            first=first.receipt,
            paid_on=first.value_date.isoformat(),
            amount=first.amount,
            more=len(live) - 1,
            count=len(live),
        )
    if written_off or loan.status is LoanStatus.WRITTEN_OFF:
        raise VoidRefused(
            name,
            blocker="write_off",
            advice="written_off_adjust",
            loan=loan.number,
        )
    return Loan(
        loan.id,
        loan.fund_id,
        loan.number,
        loan.household_id,
        loan.batch_id,
        loan.principal,
        loan.disbursed_on,
        loan.round,
        LoanStatus.VOIDED,
        loan.schedule_version,
        _ZERO,
        _ZERO,
        _ZERO,
        _ZERO,
        _ZERO,
        _ZERO,
        _ZERO,
        _ZERO,
        on,
    )


def first_short_day(now: int, moves: dict[date, int], *, take: int, on: date) -> date | None:
    """The first day from ``on`` on whose closing cash available would fall below zero once ``take``
    fen are taken on ``on``; None when every day keeps enough.

    Args:
        now: cash available now, every entry counted (fen).
        moves: the net movement of cash available on each day after some first day.
        take: what the void takes out (fen).
        on: the void's date.
    """
    after = sorted(day for day in moves if day > on)
    running = now - sum(moves[day] for day in after) - take
    if running < 0:
        return on
    for day in after:
        running += moves[day]
        if running < 0:
            return day
    return None


def decide_subsidy_void(
    bank_loan: str, period: int, paid: Mapping[int, int], *, voided: Void | None = None
) -> int:
    """The entry that paid ``period`` of ``bank_loan`` (rule 5 of the module docstring).

    Args:
        bank_loan: the bank loan's number.
        period: the interest period.
        paid: period → the entry that paid it, for the periods whose payment is live.
        voided: the void of the period's latest voided payment, if one was voided.

    Returns:
        The entry to void.

    Raises:
        AlreadyVoided: the period's payment was voided and it was not paid again.
        UnknownEntry: the period was never paid.
    """
    seq = paid.get(period)
    if seq is None and voided is not None:
        raise AlreadyVoided(
            f"the subsidy of period {period} of bank loan {bank_loan}", reversal_seq=voided.reversal_seq
        )
    if seq is None:
        raise UnknownEntry(
            (bank_loan, period),
            reason="no_subsidy_paid",
            period=period,
            bank_loan=bank_loan,
            paid=", ".join(str(p) for p in sorted(paid)) or "-",
        )
    return seq
