"""The bad-debt allowance (坏账准备): the fund's policy, the allowance it requires on a date, and the
true-up (补提 / 冲减) that brings the books to it.

民间非营利组织会计制度 (财会〔2004〕7号) 第二十二条 and the 1131 坏账准备 note (domain.md §14.1): at the end of
a period the organisation assesses how collectable its receivables are and provides for bad debts;
**当期应补提或冲减的坏账准备 = 当期按应收款项计算应计提的坏账准备金额 − 坏账准备期初贷方余额**. revolve applies the
ageing method (账龄分析法) with a rate per ageing bucket of :mod:`revolve.loans.ageing`:

* an :class:`AllowancePolicy` gives the rate of each bucket (current, 1–30, 31–60, 61–90, 90+ days past
  due), in force from a date; :data:`DEFAULT_ALLOWANCE_POLICY` applies when a fund set none;
* :func:`required_allowance` groups the loans' positions on a date by bucket and takes, per bucket,
  Σ outstanding × rate, **rounded to the fen once per bucket** (half up). Per bucket because the ageing
  method applies the rate to each age group's balance: the required amount is then exactly the sum of
  the lines of the ageing table a finance officer checks it against, and it does not move when the
  same principal is split among more loans (rounding per loan would add up to half a fen per loan);
* :func:`decide_true_up` compares it with the allowance's credit balance on that date and makes the
  entry for the difference: Dr 管理费用—坏账损失 / Cr 坏账准备 for a shortfall (补提), the reverse for an
  excess (冲减), nothing when they agree.

Only the loans' receivable (其他应收款—借款) is provided for: balances between funds (内部往来) are not
doubtful debts of an outside debtor. A loan closed or written off by the date counts for nothing.

Invariants (proved by the tests): rates are Decimals from 0 to 1 that never fall as loans get older;
after a true-up the allowance's credit balance on its date equals :func:`required_allowance` on it.
Pure: positions and balances come in as arguments; there is no clock and no storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from revolve.checks import check_date
from revolve.errors import InvalidDate, InvalidRate
from revolve.funds import Fund, check_open
from revolve.journal import Entry, PostedEntry
from revolve.loans.ageing import AgeingBucket
from revolve.loans.position import LoanPosition
from revolve.loans.records import LoanStatus
from revolve.money import Money
from revolve.rules import allowance_true_up_entry

__all__ = [
    "DEFAULT_ALLOWANCE_POLICY",
    "AllowanceLine",
    "AllowancePolicy",
    "AllowanceTrueUp",
    "RequiredAllowance",
    "allowance_policy_in_force",
    "decide_true_up",
    "required_allowance",
]

_BUCKET_FIELDS = (
    (AgeingBucket.CURRENT, "current"),
    (AgeingBucket.DAYS_1_30, "days_1_30"),
    (AgeingBucket.DAYS_31_60, "days_31_60"),
    (AgeingBucket.DAYS_61_90, "days_61_90"),
    (AgeingBucket.OVER_90, "over_90"),
)


def _check_share(field: str, value: object) -> Decimal:
    """``value`` if it is a finite Decimal from 0 to 1 (a share of the outstanding principal)."""
    if not isinstance(value, Decimal):
        raise InvalidRate(value, reason="decimal_share", field=field)
    if not value.is_finite() or not 0 <= value <= 1:
        raise InvalidRate(value, reason="share", field=field)
    return value


@dataclass(frozen=True, slots=True)
class AllowancePolicy:
    """The rates of the ageing method (账龄分析法) a fund provides for bad debts at, from a date on.

    Attributes:
        effective_from: the first day the rates apply to (a true-up's date decides).
        current: the share of the outstanding principal of loans not past due (未逾期).
        days_1_30: … of loans 1–30 days past due.
        days_31_60: … of loans 31–60 days past due.
        days_61_90: … of loans 61–90 days past due.
        over_90: … of loans more than 90 days past due.

    Raises:
        InvalidDate: ``effective_from`` is not a date.
        InvalidRate: a rate that is not a Decimal from 0 to 1, or that is below the rate of a younger
            bucket (an older debt is never more collectable than a younger one).
    """

    effective_from: date
    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal

    def __post_init__(self) -> None:
        check_date("effective_from", self.effective_from)
        previous, previous_field = Decimal(0), ""
        for _, field in _BUCKET_FIELDS:
            rate = _check_share(field, getattr(self, field))
            if rate < previous:
                raise InvalidRate(
                    rate,
                    reason="falls",
                    field=field,
                    previous_field=previous_field,
                    previous=previous,
                )
            previous, previous_field = rate, field

    def rate(self, bucket: AgeingBucket) -> Decimal:
        """The rate of one ageing bucket."""
        return {b: getattr(self, field) for b, field in _BUCKET_FIELDS}[bucket]  # type: ignore[no-any-return]


DEFAULT_ALLOWANCE_POLICY = AllowancePolicy(
    # In force "since always": the fallback when a fund has set no policy of its own.
    effective_from=date.min,
    # 1 % of loans not past due: the general provision (一般准备) banks keep on all loans
    # (《银行贷款损失准备计提指引》, 银发〔2002〕98号) — an analogue, not a rule of the 制度.
    current=Decimal("0.01"),
    # 10 / 25 / 50 %: the usual microfinance ageing rates; 100 % beyond 90 days, the point at which
    # the analogous risk-compensation schemes treat a poverty loan as lost (domain.md §9.3, 南澳).
    days_1_30=Decimal("0.10"),
    days_31_60=Decimal("0.25"),
    days_61_90=Decimal("0.50"),
    over_90=Decimal("1"),
)
"""The rates revolve proposes when a fund has set none: a choice of revolve's (domain.md [I]/[A]), not
a rate of the 制度. A fund sets its own with ``Ledger.set_allowance_policy``."""


def allowance_policy_in_force(policies: Sequence[AllowancePolicy], on: date) -> AllowancePolicy:
    """The allowance policy in force on a date.

    Args:
        policies: the fund's policy versions, in any order.
        on: the date of the true-up.

    Returns:
        The version with the latest ``effective_from`` on or before ``on``;
        :data:`DEFAULT_ALLOWANCE_POLICY` when none has taken effect yet.

    Raises:
        InvalidDate: two versions take effect on the same day.
    """
    in_force = [p for p in policies if p.effective_from <= on]
    if not in_force:
        return DEFAULT_ALLOWANCE_POLICY
    latest = max(p.effective_from for p in in_force)
    found = [p for p in in_force if p.effective_from == latest]
    if len(found) > 1:
        raise InvalidDate(latest, reason="allowance_twice")
    return found[0]


@dataclass(frozen=True, slots=True)
class AllowanceLine:
    """One ageing bucket of the required allowance: its loans, their outstanding principal, the rate,
    and the allowance it requires (rounded once, to the fen)."""

    bucket: AgeingBucket
    count: int
    outstanding: Money
    rate: Decimal
    required: Money


@dataclass(frozen=True, slots=True)
class RequiredAllowance:
    """The allowance the policy requires on a date (应计提的坏账准备金额), bucket by bucket."""

    policy: AllowancePolicy
    lines: tuple[AllowanceLine, ...]
    """One line per ageing bucket, youngest first (empty buckets included)."""

    @property
    def total(self) -> Money:
        """The required allowance: the sum of the lines."""
        return Money.total(line.required for line in self.lines)

    def line(self, bucket: AgeingBucket) -> AllowanceLine:
        """The line of one bucket."""
        return next(line for line in self.lines if line.bucket is bucket)


def required_allowance(positions: Iterable[LoanPosition], policy: AllowancePolicy) -> RequiredAllowance:
    """The allowance ``policy`` requires for loans standing at ``positions`` (all on one date).

    Args:
        positions: the loans' positions on the date (:func:`revolve.loans.position.loan_position`);
            only active loans with principal outstanding count.
        policy: the policy in force on that date.

    Returns:
        Per bucket: Σ outstanding × rate, rounded half up to the fen once per bucket.
    """
    counts = {bucket: 0 for bucket, _ in _BUCKET_FIELDS}
    sums = {bucket: 0 for bucket, _ in _BUCKET_FIELDS}
    for position in positions:
        if position.status is LoanStatus.ACTIVE and position.outstanding.fen > 0:
            counts[position.bucket] += 1
            sums[position.bucket] += position.outstanding.fen
    lines = []
    for bucket, _ in _BUCKET_FIELDS:
        rate = policy.rate(bucket)
        outstanding = Money(sums[bucket])
        lines.append(
            AllowanceLine(
                bucket, counts[bucket], outstanding, rate, outstanding.scaled(rate, rounding=ROUND_HALF_UP)
            )
        )
    return RequiredAllowance(policy, tuple(lines))


@dataclass(frozen=True, slots=True)
class AllowanceTrueUp:
    """A true-up of the allowance (补提 / 冲减) on a date.

    Attributes:
        on: its date.
        required: the allowance required on that date, line by line.
        balance_before: the allowance's credit balance on that date before the true-up (negative when a
            write-off has left it in debit).
        adjustment: required − balance before: positive for a provision (补提), negative for a reversal
            (冲减), zero when nothing is posted.
        entry: the entry posted (a ``PostedEntry`` once written), or None when the books already agree.
    """

    on: date
    required: RequiredAllowance
    balance_before: Money
    adjustment: Money
    entry: Entry | PostedEntry | None


def decide_true_up(
    positions: Iterable[LoanPosition], *, policy: AllowancePolicy, balance: Money, fund: Fund, on: date
) -> AllowanceTrueUp:
    """Decide the true-up of the allowance on ``on``.

    Args:
        positions: every loan's position on ``on``.
        policy: the allowance policy in force on ``on``.
        balance: the allowance's credit balance on ``on`` (positive = credit).
        fund: the fund, for its closed period.
        on: the date of the true-up.

    Returns:
        The required allowance, the balance before, the adjustment and its entry (None when zero).

    Raises:
        PeriodClosed: ``on`` is in a closed period.
    """
    check_open(fund, on)
    required = required_allowance(positions, policy)
    adjustment = required.total - balance
    entry = None
    if adjustment.fen:
        verb = "补提" if adjustment.fen > 0 else "冲减"
        entry = allowance_true_up_entry(
            amount=adjustment,
            on=on,
            memo=f"{verb}坏账准备 应提 {required.total} − 期初贷方余额 {balance}",
        )
    return AllowanceTrueUp(on, required, balance, adjustment, entry)
