"""Allocation (拨付) down the organisation tree versus a loan between funds (借调): issue 11, finding 6.

A county that received its capital from the city must not show a payable to the city, and its 滚动次数
(principal lent ÷ capital) must count the capital it received.
"""

from __future__ import annotations

from datetime import date

import pytest

from revolve import Ledger, OrgLevel, yuan
from revolve.chart import AccountRole
from revolve.money import Money

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
def test_finding_6_a_county_funded_by_the_city_shows_no_payable_and_counts_the_capital(ledger: Ledger) -> None:
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


def test_a_transfer_stays_a_repayable_claim(ledger: Ledger) -> None:
    city, county = _city_and_county(ledger)
    ledger.transfer(city, county, amount=yuan("30000"), on=D(2016, 2, 1))
    assert ledger.balance(county, AccountRole.DUE_TO_FUND) == yuan("-30000")
    assert ledger.figures(county).capital == Money(0)
    assert ledger.figures(city).capital == yuan("100000")
