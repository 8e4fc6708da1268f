"""The longest text each column holds, read once from the schema's ``String(n)`` columns, and the check
that refuses a longer value before the database sees it.

SQLite stores any length in a ``VARCHAR(n)`` column, and PostgreSQL refuses an over-long one with an
untyped ``DataError`` whose message quotes the row (names, ID numbers, phones). Both backends get the
same typed :class:`revolve.errors.ValueTooLong` instead, naming the field and its limit and never the
value. The check runs on every INSERT and UPDATE a revolve engine executes on a revolve table — through
``Connection.execute`` (:func:`guard_lengths` hooks the dialect's ``do_execute`` and
``do_executemany``, reading the parameters as SQLAlchemy compiled them: not cursor events, so the driver
fast path stays on) and through the driver fast path itself (:mod:`revolve.store.driver`
calls :func:`check_lengths`) — so no write path can forget it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from operator import methodcaller
from typing import Any

from sqlalchemy import Engine, Insert, String, Update, event
from sqlalchemy.engine.interfaces import ExecuteStyle

from revolve.errors import InvalidEntry, ValueTooLong
from revolve.store.schema import metadata

__all__ = [
    "LIMITS",
    "TEXT_COLUMNS",
    "check_lengths",
    "check_prebuilt",
    "check_row",
    "guard_lengths",
    "prebuilt_texts",
]

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


_PREBUILT: dict[int, tuple[str, tuple[tuple[str, int], ...]]] = {}  # limit 0: unlimited


def _prebuilt_plan(stmt: object) -> tuple[str, tuple[tuple[str, int], ...]]:
    """The table an INSERT or UPDATE built once writes, and its text columns with their limits (0:
    unlimited); no columns for any other statement."""
    plan = _PREBUILT.get(id(stmt))
    if plan is None:
        name = (
            getattr(getattr(stmt, "table", None), "name", None) if isinstance(stmt, Insert | Update) else None
        )
        columns = TEXT_COLUMNS.get(name, {}) if isinstance(name, str) else {}
        plan = _PREBUILT[id(stmt)] = (str(name), tuple((k, n or 0) for k, n in columns.items()))
    return plan


def prebuilt_texts(stmt: object, keys: Iterable[str]) -> tuple[str, tuple[tuple[str, int], ...]]:
    """The table of an INSERT or UPDATE built once, and those of ``keys`` (its parameters) that are its
    text columns, with their limits (0: unlimited): what :func:`check_prebuilt` checks in a row that has
    these keys, worked out once for a statement run with them (see :func:`check_row`)."""
    table, texts = _prebuilt_plan(stmt)
    given = set(keys)
    return table, tuple((k, n) for k, n in texts if k in given)


def check_row(table: str, texts: tuple[tuple[str, int], ...], row: Mapping[str, Any]) -> None:
    """:func:`check_prebuilt` for one row whose text parameters :func:`prebuilt_texts` found.

    Raises:
        ValueTooLong, InvalidEntry: as :func:`check_lengths`.
    """
    for key, limit in texts:
        value = row[key]
        if value.__class__ is str and ((limit and len(value) > limit) or "\x00" in value):
            check_lengths(table, {key: value})


def check_prebuilt(stmt: object, rows: Iterable[Mapping[str, Any]]) -> None:
    """:func:`check_lengths` for each row of parameters of an INSERT or UPDATE built once at module level
    (the driver fast path; other statements pass): which of its parameters are limited text columns is
    worked out once per statement, so a row costs a look-up per limited column and nothing for a
    statement that writes no limited text (a balance update).

    Raises:
        ValueTooLong: as :func:`check_lengths`.
    """
    table, texts = _prebuilt_plan(stmt)
    if not texts:
        return
    listed = rows if isinstance(rows, Sequence) else list(rows)
    if len(listed) == 1:
        # one row (an entry, a receipt): its values looked at one by one, without the column-wise lists
        row = listed[0]
        for key, limit in texts:
            value = row.get(key)
            if value.__class__ is str and ((limit and len(value) > limit) or "\x00" in value):
                check_lengths(table, {key: value})
        return
    # a column at a time over all the rows, the length and NUL tests in C (max, str.join); a value
    # found wanting is looked for again row by row, so the refusal names the first one
    for key, limit in texts:
        strings = [value for value in map(methodcaller("get", key), listed) if value.__class__ is str]
        if strings and ((limit and max(map(len, strings)) > limit) or "\x00" in "".join(strings)):
            for values in listed:
                for k, n in texts:
                    value = values.get(k)
                    if value.__class__ is str and ((n and len(value) > n) or "\x00" in value):
                        check_lengths(table, {k: value})


# each compiled INSERT or UPDATE on a revolve table → (table, its parameters that are text columns, with
# their limits; 0: unlimited); SQLAlchemy keeps one compiled form per statement shape in its cache
_COMPILED_PLANS: weakref.WeakKeyDictionary[Any, tuple[str, tuple[tuple[str, int], ...]]] = (
    weakref.WeakKeyDictionary()
)
# the contexts of executemany INSERTs that SQLAlchemy sends in batches (insertmanyvalues): each batch
# calls the hook again with the same context, whose every row was checked at the first
_CHECKED: weakref.WeakSet[Any] = weakref.WeakSet()


def _compiled_plan(compiled: Any) -> tuple[str, tuple[tuple[str, int], ...]]:
    plan = _COMPILED_PLANS.get(compiled)
    if plan is None:
        stmt = compiled.statement
        name = getattr(stmt.table, "name", None) if isinstance(stmt, Insert | Update) else None
        columns = TEXT_COLUMNS.get(name, {}) if isinstance(name, str) else {}
        # a parameter is checked when it bears a text column's name, as check_lengths reads a row
        texts = tuple((key, columns[key] or 0) for key in compiled.binds if key in columns) if columns else ()
        plan = _COMPILED_PLANS[compiled] = (str(name), texts)
    return plan


def _check_compiled(context: Any) -> None:
    """Check the parameters of an INSERT or UPDATE as SQLAlchemy compiled them for this execution (the
    statement's own values and the caller's, ``compiled.construct_params`` for each row), before the
    driver sees them; nothing is compiled again."""
    compiled = context.compiled
    if compiled is None:  # text SQL (exec_driver_sql): revolve checks its rows itself (driver.insert_many)
        return
    table, texts = _compiled_plan(compiled)
    if not texts:
        return
    if context.execute_style is ExecuteStyle.INSERTMANYVALUES:
        if context in _CHECKED:
            return
        _CHECKED.add(context)
    for values in context.compiled_parameters:
        for key, limit in texts:
            value = values.get(key)
            if isinstance(value, str) and ((limit and len(value) > limit) or "\x00" in value):
                check_lengths(table, {key: value})


def _do_execute(_cursor: Any, _statement: Any, _parameters: Any, context: Any) -> None:
    _check_compiled(context)


def guard_lengths(engine: Engine) -> None:
    """Check text lengths on every INSERT and UPDATE ``engine`` runs (registered once per engine).

    The hooks are the dialect's ``do_execute`` and ``do_executemany`` events: they run after SQLAlchemy
    compiled the statement (from its cache, mostly) and before the driver is called, and read the
    compiled parameters; returning None leaves the execution to the driver. Not cursor events, which
    would turn the driver fast path off (:func:`revolve.store.driver.run`).
    """
    for name in ("do_execute", "do_executemany"):
        if not event.contains(engine, name, _do_execute):
            event.listen(engine, name, _do_execute)
