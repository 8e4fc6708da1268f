"""少生快富 bank loans with a passbook pledge (seed 001, issue 13): the household's passbook pledged for a
bank-lent loan is a line in the same off-book register (存折质押备查簿) as a passbook pledged for the
fund's own loan; it is released when the bank loan is repaid and applied when the household defaults on
the bank — neither posts anything: the fund's books see only the interest subsidy it pays (贴息).
"每户一年一万" is a programme cap: the principal a household borrows from the bank in one year.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from conftest import BACKENDS, EXAMPLES, POSTGRES_URL, ledger_on, snapshot
from revolve import AccountRole, Ledger, OrgLevel, Passbook, PledgeStatus, yuan
from revolve.errors import (
    BankLoanCapExceeded,
    InvalidAmount,
    InvalidDate,
    LoanStateError,
    PledgeStateError,
    PolicyViolation,
    RevolveError,
)
from revolve.households import Household, HouseholdRecord
from revolve.income import income_gain
from revolve.money import Money
from revolve.pledges import SecuredLoan
from revolve.reports import build_passbook_register
from revolve.reports.render import Format, render
from revolve.schedule import LoanTerms, RepaymentMethod
from revolve.subsidy import SubsidyCaps, check_household_year

D = date
ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"
ACCOUNT = "6227000010001234567"

CAPS = SubsidyCaps(
    max_principal=yuan("10000"),
    max_rate=Decimal("0.0435"),
    max_days=365,
    max_per_household_year=yuan("10000"),
)
"""少生快富: 1万 a household a year, the bank's one-year rate subsidised in full."""


@pytest.fixture
def county(ledger: Ledger) -> Any:
    c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "丰宁县计生协会少生快富资金", org=c)
    ledger.contribute("FN", amount=yuan("100000"), on=D(2016, 1, 5), receipt="D-1")
    ledger.register_household(
        "FN", code="H1", mother_name="王秀英", national_id=ID_1, registered_on=D(2016, 1, 1)
    )
    ledger.register_household(
        "FN", code="H2", mother_name="李桂兰", national_id=ID_2, registered_on=D(2016, 1, 1)
    )
    return ledger


def _terms(amount: str = "10000", start: date = D(2016, 3, 1)) -> LoanTerms:
    return LoanTerms(
        principal=yuan(amount), start=start, term=12, method=RepaymentMethod.BULLET, rate=Decimal("0.0435")
    )


def _passbook(amount: str = "10000") -> Passbook:
    return Passbook("中国建设银行丰宁支行", ACCOUNT, yuan(amount))


def _bank_loan(ledger: Ledger, number: str = "BK-1", household: str = "H1", **kw: Any) -> int:
    return ledger.register_bank_loan(
        "FN",
        number=number,
        household=household,
        bank="中国建设银行丰宁支行",
        terms=kw.pop("terms", _terms()),
        caps=kw.pop("caps", CAPS),
        **kw,
    )


def test_a_passbook_pledged_for_a_bank_loan_is_a_register_line_and_posts_nothing(county: Ledger) -> None:
    before = len(county.entries("FN"))
    _bank_loan(county, passbook=_passbook())
    assert len(county.entries("FN")) == before
    (line,) = county.passbook_pledges("FN")
    assert line.secures is SecuredLoan.BANK_LOAN and line.secures.label_zh == "银行贷款"
    assert (line.loan, line.loan_id, line.bank_loan_id is not None) == ("BK-1", None, True)
    assert (line.amount, line.held_from, line.status) == (yuan("10000"), D(2016, 3, 1), PledgeStatus.HELD)
    assert county.passbook_pledges("FN", bank_loan="BK-1") == [line]
    assert county.passbook_pledges("FN", held_only=True) == [line]


def test_repaying_the_bank_loan_releases_the_passbook_and_posts_nothing(county: Ledger) -> None:
    _bank_loan(county, passbook=_passbook())
    before = len(county.entries("FN"))
    with pytest.raises(InvalidDate):
        county.close_bank_loan("FN", "BK-1", on=D(2016, 2, 1))
    county.close_bank_loan("FN", "BK-1", on=D(2017, 3, 1))
    (line,) = county.passbook_pledges("FN")
    assert (line.status, line.released_on) == (PledgeStatus.RELEASED, D(2017, 3, 1))
    assert line.note.startswith("银行贷款结清")
    assert len(county.entries("FN")) == before
    with pytest.raises(LoanStateError):
        county.close_bank_loan("FN", "BK-1", on=D(2017, 3, 2))
    # the subsidy of the period the loan ran is still paid; it is the only entry
    paid = county.pay_subsidy("FN", "BK-1", period=1, on=D(2017, 3, 5))
    assert [(ln.account.role.value, ln.amount.fen) for ln in paid.lines] == [
        ("subsidy_expense", 44_104),
        ("fund_cash", -44_104),
    ]


def test_a_bank_loan_repaid_early_earns_no_subsidy_for_later_periods(county: Ledger) -> None:
    monthly = LoanTerms(
        principal=yuan("10000"),
        start=D(2016, 3, 1),
        term=12,
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        rate=Decimal("0.0435"),
    )
    _bank_loan(county, terms=monthly)
    county.close_bank_loan("FN", "BK-1", on=D(2016, 5, 1))
    county.pay_subsidy("FN", "BK-1", period=2, on=D(2016, 5, 2))
    with pytest.raises(LoanStateError):
        county.pay_subsidy("FN", "BK-1", period=3, on=D(2016, 6, 2))


def test_the_bank_applies_the_passbook_on_default_and_the_fund_posts_nothing(county: Ledger) -> None:
    _bank_loan(county, passbook=_passbook())
    (line,) = county.passbook_pledges("FN")
    # not in default on the bank yet: no application
    with pytest.raises(PledgeStateError):
        county.apply_bank_passbook("FN", line, on=D(2017, 3, 10), reference="CCB-KH-1")
    county.mark_breach("FN", "BK-1", on=D(2017, 3, 2))
    # the fund's own application (a receipt into its account) is for its own loans only
    with pytest.raises(PledgeStateError):
        county.apply_passbook_pledge("FN", line, on=D(2017, 3, 10), receipt="R-1")
    with pytest.raises(InvalidAmount):
        county.apply_bank_passbook("FN", line, on=D(2017, 3, 10), reference="CCB-KH-1", amount=yuan("10001"))
    before = snapshot(county.engine)["revolve_entry"]
    applied = county.apply_bank_passbook("FN", line, on=D(2017, 3, 10), reference="CCB-KH-1")
    assert (applied.status, applied.applied_on, applied.applied_amount, applied.receipt) == (
        PledgeStatus.APPLIED,
        D(2017, 3, 10),
        yuan("10000"),
        "CCB-KH-1",
    )
    assert snapshot(county.engine)["revolve_entry"] == before
    with pytest.raises(PledgeStateError):
        county.apply_bank_passbook("FN", line, on=D(2017, 3, 11), reference="CCB-KH-2")
    # closing the bank loan after the application hands the passbook back
    county.close_bank_loan("FN", "BK-1", on=D(2017, 3, 10))
    assert county.passbook_pledge("FN", line.id).status is PledgeStatus.RELEASED


def test_a_breach_stands_from_its_earliest_date(county: Ledger) -> None:
    """Recording the breach again later must not give back a subsidy or leave an application undefaulted."""
    monthly = LoanTerms(
        principal=yuan("10000"),
        start=D(2016, 3, 1),
        term=12,
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        rate=Decimal("0.0435"),
    )
    _bank_loan(county, terms=monthly, passbook=_passbook())
    county.mark_breach("FN", "BK-1", on=D(2016, 4, 15))
    (line,) = county.passbook_pledges("FN")
    county.apply_bank_passbook("FN", line, on=D(2016, 5, 1), reference="KH-1")
    county.mark_breach("FN", "BK-1", on=D(2016, 8, 1))  # again, later: the breach still dates from 04-15
    (bank_loan,) = county.bank_loans("FN")
    assert bank_loan.in_breach_from == D(2016, 4, 15)
    with pytest.raises(LoanStateError):  # period 2 (04-01 → 05-01) ended after the breach
        county.pay_subsidy("FN", "BK-1", period=2, on=D(2016, 8, 2))
    county.mark_breach("FN", "BK-1", on=D(2016, 3, 20))  # an earlier date moves it back
    assert county.bank_loans("FN")[0].in_breach_from == D(2016, 3, 20)


def test_a_fund_loan_line_cannot_be_applied_as_a_bank_one(county: Ledger) -> None:
    county.open_batch("FN", code="B1", on=D(2016, 3, 1))
    county.disburse(
        "FN",
        number="L1",
        household="H2",
        batch="B1",
        terms=LoanTerms(principal=yuan("2000"), start=D(2016, 3, 10), term=2, method=RepaymentMethod.BULLET),
        passbook=_passbook("1500"),
    )
    (line,) = county.passbook_pledges("FN")
    assert line.secures is SecuredLoan.FUND_LOAN and line.bank_loan_id is None
    with pytest.raises(PledgeStateError):
        county.apply_bank_passbook("FN", line, on=D(2016, 6, 1), reference="X")


def test_one_household_borrows_at_most_10000_a_year(county: Ledger) -> None:
    _bank_loan(county, "BK-1", terms=_terms("6000", D(2016, 3, 1)))
    before = snapshot(county.engine)
    with pytest.raises(BankLoanCapExceeded) as refused:
        _bank_loan(county, "BK-2", terms=_terms("4000.01", D(2016, 11, 1)), passbook=_passbook())
    assert isinstance(refused.value, PolicyViolation)  # what the programme does not allow
    assert (refused.value.value, refused.value.limit) == (yuan("10000.01"), yuan("10000"))
    assert (refused.value.household, refused.value.year) == ("H1", 2016)
    assert "每户一年" in str(refused.value)
    assert snapshot(county.engine) == before  # a refusal writes nothing (not the passbook either)
    _bank_loan(county, "BK-2", terms=_terms("4000", D(2016, 11, 1)))
    _bank_loan(county, "BK-3", terms=_terms("10000", D(2017, 3, 1)))  # a new year
    _bank_loan(county, "BK-4", household="H2", terms=_terms("10000", D(2016, 3, 1)))  # another household
    # the year 2016 is full for H1: even one yuan more is refused
    with pytest.raises(PolicyViolation):
        _bank_loan(county, "BK-5", terms=_terms("1", D(2016, 12, 31)))


def test_the_register_shows_bank_loan_pledges_beside_fund_loan_ones(county: Ledger) -> None:
    county.open_batch("FN", code="B1", on=D(2016, 3, 1))
    county.disburse(
        "FN",
        number="L1",
        household="H2",
        batch="B1",
        terms=LoanTerms(principal=yuan("2000"), start=D(2016, 3, 10), term=2, method=RepaymentMethod.BULLET),
        passbook=_passbook("1500"),
    )
    _bank_loan(county, passbook=_passbook())
    report = build_passbook_register(county, "FN", as_of=D(2016, 12, 31))
    text = render(report, Format.MARKDOWN, lang="zh")
    assert "担保贷款类别" in text
    # in the order taken: the bank loan's passbook on 03-01, the fund loan's on 03-10
    bank_row, fund_row = [r for r in text.splitlines() if r.startswith(("| L1", "| BK-1"))]
    assert "基金借款" in fund_row and "李桂兰" in fund_row
    assert "银行贷款" in bank_row and "王秀英" in bank_row and "中国建设银行丰宁支行" in bank_row
    summary = {f.label: f.value for f in report.section("summary").facts}
    assert summary["passbook_status_held"] == yuan("11500")
    assert summary["passbook_pledges_bank_loans"] == 1
    assert summary["passbook_status_held_bank_loans"] == yuan("10000")
    assert summary["passbook_applied_bank_loans"] == Money(0)


@given(
    st.lists(
        st.tuples(st.integers(2016, 2018), st.integers(1, 12_000_00)),
        max_size=12,
    )
)
def test_the_yearly_cap_holds_whatever_the_order_of_requests(requests: list[tuple[int, int]]) -> None:
    """Each request is accepted exactly when the year's accepted total stays within the cap."""
    accepted: list[tuple[date, Money]] = []
    for year, fen in requests:
        start, principal = D(year, 6, 1), Money(fen)
        earlier = sum(m.fen for d, m in accepted if d.year == year)
        try:
            check_household_year(CAPS, principal, start, accepted)
        except PolicyViolation:
            assert earlier + fen > CAPS.max_per_household_year.fen  # type: ignore[union-attr]
            continue
        assert earlier + fen <= 10_000_00
        accepted.append((start, principal))
    for year in {y for y, _ in requests}:
        assert sum(m.fen for d, m in accepted if d.year == year) <= 10_000_00


def test_income_gain_per_household_and_per_person() -> None:
    """人均增收: (Σ income observed − Σ income before) ÷ Σ persons, over households with all three figures."""

    def household(hid: int, before: str | None, persons: int | None) -> Household:
        return Household(
            id=hid,
            fund_id=1,
            code=f"H{hid}",
            mother_name="王秀英",
            national_id=ID_1,
            org_id=None,
            phone=None,
            fp_status="compliant",
            income_before=None if before is None else yuan(before),
            registered_on=D(2010, 1, 1),
            persons=persons,
        )

    def income(hid: int, on: date, amount: str) -> HouseholdRecord:
        return HouseholdRecord(hid, "income", on, "", yuan(amount), None)

    households = [
        household(1, "4000", 3),
        household(2, "5000", 4),
        household(3, None, 5),
        household(4, "100", 2),
    ]
    records = [
        income(1, D(2011, 1, 1), "9000"),
        income(1, D(2012, 1, 1), "14000"),  # the latest by the date counts
        income(2, D(2011, 6, 1), "4000"),  # her income fell: a negative gain counts
        income(3, D(2011, 6, 1), "9999"),  # no income before: left out
        income(4, D(2013, 1, 1), "9999"),  # observed after the date: left out
    ]
    gain = income_gain(households, records, as_of=D(2012, 12, 31))
    # (14,000 − 4,000) + (4,000 − 5,000) = 9,000 over 2 households and 7 persons
    assert (gain.households, gain.persons, gain.total) == (2, 7, yuan("9000"))
    assert (gain.per_household, gain.per_person) == (yuan("4500"), yuan("1285.71"))
    assert income_gain([], [], as_of=D(2012, 1, 1)).per_person == Money(0)


@st.composite
def _bank_runs(draw: st.DrawFn) -> list[tuple[str, int, int, int]]:
    """Steps over three bank loans of two households: (what, loan, amount in fen, day offset). The loans
    are asked for first (some past the yearly cap), then closed, breached, applied, subsidised or
    released in any order over two years ("default": recorded in breach, and the bank takes the
    passbook)."""
    steps = [
        ("loan", n, draw(st.integers(1, 12_000_00)), draw(st.integers(0, 30)))
        for n in range(1, draw(st.integers(1, 3)) + 1)
    ]
    for _ in range(draw(st.integers(1, 10))):
        what = draw(st.sampled_from(["close", "breach", "apply", "default", "subsidy", "release", "loan"]))
        steps.append(
            (what, draw(st.integers(1, 3)), draw(st.integers(1, 12_000_00)), draw(st.integers(0, 800)))
        )
    return steps


def _bank_property(backend: str) -> Any:
    @settings(max_examples=max(5, int(settings().max_examples * EXAMPLES[backend] * 0.3)))
    @given(run=_bank_runs())
    def check(run: list[tuple[str, int, int, int]]) -> None:
        with ledger_on(backend) as ledger:
            c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
            ledger.create_fund("FN", "丰宁县少生快富资金", org=c)
            ledger.contribute("FN", amount=yuan("100000"), on=D(2016, 1, 5), receipt="D-1")
            for code, nid in (("H1", ID_1), ("H2", ID_2)):
                ledger.register_household(
                    "FN", code=code, mother_name="王秀英", national_id=nid, registered_on=D(2016, 1, 1)
                )
            cash, start = yuan("100000"), D(2016, 3, 1)
            for what, n, amount, offset in run:
                number, on = f"BK-{n}", D.fromordinal(start.toordinal() + offset)
                try:
                    if what == "loan":
                        ledger.register_bank_loan(
                            "FN",
                            number=number,
                            household=f"H{1 + n % 2}",
                            bank="中国建设银行丰宁支行",
                            terms=_terms(str(Money(amount)).lstrip("¥").replace(",", ""), on),
                            caps=CAPS,
                            passbook=Passbook("中国建设银行丰宁支行", f"6227{n:08d}", Money(amount)),
                        )
                    elif what == "close":
                        ledger.close_bank_loan("FN", number, on=on)
                    elif what == "breach":
                        ledger.mark_breach("FN", number, on=on)
                    elif what == "default":  # in default on the bank, which takes the passbook 30 days on
                        ledger.mark_breach("FN", number, on=on)
                        for line in ledger.passbook_pledges("FN", bank_loan=number, held_only=True):
                            ledger.apply_bank_passbook(
                                "FN", line, on=on + timedelta(days=30), reference=f"KH-{n}"
                            )
                    elif what == "subsidy":
                        cash -= ledger.pay_subsidy("FN", number, period=1, on=on).lines[0].amount
                    else:
                        held = ledger.passbook_pledges("FN", bank_loan=number, held_only=True)
                        if not held:
                            continue
                        if what == "apply":
                            ledger.apply_bank_passbook("FN", held[0], on=on, reference=f"KH-{n}")
                        else:
                            ledger.release_passbook_pledge("FN", held[0], on=max(on, held[0].held_from))
                except RevolveError as refused:  # a refusal writes nothing
                    event(type(refused).__name__)
                # the fund's cash moves only by the subsidies it pays: never by a passbook
                assert ledger.balance("FN", AccountRole.FUND_CASH) == cash
                loans = {bl.number: bl for bl in ledger.bank_loans("FN")}
                for line in ledger.passbook_pledges("FN"):
                    assert line.secures is SecuredLoan.BANK_LOAN
                    assert (line.applied_on is None) == line.applied_amount.is_zero()
                    if loans[line.loan].closed_on is not None:
                        assert line.released_on is not None
                    if line.applied_on is not None:
                        breach = loans[line.loan].in_breach_from
                        assert breach is not None and breach <= line.applied_on
                # 每户一年一万
                for hh in {bl.household_id for bl in loans.values()}:
                    for year in {bl.terms.start.year for bl in loans.values()}:
                        year_total = Money.total(
                            bl.terms.principal
                            for bl in loans.values()
                            if bl.household_id == hh and bl.terms.start.year == year
                        )
                        assert year_total <= yuan("10000")
            assert ledger.check() == []

    return check


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_bank_loan_passbooks_never_move_the_funds_cash(backend_name: str) -> None:
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")
    _bank_property(backend_name)()
