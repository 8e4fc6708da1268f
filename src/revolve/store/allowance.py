"""The allowance policies table (revolve_allowance_policy): each fund's bad-debt allowance rates, each
version in force from a date."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Connection, Table, delete, insert, select

from revolve.loans.allowance import AllowancePolicy
from revolve.store.rows import allowance_policy_of, allowance_policy_values
from revolve.store.schema import AllowancePolicyRow

__all__ = ["allowance_policies", "upsert_allowance_policy"]

_TABLE = cast(Table, AllowancePolicyRow.__table__)


def upsert_allowance_policy(conn: Connection, fund_id: int, policy: AllowancePolicy) -> None:
    """Record the allowance policy in force from its date (replacing one set for the same date)."""
    conn.execute(
        delete(AllowancePolicyRow).where(
            AllowancePolicyRow.fund_id == fund_id,
            AllowancePolicyRow.effective_from == policy.effective_from,
        )
    )
    conn.execute(insert(AllowancePolicyRow).values(allowance_policy_values(fund_id, policy)))


def allowance_policies(conn: Connection, fund_id: int) -> list[AllowancePolicy]:
    """The fund's allowance policies, oldest first."""
    rows = conn.execute(select(_TABLE).where(_TABLE.c.fund_id == fund_id).order_by(_TABLE.c.effective_from))
    return [allowance_policy_of(r) for r in rows]
