"""Pledges of capital (认捐 / 承诺出资): who promised the fund how much by when, for 资金到位率.

Reports quote 资金到位率 (宽城: "资金到位率和回收率均达到100%", domain.md §11) without a formula; domain.md
§11 proposes "funds actually received (incl. 配套) ÷ funds committed/pledged". A promise is not money:
nothing is posted when it is made (民间非营利组织会计制度 第五十九条: an unconditional donation or
government grant "应当在捐赠或政府补助收到时确认收入"; 第十六条: an asset is a resource the organisation
controls, which a promise is not yet). So the promise is a line in a register (:class:`CapitalPledge`), and money received
against it is an ordinary contribution (``Ledger.contribute``) linked to the line
(``Ledger.link_contribution``).

资金到位率 at a date (:func:`funds_in_place`) = Σ over the pledges due by then of what was received against
each, at most its amount, by then ÷ Σ of their amounts. Capping each pledge at its amount is revolve's
choice: money beyond a promise is welcome but does not make up for another donor's shortfall. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from revolve.checks import check_date
from revolve.errors import InvalidAmount, InvalidDate, InvalidEntry, MoneyTypeError
from revolve.money import Money
from revolve.ratios import Ratio

__all__ = ["CapitalPledge", "PledgeReceipt", "check_pledge", "funds_in_place"]


@dataclass(frozen=True, slots=True)
class PledgeReceipt:
    """A contribution received against a pledge: its journal entry, value date and cash amount."""

    pledge_id: int
    entry_seq: int
    on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class CapitalPledge:
    """One line of the register of pledges of capital.

    Attributes:
        id: the store's id.
        fund_id: the fund promised to.
        code: the register's reference, unique in the fund (e.g. 'P-2017-01').
        donor: who promised (a donor, a government level giving 配套资金).
        amount: how much was promised.
        due: by when.
        pledged_on: when the promise was made, if known.
        received: contributions linked to the pledge (voided ones left out), oldest first.
    """

    id: int
    fund_id: int
    code: str
    donor: str
    amount: Money
    due: date
    pledged_on: date | None = None
    received: tuple[PledgeReceipt, ...] = ()

    def received_by(self, on: date) -> Money:
        """What was received against the pledge with value dates on or before ``on``."""
        return Money.total(r.amount for r in self.received if r.on <= on)

    @property
    def outstanding(self) -> Money:
        """What is still to come (zero when received in full or more)."""
        rest = self.amount - Money.total(r.amount for r in self.received)
        return rest if rest.fen > 0 else Money(0)


def check_pledge(*, code: str, donor: str, amount: Money, due: date, pledged_on: date | None) -> None:
    """Refuse a pledge that cannot be registered.

    Raises:
        InvalidEntry: an empty code or donor.
        MoneyTypeError: an amount that is not Money.
        InvalidAmount: an amount that is not positive.
        InvalidDate: dates that are not dates, or a due date before the date of the promise.
    """
    for field, text in (("code", code), ("donor", donor)):
        if not isinstance(text, str) or not text.strip():
            raise InvalidEntry(field, text, reason="text")
    if not isinstance(amount, Money):
        raise MoneyTypeError(amount, reason="pledge")
    if amount.fen <= 0:
        raise InvalidAmount(amount, reason="pledge_not_positive")
    check_date("due", due)
    if pledged_on is not None and check_date("pledged_on", pledged_on) > due:
        raise InvalidDate(due, reason="due_before_pledged", pledged_on=pledged_on.isoformat())


def funds_in_place(pledges: Iterable[CapitalPledge], *, on: date) -> Ratio:
    """资金到位率 at ``on``: received (each pledge at most its amount) ÷ pledged, over pledges due by ``on``.

    Args:
        pledges: the register's lines.
        on: the date (a period's end).

    Returns:
        The ratio; undefined ("—") when no pledge had fallen due.
    """
    due = [p for p in pledges if p.due <= on]
    received = Money.total(min(p.received_by(on), p.amount) for p in due)
    return Ratio(received, Money.total(p.amount for p in due))
