"""Closing a disbursement batch (批次结束), and the batch's record digest: ``closed_on`` (NULL while the
batch is open) and ``close_note`` on ``revolve_batch``, and a ``digest`` over the batch's code, site,
opening and close (:data:`revolve.records.BATCH_COLUMNS`), so that ``verify()`` and ``check()`` find a
batch reopened, or its close moved, by raw SQL.

Upgrading adds the columns and fills the digest of every existing batch from its content as it stands: a
bare digest, and in a fund keyed under the deployment's chain key when that key is at hand
(``$REVOLVE_CHAIN_KEY`` or ``$REVOLVE_CHAIN_KEY_FILE``) the keyed one, as revision 0022 did for the loans.
Without the key a keyed fund's batches keep bare digests, which ``verify()`` reports until
``revolve seal FUND`` keys them. Downgrading drops the columns.

Revision ID: 0024_batch_close
Revises: 0023_schema_5
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# the deployment's key comes from its environment, as for every other command (read, never stored)
from revolve.ledger import chain_key_from_environment
from revolve.records import BATCH_COLUMNS, row_digest

revision: str = "0024_batch_close"
down_revision: str | None = "0023_schema_5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUND = sa.table("revolve_fund", sa.column("id", sa.BigInteger()), sa.column("chain_key_id", sa.String(16)))
_BATCH = sa.table(
    "revolve_batch",
    sa.column("id", sa.BigInteger()),
    sa.column("fund_id", sa.BigInteger()),
    sa.column("digest", sa.String(64)),
    *(sa.column(c) for c in BATCH_COLUMNS),
)


def upgrade() -> None:
    """Add the batch's close and its digest; fill the digest of every batch (keyed where the key is at
    hand)."""
    conn = op.get_bind()
    present = {c["name"] for c in sa.inspect(conn).get_columns("revolve_batch")}
    added: list[sa.Column[object]] = [
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_note", sa.Text(), server_default="", nullable=False),
        sa.Column("digest", sa.String(64), nullable=True),
    ]
    for column in added:
        if column.name not in present:
            op.add_column("revolve_batch", column)
    key = chain_key_from_environment()
    keyed = (
        set()
        if key is None
        else set(conn.execute(sa.select(_FUND.c.id).where(_FUND.c.chain_key_id == key.fingerprint)).scalars())
    )
    changes = [
        {
            "batch": r.id,
            "value": row_digest("batch", r._mapping, BATCH_COLUMNS, key if r.fund_id in keyed else None),
        }
        for r in conn.execute(sa.select(_BATCH).where(_BATCH.c.digest.is_(None)))
    ]
    if changes:
        conn.execute(
            _BATCH.update().where(_BATCH.c.id == sa.bindparam("batch")).values(digest=sa.bindparam("value")),
            changes,
        )


def downgrade() -> None:
    """Drop the batch's close and its digest."""
    with op.batch_alter_table("revolve_batch") as batch:
        batch.drop_column("digest")
        batch.drop_column("close_note")
        batch.drop_column("closed_on")
