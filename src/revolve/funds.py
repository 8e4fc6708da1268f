"""Funds: one book (资金池) per project office.

A fund belongs to one organisation and keeps its own accounts under one chart. Nothing but an explicit
inter-fund transfer moves money between funds, so a province can consolidate — or shard — by fund.
A fund may be closed through a date (月结/季结): nothing can then be dated on or before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from revolve.money import Money

__all__ = ["Fund", "loan_round"]


@dataclass(frozen=True, slots=True)
class Fund:
    """A fund as stored: identity, owner, chart and the date it is closed through."""

    id: int
    code: str
    name: str
    org_id: int
    chart: str
    closed_through: date | None = None


def loan_round(*, disbursed_before: Money, capital: Money) -> int:
    """A loan's round (轮次): ⌊principal the fund disbursed before it ÷ capital contributed⌋ + 1.

    The documented definition (DESIGN §8, domain.md §7.9): money is fungible, so the first loans that
    together lend out the capital once are round 1, the next capital's worth round 2, and so on. A fund
    with no capital yet counts every loan in round 1.
    """
    if capital.fen <= 0:
        return 1
    return disbursed_before.fen // capital.fen + 1
