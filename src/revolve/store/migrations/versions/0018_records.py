"""Tamper evidence for records (issue 12 item 3): a digest column on receipts, households, schedule
versions and period closes, the digest of each loan's guarantors, and triggers refusing the deletion of
funds and organisations. Rows written before carry no digest (NULL) and are reconciled with the journal
only.

Revision ID: 0018_records
Revises: 0017_bank_passbook
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from revolve.store.triggers import (
    POSTGRESQL_KEEP_FUNDS,
    POSTGRESQL_KEEP_FUNDS_DROP,
    SQLITE_KEEP_FUNDS,
    SQLITE_KEEP_FUNDS_DROP,
)

revision: str = "0018_records"
# the lead re-chains the parallel revisions at merge
down_revision: str | None = "0017_bank_passbook"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DIGESTS = (
    ("revolve_receipt", "digest"),
    ("revolve_household", "digest"),
    ("revolve_schedule_version", "digest"),
    ("revolve_period_close", "digest"),
    ("revolve_loan", "guarantees_digest"),
)


def _statements(sqlite: tuple[str, ...], postgresql: tuple[str, ...]) -> tuple[str, ...]:
    name = op.get_bind().dialect.name
    return {"sqlite": sqlite, "postgresql": postgresql}.get(name, ())


def upgrade() -> None:
    """Add the digest columns and the keep-funds triggers."""
    for table, column in _DIGESTS:
        op.add_column(table, sa.Column(column, sa.String(64), nullable=True))
    # the initial migration installs the current trigger set, these included: drop before creating
    for statement in _statements(SQLITE_KEEP_FUNDS_DROP, POSTGRESQL_KEEP_FUNDS_DROP):
        op.execute(statement)
    for statement in _statements(SQLITE_KEEP_FUNDS, POSTGRESQL_KEEP_FUNDS):
        op.execute(statement)


def downgrade() -> None:
    """Drop them again."""
    for statement in _statements(SQLITE_KEEP_FUNDS_DROP, POSTGRESQL_KEEP_FUNDS_DROP):
        op.execute(statement)
    for table, column in reversed(_DIGESTS):
        op.drop_column(table, column)
