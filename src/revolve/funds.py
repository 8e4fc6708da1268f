"""Funds: one book (资金池) per project office.

A fund belongs to one organisation and keeps its own accounts under one chart. Nothing but an explicit
inter-fund transfer moves money between funds, so a province can consolidate — or shard — by fund.
A fund may be closed through a date (月结/季结): nothing can then be dated on or before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["Fund"]


@dataclass(frozen=True, slots=True)
class Fund:
    """A fund as stored: identity, owner, chart and the date it is closed through."""

    id: int
    code: str
    name: str
    org_id: int
    chart: str
    closed_through: date | None = None
