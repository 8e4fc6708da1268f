"""Imports that take the files a county clerk actually has (issue 14): GBK/GB18030, UTF-8 with and
without BOM and Excel's "Unicode 文本" (UTF-16 with tabs) read without naming the encoding; a header
found below merged title rows; 合计 rows, blank rows and unknown columns noted, not dropped in silence;
full-width digits; an errors workbook; idempotent re-imports; templates that import back."""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from revolve import Ledger, OrgLevel
from revolve.cli import main
from revolve.cli.hints import cli_hint
from revolve.errors import DuplicateCode
from revolve.importers import ImportKind, ProblemKind, import_file, import_households, read_rows
from revolve.importers.columns import header_key, known_headers
from revolve.importers.templates import write_template
from revolve.money import yuan
from test_importers import FUND, build_base, national_id

HH = ["户编码", "母亲姓名", "身份证号", "登记日期"]


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def base(ledger: Ledger) -> Ledger:
    build_base(ledger)
    return ledger


# ---- 1. encodings ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("gbk", ","), ("gb18030", ","), ("utf-8", ","), ("utf-8-sig", ","), ("utf-16", "\t")],
)
def test_the_encoding_is_detected_not_demanded(
    base: Ledger, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    name = "王秀英" if encoding == "gbk" else "王䶮"  # 䶮 is in GB18030, not in GBK
    text = csv_bytes(HH, [["H101", name, national_id(101), "2016-02-01"]], delimiter=delimiter)
    source = tmp_path / ("hh.txt" if delimiter == "\t" else "hh.csv")
    source.write_bytes(text.encode(encoding))  # "utf-16" writes the BOM (FF FE) as Excel does
    result = import_households(base, FUND, source)
    assert result.ok, result.problems
    assert base.household(FUND, "H101").mother_name == name


def test_encoding_stays_an_override(tmp_path: Path) -> None:
    source = tmp_path / "hh.csv"
    source.write_bytes("戶編碼,姓名\nH1,陳秀英\n".encode("big5"))
    assert read_rows(source, encoding="big5").rows[0][1] == ("H1", "陳秀英")


# ---- 2. header below titles, 合计 and blank rows -----------------------------------------------------
def clerk_workbook(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], total: Sequence[object]
) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2016年幸福工程受助母亲花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(["单位：元", None, None, "2016-04-30"])
    sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(list(total))
    workbook.save(path)
    return path


def test_xlsx_with_a_merged_title_a_blank_row_and_a_total_row(base: Ledger, tmp_path: Path) -> None:
    header = ["借款编号", "户编码", "批次", "金额", "放款日期", "期数", "担保人"]
    rows = [
        ["L101", "H005", "B9", 5000, date(2016, 4, 1), 24, "G1"],
        ["L102", "H006", "B9", 3000, date(2016, 4, 1), 24, "G1"],
    ]
    source = clerk_workbook(tmp_path / "借款.xlsx", header, rows, ["合计", None, None, 8000])
    result = import_file(base, FUND, "loans", source)
    assert result.ok, result.problems
    assert result.rows_written == 2
    assert result.header_row == 4
    notes = [n.describe("zh") for n in result.notes]
    assert any("第1行" in n and "标题" in n for n in notes)
    assert any("第8行" in n and "合计" in n for n in notes)
    assert base.loan(FUND, "L102").principal == yuan("3000")


def test_a_total_row_without_a_label_is_recognised(base: Ledger, tmp_path: Path) -> None:
    header = ["借款编号", "户编码", "批次", "金额", "放款日期", "期数", "担保人"]
    text = csv_bytes(
        header, [["L101", "H005", "B9", "5000", "2016-04-01", "24", "G1"], ["", "", "", "5000", "", "", ""]]
    )
    (tmp_path / "l.csv").write_text(text, encoding="utf-8")
    result = import_file(base, FUND, "loans", tmp_path / "l.csv")
    assert result.ok, result.problems
    assert [n.row for n in result.notes] == [3]


# ---- 3. unknown columns, 所在村, full-width --------------------------------------------------------
def test_unknown_columns_are_reported_once_and_the_village_is_mapped(base: Ledger, tmp_path: Path) -> None:
    county = base.org(base.fund(FUND).org_id)
    village = base.create_org("NGC", "南关村", OrgLevel.VILLAGE, parent=county)
    header = [*HH, "所在村", "备注"]
    rows = [
        ["H101", "赵兰", national_id(101), "2016-02-01", "南关村", "新户"],
        ["H102", "钱芳", national_id(102), "2016-02-01", "北山村", ""],
    ]
    (tmp_path / "hh.csv").write_text(csv_bytes(header, rows), encoding="utf-8")
    result = import_households(base, FUND, tmp_path / "hh.csv")
    assert result.ok, result.problems
    assert result.ignored == ("备注",)
    notes = [n.describe("zh") for n in result.notes]
    assert sum("备注" in n for n in notes) == 1
    assert any("北山村" in n for n in notes)
    assert base.household(FUND, "H101").org_id == village.id
    assert base.household(FUND, "H102").org_id is None


def test_full_width_digits_and_punctuation_read(base: Ledger, tmp_path: Path) -> None:
    full = str.maketrans("0123456789-.X", "０１２３４５６７８９－．Ｘ")
    header = ["借款编号", "户编码", "批次", "金额", "放款日期", "期数", "担保人"]
    rows = [["Ｌ１０１", "H005", "B9", "５０００．５０", "２０１６－０４－０１", "２４", "Ｇ１"]]
    (tmp_path / "l.csv").write_text(csv_bytes(header, rows), encoding="utf-8")
    result = import_file(base, FUND, "loans", tmp_path / "l.csv")
    assert result.ok, result.problems
    assert base.loan(FUND, "L101").principal == yuan("5000.50")
    (tmp_path / "h.csv").write_text(
        csv_bytes(HH, [["H101", "赵兰", national_id(101).translate(full), "２０１６年２月１日"]]),
        encoding="utf-8",
    )
    assert import_households(base, FUND, tmp_path / "h.csv").ok


# ---- 4. the errors workbook ----------------------------------------------------------------------
def test_errors_go_to_a_workbook_and_one_line_to_the_terminal(
    base: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(base.engine.url.database) if base.engine is not None else ""
    if base.engine is None or base.engine.dialect.name != "sqlite":
        pytest.skip("the command line opens a SQLite file here")
    header = [*HH, "联系电话", "备注"]
    rows = [
        ["H101", "赵兰", national_id(101), "2016-02-01", "13800138000", "a"],
        ["H102", "钱芳", national_id(1), "2016-02-01", "13900139000", "b"],  # H001's ID
        ["H103", "孙丽", national_id(103), "2016-13-45", "", "c"],
    ]
    (tmp_path / "hh.csv").write_bytes(csv_bytes(header, rows).encode("gbk"))
    errors = tmp_path / "错误.xlsx"
    status = main(
        [
            "--db",
            db,
            "import",
            "households",
            str(tmp_path / "hh.csv"),
            "--fund",
            FUND,
            "--keep-valid",
            "--errors",
            str(errors),
            "--no-progress",
        ]
    )
    out = capsys.readouterr()
    assert status == 1
    lines = (out.out + out.err).strip().splitlines()
    assert [x for x in lines if "共" in x] == [f"revolve: 共 3 行，成功 1 行，错误 2 行，已写入 {errors}"]
    assert national_id(1) not in out.out + out.err
    sheet = load_workbook(errors).active
    assert sheet is not None
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == [*header, "错误原因"]
    assert got[1][:6] == rows[1] and got[2][:6] == [v or None for v in rows[2]]
    assert "H001" in got[1][6] and national_id(1) not in got[1][6]
    assert "登记日期" in got[2][6]
    # fixed and imported again: the row already in is skipped, the fixed rows go in
    fixed = tmp_path / "fixed.xlsx"
    wb = load_workbook(errors)
    ws = wb.active
    assert ws is not None
    ws["C2"] = national_id(102)
    ws["D3"] = "2016-02-01"
    wb.save(fixed)
    assert main(["--db", db, "import", "households", str(fixed), "--fund", FUND, "--no-progress"]) == 0
    assert base.household(FUND, "H103").registered_on == date(2016, 2, 1)


# ---- 5. re-imports -------------------------------------------------------------------------------
def test_reimporting_skips_the_same_rows_and_names_what_conflicts(base: Ledger, tmp_path: Path) -> None:
    rows = [
        ["H101", "赵兰", national_id(101), "2016-02-01"],
        ["H102", "钱芳", national_id(102), "2016-02-01"],
    ]
    (tmp_path / "a.csv").write_text(csv_bytes(HH, rows), encoding="utf-8")
    assert import_households(base, FUND, tmp_path / "a.csv").rows_written == 2
    rows[1][1] = "钱芳芳"
    rows.append(["H103", "孙丽", national_id(103), "2016-02-01"])
    (tmp_path / "b.csv").write_text(csv_bytes(HH, rows), encoding="utf-8")
    result = import_households(base, FUND, tmp_path / "b.csv", keep_valid=True)
    assert (result.rows_written, result.rows_unchanged) == (1, 1)
    [problem] = result.problems
    assert (problem.row, problem.kind, problem.column) == (3, ProblemKind.CONFLICT, "mother_name")
    assert "母亲姓名" in problem.describe("zh", columns=result.columns)

    loans = ["借款编号", "户编码", "批次", "金额", "放款日期", "期数", "担保人"]
    first = [["L101", "H005", "B9", "5000", "2016-04-01", "24", "G1"]]
    (tmp_path / "l.csv").write_text(csv_bytes(loans, first), encoding="utf-8")
    assert import_file(base, FUND, "loans", tmp_path / "l.csv").rows_written == 1
    again = import_file(base, FUND, "loans", tmp_path / "l.csv")
    assert again.ok and again.rows_unchanged == 1 and again.rows_written == 0
    (tmp_path / "l2.csv").write_text(
        csv_bytes(loans, [["L101", "H005", "B9", "6000", "2016-04-01", "24", "G1"]]), encoding="utf-8"
    )
    [conflict] = import_file(base, FUND, "loans", tmp_path / "l2.csv").problems
    assert (conflict.kind, conflict.column) == (ProblemKind.CONFLICT, "amount")

    repay = ["借款编号", "金额", "还款日期", "还款凭证号"]
    (tmp_path / "r.csv").write_text(
        csv_bytes(repay, [["L001", "200", "2017-03-10", "R001"]]), encoding="utf-8"
    )
    [clash] = import_file(base, FUND, "repayments", tmp_path / "r.csv").problems
    assert (clash.kind, clash.column) == (ProblemKind.DUPLICATE_RECEIPT, "receipt")
    assert "金额：账簿中为「¥5,000.00」，本行为「¥200.00」" in clash.detail_zh


# ---- 7. duplicate national ID ---------------------------------------------------------------------
def test_a_duplicate_national_id_names_the_household_that_holds_it(base: Ledger) -> None:
    with pytest.raises(DuplicateCode) as caught:
        base.register_household(
            FUND, code="H200", mother_name="某某", national_id=national_id(1), registered_on=date(2016, 2, 1)
        )
    assert "H001" in str(caught.value)
    assert national_id(1) not in str(caught.value)
    assert "110105********" in str(caught.value)
    assert caught.value.message("zh") == (
        f"农户身份证号 {national_id(1)[:6]}********{national_id(1)[-4:]} 已登记在农户 H001 名下："
        "一位母亲只建一份户档案；请核对身份证号，或沿用农户 H001"
    )


ENGLISH = re.compile(r"\b[a-z]{2,}\b")
"""An English word in a line: codes (H001, FN-HP) are upper case, Python's terms lower case."""


def test_every_problem_line_in_chinese_speaks_chinese_only(base: Ledger, tmp_path: Path) -> None:
    households = [
        ["H201", "赵兰", national_id(201, valid=False), "2016-02-01"],  # a wrong check digit
        ["H202", "钱英", national_id(1), "2016-02-01"],  # the ID of H001
        ["H203", "孙梅", national_id(203), "2016-02-30"],  # no such day
        ["H204", "李芳", national_id(204), "2016-02-01"],
        ["H204", "周红", national_id(205), "2016-02-01"],  # the code twice
    ]
    (tmp_path / "h.csv").write_text(csv_bytes(HH, households), encoding="utf-8")
    loans = [
        ["L201", "H005", "B1", "5000", "2016-03-01", "12", "半年一付", "0"],  # no such method
        ["L202", "H005", "B1", "5000", "2016-03-01", "12", "", "四厘九"],  # not a rate
        ["L203", "H006", "B1", "5000", "2016-03-01", "十二", "", ""],  # not a count
        ["L204", "H404", "B1", "5000", "2016-03-01", "12", "", ""],  # no such household
    ]
    header = ["借款编号", "户编码", "批次", "金额", "放款日期", "期数", "还款方式", "年利率"]
    (tmp_path / "l.csv").write_text(csv_bytes(header, loans), encoding="utf-8")
    found = [
        *import_file(base, FUND, "households", tmp_path / "h.csv").problems,
        *import_file(base, FUND, "loans", tmp_path / "l.csv").problems,
    ]
    assert len({(p.row, p.kind) for p in found}) >= 8, found
    for problem in found:
        line = problem.describe("zh", render_hint=cli_hint)
        assert not ENGLISH.findall(re.sub(r"revolve [^：；（）]*", "", line)), line
        assert national_id(1) not in line and national_id(201, valid=False) not in line
    held = next(p for p in found if p.row == 3 and p.column == "national_id")
    assert "已登记在农户 H001 名下" in held.describe("zh")
    assert "校验位应为" in next(p for p in found if p.row == 2 and p.column == "national_id").describe("zh")


# ---- 6. templates ---------------------------------------------------------------------------------
def test_templates_import_back_with_their_example_rows(base: Ledger, tmp_path: Path) -> None:
    base.register_guarantor(FUND, code="G0001", kind="village_committee", name="北山村委会")
    for kind in ("households", "loans", "repayments", "contributions"):
        path = write_template(kind, tmp_path / f"{kind}.xlsx")
        sheet = load_workbook(path).active
        assert sheet is not None
        assert sheet.data_validations.dataValidation or kind == "households"
        result = import_file(base, FUND, kind, path)
        assert result.ok, (kind, result.problems)
        assert result.rows_written == 1
    assert base.entries(FUND, kind="contribution.donation")[-1].memo == "某某公司"
    again = import_file(base, FUND, "contributions", tmp_path / "contributions.xlsx")
    assert again.ok and again.rows_unchanged == 1 and again.rows_written == 0
    assert ImportKind("contributions") in ImportKind


# ---- properties -----------------------------------------------------------------------------------
_CELL = (
    st.text(
        alphabet=st.sampled_from(
            "王李张刘陈杨赵黄周吴秀英桂兰玉梅淑珍凤村组户借款还合计䶮𠀀abcXY0123456789 -./:"
        ),
        min_size=1,
        max_size=8,
    )
    .map(str.strip)
    .filter(bool)
)


@given(
    rows=st.lists(st.lists(_CELL, min_size=2, max_size=4), min_size=1, max_size=5),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "gb18030"]),
)
def test_every_encoding_reads_back_the_same_cells(rows: list[list[str]], encoding: str) -> None:
    """What Excel/WPS write — UTF-8 with or without BOM, UTF-16 with BOM, GB18030 — decodes to the cells
    written, without naming the encoding; except GB18030 bytes that happen to be valid UTF-8, which
    the cascade reads as UTF-8 (a stated limit: ``--encoding gb18030`` then)."""
    text = csv_bytes(["户编码", "母亲姓名"], rows, delimiter="\t" if encoding.startswith("utf-16") else ",")
    data = (
        codecs.BOM_UTF16_BE + text.encode("utf-16-be")
        if encoding == "utf-16-be-bom"
        else text.encode(encoding)
    )
    if encoding == "gb18030":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            assume(False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(data)
        got = read_rows(path)
    assert [list(cells) for _, cells in got.rows] == rows
    assert got.header == ("户编码", "母亲姓名")


@given(titles=st.lists(_CELL, max_size=6), blank_above=st.booleans())
def test_the_header_is_found_below_any_title_rows(titles: list[str], blank_above: bool) -> None:
    """However many title rows (up to the scan's reach) stand above it, the header row is found and
    the data rows keep their own numbers."""
    lines = [[t] for t in titles] + ([[""]] if blank_above else [])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_text(
            csv_bytes(
                lines[0] if lines else HH, [*lines[1:], *([HH] if lines else []), ["H1", "王", "x", "y"]]
            ),
            encoding="utf-8",
        )
        got = read_rows(path, headers=known_headers(ImportKind.HOUSEHOLDS), header_key=header_key)
    assert got.header == tuple(HH)
    assert got.header_row == len(lines) + 1
    assert got.rows == ((len(lines) + 2, ("H1", "王", "x", "y")),)


def test_the_errors_workbook_of_the_command_line_names_its_commands(base: Ledger, tmp_path: Path) -> None:
    header = ["借款编号", "户编码", "批次", "金额", "放款日期", "期数", "担保人"]
    rows = [["L301", "H005", "B1", "5000", "2016-03-01", "12", "G404"]]  # no such guarantor
    (tmp_path / "l.csv").write_text(csv_bytes(header, rows), encoding="gbk")
    db = str(base.engine.url.database) if base.engine is not None else ""
    if not db or base.engine is None or base.engine.dialect.name != "sqlite":
        pytest.skip("the command line runs on the SQLite file")
    book = tmp_path / "错误.xlsx"
    assert (
        main(["--db", db, "import", "loans", str(tmp_path / "l.csv"), "--fund", FUND, "--errors", str(book)])
        == 1
    )
    reason = str(load_workbook(book).worksheets[0].cell(2, len(header) + 1).value)
    assert "revolve guarantor" in reason and "ledger." not in reason, reason
