"""How many repayment schedules revolve.schedule builds per second, on one core.

Prints one JSON object per line, each with the best and the median of several timed repeats (after a
warm-up run), the Python version and the machine:

* ``annuity_36_monthly`` — 36-instalment monthly equal-instalment (等额本息) schedules: a county fund's
  year of loans, principals ¥3,000–¥50,000 all different, four rates (0, 4.35 %, 4.9 %, 6 %), start dates
  spread over the 365 days of 2024. Due dates are memoised per (start, frequency, count, …), as a fund
  disburses a batch on one day, so after the warm-up every start date is a cache hit;
* ``annuity_36_monthly_cold`` — the same loans with every start date different and the due-date cache
  cleared before each repeat: the figure without the memo;
* ``annuity_36_monthly_with_terms`` — as the first, but timing ``LoanTerms(...)`` (which checks every
  field) as well as ``generate_schedule``;
* ``bullet`` — two-year interest-free bullet loans (一次性还本付息, the 幸福工程 default), one instalment;
* ``bullet_daily_interest`` — one-year bullet loans at 7.872 % with ACT/360 daily interest (a subsidised
  bank loan).

Usage::

    python bench/schedule.py
    python bench/schedule.py --loans 20000 --repeats 7
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from revolve import dates
from revolve.money import Money
from revolve.schedule import InterestMode, LoanTerms, RepaymentMethod, generate_schedule

RATES = (Decimal(0), Decimal("0.0435"), Decimal("0.049"), Decimal("0.06"))


def _principal(i: int) -> Money:
    return Money(300_000 + (i * 7919) % 4_700_000)  # ¥3,000 – ¥50,000, fen-exact, rarely repeated


def _annuities(count: int, *, distinct_dates: bool) -> list[dict[str, object]]:
    first = date(2024, 1, 1)
    return [
        {
            "principal": _principal(i),
            "start": first + timedelta(days=i if distinct_dates else i % 365),
            "term": 36,
            "method": RepaymentMethod.EQUAL_INSTALLMENT,
            "rate": RATES[i % len(RATES)],
        }
        for i in range(count)
    ]


def _bullets(count: int, *, daily: bool) -> list[dict[str, object]]:
    first = date(2024, 1, 1)
    return [
        {
            "principal": _principal(i),
            "start": first + timedelta(days=i % 365),
            "term": 12 if daily else 24,
            "rate": Decimal("0.07872") if daily else Decimal(0),
            "interest_mode": InterestMode.DAILY if daily else InterestMode.PER_PERIOD,
        }
        for i in range(count)
    ]


def _time(run: Callable[[], None], *, repeats: int, before: Callable[[], None] | None = None) -> list[float]:
    run()  # warm-up
    seconds = []
    for _ in range(repeats):
        if before is not None:
            before()
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return seconds


def _report(case: str, count: int, seconds: list[float], note: str) -> None:
    rates = sorted(count / s for s in seconds)
    print(
        json.dumps(
            {
                "bench": "schedule",
                "case": case,
                "schedules": count,
                "repeats": len(seconds),
                "best_per_s": round(rates[-1]),
                "median_per_s": round(statistics.median(rates)),
                "best_us_per_schedule": round(1e6 / rates[-1], 1),
                "python": platform.python_version(),
                "implementation": platform.python_implementation(),
                "machine": platform.machine(),
                "note": note,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def _schedules_of(terms: list[LoanTerms]) -> Callable[[], None]:
    def run() -> None:
        for one in terms:
            generate_schedule(one)

    return run


def _terms_and_schedules_of(fields: list[dict[str, object]]) -> Callable[[], None]:
    def run() -> None:
        for one in fields:
            generate_schedule(LoanTerms(**one))  # type: ignore[arg-type]

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=20_000, help="schedules per timed run")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per case (after one warm-up)")
    args = parser.parse_args(argv)
    n, repeats = args.loans, args.repeats
    clear_cache = dates._generate_due_dates.cache_clear

    yearly = [LoanTerms(**f) for f in _annuities(n, distinct_dates=False)]  # type: ignore[arg-type]
    _report(
        "annuity_36_monthly",
        n,
        _time(_schedules_of(yearly), repeats=repeats),
        "generate_schedule only; 365 start dates, due dates memoised",
    )
    cold = [LoanTerms(**f) for f in _annuities(n, distinct_dates=True)]  # type: ignore[arg-type]
    _report(
        "annuity_36_monthly_cold",
        n,
        _time(_schedules_of(cold), repeats=repeats, before=clear_cache),
        f"generate_schedule only; {n} distinct start dates, due-date cache cleared before each run",
    )
    _report(
        "annuity_36_monthly_with_terms",
        n,
        _time(_terms_and_schedules_of(_annuities(n, distinct_dates=False)), repeats=repeats),
        "LoanTerms(...) construction and validation + generate_schedule",
    )
    bullets = [LoanTerms(**f) for f in _bullets(n, daily=False)]  # type: ignore[arg-type]
    _report(
        "bullet",
        n,
        _time(_schedules_of(bullets), repeats=repeats),
        "2-year interest-free bullet, one instalment",
    )
    daily = [LoanTerms(**f) for f in _bullets(n, daily=True)]  # type: ignore[arg-type]
    _report(
        "bullet_daily_interest",
        n,
        _time(_schedules_of(daily), repeats=repeats),
        "1-year bullet at 7.872 %, ACT/360 daily interest",
    )
    if sys.flags.optimize:
        print(json.dumps({"bench": "schedule", "warning": "run without -O to time the checks too"}))


if __name__ == "__main__":
    main()
