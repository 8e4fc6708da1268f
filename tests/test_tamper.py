"""Tampering through raw SQL: the database refuses what it can, and ``verify()`` names what it cannot.

The first group keeps revolve's triggers and shows the database itself refusing an unbalanced entry,
a posting added to a sealed entry, and any UPDATE or DELETE of journal rows. The second group plays an
attacker who can drop the triggers, edits the journal behind revolve's back, and checks that
``verify()`` (and ``check()``) report the first break, naming the entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from revolve import AccountKey, AccountRole, Ledger, yuan
from revolve.funds import Fund
from revolve.store import triggers

R = AccountRole


def _book(ledger: Ledger, fund: Fund, n: int = 5) -> None:
    ledger.post(
        fund,
        on=date(2020, 1, 1),
        kind="contribution",
        postings=[(R.FUND_CASH, yuan("1000")), (R.DONATION_REVENUE, -yuan("1000"))],
    )
    for i in range(2, n + 1):
        ledger.post(
            fund,
            on=date(2020, 1, i),
            kind="disbursement",
            postings=[(AccountKey(R.LOANS_RECEIVABLE, f"L{i}"), yuan("10")), (R.FUND_CASH, -yuan("10"))],
            memo=f"借款{i}",
        )


def _raw(engine: Engine, *statements: str, keep_triggers: bool = True) -> None:
    with engine.begin() as conn:
        if not keep_triggers:
            triggers.remove(conn)
        for statement in statements:
            conn.execute(text(statement))


def _cash_account(engine: Engine, fund: Fund) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM revolve_account WHERE fund_id = :f AND role = 'fund_cash'"),
                {"f": fund.id},
            ).scalar_one()
        )


# ---- the database refuses ---------------------------------------------------------------------
def test_database_refuses_an_unbalanced_entry(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    _book(ledger, fund, 1)
    engine = ledger.engine
    assert engine is not None
    cash = _cash_account(engine, fund)
    with pytest.raises(DBAPIError, match="unbalanced"):
        _raw(
            engine,
            f"INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
            f"VALUES ({fund.id}, 2, 1, {cash}, 500, '2020-02-01')",
            f"INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
            f"VALUES ({fund.id}, 2, 2, {cash}, -499, '2020-02-01')",
            f"INSERT INTO revolve_entry (fund_id, seq, value_date, kind, memo, content_digest, prev_hash, hash, "
            f"recorded_at) VALUES ({fund.id}, 2, '2020-02-01', 'x', '', 'd', 'p', 'h', '2020-02-01 00:00:00')",
        )
    assert ledger.check() == []


def test_database_refuses_a_posting_without_its_header_at_commit(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund()
    _book(ledger, fund, 1)
    engine = ledger.engine
    assert engine is not None
    cash = _cash_account(engine, fund)
    with pytest.raises(DBAPIError):
        _raw(
            engine,
            f"INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
            f"VALUES ({fund.id}, 7, 1, {cash}, 500, '2020-02-01')",
        )
    assert ledger.check() == []


def test_database_refuses_a_posting_added_to_a_sealed_entry(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund()
    _book(ledger, fund, 1)
    engine = ledger.engine
    assert engine is not None
    cash = _cash_account(engine, fund)
    with pytest.raises(DBAPIError, match="sealed"):
        _raw(
            engine,
            f"INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
            f"VALUES ({fund.id}, 1, 3, {cash}, 0, '2020-01-01')",
        )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE revolve_posting SET amount = amount + 1",
        "UPDATE revolve_entry SET memo = 'changed'",
        "DELETE FROM revolve_posting",
        "DELETE FROM revolve_entry",
    ],
)
def test_database_refuses_update_and_delete_of_journal_rows(
    ledger: Ledger, make_fund: Callable[..., Fund], statement: str
) -> None:
    fund = make_fund()
    _book(ledger, fund, 3)
    assert ledger.engine is not None
    with pytest.raises(DBAPIError, match="immutable"):
        _raw(ledger.engine, statement)
    assert ledger.verify(fund).ok


def test_postgresql_refuses_truncate(ledger: Ledger, make_fund: Callable[..., Fund], backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    fund = make_fund()
    _book(ledger, fund, 2)
    assert ledger.engine is not None
    # the correction register refers to entries, so PostgreSQL asks for it in the same TRUNCATE; the
    # journal's trigger then refuses the statement
    with pytest.raises(DBAPIError, match="immutable"):
        _raw(ledger.engine, "TRUNCATE revolve_posting, revolve_entry, revolve_void")


# ---- verify() names what an attacker did ---------------------------------------------------------
def _where(fund: Fund, seq: int) -> str:
    return f"fund_id = {fund.id} AND entry_seq = {seq}"


TAMPERING = {
    "edited amount": (
        lambda f: [
            f"UPDATE revolve_posting SET amount = amount * 2 WHERE {_where(f, 3)}",
        ],
        3,
        "content",
    ),
    "edited memo": (
        lambda f: [f"UPDATE revolve_entry SET memo = '改过' WHERE fund_id = {f.id} AND seq = 4"],
        4,
        "content",
    ),
    "edited value date": (
        lambda f: [
            f"UPDATE revolve_entry SET value_date = '2019-01-01' WHERE fund_id = {f.id} AND seq = 2",
            f"UPDATE revolve_posting SET value_date = '2019-01-01' WHERE {_where(f, 2)}",
        ],
        2,
        "content",
    ),
    "edited hash": (
        lambda f: [f"UPDATE revolve_entry SET hash = '{'f' * 64}' WHERE fund_id = {f.id} AND seq = 2"],
        2,
        "hash",
    ),
    "posting date moved alone": (
        lambda f: [f"UPDATE revolve_posting SET value_date = '2021-01-01' WHERE {_where(f, 4)}"],
        4,
        "date",
    ),
    "deleted middle entry": (
        lambda f: [
            f"DELETE FROM revolve_posting WHERE {_where(f, 3)}",
            f"DELETE FROM revolve_entry WHERE fund_id = {f.id} AND seq = 3",
        ],
        3,
        "missing",
    ),
    "deleted last entry": (
        lambda f: [
            f"DELETE FROM revolve_posting WHERE {_where(f, 5)}",
            f"DELETE FROM revolve_entry WHERE fund_id = {f.id} AND seq = 5",
        ],
        5,
        "head",
    ),
    "inserted posting line": (
        lambda f: [
            f"INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
            f"SELECT fund_id, entry_seq, 3, account_id, amount, value_date FROM revolve_posting WHERE {_where(f, 2)} "
            f"AND line_no = 1",
            f"INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
            f"SELECT fund_id, entry_seq, 4, account_id, amount, value_date FROM revolve_posting WHERE {_where(f, 2)} "
            f"AND line_no = 2",
        ],
        2,
        "content",
    ),
    "inserted entry": (
        lambda f: [
            f"INSERT INTO revolve_posting (fund_id, entry_seq, line_no, account_id, amount, value_date) "
            f"SELECT fund_id, 6, line_no, account_id, amount, value_date FROM revolve_posting WHERE {_where(f, 5)}",
            f"INSERT INTO revolve_entry (fund_id, seq, value_date, kind, memo, content_digest, prev_hash, hash, "
            f"recorded_at) SELECT fund_id, 6, value_date, kind, memo, content_digest, hash, hash, recorded_at "
            f"FROM revolve_entry WHERE fund_id = {f.id} AND seq = 5",
        ],
        6,
        "hash",
    ),
}


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_verify_names_the_first_break(ledger: Ledger, make_fund: Callable[..., Fund], name: str) -> None:
    fund, bystander = make_fund(), make_fund()
    _book(ledger, fund)
    _book(ledger, bystander)
    assert ledger.verify(fund).ok
    statements, seq, reason = TAMPERING[name]
    assert ledger.engine is not None
    _raw(ledger.engine, *statements(fund), keep_triggers=False)
    report = ledger.verify(fund)
    assert not report.ok
    assert report.first_break is not None
    assert report.first_break.seq == seq, report
    assert reason in report.first_break.reason, report
    assert f"entry {seq}" in str(report)
    codes = {v.code for v in ledger.check(fund)}
    assert "chain_broken" in codes
    # the other fund's chain is untouched
    assert ledger.verify(bystander).ok
