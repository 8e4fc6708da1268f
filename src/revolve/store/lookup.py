"""Reading a fund's rows by id or by code, one at a time and many at a time.

Households, batches and guarantors are named by a code, loans and bank loans by their number, and every
one of them also by its id. :func:`by_ref` builds, once per kind of row, the four reads that answer
such a reference; :func:`row_by_ref` and :func:`rows_by_ref` run them. A bulk read asks through an IN
list of a fixed number of placeholders (:func:`any_of`, :func:`select_in`), so that each statement is
built and compiled once. No table is named here: each family passes its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Connection, Select, Table, any_, bindparam

from revolve.store.driver import run

__all__ = ["ByRef", "any_of", "by_ref", "of_funds", "row_by_ref", "rows_among", "rows_by_ref", "select_in"]

# a bulk read asks for this many values at a time, through an IN list of this many placeholders (a
# shorter chunk repeats its first value), so that each such statement is built and compiled once
_CHUNK = 200


def any_of(column: Any) -> Any:
    """``column IN (:v0, …, :v199)``: the condition of a bulk read (see :func:`select_in`)."""
    return column.in_([bindparam(f"v{i}") for i in range(_CHUNK)])


def select_in(
    conn: Connection, stmt: Select[Any], values: Iterable[Any], *, named: bool = True, **params: Any
) -> list[Any]:
    """The rows of a bulk read built with :func:`any_of`, for all of ``values``, read a chunk at a time
    (as plain tuples with ``named=False``)."""
    wanted = sorted(set(values))
    rows: list[Any] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        chunk += [chunk[0]] * (_CHUNK - len(chunk))
        rows += run(conn, stmt, {**params, **{f"v{i}": v for i, v in enumerate(chunk)}}, named=named)
    return rows


def of_funds(column: Any, fund_ids: Sequence[int]) -> Any:
    """The condition on a ``fund_id`` column of a read of one fund (``column = :id``, the statement every
    one-fund read has always made) or of several (``column IN (…)``: a roll-up reads its funds together)."""
    ids = sorted(set(fund_ids))
    if not ids:
        raise ValueError("a read of no fund")
    return column == ids[0] if len(ids) == 1 else column.in_(ids)


_AMONG = 5_000
"""How many ids :func:`rows_among` asks for in one statement (SQLite takes at most 32,766 parameters)."""


def rows_among(
    conn: Connection, stmt: Select[*tuple[Any, ...]], column: Any, ids: Sequence[int] | None
) -> list[Any]:
    """The rows of ``stmt`` whose ``column`` is one of ``ids`` (all its rows when ``ids`` is None), read a
    few thousand ids at a time (on PostgreSQL all at once, as one array: ``column = ANY(:ids)``, which
    the driver sends as one value, not thousands). The ids are taken in increasing order, so rows
    ordered by ``column`` come out in that order."""
    if ids is None:
        return list(conn.execute(stmt).all())
    wanted = sorted(ids)
    if conn.dialect.name == "postgresql":
        among = bindparam("among_ids", wanted, type_=ARRAY(BigInteger))
        return list(conn.execute(stmt.where(column == any_(among))).all())
    rows: list[Any] = []
    for start in range(0, len(wanted), _AMONG):
        rows += conn.execute(stmt.where(column.in_(wanted[start : start + _AMONG]))).all()
    return rows


@dataclass(frozen=True, slots=True)
class ByRef:
    """How to read the fund's rows of one kind named by id or by code (a loan's number): one at a time,
    and many at a time (see :func:`select_in`). Built once per kind, at module level."""

    one_by_id: Select[Any]
    one_by_code: Select[Any]
    many_by_id: Select[Any]
    many_by_code: Select[Any]
    code: str


def by_ref(query: Select[Any], table: Table, code: str) -> ByRef:
    """The reads of ``query``'s rows of ``table`` in a fund, by ``id`` or by the column ``code``."""
    in_fund = table.c.fund_id == bindparam("fund")
    return ByRef(
        query.where(in_fund, table.c.id == bindparam("ref")),
        query.where(in_fund, table.c[code] == bindparam("ref")),
        query.where(in_fund, any_of(table.c.id)),
        query.where(in_fund, any_of(table.c[code])),
        code,
    )


def row_by_ref(conn: Connection, by: ByRef, fund_id: int, ref: int | str, **params: Any) -> Any | None:
    """The fund's row named by ``ref`` (an int is an id, a str a code), or None."""
    stmt = by.one_by_id if isinstance(ref, int) else by.one_by_code
    rows = run(conn, stmt, {"fund": fund_id, "ref": ref, **params})
    return rows[0] if rows else None


def rows_by_ref(conn: Connection, by: ByRef, fund_id: int, refs: Iterable[int | str]) -> dict[int | str, Any]:
    """The fund's rows named by ``refs``, by reference, read a chunk at a time; unknown ones left out."""
    wanted = set(refs)
    found: dict[int | str, Any] = {}
    for stmt, kind, key in ((by.many_by_id, int, "id"), (by.many_by_code, str, by.code)):
        for row in select_in(conn, stmt, (r for r in wanted if isinstance(r, kind)), fund=fund_id):
            found[getattr(row, key)] = row
    return found
