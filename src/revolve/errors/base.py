"""The base of every refusal revolve makes.

Part of :mod:`revolve.errors`, whose docstring draws the whole hierarchy.
"""

from __future__ import annotations

__all__ = [
    "RevolveError",
]


class RevolveError(Exception):
    """Base class of every refusal revolve makes."""

    item: int | None = None
    """In a bulk operation (``repay_many``, ``disburse_many``, ...): the position, from 0, of the item
    refused; the whole batch was refused with it."""
