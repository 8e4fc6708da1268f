"""One mother across funds: her household files and loans in every fund, matched by her national ID.

A fund keeps its own household file (一户一档) on each mother it lends to, so a mother who borrows from
the town fund and from the county fund has two files. She is still one person: her 居民身份证号码
(validated and normalised in every file, :mod:`revolve.households`) names her across the whole org tree.
This module holds what is known of her across funds:

* :class:`Mother` — her files in every fund and her loans everywhere, printed with her ID and phone
  masked (``repr`` and ``str`` never show them whole);
* :func:`county_of` — the county an organisation belongs to, which a policy of scope
  :attr:`~revolve.policy.HouseholdScope.COUNTY` counts her loans over (本县及下级);
* :class:`HouseholdKeys` — the mothers behind a fund's household counts, so that a roll-up over funds
  (:func:`revolve.metrics.combine`) counts each of them once.

Invariants: every household of a :class:`Mother` carries her national ID; every loan belongs to one of
those households. Pure: the store reads the rows (an index on the national ID makes the lookup one
indexed read), nothing here reads or writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from revolve.errors import InvalidEntry
from revolve.households import Household, mask_name, mask_national_id
from revolve.loans.records import Loan, LoanStatus
from revolve.orgs import Org, OrgLevel

__all__ = ["HouseholdKeys", "Mother", "county_of"]


@dataclass(frozen=True, slots=True)
class Mother:
    """A mother as the whole database knows her: her household files and her loans in every fund.

    Attributes:
        national_id: her 居民身份证号码, normalised.
        households: her household file in each fund that registered her, oldest registration first.
        loans: her loans in every fund (voided ones left out), by disbursement date.

    Raises:
        InvalidEntry: a household with another national ID, or a loan of none of her households.
    """

    national_id: str
    households: tuple[Household, ...]
    loans: tuple[Loan, ...]

    def __post_init__(self) -> None:
        for household in self.households:
            if household.national_id != self.national_id:
                raise InvalidEntry(
                    "households",
                    household.code,
                    reason="other_mother",
                )
        ids = {household.id for household in self.households}
        for loan in self.loans:
            if loan.household_id not in ids:
                raise InvalidEntry("loans", loan.number, reason="not_hers")

    @property
    def fund_ids(self) -> tuple[int, ...]:
        """The funds that registered her, in the order of her files."""
        return tuple(dict.fromkeys(household.fund_id for household in self.households))

    @property
    def active_loans(self) -> tuple[Loan, ...]:
        """Her loans still owed on, in any fund."""
        return tuple(loan for loan in self.loans if loan.status is LoanStatus.ACTIVE)

    def loans_in(self, fund_id: int) -> tuple[Loan, ...]:
        """Her loans from one fund."""
        return tuple(loan for loan in self.loans if loan.fund_id == fund_id)

    def __repr__(self) -> str:
        files = ", ".join(f"fund {h.fund_id} {h.code}" for h in self.households)
        loans = ", ".join(f"{loan.number} ({loan.status.value})" for loan in self.loans)
        return f"Mother(national_id={mask_national_id(self.national_id)!r}, households=[{files}], loans=[{loans}])"

    def __str__(self) -> str:
        name = mask_name(self.households[0].mother_name) if self.households else ""
        return (
            f"{name} {mask_national_id(self.national_id)}：户档 {len(self.households)} 份"
            f"（{len(self.fund_ids)} 个基金），借款 {len(self.loans)} 笔，未结清 {len(self.active_loans)} 笔"
        )


def county_of(org_id: int, orgs: Mapping[int, Org]) -> int:
    """The county an organisation belongs to: its nearest ancestor (or itself) at county level.

    An organisation above county level (a city, a province) is its own "county": a policy of scope
    :attr:`~revolve.policy.HouseholdScope.COUNTY` at a city fund counts the city's whole subtree.

    Args:
        org_id: the organisation (a fund's owner).
        orgs: every organisation, by id.

    Returns:
        The id of the county-level organisation whose subtree holds ``org_id``.

    Raises:
        InvalidEntry: an organisation not in ``orgs``.
    """
    node = orgs.get(org_id)
    if node is None:
        raise InvalidEntry("org_id", org_id, reason="no_org")
    while node.level > OrgLevel.COUNTY and node.parent_id is not None and node.parent_id in orgs:
        node = orgs[node.parent_id]
    return node.id


def within(org_id: int, root: int, orgs: Mapping[int, Org]) -> bool:
    """Whether an organisation lies in the subtree of ``root`` (is ``root`` or one of its descendants).

    Args:
        org_id: the organisation (another fund's owner).
        root: the subtree's root (a fund's county, :func:`county_of`).
        orgs: every organisation, by id.

    Returns:
        True when ``root`` is ``org_id`` or one of its ancestors.
    """
    seen: set[int] = set()
    node = orgs.get(org_id)
    while node is not None and node.id not in seen:
        if node.id == root:
            return True
        seen.add(node.id)
        node = orgs.get(node.parent_id) if node.parent_id is not None else None
    return False


@dataclass(frozen=True, slots=True, repr=False)
class HouseholdKeys:
    """The mothers behind a figures value's household counts, by national ID (personal data: a
    :class:`PeriodFigures` never prints them), so that a roll-up counts each once.

    Attributes:
        served: mothers with a loan by the period's end (户数).
        helped: mothers with a loan, a grant or a subsidy by the period's end (受益户数).
        disbursed: mothers lent to in the period.
        granted: mothers given a one-off grant in the period.
        subsidised: mothers whose bank loan was subsidised in the period.
        closed: mothers with a loan closed by the period's end.
        assessed: each assessed mother's latest poverty assessment by the period's end: (date, exited).
    """

    served: frozenset[str]
    helped: frozenset[str]
    disbursed: frozenset[str]
    granted: frozenset[str]
    subsidised: frozenset[str]
    closed: frozenset[str]
    assessed: Mapping[str, tuple[date, bool]]

    def __repr__(self) -> str:
        # counts only: the keys are national ID numbers
        return (
            f"HouseholdKeys(served={len(self.served)}, helped={len(self.helped)}, "
            f"disbursed={len(self.disbursed)}, closed={len(self.closed)}, assessed={len(self.assessed)})"
        )

    @property
    def exited(self) -> frozenset[str]:
        """Mothers with a closed loan whose latest assessment says they are out of poverty (脱贫)."""
        return frozenset(m for m in self.closed if self.assessed.get(m, (date.min, False))[1])

    @staticmethod
    def union(parts: Sequence[HouseholdKeys]) -> HouseholdKeys:
        """The mothers of several funds' figures, each once; her latest assessment in any file wins (a
        later record on the same day wins, as within one fund)."""
        assessed: dict[str, tuple[date, bool]] = {}
        for part in parts:
            for mother, (on, exited) in part.assessed.items():
                if mother not in assessed or assessed[mother][0] <= on:
                    assessed[mother] = (on, exited)

        def every(name: str) -> frozenset[str]:
            return frozenset().union(*(getattr(part, name) for part in parts))

        return HouseholdKeys(
            served=every("served"),
            helped=every("helped"),
            disbursed=every("disbursed"),
            granted=every("granted"),
            subsidised=every("subsidised"),
            closed=every("closed"),
            assessed=assessed,
        )
