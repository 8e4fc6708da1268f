"""Schema version 5: the stored debit and credit turnovers of each account (0020), the keyed record
digests (0021) and the loan's record digest (0022). This revision records the version they make together.

Revision ID: 0023_schema_5
Revises: 0022_loan_digest
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_schema_5"
down_revision: str | None = "0022_loan_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCHEMA = sa.table("revolve_schema", sa.column("version", sa.Integer()))


def upgrade() -> None:
    """Record schema version 5."""
    op.execute(_SCHEMA.update().values(version=5))


def downgrade() -> None:
    """Record schema version 4 again."""
    op.execute(_SCHEMA.update().values(version=4))
