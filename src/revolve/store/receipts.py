"""Receipts and write-offs (tables ``revolve_receipt`` and ``revolve_write_off``, with the loan's
number and recoveries from ``revolve_loan``): money received on loans, each under a receipt number
(还款凭证号) unique in its fund, and the write-off register (核销备查簿).

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import cast

from sqlalchemy import Connection, Table, and_, bindparam, func, insert, select

from revolve.loans import Receipt, WriteOff
from revolve.money import Money
from revolve.store.driver import run, run_many, send
from revolve.store.lookup import any_of, select_in
from revolve.store.rows import receipt_of, receipt_values, write_off_of
from revolve.store.schema import LoanRow, ReceiptRow, WriteOffRow
from revolve.store.voids import live

__all__ = [
    "find_receipt",
    "find_receipts",
    "insert_receipt",
    "insert_receipts",
    "insert_write_off",
    "paid_in_version_as_of",
    "receipts",
    "write_offs",
]

_RECEIPT = cast(Table, ReceiptRow.__table__)

_RECEIPT_BY_NUMBER = select(_RECEIPT).where(
    _RECEIPT.c.fund_id == bindparam("fund"), _RECEIPT.c.receipt == bindparam("receipt")
)
_INSERT_RECEIPT = insert(_RECEIPT).returning(_RECEIPT.c.id)


def find_receipt(conn: Connection, fund_id: int, receipt: str) -> Receipt | None:
    """The receipt with this number in the fund, if any."""
    rows = run(conn, _RECEIPT_BY_NUMBER, {"fund": fund_id, "receipt": receipt})
    return receipt_of(rows[0]) if rows else None


_RECEIPTS_BY_NUMBERS = select(_RECEIPT).where(
    _RECEIPT.c.fund_id == bindparam("fund"), any_of(_RECEIPT.c.receipt)
)


def find_receipts(conn: Connection, fund_id: int, numbers: Iterable[str]) -> dict[str, Receipt]:
    """The fund's receipts with these numbers, by number (numbers not in use are left out)."""
    return {
        row.receipt: receipt_of(row) for row in select_in(conn, _RECEIPTS_BY_NUMBERS, numbers, fund=fund_id)
    }


def insert_receipt(conn: Connection, fund_id: int, receipt: Receipt) -> Receipt:
    """Record money received on a loan."""
    new_id = run(conn, _INSERT_RECEIPT, receipt_values(fund_id, receipt))[0][0]
    return replace(receipt, id=new_id)


_INSERT_RECEIPTS = insert(_RECEIPT)
_RECEIPT_IDS = select(_RECEIPT.c.receipt, _RECEIPT.c.id).where(
    _RECEIPT.c.fund_id == bindparam("fund"), any_of(_RECEIPT.c.receipt)
)


def insert_receipts(
    conn: Connection, fund_id: int, receipts: Sequence[Receipt], seqs: Sequence[int]
) -> list[Receipt]:
    """Record receipts (numbers unique in the fund), each posted by the journal entry in ``seqs``, in
    one statement; return them with their ids and entries."""
    return send_receipts(conn, fund_id, receipts, seqs)()


def send_receipts(
    conn: Connection, fund_id: int, receipts: Sequence[Receipt], seqs: Sequence[int]
) -> Callable[[], list[Receipt]]:
    """:func:`insert_receipts`, whose answer is read later: one receipt's id is read after the
    :func:`revolve.store.driver.pipelined` block it is written in (see :func:`revolve.store.driver.send`)."""
    rows = [receipt_values(fund_id, r, s) for r, s in zip(receipts, seqs, strict=True)]
    if len(rows) == 1:
        sent = send(conn, _INSERT_RECEIPT, rows[0])
        return lambda: _with_ids(receipts, seqs, {receipts[0].receipt: sent()[0][0]})
    run_many(conn, _INSERT_RECEIPTS, rows)
    ids = dict(select_in(conn, _RECEIPT_IDS, (r.receipt for r in receipts), fund=fund_id))
    return lambda: _with_ids(receipts, seqs, ids)


def _with_ids(receipts: Sequence[Receipt], seqs: Sequence[int], ids: dict[str, int]) -> list[Receipt]:
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
    """Every receipt on a loan that was not voided, by value date then recording order."""
    rows = conn.execute(
        select(ReceiptRow.__table__)
        .where(ReceiptRow.loan_id == loan_id, live(ReceiptRow.fund_id, ReceiptRow.entry_seq))
        .order_by(ReceiptRow.value_date, ReceiptRow.id)
    )
    return [receipt_of(r) for r in rows]


def paid_in_version_as_of(conn: Connection, loan_id: int, version: int, as_of: date) -> Money:
    """What was repaid under a schedule version with value dates on or before ``as_of``."""
    total = conn.execute(
        select(func.coalesce(func.sum(ReceiptRow.amount), 0)).where(
            ReceiptRow.loan_id == loan_id,
            ReceiptRow.schedule_version == version,
            ReceiptRow.kind == "repayment",
            ReceiptRow.value_date <= as_of,
            live(ReceiptRow.fund_id, ReceiptRow.entry_seq),
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
        .join(LoanRow, and_(LoanRow.fund_id == WriteOffRow.fund_id, LoanRow.id == WriteOffRow.loan_id))
        .where(WriteOffRow.fund_id == fund_id)
        .order_by(WriteOffRow.written_on, WriteOffRow.loan_id)
    )
    return [write_off_of(r) for r in rows]
