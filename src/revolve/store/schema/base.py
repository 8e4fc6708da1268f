"""The base of revolve's tables: the library-owned ``MetaData`` and its naming convention, the schema
version, and the journal's tables (organisations, funds, accounts, entries, postings).

Amounts are BIGINT fen. Every journal and account table carries its fund, and every foreign key between
them includes the fund, so the database itself refuses a posting to another fund's account and a
province could shard by fund without changing the model.

Journal rows are written postings first, header last: inserting the header *seals* the entry, and the
database checks then that its postings balance (see ``triggers.py``). The posting → entry foreign key is
therefore DEFERRABLE INITIALLY DEFERRED, and checked at commit.

ORM row classes here are storage shapes only; domain values live in the core, and ``rows.py`` is the one
place that translates between them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.schema import CreateColumn
from sqlalchemy.sql.compiler import DDLCompiler

__all__ = [
    "NOT_FUND_HELD",
    "SCHEMA_VERSION",
    "AccountRow",
    "Base",
    "EntryRow",
    "FundRow",
    "OrgRow",
    "PostingRow",
    "SchemaRow",
    "fund_fk",
    "fund_keyed",
    "made_on",
    "metadata",
]

SCHEMA_VERSION = 6
"""The schema version this code writes; ``revolve_schema.version`` records what a database holds."""

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

NOT_FUND_HELD = frozenset({"revolve_schema", "revolve_org", "revolve_fund"})
"""The tables that hold no fund's rows; every other table is fund-held, keyed and referenced by its fund
(partitioned by ``fund_id`` on a partitioned PostgreSQL database; on Citus these three are reference
tables and the rest are distributed by ``fund_id``)."""

# SQLite only auto-increments an INTEGER PRIMARY KEY; everywhere else ids are BIGINT.
Id = BigInteger().with_variant(Integer(), "sqlite")
Fen = BigInteger


def fund_keyed() -> tuple[PrimaryKeyConstraint | UniqueConstraint | Index, ...]:
    """The keys of a fund-held table with a surrogate ``id`` (schema version 6, partition-ready by fund).

    The primary key is ``(fund_id, id)``, so a PostgreSQL table hash-partitioned (or a Citus table
    distributed) by ``fund_id`` takes it unchanged, and every foreign key from another fund-held table is
    ``(fund_id, x_id) → (fund_id, id)``. Ids stay unique across funds, because the API and the CLI name a
    loan, a household or a receipt by its id alone:

    * on PostgreSQL ``id`` takes its default from a sequence (``BIGSERIAL``: an identity column is not
      allowed on a partitioned table), and has an index of its own for the reads by id alone;
    * on SQLite, which is never partitioned, ``id`` stays the rowid (``INTEGER PRIMARY KEY``, see
      :func:`_sqlite_primary_key`), and ``UNIQUE (fund_id, id)`` is the key the foreign keys name.
    """
    return (
        PrimaryKeyConstraint("fund_id", "id"),
        UniqueConstraint("fund_id", "id").ddl_if(dialect="sqlite"),
        Index(None, "id").ddl_if(dialect="postgresql"),
    )


def fund_fk(column: str, table: str, column_2: str | None = None, *, to: str = "id") -> ForeignKeyConstraint:
    """The foreign key ``(fund_id, column) → table (fund_id, to)`` between two fund-held tables (with a
    second column pair when ``column_2`` is given: ``(fund_id, column, column_2) → (fund_id, to,
    column_2)``)."""
    local = ["fund_id", column] + ([column_2] if column_2 else [])
    remote = ["fund_id", to] + ([column_2] if column_2 else [])
    return ForeignKeyConstraint(local, [f"{table}.{c}" for c in remote])


def made_on(item: object, dialect: str) -> bool:
    """Whether ``metadata.create_all`` makes this index or constraint on ``dialect`` (see ``ddl_if``): for
    comparing a database with the metadata, as Alembic does not know of it."""
    condition = getattr(item, "_ddl_if", None)
    wanted = None if condition is None else condition.dialect
    return wanted is None or (dialect == wanted if isinstance(wanted, str) else dialect in wanted)


def _rowid_keyed(constraint: PrimaryKeyConstraint) -> bool:
    return [c.name for c in constraint.columns] == ["fund_id", "id"]


@compiles(CreateColumn, "sqlite")
def _sqlite_column(element: CreateColumn, compiler: DDLCompiler, **kw: Any) -> str:
    """On SQLite the ``id`` of a ``(fund_id, id)`` key is a plain ``INTEGER``: the rowid, not an
    autoincremented column of a composite key (which SQLite has not)."""
    column = element.element
    if column.name == "id" and column.table is not None and _rowid_keyed(column.table.primary_key):
        return f"{compiler.preparer.format_column(column)} INTEGER NOT NULL"
    return str(compiler.visit_create_column(element, **kw))  # type: ignore[no-untyped-call]


@compiles(PrimaryKeyConstraint, "sqlite")
def _sqlite_primary_key(constraint: PrimaryKeyConstraint, compiler: DDLCompiler, **kw: Any) -> str:
    """On SQLite a ``(fund_id, id)`` primary key is declared ``PRIMARY KEY (id)``: ``id`` stays the rowid,
    which SQLite allocates itself (it autoincrements no column of a composite key)."""
    if _rowid_keyed(constraint):
        name = compiler.preparer.format_constraint(constraint)
        return f"CONSTRAINT {name} PRIMARY KEY (id)" if name else "PRIMARY KEY (id)"
    return compiler.visit_primary_key_constraint(constraint, **kw)


class Base(DeclarativeBase):
    """Declarative base bound to revolve's own MetaData."""

    metadata = metadata


class SchemaRow(Base):
    """One row: the schema version of this database."""

    __tablename__ = "revolve_schema"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrgRow(Base):
    """An organisation node (province › city › county › town › village)."""

    __tablename__ = "revolve_org"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("revolve_org.id"), index=True)


class FundRow(Base):
    """A fund (one book). ``entry_count`` and ``head_hash`` are the head of its journal's hash chain."""

    __tablename__ = "revolve_fund"
    __table_args__ = (CheckConstraint("entry_count >= 0", name="entry_count"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int] = mapped_column(ForeignKey("revolve_org.id"), index=True)
    chart: Mapped[str] = mapped_column(String(16))
    closed_through: Mapped[date | None] = mapped_column(Date)
    entry_count: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
    # added by 0009_keyed_chain: the fingerprint of the key its chain is keyed under (None: bare SHA-256),
    # and, for a chain sealed after it began, how many entries the seal covers, its HMAC and when
    chain_key_id: Mapped[str | None] = mapped_column(String(16))
    sealed_count: Mapped[int | None] = mapped_column(BigInteger)
    seal_mac: Mapped[str | None] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccountRow(Base):
    """An account of a fund: a chart role, and a sub-key for sub-ledger roles ('' when none)."""

    __tablename__ = "revolve_account"
    __table_args__ = (
        UniqueConstraint("fund_id", "role", "sub"),
        UniqueConstraint("fund_id", "code"),
        *fund_keyed(),
        # every fund's accounts of a role (the inter-fund accounts ``check`` nets across funds): the few
        # of the role, not a scan of every account — one per loan — in the database
        Index(None, "role", "fund_id"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    role: Mapped[str] = mapped_column(String(40))
    sub: Mapped[str] = mapped_column(String(64), default="")
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    balance: Mapped[int] = mapped_column(Fen, default=0)
    # added by 0020_perf: the account's debit and credit turnover (发生额), the sums of its positive
    # postings and of its negative postings negated, moved with the balance in the entry's transaction,
    # so a trial balance never scans the journal; check() reconciles them with the journal
    debit_turnover: Mapped[int] = mapped_column(Fen, server_default="0")
    credit_turnover: Mapped[int] = mapped_column(Fen, server_default="0")


class EntryRow(Base):
    """A journal entry header. Inserting it seals the entry; it is never updated or deleted."""

    __tablename__ = "revolve_entry"
    __table_args__ = (
        UniqueConstraint("fund_id", "idempotency_key"),
        UniqueConstraint("fund_id", "reverses_seq"),
        ForeignKeyConstraint(["fund_id", "reverses_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        CheckConstraint("seq >= 1", name="seq"),
        CheckConstraint("reverses_seq IS NULL OR reverses_seq < seq", name="reverses_earlier"),
        Index(None, "fund_id", "value_date"),
        # the entries of a kind or a kind prefix — of one fund (``LIKE 'contribution.%'``: the capital a
        # report reads) or of every fund (the allocations ``check`` pairs): the few entries of the kind,
        # not every cash posting; on PostgreSQL the pattern operator class lets a prefix use it under any
        # collation
        Index(None, "kind", "fund_id", postgresql_ops={"kind": "text_pattern_ops"}),
    )

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    value_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    reverses_seq: Mapped[int | None] = mapped_column(BigInteger)
    content_digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # added by 0009_keyed_chain: 1 = the chain links the content digest alone (entries written before);
    # 2 = it links a digest of the content digest, the idempotency key and recorded_at
    digest_version: Mapped[int] = mapped_column(SmallInteger, server_default="1")


class PostingRow(Base):
    """One line of an entry: a signed, non-zero amount in fen (positive = debit)."""

    __tablename__ = "revolve_posting"
    __table_args__ = (
        ForeignKeyConstraint(
            ["fund_id", "entry_seq"],
            ["revolve_entry.fund_id", "revolve_entry.seq"],
            deferrable=True,
            initially="DEFERRED",
        ),
        ForeignKeyConstraint(["fund_id", "account_id"], ["revolve_account.fund_id", "revolve_account.id"]),
        CheckConstraint("amount <> 0", name="nonzero"),
        CheckConstraint("line_no >= 1", name="line_no"),
        Index(None, "account_id", "value_date"),
    )

    fund_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entry_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(Fen)
    # the entry's value date, repeated so that as-of balances read one index; the seal trigger
    # refuses a line whose date differs from its header's
    value_date: Mapped[date] = mapped_column(Date)


# ---- the fund's life (schema version 2) --------------------------------------------------------
