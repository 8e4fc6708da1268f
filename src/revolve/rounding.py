"""Rounding an exact amount of fen to a whole fen, with a ``decimal`` rounding mode.

Schedules and interest subsidies compute each amount exactly — an integer ratio of fen — and round it
once; this is where. The modes are those of :data:`revolve.checks.ROUNDINGS`, compared by name, so the
arithmetic stays in integers and never passes through a ``Decimal`` approximation.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP

__all__ = ["div_round"]


def div_round(numerator: int, denominator: int, rounding: str) -> int:
    """``numerator / denominator`` rounded to an int with the rounding mode ``rounding``.

    Args:
        numerator: a non-negative int.
        denominator: a positive int.
        rounding: one of :data:`revolve.checks.ROUNDINGS`; for a non-negative quotient ROUND_FLOOR is
            ROUND_DOWN, ROUND_CEILING is ROUND_UP, and ROUND_HALF_DOWN rounds an exact half down.

    Returns:
        The rounded quotient.
    """
    if rounding == ROUND_HALF_UP:
        return (2 * numerator + denominator) // (2 * denominator)
    quotient, remainder = divmod(numerator, denominator)
    if remainder == 0 or rounding in (ROUND_DOWN, ROUND_FLOOR):
        return quotient
    if rounding in (ROUND_UP, ROUND_CEILING):
        return quotient + 1
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and rounding == ROUND_HALF_EVEN and quotient & 1):
        return quotient + 1
    return quotient
