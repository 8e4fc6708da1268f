"""Households and what a fund keeps about them (tables ``revolve_household``,
``revolve_household_record``, ``revolve_policy`` and ``revolve_batch``, with the loan counts per
household read from ``revolve_loan``): registering and finding households, their records, the lending
policies in force, and disbursement batches; and a mother across funds, by her national ID (the one
read that crosses funds, through the index on ``revolve_household.national_id``).

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, bindparam, delete, func, insert, select, update

from revolve.errors import DuplicateCode, UnknownBatch, UnknownHousehold
from revolve.households import Household, HouseholdRecord
from revolve.loans import Batch, Loan, LoanStatus
from revolve.policy import Policy
from revolve.store.driver import run, run_many
from revolve.store.lookup import any_of, by_ref, row_by_ref, rows_by_ref, select_in
from revolve.store.rows import (
    batch_of,
    batch_values,
    household_of,
    household_record_of,
    household_record_values,
    household_values,
    loan_of,
    policy_of,
    policy_values,
)
from revolve.store.schema import BatchRow, FundRow, HouseholdRecordRow, HouseholdRow, LoanRow, PolicyRow

__all__ = [
    "find_batch",
    "find_household",
    "find_households",
    "household_clashes",
    "household_records",
    "households_loan_counts",
    "insert_batch",
    "insert_household_record",
    "insert_households",
    "last_payout_in_batch",
    "list_batches",
    "list_households",
    "list_policies",
    "loans_across_funds",
    "mother_files",
    "set_batch_closed",
    "set_household_size",
    "update_household",
    "upsert_policy",
]

_BATCH = cast(Table, BatchRow.__table__)
_FUND = cast(Table, FundRow.__table__)
_HOUSEHOLD = cast(Table, HouseholdRow.__table__)
_LOAN = cast(Table, LoanRow.__table__)
_POLICY = cast(Table, PolicyRow.__table__)


# ---- households -------------------------------------------------------------------------------
# statements run by every registration, payout and payment, built once: building one costs more than
# running it
_INSERT_HOUSEHOLD = insert(_HOUSEHOLD).returning(_HOUSEHOLD.c.id)
_HOUSEHOLDS = by_ref(select(_HOUSEHOLD), _HOUSEHOLD, "code")


_CODES_USED = select(_HOUSEHOLD.c.code).where(
    _HOUSEHOLD.c.fund_id == bindparam("fund"), any_of(_HOUSEHOLD.c.code)
)
_IDS_USED = select(_HOUSEHOLD.c.national_id, _HOUSEHOLD.c.code).where(
    _HOUSEHOLD.c.fund_id == bindparam("fund"), any_of(_HOUSEHOLD.c.national_id)
)
_INSERT_HOUSEHOLDS = insert(_HOUSEHOLD)
_HOUSEHOLD_IDS = select(_HOUSEHOLD.c.code, _HOUSEHOLD.c.id).where(
    _HOUSEHOLD.c.fund_id == bindparam("fund"), any_of(_HOUSEHOLD.c.code)
)


def household_clashes(
    conn: Connection, fund_id: int, codes: Iterable[str], national_ids: Iterable[str]
) -> tuple[set[str], dict[str, str]]:
    """Those of ``codes`` that the fund's households already use, and those of ``national_ids``, each
    with the code of the household holding it."""
    return (
        {row[0] for row in select_in(conn, _CODES_USED, codes, fund=fund_id)},
        {row[0]: row[1] for row in select_in(conn, _IDS_USED, national_ids, fund=fund_id)},
    )


def insert_households(conn: Connection, fund_id: int, households: Sequence[Household]) -> list[Household]:
    """Register many households (codes and IDs checked unused by the caller); return them with their ids."""
    rows = [household_values(household) for household in households]
    if len(rows) == 1:
        return [replace(households[0], id=run(conn, _INSERT_HOUSEHOLD, rows[0])[0][0])]
    run_many(conn, _INSERT_HOUSEHOLDS, rows)
    ids = dict(select_in(conn, _HOUSEHOLD_IDS, (h.code for h in households), fund=fund_id))
    return [replace(h, id=ids[h.code]) for h in households]


def set_household_size(conn: Connection, household: Household) -> None:
    """Write a household's size (家庭人口) and the date it was counted."""
    conn.execute(
        update(_HOUSEHOLD)
        .where(_HOUSEHOLD.c.id == household.id)
        .values(persons=household.persons, persons_on=household.persons_on)
    )


def update_household(conn: Connection, household: Household) -> None:
    """Write a household's file as edited, with its registration's record digest made again."""
    values = household_values(household)
    conn.execute(update(_HOUSEHOLD).where(_HOUSEHOLD.c.id == household.id).values(values))


def find_household(conn: Connection, fund_id: int, ref: int | str) -> Household:
    """The fund's household with this id or code."""
    row = row_by_ref(conn, _HOUSEHOLDS, fund_id, ref)
    if row is None:
        raise UnknownHousehold(ref)
    return household_of(row)


def find_households(conn: Connection, fund_id: int, refs: Iterable[int | str]) -> dict[int | str, Household]:
    """The fund's households named by these ids or codes, read in a few statements; a reference to no
    household of the fund is left out."""
    return {ref: household_of(row) for ref, row in rows_by_ref(conn, _HOUSEHOLDS, fund_id, refs).items()}


def list_households(conn: Connection, fund_id: int) -> list[Household]:
    """Every household of the fund, in registration order."""
    stmt = select(HouseholdRow.__table__).where(HouseholdRow.fund_id == fund_id).order_by(HouseholdRow.id)
    return [household_of(r) for r in conn.execute(stmt)]


def insert_household_record(conn: Connection, fund_id: int, record: HouseholdRecord) -> None:
    """Add a record to a household's file."""
    conn.execute(insert(HouseholdRecordRow).values(household_record_values(fund_id, record)))


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
    return [household_record_of(r) for r in conn.execute(stmt)]


_LOAN_COUNTS_MANY = (
    select(_LOAN.c.household_id, _LOAN.c.status, func.count())
    .where(
        _LOAN.c.fund_id == bindparam("fund"),
        any_of(_LOAN.c.household_id),
    )
    .group_by(_LOAN.c.household_id, _LOAN.c.status)
)


def households_loan_counts(
    conn: Connection, fund_id: int, household_ids: Iterable[int]
) -> dict[int, tuple[int, int]]:
    """(all loans, active loans) each of these households has had from the fund; voided loans not counted."""
    counts: dict[int, tuple[int, int]] = {}
    for household, status, n in select_in(conn, _LOAN_COUNTS_MANY, household_ids, fund=fund_id):
        if status == LoanStatus.VOIDED.value:
            continue  # a voided loan (冲正) was never lent
        prior, active = counts.get(household, (0, 0))
        counts[household] = (prior + int(n), active + (int(n) if status == LoanStatus.ACTIVE.value else 0))
    return counts


# ---- a mother across funds ---------------------------------------------------------------------
# Her files in every fund are locked first (FOR UPDATE; SQLite's one writer needs none): a payout in
# another fund to the same mother waits for this one, so two funds cannot both lend her the loan her
# limit allows. The loans are read by a second statement: under READ COMMITTED a statement that waited
# for a lock still reads from the snapshot it began with, and would miss the loan the other payout wrote.
_LOCK_FILES = (
    select(_HOUSEHOLD.c.id)
    .where(any_of(_HOUSEHOLD.c.national_id))
    .order_by(_HOUSEHOLD.c.id)
    .with_for_update()
)
_ACROSS_FUNDS = (
    select(
        _HOUSEHOLD.c.national_id,
        _HOUSEHOLD.c.fund_id,
        _FUND.c.code.label("fund_code"),
        _FUND.c.org_id,
        _LOAN.c.number,
        _LOAN.c.status,
        _LOAN.c.disbursed_on,
    )
    .select_from(
        _HOUSEHOLD.join(_FUND, _FUND.c.id == _HOUSEHOLD.c.fund_id).outerjoin(
            _LOAN, and_(_LOAN.c.fund_id == _HOUSEHOLD.c.fund_id, _LOAN.c.household_id == _HOUSEHOLD.c.id)
        )
    )
    .where(any_of(_HOUSEHOLD.c.national_id))
    .order_by(_HOUSEHOLD.c.id, _LOAN.c.id)
)


def loans_across_funds(conn: Connection, national_ids: Iterable[str]) -> list[Any]:
    """Every loan of these mothers in any fund, with its fund's code and organisation (two indexed
    reads: her household rows in every fund are locked, until the transaction ends, then the loans read).

    Returns:
        Rows of (national_id, fund_id, fund_code, org_id, number, status, disbursed_on); a file with no
        loan gives one row whose loan columns are None.
    """
    wanted = list(national_ids)
    select_in(conn, _LOCK_FILES, wanted)
    return select_in(conn, _ACROSS_FUNDS, wanted)


def mother_files(conn: Connection, national_id: str) -> tuple[list[Household], list[Loan]]:
    """A mother's household files in every fund, oldest first, and their loans (voided ones left out),
    by disbursement date."""
    households = [
        household_of(row)
        for row in conn.execute(
            select(_HOUSEHOLD).where(_HOUSEHOLD.c.national_id == national_id).order_by(_HOUSEHOLD.c.id)
        )
    ]
    if not households:
        return [], []
    rows = conn.execute(
        select(_LOAN)
        .where(
            _LOAN.c.household_id.in_([h.id for h in households]),
            _LOAN.c.status != LoanStatus.VOIDED.value,
        )
        .order_by(_LOAN.c.disbursed_on, _LOAN.c.id)
    )
    return households, [loan_of(row) for row in rows]


# ---- policies ---------------------------------------------------------------------------------
def upsert_policy(conn: Connection, fund_id: int, policy: Policy) -> None:
    """Record the policy in force from its date (replacing one set for the same date)."""
    conn.execute(
        delete(PolicyRow).where(
            PolicyRow.fund_id == fund_id, PolicyRow.effective_from == policy.effective_from
        )
    )
    conn.execute(insert(PolicyRow).values(policy_values(fund_id, policy)))


_POLICIES = select(_POLICY).where(_POLICY.c.fund_id == bindparam("fund")).order_by(_POLICY.c.effective_from)


def list_policies(conn: Connection, fund_id: int) -> list[Policy]:
    """The fund's policies, oldest first."""
    rows = run(conn, _POLICIES, {"fund": fund_id})
    return [policy_of(r) for r in rows]


# ---- batches ---------------------------------------------------------------------------------
def insert_batch(
    conn: Connection, fund_id: int, *, code: str, site: int | None, on: date, note: str
) -> Batch:
    """Open a disbursement batch; refuse a code already used in the fund."""
    if conn.execute(select(BatchRow.id).where(BatchRow.fund_id == fund_id, BatchRow.code == code)).first():
        raise DuplicateCode(code, what="batch")
    batch = Batch(0, fund_id, code, site, on, note)
    new_id = conn.execute(insert(BatchRow).values(batch_values(batch)).returning(BatchRow.id)).scalar_one()
    return replace(batch, id=new_id)


def set_batch_closed(conn: Connection, batch: Batch) -> None:
    """Write a batch's close (its date and note) with the batch's record digest made again."""
    values = batch_values(batch)
    conn.execute(
        update(_BATCH)
        .where(_BATCH.c.id == batch.id)
        .values(closed_on=values["closed_on"], close_note=values["close_note"], digest=values["digest"])
    )


def last_payout_in_batch(conn: Connection, fund_id: int, batch_id: int) -> tuple[str, date] | None:
    """The number and date of the batch's latest payout (voided loans left out: never lent), if any."""
    row = conn.execute(
        select(_LOAN.c.number, _LOAN.c.disbursed_on)
        .where(
            _LOAN.c.fund_id == fund_id,
            _LOAN.c.batch_id == batch_id,
            _LOAN.c.status != LoanStatus.VOIDED.value,
        )
        .order_by(_LOAN.c.disbursed_on.desc(), _LOAN.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (str(row.number), row.disbursed_on)


_BATCHES = by_ref(select(_BATCH), _BATCH, "code")


def find_batch(conn: Connection, fund_id: int, ref: int | str) -> Batch:
    """The fund's batch with this id or code."""
    row = row_by_ref(conn, _BATCHES, fund_id, ref)
    if row is None:
        raise UnknownBatch(ref)
    return batch_of(row)


def list_batches(conn: Connection, fund_id: int) -> list[Batch]:
    """Every batch of the fund, oldest first."""
    rows = conn.execute(select(BatchRow.__table__).where(BatchRow.fund_id == fund_id).order_by(BatchRow.id))
    return [batch_of(r) for r in rows]
