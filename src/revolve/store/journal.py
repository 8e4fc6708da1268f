"""The fund's journal (tables ``revolve_entry`` and ``revolve_posting``, and the balances and head they
move in ``revolve_account`` and ``revolve_fund``): preparing, numbering, chaining and writing entries,
reading them back, idempotency keys, reversals, rebuilding stored balances, and walking the hash chain.

The write path for one entry is five statements: lock the fund's head row (:mod:`revolve.store.funds`),
insert the postings (one ``executemany``), insert the header (which seals the entry; the database checks
the balance), update the touched accounts' balances (one ``executemany``), and move the fund's head to
the new hash. Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError

from revolve.errors import AmountOutOfRange, UnknownEntry, UnknownFund
from revolve.invariants import ChainBreak, balanced
from revolve.journal import GENESIS_HASH, Entry, PostedEntry, PostedLine, chain_hash, content_digest
from revolve.store.accounts import ResolvedAccount
from revolve.store.audits import account_totals
from revolve.store.driver import insert_many, run, run_many
from revolve.store.funds import FundHead
from revolve.store.lookup import any_of, select_in
from revolve.store.rows import posted_entry_of, posted_line_of
from revolve.store.schema import AccountRow, EntryRow, FundRow, PostingRow

__all__ = [
    "PreparedEntry",
    "entry_seqs",
    "find_by_idempotency_key",
    "keys_used",
    "prepare",
    "read_entry",
    "rebuild_balances",
    "reversal_of",
    "verify_chain",
    "write_entries",
]

_POSTING = cast(Table, PostingRow.__table__)
_ENTRY = cast(Table, EntryRow.__table__)
_ACCOUNT = cast(Table, AccountRow.__table__)
_FUND = cast(Table, FundRow.__table__)

# the write path's statements, built once: constructing a statement costs more than running it
_BY_KEY = select(_ENTRY.c.seq, _ENTRY.c.content_digest).where(
    _ENTRY.c.fund_id == bindparam("fund"), _ENTRY.c.idempotency_key == bindparam("key")
)
_INSERT_POSTINGS = insert(_POSTING)
_INSERT_ACCOUNTS = insert(_ACCOUNT)
_INSERT_ENTRIES = insert(_ENTRY)
_MOVE_BALANCES = (
    update(_ACCOUNT)
    .where(_ACCOUNT.c.id == bindparam("b_id"))
    .values(balance=_ACCOUNT.c.balance + bindparam("b_delta"))
)
_MOVE_HEAD = (
    update(_FUND)
    .where(_FUND.c.id == bindparam("b_fund"))
    .values(entry_count=bindparam("b_count"), head_hash=bindparam("b_hash"))
)


def find_by_idempotency_key(conn: Connection, fund_id: int, key: str) -> tuple[int, str] | None:
    """``(seq, content_digest)`` of the entry posted under ``key`` in the fund, if any."""
    rows = run(conn, _BY_KEY, {"fund": fund_id, "key": key})
    return (int(rows[0].seq), rows[0].content_digest) if rows else None


def reversal_of(conn: Connection, fund_id: int, seq: int) -> int | None:
    """The ``seq`` of the entry that reverses entry ``seq``, if one exists."""
    return conn.execute(
        select(EntryRow.seq).where(EntryRow.fund_id == fund_id, EntryRow.reverses_seq == seq)
    ).scalar_one_or_none()


_KEYS_USED = select(_ENTRY.c.idempotency_key, _ENTRY.c.seq).where(
    _ENTRY.c.fund_id == bindparam("fund"), any_of(_ENTRY.c.idempotency_key)
)


def keys_used(conn: Connection, fund_id: int, keys: Iterable[str]) -> dict[str, int]:
    """Those of ``keys`` that the fund's journal has used as idempotency keys, each with its entry."""
    return {key: int(seq) for key, seq in select_in(conn, _KEYS_USED, keys, fund=fund_id)}


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """An entry with its accounts resolved and its digest computed, ready to number and write."""

    entry: Entry
    accounts: tuple[ResolvedAccount, ...]
    digest: str


def prepare(entry: Entry, accounts: Sequence[ResolvedAccount]) -> PreparedEntry:
    """Pair an entry's postings with their accounts and compute its content digest."""
    digest = content_digest(
        value_date=entry.value_date,
        kind=entry.kind,
        memo=entry.memo,
        reverses=entry.reverses,
        lines=[(acc.code, p.amount.fen) for acc, p in zip(accounts, entry.postings, strict=True)],
    )
    return PreparedEntry(entry=entry, accounts=tuple(accounts), digest=digest)


def write_entries(
    conn: Connection, head: FundHead, prepared: Sequence[PreparedEntry], *, recorded_at: datetime
) -> list[PostedEntry]:
    """Number, chain and write entries after the fund's head; update balances and the head.

    The caller holds the head's row lock and has validated every entry.
    """
    fund_id = head.fund.id
    prev = head.hash
    seq = head.count
    posting_rows: list[dict[str, object]] = []
    entry_rows: list[dict[str, object]] = []
    deltas: dict[int, int] = defaultdict(int)
    posted: list[PostedEntry] = []
    for item in prepared:
        seq += 1
        entry = item.entry
        digest = item.digest
        new_hash = chain_hash(prev, fund_id=fund_id, seq=seq, digest=digest)
        lines = []
        for line_no, (acc, posting) in enumerate(zip(item.accounts, entry.postings, strict=True), start=1):
            fen = posting.amount.fen
            posting_rows.append(
                {
                    "fund_id": fund_id,
                    "entry_seq": seq,
                    "line_no": line_no,
                    "account_id": acc.id,
                    "amount": fen,
                    "value_date": entry.value_date,
                }
            )
            deltas[acc.id] += fen
            lines.append(PostedLine(line_no, acc.id, acc.code, posting.key, posting.amount))
        entry_rows.append(
            {
                "fund_id": fund_id,
                "seq": seq,
                "value_date": entry.value_date,
                "kind": entry.kind,
                "memo": entry.memo,
                "idempotency_key": entry.idempotency_key,
                "reverses_seq": entry.reverses,
                "content_digest": digest,
                "prev_hash": prev,
                "hash": new_hash,
                "recorded_at": recorded_at,
            }
        )
        posted.append(
            PostedEntry(
                fund_id=fund_id,
                seq=seq,
                value_date=entry.value_date,
                kind=entry.kind,
                memo=entry.memo,
                idempotency_key=entry.idempotency_key,
                reverses=entry.reverses,
                lines=tuple(lines),
                content_digest=digest,
                prev_hash=prev,
                hash=new_hash,
            )
        )
        prev = new_hash
    if not posted:
        return posted
    insert_many(conn, _INSERT_POSTINGS, posting_rows)
    insert_many(conn, _INSERT_ENTRIES, entry_rows)
    moved = [{"b_id": aid, "b_delta": d} for aid, d in deltas.items() if d != 0]
    if moved:
        try:
            run_many(conn, _MOVE_BALANCES, moved)
        except DBAPIError as exc:
            # PostgreSQL: bigint out of range (SQLSTATE 22003); SQLite: revolve's balance-range trigger
            if getattr(exc.orig, "sqlstate", None) == "22003" or "balance out of range" in str(exc.orig):
                worst = max(moved, key=lambda m: abs(m["b_delta"]))
                raise AmountOutOfRange(worst["b_delta"]) from None
            raise
    run(conn, _MOVE_HEAD, {"b_fund": fund_id, "b_count": seq, "b_hash": prev})
    return posted


def read_entry(conn: Connection, fund_id: int, seq: int) -> PostedEntry:
    """Entry ``seq`` of the fund, with its lines."""
    row = conn.execute(select(_ENTRY).where(EntryRow.fund_id == fund_id, EntryRow.seq == seq)).first()
    if row is None:
        raise UnknownEntry((fund_id, seq), hint="entries are numbered from 1 within their fund")
    lines = tuple(
        posted_line_of(r)
        for r in conn.execute(
            select(
                PostingRow.line_no,
                PostingRow.account_id,
                AccountRow.code,
                AccountRow.role,
                AccountRow.sub,
                PostingRow.amount,
            )
            .join(AccountRow, AccountRow.id == PostingRow.account_id)
            .where(PostingRow.fund_id == fund_id, PostingRow.entry_seq == seq)
            .order_by(PostingRow.line_no)
        )
    )
    return posted_entry_of(row, lines)


def entry_seqs(conn: Connection, fund_id: int, *, kind: str | None = None) -> list[int]:
    """The numbers of the fund's entries (of one kind), in order."""
    stmt = select(EntryRow.seq).where(EntryRow.fund_id == fund_id).order_by(EntryRow.seq)
    if kind is not None:
        stmt = stmt.where(EntryRow.kind == kind)
    return [int(s) for s in conn.execute(stmt).scalars()]


def rebuild_balances(conn: Connection, fund_id: int) -> dict[str, tuple[int, int]]:
    """Set every account's stored balance to its journal sum; return ``code → (old, new)`` that changed."""
    changed: dict[str, tuple[int, int]] = {}
    updates = []
    for account in account_totals(conn, [fund_id]):
        if account.stored != account.journal:
            changed[account.code] = (account.stored, account.journal)
            updates.append({"b_id": account.account_id, "b_balance": account.journal})
    if updates:
        conn.execute(
            update(_ACCOUNT).where(_ACCOUNT.c.id == bindparam("b_id")).values(balance=bindparam("b_balance")),
            updates,
        )
    return changed


def _journal_lines(conn: Connection, fund_id: int) -> Iterator[tuple[int, int, str, int, date]]:
    stmt = (
        select(
            PostingRow.entry_seq,
            PostingRow.line_no,
            AccountRow.code,
            PostingRow.amount,
            PostingRow.value_date,
        )
        .join(AccountRow, AccountRow.id == PostingRow.account_id)
        .where(PostingRow.fund_id == fund_id)
        .order_by(PostingRow.entry_seq, PostingRow.line_no)
    )
    # streamed per statement: setting yield_per on the connection would change a host Session's connection
    for row in conn.execute(stmt, execution_options={"yield_per": 5000}):
        yield int(row[0]), int(row[1]), row[2], int(row[3]), row[4]


def verify_chain(conn: Connection, fund_id: int) -> tuple[int, ChainBreak | None]:
    """Walk the fund's hash chain; return how many entries were checked and the first break, if any."""
    head = conn.execute(select(FundRow.entry_count, FundRow.head_hash).where(FundRow.id == fund_id)).first()
    if head is None:
        raise UnknownFund(fund_id)
    lines = _journal_lines(conn, fund_id)
    pending = next(lines, None)
    prev = GENESIS_HASH
    expected = 1
    checked = 0
    entries = conn.execute(
        select(
            EntryRow.seq,
            EntryRow.value_date,
            EntryRow.kind,
            EntryRow.memo,
            EntryRow.reverses_seq,
            EntryRow.content_digest,
            EntryRow.prev_hash,
            EntryRow.hash,
        )
        .where(EntryRow.fund_id == fund_id)
        .order_by(EntryRow.seq),
        execution_options={"yield_per": 5000},
    )
    for raw_seq, value_date, kind, memo, reverses, digest, prev_hash, stored_hash in entries:
        seq = int(raw_seq)
        if pending is not None and pending[0] < seq:
            return checked, ChainBreak(fund_id, pending[0], "postings exist for an entry with no header")
        if seq != expected:
            return checked, ChainBreak(
                fund_id, expected, f"entry {expected} is missing: the next one is {seq}"
            )
        body: list[tuple[str, int]] = []
        while pending is not None and pending[0] == seq:
            _, _, code, amount, line_date = pending
            if line_date != value_date:
                return checked, ChainBreak(fund_id, seq, "a posting's date differs from its entry's")
            body.append((code, amount))
            pending = next(lines, None)
        if not balanced(len(body), sum(a for _, a in body)):
            return checked, ChainBreak(fund_id, seq, "its postings do not balance")
        recomputed = content_digest(
            value_date=value_date, kind=kind, memo=memo, reverses=reverses, lines=body
        )
        if recomputed != digest:
            return checked, ChainBreak(fund_id, seq, "its content differs from what was posted")
        if prev_hash != prev:
            return checked, ChainBreak(fund_id, seq, "its link to the previous entry is broken")
        if chain_hash(prev, fund_id=fund_id, seq=seq, digest=digest) != stored_hash:
            return checked, ChainBreak(fund_id, seq, "its hash does not match its content and link")
        prev = stored_hash
        expected += 1
        checked += 1
    if pending is not None:
        return checked, ChainBreak(fund_id, pending[0], "postings exist for an entry with no header")
    count, head_hash = int(head.entry_count), head.head_hash
    if checked != count:
        return checked, ChainBreak(
            fund_id,
            min(checked, count) + 1,
            f"the journal holds {checked} entries but the fund's head says {count}",
        )
    if head_hash != prev:
        return checked, ChainBreak(fund_id, count, "the fund's head hash differs from the last entry's hash")
    return checked, None
