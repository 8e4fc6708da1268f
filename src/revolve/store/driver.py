"""The driver fast path: statements built once at module level, run straight on the driver's cursor.

Building a SQLAlchemy statement costs more than running it, so every statement an operation runs is
built once, at module level, and run with :func:`run` or :func:`run_many`. On SQLite, and on PostgreSQL
through psycopg, with nobody watching statements (no echo, SQL logging or cursor events), they go to the
driver as SQLAlchemy compiled them, with SQLAlchemy's own conversions of every value bound and read;
anywhere else they take the ordinary ``Connection.execute`` road. :func:`insert_many` is a Core INSERT
of many rows through the driver's own ``executemany``. On PostgreSQL, :func:`pipelined` sends a block's
statements in one round trip, and :func:`send` reads a statement's rows after the block. No table is
named here: the statements belong to the modules that build them.
"""

from __future__ import annotations

import logging
import weakref
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Date, DateTime, Delete, Insert, Select, Update
from sqlalchemy.exc import DBAPIError

from revolve.store.limits import check_prebuilt, check_row, prebuilt_texts

__all__ = ["Prebuilt", "insert_many", "pipelined", "recheck", "run", "run_many", "send"]

# an insert_many plan: the SQL, the parameter names in its order (None: by name), each one's processor,
# and (by position) what picks a row's values in the SQL's order and the positions of those converted
_DriverPlan = tuple[
    str,
    tuple[str, ...] | None,
    tuple[Callable[[Any], Any] | None, ...],
    Callable[[Mapping[str, Any]], Any] | None,
    tuple[tuple[int, Callable[[Any], Any]], ...],
]
_PLANS: dict[tuple[int, str], _DriverPlan] = {}
_Processor = Callable[[Any], Any] | None
Prebuilt = Select[Any] | Insert | Update | Delete
_STATEMENT_LOG = logging.getLogger("sqlalchemy.engine.Engine")


@dataclass(frozen=True, slots=True)
class _Plan:
    """A statement built once, as SQLAlchemy compiled it for one dialect, ready to hand to the driver.

    ``binds`` gives, in the order the SQL takes them, each bound parameter's name, its type's bind
    processor and whether the caller supplies it; one the statement fixes itself (a literal, a LIMIT)
    carries its value, already processed. ``results`` pairs a result column's index with its type's
    result processor (e.g. ISO text to a date on SQLite); ``row`` makes a named tuple of a result row.
    """

    sql: str
    binds: tuple[tuple[str, _Processor, bool, Any], ...]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]
    row: Callable[[Iterable[Any]], Any]
    named: bool = False  # the SQL takes its parameters by name (psycopg's %(name)s), not by position
    reads: bool = False  # it gives rows back (a SELECT, or a write with RETURNING)
    # the caller's values in the SQL's order in one step (itemgetter), and the positions of those a bind
    # processor converts: set when the caller supplies every parameter (None: bound one by one)
    pick: Callable[[Mapping[str, Any]], Any] | None = None
    converts: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
    # the table an INSERT or UPDATE writes and those of the caller's parameters that are its text
    # columns, with their limits (revolve.store.limits.check_row)
    table: str = ""
    texts: tuple[tuple[str, int], ...] = ()


_RUN_PLANS: dict[tuple[int, str, tuple[str, ...]], _Plan | None] = {}


# the answer of _direct for each open Connection (one per operation): asking SQLAlchemy costs a little
_DIRECT: weakref.WeakKeyDictionary[Connection, bool] = weakref.WeakKeyDictionary()


def _nobody() -> None:
    return None


# the connection _direct answered for last (a weak reference) and its answer: an operation asks a few
# times on one connection, and a weak reference called is cheaper than a WeakKeyDictionary look-up
# (one pair in a list, replaced whole: a thread reads a pair that belongs together)
_LAST: list[tuple[Callable[[], Connection | None], bool]] = [(_nobody, False)]


def _direct(conn: Connection) -> bool:
    """Whether a statement may go straight to the driver: on SQLite, or on PostgreSQL through psycopg,
    with nobody watching statements.

    Echo, SQL logging and cursor events see only what passes through ``Connection.execute``, so with any
    of them on, every statement takes that road.
    """
    last, answer = _LAST[0]
    if last() is conn:
        return answer
    known = _DIRECT.get(conn)
    if known is None:
        dispatch = conn.dispatch
        dialect = conn.dialect
        known = _DIRECT[conn] = (
            (dialect.name == "sqlite" or (dialect.name == "postgresql" and dialect.driver == "psycopg"))
            and not conn.engine.echo
            and not _STATEMENT_LOG.isEnabledFor(logging.INFO)
            and not dispatch.before_cursor_execute
            and not dispatch.after_cursor_execute
        )
    _LAST[0] = (weakref.ref(conn), known)
    return known


def recheck(conn: Connection) -> None:
    """Forget whether statements on ``conn`` may go straight to the driver, so the next one asks again
    (a connection kept from one operation to the next: echo, logging or events may have changed)."""
    _DIRECT.pop(conn, None)
    if _LAST[0][0]() is conn:
        _LAST[0] = (_nobody, False)


def _plan(conn: Connection, stmt: Prebuilt, keys: tuple[str, ...]) -> _Plan | None:
    """The driver plan of a statement for this connection's dialect (None: it needs SQLAlchemy's road)."""
    dialect = conn.dialect
    cache_key = (id(stmt), dialect.name, keys)
    if cache_key in _RUN_PLANS:
        return _RUN_PLANS[cache_key]
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    plan = None
    # psycopg takes parameters by name (%(name)s), each once whatever the times the SQL names it
    named = compiled.positiontup is None and dialect.paramstyle == "pyformat"
    order = list(dict.fromkeys(compiled.bind_names.values())) if named else compiled.positiontup
    # expanding IN lists and literal-rendered values are completed by SQLAlchemy at each execution; a
    # bind name the SQL escapes (a name with odd characters) is left to SQLAlchemy too
    if (
        order is not None
        and not (compiled.post_compile_params or compiled.literal_execute_params)
        and not compiled.escaped_bind_names
    ):
        binds = []
        for name in order:
            bind = compiled.binds[name]
            processor = cast(_Processor, bind.type.dialect_impl(dialect).bind_processor(dialect))
            supplied = name in keys or bind.required
            fixed = None if supplied else bind.effective_value
            binds.append(
                (name, processor, supplied, processor(fixed) if processor and not supplied else fixed)
            )
        columns = list(stmt.exported_columns)
        results = []
        for index, column in enumerate(columns):
            processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if processor is not None:
                results.append((index, cast(Callable[[Any], Any], processor)))
        row = namedtuple("Row", [column.key or f"col{i}" for i, column in enumerate(columns)], rename=True)  # type: ignore[misc]
        pick = None
        converts: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
        if binds and not named and all(supplied for _, _, supplied, _ in binds):
            names = [name for name, _, _, _ in binds]
            # itemgetter of one name gives the value itself: a tuple of one, as the driver takes it
            pick = itemgetter(*names) if len(names) > 1 else lambda row, name=names[0]: (row[name],)
            converts = tuple((i, processor) for i, (_, processor, _, _) in enumerate(binds) if processor)
        table, texts = prebuilt_texts(stmt, keys)
        plan = _Plan(
            str(compiled),
            tuple(binds),
            tuple(results),
            row._make,
            named,
            bool(columns),
            pick,
            converts,
            table,
            texts,
        )
    _RUN_PLANS[cache_key] = plan
    return plan


def _bound(plan: _Plan, params: Mapping[str, Any]) -> tuple[Any, ...] | list[Any] | dict[str, Any]:
    pick = plan.pick
    if pick is not None:
        picked = pick(params)
        if not plan.converts:
            return cast(tuple[Any, ...], picked)
        converted = list(picked)
        for index, processor in plan.converts:
            converted[index] = processor(converted[index])
        return converted
    values = tuple(
        (processor(params[name]) if processor else params[name]) if supplied else fixed
        for name, processor, supplied, fixed in plan.binds
    )
    if plan.named:
        return dict(zip([name for name, _, _, _ in plan.binds], values, strict=True))
    return values


def run(conn: Connection, stmt: Prebuilt, params: Mapping[str, Any], *, named: bool = True) -> list[Any]:
    """Run a statement built once at module level with ``params``; return its rows (columns by name, or
    plain tuples with ``named=False``, which a read of many rows makes faster).

    This is the hot path's way to the database. On SQLite and on PostgreSQL through psycopg, with nobody
    watching statements (see :func:`_direct`), the statement goes straight to the driver as SQLAlchemy
    compiled it, with SQLAlchemy's own conversions of every value bound and read, and a driver error
    raised as SQLAlchemy would raise it: that spares the work ``Connection.execute`` redoes on each call,
    a third of a repayment's time. Anywhere else it is an ordinary ``Connection.execute``.
    """
    plan = _plan(conn, stmt, tuple(params)) if _direct(conn) else None
    if plan is None:
        if _direct(conn):
            check_prebuilt(stmt, (params,))
        result = conn.execute(stmt, dict(params))
        return list(result.all()) if result.returns_rows else []
    if plan.texts:
        check_row(plan.table, plan.texts, params)
    return _converted(
        plan, _driver(conn, plan.sql, _bound(plan, params), many=False, reads=plan.reads), named
    )


def send(
    conn: Connection, stmt: Prebuilt, params: Mapping[str, Any], *, named: bool = True
) -> Callable[[], list[Any]]:
    """Run a statement built once at module level now, and read its rows later: the answer is a function
    that gives them (see :func:`run`).

    Inside a :func:`pipelined` block on PostgreSQL the statement is sent with the block's others and its
    rows are read once the block has ended, so a write with RETURNING shares the block's one round trip
    (reading them inside the block would wait for the server there). Anywhere else the statement runs
    at once, as :func:`run` runs it.
    """
    plan = _plan(conn, stmt, tuple(params)) if _pipelining(conn) else None
    if plan is None:
        ready = run(conn, stmt, params, named=named)
        return lambda: ready
    if plan.texts:
        check_row(plan.table, plan.texts, params)
    error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.cursor()
    args = _bound(plan, params)
    try:
        cursor.execute(plan.sql, args)
    except error as exc:
        cursor.close()
        raise DBAPIError.instance(plan.sql, args, exc, error, dialect=conn.dialect) from exc

    def later() -> list[Any]:
        try:
            return _converted(plan, cursor.fetchall() if plan.reads else [], named)
        finally:
            cursor.close()

    return later


def _converted(plan: _Plan, rows: Sequence[Any], named: bool) -> list[Any]:
    """Rows as the driver gave them, with SQLAlchemy's result conversions, as named tuples or plain."""
    make = plan.row if named else tuple
    if not plan.results:
        return [make(r) for r in rows]
    if len(plan.results) == 1:
        # one column to convert (a date, most often): rebuild each row around it in one step
        (at, convert) = plan.results[0]
        return [make((*r[:at], convert(r[at]), *r[at + 1 :])) for r in rows]
    out = []
    for r in rows:
        values = list(r)
        for index, processor in plan.results:
            values[index] = processor(values[index])
        out.append(make(values))
    return out


def run_many(conn: Connection, stmt: Insert | Update, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run an INSERT or UPDATE built once at module level for every row of ``rows`` (see :func:`run`)."""
    if not rows:
        return
    plan = _plan(conn, stmt, tuple(rows[0])) if _direct(conn) else None
    if plan is None:
        if _direct(conn):
            check_prebuilt(stmt, rows)
        conn.execute(stmt, [dict(r) for r in rows])
        return
    if plan.texts:
        # the rows are bound by the first row's keys: a text column none of them names is not written
        check_prebuilt(stmt, rows)
    _driver(conn, plan.sql, _bound_many(plan, rows), many=True)


def _bound_many(plan: _Plan, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """:func:`_bound` for many rows: each row's values picked in one step, then the few that need a
    bind processor (a date, on SQLite) converted."""
    pick = plan.pick
    if pick is None:
        return [_bound(plan, row) for row in rows]
    converts = plan.converts
    if not converts:
        return [pick(row) for row in rows]
    out: list[Any] = []
    for row in rows:
        values = list(pick(row))
        for index, processor in converts:
            values[index] = processor(values[index])
        out.append(values)
    return out


def _driver(conn: Connection, sql: str, args: Any, *, many: bool, reads: bool = False) -> list[Any]:
    """Run SQL compiled by SQLAlchemy on the connection's own driver cursor, inside its transaction
    (``reads``: it gives rows back)."""
    dbapi_conn = conn.connection.dbapi_connection
    assert dbapi_conn is not None
    cursor = dbapi_conn.cursor()
    try:
        if many:
            cursor.executemany(sql, args)
            return []
        cursor.execute(sql, args)
        # inside a pipeline the rows have not come yet: reading them waits for them
        return cast(list[Any], cursor.fetchall()) if reads or cursor.description else []
    except conn.dialect.loaded_dbapi.Error as exc:
        error = conn.dialect.loaded_dbapi.Error
        # a lost connection is invalidated, as SQLAlchemy does, so the pool never hands it out again
        lost = conn.dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor)
        if lost:
            conn.invalidate(exc)
        raise DBAPIError.instance(
            sql, args, exc, error, dialect=conn.dialect, ismulti=many, connection_invalidated=lost
        ) from exc
    finally:
        cursor.close()


def _iso_text(value: Any) -> Any:
    """A date or datetime as the text sqlite3's default adapters make of it (``isoformat()``, and
    ``isoformat(" ")`` for a datetime); any other value as it is."""
    kind = value.__class__
    if kind is date:
        return value.isoformat()
    if kind is datetime:
        return value.isoformat(" ")
    return value


def _iso_remembered() -> Callable[[Any], Any]:
    """:func:`_iso_text` for the rows of one insert, remembering what it made: the text of each ``date``
    (an entry's postings share its value date, and a batch's entries a few dates), and of the last other
    value (a batch's entries share one recording time), so each is formatted once."""
    days: dict[date, str] = {}
    last: list[Any] = [_iso_remembered, None]  # no value is this function

    def iso(value: Any) -> Any:
        if value.__class__ is date:
            text = days.get(value)
            if text is None:
                text = days[value] = value.isoformat()
            return text
        if value is not last[0]:
            last[0], last[1] = value, _iso_text(value)
        return last[1]

    return iso


def _iso_on_sqlite(processor: _Processor, type_: Any, dialect: str) -> _Processor:
    """The processor :func:`insert_many` binds a column's values with: on SQLite, a date or datetime
    column the driver would hand to sqlite3's default adapters gets the same text made here, without a
    call back into Python per value from inside ``executemany`` (a sixth of a bulk insert's time)."""
    if processor is None and dialect == "sqlite" and isinstance(type_, Date | DateTime):
        return _iso_text
    return processor


def insert_many(conn: Connection, stmt: Insert, rows: list[dict[str, Any]]) -> None:
    """Run a Core INSERT for many rows through the driver's own ``executemany``.

    The statement is compiled once per dialect and each column's bind processor (e.g. a date to ISO text
    on SQLite) is applied here, so bulk posting skips SQLAlchemy's per-row parameter machinery. The SQL is
    SQLAlchemy's compilation of ``stmt``, never text built by hand.
    """
    check_prebuilt(stmt, rows)
    dialect = conn.dialect
    plan = _PLANS.get((id(stmt), dialect.name))
    if plan is None:
        compiled = stmt.compile(dialect=dialect, column_keys=list(rows[0]))
        names = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        order = names if names is not None else tuple(rows[0])
        processors: tuple[Callable[[Any], Any] | None, ...] = tuple(
            _iso_on_sqlite(
                cast(Callable[[Any], Any] | None, compiled.binds[n].type.bind_processor(dialect)),
                compiled.binds[n].type,
                dialect.name,
            )
            for n in order
        )
        pick: Callable[[Mapping[str, Any]], Any] | None = None
        converts: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
        if names is not None:
            pick = itemgetter(*names) if len(names) > 1 else lambda row, name=names[0]: (row[name],)
            converts = tuple((index, f) for index, f in enumerate(processors) if f is not None)
        plan = _PLANS[(id(stmt), dialect.name)] = (str(compiled), names, processors, pick, converts)
    sql, names, processors, pick, converts = plan
    if names is None or pick is None:
        keys = tuple(rows[0])
        params: list[Any] = [
            {k: (f(row[k]) if f else row[k]) for k, f in zip(keys, processors, strict=True)} for row in rows
        ]
    else:
        # pick each row's values in the SQL's order in one step, then convert the few that need it
        if len(rows) > 1:
            converts = tuple((index, _iso_remembered() if f is _iso_text else f) for index, f in converts)
        params = []
        for row in rows:
            values = list(pick(row))
            for index, f in converts:
                values[index] = f(values[index])
            params.append(values)
    if _direct(conn):
        _driver(conn, sql, params, many=True)
    else:
        # SQLAlchemy takes a list of tuples (or of dicts) for many rows, never a list of lists
        conn.exec_driver_sql(sql, [p if isinstance(p, dict) else tuple(p) for p in params])


def _pipelining(conn: Connection) -> bool:
    """Whether :func:`pipelined` blocks on ``conn`` run in the driver's pipeline mode."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg" and _direct(conn)


# the block of pipelined where nothing is pipelined: a context manager that does nothing, made once
_AS_IT_IS = nullcontext()


def pipelined(conn: Connection) -> AbstractContextManager[None]:
    """Send the writes run inside the block together, in one round trip, where the driver can.

    On PostgreSQL through psycopg the block runs in the driver's pipeline mode: each statement is sent
    without waiting for its answer, and the block's end waits once for them all, so a write path of
    several statements costs one round trip, not one per statement. A statement whose rows are read
    inside the block (a read with :func:`run`) waits for the server there; one sent with :func:`send` is
    read after the block, in its round trip. A driver error found at the block's end is raised as
    SQLAlchemy raises one, so callers see what they would have seen from the statement itself. Elsewhere
    (SQLite: no round trips to save), and where statements are watched (they take SQLAlchemy's road,
    which cannot read rows that have not come yet: see :func:`_direct`), the block runs as it is.
    """
    return _pipeline(conn) if _pipelining(conn) else _AS_IT_IS


@contextmanager
def _pipeline(conn: Connection) -> Iterator[None]:
    """The block of :func:`pipelined` in the driver's pipeline mode."""
    dbapi_conn = conn.connection.dbapi_connection
    error = conn.dialect.loaded_dbapi.Error
    try:
        with dbapi_conn.pipeline():  # type: ignore[union-attr]
            yield
    except error as exc:
        raise DBAPIError.instance(None, None, exc, error, dialect=conn.dialect) from exc
