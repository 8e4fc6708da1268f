"""The fund's journal (tables ``revolve_entry`` and ``revolve_posting``, and the balances and head they
move in ``revolve_account`` and ``revolve_fund``): preparing, numbering, chaining and writing entries,
reading them back, idempotency keys, reversals, rebuilding stored balances, and walking the hash chain.

The write path for one entry is five statements: lock the fund's head row (:mod:`revolve.store.funds`),
insert the postings (one ``executemany``), insert the header (which seals the entry; the database checks
the balance), update the touched accounts' balances and debit and credit turnovers (one
``executemany``), and move the fund's head to the new hash. Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
from typing import cast

from sqlalchemy import Connection, Table, and_, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError

from revolve.chain import ChainKey, Checkpoint, SealExtras, link_digest, recorded_text, seal_mac
from revolve.chart import AccountKey
from revolve.errors import AmountOutOfRange, ChainKeyMismatch, ChainKeyMissing, UnknownEntry, UnknownFund
from revolve.funds import Fund
from revolve.invariants import ChainBreak, balanced
from revolve.journal import GENESIS_HASH, Entry, PostedEntry, PostedLine, chain_hash, content_digest
from revolve.store.accounts import ResolvedAccount
from revolve.store.audits import account_totals
from revolve.store.chain_walk import WALK_ENTRIES, intact_chain
from revolve.store.driver import insert_many, pipelined, run, run_many
from revolve.store.funds import FundHead
from revolve.store.lookup import any_of, select_in
from revolve.store.rows import fund_of, posted_entry_of, posted_line_of
from revolve.store.schema import AccountRow, EntryRow, FundRow, PostingRow

__all__ = [
    "ChainWalk",
    "PreparedEntry",
    "chain_key_for",
    "entry_seqs",
    "find_by_idempotency_key",
    "head_checkpoint",
    "head_checkpoints",
    "keys_used",
    "prepare",
    "read_entry",
    "rebuild_balances",
    "reversal_of",
    "verify_chain",
    "write_entries",
]

_sha256 = hashlib.sha256
# a JSON string as json.dumps(text, ensure_ascii=False) writes it, quotes included
_quoted = encode_basestring

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
# every update by id names the fund too: on a schema partitioned by fund it touches one partition
_MOVE_BALANCES = (
    update(_ACCOUNT)
    .where(_ACCOUNT.c.fund_id == bindparam("b_fund"), _ACCOUNT.c.id == bindparam("b_id"))
    .values(
        balance=_ACCOUNT.c.balance + bindparam("b_delta"),
        debit_turnover=_ACCOUNT.c.debit_turnover + bindparam("b_debit"),
        credit_turnover=_ACCOUNT.c.credit_turnover + bindparam("b_credit"),
    )
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
    """Pair an entry's postings with their accounts and compute its content digest.

    The digest is :func:`revolve.journal.content_digest`'s, its canonical JSON written here as the fast
    chain walk writes it (:mod:`revolve.store.chain_walk`): the JSON encoder's own string quoting and
    f-strings, not a ``json`` encoding of nested lists per entry (a bulk post prepares thousands). A value
    that form might not write exactly as ``json`` does (an ``int`` subclass, say) goes to
    ``content_digest`` itself; a test compares the two on random entries.
    """
    accounts = tuple(accounts)
    day = entry.value_date.isoformat()
    reverses = entry.reverses
    exact = day.__class__ is str and (reverses is None or reverses.__class__ is int)
    parts: list[str] = []
    for acc, posting in zip(accounts, entry.postings, strict=True):
        code, fen = acc.code, posting.amount.fen
        if fen.__class__ is not int or not isinstance(code, str):
            exact = False
            break
        parts.append(f"[{_quoted(code)},{fen}]")
    if not exact:
        digest = content_digest(
            value_date=entry.value_date,
            kind=entry.kind,
            memo=entry.memo,
            reverses=reverses,
            lines=[(acc.code, p.amount.fen) for acc, p in zip(accounts, entry.postings, strict=True)],
        )
    else:
        reversal = "null" if reverses is None else str(reverses)
        text = f"[{_quoted(day)},{_quoted(entry.kind)},{_quoted(entry.memo)},{reversal},[{','.join(parts)}]]"
        digest = _sha256(text.encode()).hexdigest()
    return PreparedEntry(entry, accounts, digest)


def chain_key_for(fund: Fund, key: ChainKey | None) -> ChainKey | None:
    """The key a fund's chain is linked with: None for a bare chain, ``key`` for a keyed one.

    Raises:
        ChainKeyMissing: the fund's chain is keyed and no key was given.
        ChainKeyMismatch: the fund's chain is keyed under another key.
    """
    if fund.chain_key_id is None:
        return None
    if key is None:
        raise ChainKeyMissing(fund.code, fingerprint=fund.chain_key_id)
    if key.fingerprint != fund.chain_key_id:
        raise ChainKeyMismatch(fund.code, fingerprint=fund.chain_key_id, given=key.fingerprint)
    return key


def write_entries(
    conn: Connection,
    head: FundHead,
    prepared: Sequence[PreparedEntry],
    *,
    recorded_at: datetime,
    key: ChainKey | None = None,
    along: Callable[[list[PostedEntry]], None] | None = None,
) -> list[PostedEntry]:
    """Number, chain and write entries after the fund's head; update balances and the head.

    The caller holds the head's row lock and has validated every entry. Each entry is written at
    digest version 2 (its idempotency key and ``recorded_at`` are in what the chain links) and, when
    the fund is keyed, linked with HMAC under ``key``. ``along`` is given the entries written and runs
    the caller's own writes with the journal's, in their round trip on PostgreSQL (see
    :func:`revolve.store.driver.pipelined`: rows it reads with ``send`` are read after it); it runs
    when nothing was written too.

    Raises:
        ChainKeyMissing, ChainKeyMismatch: the fund's chain is keyed and ``key`` is not its key.
    """
    fund_id = head.fund.id
    chain_key = chain_key_for(head.fund, key)
    # one instant for the digest and the row: UTC, so every backend gives back what was hashed
    recorded_at = (
        recorded_at.replace(tzinfo=UTC) if recorded_at.tzinfo is None else recorded_at.astimezone(UTC)
    )
    stamp = recorded_text(recorded_at)
    prev = head.hash
    seq = head.count
    posting_rows: list[dict[str, object]] = []
    entry_rows: list[dict[str, object]] = []
    # per account: the debit turnover and the credit turnover (both positive) the entries move
    debits: dict[int, int] = defaultdict(int)
    credits: dict[int, int] = defaultdict(int)
    posted: list[PostedEntry] = []
    # link_digest (version 2) and chain_hash written out, as the fast chain walk writes them: a bulk post
    # links thousands of entries; a keyed chain's HMAC starts from the key's states computed once
    sha256 = _sha256
    mac = chain_key.macs() if chain_key is not None else None
    link = f":{fund_id}:"
    for item in prepared:
        seq += 1
        entry = item.entry
        digest = item.digest
        idem = entry.idempotency_key
        linked = sha256(f"2|{digest}|{'-' if idem is None else _quoted(idem)}|{stamp}".encode()).hexdigest()
        message = f"{prev}{link}{seq}:{linked}".encode("ascii")
        new_hash = sha256(message).hexdigest() if mac is None else mac(message)
        value_date = entry.value_date
        lines = []
        for line_no, (acc, posting) in enumerate(zip(item.accounts, entry.postings, strict=True), start=1):
            amount = posting.amount
            fen = amount.fen
            account_id = acc.id
            posting_rows.append(
                {
                    "fund_id": fund_id,
                    "entry_seq": seq,
                    "line_no": line_no,
                    "account_id": account_id,
                    "amount": fen,
                    "value_date": value_date,
                }
            )
            if fen > 0:
                debits[account_id] += fen
            else:
                credits[account_id] -= fen
            named = posting.account
            lines.append(
                PostedLine(
                    line_no,
                    account_id,
                    acc.code,
                    named if named.__class__ is AccountKey else posting.key,
                    amount,
                )
            )
        entry_rows.append(
            {
                "fund_id": fund_id,
                "seq": seq,
                "value_date": value_date,
                "kind": entry.kind,
                "memo": entry.memo,
                "idempotency_key": idem,
                "reverses_seq": entry.reverses,
                "content_digest": digest,
                "prev_hash": prev,
                "hash": new_hash,
                "recorded_at": recorded_at,
                "digest_version": 2,
            }
        )
        posted.append(
            PostedEntry(
                fund_id=fund_id,
                seq=seq,
                value_date=value_date,
                kind=entry.kind,
                memo=entry.memo,
                idempotency_key=idem,
                reverses=entry.reverses,
                lines=tuple(lines),
                content_digest=digest,
                prev_hash=prev,
                hash=new_hash,
            )
        )
        prev = new_hash
    if not posted:
        if along is not None:
            along(posted)
        return posted
    moved = [
        {
            "b_fund": fund_id,
            "b_id": aid,
            "b_delta": debits.get(aid, 0) - credits.get(aid, 0),
            "b_debit": debits.get(aid, 0),
            "b_credit": credits.get(aid, 0),
        }
        for aid in sorted(debits.keys() | credits.keys())
    ]
    try:
        # the four writes read nothing back: on PostgreSQL they go in one round trip, with the caller's
        with pipelined(conn):
            insert_many(conn, _INSERT_POSTINGS, posting_rows)
            insert_many(conn, _INSERT_ENTRIES, entry_rows)
            run_many(conn, _MOVE_BALANCES, moved)
            run(conn, _MOVE_HEAD, {"b_fund": fund_id, "b_count": seq, "b_hash": prev})
            if along is not None:
                along(posted)
    except DBAPIError as exc:
        # PostgreSQL: bigint out of range (SQLSTATE 22003); SQLite: revolve's balance-range trigger
        if getattr(exc.orig, "sqlstate", None) == "22003" or "balance out of range" in str(exc.orig):
            worst = max(moved, key=lambda m: abs(m["b_delta"]))
            raise AmountOutOfRange(worst["b_delta"]) from None
        raise
    return posted


def read_entry(conn: Connection, fund_id: int, seq: int) -> PostedEntry:
    """Entry ``seq`` of the fund, with its lines."""
    row = conn.execute(select(_ENTRY).where(EntryRow.fund_id == fund_id, EntryRow.seq == seq)).first()
    if row is None:
        raise UnknownEntry((fund_id, seq), reason="numbering")
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
            .join(
                AccountRow,
                and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id),
            )
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
    """Set every account's stored balance and turnovers to its journal sums; return ``code → (old, new)``
    balance of each account whose stored figures changed (a turnover alone repaired shows its balance
    unchanged)."""
    changed: dict[str, tuple[int, int]] = {}
    updates = []
    for account in account_totals(conn, [fund_id]):
        if account.stored_figures != account.journal_figures:
            changed[account.code] = (account.stored, account.journal)
            updates.append(
                {
                    "b_fund": fund_id,
                    "b_id": account.account_id,
                    "b_balance": account.journal,
                    "b_debit": account.journal_debit,
                    "b_credit": account.journal_credit,
                }
            )
    if updates:
        conn.execute(
            update(_ACCOUNT)
            .where(_ACCOUNT.c.fund_id == bindparam("b_fund"), _ACCOUNT.c.id == bindparam("b_id"))
            .values(
                balance=bindparam("b_balance"),
                debit_turnover=bindparam("b_debit"),
                credit_turnover=bindparam("b_credit"),
            ),
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
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(PostingRow.fund_id == fund_id)
        .order_by(PostingRow.entry_seq, PostingRow.line_no)
    )
    # streamed per statement: setting yield_per on the connection would change a host Session's connection
    for row in conn.execute(stmt, execution_options={"yield_per": 5000}):
        yield int(row[0]), int(row[1]), row[2], int(row[3]), row[4]


@dataclass(frozen=True, slots=True)
class ChainWalk:
    """What walking a fund's chain found.

    Attributes:
        checked: how many entries verified before the first break (all of them when none).
        first_break: the first break, if any.
        keyed: whether the fund's chain is keyed (HMAC); False for the bare SHA-256 chain.
        checkpoint: the verified head (None when the chain is broken).
        extras: the digest of the idempotency keys and recording times of the entries a seal covers (of
            every entry with ``extras_of_all``).
        sealed_count: how many entries a seal covers (None when the fund was never sealed).
        sealed_at: when the fund was sealed.
    """

    checked: int
    first_break: ChainBreak | None
    keyed: bool
    checkpoint: Checkpoint | None
    extras: str
    sealed_count: int | None
    sealed_at: datetime | None


def verify_chain(
    conn: Connection,
    fund_id: int,
    *,
    key: ChainKey | None = None,
    against: Checkpoint | None = None,
    extras_of_all: bool = False,
) -> ChainWalk:
    """Walk the fund's hash chain; report how many entries were checked and the first break, if any.

    Args:
        conn: a connection in a transaction.
        fund_id: the fund.
        key: the deployment's chain key (needed for a keyed fund).
        against: an earlier checkpoint: the entry at its count must still have its hash and date.
        extras_of_all: digest every entry's idempotency key and recording time (for a seal); otherwise
            only those a seal covers.

    Raises:
        UnknownFund: no such fund.
        ChainKeyMissing, ChainKeyMismatch: the fund is keyed and ``key`` is not its key.
    """
    row = conn.execute(select(_FUND).where(_FUND.c.id == fund_id)).first()
    if row is None:
        raise UnknownFund(fund_id)
    chain_key = chain_key_for(fund_of(row), key)
    sealed_count = None if row.sealed_count is None else int(row.sealed_count)
    intact = intact_chain(
        conn,
        fund_id,
        row.code,
        head=(int(row.entry_count), row.head_hash),
        chain_key=chain_key,
        seal=(sealed_count, row.seal_mac),
        against=against,
        extras_of_all=extras_of_all,
    )
    if intact is not None:
        return ChainWalk(
            intact.checked,
            None,
            chain_key is not None,
            intact.checkpoint,
            intact.extras,
            sealed_count,
            row.sealed_at,
        )
    # something does not hold: the reference walk below finds the first break and names it
    keyed_from = (sealed_count or 0) if chain_key is not None else None
    extras = SealExtras()
    want_extras = extras_of_all
    lines = _journal_lines(conn, fund_id)
    pending = next(lines, None)
    prev = GENESIS_HASH
    last_date: date | None = None
    expected = 1
    checked = 0

    def walk(first_break: ChainBreak | None) -> ChainWalk:
        checkpoint = None
        if first_break is None:
            checkpoint = Checkpoint.of(row.code, checked, last_date, prev)
        return ChainWalk(
            checked,
            first_break,
            chain_key is not None,
            checkpoint,
            extras.hexdigest(),
            sealed_count,
            row.sealed_at,
        )

    entries = conn.execute(WALK_ENTRIES, {"fund": fund_id}, execution_options={"yield_per": 5000})
    for raw_seq, value_date, kind, memo, reverses, digest, prev_hash, stored_hash, *extra in entries:
        idem_key, recorded_at, version = extra
        seq = int(raw_seq)
        if pending is not None and pending[0] < seq:
            return walk(ChainBreak(fund_id, pending[0], "postings exist for an entry with no header"))
        if seq != expected:
            return walk(ChainBreak(fund_id, expected, f"entry {expected} is missing: the next one is {seq}"))
        body: list[tuple[str, int]] = []
        while pending is not None and pending[0] == seq:
            _, line_no, code, amount, line_date = pending
            if line_date != value_date:
                return walk(ChainBreak(fund_id, seq, "a posting's date differs from its entry's"))
            if line_no != len(body) + 1:
                return walk(ChainBreak(fund_id, seq, "its lines are not numbered 1, 2, 3, … in order"))
            body.append((code, amount))
            pending = next(lines, None)
        if not balanced(len(body), sum(a for _, a in body)):
            return walk(ChainBreak(fund_id, seq, "its postings do not balance"))
        recomputed = content_digest(
            value_date=value_date, kind=kind, memo=memo, reverses=reverses, lines=body
        )
        if recomputed != digest:
            return walk(ChainBreak(fund_id, seq, "its content differs from what was posted"))
        if prev_hash != prev:
            return walk(ChainBreak(fund_id, seq, "its link to the previous entry is broken"))
        if version not in (1, 2):
            return walk(ChainBreak(fund_id, seq, f"its digest version {version!r} is unknown"))
        linked = link_digest(int(version), digest, idempotency_key=idem_key, recorded_at=recorded_at)
        link_key = chain_key if keyed_from is not None and seq > keyed_from else None
        if chain_hash(prev, fund_id=fund_id, seq=seq, digest=linked, key=link_key) != stored_hash:
            return walk(ChainBreak(fund_id, seq, "its hash does not match its content and link"))
        if want_extras or seq <= (sealed_count or 0):
            extras.add(seq, idem_key, recorded_at)
        if chain_key is not None and seq == sealed_count:
            mac = seal_mac(
                chain_key, fund_id=fund_id, count=seq, head_hash=stored_hash, extras=extras.hexdigest()
            )
            if mac != row.seal_mac:
                return walk(ChainBreak(fund_id, seq, f"the key's seal over entries 1-{seq} does not match"))
        if (
            against is not None
            and seq == against.count
            and (not against.matches(stored_hash) or value_date != against.last_date)
        ):
            return walk(ChainBreak(fund_id, seq, f"it differs from checkpoint {against.code}"))
        prev = stored_hash
        last_date = value_date
        expected += 1
        checked += 1
    if pending is not None:
        return walk(ChainBreak(fund_id, pending[0], "postings exist for an entry with no header"))
    count, head_hash = int(row.entry_count), row.head_hash
    if checked != count:
        return walk(
            ChainBreak(
                fund_id,
                min(checked, count) + 1,
                f"the journal holds {checked} entries but the fund's head says {count}",
            )
        )
    if head_hash != prev:
        return walk(ChainBreak(fund_id, count, "the fund's head hash differs from the last entry's hash"))
    if chain_key is not None and (sealed_count or 0) > checked:
        return walk(ChainBreak(fund_id, checked + 1, f"the key's seal covers {sealed_count} entries"))
    if against is not None and against.count > checked:
        return walk(
            ChainBreak(
                fund_id,
                checked + 1,
                f"the journal holds {checked} entries, fewer than checkpoint {against.code}",
            )
        )
    return walk(None)


def head_checkpoints(conn: Connection, funds: Sequence[Fund]) -> list[Checkpoint]:
    """:func:`head_checkpoint` of each of these funds, in this order, read in one statement."""
    if not funds:
        return []
    rows = conn.execute(
        select(FundRow.id, FundRow.entry_count, FundRow.head_hash, EntryRow.value_date)
        .outerjoin(EntryRow, and_(EntryRow.fund_id == FundRow.id, EntryRow.seq == FundRow.entry_count))
        .where(FundRow.id.in_(sorted({f.id for f in funds})))
    )
    heads = {int(r.id): r for r in rows}
    missing = [f.id for f in funds if f.id not in heads]
    if missing:
        raise UnknownFund(missing[0])
    return [
        Checkpoint.of(f.code, int(heads[f.id].entry_count), heads[f.id].value_date, heads[f.id].head_hash)
        for f in funds
    ]


def head_checkpoint(conn: Connection, fund: Fund) -> Checkpoint:
    """The fund's head as stored (entry count, head hash, the last entry's value date), as a checkpoint."""
    head = conn.execute(select(FundRow.entry_count, FundRow.head_hash).where(FundRow.id == fund.id)).one()
    count = int(head.entry_count)
    last = conn.execute(
        select(EntryRow.value_date).where(EntryRow.fund_id == fund.id, EntryRow.seq == count)
    ).scalar_one_or_none()
    return Checkpoint.of(fund.code, count, last, head.head_hash)
