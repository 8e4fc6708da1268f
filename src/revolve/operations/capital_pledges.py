"""Pledges of capital (认捐 / 承诺出资): registering a promise and linking the contributions received on it.

Nothing is posted when a promise is made: it is a line in the register. The money, when it comes, is
an ordinary contribution (``contribute``), linked to its pledge with :meth:`link_contribution`; 资金到位率
(:func:`revolve.capital_pledges.funds_in_place`) divides what was received by what was promised.
"""

from __future__ import annotations

from datetime import date

from revolve.capital_pledges import CapitalPledge, check_pledge
from revolve.errors import DuplicateCode, InvalidEntry, UnknownCapitalPledge
from revolve.journal import PostedEntry
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.store import capital_pledges as store_capital_pledges
from revolve.store.transactions import Connection

__all__ = ["CapitalPledges"]


def _find(conn: Connection, fund_id: int, pledge: CapitalPledge | int | str) -> CapitalPledge:
    ref: int | str = pledge.id if isinstance(pledge, CapitalPledge) else pledge
    for found in store_capital_pledges.list_capital_pledges(conn, fund_id):
        if ref in (found.id, found.code):
            return found
    raise UnknownCapitalPledge(ref)


class CapitalPledges(Family):
    """The register of pledges of capital and the contributions received against them."""

    def pledge_capital(
        self,
        fund: FundRef,
        *,
        donor: str,
        amount: Money,
        due: date,
        code: str | None = None,
        on: date | None = None,
    ) -> CapitalPledge:
        """Register a promise of capital: ``donor`` will give ``amount`` by ``due``. Nothing is posted.

        Args:
            fund: the fund promised to.
            donor: who promised (a donor, a government level's 配套资金).
            amount: how much.
            due: by when.
            code: the register's reference, unique in the fund (default ``P<n>``, n the next number).
            on: when the promise was made, if known.

        Returns:
            The register's line.

        Raises:
            InvalidEntry, MoneyTypeError, InvalidAmount, InvalidDate: see
                :func:`revolve.capital_pledges.check_pledge`.
            DuplicateCode: the code is in use in the fund.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            existing = store_capital_pledges.list_capital_pledges(unit.conn, unit.fund.id)
            code = code if code is not None else f"P{len(existing) + 1}"
            check_pledge(code=code, donor=donor, amount=amount, due=due, pledged_on=on)
            if any(p.code == code.strip() for p in existing):
                raise DuplicateCode(code, what="capital pledge")
            pledge = CapitalPledge(0, unit.fund.id, code.strip(), donor.strip(), amount, due, on)
            return store_capital_pledges.insert_capital_pledge(unit.conn, pledge)

    def link_contribution(
        self, fund: FundRef, pledge: CapitalPledge | int | str, contribution: PostedEntry | int
    ) -> CapitalPledge:
        """Record that a contribution (its journal entry) was received against a pledge.

        Args:
            fund: the fund.
            pledge: the pledge (its line, id or code).
            contribution: the contribution's posted entry (what ``contribute`` returned) or its seq.

        Returns:
            The pledge with what it has now received.

        Raises:
            UnknownCapitalPledge: no such pledge in the fund.
            InvalidEntry: the entry is not a contribution of the fund, or is linked to a pledge already.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        seq = contribution.seq if isinstance(contribution, PostedEntry) else contribution
        with self._books.locked(fund) as unit:
            conn, fund_id = unit.conn, unit.fund.id
            found = _find(conn, fund_id, pledge)
            entry = store_capital_pledges.contribution_cash(conn, fund_id, seq)
            if entry is None or not entry[0].startswith("contribution."):
                raise InvalidEntry(
                    "contribution",
                    seq,
                    reason="contribution",
                )
            linked = store_capital_pledges.linked_pledge(conn, fund_id, seq)
            if linked is not None:
                raise InvalidEntry(
                    "contribution",
                    seq,
                    reason="linked",
                    pledge=linked,
                )
            store_capital_pledges.link_contribution(conn, fund_id, seq, found.id)
            return _find(conn, fund_id, found.id)

    def capital_pledges(self, fund: FundRef) -> list[CapitalPledge]:
        """The fund's pledges of capital, by due date, each with what was received against it.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_capital_pledges.list_capital_pledges(conn, found.id)
