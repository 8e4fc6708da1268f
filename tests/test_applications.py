"""Policy by household category and priority, and the loan application queue (issue 13).

陇家福 (seed 003): family-planning households get "在扶贫项目中提高5000-8000元扶持资金 … 优先发放并
提高个人小额信贷" — a higher cap and priority. The queue 申请 → 审查 → 公示 → 审批 → 协议 → 放款 takes
its steps in order, dated and signed, and its order respects the priority. On both backends.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conftest import ledger_on
from revolve import Ledger, OrgLevel, yuan
from revolve.applications import STEPS, Application, ApplicationStep, application_as_of, queue_key
from revolve.errors import (
    ApplicationOutOfTurn,
    ApplicationStepRefused,
    InvalidAmount,
    InvalidDate,
    InvalidEntry,
    InvalidTerms,
    NoticePeriodNotOver,
    PolicyViolation,
    RevolveError,
    UnknownApplication,
)
from revolve.households import FamilyPlanningStatus
from revolve.policy import (
    DEFAULT_NOTICE_DAYS,
    DEFAULT_POLICY,
    CategoryRule,
    category_policy,
    category_priority,
    check_loan,
)
from revolve.schedule import LoanTerms, RepaymentMethod

D = date
S = ApplicationStep
FP = FamilyPlanningStatus
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(n: int) -> str:
    """A valid 18-character ID number (GB 11643-1999) for test household ``n``."""
    first = f"620102198001{1 + n % 28:02d}{n % 1000:03d}"
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, _WEIGHTS, strict=True)) % 11]


# 陇家福 as a policy: loans up to ¥10,000 over at most 24 months; 计生户 (独生子女户, 二女户, 计划生育家庭,
# 计生困难家庭) +¥8,000 and 36 months, and ahead in the queue; 非计生户 under the policy's own caps.
FAVOURED = (FP.ONE_CHILD, FP.TWO_DAUGHTERS, FP.COMPLIANT, FP.HARDSHIP)
LONGJIAFU = replace(
    DEFAULT_POLICY,
    effective_from=D(2014, 1, 1),
    max_amount=yuan("10000"),
    max_term_months=24,
    guarantee_required=False,  # 扶贫小额信贷 is 免担保 (domain.md §8.6)
    categories=tuple(
        CategoryRule(category=c, priority=1, max_amount=yuan("18000"), max_term_months=36) for c in FAVOURED
    ),
)


# ---- the policy -----------------------------------------------------------------------------------
def test_a_category_rule_replaces_the_caps_and_sets_the_priority() -> None:
    favoured = category_policy(LONGJIAFU, FP.ONE_CHILD)
    assert (favoured.max_amount, favoured.max_term_months, favoured.categories) == (yuan("18000"), 36, ())
    assert category_policy(LONGJIAFU, "other") is LONGJIAFU
    assert category_priority(LONGJIAFU, FP.TWO_DAUGHTERS) == 1
    assert category_priority(LONGJIAFU, FP.OTHER) == 2  # after every ranked category
    assert category_priority(DEFAULT_POLICY, FP.OTHER) == 0
    assert LONGJIAFU.notice_days == DEFAULT_NOTICE_DAYS == 7
    ask = {
        "amount": yuan("15000"),
        "term_months": 30,
        "prior_loans": 0,
        "active_loans": 0,
        "guaranteed": True,
    }
    check_loan(favoured, **ask)
    with pytest.raises(PolicyViolation) as refused:
        check_loan(category_policy(LONGJIAFU, FP.OTHER), **ask)
    assert (refused.value.rule, refused.value.limit) == ("amount", yuan("10000"))


def test_tiers_above_a_lower_category_cap_are_dropped() -> None:
    tiered = replace(
        DEFAULT_POLICY,
        allowed_amounts=(yuan("20000"), yuan("50000")),
        categories=(CategoryRule(FP.OTHER, priority=2, max_amount=yuan("20000")),),
    )
    assert category_policy(tiered, FP.OTHER).allowed_amounts == (yuan("20000"),)


@pytest.mark.parametrize(
    ("rules", "error"),
    [
        ((CategoryRule(FP.ONE_CHILD, 1), CategoryRule(FP.ONE_CHILD, 2)), InvalidEntry),
        ((CategoryRule(FP.ONE_CHILD, 1, max_amount=yuan("500")),), InvalidAmount),
        ("not rules", InvalidEntry),
    ],
)
def test_inconsistent_category_rules_are_refused(rules: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        replace(DEFAULT_POLICY, categories=rules)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"category": "nobody", "priority": 1}, InvalidEntry),
        ({"category": FP.OTHER, "priority": -1}, InvalidTerms),
        ({"category": FP.OTHER, "priority": 1, "max_term_months": 0}, InvalidTerms),
    ],
)
def test_a_malformed_category_rule_is_refused(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        CategoryRule(**kwargs)
    with pytest.raises(InvalidTerms):
        replace(DEFAULT_POLICY, notice_days=-1)


def test_the_policy_with_its_categories_is_stored_and_read_back_equal(ledger: Ledger) -> None:
    c = ledger.create_org("GS", "甘肃某县", OrgLevel.COUNTY)
    ledger.create_fund("LJF", "陇家福", org=c)
    stored = replace(LONGJIAFU, notice_days=10)
    ledger.set_policy("LJF", stored)
    assert ledger.policy("LJF", on=D(2014, 6, 1)) == stored


# ---- the ledger ------------------------------------------------------------------------------------
@pytest.fixture
def county(ledger: Ledger) -> Ledger:
    """A 陇家福 county fund with ¥200,000, the policy above, and four households: two 计生户 (H1, H3) and
    two 非计生户 (H2, H4)."""
    c = ledger.create_org("GS", "甘肃某县", OrgLevel.COUNTY)
    ledger.create_fund("LJF", "陇家福小额信贷资金", org=c)
    ledger.contribute("LJF", amount=yuan("200000"), on=D(2014, 1, 2), receipt="D-1")
    ledger.set_policy("LJF", LONGJIAFU)
    for n, status in enumerate((FP.ONE_CHILD, FP.OTHER, FP.TWO_DAUGHTERS, FP.OTHER), start=1):
        ledger.register_household(
            "LJF",
            code=f"H{n}",
            mother_name=f"母亲{n}",
            national_id=national_id(n),
            registered_on=D(2014, 1, 1),
            fp_status=status,
        )
    ledger.open_batch("LJF", code="B1", on=D(2014, 1, 1))
    return ledger


def _terms(amount: str, start: date, term: int = 12) -> LoanTerms:
    return LoanTerms(principal=yuan(amount), start=start, term=term, method=RepaymentMethod.BULLET)


def _through(ledger: Ledger, app: int, last: S, start: date) -> Application:
    """Take an application's steps through ``last``: 审查 the day after ``start``, 公示 the day after, 审批
    when the notice has run, 协议 the day after."""
    days = {S.REVIEW: 1, S.NOTICE: 2, S.APPROVE: 2 + 7, S.AGREE: 2 + 7 + 1}
    out = ledger.application("LJF", app)
    for step in STEPS[1 : STEPS.index(last) + 1]:
        out = ledger.advance("LJF", app, step, on=start + timedelta(days=days[step]), by="县计生协 王主任")
    return out


def test_the_payout_applies_the_households_category_rule(county: Ledger) -> None:
    # ¥15,000 is within a 计生户's ¥18,000 and above a 非计生户's ¥10,000
    loan = county.disburse(
        "LJF", number="L1", household="H1", batch="B1", terms=_terms("15000", D(2014, 2, 1))
    )
    assert loan.principal == yuan("15000")
    with pytest.raises(PolicyViolation) as refused:
        county.disburse("LJF", number="L2", household="H2", batch="B1", terms=_terms("15000", D(2014, 2, 1)))
    assert (refused.value.rule, refused.value.value, refused.value.limit) == (
        "amount",
        yuan("15000"),
        yuan("10000"),
    )
    # the term: 30 months for the 计生户, refused at 30 for the other
    county.disburse("LJF", number="L3", household="H3", batch="B1", terms=_terms("8000", D(2014, 2, 1), 30))
    with pytest.raises(PolicyViolation, match="term"):
        county.disburse(
            "LJF", number="L4", household="H4", batch="B1", terms=_terms("8000", D(2014, 2, 1), 30)
        )


def test_an_application_walks_every_step_and_the_loan_is_linked(county: Ledger) -> None:
    app = county.apply("LJF", "H1", amount=yuan("15000"), term_months=24, on=D(2014, 3, 1), purpose="养殖")
    assert (app.step, app.next_step, app.steps[0].by, app.purpose) == (S.APPLY, S.REVIEW, "母亲1", "养殖")
    app = _through(county, app.id, S.AGREE, D(2014, 3, 1))
    assert [s.step for s in app.steps] == list(STEPS[:5])
    loan = county.disburse(
        "LJF",
        number="L1",
        household="H1",
        batch="B1",
        terms=_terms("15000", D(2014, 3, 15)),
        application=app.id,
        signed_by="县计生协 出纳 李会计",
    )
    done = county.application("LJF", app.id)
    assert (done.loan_id, done.step, done.pending, done.next_step) == (loan.id, S.DISBURSE, False, None)
    assert [(s.step, s.on, s.by) for s in done.steps] == [
        (S.APPLY, D(2014, 3, 1), "母亲1"),
        (S.REVIEW, D(2014, 3, 2), "县计生协 王主任"),
        (S.NOTICE, D(2014, 3, 3), "县计生协 王主任"),
        (S.APPROVE, D(2014, 3, 10), "县计生协 王主任"),
        (S.AGREE, D(2014, 3, 11), "县计生协 王主任"),
        (S.DISBURSE, D(2014, 3, 15), "县计生协 出纳 李会计"),
    ]
    assert county.queue("LJF", as_of=D(2014, 3, 20)) == ()
    assert [e.application.id for e in county.queue("LJF", as_of=D(2014, 3, 14))] == [app.id]


def test_an_application_above_the_category_cap_is_refused(county: Ledger) -> None:
    with pytest.raises(PolicyViolation):
        county.apply("LJF", "H2", amount=yuan("15000"), term_months=12, on=D(2014, 3, 1))
    with pytest.raises(InvalidDate):
        county.apply("LJF", "H2", amount=yuan("5000"), term_months=12, on=D(2013, 12, 1))
    assert county.applications("LJF") == []
    assert county.apply("LJF", "H1", amount=yuan("15000"), term_months=12, on=D(2014, 3, 1)).id > 0


def test_steps_are_taken_in_order_and_a_refusal_writes_nothing(county: Ledger) -> None:
    app = county.apply("LJF", "H1", amount=yuan("5000"), term_months=12, on=D(2014, 3, 1))
    kept = county.application("LJF", app.id)
    for step, on, error in (
        (S.APPROVE, D(2014, 3, 20), ApplicationStepRefused),  # skips 审查 and 公示
        (S.APPLY, D(2014, 3, 2), ApplicationStepRefused),  # repeats 申请
        (S.DISBURSE, D(2014, 3, 2), ApplicationStepRefused),  # 放款 is the payout's
        (S.REVIEW, D(2014, 2, 28), InvalidDate),  # before the application
        ("sign", D(2014, 3, 2), InvalidEntry),
    ):
        with pytest.raises(error):
            county.advance("LJF", app.id, step, on=on, by="王主任")
    with pytest.raises(InvalidEntry):
        county.advance("LJF", app.id, S.REVIEW, on=D(2014, 3, 2), by="  ")
    with pytest.raises(UnknownApplication):
        county.advance("LJF", 999, S.REVIEW, on=D(2014, 3, 2), by="王主任")
    assert county.application("LJF", app.id) == kept
    county.advance("LJF", app.id, "review", on=D(2014, 3, 2), by="王主任")
    county.advance("LJF", app.id, S.NOTICE, on=D(2014, 3, 3), by="王主任")
    with pytest.raises(NoticePeriodNotOver) as early:
        county.advance("LJF", app.id, S.APPROVE, on=D(2014, 3, 9), by="王主任")
    assert (early.value.noticed_on, early.value.days, early.value.on) == (D(2014, 3, 3), 7, D(2014, 3, 9))
    assert "2014-03-10" in str(early.value)
    assert county.advance("LJF", app.id, S.APPROVE, on=D(2014, 3, 10), by="王主任").step is S.APPROVE


def test_the_notice_period_comes_from_the_policy(county: Ledger) -> None:
    county.set_policy("LJF", replace(LONGJIAFU, effective_from=D(2014, 3, 1), notice_days=3))
    app = county.apply("LJF", "H1", amount=yuan("5000"), term_months=12, on=D(2014, 3, 1))
    county.advance("LJF", app.id, S.REVIEW, on=D(2014, 3, 1), by="王主任")
    county.advance("LJF", app.id, S.NOTICE, on=D(2014, 3, 1), by="王主任")
    with pytest.raises(NoticePeriodNotOver):
        county.advance("LJF", app.id, S.APPROVE, on=D(2014, 3, 3), by="王主任")
    county.advance("LJF", app.id, S.APPROVE, on=D(2014, 3, 4), by="王主任")


def test_a_loan_is_paid_out_only_from_a_signed_agreement(county: Ledger) -> None:
    app = county.apply("LJF", "H1", amount=yuan("15000"), term_months=12, on=D(2014, 3, 1))
    _through(county, app.id, S.APPROVE, D(2014, 3, 1))

    def pay(number: str, **kw: Any) -> Any:
        args: dict[str, Any] = {
            "number": number,
            "household": "H1",
            "batch": "B1",
            "terms": _terms("15000", D(2014, 3, 15)),
            "application": app.id,
            "signed_by": "李会计",
        }
        return county.disburse("LJF", **(args | kw))

    with pytest.raises(ApplicationStepRefused, match="协议"):
        pay("L1")  # approved, not yet agreed
    assert county.loans("LJF") == []
    county.advance("LJF", app.id, S.AGREE, on=D(2014, 3, 11), by="王主任")
    for kw, error in (
        ({"household": "H3"}, ApplicationStepRefused),  # another household's application
        ({"terms": _terms("16000", D(2014, 3, 15))}, ApplicationStepRefused),  # more than applied for
        ({"terms": _terms("15000", D(2014, 3, 10))}, InvalidDate),  # before the agreement
        ({"signed_by": None}, InvalidEntry),
        ({"application": 999}, UnknownApplication),
    ):
        with pytest.raises(error):
            pay("L1", **kw)
    assert county.loans("LJF") == [] and county.application("LJF", app.id).loan_id is None
    loan = pay("L1")
    with pytest.raises(ApplicationStepRefused):
        pay("L2")  # paid out already
    assert county.application("LJF", app.id).loan_id == loan.id
    with pytest.raises(ApplicationStepRefused):
        county.reject("LJF", app.id, on=D(2014, 4, 1), by="王主任", reason="迟到的驳回")


def test_the_queue_puts_a_family_planning_household_first(county: Ledger) -> None:
    other = county.apply("LJF", "H2", amount=yuan("8000"), term_months=12, on=D(2014, 3, 1))
    fp = county.apply("LJF", "H1", amount=yuan("15000"), term_months=24, on=D(2014, 3, 5))
    queue = county.queue("LJF", as_of=D(2014, 3, 5))
    assert [(e.position, e.application.id, e.priority) for e in queue] == [(1, fp.id, 1), (2, other.id, 2)]
    assert [e.application.id for e in county.queue("LJF", as_of=D(2014, 3, 4))] == [other.id]
    # both reviewed and noticed; the 计生户's notice runs out on 03-15, the other's on 03-10
    _through(county, other.id, S.NOTICE, D(2014, 3, 1))
    _through(county, fp.id, S.NOTICE, D(2014, 3, 6))
    # on 03-12 the 计生户 is not yet approvable: the other goes ahead
    county.advance("LJF", other.id, S.APPROVE, on=D(2014, 3, 12), by="王主任")
    # a second 非计生户 application is behind the 计生户 once its notice has run
    late = county.apply("LJF", "H4", amount=yuan("5000"), term_months=12, on=D(2014, 3, 2))
    _through(county, late.id, S.NOTICE, D(2014, 3, 2))
    kept = county.application("LJF", late.id)
    with pytest.raises(ApplicationOutOfTurn) as refused:
        county.advance("LJF", late.id, S.APPROVE, on=D(2014, 3, 16), by="王主任")
    assert (refused.value.application, refused.value.ahead) == (late.id, fp.id)
    assert county.application("LJF", late.id) == kept
    approved = county.advance(
        "LJF", late.id, S.APPROVE, on=D(2014, 3, 16), by="王主任", reason="春耕急需，计生户尚缺担保材料"
    )
    assert approved.steps[-1].note == "越序审批: 春耕急需，计生户尚缺担保材料"


def test_a_rejected_application_leaves_the_queue_and_takes_no_step(county: Ledger) -> None:
    app = county.apply("LJF", "H2", amount=yuan("8000"), term_months=12, on=D(2014, 3, 1))
    with pytest.raises(InvalidEntry):
        county.reject("LJF", app.id, on=D(2014, 3, 2), by="王主任", reason=" ")
    rejected = county.reject("LJF", app.id, on=D(2014, 3, 2), by="王主任", reason="非本县户籍")
    assert rejected.rejection is not None and rejected.rejection.reason == "非本县户籍"
    assert county.queue("LJF", as_of=D(2014, 3, 2)) == ()
    assert len(county.queue("LJF", as_of=D(2014, 3, 1))) == 1
    with pytest.raises(ApplicationStepRefused, match="rejected"):
        county.advance("LJF", app.id, S.REVIEW, on=D(2014, 3, 3), by="王主任")


# ---- the property: random applications and steps on the ledger -------------------------------------
class QueueMachine(RuleBasedStateMachine):
    """Random applications, steps, rejections and payouts on a 陇家福 fund. Whatever is tried, the
    steps never skip, the queue is sorted by (priority, date, id), 审批 follows the notice period, a
    refusal changes nothing, and every loan comes from an application with a signed 协议."""

    def __init__(self) -> None:
        super().__init__()
        self._opened = ledger_on("sqlite")
        self.ledger = self._opened.__enter__()
        county = replace(
            LONGJIAFU, notice_days=3, max_loans_per_household=99, max_active_loans_per_household=99
        )
        c = self.ledger.create_org("GS", "甘肃某县", OrgLevel.COUNTY)
        self.ledger.create_fund("LJF", "陇家福", org=c)
        self.ledger.contribute("LJF", amount=yuan("10000000"), on=D(2014, 1, 1), receipt="D-1")
        self.ledger.set_policy("LJF", county)
        self.ledger.open_batch("LJF", code="B1", on=D(2014, 1, 1))
        self.households = []
        for n, status in enumerate(list(FP), start=1):
            self.ledger.register_household(
                "LJF",
                code=f"H{n}",
                mother_name=f"母亲{n}",
                national_id=national_id(n),
                registered_on=D(2014, 1, 1),
                fp_status=status,
            )
            self.households.append(f"H{n}")
        self.day = D(2014, 1, 1)
        self.loans = 0

    def teardown(self) -> None:
        self._opened.__exit__(None, None, None)

    def _try(self, action: Any) -> None:
        before = self.ledger.applications("LJF")
        loans = self.ledger.loans("LJF")
        try:
            action()
            event(f"{action.__qualname__.split('.')[1]}: done")
        except RevolveError as refused:
            event(f"{action.__qualname__.split('.')[1]}: {type(refused).__name__}")
            assert self.ledger.applications("LJF") == before
            assert self.ledger.loans("LJF") == loans

    @rule(days=st.integers(0, 6))
    def time_passes(self, days: int) -> None:
        self.day += timedelta(days=days)

    @rule(who=st.integers(0, 4), amount=st.integers(10, 120), back=st.integers(0, 3))
    def apply(self, who: int, amount: int, back: int) -> None:
        self._try(
            lambda: self.ledger.apply(
                "LJF",
                self.households[who],
                amount=yuan(str(amount * 100)),
                term_months=12,
                on=max(D(2014, 1, 1), self.day - timedelta(days=back)),
            )
        )

    @precondition(lambda self: bool(self.ledger.applications("LJF")))
    @rule(pick=st.integers(0, 1000), step=st.sampled_from((None, None, None, *STEPS)), reason=st.booleans())
    def advance(self, pick: int, step: ApplicationStep | None, reason: bool) -> None:
        apps = self.ledger.applications("LJF")
        # the next step (None) goes to one of the two furthest pending applications, so that some reach
        # 协议 and 放款; any other step to any application
        pending = sorted((a for a in apps if a.pending), key=lambda a: -len(a.steps))[:2]
        choice = pending if step is None and pending else apps
        app = choice[pick % len(choice)]
        # mostly the next step (None), sometimes any step: a skip or a repeat must be refused
        chosen = step or app.next_step or S.REVIEW
        self._try(
            lambda: self.ledger.advance(
                "LJF", app.id, chosen, on=self.day, by="王主任", reason="急需" if reason else None
            )
        )

    @rule(pick=st.integers(0, 1000), pay=st.booleans())
    def walk_through(self, pick: int, pay: bool) -> None:
        """Take one pending application through its remaining steps (the notice period let run), and
        perhaps pay it out."""
        pending = [a for a in self.ledger.applications("LJF") if a.pending]
        if not pending:
            return
        app = pending[pick % len(pending)]
        for step in STEPS[STEPS.index(app.step) + 1 : STEPS.index(S.DISBURSE)]:
            if step is S.APPROVE:
                self.day += timedelta(days=3)
            self._try(
                lambda step=step: self.ledger.advance(
                    "LJF", app.id, step, on=self.day, by="王主任", reason="急需"
                )
            )
        if pay:
            self.pay_out(app.id)

    @precondition(lambda self: bool(self.ledger.applications("LJF")))
    @rule(pick=st.integers(0, 1000))
    def reject(self, pick: int) -> None:
        apps = self.ledger.applications("LJF")
        app = apps[pick % len(apps)]
        self._try(lambda: self.ledger.reject("LJF", app.id, on=self.day, by="王主任", reason="不符合条件"))

    @precondition(lambda self: bool(self.ledger.applications("LJF")))
    @rule(pick=st.integers(0, 1000))
    def pay_out(self, pick: int) -> None:
        apps = self.ledger.applications("LJF")
        agreed = [a for a in apps if a.pending and a.step is S.AGREE]
        named = [a for a in apps if a.id == pick]  # walk_through names its application
        app = named[0] if named else (agreed or apps)[pick % len(agreed or apps)]
        self.loans += 1
        self._try(
            lambda: self.ledger.disburse(
                "LJF",
                number=f"L{self.loans}",
                household=f"H{app.household_id}",
                batch="B1",
                terms=_terms(str(app.amount.fen // 100), self.day),
                application=app.id,
                signed_by="李会计",
            )
        )

    @invariant()
    def steps_never_skip_and_dates_never_go_back(self) -> None:
        for app in self.ledger.applications("LJF"):
            assert [s.step for s in app.steps] == list(STEPS[: len(app.steps)])
            days = [s.on for s in app.steps]
            assert days == sorted(days)
            notice, approve = app.taken(S.NOTICE), app.taken(S.APPROVE)
            if approve is not None:
                assert notice is not None and approve.on >= notice.on + timedelta(days=3)

    @invariant()
    def the_queue_is_sorted(self) -> None:
        queue = self.ledger.queue("LJF", as_of=self.day)
        keys = [queue_key(e.application, e.priority) for e in queue]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        assert all(e.application.pending for e in queue)
        standing = (application_as_of(a, self.day) for a in self.ledger.applications("LJF"))
        assert {e.application.id for e in queue} == {a.id for a in standing if a is not None and a.pending}

    @invariant()
    def every_loan_comes_from_a_signed_agreement(self) -> None:
        linked = {a.loan_id: a for a in self.ledger.applications("LJF") if a.loan_id is not None}
        loans = self.ledger.loans("LJF")
        assert {ln.id for ln in loans} == set(linked)
        for ln in loans:
            app = linked[ln.id]
            agree, paid = app.taken(S.AGREE), app.taken(S.DISBURSE)
            assert agree is not None and paid is not None and agree.on <= paid.on == ln.disbursed_on
            assert app.household_id == ln.household_id and ln.principal <= app.amount


QueueMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=50, deadline=None, suppress_health_check=list(HealthCheck)
)
test_the_queue_machine = QueueMachine.TestCase


@settings(max_examples=200, deadline=None)
@given(
    priorities=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 20)), min_size=1, max_size=12),
    as_of=st.integers(0, 20),
)
def test_the_queue_is_ordered_by_priority_date_and_id(priorities: list[tuple[int, int]], as_of: int) -> None:
    from revolve.applications import StepRecord, queue_of

    start = D(2014, 1, 1)
    ranked = [
        (
            Application(
                id=n,
                fund_id=1,
                household_id=n,
                category="other",
                amount=yuan("1000"),
                term_months=12,
                applied_on=start + timedelta(days=day),
                purpose=None,
                steps=(StepRecord(S.APPLY, start + timedelta(days=day), "母亲"),),
            ),
            rank,
        )
        for n, (rank, day) in enumerate(priorities, start=1)
    ]
    queue = queue_of(ranked, start + timedelta(days=as_of))
    expected = sorted(
        (rank, start + timedelta(days=day), n)
        for n, (rank, day) in enumerate(priorities, start=1)
        if day <= as_of
    )
    assert [queue_key(e.application, e.priority) for e in queue] == expected
    assert [e.position for e in queue] == list(range(1, len(expected) + 1))


# ---- the command line ----------------------------------------------------------------------------------
def test_the_command_line_applies_advances_and_prints_the_queue(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from revolve.cli import main

    db = tmp_path / "books.db"
    with ledger_on("sqlite", tmp_dir=str(tmp_path)) as books:
        c = books.create_org("GS", "甘肃某县", OrgLevel.COUNTY)
        books.create_fund("LJF", "陇家福小额信贷资金", org=c)
        books.contribute("LJF", amount=yuan("200000"), on=D(2014, 1, 2), receipt="D-1")
        books.set_policy("LJF", LONGJIAFU)
        for n, status in ((1, FP.OTHER), (2, FP.ONE_CHILD)):
            books.register_household(
                "LJF",
                code=f"H{n}",
                mother_name=f"母亲{n}",
                national_id=national_id(n),
                registered_on=D(2014, 1, 1),
                fp_status=status,
            )
    base = ["--db", str(db)]

    def cli(*args: str) -> tuple[int, str, str]:
        code = main([*args, *base])
        out, err = capsys.readouterr()
        return code, out, err

    assert (
        cli(
            "apply",
            "--fund",
            "LJF",
            "--household",
            "H1",
            "--amount",
            "8000",
            "--term",
            "12",
            "--on",
            "2014-03-01",
        )[0]
        == 0
    )
    code, out, _ = cli(
        "apply", "--fund", "LJF", "--household", "H2", "--amount", "15000", "--term", "24", "--on", "2014-03-05",
        "--purpose", "养殖",
    )  # fmt: skip
    assert code == 0 and "已登记借款申请 2" in out and "独生子女户" in out
    code, _, err = cli(
        "apply", "--fund", "LJF", "--household", "H1", "--amount", "15000", "--term", "12", "--on", "2014-03-05"
    )  # fmt: skip
    assert code == 1 and "10000" in err.replace(",", "")
    code, out, _ = cli("queue", "--fund", "LJF", "--as-of", "2014-03-31")
    lines = out.splitlines()
    assert code == 0 and "共 2 笔" in lines[0]
    assert lines[2].split()[:5] == ["1", "2", "H2", "独生子女户", "1"]
    assert lines[3].split()[:5] == ["2", "1", "H1", "非计生户", "2"]
    code, out, _ = cli(
        "advance",
        "--fund",
        "LJF",
        "--application",
        "2",
        "--step",
        "审查",
        "--on",
        "2014-03-06",
        "--by",
        "王主任",
    )
    assert code == 0 and "下一步 公示" in out
    code, _, err = cli(
        "advance",
        "--fund",
        "LJF",
        "--application",
        "1",
        "--step",
        "审批",
        "--on",
        "2014-03-06",
        "--by",
        "王主任",
    )
    # a refusal speaks the CLI's language (Chinese by default, issue 14), its reason too, and names the
    # command that lists the queue
    assert code == 1
    assert "revolve: 借款申请 1 不能办理审批：它的下一步应为 审查；各步骤须依次办理，不能跳过" in err
    assert "revolve queue --fund FUND" in err
    code, out, _ = cli(
        "reject",
        "--fund",
        "LJF",
        "--application",
        "1",
        "--on",
        "2014-03-07",
        "--by",
        "王主任",
        "--reason",
        "资料不全",
    )
    assert code == 0 and "已驳回" in out
    code, out, _ = cli("queue", "--fund", "LJF", "--as-of", "2014-03-31", "--lang", "en")
    assert "(1 pending)" in out and "one_child" in out
    for step, day in (("公示", "2014-03-07"), ("approve", "2014-03-14"), ("协议", "2014-03-15")):
        assert (
            cli(
                "advance",
                "--fund",
                "LJF",
                "--application",
                "2",
                "--step",
                step,
                "--on",
                day,
                "--by",
                "王主任",
            )[0]
            == 0
        )
    code, out, err = cli(
        "disburse", "--fund", "LJF", "--number", "L1", "--household", "H2", "--batch", "B1", "--amount", "15000",
        "--start", "2014-03-16", "--term", "24", "--application", "2", "--signed-by", "李会计",
    )  # fmt: skip
    assert code == 0, err
    with ledger_on("sqlite", tmp_dir=str(tmp_path)) as books:
        paid = books.application("LJF", 2)
        assert paid.loan_id == books.loan("LJF", "L1").id and paid.steps[-1].by == "李会计"


def test_one_application_pays_out_one_loan_even_in_one_batch(county: Ledger) -> None:
    from revolve.loans.payout import Disbursement

    app = county.apply("LJF", "H1", amount=yuan("5000"), term_months=12, on=D(2014, 3, 1))
    _through(county, app.id, S.AGREE, D(2014, 3, 1))
    twice = [
        Disbursement(
            f"L{n}", "H1", "B1", _terms("5000", D(2014, 3, 15)), application=app.id, signed_by="李会计"
        )
        for n in (1, 2)
    ]
    with pytest.raises(ApplicationStepRefused) as refused:
        county.disburse_many("LJF", twice)
    assert refused.value.application == app.id and "another payout in this call" in str(refused.value)
    assert county.loans("LJF") == [] and county.application("LJF", app.id).loan_id is None
    (loan,) = county.disburse_many("LJF", twice[:1])
    assert county.application("LJF", app.id).loan_id == loan.id
