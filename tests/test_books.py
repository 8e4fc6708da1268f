"""Books a finance officer signs (issue 11), over random operations, closes and corrections.

One property drives the real operations — contributions, interest-bearing loans paid out and repaid,
grants, provisions, write-offs — with month-end and year-end closes (``close_period``) between them, and
voids of the last receipt of a loan. After every close, every revenue and expense account is zero at the
close's date and the 资产负债表 balances (assets = liabilities + net assets); at the end the 业务活动表's change
in net assets equals the 资产负债表's, the 现金流量表's cash change equals 货币资金's, and ``check()`` finds
nothing — a void included.
"""

from __future__ import annotations

import contextlib
import itertools
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from revolve import AccountRole, Ledger, LoanStatus, LoanTerms, OrgLevel, Policy, RepaymentMethod, yuan
from revolve.chart import AccountKind
from revolve.errors import InsufficientFunds, PolicyViolation, VoidRefused
from revolve.money import Money
from revolve.reports.financial import build_activity_statement, build_balance_sheet, build_cash_flow
from revolve.reports.model import Report, Term

R = AccountRole
D = date
START = D(2016, 1, 1)
# repayments and voids weigh more: they need a loan paid out before them
OPS = ("donation", "lend", "lend", "repay", "repay", "repay", "grant", "provide", "write_off", "void", "void")
operation = st.tuples(st.sampled_from(OPS), st.integers(0, 700), st.integers(100_00, 20_000_00))
ID = ("11010519491231002X", "110105198001010016", "110105197506060022")


def _rows(report: Report, section: str) -> dict[str, tuple[object, ...]]:
    table = report.section(section).table
    assert table is not None
    return {row[0].key: row[1:] for row in table.rows if isinstance(row[0], Term)}


def _net_assets(sheet: dict[str, tuple[object, ...]], column: int) -> Money:
    value = sheet["bs_total_net_assets"][column]
    assert isinstance(value, Money)
    return value


def _month_end(day: date) -> date:
    return day + relativedelta(day=31)


def test_closes_and_voids_keep_the_books_signable(ledger: Ledger, backend: str) -> None:
    county = ledger.create_org("C", "测试县", OrgLevel.COUNTY)
    codes = itertools.count(1)

    @settings(
        max_examples=int(40 * EXAMPLES[backend]),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        ops=st.lists(operation, min_size=1, max_size=20),
        closes=st.lists(st.integers(0, 23), max_size=3, unique=True),  # month-ends of 2016–2017
    )
    def run(ops: list[tuple[str, int, int]], closes: list[int]) -> None:
        fund = ledger.create_fund(f"F{next(codes)}", "测试基金", org=county).code
        for n, national_id in enumerate(ID):
            ledger.register_household(
                fund, code=f"H{n}", mother_name="王秀英", national_id=national_id, registered_on=START
            )
        ledger.open_batch(fund, code="B", on=START)
        ledger.contribute(fund, amount=yuan("100000"), on=START, receipt="D-0")  # capital to lend from
        ledger.set_policy(
            fund, Policy(START, Money(1), yuan("100000"), 1, 60, 50, 50, guarantee_required=False)
        )
        first = LoanTerms(
            principal=yuan("6000"),
            start=START,
            term=6,
            method=RepaymentMethod.EQUAL_PRINCIPAL,
            rate=Decimal("0.06"),
        )
        ledger.disburse(
            fund, number="L-first", household="H2", batch="B", terms=first
        )  # one to repay at once
        # the year-end close of every year up to the last month closed, and of every year before the last
        # operation's: a year's statements need the one before closed
        months = sorted({_month_end(START + relativedelta(months=m)) for m in closes})
        last_year = max([(START + timedelta(days=day)).year for _, day, _ in ops] + [m.year for m in months])
        ends = sorted(
            set(months)
            | {D(y, 12, 31) for y in range(START.year, last_year)}
            | ({D(months[-1].year, 12, 31)} if months else set())
        )
        events = sorted(
            [(START + timedelta(days=day), 0, op, fen) for op, day, fen in ops]
            + [(d, 1, "close", 0) for d in ends]
        )
        closed: date | None = None
        receipts: dict[str, str] = {}  # loan → its last receipt
        for n, (on, _, op, fen) in enumerate(events):
            if closed is not None and on <= closed:
                continue  # the period is locked: nothing is dated in it any more
            amount = Money(fen)
            event(op)
            active = [
                ln for ln in ledger.loans(fund) if ln.status is LoanStatus.ACTIVE and ln.disbursed_on <= on
            ]
            if op == "donation":
                ledger.contribute(fund, amount=amount, on=on, receipt=f"D{n}")
            elif op == "lend" and amount <= ledger.available(fund):
                terms = LoanTerms(
                    principal=amount,
                    start=on,
                    term=6,
                    method=RepaymentMethod.EQUAL_PRINCIPAL,
                    rate=Decimal("0.06"),
                )
                with contextlib.suppress(InsufficientFunds, PolicyViolation):  # cash later on, the limits
                    ledger.disburse(fund, number=f"L{n}", household=f"H{n % 3}", batch="B", terms=terms)
            elif op == "repay" and active:
                loan = active[0]
                due = sum(d.total.fen for d in ledger.schedule(fund, loan)) - loan.paid_in_version.fen
                pay = Money(min(fen, due))
                if pay.fen > 0:
                    ledger.repay(fund, loan, amount=pay, on=on, receipt=f"R{n}")
                    receipts[loan.number] = f"R{n}"
            elif op == "grant" and amount <= ledger.available(fund):
                with contextlib.suppress(InsufficientFunds):  # cash paid out on a later date
                    ledger.grant(fund, "H0", amount=amount, on=on)
            elif op == "provide":
                ledger.provide(fund, amount=amount, on=on)
            elif op == "write_off" and active:
                ledger.write_off(fund, active[-1], on=on, approval_ref=f"批{n}", reason="无力偿还")
            elif op == "void" and receipts:
                _, receipt = receipts.popitem()
                with contextlib.suppress(VoidRefused):  # a write-off since, or its cash paid out since
                    ledger.void_receipt(fund, receipt, on=on, reason="录入错误", approved_by="会计")
            elif op == "close":
                ledger.close_period(fund, through=on)
                closed = on
                tb = ledger.trial_balance(fund, as_of=on)
                assert all(
                    line.balance.is_zero()
                    for line in tb.lines
                    if line.kind in (AccountKind.REVENUE, AccountKind.EXPENSE)
                ), [(line.role, line.balance) for line in tb.lines if not line.balance.is_zero()]
                sheet = _rows(build_balance_sheet(ledger, fund, as_of=on), "balance_sheet")
                assert sheet["bs_total_assets"][1] == sheet["bs_total_liabilities_and_net_assets"][1]
        last = max(on for on, *_ in events)
        year_start = D(last.year, 1, 1)
        activity = _rows(build_activity_statement(ledger, fund, start=year_start, end=last), "activity")
        sheet = _rows(build_balance_sheet(ledger, fund, as_of=last), "balance_sheet")
        # 本期数 here is the year to date: the change in net assets equals the 资产负债表's, 年初 to 期末
        assert activity["ac_change_in_net_assets"][2] == _net_assets(sheet, 1) - _net_assets(sheet, 0)
        assert sheet["bs_total_assets"][1] == sheet["bs_total_liabilities_and_net_assets"][1]
        flows = build_cash_flow(ledger, fund, start=year_start, end=last)
        net = _rows(flows, "cash_flow")["cf_net_increase"][0]
        assert net == sheet["bs_cash"][1] - sheet["bs_cash"][0]  # type: ignore[operator]
        assert ledger.check(fund) == []

    run()
