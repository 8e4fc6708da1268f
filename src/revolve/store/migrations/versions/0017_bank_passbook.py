"""少生快富 bank loans with a passbook pledge: a line of the passbook pledge register may secure a bank
loan (``bank_loan_id``) instead of the fund's own loan (``loan_id``, now nullable; exactly one is set),
and a bank loan records the day it was repaid (``closed_on``).

Revision ID: 0017_bank_passbook
Revises: 0016_keyed_chain
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_bank_passbook"
# the lead re-chains the 0009 migrations at merge; this branch sits on the head it started from
down_revision: str | None = "0016_keyed_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Let a register line secure a bank loan; record a bank loan's repayment day."""
    with op.batch_alter_table("revolve_bank_loan") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("revolve_passbook_pledge") as batch:
        batch.alter_column("loan_id", existing_type=_ID, nullable=True)
        batch.add_column(sa.Column("bank_loan_id", _ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_revolve_passbook_pledge_bank_loan_id_revolve_bank_loan"),
            "revolve_bank_loan",
            ["bank_loan_id"],
            ["id"],
        )
        batch.create_index(op.f("ix_revolve_passbook_pledge_bank_loan_id"), ["bank_loan_id"], unique=False)
        batch.create_check_constraint(
            op.f("ck_revolve_passbook_pledge_one_loan"), "(loan_id IS NULL) <> (bank_loan_id IS NULL)"
        )


def downgrade() -> None:
    """Drop the bank-loan lines' column (and the lines themselves), and the repayment day."""
    op.execute("DELETE FROM revolve_passbook_pledge WHERE bank_loan_id IS NOT NULL")
    with op.batch_alter_table("revolve_passbook_pledge") as batch:
        batch.drop_constraint(op.f("ck_revolve_passbook_pledge_one_loan"), type_="check")
        batch.drop_index(op.f("ix_revolve_passbook_pledge_bank_loan_id"))
        batch.drop_constraint(
            op.f("fk_revolve_passbook_pledge_bank_loan_id_revolve_bank_loan"), type_="foreignkey"
        )
        batch.drop_column("bank_loan_id")
        batch.alter_column("loan_id", existing_type=_ID, nullable=False)
    with op.batch_alter_table("revolve_bank_loan") as batch:
        batch.drop_column("closed_on")
