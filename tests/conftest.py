"""Test configuration: Hypothesis profiles, and the two backends every store test runs on.

SQLite always runs. PostgreSQL runs when ``REVOLVE_TEST_POSTGRES_URL`` names a server
(``postgresql+psycopg://user@host:port/db``); each test then gets a schema of its own, dropped afterwards.
With ``REVOLVE_REQUIRE_POSTGRES=1`` (as CI sets it) a missing or unreachable server fails the run
instead of skipping the PostgreSQL half. With ``REVOLVE_TEST_POSTGRES_PARTITIONS=N`` every schema revolve
creates for a test has its fund-held tables hash-partitioned by fund into N partitions
(``$REVOLVE_POSTGRES_PARTITIONS``, docs/postgresql.md): the suite's PostgreSQL half runs on that.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, create_engine, inspect, text

from revolve import Ledger, OrgLevel
from revolve.funds import Fund
from revolve.store.database import PARTITIONS_ENV, make_engine

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

POSTGRES_URL = os.environ.get("REVOLVE_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("REVOLVE_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]
PARTITIONS = os.environ.get("REVOLVE_TEST_POSTGRES_PARTITIONS", "")
if PARTITIONS:
    os.environ[PARTITIONS_ENV] = PARTITIONS

# PostgreSQL examples cost a schema each; property tests scale their example counts by this. A schema
# partitioned by fund costs a few times a plain one (each partition is a table, and each foreign key between
# two partitioned tables is declared once per pair of partitions), so the partitioned run takes fewer:
# it checks the layout, while the plain run keeps the depth.
EXAMPLES = {"sqlite": 1.0, "postgresql": 0.1 if PARTITIONS else 0.25}


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_POSTGRES and not POSTGRES_URL:
        raise pytest.UsageError("REVOLVE_REQUIRE_POSTGRES=1 but REVOLVE_TEST_POSTGRES_URL is not set")


# the modules whose chain walks are checked against the reference walk: those that forge, break, crash
# or build random books (the rest of the suite runs the fast walk alone, as users do, to keep CI short)
_WALKS_CROSS_CHECKED = {
    "test_chain_walk",
    "test_tamper",
    "test_records_tamper",
    "test_crash",
    "test_journal_properties",
    "test_lifecycle_properties",
    "test_government_properties",
}


@pytest.fixture(autouse=True)
def _fast_chain_walk_agrees(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the chain's own tests (:data:`_WALKS_CROSS_CHECKED`), a chain walk reports what the reference
    walk alone reports: the fast walk (:mod:`revolve.store.chain_walk`) never passes a chain the
    reference fails, nor reports it otherwise."""
    if request.module.__name__.rsplit(".", 1)[-1] not in _WALKS_CROSS_CHECKED:
        return
    from revolve.store import journal

    walk, fast = journal.verify_chain, journal.intact_chain

    def both(conn: Any, fund_id: int, **options: Any) -> journal.ChainWalk:
        found = walk(conn, fund_id, **options)
        monkeypatch.setattr(journal, "intact_chain", lambda *_, **__: None)
        try:
            reference = walk(conn, fund_id, **options)
        finally:
            monkeypatch.setattr(journal, "intact_chain", fast)
        assert found == reference
        return found

    monkeypatch.setattr(journal, "verify_chain", both)


def _skip_without_postgres(backend: str) -> None:
    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")


@contextmanager
def engine_for(backend: str, *, tmp_dir: str | None = None) -> Iterator[Engine]:
    """A fresh, empty database on ``backend``: a new SQLite file (or memory), or a new PostgreSQL schema."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_dir}/books.db" if tmp_dir else "sqlite://"
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=2)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def ledger_on(backend: str, *, tmp_dir: str | None = None) -> Iterator[Ledger]:
    """A Ledger on a fresh database of ``backend``."""
    with engine_for(backend, tmp_dir=tmp_dir) as engine:
        yield Ledger(engine=engine)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each store test runs once per backend."""
    name = str(request.param)
    _skip_without_postgres(name)
    return name


@pytest.fixture
def ledger(backend: str, tmp_path: object) -> Iterator[Ledger]:
    """A ledger on a fresh database (a SQLite file in WAL mode, or a PostgreSQL schema)."""
    with ledger_on(backend, tmp_dir=str(tmp_path)) as opened:
        yield opened


@pytest.fixture
def books_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database for ``--db``: a SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'books.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def make_fund(ledger: Ledger) -> Callable[..., Fund]:
    """Create a fund (and a county to own it) with a fresh code."""
    counter = iter(range(1, 10_000))

    def make(code: str | None = None, chart: str = "npo") -> Fund:
        n = next(counter)
        org = ledger.create_org(f"ORG-{n}", f"测试县{n}", OrgLevel.COUNTY)
        return ledger.create_fund(code or f"F-{n}", f"测试基金{n}", org=org, chart=chart)

    return make


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every revolve table, in primary-key order: the database's content."""
    from revolve.store.schema import metadata

    out: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        for table in metadata.sorted_tables:
            if table.name not in present:
                continue
            order = list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(table.select().order_by(*order))]
    return out
