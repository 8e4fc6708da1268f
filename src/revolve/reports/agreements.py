"""The documents signed at disbursement: the 借款合同 and the 三方协议, printed from the loan's terms and the
schedule it was paid out on.

* 借款合同 (:func:`build_contract`): between the lender (甲方, the organisation that owns the fund) and
  the borrower (乙方), guaranteed by the loan's guarantors (丙方): the parties, the terms (amount in
  figures and in words, term, method, rate, fee, purpose), the repayment plan instalment by instalment,
  the clauses, and the signature lines of every party and the date signed.
* 三方协议 (:func:`build_agreement`): the fund (甲方), the borrower (乙方) and the guarantor (丙方) —
  what each undertakes: the loan, its plan, the guarantee and any deposit (保证金, in words), numbered by
  the 协议编号 on the loan's file (the loan number when the file has none) and dated by its 协议日期.

**The clauses are a county's own words.** They are written by Jinja2 text templates shipped with revolve —
``contract_clauses.zh.txt.j2`` / ``.en.txt.j2`` and ``agreement_clauses.zh.txt.j2`` / ``.en.txt.j2`` — in
the same template folder a county uses for its letterhead: a file of the same name in the folder given as
``templates=`` (``revolve print … --templates DIR``) replaces revolve's. A template receives the loan's
figures already written out (amounts ``¥3,600.00``, their 大写, dates, the method's name, rates as
percentages) and writes one clause per paragraph, paragraphs separated by a blank line. The clauses are
written in the language the builder is given (``lang=``); the labels around them follow the language the
report is rendered in.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from revolve.capitals import in_words
from revolve.errors import UnknownLanguage
from revolve.funds import Fund
from revolve.households import mask_national_id
from revolve.ledger import Ledger
from revolve.loans import Due, Loan
from revolve.money import Money
from revolve.reports.documents import letterhead_of, repayment_plan
from revolve.reports.labels import Language, label
from revolve.reports.model import Column, ColumnKind, Fact, Report, Section, Signature, Table, Term

__all__ = ["build_agreement", "build_contract", "clauses"]


@lru_cache(maxsize=8)
def _environment(templates: Path | None) -> Environment:
    loaders: list[Any] = []
    if templates is not None:
        loaders.append(FileSystemLoader(str(templates)))
    loaders.append(PackageLoader("revolve.reports", "templates"))
    # plain text: the clauses are data of the report, escaped by whichever format shows them
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=False,  # noqa: S701 - plain text, not HTML
        undefined=StrictUndefined,
    )


def clauses(
    document: str,
    variables: dict[str, object],
    *,
    lang: Language | str = Language.ZH,
    templates: Path | str | None = None,
) -> tuple[str, ...]:
    """The clauses of a document, written by its template (``{document}_clauses.{lang}.txt.j2``).

    Args:
        document: ``"contract"`` or ``"agreement"``.
        variables: what the template is given.
        lang: the language of the clauses, ``"zh"`` (default) or ``"en"``.
        templates: a county's template folder, searched before revolve's own.

    Returns:
        One text per clause (paragraphs of the template, blank lines between them), in order.

    Raises:
        UnknownLanguage: a language other than 'zh' or 'en'.
        jinja2.TemplateError: a county's template is malformed or uses a variable revolve does not give.
    """
    language = _language(lang)
    folder = None if templates is None else Path(templates).resolve()
    text = _environment(folder).get_template(f"{document}_clauses.{language.value}.txt.j2").render(variables)
    paragraphs = (" ".join(line.strip() for line in part.splitlines()) for part in text.split("\n\n"))
    return tuple(p for p in paragraphs if p)


def _language(lang: Language | str) -> Language:
    try:
        return Language(lang)
    except ValueError:
        raise UnknownLanguage(lang, reason="clauses") from None


def _percent(rate: Decimal) -> str:
    shown = format((rate * 100).normalize(), "f")
    return f"{shown}%"


def _variables(ledger: Ledger, f: Fund, ln: Loan, plan: tuple[Due, ...], lang: Language) -> dict[str, object]:
    household = ledger.household(f, ln.household_id)
    terms = ledger.loan_terms(f, ln, version=1)
    guarantors = [g.name for g, _ in ledger.loan_guarantors(f, ln)]
    first = plan[0] if plan else None
    return {
        "lender": ledger.org(f.org_id).name,
        "fund": f.name,
        "borrower": household.mother_name,
        "guarantors": ("、" if lang is Language.ZH else ", ").join(guarantors),
        "number": ln.number,
        "loan_number": ln.number,
        "amount": ln.principal.format(symbol="¥"),
        "amount_words": in_words(ln.principal),
        "disbursed_on": ln.disbursed_on.isoformat(),
        "maturity": plan[-1].due_date.isoformat() if plan else "",
        "term": terms.term,
        "method": label(terms.method.value, lang),
        "rate": _percent(terms.rate),
        "fee_rate": _percent(terms.fee_rate) if terms.fee_rate else "",
        "purpose": ln.file.purpose_text,
        "first_due": first.due_date.isoformat() if first else "",
        "first_installment": first.total.format(symbol="¥") if first else "",
    }


def _clause_table(texts: tuple[str, ...]) -> Table:
    return Table(columns=(Column("clause", "clause", ColumnKind.TEXT),), rows=tuple((t,) for t in texts))


def build_contract(
    ledger: Ledger,
    fund: Fund | int | str,
    loan: Loan | int | str,
    *,
    printed_on: date | None = None,
    reveal: bool = False,
    lang: Language | str = Language.ZH,
    templates: Path | str | None = None,
) -> Report:
    """The 借款合同 of a loan, from the terms it was paid out on and the schedule they made.

    Args:
        ledger: the books.
        fund: the fund that lent.
        loan: the loan (value, id or number).
        printed_on: the print date (打印日期), if it is to be printed.
        reveal: print the borrower's ID number unmasked (the copy she signs usually needs it whole).
        lang: the language of the clauses (the labels follow the language it is rendered in).
        templates: a county's template folder; its ``contract_clauses.{lang}.txt.j2`` replaces revolve's.

    Returns:
        The contract: parties, terms with the amount 大写, the repayment plan with its 合计, the clauses,
        and the lines of 甲方（盖章）, 乙方（签字、手印）, each 丙方 and the date signed.

    Raises:
        UnknownFund: no such fund.
        UnknownLoan: no such loan.
        UnknownLanguage: a language other than 'zh' or 'en'.
        jinja2.TemplateError: a county's clause template is malformed.
    """
    f = ledger.fund(fund)
    ln = ledger.loan(f, loan)
    language = _language(lang)
    household = ledger.household(f, ln.household_id)
    terms = ledger.loan_terms(f, ln, version=1)
    plan = ledger.schedule(f, ln, version=1)
    guarantors = ledger.loan_guarantors(f, ln)
    lender = ledger.org(f.org_id).name
    village = ledger.org(household.org_id).name if household.org_id is not None else None
    parties: list[Fact] = [
        Fact("party_lender", lender),
        Fact("party_borrower", household.mother_name),
        Fact("iou_national_id", household.national_id if reveal else mask_national_id(household.national_id)),
        Fact("household_code", household.code),
        Fact("party_village", village),
    ]
    parties += [Fact("party_guarantor", g.name) for g, _ in guarantors]
    terms_facts = (
        Fact("contract_number", ln.number),
        Fact("amount_in_figures", ln.principal),
        Fact("amount_in_words", in_words(ln.principal)),
        Fact("iou_disbursed_on", ln.disbursed_on),
        Fact("iou_maturity", plan[-1].due_date if plan else None),
        Fact("iou_term_periods", terms.term),
        Fact("iou_method", Term(terms.method.value)),
        Fact("iou_rate", terms.rate),
        Fact("fee_rate", terms.fee_rate),
        Fact("first_installment", plan[0].total if plan else None),
        Fact("iou_purpose", ln.file.purpose_text or None),
    )
    texts = clauses("contract", _variables(ledger, f, ln, plan, language), lang=language, templates=templates)
    return Report(
        kind="contract",
        title="contract_document",
        subject=f"{f.name} · {ln.number} · {household.mother_name}",
        as_of=ln.disbursed_on,
        number=ln.number,
        sections=(
            Section("parties", "contract_parties", facts=tuple(parties)),
            Section("terms", "contract_terms", facts=terms_facts),
            Section("plan", "iou_plan", table=repayment_plan(ln.principal, plan)),
            Section("clauses", "contract_clauses", table=_clause_table(texts)),
        ),
        letterhead=letterhead_of(ledger, f),
        signatures=(
            Signature("sign_lender_a", lender),
            Signature("sign_borrower_b"),
            *(Signature("sign_guarantor_c", g.name) for g, _ in guarantors),
            Signature("sign_date"),
        ),
        printed_on=printed_on,
    )


def build_agreement(
    ledger: Ledger,
    fund: Fund | int | str,
    loan: Loan | int | str,
    *,
    printed_on: date | None = None,
    reveal: bool = False,
    lang: Language | str = Language.ZH,
    templates: Path | str | None = None,
) -> Report:
    """The 三方协议 of a loan: the fund (甲方), the borrower (乙方) and its guarantors (丙方).

    Args:
        ledger: the books.
        fund: the fund that lent.
        loan: the loan (value, id or number).
        printed_on: the print date (打印日期), if it is to be printed.
        reveal: print the borrower's ID number unmasked.
        lang: the language of the clauses (the labels follow the language it is rendered in).
        templates: a county's template folder; its ``agreement_clauses.{lang}.txt.j2`` replaces revolve's.

    Returns:
        The agreement, numbered by the loan file's 协议编号 (else the loan number) and dated by its 协议日期
        (else the disbursement date): the parties with each guarantor's kind, the loan and the deposit
        (保证金) in figures and in words, the repayment plan, the clauses, and the lines of 甲方（盖章）,
        乙方（签字、手印）, each 丙方（签字、盖章）, 经办人 and the date signed.

    Raises:
        UnknownFund: no such fund.
        UnknownLoan: no such loan.
        UnknownLanguage: a language other than 'zh' or 'en'.
        jinja2.TemplateError: a county's clause template is malformed.
    """
    f = ledger.fund(fund)
    ln = ledger.loan(f, loan)
    language = _language(lang)
    household = ledger.household(f, ln.household_id)
    terms = ledger.loan_terms(f, ln, version=1)
    plan = ledger.schedule(f, ln, version=1)
    guarantors = ledger.loan_guarantors(f, ln)
    # the cash deposit the borrower lodged (其他应付款) and what deposit-pledge guarantors pledged
    deposit = ln.pledge_held + Money.total(pledged for _, pledged in guarantors)
    signed_on = ln.file.agreement_on or ln.disbursed_on
    parties: list[Fact] = [
        Fact("party_fund", f"{ledger.org(f.org_id).name} · {f.name}"),
        Fact("party_borrower_b", household.mother_name),
        Fact("iou_national_id", household.national_id if reveal else mask_national_id(household.national_id)),
        Fact("household_code", household.code),
    ]
    for g, _ in guarantors:
        parties += [
            Fact("party_guarantor_c", g.name),
            Fact("guarantee_kind", Term(f"guarantor_{g.kind.value}")),
        ]
    loan_facts = (
        Fact("loan_number", ln.number),
        Fact("agreement_date", signed_on),
        Fact("amount_in_figures", ln.principal),
        Fact("amount_in_words", in_words(ln.principal)),
        Fact("iou_disbursed_on", ln.disbursed_on),
        Fact("iou_maturity", plan[-1].due_date if plan else None),
        Fact("iou_term_periods", terms.term),
        Fact("iou_method", Term(terms.method.value)),
        Fact("iou_rate", terms.rate),
        Fact("first_installment", plan[0].total if plan else None),
        Fact("guarantee_deposit", deposit),
        Fact("guarantee_deposit_in_words", in_words(deposit)),
    )
    variables = _variables(ledger, f, ln, plan, language)
    variables["deposit"] = deposit.format(symbol="¥") if deposit.fen else ""
    variables["deposit_words"] = in_words(deposit)
    texts = clauses("agreement", variables, lang=language, templates=templates)
    return Report(
        kind="agreement",
        title="agreement_document",
        subject=f"{f.name} · {ln.number} · {household.mother_name}",
        as_of=signed_on,
        number=ln.file.agreement_no or ln.number,
        sections=(
            Section("parties", "agreement_parties", facts=tuple(parties)),
            Section("terms", "agreement_terms", facts=loan_facts),
            Section("plan", "iou_plan", table=repayment_plan(ln.principal, plan)),
            Section("clauses", "agreement_clauses", table=_clause_table(texts)),
        ),
        letterhead=letterhead_of(ledger, f),
        signatures=(
            Signature("sign_lender_a", ledger.org(f.org_id).name),
            Signature("sign_borrower_b"),
            *(Signature("sign_guarantor_c", g.name) for g, _ in guarantors),
            Signature("sign_agent"),
            Signature("sign_date"),
        ),
        printed_on=printed_on,
    )
