"""Policy by household category and priority, and the loan application queue (issue 13): the policy keeps
its per-category caps and priority (JSON) and its public-notice period; applications and their dated,
signed steps (申请 → 审查 → 公示 → 审批 → 协议 → 放款) get their own tables.

Revision ID: 0012_applications
Revises: 0011_voids
0009–0011, and two heads would stop ``alembic upgrade head``)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_applications"
down_revision: str | None = "0011_voids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Add the policy's category rules and notice period; create the application tables."""
    with op.batch_alter_table("revolve_policy") as t:
        t.add_column(sa.Column("categories", sa.Text(), nullable=False, server_default=""))
        t.add_column(sa.Column("notice_days", sa.Integer(), nullable=False, server_default="7"))
    op.create_table(
        "revolve_application",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("fund_id", _ID, nullable=False),
        sa.Column("household_id", _ID, nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=True),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("rejected_by", sa.String(200), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("loan_id", _ID, nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_revolve_application_amount_positive")),
        sa.CheckConstraint("term_months >= 1", name=op.f("ck_revolve_application_term_positive")),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_application_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["revolve_household.id"],
            name=op.f("fk_revolve_application_household_id_revolve_household"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["revolve_loan.id"], name=op.f("fk_revolve_application_loan_id_revolve_loan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_application")),
        sa.UniqueConstraint("loan_id", name=op.f("uq_revolve_application_loan_id")),
    )
    op.create_index(
        op.f("ix_revolve_application_fund_id_applied_on"), "revolve_application", ["fund_id", "applied_on"]
    )
    op.create_table(
        "revolve_application_step",
        sa.Column("application_id", _ID, nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("signed_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "step IN ('apply', 'review', 'notice', 'approve', 'agree', 'disburse')",
            name=op.f("ck_revolve_application_step_step_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["revolve_application.id"],
            name=op.f("fk_revolve_application_step_application_id_revolve_application"),
        ),
        sa.PrimaryKeyConstraint("application_id", "step", name=op.f("pk_revolve_application_step")),
    )


def downgrade() -> None:
    """Drop the application tables and the policy's new columns."""
    op.drop_table("revolve_application_step")
    op.drop_index(op.f("ix_revolve_application_fund_id_applied_on"), table_name="revolve_application")
    op.drop_table("revolve_application")
    with op.batch_alter_table("revolve_policy") as t:
        t.drop_column("notice_days")
        t.drop_column("categories")
