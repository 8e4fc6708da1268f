"""The store: Alembic migrations match the models, the schema is revolve's own, and a host Session is
respected (revolve never commits for it)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from conftest import PARTITIONS, engine_for, snapshot
from revolve import AccountRole, Ledger, OrgLevel, PeriodClosed, UnknownFund, yuan
from revolve.journal import GENESIS_HASH, chain_hash, content_digest
from revolve.store.database import (
    ALEMBIC_VERSION_TABLE,
    SchemaTooNew,
    alembic_config,
    ensure_schema,
    migrating,
)
from revolve.store.schema import SCHEMA_VERSION, SchemaRow, made_on, metadata

R = AccountRole


def _diffs(conn: object) -> list[object]:
    context = MigrationContext.configure(
        conn,  # type: ignore[arg-type]
        opts={
            "include_object": lambda obj, name, type_, reflected, compare_to: (
                (type_ != "table" or ((name or "").startswith("revolve_") and name != ALEMBIC_VERSION_TABLE))
                and (reflected or made_on(obj, conn.dialect.name))
            ),  # type: ignore[attr-defined]
            "compare_type": True,
        },
    )
    return list(compare_metadata(context, metadata))


def test_migrations_build_exactly_the_models(backend: str) -> None:
    with engine_for(backend) as engine:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            assert _diffs(conn) == []
            assert conn.execute(select(SchemaRow.version)).scalar_one() == SCHEMA_VERSION
        # the migrated database takes posts, and its triggers guard the journal
        ledger = Ledger(engine=engine)
        org = ledger.create_org("C", "县", OrgLevel.COUNTY)
        fund = ledger.create_fund("F", "基金", org=org)
        ledger.post(
            fund,
            on=date(2020, 1, 1),
            kind="c",
            postings=[(R.FUND_CASH, yuan("1")), (R.DONATION_REVENUE, -yuan("1"))],
        )
        with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
            conn.execute(text("DELETE FROM revolve_entry"))
        assert ledger.check() == []


def test_create_all_matches_migrations_and_is_stamped(backend: str) -> None:
    if backend == "postgresql" and PARTITIONS:
        # the comparison is of plain tables: a partitioned schema adds each table's partitions and their
        # indexes, which no migration makes (test_partition checks the partitioned schema itself)
        pytest.skip("the migrations make plain tables; this run's schema is partitioned by fund")
    with engine_for(backend) as engine:
        assert ensure_schema(engine) == SCHEMA_VERSION
        with engine.connect() as conn:
            assert _diffs(conn) == []
            stamped = conn.execute(text(f"SELECT version_num FROM {ALEMBIC_VERSION_TABLE}")).scalar_one()
        assert stamped == "0027_schema_6"
        # opening again finds the schema and changes nothing
        before = snapshot(engine)
        assert ensure_schema(engine) == SCHEMA_VERSION
        assert snapshot(engine) == before


def _post_as_version_1(conn: Connection, fund_id: int, days: list[date]) -> None:
    """Entries of 5 yuan (Dr fund cash, Cr donation revenue), chained by digest version 1."""
    rows = conn.execute(text("SELECT role, id, code FROM revolve_account WHERE fund_id = :f"), {"f": fund_id})
    accounts, codes = {}, {}
    for role, account_id, code in rows:
        accounts[role], codes[role] = account_id, code
    lines = [(R.FUND_CASH.value, 500), (R.DONATION_REVENUE.value, -500)]
    prev = GENESIS_HASH
    for seq, day in enumerate(days, start=1):
        for line_no, (role, amount) in enumerate(lines, start=1):
            conn.execute(
                text(
                    "INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
                    "VALUES (:f, :s, :n, :a, :m, :d)"
                ),
                {"f": fund_id, "s": seq, "n": line_no, "a": accounts[role], "m": amount, "d": day},
            )
        digest = content_digest(
            value_date=day, kind="c", memo="", reverses=None, lines=[(codes[r], a) for r, a in lines]
        )
        new_hash = chain_hash(prev, fund_id=fund_id, seq=seq, digest=digest)
        conn.execute(
            text(
                "INSERT INTO revolve_entry (fund_id, seq, value_date, kind, memo, content_digest, prev_hash, "
                "hash, recorded_at) VALUES (:f, :s, :d, 'c', '', :g, :p, :h, :r)"
            ),
            {
                "f": fund_id,
                "s": seq,
                "d": day,
                "g": digest,
                "p": prev,
                "h": new_hash,
                "r": datetime(2020, 1, 3, tzinfo=UTC),
            },
        )
        prev = new_hash
    for role, amount in lines:
        conn.execute(
            text("UPDATE revolve_account SET balance = balance + :m WHERE id = :a"),
            {"m": amount * len(days), "a": accounts[role]},
        )
    conn.execute(
        text("UPDATE revolve_fund SET entry_count = :n, head_hash = :h WHERE id = :f"),
        {"n": len(days), "h": prev, "f": fund_id},
    )


def test_a_version_1_database_with_books_is_upgraded_in_place(backend: str) -> None:
    with engine_for(backend) as engine:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001_initial")
        with engine.connect() as conn:
            assert conn.execute(select(SchemaRow.version)).scalar_one() == 1
            assert not inspect(conn).has_table("revolve_loan")
        # revolve 0.1's books: a fund with two entries, written as revolve 0.1 wrote them (the digest of
        # version 1, which left the idempotency key and recorded_at out) into the version-1 tables
        old = Ledger(engine=engine, create_schema=False)
        org = old.create_org("C", "县", OrgLevel.COUNTY)
        fund = old.create_fund("F", "基金", org=org)
        with engine.begin() as conn:
            _post_as_version_1(conn, fund.id, [date(2020, 1, 1), date(2020, 1, 2)])
        before = _journal_rows(engine)
        assert ensure_schema(engine) == SCHEMA_VERSION
        with engine.connect() as conn:
            assert _diffs(conn) == []
        assert _journal_rows(engine) == before
        # the entries written before the digest took the idempotency key and recorded_at still verify
        report = Ledger(engine=engine).verify(fund)
        assert report.ok and report.entries_checked == 2


_JOURNAL_COLUMNS = {
    "revolve_account": "id, fund_id, role, sub, code, name, kind, balance",
    "revolve_entry": "fund_id, seq, value_date, kind, memo, idempotency_key, reverses_seq, content_digest, "
    "prev_hash, hash, recorded_at",
    "revolve_posting": "fund_id, entry_seq, line_no, account_id, amount, value_date",
}


def _journal_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """The version-1 columns of the journal's tables (an upgrade adds columns, and must change no row)."""
    with engine.connect() as conn:
        return {
            table: [tuple(r) for r in conn.execute(text(f"SELECT {columns} FROM {table} ORDER BY 1, 2, 3"))]
            for table, columns in _JOURNAL_COLUMNS.items()
        }


def test_downgrade_removes_every_revolve_table(backend: str) -> None:
    with engine_for(backend) as engine:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with migrating(engine) as conn:  # SQLite's table rebuilds run with its foreign keys off
            command.downgrade(alembic_config(conn), "base")
        with engine.connect() as conn:
            left = [
                t
                for t in inspect(conn).get_table_names()
                if t.startswith("revolve_") and t != ALEMBIC_VERSION_TABLE
            ]
        assert left == []


def test_a_newer_schema_is_refused(backend: str) -> None:
    with engine_for(backend) as engine:
        ensure_schema(engine)
        with engine.begin() as conn:
            conn.execute(SchemaRow.__table__.update().values(version=SCHEMA_VERSION + 1))
        with pytest.raises(SchemaTooNew) as info:
            ensure_schema(engine)
        assert info.value.found == SCHEMA_VERSION + 1


def test_tables_are_prefixed_and_amounts_are_bigint() -> None:
    assert all(t.name.startswith("revolve_") for t in metadata.sorted_tables)
    for table, column in [("revolve_posting", "amount"), ("revolve_account", "balance")]:
        assert "BIGINT" in repr(metadata.tables[table].c[column].type).upper()


def test_host_session_is_never_committed_by_revolve(backend: str) -> None:
    with engine_for(backend) as engine:
        ensure_schema(engine)
        with Session(engine) as session:
            ledger = Ledger(session=session)
            org = ledger.create_org("C", "县", OrgLevel.COUNTY)
            fund = ledger.create_fund("F", "基金", org=org)
            ledger.post(
                fund,
                on=date(2020, 1, 2),
                kind="c",
                postings=[(R.FUND_CASH, yuan("9")), (R.DONATION_REVENUE, -yuan("9"))],
            )
            assert ledger.balance(fund, R.FUND_CASH) == yuan("9")
            session.rollback()
        with pytest.raises(UnknownFund):
            Ledger(engine=engine).fund("F")


def test_a_refusal_inside_a_host_session_undoes_only_itself(backend: str) -> None:
    with engine_for(backend) as engine:
        ensure_schema(engine)
        with Session(engine) as session:
            ledger = Ledger(session=session)
            org = ledger.create_org("C", "县", OrgLevel.COUNTY)
            fund = ledger.create_fund("F", "基金", org=org)
            ledger.post(
                fund,
                on=date(2020, 1, 2),
                kind="c",
                postings=[(R.FUND_CASH, yuan("9")), (R.DONATION_REVENUE, -yuan("9"))],
            )
            ledger.close_period(fund, through=date(2020, 1, 31))
            with pytest.raises(PeriodClosed):
                ledger.post(
                    fund,
                    on=date(2020, 1, 3),
                    kind="c",
                    postings=[(R.FUND_CASH, yuan("1")), (R.DONATION_REVENUE, -yuan("1"))],
                )
            # the host's transaction is still usable and holds the earlier work
            ledger.post(
                fund,
                on=date(2020, 2, 1),
                kind="c",
                postings=[(R.FUND_CASH, yuan("1")), (R.DONATION_REVENUE, -yuan("1"))],
            )
            session.commit()
        reopened = Ledger(engine=engine)
        assert reopened.balance("F", R.FUND_CASH) == yuan("10")
        # the two donations and the close's entry (限定性收入 → 限定性净资产, issue 11 finding 1)
        assert reopened.verify("F").entries_checked == 3
        assert reopened.check() == []


def test_open_uses_the_environment_url(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    import revolve

    url = f"sqlite:///{tmp_path}/env.db"
    monkeypatch.setenv("REVOLVE_DATABASE_URL", url)
    with revolve.open() as ledger:
        ledger.create_org("C", "县", OrgLevel.COUNTY)
    with revolve.open(url) as again:
        assert [o.code for o in again.orgs()] == ["C"]
    with revolve.open(url) as ledger, ledger.engine.connect() as conn:  # type: ignore[union-attr]
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_audits_inside_a_host_session_leave_its_transaction_usable(backend: str) -> None:
    # verify() and check() stream the journal; they must not change the host's connection (on PostgreSQL
    # that broke the next savepoint)
    with engine_for(backend) as engine:
        ensure_schema(engine)
        with Session(engine) as session:
            ledger = Ledger(session=session)
            org = ledger.create_org("C", "县", OrgLevel.COUNTY)
            fund = ledger.create_fund("F", "基金", org=org)
            ledger.post(
                fund,
                on=date(2020, 1, 2),
                kind="c",
                postings=[(R.FUND_CASH, yuan("9")), (R.DONATION_REVENUE, -yuan("9"))],
            )
            assert ledger.verify(fund).ok
            assert ledger.check() == []
            ledger.post(
                fund,
                on=date(2020, 1, 3),
                kind="c",
                postings=[(R.FUND_CASH, yuan("1")), (R.DONATION_REVENUE, -yuan("1"))],
            )
            session.commit()
        assert Ledger(engine=engine).verify("F").entries_checked == 2
