"""Checks of plain values the core's records share: a date without a time of day, a whole number.

Each returns the value it was given, or raises the typed refusal naming the field.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from revolve.errors import InvalidDate, InvalidEntry, InvalidTerms

__all__ = ["check_choice", "check_date", "check_term_date", "check_whole"]

_Choice = TypeVar("_Choice", bound=StrEnum)


def check_date(field: str, value: object) -> date:
    """``value`` if it is a ``datetime.date`` (a ``datetime``, with its time of day, is refused).

    Raises:
        InvalidDate: anything else; the message names ``field``.
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidDate(value, reason=f"{field} must be a datetime.date (without a time of day)")
    return value


def check_term_date(field: str, value: object) -> date:
    """:func:`check_date` for a date that is part of a loan's terms (a start, a due date).

    Raises:
        InvalidTerms: not a plain ``datetime.date``; it names ``field`` and carries ``value``.
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidTerms(field, value, reason="give a datetime.date (without a time of day)")
    return value


def check_whole(field: str, value: object, *, minimum: int) -> int:
    """``value`` if it is an ``int`` (not a ``bool``) of at least ``minimum``.

    Raises:
        InvalidTerms: anything else; it names ``field`` and carries ``value``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTerms(field, value, reason="give a whole number (an int)")
    if value < minimum:
        raise InvalidTerms(field, value, reason=f"it must be at least {minimum}")
    return value


def check_choice(kind: type[_Choice], field: str, value: object) -> _Choice:
    """``kind(value)``: a member of the enum ``kind``, given as itself or as its value.

    Raises:
        InvalidEntry: a value outside the choices; the message lists them.
    """
    if isinstance(value, str):  # a member of the enum is a str too
        try:
            return kind(value)
        except ValueError:
            pass
    choices = ", ".join(repr(m.value) for m in kind)
    raise InvalidEntry(field, value, reason=f"choose one of {choices}")
