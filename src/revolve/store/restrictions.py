"""The time-restriction register (``revolve_time_restriction``) and the journal read a release needs: the
daily net change of restricted net assets, from which :func:`revolve.restrictions.restricted_floor`
finds how much a release dated any day may take.

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, and_, func, insert, select, update

from revolve.chart import AccountRole
from revolve.closing import RESTRICTED_REVENUE_ROLES
from revolve.money import Money
from revolve.restrictions import TimeRestriction
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


def restricted_moves(conn: Connection, fund_id: int) -> list[tuple[date, Money]]:
    """The net change of restricted net assets (3102 and restricted revenue) by value date, credit positive."""
    stmt = (
        select(PostingRow.value_date, func.sum(PostingRow.amount))
        .join(
            AccountRow, and_(AccountRow.id == PostingRow.account_id, AccountRow.fund_id == PostingRow.fund_id)
        )
        .where(PostingRow.fund_id == fund_id, AccountRow.role.in_(_RESTRICTED))
        .group_by(PostingRow.value_date)
    )
    return [(day, Money(-int(amount))) for day, amount in conn.execute(stmt)]
