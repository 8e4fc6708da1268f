"""The tabulated layout that text and Markdown share: lines of text with tables aligned by tabulate.

A report laid out so opens with its heading line (title — subject — as-of date — period), then gives each
section's title, its facts as a two-column list (values right-aligned when they are all figures or dates)
and its table closed by the total row, then the numbered notes. tabulate is wide-character aware, so
Chinese columns align. A :class:`Layout` says how one format marks its headings, escapes its text and
draws its tables; :func:`tabulated` lays a report out in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tabulate import SEPARATING_LINE, tabulate

from revolve.reports.render.cells import column_align, display, facts_align
from revolve.reports.render.words import Words


@dataclass(frozen=True, slots=True)
class Layout:
    """How one tabulated format marks headings, escapes text and draws tables."""

    escape: Callable[[str], str]
    """Makes a label or value safe to show (identity for plain text)."""
    heading: Callable[[str], list[str]]
    """The lines of the report's heading, given its escaped text."""
    subheading: Callable[[str], list[str]]
    """The lines of a section's (or the notes') title, given its escaped text."""
    facts_format: str
    """tabulate's table format for a section's facts."""
    facts_headed: bool
    """Whether the facts carry an 项目/数值 header row."""
    table_format: str
    """tabulate's table format for a section's table."""
    rule_above_total: bool
    """Whether a rule separates the total row from the rows above it."""


def tabulated(words: Words, layout: Layout) -> str:
    """The shown report laid out: heading, sections with facts and tables, notes; lines ending in ``\\n``."""
    escape = layout.escape
    report = words.shown
    lines = [escape(words.logo), ""] if words.logo else []
    lines += layout.heading(escape(words.heading))
    if words.masthead:
        lines += [escape(words.masthead), ""]
    annex = False
    for section, (title, fact_labels, column_labels) in zip(report.sections, words.sections, strict=True):
        if section.annex and not annex:
            annex = True
            lines += layout.heading(escape(words.word("annex")))
        lines += layout.subheading(escape(title))
        if section.facts:
            rows = [
                [escape(name), escape(display(fact.value, symbol="¥"))]
                for name, fact in zip(fact_labels, section.facts, strict=True)
            ]
            headers: Sequence[str] = ()
            if layout.facts_headed:
                headers = [escape(words.word("item")), escape(words.word("value"))]
            lines.append(
                tabulate(
                    rows,
                    headers=headers,
                    tablefmt=layout.facts_format,
                    disable_numparse=True,
                    colalign=("left", facts_align(section.facts)),
                )
            )
            lines.append("")
        table = section.table
        if table is not None:
            body: list[Any] = [[escape(display(value)) for value in row] for row in table.rows]
            if table.total is not None:
                if layout.rule_above_total and body:
                    body.append(SEPARATING_LINE)
                body.append([escape(display(value)) for value in table.total])
            lines.append(
                tabulate(
                    body,
                    headers=[escape(name) for name in column_labels],
                    tablefmt=layout.table_format,
                    disable_numparse=True,
                    colalign=[column_align(column) for column in table.columns],
                    # a form's 其中 rows are set in by full-width spaces: keep them
                    preserve_whitespace=True,
                )
            )
            lines.append("")
    if words.notes:
        lines += layout.subheading(escape(words.word("notes")))
        lines += [f"{n}. {escape(note)}" for n, note in enumerate(words.notes, 1)]
        lines.append("")
    if words.signatures:
        lines += [escape(words.signature_line()), ""]
    if words.printed:
        lines += [escape(words.printed), ""]
    if words.footer:
        lines += [escape(words.footer), ""]
    return "\n".join(lines)
