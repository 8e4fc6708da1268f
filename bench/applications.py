"""How long the loan application queue takes on a county's book, through the public API.

Builds a fund with ``--households`` households (every third a 非计生户, the rest 计生户 ranked first by a
陇家福 policy), each of which applies once in 2014 and is reviewed and posted for notice (公示), in a
SQLite file; then times ``queue`` (a read of the pending applications) and one ``advance`` to 审批 (a write
under the fund's lock that reads the queue for its turn). Prints one JSON object.

Usage::

    python bench/applications.py --households 2000
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from revolve import DEFAULT_POLICY, CategoryRule, Ledger, OrgLevel, yuan
from revolve.households import FamilyPlanningStatus, Registration
from revolve.store.database import make_engine

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(n: int) -> str:
    """A valid 18-character ID for household ``n`` (GB 11643 check digit)."""
    born = date(1960, 1, 1) + timedelta(days=n // 1000)
    body = f"620102{born:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    n = parser.parse_args().households
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'books.db'}")
        books = Ledger(engine=engine)
        county = books.create_org("GS", "甘肃某县", OrgLevel.COUNTY)
        books.create_fund("LJF", "陇家福", org=county)
        books.set_policy(
            "LJF",
            replace(
                DEFAULT_POLICY,
                effective_from=date(2014, 1, 1),
                max_amount=yuan("10000"),
                categories=(
                    CategoryRule(FamilyPlanningStatus.ONE_CHILD, priority=1, max_amount=yuan("18000")),
                ),
            ),
        )
        books.register_households(
            "LJF",
            [
                Registration(
                    f"H{i}",
                    f"母亲{i}",
                    national_id(i),
                    date(2014, 1, 1),
                    FamilyPlanningStatus.OTHER if i % 3 == 0 else FamilyPlanningStatus.ONE_CHILD,
                )
                for i in range(n)
            ],
        )
        built = time.perf_counter()
        for i in range(n):
            day = date(2014, 1, 1) + timedelta(days=i % 300)
            app = books.apply("LJF", f"H{i}", amount=yuan("5000"), term_months=12, on=day)
            books.advance("LJF", app.id, "review", on=day, by="王主任")
            books.advance("LJF", app.id, "notice", on=day, by="王主任")
        per_application = (time.perf_counter() - built) / n
        start = time.perf_counter()
        queue = books.queue("LJF", as_of=date(2014, 12, 31))
        queue_s = time.perf_counter() - start
        first = queue[0].application
        start = time.perf_counter()
        books.advance("LJF", first.id, "approve", on=date(2014, 12, 31), by="王会长")
        approve_s = time.perf_counter() - start
        engine.dispose()
    print(
        json.dumps(
            {
                "figure": "application_queue",
                "households": n,
                "pending": len(queue),
                "apply_review_notice_ms_each": round(per_application * 1000, 2),
                "queue_ms": round(queue_s * 1000, 1),
                "approve_ms": round(approve_s * 1000, 1),
                "python": platform.python_version(),
                "sqlite": sqlite3.sqlite_version,
            }
        )
    )


if __name__ == "__main__":
    main()
