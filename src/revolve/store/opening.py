"""A fund's opening (``revolve_opening``, ``revolve_opening_capital``): written once, read by the figures
that count capital and principal lent from the fund's beginning."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import Connection, insert, select

from revolve.money import Money
from revolve.opening import Opening
from revolve.store.rows import opening_of
from revolve.store.schema import OpeningCapitalRow, OpeningRow

__all__ = ["find_opening", "insert_opening"]


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
