"""Allocation (拨付): money given for good down the organisation tree, as opposed to a loan (借调).

A :meth:`~revolve.operations.money_flows.MoneyFlows.transfer` between funds is repayable: each side
books a 内部往来 claim that nets to zero. An *allocation* is not repayable. For the receiver it is
capital, restricted revenue by the source that first paid the money (民间非营利组织会计制度 第五十六条,
第六十条: a provider's purpose restriction — here 幸福工程 lending — makes the income 限定性):

* government money (fiscal, matching 配套, upper-level 上级拨款) → 政府补助收入—限定性收入;
* donated money → 捐赠收入—限定性收入.

For the giver it is an outflow, keyed by the receiving fund:

* the two funds are one accounting entity — funds owned by the same organisation — : 内部拨出
  (``ALLOCATION_INTERNAL``), which consolidation eliminates against the receiver's revenue;
* otherwise the receiver is another entity further down the tree: 业务活动成本—拨付下级
  (``ALLOCATION_EXPENSE``), the cost of the programme the giver runs through it.

**One accounting entity** is decided by the owner: two funds of one organisation belong to one 会计主体
(a 计生协 keeping a 幸福工程 fund and a 生育关怀 fund); funds of different organisations are separate
entities, each with its own books. The rule is revolve's choice, kept simple on purpose.

**Direction.** An allocation goes down the tree (to a fund of an organisation below the giver's) or
between two funds of one organisation. Up the tree or sideways (to a sibling, a cousin) it is refused:
money going back up is 上缴 (:meth:`return_to_finance` or a :meth:`transfer` settling a loan), and money
between peers is a loan (借调), which is what ``transfer`` records.

**Capital.** The receiver counts what it received as capital (``allocated_in`` in
``capital_by_source``); the giver's capital is reduced by what it allocated out (``allocated_out``, a
negative amount), so summed over a tree the capital is what came in from outside, counted once.

**Pairing.** The receiver's entry carries the idempotency key ``allocation.in:{giver}:{seq}`` naming the
giver's entry; :func:`allocation_violations` checks every allocation has both halves, equal and
opposite in cash, and that the giver's outflow names the receiver.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from revolve.chart import AccountKey, AccountRole
from revolve.errors import AllocationRefused, InvalidAmount, MoneyTypeError
from revolve.funds import Fund
from revolve.invariants import Violation
from revolve.journal import Entry, Posting
from revolve.money import Money
from revolve.orgs import Org
from revolve.rules import GOV_REVENUE, ContributionSource

__all__ = [
    "ALLOCATED_IN",
    "ALLOCATED_OUT",
    "AllocationHalf",
    "allocation_entries",
    "allocation_violations",
    "capital_key",
    "check_capital",
    "decide_allocation",
    "receiver_key",
]

R = AccountRole

ALLOCATED_IN = "allocated_in"
"""The ``capital_by_source`` key of allocations received (拨入)."""
ALLOCATED_OUT = "allocated_out"
"""The ``capital_by_source`` key of allocations given (拨出), a negative amount."""

IN_KIND = "allocation.in"
OUT_KIND = "allocation.out"


def capital_key(kind: str) -> str | None:
    """The ``capital_by_source`` key an entry of ``kind`` counts under, or None if it is not capital.

    ``contribution.fiscal`` → ``fiscal``; ``allocation.in`` → ``allocated_in``; ``allocation.out`` →
    ``allocated_out``.
    """
    if kind.startswith("contribution."):
        return kind.split(".", 1)[1]
    return {IN_KIND: ALLOCATED_IN, OUT_KIND: ALLOCATED_OUT}.get(kind)


def _ancestors(org_id: int, orgs: Mapping[int, Org]) -> list[int]:
    chain: list[int] = []
    parent = orgs[org_id].parent_id
    while parent is not None and parent not in chain:
        chain.append(parent)
        parent = orgs[parent].parent_id
    return chain


def decide_allocation(giver: Fund, receiver: Fund, orgs: Mapping[int, Org]) -> bool:
    """Whether an allocation from ``giver`` to ``receiver`` may be made, and whether it stays inside one
    accounting entity.

    Args:
        giver: the fund that gives.
        receiver: the fund that receives.
        orgs: the organisation tree, by id (at least both owners and their ancestors).

    Returns:
        True when both funds belong to one organisation (one accounting entity: 内部拨出), False when the
        receiver's organisation is below the giver's (another entity: 拨付下级).

    Raises:
        AllocationRefused: the same fund, or the receiver's organisation is above or beside the giver's.
    """
    if giver.id == receiver.id:
        raise AllocationRefused(
            receiver.code,
            reason="same_fund",
        )
    if giver.org_id == receiver.org_id:
        return True
    if giver.org_id in _ancestors(receiver.org_id, orgs):
        return False
    raise AllocationRefused(
        receiver.code,
        reason="not_below",
        receiver=receiver.code,
        giver=giver.code,
    )


def check_capital(by_day: Mapping[date, int], amount: Money, on: date, *, giver: str) -> None:
    """Refuse an allocation that would take the giver's capital below zero on ``on`` or any later date.

    Cash borrowed from another fund (借调, a ``transfer``) is the giver's to spend but not its capital:
    it must go back. Allocating it would leave the giver with negative capital — and a 滚动次数 with a
    negative denominator — so an allocation is limited to the capital the giver holds.

    Args:
        by_day: the giver's capital movements (fen) by value date.
        amount: the allocation.
        on: its value date.
        giver: the giver's code, for the message.

    Raises:
        AllocationRefused: some day from ``on`` on the giver would hold less capital than ``amount``.
    """
    held = sum(fen for day, fen in by_day.items() if day <= on)
    low, low_on = held, on
    for day in sorted(d for d in by_day if d > on):
        held += by_day[day]
        if held < low:
            low, low_on = held, day
    if amount.fen > low:
        raise AllocationRefused(
            giver,
            reason="over_capital",
            amount=amount,
            capital=Money(max(low, 0)),
            low_on=low_on,
            giver=giver,
        )


def receiver_key(giver: str, seq: int) -> str:
    """The idempotency key of the receiver's entry: it names the giver's entry, so the halves pair."""
    return f"allocation.in:{giver}:{seq}"


def allocation_entries(
    *,
    receiver: str,
    amount: Money,
    on: date,
    source: ContributionSource,
    internal: bool,
    memo: str,
    key: str | None,
    receiver_government: bool = False,
) -> tuple[Entry, Entry]:
    """An allocation's two entries: the giver's outflow and the receiver's restricted revenue.

    A receiver on 政府会计制度's chart (``receiver_government``) books money from a fund of the level
    above as 4201 上级补助收入 (从主管部门和上级单位取得的非财政拨款收入), whoever first paid it; within one
    entity (``internal``) as the source's own account (:data:`revolve.rules.GOV_REVENUE`).

    Args:
        receiver: the receiving fund's code: the sub-key of the giver's outflow account.
        amount: the cash allocated.
        on: the value date of both entries.
        source: who first paid the money; government sources credit 政府补助收入—限定性收入, donations
            捐赠收入—限定性收入.
        internal: both funds are one accounting entity (内部拨出) rather than giver and subordinate
            (业务活动成本—拨付下级).
        memo: for people.
        key: the giver's idempotency key (``allocation.out:{receipt}``), if any.

    Returns:
        The giver's entry and the receiver's entry; the receiver's gets its pairing key
        (:func:`receiver_key`) once the giver's is posted.

    Raises:
        InvalidAmount, MoneyTypeError: not a positive Money.
    """
    if not isinstance(amount, Money):
        raise MoneyTypeError(amount, reason="allocation")
    if amount.fen <= 0:
        raise InvalidAmount(amount, reason="allocation_not_positive")
    outflow = R.ALLOCATION_INTERNAL if internal else R.ALLOCATION_EXPENSE
    if receiver_government:
        revenue = GOV_REVENUE[source] if internal else R.UPPER_GRANT_REVENUE
    else:
        revenue = R.DONATION_REVENUE if source is ContributionSource.DONATION else R.GRANT_REVENUE
    out = Entry(
        on,
        OUT_KIND,
        (Posting(AccountKey(outflow, receiver), amount), Posting(R.FUND_CASH, -amount)),
        memo=memo,
        idempotency_key=key,
    )
    into = Entry(on, IN_KIND, (Posting(R.FUND_CASH, amount), Posting(revenue, -amount)), memo=memo)
    return out, into


@dataclass(frozen=True, slots=True)
class AllocationHalf:
    """One side of an allocation as posted: the fund, the entry, its cash movement (fen), and the other
    side — for the giver the receiver's code (its outflow's sub-key), for the receiver the entry's key."""

    fund_id: int
    seq: int
    kind: str
    cash: int
    other: str


def allocation_violations(codes: Mapping[int, str], halves: Iterable[AllocationHalf]) -> list[Violation]:
    """Allocations whose two halves do not pair: a receiver's entry naming no giver's entry to it, with
    other than the opposite cash, or a giver's entry no receiver's entry names.

    Args:
        codes: every fund's code, by id.
        halves: every ``allocation.in`` and ``allocation.out`` entry.

    Returns:
        One violation per unpaired half (an empty list when every allocation pairs).
    """
    by_code = {c: i for i, c in codes.items()}
    halves = list(halves)
    outs = {(h.fund_id, h.seq): h for h in halves if h.kind == OUT_KIND}
    paired: set[tuple[int, int]] = set()
    found: list[Violation] = []
    for h in halves:
        if h.kind != IN_KIND:
            continue
        parts = h.other.split(":")
        giver_id = by_code.get(parts[1]) if len(parts) == 3 and parts[0] == IN_KIND else None
        seq = int(parts[2]) if giver_id is not None and parts[2].isdigit() else -1
        out = outs.get((giver_id or -1, seq))
        if out is None or out.other != codes[h.fund_id] or out.cash != -h.cash:
            found.append(
                Violation(
                    "allocation_unpaired",
                    h.fund_id,
                    f"entry {h.seq}",
                    f"allocation received ({h.cash} fen, key {h.other!r}) has no matching allocation given",
                )
            )
        else:
            paired.add((out.fund_id, out.seq))
    found += [
        Violation(
            "allocation_unpaired",
            out.fund_id,
            f"entry {out.seq}",
            f"allocation given to {out.other} ({-out.cash} fen) was never received",
        )
        for key, out in sorted(outs.items())
        if key not in paired
    ]
    return found
