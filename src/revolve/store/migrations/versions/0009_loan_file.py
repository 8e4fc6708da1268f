"""The loan file and the figures: a loan's purpose, 三方协议 and 帮扶责任人; a household's size; pledges of
capital (认捐) for 资金到位率.

Revision ID: 0009_loan_file
Revises: 0011_voids
Create Date: 2026-12-02 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_loan_file"
down_revision: str | None = "0011_voids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the loan file's columns, the household's size and the capital-pledge register."""
    with op.batch_alter_table("revolve_loan") as batch:
        batch.add_column(sa.Column("purpose", sa.String(20), nullable=True))
        batch.add_column(sa.Column("purpose_note", sa.String(200), nullable=True))
        batch.add_column(sa.Column("agreement_no", sa.String(100), nullable=True))
        batch.add_column(sa.Column("agreement_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("helper", sa.String(100), nullable=True))
    with op.batch_alter_table("revolve_household") as batch:
        batch.add_column(sa.Column("persons", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("persons_on", sa.Date(), nullable=True))


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    with op.batch_alter_table("revolve_household") as batch:
        batch.drop_column("persons_on")
        batch.drop_column("persons")
    with op.batch_alter_table("revolve_loan") as batch:
        for name in ("helper", "agreement_on", "agreement_no", "purpose_note", "purpose"):
            batch.drop_column(name)
