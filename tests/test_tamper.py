"""Tampering through raw SQL: the database refuses what it can, and ``verify()`` names what it cannot.

The first group keeps revolve's triggers and shows the database itself refusing an unbalanced entry,
a posting added to a sealed entry, and any UPDATE or DELETE of journal rows. The second group plays an
attacker who can drop the triggers, edits the journal behind revolve's back, and checks that
``verify()`` (and ``check()``) report the first break, naming the entry.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, case, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from conftest import BACKENDS, EXAMPLES, POSTGRES_URL, engine_for
from revolve import (
    AccountKey,
    AccountRole,
    ChainKey,
    ChainKeyMismatch,
    ChainKeyMissing,
    ChainNotIntact,
    Checkpoint,
    InvalidCheckpoint,
    Ledger,
    OrgLevel,
    yuan,
)
from revolve.chain import link_digest
from revolve.funds import Fund
from revolve.journal import GENESIS_HASH, chain_hash, content_digest
from revolve.store import triggers
from revolve.store.schema import AccountRow, EntryRow, FundRow, PostingRow, metadata

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
    # every table that refers to entries (postings, the correction register, time restrictions, capital
    # pledge links …) must be named in the same TRUNCATE; the journal's trigger then refuses the statement
    referring = sorted(
        table.name
        for table in metadata.tables.values()
        if any(fk.column.table.name == "revolve_entry" for fk in table.foreign_keys)
    )
    assert "revolve_posting" in referring
    with pytest.raises(DBAPIError, match="immutable"):
        _raw(ledger.engine, f"TRUNCATE revolve_entry, {', '.join(referring)}")


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


# ---- a clerk with write rights forges, rewrites and replaces (issue 12) ------------------------------
KEY = "a deployment key kept outside the database, 32+ bytes"
OTHER_KEY = "another deployment's key, also long enough to use"
_ENTRY = EntryRow.__table__
_POSTING = PostingRow.__table__
_ACCOUNT = AccountRow.__table__
_FUND = FundRow.__table__


def _keyed(ledger: Ledger, key: str | None = KEY) -> Ledger:
    """The same books, opened by a deployment holding ``key``."""
    return Ledger(engine=ledger.engine, chain_key=key, create_schema=False)


def _forge_expense(engine: Engine, fund: Fund, fen_amount: int = 5_000_000) -> None:
    """Append Dr 业务活动成本 / Cr 银行存款 as revolve would, with the right bare digest and hash, and move the
    balances and the fund's head: what a clerk with INSERT/UPDATE rights and the source code can do."""
    with engine.begin() as conn:
        head = conn.execute(select(_FUND.c.entry_count, _FUND.c.head_hash).where(_FUND.c.id == fund.id)).one()
        seq = int(head.entry_count) + 1
        accounts = {
            role: (aid, code)
            for role, aid, code in conn.execute(
                select(_ACCOUNT.c.role, _ACCOUNT.c.id, _ACCOUNT.c.code).where(_ACCOUNT.c.fund_id == fund.id)
            )
        }
        lines = [(accounts["grant_expense"], fen_amount), (accounts["fund_cash"], -fen_amount)]
        day, at = date(2020, 2, 1), datetime(2020, 2, 1, 9, tzinfo=UTC)
        for line_no, ((aid, _), amount) in enumerate(lines, start=1):
            conn.execute(
                insert(_POSTING).values(
                    fund_id=fund.id,
                    entry_seq=seq,
                    line_no=line_no,
                    account_id=aid,
                    amount=amount,
                    value_date=day,
                )
            )
        digest = content_digest(
            value_date=day, kind="grant", memo="", reverses=None, lines=[(code, a) for (_, code), a in lines]
        )
        linked = link_digest(2, digest, idempotency_key=None, recorded_at=at)
        new_hash = chain_hash(head.head_hash, fund_id=fund.id, seq=seq, digest=linked)
        conn.execute(
            insert(_ENTRY).values(
                fund_id=fund.id,
                seq=seq,
                value_date=day,
                kind="grant",
                memo="",
                content_digest=digest,
                prev_hash=head.head_hash,
                hash=new_hash,
                recorded_at=at,
                digest_version=2,
            )
        )
        for (aid, _), amount in lines:
            conn.execute(
                update(_ACCOUNT)
                .where(_ACCOUNT.c.id == aid)
                .values(
                    balance=_ACCOUNT.c.balance + amount,
                    debit_turnover=_ACCOUNT.c.debit_turnover + max(amount, 0),
                    credit_turnover=_ACCOUNT.c.credit_turnover + max(-amount, 0),
                )
            )
        conn.execute(update(_FUND).where(_FUND.c.id == fund.id).values(entry_count=seq, head_hash=new_hash))


def _rechain(conn: Connection, fund_id: int) -> None:
    """Recompute every entry's bare digest and hash from the rows as they now are, and the fund's head."""
    lines: dict[int, list[tuple[str, int]]] = {}
    for seq, code, amount in conn.execute(
        select(_POSTING.c.entry_seq, _ACCOUNT.c.code, _POSTING.c.amount)
        .join(_ACCOUNT, _ACCOUNT.c.id == _POSTING.c.account_id)
        .where(_POSTING.c.fund_id == fund_id)
        .order_by(_POSTING.c.entry_seq, _POSTING.c.line_no)
    ):
        lines.setdefault(int(seq), []).append((code, int(amount)))
    prev, count = GENESIS_HASH, 0
    for row in conn.execute(select(_ENTRY).where(_ENTRY.c.fund_id == fund_id).order_by(_ENTRY.c.seq)).all():
        digest = content_digest(
            value_date=row.value_date,
            kind=row.kind,
            memo=row.memo,
            reverses=row.reverses_seq,
            lines=lines.get(int(row.seq), []),
        )
        version = row.digest_version if row.digest_version in (1, 2) else 2
        linked = link_digest(
            version, digest, idempotency_key=row.idempotency_key, recorded_at=row.recorded_at
        )
        new_hash = chain_hash(prev, fund_id=fund_id, seq=int(row.seq), digest=linked)
        conn.execute(
            update(_ENTRY)
            .where(_ENTRY.c.fund_id == fund_id, _ENTRY.c.seq == row.seq)
            .values(content_digest=digest, prev_hash=prev, hash=new_hash)
        )
        prev, count = new_hash, count + 1
    conn.execute(update(_FUND).where(_FUND.c.id == fund_id).values(entry_count=count, head_hash=prev))


def test_a_forged_entry_passes_the_bare_chain_but_not_the_keyed_one(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    keyed = _keyed(ledger)
    bare_fund = make_fund()
    keyed_fund = keyed.create_fund("F-KEYED", "带密钥基金", org=ledger.fund(bare_fund).org_id)
    _book(ledger, bare_fund)
    _book(keyed, keyed_fund)
    assert ledger.engine is not None
    _forge_expense(ledger.engine, bare_fund)
    _forge_expense(ledger.engine, keyed_fund)
    # the bare chain is public: the forgery is as good as revolve's own entry (hence checkpoints and keys)
    assert ledger.verify(bare_fund).ok
    assert not ledger.verify(bare_fund).keyed
    report = keyed.verify(keyed_fund)
    assert report.keyed
    assert report.first_break is not None and report.first_break.seq == 6, report
    assert "chain_broken" in {v.code for v in keyed.check(keyed_fund)}


def test_a_keyed_fund_without_its_key_or_with_another_says_so(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    keyed = _keyed(ledger)
    org = make_fund().org_id
    fund = keyed.create_fund("F-KEYED", "带密钥基金", org=org)
    _book(keyed, fund, 2)
    assert keyed.verify(fund).ok
    with pytest.raises(ChainKeyMissing) as missing:
        _keyed(ledger, None).verify(fund)
    assert missing.value.fingerprint == ChainKey.of(KEY).fingerprint
    assert KEY not in str(missing.value)
    with pytest.raises(ChainKeyMismatch):
        _keyed(ledger, OTHER_KEY).verify(fund)
    # nor can a ledger without the key extend the chain: nothing is written
    with pytest.raises(ChainKeyMissing):
        _book(_keyed(ledger, None), fund, 1)
    assert keyed.verify(fund).entries_checked == 2


def test_a_checkpoint_taken_before_finds_entry_1_rewritten_and_rechained(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund()
    _book(ledger, fund, 4)
    checkpoint = ledger.checkpoint(fund)
    assert checkpoint.count == 4 and checkpoint.last_date == date(2020, 1, 4)
    assert Checkpoint.parse(checkpoint.code) == checkpoint
    _book(ledger, fund, 2)  # the book goes on after the clerk wrote the code down
    assert ledger.verify(fund, against=checkpoint.code).ok
    assert ledger.engine is not None
    with ledger.engine.begin() as conn:
        triggers.remove(conn)
        conn.execute(
            update(_POSTING)
            .where(_POSTING.c.fund_id == fund.id, _POSTING.c.entry_seq == 1)
            .values(amount=case((_POSTING.c.amount > 0, 90_000), else_=-90_000))
        )
        _rechain(conn, fund.id)
        triggers.install(conn)
    assert ledger.verify(fund).ok  # the bare chain agrees with itself again
    report = ledger.verify(fund, against=checkpoint.code)
    assert report.first_break is not None and report.first_break.seq == 4, report
    assert "checkpoint" in report.first_break.reason


def test_a_checkpoint_finds_a_cut_history_and_refuses_another_funds_code(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund, other = make_fund(), make_fund()
    _book(ledger, fund, 3)
    checkpoint = ledger.checkpoint(fund)
    assert ledger.engine is not None
    _raw(
        ledger.engine,
        f"DELETE FROM revolve_posting WHERE {_where(fund, 3)}",
        f"DELETE FROM revolve_entry WHERE fund_id = {fund.id} AND seq = 3",
        keep_triggers=False,
    )
    with ledger.engine.begin() as conn:
        _rechain(conn, fund.id)
    assert ledger.verify(fund).ok
    assert not ledger.verify(fund, against=checkpoint).ok
    with pytest.raises(InvalidCheckpoint):
        ledger.verify(other, against=checkpoint)
    typo = checkpoint.code[:-1] + ("0" if checkpoint.code[-1] != "0" else "1")
    with pytest.raises(InvalidCheckpoint, match="check group"):
        ledger.verify(fund, against=typo)


def test_sealing_an_unkeyed_fund_keys_its_history(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    _book(ledger, fund, 3)
    keyed = _keyed(ledger)
    report = keyed.seal_chain(fund)
    assert report.ok and report.keyed and report.sealed_at is not None
    assert keyed.seal_chain(fund).checkpoint == report.checkpoint  # sealing again changes nothing
    _book(keyed, fund, 2)
    assert keyed.verify(fund).ok and keyed.verify(fund).entries_checked == 5
    with pytest.raises(ChainKeyMissing):
        ledger.verify(fund)
    # rewriting the sealed history and re-chaining it bare is found: the seal needs the key
    assert ledger.engine is not None
    with ledger.engine.begin() as conn:
        triggers.remove(conn)
        conn.execute(update(_ENTRY).where(_ENTRY.c.fund_id == fund.id, _ENTRY.c.seq == 2).values(memo="改过"))
        _rechain(conn, fund.id)
        triggers.install(conn)
    assert not keyed.verify(fund).ok


def test_sealing_refuses_a_broken_bare_chain(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    _book(ledger, fund, 3)
    assert ledger.engine is not None
    _raw(
        ledger.engine,
        f"UPDATE revolve_entry SET memo = 'x' WHERE fund_id = {fund.id} AND seq = 2",
        keep_triggers=False,
    )
    with pytest.raises(ChainNotIntact) as info:
        _keyed(ledger).seal_chain(fund)
    assert info.value.seq == 2
    with ledger.engine.connect() as conn:
        assert conn.execute(select(_FUND.c.chain_key_id).where(_FUND.c.id == fund.id)).scalar_one() is None


def test_the_digest_holds_the_idempotency_key_and_recorded_at(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund()
    _book(ledger, fund, 2)
    ledger.post(
        fund,
        on=date(2020, 1, 9),
        kind="contribution",
        postings=[(R.FUND_CASH, yuan("1")), (R.DONATION_REVENUE, -yuan("1"))],
        idempotency_key="k-1",
    )
    assert ledger.engine is not None
    _raw(
        ledger.engine,
        f"UPDATE revolve_entry SET idempotency_key = 'k-2' WHERE fund_id = {fund.id} AND seq = 3",
        keep_triggers=False,
    )
    assert ledger.verify(fund).first_break is not None
    _raw(
        ledger.engine,
        f"UPDATE revolve_entry SET idempotency_key = 'k-1' WHERE fund_id = {fund.id} AND seq = 3",
    )
    assert ledger.verify(fund).ok
    _raw(
        ledger.engine,
        f"UPDATE revolve_entry SET recorded_at = '2001-01-01 00:00:00' WHERE fund_id = {fund.id} AND seq = 2",
        keep_triggers=False,
    )
    report = ledger.verify(fund)
    assert report.first_break is not None and report.first_break.seq == 2, report


def test_sqlite_refuses_insert_or_replace_of_journal_rows(
    ledger: Ledger, make_fund: Callable[..., Fund], backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("REPLACE is SQLite's")
    fund = make_fund()
    _book(ledger, fund, 3)
    ledger.post(
        fund,
        on=date(2020, 1, 9),
        kind="contribution",
        postings=[(R.FUND_CASH, yuan("1")), (R.DONATION_REVENUE, -yuan("1"))],
        idempotency_key="k-1",
    )
    assert ledger.engine is not None
    path = ledger.engine.url.database
    assert path
    attacker = sqlite3.connect(path)  # a connection of its own: no pragmas revolve would set
    try:
        rewrite_memo = (
            "INSERT OR REPLACE INTO revolve_entry SELECT fund_id, seq, value_date, kind, '改过的摘要', "
            "idempotency_key, reverses_seq, content_digest, prev_hash, hash, recorded_at, digest_version "
            f"FROM revolve_entry WHERE fund_id = {fund.id} AND seq = 2"
        )
        # a new entry 5 whose idempotency key collides with entry 4's: REPLACE would delete entry 4's header
        steal_key = (
            "REPLACE INTO revolve_entry SELECT fund_id, 5, value_date, kind, memo, idempotency_key, "
            "reverses_seq, content_digest, prev_hash, hash, recorded_at, digest_version "
            f"FROM revolve_entry WHERE fund_id = {fund.id} AND seq = 4"
        )
        replace_line = (
            "INSERT OR REPLACE INTO revolve_posting SELECT fund_id, entry_seq, line_no, account_id, amount, "
            f"value_date FROM revolve_posting WHERE fund_id = {fund.id} AND entry_seq = 2"
        )
        for statement in (rewrite_memo, steal_key, replace_line):
            with pytest.raises(sqlite3.DatabaseError, match=r"immutable|sealed"), attacker:
                attacker.execute(statement)
    finally:
        attacker.close()
    assert ledger.verify(fund).ok
    assert [e.memo for e in ledger.entries(fund)][1] == "借款2"


def test_postgresql_refuses_insert_on_conflict_do_update(
    ledger: Ledger, make_fund: Callable[..., Fund], backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("ON CONFLICT DO UPDATE is PostgreSQL's form of REPLACE")
    fund = make_fund()
    _book(ledger, fund, 3)
    assert ledger.engine is not None
    with pytest.raises(DBAPIError, match="immutable"):
        _raw(
            ledger.engine,
            "INSERT INTO revolve_entry SELECT * FROM revolve_entry "
            f"WHERE fund_id = {fund.id} AND seq = 2 ON CONFLICT (fund_id, seq) DO UPDATE SET memo = '改过'",
        )
    assert ledger.verify(fund).ok


# ---- any single-row edit is found --------------------------------------------------------------------
_EDITABLE = {
    "revolve_entry": [
        "seq",
        "value_date",
        "kind",
        "memo",
        "idempotency_key",
        "reverses_seq",
        "content_digest",
        "prev_hash",
        "hash",
        "recorded_at",
        "digest_version",
    ],
    "revolve_posting": ["entry_seq", "line_no", "account_id", "amount", "value_date"],
}


def _changed(value: object, column: str, nudge: int) -> object:
    """A different value of the column's type."""
    if isinstance(value, datetime):
        return value + timedelta(seconds=nudge)
    if isinstance(value, date):
        return value + timedelta(days=nudge)
    if column in ("content_digest", "prev_hash", "hash"):
        return format(nudge, "x").rjust(64, "0")
    if isinstance(value, int):
        return value + nudge
    if value is None:
        return nudge if column == "reverses_seq" else f"k{nudge}"
    return f"{value}{nudge}"


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_any_single_row_edit_of_the_journal_is_found(backend_name: str) -> None:
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")
    examples = max(5, int(settings().max_examples * EXAMPLES[backend_name] * 0.4))

    @settings(max_examples=examples, deadline=None)
    @given(
        entries=st.integers(2, 6),
        table=st.sampled_from(sorted(_EDITABLE)),
        pick=st.integers(0, 1_000),
        column_pick=st.integers(0, 100),
        nudge=st.integers(1, 9),
        rechain=st.booleans(),
        keyed=st.booleans(),
    )
    def edit_and_verify(
        entries: int, table: str, pick: int, column_pick: int, nudge: int, rechain: bool, keyed: bool
    ) -> None:
        with engine_for(backend_name) as engine:
            ledger = Ledger(engine=engine, chain_key=KEY if keyed else None)
            org = ledger.create_org("ORG", "测试县", OrgLevel.COUNTY)
            fund = ledger.create_fund("F", "测试基金", org=org)
            _book(ledger, fund, entries)
            checkpoint = ledger.checkpoint(fund)
            assert ledger.verify(fund, against=checkpoint).ok
            columns = _EDITABLE[table]
            column = columns[column_pick % len(columns)]
            target = _ENTRY if table == "revolve_entry" else _POSTING
            # re-chaining recomputes these columns: an edit of them and a re-chain leave the books as they were
            assume(not (rechain and column in ("content_digest", "prev_hash", "hash")))
            try:
                with engine.begin() as conn:
                    triggers.remove(conn)
                    rows = conn.execute(select(target).where(target.c.fund_id == fund.id)).all()
                    row = rows[pick % len(rows)]
                    key_columns = ("seq",) if table == "revolve_entry" else ("entry_seq", "line_no")
                    where = [target.c.fund_id == fund.id] + [
                        target.c[k] == row._mapping[k] for k in key_columns
                    ]
                    value = _changed(row._mapping[column], column, nudge)
                    conn.execute(update(target).where(*where).values({column: value}))
                    if rechain:
                        _rechain(conn, fund.id)
                    triggers.install(conn)
            except DBAPIError:
                assume(False)  # the database refused the edit itself (a key or a constraint)
            found = ledger.verify(fund, against=checkpoint)
            assert not found.ok, (table, column, row, value, rechain)
            if keyed:
                assert not ledger.verify(fund).ok

    edit_and_verify()


# ---- stored turnovers -------------------------------------------------------------------------
def test_a_changed_stored_turnover_is_found_by_check_and_repaired_by_rebuild(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund()
    _book(ledger, fund)
    before = ledger.trial_balance(fund)
    cash = _cash_account(ledger.engine, fund) if ledger.engine is not None else 0
    # the balance is left alone: only the debit turnover the trial balance shows is moved
    _raw(ledger.engine, f"UPDATE revolve_account SET debit_turnover = debit_turnover + 700 WHERE id = {cash}")
    found = [v for v in ledger.check(fund) if v.code.startswith("stored_")]
    assert [v.code for v in found] == ["stored_turnover_differs"]
    assert "debit 100700 / credit 4000 fen, journal 100000 / 4000" in found[0].detail
    changed = ledger.rebuild_balances(fund)
    assert list(changed.values()) == [(yuan("960"), yuan("960"))]
    assert ledger.check(fund) == []
    assert ledger.trial_balance(fund) == before
