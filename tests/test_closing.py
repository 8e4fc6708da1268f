"""The period close (issue 11 findings 1, 2 and 7), on both backends: closing entries bring every revenue
and expense account to zero; restrictions are released by posted entries when restricted money is used,
never by a provision; interest, fees and subsidies are accrued at the close and settled when paid;
reopening is recorded; a year's statements need the year before closed. Expected figures are worked out
by hand in the comments.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BACKENDS, EXAMPLES, POSTGRES_URL, ledger_on
from revolve import AccountKind, AccountRole, Ledger, Money, OrgLevel, RestrictionPolicy, yuan
from revolve.errors import InvalidDate, InvalidEntry, PeriodClosed, RevolveError, YearEndNotClosed
from revolve.guarantees import GuarantorKind
from revolve.reports.financial import build_activity_statement, build_balance_sheet
from revolve.schedule import LoanTerms, RepaymentMethod
from revolve.subsidy import SubsidyCaps

R = AccountRole
D = date
ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"


@pytest.fixture
def county(ledger: Ledger) -> Ledger:
    """A county fund: ¥100,000 restricted donation, ¥1,000 unrestricted, two households, a batch."""
    c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "丰宁县幸福工程资金", org=c)
    ledger.contribute("FN", amount=yuan("100000"), on=D(2016, 1, 5), receipt="D-1")
    ledger.contribute("FN", amount=yuan("1000"), on=D(2016, 1, 6), restricted=False)
    for code, mother, nid in (("H1", "王秀英", ID_1), ("H2", "李桂兰", ID_2)):
        ledger.register_household(
            "FN", code=code, mother_name=mother, national_id=nid, registered_on=D(2016, 1, 1)
        )
    ledger.open_batch("FN", code="B1", on=D(2016, 3, 1))
    ledger.register_guarantor(
        "FN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan("1000000")
    )
    return ledger


def _lines(entry: Any) -> list[tuple[str, int]]:
    return [(str(line.account), line.amount.fen) for line in entry.lines]


def _by_role(ledger: Ledger, on: date) -> dict[AccountRole, tuple[AccountKind, Money]]:
    tb = ledger.trial_balance("FN", as_of=on)
    return {line.role: (line.kind, line.balance) for line in tb.lines}


def _terms(amount: str = "12000", rate: str = "0.12", fee: str = "0.03") -> LoanTerms:
    return LoanTerms(
        principal=yuan(amount),
        start=D(2016, 3, 10),
        term=12,
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        rate=Decimal(rate),
        fee_rate=Decimal(fee),
    )


def _sheet(ledger: Ledger, on: date) -> dict[str, Money]:
    report = build_balance_sheet(ledger, "FN", as_of=on)
    table = report.section("balance_sheet").table
    assert table is not None
    return {row[0].key: row[2] for row in table.rows}  # type: ignore[union-attr,misc]


# ---- finding 1: a period close posts the closing entries ------------------------------------------------
def test_finding_1_close_posts_closing_entries_and_zeroes_revenue_and_expenses(county: Ledger) -> None:
    county.grant("FN", "H1", amount=yuan("300"), on=D(2016, 6, 1))
    county.provide("FN", amount=yuan("500"), on=D(2016, 12, 31))
    county.close_period("FN", through=D(2016, 12, 31))
    balances = _by_role(county, D(2016, 12, 31))
    for role, (kind, balance) in balances.items():
        if kind in (AccountKind.REVENUE, AccountKind.EXPENSE):
            assert balance == Money(0), role
    # restricted: 100,000 donated − 300 released by the grant = 99,700 (credit)
    assert balances[R.RESTRICTED_NET_ASSETS][1] == -yuan("99700")
    # unrestricted: 1,000 donated − 300 grant − 500 provision + 300 released = 500 (credit)
    assert balances[R.UNRESTRICTED_NET_ASSETS][1] == -yuan("500")
    kinds = [e.kind for e in county.entries("FN") if e.value_date == D(2016, 12, 31)]
    assert {"close.revenue.restricted", "close.revenue", "close.expense"} <= set(kinds)
    assert all(k.startswith("close.") for k in kinds if k not in ("provision",))
    assert county.check() == []


def test_close_again_on_the_same_date_posts_nothing_and_a_later_close_only_what_happened_since(
    county: Ledger,
) -> None:
    county.close_period("FN", through=D(2016, 1, 31))
    count = len(county.entries("FN"))
    county.close_period("FN", through=D(2016, 1, 31))
    assert len(county.entries("FN")) == count
    county.contribute("FN", amount=yuan("50"), on=D(2016, 2, 3), restricted=False)
    county.close_period("FN", through=D(2016, 2, 29))
    (entry,) = county.entries("FN")[count + 1 :]
    assert entry.kind == "close.revenue"
    assert _lines(entry) == [("donation_revenue_unrestricted", 5_000), ("unrestricted_net_assets", -5_000)]
    with pytest.raises(InvalidDate):
        county.close_period("FN", through=D(2016, 1, 31))


def test_statements_agree_before_and_after_the_close(county: Ledger) -> None:
    county.grant("FN", "H1", amount=yuan("300"), on=D(2016, 6, 1))
    sheet_before = _sheet(county, D(2016, 12, 31))
    activity = build_activity_statement(county, "FN", start=D(2016, 1, 1), end=D(2016, 12, 31))
    county.close_period("FN", through=D(2016, 12, 31))
    assert _sheet(county, D(2016, 12, 31)) == sheet_before
    assert sheet_before["bs_restricted"] == yuan("99700")
    assert sheet_before["bs_unrestricted"] == yuan("1000")
    after = build_activity_statement(county, "FN", start=D(2016, 1, 1), end=D(2016, 12, 31))
    assert after.section("activity").table == activity.section("activity").table


def test_a_years_statements_need_the_year_end_close(county: Ledger) -> None:
    # the year before has entries: its statements wait for the year-end close, closed or not before
    with pytest.raises(YearEndNotClosed) as info:
        build_balance_sheet(county, "FN", as_of=D(2017, 3, 31))
    assert (info.value.fund, info.value.missing) == ("FN", D(2016, 12, 31))
    count = len(county.entries("FN"))
    with pytest.raises(YearEndNotClosed):
        build_activity_statement(county, "FN", start=D(2017, 1, 1), end=D(2017, 3, 31))
    assert len(county.entries("FN")) == count  # the refusal wrote nothing; the 2016 statements draw
    assert _sheet(county, D(2016, 12, 31))["bs_total_net_assets"] == yuan("101000")
    county.close_period("FN", through=D(2016, 11, 30))
    with pytest.raises(YearEndNotClosed) as info:
        build_balance_sheet(county, "FN", as_of=D(2017, 3, 31))
    assert info.value.missing == D(2016, 12, 31)
    with pytest.raises(YearEndNotClosed):
        build_activity_statement(county, "FN", start=D(2017, 1, 1), end=D(2017, 3, 31))
    county.close_period("FN", through=D(2016, 12, 31))
    assert _sheet(county, D(2017, 3, 31))["bs_total_net_assets"] == yuan("101000")


def test_reopening_is_recorded_and_reverses_the_closing_entries(county: Ledger) -> None:
    county.close_period("FN", through=D(2016, 1, 31))
    county.close_period("FN", through=D(2016, 2, 29))
    with pytest.raises(InvalidEntry):
        county.reopen_period("FN", through=D(2016, 1, 31), reason=" ", approved_by="张会计")
    with pytest.raises(InvalidDate):
        county.reopen_period("FN", through=D(2016, 1, 30), reason="错账", approved_by="张会计")
    fund = county.reopen_period(
        "FN", through=D(2016, 1, 31), reason="捐赠收入记错", approved_by="县协 张主任"
    )
    assert fund.closed_through is None
    (reopening,) = county.reopenings("FN")
    assert (reopening.reason, reopening.approved_by, reopening.closed_through_before) == (
        "捐赠收入记错",
        "县协 张主任",
        D(2016, 2, 29),
    )
    assert county.balance("FN", R.DONATION_REVENUE) == -yuan("100000")
    assert county.balance("FN", R.RESTRICTED_NET_ASSETS) == Money(0)
    reversal = county.entries("FN")[-1]
    assert reversal.kind == "close.reversal" and reversal.value_date == D(2016, 1, 31)
    # the period is open again: a correction can be dated in it, and it closes again
    county.contribute("FN", amount=yuan("10"), on=D(2016, 1, 20), restricted=False)
    county.close_period("FN", through=D(2016, 1, 31))
    assert county.balance("FN", R.UNRESTRICTED_NET_ASSETS) == -yuan("1010")
    with pytest.raises(PeriodClosed):
        county.contribute("FN", amount=yuan("10"), on=D(2016, 1, 20))
    assert county.check() == []


# ---- finding 2: a restriction is released by a posted entry, never by a provision --------------------------
def test_finding_2_a_provision_releases_nothing(county: Ledger) -> None:
    county.provide("FN", amount=yuan("5000"), on=D(2016, 6, 30))
    sheet = _sheet(county, D(2016, 12, 31))
    # the 5,000 provision is an unrestricted expense: restricted net assets stay at 100,000
    assert sheet["bs_restricted"] == yuan("100000")
    assert sheet["bs_unrestricted"] == yuan("1000") - yuan("5000")
    assert not [e for e in county.entries("FN") if e.kind == "restriction.release"]


def test_finding_2_a_grant_posts_the_release_on_its_date_under_the_policy(county: Ledger) -> None:
    county.grant("FN", "H1", amount=yuan("300"), on=D(2016, 6, 1))
    release = county.entries("FN")[-1]
    assert (release.kind, release.value_date) == ("restriction.release", D(2016, 6, 1))
    assert _lines(release) == [("restricted_net_assets", 30_000), ("unrestricted_net_assets", -30_000)]
    assert county.restriction_policy("FN") == RestrictionPolicy()
    county.set_restriction_policy("FN", RestrictionPolicy(on_grant=False))
    county.grant("FN", "H2", amount=yuan("200"), on=D(2016, 6, 2))
    assert county.entries("FN")[-1].kind == "grant"
    with pytest.raises(InvalidEntry):
        RestrictionPolicy(on_grant="yes")  # type: ignore[arg-type]


def test_a_release_never_exceeds_what_is_restricted(ledger: Ledger) -> None:
    org = ledger.create_org("C", "县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "基金", org=org)
    ledger.contribute("FN", amount=yuan("100"), on=D(2016, 1, 5))
    ledger.contribute("FN", amount=yuan("1000"), on=D(2016, 1, 5), restricted=False)
    ledger.register_household(
        "FN", code="H1", mother_name="王秀英", national_id=ID_1, registered_on=D(2016, 1, 1)
    )
    ledger.grant("FN", "H1", amount=yuan("300"), on=D(2016, 6, 1))
    assert _lines(ledger.entries("FN")[-1]) == [
        ("restricted_net_assets", 10_000),
        ("unrestricted_net_assets", -10_000),
    ]
    ledger.grant("FN", "H1", amount=yuan("300"), on=D(2016, 6, 2))
    assert ledger.entries("FN")[-1].kind == "grant"


# ---- finding 7: accruals ------------------------------------------------------------------------------------
def test_finding_7_interest_and_fees_are_accrued_at_the_close_and_settled_when_received(
    county: Ledger,
) -> None:
    # 12,000 at 12 % over 12 months, equal principal, 3 % fee: instalment 1 (due 2016-04-10) is
    # 1,000 principal + 120 interest (12,000 × 1 %) + 30 fee (12,000 × 3 % / 12)
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms(), guarantors=["VC"])
    county.disburse(
        "FN", number="L0", household="H2", batch="B1", terms=_terms("6000", "0", "0"), guarantors=["VC"]
    )
    county.close_period("FN", through=D(2016, 4, 30))
    # instalment 1 in full, and 20 of the 30 days of instalment 2 (04-10 → 05-10: 110 interest, 30 fee):
    # 120 + 110 × 20 / 30 = 193.33 interest, 30 + 30 × 20 / 30 = 50 fee
    accruals = {e.kind: _lines(e) for e in county.entries("FN") if e.kind.startswith("accrual.")}
    assert accruals == {
        "accrual.interest": [("accrued_interest[L1]", 19_333), ("interest_revenue", -19_333)],
        "accrual.fee": [("accrued_fee[L1]", 5_000), ("fee_revenue", -5_000)],
    }
    # the interest-free loan accrues nothing; the close then moves the revenue into net assets
    assert county.balance("FN", R.INTEREST_REVENUE) == Money(0)
    paid = county.repay("FN", "L1", amount=yuan("1150"), on=D(2016, 5, 5), receipt="R-1")
    assert (paid.interest, paid.fee, paid.principal) == (yuan("120"), yuan("30"), yuan("1000"))
    assert _lines(county.entries("FN")[-1]) == [
        ("fund_cash", 115_000),
        ("loans_receivable[L1]", -100_000),
        ("accrued_interest[L1]", -12_000),
        ("accrued_fee[L1]", -3_000),
    ]
    # instalment 2 (due 2016-05-10): 1,000 + 110 interest (11,000 × 1 %) + 30 fee; the 73.33 interest and
    # 20 fee of it accrued at the close are settled, only the rest (36.67 and 10) is revenue of May
    county.repay("FN", "L1", amount=yuan("1140"), on=D(2016, 5, 10), receipt="R-2")
    assert _lines(county.entries("FN")[-1]) == [
        ("fund_cash", 114_000),
        ("loans_receivable[L1]", -100_000),
        ("accrued_interest[L1]", -7_333),
        ("interest_revenue", -3_667),
        ("accrued_fee[L1]", -2_000),
        ("fee_revenue", -1_000),
    ]
    assert county.accrued("FN", R.ACCRUED_INTEREST) == {"L1": Money(0)}
    # at the 06-30 close: instalment 3 (due 06-10: 100 interest, 30 fee) unpaid, and 20 of the 30 days of
    # instalment 4 (90 interest, 30 fee): 100 + 60 interest and 30 + 20 fee accrued, nothing twice
    county.close_period("FN", through=D(2016, 6, 30))
    assert county.accrued("FN", R.ACCRUED_INTEREST) == {"L1": yuan("160")}
    assert county.accrued("FN", R.ACCRUED_FEE) == {"L1": yuan("50")}
    assert county.check() == []


def test_finding_7_subsidy_is_accrued_for_periods_ended_and_settled_when_paid(county: Ledger) -> None:
    terms = LoanTerms(
        principal=yuan("20000"),
        start=D(2016, 3, 1),
        term=12,
        method=RepaymentMethod.BULLET,
        rate=Decimal("0.05"),
    )
    caps = SubsidyCaps(max_principal=yuan("20000"), max_rate=Decimal("0.05"), max_days=360)
    county.register_bank_loan("FN", number="BK-1", household="H1", bank="信用社", terms=terms, caps=caps)
    (line,) = county.subsidy_due("FN", "BK-1")
    # the subsidy is incurred by days: 90 of its 360 subsidised days by 05-30 (¥1,000 × 90 / 360 = ¥250)
    county.close_period("FN", through=line.start + timedelta(days=90))
    assert county.accrued("FN", R.SUBSIDY_PAYABLE) == {"BK-1": yuan("-250")}
    county.close_period("FN", through=line.end)
    accruals = [e for e in county.entries("FN") if e.kind == "accrual.subsidy"]
    assert [_lines(e) for e in accruals] == [
        [("subsidy_payable[BK-1]", -25_000), ("subsidy_expense", 25_000)],
        [("subsidy_payable[BK-1]", -line.amount.fen + 25_000), ("subsidy_expense", line.amount.fen - 25_000)],
    ]
    paid = county.pay_subsidy("FN", "BK-1", period=1, on=line.end + timedelta(days=5))
    assert _lines(paid) == [("subsidy_payable[BK-1]", line.amount.fen), ("fund_cash", -line.amount.fen)]
    # the subsidy paid from restricted money releases as much restricted net assets
    assert county.entries("FN")[-1].kind == "restriction.release"
    assert county.accrued("FN", R.SUBSIDY_PAYABLE) == {"BK-1": Money(0)}
    assert county.check() == []


# ---- the property -------------------------------------------------------------------------------------------
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("contribute"), st.integers(1, 50_000_00), st.booleans()),
        # a contribution restricted until ``flag`` days later, an explicit release, money returned to finance
        st.tuples(st.just("timed"), st.integers(1, 50_000_00), st.integers(1, 200)),
        st.tuples(st.just("release"), st.integers(0, 0), st.just(False)),
        st.tuples(st.just("return"), st.integers(1, 20_000_00), st.just(False)),
        st.tuples(
            st.just("disburse"), st.integers(1_000_00, 12_000_00), st.sampled_from(["0", "0.06", "0.12"])
        ),
        st.tuples(st.just("repay"), st.integers(1, 2_000_00), st.just(False)),
        st.tuples(st.just("grant"), st.integers(1, 1_000_00), st.just(False)),
        st.tuples(st.just("subsidy"), st.integers(1, 3), st.just(False)),
        st.tuples(st.just("provide"), st.integers(1, 1_000_00), st.just(False)),
        st.tuples(st.just("close"), st.integers(0, 0), st.just(False)),
    ),
    min_size=1,
    max_size=14,
)


def _run(ledger: Ledger, ops: list[tuple[str, int, Any]]) -> None:
    org = ledger.create_org("C", "县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "基金", org=org)
    ledger.contribute("FN", amount=yuan("100000"), on=D(2016, 1, 2))
    ledger.register_household(
        "FN", code="H1", mother_name="王秀英", national_id=ID_1, registered_on=D(2016, 1, 1)
    )
    ledger.open_batch("FN", code="B1", on=D(2016, 1, 1))
    ledger.register_guarantor(
        "FN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan("1000000")
    )
    bank_terms = LoanTerms(
        principal=yuan("20000"), start=D(2016, 1, 1), term=12, method=RepaymentMethod.INTEREST_ONLY,
        rate=Decimal("0.06"),
    )  # fmt: skip
    ledger.register_bank_loan(
        "FN", number="BK", household="H1", bank="信用社", terms=bank_terms,
        caps=SubsidyCaps(max_principal=yuan("20000"), max_rate=Decimal("0.05"), max_days=360),
    )  # fmt: skip
    day, loans, closes = D(2016, 1, 3), 0, []
    restricted_in = [(D(2016, 1, 2), yuan("100000"))]  # the restricted contributions, by value date
    for kind, n, flag in ops:
        day += timedelta(days=17)
        try:
            if kind == "contribute":
                ledger.contribute("FN", amount=Money(n), on=day, restricted=flag)
                if flag:
                    restricted_in.append((day, Money(n)))
            elif kind == "timed":
                until = day + timedelta(days=flag)
                ledger.contribute("FN", amount=Money(n), on=day, restricted_until=until)
                restricted_in.append((day, Money(n)))
            elif kind == "release":
                ledger.release_ended_restrictions("FN", through=day)
            elif kind == "return":
                held = -Money.total(
                    ledger.balance("FN", role)
                    for role in (R.RESTRICTED_NET_ASSETS, R.DONATION_REVENUE, R.GRANT_REVENUE)
                )
                returned = ledger.return_to_finance("FN", amount=Money(n), on=day, reference="财政存量资金")
                # the money leaves restricted: as much is released, at most what was restricted
                last = ledger.entries("FN")[-1]
                if held.is_positive():
                    assert last.kind == "restriction.release" and last.value_date == day
                    assert last.lines[0].amount == min(Money(n), held)
                else:
                    assert last.seq == returned.seq
            elif kind == "disburse":
                loans += 1
                terms = LoanTerms(
                    principal=Money(n), start=day, term=6, method=RepaymentMethod.EQUAL_PRINCIPAL,
                    rate=Decimal(flag), fee_rate=Decimal("0.03") if flag != "0" else Decimal(0),
                )  # fmt: skip
                ledger.disburse(
                    "FN", number=f"L{loans}", household="H1", batch="B1", terms=terms, guarantors=["VC"]
                )
            elif kind == "repay" and loans:
                loan = ledger.loan("FN", f"L{loans}")
                amount = (
                    min(Money(n), ledger.owed("FN", loan.number)) if hasattr(ledger, "owed") else Money(n)
                )
                ledger.repay("FN", loan.number, amount=amount, on=day, receipt=f"R-{day.isoformat()}")
            elif kind == "grant":
                ledger.grant("FN", "H1", amount=Money(n), on=day)
            elif kind == "subsidy":
                ledger.pay_subsidy("FN", "BK", period=n, on=day)
            elif kind == "provide":
                ledger.provide("FN", amount=Money(n), on=day)
            elif kind == "close":
                ledger.close_period("FN", through=day)
                closes.append(day)
        except RevolveError:  # a refused operation writes nothing; the books stay consistent
            pass
    closes.append(day + timedelta(days=1))
    ledger.close_period("FN", through=closes[-1])
    releases = [e for e in ledger.entries("FN") if e.kind == "restriction.release"]
    for closed in closes:
        tb = ledger.trial_balance("FN", as_of=closed)
        # 限定性净资产 at a close: never negative, and the restricted contributions less the releases
        restricted = -Money.total(line.balance for line in tb.lines if line.role is R.RESTRICTED_NET_ASSETS)
        assert restricted >= Money(0), (closed, restricted)
        assert restricted == Money.total(a for d, a in restricted_in if d <= closed) - Money.total(
            e.lines[0].amount for e in releases if e.value_date <= closed
        )
        for line in tb.lines:
            if line.kind in (AccountKind.REVENUE, AccountKind.EXPENSE):
                assert line.balance == Money(0), (closed, line.role)
        by_kind = {k: Money(0) for k in AccountKind}
        for line in tb.lines:
            by_kind[line.kind] += line.balance
        # debit positive: assets + liabilities + net assets = 0 ⇔ assets = liabilities + net assets
        assert by_kind[AccountKind.ASSET] == -(
            by_kind[AccountKind.LIABILITY] + by_kind[AccountKind.NET_ASSETS]
        )
    # every time restriction ended by the last close was released on its end date, once
    for line in ledger.time_restrictions("FN"):
        assert (line.released_on is not None) == (line.until <= closes[-1]), line
        assert line.released_on in (None, line.until)
    assert ledger.check() == []


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_after_any_close_revenue_and_expenses_are_zero_and_the_books_balance(backend_name: str) -> None:
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")

    @settings(max_examples=max(3, int(30 * EXAMPLES[backend_name])))
    @given(ops=OPS)
    def run(ops: list[tuple[str, int, Any]]) -> None:
        with ledger_on(backend_name) as ledger:
            _run(ledger, ops)

    run()
