"""The ledger on both backends: posting, reversal, idempotency, queries, and every refusal writing nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from conftest import snapshot
from revolve import (
    AccountFundMismatch,
    AccountKey,
    AccountRole,
    AlreadyReversed,
    AmountOutOfRange,
    DuplicateCode,
    Entry,
    IdempotencyConflict,
    InvalidAmount,
    InvalidDate,
    InvalidOrgTree,
    Ledger,
    MoneyTypeError,
    OrgLevel,
    PeriodClosed,
    Posting,
    UnbalancedEntry,
    UnknownAccount,
    UnknownEntry,
    UnknownFund,
    fen,
    yuan,
)
from revolve.funds import Fund

R = AccountRole
D1, D2, D3 = date(2016, 1, 5), date(2016, 2, 1), date(2016, 3, 1)


def contribution(amount: str = "300000") -> list[tuple[AccountRole, Any]]:
    return [(R.FUND_CASH, yuan(amount)), (R.DONATION_REVENUE, -yuan(amount))]


def loan(number: str, amount: str) -> list[tuple[AccountKey | AccountRole, Any]]:
    return [(AccountKey(R.LOANS_RECEIVABLE, number), yuan(amount)), (R.FUND_CASH, -yuan(amount))]


def test_post_numbers_chains_and_moves_balances(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    first = ledger.post(fund, on=D1, kind="contribution", postings=contribution(), memo="捐赠")
    second = ledger.post(fund, on=D2, kind="advance", postings=loan("L-0001", "5000"))
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash != second.hash
    assert ledger.balance(fund, R.FUND_CASH) == yuan("295000")
    assert ledger.balance(fund, R.LOANS_RECEIVABLE, sub="L-0001") == yuan("5000")
    assert ledger.balance(fund, R.LOANS_RECEIVABLE) == yuan("5000")
    assert ledger.balance(fund, R.FUND_CASH, as_of=D1) == yuan("300000")
    assert ledger.balance(fund, R.FUND_CASH, as_of=date(2015, 12, 31)) == yuan("0")
    assert ledger.subledger(fund, R.LOANS_RECEIVABLE) == {"L-0001": yuan("5000")}
    assert ledger.entry(fund, 1) == first
    assert [e.seq for e in ledger.entries(fund, kind="advance")] == [2]
    assert [line.account_code for line in second.lines] == ["112201.L-0001", "1002"]
    assert ledger.check() == []
    assert ledger.verify(fund).ok


def test_trial_balance_now_and_as_of(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    ledger.post(fund, on=D1, kind="contribution", postings=contribution("1000"))
    ledger.post(fund, on=D2, kind="advance", postings=loan("A", "300"))
    ledger.post(fund, on=D3, kind="advance", postings=loan("B", "200"))
    now = ledger.trial_balance(fund)
    assert now.balanced
    assert now.total_debit == now.total_credit == yuan("1000")
    assert now.line(R.FUND_CASH).balance == yuan("500")
    assert now.line(R.LOANS_RECEIVABLE).debit_balance == yuan("500")
    assert now.line(R.DONATION_REVENUE).credit_balance == yuan("1000")
    assert now.line(R.FUND_CASH).debit_turnover == yuan("1000")
    assert now.line(R.FUND_CASH).credit_turnover == yuan("500")
    then = ledger.trial_balance(fund, as_of=D2)
    assert then.balanced
    assert then.line(R.FUND_CASH).balance == yuan("700")
    assert then.line(R.LOANS_RECEIVABLE).balance == yuan("300")


def test_funds_keep_separate_books(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    a, b = make_fund(), make_fund()
    ledger.post(a, on=D1, kind="contribution", postings=contribution("10"))
    ledger.post(b, on=D1, kind="contribution", postings=contribution("20"))
    assert ledger.balance(a, R.FUND_CASH) == yuan("10")
    assert ledger.balance(b, R.FUND_CASH) == yuan("20")
    assert [e.seq for e in ledger.entries(b)] == [1]


def test_government_chart(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund(chart="gov")
    entry = ledger.post(
        fund, on=D1, kind="contribution", postings=[(R.FUND_CASH, yuan("5")), (R.GRANT_REVENUE, -yuan("5"))]
    )
    assert [line.account_code for line in entry.lines] == ["1002", "4001"]
    assert ledger.trial_balance(fund).line(R.GRANT_REVENUE).name_zh == "财政拨款收入"


def test_reversal_cancels_its_entry_once(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    ledger.post(fund, on=D1, kind="contribution", postings=contribution("1000"))
    wrong = ledger.post(fund, on=D2, kind="advance", postings=loan("L-9", "400"))
    reversal = ledger.reverse(fund, wrong, on=D3)
    assert reversal.reverses == wrong.seq
    assert [line.amount for line in reversal.lines] == [-line.amount for line in wrong.lines]
    assert [line.account_code for line in reversal.lines] == [line.account_code for line in wrong.lines]
    assert ledger.balance(fund, R.LOANS_RECEIVABLE, sub="L-9") == yuan("0")
    assert ledger.balance(fund, R.FUND_CASH) == yuan("1000")
    assert ledger.balance(fund, R.FUND_CASH, as_of=D2) == yuan("600")
    before = snapshot(ledger.engine)  # type: ignore[arg-type]
    with pytest.raises(AlreadyReversed) as twice:
        ledger.reverse(fund, wrong.seq, on=D3)
    assert (twice.value.seq, twice.value.by_seq) == (wrong.seq, reversal.seq)
    with pytest.raises(AlreadyReversed) as of_reversal:
        ledger.reverse(fund, reversal, on=D3)
    assert of_reversal.value.by_seq is None
    assert snapshot(ledger.engine) == before  # type: ignore[arg-type]


def test_reversal_refusals_write_nothing(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    entry = ledger.post(fund, on=D2, kind="contribution", postings=contribution("1"))
    before = snapshot(ledger.engine)  # type: ignore[arg-type]
    with pytest.raises(InvalidDate) as early:
        ledger.reverse(fund, entry, on=D1)
    assert early.value.value == D1
    with pytest.raises(UnknownEntry) as missing:
        ledger.reverse(fund, 99, on=D3)
    assert missing.value.key == (fund.id, 99)
    assert snapshot(ledger.engine) == before  # type: ignore[arg-type]


def test_idempotent_retry_returns_the_first_entry_and_writes_nothing(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund()
    first = ledger.post(
        fund, on=D1, kind="repayment", postings=contribution("12.34"), idempotency_key="RCPT-001"
    )
    before = snapshot(ledger.engine)  # type: ignore[arg-type]
    again = ledger.post(
        fund, on=D1, kind="repayment", postings=contribution("12.34"), idempotency_key="RCPT-001"
    )
    assert again == first
    assert snapshot(ledger.engine) == before  # type: ignore[arg-type]
    with pytest.raises(IdempotencyConflict) as conflict:
        ledger.post(fund, on=D1, kind="repayment", postings=contribution("12.35"), idempotency_key="RCPT-001")
    assert (conflict.value.key, conflict.value.existing_seq) == ("RCPT-001", first.seq)
    assert snapshot(ledger.engine) == before  # type: ignore[arg-type]
    # the key is per fund: another fund may use it
    other = make_fund()
    assert (
        ledger.post(
            other, on=D1, kind="repayment", postings=contribution("1"), idempotency_key="RCPT-001"
        ).seq
        == 1
    )


def test_idempotent_reversal(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    entry = ledger.post(fund, on=D1, kind="contribution", postings=contribution("3"))
    reversal = ledger.reverse(fund, entry, on=D2, idempotency_key="undo-1")
    assert ledger.reverse(fund, entry, on=D2, idempotency_key="undo-1") == reversal
    with pytest.raises(IdempotencyConflict):
        ledger.reverse(fund, entry, on=D3, idempotency_key="undo-1")


def test_bulk_post_is_all_or_nothing(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    ledger.close_period(fund, through=D1)
    good = Entry(D2, "contribution", tuple(Posting(a, m) for a, m in contribution("5")))
    late = Entry(D1, "contribution", tuple(Posting(a, m) for a, m in contribution("6")))
    before = snapshot(ledger.engine)  # type: ignore[arg-type]
    with pytest.raises(PeriodClosed):
        ledger.post_entries(fund, [good, good, late])
    assert snapshot(ledger.engine) == before  # type: ignore[arg-type]
    posted = ledger.post_entries(fund, [good] * 100)
    assert [p.seq for p in posted] == list(range(1, 101))
    assert ledger.balance(fund, R.FUND_CASH) == yuan("500")
    assert ledger.verify(fund).entries_checked == 100
    assert ledger.check() == []


def test_close_period(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    closed = ledger.close_period(fund, through=D1)
    assert closed.closed_through == D1
    before = snapshot(ledger.engine)  # type: ignore[arg-type]
    for day in (D1, date(2015, 6, 1)):
        with pytest.raises(PeriodClosed) as info:
            ledger.post(fund, on=day, kind="contribution", postings=contribution("1"))
        assert (info.value.value_date, info.value.closed_through) == (day, D1)
    with pytest.raises(InvalidDate):
        ledger.close_period(fund, through=date(2015, 12, 1))
    assert snapshot(ledger.engine) == before  # type: ignore[arg-type]
    assert ledger.post(fund, on=D2, kind="contribution", postings=contribution("1")).seq == 1


def _refusals(
    fund: Fund, other_account: Any
) -> list[tuple[type[Exception], Callable[[Ledger], object], object]]:
    """(error type, the refused call, the value the error must carry)."""
    return [
        (
            UnbalancedEntry,
            lambda lg: lg.post(
                fund, on=D1, kind="x", postings=[(R.FUND_CASH, yuan("1")), (R.DONATION_REVENUE, -yuan("2"))]
            ),
            -100,
        ),
        (
            UnbalancedEntry,
            lambda lg: lg.post(fund, on=D1, kind="x", postings=[(R.FUND_CASH, yuan("0.01"))]),
            1,
        ),
        (
            InvalidAmount,
            lambda lg: lg.post(
                fund, on=D1, kind="x", postings=[(R.FUND_CASH, fen(0)), (R.DONATION_REVENUE, fen(0))]
            ),
            fen(0),
        ),
        (
            MoneyTypeError,
            lambda lg: lg.post(
                fund, on=D1, kind="x", postings=[(R.FUND_CASH, 1.5), (R.DONATION_REVENUE, -1.5)]
            ),
            1.5,
        ),
        (
            UnknownFund,
            lambda lg: lg.post("NO-SUCH-FUND", on=D1, kind="x", postings=contribution("1")),
            "NO-SUCH-FUND",
        ),
        (
            UnknownAccount,
            lambda lg: lg.post(
                fund, on=D1, kind="x", postings=[("petty_cash", yuan("1")), (R.FUND_CASH, -yuan("1"))]
            ),
            "petty_cash",
        ),
        (
            UnknownAccount,
            lambda lg: lg.post(
                fund, on=D1, kind="x", postings=[(R.LOANS_RECEIVABLE, yuan("1")), (R.FUND_CASH, -yuan("1"))]
            ),
            "loans_receivable",
        ),
        (
            AccountFundMismatch,
            lambda lg: lg.post(
                fund, on=D1, kind="x", postings=[(other_account, yuan("1")), (R.DONATION_REVENUE, -yuan("1"))]
            ),
            other_account.code,
        ),
    ]


def test_every_refusal_is_typed_carries_its_value_and_writes_nothing(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund, other = make_fund(), make_fund()
    ledger.post(fund, on=D1, kind="contribution", postings=contribution("1"))
    other_cash = ledger.account(other, R.FUND_CASH)
    before = snapshot(ledger.engine)  # type: ignore[arg-type]
    for error, call, value in _refusals(fund, other_cash):
        with pytest.raises(error) as info:
            call(ledger)
        carried = {
            UnbalancedEntry: lambda e: e.total_fen if e.postings > 1 else e.postings,
            InvalidAmount: lambda e: e.value,
            MoneyTypeError: lambda e: e.value,
            UnknownFund: lambda e: e.key,
            UnknownAccount: lambda e: e.key,
            AccountFundMismatch: lambda e: e.account_code,
        }[error](info.value)
        assert carried == value, (error, info.value)
        assert str(value) in str(info.value) or error is UnbalancedEntry
        assert snapshot(ledger.engine) == before  # type: ignore[arg-type]


def test_out_of_range_amount_is_refused(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    with pytest.raises(AmountOutOfRange):
        ledger.post(
            fund, on=D1, kind="x", postings=[(R.FUND_CASH, fen(2**63)), (R.DONATION_REVENUE, -fen(2**63))]
        )
    # the largest amount a BIGINT holds round-trips through the database
    big = fen(2**63 - 1)
    ledger.post(fund, on=D1, kind="x", postings=[(R.FUND_CASH, big), (R.DONATION_REVENUE, -big)])
    assert ledger.balance(fund, R.FUND_CASH) == big
    with pytest.raises(AmountOutOfRange):
        # a balance that would leave the 64-bit range is refused too, and nothing is written
        ledger.post(fund, on=D1, kind="x", postings=[(R.FUND_CASH, fen(1)), (R.DONATION_REVENUE, -fen(1))])
    assert ledger.balance(fund, R.FUND_CASH) == big


def test_orgs_and_funds(ledger: Ledger) -> None:
    province = ledger.create_org("HB", "河北省", OrgLevel.PROVINCE)
    city = ledger.create_org("HB-CD", "承德市", OrgLevel.CITY, parent=province)
    county = ledger.create_org("HB-CD-FN", "丰宁县", OrgLevel.COUNTY, parent="HB-CD")
    other = ledger.create_org("FJ", "福建省", OrgLevel.PROVINCE)
    f1 = ledger.create_fund("FN-1", "丰宁幸福工程", org=county)
    ledger.create_fund("FJ-1", "福建幸福工程", org=other)
    assert [o.code for o in ledger.subtree(province)] == ["HB", "HB-CD", "HB-CD-FN"]
    assert [f.code for f in ledger.funds(org=city)] == ["FN-1"]
    assert ledger.fund("FN-1") == f1 == ledger.fund(f1.id)
    with pytest.raises(InvalidOrgTree):
        ledger.create_org("X", "倒挂", OrgLevel.CITY, parent=county)
    with pytest.raises(DuplicateCode) as dup:
        ledger.create_fund("FN-1", "again", org=county)
    assert dup.value.key == "FN-1"  # the duplicate; `.code` is the refusal's stable code
    assert dup.value.code == "duplicate_code"
    with pytest.raises(DuplicateCode):
        ledger.create_org("HB", "again", OrgLevel.PROVINCE)


def test_rebuilding_balances_changes_nothing(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund()
    ledger.post(fund, on=D1, kind="contribution", postings=contribution("10"))
    ledger.post(fund, on=D2, kind="advance", postings=loan("Z", "3"))
    before = snapshot(ledger.engine)  # type: ignore[arg-type]
    assert ledger.rebuild_balances(fund) == {}
    assert snapshot(ledger.engine) == before  # type: ignore[arg-type]
