"""Partition-ready by fund (part of schema version 6, recorded by 0027): every table holding a fund's rows carries ``fund_id`` in its
primary key and in every foreign key to another fund-held table, so the schema runs unchanged on
PostgreSQL tables hash-partitioned by ``fund_id`` and on Citus tables distributed by it
(docs/postgresql.md).

* A table with a surrogate ``id`` is keyed ``(fund_id, id)`` on PostgreSQL, with an index on ``id`` alone
  for the reads by id; on SQLite ``id`` stays the rowid (``PRIMARY KEY (id)``) and ``UNIQUE (fund_id,
  id)`` is the key the foreign keys name. Ids are not renumbered: they stay unique across funds.
* The other fund-held tables take ``fund_id`` at the head of their key (a loan's schedule versions and
  instalments, guarantees, group members, write-offs, subsidy payments, application steps), and an
  application's steps take the column itself, filled from their application.
* Every foreign key from one fund-held table to another becomes ``(fund_id, x_id) → (fund_id, id)``; an
  application's loan is unique per fund.

No row changes: record digests and the hash chain cover the same values, and ``verify()`` and
``check()`` pass on a book migrated from 0023. On SQLite the changed tables are rebuilt (their rows
copied, their indexes, checks and uniques kept; none has a trigger), which needs foreign keys off while
the tables are swapped: :func:`revolve.store.database.ensure_schema` runs migrations so, and an Alembic
command of a host's own runs on a plain SQLite connection, where they are off. Running it on a database
already in the new shape changes nothing. Downgrading restores the version-5 keys.

Revision ID: 0026_partition
Revises: 0025_entry_kind
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0026_partition"
down_revision: str | None = "0025_entry_kind"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# fund-held tables keyed by a surrogate id: (id) → (fund_id, id)
SURROGATE = (
    "revolve_account",
    "revolve_application",
    "revolve_bank_loan",
    "revolve_batch",
    "revolve_capital_pledge",
    "revolve_guarantee_call",
    "revolve_guarantor",
    "revolve_household",
    "revolve_household_record",
    "revolve_loan",
    "revolve_passbook_pledge",
    "revolve_period_close",
    "revolve_period_reopen",
    "revolve_receipt",
    "revolve_time_restriction",
    "revolve_void",
)
# the other fund-held tables whose key lacked the fund: their version-5 key
KEYED = {
    "revolve_application_step": ("application_id", "step"),
    "revolve_group_member": ("guarantor_id", "household_id"),
    "revolve_guarantee": ("loan_id", "guarantor_id"),
    "revolve_installment": ("loan_id", "version", "number"),
    "revolve_schedule_version": ("loan_id", "version"),
    "revolve_subsidy_payment": ("bank_loan_id", "period", "entry_seq"),
    "revolve_write_off": ("loan_id",),
}
# the version-5 foreign keys between fund-held tables: (table, columns, referred table, referred columns);
# version 6 puts fund_id in front of both sides
FOREIGN_KEYS: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("revolve_application", ("household_id",), "revolve_household", ("id",)),
    ("revolve_application", ("loan_id",), "revolve_loan", ("id",)),
    ("revolve_application_step", ("application_id",), "revolve_application", ("id",)),
    ("revolve_bank_loan", ("household_id",), "revolve_household", ("id",)),
    ("revolve_capital_pledge_link", ("pledge_id",), "revolve_capital_pledge", ("id",)),
    ("revolve_grant", ("household_id",), "revolve_household", ("id",)),
    ("revolve_group_member", ("guarantor_id",), "revolve_guarantor", ("id",)),
    ("revolve_group_member", ("household_id",), "revolve_household", ("id",)),
    ("revolve_guarantee", ("loan_id",), "revolve_loan", ("id",)),
    ("revolve_guarantee", ("guarantor_id",), "revolve_guarantor", ("id",)),
    ("revolve_guarantee_call", ("loan_id",), "revolve_loan", ("id",)),
    ("revolve_guarantee_call", ("guarantor_id",), "revolve_guarantor", ("id",)),
    ("revolve_household_record", ("household_id",), "revolve_household", ("id",)),
    ("revolve_installment", ("loan_id", "version"), "revolve_schedule_version", ("loan_id", "version")),
    ("revolve_loan", ("household_id",), "revolve_household", ("id",)),
    ("revolve_loan", ("batch_id",), "revolve_batch", ("id",)),
    ("revolve_passbook_pledge", ("loan_id",), "revolve_loan", ("id",)),
    ("revolve_passbook_pledge", ("bank_loan_id",), "revolve_bank_loan", ("id",)),
    ("revolve_receipt", ("loan_id",), "revolve_loan", ("id",)),
    ("revolve_receipt", ("guarantor_id",), "revolve_guarantor", ("id",)),
    ("revolve_schedule_version", ("loan_id",), "revolve_loan", ("id",)),
    ("revolve_subsidy_payment", ("bank_loan_id",), "revolve_bank_loan", ("id",)),
    ("revolve_void", ("loan_id",), "revolve_loan", ("id",)),
    ("revolve_write_off", ("loan_id",), "revolve_loan", ("id",)),
)
# unique keys that take the fund: (table, version-5 columns)
UNIQUES: tuple[tuple[str, tuple[str, ...]], ...] = (("revolve_application", ("loan_id",)),)
# the posting → account foreign key already has the fund, but names the account's key, which changes
POSTING_ACCOUNT = ("revolve_posting", ("fund_id", "account_id"), "revolve_account", ("fund_id", "id"))

# SQLite's rebuilds, parents first (revolve_account keeps its version-5 shape there)
REBUILD_ORDER = (
    "revolve_household",
    "revolve_batch",
    "revolve_guarantor",
    "revolve_capital_pledge",
    "revolve_period_close",
    "revolve_period_reopen",
    "revolve_time_restriction",
    "revolve_loan",
    "revolve_bank_loan",
    "revolve_household_record",
    "revolve_grant",
    "revolve_group_member",
    "revolve_application",
    "revolve_application_step",
    "revolve_schedule_version",
    "revolve_installment",
    "revolve_guarantee",
    "revolve_guarantee_call",
    "revolve_receipt",
    "revolve_write_off",
    "revolve_void",
    "revolve_passbook_pledge",
    "revolve_subsidy_payment",
    "revolve_capital_pledge_link",
)

_STEP = "revolve_application_step"
_FUND_COLUMN = "fund_id"


def _name(kind: str, table: str, columns: Sequence[str], referred: str = "") -> str:
    """A constraint's name under revolve's naming convention (``revolve.store.schema.base``)."""
    name = f"{kind}_{table}_{'_'.join(columns)}"
    return f"{name}_{referred}" if referred else name


def _fk_plan(
    up: bool,
) -> list[tuple[str, tuple[str, ...], str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Each foreign key to change: table, old columns, referred, old referred columns, new ones of both."""
    plan = []
    for table, cols, referred, referred_cols in FOREIGN_KEYS:
        wide, wide_referred = ("fund_id", *cols), ("fund_id", *referred_cols)
        if up:
            plan.append((table, cols, referred, referred_cols, wide, wide_referred))
        else:
            plan.append((table, wide, referred, wide_referred, cols, referred_cols))
    return plan


def _pk_of(table: str, up: bool) -> tuple[str, ...]:
    if table in SURROGATE:
        return ("fund_id", "id") if up else ("id",)
    old = KEYED[table]
    return ("fund_id", *old) if up else old


def upgrade() -> None:
    """Put the fund in every fund-held table's key and foreign keys."""
    _migrate(up=True)


def downgrade() -> None:
    """Restore the version-5 keys."""
    _migrate(up=False)


def _migrate(*, up: bool) -> None:
    conn = op.get_bind()
    if up and _FUND_COLUMN not in {c["name"] for c in sa.inspect(conn).get_columns(_STEP)}:
        op.add_column(_STEP, sa.Column(_FUND_COLUMN, sa.BigInteger().with_variant(sa.Integer(), "sqlite")))
        op.execute(
            "UPDATE revolve_application_step SET fund_id = (SELECT a.fund_id FROM revolve_application a "
            "WHERE a.id = revolve_application_step.application_id)"
        )
    if conn.dialect.name == "sqlite":
        _sqlite(conn, up)
    else:
        _postgresql(conn, up)


# ---- PostgreSQL: constraints altered in place ------------------------------------------------------
def _postgresql(conn: sa.Connection, up: bool) -> None:
    inspector = sa.inspect(conn)
    if up:
        op.alter_column(_STEP, _FUND_COLUMN, nullable=False)
        if not any(fk["referred_table"] == "revolve_fund" for fk in inspector.get_foreign_keys(_STEP)):
            op.create_foreign_key(
                op.f(_name("fk", _STEP, ["fund_id"], "revolve_fund")),
                _STEP,
                "revolve_fund",
                ["fund_id"],
                ["id"],
            )
    found = [(p, _find_fk(inspector, p[0], p[1], p[2])) for p in _fk_plan(up)]
    plan = [p for p, name in found if name is not None]
    # the foreign keys go first (they lean on the keys that change), then the keys, then the new ones
    for p, name in found:
        if name is not None:
            op.drop_constraint(name, p[0], type_="foreignkey")
    posting = _find_fk(inspector, *POSTING_ACCOUNT[:3])
    tables = [t for t in (*SURROGATE, *KEYED) if _pk_columns(inspector, t) != _pk_of(t, up)]
    if tables and posting is not None and "revolve_account" in tables:
        op.drop_constraint(posting, "revolve_posting", type_="foreignkey")
    for table in tables:
        op.drop_constraint(str(inspector.get_pk_constraint(table)["name"]), table, type_="primary")
        op.create_primary_key(op.f(f"pk_{table}"), table, list(_pk_of(table, up)))
        if table in SURROGATE:
            if up:
                op.create_index(op.f(_name("ix", table, ["id"])), table, ["id"])
            else:
                op.drop_index(op.f(_name("ix", table, ["id"])), table)
    if "revolve_account" in tables:
        account_key = _name("uq", "revolve_account", ["fund_id", "id"])
        if up:
            op.drop_constraint(op.f(account_key), "revolve_account", type_="unique")
        else:
            op.create_unique_constraint(op.f(account_key), "revolve_account", ["fund_id", "id"])
        if posting is not None:
            owner, local, parent, remote = POSTING_ACCOUNT
            op.create_foreign_key(op.f(posting), owner, parent, list(local), list(remote))
    for owner, cols in UNIQUES:
        old: tuple[str, ...] = cols if up else ("fund_id", *cols)
        wide: tuple[str, ...] = ("fund_id", *cols) if up else cols
        for unique in inspector.get_unique_constraints(owner):
            if tuple(unique["column_names"]) == old:
                op.drop_constraint(str(unique["name"]), owner, type_="unique")
                op.create_unique_constraint(op.f(_name("uq", owner, wide)), owner, list(wide))
    for table, _cols, referred, _referred_cols, new, new_referred in plan:
        op.create_foreign_key(
            op.f(_name("fk", table, new, referred)), table, referred, list(new), list(new_referred)
        )
    if not up:
        step_fund = _find_fk(inspector, _STEP, ("fund_id",), "revolve_fund")
        if step_fund is not None:
            op.drop_constraint(step_fund, _STEP, type_="foreignkey")
        op.drop_column(_STEP, _FUND_COLUMN)


def _find_fk(inspector: Any, table: str, cols: Sequence[str], referred: str) -> str | None:
    for fk in inspector.get_foreign_keys(table):
        if tuple(fk["constrained_columns"]) == tuple(cols) and fk["referred_table"] == referred:
            return str(fk["name"])
    return None


def _pk_columns(inspector: Any, table: str) -> tuple[str, ...]:
    return tuple(inspector.get_pk_constraint(table)["constrained_columns"])


# ---- SQLite: each changed table rebuilt --------------------------------------------------------------
def _sqlite(conn: sa.Connection, up: bool) -> None:
    inspector = sa.inspect(conn)
    changed: dict[str, sa.Table] = {}
    # parents before children going up, children first going down: a table's foreign keys always name a
    # key its parent has
    for name in REBUILD_ORDER if up else reversed(REBUILD_ORDER):
        table = _rebuilt(inspector, name, up)
        if table is not None:
            changed[name] = table
    for name, table in changed.items():
        with op.batch_alter_table(name, copy_from=table, recreate="always"):
            pass
    if changed:
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"revolve 0026_partition: foreign keys broken by the rebuild: {broken[:5]}")


def _rebuilt(inspector: Any, name: str, up: bool) -> sa.Table | None:
    """The table ``name`` as the target version declares it on SQLite, or None when it is so already."""
    columns = inspector.get_columns(name)
    pk = _pk_columns(inspector, name)
    fks = inspector.get_foreign_keys(name)
    uniques = inspector.get_unique_constraints(name)
    changes = False
    # the key: SQLite keeps the rowid as the key of a surrogate-id table, and (fund_id, id) unique
    new_pk: tuple[str, ...] = ("id",) if name in SURROGATE else (_pk_of(name, up) if name in KEYED else pk)
    changes |= new_pk != pk
    new_uniques = []
    for u in uniques:
        cols: tuple[str, ...] = tuple(u["column_names"])
        for owner, old in UNIQUES:
            if owner == name:
                before, after = (old, ("fund_id", *old)) if up else (("fund_id", *old), old)
                if cols == before:
                    cols, changes = after, True
        new_uniques.append(cols)
    if name in SURROGATE:
        has_key = ("fund_id", "id") in new_uniques
        if up and not has_key:
            new_uniques.append(("fund_id", "id"))
            changes = True
        elif not up and has_key:
            new_uniques.remove(("fund_id", "id"))
            changes = True
    new_fks = []
    for fk in fks:
        cols = tuple(fk["constrained_columns"])
        referred: str = fk["referred_table"]
        referred_cols: tuple[str, ...] = tuple(fk["referred_columns"])
        for owner, old, ref, old_ref, new, new_ref in _fk_plan(up):
            if owner == name and cols == old and referred == ref and referred_cols == old_ref:
                cols, referred_cols, changes = new, new_ref, True
        new_fks.append((cols, referred, referred_cols, fk.get("options") or {}))
    if up and name == _STEP and not any(f[1] == "revolve_fund" for f in new_fks):
        new_fks.append((("fund_id",), "revolve_fund", ("id",), {}))
        changes = True
    keep = [c for c in columns if up or name != _STEP or c["name"] != _FUND_COLUMN]
    changes |= len(keep) != len(columns)
    if not changes:
        return None
    return sa.Table(
        name,
        sa.MetaData(),
        *(
            sa.Column(
                c["name"],
                c["type"],
                nullable=c["nullable"] and c["name"] not in new_pk and not (up and c["name"] == _FUND_COLUMN),
                server_default=None if c.get("default") is None else sa.text(str(c["default"])),
            )
            for c in keep
        ),
        sa.PrimaryKeyConstraint(*new_pk, name=f"pk_{name}"),
        *(sa.UniqueConstraint(*cols, name=_name("uq", name, cols)) for cols in new_uniques),
        *(
            sa.ForeignKeyConstraint(
                list(cols),
                [f"{referred}.{c}" for c in referred_cols],
                name=_name("fk", name, cols, referred),
                **options,
            )
            for cols, referred, referred_cols, options in new_fks
            if up or name != _STEP or "fund_id" not in cols or referred != "revolve_fund"
        ),
        *(
            sa.CheckConstraint(sa.text(ck["sqltext"]), name=ck["name"])
            for ck in inspector.get_check_constraints(name)
        ),
        *(
            sa.Index(ix["name"], *ix["column_names"], unique=bool(ix["unique"]))
            for ix in inspector.get_indexes(name)
            if up or name != _STEP or _FUND_COLUMN not in ix["column_names"]
        ),
    )
