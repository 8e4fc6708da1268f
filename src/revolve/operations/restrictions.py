"""Restrictions that end: the time-restriction register (时间限制) and the releases it posts.

A contribution recorded with ``restricted_until`` (:meth:`revolve.Ledger.contribute`) enters the register.
When its end date passes, one entry dated the end date moves that much from 限定性净资产 to 非限定性净资产
(at most what is still restricted from that date on): posted by ``close_period`` for every restriction
ending on or before its date, before the closing entries, or by :meth:`Restrictions.release_ended_restrictions`
for a fund that does not close periods. Voiding the contribution cancels its line and reverses its release
(:func:`cancel_for_void`). The rules are in :mod:`revolve.restrictions`; docs/books.md quotes the articles.
"""

from __future__ import annotations

from datetime import date

from revolve.checks import check_date
from revolve.journal import PostedEntry
from revolve.money import Money
from revolve.operations.books import Books, Family, FundRef, Unit
from revolve.restrictions import TimeRestriction, restricted_floor, time_release_entry
from revolve.store import journal as store_journal
from revolve.store import restrictions as store_restrictions

__all__ = ["Restrictions", "cancel_for_void", "floor_on", "release_time_restrictions"]


def floor_on(unit: Unit, on: date) -> Money:
    """What a release dated ``on`` may take: the least restricted net assets from ``on`` on (≥ 0)."""
    return restricted_floor(store_restrictions.restricted_moves(unit.conn, unit.fund.id, since=on), since=on)


def release_time_restrictions(books: Books, unit: Unit, through: date) -> list[PostedEntry]:
    """Release every time restriction in force that ends on or before ``through`` (under the fund's lock).

    Each is released once, by an entry dated its end date for at most :func:`floor_on` that date, and
    marked released in the register (with what it released, zero when nothing was left). A restriction
    whose contribution was reversed since (:meth:`revolve.Ledger.reverse`) is cancelled instead.

    Returns:
        The release entries posted, oldest end date first.

    Raises:
        PeriodClosed: an end date in a closed period (a restriction recorded before a close always ends
            after it, so only a reopened-and-reclosed history can reach this).
        BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
    """
    conn, fund_id = unit.conn, unit.fund.id
    posted: list[PostedEntry] = []
    for line in store_restrictions.pending(conn, fund_id, through=through):
        reversal = store_journal.reversal_of(conn, fund_id, line.contribution_seq)
        if reversal is not None:
            gone = store_journal.read_entry(conn, fund_id, reversal).value_date
            store_restrictions.cancel(conn, fund_id, line.contribution_seq, on=gone)
            continue
        entry = time_release_entry(line, floor=floor_on(unit, line.until))
        written = books.write(unit, [entry]) if entry is not None else []
        released = entry.postings[0].amount if entry is not None else Money(0)  # Dr 限定性净资产
        store_restrictions.mark_released(
            conn,
            fund_id,
            line.contribution_seq,
            on=line.until,
            released=released,
            release_seq=written[0].seq if written else None,
        )
        posted.extend(written)
    return posted


def cancel_for_void(unit: Unit, contribution_seq: int, on: date) -> list[PostedEntry]:
    """Cancel the time restriction of a contribution being voided on ``on``; return its release entry to
    reverse with the contribution (none while the restriction was in force, or when it released nothing).

    The void reverses the release rather than being refused by it: the contribution never was, so
    neither was its restriction nor the restriction's end; reversing both on the void's date leaves
    restricted and unrestricted net assets as if it had never been recorded.
    """
    line = store_restrictions.find(unit.conn, unit.fund.id, contribution_seq)
    if line is None or line.cancelled_on is not None:
        return []
    store_restrictions.cancel(unit.conn, unit.fund.id, contribution_seq, on=on)
    if line.release_seq is None:
        return []
    return [store_journal.read_entry(unit.conn, unit.fund.id, line.release_seq)]


class Restrictions(Family):
    """The time-restriction register and the releases of restrictions that end."""

    def release_ended_restrictions(self, fund: FundRef, *, through: date) -> list[PostedEntry]:
        """Release the fund's time restrictions that end on or before ``through`` (限定期满).

        For a fund that does not close its periods in revolve (``close_period`` does the same before its
        closing entries). Each restriction is released once, by Dr 限定性净资产 / Cr 非限定性净资产 dated
        its end date, for its amount or what is still restricted from that date on if less; a repeat
        does nothing.

        Returns:
            The release entries posted (empty: none ended, or all were released before).

        Raises:
            UnknownFund: no such fund.
            InvalidDate: ``through`` is not a date.
            PeriodClosed: an end date in a closed period.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        check_date("through", through)
        with self._books.locked(fund) as unit:
            return release_time_restrictions(self._books, unit, through)

    def time_restrictions(self, fund: FundRef) -> list[TimeRestriction]:
        """The fund's time-restriction register: amount, end date, released on, release entry, cancelled on.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_restrictions.list_restrictions(conn, found.id)
