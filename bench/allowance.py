"""How long the bad-debt allowance's true-up (补提 / 冲减) takes on a county's book, through the public API.

Builds a fund of ``--loans`` interest-free loans (12 monthly instalments of equal principal, paid out on
2016-03-10) in a SQLite file, with every instalment of 2016 paid on time by all but one borrower in
twenty, then times ``required_allowance`` (a read) and ``true_up_allowance`` (a read under the fund's
lock and one entry) on 2016-12-31. Prints one JSON object.

Usage::

    python bench/allowance.py --loans 10000
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from revolve import Ledger, OrgLevel, yuan
from revolve.households import Registration
from revolve.loans.payout import Disbursement
from revolve.loans.repayment import Payment
from revolve.policy import Policy
from revolve.schedule import LoanTerms, RepaymentMethod

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(n: int) -> str:
    """A valid 18-character ID for household ``n`` (GB 11643 check digit)."""
    born = date(1960, 1, 1) + timedelta(days=n // 1000)
    body = f"110105{born:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger.open(f"sqlite:///{Path(tmp) / 'books.db'}", durability="normal")
        org = ledger.create_org("C", "某县", OrgLevel.COUNTY)
        fund = ledger.create_fund("C-F", "某县幸福工程资金", org=org).id
        ledger.contribute(fund, amount=yuan(12_000 * args.loans), on=date(2016, 1, 5))
        ledger.set_policy(
            fund,
            Policy(date(2016, 1, 1), yuan("1000"), yuan("50000"), 1, 36, 3, 1, guarantee_required=False),
        )
        ledger.register_households(
            fund,
            [
                Registration(f"H{n:06d}", f"母亲{n}", national_id(n), date(2015, 12, 1))
                for n in range(args.loans)
            ],
        )
        ledger.open_batch(fund, code="B1", on=date(2016, 3, 1))
        terms = LoanTerms(
            principal=yuan(12_000), start=date(2016, 3, 10), term=12, method=RepaymentMethod.EQUAL_PRINCIPAL
        )
        start = time.perf_counter()
        ledger.disburse_many(
            fund, [Disbursement(f"L{n:06d}", f"H{n:06d}", "B1", terms) for n in range(args.loans)]
        )
        for month in range(4, 13):
            ledger.repay_many(
                fund,
                [
                    Payment(f"L{n:06d}", yuan(1000), date(2016, month, 10), f"R{month:02d}-{n:06d}")
                    for n in range(args.loans)
                    if n % 20
                ],
            )
        built = time.perf_counter() - start
        start = time.perf_counter()
        required = ledger.required_allowance(fund, as_of=date(2016, 12, 31))
        read = time.perf_counter() - start
        start = time.perf_counter()
        trued = ledger.true_up_allowance(fund, on=date(2016, 12, 31))
        true_up = time.perf_counter() - start
        ledger.close()
    print(
        json.dumps(
            {
                "figure": "allowance_true_up",
                "python": platform.python_version(),
                "sqlite": sqlite3.sqlite_version,
                "loans": args.loans,
                "build_s": round(built, 2),
                "required_allowance_s": round(read, 3),
                "true_up_allowance_s": round(true_up, 3),
                "required": str(required.total),
                "adjustment": str(trued.adjustment),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
