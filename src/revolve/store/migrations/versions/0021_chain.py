"""Keyed record digests: in a fund whose chain is keyed, the records' digests (receipts, households,
schedule versions, period closes, a loan's set of guarantees) are HMAC-SHA256 under the chain key, so that
an editor who recomputes a bare SHA-256 digest after an edit is still found by ``verify()`` and
``check()``. The schema does not change (a keyed digest has the same 64 hex digits).

Upgrading keys the records of every fund keyed before this revision, when the deployment's chain key is
at hand (``$REVOLVE_CHAIN_KEY`` or ``$REVOLVE_CHAIN_KEY_FILE``) and is that fund's key; each record whose
bare digest still matches its content is re-digested under the key. Without the key nothing is written:
``verify()`` then reports those records until ``revolve seal FUND`` keys them. Unkeyed funds keep bare
digests. Downgrading leaves the digests as they are (a keyed digest reads as a stale bare one).

Revision ID: 0021_chain
Revises: 0020_perf
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# the deployment's key comes from its environment, as for every other command (read, never stored)
from revolve.ledger import chain_key_from_environment
from revolve.store.records import rekey_records

revision: str = "0021_chain"
down_revision: str | None = "0020_perf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUND = sa.table("revolve_fund", sa.column("id", sa.BigInteger()), sa.column("chain_key_id", sa.String(16)))


def upgrade() -> None:
    """Key the records of keyed funds under the deployment's chain key, when it is at hand."""
    key = chain_key_from_environment()
    if key is None:
        return
    conn = op.get_bind()
    keyed = conn.execute(sa.select(_FUND.c.id).where(_FUND.c.chain_key_id == key.fingerprint)).scalars()
    for fund_id in list(keyed):
        rekey_records(
            conn, int(fund_id), key, loans=False, batches=False
        )  # loan digests: 0022; batches: 0024


def downgrade() -> None:
    """Nothing to undo in the schema."""
