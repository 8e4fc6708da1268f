"""The register of pledges of capital (认捐 / 承诺出资) and the contributions linked to each pledge.

What was received against a pledge is read from the journal: the cash of each linked contribution entry
(its 银行存款 posting), leaving out a contribution that was voided (冲正).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import Connection, and_, func, insert, select

from revolve.capital_pledges import CapitalPledge, PledgeReceipt
from revolve.chart import AccountRole
from revolve.money import Money
from revolve.store.lookup import of_funds
from revolve.store.schema import AccountRow, CapitalPledgeLinkRow, CapitalPledgeRow, EntryRow, PostingRow
from revolve.store.voids import live

__all__ = [
    "capital_pledges_of",
    "contribution_cash",
    "insert_capital_pledge",
    "link_contribution",
    "linked_pledge",
    "list_capital_pledges",
]


def insert_capital_pledge(conn: Connection, pledge: CapitalPledge) -> CapitalPledge:
    """Write a new pledge (its code checked unused by the caller); return it with its id."""
    new_id = conn.execute(
        insert(CapitalPledgeRow)
        .values(
            fund_id=pledge.fund_id,
            code=pledge.code,
            donor=pledge.donor,
            amount=pledge.amount.fen,
            due=pledge.due,
            pledged_on=pledge.pledged_on,
        )
        .returning(CapitalPledgeRow.id)
    ).scalar_one()
    return replace(pledge, id=int(new_id))


def _received(conn: Connection, fund_ids: Sequence[int]) -> dict[int, list[PledgeReceipt]]:
    rows = conn.execute(
        select(
            CapitalPledgeLinkRow.pledge_id,
            CapitalPledgeLinkRow.entry_seq,
            EntryRow.value_date,
            func.sum(PostingRow.amount),
        )
        .join(
            EntryRow,
            and_(
                EntryRow.fund_id == CapitalPledgeLinkRow.fund_id,
                EntryRow.seq == CapitalPledgeLinkRow.entry_seq,
            ),
        )
        .join(PostingRow, and_(PostingRow.fund_id == EntryRow.fund_id, PostingRow.entry_seq == EntryRow.seq))
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(
            of_funds(CapitalPledgeLinkRow.fund_id, fund_ids),
            AccountRow.role == AccountRole.FUND_CASH.value,
            live(CapitalPledgeLinkRow.fund_id, CapitalPledgeLinkRow.entry_seq),
        )
        .group_by(CapitalPledgeLinkRow.pledge_id, CapitalPledgeLinkRow.entry_seq, EntryRow.value_date)
        .order_by(EntryRow.value_date, CapitalPledgeLinkRow.entry_seq)
    )
    found: dict[int, list[PledgeReceipt]] = defaultdict(list)
    for pledge_id, seq, day, cash in rows:
        found[int(pledge_id)].append(PledgeReceipt(int(pledge_id), int(seq), day, Money(int(cash))))
    return found


def list_capital_pledges(conn: Connection, fund_id: int) -> list[CapitalPledge]:
    """The fund's pledges of capital, by due date, each with what was received against it."""
    return capital_pledges_of(conn, [fund_id]).get(fund_id, [])


def capital_pledges_of(conn: Connection, fund_ids: Sequence[int]) -> dict[int, list[CapitalPledge]]:
    """The pledges of capital of each of these funds (:func:`list_capital_pledges`), read together."""
    received = _received(conn, fund_ids)
    rows = conn.execute(
        select(CapitalPledgeRow.__table__)
        .where(of_funds(CapitalPledgeRow.fund_id, fund_ids))
        .order_by(CapitalPledgeRow.due, CapitalPledgeRow.id)
    )
    found: dict[int, list[CapitalPledge]] = defaultdict(list)
    for r in rows:
        found[int(r.fund_id)].append(
            CapitalPledge(
                id=r.id,
                fund_id=r.fund_id,
                code=r.code,
                donor=r.donor,
                amount=Money(int(r.amount)),
                due=r.due,
                pledged_on=r.pledged_on,
                received=tuple(received.get(r.id, ())),
            )
        )
    return found


def contribution_cash(conn: Connection, fund_id: int, seq: int) -> tuple[str, date, Money] | None:
    """The kind, value date and cash received of journal entry ``seq``, or None if there is no such entry."""
    row = conn.execute(
        select(EntryRow.kind, EntryRow.value_date, func.coalesce(func.sum(PostingRow.amount), 0))
        .outerjoin(
            PostingRow,
            and_(
                PostingRow.fund_id == EntryRow.fund_id,
                PostingRow.entry_seq == EntryRow.seq,
                PostingRow.account_id.in_(
                    select(AccountRow.id).where(
                        AccountRow.fund_id == fund_id, AccountRow.role == AccountRole.FUND_CASH.value
                    )
                ),
            ),
        )
        .where(EntryRow.fund_id == fund_id, EntryRow.seq == seq)
        .group_by(EntryRow.kind, EntryRow.value_date)
    ).first()
    return None if row is None else (str(row[0]), row[1], Money(int(row[2])))


def linked_pledge(conn: Connection, fund_id: int, seq: int) -> int | None:
    """The pledge contribution ``seq`` is linked to, if any."""
    found = conn.execute(
        select(CapitalPledgeLinkRow.pledge_id).where(
            CapitalPledgeLinkRow.fund_id == fund_id, CapitalPledgeLinkRow.entry_seq == seq
        )
    ).scalar_one_or_none()
    return None if found is None else int(found)


def link_contribution(conn: Connection, fund_id: int, seq: int, pledge_id: int) -> None:
    """Link contribution ``seq`` to a pledge (checked by the caller)."""
    conn.execute(insert(CapitalPledgeLinkRow).values(fund_id=fund_id, entry_seq=seq, pledge_id=pledge_id))
