"""Tests of revolve.schedule: properties over random terms, hand-checked figures, refusals, rescheduling,
and the layering rule (the schedule core imports nothing from the shell)."""

from __future__ import annotations

import ast
import itertools
import sys
from collections.abc import Callable
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings

from revolve.dates import (
    QUARTERLY,
    WEEKLY,
    YEARLY,
    DayCount,
    Frequency,
    add_months,
    due_dates_until,
    next_settlement_date,
)
from revolve.errors import InvalidRate, InvalidTerms, MoneyTypeError
from revolve.money import Money, yuan
from revolve.schedule import (
    FeeTiming,
    InterestMode,
    LoanTerms,
    PrepaymentOption,
    RatePeriod,
    RepaymentMethod,
    Schedule,
    generate_schedule,
    reschedule_after_prepayment,
    reschedule_extension,
)
from strategies import loan_terms

EI = RepaymentMethod.EQUAL_INSTALLMENT
EP = RepaymentMethod.EQUAL_PRINCIPAL
IO = RepaymentMethod.INTEREST_ONLY
BULLET = RepaymentMethod.BULLET
CUSTOM = RepaymentMethod.CUSTOM


def fen_column(schedule: Schedule, name: str) -> list[int]:
    return [getattr(item, name).fen for item in schedule.installments]


def totals(schedule: Schedule) -> list[int]:
    return [item.total.fen for item in schedule.installments]


# ---- properties over random terms of every method ---------------------------------------------------

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)


@PROPERTY_SETTINGS
@given(loan_terms())
def test_principal_sums_exactly_and_balance_falls_to_zero(terms: LoanTerms) -> None:
    schedule = generate_schedule(terms)
    principal = fen_column(schedule, "principal")
    assert sum(principal) == terms.principal.fen
    assert schedule.total_principal == terms.principal
    balances = fen_column(schedule, "balance_after")
    assert balances[-1] == 0
    running = terms.principal.fen
    for part, balance in zip(principal, balances, strict=True):
        running -= part
        assert balance == running


@PROPERTY_SETTINGS
@given(loan_terms())
def test_due_dates_strictly_increase_after_the_start(terms: LoanTerms) -> None:
    schedule = generate_schedule(terms)
    dates = [item.due_date for item in schedule.installments]
    assert dates[0] > terms.start
    assert all(a < b for a, b in itertools.pairwise(dates))
    assert [item.number for item in schedule.installments] == list(range(1, len(dates) + 1))
    assert schedule.maturity_date == dates[-1] == terms.period_end_dates()[-1]
    expected_count = 1 if terms.method is BULLET else terms.term
    assert len(schedule.installments) == expected_count


@PROPERTY_SETTINGS
@given(loan_terms())
def test_no_amount_is_negative(terms: LoanTerms) -> None:
    schedule = generate_schedule(terms)
    for item in schedule.installments:
        for amount in (item.principal, item.interest, item.fee, item.total, item.balance_after):
            assert amount.fen >= 0
    assert schedule.upfront_fee.fen >= 0


@PROPERTY_SETTINGS
@given(loan_terms((RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL)))
def test_no_amortising_instalment_repays_nothing(terms: LoanTerms) -> None:
    # the grace periods pay interest only (nothing at 0 %); every instalment after them repays principal
    schedule = generate_schedule(terms)
    for item in schedule.installments[terms.grace_periods :]:
        assert item.principal.is_positive(), item


@pytest.mark.parametrize(
    ("method", "multiple", "rate"),
    [
        (RepaymentMethod.EQUAL_PRINCIPAL, Money(1000), Decimal("0.049")),
        (RepaymentMethod.EQUAL_INSTALLMENT, Money(10000), Decimal(0)),
    ],
)
def test_rounding_to_a_multiple_never_leaves_a_zero_last_instalment(
    method: RepaymentMethod, multiple: Money, rate: Decimal
) -> None:
    # ¥3,500 over 36 months: ¥100 of principal (or ¥100 a month at 0 %) would repay it in 35
    terms = LoanTerms(
        principal=Money(350_000), start=date(2024, 1, 1), term=36, method=method, rate=rate,
        installment_multiple=multiple,
    )  # fmt: skip
    if method is RepaymentMethod.EQUAL_INSTALLMENT:
        # ¥100 a month repays it in 35 months and no other multiple of ¥100 repays it in 36: refused
        with pytest.raises(InvalidTerms, match="installment_multiple"):
            generate_schedule(terms)
        return
    schedule = generate_schedule(terms)
    assert len(schedule.installments) == 36
    assert schedule.installments[-1].principal.is_positive()


@PROPERTY_SETTINGS
@given(loan_terms())
def test_totals_add_up(terms: LoanTerms) -> None:
    schedule = generate_schedule(terms)
    assert schedule.total_interest.fen == sum(fen_column(schedule, "interest"))
    assert schedule.total_fee.fen == sum(fen_column(schedule, "fee")) + schedule.upfront_fee.fen
    assert schedule.total.fen == sum(totals(schedule)) + schedule.upfront_fee.fen
    if terms.fee_timing is FeeTiming.UPFRONT or not terms.fee_rate:
        assert all(item.fee.is_zero() for item in schedule.installments)
    if terms.fee_timing is FeeTiming.PER_PERIOD:
        assert schedule.upfront_fee.is_zero()


@PROPERTY_SETTINGS
@given(loan_terms())
def test_zero_rate_means_zero_interest_everywhere(terms: LoanTerms) -> None:
    schedule = generate_schedule(replace(terms, rate=Decimal(0)))
    assert all(item.interest.is_zero() for item in schedule.installments)
    assert schedule.total_interest.is_zero()


def has_broken_first_period(terms: LoanTerms) -> bool:
    """Daily interest, no grace, and a start earlier than one period before the first due date."""
    if terms.interest_mode is not InterestMode.DAILY or terms.grace_periods or terms.term < 2:
        return False
    first = terms.period_end_dates()[0]
    frequency = terms.frequency
    if frequency.months:
        regular_start = add_months(first, -frequency.months, day=terms.day_of_month)
    else:
        regular_start = first - timedelta(days=frequency.days)
    return terms.start < regular_start


@PROPERTY_SETTINGS
@given(loan_terms(methods=(EI,), level_room=True))
def test_equal_installment_totals_are_level_but_the_last(terms: LoanTerms) -> None:
    schedule = generate_schedule(terms)
    # Grace periods pay interest only; the level instalments start after them.
    amortising = totals(schedule)[terms.grace_periods :]
    if has_broken_first_period(terms) and len(amortising) > 1:
        # a long first period: the first instalment is the level plus the broken period's extra interest
        amortising = amortising[1:]
    level = amortising[0]
    assert all(total == level for total in amortising[:-1])
    unit = terms.installment_multiple.fen if terms.installment_multiple else 1
    # The last differs by less than one unit (a fen, or the multiple) per instalment.
    assert abs(amortising[-1] - level) < len(amortising) * unit
    if terms.installment_multiple:
        assert len(amortising) == 1 or level % unit == 0


@PROPERTY_SETTINGS
@given(loan_terms(methods=(EP,)))
def test_equal_principal_parts_differ_by_at_most_a_fen_but_the_last(terms: LoanTerms) -> None:
    schedule = generate_schedule(terms)
    parts = fen_column(schedule, "principal")
    assert parts[: terms.grace_periods] == [0] * terms.grace_periods
    amortising = parts[terms.grace_periods : -1]
    if amortising:
        assert max(amortising) - min(amortising) <= 1
        assert parts[-1] >= 0


@PROPERTY_SETTINGS
@given(loan_terms(methods=(IO, BULLET)))
def test_interest_only_and_bullet_repay_principal_at_maturity(terms: LoanTerms) -> None:
    schedule = generate_schedule(terms)
    assert fen_column(schedule, "principal") == [0] * (len(schedule.installments) - 1) + [terms.principal.fen]


@PROPERTY_SETTINGS
@given(loan_terms())
def test_generation_is_deterministic_and_values_are_frozen(terms: LoanTerms) -> None:
    first, second = generate_schedule(terms), generate_schedule(terms)
    assert first == second
    with pytest.raises(FrozenInstanceError):
        first.installments[0].principal = Money(1)  # type: ignore[misc]


def test_tiny_equal_installment_loans_still_sum_exactly() -> None:
    # ¥0.51 over 21 periods of 37 days at 12.17 %: interest rounding is as large as the instalment, so
    # the last instalment cannot stay within 21 fen of the others; the schedule is still exact.
    terms = LoanTerms(
        principal=Money(51),
        start=date(2000, 1, 1),
        term=21,
        method=EI,
        rate=Decimal("0.1217"),
        frequency=Frequency.every_days(37),
    )
    schedule = generate_schedule(terms)
    assert schedule.total_principal == Money(51)
    assert all(item.principal.fen >= 0 for item in schedule.installments)


@pytest.mark.parametrize("method", [EI, EP])
def test_a_level_that_would_overpay_a_tiny_loan_is_rounded_down(method: RepaymentMethod) -> None:
    # 13 fen over 8 periods interest-free: 13/8 = 1.625 → 2 fen, but 7 × 2 = 14 > 13 would repay the loan
    # before the last period. The level is 1 fen instead and the last instalment takes 13 − 7 = 6.
    terms = LoanTerms(principal=Money(13), start=date(2024, 1, 1), term=8, method=method)
    assert [item.principal.fen for item in generate_schedule(terms).installments] == [1] * 7 + [6]


def test_zero_day_periods_under_30_360_accrue_nothing() -> None:
    # Regression: 30 → 31 January is 0 days under 30/360; the annuity must not divide by zero.
    terms = LoanTerms(
        principal=Money(300),
        start=date(2000, 1, 30),
        term=1,
        method=EI,
        rate=Decimal("0.0001"),
        interest_mode=InterestMode.DAILY,
        day_count=DayCount.THIRTY_360,
        first_due=date(2000, 1, 31),
        frequency=WEEKLY,
    )
    (only,) = generate_schedule(terms).installments
    assert (only.principal, only.interest) == (Money(300), Money(0))


# ---- published and hand-checked figures --------------------------------------------------------------
# Every expected figure below is worked out by hand (with a calculator) in the comment beside it; none is
# copied from the library's output.


def mortgage(method: RepaymentMethod) -> Schedule:
    return generate_schedule(
        LoanTerms(
            principal=yuan("1000000"),
            start=date(2024, 1, 15),
            term=360,
            method=method,
            rate=Decimal("0.049"),
        )
    )


def test_published_30_year_equal_installment_mortgage() -> None:
    # Published: ¥1,000,000 over 30 years at 4.9 %, 等额本息 → ¥5,307.27 a month.
    # i = 0.049/12 = 0.0040833…; (1+i)^360 = 4.3345…;
    # M = P·i·(1+i)^360 / ((1+i)^360 − 1) = 5,307.2672 → 5,307.27.
    # Month 1: interest 1,000,000 × i = 4,083.333 → 4,083.33; principal 5,307.27 − 4,083.33 = 1,223.94.
    schedule = mortgage(EI)
    assert {item.total for item in schedule.installments[:-1]} == {yuan("5307.27")}
    first = schedule.installments[0]
    assert (first.interest, first.principal) == (yuan("4083.33"), yuan("1223.94"))
    assert first.balance_after == yuan("998776.06")
    assert schedule.maturity_date == date(2054, 1, 15)


def test_published_30_year_equal_principal_mortgage() -> None:
    # Published: the same loan 等额本金 → first month principal ¥2,777.78 and interest ¥4,083.33.
    # 1,000,000 / 360 = 2,777.777… → 2,777.78; 1,000,000 × 0.049/12 = 4,083.333… → 4,083.33.
    # Month 2: (1,000,000 − 2,777.78) × 0.049/12 = 997,222.22 × 0.0040833… = 4,071.9907 → 4,071.99
    # (the published "每月递减 11.34": 2,777.78 × 0.0040833… = 11.34).
    # Last month: principal 1,000,000 − 359 × 2,777.78 = 2,776.98.
    schedule = mortgage(EP)
    first, second = schedule.installments[:2]
    assert (first.principal, first.interest) == (yuan("2777.78"), yuan("4083.33"))
    assert first.total == yuan("6861.11")
    assert (second.principal, second.interest) == (yuan("2777.78"), yuan("4071.99"))
    assert schedule.installments[-1].principal == yuan("2776.98")


def test_twelve_month_equal_installment_textbook_example() -> None:
    # ¥10,000 over 12 months at 6 %: i = 0.005, 1.005^12 = 1.0616778, M = 50 × 1.0616778 / 0.0616778
    # = 860.664 → 860.66. Month 1: interest 50.00, principal 810.66, balance 9,189.34.
    # Month 2: 9,189.34 × 0.005 = 45.9467 → 45.95, principal 814.71.
    terms = LoanTerms(
        principal=yuan("10000"), start=date(2024, 1, 31), term=12, method=EI, rate=Decimal("0.06")
    )
    schedule = generate_schedule(terms)
    first, second = schedule.installments[:2]
    assert (first.total, first.interest, first.principal) == (yuan("860.66"), yuan("50.00"), yuan("810.66"))
    assert first.balance_after == yuan("9189.34")
    assert (second.interest, second.principal) == (yuan("45.95"), yuan("814.71"))
    # Due dates from 31 January, never chained: 29 Feb, 31 Mar, 30 Apr … 31 Jan 2025.
    assert [item.due_date for item in schedule.installments[:3]] == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]
    assert schedule.maturity_date == date(2025, 1, 31)


def test_a_monthly_rate_is_twelve_times_smaller() -> None:
    # 月息 5 厘 (0.5 % a month) is 6 % a year: the same schedule as the textbook example.
    annual = LoanTerms(
        principal=yuan("10000"), start=date(2024, 1, 31), term=12, method=EI, rate=Decimal("0.06")
    )
    monthly = replace(annual, rate=Decimal("0.005"), rate_period=RatePeriod.MONTHLY)
    assert generate_schedule(monthly).installments == generate_schedule(annual).installments


def test_bank_interest_only_monthly_example() -> None:
    # Published: ¥100,000 for a year at 4.35 %, 按月付息到期还本 → ¥362.50 interest a month
    # (100,000 × 4.35 % / 12 = 362.5); the last month also repays the ¥100,000.
    terms = LoanTerms(
        principal=yuan("100000"), start=date(2024, 1, 1), term=12, method=IO, rate=Decimal("0.0435")
    )
    schedule = generate_schedule(terms)
    assert {item.interest for item in schedule.installments} == {yuan("362.50")}
    assert schedule.installments[-1].total == yuan("100362.50")
    assert schedule.total_interest == yuan("4350.00")


def test_interest_only_with_daily_interest_follows_the_calendar() -> None:
    # The same loan with interest accrued daily on ACT/360 (日利率 = 年利率/360):
    # January 31 days: 100,000 × 0.0435 × 31/360 = 374.583 → 374.58; February 2024 29 days → 350.417 →
    # 350.42; April 30 days → 362.50.
    terms = LoanTerms(
        principal=yuan("100000"),
        start=date(2024, 1, 1),
        term=12,
        method=IO,
        rate=Decimal("0.0435"),
        interest_mode=InterestMode.DAILY,
    )
    interest = [item.interest for item in generate_schedule(terms).installments]
    assert interest[:4] == [yuan("374.58"), yuan("350.42"), yuan("374.58"), yuan("362.50")]


def test_quarterly_settlement_on_the_20th_with_a_contract_maturity() -> None:
    # 按季结息: interest settles on 20 March/June/September/December; principal on the contract date.
    # ¥100,000 at 4.35 % from 15 May 2024 to 15 May 2025, ACT/360, 算头不算尾:
    #   15 May → 20 Jun  36 days: 100,000 × 0.0435 × 36/360 =   435.00
    #   20 Jun → 20 Sep  92 days:                               1,111.67 (1,111.667)
    #   20 Sep → 20 Dec  91 days:                               1,099.58 (1,099.583)
    #   20 Dec → 20 Mar  90 days:                               1,087.50
    #   20 Mar → 15 May  56 days:                                 676.67 (676.667)   — 365 days in all.
    start = date(2024, 5, 15)
    dates = due_dates_until(
        start, date(2025, 5, 15), QUARTERLY, first_due=next_settlement_date(start), day_of_month=20
    )
    terms = LoanTerms(
        principal=yuan("100000"),
        start=start,
        term=len(dates),
        method=IO,
        rate=Decimal("0.0435"),
        frequency=QUARTERLY,
        interest_mode=InterestMode.DAILY,
        due_dates=dates,
    )
    schedule = generate_schedule(terms)
    assert [item.due_date for item in schedule.installments] == [
        date(2024, 6, 20),
        date(2024, 9, 20),
        date(2024, 12, 20),
        date(2025, 3, 20),
        date(2025, 5, 15),
    ]
    assert [item.interest for item in schedule.installments] == [
        yuan("435.00"),
        yuan("1111.67"),
        yuan("1099.58"),
        yuan("1087.50"),
        yuan("676.67"),
    ]
    assert schedule.installments[-1].principal == yuan("100000")


def test_interest_free_happiness_project_bullet_with_management_fee() -> None:
    # 幸福工程 (南丰): ¥10,000, interest-free, three years, repaid in one sum at maturity.
    # A 3 % a year 管理费 (the 2006 national description) up front: 10,000 × 3 % × 3 = 900.00.
    terms = LoanTerms(principal=yuan("10000"), start=date(2024, 3, 1), term=3, frequency=YEARLY)
    (only,) = generate_schedule(terms).installments
    assert (only.due_date, only.principal, only.interest, only.total) == (
        date(2027, 3, 1),
        yuan("10000"),
        Money(0),
        yuan("10000"),
    )
    upfront = generate_schedule(replace(terms, fee_rate=Decimal("0.03"), fee_timing=FeeTiming.UPFRONT))
    assert upfront.upfront_fee == yuan("900")
    assert upfront.installments[0].fee == Money(0)
    assert upfront.total == yuan("10900")
    at_maturity = generate_schedule(replace(terms, fee_rate=Decimal("0.03")))
    assert at_maturity.installments[0].fee == yuan("900")
    assert at_maturity.upfront_fee == Money(0)


def test_subsidised_bank_bullet_loan() -> None:
    # 店下镇 2017: ¥20,000 for a year at 7.872 %, 利随本清.
    # Per period (one year): 20,000 × 0.07872 = 1,574.40.
    # Daily, ACT/360, 1 Mar 2017 → 1 Mar 2018 = 365 days: 20,000 × 0.07872 × 365/360 = 1,596.267 → 1,596.27.
    # Daily, ACT/365F: 20,000 × 0.07872 × 365/365 = 1,574.40.
    terms = LoanTerms(
        principal=yuan("20000"), start=date(2017, 3, 1), term=1, frequency=YEARLY, rate=Decimal("0.07872")
    )
    assert generate_schedule(terms).total_interest == yuan("1574.40")
    daily = replace(terms, interest_mode=InterestMode.DAILY)
    assert generate_schedule(daily).total_interest == yuan("1596.27")
    assert generate_schedule(replace(daily, day_count=DayCount.ACT_365_FIXED)).total_interest == yuan(
        "1574.40"
    )


def test_a_longer_first_period_earns_its_days_in_the_daily_mode() -> None:
    # ¥10,000 at 3.6 % ACT/360 is ¥1.00 a day. Disbursed 10 January 2024, due on the 20th of each month:
    # the first period runs 10 Jan → 20 Feb, 41 days → 41.00; the second 20 Feb → 20 Mar, 29 days → 29.00.
    terms = LoanTerms(
        principal=yuan("10000"),
        start=date(2024, 1, 10),
        term=3,
        method=IO,
        rate=Decimal("0.036"),
        interest_mode=InterestMode.DAILY,
        day_of_month=20,
    )
    schedule = generate_schedule(terms)
    assert [(item.due_date, item.interest) for item in schedule.installments] == [
        (date(2024, 2, 20), yuan("41.00")),
        (date(2024, 3, 20), yuan("29.00")),
        (date(2024, 4, 20), yuan("31.00")),
    ]


def test_principal_grace_then_annuity_over_the_remaining_periods() -> None:
    # ¥10,000, 12 months at 6 %, 3 months' grace: interest only (10,000 × 0.005 = 50.00) for 3 months,
    # then the annuity over 9: 50 × 1.005^9 / (1.005^9 − 1) = 50 × 1.0459106 / 0.0459106 = 1,139.07.
    terms = LoanTerms(
        principal=yuan("10000"),
        start=date(2024, 1, 15),
        term=12,
        method=EI,
        rate=Decimal("0.06"),
        grace_periods=3,
    )
    schedule = generate_schedule(terms)
    for item in schedule.installments[:3]:
        assert (item.principal, item.interest, item.balance_after) == (Money(0), yuan("50"), yuan("10000"))
    assert {item.total for item in schedule.installments[3:-1]} == {yuan("1139.07")}


def test_management_fee_per_period() -> None:
    # 3 % a year of ¥10,000, monthly: 10,000 × 0.03 / 12 = 25.00 with every instalment; 12 × 25 = 300.
    terms = LoanTerms(
        principal=yuan("10000"), start=date(2024, 1, 15), term=12, method=EP, fee_rate=Decimal("0.03")
    )
    schedule = generate_schedule(terms)
    assert {item.fee for item in schedule.installments} == {yuan("25")}
    # Principal 10,000/12 = 833.33 (the last 10,000 − 11 × 833.33 = 833.37) plus the 25.00 fee.
    assert {item.total for item in schedule.installments} == {yuan("858.33"), yuan("858.37")}
    assert schedule.total_fee == yuan("300")


def test_instalment_rounded_to_ten_yuan() -> None:
    # The textbook loan (860.664…) with the instalment rounded to ¥10: 86.07 tens → 86 → ¥860.00; the last
    # instalment takes what is left, so principal still sums to ¥10,000.
    terms = LoanTerms(
        principal=yuan("10000"),
        start=date(2024, 1, 31),
        term=12,
        method=EI,
        rate=Decimal("0.06"),
        installment_multiple=yuan("10"),
    )
    schedule = generate_schedule(terms)
    assert {item.total for item in schedule.installments[:-1]} == {yuan("860")}
    assert schedule.total_principal == yuan("10000")
    assert schedule.installments[-1].total > yuan("860")


def test_equal_principal_rounded_to_one_yuan() -> None:
    # ¥10,000 over 7 months interest-free: 1,428.571… → ¥1,429 a month to the yuan; the last 10,000 − 6 ×
    # 1,429 = 1,426.
    terms = LoanTerms(
        principal=yuan("10000"), start=date(2024, 1, 15), term=7, method=EP, installment_multiple=yuan("1")
    )
    parts = [item.principal for item in generate_schedule(terms).installments]
    assert parts == [yuan("1429")] * 6 + [yuan("1426")]


def test_weekly_interest_free_equal_principal() -> None:
    # ¥5,200 over 52 weeks, interest-free: ¥100.00 every 7 days from the start.
    terms = LoanTerms(principal=yuan("5200"), start=date(2024, 1, 1), term=52, method=EP, frequency=WEEKLY)
    schedule = generate_schedule(terms)
    assert {item.total for item in schedule.installments} == {yuan("100")}
    assert schedule.installments[0].due_date == date(2024, 1, 8)
    assert schedule.maturity_date == date(2024, 12, 30)


def test_custom_principal_amounts_on_custom_dates() -> None:
    # ¥9,000 repaid 2,000 / 3,000 / 4,000 on caller-given dates at 4 % ACT/360 daily (¥1.00 a day on
    # ¥9,000): 31 days → 31.00; then ¥7,000 for 30 days → 7,000 × 0.04 × 30/360 = 23.333 → 23.33; then
    # ¥4,000 for 61 days → 27.111 → 27.11.
    terms = LoanTerms(
        principal=yuan("9000"),
        start=date(2024, 1, 1),
        term=3,
        method=CUSTOM,
        rate=Decimal("0.04"),
        interest_mode=InterestMode.DAILY,
        due_dates=(date(2024, 2, 1), date(2024, 3, 2), date(2024, 5, 2)),
        principal_amounts=(yuan("2000"), yuan("3000"), yuan("4000")),
    )
    schedule = generate_schedule(terms)
    assert [item.interest for item in schedule.installments] == [yuan("31"), yuan("23.33"), yuan("27.11")]
    assert [item.balance_after for item in schedule.installments] == [yuan("7000"), yuan("4000"), Money(0)]


@pytest.mark.parametrize("method", [BULLET, IO, EI, EP])
@pytest.mark.parametrize(
    ("rounding", "expected_fen"),
    [(ROUND_HALF_UP, 501), (ROUND_HALF_EVEN, 500)],
)
def test_rounding_mode_decides_a_half_fen(method: RepaymentMethod, rounding: str, expected_fen: int) -> None:
    # ¥1,001.00 for one month at 6 %: 100,100 fen × 0.005 = 500.5 fen exactly.
    terms = LoanTerms(
        principal=yuan("1001"),
        start=date(2024, 1, 1),
        term=1,
        method=method,
        rate=Decimal("0.06"),
        rounding=rounding,
    )
    assert generate_schedule(terms).total_interest == Money(expected_fen)


def test_half_even_rounding_inside_an_annuity() -> None:
    # ¥2,001 over 2 months at 6 %: month 1 interest 200,100 fen × 0.005 = 1,000.5 fen → 1,001 half up,
    # 1,000 half even (0 is even).
    base = LoanTerms(principal=yuan("2001"), start=date(2024, 1, 1), term=2, method=EI, rate=Decimal("0.06"))
    up = generate_schedule(base).installments[0].interest
    even = generate_schedule(replace(base, rounding=ROUND_HALF_EVEN)).installments[0].interest
    assert (up, even) == (Money(1001), Money(1000))


def test_schedule_balance_on_a_date() -> None:
    schedule = generate_schedule(
        LoanTerms(principal=yuan("12000"), start=date(2024, 1, 15), term=12, method=EP)
    )
    assert schedule.balance_on(date(2024, 2, 14)) == yuan("12000")
    assert schedule.balance_on(date(2024, 2, 15)) == yuan("11000")
    assert schedule.balance_on(date(2030, 1, 1)) == Money(0)


def test_strings_convert_to_enums_and_rates() -> None:
    terms = LoanTerms(
        principal=yuan("1000"),
        start=date(2024, 1, 1),
        term=2,
        method="equal_principal",  # type: ignore[arg-type]
        rate="0.06",  # type: ignore[arg-type]
        interest_mode="daily",  # type: ignore[arg-type]
    )
    assert terms.method is EP
    assert terms.rate == Decimal("0.06")
    assert terms.interest_mode is InterestMode.DAILY


# ---- refusals: each a typed error carrying the offending value --------------------------------------

D1, D2 = date(2024, 4, 1), date(2024, 5, 1)
BASE: dict[str, object] = {
    "principal": yuan("10000"),
    "start": date(2024, 3, 1),
    "term": 12,
    "method": EI,
    "rate": Decimal("0.06"),
}


@pytest.mark.parametrize(
    ("changes", "error", "field", "value"),
    [
        ({"principal": Money(0)}, InvalidTerms, "principal", Money(0)),
        ({"principal": yuan("-1")}, InvalidTerms, "principal", yuan("-1")),
        ({"principal": 10000}, InvalidTerms, "principal", 10000),
        ({"principal": 10000.0}, MoneyTypeError, None, 10000.0),
        ({"term": 0}, InvalidTerms, "term", 0),
        ({"term": -3}, InvalidTerms, "term", -3),
        ({"term": 12.0}, InvalidTerms, "term", 12.0),
        ({"term": True}, InvalidTerms, "term", True),
        ({"rate": Decimal("-0.01")}, InvalidRate, None, Decimal("-0.01")),
        ({"rate": 0.049}, InvalidRate, None, 0.049),
        ({"rate": "4.9%"}, InvalidRate, None, "4.9%"),
        ({"rate": Decimal("NaN")}, InvalidRate, None, None),
        ({"rate": Decimal("4.9")}, InvalidRate, None, Decimal("4.9")),
        ({"rate": Decimal("0.1"), "rate_period": RatePeriod.MONTHLY}, InvalidRate, None, Decimal("0.1")),
        ({"fee_rate": 0.03}, InvalidRate, None, 0.03),
        ({"fee_rate": Decimal("-0.03")}, InvalidRate, None, Decimal("-0.03")),
        ({"grace_periods": 12}, InvalidTerms, "grace_periods", 12),
        ({"grace_periods": 20}, InvalidTerms, "grace_periods", 20),
        ({"grace_periods": -1}, InvalidTerms, "grace_periods", -1),
        ({"grace_periods": 1, "method": BULLET}, InvalidTerms, "grace_periods", 1),
        ({"grace_periods": 1, "method": IO}, InvalidTerms, "grace_periods", 1),
        (
            {"start": datetime(2024, 3, 1, 9, 30, tzinfo=UTC)},
            InvalidTerms,
            "start",
            datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        ),
        ({"start": "2024-03-01"}, InvalidTerms, "start", "2024-03-01"),
        ({"first_due": date(2024, 3, 1)}, InvalidTerms, "first_due", date(2024, 3, 1)),
        ({"first_due": date(2024, 2, 1)}, InvalidTerms, "first_due", date(2024, 2, 1)),
        ({"day_of_month": 0}, InvalidTerms, "day_of_month", 0),
        ({"day_of_month": 32}, InvalidTerms, "day_of_month", 32),
        ({"day_of_month": 20, "frequency": WEEKLY}, InvalidTerms, "day_of_month", 20),
        ({"method": "mortgage"}, InvalidTerms, "method", "mortgage"),
        ({"interest_mode": "hourly"}, InvalidTerms, "interest_mode", "hourly"),
        ({"day_count": "ACT/ACT"}, InvalidTerms, "day_count", "ACT/ACT"),
        ({"frequency": "monthly"}, InvalidTerms, "frequency", "monthly"),
        ({"rounding": "nearest"}, InvalidTerms, "rounding", "nearest"),
        ({"installment_multiple": Money(0)}, InvalidTerms, "installment_multiple", Money(0)),
        ({"installment_multiple": 10.0}, MoneyTypeError, None, 10.0),
        (
            {"installment_multiple": yuan("1"), "method": BULLET},
            InvalidTerms,
            "installment_multiple",
            yuan("1"),
        ),
        # explicit due dates
        ({"term": 2, "due_dates": (D1, D1)}, InvalidTerms, "due_dates", D1),
        ({"term": 2, "due_dates": (D2, D1)}, InvalidTerms, "due_dates", D1),
        ({"term": 1, "due_dates": (date(2024, 2, 1),)}, InvalidTerms, "due_dates", date(2024, 2, 1)),
        ({"term": 1, "due_dates": (date(2024, 3, 1),)}, InvalidTerms, "due_dates", date(2024, 3, 1)),
        ({"term": 3, "due_dates": (D1, D2)}, InvalidTerms, "due_dates", (D1, D2)),
        ({"term": 2, "due_dates": (D1, D2), "first_due": D1}, InvalidTerms, "due_dates", (D1, D2)),
        ({"term": 1, "due_dates": ("2024-04-01",)}, InvalidTerms, "due_dates", "2024-04-01"),
        # custom principal amounts
        (
            {"method": CUSTOM, "term": 2, "principal_amounts": (yuan("5000"), yuan("4000"))},
            InvalidTerms,
            "principal_amounts",
            (yuan("5000"), yuan("4000")),
        ),
        (
            {"method": CUSTOM, "term": 2, "principal_amounts": (yuan("11000"), yuan("-1000"))},
            InvalidTerms,
            "principal_amounts",
            yuan("-1000"),
        ),
        (
            {"method": CUSTOM, "term": 2, "principal_amounts": (yuan("5000"), 5000.0)},
            MoneyTypeError,
            None,
            5000.0,
        ),
        (
            {"method": CUSTOM, "term": 3, "principal_amounts": (yuan("5000"), yuan("5000"))},
            InvalidTerms,
            "principal_amounts",
            (yuan("5000"), yuan("5000")),
        ),
        ({"method": CUSTOM}, InvalidTerms, "principal_amounts", ()),
        (
            {"principal_amounts": (yuan("10000"),), "term": 1},
            InvalidTerms,
            "principal_amounts",
            (yuan("10000"),),
        ),
    ],
)
def test_bad_terms_are_refused_with_the_value(
    changes: dict[str, object], error: type[Exception], field: str | None, value: object
) -> None:
    with pytest.raises(error) as caught:
        LoanTerms(**{**BASE, **changes})  # type: ignore[arg-type]
    if field is not None:
        assert caught.value.field == field  # type: ignore[attr-defined]
    if value is not None:
        assert caught.value.value == value  # type: ignore[attr-defined]
    assert isinstance(caught.value, ValueError | TypeError)


def test_a_multiple_too_coarse_for_the_loan_is_refused() -> None:
    # ¥100 over 12 months with the instalment rounded to ¥100: every level repays it too early or too late.
    terms = LoanTerms(
        principal=yuan("100"),
        start=date(2024, 1, 1),
        term=12,
        method=EI,
        rate=Decimal("0.06"),
        installment_multiple=yuan("100"),
    )
    with pytest.raises(InvalidTerms) as caught:
        generate_schedule(terms)
    assert (caught.value.field, caught.value.value) == ("installment_multiple", yuan("100"))


def test_generate_schedule_wants_loan_terms() -> None:
    with pytest.raises(InvalidTerms) as caught:
        generate_schedule({"principal": 1})  # type: ignore[arg-type]
    assert caught.value.field == "terms"


def test_terms_are_frozen_and_lists_become_tuples() -> None:
    terms = LoanTerms(
        principal=yuan("100"),
        start=date(2024, 1, 1),
        term=2,
        method=CUSTOM,
        due_dates=[date(2024, 2, 1), date(2024, 3, 1)],  # type: ignore[arg-type]
        principal_amounts=[yuan("40"), yuan("60")],  # type: ignore[arg-type]
    )
    assert terms.due_dates == (date(2024, 2, 1), date(2024, 3, 1))
    assert terms.principal_amounts == (yuan("40"), yuan("60"))
    with pytest.raises(FrozenInstanceError):
        terms.term = 3  # type: ignore[misc]
    assert hash(terms) == hash(replace(terms))


# ---- rescheduling ------------------------------------------------------------------------------------

TEXTBOOK = LoanTerms(
    principal=yuan("10000"), start=date(2024, 1, 31), term=12, method=EI, rate=Decimal("0.06")
)


def test_prepayment_with_lower_instalments_keeps_the_due_dates() -> None:
    # After the 6th textbook instalment (31 Jul 2024) the balance is 5,074.83: 10,000 less the principal of
    # 810.66, 814.71, 818.79, 822.88, 827.00, 831.13. Prepaying 2,000 leaves 3,074.83; over the 6 remaining
    # months at 0.5 %: 3,074.83 × 0.005 × 1.005^6 / (1.005^6 − 1) = 521.477 → 521.48.
    old = generate_schedule(TEXTBOOK)
    on = old.installments[5].due_date
    assert old.balance_on(on) == yuan("5074.83")
    new = reschedule_after_prepayment(
        TEXTBOOK, on=on, outstanding=yuan("3074.83"), option=PrepaymentOption.LOWER_INSTALLMENTS
    )
    assert [item.due_date for item in new.installments] == [item.due_date for item in old.installments[6:]]
    assert {item.total for item in new.installments[:-1]} == {yuan("521.48")}
    assert new.total_principal == yuan("3074.83")
    assert new.terms.start == on


def test_prepayment_with_fewer_instalments_keeps_the_instalment() -> None:
    # The same prepayment, keeping about ¥860.66 a month: over 3 months the annuity on 3,074.83 is
    # 1,035.21 (too much), over 4 it is 3,074.83 × 0.005 × 1.005^4 / (1.005^4 − 1) = 778.34 ≤ 860.66.
    old = generate_schedule(TEXTBOOK)
    new = reschedule_after_prepayment(
        TEXTBOOK,
        on=old.installments[5].due_date,
        outstanding=yuan("3074.83"),
        option=PrepaymentOption.FEWER_INSTALLMENTS,
    )
    assert len(new.installments) == 4
    assert new.maturity_date == date(2024, 11, 30)
    assert {item.total for item in new.installments[:-1]} == {yuan("778.34")}


def test_equal_principal_prepayment_with_fewer_instalments() -> None:
    # ¥12,000 等额本金 over 12 months = ¥1,000 a month. After 3 months (15 Apr) ¥9,000 is left; prepaying
    # ¥3,000 leaves ¥6,000 = 6 more months of ¥1,000, the last due 15 Oct 2024.
    terms = LoanTerms(principal=yuan("12000"), start=date(2024, 1, 15), term=12, method=EP)
    new = reschedule_after_prepayment(
        terms, on=date(2024, 4, 15), outstanding=yuan("6000"), option=PrepaymentOption.FEWER_INSTALLMENTS
    )
    assert [item.principal for item in new.installments] == [yuan("1000")] * 6
    assert new.maturity_date == date(2024, 10, 15)


def test_extension_of_an_equal_installment_loan_keeps_the_month_end_grid() -> None:
    # 展期 by 6 months after the 6th textbook instalment: 5,074.83 over 12 months at 0.5 % is
    # 5,074.83 × 0.005 × 1.005^12 / (1.005^12 − 1) = 436.77. The dates stay on the 31 January anchor:
    # 31 Aug 2024 … 28 Feb 2025, 31 Mar 2025 … 31 Jul 2025.
    new = reschedule_extension(TEXTBOOK, on=date(2024, 7, 31), outstanding=yuan("5074.83"), extra_periods=6)
    dates = [item.due_date for item in new.installments]
    assert len(dates) == 12
    assert (dates[0], dates[6], dates[7], dates[-1]) == (
        date(2024, 8, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 7, 31),
    )
    assert {item.total for item in new.installments[:-1]} == {yuan("436.77")}
    assert new.total_principal == yuan("5074.83")


def test_extension_of_an_interest_free_bullet() -> None:
    # A one-year interest-free 幸福工程 loan of ¥10,000 from 1 Mar 2024, ¥4,000 repaid early; on 20 Feb 2025
    # the ¥6,000 left is extended by 6 months: one instalment of ¥6,000 on 1 Sep 2025.
    terms = LoanTerms(principal=yuan("10000"), start=date(2024, 3, 1), term=12)
    new = reschedule_extension(terms, on=date(2025, 2, 20), outstanding=yuan("6000"), extra_periods=6)
    (only,) = new.installments
    assert (only.due_date, only.principal, only.interest) == (date(2025, 9, 1), yuan("6000"), Money(0))


def test_rescheduling_does_not_charge_an_upfront_fee_again() -> None:
    terms = replace(TEXTBOOK, fee_rate=Decimal("0.03"), fee_timing=FeeTiming.UPFRONT)
    assert generate_schedule(terms).upfront_fee == yuan("300")
    new = reschedule_extension(terms, on=date(2024, 7, 31), outstanding=yuan("5074.83"), extra_periods=6)
    assert new.total_fee == Money(0)


def refusal(call: Callable[[], object]) -> tuple[str, object]:
    with pytest.raises(InvalidTerms) as caught:
        call()
    return caught.value.field, caught.value.value


def test_bad_rescheduling_is_refused() -> None:
    july, lower, fewer = (
        date(2024, 7, 31),
        PrepaymentOption.LOWER_INSTALLMENTS,
        PrepaymentOption.FEWER_INSTALLMENTS,
    )
    one = yuan("1")
    assert refusal(
        lambda: reschedule_extension(TEXTBOOK, on=date(2024, 1, 1), outstanding=one, extra_periods=1)
    ) == ("on", date(2024, 1, 1))
    assert refusal(
        lambda: reschedule_extension(TEXTBOOK, on=july, outstanding=Money(0), extra_periods=1)
    ) == ("outstanding", Money(0))
    assert refusal(lambda: reschedule_extension(TEXTBOOK, on=july, outstanding=one, extra_periods=0)) == (
        "extra_periods",
        0,
    )
    # After the extended maturity (31 Jan 2025 + 3 months = 30 Apr 2025) nothing is left to extend.
    assert refusal(
        lambda: reschedule_extension(TEXTBOOK, on=date(2026, 1, 1), outstanding=one, extra_periods=3)
    ) == ("on", date(2026, 1, 1))
    assert refusal(
        lambda: reschedule_after_prepayment(TEXTBOOK, on=date(2025, 1, 31), outstanding=one, option=lower)
    ) == ("on", date(2025, 1, 31))
    bullet = replace(TEXTBOOK, method=BULLET)
    assert refusal(
        lambda: reschedule_after_prepayment(bullet, on=date(2024, 6, 1), outstanding=one, option=fewer)
    ) == ("option", fewer)
    assert refusal(
        lambda: reschedule_after_prepayment(TEXTBOOK, on=july, outstanding=one, option="sooner")  # type: ignore[arg-type]
    ) == ("option", "sooner")
    custom = LoanTerms(
        principal=yuan("2"), start=date(2024, 1, 1), term=2, method=CUSTOM, principal_amounts=(one, one)
    )
    assert refusal(
        lambda: reschedule_extension(custom, on=date(2024, 1, 15), outstanding=one, extra_periods=1)
    ) == ("method", CUSTOM)


def test_rescheduling_refuses_float_money() -> None:
    with pytest.raises(MoneyTypeError):
        reschedule_extension(TEXTBOOK, on=date(2024, 7, 31), outstanding=5074.83, extra_periods=6)  # type: ignore[arg-type]


# ---- layering: the core imports nothing from the shell ----------------------------------------------

SRC = Path(__file__).resolve().parents[1] / "src" / "revolve"
CORE_ALLOWED = {
    "revolve.money",
    "revolve.errors",
    "revolve.errors.base",
    "revolve.errors.catalogue",
    "revolve.errors.conflicts",
    "revolve.errors.invalid",
    "revolve.errors.missing",
    "revolve.errors.policy",
    "revolve.dates",
    "revolve.checks",
    "revolve.rounding",
    "revolve.schedule.amortisation",
    "revolve.schedule.effective",
    "revolve.schedule.installments",
    "revolve.schedule.rescheduling",
    "revolve.schedule.terms",
}
THIRD_PARTY_ALLOWED = {"dateutil"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            names.add(f"revolve.<relative>.{node.module}")
    return names


def module_path(name: str) -> Path:
    """The source of a revolve module: ``revolve.dates`` → dates.py, ``revolve.schedule`` → its package."""
    relative = Path(*name.removeprefix("revolve.").split("."))
    package = SRC / relative / "__init__.py"
    return package if package.exists() else SRC / relative.with_suffix(".py")


@pytest.mark.parametrize("module", ["schedule", "dates"])
def test_the_schedule_core_imports_only_the_standard_library_dateutil_and_the_core(module: str) -> None:
    # Walk the core modules' imports transitively (schedule → dates → errors, money → errors).
    seen: set[str] = set()
    todo = [f"revolve.{module}"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for imported in imported_modules(module_path(name)):
            top = imported.split(".")[0]
            if imported == "__future__" or top in sys.stdlib_module_names or top in THIRD_PARTY_ALLOWED:
                continue
            assert imported in CORE_ALLOWED, f"{name} imports {imported}, which the pure core must not"
            todo.append(imported)
    assert f"revolve.{module}" in seen


def test_the_layering_check_can_fail(tmp_path: Path) -> None:
    shell_import = tmp_path / "bad.py"
    shell_import.write_text(
        "import tabulate\nfrom revolve.reports import labels\nfrom sqlalchemy import select\n"
    )
    found = imported_modules(shell_import)
    assert {"tabulate", "revolve.reports", "sqlalchemy"} <= found
    assert not any(name in CORE_ALLOWED or name.split(".")[0] in sys.stdlib_module_names for name in found)
