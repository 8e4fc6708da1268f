"""Reads and writes of the fund's lending records: households, policies, batches, guarantors, loans,
schedule versions, receipts, write-offs, grants and bank-lent loans.

Like ``repository``, every function works inside the caller's transaction and never commits; this is the
one place the lending rows become domain values. The statements a registration, a payout or a payment
runs are built once at module level and run with :func:`revolve.store.repository.run`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Connection,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)

from revolve.chart import AccountRole
from revolve.dates import DayCount, Frequency
from revolve.errors import (
    DuplicateCode,
    UnknownBankLoan,
    UnknownBatch,
    UnknownGuarantor,
    UnknownHousehold,
    UnknownLoan,
)
from revolve.guarantees import GuaranteeCall, Guarantor, GuarantorKind
from revolve.households import FamilyPlanningStatus, Household, HouseholdRecord, RecordKind
from revolve.invariants import Violation
from revolve.loans import Batch, Due, Loan, LoanStatus, Receipt, ScheduleVersion, WriteOff
from revolve.money import Money
from revolve.policy import Policy
from revolve.rules import PayerKind
from revolve.schedule import FeeTiming, InterestMode, LoanTerms, RatePeriod, RepaymentMethod
from revolve.store.repository import FundHead, ResolvedAccount, run, run_many
from revolve.store.schema import (
    AccountRow,
    BankLoanRow,
    BatchRow,
    EntryRow,
    FundRow,
    GrantRow,
    GroupMemberRow,
    GuaranteeCallRow,
    GuaranteeRow,
    GuarantorRow,
    HouseholdRecordRow,
    HouseholdRow,
    InstallmentRow,
    LoanRow,
    PolicyRow,
    PostingRow,
    ReceiptRow,
    ScheduleVersionRow,
    SubsidyPaymentRow,
    WriteOffRow,
)
from revolve.subsidy import SubsidyCaps

__all__ = [
    "DuesReached",
    "Installment",
    "LoanForPayment",
    "NewLoan",
    "NewVersion",
    "PayingLoan",
    "RoundBasis",
    "capital_contributed",
    "find_household",
    "find_loan",
    "insert_loans",
    "loan_for_payment",
    "round_basis",
]

_ACCOUNT = cast(Table, AccountRow.__table__)
_BANK_LOAN = cast(Table, BankLoanRow.__table__)
_BATCH = cast(Table, BatchRow.__table__)
_ENTRY = cast(Table, EntryRow.__table__)
_GUARANTEE = cast(Table, GuaranteeRow.__table__)
_GUARANTOR = cast(Table, GuarantorRow.__table__)
_HOUSEHOLD = cast(Table, HouseholdRow.__table__)
_INSTALLMENT = cast(Table, InstallmentRow.__table__)
_LOAN = cast(Table, LoanRow.__table__)
_POLICY = cast(Table, PolicyRow.__table__)
_POSTING = cast(Table, PostingRow.__table__)
_RECEIPT = cast(Table, ReceiptRow.__table__)
_VERSION = cast(Table, ScheduleVersionRow.__table__)
_V = TypeVar("_V")

# a bulk read asks for this many values at a time, through an IN list of this many placeholders (a
# shorter chunk repeats its first value), so that each such statement is built and compiled once
_CHUNK = 200


def _any_of(column: Any) -> Any:
    """``column IN (:v0, …, :v199)``: the condition of a bulk read (see :func:`_select_in`)."""
    return column.in_([bindparam(f"v{i}") for i in range(_CHUNK)])


def _select_in(
    conn: Connection, stmt: Select[Any], values: Iterable[Any], *, named: bool = True, **params: Any
) -> list[Any]:
    """The rows of a bulk read built with :func:`_any_of`, for all of ``values``, read a chunk at a time
    (as plain tuples with ``named=False``)."""
    wanted = sorted(set(values))
    rows: list[Any] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        chunk += [chunk[0]] * (_CHUNK - len(chunk))
        rows += run(conn, stmt, {**params, **{f"v{i}": v for i, v in enumerate(chunk)}}, named=named)
    return rows


@dataclass(frozen=True, slots=True)
class _ByRef:
    """How to read the fund's rows of one kind named by id or by code (a loan's number): one at a time,
    and many at a time (see :func:`_select_in`). Built once per kind, at module level."""

    one_by_id: Select[Any]
    one_by_code: Select[Any]
    many_by_id: Select[Any]
    many_by_code: Select[Any]
    code: str


def _by_ref(query: Select[Any], table: Table, code: str) -> _ByRef:
    """The reads of ``query``'s rows of ``table`` in a fund, by ``id`` or by the column ``code``."""
    in_fund = table.c.fund_id == bindparam("fund")
    return _ByRef(
        query.where(in_fund, table.c.id == bindparam("ref")),
        query.where(in_fund, table.c[code] == bindparam("ref")),
        query.where(in_fund, _any_of(table.c.id)),
        query.where(in_fund, _any_of(table.c[code])),
        code,
    )


def _row_by_ref(conn: Connection, by: _ByRef, fund_id: int, ref: int | str, **params: Any) -> Any | None:
    """The fund's row named by ``ref`` (an int is an id, a str a code), or None."""
    stmt = by.one_by_id if isinstance(ref, int) else by.one_by_code
    rows = run(conn, stmt, {"fund": fund_id, "ref": ref, **params})
    return rows[0] if rows else None


def _rows_by_ref(
    conn: Connection, by: _ByRef, fund_id: int, refs: Iterable[int | str]
) -> dict[int | str, Any]:
    """The fund's rows named by ``refs``, by reference, read a chunk at a time; unknown ones left out."""
    wanted = set(refs)
    found: dict[int | str, Any] = {}
    for stmt, kind, key in ((by.many_by_id, int, "id"), (by.many_by_code, str, by.code)):
        for row in _select_in(conn, stmt, (r for r in wanted if isinstance(r, kind)), fund=fund_id):
            found[getattr(row, key)] = row
    return found


def unknown_household(ref: object) -> UnknownHousehold:
    """The refusal of a household reference that names no household of the fund."""
    return UnknownHousehold(ref, hint="register it with ledger.register_household(...)")


def unknown_loan(ref: object) -> UnknownLoan:
    """The refusal of a loan reference that names no loan of the fund."""
    return UnknownLoan(ref, hint="loans are named by their number, e.g. 'FN-2016-001'")


def terms_to_json(terms: LoanTerms) -> str:
    """Loan terms as JSON text: every field, so that :func:`terms_from_json` gives them back equal."""
    return json.dumps(
        {
            "principal": terms.principal.fen,
            "start": terms.start.isoformat(),
            "term": terms.term,
            "method": terms.method.value,
            "rate": str(terms.rate),
            "rate_period": terms.rate_period.value,
            "frequency": [terms.frequency.months, terms.frequency.days],
            "interest_mode": terms.interest_mode.value,
            "day_count": terms.day_count.value,
            "first_due": terms.first_due.isoformat() if terms.first_due else None,
            "day_of_month": terms.day_of_month,
            "due_dates": [d.isoformat() for d in terms.due_dates],
            "principal_amounts": [m.fen for m in terms.principal_amounts],
            "grace_periods": terms.grace_periods,
            "fee_rate": str(terms.fee_rate),
            "fee_timing": terms.fee_timing.value,
            "rounding": terms.rounding,
            "installment_multiple": terms.installment_multiple.fen if terms.installment_multiple else None,
        },
        sort_keys=True,
    )


def terms_from_json(text: str) -> LoanTerms:
    """The loan terms stored by :func:`terms_to_json`."""
    d = json.loads(text)
    return LoanTerms(
        principal=Money(d["principal"]),
        start=date.fromisoformat(d["start"]),
        term=d["term"],
        method=RepaymentMethod(d["method"]),
        rate=Decimal(d["rate"]),
        rate_period=RatePeriod(d["rate_period"]),
        frequency=Frequency(months=d["frequency"][0], days=d["frequency"][1]),
        interest_mode=InterestMode(d["interest_mode"]),
        day_count=DayCount(d["day_count"]),
        first_due=date.fromisoformat(d["first_due"]) if d["first_due"] else None,
        day_of_month=d["day_of_month"],
        due_dates=tuple(date.fromisoformat(x) for x in d["due_dates"]),
        principal_amounts=tuple(Money(x) for x in d["principal_amounts"]),
        grace_periods=d["grace_periods"],
        fee_rate=Decimal(d["fee_rate"]),
        fee_timing=FeeTiming(d["fee_timing"]),
        rounding=d["rounding"],
        installment_multiple=Money(d["installment_multiple"])
        if d["installment_multiple"] is not None
        else None,
    )


def caps_to_json(caps: SubsidyCaps) -> str:
    """Subsidy caps as JSON text."""
    return json.dumps(
        {
            "max_principal": caps.max_principal.fen,
            "max_rate": str(caps.max_rate),
            "max_days": caps.max_days,
            "share": str(caps.share),
        },
        sort_keys=True,
    )


def caps_from_json(text: str) -> SubsidyCaps:
    """The subsidy caps stored by :func:`caps_to_json`."""
    d = json.loads(text)
    return SubsidyCaps(
        max_principal=Money(d["max_principal"]),
        max_rate=Decimal(d["max_rate"]),
        max_days=d["max_days"],
        share=Decimal(d["share"]),
    )


def terms_of_version(conn: Connection, loan_id: int, version: int) -> LoanTerms:
    """The terms a schedule version was generated from."""
    text = conn.execute(
        select(ScheduleVersionRow.terms).where(
            ScheduleVersionRow.loan_id == loan_id, ScheduleVersionRow.version == version
        )
    ).scalar_one()
    return terms_from_json(text)


_NO_MONEY = Money(0)


def _m(value: int | None) -> Money:
    # Money is frozen, so the many zero amounts of a loan's state and schedule can share one value
    return Money(int(value)) if value else _NO_MONEY


# ---- households -------------------------------------------------------------------------------
def _household(row: Any) -> Household:
    return Household(
        id=row.id,
        fund_id=row.fund_id,
        code=row.code,
        mother_name=row.mother_name,
        national_id=row.national_id,
        org_id=row.org_id,
        phone=row.phone,
        fp_status=FamilyPlanningStatus(row.fp_status),
        income_before=None if row.income_before is None else Money(int(row.income_before)),
        registered_on=row.registered_on,
    )


# statements run by every registration, payout and payment, built once: building one costs more than
# running it
_INSERT_HOUSEHOLD = insert(_HOUSEHOLD).returning(_HOUSEHOLD.c.id)
_HOUSEHOLDS = _by_ref(select(_HOUSEHOLD), _HOUSEHOLD, "code")


_CODES_USED = select(_HOUSEHOLD.c.code).where(
    _HOUSEHOLD.c.fund_id == bindparam("fund"), _any_of(_HOUSEHOLD.c.code)
)
_IDS_USED = select(_HOUSEHOLD.c.national_id).where(
    _HOUSEHOLD.c.fund_id == bindparam("fund"), _any_of(_HOUSEHOLD.c.national_id)
)
_INSERT_HOUSEHOLDS = insert(_HOUSEHOLD)
_HOUSEHOLD_IDS = select(_HOUSEHOLD.c.code, _HOUSEHOLD.c.id).where(
    _HOUSEHOLD.c.fund_id == bindparam("fund"), _any_of(_HOUSEHOLD.c.code)
)


def household_clashes(
    conn: Connection, fund_id: int, codes: Iterable[str], national_ids: Iterable[str]
) -> tuple[set[str], set[str]]:
    """Those of ``codes``, and of ``national_ids``, that the fund's households already use."""
    return (
        {row[0] for row in _select_in(conn, _CODES_USED, codes, fund=fund_id)},
        {row[0] for row in _select_in(conn, _IDS_USED, national_ids, fund=fund_id)},
    )


def insert_households(conn: Connection, fund_id: int, households: Sequence[Household]) -> list[Household]:
    """Register many households (codes and IDs checked unused by the caller); return them with their ids."""
    rows = []
    for household in households:
        values = asdict(household)
        values.pop("id")
        values["fp_status"] = household.fp_status.value
        values["income_before"] = None if household.income_before is None else household.income_before.fen
        rows.append(values)
    if len(rows) == 1:
        return [replace(households[0], id=run(conn, _INSERT_HOUSEHOLD, rows[0])[0][0])]
    run_many(conn, _INSERT_HOUSEHOLDS, rows)
    ids = dict(_select_in(conn, _HOUSEHOLD_IDS, (h.code for h in households), fund=fund_id))
    return [replace(h, id=ids[h.code]) for h in households]


def find_household(conn: Connection, fund_id: int, ref: int | str) -> Household:
    """The fund's household with this id or code."""
    row = _row_by_ref(conn, _HOUSEHOLDS, fund_id, ref)
    if row is None:
        raise unknown_household(ref)
    return _household(row)


def find_households(conn: Connection, fund_id: int, refs: Iterable[int | str]) -> dict[int | str, Household]:
    """The fund's households named by these ids or codes, read in a few statements; a reference to no
    household of the fund is left out."""
    return {ref: _household(row) for ref, row in _rows_by_ref(conn, _HOUSEHOLDS, fund_id, refs).items()}


def list_households(conn: Connection, fund_id: int) -> list[Household]:
    """Every household of the fund, in registration order."""
    stmt = select(HouseholdRow.__table__).where(HouseholdRow.fund_id == fund_id).order_by(HouseholdRow.id)
    return [_household(r) for r in conn.execute(stmt)]


def insert_household_record(conn: Connection, fund_id: int, record: HouseholdRecord) -> None:
    """Add a record to a household's file."""
    conn.execute(
        insert(HouseholdRecordRow).values(
            fund_id=fund_id,
            household_id=record.household_id,
            kind=record.kind.value,
            on_date=record.on,
            note=record.note,
            income=None if record.income is None else record.income.fen,
            exited_poverty=record.exited_poverty,
        )
    )


def household_records(
    conn: Connection, fund_id: int, household_id: int | None = None
) -> list[HouseholdRecord]:
    """The records of one household (or of every household of the fund), oldest first."""
    stmt = (
        select(HouseholdRecordRow.__table__)
        .where(HouseholdRecordRow.fund_id == fund_id)
        .order_by(HouseholdRecordRow.on_date, HouseholdRecordRow.id)
    )
    if household_id is not None:
        stmt = stmt.where(HouseholdRecordRow.household_id == household_id)
    return [
        HouseholdRecord(
            household_id=r.household_id,
            kind=RecordKind(r.kind),
            on=r.on_date,
            note=r.note,
            income=None if r.income is None else Money(int(r.income)),
            exited_poverty=r.exited_poverty,
        )
        for r in conn.execute(stmt)
    ]


_LOAN_COUNTS_MANY = (
    select(_LOAN.c.household_id, _LOAN.c.status, func.count())
    .where(
        _LOAN.c.fund_id == bindparam("fund"),
        _any_of(_LOAN.c.household_id),
    )
    .group_by(_LOAN.c.household_id, _LOAN.c.status)
)


def households_loan_counts(
    conn: Connection, fund_id: int, household_ids: Iterable[int]
) -> dict[int, tuple[int, int]]:
    """(all loans, active loans) each of these households has had from the fund."""
    counts: dict[int, tuple[int, int]] = {}
    for household, status, n in _select_in(conn, _LOAN_COUNTS_MANY, household_ids, fund=fund_id):
        prior, active = counts.get(household, (0, 0))
        counts[household] = (prior + int(n), active + (int(n) if status == LoanStatus.ACTIVE.value else 0))
    return counts


# ---- policies ---------------------------------------------------------------------------------
def upsert_policy(conn: Connection, fund_id: int, policy: Policy) -> None:
    """Record the policy in force from its date (replacing one set for the same date)."""
    conn.execute(
        delete(PolicyRow).where(
            PolicyRow.fund_id == fund_id, PolicyRow.effective_from == policy.effective_from
        )
    )
    conn.execute(
        insert(PolicyRow).values(
            fund_id=fund_id,
            effective_from=policy.effective_from,
            min_amount=policy.min_amount.fen,
            max_amount=policy.max_amount.fen,
            min_term_months=policy.min_term_months,
            max_term_months=policy.max_term_months,
            max_loans_per_household=policy.max_loans_per_household,
            max_active_loans_per_household=policy.max_active_loans_per_household,
            guarantee_required=policy.guarantee_required,
            allowed_amounts=",".join(str(m.fen) for m in policy.allowed_amounts),
        )
    )


_POLICIES = select(_POLICY).where(_POLICY.c.fund_id == bindparam("fund")).order_by(_POLICY.c.effective_from)


def list_policies(conn: Connection, fund_id: int) -> list[Policy]:
    """The fund's policies, oldest first."""
    rows = run(conn, _POLICIES, {"fund": fund_id})
    return [
        Policy(
            effective_from=r.effective_from,
            min_amount=Money(int(r.min_amount)),
            max_amount=Money(int(r.max_amount)),
            min_term_months=r.min_term_months,
            max_term_months=r.max_term_months,
            max_loans_per_household=r.max_loans_per_household,
            max_active_loans_per_household=r.max_active_loans_per_household,
            guarantee_required=bool(r.guarantee_required),
            allowed_amounts=tuple(Money(int(x)) for x in r.allowed_amounts.split(",") if x),
        )
        for r in rows
    ]


# ---- batches and guarantors -------------------------------------------------------------------
def insert_batch(
    conn: Connection, fund_id: int, *, code: str, site: int | None, on: date, note: str
) -> Batch:
    """Open a disbursement batch; refuse a code already used in the fund."""
    if conn.execute(select(BatchRow.id).where(BatchRow.fund_id == fund_id, BatchRow.code == code)).first():
        raise DuplicateCode(code, what="batch")
    new_id = conn.execute(
        insert(BatchRow)
        .values(fund_id=fund_id, code=code, site_org_id=site, opened_on=on, note=note)
        .returning(BatchRow.id)
    ).scalar_one()
    return Batch(new_id, fund_id, code, site, on, note)


_BATCHES = _by_ref(select(_BATCH), _BATCH, "code")


def find_batch(conn: Connection, fund_id: int, ref: int | str) -> Batch:
    """The fund's batch with this id or code."""
    row = _row_by_ref(conn, _BATCHES, fund_id, ref)
    if row is None:
        raise UnknownBatch(ref, hint="open it with ledger.open_batch(...)")
    return Batch(row.id, row.fund_id, row.code, row.site_org_id, row.opened_on, row.note)


def list_batches(conn: Connection, fund_id: int) -> list[Batch]:
    """Every batch of the fund, oldest first."""
    rows = conn.execute(select(BatchRow.__table__).where(BatchRow.fund_id == fund_id).order_by(BatchRow.id))
    return [Batch(r.id, r.fund_id, r.code, r.site_org_id, r.opened_on, r.note) for r in rows]


def insert_guarantor(conn: Connection, guarantor: Guarantor) -> Guarantor:
    """Register a guarantor (and a joint-liability group's members)."""
    if conn.execute(
        select(GuarantorRow.id).where(
            GuarantorRow.fund_id == guarantor.fund_id, GuarantorRow.code == guarantor.code
        )
    ).first():
        raise DuplicateCode(guarantor.code, what="guarantor")
    new_id = conn.execute(
        insert(GuarantorRow)
        .values(
            fund_id=guarantor.fund_id,
            code=guarantor.code,
            kind=guarantor.kind.value,
            name=guarantor.name,
            org_id=guarantor.org_id,
            cap=None if guarantor.cap is None else guarantor.cap.fen,
            reference=guarantor.reference,
        )
        .returning(GuarantorRow.id)
    ).scalar_one()
    if guarantor.members:
        conn.execute(
            insert(GroupMemberRow),
            [
                {"guarantor_id": new_id, "household_id": h, "fund_id": guarantor.fund_id}
                for h in guarantor.members
            ],
        )
    return replace(guarantor, id=new_id)


_GUARANTORS = _by_ref(select(_GUARANTOR), _GUARANTOR, "code")


def find_guarantor(conn: Connection, fund_id: int, ref: int | str) -> Guarantor:
    """The fund's guarantor with this id or code."""
    row = _row_by_ref(conn, _GUARANTORS, fund_id, ref)
    if row is None:
        raise UnknownGuarantor(ref, hint="register it with ledger.register_guarantor(...)")
    members = tuple(
        int(h)
        for h in conn.execute(
            select(GroupMemberRow.household_id)
            .where(GroupMemberRow.guarantor_id == row.id)
            .order_by(GroupMemberRow.household_id)
        ).scalars()
    )
    return Guarantor(
        id=row.id,
        fund_id=row.fund_id,
        code=row.code,
        kind=GuarantorKind(row.kind),
        name=row.name,
        org_id=row.org_id,
        cap=None if row.cap is None else Money(int(row.cap)),
        reference=row.reference,
        members=members,
    )


def guarantor_exposure(conn: Connection, guarantor_id: int) -> Money:
    """The outstanding principal of the active loans a guarantor guarantees."""
    outstanding = LoanRow.principal - LoanRow.principal_paid - LoanRow.written_off
    total = conn.execute(
        select(func.coalesce(func.sum(outstanding), 0))
        .join(GuaranteeRow, GuaranteeRow.loan_id == LoanRow.id)
        .where(GuaranteeRow.guarantor_id == guarantor_id, LoanRow.status == LoanStatus.ACTIVE.value)
    ).scalar_one()
    return Money(int(total))


def loan_guarantors(conn: Connection, loan_id: int) -> list[tuple[int, Money]]:
    """(guarantor id, amount pledged) for each guarantee on a loan."""
    rows = conn.execute(
        select(GuaranteeRow.guarantor_id, GuaranteeRow.pledged)
        .where(GuaranteeRow.loan_id == loan_id)
        .order_by(GuaranteeRow.guarantor_id)
    )
    return [(int(g), Money(int(p))) for g, p in rows]


def insert_guarantee_call(
    conn: Connection, fund_id: int, *, loan_id: int, guarantor_id: int, on: date, amount: Money, note: str
) -> GuaranteeCall:
    """Record that a guarantee was called."""
    new_id = conn.execute(
        insert(GuaranteeCallRow)
        .values(
            fund_id=fund_id,
            loan_id=loan_id,
            guarantor_id=guarantor_id,
            called_on=on,
            amount=amount.fen,
            note=note,
        )
        .returning(GuaranteeCallRow.id)
    ).scalar_one()
    return GuaranteeCall(new_id, loan_id, guarantor_id, on, amount, note)


def guarantee_calls(conn: Connection, loan_id: int) -> list[GuaranteeCall]:
    """The calls made on a loan's guarantees, oldest first."""
    rows = conn.execute(
        select(GuaranteeCallRow.__table__)
        .where(GuaranteeCallRow.loan_id == loan_id)
        .order_by(GuaranteeCallRow.id)
    )
    return [
        GuaranteeCall(r.id, r.loan_id, r.guarantor_id, r.called_on, Money(int(r.amount)), r.note)
        for r in rows
    ]


# ---- loans ------------------------------------------------------------------------------------
def _loan(row: Any) -> Loan:
    return Loan(
        id=row.id,
        fund_id=row.fund_id,
        number=row.number,
        household_id=row.household_id,
        batch_id=row.batch_id,
        principal=Money(int(row.principal)),
        disbursed_on=row.disbursed_on,
        round=row.round,
        status=LoanStatus(row.status),
        schedule_version=row.schedule_version,
        paid_in_version=_m(row.paid_in_version),
        principal_paid=_m(row.principal_paid),
        interest_paid=_m(row.interest_paid),
        fee_paid=_m(row.fee_paid),
        penalty_paid=_m(row.penalty_paid),
        written_off=_m(row.written_off),
        recovered=_m(row.recovered),
        pledge_held=_m(row.pledge_held),
        closed_on=row.closed_on,
    )


_LOANS = _by_ref(select(_LOAN), _LOAN, "number")


def find_loan(conn: Connection, fund_id: int, ref: int | str) -> Loan:
    """The fund's loan with this id or number."""
    row = _row_by_ref(conn, _LOANS, fund_id, ref)
    if row is None:
        raise unknown_loan(ref)
    return _loan(row)


Installment = tuple[int, date, int, int, int]
"""One instalment of a schedule version as a payment reads it: number, due date, principal, interest and
fee (fen)."""


@dataclass(frozen=True, slots=True)
class PayingLoan:
    """What recording a payment on a loan reads about the loan.

    Attributes:
        loan: the loan and its repayment state.
        order: its allocation order, e.g. ``penalty,fee,interest,principal``.
        schedule_since: the date its newest schedule version took effect.
        receivable: its receivable account (None if that was never opened).
    """

    loan: Loan
    order: str
    schedule_since: date
    receivable: ResolvedAccount | None


@dataclass(frozen=True, slots=True)
class LoanForPayment:
    """What recording one payment on a loan reads first, in one statement.

    Attributes:
        paying: the loan, its allocation order, its schedule's start and its receivable.
        receipt_taken: whether the receipt number asked about is already used in the fund.
        key_used: whether the idempotency key asked about is already used in the fund's journal.
    """

    paying: PayingLoan
    receipt_taken: bool
    key_used: bool


_SCHEDULE_SINCE = (
    select(_VERSION.c.effective_on)
    .where(_VERSION.c.loan_id == _LOAN.c.id)
    .order_by(_VERSION.c.version.desc())
    .limit(1)
    .scalar_subquery()
)
_RECEIPT_TAKEN = (
    select(_RECEIPT.c.id)
    .where(_RECEIPT.c.fund_id == bindparam("fund"), _RECEIPT.c.receipt == bindparam("receipt"))
    .limit(1)
    .scalar_subquery()
)
_KEY_USED = (
    select(_ENTRY.c.seq)
    .where(_ENTRY.c.fund_id == bindparam("fund"), _ENTRY.c.idempotency_key == bindparam("key"))
    .limit(1)
    .scalar_subquery()
)
_WITH_RECEIVABLE = _LOAN.outerjoin(
    _ACCOUNT,
    and_(
        _ACCOUNT.c.fund_id == _LOAN.c.fund_id,
        _ACCOUNT.c.role == AccountRole.LOANS_RECEIVABLE.value,
        _ACCOUNT.c.sub == _LOAN.c.number,
    ),
)
_FOR_PAYMENT = select(
    _LOAN,
    _SCHEDULE_SINCE.label("schedule_since"),
    _ACCOUNT.c.id.label("receivable_id"),
    _ACCOUNT.c.code.label("receivable_code"),
    _RECEIPT_TAKEN.label("earlier_receipt_id"),
    _KEY_USED.label("key_seq"),
).select_from(_WITH_RECEIVABLE)
_FOR_PAYMENTS = _by_ref(_FOR_PAYMENT, _LOAN, "number")


def _paying(row: Any) -> PayingLoan:
    return PayingLoan(
        loan=_loan(row),
        order=row.allocation_order,
        schedule_since=row.schedule_since,
        receivable=None
        if row.receivable_id is None
        else ResolvedAccount(int(row.receivable_id), row.receivable_code),
    )


def loan_for_payment(
    conn: Connection, fund_id: int, ref: int | str, *, receipt: str, key: str
) -> LoanForPayment:
    """The fund's loan with this id or number, with what a payment on it needs (see :class:`LoanForPayment`).

    Args:
        conn: the caller's connection.
        fund_id: the fund.
        ref: the loan's id or number.
        receipt: the payment's receipt number, to say whether the fund has used it already.
        key: the payment entry's idempotency key, to say whether the fund's journal has used it already.

    Raises:
        UnknownLoan: no such loan in the fund.
    """
    row = _row_by_ref(conn, _FOR_PAYMENTS, fund_id, ref, receipt=receipt, key=key)
    if row is None:
        raise unknown_loan(ref)
    return LoanForPayment(
        paying=_paying(row),
        receipt_taken=row.earlier_receipt_id is not None,
        key_used=row.key_seq is not None,
    )


_PAYING = select(
    _LOAN,
    _SCHEDULE_SINCE.label("schedule_since"),
    _ACCOUNT.c.id.label("receivable_id"),
    _ACCOUNT.c.code.label("receivable_code"),
).select_from(_WITH_RECEIVABLE)
_PAYING_LOANS = _by_ref(_PAYING, _LOAN, "number")


def loans_for_payments(
    conn: Connection, fund_id: int, refs: Iterable[int | str]
) -> dict[int | str, PayingLoan]:
    """The fund's loans named by these ids or numbers, each with what a payment on it needs, read in a
    few statements; a reference to no loan of the fund is left out."""
    return {ref: _paying(row) for ref, row in _rows_by_ref(conn, _PAYING_LOANS, fund_id, refs).items()}


_RECEIPTS_BY_NUMBERS = select(_RECEIPT).where(
    _RECEIPT.c.fund_id == bindparam("fund"), _any_of(_RECEIPT.c.receipt)
)


def find_receipts(conn: Connection, fund_id: int, numbers: Iterable[str]) -> dict[str, Receipt]:
    """The fund's receipts with these numbers, by number (numbers not in use are left out)."""
    return {
        row.receipt: _receipt(row) for row in _select_in(conn, _RECEIPTS_BY_NUMBERS, numbers, fund=fund_id)
    }


_KEYS_USED = select(_ENTRY.c.idempotency_key, _ENTRY.c.seq).where(
    _ENTRY.c.fund_id == bindparam("fund"), _any_of(_ENTRY.c.idempotency_key)
)


def keys_used(conn: Connection, fund_id: int, keys: Iterable[str]) -> dict[str, int]:
    """Those of ``keys`` that the fund's journal has used as idempotency keys, each with its entry."""
    return {key: int(seq) for key, seq in _select_in(conn, _KEYS_USED, keys, fund=fund_id)}


def list_loans(conn: Connection, fund_id: int, *, status: LoanStatus | None = None) -> list[Loan]:
    """The fund's loans (of one status), in disbursement order."""
    stmt = select(LoanRow.__table__).where(LoanRow.fund_id == fund_id).order_by(LoanRow.id)
    if status is not None:
        stmt = stmt.where(LoanRow.status == status.value)
    return [_loan(r) for r in conn.execute(stmt)]


_LOAN_NUMBERS_USED = select(_LOAN.c.number).where(
    _LOAN.c.fund_id == bindparam("fund"), _any_of(_LOAN.c.number)
)


def loan_numbers_used(conn: Connection, fund_id: int, numbers: Iterable[str]) -> set[str]:
    """Those of ``numbers`` that the fund's loans already use."""
    return {row[0] for row in _select_in(conn, _LOAN_NUMBERS_USED, numbers, fund=fund_id)}


@dataclass(frozen=True, slots=True)
class NewLoan:
    """A loan's row as a payout writes it."""

    number: str
    household_id: int
    batch_id: int
    principal: Money
    disbursed_on: date
    disbursement_seq: int
    round: int
    order: str
    pledge_held: Money


_INSERT_LOANS = insert(_LOAN)
_LOAN_IDS = select(_LOAN.c.number, _LOAN.c.id).where(
    _LOAN.c.fund_id == bindparam("fund"), _any_of(_LOAN.c.number)
)


def insert_loans(conn: Connection, fund_id: int, loans: Sequence[NewLoan]) -> list[int]:
    """Write new loans' rows (numbers checked unused by the caller) in one statement; return their ids."""
    run_many(
        conn,
        _INSERT_LOANS,
        [
            {
                "fund_id": fund_id,
                "number": n.number,
                "household_id": n.household_id,
                "batch_id": n.batch_id,
                "principal": n.principal.fen,
                "disbursed_on": n.disbursed_on,
                "disbursement_seq": n.disbursement_seq,
                "round": n.round,
                "status": LoanStatus.ACTIVE.value,
                "allocation_order": n.order,
                "schedule_version": 0,
                "paid_in_version": 0,
                "principal_paid": 0,
                "interest_paid": 0,
                "fee_paid": 0,
                "penalty_paid": 0,
                "written_off": 0,
                "recovered": 0,
                "pledge_held": n.pledge_held.fen,
            }
            for n in loans
        ],
    )
    ids = {
        number: int(i) for number, i in _select_in(conn, _LOAN_IDS, (n.number for n in loans), fund=fund_id)
    }
    return [ids[n.number] for n in loans]


def loans_by_ids(conn: Connection, fund_id: int, ids: Sequence[int]) -> list[Loan]:
    """These loans of the fund, in the order given."""
    found = _rows_by_ref(conn, _LOANS, fund_id, ids)
    return [_loan(found[i]) for i in ids]


def find_loan_by_disbursement(conn: Connection, fund_id: int, seq: int) -> Loan | None:
    """The loan paid out by journal entry ``seq`` of the fund, if any."""
    row = conn.execute(
        select(LoanRow.__table__).where(LoanRow.fund_id == fund_id, LoanRow.disbursement_seq == seq)
    ).first()
    return None if row is None else _loan(row)


_LOAN_ORDER = select(_LOAN.c.allocation_order).where(_LOAN.c.id == bindparam("loan"))


def loan_order(conn: Connection, loan_id: int) -> str:
    """The loan's allocation order, e.g. ``penalty,fee,interest,principal``."""
    return str(conn.execute(_LOAN_ORDER, {"loan": loan_id}).scalar_one())


_INSERT_GUARANTEES = insert(_GUARANTEE)


def insert_guarantees(conn: Connection, fund_id: int, guarantees: Sequence[tuple[int, int, Money]]) -> None:
    """Attach guarantees (loan id, guarantor id, amount pledged) to loans."""
    run_many(
        conn,
        _INSERT_GUARANTEES,
        [
            {"loan_id": loan, "guarantor_id": g, "fund_id": fund_id, "pledged": p.fen}
            for loan, g, p in guarantees
        ],
    )


_INSERT_VERSION = insert(_VERSION)
_INSERT_INSTALLMENTS = insert(_INSTALLMENT)
_MAKE_CURRENT = (
    update(_LOAN)
    .where(_LOAN.c.id == bindparam("loan"))
    .values(schedule_version=bindparam("version"), paid_in_version=0)
)


@dataclass(frozen=True, slots=True)
class NewVersion:
    """A schedule version as it is stored: which loan, from when, why, on what principal, and its dues."""

    loan_id: int
    version: int
    on: date
    reason: str
    principal: Money
    terms: str
    installments: Sequence[Installment]


def add_schedule_version(
    conn: Connection,
    *,
    fund_id: int,
    loan_id: int,
    version: int,
    on: date,
    reason: str,
    principal: Money,
    terms: str,
    installments: Sequence[Installment],
) -> None:
    """Store a schedule version and its instalments, and make it the loan's current one."""
    add_schedule_versions(
        conn, fund_id, [NewVersion(loan_id, version, on, reason, principal, terms, installments)]
    )


def add_schedule_versions(conn: Connection, fund_id: int, versions: Sequence[NewVersion]) -> None:
    """Store schedule versions (at most one per loan) and their instalments, and make each its loan's
    current one."""
    run_many(
        conn,
        _INSERT_VERSION,
        [
            {
                "loan_id": v.loan_id,
                "version": v.version,
                "fund_id": fund_id,
                "effective_on": v.on,
                "reason": v.reason,
                "principal": v.principal.fen,
                "terms": v.terms,
            }
            for v in versions
        ],
    )
    run_many(
        conn,
        _INSERT_INSTALLMENTS,
        [
            {
                "loan_id": v.loan_id,
                "version": v.version,
                "number": number,
                "fund_id": fund_id,
                "due_date": due_date,
                "principal": principal,
                "interest": interest,
                "fee": fee,
            }
            for v in versions
            for number, due_date, principal, interest, fee in v.installments
        ],
    )
    run_many(conn, _MAKE_CURRENT, [{"loan": v.loan_id, "version": v.version} for v in versions])


_DUES = (
    select(
        _INSTALLMENT.c.number,
        _INSTALLMENT.c.due_date,
        _INSTALLMENT.c.principal,
        _INSTALLMENT.c.interest,
        _INSTALLMENT.c.fee,
    )
    .where(_INSTALLMENT.c.loan_id == bindparam("loan"), _INSTALLMENT.c.version == bindparam("version"))
    .order_by(_INSTALLMENT.c.number)
)


def dues(conn: Connection, loan_id: int, version: int) -> tuple[Due, ...]:
    """The instalments of one schedule version, in order."""
    rows = run(conn, _DUES, {"loan": loan_id, "version": version})
    return tuple(
        Due(number=n, due_date=d, principal=_m(p), interest=_m(i), fee=_m(f)) for n, d, p, i, f in rows
    )


@dataclass(frozen=True, slots=True)
class DuesReached:
    """The instalments of a schedule version that a payment reaches, and what the version still owes.

    Payments fill instalments oldest first (by due date, then number), so allocating a payment after
    ``paid`` over every instalment is allocating it after :attr:`paid` over :attr:`dues` alone.

    Attributes:
        owed: the version's dues less what was paid under it, never below zero (:func:`revolve.loans.owed`).
        dues: oldest first, from the first instalment not wholly paid to the one in which the payment runs
            out (or to the last one, if it does not run out).
        paid: the part of what was paid that fell on :attr:`dues`.
    """

    owed: Money
    dues: tuple[Due, ...]
    paid: Money


_DUES_OLDEST_FIRST = (
    select(
        _INSTALLMENT.c.number,
        _INSTALLMENT.c.due_date,
        _INSTALLMENT.c.principal,
        _INSTALLMENT.c.interest,
        _INSTALLMENT.c.fee,
    )
    .where(_INSTALLMENT.c.loan_id == bindparam("loan"), _INSTALLMENT.c.version == bindparam("version"))
    .order_by(_INSTALLMENT.c.due_date, _INSTALLMENT.c.number)
)


def installments(conn: Connection, loan_id: int, version: int) -> list[Installment]:
    """The instalments of one schedule version as a payment reads them, oldest first."""
    return run(conn, _DUES_OLDEST_FIRST, {"loan": loan_id, "version": version}, named=False)


_CURRENT_INSTALLMENTS = (
    select(
        _INSTALLMENT.c.loan_id,
        _INSTALLMENT.c.number,
        _INSTALLMENT.c.due_date,
        _INSTALLMENT.c.principal,
        _INSTALLMENT.c.interest,
        _INSTALLMENT.c.fee,
    )
    .join(
        _LOAN,
        and_(_LOAN.c.id == _INSTALLMENT.c.loan_id, _LOAN.c.schedule_version == _INSTALLMENT.c.version),
    )
    .where(_any_of(_INSTALLMENT.c.loan_id))
    .order_by(_INSTALLMENT.c.loan_id, _INSTALLMENT.c.due_date, _INSTALLMENT.c.number)
)


def current_installments(conn: Connection, loan_ids: Iterable[int]) -> dict[int, list[Installment]]:
    """The instalments of each loan's current schedule version, oldest first, read in a few statements."""
    found: dict[int, list[Installment]] = {}
    for row in _select_in(conn, _CURRENT_INSTALLMENTS, loan_ids, named=False):
        found.setdefault(row[0], []).append(row[1:])
    return found


def as_dues(rows: Sequence[Installment]) -> tuple[Due, ...]:
    """Instalments as :class:`~revolve.loans.Due` values, in the order given."""
    return tuple(
        Due(number=n, due_date=d, principal=_m(p), interest=_m(i), fee=_m(f)) for n, d, p, i, f in rows
    )


def reach(rows: Sequence[Installment], *, paid: Money, amount: Money) -> DuesReached:
    """What a payment of ``amount`` after ``paid`` reaches in a schedule version's instalments, given
    oldest first (see :class:`DuesReached`).

    Only those instalments become :class:`~revolve.loans.Due` values: a payment reaches one or two of a
    schedule's instalments, and making a :class:`~revolve.loans.Due` costs more than reading its row.
    """
    totals = [p + i + f for _, _, p, i, f in rows]
    skip, first = paid.fen, 0
    while first < len(rows) and totals[first] <= skip:  # wholly paid before
        skip -= totals[first]
        first += 1
    end, reached = first, 0
    while end < len(rows) and reached < skip + amount.fen:
        reached += totals[end]
        end += 1
    return DuesReached(
        owed=Money(max(sum(totals) - paid.fen, 0)), dues=as_dues(rows[first:end]), paid=Money(skip)
    )


def schedule_versions(conn: Connection, loan_id: int) -> list[ScheduleVersion]:
    """Every schedule version of a loan, oldest first (the old ones are kept)."""
    rows = conn.execute(
        select(ScheduleVersionRow.__table__)
        .where(ScheduleVersionRow.loan_id == loan_id)
        .order_by(ScheduleVersionRow.version)
    )
    return [
        ScheduleVersion(r.loan_id, r.version, r.effective_on, r.reason, Money(int(r.principal))) for r in rows
    ]


_STATE_COLUMNS = (
    "status",
    "schedule_version",
    "paid_in_version",
    "principal_paid",
    "interest_paid",
    "fee_paid",
    "penalty_paid",
    "written_off",
    "recovered",
    "pledge_held",
    "closed_on",
)
_UPDATE_LOAN_STATE = (
    update(_LOAN)
    .where(_LOAN.c.id == bindparam("loan"))
    .values({name: bindparam(f"new_{name}") for name in _STATE_COLUMNS})
)


def _state_values(loan: Loan) -> dict[str, Any]:
    return {
        "loan": loan.id,
        "new_status": loan.status.value,
        "new_schedule_version": loan.schedule_version,
        "new_paid_in_version": loan.paid_in_version.fen,
        "new_principal_paid": loan.principal_paid.fen,
        "new_interest_paid": loan.interest_paid.fen,
        "new_fee_paid": loan.fee_paid.fen,
        "new_penalty_paid": loan.penalty_paid.fen,
        "new_written_off": loan.written_off.fen,
        "new_recovered": loan.recovered.fen,
        "new_pledge_held": loan.pledge_held.fen,
        "new_closed_on": loan.closed_on,
    }


def update_loan_state(conn: Connection, loan: Loan) -> None:
    """Write a loan's running state back."""
    run(conn, _UPDATE_LOAN_STATE, _state_values(loan))


def update_loan_states(conn: Connection, loans: Iterable[Loan]) -> None:
    """Write many loans' running state back, in one statement."""
    rows = [_state_values(loan) for loan in loans]
    if len(rows) == 1:
        run(conn, _UPDATE_LOAN_STATE, rows[0])
    else:
        run_many(conn, _UPDATE_LOAN_STATE, rows)


# ---- receipts, write-offs, grants -----------------------------------------------------------------
def _receipt(row: Any) -> Receipt:
    return Receipt(
        id=row.id,
        loan_id=row.loan_id,
        receipt=row.receipt,
        value_date=row.value_date,
        kind=row.kind,
        payer=PayerKind(row.payer_kind),
        guarantor_id=row.guarantor_id,
        amount=Money(int(row.amount)),
        principal=Money(int(row.principal)),
        interest=Money(int(row.interest)),
        fee=Money(int(row.fee)),
        penalty=Money(int(row.penalty)),
        schedule_version=row.schedule_version,
        entry_seq=row.entry_seq,
    )


_RECEIPT_BY_NUMBER = select(_RECEIPT).where(
    _RECEIPT.c.fund_id == bindparam("fund"), _RECEIPT.c.receipt == bindparam("receipt")
)
_INSERT_RECEIPT = insert(_RECEIPT).returning(_RECEIPT.c.id)


def find_receipt(conn: Connection, fund_id: int, receipt: str) -> Receipt | None:
    """The receipt with this number in the fund, if any."""
    rows = run(conn, _RECEIPT_BY_NUMBER, {"fund": fund_id, "receipt": receipt})
    return _receipt(rows[0]) if rows else None


def _receipt_values(fund_id: int, receipt: Receipt) -> dict[str, Any]:
    return {
        "fund_id": fund_id,
        "loan_id": receipt.loan_id,
        "receipt": receipt.receipt,
        "value_date": receipt.value_date,
        "kind": receipt.kind,
        "payer_kind": receipt.payer.value,
        "guarantor_id": receipt.guarantor_id,
        "amount": receipt.amount.fen,
        "principal": receipt.principal.fen,
        "interest": receipt.interest.fen,
        "fee": receipt.fee.fen,
        "penalty": receipt.penalty.fen,
        "schedule_version": receipt.schedule_version,
        "entry_seq": receipt.entry_seq,
    }


def insert_receipt(conn: Connection, fund_id: int, receipt: Receipt) -> Receipt:
    """Record money received on a loan."""
    new_id = run(conn, _INSERT_RECEIPT, _receipt_values(fund_id, receipt))[0][0]
    return replace(receipt, id=new_id)


_INSERT_RECEIPTS = insert(_RECEIPT)
_RECEIPT_IDS = select(_RECEIPT.c.receipt, _RECEIPT.c.id).where(
    _RECEIPT.c.fund_id == bindparam("fund"), _any_of(_RECEIPT.c.receipt)
)


def insert_receipts(
    conn: Connection, fund_id: int, receipts: Sequence[Receipt], seqs: Sequence[int]
) -> list[Receipt]:
    """Record receipts (numbers unique in the fund), each posted by the journal entry in ``seqs``, in
    one statement; return them with their ids and entries."""
    rows = [_receipt_values(fund_id, r) | {"entry_seq": s} for r, s in zip(receipts, seqs, strict=True)]
    if len(rows) == 1:
        ids = {receipts[0].receipt: run(conn, _INSERT_RECEIPT, rows[0])[0][0]}
    else:
        run_many(conn, _INSERT_RECEIPTS, rows)
        ids = dict(_select_in(conn, _RECEIPT_IDS, (r.receipt for r in receipts), fund=fund_id))
    return [
        # built field by field: dataclasses.replace costs several times more
        Receipt(
            ids[r.receipt],
            r.loan_id,
            r.receipt,
            r.value_date,
            r.kind,
            r.payer,
            r.guarantor_id,
            r.amount,
            r.principal,
            r.interest,
            r.fee,
            r.penalty,
            r.schedule_version,
            seq,
        )
        for r, seq in zip(receipts, seqs, strict=True)
    ]


def receipts(conn: Connection, loan_id: int) -> list[Receipt]:
    """Every receipt on a loan, by value date then recording order."""
    rows = conn.execute(
        select(ReceiptRow.__table__)
        .where(ReceiptRow.loan_id == loan_id)
        .order_by(ReceiptRow.value_date, ReceiptRow.id)
    )
    return [_receipt(r) for r in rows]


def paid_in_version_as_of(conn: Connection, loan_id: int, version: int, as_of: date) -> Money:
    """What was repaid under a schedule version with value dates on or before ``as_of``."""
    total = conn.execute(
        select(func.coalesce(func.sum(ReceiptRow.amount), 0)).where(
            ReceiptRow.loan_id == loan_id,
            ReceiptRow.schedule_version == version,
            ReceiptRow.kind == "repayment",
            ReceiptRow.value_date <= as_of,
        )
    ).scalar_one()
    return Money(int(total))


def insert_write_off(
    conn: Connection,
    fund_id: int,
    *,
    loan_id: int,
    on: date,
    amount: Money,
    approval_ref: str,
    reason: str,
    seq: int,
) -> None:
    """Add a loan to the write-off register."""
    conn.execute(
        insert(WriteOffRow).values(
            loan_id=loan_id,
            fund_id=fund_id,
            written_on=on,
            amount=amount.fen,
            approval_ref=approval_ref,
            reason=reason,
            entry_seq=seq,
        )
    )


def write_offs(conn: Connection, fund_id: int) -> list[WriteOff]:
    """The write-off register (备查簿) of the fund."""
    rows = conn.execute(
        select(WriteOffRow.__table__, LoanRow.number, LoanRow.recovered)
        .join(LoanRow, LoanRow.id == WriteOffRow.loan_id)
        .where(WriteOffRow.fund_id == fund_id)
        .order_by(WriteOffRow.written_on, WriteOffRow.loan_id)
    )
    return [
        WriteOff(
            loan_id=r.loan_id,
            loan_number=r.number,
            written_on=r.written_on,
            amount=Money(int(r.amount)),
            recovered=Money(int(r.recovered)),
            approval_ref=r.approval_ref,
            reason=r.reason,
            entry_seq=r.entry_seq,
        )
        for r in rows
    ]


def insert_grant(
    conn: Connection, fund_id: int, *, seq: int, household_id: int, amount: Money, on: date
) -> None:
    """Record a one-off grant to a household."""
    conn.execute(
        insert(GrantRow).values(
            fund_id=fund_id, entry_seq=seq, household_id=household_id, amount=amount.fen, value_date=on
        )
    )


# ---- bank-lent subsidised loans -----------------------------------------------------------------
def insert_bank_loan(
    conn: Connection, fund_id: int, *, number: str, household_id: int, bank: str, terms: str, caps: str
) -> int:
    """Record a bank-lent loan for information; return its id."""
    if conn.execute(
        select(BankLoanRow.id).where(BankLoanRow.fund_id == fund_id, BankLoanRow.number == number)
    ).first():
        raise DuplicateCode(number, what="bank loan")
    return int(
        conn.execute(
            insert(BankLoanRow)
            .values(
                fund_id=fund_id, number=number, household_id=household_id, bank=bank, terms=terms, caps=caps
            )
            .returning(BankLoanRow.id)
        ).scalar_one()
    )


_BANK_LOANS = _by_ref(select(_BANK_LOAN), _BANK_LOAN, "number")


def find_bank_loan(conn: Connection, fund_id: int, ref: int | str) -> Any:
    """The bank loan row with this id or number."""
    row = _row_by_ref(conn, _BANK_LOANS, fund_id, ref)
    if row is None:
        raise UnknownBankLoan(ref, hint="register it with ledger.register_bank_loan(...)")
    return row


def mark_bank_loan_breach(conn: Connection, bank_loan_id: int, on: date) -> None:
    """Record that a bank loan broke its terms (overdue, misuse) from a date: no subsidy after it."""
    conn.execute(update(BankLoanRow).where(BankLoanRow.id == bank_loan_id).values(in_breach_from=on))


def subsidy_paid(conn: Connection, bank_loan_id: int) -> dict[int, Money]:
    """The subsidy already paid per period of a bank loan."""
    rows = conn.execute(
        select(SubsidyPaymentRow.period, SubsidyPaymentRow.amount).where(
            SubsidyPaymentRow.bank_loan_id == bank_loan_id
        )
    )
    return {int(p): Money(int(a)) for p, a in rows}


def insert_subsidy_payment(
    conn: Connection, fund_id: int, *, bank_loan_id: int, period: int, amount: Money, on: date, seq: int
) -> None:
    """Record the subsidy paid for one period."""
    conn.execute(
        insert(SubsidyPaymentRow).values(
            bank_loan_id=bank_loan_id,
            period=period,
            fund_id=fund_id,
            amount=amount.fen,
            value_date=on,
            entry_seq=seq,
        )
    )


# ---- fund figures from the books --------------------------------------------------------------------
def _cash_by_kind(conn: Connection, fund_id: int, as_of: date | None, *, prefix: str) -> dict[str, int]:
    stmt = (
        select(EntryRow.kind, func.sum(PostingRow.amount))
        .join(EntryRow, and_(EntryRow.fund_id == PostingRow.fund_id, EntryRow.seq == PostingRow.entry_seq))
        .join(AccountRow, AccountRow.id == PostingRow.account_id)
        .where(
            PostingRow.fund_id == fund_id,
            AccountRow.role == AccountRole.FUND_CASH.value,
            EntryRow.kind.like(f"{prefix}%"),
        )
        .group_by(EntryRow.kind)
    )
    if as_of is not None:
        stmt = stmt.where(PostingRow.value_date <= as_of)
    return {kind: int(total) for kind, total in conn.execute(stmt)}


def capital_by_source(conn: Connection, fund_id: int, as_of: date | None = None) -> dict[str, Money]:
    """Contributions received, by source (``donation``, ``fiscal``, …), net of any reversal."""
    return {
        kind.split(".", 1)[1]: Money(total)
        for kind, total in _cash_by_kind(conn, fund_id, as_of, prefix="contribution.").items()
    }


def capital_contributed(conn: Connection, fund_id: int, as_of: date | None = None) -> Money:
    """All contributions received (net of reversals)."""
    return Money(sum(_cash_by_kind(conn, fund_id, as_of, prefix="contribution.").values()))


def disbursed_total(conn: Connection, fund_id: int, as_of: date | None = None) -> Money:
    """Principal the fund has lent, in all."""
    stmt = select(func.coalesce(func.sum(LoanRow.principal), 0)).where(LoanRow.fund_id == fund_id)
    if as_of is not None:
        stmt = stmt.where(LoanRow.disbursed_on <= as_of)
    return Money(int(conn.execute(stmt).scalar_one()))


@dataclass(frozen=True, slots=True)
class RoundBasis:
    """What a loan's round (轮次) is computed from: capital contributed and principal lent, in fen by value
    date, as the fund's books stood through journal entry ``seq``, whose chain hash is ``hash``.

    The amounts are those of :func:`capital_contributed` and :func:`disbursed_total`. Journal entries
    never change, a chain hash vouches for every entry up to its own, and each loan is paid out by an
    entry of its own: so a basis stays true for as long as entry ``seq`` keeps that hash, and
    :func:`round_basis` then reads only what was written after it. ``loan_id`` is the highest loan id read.
    """

    seq: int
    hash: str
    loan_id: int
    capital: dict[date, int]
    lent: dict[date, int]

    def capital_as_of(self, on: date) -> Money:
        """Capital contributed with value dates on or before ``on``."""
        return Money(sum(fen for day, fen in self.capital.items() if day <= on))

    def lent_as_of(self, on: date) -> Money:
        """Principal of the loans paid out on or before ``on``."""
        return Money(sum(fen for day, fen in self.lent.items() if day <= on))


_ENTRY_HASH = select(_ENTRY.c.hash).where(
    _ENTRY.c.fund_id == bindparam("fund"), _ENTRY.c.seq == bindparam("seq")
)
_CONTRIBUTED_SINCE = (
    select(_POSTING.c.value_date, func.sum(_POSTING.c.amount))
    .join(_ENTRY, and_(_ENTRY.c.fund_id == _POSTING.c.fund_id, _ENTRY.c.seq == _POSTING.c.entry_seq))
    .join(_ACCOUNT, _ACCOUNT.c.id == _POSTING.c.account_id)
    .where(
        _POSTING.c.fund_id == bindparam("fund"),
        _POSTING.c.entry_seq > bindparam("seq"),
        _ACCOUNT.c.role == AccountRole.FUND_CASH.value,
        _ENTRY.c.kind.like("contribution.%"),
    )
    .group_by(_POSTING.c.value_date)
)
# by id alone, so that SQLite walks the new rows only (the fund's index would walk all its loans)
_LENT_SINCE = select(
    _LOAN.c.id, _LOAN.c.fund_id, _LOAN.c.disbursed_on, _LOAN.c.principal, _LOAN.c.disbursement_seq
).where(_LOAN.c.id > bindparam("loan"))


def _entry_hash(conn: Connection, fund_id: int, seq: int) -> str | None:
    rows = run(conn, _ENTRY_HASH, {"fund": fund_id, "seq": seq})
    return str(rows[0].hash) if rows else None


def round_basis(conn: Connection, head: FundHead, known: RoundBasis | None = None) -> RoundBasis:
    """The fund's :class:`RoundBasis` at its locked ``head``, reading only what was written since ``known``.

    Without ``known``, or when its entry is gone or differs (the transaction that wrote it rolled back),
    everything is read afresh. The reads cost what was written since, not the size of the book.
    """
    fund_id = head.fund.id
    if known is not None and (known.seq, known.hash) == (head.count, head.hash):
        return known
    if known is not None and known.seq < head.count and _entry_hash(conn, fund_id, known.seq) == known.hash:
        seq, last_loan, capital, lent = known.seq, known.loan_id, dict(known.capital), dict(known.lent)
    else:
        seq, last_loan, capital, lent = 0, 0, {}, {}
    for day, total in run(conn, _CONTRIBUTED_SINCE, {"fund": fund_id, "seq": seq}):
        capital[day] = capital.get(day, 0) + int(total)
    newest_loan = last_loan
    for loan_id, loan_fund, day, principal, disbursement_seq in run(conn, _LENT_SINCE, {"loan": last_loan}):
        if loan_fund != fund_id:
            continue
        newest_loan = max(newest_loan, int(loan_id))
        # a loan paid out by an entry already read was counted then (written again after a rollback)
        if disbursement_seq > seq:
            lent[day] = lent.get(day, 0) + int(principal)
    return RoundBasis(head.count, head.hash, newest_loan, capital, lent)


def households_served(conn: Connection, fund_id: int, as_of: date | None = None) -> int:
    """Distinct households that have had a loan from the fund."""
    stmt = select(func.count(func.distinct(LoanRow.household_id))).where(LoanRow.fund_id == fund_id)
    if as_of is not None:
        stmt = stmt.where(LoanRow.disbursed_on <= as_of)
    return int(conn.execute(stmt).scalar_one())


def principal_recovered(conn: Connection, fund_id: int, start: date | None, end: date | None) -> Money:
    """Principal repaid (all payers) with value dates in [start, end]."""
    stmt = select(func.coalesce(func.sum(ReceiptRow.principal), literal(0))).where(
        ReceiptRow.fund_id == fund_id, ReceiptRow.kind == "repayment"
    )
    if start is not None:
        stmt = stmt.where(ReceiptRow.value_date >= start)
    if end is not None:
        stmt = stmt.where(ReceiptRow.value_date <= end)
    return Money(int(conn.execute(stmt).scalar_one()))


def principal_disbursed_between(
    conn: Connection, fund_id: int, start: date | None, end: date | None
) -> Money:
    """Principal lent with disbursement dates in [start, end]."""
    stmt = select(func.coalesce(func.sum(LoanRow.principal), 0)).where(LoanRow.fund_id == fund_id)
    if start is not None:
        stmt = stmt.where(LoanRow.disbursed_on >= start)
    if end is not None:
        stmt = stmt.where(LoanRow.disbursed_on <= end)
    return Money(int(conn.execute(stmt).scalar_one()))


def loan_rounds(conn: Connection, fund_id: int) -> dict[str, int]:
    """Each loan's round (轮次), by loan number."""
    rows = conn.execute(select(LoanRow.number, LoanRow.round).where(LoanRow.fund_id == fund_id))
    return {number: int(r) for number, r in rows}


# ---- audits (DESIGN §10 items 2, 3, 4, 6) --------------------------------------------------------------
def lending_check(conn: Connection, fund_ids: Sequence[int]) -> list[Violation]:
    """Violations of the lending invariants in the given funds."""
    out: list[Violation] = []
    receivable = {
        (int(f), sub): int(bal)
        for f, sub, bal in conn.execute(
            select(AccountRow.fund_id, AccountRow.sub, AccountRow.balance).where(
                AccountRow.fund_id.in_(fund_ids), AccountRow.role == AccountRole.LOANS_RECEIVABLE.value
            )
        )
    }
    repaid = {
        int(loan_id): int(total)
        for loan_id, total in conn.execute(
            select(ReceiptRow.loan_id, func.sum(ReceiptRow.principal))
            .where(ReceiptRow.fund_id.in_(fund_ids), ReceiptRow.kind == "repayment")
            .group_by(ReceiptRow.loan_id)
        )
    }
    for row in conn.execute(
        select(LoanRow.__table__).where(LoanRow.fund_id.in_(fund_ids)).order_by(LoanRow.id)
    ):
        loan = _loan(row)
        outstanding = loan.outstanding.fen
        ledger_balance = receivable.get((loan.fund_id, loan.number), 0)
        subject = f"loan {loan.number}"
        if outstanding < 0:
            out.append(
                Violation(
                    "loan_outstanding_negative", loan.fund_id, subject, f"outstanding {outstanding} fen"
                )
            )
        if outstanding != ledger_balance:
            out.append(
                Violation(
                    "loan_subledger_differs",
                    loan.fund_id,
                    subject,
                    f"principal {loan.principal.fen} − repaid {loan.principal_paid.fen} − written off "
                    f"{loan.written_off.fen} = {outstanding} fen, "
                    f"but its receivable holds {ledger_balance} fen",
                )
            )
        if repaid.get(loan.id, 0) != loan.principal_paid.fen:
            out.append(
                Violation(
                    "loan_receipts_differ",
                    loan.fund_id,
                    subject,
                    f"receipts repay {repaid.get(loan.id, 0)} fen of principal, "
                    f"the loan records {loan.principal_paid.fen}",
                )
            )
        if loan.status is LoanStatus.CLOSED and outstanding != 0:
            out.append(
                Violation("closed_loan_outstanding", loan.fund_id, subject, f"{outstanding} fen outstanding")
            )
    for fund_id in fund_ids:
        running = 0
        for day, total in conn.execute(
            select(PostingRow.value_date, func.sum(PostingRow.amount))
            .join(AccountRow, AccountRow.id == PostingRow.account_id)
            .where(PostingRow.fund_id == fund_id, AccountRow.role == AccountRole.FUND_CASH.value)
            .group_by(PostingRow.value_date)
            .order_by(PostingRow.value_date)
        ):
            running += int(total)
            if running < 0:
                out.append(
                    Violation(
                        "cash_negative", fund_id, f"date {day.isoformat()}", f"cash stands at {running} fen"
                    )
                )
                break
    for loan_id, version, principal, scheduled, first, last, count in conn.execute(
        select(
            ScheduleVersionRow.loan_id,
            ScheduleVersionRow.version,
            ScheduleVersionRow.principal,
            func.sum(InstallmentRow.principal),
            func.min(InstallmentRow.number),
            func.max(InstallmentRow.number),
            func.count(),
        )
        .join(
            InstallmentRow,
            and_(
                InstallmentRow.loan_id == ScheduleVersionRow.loan_id,
                InstallmentRow.version == ScheduleVersionRow.version,
            ),
        )
        .where(ScheduleVersionRow.fund_id.in_(fund_ids))
        .group_by(ScheduleVersionRow.loan_id, ScheduleVersionRow.version, ScheduleVersionRow.principal)
    ):
        if int(scheduled) != int(principal):
            out.append(
                Violation(
                    "schedule_principal_differs",
                    _fund_of_loan(conn, loan_id),
                    f"loan id {loan_id} version {version}",
                    f"instalments carry {scheduled} fen of principal, the schedule {principal} fen",
                )
            )
        if last - first + 1 != count:
            out.append(
                Violation("schedule_gap", _fund_of_loan(conn, loan_id), f"loan id {loan_id}", "numbers skip")
            )
    previous: dict[tuple[int, int], date] = {}
    for loan_id, version, number, due in conn.execute(
        select(InstallmentRow.loan_id, InstallmentRow.version, InstallmentRow.number, InstallmentRow.due_date)
        .where(InstallmentRow.fund_id.in_(fund_ids))
        .order_by(InstallmentRow.loan_id, InstallmentRow.version, InstallmentRow.number)
    ):
        key = (int(loan_id), int(version))
        if key in previous and due <= previous[key] and number > 1:
            out.append(
                Violation(
                    "schedule_dates_not_increasing",
                    _fund_of_loan(conn, loan_id),
                    f"loan id {loan_id} version {version}",
                    f"instalment {number} is due {due.isoformat()}, not after {previous[key].isoformat()}",
                )
            )
        previous[key] = due
    return out


def _fund_of_loan(conn: Connection, loan_id: int) -> int:
    return int(conn.execute(select(LoanRow.fund_id).where(LoanRow.id == loan_id)).scalar_one())


def transfer_check(conn: Connection) -> list[Violation]:
    """Inter-fund balances must net to zero across the database, pair by pair (DESIGN §10 item 4)."""
    codes = {int(i): c for i, c in conn.execute(select(FundRow.id, FundRow.code))}
    by_code = {c: i for i, c in codes.items()}
    positions: dict[tuple[int, int], int] = {}
    for fund_id, sub, balance in conn.execute(
        select(AccountRow.fund_id, AccountRow.sub, AccountRow.balance).where(
            AccountRow.role.in_([AccountRole.DUE_FROM_FUND.value, AccountRole.DUE_TO_FUND.value]),
            AccountRow.sub != "",
        )
    ):
        other = by_code.get(sub)
        if other is None:
            return [
                Violation(
                    "transfer_unknown_fund", int(fund_id), f"counterparty {sub}", "no fund has this code"
                )
            ]
        pair = (min(int(fund_id), other), max(int(fund_id), other))
        positions[pair] = positions.get(pair, 0) + int(balance)
    # reported under both funds of the pair, so that checking either fund shows it
    return [
        Violation(
            "transfers_do_not_net",
            fund,
            f"funds {codes[a]} and {codes[b]}",
            f"their inter-fund balances sum to {total} fen, not 0",
        )
        for (a, b), total in sorted(positions.items())
        if total != 0
        for fund in (a, b)
    ]
