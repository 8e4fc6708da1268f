"""Concurrent writers lose no update: eight threads, each with its own Ledger on the same database, repay
loans of one fund at once (so every write takes the same fund head) and of eight funds at once.

On PostgreSQL the writers meet at the fund's row lock and are serialised by it; on SQLite, at the
database's single write lock. Afterwards every repayment a writer saw succeed is in the books exactly
once, each loan's paid principal and the fund's cash are exactly the sums of those repayments, the chain
verifies, the fund's head counts every entry, and ``check()`` finds nothing.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from sqlalchemy import Engine

from conftest import engine_for
from revolve import GuarantorKind, Ledger, LoanTerms, OrgLevel, RepaymentMethod, Retryable, yuan
from revolve.chart import AccountRole

WRITERS = 8
PAYMENTS = 6
"""Repayments each writer makes."""
PAYMENT = yuan("50")
PRINCIPAL = yuan("6000")
CONTRIBUTION = yuan("100000")
PAID_ON = date(2016, 4, 10)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _national_id(k: int) -> str:
    body = f"11010519900101{k:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def _fund_with_loans(books: Ledger, code: str, loans: int, first_id: int) -> None:
    """A fund with ``loans`` loans of ¥6,000, one household each, under a village committee."""
    org = books.create_org(f"O-{code}", f"县{code}", OrgLevel.COUNTY)
    fund = books.create_fund(code, f"基金{code}", org=org)
    books.contribute(fund, amount=CONTRIBUTION, on=date(2016, 1, 5), receipt=f"D-{code}")
    books.open_batch(fund, code="B1", on=date(2016, 3, 1))
    books.register_guarantor(fund, code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="村委会")
    for n in range(loans):
        books.register_household(
            fund,
            code=f"H{n}",
            mother_name="王秀英",
            national_id=_national_id(first_id + n),
            registered_on=date(2016, 1, 1),
        )
        books.disburse(
            fund,
            number=f"L{n}",
            household=f"H{n}",
            batch="B1",
            terms=LoanTerms(
                principal=PRINCIPAL, start=date(2016, 3, 10), term=6, method=RepaymentMethod.EQUAL_PRINCIPAL
            ),
            guarantors=["VC"],
        )


def _run_writers(engine: Engine, jobs: list[tuple[str, str]]) -> list[list[str]]:
    """Start one thread per (fund, loan) job, released together; each repays its loan ``PAYMENTS`` times
    with its own Ledger, retrying a repayment the books call retryable. Returns the receipts each writer
    saw recorded; re-raises the first unexpected error."""
    start = threading.Barrier(len(jobs))
    done: list[list[str]] = [[] for _ in jobs]
    errors: list[BaseException] = []

    def writer(k: int, fund: str, loan: str) -> None:
        books = Ledger(engine=engine, create_schema=False)
        try:
            start.wait(timeout=60)
            for p in range(PAYMENTS):
                receipt = f"R-{loan}-{p}"
                for _attempt in range(20):
                    try:
                        books.repay(fund, loan, amount=PAYMENT, on=PAID_ON, receipt=receipt)
                        break
                    except Retryable:
                        continue
                else:
                    raise AssertionError(f"{receipt} still retryable after 20 attempts")
                done[k].append(receipt)
        except BaseException as failed:
            errors.append(failed)

    threads = [threading.Thread(target=writer, args=(k, f, loan)) for k, (f, loan) in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    if errors:
        raise errors[0]
    return done


def _assert_whole(books: Ledger, fund: str, loans: list[str], seen: list[str]) -> None:
    receipts = [r.receipt for loan in loans for r in books.receipts(fund, loan)]
    assert sorted(receipts) == sorted(seen)  # every success once, nothing else
    for loan in loans:
        assert books.loan(fund, loan).principal_paid == PAYMENT * PAYMENTS
    paid = PAYMENT * len(seen)
    assert books.balance(fund, AccountRole.FUND_CASH) == CONTRIBUTION - PRINCIPAL * len(loans) + paid
    assert books.balance(fund, AccountRole.LOANS_RECEIVABLE) == PRINCIPAL * len(loans) - paid
    report = books.verify(fund)
    assert report.ok
    assert books.checkpoint(fund).count == len(books.entries(fund))


def test_eight_writers_on_one_fund_lose_no_update(backend: str, tmp_path: Any) -> None:
    with engine_for(backend, tmp_dir=str(tmp_path)) as engine:
        books = Ledger(engine=engine)
        _fund_with_loans(books, "F1", WRITERS, first_id=1)
        loans = [f"L{n}" for n in range(WRITERS)]
        done = _run_writers(engine, [("F1", loan) for loan in loans])
        assert all(len(receipts) == PAYMENTS for receipts in done)
        _assert_whole(books, "F1", loans, [r for receipts in done for r in receipts])
        assert books.check() == []


def test_eight_writers_on_eight_funds_lose_no_update(backend: str, tmp_path: Any) -> None:
    with engine_for(backend, tmp_dir=str(tmp_path)) as engine:
        books = Ledger(engine=engine)
        funds = [f"F{k}" for k in range(WRITERS)]
        for k, fund in enumerate(funds):
            _fund_with_loans(books, fund, 1, first_id=100 + k)
        done = _run_writers(engine, [(fund, "L0") for fund in funds])
        for fund, receipts in zip(funds, done, strict=True):
            assert len(receipts) == PAYMENTS
            _assert_whole(books, fund, ["L0"], receipts)
        assert books.check() == []
