"""Schema version 3: the books a county finance officer signs (issue 11) — allowance policies, the
passbook pledge register, opening balances, the correction register and the period close, added by
revisions 0003 to 0007. This revision records the version they make together.

Revision ID: 0008_schema_3
Revises: 0007_close
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_schema_3"
down_revision: str | None = "0007_close"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCHEMA = sa.table("revolve_schema", sa.column("version", sa.Integer()))


def upgrade() -> None:
    """Record schema version 3."""
    op.execute(_SCHEMA.update().values(version=3))


def downgrade() -> None:
    """Record schema version 2 again."""
    op.execute(_SCHEMA.update().values(version=2))
