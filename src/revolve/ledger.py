"""The ledger: revolve's facade over one database — operations that write, queries that read.

Every operation validates its input, reads what it needs, lets the pure core decide, and writes the
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

:class:`Ledger` is the one class users call. Its operations come from the operation families of
:mod:`revolve.operations` — organisations and funds, the journal, money in and out, households,
guarantees, payouts, repayments, losses, subsidies, passbook pledges, loan applications and queries — each a class that works alone over the
shared write path (:class:`revolve.operations.books.Books`); the ledger is all of them over one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from revolve.chain import ChainKey
from revolve.errors import ChainKeyError
from revolve.operations.allocations import Allocations
from revolve.operations.allowance import Allowances
from revolve.operations.applications import Applications
from revolve.operations.books import Books
from revolve.operations.capital_pledges import CapitalPledges
from revolve.operations.closing import Closing
from revolve.operations.corrections import Corrections
from revolve.operations.guarantees import GuaranteeOperations
from revolve.operations.households import HouseholdOperations
from revolve.operations.journal import JournalOperations, VerifyReport
from revolve.operations.loan_statements import LoanStatements
from revolve.operations.losses import Losses
from revolve.operations.money_flows import MoneyFlows
from revolve.operations.opening import OpeningBooks
from revolve.operations.organisations import Organisations
from revolve.operations.payouts import Payouts
from revolve.operations.pledges import PassbookPledges
from revolve.operations.queries import Queries
from revolve.operations.repayments import Repayments
from revolve.operations.restrictions import Restrictions
from revolve.operations.statements import StatementReads
from revolve.operations.subsidies import Subsidies
from revolve.store.database import Durability, ensure_schema, make_engine
from revolve.store.transactions import Engine, Session, Transactions

__all__ = ["DEFAULT_URL", "Ledger", "VerifyReport", "chain_key_from_environment", "open_ledger"]

DEFAULT_URL = "sqlite:///revolve.db"
"""Where ``revolve.open()`` keeps the books when no URL is given: ``revolve.db`` in the working directory."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Ledger(
    Organisations,
    JournalOperations,
    MoneyFlows,
    HouseholdOperations,
    GuaranteeOperations,
    Payouts,
    Repayments,
    Losses,
    Subsidies,
    Allowances,
    PassbookPledges,
    Allocations,
    StatementReads,
    LoanStatements,
    OpeningBooks,
    Corrections,
    Closing,
    Restrictions,
    Applications,
    CapitalPledges,
    Queries,
):
    """The books of every fund in one database. See the module docstring for the two ways to open it."""

    def __init__(
        self,
        *,
        engine: Engine | None = None,
        session: Session | None = None,
        clock: Callable[[], datetime] | None = None,
        create_schema: bool = True,
        chain_key: ChainKey | bytes | str | None = None,
    ) -> None:
        """Hold the books on ``engine`` (revolve commits) or inside a host's ``session`` (the host commits).

        Args:
            engine: an Engine revolve may use; it is not disposed by :meth:`close` unless revolve made it.
            session: a host Session; revolve flushes inside savepoints and never commits.
            clock: returns the wall-clock time stamped on entries as ``recorded_at`` (UTC now by default).
            create_schema: create or migrate revolve's tables first (on by default).
            chain_key: the deployment's chain key, kept outside the database (bytes, or text used as its
                UTF-8 bytes); by default ``$REVOLVE_CHAIN_KEY``, or the contents of the file named by
                ``$REVOLVE_CHAIN_KEY_FILE``; none when neither is set (see docs/postgresql.md).

        Raises:
            ChainKeyError: a key shorter than 16 bytes, or a key file that cannot be read.
        """
        key = ChainKey.of(chain_key) if chain_key is not None else chain_key_from_environment()
        super().__init__(Books(Transactions(engine=engine, session=session), clock or _utc_now, key))
        self._owns_engine = False
        if create_schema:
            bind = self._books.tx.bind()
            if isinstance(bind, Engine):
                ensure_schema(bind)

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        durability: Durability = "full",
        chain_key: ChainKey | bytes | str | None = None,
    ) -> Self:
        """Open (creating if needed) the books at ``url``, ``$REVOLVE_DATABASE_URL`` or ``revolve.db``,
        with the chain key given or set in the environment (see :class:`Ledger`)."""
        target = url or os.environ.get("REVOLVE_DATABASE_URL") or DEFAULT_URL
        ledger = cls(engine=make_engine(target, durability=durability), chain_key=chain_key)
        ledger._owns_engine = True
        return ledger

    @property
    def engine(self) -> Engine | None:
        """The Engine revolve writes through (None when a host Session was given)."""
        return self._books.tx.engine

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        """Run several operations as one transaction: all of them are written, or none.

        Yields a Ledger whose operations all belong to that one transaction. When this ledger opened
        its own database, the transaction commits when the block ends and rolls back if the block
        raises; when it writes inside a host Session, the block is one SAVEPOINT of that Session, and
        the host still commits.

        Raises:
            Whatever an operation inside the block raises, after every operation of the block is rolled back.
        """
        with self._books.tx.unit() as session:
            yield type(self)(
                session=session,
                clock=self._books.clock,
                create_schema=False,
                chain_key=self._books.chain_key,
            )

    def close(self) -> None:
        """Release the database connection pool, if revolve created it.

        Raises:
            Nothing: closing releases what revolve opened and refuses nothing.
        """
        self._books.tx.close()
        engine = self._books.tx.engine
        if self._owns_engine and engine is not None:
            engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_ledger(
    url: str | None = None,
    *,
    durability: Durability = "full",
    chain_key: ChainKey | bytes | str | None = None,
) -> Ledger:
    """Open the books: the embedded SQLite file by default, or ``url`` / ``$REVOLVE_DATABASE_URL``; the
    chain key given, or ``$REVOLVE_CHAIN_KEY`` / ``$REVOLVE_CHAIN_KEY_FILE`` (see docs/postgresql.md)."""
    return Ledger.open(url, durability=durability, chain_key=chain_key)


def chain_key_from_environment() -> ChainKey | None:
    """The chain key ``$REVOLVE_CHAIN_KEY`` holds, or the file ``$REVOLVE_CHAIN_KEY_FILE`` names; None if
    neither is set.

    Raises:
        ChainKeyError: the key is shorter than 16 bytes, or the key file cannot be read.
    """
    text = os.environ.get("REVOLVE_CHAIN_KEY")
    if text:
        return ChainKey.of(text)
    path = os.environ.get("REVOLVE_CHAIN_KEY_FILE")
    if not path:
        return None
    try:
        return ChainKey.of(Path(path).read_bytes().strip())
    except OSError as exc:
        raise ChainKeyError(None, reason="unreadable", path=path, cause=exc.strerror) from None
