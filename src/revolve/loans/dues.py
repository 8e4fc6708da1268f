"""Dues and the payment waterfall: how payments are applied to what falls due, and how late a loan is.

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

Invariants (proved by the tests): an allocation never applies more than the payment; its parts sum to the
payment less what is unapplied; no bucket is ever overfilled; ``owed`` falls by exactly what a payment
applies.

Everything here is pure: no clock, no storage; the as-of date is an argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from revolve.checks import check_date, check_money, check_whole
from revolve.errors import InvalidTerms
from revolve.money import Money
from revolve.schedule import Schedule

__all__ = [
    "DEFAULT_ORDER",
    "AllocatedPart",
    "Allocation",
    "Component",
    "Due",
    "DueState",
    "DuesReached",
    "InstalmentRow",
    "allocate",
    "as_dues",
    "days_past_due",
    "due_by",
    "instalment_rows",
    "outstanding_principal",
    "owed",
    "reach",
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


# iterating an Enum builds a new list each time; these are asked for on every payment
_COMPONENTS = tuple(Component)
_COMPONENT_SET = frozenset(_COMPONENTS)


def _check_order(order: Sequence[Component]) -> tuple[Component, ...]:
    chosen = tuple(order)
    if len(chosen) != len(_COMPONENTS) or set(chosen) != _COMPONENT_SET:
        names = ", ".join(component.value for component in _COMPONENTS)
        raise InvalidTerms("order", order, reason="order", names=names)
    return chosen


def _ordered_dues(dues: Sequence[Due]) -> list[Due]:
    """The dues oldest first (by due date, then number), refusing non-dues and repeated numbers."""
    numbers: set[int] = set()
    for due in dues:
        if not isinstance(due, Due):
            raise InvalidTerms("dues", due, reason="dues")
        if due.number in numbers:
            raise InvalidTerms("number", due.number, reason="number_twice")
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
            check_money(name, value)

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
    check_money("amount", amount, positive=True)
    check_money("already_paid", already_paid)
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
    check_money("paid", paid)
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
    check_money("paid", paid)
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
    check_money("paid", paid)
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
    check_money("paid", paid)
    _check_order(order)
    # the waterfall fills each instalment whole before the next, whatever the order of its components, so
    # an instalment is settled exactly when ``paid`` covers it and every one before it: no need to build
    # the states (the order is checked all the same, as :func:`states` would)
    left = paid.fen
    for due in _ordered_dues(dues):
        if due.due_date > as_of:
            return 0
        left -= due.penalty.fen + due.fee.fen + due.interest.fen + due.principal.fen
        if left < 0:
            return (as_of - due.due_date).days
    return 0


# ---- instalments as stored, and what a payment reaches ---------------------------------------------------

InstalmentRow = tuple[int, date, int, int, int]
"""One instalment as it is stored and read: (number, due date, principal, interest, fee), amounts in fen."""


def as_dues(rows: Sequence[InstalmentRow]) -> tuple[Due, ...]:
    """Instalment rows as :class:`Due` values, in the order given."""
    return tuple(
        Due(number=n, due_date=d, principal=Money(p), interest=Money(i), fee=Money(f))
        for n, d, p, i, f in rows
    )


@dataclass(frozen=True, slots=True)
class DuesReached:
    """The instalments of a schedule version that a payment reaches, and what the version still owes.

    Payments fill instalments oldest first (by due date, then number), so allocating a payment after
    ``paid`` over every instalment is allocating it after :attr:`paid` over :attr:`dues` alone.

    Attributes:
        owed: the version's dues less what was paid under it, never below zero (:func:`owed`).
        dues: oldest first, from the first instalment not wholly paid to the one in which the payment runs
            out (or to the last one, if it does not run out).
        paid: the part of what was paid that fell on :attr:`dues`.
    """

    owed: Money
    dues: tuple[Due, ...]
    paid: Money


def reach(rows: Sequence[InstalmentRow], *, paid: Money, amount: Money) -> DuesReached:
    """What a payment of ``amount`` after ``paid`` reaches in a schedule version's instalments, given
    oldest first (see :class:`DuesReached`).

    Only those instalments become :class:`Due` values: a payment reaches one or two of a schedule's
    instalments, and making a :class:`Due` costs more than reading its row.
    """
    totals = [p + i + f for _, _, p, i, f in rows]
    skip, first = paid.fen, 0
    while first < len(rows) and totals[first] <= skip:  # wholly paid before
        skip -= totals[first]
        first += 1
    end, reached = first, 0
    while end < len(rows) and reached < skip + amount.fen:
        reached += totals[end]
        end += 1
    return DuesReached(
        owed=Money(max(sum(totals) - paid.fen, 0)), dues=as_dues(rows[first:end]), paid=Money(skip)
    )


def instalment_rows(schedule: Schedule) -> list[InstalmentRow]:
    """A schedule's instalments as they are stored and read, oldest first (by due date, then number).

    An up-front management fee becomes instalment 0, falling due on the day the loan is paid out.
    """
    rows = [(i.number, i.due_date, i.principal.fen, i.interest.fen, i.fee.fen) for i in schedule.installments]
    if schedule.upfront_fee.fen:
        rows.append((0, schedule.terms.start, 0, 0, schedule.upfront_fee.fen))
    rows.sort(key=lambda row: (row[1], row[0]))
    return rows
