"""The child of tests/test_crash.py: opens the books and runs one batch, for the parent to kill mid-way.

Run as ``python tests/crash_child.py URL SCHEMA MODE TAG N``; ``SCHEMA`` names the PostgreSQL schema to
write in (``-`` on SQLite). It prints ``start`` on stdout just before the batch and ``done`` after it
commits; in ``loop`` mode it prints each receipt number once its repayment has committed.

Modes, on the fund ``CR`` that the parent has set up:

* ``disburse``: ``disburse_many`` of N loans ``L{TAG}-{i}`` to households ``H{TAG}-{i}``;
* ``repay``: ``repay_many`` of N payments of ¥1 (receipts ``R{TAG}-{i}``), round the fund's loans;
* ``loop``: the same payments one ``repay`` at a time, each its own transaction.
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

from sqlalchemy import create_engine

from revolve import Disbursement, Ledger, Payment, yuan
from revolve.schedule import LoanTerms, RepaymentMethod
from revolve.store.database import make_engine

FUND = "CR"
START = date(2016, 3, 10)
PAID_ON = date(2016, 4, 10)


def terms() -> LoanTerms:
    """Every loan's terms: ¥3,000 at 6 % over 12 months, equal principal."""
    return LoanTerms(
        principal=yuan("3000"),
        start=START,
        term=12,
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        rate=Decimal("0.06"),
    )


def child_name(tag: str) -> str:
    """The name the child's PostgreSQL connections carry, for the parent to see them in pg_stat_activity."""
    return f"revolve-crash-{tag}"


def payments(tag: str, n: int, loans: list[str]) -> list[Payment]:
    """``n`` payments of ¥1 spread over ``loans`` in turn."""
    return [Payment(loans[i % len(loans)], yuan("1"), PAID_ON, f"R{tag}-{i}") for i in range(n)]


def open_books(url: str, schema: str, *, name: str = "revolve-test") -> Ledger:
    """The books at ``url`` (in ``schema`` on PostgreSQL, the connections named ``name``), on an engine
    of their own."""
    if schema == "-":
        engine = make_engine(url)
    else:
        engine = create_engine(
            url, connect_args={"options": f"-csearch_path={schema}", "application_name": name}
        )
    return Ledger(engine=engine, create_schema=False)


def main(url: str, schema: str, mode: str, tag: str, n: int) -> None:
    ledger = open_books(url, schema, name=child_name(tag))
    engine = ledger.engine
    assert engine is not None
    loans = [loan.number for loan in ledger.loans(FUND)]
    out = sys.stdout
    if mode == "disburse":
        batch = [Disbursement(f"L{tag}-{i}", f"H{tag}-{i}", "B1", terms()) for i in range(n)]
        print("start", file=out, flush=True)
        ledger.disburse_many(FUND, batch)
    elif mode == "repay":
        batch = payments(tag, n, loans)
        print("start", file=out, flush=True)
        ledger.repay_many(FUND, batch)
    elif mode == "loop":
        batch = payments(tag, n, loans)
        print("start", file=out, flush=True)
        for p in batch:
            ledger.repay(FUND, p.loan, amount=p.amount, on=p.on, receipt=p.receipt)
            print(p.receipt, file=out, flush=True)
    else:
        raise SystemExit(f"unknown mode {mode}")
    print("done", file=out, flush=True)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
