"""Where a ledger operation's transaction begins and ends.

:class:`Transactions` wraps either an Engine revolve may commit on, or a host's Session it must not:

* with an Engine, each operation is one database transaction — committed when the operation returns,
  rolled back if it raises (on SQLite, writes begin with ``BEGIN IMMEDIATE``);
* with a host Session, each operation runs in a SAVEPOINT inside the host's transaction: a refusal
  rolls back only that operation, success releases the savepoint, and the host commits or rolls back
  when it chooses. revolve never commits, rolls back or closes the host's Session.

A read (a query, a report, ``check``, ``verify``) sees one snapshot for all its statements, so a
batch another writer commits meanwhile is wholly outside it: SQLite's deferred ``BEGIN`` in WAL mode
holds the snapshot of the read's first statement; on PostgreSQL revolve's reads run REPEATABLE READ
(READ COMMITTED would give each statement its own). Inside a host's Session the host's isolation holds.

A database too busy to take the write is refused as the typed, retryable
:class:`revolve.errors.BooksBusy`: SQLite's write lock still held when the busy timeout
(:data:`revolve.store.database.BUSY_TIMEOUT_MS`) ran out, or a PostgreSQL transaction aborted in a
serialization conflict or deadlock (SQLSTATE 40001 / 40P01). Its ``serialization`` attribute says which:
an operation whose transaction revolve owns is retried on a serialization conflict (see
:mod:`revolve.operations.books`); inside a host's Session the host decides.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from revolve.errors import BooksBusy
from revolve.store.database import WRITE
from revolve.store.driver import recheck
from revolve.store.limits import guard_lengths

__all__ = ["Connection", "Engine", "Session", "Transactions", "busy_from"]

# SQLSTATEs of a transaction PostgreSQL aborted so that another could commit: running it again may pass
_RETRYABLE_STATES = frozenset({"40001", "40P01"})


def busy_from(exc: BaseException) -> BooksBusy | None:
    """The typed refusal for a driver error that means "busy, try again", or None for any other error."""
    cause: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(cause, sqlite3.OperationalError):
        text = str(cause)
        if "database is locked" in text or "database is busy" in text:
            return BooksBusy("SQLite's write lock was held past the busy timeout")
        return None
    state = getattr(cause, "sqlstate", None)
    if state in _RETRYABLE_STATES:
        what = "a serialization conflict" if state == "40001" else "a deadlock"
        return BooksBusy(f"PostgreSQL aborted the transaction in {what}", serialization=True)
    return None


@contextmanager
def _typed_busy() -> Iterator[None]:
    try:
        yield
    except (DBAPIError, sqlite3.OperationalError) as exc:
        busy = busy_from(exc)
        if busy is None:
            raise
        raise busy from None


class Transactions:
    """Opens one transaction (or savepoint) per ledger operation."""

    def __init__(self, *, engine: Engine | None = None, session: Session | None = None) -> None:
        if (engine is None) == (session is None):
            raise ValueError("give exactly one of engine= or session=")
        self._engine = engine
        self._session = session
        # SQLite: one connection kept between operations (see _connect); elsewhere the pool serves each
        self._keep = engine is not None and engine.dialect.name == "sqlite"
        self._parked: list[Connection] = []
        self._pid = os.getpid()
        bind = engine if engine is not None else session.get_bind() if session is not None else None
        if isinstance(bind, Engine | Connection):
            guard_lengths(bind.engine)

    @property
    def host_managed(self) -> bool:
        """True when a host Session owns the transaction (revolve must not commit)."""
        return self._session is not None

    @property
    def engine(self) -> Engine | None:
        """The Engine revolve commits on, when it does."""
        return self._engine

    def bind(self) -> Engine | Connection:
        """What the schema can be created on: the Engine, or the host Session's bind."""
        if self._engine is not None:
            return self._engine
        assert self._session is not None
        bind = self._session.get_bind()
        return bind

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One transaction for many operations, as a Session the operations then run in.

        With an Engine: a Session of revolve's own that writes from its first statement (SQLite:
        ``BEGIN IMMEDIATE``), committed when the block ends and rolled back if it raises. With a host
        Session: a SAVEPOINT of it, released when the block ends and rolled back if it raises; the host
        still commits.
        """
        with _typed_busy():
            if self._session is not None:
                savepoint = self._session.begin_nested()
                try:
                    yield self._session
                except BaseException:
                    savepoint.rollback()
                    raise
                savepoint.commit()
                return
            assert self._engine is not None
            session = Session(bind=self._engine.execution_options(**{WRITE: True}))
            try:
                yield session
            except BaseException:
                session.rollback()
                raise
            else:
                session.commit()
            finally:
                session.close()

    @contextmanager
    def __call__(self, *, write: bool = True) -> Iterator[Connection]:
        """A connection inside this operation's transaction (or savepoint)."""
        with _typed_busy():
            if self._session is not None:
                with self._session.begin_nested():
                    yield self._session.connection()
                return
            assert self._engine is not None
            if self._keep:
                conn = self._connect()
                recheck(conn)
                try:
                    if conn.get_execution_options().get(WRITE) is not write:
                        # set only when it changes: setting an option runs SQLAlchemy's events for it
                        conn.execution_options(**{WRITE: write})
                    with conn.begin():
                        yield conn
                except BaseException:
                    conn.close()
                    raise
                self._park(conn)
                return
            with self._engine.connect() as conn:
                if write:
                    conn.execution_options(**{WRITE: True})
                elif conn.dialect.name == "postgresql":
                    # one snapshot for the whole read: under READ COMMITTED each statement has its own,
                    # and a read straddling another writer's commit would see half of it
                    conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn

    def _connect(self) -> Connection:
        """A connection for one SQLite operation: the one the last operation left parked, or a new one.

        Checking a connection out of SQLAlchemy's pool and back in (where the pool rolls it back) costs
        more than a small write's own statements, so the connection an operation used waits, parked and
        outside any transaction, for the next. One connection at most is parked; an operation that
        finds none (another thread holds it) takes one from the pool as before. A parked connection is
        never used in another process (a fork's child opens its own).
        """
        try:
            conn = self._parked.pop()
        except IndexError:
            conn = None
        if conn is not None and self._pid == os.getpid() and not conn.closed and not conn.invalidated:
            return conn
        assert self._engine is not None
        return self._engine.connect()

    def _park(self, conn: Connection) -> None:
        """Keep the connection of an operation that ended cleanly for the next, or close it."""
        if self._parked or conn.in_transaction() or conn.invalidated or self._pid != os.getpid():
            conn.close()
        else:
            self._parked.append(conn)
            if len(self._parked) > 1:  # two threads parked at once: keep one
                self._parked.pop().close()

    def close(self) -> None:
        """Close the connection kept between operations, if one is (the Engine's pool is the owner's)."""
        while self._parked:
            self._parked.pop().close()
