"""A fund's opening (``revolve_opening``, ``revolve_opening_capital``): written once, read by the figures
that count capital and principal lent from the fund's beginning."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from revolve.money import Money
from revolve.opening import Opening
from revolve.store.lookup import of_funds
from revolve.store.rows import opening_of
from revolve.store.schema import OpeningCapitalRow, OpeningRow

__all__ = ["find_opening", "insert_opening", "openings_of"]


def insert_opening(
    conn: Connection,
    fund_id: int,
    *,
    on: date,
    entry_seq: int,
    capital: Mapping[str, Money],
    lent_before: Money,
) -> None:
    """Record a fund's opening (the caller has checked that it has none)."""
    conn.execute(
        insert(OpeningRow).values(
            fund_id=fund_id, opened_on=on, entry_seq=entry_seq, lent_before=lent_before.fen
        )
    )
    if capital:
        conn.execute(
            insert(OpeningCapitalRow),
            [{"fund_id": fund_id, "source": s, "amount": a.fen} for s, a in capital.items()],
        )


def find_opening(conn: Connection, fund_id: int) -> Opening | None:
    """The fund's opening, or None if its books began in revolve."""
    row = conn.execute(select(OpeningRow.__table__).where(OpeningRow.fund_id == fund_id)).first()
    if row is None:
        return None
    capital = conn.execute(
        select(OpeningCapitalRow.source, OpeningCapitalRow.amount).where(OpeningCapitalRow.fund_id == fund_id)
    ).all()
    return opening_of(row, capital)


def openings_of(conn: Connection, fund_ids: Sequence[int]) -> dict[int, Opening]:
    """The openings of those of these funds that have one (:func:`find_opening`), read together."""
    rows = conn.execute(select(OpeningRow.__table__).where(of_funds(OpeningRow.fund_id, fund_ids))).all()
    if not rows:
        return {}
    capital: dict[int, list[Any]] = defaultdict(list)
    for fund_id, source, amount in conn.execute(
        select(OpeningCapitalRow.fund_id, OpeningCapitalRow.source, OpeningCapitalRow.amount).where(
            of_funds(OpeningCapitalRow.fund_id, [int(r.fund_id) for r in rows])
        )
    ):
        capital[int(fund_id)].append((source, amount))
    return {int(r.fund_id): opening_of(r, capital.get(int(r.fund_id), [])) for r in rows}
