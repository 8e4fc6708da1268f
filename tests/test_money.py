"""Money: exact fen, floats refused, splits exact, formatting as people read it."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revolve import AmountOutOfRange, InvalidAmount, Money, MoneyTypeError, fen, yuan
from revolve.money import FEN_MAX, FEN_MIN

fens = st.integers(min_value=-(10**15), max_value=10**15)


@given(fens)
def test_yuan_text_round_trips_exactly(amount: int) -> None:
    money = Money(amount)
    assert Money.of_yuan(str(money.yuan)) == money
    assert Money.of_yuan(money.format()) == money
    assert Money.of_yuan(money.yuan) == money


@given(fens, fens, fens)
def test_addition_is_exact_associative_and_has_an_inverse(a: int, b: int, c: int) -> None:
    x, y, z = Money(a), Money(b), Money(c)
    assert (x + y) + z == x + (y + z)
    assert (x + y).fen == a + b
    assert x - x == Money.zero()
    negated = -x
    assert -negated == x
    assert sum([x, y, z]) == Money.total([x, y, z]) == Money(a + b + c)


@given(fens, st.integers(min_value=1, max_value=500))
def test_split_is_exact_and_even(amount: int, parts: int) -> None:
    pieces = Money(amount).split(parts)
    assert len(pieces) == parts
    assert Money.total(pieces) == Money(amount)
    assert max(p.fen for p in pieces) - min(p.fen for p in pieces) <= 1


@given(
    fens,
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=20).filter(lambda w: sum(w) > 0),
)
def test_allocate_sums_exactly(amount: int, weights: list[int]) -> None:
    shares = Money(amount).allocate(weights)
    assert Money.total(shares) == Money(amount)
    for share, weight in zip(shares[:-1], weights[:-1], strict=True):
        if weight == 0:
            assert share.is_zero()


def test_split_puts_the_remainder_last() -> None:
    assert yuan("1.00").split(3) == (fen(33), fen(33), fen(34))
    assert yuan("-1.00").split(3) == (fen(-33), fen(-33), fen(-34))


@pytest.mark.parametrize(
    ("text", "fen_value"),
    [
        ("1234.56", 123456),
        ("¥1,234.56", 123456),
        ("-0.05", -5),
        ("1.2万", 1_200_000),
        ("3万元", 3_000_000),
        ("12元", 1200),
        (".5", 50),
    ],
)
def test_yuan_text_forms(text: str, fen_value: int) -> None:
    assert Money.of_yuan(text).fen == fen_value


def test_formatting() -> None:
    assert str(yuan("1234567.8")) == "¥1,234,567.80"
    assert str(fen(-5)) == "-¥0.05"
    assert yuan("1234.5").format(symbol="", grouping=False) == "1234.50"
    assert yuan("12.34").yuan == Decimal("12.34")


@pytest.mark.parametrize("bad", [1.5, 0.1, float("nan"), True, False, None, [1], object()])
def test_non_money_types_are_refused(bad: object) -> None:
    with pytest.raises(MoneyTypeError) as info:
        Money(bad)  # type: ignore[arg-type]
    assert info.value.value is bad
    with pytest.raises(MoneyTypeError):
        Money.of_yuan(bad)  # type: ignore[arg-type]


def test_float_is_refused_everywhere_money_is_made() -> None:
    with pytest.raises(MoneyTypeError):
        yuan("1") * 1.5  # type: ignore[operator]
    with pytest.raises(MoneyTypeError):
        yuan("1").scaled(0.049)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        yuan("1") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = yuan("1") < 1  # type: ignore[operator]


@pytest.mark.parametrize("bad", ["1.234", "abc", "", "1,2.3.4", "1e5", "--1"])
def test_malformed_or_sub_fen_yuan_is_refused(bad: str) -> None:
    with pytest.raises(InvalidAmount) as info:
        Money.of_yuan(bad)
    assert info.value.value == bad


def test_sub_fen_rounds_only_when_asked() -> None:
    assert Money.of_yuan("1.235", rounding=ROUND_HALF_EVEN) == fen(124)
    assert Money.of_yuan("1.245", rounding=ROUND_HALF_EVEN) == fen(124)
    assert Money.of_yuan(Decimal("1.005"), rounding="ROUND_HALF_UP") == fen(101)


def test_range_is_signed_64_bit() -> None:
    assert Money(FEN_MAX).fen == FEN_MAX
    assert Money(FEN_MIN).fen == FEN_MIN
    with pytest.raises(AmountOutOfRange) as info:
        Money(FEN_MAX + 1)
    assert info.value.value == FEN_MAX + 1
    with pytest.raises(AmountOutOfRange):
        Money(FEN_MAX) + fen(1)
    with pytest.raises(AmountOutOfRange):
        -Money(FEN_MIN)
    with pytest.raises(AmountOutOfRange):
        Money.of_yuan("100000000000000000")


def test_scaled_rounds_once_half_up() -> None:
    assert yuan("100").scaled(Decimal("0.049")) == yuan("4.90")
    assert fen(5).scaled(Decimal("0.5")) == fen(3)  # 2.5 fen → 3, half up
    assert fen(5).scaled(Decimal("0.5"), rounding=ROUND_HALF_EVEN) == fen(2)


def test_money_is_frozen_and_hashable() -> None:
    m = yuan("1")
    with pytest.raises(AttributeError):
        m.fen = 2  # type: ignore[misc]
    assert {m: 1}[fen(100)] == 1
