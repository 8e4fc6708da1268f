"""Time restrictions and the return-to-finance release: the time-restriction register, and the restriction
policy's ``on_return`` flag (a policy stored before reads as True, the default).

Revision ID: 0009_time_restriction
Revises: 0008_schema_3
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_time_restriction"
down_revision: str | None = "0008_schema_3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the time-restriction register and add ``on_return`` to the restriction policies."""
    op.create_table(
        "revolve_time_restriction",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("contribution_seq", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("released", sa.BigInteger(), nullable=True),
        sa.Column("release_seq", sa.BigInteger(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_revolve_time_restriction_amount_positive")),
        sa.CheckConstraint(
            "released IS NULL OR (released >= 0 AND released <= amount)",
            name=op.f("ck_revolve_time_restriction_released_range"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_id", "contribution_seq"],
            ["revolve_entry.fund_id", "revolve_entry.seq"],
            name=op.f("fk_revolve_time_restriction_fund_id_contribution_seq_revolve_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_id", "release_seq"],
            ["revolve_entry.fund_id", "revolve_entry.seq"],
            name=op.f("fk_revolve_time_restriction_fund_id_release_seq_revolve_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_time_restriction_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_time_restriction")),
        sa.UniqueConstraint(
            "fund_id", "contribution_seq", name=op.f("uq_revolve_time_restriction_fund_id_contribution_seq")
        ),
    )
    with op.batch_alter_table("revolve_restriction_policy", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_return", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    """Drop the register and the flag."""
    with op.batch_alter_table("revolve_restriction_policy", schema=None) as batch_op:
        batch_op.drop_column("on_return")
    op.drop_table("revolve_time_restriction")
