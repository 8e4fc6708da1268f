"""A province-size book on PostgreSQL: built with the bulk calls, then read the way a province reads it.

The book (at ``--scale 1``): a province of 200 county funds under 20 cities, 250 households a fund
(50,000 in all), 15 years (2011–2025). Each household borrows once a year, interest-free, 5,000–20,000
yuan repaid in four quarterly instalments of equal principal, the households of a fund split into four
cohorts paid out at the start of each quarter; when a loan is repaid the household borrows again the
next year (re-lending: the capital is the first year's loans, all later loans are lent from what came
back). 5 % of instalments are paid 10–25 days late; 0.3 % of loans default after 0–3 instalments and are
written off (核销) six months after the first missed instalment, and that household borrows no more. Every
year ends with a close (结账) of every fund, as the books require before a later year's report. A fund's
year goes to the books in date order, in bulk: each quarter's payouts in one ``disburse_many``, the
receipts between two events in one ``repay_many``, a write-off on its own. About five entries per
household-year: 3.75 million entries at scale 1.

``--scale`` multiplies the number of funds (and so the households); a fund stays the same size, so the
growth from one scale to another is the growth with the number of funds, which is how a national book
(3,000 funds, 400,000 households) differs from a province's.

Then it times, each the median of a few runs after one unmeasured warm-up (the first run's time is given
too): the province's 季报表 for 2025 Q4 rolled up over every fund (``build_quarterly(org=province)``), one
county's (``build_quarterly(fund=…)``), one mother's repayment statement (``Ledger.mother`` and
``build_statement`` of her latest loan), ``check()`` of one fund and ``verify()`` of one fund. Prints one
JSON object with each figure, its target, the sizes (funds, households, loans, entries, the database's
and the bench schema's size) and the machine (cores, PostgreSQL version).

The bench works in a schema of its own (``revolve_province``, dropped and made again) inside the
database named by ``--url`` or ``$REVOLVE_BENCH_POSTGRES_URL``; an ``sqlite:///`` URL builds a file
instead (for a smoke run).

Usage::

    python bench/province.py --url postgresql+psycopg://user@host/db --scale 0.1
    python bench/province.py --url sqlite:///province.db --scale 0.005 --years 3
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy
from dateutil.relativedelta import relativedelta

from revolve import (
    Disbursement,
    Ledger,
    LoanTerms,
    OrgLevel,
    Payment,
    Policy,
    Registration,
    RepaymentMethod,
    fen,
    yuan,
)
from revolve.reports.quarterly import build_quarterly
from revolve.reports.statement import build_statement

SCHEMA = "revolve_province"
SEED = 20110105
FIRST_YEAR = 2011
FUNDS_AT_SCALE_1 = 200
HOUSEHOLDS_PER_FUND = 250
COUNTIES_PER_CITY = 10
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
POLICY = Policy(
    effective_from=date(2000, 1, 1),
    min_amount=yuan(1_000),
    max_amount=yuan(50_000),
    min_term_months=1,
    max_term_months=36,
    max_loans_per_household=40,
    max_active_loans_per_household=1,
    guarantee_required=False,
)
TARGETS = {
    "province_quarterly_s": 5.0,
    "county_quarterly_s": 1.0,
    "mother_statement_s": 0.05,
    "check_fund_s": 2.0,
    "verify_fund_s": None,
}


def national_id(n: int) -> str:
    """A valid 18-character ID for household ``n``: a real birth date, the GB 11643 check digit."""
    born = date(1960, 1, 1) + timedelta(days=n // 1000)
    body = f"130826{born:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


@dataclass
class _Household:
    code: str
    cohort: int  # the quarter (0–3) its loans are paid out in
    amount: int  # yuan, the same every year
    borrowing: bool = True  # False once a loan of it has been written off
    loans: int = 0


# an event of a fund: (date, order, serial, kind, payload); order puts receipts before payouts on a day
Event = tuple[date, int, int, str, Any]


def _pg_url(base: str) -> str:
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{SCHEMA}"


def _fresh_schema(base: str) -> None:
    engine = sqlalchemy.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    engine.dispose()


def _terms(amount: int, on: date) -> LoanTerms:
    # four quarterly instalments, the last a month before the next year's payout (a late one still lands
    # before it)
    dues = tuple(on + relativedelta(months=m) for m in (2, 5, 8, 11))
    return LoanTerms(
        principal=yuan(amount), start=on, term=4, method=RepaymentMethod.EQUAL_PRINCIPAL, due_dates=dues
    )


class Province:
    """The book's plan, fund by fund, and what was written."""

    def __init__(self, ledger: Ledger, funds: int, years: int, per_fund: int = HOUSEHOLDS_PER_FUND) -> None:
        self.ledger = ledger
        self.per_fund = per_fund
        self.rng = random.Random(SEED)
        self.years = years
        self.funds: list[int] = []
        self.households: dict[int, list[_Household]] = {}
        self.pending: dict[int, list[Event]] = {}  # fund → its events to come, a heap
        self.serial = 0
        self.counts = {"loans": 0, "repayments": 0, "late": 0, "written_off": 0, "closes": 0}
        self.province = ledger.create_org("HB", "河北省", OrgLevel.PROVINCE)
        cities = -(-funds // COUNTIES_PER_CITY)
        n = 0
        for c in range(cities):
            city = ledger.create_org(f"HB-C{c:02d}", f"第{c + 1}市", OrgLevel.CITY, parent=self.province)
            for k in range(min(COUNTIES_PER_CITY, funds - c * COUNTIES_PER_CITY)):
                county = ledger.create_org(
                    f"HB-C{c:02d}-{k:02d}", f"第{c + 1}市第{k + 1}县", OrgLevel.COUNTY, parent=city
                )
                fund = ledger.create_fund(f"F{n:04d}", f"第{c + 1}市第{k + 1}县幸福工程资金", org=county)
                self._open(fund.id, n)
                n += 1

    def _open(self, fund: int, n: int) -> None:
        rng = self.rng
        people = [
            _Household(f"H{n:04d}-{k:04d}", k % 4, rng.randrange(5_000, 20_001, 1_000))
            for k in range(self.per_fund)
        ]
        ledger = self.ledger
        capital = sum(h.amount for h in people) * 100
        ledger.contribute(
            fund,
            amount=fen(capital),
            on=date(FIRST_YEAR - 1, 12, 20),
            donor="幸福工程组委会",
            receipt="DON-1",
        )
        ledger.set_policy(fund, POLICY)
        ledger.register_households(
            fund,
            [
                Registration(h.code, f"母亲{n}-{k}", national_id(n * self.per_fund + k), date(2010, 12, 1))
                for k, h in enumerate(people)
            ],
        )
        self.funds.append(fund)
        self.households[fund] = people
        self.pending[fund] = []

    def year(self, fund: int, year: int) -> None:
        """Write one fund's year in date order, in bulk, then close it."""
        ledger = self.ledger
        events = self.pending[fund]
        for q in range(4):
            self._push(fund, date(year, 3 * q + 1, 5), 1, "payout", q)
        payments: list[Payment] = []

        def flush() -> None:
            if payments:
                ledger.repay_many(fund, payments)
                self.counts["repayments"] += len(payments)
                payments.clear()

        while events and events[0][0].year <= year:
            on, _, _, kind, payload = heapq.heappop(events)
            if kind == "receipt":
                payments.append(payload)
                continue
            flush()
            if kind == "write_off":
                ledger.write_off(
                    fund,
                    payload,
                    on=on,
                    approval_ref=f"县幸福工程核销〔{on.year}〕{payload}号",
                    reason="无力偿还",
                )
                self.counts["written_off"] += 1
                continue
            q = payload
            group = [h for h in self.households[fund] if h.cohort == q and h.borrowing]
            if not group:
                continue
            batch = ledger.open_batch(fund, code=f"{on:%Y-%m}", on=on)
            payouts = []
            for h in group:
                h.loans += 1
                number = f"L{h.code[1:]}-{h.loans:02d}"
                terms = _terms(h.amount, on)
                payouts.append(Disbursement(number, h.code, batch, terms))
                self._plan(fund, h, number, terms)
            ledger.disburse_many(fund, payouts)
            self.counts["loans"] += len(payouts)
        flush()
        ledger.close_period(fund, through=date(year, 12, 31))
        self.counts["closes"] += 1

    def _plan(self, fund: int, h: _Household, number: str, terms: LoanTerms) -> None:
        rng = self.rng
        stops = rng.randrange(0, 4) if rng.random() < 0.003 else None
        per = terms.principal.fen // 4
        for i, due in enumerate(terms.due_dates or ()):
            if stops is not None and i == stops:
                h.borrowing = False
                off = due + relativedelta(months=6)
                self._push(fund, off, 0, "write_off", number)
                return
            late = rng.random() < 0.05
            on = due + timedelta(days=rng.randrange(10, 26)) if late else due
            self.counts["late"] += late
            amount = terms.principal.fen - 3 * per if i == 3 else per
            payment = Payment(number, fen(amount), on, f"R-{number}-{i + 1}")
            self._push(fund, on, 0, "receipt", payment)

    def _push(self, fund: int, on: date, order: int, kind: str, payload: Any) -> None:
        self.serial += 1
        heapq.heappush(self.pending[fund], (on, order, self.serial, kind, payload))


def _judged(name: str, timed: dict[str, float], funds: int) -> dict[str, object]:
    """A figure with its target and whether its median meets it. The province's target is for a book of
    ``FUNDS_AT_SCALE_1`` funds: a smaller book is judged by its time a fund times that many (the report's
    growth with the number of funds is linear, see docs/performance.md), and says so."""
    target = TARGETS[name]
    judged: dict[str, object] = {**timed, "target_s": target}
    if target is None:
        return judged | {"met": None}
    median = timed["median_s"]
    if name == "province_quarterly_s" and funds < FUNDS_AT_SCALE_1:
        per_fund = median / funds
        median = per_fund * FUNDS_AT_SCALE_1
        judged |= {
            "per_fund_s": round(per_fund, 4),
            "linear_at_target_funds_s": round(median, 2),
            "target_funds": FUNDS_AT_SCALE_1,
        }
    return judged | {"met": median < target}


def _timed(run: Callable[[], object], repeat: int) -> dict[str, float]:
    """The first run's seconds, and the median of ``repeat`` more: wall clock, and this process's CPU
    (on a loaded machine the CPU time is the steadier figure; the server's own time is in the wall)."""
    first = time.perf_counter()
    run()
    first_s = time.perf_counter() - first
    samples, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        run()
        samples.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {
        "first_s": round(first_s, 4),
        "median_s": round(statistics.median(samples), 4),
        "min_s": round(min(samples), 4),
        "client_cpu_s": round(min(cpu), 4),
    }


def _sizes(engine: sqlalchemy.Engine, postgres: bool) -> dict[str, Any]:
    with engine.connect() as conn:
        entries = conn.exec_driver_sql("SELECT count(*) FROM revolve_entry").scalar_one()
        postings = conn.exec_driver_sql("SELECT count(*) FROM revolve_posting").scalar_one()
        out: dict[str, Any] = {"entries": entries, "postings": postings}
        if postgres:
            out["database_mb"] = round(
                conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one() / 2**20, 1
            )
            out["schema_mb"] = round(
                float(
                    conn.exec_driver_sql(
                        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                        (SCHEMA,),
                    ).scalar_one()
                )
                / 2**20,
                1,
            )
            out["postgresql"] = conn.exec_driver_sql("SHOW server_version").scalar_one()
            out["shared_buffers"] = conn.exec_driver_sql("SHOW shared_buffers").scalar_one()
        else:
            out["sqlite"] = conn.exec_driver_sql("SELECT sqlite_version()").scalar_one()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("REVOLVE_BENCH_POSTGRES_URL"))
    parser.add_argument("--scale", type=float, default=0.1, help="1 = 200 funds, 50,000 households")
    parser.add_argument("--years", type=int, default=15, help="years from 2011 (15 = through 2025)")
    parser.add_argument(
        "--households", type=int, default=HOUSEHOLDS_PER_FUND, help="households a fund (smaller: a smoke run)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="measured runs of each read")
    parser.add_argument("--keep", action="store_true", help="read an existing book; do not build")
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set REVOLVE_BENCH_POSTGRES_URL")
    postgres = args.url.startswith("postgresql")
    url = _pg_url(args.url) if postgres else args.url
    funds = max(1, round(FUNDS_AT_SCALE_1 * args.scale))
    last = FIRST_YEAR + args.years - 1

    build: dict[str, Any] = {}
    if args.keep:
        ledger = Ledger.open(url)
    else:
        if postgres:
            _fresh_schema(args.url)
        elif url.startswith("sqlite:///") and os.path.exists(url.removeprefix("sqlite:///")):
            os.remove(url.removeprefix("sqlite:///"))
        ledger = Ledger.open(url)
        t0 = time.perf_counter()
        province = Province(ledger, funds, args.years, args.households)
        setup_s = time.perf_counter() - t0
        per_year = []
        for year in range(FIRST_YEAR, last + 1):
            t = time.perf_counter()
            for fund in province.funds:
                province.year(fund, year)
            per_year.append(round(time.perf_counter() - t, 1))
            print(json.dumps({"year": year, "seconds": per_year[-1], **province.counts}), file=sys.stderr)
        build_s = time.perf_counter() - t0
        build = {"build_s": round(build_s, 1), "setup_s": round(setup_s, 1), "year_s": per_year}
        build.update(province.counts)
    engine = ledger.engine
    assert engine is not None
    sizes = _sizes(engine, postgres)
    if build:
        build["entries_per_s"] = round(sizes["entries"] / build["build_s"])
    if postgres:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")

    root = ledger.org("HB")
    funds_list = ledger.funds(org=root)
    fund = funds_list[len(funds_list) // 2]
    households = ledger.households(fund)
    household = households[len(households) // 2]
    mother_id = household.national_id
    as_of = date(last, 12, 31)

    def statement() -> object:
        mother = ledger.mother(mother_id)
        latest = mother.loans[-1]
        return build_statement(ledger, fund, latest.id, as_of=as_of)

    figures = {
        "province_quarterly_s": _timed(
            lambda: build_quarterly(ledger, year=last, quarter=4, org=root), max(1, args.repeat // 2)
        ),
        "county_quarterly_s": _timed(
            lambda: build_quarterly(ledger, year=last, quarter=4, fund=fund), args.repeat
        ),
        "mother_statement_s": _timed(statement, args.repeat * 3),
        "check_fund_s": _timed(lambda: ledger.check(fund), args.repeat),
        "verify_fund_s": _timed(lambda: ledger.verify(fund), args.repeat),
    }
    problems = ledger.check(fund)
    walk = ledger.verify(fund)
    household_count = sum(len(ledger.households(f)) for f in funds_list)
    ledger.close()
    print(
        json.dumps(
            {
                "bench": "province",
                "scale": args.scale,
                "funds": len(funds_list),
                "households": household_count,
                "years": args.years,
                **build,
                **sizes,
                "figures": {k: _judged(k, v, len(funds_list)) for k, v in figures.items()},
                # the process's peak memory: the province's report holds every fund's portfolio at once
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "fund_check_violations": len(problems),
                "fund_verify_entries": walk.entries_checked,
                "fund_verify_ok": walk.first_break is None,
                "machine": {
                    "cores": os.cpu_count(),
                    "python": platform.python_version(),
                    "sqlalchemy": sqlalchemy.__version__,
                    "load_avg": [round(x, 2) for x in os.getloadavg()],
                },
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
