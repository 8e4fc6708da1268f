"""逾期率 by 乡镇 and by village: the overdue portfolio grouped by where the borrowers live — pure, no I/O.

A household's file names the org it lives in (``Household.org_id``, a village or a town of the org tree).
:func:`area_of` finds the ancestor of that org at a level (乡镇 = ``OrgLevel.TOWN``, 村 =
``OrgLevel.VILLAGE``); :func:`overdue_by_area` sums, per such area, the outstanding principal of the loans
past due and all outstanding principal at a date. Every loan with principal outstanding falls in exactly
one area (``None`` when the household names no org, or none at that level), so the areas' numerators and
denominators add up to the fund's 逾期率 (:attr:`revolve.metrics.PeriodFigures.overdue_rate`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from revolve.metrics import Positions
from revolve.money import Money
from revolve.orgs import Org, OrgLevel
from revolve.portfolio import Portfolio
from revolve.ratios import Ratio

__all__ = ["AreaOverdue", "area_of", "combine_areas", "overdue_by_area"]


@dataclass(frozen=True, slots=True)
class AreaOverdue:
    """One area's overdue portfolio at a date.

    Attributes:
        area_id: the town's or village's org id; None for households of no known area.
        overdue: outstanding principal of loans with any instalment past due.
        outstanding: all outstanding principal of the area's loans.
        loans_overdue: how many loans are past due.
    """

    area_id: int | None
    overdue: Money
    outstanding: Money
    loans_overdue: int

    @property
    def overdue_rate(self) -> Ratio:
        """逾期率 of the area: overdue ÷ outstanding."""
        return Ratio(self.overdue, self.outstanding)


def area_of(orgs: Iterable[Org], level: OrgLevel) -> dict[int, int | None]:
    """Each org's ancestor (or itself) at ``level``, or None when it has none (an org above that level).

    Args:
        orgs: the org tree (every node whose ancestors are needed, with those ancestors).
        level: ``OrgLevel.TOWN`` for 乡镇, ``OrgLevel.VILLAGE`` for 村.
    """
    by_id = {o.id: o for o in orgs}
    found: dict[int, int | None] = {}
    for org in by_id.values():
        node: Org | None = org
        while node is not None and node.level > level:
            node = by_id.get(node.parent_id) if node.parent_id is not None else None
        found[org.id] = node.id if node is not None and node.level == level else None
    return found


def overdue_by_area(
    portfolio: Portfolio,
    *,
    on: date,
    areas: Mapping[int, int | None],
    positions: Positions | None = None,
) -> list[AreaOverdue]:
    """The fund's overdue portfolio at ``on``, by area.

    Args:
        portfolio: the fund's snapshot.
        on: the date (a period's end).
        areas: each org id's area (:func:`area_of`); a household's org missing from it is of no area.
        positions: the loans' positions shared with the portfolio's other figures
            (:class:`revolve.metrics.Positions`); made afresh when not given.

    Returns:
        One line per area with principal outstanding, ordered by area id (no area last).

    Raises:
        ValueError: the portfolio sums up loans settled before a day after ``on`` (a loan settled before
            ``on`` has nothing outstanding then, so it is in no line), or ``positions`` are of another
            portfolio.
    """
    if portfolio.settled is not None and on < portfolio.settled.before:
        raise ValueError(
            f"the portfolio sums up the loans settled before {portfolio.settled.before}, not {on}"
        )
    org_of = {h.id: h.org_id for h in portfolio.households}
    known = Positions(portfolio) if positions is None else positions.of(portfolio)
    sums: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    for loan in portfolio.loans:
        if loan.disbursed_on > on:
            continue
        position = known.at(loan, on)
        if position.outstanding.fen <= 0:
            continue
        org = org_of.get(loan.household_id)
        line = sums[areas.get(org) if org is not None else None]
        line[1] += position.outstanding.fen
        if position.days_past_due > 0:
            line[0] += position.outstanding.fen
            line[2] += 1
    return _lines(sums)


def combine_areas(parts: Iterable[Sequence[AreaOverdue]]) -> list[AreaOverdue]:
    """Several funds' lines (an org's subtree) as one list: the lines of an area add."""
    sums: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    for lines in parts:
        for line in lines:
            s = sums[line.area_id]
            s[0] += line.overdue.fen
            s[1] += line.outstanding.fen
            s[2] += line.loans_overdue
    return _lines(sums)


def _lines(sums: Mapping[int | None, list[int]]) -> list[AreaOverdue]:
    order = sorted(sums, key=lambda a: (a is None, a or 0))
    return [AreaOverdue(a, Money(sums[a][0]), Money(sums[a][1]), sums[a][2]) for a in order]
