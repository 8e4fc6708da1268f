"""The period close: a fund's accrual date, its restriction policy, its closes and its reopenings.

Revision ID: 0007_close
Revises: 0006_void
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_close"
down_revision: str | None = "0006_void"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Add the accrual date to funds and create the closing tables."""
    op.create_table(
        "revolve_fund_accrual",
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("accrued_through", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_fund_accrual_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("fund_id", name=op.f("pk_revolve_fund_accrual")),
    )
    op.create_table(
        "revolve_restriction_policy",
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("on_grant", sa.Boolean(), nullable=False),
        sa.Column("on_subsidy", sa.Boolean(), nullable=False),
        sa.Column("on_write_off", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_restriction_policy_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("fund_id", name=op.f("pk_revolve_restriction_policy")),
    )
    op.create_table(
        "revolve_period_close",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_period_close_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_period_close")),
    )
    with op.batch_alter_table("revolve_period_close", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revolve_period_close_fund_id"), ["fund_id"], unique=False)
    op.create_table(
        "revolve_period_reopen",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("closed_through_before", sa.Date(), nullable=False),
        sa.Column("closed_through_after", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_period_reopen_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_period_reopen")),
    )
    with op.batch_alter_table("revolve_period_reopen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revolve_period_reopen_fund_id"), ["fund_id"], unique=False)


def downgrade() -> None:
    """Drop the closing tables and the accrual date."""
    with op.batch_alter_table("revolve_period_reopen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revolve_period_reopen_fund_id"))
    op.drop_table("revolve_period_reopen")
    with op.batch_alter_table("revolve_period_close", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revolve_period_close_fund_id"))
    op.drop_table("revolve_period_close")
    op.drop_table("revolve_restriction_policy")
    op.drop_table("revolve_fund_accrual")
