"""Translation between database rows and domain values: the one place a row becomes a value and back.

Each ``*_of(row)`` makes a domain value of a row read from its table (organisations, funds, accounts,
journal entries and their lines, households and their records, policies, batches, guarantors and guarantee calls, loans, schedule
versions, receipts and write-offs); each ``*_values(...)`` gives the column values a value is written
with. Loan terms, subsidy caps and category rules are stored as JSON text (:mod:`revolve.store.stored_json`,
whose functions are named here too). Amounts are stored as whole fen and read back as :class:`Money`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from revolve.chart import Account, AccountKey, AccountKind, AccountRole
from revolve.closing import PeriodReopening, RestrictionPolicy
from revolve.funds import Fund
from revolve.guarantees import GuaranteeCall, Guarantor, GuarantorKind
from revolve.households import FamilyPlanningStatus, Household, HouseholdRecord, RecordKind
from revolve.journal import PostedEntry, PostedLine
from revolve.loans import Batch, Loan, LoanStatus, Receipt, ScheduleVersion, WriteOff
from revolve.loans.allowance import AllowancePolicy
from revolve.loans.file import LoanFile, LoanPurpose
from revolve.loans.voids import Void, VoidKind
from revolve.money import Money
from revolve.opening import Opening
from revolve.orgs import Org, OrgLevel
from revolve.pledges import Passbook, PassbookPledge
from revolve.policy import HouseholdScope, Policy
from revolve.records import BATCH_COLUMNS, HOUSEHOLD_COLUMNS, RECEIPT_COLUMNS, row_digest
from revolve.restrictions import TimeRestriction
from revolve.rules import PayerKind
from revolve.store.record_key import record_key
from revolve.store.stored_json import (
    caps_from_json,
    caps_to_json,
    categories_from_json,
    categories_to_json,
    terms_from_json,
    terms_to_json,
)

__all__ = [
    "account_key",
    "account_of",
    "allowance_policy_of",
    "allowance_policy_values",
    "as_money",
    "batch_of",
    "batch_values",
    "caps_from_json",
    "caps_to_json",
    "fund_of",
    "guarantee_call_of",
    "guarantor_of",
    "guarantor_values",
    "household_of",
    "household_record_of",
    "household_record_values",
    "household_values",
    "loan_of",
    "loan_state_values",
    "org_of",
    "policy_of",
    "policy_values",
    "posted_entry_of",
    "posted_line_of",
    "receipt_of",
    "receipt_values",
    "reopening_of",
    "restriction_policy_of",
    "schedule_version_of",
    "terms_from_json",
    "terms_to_json",
    "time_restriction_of",
    "void_of",
    "write_off_of",
]

_NO_MONEY = Money(0)
_NO_FILE = LoanFile()
"""The file of a loan with nothing on it (most loans): one frozen value shared, not checked anew a loan."""
# a stored status or payer is looked up, not parsed by the enum (a report reads thousands of them);
# a value not in the table still goes to the enum, which refuses it
_STATUSES = {s.value: s for s in LoanStatus}
_PAYERS = {p.value: p for p in PayerKind}


def as_money(value: int | None) -> Money:
    """A stored amount in fen (NULL read as zero) as :class:`Money`."""
    # Money is frozen, so the many zero amounts of a loan's state and schedule can share one value
    return Money(int(value)) if value else _NO_MONEY


def _money_or_none(value: int | None) -> Money | None:
    return None if value is None else Money(int(value))


def _fen_or_none(value: Money | None) -> int | None:
    return None if value is None else value.fen


# ---- organisations, funds, accounts -----------------------------------------------------------
def org_of(row: Any) -> Org:
    """An organisation row as an :class:`Org`."""
    return Org(
        id=row.id,
        code=row.code,
        name=row.name,
        level=OrgLevel(row.level),
        parent_id=row.parent_id,
    )


def fund_of(row: Any) -> Fund:
    """A fund row as a :class:`Fund`."""
    return Fund(
        id=row.id,
        code=row.code,
        name=row.name,
        org_id=row.org_id,
        chart=row.chart,
        closed_through=row.closed_through,
        chain_key_id=row.chain_key_id,
    )


def account_key(role: str, sub: str) -> AccountKey:
    """The key of an account stored under ``role`` and ``sub`` (an empty sub-key is none)."""
    return AccountKey(AccountRole(role), sub or None)


def account_of(row: Any) -> Account:
    """An account row as an :class:`Account`."""
    return Account(
        id=row.id,
        fund_id=row.fund_id,
        key=account_key(row.role, row.sub),
        code=row.code,
        name=row.name,
        kind=AccountKind(row.kind),
    )


# ---- households, policies, batches ------------------------------------------------------------
def household_of(row: Any) -> Household:
    """A household row as a :class:`Household`."""
    return Household(
        id=row.id,
        fund_id=row.fund_id,
        code=row.code,
        mother_name=row.mother_name,
        national_id=row.national_id,
        org_id=row.org_id,
        phone=row.phone,
        fp_status=FamilyPlanningStatus(row.fp_status),
        income_before=_money_or_none(row.income_before),
        registered_on=row.registered_on,
        persons=row.persons,
        persons_on=row.persons_on,
    )


def household_values(household: Household) -> dict[str, Any]:
    """The column values of a new household's row (its id is the database's to give)."""
    values = asdict(household)
    values.pop("id")
    values["fp_status"] = household.fp_status.value
    values["income_before"] = _fen_or_none(household.income_before)
    values["digest"] = row_digest("household", values, HOUSEHOLD_COLUMNS, record_key())
    return values


def household_record_of(row: Any) -> HouseholdRecord:
    """A household record row as a :class:`HouseholdRecord`."""
    return HouseholdRecord(
        household_id=row.household_id,
        kind=RecordKind(row.kind),
        on=row.on_date,
        note=row.note,
        income=_money_or_none(row.income),
        exited_poverty=row.exited_poverty,
    )


def household_record_values(fund_id: int, record: HouseholdRecord) -> dict[str, Any]:
    """The column values of a household record's row in the fund."""
    return {
        "fund_id": fund_id,
        "household_id": record.household_id,
        "kind": record.kind.value,
        "on_date": record.on,
        "note": record.note,
        "income": _fen_or_none(record.income),
        "exited_poverty": record.exited_poverty,
    }


def policy_of(row: Any) -> Policy:
    """A policy row as a :class:`Policy` (the allowed amounts are stored as comma-separated fen)."""
    return Policy(
        effective_from=row.effective_from,
        min_amount=Money(int(row.min_amount)),
        max_amount=Money(int(row.max_amount)),
        min_term_months=row.min_term_months,
        max_term_months=row.max_term_months,
        max_loans_per_household=row.max_loans_per_household,
        max_active_loans_per_household=row.max_active_loans_per_household,
        guarantee_required=bool(row.guarantee_required),
        allowed_amounts=tuple(Money(int(x)) for x in row.allowed_amounts.split(",") if x),
        extension_after_maturity=bool(row.extension_after_maturity),
        max_extensions=row.max_extensions,
        categories=categories_from_json(row.categories),
        notice_days=row.notice_days,
        household_scope=HouseholdScope(row.household_scope),
    )


def policy_values(fund_id: int, policy: Policy) -> dict[str, Any]:
    """The column values of a policy's row in the fund."""
    return {
        "fund_id": fund_id,
        "effective_from": policy.effective_from,
        "min_amount": policy.min_amount.fen,
        "max_amount": policy.max_amount.fen,
        "min_term_months": policy.min_term_months,
        "max_term_months": policy.max_term_months,
        "max_loans_per_household": policy.max_loans_per_household,
        "max_active_loans_per_household": policy.max_active_loans_per_household,
        "guarantee_required": policy.guarantee_required,
        "allowed_amounts": ",".join(str(m.fen) for m in policy.allowed_amounts),
        "extension_after_maturity": policy.extension_after_maturity,
        "max_extensions": policy.max_extensions,
        "categories": categories_to_json(policy.categories),
        "notice_days": policy.notice_days,
        "household_scope": policy.household_scope.value,
    }


def batch_of(row: Any) -> Batch:
    """A batch row as a :class:`Batch`."""
    return Batch(
        row.id, row.fund_id, row.code, row.site_org_id, row.opened_on, row.note, row.closed_on, row.close_note
    )


def batch_values(batch: Batch) -> dict[str, Any]:
    """The column values of a batch's row (its id left out), with its record digest."""
    values = {
        "fund_id": batch.fund_id,
        "code": batch.code,
        "site_org_id": batch.site_org_id,
        "opened_on": batch.opened_on,
        "note": batch.note,
        "closed_on": batch.closed_on,
        "close_note": batch.close_note,
    }
    values["digest"] = row_digest("batch", values, BATCH_COLUMNS, record_key())
    return values


# ---- guarantors -------------------------------------------------------------------------------
def guarantor_of(row: Any, members: tuple[int, ...]) -> Guarantor:
    """A guarantor row, with its group's member households, as a :class:`Guarantor`."""
    return Guarantor(
        id=row.id,
        fund_id=row.fund_id,
        code=row.code,
        kind=GuarantorKind(row.kind),
        name=row.name,
        org_id=row.org_id,
        cap=_money_or_none(row.cap),
        reference=row.reference,
        members=members,
    )


def guarantor_values(guarantor: Guarantor) -> dict[str, Any]:
    """The column values of a new guarantor's row (its members are rows of their own)."""
    return {
        "fund_id": guarantor.fund_id,
        "code": guarantor.code,
        "kind": guarantor.kind.value,
        "name": guarantor.name,
        "org_id": guarantor.org_id,
        "cap": _fen_or_none(guarantor.cap),
        "reference": guarantor.reference,
    }


def guarantee_call_of(row: Any) -> GuaranteeCall:
    """A guarantee call row as a :class:`GuaranteeCall`."""
    return GuaranteeCall(
        row.id, row.loan_id, row.guarantor_id, row.called_on, Money(int(row.amount)), row.note
    )


# ---- loans and their schedules ----------------------------------------------------------------


def loan_of(row: Any) -> Loan:
    """A loan row as a :class:`Loan`."""
    return Loan(
        id=row.id,
        fund_id=row.fund_id,
        number=row.number,
        household_id=row.household_id,
        batch_id=row.batch_id,
        principal=Money(int(row.principal)),
        disbursed_on=row.disbursed_on,
        round=row.round,
        status=_STATUSES.get(row.status) or LoanStatus(row.status),
        schedule_version=row.schedule_version,
        paid_in_version=as_money(row.paid_in_version),
        principal_paid=as_money(row.principal_paid),
        interest_paid=as_money(row.interest_paid),
        fee_paid=as_money(row.fee_paid),
        penalty_paid=as_money(row.penalty_paid),
        written_off=as_money(row.written_off),
        recovered=as_money(row.recovered),
        pledge_held=as_money(row.pledge_held),
        closed_on=row.closed_on,
        restructured_on=row.restructured_on,
        extensions=int(row.extensions),
        extension_ref=row.extension_ref,
        extended_on=row.extended_on,
        file=_NO_FILE
        if row.purpose is None
        and row.purpose_note is None
        and row.agreement_no is None
        and row.agreement_on is None
        and row.helper is None
        else LoanFile(
            purpose=None if row.purpose is None else LoanPurpose(row.purpose),
            purpose_note=row.purpose_note,
            agreement_no=row.agreement_no,
            agreement_on=row.agreement_on,
            helper=row.helper,
        ),
    )


def loan_state_values(loan: Loan) -> dict[str, Any]:
    """A loan's running state as the parameters of the loan-state UPDATE (``fund``, ``loan`` and
    ``new_*``)."""
    return {
        "fund": loan.fund_id,
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


def schedule_version_of(row: Any) -> ScheduleVersion:
    """A schedule version row as a :class:`ScheduleVersion`."""
    return ScheduleVersion(
        row.loan_id,
        row.version,
        row.effective_on,
        row.reason,
        Money(int(row.principal)),
        row.approval_ref,
        row.approved_by,
    )


# ---- receipts and write-offs ------------------------------------------------------------------
def receipt_of(row: Any) -> Receipt:
    """A receipt row as a :class:`Receipt`."""
    return Receipt(
        id=row.id,
        loan_id=row.loan_id,
        receipt=row.receipt,
        value_date=row.value_date,
        kind=row.kind,
        payer=_PAYERS.get(row.payer_kind) or PayerKind(row.payer_kind),
        guarantor_id=row.guarantor_id,
        amount=as_money(row.amount),
        principal=as_money(row.principal),
        interest=as_money(row.interest),
        fee=as_money(row.fee),
        penalty=as_money(row.penalty),
        schedule_version=row.schedule_version,
        entry_seq=row.entry_seq,
    )


def receipt_values(fund_id: int, receipt: Receipt, entry_seq: int | None = None) -> dict[str, Any]:
    """The column values of a receipt's row in the fund (its id is the database's to give), posted by
    entry ``entry_seq`` (the receipt's own when not given), with its record digest."""
    values = {
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
        "entry_seq": receipt.entry_seq if entry_seq is None else entry_seq,
    }
    values["digest"] = row_digest("receipt", values, RECEIPT_COLUMNS, record_key())
    return values


def write_off_of(row: Any) -> WriteOff:
    """A write-off row, joined with its loan's ``number`` and ``recovered``, as a :class:`WriteOff`."""
    return WriteOff(
        loan_id=row.loan_id,
        loan_number=row.number,
        written_on=row.written_on,
        amount=Money(int(row.amount)),
        recovered=Money(int(row.recovered)),
        approval_ref=row.approval_ref,
        reason=row.reason,
        entry_seq=row.entry_seq,
    )


# ---- journal ----------------------------------------------------------------------------------
def posted_line_of(row: Any) -> PostedLine:
    """A posting row, joined with its account's ``code``, ``role`` and ``sub``, as a :class:`PostedLine`."""
    return PostedLine(
        int(row.line_no),
        int(row.account_id),
        row.code,
        account_key(row.role, row.sub),
        Money(int(row.amount)),
    )


def posted_entry_of(row: Any, lines: tuple[PostedLine, ...]) -> PostedEntry:
    """An entry row, with its lines, as a :class:`PostedEntry`."""
    return PostedEntry(
        fund_id=row.fund_id,
        seq=row.seq,
        value_date=row.value_date,
        kind=row.kind,
        memo=row.memo,
        idempotency_key=row.idempotency_key,
        reverses=row.reverses_seq,
        lines=lines,
        content_digest=row.content_digest,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


# ---- allowance policies -----------------------------------------------------------------------
def allowance_policy_of(row: Any) -> AllowancePolicy:
    """An allowance policy row as an :class:`AllowancePolicy` (rates stored as Decimal text)."""
    return AllowancePolicy(
        effective_from=row.effective_from,
        current=Decimal(row.rate_current),
        days_1_30=Decimal(row.rate_1_30),
        days_31_60=Decimal(row.rate_31_60),
        days_61_90=Decimal(row.rate_61_90),
        over_90=Decimal(row.rate_over_90),
    )


def allowance_policy_values(fund_id: int, policy: AllowancePolicy) -> dict[str, Any]:
    """The column values of an allowance policy's row in the fund."""
    return {
        "fund_id": fund_id,
        "effective_from": policy.effective_from,
        "rate_current": str(policy.current),
        "rate_1_30": str(policy.days_1_30),
        "rate_31_60": str(policy.days_31_60),
        "rate_61_90": str(policy.days_61_90),
        "rate_over_90": str(policy.over_90),
    }


# ---- the passbook pledge register ---------------------------------------------------------------
def passbook_pledge_of(row: Any, loan: str) -> PassbookPledge:
    """A passbook pledge row (with its loan's number) as a :class:`PassbookPledge`."""
    return PassbookPledge(
        id=row.id,
        fund_id=row.fund_id,
        loan_id=row.loan_id,
        loan=loan,
        bank=row.bank,
        account_number=row.account_number,
        amount=Money(int(row.amount)),
        held_from=row.held_from,
        applied_on=row.applied_on,
        applied_amount=as_money(row.applied_amount),
        receipt=row.receipt,
        released_on=row.released_on,
        note=row.note or "",
        bank_loan_id=row.bank_loan_id,
    )


def passbook_pledge_values(
    fund_id: int, loan_id: int | None, passbook: Passbook, held_from: date, *, bank_loan_id: int | None = None
) -> dict[str, Any]:
    """A passbook newly pledged for a loan (the fund's, or a bank's) as the values of its register row."""
    return {
        "fund_id": fund_id,
        "loan_id": loan_id,
        "bank_loan_id": bank_loan_id,
        "bank": passbook.bank,
        "account_number": passbook.account,
        "amount": passbook.amount.fen,
        "held_from": held_from,
        "applied_on": None,
        "applied_amount": 0,
        "receipt": None,
        "released_on": None,
        "note": "",
    }


def opening_of(row: Any, capital: Any) -> Opening:
    """A fund's opening from its row and its capital rows (source, amount)."""
    return Opening(
        fund_id=int(row.fund_id),
        on=row.opened_on,
        entry_seq=int(row.entry_seq),
        capital={str(source): Money(int(amount)) for source, amount in capital},
        lent_before=Money(int(row.lent_before)),
    )


def void_of(row: Any) -> Void:
    """A correction register row as a :class:`~revolve.loans.voids.Void`."""
    return Void(
        id=int(row.id),
        fund_id=int(row.fund_id),
        kind=VoidKind(row.kind),
        reference=row.reference,
        original_seq=int(row.original_seq),
        reversal_seq=int(row.reversal_seq),
        on=row.voided_on,
        reason=row.reason,
        approved_by=row.approved_by,
        loan_id=None if row.loan_id is None else int(row.loan_id),
    )


def restriction_policy_of(row: Any) -> RestrictionPolicy:
    """A restriction policy row as a :class:`RestrictionPolicy`."""
    return RestrictionPolicy(
        on_grant=bool(row.on_grant),
        on_subsidy=bool(row.on_subsidy),
        on_write_off=bool(row.on_write_off),
        # a row stored before the flag existed: the default
        on_return=bool(getattr(row, "on_return", True)),
    )


def time_restriction_of(row: Any) -> TimeRestriction:
    """A time-restriction register row as a :class:`TimeRestriction`."""
    return TimeRestriction(
        fund_id=row.fund_id,
        contribution_seq=int(row.contribution_seq),
        amount=Money(int(row.amount)),
        until=row.until,
        released_on=row.released_on,
        released=None if row.released is None else Money(int(row.released)),
        release_seq=None if row.release_seq is None else int(row.release_seq),
        cancelled_on=row.cancelled_on,
    )


def reopening_of(row: Any) -> PeriodReopening:
    """A reopening row as a :class:`PeriodReopening`."""
    return PeriodReopening(
        fund_id=row.fund_id,
        through=row.through,
        closed_through_before=row.closed_through_before,
        closed_through_after=row.closed_through_after,
        reason=row.reason,
        approved_by=row.approved_by,
        reopened_at=row.reopened_at,
    )
