"""How fast ``verify()`` walks a fund's hash chain on SQLite, beside raw sqlite3 doing the same walk.

For each book size (10k and 100k entries by default) and for a bare chain and a keyed one (HMAC-SHA256
under a chain key), ``Ledger.verify`` is measured in rounds alternating with its raw baseline (one round
of each, five times, who goes first alternating; the figure is the median of the per-round ratios):

* the **raw baseline** is a tight loop of plain Python on raw ``sqlite3``, on the same file: the fund's
  account codes into a dict, one ordered query for the entries and one for the postings, merged, and for
  each entry the same three digests revolve checks (the content digest over the canonical JSON of the
  date, kind, memo, reversal link and lines; the link digest over it, the idempotency key and the
  recording time; the chain hash over the previous hash, the fund, the number and the link digest —
  HMAC-SHA256 from the key's precomputed inner and outer states for a keyed chain), each compared with
  the stored value. It does none of revolve's other checks (line numbering, balance, dates, the head,
  the seal) and trusts the stored text (it cuts the recording time to 26 characters rather than reading
  it as a time): the floor of walking this schema's chain in Python;
* ``sha256_only_per_s`` — one SHA-256 per entry over a chain link's length of input, and nothing else:
  the floor the older ``bench/ratios.py`` figure used, shown for comparison (it reads no rows and
  computes one digest of the three).

The books are built with ``post_entries`` in transactions of 20,000 entries (as ``bench/posting.py``
builds them), so the entries of a batch share one recording time; ``--singly N`` adds a book of N
entries posted one per transaction, each with its own recording time. The books hold journal entries
only: ``verify()``'s record audit (receipts, loans, households) has nothing to read in them.

Usage::

    python bench/verify.py                       # 10k and 100k entries, bare and keyed
    python bench/verify.py --sizes 10000 --singly 5000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring
from pathlib import Path

import posting  # the entries and the fills, as bench/posting.py makes them

from revolve import AccountRole, Entry, Ledger, OrgLevel, Posting, fen
from revolve.store.database import make_engine

ROUNDS = 5
KEY = b"a chain key for the verify bench, kept outside the db"


def _alternate(ours: Callable[[], float], raw: Callable[[], float]) -> dict[str, object]:
    """Run ``ours`` and ``raw`` (each returns a rate) in alternating rounds; the median of the ratios."""
    mine, theirs, ratios = [], [], []
    for k in range(ROUNDS):
        if k % 2:
            b = raw()
            a = ours()
        else:
            a = ours()
            b = raw()
        mine.append(a)
        theirs.append(b)
        ratios.append(a / b)
    return {
        "revolve_per_s": round(statistics.median(mine)),
        "raw_per_s": round(statistics.median(theirs)),
        "revolve_over_raw": round(statistics.median(ratios), 3),
        "round_ratios": [round(r, 3) for r in ratios],
    }


def _book(path: Path, n: int, *, keyed: bool, singly: bool) -> tuple[Ledger, int]:
    """A fund of ``n + 1`` entries (a contribution, then ``n`` repayments), keyed from the start if asked."""
    # a microsecond past the second: the stored times keep their six digits (raw_walk reads 26 characters)
    start = datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
    ticks = iter(range(10**9))
    ledger = Ledger(
        engine=make_engine(f"sqlite:///{path}", durability="normal"),
        # a clock that moves a millisecond per transaction: a book posted singly has a time per entry
        clock=lambda: start + timedelta(milliseconds=next(ticks)),
        chain_key=KEY if keyed else None,
    )
    org = ledger.create_org("C", "县", OrgLevel.COUNTY)
    fund = ledger.create_fund("F", "基金", org=org).id
    seed = Entry(
        posting._entry(0).value_date,
        "contribution",
        (Posting(AccountRole.FUND_CASH, fen(10**12)), Posting(AccountRole.DONATION_REVENUE, fen(-(10**12)))),
        memo='捐赠 "首笔"',
    )
    ledger.post_entries(fund, [seed])
    if singly:
        for i in range(n):
            ledger.post_entries(fund, [posting._entry(i)])
    else:
        posting._fill(ledger, fund, 0, n)
    return ledger, fund


def _inner_outer(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    return hashlib.sha256(bytes(b ^ 0x36 for b in block)), hashlib.sha256(bytes(b ^ 0x5C for b in block))


def raw_walk(path: Path, fund: int, key: bytes | None) -> int:
    """Walk the fund's chain with raw sqlite3 and hashlib; return the entries checked (raise on a break)."""
    conn = sqlite3.connect(path)
    sha256, quoted = hashlib.sha256, encode_basestring
    inner, outer = _inner_outer(key) if key is not None else (None, None)
    codes = {
        i: quoted(c)
        for i, c in conn.execute("SELECT id, code FROM revolve_account WHERE fund_id = ?", (fund,))
    }
    entries = conn.execute(
        "SELECT seq, value_date, kind, memo, reverses_seq, content_digest, prev_hash, hash, idempotency_key, "
        "recorded_at FROM revolve_entry WHERE fund_id = ? ORDER BY seq",
        (fund,),
    )
    lines = conn.execute(
        "SELECT entry_seq, account_id, amount FROM revolve_posting WHERE fund_id = ? "
        "ORDER BY entry_seq, line_no",
        (fund,),
    )
    pending = next(lines, None)
    prev = "0" * 64
    n = 0
    for seq, day, kind, memo, reverses, digest, prev_hash, stored, idem, recorded in entries:
        parts = []
        while pending is not None and pending[0] == seq:
            parts.append(f"[{codes[pending[1]]},{pending[2]}]")
            pending = next(lines, None)
        reversal = "null" if reverses is None else reverses
        text = f'["{day}",{quoted(kind)},{quoted(memo)},{reversal},[{",".join(parts)}]]'
        if sha256(text.encode()).hexdigest() != digest or prev_hash != prev:
            raise SystemExit(f"raw walk: entry {seq} does not verify")
        idem_text = "-" if idem is None else quoted(idem)
        linked = sha256(f"2|{digest}|{idem_text}|{recorded[:26]}".encode()).hexdigest()
        message = f"{prev}:{fund}:{seq}:{linked}".encode()
        if inner is not None and outer is not None:
            step = inner.copy()
            step.update(message)
            last = outer.copy()
            last.update(step.digest())
            mac = last.hexdigest()
        else:
            mac = sha256(message).hexdigest()
        if mac != stored:
            raise SystemExit(f"raw walk: entry {seq}'s hash does not verify")
        prev = stored
        n += 1
    conn.close()
    return n


def _sha256_only(count: int, fund: int) -> float:
    prev, digest = "0" * 64, "d" * 64
    t0 = time.perf_counter()
    for seq in range(1, count + 1):
        prev = hashlib.sha256(f"{prev}:{fund}:{seq}:{digest}".encode("ascii")).hexdigest()
    return count / (time.perf_counter() - t0)


def measure(folder: Path, n: int, *, keyed: bool, singly: bool) -> None:
    """One line of JSON: ``verify()`` on a book of ``n + 1`` entries beside the raw walk of it."""
    path = folder / f"verify-{n}-{'keyed' if keyed else 'bare'}-{'singly' if singly else 'bulk'}.db"
    ledger, fund = _book(path, n, keyed=keyed, singly=singly)
    count = n + 1
    ledger.verify(fund)  # warm both the page cache and the statement caches

    def ours() -> float:
        t0 = time.perf_counter()
        report = ledger.verify(fund)
        rate = count / (time.perf_counter() - t0)
        if not report.ok or report.entries_checked != count or report.keyed != keyed:
            raise SystemExit(f"the chain did not verify: {report}")
        return rate

    def raw() -> float:
        t0 = time.perf_counter()
        checked = raw_walk(path, fund, KEY if keyed else None)
        rate = count / (time.perf_counter() - t0)
        if checked != count:
            raise SystemExit(f"the raw walk checked {checked} of {count} entries")
        return rate

    result = _alternate(ours, raw)
    ledger.close()
    if ledger.engine is not None:
        ledger.engine.dispose()
    print(
        json.dumps(
            {
                "figure": "verify",
                "entries": count,
                "chain": "hmac-sha256" if keyed else "sha256",
                "posted": "one per transaction" if singly else "20,000 per transaction",
                **result,
                "sha256_only_per_s": round(statistics.median(_sha256_only(count, fund) for _ in range(3))),
                "target_per_s": 150_000,
                "python": platform.python_version(),
                "sqlite": sqlite3.sqlite_version,
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="book sizes (entries)")
    parser.add_argument("--singly", type=int, default=0, help="also a book of N entries posted singly")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            for keyed in (False, True):
                measure(folder, size, keyed=keyed, singly=False)
        if args.singly:
            for keyed in (False, True):
                measure(folder, args.singly, keyed=keyed, singly=True)


if __name__ == "__main__":
    sys.exit(main())
