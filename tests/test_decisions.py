"""The pure decisions — repayment, payout, where a loan stands — proven without a database.

Each decision takes plain values and returns an outcome; these properties hold for any loan the schedule
strategies make, any sequence of payments within what is owed, and any cash history.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import loan_terms

from revolve import InsufficientFunds, Overpayment, PeriodClosed
from revolve.chart import AccountKey, AccountRole
from revolve.funds import Fund
from revolve.households import FamilyPlanningStatus, Household
from revolve.loans import Batch, Loan, LoanSchedule, LoanStatus, Receipt, days_past_due, owed
from revolve.loans.dues import DEFAULT_ORDER, as_dues, instalment_rows
from revolve.loans.payout import CashLine, Disbursement, PayoutBooks, PlannedPayout, decide_payout
from revolve.loans.position import loan_position
from revolve.loans.repayment import OpenLoan, decide_repayment
from revolve.money import Money
from revolve.policy import Policy
from revolve.rules import PayerKind
from revolve.schedule import LoanTerms, RepaymentMethod, Schedule, generate_schedule

FUND = Fund(1, "F", "fund", 1, "npo")


def _loan(terms: LoanTerms, *, pledge: Money = Money(0)) -> Loan:
    zero = Money(0)
    return Loan(
        7, 1, "L-1", 3, 1, terms.principal, terms.start, 1, LoanStatus.ACTIVE, 1,
        zero, zero, zero, zero, zero, zero, zero, pledge, None,
    )  # fmt: skip


def _open(schedule: Schedule, *, pledge: Money = Money(0)) -> OpenLoan:
    return OpenLoan(_loan(schedule.terms, pledge=pledge), DEFAULT_ORDER, schedule.terms.start,
                    instalment_rows(schedule), schedule.terms)  # fmt: skip


def _pay(held: OpenLoan, amount: Money, on: date, receipt: str = "R1", **kw: object) -> object:
    options: dict[str, object] = {"payer": PayerKind.BORROWER, "guarantor_id": None, "prepayment": None}
    options.update(kw)
    return decide_repayment(held, fund=FUND, amount=amount, on=on, receipt=receipt, **options)  # type: ignore[arg-type]


@st.composite
def schedules_and_payments(draw: st.DrawFn) -> tuple[Schedule, list[int]]:
    """A schedule and a sequence of payments (in fen) that together stay within what it owes."""
    schedule = generate_schedule(draw(loan_terms()))
    total = owed(as_dues(instalment_rows(schedule)), paid=Money(0)).fen
    cuts = sorted(draw(st.lists(st.integers(1, total), min_size=1, max_size=6, unique=True)))
    return schedule, [b - a for a, b in zip([0, *cuts[:-1]], cuts, strict=True)]


# ---- the repayment decision --------------------------------------------------------------------------
@given(schedules_and_payments())
def test_each_payment_is_allocated_whole_and_the_loan_closes_exactly_when_nothing_is_owed(
    case: tuple[Schedule, list[int]],
) -> None:
    schedule, payments = case
    held = _open(schedule)
    total = owed(as_dues(held.rows), paid=Money(0))
    paid = 0
    on = schedule.terms.start
    for n, fen in enumerate(payments):
        before = held
        outcome = decide_repayment(
            held, fund=FUND, amount=Money(fen), on=on, receipt=f"R{n}", payer=PayerKind.BORROWER,
            guarantor_id=None, prepayment=None,
        )  # fmt: skip
        assert held == before  # the decision changes nothing it was given
        r = outcome.receipt
        assert r.principal + r.interest + r.fee + r.penalty == Money(fen)
        paid += fen
        state = outcome.state
        assert state.paid_in_version == Money(paid)
        assert state.principal_paid == held.loan.principal_paid + r.principal
        receivable = AccountKey(AccountRole.LOANS_RECEIVABLE, "L-1")
        credited = sum(p.amount.fen for p in outcome.entries[0].postings if p.key == receivable)
        assert -credited == r.principal.fen
        assert (state.status is LoanStatus.CLOSED) == (paid == total.fen or state.outstanding.is_zero())
        held = outcome.after
    assert held.loan.principal_paid <= schedule.terms.principal


@given(schedules_and_payments(), st.integers(1, 10_000))
def test_paying_more_than_is_owed_is_refused_with_what_is_owed(
    case: tuple[Schedule, list[int]], extra: int
) -> None:
    schedule, _ = case
    held = _open(schedule)
    total = owed(as_dues(held.rows), paid=Money(0))
    with pytest.raises(Overpayment) as refused:
        _pay(held, total + Money(extra), schedule.terms.start)
    assert refused.value.owed == total


@given(schedules_and_payments(), st.integers(1, 500_000))
def test_a_pledged_deposit_still_held_is_released_when_the_loan_closes(
    case: tuple[Schedule, list[int]], pledge: int
) -> None:
    schedule, _ = case
    held = _open(schedule, pledge=Money(pledge))
    total = owed(as_dues(held.rows), paid=Money(0))
    outcome = _pay(held, total, schedule.terms.start)
    assert outcome.state.status is LoanStatus.CLOSED  # type: ignore[attr-defined]
    assert outcome.state.pledge_held.is_zero()  # type: ignore[attr-defined]
    assert [e.kind for e in outcome.entries][-1].startswith("pledge")  # type: ignore[attr-defined]


@given(schedules_and_payments())
def test_a_payment_in_a_closed_period_is_refused(case: tuple[Schedule, list[int]]) -> None:
    schedule, payments = case
    closed = Fund(1, "F", "fund", 1, "npo", closed_through=schedule.terms.start)
    with pytest.raises(PeriodClosed):
        decide_repayment(
            _open(schedule), fund=closed, amount=Money(payments[0]), on=schedule.terms.start, receipt="R",
            payer=PayerKind.BORROWER, guarantor_id=None, prepayment=None,
        )  # fmt: skip


# ---- where a loan stands -----------------------------------------------------------------------------
@given(schedules_and_payments(), st.integers(0, 2_000))
def test_a_loans_position_follows_its_receipts(case: tuple[Schedule, list[int]], days: int) -> None:
    schedule, payments = case
    held = _open(schedule)
    receipts: list[Receipt] = []
    on = schedule.terms.start
    for n, fen in enumerate(payments):
        outcome = decide_repayment(
            held, fund=FUND, amount=Money(fen), on=on + timedelta(days=n), receipt=f"R{n}",
            payer=PayerKind.BORROWER, guarantor_id=None, prepayment=None,
        )  # fmt: skip
        receipts.append(outcome.receipt)
        held = outcome.after
    versions = [LoanSchedule(7, 1, schedule.terms.start, as_dues(instalment_rows(schedule)))]
    as_of = on + timedelta(days=days)
    position = loan_position(held.loan, versions, receipts, as_of=as_of)
    repaid = sum(r.principal.fen for r in receipts if r.value_date <= as_of)
    assert position.outstanding == schedule.terms.principal - Money(repaid)
    if position.status is LoanStatus.ACTIVE:
        paid = Money(sum(r.amount.fen for r in receipts if r.value_date <= as_of))
        assert position.days_past_due == days_past_due(versions[0].dues, paid=paid, as_of=as_of)
    else:
        assert position.days_past_due == 0
    before = loan_position(held.loan, versions, receipts, as_of=schedule.terms.start - timedelta(days=1))
    assert (before.outstanding, before.days_past_due) == (Money(0), 0)


@given(schedules_and_payments())
def test_a_loan_written_off_is_not_late(case: tuple[Schedule, list[int]]) -> None:
    schedule, _ = case
    loan = _loan(schedule.terms)
    off = replace(
        loan, status=LoanStatus.WRITTEN_OFF, written_off=loan.principal, closed_on=schedule.maturity_date
    )
    versions = [LoanSchedule(7, 1, schedule.terms.start, as_dues(instalment_rows(schedule)))]
    late = schedule.maturity_date + timedelta(days=400)
    assert loan_position(loan, versions, [], as_of=late).days_past_due == days_past_due(
        versions[0].dues, paid=Money(0), as_of=late
    )
    assert loan_position(loan, versions, [], as_of=late).days_past_due >= 400
    position = loan_position(off, versions, [], as_of=late)
    assert (position.status, position.outstanding, position.days_past_due) == (
        LoanStatus.WRITTEN_OFF,
        Money(0),
        0,
    )


# ---- the payout decision -----------------------------------------------------------------------------
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(-500_000, 500_000)), max_size=12),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 400_000)), max_size=12),
    st.integers(0, 1_000_000),
)
def test_the_cash_line_never_lets_cash_go_negative_on_any_day(
    moves: list[tuple[int, int]], spends: list[tuple[int, int]], now: int
) -> None:
    first = date(2024, 1, 1)
    later = [(first + timedelta(days=1 + d), fen) for d, fen in moves]
    # the history itself never dips below zero: start high enough
    floor = min([0, *(now - sum(f for day, f in later if day > first + timedelta(days=d)) for d, _ in moves)])
    line = CashLine(1, first, now - floor, later)
    for day, fen in spends:
        on = first + timedelta(days=day)
        snapshot = (line.now, dict(line.moves))
        try:
            line.spend(Money(fen), on)
        except InsufficientFunds:
            assert (line.now, line.moves) == snapshot  # a refused payout takes nothing
            assert fen > line.lowest_from(on)
        for d in range(62):
            assert line.lowest_from(first + timedelta(days=d)) >= 0


class _Basis:
    def __init__(self, capital: int) -> None:
        self.capital = capital

    def capital_as_of(self, on: date) -> Money:
        return Money(self.capital)

    def lent_as_of(self, on: date) -> Money:
        return Money(0)


@given(st.integers(100_000, 5_000_000), st.lists(st.integers(100_000, 2_000_000), min_size=1, max_size=15))
def test_payouts_take_rounds_in_order_and_never_more_cash_than_there_is(
    capital: int, principals: list[int]
) -> None:
    start = date(2024, 3, 1)
    household = Household(
        1, 1, "H1", "王秀英", "11010519491231002X", None, None, FamilyPlanningStatus.COMPLIANT, None, start
    )
    policy = Policy(date(2000, 1, 1), Money(1), Money(10**12), 1, 600, 100, 100, guarantee_required=False)
    books = PayoutBooks(
        fund=FUND, households={"H1": household}, batches={"B": Batch(1, 1, "B", None, start, "")}, guarantors={},
        exposure={}, counts={}, policies=[policy], cash=CashLine(1, start, capital, []), numbers_taken=set(),
        keys_used={}, basis=_Basis(capital),
    )  # fmt: skip
    keys: set[str] = set()
    numbers: set[str] = set()
    lent = 0
    for n, fen in enumerate(principals):
        terms = LoanTerms(principal=Money(fen), start=start, term=12, method=RepaymentMethod.EQUAL_PRINCIPAL)
        d = Disbursement(f"L{n}", "H1", "B", terms, pledge=Money(100))
        try:
            decided = decide_payout(d, generate_schedule(terms), books, keys_here=keys, numbers_here=numbers)
        except InsufficientFunds:
            assert lent + fen > capital
            continue
        assert isinstance(decided, PlannedPayout)
        assert decided.round == lent // capital + 1
        lent += fen
        assert lent <= capital
