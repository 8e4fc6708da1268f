"""Restructuring (展期) that cannot hide arrears (issue 13): the loan is marked restructured for good
(the date of its first extension, how many it has had, the last approval reference and date), each
schedule version made by an extension keeps its approval reference and approver, and the fund's policy
says whether a loan may be extended after maturity and how many times.

Revision ID: 0010_restructure
Revises: 0009_time_restriction
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_restructure"
down_revision: str | None = "0009_time_restriction"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the restructuring columns to loans, schedule versions and policies."""
    with op.batch_alter_table("revolve_loan") as t:
        t.add_column(sa.Column("restructured_on", sa.Date(), nullable=True))
        t.add_column(sa.Column("extensions", sa.Integer(), nullable=False, server_default="0"))
        t.add_column(sa.Column("extension_ref", sa.String(200), nullable=True))
        t.add_column(sa.Column("extended_on", sa.Date(), nullable=True))
    with op.batch_alter_table("revolve_schedule_version") as t:
        t.add_column(sa.Column("approval_ref", sa.String(200), nullable=True))
        t.add_column(sa.Column("approved_by", sa.String(200), nullable=True))
    with op.batch_alter_table("revolve_policy") as t:
        t.add_column(
            sa.Column("extension_after_maturity", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        t.add_column(sa.Column("max_extensions", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop the restructuring columns."""
    with op.batch_alter_table("revolve_policy") as t:
        t.drop_column("max_extensions")
        t.drop_column("extension_after_maturity")
    with op.batch_alter_table("revolve_schedule_version") as t:
        t.drop_column("approved_by")
        t.drop_column("approval_ref")
    with op.batch_alter_table("revolve_loan") as t:
        t.drop_column("extended_on")
        t.drop_column("extension_ref")
        t.drop_column("extensions")
        t.drop_column("restructured_on")
