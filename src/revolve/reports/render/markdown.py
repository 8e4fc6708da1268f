"""Markdown: the tabulated layout as headings, pipe tables and a numbered list of notes.

The report's heading is a level-1 heading, each section's title a level-2 one; facts are a pipe table
headed 项目/数值 (Item/Value), tables pipe tables with figures right-aligned. Markdown's special
characters in labels and values are escaped, and a line break inside a value becomes a space, so that no
text a report carries is read as markup.
"""

from __future__ import annotations

import re

from revolve.reports.labels import Language
from revolve.reports.model import Report
from revolve.reports.render.tabulated import Layout, tabulated
from revolve.reports.render.words import resolve

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\r\n", " ").replace("\n", " ")


def _heading(text: str) -> list[str]:
    return [f"# {text}", ""]


def _subheading(text: str) -> list[str]:
    return [f"## {text}", ""]


_MARKDOWN = Layout(
    escape=_escape,
    heading=_heading,
    subheading=_subheading,
    facts_format="pipe",
    facts_headed=True,
    table_format="pipe",
    rule_above_total=False,
)


def render_markdown(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as Markdown: headings, pipe tables with numbers right-aligned, a numbered list of notes.

    Args:
        report: the report to show.
        lang: ``"zh"`` (default) or ``"en"``.

    Returns:
        Markdown text; Markdown's special characters in labels and values are escaped.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    return tabulated(resolve(report, lang), _MARKDOWN)
