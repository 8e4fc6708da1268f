"""Ratios: every rate keeps its numerator and denominator; the percentage is only a view."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revolve.errors import InvalidAmount, InvalidTerms, MoneyTypeError
from revolve.money import Money, yuan
from revolve.ratios import UNDEFINED_TEXT, Ratio


def test_par30_by_hand() -> None:
    # 12,000 at risk of 480,000 outstanding: 12,000 / 480,000 = 0.025 = 2.50 %.
    ratio = Ratio(yuan("12000"), yuan("480000"))
    assert ratio.value == Decimal("0.025")
    assert ratio.percent == "2.50%"
    assert str(ratio) == "2.50% = ¥12,000.00 ÷ ¥480,000.00"


def test_xiamen_poverty_exit_style_rounding() -> None:
    # 94 of 95: 94 / 95 = 0.989473… → 98.95 % (half-up at the second decimal: 98.947… → 98.95).
    ratio = Ratio(Money(94), Money(95))
    assert ratio.percent == "98.95%"
    assert ratio.percent_text(0) == "99%"
    assert ratio.percent_text(4) == "98.9474%"


def test_half_way_cases_follow_the_rounding_mode() -> None:
    # 1 / 8 = 12.5 % exactly: half-up → 13 %, half-even → 12 %, down → 12 %.
    ratio = Ratio(Money(1), Money(8))
    assert ratio.percent_text(0) == "13%"
    assert ratio.percent_text(0, rounding=ROUND_HALF_EVEN) == "12%"
    assert ratio.percent_text(0, rounding=ROUND_DOWN) == "12%"


def test_above_one_hundred_percent_is_allowed() -> None:
    assert Ratio(yuan("110"), yuan("100")).percent == "110.00%"


def test_revolving_turnover_as_a_multiple() -> None:
    # 龙文 (domain.md §7.5): 821.5万 lent over 183.56万 capital. 183.56 × 4 = 734.24; the remaining
    # 87.26 ÷ 183.56 = 0.475… → 4.475… times: 4.48 to two places, 4.5 to one.
    turnover = Ratio(yuan("821.5万"), yuan("183.56万"))
    assert turnover.multiple_text() == "4.48"
    assert turnover.multiple_text(1) == "4.5"
    assert Ratio(yuan("1"), Money(0)).multiple_text() == "—"


def test_a_zero_denominator_is_undefined_not_an_error() -> None:
    ratio = Ratio(Money(0), Money(0))
    assert ratio.value is None
    assert not ratio.is_defined
    assert ratio.percent == UNDEFINED_TEXT == "—"
    assert str(ratio) == "— = ¥0.00 ÷ ¥0.00"


@pytest.mark.parametrize(
    ("numerator", "denominator", "error", "value"),
    [
        (yuan("-1"), yuan("1"), InvalidAmount, yuan("-1")),
        (yuan("1"), yuan("-1"), InvalidAmount, yuan("-1")),
        (1.0, yuan("1"), MoneyTypeError, 1.0),
        (yuan("1"), 100, InvalidAmount, (yuan("1"), 100)),
        (-1, 100, InvalidAmount, -1),
        (True, 1, MoneyTypeError, True),
    ],
)
def test_refusals(numerator: object, denominator: object, error: type[Exception], value: object) -> None:
    with pytest.raises(error) as caught:
        Ratio(numerator, denominator)  # type: ignore[arg-type]
    assert caught.value.value == value  # type: ignore[attr-defined]
    assert repr(value) in str(caught.value)


@pytest.mark.parametrize("places", [-1, 11, 1.5, True])
def test_bad_places_are_refused(places: object) -> None:
    with pytest.raises(InvalidTerms) as caught:
        Ratio(Money(1), Money(3)).percent_text(places)  # type: ignore[arg-type]
    assert caught.value.value == places


@given(st.integers(0, 10**15), st.integers(1, 10**15))
def test_percent_text_is_the_exact_quotient_rounded_once(numerator: int, denominator: int) -> None:
    exact = Fraction(numerator * 100 * 100, denominator)  # hundredths of a per cent
    whole, rest = divmod(exact.numerator, exact.denominator)
    hundredths = whole + (1 if 2 * rest >= exact.denominator else 0)  # half-up
    expected = f"{hundredths // 100}.{hundredths % 100:02d}%"
    assert Ratio(Money(numerator), Money(denominator)).percent == expected


def test_a_ratio_of_counts() -> None:
    # 脱贫率 in the Xiamen seed: 98.95 % of 3,605 households; 3,567 / 3,605 = 0.98946… → 98.95 %
    rate = Ratio(3567, 3605)
    assert rate.percent == "98.95%"
    assert str(rate) == "98.95% = 3,567 ÷ 3,605"
    assert Ratio(0, 0).percent == UNDEFINED_TEXT
