"""Opening balances (issue 11, finding 9): a fund running since 1998 starts its books in revolve with its
cash, its loans in progress (part-repaid, in their n-th round, with guarantors) and its net assets.

Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ledger_on, snapshot
from revolve import AccountKey, AccountRole, Ledger, OpeningLoan, OrgLevel, yuan
from revolve.errors import BooksAlreadyOpen, InvalidDate, InvalidEntry, OpeningMismatch, PeriodClosed
from revolve.guarantees import GuarantorKind
from revolve.loans import LoanStatus
from revolve.money import Money
from revolve.schedule import LoanTerms, RepaymentMethod
from strategies import loan_terms

R = AccountRole
D = date
ON = D(2024, 1, 1)
ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"


def _valid_id(base17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return base17 + "10X98765432"[sum(int(c) * w for c, w in zip(base17, weights, strict=True)) % 11]


@pytest.fixture
def old_fund(ledger: Ledger) -> Ledger:
    """A county fund running since 1998, not yet in revolve: three households, a batch, two guarantors."""
    c = ledger.create_org("XN", "兴宁县", OrgLevel.COUNTY)
    ledger.create_fund("XN", "兴宁县幸福工程资金", org=c)
    for n, code in enumerate(("H1", "H2", "H3")):
        ledger.register_household(
            "XN",
            code=code,
            mother_name=f"母亲{n}",
            national_id=_valid_id(f"11010519800101{n + 1:03d}"),
            registered_on=D(2021, 1, 1),
        )
    ledger.open_batch("XN", code="B2022", on=D(2022, 3, 1))
    ledger.register_guarantor(
        "XN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan("100000")
    )
    ledger.register_guarantor(
        "XN", code="P1", kind=GuarantorKind.DEPOSIT_PLEDGE, name="存折质押", cap=yuan("100000")
    )
    return ledger


def _terms(amount: str, start: date, term: int = 24) -> LoanTerms:
    return LoanTerms(principal=yuan(amount), start=start, term=term, method=RepaymentMethod.EQUAL_PRINCIPAL)


def _three_loans() -> list[OpeningLoan]:
    # 10,000 over 24 months from 2022-03-10: 416.67 a month; 6,000.00 repaid → 4,000.00 outstanding
    # 20,000 over 24 months from 2022-06-10: 833.33 a month; 12,500.00 repaid → 7,500.00 outstanding
    # 6,000 over 24 months from 2022-09-10: 250 a month; 3,000 repaid → 3,000 outstanding, 1,000 pledged
    return [
        OpeningLoan(
            "XN-2022-001", "H1", "B2022", _terms("10000", D(2022, 3, 10)), round=2,
            principal_repaid=yuan("6000"), guarantors=("VC",),
        ),
        OpeningLoan(
            "XN-2022-002", "H2", "B2022", _terms("20000", D(2022, 6, 10)), round=3,
            principal_repaid=yuan("12500"), guarantors=("VC",),
        ),
        OpeningLoan(
            "XN-2022-003", "H3", "B2022", _terms("6000", D(2022, 9, 10)), round=3,
            principal_repaid=yuan("3000"), guarantors=("P1",), pledge=yuan("1000"),
        ),
    ]  # fmt: skip


def _balances(**over: Any) -> dict[AccountRole | str, Money]:
    # assets: cash 120,000 + loans 14,500 − allowance 500 = 134,000
    # liabilities 1,000 (pledge) + restricted 118,000 + unrestricted 15,000 = 134,000
    out: dict[AccountRole | str, Money] = {
        R.FUND_CASH: yuan("120000"),
        R.LOANS_RECEIVABLE: yuan("14500"),
        R.BAD_DEBT_ALLOWANCE: yuan("500"),
        R.PLEDGE_DEPOSITS: yuan("1000"),
        R.RESTRICTED_NET_ASSETS: yuan("118000"),
        R.UNRESTRICTED_NET_ASSETS: yuan("15000"),
    }
    out.update(over)
    return out


def _open(ledger: Ledger, **kw: Any) -> Any:
    args: dict[str, Any] = {
        "on": ON,
        "balances": _balances(),
        "loans": _three_loans(),
        "capital": {"donation": yuan("80000"), "fiscal": yuan("40000")},
        "lent_before": yuan("360000"),
    }
    args.update(kw)
    return ledger.open_books("XN", **args)


def test_finding_9_a_fund_running_since_1998_opens_its_books(old_fund: Ledger) -> None:
    opening = _open(old_fund)
    assert (opening.on, opening.entry_seq) == (ON, 1)
    assert old_fund.check("XN") == []
    # the receivable sub-ledger holds each loan's outstanding, and the trial balance is zero
    assert old_fund.subledger("XN", R.LOANS_RECEIVABLE) == {
        "XN-2022-001": yuan("4000"),
        "XN-2022-002": yuan("7500"),
        "XN-2022-003": yuan("3000"),
    }
    assert old_fund.balance("XN", R.FUND_CASH) == yuan("120000")
    entry = old_fund.entry("XN", 1)
    assert entry.kind == "opening" and entry.value_date == ON
    loans = {ln.number: ln for ln in old_fund.loans("XN")}
    first = loans["XN-2022-001"]
    assert (first.principal, first.principal_paid, first.outstanding, first.round) == (
        yuan("10000"), yuan("6000"), yuan("4000"), 2,
    )  # fmt: skip
    assert loans["XN-2022-003"].pledge_held == yuan("1000")
    assert [g[0].code for g in old_fund.loan_guarantors("XN", "XN-2022-002")] == ["VC"]
    # 滚动次数 counts the capital and lending before the opening: 360,000 ÷ 120,000 = 3
    figures = old_fund.figures("XN")
    assert figures.capital == yuan("120000")
    assert figures.capital_by_source == {"donation": yuan("80000"), "fiscal": yuan("40000")}
    assert figures.disbursed == yuan("360000")
    assert (figures.turnover.numerator, figures.turnover.denominator) == (yuan("360000"), yuan("120000"))
    assert old_fund.opening("XN") == opening
    # the 季报表 of the first quarter reads the same capital and lending to date
    from revolve.metrics import period_figures

    quarter = period_figures(old_fund.portfolio("XN"), start=ON, end=D(2024, 3, 31))
    assert (quarter.capital, quarter.disbursed_to_date) == (yuan("120000"), yuan("360000"))
    assert quarter.disbursed == Money(0)  # nothing lent in the quarter: the loans brought in are older
    # the 年初数 a statement of 2024 reads: the opening entry's lines, by account
    opened = old_fund.opening_balances("XN")
    assert opened[AccountKey(R.FUND_CASH)] == yuan("120000")
    assert opened[AccountKey(R.BAD_DEBT_ALLOWANCE)] == -yuan("500")
    assert opened[AccountKey(R.LOANS_RECEIVABLE, "XN-2022-002")] == yuan("7500")
    assert opened[AccountKey(R.RESTRICTED_NET_ASSETS)] == -yuan("118000")


def test_opened_loans_repay_write_off_and_check_finds_nothing(old_fund: Ledger) -> None:
    _open(old_fund)
    # loan 001 owes 416.67 a month; the schedule continues: 6,000 repaid covers 14 instalments
    # (5,833.38) and 166.62 of the 15th, so 250.05 is left of the 15th (due 2023-06-10), then 416.67 a month
    assert old_fund.schedule("XN", "XN-2022-001")[0].principal == yuan("250.05")
    old_fund.repay("XN", "XN-2022-001", amount=yuan("4000"), on=D(2024, 2, 1), receipt="R-1")
    assert old_fund.loan("XN", "XN-2022-001").status is LoanStatus.CLOSED
    old_fund.write_off("XN", "XN-2022-002", on=D(2024, 6, 30), approval_ref="A-1", reason="外出失联")
    assert old_fund.loan("XN", "XN-2022-002").status is LoanStatus.WRITTEN_OFF
    # a new payout after the opening: the round counts the 360,000 lent before on 120,000 of capital
    loan = old_fund.disburse(
        "XN",
        number="XN-2024-001",
        household="H1",
        batch="B2022",
        terms=_terms("5000", D(2024, 3, 1), 12),
        guarantors=("VC",),
    )
    assert loan.round == 4
    assert old_fund.check("XN") == []
    assert old_fund.subledger("XN", R.LOANS_RECEIVABLE)["XN-2022-003"] == yuan("3000")


def test_nothing_is_dated_before_the_opening(old_fund: Ledger) -> None:
    _open(old_fund)
    with pytest.raises((PeriodClosed, InvalidDate)):
        old_fund.repay("XN", "XN-2022-001", amount=yuan("100"), on=D(2023, 12, 31), receipt="R-0")
    with pytest.raises(PeriodClosed):
        old_fund.contribute("XN", amount=yuan("1"), on=D(2023, 12, 31), receipt="D-0")


def test_opening_is_once_on_an_empty_fund(old_fund: Ledger) -> None:
    _open(old_fund)
    with pytest.raises(BooksAlreadyOpen):
        _open(old_fund)


def test_a_fund_with_entries_cannot_be_opened(old_fund: Ledger) -> None:
    old_fund.contribute("XN", amount=yuan("1"), on=D(2023, 1, 1), receipt="D-0")
    with pytest.raises(BooksAlreadyOpen) as caught:
        _open(old_fund)
    assert caught.value.entries == 1


@pytest.mark.parametrize(
    ("over", "where", "difference"),
    [
        # the loans owe 14,500 but 其他应收款 says 15,000: off by 500
        ({R.LOANS_RECEIVABLE: yuan("15000")}, "1122", yuan("500")),
        # the pledges held add to 1,000, the payable says 800 (and the sheet would not balance either)
        ({R.PLEDGE_DEPOSITS: yuan("800")}, "保证金", yuan("-200")),
        # cash 119,000: assets 133,000 against 134,000 of claims
        ({R.FUND_CASH: yuan("119000")}, "assets", yuan("-1000")),
    ],
)
def test_an_unreconciled_opening_is_refused_and_writes_nothing(
    old_fund: Ledger, over: dict[AccountRole, Money], where: str, difference: Money
) -> None:
    engine = old_fund.engine
    assert engine is not None
    before = snapshot(engine)
    with pytest.raises(OpeningMismatch) as caught:
        _open(old_fund, balances=_balances(**{k.value: v for k, v in over.items()}))
    assert where in caught.value.where
    assert caught.value.difference == difference
    assert snapshot(engine) == before


def test_a_loan_whose_schedule_does_not_owe_its_outstanding_is_refused(old_fund: Ledger) -> None:
    loans = _three_loans()
    from dataclasses import replace

    from revolve.schedule import generate_schedule

    # the full original schedule owes 10,000, not the 4,000 outstanding
    loans[0] = replace(loans[0], remaining=generate_schedule(loans[0].terms).installments)
    with pytest.raises(OpeningMismatch) as caught:
        _open(old_fund, loans=loans)
    assert "XN-2022-001" in caught.value.where and caught.value.difference == yuan("6000")


def test_revenue_balances_are_refused_at_an_opening(old_fund: Ledger) -> None:
    with pytest.raises(InvalidEntry):
        _open(old_fund, balances=_balances(donation_revenue=yuan("1")))


def test_the_opening_entry_cannot_be_reversed(old_fund: Ledger) -> None:
    from revolve.errors import ReversalRefused

    _open(old_fund)
    with pytest.raises(ReversalRefused):
        old_fund.reverse("XN", 1, on=ON)


_loan_lists = st.lists(
    st.tuples(
        st.integers(min_value=1_000, max_value=50_000),  # principal, yuan
        st.integers(min_value=1, max_value=36),  # term, months
        st.integers(min_value=0, max_value=99),  # per cent repaid
        st.integers(min_value=1, max_value=9),  # round
    ),
    min_size=0,
    max_size=6,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=_loan_lists, cash=st.integers(min_value=0, max_value=10**9))
def test_property_subledger_equals_outstanding_and_trial_balance_is_zero(
    backend: str, tmp_path_factory: pytest.TempPathFactory, specs: list[tuple[int, int, int, int]], cash: int
) -> None:
    with ledger_on(backend, tmp_dir=str(tmp_path_factory.mktemp("open"))) as ledger:
        c = ledger.create_org("P", "县", OrgLevel.COUNTY)
        ledger.create_fund("P", "基金", org=c)
        ledger.open_batch("P", code="B", on=D(2020, 1, 1))
        loans = []
        for n, (principal, term, pct, round_) in enumerate(specs):
            code = f"H{n}"
            ledger.register_household(
                "P", code=code, mother_name="母亲", national_id=_valid_id(f"11010519800101{n:03d}"),
                registered_on=D(2020, 1, 1),
            )  # fmt: skip
            fen = principal * 100
            loans.append(
                OpeningLoan(
                    f"L{n}", code, "B", LoanTerms(principal=Money(fen), start=D(2021, 1, 1), term=term),
                    round=round_, principal_repaid=Money(fen * pct // 100),
                )
            )  # fmt: skip
        outstanding = Money.total(ln.outstanding for ln in loans)
        balances: dict[AccountRole | str, Money] = {
            R.FUND_CASH: Money(cash),
            R.LOANS_RECEIVABLE: outstanding,
            R.RESTRICTED_NET_ASSETS: Money(cash) + outstanding,
        }
        if not (cash or loans):
            return
        ledger.open_books("P", on=ON, balances=balances, loans=loans)
        assert ledger.subledger("P", R.LOANS_RECEIVABLE) == {ln.number: ln.outstanding for ln in loans}
        assert Money.total(ledger.subledger("P", R.LOANS_RECEIVABLE).values()) == outstanding
        tb = ledger.trial_balance("P")
        assert tb.total_debit == tb.total_credit and tb.balanced
        assert ledger.check("P") == []


def test_ids_in_the_fixture_are_valid() -> None:
    assert _valid_id("11010519491231002") == ID_1
    assert _valid_id("11010519800101001") == ID_2


_OPENING_CSV = """借款编号,户编码,批次,借款金额（元）,放款日期,期数,还款方式,轮次,已还本金,担保人,质押金额,备注
XN-2022-001,H1,B2022,10000,2022-03-10,24,等额本金,2,6000,VC,,
XN-2022-002,H2,B2022,20000,2022-06-10,24,等额本金,3,12500,VC,,
XN-2022-003,H3,B2022,6000,2022-09-10,24,等额本金,3,3000,P1,1000,存折质押
"""


def test_import_opening_loan_list_opens_the_books(old_fund: Ledger, tmp_path: Any) -> None:
    from revolve.importers import import_opening

    path = tmp_path / "期初借款.csv"
    path.write_text(_OPENING_CSV, encoding="utf-8")
    result = import_opening(old_fund, "XN", path, on=ON, balances=_balances(), lent_before=yuan("360000"))
    assert result.problems == () and result.rows_written == 3
    assert old_fund.subledger("XN", R.LOANS_RECEIVABLE)["XN-2022-002"] == yuan("7500")
    assert old_fund.check("XN") == []


def test_import_opening_reports_every_bad_row_and_writes_nothing(old_fund: Ledger, tmp_path: Any) -> None:
    from revolve.importers import ProblemKind, import_opening

    bad = (
        _OPENING_CSV.replace("XN-2022-001,H1,", "XN-2022-001,H9,")  # no such household
        .replace(
            "20000,2022-06-10,24,等额本金,3,12500", "20000,2022-06-10,24,等额本金,3,25000"
        )  # repaid > lent
        .replace("6000,2022-09-10", "6千,2022-09-10")  # not an amount
    )
    path = tmp_path / "期初借款.csv"
    path.write_text(bad, encoding="utf-8")
    engine = old_fund.engine
    assert engine is not None
    before = snapshot(engine)
    result = import_opening(old_fund, "XN", path, on=ON, balances=_balances())
    assert [(p.row, p.kind, p.column) for p in result.problems] == [
        (2, ProblemKind.UNKNOWN_HOUSEHOLD, "household"),
        (3, ProblemKind.REFUSED, None),
        (4, ProblemKind.BAD_AMOUNT, "amount"),
    ]
    assert result.rows_written == 0
    assert snapshot(engine) == before


def test_import_opening_reports_an_unreconciled_list(old_fund: Ledger, tmp_path: Any) -> None:
    from revolve.importers import import_opening

    path = tmp_path / "期初借款.csv"
    path.write_text(_OPENING_CSV, encoding="utf-8")
    result = import_opening(old_fund, "XN", path, on=ON, balances=_balances(loans_receivable=yuan("14000")))
    assert [(p.row, p.column) for p in result.problems] == [(1, None)]
    assert "1122" in result.problems[0].detail and result.rows_written == 0
    assert old_fund.opening("XN") is None


def test_cli_open_books(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    db = tmp_path / "books.db"
    url = f"sqlite:///{db}"
    with Ledger.open(url) as books:
        c = books.create_org("XN", "兴宁县", OrgLevel.COUNTY)
        books.create_fund("XN", "兴宁县幸福工程资金", org=c)
        for n, code in enumerate(("H1", "H2", "H3")):
            books.register_household(
                "XN", code=code, mother_name=f"母亲{n}", national_id=_valid_id(f"11010519800101{n + 1:03d}"),
                registered_on=D(2021, 1, 1),
            )  # fmt: skip
        books.register_guarantor(
            "XN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="村委会", cap=yuan("100000")
        )
        books.register_guarantor("XN", code="P1", kind=GuarantorKind.DEPOSIT_PLEDGE, name="保证金", cap=None)
    loans = tmp_path / "期初借款.csv"
    loans.write_text(_OPENING_CSV, encoding="utf-8")
    balances = [f"--balance={AccountRole(role).value}={amount.yuan}" for role, amount in _balances().items()]
    env = {k: v for k, v in os.environ.items() if k not in ("REVOLVE_DATABASE_URL",)} | {"PYTHONUTF8": "1"}
    done = subprocess.run(
        [
            sys.executable, "-m", "revolve", "open-books", str(loans), "--db", url, "--fund", "XN",
            "--on", "2024-01-01", *balances, "--capital", "donation=120000", "--lent-before", "360000",
        ],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "已建账" in done.stdout
    with Ledger.open(url) as books:
        assert books.check("XN") == []
        assert books.figures("XN").capital == yuan("120000")


def test_statement_and_register_of_an_opened_loan(old_fund: Ledger) -> None:
    from revolve.reports.registers import build_loan_register
    from revolve.reports.statement import build_statement

    _open(old_fund)
    report = build_statement(old_fund, "XN", "XN-2022-001", as_of=D(2024, 1, 15))
    summary = {f.label: f.value for f in report.section("summary").facts}
    assert summary["outstanding_principal"] == yuan("4000")
    # by 2024-01-15 the instalments due 2023-06-10 … 2024-01-10 are unpaid: 250.05 + 7 × 416.67 = 3,166.74
    assert summary["due_to_date"] == yuan("3166.74")
    payments = report.section("payments").table
    assert payments is not None and [row[1] for row in payments.rows] == ["期初:XN-2022-001"]
    register = build_loan_register(old_fund, "XN", as_of=D(2024, 1, 15))
    totals = {f.label: f.value for f in register.section("summary").facts}
    assert totals == {"loans": 3, "outstanding_principal": yuan("14500"), "loans_restructured": 0}


def test_an_opened_loan_takes_a_prepayment(old_fund: Ledger) -> None:
    from revolve.schedule import PrepaymentOption

    _open(old_fund)
    # loan 003: 250 a month from 2022-10-10; by 2024-02-01 16 instalments (4,000) fell due, 3,000 was
    # repaid, so 1,000 is due; 2,000 pays it and 1,000 early, and the rest (1,000) is rescheduled
    old_fund.repay(
        "XN", "XN-2022-003", amount=yuan("2000"), on=D(2024, 2, 1), receipt="R-3",
        prepayment=PrepaymentOption.FEWER_INSTALLMENTS,
    )  # fmt: skip
    loan = old_fund.loan("XN", "XN-2022-003")
    assert (loan.principal_paid, loan.outstanding, loan.schedule_version) == (yuan("5000"), yuan("1000"), 2)
    assert sum(d.principal.fen for d in old_fund.schedule("XN", "XN-2022-003")) == yuan("1000").fen
    assert old_fund.check("XN") == []


@given(terms=loan_terms(), share=st.fractions(min_value=0, max_value=1))
def test_property_the_remaining_schedule_owes_the_outstanding(terms: LoanTerms, share: Fraction) -> None:
    from revolve.opening import remaining_schedule
    from revolve.schedule import generate_schedule

    full = generate_schedule(terms)
    repaid = Money(int(terms.principal.fen * share))
    interest = Money(int(full.total_interest.fen * share))
    fee = Money(int(full.total_fee.fen * share))
    left = remaining_schedule(terms, principal=repaid, interest=interest, fee=fee)
    assert left.total_principal == terms.principal - repaid
    assert left.total_interest == full.total_interest - interest
    assert left.total_fee == full.total_fee - fee
    assert [i.number for i in left.installments] == list(range(1, len(left.installments) + 1))
    assert all(a.due_date < b.due_date for a, b in pairwise(left.installments))
    assert all(i.balance_after.fen >= 0 for i in left.installments)


def test_a_loan_paid_out_on_the_opening_day_counts_once(old_fund: Ledger) -> None:
    # 357,000 lent before the opening; 5,000 more on the opening day → 362,000 lent on 120,000 of capital
    _open(old_fund, lent_before=yuan("357000"))
    for n, code in enumerate(("H4", "H5")):
        old_fund.register_household(
            "XN", code=code, mother_name="母亲", national_id=_valid_id(f"11010519800101{n + 4:03d}"),
            registered_on=ON,
        )  # fmt: skip
    old_fund.disburse(
        "XN", number="XN-2024-001", household="H4", batch="B2022", terms=_terms("5000", ON, 12),
        guarantors=("VC",),
    )  # fmt: skip
    fresh = Ledger(engine=old_fund.engine, create_schema=False)  # reads the round basis from the start
    assert fresh.figures("XN").disbursed == yuan("362000")
    later = fresh.disburse(
        "XN", number="XN-2024-002", household="H5", batch="B2022", terms=_terms("1000", D(2024, 2, 1), 12),
        guarantors=("VC",),
    )  # fmt: skip
    assert later.round == 4  # ⌊362,000 ÷ 120,000⌋ + 1
