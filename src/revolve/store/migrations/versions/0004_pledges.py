"""The passbook pledge register (存折质押备查簿): a mother's passbook held for a loan, off the books.

Revision ID: 0004_pledges
Revises: 0003_allowance
Create Date: 2026-12-02 13:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_pledges"
down_revision: str | None = "0003_allowance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the passbook pledge register."""
    op.create_table(
        "revolve_passbook_pledge",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("loan_id", _ID, nullable=False),
        sa.Column("bank", sa.String(length=200), nullable=False),
        sa.Column("account_number", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("held_from", sa.Date(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("applied_amount", sa.BigInteger(), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_passbook_pledge_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["revolve_loan.id"], name=op.f("fk_revolve_passbook_pledge_loan_id_revolve_loan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_passbook_pledge")),
    )
    with op.batch_alter_table("revolve_passbook_pledge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revolve_passbook_pledge_loan_id"), ["loan_id"], unique=False)


def downgrade() -> None:
    """Drop the passbook pledge register."""
    with op.batch_alter_table("revolve_passbook_pledge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revolve_passbook_pledge_loan_id"))
    op.drop_table("revolve_passbook_pledge")
