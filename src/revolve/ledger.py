"""The ledger: revolve's facade over one database — operations that write, queries that read.

Every operation validates its input, reads what it needs, lets the pure core compute, and writes the
result in **one transaction**; if anything is refused, nothing is written. Two ways to hold a ledger:

* ``revolve.open(url=None)`` — revolve opens the database (the embedded SQLite file ``revolve.db`` in
  the working directory by default, or ``url``, or ``$REVOLVE_DATABASE_URL``), creates or migrates its
  tables, and commits each operation itself;
* ``Ledger(session=host_session)`` — a host system passes its own SQLAlchemy ``Session``. revolve then
  runs each operation inside a SAVEPOINT (so a refusal undoes only that operation), flushes, and never
  commits or rolls back the host's transaction.

Concurrency: each write locks its fund's head row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` write lock), so concurrent writers to one fund queue and no update is lost;
balances move by ``balance = balance + delta`` under that lock.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Self

from revolve.chart import Account, AccountKey, AccountRole, Chart, chart_named
from revolve.errors import (
    AccountFundMismatch,
    AlreadyReversed,
    IdempotencyConflict,
    InvalidDate,
    InvalidEntry,
    PeriodClosed,
    ReversalRefused,
    UnknownAccount,
)
from revolve.funds import Fund
from revolve.guarantees import Guarantor
from revolve.invariants import ChainBreak, Violation
from revolve.journal import Entry, PostedEntry, Posting
from revolve.lending import LendingOperations
from revolve.loans import Loan
from revolve.money import Money
from revolve.orgs import Org, OrgLevel, check_child_level
from revolve.portfolio import Portfolio
from revolve.store import lending as lend
from revolve.store import repository as repo
from revolve.store.database import Durability, ensure_schema, make_engine
from revolve.store.reporting import load_portfolio
from revolve.store.transactions import Connection, Engine, Session, Transactions
from revolve.trial_balance import TrialBalance, build_trial_balance

__all__ = ["DEFAULT_URL", "Ledger", "VerifyReport", "open_ledger"]

DEFAULT_URL = "sqlite:///revolve.db"
"""Where ``revolve.open()`` keeps the books when no URL is given: ``revolve.db`` in the working directory."""

FundRef = Fund | int | str
AccountLike = Account | AccountKey | AccountRole | str
PostingLike = Posting | tuple[AccountLike, Money]


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The result of walking one fund's hash chain."""

    fund_id: int
    entries_checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        """True when the whole chain verifies."""
        return self.first_break is None

    def __str__(self) -> str:
        if self.first_break is None:
            return f"fund {self.fund_id}: {self.entries_checked} entries, chain intact"
        return f"chain broken at {self.first_break}"


class _Replay(Exception):
    """An idempotent retry: roll back the transaction and return the entry first posted."""

    def __init__(self, entries: list[PostedEntry]) -> None:
        self.entries = entries


def _key_of(account: AccountLike) -> AccountKey:
    if isinstance(account, Account):
        return account.key
    if isinstance(account, AccountKey):
        return account
    try:
        return AccountKey(AccountRole(account))
    except ValueError:
        raise UnknownAccount(account, hint=f"account roles are {[r.value for r in AccountRole]}") from None


def _as_posting(item: PostingLike) -> Posting:
    if isinstance(item, Posting):
        return item
    if isinstance(item, tuple) and len(item) == 2:
        account, amount = item
        return Posting(account if isinstance(account, Account) else _key_of(account), amount)
    raise InvalidEntry("postings", item, reason="give Posting(account, Money) or (account, Money) pairs")


class Ledger(LendingOperations):
    """The books of every fund in one database. See the module docstring for the two ways to open it."""

    def __init__(
        self,
        *,
        engine: Engine | None = None,
        session: Session | None = None,
        clock: Callable[[], datetime] | None = None,
        create_schema: bool = True,
    ) -> None:
        """Hold the books on ``engine`` (revolve commits) or inside a host's ``session`` (the host commits).

        Args:
            engine: an Engine revolve may use; it is not disposed by :meth:`close` unless revolve made it.
            session: a host Session; revolve flushes inside savepoints and never commits.
            clock: returns the wall-clock time stamped on entries as ``recorded_at`` (UTC now by default).
            create_schema: create or migrate revolve's tables first (on by default).
        """
        self._tx = Transactions(engine=engine, session=session)
        self._owns_engine = False
        self._clock = clock or (lambda: datetime.now(UTC))
        # account ids by (fund, key): filled only from committed transactions that revolve itself ran
        self._accounts: dict[tuple[int, AccountKey], repo.ResolvedAccount] = {}
        self._charts: dict[int, Chart] = {}
        self._round_bases: dict[int, lend.RoundBasis] = {}
        if create_schema:
            bind = self._tx.bind()
            if isinstance(bind, Engine):
                ensure_schema(bind)

    # ---- lifecycle ----------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, durability: Durability = "full") -> Self:
        """Open (creating if needed) the books at ``url``, ``$REVOLVE_DATABASE_URL`` or ``revolve.db``."""
        target = url or os.environ.get("REVOLVE_DATABASE_URL") or DEFAULT_URL
        ledger = cls(engine=make_engine(target, durability=durability))
        ledger._owns_engine = True
        return ledger

    @property
    def engine(self) -> Engine | None:
        """The Engine revolve writes through (None when a host Session was given)."""
        return self._tx.engine

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        """Run several operations as one transaction: all of them are written, or none.

        Yields a Ledger whose operations all belong to that one transaction. When this ledger opened
        its own database, the transaction commits when the block ends and rolls back if the block
        raises; when it writes inside a host Session, the block is one SAVEPOINT of that Session, and
        the host still commits.
        """
        with self._tx.unit() as session:
            yield type(self)(session=session, clock=self._clock, create_schema=False)

    def close(self) -> None:
        """Release the database connection pool, if revolve created it."""
        if self._owns_engine and self._tx.engine is not None:
            self._tx.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _remember(self, learned: dict[tuple[int, AccountKey], repo.ResolvedAccount]) -> None:
        """Cache account ids once the transaction that found or opened them has committed."""
        if not self._tx.host_managed:
            self._accounts.update(learned)

    # ---- organisations and funds ---------------------------------------------------------------
    def create_org(
        self, code: str, name: str, level: OrgLevel, *, parent: Org | int | str | None = None
    ) -> Org:
        """Add an organisation to the tree, below ``parent`` (none for a root).

        Raises:
            DuplicateCode: the code is in use.
            UnknownOrg: no such parent.
            InvalidOrgTree: ``level`` is not below the parent's level.
        """
        level = OrgLevel(level)
        with self._tx() as conn:
            parent_id = None
            if parent is not None:
                parent_org = repo.find_org(conn, parent.id if isinstance(parent, Org) else parent)
                check_child_level(parent_org.level, level)
                parent_id = parent_org.id
            return repo.create_org(conn, code=code, name=name, level=level, parent_id=parent_id)

    def org(self, ref: int | str) -> Org:
        """The organisation with this id or code."""
        with self._tx(write=False) as conn:
            return repo.find_org(conn, ref)

    def orgs(self) -> list[Org]:
        """Every organisation."""
        with self._tx(write=False) as conn:
            return repo.list_orgs(conn)

    def subtree(self, root: Org | int | str) -> list[Org]:
        """``root`` and every organisation below it."""
        orgs = self.orgs()
        root_org = root if isinstance(root, Org) else self.org(root)
        children: dict[int | None, list[Org]] = {}
        for org in orgs:
            children.setdefault(org.parent_id, []).append(org)
        out, stack = [], [root_org]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(children.get(node.id, ()))
        return sorted(out, key=lambda o: o.id)

    def create_fund(self, code: str, name: str, *, org: Org | int | str, chart: str = "npo") -> Fund:
        """Open a fund (one book) for ``org`` with a chart of accounts (``"npo"`` or ``"gov"``).

        Raises:
            DuplicateCode: the code is in use.
            UnknownOrg: no such organisation.
            ChartError: no such chart.
        """
        chart_obj = chart_named(chart)
        with self._tx() as conn:
            owner = repo.find_org(conn, org.id if isinstance(org, Org) else org)
            return repo.create_fund(conn, code=code, name=name, org_id=owner.id, chart=chart_obj)

    def fund(self, ref: FundRef) -> Fund:
        """The fund with this id or code (a Fund value is looked up afresh)."""
        with self._tx(write=False) as conn:
            return repo.find_fund(conn, ref.id if isinstance(ref, Fund) else ref)

    def funds(self, *, org: Org | int | str | None = None) -> list[Fund]:
        """Every fund, or those of ``org``'s subtree."""
        org_ids = None if org is None else [o.id for o in self.subtree(org)]
        with self._tx(write=False) as conn:
            return repo.list_funds(conn, org_ids=org_ids)

    def chart(self, fund: FundRef) -> Chart:
        """The chart of accounts the fund keeps."""
        found = self.fund(fund)
        return chart_named(found.chart)

    def close_period(self, fund: FundRef, *, through: date) -> Fund:
        """Close the fund's books through ``through``: nothing can be dated on or before it afterwards.

        Raises:
            InvalidDate: ``through`` is before the date the fund is already closed through.
        """
        with self._tx() as conn:
            head = repo.lock_fund_head(conn, _ref(fund))
            current = head.fund.closed_through
            if current is not None and through < current:
                raise InvalidDate(
                    through,
                    reason=f"the fund is already closed through {current.isoformat()}; periods do not reopen",
                )
            repo.set_closed_through(conn, head.fund.id, through)
            return repo.find_fund(conn, head.fund.id)

    def account(self, fund: FundRef, account: AccountLike, sub: str | None = None) -> Account:
        """The fund's account for a role (and sub-ledger key), opening a sub-ledger account if needed."""
        key = _key_of(account) if sub is None else AccountKey(_key_of(account).role, sub)
        with self._tx() as conn:
            head_fund = repo.find_fund(conn, _ref(fund))
            resolved = repo.resolve_accounts(conn, head_fund, chart_named(head_fund.chart), [key])
            return repo.find_account(conn, resolved[key].id)

    # ---- the journal --------------------------------------------------------------------------
    def post(
        self,
        fund: FundRef,
        *,
        on: date,
        kind: str,
        postings: Sequence[PostingLike],
        memo: str = "",
        idempotency_key: str | None = None,
    ) -> PostedEntry:
        """Post one balanced entry to the fund's journal.

        Args:
            fund: the fund (value, id or code).
            on: the value date.
            kind: what happened, e.g. ``"contribution"``, ``"disbursement"``.
            postings: ``Posting`` s or ``(account, Money)`` pairs; positive = debit.
            memo: free text for people.
            idempotency_key: unique per fund; a retry with the same key and content returns the first entry.

        Returns:
            The entry as posted, numbered and chained.

        Raises:
            UnbalancedEntry, InvalidAmount, MoneyTypeError, InvalidEntry: a malformed entry.
            UnknownFund, UnknownAccount, AccountFundMismatch: accounts not of this fund.
            PeriodClosed: ``on`` is on or before the fund's closed-through date.
            IdempotencyConflict: the key was used before with different content.
        """
        entry = Entry(
            value_date=on,
            kind=kind,
            postings=tuple(_as_posting(p) for p in postings),
            memo=memo,
            idempotency_key=idempotency_key,
        )
        return self.post_entries(fund, [entry])[0]

    def post_entries(self, fund: FundRef, entries: Iterable[Entry]) -> list[PostedEntry]:
        """Post many entries to one fund in one transaction (bulk import): all of them, or none.

        Entries whose idempotency key was already used with the same content are returned as first
        posted and not written again.
        """
        batch = list(entries)
        learned: dict[tuple[int, AccountKey], repo.ResolvedAccount] = {}
        try:
            with self._tx() as conn:
                head = repo.lock_fund_head(conn, _ref(fund))
                result, _ = self._write(conn, head, batch, learned=learned, replay_all=True)
        except _Replay as replay:
            return replay.entries
        self._remember(learned)
        return result

    def _write(
        self,
        conn: Connection,
        head: repo.FundHead,
        batch: Sequence[Entry],
        *,
        learned: dict[tuple[int, AccountKey], repo.ResolvedAccount],
        replay_all: bool = False,
        unused_keys: frozenset[str] = frozenset(),
    ) -> tuple[list[PostedEntry], repo.FundHead]:
        """Write entries after the locked head inside the caller's transaction; return them and the new head.

        Faithful retries (same idempotency key and content) are answered with the entry first posted.
        With ``replay_all``, a batch made only of retries raises ``_Replay`` so the transaction rolls back.
        Accounts resolved here are added to ``learned``, to be cached once the transaction commits.
        ``unused_keys`` are idempotency keys the caller found unused under this transaction's lock, so
        they are not looked up again.
        """
        chart = self._chart(head.fund)
        self._check_accounts(head.fund, batch)
        accounts = self._resolve(conn, head.fund, chart, {p.key for e in batch for p in e.postings}, learned)
        learned.update({(head.fund.id, k): v for k, v in accounts.items()})
        replays: list[PostedEntry | None] = []
        fresh: list[repo.PreparedEntry] = []
        seen_keys: set[str] = set()
        for entry in batch:
            prepared = repo.prepare(entry, [accounts[p.key] for p in entry.postings])
            # a faithful retry answers with the entry first posted, even once its period is closed
            replay = self._replayed(conn, head.fund.id, prepared, seen_keys, unused_keys)
            replays.append(replay)
            if replay is None:
                self._check_open(head.fund, entry.value_date)
                fresh.append(prepared)
        if replay_all and batch and not fresh:
            # every entry is a retry: roll back whatever was opened and answer as first posted
            raise _Replay([r for r in replays if r is not None])
        written = repo.write_entries(conn, head, fresh, recorded_at=self._clock())
        new_head = repo.FundHead(
            head.fund, head.count + len(written), written[-1].hash if written else head.hash
        )
        remaining = iter(written)
        return [r if r is not None else next(remaining) for r in replays], new_head

    def reverse(
        self,
        fund: FundRef,
        entry: PostedEntry | int,
        *,
        on: date,
        memo: str | None = None,
        idempotency_key: str | None = None,
    ) -> PostedEntry:
        """Post the negation of an entry, once.

        Raises:
            UnknownEntry: no such entry.
            AlreadyReversed: the entry was reversed before, or is itself a reversal.
            InvalidDate: ``on`` is before the entry's value date.
            PeriodClosed: ``on`` is in a closed period.
        """
        seq = entry.seq if isinstance(entry, PostedEntry) else entry
        try:
            with self._tx() as conn:
                head = repo.lock_fund_head(conn, _ref(fund))
                original = repo.read_entry(conn, head.fund.id, seq)
                if original.kind.startswith(_OPERATION_KINDS):
                    raise ReversalRefused(seq, kind=original.kind, fund_id=head.fund.id)
                reversal = Entry(
                    value_date=on,
                    kind=original.kind,
                    postings=tuple(Posting(line.account, -line.amount) for line in original.lines),
                    memo=memo if memo is not None else f"冲销第{seq}号凭证 / reversal of entry {seq}",
                    idempotency_key=idempotency_key,
                    reverses=seq,
                )
                accounts = [
                    repo.ResolvedAccount(line.account_id, line.account_code) for line in original.lines
                ]
                prepared = repo.prepare(reversal, accounts)
                replay = self._replayed(conn, head.fund.id, prepared, set())
                if replay is not None:
                    raise _Replay([replay])
                if original.reverses is not None:
                    raise AlreadyReversed(head.fund.id, seq, by_seq=None)
                by = repo.reversal_of(conn, head.fund.id, seq)
                if by is not None:
                    raise AlreadyReversed(head.fund.id, seq, by_seq=by)
                if on < original.value_date:
                    raise InvalidDate(
                        on,
                        reason=f"a reversal cannot predate entry {seq} ({original.value_date.isoformat()})",
                    )
                self._check_open(head.fund, on)
                return repo.write_entries(conn, head, [prepared], recorded_at=self._clock())[0]
        except _Replay as replay:
            return replay.entries[0]

    def entry(self, fund: FundRef, seq: int) -> PostedEntry:
        """Entry number ``seq`` of the fund."""
        with self._tx(write=False) as conn:
            return repo.read_entry(conn, repo.find_fund(conn, _ref(fund)).id, seq)

    def entries(self, fund: FundRef, *, kind: str | None = None) -> list[PostedEntry]:
        """The fund's entries (of one kind) in order."""
        with self._tx(write=False) as conn:
            fund_id = repo.find_fund(conn, _ref(fund)).id
            return [repo.read_entry(conn, fund_id, s) for s in repo.entry_seqs(conn, fund_id, kind=kind)]

    # ---- queries ------------------------------------------------------------------------------
    def balance(
        self, fund: FundRef, account: AccountLike, *, sub: str | None = None, as_of: date | None = None
    ) -> Money:
        """The balance of an account (positive = debit), now or through ``as_of`` from the journal.

        For a sub-ledger role given without ``sub``, the sum of all its sub-ledger accounts.
        """
        key = _key_of(account) if sub is None else AccountKey(_key_of(account).role, sub)
        with self._tx(write=False) as conn:
            found = repo.find_fund(conn, _ref(fund))
            if isinstance(account, Account) and account.fund_id != found.id:
                raise AccountFundMismatch(account.code, account_fund=account.fund_id, entry_fund=found.id)
            spec = chart_named(found.chart).spec(key.role)
            if spec.subledger and key.sub is None:
                return Money(sum(repo.subledger_balances(conn, found.id, key.role, as_of).values()))
            resolved = repo.resolve_accounts(conn, found, chart_named(found.chart), [key])
            return Money(repo.account_balance(conn, resolved[key].id, as_of))

    def subledger(self, fund: FundRef, role: AccountRole, *, as_of: date | None = None) -> dict[str, Money]:
        """Each sub-ledger account's balance under a role (e.g. every loan's receivable)."""
        with self._tx(write=False) as conn:
            found = repo.find_fund(conn, _ref(fund))
            return {k: Money(v) for k, v in repo.subledger_balances(conn, found.id, role, as_of).items()}

    def trial_balance(self, fund: FundRef, *, as_of: date | None = None) -> TrialBalance:
        """The fund's trial balance by account (sub-ledgers summed under their role), now or as of a date."""
        with self._tx(write=False) as conn:
            found = repo.find_fund(conn, _ref(fund))
            rows = repo.role_balances(conn, found.id, as_of)
        return build_trial_balance(found, chart_named(found.chart), rows, as_of=as_of)

    def portfolio(self, fund: FundRef) -> Portfolio:
        """A frozen snapshot of the fund's whole lending — loans, schedules, receipts, write-offs,
        contributions, outflows, households and their records, guarantors — read in one transaction,
        for reports to compute from."""
        with self._tx(write=False) as conn:
            return load_portfolio(conn, repo.find_fund(conn, _ref(fund)).id)

    def loan_guarantors(self, fund: FundRef, loan: Loan | int | str) -> list[tuple[Guarantor, Money]]:
        """The guarantors answering for a loan, each with the deposit it pledged (zero but for a pledge)."""
        with self._tx(write=False) as conn:
            fund_id = repo.find_fund(conn, _ref(fund)).id
            ln = lend.find_loan(conn, fund_id, loan.id if isinstance(loan, Loan) else loan)
            return [
                (lend.find_guarantor(conn, fund_id, g), pledged)
                for g, pledged in lend.loan_guarantors(conn, ln.id)
            ]

    def check(self, fund: FundRef | None = None) -> list[Violation]:
        """Audit the books against every invariant of DESIGN §10: an empty list means they hold.

        Items 1 (entries balance, trial balance zero at every date), 2 (per-loan conservation, sub-ledger
        = outstanding), 3 (cash never negative), 4 (transfers net to zero), 5 (stored balances = journal),
        6 (stored schedules sum to their principal, dates increase) and 8 (the hash chain verifies).
        Items 7 and 9 (idempotency, failed operations write nothing) hold by construction and are proven
        by the property tests.
        """
        with self._tx(write=False) as conn:
            funds = [repo.find_fund(conn, _ref(fund))] if fund is not None else repo.list_funds(conn)
            ids = [f.id for f in funds]
            violations = repo.journal_check(conn, ids) if ids else []
            if ids:
                violations += lend.lending_check(conn, ids)
                violations += [v for v in lend.transfer_check(conn) if fund is None or v.fund_id in ids]
            for fund_id in ids:
                _, first_break = repo.verify_chain(conn, fund_id)
                if first_break is not None:
                    violations.append(first_break.as_violation())
        return violations

    def verify(self, fund: FundRef) -> VerifyReport:
        """Walk the fund's hash chain and report the first break, if any."""
        with self._tx(write=False) as conn:
            fund_id = repo.find_fund(conn, _ref(fund)).id
            checked, first_break = repo.verify_chain(conn, fund_id)
        return VerifyReport(fund_id, checked, first_break)

    def rebuild_balances(self, fund: FundRef) -> dict[str, tuple[Money, Money]]:
        """Recompute stored balances from the journal; return ``code → (was, now)`` for those that moved."""
        with self._tx() as conn:
            head = repo.lock_fund_head(conn, _ref(fund))
            changed = repo.rebuild_balances(conn, head.fund.id)
        return {code: (Money(a), Money(b)) for code, (a, b) in changed.items()}

    # ---- internals ----------------------------------------------------------------------------
    def _chart(self, fund: Fund) -> Chart:
        chart = self._charts.get(fund.id)
        if chart is None:
            chart = self._charts[fund.id] = chart_named(fund.chart)
        return chart

    def _resolve(
        self,
        conn: Connection,
        fund: Fund,
        chart: Chart,
        keys: set[AccountKey],
        learned: dict[tuple[int, AccountKey], repo.ResolvedAccount],
    ) -> dict[AccountKey, repo.ResolvedAccount]:
        """The accounts of ``keys``: from the cache, from what this transaction found already, or read."""
        known = {}
        for key in keys:
            found = self._accounts.get((fund.id, key)) or learned.get((fund.id, key))
            if found is not None:
                known[key] = found
        missing = keys - known.keys()
        if missing:
            known.update(repo.resolve_accounts(conn, fund, chart, missing))
        return known

    @staticmethod
    def _check_accounts(fund: Fund, entries: Sequence[Entry]) -> None:
        for entry in entries:
            for posting in entry.postings:
                account = posting.account
                if isinstance(account, Account) and account.fund_id != fund.id:
                    raise AccountFundMismatch(account.code, account_fund=account.fund_id, entry_fund=fund.id)

    @staticmethod
    def _check_open(fund: Fund, on: date) -> None:
        if fund.closed_through is not None and on <= fund.closed_through:
            raise PeriodClosed(on, closed_through=fund.closed_through, fund_id=fund.id)

    @staticmethod
    def _replayed(
        conn: Connection,
        fund_id: int,
        prepared: repo.PreparedEntry,
        seen: set[str],
        unused: frozenset[str] = frozenset(),
    ) -> PostedEntry | None:
        """The entry first posted under this entry's idempotency key, if this is a faithful retry."""
        key = prepared.entry.idempotency_key
        if key is None:
            return None
        if key in seen:
            raise InvalidEntry("idempotency_key", key, reason="the same key appears twice in one batch")
        seen.add(key)
        if key in unused:
            return None
        known = repo.find_by_idempotency_key(conn, fund_id, key)
        if known is None:
            return None
        seq, known_digest = known
        if known_digest != prepared.digest:
            raise IdempotencyConflict(key, fund_id=fund_id, existing_seq=seq)
        return repo.read_entry(conn, fund_id, seq)


# entries that lending operations post together with records outside the journal (loans, receipts,
# registers, the other fund's side of a transfer): reversing them alone would break those records
_OPERATION_KINDS = (
    "disbursement",
    "repayment.",
    "recovery",
    "write_off",
    "pledge.",
    "grant",
    "subsidy",
    "transfer.",
)


def _ref(fund: FundRef) -> int | str:
    return fund.id if isinstance(fund, Fund) else fund


def open_ledger(url: str | None = None, *, durability: Durability = "full") -> Ledger:
    """Open the books: the embedded SQLite file by default, or ``url`` / ``$REVOLVE_DATABASE_URL``."""
    return Ledger.open(url, durability=durability)
