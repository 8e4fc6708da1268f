"""The loan file and the figures: a loan's purpose, 三方协议 and 帮扶责任人; a household's size; pledges of
capital (认捐) for 资金到位率.

Revision ID: 0013_loan_file
Revises: 0012_applications
Create Date: 2026-12-02 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_loan_file"
down_revision: str | None = "0012_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


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
    op.create_table(
        "revolve_capital_pledge",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("donor", sa.String(200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("pledged_on", sa.Date(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_revolve_capital_pledge_amount_positive")),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_capital_pledge_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_capital_pledge")),
        sa.UniqueConstraint("fund_id", "code", name=op.f("uq_revolve_capital_pledge_fund_id_code")),
    )
    op.create_table(
        "revolve_capital_pledge_link",
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("pledge_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id", "entry_seq"],
            ["revolve_entry.fund_id", "revolve_entry.seq"],
            name=op.f("fk_revolve_capital_pledge_link_fund_id_entry_seq_revolve_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_capital_pledge_link_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["revolve_capital_pledge.id"],
            name=op.f("fk_revolve_capital_pledge_link_pledge_id_revolve_capital_pledge"),
        ),
        sa.PrimaryKeyConstraint("fund_id", "entry_seq", name=op.f("pk_revolve_capital_pledge_link")),
    )
    op.create_index(
        op.f("ix_revolve_capital_pledge_link_pledge_id"), "revolve_capital_pledge_link", ["pledge_id"]
    )


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    op.drop_index(op.f("ix_revolve_capital_pledge_link_pledge_id"), table_name="revolve_capital_pledge_link")
    op.drop_table("revolve_capital_pledge_link")
    op.drop_table("revolve_capital_pledge")
    with op.batch_alter_table("revolve_household") as batch:
        batch.drop_column("persons_on")
        batch.drop_column("persons")
    with op.batch_alter_table("revolve_loan") as batch:
        for name in ("helper", "agreement_on", "agreement_no", "purpose_note", "purpose"):
            batch.drop_column(name)
