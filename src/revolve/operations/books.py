"""The books: the one write path every operation family shares.

Every operation that writes does the same four things, here and nowhere else:

1. **lock the fund** — its head row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
   write lock), so concurrent writers to one fund queue and no update is lost (:meth:`Books.locked`);
2. **resolve accounts** — the fund's accounts for the postings' roles and sub-ledger keys, from a cache
   of what committed transactions found, from what this transaction found, or read and opened;
3. **replay or write** — an entry whose idempotency key was used before is answered with the entry first
   posted when it repeats it (and refused when it does not); the rest are checked against the closed
   period and written after the head, hash-chained (:meth:`Books.write`);
4. **remember** — the accounts found are cached once the transaction has committed (never inside a host's
   Session, whose transaction revolve does not own).

Reads go through :meth:`Books.reading`, which opens a read transaction and finds the fund once.

Every public operation of every family is guarded (:class:`Family` wraps it when the class is made):

* each argument annotated ``date`` (or ``date | None``) goes through :func:`revolve.checks.check_date`,
  so ``on="2016-05-10"`` or a ``datetime`` is refused as ``InvalidDate`` before anything is read;
* a PostgreSQL serialization conflict (:class:`revolve.errors.BooksBusy` with ``serialization``) is
  retried up to :data:`RETRIES` times when revolve owns the transaction — the operation is atomic and
  idempotent, so running it again is safe; inside a host's Session it is raised for the host to retry.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from revolve.budget import BUDGET_PREFIX, budget_entry
from revolve.chain import ChainKey
from revolve.chart import Account, AccountKey, AccountRole, Chart, chart_named
from revolve.checks import check_date, ref_of
from revolve.errors import (
    AccountFundMismatch,
    BooksBusy,
    IdempotencyConflict,
    InvalidEntry,
    MoneyTypeError,
    UnknownEntry,
)
from revolve.funds import Fund, check_open, check_window, needs_window
from revolve.journal import Entry, PostedEntry
from revolve.loans.payout import CashLine
from revolve.money import Money
from revolve.store import accounts as store_accounts
from revolve.store import figures as store_figures
from revolve.store import funds as store_funds
from revolve.store import journal as store_journal
from revolve.store.record_key import keying_records
from revolve.store.transactions import Connection, Transactions

__all__ = ["RETRIES", "Books", "Family", "FundRef", "Replay", "Unit", "with_budget_twins"]

RETRIES = 3
"""How many times an operation whose transaction revolve owns is run in all when PostgreSQL aborts it in a
serialization conflict, before :class:`revolve.errors.BooksBusy` reaches the caller."""

FundRef = Fund | int | str
Learned = dict[tuple[int, AccountKey], store_accounts.ResolvedAccount]
R = AccountRole


class Replay(Exception):
    """An idempotent retry: roll back the transaction and return the entries first posted."""

    def __init__(self, entries: list[PostedEntry]) -> None:
        self.entries = entries


@dataclass(slots=True)
class Unit:
    """One writing transaction on one fund: its connection, the fund's locked head (moved on as entries
    are written), and the accounts it found, to be remembered once it commits."""

    conn: Connection
    head: store_funds.FundHead
    learned: Learned = field(default_factory=dict)

    @property
    def fund(self) -> Fund:
        """The locked fund."""
        return self.head.fund


class Books:
    """One database's transactions, the clock stamped on entries, the chain key, and what is cached across
    operations."""

    def __init__(
        self, tx: Transactions, clock: Callable[[], datetime], chain_key: ChainKey | None = None
    ) -> None:
        self.tx = tx
        self.clock = clock
        # the deployment's chain key (kept outside the database): keyed funds are linked with HMAC under it
        self.chain_key = chain_key
        # account ids by (fund, key): filled only from committed transactions that revolve itself ran
        self._accounts: Learned = {}
        self._charts: dict[int, Chart] = {}
        # each fund's round basis as last read, by fund id: the chain hash in it says whether it still holds
        self.round_bases: dict[int, store_figures.RoundBasis] = {}

    # ---- reading -----------------------------------------------------------------------------------
    @contextmanager
    def reading(self, fund: FundRef) -> Iterator[tuple[Connection, Fund]]:
        """A read transaction and the fund, found once."""
        with self.tx(write=False) as conn:
            yield conn, store_funds.find_fund(conn, ref_of(fund))

    # ---- the write path ----------------------------------------------------------------------------
    @contextmanager
    def locked(self, fund: FundRef) -> Iterator[Unit]:
        """A writing transaction with the fund's head locked; accounts found are remembered on commit."""
        with self.tx() as conn:
            unit = Unit(conn, store_funds.lock_fund_head(conn, ref_of(fund)))
            # a keyed fund's records are digested under its chain key (refused without the key)
            with keying_records(store_journal.chain_key_for(unit.fund, self.chain_key)):
                yield unit
        self.remember(unit.learned)

    def remember(self, learned: Learned) -> None:
        """Cache account ids once the transaction that found or opened them has committed."""
        if not self.tx.host_managed:
            self._accounts.update(learned)

    def chart(self, fund: Fund) -> Chart:
        """The fund's chart of accounts (cached: a fund's chart never changes)."""
        chart = self._charts.get(fund.id)
        if chart is None:
            chart = self._charts[fund.id] = chart_named(fund.chart)
        return chart

    def chart_of(self, fund: FundRef) -> Chart:
        """The chart of a fund given by object, id or code (read once when not given as an object)."""
        if isinstance(fund, Fund):
            return self.chart(fund)
        with self.reading(fund) as (_, found):
            return self.chart(found)

    def write(
        self,
        unit: Unit,
        batch: Sequence[Entry],
        *,
        replay_all: bool = False,
        unused_keys: frozenset[str] = frozenset(),
        along: Callable[[list[PostedEntry]], None] | None = None,
    ) -> list[PostedEntry]:
        """Write entries after the unit's head; return them (a faithful retry as first posted).

        With ``replay_all``, a batch made only of retries raises :class:`Replay` so the transaction rolls
        back. ``unused_keys`` are idempotency keys the caller found unused under this transaction's
        lock, so they are not looked up again. ``along`` is given what this returns and runs the
        caller's writes with the journal's, in their one round trip on PostgreSQL
        (:func:`revolve.store.journal.write_entries`).

        Raises:
            AccountFundMismatch: an account of another fund.
            IdempotencyConflict: a key used before with other content.
            InvalidEntry: a key twice in the batch.
            PeriodClosed: a new entry dated in a closed period.
            DateOutsideWindow: a new entry dated outside the fund's plausibility window.
        """
        fund = unit.fund
        today = self.clock().date()
        chart = self.chart(fund)
        financial: list[bool] = []
        if chart.government:
            # 平行记账: each financial entry followed by its budget entry, in the same chain
            batch, financial = _with_budget(batch, chart)
        # each posting's account key, found once (an account of another fund refused before anything is
        # read); a bulk post resolves thousands of postings
        keys_of: list[list[AccountKey]] = []
        for entry in batch:
            keys = []
            for posting in entry.postings:
                account = posting.account
                if account.__class__ is not AccountKey:
                    if isinstance(account, Account) and account.fund_id != fund.id:
                        raise AccountFundMismatch(
                            account.code, account_fund=account.fund_id, entry_fund=fund.id
                        )
                    account = posting.key
                keys.append(account)
            keys_of.append(keys)
        accounts = self._resolve(unit, {key for keys in keys_of for key in keys})
        replays: list[PostedEntry | None] = []
        fresh: list[store_journal.PreparedEntry] = []
        seen_keys: set[str] = set()
        for entry, keys in zip(batch, keys_of, strict=True):
            prepared = store_journal.prepare(entry, [accounts[key] for key in keys])
            # a faithful retry answers with the entry first posted, even once its period is closed
            replay = (
                None
                if entry.idempotency_key is None
                else self.replayed(unit.conn, fund.id, prepared, seen_keys, unused_keys, fund_code=fund.code)
            )
            replays.append(replay)
            if replay is None:
                on = entry.value_date
                check_open(fund, on)
                if needs_window(on, today=today):
                    self.check_window(unit, on, today=today)
                fresh.append(prepared)
        if replay_all and batch and not fresh:
            # every entry is a retry: roll back whatever was opened and answer as first posted
            raise Replay(_financial([r for r in replays if r is not None], financial))

        def answer(written: list[PostedEntry]) -> list[PostedEntry]:
            remaining = iter(written)
            return _financial([r if r is not None else next(remaining) for r in replays], financial)

        written = store_journal.write_entries(
            unit.conn,
            unit.head,
            fresh,
            recorded_at=self.clock(),
            key=self.chain_key,
            along=None if along is None else lambda written: along(answer(written)),
        )
        unit.head = store_funds.FundHead(
            fund, unit.head.count + len(written), written[-1].hash if written else unit.head.hash
        )
        return answer(written)

    def check_window(self, unit: Unit, on: date, *, today: date | None = None) -> None:
        """Refuse a value date outside the fund's plausibility window (:func:`revolve.funds.check_window`);
        the fund's window is read only for a date after today or before the earliest.

        Raises:
            DateOutsideWindow: ``on`` is outside the window.
        """
        today = self.clock().date() if today is None else today
        if needs_window(on, today=today):
            years = store_funds.date_window(unit.conn, unit.fund.id)
            check_window(on, today=today, years_ahead=years)

    def post(self, fund: FundRef, entries: Sequence[Entry]) -> list[PostedEntry]:
        """Post entries to one fund in one transaction: all of them, or none; a batch of faithful retries
        only is answered as first posted and writes nothing."""
        try:
            with self.locked(fund) as unit:
                return self.write(unit, entries, replay_all=True)
        except Replay as replay:
            return replay.entries

    def _resolve(self, unit: Unit, keys: set[AccountKey]) -> dict[AccountKey, store_accounts.ResolvedAccount]:
        """The accounts of ``keys``: from the cache, from what this transaction found already, or read."""
        fund = unit.fund
        known = {}
        for key in keys:
            found = self._accounts.get((fund.id, key)) or unit.learned.get((fund.id, key))
            if found is not None:
                known[key] = found
        missing = keys - known.keys()
        if missing:
            read = store_accounts.resolve_accounts(unit.conn, fund, self.chart(fund), missing)
            known.update(read)
            unit.learned.update({(fund.id, k): v for k, v in read.items()})
        return known

    @staticmethod
    def replayed(
        conn: Connection,
        fund_id: int,
        prepared: store_journal.PreparedEntry,
        seen: set[str],
        unused: frozenset[str] = frozenset(),
        *,
        fund_code: str = "",
    ) -> PostedEntry | None:
        """The entry first posted under this entry's idempotency key, if this is a faithful retry.

        Raises:
            InvalidEntry: the key appears twice in one batch.
            IdempotencyConflict: the key was used before with other content.
        """
        key = prepared.entry.idempotency_key
        if key is None:
            return None
        if key in seen:
            raise InvalidEntry("idempotency_key", key, reason="key_twice")
        seen.add(key)
        if key in unused:
            return None
        known = store_journal.find_by_idempotency_key(conn, fund_id, key)
        if known is None:
            return None
        seq, known_digest = known
        if known_digest != prepared.digest:
            raise IdempotencyConflict(key, fund_id=fund_id, existing_seq=seq, fund=fund_code)
        return store_journal.read_entry(conn, fund_id, seq)

    # ---- cash --------------------------------------------------------------------------------------
    @staticmethod
    def available(conn: Connection, fund_id: int) -> Money:
        """Cash the fund can lend or pay out: bank deposits less the cash deposits (保证金) it holds for borrowers."""
        cash = store_accounts.role_balance(conn, fund_id, R.FUND_CASH)
        held = -store_accounts.role_balance(conn, fund_id, R.PLEDGE_DEPOSITS)
        return Money(cash - held)

    def cash_line(self, conn: Connection, fund: Fund, first: date) -> CashLine:
        """The fund's cash available to lend from ``first`` on, as the books stand."""
        later = store_accounts.movements_after(conn, fund.id, (R.FUND_CASH, R.PLEDGE_DEPOSITS), first)
        return CashLine(fund.id, first, self.available(conn, fund.id).fen, later, fund_code=fund.code)

    def require_cash(self, conn: Connection, fund: Fund, amount: Money, on: date) -> None:
        """Refuse paying out ``amount`` on ``on`` unless it is available then and on every later date.

        Raises:
            InsufficientFunds: some day from ``on`` on would fall short.
        """
        self.cash_line(conn, fund, on).spend(amount, on)


class Family:
    """An operation family: operations of one kind over the shared :class:`Books`.

    Each family works alone (``Repayments(books).repay(...)``); :class:`revolve.Ledger` is all of them
    over one ``Books``.
    """

    def __init__(self, books: Books) -> None:
        self._books = books

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            if not member.__module__.startswith("revolve.operations"):
                continue  # the Ledger's own methods (transaction, close) are not operations
            setattr(cls, name, _guarded(member))


_DATE_ANNOTATIONS = {"date": False, "date | None": True, "datetime.date": False}
_TEXT = "text"  # marks an argument annotated ``str``: it must be text
_OPTIONAL_TEXT = "text or None"  # an argument annotated ``str | None``: text when given
_MONEY = "money"  # marks an argument annotated ``Money``: it must be Money
_running: ContextVar[bool] = ContextVar("revolve_operation_running", default=False)


def _date_params(fn: Callable[..., Any]) -> list[tuple[str, int | None, bool | str]]:
    """(name, position after self or None for keyword-only, None allowed) of ``fn``'s date arguments."""
    found: list[tuple[str, int | None, bool | str]] = []
    params = list(inspect.signature(fn).parameters.values())[1:]
    for index, param in enumerate(params):
        annotation = (
            param.annotation
            if isinstance(param.annotation, str)
            else getattr(param.annotation, "__name__", "")
        )
        if annotation in ("str", "Money", "str | None"):
            positional = param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD)
            kind = _MONEY if annotation == "Money" else _TEXT if annotation == "str" else _OPTIONAL_TEXT
            found.append((param.name, index if positional else None, kind))
        elif annotation in _DATE_ANNOTATIONS:
            positional = param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD)
            found.append((param.name, index if positional else None, _DATE_ANNOTATIONS[annotation]))
    return found


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with its date arguments checked, and retried on a serialization conflict (module docstring)."""
    dates = _date_params(fn)

    @functools.wraps(fn)
    def guarded(self: Family, *args: Any, **kwargs: Any) -> Any:
        for name, index, optional in dates:
            if name in kwargs:
                value = kwargs[name]
            elif index is not None and index < len(args):
                value = args[index]
            else:
                continue
            if optional in (_TEXT, _OPTIONAL_TEXT):
                if value is None and optional == _OPTIONAL_TEXT:
                    continue
                if not isinstance(value, str):
                    raise InvalidEntry(name, type(value).__name__, reason="str")
                if "\x00" in value:
                    # no stored text holds one, and PostgreSQL refuses it untyped even in a look-up
                    raise InvalidEntry(name, "(text with a NUL character)", reason="nul")
            elif optional == _MONEY:
                if not isinstance(value, Money):
                    raise MoneyTypeError(value, reason="field", field=name)
            elif not (optional and value is None):
                check_date(name, value)
        if _running.get():
            return fn(self, *args, **kwargs)  # an operation inside another: the outer one retries
        token = _running.set(True)
        try:
            attempt = 1
            while True:
                try:
                    return fn(self, *args, **kwargs)
                except BooksBusy as busy:
                    if not busy.serialization or self._books.tx.host_managed or attempt >= RETRIES:
                        if attempt > 1:
                            busy.attempts = attempt
                        raise
                    attempt += 1
        finally:
            _running.reset(token)

    return guarded


def _with_budget(batch: Sequence[Entry], chart: Chart) -> tuple[list[Entry], list[bool]]:
    """The batch with each entry's budget entry (:func:`revolve.budget.budget_entry`) after it, and which
    of the entries are the caller's (True) rather than budget entries derived here (False)."""
    out: list[Entry] = []
    mine: list[bool] = []
    for entry in batch:
        out.append(entry)
        mine.append(True)
        twin = budget_entry(entry, chart)
        if twin is not None:
            out.append(twin)
            mine.append(False)
    return out, mine


def _financial(posted: list[PostedEntry], mine: list[bool]) -> list[PostedEntry]:
    """The caller's entries of a written batch (all of them when no budget entries were derived)."""
    if not mine:
        return posted
    return [p for p, keep in zip(posted, mine, strict=True) if keep]


def with_budget_twins(conn: Connection, fund_id: int, originals: Sequence[PostedEntry]) -> list[PostedEntry]:
    """The entries, each followed by its budget entry (平行记账) when it has one: a reversal or a void of a
    financial entry reverses its budget entry too. A budget entry is always written right after its
    financial entry (:meth:`Books.write`), as ``budget.`` + the financial entry's kind."""
    out: list[PostedEntry] = []
    for original in originals:
        out.append(original)
        if original.kind.startswith(BUDGET_PREFIX):
            continue
        try:
            twin = store_journal.read_entry(conn, fund_id, original.seq + 1)
        except UnknownEntry:
            continue
        if twin.kind == f"{BUDGET_PREFIX}{original.kind}" and twin.reverses == original.reverses:
            out.append(twin)
    return out
