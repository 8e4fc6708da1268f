"""The journal: posting and reversing entries, reading them, balances, and the audits of the books.

Entries are immutable and hash-chained per fund. A mistake in a manual entry is corrected by its
reversal, posted once; entries that lending operations posted together with records outside the journal
(loans, receipts, registers, the other fund's side of a transfer) are corrected by those operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from revolve.allocations import allocation_violations
from revolve.chain import Checkpoint, seal_mac
from revolve.chart import Account, AccountKey, AccountRole, chart_named
from revolve.checks import ref_of
from revolve.errors import (
    AccountFundMismatch,
    AlreadyReversed,
    ChainKeyError,
    ChainNotIntact,
    InvalidCheckpoint,
    InvalidDate,
    InvalidEntry,
    ReversalRefused,
    UnknownAccount,
)
from revolve.funds import check_open
from revolve.invariants import (
    ChainBreak,
    Violation,
    journal_violations,
    lending_violations,
    transfer_violations,
)
from revolve.journal import Entry, PostedEntry, Posting
from revolve.money import Money
from revolve.opening import OPENING_KIND
from revolve.operations import bulk
from revolve.operations.books import Family, FundRef, Replay, with_budget_twins
from revolve.records import record_violations
from revolve.store import accounts as store_accounts
from revolve.store import audits as store_audits
from revolve.store import funds as store_funds
from revolve.store import journal as store_journal
from revolve.store import records as store_records
from revolve.trial_balance import TrialBalance, build_trial_balance

__all__ = ["AccountLike", "JournalOperations", "PostingLike", "VerifyReport"]

AccountLike = Account | AccountKey | AccountRole | str
PostingLike = Posting | tuple[AccountLike, Money]

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
    "allocation.",
    OPENING_KIND,
)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The result of walking one fund's hash chain.

    Attributes:
        fund_id: the fund.
        entries_checked: entries verified before the first break (all of them when none).
        first_break: the first break, if any.
        keyed: the chain is keyed (HMAC-SHA256 under the deployment's key); False: bare SHA-256, which
            anyone with write rights can recompute — compare with a checkpoint kept outside the database.
        checkpoint: the verified head (账簿校验码) to write down; None when the chain is broken.
        against: the earlier checkpoint the chain was verified against, if one was given.
        sealed_at: when an existing chain was sealed under the key (None: keyed from its start, or unkeyed).
        records: the fund's records (receipts, loans, schedules, guarantees, households, closes) that no
            longer match their digest or disagree with the journal (:mod:`revolve.records`); in a keyed
            fund the record digests are keyed too, so an edit whose bare digest was recomputed is found.
    """

    fund_id: int
    entries_checked: int
    first_break: ChainBreak | None
    keyed: bool = False
    checkpoint: Checkpoint | None = None
    against: Checkpoint | None = None
    sealed_at: datetime | None = None
    records: tuple[Violation, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the whole chain verifies (and holds the ``against`` checkpoint, when given) and every
        record agrees with its digest and the journal."""
        return self.first_break is None and not self.records

    def __str__(self) -> str:
        if self.first_break is not None:
            return f"chain broken at {self.first_break}"
        if self.records:
            return f"fund {self.fund_id}: {len(self.records)} record(s) edited, first {self.records[0]}"
        scheme = "keyed (HMAC-SHA256)" if self.keyed else "not keyed (SHA-256)"
        text = f"fund {self.fund_id}: {self.entries_checked} entries, chain intact, {scheme}"
        if self.against is not None:
            text += f", holds checkpoint {self.against.code}"
        return f"{text}; checkpoint {self.checkpoint}"


def _key_of(account: AccountLike) -> AccountKey:
    if isinstance(account, Account):
        return account.key
    if isinstance(account, AccountKey):
        return account
    try:
        return AccountKey(AccountRole(account))
    except ValueError:
        raise UnknownAccount(account, reason="roles", roles=", ".join(r.value for r in AccountRole)) from None


def _as_posting(item: PostingLike) -> Posting:
    if isinstance(item, Posting):
        return item
    if isinstance(item, tuple) and len(item) == 2:
        account, amount = item
        return Posting(account if isinstance(account, Account) else _key_of(account), amount)
    raise InvalidEntry("postings", item, reason="posting_pair")


class JournalOperations(Family):
    """Entries, balances and audits."""

    def account(self, fund: FundRef, account: AccountLike, sub: str | None = None) -> Account:
        """The fund's account for a role (and sub-ledger key), opening a sub-ledger account if needed.

        Raises:
            UnknownFund: no such fund.
            UnknownAccount: no such role.
        """
        key = _key_of(account) if sub is None else AccountKey(_key_of(account).role, sub)
        with self._books.tx() as conn:
            found = store_funds.find_fund(conn, ref_of(fund))
            resolved = store_accounts.resolve_accounts(conn, found, chart_named(found.chart), [key])
            return store_accounts.find_account(conn, resolved[key].id)

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
        return self._books.post(fund, [entry])[0]

    def post_entries(self, fund: FundRef, entries: Iterable[Entry]) -> list[PostedEntry]:
        """Post many entries to one fund in one transaction (bulk import): all of them, or none.

        Entries whose idempotency key was already used with the same content are returned as first
        posted and not written again.

        Raises:
            As :meth:`post`, for the first entry refused.
            UnknownFund: no fund has this id or code.
        """
        with bulk.collector_paused():
            return self._books.post(fund, list(entries))

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
            ReversalRefused: the entry was posted by a lending operation whose records depend on it.
            AlreadyReversed: the entry was reversed before, or is itself a reversal.
            InvalidDate: ``on`` is before the entry's value date.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
        """
        seq = entry.seq if isinstance(entry, PostedEntry) else entry
        books = self._books
        try:
            with books.tx() as conn:
                head = store_funds.lock_fund_head(conn, ref_of(fund))
                original = store_journal.read_entry(conn, head.fund.id, seq)
                if original.kind.startswith(_OPERATION_KINDS):
                    raise ReversalRefused(seq, kind=original.kind, fund_id=head.fund.id, fund=head.fund.code)
                prepared, *twins = [
                    store_journal.prepare(
                        Entry(
                            value_date=on,
                            kind=o.kind,
                            postings=tuple(Posting(line.account, -line.amount) for line in o.lines),
                            memo=memo
                            if memo is not None
                            else f"冲销第{o.seq}号凭证 / reversal of entry {o.seq}",
                            idempotency_key=idempotency_key if o is original else _twin_key(idempotency_key),
                            reverses=o.seq,
                        ),
                        [
                            store_accounts.ResolvedAccount(line.account_id, line.account_code)
                            for line in o.lines
                        ],
                    )
                    # a financial entry's budget entry (平行记账) is reversed with it
                    for o in with_budget_twins(conn, head.fund.id, [original])
                ]
                replay = books.replayed(conn, head.fund.id, prepared, set(), fund_code=head.fund.code)
                if replay is not None:
                    raise Replay([replay])
                if original.reverses is not None:
                    raise AlreadyReversed(head.fund.id, seq, by_seq=None, fund=head.fund.code)
                by = store_journal.reversal_of(conn, head.fund.id, seq)
                if by is not None:
                    raise AlreadyReversed(head.fund.id, seq, by_seq=by, fund=head.fund.code)
                if on < original.value_date:
                    raise InvalidDate(
                        on,
                        reason="before_entry",
                        seq=seq,
                        original_on=original.value_date.isoformat(),
                    )
                check_open(head.fund, on)
                return store_journal.write_entries(
                    conn, head, [prepared, *twins], recorded_at=books.clock(), key=books.chain_key
                )[0]
        except Replay as replay:
            return replay.entries[0]

    def entry(self, fund: FundRef, seq: int) -> PostedEntry:
        """Entry number ``seq`` of the fund.

        Raises:
            UnknownEntry: no such entry.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_journal.read_entry(conn, found.id, seq)

    def entries(self, fund: FundRef, *, kind: str | None = None) -> list[PostedEntry]:
        """The fund's entries (of one kind) in order.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return [
                store_journal.read_entry(conn, found.id, s)
                for s in store_journal.entry_seqs(conn, found.id, kind=kind)
            ]

    def balance(
        self, fund: FundRef, account: AccountLike, *, sub: str | None = None, as_of: date | None = None
    ) -> Money:
        """The balance of an account (positive = debit), now or through ``as_of`` from the journal.

        For a sub-ledger role given without ``sub``, the sum of all its sub-ledger accounts.

        Raises:
            UnknownFund, UnknownAccount, AccountFundMismatch: no such account in this fund.
        """
        key = _key_of(account) if sub is None else AccountKey(_key_of(account).role, sub)
        with self._books.reading(fund) as (conn, found):
            if isinstance(account, Account) and account.fund_id != found.id:
                raise AccountFundMismatch(account.code, account_fund=account.fund_id, entry_fund=found.id)
            spec = chart_named(found.chart).spec(key.role)
            if spec.subledger and key.sub is None:
                return Money(sum(store_accounts.subledger_balances(conn, found.id, key.role, as_of).values()))
            resolved = store_accounts.resolve_accounts(conn, found, chart_named(found.chart), [key])
            return Money(store_accounts.account_balance(conn, resolved[key].id, as_of))

    def balances(
        self, funds: Sequence[FundRef], role: AccountRole, *, as_of: date | None = None
    ) -> list[Money]:
        """Each fund's balance of the account under ``role`` (a sub-ledger role: all its accounts summed),
        as :meth:`balance` gives it, in this order: one statement for all the funds (a roll-up's cash).

        Raises:
            UnknownFund: one of them is no fund.
            UnknownAccount: a fund's chart has no such role.
            InvalidDate: ``as_of`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.tx(write=False) as conn:
            found = store_funds.find_funds(conn, [ref_of(f) for f in funds])
            for f in found:
                chart_named(f.chart).spec(role)
            totals = store_accounts.funds_role_balance(conn, [f.id for f in found], role, as_of)
            return [Money(totals[f.id]) for f in found]

    def subledger(self, fund: FundRef, role: AccountRole, *, as_of: date | None = None) -> dict[str, Money]:
        """Each sub-ledger account's balance under a role (e.g. every loan's receivable).

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``as_of`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, found):
            return {
                k: Money(v) for k, v in store_accounts.subledger_balances(conn, found.id, role, as_of).items()
            }

    def trial_balance(self, fund: FundRef, *, as_of: date | None = None) -> TrialBalance:
        """The fund's trial balance by account (sub-ledgers summed under their role), now or as of a date.

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``as_of`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, found):
            rows = store_accounts.role_balances(conn, found.id, as_of)
        return build_trial_balance(found, chart_named(found.chart), rows, as_of=as_of)

    def check(self, fund: FundRef | None = None) -> list[Violation]:
        """Audit the books against every invariant of DESIGN §10: an empty list means they hold.

        Items 1 (entries balance, trial balance zero at every date), 2 (per-loan conservation, sub-ledger
        = outstanding), 3 (cash never negative), 4 (transfers net to zero; allocations pair), 5 (stored balances = journal),
        6 (stored schedules sum to their principal, dates increase) and 8 (the hash chain verifies); and
        the records people read against their stored digests and the journal (:mod:`revolve.records`):
        receipts, schedules, guarantees, households, closes, loan status and paid principal, and — over
        all funds — a fund whose row is gone while the journal still holds its entries.
        Items 7 and 9 (idempotency, failed operations write nothing) hold by construction and are proven
        by the property tests.

        Raises:
            ChainKeyMissing, ChainKeyMismatch: a keyed fund's chain, and the ledger does not hold its key
                (the audit cannot say whether that chain holds).
            UnknownFund: no fund has this id or code.
        """
        with self._books.tx(write=False) as conn:
            funds = (
                [store_funds.find_fund(conn, ref_of(fund))]
                if fund is not None
                else store_funds.list_funds(conn)
            )
            ids = [f.id for f in funds]
            violations = journal_violations(store_audits.journal_figures(conn, ids)) if ids else []
            if ids:
                violations += lending_violations(store_audits.lending_figures(conn, ids))
                # the pairs these funds are in (every pair when the whole book is checked)
                transfer_figures = store_audits.transfer_figures(conn, None if fund is None else ids)
                transfers = transfer_violations(transfer_figures)
                transfers += allocation_violations(
                    transfer_figures.codes, store_audits.allocation_halves(conn)
                )
                violations += [v for v in transfers if fund is None or v.fund_id in ids]
                keys = {f.id: store_journal.chain_key_for(f, self._books.chain_key) for f in funds}
                violations += record_violations(store_records.record_figures(conn, ids, keys))
            if fund is None:
                violations += [
                    Violation(
                        "fund_missing", gone, f"fund {gone}", "the journal has its entries, its row is gone"
                    )
                    for gone in store_records.missing_funds(conn)
                ]
            for fund_id in ids:
                first_break = store_journal.verify_chain(conn, fund_id, key=self._books.chain_key).first_break
                if first_break is not None:
                    violations.append(first_break.as_violation())
        return violations

    def verify(self, fund: FundRef, *, against: Checkpoint | str | None = None) -> VerifyReport:
        """Walk the fund's hash chain and report the first break, if any.

        Args:
            fund: the fund.
            against: an earlier checkpoint (or its printed code) of this fund: the entry at its count
                must still have its hash and date, so a rewritten history is found even where the chain
                is not keyed; a history extended since verifies only if the chain from there is intact.

        Returns:
            What the walk found, with the verified head's checkpoint.

        Raises:
            UnknownFund: no such fund.
            InvalidCheckpoint: ``against`` does not parse, or is another fund's.
            ChainKeyMissing, ChainKeyMismatch: the fund's chain is keyed and the ledger does not hold its key.
        """
        checkpoint = Checkpoint.parse(against) if isinstance(against, str) else against
        with self._books.reading(fund) as (conn, found):
            if checkpoint is not None and checkpoint.fund_code != found.code:
                raise InvalidCheckpoint(
                    checkpoint.code, reason="other_fund", fund=checkpoint.fund_code, given=found.code
                )
            walk = store_journal.verify_chain(conn, found.id, key=self._books.chain_key, against=checkpoint)
            keys = {found.id: store_journal.chain_key_for(found, self._books.chain_key)}
            records = record_violations(store_records.record_figures(conn, [found.id], keys))
        return VerifyReport(
            found.id,
            walk.checked,
            walk.first_break,
            walk.keyed,
            walk.checkpoint,
            checkpoint,
            walk.sealed_at,
            tuple(records),
        )

    def checkpoint(self, fund: FundRef) -> Checkpoint:
        """The head of the fund's chain as a checkpoint (账簿校验码) to write down or print.

        It reads the head as stored, without walking the chain: :meth:`verify` proves the chain.

        Raises:
            UnknownFund: no such fund.
        """
        with self._books.reading(fund) as (conn, found):
            return store_journal.head_checkpoint(conn, found)

    def checkpoints(self, funds: Sequence[FundRef]) -> list[Checkpoint]:
        """:meth:`checkpoint` of each of these funds, in this order, read together (a roll-up's report
        prints every fund's).

        Raises:
            UnknownFund: one of them is no fund.
        """
        with self._books.tx(write=False) as conn:
            return store_journal.head_checkpoints(
                conn, store_funds.find_funds(conn, [ref_of(f) for f in funds])
            )

    def seal_chain(self, fund: FundRef) -> VerifyReport:
        """Key an existing unkeyed fund's chain under the ledger's chain key, once its bare chain verifies.

        The entries stay as written; the seal (an HMAC over the fund, its entry count and head hash, and
        its entries' idempotency keys and recording times) keys the history so far, and every later
        entry is linked with HMAC. The fund's records get digests keyed under the key too (each record
        whose bare digest still matches its content; an edited one stays reported). Sealing a fund
        already keyed under this key only keys records still carrying a bare digest (a fund keyed before
        record digests were keyed).

        Returns:
            The verified, now keyed chain.

        Raises:
            UnknownFund: no such fund.
            ChainKeyError: the ledger holds no chain key.
            ChainKeyMismatch: the fund is keyed under another key.
            ChainNotIntact: the bare chain is broken (the seal would bless a forged history).
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        books = self._books
        key = books.chain_key
        with books.locked(fund) as unit:
            found = unit.fund
            if key is None:
                raise ChainKeyError(
                    found.code,
                    reason="seal_needs_key",
                )
            if found.chain_key_id is None:
                walk = store_journal.verify_chain(unit.conn, found.id, extras_of_all=True)
                if walk.first_break is not None:
                    raise ChainNotIntact(found.code, seq=walk.first_break.seq, cause=walk.first_break.reason)
                mac = seal_mac(
                    key, fund_id=found.id, count=walk.checked, head_hash=unit.head.hash, extras=walk.extras
                )
                store_funds.seal_fund(
                    unit.conn,
                    found.id,
                    key_id=key.fingerprint,
                    count=walk.checked,
                    mac=mac,
                    sealed_at=books.clock(),
                )
            # the records written so far get keyed digests too (those whose bare digest still holds)
            store_records.rekey_records(unit.conn, found.id, key)
            walk = store_journal.verify_chain(unit.conn, found.id, key=key)
        return VerifyReport(
            found.id, walk.checked, walk.first_break, walk.keyed, walk.checkpoint, None, walk.sealed_at
        )

    def rebuild_balances(self, fund: FundRef) -> dict[str, tuple[Money, Money]]:
        """Recompute stored balances from the journal; return ``code → (was, now)`` for those that moved.

        Raises:
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            changed = store_journal.rebuild_balances(unit.conn, unit.fund.id)
        return {code: (Money(a), Money(b)) for code, (a, b) in changed.items()}


def _twin_key(key: str | None) -> str | None:
    """The idempotency key of a budget entry's reversal, from its financial reversal's key."""
    return None if key is None else f"{key}:budget"
