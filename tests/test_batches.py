"""Disbursement batches (批次): opening, closing, and a closed batch taking no payout — through the library
and the ``revolve batch`` command, on SQLite and PostgreSQL; the close is covered by the batch's record
digest, so that ``check()`` and ``verify()`` stay clean after it and find it edited by raw SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, select, text, update

from conftest import snapshot
from revolve import BatchClosed, Disbursement, Ledger, LoanTerms, OrgLevel, UnknownBatch, yuan
from revolve.errors import InvalidEntry
from revolve.importers import import_loans
from revolve.records import BATCH_COLUMNS, row_digest
from revolve.store.database import ALEMBIC_VERSION_TABLE, alembic_config, make_engine
from revolve.store.schema import BatchRow
from test_cli_tasks import _main
from test_importers import LOAN, write_csv

D = date

ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"
KEY = "a deployment key kept outside the database, 32+ bytes"


def _engine(ledger: Ledger) -> Engine:
    engine = ledger.engine
    assert isinstance(engine, Engine)
    return engine


def _book(ledger: Ledger, code: str = "FN") -> None:
    """A fund with 30,000 received, two households, a guarantor, batch B1 with loan L1 paid out on
    2016-03-10 and an empty batch B2."""
    org = ledger.create_org(code, f"{code}县", OrgLevel.COUNTY)
    fund = ledger.create_fund(code, f"{code}幸福工程资金", org=org)
    ledger.contribute(fund, amount=yuan("30000"), on=D(2016, 1, 15), source="donation")
    for n, national_id in ((1, ID_1), (2, ID_2)):
        ledger.register_household(
            fund, code=f"H{n}", mother_name="王秀英", national_id=national_id, registered_on=D(2016, 1, 5)
        )
    ledger.register_guarantor(fund, code="G1", kind="village_committee", name="南关村委会")
    ledger.open_batch(fund, code="B1", on=D(2016, 3, 1))
    ledger.open_batch(fund, code="B2", on=D(2016, 3, 1))
    ledger.disburse(
        fund, number="L1", household="H1", batch="B1", terms=_terms(D(2016, 3, 10)), guarantors=["G1"]
    )


def _terms(start: D) -> LoanTerms:
    return LoanTerms(principal=yuan("5000"), start=start, term=12)


@pytest.fixture
def book(ledger: Ledger) -> Ledger:
    _book(ledger)
    return ledger


def test_a_closed_batch_takes_no_payout_and_the_refusal_writes_nothing(book: Ledger) -> None:
    closed = book.close_batch("FN", "B1", on=D(2016, 3, 31), note="第一批放款完毕")
    assert (closed.code, closed.closed_on, closed.close_note, closed.is_closed) == (
        "B1",
        D(2016, 3, 31),
        "第一批放款完毕",
        True,
    )
    listed = {b.code: b for b in book.batches("FN")}
    assert listed["B1"].closed_on == D(2016, 3, 31) and listed["B2"].closed_on is None
    before = snapshot(_engine(book))
    with pytest.raises(BatchClosed) as refused:
        book.disburse(
            "FN", number="L2", household="H2", batch="B1", terms=_terms(D(2016, 4, 1)), guarantors=["G1"]
        )
    err = refused.value
    assert (err.code, err.category, err.batch, err.closed_on, err.fund) == (
        "batch_closed",
        "books_conflict",
        "B1",
        D(2016, 3, 31),
        "FN",
    )
    assert err.hint is not None and err.hint.argument == "batch"
    assert "batch=" in str(err) and "closed on 2016-03-31" in str(err)
    assert "已于 2016-03-31 结束放款" in err.message("zh") and "batch=" in err.message("zh")
    # a backdated payout, before the close, is refused just the same: a closed batch takes none
    with pytest.raises(BatchClosed):
        book.disburse(
            "FN", number="L2", household="H2", batch="B1", terms=_terms(D(2016, 3, 20)), guarantors=["G1"]
        )
    # in a bulk payout, the item refused is named and nothing of the call is written
    many = [
        Disbursement("L2", "H2", "B2", _terms(D(2016, 4, 1)), guarantors=("G1",)),
        Disbursement("L3", "H2", "B1", _terms(D(2016, 4, 1)), guarantors=("G1",)),
    ]
    with pytest.raises(BatchClosed) as bulk:
        book.disburse_many("FN", many)
    assert bulk.value.item == 1
    assert snapshot(_engine(book)) == before
    # an open batch still lends, and the closed batch's loan is still repaid
    assert (
        book.disburse(
            "FN", number="L2", household="H2", batch="B2", terms=_terms(D(2016, 4, 1)), guarantors=["G1"]
        ).batch_id
        == listed["B2"].id
    )
    book.repay("FN", "L1", amount=yuan("500"), on=D(2016, 4, 10), receipt="R-1")
    assert book.check() == [] and book.verify(book.funds()[0]).ok


def test_closing_twice_an_unknown_batch_or_another_funds_is_refused_and_writes_nothing(book: Ledger) -> None:
    _book(book, "LP")
    other = next(b for b in book.batches("LP") if b.code == "B1")
    before = snapshot(_engine(book))
    with pytest.raises(UnknownBatch) as unknown:
        book.close_batch("FN", "B9", on=D(2016, 4, 1))
    assert unknown.value.code == "unknown_batch"
    with pytest.raises(UnknownBatch):
        book.close_batch("FN", other, on=D(2016, 4, 1))  # LP's batch B1, named by itself, is not FN's
    with pytest.raises(UnknownBatch):
        book.close_batch("FN", other.id, on=D(2016, 4, 1))
    with pytest.raises(InvalidEntry) as early:
        book.close_batch("FN", "B1", on=D(2016, 2, 1))
    assert "2016-03-01" in str(early.value) and "开立" in early.value.message("zh")
    with pytest.raises(InvalidEntry) as before_payout:
        book.close_batch("FN", "B1", on=D(2016, 3, 9))
    assert "L1" in str(before_payout.value) and "2016-03-10" in before_payout.value.message("zh")
    assert snapshot(_engine(book)) == before
    book.close_batch("FN", "B1", on=D(2016, 3, 10))
    after = snapshot(_engine(book))
    with pytest.raises(BatchClosed) as twice:
        book.close_batch("FN", "B1", on=D(2016, 5, 1))
    assert twice.value.operation == "close" and twice.value.hint is None
    assert "不能再次结束" in twice.value.message("zh") and "already" in str(twice.value)
    assert snapshot(_engine(book)) == after
    # LP's own B1 is still open
    assert next(b for b in book.batches("LP") if b.code == "B1").closed_on is None


def test_a_batch_closes_while_applications_wait_in_the_queue(book: Ledger) -> None:
    app = book.apply("FN", "H2", amount=yuan("5000"), term_months=12, on=D(2016, 3, 1), purpose="养殖")
    book.close_batch("FN", "B1", on=D(2016, 3, 31))
    assert [a.id for a in book.applications("FN")] == [app.id]  # still waiting: it names no batch


EDITS = {
    "batch reopened": "UPDATE revolve_batch SET closed_on = NULL WHERE code = 'B1'",
    "close moved": "UPDATE revolve_batch SET closed_on = '2017-01-01' WHERE code = 'B1'",
    "open batch closed": "UPDATE revolve_batch SET closed_on = '2016-04-01' WHERE code = 'B2'",
    "batch opened earlier": "UPDATE revolve_batch SET opened_on = '2015-01-01' WHERE code = 'B2'",
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_batch_edited_by_raw_sql_is_found_by_check_and_verify(book: Ledger, name: str) -> None:
    fund = book.funds()[0]
    book.close_batch("FN", "B1", on=D(2016, 3, 31))
    assert book.check() == [] and book.verify(fund).ok
    with _engine(book).begin() as conn:
        conn.execute(text(EDITS[name]))
    assert "record_digest" in {v.code for v in book.check()}
    assert not book.verify(fund).ok


def _recompute_bare_batch_digests(engine: Engine) -> None:
    table = BatchRow.__table__
    with engine.begin() as conn:
        for row in conn.execute(select(table)):
            digest = row_digest("batch", row._mapping, BATCH_COLUMNS)
            conn.execute(update(table).where(table.c.id == row.id).values(digest=digest))


def test_a_keyed_fund_finds_a_reopened_batch_whose_bare_digest_was_recomputed(ledger: Ledger) -> None:
    keyed = Ledger(engine=ledger.engine, chain_key=KEY, create_schema=False)
    _book(keyed)
    fund = keyed.funds()[0]
    keyed.close_batch("FN", "B1", on=D(2016, 3, 31))
    assert keyed.check() == [] and keyed.verify(fund).ok
    engine = _engine(keyed)
    with engine.begin() as conn:
        conn.execute(text(EDITS["batch reopened"]))
    _recompute_bare_batch_digests(engine)
    assert "record_digest" in {v.code for v in keyed.check()}


def test_sealing_keys_the_batches_and_their_closes(ledger: Ledger) -> None:
    _book(ledger)
    ledger.close_batch("FN", "B1", on=D(2016, 3, 31))
    keyed = Ledger(engine=ledger.engine, chain_key=KEY, create_schema=False)
    fund = keyed.funds()[0]
    assert keyed.seal_chain(fund).keyed
    assert keyed.verify(fund).ok and keyed.check() == []
    engine = _engine(keyed)
    with engine.begin() as conn:
        conn.execute(text(EDITS["batch reopened"]))
    _recompute_bare_batch_digests(engine)
    assert {v.code for v in keyed.verify(fund).records} == {"record_digest"}


def test_the_migration_fills_the_digest_of_existing_batches(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    _book(ledger)
    engine = _engine(ledger)
    # the books as revision 0023 left them: batches without a digest (and without the indexes of 0025)
    with engine.begin() as conn:
        conn.execute(update(BatchRow).values(digest=None))
        conn.execute(text("DROP INDEX ix_revolve_entry_kind_fund_id"))
        conn.execute(text("DROP INDEX ix_revolve_account_role_fund_id"))
        conn.execute(text(f"UPDATE {ALEMBIC_VERSION_TABLE} SET version_num = '0023_schema_5'"))
        conn.execute(text("UPDATE revolve_schema SET version = 5"))
    monkeypatch.delenv("REVOLVE_CHAIN_KEY", raising=False)
    monkeypatch.delenv("REVOLVE_CHAIN_KEY_FILE", raising=False)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
        assert conn.execute(select(BatchRow.id).where(BatchRow.digest.is_(None))).all() == []
        assert conn.execute(text("SELECT version FROM revolve_schema")).scalar_one() == 6
    fund = ledger.funds()[0]
    assert ledger.verify(fund).ok and ledger.check() == []
    with engine.begin() as conn:
        conn.execute(text(EDITS["open batch closed"]))
    assert "record_digest" in {v.code for v in ledger.check()}


# ---- the command line -----------------------------------------------------------------------------
@pytest.fixture
def cli(
    books_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    monkeypatch.delenv("REVOLVE_LANG", raising=False)
    monkeypatch.delenv("REVOLVE_DATABASE_URL", raising=False)
    return lambda *args: _main(capsys, "--db", books_url, *args)


def _cli_books(run: Callable[..., tuple[int, str, str]]) -> None:
    f = ("--fund", "FN")
    for args in (
        ("init", "--org-code", "FN", "--org-name", "丰宁县", "--fund-code", "FN", "--fund-name", "丰宁县幸福工程资金"),
        ("contribute", *f, "--amount", "30000", "--on", "2016-01-15"),
        ("guarantor", *f, "--code", "VC", "--kind", "村委会", "--name", "南关村委会"),
        ("household", "add", *f, "--code", "H1", "--name", "王秀英", "--id", ID_1, "--registered-on", "2016-01-05"),
        ("household", "add", *f, "--code", "H2", "--name", "李桂兰", "--id", ID_2, "--registered-on", "2016-01-05"),
        ("batch", "open", *f, "--code", "B1", "--on", "2016-03-01"),
        ("disburse", *f, "--number", "L1", "--household", "H1", "--batch", "B1", "--amount", "5000",
         "--start", "2016-03-10", "--term", "12", "--guarantor", "VC"),
    ):  # fmt: skip
        code, _, err = run(*args)
        assert code == 0, (args, err)


def test_batch_close_from_the_command_line(cli: Callable[..., tuple[int, str, str]], books_url: str) -> None:
    run = cli
    _cli_books(run)
    f = ("--fund", "FN")
    code, out, err = run("batch", "close", *f, "--code", "B1", "--on", "2016-03-31", "--note", "第一批完毕")
    assert code == 0 and "已结束批次 B1（2016-03-31）" in out, err
    code, out, _ = run("batch", "list", *f)
    assert code == 0 and "B1" in out and "已结束 2016-03-31" in out and "¥5,000.00" in out, out
    code, out, _ = run("--lang", "en", "batch", "list", *f)
    assert code == 0 and "closed 2016-03-31" in out, out
    engine = make_engine(books_url)
    try:
        before = snapshot(engine)
        disburse = ("disburse", *f, "--number", "L2", "--household", "H2", "--batch", "B1", "--amount", "5000",
                    "--start", "2016-04-01", "--term", "12", "--guarantor", "VC")  # fmt: skip
        code, out, err = run(*disburse)
        lines = err.strip().splitlines()
        assert code == 1 and len(lines) == 1 and lines[0].startswith("revolve: "), err
        assert "批次 B1 已于 2016-03-31 结束放款" in lines[0] and "--batch" in lines[0], lines[0]
        assert "batch=" not in lines[0] and "Traceback" not in err
        code, _, err = run("--lang", "en", *disburse)
        assert code == 1 and "closed on 2016-03-31" in err and "--batch" in err, err
        code, _, err = run("batch", "close", *f, "--code", "B1", "--on", "2016-04-30")
        assert code == 1 and "不能再次结束" in err, err
        code, _, err = run("batch", "close", *f, "--code", "B9", "--on", "2016-04-30")
        assert code == 1 and "B9" in err and "revolve batch open" in err, err
        assert snapshot(engine) == before
        code, out, _ = run("check", *f)
        assert code == 0 and "全部守恒" in out, out
    finally:
        engine.dispose()


def test_a_loans_import_naming_a_closed_batch_refuses_that_row_and_writes_nothing(
    book: Ledger, tmp_path: Path
) -> None:
    book.close_batch("FN", "B1", on=D(2016, 3, 31))
    before = snapshot(_engine(book))
    loans = write_csv(
        tmp_path / "loans.csv",
        LOAN,
        [
            ["L2", "H2", "B2", "5000", "2016-04-01", "12", "一次性还本付息", "G1"],
            ["L3", "H2", "B1", "5000", "2016-04-01", "12", "一次性还本付息", "G1"],
        ],
    )
    result = import_loans(book, "FN", loans)
    assert not result.ok
    (problem,) = result.problems
    assert problem.row == 3 and "B1" in str(problem), problem
    assert snapshot(_engine(book)) == before
