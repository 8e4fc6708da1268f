"""The statements tie, before and after a period close: 资产负债表, 业务活动表, 现金流量表, 科目余额表, 明细账
and 记账凭证, checked against hand arithmetic and, over random operations, against each other.

Closing entries (kinds ``close.*``) and restriction releases (``restriction.release``) are posted by hand
here with ``ledger.post``, as the period close will post them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from revolve import AccountRole, Ledger, yuan
from revolve.chart import AccountKind, chart_named
from revolve.errors import UnknownAccount
from revolve.funds import Fund
from revolve.money import Money
from revolve.reports.books_print import build_account_ledger, build_trial_balance, build_vouchers
from revolve.reports.financial import build_activity_statement, build_balance_sheet, build_cash_flow
from revolve.reports.model import Report, Term
from revolve.reports.render import render
from revolve.rules import PayerKind, RepaymentSplit, disbursement_entry, repayment_entry, write_off_entry
from test_cli import ok, refused, run

R = AccountRole
D = date


def _rows(report: Report, section: str) -> dict[str, tuple[object, ...]]:
    table = report.section(section).table
    assert table is not None
    return {row[0].key: row[1:] for row in table.rows if isinstance(row[0], Term)}


def _sheet(ledger: Ledger, fund: Fund, as_of: date) -> dict[str, tuple[object, ...]]:
    return _rows(build_balance_sheet(ledger, fund, as_of=as_of), "balance_sheet")


def close_by_hand(ledger: Ledger, fund: Fund, on: date) -> None:
    """Close the fund's books through ``on`` (结账), as a clerk would."""
    ledger.close_period(fund, through=on)


@pytest.fixture
def small(ledger: Ledger, make_fund: Callable[..., Fund]) -> tuple[Ledger, Fund]:
    """A small book in 2016: 20,000 donated (restricted), 10,000 from finance, a 5,000 loan paid out and
    2,000 of it repaid with 50 interest, a 300 grant, a 5,000 provision."""
    fund = make_fund("S")
    ledger.contribute(fund, amount=yuan("20000"), on=D(2016, 1, 5), source="donation", donor="某企业")
    ledger.contribute(fund, amount=yuan("10000"), on=D(2016, 1, 6), source="fiscal")
    ledger.post_entries(
        fund,
        [
            disbursement_entry(loan="L1", amount=yuan("5000"), on=D(2016, 2, 1), memo="发放借款L1", key=None),
            repayment_entry(
                loan="L1",
                split=RepaymentSplit(yuan("2000"), yuan("50"), Money(0), Money(0)),
                on=D(2016, 8, 1),
                payer=PayerKind.BORROWER,
                receipt="R1",
                memo="L1还款",
            ),
        ],
    )
    ledger.post(
        fund,
        on=D(2016, 5, 1),
        kind="grant",
        postings=[(R.GRANT_EXPENSE, yuan("300")), (R.FUND_CASH, -yuan("300"))],
        memo="一次性帮扶",
    )
    ledger.provide(fund, amount=yuan("5000"), on=D(2016, 12, 1))
    return ledger, fund


def test_activity_statement_leaves_closing_entries_out(small: tuple[Ledger, Fund]) -> None:
    ledger, fund = small
    close_by_hand(ledger, fund, D(2016, 12, 31))
    rows = _rows(build_activity_statement(ledger, fund, start=D(2016, 1, 1), end=D(2016, 12, 31)), "activity")
    # 本期数 (非限定性, 限定性, 合计) then 本年累计数: the revenue is still there after the close
    assert rows["ac_donations"][:3] == (Money(0), yuan("20000"), yuan("20000"))
    assert rows["ac_government_grants"][:3] == (Money(0), yuan("10000"), yuan("10000"))
    assert rows["ac_other_revenue"][:3] == (yuan("50"), Money(0), yuan("50"))
    assert rows["ac_program_cost"][2] == yuan("300")
    assert rows["ac_admin_expense"][2] == yuan("5000")
    # 30,050 − 5,300 = 24,750; no release was posted
    assert rows["ac_released"][:3] == (Money(0), Money(0), Money(0))
    assert rows["ac_change_in_net_assets"] == (
        yuan("-5250"),
        yuan("30000"),
        yuan("24750"),
        yuan("-5250"),
        yuan("30000"),
        yuan("24750"),
    )
    assert "ac_direct_adjustment" not in rows


def test_balance_sheet_is_the_same_before_and_after_a_close(small: tuple[Ledger, Fund]) -> None:
    ledger, fund = small
    before = _sheet(ledger, fund, D(2016, 12, 31))
    close_by_hand(ledger, fund, D(2016, 12, 31))
    after = _sheet(ledger, fund, D(2016, 12, 31))
    assert after == before
    # a 5,000 provision is an estimate: it releases nothing from 限定性净资产 (30,000 restricted stays)
    assert after["bs_restricted"][1] == yuan("30000")
    assert after["bs_unrestricted"][1] == yuan("-5250")
    assert after["bs_total_net_assets"][1] == yuan("24750")
    # cash 30,000 − 5,000 + 2,050 − 300 = 26,750; receivable 3,000 less allowance 5,000 = −2,000
    assert after["bs_cash"][1] == yuan("26750")
    assert after["bs_receivables_net"][1] == yuan("-2000")
    assert after["bs_total_assets"][1] == after["bs_total_liabilities_and_net_assets"][1]
    # the next year opens with the closed balances: 年初数 = last year's 期末数
    next_year = _sheet(ledger, fund, D(2017, 3, 31))
    assert {k: v[0] for k, v in next_year.items()} == {k: v[1] for k, v in after.items()}


def test_release_line_is_the_posted_release(small: tuple[Ledger, Fund]) -> None:
    ledger, fund = small
    ledger.post(
        fund,
        on=D(2016, 5, 1),
        kind="restriction.release",
        postings=[(R.RESTRICTED_NET_ASSETS, yuan("300")), (R.UNRESTRICTED_NET_ASSETS, -yuan("300"))],
        memo="帮扶支出解除限制",
    )
    rows = _rows(build_activity_statement(ledger, fund, start=D(2016, 1, 1), end=D(2016, 12, 31)), "activity")
    assert rows["ac_released"][:3] == (yuan("300"), yuan("-300"), Money(0))
    assert rows["ac_change_in_net_assets"][:3] == (yuan("-4950"), yuan("29700"), yuan("24750"))
    sheet = _sheet(ledger, fund, D(2016, 12, 31))
    assert (sheet["bs_unrestricted"][1], sheet["bs_restricted"][1]) == (yuan("-4950"), yuan("29700"))


def test_direct_adjustment_keeps_the_tie(small: tuple[Ledger, Fund]) -> None:
    ledger, fund = small
    ledger.post(
        fund,
        on=D(2016, 6, 1),
        kind="adjustment",
        postings=[(R.FUND_CASH, yuan("10")), (R.UNRESTRICTED_NET_ASSETS, -yuan("10"))],
        memo="以前年度调整",
    )
    rows = _rows(build_activity_statement(ledger, fund, start=D(2016, 1, 1), end=D(2016, 12, 31)), "activity")
    assert rows["ac_direct_adjustment"][:3] == (yuan("10"), Money(0), yuan("10"))
    assert (
        rows["ac_change_in_net_assets"][2] == _sheet(ledger, fund, D(2016, 12, 31))["bs_total_net_assets"][1]
    )


def test_cash_flow_statement(small: tuple[Ledger, Fund]) -> None:
    ledger, fund = small
    close_by_hand(ledger, fund, D(2016, 12, 31))
    report = build_cash_flow(ledger, fund, start=D(2016, 1, 1), end=D(2016, 12, 31))
    lines = {k: v[0] for k, v in _rows(report, "cash_flow").items()}
    assert lines["cf_donations_received"] == yuan("20000")
    assert lines["cf_grants_received"] == yuan("10000")
    # the 2,050 repayment: 2,000 principal (其中 line) and 50 interest, both other cash of activities
    assert lines["cf_other_operating_in"] == yuan("2050")
    assert lines["cf_loans_repaid"] == yuan("2000")
    assert lines["cf_aid_paid"] == yuan("300")
    assert lines["cf_loans_paid"] == yuan("5000")
    assert lines["cf_other_operating_out"] == yuan("5000")
    assert lines["cf_operating_net"] == yuan("26750")
    assert lines["cf_net_increase"] == yuan("26750")
    assert report.fact("cf_cash_closing") == yuan("26750")
    assert report.fact("cf_cash_opening") == Money(0)


def test_trial_balance_for_a_period(small: tuple[Ledger, Fund]) -> None:
    ledger, fund = small
    close_by_hand(ledger, fund, D(2016, 12, 31))
    report = build_trial_balance(ledger, fund, start=D(2016, 7, 1), end=D(2016, 12, 31))
    table = report.section("accounts").table
    assert table is not None and table.total is not None
    by_code = {row[0]: row[2:] for row in table.rows}
    # bank: opening 24,700 debit; 2,050 in; closing 26,750
    assert by_code["1002"] == (yuan("24700"), Money(0), yuan("2050"), Money(0), yuan("26750"), Money(0))
    # donations (restricted): opening 20,000 credit; closed out by a 20,000 debit; nothing left
    assert by_code["410101"] == (Money(0), yuan("20000"), yuan("20000"), Money(0), Money(0), Money(0))
    total = table.total
    assert total[2] == total[3] and total[4] == total[5] and total[6] == total[7]


def test_account_ledger_and_vouchers(small: tuple[Ledger, Fund]) -> None:
    ledger, fund = small
    report = build_account_ledger(ledger, fund, "112201", start=D(2016, 3, 1), end=D(2016, 12, 31))
    table = report.section("account").table
    assert table is not None and table.total is not None
    opening, repaid = table.rows
    assert opening[3] == Term("opening_balance") and opening[6:] == (Term("dir_debit"), yuan("5000"))
    assert repaid[1:] == (4, "112201.L1", "L1还款", None, yuan("2000"), Term("dir_debit"), yuan("3000"))
    assert table.total[3:] == (Term("period_total"), Money(0), yuan("2000"), Term("dir_debit"), yuan("3000"))
    text = render(report, "text")
    assert "期初余额" in text and "本期合计" in text and "借" in text
    with pytest.raises(UnknownAccount):
        build_account_ledger(ledger, fund, "9999", start=D(2016, 1, 1), end=D(2016, 12, 31))
    vouchers = build_vouchers(ledger, fund, start=D(2016, 1, 1), end=D(2016, 1, 31))
    assert [s.key for s in vouchers.sections] == ["voucher_1", "voucher_2"]
    first = vouchers.sections[0].table
    assert first is not None and first.total == (Term("total"), None, yuan("20000"), yuan("20000"))
    assert "记账凭证" in render(vouchers, "text")


# ---- the property: over random operations and closes, the statements tie ---------------------------
OPS = ("donation", "fiscal", "free", "lend", "repay", "grant", "provide", "write_off", "in", "out", "back")
START = D(2016, 1, 1)
YEAR_ENDS = ((D(2016, 12, 31) - START).days,)  # the one year end inside the 730 days the plan spans
operation = st.tuples(st.sampled_from(OPS), st.integers(0, 729), st.integers(1, 500_000))
plan = st.tuples(
    st.lists(operation, min_size=1, max_size=14),
    st.lists(st.integers(0, 729), max_size=3),  # closes
    st.lists(st.integers(0, 729), max_size=2),  # releases
)


def _na(sheet: dict[str, tuple[object, ...]], column: int) -> tuple[object, object, object]:
    return (
        sheet["bs_unrestricted"][column],
        sheet["bs_restricted"][column],
        sheet["bs_total_net_assets"][column],
    )


def _check_tie(ledger: Ledger, fund: Fund, start: date, end: date) -> None:
    activity = _rows(build_activity_statement(ledger, fund, start=start, end=end), "activity")
    sheet = _sheet(ledger, fund, end)
    before = _sheet(ledger, fund, start - timedelta(days=1))
    change = activity["ac_change_in_net_assets"]
    assert "ac_direct_adjustment" not in activity  # the operations post nothing straight to net assets
    # 本年累计数 = 期末 − 年初, column by column; 本期数 = 期末 − the day before the period
    assert change[3:] == tuple(b - a for a, b in zip(_na(sheet, 0), _na(sheet, 1), strict=True))  # type: ignore[operator]
    assert change[:3] == tuple(b - a for a, b in zip(_na(before, 1), _na(sheet, 1), strict=True))  # type: ignore[operator]
    assert sheet["bs_total_assets"][1] == sheet["bs_total_liabilities_and_net_assets"][1]
    flows = build_cash_flow(ledger, fund, start=start, end=end)
    net = _rows(flows, "cash_flow")["cf_net_increase"][0]
    assert net == sheet["bs_cash"][1] - before["bs_cash"][1]  # type: ignore[operator]
    assert net == flows.fact("cf_cash_closing") - flows.fact("cf_cash_opening")  # type: ignore[operator]
    trial = build_trial_balance(ledger, fund, start=start, end=end).section("accounts").table
    assert trial is not None and trial.total is not None
    for row in trial.rows:
        o_dr, o_cr, dr, cr, c_dr, c_cr = row[2:]
        assert o_dr - o_cr + dr - cr == c_dr - c_cr  # type: ignore[operator]
    t = trial.total
    assert (t[2], t[4], t[6]) == (t[3], t[5], t[7])
    for code, role in (("1002", R.FUND_CASH), ("112201", R.LOANS_RECEIVABLE)):
        try:
            book = build_account_ledger(ledger, fund, code, start=start, end=end).section("account").table
        except UnknownAccount:
            continue
        assert book is not None and book.total is not None
        direction, amount = book.total[6], book.total[7]
        signed = -amount if direction == Term("dir_credit") else amount  # type: ignore[operator]
        assert signed == ledger.balance(fund, role, as_of=end)
        last = book.rows[-1]
        assert (last[6], last[7]) == (direction, amount)


def test_statements_tie_over_random_operations(
    ledger: Ledger, backend: str, make_fund: Callable[..., Fund]
) -> None:
    codes = itertools.count(1)
    side = make_fund("SIDE")
    ledger.contribute(side, amount=yuan("10000000"), on=D(2015, 12, 31), source="donation")

    @settings(
        max_examples=int(30 * EXAMPLES[backend]),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(plan=plan, window=st.tuples(st.integers(0, 729), st.integers(0, 729)))
    def run(plan: tuple[list[tuple[str, int, int]], list[int], list[int]], window: tuple[int, int]) -> None:
        ops, closes, releases = plan
        fund = make_fund(f"P{next(codes)}")
        cash = allowance = 0
        loans: dict[str, int] = {}
        events = sorted(
            [(day, 0, op, fen) for op, day, fen in ops]
            + [(day, 1, "release", 0) for day in releases]
            + [(day, 2, "close", 0) for day in closes]
            # each year's statements need the year before closed (close_period's year-end rule)
            + [(day, 2, "close", 0) for day in YEAR_ENDS]
        )
        for n, (day, _, op, fen) in enumerate(events):
            on = START + timedelta(days=day)
            amount = Money(fen)
            if op in ("donation", "fiscal", "free"):
                source = "fiscal" if op == "fiscal" else "donation"
                ledger.contribute(fund, amount=amount, on=on, source=source, restricted=op != "free")
                cash += fen
            elif op == "lend" and fen <= cash:
                ledger.post_entries(
                    fund, [disbursement_entry(loan=f"L{n}", amount=amount, on=on, memo="", key=None)]
                )
                loans[f"L{n}"] = fen
                cash -= fen
            elif op == "repay" and any(loans.values()):
                loan, owed = next((k, v) for k, v in loans.items() if v)
                part = min(owed, fen)
                split = RepaymentSplit(Money(part), Money(fen % 997), Money(fen % 13), Money(0))
                entry = repayment_entry(
                    loan=loan,
                    split=split,
                    on=on,
                    payer=PayerKind.BORROWER,
                    receipt=f"{fund.code}-{n}",
                    memo="",
                )
                ledger.post_entries(fund, [entry])
                loans[loan] -= part
                cash += split.total.fen
            elif op == "grant" and fen <= cash:
                ledger.post(
                    fund, on=on, kind="grant", postings=[(R.GRANT_EXPENSE, amount), (R.FUND_CASH, -amount)]
                )
                cash -= fen
            elif op == "provide":
                ledger.provide(fund, amount=amount, on=on)
                allowance += fen
            elif op == "write_off" and any(loans.values()):
                loan, owed = next((k, v) for k, v in loans.items() if v)
                entry = write_off_entry(loan=loan, amount=Money(owed), on=on, memo="")
                ledger.post_entries(fund, [entry])
                allowance -= owed  # wholly against the allowance, which may go into debit
                loans[loan] = 0
            elif op == "in":
                ledger.transfer(side, fund, amount=amount, on=on)
                cash += fen
            elif op == "out" and fen <= cash:
                ledger.transfer(fund, side, amount=amount, on=on)
                cash -= fen
            elif op == "back" and fen <= cash:
                ledger.return_to_finance(fund, amount=amount, on=on, reference=f"R{n}")
                cash -= fen
            elif op == "release":
                restricted = (
                    -ledger.balance(fund, R.RESTRICTED_NET_ASSETS, as_of=on).fen
                    - ledger.balance(fund, R.DONATION_REVENUE, as_of=on).fen
                    - ledger.balance(fund, R.GRANT_REVENUE, as_of=on).fen
                )
                if restricted > 0:
                    part = Money(max(1, restricted // 2))
                    ledger.post(
                        fund,
                        on=on,
                        kind="restriction.release",
                        postings=[(R.RESTRICTED_NET_ASSETS, part), (R.UNRESTRICTED_NET_ASSETS, -part)],
                    )
            elif op == "close":
                sheet = _sheet(ledger, fund, on)
                year = build_activity_statement(ledger, fund, start=D(on.year, 1, 1), end=on)
                close_by_hand(ledger, fund, on)
                assert _sheet(ledger, fund, on) == sheet  # a close changes no line of the balance sheet
                # nor of the 业务活动表: closing entries are not activity
                assert build_activity_statement(ledger, fund, start=D(on.year, 1, 1), end=on) == year
                tb = ledger.trial_balance(fund, as_of=on)
                assert all(
                    line.balance.is_zero()
                    for line in tb.lines
                    if line.kind in (AccountKind.REVENUE, AccountKind.EXPENSE)
                )
        first, last = sorted(START + timedelta(days=d) for d in window)
        _check_tie(ledger, fund, first, last)
        _check_tie(ledger, fund, D(last.year, 1, 1), last)
        assert chart_named(fund.chart)  # the fund's chart is one revolve knows

    run()


def test_cli_report_kinds(tmp_path: Path) -> None:
    db = tmp_path / "books.db"
    d = ("--db", db)
    ok(
        run(
            "init",
            *d,
            "--org-code",
            "FN",
            "--org-name",
            "丰宁县",
            "--fund-code",
            "FN-HP",
            "--fund-name",
            "丰宁县幸福工程资金",
        )
    )
    ok(run("contribute", *d, "--fund", "FN-HP", "--amount", "300000", "--on", "2016-01-05"))
    period = ("--fund", "FN-HP", "--from", "2016-01-01", "--to", "2016-12-31", *d)
    outputs = {
        kind: ok(run("report", kind, *period, *extra)).out
        for kind, extra in (
            ("cash-flow", ()),
            ("ledger", ("--account", "1002")),
            ("vouchers", ()),
            ("trial-balance", ()),
            ("activity", ()),
            ("balance-sheet", ()),
        )
    }
    assert "现金流量表" in outputs["cash-flow"] and "接受捐赠收到的现金" in outputs["cash-flow"]
    assert "期初余额" in outputs["ledger"] and "300,000.00" in outputs["ledger"]
    assert "记账凭证" in outputs["vouchers"]
    assert "期初借方" in outputs["trial-balance"]
    assert "本年累计数" in outputs["activity"]
    assert "年初数" in outputs["balance-sheet"]
    assert "--account" in refused(run("report", "ledger", "--fund", "FN-HP", *d))
    assert "9999" in refused(run("report", "ledger", *period, "--account", "9999"))


def test_cash_flow_classes_transfers_between_funds(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    county, town = make_fund("CTY"), make_fund("TWN")
    ledger.contribute(county, amount=yuan("9000"), on=D(2016, 1, 5), source="donation")
    ledger.contribute(town, amount=yuan("1000"), on=D(2016, 1, 5), source="donation")
    ledger.transfer(county, town, amount=yuan("4000"), on=D(2016, 2, 1))  # the town borrows 4,000
    ledger.transfer(town, county, amount=yuan("1500"), on=D(2016, 9, 1))  # and repays 1,500
    year = {"start": D(2016, 1, 1), "end": D(2016, 12, 31)}
    town_lines = {k: v[0] for k, v in _rows(build_cash_flow(ledger, town, **year), "cash_flow").items()}
    assert (town_lines["cf_borrowings_received"], town_lines["cf_borrowings_repaid"]) == (
        yuan("4000"),
        yuan("1500"),
    )
    assert town_lines["cf_financing_net"] == yuan("2500")
    county_lines = {k: v[0] for k, v in _rows(build_cash_flow(ledger, county, **year), "cash_flow").items()}
    assert county_lines["cf_other_investing_out"] == yuan("4000")
    assert county_lines["cf_other_investing_in"] == yuan("1500")
    assert county_lines["cf_net_increase"] == yuan("6500")
