"""The correction register (``revolve_void``): records voided (冲正), and the one test every read uses to
leave them out.

A voided receipt, loan, grant or contribution is kept as it was; its (first) journal entry is named in
``revolve_void.original_seq``. :func:`live` is the SQL condition "this record's entry was not voided",
which the reads of receipts, loans, grants and contributions add to their ``WHERE``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, exists, func, insert, select

from revolve.chart import AccountRole
from revolve.loans import Receipt
from revolve.loans.voids import Void, VoidKind
from revolve.store.rows import receipt_of, void_of
from revolve.store.schema import (
    AccountRow,
    EntryRow,
    GrantRow,
    InstallmentRow,
    LoanRow,
    PostingRow,
    ReceiptRow,
    ScheduleVersionRow,
    VoidRow,
)

__all__ = [
    "cash_outflows_on",
    "disbursement_seq",
    "drop_schedule_version",
    "find_void",
    "insert_void",
    "is_grant",
    "list_voids",
    "live",
    "void_reversals",
    "voided_receipts",
    "voids_since",
]

_VOID = cast(Table, VoidRow.__table__)


def live(fund_id: Any, seq: Any) -> ColumnElement[bool]:
    """The SQL condition: the record whose (first) entry is ``seq`` in fund ``fund_id`` was not voided."""
    return ~exists().where(_VOID.c.fund_id == fund_id, _VOID.c.original_seq == seq)


def void_reversals(fund_id: Any, seq: Any) -> ColumnElement[bool]:
    """The SQL condition: entry ``seq`` is neither a voided record's entry nor a void's reversal."""
    return and_(live(fund_id, seq), ~exists().where(_VOID.c.fund_id == fund_id, _VOID.c.reversal_seq == seq))


def insert_void(
    conn: Connection,
    fund_id: int,
    *,
    kind: VoidKind,
    reference: str,
    original_seq: int,
    reversal_seq: int,
    on: date,
    reason: str,
    approved_by: str,
    loan_id: int | None,
    recorded_at: datetime,
) -> Void:
    """Add a line to the correction register; return it."""
    new_id = conn.execute(
        insert(VoidRow)
        .values(
            fund_id=fund_id,
            kind=kind.value,
            reference=reference,
            original_seq=original_seq,
            reversal_seq=reversal_seq,
            voided_on=on,
            reason=reason,
            approved_by=approved_by,
            loan_id=loan_id,
            recorded_at=recorded_at,
        )
        .returning(VoidRow.id)
    ).scalar_one()
    return Void(
        int(new_id), fund_id, kind, reference, original_seq, reversal_seq, on, reason, approved_by, loan_id
    )


def find_void(conn: Connection, fund_id: int, original_seq: int) -> Void | None:
    """The void of the record whose (first) entry is ``original_seq``, if it was voided."""
    row = conn.execute(
        select(_VOID).where(_VOID.c.fund_id == fund_id, _VOID.c.original_seq == original_seq)
    ).first()
    return None if row is None else void_of(row)


def list_voids(conn: Connection, fund_id: int, *, loan_id: int | None = None) -> list[Void]:
    """The fund's correction register (of one loan), in the order the voids were made."""
    stmt = select(_VOID).where(_VOID.c.fund_id == fund_id).order_by(_VOID.c.id)
    if loan_id is not None:
        stmt = stmt.where(_VOID.c.loan_id == loan_id)
    return [void_of(r) for r in conn.execute(stmt)]


def voids_since(conn: Connection, fund_id: int, seq: int) -> int:
    """How many voids were posted after journal entry ``seq`` (a cached figure read through ``seq`` is stale
    when any was)."""
    return int(
        conn.execute(
            select(func.count()).where(_VOID.c.fund_id == fund_id, _VOID.c.reversal_seq > seq)
        ).scalar_one()
    )


def voided_receipts(conn: Connection, loan_id: int) -> list[Receipt]:
    """The voided receipts of a loan, as they were recorded, by value date."""
    rows = conn.execute(
        select(ReceiptRow.__table__)
        .where(ReceiptRow.loan_id == loan_id, ~live(ReceiptRow.fund_id, ReceiptRow.entry_seq))
        .order_by(ReceiptRow.value_date, ReceiptRow.id)
    )
    return [receipt_of(r) for r in rows]


def drop_schedule_version(conn: Connection, loan_id: int, version: int) -> None:
    """Remove a schedule version (and its instalments) that a voided prepayment had rebuilt."""
    conn.execute(
        delete(InstallmentRow).where(InstallmentRow.loan_id == loan_id, InstallmentRow.version == version)
    )
    conn.execute(
        delete(ScheduleVersionRow).where(
            ScheduleVersionRow.loan_id == loan_id, ScheduleVersionRow.version == version
        )
    )


_AVAILABLE = (AccountRole.FUND_CASH.value, AccountRole.PLEDGE_DEPOSITS.value)


def cash_outflows_on(conn: Connection, fund_id: int, day: date) -> list[tuple[int, str, int]]:
    """The entries dated ``day`` that took cash available out of the fund: (seq, kind, fen taken), largest
    first."""
    rows: Iterable[Any] = conn.execute(
        select(EntryRow.seq, EntryRow.kind, func.sum(PostingRow.amount))
        .join(PostingRow, and_(PostingRow.fund_id == EntryRow.fund_id, PostingRow.entry_seq == EntryRow.seq))
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(EntryRow.fund_id == fund_id, EntryRow.value_date == day, AccountRow.role.in_(_AVAILABLE))
        .group_by(EntryRow.seq, EntryRow.kind)
    )
    out = [(int(seq), str(kind), -int(total)) for seq, kind, total in rows if int(total) < 0]
    return sorted(out, key=lambda t: (-t[2], t[0]))


def is_grant(conn: Connection, fund_id: int, seq: int) -> bool:
    """Whether entry ``seq`` of the fund paid a grant in the grant register."""
    found = conn.execute(
        select(GrantRow.entry_seq).where(GrantRow.fund_id == fund_id, GrantRow.entry_seq == seq)
    ).first()
    return found is not None


def disbursement_seq(conn: Connection, loan_id: int) -> int:
    """The journal entry that paid the loan out."""
    return int(conn.execute(select(LoanRow.disbursement_seq).where(LoanRow.id == loan_id)).scalar_one())
