"""The issue-13 figures on a small book, each checked against arithmetic done by hand in the comments.

A county fund F (丰宁县) with two towns: 甲镇 (villages 一村, 二村) and 乙镇 (village 三村). Capital: a donation
of 10,000, 6,000 from the county's finance received against its pledge of 8,000 (due 03-31), and 4,000
allocated by the city fund. A second pledge of 5,000 falls due on 12-31. Five loans in the first half of
2016, a write-off, a grant and three poverty assessments.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revolve import Ledger, OrgLevel, UnknownCapitalPledge, yuan
from revolve.area_figures import AreaOverdue, area_of, combine_areas
from revolve.errors import DuplicateCode, InvalidAmount, InvalidDate, InvalidEntry
from revolve.metrics import per_household
from revolve.money import Money
from revolve.orgs import Org
from revolve.policy import Policy
from revolve.ratios import Ratio
from revolve.reports.model import Report
from revolve.reports.quarterly import build_quarterly, overdue_areas, period_of, quarterly_figures
from revolve.schedule import LoanTerms, RepaymentMethod

D = date
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(n: int) -> str:
    body = f"13082719800101{n:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def _facts(report: Report, section: str) -> dict[str, object]:
    return {f.label: f.value for f in report.section(section).facts}


@pytest.fixture
def book(ledger: Ledger) -> Ledger:
    city = ledger.create_org("S", "承德市", OrgLevel.CITY)
    county = ledger.create_org("C", "丰宁县", OrgLevel.COUNTY, parent=city)
    t1 = ledger.create_org("T1", "甲镇", OrgLevel.TOWN, parent=county)
    t2 = ledger.create_org("T2", "乙镇", OrgLevel.TOWN, parent=county)
    v1 = ledger.create_org("V1", "一村", OrgLevel.VILLAGE, parent=t1)
    v2 = ledger.create_org("V2", "二村", OrgLevel.VILLAGE, parent=t1)
    v3 = ledger.create_org("V3", "三村", OrgLevel.VILLAGE, parent=t2)
    ledger.create_fund("S", "市幸福工程资金", org=city)
    ledger.create_fund("F", "县幸福工程资金", org=county)
    ledger.set_policy(
        "F",
        Policy(
            effective_from=D(2016, 1, 1),
            min_amount=yuan("100"),
            max_amount=yuan("50000"),
            min_term_months=1,
            max_term_months=36,
            max_loans_per_household=5,
            max_active_loans_per_household=2,
            guarantee_required=False,
        ),
    )
    ledger.open_batch("F", code="B1", on=D(2016, 1, 10))
    ledger.contribute("F", amount=yuan("10000"), on=D(2016, 1, 5), source="donation")
    ledger.pledge_capital("F", donor="县财政", amount=yuan("8000"), due=D(2016, 3, 31), code="P1")
    ledger.pledge_capital("F", donor="爱心企业", amount=yuan("5000"), due=D(2016, 12, 31), on=D(2016, 1, 2))
    fiscal = ledger.contribute("F", amount=yuan("6000"), on=D(2016, 2, 1), source="fiscal", donor="县财政")
    ledger.link_contribution("F", "P1", fiscal)
    ledger.contribute("S", amount=yuan("4000"), on=D(2016, 1, 3), source="fiscal")
    ledger.allocate("S", "F", amount=yuan("4000"), on=D(2016, 1, 20))
    # H1 一村 4 persons; H2 二村 3; H3 三村 5; H4 三村 size not on file; H5 甲镇 itself 2; H6 一村 2 (grant only)
    for n, org, persons in ((1, v1, 4), (2, v2, 3), (3, v3, 5), (4, v3, None), (5, t1, 2), (6, v1, 2)):
        ledger.register_household(
            "F",
            code=f"H{n}",
            mother_name=f"母亲{n}",
            national_id=_id(n),
            registered_on=D(2016, 1, 1),
            org=org.id,
            persons=persons,
        )

    def terms(amount: str, term: int, start: date, method: RepaymentMethod) -> LoanTerms:
        return LoanTerms(principal=yuan(amount), start=start, term=term, method=method)

    eq, bullet = RepaymentMethod.EQUAL_PRINCIPAL, RepaymentMethod.BULLET
    # L1 1,200 over 12 months (100 due the 15th from 02-15); repaid 02-15 and 03-15, then nothing
    ledger.disburse("F", number="L1", household="H1", batch="B1", terms=terms("1200", 12, D(2016, 1, 15), eq))
    # L2 2,000 bullet due 2017-02-01
    ledger.disburse(
        "F", number="L2", household="H2", batch="B1", terms=terms("2000", 12, D(2016, 2, 1), bullet)
    )
    # L3 600 over 3 months (200 due 05-10, 06-10, 07-10); only 05-10 repaid
    ledger.disburse("F", number="L3", household="H3", batch="B1", terms=terms("600", 3, D(2016, 4, 10), eq))
    # L4 1,000 bullet, written off on 06-20
    ledger.disburse(
        "F", number="L4", household="H4", batch="B1", terms=terms("1000", 12, D(2016, 5, 1), bullet)
    )
    # L5 500 bullet due 10-01
    ledger.disburse(
        "F", number="L5", household="H5", batch="B1", terms=terms("500", 6, D(2016, 4, 1), bullet)
    )
    ledger.repay("F", "L1", amount=yuan("100"), on=D(2016, 2, 15), receipt="R1")
    ledger.repay("F", "L1", amount=yuan("100"), on=D(2016, 3, 15), receipt="R2")
    ledger.repay("F", "L3", amount=yuan("200"), on=D(2016, 5, 10), receipt="R3")
    ledger.provide("F", amount=yuan("1000"), on=D(2016, 6, 19))
    ledger.write_off("F", "L4", on=D(2016, 6, 20), approval_ref="县协〔2016〕3号", reason="借款人失联")
    ledger.grant("F", "H6", amount=yuan("300"), on=D(2016, 3, 1))
    ledger.record_household("F", "H1", kind="poverty_exit", on=D(2016, 6, 1), exited_poverty=True)
    ledger.record_household("F", "H6", kind="poverty_exit", on=D(2016, 6, 15), exited_poverty=True)
    ledger.record_household("F", "H2", kind="poverty_exit", on=D(2016, 6, 15), exited_poverty=False)
    return ledger


def test_half_year_periods() -> None:
    assert period_of(2016, None, 1) == (D(2016, 1, 1), D(2016, 6, 30))
    assert period_of(2016, None, 2) == (D(2016, 7, 1), D(2016, 12, 31))
    with pytest.raises(InvalidDate):
        period_of(2016, None, 3)
    with pytest.raises(InvalidDate):
        period_of(2016, 1, 1)


def test_the_figures_of_the_first_half_year(book: Ledger) -> None:
    f, _ = quarterly_figures(book, fund="F", start=D(2016, 1, 1), end=D(2016, 6, 30))
    # 受益人数: helped H1–H5 (loans) and H6 (grant): 4 + 3 + 5 + (H4 none) + 2 + 2 = 16; H4 without size
    assert (f.households_helped, f.persons_helped, f.households_without_size) == (6, 16, 1)
    assert f.persons_served == 14
    # 户均借款额: 1,200 + 2,000 + 600 + 1,000 + 500 = 5,300 to 5 households = 1,060.00
    assert (f.disbursed, f.households_disbursed, f.average_loan) == (yuan("5300"), 5, yuan("1060"))
    assert f.average_loan_to_date == yuan("1060")
    # outstanding 06-30: L1 1,000 + L2 2,000 + L3 400 + L5 500 = 3,900 (L4 written off)
    # overdue: L1 (04-15 unpaid) 1,000 + L3 (06-10 unpaid) 400 = 1,400
    assert f.overdue_rate == Ratio(yuan("1400"), yuan("3900"))
    # 核销率: 1,000 written off ÷ 5,300 lent
    assert f.write_off_rate == Ratio(yuan("1000"), yuan("5300"))
    # 滚动次数: the allocation counts as capital: 10,000 + 6,000 + 4,000 = 20,000
    assert f.capital == yuan("20000")
    assert f.turnover == Ratio(yuan("5300"), yuan("20000"))
    # 资金使用率: 3,900 ÷ (20,000 − 1,000 written off − 300 grant) = 3,900 ÷ 18,700
    assert f.utilisation_rate == Ratio(yuan("3900"), yuan("18700"))
    # 资金到位率: only P1 (8,000) was due by 06-30; 6,000 received against it
    assert f.funds_in_place_rate == Ratio(yuan("6000"), yuan("8000"))
    # 脱贫率: H1 and H6 out of poverty among 6 helped; no loan closed, so the closed-loan variant is 0 ÷ 0
    assert f.poverty_exit_rate == Ratio(2, 6)
    assert f.poverty_exit_rate_closed == Ratio(0, 0)


def test_funds_in_place_caps_each_pledge_and_counts_pledges_due(book: Ledger) -> None:
    f, _ = quarterly_figures(book, fund="F", start=D(2016, 1, 1), end=D(2016, 12, 31))
    # by 12-31 both pledges are due: 8,000 + 5,000; received 6,000 (the donation is linked to none)
    assert f.funds_in_place_rate == Ratio(yuan("6000"), yuan("13000"))
    pledges = book.capital_pledges("F")
    assert [(p.code, p.received_by(D(2016, 12, 31)), p.outstanding) for p in pledges] == [
        ("P1", yuan("6000"), yuan("2000")),
        ("P2", Money(0), yuan("5000")),
    ]


def test_pledges_are_refused_with_the_reason(book: Ledger) -> None:
    with pytest.raises(DuplicateCode):
        book.pledge_capital("F", donor="x", amount=yuan("1"), due=D(2016, 1, 1), code="P1")
    with pytest.raises(InvalidAmount):
        book.pledge_capital("F", donor="x", amount=yuan("0"), due=D(2016, 1, 1))
    with pytest.raises(InvalidDate):
        book.pledge_capital("F", donor="x", amount=yuan("1"), due=D(2016, 1, 1), on=D(2016, 2, 1))
    with pytest.raises(UnknownCapitalPledge):
        book.link_contribution("F", "P9", 1)
    first = book.contribute("F", amount=yuan("1"), on=D(2016, 7, 1))
    book.link_contribution("F", "P2", first)
    with pytest.raises(InvalidEntry, match="linked"):
        book.link_contribution("F", "P1", first)
    grant = book.grant("F", "H6", amount=yuan("1"), on=D(2016, 7, 2))  # an entry, not a contribution
    with pytest.raises(InvalidEntry, match="contribution"):
        book.link_contribution("F", "P2", grant)
    with pytest.raises(InvalidEntry, match="contribution"):
        book.link_contribution("F", "P2", 10_000)  # no such entry


def test_overdue_rate_by_town_and_by_village(book: Ledger) -> None:
    end = D(2016, 6, 30)
    names = {o.id: o.name for o in book.orgs()}

    def lines(level: OrgLevel) -> dict[str | None, tuple[Money, Money]]:
        found = overdue_areas(book, end=end, level=level, fund="F")
        return {names.get(a.area_id) if a.area_id else None: (a.overdue, a.outstanding) for a in found}

    # 甲镇: H1 (一村) 1,000 overdue of 1,000, H2 (二村) 2,000, H5 (甲镇) 500 → 1,000 ÷ 3,500; 乙镇: L3 400 ÷ 400
    assert lines(OrgLevel.TOWN) == {"甲镇": (yuan("1000"), yuan("3500")), "乙镇": (yuan("400"), yuan("400"))}
    # by village H5 lives in no village: it is the line of no area
    assert lines(OrgLevel.VILLAGE) == {
        "一村": (yuan("1000"), yuan("1000")),
        "二村": (Money(0), yuan("2000")),
        "三村": (yuan("400"), yuan("400")),
        None: (Money(0), yuan("500")),
    }
    report = build_quarterly(book, org="C", year=2016, half=1)
    assert report.title == "half_year_report"
    table = report.section("overdue_by_town").table
    assert table is not None and [row[0] for row in table.rows] == ["甲镇", "乙镇"]
    assert report.rate("overdue_rate") == Ratio(yuan("1400"), yuan("3900"))


def test_the_half_year_report_shows_each_figure(book: Ledger) -> None:
    report = build_quarterly(book, fund="F", year=2016, half=1)
    assert report.period == (D(2016, 1, 1), D(2016, 6, 30))
    assert _facts(report, "overview")["persons_helped"] == 16
    disbursed = _facts(report, "disbursed")
    assert (disbursed["persons_disbursed"], disbursed["average_loan"]) == (14, yuan("1060"))
    assert _facts(report, "pledges")["funds_in_place_rate"] == Ratio(yuan("6000"), yuan("8000"))
    for key in ("utilisation_rate", "write_off_rate", "poverty_exit_rate", "poverty_exit_rate_closed"):
        report.rate(key)
    # Q2 alone: L3 600 + L4 1,000 + L5 500 = 2,100 to H3, H4, H5 (5 + 0 + 2 = 7 persons) → 700.00
    q2 = _facts(build_quarterly(book, fund="F", year=2016, quarter=2), "disbursed")
    assert (q2["persons_disbursed"], q2["average_loan"]) == (7, yuan("700"))


def test_a_later_household_count_replaces_the_earlier(book: Ledger) -> None:
    hh = book.record_household_size("F", "H1", persons=5, on=D(2016, 7, 1))
    assert (hh.persons, hh.persons_on) == (5, D(2016, 7, 1))
    with pytest.raises(InvalidDate):
        book.record_household_size("F", "H1", persons=6, on=D(2016, 6, 1))
    with pytest.raises(InvalidEntry):
        book.record_household_size("F", "H1", persons=0, on=D(2016, 8, 1))
    f, _ = quarterly_figures(book, fund="F", start=D(2016, 7, 1), end=D(2016, 9, 30))
    assert f.persons_helped == 17


def test_per_household_rounds_half_up() -> None:
    assert per_household(yuan("1000"), 3) == Money(33333)
    assert per_household(Money(5), 2) == Money(3)
    assert per_household(yuan("1"), 0) is None


_TOWNS = (1, 2)
_ORGS = [Org(1, "T1", "甲镇", OrgLevel.TOWN, None), Org(2, "T2", "乙镇", OrgLevel.TOWN, None)] + [
    Org(10 + v, f"V{v}", f"{v}村", OrgLevel.VILLAGE, _TOWNS[v % 2]) for v in range(6)
]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from([10, 11, 12, 13, 14, 15, None]), st.integers(0, 10**6), st.integers(0, 10**6)
        ),
        max_size=20,
    )
)
def test_area_lines_add_up_to_the_whole(loans: list[tuple[int | None, int, int]]) -> None:
    # each loan: (village org, overdue part, current part); villages roll up to towns and both to the fund
    village_lines = [AreaOverdue(v, Money(o), Money(o + c), 1 if o else 0) for v, o, c in loans if o + c > 0]
    by_village = combine_areas([village_lines])
    towns = area_of(_ORGS, OrgLevel.TOWN)
    by_town = combine_areas(
        [
            [AreaOverdue(towns[a.area_id] if a.area_id else None, a.overdue, a.outstanding, a.loans_overdue)]
            for a in by_village
        ]
    )
    whole = (sum(o for _, o, _ in loans), sum(o + c for _, o, c in loans))
    for lines in (by_village, by_town):
        assert (sum(a.overdue.fen for a in lines), sum(a.outstanding.fen for a in lines)) == whole
        assert len({a.area_id for a in lines}) == len(lines)


def test_by_town_and_by_village_add_up_to_the_fund_at_every_month_end(book: Ledger) -> None:
    for month in range(1, 13):
        end = D(2016, month, 28)
        f, _ = quarterly_figures(book, fund="F", start=D(2016, 1, 1), end=end)
        for level in (OrgLevel.TOWN, OrgLevel.VILLAGE):
            found = overdue_areas(book, end=end, level=level, fund="F")
            assert Money.total(a.overdue for a in found) == f.overdue_outstanding
            assert Money.total(a.outstanding for a in found) == f.outstanding
