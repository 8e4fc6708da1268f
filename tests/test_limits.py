"""The length check (:mod:`revolve.store.limits`) on statements that take ``Connection.execute``'s road:
built on the spot, run once or for many rows, inserted in batches with RETURNING. The operations' own
refusals are in tests/test_bad_input.py; here every statement is a Core statement the tests build, so
the check is seen where SQLAlchemy compiles it, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, bindparam, insert, select, update

from conftest import snapshot
from revolve import Ledger, OrgLevel
from revolve.errors import InvalidEntry, ValueTooLong
from revolve.store import driver
from revolve.store.driver import insert_many, run, run_many
from revolve.store.limits import LIMITS
from revolve.store.schema import OrgRow

NAME_LIMIT = LIMITS["revolve_org"]["name"]
_ORG = OrgRow.__table__
# built once, as revolve's write paths build theirs, for the driver fast path (revolve.store.driver)
_RENAME = update(_ORG).where(_ORG.c.id == bindparam("org")).values(name=bindparam("name"))
_INSERT_ORG = insert(_ORG)


def _org(ledger: Ledger) -> int:
    return ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY).id


def _engine(ledger: Ledger) -> Engine:
    assert ledger.engine is not None
    return ledger.engine


def test_an_update_built_on_the_spot_is_refused_naming_the_field_and_writes_nothing(ledger: Ledger) -> None:
    org = _org(ledger)
    engine = _engine(ledger)
    before = snapshot(engine)
    with pytest.raises(ValueTooLong) as refused, engine.begin() as conn:
        conn.execute(update(OrgRow).where(OrgRow.id == org).values(name="县" * (NAME_LIMIT + 1)))
    assert refused.value.field == "org.name" and refused.value.limit == NAME_LIMIT
    assert refused.value.length == NAME_LIMIT + 1
    assert "县县" not in str(refused.value)  # the value itself is never quoted
    assert snapshot(engine) == before


def test_a_parameter_bearing_the_column_name_is_checked_on_every_row_of_an_executemany(
    ledger: Ledger,
) -> None:
    org = _org(ledger)
    engine = _engine(ledger)
    before = snapshot(engine)
    stmt = update(OrgRow).where(OrgRow.id == bindparam("org")).values(name=bindparam("name"))
    rows = [{"org": org, "name": "甲"}, {"org": org, "name": "乙" * (NAME_LIMIT + 5)}]
    with pytest.raises(ValueTooLong) as refused, engine.begin() as conn:
        conn.execute(stmt, rows)
    assert refused.value.field == "org.name" and refused.value.length == NAME_LIMIT + 5
    assert snapshot(engine) == before


def test_an_insert_of_many_rows_with_returning_is_refused_before_its_first_batch(ledger: Ledger) -> None:
    # RETURNING over many rows: SQLAlchemy sends them in batches (insertmanyvalues), the hook runs per batch
    _org(ledger)
    engine = _engine(ledger)
    before = snapshot(engine)
    rows = [{"code": f"T{n}", "name": f"乡{n}", "level": 4} for n in range(1200)]
    rows[1100]["name"] = "乡" * (NAME_LIMIT + 1)
    with pytest.raises(ValueTooLong), engine.begin() as conn:
        conn.execute(insert(OrgRow).returning(OrgRow.id), rows)
    assert snapshot(engine) == before
    rows[1100]["name"] = "乡" * NAME_LIMIT
    with engine.begin() as conn:
        ids = conn.execute(insert(OrgRow).returning(OrgRow.id), rows).scalars().all()
    assert len(ids) == 1200


def test_a_nul_character_in_a_statement_built_on_the_spot_is_refused(ledger: Ledger) -> None:
    org = _org(ledger)
    engine = _engine(ledger)
    before = snapshot(engine)
    with pytest.raises(InvalidEntry) as refused, engine.begin() as conn:
        conn.execute(update(OrgRow).where(OrgRow.id == org).values(name="丰宁\x00"))
    assert "NUL" in str(refused.value)
    assert snapshot(engine) == before


def test_the_driver_fast_path_refuses_an_over_long_or_nul_text_in_one_row_or_many(ledger: Ledger) -> None:
    # run checks one row against the text parameters its plan found; run_many and insert_many every row
    org = _org(ledger)
    engine = _engine(ledger)
    before = snapshot(engine)
    with engine.connect() as conn:
        assert driver._direct(conn)  # the statements below go straight to the driver
    with pytest.raises(ValueTooLong) as refused, engine.begin() as conn:
        run(conn, _RENAME, {"org": org, "name": "县" * (NAME_LIMIT + 1)})
    assert (refused.value.field, refused.value.length, refused.value.limit) == (
        "org.name",
        NAME_LIMIT + 1,
        NAME_LIMIT,
    )
    with pytest.raises(InvalidEntry), engine.begin() as conn:
        run(conn, _RENAME, {"org": org, "name": "丰宁\x00"})
    many = [{"org": org, "name": "甲"}, {"org": org, "name": "乙" * (NAME_LIMIT + 2)}]
    with pytest.raises(ValueTooLong) as refused, engine.begin() as conn:
        run_many(conn, _RENAME, many)
    assert refused.value.length == NAME_LIMIT + 2
    with pytest.raises(ValueTooLong), engine.begin() as conn:
        insert_many(conn, _INSERT_ORG, [{"code": "T1", "name": "乡" * (NAME_LIMIT + 1), "level": 4}])
    with pytest.raises(InvalidEntry), engine.begin() as conn:
        insert_many(
            conn,
            _INSERT_ORG,
            [{"code": "T2", "name": "乡", "level": 4}, {"code": "T\x00", "name": "乡", "level": 4}],
        )
    assert snapshot(engine) == before
    with engine.begin() as conn:  # what fits is written, on the same plans
        run(conn, _RENAME, {"org": org, "name": "县" * NAME_LIMIT})
        insert_many(conn, _INSERT_ORG, [{"code": "T1", "name": "乡" * NAME_LIMIT, "level": 4}])
    assert _orgs(ledger) == {"FN": "县" * NAME_LIMIT, "T1": "乡" * NAME_LIMIT}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(length=st.integers(min_value=0, max_value=NAME_LIMIT + 40))
def test_a_name_is_stored_exactly_when_it_fits(ledger: Ledger, length: int) -> None:
    if "FN" not in _orgs(ledger):
        _org(ledger)
    kept = _orgs(ledger)["FN"]
    name = "名" * length
    stmt = update(OrgRow).where(OrgRow.code == "FN").values(name=name)
    if length > NAME_LIMIT:
        with pytest.raises(ValueTooLong) as refused, _engine(ledger).begin() as conn:
            conn.execute(stmt)
        assert (refused.value.length, refused.value.limit) == (length, NAME_LIMIT)
    else:
        with _engine(ledger).begin() as conn:
            conn.execute(stmt)
    assert _orgs(ledger)["FN"] == (name if length <= NAME_LIMIT else kept)


def _orgs(ledger: Ledger) -> dict[str, str]:
    with _engine(ledger).connect() as conn:
        return {str(code): str(name) for code, name in conn.execute(select(OrgRow.code, OrgRow.name)).all()}
