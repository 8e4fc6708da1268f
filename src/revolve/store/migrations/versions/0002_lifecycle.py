"""The fund's life: households, policies, batches, guarantors, loans, schedules, receipts, write-offs,
grants and bank-lent subsidised loans (schema version 2).

Revision ID: 0002_lifecycle
Revises: 0001_initial
Create Date: 2026-11-23 15:05:05.757106
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_lifecycle"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_SCHEMA = sa.table("revolve_schema", sa.column("version", sa.Integer()))


def upgrade() -> None:
    """Create the lifecycle tables and record schema version 2."""
    op.create_table(
        "revolve_batch",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("site_org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_batch_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["site_org_id"], ["revolve_org.id"], name=op.f("fk_revolve_batch_site_org_id_revolve_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_batch")),
        sa.UniqueConstraint("fund_id", "code", name=op.f("uq_revolve_batch_fund_id_code")),
    )
    op.create_table(
        "revolve_guarantor",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("cap", sa.BigInteger(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_guarantor_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["revolve_org.id"], name=op.f("fk_revolve_guarantor_org_id_revolve_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_guarantor")),
        sa.UniqueConstraint("fund_id", "code", name=op.f("uq_revolve_guarantor_fund_id_code")),
    )
    op.create_table(
        "revolve_household",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("mother_name", sa.String(length=100), nullable=False),
        sa.Column("national_id", sa.String(length=18), nullable=False),
        sa.Column("org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("fp_status", sa.String(length=20), nullable=False),
        sa.Column("income_before", sa.BigInteger(), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_household_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["revolve_org.id"], name=op.f("fk_revolve_household_org_id_revolve_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_household")),
        sa.UniqueConstraint("fund_id", "code", name=op.f("uq_revolve_household_fund_id_code")),
        sa.UniqueConstraint("fund_id", "national_id", name=op.f("uq_revolve_household_fund_id_national_id")),
    )
    op.create_table(
        "revolve_policy",
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("min_amount", sa.BigInteger(), nullable=False),
        sa.Column("max_amount", sa.BigInteger(), nullable=False),
        sa.Column("min_term_months", sa.Integer(), nullable=False),
        sa.Column("max_term_months", sa.Integer(), nullable=False),
        sa.Column("max_loans_per_household", sa.Integer(), nullable=False),
        sa.Column("max_active_loans_per_household", sa.Integer(), nullable=False),
        sa.Column("guarantee_required", sa.Boolean(), nullable=False),
        sa.Column("allowed_amounts", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_policy_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("fund_id", "effective_from", name=op.f("pk_revolve_policy")),
    )
    op.create_table(
        "revolve_bank_loan",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bank", sa.String(length=200), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("caps", sa.Text(), nullable=False),
        sa.Column("in_breach_from", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_bank_loan_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["revolve_household.id"],
            name=op.f("fk_revolve_bank_loan_household_id_revolve_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_bank_loan")),
        sa.UniqueConstraint("fund_id", "number", name=op.f("uq_revolve_bank_loan_fund_id_number")),
    )
    op.create_table(
        "revolve_grant",
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_grant_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["revolve_household.id"],
            name=op.f("fk_revolve_grant_household_id_revolve_household"),
        ),
        sa.PrimaryKeyConstraint("fund_id", "entry_seq", name=op.f("pk_revolve_grant")),
    )
    op.create_table(
        "revolve_group_member",
        sa.Column("guarantor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_group_member_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["guarantor_id"],
            ["revolve_guarantor.id"],
            name=op.f("fk_revolve_group_member_guarantor_id_revolve_guarantor"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["revolve_household.id"],
            name=op.f("fk_revolve_group_member_household_id_revolve_household"),
        ),
        sa.PrimaryKeyConstraint("guarantor_id", "household_id", name=op.f("pk_revolve_group_member")),
    )
    op.create_table(
        "revolve_household_record",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("income", sa.BigInteger(), nullable=True),
        sa.Column("exited_poverty", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_household_record_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["revolve_household.id"],
            name=op.f("fk_revolve_household_record_household_id_revolve_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_household_record")),
    )
    with op.batch_alter_table("revolve_household_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_revolve_household_record_household_id_on_date"),
            ["household_id", "on_date"],
            unique=False,
        )

    op.create_table(
        "revolve_loan",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_on", sa.Date(), nullable=False),
        sa.Column("disbursement_seq", sa.BigInteger(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("allocation_order", sa.String(length=60), nullable=False),
        sa.Column("schedule_version", sa.Integer(), nullable=False),
        sa.Column("paid_in_version", sa.BigInteger(), nullable=False),
        sa.Column("principal_paid", sa.BigInteger(), nullable=False),
        sa.Column("interest_paid", sa.BigInteger(), nullable=False),
        sa.Column("fee_paid", sa.BigInteger(), nullable=False),
        sa.Column("penalty_paid", sa.BigInteger(), nullable=False),
        sa.Column("written_off", sa.BigInteger(), nullable=False),
        sa.Column("recovered", sa.BigInteger(), nullable=False),
        sa.Column("pledge_held", sa.BigInteger(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.CheckConstraint("principal > 0", name=op.f("ck_revolve_loan_principal")),
        sa.CheckConstraint("round >= 1", name=op.f("ck_revolve_loan_round")),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["revolve_batch.id"], name=op.f("fk_revolve_loan_batch_id_revolve_batch")
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_loan_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["revolve_household.id"],
            name=op.f("fk_revolve_loan_household_id_revolve_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_loan")),
        sa.UniqueConstraint("fund_id", "number", name=op.f("uq_revolve_loan_fund_id_number")),
    )
    with op.batch_alter_table("revolve_loan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revolve_loan_household_id"), ["household_id"], unique=False)

    op.create_table(
        "revolve_guarantee",
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guarantor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pledged", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_guarantee_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["guarantor_id"],
            ["revolve_guarantor.id"],
            name=op.f("fk_revolve_guarantee_guarantor_id_revolve_guarantor"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["revolve_loan.id"], name=op.f("fk_revolve_guarantee_loan_id_revolve_loan")
        ),
        sa.PrimaryKeyConstraint("loan_id", "guarantor_id", name=op.f("pk_revolve_guarantee")),
    )
    op.create_table(
        "revolve_guarantee_call",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guarantor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("called_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_guarantee_call_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["guarantor_id"],
            ["revolve_guarantor.id"],
            name=op.f("fk_revolve_guarantee_call_guarantor_id_revolve_guarantor"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["revolve_loan.id"], name=op.f("fk_revolve_guarantee_call_loan_id_revolve_loan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_guarantee_call")),
    )
    op.create_table(
        "revolve_receipt",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payer_kind", sa.String(length=16), nullable=False),
        sa.Column("guarantor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("interest", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("penalty", sa.BigInteger(), nullable=False),
        sa.Column("schedule_version", sa.Integer(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_receipt_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["guarantor_id"],
            ["revolve_guarantor.id"],
            name=op.f("fk_revolve_receipt_guarantor_id_revolve_guarantor"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["revolve_loan.id"], name=op.f("fk_revolve_receipt_loan_id_revolve_loan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revolve_receipt")),
        sa.UniqueConstraint("fund_id", "receipt", name=op.f("uq_revolve_receipt_fund_id_receipt")),
    )
    with op.batch_alter_table("revolve_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_revolve_receipt_loan_id_value_date"), ["loan_id", "value_date"], unique=False
        )

    op.create_table(
        "revolve_schedule_version",
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_schedule_version_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["revolve_loan.id"], name=op.f("fk_revolve_schedule_version_loan_id_revolve_loan")
        ),
        sa.PrimaryKeyConstraint("loan_id", "version", name=op.f("pk_revolve_schedule_version")),
    )
    op.create_table(
        "revolve_subsidy_payment",
        sa.Column("bank_loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_loan_id"],
            ["revolve_bank_loan.id"],
            name=op.f("fk_revolve_subsidy_payment_bank_loan_id_revolve_bank_loan"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_subsidy_payment_fund_id_revolve_fund")
        ),
        sa.PrimaryKeyConstraint("bank_loan_id", "period", name=op.f("pk_revolve_subsidy_payment")),
    )
    op.create_table(
        "revolve_write_off",
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("approval_ref", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_write_off_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["revolve_loan.id"], name=op.f("fk_revolve_write_off_loan_id_revolve_loan")
        ),
        sa.PrimaryKeyConstraint("loan_id", name=op.f("pk_revolve_write_off")),
    )
    op.create_table(
        "revolve_installment",
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("interest", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "principal >= 0 AND interest >= 0 AND fee >= 0", name=op.f("ck_revolve_installment_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name=op.f("fk_revolve_installment_fund_id_revolve_fund")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id", "version"],
            ["revolve_schedule_version.loan_id", "revolve_schedule_version.version"],
            name=op.f("fk_revolve_installment_loan_id_version_revolve_schedule_version"),
        ),
        sa.PrimaryKeyConstraint("loan_id", "version", "number", name=op.f("pk_revolve_installment")),
    )

    op.execute(_SCHEMA.update().values(version=2))


def downgrade() -> None:
    """Drop the lifecycle tables and record schema version 1."""
    op.drop_table("revolve_installment")
    op.drop_table("revolve_write_off")
    op.drop_table("revolve_subsidy_payment")
    op.drop_table("revolve_schedule_version")
    with op.batch_alter_table("revolve_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revolve_receipt_loan_id_value_date"))

    op.drop_table("revolve_receipt")
    op.drop_table("revolve_guarantee_call")
    op.drop_table("revolve_guarantee")
    with op.batch_alter_table("revolve_loan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revolve_loan_household_id"))

    op.drop_table("revolve_loan")
    with op.batch_alter_table("revolve_household_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revolve_household_record_household_id_on_date"))

    op.drop_table("revolve_household_record")
    op.drop_table("revolve_group_member")
    op.drop_table("revolve_grant")
    op.drop_table("revolve_bank_loan")
    op.drop_table("revolve_policy")
    op.drop_table("revolve_household")
    op.drop_table("revolve_guarantor")
    op.drop_table("revolve_batch")
    op.execute(_SCHEMA.update().values(version=1))
