"""Typed errors: each fund's plausibility window for value dates (``revolve_fund.date_window_years``;
NULL, as on every fund stored before, reads as the default).

Revision ID: 0010_typed
Revises: 0009_time_restriction
Create Date: 2026-12-02 16:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_typed"
down_revision: str | None = "0009_time_restriction"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``date_window_years`` to the funds."""
    with op.batch_alter_table("revolve_fund") as batch:
        batch.add_column(sa.Column("date_window_years", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    """Drop ``date_window_years``."""
    with op.batch_alter_table("revolve_fund") as batch:
        batch.drop_column("date_window_years")
