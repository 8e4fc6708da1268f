"""Allocations (拨付) down the organisation tree: capital for the receiver, an outflow for the giver.

The rules are :mod:`revolve.allocations`; a loan between funds (借调) stays
:meth:`~revolve.operations.money_flows.MoneyFlows.transfer`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from revolve.allocations import allocation_entries, check_capital, decide_allocation, receiver_key
from revolve.checks import check_choice, ref_of
from revolve.closing import ReleaseEvent
from revolve.funds import check_open
from revolve.journal import PostedEntry
from revolve.money import Money
from revolve.operations.books import Family, FundRef, Unit
from revolve.operations.closing import release_entries
from revolve.rules import ContributionSource
from revolve.store import figures as store_figures
from revolve.store import funds as store_funds
from revolve.store import journal as store_journal

__all__ = ["Allocations"]


class Allocations(Family):
    """Non-repayable allocations (拨付) from a fund to a fund below it, or within one organisation."""

    def allocate(
        self,
        giver: FundRef,
        receiver: FundRef,
        *,
        amount: Money,
        on: date,
        source: ContributionSource | str = ContributionSource.UPPER_LEVEL,
        memo: str = "",
        receipt: str | None = None,
    ) -> tuple[PostedEntry, PostedEntry]:
        """Allocate money for good from ``giver`` to ``receiver`` (市协会拨付县项目办).

        The receiver books restricted revenue by ``source`` (Dr 银行存款 / Cr 政府补助收入—限定性收入, or
        捐赠收入—限定性收入 for donated money) and counts it as capital; the giver books 业务活动成本—拨付下级
        (or 内部拨出 when both funds belong to one organisation) and its capital is reduced by it.

        Args:
            giver: the fund that gives.
            receiver: a fund of an organisation below the giver's, or another fund of the same one.
            amount: the cash allocated.
            on: the value date of both entries.
            source: who first paid the money: fiscal, matching, upper_level (government money, the
                default) or donation.
            memo: for people; by default "giver → receiver 拨付".
            receipt: the allocation's document number; a retry with the same one changes nothing.

        Returns:
            The giver's entry and the receiver's entry.

        Raises:
            AllocationRefused: the same fund, a receiver up or across the tree, or more than the
                giver's capital on ``on`` or a later date (borrowed cash is not its to allocate).
            InvalidAmount, MoneyTypeError: not a positive Money.
            InvalidEntry: an unknown source.
            InsufficientFunds: the giver has less available on ``on`` or a later date.
            PeriodClosed: ``on`` is in a closed period of either fund.
            IdempotencyConflict: the receipt was used for another allocation.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        chosen = check_choice(ContributionSource, "source", source)
        books = self._books
        learned = {}
        with books.tx() as conn:
            a = store_funds.find_fund(conn, ref_of(giver))
            b = store_funds.find_fund(conn, ref_of(receiver))
            internal = decide_allocation(a, b, {o.id: o for o in store_funds.list_orgs(conn)})
            # lock both heads in id order, so two opposite operations cannot deadlock
            units = {
                f.id: Unit(conn, store_funds.lock_fund_head(conn, f.id))
                for f in sorted((a, b), key=lambda f: f.id)
            }
            a, b = units[a.id].fund, units[b.id].fund
            key = None if receipt is None else f"allocation.out:{receipt}"
            out_entry, in_entry = allocation_entries(
                receiver=b.code,
                amount=amount,
                on=on,
                source=chosen,
                internal=internal,
                memo=memo or f"{a.name} → {b.name} 拨付",
                key=key,
                receiver_government=books.chart(b).government,
            )
            retry = key is not None and store_journal.find_by_idempotency_key(conn, a.id, key) is not None
            if not retry:
                check_open(a, on)
                check_open(b, on)
                books.require_cash(conn, a, amount, on)
                check_capital(store_figures.capital_by_day(conn, a.id), amount, on, giver=a.code)
            # the giver's restricted money leaves its books for the purpose: its restriction is lifted there
            released = (
                []
                if retry
                else release_entries(units[a.id], ReleaseEvent.ALLOCATION, amount, on, memo or b.name)
            )
            posted_out = books.write(units[a.id], [out_entry, *released])[0]
            paired = replace(in_entry, idempotency_key=receiver_key(a.code, posted_out.seq))
            (posted_in,) = books.write(units[b.id], [paired])
            for unit in units.values():
                learned.update(unit.learned)
        books.remember(learned)
        return posted_out, posted_in
