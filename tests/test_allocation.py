"""Allocation (拨付) down the organisation tree versus a loan between funds (借调): issue 11, finding 6.

A county that received its capital from the city must not show a payable to the city, and its 滚动次数
(principal lent ÷ capital) must count the capital it received.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ledger_on
from revolve import (
    AllocationRefused,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidEntry,
    Ledger,
    OrgLevel,
    ReversalRefused,
    yuan,
)
from revolve.allocations import AllocationHalf, allocation_violations
from revolve.chart import AccountRole
from revolve.money import Money
from revolve.reports.financial import build_activity_statement, build_balance_sheet

D = date


def _city_and_county(ledger: Ledger) -> tuple[str, str]:
    province = ledger.create_org("HB", "河北省", OrgLevel.PROVINCE)
    city = ledger.create_org("HB-CD", "承德市", OrgLevel.CITY, parent=province)
    county = ledger.create_org("HB-FN", "丰宁县", OrgLevel.COUNTY, parent=city)
    city_fund = ledger.create_fund("CD", "承德市幸福工程资金", org=city).code
    county_fund = ledger.create_fund("FN", "丰宁县幸福工程资金", org=county).code
    ledger.contribute(city_fund, amount=yuan("100000"), on=D(2016, 1, 5), source="fiscal")
    return city_fund, county_fund


# ---- finding 6, reproduced ------------------------------------------------------------------------
def test_finding_6_a_county_funded_by_the_city_shows_no_payable_and_counts_the_capital(
    ledger: Ledger,
) -> None:
    city, county = _city_and_county(ledger)
    ledger.allocate(city, county, amount=yuan("80000"), on=D(2016, 2, 1), memo="市协会拨付丰宁县")
    # no 内部往来 payable to the city in the county's books, no claim on the county in the city's
    assert ledger.balance(county, AccountRole.DUE_TO_FUND) == Money(0)
    assert ledger.balance(city, AccountRole.DUE_FROM_FUND) == Money(0)
    # the county's capital is what it received: its 滚动次数 divides by it
    figures = ledger.figures(county)
    assert figures.capital == yuan("80000")
    assert figures.capital_by_source == {"allocated_in": yuan("80000")}
    assert figures.turnover.denominator == yuan("80000")
    # the city's capital is reduced by what it allocated out
    city_figures = ledger.figures(city)
    assert city_figures.capital == yuan("20000")
    assert city_figures.capital_by_source == {"fiscal": yuan("100000"), "allocated_out": yuan("-80000")}
    assert ledger.check() == []


def test_both_balance_sheets_balance_with_no_payable_to_the_city(ledger: Ledger) -> None:
    city, county = _city_and_county(ledger)
    ledger.allocate(city, county, amount=yuan("80000"), on=D(2016, 2, 1))
    for fund, cash in ((city, yuan("20000")), (county, yuan("80000"))):
        sheet = build_balance_sheet(ledger, fund, as_of=D(2016, 12, 31))
        lines = {row[0].key: row[2] for row in sheet.section("balance_sheet").table.rows}  # type: ignore[union-attr]
        assert lines["bs_total_assets"] == cash
        assert lines["bs_total_liabilities"] == Money(0)
        assert lines["bs_total_liabilities_and_net_assets"] == cash
    activity = build_activity_statement(ledger, city, start=D(2016, 1, 1), end=D(2016, 12, 31))
    rows = {row[0].key: row[1:] for row in activity.section("activity").table.rows}  # type: ignore[union-attr]
    assert rows["ac_program_cost"][2] == yuan("80000")  # 业务活动成本—拨付下级


def test_a_transfer_stays_a_repayable_claim(ledger: Ledger) -> None:
    city, county = _city_and_county(ledger)
    ledger.transfer(city, county, amount=yuan("30000"), on=D(2016, 2, 1))
    assert ledger.balance(county, AccountRole.DUE_TO_FUND) == yuan("-30000")
    assert ledger.figures(county).capital == Money(0)
    assert ledger.figures(city).capital == yuan("100000")


def test_the_entries_of_an_allocation_to_another_entity(ledger: Ledger) -> None:
    city, county = _city_and_county(ledger)
    out, into = ledger.allocate(city, county, amount=yuan("80000"), on=D(2016, 2, 1), source="fiscal")
    assert (out.kind, into.kind) == ("allocation.out", "allocation.in")
    assert ledger.balance(city, AccountRole.ALLOCATION_EXPENSE, sub=county) == yuan("80000")
    assert ledger.balance(city, AccountRole.FUND_CASH) == yuan("20000")
    assert ledger.balance(county, AccountRole.FUND_CASH) == yuan("80000")
    assert ledger.balance(county, AccountRole.GRANT_REVENUE) == yuan("-80000")
    assert into.idempotency_key == f"allocation.in:{city}:{out.seq}"


def test_donated_money_passed_down_is_donation_revenue(ledger: Ledger) -> None:
    city, county = _city_and_county(ledger)
    ledger.allocate(city, county, amount=yuan("5000"), on=D(2016, 2, 1), source="donation")
    assert ledger.balance(county, AccountRole.DONATION_REVENUE) == yuan("-5000")
    assert ledger.balance(county, AccountRole.GRANT_REVENUE) == Money(0)


def test_within_one_organisation_an_allocation_is_internal(ledger: Ledger) -> None:
    city, _ = _city_and_county(ledger)
    care = ledger.create_fund("CD-SY", "承德市生育关怀基金", org="HB-CD").code
    ledger.allocate(city, care, amount=yuan("5000"), on=D(2016, 2, 1))
    ledger.allocate(care, city, amount=yuan("1000"), on=D(2016, 2, 2))
    assert ledger.balance(city, AccountRole.ALLOCATION_INTERNAL, sub=care) == yuan("5000")
    assert ledger.balance(city, AccountRole.ALLOCATION_EXPENSE) == Money(0)
    assert ledger.balance(care, AccountRole.ALLOCATION_INTERNAL, sub=city) == yuan("1000")
    assert ledger.figures(care).capital == yuan("4000")
    assert ledger.check() == []


@pytest.mark.parametrize("direction", ["up", "sideways", "same"])
def test_an_allocation_up_across_or_to_itself_is_refused_and_writes_nothing(
    ledger: Ledger, direction: str
) -> None:
    city, county = _city_and_county(ledger)
    ledger.allocate(city, county, amount=yuan("10000"), on=D(2016, 2, 1))
    other = ledger.create_org("HB-WC", "围场县", OrgLevel.COUNTY, parent="HB-CD")
    peer = ledger.create_fund("WC", "围场县幸福工程资金", org=other).code
    giver, receiver = {"up": (county, city), "sideways": (county, peer), "same": (county, county)}[direction]
    before = ledger.figures(giver).cash
    with pytest.raises(AllocationRefused) as refused:
        ledger.allocate(giver, receiver, amount=yuan("100"), on=D(2016, 2, 2))
    assert refused.value.value == receiver
    assert ledger.figures(giver).cash == before


def test_an_allocation_beyond_the_cash_available_is_refused(ledger: Ledger) -> None:
    city, county = _city_and_county(ledger)
    ledger.allocate(city, county, amount=yuan("60000"), on=D(2016, 3, 1))
    # 40,000 left from 3 March: 50,000 on 1 February would leave 3 March short
    with pytest.raises(InsufficientFunds):
        ledger.allocate(city, county, amount=yuan("50000"), on=D(2016, 2, 1))
    assert ledger.figures(county).capital == yuan("60000")


def test_borrowed_cash_is_not_capital_to_allocate(ledger: Ledger) -> None:
    city, county = _city_and_county(ledger)
    care = ledger.create_fund("CD-SY", "承德市生育关怀基金", org="HB-CD").code
    ledger.transfer(city, care, amount=yuan("100"), on=D(2016, 2, 1))
    with pytest.raises(AllocationRefused) as refused:
        ledger.allocate(care, county, amount=yuan("100"), on=D(2016, 2, 2))
    assert refused.value.value == care
    assert ledger.figures(care).capital == Money(0)


def test_a_retried_allocation_changes_nothing(ledger: Ledger) -> None:
    city, county = _city_and_county(ledger)
    first = ledger.allocate(city, county, amount=yuan("60000"), on=D(2016, 2, 1), receipt="CD-2016-01")
    again = ledger.allocate(city, county, amount=yuan("60000"), on=D(2016, 2, 1), receipt="CD-2016-01")
    assert again == first
    assert ledger.figures(county).capital == yuan("60000")
    with pytest.raises(IdempotencyConflict):
        ledger.allocate(city, county, amount=yuan("1"), on=D(2016, 2, 1), receipt="CD-2016-01")


def test_an_allocation_cannot_be_reversed_on_one_side_alone(ledger: Ledger) -> None:
    city, county = _city_and_county(ledger)
    _, into = ledger.allocate(city, county, amount=yuan("100"), on=D(2016, 2, 1))
    with pytest.raises(ReversalRefused):
        ledger.reverse(county, into.seq, on=D(2016, 2, 2))


def test_a_lone_half_is_a_violation() -> None:
    codes = {1: "CD", 2: "FN"}
    out = AllocationHalf(1, 7, "allocation.out", -100, "FN")
    into = AllocationHalf(2, 3, "allocation.in", 100, "allocation.in:CD:7")
    assert allocation_violations(codes, [out, into]) == []
    assert [v.fund_id for v in allocation_violations(codes, [out])] == [1]
    assert [v.fund_id for v in allocation_violations(codes, [into])] == [2]
    short = AllocationHalf(2, 3, "allocation.in", 99, "allocation.in:CD:7")
    assert {v.fund_id for v in allocation_violations(codes, [out, short])} == {1, 2}


# ---- property: money is conserved across the tree ----------------------------------------------------
# a city association with two funds (one accounting entity) and two counties below it
_FUNDS = ("CITY", "CITY-CARE", "CTY-A", "CTY-B")
_ORG_OF = {"CITY": "C", "CITY-CARE": "C", "CTY-A": "A", "CTY-B": "B"}
_OPS = st.lists(
    st.tuples(
        st.sampled_from(["contribute", "allocate", "transfer", "return"]),
        st.sampled_from(_FUNDS),
        st.sampled_from(_FUNDS),
        st.integers(min_value=1, max_value=50_000),
    ),
    max_size=25,
)


def _allowed(giver: str, receiver: str) -> bool:
    """The tree's rule, stated independently: same org, or from the city down to a county."""
    if giver == receiver:
        return False
    return _ORG_OF[giver] == _ORG_OF[receiver] or _ORG_OF[giver] == "C"


@settings(max_examples=30)
@given(ops=_OPS)
def test_cash_is_what_came_in_less_what_went_out_and_capital_is_counted_once(
    ops: list[tuple[str, str, str, int]],
) -> None:
    with ledger_on("sqlite") as ledger:
        province = ledger.create_org("P", "省", OrgLevel.PROVINCE)
        city = ledger.create_org("C", "市", OrgLevel.CITY, parent=province)
        for code in ("A", "B"):
            ledger.create_org(code, f"县{code}", OrgLevel.COUNTY, parent=city)
        for code, org in _ORG_OF.items():
            ledger.create_fund(code, code, org=org)
        came_in = went_out = 0
        cash = dict.fromkeys(_FUNDS, 0)
        capital = dict.fromkeys(_FUNDS, 0)  # contributed, plus allocations in, less allocations out
        for k, (op, a, b, amount) in enumerate(ops):
            on = D(2016, 1, 1) + timedelta(days=k)
            enough = cash[a] >= amount
            if op == "contribute":
                ledger.contribute(a, amount=Money(amount), on=on, source="fiscal")
                came_in += amount
                cash[a] += amount
                capital[a] += amount
            elif op == "return":
                if not enough:
                    with pytest.raises(InsufficientFunds):
                        ledger.return_to_finance(a, amount=Money(amount), on=on, reference="上缴")
                    continue
                ledger.return_to_finance(a, amount=Money(amount), on=on, reference="上缴")
                went_out += amount
                cash[a] -= amount
            elif op == "allocate" and (not _allowed(a, b) or (enough and capital[a] < amount)):
                with pytest.raises(AllocationRefused):
                    ledger.allocate(a, b, amount=Money(amount), on=on)
            elif a == b or not enough:
                with pytest.raises((InsufficientFunds, InvalidEntry, AllocationRefused)):
                    getattr(ledger, op)(a, b, amount=Money(amount), on=on)
            else:
                getattr(ledger, op)(a, b, amount=Money(amount), on=on)
                cash[a] -= amount
                cash[b] += amount
                if op == "allocate":
                    capital[a] -= amount
                    capital[b] += amount
        held = {f: ledger.balance(f, AccountRole.FUND_CASH) for f in _FUNDS}
        assert held == {f: Money(c) for f, c in cash.items()}
        assert Money.total(held.values()) == Money(came_in - went_out)
        # capital, summed over the tree, is what came in from outside, counted once
        assert {f: ledger.figures(f).capital for f in _FUNDS} == {f: Money(c) for f, c in capital.items()}
        assert Money.total(ledger.figures(f).capital for f in _FUNDS) == Money(came_in)
        # transfers net to zero, allocations pair: check() finds nothing
        assert ledger.check() == []
        due = Money.total(
            ledger.balance(f, role)
            for f in _FUNDS
            for role in (AccountRole.DUE_FROM_FUND, AccountRole.DUE_TO_FUND)
        )
        assert due == Money(0)
