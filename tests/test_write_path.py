"""The SQLite write path's shortcuts keep its results: statements watched by a listener, the connection
kept from one operation to the next, and the accrual date read with the fund's lock."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from revolve import AccountRole, Ledger, OrgLevel, Posting, yuan
from revolve.errors import IdempotencyConflict
from revolve.store.database import make_engine

R = AccountRole


def _fund(ledger: Ledger) -> int:
    org = ledger.create_org("C1", "县", OrgLevel.COUNTY)
    fund = ledger.create_fund("F1", "基金", org=org)
    return fund.id


def _post(ledger: Ledger, fund: int, amount: str, day: int = 1) -> None:
    ledger.post(
        fund,
        on=date(2024, 1, day),
        kind="contribution",
        postings=[Posting(R.FUND_CASH, yuan(amount)), Posting(R.DONATION_REVENUE, -yuan(amount))],
    )


def test_a_statement_listener_sees_every_write_and_the_entry_is_written(tmp_path: Path) -> None:
    # with a listener on, the statements take SQLAlchemy's road: the postings' executemany included
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'books.db'}")
    fund = _fund(ledger)
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    assert ledger.engine is not None
    event.listen(ledger.engine, "before_cursor_execute", listen)
    _post(ledger, fund, "100")
    assert sum("INSERT INTO revolve_posting" in s for s in seen) == 1
    assert sum("INSERT INTO revolve_entry" in s for s in seen) == 1
    assert ledger.balance(fund, R.FUND_CASH) == yuan("100")
    assert ledger.verify(fund).ok
    ledger.close()


def test_echo_on_still_posts(tmp_path: Path) -> None:
    ledger = Ledger(engine=make_engine(f"sqlite:///{tmp_path / 'books.db'}", echo=True))
    fund = _fund(ledger)
    _post(ledger, fund, "7")
    assert ledger.entries(fund)[-1].lines[0].amount == yuan("7")
    ledger.close()


def test_a_listener_added_between_operations_sees_the_next_one(tmp_path: Path) -> None:
    # the connection kept between operations asks again whether statements may skip SQLAlchemy
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'books.db'}")
    fund = _fund(ledger)
    _post(ledger, fund, "1")
    seen: list[str] = []
    assert ledger.engine is not None
    event.listen(ledger.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    _post(ledger, fund, "2", day=2)
    assert any("INSERT INTO revolve_entry" in s for s in seen)
    ledger.close()


def test_the_kept_connection_holds_no_transaction_between_operations(tmp_path: Path) -> None:
    # another connection can write at once after an operation: nothing is left holding the write lock
    path = tmp_path / "books.db"
    ledger = Ledger.open(f"sqlite:///{path}")
    fund = _fund(ledger)
    _post(ledger, fund, "5")
    other = make_engine(f"sqlite:///{path}", busy_timeout_ms=100)
    with other.begin() as conn:
        conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
    other.dispose()
    _post(ledger, fund, "6", day=2)
    assert ledger.balance(fund, R.FUND_CASH) == yuan("11")
    ledger.close()
    # closed: the kept connection is gone, and the file opens afresh with both entries
    reopened = Ledger.open(f"sqlite:///{path}")
    assert len(reopened.entries(fund)) == 2
    reopened.close()


def test_a_refused_operation_leaves_the_next_one_working(tmp_path: Path) -> None:
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'books.db'}")
    fund = _fund(ledger)
    _post(ledger, fund, "3")
    ledger.post(
        fund,
        on=date(2024, 1, 2),
        kind="contribution",
        postings=[Posting(R.FUND_CASH, yuan("1")), Posting(R.DONATION_REVENUE, -yuan("1"))],
        idempotency_key="k",
    )
    with pytest.raises(IdempotencyConflict):
        ledger.post(
            fund,
            on=date(2024, 1, 2),
            kind="contribution",
            postings=[Posting(R.FUND_CASH, yuan("2")), Posting(R.DONATION_REVENUE, -yuan("2"))],
            idempotency_key="k",
        )
    _post(ledger, fund, "4", day=3)
    assert ledger.balance(fund, R.FUND_CASH) == yuan("8")
    assert ledger.verify(fund).ok
    ledger.close()
