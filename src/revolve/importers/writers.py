"""Writing records through the ledger: one row at a time, or all of a file's rows in one bulk call.

Every record goes through the :class:`~revolve.ledger.Ledger`'s own operations, so an imported row is
checked exactly as a typed-in one. A batch the books do not have yet is opened, dated the first of its
loans' start dates. A repayment whose receipt was already recorded with the same content is an
idempotent retry: the ledger answers it with the first record, and it counts as unchanged, not new.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from revolve.chart import AccountRole
from revolve.funds import Fund
from revolve.households import Registration
from revolve.importers.columns import ImportKind
from revolve.importers.rows import ContributionRow, HouseholdRow, LoanRow, Record, RepaymentRow
from revolve.ledger import Ledger
from revolve.loans.payout import Disbursement
from revolve.loans.repayment import Payment
from revolve.money import Money
from revolve.opening import Opening, OpeningLoan
from revolve.rules import ContributionSource


@dataclass(slots=True)
class Learned:
    """What the import learned from the books; updated only once a row's savepoint is released."""

    batches: set[str] | None = None
    orgs: dict[str, int] = field(default_factory=dict)
    receipts: dict[str, set[str]] = field(default_factory=dict)


def _org_id(ledger: Ledger, code: str, learned: Learned) -> int:
    org_id = learned.orgs.get(code)
    if org_id is None:
        org_id = learned.orgs[code] = ledger.org(code).id
    return org_id


def _open_batches(ledger: Ledger, fund: Fund, loans: Sequence[LoanRow], learned: Learned) -> None:
    """Open each batch of ``loans`` the books do not have yet; the caller learns them once the loans
    are written (a refused loan rolls its new batch back)."""
    if learned.batches is None:
        learned.batches = {b.code for b in ledger.batches(fund)}
    opened: set[str] = set()
    for loan in loans:
        if loan.batch not in learned.batches and loan.batch not in opened:
            # a batch named for the first time is opened on the first of its loans' start dates
            ledger.open_batch(fund, code=loan.batch, on=loan.terms.start)
            opened.add(loan.batch)


def _write_household(ledger: Ledger, fund: Fund, row: Record, learned: Learned) -> bool:
    assert isinstance(row, HouseholdRow)
    ledger.register_household(
        fund,
        code=row.code,
        mother_name=row.mother_name,
        national_id=row.national_id,
        registered_on=row.registered_on,
        fp_status=row.fp_status,
        org=None if row.org is None else _org_id(ledger, row.org, learned),
        phone=row.phone,
        income_before=row.income_before,
        persons=row.persons,
    )
    return True


def _write_loan(ledger: Ledger, fund: Fund, row: Record, learned: Learned) -> bool:
    assert isinstance(row, LoanRow)
    _open_batches(ledger, fund, [row], learned)
    ledger.disburse(
        fund,
        number=row.number,
        household=row.household,
        batch=row.batch,
        terms=row.terms,
        guarantors=row.guarantors,
        pledge=row.pledge,
        file=row.file,
    )
    assert learned.batches is not None
    learned.batches.add(row.batch)
    return True


def _write_repayment(ledger: Ledger, fund: Fund, row: Record, learned: Learned) -> bool:
    assert isinstance(row, RepaymentRow)
    known = learned.receipts.get(row.loan)
    if known is None:
        known = learned.receipts[row.loan] = {r.receipt for r in ledger.receipts(fund, row.loan)}
    ledger.repay(
        fund,
        row.loan,
        amount=row.amount,
        on=row.on,
        receipt=row.receipt,
        payer=row.payer,
        guarantor=row.guarantor,
        prepayment=row.prepayment,
    )
    # the ledger answers a faithful retry (same receipt, same payment) with the first record
    fresh = row.receipt not in known
    known.add(row.receipt)
    return fresh


def _write_contribution(ledger: Ledger, fund: Fund, row: Record, learned: Learned) -> bool:
    assert isinstance(row, ContributionRow)
    ledger.contribute(
        fund, amount=row.amount, on=row.on, source=row.source, donor=row.donor, receipt=row.receipt
    )
    return True


WRITERS: Mapping[ImportKind, Callable[[Ledger, Fund, Record, Learned], bool]] = {
    ImportKind.HOUSEHOLDS: _write_household,
    ImportKind.LOANS: _write_loan,
    ImportKind.REPAYMENTS: _write_repayment,
    ImportKind.CONTRIBUTIONS: _write_contribution,
}
# an opening file is written whole, by :func:`write_opening` (import_opening), never row by row
"""How each kind of record is written alone; each returns whether the record was new."""


def write_all(ledger: Ledger, fund: Fund, kind: ImportKind, rows: Sequence[Record], learned: Learned) -> int:
    """Write every row with one bulk call (``register_households``, ``disburse_many``, ``repay_many``).

    Returns:
        How many rows were new (the others were faithful retries of repayments already recorded).

    Raises:
        RevolveError: the first refusal; the caller then goes row by row to report every problem.
    """
    if kind is ImportKind.HOUSEHOLDS:
        households = [r for r in rows if isinstance(r, HouseholdRow)]
        ledger.register_households(
            fund,
            [
                Registration(
                    r.code,
                    r.mother_name,
                    r.national_id,
                    r.registered_on,
                    r.fp_status,
                    None if r.org is None else _org_id(ledger, r.org, learned),
                    r.phone,
                    r.income_before,
                    r.persons,
                )
                for r in households
            ],
        )
        return len(households)
    if kind is ImportKind.CONTRIBUTIONS:  # no bulk call: each is one entry of its own
        return sum(_write_contribution(ledger, fund, r, learned) for r in rows)
    if kind is ImportKind.LOANS:
        loans = [r for r in rows if isinstance(r, LoanRow)]
        _open_batches(ledger, fund, loans, learned)
        ledger.disburse_many(
            fund,
            [
                Disbursement(r.number, r.household, r.batch, r.terms, r.guarantors, r.pledge, file=r.file)
                for r in loans
            ],
        )
        assert learned.batches is not None
        learned.batches.update(r.batch for r in loans)
        return len(loans)
    payments = [r for r in rows if isinstance(r, RepaymentRow)]
    known = ledger.receipts_by_number(fund, (r.receipt for r in payments))
    ledger.repay_many(
        fund,
        [Payment(r.loan, r.amount, r.on, r.receipt, r.payer, r.guarantor, r.prepayment) for r in payments],
    )
    # the ledger answers a faithful retry (same receipt, same payment) with the first record
    return sum(1 for r in payments if r.receipt not in known)


def write_opening(
    ledger: Ledger,
    fund: Fund,
    loans: Sequence[OpeningLoan],
    *,
    on: date,
    balances: Mapping[AccountRole | str, Money],
    capital: Mapping[ContributionSource | str, Money] | None,
    lent_before: Money | None,
) -> Opening:
    """Open the fund's books with the loans of an opening file: the batches they name that the books do
    not have are opened first (each on the first of its loans' payout dates), then :meth:`Ledger.open_books`.

    Raises:
        RevolveError: the refusal of :meth:`Ledger.open_books <revolve.Ledger.open_books>`.
    """
    known = {b.code for b in ledger.batches(fund)}
    first: dict[str, date] = {}
    for loan in loans:
        code = str(loan.batch)
        if code not in known:
            first[code] = min(first.get(code, loan.terms.start), loan.terms.start)
    for code, day in first.items():
        ledger.open_batch(fund, code=code, on=day)
    return ledger.open_books(
        fund, on=on, balances=balances, loans=loans, capital=capital, lent_before=lent_before
    )
