"""The longest text each column holds, read once from the schema's ``String(n)`` columns, and the check
that refuses a longer value before the database sees it.

SQLite stores any length in a ``VARCHAR(n)`` column, and PostgreSQL refuses an over-long one with an
untyped ``DataError`` whose message quotes the row (names, ID numbers, phones). Both backends get the
same typed :class:`revolve.errors.ValueTooLong` instead, naming the field and its limit and never the
value. The check runs on every INSERT and UPDATE a revolve engine executes on a revolve table — through
``Connection.execute`` (:func:`guard_lengths` registers a ``before_execute`` hook: not a cursor event,
so the driver fast path stays on) and through the driver fast path itself (:mod:`revolve.store.driver`
calls :func:`check_lengths`) — so no write path can forget it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, Insert, String, Update, event

from revolve.errors import InvalidEntry, ValueTooLong
from revolve.store.schema import metadata

__all__ = ["LIMITS", "TEXT_COLUMNS", "check_lengths", "check_prebuilt", "check_statement", "guard_lengths"]

LIMITS: dict[str, dict[str, int]] = {
    table.name: {
        column.key: column.type.length
        for column in table.columns
        if isinstance(column.type, String) and column.type.length is not None
    }
    for table in metadata.sorted_tables
}
"""Column length limits by table name and column name, from the schema's ``String(n)`` columns."""

TEXT_COLUMNS: dict[str, dict[str, int | None]] = {
    table.name: {
        column.key: column.type.length for column in table.columns if isinstance(column.type, String)
    }
    for table in metadata.sorted_tables
}
"""Every text column (``String(n)`` and ``Text``) by table and column, with its limit (None: unlimited):
no text column takes a NUL character, which PostgreSQL refuses with an untyped ``DataError``."""


def check_lengths(table: str, values: Mapping[str, object]) -> None:
    """Refuse a text value longer than its column of ``table`` holds, or holding a NUL character.

    Raises:
        ValueTooLong: names ``table.column``, the value's length and the limit (never the value).
        InvalidEntry: a NUL character (``\\x00``), which no text column takes (never the value).
    """
    columns = TEXT_COLUMNS.get(table)
    if not columns:
        return
    for name, value in values.items():
        if isinstance(value, str) and name in columns:
            field = f"{table.removeprefix('revolve_')}.{name}"
            if "\x00" in value:
                raise InvalidEntry(field, "(text with a NUL character)", reason="nul")
            limit = columns[name]
            if limit is not None and len(value) > limit:
                raise ValueTooLong(field, length=len(value), limit=limit)


def check_statement(stmt: object, rows: Iterable[Mapping[str, Any]]) -> None:
    """:func:`check_lengths` for each row of parameters of an INSERT or UPDATE ``stmt`` (others pass)."""
    if isinstance(stmt, Insert | Update):
        name = getattr(stmt.table, "name", None)
        if isinstance(name, str) and name in TEXT_COLUMNS:
            for values in rows:
                check_lengths(name, values)


_PREBUILT: dict[int, tuple[str, tuple[tuple[str, int], ...]]] = {}  # limit 0: unlimited


def check_prebuilt(stmt: object, rows: Iterable[Mapping[str, Any]]) -> None:
    """:func:`check_statement` for a statement built once at module level (the driver fast path): which of
    its parameters are limited text columns is worked out once per statement, so a row costs a look-up
    per limited column and nothing for a statement that writes no limited text (a balance update).

    Raises:
        ValueTooLong: as :func:`check_lengths`.
    """
    plan = _PREBUILT.get(id(stmt))
    if plan is None:
        name = (
            getattr(getattr(stmt, "table", None), "name", None) if isinstance(stmt, Insert | Update) else None
        )
        columns = TEXT_COLUMNS.get(name, {}) if isinstance(name, str) else {}
        plan = _PREBUILT[id(stmt)] = (str(name), tuple((k, n or 0) for k, n in columns.items()))
    table, texts = plan
    if not texts:
        return
    for values in rows:
        for key, limit in texts:
            value = values.get(key)
            if value.__class__ is str and ((limit and len(value) > limit) or "\x00" in value):
                check_lengths(table, {key: value})


# each statement's compilations for the check, by dialect and parameter keys: a statement built once at
# module level and run on the ordinary road (PostgreSQL's, or anywhere statements are watched) is compiled
# once, not at every execution (compiling costs more than running it); kept only while the statement lives
_COMPILED: weakref.WeakKeyDictionary[Any, dict[tuple[str, tuple[str, ...]], Any]] = (
    weakref.WeakKeyDictionary()
)


def _before_execute(conn: Any, clauseelement: Any, multiparams: Any, params: Any, _options: Any) -> None:
    if (
        not isinstance(clauseelement, Insert | Update)
        or getattr(clauseelement.table, "name", None) not in TEXT_COLUMNS
    ):
        return
    given = [dict(p) for p in multiparams] or [dict(params or {})]
    keys = tuple(given[0])
    known = _COMPILED.get(clauseelement)
    if known is None:
        known = _COMPILED[clauseelement] = {}
    compiled = known.get((conn.dialect.name, keys))
    if compiled is None:
        compiled = known[(conn.dialect.name, keys)] = clauseelement.compile(
            dialect=conn.dialect, column_keys=list(keys)
        )
    check_statement(clauseelement, (compiled.construct_params(p, _check=False) for p in given))


def guard_lengths(engine: Engine) -> None:
    """Check text lengths on every INSERT and UPDATE ``engine`` runs (registered once per engine)."""
    if not event.contains(engine, "before_execute", _before_execute):
        event.listen(engine, "before_execute", _before_execute)
