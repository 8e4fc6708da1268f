"""Opening balances: a fund's opening (期初) and the capital it was contributed before it.

Revision ID: 0005_opening
Revises: 0004_pledges
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_opening"
down_revision: str | None = "0004_pledges"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the opening tables."""
    op.create_table(
        "revolve_opening",
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("lent_before", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_opening_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("fund_id", name=op.f("pk_revolve_opening")),
    )
    op.create_table(
        "revolve_opening_capital",
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"],
            ["revolve_opening.fund_id"],
            name=op.f("fk_revolve_opening_capital_fund_id_revolve_opening"),
        ),
        sa.PrimaryKeyConstraint("fund_id", "source", name=op.f("pk_revolve_opening_capital")),
    )


def downgrade() -> None:
    """Drop the opening tables."""
    op.drop_table("revolve_opening_capital")
    op.drop_table("revolve_opening")
