"""A loan's repayment statement is read in one transaction: one snapshot of the books (issue 17).

A repayment another writer commits while the statement is being read is wholly outside it — the
receipts, the loan's paid figures and the checkpoint agree — and the next statement shows it whole; the
statement opens one transaction, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from revolve import Ledger, yuan
from revolve.reports.statement import build_statement
from revolve.store import receipts as store_receipts
from test_records_tamper import _book


def test_a_repayment_committed_during_the_read_is_wholly_outside_it(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    fund = _book(ledger, close=False)["fund"]
    other = Ledger(engine=ledger.engine, create_schema=False)  # another writer on the same database
    before = ledger.loan_statement_reads(fund, "L1")
    real = store_receipts.receipts
    written: list[bool] = []

    def receipts_after_another_writer(conn: Any, loan_id: int) -> Any:
        if not written:
            written.append(True)
            other.repay(fund, "L1", amount=yuan("1000"), on=date(2016, 5, 2), receipt="R-late")
        return real(conn, loan_id)

    monkeypatch.setattr(store_receipts, "receipts", receipts_after_another_writer)
    read = ledger.loan_statement_reads(fund, "L1")
    assert written  # the other writer committed in the middle of the read
    assert [r.receipt for r in read.receipts] == [r.receipt for r in before.receipts]
    assert read.loan.principal_paid == before.loan.principal_paid
    assert read.loan.principal_paid.fen == sum(r.principal.fen for r in read.receipts)
    assert read.checkpoint == before.checkpoint

    monkeypatch.undo()
    after = ledger.loan_statement_reads(fund, "L1")
    assert [r.receipt for r in after.receipts] == [*(r.receipt for r in before.receipts), "R-late"]
    assert after.loan.principal_paid.fen == sum(r.principal.fen for r in after.receipts)
    assert after.loan.principal_paid > before.loan.principal_paid
    assert after.checkpoint.count > before.checkpoint.count
    other.close()


def test_the_statement_opens_one_transaction(ledger: Ledger) -> None:
    fund = _book(ledger)["fund"]
    engine = ledger.engine
    assert engine is not None
    begun: list[object] = []

    def begin(conn: object) -> None:
        begun.append(conn)

    event.listen(engine, "begin", begin)
    try:
        report = build_statement(ledger, fund, "L1", as_of=date(2016, 12, 31))
    finally:
        event.remove(engine, "begin", begin)
    assert len(begun) == 1
    assert report.subject.endswith("L1 · 王秀英")


def test_the_reads_are_the_loans_own(ledger: Ledger) -> None:
    fund = _book(ledger)["fund"]
    read = ledger.loan_statement_reads(fund, "L2")
    assert read.loan.number == "L2"
    assert read.household.code == "H2"
    assert read.batch is not None and read.batch.code == "B1"
    assert read.organisation == "丰宁县"
    assert [g.code for g, _ in read.guarantors] == ["VC"]
    assert read.receipts == tuple(ledger.receipts(fund, "L2"))
    assert read.dues == {v.version: ledger.schedule(fund, "L2", version=v.version) for v in read.versions}
    assert read.checkpoint == ledger.checkpoint(fund)
