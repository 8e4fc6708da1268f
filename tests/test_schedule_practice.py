"""Schedules as the programmes practise them (issue 13): a long first period's extra interest in the
first instalment, 等本等息 (flat interest), and interest grace (宽限期) waived or deferred."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revolve.dates import Frequency, add_months, day_count_days, days_in_year
from revolve.errors import InvalidTerms
from revolve.money import yuan
from revolve.schedule import (
    InterestGrace,
    InterestMode,
    LoanTerms,
    RepaymentMethod,
    effective_annual_rate,
    generate_schedule,
    reschedule_extension,
)
from strategies import loan_terms

EI = RepaymentMethod.EQUAL_INSTALLMENT
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


# ---- a long first period (broken period): its extra interest goes into the first instalment ----------


def mortgage_with_a_long_first_period() -> LoanTerms:
    return LoanTerms(
        principal=yuan(1_000_000),
        start=date(2024, 1, 15),
        term=360,
        method=EI,
        rate=Decimal("0.049"),
        interest_mode=InterestMode.DAILY,
        first_due=date(2024, 3, 1),
    )


def test_a_long_first_period_is_not_refused_and_its_extra_interest_is_in_the_first_instalment() -> None:
    # Regression: this loan was refused ("no level instalment repays this loan…"): 46 days' interest
    # (1,000,000 × 4.9 % × 46 / 360 = 6,261.11) exceeded the exact annuity's level.
    terms = mortgage_with_a_long_first_period()
    schedule = generate_schedule(terms)
    first, second = schedule.installments[:2]
    # The regular first period is 1 Feb → 1 Mar (29 days): its interest 1,000,000 × 0.049 × 29 / 360
    # = 3,947.22; the actual 46 days earn 6,261.11, so the extra is 2,313.89.
    assert first.interest == yuan("6261.11")
    assert first.total.fen - second.total.fen == yuan("6261.11").fen - yuan("3947.22").fen
    # The level is computed as if the first period were regular (1 Feb → 1 Mar), so every instalment
    # from the second to the last but one is that level.
    level = second.total
    assert {item.total for item in schedule.installments[1:-1]} == {level}
    assert schedule.total_principal == terms.principal


@PROPERTY_SETTINGS
@given(
    start=st.dates(date(2000, 1, 1), date(2035, 12, 31)),
    offset=st.integers(1, 120),
    term=st.integers(2, 360),
    basis_points=st.integers(0, 1500),
    principal_yuan=st.integers(1, 5_000_000),
    frequency_months=st.sampled_from([1, 3]),
)
def test_every_first_due_offset_gives_a_schedule_with_the_extra_interest_first(
    start: date, offset: int, term: int, basis_points: int, principal_yuan: int, frequency_months: int
) -> None:
    # The whole class: any start and first due date (short or long first period), any rate, any term.
    # up to 30 years; a level principal of at least ¥1 a period (room for the level, tests/strategies.py)
    # and rate × years ≤ 3.5: beyond about 4 (14 % over 30 years) a 31-day month's interest exceeds the
    # level on any daily-interest annuity, broken first period or not (docs/schedules.md, "Dates")
    term = min(term, 360 // frequency_months)
    if basis_points:
        term = min(term, max(2, 420_000 // (basis_points * frequency_months)))
    principal = yuan(max(principal_yuan, 3 * term * term // 100 + 1))
    terms = LoanTerms(
        principal=principal,
        start=start,
        term=term,
        method=EI,
        rate=Decimal(basis_points).scaleb(-4),
        interest_mode=InterestMode.DAILY,
        frequency=Frequency.every_months(frequency_months),
        first_due=start + timedelta(days=offset),
    )
    schedule = generate_schedule(terms)
    items = schedule.installments
    assert schedule.total_principal == principal
    assert all(item.principal.is_positive() for item in items)
    first_due = items[0].due_date
    regular_start = add_months(first_due, -frequency_months)
    rate = terms.rate
    if start < regular_start and term > 2:
        # the broken period's extra interest rides on the first instalment; the others are level
        actual = principal.fen * rate * (first_due - start).days / 360
        regular = principal.fen * rate * (first_due - regular_start).days / 360
        assert items[0].interest.fen == int(actual.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        extra = items[0].interest.fen - int(regular.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        assert items[0].total.fen == items[1].total.fen + extra
    if term > 2:
        assert {item.total for item in items[1:-1]} == {items[1].total}


# ---- 等本等息: flat interest on the original principal --------------------------------------------------

FLAT = RepaymentMethod.FLAT


def test_flat_interest_hand_checked() -> None:
    # ¥10,000 over 12 months at 12 % a year (月息 1 %): interest 10,000 × 12 % × 12/12 = 1,200.00 in all,
    # 100.00 a month; principal 10,000/12 = 833.33 (the last 10,000 − 11 × 833.33 = 833.37).
    terms = LoanTerms(
        principal=yuan(10_000), start=date(2024, 1, 15), term=12, method=FLAT, rate=Decimal("0.12")
    )
    schedule = generate_schedule(terms)
    assert {item.interest for item in schedule.installments} == {yuan(100)}
    assert [item.total for item in schedule.installments] == [yuan("933.33")] * 11 + [yuan("933.37")]
    assert schedule.total_interest == yuan(1200)


def test_flat_interest_rounded_to_ten_yuan() -> None:
    # (10,000 + 1,200) / 12 = 933.33 → ¥930 an instalment: interest 100.00 and principal 830.00;
    # the last repays 10,000 − 11 × 830 = 870.00 with its 100.00 interest.
    terms = LoanTerms(
        principal=yuan(10_000), start=date(2024, 1, 15), term=12, method=FLAT, rate=Decimal("0.12"),
        installment_multiple=yuan(10),
    )  # fmt: skip
    schedule = generate_schedule(terms)
    assert [item.total for item in schedule.installments] == [yuan(930)] * 11 + [yuan(970)]
    assert schedule.total_principal == yuan(10_000)


def test_flat_interest_with_a_multiple_too_coarse_is_refused() -> None:
    terms = LoanTerms(
        principal=yuan(100), start=date(2024, 1, 15), term=12, method=FLAT, rate=Decimal("0.12"),
        installment_multiple=yuan(100),
    )  # fmt: skip
    with pytest.raises(InvalidTerms, match="installment_multiple"):
        generate_schedule(terms)


def _rounded(value: Fraction, mode: str) -> int:
    floor = value.numerator // value.denominator
    rest = value - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and (mode == ROUND_HALF_UP or floor % 2)):
        return floor + 1
    return floor


@PROPERTY_SETTINGS
@given(loan_terms(methods=(FLAT,)))
def test_flat_interest_totals_principal_times_rate_times_years(terms: LoanTerms) -> None:
    # P × R × years, rounded once to the fen with the terms' rounding mode; years are the term's periods
    # over periods per year (per-period mode) or its days over the day count's year (daily mode).
    schedule = generate_schedule(terms)
    frequency = terms.frequency
    if terms.interest_mode is InterestMode.DAILY:
        years = Fraction(
            day_count_days(terms.start, schedule.maturity_date, terms.day_count),
            days_in_year(terms.day_count),
        )
    elif frequency.months:
        years = Fraction(terms.term * frequency.months, 12)
    else:
        years = Fraction(terms.term * frequency.days, days_in_year(terms.day_count))
    expected = _rounded(terms.principal.fen * Fraction(terms.annual_rate) * years, terms.rounding)
    assert schedule.total_interest.fen == expected
    interest = [item.interest.fen for item in schedule.installments]
    assert len(set(interest[:-1])) <= 1  # split equally; the last takes the remainder
    assert all(item.principal.is_positive() for item in schedule.installments)


# ---- interest grace (宽限期): waived or deferred ----------------------------------------------------------


def test_interest_grace_waived_and_deferred_hand_checked() -> None:
    # ¥12,000 等额本金 over 6 months at 6 %: interest 60, 50, 40, 30, 20, 10. Two months' grace:
    # waived → 0, 0, 40, 30, 20, 10; deferred → the 110.00 spread over 4 = 27.50 each
    # → 0, 0, 67.50, 57.50, 47.50, 37.50.
    terms = LoanTerms(
        principal=yuan(12_000), start=date(2024, 1, 31), term=6, method=RepaymentMethod.EQUAL_PRINCIPAL,
        rate=Decimal("0.06"), interest_grace_periods=2,
    )  # fmt: skip
    waived = generate_schedule(terms)
    assert [item.interest for item in waived.installments] == [yuan(x) for x in (0, 0, 40, 30, 20, 10)]
    deferred = generate_schedule(replace(terms, interest_grace=InterestGrace.DEFERRED))
    assert [item.interest for item in deferred.installments] == [
        yuan(x) for x in ("0", "0", "67.50", "57.50", "47.50", "37.50")
    ]
    assert {item.principal for item in deferred.installments} == {yuan(2000)}
    assert deferred.total_interest == yuan(210)


@PROPERTY_SETTINGS
@given(
    loan_terms(
        methods=(RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL, FLAT),
        interest_grace=True,
    )
)
def test_interest_grace_is_never_due_when_waived_and_all_paid_when_deferred(terms: LoanTerms) -> None:
    schedule = generate_schedule(terms)
    plain = generate_schedule(replace(terms, interest_grace_periods=0))
    k = terms.interest_grace_periods
    items = schedule.installments
    assert schedule.total_principal == terms.principal
    assert [item.principal for item in items] == [item.principal for item in plain.installments]
    assert all(item.interest.is_zero() for item in items[:k])
    assert all(item.total.is_positive() for item in items)  # no ¥0.00 instalment
    grace_interest = sum(item.interest.fen for item in plain.installments[:k])
    if terms.interest_grace is InterestGrace.WAIVED:
        assert schedule.total_interest.fen == plain.total_interest.fen - grace_interest
        assert [item.interest for item in items[k:]] == [item.interest for item in plain.installments[k:]]
    else:
        assert schedule.total_interest == plain.total_interest  # deferred: all paid by maturity
        extra = [
            a.interest.fen - b.interest.fen for a, b in zip(items[k:], plain.installments[k:], strict=True)
        ]
        assert min(extra) >= 0
        assert len(set(extra[:-1])) <= 1  # spread equally; the last takes the remainder


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"interest_grace_periods": 12}, "interest_grace_periods"),
        ({"interest_grace_periods": -1}, "interest_grace_periods"),
        ({"interest_grace_periods": True}, "interest_grace_periods"),
        ({"interest_grace_periods": 2, "grace_periods": 1}, "interest_grace_periods"),
        ({"interest_grace_periods": 2, "method": RepaymentMethod.BULLET}, "interest_grace_periods"),
        ({"interest_grace_periods": 2, "method": RepaymentMethod.INTEREST_ONLY}, "interest_grace_periods"),
        ({"interest_grace": "forgotten"}, "interest_grace"),
        ({"grace_periods": 2, "method": FLAT}, "grace_periods"),
    ],
)
def test_bad_interest_grace_is_refused_with_the_value(changes: dict[str, object], field: str) -> None:
    base: dict[str, object] = {
        "principal": yuan(12_000), "start": date(2024, 1, 31), "term": 12,
        "method": RepaymentMethod.EQUAL_PRINCIPAL, "rate": Decimal("0.06"),
    }  # fmt: skip
    with pytest.raises(InvalidTerms) as refused:
        LoanTerms(**{**base, **changes})  # type: ignore[arg-type]
    assert refused.value.field == field


def test_strings_name_the_new_choices() -> None:
    terms = LoanTerms(
        principal=yuan(1200), start=date(2024, 1, 1), term=12, method="flat",  # type: ignore[arg-type]
        interest_grace_periods=1, interest_grace="deferred",  # type: ignore[arg-type]
    )  # fmt: skip
    assert (terms.method, terms.interest_grace) == (FLAT, InterestGrace.DEFERRED)


def test_rescheduling_keeps_the_remaining_waived_grace_and_refuses_to_drop_deferred_interest() -> None:
    terms = LoanTerms(
        principal=yuan(12_000), start=date(2024, 1, 31), term=6, method=RepaymentMethod.EQUAL_PRINCIPAL,
        rate=Decimal("0.06"), interest_grace_periods=3,
    )  # fmt: skip
    extended = reschedule_extension(terms, on=date(2024, 2, 29), outstanding=yuan(10_000), extra_periods=2)
    assert extended.terms.interest_grace_periods == 2  # 31 March and 30 April are still in the grace
    deferred = replace(terms, interest_grace=InterestGrace.DEFERRED)
    with pytest.raises(InvalidTerms, match="deferred"):
        reschedule_extension(deferred, on=date(2024, 2, 29), outstanding=yuan(10_000), extra_periods=2)


# ---- stored terms: the new fields round-trip, old rows read back, a retry is still recognised -----------


def test_terms_json_round_trips_the_new_fields_and_old_rows_read_back() -> None:
    from revolve.store.rows import terms_from_json, terms_to_json

    plain = LoanTerms(principal=yuan(1200), start=date(2024, 1, 1), term=12, method=FLAT, rate=Decimal("0.1"))
    graced = replace(plain, interest_grace_periods=3, interest_grace=InterestGrace.DEFERRED)
    for terms in (plain, graced):
        assert terms_from_json(terms_to_json(terms)) == terms
    # terms without an interest grace are written exactly as before it existed
    assert "interest_grace" not in terms_to_json(plain)
    old_row = terms_to_json(replace(plain, method=RepaymentMethod.EQUAL_PRINCIPAL))
    assert terms_from_json(old_row).interest_grace_periods == 0


def test_a_flat_loan_with_deferred_grace_is_stored_and_read_back(ledger: Any) -> None:
    from revolve import OrgLevel
    from revolve.guarantees import GuarantorKind

    org = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "丰宁县幸福工程资金", org=org)
    ledger.contribute("FN", amount=yuan(300_000), on=date(2016, 1, 5), receipt="D-1")
    ledger.register_household(
        "FN",
        code="H1",
        mother_name="王秀英",
        national_id="11010519491231002X",
        registered_on=date(2016, 1, 1),
    )
    ledger.open_batch("FN", code="B1", on=date(2016, 3, 1))
    ledger.register_guarantor(
        "FN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan(15000)
    )
    terms = LoanTerms(
        principal=yuan(6000), start=date(2016, 3, 10), term=12, method=FLAT, rate=Decimal("0.06"),
        interest_grace_periods=3, interest_grace=InterestGrace.DEFERRED,
    )  # fmt: skip
    loan = ledger.disburse(
        "FN", number="L1", household="H1", batch="B1", terms=terms, guarantors=["VC"], idempotency_key="k1"
    )
    again = ledger.disburse(
        "FN", number="L1", household="H1", batch="B1", terms=terms, guarantors=["VC"], idempotency_key="k1"
    )
    assert again.id == loan.id  # a faithful retry is recognised
    expected = generate_schedule(terms).installments
    stored = ledger.schedule("FN", "L1")
    # 6,000 × 6 % = 360.00 of interest, 30.00 a month; the first 3 months' 90.00 deferred over the other 9
    assert [d.interest for d in stored] == [item.interest for item in expected]
    assert [d.interest for d in stored][:4] == [yuan(0)] * 3 + [yuan(40)]
    assert sum(d.interest.fen for d in stored) == yuan(360).fen


# ---- the effective annual rate (实际年化利率) -------------------------------------------------------------


def test_the_effective_annual_rate_of_flat_interest_is_about_double_the_nominal() -> None:
    # 12 % flat over 12 months: the monthly IRR of 933.33 a month on 10,000 is 1.7917 %, so about
    # 1.017917^12 − 1 = 23.7 % a year compounded (actual days move it by a few hundredths).
    flat = LoanTerms(
        principal=yuan(10_000), start=date(2024, 1, 15), term=12, method=FLAT, rate=Decimal("0.12")
    )
    assert Decimal("0.2355") <= effective_annual_rate(generate_schedule(flat)) <= Decimal("0.2385")
    # the same nominal rate on the declining balance (等额本息): 1.01^12 − 1 = 12.68 %
    annuity = replace(flat, method=EI)
    assert abs(effective_annual_rate(generate_schedule(annuity)) - Decimal("0.1268")) <= Decimal("0.0005")
    # interest-free and fee-free: nothing
    assert effective_annual_rate(generate_schedule(replace(flat, rate=Decimal(0)))) == 0
