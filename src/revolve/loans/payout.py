"""The payout decision: whether loans may be paid out, decided over what the books say.

:func:`decide_payout` takes each payout asked for (:class:`Disbursement`, in order) and what the fund's
books say under its lock (:class:`PayoutBooks`: the households, batches and guarantors they name, the
loan counts and guarantor exposures, the policies, the cash line, the loan numbers and idempotency keys in
use, the round basis), and checks each payout as the ones before it left things. For each it returns
either the loan a faithful retry answers with, or a :class:`PlannedPayout` for the shell to write.

Each payout is checked in this order (the first rule that fails is the refusal):

1. the household exists (``UnknownHousehold``);
2. an idempotency key is used once per call; a key used before answers with the loan it paid out if the
   payout repeats it (number, household, principal, date), and is refused otherwise;
3. the batch exists (``UnknownBatch``) and is open (``BatchClosed``), and the date is in an open period
   (``PeriodClosed``);
4. the guarantors exist (``UnknownGuarantor``);
4a. the application it is paid out from, if any, exists (``UnknownApplication``) and stands at a signed
   协议 for this household and at least this principal (``ApplicationStepRefused``);
5. the fund's policy in force on the date, with the household category's caps in place of its own
   (:func:`revolve.policy.category_policy`), allows the loan (amount, tiers, term, loans per household,
   active loans, guarantee) — ``PolicyViolation``; the household limits count the mother's loans in
   other funds too when the policy's ``household_scope`` says so (:func:`revolve.policy.in_scope`);
6. no guarantor passes its cap (``GuarantorCapExceeded``);
7. the principal fits the cash available on the date **and on every later date** (``InsufficientFunds``):
   cash never goes negative at any date, whatever order operations are recorded in (DESIGN §10 item 3);
8. the loan number is not in use (``DuplicateCode``).

A loan's round (轮次) is ⌊principal lent before it ÷ capital contributed by its date⌋ + 1 (DESIGN §8).
Pure: nothing is read or written here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from dateutil.relativedelta import relativedelta

from revolve.applications import Application, ApplicationStep, StepRecord, check_disbursable
from revolve.checks import ref_of
from revolve.errors import (
    ApplicationStepRefused,
    BatchClosed,
    DuplicateCode,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidEntry,
    UnknownApplication,
    UnknownBatch,
    UnknownGuarantor,
    UnknownHousehold,
)
from revolve.funds import Fund, check_open, loan_round
from revolve.guarantees import Guarantor, check_exposure
from revolve.households import Household
from revolve.loans.dues import DEFAULT_ORDER, Component
from revolve.loans.file import LoanFile
from revolve.loans.records import Batch, Loan
from revolve.loans.retries import replay_or_refuse
from revolve.money import Money
from revolve.pledges import Passbook
from revolve.policy import LoanElsewhere, Policy, category_policy, check_loan, in_scope, policy_in_force
from revolve.schedule import LoanTerms, Schedule

__all__ = [
    "CashLine",
    "Disbursement",
    "PayoutBooks",
    "PlannedPayout",
    "RoundFigures",
    "decide_payout",
    "term_months",
]


@dataclass(frozen=True, slots=True)
class Disbursement:
    """One payout for :meth:`revolve.Ledger.disburse_many`, with the arguments of
    :meth:`revolve.Ledger.disburse` (see there)."""

    number: str
    household: Household | int | str
    batch: Batch | int | str
    terms: LoanTerms
    guarantors: Sequence[Guarantor | int | str] = ()
    pledge: Money | None = None
    order: Sequence[Component] = DEFAULT_ORDER
    idempotency_key: str | None = None
    passbook: Passbook | None = None
    application: Application | int | None = None
    signed_by: str | None = None
    file: LoanFile | None = None


class CashLine:
    """A fund's cash available to lend by value date, from a first day on, as payouts are taken from it.

    ``now`` is what is available with every entry counted; ``moves`` is the net movement on each day
    after the first, so what was available at the end of a day ``d`` is ``now`` less the moves after ``d``.
    """

    def __init__(
        self, fund_id: int, first: date, now: int, later: Sequence[tuple[date, int]], *, fund_code: str = ""
    ) -> None:
        self.fund_id = fund_id
        self.fund_code = fund_code
        self.first = first
        self.now = now
        self.moves: dict[date, int] = {}
        for day, delta in later:
            self.moves[day] = self.moves.get(day, 0) + delta

    def lowest_from(self, on: date) -> int:
        """The least available at the end of ``on`` or of any later day."""
        after = sorted(day for day in self.moves if day > on)
        running = self.now - sum(self.moves[day] for day in after)
        lowest = running
        for day in after:
            running += self.moves[day]
            lowest = min(lowest, running)
        return lowest

    def spend(self, amount: Money, on: date) -> None:
        """Take a payout dated ``on`` (not before the first day), refusing it if any day from ``on`` on
        would fall short.

        Raises:
            InsufficientFunds: some day from ``on`` on would have less than ``amount`` available.
        """
        lowest = self.lowest_from(on)
        if amount.fen > lowest:
            raise InsufficientFunds(
                amount, available=Money(lowest), fund_id=self.fund_id, fund=self.fund_code
            )
        self.now -= amount.fen
        if on > self.first:
            self.moves[on] = self.moves.get(on, 0) - amount.fen


class RoundFigures(Protocol):
    """Capital contributed and principal lent through a date, as a loan's round is computed from."""

    def capital_as_of(self, on: date) -> Money: ...

    def lent_as_of(self, on: date) -> Money: ...


@dataclass(slots=True)
class PayoutBooks:
    """What the fund's books say, read under its lock before payouts are decided.

    The references are keyed as the payouts give them (an id or a code); a reference absent from a map
    names nothing in the fund. The counts, exposures and cash line move as payouts are decided.
    """

    fund: Fund
    households: Mapping[int | str, Household]
    batches: Mapping[int | str, Batch]
    guarantors: Mapping[int | str, Guarantor]
    exposure: dict[int, Money]
    """Outstanding principal each guarantor (by id) already answers for."""
    counts: dict[int, tuple[int, int]]
    """(loans taken, loans still owed on) by household id."""
    policies: Sequence[Policy]
    cash: CashLine
    numbers_taken: set[str]
    keys_used: Mapping[str, tuple[int, Loan | None]]
    """Idempotency key → (entry number, the loan that entry paid out, if any)."""
    basis: RoundFigures
    lent_here: dict[date, int] = field(default_factory=dict)
    """Principal lent by the payouts decided so far, by day."""
    lent_before: dict[date, int] = field(default_factory=dict)
    """Principal lent before these payouts through each day asked about (``basis.lent_as_of``, kept)."""
    applications: Mapping[int | str, Application] = field(default_factory=dict)
    """The loan applications the payouts name, by id."""
    applications_here: set[int] = field(default_factory=set)
    """Applications paid out from by the payouts decided so far."""
    elsewhere: Mapping[str, tuple[LoanElsewhere, ...]] = field(default_factory=dict)
    """Each mother's loans in other funds, by national ID (read only when a policy's scope needs them)."""


@dataclass(frozen=True, slots=True)
class PlannedPayout:
    """A checked payout, ready to write."""

    disbursement: Disbursement
    household: Household
    batch: Batch
    guarantors: tuple[Guarantor, ...]
    round: int
    schedule: Schedule
    application: Application | None = None
    """The application the loan is paid out from, if any."""
    application_step: StepRecord | None = None
    """Its 放款 step."""


def term_months(start: date, maturity: date) -> int:
    """A loan's term in whole months, a part month counting as one (as a policy's term limit reads it)."""
    span = relativedelta(maturity, start)
    months = span.years * 12 + span.months
    return months + (1 if span.days > 0 else 0)


def decide_payout(
    d: Disbursement, schedule: Schedule, books: PayoutBooks, *, keys_here: set[str], numbers_here: set[str]
) -> Loan | PlannedPayout:
    """Decide one payout after those before it (see the module docstring for the rules).

    Returns:
        The loan a faithful retry answers with, or the payout to write; ``books`` then counts it.
    """
    on = d.terms.start
    ref = ref_of(d.household)
    hh = books.households.get(ref)
    if hh is None:
        raise UnknownHousehold(ref)
    key = d.idempotency_key
    if key is not None:
        if key in keys_here:
            raise InvalidEntry("idempotency_key", key, reason="key_twice")
        keys_here.add(key)
        if key in books.keys_used:
            # a retry answers with the loan first paid out; anything else reusing the key is refused
            seq, loan = books.keys_used[key]
            refusal = IdempotencyConflict(key, fund_id=books.fund.id, existing_seq=seq, fund=books.fund.code)
            if loan is None:
                raise refusal
            asked = (d.number, hh.id, d.terms.principal, on)
            return replay_or_refuse(
                loan, (loan.number, loan.household_id, loan.principal, loan.disbursed_on), asked, refusal
            )
    b_ref = ref_of(d.batch)
    batch = books.batches.get(b_ref)
    if batch is None:
        raise UnknownBatch(b_ref)
    if batch.closed_on is not None:
        raise BatchClosed(batch.code, closed_on=batch.closed_on, fund=books.fund.code, operation="payout")
    check_open(books.fund, on)
    guarantors = []
    for g_ref in (ref_of(g) for g in d.guarantors):
        g = books.guarantors.get(g_ref)
        if g is None:
            raise UnknownGuarantor(g_ref)
        guarantors.append(g)
    app, app_step = _application_step(d, hh, books)
    prior, active = books.counts.get(hh.id, (0, 0))
    policy = policy_in_force(books.policies, on)
    check_loan(
        # the household's category rule (陇家福: higher caps for 计生户) replaces the policy's caps
        category_policy(policy, hh.fp_status),
        amount=d.terms.principal,
        term_months=term_months(on, schedule.maturity_date),
        prior_loans=prior,
        active_loans=active,
        guaranteed=bool(guarantors) or d.pledge is not None or d.passbook is not None,
        elsewhere=in_scope(books.elsewhere.get(hh.national_id, ()), policy.household_scope),
    )
    for g in guarantors:
        check_exposure(g, exposure=books.exposure.get(g.id, Money(0)), requested=d.terms.principal)
    books.cash.spend(d.terms.principal, on)
    if d.number in books.numbers_taken or d.number in numbers_here:
        raise DuplicateCode(d.number, what="loan")
    numbers_here.add(d.number)
    books.counts[hh.id] = (prior + 1, active + 1)
    for g in guarantors:
        books.exposure[g.id] = books.exposure.get(g.id, Money(0)) + d.terms.principal
    if on not in books.lent_before:
        books.lent_before[on] = books.basis.lent_as_of(on).fen
    lent = books.lent_before[on] + sum(fen for day, fen in books.lent_here.items() if day <= on)
    books.lent_here[on] = books.lent_here.get(on, 0) + d.terms.principal.fen
    round_ = loan_round(disbursed_before=Money(lent), capital=books.basis.capital_as_of(on))
    if app is not None:
        books.applications_here.add(app.id)
    return PlannedPayout(d, hh, batch, tuple(guarantors), round_, schedule, app, app_step)


def _application_step(
    d: Disbursement, hh: Household, books: PayoutBooks
) -> tuple[Application | None, StepRecord | None]:
    """The application a payout names and its 放款 step (None, None when it names none)."""
    if d.application is None:
        return None, None
    a_ref = ref_of(d.application)
    app = books.applications.get(a_ref)
    if app is None:
        raise UnknownApplication(a_ref)
    if app.id in books.applications_here:
        raise ApplicationStepRefused(app.id, step=ApplicationStep.DISBURSE, reason="paid_twice")
    step = check_disbursable(
        app, household_id=hh.id, principal=d.terms.principal, on=d.terms.start, by=d.signed_by or ""
    )
    return app, step
