"""Loan applications: the queue a household's request goes through before a loan is paid out.

A county fund does not lend on demand. A mother applies (申请); the village and the fund review her file
(审查); the list of proposed borrowers is posted for public notice (公示) so that neighbours can object;
after the notice period the fund approves (审批); the fund, the borrower and her guarantor sign the loan
agreement (协议, the 三方协议); and the loan is paid out (放款). Each step is dated and signed by a named
person. 陇家福 (seed 003) gives family-planning households priority ("优先发放"), so the queue is ordered
by the household category's priority under the policy in force, then by the date applied, then by id.

This module is the pure state machine: :class:`Application` is the record, :func:`decide_step` checks a
step, :func:`decide_rejection` a rejection, :func:`check_disbursable` a payout from an application, and
:func:`queue_of` orders the pending applications.

Invariants:

* steps are taken in the order of :data:`STEPS`, none skipped, none repeated, each dated on or after the
  one before and signed by a non-empty name;
* 审批 comes at least the policy's ``notice_days`` after 公示;
* a loan is paid out only from an application whose last step is a signed 协议, once;
* an application that is rejected or paid out takes no further step;
* 审批 out of turn — while an application ahead of it in the queue has waited, ready, at the same step —
  is refused unless a reason is given, and the reason is kept on the step (revolve's choice: the
  committee may have grounds, but they must be written down).

Pure: no clock, no storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from revolve.checks import check_date, check_money, check_whole
from revolve.errors import (
    ApplicationOutOfTurn,
    ApplicationStepRefused,
    InvalidDate,
    InvalidEntry,
    NoticePeriodNotOver,
)
from revolve.money import Money

__all__ = [
    "STEPS",
    "Application",
    "ApplicationStep",
    "QueueEntry",
    "Rejection",
    "StepRecord",
    "application_as_of",
    "check_disbursable",
    "check_request",
    "decide_rejection",
    "decide_step",
    "new_application_steps",
    "queue_key",
    "queue_of",
]


class ApplicationStep(StrEnum):
    """A step of the application queue, in order."""

    APPLY = "apply"
    """申请: the household applies."""
    REVIEW = "review"
    """审查: the file is reviewed (eligibility, household, purpose)."""
    NOTICE = "notice"
    """公示: the proposed loan is posted for public notice."""
    APPROVE = "approve"
    """审批: the fund approves, after the notice period."""
    AGREE = "agree"
    """协议: the loan agreement (三方协议) is signed."""
    DISBURSE = "disburse"
    """放款: the loan is paid out (recorded by ``disburse(..., application=…)``)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name used on forms and reports."""
        return _LABELS[self]


_LABELS = {
    ApplicationStep.APPLY: "申请",
    ApplicationStep.REVIEW: "审查",
    ApplicationStep.NOTICE: "公示",
    ApplicationStep.APPROVE: "审批",
    ApplicationStep.AGREE: "协议",
    ApplicationStep.DISBURSE: "放款",
}

STEPS: tuple[ApplicationStep, ...] = tuple(ApplicationStep)
"""The steps in the order they are taken."""


def _signer(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEntry(field, value, reason="signer")
    return value.strip()


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step taken: what, when, signed by whom, and a note (the reason for an out-of-turn 审批).

    Raises:
        InvalidEntry: an unknown step or an empty signer.
        InvalidDate: ``on`` is not a date.
    """

    step: ApplicationStep
    on: date
    by: str
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.step, ApplicationStep):
            object.__setattr__(self, "step", ApplicationStep(self.step))
        check_date("on", self.on)
        object.__setattr__(self, "by", _signer("by", self.by))


@dataclass(frozen=True, slots=True)
class Rejection:
    """An application turned down (不予受理 / 不予批准): when, by whom, why."""

    on: date
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class Application:
    """A household's loan application and the steps it has taken.

    Attributes:
        id: the store's id.
        fund_id: the fund applied to.
        household_id: the applying household.
        category: the household's category (family-planning status value) when it applied.
        amount: the principal asked for.
        term_months: the term asked for, in months.
        applied_on: the date of the 申请 step.
        purpose: what the loan is for (种植, 养殖, …), if said.
        steps: the steps taken, 申请 first, in order.
        rejection: set when the application was rejected.
        loan_id: the loan paid out from it, once 放款 is recorded.
    """

    id: int
    fund_id: int
    household_id: int
    category: str
    amount: Money
    term_months: int
    applied_on: date
    purpose: str | None
    steps: tuple[StepRecord, ...]
    rejection: Rejection | None = None
    loan_id: int | None = None

    @property
    def step(self) -> ApplicationStep:
        """The last step taken."""
        return self.steps[-1].step

    @property
    def next_step(self) -> ApplicationStep | None:
        """The step that comes next, or None when the application is rejected or paid out."""
        if not self.pending:
            return None
        return STEPS[STEPS.index(self.step) + 1]

    @property
    def pending(self) -> bool:
        """Whether the application still waits for a step (neither rejected nor paid out)."""
        return self.rejection is None and self.step is not ApplicationStep.DISBURSE

    def taken(self, step: ApplicationStep) -> StepRecord | None:
        """The record of a step, if it was taken."""
        for record in self.steps:
            if record.step is step:
                return record
        return None


def new_application_steps(on: date, by: str) -> tuple[StepRecord, ...]:
    """The steps of a fresh application: its 申请, dated and signed."""
    return (StepRecord(ApplicationStep.APPLY, on, by),)


def check_request(amount: Money, term_months: int, on: date) -> None:
    """Refuse a malformed application (the policy's caps are checked by the caller).

    Raises:
        MoneyTypeError, InvalidAmount: an amount that is not positive Money.
        InvalidTerms: a term below one month.
        InvalidDate: ``on`` is not a date.
    """
    check_money("amount", amount, positive=True)
    check_whole("term_months", term_months, minimum=1)
    check_date("on", on)


def queue_key(application: Application, priority: int) -> tuple[int, date, int]:
    """The queue order of an application: (category priority, date applied, id)."""
    return (priority, application.applied_on, application.id)


def _check_open(application: Application, step: ApplicationStep | None) -> None:
    if application.rejection is not None:
        raise ApplicationStepRefused(
            application.id, step=step, reason="rejected", rejected_on=application.rejection.on.isoformat()
        )
    if application.step is ApplicationStep.DISBURSE:
        raise ApplicationStepRefused(application.id, step=step, reason="paid_out", loan=application.loan_id)


def _check_date(application: Application, on: date) -> None:
    check_date("on", on)
    last = application.steps[-1]
    if on < last.on:
        raise InvalidDate(
            on,
            reason="step_before",
            application=application.id,
            last_step=last.step.value,
            last_on=last.on.isoformat(),
        )


def _ready_for_approval(recorded: Application, on: date, notice_days: int) -> bool:
    """Whether an application stood, at the end of ``on``, at 公示 with its notice period run."""
    application = application_as_of(recorded, on)
    if application is None:
        return False
    notice = application.taken(ApplicationStep.NOTICE)
    return (
        application.pending
        and application.step is ApplicationStep.NOTICE
        and notice is not None
        and notice.on + timedelta(days=notice_days) <= on
    )


def decide_step(
    application: Application,
    step: ApplicationStep | str,
    *,
    on: date,
    by: str,
    notice_days: int,
    priority: int,
    others: Sequence[tuple[Application, int]] = (),
    reason: str | None = None,
) -> StepRecord:
    """Check the next step of an application and return its record.

    Args:
        application: the application as it stands.
        step: the step to take; 放款 is taken by paying the loan out, not here.
        on: the step's date.
        by: the person who signs it.
        notice_days: the policy's public-notice period (公示期), in days.
        priority: the application's category priority under the policy in force on ``on``.
        others: the fund's other applications with their priorities (read for 审批's turn).
        reason: why a 审批 is taken out of turn; kept as the step's note.

    Returns:
        The step's record, to append to the application.

    Raises:
        InvalidEntry: an unknown step, an empty signer, or an empty reason.
        ApplicationStepRefused: the application is rejected or paid out, the step is not the next one
            (skipped or repeated), or the step is 放款.
        InvalidDate: ``on`` is before the last step's date.
        NoticePeriodNotOver: 审批 before the notice period after 公示 has run.
        ApplicationOutOfTurn: 审批 while an application ahead in the queue has waited, ready, for its
            审批, and no reason is given.
    """
    if not isinstance(step, ApplicationStep):
        try:
            step = ApplicationStep(step)
        except ValueError:
            choices = ", ".join(s.value for s in STEPS[1:-1])
            raise InvalidEntry("step", step, reason="choice", choices=choices) from None
    signer = _signer("by", by)
    if reason is not None and (not isinstance(reason, str) or not reason.strip()):
        raise InvalidEntry("reason", reason, reason="reason_words")
    _check_open(application, step)
    expected = application.next_step
    if step is ApplicationStep.DISBURSE:
        raise ApplicationStepRefused(
            application.id,
            step=step,
            reason="disburse_step",
        )
    if step is not expected:
        raise ApplicationStepRefused(
            application.id,
            step=step,
            reason="out_of_order",
            expected="none" if expected is None else expected.value,
        )
    _check_date(application, on)
    note = ""
    if step is ApplicationStep.APPROVE:
        notice = application.taken(ApplicationStep.NOTICE)
        assert notice is not None  # 审批 follows 公示
        ends = notice.on + timedelta(days=notice_days)
        if on < ends:
            raise NoticePeriodNotOver(application.id, noticed_on=notice.on, days=notice_days, on=on)
        mine = queue_key(application, priority)
        ahead = sorted(
            queue_key(other, rank)
            for other, rank in others
            if other.id != application.id
            and _ready_for_approval(other, on, notice_days)
            and queue_key(other, rank) < mine
        )
        if ahead and reason is None:
            raise ApplicationOutOfTurn(application.id, ahead=ahead[0][2], step=step.value)
        if ahead:
            note = f"越序审批: {reason}"
    return StepRecord(step, on, signer, note)


def decide_rejection(application: Application, *, on: date, by: str, reason: str) -> Rejection:
    """Check a rejection of a pending application.

    Raises:
        ApplicationStepRefused: the application is already rejected or paid out.
        InvalidDate: ``on`` is before its last step.
        InvalidEntry: an empty signer or reason.
    """
    signer = _signer("by", by)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidEntry("reason", reason, reason="reject_reason")
    _check_open(application, None)
    _check_date(application, on)
    return Rejection(on, signer, reason.strip())


def check_disbursable(
    application: Application, *, household_id: int, principal: Money, on: date, by: str
) -> StepRecord:
    """Check that a loan may be paid out from an application, and return its 放款 step.

    Args:
        application: the application.
        household_id: the borrower of the loan.
        principal: the loan's principal.
        on: the payout date.
        by: who signs the 放款 step.

    Returns:
        The 放款 step's record.

    Raises:
        ApplicationStepRefused: the application is rejected or paid out, its last step is not a signed
            协议, it is another household's, or the principal is above the amount applied for.
        InvalidDate: the payout is dated before the 协议.
        InvalidEntry: an empty signer.
    """
    signer = _signer("signed_by", by)
    _check_open(application, ApplicationStep.DISBURSE)
    if application.step is not ApplicationStep.AGREE:
        raise ApplicationStepRefused(
            application.id,
            step=ApplicationStep.DISBURSE,
            reason="not_agreed",
            last_step=application.step.value,
        )
    if household_id != application.household_id:
        raise ApplicationStepRefused(
            application.id,
            step=ApplicationStep.DISBURSE,
            reason="other_household",
            household=application.household_id,
            given=household_id,
        )
    if principal > application.amount:
        raise ApplicationStepRefused(
            application.id,
            step=ApplicationStep.DISBURSE,
            reason="above_approved",
            principal=principal,
            approved=application.amount,
        )
    _check_date(application, on)
    return StepRecord(ApplicationStep.DISBURSE, on, signer)


def application_as_of(application: Application, as_of: date) -> Application | None:
    """The application as it stood at the end of a day: None if not yet made, later steps left off."""
    if application.applied_on > as_of:
        return None
    steps = tuple(s for s in application.steps if s.on <= as_of)
    paid = any(s.step is ApplicationStep.DISBURSE for s in steps)
    rejection = application.rejection if application.rejection and application.rejection.on <= as_of else None
    return replace(
        application, steps=steps, rejection=rejection, loan_id=application.loan_id if paid else None
    )


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One pending application in the queue: its place, its priority and where it stands."""

    position: int
    application: Application
    priority: int

    @property
    def next_step(self) -> ApplicationStep | None:
        """The step it waits for."""
        return self.application.next_step


def queue_of(ranked: Sequence[tuple[Application, int]], as_of: date) -> tuple[QueueEntry, ...]:
    """The pending applications on a date, in queue order (priority, date applied, id).

    Args:
        ranked: the fund's applications, each with its category's priority under the policy in force.
        as_of: the date; applications made later are left out and later steps ignored.

    Returns:
        The applications pending at the end of ``as_of``, first in the queue first, numbered from 1.
    """
    standing = []
    for application, priority in ranked:
        seen = application_as_of(application, as_of)
        if seen is not None and seen.pending:
            standing.append((queue_key(seen, priority), seen, priority))
    standing.sort(key=lambda item: item[0])
    return tuple(QueueEntry(n, app, priority) for n, (_, app, priority) in enumerate(standing, start=1))
