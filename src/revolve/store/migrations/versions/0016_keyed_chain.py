"""The keyed chain and the versioned digest (issue 12): a fund records the fingerprint of the key its chain
is keyed under and the seal of a chain keyed after it began; an entry records its digest version (1 for
every entry written before, whose chain links the content digest alone); on SQLite, an insert colliding
with a journal row is refused, so INSERT OR REPLACE cannot rewrite one.

Revision ID: 0016_keyed_chain
Revises: 0015_typed
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from revolve.store.triggers import SQLITE_NO_REPLACE

revision: str = "0016_keyed_chain"
# the lead chains the parallel 0009 revisions at merge; this branch holds 0009_time_restriction already
down_revision: str | None = "0015_typed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the chain-key and seal columns to funds, the digest version to entries, and SQLite's
    no-replace triggers."""
    op.add_column("revolve_fund", sa.Column("chain_key_id", sa.String(16), nullable=True))
    op.add_column("revolve_fund", sa.Column("sealed_count", sa.BigInteger(), nullable=True))
    op.add_column("revolve_fund", sa.Column("seal_mac", sa.String(64), nullable=True))
    op.add_column("revolve_fund", sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "revolve_entry", sa.Column("digest_version", sa.SmallInteger(), nullable=False, server_default="1")
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_NO_REPLACE:
            op.execute(statement)


def downgrade() -> None:
    """Drop them again (a keyed fund's chain then no longer verifies without its seal)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS revolve_entry_no_replace")
    # plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch copy of revolve_entry would lose its triggers
    op.drop_column("revolve_entry", "digest_version")
    for column in ("sealed_at", "seal_mac", "sealed_count", "chain_key_id"):
        op.drop_column("revolve_fund", column)
