"""Checks of plain values the core's records share: a date without a time of day, a whole number, an
amount of money, a rate and a rounding mode.

Each returns the value it was given (a rate converted to a ``Decimal`` when asked), or raises the typed
refusal naming the field. A value that is one of a loan's terms is refused as ``InvalidTerms``; other
values with the error of their kind (``InvalidDate``, ``MoneyTypeError``, ``InvalidAmount``,
``InvalidRate``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from enum import StrEnum
from typing import TypeVar

from revolve.errors import InvalidAmount, InvalidDate, InvalidEntry, InvalidRate, InvalidTerms, MoneyTypeError
from revolve.money import Money

__all__ = [
    "ROUNDINGS",
    "check_choice",
    "check_date",
    "check_money",
    "check_rate",
    "check_rounding",
    "check_term_date",
    "check_whole",
    "ref_of",
]

ROUNDINGS = frozenset(
    {ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_HALF_DOWN, ROUND_DOWN, ROUND_UP, ROUND_FLOOR, ROUND_CEILING}
)
"""The ``decimal`` rounding modes an amount may be rounded to the fen with (ROUND_05UP is not one)."""

# 100 % a year. Above it a rate is almost surely a percentage typed as a fraction (Decimal("4.9") for
# 4.9 %); refusing it also bounds the size of the exact integer arithmetic done with rates.
_MAX_ANNUAL_RATE = Decimal(1)

_Choice = TypeVar("_Choice", bound=StrEnum)


def check_date(field: str, value: object) -> date:
    """``value`` if it is a ``datetime.date`` (a ``datetime``, with its time of day, is refused).

    Raises:
        InvalidDate: anything else; the message names ``field``.
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidDate(value, reason="not_date", field=field)
    return value


def check_term_date(field: str, value: object) -> date:
    """:func:`check_date` for a date that is part of a loan's terms (a start, a due date).

    Raises:
        InvalidTerms: not a plain ``datetime.date``; it names ``field`` and carries ``value``.
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidTerms(field, value, reason="date")
    return value


def check_whole(field: str, value: object, *, minimum: int) -> int:
    """``value`` if it is an ``int`` (not a ``bool``) of at least ``minimum``.

    Raises:
        InvalidTerms: anything else; it names ``field`` and carries ``value``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTerms(field, value, reason="whole_number")
    if value < minimum:
        raise InvalidTerms(field, value, reason="at_least", minimum=minimum)
    return value


def check_money(field: str, value: object, *, positive: bool = False, terms: bool = False) -> Money:
    """``value`` if it is ``Money`` of zero or more (more than zero when ``positive``).

    Args:
        field: the name the refusal gives the value.
        value: what was given.
        positive: refuse zero as well as a negative amount.
        terms: the amount is one of a loan's terms (its principal, an instalment multiple, what is
            outstanding when it is rescheduled): a value of the wrong kind or sign is refused as
            ``InvalidTerms`` naming ``field`` — but a ``float`` always as ``MoneyTypeError``.

    Raises:
        MoneyTypeError: not ``Money`` (with ``terms``, only a ``float``).
        InvalidAmount: a negative amount, or zero when ``positive`` (not with ``terms``).
        InvalidTerms: with ``terms``: neither ``Money`` nor a ``float``, or of the wrong sign.
    """
    if not isinstance(value, Money):
        if terms and not isinstance(value, float):
            raise InvalidTerms(field, value, reason="money")
        raise MoneyTypeError(value, reason="field", field=field)
    if value.is_negative() or (positive and value.is_zero()):
        if terms:
            raise InvalidTerms(field, value, reason="positive" if positive else "not_negative")
        raise InvalidAmount(value, reason="positive" if positive else "not_negative", field=field)
    return value


def check_rate(
    field: str, value: object, *, positive: bool = False, monthly: bool = False, convert: bool = False
) -> Decimal:
    """``value`` if it is a finite ``Decimal`` rate from 0 (above 0 when ``positive``) to 100 % a year.

    Args:
        field: the name the refusal gives the value.
        value: what was given; a ``float`` is never exact and is always refused.
        positive: refuse a zero rate as well as a negative one.
        monthly: ``value`` is a monthly rate (月利率): the 100 % bound applies to twelve times it.
        convert: also accept an ``int`` or a decimal ``str`` (``"0.049"``), returned as a ``Decimal``.

    Returns:
        The rate as a ``Decimal``.

    Raises:
        InvalidRate: anything else; the message names ``field`` and the error carries ``value``.
    """
    if isinstance(value, Decimal):
        rate = value
    elif convert and isinstance(value, int) and not isinstance(value, bool):
        rate = Decimal(value)
    elif convert and isinstance(value, str):
        try:
            rate = Decimal(value.strip())
        except ArithmeticError:
            raise InvalidRate(value, reason="decimal_text", field=field) from None
    else:
        # a float is never exact: 0.049 is 0.04900000000000000105…
        raise InvalidRate(value, reason="decimal", field=field)
    if not rate.is_finite():
        raise InvalidRate(value, reason="not_finite", field=field)
    if rate < 0 or (positive and rate == 0):
        raise InvalidRate(value, reason="not_positive" if positive else "negative", field=field)
    if (rate * 12 if monthly else rate) > _MAX_ANNUAL_RATE:
        raise InvalidRate(
            value,
            reason="over_100",
            field=field,
        )
    return rate


def check_rounding(field: str, value: object) -> str:
    """``value`` if it is one of the :data:`ROUNDINGS` (``ROUND_HALF_UP``, ``ROUND_HALF_EVEN``, …).

    Raises:
        InvalidTerms: anything else; it names ``field`` and carries ``value``.
    """
    if not isinstance(value, str) or value not in ROUNDINGS:
        raise InvalidTerms(field, value, reason="choice", choices=", ".join(sorted(ROUNDINGS)))
    return value


def check_choice(kind: type[_Choice], field: str, value: object, *, terms: bool = False) -> _Choice:
    """``kind(value)``: a member of the enum ``kind``, given as itself or as its value.

    Raises:
        InvalidEntry: a value outside the choices (``InvalidTerms`` when it is one of a loan's ``terms``);
            the message lists them.
    """
    if isinstance(value, kind):
        return value
    if isinstance(value, str):  # a member of the enum is a str too
        try:
            return kind(value)
        except ValueError:
            pass
    choices = ", ".join(repr(m.value) for m in kind)
    if terms:
        raise InvalidTerms(field, value, reason="choice", choices=choices)
    raise InvalidEntry(field, value, reason="choice", choices=choices)


def ref_of(value: object) -> int | str:
    """The id or code a record is named by in a call: the record's own id when given the record (a
    ``Fund``, ``Loan``, ``Household``, …), or the id or code given.

    Raises:
        InvalidEntry: something that is neither a record with an id, nor an id, nor a code.
    """
    if isinstance(value, int | str):
        return value
    ident = getattr(value, "id", None)
    if not isinstance(ident, int):
        raise InvalidEntry("reference", value, reason="reference")
    return ident
