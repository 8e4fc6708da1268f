"""The repayment statement (还款对账单) of one loan as of a date: what a mother holds in her hand.

It shows who borrowed and who guarantees the loan, the schedule in force with what each instalment has
received, every payment with its date, payer, receipt number (还款凭证号) and allocation, and what is
due, overdue and outstanding, and what falls due next; a passbook pledged for the loan (存折质押) is shown
from the pledge register with its account number masked. Everything is read from the books; ID numbers,
phones and account numbers are masked unless the caller asks to reveal them.
"""

from __future__ import annotations

from datetime import date

from revolve.capitals import in_words
from revolve.funds import Fund
from revolve.households import mask_national_id, mask_phone
from revolve.ledger import Ledger
from revolve.loans import Loan, LoanFile, LoanSchedule, LoanStatus, due_by, states
from revolve.loans.position import loan_position
from revolve.money import Money
from revolve.operations.loan_statements import LoanStatementReads
from revolve.pledges import PassbookPledge
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

__all__ = ["build_statement"]

M, C, D, T = ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.DATE, ColumnKind.TEXT


def _installment_status(settled: bool, partly: bool, due: date, as_of: date) -> Term:
    if settled:
        return Term("settled")
    if due <= as_of:
        return Term("overdue")
    return Term("partly_paid" if partly else "not_yet_due")


def _passbook_table(lines: list[PassbookPledge], *, as_of: date, reveal: bool) -> Table | None:
    """The passbooks pledged for the loan (存折质押) as they stood on ``as_of``; None when there were none.

    The account number is masked unless ``reveal``; an application or a release after ``as_of`` is not
    shown yet.
    """
    rows: list[tuple[Cell, ...]] = []
    for p in lines:
        status = p.status_on(as_of)
        if status is None:
            continue
        applied = p.applied_on is not None and p.applied_on <= as_of
        released = p.released_on is not None and p.released_on <= as_of
        rows.append(
            (
                p.bank,
                p.account_number if reveal else p.masked_account,
                p.amount,
                p.held_from,
                p.applied_on if applied else None,
                p.applied_amount if applied else None,
                p.released_on if released else None,
                Term(f"passbook_status_{status.value}"),
            )
        )
    if not rows:
        return None
    return Table(
        columns=(
            Column("bank", "passbook_bank", T),
            Column("account", "passbook_account", T),
            Column("amount", "passbook_amount", M),
            Column("held_from", "passbook_held_from", D),
            Column("applied_on", "passbook_applied_on", D),
            Column("applied_amount", "passbook_applied_amount", M),
            Column("released_on", "passbook_released_on", D),
            Column("status", "passbook_status", T),
        ),
        rows=tuple(rows),
    )


def _voided_section(read: LoanStatementReads, as_of: date) -> tuple[Section, ...]:
    """The loan's voided receipts (and its voided disbursement), shown as voided: none when there are none."""
    ln, voids = read.loan, read.voids
    if not voids:
        return ()
    voided = {r.entry_seq: r for r in read.voided_receipts}
    rows: list[tuple[Cell, ...]] = []
    for v in voids:
        receipt = voided.get(v.original_seq)
        made_on = receipt.value_date if receipt is not None else ln.disbursed_on
        if made_on > as_of:
            continue
        amount = receipt.amount if receipt is not None else ln.principal
        rows.append(
            (
                Term(f"void_kind_{v.kind.value}"),
                v.reference,
                made_on,
                amount,
                v.on,
                v.reversal_seq,
                v.reason,
                v.approved_by,
            )
        )
    if not rows:
        return ()
    table = Table(
        columns=(
            Column("record", "voided_record", T),
            Column("reference", "reference", T),
            Column("date", "original_date", D),
            Column("amount", "amount", M),
            Column("voided_on", "voided_on", D),
            Column("reversal", "reversal_entry", C),
            Column("reason", "void_reason", T),
            Column("approved_by", "approved_by", T),
        ),
        rows=tuple(rows),
    )
    return (Section("voided", "voided_records", table=table),)


def build_statement(
    ledger: Ledger,
    fund: Fund | int | str,
    loan: Loan | int | str,
    *,
    as_of: date,
    reveal: bool = False,
    printed_on: date | None = None,
) -> Report:
    """Build the repayment statement of ``loan`` as of ``as_of``.

    Args:
        ledger: the books.
        fund: the fund that lent.
        loan: the loan (value, id or number).
        as_of: the statement date; payments after it are not shown.
        reveal: show the national ID number and phone unmasked.
        printed_on: the print date (打印日期), if it is to be printed.

    Returns:
        The statement, with 编制单位 (the organisation that owns the fund), the amounts due and repaid in
        words (大写), and the lines of 制表人, 审核人 and the borrower's 确认签字 as a :class:`~revolve.reports.model.Report`.
    """
    # one read transaction: every figure below comes from the same snapshot of the books
    read = ledger.loan_statement_reads(fund, loan)
    f, ln, household = read.fund, read.loan, read.household
    versions = [v for v in read.versions if v.effective_on <= as_of] or list(read.versions[:1])
    version = versions[-1]
    # the extensions (展期) made by the statement's date, oldest first
    extended = [v for v in versions if v.reason == "extension"]
    dues = read.dues.get(version.version, ())
    receipts = [r for r in read.receipts if r.value_date <= as_of]
    paid = Money(
        sum(r.amount.fen for r in receipts if r.kind == "repayment" and r.schedule_version == version.version)
    )
    # where the loan stood on the statement's date, by the rule the register and the 季报表 use too
    position = loan_position(
        ln, [LoanSchedule(ln.id, version.version, version.effective_on, dues)], receipts, as_of=as_of
    )
    batch = read.batch
    village = read.village

    guarantee_facts: list[Fact] = []
    for g, _ in read.guarantors:
        guarantee_facts.append(Fact("guarantor", g.name))
        guarantee_facts.append(Fact("guarantee_kind", Term(f"guarantor_{g.kind.value}")))
    guarantee_facts.append(Fact("pledge_held", ln.pledge_held))
    guarantee_facts.append(Fact("guarantee_calls", read.guarantee_calls))
    passbooks = _passbook_table(list(read.passbooks), as_of=as_of, reveal=reveal)

    rows: list[tuple[Cell, ...]] = []
    for state in states(dues, paid=paid):
        due = state.due
        rows.append(
            (
                due.number,
                due.due_date,
                due.principal,
                due.interest,
                due.fee,
                due.total,
                state.paid,
                state.remaining,
                _installment_status(state.settled, state.paid.fen > 0, due.due_date, as_of),
            )
        )
    schedule = Table(
        columns=(
            Column("number", "installment_number", C),
            Column("due_date", "due_date", D),
            Column("principal", "principal", M),
            Column("interest", "interest", M),
            Column("fee", "fee", M),
            Column("total", "installment_total", M),
            Column("paid", "paid", M),
            Column("remaining", "remaining", M),
            Column("status", "status", T),
        ),
        rows=tuple(rows),
        total=(
            None,
            None,
            Money.total(d.principal for d in dues),
            Money.total(d.interest for d in dues),
            Money.total(d.fee for d in dues),
            Money.total(d.total for d in dues),
            Money.total(s.paid for s in states(dues, paid=paid)),
            Money.total(s.remaining for s in states(dues, paid=paid)),
            None,
        ),
    )
    payments = Table(
        columns=(
            Column("date", "payment_date", D),
            Column("receipt", "receipt_number", T),
            Column("payer", "payer", T),
            Column("amount", "amount", M),
            Column("principal", "principal_part", M),
            Column("interest", "interest_part", M),
            Column("fee", "fee_part", M),
            Column("penalty", "penalty_part", M),
        ),
        rows=tuple(
            (
                r.value_date,
                r.receipt,
                Term("recovery" if r.kind == "recovery" else f"payer_{r.payer.value}"),
                r.amount,
                r.principal,
                r.interest,
                r.fee,
                r.penalty,
            )
            for r in receipts
        ),
        total=(
            None,
            None,
            None,
            Money.total(r.amount for r in receipts),
            Money.total(r.principal for r in receipts),
            Money.total(r.interest for r in receipts),
            Money.total(r.fee for r in receipts),
            Money.total(r.penalty for r in receipts),
        ),
    )
    # the loan's status on the statement's date, not today's
    status = position.status
    upcoming = [s for s in states(dues, paid=paid) if not s.settled and s.due.due_date > as_of]
    active = status is LoanStatus.ACTIVE
    due_now = due_by(dues, paid=paid, on=as_of) if active else Money(0)
    summary = (
        Fact("due_to_date", due_now),
        Fact(
            "overdue",
            due_by(dues, paid=paid, on=date.fromordinal(as_of.toordinal() - 1)) if active else Money(0),
        ),
        Fact("days_past_due", position.days_past_due),
        Fact("outstanding_principal", position.outstanding),
        Fact("next_due_date", upcoming[0].due.due_date if upcoming and active else None),
        Fact("next_due_amount", upcoming[0].remaining if upcoming and active else None),
        Fact("statement_due_in_words", in_words(due_now)),
        Fact("statement_paid_in_words", in_words(Money.total(r.amount for r in receipts))),
    )
    return Report(
        kind="statement",
        checkpoints=(read.checkpoint,),
        title="repayment_statement",
        subject=f"{f.name} · {ln.number} · {household.mother_name}",
        as_of=as_of,
        sections=(
            Section(
                "borrower",
                "borrower",
                facts=(
                    Fact("household_code", household.code),
                    Fact("mother_name", household.mother_name),
                    Fact(
                        "national_id",
                        household.national_id if reveal else mask_national_id(household.national_id),
                    ),
                    Fact(
                        "phone",
                        (household.phone if reveal else mask_phone(household.phone))
                        if household.phone
                        else None,
                    ),
                    Fact("village", village),
                    Fact("household_persons", household.persons),
                ),
            ),
            Section(
                "loan",
                "loan",
                facts=(
                    Fact("loan_number", ln.number),
                    Fact("batch", batch.code if batch else None),
                    Fact("disbursed_on", ln.disbursed_on),
                    Fact("loan_principal", ln.principal),
                    Fact("installments", len(dues)),
                    Fact("maturity_date", dues[-1].due_date if dues else None),
                    Fact("round", ln.round),
                    Fact("loan_status", Term(f"status_{status.value}")),
                    Fact("schedule_version", version.version),
                    *(
                        (
                            Fact("restructured_on", extended[0].effective_on),
                            Fact("extensions", len(extended)),
                            Fact("extension_ref", extended[-1].approval_ref),
                        )
                        if extended
                        else ()
                    ),
                    *(
                        (
                            Fact("loan_purpose", ln.file.purpose_text or None),
                            Fact("agreement_no", ln.file.agreement_no),
                            Fact("agreement_on", ln.file.agreement_on),
                            Fact("helper", ln.file.helper),
                        )
                        if ln.file != LoanFile()
                        else ()
                    ),
                ),
            ),
            Section("guarantee", "guarantee", facts=tuple(guarantee_facts)),
            *(
                ()
                if passbooks is None
                else (Section("passbook_pledges", "passbook_pledges", table=passbooks),)
            ),
            Section("schedule", "repayment_schedule", table=schedule),
            Section("payments", "payments", table=payments),
            *_voided_section(read, as_of),
            Section("summary", "amounts_due", facts=summary),
        ),
        notes=("note_statement_allocation",),
        letterhead=Letterhead(organisation=read.organisation),
        signatures=(
            Signature("sign_prepared_by"),
            Signature("sign_reviewed_by"),
            Signature("sign_borrower_confirms"),
        ),
        printed_on=printed_on,
    )
