"""Initial schema: organisations, funds, accounts, the journal and its triggers.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from revolve.store import triggers

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create revolve's tables, the journal triggers, and the schema-version row."""
    schema = op.create_table(
        "revolve_schema",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_revolve_schema_single_row"),
        sa.PrimaryKeyConstraint("id", name="pk_revolve_schema"),
    )
    op.create_table(
        "revolve_org",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("parent_id", Id, nullable=True),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_revolve_org_level"),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["revolve_org.id"], name="fk_revolve_org_parent_id_revolve_org"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_revolve_org"),
        sa.UniqueConstraint("code", name="uq_revolve_org_code"),
    )
    op.create_index("ix_revolve_org_parent_id", "revolve_org", ["parent_id"])
    op.create_table(
        "revolve_fund",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("org_id", Id, nullable=False),
        sa.Column("chart", sa.String(16), nullable=False),
        sa.Column("closed_through", sa.Date(), nullable=True),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.CheckConstraint("entry_count >= 0", name="ck_revolve_fund_entry_count"),
        sa.ForeignKeyConstraint(["org_id"], ["revolve_org.id"], name="fk_revolve_fund_org_id_revolve_org"),
        sa.PrimaryKeyConstraint("id", name="pk_revolve_fund"),
        sa.UniqueConstraint("code", name="uq_revolve_fund_code"),
    )
    op.create_index("ix_revolve_fund_org_id", "revolve_fund", ["org_id"])
    op.create_table(
        "revolve_account",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("fund_id", Id, nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("code", sa.String(80), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name="fk_revolve_account_fund_id_revolve_fund"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_revolve_account"),
        sa.UniqueConstraint("fund_id", "role", "sub", name="uq_revolve_account_fund_id_role_sub"),
        sa.UniqueConstraint("fund_id", "code", name="uq_revolve_account_fund_id_code"),
        sa.UniqueConstraint("fund_id", "id", name="uq_revolve_account_fund_id_id"),
    )
    op.create_table(
        "revolve_entry",
        sa.Column("fund_id", Id, nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("reverses_seq", sa.BigInteger(), nullable=True),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("seq >= 1", name="ck_revolve_entry_seq"),
        sa.CheckConstraint(
            "reverses_seq IS NULL OR reverses_seq < seq", name="ck_revolve_entry_reverses_earlier"
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["revolve_fund.id"], name="fk_revolve_entry_fund_id_revolve_fund"
        ),
        sa.ForeignKeyConstraint(
            ["fund_id", "reverses_seq"],
            ["revolve_entry.fund_id", "revolve_entry.seq"],
            name="fk_revolve_entry_fund_id_reverses_seq_revolve_entry",
        ),
        sa.PrimaryKeyConstraint("fund_id", "seq", name="pk_revolve_entry"),
        sa.UniqueConstraint("fund_id", "idempotency_key", name="uq_revolve_entry_fund_id_idempotency_key"),
        sa.UniqueConstraint("fund_id", "reverses_seq", name="uq_revolve_entry_fund_id_reverses_seq"),
    )
    op.create_index("ix_revolve_entry_fund_id_value_date", "revolve_entry", ["fund_id", "value_date"])
    op.create_table(
        "revolve_posting",
        sa.Column("fund_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("line_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.CheckConstraint("amount <> 0", name="ck_revolve_posting_nonzero"),
        sa.CheckConstraint("line_no >= 1", name="ck_revolve_posting_line_no"),
        sa.ForeignKeyConstraint(
            ["fund_id", "entry_seq"],
            ["revolve_entry.fund_id", "revolve_entry.seq"],
            name="fk_revolve_posting_fund_id_entry_seq_revolve_entry",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.ForeignKeyConstraint(
            ["fund_id", "account_id"],
            ["revolve_account.fund_id", "revolve_account.id"],
            name="fk_revolve_posting_fund_id_account_id_revolve_account",
        ),
        sa.PrimaryKeyConstraint("fund_id", "entry_seq", "line_no", name="pk_revolve_posting"),
    )
    op.create_index(
        "ix_revolve_posting_account_id_value_date", "revolve_posting", ["account_id", "value_date"]
    )
    for statement in triggers.statements_for(op.get_bind().dialect.name):
        op.execute(statement)
    op.bulk_insert(schema, [{"id": 1, "version": 1, "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    for statement in triggers.statements_for(op.get_bind().dialect.name, drop=True):
        op.execute(statement)
    for table in (
        "revolve_posting",
        "revolve_entry",
        "revolve_account",
        "revolve_fund",
        "revolve_org",
        "revolve_schema",
    ):
        op.drop_table(table)
