"""One mother across funds: her household files found by national ID; policies count her loans by scope.

An index on ``revolve_household.national_id`` (her files in every fund, one indexed read), and the
policy's ``household_scope`` (``fund`` / ``county`` / ``all``, default ``fund``: what every policy meant
before).

Revision ID: 0014_mother
Revises: 0013_loan_file
Create Date: 2026-12-02 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_mother"
# the lead re-chains the 0009 migrations at merge; this branch sits on the head it started from
down_revision: str | None = "0013_loan_file"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index households by national ID; add the policy's household scope."""
    op.create_index(op.f("ix_revolve_household_national_id"), "revolve_household", ["national_id"])
    with op.batch_alter_table("revolve_policy") as batch:
        batch.add_column(sa.Column("household_scope", sa.String(10), nullable=False, server_default="fund"))
        batch.create_check_constraint(
            op.f("ck_revolve_policy_household_scope"), "household_scope IN ('fund', 'county', 'all')"
        )


def downgrade() -> None:
    """Drop the scope and the index."""
    with op.batch_alter_table("revolve_policy") as batch:
        batch.drop_constraint(op.f("ck_revolve_policy_household_scope"), type_="check")
        batch.drop_column("household_scope")
    op.drop_index(op.f("ix_revolve_household_national_id"), table_name="revolve_household")
