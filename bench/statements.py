"""How many statements one single post and one repayment send to SQLite, and which.

Counts what reaches the driver inside the operation's transaction (SQLAlchemy's ``before_cursor_execute``
sees every statement once a listener is on: the driver fast path then steps aside), plus the ``BEGIN
IMMEDIATE`` and the ``COMMIT`` around them. An ``executemany`` is one statement. Prints one JSON object
per operation::

    python bench/statements.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import lifecycle  # the public-API book of loans, as bench/lifecycle.py builds it
import posting  # the entries, as bench/posting.py makes them
from sqlalchemy import event

from revolve import Disbursement, Ledger, Registration, generate_schedule


def _counted(ledger: Ledger) -> list[str]:
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split())[:90])

    assert ledger.engine is not None
    event.listen(ledger.engine, "before_cursor_execute", listen)
    return seen


def _report(operation: str, seen: list[str]) -> None:
    statements = ["BEGIN IMMEDIATE", *seen, "COMMIT"]
    print(
        json.dumps(
            {"operation": operation, "statements": len(statements), "each": statements}, ensure_ascii=False
        )
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ledger, fund = posting._ledger(folder / "post.db", "full")
        posting._fill(ledger, fund, 0, 2 * posting.LOANS)  # every account opened and known
        seen = _counted(ledger)
        entry = posting._entry(10**6)
        ledger.post(fund, on=entry.value_date, kind=entry.kind, postings=entry.postings)
        seen.clear()
        entry = posting._entry(10**6 + 2)
        ledger.post(fund, on=entry.value_date, kind=entry.kind, postings=entry.postings)
        _report("single_post", seen)
        ledger.close()

        start = date(2016, 1, 5)
        ledger = Ledger.open(f"sqlite:///{folder / 'book.db'}", durability="full")
        fund = lifecycle._open_fund(ledger, 10**8, date(2015, 12, 31))
        ledger.register_households(
            fund,
            [
                Registration(f"H{k:06d}", f"母亲{k}", lifecycle.national_id(k), date(2015, 12, 1))
                for k in range(3)
            ],
        )
        batch = ledger.open_batch(fund, code="2016-1", on=start)
        terms = [lifecycle._terms(12_000, lifecycle._payout_day(start, k, 3)) for k in range(3)]
        ledger.disburse_many(
            fund, [Disbursement(f"L{k:06d}", f"H{k:06d}", batch, terms[k]) for k in range(3)]
        )
        seen = _counted(ledger)
        for k in range(3):
            first = generate_schedule(terms[k]).installments[0]
            seen.clear()
            ledger.repay(fund, f"L{k:06d}", amount=first.principal, on=first.due_date, receipt=f"R-{k}")
        _report("repayment", seen)
        ledger.close()


if __name__ == "__main__":
    sys.exit(main())
