"""Every SQLite figure of the performance table beside its raw-sqlite3 baseline, measured in one run.

The machine this runs on may be shared and loaded, so no figure stands alone: each is measured in
rounds that alternate revolve and its raw baseline (a round of one, then a round of the other, five
times over), and the figure reported is the median of the per-round ratios — a load that comes and goes
hits both sides of a round alike. Prints one JSON object per line:

* ``single_post`` (``FULL`` and ``NORMAL``) — ``Ledger.post`` of one entry per transaction, beside raw
  sqlite3 writing the same entry (two postings, the header, two balance and turnover updates, the fund's head) into
  a schema revolve made (so the database runs the same triggers), one transaction each;
* ``repayment`` — ``Ledger.repay`` on a book of loans, beside raw sqlite3 doing a repayment's own reads
  (the fund's head; the loan with its receivable, receipt number and idempotency key; the instalments)
  and writes (postings, entry, balances, head, receipt, loan) on a copy of the same book;
* ``bulk_post`` — ``Ledger.post_entries`` of many entries in one transaction, beside raw
  ``executemany`` of the same rows into a schema revolve made;
* ``verify`` — ``Ledger.verify`` entries/s, bare and keyed, beside raw sqlite3 walking the same chain
  (the same rows read, the same digests computed and compared, in a tight loop), as ``bench/verify.py``
  measures it;
* ``reads`` — the trial balance and one loan's repayment statement at each book size (10k, 100k, 1M
  entries by default), in milliseconds, with the ratio to the smallest size (flat = 1.0), beside raw
  sqlite3 summing the stored balances by role (the floor of a trial balance that never scans the
  journal).

Usage::

    python bench/ratios.py                         # everything; book sizes 10k, 100k, 1M
    python bench/ratios.py --sizes 10000,100000 --single 1000
    python bench/ratios.py --only single,bulk
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import lifecycle  # the public-API book of loans and raw sqlite3's repayment, as bench/lifecycle.py builds them
import posting  # the entries and the fills, as bench/posting.py makes them
import verify as chain_walk  # verify() beside raw sqlite3 walking the same chain, as bench/verify.py does

from revolve import Disbursement, Ledger, Registration, generate_schedule
from revolve.reports import build_statement

ROUNDS = 5


def _timed(call: Callable[[], float]) -> tuple[float, float]:
    """``call``'s rate, and the process's CPU seconds per wall second while it ran."""
    c0, w0 = time.process_time(), time.perf_counter()
    rate = call()
    return rate, (time.process_time() - c0) / (time.perf_counter() - w0)


def _alternate(revolve: Callable[[], float], raw: Callable[[], float]) -> dict[str, object]:
    """Run ``revolve`` and ``raw`` (each returns a rate) in alternating rounds; the median of the ratios.

    Beside the wall-clock ratio, ``cpu_ratio`` compares the CPU time each side took per operation (the
    rate scaled by the share of the wall time the process was on a CPU): a load that keeps the process
    waiting for a core moves the wall-clock ratio from round to round, far less the CPU ratio. Time
    spent waiting for the disk (the sync of ``FULL``) is in neither side's CPU time.
    """
    ours, theirs, ratios, cpu_ratios = [], [], [], []
    for k in range(ROUNDS):
        # alternate who goes first, so neither always runs on a warmer (or busier) machine
        if k % 2:
            b, b_cpu = _timed(raw)
            a, a_cpu = _timed(revolve)
        else:
            a, a_cpu = _timed(revolve)
            b, b_cpu = _timed(raw)
        ours.append(a)
        theirs.append(b)
        ratios.append(a / b)
        cpu_ratios.append((a / a_cpu) / (b / b_cpu) if a_cpu and b_cpu else float("nan"))
    return {
        "revolve_per_s": round(statistics.median(ours)),
        "raw_per_s": round(statistics.median(theirs)),
        "revolve_over_raw": round(statistics.median(ratios), 3),
        "round_ratios": [round(r, 3) for r in ratios],
        "cpu_ratio": round(statistics.median(cpu_ratios), 3),
        "round_cpu_ratios": [round(r, 3) for r in cpu_ratios],
    }


def _common(durability: str) -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "journal_mode": "wal",
        "synchronous": durability.upper(),
    }


# ---- single posts ---------------------------------------------------------------------------------
def _accounts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    found = {code: aid for aid, code in conn.execute("SELECT id, sub FROM revolve_account")}
    conn.close()
    return found


def single(folder: Path, durability: str, n: int) -> None:
    """Single posts, one transaction each, beside raw sqlite3 writing the same rows into the same schema."""
    ledger, fund = posting._ledger(folder / f"single-{durability}.db", durability)
    posting._fill(ledger, fund, 0, 2 * posting.LOANS)  # every account opened, as in a book in use
    ledger.close()
    shutil.copyfile(folder / f"single-{durability}.db", folder / f"raw-{durability}.db")
    ledger = Ledger.open(f"sqlite:///{folder / f'single-{durability}.db'}", durability=durability)  # type: ignore[arg-type]
    ids = _accounts(folder / f"raw-{durability}.db")
    conn = sqlite3.connect(folder / f"raw-{durability}.db", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {durability.upper()}")
    cash = conn.execute("SELECT id FROM revolve_account WHERE role = 'fund_cash'").fetchone()[0]
    h = "0" * 64
    at = {"ours": 10**6, "raw": int(conn.execute("SELECT entry_count FROM revolve_fund").fetchone()[0])}

    def ours() -> float:
        start = at["ours"]
        t0 = time.perf_counter()
        for i in range(start, start + n):
            e = posting._entry(i)
            ledger.post(fund, on=e.value_date, kind=e.kind, postings=e.postings)
        at["ours"] += n
        return n / (time.perf_counter() - t0)

    def raw() -> float:
        seq0 = at["raw"]
        t0 = time.perf_counter()
        for k in range(1, n + 1):
            seq, e = seq0 + k, posting._entry(10**6 + k)
            day = e.value_date.isoformat()
            loan = ids[f"L{(10**6 + k) % posting.LOANS:05d}"]
            amount = e.postings[0].amount.fen
            sign = 1 if (10**6 + k) % 2 else -1
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
                "VALUES (?, ?, 1, ?, ?, ?), (?, ?, 2, ?, ?, ?)",
                (fund, seq, loan, sign * amount, day, fund, seq, cash, -sign * amount, day),
            )
            conn.execute(
                "INSERT INTO revolve_entry (fund_id, seq, value_date, kind, memo, content_digest, prev_hash, "
                "hash, recorded_at, digest_version) VALUES (?, ?, ?, 'repayment', '', ?, ?, ?, "
                "'2026-01-01 00:00:00.000000', 2)",
                (fund, seq, day, h, h, h),
            )
            debit, credit = (loan, cash) if sign > 0 else (cash, loan)
            conn.executemany(
                "UPDATE revolve_account SET balance = balance + ?, debit_turnover = debit_turnover + ?, "
                "credit_turnover = credit_turnover + ? WHERE id = ?",
                [(amount, amount, 0, debit), (-amount, 0, amount, credit)],
            )
            conn.execute(
                "UPDATE revolve_fund SET entry_count = ?, head_hash = ? WHERE id = ?", (seq, h, fund)
            )
            conn.execute("COMMIT")
        at["raw"] += n
        return n / (time.perf_counter() - t0)

    result = _alternate(ours, raw)
    ledger.close()
    conn.close()
    target = 0.5 if durability == "full" else 1 / 3
    print(
        json.dumps(
            {"figure": "single_post", **result, "target_ratio": round(target, 3), **_common(durability)}
        )
    )


# ---- repayments -----------------------------------------------------------------------------------
def repayments(folder: Path, durability: str, loans: int, n: int) -> None:
    """``Ledger.repay`` beside raw sqlite3 doing a repayment's reads and writes on a copy of the book."""
    rng = random.Random(17)
    start = date(2016, 1, 5)
    amounts = [rng.randrange(5_000, 20_001, 100) for _ in range(loans)]
    path = folder / "book.db"
    builder = Ledger.open(f"sqlite:///{path}", durability="normal")
    fund = lifecycle._open_fund(builder, sum(amounts) * 100, date(2015, 12, 31))
    builder.register_households(
        fund,
        [
            Registration(f"H{k:06d}", f"母亲{k}", lifecycle.national_id(k), date(2015, 12, 1))
            for k in range(loans)
        ],
    )
    batch = builder.open_batch(fund, code="2016-1", on=start)
    payouts = [
        Disbursement(
            f"L{k:06d}", f"H{k:06d}", batch, lifecycle._terms(a, lifecycle._payout_day(start, k, loans))
        )
        for k, a in enumerate(amounts)
    ]
    for first in range(0, loans, 10_000):
        builder.disburse_many(fund, payouts[first : first + 10_000])
    builder.close()
    shutil.copyfile(path, folder / "same.db")
    chosen = rng.sample(range(loans), ROUNDS * 2 * n)
    works = []
    for k in range(ROUNDS * 2):
        work = []
        for m in chosen[k * n : (k + 1) * n]:
            first_due = generate_schedule(
                lifecycle._terms(amounts[m], lifecycle._payout_day(start, m, loans))
            ).installments[0]
            work.append((f"L{m:06d}", first_due.principal, first_due.due_date))
        works.append(work)
    ledger = Ledger.open(f"sqlite:///{path}", durability=durability)  # type: ignore[arg-type]
    turn = {"ours": 0, "raw": 1}

    def ours() -> float:
        work = works[turn["ours"]]
        turn["ours"] += 2
        t = time.perf_counter()
        for number, amount, due in work:
            ledger.repay(fund, number, amount=amount, on=due, receipt=f"R-{number}-1")
        return len(work) / (time.perf_counter() - t)

    def raw() -> float:
        work = works[turn["raw"]]
        turn["raw"] += 2
        return lifecycle._raw_repayment_rates(folder / "same.db", durability, [work])[0]

    result = _alternate(ours, raw)
    ledger.close()
    print(
        json.dumps(
            {
                "figure": "repayment",
                "book_loans": loans,
                **result,
                "target_ratio": round(1 / 1.5, 3),
                **_common(durability),
            }
        )
    )


# ---- bulk posting ---------------------------------------------------------------------------------
def bulk(folder: Path, durability: str, n: int) -> None:
    """``post_entries`` of ``n`` entries in one transaction, beside raw executemany into the same schema."""
    entries = [posting._entry(i) for i in range(n)]
    turn = {"k": 0}

    def ours() -> float:
        turn["k"] += 1
        ledger, fund = posting._ledger(folder / f"bulk-{turn['k']}.db", durability)
        t0 = time.perf_counter()
        ledger.post_entries(fund, entries)
        rate = n / (time.perf_counter() - t0)
        ledger.close()
        return rate

    def raw() -> float:
        turn["k"] += 1
        return posting._raw_same_schema_bulk_rate(folder / f"bulk-{turn['k']}.db", durability, entries)

    result = _alternate(ours, raw)
    print(
        json.dumps(
            {"figure": "bulk_post", "entries": n, **result, "target_ratio": 0.5, **_common(durability)}
        )
    )


# ---- verify -----------------------------------------------------------------------------------------
def verify(folder: Path, n: int) -> None:
    """``verify()`` entries/s on a bare and a keyed chain, beside raw sqlite3 walking the same chain."""
    for keyed in (False, True):
        chain_walk.measure(folder, n, keyed=keyed, singly=False)


# ---- reads at growing book sizes ------------------------------------------------------------------
def reads(folder: Path, durability: str, sizes: list[int]) -> None:
    """The trial balance and one loan's statement at each size; raw: stored balances summed by role."""
    path = folder / "reads.db"
    ledger = Ledger.open(f"sqlite:///{path}", durability=durability)  # type: ignore[arg-type]
    fund = lifecycle._open_fund(ledger, 10**9, date(2015, 12, 31))
    ledger.register_households(
        fund, [Registration("H000001", "母亲1", lifecycle.national_id(1), date(2015, 12, 1))]
    )
    batch = ledger.open_batch(fund, code="2016-1", on=date(2016, 1, 5))
    terms = lifecycle._terms(12_000, date(2016, 1, 5))
    ledger.disburse_many(fund, [Disbursement("S-1", "H000001", batch, terms)])
    for inst in generate_schedule(terms).installments[:6]:
        ledger.repay(fund, "S-1", amount=inst.principal, on=inst.due_date, receipt=f"S-{inst.number}")
    as_of = date(2017, 6, 30)
    raw = sqlite3.connect(path)
    in_book = int(raw.execute("SELECT entry_count FROM revolve_fund").fetchone()[0])
    first: dict[str, float] = {}
    for size in sizes:
        posting._fill(ledger, fund, in_book, size)
        in_book = max(in_book, size)
        calls = {
            "trial_balance_ms": lambda: ledger.trial_balance(fund),
            "statement_ms": lambda: build_statement(ledger, fund, "S-1", as_of=as_of),
            "raw_role_sums_ms": lambda: raw.execute(
                "SELECT role, sum(balance) FROM revolve_account WHERE fund_id = ? GROUP BY role", (fund,)
            ).fetchall(),
        }
        samples: dict[str, list[float]] = {name: [] for name in calls}
        for k in range(ROUNDS + 1):
            # the three in turn within each round, so a passing load touches them alike; round 0 warms
            for name, call in calls.items():
                t0 = time.perf_counter()
                call()
                if k:
                    samples[name].append(1000 * (time.perf_counter() - t0))
        figures = {name: round(statistics.median(s), 2) for name, s in samples.items()}
        first = first or figures
        print(
            json.dumps(
                {
                    "figure": "reads",
                    "book_entries": in_book,
                    **figures,
                    "trial_balance_over_raw_role_sums": round(
                        figures["trial_balance_ms"] / figures["raw_role_sums_ms"], 1
                    ),
                    "trial_balance_over_smallest": round(
                        figures["trial_balance_ms"] / first["trial_balance_ms"], 2
                    ),
                    "statement_over_smallest": round(figures["statement_ms"] / first["statement_ms"], 2),
                    **_common(durability),
                }
            ),
            flush=True,
        )
    raw.close()
    ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="single,repayment,bulk,verify,reads")
    parser.add_argument("--single", type=int, default=1000, help="posts per round")
    parser.add_argument("--repayments", type=int, default=500, help="repayments per round")
    parser.add_argument("--loans", type=int, default=10_000, help="loans in the repayment book")
    parser.add_argument("--bulk", type=int, default=10_000, help="entries per bulk transaction")
    parser.add_argument("--verify", type=int, default=50_000, help="entries in the verified book")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="book sizes for the reads")
    args = parser.parse_args()
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "single" in only:
            single(folder, "full", args.single)
            single(folder, "normal", args.single)
        if "repayment" in only:
            repayments(folder, "full", args.loans, args.repayments)
        if "bulk" in only:
            bulk(folder, "full", args.bulk)
        if "verify" in only:
            verify(folder, args.verify)
        if "reads" in only:
            reads(folder, "full", [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    sys.exit(main())
