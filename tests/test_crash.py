"""A writer killed mid-way (SIGKILL: no exception handler, no rollback, no goodbye) leaves whole books.

A child process (tests/crash_child.py) opens the books — a SQLite file, or a PostgreSQL schema — and runs
one large batch (``disburse_many`` or ``repay_many`` of a few hundred items), or a loop of single
repayments; the parent kills it a random moment after it says it has started, then opens the books
afresh and asserts:

* all or nothing: the batch's loans, receipts and entries are all there or none is; in the loop, the
  receipts stored are the first few in order, each with its whole entry, the last at most one past the
  last the child saw committed;
* ``check()`` finds no violation, ``verify()`` is ok, and the fund's head (``checkpoint``) is the
  journal's: its count is the number of entries, its hash the verified one.

A reader sees a batch all or nothing too: ``check()`` run while another writer commits a batch after
each of its statements in turn finds no violation (on PostgreSQL, reads are one REPEATABLE READ snapshot).

Every wait is bounded. A child that finishes before the kill is a committed batch (all of it must be
there), and the kill is retried with a shorter delay: each test needs a number of real kills.
"""

from __future__ import annotations

import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, event, text

from conftest import engine_for
from crash_child import FUND, START, child_name, open_books, terms
from revolve import Disbursement, Ledger, OrgLevel, Policy, Registration, yuan

CHILD = Path(__file__).with_name("crash_child.py")
BATCH = 200
"""Items in each batch: enough that deciding and writing them takes a good fraction of a second."""
LOANS = 20
"""Loans the repayment batches are spread over (¥1 each: 20 payments a loan stay under the first due)."""
KILLS = 2
"""Real kills (the child still running) each test needs; in the batch tests, one of them inside the write
transaction."""
ATTEMPTS = 8
"""At most this many children per test: a finished child is retried with a shorter delay."""
TIMEOUT = 60.0
"""The longest any one wait may take: a child's start, a killed child's end."""
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _national_id(k: int) -> str:
    """A valid ID number for household ``k`` (its birth date and sequence from ``k``; GB 11643)."""
    body = f"110105{date(1970, 1, 1) + timedelta(days=k // 1000):%Y%m%d}{k % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


@dataclass
class Books:
    """Where the child writes: the URL and schema it is given, the parent's engine on the same
    database, and a counter for fresh households."""

    url: str
    schema: str
    engine: Engine
    households: int = 0

    def writing(self, tag: str) -> bool:
        """Whether child ``tag`` is inside a write transaction now: it holds SQLite's write lock, or its
        PostgreSQL transaction has written (has a transaction id)."""
        if self.schema == "-":
            probe = sqlite3.connect(self.engine.url.database or "", timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()  # a lock it took is released at once
            return False
        with self.engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE application_name = :name AND backend_xid IS NOT NULL"
                ),
                {"name": child_name(tag)},
            )
            return bool(found.scalar_one())

    def open(self) -> Ledger:
        """The books opened afresh, as after a restart."""
        return open_books(self.url, self.schema)

    def register(self, ledger: Ledger, tag: str) -> None:
        """Households ``H{tag}-{i}`` for a payout batch."""
        ledger.register_households(
            FUND,
            [
                Registration(f"H{tag}-{i}", f"母亲{i}", _national_id(self.households + i), date(2016, 1, 1))
                for i in range(BATCH)
            ],
        )
        self.households += BATCH


@contextmanager
def _books(backend: str, tmp_path: Path, *, loans: int = 0) -> Iterator[tuple[Books, Ledger]]:
    """A fund with ample cash, a policy without guarantees, a payout batch and ``loans`` loans."""
    with engine_for(backend, tmp_dir=str(tmp_path)) as engine:
        ledger = Ledger(engine=engine)
        county = ledger.create_org(FUND, "测试县", OrgLevel.COUNTY)
        ledger.create_fund(FUND, "测试县幸福工程资金", org=county)
        ledger.contribute(FUND, amount=yuan("100000000"), on=date(2016, 1, 5), receipt="D-1")
        ledger.set_policy(
            FUND,
            Policy(
                effective_from=date(2000, 1, 1),
                min_amount=yuan("1000"),
                max_amount=yuan("30000"),
                min_term_months=1,
                max_term_months=24,
                max_loans_per_household=3,
                max_active_loans_per_household=2,
                guarantee_required=False,
            ),
        )
        ledger.open_batch(FUND, code="B1", on=START)
        if backend == "sqlite":
            schema = "-"
        else:
            with engine.connect() as conn:
                schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
        books = Books(engine.url.render_as_string(hide_password=False), schema, engine)
        if loans:
            ledger.register_households(
                FUND,
                [Registration(f"G-{i}", f"母亲{i}", _national_id(i), date(2016, 1, 1)) for i in range(loans)],
            )
            books.households = loans
            ledger.disburse_many(
                FUND, [Disbursement(f"G-{i}", f"G-{i}", "B1", terms()) for i in range(loans)]
            )
        yield books, ledger


@dataclass
class Run:
    """How one child ended: the lines it printed, whether it finished, and how long its batch ran."""

    lines: list[str]
    """What the child printed after ``start``."""
    finished: bool
    took: float
    writing: bool
    """The child was seen inside its write transaction just before the kill."""


def _run(
    books: Books, mode: str, tag: str, n: int, *, kill_after: float | None, mid_write: bool = False
) -> Run:
    """Run the child; SIGKILL it ``kill_after`` seconds after it prints ``start`` (None: let it finish),
    and then, if ``mid_write``, as soon as it is seen inside its write transaction."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), books.url, books.schema, mode, tag, str(n)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.put(line.strip())
        lines.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        first = lines.get(timeout=TIMEOUT)
        assert first == "start", f"the child did not start: {child.communicate(timeout=TIMEOUT)[1]}"
        started = time.monotonic()
        writing = False
        if kill_after is not None:
            time.sleep(kill_after)
            while mid_write and child.poll() is None and time.monotonic() - started < TIMEOUT:
                if writing := books.writing(tag):
                    break
                time.sleep(0.002)
            child.send_signal(signal.SIGKILL)
        returncode = child.wait(timeout=TIMEOUT)
        took = time.monotonic() - started
        reader.join(timeout=TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=TIMEOUT)
    seen: list[str] = []
    while (line := lines.get_nowait()) is not None:
        seen.append(line)
    assert child.stderr is not None
    stderr = child.stderr.read()
    child.stderr.close()
    finished = "done" in seen  # committed; the kill may still have landed before the child exited
    assert returncode in (0, -signal.SIGKILL), f"the child failed: {stderr}"
    return Run(seen, finished, took, writing and not finished)


@dataclass(frozen=True)
class Counts:
    """What a batch adds to the fund: entries, loans and receipts, the last two by the batch's tag."""

    entries: int
    loans: dict[str, int]
    receipts: dict[str, int]
    numbers: frozenset[str]
    """Every receipt number (when receipts were counted)."""


def _tag(number: str) -> str:
    """The batch a loan ``L{tag}-{i}`` or receipt ``R{tag}-{i}`` belongs to."""
    return number.split("-", 1)[0][1:]


def _whole(books: Books, *, receipts: bool) -> Counts:
    """Open the books afresh, assert they are whole, and count what is in them (receipts if asked)."""
    ledger = books.open()
    try:
        assert ledger.check() == []
        report = ledger.verify(FUND)
        assert report.ok, str(report)
        head = ledger.checkpoint(FUND)
        entries = ledger.entries(FUND)
        assert head == report.checkpoint
        assert head.count == len(entries) == report.entries_checked
        loans: dict[str, int] = {}
        received: dict[str, int] = {}
        numbers: set[str] = set()
        for loan in ledger.loans(FUND):
            loans[_tag(loan.number)] = loans.get(_tag(loan.number), 0) + 1
            for receipt in ledger.receipts(FUND, loan) if receipts else []:
                received[_tag(receipt.receipt)] = received.get(_tag(receipt.receipt), 0) + 1
                numbers.add(receipt.receipt)
        return Counts(len(entries), loans, received, frozenset(numbers))
    finally:
        ledger.close()


def _batch_killed(books: Books, ledger: Ledger, mode: str, seed: int) -> None:
    """Calibrate on one batch run to the end, then kill batches at random moments: all or nothing."""
    rng = random.Random(seed)
    field = "loans" if mode == "disburse" else "receipts"
    n = 0

    after = _whole(books, receipts=mode == "repay")

    def attempt(kill_after: float | None, mid_write: bool = False) -> tuple[Run, Counts, Counts]:
        nonlocal n, after
        n += 1
        tag = f"{mode[0].upper()}{n}"
        if mode == "disburse":
            books.register(ledger, tag)
        before = after
        assert ledger.checkpoint(FUND).count == before.entries
        run = _run(books, mode, tag, BATCH, kill_after=kill_after, mid_write=mid_write)
        after = _whole(books, receipts=mode == "repay")
        return run, before, after

    run, before, after = attempt(None)
    assert run.finished
    per_batch = after.entries - before.entries
    assert per_batch >= BATCH
    assert getattr(after, field)[f"{mode[0].upper()}1"] == BATCH
    kills = writing = 0
    limit = run.took
    for number in range(ATTEMPTS):
        # every other child is killed inside its write transaction, the others anywhere in the call
        inside = number % 2 == 0
        run, before, after = attempt(rng.uniform(0.0, limit / 2 if inside else limit * 0.8), mid_write=inside)
        written = getattr(after, field).get(f"{mode[0].upper()}{n}", 0)
        assert written in (0, BATCH)
        assert after.entries - before.entries == (per_batch if written else 0)
        if run.finished:
            assert written == BATCH
            limit = min(limit, run.took) / 2
            continue
        kills += 1
        writing += run.writing
        if kills >= KILLS and writing:
            break
    assert kills >= KILLS, f"only {kills} of {ATTEMPTS} children were killed before they finished"
    assert writing, "no child was killed inside its write transaction"


def test_payout_batch_killed_midway(backend: str, tmp_path: Path) -> None:
    with _books(backend, tmp_path) as (books, ledger):
        _batch_killed(books, ledger, "disburse", seed=1)


def test_repayment_batch_killed_midway(backend: str, tmp_path: Path) -> None:
    with _books(backend, tmp_path, loans=LOANS) as (books, ledger):
        _batch_killed(books, ledger, "repay", seed=2)


def test_repayment_loop_killed_midway(backend: str, tmp_path: Path) -> None:
    """Single repayments, each its own transaction: every committed one is whole, none half-written."""
    with _books(backend, tmp_path, loans=LOANS) as (books, _):
        rng = random.Random(3)
        before = _whole(books, receipts=True)
        run = _run(books, "loop", "P0", LOANS, kill_after=None)
        assert run.finished
        after = _whole(books, receipts=True)
        assert after.receipts["P0"] == LOANS
        per_payment, remainder = divmod(after.entries - before.entries, LOANS)
        assert per_payment >= 1 and remainder == 0
        limit = run.took
        kills = 0
        for number in range(1, ATTEMPTS + 1):
            tag = f"P{number}"
            before = after
            run = _run(books, "loop", tag, BATCH, kill_after=rng.uniform(0.0, limit), mid_write=True)
            after = _whole(books, receipts=True)
            stored = after.receipts.get(tag, 0)
            committed = len(run.lines) - run.finished  # the receipts the child saw committed
            # the stored receipts are the first ones, in order: all the child saw, and at most the one
            # whose COMMIT was under way when it died
            assert after.numbers - before.numbers == {f"R{tag}-{i}" for i in range(stored)}
            assert committed <= stored <= committed + 1
            assert after.entries - before.entries == stored * per_payment
            if run.finished:
                assert stored == BATCH
                limit = limit / 2
                continue
            kills += 1
            if kills == KILLS:
                break
        assert kills == KILLS, f"only {kills} of {ATTEMPTS} children were killed before they finished"


def test_a_reader_sees_a_batch_all_or_nothing(backend: str, tmp_path: Path) -> None:
    """``check()`` reads one snapshot: a batch committed while it reads is all outside it, never half.

    Under PostgreSQL's default READ COMMITTED each statement sees what was committed before it began, so
    an audit whose statements straddle a commit read the loans of a batch but not their receivables. The
    batch is committed after each statement of the audit in turn.
    """
    with _books(backend, tmp_path) as (books, ledger):
        books.register(ledger, "S")
        reader = books.open()
        assert reader.engine is not None
        statements = 0

        def count(*_: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(reader.engine, "after_cursor_execute", count)
        assert reader.check() == []
        event.remove(reader.engine, "after_cursor_execute", count)
        assert statements > 3
        for after in range(1, statements + 1):
            seen = 0

            def commit_between(*_: object, after: int = after) -> None:
                nonlocal seen
                seen += 1
                if seen == after:
                    ledger.disburse_many(FUND, [Disbursement(f"LS-{after}", f"HS-{after}", "B1", terms())])

            event.listen(reader.engine, "after_cursor_execute", commit_between)
            try:
                assert reader.check() == [], f"the audit saw half a batch committed after statement {after}"
            finally:
                event.remove(reader.engine, "after_cursor_execute", commit_between)
            assert seen >= after
        assert reader.check() == []
        assert len(reader.loans(FUND)) == statements
        reader.close()
