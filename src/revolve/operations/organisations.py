"""Organisations and funds: the org tree (province › city › county › town › village), the funds (one
book each) and their charts. Closing a fund's period is :mod:`revolve.operations.closing`."""

from __future__ import annotations

from revolve.chart import Chart, chart_named
from revolve.checks import ref_of
from revolve.errors import InvalidEntry
from revolve.funds import Fund
from revolve.operations.books import Family, FundRef
from revolve.orgs import Org, OrgLevel, check_child_level
from revolve.store import funds as store_funds

__all__ = ["Organisations"]


class Organisations(Family):
    """The org tree and the funds."""

    def create_org(
        self, code: str, name: str, level: OrgLevel, *, parent: Org | int | str | None = None
    ) -> Org:
        """Add an organisation to the tree, below ``parent`` (none for a root).

        Raises:
            DuplicateCode: the code is in use.
            UnknownOrg: no such parent.
            InvalidOrgTree: ``level`` is not below the parent's level.
        """
        level = OrgLevel(level)
        with self._books.tx() as conn:
            parent_id = None
            if parent is not None:
                parent_org = store_funds.find_org(conn, ref_of(parent))
                check_child_level(parent_org.level, level)
                parent_id = parent_org.id
            return store_funds.create_org(conn, code=code, name=name, level=level, parent_id=parent_id)

    def org(self, ref: int | str) -> Org:
        """The organisation with this id or code.

        Raises:
            UnknownOrg: no such organisation.
        """
        with self._books.tx(write=False) as conn:
            return store_funds.find_org(conn, ref)

    def orgs(self) -> list[Org]:
        """Every organisation.

        Raises:
            Nothing of its own: it reads every organisation.
        """
        with self._books.tx(write=False) as conn:
            return store_funds.list_orgs(conn)

    def subtree(self, root: Org | int | str) -> list[Org]:
        """``root`` and every organisation below it.

        Raises:
            UnknownOrg: no such organisation.
        """
        orgs = self.orgs()
        root_org = root if isinstance(root, Org) else self.org(root)
        children: dict[int | None, list[Org]] = {}
        for org in orgs:
            children.setdefault(org.parent_id, []).append(org)
        out, stack = [], [root_org]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(children.get(node.id, ()))
        return sorted(out, key=lambda o: o.id)

    def create_fund(self, code: str, name: str, *, org: Org | int | str, chart: str = "npo") -> Fund:
        """Open a fund (one book) for ``org`` with a chart of accounts (``"npo"`` or ``"gov"``).

        When the ledger holds a chain key, the fund's chain is keyed under it from its first entry.

        Raises:
            DuplicateCode: the code is in use.
            UnknownOrg: no such organisation.
            ChartError: no such chart.
        """
        chart_obj = chart_named(chart)
        with self._books.tx() as conn:
            owner = store_funds.find_org(conn, ref_of(org))
            key = self._books.chain_key
            return store_funds.create_fund(
                conn,
                code=code,
                name=name,
                org_id=owner.id,
                chart=chart_obj,
                chain_key_id=key.fingerprint if key is not None else None,
            )

    def set_date_window(self, fund: FundRef, *, years_ahead: int) -> int:
        """Set how far past today the fund takes value dates (default
        :data:`revolve.funds.DEFAULT_WINDOW_YEARS`); the earliest is always
        :data:`revolve.funds.EARLIEST_VALUE_DATE`.

        Args:
            fund: the fund.
            years_ahead: whole years past today, 0 to 100.

        Returns:
            The window now stored, in years.

        Raises:
            InvalidEntry: ``years_ahead`` is not a whole number from 0 to 100.
            UnknownFund: no such fund.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        if isinstance(years_ahead, bool) or not isinstance(years_ahead, int) or not 0 <= years_ahead <= 100:
            raise InvalidEntry("years_ahead", years_ahead, reason="years_ahead")
        with self._books.locked(fund) as unit:
            store_funds.set_date_window(unit.conn, unit.fund.id, years_ahead)
        return years_ahead

    def date_window(self, fund: FundRef) -> int:
        """How many years past today the fund takes value dates (see :meth:`set_date_window`).

        Raises:
            UnknownFund: no such fund.
        """
        with self._books.reading(fund) as (conn, found):
            return store_funds.date_window(conn, found.id)

    def fund(self, ref: FundRef) -> Fund:
        """The fund with this id or code (a Fund value is looked up afresh).

        Raises:
            UnknownFund: no such fund.
        """
        with self._books.reading(ref) as (_, found):
            return found

    def funds(self, *, org: Org | int | str | None = None) -> list[Fund]:
        """Every fund, or those of ``org``'s subtree.

        Raises:
            UnknownOrg: no such organisation.
        """
        org_ids = None if org is None else [o.id for o in self.subtree(org)]
        with self._books.tx(write=False) as conn:
            return store_funds.list_funds(conn, org_ids=org_ids)

    def chart(self, fund: FundRef) -> Chart:
        """The chart of accounts the fund keeps.

        Raises:
            UnknownFund: no such fund.
        """
        return chart_named(self.fund(fund).chart)
