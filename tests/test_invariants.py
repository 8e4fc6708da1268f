"""The invariants judged from figures alone, with no database: books that hold give no violation, and
breaking one figure gives exactly the violation that names it."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revolve.invariants import (
    AccountTotal,
    DayTotal,
    EntryTotal,
    InstallmentDue,
    LoanFigures,
    ScheduleTotal,
    TransferBalance,
    Violation,
    cash_never_negative,
    loan_conservation,
    schedule_dates_increase,
    schedules_sum_to_principal,
    stored_balances_match,
    transfers_net_to_zero,
    trial_balance_zero,
    unbalanced_entries,
)

FEN = st.integers(min_value=1, max_value=10**10)
START = date(2016, 1, 1)


@st.composite
def conserving_loans(draw: st.DrawFn, *, open_only: bool = False) -> LoanFigures:
    """A loan whose principal is conserved: repaid + written off + outstanding, outstanding held by its
    receivable, its repayments carried by its receipts, and nothing owed if it is closed."""
    principal = draw(FEN)
    repaid = draw(st.integers(min_value=0, max_value=principal))
    written_off = draw(st.integers(min_value=0, max_value=principal - repaid))
    outstanding = principal - repaid - written_off
    closed = False if open_only else outstanding == 0 and draw(st.booleans())
    return LoanFigures(
        fund_id=draw(st.integers(min_value=1, max_value=5)),
        loan_id=draw(st.integers(min_value=1, max_value=10**6)),
        number=f"L-{draw(st.integers(min_value=1, max_value=999)):03d}",
        closed=closed,
        principal=principal,
        repaid=repaid,
        written_off=written_off,
        receipts_repaid=repaid,
        receivable=outstanding,
    )


def _codes(violations: list[Violation]) -> list[str]:
    return [v.code for v in violations]


# ---- item 2: per-loan conservation ------------------------------------------------------------
@given(st.lists(conserving_loans(), max_size=8))
def test_conserving_loans_give_no_violation(loans: list[LoanFigures]) -> None:
    assert loan_conservation(loans) == []


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("receivable", "loan_subledger_differs"),
        ("receipts_repaid", "loan_receipts_differ"),
        ("principal", "loan_subledger_differs"),
    ],
)
@given(loan=conserving_loans(), change=FEN)
def test_raising_one_figure_gives_exactly_its_violation(
    field: str, code: str, loan: LoanFigures, change: int
) -> None:
    broken = dataclasses.replace(loan, **{field: getattr(loan, field) + change})
    violations = loan_conservation([broken])
    # a closed loan owes nothing, so raising its principal also leaves it owing
    owing = ["closed_loan_outstanding"] if loan.closed and field == "principal" else []
    assert _codes(violations) == [code, *owing]
    assert all(v.fund_id == loan.fund_id and v.subject == f"loan {loan.number}" for v in violations)


@given(loan=conserving_loans(open_only=True))
def test_writing_off_more_than_recorded_leaves_the_receivable_differing(loan: LoanFigures) -> None:
    if loan.outstanding == 0:
        return
    broken = dataclasses.replace(loan, written_off=loan.written_off + 1)
    assert _codes(loan_conservation([broken])) == ["loan_subledger_differs"]


@given(loan=conserving_loans(open_only=True))
def test_closing_a_loan_that_still_owes_is_reported(loan: LoanFigures) -> None:
    violations = loan_conservation([dataclasses.replace(loan, closed=True)])
    assert _codes(violations) == ([] if loan.outstanding == 0 else ["closed_loan_outstanding"])


@given(loan=conserving_loans(open_only=True), excess=FEN)
def test_repaying_more_than_the_principal_is_negative_outstanding(loan: LoanFigures, excess: int) -> None:
    repaid = loan.principal - loan.written_off + excess
    broken = dataclasses.replace(loan, repaid=repaid, receipts_repaid=repaid)
    assert _codes(loan_conservation([broken])) == ["loan_outstanding_negative", "loan_subledger_differs"]


def test_a_loan_violation_names_its_figures() -> None:
    loan = LoanFigures(1, 7, "FN-2016-001", False, 1_000_000, 500_011, 0, 499_998, 500_002)
    assert [str(v) for v in loan_conservation([loan])] == [
        "[loan_subledger_differs] fund 1, loan FN-2016-001: principal 1000000 − repaid 500011 − written off 0 "
        "= 499989 fen, but its receivable holds 500002 fen",
        "[loan_receipts_differ] fund 1, loan FN-2016-001: receipts repay 499998 fen of principal, "
        "the loan records 500011",
    ]


# ---- item 3: cash never negative --------------------------------------------------------------
@given(
    st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=20),
    st.data(),
)
def test_cash_is_reported_on_the_first_date_it_dips_below_zero(
    inflows: list[int], data: st.DataObject
) -> None:
    dip = data.draw(st.integers(min_value=0, max_value=len(inflows) - 1), label="dip")
    movements = list(inflows)
    before = sum(movements[:dip])
    movements[dip] = -(before + data.draw(FEN, label="shortfall"))
    after = data.draw(st.lists(st.integers(min_value=-(10**8), max_value=10**8), max_size=5), label="after")
    days = [DayTotal(3, START + timedelta(days=i), m) for i, m in enumerate(movements + after)]
    shuffled = data.draw(st.permutations(days), label="order")
    assert cash_never_negative(shuffled) == [
        Violation(
            "cash_negative",
            3,
            f"date {days[dip].on.isoformat()}",
            f"cash stands at {before + movements[dip]} fen",
        )
    ]


@given(
    st.lists(st.integers(min_value=0, max_value=10**8), max_size=20), st.integers(min_value=1, max_value=4)
)
def test_cash_that_never_dips_gives_no_violation(inflows: list[int], funds: int) -> None:
    days = [
        DayTotal(f, START + timedelta(days=i), m) for f in range(1, funds + 1) for i, m in enumerate(inflows)
    ]
    assert cash_never_negative(days) == []


# ---- item 1 and 5: the journal ----------------------------------------------------------------
@given(
    st.lists(st.tuples(st.integers(min_value=2, max_value=9), st.integers(-5, 5)), min_size=1, max_size=20)
)
def test_only_entries_off_zero_or_with_one_posting_are_unbalanced(entries: list[tuple[int, int]]) -> None:
    totals = [EntryTotal(1, seq, n, total) for seq, (n, total) in enumerate(entries, start=1)]
    assert [v.subject for v in unbalanced_entries(totals)] == [
        f"entry {t.seq}" for t in totals if t.total != 0
    ]
    assert _codes(unbalanced_entries([EntryTotal(1, 1, 1, 0)])) == ["unbalanced_entry"]


@given(st.lists(st.integers(-3, 3), min_size=1, max_size=20))
def test_a_date_whose_postings_do_not_net_breaks_the_trial_balance(totals: list[int]) -> None:
    days = [DayTotal(2, START + timedelta(days=i), t) for i, t in enumerate(totals)]
    assert [v.subject for v in trial_balance_zero(days)] == [
        f"date {d.on.isoformat()}" for d in days if d.total != 0
    ]


@given(st.lists(st.tuples(st.integers(-(10**6), 10**6), st.integers(-3, 3)), max_size=20))
def test_only_accounts_whose_stored_balance_moved_differ(accounts: list[tuple[int, int]]) -> None:
    totals = [AccountTotal(1, i, f"1{i:03d}", j + drift, j) for i, (j, drift) in enumerate(accounts)]
    assert [v.subject for v in stored_balances_match(totals)] == [
        f"account {a.code}" for a in totals if a.stored != a.journal
    ]


# ---- item 4: transfers between funds ----------------------------------------------------------
@given(st.lists(FEN, min_size=1, max_size=5), st.data())
def test_transfers_net_to_zero_until_one_side_moves(amounts: list[int], data: st.DataObject) -> None:
    codes = {1: "COUNTY", 2: "TOWN"}
    balances = [TransferBalance(1, "TOWN", sum(amounts)), TransferBalance(2, "COUNTY", -sum(amounts))]
    assert transfers_net_to_zero(codes, balances) == []
    side = data.draw(st.sampled_from([0, 1]), label="side")
    drift = data.draw(st.integers(min_value=1, max_value=1000), label="drift")
    moved = [
        dataclasses.replace(b, balance=b.balance + drift) if i == side else b for i, b in enumerate(balances)
    ]
    assert transfers_net_to_zero(codes, moved) == [
        Violation(
            "transfers_do_not_net",
            f,
            "funds COUNTY and TOWN",
            f"their inter-fund balances sum to {drift} fen, not 0",
        )
        for f in (1, 2)
    ]


def test_a_counterparty_no_fund_has_is_reported_alone() -> None:
    balances = [TransferBalance(1, "TOWN", 5), TransferBalance(1, "NOPE", 7)]
    assert transfers_net_to_zero({1: "COUNTY", 2: "TOWN"}, balances) == [
        Violation("transfer_unknown_fund", 1, "counterparty NOPE", "no fund has this code")
    ]


# ---- item 6: stored schedules -----------------------------------------------------------------
@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=3, max_size=24), st.data())
def test_a_schedule_missing_an_instalment_is_short_and_skips(
    principals: list[int], data: st.DataObject
) -> None:
    whole = ScheduleTotal(1, 9, 1, sum(principals), sum(principals), 1, len(principals), len(principals))
    assert schedules_sum_to_principal([whole]) == []
    gone = data.draw(st.integers(min_value=2, max_value=len(principals) - 1), label="gone")
    short = dataclasses.replace(
        whole, scheduled=whole.scheduled - principals[gone - 1], count=whole.count - 1
    )
    expected = (
        ["schedule_gap"] if principals[gone - 1] == 0 else ["schedule_principal_differs", "schedule_gap"]
    )
    assert _codes(schedules_sum_to_principal([short])) == expected


@given(st.lists(st.integers(min_value=1, max_value=90), min_size=1, max_size=24), st.data())
def test_due_dates_must_increase_within_a_version(gaps: list[int], data: st.DataObject) -> None:
    due = START
    dues = []
    for number, gap in enumerate(gaps, start=1):
        due += timedelta(days=gap)
        dues.append(InstallmentDue(1, 4, 2, number, due))
    assert schedule_dates_increase(data.draw(st.permutations(dues), label="order")) == []
    if len(dues) < 2:
        return
    late = data.draw(st.integers(min_value=1, max_value=len(dues) - 1), label="late")
    moved = [*dues[:late], dataclasses.replace(dues[late], due=dues[late - 1].due), *dues[late + 1 :]]
    assert [v.detail for v in schedule_dates_increase(moved)] == [
        f"instalment {late + 1} is due {dues[late - 1].due.isoformat()}, not after {dues[late - 1].due.isoformat()}"
    ]
