"""Money: an exact amount of renminbi held as an integer number of fen (分).

Invariants:

* the amount is an ``int`` of fen inside the signed 64-bit range (what a BIGINT column holds);
* a ``float`` never becomes money — not as fen, not as yuan — and neither does a ``bool``;
* yuan come in as ``str`` or ``Decimal`` (or ``int`` whole yuan) and must be exact to the fen unless
  the caller names a rounding mode;
* a split of a total into parts is exact: the parts sum to the total, the remainder going to the last
  part(s).

Rounding from a product (``Money.scaled``) happens in that one method, to the fen, ROUND_HALF_UP unless
the caller names another mode.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from revolve.errors import AmountOutOfRange, InvalidAmount, MoneyTypeError

__all__ = ["FEN_MAX", "FEN_MIN", "Money", "fen", "yuan"]

FEN_MAX = 2**63 - 1
FEN_MIN = -(2**63)

_FEN_PER_YUAN = Decimal(100)
_WAN = Decimal(10_000)
_CENT = Decimal("0.01")
# "¥1,234.56", "-1234.5", "1.2万", "+3万元", "12元"
# a comma separates thousands only: "1,234.56" but never "12,34" or "1,2345"
_YUAN_TEXT = re.compile(
    r"^\s*([+-]?)\s*[¥￥]?\s*([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
    r"\s*(万)?\s*元?\s*$"
)


def _check_range(value: int) -> int:
    if value > FEN_MAX or value < FEN_MIN:
        raise AmountOutOfRange(value)
    return value


def _decimal_yuan(value: str | Decimal | int) -> Decimal:
    """Read yuan from text, a Decimal or whole-yuan int into a Decimal, refusing floats and bools."""
    if isinstance(value, bool | float):
        raise MoneyTypeError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidAmount(value, reason="not_finite")
        return value
    if isinstance(value, str):
        match = _YUAN_TEXT.match(value)
        if match is None:
            raise InvalidAmount(value, reason="not_yuan")
        sign, digits, wan = match.groups()
        try:
            number = Decimal(digits.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
            raise InvalidAmount(value, reason="not_yuan") from exc
        if wan:
            number *= _WAN
        return -number if sign == "-" else number
    raise MoneyTypeError(value)


@dataclass(frozen=True, slots=True, order=True, init=False)
class Money:
    """An exact amount in fen. ``Money(1234)`` is ¥12.34.

    Build it from fen with ``Money(1234)`` / ``Money.of_fen(1234)`` / ``fen(1234)``, or from yuan with
    ``Money.of_yuan("12.34")`` / ``yuan("12.34")``.
    """

    fen: int

    def __init__(self, fen: int) -> None:
        # written out rather than generated with a __post_init__: money is made on every line of every
        # entry, and this is the one check every amount passes
        if type(fen) is not int and (isinstance(fen, bool) or not isinstance(fen, int)):
            raise MoneyTypeError(fen, reason="fen")
        if fen > FEN_MAX or fen < FEN_MIN:
            raise AmountOutOfRange(fen)
        object.__setattr__(self, "fen", fen)

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def of_fen(cls, value: int) -> Money:
        """Money from an integer number of fen. ``float`` and ``bool`` are refused."""
        return cls(value)

    @classmethod
    def of_yuan(cls, value: str | Decimal | int, *, rounding: str | None = None) -> Money:
        """Money from yuan given as ``str``, ``Decimal`` or whole-yuan ``int``.

        Args:
            value: e.g. ``"1234.56"``, ``"¥1,234.56"``, ``"1.2万"``, ``Decimal("3.5")``, ``12``.
            rounding: a ``decimal`` rounding mode. Without one, an amount finer than a fen is refused.

        Raises:
            MoneyTypeError: a float, bool or other type.
            InvalidAmount: malformed text, or more than two decimals without ``rounding``.
            AmountOutOfRange: beyond the 64-bit fen range.
        """
        try:
            number = _decimal_yuan(value) * _FEN_PER_YUAN
            whole = number.to_integral_value(rounding=rounding or ROUND_HALF_UP)
        except ArithmeticError:  # decimal.Overflow / InvalidOperation on an exponent past the context's
            raise AmountOutOfRange(value) from None
        if rounding is None and whole != number:
            raise InvalidAmount(value, reason="sub_fen")
        return cls(_check_range(int(whole)))

    @classmethod
    def zero(cls) -> Money:
        """Nothing: ¥0.00."""
        return _ZERO

    @staticmethod
    def total(amounts: Iterable[Money]) -> Money:
        """The exact sum of the amounts (¥0.00 for none)."""
        result = 0
        for amount in amounts:
            if not isinstance(amount, Money):
                raise MoneyTypeError(amount, reason="sum")
            result += amount.fen
        return Money(_check_range(result))

    # ---- arithmetic ---------------------------------------------------------------------------
    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.fen + other.fen)  # __init__ checks the range

    def __radd__(self, other: object) -> Money:
        # lets the builtin sum() start from 0
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.fen - other.fen)  # __init__ checks the range

    def __neg__(self) -> Money:
        return Money(_check_range(-self.fen))

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(_check_range(abs(self.fen)))

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool | float | Decimal):
            raise MoneyTypeError(factor, reason="multiply")
        if not isinstance(factor, int):
            return NotImplemented
        return Money(_check_range(self.fen * factor))

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.fen != 0

    def scaled(self, factor: Decimal, *, rounding: str = ROUND_HALF_UP) -> Money:
        """This amount times a Decimal factor (a rate, a share), rounded once to the fen."""
        if not isinstance(factor, Decimal):
            raise MoneyTypeError(factor, reason="scale")
        product = (Decimal(self.fen) * factor).to_integral_value(rounding=rounding)
        return Money(_check_range(int(product)))

    def split(self, parts: int) -> tuple[Money, ...]:
        """Split into ``parts`` amounts that differ by at most one fen and sum exactly to this amount.

        The remainder goes to the last parts: ¥1.00 in 3 → (0.33, 0.33, 0.34).
        """
        if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
            raise InvalidAmount(parts, reason="parts")
        base, remainder = divmod(abs(self.fen), parts)
        sign = -1 if self.fen < 0 else 1
        pieces = [base] * (parts - remainder) + [base + 1] * remainder
        return tuple(Money(sign * piece) for piece in pieces)

    def allocate(self, weights: Iterable[int]) -> tuple[Money, ...]:
        """Split in proportion to integer weights; the parts sum exactly, the remainder to the last part.

        Example: ¥100.00 by (1, 1, 1) → (33.33, 33.33, 33.34).
        """
        ws = tuple(weights)
        if not ws or any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in ws) or sum(ws) == 0:
            raise InvalidAmount(ws, reason="weights")
        total_weight = sum(ws)
        sign = -1 if self.fen < 0 else 1
        magnitude = abs(self.fen)
        shares = [magnitude * w // total_weight for w in ws]
        shares[-1] += magnitude - sum(shares)
        return tuple(Money(sign * s) for s in shares)

    # ---- views --------------------------------------------------------------------------------
    @property
    def yuan(self) -> Decimal:
        """The amount in yuan as an exact Decimal with two places (``Decimal('12.34')``)."""
        return (Decimal(self.fen) / _FEN_PER_YUAN).quantize(_CENT)

    def is_zero(self) -> bool:
        """True for ¥0.00."""
        return self.fen == 0

    def is_positive(self) -> bool:
        """True above ¥0.00."""
        return self.fen > 0

    def is_negative(self) -> bool:
        """True below ¥0.00."""
        return self.fen < 0

    def format(self, *, symbol: str = "¥", grouping: bool = True) -> str:
        """Format for people: ``¥1,234.56``, ``-¥0.05``; ``symbol=""`` gives ``1,234.56``."""
        sign = "-" if self.fen < 0 else ""
        whole, cents = divmod(abs(self.fen), 100)
        digits = f"{whole:,}" if grouping else str(whole)
        return f"{sign}{symbol}{digits}.{cents:02d}"

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Money({self.format()})"


_ZERO = Money(0)


def yuan(value: str | Decimal | int, *, rounding: str | None = None) -> Money:
    """Shorthand for :meth:`Money.of_yuan`: ``yuan("12.34")``."""
    return Money.of_yuan(value, rounding=rounding)


def fen(value: int) -> Money:
    """Shorthand for :meth:`Money.of_fen`: ``fen(1234)``."""
    return Money.of_fen(value)
