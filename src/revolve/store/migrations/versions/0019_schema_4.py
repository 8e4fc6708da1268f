"""Schema version 4: time restrictions, restructured loans, voided subsidy payments, loan applications,
the loan file and capital pledges, one mother across funds, the date window, the keyed chain, the
bank-loan passbook pledges and the record digests, added by revisions 0009 to 0018. This revision
records the version they make together.

Revision ID: 0019_schema_4
Revises: 0018_records
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_schema_4"
down_revision: str | None = "0018_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCHEMA = sa.table("revolve_schema", sa.column("version", sa.Integer()))


def upgrade() -> None:
    """Record schema version 4."""
    op.execute(_SCHEMA.update().values(version=4))


def downgrade() -> None:
    """Record schema version 3 again."""
    op.execute(_SCHEMA.update().values(version=3))
