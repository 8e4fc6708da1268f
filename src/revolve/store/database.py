"""Opening a database for revolve: engine settings per dialect, and creating or migrating the schema.

SQLite (the embedded default) is opened in WAL mode with ``synchronous=FULL``, so a committed repayment
survives a power cut; ``durability="normal"`` trades that for speed (a power cut may lose the last few
commits, never corrupt the file). Foreign keys are switched on for every connection, and revolve
starts its own transactions: ``BEGIN IMMEDIATE`` for writes, so two writers queue on the lock instead of
failing half-way, and plain ``BEGIN`` for reads.

A new database gets the whole schema from ``metadata.create_all`` and is stamped at the newest Alembic
revision; an older one is upgraded with Alembic. ``revolve_schema.version`` says what a database holds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, select
from sqlalchemy.pool import StaticPool

from revolve.errors import InvalidSetting, SchemaTooNew
from revolve.store import triggers  # noqa: F401  (registers the trigger DDL on the metadata)
from revolve.store.schema import NOT_FUND_HELD, SCHEMA_VERSION, SchemaRow, metadata

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "ALEMBIC_VERSION_TABLE",
    "BUSY_TIMEOUT_MS",
    "PARTITIONS_ENV",
    "WRITE",
    "Durability",
    "SchemaTooNew",
    "alembic_config",
    "ensure_schema",
    "make_engine",
    "migrating",
    "postgres_partitions",
]

Durability = Literal["full", "normal"]
ALEMBIC_VERSION_TABLE = "revolve_alembic_version"
WRITE = "revolve_write"
"""Execution option marking a connection whose transaction will write (SQLite: BEGIN IMMEDIATE)."""

BUSY_TIMEOUT_MS = 10_000
"""How long (milliseconds) a SQLite writer waits for another writer's lock before revolve refuses the
operation as :class:`revolve.errors.BooksBusy`; change it per engine with ``make_engine(url,
busy_timeout_ms=...)``."""

_MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(
    url: str, *, durability: Durability = "full", echo: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Engine:
    """An Engine for ``url`` set up as revolve needs it (see the module docstring).

    Args:
        url: a SQLAlchemy database URL.
        durability: SQLite's ``synchronous`` setting, ``"full"`` or ``"normal"``.
        echo: log the SQL statements.
        busy_timeout_ms: SQLite only: how long a writer waits for another's lock before the operation is
            refused as the retryable :class:`revolve.errors.BooksBusy` (``PRAGMA busy_timeout``).
    """
    if durability not in ("full", "normal"):
        raise ValueError(f"durability must be 'full' or 'normal', not {durability!r}")
    kwargs: dict[str, Any] = {"echo": echo}
    is_sqlite = url.startswith("sqlite")
    in_memory = is_sqlite and (
        url in ("sqlite://", "sqlite:///:memory:", "sqlite+pysqlite://") or "mode=memory" in url
    )
    if in_memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        _configure_sqlite(engine, durability=durability, wal=not in_memory, busy_timeout_ms=busy_timeout_ms)
    return engine


def _configure_sqlite(engine: Engine, *, durability: Durability, wal: bool, busy_timeout_ms: int) -> None:
    timeout = int(busy_timeout_ms)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take transaction control away from the sqlite3 module, so BEGIN is ours (see "begin" below)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {timeout}")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {durability.upper()}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # straight to the driver: this runs once per operation, and nothing in it is SQLAlchemy's to convert
        conn.connection.dbapi_connection.execute(  # type: ignore[union-attr]
            "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN"
        )


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` for revolve's migrations, bound to ``connection`` when given."""
    from alembic.config import Config  # noqa: PLC0415  (Alembic loads only when a schema is made or migrated)

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("version_table", ALEMBIC_VERSION_TABLE)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def ensure_schema(engine: Engine) -> int:
    """Create revolve's tables on an empty database, or migrate an older one; return the schema version.

    Raises:
        SchemaTooNew: the database was written by a newer revolve.
    """
    with engine.connect() as conn:
        has_schema = inspect(conn).has_table(SchemaRow.__tablename__)
        version = conn.execute(select(SchemaRow.version)).scalar_one_or_none() if has_schema else None
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaTooNew(version, supported=SCHEMA_VERSION)
    if version == SCHEMA_VERSION:
        return version
    if version is None:
        with engine.begin() as conn:
            _create_all(conn)
            conn.execute(insert(SchemaRow).values(id=1, version=SCHEMA_VERSION, created_at=datetime.now(UTC)))
            from alembic import command  # noqa: PLC0415

            command.stamp(alembic_config(conn), "head")
    else:
        from alembic import command  # noqa: PLC0415

        with migrating(engine) as conn:
            command.upgrade(alembic_config(conn), "head")
    return SCHEMA_VERSION


PARTITIONS_ENV = "REVOLVE_POSTGRES_PARTITIONS"
"""The environment variable that asks for a new PostgreSQL schema hash-partitioned by fund (a count)."""

_CREATING = threading.Lock()


def postgres_partitions() -> int:
    """How many hash partitions by ``fund_id`` each fund-held table of a new PostgreSQL schema gets:
    ``$REVOLVE_POSTGRES_PARTITIONS``, or 0 (plain tables) when it is unset or empty.

    Raises:
        InvalidSetting: the variable is not a whole number from 0 to 1024.
    """
    raw = os.environ.get(PARTITIONS_ENV, "").strip()
    if not raw:
        return 0
    if not raw.isdigit() or not 0 <= int(raw) <= 1024:
        raise InvalidSetting(PARTITIONS_ENV, raw, reason="partitions")
    return int(raw)


def _create_all(conn: Connection) -> None:
    """Create revolve's tables on ``conn``; on PostgreSQL with :func:`postgres_partitions` > 0 every
    fund-held table is ``PARTITION BY HASH (fund_id)`` with that many partitions (``<table>_p<k>``), its
    keys, foreign keys, indexes and triggers declared on the parent as on a plain table."""
    partitions = postgres_partitions() if conn.dialect.name == "postgresql" else 0
    if not partitions:
        metadata.create_all(conn)
        return
    held = [t for t in metadata.sorted_tables if t.name not in NOT_FUND_HELD]
    # the partition clause is set on the shared metadata only while these tables are created
    with _CREATING:
        for table in held:
            table.dialect_options["postgresql"]["partition_by"] = "HASH (fund_id)"
        try:
            metadata.create_all(conn)
        finally:
            for table in held:
                table.dialect_options["postgresql"]["partition_by"] = None
    # the partitions in one round trip (a few hundred statements, each cheap)
    conn.exec_driver_sql(
        ";\n".join(
            f"CREATE TABLE {table.name}_p{k} PARTITION OF {table.name} "
            f"FOR VALUES WITH (MODULUS {partitions}, REMAINDER {k})"
            for table in held
            for k in range(partitions)
        )
    )


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction for running revolve's migrations, committed at the end.

    On SQLite its foreign keys are off while it migrates (a migration that rebuilds a table swaps it for
    its copy, which SQLite allows with foreign keys off only, as its ``ALTER TABLE`` guide says); the
    migration checks them itself (``PRAGMA foreign_key_check``) before it ends, and they are on again for
    the connection's next user.
    """
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:  # straight to the driver: outside any transaction, where the pragma takes effect
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                yield conn
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]
