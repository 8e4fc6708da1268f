"""Conservation of the journal, proven over random sequences of operations (DESIGN §10 items 1, 5, 7, 8, 9).

A Hypothesis state machine posts random balanced entries across several funds — some with idempotency
keys, some retried, some conflicting, some reversed, some refused (closed periods, accounts of another
fund, double reversals) — and after every step compares the books with an independent model kept here
in plain dicts (expected balance per fund and account, every posting with its date). It never asks the
library to compute what it checks, except ``check()``, whose answer must be empty.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from conftest import BACKENDS, EXAMPLES, POSTGRES_URL, ledger_on, snapshot
from revolve import (
    NPO_CHART,
    AccountFundMismatch,
    AccountKey,
    AccountKind,
    AccountRole,
    AlreadyReversed,
    Entry,
    IdempotencyConflict,
    Ledger,
    OrgLevel,
    PeriodClosed,
    Posting,
    fen,
)
from revolve.journal import PostedEntry

R = AccountRole
START = date(2020, 1, 1)
PLAIN_ROLES = [
    R.FUND_CASH,
    R.DONATION_REVENUE,
    R.GRANT_REVENUE,
    R.GRANT_EXPENSE,
    R.BAD_DEBT_ALLOWANCE,
    R.PLEDGE_DEPOSITS,
]
LOANS = ["L1", "L2", "L3"]

accounts = st.one_of(
    st.sampled_from(PLAIN_ROLES).map(AccountKey),
    st.sampled_from(LOANS).map(lambda n: AccountKey(R.LOANS_RECEIVABLE, n)),
)
amounts = st.integers(min_value=1, max_value=10**12)
days = st.integers(min_value=0, max_value=1000)


@st.composite
def balanced_postings(draw: st.DrawFn) -> list[tuple[AccountKey, int]]:
    """Two to five postings with non-zero signed amounts that sum to zero."""
    n = draw(st.integers(min_value=2, max_value=5))
    keys = [draw(accounts) for _ in range(n)]
    signs = [draw(st.sampled_from([1, -1])) for _ in range(n - 1)]
    values = [s * draw(amounts) for s in signs]
    last = -sum(values)
    if last == 0:
        values[0] += 1 if values[0] > 0 else -1
        last = -sum(values)
    return list(zip(keys, [*values, last], strict=True))


class JournalMachine(RuleBasedStateMachine):
    """Random journal traffic against one database, checked against a model after every step."""

    backend = "sqlite"
    posted = Bundle("posted")

    def __init__(self) -> None:
        super().__init__()
        self._stack = contextlib.ExitStack()
        self.ledger: Ledger = self._stack.enter_context(ledger_on(self.backend))
        self.funds: list[int] = []
        # the model: what the books must say, computed here without the library
        self.balances: dict[tuple[int, AccountKey], int] = defaultdict(int)
        self.lines: list[tuple[int, AccountKey, date, int]] = []
        self.count: dict[int, int] = defaultdict(int)
        self.closed: dict[int, date] = {}
        self.keys: dict[tuple[int, str], tuple[date, tuple[tuple[AccountKey, int], ...], int]] = {}
        self.reversed: set[tuple[int, int]] = set()
        self.reversals: set[tuple[int, int]] = set()

    def teardown(self) -> None:
        self._stack.close()

    @initialize()
    def open_funds(self) -> None:
        county = self.ledger.create_org("C", "测试县", OrgLevel.COUNTY)
        for i in range(3):
            self.funds.append(self.ledger.create_fund(f"F{i}", f"基金{i}", org=county).id)

    # ---- helpers ------------------------------------------------------------------------------
    def _record(self, fund: int, on: date, lines: list[tuple[AccountKey, int]]) -> None:
        for key, amount in lines:
            self.balances[(fund, key)] += amount
            self.lines.append((fund, key, on, amount))
        self.count[fund] += 1

    def _is_open(self, fund: int, on: date) -> bool:
        return fund not in self.closed or on > self.closed[fund]

    @contextlib.contextmanager
    def _writes_nothing(self) -> Iterator[None]:
        before = snapshot(self.ledger.engine)  # type: ignore[arg-type]
        yield
        assert snapshot(self.ledger.engine) == before  # type: ignore[arg-type]

    # ---- rules --------------------------------------------------------------------------------
    @rule(target=posted, fund_ix=st.integers(0, 2), day=days, lines=balanced_postings(), keyed=st.booleans())
    def post(
        self, fund_ix: int, day: int, lines: list[tuple[AccountKey, int]], keyed: bool
    ) -> PostedEntry | None:
        fund = self.funds[fund_ix]
        on = START + timedelta(days=day)
        key = f"K{fund}-{self.count[fund]}-{len(self.keys)}" if keyed else None
        postings = [(k, fen(a)) for k, a in lines]
        if not self._is_open(fund, on):
            with self._writes_nothing(), pytest.raises(PeriodClosed):
                self.ledger.post(fund, on=on, kind="test", postings=postings, idempotency_key=key)
            return None
        entry = self.ledger.post(fund, on=on, kind="test", postings=postings, idempotency_key=key)
        self._record(fund, on, lines)
        assert entry.seq == self.count[fund]
        if key is not None:
            self.keys[(fund, key)] = (on, tuple(lines), entry.seq)
        return entry

    @rule(data=st.data())
    def retry_with_same_key(self, data: st.DataObject) -> None:
        if not self.keys:
            return
        (fund, key), (on, lines, seq) = data.draw(st.sampled_from(sorted(self.keys.items(), key=repr)))
        with self._writes_nothing():
            again = self.ledger.post(
                fund, on=on, kind="test", postings=[(k, fen(a)) for k, a in lines], idempotency_key=key
            )
        assert again.seq == seq

    @rule(data=st.data(), extra=amounts)
    def reuse_key_with_other_content(self, data: st.DataObject, extra: int) -> None:
        if not self.keys:
            return
        (fund, key), (on, lines, seq) = data.draw(st.sampled_from(sorted(self.keys.items(), key=repr)))
        changed = [(k, a) for k, a in lines]
        changed[0] = (changed[0][0], changed[0][1] + extra)
        changed[-1] = (changed[-1][0], changed[-1][1] - extra)
        changed = [(k, a) for k, a in changed if a != 0]
        if len(changed) < 2:
            return
        with self._writes_nothing(), pytest.raises(IdempotencyConflict) as info:
            self.ledger.post(
                fund, on=on, kind="test", postings=[(k, fen(a)) for k, a in changed], idempotency_key=key
            )
        assert info.value.existing_seq == seq

    @rule(entry=posted, later=st.integers(0, 30))
    def reverse(self, entry: PostedEntry | None, later: int) -> None:
        if entry is None:
            return
        fund, seq = entry.fund_id, entry.seq
        on = entry.value_date + timedelta(days=later)
        if (fund, seq) in self.reversed or (fund, seq) in self.reversals:
            with self._writes_nothing(), pytest.raises(AlreadyReversed):
                self.ledger.reverse(fund, seq, on=on)
            return
        if not self._is_open(fund, on):
            with self._writes_nothing(), pytest.raises(PeriodClosed):
                self.ledger.reverse(fund, seq, on=on)
            return
        reversal = self.ledger.reverse(fund, seq, on=on)
        self._record(fund, on, [(line.account, -line.amount.fen) for line in entry.lines])
        assert reversal.seq == self.count[fund]
        self.reversed.add((fund, seq))
        self.reversals.add((fund, reversal.seq))
        # the reversal cancels its entry: each account the entry touched nets to zero over the pair
        net: dict[AccountKey, int] = defaultdict(int)
        for line in (*entry.lines, *reversal.lines):
            net[line.account] += line.amount.fen
        assert set(net.values()) == {0}

    @rule(fund_ix=st.integers(0, 2), day=days)
    def close_period(self, fund_ix: int, day: int) -> None:
        fund = self.funds[fund_ix]
        through = START + timedelta(days=day)
        if fund in self.closed and through < self.closed[fund]:
            return
        self.ledger.close_period(fund, through=through)
        self.closed[fund] = through
        # the close posts its closing entries (issue 11 finding 1): the model takes them in, and after
        # them every revenue and expense account is zero at ``through``
        for entry in self.ledger.entries(fund)[self.count[fund] :]:
            assert entry.kind.startswith("close.") and entry.value_date == through
            self._record(fund, through, [(line.account, line.amount.fen) for line in entry.lines])
        kinds = {spec.role: spec.kind for spec in NPO_CHART.specs}
        for (f, key), _ in list(self.balances.items()):
            if f == fund and kinds[key.role] in (AccountKind.REVENUE, AccountKind.EXPENSE):
                assert sum(a for g, k, on, a in self.lines if g == fund and k == key and on <= through) == 0

    @rule(fund_ix=st.integers(0, 2), other_ix=st.integers(0, 2), amount=amounts)
    def post_to_another_funds_account(self, fund_ix: int, other_ix: int, amount: int) -> None:
        if fund_ix == other_ix:
            return
        fund, other = self.funds[fund_ix], self.funds[other_ix]
        foreign = self.ledger.account(other, R.FUND_CASH)
        with self._writes_nothing(), pytest.raises(AccountFundMismatch):
            self.ledger.post(
                fund,
                on=date(2030, 1, 1),
                kind="test",
                postings=[(foreign, fen(amount)), (R.DONATION_REVENUE, fen(-amount))],
            )

    @rule(fund_ix=st.integers(0, 2), n=st.integers(1, 20), day=days, lines=balanced_postings())
    def bulk(self, fund_ix: int, n: int, day: int, lines: list[tuple[AccountKey, int]]) -> None:
        fund = self.funds[fund_ix]
        on = START + timedelta(days=day)
        entry = Entry(on, "bulk", tuple(Posting(k, fen(a)) for k, a in lines))
        if not self._is_open(fund, on):
            with self._writes_nothing(), pytest.raises(PeriodClosed):
                self.ledger.post_entries(fund, [entry] * n)
            return
        posted = self.ledger.post_entries(fund, [entry] * n)
        for _ in range(n):
            self._record(fund, on, lines)
        assert posted[-1].seq == self.count[fund]

    @rule(fund_ix=st.integers(0, 2))
    def rebuild(self, fund_ix: int) -> None:
        with self._writes_nothing():
            assert self.ledger.rebuild_balances(self.funds[fund_ix]) == {}

    # ---- invariants ---------------------------------------------------------------------------
    @invariant()
    def books_hold(self) -> None:
        if not self.funds:
            return
        # raw entries may take cash below zero: check() reports that as cash_negative (a fund-level rule the
        # lending operations enforce); the journal's own invariants must hold whatever the entries say
        journal_codes = {
            "unbalanced_entry",
            "trial_balance_not_zero",
            "stored_balance_differs",
            "stored_turnover_differs",
            "chain_broken",
        }
        assert [v for v in self.ledger.check() if v.code in journal_codes] == []
        for fund in self.funds:
            assert self.ledger.trial_balance(fund).balanced
            report = self.ledger.verify(fund)
            assert report.ok and report.entries_checked == self.count[fund]

    @invariant()
    def stored_balances_match_the_model(self) -> None:
        for (fund, key), expected in self.balances.items():
            assert self.ledger.balance(fund, key).fen == expected, (fund, key)

    @rule(fund_ix=st.integers(0, 2), day=st.integers(-5, 1005))
    def balances_as_of_a_date_match_the_model(self, fund_ix: int, day: int) -> None:
        fund = self.funds[fund_ix]
        as_of = START + timedelta(days=day)
        expected: dict[AccountKey, int] = defaultdict(int)
        for f, key, on, amount in self.lines:
            if f == fund and on <= as_of:
                expected[key] += amount
        for key, value in expected.items():
            assert self.ledger.balance(fund, key, as_of=as_of).fen == value
        tb = self.ledger.trial_balance(fund, as_of=as_of)
        assert tb.balanced
        cash = sum(v for k, v in expected.items() if k.role == R.FUND_CASH)
        assert tb.line(R.FUND_CASH).balance.fen == cash


def _machine_for(backend: str) -> Any:
    return type(f"JournalMachine_{backend}", (JournalMachine,), {"backend": backend})


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_journal_conserves_money(backend_name: str) -> None:
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")
    machine = _machine_for(backend_name)
    base = settings()
    examples = max(5, int(base.max_examples * EXAMPLES[backend_name] * 0.5))
    machine.TestCase.settings = settings(base, max_examples=examples, stateful_step_count=25)
    machine.TestCase().runTest()


@given(lines=balanced_postings(), day=days)
def test_every_generated_entry_balances_in_the_core(lines: list[tuple[AccountKey, int]], day: int) -> None:
    entry = Entry(START + timedelta(days=day), "test", tuple(Posting(k, fen(a)) for k, a in lines))
    assert sum(p.amount.fen for p in entry.postings) == 0
    assert entry.debit_total.fen == sum(a for _, a in lines if a > 0)
