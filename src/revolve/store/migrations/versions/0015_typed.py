"""Typed errors: each fund's plausibility window for value dates (``revolve_fund_date_window``; a fund
without a row, as every fund stored before, has the default window).

Revision ID: 0015_typed
Revises: 0014_mother
Create Date: 2026-12-02 16:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_typed"
down_revision: str | None = "0014_mother"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the funds' date windows."""
    op.create_table(
        "revolve_fund_date_window",
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("years_ahead", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "years_ahead >= 0 AND years_ahead <= 100",
            name=op.f("ck_revolve_fund_date_window_years_ahead_range"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_fund_date_window_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("fund_id", name=op.f("pk_revolve_fund_date_window")),
    )


def downgrade() -> None:
    """Drop the funds' date windows."""
    op.drop_table("revolve_fund_date_window")
