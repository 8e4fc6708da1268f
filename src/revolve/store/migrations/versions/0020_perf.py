"""Stored turnover (发生额) on each account: the debit and credit turnover columns, filled from the
journal, so that a trial balance reads the accounts and never scans the journal.

Revision ID: 0020_perf
Revises: 0019_schema_4
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_perf"
# the lead re-chains the parallel revisions at merge
down_revision: str | None = "0019_schema_4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACCOUNT = sa.table(
    "revolve_account",
    sa.column("id", sa.BigInteger()),
    sa.column("debit_turnover", sa.BigInteger()),
    sa.column("credit_turnover", sa.BigInteger()),
)
_POSTING = sa.table(
    "revolve_posting", sa.column("account_id", sa.BigInteger()), sa.column("amount", sa.BigInteger())
)


def _turnover(positive: bool) -> sa.ScalarSelect[int]:
    side = _POSTING.c.amount > 0 if positive else _POSTING.c.amount < 0
    total = sa.func.coalesce(sa.func.sum(_POSTING.c.amount), 0)
    return (
        sa.select(total if positive else -total)
        .where(_POSTING.c.account_id == _ACCOUNT.c.id, side)
        .scalar_subquery()
    )


def upgrade() -> None:
    """Add the turnover columns and fill them from the journal."""
    op.add_column(
        "revolve_account", sa.Column("debit_turnover", sa.BigInteger(), server_default="0", nullable=False)
    )
    op.add_column(
        "revolve_account", sa.Column("credit_turnover", sa.BigInteger(), server_default="0", nullable=False)
    )
    op.execute(_ACCOUNT.update().values(debit_turnover=_turnover(True), credit_turnover=_turnover(False)))


def downgrade() -> None:
    """Drop them again."""
    op.drop_column("revolve_account", "credit_turnover")
    op.drop_column("revolve_account", "debit_turnover")
