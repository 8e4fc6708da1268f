"""Accrued interest and fees per loan (权责发生制, 民间非营利组织会计制度 第七条), decided over plain values.

At a period close through ``T`` a loan's interest receivable (应收利息) must hold what the loan has *earned*
by ``T`` and not received by receipts value-dated on or before ``T``:

* **earned by T** — the interest of every instalment due on or before ``T``, plus the share of the next
  instalment's interest earned over the days from the previous due date (or the day the schedule version
  took effect: the payout) to ``T``: ``interest × elapsed days ÷ days in that period``, rounded once per
  loan to the fen with the loan's rounding mode (ROUND_HALF_UP unless its terms say otherwise). Fees are
  charged per period in revolve's schedules, so they accrue the same way;
* **received by T** — the interest (fees) of the loan's repayments in that schedule version, value-dated
  on or before ``T``;
* the receivable is ``max(earned − received, 0)``: interest paid ahead of time (a payment on an instalment
  not yet earned) is revenue when received — revolve keeps no 预收 account for it.

A receipt value-dated after ``T`` settles the receivable first (payments fill instalments oldest first, so
the receivable holds the oldest unpaid interest) and only the rest is revenue. When the close is run late,
after such receipts were recorded, :func:`accrue` says how much each of them should have settled, so that
the close posts the difference on the receipt's date (Dr 利息收入 / Cr 应收利息).

Penalty interest (罚息) is never accrued: 第五十九条 recognises revenue from letting others use the fund's
assets (让渡资产使用权) only when the economic benefit can flow in (经济利益能够流入) and its amount can be
measured reliably, and the prudence among 第八条's principles (谨慎性) forbids overstating revenue. A
penalty is charged precisely on a loan in default, whose collection is the least certain, so it is revenue
when received.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP

from revolve.loans.dues import InstalmentRow
from revolve.money import Money
from revolve.rounding import div_round

__all__ = ["AccruingLoan", "LoanAccrual", "accrue", "earned_by"]

Received = tuple[date, int, int]
"""One repayment as an accrual reads it: (value date, interest, fee), amounts in fen."""


@dataclass(frozen=True, slots=True)
class AccruingLoan:
    """An interest-bearing loan as the close reads it.

    Attributes:
        number: the loan number (the receivables' sub-ledger key).
        start: the day its current schedule version took effect (the payout for the first version).
        rows: that version's instalments, oldest first.
        receipts: its repayments in that version, ``(value date, interest, fee)``, oldest first.
        rounding: the rounding mode of its terms (``decimal`` constant).
    """

    number: str
    start: date
    rows: Sequence[InstalmentRow]
    receipts: Sequence[Received]
    rounding: str = ROUND_HALF_UP


@dataclass(frozen=True, slots=True)
class LoanAccrual:
    """What a loan's receivables should hold at a close, and what later receipts should have settled.

    Attributes:
        number: the loan number.
        interest: the interest receivable at the closing date (earned, not received by then).
        fee: the fee receivable at the closing date.
        settled: per value date after the close, the (interest, fee) the receipts of that day settle.
    """

    number: str
    interest: Money
    fee: Money
    settled: tuple[tuple[date, Money, Money], ...]


def earned_by(
    rows: Sequence[InstalmentRow], *, start: date, through: date, rounding: str = ROUND_HALF_UP
) -> tuple[Money, Money]:
    """(interest, fee) a schedule has earned by ``through``: the instalments due by then in full, and the
    next one's share by the days elapsed in its period (one rounding each, to the fen).

    Args:
        rows: the instalments, oldest first.
        start: the day interest starts to run (the payout, or the schedule version's first day).
        through: the day to accrue through (inclusive: the days from the period's start to it count).
        rounding: the rounding mode of the share.
    """
    interest = fee = 0
    previous = start
    for _, due, _, i, f in rows:
        if due <= through:
            interest += i
            fee += f
            previous = max(previous, due)
            continue
        days = (due - previous).days
        elapsed = (through - previous).days
        if days > 0 and elapsed > 0:
            interest += div_round(i * elapsed, days, rounding)
            fee += div_round(f * elapsed, days, rounding)
        break
    return Money(interest), Money(fee)


def accrue(loan: AccruingLoan, *, through: date) -> LoanAccrual:
    """The receivables a close through ``through`` leaves on ``loan`` (see the module docstring), and how
    much of them each later receipt date settles.

    Args:
        loan: the loan, with its repayments in the current schedule version.
        through: the closing date.

    Returns:
        The loan's accrual.
    """
    interest, fee = earned_by(loan.rows, start=loan.start, through=through, rounding=loan.rounding)
    later: list[Received] = []
    got_interest = got_fee = 0
    for received in loan.receipts:
        if received[0] <= through:
            got_interest += received[1]
            got_fee += received[2]
        else:
            later.append(received)
    owed_interest = max(interest.fen - got_interest, 0)
    owed_fee = max(fee.fen - got_fee, 0)
    left_interest, left_fee = owed_interest, owed_fee
    settled: dict[date, tuple[int, int]] = {}
    for day, i, f in sorted(later):
        take_i, take_f = min(i, left_interest), min(f, left_fee)
        left_interest -= take_i
        left_fee -= take_f
        if take_i or take_f:
            was_i, was_f = settled.get(day, (0, 0))
            settled[day] = (was_i + take_i, was_f + take_f)
    return LoanAccrual(
        loan.number,
        Money(owed_interest),
        Money(owed_fee),
        tuple((day, Money(i), Money(f)) for day, (i, f) in sorted(settled.items())),
    )
