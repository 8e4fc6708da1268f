"""The printed documents: 收款收据, 借款借据, 记账凭证 from real records, with their 大写, frame and signatures;
the county's own header through a template folder; the 大写 on the 还款对账单 and the voucher list."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from revolve import Ledger, OrgLevel, yuan
from revolve.cli import main
from revolve.errors import UnknownReceipt
from revolve.guarantees import GuarantorKind
from revolve.money import Money
from revolve.policy import Policy
from revolve.reports.books_print import build_vouchers
from revolve.reports.documents import build_iou, build_receipt, build_voucher
from revolve.reports.model import Report
from revolve.reports.render import render
from revolve.reports.statement import build_statement
from revolve.schedule import LoanTerms, RepaymentMethod

D = date
PRINTED = D(2026, 12, 2)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(n: int) -> str:
    body = f"11010519800101{n:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


@pytest.fixture
def books(ledger: Ledger) -> Ledger:
    """A county fund; 王秀英 borrows ¥3,600 over 12 months at 2.4 %, guaranteed by 某村委会; two repayments."""
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
        guarantors=["VC"],
    )
    ledger.repay("C", "L1", amount=yuan("307.20"), on=D(2024, 2, 15), receipt="SJ-0001")
    ledger.repay("C", "L1", amount=yuan("306.60"), on=D(2024, 3, 15), receipt="SJ-0002")
    return ledger


def _facts(report: Report, section: str) -> dict[str, object]:
    return {fact.label: fact.value for fact in report.section(section).facts}


def test_receipt_carries_its_number_amount_in_words_and_masked_payer(books: Ledger) -> None:
    receipt = build_receipt(books, "C", "SJ-0002", printed_on=PRINTED, payee="李会计")
    paid = books.receipts_by_number("C", ["SJ-0002"])["SJ-0002"]
    facts = _facts(receipt, "details")
    assert receipt.number == "SJ-0002"
    assert facts["amount_in_figures"] == yuan("306.60") == paid.amount
    assert facts["amount_in_words"] == "叁佰零陆元陆角整"
    assert facts["receipt_payer"] == "王**"
    assert facts["receipt_for_loan"] == "L1"
    # 3,600 − 300 − 300 of principal
    assert facts["receipt_outstanding_after"] == yuan("3000")
    assert receipt.section("allocation").table is not None
    assert receipt.section("allocation").table.rows == (
        (paid.principal, paid.interest, paid.fee, paid.penalty),
    )
    text = render(receipt, "text")
    for words in (
        "收款收据",
        "编制单位：丰宁满族自治县计划生育协会",
        "编号：SJ-0002",
        "单位：元",
        "叁佰零陆元陆角整",
        "收款人：李会计",
        "交款人：__________",
        "打印日期：2026-12-02",
    ):
        assert words in text, words
    assert "王秀英" not in text
    assert "王秀英" in render(build_receipt(books, "C", "SJ-0002", reveal=True), "text")


def test_receipt_of_an_unknown_number_is_refused(books: Ledger) -> None:
    with pytest.raises(UnknownReceipt, match="SJ-9999"):
        build_receipt(books, "C", "SJ-9999")


def test_iou_plan_rows_are_the_schedule_and_amount_in_words(books: Ledger) -> None:
    iou = build_iou(books, "C", "L1", printed_on=PRINTED)
    plan = books.schedule("C", "L1", version=1)
    table = iou.section("plan").table
    assert table is not None
    left = [yuan("3600") - Money.total(d.principal for d in plan[: k + 1]) for k in range(len(plan))]
    assert table.rows == tuple(
        (d.number, d.due_date, d.principal, d.interest, d.fee, d.total, b)
        for d, b in zip(plan, left, strict=True)
    )
    assert left[-1] == Money(0)
    assert table.total is not None and table.total[2] == yuan("3600")
    facts = _facts(iou, "terms")
    assert facts["amount_in_words"] == "叁仟陆佰元整"
    assert facts["iou_borrower"] == "王秀英"
    assert facts["iou_guarantors"] == "某村委会"
    assert facts["iou_rate"] == Decimal("0.024")
    assert facts["iou_term_periods"] == 12
    assert facts["iou_maturity"] == plan[-1].due_date
    assert [s.role for s in iou.signatures] == ["sign_borrower", "sign_guarantor", "sign_lender"]
    text = render(iou, "text")
    assert "借款人（签字、手印）：__________" in text and "担保人（签字、手印）：某村委会" in text
    english = render(iou, "markdown", lang="en")
    assert "Loan note (IOU)" in english and "Borrower (signature, thumbprint)" in english


def test_voucher_of_one_entry_with_total_in_words(books: Ledger) -> None:
    entry = books.entry("C", books.receipts_by_number("C", ["SJ-0001"])["SJ-0001"].entry_seq)
    voucher = build_voucher(books, "C", entry.seq, attachments=1, prepared_by="张三", printed_on=PRINTED)
    facts = _facts(voucher, "header")
    assert facts["voucher_number"] == entry.seq
    assert facts["voucher_total_in_words"] == "叁佰零柒元贰角整"
    assert entry.total == yuan("307.20")
    table = voucher.section("lines").table
    assert table is not None and table.total is not None
    assert table.total[3] == table.total[4] == entry.total
    assert len(table.rows) == len(entry.lines)
    text = render(voucher, "text")
    for words in ("记账凭证", "附件张数", "制单：张三", "审核：__________", "记账：__________"):
        assert words in text, words


def test_statement_and_voucher_list_carry_amounts_in_words(books: Ledger) -> None:
    statement = build_statement(books, "C", "L1", as_of=D(2024, 3, 31), printed_on=PRINTED)
    summary = _facts(statement, "summary")
    assert summary["statement_paid_in_words"] == "陆佰壹拾叁元捌角整"  # 307.20 + 306.60
    assert summary["statement_due_in_words"] == "零元整"
    assert [s.role for s in statement.signatures] == [
        "sign_prepared_by",
        "sign_reviewed_by",
        "sign_borrower_confirms",
    ]
    assert "借款人确认签字：__________" in render(statement, "text")
    vouchers = build_vouchers(books, "C", start=D(2024, 1, 1), end=D(2024, 3, 31))
    words = [f.value for s in vouchers.sections for f in s.facts if f.label == "voucher_total_in_words"]
    assert "叁仟陆佰元整" in words and "叁佰零陆元陆角整" in words


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_document_has_frame_page_counter_and_signatures(books: Ledger, lang: str) -> None:
    page = render(build_receipt(books, "C", "SJ-0001", printed_on=PRINTED), "html", lang=lang)
    root = ET.fromstring(page)
    style = root.findtext("head/style") or ""
    assert "counter(page)" in style and "counter(pages)" in style and "@bottom-center" in style
    text = "".join(root.itertext())
    assert "叁佰零柒元贰角整" in text
    assert (
        "编制单位：丰宁满族自治县计划生育协会" if lang == "zh" else "Issued by: 丰宁满族自治县计划生育协会"
    ) in text
    assert len(root.findall(".//span[@class='signature']")) == 2
    assert "2026-12-02" in text


def test_a_county_overrides_the_header_from_its_own_folder(books: Ledger, tmp_path: Path) -> None:
    (tmp_path / "header.html.j2").write_text(
        '<header><p class="county">丰宁满族自治县计划生育协会（公章）</p><h1>{{ title }}</h1>'
        "<p>{{ masthead }}</p></header>\n",
        encoding="utf-8",
    )
    report = build_receipt(books, "C", "SJ-0001")
    page = render(report, "html", templates=tmp_path)
    root = ET.fromstring(page)
    assert root.find(".//p[@class='county']") is not None
    assert root.find(".//div[@class='signatures']") is not None  # revolve's own signature block still used
    assert root.find(".//p[@class='county']") is None or "<script" not in page
    plain = ET.fromstring(render(report, "html"))
    assert plain.find(".//p[@class='county']") is None


def test_html_escapes_what_a_report_carries(books: Ledger) -> None:
    report = build_voucher(books, "C", 1, prepared_by="<script>x</script>")
    page = render(report, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    ET.fromstring(page)


def test_in_words_is_exact_for_money(books: Ledger) -> None:
    assert Money(1) and build_receipt(books, "C", "SJ-0001").fact("amount_in_words") == "叁佰零柒元贰角整"


def test_print_command_writes_each_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.db")
    assert main(["demo", "--db", db]) == 0
    capsys.readouterr()
    assert main(["--db", db, "print", "receipt", "R-001-04", "--fund", "FN-HP", "--payee", "李会计"]) == 0
    out = capsys.readouterr().out
    assert "收款收据" in out and "捌佰叁拾叁元叁角叁分" in out and "收款人：李会计" in out
    assert main(["--db", db, "print", "iou", "FN-2016-001", "--fund", "FN-HP"]) == 0
    assert "壹万元整" in capsys.readouterr().out
    target = tmp_path / "v.html"
    assert (
        main(
            ["--db", db, "print", "voucher", "6", "--fund", "FN-HP", "--attachments", "1", "-o", str(target)]
        )
        == 0
    )
    assert "捌佰叁拾叁元叁角叁分" in target.read_text(encoding="utf-8")
    assert main(["--db", db, "print", "receipt", "NOPE", "--fund", "FN-HP"]) == 1
    assert "没有还款凭证 'NOPE'" in capsys.readouterr().err


def test_a_wide_table_prints_landscape_and_the_templates_ship_with_the_package() -> None:
    from importlib.resources import files

    from revolve.reports.model import Column, ColumnKind, Section, Table

    columns = tuple(Column(f"c{n}", "amount", ColumnKind.MONEY) for n in range(10))
    wide = Report(
        kind="register",
        title="receipt_document",
        subject="x",
        as_of=D(2024, 1, 1),
        sections=(Section("s", "receipt_details", table=Table(columns, ((Money(1),) * 10,))),),
    )
    assert "size: A4 landscape" in render(wide, "html")
    narrow = Report(kind="r", title="receipt_document", subject="x", as_of=D(2024, 1, 1), sections=())
    assert "size: A4;" in render(narrow, "html")
    shipped = {p.name for p in (files("revolve.reports") / "templates").iterdir()}
    assert {
        "document.html.j2",
        "header.html.j2",
        "signatures.html.j2",
        "footer.html.j2",
        "style.css.j2",
    } <= shipped


def test_office_reports_are_framed_and_documents_keep_their_own(books: Ledger) -> None:
    from revolve.reports.frame import OFFICE_SIGNATURES, framed
    from revolve.reports.model import Letterhead

    plain = Report(kind="r", title="receipt_document", subject="x", as_of=D(2024, 1, 1), sections=())
    office = framed(plain, "丰宁满族自治县计划生育协会", printed_on=PRINTED)
    assert office.letterhead == Letterhead("丰宁满族自治县计划生育协会")
    assert office.signatures == OFFICE_SIGNATURES and office.printed_on == PRINTED
    assert "制表人：__________    审核人：__________    负责人：__________" in render(office, "text")
    receipt = build_receipt(books, "C", "SJ-0001")
    assert framed(receipt, "别的单位").signatures == receipt.signatures


def test_report_command_prints_the_office_frame(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.db")
    assert main(["demo", "--db", db]) == 0
    capsys.readouterr()
    assert (
        main(["--db", db, "report", "quarterly", "--fund", "FN-HP", "--year", "2016", "--quarter", "3"]) == 0
    )
    out = capsys.readouterr().out
    assert (
        "编制单位：丰宁满族自治县    单位：元" in out and "负责人：__________" in out and "打印日期：" in out
    )
