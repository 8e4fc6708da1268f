"""Money in, between funds, and out for good: contributions, transfers, returns to finance, grants.

The entries each posts are the posting rules of :mod:`revolve.rules`; a payout of any kind must fit the
cash available on its date and on every later date (:class:`revolve.loans.payout.CashLine`).
"""

from __future__ import annotations

from datetime import date

from revolve.chart import AccountKey, AccountRole
from revolve.checks import check_choice, check_date, ref_of
from revolve.closing import ReleaseEvent
from revolve.errors import IdempotencyConflict, InvalidEntry
from revolve.funds import check_open
from revolve.households import Household
from revolve.journal import PostedEntry
from revolve.money import Money
from revolve.operations.books import Family, FundRef, Unit
from revolve.operations.closing import release_entries
from revolve.restrictions import check_time_restriction
from revolve.rules import (
    ContributionSource,
    contribution_entry,
    grant_entry,
    return_to_finance_entry,
    transfer_entries,
)
from revolve.store import accounts as store_accounts
from revolve.store import funds as store_funds
from revolve.store import households as store_households
from revolve.store import journal as store_journal
from revolve.store import restrictions as store_restrictions
from revolve.store import subsidies as store_subsidies

__all__ = ["MoneyFlows"]


class MoneyFlows(Family):
    """Contributions, transfers between funds, returns to finance and one-off grants."""

    def contribute(
        self,
        fund: FundRef,
        *,
        amount: Money,
        on: date,
        source: ContributionSource | str = ContributionSource.DONATION,
        restricted: bool = True,
        donor: str = "",
        receipt: str | None = None,
        restricted_until: date | None = None,
    ) -> PostedEntry:
        """Record money given to the fund (restricted by default).

        Args:
            fund: the fund.
            amount: what was received.
            on: the value date.
            source: donation, fiscal, upper_level (上级拨付) or matching (配套).
            restricted: donor-restricted (限定性), the default for 幸福工程 money.
            donor: who gave it, for the memo.
            receipt: the receipt number; a retry with the same one changes nothing.
            restricted_until: a time restriction (时间限制): the donor's restriction ends on this date,
                and its release (Dr 限定性净资产 / Cr 非限定性净资产) is dated on it — posted by
                ``close_period`` or ``release_ended_restrictions``. Only for restricted money.

        Raises:
            InvalidAmount, MoneyTypeError: not a positive Money.
            InvalidEntry: an unknown source.
            TimeRestrictionRefused: ``restricted_until`` on an unrestricted donation.
            InvalidDate: ``restricted_until`` not after ``on``.
            PeriodClosed: ``on`` is in a closed period.
            IdempotencyConflict: the receipt number was used for another contribution.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        kind = check_choice(ContributionSource, "source", source)
        government = self._books.chart_of(fund).government
        entry = contribution_entry(
            amount=amount,
            on=on,
            source=kind,
            restricted=restricted,
            memo=donor,
            key=None if receipt is None else f"contribution:{receipt}",
            government=government,
        )
        if restricted_until is None:
            return self._books.post(fund, [entry])[0]
        if government:
            raise InvalidEntry(
                "restricted_until",
                restricted_until,
                reason="no_restricted_assets",
            )
        check_date("restricted_until", restricted_until)
        # government money (政府补助收入) is restricted whatever ``restricted`` says
        check_time_restriction(
            on=on, until=restricted_until, restricted=restricted or kind is not ContributionSource.DONATION
        )
        with self._books.locked(fund) as unit:
            before = unit.head.count
            (posted,) = self._books.write(unit, [entry])
            found = store_restrictions.find(unit.conn, unit.fund.id, posted.seq)
            if posted.seq <= before:  # a retry: the same restriction, or a conflict
                if found is None or found.until != restricted_until:
                    raise IdempotencyConflict(
                        str(entry.idempotency_key),
                        fund_id=unit.fund.id,
                        existing_seq=posted.seq,
                        fund=unit.fund.code,
                    )
                return posted
            if found is None:
                store_restrictions.insert_restriction(
                    unit.conn,
                    unit.fund.id,
                    contribution_seq=posted.seq,
                    amount=amount,
                    until=restricted_until,
                )
            return posted

    def available(self, fund: FundRef) -> Money:
        """Cash the fund can lend or pay out: bank deposits less the cash deposits (保证金) it holds for borrowers.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return self._books.available(conn, found.id)

    def transfer(
        self, sender: FundRef, receiver: FundRef, *, amount: Money, on: date, memo: str = ""
    ) -> tuple[PostedEntry, PostedEntry]:
        """Move cash from one fund to another (county ↔ town), one entry in each book, netting to zero.

        Raises:
            InsufficientFunds: the sender has less available.
            InvalidEntry: sender and receiver are the same fund.
            PeriodClosed: ``on`` is in a closed period of either fund.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        books = self._books
        learned = {}
        with books.tx() as conn:
            a = store_funds.find_fund(conn, ref_of(sender))
            b = store_funds.find_fund(conn, ref_of(receiver))
            if a.id == b.id:
                raise InvalidEntry("receiver", b.code, reason="same_fund")
            # lock both heads in id order, so two opposite transfers cannot deadlock
            units = {
                f.id: Unit(conn, store_funds.lock_fund_head(conn, f.id))
                for f in sorted((a, b), key=lambda f: f.id)
            }
            check_open(a, on)
            check_open(b, on)
            books.require_cash(conn, a, amount, on)
            owes = -store_accounts.account_balance_by_key(
                conn, a.id, AccountKey(AccountRole.DUE_TO_FUND, b.code)
            )
            out_entry, in_entry = transfer_entries(
                sender=a.code,
                receiver=b.code,
                amount=amount,
                sender_owes_receiver=Money(owes),
                on=on,
                memo=memo or f"{a.name} → {b.name}",
            )
            (posted_out,) = books.write(units[a.id], [out_entry])
            (posted_in,) = books.write(units[b.id], [in_entry])
            for unit in units.values():
                learned.update(unit.learned)
        books.remember(learned)
        return posted_out, posted_in

    def return_to_finance(
        self, fund: FundRef, *, amount: Money, on: date, reference: str, receipt: str | None = None
    ) -> PostedEntry:
        """Return leftover money to government finance (上缴财政 — Xiamen's 财政存量资金).

        The money leaves restricted: under the fund's :class:`~revolve.RestrictionPolicy` (``on_return``,
        on by default) as much 限定性净资产 is released on ``on`` (at most what is restricted from then on),
        by an entry after the return's (docs/books.md).

        Raises:
            InsufficientFunds: the fund has less available.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            self._books.require_cash(unit.conn, unit.fund, amount, on)
            key = None if receipt is None else f"finance:{receipt}"
            government = self._books.chart(unit.fund).government
            entry = return_to_finance_entry(
                amount=amount, on=on, reference=reference, key=key, government=government
            )
            if key is not None and store_journal.find_by_idempotency_key(unit.conn, unit.fund.id, key):
                return self._books.write(unit, [entry])[0]  # a retry: answered as first posted
            released = release_entries(unit, ReleaseEvent.RETURN, amount, on, reference)
            return self._books.write(unit, [entry, *released])[0]

    def grant(
        self, fund: FundRef, household: Household | int | str, *, amount: Money, on: date, memo: str = ""
    ) -> PostedEntry:
        """Pay a one-off grant (一次性帮扶) to a household: money that leaves the fund for good.

        Raises:
            UnknownHousehold: no such household.
            InsufficientFunds: the fund has less available.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            hh = store_households.find_household(unit.conn, unit.fund.id, ref_of(household))
            self._books.require_cash(unit.conn, unit.fund, amount, on)
            entry = grant_entry(amount=amount, on=on, memo=memo or f"一次性帮扶 {hh.code}", key=None)
            released = release_entries(unit, ReleaseEvent.GRANT, amount, on, hh.code)
            posted = self._books.write(unit, [entry, *released])[0]
            store_subsidies.insert_grant(
                unit.conn, unit.fund.id, seq=posted.seq, household_id=hh.id, amount=amount, on=on
            )
            return posted
