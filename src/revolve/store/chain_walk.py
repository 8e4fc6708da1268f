"""The fast walk of a fund's hash chain: proving an intact chain intact at the speed of reading its rows.

:func:`revolve.store.journal.verify_chain` is the reference walk: it reads the entries and their
postings in order, recomputes each entry's content digest (:func:`revolve.journal.content_digest`), link
digest (:func:`revolve.chain.link_digest`) and chain hash (:func:`revolve.journal.chain_hash`), and names
the first break with its reason. Nearly every walk finds no break, so :func:`intact_chain` runs the same
checks with as little Python as they allow and answers only "intact" (with what the reference walk
would report) or "not sure": at the first thing that does not hold — or that it does not read exactly as
the reference walk would — it gives up and the reference walk runs from the start to name the break.
It therefore never passes a chain the reference walk would fail, and the digests are the same
definitions computed the same way (a test pins both on a fixed book).

Where the time goes, and what this walk does about it:

* **reading the rows**: one ordered query per table (entries; postings without a join: the fund's
  account codes are read once into a dict), streamed. On SQLite, with nobody watching statements, they
  run on the driver's own cursor, as SQLAlchemy compiled them (:mod:`revolve.store.driver`), and a value
  SQLAlchemy would convert (ISO text to a date or a time) is converted by SQLAlchemy's own converter,
  once per distinct value (a book has a few thousand value dates; a batch shares one recording time).
  Elsewhere (PostgreSQL) they stream through ``Connection.execute`` with ``yield_per`` (a server-side
  cursor);
* **the canonical form**: the content digest's JSON is written with the JSON encoder's own string
  quoting (``json.encoder.encode_basestring``, what ``json.dumps(..., ensure_ascii=False)`` uses) and
  f-strings, not a ``json.dumps`` of nested lists per entry;
* **hashing**: three SHA-256 per entry (content, link, chain); a keyed chain's HMAC starts from the key's
  inner and outer states computed once (:meth:`revolve.chain.ChainKey.macs`).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from json.encoder import encode_basestring
from typing import Any, cast

from sqlalchemy import Connection, Select, Table, bindparam, select
from sqlalchemy.exc import DBAPIError

from revolve.chain import ChainKey, Checkpoint, SealExtras, recorded_text, seal_mac
from revolve.journal import GENESIS_HASH
from revolve.store.driver import _direct
from revolve.store.schema import AccountRow, EntryRow, PostingRow

__all__ = ["WALK_ENTRIES", "IntactChain", "intact_chain"]

_ENTRY = cast(Table, EntryRow.__table__)
_POSTING = cast(Table, PostingRow.__table__)
_ACCOUNT = cast(Table, AccountRow.__table__)

# a JSON string as json.dumps(text, ensure_ascii=False) writes it, quotes included
_quoted = encode_basestring

_CODES = select(_ACCOUNT.c.id, _ACCOUNT.c.code).where(_ACCOUNT.c.fund_id == bindparam("fund"))
# a fund's entries in chain order: what both walks (this one and the reference in store/journal.py) read
WALK_ENTRIES = (
    select(
        _ENTRY.c.seq,
        _ENTRY.c.value_date,
        _ENTRY.c.kind,
        _ENTRY.c.memo,
        _ENTRY.c.reverses_seq,
        _ENTRY.c.content_digest,
        _ENTRY.c.prev_hash,
        _ENTRY.c.hash,
        _ENTRY.c.idempotency_key,
        _ENTRY.c.recorded_at,
        _ENTRY.c.digest_version,
    )
    .where(_ENTRY.c.fund_id == bindparam("fund"))
    .order_by(_ENTRY.c.seq)
)
_LINES = (
    select(
        _POSTING.c.entry_seq,
        _POSTING.c.line_no,
        _POSTING.c.account_id,
        _POSTING.c.amount,
        _POSTING.c.value_date,
    )
    .where(_POSTING.c.fund_id == bindparam("fund"))
    .order_by(_POSTING.c.entry_seq, _POSTING.c.line_no)
)
_BATCH = 5000
_NOTHING = object()  # what no column holds
_Convert = Callable[[Any], Any]
_PLANS: dict[tuple[int, str], tuple[str, tuple[_Convert | None, ...]]] = {}


@dataclass(frozen=True, slots=True)
class IntactChain:
    """What an intact chain's walk found (what the reference walk reports when it finds no break).

    Attributes:
        checked: how many entries verified (all of them).
        checkpoint: the verified head.
        extras: the digest of the idempotency keys and recording times of the entries a seal covers (of
            every entry when asked).
    """

    checked: int
    checkpoint: Checkpoint
    extras: str


def _identity(value: Any) -> Any:
    return value


def _bare(message: bytes) -> str:
    return hashlib.sha256(message).hexdigest()


def _stream(
    conn: Connection, stmt: Select[Any], fund_id: int, opened: list[Any]
) -> tuple[Iterator[Any], list[_Convert]]:
    """The rows of a read built once at module level, streamed, as the driver gives them, with each
    column's converter to what SQLAlchemy would give (the identity where the rows come converted); the
    driver cursor or result opened is added to ``opened``, for the caller to close."""
    dialect = conn.dialect
    plan = _PLANS.get((id(stmt), dialect.name)) if _direct(conn) else None
    if plan is None and _direct(conn):
        compiled = stmt.compile(dialect=dialect)
        converters = tuple(
            cast(_Convert | None, column.type.dialect_impl(dialect).result_processor(dialect, None))
            for column in stmt.selected_columns
        )
        # the driver takes the one bound value (the fund) by position; any other form goes by SQLAlchemy
        if compiled.positiontup == ["fund"]:
            plan = _PLANS[(id(stmt), dialect.name)] = (str(compiled), converters)
    if plan is None:
        result = conn.execute(stmt, {"fund": fund_id}, execution_options={"yield_per": _BATCH})
        opened.append(result)
        return iter(result), [_identity] * len(stmt.selected_columns)
    sql, converters = plan
    cursor = conn.connection.cursor()
    opened.append(cursor)
    cursor.execute(sql, (fund_id,))
    # the cursor iterated as it is, with no Python layer between (intact_chain raises a driver error
    # as SQLAlchemy raises one)
    return cast(Iterator[Any], cursor), [c or _identity for c in converters]


def intact_chain(
    conn: Connection,
    fund_id: int,
    fund_code: str,
    *,
    head: tuple[int, str],
    chain_key: ChainKey | None,
    seal: tuple[int | None, str | None],
    against: Checkpoint | None,
    extras_of_all: bool,
) -> IntactChain | None:
    """Walk the fund's chain; what the reference walk reports if every check holds, else None.

    Args:
        conn: a connection in a transaction.
        fund_id: the fund.
        fund_code: its code (for the checkpoint).
        head: the fund's stored entry count and head hash.
        chain_key: the key its chain is linked with (None: a bare chain), already checked against the
            fund's key fingerprint.
        seal: how many entries the fund's seal covers and its stored seal MAC (None, None: never sealed).
        against: an earlier checkpoint the entry at its count must still match.
        extras_of_all: digest every entry's idempotency key and recording time, not only those a seal
            covers.

    Returns:
        None when anything does not hold, or does not read as the reference walk reads it: the caller
        then runs the reference walk, which names the break.
    """
    error = conn.dialect.loaded_dbapi.Error
    opened: list[Any] = []
    try:
        return _walk(
            conn,
            opened,
            fund_id,
            fund_code,
            head=head,
            chain_key=chain_key,
            seal=seal,
            against=against,
            extras_of_all=extras_of_all,
        )
    except (TypeError, ValueError, KeyError, AttributeError, UnicodeError):
        # a value the fast forms do not take (a tampered row of the wrong type): the reference decides
        return None
    except error as exc:  # from the driver's own cursor, which no SQLAlchemy layer wraps
        raise DBAPIError.instance(None, None, exc, error, dialect=conn.dialect) from exc
    finally:
        for rows in opened:
            rows.close()


def _walk(
    conn: Connection,
    opened: list[Any],
    fund_id: int,
    fund_code: str,
    *,
    head: tuple[int, str],
    chain_key: ChainKey | None,
    seal: tuple[int | None, str | None],
    against: Checkpoint | None,
    extras_of_all: bool,
) -> IntactChain | None:
    codes: dict[Any, str] = {}
    account_rows, _ = _stream(conn, _CODES, fund_id, opened)
    for account_id, code in account_rows:
        codes[account_id] = _quoted(code)
    entries, entry_converters = _stream(conn, WALK_ENTRIES, fund_id, opened)
    lines, _ = _stream(conn, _LINES, fund_id, opened)
    to_date, to_time = entry_converters[1], entry_converters[9]
    sealed_count, stored_seal = seal
    covered = sealed_count or 0
    # the entries after this number are linked with HMAC under the key: all of them in a fund keyed from
    # the start, those after the seal in a sealed one, none in a bare chain
    keyed_after = covered if chain_key is not None else sys.maxsize
    # the entries up to this number feed the seal's digest of keys and times
    extras_through = sys.maxsize if extras_of_all else covered
    extras = SealExtras()
    # the numbers at which the seal or the checkpoint is checked
    marks = set()
    if chain_key is not None and sealed_count is not None:
        marks.add(sealed_count)
    if against is not None:
        marks.add(against.count)
    sha256 = hashlib.sha256
    mac = chain_key.macs() if chain_key is not None else _bare
    # each distinct value date read: the date SQLAlchemy gives and its JSON form in the content digest
    days: dict[Any, tuple[date, str]] = {}
    stamp_raw: Any = _NOTHING
    stamp = ""
    prev = GENESIS_HASH
    last_day: date | None = None
    expected = 1
    link = f":{fund_id}:"
    pending = next(lines, None)
    for seq, day, kind, memo, reverses, digest, prev_hash, stored_hash, key, recorded, version in entries:
        if seq != expected or prev_hash != prev:
            return None
        known = days.get(day)
        if known is None:
            value = to_date(day)
            known = days[day] = (value, _quoted(value.isoformat()))
        parts = []
        total = 0
        while pending is not None and pending[0] == seq:
            _, line_no, account_id, amount, line_day = pending
            parts.append(f"[{codes[account_id]},{amount}]")
            total += amount
            if line_no != len(parts) or (line_day != day and to_date(line_day) != known[0]):
                return None
            pending = next(lines, None)
        if len(parts) < 2 or total != 0:
            return None
        if reverses is None:
            reversal = "null"
        elif type(reverses) is int:
            reversal = str(reverses)
        else:
            return None
        text = f"[{known[1]},{_quoted(kind)},{_quoted(memo)},{reversal},[{','.join(parts)}]]"
        if sha256(text.encode()).hexdigest() != digest:
            return None
        if recorded != stamp_raw:
            # a batch's entries share one recording time: it is read once
            stamp = recorded_text(to_time(recorded))
            stamp_raw = recorded
        if version == 2:
            idem = "-" if key is None else _quoted(key)
            linked = sha256(f"2|{digest}|{idem}|{stamp}".encode()).hexdigest()
        elif version == 1:
            linked = digest
        else:
            return None
        message = f"{prev}{link}{seq}:{linked}".encode("ascii")
        if (sha256(message).hexdigest() if seq <= keyed_after else mac(message)) != stored_hash:
            return None
        if seq <= extras_through:
            extras.add_text(seq, key, stamp)
        if seq in marks:
            if chain_key is not None and seq == sealed_count:
                sealed = seal_mac(
                    chain_key, fund_id=fund_id, count=seq, head_hash=stored_hash, extras=extras.hexdigest()
                )
                if sealed != stored_seal:
                    return None
            if (
                against is not None
                and seq == against.count
                and (not against.matches(stored_hash) or known[0] != against.last_date)
            ):
                return None
        prev = stored_hash
        last_day = known[0]
        expected += 1
    checked = expected - 1
    count, head_hash = head
    if pending is not None or checked != count or head_hash != prev:
        return None
    if chain_key is not None and covered > checked:
        return None
    if against is not None and against.count > checked:
        return None
    return IntactChain(checked, Checkpoint.of(fund_code, checked, last_day, prev), extras.hexdigest())
