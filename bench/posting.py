"""How fast revolve posts to a SQLite file, beside raw sqlite3 doing the same writes.

Prints one JSON object per line:

* ``single_post`` — entries/s, each posted through ``Ledger.post`` in its own transaction, after the
  book was pre-filled to 10k, 100k and 1M entries; with the raw-sqlite3 figure for the same writes (a
  header, two postings, two balance updates, one commit) measured in the same run under the same
  durability setting;
* ``bulk_post`` — entries/s for ``Ledger.post_entries`` of 10,000 entries in one transaction, beside
  raw ``sqlite3.executemany`` inserting the same rows, and the ratios: once into a schema revolve made
  (so the database runs the same balance and immutability triggers), once into bare tables with no
  triggers at all (the floor no ledger that guards its journal in the database can reach).

Usage::

    python bench/posting.py                       # 10k, 100k, 1M; synchronous=FULL (the default)
    python bench/posting.py --durability normal
    python bench/posting.py --sizes 10000,100000 --single 2000
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from revolve import AccountKey, AccountRole, Entry, Ledger, OrgLevel, Posting, fen

R = AccountRole
LOANS = 1000


def _entry(i: int) -> Entry:
    loan = AccountKey(R.LOANS_RECEIVABLE, f"L{i % LOANS:05d}")
    amount = fen(10_000 + i % 997)
    if i % 2:
        postings = (Posting(loan, amount), Posting(R.FUND_CASH, -amount))
    else:
        postings = (Posting(R.FUND_CASH, amount), Posting(loan, -amount))
    # 2,000 entries a day from 2020-01-01, wrapping after 1,800 days: value dates stay inside the fund's
    # plausibility window (a date centuries ahead, as an unbounded count gave, is refused)
    return Entry(date(2020, 1, 1) + timedelta(days=(i // 2000) % 1800), "repayment", postings)


def _ledger(path: Path, durability: str) -> tuple[Ledger, int]:
    ledger = Ledger.open(f"sqlite:///{path}", durability=durability)  # type: ignore[arg-type]
    org = ledger.create_org("C", "县", OrgLevel.COUNTY)
    fund = ledger.create_fund("F", "基金", org=org)
    seed = Entry(
        date(2019, 12, 31),
        "contribution",
        (Posting(R.FUND_CASH, fen(10**12)), Posting(R.DONATION_REVENUE, fen(-(10**12)))),
    )
    ledger.post_entries(fund, [seed])
    return ledger, fund.id


def _fill(ledger: Ledger, fund: int, start: int, stop: int) -> None:
    chunk = 20_000
    for lo in range(start, stop, chunk):
        ledger.post_entries(fund, [_entry(i) for i in range(lo, min(stop, lo + chunk))])


def _single_rate(ledger: Ledger, fund: int, start: int, n: int) -> float:
    samples = []
    batch = max(1, n // 5)
    i = start
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(batch):
            e = _entry(i)
            ledger.post(fund, on=e.value_date, kind=e.kind, postings=e.postings)
            i += 1
        samples.append(batch / (time.perf_counter() - t0))
    return statistics.median(samples)


_RAW_SCHEMA = """
CREATE TABLE account (id INTEGER PRIMARY KEY, balance BIGINT NOT NULL);
CREATE TABLE entry (fund_id BIGINT, seq BIGINT, value_date DATE, kind TEXT, memo TEXT, content_digest TEXT,
    prev_hash TEXT, hash TEXT, recorded_at TEXT, PRIMARY KEY (fund_id, seq));
CREATE TABLE posting (fund_id BIGINT, entry_seq BIGINT, line_no INT, account_id BIGINT, amount BIGINT,
    value_date DATE, PRIMARY KEY (fund_id, entry_seq, line_no));
"""


def _raw_db(path: Path, durability: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {durability.upper()}")
    conn.executescript(_RAW_SCHEMA)
    conn.executemany("INSERT INTO account VALUES (?, 0)", [(i,) for i in range(LOANS + 2)])
    return conn


def _raw_single_rate(conn: sqlite3.Connection, n: int) -> float:
    h = "0" * 64
    t0 = time.perf_counter()
    for seq in range(1, n + 1):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO posting VALUES (1, ?, 1, ?, ?, '2020-01-01'), (1, ?, 2, ?, ?, '2020-01-01')",
            (seq, 1, 100, seq, 2 + seq % LOANS, -100),
        )
        conn.execute(
            "INSERT INTO entry VALUES (1, ?, '2020-01-01', 'repayment', '', ?, ?, ?, '2020-01-01')",
            (seq, h, h, h),
        )
        conn.execute("UPDATE account SET balance = balance + ? WHERE id = ?", (100, 1))
        conn.execute("UPDATE account SET balance = balance + ? WHERE id = ?", (-100, 2 + seq % LOANS))
        conn.execute("COMMIT")
    return n / (time.perf_counter() - t0)


def _raw_bulk_rate(conn: sqlite3.Connection, n: int, first: int) -> float:
    h = "0" * 64
    postings = []
    entries = []
    for seq in range(first, first + n):
        postings.append((seq, 1, 1, 100, "2020-01-01"))
        postings.append((seq, 2, 2 + seq % LOANS, -100, "2020-01-01"))
        entries.append((seq, h, h, h))
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO posting VALUES (1, ?, ?, ?, ?, ?)", postings)
    conn.executemany(
        "INSERT INTO entry VALUES (1, ?, '2020-01-01', 'repayment', '', ?, ?, ?, '2020-01-01')", entries
    )
    conn.executemany("UPDATE account SET balance = balance + ? WHERE id = ?", [(100, 1), (-100, 2)])
    conn.execute("COMMIT")
    return n / (time.perf_counter() - t0)


def _raw_same_schema_bulk_rate(path: Path, durability: str, entries: list[Entry]) -> float:
    """Raw ``sqlite3.executemany`` of revolve's rows into a schema revolve made (its triggers too): the
    postings, the headers, each account's balance and turnovers moved once, and the fund's head."""
    ledger, fund = _ledger(path, durability)
    accounts = {
        str(ledger.account(fund, p.account).key): ledger.account(fund, p.account).id
        for e in entries[: LOANS * 2]
        for p in e.postings
    }
    ledger.close()
    postings, headers = [], []
    debits: dict[int, int] = {}
    credits: dict[int, int] = {}
    for seq, entry in enumerate(entries, start=2):
        day = entry.value_date.isoformat()
        for line_no, p in enumerate(entry.postings, start=1):
            account_id, amount = accounts[str(p.key)], p.amount.fen
            postings.append((fund, seq, line_no, account_id, amount, day))
            side = debits if amount > 0 else credits
            side[account_id] = side.get(account_id, 0) + abs(amount)
        headers.append((fund, seq, day, entry.kind, "", "d" * 64, "p" * 64, "h" * 64, "2020-01-01 00:00:00"))
    # the balances and turnovers move once per account, as revolve moves them
    moved = [
        (debits.get(a, 0) - credits.get(a, 0), debits.get(a, 0), credits.get(a, 0), a)
        for a in sorted(debits.keys() | credits.keys())
    ]
    last = len(entries) + 1
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA synchronous = {durability.upper()}")
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO revolve_posting VALUES (?, ?, ?, ?, ?, ?)", postings)
    conn.executemany(
        "INSERT INTO revolve_entry (fund_id, seq, value_date, kind, memo, content_digest, prev_hash, hash, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        headers,
    )
    conn.executemany(
        "UPDATE revolve_account SET balance = balance + ?, debit_turnover = debit_turnover + ?, "
        "credit_turnover = credit_turnover + ? WHERE id = ?",
        moved,
    )
    conn.execute(
        "UPDATE revolve_fund SET entry_count = ?, head_hash = ? WHERE id = ?", (last, "h" * 64, fund)
    )
    conn.execute("COMMIT")
    rate = len(entries) / (time.perf_counter() - t0)
    conn.close()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="book sizes (entries) to measure at")
    parser.add_argument("--single", type=int, default=2000, help="single posts measured at each size")
    parser.add_argument("--bulk", type=int, default=10_000, help="entries in the bulk transaction")
    parser.add_argument("--durability", choices=["full", "normal"], default="full")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    common = {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "journal_mode": "wal",
        "synchronous": args.durability.upper(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw = _raw_db(folder / "raw.db", args.durability)
        raw_single = _raw_single_rate(raw, args.single)

        ledger, fund = _ledger(folder / "revolve.db", args.durability)
        in_book = 1  # the opening contribution
        rates = {}
        for size in sizes:
            need = max(0, size - in_book)
            t0 = time.perf_counter()
            _fill(ledger, fund, in_book, in_book + need)
            fill_seconds = time.perf_counter() - t0
            in_book += need
            rate = _single_rate(ledger, fund, 10**9 + size, args.single)
            rates[size] = rate
            print(
                json.dumps(
                    {
                        "figure": "single_post",
                        "book_entries": in_book,
                        "posts_per_s": round(rate),
                        "raw_sqlite3_per_s": round(raw_single),
                        "ratio_raw_over_revolve": round(raw_single / rate, 2),
                        "prefill_entries_per_s": round(need / fill_seconds) if need else None,
                        **common,
                    }
                ),
                flush=True,
            )
            in_book += 5 * max(1, args.single // 5)
        if len(sizes) > 1:
            drop = 1 - rates[sizes[-1]] / rates[sizes[0]]
            print(
                json.dumps(
                    {
                        "figure": "single_post_drop",
                        "from": sizes[0],
                        "to": sizes[-1],
                        "drop_pct": round(100 * drop, 1),
                        **common,
                    }
                )
            )

        bulk_ledger, bulk_fund = _ledger(folder / "bulk.db", args.durability)
        entries = [_entry(i) for i in range(args.bulk)]
        t0 = time.perf_counter()
        bulk_ledger.post_entries(bulk_fund, entries)
        revolve_bulk = args.bulk / (time.perf_counter() - t0)
        raw_bulk = _raw_bulk_rate(raw, args.bulk, 10**6)
        raw_same = _raw_same_schema_bulk_rate(folder / "raw_same.db", args.durability, entries)
        print(
            json.dumps(
                {
                    "figure": "bulk_post",
                    "entries": args.bulk,
                    "revolve_per_s": round(revolve_bulk),
                    "raw_executemany_same_schema_per_s": round(raw_same),
                    "ratio_same_schema": round(raw_same / revolve_bulk, 2),
                    "raw_executemany_bare_tables_per_s": round(raw_bulk),
                    "ratio_bare_tables": round(raw_bulk / revolve_bulk, 2),
                    **common,
                }
            )
        )
        ledger.close()
        bulk_ledger.close()
        raw.close()


if __name__ == "__main__":
    sys.exit(main())
