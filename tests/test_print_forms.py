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
