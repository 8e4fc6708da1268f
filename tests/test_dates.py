"""Tests of revolve.dates: day counts, frequencies, month arithmetic and due dates."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from revolve.dates import (
    BIWEEKLY,
    HALF_YEARLY,
    MONTHLY,
    QUARTERLY,
    WEEKLY,
    YEARLY,
    DayCount,
    Frequency,
    add_months,
    day_count_days,
    days_in_month,
    days_in_year,
    due_dates,
    due_dates_until,
    next_settlement_date,
    periods_per_year,
    year_fraction,
)
from revolve.errors import InvalidTerms
from strategies import calendar_dates, frequencies

# ---- month arithmetic: clipped to the month end, checked against dateutil ---------------------------


def test_month_end_clipping_from_31_january() -> None:
    # The rule: 31 Jan + 1 month = 29 Feb in 2024, + 2 months = 31 Mar.
    start = date(2024, 1, 31)
    assert add_months(start, 1) == date(2024, 2, 29)
    assert add_months(start, 2) == date(2024, 3, 31)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 15), 13) == date(2025, 2, 15)
    assert add_months(date(2024, 1, 15), 1, day=31) == date(2024, 2, 29)


@settings(max_examples=400)
@given(
    calendar_dates(1900, 2200),
    st.integers(-600, 600),
    st.one_of(st.none(), st.integers(1, 31)),
)
def test_add_months_agrees_with_relativedelta(start: date, months: int, day: int | None) -> None:
    assert add_months(start, months, day=day) == start + relativedelta(months=months, day=day)


def test_days_in_month() -> None:
    assert [days_in_month(2024, m) for m in range(1, 13)] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert days_in_month(2023, 2) == 28
    assert days_in_month(1900, 2) == 28
    assert days_in_month(2000, 2) == 29


# ---- due dates -------------------------------------------------------------------------------------


def test_due_dates_are_anchored_never_chained() -> None:
    # Chaining would give 29 Feb → 29 Mar → 29 Apr; anchoring on 31 Jan gives the month ends.
    assert due_dates(date(2024, 1, 31), MONTHLY, 5) == (
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 30),
    )


def test_quarterly_half_yearly_and_yearly_dates() -> None:
    assert due_dates(date(2023, 11, 30), QUARTERLY, 4) == (
        date(2024, 2, 29),
        date(2024, 5, 30),
        date(2024, 8, 30),
        date(2024, 11, 30),
    )
    assert due_dates(date(2024, 8, 31), HALF_YEARLY, 2) == (date(2025, 2, 28), date(2025, 8, 31))
    # A loan made on 29 February falls due on 28 February in common years and 29 February in 2028.
    assert due_dates(date(2024, 2, 29), YEARLY, 4) == (
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    )
    assert due_dates(date(2024, 1, 10), Frequency.every_months(2), 3) == (
        date(2024, 3, 10),
        date(2024, 5, 10),
        date(2024, 7, 10),
    )


def test_day_based_frequencies() -> None:
    start = date(2024, 2, 26)
    assert due_dates(start, WEEKLY, 2) == (date(2024, 3, 4), date(2024, 3, 11))
    assert due_dates(start, BIWEEKLY, 2) == (date(2024, 3, 11), date(2024, 3, 25))
    assert due_dates(start, Frequency.every_days(10), 3) == (
        date(2024, 3, 7),
        date(2024, 3, 17),
        date(2024, 3, 27),
    )
    assert due_dates(start, WEEKLY, 2, first_due=date(2024, 3, 1)) == (date(2024, 3, 1), date(2024, 3, 8))


def test_a_fixed_day_of_month() -> None:
    # Disbursed 25 January, repaid on the 20th: the first period is short (26 days).
    assert due_dates(date(2024, 1, 25), MONTHLY, 3, day_of_month=20) == (
        date(2024, 2, 20),
        date(2024, 3, 20),
        date(2024, 4, 20),
    )
    # 31 means the last day of every month.
    assert due_dates(date(2024, 1, 10), MONTHLY, 3, day_of_month=31) == (
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    )


def test_a_first_repayment_date_anchors_the_rest() -> None:
    # First repayment 30 April; later dates are 30 April + k months, clipped, never chained.
    assert due_dates(date(2024, 3, 10), MONTHLY, 4, first_due=date(2024, 4, 30)) == (
        date(2024, 4, 30),
        date(2024, 5, 30),
        date(2024, 6, 30),
        date(2024, 7, 30),
    )
    assert due_dates(date(2024, 1, 5), MONTHLY, 3, first_due=date(2024, 1, 31)) == (
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
    )
    assert due_dates(date(2024, 1, 5), QUARTERLY, 3, first_due=date(2024, 3, 20), day_of_month=20) == (
        date(2024, 3, 20),
        date(2024, 6, 20),
        date(2024, 9, 20),
    )
    assert due_dates(date(2024, 1, 5), MONTHLY, 1, first_due=date(2024, 2, 1)) == (date(2024, 2, 1),)


@settings(max_examples=300)
@given(
    calendar_dates(),
    frequencies(),
    st.integers(1, 120),
    st.data(),
)
def test_due_dates_strictly_increase_after_the_anchor(
    anchor: date, frequency: Frequency, count: int, data: st.DataObject
) -> None:
    first_due = data.draw(st.one_of(st.none(), st.integers(1, 400).map(lambda d: anchor + timedelta(days=d))))
    day = data.draw(st.one_of(st.none(), st.integers(1, 31))) if frequency.months else None
    dates = due_dates(anchor, frequency, count, first_due=first_due, day_of_month=day)
    assert len(dates) == count
    assert dates[0] > anchor
    assert all(a < b for a, b in itertools.pairwise(dates))
    if first_due is not None:
        assert dates[0] == first_due
    # Never chained: each date is computed from the anchor (or the first repayment date) by dateutil.
    base, offset = (anchor, 1) if first_due is None else (first_due, 0)
    if frequency.months and (first_due is None or count > 1):
        day_rule = day if day is not None else base.day
        for k, due in enumerate(dates):
            if first_due is not None and k == 0:
                continue
            assert due == base + relativedelta(months=(k + offset) * frequency.months, day=day_rule)
    elif frequency.days:
        assert dates == tuple(base + timedelta(days=(k + offset) * frequency.days) for k in range(count))


def test_due_dates_until_a_contract_maturity() -> None:
    # A fixed day of month puts the first due date in the month after the start: 20 June, 20 July, then
    # the contract maturity 15 August.
    assert due_dates_until(date(2024, 5, 15), date(2024, 8, 15), MONTHLY, day_of_month=20) == (
        date(2024, 6, 20),
        date(2024, 7, 20),
        date(2024, 8, 15),
    )
    # A bank's 按月结息 settles on every 20th, the first one five days after a 15 May disbursement.
    monthly_20th = next_settlement_date(date(2024, 5, 15), months=tuple(range(1, 13)))
    assert due_dates_until(date(2024, 5, 15), date(2024, 8, 15), MONTHLY, first_due=monthly_20th) == (
        date(2024, 5, 20),
        date(2024, 6, 20),
        date(2024, 7, 20),
        date(2024, 8, 15),
    )
    assert due_dates_until(date(2024, 5, 15), date(2024, 6, 1), MONTHLY) == (date(2024, 6, 1),)
    assert due_dates_until(date(2024, 1, 1), date(2024, 1, 20), WEEKLY) == (
        date(2024, 1, 8),
        date(2024, 1, 15),
        date(2024, 1, 20),
    )
    # A settlement falling on the maturity date is not repeated.
    assert due_dates_until(date(2024, 1, 31), date(2024, 3, 31), MONTHLY) == (
        date(2024, 2, 29),
        date(2024, 3, 31),
    )
    assert due_dates_until(date(2024, 1, 1), date(2024, 2, 1), MONTHLY, first_due=date(2024, 3, 1)) == (
        date(2024, 2, 1),
    )


def test_next_quarterly_settlement_date() -> None:
    # 按季结息: the 20th of March, June, September and December.
    assert next_settlement_date(date(2024, 5, 15)) == date(2024, 6, 20)
    assert next_settlement_date(date(2024, 6, 20)) == date(2024, 9, 20)
    assert next_settlement_date(date(2024, 6, 19)) == date(2024, 6, 20)
    assert next_settlement_date(date(2024, 12, 25)) == date(2025, 3, 20)
    assert next_settlement_date(date(2024, 1, 25), months=tuple(range(1, 13))) == date(2024, 2, 20)
    assert next_settlement_date(date(2024, 2, 10), months=(2,), day=31) == date(2024, 2, 29)


# ---- day counts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "act", "thirty"),
    [
        (date(2024, 1, 1), date(2024, 2, 1), 31, 30),
        (date(2024, 1, 31), date(2024, 2, 29), 29, 29),  # D1 31 → 30; D2 29: 30 − 30 + 29 = 29
        (date(2024, 1, 30), date(2024, 3, 31), 61, 60),  # D1 30, so D2 31 → 30
        (date(2024, 2, 28), date(2024, 3, 31), 32, 33),  # D1 28, so D2 stays 31
        (date(2024, 3, 1), date(2024, 3, 2), 1, 1),  # 算头不算尾: one day
        (date(2024, 1, 30), date(2024, 1, 31), 1, 0),  # the 30th and 31st count alike under 30/360
        (date(2024, 1, 1), date(2025, 1, 1), 366, 360),
        (date(2024, 5, 15), date(2025, 5, 15), 365, 360),
    ],
)
def test_day_counts(start: date, end: date, act: int, thirty: int) -> None:
    assert day_count_days(start, end, DayCount.ACT_360) == act
    assert day_count_days(start, end, DayCount.ACT_365_FIXED) == act
    assert day_count_days(start, end, DayCount.THIRTY_360) == thirty


def test_year_fractions_and_years() -> None:
    assert days_in_year(DayCount.ACT_360) == days_in_year(DayCount.THIRTY_360) == 360
    assert days_in_year(DayCount.ACT_365_FIXED) == 365
    leap = (date(2024, 1, 1), date(2025, 1, 1))
    assert year_fraction(*leap, DayCount.ACT_365_FIXED) == Fraction(366, 365)
    assert year_fraction(*leap, DayCount.ACT_360) == Fraction(366, 360)
    assert year_fraction(*leap, DayCount.THIRTY_360) == 1
    assert day_count_days(date(2024, 2, 1), date(2024, 1, 1), DayCount.ACT_360) == -31


def test_periods_per_year() -> None:
    assert periods_per_year(MONTHLY) == 12
    assert periods_per_year(QUARTERLY) == 4
    assert periods_per_year(HALF_YEARLY) == 2
    assert periods_per_year(YEARLY) == 1
    assert periods_per_year(Frequency.every_months(5)) == Fraction(12, 5)
    assert periods_per_year(WEEKLY) == Fraction(360, 7)
    assert periods_per_year(WEEKLY, DayCount.ACT_365_FIXED) == Fraction(365, 7)
    assert periods_per_year(BIWEEKLY, DayCount.ACT_365_FIXED) == Fraction(365, 14)


def test_frequency_names() -> None:
    assert [str(f) for f in (WEEKLY, BIWEEKLY, MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY)] == [
        "weekly",
        "biweekly",
        "monthly",
        "quarterly",
        "half-yearly",
        "yearly",
    ]
    assert str(Frequency.every_months(2)) == "every 2 months"
    assert str(Frequency.every_days(10)) == "every 10 days"
    assert MONTHLY.is_monthly_based
    assert not WEEKLY.is_monthly_based


# ---- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "days"),
    [(0, 0), (1, 7), (-1, 0), (0, -7), (1.0, 0), (True, 0)],
)
def test_bad_frequencies_are_refused(months: object, days: object) -> None:
    with pytest.raises(InvalidTerms) as caught:
        Frequency(months=months, days=days)  # type: ignore[arg-type]
    assert caught.value.field == "frequency"


@pytest.mark.parametrize(
    ("call", "field", "value"),
    [
        (lambda: due_dates(date(2024, 1, 1), MONTHLY, 0), "term", 0),
        (lambda: due_dates(date(2024, 1, 1), MONTHLY, 2.0), "term", 2.0),  # type: ignore[arg-type]
        (
            lambda: due_dates(date(2024, 1, 1), MONTHLY, 2, first_due=date(2024, 1, 1)),
            "first_due",
            date(2024, 1, 1),
        ),
        (lambda: due_dates(date(2024, 1, 1), MONTHLY, 2, day_of_month=0), "day_of_month", 0),
        (lambda: due_dates(date(2024, 1, 1), MONTHLY, 2, day_of_month=32), "day_of_month", 32),
        (lambda: due_dates(date(2024, 1, 1), WEEKLY, 2, day_of_month=20), "day_of_month", 20),
        (
            lambda: due_dates(datetime(2024, 1, 1, tzinfo=UTC), MONTHLY, 2),
            "start",
            datetime(2024, 1, 1, tzinfo=UTC),
        ),
        (lambda: due_dates(date(9999, 1, 1), YEARLY, 2), "term", 2),
        (lambda: due_dates(date(9999, 12, 1), WEEKLY, 10), "term", 10),
        (lambda: add_months(date(2024, 1, 1), 1, day=0), "day_of_month", 0),
        (lambda: add_months(date(9999, 12, 1), 1), "months", 1),
        (lambda: due_dates_until(date(2024, 1, 1), date(2024, 1, 1), MONTHLY), "maturity", date(2024, 1, 1)),
        (lambda: next_settlement_date(date(2024, 1, 1), months=(13,)), "months", (13,)),
        (lambda: next_settlement_date(date(2024, 1, 1), months=()), "months", ()),
    ],
)
def test_bad_date_arguments_are_refused(call: object, field: str, value: object) -> None:
    with pytest.raises(InvalidTerms) as caught:
        call()  # type: ignore[operator]
    assert (caught.value.field, caught.value.value) == (field, value)
