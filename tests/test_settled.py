"""Loans settled before a day are summed up, not read, and the figures do not move by a fen.

Hypothesis writes random books — loans repaid in full, in part, late or early, by the borrower or the
guarantor; written off and recovered after; receipts voided (冲正) long after; extensions (展期); grants;
year-end closes (结账) and reopenings (反结账) — and then, for periods before, at and after the closes,
compares the figures of :func:`revolve.metrics.period_figures` and the 逾期率 lines of
:func:`revolve.area_figures.overdue_by_area` computed from the whole portfolio (the reference: every loan
read and walked) with those computed from a portfolio that sums up the loans settled before the period
(``Ledger.portfolio(settled_before=…)``, what the 季报表 reads). Every field, the national IDs behind the
household counts included, must be equal.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import BACKENDS, EXAMPLES, POSTGRES_URL, ledger_on
from revolve import AccountRole, Ledger, Money, OrgLevel, fen
from revolve.area_figures import area_of, overdue_by_area
from revolve.errors import RevolveError
from revolve.metrics import combine, period_figures
from revolve.portfolio import Portfolio
from revolve.reports.quarterly import build_quarterly, period_of, quarterly_figures
from revolve.reports.quarterly_form import form_periods
from revolve.schedule import LoanTerms, RepaymentMethod
from test_lifecycle_properties import national_id

START = date(2016, 1, 1)
HOUSEHOLDS = 5

loan_pick = st.integers(0, 40)
lend = st.tuples(
    st.just("lend"),
    st.integers(0, HOUSEHOLDS - 1),
    st.integers(100_000, 1_000_000),
    st.integers(1, 12),
    st.sampled_from([RepaymentMethod.EQUAL_PRINCIPAL, RepaymentMethod.BULLET]),
)
repay_in_full = st.tuples(st.just("repay"), loan_pick, st.just(100), st.just(False))
close = st.tuples(st.just("close"))
operations = st.lists(
    # each operation comes some days after the one before; lending and repaying in full are drawn more
    # often than the rest, so that books reach loans settled years before the periods asked about, and
    # closes after them
    st.tuples(
        st.integers(0, 120),
        st.one_of(
            lend,
            lend,
            repay_in_full,
            repay_in_full,
            st.tuples(st.just("repay"), loan_pick, st.integers(1, 100), st.booleans()),
            st.tuples(st.just("write_off"), loan_pick),
            st.tuples(st.just("recover"), loan_pick, st.integers(1, 100)),
            st.tuples(st.just("void"), loan_pick),
            st.tuples(st.just("extend"), loan_pick, st.integers(1, 6)),
            st.tuples(st.just("grant"), st.integers(0, HOUSEHOLDS - 1)),
            close,
            close,
            st.tuples(st.just("reopen")),
        ),
    ),
    min_size=10,
    max_size=50,
)


class Book:
    """A fund's books written from a list of operations; a refused operation is passed over."""

    def __init__(self, ledger: Ledger, fund: str = "F") -> None:
        self.ledger = ledger
        self.fund = fund
        self.today = START
        self.loans: list[str] = []
        self.closes: list[date] = []
        self.counter = 0
        # a second fund's books go under the first's county and villages (a roll-up of two funds)
        if fund == "F":
            county = ledger.create_org("C", "县", OrgLevel.COUNTY)
            towns = [ledger.create_org(f"T{i}", f"镇{i}", OrgLevel.TOWN, parent=county) for i in range(2)]
            for i in range(3):
                ledger.create_org(f"V{i}", f"村{i}", OrgLevel.VILLAGE, parent=towns[i % 2])
        county = ledger.org("C")
        villages = [ledger.org(f"V{i}") for i in range(3)]
        ledger.create_fund(self.fund, f"县幸福工程资金{fund}", org=county)
        ledger.register_guarantor(
            self.fund, code="VC", kind="village_committee", name="村委会", cap=fen(10**9)
        )
        ledger.contribute(self.fund, amount=fen(50_000_000), on=START, receipt="SEED")
        for i in range(HOUSEHOLDS):
            ledger.register_household(
                self.fund,
                code=f"H{i}",
                mother_name="母亲",
                national_id=national_id(i),
                registered_on=START,
                # one household of no village: its loans fall in the line of no known area
                org=villages[i % 3].id if i < HOUSEHOLDS - 1 else None,
                persons=3 + i % 2 if i % 2 == 0 else None,
            )

    def _next(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def _loan(self, pick: int) -> str | None:
        return self.loans[pick % len(self.loans)] if self.loans else None

    def apply(self, op: tuple[Any, ...], *, after: int = 0) -> None:
        self.today += timedelta(days=after)
        with contextlib.suppress(RevolveError):  # refused: it wrote nothing
            getattr(self, f"_{op[0]}")(*op[1:])

    def _wait(self, days: int) -> None:
        self.today += timedelta(days=days)

    def _lend(self, household: int, amount: int, term: int, method: RepaymentMethod) -> None:
        batch = f"B{self.today.isoformat()}"
        if batch not in {b.code for b in self.ledger.batches(self.fund)}:
            self.ledger.open_batch(self.fund, code=batch, on=self.today)
        number = self._next("L")
        terms = LoanTerms(principal=fen(amount), start=self.today, term=term, method=method)
        self.ledger.disburse(
            self.fund, number=number, household=f"H{household}", batch=batch, terms=terms, guarantors=["VC"]
        )
        self.loans.append(number)

    def _repay(self, pick: int, percent: int, by_guarantor: bool) -> None:
        number = self._loan(pick)
        if number is None:
            return
        outstanding = self.ledger.loan(self.fund, number).outstanding.fen
        amount = max(1, outstanding * percent // 100)
        payer: dict[str, Any] = {"payer": "guarantor", "guarantor": "VC"} if by_guarantor else {}
        self.ledger.repay(
            self.fund, number, amount=fen(amount), on=self.today, receipt=self._next("R"), **payer
        )

    def _write_off(self, pick: int) -> None:
        if (number := self._loan(pick)) is not None:
            self.ledger.write_off(
                self.fund, number, on=self.today, approval_ref="县协〔2020〕1号", reason="死亡"
            )

    def _recover(self, pick: int, percent: int) -> None:
        number = self._loan(pick)
        if number is None:
            return
        loan = self.ledger.loan(self.fund, number)
        left = loan.written_off.fen - loan.recovered.fen
        amount = fen(max(1, left * percent // 100))
        self.ledger.recover(self.fund, number, amount=amount, on=self.today, receipt=self._next("V"))

    def _void(self, pick: int) -> None:
        number = self._loan(pick)
        receipts = self.ledger.receipts(self.fund, number) if number is not None else []
        if receipts:
            self.ledger.void_receipt(
                self.fund, receipts[-1], on=self.today, reason="录错", approved_by="会计"
            )

    def _extend(self, pick: int, extra: int) -> None:
        if (number := self._loan(pick)) is not None:
            self.ledger.extend(
                self.fund,
                number,
                on=self.today,
                extra_periods=extra,
                approval_ref="审批-1",
                approved_by="县妇联",
            )

    def _grant(self, household: int) -> None:
        self.ledger.grant(self.fund, f"H{household}", amount=fen(50_000), on=self.today)

    def _close(self) -> None:
        through = date(self.today.year - 1, 12, 31)
        if through >= START and (not self.closes or through > self.closes[-1]):
            self.ledger.close_period(self.fund, through=through)
            self.closes.append(through)

    def _reopen(self) -> None:
        if self.closes:
            self.ledger.reopen_period(self.fund, through=self.closes[-1], reason="补记", approved_by="会计")
            self.closes.pop()


def _periods(last: date) -> list[tuple[date, date]]:
    """Quarters, halves and years from the books' first year to the year after the last operation."""
    out: list[tuple[date, date]] = []
    for year in range(START.year, last.year + 2):
        out += [period_of(year, q) for q in (1, 2, 3, 4)] + [period_of(year, None, 1), period_of(year, None)]
    return out


def _assert_same_figures(ledger: Ledger, last: date) -> int:
    """For every period and each column of its form, the figures from the loans summed up before the
    column's first day and before the form's first day (what the report reads) are the reference's.
    Returns the most loans any of those portfolios summed up."""
    full = ledger.portfolio("F")
    areas = [area_of(ledger.orgs(), level) for level in (OrgLevel.TOWN, OrgLevel.VILLAGE)]
    portfolios: dict[date, Portfolio] = {}

    def summed_up(before: date) -> Portfolio:
        if before not in portfolios:
            portfolios[before] = ledger.portfolio("F", settled_before=before)
            settled = portfolios[before].settled
            assert settled is not None and settled.before == before
            # the loans read one by one and those summed up are the fund's loans, each once
            assert len(portfolios[before].loans) + settled.loans == len(full.loans)
        return portfolios[before]

    for start, end in _periods(last):
        columns = form_periods(start, end)
        earliest = min(first for first, _ in columns)
        for since, until in columns:
            expected = period_figures(full, start=since, end=until)
            lines = [overdue_by_area(full, on=until, areas=area) for area in areas]
            for before in {since, earliest}:
                summed = summed_up(before)
                assert period_figures(summed, start=since, end=until) == expected
                assert combine([period_figures(summed, start=since, end=until)]) == combine([expected])
                assert [overdue_by_area(summed, on=until, areas=area) for area in areas] == lines
    return max((p.settled.loans for p in portfolios.values() if p.settled is not None), default=0)


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_settled_loans_change_no_figure(backend_name: str) -> None:
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")
    examples = max(5, int(settings().max_examples * EXAMPLES[backend_name] * 0.25))

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=operations)
    def run(ops: list[tuple[int, tuple[Any, ...]]]) -> None:
        with ledger_on(backend_name) as ledger:
            book = Book(ledger)
            for days, op in ops:
                book.apply(op, after=days)
            event(f"closes in force: {len(book.closes)}")
            summed = _assert_same_figures(ledger, book.today)
            event("loans summed up" if summed else "no loan summed up")

    run()


def test_a_receipt_voided_later_unsettles_its_loan(ledger: Ledger) -> None:
    """A loan settled before a day stops being summed up once the receipt that closed it is voided, even
    after a year-end close, and comes back to being summed up when it is repaid again."""
    book = Book(ledger)
    for op in [
        ("lend", 0, 300_000, 2, RepaymentMethod.EQUAL_PRINCIPAL),
        ("lend", 1, 400_000, 3, RepaymentMethod.BULLET),
        ("wait", 100),
        ("repay", 0, 100, False),
        ("repay", 1, 100, False),
        ("wait", 400),
        ("close",),
    ]:
        book.apply(op)
    day = date(2017, 1, 1)
    assert ledger.portfolio("F", settled_before=day).settled.loans == 2  # type: ignore[union-attr]
    book.apply(("void", 0))
    summed = ledger.portfolio("F", settled_before=day)
    assert summed.settled is not None and summed.settled.loans == 1
    assert [ln.number for ln in summed.loans] == book.loans[:1]
    _assert_same_figures(ledger, book.today)
    # repaid again, now: settled before a later day only
    book.apply(("repay", 0, 100, False))
    assert ledger.portfolio("F", settled_before=day).settled.loans == 1  # type: ignore[union-attr]
    later = date(book.today.year + 1, 1, 1)
    assert ledger.portfolio("F", settled_before=later).settled.loans == 2  # type: ignore[union-attr]
    _assert_same_figures(ledger, book.today)


def test_the_report_reads_only_the_live_loans(ledger: Ledger) -> None:
    """The 季报表 of a later year gives the figures of the whole portfolio while reading none of the
    loans settled before its earliest column (上年同期)."""
    book = Book(ledger)
    for op in [
        ("lend", 0, 300_000, 2, RepaymentMethod.EQUAL_PRINCIPAL),
        ("wait", 100),
        ("repay", 0, 100, False),
        ("wait", 800),
        ("lend", 1, 200_000, 12, RepaymentMethod.EQUAL_PRINCIPAL),
        ("wait", 60),
        ("close",),
    ]:
        book.apply(op)
    year, quarter = book.today.year, (book.today.month - 1) // 3 + 1
    form = form_periods(*period_of(year, quarter))
    summed = ledger.portfolio("F", settled_before=form[2][0])
    assert summed.settled is not None and summed.settled.loans == 1
    assert [ln.number for ln in summed.loans] == book.loans[1:]
    report = build_quarterly(ledger, fund="F", year=year, quarter=quarter)
    full = period_figures(ledger.portfolio("F"), start=form[0][0], end=form[0][1])
    assert report.fact("loans_to_date") == full.loans_to_date == 2
    assert report.fact("households_served") == full.households_served == 2
    assert report.fact("disbursed_to_date") == full.disbursed_to_date == fen(500_000)


def test_a_period_before_the_day_is_refused(ledger: Ledger) -> None:
    book = Book(ledger)
    book.apply(("lend", 0, 300_000, 2, RepaymentMethod.EQUAL_PRINCIPAL))
    summed = ledger.portfolio("F", settled_before=date(2017, 1, 1))
    with pytest.raises(ValueError, match="settled before"):
        period_figures(summed, start=date(2016, 10, 1), end=date(2016, 12, 31))
    with pytest.raises(ValueError, match="settled before"):
        overdue_by_area(summed, on=date(2016, 12, 31), areas={})


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_funds_read_together_are_each_read_alone(backend_name: str) -> None:
    """A roll-up reads its funds' portfolios, cash and checkpoints together (``Ledger.portfolios``,
    ``balances``, ``checkpoints``): each fund's is the one read alone, and the roll-up's figures are the
    reference's (every loan of every fund read and walked) combined."""
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")
    examples = max(3, int(settings().max_examples * EXAMPLES[backend_name] * 0.1))

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(first=operations, second=operations)
    def run(first: list[tuple[int, tuple[Any, ...]]], second: list[tuple[int, tuple[Any, ...]]]) -> None:
        with ledger_on(backend_name) as ledger:
            books = [Book(ledger, "F"), Book(ledger, "G")]
            for book, ops in zip(books, (first, second), strict=True):
                for days, op in ops:
                    book.apply(op, after=days)
            last = max(book.today for book in books)
            funds = ["G", "F"]  # in the order asked for, not the funds' order
            for before in [None, *(date(year, 1, 1) for year in range(START.year, last.year + 2))]:
                alone = [ledger.portfolio(f, settled_before=before) for f in funds]
                assert ledger.portfolios(funds, settled_before=before) == alone
            for day in (None, START, last, date(last.year, 12, 31)):
                assert ledger.balances(funds, AccountRole.FUND_CASH, as_of=day) == [
                    ledger.balance(f, AccountRole.FUND_CASH, as_of=day) for f in funds
                ]
            assert ledger.checkpoints(funds) == [ledger.checkpoint(f) for f in funds]
            full = [ledger.portfolio(f) for f in funds]
            for start, end in _periods(last)[-12:]:
                figures, cash = quarterly_figures(ledger, start=start, end=end, org="C")
                assert figures == combine([period_figures(p, start=start, end=end) for p in full])
                assert cash == Money.total(ledger.balance(f, AccountRole.FUND_CASH, as_of=end) for f in funds)

    run()
