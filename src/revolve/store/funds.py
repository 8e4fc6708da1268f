"""Organisations and funds (tables ``revolve_org``, ``revolve_fund``, and the fund's first
``revolve_account`` rows): creating, finding and listing them, and the fund's head row that every
write locks.

A fund's head (how many entries its journal holds and the hash of the last) is read under a row lock
before anything is written to the fund, so that writers of one fund queue behind each other. Every
function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from revolve.chart import Chart
from revolve.errors import DuplicateCode, UnknownFund, UnknownOrg
from revolve.funds import DEFAULT_WINDOW_YEARS, Fund
from revolve.journal import GENESIS_HASH
from revolve.orgs import Org, OrgLevel
from revolve.store.driver import run
from revolve.store.rows import fund_of, org_of
from revolve.store.schema import AccountRow, FundAccrualRow, FundDateWindowRow, FundRow, OrgRow

__all__ = [
    "FundHead",
    "create_fund",
    "create_org",
    "date_window",
    "find_fund",
    "find_funds",
    "find_org",
    "list_funds",
    "list_orgs",
    "lock_fund_head",
    "seal_fund",
    "set_closed_through",
    "set_date_window",
]

_FUND = cast(Table, FundRow.__table__)


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
        raise UnknownOrg(ref)
    return org_of(row)


def list_orgs(conn: Connection) -> list[Org]:
    """Every organisation, by id."""
    return [org_of(r) for r in conn.execute(select(OrgRow.__table__).order_by(OrgRow.id))]


def create_fund(
    conn: Connection, *, code: str, name: str, org_id: int, chart: Chart, chain_key_id: str | None = None
) -> Fund:
    """Insert a fund and one account for each non-sub-ledger role of its chart (its chain keyed under
    the key with fingerprint ``chain_key_id``, when given)."""
    if conn.execute(select(FundRow.id).where(FundRow.code == code)).first() is not None:
        raise DuplicateCode(code, what="fund")
    values: dict[str, object] = {
        "code": code,
        "name": name,
        "org_id": org_id,
        "chart": chart.name,
        "entry_count": 0,
        "head_hash": GENESIS_HASH,
    }
    if chain_key_id is not None:
        values["chain_key_id"] = chain_key_id
    fund_id = conn.execute(insert(FundRow).values(**values).returning(FundRow.id)).scalar_one()
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
    return Fund(id=fund_id, code=code, name=name, org_id=org_id, chart=chart.name, chain_key_id=chain_key_id)


def find_fund(conn: Connection, ref: int | str) -> Fund:
    """The fund with this id (int) or code (str)."""
    column = FundRow.id if isinstance(ref, int) else FundRow.code
    row = conn.execute(select(FundRow.__table__).where(column == ref)).first()
    if row is None:
        raise UnknownFund(ref)
    return fund_of(row)


def find_funds(conn: Connection, refs: Sequence[int | str]) -> list[Fund]:
    """The funds with these ids (int) or codes (str), in this order: each kind read in one statement.

    Raises:
        UnknownFund: one of them names no fund.
    """
    found: dict[int | str, Fund] = {}
    ids = sorted({r for r in refs if isinstance(r, int)})
    codes = sorted({r for r in refs if isinstance(r, str)})
    if ids:
        found.update(
            (f.id, f)
            for f in map(fund_of, conn.execute(select(FundRow.__table__).where(FundRow.id.in_(ids))))
        )
    if codes:
        rows = conn.execute(select(FundRow.__table__).where(FundRow.code.in_(codes)))
        found.update((f.code, f) for f in map(fund_of, rows))
    missing = [r for r in refs if r not in found]
    if missing:
        raise UnknownFund(missing[0])
    return [found[r] for r in refs]


def list_funds(conn: Connection, *, org_ids: Sequence[int] | None = None) -> list[Fund]:
    """Every fund (of the given organisations), by id."""
    stmt = select(FundRow.__table__).order_by(FundRow.id)
    if org_ids is not None:
        stmt = stmt.where(FundRow.org_id.in_(org_ids))
    return [fund_of(r) for r in conn.execute(stmt)]


def seal_fund(
    conn: Connection, fund_id: int, *, key_id: str, count: int, mac: str, sealed_at: datetime
) -> None:
    """Record that the fund's chain is keyed from now on, its first ``count`` entries sealed by ``mac``."""
    conn.execute(
        update(FundRow)
        .where(FundRow.id == fund_id)
        .values(chain_key_id=key_id, sealed_count=count, seal_mac=mac, sealed_at=sealed_at)
    )


def set_closed_through(conn: Connection, fund_id: int, through: date) -> None:
    """Record that the fund is closed through ``through``."""
    conn.execute(update(FundRow).where(FundRow.id == fund_id).values(closed_through=through))


def set_date_window(conn: Connection, fund_id: int, years_ahead: int) -> None:
    """Record the fund's plausibility window: value dates up to ``years_ahead`` years past today."""
    conn.execute(delete(FundDateWindowRow).where(FundDateWindowRow.fund_id == fund_id))
    conn.execute(insert(FundDateWindowRow).values(fund_id=fund_id, years_ahead=years_ahead))


def date_window(conn: Connection, fund_id: int) -> int:
    """How many years past today the fund takes value dates (the default when none was set)."""
    stored = conn.execute(
        select(FundDateWindowRow.years_ahead).where(FundDateWindowRow.fund_id == fund_id)
    ).scalar_one_or_none()
    return DEFAULT_WINDOW_YEARS if stored is None else int(stored)


# the write path's lock, built once: constructing a statement costs more than running it
# the date the fund is accrued through comes with the lock: repayments need it, and it costs one more
# statement (on PostgreSQL a round trip) read alone
_ACCRUAL = cast(Table, FundAccrualRow.__table__)
_ACCRUED = (
    select(_ACCRUAL.c.accrued_through)
    .where(_ACCRUAL.c.fund_id == _FUND.c.id)
    .scalar_subquery()
    .label("accrued_through")
)
_LOCK_BY_ID = select(_FUND, _ACCRUED).where(_FUND.c.id == bindparam("ref")).with_for_update()
_LOCK_BY_CODE = select(_FUND, _ACCRUED).where(_FUND.c.code == bindparam("ref")).with_for_update()


@dataclass(frozen=True, slots=True)
class FundHead:
    """The head of a fund's journal, read under a row lock."""

    fund: Fund
    count: int
    hash: str
    # the date the fund is accrued through, as read with the lock (``accrued_read``: it was)
    accrued_through: date | None = None
    accrued_read: bool = False


def lock_fund_head(conn: Connection, fund_ref: int | str) -> FundHead:
    """Read the fund's head under a row lock (SELECT … FOR UPDATE; SQLite holds its write lock already)."""
    stmt = _LOCK_BY_ID if isinstance(fund_ref, int) else _LOCK_BY_CODE
    rows = run(conn, stmt, {"ref": fund_ref})
    row = rows[0] if rows else None
    if row is None:
        raise UnknownFund(fund_ref)
    accrued = row.accrued_through
    return FundHead(
        fund=fund_of(row),
        count=int(row.entry_count),
        hash=row.head_hash,
        # the driver's fast path hands SQLite's stored text back as it is
        accrued_through=date.fromisoformat(accrued) if isinstance(accrued, str) else accrued,
        accrued_read=True,
    )
