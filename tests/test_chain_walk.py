"""The fast walk of the hash chain (:mod:`revolve.store.chain_walk`): the same digests, the same verdicts.

A fixed book — memos, sub-keys and idempotency keys with quotes, backslashes, control characters and
Chinese; a reversal; a three-line entry; a bare chain, a sealed one and one keyed from the start — has
its content digests and hashes pinned (the values the reference walk and every book written so far
agree on). The fast walk must take that book (it does not fall back to the reference walk) and report
what the reference walk reports; and after any one edit of a journal, account or fund row it must give
up, so the reference walk names the break. ``conftest`` also checks, in every test of the suite, that
``verify_chain`` reports what the reference walk alone reports.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text

from conftest import engine_for
from revolve import AccountKey, AccountRole, ChainKey, Ledger, OrgLevel, yuan
from revolve.chain import recorded_text
from revolve.funds import Fund
from revolve.store import journal as store_journal
from revolve.store import triggers
from revolve.store.chain_walk import IntactChain, intact_chain
from revolve.store.schema import EntryRow, FundRow

R = AccountRole
KEY = b"pinned chain key, 32 bytes long!"
MEMO = 'a "quoted" memo\\ with\nnewline\t, 中文 and \x01'

# (seq, the first 16 hex digits of the content digest, of the hash) of each fund's entries, as the
# reference walk (and revolve before the fast walk) computes them
PINNED = {
    "F-PLAIN": [(1, "25ce3c9eb5047e68", "9e7e18c2461c73d2"), (2, "6bbdf251a44d1148", "19a872d2f84c1d65"),
                (3, "a07e88227fe752c9", "f63ac37e3b239078")],
    "F-SEAL": [(1, "25ce3c9eb5047e68", "781bb3f0ca48cbff"), (2, "6bbdf251a44d1148", "e97c859023ecf670"),
               (3, "a07e88227fe752c9", "fde7f842938c324e"), (4, "bd08b96488438fa7", "108625920d2ec48c"),
               (5, "71b65925f533167b", "be91a3321202f9be")],
    "F-KEY": [(1, "bd08b96488438fa7", "1a43933596060616"), (2, "71b65925f533167b", "4ab58aa81ca5ba18")],
}  # fmt: skip


def _book(engine: Engine) -> tuple[Ledger, dict[str, Fund]]:
    """The fixed book; returns a ledger holding the key, and the three funds by code."""
    ticks = iter(range(1000))

    def clock() -> datetime:
        return datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC) + timedelta(seconds=next(ticks))

    bare = Ledger(engine=engine, clock=clock)
    org = bare.create_org("C", "县", OrgLevel.COUNTY)
    plain = bare.create_fund("F-PLAIN", "基金", org=org)
    sealed = bare.create_fund("F-SEAL", "基金", org=org)
    for fund in (plain, sealed):
        bare.post(
            fund,
            on=date(2020, 1, 1),
            kind="contribution",
            postings=[(R.FUND_CASH, yuan("1000")), (R.DONATION_REVENUE, -yuan("1000"))],
            memo=MEMO,
        )
        second = bare.post(
            fund,
            on=date(2020, 1, 2),
            kind="adjustment",
            postings=[
                (AccountKey(R.LOANS_RECEIVABLE, 'L-"1"'), yuan("10.01")),
                (R.FUND_CASH, -yuan("10.01")),
            ],
            idempotency_key='key "one"/中\\',
        )
        bare.reverse(fund, second, on=date(2020, 1, 3), memo="冲正")
    keyed = Ledger(engine=engine, clock=clock, chain_key=KEY)
    keyed.seal_chain(sealed)
    from_start = keyed.create_fund("F-KEY", "基金", org=org)
    for fund in (sealed, from_start):
        keyed.post(
            fund,
            on=date(2020, 2, 1),
            kind="contribution",
            postings=[
                (R.FUND_CASH, yuan("3")),
                (R.DONATION_REVENUE, -yuan("1")),
                (R.DONATION_REVENUE, -yuan("2")),
            ],
            idempotency_key="k2",
        )
        keyed.post(
            fund,
            on=date(2020, 2, 2),
            kind="contribution",
            postings=[(R.FUND_CASH, yuan("5")), (R.DONATION_REVENUE, -yuan("5"))],
        )
    return keyed, {f.code: f for f in (plain, sealed, from_start)}


@pytest.fixture
def fixed(backend: str, tmp_path: object) -> Iterator[tuple[Engine, Ledger, dict[str, Fund]]]:
    with engine_for(backend, tmp_dir=str(tmp_path)) as engine:
        ledger, funds = _book(engine)
        yield engine, ledger, funds


def _fast(engine: Engine, fund: Fund, **kwargs: object) -> IntactChain | None:
    with engine.begin() as conn:
        row = conn.execute(select(FundRow.__table__).where(FundRow.id == fund.id)).one()
        sealed = None if row.sealed_count is None else int(row.sealed_count)
        return intact_chain(
            conn,
            fund.id,
            row.code,
            head=(int(row.entry_count), row.head_hash),
            chain_key=ChainKey(KEY) if row.chain_key_id is not None else None,
            seal=(sealed, row.seal_mac),
            against=kwargs.get("against"),  # type: ignore[arg-type]
            extras_of_all=bool(kwargs.get("extras_of_all", False)),
        )


def test_the_fixed_books_digests_are_pinned(fixed: tuple[Engine, Ledger, dict[str, Fund]]) -> None:
    engine, _, funds = fixed
    with engine.connect() as conn:
        for code, pinned in PINNED.items():
            rows = conn.execute(
                select(EntryRow.seq, EntryRow.content_digest, EntryRow.hash)
                .where(EntryRow.fund_id == funds[code].id)
                .order_by(EntryRow.seq)
            )
            # the fund's id is in every hash: a fresh database numbers the three funds 1, 2, 3
            assert funds[code].id == list(PINNED).index(code) + 1
            assert [(int(s), d[:16], h[:16]) for s, d, h in rows] == pinned, code


@pytest.mark.parametrize("extras_of_all", [False, True])
def test_the_fast_walk_takes_the_fixed_book(
    fixed: tuple[Engine, Ledger, dict[str, Fund]], extras_of_all: bool
) -> None:
    engine, ledger, funds = fixed
    for code, pinned in PINNED.items():
        fund = funds[code]
        fast = _fast(engine, fund, extras_of_all=extras_of_all)
        assert fast is not None, code
        with engine.begin() as conn:
            reference = _reference(conn, fund, extras_of_all=extras_of_all)
        assert reference.first_break is None
        assert (fast.checked, fast.checkpoint, fast.extras) == (
            reference.checked,
            reference.checkpoint,
            reference.extras,
        )
        assert fast.checked == len(pinned)
        report = ledger.verify(fund, against=fast.checkpoint)
        assert report.ok and report.entries_checked == len(pinned)
        assert report.keyed == (code != "F-PLAIN")
        assert _fast(engine, fund, against=fast.checkpoint) is not None


def _reference(conn: object, fund: Fund, *, extras_of_all: bool = False) -> store_journal.ChainWalk:
    """The reference walk alone (the fast one switched off)."""
    fast = store_journal.intact_chain
    store_journal.intact_chain = lambda *a, **k: None  # type: ignore[assignment]
    try:
        return store_journal.verify_chain(conn, fund.id, key=ChainKey(KEY), extras_of_all=extras_of_all)  # type: ignore[arg-type]
    finally:
        store_journal.intact_chain = fast


# one edit each, made behind revolve's back: (fund, statement, the entry the reference walk names)
EDITS = {
    "memo": ("F-PLAIN", "UPDATE revolve_entry SET memo = 'x' WHERE fund_id = {f} AND seq = 1", 1),
    "kind": ("F-KEY", "UPDATE revolve_entry SET kind = 'grant' WHERE fund_id = {f} AND seq = 2", 2),
    "idempotency key": (
        "F-SEAL",
        "UPDATE revolve_entry SET idempotency_key = 'k3' WHERE fund_id = {f} AND seq = 4",
        4,
    ),
    "recorded at": (
        "F-PLAIN",
        "UPDATE revolve_entry SET recorded_at = {later} WHERE fund_id = {f} AND seq = 2",
        2,
    ),
    "digest version": (
        "F-PLAIN",
        "UPDATE revolve_entry SET digest_version = 1 WHERE fund_id = {f} AND seq = 3",
        3,
    ),
    "unknown digest version": (
        "F-PLAIN",
        "UPDATE revolve_entry SET digest_version = 3 WHERE fund_id = {f} AND seq = 3",
        3,
    ),
    "reversal link": (
        "F-SEAL",
        "UPDATE revolve_entry SET reverses_seq = 1 WHERE fund_id = {f} AND seq = 3",
        3,
    ),
    "stored digest": (
        "F-PLAIN",
        "UPDATE revolve_entry SET content_digest = '" + "0" * 64 + "' WHERE fund_id = {f} AND seq = 2",
        2,
    ),
    "previous hash": (
        "F-KEY",
        "UPDATE revolve_entry SET prev_hash = '" + "0" * 64 + "' WHERE fund_id = {f} AND seq = 2",
        2,
    ),
    "amounts swapped between lines": (
        "F-KEY",
        "UPDATE revolve_posting SET amount = CASE line_no WHEN 2 THEN -200 ELSE -100 END "
        "WHERE fund_id = {f} AND entry_seq = 1 AND line_no IN (2, 3)",
        1,
    ),
    "posting to another account": (
        "F-PLAIN",
        "UPDATE revolve_posting SET account_id = (SELECT id FROM revolve_account WHERE fund_id = {f} "
        "AND role = 'fund_cash') WHERE fund_id = {f} AND entry_seq = 1 AND line_no = 2",
        1,
    ),
    "account code": (
        "F-PLAIN",
        "UPDATE revolve_account SET code = code || 'x' WHERE fund_id = {f} AND role = 'fund_cash'",
        1,
    ),
    "posting removed": (
        "F-SEAL",
        "DELETE FROM revolve_posting WHERE fund_id = {f} AND entry_seq = 4 AND line_no = 3",
        4,
    ),
    "posting date alone": (
        "F-PLAIN",
        "UPDATE revolve_posting SET value_date = {day} WHERE fund_id = {f} AND entry_seq = 3 AND line_no = 1",
        3,
    ),
    "seal": ("F-SEAL", "UPDATE revolve_fund SET seal_mac = 'x' WHERE id = {f}", 3),
    "head hash": ("F-KEY", "UPDATE revolve_fund SET head_hash = '" + "0" * 64 + "' WHERE id = {f}", 2),
    "head count": ("F-PLAIN", "UPDATE revolve_fund SET entry_count = 2 WHERE id = {f}", 3),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_after_any_edit_the_fast_walk_gives_up(
    fixed: tuple[Engine, Ledger, dict[str, Fund]], name: str
) -> None:
    engine, ledger, funds = fixed
    code, statement, seq = EDITS[name]
    fund = funds[code]
    later, day = "'2027-01-01 00:00:00.000000+00:00'", "'2021-06-01'"
    if engine.dialect.name == "postgresql":
        later, day = "TIMESTAMPTZ '2027-01-01 00:00:00+00'", "DATE '2021-06-01'"
    with engine.begin() as conn:
        triggers.remove(conn)
        conn.execute(text(statement.format(f=fund.id, later=later, day=day)))
    assert _fast(engine, fund) is None
    report = ledger.verify(fund)
    assert not report.ok
    assert report.first_break is not None
    assert report.first_break.seq == seq, report
    # the other funds still verify, by the fast walk
    for other in funds.values():
        if other is not fund:
            assert _fast(engine, other) is not None


@given(
    secret=st.binary(min_size=16, max_size=200),
    messages=st.lists(st.binary(max_size=300), min_size=1, max_size=5),
)
def test_macs_is_hmac_sha256(secret: bytes, messages: list[bytes]) -> None:
    key = ChainKey(secret)
    mac = key.macs()
    for message in messages:
        expected = hmac.new(secret, message, sha256).hexdigest()
        assert mac(message) == expected == key.mac(message)


@given(
    # hypothesis bounds datetimes by naive values; far from the ends, so no offset overflows
    at=st.datetimes(
        min_value=datetime(1900, 1, 1),  # noqa: DTZ001
        max_value=datetime(2200, 1, 1),  # noqa: DTZ001
        timezones=st.none() | st.timezones() | st.just(UTC),
    ),
)
def test_recorded_text_is_the_iso_form_of_the_utc_time(at: datetime) -> None:
    naive = at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo is not None else at
    assert recorded_text(at) == naive.isoformat(sep=" ", timespec="microseconds")
