"""The time-restriction register (``revolve_time_restriction``) and the journal read a release needs: the
daily net change of restricted net assets, from which :func:`revolve.restrictions.restricted_floor`
finds how much a release dated any day may take.

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Date, Select, bindparam, func, insert, select, update

from revolve.chart import AccountRole
from revolve.closing import RESTRICTED_REVENUE_ROLES
from revolve.money import Money
from revolve.restrictions import TimeRestriction
from revolve.store.driver import run
from revolve.store.rows import time_restriction_of
from revolve.store.schema import AccountRow, PostingRow, TimeRestrictionRow

__all__ = [
    "cancel",
    "find",
    "insert_restriction",
    "list_restrictions",
    "mark_released",
    "pending",
    "restricted_moves",
]

_RESTRICTED = [r.value for r in (AccountRole.RESTRICTED_NET_ASSETS, *RESTRICTED_REVENUE_ROLES)]


def insert_restriction(
    conn: Connection, fund_id: int, *, contribution_seq: int, amount: Money, until: date
) -> None:
    """Enter a contribution's time restriction in the register."""
    conn.execute(
        insert(TimeRestrictionRow).values(
            fund_id=fund_id, contribution_seq=contribution_seq, amount=amount.fen, until=until
        )
    )


def find(conn: Connection, fund_id: int, contribution_seq: int) -> TimeRestriction | None:
    """The register line of a contribution (None: it carries no time restriction)."""
    row = conn.execute(
        select(TimeRestrictionRow.__table__).where(
            TimeRestrictionRow.fund_id == fund_id, TimeRestrictionRow.contribution_seq == contribution_seq
        )
    ).first()
    return None if row is None else time_restriction_of(row)


def list_restrictions(conn: Connection, fund_id: int) -> list[TimeRestriction]:
    """The fund's register, in the order the contributions were posted."""
    rows = conn.execute(
        select(TimeRestrictionRow.__table__)
        .where(TimeRestrictionRow.fund_id == fund_id)
        .order_by(TimeRestrictionRow.contribution_seq)
    )
    return [time_restriction_of(r) for r in rows]


def pending(conn: Connection, fund_id: int, *, through: date) -> list[TimeRestriction]:
    """The restrictions in force that end on or before ``through``, by end date then contribution."""
    rows = conn.execute(
        select(TimeRestrictionRow.__table__)
        .where(
            TimeRestrictionRow.fund_id == fund_id,
            TimeRestrictionRow.until <= through,
            TimeRestrictionRow.released_on.is_(None),
            TimeRestrictionRow.cancelled_on.is_(None),
        )
        .order_by(TimeRestrictionRow.until, TimeRestrictionRow.contribution_seq)
    )
    return [time_restriction_of(r) for r in rows]


def mark_released(
    conn: Connection,
    fund_id: int,
    contribution_seq: int,
    *,
    on: date,
    released: Money,
    release_seq: int | None,
) -> None:
    """Record that a restriction ended on ``on``, releasing ``released`` by entry ``release_seq``."""
    conn.execute(
        update(TimeRestrictionRow)
        .where(TimeRestrictionRow.fund_id == fund_id, TimeRestrictionRow.contribution_seq == contribution_seq)
        .values(released_on=on, released=released.fen, release_seq=release_seq)
    )


def cancel(conn: Connection, fund_id: int, contribution_seq: int, *, on: date) -> None:
    """Record that a restriction's contribution was voided on ``on``."""
    conn.execute(
        update(TimeRestrictionRow)
        .where(TimeRestrictionRow.fund_id == fund_id, TimeRestrictionRow.contribution_seq == contribution_seq)
        .values(cancelled_on=on)
    )


_ACCOUNTS = select(AccountRow.id).where(
    AccountRow.fund_id == bindparam("fund"), AccountRow.role.in_(_RESTRICTED)
)
_HELD = select(func.coalesce(func.sum(AccountRow.balance), 0)).where(
    AccountRow.fund_id == bindparam("fund"), AccountRow.role.in_(_RESTRICTED)
)
_LATER = cast(
    "Select[Any]",
    select(PostingRow.value_date, func.sum(PostingRow.amount))
    .where(PostingRow.account_id.in_(_ACCOUNTS), PostingRow.value_date > bindparam("since", type_=Date))
    .group_by(PostingRow.value_date),
)


def restricted_moves(conn: Connection, fund_id: int, *, since: date) -> list[tuple[date, Money]]:
    """Restricted net assets (3102 and restricted revenue, credit positive) as they stand on ``since``,
    then their net change on each later value date: ``[(since, balance), (day, change), …]``.

    The balance on ``since`` is the stored balance less what is dated after it, so only the postings after
    ``since`` are read (an operation dated today usually finds none), by the index on (account, value
    date); both statements are built once (every grant, subsidy, write-off and return reads them).
    """
    held = int(run(conn, _HELD, {"fund": fund_id})[0][0])
    later = [
        (date.fromisoformat(day) if isinstance(day, str) else day, Money(-int(amount)))
        for day, amount in run(conn, _LATER, {"fund": fund_id, "since": since}, named=False)
    ]
    return [(since, Money(-held) - Money.total(m for _, m in later)), *later]
