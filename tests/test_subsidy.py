"""Interest subsidy (小额贴息): the seed figures by hand, the caps as properties, every refusal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revolve.errors import InvalidAmount, InvalidDate, InvalidRate, InvalidTerms, MoneyTypeError
from revolve.money import Money, yuan
from revolve.subsidy import (
    FUQING_CAPS,
    NINGDE_CAPS,
    InterestPeriod,
    SubsidyCaps,
    subsidy_limit,
    subsidy_lines,
    subsidy_total,
)

# Jilin (seed 002): 8000万 lent to 4000 families, 400万 subsidy — 2万 each, 1,000 yuan each, i.e. 5 % of
# principal for one year. A bank year is 360 days (日利率 = 年利率/360), so the programme's one-year cap
# is 360 days here: a calendar year of 365 or 366 days would give 2万 × 5 % × 365/360 = 1,013.89.
JILIN_CAPS = SubsidyCaps(max_principal=yuan("2万"), max_rate=Decimal("0.05"), max_days=360)


def one_year(balance: Money, start: date, end: date) -> list[InterestPeriod]:
    return [InterestPeriod(1, start, end, balance)]


def test_jilin_seed_figure_by_hand() -> None:
    # 2012 is a leap year: 1 Jan 2012 → 1 Jan 2013 is 366 days, of which 360 are subsidised.
    # 20,000 × 5 % × 360 / 360 = 1,000.00 yuan per family; × 4,000 families = 4,000,000 yuan (400万).
    periods = one_year(yuan("2万"), date(2012, 1, 1), date(2013, 1, 1))
    (line,) = subsidy_lines(periods, Decimal("0.05"), JILIN_CAPS)
    assert (line.days, line.subsidised_days, line.base, line.rate) == (366, 360, yuan("2万"), Decimal("0.05"))
    assert line.amount == yuan("1000")
    assert subsidy_total(periods, Decimal("0.05"), JILIN_CAPS) * 4000 == yuan("400万")
    assert yuan("2万") * 4000 == yuan("8000万")


def test_jilin_at_a_higher_bank_rate_is_capped_at_5_percent() -> None:
    # Bank rate 7.872 % (the 店下镇 rate, §12.4) → subsidised at 5 %: still 1,000.00 yuan.
    periods = one_year(yuan("2万"), date(2012, 1, 1), date(2013, 1, 1))
    (line,) = subsidy_lines(periods, Decimal("0.07872"), JILIN_CAPS)
    assert line.rate == Decimal("0.05")
    assert line.amount == yuan("1000")


def test_jilin_with_monthly_interest_periods_rounds_each_period() -> None:
    # The same loan with interest settled monthly through 2013 (365 days; the cap stops at 360).
    # Each day is worth 2,000,000 fen × 0.05 / 360 = 277.777… fen, rounded half-up per month:
    #   31-day months (Jan Mar May Jul Aug Oct): 8,611.11 → 8,611 fen, six of them = 51,666
    #   30-day months (Apr Jun Sep Nov):         8,333.33 → 8,333 fen, four of them = 33,332
    #   February, 28 days:                       7,777.78 → 7,778 fen
    #   December: 360 − 334 = 26 days left:      7,222.22 → 7,222 fen
    # total 51,666 + 33,332 + 7,778 + 7,222 = 99,998 fen = 999.98 yuan (two fen lost to rounding).
    starts = [date(2013, month, 1) for month in range(1, 13)] + [date(2014, 1, 1)]
    periods = [InterestPeriod(i + 1, starts[i], starts[i + 1], yuan("2万")) for i in range(12)]
    lines = subsidy_lines(periods, Decimal("0.05"), JILIN_CAPS)
    assert [line.subsidised_days for line in lines][-2:] == [30, 26]
    assert sum(line.subsidised_days for line in lines) == 360
    assert lines[0].amount == Money(8611)
    assert lines[1].amount == Money(7778)
    assert lines[-1].amount == Money(7222)
    assert Money.total(line.amount for line in lines) == Money(99_998)


def test_fuqing_caps_principal_and_rate() -> None:
    # 福清: 60,000 lent at 6 % from 1 July 2018 to 1 July 2019 (365 days, 福清's 7月1日–次年6月30日 year).
    # Subsidised: min(60,000, 50,000) × min(6 %, 5 %) × 365 / 360 = 2,500 × 365 / 360 = 2,534.7222…
    #   → 2,534.72 yuan.
    periods = one_year(yuan("6万"), date(2018, 7, 1), date(2019, 7, 1))
    (line,) = subsidy_lines(periods, Decimal("0.06"), FUQING_CAPS)
    assert (line.days, line.base, line.rate, line.amount) == (
        365,
        yuan("5万"),
        Decimal("0.05"),
        yuan("2534.72"),
    )
    assert subsidy_limit(FUQING_CAPS) == yuan("2534.72")


def test_ningde_principal_above_the_cap_at_the_banks_own_rate() -> None:
    # 宁德: 50,000 lent at 7.872 % (below the 8.4 % cap, so the bank's rate is subsidised) for 365 days.
    # Base min(50,000, 30,000) = 30,000; 30,000 × 0.07872 = 2,361.60 a year; × 365 / 360:
    #   2,361.60 × 365 = 861,984; / 360 = 2,394.40 yuan exactly.
    periods = one_year(yuan("5万"), date(2016, 9, 1), date(2017, 9, 1))
    (line,) = subsidy_lines(periods, Decimal("0.07872"), NINGDE_CAPS)
    assert (line.base, line.rate, line.amount) == (yuan("3万"), Decimal("0.07872"), yuan("2394.40"))
    # The 宁德 limit: 30,000 × 8.4 % × 365 / 360 = 2,520 × 365 / 360 = 2,555.00 yuan.
    assert subsidy_limit(NINGDE_CAPS) == yuan("2555")


def test_ningde_quarterly_periods_with_repayments_and_the_day_cap() -> None:
    # A bank loan at 9 % (capped to 8.4 %), interest settled quarterly on the 21st, principal repaid down:
    #   P1 21 Sep → 21 Dec 2016:  91 days, balance 40,000 → base 30,000: 2,520 × 91/360 = 637.00
    #   P2 21 Dec → 21 Mar 2017:  90 days, balance 40,000 → base 30,000: 2,520 × 90/360 = 630.00
    #   P3 21 Mar → 21 Jun 2017:  92 days, balance 25,000: 2,100 a year × 92/360 = 536.666… → 536.67
    #   P4 21 Jun → 21 Oct 2017: 122 days (an extension), only 365 − 273 = 92 subsidised: 536.67
    #   P5 21 Oct → 21 Dec 2017:  61 days, none left: 0.00
    # total 637.00 + 630.00 + 536.67 + 536.67 = 2,340.34 yuan.
    cuts = [date(2016, 9, 21), date(2016, 12, 21), date(2017, 3, 21), date(2017, 6, 21), date(2017, 10, 21)]
    cuts.append(date(2017, 12, 21))
    balances = [yuan("4万"), yuan("4万"), yuan("2.5万"), yuan("2.5万"), yuan("1万")]
    periods = [InterestPeriod(i + 1, cuts[i], cuts[i + 1], balances[i]) for i in range(5)]
    lines = subsidy_lines(periods, Decimal("0.09"), NINGDE_CAPS)
    assert [line.days for line in lines] == [91, 90, 92, 122, 61]
    assert [line.subsidised_days for line in lines] == [91, 90, 92, 92, 0]
    assert [line.amount for line in lines] == [
        yuan("637"),
        yuan("630"),
        yuan("536.67"),
        yuan("536.67"),
        Money(0),
    ]
    assert subsidy_total(periods, Decimal("0.09"), NINGDE_CAPS) == yuan("2340.34")


def test_a_partial_share() -> None:
    # 70 % subsidy (§12.8): 20,000 × 5 % × 360/360 × 0.7 = 700.00 yuan.
    caps = SubsidyCaps(yuan("2万"), Decimal("0.05"), 360, share=Decimal("0.7"))
    assert subsidy_total(
        one_year(yuan("2万"), date(2024, 1, 1), date(2025, 1, 1)), Decimal("0.05"), caps
    ) == yuan("700")


def test_an_exact_half_fen_is_rounded_as_asked() -> None:
    # 36.00 yuan at 5 % for 7 days: 3,600 fen × 0.05 × 7 / 360 = 1,260 / 360 = 3.5 fen exactly.
    # Half-up gives 4, half-even 4, down 3, up 4. (A pre-rounded factor 0.05 × 7 / 360 = 0.000972…
    # would make it 3.4999… and round it down.)
    caps = SubsidyCaps(Money(3600), Decimal("0.05"), 365)
    period = [InterestPeriod(1, date(2024, 1, 1), date(2024, 1, 8), Money(3600))]
    assert subsidy_total(period, Decimal("0.05"), caps) == Money(4)
    assert subsidy_total(period, Decimal("0.05"), caps, rounding=ROUND_HALF_EVEN) == Money(4)
    assert subsidy_total(period, Decimal("0.05"), caps, rounding=ROUND_DOWN) == Money(3)
    assert subsidy_total(period, Decimal("0.05"), caps, rounding=ROUND_UP) == Money(4)


def test_rounding_up_never_carries_the_total_past_the_limit() -> None:
    # Cap 36.00 yuan, 5 %, 14 days: limit 3,600 × 0.05 × 14 / 360 = 7 fen. Two 7-day periods are
    # 3.5 fen each; rounded half-up they would be 4 + 4 = 8 fen, so the second is paid the 3 fen left.
    caps = SubsidyCaps(Money(3600), Decimal("0.05"), 14)
    periods = [
        InterestPeriod(1, date(2024, 1, 1), date(2024, 1, 8), Money(3600)),
        InterestPeriod(2, date(2024, 1, 8), date(2024, 1, 15), Money(3600)),
    ]
    assert subsidy_limit(caps) == Money(7)
    assert [line.amount for line in subsidy_lines(periods, Decimal("0.05"), caps)] == [Money(4), Money(3)]


def test_gaps_between_periods_are_allowed_and_cost_no_days() -> None:
    # A period left out (its interest was not paid, §12.7) earns nothing and uses none of the 360 days.
    periods = [
        InterestPeriod(1, date(2013, 1, 1), date(2013, 7, 1), yuan("2万")),  # 181 days
        InterestPeriod(3, date(2014, 1, 1), date(2014, 7, 1), yuan("2万")),  # 181 days, 179 left
    ]
    lines = subsidy_lines(periods, Decimal("0.05"), JILIN_CAPS)
    assert [line.subsidised_days for line in lines] == [181, 179]
    # 100,000 fen a year / 360 × 181 = 50,277.78 → 50,278; × 179 = 49,722.22 → 49,722; total 100,000.
    assert [line.amount for line in lines] == [Money(50_278), Money(49_722)]


def test_zero_rate_and_zero_balance_give_nothing() -> None:
    periods = one_year(yuan("2万"), date(2013, 1, 1), date(2014, 1, 1))
    assert subsidy_total(periods, Decimal(0), FUQING_CAPS) == Money(0)
    assert subsidy_total(
        one_year(Money(0), date(2013, 1, 1), date(2014, 1, 1)), Decimal("0.05"), FUQING_CAPS
    ) == Money(0)
    assert subsidy_lines([], Decimal("0.05"), FUQING_CAPS) == ()


# ---- properties -----------------------------------------------------------------------------------------

ROUNDINGS = st.sampled_from([ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_UP])
RATES = st.integers(0, 2000).map(lambda bp: Decimal(bp).scaleb(-4))


@st.composite
def caps_strategy(draw: st.DrawFn) -> SubsidyCaps:
    return SubsidyCaps(
        max_principal=Money(draw(st.integers(1, 20_000_000))),
        max_rate=Decimal(draw(st.integers(1, 2000))).scaleb(-4),
        max_days=draw(st.integers(1, 800)),
        share=Decimal(draw(st.integers(1, 100))).scaleb(-2),
    )


@st.composite
def periods_strategy(draw: st.DrawFn) -> list[InterestPeriod]:
    moment = draw(st.dates(date(2000, 1, 1), date(2030, 1, 1)))
    periods = []
    for number in range(1, draw(st.integers(0, 12)) + 1):
        moment += timedelta(days=draw(st.integers(0, 40)))  # a gap, often none
        end = moment + timedelta(days=draw(st.integers(1, 120)))
        periods.append(InterestPeriod(number, moment, end, Money(draw(st.integers(0, 30_000_000)))))
        moment = end
    return periods


def _to_int(exact: Fraction, rounding: str) -> int:
    """The test's own rounding of a non-negative exact amount, from the definitions of the modes."""
    floor = exact.numerator // exact.denominator
    remainder = exact - floor
    if remainder == 0:
        return floor
    if rounding == ROUND_DOWN:
        return floor
    if rounding == ROUND_UP:
        return floor + 1
    if remainder != Fraction(1, 2):
        return floor + (1 if remainder > Fraction(1, 2) else 0)
    return floor + 1 if rounding == ROUND_HALF_UP or floor % 2 else floor


@given(periods_strategy(), RATES, caps_strategy(), ROUNDINGS)
def test_subsidy_never_exceeds_the_banks_interest(
    periods: list[InterestPeriod], rate: Decimal, caps: SubsidyCaps, rounding: str
) -> None:
    for period, line in zip(periods, subsidy_lines(periods, rate, caps, rounding=rounding), strict=True):
        interest = Fraction(period.balance.fen) * Fraction(rate) * period.days / 360
        assert 0 <= line.amount.fen <= _to_int(interest, rounding)
        assert line.base <= period.balance
        assert line.rate <= rate


@given(periods_strategy(), RATES, caps_strategy(), ROUNDINGS)
def test_subsidy_never_exceeds_the_programme_limit(
    periods: list[InterestPeriod], rate: Decimal, caps: SubsidyCaps, rounding: str
) -> None:
    lines = subsidy_lines(periods, rate, caps, rounding=rounding)
    limit = (
        Fraction(caps.max_principal.fen)
        * Fraction(caps.max_rate)
        * caps.max_days
        / 360
        * Fraction(caps.share)
    )
    total = subsidy_total(periods, rate, caps, rounding=rounding)
    assert total == Money.total(line.amount for line in lines)
    assert total.fen <= limit
    assert sum(line.subsidised_days for line in lines) <= caps.max_days
    assert all(line.subsidised_days <= line.days for line in lines)


@given(periods_strategy(), RATES, ROUNDINGS)
def test_with_caps_that_never_bind_the_subsidy_is_the_banks_interest(
    periods: list[InterestPeriod], rate: Decimal, rounding: str
) -> None:
    generous = SubsidyCaps(Money(10**9), Decimal(1), 10_000)
    for period, line in zip(periods, subsidy_lines(periods, rate, generous, rounding=rounding), strict=True):
        interest = Fraction(period.balance.fen) * Fraction(rate) * period.days / 360
        assert line.amount.fen == _to_int(interest, rounding)
        assert line.subsidised_days == line.days


# ---- refusals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "value"),
    [
        ({"max_rate": 0.05}, InvalidRate, 0.05),
        ({"max_rate": Decimal(0)}, InvalidRate, Decimal(0)),
        ({"max_rate": Decimal(5)}, InvalidRate, Decimal(5)),
        ({"max_rate": Decimal("NaN")}, InvalidRate, None),
        ({"share": Decimal("1.1")}, InvalidRate, Decimal("1.1")),
        ({"share": Decimal(0)}, InvalidRate, Decimal(0)),
        ({"max_days": 0}, InvalidTerms, 0),
        ({"max_principal": Money(0)}, InvalidAmount, Money(0)),
        ({"max_principal": 50000}, MoneyTypeError, 50000),
    ],
)
def test_bad_caps_are_refused(kwargs: dict[str, object], error: type[Exception], value: object) -> None:
    fields: dict[str, object] = {"max_principal": yuan("5万"), "max_rate": Decimal("0.05"), "max_days": 365}
    with pytest.raises(error) as caught:
        SubsidyCaps(**{**fields, **kwargs})  # type: ignore[arg-type]
    if value is not None:
        assert caught.value.value == value  # type: ignore[attr-defined]
        assert repr(value) in str(caught.value)


def test_bad_periods_are_refused() -> None:
    with pytest.raises(InvalidDate) as caught:
        InterestPeriod(1, date(2024, 1, 1), date(2024, 1, 1), yuan("1"))
    assert caught.value.value == date(2024, 1, 1)
    with pytest.raises(InvalidAmount) as negative:
        InterestPeriod(1, date(2024, 1, 1), date(2024, 2, 1), yuan("-1"))
    assert negative.value.value == yuan("-1")
    with pytest.raises(InvalidTerms) as number:
        InterestPeriod(0, date(2024, 1, 1), date(2024, 2, 1), yuan("1"))
    assert number.value.value == 0
    assert "number=0" in str(number.value)
    with pytest.raises(MoneyTypeError) as untyped:
        InterestPeriod(1, date(2024, 1, 1), date(2024, 2, 1), 100)  # type: ignore[arg-type]
    assert untyped.value.value == 100


def test_overlapping_or_repeated_periods_are_refused() -> None:
    first = InterestPeriod(1, date(2024, 1, 1), date(2024, 4, 1), yuan("1万"))
    overlapping = InterestPeriod(2, date(2024, 3, 1), date(2024, 6, 1), yuan("1万"))
    with pytest.raises(InvalidDate) as caught:
        subsidy_lines([first, overlapping], Decimal("0.05"), FUQING_CAPS)
    assert caught.value.value == date(2024, 3, 1)
    assert "period 2" in str(caught.value)
    again = InterestPeriod(1, date(2024, 4, 1), date(2024, 7, 1), yuan("1万"))
    with pytest.raises(InvalidTerms) as repeated:
        subsidy_lines([first, again], Decimal("0.05"), FUQING_CAPS)
    assert repeated.value.value == 1


def test_bad_rate_and_rounding_are_refused() -> None:
    periods = one_year(yuan("1万"), date(2024, 1, 1), date(2025, 1, 1))
    with pytest.raises(InvalidRate) as floating:
        subsidy_lines(periods, 0.05, FUQING_CAPS)  # type: ignore[arg-type]
    assert floating.value.value == 0.05
    with pytest.raises(InvalidRate):
        subsidy_lines(periods, Decimal("-0.01"), FUQING_CAPS)
    with pytest.raises(InvalidTerms) as caught:
        subsidy_lines(periods, Decimal("0.05"), FUQING_CAPS, rounding="ROUND_05UP")
    assert caught.value.value == "ROUND_05UP"
