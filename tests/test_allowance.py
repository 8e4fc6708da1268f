"""The bad-debt allowance (坏账准备): the policy, the required allowance, the true-up (补提 / 冲减), the
write-off against the allowance and the recovery through it (issue 11, findings 3 and 4).

Expected figures are worked out by hand in the comments, never copied from the library's output.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BACKENDS, EXAMPLES, POSTGRES_URL, ledger_on, snapshot
from revolve import AccountRole, Ledger, OrgLevel, yuan
from revolve.errors import InvalidAmount, InvalidRate, InvalidTerms, PeriodClosed
from revolve.loans import AgeingBucket, LoanStatus, bucket_for
from revolve.loans.allowance import (
    DEFAULT_ALLOWANCE_POLICY,
    AllowancePolicy,
    allowance_policy_in_force,
    required_allowance,
)
from revolve.loans.position import LoanPosition
from revolve.money import Money
from revolve.policy import Policy
from revolve.schedule import LoanTerms, RepaymentMethod

R = AccountRole
D = date
ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"


def _policy(on: date = D(2016, 1, 1), *rates: str) -> AllowancePolicy:
    current, d30, d60, d90, over = rates or ("0.01", "0.1", "0.25", "0.5", "1")
    return AllowancePolicy(
        effective_from=on,
        current=Decimal(current),
        days_1_30=Decimal(d30),
        days_31_60=Decimal(d60),
        days_61_90=Decimal(d90),
        over_90=Decimal(over),
    )


def _setup(ledger: Ledger) -> Ledger:
    c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "丰宁县幸福工程资金", org=c)
    ledger.contribute("FN", amount=yuan("300000"), on=D(2016, 1, 5), receipt="D-1")
    for code, nid in (("H1", ID_1), ("H2", ID_2)):
        ledger.register_household(
            "FN", code=code, mother_name="某", national_id=nid, registered_on=D(2016, 1, 1)
        )
    ledger.open_batch("FN", code="B1", on=D(2016, 3, 1))
    ledger.set_policy(
        "FN",
        Policy(
            effective_from=D(2016, 1, 1),
            min_amount=yuan("1"),
            max_amount=yuan("50000"),
            min_term_months=1,
            max_term_months=36,
            max_loans_per_household=99,
            max_active_loans_per_household=99,
            guarantee_required=False,
        ),
    )
    return ledger


@pytest.fixture
def county(ledger: Ledger) -> Any:
    return _setup(ledger)


def _terms(amount: str, term: int, start: date = D(2016, 3, 10)) -> LoanTerms:
    return LoanTerms(principal=yuan(amount), start=start, term=term, method=RepaymentMethod.EQUAL_PRINCIPAL)


def _lines(entry: Any) -> list[tuple[str, int]]:
    return [(str(line.account), line.amount.fen) for line in entry.lines]


# ---- finding 4: the write-off is charged to the allowance whole ---------------------------------------
def test_a_write_off_larger_than_the_allowance_is_charged_to_it_whole(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms("3000", 3))
    county.provide("FN", amount=yuan("1000"), on=D(2016, 12, 31))
    county.write_off("FN", "L1", on=D(2017, 1, 10), approval_ref="县协〔2017〕3号", reason="借款人死亡")
    # Dr 坏账准备 3,000 / Cr 其他应收款 3,000: no 坏账损失 on the write-off itself (the entry after it, if
    # any, is the posted release of the restriction the loan's money carried: issue 11, finding 2)
    assert _lines(county.entries("FN", kind="write_off")[-1]) == [
        ("bad_debt_allowance", 300_000),
        ("loans_receivable[L1]", -300_000),
    ]
    # the allowance now shows a debit balance of 2,000 (1,000 credit − 3,000 debit) until the next true-up
    assert county.balance("FN", R.BAD_DEBT_ALLOWANCE) == yuan("2000")
    assert county.balance("FN", R.BAD_DEBT_EXPENSE) == yuan("1000")
    assert county.check() == []


# ---- finding 3: the recovery goes back through the allowance ------------------------------------------
def test_recovery_after_write_off_reinstates_the_receivable_through_the_allowance(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms("3000", 3))
    county.provide("FN", amount=yuan("3000"), on=D(2016, 12, 31))
    county.write_off("FN", "L1", on=D(2017, 1, 10), approval_ref="县协〔2017〕3号", reason="借款人死亡")
    receipt = county.recover("FN", "L1", amount=yuan("400"), on=D(2017, 6, 1), receipt="V-1")
    # Dr 其他应收款 400 / Cr 坏账准备 400, then Dr 银行存款 400 / Cr 其他应收款 400
    assert _lines(county.entries("FN")[-1]) == [
        ("loans_receivable[L1]", 40_000),
        ("bad_debt_allowance", -40_000),
        ("fund_cash", 40_000),
        ("loans_receivable[L1]", -40_000),
    ]
    assert county.balance("FN", R.RECOVERY_REVENUE) == yuan("0")
    assert county.balance("FN", R.BAD_DEBT_ALLOWANCE) == yuan("-400")  # a credit of 400 again
    assert county.balance("FN", R.LOANS_RECEIVABLE) == yuan("0")
    assert receipt.amount == yuan("400")
    assert county.write_off_register("FN")[0].recovered == yuan("400")
    assert county.figures("FN").recovered_after_write_off == yuan("400")
    assert county.loan("FN", "L1").written_off == yuan("3000")
    assert county.check() == []


# ---- the required allowance and the true-up -----------------------------------------------------------
def test_true_up_raises_then_lowers_the_allowance_to_the_required_amount(county: Ledger) -> None:
    county.set_allowance_policy("FN", _policy())
    # L1 1,200 over 12 months from 03-10 (100 due each 10th from 04-10); L2 3,000 over 3 months
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms("1200", 12))
    county.disburse("FN", number="L2", household="H2", batch="B1", terms=_terms("3000", 3))
    county.repay("FN", "L2", amount=yuan("1000"), on=D(2016, 4, 10), receipt="R-1")
    # on 2016-05-31: L1 owes 1,200, 04-10 unpaid → 51 days late → 31–60 at 25 % = 300.00
    #                L2 owes 2,000, 05-10 unpaid → 21 days late → 1–30 at 10 % = 200.00
    up = county.true_up_allowance("FN", on=D(2016, 5, 31))
    assert up.required.total == yuan("500")
    assert (up.balance_before, up.adjustment) == (yuan("0"), yuan("500"))
    assert up.entry is not None
    assert _lines(up.entry) == [("bad_debt_expense", 50_000), ("bad_debt_allowance", -50_000)]
    assert county.balance("FN", R.BAD_DEBT_ALLOWANCE) == yuan("-500")
    # L2 pays all it owes on 06-01; on 06-30 L1 is 81 days late (61–90 at 50 %: 600), L2 owes nothing
    county.repay("FN", "L2", amount=yuan("2000"), on=D(2016, 6, 1), receipt="R-2")
    county.repay("FN", "L1", amount=yuan("1200"), on=D(2016, 6, 2), receipt="R-3")
    # now L1 is repaid too: the required allowance is 0 and the true-up reverses (冲减) all 500
    down = county.true_up_allowance("FN", on=D(2016, 6, 30))
    assert down.required.total == yuan("0")
    assert (down.balance_before, down.adjustment) == (yuan("500"), yuan("-500"))
    assert down.entry is not None
    assert _lines(down.entry) == [("bad_debt_allowance", 50_000), ("bad_debt_expense", -50_000)]
    assert county.balance("FN", R.BAD_DEBT_ALLOWANCE) == yuan("0")
    # a second true-up on the same day finds nothing to do and posts nothing
    before = snapshot(county.engine)  # type: ignore[arg-type]
    again = county.true_up_allowance("FN", on=D(2016, 6, 30))
    assert (again.adjustment, again.entry) == (yuan("0"), None)
    assert snapshot(county.engine) == before  # type: ignore[arg-type]
    assert county.check() == []


def test_true_up_restores_an_allowance_left_in_debit_by_a_write_off(county: Ledger) -> None:
    county.set_allowance_policy("FN", _policy())
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms("3000", 3))
    county.disburse("FN", number="L2", household="H2", batch="B1", terms=_terms("1000", 12))
    county.provide("FN", amount=yuan("1000"), on=D(2016, 12, 30))
    county.write_off("FN", "L1", on=D(2016, 12, 31), approval_ref="批", reason="失联")
    # debit 2,000 after the write-off; L2 owes 1,000, nothing paid, 04-10's due 265 days late → 100 %
    up = county.true_up_allowance("FN", on=D(2016, 12, 31))
    assert (up.balance_before, up.required.total, up.adjustment) == (
        yuan("-2000"),
        yuan("1000"),
        yuan("3000"),
    )
    assert county.balance("FN", R.BAD_DEBT_ALLOWANCE) == yuan("-1000")
    # a full recovery of L1 puts the allowance 3,000 above what is required until the next true-up
    county.recover("FN", "L1", amount=yuan("3000"), on=D(2017, 1, 5), receipt="V-1")
    assert county.balance("FN", R.BAD_DEBT_ALLOWANCE) == yuan("-4000")
    assert county.true_up_allowance("FN", on=D(2017, 1, 31)).adjustment == yuan("-3000")
    assert county.check() == []


def test_the_policy_in_force_and_the_default(county: Ledger) -> None:
    assert county.allowance_policy("FN", on=D(2016, 1, 1)) == DEFAULT_ALLOWANCE_POLICY
    county.set_allowance_policy("FN", _policy(D(2016, 1, 1)))
    county.set_allowance_policy("FN", _policy(D(2017, 1, 1), "0", "0.05", "0.2", "0.5", "0.8"))
    assert county.allowance_policy("FN", on=D(2016, 12, 31)).current == Decimal("0.01")
    assert county.allowance_policy("FN", on=D(2017, 1, 1)).over_90 == Decimal("0.8")
    # the same date again replaces that version
    county.set_allowance_policy("FN", _policy(D(2017, 1, 1), "0", "0", "0", "0", "0.9"))
    assert county.allowance_policy("FN", on=D(2018, 1, 1)).over_90 == Decimal("0.9")


def test_a_policy_that_is_not_one_is_refused_and_nothing_written(county: Ledger) -> None:
    before = snapshot(county.engine)  # type: ignore[arg-type]
    with pytest.raises(InvalidTerms):
        county.set_allowance_policy("FN", {"current": Decimal("0.01")})  # type: ignore[arg-type]
    assert snapshot(county.engine) == before  # type: ignore[arg-type]


def test_the_required_allowance_is_read_without_posting(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms("1200", 12))
    before = snapshot(county.engine)  # type: ignore[arg-type]
    # the default policy: on 2016-04-30 the 04-10 instalment is 20 days late → 1–30 at 10 % of 1,200
    required = county.required_allowance("FN", as_of=D(2016, 4, 30))
    assert (required.policy, required.total) == (DEFAULT_ALLOWANCE_POLICY, yuan("120"))
    assert required.line(AgeingBucket.DAYS_1_30).count == 1
    assert snapshot(county.engine) == before  # type: ignore[arg-type]
    assert county.true_up_allowance("FN", on=D(2016, 4, 30)).required == required


def test_policy_refusals() -> None:
    with pytest.raises(InvalidRate) as info:
        _policy(D(2016, 1, 1), "0.01", "0.1", "0.25", "0.5", "1.5")
    assert info.value.value == Decimal("1.5")
    with pytest.raises(InvalidRate):
        _policy(D(2016, 1, 1), "0.01", "0.1", "0.05", "0.5", "1")  # 31–60 below 1–30
    with pytest.raises(InvalidRate):
        AllowancePolicy(D(2016, 1, 1), 0.01, Decimal(0), Decimal(0), Decimal(0), Decimal(0))  # type: ignore[arg-type]
    with pytest.raises(InvalidRate):
        _policy(D(2016, 1, 1), "-0.01", "0.1", "0.25", "0.5", "1")


def test_refused_true_ups_and_provisions_write_nothing(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms("1200", 12))
    before = snapshot(county.engine)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        county.provide("FN", amount=yuan("-1"), on=D(2016, 5, 1))
    assert snapshot(county.engine) == before  # type: ignore[arg-type]


def test_true_up_in_a_closed_period_is_refused(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", terms=_terms("1200", 12))
    county.close_period("FN", through=D(2016, 6, 30))
    before = snapshot(county.engine)  # type: ignore[arg-type]
    with pytest.raises(PeriodClosed):
        county.true_up_allowance("FN", on=D(2016, 6, 30))
    assert snapshot(county.engine) == before  # type: ignore[arg-type]


# ---- the pure core ------------------------------------------------------------------------------------
def test_required_allowance_rounds_once_per_bucket() -> None:
    on = D(2016, 6, 30)
    policy = _policy(D(2016, 1, 1), "0.015", "0.015", "0.25", "0.5", "1")
    # three current loans of 0.33: 0.99 × 1.5 % = 1.485 fen → 1 fen for the bucket (per loan: 0.495 → 0 each)
    positions = [LoanPosition(on, LoanStatus.ACTIVE, Money(33), 0) for _ in range(3)]
    # a written-off or closed loan counts for nothing
    positions.append(LoanPosition(on, LoanStatus.WRITTEN_OFF, Money(0), 0))
    required = required_allowance(positions, policy)
    line = required.line(AgeingBucket.CURRENT)
    assert (line.count, line.outstanding, line.required) == (3, Money(99), Money(1))
    assert required.total == Money(1)
    assert allowance_policy_in_force([policy], D(2015, 12, 31)) == DEFAULT_ALLOWANCE_POLICY
    assert allowance_policy_in_force([policy], D(2016, 1, 1)) == policy


# ---- the property -------------------------------------------------------------------------------------
_RATE = st.sampled_from(["0", "0.01", "0.05", "0.1", "0.25", "0.333", "0.5", "0.75", "1"])


@st.composite
def _scenarios(draw: st.DrawFn) -> dict[str, Any]:
    rates = sorted(Decimal(r) for r in draw(st.lists(_RATE, min_size=5, max_size=5)))
    loans = draw(
        st.lists(
            st.tuples(
                st.integers(100, 500_000),  # principal, fen
                st.integers(1, 12),  # months
                st.sampled_from([RepaymentMethod.BULLET, RepaymentMethod.EQUAL_PRINCIPAL]),
                st.integers(0, 60),  # payout day after 2016-01-10
                st.lists(st.tuples(st.integers(1, 400), st.integers(1, 200_000)), max_size=4),  # repayments
            ),
            min_size=1,
            max_size=4,
        )
    )
    return {
        "rates": rates,
        "loans": loans,
        "days": draw(st.lists(st.integers(0, 700), min_size=1, max_size=3)),
        "write_off": draw(st.booleans()),
        "provision": draw(st.integers(0, 300_000)),
    }


def _independent_required(
    ledger: Ledger, policy: AllowancePolicy, paid: dict[str, list[tuple[date, int]]], on: date
) -> int:
    """Σ over buckets of round(Σ outstanding × rate), from each loan's principal, what the test repaid and
    the ledger's days past due, never through the allowance module."""
    by_bucket: dict[AgeingBucket, int] = {}
    rates = dict(
        zip(
            AgeingBucket,
            (policy.current, policy.days_1_30, policy.days_31_60, policy.days_61_90, policy.over_90),
            strict=True,
        )
    )
    for loan in ledger.loans("FN"):
        if loan.disbursed_on > on:
            continue
        if loan.status is LoanStatus.WRITTEN_OFF and loan.closed_on is not None and loan.closed_on <= on:
            continue
        outstanding = loan.principal.fen - sum(a for d, a in paid[loan.number] if d <= on)
        if outstanding <= 0:
            continue
        bucket = bucket_for(ledger.days_past_due("FN", loan, as_of=on))
        by_bucket[bucket] = by_bucket.get(bucket, 0) + outstanding
    return sum(
        int((Decimal(total) * rates[b]).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        for b, total in by_bucket.items()
    )


def _run_scenario(backend: str, scenario: dict[str, Any]) -> None:
    with ledger_on(backend) as ledger:
        _setup(ledger)
        r = scenario["rates"]
        policy = _policy(D(2016, 1, 1), *(str(x) for x in r))
        ledger.set_allowance_policy("FN", policy)
        paid: dict[str, list[tuple[date, int]]] = {}
        events: list[tuple[date, int, Any]] = []
        for k, (principal, months, method, start, repayments) in enumerate(scenario["loans"]):
            number = f"L{k}"
            out = D(2016, 1, 10) + timedelta(days=start)
            ledger.disburse(
                "FN", number=number, household="H1" if k % 2 else "H2", batch="B1",
                terms=LoanTerms(principal=Money(principal), start=out, term=months, method=method),
            )  # fmt: skip
            paid[number] = []
            left = principal
            for j, (after, wanted) in enumerate(sorted(repayments)):
                amount = min(wanted, left)
                if amount <= 0:
                    break
                on = out + timedelta(days=after)
                left -= amount
                paid[number].append((on, amount))
                events.append((on, 0, (number, Money(amount), f"R-{k}-{j}")))
        for on, _, (number, amount, receipt) in sorted(events, key=lambda e: e[0]):
            ledger.repay("FN", number, amount=amount, on=on, receipt=receipt)
        if scenario["provision"]:
            ledger.provide("FN", amount=Money(scenario["provision"]), on=D(2016, 1, 31))
        allowance = AccountRole.BAD_DEBT_ALLOWANCE
        last = D(2016, 1, 31)
        for day in sorted(scenario["days"]):
            on = max(D(2016, 1, 10) + timedelta(days=day), last)
            last = on
            ledger.true_up_allowance("FN", on=on)
            balance = -ledger.balance("FN", allowance, as_of=on).fen
            assert balance == _independent_required(ledger, policy, paid, on)
        last = max(last, D(2016, 3, 31))  # every loan is paid out by then
        if scenario["write_off"]:
            loan = next((ln for ln in ledger.loans("FN", status=LoanStatus.ACTIVE)), None)
            if loan is not None:
                held = ledger.balance("FN", allowance)
                ledger.write_off("FN", loan, on=last, approval_ref="批", reason="失联")
                ledger.recover(
                    "FN", loan, amount=ledger.loan("FN", loan.number).written_off, on=last, receipt="V-1"
                )
                # a write-off followed by a full recovery leaves the allowance where the true-up put it
                assert ledger.balance("FN", allowance) == held
        assert ledger.check() == []


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_after_a_true_up_the_allowance_equals_the_required_amount(backend_name: str) -> None:
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")
    base = settings()
    examples = max(5, int(base.max_examples * EXAMPLES[backend_name] * 0.2))

    @settings(base, max_examples=examples)
    @given(scenario=_scenarios())
    def run(scenario: dict[str, Any]) -> None:
        _run_scenario(backend_name, scenario)

    run()
