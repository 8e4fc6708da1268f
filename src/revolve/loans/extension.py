"""The extension decision (展期): whether a loan may be extended, and the loan after it.

An extension moves the maturity out and spreads the principal outstanding over the new periods
(:func:`revolve.schedule.reschedule_extension`). It can be used to make arrears look current, so
revolve asks of it what a programme's rules ask (《贷款通则》第十二条: an extension is applied for
before maturity and approved):

* an **approval reference** (批准文号 / 审批单号) and an **approver**, both non-empty;
* the loan is active and owes no interest or fee already due (those are paid, or written off, first);
* its date is not after the loan's **maturity** (the last due date of the schedule in force) unless the
  fund's policy in force on that date says ``extension_after_maturity``;
* the loan has had fewer extensions than the policy's ``max_extensions`` (None: no limit);
* the loan is then **restructured for good**: ``restructured_on`` (the first extension's date) is never
  cleared, ``extensions`` counts them, ``extension_ref`` / ``extended_on`` name the last one.

Days past due are then counted against the new schedule (the contract as amended), as
:mod:`revolve.loans.position` does for every version; the figure that an extension cannot lower is
PAR30 + restructured (:mod:`revolve.metrics`), with the 回收率 counted under the schedules in force at
each date. Pure: the loan's dues, terms and the policy are handed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from revolve.checks import check_date
from revolve.errors import (
    ExtensionAfterMaturity,
    ExtensionLimitReached,
    InvalidEntry,
    LoanStateError,
)
from revolve.funds import Fund, check_open
from revolve.loans.dues import Due, states
from revolve.loans.records import Loan
from revolve.loans.repayment import require_active
from revolve.policy import Policy
from revolve.schedule import LoanTerms, Schedule, reschedule_extension

__all__ = ["ExtensionOutcome", "decide_extension"]


@dataclass(frozen=True, slots=True)
class ExtensionOutcome:
    """What an extension writes.

    Attributes:
        schedule: the new schedule (its terms start on the extension's date).
        state: the loan marked restructured, with its count and last approval.
        approval_ref: the approval reference (批准文号).
        approved_by: the approver.
    """

    schedule: Schedule
    state: Loan
    approval_ref: str
    approved_by: str


def _text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEntry(
            field,
            value,
            reason="approval",
        )
    return value.strip()


def decide_extension(
    loan: Loan,
    *,
    fund: Fund,
    dues: Sequence[Due],
    terms: LoanTerms,
    policy: Policy,
    on: date,
    extra_periods: int,
    approval_ref: str,
    approved_by: str,
) -> ExtensionOutcome:
    """Decide an extension of ``loan`` on ``on`` (the rules are in the module docstring).

    Args:
        loan: the loan as it stands.
        fund: its fund (for the closed-period check).
        dues: the instalments of its schedule in force.
        terms: that schedule's terms.
        policy: the fund's policy in force on ``on``.
        on: the extension's date.
        extra_periods: how many periods the maturity moves out (≥ 1).
        approval_ref: the approval reference (批准文号/审批单号).
        approved_by: who approved it.

    Returns:
        The new schedule and the loan marked restructured.

    Raises:
        InvalidEntry: no approval reference or approver.
        LoanStateError: the loan is closed or written off, or interest or fees due are unpaid.
        PeriodClosed: ``on`` is in a closed period.
        ExtensionAfterMaturity: ``on`` is after the maturity and the policy does not allow that.
        ExtensionLimitReached: the loan has had as many extensions as the policy allows.
        InvalidTerms: the extension cannot be scheduled.
    """
    ref = _text("approval_ref", approval_ref)
    approver = _text("approved_by", approved_by)
    check_date("on", on)
    require_active(loan, "extension")
    check_open(fund, on)
    unpaid = [
        st
        for st in states(dues, paid=loan.paid_in_version)
        if st.due.due_date <= on and (st.remaining - (st.due.principal - st.principal_paid)).fen
    ]
    if unpaid:
        raise LoanStateError(loan.number, state="owing_due", operation="extension")
    maturity = max((d.due_date for d in dues), default=None)
    if maturity is not None and on > maturity and not policy.extension_after_maturity:
        raise ExtensionAfterMaturity(loan.number, on=on, maturity=maturity)
    if policy.max_extensions is not None and loan.extensions >= policy.max_extensions:
        raise ExtensionLimitReached(loan.number, count=loan.extensions, limit=policy.max_extensions)
    schedule = reschedule_extension(terms, on=on, outstanding=loan.outstanding, extra_periods=extra_periods)
    state = replace(
        loan,
        restructured_on=loan.restructured_on or on,
        extensions=loan.extensions + 1,
        extension_ref=ref,
        extended_on=on,
    )
    return ExtensionOutcome(schedule, state, ref, approver)
