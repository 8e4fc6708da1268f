"""Bulk calls: how a call on many items checks its items, marks a refusal with its position, and runs.

``register_households``, ``disburse_many`` and ``repay_many`` take a list of items of one kind, check and
decide them in order exactly as the single operation would, and write them in one transaction: all of
them, or none. A refusal is the single operation's typed error with ``item`` set to the position (from 0)
of the item refused and a note naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TypeVar

from revolve.errors import InvalidEntry, RevolveError

# the collector paused for a bulk call: the one pause revolve has (the roll-up uses it too)
from revolve.portfolio import cycle_collector_paused as collector_paused

__all__ = ["Mark", "collector_paused", "item", "items", "refused", "unmarked"]

_Item = TypeVar("_Item")

Mark = Callable[[int, str], AbstractContextManager[None]]
"""How a shared path marks a refusal: with the item's position in a bulk call, or not at all in a single one."""


@contextmanager
def unmarked(index: int, label: str) -> Iterator[None]:
    """A single operation's refusals are left as they are."""
    yield


@contextmanager
def item(index: int, label: str) -> Iterator[None]:
    """Mark a refusal raised inside as that of item ``index`` of a bulk operation."""
    try:
        yield
    except RevolveError as exc:
        refused(exc, index, label)
        raise


def refused(exc: RevolveError, index: int, label: str) -> None:
    """Mark ``exc`` as the refusal of item ``index`` of a bulk operation (as :func:`item` does), for a loop
    that catches a refusal once around all its items rather than entering :func:`item` per item."""
    exc.item = index
    exc.add_note(f"item {index} ({label}) of the batch was refused; nothing was written")


def items(given: Iterable[_Item], kind: type[_Item]) -> list[_Item]:
    """The items of a bulk call, refusing (with its position) one that is not of ``kind``.

    Raises:
        InvalidEntry: an item of another type, with ``item`` set to its position.
    """
    listed = list(given)
    for index, one in enumerate(listed):
        if not isinstance(one, kind):
            error = InvalidEntry("items", one, reason="item_type", kind=kind.__name__)
            error.item = index
            raise error
    return listed
