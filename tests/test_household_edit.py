"""Editing a household's file (一户一档): name, ID number, phone, village, category and size, through
:meth:`revolve.Ledger.edit_household` and ``revolve household edit``, on SQLite and PostgreSQL. The edit
is kept in the file's history (a 档案变更 record, ID and phone masked), the registration's digest is made
again so that ``check()`` and ``verify()`` stay clean, and a later raw-SQL edit is still found."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, select, text, update

from conftest import snapshot
from revolve import (
    DuplicateCode,
    InvalidNationalId,
    Ledger,
    OrgLevel,
    RecordKind,
    UnknownHousehold,
    UnknownOrg,
)
from revolve.errors import InvalidDate, InvalidEntry
from revolve.households import validate_national_id
from revolve.records import HOUSEHOLD_COLUMNS, row_digest
from revolve.store.database import make_engine
from revolve.store.schema import HouseholdRow
from test_cli_tasks import _main

D = date

ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"
ID_3 = "11010519900101007X"  # an X check character: given in lower case, it is normalised
KEY = "a deployment key kept outside the database, 32+ bytes"


def _engine(ledger: Ledger) -> Engine:
    engine = ledger.engine
    assert isinstance(engine, Engine)
    return engine


def _book(ledger: Ledger) -> None:
    """Fund FN of county FN with villages NG and DG, households H1 (phone 13812345678, in NG) and H2."""
    county = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    town = ledger.create_org("FN-T", "大阁镇", OrgLevel.TOWN, parent=county)
    ng = ledger.create_org("NG", "南关村", OrgLevel.VILLAGE, parent=town)
    ledger.create_org("DG", "东关村", OrgLevel.VILLAGE, parent=town)
    fund = ledger.create_fund("FN", "丰宁县幸福工程资金", org=county)
    ledger.register_household(
        fund,
        code="H1",
        mother_name="王秀英",
        national_id=ID_1,
        registered_on=D(2016, 1, 5),
        phone="13812345678",
        org=ng.id,
        persons=3,
    )
    ledger.register_household(
        fund, code="H2", mother_name="李桂兰", national_id=ID_2, registered_on=D(2016, 1, 5)
    )


@pytest.fixture
def book(ledger: Ledger) -> Ledger:
    _book(ledger)
    return ledger


def test_an_edit_changes_the_file_keeps_its_history_and_the_books_stay_clean(book: Ledger) -> None:
    validate_national_id(ID_3)  # a valid number, or this test would prove nothing
    fund = book.funds()[0]
    edited = book.edit_household(
        "FN",
        "H1",
        on=D(2017, 3, 1),
        mother_name="王秀兰",
        national_id=ID_3.lower(),
        phone="13900001111",
        org="DG",
        fp_status="two_daughters",
        persons=5,
        note="身份证复印件核对",
    )
    again = book.household("FN", "H1")
    assert again == edited
    assert (again.mother_name, again.national_id, again.phone, again.fp_status.value) == (
        "王秀兰",
        ID_3,
        "13900001111",
        "two_daughters",
    )
    assert (again.org_id, again.persons, again.persons_on) == (book.org("DG").id, 5, D(2017, 3, 1))
    assert (again.code, again.registered_on) == ("H1", D(2016, 1, 5))
    (change,) = book.household_records("FN", "H1")
    assert (change.kind, change.on) == (RecordKind.CHANGE, D(2017, 3, 1))
    for said in (
        "姓名 王秀英→王秀兰",
        "电话 138****5678→139****1111",
        "所在村 南关村→东关村",
        "计生类别",
        "二女户",
    ):
        assert said in change.note, change.note
    assert "家庭人口 3→5" in change.note and change.note.endswith("身份证复印件核对")
    # the history never holds an ID or a phone in clear
    for secret in (ID_1, ID_3, "13812345678", "13900001111"):
        assert secret not in change.note
    assert "110105********002X→110105********007X" in change.note
    assert book.check() == [] and book.verify(fund).ok
    # the mother is found across funds by her new number, not the old
    assert book.mother(ID_3).households[0].code == "H1"
    with pytest.raises(UnknownHousehold):
        book.mother(ID_1)


def test_an_edit_of_one_field_leaves_the_others_and_an_empty_phone_removes_it(book: Ledger) -> None:
    before = book.household("FN", "H1")
    after = book.edit_household("FN", "H1", on=D(2016, 2, 1), phone="")
    assert after.phone is None
    assert (after.mother_name, after.national_id, after.org_id, after.persons, after.persons_on) == (
        before.mother_name,
        before.national_id,
        before.org_id,
        before.persons,
        before.persons_on,
    )
    (change,) = book.household_records("FN", "H1")
    assert change.note == "电话 138****5678→—"


def test_a_refused_edit_writes_nothing(book: Ledger) -> None:
    before = snapshot(_engine(book))
    with pytest.raises(DuplicateCode) as duplicate:
        book.edit_household("FN", "H1", on=D(2017, 3, 1), national_id=ID_2, mother_name="王秀兰")
    err = duplicate.value
    assert (err.code, err.holder, err.key) == ("duplicate_code", "H2", ID_2)
    for message in (str(err), err.message("zh")):
        assert ID_2 not in message and "110105********0016" in message and "H2" in message
    with pytest.raises(InvalidNationalId) as malformed:
        book.edit_household("FN", "H1", on=D(2017, 3, 1), national_id=ID_2[:-1] + "7")
    assert ID_2[:-1] + "7" not in str(malformed.value)
    with pytest.raises(InvalidEntry) as unchanged:
        book.edit_household("FN", "H1", on=D(2017, 3, 1), mother_name="王秀英", phone="13812345678")
    assert "没有任何变更" in unchanged.value.message("zh")
    with pytest.raises(InvalidEntry):
        book.edit_household("FN", "H1", on=D(2017, 3, 1), mother_name="  ")
    with pytest.raises(InvalidEntry):
        book.edit_household("FN", "H1", on=D(2017, 3, 1), persons=0)
    with pytest.raises(InvalidEntry):
        book.edit_household("FN", "H1", on=D(2017, 3, 1), fp_status="nonsense")
    with pytest.raises(InvalidDate):
        book.edit_household("FN", "H1", on=D(2015, 12, 31), mother_name="王秀兰")
    with pytest.raises(UnknownOrg):
        book.edit_household("FN", "H1", on=D(2017, 3, 1), org="NOPE")
    with pytest.raises(UnknownHousehold):
        book.edit_household("FN", "H9", on=D(2017, 3, 1), mother_name="王秀兰")
    # a change record is written by the edit, never by hand
    with pytest.raises(InvalidEntry) as by_hand:
        book.record_household("FN", "H1", kind="change", on=D(2017, 3, 1), note="改名")
    assert "档案变更" in by_hand.value.message("zh")
    assert snapshot(_engine(book)) == before
    # a count older than the one on file is refused (as record_household_size refuses it)
    book.edit_household("FN", "H1", on=D(2017, 3, 1), persons=4)
    after = snapshot(_engine(book))
    with pytest.raises(InvalidDate):
        book.edit_household("FN", "H1", on=D(2017, 2, 1), persons=6)
    assert snapshot(_engine(book)) == after


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE revolve_household SET mother_name = '赵某' WHERE code = 'H1'",
        "UPDATE revolve_household SET phone = '13700000000' WHERE code = 'H1'",
        "UPDATE revolve_household SET fp_status = 'compliant' WHERE code = 'H1'",
    ],
)
def test_a_raw_sql_edit_after_a_legitimate_one_is_found(book: Ledger, edit: str) -> None:
    fund = book.funds()[0]
    book.edit_household("FN", "H1", on=D(2017, 3, 1), mother_name="王秀兰", fp_status="two_daughters")
    assert book.check() == [] and book.verify(fund).ok
    with _engine(book).begin() as conn:
        conn.execute(text(edit))
    problems = book.check()
    assert "record_digest" in {p.code for p in problems}
    assert not book.verify(fund).ok
    shown = " ".join(str(p) for p in problems)
    assert "13700000000" not in shown and ID_1 not in shown


def test_a_keyed_funds_edit_is_keyed_and_a_recomputed_bare_digest_is_found(ledger: Ledger) -> None:
    keyed = Ledger(engine=ledger.engine, chain_key=KEY, create_schema=False)
    _book(keyed)
    fund = keyed.funds()[0]
    keyed.edit_household("FN", "H1", on=D(2017, 3, 1), mother_name="王秀兰")
    assert keyed.check() == [] and keyed.verify(fund).ok
    engine = _engine(keyed)
    table = HouseholdRow.__table__
    with engine.begin() as conn:
        conn.execute(text("UPDATE revolve_household SET mother_name = '赵某' WHERE code = 'H1'"))
        for row in conn.execute(select(table)):
            bare = row_digest("household", row._mapping, HOUSEHOLD_COLUMNS)
            conn.execute(update(table).where(table.c.id == row.id).values(digest=bare))
    assert "record_digest" in {v.code for v in keyed.check()}


# ---- the command line -----------------------------------------------------------------------------
@pytest.fixture
def cli(
    books_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    monkeypatch.delenv("REVOLVE_LANG", raising=False)
    monkeypatch.delenv("REVOLVE_DATABASE_URL", raising=False)
    return lambda *args: _main(capsys, "--db", books_url, *args)


def test_household_edit_from_the_command_line(
    cli: Callable[..., tuple[int, str, str]], books_url: str
) -> None:
    f = ("--fund", "FN")
    for args in (
        ("init", "--org-code", "FN", "--org-name", "丰宁县", "--fund-code", "FN", "--fund-name", "丰宁县幸福工程资金"),
        ("household", "add", *f, "--code", "H1", "--name", "王秀英", "--id", ID_1, "--registered-on", "2016-01-05",
         "--phone", "13812345678"),
        ("household", "add", *f, "--code", "H2", "--name", "李桂兰", "--id", ID_2, "--registered-on", "2016-01-05"),
    ):  # fmt: skip
        code, _, err = cli(*args)
        assert code == 0, (args, err)
    with Ledger(engine=make_engine(books_url), create_schema=False) as books:
        town = books.create_org("FN-T", "大阁镇", OrgLevel.TOWN, parent=books.org("FN"))
        books.create_org("DG", "东关村", OrgLevel.VILLAGE, parent=town)
    code, out, err = cli("household", "edit", *f, "H1", "--on", "2017-03-01", "--name", "王秀兰", "--id", ID_3,
                         "--phone", "13900001111", "--village", "DG", "--category", "二女户", "--persons", "5",
                         "--note", "核对身份证")  # fmt: skip
    assert code == 0, err
    assert "已修改 H1 的档案（2017-03-01）" in out and "姓名 王秀英→王秀兰" in out and "东关村" in out, out
    for secret in (ID_1, ID_3, "13812345678", "13900001111"):
        assert secret not in out
    code, out, _ = cli("household", "show", *f, "H1")
    assert code == 0 and "王秀兰" in out and "二女户" in out and "东关村" in out and "家庭人口 5" in out, out
    assert "档案变更" in out and ID_3 not in out and "13900001111" not in out
    code, out, _ = cli("--lang", "en", "household", "edit", *f, "H1", "--on", "2017-04-01", "--phone", "")
    assert code == 0 and "Changed the file of H1" in out and "139****1111" in out, out
    engine = make_engine(books_url)
    try:
        before = snapshot(engine)
        code, _, err = cli("household", "edit", *f, "H1", "--on", "2017-05-01", "--id", ID_2)
        lines = err.strip().splitlines()
        assert code == 1 and len(lines) == 1 and lines[0].startswith("revolve: "), err
        assert "H2" in lines[0] and "110105********0016" in lines[0] and ID_2 not in lines[0], lines[0]
        code, _, err = cli("household", "edit", *f, "H1", "--on", "2017-05-01")
        assert code == 1 and "没有任何变更" in err, err
        # a change record is not typed in: argparse refuses the kind, naming the kinds it takes
        with pytest.raises(SystemExit) as parsed:
            cli("household", "record", *f, "H1", "--kind", "change", "--on", "2017-05-01")
        assert parsed.value.code == 2
        assert snapshot(engine) == before
        code, out, _ = cli("check", *f)
        assert code == 0 and "全部守恒" in out, out
    finally:
        engine.dispose()
