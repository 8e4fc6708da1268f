"""The SQLite write path's shortcuts keep its results: statements watched by a listener, the connection
kept from one operation to the next, the accrual date read with the fund's lock, and the bulk path's
own forms of the content digest and of stored dates and times."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, text

from revolve import AccountKey, AccountRole, Entry, Ledger, OrgLevel, Posting, fen, yuan
from revolve.errors import IdempotencyConflict
from revolve.journal import content_digest
from revolve.store import driver
from revolve.store import journal as store_journal
from revolve.store.accounts import ResolvedAccount
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


# ---- the bulk path's fast forms give what the reference forms give ----------------------------------
_texts = st.text(st.characters(codec="utf-8"), max_size=12)


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    kind=_texts.filter(str.strip),
    memo=_texts,
    reverses=st.none() | st.integers(min_value=1, max_value=2**62) | st.just(True),
    lines=st.lists(st.tuples(_texts, st.integers(min_value=1, max_value=2**62)), min_size=1, max_size=4),
    subclass=st.booleans(),
)
def test_prepare_digests_an_entry_as_content_digest_does(
    day: date, kind: str, memo: str, reverses: int | None, lines: list[tuple[str, int]], subclass: bool
) -> None:
    # the write path writes the canonical JSON itself (journal.content_digest is the definition); a
    # value it might not write as json does (a str subclass code, a bool) must give the same digest
    class Code(str):
        def __str__(self) -> str:
            return "not the code"

    postings, accounts = [], []
    for n, (code, amount) in enumerate(lines):
        postings += [Posting(R.FUND_CASH, fen(amount)), Posting(R.DONATION_REVENUE, fen(-amount))]
        accounts += [
            ResolvedAccount(2 * n, Code(code) if subclass else code),
            ResolvedAccount(2 * n + 1, "x"),
        ]
    entry = Entry(day, kind, tuple(postings), memo=memo, reverses=reverses)
    expected = content_digest(
        value_date=day,
        kind=kind,
        memo=memo,
        reverses=reverses,
        lines=[(a.code, p.amount.fen) for a, p in zip(accounts, postings, strict=True)],
    )
    assert store_journal.prepare(entry, accounts).digest == expected


def test_the_bulk_insert_writes_dates_and_times_as_sqlite3_would() -> None:
    # one insert remembers the text of each date and of the last time: equal instants at other offsets,
    # a datetime equal in value to a date, and naive times must still each get their own text
    utc = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    values = [
        date(2024, 5, 6),
        datetime(2024, 5, 6),  # noqa: DTZ001 - a naive time: its text has no offset
        utc,
        utc.astimezone(timezone(timedelta(hours=8))),
        utc,
        utc.replace(tzinfo=None),
        date(2024, 5, 6),
        None,
        "2024-05-06",
    ]
    iso = driver._iso_remembered()
    assert [iso(v) for v in values] == [driver._iso_text(v) for v in values]
    assert [driver._iso_text(v) for v in values[:4]] == [
        "2024-05-06",
        "2024-05-06 00:00:00",
        "2024-05-06 07:08:09.123456+00:00",
        "2024-05-06 15:08:09.123456+08:00",
    ]


def test_a_bulk_post_stores_what_one_by_one_posts_store(tmp_path: Path) -> None:
    # the same entries through post_entries and through post, one by one, on one clock: the same rows
    def clock() -> datetime:
        return datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)

    entries = [
        Entry(
            date(2024, 1, 1 + n % 3),
            "contribution",
            (
                Posting(R.FUND_CASH, fen(100 + n)),
                Posting(AccountKey(R.LOANS_RECEIVABLE, f"L{n % 2}"), fen(-100 - n)),
            ),
            memo=f"第{n}笔",
            idempotency_key=None if n % 2 else f"k{n}",
        )
        for n in range(6)
    ]
    dumps = []
    for bulk in (True, False):
        path = tmp_path / f"{bulk}.db"
        ledger = Ledger(engine=make_engine(f"sqlite:///{path}"), clock=clock)
        fund = _fund(ledger)
        if bulk:
            posted = ledger.post_entries(fund, entries)
        else:
            posted = [
                ledger.post(
                    fund,
                    on=e.value_date,
                    kind=e.kind,
                    postings=e.postings,
                    memo=e.memo,
                    idempotency_key=e.idempotency_key,
                )
                for e in entries
            ]
        assert posted == ledger.entries(fund)
        assert ledger.verify(fund).ok
        ledger.close()
        raw = sqlite3.connect(path)
        dumps.append(
            [
                raw.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
                for table in ("revolve_entry", "revolve_posting", "revolve_account")
            ]
        )
        raw.close()
    assert dumps[0] == dumps[1]
