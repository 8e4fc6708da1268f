"""What the books already hold of a file's rows: a row the same as its record is skipped, one that
differs is refused naming what differs, and a household's 所在村 is found among the fund's villages.

A corrected file is often imported again after ``keep_valid``: its rows already in must not be refused
as duplicates, nor written twice. Each row is matched by its key — a household by its code, a loan by
its number, a repayment by its receipt number — and compared with the record:

* households: 母亲姓名, 身份证号, 登记日期, 计生类别, and 联系电话/帮扶前年收入/家庭人口 where the row gives them;
* loans: 户编码, 批次, 金额, 放款日期 and the schedule the terms make (期数, 还款方式, 年利率);
* repayments: 借款编号, 金额, 还款日期;
* contributions (by 收据号; one without a receipt number is always new): 金额, 到账日期, 来源, 捐赠方.

The same content is an idempotent retry (counted as unchanged); a different one is a
:attr:`~revolve.importers.results.ProblemKind.CONFLICT` naming each column that differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from revolve.funds import Fund
from revolve.households import Household
from revolve.importers.columns import COLUMNS, ImportKind
from revolve.importers.results import PERSONAL_COLUMNS, ImportNote, NoteKind, ProblemKind, RowProblem
from revolve.importers.rows import ContributionRow, HouseholdRow, LoanRow, Record, RepaymentRow, RowCells
from revolve.ledger import Ledger
from revolve.rules import ContributionSource
from revolve.schedule import generate_schedule

Difference = tuple[str, str, str]
"""A column that differs: its field, the books' value and the row's value, as text."""


@dataclass(frozen=True, slots=True)
class Sorted:
    """A file's parsed rows sorted against the books."""

    new: list[tuple[RowCells, Record]]
    unchanged: int
    problems: list[RowProblem]
    notes: list[ImportNote]


def _household_differences(held: Household, row: HouseholdRow) -> list[Difference]:
    pairs: list[tuple[str, object, object]] = [
        ("mother_name", held.mother_name, row.mother_name),
        ("national_id", held.national_id, row.national_id),
        ("registered_on", held.registered_on, row.registered_on),
        ("fp_status", held.fp_status, row.fp_status),
    ]
    for name in ("phone", "income_before", "persons"):
        if getattr(row, name) is not None:
            pairs.append((name, getattr(held, name), getattr(row, name)))
    # a personal cell (name, ID, phone) is named only masked, on both sides
    shown = {n: PERSONAL_COLUMNS.get(n, str) for n, _, _ in pairs}
    return [(n, shown[n](str(a)), shown[n](str(b))) for n, a, b in pairs if a != b]


def _label(kind: ImportKind, field: str) -> str:
    return next((c.zh for c in COLUMNS[kind] if c.field == field), field)


def _conflict(kind: ImportKind, row: RowCells, differences: Sequence[Difference]) -> RowProblem:
    zh = "；".join(f"{_label(kind, n)}：账簿中为「{a}」，本行为「{b}」" for n, a, b in differences)
    en = "; ".join(f"{n}: the books hold {a!r}, this row {b!r}" for n, a, b in differences)
    if kind is ImportKind.REPAYMENTS:
        # a receipt number used again for another payment: the receipt is the cell to check
        return RowProblem(row.row, ProblemKind.DUPLICATE_RECEIPT, "receipt", row.raw("receipt"), en, zh)
    first = differences[0][0]
    return RowProblem(row.row, ProblemKind.CONFLICT, first, row.raw(first), en, zh)


Compare = Callable[[Record], list[Difference] | None]
"""A row's differences from the record the books hold under its key; None when they hold none."""


def _households(ledger: Ledger, fund: Fund, parsed: Sequence[tuple[RowCells, Record]]) -> Compare:
    held = {h.code: h for h in ledger.households(fund)}

    def compare(record: Record) -> list[Difference] | None:
        assert isinstance(record, HouseholdRow)
        found = held.get(record.code)
        return None if found is None else _household_differences(found, record)

    return compare


def _loans(ledger: Ledger, fund: Fund, parsed: Sequence[tuple[RowCells, Record]]) -> Compare:
    numbers = {r.number for _, r in parsed if isinstance(r, LoanRow)}
    loans = {ln.number: ln for ln in ledger.loans(fund) if ln.number in numbers}
    households = {h.id: h.code for h in ledger.households(fund)} if loans else {}
    batches = {b.id: b.code for b in ledger.batches(fund)} if loans else {}

    def compare(record: Record) -> list[Difference] | None:
        assert isinstance(record, LoanRow)
        loan = loans.get(record.number)
        if loan is None:
            return None
        planned = [
            (i.due_date, i.principal, i.interest) for i in generate_schedule(record.terms).installments
        ]
        kept = [(d.due_date, d.principal, d.interest) for d in ledger.schedule(fund, loan, version=1)]
        pairs = [
            ("household", households.get(loan.household_id, ""), record.household),
            ("batch", batches.get(loan.batch_id, ""), record.batch),
            ("amount", str(loan.principal), str(record.terms.principal)),
            ("start", loan.disbursed_on.isoformat(), record.terms.start.isoformat()),
        ]
        # the terms (期数, 还款方式, 年利率) are compared through the original schedule they make
        if len(planned) != len(kept):
            pairs.append(("term", f"{len(kept)}期还款计划", f"{len(planned)}期还款计划"))
        elif planned != kept:
            pairs.append(("method", "原还款计划", "不同的还款计划（还款方式或年利率不同）"))
        return [(n, a, b) for n, a, b in pairs if a != b]

    return compare


def _repayments(ledger: Ledger, fund: Fund, parsed: Sequence[tuple[RowCells, Record]]) -> Compare:
    receipts = ledger.receipts_by_number(fund, (r.receipt for _, r in parsed if isinstance(r, RepaymentRow)))
    loan_numbers = {ln.id: ln.number for ln in ledger.loans(fund)} if receipts else {}

    def compare(record: Record) -> list[Difference] | None:
        assert isinstance(record, RepaymentRow)
        receipt = receipts.get(record.receipt)
        if receipt is None:
            return None
        pairs = [
            ("loan", loan_numbers.get(receipt.loan_id, ""), record.loan),
            ("amount", str(receipt.amount), str(record.amount)),
            ("on", receipt.value_date.isoformat(), record.on.isoformat()),
        ]
        return [(n, a, b) for n, a, b in pairs if a != b]

    return compare


def _contributions(ledger: Ledger, fund: Fund, parsed: Sequence[tuple[RowCells, Record]]) -> Compare:
    wanted = {f"contribution:{r.receipt}" for _, r in parsed if isinstance(r, ContributionRow) and r.receipt}
    held = {
        e.idempotency_key: e
        for s in (ContributionSource if wanted else ())
        for e in ledger.entries(fund, kind=f"contribution.{s.value}")
        if e.idempotency_key in wanted
    }

    def compare(record: Record) -> list[Difference] | None:
        assert isinstance(record, ContributionRow)
        entry = held.get(f"contribution:{record.receipt}") if record.receipt else None
        if entry is None:
            return None
        pairs = [
            ("amount", str(entry.total), str(record.amount)),
            ("on", entry.value_date.isoformat(), record.on.isoformat()),
            ("source", entry.kind.removeprefix("contribution."), record.source.value),
            ("donor", entry.memo, record.donor),
        ]
        return [(n, a, b) for n, a, b in pairs if a != b]

    return compare


_COMPARE: Mapping[ImportKind, Callable[[Ledger, Fund, Sequence[tuple[RowCells, Record]]], Compare]] = {
    ImportKind.HOUSEHOLDS: _households,
    ImportKind.LOANS: _loans,
    ImportKind.REPAYMENTS: _repayments,
    ImportKind.CONTRIBUTIONS: _contributions,
}


def map_villages(
    ledger: Ledger, fund: Fund, parsed: Sequence[tuple[RowCells, Record]]
) -> tuple[list[tuple[RowCells, Record]], list[ImportNote]]:
    """Give each household row whose 所属组织 is blank the organisation its 所在村 names: the one
    organisation under the fund's whose name is the village's (``南关村`` also finds ``南关村委会``).
    A village found nowhere, or twice, is noted once and the row imported without an organisation."""
    if not any(isinstance(r, HouseholdRow) and r.village for _, r in parsed):
        return list(parsed), []
    villages: dict[str, list[str]] = {}
    for org in ledger.subtree(fund.org_id):
        for name in {org.name, org.name.removesuffix("委会"), org.name.removesuffix("民委员会")}:
            villages.setdefault(name, []).append(org.code)
    mapped: list[tuple[RowCells, Record]] = []
    notes: list[ImportNote] = []
    noted: set[str] = set()
    for cells, record in parsed:
        village = record.village if isinstance(record, HouseholdRow) and record.org is None else None
        if village:
            assert isinstance(record, HouseholdRow)
            codes = villages.get(village, [])
            if len(codes) == 1:
                record = replace(record, org=codes[0])  # noqa: PLW2901 - the row, its village mapped
            elif village not in noted:
                noted.add(village)
                notes.append(ImportNote(NoteKind.UNKNOWN_VILLAGE, cells.row, village))
        mapped.append((cells, record))
    return mapped, notes


def sort_rows(
    ledger: Ledger, fund: Fund, kind: ImportKind, parsed: Sequence[tuple[RowCells, Record]]
) -> Sorted:
    """Sort ``parsed`` into rows to write, rows the books already hold, and rows that conflict; map
    each household's 所在村 to its village organisation (:func:`map_villages`).

    Args:
        ledger: the import's ledger.
        fund: the fund imported into.
        kind: what the rows are.
        parsed: the rows read, each with its cells.

    Returns:
        The rows to write, the count already held, a problem per row that differs from the record of
        its key (CONFLICT; DUPLICATE_RECEIPT for a repayment), and a note per village not found.
    """
    rows, notes = map_villages(ledger, fund, parsed)
    if kind not in _COMPARE:
        return Sorted(rows, 0, [], notes)
    compare = _COMPARE[kind](ledger, fund, rows)
    new: list[tuple[RowCells, Record]] = []
    problems: list[RowProblem] = []
    unchanged = 0
    for cells, record in rows:
        differences = compare(record)
        if differences is None:
            new.append((cells, record))
        elif differences:
            problems.append(_conflict(kind, cells, differences))
        else:
            unchanged += 1
    return Sorted(new, unchanged, problems, notes)
