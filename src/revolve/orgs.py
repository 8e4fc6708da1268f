"""Organisations: the tree a fund hangs from (province › city › county › town › village).

幸福工程 runs through a hierarchy of 计生协 / project offices: a national committee authorises
provinces; county project offices (项目办) hold and re-lend the money; towns and villages review
applications and collect repayments. Each :class:`Org` sits strictly below its parent's level (a county
may hang directly from a province, never the other way round), and roll-up reports sum the funds of an
org's subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from revolve.errors import InvalidOrgTree

__all__ = ["Org", "OrgLevel", "check_child_level"]


class OrgLevel(IntEnum):
    """Administrative level; a larger number is further down the tree."""

    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWN = 4
    VILLAGE = 5

    @property
    def label_zh(self) -> str:
        """The Chinese name of the level (省, 市, 县, 乡镇, 村)."""
        return {1: "省", 2: "市", 3: "县(区)", 4: "乡镇(街道)", 5: "村(居)"}[self.value]


@dataclass(frozen=True, slots=True)
class Org:
    """One node of the organisation tree."""

    id: int
    code: str
    name: str
    level: OrgLevel
    parent_id: int | None


def check_child_level(parent: OrgLevel, child: OrgLevel) -> None:
    """Refuse a child whose level is not below its parent's.

    Raises:
        InvalidOrgTree: ``child`` is at or above ``parent``.
    """
    if child <= parent:
        raise InvalidOrgTree(parent.name.lower(), child.name.lower())
