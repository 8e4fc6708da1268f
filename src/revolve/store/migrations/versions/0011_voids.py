"""Corrections recompute what depended on the record: subsidy payments (贴息) can be voided.

The correction register accepts the kind ``subsidy``; a subsidy payment's key takes its entry, so that a
period whose payment was voided (and kept) can be paid again.

Revision ID: 0011_voids
Revises: 0010_restructure
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_voids"
down_revision: str | None = "0010_restructure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = "'receipt', 'disbursement', 'grant', 'contribution'"


def upgrade() -> None:
    """Let ``revolve_void`` hold subsidy voids; key ``revolve_subsidy_payment`` by its entry too."""
    with op.batch_alter_table("revolve_void") as batch:
        batch.drop_constraint(op.f("ck_revolve_void_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_revolve_void_kind"), f"kind IN ({_KINDS}, 'subsidy')")
    with op.batch_alter_table("revolve_subsidy_payment") as batch:
        batch.drop_constraint(op.f("pk_revolve_subsidy_payment"), type_="primary")
        batch.create_primary_key(op.f("pk_revolve_subsidy_payment"), ["bank_loan_id", "period", "entry_seq"])


def downgrade() -> None:
    """Back to one payment row per period and no subsidy voids (refused by the database if any exist)."""
    with op.batch_alter_table("revolve_subsidy_payment") as batch:
        batch.drop_constraint(op.f("pk_revolve_subsidy_payment"), type_="primary")
        batch.create_primary_key(op.f("pk_revolve_subsidy_payment"), ["bank_loan_id", "period"])
    with op.batch_alter_table("revolve_void") as batch:
        batch.drop_constraint(op.f("ck_revolve_void_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_revolve_void_kind"), f"kind IN ({_KINDS})")
