"""How fast revolve closes a period (结账) on a book of N loans, interest-free and interest-bearing.

Builds a SQLite book of ``--loans`` loans (12 monthly equal-principal instalments; ``--bearing`` of them
at 6 % with a 3 % fee, the rest interest-free), records every instalment on its due date with
``repay_many``, one month at a time, and closes each month. Prints one JSON object: closes/s (and the
mean wall-clock and CPU milliseconds of one close: on a shared machine the CPU figure is the steadier) over the twelve monthly closes, and the same for a late close (the
month's receipts recorded before the close, so the close settles them).

Usage::

    python bench/closing.py                         # 2,000 loans, half interest-bearing
    python bench/closing.py --loans 5000 --bearing 0
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from revolve import Ledger, OrgLevel, Payment, Policy, Registration, yuan
from revolve.loans.payout import Disbursement
from revolve.schedule import LoanTerms, RepaymentMethod

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
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
START = date(2016, 1, 10)


def national_id(n: int) -> str:
    """A valid 18-character ID for household ``n`` (GB 11643 check digit)."""
    born = date(1960, 1, 1) + timedelta(days=n // 1000)
    body = f"110105{born:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def _month_end(year: int, month: int) -> date:
    first = date(year + month // 12, month % 12 + 1, 1)
    return first - timedelta(days=1)


def _book(path: Path, loans: int, bearing: int) -> tuple[Ledger, int]:
    ledger = Ledger.open(f"sqlite:///{path}", durability="normal")
    org = ledger.create_org("C", "县", OrgLevel.COUNTY)
    fund = ledger.create_fund("F", "基金", org=org)
    ledger.contribute(fund, amount=yuan(12_000 * loans), on=date(2015, 12, 31))
    ledger.set_policy(fund, POLICY)
    ledger.register_households(
        fund, [Registration(f"H{n}", f"母亲{n}", national_id(n), date(2015, 12, 1)) for n in range(loans)]
    )
    batch = ledger.open_batch(fund, code="B", on=START)
    rate = (Decimal("0.06"), Decimal("0.03"))
    free = (Decimal(0), Decimal(0))
    ledger.disburse_many(
        fund,
        [
            Disbursement(
                f"L{n}",
                f"H{n}",
                batch,
                LoanTerms(
                    principal=yuan(12_000),
                    start=START,
                    term=12,
                    method=RepaymentMethod.EQUAL_PRINCIPAL,
                    rate=(rate if n < bearing else free)[0],
                    fee_rate=(rate if n < bearing else free)[1],
                ),
            )
            for n in range(loans)
        ],
    )
    return ledger, fund.id


def _payments(schedules: list[tuple[object, ...]], month: int) -> list[Payment]:
    out = []
    for n, dues in enumerate(schedules):
        due = dues[month]
        out.append(Payment(f"L{n}", due.total, due.due_date, f"R{month}-{n}"))  # type: ignore[attr-defined]
    return out


def run(loans: int, bearing: int, late: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        ledger, fund = _book(Path(tmp) / "book.db", loans, bearing)
        schedules: list[tuple[object, ...]] = [ledger.schedule(fund, f"L{n}") for n in range(loans)]
        spent: list[float] = []
        cpu: list[float] = []
        for month in range(11):
            through = _month_end(2016, month + 1)  # January … November
            payments = _payments(schedules, month)  # instalment month+1, due on the 10th after
            if late:
                ledger.repay_many(fund, payments)
            t, c = time.perf_counter(), time.process_time()
            ledger.close_period(fund, through=through)
            spent.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            if not late:
                ledger.repay_many(fund, payments)
        ledger.close()
    return {
        "loans": loans,
        "interest_bearing": bearing,
        "late": late,
        "closes": len(spent),
        "closes_per_s": round(len(spent) / sum(spent), 1),
        "ms_per_close": round(1000 * sum(spent) / len(spent), 1),
        "cpu_ms_per_close": round(1000 * sum(cpu) / len(cpu), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loans", type=int, default=2000)
    parser.add_argument("--bearing", type=int, default=None, help="interest-bearing loans (default: half)")
    args = parser.parse_args()
    bearing = args.loans // 2 if args.bearing is None else args.bearing
    for late in (False, True):
        result = run(args.loans, bearing, late)
        result["python"] = platform.python_version()
        print(json.dumps(result))


if __name__ == "__main__":
    main()
