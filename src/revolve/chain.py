"""Tamper evidence beyond the bare hash chain: the chain key (HMAC) and the checkpoint (账簿校验码).

A bare SHA-256 chain proves only that the journal agrees with itself: anyone who can write rows can
append a balanced entry with the right digest and hash, or rewrite entry 1 and re-chain the rest. Two
things make such a forgery detectable:

* a **chain key** kept outside the database (:class:`ChainKey`). A fund chained under it links each
  entry with HMAC-SHA256 instead of a bare hash, so forging an entry needs the key. The fund stores
  only the key's *fingerprint* (an HMAC of a fixed label), so a verify with a missing or wrong key can
  say so instead of reporting a broken chain. An unkeyed fund is *sealed* under a key once its bare
  chain verifies: the seal is an HMAC over the fund, the number of entries then, the head hash and a
  digest of those entries' idempotency keys and recording times (:func:`seal_mac`); the entries
  themselves stay as written;
* a **checkpoint** (:class:`Checkpoint`): the head of the chain — the fund code, entry count, the value
  date of the last entry and the first 64 bits of its hash — as a short code a clerk can write down or
  print, e.g. ``FN-HP·36·2017-12-31·9F3A-71C2-0B4D-88E1-5C07`` (the last group checks the rest). A
  later verify against it finds a rewritten history: the entry at that count no longer has that hash.

Both are pure: the key comes in as bytes, the checkpoint as text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from revolve.errors import ChainKeyError, InvalidCheckpoint

__all__ = [
    "HMAC_SHA256",
    "SHA256",
    "ChainKey",
    "Checkpoint",
    "SealExtras",
    "link_digest",
    "recorded_text",
    "seal_mac",
]

SHA256 = "sha256"
"""The bare chain: each entry's hash is SHA-256 over its link (no key)."""
HMAC_SHA256 = "hmac-sha256"
"""The keyed chain: each entry's hash is HMAC-SHA256 under the deployment's chain key."""

_FINGERPRINT_LABEL = b"revolve chain key fingerprint v1"
_MIN_KEY_BYTES = 16
_SEP = "·"
_NO_DATE = "----------"
_STAMP = "%04d-%02d-%02d %02d:%02d:%02d.%06d"
_HMAC_BLOCK = 64  # SHA-256's block size in bytes
_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))


@dataclass(frozen=True, slots=True)
class ChainKey:
    """A deployment's chain key: secret bytes kept outside the database (never stored, never printed).

    Raises:
        ChainKeyError: a key shorter than 16 bytes.
    """

    secret: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.secret, bytes) or len(self.secret) < _MIN_KEY_BYTES:
            raise ChainKeyError(
                None,
                reason="short",
                min_bytes=_MIN_KEY_BYTES,
            )

    @classmethod
    def of(cls, value: ChainKey | bytes | str) -> ChainKey:
        """A key from bytes, or from text (a hex or any other string, used as its UTF-8 bytes, stripped)."""
        if isinstance(value, ChainKey):
            return value
        if isinstance(value, str):
            return cls(value.strip().encode("utf-8"))
        return cls(bytes(value))

    @property
    def fingerprint(self) -> str:
        """16 hex digits naming the key without revealing it (stored on keyed funds)."""
        return hmac.new(self.secret, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]

    def mac(self, message: bytes) -> str:
        """HMAC-SHA256 of ``message`` under the key, as 64 hex digits."""
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def macs(self) -> Callable[[bytes], str]:
        """:meth:`mac` as a function for many messages (walking a long chain): the key's inner and outer
        SHA-256 states (RFC 2104) are computed once and copied for each message, which spares the key
        schedule ``hmac.new`` redoes on every call; the result is the same 64 hex digits."""
        secret = self.secret
        if len(secret) > _HMAC_BLOCK:
            secret = hashlib.sha256(secret).digest()
        secret = secret.ljust(_HMAC_BLOCK, b"\0")
        inner = hashlib.sha256(secret.translate(_IPAD))
        outer = hashlib.sha256(secret.translate(_OPAD))

        def mac(message: bytes) -> str:
            step = inner.copy()
            step.update(message)
            last = outer.copy()
            last.update(step.digest())
            return last.hexdigest()

        return mac

    def __repr__(self) -> str:
        return f"ChainKey(fingerprint={self.fingerprint!r})"


def recorded_text(recorded_at: datetime) -> str:
    """``recorded_at`` as the digest sees it: UTC wall time to the microsecond (naive values are UTC)."""
    if recorded_at.tzinfo is not None:
        recorded_at = recorded_at.astimezone(UTC)
    if type(recorded_at) is datetime:
        # what isoformat(sep=" ", timespec="microseconds") writes of the naive UTC time, in one step
        # (a chain walk makes one per entry); a datetime subclass may format itself otherwise
        d = recorded_at
        return _STAMP % (d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond)
    return recorded_at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


# json.dumps(text, ensure_ascii=False), without making an encoder per call
_KEY_TEXT = json.JSONEncoder(ensure_ascii=False)


def link_digest(
    version: int, digest: str, *, idempotency_key: str | None, recorded_at: datetime | str
) -> str:
    """What the chain links for an entry: its content digest (version 1, entries written before the
    digest took them) or a digest of the content digest, idempotency key and recording time (version 2).

    ``recorded_at`` may be given as :func:`recorded_text` made of it already (a batch shares one).
    """
    if version == 1:
        return digest
    key = "-" if idempotency_key is None else _KEY_TEXT.encode(idempotency_key)
    stamp = recorded_at if isinstance(recorded_at, str) else recorded_text(recorded_at)
    return hashlib.sha256(f"2|{digest}|{key}|{stamp}".encode()).hexdigest()


class SealExtras:
    """SHA-256 over ``(seq, idempotency_key, recorded_at)`` of the entries a seal covers, fed in order."""

    __slots__ = ("_hash",)

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, seq: int, key: str | None, recorded_at: datetime) -> None:
        """Take the next entry's idempotency key and recording time."""
        self.add_text(seq, key, recorded_text(recorded_at))

    def add_text(self, seq: int, key: str | None, recorded: str) -> None:
        """:meth:`add` with the recording time given as :func:`recorded_text` made of it already."""
        line = json.dumps([seq, key, recorded], ensure_ascii=False) + "\n"
        self._hash.update(line.encode("utf-8"))

    def hexdigest(self) -> str:
        """The digest of the entries taken so far."""
        return self._hash.hexdigest()


def seal_mac(key: ChainKey, *, fund_id: int, count: int, head_hash: str, extras: str) -> str:
    """The seal of an unkeyed chain: HMAC over the fund, its entry count and head hash then, and the
    digest of those entries' idempotency keys and recording times (:class:`SealExtras`)."""
    return key.mac(f"seal:{fund_id}:{count}:{head_hash}:{extras}".encode("ascii"))


def _check_group(fund_code: str, count: int, last: str, head: str) -> str:
    text = f"{fund_code}|{count}|{last}|{head}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:4].upper()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The head of a fund's chain at one moment (账簿校验码): what a clerk writes down or prints.

    Attributes:
        fund_code: the fund's code.
        count: how many entries the journal held.
        last_date: the value date of entry ``count`` (None for an empty book).
        head: the first 16 hex digits (64 bits) of entry ``count``'s hash, upper case.
    """

    fund_code: str
    count: int
    last_date: date | None
    head: str

    @classmethod
    def of(cls, fund_code: str, count: int, last_date: date | None, head_hash: str) -> Checkpoint:
        """The checkpoint of a chain whose head is ``head_hash`` after ``count`` entries."""
        return cls(fund_code, count, last_date, head_hash[:16].upper())

    def matches(self, head_hash: str) -> bool:
        """Whether an entry's full hash is the one this checkpoint recorded."""
        return head_hash[:16].upper() == self.head

    @property
    def code(self) -> str:
        """The printable form: ``FUND·COUNT·DATE·XXXX-XXXX-XXXX-XXXX-CCCC`` (CCCC checks the rest)."""
        last = self.last_date.isoformat() if self.last_date is not None else _NO_DATE
        groups = "-".join(self.head[i : i + 4] for i in range(0, 16, 4))
        check = _check_group(self.fund_code, self.count, last, self.head)
        return f"{self.fund_code}{_SEP}{self.count}{_SEP}{last}{_SEP}{groups}-{check}"

    def __str__(self) -> str:
        return self.code

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint code back (``·`` or ``.`` between the parts; case and spaces do not matter).

        Raises:
            InvalidCheckpoint: the text is not a checkpoint code, or its check group does not match
                (a digit copied wrong).
        """
        if not isinstance(text, str):
            raise InvalidCheckpoint(text, reason="not_text")
        cleaned = "".join(text.split()).replace("•", _SEP).replace("・", _SEP)
        parts = cleaned.rsplit(_SEP, 3)
        if len(parts) != 4:
            parts = cleaned.rsplit(".", 3)
        if len(parts) != 4 or not parts[0]:
            raise InvalidCheckpoint(text, reason="shape")
        fund_code, count_text, last, hashed = parts
        groups = hashed.upper().split("-")
        if not count_text.isdigit() or len(groups) != 5 or any(len(g) != 4 for g in groups):
            raise InvalidCheckpoint(text, reason="shape")
        head = "".join(groups[:4])
        if any(c not in "0123456789ABCDEF" for c in head + groups[4]):
            raise InvalidCheckpoint(text, reason="hex")
        count = int(count_text)
        try:
            last_date = None if last == _NO_DATE else date.fromisoformat(last)
        except ValueError:
            raise InvalidCheckpoint(text, reason="date", date=last) from None
        if _check_group(fund_code, count, last, head) != groups[4]:
            raise InvalidCheckpoint(text, reason="check_group")
        return cls(fund_code, count, last_date, head)
