"""Importing households, loans and repayments from CSV and .xlsx: headers in Chinese or English, every bad
row reported with its row number, column and value, all-or-nothing by default, floats never money.

The bad-input cases (:data:`BAD_CASES`) are stated against the books :func:`build_base` makes; the command
line tests (test_cli.py) run the same cases through ``revolve import`` in a subprocess.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from conftest import snapshot
from revolve import Ledger, OrgLevel
from revolve.households import mask_national_id, validate_national_id
from revolve.importers import (
    COLUMNS,
    ImportFileError,
    ImportKind,
    ImportResult,
    ImportTargetError,
    ProblemKind,
    all_or_nothing,
    import_file,
    import_households,
    import_loans,
    import_repayments,
    read_rows,
)
from revolve.importers.cells import UnreadableCell as _Bad
from revolve.importers.cells import read_money as _money
from revolve.loans import LoanStatus
from revolve.money import Money, yuan
from revolve.schedule import LoanTerms
from revolve.store.transactions import Session

FUND = "FN-HP"
START = date(2016, 3, 10)

HH = ["户编码", "母亲姓名", "身份证号", "登记日期"]
LOAN = ["借款编号", "户编码", "批次", "金额", "放款日期", "期数", "还款方式", "担保人"]
REPAY = ["借款编号", "金额", "还款日期", "还款凭证号"]
NAMES = ["王秀英", "李桂兰", "张玉梅", "刘淑珍", "陈凤英", "杨桂英", "赵秀兰"]


def national_id(seq: int, *, valid: bool = True) -> str:
    """An 18-character ID number for person ``seq``, its check character computed here (ISO 7064 MOD 11-2)."""
    first17 = f"11010519900101{seq:03d}"
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    if not valid:
        check = "1" if check == "0" else "0"
    return first17 + check


def household_row(n: int) -> list[str]:
    return [f"H{n:03d}", f"母亲{n}", national_id(n), "2016-02-01"]


def loan_row(number: str, household: str, amount: str = "5000") -> list[str]:
    return [number, household, "B9", amount, "2016-04-01", "24", "一次性还本付息", "G1"]


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *, bom: bool = True
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def build_base(ledger: Ledger) -> None:
    """The books every bad-input case is stated against (test_cli.py builds the same through the CLI).

    Households H001–H007; loans L001–L004 (batch B1) to H001–H004, guaranteed by G1; receipts R001
    (L001, 5,000 of 10,000), R002 (L002 repaid in full) and R003 (L004, 1,000 of 6,000).
    """
    org = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund(FUND, "丰宁县幸福工程资金", org=org)
    ledger.contribute(FUND, amount=yuan("300000"), on=date(2016, 1, 15), receipt="D1")
    ledger.register_guarantor(FUND, code="G1", kind="village_committee", name="南关村委会")
    for n, name in enumerate(NAMES, start=1):
        ledger.register_household(
            FUND,
            code=f"H{n:03d}",
            mother_name=name,
            national_id=national_id(n),
            registered_on=date(2016, 1, 5),
        )
    ledger.open_batch(FUND, code="B1", on=START)
    for n, amount in enumerate(("10000", "8000", "5000", "6000"), start=1):
        ledger.disburse(
            FUND,
            number=f"L{n:03d}",
            household=f"H{n:03d}",
            batch="B1",
            terms=LoanTerms(principal=yuan(amount), start=START, term=24),
            guarantors=["G1"],
        )
    ledger.repay(FUND, "L001", amount=yuan("5000"), on=date(2017, 3, 10), receipt="R001")
    ledger.repay(FUND, "L002", amount=yuan("8000"), on=date(2018, 3, 10), receipt="R002")
    ledger.repay(FUND, "L004", amount=yuan("1000"), on=date(2017, 3, 10), receipt="R003")


# (kind, header, rows, problem, row, column): a valid row 2, a bad row 3 (where there are rows), a valid row 4
BAD_CASES = [
    pytest.param(
        "households",
        ["户编码", "母亲姓名", "登记日期"],
        [["H101", "赵兰", "2016-02-01"]],
        ProblemKind.MISSING_COLUMN,
        1,
        "national_id",
        "national_id",
        id="missing_column",
    ),
    pytest.param(
        "households",
        HH,
        [household_row(101), ["H102", "钱芳", national_id(102), "2016-13-45"], household_row(103)],
        ProblemKind.BAD_DATE,
        3,
        "registered_on",
        "2016-13-45",
        id="bad_date",
    ),
    pytest.param(
        "loans",
        LOAN,
        [loan_row("L101", "H005"), loan_row("L102", "H006", "五千元"), loan_row("L103", "H007")],
        ProblemKind.BAD_AMOUNT,
        3,
        "amount",
        "五千元",
        id="bad_amount",
    ),
    pytest.param(
        "loans",
        LOAN,
        [loan_row("L101", "H005"), loan_row("L102", "H006", "5000.125"), loan_row("L103", "H007")],
        ProblemKind.SUB_FEN_AMOUNT,
        3,
        "amount",
        "5000.125",
        id="yuan_with_3_decimals",
    ),
    pytest.param(
        "loans",
        LOAN,
        [loan_row("L101", "H005"), loan_row("L102", "H999"), loan_row("L103", "H007")],
        ProblemKind.UNKNOWN_HOUSEHOLD,
        3,
        "household",
        "H999",
        id="unknown_household",
    ),
    pytest.param(
        "households",
        HH,
        [
            household_row(101),
            ["H102", "钱芳", national_id(102, valid=False), "2016-02-01"],
            household_row(103),
        ],
        ProblemKind.BAD_NATIONAL_ID,
        3,
        "national_id",
        national_id(102, valid=False),
        id="bad_id_check_digit",
    ),
    pytest.param(
        "repayments",
        REPAY,
        [
            ["L001", "100", "2017-04-01", "R101"],
            ["L001", "200", "2017-04-02", "R001"],
            ["L001", "100", "2017-04-03", "R103"],
        ],
        ProblemKind.DUPLICATE_RECEIPT,
        3,
        "receipt",
        "R001",
        id="duplicate_receipt",
    ),
    pytest.param(
        "repayments",
        REPAY,
        [
            ["L001", "100", "2017-04-01", "R101"],
            ["L001", "100", "2017-04-02", "R101"],
            ["L001", "100", "2017-04-03", "R103"],
        ],
        ProblemKind.DUPLICATE_RECEIPT,
        3,
        "receipt",
        "R101",
        id="duplicate_receipt_in_file",
    ),
]


@pytest.fixture
def base(ledger: Ledger) -> Ledger:
    build_base(ledger)
    return ledger


def test_national_id_helper_agrees_with_gb_11643() -> None:
    assert validate_national_id(national_id(1)) == national_id(1)
    assert national_id(1, valid=False) != national_id(1)


# ---- the happy paths -------------------------------------------------------------------------------
def test_households_from_csv_with_bom_and_chinese_headers(base: Ledger, tmp_path: Path) -> None:
    rows = [
        ["H101", "赵兰", national_id(101).lower(), "2016/2/1", "备注不读"],
        ["H102", "钱芳", national_id(102), "2016年2月3日", ""],
        ["", "", "", "", ""],
        ["H103", "孙丽", national_id(103), "20160205", ""],
    ]
    source = write_csv(tmp_path / "hh.csv", [*HH, "备注"], rows)
    result = import_households(base, FUND, source)
    assert result.ok
    assert (result.rows_read, result.rows_valid, result.rows_written) == (3, 3, 3)
    added = {h.code: h for h in base.households(FUND)}
    assert {"H101", "H102", "H103"} <= added.keys()
    assert added["H101"].national_id == national_id(101)
    assert added["H102"].registered_on == date(2016, 2, 3)
    assert added["H103"].registered_on == date(2016, 2, 5)


def test_english_headers_without_bom_units_and_optional_columns(base: Ledger, tmp_path: Path) -> None:
    households = write_csv(
        tmp_path / "hh.csv",
        ["Code", "mother_name", "National ID", "registered_on", "phone", "income_before (元)", "fp_status"],
        [["H101", "赵兰", national_id(101), "2016-02-01", "13800138000", "3200.50", "二女户"]],
        bom=False,
    )
    assert import_households(base, FUND, households).ok
    h = base.household(FUND, "H101")
    assert (h.phone, h.income_before, h.fp_status.value) == ("13800138000", yuan("3200.50"), "two_daughters")
    loans = write_csv(
        tmp_path / "loans.csv",
        ["number", "household", "batch", "amount（元）", "start", "term", "method", "rate", "guarantor"],
        [["L101", "H101", "B9", "1.2万", "2016-04-01", "12", "equal_principal", "4.8%", "G1"]],
    )
    assert import_loans(base, FUND, loans).ok
    loan = base.loan(FUND, "L101")
    assert loan.principal == yuan("12000")
    dues = base.schedule(FUND, "L101")
    assert len(dues) == 12
    assert sum(d.principal.fen for d in dues) == 1_200_000
    # 4.8 % a year on 12,000 for the first month is exactly 48.00
    assert dues[0].interest == yuan("48")
    assert "B9" in {b.code for b in base.batches(FUND)}


def test_a_loans_file_can_say_flat_interest(base: Ledger, tmp_path: Path) -> None:
    # 等本等息: 12,000 at 6 % for 12 months → 720.00 of interest on the original principal, 60.00 a month
    loans = write_csv(
        tmp_path / "loans.csv",
        [*LOAN[:-1], "年利率", "担保人"],
        [["L101", "H005", "B9", "12000", "2016-04-01", "12", "等本等息", "6%", "G1"]],
    )
    assert import_loans(base, FUND, loans).ok
    dues = base.schedule(FUND, "L101")
    assert {d.interest for d in dues} == {yuan("60")}
    assert {d.principal for d in dues} == {yuan("1000")}


def test_a_loans_file_can_give_an_interest_grace(base: Ledger, tmp_path: Path) -> None:
    # 3 months of 缓息 on the same loan: 180.00 deferred, spread over the other 9 months (20.00 each)
    loans = write_csv(
        tmp_path / "loans.csv",
        [*LOAN[:-1], "年利率", "担保人", "利息宽限期", "宽限期利息"],
        [
            ["L101", "H005", "B9", "12000", "2016-04-01", "12", "等本等息", "6%", "G1", "3", "缓息"],
            ["L102", "H006", "B9", "12000", "2016-04-01", "12", "一次性还本付息", "6%", "G1", "3", "免息"],
        ],
    )
    result = import_loans(base, FUND, loans)
    # a bullet loan has no interest payments to be graced: refused, naming the column
    assert [(p.row, p.column) for p in result.problems] == [(3, "interest_grace")]
    assert import_loans(
        base,
        FUND,
        write_csv(
            tmp_path / "one.csv",
            [*LOAN[:-1], "年利率", "担保人", "利息宽限期", "宽限期利息"],
            [["L101", "H005", "B9", "12000", "2016-04-01", "12", "等本等息", "6%", "G1", "3", "缓息"]],
        ),
    ).ok
    dues = base.schedule(FUND, "L101")
    assert [d.interest for d in dues] == [yuan(0)] * 3 + [yuan(80)] * 9


def test_loans_and_repayments_from_xlsx_with_typed_cells(base: Ledger, tmp_path: Path) -> None:
    loans = write_xlsx(
        tmp_path / "loans.xlsx",
        LOAN,
        [
            ["L101", "H005", "B9", 5000, datetime(2016, 4, 1), 24, None, "G1"],  # noqa: DTZ001 (Excel has no zones)
            [],
            ["L102", "H006", "B9", 4321.09, date(2016, 4, 2), 24.0, "利随本清", "G1"],
        ],
    )
    result = import_loans(base, FUND, loans)
    assert result.ok, result.problems
    assert base.loan(FUND, "L101").principal == yuan("5000")
    assert base.loan(FUND, "L102").principal == Money(432_109)
    assert base.loan(FUND, "L102").disbursed_on == date(2016, 4, 2)
    repayments = write_xlsx(
        tmp_path / "repay.xlsx",
        [*REPAY, "还款人"],
        [
            ["L101", 5000, date(2018, 4, 1), 20180001, "借款人"],
            ["L102", 21.09, date(2017, 1, 1), "R-2", None],
        ],
    )
    result = import_repayments(base, FUND, repayments)
    assert result.ok, result.problems
    assert base.loan(FUND, "L101").status is LoanStatus.CLOSED
    assert [r.receipt for r in base.receipts(FUND, "L101")] == ["20180001"]
    assert base.loan(FUND, "L102").outstanding == yuan("4300")


def test_xlsx_rows_are_numbered_as_the_sheet_numbers_them(base: Ledger, tmp_path: Path) -> None:
    source = write_xlsx(
        tmp_path / "hh.xlsx",
        HH,
        [household_row(101), [], [], ["H104", "周敏", national_id(104), "someday"]],
    )
    result = import_households(base, FUND, source)
    assert [(p.row, p.kind, p.column, p.value) for p in result.problems] == [
        (5, ProblemKind.BAD_DATE, "registered_on", "someday")
    ]
    assert result.rows_read == 2


# ---- every bad input: reported with row, column and value; nothing written ---------------------------
@pytest.mark.parametrize(("kind", "header", "rows", "problem", "row", "column", "value"), BAD_CASES)
def test_a_bad_row_is_reported_and_nothing_is_written(
    base: Ledger,
    tmp_path: Path,
    kind: str,
    header: list[str],
    rows: list[list[str]],
    problem: ProblemKind,
    row: int,
    column: str,
    value: str,
) -> None:
    source = write_csv(tmp_path / f"{kind}.csv", header, rows)
    before = snapshot(base.engine)  # type: ignore[arg-type]
    result = import_file(base, FUND, kind, source)
    assert not result.ok
    assert [(p.row, p.kind, p.column) for p in result.problems] == [(row, problem, column)]
    if problem is not ProblemKind.MISSING_COLUMN:
        # issue 12: a cell of a personal column (the ID number) is reported masked
        assert result.problems[0].value == (mask_national_id(value) if column == "national_id" else value)
        assert result.rows_valid == len(rows) - 1
    assert result.rows_written == 0
    assert snapshot(base.engine) == before  # type: ignore[arg-type]
    zh = result.problems[0].describe("zh", columns=result.columns)
    en = result.problems[0].describe("en", columns=result.columns)
    assert zh.startswith(f"第{row}行") and problem.label("zh") in zh
    assert en.startswith(f"row {row}") and problem.label("en") in en


@pytest.mark.parametrize(("kind", "header", "rows", "problem", "row", "column", "value"), BAD_CASES)
def test_keep_valid_writes_exactly_the_valid_rows(
    base: Ledger,
    tmp_path: Path,
    kind: str,
    header: list[str],
    rows: list[list[str]],
    problem: ProblemKind,
    row: int,
    column: str,
    value: str,
) -> None:
    source = write_csv(tmp_path / f"{kind}.csv", header, rows)
    result = import_file(base, FUND, kind, source, keep_valid=True)
    assert [p.row for p in result.problems] == [row]
    if problem is ProblemKind.MISSING_COLUMN:
        assert result.rows_written == 0
        assert "H101" not in {h.code for h in base.households(FUND)}
        return
    assert result.rows_written == 2
    keys = [r[0] if kind != "repayments" else r[3] for r in rows]
    if kind == "households":
        present = {h.code for h in base.households(FUND)}
    elif kind == "loans":
        present = {ln.number for ln in base.loans(FUND)}
    else:
        present = {r.receipt for r in base.receipts(FUND, "L001")}
    assert keys[0] in present and keys[2] in present
    if problem is not ProblemKind.DUPLICATE_RECEIPT:
        assert keys[1] not in present
    else:
        # the duplicated receipt still names only its first payment
        assert [r.amount for r in base.receipts(FUND, "L001") if r.receipt == keys[1]] == [
            yuan("5000") if keys[1] == "R001" else yuan("100")
        ]


def test_every_bad_row_is_reported_not_only_the_first(base: Ledger, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "loans.csv",
        LOAN,
        [
            loan_row("L101", "H005", "12.345"),
            ["L102", "H006", "B9", "abc", "2016-02-30", "x", "月供", "G1"],
            loan_row("L103", "H999"),
        ],
    )
    result = import_loans(base, FUND, source)
    found = {(p.row, p.kind, p.column) for p in result.problems}
    assert found == {
        (2, ProblemKind.SUB_FEN_AMOUNT, "amount"),
        (3, ProblemKind.BAD_AMOUNT, "amount"),
        (3, ProblemKind.BAD_DATE, "start"),
        (3, ProblemKind.BAD_NUMBER, "term"),
        (3, ProblemKind.BAD_VALUE, "method"),
        (4, ProblemKind.UNKNOWN_HOUSEHOLD, "household"),
    }
    assert [p.row for p in result.problems] == sorted(p.row for p in result.problems)


def test_a_ledger_refusal_names_its_column(base: Ledger, tmp_path: Path) -> None:
    # more than the fund's policy lends to one household, and a repayment larger than the loan owes
    loans = write_csv(tmp_path / "loans.csv", LOAN, [loan_row("L101", "H005", "900000")])
    (problem,) = import_loans(base, FUND, loans).problems
    assert (problem.kind, problem.column, problem.value) == (ProblemKind.REFUSED, "amount", "900000")
    assert "policy" in problem.detail
    repayments = write_csv(tmp_path / "repay.csv", REPAY, [["L001", "6000", "2017-04-01", "R101"]])
    (problem,) = import_repayments(base, FUND, repayments).problems
    assert (problem.kind, problem.column) == (ProblemKind.REFUSED, "amount")
    unknown = write_csv(tmp_path / "unknown.csv", REPAY, [["L999", "10", "2017-04-01", "R101"]])
    (problem,) = import_repayments(base, FUND, unknown).problems
    assert (problem.kind, problem.column, problem.value) == (ProblemKind.UNKNOWN_LOAN, "loan", "L999")


def test_a_missing_column_is_reported_once(base: Ledger, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "repay.csv", ["借款编号", "金额"], [["L001", "1"]] * 5)
    result = import_repayments(base, FUND, source, keep_valid=True)
    assert [(p.row, p.kind, p.column) for p in result.problems] == [
        (1, ProblemKind.MISSING_COLUMN, "on"),
        (1, ProblemKind.MISSING_COLUMN, "receipt"),
    ]
    assert result.rows_written == 0
    assert "还款日期" in result.problems[0].describe("zh", columns=result.columns)


def test_the_same_column_twice_is_refused(base: Ledger, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "hh.csv", [*HH, "code"], [[*household_row(101), "H102"]])
    result = import_households(base, FUND, source)
    assert [(p.row, p.kind) for p in result.problems] == [(1, ProblemKind.DUPLICATE_COLUMN)]
    assert "H101" not in {h.code for h in base.households(FUND)}


# ---- floats from Excel never become money ---------------------------------------------------------------
def test_excel_float_cells_with_a_third_decimal_are_refused_not_rounded(base: Ledger, tmp_path: Path) -> None:
    source = write_xlsx(
        tmp_path / "loans.xlsx",
        LOAN,
        [
            ["L101", "H005", "B9", 1234.56, date(2016, 4, 1), 24, None, "G1"],
            ["L102", "H006", "B9", 12.345, date(2016, 4, 1), 24, None, "G1"],
            ["L103", "H007", "B9", 1000 / 3, date(2016, 4, 1), 24, None, "G1"],  # a formula =1000/3
        ],
    )
    before = snapshot(base.engine)  # type: ignore[arg-type]
    result = import_loans(base, FUND, source)
    assert [(p.row, p.kind, p.value) for p in result.problems] == [
        (3, ProblemKind.SUB_FEN_AMOUNT, "12.345"),
        (4, ProblemKind.SUB_FEN_AMOUNT, "333.3333333333333"),
    ]
    assert snapshot(base.engine) == before  # type: ignore[arg-type]
    kept = import_loans(base, FUND, source, keep_valid=True)
    assert kept.rows_written == 1
    assert base.loan(FUND, "L101").principal == Money(123_456)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2))
def test_a_float_cell_with_two_decimals_reads_as_exactly_those_yuan(value: Decimal) -> None:
    assert _money(float(value)) == Money.of_yuan(value)


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999.999"), places=3))
def test_a_float_cell_finer_than_a_fen_is_refused(value: Decimal) -> None:
    if value == value.quantize(Decimal("0.01")):
        return
    with pytest.raises(_Bad) as info:
        _money(float(value))
    assert info.value.kind is ProblemKind.SUB_FEN_AMOUNT


def test_an_id_number_stored_as_an_excel_number_is_refused(base: Ledger, tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "hh.xlsx", HH, [["H101", "赵兰", 110105199001011011, date(2016, 2, 1)]])
    (problem,) = import_households(base, FUND, source).problems
    assert problem.kind is ProblemKind.BAD_NATIONAL_ID
    assert problem.row == 2


# ---- receipts, retries, sessions ----------------------------------------------------------------------
def test_reimporting_the_same_repayments_changes_nothing(base: Ledger, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "repay.csv", REPAY, [["L001", "100", "2017-04-01", "R101"]])
    assert import_repayments(base, FUND, source).rows_written == 1
    before = snapshot(base.engine)  # type: ignore[arg-type]
    again = import_repayments(base, FUND, source)
    assert again.ok
    assert (again.rows_written, again.rows_unchanged) == (0, 1)
    assert snapshot(base.engine) == before  # type: ignore[arg-type]


def test_a_file_partly_recorded_before_writes_only_the_rest(base: Ledger, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "april.csv", REPAY, [["L001", "100", "2017-04-01", "R101"]])
    assert import_repayments(base, FUND, first).rows_written == 1
    rows = [
        ["L001", "100", "2017-04-01", "R101"],  # recorded by the first file
        ["L001", "50", "2017-04-15", "R102"],
        ["L001", "25", "2017-04-20", "R103"],
    ]
    result = import_repayments(base, FUND, write_csv(tmp_path / "both.csv", REPAY, rows))
    assert result.ok
    assert (result.rows_valid, result.rows_written, result.rows_unchanged) == (3, 2, 1)
    assert [r.receipt for r in base.receipts(FUND, "L001")][-3:] == ["R101", "R102", "R103"]
    # a refusal by the books sends the file row by row: every problem is reported, and nothing is written
    before = snapshot(base.engine)  # type: ignore[arg-type]
    bad = [
        ["L001", "10", "2017-05-01", "R104"],
        ["NO-LOAN", "5", "2017-05-01", "R105"],
        ["L001", "999999", "2017-05-02", "R106"],  # more than L001 owes
    ]
    refused = import_repayments(base, FUND, write_csv(tmp_path / "bad.csv", REPAY, bad))
    assert [p.row for p in refused.problems] == [3, 4]
    assert refused.rows_written == 0
    assert snapshot(base.engine) == before  # type: ignore[arg-type]


def test_a_guarantor_payment_and_a_prepayment(base: Ledger, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "repay.csv",
        [*REPAY, "还款人", "担保人", "提前还款"],
        [
            ["L001", "1000", "2017-04-01", "R101", "担保人", "G1", ""],
            ["L004", "5000", "2017-04-01", "R102", "", "", "缩短期限"],
        ],
    )
    result = import_repayments(base, FUND, source)
    assert result.ok, result.problems
    (paid,) = [r for r in base.receipts(FUND, "L001") if r.receipt == "R101"]
    assert paid.payer.value == "guarantor"
    assert base.loan(FUND, "L004").status is LoanStatus.CLOSED


def test_inside_a_host_session_a_failed_import_undoes_only_itself(base: Ledger, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", HH, [household_row(101)])
    bad = write_csv(tmp_path / "bad.csv", HH, [household_row(102), ["H103", "x", "123", "2016-01-01"]])
    with Session(base.engine) as session:
        assert import_households(session, FUND, good).rows_written == 1
        assert import_households(session, FUND, bad).rows_written == 0
        session.commit()
    codes = {h.code for h in base.households(FUND)}
    assert "H101" in codes
    assert "H102" not in codes


def test_the_host_session_decides_whether_an_import_is_kept(base: Ledger, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", HH, [household_row(101)])
    with Session(base.engine) as session:
        assert import_households(session, FUND, good).rows_written == 1
        session.rollback()
    assert "H101" not in {h.code for h in base.households(FUND)}


def test_a_ledger_inside_a_host_session_is_refused(base: Ledger, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", HH, [household_row(101)])
    with Session(base.engine) as session, pytest.raises(ImportTargetError):
        import_households(Ledger(session=session), FUND, good)


def test_all_or_nothing_writes_nothing_when_the_block_raises(base: Ledger) -> None:
    before = snapshot(base.engine)  # type: ignore[arg-type]

    def open_then_fail() -> None:
        with all_or_nothing(base) as books:
            books.open_batch(FUND, code="B9", on=START)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        open_then_fail()
    assert snapshot(base.engine) == before  # type: ignore[arg-type]
    with all_or_nothing(base) as books:
        books.open_batch(FUND, code="B9", on=START)
    assert "B9" in {b.code for b in base.batches(FUND)}


# ---- files ------------------------------------------------------------------------------------------
def test_files_that_are_not_tables_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no such file"):
        read_rows(tmp_path / "none.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportFileError, match=r"\.xlsx"):
        read_rows(tmp_path / "old.xls")
    (tmp_path / "gbk.csv").write_bytes("户编码,母亲姓名\nH1,王秀英\n".encode("gbk"))
    assert read_rows(tmp_path / "gbk.csv").rows[0][1] == ("H1", "王秀英")  # GBK is detected (issue 14)
    (tmp_path / "junk.csv").write_bytes(b"a,b\n\xff\x00\n")
    with pytest.raises(ImportFileError, match="UTF-8"):
        read_rows(tmp_path / "junk.csv")
    with pytest.raises(ImportFileError, match="utf-8"):
        read_rows(tmp_path / "gbk.csv", encoding="utf-8")
    (tmp_path / "fake.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ImportFileError, match="workbook"):
        read_rows(tmp_path / "fake.xlsx")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(ImportFileError, match="empty"):
        read_rows(tmp_path / "empty.csv")


def test_a_progress_bar_goes_to_stderr_when_asked(
    base: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "hh.csv", HH, [household_row(n) for n in range(101, 106)])
    result = import_households(base, FUND, source, progress=True)
    captured = capsys.readouterr()
    assert result.rows_written == 5
    assert "5/5" in captured.err
    assert captured.out == ""


def test_every_kind_documents_chinese_and_english_headers() -> None:
    for kind in ImportKind:
        fields = [c.field for c in COLUMNS[kind]]
        assert len(fields) == len(set(fields))
        assert all(c.zh and c.field.isascii() and not c.zh.isascii() for c in COLUMNS[kind])


def test_the_summary_reads_in_both_languages() -> None:
    result = ImportResult(ImportKind.LOANS, "x.csv", 3, 2, 0, 0, (), keep_valid=False)
    assert result.summary("zh") == "读取 3 行，写入 0 行"
    assert result.summary("en") == "3 rows read, 0 written"
