"""Ageing and PAR: the portfolio by days past due.

Loans fall in buckets by days past due — current, 1–30, 31–60, 61–90, more than 90 (DESIGN.md §6) — each
with a count and an outstanding principal. PAR30 (portfolio at risk, domain.md §11) is the outstanding
principal of loans more than 30 days past due ÷ all outstanding principal, returned as its numerator and
denominator, never as a bare percentage.

Invariants (proved by the tests): the ageing buckets partition the loans; a PAR numerator never exceeds
its denominator. Pure: no clock, no storage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from revolve.checks import check_money, check_whole
from revolve.errors import InvalidTerms
from revolve.money import Money
from revolve.ratios import Ratio

__all__ = ["Ageing", "AgeingBucket", "AgeingLine", "ageing", "bucket_for"]


class AgeingBucket(StrEnum):
    """A band of days past due (DESIGN.md §6)."""

    CURRENT = "current"
    """0 days past due."""
    DAYS_1_30 = "1-30"
    DAYS_31_60 = "31-60"
    DAYS_61_90 = "61-90"
    OVER_90 = "90+"
    """More than 90 days past due."""

    @property
    def label_zh(self) -> str:
        """The Chinese name used on the 季报表."""
        return _BUCKET_LABELS[self]

    @property
    def lowest(self) -> int:
        """The fewest days past due in the bucket."""
        return _BUCKET_BOUNDS[self][0]

    @property
    def highest(self) -> int | None:
        """The most days past due in the bucket; None for the open-ended last one."""
        return _BUCKET_BOUNDS[self][1]


_BUCKET_LABELS = {
    AgeingBucket.CURRENT: "未逾期",
    AgeingBucket.DAYS_1_30: "逾期1–30天",
    AgeingBucket.DAYS_31_60: "逾期31–60天",
    AgeingBucket.DAYS_61_90: "逾期61–90天",
    AgeingBucket.OVER_90: "逾期90天以上",
}

_BUCKET_BOUNDS: dict[AgeingBucket, tuple[int, int | None]] = {
    AgeingBucket.CURRENT: (0, 0),
    AgeingBucket.DAYS_1_30: (1, 30),
    AgeingBucket.DAYS_31_60: (31, 60),
    AgeingBucket.DAYS_61_90: (61, 90),
    AgeingBucket.OVER_90: (91, None),
}


def bucket_for(dpd: int) -> AgeingBucket:
    """The ageing bucket of a number of days past due.

    Args:
        dpd: days past due, 0 or more.

    Returns:
        ``CURRENT`` for 0, ``DAYS_1_30`` for 1–30, … ``OVER_90`` above 90.

    Raises:
        InvalidTerms: ``dpd`` is not a non-negative int.
    """
    check_whole("days_past_due", dpd, minimum=0)
    for bucket, (_, highest) in _BUCKET_BOUNDS.items():
        if highest is None or dpd <= highest:
            return bucket
    raise AssertionError("unreachable: the last bucket is open-ended")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class AgeingLine:
    """One ageing bucket: how many loans, and their outstanding principal (户数, 金额).

    Attributes:
        bucket: the band of days past due.
        count: the number of loans in it.
        principal: their outstanding principal.
    """

    bucket: AgeingBucket
    count: int
    principal: Money


@dataclass(frozen=True, slots=True)
class Ageing:
    """A portfolio's loans by days past due, from which the buckets and any PAR are read.

    Attributes:
        by_days: ``(days past due, loans, outstanding principal)`` for each distinct number of days,
            ascending. Kept at this grain (rather than per bucket) so that PAR can be taken at any
            threshold, not only at the bucket edges.

    Raises:
        InvalidTerms: days not ascending and distinct, negative days or counts below 1.
        MoneyTypeError, InvalidAmount: a principal that is not Money or is negative.
    """

    by_days: tuple[tuple[int, int, Money], ...]

    def __post_init__(self) -> None:
        previous = -1
        for dpd, count, principal in self.by_days:
            check_whole("days_past_due", dpd, minimum=0)
            if dpd <= previous:
                raise InvalidTerms("by_days", dpd, reason="ascending")
            previous = dpd
            if check_whole("count", count, minimum=0) == 0:
                raise InvalidTerms("count", count, reason="row_count")
            check_money("principal", principal)

    @property
    def lines(self) -> tuple[AgeingLine, ...]:
        """One line per bucket, in bucket order, empty buckets included."""
        counts = dict.fromkeys(AgeingBucket, 0)
        amounts = dict.fromkeys(AgeingBucket, 0)
        for dpd, count, principal in self.by_days:
            bucket = bucket_for(dpd)
            counts[bucket] += count
            amounts[bucket] += principal.fen
        return tuple(AgeingLine(bucket, counts[bucket], Money(amounts[bucket])) for bucket in AgeingBucket)

    def line(self, bucket: AgeingBucket) -> AgeingLine:
        """The line of one bucket."""
        return next(line for line in self.lines if line.bucket is bucket)

    @property
    def count(self) -> int:
        """All loans."""
        return sum(count for _, count, _ in self.by_days)

    @property
    def principal(self) -> Money:
        """All outstanding principal."""
        return Money.total(principal for _, _, principal in self.by_days)

    def par(self, days: int = 30) -> tuple[Money, Money]:
        """Portfolio at risk: (outstanding principal of loans more than ``days`` past due, all of it).

        Args:
            days: the threshold; PAR30 by default, ``days=0`` for PAR1 (any arrears), 90 for PAR90.

        Returns:
            ``(numerator, denominator)``; the numerator never exceeds the denominator.

        Raises:
            InvalidTerms: ``days`` is not a non-negative int.
        """
        check_whole("days", days, minimum=0)
        at_risk = Money.total(principal for dpd, _, principal in self.by_days if dpd > days)
        return at_risk, self.principal

    def par_ratio(self, days: int = 30) -> Ratio:
        """:meth:`par` as a :class:`~revolve.ratios.Ratio` (undefined when nothing is outstanding)."""
        numerator, denominator = self.par(days)
        return Ratio(numerator, denominator)


def ageing(loans: Iterable[tuple[Money, int]]) -> Ageing:
    """Age a portfolio.

    Args:
        loans: ``(outstanding principal, days past due)`` for each loan to include — typically every
            disbursed loan not yet closed or written off, as of the report date.

    Returns:
        The portfolio by days past due.

    Raises:
        MoneyTypeError, InvalidAmount: a principal that is not Money or is negative.
        InvalidTerms: days past due that are not a non-negative int.
    """
    counts: dict[int, int] = {}
    amounts: dict[int, int] = {}
    for principal, dpd in loans:
        check_money("outstanding principal", principal)
        check_whole("days_past_due", dpd, minimum=0)
        counts[dpd] = counts.get(dpd, 0) + 1
        amounts[dpd] = amounts.get(dpd, 0) + principal.fen
    return Ageing(tuple((dpd, counts[dpd], Money(amounts[dpd])) for dpd in sorted(counts)))
