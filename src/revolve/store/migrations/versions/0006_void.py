"""Corrections (冲正): the correction register of voided receipts, disbursements, grants and contributions.

Revision ID: 0006_void
Revises: 0005_opening
Create Date: 2026-12-02 13:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_void"
down_revision: str | None = "0005_opening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the correction register ``revolve_void``."""
    op.create_table(
        "revolve_void",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("original_seq", sa.BigInteger(), nullable=False),
        sa.Column("reversal_seq", sa.BigInteger(), nullable=False),
        sa.Column("voided_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('receipt', 'disbursement', 'grant', 'contribution')", name=op.f("ck_revolve_void_kind")
        ),
        sa.CheckConstraint("reversal_seq > original_seq", name=op.f("ck_revolve_void_reversal_later")),
        sa.ForeignKeyConstraint(
            ["fund_id", "original_seq"],
            ["revolve_entry.fund_id", "revolve_entry.seq"],
            name=op.f("fk_revolve_void_fund_id_original_seq_revolve_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_id", "reversal_seq"],
            ["revolve_entry.fund_id", "revolve_entry.seq"],
            name=op.f("fk_revolve_void_fund_id_reversal_seq_revolve_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_void_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["revolve_loan.id"], name=op.f("fk_revolve_void_loan_id_revolve_loan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_void")),
        sa.UniqueConstraint("fund_id", "original_seq", name=op.f("uq_revolve_void_fund_id_original_seq")),
    )


def downgrade() -> None:
    """Drop the correction register."""
    op.drop_table("revolve_void")
