"""Loans: how payments are applied to what falls due, how late a loan is, and the portfolio's ageing.

**Allocation is a waterfall.** A loan's dues are a row of buckets: instalments oldest first (by due date,
then number), and inside each instalment its components in a configurable order — penalty (罚息), fee
(管理费), interest (利息), principal (本金) by default (DESIGN.md §6, domain.md §6.5). Money paid fills
the buckets in that row, each to the brim before the next. A payment therefore fills the buckets after
the first ``already_paid`` fen, and the whole repayment state of a loan — what each instalment has
received, what is owed, how many days it is past due — is a function of one number: the cumulative
amount paid. Two payments allocate exactly as one payment of their sum.

**Days past due** (逾期天数) count from the due date of the oldest instalment, due on or before the as-of
date, that the cumulative payments have not settled: ``as_of - due_date`` in days (so an instalment due
today and unpaid is 0 days past due; tomorrow it is 1).

**Ageing and PAR.** Loans fall in buckets by days past due — current, 1–30, 31–60, 61–90, more than 90
(DESIGN.md §6) — each with a count and an outstanding principal. PAR30 (portfolio at risk, domain.md
§11) is the outstanding principal of loans more than 30 days past due ÷ all outstanding principal,
returned as its numerator and denominator, never as a bare percentage.

Invariants (proved by the tests): an allocation never applies more than the payment; its parts sum to the
payment less what is unapplied; no bucket is ever overfilled; ``owed`` falls by exactly what a payment
applies; the ageing buckets partition the loans; a PAR numerator never exceeds its denominator.

Everything here is pure: no clock, no storage; the as-of date is an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from revolve.checks import check_date, check_whole
from revolve.errors import InvalidAmount, InvalidTerms, MoneyTypeError
from revolve.money import Money
from revolve.ratios import Ratio

__all__ = [
    "DEFAULT_ORDER",
    "Ageing",
    "AgeingBucket",
    "AgeingLine",
    "AllocatedPart",
    "Allocation",
    "Component",
    "Due",
    "DueState",
    "ageing",
    "allocate",
    "bucket_for",
    "days_past_due",
    "due_by",
    "outstanding_principal",
    "owed",
    "states",
]


_NOTHING = Money(0)  # a module-level default: Money is immutable, so sharing it is safe


class Component(StrEnum):
    """A part of what an instalment asks for; payments fill them in an order (see DEFAULT_ORDER)."""

    PENALTY = "penalty"
    """罚息: penalty interest on overdue amounts."""
    FEE = "fee"
    """管理费: the project office's management fee."""
    INTEREST = "interest"
    """利息: interest."""
    PRINCIPAL = "principal"
    """本金: principal, which returns to the revolving pool."""

    @property
    def label_zh(self) -> str:
        """The Chinese name used on statements."""
        return _COMPONENT_LABELS[self]


_COMPONENT_LABELS = {
    Component.PENALTY: "罚息",
    Component.FEE: "管理费",
    Component.INTEREST: "利息",
    Component.PRINCIPAL: "本金",
}

DEFAULT_ORDER: tuple[Component, ...] = (
    Component.PENALTY,
    Component.FEE,
    Component.INTEREST,
    Component.PRINCIPAL,
)
"""Within one instalment: penalty → fee → interest → principal (DESIGN.md §6; domain.md §6.5)."""


# ---- checks ---------------------------------------------------------------------------------------


def _check_money(field: str, value: object, *, positive: bool = False) -> Money:
    if not isinstance(value, Money):
        raise MoneyTypeError(value, hint=f"{field} must be Money")
    if value.is_negative() or (positive and value.is_zero()):
        raise InvalidAmount(value, reason=f"{field} must be {'positive' if positive else 'zero or more'}")
    return value


# iterating an Enum builds a new list each time; these are asked for on every payment
_COMPONENTS = tuple(Component)
_COMPONENT_SET = frozenset(_COMPONENTS)


def _check_order(order: Sequence[Component]) -> tuple[Component, ...]:
    chosen = tuple(order)
    if len(chosen) != len(_COMPONENTS) or set(chosen) != _COMPONENT_SET:
        names = ", ".join(component.value for component in _COMPONENTS)
        raise InvalidTerms("order", order, reason=f"list each of {names} exactly once")
    return chosen


def _ordered_dues(dues: Sequence[Due]) -> list[Due]:
    """The dues oldest first (by due date, then number), refusing non-dues and repeated numbers."""
    numbers: set[int] = set()
    for due in dues:
        if not isinstance(due, Due):
            raise InvalidTerms("dues", due, reason="give Due values")
        if due.number in numbers:
            raise InvalidTerms("number", due.number, reason="two dues share this instalment number")
        numbers.add(due.number)
    return sorted(dues, key=lambda due: (due.due_date, due.number))


# ---- dues and allocations -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Due:
    """What one instalment asks for (本期应还), whatever schedule it came from.

    Attributes:
        number: the instalment number (期数); 0 may be used for an up-front fee due at disbursement.
        due_date: the repayment date (还款日).
        principal: principal due.
        interest: interest due.
        fee: management fee due.
        penalty: penalty interest charged on it so far (罚息), zero unless given.

    Raises:
        InvalidTerms: ``number`` is not a non-negative int.
        InvalidDate: ``due_date`` is not a date.
        MoneyTypeError, InvalidAmount: an amount that is not Money or is negative.
    """

    number: int
    due_date: date
    principal: Money
    interest: Money
    fee: Money
    penalty: Money = _NOTHING

    def __post_init__(self) -> None:
        if (
            type(self.number) is int
            and self.number >= 0
            and type(self.due_date) is date
            and type(self.principal) is Money
            and type(self.interest) is Money
            and type(self.fee) is Money
            and type(self.penalty) is Money
            and min(self.principal.fen, self.interest.fen, self.fee.fen, self.penalty.fen) >= 0
        ):
            return  # the common case, checked at once; anything else is told apart below
        check_whole("number", self.number, minimum=0)
        check_date("due_date", self.due_date)
        for name, value in (
            ("penalty", self.penalty),
            ("fee", self.fee),
            ("interest", self.interest),
            ("principal", self.principal),
        ):
            _check_money(name, value)

    def amount_of(self, component: Component) -> Money:
        """The amount of one component (e.g. ``Component.FEE`` → ``fee``)."""
        if component is Component.PENALTY:
            return self.penalty
        if component is Component.FEE:
            return self.fee
        if component is Component.INTEREST:
            return self.interest
        return self.principal

    @property
    def total(self) -> Money:
        """Principal + interest + fee + penalty (本期应还合计)."""
        return Money.total((self.principal, self.interest, self.fee, self.penalty))


@dataclass(frozen=True, slots=True)
class AllocatedPart:
    """Money a payment put into one bucket: one component of one instalment.

    Attributes:
        number: the instalment number.
        component: which component.
        amount: how much, positive.
    """

    number: int
    component: Component
    amount: Money


@dataclass(frozen=True, slots=True)
class Allocation:
    """How a payment was applied.

    Attributes:
        parts: the buckets it filled, in waterfall order (oldest instalment first, components in the
            allocation order); only buckets that received money appear.
        unapplied: what was left once every bucket was full (an overpayment, 多缴); zero or more.
    """

    parts: tuple[AllocatedPart, ...]
    unapplied: Money

    def _component(self, component: Component) -> Money:
        return Money.total(part.amount for part in self.parts if part.component is component)

    @property
    def principal(self) -> Money:
        """Applied to principal (本金)."""
        return self._component(Component.PRINCIPAL)

    @property
    def interest(self) -> Money:
        """Applied to interest (利息)."""
        return self._component(Component.INTEREST)

    @property
    def fee(self) -> Money:
        """Applied to fees (管理费)."""
        return self._component(Component.FEE)

    @property
    def penalty(self) -> Money:
        """Applied to penalty interest (罚息)."""
        return self._component(Component.PENALTY)

    @property
    def applied(self) -> Money:
        """Applied in all: the payment less ``unapplied``."""
        return Money.total(part.amount for part in self.parts)

    @property
    def amount(self) -> Money:
        """The whole payment: ``applied + unapplied``."""
        return self.applied + self.unapplied

    def for_installment(self, number: int) -> Money:
        """Applied to one instalment, all components together."""
        return Money.total(part.amount for part in self.parts if part.number == number)


def allocate(
    amount: Money,
    dues: Sequence[Due],
    *,
    already_paid: Money = _NOTHING,
    order: Sequence[Component] = DEFAULT_ORDER,
) -> Allocation:
    """Apply a payment to a loan's dues: the waterfall after the first ``already_paid`` fen.

    Args:
        amount: the payment, positive.
        dues: the loan's instalments, any order (they are taken oldest first).
        already_paid: everything paid on the loan before this payment (it fills the first buckets).
        order: the order of components within an instalment; each of the four exactly once.

    Returns:
        The parts filled and what was left over. Whether an overpayment (``unapplied`` > 0) is
        accepted as a prepayment or refused is the caller's decision.

    Raises:
        MoneyTypeError: ``amount`` or ``already_paid`` is not Money.
        InvalidAmount: ``amount`` is zero or negative, or ``already_paid`` is negative.
        InvalidTerms: an order that is not a permutation of the components, a value that is not a
            :class:`Due`, or two dues with one number.
    """
    _check_money("amount", amount, positive=True)
    _check_money("already_paid", already_paid)
    chosen = _check_order(order)
    skip = already_paid.fen
    left = amount.fen
    parts: list[AllocatedPart] = []
    for due in _ordered_dues(dues):
        for component in chosen:
            if left == 0:
                break
            size = due.amount_of(component).fen
            if skip >= size:
                # This bucket was filled by earlier payments (or holds nothing).
                skip -= size
                continue
            take = min(size - skip, left)
            skip = 0
            parts.append(AllocatedPart(due.number, component, Money(take)))
            left -= take
    return Allocation(parts=tuple(parts), unapplied=Money(left))


# ---- state of the dues under cumulative payments ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueState:
    """An instalment and what the cumulative payments have put into it.

    Attributes:
        due: the instalment.
        penalty_paid: paid towards its penalty.
        fee_paid: paid towards its fee.
        interest_paid: paid towards its interest.
        principal_paid: paid towards its principal.
    """

    due: Due
    penalty_paid: Money
    fee_paid: Money
    interest_paid: Money
    principal_paid: Money

    def paid_of(self, component: Component) -> Money:
        """Paid towards one component."""
        if component is Component.PENALTY:
            return self.penalty_paid
        if component is Component.FEE:
            return self.fee_paid
        if component is Component.INTEREST:
            return self.interest_paid
        return self.principal_paid

    def remaining_of(self, component: Component) -> Money:
        """Still owed on one component."""
        return self.due.amount_of(component) - self.paid_of(component)

    @property
    def paid(self) -> Money:
        """Paid towards the instalment in all (已还)."""
        return Money.total((self.penalty_paid, self.fee_paid, self.interest_paid, self.principal_paid))

    @property
    def remaining(self) -> Money:
        """Still owed on the instalment (未还)."""
        return self.due.total - self.paid

    @property
    def settled(self) -> bool:
        """True when nothing is owed on it (已结清)."""
        return self.remaining.is_zero()


def states(
    dues: Sequence[Due], *, paid: Money, order: Sequence[Component] = DEFAULT_ORDER
) -> tuple[DueState, ...]:
    """What each instalment has received once ``paid`` has run down the waterfall.

    Args:
        dues: the loan's instalments, any order.
        paid: everything paid on the loan so far (all payers: borrower, guarantor's 代偿, pledge).
        order: the order of components within an instalment.

    Returns:
        One state per instalment, oldest first (due date, then number).

    Raises:
        MoneyTypeError, InvalidAmount: ``paid`` is not Money or is negative.
        InvalidTerms: a bad order, a value that is not a :class:`Due`, or two dues with one number.
    """
    _check_money("paid", paid)
    chosen = _check_order(order)
    left = paid.fen
    result: list[DueState] = []
    for due in _ordered_dues(dues):
        filled: dict[Component, Money] = {}
        for component in chosen:
            take = min(due.amount_of(component).fen, left)
            left -= take
            filled[component] = Money(take)
        result.append(
            DueState(
                due=due,
                penalty_paid=filled[Component.PENALTY],
                fee_paid=filled[Component.FEE],
                interest_paid=filled[Component.INTEREST],
                principal_paid=filled[Component.PRINCIPAL],
            )
        )
    return tuple(result)


def owed(dues: Sequence[Due], *, paid: Money) -> Money:
    """Everything the loan still owes, due or not (未还合计).

    Args:
        dues: the loan's instalments.
        paid: everything paid on the loan so far.

    Returns:
        The total of the dues less ``paid``, never below zero (an overpayment owes nothing).

    Raises:
        MoneyTypeError, InvalidAmount: ``paid`` is not Money or is negative.
        InvalidTerms: a value that is not a :class:`Due`, or two dues with one number.
    """
    _check_money("paid", paid)
    total = Money.total(due.total for due in _ordered_dues(dues))
    return max(total - paid, Money(0))


def due_by(dues: Sequence[Due], *, paid: Money, on: date) -> Money:
    """What is owed on the instalments due on or before a date (到期未还).

    Payments fill the oldest instalments first, so this is the total due by ``on`` less ``paid``, never
    below zero, whatever the order of components.

    Args:
        dues: the loan's instalments.
        paid: everything paid on the loan so far.
        on: the date.

    Returns:
        The amount due by ``on`` and not yet paid.

    Raises:
        MoneyTypeError, InvalidAmount: ``paid`` is not Money or is negative.
        InvalidDate: ``on`` is not a date.
        InvalidTerms: a value that is not a :class:`Due`, or two dues with one number.
    """
    _check_money("paid", paid)
    check_date("on", on)
    total = Money.total(due.total for due in _ordered_dues(dues) if due.due_date <= on)
    return max(total - paid, Money(0))


def outstanding_principal(
    dues: Sequence[Due], *, paid: Money, order: Sequence[Component] = DEFAULT_ORDER
) -> Money:
    """Principal not yet repaid (未还本金) — the amount PAR and the ageing weigh a loan by.

    Args:
        dues: the loan's instalments.
        paid: everything paid on the loan so far.
        order: the order of components within an instalment.

    Returns:
        The principal of the dues less what the waterfall has put into principal.

    Raises:
        As :func:`states`.
    """
    return Money.total(
        state.remaining_of(Component.PRINCIPAL) for state in states(dues, paid=paid, order=order)
    )


def days_past_due(
    dues: Sequence[Due], *, paid: Money, as_of: date, order: Sequence[Component] = DEFAULT_ORDER
) -> int:
    """Days past due (逾期天数) as of a date.

    Args:
        dues: the loan's instalments.
        paid: everything paid on the loan by ``as_of``.
        as_of: the date of the report.
        order: the order of components within an instalment.

    Returns:
        ``as_of - due_date`` in days for the oldest instalment due on or before ``as_of`` that ``paid``
        does not settle; 0 when every instalment due by then is settled.

    Raises:
        InvalidDate: ``as_of`` is not a date.
        MoneyTypeError, InvalidAmount, InvalidTerms: as :func:`states`.
    """
    check_date("as_of", as_of)
    for state in states(dues, paid=paid, order=order):
        if state.due.due_date > as_of:
            return 0
        if not state.settled:
            return (as_of - state.due.due_date).days
    return 0


# ---- ageing and PAR ---------------------------------------------------------------------------------


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
                raise InvalidTerms("by_days", dpd, reason="days past due must be distinct and ascending")
            previous = dpd
            if check_whole("count", count, minimum=0) == 0:
                raise InvalidTerms("count", count, reason="a row stands for at least one loan")
            _check_money("principal", principal)

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
        _check_money("outstanding principal", principal)
        check_whole("days_past_due", dpd, minimum=0)
        counts[dpd] = counts.get(dpd, 0) + 1
        amounts[dpd] = amounts.get(dpd, 0) + principal.fen
    return Ageing(tuple((dpd, counts[dpd], Money(amounts[dpd])) for dpd in sorted(counts)))
