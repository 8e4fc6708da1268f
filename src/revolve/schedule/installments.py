"""Instalments (一期) and the repayment schedule (还款计划) they make up, and how they are built.

* :class:`Installment` — one due date with its principal, interest, fee, total and the principal
  balance left after it;
* :class:`Schedule` — the terms, the instalments in due-date order and an up-front fee, with totals;
* :func:`assemble` — the one place the frozen values are built, from integer columns of fen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import accumulate, repeat
from operator import sub

from revolve.errors import AmountOutOfRange
from revolve.money import FEN_MAX, Money
from revolve.schedule.terms import LoanTerms

__all__ = ["Installment", "Schedule", "assemble"]


@dataclass(frozen=True, slots=True)
class Installment:
    """One instalment (一期): what falls due on one date, and the principal left after paying it.

    Attributes:
        number: 1, 2, … in due-date order (期数).
        due_date: the repayment date (还款日).
        principal: principal due (应还本金).
        interest: interest due (应还利息).
        fee: management fee due (管理费).
        balance_after: principal outstanding once this instalment is paid (剩余本金).
    """

    number: int
    due_date: date
    principal: Money
    interest: Money
    fee: Money
    balance_after: Money

    @property
    def total(self) -> Money:
        """Principal + interest + fee (本期应还合计)."""
        return Money(self.principal.fen + self.interest.fen + self.fee.fen)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A repayment schedule: the terms, the instalments in due-date order, and an up-front fee.

    Attributes:
        terms: the terms it was built from.
        installments: the instalments, numbered from 1, due dates strictly increasing.
        upfront_fee: a management fee due on the start date (zero unless ``FeeTiming.UPFRONT``); it is
            not an instalment.
    """

    terms: LoanTerms
    installments: tuple[Installment, ...]
    upfront_fee: Money

    @property
    def total_principal(self) -> Money:
        """The principal of all instalments; equals the loan principal."""
        return Money(sum(i.principal.fen for i in self.installments))

    @property
    def total_interest(self) -> Money:
        """The interest of all instalments (利息合计)."""
        return Money(sum(i.interest.fen for i in self.installments))

    @property
    def total_fee(self) -> Money:
        """The up-front fee plus the fee of every instalment (管理费合计)."""
        return Money(self.upfront_fee.fen + sum(i.fee.fen for i in self.installments))

    @property
    def total(self) -> Money:
        """Everything the borrower pays: principal + interest + fees (还款总额)."""
        return Money(self.total_principal.fen + self.total_interest.fen + self.total_fee.fen)

    @property
    def maturity_date(self) -> date:
        """The last due date (到期日)."""
        return self.installments[-1].due_date

    def balance_on(self, on: date) -> Money:
        """The principal outstanding on a date if every instalment due on or before it was paid.

        Args:
            on: the date.

        Returns:
            The loan principal before the first due date; zero on and after maturity.
        """
        balance = self.terms.principal
        for installment in self.installments:
            if installment.due_date > on:
                break
            balance = installment.balance_after
        return balance


# Building the frozen values is most of the time a schedule takes. Every amount here is a non-negative
# int no larger than a total already checked against the 64-bit range, and an Installment has no checks
# of its own, so the values are built by filling their slots directly, column by column, in C-level
# ``map`` loops, rather than through ``__init__`` one row at a time: the same frozen values, built about
# twice as fast (see bench/schedule.py).
def _slot_setter(cls: type, name: str) -> Callable[[object, object], None]:
    setter: Callable[[object, object], None] = cls.__dict__[name].__set__  # the slot's member descriptor
    return setter


_new_object = object.__new__
_set_fen = _slot_setter(Money, "fen")
_INSTALLMENT_SLOTS = tuple(
    _slot_setter(Installment, name)
    for name in ("number", "due_date", "principal", "interest", "fee", "balance_after")
)
_NO_MONEY = Money(0)


def _money_column(values: list[int]) -> list[Money]:
    if not any(values):
        return [_NO_MONEY] * len(values)
    if values.count(values[0]) == len(values):
        return [Money(values[0])] * len(values)
    column = list(map(_new_object, repeat(Money, len(values))))
    deque(map(_set_fen, column, values), maxlen=0)
    return column


def assemble(
    terms: LoanTerms,
    due: tuple[date, ...],
    *,
    principal: list[int],
    interest: list[int],
    fee: list[int],
    upfront_fee: int,
) -> Schedule:
    """Turn the integer columns of a schedule into its frozen values, once.

    Args:
        terms: the terms the columns were computed from.
        due: the due dates, one per instalment, strictly increasing.
        principal: each instalment's principal in fen, non-negative, summing to the terms' principal.
        interest: each instalment's interest in fen, non-negative.
        fee: each instalment's management fee in fen, non-negative.
        upfront_fee: the fee due on the start date in fen (0 for none).

    Returns:
        The schedule, its instalments numbered from 1 with the balance left after each.

    Raises:
        AmountOutOfRange: everything the borrower pays leaves the 64-bit fen range.
    """
    total = terms.principal.fen + sum(interest) + sum(fee) + upfront_fee
    if total > FEN_MAX:
        raise AmountOutOfRange(total)
    count = len(due)
    balance = list(accumulate(principal, sub, initial=terms.principal.fen))
    del balance[0]
    installments = tuple(map(_new_object, repeat(Installment, count)))
    columns = (
        range(1, count + 1),
        due,
        _money_column(principal),
        _money_column(interest),
        _money_column(fee),
        _money_column(balance),
    )
    for set_slot, column in zip(_INSTALLMENT_SLOTS, columns, strict=True):
        deque(map(set_slot, installments, column), maxlen=0)
    return Schedule(terms, installments, Money(upfront_fee) if upfront_fee else _NO_MONEY)
