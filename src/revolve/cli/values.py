"""The command line's amounts and rates: text until parsed, then ``Money`` and ``Decimal``.

This is done after argparse, not as its ``type=``: argparse would swallow revolve's ``InvalidAmount`` (a
ValueError) into "invalid value", where revolve's own refusal says why ("finer than a fen", ...). It
lives apart from the grammar so that building the parser imports neither.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

from revolve.errors import InvalidRate
from revolve.money import Money

__all__ = ["convert_options", "parse_rate"]

_MONEY_OPTIONS = (
    "amount",
    "pledge",
    "cap",
    "passbook",
    "lent_before",
    "income_before",
    "income",
    "min_amount",
    "max_amount",
)


def convert_options(args: argparse.Namespace) -> None:
    """Turn the yuan and rate options from text into Money and Decimal.

    This is done after argparse, not as its ``type=``: argparse would swallow the InvalidAmount (a
    ValueError) into "invalid value", where revolve's own refusal says why ("finer than a fen", ...).
    """
    for name in _MONEY_OPTIONS:
        value = getattr(args, name, None)
        if isinstance(value, str):
            setattr(args, name, Money.of_yuan(value))
    rate = getattr(args, "rate", None)
    if isinstance(rate, str):
        args.rate = parse_rate(rate)


def parse_rate(text: str) -> Decimal:
    """A yearly rate from text: ``0.049`` or ``4.9%``; never a float."""
    body = text.strip()
    percent = body.endswith(("%", "％"))
    try:
        rate = Decimal(body.rstrip("%％").strip())
    except InvalidOperation:
        raise InvalidRate(text, reason="yearly") from None
    if not rate.is_finite():
        raise InvalidRate(text, reason="yearly")
    return rate / 100 if percent else rate
