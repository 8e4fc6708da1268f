"""Policy: the programme rules a fund lends under, each version in force from a date.

幸福工程 has no single national rulebook a library could hard-code: CPWF caps a loan at 50,000 yuan per
mother (2012), earlier loans were 1,000–5,000 yuan, counties set their own terms of one to three years,
贴息 programmes cap repeat loans, and Xiamen requires a village-committee guarantee (domain.md §2–§4,
§8). So a fund's rules are data: a :class:`Policy` names the amount range (and optional tiers), the term
range, the repeat limits and whether a guarantee is required, and takes effect from a date. A fund keeps
a list of them; :func:`policy_in_force` picks the one that governs a loan made on a given day, and
:func:`check_loan` refuses a loan that breaks it.

Invariants:

* a policy is internally consistent: 0 < min_amount ≤ max_amount, 1 ≤ min_term ≤ max_term, at least
  one loan allowed, active loans ≤ lifetime loans, every tier within the amount range;
* :data:`DEFAULT_POLICY` is only a default drawn from the sources — never a limit of the library. A fund
  that lends 10万 or for five years sets its own policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from revolve.checks import check_choice, check_date, check_money, check_whole
from revolve.errors import InvalidAmount, InvalidDate, InvalidEntry, InvalidTerms, PolicyViolation
from revolve.households import FamilyPlanningStatus
from revolve.money import Money

__all__ = [
    "DEFAULT_NOTICE_DAYS",
    "DEFAULT_POLICY",
    "CategoryRule",
    "HouseholdScope",
    "LoanElsewhere",
    "Policy",
    "category_policy",
    "category_priority",
    "check_loan",
    "in_scope",
    "loan_violations",
    "policy_in_force",
]

DEFAULT_NOTICE_DAYS = 7
"""The public-notice period (公示期) of an application, in days, when a policy sets none: revolve's choice
(the seeds give no figure; seven days is the usual 公示期 of village-level poverty-alleviation lists)."""


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """Caps and priority for one household category (户类别) under a policy.

    陇家福 (seed 003) gives family-planning households "在扶贫项目中提高5000-8000元扶持资金 … 优先发放并
    提高个人小额信贷": a higher cap and priority. A household's category is its family-planning status
    (:class:`revolve.households.FamilyPlanningStatus`, 计生类别), so a rule is keyed by that status.

    Attributes:
        category: the household category the rule is for.
        priority: the category's rank in the application queue; a smaller number goes first (1 before 2).
        max_amount: the largest loan to a household of this category, in place of the policy's
            ``max_amount`` (above it for a favoured category); None keeps the policy's.
        max_term_months: the longest term for this category; None keeps the policy's.

    Raises:
        InvalidEntry: an unknown category.
        InvalidTerms: a priority below 0, a term below 1, or a value that is not an int.
        MoneyTypeError, InvalidAmount: a cap that is not positive Money.
    """

    category: FamilyPlanningStatus
    priority: int
    max_amount: Money | None = None
    max_term_months: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "category", check_choice(FamilyPlanningStatus, "category", self.category))
        check_whole("priority", self.priority, minimum=0)
        if self.max_amount is not None:
            check_money("max_amount", self.max_amount, positive=True)
        if self.max_term_months is not None:
            check_whole("max_term_months", self.max_term_months, minimum=1)


class HouseholdScope(StrEnum):
    """Where a policy's household limits count a mother's loans (she is one person by her 身份证号).

    ``FUND`` (本基金) counts only the fund's own loans to her household. ``COUNTY`` (本县及下级) counts her
    loans in every fund of the county the fund belongs to: the subtree of the fund's organisation's
    nearest county-level ancestor (its own organisation when it sits at county level or above).
    ``ALL`` (全部) counts her loans in every fund of the database.
    """

    FUND = "fund"
    COUNTY = "county"
    ALL = "all"

    @property
    def label_zh(self) -> str:
        """The Chinese name of the scope (本基金, 本县及下级, 全部)."""
        return {"fund": "本基金", "county": "本县及下级", "all": "全部"}[self.value]


@dataclass(frozen=True, slots=True)
class LoanElsewhere:
    """A loan a mother took from another fund, as a cross-fund household limit counts it.

    Attributes:
        fund_code: the other fund's code.
        number: the loan's number there.
        disbursed_on: its disbursement date.
        active: whether she still owes on it.
        same_county: whether the other fund lies in the lending fund's county (see :class:`HouseholdScope`).
    """

    fund_code: str
    number: str
    disbursed_on: date
    active: bool
    same_county: bool

    def __str__(self) -> str:
        state = "未结清" if self.active else "已结清"
        return f"{self.fund_code} 借款 {self.number} ({self.disbursed_on.isoformat()}, {state})"


def in_scope(loans: Iterable[LoanElsewhere], scope: HouseholdScope) -> tuple[LoanElsewhere, ...]:
    """Those of a mother's loans in other funds that a policy of this scope counts.

    Args:
        loans: her loans in funds other than the lending one.
        scope: the policy's :attr:`Policy.household_scope`.

    Returns:
        None for ``FUND``, those in the same county for ``COUNTY``, all of them for ``ALL``.
    """
    if scope is HouseholdScope.FUND:
        return ()
    if scope is HouseholdScope.COUNTY:
        return tuple(loan for loan in loans if loan.same_county)
    return tuple(loans)


@dataclass(frozen=True, slots=True)
class Policy:
    """The programme rules a fund lends under from ``effective_from`` until the next version.

    Attributes:
        effective_from: the first day the rules apply to (a loan's disbursement date decides).
        min_amount: the smallest loan (单户最低额度).
        max_amount: the largest loan to one household (单户最高额度).
        min_term_months: the shortest term, in months (用款期限).
        max_term_months: the longest term, in months.
        max_loans_per_household: how many loans one household may take from the fund in its lifetime,
            the one being checked included (e.g. 福清 贴息: "最多不超过三次").
        max_active_loans_per_household: how many loans one household may owe on at once.
        guarantee_required: whether a loan needs a guarantee (担保) before it is disbursed.
        allowed_amounts: fixed tiers (e.g. Xiamen's 2万 / 5万 / 10万); empty means any amount in range.
            Stored sorted; a list is accepted and kept as a tuple.
        extension_after_maturity: whether a loan may be extended (展期) after its maturity (its last
            due date); by default an extension is approved before the loan falls due for good.
        max_extensions: how many extensions one loan may have in its life; None sets no limit.
        categories: per-category caps and queue priority (:class:`CategoryRule`), one rule per
            category; a household whose category has no rule lends under the policy's own caps and
            queues after every category that has one. A list is accepted and kept as a tuple.
        notice_days: the public-notice period (公示期) an application waits between its 公示 step and
            its 审批 step, in days (:data:`DEFAULT_NOTICE_DAYS`).
        household_scope: where the two household limits count her loans: in this fund only (the
            default), in every fund of its county, or in every fund (:class:`HouseholdScope`; a ``str``
            value is converted). A mother is the same person in every fund by her national ID.

    Raises:
        MoneyTypeError: an amount that is not Money.
        InvalidAmount: a non-positive amount, min above max, a tier out of range or repeated.
        InvalidTerms: a term or count that is not an int, is below its minimum, or min above max.
        InvalidDate: ``effective_from`` is not a date.
    """

    effective_from: date
    min_amount: Money
    max_amount: Money
    min_term_months: int
    max_term_months: int
    max_loans_per_household: int
    max_active_loans_per_household: int
    guarantee_required: bool
    allowed_amounts: tuple[Money, ...] = ()
    extension_after_maturity: bool = False
    max_extensions: int | None = None
    categories: tuple[CategoryRule, ...] = ()
    notice_days: int = DEFAULT_NOTICE_DAYS
    household_scope: HouseholdScope = HouseholdScope.FUND

    def __post_init__(self) -> None:
        check_date("effective_from", self.effective_from)
        low = check_money("min_amount", self.min_amount, positive=True)
        high = check_money("max_amount", self.max_amount, positive=True)
        if low > high:
            raise InvalidAmount(low, reason="min_above_max", high=high)
        shortest = check_whole("min_term_months", self.min_term_months, minimum=1)
        longest = check_whole("max_term_months", self.max_term_months, minimum=1)
        if shortest > longest:
            raise InvalidTerms("min_term_months", shortest, reason="min_term_above_max", longest=longest)
        lifetime = check_whole("max_loans_per_household", self.max_loans_per_household, minimum=1)
        active = check_whole("max_active_loans_per_household", self.max_active_loans_per_household, minimum=1)
        if active > lifetime:
            raise InvalidTerms(
                "max_active_loans_per_household",
                active,
                reason="active_over_lifetime",
                lifetime=lifetime,
            )
        if not isinstance(self.guarantee_required, bool):
            raise InvalidTerms("guarantee_required", self.guarantee_required, reason="boolean")
        if not isinstance(self.allowed_amounts, tuple | list):
            raise InvalidAmount(self.allowed_amounts, reason="tiers")
        tiers = tuple(check_money("allowed_amounts", tier, positive=True) for tier in self.allowed_amounts)
        for tier in tiers:
            if not low <= tier <= high:
                raise InvalidAmount(tier, reason="tier_range", low=low, high=high)
        if len(set(tiers)) != len(tiers):
            raise InvalidAmount(tiers, reason="tier_twice")
        object.__setattr__(self, "allowed_amounts", tuple(sorted(tiers)))
        if not isinstance(self.extension_after_maturity, bool):
            raise InvalidTerms("extension_after_maturity", self.extension_after_maturity, reason="boolean")
        if self.max_extensions is not None:
            check_whole("max_extensions", self.max_extensions, minimum=0)
        self._check_categories(low, shortest, tiers)
        check_whole("notice_days", self.notice_days, minimum=0)
        scope = check_choice(HouseholdScope, "household_scope", self.household_scope, terms=True)
        object.__setattr__(self, "household_scope", scope)

    def _check_categories(self, low: Money, shortest: int, tiers: tuple[Money, ...]) -> None:
        if not isinstance(self.categories, tuple | list) or not all(
            isinstance(rule, CategoryRule) for rule in self.categories
        ):
            raise InvalidEntry("categories", self.categories, reason="categories")
        rules = tuple(self.categories)
        seen = [rule.category for rule in rules]
        if len(set(seen)) != len(seen):
            raise InvalidEntry("categories", seen, reason="category_twice")
        for rule in rules:
            if rule.max_amount is not None and rule.max_amount < max(low, tiers[0] if tiers else low):
                raise InvalidAmount(
                    rule.max_amount,
                    reason="category_cap",
                    category=rule.category.value,
                )
            if rule.max_term_months is not None and rule.max_term_months < shortest:
                raise InvalidTerms(
                    "max_term_months",
                    rule.max_term_months,
                    reason="category_term",
                    category=rule.category.value,
                    shortest=shortest,
                )
        object.__setattr__(self, "categories", rules)


DEFAULT_POLICY = Policy(
    # In force "since always": it is the fallback when a fund has set no policy of its own.
    effective_from=date.min,
    # §3.1: loans of 1,000–5,000 yuan in 1997 — the smallest figure the sources give.
    min_amount=Money(1_000_00),
    # §3.3: CPWF 2012, "不超过50,000元" per mother (household). §3.8: a parameter, never hard-coded.
    max_amount=Money(50_000_00),
    # §4.1–4.5: 1–2 years nationally (2006), 2 or 3 years locally, 贴息 bank loans 1 year, analogous
    # poverty-alleviation loans at most 3 years — so 1 to 36 months covers every sourced practice.
    min_term_months=1,
    max_term_months=36,
    # §2.4: 福清 贴息 allows a household "最多不超过三次".
    max_loans_per_household=3,
    # Not sourced (domain.md [I]): the money is "到期收回继续救助其他贫困母亲" (§6.1, §7.1), so one
    # loan at a time per household is the conservative reading.
    max_active_loans_per_household=1,
    # §8.1: Xiamen's 村(居)委会担保制度. (Poverty-alleviation loans are 免担保, §8.6: set False there.)
    guarantee_required=True,
)
"""The defaults revolve proposes when a fund has set no policy: drawn from domain.md, not a law.

Every figure is a default a fund overrides by adding its own :class:`Policy` with an effective date.
"""


def policy_in_force(policies: Sequence[Policy], on: date) -> Policy:
    """The policy that governs a loan made on a date.

    Args:
        policies: the fund's policy versions, in any order.
        on: the loan's date (its disbursement or approval date).

    Returns:
        The version with the latest ``effective_from`` on or before ``on``; :data:`DEFAULT_POLICY`
        when none has taken effect yet.

    Raises:
        InvalidDate: two versions take effect on the same day (which one governs would be ambiguous).
    """
    seen: set[date] = set()
    for policy in policies:
        if policy.effective_from in seen:
            raise InvalidDate(
                policy.effective_from,
                reason="policy_twice",
            )
        seen.add(policy.effective_from)
    in_force = [policy for policy in policies if policy.effective_from <= on]
    if not in_force:
        return DEFAULT_POLICY
    return max(in_force, key=lambda policy: policy.effective_from)


def _rule_for(policy: Policy, category: FamilyPlanningStatus) -> CategoryRule | None:
    for rule in policy.categories:
        if rule.category is category:
            return rule
    return None


def category_policy(policy: Policy, category: FamilyPlanningStatus | str) -> Policy:
    """The policy as it applies to a household of one category: its caps replaced by the category's.

    Args:
        policy: the policy in force.
        category: the household's category (its family-planning status).

    Returns:
        ``policy`` with ``max_amount`` and ``max_term_months`` taken from the category's rule where it
        sets them, the amount tiers above the category's cap dropped, and no category rules left (so
        :func:`check_loan` reads it as one set of caps); ``policy`` itself when the category has no rule.

    Raises:
        InvalidEntry: an unknown category.
    """
    rule = _rule_for(policy, check_choice(FamilyPlanningStatus, "category", category))
    if rule is None:
        return policy
    high = rule.max_amount if rule.max_amount is not None else policy.max_amount
    return replace(
        policy,
        max_amount=high,
        max_term_months=rule.max_term_months if rule.max_term_months is not None else policy.max_term_months,
        allowed_amounts=tuple(tier for tier in policy.allowed_amounts if tier <= high),
        categories=(),
    )


def category_priority(policy: Policy, category: FamilyPlanningStatus | str) -> int:
    """A category's rank in the application queue under a policy (smaller goes first).

    Args:
        policy: the policy in force.
        category: the household's category.

    Returns:
        The category rule's priority; for a category without a rule, one more than the largest priority
        any rule gives (0 when the policy has no rules): unranked categories queue after ranked ones.

    Raises:
        InvalidEntry: an unknown category.
    """
    rule = _rule_for(policy, check_choice(FamilyPlanningStatus, "category", category))
    if rule is not None:
        return rule.priority
    return max((r.priority + 1 for r in policy.categories), default=0)


def _tier_text(tiers: tuple[Money, ...]) -> str:
    return "one of " + " / ".join(str(tier) for tier in tiers)


def loan_violations(
    policy: Policy,
    *,
    amount: Money,
    term_months: int,
    prior_loans: int,
    active_loans: int,
    guaranteed: bool,
    elsewhere: Sequence[LoanElsewhere] = (),
) -> tuple[PolicyViolation, ...]:
    """Every rule of the policy a proposed loan breaks — for an application screen that lists them all.

    Args:
        policy: the policy in force on the loan's date.
        amount: the loan's principal.
        term_months: its term in months.
        prior_loans: loans the household has already taken from the fund (closed ones included).
        active_loans: of those, loans it still owes on.
        guaranteed: whether a guarantee has been recorded for the loan.
        elsewhere: her loans in other funds that the policy's ``household_scope`` counts (see
            :func:`in_scope`); they add to ``prior_loans`` and, those still owed, to ``active_loans``.

    Returns:
        The violations in the order amount, amount tier, term, loans per household, active loans,
        guarantee; empty when the loan is allowed. Each is a :class:`PolicyViolation` naming its rule.

    Raises:
        MoneyTypeError, InvalidAmount: ``amount`` is not positive Money.
        InvalidTerms: a term below 1, negative counts, more active loans than prior loans, or a
            ``guaranteed`` that is not a bool.
    """
    check_money("amount", amount, positive=True)
    check_whole("term_months", term_months, minimum=1)
    check_whole("prior_loans", prior_loans, minimum=0)
    check_whole("active_loans", active_loans, minimum=0)
    if active_loans > prior_loans:
        raise InvalidTerms(
            "active_loans",
            active_loans,
            reason="active_over_prior",
            prior_loans=prior_loans,
        )
    if not isinstance(guaranteed, bool):
        raise InvalidTerms("guaranteed", guaranteed, reason="boolean")

    found: list[PolicyViolation] = []
    owing = tuple(loan for loan in elsewhere if loan.active)
    prior_loans += len(elsewhere)
    active_loans += len(owing)
    if amount < policy.min_amount:
        found.append(PolicyViolation("amount", amount, limit=policy.min_amount))
    elif amount > policy.max_amount:
        found.append(PolicyViolation("amount", amount, limit=policy.max_amount))
    elif policy.allowed_amounts and amount not in policy.allowed_amounts:
        found.append(PolicyViolation("amount tier", amount, limit=_tier_text(policy.allowed_amounts)))
    if term_months < policy.min_term_months:
        found.append(PolicyViolation("term", term_months, limit=policy.min_term_months))
    elif term_months > policy.max_term_months:
        found.append(PolicyViolation("term", term_months, limit=policy.max_term_months))
    # The counts carried are what the household would have *with* this loan: "loan 4, limit 3".
    if prior_loans + 1 > policy.max_loans_per_household:
        found.append(
            PolicyViolation(
                "loans per household",
                prior_loans + 1,
                limit=policy.max_loans_per_household,
                elsewhere=tuple(str(loan) for loan in elsewhere),
            )
        )
    if active_loans + 1 > policy.max_active_loans_per_household:
        found.append(
            PolicyViolation(
                "active loans",
                active_loans + 1,
                limit=policy.max_active_loans_per_household,
                elsewhere=tuple(str(loan) for loan in owing),
            )
        )
    if policy.guarantee_required and not guaranteed:
        found.append(PolicyViolation("guarantee", "absent", limit="required"))
    return tuple(found)


def check_loan(
    policy: Policy,
    *,
    amount: Money,
    term_months: int,
    prior_loans: int,
    active_loans: int,
    guaranteed: bool,
    elsewhere: Sequence[LoanElsewhere] = (),
) -> None:
    """Refuse a loan the policy does not allow.

    Args:
        policy: the policy in force on the loan's date (see :func:`policy_in_force`).
        amount: the loan's principal.
        term_months: its term in months.
        prior_loans: loans the household has already taken from the fund (closed ones included).
        active_loans: of those, loans it still owes on.
        guaranteed: whether a guarantee has been recorded for the loan.
        elsewhere: her loans in other funds that the policy's scope counts (see :func:`in_scope`).

    Raises:
        PolicyViolation: the first broken rule, in the order of :func:`loan_violations`; its ``rule`` is
            ``"amount"``, ``"amount tier"``, ``"term"``, ``"loans per household"``, ``"active loans"``
            or ``"guarantee"``, its ``value`` the loan's figure and its ``limit`` the bound it broke
            (the amount limit is the minimum or maximum it fell outside; the tier limit lists the
            tiers; the guarantee rule carries ``"absent"`` / ``"required"``). A household limit broken
            with loans in other funds counted names them in its ``elsewhere``.
        MoneyTypeError, InvalidAmount, InvalidTerms: malformed input (see :func:`loan_violations`).
    """
    violations = loan_violations(
        policy,
        amount=amount,
        term_months=term_months,
        prior_loans=prior_loans,
        active_loans=active_loans,
        guaranteed=guaranteed,
        elsewhere=elsewhere,
    )
    if violations:
        raise violations[0]
