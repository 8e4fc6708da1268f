"""Partition-ready by fund (schema version 6): every fund-held table carries ``fund_id`` in its primary key
and in every foreign key to another fund-held table, and a book written under version 5 is migrated to it
with every row, digest and chain link kept."""

from __future__ import annotations

import re
from datetime import date

import pytest
from alembic import command
from sqlalchemy import Table, inspect, select, text
from sqlalchemy.exc import DBAPIError

from conftest import PARTITIONS, _skip_without_postgres, engine_for, snapshot
from revolve import InvalidSetting, Ledger, OrgLevel, yuan
from revolve.store import journal as store_journal
from revolve.store import loans as store_loans
from revolve.store.database import PARTITIONS_ENV, alembic_config, migrating, postgres_partitions
from revolve.store.rows import loan_state_values
from revolve.store.schema import NOT_FUND_HELD, ApplicationStepRow, SchemaRow, metadata
from test_records_tamper import _book


def _fund_held() -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name not in NOT_FUND_HELD]


def test_every_fund_held_table_is_keyed_and_referenced_by_its_fund() -> None:
    tables = _fund_held()
    assert len(tables) == len(metadata.tables) - len(NOT_FUND_HELD) > 30
    for table in tables:
        key = [c.name for c in table.primary_key.columns]
        assert key[0] == "fund_id", (table.name, key)
        for fk in table.foreign_key_constraints:
            referred = fk.referred_table.name
            if referred in NOT_FUND_HELD:
                continue
            local = [c.name for c in fk.columns]
            remote = [e.column.name for e in fk.elements]
            # (fund_id, x_id) → (fund_id, id): the fund is matched with the fund
            assert local[0] == "fund_id" and remote[0] == "fund_id", (table.name, local, referred, remote)
            assert set(remote) == {c.name for c in fk.referred_table.primary_key.columns}, (
                table.name,
                referred,
            )
        for unique in (c for c in table.constraints if c.__class__.__name__ == "UniqueConstraint"):
            assert "fund_id" in [c.name for c in unique.columns], (table.name, unique.name)  # type: ignore[attr-defined]


def test_ids_stay_unique_across_funds(backend: str) -> None:
    with engine_for(backend) as engine:
        ledger = Ledger(engine=engine)
        org = ledger.create_org("C", "县", OrgLevel.COUNTY)
        first = ledger.create_fund("F1", "一", org=org)
        second = ledger.create_fund("F2", "二", org=org)
        one = ledger.register_household(
            first,
            code="H1",
            mother_name="甲",
            national_id="11010519491231002X",
            registered_on=date(2020, 1, 1),
        )
        two = ledger.register_household(
            second,
            code="H1",
            mother_name="乙",
            national_id="110105198001010016",
            registered_on=date(2020, 1, 1),
        )
        assert one.id != two.id
        # a row of one fund cannot name another fund's row: the foreign key carries the fund
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO revolve_household_record (fund_id, household_id, kind, on_date, note) "
                    "VALUES (:f, :h, 'visit', '2020-02-01', '')"
                ),
                {"f": first.id, "h": two.id},
            )
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO revolve_household_record (fund_id, household_id, kind, on_date, note) "
                    "VALUES (:f, :h, 'visit', '2020-02-01', '')"
                ),
                {"f": first.id, "h": one.id},
            )
        with engine.connect() as conn:
            ids = conn.execute(text("SELECT id FROM revolve_account")).scalars().all()
        assert len(ids) == len(set(ids)) > 0


def test_a_version_5_book_is_migrated_with_every_row_digest_and_link_kept(backend: str) -> None:
    if backend == "postgresql" and PARTITIONS:
        # version 5's keys lack the fund, and a partitioned table's keys must hold it: such a book
        # cannot be taken down to version 5 (it was never at version 5)
        pytest.skip("a schema partitioned by fund has no version-5 form to go back to")
    with engine_for(backend) as engine:
        ledger = Ledger(engine=engine)
        fund = _book(ledger)["fund"]
        app = ledger.apply(fund, "H1", amount=yuan("5000"), term_months=12, on=date(2016, 5, 1))
        assert ledger.verify(fund).ok and ledger.check() == []
        before = snapshot(engine)
        # the book as revision 0023 kept it: version-5 keys, application steps without their fund
        with migrating(engine) as conn:
            command.downgrade(alembic_config(conn), "0023_schema_5")
        with engine.connect() as conn:
            assert conn.execute(select(SchemaRow.version)).scalar_one() == 5
            columns = {c["name"] for c in inspect(conn).get_columns("revolve_application_step")}
            assert "fund_id" not in columns
            assert list(inspect(conn).get_pk_constraint("revolve_loan")["constrained_columns"]) == ["id"]
        # opening it migrates it
        reopened = Ledger(engine=engine)
        with engine.connect() as conn:
            assert conn.execute(select(SchemaRow.version)).scalar_one() == 6
            steps = conn.execute(select(ApplicationStepRow.fund_id, ApplicationStepRow.application_id)).all()
        assert steps == [(fund.id, app.id)]
        assert snapshot(engine) == before
        assert reopened.verify(fund).ok and reopened.check() == []
        # and it goes on taking the fund's work
        reopened.repay(fund, "L1", amount=yuan("500"), on=date(2016, 7, 10), receipt="R-9")
        assert reopened.verify(fund).ok and reopened.check() == []


def test_a_partitioned_postgresql_schema_takes_the_books(monkeypatch: pytest.MonkeyPatch) -> None:
    _skip_without_postgres("postgresql")
    monkeypatch.setenv(PARTITIONS_ENV, "4")
    with engine_for("postgresql") as engine:
        ledger = Ledger(engine=engine)
        with engine.connect() as conn:
            parents = set(
                conn.execute(
                    text(
                        "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                        "WHERE c.relnamespace = current_schema()::regnamespace"
                    )
                ).scalars()
            )
            leaves = conn.execute(
                text(
                    "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
                )
            ).scalar_one()
        assert parents == {t.name for t in _fund_held()}
        assert leaves == 4 * len(parents)
        fund = _book(ledger)["fund"]
        ledger.apply(fund, "H1", amount=yuan("5000"), term_months=12, on=date(2016, 5, 1))
        assert ledger.verify(fund).ok and ledger.check() == []
        # a loan's and an account's updates by id name the fund: each touches one partition
        loan = ledger.loan(fund, "L1")
        account = ledger.trial_balance(fund).lines[0]
        with engine.connect() as conn:
            account_id = conn.execute(
                text("SELECT id FROM revolve_account WHERE fund_id = :f AND code = :c"),
                {"f": fund.id, "c": account.code},
            ).scalar_one()
            for table, statement, params in (
                ("revolve_loan", store_loans._UPDATE_LOAN_STATE, loan_state_values(loan)),
                ("revolve_loan", store_loans._MAKE_CURRENT, {"fund": fund.id, "loan": loan.id, "version": 1}),
                (
                    "revolve_account",
                    store_journal._MOVE_BALANCES,
                    {"b_fund": fund.id, "b_id": account_id, "b_delta": 0, "b_debit": 0, "b_credit": 0},
                ),
            ):
                compiled = statement.compile(dialect=conn.dialect)
                plan = "\n".join(
                    conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.construct_params(params)).scalars()
                )
                touched = set(re.findall(rf"\b{table}_p\d+\b", plan))
                assert len(touched) == 1, (table, plan)
        # the journal's triggers hold on the partitioned tables
        with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
            conn.execute(text("DELETE FROM revolve_entry"))
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text("UPDATE revolve_receipt SET loan_id = loan_id + 1000"))


def test_the_partition_count_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    for bad in ("eight", "-1", "1025", "2.5"):
        monkeypatch.setenv(PARTITIONS_ENV, bad)
        with pytest.raises(InvalidSetting) as refused:
            postgres_partitions()
        assert (refused.value.name, refused.value.value) == (PARTITIONS_ENV, bad)
        assert refused.value.code == "invalid_setting" and refused.value.reason_key == "partitions"
        assert "0 到 1024" in refused.value.message("zh") and PARTITIONS_ENV in str(refused.value)
    monkeypatch.setenv(PARTITIONS_ENV, "8")
    assert postgres_partitions() == 8
    monkeypatch.setenv(PARTITIONS_ENV, "")
    assert postgres_partitions() == 0
