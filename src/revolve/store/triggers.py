"""Database triggers that make the journal's rules hold even against raw SQL.

On both SQLite and PostgreSQL:

* a posting cannot be added to an entry whose header exists (the header *seals* the entry);
* an entry header cannot be inserted unless its postings number at least two, sum to zero fen and
  carry the header's value date;
* no journal row (entry or posting) can be updated or deleted;
* no fund or organisation row can be deleted (nor, on PostgreSQL, truncated).

On SQLite an insert that collides with a journal row's key (or an entry's idempotency key or reversal
link) is refused too, so ``INSERT OR REPLACE`` cannot delete the old row behind the DELETE trigger's back.
On PostgreSQL ``INSERT … ON CONFLICT DO UPDATE`` is an UPDATE, which the immutability trigger refuses.

PostgreSQL also checks, in a constraint trigger deferred to commit, that every posting written in the
transaction belongs to a sealed, balanced entry, and refuses TRUNCATE of journal tables. On SQLite the
deferred foreign key from posting to entry catches a posting left without a header at commit.

The statements are plain DDL strings kept here, in one place, used both by ``metadata.create_all`` (via
the ``after_create`` events below) and by the initial Alembic migration.
"""

from __future__ import annotations

from sqlalchemy import DDL, Connection, Table, event

from revolve.store.schema import PostingRow

__all__ = [
    "POSTGRESQL_DROP",
    "POSTGRESQL_KEEP_FUNDS",
    "POSTGRESQL_KEEP_FUNDS_DROP",
    "POSTGRESQL_TRIGGERS",
    "SQLITE_DROP",
    "SQLITE_KEEP_FUNDS",
    "SQLITE_KEEP_FUNDS_DROP",
    "SQLITE_NO_REPLACE",
    "SQLITE_TRIGGERS",
    "install",
    "remove",
    "statements_for",
]

_SEALED_MSG = "revolve: entry is sealed; a posted entry cannot take more postings"
_UNBALANCED_MSG = "revolve: unbalanced entry; postings must number two or more, sum to 0 and share its date"
_RANGE_MSG = "revolve: balance out of range; it must stay within a signed 64-bit integer of fen"
_IMMUTABLE_MSG = "revolve: journal rows are immutable; correct a mistake with a reversal entry"
_KEEP_MSG = "revolve: funds and organisations are never deleted; their books refer to them"

# a fund or organisation row deleted by raw SQL would leave its books unaudited (check() lists funds from
# revolve_fund): refused on both databases, TRUNCATE too on PostgreSQL (issue 12)
SQLITE_KEEP_FUNDS: tuple[str, ...] = tuple(
    f"""
    CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
    BEGIN SELECT RAISE(ABORT, '{_KEEP_MSG}'); END
    """
    for table in ("revolve_fund", "revolve_org")
)
POSTGRESQL_KEEP_FUNDS: tuple[str, ...] = (
    f"""
    CREATE OR REPLACE FUNCTION revolve_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_KEEP_MSG} (table %, %)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION revolve_refuse_delete()
        """
        for table in ("revolve_fund", "revolve_org")
    ),
    *(
        f"""
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION revolve_refuse_delete()
        """
        for table in ("revolve_fund", "revolve_org")
    ),
)
SQLITE_KEEP_FUNDS_DROP: tuple[str, ...] = tuple(
    f"DROP TRIGGER IF EXISTS {table}_no_delete" for table in ("revolve_fund", "revolve_org")
)
POSTGRESQL_KEEP_FUNDS_DROP: tuple[str, ...] = (
    *(
        f"DROP TRIGGER IF EXISTS {table}_{what} ON {table}"
        for table in ("revolve_fund", "revolve_org")
        for what in ("no_delete", "no_truncate")
    ),
    "DROP FUNCTION IF EXISTS revolve_refuse_delete()",
)

# SQLite's INSERT OR REPLACE (and REPLACE) deletes a conflicting row without firing its DELETE trigger
# (unless recursive_triggers is on, which an attacker's own connection would not set): an insert whose
# key, idempotency key or reversal link is taken already is refused before the conflict is resolved (one
# EXISTS per unique key, so that each reads its own index: an OR inside one would scan the fund's entries).
# A posting needs no such trigger: revolve_posting_sealed refuses any insert, REPLACE too, into a sealed entry
SQLITE_NO_REPLACE: tuple[str, ...] = (
    f"""
    CREATE TRIGGER IF NOT EXISTS revolve_entry_no_replace BEFORE INSERT ON revolve_entry
    WHEN EXISTS (SELECT 1 FROM revolve_entry WHERE fund_id = NEW.fund_id AND seq = NEW.seq)
      OR (NEW.idempotency_key IS NOT NULL AND EXISTS (SELECT 1 FROM revolve_entry
          WHERE fund_id = NEW.fund_id AND idempotency_key = NEW.idempotency_key))
      OR (NEW.reverses_seq IS NOT NULL AND EXISTS (SELECT 1 FROM revolve_entry
          WHERE fund_id = NEW.fund_id AND reverses_seq = NEW.reverses_seq))
    BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE_MSG}'); END
    """,
)

SQLITE_TRIGGERS: tuple[str, ...] = (
    f"""
    CREATE TRIGGER revolve_posting_sealed BEFORE INSERT ON revolve_posting
    WHEN EXISTS (SELECT 1 FROM revolve_entry WHERE fund_id = NEW.fund_id AND seq = NEW.entry_seq)
    BEGIN SELECT RAISE(ABORT, '{_SEALED_MSG}'); END
    """,
    f"""
    CREATE TRIGGER revolve_entry_balanced BEFORE INSERT ON revolve_entry
    WHEN (SELECT COUNT(*) < 2 OR COALESCE(SUM(amount), 0) <> 0
                 OR MIN(value_date) <> NEW.value_date OR MAX(value_date) <> NEW.value_date
          FROM revolve_posting WHERE fund_id = NEW.fund_id AND entry_seq = NEW.seq)
    BEGIN SELECT RAISE(ABORT, '{_UNBALANCED_MSG}'); END
    """,
    # SQLite turns an integer that overflows 64 bits into a float; a balance must stay an integer
    f"""
    CREATE TRIGGER revolve_account_balance_range BEFORE UPDATE OF balance ON revolve_account
    WHEN typeof(NEW.balance) <> 'integer'
    BEGIN SELECT RAISE(ABORT, '{_RANGE_MSG}'); END
    """,
    f"""
    CREATE TRIGGER revolve_entry_no_update BEFORE UPDATE ON revolve_entry
    BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE_MSG}'); END
    """,
    f"""
    CREATE TRIGGER revolve_entry_no_delete BEFORE DELETE ON revolve_entry
    BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE_MSG}'); END
    """,
    f"""
    CREATE TRIGGER revolve_posting_no_update BEFORE UPDATE ON revolve_posting
    BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE_MSG}'); END
    """,
    f"""
    CREATE TRIGGER revolve_posting_no_delete BEFORE DELETE ON revolve_posting
    BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE_MSG}'); END
    """,
    *SQLITE_NO_REPLACE,
    *SQLITE_KEEP_FUNDS,
)

SQLITE_DROP: tuple[str, ...] = (
    tuple(
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "revolve_posting_sealed",
            "revolve_entry_balanced",
            "revolve_account_balance_range",
            "revolve_entry_no_update",
            "revolve_entry_no_delete",
            "revolve_posting_no_update",
            "revolve_posting_no_delete",
            "revolve_entry_no_replace",
        )
    )
    + SQLITE_KEEP_FUNDS_DROP
)

POSTGRESQL_TRIGGERS: tuple[str, ...] = (
    f"""
    CREATE FUNCTION revolve_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_IMMUTABLE_MSG} (table %, %)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    f"""
    CREATE FUNCTION revolve_posting_unsealed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM revolve_entry WHERE fund_id = NEW.fund_id AND seq = NEW.entry_seq) THEN
            RAISE EXCEPTION '{_SEALED_MSG} (fund %, entry %)', NEW.fund_id, NEW.entry_seq
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    f"""
    CREATE FUNCTION revolve_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        n bigint; total numeric; stray boolean;
    BEGIN
        SELECT COUNT(*), COALESCE(SUM(amount), 0), COALESCE(BOOL_OR(value_date <> NEW.value_date), false)
          INTO n, total, stray
          FROM revolve_posting WHERE fund_id = NEW.fund_id AND entry_seq = NEW.seq;
        IF n < 2 OR total <> 0 OR stray THEN
            RAISE EXCEPTION '{_UNBALANCED_MSG} (fund %, entry %: % postings summing to % fen)',
                NEW.fund_id, NEW.seq, n, total USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    f"""
    CREATE FUNCTION revolve_posting_committed_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        total numeric;
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM revolve_entry WHERE fund_id = NEW.fund_id AND seq = NEW.entry_seq) THEN
            RAISE EXCEPTION '{_UNBALANCED_MSG} (fund %, entry % has postings but no header at commit)',
                NEW.fund_id, NEW.entry_seq USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        SELECT COALESCE(SUM(amount), 0) INTO total
          FROM revolve_posting WHERE fund_id = NEW.fund_id AND entry_seq = NEW.entry_seq;
        IF total <> 0 THEN
            RAISE EXCEPTION '{_UNBALANCED_MSG} (fund %, entry % sums to % fen at commit)',
                NEW.fund_id, NEW.entry_seq, total USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER revolve_posting_sealed BEFORE INSERT ON revolve_posting
    FOR EACH ROW EXECUTE FUNCTION revolve_posting_unsealed()
    """,
    """
    CREATE TRIGGER revolve_entry_balanced BEFORE INSERT ON revolve_entry
    FOR EACH ROW EXECUTE FUNCTION revolve_entry_balanced()
    """,
    """
    CREATE CONSTRAINT TRIGGER revolve_posting_balanced_at_commit AFTER INSERT ON revolve_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION revolve_posting_committed_balanced()
    """,
    """
    CREATE TRIGGER revolve_entry_immutable BEFORE UPDATE OR DELETE ON revolve_entry
    FOR EACH ROW EXECUTE FUNCTION revolve_refuse_change()
    """,
    """
    CREATE TRIGGER revolve_posting_immutable BEFORE UPDATE OR DELETE ON revolve_posting
    FOR EACH ROW EXECUTE FUNCTION revolve_refuse_change()
    """,
    """
    CREATE TRIGGER revolve_entry_no_truncate BEFORE TRUNCATE ON revolve_entry
    FOR EACH STATEMENT EXECUTE FUNCTION revolve_refuse_change()
    """,
    """
    CREATE TRIGGER revolve_posting_no_truncate BEFORE TRUNCATE ON revolve_posting
    FOR EACH STATEMENT EXECUTE FUNCTION revolve_refuse_change()
    """,
    *POSTGRESQL_KEEP_FUNDS,
)

POSTGRESQL_DROP: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS revolve_posting_sealed ON revolve_posting",
    "DROP TRIGGER IF EXISTS revolve_posting_balanced_at_commit ON revolve_posting",
    "DROP TRIGGER IF EXISTS revolve_posting_immutable ON revolve_posting",
    "DROP TRIGGER IF EXISTS revolve_posting_no_truncate ON revolve_posting",
    "DROP TRIGGER IF EXISTS revolve_entry_balanced ON revolve_entry",
    "DROP TRIGGER IF EXISTS revolve_entry_immutable ON revolve_entry",
    "DROP TRIGGER IF EXISTS revolve_entry_no_truncate ON revolve_entry",
    "DROP FUNCTION IF EXISTS revolve_refuse_change()",
    "DROP FUNCTION IF EXISTS revolve_posting_unsealed()",
    "DROP FUNCTION IF EXISTS revolve_entry_balanced()",
    "DROP FUNCTION IF EXISTS revolve_posting_committed_balanced()",
    *POSTGRESQL_KEEP_FUNDS_DROP,
)


def statements_for(dialect: str, *, drop: bool = False) -> tuple[DDL, ...]:
    """The CREATE (or DROP) statements for a dialect name (``sqlite`` or ``postgresql``); none for others.

    They come as ``DDL`` elements, whose text treats ``%`` as an escape: PL/pgSQL's own ``%``
    placeholders are doubled here so that every driver receives them intact.
    """
    if drop:
        texts = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(dialect, ())
    else:
        texts = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, ())
    return tuple(DDL(text.replace("%", "%%")) for text in texts)  # type: ignore[no-untyped-call]


def install(connection: Connection) -> None:
    """Create the journal triggers on ``connection``'s database."""
    for statement in statements_for(connection.dialect.name):
        connection.execute(statement)


def remove(connection: Connection) -> None:
    """Drop the journal triggers (for migrations that replace them, and for tamper tests)."""
    for statement in statements_for(connection.dialect.name, drop=True):
        connection.execute(statement)


def _after_posting_table(target: Table, connection: Connection, **_: object) -> None:
    # both journal tables exist once the later of the two is created; the trigger bodies refer to both
    install(connection)


# create_all makes revolve_entry before revolve_posting (the posting table refers to it)
event.listen(PostingRow.__table__, "after_create", _after_posting_table)
