"""Funds: one book (资金池) per project office.

A fund belongs to one organisation and keeps its own accounts under one chart. Nothing but an explicit
inter-fund transfer moves money between funds, so a province can consolidate — or shard — by fund.
A fund may be closed through a date (月结/季结): nothing can then be dated on or before it.

Every value date a fund's books take lies in the fund's plausibility window (:func:`check_window`): from
:data:`EARLIEST_VALUE_DATE` up to today plus the fund's ``date_window_years`` (:data:`DEFAULT_WINDOW_YEARS`
unless set with ``ledger.set_date_window``). A repayment dated 9999 or a loan dated 1900 is a typing
error, refused before it reaches the books.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from revolve.errors import DateOutsideWindow, PeriodClosed
from revolve.money import Money
from revolve.ratios import Ratio

__all__ = [
    "DEFAULT_WINDOW_YEARS",
    "EARLIEST_VALUE_DATE",
    "Fund",
    "FundFigures",
    "check_open",
    "check_window",
    "loan_round",
    "needs_window",
    "window_end",
]

DEFAULT_WINDOW_YEARS = 1
"""How many years past today a fund takes value dates unless ``ledger.set_date_window`` says otherwise:
a schedule's due dates are generated, not posted, so no honest entry is dated further ahead."""

EARLIEST_VALUE_DATE = date(1990, 1, 1)
"""The earliest value date any fund takes: 幸福工程 began in 1995, so books kept from its first years
(1998 and on) are inside it, and a date before it is a typing error (a year 1016 for 2016)."""


@dataclass(frozen=True, slots=True)
class Fund:
    """A fund as stored: identity, owner, chart, the date it is closed through, and the latest date its
    interest, fees and subsidies were accrued through (a period close; it never moves back, even when a
    period is reopened, because the accruals stay posted)."""

    id: int
    code: str
    name: str
    org_id: int
    chart: str
    closed_through: date | None = None
    accrued_through: date | None = None
    chain_key_id: str | None = None
    """The fingerprint of the key the fund's chain is keyed under (None: the bare SHA-256 chain)."""


def check_open(fund: Fund, on: date) -> None:
    """Refuse a value date on or before the date the fund is closed through (月结/季结).

    The one rule every operation and every posted entry follows; a faithful retry of an entry posted
    before the close is answered without asking it (see :mod:`revolve.ledger`).

    Raises:
        PeriodClosed: ``on`` is in a closed period.
    """
    if fund.closed_through is not None and on <= fund.closed_through:
        raise PeriodClosed(on, closed_through=fund.closed_through, fund_id=fund.id, fund=fund.code)


def window_end(today: date, years: int) -> date:
    """The last value date a fund with a window of ``years`` takes on ``today`` (29 February → 28th)."""
    year = min(today.year + years, date.max.year)
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def needs_window(on: date, *, today: date) -> bool:
    """Whether ``on`` may lie outside some fund's window: before :data:`EARLIEST_VALUE_DATE` or after
    ``today`` (every window takes the days between, so the write path reads a fund's window only then)."""
    return on < EARLIEST_VALUE_DATE or on > today


def check_window(on: date, *, today: date, years_ahead: int = DEFAULT_WINDOW_YEARS) -> None:
    """Refuse a value date no fund would see: before :data:`EARLIEST_VALUE_DATE`, or more than
    ``years_ahead`` (the fund's window) past ``today``.

    Raises:
        DateOutsideWindow: ``on`` is outside the window; the message says the window and how to widen it.
    """
    latest = window_end(today, years_ahead)
    if on < EARLIEST_VALUE_DATE or on > latest:
        raise DateOutsideWindow(on, earliest=EARLIEST_VALUE_DATE, latest=latest, window_years=years_ahead)


def loan_round(*, disbursed_before: Money, capital: Money) -> int:
    """A loan's round (轮次): ⌊principal the fund disbursed before it ÷ capital contributed⌋ + 1.

    The documented definition (DESIGN §8, domain.md §7.9): money is fungible, so the first loans that
    together lend out the capital once are round 1, the next capital's worth round 2, and so on. A fund
    with no capital yet counts every loan in round 1.
    """
    if capital.fen <= 0:
        return 1
    return disbursed_before.fen // capital.fen + 1


@dataclass(frozen=True, slots=True)
class FundFigures:
    """A fund's headline figures, computed from its books as of a date.

    Every rate carries its numerator and denominator (domain.md §11).
    """

    fund: Fund
    as_of: date | None
    capital_by_source: dict[str, Money]
    capital: Money
    disbursed: Money
    households_served: int
    loans: int
    outstanding: Money
    cash: Money
    available: Money
    turnover: Ratio
    """滚动次数: cumulative principal disbursed ÷ capital (contributions and allocations received, less
    allocations given: :mod:`revolve.allocations`)."""
    max_round: int
    written_off: Money
    recovered_after_write_off: Money
