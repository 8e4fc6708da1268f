"""Loans and their schedules (tables ``revolve_loan``, ``revolve_schedule_version`` and
``revolve_installment``, with the loan's receivable account from ``revolve_account`` and the receipt
numbers and idempotency keys a payment asks about): finding and listing loans, what a payment reads
about its loan, writing new loans and their running state, and storing and reading schedule versions
and their instalments.

A schedule version is never changed once stored: an extension or a rescheduling adds a version and
makes it the loan's current one. Every function works inside the caller's transaction and never
commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, bindparam, insert, select, update

from revolve.chart import AccountRole
from revolve.errors import UnknownLoan
from revolve.loans import Loan, LoanStatus, ScheduleVersion
from revolve.loans.dues import Due, InstalmentRow, as_dues
from revolve.loans.file import LoanFile
from revolve.money import Money
from revolve.records import LOAN_COLUMNS, row_digest, schedule_digest
from revolve.schedule import LoanTerms
from revolve.store.accounts import ResolvedAccount
from revolve.store.driver import pipelined, run, run_many, send
from revolve.store.lookup import any_of, by_ref, row_by_ref, rows_among, rows_by_ref, select_in
from revolve.store.record_key import record_key
from revolve.store.rows import loan_of, loan_state_values, schedule_version_of, terms_from_json
from revolve.store.schema import (
    AccountRow,
    EntryRow,
    InstallmentRow,
    LoanRow,
    ReceiptRow,
    ScheduleVersionRow,
)

__all__ = [
    "LoanForPayment",
    "NewLoan",
    "NewVersion",
    "PayingLoan",
    "add_schedule_version",
    "add_schedule_versions",
    "current_installments",
    "dues",
    "find_loan",
    "find_loan_by_disbursement",
    "insert_loans",
    "installments",
    "list_loans",
    "loan_for_payment",
    "loan_numbers_used",
    "loan_order",
    "loans_by_ids",
    "loans_for_payments",
    "record_extension",
    "schedule_versions",
    "terms_of_version",
    "update_loan_state",
    "update_loan_states",
]

_ACCOUNT = cast(Table, AccountRow.__table__)
_ENTRY = cast(Table, EntryRow.__table__)
_INSTALLMENT = cast(Table, InstallmentRow.__table__)
_LOAN = cast(Table, LoanRow.__table__)
_RECEIPT = cast(Table, ReceiptRow.__table__)
_VERSION = cast(Table, ScheduleVersionRow.__table__)


# ---- loans ------------------------------------------------------------------------------------
_LOANS = by_ref(select(_LOAN), _LOAN, "number")


def find_loan(conn: Connection, fund_id: int, ref: int | str) -> Loan:
    """The fund's loan with this id or number."""
    row = row_by_ref(conn, _LOANS, fund_id, ref)
    if row is None:
        raise UnknownLoan(ref)
    return loan_of(row)


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
        installments: the instalments of the loan's current schedule version, oldest first (as
            :func:`installments` reads them), read with it.
    """

    paying: PayingLoan
    receipt_taken: bool
    key_used: bool
    installments: list[InstalmentRow]


_SCHEDULE_SINCE = (
    select(_VERSION.c.effective_on)
    .where(and_(_VERSION.c.fund_id == _LOAN.c.fund_id, _VERSION.c.loan_id == _LOAN.c.id))
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
_FOR_PAYMENTS = by_ref(_FOR_PAYMENT, _LOAN, "number")
# the instalments of the current schedule version of the loan a payment names, read beside the loan
# (not after it: on PostgreSQL both go in one round trip)
# an instalment as a Due is built from it (as_dues), in this order
_DUE_COLUMNS = (
    _INSTALLMENT.c.number,
    _INSTALLMENT.c.due_date,
    _INSTALLMENT.c.principal,
    _INSTALLMENT.c.interest,
    _INSTALLMENT.c.fee,
)
_CURRENT_DUES = (
    select(
        *_DUE_COLUMNS,
    )
    .select_from(
        _INSTALLMENT.join(
            _LOAN,
            and_(
                _LOAN.c.fund_id == _INSTALLMENT.c.fund_id,
                _LOAN.c.id == _INSTALLMENT.c.loan_id,
                _LOAN.c.schedule_version == _INSTALLMENT.c.version,
            ),
        )
    )
    .order_by(_INSTALLMENT.c.due_date, _INSTALLMENT.c.number)
)
_CURRENT_DUES_BY_REF = by_ref(_CURRENT_DUES, _LOAN, "number")


def _paying(row: Any) -> PayingLoan:
    return PayingLoan(
        loan=loan_of(row),
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
    by_id = isinstance(ref, int)
    with pipelined(conn):
        loan = send(
            conn,
            _FOR_PAYMENTS.one_by_id if by_id else _FOR_PAYMENTS.one_by_code,
            {"fund": fund_id, "ref": ref, "receipt": receipt, "key": key},
        )
        dues = send(
            conn,
            _CURRENT_DUES_BY_REF.one_by_id if by_id else _CURRENT_DUES_BY_REF.one_by_code,
            {"fund": fund_id, "ref": ref},
            named=False,
        )
    rows = loan()
    if not rows:
        raise UnknownLoan(ref)
    row = rows[0]
    return LoanForPayment(
        paying=_paying(row),
        receipt_taken=row.earlier_receipt_id is not None,
        key_used=row.key_seq is not None,
        installments=dues(),
    )


_PAYING = select(
    _LOAN,
    _SCHEDULE_SINCE.label("schedule_since"),
    _ACCOUNT.c.id.label("receivable_id"),
    _ACCOUNT.c.code.label("receivable_code"),
).select_from(_WITH_RECEIVABLE)
_PAYING_LOANS = by_ref(_PAYING, _LOAN, "number")


def loans_for_payments(
    conn: Connection, fund_id: int, refs: Iterable[int | str]
) -> dict[int | str, PayingLoan]:
    """The fund's loans named by these ids or numbers, each with what a payment on it needs, read in a
    few statements; a reference to no loan of the fund is left out."""
    return {ref: _paying(row) for ref, row in rows_by_ref(conn, _PAYING_LOANS, fund_id, refs).items()}


def list_loans(
    conn: Connection, fund_id: int, *, status: LoanStatus | None = None, among: Sequence[int] | None = None
) -> list[Loan]:
    """The fund's loans (of one status; of these ids, when given), in disbursement order; voided loans
    (冲正) only when asked for by ``status=LoanStatus.VOIDED``."""
    stmt = select(LoanRow.__table__).where(LoanRow.fund_id == fund_id).order_by(LoanRow.id)
    if status is not None:
        stmt = stmt.where(LoanRow.status == status.value)
    else:
        stmt = stmt.where(LoanRow.status != LoanStatus.VOIDED.value)
    return [loan_of(r) for r in rows_among(conn, stmt, LoanRow.id, among)]


_LOAN_NUMBERS_USED = select(_LOAN.c.number).where(
    _LOAN.c.fund_id == bindparam("fund"), any_of(_LOAN.c.number)
)


def loan_numbers_used(conn: Connection, fund_id: int, numbers: Iterable[str]) -> set[str]:
    """Those of ``numbers`` that the fund's loans already use."""
    return {row[0] for row in select_in(conn, _LOAN_NUMBERS_USED, numbers, fund=fund_id)}


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
    file: LoanFile | None = None


def _file_values(file: LoanFile | None) -> dict[str, object]:
    f = file or LoanFile()
    return {
        "purpose": None if f.purpose is None else f.purpose.value,
        "purpose_note": f.purpose_note,
        "agreement_no": f.agreement_no,
        "agreement_on": f.agreement_on,
        "helper": f.helper,
    }


_INSERT_LOANS = insert(_LOAN)
_LOAN_IDS = select(_LOAN.c.number, _LOAN.c.id).where(
    _LOAN.c.fund_id == bindparam("fund"), any_of(_LOAN.c.number)
)


def _with_digest(values: dict[str, Any]) -> dict[str, Any]:
    """A new loan row's values with its record digest (:data:`revolve.records.LOAN_COLUMNS`)."""
    return values | {"digest": row_digest("loan", values, LOAN_COLUMNS, record_key())}


def insert_loans(conn: Connection, fund_id: int, loans: Sequence[NewLoan]) -> list[int]:
    """Write new loans' rows (numbers checked unused by the caller) in one statement, each with its record
    digest; return their ids."""
    run_many(
        conn,
        _INSERT_LOANS,
        [
            _with_digest(
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
                    **_file_values(n.file),
                    "restructured_on": None,
                    "extensions": 0,
                    "extension_ref": None,
                    "extended_on": None,
                }
            )
            for n in loans
        ],
    )
    ids = {
        number: int(i) for number, i in select_in(conn, _LOAN_IDS, (n.number for n in loans), fund=fund_id)
    }
    return [ids[n.number] for n in loans]


def loans_by_ids(conn: Connection, fund_id: int, ids: Sequence[int]) -> list[Loan]:
    """These loans of the fund, in the order given."""
    found = rows_by_ref(conn, _LOANS, fund_id, ids)
    return [loan_of(found[i]) for i in ids]


def find_loan_by_disbursement(conn: Connection, fund_id: int, seq: int) -> Loan | None:
    """The loan paid out by journal entry ``seq`` of the fund, if any."""
    row = conn.execute(
        select(LoanRow.__table__).where(LoanRow.fund_id == fund_id, LoanRow.disbursement_seq == seq)
    ).first()
    return None if row is None else loan_of(row)


_LOAN_ORDER = select(_LOAN.c.allocation_order).where(_LOAN.c.id == bindparam("loan"))


def loan_order(conn: Connection, loan_id: int) -> str:
    """The loan's allocation order, e.g. ``penalty,fee,interest,principal``."""
    return str(conn.execute(_LOAN_ORDER, {"loan": loan_id}).scalar_one())


# ---- schedule versions and their instalments ---------------------------------------------------
_INSERT_VERSION = insert(_VERSION)
_INSERT_INSTALLMENTS = insert(_INSTALLMENT)
_MAKE_CURRENT = (
    update(_LOAN)
    .where(_LOAN.c.fund_id == bindparam("fund"), _LOAN.c.id == bindparam("loan"))
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
    installments: Sequence[InstalmentRow]
    approval_ref: str | None = None
    approved_by: str | None = None


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
    installments: Sequence[InstalmentRow],
    approval_ref: str | None = None,
    approved_by: str | None = None,
) -> None:
    """Store a schedule version and its instalments, and make it the loan's current one."""
    add_schedule_versions(
        conn,
        fund_id,
        [NewVersion(loan_id, version, on, reason, principal, terms, installments, approval_ref, approved_by)],
    )


def _version_values(fund_id: int, v: NewVersion) -> tuple[dict[str, object], list[dict[str, object]]]:
    head: dict[str, object] = {
        "loan_id": v.loan_id,
        "version": v.version,
        "fund_id": fund_id,
        "effective_on": v.on,
        "reason": v.reason,
        "principal": v.principal.fen,
        "terms": v.terms,
        "approval_ref": v.approval_ref,
        "approved_by": v.approved_by,
    }
    rows: list[dict[str, object]] = [
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
        for number, due_date, principal, interest, fee in v.installments
    ]
    head["digest"] = schedule_digest(head, rows, record_key())
    return head, rows


def add_schedule_versions(conn: Connection, fund_id: int, versions: Sequence[NewVersion]) -> None:
    """Store schedule versions (at most one per loan) and their instalments, each version with the
    digest of its content (:func:`revolve.records.schedule_digest`), and make each its loan's current
    one."""
    built = [_version_values(fund_id, v) for v in versions]
    run_many(conn, _INSERT_VERSION, [head for head, _ in built])
    run_many(conn, _INSERT_INSTALLMENTS, [row for _, rows in built for row in rows])
    run_many(
        conn, _MAKE_CURRENT, [{"fund": fund_id, "loan": v.loan_id, "version": v.version} for v in versions]
    )


def dues(conn: Connection, fund_id: int, loan_id: int, version: int) -> tuple[Due, ...]:
    """The instalments of one schedule version, oldest first (by due date, then number: the order the
    waterfall fills them in, and the numbers' order, since a schedule's dates increase)."""
    return as_dues(installments(conn, fund_id, loan_id, version))


def schedule_versions(conn: Connection, fund_id: int, loan_id: int) -> list[ScheduleVersion]:
    """Every schedule version of a loan, oldest first (the old ones are kept)."""
    rows = conn.execute(
        select(ScheduleVersionRow.__table__)
        .where(ScheduleVersionRow.fund_id == fund_id, ScheduleVersionRow.loan_id == loan_id)
        .order_by(ScheduleVersionRow.version)
    )
    return [schedule_version_of(r) for r in rows]


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
# by fund and id: on a schema partitioned by fund, one partition
_UPDATE_LOAN_STATE = (
    update(_LOAN)
    .where(_LOAN.c.fund_id == bindparam("fund"), _LOAN.c.id == bindparam("loan"))
    .values({name: bindparam(f"new_{name}") for name in _STATE_COLUMNS})
)


_RECORD_EXTENSION = (
    update(_LOAN)
    .where(_LOAN.c.fund_id == bindparam("fund"), _LOAN.c.id == bindparam("loan"))
    .values(
        restructured_on=bindparam("new_restructured_on"),
        extensions=bindparam("new_extensions"),
        extension_ref=bindparam("new_extension_ref"),
        extended_on=bindparam("new_extended_on"),
        digest=bindparam("new_digest"),
    )
)
_LOAN_ROW = select(_LOAN).where(_LOAN.c.fund_id == bindparam("fund"), _LOAN.c.id == bindparam("loan"))


def record_extension(conn: Connection, loan: Loan) -> None:
    """Write a loan's restructuring marks (展期): the first extension's date, the count, the last
    approval reference and date. Nothing here ever clears them. The loan's record digest is rewritten
    over the new marks only when it still matches the row (a row edited since keeps its stale digest and
    is still reported)."""
    marks = {
        "restructured_on": loan.restructured_on,
        "extensions": loan.extensions,
        "extension_ref": loan.extension_ref,
        "extended_on": loan.extended_on,
    }
    row = conn.execute(_LOAN_ROW, {"fund": loan.fund_id, "loan": loan.id}).one()._mapping
    key = record_key()
    digest = row["digest"]
    if digest is not None and digest == row_digest("loan", row, LOAN_COLUMNS, key):
        digest = row_digest("loan", dict(row) | marks, LOAN_COLUMNS, key)
    run(
        conn,
        _RECORD_EXTENSION,
        {
            "fund": loan.fund_id,
            "loan": loan.id,
            "new_digest": digest,
            **{f"new_{k}": v for k, v in marks.items()},
        },
    )


def update_loan_state(conn: Connection, loan: Loan) -> None:
    """Write a loan's running state back."""
    run(conn, _UPDATE_LOAN_STATE, loan_state_values(loan))


def update_loan_states(conn: Connection, loans: Iterable[Loan]) -> None:
    """Write many loans' running state back, in one statement."""
    rows = [loan_state_values(loan) for loan in loans]
    if len(rows) == 1:
        run(conn, _UPDATE_LOAN_STATE, rows[0])
    else:
        run_many(conn, _UPDATE_LOAN_STATE, rows)


_DUES_OLDEST_FIRST = (
    select(
        *_DUE_COLUMNS,
    )
    # the fund leads the key (fund, loan, version, number): without it PostgreSQL scans every instalment
    .where(
        _INSTALLMENT.c.fund_id == bindparam("fund"),
        _INSTALLMENT.c.loan_id == bindparam("loan"),
        _INSTALLMENT.c.version == bindparam("version"),
    )
    .order_by(_INSTALLMENT.c.due_date, _INSTALLMENT.c.number)
)


def installments(conn: Connection, fund_id: int, loan_id: int, version: int) -> list[InstalmentRow]:
    """The instalments of one schedule version as a payment reads them, oldest first."""
    return run(conn, _DUES_OLDEST_FIRST, {"fund": fund_id, "loan": loan_id, "version": version}, named=False)


_ALL_VERSIONS_DUES = (
    select(
        _INSTALLMENT.c.version,
        *_DUE_COLUMNS,
    )
    .where(_INSTALLMENT.c.fund_id == bindparam("fund"), _INSTALLMENT.c.loan_id == bindparam("loan"))
    .order_by(_INSTALLMENT.c.version, _INSTALLMENT.c.due_date, _INSTALLMENT.c.number)
)


def dues_by_version(conn: Connection, fund_id: int, loan_id: int) -> dict[int, tuple[Due, ...]]:
    """The instalments of every schedule version of a loan, by version, oldest first (one statement, by
    the instalments' key: the fund leads it)."""
    rows: dict[int, list[InstalmentRow]] = {}
    for row in run(conn, _ALL_VERSIONS_DUES, {"fund": fund_id, "loan": loan_id}, named=False):
        rows.setdefault(int(row[0]), []).append(row[1:])
    return {version: as_dues(found) for version, found in rows.items()}


_CURRENT_INSTALLMENTS = (
    select(
        _INSTALLMENT.c.loan_id,
        *_DUE_COLUMNS,
    )
    .join(
        _LOAN,
        and_(
            _LOAN.c.fund_id == _INSTALLMENT.c.fund_id,
            _LOAN.c.id == _INSTALLMENT.c.loan_id,
            _LOAN.c.schedule_version == _INSTALLMENT.c.version,
        ),
    )
    .where(_INSTALLMENT.c.fund_id == bindparam("fund"), any_of(_INSTALLMENT.c.loan_id))
    .order_by(_INSTALLMENT.c.loan_id, _INSTALLMENT.c.due_date, _INSTALLMENT.c.number)
)


def current_installments(
    conn: Connection, fund_id: int, loan_ids: Iterable[int]
) -> dict[int, list[InstalmentRow]]:
    """The instalments of each of the fund's loans' current schedule version, oldest first, read in a
    few statements."""
    found: dict[int, list[InstalmentRow]] = {}
    for row in select_in(conn, _CURRENT_INSTALLMENTS, loan_ids, named=False, fund=fund_id):
        found.setdefault(row[0], []).append(row[1:])
    return found


def terms_of_version(conn: Connection, fund_id: int, loan_id: int, version: int) -> LoanTerms:
    """The terms a schedule version was generated from."""
    text = conn.execute(
        select(ScheduleVersionRow.terms).where(
            ScheduleVersionRow.fund_id == fund_id,
            ScheduleVersionRow.loan_id == loan_id,
            ScheduleVersionRow.version == version,
        )
    ).scalar_one()
    return terms_from_json(text)
