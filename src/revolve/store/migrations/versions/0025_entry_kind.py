"""An index on the entries by kind (then fund), so that the capital a report reads (a fund's contributions
and allocations, found by their kind's prefix) and the allocations ``check`` pairs across funds are a few
index reads, not a walk over every cash posting — of the fund, or, for the allocations and (by the
planner's choice) the capital, of every fund in the database: a province's 季报表 grew with the square of
its funds, and ``check()`` of one fund with the whole database. And an index on the accounts by role (then
fund), so that the inter-fund accounts ``check`` nets across funds are found without a scan of every
account in the database (one per loan).

Revision ID: 0025_entry_kind
Revises: 0024_batch_close
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_entry_kind"
down_revision: str | None = "0024_batch_close"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index the entries by kind and fund, the accounts by role and fund (each only where it is missing:
    a database made from the newest ``MetaData`` and stamped older has them already)."""
    inspector = sa.inspect(op.get_bind())
    if "ix_revolve_entry_kind_fund_id" not in {i["name"] for i in inspector.get_indexes("revolve_entry")}:
        op.create_index(
            "ix_revolve_entry_kind_fund_id",
            "revolve_entry",
            ["kind", "fund_id"],
            postgresql_ops={"kind": "text_pattern_ops"},
        )
    if "ix_revolve_account_role_fund_id" not in {i["name"] for i in inspector.get_indexes("revolve_account")}:
        op.create_index("ix_revolve_account_role_fund_id", "revolve_account", ["role", "fund_id"])


def downgrade() -> None:
    """Drop the indexes."""
    op.drop_index("ix_revolve_account_role_fund_id", table_name="revolve_account")
    op.drop_index("ix_revolve_entry_kind_fund_id", table_name="revolve_entry")
