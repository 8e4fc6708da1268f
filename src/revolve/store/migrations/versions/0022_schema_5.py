"""Schema version 5: the stored debit and credit turnovers of each account (0020) and the keyed record
digests (0021). This revision records the version they make together.

Revision ID: 0022_schema_5
Revises: 0021_chain
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_schema_5"
down_revision: str | None = "0021_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCHEMA = sa.table("revolve_schema", sa.column("version", sa.Integer()))


def upgrade() -> None:
    """Record schema version 5."""
    op.execute(_SCHEMA.update().values(version=5))


def downgrade() -> None:
    """Record schema version 4 again."""
    op.execute(_SCHEMA.update().values(version=4))
