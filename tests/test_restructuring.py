"""Restructuring (展期) that cannot hide arrears: the approval, the maturity and count rules of the
fund's policy, the loan marked restructured for good, PAR30 + restructured, and a collection rate
that an extension does not reset. On both backends.

Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from revolve import Ledger, OrgLevel, yuan
from revolve.guarantees import GuarantorKind
from revolve.metrics import period_figures
from revolve.ratios import Ratio
from revolve.schedule import LoanTerms, RepaymentMethod

D = date
ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"


@pytest.fixture
def county(ledger: Ledger) -> Any:
    """A county fund with ¥300,000 of donations, two households, a batch and a village committee."""
    c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "丰宁县幸福工程资金", org=c)
    ledger.contribute("FN", amount=yuan("300000"), on=D(2016, 1, 5), receipt="D-1")
    for code, name, nid in (("H1", "王秀英", ID_1), ("H2", "李桂兰", ID_2)):
        ledger.register_household("FN", code=code, mother_name=name, national_id=nid, registered_on=D(2016, 1, 1))
    ledger.open_batch("FN", code="B1", on=D(2016, 3, 1))
    ledger.register_guarantor(
        "FN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan("50000")
    )
    return ledger


def _lend(ledger: Ledger, number: str, household: str, amount: str = "6000", term: int = 6) -> None:
    terms = LoanTerms(
        principal=yuan(amount), start=D(2016, 3, 10), term=term, method=RepaymentMethod.EQUAL_PRINCIPAL
    )
    ledger.disburse("FN", number=number, household=household, batch="B1", terms=terms, guarantors=["VC"])


def test_an_extension_does_not_reset_the_collection_rate(county: Ledger) -> None:
    # ¥6,000 over 6 months from 2016-03-10: ¥1,000 falls due on the 10th of April … September.
    _lend(county, "L1", "H1")
    county.repay("FN", "L1", amount=yuan("1000"), on=D(2016, 4, 10), receipt="R-1")
    # May and June unpaid: by 2016-06-30 ¥3,000 had fallen due and ¥1,000 was repaid → 1,000 / 3,000
    before = period_figures(county.portfolio("FN"), start=D(2016, 4, 1), end=D(2016, 6, 30))
    assert before.recovery_rate == Ratio(yuan("1000"), yuan("3000"))
    county.extend("FN", "L1", on=D(2016, 6, 20), extra_periods=6)
    after = period_figures(county.portfolio("FN"), start=D(2016, 4, 1), end=D(2016, 6, 30))
    # the ¥2,000 of May and June fell due before the extension and stays due as it fell
    assert after.recovery_rate == Ratio(yuan("1000"), yuan("3000"))
