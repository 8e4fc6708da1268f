"""Refusals by the fund's programme policy (政策): a loan past the policy's ceiling, term or repeat limits, a
guarantor's cap, a bank loan past the household's yearly cap, an extension past the policy's number or
after maturity, an approval before the notice period ends or out of the queue's turn. Each is a
:class:`~revolve.errors.base.PolicyRefusal`: the books are right, the programme's rules say no.

Part of :mod:`revolve.errors`, whose docstring draws the whole hierarchy.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from revolve.errors.base import Hint, PolicyRefusal

__all__ = [
    "ApplicationOutOfTurn",
    "BankLoanCapExceeded",
    "ExtensionAfterMaturity",
    "ExtensionLimitReached",
    "GuarantorCapExceeded",
    "NoticePeriodNotOver",
    "PolicyViolation",
]


class PolicyViolation(PolicyRefusal, ValueError):
    """A loan that breaks the fund's programme policy (ceiling, term, repeat limits, guarantee)."""

    code = "policy_violation"

    def __init__(self, rule: str, value: object, *, limit: object, elsewhere: tuple[str, ...] = ()) -> None:
        self.rule = rule
        self.value = value
        self.limit = limit
        self.elsewhere = elsewhere
        """The mother's loans in other funds counted towards a household limit (fund and loan number)."""
        # the rule is a key of the catalogue (``policy_violation.term``), said in each language
        super().__init__(
            rule=rule,
            value=value,
            limit=limit,
            others="; ".join(elsewhere),
            reason=f"{rule} elsewhere" if elsewhere else rule,
        )


class GuarantorCapExceeded(PolicyRefusal, ValueError):
    """A guarantee that would take a guarantor's exposure past its cap."""

    code = "guarantor_cap_exceeded"

    def __init__(self, guarantor: object, *, exposure: object, requested: object, cap: object) -> None:
        self.guarantor = guarantor
        self.exposure = exposure
        self.requested = requested
        self.cap = cap
        super().__init__(guarantor=guarantor, exposure=exposure, requested=requested, cap=cap)


class ExtensionLimitReached(PolicyRefusal, ValueError):
    """An extension (展期) over the number the fund's policy allows one loan.

    Attributes:
        loan: the loan's number.
        count: the extensions the loan has had already.
        limit: how many the policy in force allows per loan.
    """

    code = "extension_limit_reached"

    def __init__(self, loan: str, *, count: int, limit: int) -> None:
        self.loan = loan
        self.count = count
        self.limit = limit
        super().__init__(loan=loan, count=count, limit=limit)


class ExtensionAfterMaturity(PolicyRefusal, ValueError):
    """An extension (展期) asked after the loan's maturity, which the fund's policy does not allow.

    Attributes:
        loan: the loan's number.
        on: the extension's date.
        maturity: the loan's last due date under its schedule in force.
    """

    code = "extension_after_maturity"

    def __init__(self, loan: str, *, on: date, maturity: date) -> None:
        self.loan = loan
        self.on = on
        self.maturity = maturity
        super().__init__(loan=loan, on=on.isoformat(), maturity=maturity.isoformat())


class NoticePeriodNotOver(PolicyRefusal, ValueError):
    """审批 of an application before its public-notice period (公示期) after 公示 has run.

    Attributes:
        application: the application's id.
        noticed_on: the date of its 公示 step.
        days: the policy's notice period, in days.
        on: the date asked for the approval.
    """

    code = "notice_period_not_over"

    def __init__(self, application: int, *, noticed_on: date, days: int, on: date) -> None:
        self.application = application
        self.noticed_on = noticed_on
        self.days = days
        self.on = on
        ends = noticed_on + timedelta(days=days)
        super().__init__(
            application=application,
            noticed_on=noticed_on.isoformat(),
            days=days,
            ends=ends.isoformat(),
            on=on.isoformat(),
        )


class ApplicationOutOfTurn(PolicyRefusal, ValueError):
    """审批 of an application while one ahead of it in the queue (higher priority, or as high and
    earlier) has waited, ready, at the same step — refused unless a reason is given.

    Attributes:
        application: the application's id.
        ahead: the id of the first application ahead of it that waits.
        step: the step asked for.
    """

    code = "application_out_of_turn"

    labels: ClassVar[dict[str, str]] = {"step": "application_step"}

    def __init__(self, application: int, *, ahead: int, step: str) -> None:
        self.application = application
        self.ahead = ahead
        self.step = step
        super().__init__(application=application, ahead=ahead, step=step, hint=Hint(argument="reason"))


class BankLoanCapExceeded(PolicyViolation):
    """A bank loan that would take a household past the programme's cap on what it may borrow from the
    bank in one calendar year (少生快富 每户一年一万). A :class:`PolicyViolation`: ``rule``, ``value`` (the
    year's total with the loan) and ``limit`` (the cap) as there.

    Attributes:
        household: the household's id.
        year: the calendar year counted.
    """

    code = "bank_loan_cap_exceeded"

    def __init__(self, household: object, *, year: int, total: object, cap: object) -> None:
        self.household = household
        self.year = year
        self.rule = f"the household's bank-loan principal in {year}"
        self.value = total
        self.limit = cap
        self.elsewhere = ()
        PolicyRefusal.__init__(self, household=household, year=year, total=total, cap=cap)
