"""The fund's accounts (table ``revolve_account``, with the sums of ``revolve_posting`` read per
account): resolving account keys to rows, opening sub-ledger accounts on first use, and balances by
account, role, key and sub-ledger.

An account's stored balance moves with every entry posted to it; without a date a balance is the
stored one, with ``as_of`` it is the journal's sum through that date. Every function works inside the
caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, bindparam, func, insert, select

from revolve.chart import Account, AccountKey, AccountRole, Chart
from revolve.errors import UnknownAccount
from revolve.funds import Fund
from revolve.store.driver import insert_many, run
from revolve.store.lookup import of_funds
from revolve.store.rows import account_key, account_of
from revolve.store.schema import AccountRow, PostingRow

__all__ = [
    "ResolvedAccount",
    "account_balance",
    "account_balance_by_key",
    "find_account",
    "funds_role_balance",
    "movements_after",
    "resolve_accounts",
    "role_balance",
    "role_balances",
    "subledger_balances",
]

_ACCOUNT = cast(Table, AccountRow.__table__)
_POSTING = cast(Table, PostingRow.__table__)
_INSERT_ACCOUNTS = insert(_ACCOUNT)
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
                reason="needs_sub",
                account=spec.code,
                name_en=spec.name_en,
                name_zh=spec.name_zh,
            )
        if not spec.subledger and key.sub is not None:
            raise UnknownAccount(
                str(key), reason="no_subledger", account=spec.code, name_en=spec.name_en, name_zh=spec.name_zh
            )
    found: dict[AccountKey, ResolvedAccount] = {}
    if not wanted:
        return found
    pairs = [(k.role.value, k.sub or "") for k in wanted]
    rows = conn.execute(
        _ACCOUNTS_BY_KEY,
        {"fund": fund.id, "roles": sorted({r for r, _ in pairs}), "subs": sorted({s for _, s in pairs})},
    )
    for row in rows:
        key = account_key(row.role, row.sub)
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
        insert_many(conn, _INSERT_ACCOUNTS, new_rows)
        opened = conn.execute(_ACCOUNTS_BY_CODE, {"fund": fund.id, "codes": [r["code"] for r in new_rows]})
        for row in opened:
            found[account_key(row.role, row.sub)] = ResolvedAccount(row.id, row.code)
    return found


def find_account(conn: Connection, account_id: int) -> Account:
    """The account with this id."""
    row = conn.execute(select(AccountRow.__table__).where(AccountRow.id == account_id)).first()
    if row is None:
        raise UnknownAccount(account_id)
    return account_of(row)


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


def funds_role_balance(
    conn: Connection, fund_ids: Sequence[int], role: AccountRole, as_of: date | None
) -> dict[int, int]:
    """Each fund's balance in fen of its accounts under ``role`` (a sub-ledger's summed), in one statement
    for all the funds: the stored balances, or the journal's sum through ``as_of``."""
    if as_of is None:
        stmt = select(AccountRow.fund_id, func.sum(AccountRow.balance)).where(
            of_funds(AccountRow.fund_id, fund_ids), AccountRow.role == role.value
        )
    else:
        stmt = (
            select(AccountRow.fund_id, func.sum(PostingRow.amount))
            .join(
                PostingRow,
                and_(PostingRow.fund_id == AccountRow.fund_id, PostingRow.account_id == AccountRow.id),
            )
            .where(
                of_funds(AccountRow.fund_id, fund_ids),
                AccountRow.role == role.value,
                PostingRow.value_date <= as_of,
            )
        )
    found = dict.fromkeys(fund_ids, 0)
    for fund_id, total in conn.execute(stmt.group_by(AccountRow.fund_id)):
        found[int(fund_id)] = int(total or 0)
    return found


def role_balances(conn: Connection, fund_id: int, as_of: date | None) -> dict[str, tuple[int, int, int]]:
    """Per role: (balance, debit turnover, credit turnover) in fen, sub-ledgers summed under their role.

    Without ``as_of`` everything comes from the stored balances and turnovers (one read of the fund's
    accounts, whatever the size of its journal); with it, everything comes from the journal through
    that date.
    """
    if as_of is None:
        stored = conn.execute(
            select(
                AccountRow.role,
                func.sum(AccountRow.balance),
                func.sum(AccountRow.debit_turnover),
                func.sum(AccountRow.credit_turnover),
            )
            .where(AccountRow.fund_id == fund_id)
            .group_by(AccountRow.role)
        )
        return {role: (int(bal), int(dr), int(cr)) for role, bal, dr, cr in stored}
    debit = func.coalesce(func.sum(PostingRow.amount).filter(PostingRow.amount > 0), 0)
    credit = func.coalesce(func.sum(PostingRow.amount).filter(PostingRow.amount < 0), 0)
    stmt = (
        select(AccountRow.role, debit, credit)
        .join(
            PostingRow,
            and_(
                PostingRow.fund_id == AccountRow.fund_id,
                PostingRow.account_id == AccountRow.id,
                PostingRow.fund_id == AccountRow.fund_id,
            ),
        )
        .where(AccountRow.fund_id == fund_id, PostingRow.value_date <= as_of)
        .group_by(AccountRow.role)
    )
    return {role: (int(dr) + int(cr), int(dr), -int(cr)) for role, dr, cr in conn.execute(stmt)}


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
        .join(
            PostingRow, and_(PostingRow.fund_id == AccountRow.fund_id, PostingRow.account_id == AccountRow.id)
        )
        .where(
            AccountRow.fund_id == fund_id,
            AccountRow.role == role.value,
            AccountRow.sub != "",
            PostingRow.value_date <= as_of,
        )
        .group_by(AccountRow.sub)
    )
    return {sub: int(bal) for sub, bal in rows}
