"""Ratios: a rate that always carries its numerator and its denominator.

"Repayment rate" has no standard meaning (CGAP, domain.md §11): 到期还款率, 回收率 and PAR30 are each a
quotient of two amounts of money, and a report that prints "还款率 98%" without saying 98 % *of what*
cannot be checked or compared. So revolve never hands out a bare percentage: every rate is a
:class:`Ratio` of two :class:`~revolve.money.Money` amounts — or of two counts, for rates of households
such as 脱贫率 — and the percentage is a view of it.

Invariants:

* both parts are ``Money``, or both are counts (``int``), and neither is negative (the rates of
  domain.md §11 are quotients of amounts paid, due, outstanding or written off, or of households);
* a zero denominator is not an error: the rate is then *undefined* (``value`` is ``None``, the text is
  "—"), which is what a report must print for, say, PAR30 of a fund with nothing outstanding;
* the numerator may exceed the denominator (prepayments can take a collection rate above 100 %).

``value`` is the quotient to 28 significant digits (the default ``decimal`` context); the one rounding
to print is in ``Ratio._rounded`` (behind :meth:`Ratio.percent_text` and :meth:`Ratio.multiple_text`),
ROUND_HALF_UP unless the caller names another mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from revolve.errors import InvalidAmount, InvalidTerms, MoneyTypeError
from revolve.money import Money

__all__ = ["UNDEFINED_TEXT", "Ratio"]

UNDEFINED_TEXT = "—"
"""What a report prints for a rate whose denominator is zero."""

_MAX_PLACES = 10


def _check_part(field: str, value: object) -> Money | int:
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise InvalidAmount(value, reason="ratio_negative", part=field)
        return value
    if not isinstance(value, Money):
        raise MoneyTypeError(value, reason="ratio", part=field)
    if value.is_negative():
        raise InvalidAmount(value, reason="ratio_negative", part=field)
    return value


def _units(part: Money | int) -> int:
    return part.fen if isinstance(part, Money) else part


@dataclass(frozen=True, slots=True)
class Ratio:
    """A rate as numerator ÷ denominator, both money (e.g. PAR30 = ¥12,000.00 ÷ ¥480,000.00).

    Attributes:
        numerator: the amount on top (e.g. outstanding principal of loans more than 30 days past due).
        denominator: the amount below (e.g. all outstanding principal).
    """

    numerator: Money | int
    denominator: Money | int

    def __post_init__(self) -> None:
        _check_part("numerator", self.numerator)
        _check_part("denominator", self.denominator)
        if isinstance(self.numerator, Money) != isinstance(self.denominator, Money):
            raise InvalidAmount(
                (self.numerator, self.denominator),
                reason="ratio_kinds",
            )

    @property
    def value(self) -> Decimal | None:
        """The quotient as a Decimal fraction (``Decimal('0.025')`` for 2.5 %), or None when undefined."""
        if _units(self.denominator) == 0:
            return None
        return Decimal(_units(self.numerator)) / Decimal(_units(self.denominator))

    @property
    def is_defined(self) -> bool:
        """False when the denominator is zero."""
        return _units(self.denominator) != 0

    @property
    def percent(self) -> str:
        """The rate as a percentage with two decimals (``"2.50%"``), or ``"—"`` when undefined."""
        return self.percent_text()

    def percent_text(self, places: int = 2, *, rounding: str = ROUND_HALF_UP) -> str:
        """The rate as a percentage rounded to ``places`` decimals.

        Args:
            places: decimals after the point, 0 to 10.
            rounding: a ``decimal`` rounding mode.

        Returns:
            Text such as ``"98.95%"``; ``"—"`` when the denominator is zero.

        Raises:
            InvalidTerms: ``places`` is not an int from 0 to 10.
        """
        text = self._rounded(100, places, rounding)
        return text if text == UNDEFINED_TEXT else f"{text}%"

    def multiple_text(self, places: int = 2, *, rounding: str = ROUND_HALF_UP) -> str:
        """The quotient as a plain multiple, for rates quoted as "times" (滚动次数 2.10: lent 2.1 times over).

        Args:
            places: decimals after the point, 0 to 10.
            rounding: a ``decimal`` rounding mode.

        Returns:
            Text such as ``"2.10"``; ``"—"`` when the denominator is zero.

        Raises:
            InvalidTerms: ``places`` is not an int from 0 to 10.
        """
        return self._rounded(1, places, rounding)

    def _rounded(self, scale: int, places: int, rounding: str) -> str:
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= _MAX_PLACES:
            raise InvalidTerms("places", places, reason="places", most=_MAX_PLACES)
        if _units(self.denominator) == 0:
            return UNDEFINED_TEXT
        # One division and one rounding, with sixty significant digits. A half-way case (1 ÷ 8 = 12.5 %)
        # has at most 11 decimals and 21 integer digits, so it is computed exactly and stays half-way;
        # any other quotient lies at least 1 / (denominator · 10^11) ≈ 10^-30 from a half-way point,
        # far beyond the 10^-39 error of a 60-digit division of 64-bit amounts.
        with localcontext() as context:
            context.prec = 60
            exact = Decimal(_units(self.numerator)) * scale / Decimal(_units(self.denominator))
            return str(exact.quantize(Decimal(1).scaleb(-places), rounding=rounding))

    def __str__(self) -> str:
        """``"2.50% = ¥12,000.00 ÷ ¥480,000.00"``: the rate and what it is a rate of."""
        if isinstance(self.numerator, int):
            return f"{self.percent} = {self.numerator:,} ÷ {self.denominator:,}"
        return f"{self.percent} = {self.numerator} ÷ {self.denominator}"
