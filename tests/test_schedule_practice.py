"""Schedules as the programmes practise them (issue 13): a long first period's extra interest in the
first instalment, 等本等息 (flat interest), and interest grace (宽限期) waived or deferred."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from revolve.dates import Frequency, add_months
from revolve.money import yuan
from revolve.schedule import InterestMode, LoanTerms, RepaymentMethod, generate_schedule

EI = RepaymentMethod.EQUAL_INSTALLMENT
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


# ---- a long first period (broken period): its extra interest goes into the first instalment ----------


def mortgage_with_a_long_first_period() -> LoanTerms:
    return LoanTerms(
        principal=yuan(1_000_000),
        start=date(2024, 1, 15),
        term=360,
        method=EI,
        rate=Decimal("0.049"),
        interest_mode=InterestMode.DAILY,
        first_due=date(2024, 3, 1),
    )


def test_a_long_first_period_is_not_refused_and_its_extra_interest_is_in_the_first_instalment() -> None:
    # Regression: this loan was refused ("no level instalment repays this loan…"): 46 days' interest
    # (1,000,000 × 4.9 % × 46 / 360 = 6,261.11) exceeded the exact annuity's level.
    terms = mortgage_with_a_long_first_period()
    schedule = generate_schedule(terms)
    first, second = schedule.installments[:2]
    # The regular first period is 1 Feb → 1 Mar (29 days): its interest 1,000,000 × 0.049 × 29 / 360
    # = 3,947.22; the actual 46 days earn 6,261.11, so the extra is 2,313.89.
    assert first.interest == yuan("6261.11")
    assert first.total.fen - second.total.fen == yuan("6261.11").fen - yuan("3947.22").fen
    # The level is computed as if the first period were regular (1 Feb → 1 Mar), so every instalment
    # from the second to the last but one is that level.
    level = second.total
    assert {item.total for item in schedule.installments[1:-1]} == {level}
    assert schedule.total_principal == terms.principal


@PROPERTY_SETTINGS
@given(
    start=st.dates(date(2000, 1, 1), date(2035, 12, 31)),
    offset=st.integers(1, 120),
    term=st.integers(2, 360),
    basis_points=st.integers(0, 1500),
    principal_yuan=st.integers(1, 5_000_000),
    frequency_months=st.sampled_from([1, 3]),
)
def test_every_first_due_offset_gives_a_schedule_with_the_extra_interest_first(
    start: date, offset: int, term: int, basis_points: int, principal_yuan: int, frequency_months: int
) -> None:
    # The whole class: any start and first due date (short or long first period), any rate, any term.
    # up to 30 years; a level principal of at least ¥1 a period (room for the level, tests/strategies.py)
    # and rate × years ≤ 3.5: beyond about 4 (14 % over 30 years) a 31-day month's interest exceeds the
    # level on any daily-interest annuity, broken first period or not (docs/schedules.md, "Dates")
    term = min(term, 360 // frequency_months)
    if basis_points:
        term = min(term, max(2, 420_000 // (basis_points * frequency_months)))
    principal = yuan(max(principal_yuan, 3 * term * term // 100 + 1))
    terms = LoanTerms(
        principal=principal,
        start=start,
        term=term,
        method=EI,
        rate=Decimal(basis_points).scaleb(-4),
        interest_mode=InterestMode.DAILY,
        frequency=Frequency.every_months(frequency_months),
        first_due=start + timedelta(days=offset),
    )
    schedule = generate_schedule(terms)
    items = schedule.installments
    assert schedule.total_principal == principal
    assert all(item.principal.is_positive() for item in items)
    first_due = items[0].due_date
    regular_start = add_months(first_due, -frequency_months)
    rate = terms.rate
    if start < regular_start and term > 2:
        # the broken period's extra interest rides on the first instalment; the others are level
        actual = principal.fen * rate * (first_due - start).days / 360
        regular = principal.fen * rate * (first_due - regular_start).days / 360
        assert items[0].interest.fen == int(actual.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        extra = items[0].interest.fen - int(regular.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        assert items[0].total.fen == items[1].total.fen + extra
    if term > 2:
        assert {item.total for item in items[1:-1]} == {items[1].total}
