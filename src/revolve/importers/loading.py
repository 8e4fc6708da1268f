"""Loading a file into the books: every valid row written through the ledger in one transaction.

By default the whole file is one transaction: a clean file goes in with one bulk call; when that is
refused, each row runs in its own SAVEPOINT (so one refusal cannot disturb the next row), every row is
tried so that every problem is reported, and the transaction commits only if no row failed — otherwise
nothing is written. With ``keep_valid=True`` the valid rows are committed and the bad ones reported.

The transaction is the ledger's own (:meth:`Ledger.transaction <revolve.ledger.Ledger.transaction>`):
on a Ledger that opened its database it commits at the end; on a host's Session it is one savepoint
of it, and the host decides whether to commit.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from tqdm import tqdm

from revolve.chart import AccountRole
from revolve.errors import ImportFileError, ImportTargetError, RevolveError
from revolve.errors.base import HintRenderer
from revolve.funds import Fund
from revolve.importers.columns import COLUMNS, ImportKind, header_key, known_headers
from revolve.importers.errors_book import write_errors
from revolve.importers.existing import sort_rows
from revolve.importers.results import (
    ImportNote,
    ImportResult,
    NoteKind,
    ProblemKind,
    RowProblem,
    problem_from_refusal,
)
from revolve.importers.rows import map_header, parse_rows
from revolve.importers.sheets import SheetRows, read_rows
from revolve.importers.writers import WRITERS, Learned, write_all, write_opening
from revolve.ledger import Ledger
from revolve.money import Money
from revolve.opening import OpeningLoan, check_opening_loan
from revolve.rules import ContributionSource

FundRef = Fund | int | str
if TYPE_CHECKING:
    # for the type only: the importer reaches the books through :class:`Ledger`, which takes the Session;
    # only the store imports SQLAlchemy when revolve runs (tests/test_layering.py)
    from sqlalchemy.orm import Session

Books: TypeAlias = "Ledger | Session"
"""Where an import writes: a Ledger that opened its own database, or a host's Session."""


class _Discard(Exception):
    """Raised inside an import's transaction to roll all of it back: some row was refused."""


@contextmanager
def all_or_nothing(books: Books) -> Iterator[Ledger]:
    """Run several ledger operations as one transaction: all of them are written, or none.

    Args:
        books: a :class:`Ledger` that opened its own database (revolve then opens one Session and
            commits it at the end), or a host's SQLAlchemy ``Session`` (the operations then run in one
            SAVEPOINT of it, released at the end; the host still commits).

    Returns:
        A context manager yielding a Ledger whose operations all belong to that one transaction; it
        commits when the block ends normally and rolls back if the block raises.

    Raises:
        ImportTargetError: ``books`` is a Ledger that writes inside a host Session: pass the Session.
    """
    if isinstance(books, Ledger):
        if books.engine is None:
            raise ImportTargetError
        ledger = books
    else:
        ledger = Ledger(session=books)
    with ledger.transaction() as unit:
        yield unit


def _sheet_notes(sheet: SheetRows, ignored: list[str]) -> list[ImportNote]:
    """A note for each title row skipped above the header and each column revolve does not use."""
    return [
        *(ImportNote(NoteKind.TITLE_ROW, n, text) for n, text in sheet.skipped),
        *(ImportNote(NoteKind.IGNORED_COLUMN, None, text) for text in ignored),
    ]


def _show_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def import_file(
    books: Books,
    fund: FundRef,
    kind: ImportKind | str,
    source: str | Path,
    *,
    keep_valid: bool = False,
    progress: bool | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    errors: str | Path | None = None,
    render_hint: HintRenderer | None = None,
) -> ImportResult:
    """Import one file of households, loans or repayments into a fund.

    Args:
        books: a :class:`Ledger` opened on its own database, or a host's SQLAlchemy ``Session`` (the
            import then runs in one savepoint of it and the host commits).
        fund: the fund (value, id or code).
        kind: ``households``, ``loans`` or ``repayments``.
        source: a ``.csv`` (UTF-8, BOM or not) or ``.xlsx`` file; the columns are in :mod:`revolve.importers`.
        keep_valid: commit the valid rows even if others fail (by default nothing is written then).
        progress: show a progress bar on stderr; by default only when stderr is a terminal.
        sheet: the worksheet of a workbook (the first by default).
        encoding: the encoding of a text file; None detects it (:mod:`revolve.importers.sheets`).
        errors: when some row has a problem, write an errors workbook here: the file's header and bad
            rows as they were, with a 错误原因 column (:func:`~revolve.importers.errors_book.write_errors`).
        render_hint: how the errors workbook names the fix of a refusal (the CLI passes its options);
            Python's terms when None.

    Returns:
        An :class:`ImportResult`: rows read, valid, written and already recorded, every problem, and
        notes of what was skipped (title and 合计 rows) or not used (columns, villages).

    Raises:
        ImportFileError: the file cannot be read as a table at all.
        ImportTargetError: ``books`` is a Ledger inside a host Session (pass the Session instead).
        UnknownFund: no such fund.
    """
    kind = ImportKind(kind)
    if kind is ImportKind.OPENING:
        raise ImportFileError(source, reason="opening_list")
    columns = COLUMNS[kind]
    sheet_rows = read_rows(
        source, sheet=sheet, encoding=encoding, headers=known_headers(kind), header_key=header_key
    )
    positions, header_problems, ignored = map_header(sheet_rows.header, columns, row=sheet_rows.header_row)
    notes = _sheet_notes(sheet_rows, ignored)

    def result(valid: int, written: int, unchanged: int, problems: list[RowProblem]) -> ImportResult:
        ordered = tuple(sorted(problems, key=lambda p: p.row))
        done = ImportResult(
            kind,
            sheet_rows.source,
            len(sheet_rows.rows) - sum(1 for n in notes if n.kind is NoteKind.TOTAL_ROW),
            valid,
            written,
            unchanged,
            ordered,
            keep_valid,
            tuple(sorted(notes, key=lambda n: (n.row or 0, n.kind))),
            sheet_rows.header_row,
            sheet_rows.encoding,
        )
        if errors is not None and ordered:
            return write_errors(done, sheet_rows, errors, render_hint=render_hint)
        return done

    if header_problems:
        return result(0, 0, 0, header_problems)
    parsed, problems, total_notes = parse_rows(kind, sheet_rows, positions)
    notes.extend(total_notes)

    valid = written = unchanged = 0
    # The bulk call and each row run in a nested ``ledger.transaction()``: one SAVEPOINT of the import's
    # transaction, so a refusal undoes that call or row alone. They write through the import's own
    # ledger, not the one the block yields (both share its Session), because that ledger keeps what it
    # read of the fund from row to row; a fresh ledger per row would re-read the whole book each time.
    try:
        with all_or_nothing(books) as ledger:
            target = ledger.fund(fund)
            known = sort_rows(ledger, target, kind, parsed)
            parsed, unchanged = known.new, known.unchanged
            valid += unchanged
            problems.extend(known.problems)
            notes.extend(known.notes)
            with tqdm(
                total=len(parsed),
                desc=f"导入 {sheet_rows.source}",
                unit="行",
                file=sys.stderr,
                disable=not _show_progress(progress),
                delay=0 if progress else 0.5,
            ) as bar:
                if parsed and not problems:  # (rows already in, or conflicting, were sorted out above)
                    # a clean file goes in with one bulk call; a refusal there sends it row by row, below
                    try:
                        with ledger.transaction():
                            fresh = write_all(ledger, target, kind, [r for _, r in parsed], Learned())
                    except RevolveError:
                        pass
                    else:
                        bar.update(len(parsed))
                        return result(valid + len(parsed), fresh, unchanged + len(parsed) - fresh, problems)
                learned = Learned()
                for row, record in parsed:
                    bar.update(1)
                    try:
                        with ledger.transaction():
                            fresh = WRITERS[kind](ledger, target, record, learned)
                    except RevolveError as exc:
                        problems.append(problem_from_refusal(exc, row.row, kind, row.raw))
                        continue
                    valid += 1
                    if fresh:
                        written += 1
                    else:
                        unchanged += 1
            if problems and not keep_valid:
                raise _Discard
    except _Discard:
        written = 0
    return result(valid, written, unchanged, problems)


def import_households(
    books: Books,
    fund: FundRef,
    source: str | Path,
    *,
    keep_valid: bool = False,
    progress: bool | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    errors: str | Path | None = None,
) -> ImportResult:
    """Import a file of households (户档案); arguments, result and errors as for :func:`import_file`."""
    return import_file(
        books,
        fund,
        ImportKind.HOUSEHOLDS,
        source,
        keep_valid=keep_valid,
        progress=progress,
        sheet=sheet,
        encoding=encoding,
        errors=errors,
    )


def import_loans(
    books: Books,
    fund: FundRef,
    source: str | Path,
    *,
    keep_valid: bool = False,
    progress: bool | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    errors: str | Path | None = None,
) -> ImportResult:
    """Import a file of loans paid out (借款); arguments, result and errors as for :func:`import_file`."""
    return import_file(
        books,
        fund,
        ImportKind.LOANS,
        source,
        keep_valid=keep_valid,
        progress=progress,
        sheet=sheet,
        encoding=encoding,
        errors=errors,
    )


def import_repayments(
    books: Books,
    fund: FundRef,
    source: str | Path,
    *,
    keep_valid: bool = False,
    progress: bool | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    errors: str | Path | None = None,
) -> ImportResult:
    """Import a file of repayments (还款); arguments, result and errors as for :func:`import_file`."""
    return import_file(
        books,
        fund,
        ImportKind.REPAYMENTS,
        source,
        keep_valid=keep_valid,
        progress=progress,
        sheet=sheet,
        encoding=encoding,
        errors=errors,
    )


def import_opening(
    books: Books,
    fund: FundRef,
    source: str | Path,
    *,
    on: date,
    balances: Mapping[AccountRole | str, Money],
    capital: Mapping[ContributionSource | str, Money] | None = None,
    lent_before: Money | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Open a fund's books from a file of its loans in progress (期初借款清单) and its balances.

    Every row is read and checked alone first — its cells, its terms, what it repaid against what it
    borrowed, and that its household and guarantors are on file — so every bad row is reported; only a
    clean file goes on to :meth:`Ledger.open_books <revolve.Ledger.open_books>`, whose reconciliation
    refusal (其他应收款 against the loans, assets against liabilities and net assets) is reported as a
    problem of no one row (row 1). All or nothing: the opening is written whole, or not at all.

    Args:
        books: a :class:`Ledger` opened on its own database, or a host's SQLAlchemy ``Session``.
        fund: the fund (it must have no entries yet).
        source: a ``.csv`` or ``.xlsx`` file with the columns of ``ImportKind.OPENING``.
        on, balances, capital, lent_before: as for :meth:`Ledger.open_books <revolve.Ledger.open_books>`.
        sheet: the worksheet of a workbook (the first by default).
        encoding: the encoding of a CSV file.

    Returns:
        An :class:`ImportResult` of kind ``opening``.

    Raises:
        ImportFileError: the file cannot be read as a table at all.
        ImportTargetError: ``books`` is a Ledger inside a host Session (pass the Session instead).
        UnknownFund: no such fund.
    """
    kind = ImportKind.OPENING
    sheet_rows = read_rows(
        source, sheet=sheet, encoding=encoding, headers=known_headers(kind), header_key=header_key
    )
    positions, problems, ignored = map_header(sheet_rows.header, COLUMNS[kind], row=sheet_rows.header_row)
    notes = _sheet_notes(sheet_rows, ignored)

    def result(valid: int, written: int) -> ImportResult:
        ordered = tuple(sorted(problems, key=lambda p: p.row))
        return ImportResult(
            kind,
            sheet_rows.source,
            len(parsed_rows),
            valid,
            written,
            0,
            ordered,
            False,
            tuple(notes),
            sheet_rows.header_row,
            sheet_rows.encoding,
        )

    parsed_rows: list[object] = list(sheet_rows.rows)
    if problems:
        return result(0, 0)
    parsed, problems, total_notes = parse_rows(kind, sheet_rows, positions)
    notes.extend(total_notes)
    parsed_rows = [n for n, _ in sheet_rows.rows if all(t.row != n for t in total_notes)]
    try:
        with all_or_nothing(books) as ledger:
            target = ledger.fund(fund)
            loans: list[OpeningLoan] = []
            for row, record in parsed:
                assert isinstance(record, OpeningLoan)
                try:
                    check_opening_loan(record, on)
                    ledger.household(target, str(record.household))
                    for g in record.guarantors:
                        ledger.guarantor(target, str(g))
                except RevolveError as exc:
                    problems.append(problem_from_refusal(exc, row.row, kind, row.raw))
                    continue
                loans.append(record)
            if problems:
                raise _Discard
            try:
                with ledger.transaction():
                    write_opening(
                        ledger,
                        target,
                        loans,
                        on=on,
                        balances=balances,
                        capital=capital,
                        lent_before=lent_before,
                    )
            except RevolveError as exc:
                problems.append(
                    RowProblem(1, ProblemKind.REFUSED, None, None, str(exc), exc.message("zh"), exc)
                )
                raise _Discard from None
    except _Discard:
        return result(len(parsed) - len({p.row for p in problems if p.row > 1}), 0)
    return result(len(parsed), len(parsed))
