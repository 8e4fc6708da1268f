"""Lists of a fund's records, as reports (``revolve list``): its households (户档案), loans (借款清单),
receipts (收款清单) and entries (凭证清单). The 明细账 of an account is
:func:`revolve.reports.books_print.build_account_ledger`.

Each is a :class:`~revolve.reports.model.Report` with one table, so it renders in every format and
language like the other reports; categories, statuses, payers and kinds of entry are :class:`Term` s
(中文 by default, never the stored code). ID numbers and phones are masked unless the caller reveals them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from revolve.funds import Fund
from revolve.households import mask_national_id, mask_phone
from revolve.ledger import Ledger
from revolve.money import Money
from revolve.reports.labels import LABELS
from revolve.reports.list_labels import entry_kind_key
from revolve.reports.model import Cell, Column, ColumnKind, Report, Section, Table, Term

__all__ = ["build_entry_list", "build_household_list", "build_loan_list", "build_receipt_list"]

M, C, D, T = ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.DATE, ColumnKind.TEXT


def _report(
    ledger: Ledger, f: Fund, kind: str, table: Table, *, as_of: date, period: tuple[date, date] | None = None
) -> Report:
    return Report(
        kind=kind,
        title=kind,
        subject=f.name,
        as_of=as_of,
        period=period,
        sections=(Section(kind, kind, table=table),),
        checkpoints=(ledger.checkpoint(f),),
    )


def _column_total(rows: list[tuple[Cell, ...]], column: int) -> Money:
    """The sum of a money column."""
    cells = (row[column] for row in rows)
    return Money.total(cell for cell in cells if isinstance(cell, Money))


def build_household_list(
    ledger: Ledger, fund: Fund | int | str, *, as_of: date, reveal: bool = False
) -> Report:
    """Every household of the fund (户档案清单): code, mother, ID, phone, village, category, loans."""
    f = ledger.fund(fund)
    villages = {o.id: o.name for o in ledger.orgs()}
    loans = Counter(loan.household_id for loan in ledger.loans(f))
    rows: list[tuple[Cell, ...]] = []
    for h in ledger.households(f):
        phone = h.phone or ""
        rows.append(
            (
                h.code,
                h.mother_name,
                h.national_id if reveal else mask_national_id(h.national_id),
                phone if reveal or not phone else mask_phone(phone),
                villages.get(h.org_id, "") if h.org_id is not None else "",
                Term(f"fp_{h.fp_status.value}"),
                h.registered_on,
                h.persons,
                loans[h.id],
            )
        )
    table = Table(
        columns=(
            Column("household", "household_code", T),
            Column("mother", "mother_name", T),
            Column("national_id", "national_id", T),
            Column("phone", "phone", T),
            Column("village", "village", T),
            Column("category", "fp_status", T),
            Column("registered_on", "registered_on", D),
            Column("persons", "household_persons", C),
            Column("loans", "loan_count", C),
        ),
        rows=tuple(rows),
    )
    return _report(ledger, f, "households_list", table, as_of=as_of)


def build_loan_list(ledger: Ledger, fund: Fund | int | str, *, as_of: date) -> Report:
    """Every loan of the fund as it stands (借款清单): number, household, batch, principal, outstanding,
    status (在贷, 已结清, 已核销, 已作废)."""
    f = ledger.fund(fund)
    households = {h.id: h for h in ledger.households(f)}
    batches = {b.id: b.code for b in ledger.batches(f)}
    rows: list[tuple[Cell, ...]] = []
    for loan in sorted(ledger.loans(f), key=lambda ln: (ln.disbursed_on, ln.number)):
        h = households[loan.household_id]
        rows.append(
            (
                loan.number,
                h.code,
                h.mother_name,
                batches.get(loan.batch_id, ""),
                loan.disbursed_on,
                loan.principal,
                loan.outstanding,
                Term(f"status_{loan.status.value}"),
            )
        )
    live = [r for r in rows if r[-1] != Term("status_voided")]
    table = Table(
        columns=(
            Column("loan", "loan_number", T),
            Column("household", "household_code", T),
            Column("mother", "mother_name", T),
            Column("batch", "batch", T),
            Column("disbursed_on", "disbursed_on", D),
            Column("principal", "loan_principal", M),
            Column("outstanding", "outstanding_principal", M),
            Column("status", "loan_status", T),
        ),
        rows=tuple(rows),
        total=(
            Term("total"),
            None,
            None,
            None,
            None,
            _column_total(live, 5),
            _column_total(live, 6),
            None,
        ),
    )
    return _report(ledger, f, "loans_list", table, as_of=as_of)


def build_receipt_list(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> Report:
    """Every repayment and recovery received in [start, end] (收款清单), voided ones marked 已作废 and left
    out of the totals."""
    f = ledger.fund(fund)
    households = {h.id: h for h in ledger.households(f)}
    rows: list[tuple[Cell, ...]] = []
    for loan in ledger.loans(f):
        h = households[loan.household_id]
        kept = [(r, False) for r in ledger.receipts(f, loan)]
        voided = [(r, True) for r in ledger.voided_receipts(f, loan)]
        for r, void in kept + voided:
            if not start <= r.value_date <= end:
                continue
            rows.append(
                (
                    r.receipt, loan.number, h.code, r.value_date,
                    _term_or_code(f"receipt_kind_{r.kind}", r.kind),
                    Term(f"payer_{r.payer.value}"),
                    r.amount, r.principal, r.interest, r.fee, r.penalty, r.entry_seq,
                    Term("status_voided") if void else None,
                )
            )  # fmt: skip
    rows.sort(key=lambda row: (row[3], str(row[0])))
    live = [r for r in rows if r[-1] is None]
    total: list[Cell] = [Term("total"), None, None, None, None, None]
    total += [_column_total(live, i) for i in range(6, 11)]
    table = Table(
        columns=(
            Column("receipt", "receipt_number", T),
            Column("loan", "loan_number", T),
            Column("household", "household_code", T),
            Column("date", "payment_date", D),
            Column("kind", "receipt_kind", T),
            Column("payer", "payer", T),
            Column("amount", "amount", M),
            Column("principal", "principal_part", M),
            Column("interest", "interest_part", M),
            Column("fee", "fee_part", M),
            Column("penalty", "penalty_part", M),
            Column("voucher", "voucher_number", C),
            Column("status", "record_status", T),
        ),
        rows=tuple(rows),
        total=(*total, None, None),
    )
    return _report(ledger, f, "receipts_list", table, as_of=end, period=(start, end))


def _term_or_code(key: str, code: str) -> Cell:
    """A Term when revolve has a label for it, else the code as stored (a kind added later)."""
    return Term(key) if key in LABELS else code


def build_entry_list(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> Report:
    """Every entry (记账凭证) dated in [start, end] (凭证清单): number, date, kind of business, memo, amount,
    and whether it reverses another or was reversed."""
    f = ledger.fund(fund)
    every = ledger.entries(f)
    reversed_by = {e.reverses: e.seq for e in every if e.reverses is not None}
    rows: list[tuple[Cell, ...]] = []
    for e in every:
        if not start <= e.value_date <= end:
            continue
        status: Cell = None
        if e.reverses is not None:
            status = Term("status_reversal")
        elif e.seq in reversed_by:
            status = Term("status_reversed")
        rows.append(
            (
                e.seq,
                e.value_date,
                _term_or_code(entry_kind_key(e.kind), e.kind),
                e.memo,
                e.total,
                e.reverses,
                status,
            )
        )
    table = Table(
        columns=(
            Column("seq", "voucher_number", C),
            Column("date", "entry_date", D),
            Column("kind", "entry_kind", T),
            Column("memo", "entry_memo", T),
            Column("amount", "entry_amount", M),
            Column("reverses", "reverses_voucher", C),
            Column("status", "record_status", T),
        ),
        rows=tuple(rows),
    )
    return _report(ledger, f, "entries_list", table, as_of=end, period=(start, end))
