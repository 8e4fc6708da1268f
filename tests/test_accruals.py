"""Accruals by 权责发生制 (issue 11 finding 7, 第七条) on both backends: the interest and fees of the period
under way are accrued by days at a close, payments settle what was accrued before they are revenue, a late
close accrues as of its date, penalty interest is revenue when received, and — the property — after every
close each loan's receivable is what it earned less what it paid by then. Figures are worked by hand in
the comments.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ledger_on
from revolve import AccountRole, Ledger, Money, OrgLevel, yuan
from revolve.guarantees import GuarantorKind
from revolve.schedule import LoanTerms, RepaymentMethod

R = AccountRole
D = date
IDS = ("11010519491231002X", "110105198001010016", "110105199001010010")


def _fund(ledger: Ledger, code: str = "FN") -> None:
    org = ledger.create_org(f"C-{code}", f"县{code}", OrgLevel.COUNTY)
    ledger.create_fund(code, f"基金{code}", org=org)
    ledger.contribute(code, amount=yuan("100000"), on=D(2016, 1, 2))
    for n, nid in enumerate(IDS, start=1):
        ledger.register_household(
            code, code=f"H{n}", mother_name=f"母亲{n}", national_id=nid, registered_on=D(2016, 1, 1)
        )
    ledger.open_batch(code, code="B1", on=D(2016, 1, 1))
    ledger.register_guarantor(
        code, code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan("1000000")
    )


def _terms(amount: str = "12000", rate: str = "0.12", fee: str = "0.03", term: int = 12) -> LoanTerms:
    return LoanTerms(
        principal=yuan(amount),
        start=D(2016, 3, 10),
        term=term,
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        rate=Decimal(rate),
        fee_rate=Decimal(fee),
    )


def _lines(entry: Any) -> list[tuple[str, int]]:
    return [(str(line.account), line.amount.fen) for line in entry.lines]


def _revenue(ledger: Ledger, code: str, role: AccountRole, start: date, end: date) -> Money:
    """What ``role`` earned from ``start`` through ``end`` (credit positive), closing entries left out."""
    moves = ledger.period_movements(code, start=start, end=end)
    return -Money.total(m for (r, kind), m in moves.items() if r is role and not kind.startswith("close."))


@pytest.fixture
def county(ledger: Ledger) -> Ledger:
    _fund(ledger)
    return ledger


# ---- defect 1: the period under way is accrued by days ------------------------------------------------------
def test_the_interest_and_fee_of_the_period_under_way_are_accrued_by_days(county: Ledger) -> None:
    # 12,000 at 12 %, equal principal, 3 % fee; nothing due yet at 03-31: 21 of the 31 days from the payout
    # (03-10) to instalment 1 (04-10: 120 interest, 30 fee): 120 × 21 / 31 = 81.29, 30 × 21 / 31 = 20.32
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms(), guarantors=["VC"])
    county.close_period("FN", through=D(2016, 3, 31))
    assert county.accrued("FN", R.ACCRUED_INTEREST) == {"L1": yuan("81.29")}
    assert county.accrued("FN", R.ACCRUED_FEE) == {"L1": yuan("20.32")}
    assert _revenue(county, "FN", R.INTEREST_REVENUE, D(2016, 1, 1), D(2016, 3, 31)) == yuan("81.29")


def test_one_rounding_per_loan_half_up() -> None:
    from revolve.accruals import earned_by

    rows = [(1, D(2016, 4, 10), 0, 1, 0)]  # 1 fen of interest over 31 days: ½ fen at day 15.5
    assert earned_by(rows, start=D(2016, 3, 10), through=D(2016, 3, 25))[0] == Money(0)  # 15/31
    assert earned_by(rows, start=D(2016, 3, 10), through=D(2016, 3, 26))[0] == Money(1)  # 16/31


# ---- defect 2: a payment settles the receivable first --------------------------------------------------------
def test_a_payment_settles_the_accrued_receivable_first_and_only_the_rest_is_revenue(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms(), guarantors=["VC"])
    county.close_period("FN", through=D(2016, 3, 31))
    # instalment 1 (1,000 + 120 + 30): 81.29 and 20.32 were accrued, the rest (38.71, 9.68) is April's revenue
    county.repay("FN", "L1", amount=yuan("1150"), on=D(2016, 4, 10), receipt="R-1")
    assert _lines(county.entries("FN")[-1]) == [
        ("fund_cash", 115_000),
        ("loans_receivable[L1]", -100_000),
        ("accrued_interest[L1]", -8_129),
        ("interest_revenue", -3_871),
        ("accrued_fee[L1]", -2_032),
        ("fee_revenue", -968),
    ]
    assert county.accrued("FN", R.ACCRUED_INTEREST) == {"L1": Money(0)}
    assert county.check() == []


def test_repay_many_settles_each_loan_once(county: Ledger) -> None:
    from revolve import Payment

    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms(), guarantors=["VC"])
    county.close_period("FN", through=D(2016, 3, 31))
    county.repay_many(
        "FN",
        [
            Payment("L1", yuan("100"), D(2016, 4, 10), "R-1"),  # 30 fee + 70 interest: both settle
            Payment("L1", yuan("60"), D(2016, 4, 10), "R-2"),  # 50 interest: 11.29 settles, 38.71 revenue
        ],
    )
    assert county.accrued("FN", R.ACCRUED_INTEREST) == {"L1": Money(0)}
    assert county.accrued("FN", R.ACCRUED_FEE) == {"L1": Money(0)}
    assert _revenue(county, "FN", R.INTEREST_REVENUE, D(2016, 4, 1), D(2016, 4, 30)) == yuan("38.71")


def test_repay_reads_no_receivable_for_an_interest_free_loan_or_a_fund_never_accrued(
    county: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from revolve.store import accruals as store_accruals

    county.disburse(
        "FN", number="L0", household="H2", batch="B1", terms=_terms("6000", "0", "0"), guarantors=["VC"]
    )
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms(), guarantors=["VC"])
    reads: list[list[str]] = []
    original = store_accruals.accrued_balances

    def counted(conn: Any, fund_id: int, numbers: Any) -> dict[str, tuple[int, int]]:
        reads.append(sorted(numbers))
        return original(conn, fund_id, numbers)

    monkeypatch.setattr(store_accruals, "accrued_balances", counted)
    county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 10), receipt="R-1")
    assert reads == []  # the fund was never accrued: nothing read
    county.close_period("FN", through=D(2016, 4, 30))
    county.repay("FN", "L0", amount=yuan("100"), on=D(2016, 5, 10), receipt="R-2")
    assert reads == []  # an interest-free loan: nothing read
    county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 5, 10), receipt="R-3")
    assert reads == [["L1"]]  # one small statement


# ---- defect 3: a late close ----------------------------------------------------------------------------------
def _book(ledger: Ledger, code: str) -> None:
    _fund(ledger, code)
    ledger.disburse(code, number="L1", household="H1", batch="B1", terms=_terms(), guarantors=["VC"])
    # 6,000 at 12 % over two months: 04-10 3,000 + 60 + 15, 05-10 3,000 + 30 + 15, repaid after the close
    ledger.disburse(
        code, number="L2", household="H2", batch="B1", terms=_terms("6000", term=2), guarantors=["VC"]
    )


def _receipts(ledger: Ledger, code: str) -> None:
    ledger.repay(code, "L1", amount=yuan("1150"), on=D(2016, 5, 5), receipt=f"{code}-1")
    ledger.repay(code, "L2", amount=yuan("6120"), on=D(2016, 5, 6), receipt=f"{code}-2")


def test_a_late_close_accrues_as_of_its_date_and_later_receipts_settle_it(ledger: Ledger) -> None:
    _book(ledger, "ON")  # closed on time: the close, then May's receipts
    ledger.close_period("ON", through=D(2016, 4, 30))
    _receipts(ledger, "ON")
    _book(ledger, "LATE")  # closed late: May's receipts were recorded before the April close
    _receipts(ledger, "LATE")
    ledger.close_period("LATE", through=D(2016, 4, 30))
    for code in ("ON", "LATE"):
        ledger.close_period(code, through=D(2016, 5, 31))
    for role in (R.INTEREST_REVENUE, R.FEE_REVENUE):
        for start, end in ((D(2016, 1, 1), D(2016, 4, 30)), (D(2016, 5, 1), D(2016, 5, 31))):
            assert _revenue(ledger, "LATE", role, start, end) == _revenue(ledger, "ON", role, start, end)
    # April: L1 120 + 110 × 20 / 30 = 193.33, L2 60 + 30 × 20 / 30 = 80
    assert _revenue(ledger, "LATE", R.INTEREST_REVENUE, D(2016, 1, 1), D(2016, 4, 30)) == yuan("273.33")
    # the settlement was moved out of May's revenue on the receipts' dates
    settle = [_lines(e) for e in ledger.entries("LATE") if e.kind == "accrual.settle"]
    assert settle and all(
        e.value_date > D(2016, 4, 30) for e in ledger.entries("LATE") if e.kind == "accrual.settle"
    )
    # the fully paid loan holds no receivable; both books agree loan by loan
    for role in (R.ACCRUED_INTEREST, R.ACCRUED_FEE):
        assert ledger.accrued("LATE", role).get("L2", Money(0)) == Money(0)
        assert ledger.accrued("LATE", role) == ledger.accrued("ON", role)
    assert ledger.check() == []


# ---- defect 4: penalty interest is revenue when received ---------------------------------------------------
def test_penalty_interest_is_never_accrued(county: Ledger) -> None:
    # a loan far in default: the close accrues its interest and fees, never a penalty (第五十九条, 谨慎性)
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms(), guarantors=["VC"])
    county.close_period("FN", through=D(2016, 12, 31))
    kinds = {e.kind for e in county.entries("FN") if e.kind.startswith("accrual.")}
    assert kinds == {"accrual.interest", "accrual.fee"}
    assert all(str(line.account) != "penalty_revenue" for e in county.entries("FN") for line in e.lines)
    assert county.days_past_due("FN", "L1", as_of=D(2016, 12, 31)) > 90


# ---- the property ----------------------------------------------------------------------------------------------
def _earned(dues: Any, start: date, through: date) -> int:
    """Interest earned by ``through``, worked independently: whole instalments due, and the next by days."""
    total, previous = Decimal(0), start
    for due in dues:
        if due.due_date <= through:
            total += due.interest.fen
            previous = due.due_date
            continue
        share = Decimal(due.interest.fen) * (through - previous).days / (due.due_date - previous).days
        total += share.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        break
    return int(total)


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("repay"), st.integers(0, 2), st.integers(1, 3_000_00), st.integers(0, 200)),
        st.tuples(st.just("close"), st.integers(0, 0), st.integers(0, 0), st.integers(0, 120)),
    ),
    min_size=1,
    max_size=8,
)


def _property(ledger: Ledger, rates: list[str], steps: list[tuple[str, int, int, int]]) -> None:
    _fund(ledger)
    for n, rate in enumerate(rates):
        terms = LoanTerms(
            principal=yuan("6000"), start=D(2016, 3, 10 + n), term=4 + n, method=RepaymentMethod.EQUAL_PRINCIPAL,
            rate=Decimal(rate),
        )  # fmt: skip
        ledger.disburse(
            "FN", number=f"L{n}", household=f"H{n + 1}", batch="B1", terms=terms, guarantors=["VC"]
        )
    numbers = [f"L{n}" for n in range(len(rates))]
    closed: date | None = None
    receipts = 0
    for kind, which, amount, offset in steps:
        if kind == "repay":
            number = numbers[which % len(numbers)]
            on = max(D(2016, 3, 20) + timedelta(days=offset), (closed or D(2016, 1, 1)) + timedelta(days=1))
            loan = ledger.loan("FN", number)
            owed = Money.total(d.total for d in ledger.schedule("FN", number)) - loan.paid_in_version
            pay = min(Money(amount), owed)
            if loan.status.value != "active" or not pay.is_positive():
                continue
            receipts += 1
            ledger.repay("FN", number, amount=pay, on=on, receipt=f"R-{receipts}")
            continue
        through = max(D(2016, 3, 31) + timedelta(days=offset), (closed or D(2016, 1, 1)) + timedelta(days=1))
        ledger.close_period("FN", through=through)  # late when receipts after it are recorded
        closed = through
        at: dict[str, int] = {}
        for e in ledger.entries("FN"):
            for line in e.lines:
                if e.value_date <= through and line.account.role is R.ACCRUED_INTEREST:
                    sub = line.account.sub or ""
                    at[sub] = at.get(sub, 0) + line.amount.fen
        now = ledger.accrued("FN", R.ACCRUED_INTEREST)
        for number in numbers:
            loan = ledger.loan("FN", number)
            got = ledger.receipts("FN", number)
            by_then = sum(r.interest.fen for r in got if r.value_date <= through)
            later = sum(r.interest.fen for r in got if r.value_date > through)
            earned = _earned(ledger.schedule("FN", number), loan.disbursed_on, through)
            expected = max(earned - by_then, 0)
            if loan.closed_on is not None and loan.closed_on <= through:
                expected = 0
            held = at.get(number, 0)
            assert held == expected, (number, through)
            assert now.get(number, Money(0)) == Money(max(expected - later, 0)), (number, through)
    received = Money.total(r.interest for n in numbers for r in ledger.receipts("FN", n))
    revenue = _revenue(ledger, "FN", R.INTEREST_REVENUE, D(2016, 1, 1), D(2018, 12, 31))
    assert revenue == received + Money.total(ledger.accrued("FN", R.ACCRUED_INTEREST).values())
    assert ledger.check() == []


def test_property_receivable_is_earned_less_received_after_every_close(backend: str) -> None:
    backend_name = backend  # the fixture skips PostgreSQL without a server; each example gets fresh books

    @settings(max_examples=max(3, int(10 * EXAMPLES[backend_name])))
    @given(rates=st.lists(st.sampled_from(["0.06", "0.12", "0.0725"]), min_size=1, max_size=3), steps=STEPS)
    def run(rates: list[str], steps: list[tuple[str, int, int, int]]) -> None:
        with ledger_on(backend_name) as ledger:
            _property(ledger, rates, steps)

    run()


def test_accrue_settles_later_receipts_oldest_first() -> None:
    from revolve.accruals import AccruingLoan, accrue

    loan = AccruingLoan(
        "L1",
        D(2016, 3, 10),
        ((1, D(2016, 4, 10), 1000_00, 120_00, 0), (2, D(2016, 5, 10), 1000_00, 110_00, 0)),
        ((D(2016, 4, 10), 50_00, 0), (D(2016, 5, 2), 60_00, 0), (D(2016, 5, 3), 60_00, 0)),
    )
    got = accrue(loan, through=D(2016, 4, 30))
    # earned 120 + 73.33, received 50 by then: 143.33 receivable, settled 60 then 60 then nothing left over
    assert got.interest == yuan("143.33")
    assert got.settled == ((D(2016, 5, 2), yuan("60"), Money(0)), (D(2016, 5, 3), yuan("60"), Money(0)))
