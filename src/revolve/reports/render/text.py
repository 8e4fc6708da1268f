"""Plain text: the tabulated layout for a terminal or a text file, headings underlined.

The heading line is underlined with ``=`` and each section's title with ``-``, as wide as the title shows
(a CJK character counting 2); facts are a borderless two-column list, tables tabulate's ``simple`` form
with a rule above the total row. Text is shown as it is, nothing escaped.
"""

from __future__ import annotations

from revolve.reports.labels import Language
from revolve.reports.model import Report
from revolve.reports.render.cells import width
from revolve.reports.render.tabulated import Layout, tabulated
from revolve.reports.render.words import resolve


def _as_is(text: str) -> str:
    return text


def _heading(text: str) -> list[str]:
    return [text, "=" * width(text), ""]


def _subheading(text: str) -> list[str]:
    return [text, "-" * width(text), ""]


_TEXT = Layout(
    escape=_as_is,
    heading=_heading,
    subheading=_subheading,
    facts_format="plain",
    facts_headed=False,
    table_format="simple",
    rule_above_total=True,
)


def render_text(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as plain text with aligned tables (tabulate), for a terminal or a text file.

    Args:
        report: the report to show.
        lang: ``"zh"`` (default) or ``"en"``.

    Returns:
        Lines ending in ``\\n``: the heading, each section (title, facts, table with its total row),
        then the notes.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    return tabulated(resolve(report, lang), _TEXT)
