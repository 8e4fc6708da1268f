"""人民币大写金额: the hand table, the 零 and 整 rules, and a round trip through an independent reader."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revolve.capitals import in_words
from revolve.errors import MoneyTypeError
from revolve.money import FEN_MAX, FEN_MIN, Money, yuan

_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
# the units as the reader knows them, longest first so that 万亿 / 亿亿 are read as one unit
_UNITS = (
    ("亿亿", 10**16),
    ("万亿", 10**12),
    ("亿", 10**8),
    ("万", 10**4),
    ("仟", 1000),
    ("佰", 100),
    ("拾", 10),
)


def from_words(text: str) -> Money:
    """Read 大写 back into fen, by a stack of partial values (not the writer's digit positions).

    Each digit is pushed; each unit pops every value below it, sums them, multiplies by the unit and
    pushes the product; 元 closes the whole yuan, 角 and 分 read the digit before them.
    """
    sign = 1
    if text.startswith("负"):
        sign, text = -1, text[1:]
    assert text.endswith(("整", "分")), text
    text = text.removesuffix("整")
    whole_text, _, cents_text = text.partition("元")
    if "元" not in text:
        whole_text, cents_text = "", text
    stack: list[int] = []
    i = 0
    while i < len(whole_text):
        for unit, size in _UNITS:
            if whole_text.startswith(unit, i):
                below = 0
                while stack and stack[-1] < size:
                    below += stack.pop()
                assert below, f"a unit with nothing before it in {text!r}"
                stack.append(below * size)
                i += len(unit)
                break
        else:
            char = whole_text[i]
            if char != "零":
                stack.append(_DIGIT[char])
            i += 1
    fen = sum(stack) * 100
    for digit, unit in re.findall(r"([壹贰叁肆伍陆柒捌玖])([角分])", cents_text):
        fen += _DIGIT[digit] * (10 if unit == "角" else 1)
    return Money(sign * fen)


HAND = [
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("100.00", "壹佰元整"),
    ("1005.00", "壹仟零伍元整"),
    ("0.50", "伍角整"),
    ("1000000.00", "壹佰万元整"),
    ("10000100.09", "壹仟万零壹佰元零玖分"),
    ("0.00", "零元整"),
    ("0.05", "伍分"),
    ("1.05", "壹元零伍分"),
    ("10.50", "壹拾元伍角整"),
    ("10.00", "壹拾元整"),
    ("105000.00", "壹拾万伍仟元整"),
    ("100050000.00", "壹亿零伍万元整"),
    ("100000000.00", "壹亿元整"),
    ("1000000000000.00", "壹万亿元整"),
    ("-5.00", "负伍元整"),
    ("3000.08", "叁仟元零捌分"),
    ("92233720368547758.07", "玖亿亿贰仟贰佰叁拾叁万亿柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分"),
]


@pytest.mark.parametrize(("amount", "words"), HAND)
def test_hand_table(amount: str, words: str) -> None:
    assert in_words(yuan(amount)) == words
    assert from_words(words) == yuan(amount)


def test_the_largest_and_smallest_money() -> None:
    assert from_words(in_words(Money(FEN_MAX))) == Money(FEN_MAX)
    assert in_words(Money(FEN_MIN)).startswith("负玖亿亿")
    assert from_words(in_words(Money(FEN_MIN))) == Money(FEN_MIN)


def test_refuses_what_is_not_money() -> None:
    with pytest.raises(MoneyTypeError):
        in_words(12.5)  # type: ignore[arg-type]


@given(st.integers(min_value=FEN_MIN, max_value=FEN_MAX))
def test_round_trip_through_an_independent_reader(fen: int) -> None:
    words = in_words(Money(fen))
    assert from_words(words) == Money(fen)
    # 第五十二条: never two 零 together, 整 exactly when there is no 分, nothing ends in 零
    assert "零零" not in words
    assert words.endswith("整") == (fen % 10 == 0)
    if fen != 0:
        assert not re.search(r"零[元万亿角分整]", words)
        assert not words.startswith(("零", "负零"))


@given(st.integers(min_value=0, max_value=10**12))
def test_small_and_round_amounts(whole: int) -> None:
    for fen in (whole * 100, whole):
        assert from_words(in_words(Money(fen))) == Money(fen)
