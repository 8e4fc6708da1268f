"""An index on each fund's entries by kind, so that the capital a report reads (the contributions and
allocations, found by their kind's prefix) is a few index reads, not a walk over every cash posting of the
fund — which made a province's 季报表 grow with the square of its funds.

Revision ID: 0024_entry_kind
Revises: 0023_schema_5
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0024_entry_kind"
# the lead re-chains the parallel revisions at merge
down_revision: str | None = "0023_schema_5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index the entries by fund and kind."""
    op.create_index(
        "ix_revolve_entry_fund_id_kind",
        "revolve_entry",
        ["fund_id", "kind"],
        postgresql_ops={"kind": "text_pattern_ops"},
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_revolve_entry_fund_id_kind", table_name="revolve_entry")
