"""增收: how much the households helped gained in income, per household and per person (人均增收).

Programme reports give their outcome as an average gain — 丰宁's 少生快富 "扶持计生贫困户1100多户，人均增收
3000多元" (seed 001). The gain of one household is its income as last observed by a date (an ``income``
record, :func:`revolve.households.latest_income`) less its income before aid (``income_before`` on its
file); the averages divide the total gain by the households, and by the persons in them (家庭人口).

Only households with both figures and a counted size are in the averages; the result says how many
households and persons it counted, so a reader can see what the figure rests on. A household whose income
fell counts with a negative gain. Pure: no clock, no storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP

from revolve.households import Household, HouseholdRecord, latest_income
from revolve.money import Money
from revolve.rounding import div_round

__all__ = ["IncomeGain", "income_gain"]


def _average(total: Money, count: int) -> Money:
    """``total / count`` to the fen, half away from zero; zero when there is nothing to divide by."""
    if count == 0:
        return Money(0)
    magnitude = div_round(abs(total.fen), count, ROUND_HALF_UP)
    return Money(magnitude if total.fen >= 0 else -magnitude)


@dataclass(frozen=True, slots=True)
class IncomeGain:
    """The income gain of the households helped, with what it was computed from.

    Attributes:
        households: households counted (income before aid, an income observed by the date, a size).
        persons: the persons in them (Σ 家庭人口).
        before: their total annual income before aid.
        after: their total annual income as last observed.
        total: ``after − before``.
        per_household: ``total ÷ households``, to the fen (户均增收).
        per_person: ``total ÷ persons``, to the fen (人均增收).
    """

    households: int
    persons: int
    before: Money
    after: Money
    total: Money
    per_household: Money
    per_person: Money


def income_gain(
    households: Iterable[Household], records: Sequence[HouseholdRecord], *, as_of: date
) -> IncomeGain:
    """The income gain of ``households`` as of ``as_of``.

    Args:
        households: the households helped.
        records: their records (any kinds, any order; records of other households are ignored).
        as_of: the date: incomes observed later are ignored.

    Returns:
        The totals and the averages over the households that have an income before aid, an income
        observed on or before ``as_of`` and a counted size.
    """
    by_household: dict[int, list[HouseholdRecord]] = {}
    for record in records:
        by_household.setdefault(record.household_id, []).append(record)
    counted, persons = 0, 0
    before, after = Money(0), Money(0)
    for h in households:
        observed = latest_income(by_household.get(h.id, []), as_of)
        if h.income_before is None or observed is None or h.persons is None:
            continue
        counted += 1
        persons += h.persons
        before += h.income_before
        after += observed
    total = after - before
    return IncomeGain(
        counted, persons, before, after, total, _average(total, counted), _average(total, persons)
    )
