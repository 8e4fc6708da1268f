"""Reads and writes of the books over one SQLAlchemy ``Connection``: the one place rows become values.

Every function here takes the connection of the caller's transaction and never commits: the ledger
decides where a transaction starts and ends. Statements are SQLAlchemy 2.x Core over the ORM row
classes' tables; bulk writes are ``executemany`` calls. The statements that every single operation runs
are built once at module level (building one costs more than running it) and run with :func:`run`,
which on SQLite hands SQLAlchemy's compilation of them straight to the driver.

The write path for one entry is five statements: lock the fund's head row, insert the postings (one
``executemany``), insert the header (which seals the entry; the database checks the balance), update
the touched accounts' balances (one ``executemany``), and move the fund's head to the new hash.
"""

from __future__ import annotations

import logging
import weakref
from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Delete,
    Insert,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from revolve.chart import Account, AccountKey, AccountKind, AccountRole, Chart
from revolve.errors import (
    AmountOutOfRange,
    DuplicateCode,
    UnknownAccount,
    UnknownEntry,
    UnknownFund,
    UnknownOrg,
)
from revolve.funds import Fund
from revolve.invariants import ChainBreak, Violation
from revolve.journal import GENESIS_HASH, Entry, PostedEntry, PostedLine, chain_hash, content_digest
from revolve.money import Money
from revolve.orgs import Org, OrgLevel
from revolve.store.schema import AccountRow, EntryRow, FundRow, OrgRow, PostingRow

__all__ = [
    "FundHead",
    "PreparedEntry",
    "ResolvedAccount",
    "account_balance",
    "account_balance_by_key",
    "create_fund",
    "create_org",
    "entry_seqs",
    "find_account",
    "find_by_idempotency_key",
    "find_fund",
    "find_org",
    "journal_check",
    "list_funds",
    "list_orgs",
    "lock_fund_head",
    "movements_after",
    "prepare",
    "read_entry",
    "rebuild_balances",
    "resolve_accounts",
    "reversal_of",
    "role_balance",
    "role_balances",
    "run",
    "run_many",
    "set_closed_through",
    "subledger_balances",
    "verify_chain",
    "write_entries",
]

_POSTING = cast(Table, PostingRow.__table__)
_ENTRY = cast(Table, EntryRow.__table__)
_ACCOUNT = cast(Table, AccountRow.__table__)
_FUND = cast(Table, FundRow.__table__)


# ---- organisations and funds ------------------------------------------------------------------
def _org(row: Any) -> Org:
    return Org(
        id=row.id,
        code=row.code,
        name=row.name,
        level=OrgLevel(row.level),
        parent_id=row.parent_id,
    )


def _fund(row: Any) -> Fund:
    return Fund(
        id=row.id,
        code=row.code,
        name=row.name,
        org_id=row.org_id,
        chart=row.chart,
        closed_through=row.closed_through,
    )


def create_org(conn: Connection, *, code: str, name: str, level: OrgLevel, parent_id: int | None) -> Org:
    """Insert an organisation; refuse a code already in use."""
    if conn.execute(select(OrgRow.id).where(OrgRow.code == code)).first() is not None:
        raise DuplicateCode(code, what="organisation")
    new_id = conn.execute(
        insert(OrgRow)
        .values(code=code, name=name, level=int(level), parent_id=parent_id)
        .returning(OrgRow.id)
    ).scalar_one()
    return Org(id=new_id, code=code, name=name, level=level, parent_id=parent_id)


def find_org(conn: Connection, ref: int | str) -> Org:
    """The organisation with this id (int) or code (str)."""
    column = OrgRow.id if isinstance(ref, int) else OrgRow.code
    row = conn.execute(select(OrgRow.__table__).where(column == ref)).first()
    if row is None:
        raise UnknownOrg(ref, hint="create it with ledger.create_org(...)")
    return _org(row)


def list_orgs(conn: Connection) -> list[Org]:
    """Every organisation, by id."""
    return [_org(r) for r in conn.execute(select(OrgRow.__table__).order_by(OrgRow.id))]


def create_fund(conn: Connection, *, code: str, name: str, org_id: int, chart: Chart) -> Fund:
    """Insert a fund and one account for each non-sub-ledger role of its chart."""
    if conn.execute(select(FundRow.id).where(FundRow.code == code)).first() is not None:
        raise DuplicateCode(code, what="fund")
    fund_id = conn.execute(
        insert(FundRow)
        .values(code=code, name=name, org_id=org_id, chart=chart.name, entry_count=0, head_hash=GENESIS_HASH)
        .returning(FundRow.id)
    ).scalar_one()
    conn.execute(
        insert(AccountRow),
        [
            {
                "fund_id": fund_id,
                "role": spec.role.value,
                "sub": "",
                "code": spec.code,
                "name": spec.name_zh,
                "kind": spec.kind.value,
                "balance": 0,
            }
            for spec in chart.specs
            if not spec.subledger
        ],
    )
    return Fund(id=fund_id, code=code, name=name, org_id=org_id, chart=chart.name)


def find_fund(conn: Connection, ref: int | str) -> Fund:
    """The fund with this id (int) or code (str)."""
    column = FundRow.id if isinstance(ref, int) else FundRow.code
    row = conn.execute(select(FundRow.__table__).where(column == ref)).first()
    if row is None:
        raise UnknownFund(ref, hint="create it with ledger.create_fund(...)")
    return _fund(row)


def list_funds(conn: Connection, *, org_ids: Sequence[int] | None = None) -> list[Fund]:
    """Every fund (of the given organisations), by id."""
    stmt = select(FundRow.__table__).order_by(FundRow.id)
    if org_ids is not None:
        stmt = stmt.where(FundRow.org_id.in_(org_ids))
    return [_fund(r) for r in conn.execute(stmt)]


def set_closed_through(conn: Connection, fund_id: int, through: date) -> None:
    """Record that the fund is closed through ``through``."""
    conn.execute(update(FundRow).where(FundRow.id == fund_id).values(closed_through=through))


# the write path's statements, built once: constructing a statement costs more than running it
_LOCK_BY_ID = select(_FUND).where(_FUND.c.id == bindparam("ref")).with_for_update()
_LOCK_BY_CODE = select(_FUND).where(_FUND.c.code == bindparam("ref")).with_for_update()
_BY_KEY = select(_ENTRY.c.seq, _ENTRY.c.content_digest).where(
    _ENTRY.c.fund_id == bindparam("fund"), _ENTRY.c.idempotency_key == bindparam("key")
)
_INSERT_POSTINGS = insert(_POSTING)
_INSERT_ACCOUNTS = insert(_ACCOUNT)
_INSERT_ENTRIES = insert(_ENTRY)
_MOVE_BALANCES = (
    update(_ACCOUNT)
    .where(_ACCOUNT.c.id == bindparam("b_id"))
    .values(balance=_ACCOUNT.c.balance + bindparam("b_delta"))
)
_MOVE_HEAD = (
    update(_FUND)
    .where(_FUND.c.id == bindparam("b_fund"))
    .values(entry_count=bindparam("b_count"), head_hash=bindparam("b_hash"))
)


_DriverPlan = tuple[str, tuple[str, ...] | None, tuple[Callable[[Any], Any] | None, ...]]
_PLANS: dict[tuple[int, str], _DriverPlan] = {}
_Processor = Callable[[Any], Any] | None
Prebuilt = Select[Any] | Insert | Update | Delete
_STATEMENT_LOG = logging.getLogger("sqlalchemy.engine.Engine")


@dataclass(frozen=True, slots=True)
class _Plan:
    """A statement built once, as SQLAlchemy compiled it for one dialect, ready to hand to the driver.

    ``binds`` gives, in the order the SQL takes them, each bound parameter's name, its type's bind
    processor and whether the caller supplies it; one the statement fixes itself (a literal, a LIMIT)
    carries its value, already processed. ``results`` pairs a result column's index with its type's
    result processor (e.g. ISO text to a date on SQLite); ``row`` makes a named tuple of a result row.
    """

    sql: str
    binds: tuple[tuple[str, _Processor, bool, Any], ...]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]
    row: Callable[[Iterable[Any]], Any]


_RUN_PLANS: dict[tuple[int, str, tuple[str, ...]], _Plan | None] = {}


# the answer of _direct for each open Connection (one per operation): asking SQLAlchemy costs a little
_DIRECT: weakref.WeakKeyDictionary[Connection, bool] = weakref.WeakKeyDictionary()


def _direct(conn: Connection) -> bool:
    """Whether a statement may go straight to the driver: on SQLite, with nobody watching statements.

    Echo, SQL logging and cursor events see only what passes through ``Connection.execute``, so with any
    of them on, every statement takes that road.
    """
    known = _DIRECT.get(conn)
    if known is None:
        dispatch = conn.dispatch
        known = _DIRECT[conn] = (
            conn.dialect.name == "sqlite"
            and not conn.engine.echo
            and not _STATEMENT_LOG.isEnabledFor(logging.INFO)
            and not dispatch.before_cursor_execute
            and not dispatch.after_cursor_execute
        )
    return known


def _plan(conn: Connection, stmt: Prebuilt, keys: tuple[str, ...]) -> _Plan | None:
    """The driver plan of a statement for this connection's dialect (None: it needs SQLAlchemy's road)."""
    dialect = conn.dialect
    cache_key = (id(stmt), dialect.name, keys)
    if cache_key in _RUN_PLANS:
        return _RUN_PLANS[cache_key]
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    plan = None
    # expanding IN lists and literal-rendered values are completed by SQLAlchemy at each execution
    if compiled.positiontup is not None and not (
        compiled.post_compile_params or compiled.literal_execute_params
    ):
        binds = []
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            processor = cast(_Processor, bind.type.dialect_impl(dialect).bind_processor(dialect))
            supplied = name in keys or bind.required
            fixed = None if supplied else bind.effective_value
            binds.append(
                (name, processor, supplied, processor(fixed) if processor and not supplied else fixed)
            )
        columns = list(stmt.exported_columns)
        results = []
        for index, column in enumerate(columns):
            processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if processor is not None:
                results.append((index, cast(Callable[[Any], Any], processor)))
        row = namedtuple("Row", [column.key or f"col{i}" for i, column in enumerate(columns)], rename=True)  # type: ignore[misc]
        plan = _Plan(str(compiled), tuple(binds), tuple(results), row._make)
    _RUN_PLANS[cache_key] = plan
    return plan


def _bound(plan: _Plan, params: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(
        (processor(params[name]) if processor else params[name]) if supplied else fixed
        for name, processor, supplied, fixed in plan.binds
    )


def run(conn: Connection, stmt: Prebuilt, params: Mapping[str, Any], *, named: bool = True) -> list[Any]:
    """Run a statement built once at module level with ``params``; return its rows (columns by name, or
    plain tuples with ``named=False``, which a read of many rows makes faster).

    This is the hot path's way to the database. On SQLite, with nobody watching statements (see
    :func:`_direct`), the statement goes straight to the driver as SQLAlchemy compiled it, with
    SQLAlchemy's own conversions of every value bound and read, and a driver error raised as SQLAlchemy
    would raise it: that spares the work ``Connection.execute`` redoes on each call, a third of a
    repayment's time. Anywhere else it is an ordinary ``Connection.execute``.
    """
    plan = _plan(conn, stmt, tuple(params)) if _direct(conn) else None
    if plan is None:
        result = conn.execute(stmt, dict(params))
        return list(result.all()) if result.returns_rows else []
    rows = _driver(conn, plan.sql, _bound(plan, params), many=False)
    make = plan.row if named else tuple
    if not plan.results:
        return [make(r) for r in rows]
    if len(plan.results) == 1:
        # one column to convert (a date, most often): rebuild each row around it in one step
        (at, convert) = plan.results[0]
        return [make((*r[:at], convert(r[at]), *r[at + 1 :])) for r in rows]
    out = []
    for r in rows:
        values = list(r)
        for index, processor in plan.results:
            values[index] = processor(values[index])
        out.append(make(values))
    return out


def run_many(conn: Connection, stmt: Insert | Update, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run an INSERT or UPDATE built once at module level for every row of ``rows`` (see :func:`run`)."""
    if not rows:
        return
    plan = _plan(conn, stmt, tuple(rows[0])) if _direct(conn) else None
    if plan is None:
        conn.execute(stmt, [dict(r) for r in rows])
        return
    _driver(conn, plan.sql, _bound_many(plan, rows), many=True)


def _bound_many(plan: _Plan, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """:func:`_bound` for many rows: each row's values picked in one step, then the few that need a
    bind processor (a date, on SQLite) converted."""
    if not plan.binds or not all(supplied for _, _, supplied, _ in plan.binds):
        return [_bound(plan, row) for row in rows]
    names = [name for name, _, _, _ in plan.binds]
    pick = itemgetter(*names)
    single = len(names) == 1
    converts = [(index, processor) for index, (_, processor, _, _) in enumerate(plan.binds) if processor]
    out: list[Any] = []
    for row in rows:
        values = [pick(row)] if single else list(pick(row))
        for index, processor in converts:
            values[index] = processor(values[index])
        out.append(values)
    return out


def _driver(conn: Connection, sql: str, args: Any, *, many: bool) -> list[Any]:
    """Run SQL compiled by SQLAlchemy on the connection's own driver cursor, inside its transaction."""
    error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.cursor()
    try:
        if many:
            cursor.executemany(sql, args)
            return []
        cursor.execute(sql, args)
        return list(cursor.fetchall()) if cursor.description else []
    except error as exc:
        raise DBAPIError.instance(sql, args, exc, error, dialect=conn.dialect, ismulti=many) from exc
    finally:
        cursor.close()


def _insert_many(conn: Connection, stmt: Insert, rows: list[dict[str, Any]]) -> None:
    """Run a Core INSERT for many rows through the driver's own ``executemany``.

    The statement is compiled once per dialect and each column's bind processor (e.g. a date to ISO text
    on SQLite) is applied here, so bulk posting skips SQLAlchemy's per-row parameter machinery. The SQL is
    SQLAlchemy's compilation of ``stmt``, never text built by hand.
    """
    dialect = conn.dialect
    plan = _PLANS.get((id(stmt), dialect.name))
    if plan is None:
        compiled = stmt.compile(dialect=dialect, column_keys=list(rows[0]))
        names = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        order = names if names is not None else tuple(rows[0])
        processors: tuple[Callable[[Any], Any] | None, ...] = tuple(
            cast(Callable[[Any], Any] | None, compiled.binds[n].type.bind_processor(dialect)) for n in order
        )
        plan = _PLANS[(id(stmt), dialect.name)] = (str(compiled), names, processors)
    sql, names, processors = plan
    if names is None:
        keys = tuple(rows[0])
        params: list[Any] = [
            {k: (f(row[k]) if f else row[k]) for k, f in zip(keys, processors, strict=True)} for row in rows
        ]
    else:
        # pick each row's values in the SQL's order in one step, then convert the few that need it
        pick = itemgetter(*names)
        converts = [(index, f) for index, f in enumerate(processors) if f is not None]
        params = []
        for row in rows:
            values = list(pick(row)) if len(names) > 1 else [pick(row)]
            for index, f in converts:
                values[index] = f(values[index])
            params.append(values)
    if _direct(conn):
        _driver(conn, sql, params, many=True)
    else:
        conn.exec_driver_sql(sql, params)


# ---- accounts ---------------------------------------------------------------------------------
_ACCOUNT_REF = (_ACCOUNT.c.id, _ACCOUNT.c.code, _ACCOUNT.c.role, _ACCOUNT.c.sub)
_ACCOUNTS_BY_KEY = select(*_ACCOUNT_REF).where(
    _ACCOUNT.c.fund_id == bindparam("fund"),
    _ACCOUNT.c.role.in_(bindparam("roles", expanding=True)),
    _ACCOUNT.c.sub.in_(bindparam("subs", expanding=True)),
)
_ACCOUNTS_BY_CODE = select(*_ACCOUNT_REF).where(
    _ACCOUNT.c.fund_id == bindparam("fund"), _ACCOUNT.c.code.in_(bindparam("codes", expanding=True))
)


@dataclass(frozen=True, slots=True)
class ResolvedAccount:
    """An account's id and code, as the write path needs them."""

    id: int
    code: str


def resolve_accounts(
    conn: Connection, fund: Fund, chart: Chart, keys: Iterable[AccountKey]
) -> dict[AccountKey, ResolvedAccount]:
    """Find (and for sub-ledger roles, open) the fund's account for each key.

    Raises:
        UnknownAccount: a sub-ledger role without a sub-key, or a sub-key on a role without a sub-ledger.
    """
    wanted = set(keys)
    for key in wanted:
        spec = chart.spec(key.role)
        if spec.subledger and key.sub is None:
            raise UnknownAccount(
                str(key),
                hint=f"{spec.name_en} ({spec.code}) keeps one account per loan or fund: give a sub-key",
            )
        if not spec.subledger and key.sub is not None:
            raise UnknownAccount(str(key), hint=f"{spec.name_en} ({spec.code}) has no sub-ledger")
    found: dict[AccountKey, ResolvedAccount] = {}
    if not wanted:
        return found
    pairs = [(k.role.value, k.sub or "") for k in wanted]
    rows = conn.execute(
        _ACCOUNTS_BY_KEY,
        {"fund": fund.id, "roles": sorted({r for r, _ in pairs}), "subs": sorted({s for _, s in pairs})},
    )
    for row in rows:
        key = AccountKey(AccountRole(row.role), row.sub or None)
        if key in wanted:
            found[key] = ResolvedAccount(row.id, row.code)
    missing = wanted - found.keys()
    if missing:
        new_rows: list[dict[str, Any]] = []
        for key in sorted(missing, key=str):
            spec = chart.spec(key.role)
            new_rows.append(
                {
                    "fund_id": fund.id,
                    "role": key.role.value,
                    "sub": key.sub or "",
                    "code": spec.code_for(key.sub),
                    "name": f"{spec.name_zh}—{key.sub}" if key.sub else spec.name_zh,
                    "kind": spec.kind.value,
                    "balance": 0,
                }
            )
        _insert_many(conn, _INSERT_ACCOUNTS, new_rows)
        opened = conn.execute(_ACCOUNTS_BY_CODE, {"fund": fund.id, "codes": [r["code"] for r in new_rows]})
        for row in opened:
            found[AccountKey(AccountRole(row.role), row.sub or None)] = ResolvedAccount(row.id, row.code)
    return found


def find_account(conn: Connection, account_id: int) -> Account:
    """The account with this id."""
    row = conn.execute(select(AccountRow.__table__).where(AccountRow.id == account_id)).first()
    if row is None:
        raise UnknownAccount(account_id)
    return Account(
        id=row.id,
        fund_id=row.fund_id,
        key=AccountKey(AccountRole(row.role), row.sub or None),
        code=row.code,
        name=row.name,
        kind=AccountKind(row.kind),
    )


def account_balance(conn: Connection, account_id: int, as_of: date | None) -> int:
    """One account's balance in fen: the stored balance, or the journal's sum through ``as_of``."""
    if as_of is None:
        return int(conn.execute(select(AccountRow.balance).where(AccountRow.id == account_id)).scalar_one())
    total = conn.execute(
        select(func.coalesce(func.sum(PostingRow.amount), 0)).where(
            PostingRow.account_id == account_id, PostingRow.value_date <= as_of
        )
    ).scalar_one()
    return int(total)


def role_balances(conn: Connection, fund_id: int, as_of: date | None) -> dict[str, tuple[int, int, int]]:
    """Per role: (balance, debit turnover, credit turnover) in fen, sub-ledgers summed under their role.

    Without ``as_of`` the balance comes from the stored account balances and the turnovers from the
    journal; with it, everything comes from the journal through that date.
    """
    debit = func.coalesce(func.sum(PostingRow.amount).filter(PostingRow.amount > 0), 0)
    credit = func.coalesce(func.sum(PostingRow.amount).filter(PostingRow.amount < 0), 0)
    stmt = (
        select(AccountRow.role, debit, credit)
        .join(
            PostingRow, and_(PostingRow.account_id == AccountRow.id, PostingRow.fund_id == AccountRow.fund_id)
        )
        .where(AccountRow.fund_id == fund_id)
        .group_by(AccountRow.role)
    )
    if as_of is not None:
        stmt = stmt.where(PostingRow.value_date <= as_of)
    result: dict[str, tuple[int, int, int]] = {}
    for role, dr, cr in conn.execute(stmt):
        result[role] = (int(dr) + int(cr), int(dr), -int(cr))
    if as_of is None:
        stored = conn.execute(
            select(AccountRow.role, func.sum(AccountRow.balance))
            .where(AccountRow.fund_id == fund_id)
            .group_by(AccountRow.role)
        )
        for role, bal in stored:
            _, dr, cr = result.get(role, (0, 0, 0))
            result[role] = (int(bal), dr, cr)
    return result


_ROLE_BALANCE = select(func.coalesce(func.sum(_ACCOUNT.c.balance), 0)).where(
    _ACCOUNT.c.fund_id == bindparam("fund"), _ACCOUNT.c.role == bindparam("role")
)


_ACCOUNTS_OF_ROLES = select(_ACCOUNT.c.id).where(
    _ACCOUNT.c.fund_id == bindparam("fund"), _ACCOUNT.c.role.in_(bindparam("roles", expanding=True))
)
_MOVEMENTS_AFTER = (
    select(_POSTING.c.value_date, func.sum(_POSTING.c.amount))
    .where(
        _POSTING.c.account_id.in_(bindparam("accounts", expanding=True)),
        _POSTING.c.value_date > bindparam("after"),
    )
    .group_by(_POSTING.c.value_date)
    .order_by(_POSTING.c.value_date)
)


def movements_after(
    conn: Connection, fund_id: int, roles: Sequence[AccountRole], after: date
) -> list[tuple[date, int]]:
    """Net movement per value date after ``after`` of the fund's accounts of the given (non-sub-ledger) roles.

    Reads through the (account, value date) index, so it costs what was posted after the date, not the
    whole book.
    """
    ids = list(
        conn.execute(_ACCOUNTS_OF_ROLES, {"fund": fund_id, "roles": [r.value for r in roles]}).scalars()
    )
    if not ids:
        return []
    rows = conn.execute(_MOVEMENTS_AFTER, {"accounts": ids, "after": after})
    return [(day, int(total)) for day, total in rows]


def role_balance(conn: Connection, fund_id: int, role: AccountRole) -> int:
    """The stored balance of a role in fen, its sub-ledger accounts summed (positive = debit)."""
    return int(run(conn, _ROLE_BALANCE, {"fund": fund_id, "role": role.value})[0][0])


def account_balance_by_key(conn: Connection, fund_id: int, key: AccountKey, as_of: date | None = None) -> int:
    """One account's balance in fen, found by role and sub-key (0 when the account was never opened)."""
    account_id = conn.execute(
        select(AccountRow.id).where(
            AccountRow.fund_id == fund_id,
            AccountRow.role == key.role.value,
            AccountRow.sub == (key.sub or ""),
        )
    ).scalar_one_or_none()
    return 0 if account_id is None else account_balance(conn, int(account_id), as_of)


def subledger_balances(
    conn: Connection, fund_id: int, role: AccountRole, as_of: date | None
) -> dict[str, int]:
    """Each sub-ledger account's balance under ``role`` (sub-key → fen)."""
    if as_of is None:
        rows = conn.execute(
            select(AccountRow.sub, AccountRow.balance).where(
                AccountRow.fund_id == fund_id, AccountRow.role == role.value, AccountRow.sub != ""
            )
        )
        return {sub: int(bal) for sub, bal in rows}
    rows = conn.execute(
        select(AccountRow.sub, func.coalesce(func.sum(PostingRow.amount), 0))
        .join(PostingRow, PostingRow.account_id == AccountRow.id)
        .where(
            AccountRow.fund_id == fund_id,
            AccountRow.role == role.value,
            AccountRow.sub != "",
            PostingRow.value_date <= as_of,
        )
        .group_by(AccountRow.sub)
    )
    return {sub: int(bal) for sub, bal in rows}


# ---- the write path ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FundHead:
    """The head of a fund's journal, read under a row lock."""

    fund: Fund
    count: int
    hash: str


def lock_fund_head(conn: Connection, fund_ref: int | str) -> FundHead:
    """Read the fund's head under a row lock (SELECT … FOR UPDATE; SQLite holds its write lock already)."""
    stmt = _LOCK_BY_ID if isinstance(fund_ref, int) else _LOCK_BY_CODE
    rows = run(conn, stmt, {"ref": fund_ref})
    row = rows[0] if rows else None
    if row is None:
        raise UnknownFund(fund_ref, hint="create it with ledger.create_fund(...)")
    return FundHead(fund=_fund(row), count=int(row.entry_count), hash=row.head_hash)


def find_by_idempotency_key(conn: Connection, fund_id: int, key: str) -> tuple[int, str] | None:
    """``(seq, content_digest)`` of the entry posted under ``key`` in the fund, if any."""
    rows = run(conn, _BY_KEY, {"fund": fund_id, "key": key})
    return (int(rows[0].seq), rows[0].content_digest) if rows else None


def reversal_of(conn: Connection, fund_id: int, seq: int) -> int | None:
    """The ``seq`` of the entry that reverses entry ``seq``, if one exists."""
    return conn.execute(
        select(EntryRow.seq).where(EntryRow.fund_id == fund_id, EntryRow.reverses_seq == seq)
    ).scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """An entry with its accounts resolved and its digest computed, ready to number and write."""

    entry: Entry
    accounts: tuple[ResolvedAccount, ...]
    digest: str


def prepare(entry: Entry, accounts: Sequence[ResolvedAccount]) -> PreparedEntry:
    """Pair an entry's postings with their accounts and compute its content digest."""
    digest = content_digest(
        value_date=entry.value_date,
        kind=entry.kind,
        memo=entry.memo,
        reverses=entry.reverses,
        lines=[(acc.code, p.amount.fen) for acc, p in zip(accounts, entry.postings, strict=True)],
    )
    return PreparedEntry(entry=entry, accounts=tuple(accounts), digest=digest)


def write_entries(
    conn: Connection, head: FundHead, prepared: Sequence[PreparedEntry], *, recorded_at: datetime
) -> list[PostedEntry]:
    """Number, chain and write entries after the fund's head; update balances and the head.

    The caller holds the head's row lock and has validated every entry.
    """
    fund_id = head.fund.id
    prev = head.hash
    seq = head.count
    posting_rows: list[dict[str, object]] = []
    entry_rows: list[dict[str, object]] = []
    deltas: dict[int, int] = defaultdict(int)
    posted: list[PostedEntry] = []
    for item in prepared:
        seq += 1
        entry = item.entry
        digest = item.digest
        new_hash = chain_hash(prev, fund_id=fund_id, seq=seq, digest=digest)
        lines = []
        for line_no, (acc, posting) in enumerate(zip(item.accounts, entry.postings, strict=True), start=1):
            fen = posting.amount.fen
            posting_rows.append(
                {
                    "fund_id": fund_id,
                    "entry_seq": seq,
                    "line_no": line_no,
                    "account_id": acc.id,
                    "amount": fen,
                    "value_date": entry.value_date,
                }
            )
            deltas[acc.id] += fen
            lines.append(PostedLine(line_no, acc.id, acc.code, posting.key, posting.amount))
        entry_rows.append(
            {
                "fund_id": fund_id,
                "seq": seq,
                "value_date": entry.value_date,
                "kind": entry.kind,
                "memo": entry.memo,
                "idempotency_key": entry.idempotency_key,
                "reverses_seq": entry.reverses,
                "content_digest": digest,
                "prev_hash": prev,
                "hash": new_hash,
                "recorded_at": recorded_at,
            }
        )
        posted.append(
            PostedEntry(
                fund_id=fund_id,
                seq=seq,
                value_date=entry.value_date,
                kind=entry.kind,
                memo=entry.memo,
                idempotency_key=entry.idempotency_key,
                reverses=entry.reverses,
                lines=tuple(lines),
                content_digest=digest,
                prev_hash=prev,
                hash=new_hash,
            )
        )
        prev = new_hash
    if not posted:
        return posted
    _insert_many(conn, _INSERT_POSTINGS, posting_rows)
    _insert_many(conn, _INSERT_ENTRIES, entry_rows)
    moved = [{"b_id": aid, "b_delta": d} for aid, d in deltas.items() if d != 0]
    if moved:
        try:
            run_many(conn, _MOVE_BALANCES, moved)
        except DBAPIError as exc:
            # PostgreSQL: bigint out of range (SQLSTATE 22003); SQLite: revolve's balance-range trigger
            if getattr(exc.orig, "sqlstate", None) == "22003" or "balance out of range" in str(exc.orig):
                worst = max(moved, key=lambda m: abs(m["b_delta"]))
                raise AmountOutOfRange(worst["b_delta"]) from None
            raise
    run(conn, _MOVE_HEAD, {"b_fund": fund_id, "b_count": seq, "b_hash": prev})
    return posted


def read_entry(conn: Connection, fund_id: int, seq: int) -> PostedEntry:
    """Entry ``seq`` of the fund, with its lines."""
    row = conn.execute(select(_ENTRY).where(EntryRow.fund_id == fund_id, EntryRow.seq == seq)).first()
    if row is None:
        raise UnknownEntry((fund_id, seq), hint="entries are numbered from 1 within their fund")
    lines = tuple(
        PostedLine(
            int(r.line_no),
            int(r.account_id),
            r.code,
            AccountKey(AccountRole(r.role), r.sub or None),
            Money(int(r.amount)),
        )
        for r in conn.execute(
            select(
                PostingRow.line_no,
                PostingRow.account_id,
                AccountRow.code,
                AccountRow.role,
                AccountRow.sub,
                PostingRow.amount,
            )
            .join(AccountRow, AccountRow.id == PostingRow.account_id)
            .where(PostingRow.fund_id == fund_id, PostingRow.entry_seq == seq)
            .order_by(PostingRow.line_no)
        )
    )
    return PostedEntry(
        fund_id=fund_id,
        seq=seq,
        value_date=row.value_date,
        kind=row.kind,
        memo=row.memo,
        idempotency_key=row.idempotency_key,
        reverses=row.reverses_seq,
        lines=lines,
        content_digest=row.content_digest,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def entry_seqs(conn: Connection, fund_id: int, *, kind: str | None = None) -> list[int]:
    """The numbers of the fund's entries (of one kind), in order."""
    stmt = select(EntryRow.seq).where(EntryRow.fund_id == fund_id).order_by(EntryRow.seq)
    if kind is not None:
        stmt = stmt.where(EntryRow.kind == kind)
    return [int(s) for s in conn.execute(stmt).scalars()]


# ---- audits -----------------------------------------------------------------------------------
def journal_check(conn: Connection, fund_ids: Sequence[int]) -> list[Violation]:
    """Violations of DESIGN §10 items 1 and 5 in the given funds (the chain, item 8, is ``verify_chain``)."""
    out: list[Violation] = []
    total = func.sum(PostingRow.amount)
    count = func.count()
    for fund_id, seq, s, n in conn.execute(
        select(PostingRow.fund_id, PostingRow.entry_seq, total, count)
        .where(PostingRow.fund_id.in_(fund_ids))
        .group_by(PostingRow.fund_id, PostingRow.entry_seq)
        .having((total != 0) | (count < 2))
    ):
        out.append(
            Violation("unbalanced_entry", int(fund_id), f"entry {seq}", f"{n} postings summing to {s} fen")
        )
    for fund_id, day, s in conn.execute(
        select(PostingRow.fund_id, PostingRow.value_date, total)
        .where(PostingRow.fund_id.in_(fund_ids))
        .group_by(PostingRow.fund_id, PostingRow.value_date)
        .having(total != 0)
    ):
        out.append(
            Violation(
                "trial_balance_not_zero",
                int(fund_id),
                f"date {day.isoformat()}",
                f"the postings dated that day sum to {s} fen, so the trial balance from then on is not zero",
            )
        )
    journal_sum = func.coalesce(func.sum(PostingRow.amount), literal(0))
    for account_id, fund_id, code, stored, summed in conn.execute(
        select(AccountRow.id, AccountRow.fund_id, AccountRow.code, AccountRow.balance, journal_sum)
        .outerjoin(PostingRow, PostingRow.account_id == AccountRow.id)
        .where(AccountRow.fund_id.in_(fund_ids))
        .group_by(AccountRow.id, AccountRow.fund_id, AccountRow.code, AccountRow.balance)
        .having(AccountRow.balance != journal_sum)
    ):
        out.append(
            Violation(
                "stored_balance_differs",
                int(fund_id),
                f"account {code}",
                f"stored balance {stored} fen, journal sum {summed} fen (account id {account_id})",
            )
        )
    return out


def rebuild_balances(conn: Connection, fund_id: int) -> dict[str, tuple[int, int]]:
    """Set every account's stored balance to its journal sum; return ``code → (old, new)`` that changed."""
    journal_sum = func.coalesce(func.sum(PostingRow.amount), literal(0))
    changed: dict[str, tuple[int, int]] = {}
    updates = []
    for account_id, code, stored, summed in conn.execute(
        select(AccountRow.id, AccountRow.code, AccountRow.balance, journal_sum)
        .outerjoin(PostingRow, PostingRow.account_id == AccountRow.id)
        .where(AccountRow.fund_id == fund_id)
        .group_by(AccountRow.id, AccountRow.code, AccountRow.balance)
    ):
        if int(stored) != int(summed):
            changed[code] = (int(stored), int(summed))
            updates.append({"b_id": account_id, "b_balance": int(summed)})
    if updates:
        conn.execute(
            update(_ACCOUNT).where(_ACCOUNT.c.id == bindparam("b_id")).values(balance=bindparam("b_balance")),
            updates,
        )
    return changed


def _journal_lines(conn: Connection, fund_id: int) -> Iterator[tuple[int, int, str, int, date]]:
    stmt = (
        select(
            PostingRow.entry_seq,
            PostingRow.line_no,
            AccountRow.code,
            PostingRow.amount,
            PostingRow.value_date,
        )
        .join(AccountRow, AccountRow.id == PostingRow.account_id)
        .where(PostingRow.fund_id == fund_id)
        .order_by(PostingRow.entry_seq, PostingRow.line_no)
    )
    # streamed per statement: setting yield_per on the connection would change a host Session's connection
    for row in conn.execute(stmt, execution_options={"yield_per": 5000}):
        yield int(row[0]), int(row[1]), row[2], int(row[3]), row[4]


def verify_chain(conn: Connection, fund_id: int) -> tuple[int, ChainBreak | None]:
    """Walk the fund's hash chain; return how many entries were checked and the first break, if any."""
    head = conn.execute(select(FundRow.entry_count, FundRow.head_hash).where(FundRow.id == fund_id)).first()
    if head is None:
        raise UnknownFund(fund_id)
    lines = _journal_lines(conn, fund_id)
    pending = next(lines, None)
    prev = GENESIS_HASH
    expected = 1
    checked = 0
    entries = conn.execute(
        select(
            EntryRow.seq,
            EntryRow.value_date,
            EntryRow.kind,
            EntryRow.memo,
            EntryRow.reverses_seq,
            EntryRow.content_digest,
            EntryRow.prev_hash,
            EntryRow.hash,
        )
        .where(EntryRow.fund_id == fund_id)
        .order_by(EntryRow.seq),
        execution_options={"yield_per": 5000},
    )
    for raw_seq, value_date, kind, memo, reverses, digest, prev_hash, stored_hash in entries:
        seq = int(raw_seq)
        if pending is not None and pending[0] < seq:
            return checked, ChainBreak(fund_id, pending[0], "postings exist for an entry with no header")
        if seq != expected:
            return checked, ChainBreak(
                fund_id, expected, f"entry {expected} is missing: the next one is {seq}"
            )
        body: list[tuple[str, int]] = []
        while pending is not None and pending[0] == seq:
            _, _, code, amount, line_date = pending
            if line_date != value_date:
                return checked, ChainBreak(fund_id, seq, "a posting's date differs from its entry's")
            body.append((code, amount))
            pending = next(lines, None)
        if sum(a for _, a in body) != 0 or len(body) < 2:
            return checked, ChainBreak(fund_id, seq, "its postings do not balance")
        recomputed = content_digest(
            value_date=value_date, kind=kind, memo=memo, reverses=reverses, lines=body
        )
        if recomputed != digest:
            return checked, ChainBreak(fund_id, seq, "its content differs from what was posted")
        if prev_hash != prev:
            return checked, ChainBreak(fund_id, seq, "its link to the previous entry is broken")
        if chain_hash(prev, fund_id=fund_id, seq=seq, digest=digest) != stored_hash:
            return checked, ChainBreak(fund_id, seq, "its hash does not match its content and link")
        prev = stored_hash
        expected += 1
        checked += 1
    if pending is not None:
        return checked, ChainBreak(fund_id, pending[0], "postings exist for an entry with no header")
    count, head_hash = int(head.entry_count), head.head_hash
    if checked != count:
        return checked, ChainBreak(
            fund_id,
            min(checked, count) + 1,
            f"the journal holds {checked} entries but the fund's head says {count}",
        )
    if head_hash != prev:
        return checked, ChainBreak(fund_id, count, "the fund's head hash differs from the last entry's hash")
    return checked, None
