"""Time restrictions (时间限制) on contributions, and how much restricted net assets a release may take.

A donor or a government may restrict money until a date: "lend it for three years, then the fund may use
it freely". The restriction is recorded with the contribution, in the time-restriction register; on its
end date it ends (第五十七条 (一): "所限定净资产的限制时间已经到期"), and that much 限定性净资产 becomes
非限定性净资产 by one entry dated the end date (Dr 限定性净资产 / Cr 非限定性净资产, kind
``restriction.release``, memo "限定期满"). docs/books.md quotes the articles.

Invariants:

* a restriction is released once, never beyond what is still restricted: the release takes at most the
  *floor* — the least restricted net assets the books show on any date from the end date on — so that no
  date's 限定性净资产 falls below zero because of it (:func:`restricted_floor`);
* only restricted money carries a time restriction, and the restriction ends after the gift's date
  (:func:`check_time_restriction`);
* a voided contribution's restriction is cancelled, and its release, if posted, reversed with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from revolve.closing import ReleaseEvent, release_entry
from revolve.errors import InvalidDate, TimeRestrictionRefused
from revolve.journal import Entry
from revolve.money import Money

__all__ = ["TimeRestriction", "check_time_restriction", "restricted_floor", "time_release_entry"]


@dataclass(frozen=True, slots=True)
class TimeRestriction:
    """A line of the time-restriction register (限定期限登记).

    Attributes:
        fund_id: the fund.
        contribution_seq: the contribution's journal entry.
        amount: the money restricted (the contribution's amount).
        until: the end date: the restriction ends on it, and its release is dated on it.
        released_on: the day it was released (its end date), or None while it is in force.
        released: how much the release moved (at most ``amount``; less, even zero, when less was still
            restricted), or None while it is in force.
        release_seq: the release entry (None while in force, or when nothing was left to release).
        cancelled_on: the day its contribution was voided (None: not voided).
    """

    fund_id: int
    contribution_seq: int
    amount: Money
    until: date
    released_on: date | None = None
    released: Money | None = None
    release_seq: int | None = None
    cancelled_on: date | None = None

    @property
    def in_force(self) -> bool:
        """Neither released nor cancelled."""
        return self.released_on is None and self.cancelled_on is None


def check_time_restriction(*, on: date, until: date, restricted: bool) -> None:
    """Refuse a time restriction on unrestricted money or one that does not end after the gift.

    Args:
        on: the contribution's value date.
        until: the restriction's end date.
        restricted: whether the contribution is restricted revenue (限定性收入).

    Raises:
        TimeRestrictionRefused: the money is not restricted.
        InvalidDate: ``until`` is not after ``on``.
    """
    if not restricted:
        raise TimeRestrictionRefused(until)
    if until <= on:
        raise InvalidDate(
            until,
            reason="restriction_before",
            on=on.isoformat(),
        )


def restricted_floor(moves: Iterable[tuple[date, Money]], *, since: date) -> Money:
    """The least restricted net assets on any date from ``since`` on (≥ 0): what a release dated
    ``since`` may take without making a later date's 限定性净资产 negative.

    Args:
        moves: the net change of restricted net assets (3102 and restricted revenue), credit positive,
            by value date (a date may repeat).
        since: the release's date.
    """
    running = Money(0)
    later: dict[date, Money] = {}
    for day, amount in moves:
        if day <= since:
            running += amount
        else:
            later[day] = later.get(day, Money(0)) + amount
    low = running
    for day in sorted(later):
        running += later[day]
        low = min(low, running)
    return max(low, Money(0))


def time_release_entry(restriction: TimeRestriction, *, floor: Money) -> Entry | None:
    """The release of an ended time restriction, dated its end date (None: nothing left to release).

    Args:
        restriction: the register line.
        floor: :func:`restricted_floor` from its end date.
    """
    entry = release_entry(
        amount=restriction.amount,
        available=floor,
        event=ReleaseEvent.TIME,
        on=restriction.until,
        memo=f"第{restriction.contribution_seq}号凭证",
    )
    if entry is None:
        return None
    return replace(entry, idempotency_key=f"release.time:{restriction.contribution_seq}")
