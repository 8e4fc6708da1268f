"""Restructuring (展期) that cannot hide arrears: the approval, the maturity and count rules of the
fund's policy, the loan marked restructured for good, PAR30 + restructured, and a collection rate
that an extension does not reset. On both backends.

Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ledger_on
from revolve import Ledger, OrgLevel, fen, yuan
from revolve.errors import ExtensionAfterMaturity, ExtensionLimitReached, InvalidEntry, InvalidTerms
from revolve.guarantees import GuarantorKind
from revolve.metrics import combine, period_figures
from revolve.policy import DEFAULT_POLICY
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
        ledger.register_household(
            "FN", code=code, mother_name=name, national_id=nid, registered_on=D(2016, 1, 1)
        )
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
    _extend(county, "L1", D(2016, 6, 20))
    after = period_figures(county.portfolio("FN"), start=D(2016, 4, 1), end=D(2016, 6, 30))
    # the ¥2,000 of May and June fell due before the extension and stays due as it fell
    assert after.recovery_rate == Ratio(yuan("1000"), yuan("3000"))


def _extend(ledger: Ledger, number: str, on: date, extra: int = 6, ref: str = "丰妇发〔2016〕7号") -> Any:
    return ledger.extend(
        "FN", number, on=on, extra_periods=extra, approval_ref=ref, approved_by="县妇联 张主任"
    )


def test_an_extension_needs_an_approval_and_writes_nothing_without_one(county: Ledger) -> None:
    _lend(county, "L1", "H1")
    for ref, by in (("", "县妇联"), ("  ", "县妇联"), ("丰妇发〔2016〕7号", "")):
        with pytest.raises(InvalidEntry):
            county.extend("FN", "L1", on=D(2016, 6, 20), extra_periods=6, approval_ref=ref, approved_by=by)
    assert len(county.schedule_versions("FN", "L1")) == 1
    assert not county.loan("FN", "L1").restructured


def test_an_extension_marks_the_loan_restructured_for_good(county: Ledger) -> None:
    _lend(county, "L1", "H1")
    county.repay("FN", "L1", amount=yuan("1000"), on=D(2016, 4, 10), receipt="R-1")
    version = _extend(county, "L1", D(2016, 6, 20))
    assert (version.reason, version.approval_ref, version.approved_by) == (
        "extension",
        "丰妇发〔2016〕7号",
        "县妇联 张主任",
    )
    _extend(county, "L1", D(2016, 8, 1), extra=2, ref="丰妇发〔2016〕9号")
    ln = county.loan("FN", "L1")
    assert (ln.restructured, ln.restructured_on, ln.extensions, ln.extension_ref, ln.extended_on) == (
        True,
        D(2016, 6, 20),
        2,
        "丰妇发〔2016〕9号",
        D(2016, 8, 1),
    )
    # repaid in full: closed, and still restructured
    county.repay("FN", "L1", amount=yuan("5000"), on=D(2016, 8, 10), receipt="R-2")
    ln = county.loan("FN", "L1")
    assert ln.status == "closed" and ln.restructured and ln.extensions == 2


def test_an_extension_after_maturity_is_refused_unless_the_policy_allows_it(county: Ledger) -> None:
    _lend(county, "L1", "H1")  # last due date 2016-09-10
    with pytest.raises(ExtensionAfterMaturity) as refused:
        _extend(county, "L1", D(2016, 9, 11))
    assert (refused.value.maturity, refused.value.on) == (D(2016, 9, 10), D(2016, 9, 11))
    assert "extension_after_maturity" in str(refused.value)
    assert len(county.schedule_versions("FN", "L1")) == 1 and county.loan("FN", "L1").extensions == 0
    _extend(county, "L1", D(2016, 9, 10))  # on the maturity itself: allowed
    county.set_policy(
        "FN", replace(DEFAULT_POLICY, effective_from=D(2016, 1, 1), extension_after_maturity=True)
    )
    _lend(county, "L2", "H2")
    assert _extend(county, "L2", D(2016, 10, 1)).version == 2


def test_extensions_are_counted_against_the_policy_limit(county: Ledger) -> None:
    county.set_policy("FN", replace(DEFAULT_POLICY, effective_from=D(2016, 1, 1), max_extensions=1))
    _lend(county, "L1", "H1")
    _extend(county, "L1", D(2016, 5, 1))
    with pytest.raises(ExtensionLimitReached) as refused:
        _extend(county, "L1", D(2016, 6, 1), ref="丰妇发〔2016〕9号")
    assert (refused.value.count, refused.value.limit, refused.value.loan) == (1, 1, "L1")
    assert "max_extensions" in str(refused.value)
    assert len(county.schedule_versions("FN", "L1")) == 2 and county.loan("FN", "L1").extensions == 1
    # the policy in force on the extension's date decides: a later policy allowing two lets it through
    county.set_policy("FN", replace(DEFAULT_POLICY, effective_from=D(2016, 6, 1), max_extensions=2))
    assert _extend(county, "L1", D(2016, 6, 1), ref="丰妇发〔2016〕9号").version == 3


def _quarter(ledger: Ledger, end: date = D(2016, 6, 30)) -> Any:
    return period_figures(ledger.portfolio("FN"), start=D(2016, 4, 1), end=end)


def test_par30_plus_restructured_keeps_the_arrears_an_extension_takes_out_of_par30(county: Ledger) -> None:
    _lend(county, "L1", "H1")
    _lend(county, "L2", "H2")
    county.repay("FN", "L1", amount=yuan("1000"), on=D(2016, 4, 10), receipt="R-1")
    for n, day in enumerate((D(2016, 4, 10), D(2016, 5, 10), D(2016, 6, 10))):
        county.repay("FN", "L2", amount=yuan("1000"), on=day, receipt=f"R-2-{n}")
    # 2016-06-30: L1 owes ¥5,000, late since 2016-05-10 (51 days); L2 owes ¥3,000 and is current
    before = _quarter(county)
    assert before.par30 == Ratio(yuan("5000"), yuan("8000"))
    assert before.par30_restructured == Ratio(yuan("5000"), yuan("8000"))
    _extend(county, "L1", D(2016, 6, 20))
    after = _quarter(county)
    # the extension puts L1 on a new schedule: not late under it, so PAR30 falls to nothing …
    assert after.par30 == Ratio(yuan("0"), yuan("8000"))
    # … but L1 is restructured, and PAR30 + restructured still holds its ¥5,000
    assert (after.loans_restructured, after.restructured_outstanding) == (1, yuan("5000"))
    assert after.par30_restructured == Ratio(yuan("5000"), yuan("8000"))
    assert county.days_past_due("FN", "L1", as_of=D(2016, 6, 30)) == 0  # counted on the new schedule
    # two funds' figures combine: the parts add and the rate is recomputed
    both = combine([after, after])
    assert both.par30_restructured == Ratio(yuan("10000"), yuan("16000")) and both.loans_restructured == 2
    # a quarter that ended before the extension is as it was
    assert _quarter(county, D(2016, 6, 19)).par30_restructured == _quarter(county, D(2016, 6, 19)).par30


def test_a_restructured_loan_late_again_is_counted_once(county: Ledger) -> None:
    _lend(county, "L1", "H1")
    _extend(county, "L1", D(2016, 4, 1))  # 6 remaining + 6 more: ¥500 from 2016-04-10 monthly
    q3 = period_figures(county.portfolio("FN"), start=D(2016, 7, 1), end=D(2016, 9, 30))
    # nothing paid: late since 2016-04-10, in PAR30 with its ¥6,000, and not again as restructured
    assert q3.par30 == Ratio(yuan("6000"), yuan("6000"))
    assert q3.restructured_outstanding == yuan("0") and q3.loans_restructured == 1
    assert q3.par30_restructured == Ratio(yuan("6000"), yuan("6000"))


def test_the_reports_show_the_extension(county: Ledger) -> None:
    from revolve.reports import build_loan_register, build_quarterly, build_statement, render

    _lend(county, "L1", "H1")
    county.repay("FN", "L1", amount=yuan("1000"), on=D(2016, 4, 10), receipt="R-1")
    _extend(county, "L1", D(2016, 6, 20))
    q = build_quarterly(county, year=2016, quarter=2, fund="FN")
    assert q.fact("par30_restructured") == Ratio(yuan("5000"), yuan("5000"))
    assert q.fact("loans_restructured") == 1
    assert "PAR30＋展期" in render(q, "text")
    register = build_loan_register(county, "FN", as_of=D(2016, 6, 30))
    assert register.fact("loans_restructured") == 1
    assert "展期" in render(register, "text") and "2016-06-20" in render(register, "text")
    assert build_loan_register(county, "FN", as_of=D(2016, 6, 1)).fact("loans_restructured") == 0
    statement = build_statement(county, "FN", "L1", as_of=D(2016, 6, 30))
    assert (statement.fact("restructured_on"), statement.fact("extensions")) == (D(2016, 6, 20), 1)
    assert statement.fact("extension_ref") == "丰妇发〔2016〕7号"
    # a second extension: a statement of the earlier date still shows one, a later one both
    _extend(county, "L1", D(2016, 8, 1), extra=2, ref="丰妇发〔2016〕9号")
    assert build_statement(county, "FN", "L1", as_of=D(2016, 6, 30)).fact("extensions") == 1
    later = build_statement(county, "FN", "L1", as_of=D(2016, 8, 31))
    assert (later.fact("restructured_on"), later.fact("extensions")) == (D(2016, 6, 20), 2)
    assert later.fact("extension_ref") == "丰妇发〔2016〕9号"
    assert "展期次数" in render(later, "text")
    with pytest.raises(KeyError):  # before any extension the statement has no 展期 lines
        build_statement(county, "FN", "L1", as_of=D(2016, 6, 1)).fact("extensions")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    principal=st.integers(12, 600).map(lambda n: n * 10_000),  # ¥1,200 … ¥60,000 in ¥100s
    term=st.integers(3, 12),
    paid=st.data(),
    extend_after=st.integers(0, 400),  # days after the start, folded into the loan's term
    extra=st.integers(1, 6),
)
def test_an_extension_never_lowers_what_had_fallen_due(
    principal: int, term: int, paid: st.DataObject, extend_after: int, extra: int
) -> None:
    """For random loans, repayments and extensions: every figure of a period ending before the extension
    is as it was; after it, principal fallen due never falls below what it was the day before, the 回收率
    never rises without a payment, and PAR30 + restructured holds the whole loan."""
    start = D(2016, 3, 10)
    with ledger_on("sqlite") as ledger:
        c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
        ledger.create_fund("FN", "丰宁县幸福工程资金", org=c)
        ledger.contribute("FN", amount=fen(principal), on=D(2016, 1, 5), receipt="D-1")
        ledger.register_household(
            "FN", code="H1", mother_name="王秀英", national_id=ID_1, registered_on=start
        )
        ledger.open_batch("FN", code="B1", on=start)
        ledger.set_policy(
            "FN",
            replace(DEFAULT_POLICY, effective_from=D(2016, 1, 1), guarantee_required=False,
                    max_amount=yuan("60000"), extension_after_maturity=True),
        )  # fmt: skip
        terms = LoanTerms(
            principal=fen(principal), start=start, term=term, method=RepaymentMethod.EQUAL_PRINCIPAL
        )
        ledger.disburse("FN", number="L1", household="H1", batch="B1", terms=terms)
        dues = ledger.schedule("FN", "L1")
        # on a day after the start, up to the maturity (an extension of an overdue loan past it is the
        # policy's question, tested above; the schedule moves the maturity out from the grid)
        on = date.fromordinal(start.toordinal() + 1 + extend_after % (dues[-1].due_date - start).days)
        left = principal
        for n, due in enumerate(d for d in dues if d.due_date < on):
            # each instalment paid in full, in part, or not at all, on its due date
            amount = paid.draw(st.sampled_from([0, due.principal.fen, due.principal.fen // 2]))
            amount = min(amount, left - 1)
            if amount > 0:
                ledger.repay("FN", "L1", amount=fen(amount), on=due.due_date, receipt=f"R-{n}")
                left -= amount
        ends = [date.fromordinal(on.toordinal() - 1), on, D(on.year, 12, 31), D(on.year + 1, 12, 31)]
        first = D(2016, 1, 1)
        before = [period_figures(ledger.portfolio("FN"), start=first, end=e) for e in ends]
        _extend(ledger, "L1", on, extra=extra)
        after = [period_figures(ledger.portfolio("FN"), start=first, end=e) for e in ends]
    assert after[0] == before[0]  # the day before: nothing changed
    day_before = before[0].fallen_due_to_date
    for was, now in zip(before[1:], after[1:], strict=True):
        assert now.fallen_due_to_date >= day_before
        assert now.recovered_against_due == was.recovered_against_due
        rate, earlier = now.recovery_rate.value, before[0].recovery_rate.value
        assert rate is None or earlier is None or rate <= earlier or now.fallen_due_to_date == fen(principal)
        assert now.par30_restructured == Ratio(fen(left), fen(left))


def test_the_command_line_extends_a_loan_with_its_approval(tmp_path: Path) -> None:
    db = tmp_path / "books.db"
    with Ledger.open(f"sqlite:///{db}") as ledger:
        c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
        ledger.create_fund("FN", "丰宁县幸福工程资金", org=c)
        ledger.contribute("FN", amount=yuan("300000"), on=D(2016, 1, 5), receipt="D-1")
        ledger.register_household(
            "FN", code="H1", mother_name="王秀英", national_id=ID_1, registered_on=D(2016, 1, 1)
        )
        ledger.open_batch("FN", code="B1", on=D(2016, 3, 1))
        ledger.register_guarantor("FN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会")
        _lend(ledger, "L1", "H1")
    env = {k: v for k, v in os.environ.items() if k not in ("REVOLVE_DATABASE_URL", "REVOLVE_DEBUG")}
    env["PYTHONUTF8"] = "1"

    def revolve(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "revolve", "--db", str(db), *args],
            capture_output=True, text=True, encoding="utf-8", env=env, timeout=180, check=False,
        )  # fmt: skip

    helped = revolve("extend", "--help")
    assert helped.returncode == 0 and "展期" in helped.stdout and "批准文号" in helped.stdout
    base = ["extend", "--fund", "FN", "--loan", "L1", "--periods", "6", "--approved-by", "县妇联"]
    done = revolve(*base, "--on", "2016-06-20", "--approval-ref", "丰妇发〔2016〕7号")
    assert done.returncode == 0, done.stderr
    assert "已展期 L1（丰妇发〔2016〕7号" in done.stdout and "第 1 次展期" in done.stdout
    late = revolve(*base, "--on", "2017-09-11", "--approval-ref", "丰妇发〔2017〕1号")
    assert (
        late.returncode == 1 and "Traceback" not in late.stderr and "extension_after_maturity" in late.stderr
    )
    with Ledger.open(f"sqlite:///{db}") as ledger:
        assert ledger.loan("FN", "L1").extensions == 1


def test_the_policy_checks_its_extension_rules() -> None:
    assert (DEFAULT_POLICY.extension_after_maturity, DEFAULT_POLICY.max_extensions) == (False, None)
    assert replace(DEFAULT_POLICY, max_extensions=0).max_extensions == 0  # no extension at all
    with pytest.raises(InvalidTerms):
        replace(DEFAULT_POLICY, max_extensions=-1)
    with pytest.raises(InvalidTerms):
        replace(DEFAULT_POLICY, max_extensions=True)
    with pytest.raises(InvalidTerms):
        replace(DEFAULT_POLICY, extension_after_maturity="yes")


def test_a_policy_with_extension_rules_is_stored_and_read_back(county: Ledger) -> None:
    policy = replace(
        DEFAULT_POLICY, effective_from=D(2016, 1, 1), extension_after_maturity=True, max_extensions=2
    )
    county.set_policy("FN", policy)
    assert county.policy("FN", on=D(2016, 3, 10)) == policy
    county.set_policy("FN", replace(DEFAULT_POLICY, effective_from=D(2016, 2, 1), max_extensions=0))
    _lend(county, "L1", "H1")
    with pytest.raises(ExtensionLimitReached) as refused:
        _extend(county, "L1", D(2016, 5, 1))
    assert (refused.value.count, refused.value.limit) == (0, 0)
