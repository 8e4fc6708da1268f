"""Registers: the loan register (台账) and the write-off register (核销备查簿) of a fund, as of a date.

The loan register is the book inspectors check (查阅台账, domain.md §10.3): every loan with its household,
village, batch, dates, principal, what was repaid and written off, what is outstanding, its round,
days past due and, for a loan extended (展期) by the date, the date it was first restructured. The
write-off register keeps every written-off loan with its approval and what has been recovered since
(账销案存). ID numbers are masked unless the caller reveals them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from revolve.funds import Fund
from revolve.households import Household, mask_national_id
from revolve.ledger import Ledger
from revolve.loans import Loan, LoanStatus
from revolve.loans.position import loan_position
from revolve.money import Money
from revolve.portfolio import receipts_by_loan, schedules_by_loan
from revolve.reports.model import Cell, Column, ColumnKind, Fact, Report, Section, Table, Term

__all__ = ["build_loan_register", "build_write_off_register"]

M, C, D, T = ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.DATE, ColumnKind.TEXT


def _file_cells(loan: Loan, household: Household) -> tuple[Cell, ...]:
    """The loan file's cells of a register row: household size, purpose, 三方协议 number and date, 帮扶责任人."""
    f = loan.file
    return (household.persons, f.purpose_text, f.agreement_no or "", f.agreement_on, f.helper or "")


def build_loan_register(
    ledger: Ledger, fund: Fund | int | str, *, as_of: date, reveal: bool = False
) -> Report:
    """The loan register (台账) of a fund as of a date: one row per loan paid out by then."""
    f = ledger.fund(fund)
    p = ledger.portfolio(f)
    households = {h.id: h for h in p.households}
    villages = {o.id: o.name for o in ledger.orgs()}
    batches = {b.id: b.code for b in p.batches}
    schedules, receipts = schedules_by_loan(p), receipts_by_loan(p, through=as_of)
    written = {w.loan_id: w for w in p.write_offs if w.written_on <= as_of}
    rows: list[tuple[Cell, ...]] = []
    totals = [Money(0)] * 4
    for loan in p.loans:
        if loan.disbursed_on > as_of:
            continue
        h = households[loan.household_id]
        repaid = Money(sum(r.principal.fen for r in receipts[loan.id] if r.kind == "repayment"))
        off = written[loan.id].amount if loan.id in written else Money(0)
        position = loan_position(loan, schedules[loan.id], receipts[loan.id], as_of=as_of)
        status, dpd, outstanding = position.status, position.days_past_due, position.outstanding
        maturity = schedules[loan.id][-1].dues[-1].due_date if schedules[loan.id] else None
        rows.append(
            (
                loan.number,
                h.code,
                h.mother_name,
                h.national_id if reveal else mask_national_id(h.national_id),
                villages.get(h.org_id, "") if h.org_id is not None else "",
                batches.get(loan.batch_id, ""),
                loan.disbursed_on,
                maturity,
                loan.principal,
                repaid,
                off,
                outstanding,
                loan.round,
                Term(f"status_{status.value}"),
                dpd,
                loan.restructured_on if loan.restructured_by(as_of) else None,
                *_file_cells(loan, h),
            )
        )
        for i, value in enumerate((loan.principal, repaid, off, outstanding)):
            totals[i] += value
    live = len(rows)
    restructured = sum(1 for loan in p.loans if loan.disbursed_on <= as_of and loan.restructured_by(as_of))
    # loans voided (冲正) are listed as such, outside the totals: they were never lent, as the books stand
    for loan in ledger.loans(f, status=LoanStatus.VOIDED):
        if loan.disbursed_on > as_of:
            continue
        h = households[loan.household_id]
        rows.append(
            (
                loan.number,
                h.code,
                h.mother_name,
                h.national_id if reveal else mask_national_id(h.national_id),
                villages.get(h.org_id, "") if h.org_id is not None else "",
                batches.get(loan.batch_id, ""),
                loan.disbursed_on,
                None,
                loan.principal,
                Money(0),
                Money(0),
                Money(0),
                loan.round,
                Term("status_voided"),
                0,
                None,
                *_file_cells(loan, h),
            )
        )
    table = Table(
        columns=(
            Column("loan", "loan_number", T),
            Column("household", "household_code", T),
            Column("mother", "mother_name", T),
            Column("national_id", "national_id", T),
            Column("village", "village", T),
            Column("batch", "batch", T),
            Column("disbursed_on", "disbursed_on", D),
            Column("maturity", "maturity_date", D),
            Column("principal", "loan_principal", M),
            Column("repaid", "principal_repaid", M),
            Column("written_off", "written_off", M),
            Column("outstanding", "outstanding_principal", M),
            Column("round", "round", C),
            Column("status", "loan_status", T),
            Column("dpd", "days_past_due", C),
            Column("restructured_on", "restructured_on", D),
            Column("persons", "household_persons", C),
            Column("purpose", "loan_purpose", T),
            Column("agreement_no", "agreement_no", T),
            Column("agreement_on", "agreement_on", D),
            Column("helper", "helper", T),
        ),
        rows=tuple(rows),
        total=(Term("total"), None, None, None, None, None, None, None, *totals, *(None,) * 9),
    )
    return Report(
        kind="register",
        checkpoints=(ledger.checkpoint(f),),
        title="loan_register",
        subject=f.name,
        as_of=as_of,
        sections=(
            Section(
                "summary",
                "overview",
                facts=(
                    Fact("loans", live),
                    Fact("outstanding_principal", totals[3]),
                    Fact("loans_restructured", restructured),
                    *((Fact("voided_loans", len(rows) - live),) if len(rows) > live else ()),
                ),
            ),
            Section("loans", "loan_register", table=table),
        ),
    )


def build_write_off_register(ledger: Ledger, fund: Fund | int | str, *, as_of: date) -> Report:
    """The write-off register (核销备查簿) of a fund as of a date."""
    f = ledger.fund(fund)
    p = ledger.portfolio(f)
    households = {h.id: h for h in p.households}
    loans = {ln.id: ln for ln in p.loans}
    recovered: dict[int, Money] = defaultdict(lambda: Money(0))
    for r in p.receipts:
        if r.kind == "recovery" and r.value_date <= as_of:
            recovered[r.loan_id] += r.amount
    rows: list[tuple[Cell, ...]] = []
    for w in p.write_offs:
        if w.written_on > as_of:
            continue
        h = households[loans[w.loan_id].household_id]
        back = recovered[w.loan_id]
        rows.append(
            (
                w.loan_number,
                h.code,
                h.mother_name,
                w.written_on,
                w.amount,
                w.approval_ref,
                w.reason,
                back,
                w.amount - back,
            )
        )
    amount = Money.total(r[4] for r in rows if isinstance(r[4], Money))
    back_total = Money.total(r[7] for r in rows if isinstance(r[7], Money))
    table = Table(
        columns=(
            Column("loan", "loan_number", T),
            Column("household", "household_code", T),
            Column("mother", "mother_name", T),
            Column("written_on", "written_on", D),
            Column("amount", "written_off", M),
            Column("approval", "approval_ref", T),
            Column("reason", "reason", T),
            Column("recovered", "recovered_after_write_off", M),
            Column("remaining", "claim_remaining", M),
        ),
        rows=tuple(rows),
        total=(Term("total"), None, None, None, amount, None, None, back_total, amount - back_total),
    )
    return Report(
        kind="write_offs",
        checkpoints=(ledger.checkpoint(f),),
        title="write_off_register",
        subject=f.name,
        as_of=as_of,
        sections=(Section("write_offs", "write_off_register", table=table),),
    )
