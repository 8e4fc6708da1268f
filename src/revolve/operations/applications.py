"""Applications: the queue a loan goes through before it is paid out (申请 → 审查 → 公示 → 审批 → 协议 → 放款).

The shell reads the fund's applications and policies under its lock, the pure
:mod:`revolve.applications` checks the step (order, dates, the notice period, the queue's turn), and the
step is written; a refusal writes nothing. 放款 is recorded by
:meth:`revolve.Ledger.disburse` given ``application=…``. The queue is ordered by the household category's
priority under the policy in force (:func:`revolve.policy.category_priority`), then the date applied, then
the id.
"""

from __future__ import annotations

from datetime import date

from revolve.applications import (
    Application,
    ApplicationStep,
    QueueEntry,
    check_request,
    decide_rejection,
    decide_step,
    new_application_steps,
    queue_of,
)
from revolve.checks import ref_of
from revolve.errors import InvalidDate, InvalidEntry
from revolve.households import Household
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.policy import Policy, category_policy, category_priority, loan_violations, policy_in_force
from revolve.store import applications as store_applications
from revolve.store import households as store_households
from revolve.store.transactions import Connection

__all__ = ["Applications"]


def _ranked(policy: Policy, applications: list[Application]) -> list[tuple[Application, int]]:
    return [(a, category_priority(policy, a.category)) for a in applications]


def _policy(conn: Connection, fund_id: int, on: date) -> Policy:
    return policy_in_force(store_households.list_policies(conn, fund_id), on)


def _id_of(application: Application | int) -> int | str:
    return ref_of(application)


class Applications(Family):
    """Loan applications and their queue."""

    def apply(
        self,
        fund: FundRef,
        household: Household | int | str,
        *,
        amount: Money,
        term_months: int,
        on: date,
        purpose: str | None = None,
        by: str | None = None,
    ) -> Application:
        """Record a household's loan application (申请), checked against its category's caps.

        Args:
            fund: the fund applied to.
            household: the applying household.
            amount: the principal asked for.
            term_months: the term asked for, in months.
            on: the date of the application.
            purpose: what the loan is for (种植, 养殖, 加工, 商贸, …).
            by: who signs the application; the mother by default.

        Returns:
            The application, at its 申请 step.

        Raises:
            UnknownHousehold: no such household.
            MoneyTypeError, InvalidAmount, InvalidTerms: a malformed amount or term.
            InvalidDate: an application dated before the household was registered.
            PolicyViolation: the amount or term is outside what the policy in force on ``on`` allows a
                household of this category (``rule`` is ``"amount"``, ``"amount tier"`` or ``"term"``).
            InvalidEntry: an empty purpose or signer.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        check_request(amount, term_months, on)
        if purpose is not None and (not isinstance(purpose, str) or not purpose.strip()):
            raise InvalidEntry("purpose", purpose, reason="purpose_text")
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            hh = store_households.find_household(conn, f.id, ref_of(household))
            if on < hh.registered_on:
                raise InvalidDate(
                    on,
                    reason="before_registration",
                    registered_on=hh.registered_on.isoformat(),
                    household=hh.code,
                )
            policy = category_policy(_policy(conn, f.id, on), hh.fp_status)
            # the counts and the guarantee are checked when the loan is paid out; here only the ask
            found = loan_violations(
                policy, amount=amount, term_months=term_months, prior_loans=0, active_loans=0, guaranteed=True
            )
            if found:
                raise found[0]
            return store_applications.insert_application(
                conn,
                f.id,
                household_id=hh.id,
                category=hh.fp_status.value,
                amount=amount,
                term_months=term_months,
                applied_on=on,
                purpose=purpose.strip() if purpose else None,
                first=new_application_steps(on, by if by is not None else hh.mother_name)[0],
            )

    def advance(
        self,
        fund: FundRef,
        application: Application | int,
        step: ApplicationStep | str,
        *,
        on: date,
        by: str,
        reason: str | None = None,
    ) -> Application:
        """Take an application's next step (审查, 公示, 审批 or 协议), dated and signed.

        Args:
            fund: the fund.
            application: the application (or its id).
            step: the step; it must be the next one.
            on: the step's date, on or after the step before.
            by: the person who signs it.
            reason: for 审批 out of turn, why (kept on the step as 越序审批).

        Returns:
            The application with the step taken.

        Raises:
            UnknownApplication: no such application in the fund.
            ApplicationStepRefused: the step is not the next one, or the application is closed.
            InvalidDate: the step is dated before the one before it.
            NoticePeriodNotOver: 审批 before the policy's ``notice_days`` after 公示.
            ApplicationOutOfTurn: 审批 while one ahead in the queue waits, ready, for its 审批, with no
                reason given.
            InvalidEntry: an unknown step, an empty signer or reason.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            app = store_applications.find_application(conn, f.id, _id_of(application))
            policy = _policy(conn, f.id, on)
            # only 审批 looks at the queue: the applications pending that day, with their priorities
            looks = step in (ApplicationStep.APPROVE, ApplicationStep.APPROVE.value)
            others = (
                _ranked(policy, store_applications.list_applications(conn, f.id, pending_on=on))
                if looks
                else []
            )
            record = decide_step(
                app,
                step,
                on=on,
                by=by,
                notice_days=policy.notice_days,
                priority=category_priority(policy, app.category),
                others=others,
                reason=reason,
            )
            store_applications.add_step(conn, f.id, app.id, record)
            return store_applications.find_application(conn, f.id, app.id)

    def reject(
        self, fund: FundRef, application: Application | int, *, on: date, by: str, reason: str
    ) -> Application:
        """Reject a pending application (不予批准), dated, signed and with its reason.

        Raises:
            UnknownApplication: no such application in the fund.
            ApplicationStepRefused: it is rejected or paid out already.
            InvalidDate: dated before its last step.
            InvalidEntry: an empty signer or reason.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            app = store_applications.find_application(conn, f.id, _id_of(application))
            rejection = decide_rejection(app, on=on, by=by, reason=reason)
            store_applications.set_rejection(conn, f.id, app.id, rejection)
            return store_applications.find_application(conn, f.id, app.id)

    def application(self, fund: FundRef, application: Application | int) -> Application:
        """The application with this id, with its steps.

        Raises:
            UnknownApplication: no such application in the fund.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, f):
            return store_applications.find_application(conn, f.id, _id_of(application))

    def applications(self, fund: FundRef) -> list[Application]:
        """Every application of the fund, pending or not, by id.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, f):
            return store_applications.list_applications(conn, f.id)

    def queue(self, fund: FundRef, *, as_of: date) -> tuple[QueueEntry, ...]:
        """The pending applications at the end of a day, in queue order.

        The order is (category priority under the policy in force on ``as_of``, date applied, id): a
        family-planning household that the policy ranks first goes ahead of an earlier application from
        a household ranked lower.

        Returns:
            The queue, numbered from 1; rejected and paid-out applications are left out.

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``as_of`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, f):
            policy = _policy(conn, f.id, as_of)
            pending = store_applications.list_applications(conn, f.id, pending_on=as_of)
            return queue_of(_ranked(policy, pending), as_of)
