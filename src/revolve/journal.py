"""The journal: balanced entries, immutable once posted, chained by hash per fund.

An :class:`Entry` is what an operation wants to record: a value date, a kind, a memo and two or more
:class:`Posting` s whose signed fen sum to zero (positive = debit). It cannot be built unbalanced, with
fewer than two postings, or with a zero posting.

A :class:`PostedEntry` is an entry as the book holds it: numbered ``seq`` 1, 2, 3, … within its fund
(the voucher number, 凭证号), its postings resolved to account codes, and two digests:

* ``content_digest`` — SHA-256 over the entry's content (date, kind, memo, reversal link, postings).
  It decides whether a retry under the same idempotency key is the same operation;
* ``hash`` — SHA-256 over the previous entry's hash, the fund, the number and the content digest (for
  entries written since digest version 2, a digest of the content digest, the idempotency key and the
  recording time); HMAC-SHA256 under the deployment's chain key for a keyed fund (:mod:`revolve.chain`).
  Changing, deleting or inserting any journal row breaks the chain from that entry on, which
  :func:`chain_hash` lets ``verify()`` find.

Entries are never edited: a mistake is corrected by a reversal, an entry whose postings negate the
original's and whose ``reverses`` names it. An entry is reversed at most once, and a reversal is never
itself reversed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from revolve.chain import ChainKey
from revolve.chart import Account, AccountKey, AccountRole
from revolve.errors import InvalidAmount, InvalidEntry, MoneyTypeError, UnbalancedEntry
from revolve.money import Money

__all__ = [
    "GENESIS_HASH",
    "Entry",
    "PostedEntry",
    "PostedLine",
    "Posting",
    "chain_hash",
    "content_digest",
]

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of a fund's first entry."""


# a role given as a posting's account becomes its key; keys are immutable, so one per role serves all
_ROLE_KEYS = {role: AccountKey(role) for role in AccountRole}


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of an entry: an account and a signed, non-zero amount (positive = debit).

    ``account`` may be a role (``AccountRole.FUND_CASH``), an :class:`AccountKey` (a role with a
    sub-ledger key, e.g. one loan's receivable) or a stored :class:`Account` of the same fund.
    """

    account: AccountKey | Account | AccountRole
    amount: Money

    def __post_init__(self) -> None:
        account = self.account
        if type(account) is AccountRole:
            object.__setattr__(self, "account", _ROLE_KEYS[account])
        elif isinstance(account, AccountRole | str) and not isinstance(account, AccountKey):
            object.__setattr__(self, "account", _ROLE_KEYS[AccountRole(account)])
        if not isinstance(self.amount, Money):
            raise MoneyTypeError(self.amount, reason="posting")
        if self.amount.is_zero():
            raise InvalidAmount(self.amount, reason="zero_posting", account=self.account)

    @property
    def key(self) -> AccountKey:
        """The account's role and sub-key, whichever way the account was given."""
        if isinstance(self.account, Account):
            return self.account.key
        if isinstance(self.account, AccountKey):
            return self.account
        return AccountKey(self.account)  # pragma: no cover - __post_init__ turns roles into keys


@dataclass(frozen=True, slots=True)
class Entry:
    """A balanced set of postings with its value date, kind and memo, not yet in a book."""

    value_date: date
    kind: str
    postings: tuple[Posting, ...]
    memo: str = ""
    idempotency_key: str | None = None
    reverses: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.value_date, datetime) or not isinstance(self.value_date, date):
            raise InvalidEntry("value_date", self.value_date, reason="value_date")
        postings = tuple(self.postings)
        object.__setattr__(self, "postings", postings)
        for posting in postings:
            if not isinstance(posting, Posting):
                raise InvalidEntry("postings", posting, reason="posting")
        total = sum(p.amount.fen for p in postings)
        if len(postings) < 2:
            raise UnbalancedEntry(
                total,
                postings=len(postings),
                reason="two_postings",
            )
        if total != 0:
            raise UnbalancedEntry(total, postings=len(postings))
        if not isinstance(self.kind, str) or not self.kind.strip():
            raise InvalidEntry("kind", self.kind, reason="kind")
        if not isinstance(self.memo, str):
            raise InvalidEntry("memo", self.memo, reason="memo")
        if self.idempotency_key is not None and (
            not isinstance(self.idempotency_key, str) or not self.idempotency_key.strip()
        ):
            raise InvalidEntry(
                "idempotency_key",
                self.idempotency_key,
                reason="idempotency_key",
            )

    @property
    def debit_total(self) -> Money:
        """The sum of the debit postings (equal to the sum of the credits)."""
        return Money(sum(p.amount.fen for p in self.postings if p.amount.fen > 0))


@dataclass(frozen=True, slots=True)
class PostedLine:
    """A posting as stored: its line number, account (id, code, role and sub-key) and amount."""

    line_no: int
    account_id: int
    account_code: str
    account: AccountKey
    amount: Money


@dataclass(frozen=True, slots=True)
class PostedEntry:
    """An entry as the book holds it, numbered within its fund and chained by hash."""

    fund_id: int
    seq: int
    value_date: date
    kind: str
    memo: str
    idempotency_key: str | None
    reverses: int | None
    lines: tuple[PostedLine, ...]
    content_digest: str
    prev_hash: str
    hash: str

    @property
    def total(self) -> Money:
        """The sum of the debits (equal to the sum of the credits)."""
        return Money(sum(line.amount.fen for line in self.lines if line.amount.fen > 0))


def content_digest(
    *,
    value_date: date,
    kind: str,
    memo: str,
    reverses: int | None,
    lines: Iterable[tuple[str, int]],
) -> str:
    """SHA-256 over an entry's content: what an idempotent retry must repeat exactly.

    Args:
        value_date: the entry's value date.
        kind: the event kind.
        memo: the memo.
        reverses: the ``seq`` of the entry this one reverses, if any.
        lines: ``(account_code, amount_fen)`` in line order.

    Returns:
        64 hex digits.
    """
    payload = [value_date.isoformat(), kind, memo, reverses, [[code, amount] for code, amount in lines]]
    text = _CANONICAL.encode(payload)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# json.dumps(payload, ensure_ascii=False, separators=(",", ":")), without making an encoder per call
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, *, fund_id: int, seq: int, digest: str, key: ChainKey | None = None) -> str:
    """The hash that links entry ``seq`` of ``fund_id`` to the one before it.

    Args:
        prev_hash: the previous entry's hash (:data:`GENESIS_HASH` for entry 1).
        fund_id: the fund.
        seq: the entry's number.
        digest: what the entry contributes (:func:`revolve.chain.link_digest`).
        key: the chain key of a keyed fund; None for the bare chain.

    Returns:
        64 hex digits: SHA-256 (or HMAC-SHA256 under ``key``) of ``prev_hash:fund_id:seq:digest``.
    """
    message = f"{prev_hash}:{fund_id}:{seq}:{digest}".encode("ascii")
    if key is not None:
        return key.mac(message)
    return hashlib.sha256(message).hexdigest()
