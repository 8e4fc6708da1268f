"""How fast revolve keeps a revolving fund's loans in a SQLite file, through the public API only.

Prints one JSON object per line, each stating the Python and SQLite versions and the durability setting:

* ``repayments_per_s`` — repayments recorded with ``Ledger.repay``, each its own transaction, on a book
  that already holds 100,000 loans, beside raw sqlite3 writing one entry (a header, two postings, two
  balance updates) per transaction in the same run under the same setting, and beside raw sqlite3
  making a repayment's own reads and writes, one transaction each, on a copy of the same book (the
  floor for this schema: a repayment also writes its receipt and its loan, and touches more indexes). The book is built through
  the public API as a fund would build it — one contribution, the households, one batch, every loan
  paid out with ``Ledger.disburse`` — under ``synchronous=NORMAL`` (it is set-up, not the figure), then
  reopened under the setting measured; the line says how long the build took. The ledger measuring
  is a fresh one, so nothing it measures was cached by the build.
* ``county_simulation`` — a county of 10,000 households over three years, end to end: the households
  registered, their first interest-free loans (12 monthly instalments of equal principal, 5,000–20,000
  yuan) paid out in four quarterly batches, every instalment repaid on its due date — or, for 5 % of
  them, 10–25 days late — except by the 1 % of borrowers who default, whose loans are written off six
  months after their first missed instalment; and each quarter the cash repaid is lent again to the
  households whose loans closed. Beside it, raw sqlite3's rate of single-entry transactions in the same
  run, and how long one commit per operation would take at that rate. By default (``--county-commit
  bulk``) the county works as its office does: the household list registered in one call
  (``register_households``), each quarter's batch paid out in one (``disburse_many``), and each month's
  receipts recorded in one (``repay_many``), a write-off interrupting them where it falls; each call is
  one transaction. ``--county-commit operation`` makes every registration, payout and payment its own
  transaction; ``--county-commit month`` has a host ``Session`` commit once per simulated month, with a
  savepoint per operation. The line gives the seconds (with the time of each phase, and of the
  ``ledger.check()`` run once at the end), the peak memory of the process (``ru_maxrss``; with
  ``--tracemalloc`` also Python's own peak, which slows the run) and the fund's figures at the end.

Each figure runs in a child process of its own, so that its peak memory is its own. The random choices
come from a fixed seed, so two runs do the same work.

Usage::

    python bench/lifecycle.py                             # both figures; synchronous=FULL (the default)
    python bench/lifecycle.py --durability normal
    python bench/lifecycle.py --only repayments --loans 10000
    python bench/lifecycle.py --only county --households 1000 --county-commit operation
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import posting  # the raw-sqlite3 reference, measured the same way as in bench/posting.py
import sqlalchemy
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from revolve import (
    Disbursement,
    Ledger,
    LoanTerms,
    Money,
    OrgLevel,
    Payment,
    Policy,
    Registration,
    RepaymentMethod,
    fen,
    generate_schedule,
    yuan,
)
from revolve.store.database import make_engine

SEED = 20160105
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# 免担保: the bench lends without guarantors, one loan at a time, at most five loans per household
POLICY = Policy(
    effective_from=date(2000, 1, 1),
    min_amount=yuan(1_000),
    max_amount=yuan(50_000),
    min_term_months=1,
    max_term_months=36,
    max_loans_per_household=5,
    max_active_loans_per_household=1,
    guarantee_required=False,
)


def national_id(n: int) -> str:
    """A valid 18-character ID for household ``n``: a real birth date, the GB 11643 check digit."""
    born = date(1960, 1, 1) + timedelta(days=n // 1000)
    body = f"110105{born:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def _terms(principal_yuan: int, start: date) -> LoanTerms:
    return LoanTerms(
        principal=yuan(principal_yuan), start=start, term=12, method=RepaymentMethod.EQUAL_PRINCIPAL
    )


def _peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes)
    scale = 1 if sys.platform == "darwin" else 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20, 1)


def _open_fund(ledger: Ledger, capital: int, on: date) -> int:
    org = ledger.create_org("HE-CD-FN", "丰宁满族自治县", OrgLevel.COUNTY)
    fund = ledger.create_fund("FN-HP", "丰宁县幸福工程资金", org=org)
    ledger.contribute(fund, amount=fen(capital), on=on, donor="幸福工程组委会", receipt="DON-1")
    ledger.set_policy(fund, POLICY)
    return fund.id


# ---- repayments per second on a 100,000-loan book ------------------------------------------------
def _payout_day(start: date, n: int, loans: int) -> date:
    # the batch is paid out over four weeks, loan after loan in date order, as a county pays one out
    return start + timedelta(days=n * 28 // loans)


def repayments(args: argparse.Namespace, common: dict[str, object]) -> None:
    rng = random.Random(SEED)
    start = date(2016, 1, 5)
    amounts = [rng.randrange(5_000, 20_001, 100) for _ in range(args.loans)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw = posting._raw_db(folder / "raw.db", args.durability)
        raw_rate = posting._raw_single_rate(raw, 2000)
        raw.close()

        path = folder / "book.db"
        t0 = time.perf_counter()
        builder = Ledger.open(f"sqlite:///{path}", durability="normal")
        fund = _open_fund(builder, sum(amounts) * 100, date(2015, 12, 31))
        builder.register_households(
            fund,
            [
                Registration(f"H{n:06d}", f"母亲{n}", national_id(n), date(2015, 12, 1))
                for n in range(args.loans)
            ],
        )
        households_s = time.perf_counter() - t0
        batch = builder.open_batch(fund, code="2016-1", on=start)
        t1 = time.perf_counter()
        payouts = [
            Disbursement(f"L{n:06d}", f"H{n:06d}", batch, _terms(amount, _payout_day(start, n, args.loans)))
            for n, amount in enumerate(amounts)
        ]
        for first in range(0, len(payouts), 10_000):  # a day's or a week's payouts at a time
            builder.disburse_many(fund, payouts[first : first + 10_000])
        disburse_s = time.perf_counter() - t1
        builder.close()
        build_s = time.perf_counter() - t0
        shutil.copyfile(path, folder / "same.db")  # the same book, for raw sqlite3's same writes

        ledger = Ledger.open(f"sqlite:///{path}", durability=args.durability)
        chosen = rng.sample(range(args.loans), args.repayments)
        samples = []
        per_sample = max(1, args.repayments // 5)
        works = []
        for k in range(5):
            work = []
            for n in chosen[k * per_sample : (k + 1) * per_sample]:
                terms = _terms(amounts[n], _payout_day(start, n, args.loans))
                first = generate_schedule(terms).installments[0]
                work.append((f"L{n:06d}", first.principal, first.due_date))
            works.append(work)
            t = time.perf_counter()
            for number, amount, due in work:
                ledger.repay(fund, number, amount=amount, on=due, receipt=f"R-{number}-1")
            samples.append(len(work) / (time.perf_counter() - t))
        ledger.close()
        same = statistics.median(_raw_repayment_rates(folder / "same.db", args.durability, works))
    rate = statistics.median(samples)
    print(
        json.dumps(
            {
                "figure": "repayments_per_s",
                "book_loans": args.loans,
                "repayments_per_s": round(rate),
                "samples_per_s": [round(s) for s in samples],
                "raw_sqlite3_per_s": round(raw_rate),
                "ratio_raw_over_revolve": round(raw_rate / rate, 2),
                "raw_sqlite3_same_writes_per_s": round(same),
                "ratio_same_writes_over_revolve": round(same / rate, 2),
                "target_per_s": 1000 if args.durability == "full" else 5000,
                "build_seconds": round(build_s, 1),
                "build_households_per_s": round(args.loans / households_s),
                "build_disbursements_per_s": round(args.loans / disburse_s),
                "build_synchronous": "NORMAL",
                "peak_rss_mb": _peak_rss_mb(),
                **common,
            }
        ),
        flush=True,
    )


def _raw_repayment_rates(
    path: Path, durability: str, works: list[list[tuple[str, Money, date]]]
) -> list[float]:
    """Raw sqlite3 doing what one repayment does to the same book, one transaction each: the same reads
    (the fund's head; the loan with its receivable, the receipt number and the idempotency key; the
    instalments) and the same writes (two postings, the entry, two balances with their turnovers, the head, the receipt, the
    loan), under the same settings and triggers — with no Python beyond binding values (constant hashes).
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {durability.upper()}")
    fund = conn.execute("SELECT id FROM revolve_fund").fetchone()[0]
    cash = conn.execute(
        "SELECT id FROM revolve_account WHERE fund_id = ? AND role = 'fund_cash' AND sub = ''", (fund,)
    ).fetchone()[0]
    digest = "0" * 64
    rates = []
    for work in works:
        t = time.perf_counter()
        for number, amount, due in work:
            receipt, key, day = f"S-{number}-1", f"receipt:S-{number}-1", due.isoformat()
            conn.execute("BEGIN IMMEDIATE")
            count = conn.execute("SELECT entry_count FROM revolve_fund WHERE id = ?", (fund,)).fetchone()[0]
            loan, version, receivable, _, _ = conn.execute(
                "SELECT l.id, l.schedule_version, a.id, "
                "(SELECT id FROM revolve_receipt WHERE fund_id = ? AND receipt = ?), "
                "(SELECT seq FROM revolve_entry WHERE fund_id = ? AND idempotency_key = ?) "
                "FROM revolve_loan l JOIN revolve_account a ON a.fund_id = l.fund_id "
                "AND a.role = 'loans_receivable' AND a.sub = l.number WHERE l.fund_id = ? AND l.number = ?",
                (fund, receipt, fund, key, fund, number),
            ).fetchone()
            conn.execute(
                "SELECT number, due_date, principal, interest, fee FROM revolve_installment "
                "WHERE fund_id = ? AND loan_id = ? AND version = ? ORDER BY due_date, number",
                (fund, loan, version),
            ).fetchall()
            seq, fen_ = count + 1, amount.fen
            conn.execute(
                "INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
                "VALUES (?, ?, 1, ?, ?, ?), (?, ?, 2, ?, ?, ?)",
                (fund, seq, cash, fen_, day, fund, seq, receivable, -fen_, day),
            )
            conn.execute(
                "INSERT INTO revolve_entry (fund_id, seq, value_date, kind, memo, idempotency_key, "
                "reverses_seq, content_digest, prev_hash, hash, recorded_at) "
                "VALUES (?, ?, ?, 'repayment.borrower', ?, ?, NULL, ?, ?, ?, '2026-01-01 00:00:00.000000')",
                (fund, seq, day, f"{number} 还款 {receipt}", key, digest, digest, digest),
            )
            conn.executemany(
                "UPDATE revolve_account SET balance = balance + ?, debit_turnover = debit_turnover + ?, "
                "credit_turnover = credit_turnover + ? WHERE id = ?",
                [(fen_, fen_, 0, cash), (-fen_, 0, fen_, receivable)],
            )
            conn.execute(
                "UPDATE revolve_fund SET entry_count = ?, head_hash = ? WHERE id = ?", (seq, digest, fund)
            )
            conn.execute(
                "INSERT INTO revolve_receipt (fund_id, loan_id, receipt, value_date, kind, payer_kind, "
                "guarantor_id, amount, principal, interest, fee, penalty, schedule_version, entry_seq) "
                "VALUES (?, ?, ?, ?, 'repayment', 'borrower', NULL, ?, ?, 0, 0, 0, ?, ?) RETURNING id",
                (fund, loan, receipt, day, fen_, fen_, version, seq),
            ).fetchone()
            conn.execute(
                "UPDATE revolve_loan SET paid_in_version = paid_in_version + ?, "
                "principal_paid = principal_paid + ? WHERE id = ?",
                (fen_, fen_, loan),
            )
            conn.execute("COMMIT")
        rates.append(len(work) / (time.perf_counter() - t))
    conn.close()
    return rates


# ---- the county simulation -------------------------------------------------------------------------
@dataclass
class _Loan:
    """The bench's own view of one loan: what falls due when, and how its borrower behaves."""

    number: str
    household: int
    dues: list[tuple[date, int]]  # (due date, fen) per instalment
    stops_after: int | None  # a defaulter pays this many instalments, then nothing
    paid: int = 0  # instalments paid


@dataclass
class _County:
    rng: random.Random
    active: dict[str, _Loan] = field(default_factory=dict)
    closed: list[int] = field(default_factory=list)  # households whose loans closed, waiting for a loan
    repayments: int = 0
    late: int = 0
    written_off: int = 0
    disbursed: int = 0
    batches: list[str] = field(default_factory=list)


def county(args: argparse.Namespace, common: dict[str, object]) -> None:
    if args.tracemalloc:
        tracemalloc.start()
    rng = random.Random(SEED)
    begin = date(2016, 1, 5)
    months = 12 * args.years
    households = args.households
    first_amounts = [rng.randrange(5_000, 20_001, 1_000) for _ in range(households)]
    capital = sum(first_amounts) * 100
    bulk = args.county_commit == "bulk"
    with tempfile.TemporaryDirectory() as tmp:
        raw = posting._raw_db(Path(tmp) / "raw.db", args.durability)
        raw_rate = posting._raw_single_rate(raw, 2000)
        raw.close()
        url = f"sqlite:///{Path(tmp) / 'county.db'}"
        t0 = time.perf_counter()
        with _books(url, args) as (ledger, commit):
            fund = _open_fund(ledger, capital, date(2015, 12, 31))
            files = [
                Registration(f"H{n:05d}", f"母亲{n}", national_id(n), date(2015, 12, 1))
                for n in range(households)
            ]
            if bulk:
                ledger.register_households(fund, files)
            for r in [] if bulk else files:
                ledger.register_household(
                    fund,
                    code=r.code,
                    mother_name=r.mother_name,
                    national_id=r.national_id,
                    registered_on=r.registered_on,
                )
            commit()
            phases = {"register": time.perf_counter() - t0, "lend": 0.0, "collect": 0.0}
            state = _County(rng)
            waiting = list(range(households))  # the first round goes out in four quarterly batches
            per_batch = -(-households // 4)
            for month in range(months):
                today = begin + relativedelta(months=month)
                if month % 3 == 0:
                    if month < 12:
                        group = waiting[(month // 3) * per_batch : (month // 3 + 1) * per_batch]
                        amounts = {h: first_amounts[h] for h in group}
                    else:
                        # re-lend what came back: to the households whose loans closed, oldest first
                        group, state.closed = state.closed, []
                        amounts = {h: rng.randrange(5_000, 20_001, 1_000) for h in group}
                    t = time.perf_counter()
                    _lend(ledger, fund, state, group, amounts=amounts, on=today, bulk=bulk)
                    phases["lend"] += time.perf_counter() - t
                t = time.perf_counter()
                _collect(ledger, fund, state, today, bulk=bulk)
                commit()
                phases["collect"] += time.perf_counter() - t
            sim_s = time.perf_counter() - t0
            figures = ledger.figures(fund)
            t1 = time.perf_counter()
            problems = ledger.check()
            check_s = time.perf_counter() - t1
        total_s = time.perf_counter() - t0
    traced = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    # each registration, payout, payment, write-off and batch, and the four that open the fund
    operations = households + state.disbursed + state.repayments + state.written_off + len(state.batches) + 4
    print(
        json.dumps(
            {
                "figure": "county_simulation",
                "households": households,
                "years": args.years,
                "transactions": {
                    "bulk": "one for the registrations, one per batch paid out and per month's receipts "
                    "(register_households, disburse_many, repay_many); one per write-off",
                    "operation": "one per operation",
                    "month": "one per simulated month (host Session), one savepoint per operation",
                }[args.county_commit],
                "seconds": round(total_s, 1),
                "simulation_seconds": round(sim_s, 1),
                "check_seconds": round(check_s, 1),
                # opening the fund and registering the households; paying the loans out; the receipts
                "phase_seconds": {name: round(v, 1) for name, v in phases.items()},
                "target_seconds": 25,  # issue 17: a 10,000-household county over 3 years in < 25 s, < 500 MB
                "peak_rss_mb": _peak_rss_mb(),
                "tracemalloc_peak_mb": None if traced is None else round(traced / 2**20, 1),
                "target_mb": 500,
                "operations": operations,
                "operations_per_s": round(operations / sim_s),
                "raw_sqlite3_per_s": round(raw_rate),
                "raw_sqlite3_seconds_for_as_many_commits": round(operations / raw_rate, 1),
                "repayments": state.repayments,
                "late_repayments": state.late,
                "loans": figures.loans,
                "written_off_loans": state.written_off,
                "households_served": figures.households_served,
                "capital_yuan": str(figures.capital.yuan),
                "disbursed_yuan": str(figures.disbursed.yuan),
                "outstanding_yuan": str(figures.outstanding.yuan),
                "cash_yuan": str(figures.cash.yuan),
                "written_off_yuan": str(figures.written_off.yuan),
                "turnover": str(figures.turnover),
                "max_round": figures.max_round,
                "check_violations": len(problems),
                **common,
            }
        ),
        flush=True,
    )


@contextmanager
def _books(url: str, args: argparse.Namespace) -> Iterator[tuple[Ledger, Callable[[], None]]]:
    """The ledger the simulation writes through, and what to call at the end of each month."""
    if args.county_commit in {"operation", "bulk"}:
        ledger = Ledger.open(url, durability=args.durability)
        try:
            yield ledger, lambda: None
        finally:
            ledger.close()
        return
    engine = make_engine(url, durability=args.durability)
    with Session(engine) as session:
        yield Ledger(session=session), session.commit
    engine.dispose()


def _lend(
    ledger: Ledger,
    fund: int,
    state: _County,
    group: list[int],
    *,
    amounts: dict[int, int],
    on: date,
    bulk: bool,
) -> None:
    if not group:
        return
    batch = ledger.open_batch(fund, code=f"{on:%Y-%m}", on=on)
    state.batches.append(batch.code)
    cash = ledger.available(fund).fen
    payouts = []
    for h in group:
        amount = amounts[h]
        if amount * 100 > cash:
            state.closed.append(h)  # waits for the next quarter
            continue
        number = f"L{state.disbursed + 1:06d}"
        terms = _terms(amount, on)
        payouts.append(Disbursement(number, f"H{h:05d}", batch, terms))
        cash -= amount * 100
        stops = state.rng.randrange(0, 7) if state.rng.random() < 0.01 else None
        loan = _Loan(
            number,
            h,
            [(i.due_date, i.principal.fen) for i in generate_schedule(terms).installments],
            stops,
        )
        state.active[number] = loan
        state.disbursed += 1
    if bulk:
        ledger.disburse_many(fund, payouts)
        return
    for d in payouts:
        ledger.disburse(fund, number=d.number, household=d.household, batch=d.batch, terms=d.terms)


def _collect(ledger: Ledger, fund: int, state: _County, today: date, *, bulk: bool) -> None:
    """The month's receipts, in date order: instalments due this month, 5 % of them late.

    In bulk, the receipts between two write-offs go to ``repay_many`` together (a write-off is rare, and
    must come after the payments dated before it).
    """
    month_end = today + relativedelta(months=1)
    payments: list[tuple[date, str, int, int]] = []
    for loan in state.active.values():
        if loan.paid >= len(loan.dues):
            continue
        due, amount = loan.dues[loan.paid]
        if loan.stops_after is not None and loan.paid >= loan.stops_after:
            if due + relativedelta(months=6) < month_end:
                payments.append((due + relativedelta(months=6), loan.number, 0, 0))
            continue
        if due < month_end:
            late = state.rng.random() < 0.05
            on = due + timedelta(days=state.rng.randrange(10, 26)) if late else due
            payments.append((on, loan.number, amount, int(late)))
    payments.sort()
    waiting: list[Payment] = []
    for on, number, amount, late in payments:
        loan = state.active[number]
        if amount == 0:
            ledger.repay_many(fund, waiting)
            waiting = []
            ledger.write_off(
                fund, number, on=on, approval_ref=f"县幸福工程核销〔{on.year}〕{number}号", reason="无力偿还"
            )
            state.written_off += 1
            del state.active[number]
            continue
        loan.paid += 1
        payment = Payment(number, fen(amount), on, f"R-{number}-{loan.paid:02d}")
        if bulk:
            waiting.append(payment)
        else:
            ledger.repay(fund, number, amount=payment.amount, on=on, receipt=payment.receipt)
        state.repayments += 1
        state.late += late
        if loan.paid == len(loan.dues):
            del state.active[number]
            state.closed.append(loan.household)
    ledger.repay_many(fund, waiting)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["repayments", "county"], help="one figure, in this process")
    parser.add_argument("--durability", choices=["full", "normal"], default="full")
    parser.add_argument("--loans", type=int, default=100_000, help="loans in the book repayments go to")
    parser.add_argument("--repayments", type=int, default=5_000, help="repayments measured (5 samples)")
    parser.add_argument("--households", type=int, default=10_000, help="households in the county")
    parser.add_argument("--years", type=int, default=3, help="years the county is simulated")
    parser.add_argument(
        "--county-commit",
        choices=["bulk", "operation", "month"],
        default="bulk",
        help="how the county's operations are grouped into transactions (see above)",
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python's peak allocation")
    args = parser.parse_args()
    if args.only is None:
        for figure in ("repayments", "county"):
            subprocess.run([sys.executable, __file__, *sys.argv[1:], "--only", figure], check=True)
        return
    common = {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "journal_mode": "wal",
        "synchronous": args.durability.upper(),
    }
    (repayments if args.only == "repayments" else county)(args, common)


if __name__ == "__main__":
    sys.exit(main())
