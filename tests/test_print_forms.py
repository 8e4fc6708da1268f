"""Printed forms (issue 15): the 借款合同 and the 三方协议 from a loan's terms and schedule, with their
大写 and every party's signature line; clauses a county replaces with its own template."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from revolve import Ledger, OrgLevel, yuan
from revolve.cli import main
from revolve.errors import UnknownLanguage
from revolve.guarantees import GuarantorKind
from revolve.loans.file import LoanFile
from revolve.money import Money
from revolve.policy import Policy
from revolve.reports.agreements import build_agreement, build_contract
from revolve.reports.model import Report
from revolve.reports.render import render
from revolve.schedule import LoanTerms, RepaymentMethod

D = date
PRINTED = D(2026, 12, 2)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(n: int) -> str:
    body = f"11010519800101{n:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


@pytest.fixture
def books(ledger: Ledger) -> Ledger:
    """王秀英 borrows ¥3,600 over 12 months at 2.4 % with a ¥360 cash deposit, guaranteed by 某村委会 and
    李四; the loan's file carries 三方协议 XF-2024-007 signed on 2024-01-12."""
    county = ledger.create_org("C", "丰宁满族自治县计划生育协会", OrgLevel.COUNTY)
    village = ledger.create_org("V", "某村", OrgLevel.VILLAGE, parent=county)
    ledger.create_fund("C", "丰宁县幸福工程资金", org=county)
    ledger.set_policy(
        "C",
        Policy(
            effective_from=D(2024, 1, 1),
            min_amount=yuan("100"),
            max_amount=yuan("50000"),
            min_term_months=1,
            max_term_months=36,
            max_loans_per_household=5,
            max_active_loans_per_household=2,
            guarantee_required=False,
        ),
    )
    ledger.open_batch("C", code="B1", on=D(2024, 1, 10))
    ledger.contribute("C", amount=yuan("20000"), on=D(2024, 1, 5), source="donation")
    ledger.register_household(
        "C", code="H1", mother_name="王秀英", national_id=_id(1), registered_on=D(2024, 1, 1), org=village.id
    )
    ledger.register_guarantor("C", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会")
    ledger.register_guarantor("C", code="G2", kind=GuarantorKind.INDIVIDUAL, name="李四")
    ledger.disburse(
        "C",
        number="L1",
        household="H1",
        batch="B1",
        terms=LoanTerms(
            principal=yuan("3600"),
            start=D(2024, 1, 15),
            term=12,
            method=RepaymentMethod.EQUAL_PRINCIPAL,
            rate=Decimal("0.024"),
        ),
        guarantors=["VC", "G2"],
        pledge=yuan("360"),
        file=LoanFile(purpose="养殖", agreement_no="XF-2024-007", agreement_on=D(2024, 1, 12)),
    )
    return ledger


def _facts(report: Report, section: str) -> dict[str, object]:
    return {fact.label: fact.value for fact in report.section(section).facts}


def _clauses(report: Report) -> list[str]:
    table = report.section("clauses").table
    assert table is not None
    return [str(row[0]) for row in table.rows]


def test_contract_is_drawn_from_the_terms_and_schedule(books: Ledger) -> None:
    contract = build_contract(books, "C", "L1", printed_on=PRINTED)
    plan = books.schedule("C", "L1", version=1)
    facts = _facts(contract, "terms")
    assert contract.number == "L1"
    assert facts["amount_in_figures"] == yuan("3600")
    assert facts["amount_in_words"] == "叁仟陆佰元整"
    assert facts["iou_maturity"] == plan[-1].due_date
    assert facts["first_installment"] == plan[0].total
    assert facts["iou_rate"] == Decimal("0.024")
    table = contract.section("plan").table
    assert table is not None
    assert [row[2] for row in table.rows] == [d.principal for d in plan]
    assert table.total is not None and table.total[2] == Money.total(d.principal for d in plan) == yuan(
        "3600"
    )
    assert table.rows[-1][-1] == Money(0)
    parties = _facts(contract, "parties")
    assert parties["party_lender"] == "丰宁满族自治县计划生育协会"
    assert parties["party_borrower"] == "王秀英"
    assert parties["party_village"] == "某村"
    assert parties["iou_national_id"] == _id(1)[:6] + "********" + _id(1)[-4:]
    clauses = _clauses(contract)
    assert len(clauses) == 6
    assert clauses[0].startswith("第一条")
    assert "人民币（大写）叁仟陆佰元整（小写 ¥3,600.00）" in clauses[0]
    assert "年利率 2.4%" in clauses[1]
    assert f"首期于 {plan[0].due_date.isoformat()} 归还 {plan[0].total.format(symbol='¥')}" in clauses[2]
    assert "某村委会、李四" in clauses[3]
    assert [(s.role, s.name) for s in contract.signatures] == [
        ("sign_lender_a", "丰宁满族自治县计划生育协会"),
        ("sign_borrower_b", ""),
        ("sign_guarantor_c", "某村委会"),
        ("sign_guarantor_c", "李四"),
        ("sign_date", ""),
    ]
    text = render(contract, "text")
    for words in (
        "借款合同",
        "编制单位：丰宁满族自治县计划生育协会",
        "编号：L1",
        "单位：元",
        "叁仟陆佰元整",
        "甲方（盖章）：丰宁满族自治县计划生育协会",
        "乙方（签字、手印）：__________",
        "丙方（签字、盖章）：李四",
        "签订日期：__________",
        "打印日期：2026-12-02",
        "第六条",
    ):
        assert words in text, words


def test_agreement_names_three_parties_and_the_deposit_in_words(books: Ledger) -> None:
    agreement = build_agreement(books, "C", "L1", printed_on=PRINTED)
    assert agreement.number == "XF-2024-007"
    assert agreement.as_of == D(2024, 1, 12)
    facts = _facts(agreement, "terms")
    assert facts["agreement_date"] == D(2024, 1, 12)
    assert facts["guarantee_deposit"] == yuan("360")
    assert facts["guarantee_deposit_in_words"] == "叁佰陆拾元整"
    parties = agreement.section("parties").facts
    assert [f.value for f in parties if f.label == "party_guarantor_c"] == ["某村委会", "李四"]
    clauses = _clauses(agreement)
    assert clauses[0].startswith("一、甲方丰宁满族自治县计划生育协会（丰宁县幸福工程资金）向乙方王秀英")
    assert "保证金人民币（大写）叁佰陆拾元整（小写 ¥360.00）" in clauses[2]
    roles = [s.role for s in agreement.signatures]
    assert roles == [
        "sign_lender_a",
        "sign_borrower_b",
        "sign_guarantor_c",
        "sign_guarantor_c",
        "sign_agent",
        "sign_date",
    ]
    html = render(agreement, "html")
    for words in (
        "三方协议",
        "编制单位：丰宁满族自治县计划生育协会",
        "叁佰陆拾元整",
        "丙方（签字、盖章）",
        "经办人",
    ):
        assert words in html, words
    assert '<section id="clauses">' in html


def test_clauses_in_english_and_every_format(books: Ledger) -> None:
    contract = build_contract(books, "C", "L1", lang="en")
    clauses = _clauses(contract)
    assert clauses[0].startswith("Article 1. Amount: ¥3,600.00 (in words: 叁仟陆佰元整)")
    assert "Equal principal" in clauses[1]
    text = render(contract, "text", lang="en")
    assert "Lender (party A)" in text and "Party C (signature, seal): 某村委会" in text
    for fmt in ("markdown", "csv", "json", "html"):
        out = render(contract, fmt, lang="en")
        assert isinstance(out, str) and "Article 6." in out, fmt
    assert isinstance(render(contract, "xlsx"), bytes)
    with pytest.raises(UnknownLanguage):
        build_contract(books, "C", "L1", lang="fr")


def test_a_county_replaces_the_clauses_with_its_own_template(books: Ledger, tmp_path: Path) -> None:
    (tmp_path / "agreement_clauses.zh.txt.j2").write_text(
        "一、{{ borrower }}向{{ lender }}借款{{ amount_words }}。\n\n二、丙方{{ guarantors }}承担连带责任。\n",
        encoding="utf-8",
    )
    agreement = build_agreement(books, "C", "L1", templates=tmp_path)
    assert _clauses(agreement) == [
        "一、王秀英向丰宁满族自治县计划生育协会借款叁仟陆佰元整。",
        "二、丙方某村委会、李四承担连带责任。",
    ]
    # the contract's clauses are still revolve's own
    assert len(_clauses(build_contract(books, "C", "L1", templates=tmp_path))) == 6


def test_print_contract_and_agreement_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "demo.db")
    assert main(["demo", "--db", db]) == 0
    capsys.readouterr()
    assert main(["--db", db, "print", "contract", "FN-2016-001", "--fund", "FN-HP"]) == 0
    out = capsys.readouterr().out
    assert "借款合同" in out and "壹万元整" in out and "第六条" in out and "乙方（签字、手印）" in out
    target = tmp_path / "协议.html"
    args = [
        "--db",
        db,
        "--lang",
        "en",
        "print",
        "agreement",
        "FN-2016-001",
        "--fund",
        "FN-HP",
        "-o",
        str(target),
    ]
    assert main(args) == 0
    html = target.read_text(encoding="utf-8")
    assert "Three-party agreement" in html and "壹万元整" in html and "Party C, 大阁镇某村村委会" in html


# --- the 季报表 as one form -------------------------------------------------------------------------------


@pytest.fixture
def repaid(books: Ledger) -> Ledger:
    """The loan of ``books`` repaid in February (Q1) and in April and May (Q2) of 2024."""
    for on, receipt in ((D(2024, 2, 15), "S1"), (D(2024, 4, 15), "S2"), (D(2024, 5, 15), "S3")):
        books.repay("C", "L1", amount=yuan("307.20"), on=on, receipt=receipt)
    return books


def _form_rows(report: Report) -> dict[str, tuple[object, ...]]:
    section = report.sections[0]
    assert section.form and section.table is not None
    return {str(row[1].key): row for row in section.table.rows}  # type: ignore[union-attr]


def test_quarterly_opens_with_one_form_of_three_columns(repaid: Ledger) -> None:
    from revolve.metrics import period_figures
    from revolve.reports.quarterly import build_quarterly

    report = build_quarterly(repaid, fund="C", year=2024, quarter=2)
    assert [s.key for s in report.sections][:2] == ["form", "overview"]
    assert all(s.annex for s in report.sections[1:]) and not report.sections[0].annex
    table = report.sections[0].table
    assert table is not None
    assert [c.label for c in table.columns] == [
        "row_number",
        "item",
        "current_period",
        "year_to_date",
        "same_period_last_year",
    ]
    assert [row[0] for row in table.rows] == list(range(1, len(table.rows) + 1))
    rows = _form_rows(report)
    portfolio = repaid.portfolio("C")
    q2 = period_figures(portfolio, start=D(2024, 4, 1), end=D(2024, 6, 30))
    h1 = period_figures(portfolio, start=D(2024, 1, 1), end=D(2024, 6, 30))
    paid = {r.receipt: r.principal for r in repaid.receipts("C", "L1")}
    # lent in January: nothing this quarter, all of it in the year; nothing a year before
    assert rows["form_disbursed"][2:] == (Money(0), yuan("3600"), Money(0))
    assert rows["form_received"][2:] == (Money(0), yuan("20000"), Money(0))
    # recovered: April and May this quarter, February too in the year
    assert rows["form_recovered"][2:] == (
        paid["S2"] + paid["S3"],
        paid["S1"] + paid["S2"] + paid["S3"],
        Money(0),
    )
    assert rows["form_of_which_borrower"][2] == q2.recovered_by_payer["borrower"]
    assert rows["form_recovered"][3] == h1.recovered
    # a stock: the balance at the quarter's end, no year-to-date figure
    outstanding = yuan("3600") - paid["S1"] - paid["S2"] - paid["S3"]
    assert rows["form_outstanding"][2:] == (outstanding, None, Money(0))
    assert rows["form_cash"][2] == repaid.balance("C", "fund_cash", as_of=D(2024, 6, 30))
    assert rows["due_repayment_rate"][2] == q2.due_repayment_rate
    assert rows["par30"][3] is None
    # 其中 rows are set in; the rows after the first line up under it
    assert rows["form_of_which_borrower"][1].indent == 2  # type: ignore[union-attr]
    assert rows["form_guarantor"][1].indent == 5  # type: ignore[union-attr]
    assert "form_passbook" not in rows  # no passbook was applied


def test_last_years_column_is_last_years_same_quarter(repaid: Ledger) -> None:
    from revolve.reports.quarterly import build_quarterly

    rows = _form_rows(build_quarterly(repaid, fund="C", year=2025, quarter=1))
    assert rows["form_disbursed"][2:] == (Money(0), Money(0), yuan("3600"))
    assert rows["form_loans_disbursed"][2:] == (0, 0, 1)
    first = repaid.receipts_by_number("C", ["S1"])["S1"].principal
    assert rows["form_recovered"][4] == first


def test_form_renders_in_every_format_with_its_indents(repaid: Ledger) -> None:
    import csv
    import io
    import json

    import openpyxl

    from revolve.reports.frame import framed
    from revolve.reports.quarterly import build_quarterly

    report = framed(build_quarterly(repaid, fund="C", year=2024, quarter=2), "丰宁县", printed_on=PRINTED)
    rows = _form_rows(report)
    recovered = rows["form_recovered"][2]
    assert isinstance(recovered, Money)
    text = render(report, "text")
    form_text = text[: text.index("附表：明细")]
    assert "行次" in form_text and "本年累计数" in form_text and "上年同期数" in form_text
    assert "\n     7  　　其中：借款人归还" in form_text
    assert "　　　　　担保人代偿" in form_text
    assert recovered.format(symbol="") in form_text
    markdown = render(report, "markdown")
    assert "| 　　其中：借款人归还 " in markdown and "# 附表：明细" in markdown
    english = render(report, "text", lang="en")
    assert "　　of which: by the borrower" in english and "Same period last year" in english
    # CSV: the figure columns take three fields each; a rate's parts are kept
    lines = list(csv.reader(io.StringIO(render(report, "csv"))))
    header = next(line for line in lines if line and line[0] == "行次")
    assert header[2:5] == ["本期数", "本期数（分子）", "本期数（分母）"] and len(header) == 11
    line = next(line for line in lines if len(line) > 1 and line[1] == "回收借款本金")
    assert line[2] == recovered.format(symbol="", grouping=False) and line[3:5] == ["", ""]
    rate = next(line for line in lines if len(line) > 1 and line[1] == "到期还款率")
    assert rate[3:5] != ["", ""]
    # JSON keeps the term and its indent
    document = json.loads(render(report, "json"))
    form = document["sections"][0]
    assert [c["kind"] for c in form["table"]["columns"]] == ["count", "text", "figure", "figure", "figure"]
    assert form["table"]["rows"][6][1] == {
        "term": "form_of_which_borrower",
        "label": "其中：借款人归还",
        "indent": 2,
    }
    # HTML: the form first, its signature lines under it, the annex on a new page
    html = render(report, "html")
    assert (
        html.index('<section id="form" class="form">')
        < html.index("制表人")
        < html.index('<h1 class="annex">')
    )
    assert "　　其中：借款人归还" in html
    # xlsx: the form on the first sheet, printed on one page; the annex on one sheet
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))  # type: ignore[arg-type]
    assert book.sheetnames == ["幸福工程季报表", "附表：明细"]
    english_book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx", lang="en")))  # type: ignore[arg-type]
    assert english_book.sheetnames == ["Quarterly report", "Annex (details)"]
    sheet = book.worksheets[0]
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 1
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_area and sheet.freeze_panes
    cells = {row[1].value: row for row in sheet.iter_rows() if row[1].value}
    assert (
        cells["回收借款本金"][2].value == recovered.yuan
        and cells["回收借款本金"][2].number_format == "#,##0.00"
    )
    assert cells["到期还款率"][2].number_format == "0.00%"
    assert cells["借款余额（期末）"][3].value is None
    assert any("制表人" in str(row[0].value) for row in sheet.iter_rows() if row[0].value)
    annex = book.worksheets[1]
    titles = {row[0].value for row in annex.iter_rows() if row[0].value}
    assert {"基本情况", "资金来源", "主要比率", "附注"} <= titles


# --- what every printed page carries; wide registers -------------------------------------------------------


def test_every_printed_document_carries_its_frame(repaid: Ledger) -> None:
    from revolve.reports.documents import build_iou, build_receipt, build_voucher
    from revolve.reports.frame import framed
    from revolve.reports.quarterly import build_quarterly
    from revolve.reports.registers import build_loan_register
    from revolve.reports.statement import build_statement

    office = "丰宁满族自治县计划生育协会"
    documents = {
        "statement": (
            build_statement(repaid, "C", "L1", as_of=D(2024, 6, 30), printed_on=PRINTED),
            "借款人确认签字",
        ),
        "receipt": (build_receipt(repaid, "C", "S2", printed_on=PRINTED), "收款人"),
        "iou": (build_iou(repaid, "C", "L1", printed_on=PRINTED), "借款人（签字、手印）"),
        "voucher": (build_voucher(repaid, "C", 1, printed_on=PRINTED), "制单"),
        "contract": (build_contract(repaid, "C", "L1", printed_on=PRINTED), "乙方（签字、手印）"),
        "agreement": (build_agreement(repaid, "C", "L1", printed_on=PRINTED), "丙方（签字、盖章）"),
        "quarterly": (
            framed(build_quarterly(repaid, fund="C", year=2024, quarter=2), office, printed_on=PRINTED),
            "负责人",
        ),
        "register": (
            framed(build_loan_register(repaid, "C", as_of=D(2024, 6, 30)), office, printed_on=PRINTED),
            "负责人",
        ),
    }
    for name, (report, signer) in documents.items():
        html = render(report, "html")
        assert isinstance(html, str)
        for words in (
            f"编制单位：{office}",
            "单位：元",
            '"第 " counter(page) " 页 共 " counter(pages) " 页"',
            "打印日期：2026-12-02",
            f"截至 {report.as_of.isoformat()}",
            f"{signer}：",
        ):
            assert words in html, (name, words)
        text = render(report, "text")
        assert f"编制单位：{office}" in text and "打印日期：2026-12-02" in text and f"{signer}：" in text, (
            name
        )
    assert "Page " in str(render(documents["receipt"][0], "html", lang="en"))


def test_wide_registers_print_landscape_with_typed_frozen_sheets(repaid: Ledger) -> None:
    import io

    import openpyxl

    from revolve.reports.registers import build_loan_register

    register = build_loan_register(repaid, "C", as_of=D(2024, 6, 30))
    table = register.section("loans").table
    assert table is not None and len(table.columns) > 9
    html = render(register, "html")
    assert isinstance(html, str)
    assert "size: A4 landscape" in html
    assert "thead { display: table-header-group; }" in html
    assert "tr { break-inside: avoid; page-break-inside: avoid; }" in html
    assert "td { word-break: keep-all; }" in html  # a name never breaks one character per line
    assert "td.num, td.date { white-space: nowrap; }" in html
    # a narrow document stays portrait, its text free to wrap
    receipt = render(build_contract(repaid, "C", "L1"), "html")
    assert "size: A4;" in receipt and "td { word-break: keep-all; }" not in receipt
    book = openpyxl.load_workbook(io.BytesIO(render(register, "xlsx")))  # type: ignore[arg-type]
    sheet = book[book.sheetnames[-1]]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.freeze_panes is not None and sheet.print_title_rows
    header = int(sheet.freeze_panes[1:]) - 1
    assert (
        sheet.print_area
        == f"'{sheet.title}'!$A$1:${openpyxl.utils.get_column_letter(sheet.max_column)}${sheet.max_row}"
    )
    names = [c.value for c in sheet[header]]
    row = [c.value for c in sheet[header + 1]]
    principal = row[names.index("借款金额")]
    assert principal == 3600 and not isinstance(principal, str)
    assert sheet.cell(row=header + 1, column=names.index("借款金额") + 1).number_format == "#,##0.00"
    # framed for printing, the sheet carries 编制单位 and 单位：元 under its title, and closes with the
    # signature lines and the print date, inside its print area
    from revolve.reports.frame import framed

    framed_book = openpyxl.load_workbook(
        io.BytesIO(render(framed(register, "丰宁县", printed_on=PRINTED), "xlsx"))  # type: ignore[arg-type]
    )
    sheet = framed_book[framed_book.sheetnames[-1]]
    assert "编制单位：丰宁县    单位：元" in str(sheet["A2"].value)
    assert (
        sheet.cell(row=sheet.max_row - 1, column=1).value
        == "制表人：__________    审核人：__________    负责人：__________"
    )
    assert sheet.cell(row=sheet.max_row, column=1).value == "打印日期：2026-12-02"
    assert str(sheet.print_area).endswith(f"${sheet.max_row}")


def test_year_to_date_adds_up_the_quarters_and_last_year_is_last_years_report(repaid: Ledger) -> None:
    from revolve.reports.quarterly import build_quarterly

    repaid.repay("C", "L1", amount=yuan("900"), on=D(2024, 11, 20), receipt="S4")
    quarters = [_form_rows(build_quarterly(repaid, fund="C", year=2024, quarter=q)) for q in (1, 2, 3, 4)]
    year_end = quarters[-1]
    for key, row in year_end.items():
        if row[3] is None or not isinstance(row[2], Money):
            continue  # a stock, or a rate: not a sum
        assert row[3] == Money.total(q[key][2] for q in quarters), key  # type: ignore[misc]
    assert year_end["form_recovered"][3] == yuan("3600") - year_end["form_outstanding"][2]  # type: ignore[operator]
    # next year's 上年同期数 is this year's 本期数, line by line
    for quarter, this_year in zip((1, 2, 3, 4), quarters, strict=True):
        next_year = _form_rows(build_quarterly(repaid, fund="C", year=2025, quarter=quarter))
        assert {k: r[4] for k, r in next_year.items()} == {k: r[2] for k, r in this_year.items()}
