"""Guarantors and guarantees (tables ``revolve_guarantor``, ``revolve_group_member``,
``revolve_guarantee`` and ``revolve_guarantee_call``, with exposure read from ``revolve_loan``):
registering and finding guarantors, the guarantees attached to loans, what a guarantor stands behind,
and the calls made on guarantees.

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import cast

from sqlalchemy import Connection, Table, and_, bindparam, func, insert, select, update

from revolve.errors import DuplicateCode, UnknownGuarantor
from revolve.guarantees import GuaranteeCall, Guarantor
from revolve.loans import LoanStatus
from revolve.money import Money
from revolve.records import guarantees_digest
from revolve.store.driver import run_many
from revolve.store.lookup import by_ref, row_by_ref
from revolve.store.record_key import record_key
from revolve.store.rows import guarantee_call_of, guarantor_of, guarantor_values
from revolve.store.schema import (
    GroupMemberRow,
    GuaranteeCallRow,
    GuaranteeRow,
    GuarantorRow,
    LoanRow,
    ReceiptRow,
)
from revolve.store.voids import live

__all__ = [
    "find_guarantor",
    "guarantee_calls",
    "guarantor_exposure",
    "guarantor_paid",
    "insert_guarantee_call",
    "insert_guarantees",
    "insert_guarantor",
    "loan_guarantors",
]

_GUARANTEE = cast(Table, GuaranteeRow.__table__)
_GUARANTOR = cast(Table, GuarantorRow.__table__)


def insert_guarantor(conn: Connection, guarantor: Guarantor) -> Guarantor:
    """Register a guarantor (and a joint-liability group's members)."""
    if conn.execute(
        select(GuarantorRow.id).where(
            GuarantorRow.fund_id == guarantor.fund_id, GuarantorRow.code == guarantor.code
        )
    ).first():
        raise DuplicateCode(guarantor.code, what="guarantor")
    new_id = conn.execute(
        insert(GuarantorRow).values(guarantor_values(guarantor)).returning(GuarantorRow.id)
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


_GUARANTORS = by_ref(select(_GUARANTOR), _GUARANTOR, "code")


def find_guarantor(conn: Connection, fund_id: int, ref: int | str) -> Guarantor:
    """The fund's guarantor with this id or code."""
    row = row_by_ref(conn, _GUARANTORS, fund_id, ref)
    if row is None:
        raise UnknownGuarantor(ref)
    members = tuple(
        int(h)
        for h in conn.execute(
            select(GroupMemberRow.household_id)
            .where(GroupMemberRow.guarantor_id == row.id)
            .order_by(GroupMemberRow.household_id)
        ).scalars()
    )
    return guarantor_of(row, members)


def guarantor_exposure(conn: Connection, guarantor_id: int) -> Money:
    """The outstanding principal of the active loans a guarantor guarantees."""
    outstanding = LoanRow.principal - LoanRow.principal_paid - LoanRow.written_off
    total = conn.execute(
        select(func.coalesce(func.sum(outstanding), 0))
        .join(GuaranteeRow, and_(GuaranteeRow.fund_id == LoanRow.fund_id, GuaranteeRow.loan_id == LoanRow.id))
        .where(GuaranteeRow.guarantor_id == guarantor_id, LoanRow.status == LoanStatus.ACTIVE.value)
    ).scalar_one()
    return Money(int(total))


def guarantor_paid(conn: Connection, guarantor_id: int) -> Money:
    """What a guarantor paid for the loans it answers for (代偿): its receipts not voided."""
    total = conn.execute(
        select(func.coalesce(func.sum(ReceiptRow.amount), 0)).where(
            ReceiptRow.guarantor_id == guarantor_id,
            ReceiptRow.payer_kind == "guarantor",
            live(ReceiptRow.fund_id, ReceiptRow.entry_seq),
        )
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
    return [guarantee_call_of(r) for r in rows]


_INSERT_GUARANTEES = insert(_GUARANTEE)
_SET_GUARANTEES_DIGEST = (
    update(LoanRow).where(LoanRow.id == bindparam("loan")).values(guarantees_digest=bindparam("new_digest"))
)


def insert_guarantees(conn: Connection, fund_id: int, guarantees: Sequence[tuple[int, int, Money]]) -> None:
    """Attach guarantees (loan id, guarantor id, amount pledged) to new loans, and record on each loan
    the digest of its set of guarantors (:func:`revolve.records.guarantees_digest`)."""
    run_many(
        conn,
        _INSERT_GUARANTEES,
        [
            {"loan_id": loan, "guarantor_id": g, "fund_id": fund_id, "pledged": p.fen}
            for loan, g, p in guarantees
        ],
    )
    key = record_key()
    by_loan: dict[int, list[int]] = {}
    for loan, g, _ in guarantees:
        by_loan.setdefault(loan, []).append(g)
    run_many(
        conn,
        _SET_GUARANTEES_DIGEST,
        [{"loan": loan, "new_digest": guarantees_digest(ids, key)} for loan, ids in by_loan.items()],
    )
