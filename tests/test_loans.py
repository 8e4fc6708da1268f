"""Loans: the payment waterfall, states under cumulative payments, days past due, ageing and PAR."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revolve.errors import InvalidAmount, InvalidDate, InvalidTerms, MoneyTypeError
from revolve.loans import (
    DEFAULT_ORDER,
    Ageing,
    AgeingBucket,
    AllocatedPart,
    Component,
    Due,
    ageing,
    allocate,
    bucket_for,
    days_past_due,
    due_by,
    outstanding_principal,
    owed,
    states,
)
from revolve.money import Money, yuan

P, F, INT, N = Component.PRINCIPAL, Component.FEE, Component.INTEREST, Component.PENALTY

# Two monthly instalments of a small instalment loan.
FIRST = Due(
    1, date(2024, 1, 31), principal=yuan("1000"), interest=yuan("10"), fee=yuan("5"), penalty=yuan("2")
)
SECOND = Due(2, date(2024, 2, 29), principal=yuan("1000"), interest=yuan("5"), fee=yuan("5"))
TWO = (SECOND, FIRST)  # deliberately out of order: allocation sorts by due date


# ---- strategies (local to this module's values) -------------------------------------------------------


@st.composite
def dues_strategy(draw: st.DrawFn, *, max_component: int = 5_000, max_size: int = 6) -> list[Due]:
    """Dues with distinct numbers, due dates in any order (repeats allowed), components often zero."""
    start = draw(st.dates(date(2015, 1, 1), date(2030, 1, 1)))
    count = draw(st.integers(1, max_size))
    numbers = draw(st.permutations(range(1, count + 1)))
    amount = st.one_of(st.just(0), st.integers(0, max_component)).map(Money)
    return [
        Due(
            number=number,
            due_date=start + timedelta(days=draw(st.integers(0, 400))),
            principal=draw(amount),
            interest=draw(amount),
            fee=draw(amount),
            penalty=draw(amount),
        )
        for number in numbers
    ]


ORDERS = st.permutations(list(Component)).map(tuple)


def grand_total(dues: list[Due]) -> int:
    return sum(due.principal.fen + due.interest.fen + due.fee.fen + due.penalty.fen for due in dues)


def by_bucket(parts: tuple[AllocatedPart, ...]) -> Counter[tuple[int, Component]]:
    result: Counter[tuple[int, Component]] = Counter()
    for part in parts:
        result[(part.number, part.component)] += part.amount.fen
    return result


def fen_by_fen(dues: list[Due], order: tuple[Component, ...], paid: int) -> Counter[tuple[int, Component]]:
    """An independent oracle: each fen goes to the bucket with the smallest (date, number, rank) that
    still has room. No running offsets, no skipping — just the definition of "oldest first"."""
    size = {(due.number, c): due.amount_of(c).fen for due in dues for c in Component}
    key = {(due.number, c): (due.due_date, due.number, order.index(c)) for due in dues for c in Component}
    filled: Counter[tuple[int, Component]] = Counter()
    for _ in range(paid):
        open_buckets = [bucket for bucket in size if filled[bucket] < size[bucket]]
        if not open_buckets:
            break
        filled[min(open_buckets, key=key.__getitem__)] += 1
    return filled


# ---- examples by hand ----------------------------------------------------------------------------------


def test_allocation_by_hand() -> None:
    # Instalment 1 asks 2.00 penalty + 5.00 fee + 10.00 interest + 1,000.00 principal = 1,017.00.
    # 1,020.00 fills it and puts the remaining 3.00 into instalment 2's fee (its penalty is zero).
    first = allocate(yuan("1020"), TWO)
    assert first.parts == (
        AllocatedPart(1, N, yuan("2")),
        AllocatedPart(1, F, yuan("5")),
        AllocatedPart(1, INT, yuan("10")),
        AllocatedPart(1, P, yuan("1000")),
        AllocatedPart(2, F, yuan("3")),
    )
    assert (first.penalty, first.fee, first.interest, first.principal) == (
        yuan("2"),
        yuan("8"),
        yuan("10"),
        yuan("1000"),
    )
    assert first.applied == yuan("1020")
    assert first.unapplied == Money(0)
    assert first.for_installment(2) == yuan("3")
    # Then 1,012.00 more: instalment 2 still lacks 2.00 fee + 5.00 interest + 1,000.00 principal =
    # 1,007.00, so 5.00 is left unapplied.
    second = allocate(yuan("1012"), TWO, already_paid=yuan("1020"))
    assert second.parts == (
        AllocatedPart(2, F, yuan("2")),
        AllocatedPart(2, INT, yuan("5")),
        AllocatedPart(2, P, yuan("1000")),
    )
    assert second.unapplied == yuan("5")
    assert second.amount == yuan("1012")


def test_a_configured_order_puts_principal_first() -> None:
    # Principal → interest → fee → penalty: 500.00 goes entirely to instalment 1's principal.
    order = (P, INT, F, N)
    paid = allocate(yuan("500"), TWO, order=order)
    assert paid.parts == (AllocatedPart(1, P, yuan("500")),)
    # 1,015.00 in all: 1,000.00 principal, 10.00 interest, 5.00 fee, and the 2.00 penalty still open.
    state = states(TWO, paid=yuan("1015"), order=order)[0]
    assert (state.principal_paid, state.interest_paid, state.fee_paid, state.penalty_paid) == (
        yuan("1000"),
        yuan("10"),
        yuan("5"),
        Money(0),
    )
    assert state.remaining == yuan("2")
    assert not state.settled


def test_states_owed_and_due_by_by_hand() -> None:
    # Paid 1,020.00 of 2,027.00 (1,017.00 + 1,010.00).
    first, second = states(TWO, paid=yuan("1020"))
    assert first.due is FIRST
    assert first.settled
    assert second.fee_paid == yuan("3")
    assert second.remaining == yuan("1007")
    assert owed(TWO, paid=yuan("1020")) == yuan("1007")  # 2,027.00 − 1,020.00
    assert due_by(TWO, paid=yuan("1020"), on=date(2024, 2, 28)) == Money(0)  # 1,017.00 due, all paid
    assert due_by(TWO, paid=yuan("1000"), on=date(2024, 2, 28)) == yuan("17")  # 1,017.00 − 1,000.00
    assert due_by(TWO, paid=yuan("1020"), on=date(2024, 2, 29)) == yuan("1007")
    assert owed(TWO, paid=yuan("5000")) == Money(0)  # an overpayment owes nothing
    assert outstanding_principal(TWO, paid=yuan("1020")) == yuan("1000")
    assert outstanding_principal(TWO, paid=yuan("1016")) == yuan("1001")  # 1,016 − 17 = 999 principal


def test_happiness_project_bullet_loan_days_past_due() -> None:
    # An interest-free 幸福工程 loan of 5,000.00, repaid in full at maturity on 30 June 2026.
    bullet = [Due(1, date(2026, 6, 30), principal=yuan("5000"), interest=Money(0), fee=Money(0))]
    assert days_past_due(bullet, paid=Money(0), as_of=date(2026, 6, 29)) == 0  # not yet due
    assert days_past_due(bullet, paid=Money(0), as_of=date(2026, 6, 30)) == 0  # due today
    assert days_past_due(bullet, paid=Money(0), as_of=date(2026, 7, 1)) == 1
    assert days_past_due(bullet, paid=yuan("4999.99"), as_of=date(2026, 7, 30)) == 30  # 1 fen short
    assert days_past_due(bullet, paid=yuan("3000"), as_of=date(2026, 7, 31)) == 31  # July has 31 days
    assert days_past_due(bullet, paid=yuan("5000"), as_of=date(2027, 1, 1)) == 0
    assert bucket_for(30) is AgeingBucket.DAYS_1_30
    assert bucket_for(31) is AgeingBucket.DAYS_31_60


def test_days_past_due_counts_from_the_oldest_unsettled_instalment() -> None:
    # 1,017.00 settles instalment 1, so on 15 March 2024 the oldest unsettled is instalment 2, due
    # 29 February: 29 Feb → 15 Mar is 15 days. One fen less and instalment 1 is open: 31 Jan → 15 Mar
    # is 44 days (29 in February + 15).
    assert days_past_due(TWO, paid=yuan("1017"), as_of=date(2024, 3, 15)) == 15
    assert days_past_due(TWO, paid=yuan("1016.99"), as_of=date(2024, 3, 15)) == 44


def test_zero_instalments_are_always_settled() -> None:
    grace = Due(1, date(2024, 1, 31), principal=Money(0), interest=Money(0), fee=Money(0))
    assert days_past_due([grace, SECOND], paid=Money(0), as_of=date(2024, 2, 15)) == 0
    assert allocate(yuan("1"), [grace, SECOND]).parts == (AllocatedPart(2, F, yuan("1")),)


def test_ageing_and_par30_by_hand() -> None:
    loans = [
        (yuan("5000"), 0),
        (yuan("3000"), 15),
        (yuan("2000"), 45),
        (yuan("4000"), 31),
        (yuan("1000"), 120),
    ]
    book = ageing(loans)
    lines = {line.bucket: (line.count, line.principal) for line in book.lines}
    assert lines == {
        AgeingBucket.CURRENT: (1, yuan("5000")),
        AgeingBucket.DAYS_1_30: (1, yuan("3000")),
        AgeingBucket.DAYS_31_60: (2, yuan("6000")),  # 2,000 + 4,000
        AgeingBucket.DAYS_61_90: (0, Money(0)),
        AgeingBucket.OVER_90: (1, yuan("1000")),
    }
    # PAR30 = (2,000 + 4,000 + 1,000) ÷ 15,000 = 7,000 ÷ 15,000 = 46.666… % → 46.67 %.
    assert book.par() == (yuan("7000"), yuan("15000"))
    assert book.par_ratio().percent == "46.67%"
    # PAR90 = 1,000 ÷ 15,000 = 6.67 %; PAR1 (days=0) = 10,000 ÷ 15,000.
    assert book.par(90) == (yuan("1000"), yuan("15000"))
    assert book.par(0) == (yuan("10000"), yuan("15000"))
    assert book.line(AgeingBucket.DAYS_31_60).count == 2
    assert (book.count, book.principal) == (5, yuan("15000"))


def test_an_empty_portfolio_has_an_undefined_par() -> None:
    book = ageing([])
    assert book.par() == (Money(0), Money(0))
    assert book.par_ratio().value is None
    assert all(line.count == 0 for line in book.lines)


@pytest.mark.parametrize(
    ("dpd", "bucket"),
    [
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
        (10_000, "90+"),
    ],
)
def test_bucket_edges(dpd: int, bucket: str) -> None:
    assert bucket_for(dpd) == AgeingBucket(bucket)
    found = bucket_for(dpd)
    assert found.lowest <= dpd
    assert found.highest is None or dpd <= found.highest


def test_labels_and_default_order() -> None:
    assert DEFAULT_ORDER == (N, F, INT, P)
    assert [b.label_zh for b in AgeingBucket] == [
        "未逾期",
        "逾期1–30天",
        "逾期31–60天",
        "逾期61–90天",
        "逾期90天以上",
    ]
    assert [c.label_zh for c in DEFAULT_ORDER] == ["罚息", "管理费", "利息", "本金"]
    assert FIRST.total == yuan("1017")


# ---- properties ----------------------------------------------------------------------------------------


@given(dues_strategy(), st.integers(0, 40_000), st.integers(1, 40_000), ORDERS)
def test_allocation_applies_exactly_the_payment_and_overfills_nothing(
    dues: list[Due], before: int, amount: int, order: tuple[Component, ...]
) -> None:
    result = allocate(Money(amount), dues, already_paid=Money(before), order=order)
    assert result.applied.fen <= amount
    assert result.applied + result.unapplied == Money(amount)
    assert all(part.amount.is_positive() for part in result.parts)
    assert result.principal + result.interest + result.fee + result.penalty == result.applied
    # No bucket receives more than the room left in it after the earlier payments.
    room = {
        (state.due.number, c): state.remaining_of(c).fen
        for state in states(dues, paid=Money(before), order=order)
        for c in Component
    }
    for bucket, fen in by_bucket(result.parts).items():
        assert fen <= room[bucket]
    # Money is left over only when every bucket is full.
    assert result.unapplied.fen == max(0, amount - max(0, grand_total(dues) - before))


@given(dues_strategy(), st.integers(0, 30_000), st.integers(1, 30_000), st.integers(1, 30_000), ORDERS)
def test_two_payments_allocate_as_one_payment_of_their_sum(
    dues: list[Due], before: int, a: int, b: int, order: tuple[Component, ...]
) -> None:
    first = allocate(Money(a), dues, already_paid=Money(before), order=order)
    second = allocate(Money(b), dues, already_paid=Money(before + a), order=order)
    both = allocate(Money(a + b), dues, already_paid=Money(before), order=order)
    assert by_bucket(first.parts) + by_bucket(second.parts) == by_bucket(both.parts)
    assert first.unapplied + second.unapplied == both.unapplied


@given(dues_strategy(max_component=60, max_size=4), st.integers(0, 1_200), ORDERS)
def test_states_match_the_fen_by_fen_definition(
    dues: list[Due], paid: int, order: tuple[Component, ...]
) -> None:
    expected = fen_by_fen(dues, order, paid)
    found = states(dues, paid=Money(paid), order=order)
    for state in found:
        for c in Component:
            assert state.paid_of(c).fen == expected[(state.due.number, c)]
    # and in waterfall order: by due date, then number
    assert [(s.due.due_date, s.due.number) for s in found] == sorted((d.due_date, d.number) for d in dues)
    if paid:
        assert by_bucket(allocate(Money(paid), dues, order=order).parts) == +expected


@given(dues_strategy(), st.integers(0, 40_000), st.integers(1, 40_000))
def test_owed_falls_by_exactly_what_is_applied(dues: list[Due], before: int, amount: int) -> None:
    result = allocate(Money(amount), dues, already_paid=Money(before))
    assert owed(dues, paid=Money(before)) - owed(dues, paid=Money(before + amount)) == result.applied


@given(dues_strategy(), st.integers(0, 40_000), st.integers(0, 500), ORDERS)
def test_due_by_and_states_agree(
    dues: list[Due], paid: int, offset: int, order: tuple[Component, ...]
) -> None:
    on = min(d.due_date for d in dues) + timedelta(days=offset - 100)
    found = states(dues, paid=Money(paid), order=order)
    assert Money.total(s.paid for s in found) == Money(min(paid, grand_total(dues)))
    assert Money.total(s.remaining for s in found) == owed(dues, paid=Money(paid))
    assert due_by(dues, paid=Money(paid), on=on) == Money.total(
        s.remaining for s in found if s.due.due_date <= on
    )
    assert due_by(dues, paid=Money(paid), on=on) <= owed(dues, paid=Money(paid))
    principal = Money.total(s.due.principal - s.principal_paid for s in found)
    assert outstanding_principal(dues, paid=Money(paid), order=order) == principal


@given(dues_strategy(), st.integers(0, 500), st.integers(0, 40_000))
def test_days_past_due_is_zero_once_everything_due_is_paid(dues: list[Due], offset: int, extra: int) -> None:
    as_of = min(d.due_date for d in dues) + timedelta(days=offset)
    due_total = sum(
        d.principal.fen + d.interest.fen + d.fee.fen + d.penalty.fen for d in dues if d.due_date <= as_of
    )
    assert days_past_due(dues, paid=Money(due_total + extra), as_of=as_of) == 0


@given(dues_strategy(), st.integers(0, 40_000), st.integers(0, 500), st.integers(1, 60), ORDERS)
def test_days_past_due_grows_by_one_a_day_while_unpaid(
    dues: list[Due], paid: int, offset: int, later: int, order: tuple[Component, ...]
) -> None:
    as_of = min(d.due_date for d in dues) + timedelta(days=offset)
    dpd = days_past_due(dues, paid=Money(paid), as_of=as_of, order=order)
    # Independent of the order of components: only whole instalments settle or not.
    assert dpd == days_past_due(dues, paid=Money(paid), as_of=as_of)
    # The oldest instalment due by as_of whose cumulative total the payments do not reach:
    running, oldest = 0, None
    for d in sorted(dues, key=lambda d: (d.due_date, d.number)):
        running += d.principal.fen + d.interest.fen + d.fee.fen + d.penalty.fen
        if running > paid:
            oldest = d
            break
    if oldest is not None and oldest.due_date <= as_of:
        assert dpd == (as_of - oldest.due_date).days
        # nothing is paid in between, so every later day adds one day past due
        assert days_past_due(dues, paid=Money(paid), as_of=as_of + timedelta(days=later)) == dpd + later
    else:
        assert dpd == 0


LOANS = st.lists(st.tuples(st.integers(0, 10_000_000).map(Money), st.integers(0, 400)), max_size=60)


@given(LOANS, st.integers(0, 400))
def test_ageing_buckets_partition_the_loans_and_par_is_a_proper_fraction(
    loans: list[tuple[Money, int]], days: int
) -> None:
    book = ageing(loans)
    lines = book.lines
    assert [line.bucket for line in lines] == list(AgeingBucket)
    assert sum(line.count for line in lines) == len(loans) == book.count
    assert Money.total(line.principal for line in lines) == Money.total(p for p, _ in loans) == book.principal
    for line in lines:
        top = 10**9 if line.bucket.highest is None else line.bucket.highest  # (CURRENT's highest is 0)
        members = [(p, d) for p, d in loans if line.bucket.lowest <= d <= top]
        assert line.count == len(members)
        assert line.principal == Money.total(p for p, _ in members)
    numerator, denominator = book.par(days)
    assert numerator <= denominator
    assert numerator == Money.total(p for p, d in loans if d > days)
    assert book.par(days + 1)[0] <= numerator


# ---- refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "error"),
    [(Money(0), InvalidAmount), (yuan("-1"), InvalidAmount), (100.0, MoneyTypeError), (100, MoneyTypeError)],
)
def test_a_payment_that_is_not_positive_money_is_refused(amount: object, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        allocate(amount, TWO)  # type: ignore[arg-type]
    assert caught.value.value == amount  # type: ignore[attr-defined]
    assert repr(amount) in str(caught.value)


def test_other_bad_input_is_refused() -> None:
    with pytest.raises(InvalidAmount) as negative:
        allocate(yuan("1"), TWO, already_paid=yuan("-1"))
    assert negative.value.value == yuan("-1")
    with pytest.raises(InvalidTerms) as order:
        allocate(yuan("1"), TWO, order=(P, INT, F))
    assert order.value.field == "order"
    assert "penalty" in str(order.value)
    with pytest.raises(InvalidTerms):
        allocate(yuan("1"), TWO, order=(P, INT, F, F))
    with pytest.raises(InvalidTerms) as twice:
        owed([FIRST, FIRST], paid=Money(0))
    assert twice.value.value == 1
    with pytest.raises(InvalidTerms):
        states([FIRST, "instalment"], paid=Money(0))  # type: ignore[list-item]
    with pytest.raises(InvalidDate) as as_of:
        days_past_due(TWO, paid=Money(0), as_of="2024-03-01")  # type: ignore[arg-type]
    assert as_of.value.value == "2024-03-01"


@pytest.mark.parametrize(
    ("changes", "error", "value"),
    [
        ({"principal": yuan("-1")}, InvalidAmount, yuan("-1")),
        ({"penalty": 2.0}, MoneyTypeError, 2.0),
        ({"number": -1}, InvalidTerms, -1),
        ({"due_date": "2024-01-31"}, InvalidDate, "2024-01-31"),
    ],
)
def test_a_malformed_due_is_refused(
    changes: dict[str, object], error: type[Exception], value: object
) -> None:
    fields: dict[str, object] = {
        "number": 1,
        "due_date": date(2024, 1, 31),
        "principal": yuan("1"),
        "interest": Money(0),
        "fee": Money(0),
    }
    with pytest.raises(error) as caught:
        Due(**{**fields, **changes})  # type: ignore[arg-type]
    assert caught.value.value == value  # type: ignore[attr-defined]


def test_ageing_refusals() -> None:
    with pytest.raises(InvalidTerms) as days:
        bucket_for(-1)
    assert days.value.value == -1
    assert "-1" in str(days.value)
    with pytest.raises(InvalidAmount) as negative:
        ageing([(yuan("-1"), 3)])
    assert negative.value.value == yuan("-1")
    with pytest.raises(InvalidTerms) as early:
        ageing([(yuan("1"), -3)])
    assert early.value.value == -3
    with pytest.raises(InvalidTerms) as repeated:
        Ageing(((5, 1, yuan("1")), (5, 1, yuan("1"))))
    assert repeated.value.value == 5
    with pytest.raises(InvalidTerms) as empty_row:
        Ageing(((5, 0, yuan("1")),))
    assert empty_row.value.field == "count"
    with pytest.raises(InvalidTerms) as threshold:
        ageing([]).par(-1)
    assert threshold.value.field == "days"


@given(dues_strategy(), st.integers(0, 40_000), st.integers(0, 500), ORDERS)
def test_days_past_due_is_the_oldest_instalment_the_states_leave_unsettled(
    dues: list[Due], paid: int, offset: int, order: tuple[Component, ...]
) -> None:
    # days_past_due reads the waterfall without building the states: it must say what they say
    as_of = min(d.due_date for d in dues) + timedelta(days=offset - 100)
    late = [s for s in states(dues, paid=Money(paid), order=order) if s.due.due_date <= as_of]
    unsettled = [s for s in late if not s.settled]
    expected = (as_of - unsettled[0].due.due_date).days if unsettled else 0
    assert days_past_due(dues, paid=Money(paid), as_of=as_of, order=order) == expected
