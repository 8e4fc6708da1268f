"""Schema version 6: a disbursement batch's close and its record digest (0024), the indexes of the
entries by kind and the accounts by role (0025), and the fund in every fund-held table's key and foreign
keys, partition-ready by fund (0026). This revision records the version they make.

Revision ID: 0027_schema_6
Revises: 0026_partition
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_schema_6"
down_revision: str | None = "0026_partition"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCHEMA = sa.table("revolve_schema", sa.column("version", sa.Integer()))


def upgrade() -> None:
    """Record schema version 6."""
    op.execute(_SCHEMA.update().values(version=6))


def downgrade() -> None:
    """Record schema version 5 again."""
    op.execute(_SCHEMA.update().values(version=5))
