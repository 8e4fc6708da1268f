"""Repayments on PostgreSQL beside raw psycopg doing the same writes, measured in one run.

The machine this runs on may be shared and loaded, so every figure is a ratio to a baseline measured in
alternating rounds of the same run. Prints one JSON object per line:

* ``pg_repayment`` — one writer recording single repayments with ``Ledger.repay`` (each its own
  transaction), beside raw psycopg doing a repayment's own reads and writes on a twin fund in the same
  database: lock the fund's head; read the loan with its receivable, receipt number and idempotency key;
  read the instalments; insert the postings and the entry; move two balances (and their turnovers), the
  head and the loan; insert the receipt — one statement per round trip, as a hand-written client would
  send them. With the round trips of each per repayment, from libpq's protocol trace in an untimed
  pass (each time the client, having sent, reads the server's answer: BEGIN and COMMIT count), and
  revolve's statements as SQLAlchemy sees them in another (an ``executemany`` counts as one);
* ``pg_writers_8_funds`` — eight processes, each recording repayments on a fund of its own, beside one
  process alone on one fund, in the same run (the scaling ratio);
* ``pg_writers_1_fund`` — eight processes recording repayments on the loans of one fund at once: the
  fund lock serialises them; afterwards every receipt is there once, the fund's head counts every entry,
  each loan's paid principal is what its receipts say and ``check()`` finds nothing (no lost update).

The bench works in a schema of its own (``revolve_bench``, dropped and made again) inside the database
named by ``--url`` or ``$REVOLVE_TEST_POSTGRES_URL``.

Usage::

    python bench/pg_ratios.py --url postgresql+psycopg://user@host/db
    python bench/pg_ratios.py --loans 2000 --repayments 200 --only one
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import lifecycle  # the public-API book of loans, as bench/lifecycle.py builds it
import psycopg
import sqlalchemy
from sqlalchemy import event

from revolve import Disbursement, Ledger, Registration, generate_schedule

SCHEMA = "revolve_bench"
ROUNDS = 5
START = date(2016, 1, 5)


def _url(base: str) -> str:
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{SCHEMA}"


def _libpq(url: str) -> str:
    """The psycopg connection string of an SQLAlchemy URL (with the bench's search path)."""
    parsed = sqlalchemy.make_url(url)
    parts = [f"host={parsed.host}", f"port={parsed.port or 5432}", f"dbname={parsed.database}"]
    if parsed.username:
        parts.append(f"user={parsed.username}")
    if parsed.password:
        parts.append(f"password={parsed.password}")
    return " ".join(parts) + f" options=-csearch_path={SCHEMA}"


def _fresh_schema(base: str) -> None:
    engine = sqlalchemy.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    engine.dispose()


def _amount(k: int) -> int:
    return 5_000 + (k * 7919) % 15_001 // 100 * 100


def _build(ledger: Ledger, funds: int, loans: int) -> list[int]:
    """``funds`` funds of ``loans`` loans each, paid out through the public API; their ids."""
    ids = []
    org = ledger.create_org("PROV", "省", lifecycle.OrgLevel.COUNTY)
    for f in range(funds):
        fund = ledger.create_fund(f"F{f}", f"基金{f}", org=org)
        ledger.contribute(
            fund, amount=lifecycle.fen(10**12), on=date(2015, 12, 31), donor="组委会", receipt="D"
        )
        ledger.set_policy(fund, lifecycle.POLICY)
        ledger.register_households(
            fund,
            [
                Registration(
                    f"H{f}-{k:06d}", f"母亲{k}", lifecycle.national_id(f * loans + k), date(2015, 12, 1)
                )
                for k in range(loans)
            ],
        )
        batch = ledger.open_batch(fund, code="2016-1", on=START)
        ledger.disburse_many(
            fund,
            [
                Disbursement(f"L{k:06d}", f"H{f}-{k:06d}", batch, lifecycle._terms(_amount(k), START))
                for k in range(loans)
            ],
        )
        ids.append(fund.id)
    return ids


def _due(k: int) -> tuple[int, date]:
    first = generate_schedule(lifecycle._terms(_amount(k), START)).installments[0]
    return first.principal.fen, first.due_date


@contextmanager
def _counting(engine: sqlalchemy.Engine) -> Iterator[dict[str, int]]:
    """Count the statements sent through ``engine`` (an ``executemany`` counts once).

    A cursor listener sends revolve's statements down SQLAlchemy's road (see revolve.store.driver), so
    this counts in a pass of its own, never in a timed one.
    """
    seen = {"statements": 0}

    def statement(*_: Any) -> None:
        seen["statements"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)


@contextmanager
def _tracing(conns: list[Any]) -> Iterator[dict[str, int]]:
    """Count the round trips on psycopg connections from libpq's protocol trace: each time the client,
    having sent messages, reads the server's (BEGIN, a statement, a pipeline's sync, COMMIT: one each).
    The trace goes to a temporary file, in a pass of its own, never in a timed one."""
    seen = {"round_trips": 0}
    with tempfile.TemporaryFile("w+") as out:
        flags = psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE
        for conn in conns:
            conn.pgconn.trace(out.fileno())
            conn.pgconn.set_trace_flags(flags)
        try:
            yield seen
        finally:
            for conn in conns:
                conn.pgconn.untrace()
            out.seek(0)
            # a message line: direction (F from the client, B from the server), length, message name
            sides = [line[0] for line in out if re.match(r"[FB]\t\d+\t", line)]
            seen["round_trips"] = sum(1 for a, b in itertools.pairwise(sides) if (a, b) == ("F", "B"))


def _dbapi_connections(engine: sqlalchemy.Engine) -> list[Any]:
    """The psycopg connection ``engine``'s pool hands the one writer."""
    with engine.connect() as conn:
        return [conn.connection.dbapi_connection]


class _Raw:
    """Raw psycopg doing one repayment's reads and writes, one statement per round trip."""

    def __init__(self, dsn: str, fund: int) -> None:
        self.conn = psycopg.connect(dsn)
        self.fund = fund
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT id FROM revolve_account WHERE fund_id = %s AND role = 'fund_cash' AND sub = ''",
                (fund,),
            )
            self.cash = cur.fetchone()[0]  # type: ignore[index]
        self.conn.commit()

    def repay(self, k: int) -> None:
        number, fund = f"L{k:06d}", self.fund
        receipt, key = f"S-{number}-1", f"receipt:S-{number}-1"
        amount, due = _due(k)
        digest = "0" * 64
        with self.conn.cursor() as cur:
            cur.execute("SELECT entry_count FROM revolve_fund WHERE id = %s FOR UPDATE", (fund,))
            count = cur.fetchone()[0]  # type: ignore[index]
            cur.execute(
                "SELECT l.id, l.schedule_version, a.id, "
                "(SELECT id FROM revolve_receipt WHERE fund_id = %s AND receipt = %s), "
                "(SELECT seq FROM revolve_entry WHERE fund_id = %s AND idempotency_key = %s) "
                "FROM revolve_loan l JOIN revolve_account a ON a.fund_id = l.fund_id "
                "AND a.role = 'loans_receivable' AND a.sub = l.number WHERE l.fund_id = %s AND l.number = %s",
                (fund, receipt, fund, key, fund, number),
            )
            loan, version, receivable, _, _ = cur.fetchone()  # type: ignore[misc]
            cur.execute(
                "SELECT number, due_date, principal, interest, fee FROM revolve_installment "
                "WHERE fund_id = %s AND loan_id = %s AND version = %s ORDER BY due_date, number",
                (fund, loan, version),
            )
            cur.fetchall()
            seq = count + 1
            cur.execute(
                "INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
                "VALUES (%s, %s, 1, %s, %s, %s), (%s, %s, 2, %s, %s, %s)",
                (fund, seq, self.cash, amount, due, fund, seq, receivable, -amount, due),
            )
            cur.execute(
                "INSERT INTO revolve_entry (fund_id, seq, value_date, kind, memo, idempotency_key, "
                "reverses_seq, content_digest, prev_hash, hash, recorded_at, digest_version) "
                "VALUES (%s, %s, %s, 'repayment.borrower', %s, %s, NULL, %s, %s, %s, now(), 2)",
                (fund, seq, due, f"{number} 还款 {receipt}", key, digest, digest, digest),
            )
            cur.execute(
                "UPDATE revolve_account SET balance = balance + %s, debit_turnover = debit_turnover + %s "
                "WHERE id = %s",
                (amount, amount, self.cash),
            )
            cur.execute(
                "UPDATE revolve_account SET balance = balance - %s, credit_turnover = credit_turnover + %s "
                "WHERE id = %s",
                (amount, amount, receivable),
            )
            cur.execute(
                "UPDATE revolve_fund SET entry_count = %s, head_hash = %s WHERE id = %s", (seq, digest, fund)
            )
            cur.execute(
                "INSERT INTO revolve_receipt (fund_id, loan_id, receipt, value_date, kind, payer_kind, "
                "guarantor_id, amount, principal, interest, fee, penalty, schedule_version, entry_seq) "
                "VALUES (%s, %s, %s, %s, 'repayment', 'borrower', NULL, %s, %s, 0, 0, 0, %s, %s) RETURNING id",
                (fund, loan, receipt, due, amount, amount, version, seq),
            )
            cur.fetchone()
            cur.execute(
                "UPDATE revolve_loan SET paid_in_version = paid_in_version + %s, "
                "principal_paid = principal_paid + %s WHERE id = %s",
                (amount, amount, loan),
            )
        self.conn.commit()


def _repay(ledger: Ledger, fund: int, k: int) -> None:
    amount, due = _due(k)
    ledger.repay(fund, f"L{k:06d}", amount=lifecycle.fen(amount), on=due, receipt=f"R-L{k:06d}-1")


def one_writer(url: str, loans: int, n: int) -> None:
    """One writer: ``Ledger.repay`` beside raw psycopg, alternating rounds, on twin funds."""
    ledger = Ledger.open(url)
    ours_fund, raw_fund = _build(ledger, 2, loans)
    raw = _Raw(_libpq(url), raw_fund)
    engine = ledger.engine
    assert engine is not None
    ours, theirs, ratios = [], [], []
    for k in range(ROUNDS):
        chosen = range(k * n, (k + 1) * n)
        t0 = time.perf_counter()
        for m in chosen:
            raw.repay(m)
        b = n / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        for m in chosen:
            _repay(ledger, ours_fund, m)
        a = n / (time.perf_counter() - t0)
        ours.append(a)
        theirs.append(b)
        ratios.append(a / b)
    # untimed passes on loans the timed rounds did not touch: round trips from the protocol trace (each
    # connection traced apart), then statements as SQLAlchemy sees them
    counted = min(n, 50)
    first = ROUNDS * n
    with _tracing(_dbapi_connections(engine)) as ours_trips:
        for m in range(first, first + counted):
            _repay(ledger, ours_fund, m)
    with _tracing([raw.conn]) as raw_trips:
        for m in range(first, first + counted):
            raw.repay(m)
    with _counting(engine) as seen:
        for m in range(first + counted, first + 2 * counted):
            _repay(ledger, ours_fund, m)
    ledger.close()
    raw.conn.close()
    print(
        json.dumps(
            {
                "figure": "pg_repayment",
                "book_loans": loans,
                "revolve_per_s": round(statistics.median(ours)),
                "raw_psycopg_per_s": round(statistics.median(theirs)),
                "revolve_over_raw": round(statistics.median(ratios), 3),
                "round_ratios": [round(r, 3) for r in ratios],
                "revolve_round_trips_per_repayment": round(ours_trips["round_trips"] / counted, 2),
                "revolve_statements_per_repayment": round(seen["statements"] / counted, 2),
                "raw_round_trips_per_repayment": round(raw_trips["round_trips"] / counted, 2),
                "raw_statements_per_repayment": 10,
                "target_per_s": 600,
                "load_average": [round(x, 2) for x in os.getloadavg()],
                **_common(url),
            }
        ),
        flush=True,
    )


def _worker(url: str, fund: int, loans: list[int], signals: tuple[Any, Any, Any]) -> None:
    ready, go, out = signals
    ledger = Ledger.open(url)
    ready.release()
    go.wait()
    t0 = time.perf_counter()
    for k in loans:
        _repay(ledger, fund, k)
    out.put((len(loans), time.perf_counter() - t0, time.perf_counter()))
    ledger.close()


def _run_writers(url: str, plan: list[tuple[int, list[int]]]) -> float:
    """Run one process per (fund, loans); return repayments/s over the wall time of them all."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, out = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, f, ls, (ready, go, out))) for f, ls in plan]
    for p in procs:
        p.start()
    for _ in procs:
        ready.acquire()
    t0 = time.perf_counter()
    go.set()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    total = sum(r[0] for r in results)
    return total / (max(r[2] for r in results) - t0)


def writers(url: str, loans: int, n: int) -> None:
    """Eight writers on eight funds beside one writer on one fund; then eight writers on one fund."""
    ledger = Ledger.open(url)
    funds = _build(ledger, 8, loans)
    ledger.close()
    singles, eights, ratios = [], [], []
    for k in range(3):
        base = k * n
        one = _run_writers(url, [(funds[k % 8], list(range(base, base + n)))])
        # the eight use loans the single writer of this round did not touch
        eight = _run_writers(url, [(f, list(range(base + loans // 2, base + loans // 2 + n))) for f in funds])
        singles.append(one)
        eights.append(eight)
        ratios.append(eight / one)
    print(
        json.dumps(
            {
                "figure": "pg_writers_8_funds",
                "one_writer_per_s": round(statistics.median(singles)),
                "eight_writers_per_s": round(statistics.median(eights)),
                "scaling": round(statistics.median(ratios), 2),
                "round_scalings": [round(r, 2) for r in ratios],
                "target_scaling": 2.5,
                "cpus": os.cpu_count(),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                **_common(url),
            }
        ),
        flush=True,
    )
    # eight writers on one fund: disjoint loans, one fund lock
    ledger = Ledger.open(url)
    fund = funds[0]
    first = loans // 2 + 3 * n  # past the loans the eight-writer rounds repaid
    share = max(1, min(n, (loans - first) // 8))
    plan = [(fund, list(range(first + w * share, first + (w + 1) * share))) for w in range(8)]
    rate = _run_writers(url, plan)
    engine = ledger.engine
    assert engine is not None
    with engine.connect() as conn:
        receipts = conn.exec_driver_sql(
            "SELECT count(*) FROM revolve_receipt WHERE fund_id = %s AND receipt LIKE 'R-%%'", (fund,)
        ).scalar_one()
        head, entries = conn.exec_driver_sql(
            "SELECT f.entry_count, (SELECT count(*) FROM revolve_entry e WHERE e.fund_id = f.id) "
            "FROM revolve_fund f WHERE f.id = %s",
            (fund,),
        ).one()
        paid_differs = conn.exec_driver_sql(
            "SELECT count(*) FROM revolve_loan l WHERE l.fund_id = %s AND l.principal_paid <> "
            "(SELECT coalesce(sum(r.principal), 0) FROM revolve_receipt r WHERE r.loan_id = l.id)",
            (fund,),
        ).scalar_one()
    violations = ledger.check(fund)
    ledger.close()
    # this fund's receipts: the single writer's round 0, the three eight-writer rounds, and these
    expected = n + 3 * n + 8 * share
    print(
        json.dumps(
            {
                "figure": "pg_writers_1_fund",
                "writers": 8,
                "repayments": 8 * share,
                "per_s": round(rate),
                "receipts_in_fund": receipts,
                "head_entry_count": head,
                "journal_entries": entries,
                "head_matches_journal": head == entries,
                "loans_whose_paid_principal_differs": paid_differs,
                "check_violations": len(violations),
                "receipts_expected": expected,
                **_common(url),
            }
        ),
        flush=True,
    )


def _common(url: str) -> dict[str, object]:
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SHOW server_version").scalar_one()
        sync = conn.exec_driver_sql("SHOW synchronous_commit").scalar_one()
    engine.dispose()
    return {
        "python": platform.python_version(),
        "postgresql": version,
        "synchronous_commit": sync,
        "psycopg": psycopg.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("REVOLVE_TEST_POSTGRES_URL"))
    parser.add_argument("--loans", type=int, default=2000, help="loans per fund")
    parser.add_argument("--repayments", type=int, default=200, help="repayments per round and writer")
    parser.add_argument("--only", default="one,writers")
    args = parser.parse_args()
    if not args.url:
        raise SystemExit("give --url or set REVOLVE_TEST_POSTGRES_URL")
    _fresh_schema(args.url)
    url = _url(args.url)
    only = set(args.only.split(","))
    if "one" in only:
        one_writer(url, args.loans, args.repayments)
    if "writers" in only:
        _fresh_schema(args.url)
        writers(url, args.loans, args.repayments)


if __name__ == "__main__":
    sys.exit(main())
