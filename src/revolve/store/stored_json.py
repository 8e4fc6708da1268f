"""The JSON text a few values are stored as: loan terms, subsidy caps and a policy's category rules.

Every field is kept, so that reading the text back gives a value equal to the one written; amounts are
whole fen, rates decimal strings. Text stored by an earlier revolve reads back unchanged: a field added
since is written only when it differs from what its absence meant.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from revolve.dates import DayCount, Frequency
from revolve.households import FamilyPlanningStatus
from revolve.money import Money
from revolve.policy import CategoryRule
from revolve.schedule import FeeTiming, InterestGrace, InterestMode, LoanTerms, RatePeriod, RepaymentMethod
from revolve.subsidy import SubsidyCaps

__all__ = [
    "caps_from_json",
    "caps_to_json",
    "categories_from_json",
    "categories_to_json",
    "terms_from_json",
    "terms_to_json",
]


def categories_to_json(rules: tuple[CategoryRule, ...]) -> str:
    """A policy's category rules as JSON text (amounts in fen); ``""`` for none."""
    if not rules:
        return ""
    return json.dumps(
        [
            {
                "category": r.category.value,
                "priority": r.priority,
                "max_amount": None if r.max_amount is None else r.max_amount.fen,
                "max_term_months": r.max_term_months,
            }
            for r in rules
        ],
        ensure_ascii=False,
    )


def categories_from_json(text: str | None) -> tuple[CategoryRule, ...]:
    """The category rules stored by :func:`categories_to_json`."""
    if not text:
        return ()
    return tuple(
        CategoryRule(
            category=FamilyPlanningStatus(r["category"]),
            priority=int(r["priority"]),
            max_amount=None if r["max_amount"] is None else Money(int(r["max_amount"])),
            max_term_months=None if r["max_term_months"] is None else int(r["max_term_months"]),
        )
        for r in json.loads(text)
    )


def terms_to_json(terms: LoanTerms) -> str:
    """Loan terms as JSON text: every field, so that :func:`terms_from_json` gives them back equal.

    An interest grace (宽限期) is written only when there is one, so the text of terms without one is the
    same as before interest grace existed (rows stored earlier read back unchanged).
    """
    grace: dict[str, object] = (
        {"interest_grace_periods": terms.interest_grace_periods, "interest_grace": terms.interest_grace.value}
        if terms.interest_grace_periods
        else {}
    )
    return json.dumps(
        {
            **grace,
            "principal": terms.principal.fen,
            "start": terms.start.isoformat(),
            "term": terms.term,
            "method": terms.method.value,
            "rate": str(terms.rate),
            "rate_period": terms.rate_period.value,
            "frequency": [terms.frequency.months, terms.frequency.days],
            "interest_mode": terms.interest_mode.value,
            "day_count": terms.day_count.value,
            "first_due": terms.first_due.isoformat() if terms.first_due else None,
            "day_of_month": terms.day_of_month,
            "due_dates": [d.isoformat() for d in terms.due_dates],
            "principal_amounts": [m.fen for m in terms.principal_amounts],
            "grace_periods": terms.grace_periods,
            "fee_rate": str(terms.fee_rate),
            "fee_timing": terms.fee_timing.value,
            "rounding": terms.rounding,
            "installment_multiple": terms.installment_multiple.fen if terms.installment_multiple else None,
        },
        sort_keys=True,
    )


def terms_from_json(text: str) -> LoanTerms:
    """The loan terms stored by :func:`terms_to_json` (rows without an interest grace have none)."""
    d = json.loads(text)
    return LoanTerms(
        principal=Money(d["principal"]),
        start=date.fromisoformat(d["start"]),
        term=d["term"],
        method=RepaymentMethod(d["method"]),
        rate=Decimal(d["rate"]),
        rate_period=RatePeriod(d["rate_period"]),
        frequency=Frequency(months=d["frequency"][0], days=d["frequency"][1]),
        interest_mode=InterestMode(d["interest_mode"]),
        day_count=DayCount(d["day_count"]),
        first_due=date.fromisoformat(d["first_due"]) if d["first_due"] else None,
        day_of_month=d["day_of_month"],
        due_dates=tuple(date.fromisoformat(x) for x in d["due_dates"]),
        principal_amounts=tuple(Money(x) for x in d["principal_amounts"]),
        grace_periods=d["grace_periods"],
        fee_rate=Decimal(d["fee_rate"]),
        fee_timing=FeeTiming(d["fee_timing"]),
        rounding=d["rounding"],
        installment_multiple=Money(d["installment_multiple"])
        if d["installment_multiple"] is not None
        else None,
        interest_grace_periods=d.get("interest_grace_periods", 0),
        interest_grace=InterestGrace(d.get("interest_grace", InterestGrace.WAIVED.value)),
    )


def caps_to_json(caps: SubsidyCaps) -> str:
    """Subsidy caps as JSON text."""
    fields: dict[str, object] = {
        "max_principal": caps.max_principal.fen,
        "max_rate": str(caps.max_rate),
        "max_days": caps.max_days,
        "share": str(caps.share),
    }
    if caps.max_per_household_year is not None:  # absent, the text is what it was before the cap existed
        fields["max_per_household_year"] = caps.max_per_household_year.fen
    return json.dumps(fields, sort_keys=True)


def caps_from_json(text: str) -> SubsidyCaps:
    """The subsidy caps stored by :func:`caps_to_json`."""
    d = json.loads(text)
    return SubsidyCaps(
        max_principal=Money(d["max_principal"]),
        max_rate=Decimal(d["max_rate"]),
        max_days=d["max_days"],
        share=Decimal(d["share"]),
        max_per_household_year=None
        if d.get("max_per_household_year") is None
        else Money(d["max_per_household_year"]),
    )
