"""Policy: a fund's programme rules, versions by effective date, and the loans they refuse."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revolve.errors import InvalidAmount, InvalidDate, InvalidTerms, MoneyTypeError, PolicyViolation
from revolve.money import Money, yuan
from revolve.policy import DEFAULT_POLICY, Policy, check_loan, loan_violations, policy_in_force

XIAMEN = Policy(
    effective_from=date(2017, 1, 1),
    min_amount=yuan("2万"),
    max_amount=yuan("10万"),
    min_term_months=12,
    max_term_months=24,
    max_loans_per_household=2,
    max_active_loans_per_household=1,
    guarantee_required=True,
    allowed_amounts=(yuan("10万"), yuan("2万"), yuan("5万")),  # domain.md §3.5, given unsorted
)

GOOD = {"amount": yuan("5000"), "term_months": 24, "prior_loans": 0, "active_loans": 0, "guaranteed": True}


def test_default_policy_figures_come_from_the_domain_rulebook() -> None:
    assert DEFAULT_POLICY.min_amount == yuan("1000")  # §3.1
    assert DEFAULT_POLICY.max_amount == yuan("50000")  # §3.3
    assert (DEFAULT_POLICY.min_term_months, DEFAULT_POLICY.max_term_months) == (1, 36)  # §4.1–4.5
    assert DEFAULT_POLICY.max_loans_per_household == 3  # §2.4
    assert DEFAULT_POLICY.max_active_loans_per_household == 1
    assert DEFAULT_POLICY.guarantee_required is True  # §8.1
    assert DEFAULT_POLICY.allowed_amounts == ()


def test_tiers_are_kept_sorted() -> None:
    assert XIAMEN.allowed_amounts == (yuan("2万"), yuan("5万"), yuan("10万"))
    assert dataclasses.replace(XIAMEN, allowed_amounts=[yuan("5万")]).allowed_amounts == (yuan("5万"),)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "error", "value"),
    [
        ({"min_amount": yuan("0")}, InvalidAmount, Money(0)),
        ({"max_amount": yuan("-1")}, InvalidAmount, yuan("-1")),
        ({"min_amount": 1000}, MoneyTypeError, 1000),
        ({"min_amount": yuan("20万"), "allowed_amounts": ()}, InvalidAmount, yuan("20万")),
        ({"min_term_months": 0}, InvalidTerms, 0),
        ({"min_term_months": 30}, InvalidTerms, 30),
        ({"max_term_months": 1.5}, InvalidTerms, 1.5),
        ({"max_loans_per_household": 0}, InvalidTerms, 0),
        ({"max_active_loans_per_household": 3}, InvalidTerms, 3),
        ({"guarantee_required": "yes"}, InvalidTerms, "yes"),
        ({"allowed_amounts": (yuan("3万"), yuan("20万"))}, InvalidAmount, yuan("20万")),
        ({"allowed_amounts": (yuan("5万"), yuan("5万"))}, InvalidAmount, (yuan("5万"), yuan("5万"))),
        ({"allowed_amounts": (50000,)}, MoneyTypeError, 50000),
        ({"effective_from": "2017-01-01"}, InvalidDate, "2017-01-01"),
    ],
)
def test_an_inconsistent_policy_is_refused(
    changes: dict[str, object], error: type[Exception], value: object
) -> None:
    with pytest.raises(error) as caught:
        dataclasses.replace(XIAMEN, **changes)  # type: ignore[arg-type]
    assert caught.value.value == value  # type: ignore[attr-defined]
    assert repr(value) in str(caught.value)


def test_policy_in_force_is_the_latest_version_by_the_date() -> None:
    later = dataclasses.replace(XIAMEN, effective_from=date(2019, 7, 1), max_term_months=36)
    versions = [later, XIAMEN]
    assert policy_in_force(versions, date(2016, 12, 31)) is DEFAULT_POLICY
    assert policy_in_force(versions, date(2017, 1, 1)) is XIAMEN
    assert policy_in_force(versions, date(2019, 6, 30)) is XIAMEN
    assert policy_in_force(versions, date(2019, 7, 1)) is later
    assert policy_in_force([], date(2019, 7, 1)) is DEFAULT_POLICY


def test_two_versions_on_one_day_are_refused() -> None:
    twin = dataclasses.replace(XIAMEN, max_term_months=36)
    with pytest.raises(InvalidDate) as caught:
        policy_in_force([XIAMEN, twin], date(2020, 1, 1))
    assert caught.value.value == date(2017, 1, 1)


@given(st.lists(st.integers(0, 3650), unique=True, max_size=8), st.integers(-10, 3660))
def test_policy_in_force_never_takes_a_future_version(offsets: list[int], day: int) -> None:
    base = date(2010, 1, 1)
    versions = [
        dataclasses.replace(DEFAULT_POLICY, effective_from=date.fromordinal(base.toordinal() + o))
        for o in offsets
    ]
    on = date.fromordinal(base.toordinal() + day)
    chosen = policy_in_force(versions, on)
    started = [o for o in offsets if o <= day]
    if started:
        assert chosen.effective_from == date.fromordinal(base.toordinal() + max(started))
    else:
        assert chosen is DEFAULT_POLICY


def test_an_allowed_loan_passes() -> None:
    check_loan(DEFAULT_POLICY, **GOOD)  # type: ignore[arg-type]
    assert loan_violations(DEFAULT_POLICY, **GOOD) == ()  # type: ignore[arg-type]
    check_loan(XIAMEN, **{**GOOD, "amount": yuan("5万"), "term_months": 12})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("policy", "changes", "rule", "value", "limit"),
    [
        (DEFAULT_POLICY, {"amount": yuan("999.99")}, "amount", yuan("999.99"), yuan("1000")),
        (DEFAULT_POLICY, {"amount": yuan("50000.01")}, "amount", yuan("50000.01"), yuan("50000")),
        (XIAMEN, {"amount": yuan("3万"), "term_months": 12}, "amount tier", yuan("3万"), None),
        (DEFAULT_POLICY, {"term_months": 37}, "term", 37, 36),
        (XIAMEN, {"amount": yuan("2万"), "term_months": 6}, "term", 6, 12),
        (DEFAULT_POLICY, {"prior_loans": 3}, "loans per household", 4, 3),
        (DEFAULT_POLICY, {"prior_loans": 2, "active_loans": 1}, "active loans", 2, 1),
        (DEFAULT_POLICY, {"guaranteed": False}, "guarantee", "absent", "required"),
    ],
)
def test_each_rule_is_named_when_broken(
    policy: Policy, changes: dict[str, object], rule: str, value: object, limit: object
) -> None:
    with pytest.raises(PolicyViolation) as caught:
        check_loan(policy, **{**GOOD, **changes})  # type: ignore[arg-type]
    assert caught.value.rule == rule
    assert caught.value.value == value
    if limit is not None:
        assert caught.value.limit == limit
    assert f"{rule} is {value}" in str(caught.value)


def test_the_tier_limit_lists_the_tiers() -> None:
    with pytest.raises(PolicyViolation) as caught:
        check_loan(XIAMEN, **{**GOOD, "amount": yuan("3万"), "term_months": 12})  # type: ignore[arg-type]
    assert caught.value.limit == "one of ¥20,000.00 / ¥50,000.00 / ¥100,000.00"


def test_an_unguaranteed_loan_passes_where_no_guarantee_is_required() -> None:
    # 扶贫/脱贫小额信贷 are 免担保 (domain.md §8.6): a fund following them sets guarantee_required=False.
    no_guarantee = dataclasses.replace(DEFAULT_POLICY, guarantee_required=False)
    check_loan(no_guarantee, **{**GOOD, "guaranteed": False})  # type: ignore[arg-type]


def test_all_violations_are_listed_in_order_and_check_raises_the_first() -> None:
    bad = {
        "amount": yuan("60000"),
        "term_months": 48,
        "prior_loans": 3,
        "active_loans": 1,
        "guaranteed": False,
    }
    found = loan_violations(DEFAULT_POLICY, **bad)  # type: ignore[arg-type]
    assert [v.rule for v in found] == ["amount", "term", "loans per household", "active loans", "guarantee"]
    with pytest.raises(PolicyViolation) as caught:
        check_loan(DEFAULT_POLICY, **bad)  # type: ignore[arg-type]
    assert caught.value.rule == "amount"


@pytest.mark.parametrize(
    ("changes", "error", "value"),
    [
        ({"amount": Money(0)}, InvalidAmount, Money(0)),
        ({"amount": 5000.0}, MoneyTypeError, 5000.0),
        ({"term_months": 0}, InvalidTerms, 0),
        ({"prior_loans": -1}, InvalidTerms, -1),
        ({"active_loans": 1}, InvalidTerms, 1),  # one active loan but no prior loans
        ({"guaranteed": 1}, InvalidTerms, 1),
    ],
)
def test_malformed_loan_input_is_refused_not_judged(
    changes: dict[str, object], error: type[Exception], value: object
) -> None:
    with pytest.raises(error) as caught:
        check_loan(DEFAULT_POLICY, **{**GOOD, **changes})  # type: ignore[arg-type]
    assert not isinstance(caught.value, PolicyViolation)
    assert caught.value.value == value  # type: ignore[attr-defined]


@given(
    st.integers(1, 10_000_000),
    st.integers(1, 60),
    st.integers(0, 5),
    st.integers(0, 5),
    st.booleans(),
)
def test_check_loan_refuses_exactly_when_a_rule_is_broken(
    amount_fen: int, term: int, prior: int, active: int, guaranteed: bool
) -> None:
    active = min(active, prior)
    amount = Money(amount_fen)
    broken = (
        not yuan("1000") <= amount <= yuan("50000")
        or not 1 <= term <= 36
        or prior >= 3
        or active >= 1
        or not guaranteed
    )
    args = {
        "amount": amount,
        "term_months": term,
        "prior_loans": prior,
        "active_loans": active,
        "guaranteed": guaranteed,
    }
    if broken:
        with pytest.raises(PolicyViolation):
            check_loan(DEFAULT_POLICY, **args)  # type: ignore[arg-type]
    else:
        check_loan(DEFAULT_POLICY, **args)  # type: ignore[arg-type]
