"""A report's words: the report checked, and every label key it names resolved in one language.

Before any format writes a byte, :func:`resolve` checks the report and puts it into words. Every cell must
have the type its column's kind says (or be ``None``; a :class:`~revolve.reports.model.Term` may stand in
any column), and a table's rows and total must be as wide as its columns; otherwise
:class:`~revolve.errors.InvalidReport` is raised. Every label key (title, section titles, column labels,
fact labels) must be in :data:`~revolve.reports.labels.LABELS`, or
:class:`~revolve.reports.labels.UnknownLabel` is raised; a note is a label key or plain text.

The :class:`Words` hold what every format shares: the report as people see it, the frame it opens with
(title, subject, as-of date, period) and each section's resolved labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from revolve.errors import InvalidReport, UnknownLanguage
from revolve.reports.labels import LABELS, Language, label
from revolve.reports.model import Cell, Column, ColumnKind, Report, Section, Table, Term
from revolve.reports.render.cells import kind_of

_FIGURES = frozenset({ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.RATIO, ColumnKind.DECIMAL})
"""The kinds a FIGURE column holds."""

INDENT = "\u3000"
"""One step of a Term's indent: a full-width space, which neither HTML nor tabulate collapses."""


def term_text(term: Term, language: Language) -> str:
    """A Term in words, set in by its indent."""
    return INDENT * term.indent + label(term.key, language)


def _language(lang: Language | str) -> Language:
    try:
        return Language(lang)
    except ValueError:
        raise UnknownLanguage(lang, reason="reports") from None


def _check_table(section: Section, table: Table) -> None:
    if not table.columns:
        raise InvalidReport(f"section {section.key!r}", table.columns, reason="no_column")
    width = len(table.columns)
    rows = [(f"row {n}", row) for n, row in enumerate(table.rows, 1)]
    if table.total is not None:
        rows.append(("total row", table.total))
    for name, row in rows:
        where = f"section {section.key!r}, {name}"
        if len(row) != width:
            raise InvalidReport(where, row, reason="width", cells=len(row), width=width)
        for column, value in zip(table.columns, row, strict=True):
            cell_where = f"{where}, column {column.key!r}"
            kind = kind_of(value, cell_where)
            # a Term is a word (合计, a status) and may stand in any column, as an empty cell may
            if column.kind is ColumnKind.FIGURE and kind in _FIGURES:
                continue
            if kind is not None and kind is not column.kind and not isinstance(value, Term):
                raise InvalidReport(
                    cell_where, value, reason="column_kind", column_kind=column.kind.value, kind=kind.value
                )


@dataclass(frozen=True, slots=True)
class Words:
    """The report's words in one language, every label key resolved (and so checked).

    ``shown`` is the report as people see it: every :class:`Term` cell replaced by its label, and the
    empty first cell of a total row by 合计 / Total. Only JSON keeps the report's own cells.
    """

    lang: Language
    shown: Report
    title: str
    dates: str
    """The as-of date and the period, labelled: ``截至 2024-03-31 — 报告期 2024-01-01 至 2024-03-31``."""
    byline: str
    """The line under the title: the subject and the dates."""
    heading: str
    """The one-line heading: title — subject — dates."""
    frame: tuple[tuple[str, tuple[str | date, ...]], ...]
    """The report's frame as labelled values: subject, as-of date and, for a period, its start and end."""
    sections: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (title, fact labels, column labels)
    notes: tuple[str, ...]
    masthead: str = ""
    """Under the byline of a printed document: ``编制单位：… 单位：元`` and its number; empty without a
    letterhead."""
    signatures: tuple[tuple[str, str], ...] = ()
    """The signature lines: (role, name printed beside the line, or empty)."""
    printed: str = ""
    """``打印日期：2026-12-02`` when the report carries its print date."""
    logo: str = ""
    footer: str = ""
    colon: str = "："
    """The colon after a label: full-width in Chinese, ``": "`` in English."""

    def signature_line(self) -> str:
        """The signature lines on one line, each role followed by its name or a line to sign on."""
        return "    ".join(f"{role}{self.colon}{name or '__________'}" for role, name in self.signatures)

    def word(self, key: str) -> str:
        """One label in the report's language."""
        return label(key, self.lang)

    def ratio_headers(self, name: str) -> list[str]:
        """A rate column's three headers: the rate, its numerator, its denominator."""
        numerator, denominator = self.word("numerator"), self.word("denominator")
        if self.lang is Language.ZH:
            return [name, f"{name}（{numerator}）", f"{name}（{denominator}）"]
        return [name, f"{name} ({numerator.lower()})", f"{name} ({denominator.lower()})"]

    def spread_header(
        self, columns: Sequence[Column], names: Sequence[str], *, figures: bool = False
    ) -> list[str]:
        """A table's header where each rate column takes three fields (CSV and Excel split rates so);
        with ``figures``, each FIGURE column too (CSV: a form's rate rows keep their parts)."""
        spread = {ColumnKind.RATIO, ColumnKind.FIGURE} if figures else {ColumnKind.RATIO}
        header: list[str] = []
        for column, name in zip(columns, names, strict=True):
            header += self.ratio_headers(name) if column.kind in spread else [name]
        return header


def _shown_row(row: tuple[Cell, ...], language: Language) -> tuple[Cell, ...]:
    return tuple(term_text(value, language) if isinstance(value, Term) else value for value in row)


def _shown_section(section: Section, language: Language) -> Section:
    facts = tuple(
        replace(fact, value=label(fact.value.key, language)) if isinstance(fact.value, Term) else fact
        for fact in section.facts
    )
    table = section.table
    if table is not None:
        total = table.total
        if total is not None and total[0] is None:
            total = (Term("total"), *total[1:])
        table = replace(
            table,
            rows=tuple(_shown_row(row, language) for row in table.rows),
            total=None if total is None else _shown_row(total, language),
        )
    return replace(section, facts=facts, table=table)


def resolve(report: Report, lang: Language | str) -> Words:
    """Check the report and resolve every label key it names, before any output is made.

    Args:
        report: the report to show.
        lang: ``"zh"`` or ``"en"``.

    Returns:
        Its words in that language.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    language = _language(lang)
    for section in report.sections:
        for fact in section.facts:
            kind_of(fact.value, f"section {section.key!r}, fact {fact.label!r}")
        if section.table is not None:
            _check_table(section, section.table)
    shown = replace(report, sections=tuple(_shown_section(section, language) for section in report.sections))
    title = label(report.title, language)
    dates = f"{label('as_of', language)} {report.as_of.isoformat()}"
    frame: list[tuple[str, tuple[str | date, ...]]] = [
        (label("subject", language), (report.subject,)),
        (label("as_of", language), (report.as_of,)),
    ]
    if report.period is not None:
        start, end = report.period
        dates += f" — {label('period', language)} {start.isoformat()} {label('through', language)} {end.isoformat()}"
        frame.append((label("period", language), (start, end)))
    sections = []
    for section in report.sections:
        columns = section.table.columns if section.table is not None else ()
        sections.append(
            (
                label(section.title, language),
                tuple(label(fact.label, language) for fact in section.facts),
                tuple(label(column.label, language) for column in columns),
            )
        )
    notes = tuple(label(note, language) if note in LABELS else note for note in report.notes)
    notes += tuple(f"{label('checkpoint', language)}: {checkpoint.code}" for checkpoint in report.checkpoints)
    letterhead = report.letterhead
    colon = "：" if language is Language.ZH else ": "
    masthead = ""
    if letterhead is not None:
        parts = [f"{label('organisation', language)}{colon}{letterhead.organisation}"]
        if report.number:
            parts.append(f"{label('document_number', language)}{colon}{report.number}")
        parts.append(label("unit_yuan", language))
        masthead = "    ".join(parts)
    elif report.number:
        masthead = f"{label('document_number', language)}{colon}{report.number}"
    printed = ""
    if report.printed_on is not None:
        printed = f"{label('printed_on', language)}{colon}{report.printed_on.isoformat()}"
    return Words(
        lang=language,
        shown=shown,
        title=title,
        dates=dates,
        byline=" — ".join(part for part in (report.subject, dates) if part),
        heading=" — ".join(part for part in (title, report.subject, dates) if part),
        frame=tuple(frame),
        sections=tuple(sections),
        notes=notes,
        masthead=masthead,
        signatures=tuple((label(s.role, language), s.name) for s in report.signatures),
        colon=colon,
        printed=printed,
        logo=letterhead.logo_text if letterhead is not None else "",
        footer=letterhead.footer if letterhead is not None else "",
    )
