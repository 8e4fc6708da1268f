"""The loan file: purpose (用途), the 三方协议's number and date, the 帮扶责任人, and the household's size,
given to disburse / disburse_many, the importers and the CLI, stored, and shown on the 台账 and statement."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from revolve import Disbursement, Ledger, LoanFile, LoanPurpose, OrgLevel, yuan
from revolve.cli import main
from revolve.errors import InvalidDate, InvalidEntry
from revolve.importers import import_households, import_loans
from revolve.loans import purpose_of
from revolve.policy import Policy
from revolve.reports.registers import build_loan_register
from revolve.reports.statement import build_statement
from revolve.schedule import LoanTerms, RepaymentMethod

D = date
FUND = "F"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(n: int) -> str:
    body = f"62010219850101{n:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def _terms(amount: str = "3000") -> LoanTerms:
    return LoanTerms(principal=yuan(amount), start=D(2017, 3, 1), term=12, method=RepaymentMethod.BULLET)


def _no_guarantee(ledger: Ledger) -> None:
    ledger.set_policy(
        FUND,
        Policy(
            effective_from=D(2017, 1, 1),
            min_amount=yuan("100"),
            max_amount=yuan("50000"),
            min_term_months=1,
            max_term_months=36,
            max_loans_per_household=5,
            max_active_loans_per_household=3,
            guarantee_required=False,
        ),
    )


def _build(ledger: Ledger) -> Ledger:
    county = ledger.create_org("C", "某县", OrgLevel.COUNTY)
    ledger.create_fund(FUND, "幸福工程资金", org=county)
    ledger.contribute(FUND, amount=yuan("100000"), on=D(2017, 1, 1))
    _no_guarantee(ledger)
    ledger.open_batch(FUND, code="B1", on=D(2017, 3, 1))
    for n in (1, 2, 3):
        ledger.register_household(
            FUND,
            code=f"H{n}",
            mother_name=f"母亲{n}",
            national_id=_id(n),
            registered_on=D(2017, 1, 1),
            persons=n + 2,
        )
    return ledger


@pytest.fixture
def book(ledger: Ledger) -> Ledger:
    return _build(ledger)


def test_purposes_read_labels_identifiers_and_free_text() -> None:
    assert purpose_of("养殖") == (LoanPurpose.LIVESTOCK, None)
    assert purpose_of("trade") == (LoanPurpose.TRADE, None)
    assert purpose_of(" 刺绣 ") == (LoanPurpose.OTHER, "刺绣")
    assert LoanFile(purpose="刺绣").purpose_text == "其他（刺绣）"  # type: ignore[arg-type]
    assert [p.label_zh for p in LoanPurpose] == ["种植", "养殖", "加工", "商贸", "服务", "其他"]
    with pytest.raises(InvalidEntry):
        purpose_of("  ")
    with pytest.raises(InvalidEntry, match="helper"):
        LoanFile(helper="x" * 101)
    with pytest.raises(InvalidDate):
        LoanFile(agreement_on="2017-03-01")  # type: ignore[arg-type]


def test_disburse_stores_the_file_and_reports_show_it(book: Ledger) -> None:
    file = LoanFile(
        purpose=LoanPurpose.LIVESTOCK,
        agreement_no="三方〔2017〕12号",
        agreement_on=D(2017, 2, 25),
        helper="李干部",
    )
    loan = book.disburse(FUND, number="L1", household="H1", batch="B1", terms=_terms(), file=file)
    assert loan.file == file
    assert book.loan(FUND, "L1").file == file
    many = book.disburse_many(
        FUND,
        [
            Disbursement("L2", "H2", "B1", _terms(), file=LoanFile(purpose=LoanPurpose.TRADE, helper="王")),
            Disbursement("L3", "H3", "B1", _terms()),
        ],
    )
    assert [m.file.purpose for m in many] == [LoanPurpose.TRADE, None]
    register = build_loan_register(book, FUND, as_of=D(2017, 3, 31))
    table = register.section("loans").table
    assert table is not None
    keys = [c.key for c in table.columns]
    first = dict(zip(keys, table.rows[0], strict=True))
    assert (first["persons"], first["purpose"], first["agreement_no"]) == (3, "养殖", "三方〔2017〕12号")
    assert (first["agreement_on"], first["helper"]) == (D(2017, 2, 25), "李干部")
    assert table.total is not None and len(table.total) == len(table.columns)
    statement = build_statement(book, FUND, "L1", as_of=D(2017, 3, 31))
    loan_facts = {f.label: f.value for f in statement.section("loan").facts}
    assert loan_facts["loan_purpose"] == "养殖"
    assert loan_facts["helper"] == "李干部"
    assert {f.label: f.value for f in statement.section("borrower").facts}["household_persons"] == 3


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_the_importers_read_the_file_columns(ledger: Ledger, tmp_path: Path) -> None:
    county = ledger.create_org("C", "某县", OrgLevel.COUNTY)
    ledger.create_fund(FUND, "幸福工程资金", org=county)
    ledger.contribute(FUND, amount=yuan("100000"), on=D(2017, 1, 1))
    _no_guarantee(ledger)
    households = _csv(
        tmp_path / "hh.csv",
        ["户编码", "母亲姓名", "身份证号", "登记日期", "家庭人口"],
        [["H1", "甲", _id(1), "2017-01-01", "4人"], ["H2", "乙", _id(2), "2017-01-01", ""]],
    )
    assert import_households(ledger, FUND, households).ok
    assert [(h.persons, h.persons_on) for h in ledger.households(FUND)] == [(4, D(2017, 1, 1)), (None, None)]
    loans = _csv(
        tmp_path / "loans.csv",
        [
            "借款编号",
            "户编码",
            "批次",
            "金额",
            "放款日期",
            "期数",
            "用途",
            "协议编号",
            "协议日期",
            "帮扶责任人",
        ],
        [
            ["L1", "H1", "B1", "3000", "2017-03-01", "12", "种植", "XY-1", "2017-02-28", "张三"],
            ["L2", "H2", "B1", "2000", "2017-03-01", "12", "刺绣", "", "", ""],
            ["L3", "H2", "B1", "1000", "2017-03-01", "12", "", "", "", ""],
        ],
    )
    assert import_loans(ledger, FUND, loans).ok
    files = {ln.number: ln.file for ln in ledger.loans(FUND)}
    assert files["L1"] == LoanFile(LoanPurpose.PLANTING, None, "XY-1", D(2017, 2, 28), "张三")
    assert files["L2"] == LoanFile(LoanPurpose.OTHER, "刺绣")
    assert files["L3"] == LoanFile()
    bad = _csv(
        tmp_path / "bad.csv",
        ["借款编号", "户编码", "批次", "金额", "放款日期", "期数", "帮扶责任人"],
        [["L4", "H1", "B1", "3000", "2017-03-01", "12", "x" * 101]],
    )
    result = import_loans(ledger, FUND, bad)
    assert not result.ok and result.problems[0].column == "helper"


def test_the_cli_disburse_options(tmp_path: Path) -> None:
    db = str(tmp_path / "books.db")
    _build(Ledger.open(f"sqlite:///{db}"))
    code = main(
        [
            "disburse", "--db", db, "--fund", FUND, "--number", "L9", "--household", "H1", "--batch", "B1",
            "--amount", "3000", "--start", "2017-03-01", "--term", "12", "--purpose", "加工",
            "--agreement-no", "XY-9", "--agreement-on", "2017-02-27", "--helper", "赵四",
        ]
    )  # fmt: skip
    assert code == 0
    assert Ledger.open(f"sqlite:///{db}").loan(FUND, "L9").file == LoanFile(
        LoanPurpose.PROCESSING, None, "XY-9", D(2017, 2, 27), "赵四"
    )
