"""The figures the record audit reads (:mod:`revolve.records`): stored record digests with the content
they cover, receipts with the entries that posted them, loans with their events, and each fund's
``closed_through`` with its recorded closes. Nothing here judges; every function reads inside the
caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, exists, func, literal, select, tuple_, update

from revolve.chain import ChainKey
from revolve.chart import AccountRole
from revolve.records import (
    BATCH_COLUMNS,
    HOUSEHOLD_COLUMNS,
    INSTALMENT_COLUMNS,
    LOAN_COLUMNS,
    PERIOD_CLOSE_COLUMNS,
    RECEIPT_COLUMNS,
    VERSION_COLUMNS,
    CloseFigures,
    LoanFigure,
    ReceiptFigure,
    RecordFigures,
    StoredDigest,
    guarantees_digest,
    record_digest,
    row_digest,
    schedule_digest,
    schedule_digest_of,
)
from revolve.store.schema import (
    AccountRow,
    BatchRow,
    EntryRow,
    FundRow,
    GuaranteeRow,
    HouseholdRow,
    InstallmentRow,
    LoanRow,
    OpeningRow,
    PeriodCloseRow,
    PostingRow,
    ReceiptRow,
    ScheduleVersionRow,
    VoidRow,
    WriteOffRow,
)
from revolve.store.voids import live

__all__ = ["Keys", "missing_funds", "record_figures", "rekey_records"]

_RECEIPT = cast(Table, ReceiptRow.__table__)
_HOUSEHOLD = cast(Table, HouseholdRow.__table__)
_BATCH = cast(Table, BatchRow.__table__)
_VERSION = cast(Table, ScheduleVersionRow.__table__)
_INSTALLMENT = cast(Table, InstallmentRow.__table__)
_CLOSE = cast(Table, PeriodCloseRow.__table__)
_LOAN = cast(Table, LoanRow.__table__)
_ENTRY = cast(Table, EntryRow.__table__)
_CASH_ROLES = (AccountRole.FUND_CASH.value, AccountRole.PLEDGE_DEPOSITS.value)
_RECEIPT_KEY = "receipt:%"
_GUARANTEE_SET = "revolve_guarantee"  # a loan's guarantees digest, stored on its loan row

Keys = Mapping[int, ChainKey | None]
"""Each keyed fund's chain key, by fund id (an unkeyed fund: absent or None)."""


def _row_digests(
    conn: Connection,
    table: Table,
    kind: str,
    columns: Sequence[str],
    fund_ids: Sequence[int],
    *,
    subject: str,
    keys: Keys,
) -> list[tuple[int, StoredDigest]]:
    # only the columns the digest covers, the record's name and its stored digest, fetched at once
    named = next(c for c in ("code", "number", "receipt", "through") if c in table.c)
    wanted = dict.fromkeys(("fund_id", "digest", named, *columns))
    rows = conn.execute(
        select(*(table.c[c] for c in wanted)).where(
            table.c.fund_id.in_(fund_ids), table.c.digest.is_not(None)
        )
    ).all()
    order = list(wanted)
    at = [order.index(c) for c in columns]  # where each covered column sits in a row
    name_at = order.index(named)
    out = []
    for row in rows:
        fund_id = int(row[0])
        out.append(
            (
                fund_id,
                StoredDigest(
                    table.name,
                    f"{subject} {row[name_at]}",
                    row[1],
                    # row_digest over the covered columns, taken by position
                    record_digest(kind, [row[i] for i in at], keys.get(fund_id)),
                ),
            )
        )
    return out


def _schedule_digests(
    conn: Connection, fund_ids: Sequence[int], keys: Keys
) -> list[tuple[int, StoredDigest]]:
    # plain rows in the digest's column order (no mapping per row: a fund has tens of thousands)
    dues: dict[tuple[int, int], list[Any]] = {}
    for row in conn.execute(
        select(
            _INSTALLMENT.c.loan_id, _INSTALLMENT.c.version, *(_INSTALLMENT.c[c] for c in INSTALMENT_COLUMNS)
        ).where(_INSTALLMENT.c.fund_id.in_(fund_ids))
    ).all():
        dues.setdefault((row[0], row[1]), []).append(row[2:])
    versions = conn.execute(
        select(
            _VERSION.c.fund_id,
            _VERSION.c.loan_id,
            _VERSION.c.version,
            _VERSION.c.digest,
            _LOAN.c.number,
            *(_VERSION.c[c] for c in VERSION_COLUMNS),
        )
        .join(
            _LOAN, and_(_LOAN.c.fund_id == _VERSION.c.fund_id, _LOAN.c.id == _VERSION.c.loan_id), isouter=True
        )
        .where(_VERSION.c.fund_id.in_(fund_ids), _VERSION.c.digest.is_not(None))
    ).all()
    return [
        (
            int(fund_id),
            StoredDigest(
                _VERSION.name,
                f"loan {number or loan_id} schedule version {version}",
                digest,
                schedule_digest_of(own, dues.get((loan_id, version), []), keys.get(int(fund_id))),
            ),
        )
        for fund_id, loan_id, version, digest, number, *own in versions
    ]


def _guarantee_digests(
    conn: Connection, fund_ids: Sequence[int], keys: Keys
) -> list[tuple[int, StoredDigest]]:
    held: dict[int, list[int]] = {}
    for loan_id, guarantor_id in conn.execute(
        select(GuaranteeRow.loan_id, GuaranteeRow.guarantor_id).where(GuaranteeRow.fund_id.in_(fund_ids))
    ):
        held.setdefault(int(loan_id), []).append(int(guarantor_id))
    loans = conn.execute(
        select(LoanRow.id, LoanRow.fund_id, LoanRow.number, LoanRow.guarantees_digest).where(
            LoanRow.fund_id.in_(fund_ids), LoanRow.guarantees_digest.is_not(None)
        )
    )
    return [
        (
            int(fund_id),
            StoredDigest(
                "revolve_guarantee",
                f"loan {number} guarantees",
                str(stored),
                guarantees_digest(held.get(loan_id, []), keys.get(int(fund_id))),
            ),
        )
        for loan_id, fund_id, number, stored in loans
    ]


def _receipts(conn: Connection, fund_ids: Sequence[int]) -> list[ReceiptFigure]:
    cash = (
        select(
            PostingRow.fund_id,
            PostingRow.entry_seq,
            func.sum(PostingRow.amount).label("cash"),
        )
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(PostingRow.fund_id.in_(fund_ids), PostingRow.amount > 0, AccountRow.role.in_(_CASH_ROLES))
        .group_by(PostingRow.fund_id, PostingRow.entry_seq)
        .subquery()
    )
    rows = conn.execute(
        select(
            ReceiptRow.fund_id,
            ReceiptRow.id,
            ReceiptRow.receipt,
            ReceiptRow.value_date,
            ReceiptRow.amount,
            ReceiptRow.entry_seq,
            EntryRow.kind,
            EntryRow.idempotency_key,
            EntryRow.value_date.label("entry_date"),
            cash.c.cash,
        )
        .join(
            EntryRow,
            and_(EntryRow.fund_id == ReceiptRow.fund_id, EntryRow.seq == ReceiptRow.entry_seq),
            isouter=True,
        )
        .join(
            cash,
            and_(cash.c.fund_id == ReceiptRow.fund_id, cash.c.entry_seq == ReceiptRow.entry_seq),
            isouter=True,
        )
        .where(
            ReceiptRow.fund_id.in_(fund_ids),
            # records._receipt_violations, in SQL: the entry is missing, or it was posted for a receipt
            # and names another, or differs in date or cash (LIKE may let a few more through: the pure
            # function judges what comes back)
            EntryRow.kind.is_(None)
            | (
                EntryRow.idempotency_key.like(_RECEIPT_KEY)
                & (
                    (EntryRow.idempotency_key != literal("receipt:") + ReceiptRow.receipt)
                    | (EntryRow.value_date != ReceiptRow.value_date)
                    | cash.c.cash.is_distinct_from(ReceiptRow.amount)
                )
            ),
        )
    ).all()
    return [
        ReceiptFigure(
            int(r.fund_id),
            int(r.id),
            r.receipt,
            r.value_date,
            int(r.amount),
            int(r.entry_seq),
            r.kind,
            r.idempotency_key,
            r.entry_date,
            None if r.cash is None else int(r.cash),
        )
        for r in rows
    ]


def _unreceipted(conn: Connection, fund_ids: Sequence[int]) -> list[tuple[int, int, str]]:
    """Entries posted for a receipt (kind repayment.* or recovery) whose receipt row is gone: an anti-join
    in SQL against the funds' receipts, read once (SQLite makes the list one ephemeral index, PostgreSQL
    hashes it). A correlated NOT EXISTS, or an outer join, made SQLite search the fund's receipts once per
    entry — quadratic in the book — as no index leads with the receipt's entry."""
    receipted = select(ReceiptRow.fund_id, ReceiptRow.entry_seq).where(
        ReceiptRow.fund_id.in_(fund_ids), ReceiptRow.entry_seq.is_not(None)
    )
    rows = conn.execute(
        select(EntryRow.fund_id, EntryRow.seq, EntryRow.idempotency_key).where(
            EntryRow.fund_id.in_(fund_ids),
            EntryRow.idempotency_key.like(_RECEIPT_KEY),
            EntryRow.kind.like("repayment.%") | (EntryRow.kind == "recovery"),
            tuple_(EntryRow.fund_id, EntryRow.seq).not_in(receipted),
        )
    ).all()
    return [(int(f), int(s), str(k)) for f, s, k in rows]


def _write_off_posted() -> Any:
    """Whether the loan has a write-off row whose entry is in the chained journal: a ``write_off`` entry
    crediting this loan's receivable (a forged write-off row pointing at nothing, or at another loan's
    entry, does not count)."""
    credited = (
        select(PostingRow.entry_seq)
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .join(EntryRow, and_(EntryRow.fund_id == PostingRow.fund_id, EntryRow.seq == PostingRow.entry_seq))
        .where(
            PostingRow.fund_id == WriteOffRow.fund_id,
            PostingRow.entry_seq == WriteOffRow.entry_seq,
            PostingRow.amount < 0,
            EntryRow.kind == "write_off",
            AccountRow.role == AccountRole.LOANS_RECEIVABLE.value,
            AccountRow.sub == LoanRow.number,
        )
        .correlate(WriteOffRow, LoanRow)
        .exists()
    )
    return exists().where(
        and_(WriteOffRow.fund_id == LoanRow.fund_id, WriteOffRow.loan_id == LoanRow.id), credited
    )


def _void_posted() -> Any:
    """Whether the loan's disbursement has a void row whose reversal entry, in the chained journal,
    reverses that disbursement (a forged void row naming another entry as its reversal does not count)."""
    reversal = (
        select(EntryRow.seq)
        .where(
            EntryRow.fund_id == VoidRow.fund_id,
            EntryRow.seq == VoidRow.reversal_seq,
            EntryRow.reverses_seq == VoidRow.original_seq,
        )
        .correlate(VoidRow)
        .exists()
    )
    return exists().where(
        VoidRow.fund_id == LoanRow.fund_id, VoidRow.original_seq == LoanRow.disbursement_seq, reversal
    )


def _loans(conn: Connection, fund_ids: Sequence[int]) -> list[LoanFigure]:
    written_off, voided = _write_off_posted(), _void_posted()
    lent = (
        select(PostingRow.fund_id, PostingRow.entry_seq, func.sum(PostingRow.amount).label("lent"))
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(
            PostingRow.fund_id.in_(fund_ids),
            PostingRow.amount > 0,
            AccountRow.role == AccountRole.LOANS_RECEIVABLE.value,
        )
        .group_by(PostingRow.fund_id, PostingRow.entry_seq)
        .subquery()
    )
    paid = (
        select(ReceiptRow.loan_id, func.sum(ReceiptRow.principal).label("paid"))
        .where(ReceiptRow.fund_id.in_(fund_ids), live(ReceiptRow.fund_id, ReceiptRow.entry_seq))
        .group_by(ReceiptRow.loan_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            LoanRow.fund_id,
            LoanRow.id,
            LoanRow.number,
            LoanRow.status,
            LoanRow.principal,
            LoanRow.disbursed_on,
            LoanRow.principal_paid,
            LoanRow.written_off,
            EntryRow.kind,
            EntryRow.value_date,
            lent.c.lent,
            paid.c.paid,
            written_off.label("has_write_off"),
            voided.label("voided"),
        )
        .join(
            EntryRow,
            and_(EntryRow.fund_id == LoanRow.fund_id, EntryRow.seq == LoanRow.disbursement_seq),
            isouter=True,
        )
        .join(
            lent,
            and_(lent.c.fund_id == LoanRow.fund_id, lent.c.entry_seq == LoanRow.disbursement_seq),
            isouter=True,
        )
        .join(paid, paid.c.loan_id == LoanRow.id, isouter=True)
        .where(
            LoanRow.fund_id.in_(fund_ids),
            # records._loan_violations, in SQL (a superset: the pure function judges what comes back):
            # a loan voided, written off or marked so, or whose status, disbursement entry or principal
            # paid disagrees with its events
            LoanRow.status.in_(("voided", "written_off"))
            | voided
            | written_off
            | (
                (LoanRow.status == "closed")
                & (LoanRow.principal_paid + LoanRow.written_off < LoanRow.principal)
            )
            | ((LoanRow.status == "active") & (LoanRow.principal_paid >= LoanRow.principal))
            | EntryRow.kind.is_(None)
            | (
                (EntryRow.kind == "disbursement")
                & (
                    (EntryRow.value_date != LoanRow.disbursed_on)
                    | lent.c.lent.is_distinct_from(LoanRow.principal)
                )
            )
            | (LoanRow.principal_paid != func.coalesce(paid.c.paid, literal(0))),
        )
    ).all()
    return [
        LoanFigure(
            int(r.fund_id),
            int(r.id),
            r.number,
            r.status,
            int(r.principal),
            r.disbursed_on,
            int(r.principal_paid),
            int(r.written_off),
            r.kind,
            r.value_date,
            None if r.lent is None else int(r.lent),
            int(r.paid or 0),
            bool(r.has_write_off),
            bool(r.voided),
        )
        for r in rows
    ]


def _closes(conn: Connection, fund_ids: Sequence[int]) -> list[CloseFigures]:
    closes: dict[int, list[Any]] = {}
    for fund_id, through in conn.execute(
        select(PeriodCloseRow.fund_id, PeriodCloseRow.through).where(
            PeriodCloseRow.fund_id.in_(fund_ids), PeriodCloseRow.reopened.is_(False)
        )
    ):
        closes.setdefault(int(fund_id), []).append(through)
    opened: dict[int, Any] = {
        int(f): on
        for f, on in conn.execute(
            select(OpeningRow.fund_id, OpeningRow.opened_on).where(OpeningRow.fund_id.in_(fund_ids))
        )
    }
    return [
        CloseFigures(int(f), closed, tuple(closes.get(int(f), ())), opened.get(int(f)))
        for f, closed in conn.execute(
            select(FundRow.id, FundRow.closed_through).where(FundRow.id.in_(fund_ids))
        )
    ]


def record_figures(conn: Connection, fund_ids: Sequence[int], keys: Keys | None = None) -> RecordFigures:
    """What :func:`revolve.records.record_violations` audits, for these funds; ``keys`` gives each keyed
    fund's chain key (its record digests are HMACs under it)."""
    keys = keys or {}
    digests = _row_digests(conn, _RECEIPT, "receipt", RECEIPT_COLUMNS, fund_ids, subject="receipt", keys=keys)
    digests += _row_digests(
        conn, _HOUSEHOLD, "household", HOUSEHOLD_COLUMNS, fund_ids, subject="household", keys=keys
    )
    digests += _row_digests(conn, _LOAN, "loan", LOAN_COLUMNS, fund_ids, subject="loan", keys=keys)
    digests += _row_digests(conn, _BATCH, "batch", BATCH_COLUMNS, fund_ids, subject="batch", keys=keys)
    digests += _period_close_digests(conn, fund_ids, keys)
    digests += _schedule_digests(conn, fund_ids, keys)
    digests += _guarantee_digests(conn, fund_ids, keys)
    return RecordFigures(
        tuple(digests),
        tuple(_receipts(conn, fund_ids)),
        tuple(_unreceipted(conn, fund_ids)),
        tuple(_loans(conn, fund_ids)),
        tuple(_closes(conn, fund_ids)),
    )


def _period_close_digests(
    conn: Connection, fund_ids: Sequence[int], keys: Keys
) -> list[tuple[int, StoredDigest]]:
    rows = conn.execute(select(_CLOSE).where(_CLOSE.c.fund_id.in_(fund_ids), _CLOSE.c.digest.is_not(None)))
    return [
        (
            int(r.fund_id),
            StoredDigest(
                _CLOSE.name,
                f"period close {r.id}",
                r.digest,
                row_digest("period_close", r._mapping, PERIOD_CLOSE_COLUMNS, keys.get(int(r.fund_id))),
            ),
        )
        for r in rows
    ]


def missing_funds(conn: Connection) -> list[int]:
    """Fund ids the journal names (entries, accounts) that have no fund row: a fund deleted by raw SQL."""
    known = select(FundRow.id)
    ids = set(
        conn.execute(select(EntryRow.fund_id).where(EntryRow.fund_id.not_in(known)).distinct()).scalars()
    )
    ids |= set(
        conn.execute(select(AccountRow.fund_id).where(AccountRow.fund_id.not_in(known)).distinct()).scalars()
    )
    return sorted(int(i) for i in ids)


def rekey_records(
    conn: Connection, fund_id: int, key: ChainKey, *, loans: bool = True, batches: bool = True
) -> int:
    """Re-digest the fund's records under its chain key: each record whose stored digest is the bare
    SHA-256 of its content gets the keyed one (a record edited since it was written keeps its stale digest
    and is still reported). Used when a fund's chain is sealed under the key, and by the migration that
    keys the records of funds keyed before record digests were (``loans=False``, ``batches=False``: not
    the loans' or batches' own digests, for a schema before they existed). Returns how many records were re-keyed."""
    bare = _all_digests(conn, fund_id, {}, loans, batches)
    keyed = _all_digests(conn, fund_id, {fund_id: key}, loans, batches)
    changed = 0
    for (table, ident), (stored, plain) in bare.items():
        if stored == plain and keyed[(table, ident)][1] != stored:
            _set_digest(conn, table, ident, keyed[(table, ident)][1])
            changed += 1
    return changed


def _all_digests(
    conn: Connection, fund_id: int, keys: Keys, loans: bool, batches: bool
) -> dict[tuple[str, Any], tuple[str, str]]:
    """``(table, row id) → (stored, computed)`` for every digested record of the fund."""
    out: dict[tuple[str, Any], tuple[str, str]] = {}
    rows = [
        (_RECEIPT, "receipt", RECEIPT_COLUMNS),
        (_HOUSEHOLD, "household", HOUSEHOLD_COLUMNS),
        (_CLOSE, "period_close", PERIOD_CLOSE_COLUMNS),
    ]
    if loans:
        rows.append((_LOAN, "loan", LOAN_COLUMNS))
    if batches:
        rows.append((_BATCH, "batch", BATCH_COLUMNS))
    for table, kind, columns in rows:
        for row in conn.execute(select(table).where(table.c.fund_id == fund_id, table.c.digest.is_not(None))):
            values = row._mapping
            out[(table.name, values["id"])] = (
                values["digest"],
                row_digest(kind, values, columns, keys.get(fund_id)),
            )
    dues: dict[tuple[int, int], list[Any]] = {}
    for row in conn.execute(select(_INSTALLMENT).where(_INSTALLMENT.c.fund_id == fund_id)):
        dues.setdefault((row.loan_id, row.version), []).append(row._mapping)
    for v in conn.execute(
        select(_VERSION).where(_VERSION.c.fund_id == fund_id, _VERSION.c.digest.is_not(None))
    ):
        out[(_VERSION.name, (v.loan_id, v.version))] = (
            v.digest,
            schedule_digest(v._mapping, dues.get((v.loan_id, v.version), []), keys.get(fund_id)),
        )
    held: dict[int, list[int]] = {}
    for loan_id, guarantor_id in conn.execute(
        select(GuaranteeRow.loan_id, GuaranteeRow.guarantor_id).where(GuaranteeRow.fund_id == fund_id)
    ):
        held.setdefault(int(loan_id), []).append(int(guarantor_id))
    for loan_id, stored in conn.execute(
        select(LoanRow.id, LoanRow.guarantees_digest).where(
            LoanRow.fund_id == fund_id, LoanRow.guarantees_digest.is_not(None)
        )
    ):
        out[(_GUARANTEE_SET, loan_id)] = (
            str(stored),
            guarantees_digest(held.get(int(loan_id), []), keys.get(fund_id)),
        )
    return out


def _set_digest(conn: Connection, table: str, ident: Any, digest: str) -> None:
    if table == _VERSION.name:
        loan_id, version = ident
        conn.execute(
            update(_VERSION)
            .where(_VERSION.c.loan_id == loan_id, _VERSION.c.version == version)
            .values(digest=digest)
        )
    elif table == _GUARANTEE_SET:
        conn.execute(update(_LOAN).where(_LOAN.c.id == ident).values(guarantees_digest=digest))
    else:
        target = {t.name: t for t in (_RECEIPT, _HOUSEHOLD, _CLOSE, _LOAN, _BATCH)}[table]
        conn.execute(update(target).where(target.c.id == ident).values(digest=digest))
