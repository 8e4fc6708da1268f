"""The key a writing transaction makes record digests under (:mod:`revolve.records`).

A fund whose chain is keyed keeps its records' digests keyed too (HMAC-SHA256 under the chain key), so
an editor with write rights who recomputes a bare digest after an edit is still found. The key is set
for the span of one writing transaction on one fund (:meth:`revolve.operations.books.Books.locked`) and
read where a record's digest is made, so the record writers take no extra argument; outside such a
transaction it is None (a bare SHA-256 digest).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from revolve.chain import ChainKey

__all__ = ["keying_records", "record_key"]

_RECORD_KEY: ContextVar[ChainKey | None] = ContextVar("revolve_record_key", default=None)


def record_key() -> ChainKey | None:
    """The key record digests are made under in this transaction (None: a bare digest)."""
    return _RECORD_KEY.get()


@contextmanager
def keying_records(key: ChainKey | None) -> Iterator[None]:
    """Make record digests under ``key`` (the fund's chain key, or None for an unkeyed fund) until exit."""
    token = _RECORD_KEY.set(key)
    try:
        yield
    finally:
        _RECORD_KEY.reset(token)
