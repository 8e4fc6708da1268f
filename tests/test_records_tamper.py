"""Tampering with the records people read, through a raw connection as an attacker would (issue 12, item 3).

The journal is chained; the records beside it — receipts, loans, schedules and their instalments,
guarantees, households, period closes — are not. Each test builds a small lending book, edits one record
with raw SQL (``sqlite3`` / psycopg through ``engine.raw_connection()``), and shows that ``check()``
and ``verify()`` name it — in a keyed fund even when the attacker recomputes every bare record digest
after the edit, since a keyed fund's record digests are HMACs under the chain key; sealing and the
migration key the records of existing books; funds and organisations cannot be deleted, and books whose
fund rows are gone do not pass ``check()`` or ``revolve check``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from alembic import command
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text, update

from conftest import BACKENDS, EXAMPLES, POSTGRES_URL, engine_for
from revolve import ChainKeyMissing, Ledger, OrgLevel, yuan
from revolve.cli import main
from revolve.guarantees import GuarantorKind
from revolve.records import (
    HOUSEHOLD_COLUMNS,
    LOAN_COLUMNS,
    PERIOD_CLOSE_COLUMNS,
    RECEIPT_COLUMNS,
    guarantees_digest,
    row_digest,
    schedule_digest,
)
from revolve.schedule import LoanTerms, RepaymentMethod
from revolve.store.database import ALEMBIC_VERSION_TABLE, alembic_config
from revolve.store.schema import (
    GuaranteeRow,
    HouseholdRow,
    InstallmentRow,
    LoanRow,
    PeriodCloseRow,
    ReceiptRow,
    ScheduleVersionRow,
)

D = date
ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"
KEY = "a deployment key kept outside the database, 32+ bytes"


def _book(ledger: Ledger, *, loans: int = 2, repayments: int = 2, close: bool = True) -> dict[str, Any]:
    """A fund with two households, two batches, a guarantor, ``loans`` guaranteed loans (the first repaid in part,
    the last written off when there are two or more) and a period close."""
    org = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    fund = ledger.create_fund("FN", "丰宁县幸福工程资金", org=org)
    ledger.contribute(fund, amount=yuan("300000"), on=D(2016, 1, 5), receipt="D-1")
    for code, national_id in (("H1", ID_1), ("H2", ID_2)):
        ledger.register_household(
            fund, code=code, mother_name="王秀英", national_id=national_id, registered_on=D(2016, 1, 1)
        )
    ledger.open_batch(fund, code="B1", on=D(2016, 3, 1))
    ledger.open_batch(fund, code="B2", on=D(2016, 3, 1))
    ledger.register_guarantor(
        fund, code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan("50000")
    )
    for n in range(1, loans + 1):
        terms = LoanTerms(
            principal=yuan("6000"), start=D(2016, 3, 10), term=6, method=RepaymentMethod.EQUAL_PRINCIPAL
        )
        ledger.disburse(
            fund,
            number=f"L{n}",
            household=f"H{(n - 1) % 2 + 1}",
            batch="B1",
            terms=terms,
            guarantors=["VC"],
        )
    for r in range(1, repayments + 1):
        ledger.repay(fund, "L1", amount=yuan("1000"), on=D(2016, 4, 10) + timedelta(days=r), receipt=f"R-{r}")
    if loans >= 2:
        ledger.write_off(fund, f"L{loans}", on=D(2016, 6, 30), approval_ref="批-1", reason="失联")
    if close:
        ledger.close_period(fund, through=D(2016, 6, 30))
    assert ledger.check() == []
    return {"fund": fund, "org": org}


def _raw(engine: Engine, *statements: str) -> None:
    """Run statements on a raw DBAPI connection (sqlite3 or psycopg), as an attacker with write rights."""
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        for statement in statements:
            cursor.execute(statement)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def book(ledger: Ledger) -> Ledger:
    _book(ledger)
    return ledger


def _codes(ledger: Ledger) -> set[str]:
    return {v.code for v in ledger.check()}


def _engine(ledger: Ledger) -> Engine:
    engine = ledger.engine
    assert isinstance(engine, Engine)
    return engine


# ---- each edit the tester made, found ----------------------------------------------------------
EDITS = {
    "receipt amount": "UPDATE revolve_receipt SET amount = amount + 50000 WHERE receipt = 'R-1'",
    "receipt number": "UPDATE revolve_receipt SET receipt = 'R-9' WHERE receipt = 'R-1'",
    "receipt date": "UPDATE revolve_receipt SET value_date = '2016-05-20' WHERE receipt = 'R-1'",
    "receipt split": "UPDATE revolve_receipt SET principal = principal - 1, interest = interest + 1 "
    "WHERE receipt = 'R-1'",
    "receipt deleted": "DELETE FROM revolve_receipt WHERE receipt = 'R-2'",
    "loan written off": "UPDATE revolve_loan SET status = 'written_off' WHERE number = 'L1'",
    "written-off loan reopened": "UPDATE revolve_loan SET status = 'active' WHERE number = 'L2'",
    "loan closed": "UPDATE revolve_loan SET status = 'closed' WHERE number = 'L1'",
    "loan principal": "UPDATE revolve_loan SET principal = 600 WHERE number = 'L1'",
    "loan paid": "UPDATE revolve_loan SET principal_paid = principal_paid + 100 WHERE number = 'L1'",
    "loan moved to another mother": "UPDATE revolve_loan SET household_id = "
    "(SELECT id FROM revolve_household WHERE code = 'H2') WHERE number = 'L1'",
    "loan moved to another batch": "UPDATE revolve_loan SET batch_id = "
    "(SELECT id FROM revolve_batch WHERE code = 'B2') WHERE number = 'L1'",
    "loan purpose": "UPDATE revolve_loan SET purpose_note = '养猪' WHERE number = 'L1'",
    "loan number": "UPDATE revolve_loan SET number = 'L9' WHERE number = 'L1'",
    "loan round": "UPDATE revolve_loan SET round = round + 1 WHERE number = 'L1'",
    "loan extended": "UPDATE revolve_loan SET extensions = 1, extended_on = '2016-09-10' WHERE number = 'L1'",
    "due dates moved": "UPDATE revolve_installment SET due_date = '2026-01-01' WHERE number = 6",
    "instalment amount": "UPDATE revolve_installment SET principal = principal + 1 WHERE number = 1",
    "schedule terms": "UPDATE revolve_schedule_version SET effective_on = '2019-01-01'",
    "guarantee deleted": "DELETE FROM revolve_guarantee",
    "household ID": f"UPDATE revolve_household SET national_id = '{ID_2[:-1]}7' WHERE code = 'H1'",
    "household name": "UPDATE revolve_household SET mother_name = '李某' WHERE code = 'H2'",
    "closed_through moved": "UPDATE revolve_fund SET closed_through = '2015-12-31'",
    "close moved": "UPDATE revolve_period_close SET through = '2016-12-31'",
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_check_finds_a_record_edited_by_raw_sql(book: Ledger, name: str) -> None:
    _raw(_engine(book), EDITS[name])
    problems = book.check()
    assert problems, name
    text = " ".join(str(p) for p in problems)
    assert ID_1 not in text and ID_2 not in text and "王秀英" not in text


def test_a_receipt_edit_that_recomputes_its_digest_still_disagrees_with_the_journal(book: Ledger) -> None:
    engine = _engine(book)
    with engine.begin() as conn:
        row = conn.execute(select(ReceiptRow.__table__).where(ReceiptRow.receipt == "R-1")).one()
        values = dict(row._mapping) | {"amount": row.amount + 50_000}
        conn.execute(
            update(ReceiptRow)
            .where(ReceiptRow.id == row.id)
            .values(amount=values["amount"], digest=row_digest("receipt", values, RECEIPT_COLUMNS))
        )
    assert _codes(book) >= {"receipt_entry"}


def _recompute_bare_digests(engine: Engine) -> None:
    """Recompute every record's bare SHA-256 digest from its (edited) content, as an attacker who has
    read revolve's source would after an edit."""
    with engine.begin() as conn:
        for table, kind, columns in (
            (ReceiptRow.__table__, "receipt", RECEIPT_COLUMNS),
            (HouseholdRow.__table__, "household", HOUSEHOLD_COLUMNS),
            (PeriodCloseRow.__table__, "period_close", PERIOD_CLOSE_COLUMNS),
            (LoanRow.__table__, "loan", LOAN_COLUMNS),
        ):
            for row in conn.execute(select(table)):
                digest = row_digest(kind, row._mapping, columns)
                conn.execute(update(table).where(table.c.id == row.id).values(digest=digest))
        version, due = ScheduleVersionRow.__table__, InstallmentRow.__table__
        for v in conn.execute(select(version)):
            dues = conn.execute(select(due).where(due.c.loan_id == v.loan_id, due.c.version == v.version))
            conn.execute(
                update(version)
                .where(version.c.loan_id == v.loan_id, version.c.version == v.version)
                .values(digest=schedule_digest(v._mapping, [d._mapping for d in dues]))
            )
        for loan_id in conn.execute(select(LoanRow.id)).scalars():
            held = conn.execute(select(GuaranteeRow.guarantor_id).where(GuaranteeRow.loan_id == loan_id))
            conn.execute(
                update(LoanRow)
                .where(LoanRow.id == loan_id)
                .values(guarantees_digest=guarantees_digest(held.scalars()))
            )


@pytest.mark.parametrize("name", sorted(EDITS))
def test_verify_finds_a_record_edited_by_raw_sql(book: Ledger, name: str) -> None:
    fund = book.funds()[0]
    assert book.verify(fund).ok
    _raw(_engine(book), EDITS[name])
    report = book.verify(fund)
    assert not report.ok and report.first_break is None and report.records, name
    assert ID_1 not in str(report) and ID_2 not in str(report) and "王秀英" not in str(report)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_keyed_fund_finds_an_edit_whose_bare_digest_was_recomputed(
    ledger: Ledger, backend: str, name: str
) -> None:
    keyed = Ledger(engine=ledger.engine, chain_key=KEY, create_schema=False)
    fund = _book(keyed)["fund"]
    assert keyed.verify(fund).ok and keyed.verify(fund).keyed
    engine = _engine(keyed)
    _raw(engine, EDITS[name])
    _recompute_bare_digests(engine)
    assert not keyed.verify(fund).ok, name
    assert keyed.check(), name


def test_sealing_keys_the_records_written_before(ledger: Ledger) -> None:
    fund = _book(ledger)["fund"]
    engine = _engine(ledger)
    keyed = Ledger(engine=engine, chain_key=KEY, create_schema=False)
    report = keyed.seal_chain(fund)
    assert report.ok and report.keyed
    assert keyed.verify(fund).ok and keyed.check() == []
    _raw(engine, EDITS["household ID"])
    _recompute_bare_digests(engine)
    assert {v.code for v in keyed.verify(fund).records} == {"record_digest"}


def test_a_record_edited_before_sealing_stays_found(ledger: Ledger) -> None:
    fund = _book(ledger)["fund"]
    engine = _engine(ledger)
    _raw(engine, EDITS["due dates moved"])
    keyed = Ledger(engine=engine, chain_key=KEY, create_schema=False)
    assert keyed.seal_chain(fund).keyed
    assert {v.code for v in keyed.verify(fund).records} == {"record_digest"}


def test_a_keyed_funds_records_need_the_key(ledger: Ledger) -> None:
    keyed = Ledger(engine=ledger.engine, chain_key=KEY, create_schema=False)
    fund = _book(keyed, loans=1, repayments=0, close=False)["fund"]
    with pytest.raises(ChainKeyMissing):
        ledger.register_household(
            fund,
            code="H3",
            mother_name="李桂兰",
            national_id="110105199001010010",
            registered_on=D(2016, 1, 1),
        )
    assert {h.code for h in keyed.households(fund)} == {"H1", "H2"}


@pytest.mark.parametrize("with_key", [True, False])
def test_the_migration_keys_the_records_of_funds_keyed_before(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, with_key: bool
) -> None:
    engine = _engine(ledger)
    keyed = Ledger(engine=engine, chain_key=KEY, create_schema=False)
    fund = _book(keyed)["fund"]
    # the books as revision 0020 left them: a keyed chain, its records with bare digests
    _recompute_bare_digests(engine)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {ALEMBIC_VERSION_TABLE} SET version_num = '0020_perf'"))
    assert {v.code for v in keyed.verify(fund).records} == {"record_digest"}
    monkeypatch.delenv("REVOLVE_CHAIN_KEY_FILE", raising=False)
    if with_key:
        monkeypatch.setenv("REVOLVE_CHAIN_KEY", KEY)
    else:
        monkeypatch.delenv("REVOLVE_CHAIN_KEY", raising=False)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    if with_key:
        assert keyed.verify(fund).ok and keyed.check() == []
    else:  # nothing written without the key; sealing under it keys the records
        assert {v.code for v in keyed.verify(fund).records} == {"record_digest"}
        assert keyed.seal_chain(fund).keyed
        assert keyed.verify(fund).ok and keyed.check() == []


@pytest.mark.parametrize("keyed", [False, True])
def test_an_extension_rewrites_the_loan_digest_and_a_later_edit_is_found(ledger: Ledger, keyed: bool) -> None:
    books = Ledger(engine=ledger.engine, chain_key=KEY, create_schema=False) if keyed else ledger
    fund = _book(books, loans=1, repayments=1, close=False)["fund"]
    engine = _engine(books)
    with engine.connect() as conn:
        before = conn.execute(select(LoanRow.digest).where(LoanRow.number == "L1")).scalar_one()
    books.extend(fund, "L1", on=D(2016, 6, 20), extra_periods=3, approval_ref="批-2", approved_by="某")
    with engine.connect() as conn:
        after = conn.execute(select(LoanRow.digest).where(LoanRow.number == "L1")).scalar_one()
    assert before is not None and after is not None and after != before
    assert books.check() == [] and books.verify(fund).ok
    _raw(engine, "UPDATE revolve_loan SET extension_ref = '批-3' WHERE number = 'L1'")
    if keyed:
        _recompute_bare_digests(engine)
    assert "record_digest" in _codes(books)
    assert not books.verify(fund).ok


def test_an_extension_keeps_the_stale_digest_of_a_loan_edited_before(ledger: Ledger) -> None:
    _book(ledger, loans=1, repayments=1, close=False)
    _raw(_engine(ledger), EDITS["loan moved to another mother"])
    ledger.extend("FN", "L1", on=D(2016, 6, 20), extra_periods=3, approval_ref="批-2", approved_by="某")
    assert "record_digest" in _codes(ledger)


@pytest.mark.parametrize("with_key", [True, False])
def test_the_migration_fills_the_digest_of_existing_loans(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, with_key: bool
) -> None:
    engine = _engine(ledger)
    keyed = Ledger(engine=engine, chain_key=KEY, create_schema=False)
    plain_fund = _book(ledger)["fund"]
    org = keyed.create_org("LP", "滦平县", OrgLevel.COUNTY)
    keyed_fund = keyed.create_fund("LP", "滦平县幸福工程资金", org=org)
    keyed.contribute(keyed_fund, amount=yuan("10000"), on=D(2016, 1, 5), receipt="D-1")
    keyed.register_household(
        keyed_fund, code="H1", mother_name="王秀英", national_id=ID_1, registered_on=D(2016, 1, 1)
    )
    keyed.open_batch(keyed_fund, code="B1", on=D(2016, 3, 1))
    keyed.register_guarantor(keyed_fund, code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会")
    keyed.disburse(
        keyed_fund,
        number="L1",
        household="H1",
        batch="B1",
        terms=LoanTerms(principal=yuan("6000"), start=D(2016, 3, 10), term=6),
        guarantors=["VC"],
    )
    # the books as revision 0021 left them: loans without a digest
    with engine.begin() as conn:
        conn.execute(update(LoanRow).values(digest=None))
        conn.execute(text(f"UPDATE {ALEMBIC_VERSION_TABLE} SET version_num = '0021_chain'"))
    monkeypatch.delenv("REVOLVE_CHAIN_KEY_FILE", raising=False)
    if with_key:
        monkeypatch.setenv("REVOLVE_CHAIN_KEY", KEY)
    else:
        monkeypatch.delenv("REVOLVE_CHAIN_KEY", raising=False)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
        assert conn.execute(select(LoanRow.id).where(LoanRow.digest.is_(None))).all() == []
    assert ledger.verify(plain_fund).ok
    if with_key:
        assert keyed.verify(keyed_fund).ok and keyed.check() == []
    else:  # a bare digest in a keyed fund: reported until sealing keys it
        assert {v.code for v in keyed.verify(keyed_fund).records} == {"record_digest"}
        assert keyed.seal_chain(keyed_fund).keyed
        assert keyed.verify(keyed_fund).ok and keyed.check() == []
    # both funds have a loan L1; the edit moves the plain fund's (the database refuses to move a loan to
    # another fund's household: the foreign key carries the fund)
    _raw(engine, EDITS["loan moved to another mother"] + f" AND fund_id = {plain_fund.id}")
    assert "record_digest" in _codes(keyed)


@pytest.mark.parametrize("target", ["nothing", "another loan's write-off"])
def test_a_forged_write_off_row_does_not_make_a_loan_written_off(book: Ledger, target: str) -> None:
    """Status set to written off, with a write-off row to match: the row must point at a write-off entry
    of this loan in the chained journal."""
    engine = _engine(book)
    with engine.connect() as conn:
        written = conn.execute(text("SELECT entry_seq, fund_id FROM revolve_write_off")).one()
        loan_id = conn.execute(text("SELECT id FROM revolve_loan WHERE number = 'L1'")).scalar_one()
    seq = 999 if target == "nothing" else written.entry_seq
    _raw(
        engine,
        "UPDATE revolve_loan SET status = 'written_off' WHERE number = 'L1'",
        "INSERT INTO revolve_write_off (loan_id, fund_id, written_on, amount, approval_ref, reason, entry_seq) "
        f"VALUES ({loan_id}, {written.fund_id}, '2016-06-30', 100, '批-9', '失联', {seq})",
    )
    assert "loan_record" in _codes(book)
    assert not book.verify(book.funds()[0]).ok


def test_a_forged_void_row_does_not_make_a_loan_voided(book: Ledger) -> None:
    """Status set to voided, with a void row naming some other entry as the reversal: the reversal must
    be an entry of the chained journal that reverses the loan's disbursement."""
    engine = _engine(book)
    with engine.connect() as conn:
        loan = conn.execute(
            text("SELECT fund_id, disbursement_seq FROM revolve_loan WHERE number = 'L1'")
        ).one()
        last = conn.execute(text("SELECT MAX(seq) FROM revolve_entry")).scalar_one()
    _raw(
        engine,
        "UPDATE revolve_loan SET status = 'voided' WHERE number = 'L1'",
        "INSERT INTO revolve_void (fund_id, kind, reference, original_seq, reversal_seq, voided_on, reason, "
        f"approved_by, recorded_at) VALUES ({loan.fund_id}, 'disbursement', 'L1', {loan.disbursement_seq}, {last}, "
        "'2016-06-30', '错', '某', '2016-06-30 09:00:00')",
    )
    assert "loan_record" in _codes(book)
    assert not book.verify(book.funds()[0]).ok


# ---- funds and organisations stay ------------------------------------------------------------
@pytest.mark.parametrize("table", ["revolve_fund", "revolve_org"])
def test_the_database_refuses_deleting_funds_and_orgs(book: Ledger, table: str) -> None:
    with pytest.raises(Exception, match="never deleted"):
        _raw(_engine(book), f"DELETE FROM {table}")
    assert book.check() == []


def test_check_fails_when_fund_rows_are_gone(backend: str, tmp_path: Any, capsys: Any) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's foreign keys refuse the delete even without revolve's triggers")
    path = tmp_path / "books.db"
    with engine_for("sqlite", tmp_dir=str(tmp_path)) as engine:
        _book(Ledger(engine=engine))
        _raw(
            engine,
            "DROP TRIGGER revolve_fund_no_delete",
            "PRAGMA foreign_keys = OFF",
            "DELETE FROM revolve_fund",
        )
        ledger = Ledger(engine=engine)
        assert ledger.funds() == []
        assert {v.code for v in ledger.check()} == {"fund_missing"}
    code = main(["--db", f"sqlite:///{path}", "check"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "全部守恒" not in out and "all conserved" not in out


# ---- any single-column edit of a record row ---------------------------------------------------
# every column the audit covers, by table (see docs/postgresql.md "Tamper evidence" for those it does not)
COVERED = {
    "revolve_receipt": [
        "receipt",
        "value_date",
        "kind",
        "payer_kind",
        "amount",
        "principal",
        "interest",
        "fee",
        "penalty",
        "schedule_version",
        "entry_seq",
        "loan_id",
    ],
    "revolve_loan": [
        "status",
        "principal",
        "disbursed_on",
        "principal_paid",
        "household_id",
        "batch_id",
        "number",
        "round",
        "disbursement_seq",
        "allocation_order",
        "purpose_note",
        "agreement_no",
        "helper",
        "extensions",
    ],
    "revolve_installment": ["due_date", "principal", "interest", "fee"],
    "revolve_schedule_version": ["effective_on", "reason", "principal", "terms", "approval_ref"],
    "revolve_guarantee": ["guarantor_id", "loan_id"],
    "revolve_household": [
        "code",
        "mother_name",
        "national_id",
        "phone",
        "fp_status",
        "income_before",
        "registered_on",
        "org_id",
    ],
    "revolve_period_close": ["through", "generation"],
    "revolve_fund": ["closed_through"],
}
_KEYS = {
    "revolve_installment": ("loan_id", "version", "number"),
    "revolve_schedule_version": ("loan_id", "version"),
    "revolve_guarantee": ("loan_id", "guarantor_id"),
}


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _changed(value: object, column: str, nudge: int) -> object:
    if isinstance(value, date):
        return value + timedelta(days=nudge * 400)
    if column == "status":
        return ["active", "closed", "written_off", "voided"][nudge % 4]
    if isinstance(value, int):
        return value + nudge
    if value is None:
        return nudge if column.endswith("_id") or column == "income_before" else f"x{nudge}"
    return f"{value}{nudge}"


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_any_single_column_edit_of_a_record_is_found(backend_name: str) -> None:
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")
    examples = max(5, int(settings().max_examples * EXAMPLES[backend_name] * 0.4))

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        loans=st.integers(1, 2),
        repayments=st.integers(1, 3),
        table=st.sampled_from(sorted(COVERED)),
        pick=st.integers(0, 1_000),
        column_pick=st.integers(0, 100),
        nudge=st.integers(1, 9),
        keyed=st.booleans(),
    )
    def edit_and_check(
        loans: int, repayments: int, table: str, pick: int, column_pick: int, nudge: int, keyed: bool
    ) -> None:
        with engine_for(backend_name) as engine:
            ledger = Ledger(engine=engine, chain_key=KEY if keyed else None)
            fund = _book(ledger, loans=loans, repayments=repayments)["fund"]
            column = COVERED[table][column_pick % len(COVERED[table])]
            keys = _KEYS.get(table, ("id",))
            conn = engine.raw_connection()
            try:
                cursor = conn.cursor()
                cursor.execute(f"SELECT {', '.join(keys)}, {column} FROM {table} ORDER BY {', '.join(keys)}")
                rows = cursor.fetchall()
                assume(rows)
                row = rows[pick % len(rows)]
                value = row[-1]
                if isinstance(value, str) and column in (
                    "value_date",
                    "disbursed_on",
                    "due_date",
                    "effective_on",
                    "registered_on",
                    "through",
                    "closed_through",
                ):
                    value = date.fromisoformat(value)
                new = _changed(value, column, nudge)
                assume(new != value)
                where = " AND ".join(f"{k} = {_literal(v)}" for k, v in zip(keys, row[:-1], strict=False))
                try:
                    cursor.execute(f"UPDATE {table} SET {column} = {_literal(new)} WHERE {where}")
                    conn.commit()
                except Exception:  # the database refused the edit: a key or a constraint
                    conn.rollback()
                    assume(False)
            finally:
                conn.close()
            if keyed:  # the attacker also recomputes every bare record digest: the key still finds it
                _recompute_bare_digests(engine)
            found = ledger.check()
            assert found, (table, column, row, new)
            assert not ledger.verify(fund).ok, (table, column, row, new)

    edit_and_check()


def test_revolve_verify_fails_on_an_edited_record(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "books.db"
    with engine_for("sqlite", tmp_dir=str(tmp_path)) as engine:
        _book(Ledger(engine=engine))
        _raw(engine, EDITS["household ID"])
    code = main(["--db", f"sqlite:///{path}", "verify", "FN"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "业务记录" in out and ID_1 not in out
