"""The bad-debt allowance policy: a rate per ageing bucket for each fund, in force from a date
(issue 11, the allowance part). The schema version stays 2: the lead sets it when the parts merge.

Revision ID: 0003_allowance
Revises: 0002_lifecycle
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_allowance"
down_revision: str | None = "0002_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create revolve_allowance_policy."""
    op.create_table(
        "revolve_allowance_policy",
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("rate_current", sa.String(length=40), nullable=False),
        sa.Column("rate_1_30", sa.String(length=40), nullable=False),
        sa.Column("rate_31_60", sa.String(length=40), nullable=False),
        sa.Column("rate_61_90", sa.String(length=40), nullable=False),
        sa.Column("rate_over_90", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_allowance_policy_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("fund_id", "effective_from", name=op.f("pk_revolve_allowance_policy")),
    )


def downgrade() -> None:
    """Drop revolve_allowance_policy."""
    op.drop_table("revolve_allowance_policy")
