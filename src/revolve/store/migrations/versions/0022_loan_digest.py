"""A loan's record digest: SHA-256 (HMAC under the chain key in a keyed fund) over the loan's own
columns (:data:`revolve.records.LOAN_COLUMNS`: whose loan, which batch, its number, principal, dates,
file and extension marks), stored on its row, so that ``verify()`` and ``check()`` find a loan moved to
another household or batch, or its purpose or dates edited, by raw SQL.

Upgrading adds the column and fills it for every existing loan from its content as it stands: a bare
digest, and in a fund keyed under the deployment's chain key when that key is at hand
(``$REVOLVE_CHAIN_KEY`` or ``$REVOLVE_CHAIN_KEY_FILE``) the keyed one (a bare digest that still matches
is re-keyed, as revision 0021 did for the other records). Without the key a keyed fund's
loans keep bare digests, which ``verify()`` reports until ``revolve seal FUND`` keys them. Downgrading
drops the column.

Revision ID: 0022_loan_digest
Revises: 0021_chain
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# the deployment's key comes from its environment, as for every other command (read, never stored)
from revolve.ledger import chain_key_from_environment
from revolve.records import LOAN_COLUMNS, row_digest

revision: str = "0022_loan_digest"
down_revision: str | None = "0021_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUND = sa.table("revolve_fund", sa.column("id", sa.BigInteger()), sa.column("chain_key_id", sa.String(16)))
_LOAN = sa.table(
    "revolve_loan",
    sa.column("id", sa.BigInteger()),
    sa.column("fund_id", sa.BigInteger()),
    sa.column("digest", sa.String(64)),
    *(sa.column(c) for c in LOAN_COLUMNS),
)


def upgrade() -> None:
    """Add the loan digest and fill it for every loan (keyed where the fund's key is at hand)."""
    conn = op.get_bind()
    if "digest" not in {c["name"] for c in sa.inspect(conn).get_columns("revolve_loan")}:
        op.add_column("revolve_loan", sa.Column("digest", sa.String(64)))
    key = chain_key_from_environment()
    keyed = (
        set()
        if key is None
        else set(conn.execute(sa.select(_FUND.c.id).where(_FUND.c.chain_key_id == key.fingerprint)).scalars())
    )
    changes = []
    for r in conn.execute(sa.select(_LOAN)):
        bare = row_digest("loan", r._mapping, LOAN_COLUMNS)
        if r.digest is None or (r.fund_id in keyed and r.digest == bare):
            value = row_digest("loan", r._mapping, LOAN_COLUMNS, key) if r.fund_id in keyed else bare
            if value != r.digest:
                changes.append({"loan": r.id, "value": value})
    if changes:
        conn.execute(
            _LOAN.update().where(_LOAN.c.id == sa.bindparam("loan")).values(digest=sa.bindparam("value")),
            changes,
        )


def downgrade() -> None:
    """Drop the loan digest."""
    with op.batch_alter_table("revolve_loan") as batch:
        batch.drop_column("digest")
