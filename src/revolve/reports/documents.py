"""The documents a county office prints, hands over and files, built from the records the books hold.

* 收款收据 (:func:`build_receipt`): what the clerk gives a mother for a repayment, numbered by the
  receipt number (还款凭证号) the payment was recorded under, with the amount in figures (小写) and in
  words (大写, :func:`revolve.capitals.in_words`), the loan it repays, how it was allocated, what is left
  owing, and the lines of 收款人 and 交款人. The payer's name is masked (``王**``) unless the caller
  reveals it: the receipt's counterfoil stays in a file many people read.
* 借款借据 (:func:`build_iou`): printed at disbursement from the terms the loan was paid out on and the
  schedule they made: borrower, amount in figures and in words, term, method, rate, purpose, the
  repayment plan (the original schedule, instalment by instalment) and the signature lines of the
  borrower, each guarantor and the lender.
* 记账凭证 (:func:`build_voucher`): one entry of the books with its 凭证号, date, 摘要, accounts, 借/贷,
  合计 in figures and in words, 附件张数 and the 制单 / 审核 / 记账 lines.

Every document carries its :class:`~revolve.reports.model.Letterhead` (编制单位: the name of the
organisation that owns the fund), 单位：元 and the print date the caller gives.
"""

from __future__ import annotations

from datetime import date

from revolve.capitals import in_words
from revolve.chart import chart_named
from revolve.errors import UnknownReceipt
from revolve.funds import Fund
from revolve.households import mask_name, mask_national_id
from revolve.ledger import Ledger
from revolve.loans import Due, Loan
from revolve.money import Money
from revolve.reports.books_print import account_name
from revolve.reports.model import (
    Cell,
    Column,
    ColumnKind,
    Fact,
    Letterhead,
    Report,
    Section,
    Signature,
    Table,
    Term,
)

__all__ = ["build_iou", "build_receipt", "build_voucher", "letterhead_of", "repayment_plan"]

M, C, D, T = ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.DATE, ColumnKind.TEXT


def letterhead_of(ledger: Ledger, fund: Fund) -> Letterhead:
    """The letterhead of a fund's documents: 编制单位 is the organisation that owns the fund."""
    return Letterhead(organisation=ledger.org(fund.org_id).name)


def build_receipt(
    ledger: Ledger,
    fund: Fund | int | str,
    number: str,
    *,
    printed_on: date | None = None,
    payee: str = "",
    reveal: bool = False,
) -> Report:
    """The 收款收据 of one repayment (or recovery), numbered by its receipt number.

    Args:
        ledger: the books.
        fund: the fund that received the money.
        number: the receipt number (还款凭证号) the payment was recorded under.
        printed_on: the print date (打印日期), if it is to be printed.
        payee: the clerk's name printed on the 收款人 line (empty: a line to sign on).
        reveal: print the payer's name and ID number unmasked.

    Returns:
        The receipt: amount 小写 and 大写, the loan, the allocation, the outstanding principal after it.

    Raises:
        UnknownFund: no such fund.
        UnknownReceipt: no live receipt has this number in the fund (a voided one is not printed).
    """
    f = ledger.fund(fund)
    receipt = ledger.receipts_by_number(f, [number]).get(number)
    if receipt is None:
        raise UnknownReceipt(number)
    ln = ledger.loan(f, receipt.loan_id)
    live = [r for r in ledger.receipts(f, ln) if r.id == receipt.id]
    if not live:  # voided since: its number stays used, but it is no longer money received
        raise UnknownReceipt(number, reason="voided")
    household = ledger.household(f, ln.household_id)
    if receipt.guarantor_id is not None:
        payer = next((g.name for g, _ in ledger.loan_guarantors(f, ln) if g.id == receipt.guarantor_id), "")
    else:
        payer = household.mother_name if reveal else mask_name(household.mother_name)
    earlier = [
        r
        for r in ledger.receipts(f, ln)
        if r.kind == "repayment" and (r.value_date, r.id) <= (receipt.value_date, receipt.id)
    ]
    outstanding = ln.principal - Money.total(r.principal for r in earlier)
    facts: list[Fact] = [
        Fact("receipt_date", receipt.value_date),
        Fact("receipt_payer", payer),
        Fact("iou_national_id", household.national_id if reveal else mask_national_id(household.national_id)),
        Fact("receipt_for_loan", ln.number),
        Fact(
            "receipt_purpose",
            Term("receipt_purpose_repayment" if receipt.kind == "repayment" else "recovery"),
        ),
        Fact("amount_in_figures", receipt.amount),
        Fact("amount_in_words", in_words(receipt.amount)),
    ]
    if receipt.kind == "repayment":
        facts.append(Fact("receipt_outstanding_after", outstanding))
    allocation = Table(
        columns=(
            Column("principal", "principal_part", M),
            Column("interest", "interest_part", M),
            Column("fee", "fee_part", M),
            Column("penalty", "penalty_part", M),
        ),
        rows=((receipt.principal, receipt.interest, receipt.fee, receipt.penalty),),
    )
    return Report(
        kind="receipt",
        title="receipt_document",
        subject=f"{f.name} · {ln.number}",
        as_of=receipt.value_date,
        number=receipt.receipt,
        sections=(
            Section("details", "receipt_details", facts=tuple(facts)),
            Section("allocation", "receipt_allocation", table=allocation),
        ),
        letterhead=letterhead_of(ledger, f),
        signatures=(Signature("sign_payee", payee), Signature("sign_payer")),
        printed_on=printed_on,
    )


def build_iou(
    ledger: Ledger,
    fund: Fund | int | str,
    loan: Loan | int | str,
    *,
    printed_on: date | None = None,
    reveal: bool = False,
) -> Report:
    """The 借款借据 of a loan, from the terms it was paid out on and the schedule they made.

    Args:
        ledger: the books.
        fund: the fund that lent.
        loan: the loan (value, id or number).
        printed_on: the print date (打印日期), if it is to be printed.
        reveal: print the borrower's ID number unmasked (the copy she signs usually needs it whole).

    Returns:
        The IOU: the terms, the amount 大写, the repayment plan (the original schedule, with its total),
        and the signature lines of the borrower, each guarantor and the lender.

    Raises:
        UnknownFund: no such fund.
        UnknownLoan: no such loan.
    """
    f = ledger.fund(fund)
    ln = ledger.loan(f, loan)
    household = ledger.household(f, ln.household_id)
    terms = ledger.loan_terms(f, ln, version=1)
    plan = ledger.schedule(f, ln, version=1)
    guarantors = [g.name for g, _ in ledger.loan_guarantors(f, ln)]
    facts: tuple[Fact, ...] = (
        Fact("iou_borrower", household.mother_name),
        Fact("iou_national_id", household.national_id if reveal else mask_national_id(household.national_id)),
        Fact("iou_guarantors", "、".join(guarantors) or None),
        Fact("loan_number", ln.number),
        Fact("amount_in_figures", ln.principal),
        Fact("amount_in_words", in_words(ln.principal)),
        Fact("iou_disbursed_on", ln.disbursed_on),
        Fact("iou_maturity", plan[-1].due_date if plan else None),
        Fact("iou_term_periods", terms.term),
        Fact("iou_method", Term(terms.method.value)),
        Fact("iou_rate", terms.rate),
        Fact("iou_purpose", ln.file.purpose_text or None),
    )
    table = repayment_plan(ln.principal, plan)
    signatures = (
        Signature("sign_borrower"),
        *(Signature("sign_guarantor", name) for name in guarantors),
        Signature("sign_lender", ledger.org(f.org_id).name),
    )
    return Report(
        kind="iou",
        title="iou_document",
        subject=f"{f.name} · {ln.number} · {household.mother_name}",
        as_of=ln.disbursed_on,
        number=ln.number,
        sections=(
            Section("terms", "iou_terms", facts=facts),
            Section("plan", "iou_plan", table=table),
        ),
        notes=("iou_pledge",),
        letterhead=letterhead_of(ledger, f),
        signatures=signatures,
        printed_on=printed_on,
    )


def repayment_plan(principal: Money, plan: tuple[Due, ...]) -> Table:
    """The repayment plan printed on a 借款借据, 借款合同 or 三方协议: one row per instalment of the
    schedule (期数, 还款日期, 本金, 利息, 管理费, 本期应还, 剩余本金) and the 合计 row.

    Args:
        principal: the loan's principal.
        plan: the schedule the loan was paid out on.

    Returns:
        The table; 剩余本金 after the last instalment is zero for a schedule that repays the principal.
    """
    left, balances = principal, []
    for due in plan:
        left -= due.principal
        balances.append(left)
    return Table(
        columns=(
            Column("number", "installment_number", C),
            Column("due_date", "due_date", D),
            Column("principal", "principal", M),
            Column("interest", "interest", M),
            Column("fee", "fee", M),
            Column("total", "installment_total", M),
            Column("balance_after", "balance_after", M),
        ),
        rows=tuple(
            (d.number, d.due_date, d.principal, d.interest, d.fee, d.total, b)
            for d, b in zip(plan, balances, strict=True)
        ),
        total=(
            None,
            None,
            Money.total(d.principal for d in plan),
            Money.total(d.interest for d in plan),
            Money.total(d.fee for d in plan),
            Money.total(d.total for d in plan),
            None,
        ),
    )


def build_voucher(
    ledger: Ledger,
    fund: Fund | int | str,
    seq: int,
    *,
    printed_on: date | None = None,
    attachments: int = 0,
    prepared_by: str = "",
    reviewed_by: str = "",
    posted_by: str = "",
) -> Report:
    """The 记账凭证 of one entry of the books.

    Args:
        ledger: the books.
        fund: the fund whose books hold the entry.
        seq: the entry's number, which is its 凭证号.
        printed_on: the print date (打印日期), if it is to be printed.
        attachments: 附件张数, the source documents pinned to it (a receipt counterfoil, a bank slip).
        prepared_by: the name on the 制单 line (empty: a line to sign on).
        reviewed_by: the name on the 审核 line.
        posted_by: the name on the 记账 line.

    Returns:
        The voucher: 凭证号, 日期, 摘要, one row per line (科目编码, 会计科目, 借方, 贷方), the 合计 row,
        and the total in words.

    Raises:
        UnknownFund: no such fund.
        UnknownEntry: no such entry.
    """
    f = ledger.fund(fund)
    entry = ledger.entry(f, seq)
    chart = chart_named(f.chart)
    summary = entry.memo or entry.kind
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (
            summary,
            line.account_code,
            account_name(chart, line.account_code),
            line.amount if line.amount.fen > 0 else None,
            -line.amount if line.amount.fen < 0 else None,
        )
        for line in entry.lines
    )
    table = Table(
        columns=(
            Column("summary", "voucher_summary", T),
            Column("code", "voucher_account_code", T),
            Column("account", "voucher_account", T),
            Column("debit", "voucher_debit", M),
            Column("credit", "voucher_credit", M),
        ),
        rows=rows,
        total=(Term("total"), None, None, entry.total, entry.total),
    )
    facts = (
        Fact("voucher_number", entry.seq),
        Fact("voucher_date", entry.value_date),
        Fact("voucher_summary", summary),
        Fact("voucher_attachments", attachments),
        Fact("voucher_total_in_words", in_words(entry.total)),
    )
    return Report(
        kind="voucher",
        title="voucher_document",
        subject=f.name,
        as_of=entry.value_date,
        number=str(entry.seq),
        sections=(
            Section("header", "voucher_header", facts=facts),
            Section("lines", "voucher_lines", table=table),
        ),
        letterhead=letterhead_of(ledger, f),
        signatures=(
            Signature("sign_voucher_maker", prepared_by),
            Signature("sign_voucher_reviewer", reviewed_by),
            Signature("sign_bookkeeper", posted_by),
        ),
        printed_on=printed_on,
    )
