"""The period close (结账) as pure rules: closing entries (期末结转), accruals (权责发生制) and the release
of restrictions (限定性净资产转为非限定性净资产). docs/books.md quotes the articles they follow.

* **Closing entries** (会计科目使用说明, 3101/3102 and 4101/4401 notes; on a 政府会计制度 chart every revenue
  and expense into 3301 本期盈余, and on 31 December 3301 → 3302 本年盈余分配 → 3001 累计盈余, docs/books-gov.md): at the end of a period every
  revenue and expense account is closed — restricted revenue (:data:`RESTRICTED_REVENUE_ROLES`) into
  限定性净资产, unrestricted revenue and all expenses into 非限定性净资产 — so that each has no balance at
  the closing date. Their kinds start with ``close.``; reports that show a period's flows leave them out.
* **Accruals** (第七条, 权责发生制): the interest and fees each interest-bearing loan earned by the closing
  date — instalments due in full, the period under way by its days (:mod:`revolve.accruals`) — and has not
  received by then are revenue of the period, against a receivable per loan; the interest subsidy (贴息)
  incurred by the closing date (a period under way by its days, :func:`subsidy_incurred`) and not yet paid
  is an expense of the period, against a payable per bank loan. The close posts the *difference* between
  what should be accrued and what the accounts hold, so closing twice or closing after a reopen accrues
  nothing twice; a late close moves what later receipts settled out of revenue on their dates
  (:func:`settlement_entries`).
* **Restriction release** (第五十七条; 解释 on 限定性净资产): when restricted money is used for its purpose
  — a one-off grant or a subsidy paid, an approved write-off of a loan made from it — that much restricted
  net assets (at most what is restricted) becomes unrestricted, by an entry on that day. Which events
  release is the fund's :class:`RestrictionPolicy`. An estimate (a bad-debt provision) never releases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP
from enum import StrEnum

from revolve.chart import AccountKey, AccountKind, AccountRole, Chart
from revolve.errors import InvalidEntry
from revolve.journal import Entry, Posting
from revolve.money import Money
from revolve.rounding import div_round

__all__ = [
    "CLOSE_PREFIX",
    "RELEASE_KIND",
    "RESTRICTED_REVENUE_ROLES",
    "SETTLE_KIND",
    "PeriodReopening",
    "ReleaseEvent",
    "RestrictionPolicy",
    "accrual_entry",
    "closing_entries",
    "release_entry",
    "restricted_available",
    "settlement_entries",
    "subsidy_accrual_entry",
    "subsidy_incurred",
]

R = AccountRole
CLOSE_PREFIX = "close."

RELEASE_KIND = "restriction.release"
"""The kind of an entry that lifts a restriction (Dr 限定性净资产 / Cr 非限定性净资产)."""
"""Every closing entry's kind starts with this (``close.revenue``, ``close.expense``, ``close.reversal``)."""

RESTRICTED_REVENUE_ROLES: frozenset[AccountRole] = frozenset({R.DONATION_REVENUE, R.GRANT_REVENUE})
"""Revenue that carries a donor's or a government's restriction (限定性收入): it closes into 限定性净资产."""


@dataclass(frozen=True, slots=True)
class PeriodReopening:
    """A reopened period (反结账), as recorded.

    Attributes:
        fund_id: the fund.
        through: the closing date reopened (its closing entries, and those of later closes, reversed).
        closed_through_before: the date the fund was closed through before.
        closed_through_after: the date it is closed through now (None: not closed at all).
        reason: why.
        approved_by: who approved it.
        reopened_at: when (the ledger's clock).
    """

    fund_id: int
    through: date
    closed_through_before: date
    closed_through_after: date | None
    reason: str
    approved_by: str
    reopened_at: datetime


class ReleaseEvent(StrEnum):
    """An event that uses restricted money for its purpose."""

    GRANT = "grant"
    SUBSIDY = "subsidy"
    WRITE_OFF = "write_off"
    ALLOCATION = "allocation"
    """Restricted money allocated (拨付) down the tree, where the receiver holds it under the same purpose:
    it has left this fund's books as an expense, so its restriction is lifted here as for a grant."""
    RETURN = "return_to_finance"
    """Restricted money returned to government finance (上缴财政): it leaves the fund as an expense that
    closes into 非限定性净资产, so as much is released from 限定性净资产 on the day it leaves."""
    TIME = "time"
    """A time restriction (时间限制) that ends (:mod:`revolve.restrictions`); not a policy choice."""

    @property
    def label_zh(self) -> str:
        """The Chinese name of the event."""
        return {
            "grant": "一次性帮扶",
            "subsidy": "小额贴息",
            "write_off": "核销",
            "allocation": "拨付下级",
            "return_to_finance": "上缴财政",
            "time": "限定期满",
        }[self.value]


@dataclass(frozen=True, slots=True)
class RestrictionPolicy:
    """Which uses of restricted money lift its restriction, per fund (domain.md §14.2's recommendation
    by default: grants, subsidies and write-offs all release).

    Attributes:
        on_grant: a one-off grant (一次性帮扶) paid releases as much restricted net assets.
        on_subsidy: an interest subsidy (贴息) paid releases as much.
        on_write_off: an approved write-off (核销) releases the principal written off.
        on_return: money returned to finance (上缴财政) releases as much (a policy stored before this flag
            existed reads as True).

    A time restriction that ends always releases (第五十七条): it is not in the policy.
    """

    on_grant: bool = True
    on_subsidy: bool = True
    on_write_off: bool = True
    on_return: bool = True

    def __post_init__(self) -> None:
        for name in ("on_grant", "on_subsidy", "on_write_off", "on_return"):
            value = getattr(self, name)
            if type(value) is not bool:
                raise InvalidEntry(name, value, reason="boolean")

    def releases(self, event: ReleaseEvent) -> bool:
        """Whether ``event`` lifts the restriction under this policy."""
        return {
            ReleaseEvent.GRANT: self.on_grant,
            # an allocation given is money paid out for the purpose, as a grant is: one setting for both
            ReleaseEvent.ALLOCATION: self.on_grant,
            ReleaseEvent.SUBSIDY: self.on_subsidy,
            ReleaseEvent.WRITE_OFF: self.on_write_off,
            ReleaseEvent.RETURN: self.on_return,
            ReleaseEvent.TIME: True,
        }[event]


def restricted_available(balances: Mapping[AccountRole, Money]) -> Money:
    """Restricted net assets as the books stand (closed into 3102 or still in restricted revenue), ≥ 0.

    Args:
        balances: signed balances (debit positive) by role; missing roles count as zero.
    """
    credit = -Money.total(
        balances.get(role, Money(0)) for role in (R.RESTRICTED_NET_ASSETS, *RESTRICTED_REVENUE_ROLES)
    )
    return max(credit, Money(0))


def release_entry(
    *, amount: Money, available: Money, event: ReleaseEvent, on: date, memo: str
) -> Entry | None:
    """Dr 限定性净资产 / Cr 非限定性净资产 for the restricted money ``event`` used (at most ``available``).

    Returns:
        The entry, or None when nothing is restricted any more.
    """
    release = min(amount, max(available, Money(0)))
    if not release.is_positive():
        return None
    return Entry(
        on,
        RELEASE_KIND,
        (Posting(R.RESTRICTED_NET_ASSETS, release), Posting(R.UNRESTRICTED_NET_ASSETS, -release)),
        memo=f"限定性净资产解除限制（{event.label_zh}）{memo}".strip(),
    )


def closing_entries(
    chart: Chart,
    balances: Mapping[AccountRole, Money],
    *,
    through: date,
    key: str,
    subledgers: Mapping[AccountRole, Mapping[str, Money]] | None = None,
) -> list[Entry]:
    """The closing entries (期末结转) that bring every revenue and expense account to zero at ``through``.

    Args:
        chart: the fund's chart (which roles are revenue and which are expenses).
        balances: each role's signed balance at ``through`` (debit positive), closing entries included.
        through: the closing date; every entry is dated on it.
        key: the idempotency key's stem (per fund and date); each entry appends its kind.
        subledgers: for a role kept per sub-ledger account (拨付 per receiving fund), each account's
            balance (sub-key → signed balance); such a role is closed account by account.

    Returns:
        Up to three entries: ``close.revenue.restricted`` (→ 3102), ``close.revenue`` (→ 3101) and
        ``close.expense`` (→ 3101); an entry with nothing to close is left out.
    """
    # 政府会计制度: every revenue and expense into 3301 本期盈余 (its 4001–4609 and 5001–5901 notes)
    result = R.CURRENT_SURPLUS if chart.government else R.UNRESTRICTED_NET_ASSETS
    groups: dict[str, tuple[AccountRole, list[Posting]]] = {
        "close.revenue.restricted": (R.RESTRICTED_NET_ASSETS, []),
        "close.revenue": (result, []),
        "close.expense": (result, []),
    }
    for spec in chart.specs:
        balance = balances.get(spec.role, Money(0))
        if balance.is_zero():
            continue
        if spec.kind is AccountKind.REVENUE:
            restricted = spec.role in RESTRICTED_REVENUE_ROLES and not chart.government
            kind = "close.revenue.restricted" if restricted else "close.revenue"
        elif spec.kind is AccountKind.EXPENSE:
            kind = "close.expense"
        else:
            continue
        if spec.subledger:
            subs = (subledgers or {}).get(spec.role, {})
            if Money.total(subs.values()) != balance:
                raise InvalidEntry(
                    "subledgers",
                    spec.role.value,
                    reason="subledger_balance",
                )
            groups[kind][1].extend(
                Posting(AccountKey(spec.role, sub), -b) for sub, b in sorted(subs.items()) if not b.is_zero()
            )
        else:
            groups[kind][1].append(Posting(spec.role, -balance))
    entries = []
    surplus = balances.get(R.CURRENT_SURPLUS, Money(0))
    for kind, (target, postings) in groups.items():
        if not postings:
            continue
        moved = Money.total(p.amount for p in postings)
        if target is R.CURRENT_SURPLUS:
            surplus -= moved
        entries.append(
            Entry(
                through,
                kind,
                (*postings, Posting(target, -moved)),
                memo=f"{through.isoformat()} 期末结转",
                idempotency_key=f"{key}:{kind}",
            )
        )
    if chart.government and (through.month, through.day) == (12, 31):
        entries += _year_end_surplus(surplus, balances.get(R.SURPLUS_DISTRIBUTION, Money(0)), through, key)
    return entries


def _year_end_surplus(surplus: Money, distribution: Money, through: date, key: str) -> list[Entry]:
    """政府会计制度 at the year's end: 3301 本期盈余 into 3302 本年盈余分配 (3301 note, as remembered and not
    verified against the text: 年末，完成上述结转后，将本科目余额转入"本年盈余分配"科目), then 3302 into 3001
    累计盈余 (3302 note) — a fund sets nothing aside into 专用基金, so all of it. docs/books-gov.md."""
    out = []
    memo = f"{through.isoformat()} 年末结转"
    if not surplus.is_zero():
        out.append(
            Entry(
                through,
                "close.surplus",
                (Posting(R.CURRENT_SURPLUS, -surplus), Posting(R.SURPLUS_DISTRIBUTION, surplus)),
                memo=memo,
                idempotency_key=f"{key}:close.surplus",
            )
        )
    distribution += surplus
    if not distribution.is_zero():
        out.append(
            Entry(
                through,
                "close.distribution",
                (
                    Posting(R.SURPLUS_DISTRIBUTION, -distribution),
                    Posting(R.UNRESTRICTED_NET_ASSETS, distribution),
                ),
                memo=memo,
                idempotency_key=f"{key}:close.distribution",
            )
        )
    return out


def _deltas(targets: Mapping[str, Money], held: Mapping[str, Money]) -> dict[str, Money]:
    """What to post to each sub-ledger account so that it holds its target (both signed, debit +)."""
    subs = sorted(set(targets) | set(held))
    out = {}
    for sub in subs:
        delta = targets.get(sub, Money(0)) - held.get(sub, Money(0))
        if not delta.is_zero():
            out[sub] = delta
    return out


def accrual_entry(
    *,
    kind: str,
    receivable: AccountRole,
    revenue: AccountRole,
    targets: Mapping[str, Money],
    held: Mapping[str, Money],
    on: date,
    key: str,
) -> Entry | None:
    """Accrued revenue: Dr ``receivable``:{loan} / Cr ``revenue`` by what each loan's receivable lacks.

    Args:
        kind: ``accrual.interest`` or ``accrual.fee``.
        receivable: the receivable role (one sub-ledger account per loan).
        revenue: the revenue role.
        targets: per loan number, what should be receivable (positive).
        held: per loan number, what the receivable holds now (debit positive).
        on: the closing date.
        key: the idempotency key.

    Returns:
        The entry, or None when every receivable already holds its target.
    """
    deltas = _deltas(targets, held)
    if not deltas:
        return None
    postings = [Posting(AccountKey(receivable, sub), d) for sub, d in deltas.items()]
    total = Money.total(deltas.values())
    if not total.is_zero():
        postings.append(Posting(revenue, -total))
    label = "利息" if kind == "accrual.interest" else "管理费"
    return Entry(on, kind, tuple(postings), memo=f"{on.isoformat()} 计提应收{label}", idempotency_key=key)


def subsidy_accrual_entry(
    *, targets: Mapping[str, Money], held: Iterable[tuple[str, Money]], on: date, key: str
) -> Entry | None:
    """Accrued subsidy: Dr 业务活动成本—小额贴息 / Cr 应付贴息:{bank loan} by what each payable lacks.

    Args:
        targets: per bank-loan number, the subsidy owed and not yet paid (positive).
        held: per bank-loan number, the payable's balance (credit negative).
        on: the closing date.
        key: the idempotency key.
    """
    owed_now = {sub: -balance for sub, balance in held}
    deltas = _deltas(targets, owed_now)
    if not deltas:
        return None
    postings = [Posting(AccountKey(R.SUBSIDY_PAYABLE, sub), -d) for sub, d in deltas.items()]
    total = Money.total(deltas.values())
    if not total.is_zero():
        postings.append(Posting(R.SUBSIDY_EXPENSE, total))
    return Entry(
        on, "accrual.subsidy", tuple(postings), memo=f"{on.isoformat()} 计提应付贴息", idempotency_key=key
    )


SETTLE_KIND = "accrual.settle"
"""The kind of an entry a late close posts on a later receipt's date: the part of that receipt's interest
(fees) that settles the receivable accrued at the close, taken out of revenue (Dr 利息收入 / Cr 应收利息)."""

_REVENUE_OF = {R.ACCRUED_INTEREST: R.INTEREST_REVENUE, R.ACCRUED_FEE: R.FEE_REVENUE}


def settlement_entries(
    *,
    desired: Mapping[tuple[AccountRole, str, date], Money],
    moved: Mapping[tuple[AccountRole, str, date], Money],
    key: str,
) -> list[Entry]:
    """What a late close posts on the dates of receipts recorded after its closing date, so that they settle
    the receivables it accrued (and no more), as they would have had the close been run on time.

    Args:
        desired: per (receivable role, loan number, value date), what the receipts of that day should
            settle (positive), from :func:`revolve.accruals.accrue`.
        moved: per (receivable role, loan number, value date) after the close, the receivable's net
            movement as posted (debit positive: a settlement is negative).
        key: the idempotency key's stem; each entry appends its date.

    Returns:
        One ``accrual.settle`` entry per date with a difference: Dr 利息收入 (管理费收入) / Cr 应收利息
        (应收管理费):{loan} by what the day's receipts should have settled and did not (negative amounts
        when they settled too much).
    """
    days: dict[date, dict[AccountKey, int]] = {}
    for role, sub, day in set(desired) | set(moved):
        short = desired.get((role, sub, day), Money(0)).fen + moved.get((role, sub, day), Money(0)).fen
        if not short:
            continue
        lines = days.setdefault(day, {})
        lines[AccountKey(role, sub)] = lines.get(AccountKey(role, sub), 0) - short
        revenue = AccountKey(_REVENUE_OF[role])
        lines[revenue] = lines.get(revenue, 0) + short
    out = []
    for day, lines in sorted(days.items()):
        postings = tuple(Posting(k, Money(v)) for k, v in sorted(lines.items(), key=str) if v)
        if postings:
            out.append(
                Entry(
                    day,
                    SETTLE_KIND,
                    postings,
                    memo=f"{day.isoformat()} 收款结算已计提应收利息及管理费（晚结账补记）",
                    idempotency_key=f"{key}:{SETTLE_KIND}:{day.isoformat()}",
                )
            )
    return out


def subsidy_incurred(
    amount: Money,
    *,
    start: date,
    end: date,
    subsidised_days: int,
    through: date,
    rounding: str = ROUND_HALF_UP,
) -> Money:
    """The part of one bank-loan period's subsidy (贴息) incurred by ``through``: all of it once the period
    has ended (``end`` ≤ ``through``), otherwise its share by the subsidised days elapsed since ``start``
    (``amount × min(elapsed, subsidised days) ÷ subsidised days``, rounded once to the fen).

    Args:
        amount: the period's subsidy.
        start: the period's first day.
        end: its settlement day.
        subsidised_days: the days the subsidy covers (the caps may cover fewer than the period's days).
        through: the closing date.
        rounding: the rounding mode of the share.
    """
    if end <= through:
        return amount
    elapsed = min((through - start).days, subsidised_days)
    if elapsed <= 0 or subsidised_days <= 0 or not amount.is_positive():
        return Money(0)
    return Money(div_round(amount.fen * elapsed, subsidised_days, rounding))
