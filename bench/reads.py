"""How many statements and transactions two reads of a province book send, and how long they take: one
mother's repayment statement and ``check()`` of one fund (issue 17).

Reads the book ``bench/province.py`` built (in the schema ``revolve_province`` of ``--url``; build it
first, e.g. ``python bench/province.py --url … --scale 0.01``). Picks the fund and the mother the way
province.py does: the middle fund under the province, the middle household of it, her latest loan.
Counts what reaches the driver (SQLAlchemy's ``before_cursor_execute``; an ``executemany`` is one
statement) and the transactions begun (the ``begin`` event), then times each read with no listener on:
the first run and the median of ``--repeat`` more, wall clock and this process's CPU. Prints one JSON
object per read::

    python bench/reads.py --url postgresql+psycopg://user@host/db
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import province  # the book's schema and URL, as bench/province.py makes them
from sqlalchemy import event

from revolve import Ledger
from revolve.reports.statement import build_statement


def _count(ledger: Ledger, run: Callable[[], object]) -> dict[str, Any]:
    engine = ledger.engine
    assert engine is not None
    seen: list[str] = []
    begun: list[int] = []

    def statement(_conn: Any, _cursor: Any, text: str, *_: Any) -> None:
        seen.append(" ".join(text.split())[:100])

    def begin(_conn: Any) -> None:
        begun.append(1)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)
    return {"statements": len(seen), "transactions": len(begun), "each": seen}


def _timed(run: Callable[[], object], repeat: int) -> dict[str, float]:
    first = time.perf_counter()
    run()
    first_s = time.perf_counter() - first
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {
        "first_s": round(first_s, 4),
        "median_s": round(statistics.median(wall), 4),
        "min_s": round(min(wall), 4),
        "client_cpu_s": round(min(cpu), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("REVOLVE_BENCH_POSTGRES_URL"))
    parser.add_argument("--repeat", type=int, default=5, help="measured runs of each read")
    parser.add_argument("--last-year", type=int, default=2025, help="the statement's year (as_of 31 Dec)")
    parser.add_argument("--each", action="store_true", help="list every statement sent")
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set REVOLVE_BENCH_POSTGRES_URL")
    url = province._pg_url(args.url) if args.url.startswith("postgresql") else args.url
    ledger = Ledger.open(url)
    funds = ledger.funds(org=ledger.org("HB"))
    fund = funds[len(funds) // 2]
    households = ledger.households(fund)
    mother_id = households[len(households) // 2].national_id
    as_of = date(args.last_year, 12, 31)

    def statement() -> object:
        mother = ledger.mother(mother_id)
        return build_statement(ledger, fund, mother.loans[-1].id, as_of=as_of)

    def check() -> object:
        return ledger.check(fund)

    for name, run, repeat in (
        ("mother_statement", statement, args.repeat * 3),
        ("check_fund", check, args.repeat),
    ):
        counted = _count(ledger, run)
        if not args.each:
            counted.pop("each")
        print(
            json.dumps(
                {
                    "read": name,
                    **counted,
                    **_timed(run, repeat),
                    "load_avg": [round(x, 2) for x in os.getloadavg()],
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
    ledger.close()


if __name__ == "__main__":
    sys.exit(main())
