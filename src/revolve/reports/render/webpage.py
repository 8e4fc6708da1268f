"""HTML: the report as one self-contained printable A4 page, rendered from Jinja2 templates.

The page is built from templates shipped with revolve (``revolve/reports/templates/*.html.j2``), with
autoescaping on: every text the report carries is escaped, and the control characters XML cannot hold are
dropped first, so the page stays well-formed XHTML. The page has inline CSS, no scripts and no external
files, a Chinese font stack, and bordered tables whose header repeats on every printed page and whose rows
never split. A printed document carries 编制单位, 单位：元, its signature lines and its print date (from the
report's :class:`~revolve.reports.model.Letterhead`, signatures and ``printed_on``) and 第 N 页 共 M 页 in
the page's bottom margin (CSS paged media: ``counter(page)`` / ``counter(pages)`` in ``@page``, drawn when
a browser or a PDF engine prints the page; Chromium does it from version 131 on). A report with a wide
table (more than nine columns) prints on landscape A4.

**A county's own header, signature block and footer.** The templates are looked up first in the folder
given as ``templates=`` (``revolve … --templates DIR``), then in revolve's own. A county puts a file of
the same name in its folder — ``header.html.j2``, ``signatures.html.j2`` or ``footer.html.j2`` — and
that file is used instead; the variables each receives are listed at its top. Nothing else needs
changing, and revolve's other templates keep being used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup

from revolve.ratios import Ratio
from revolve.reports.labels import Language
from revolve.reports.model import Cell, ColumnKind, Report
from revolve.reports.render.cells import NUMERIC, display, kind_of, printable, ratio_parts
from revolve.reports.render.words import resolve

__all__ = ["render_html"]

_WIDE = 9
"""A table with more columns than this prints on landscape A4."""


@dataclass(frozen=True, slots=True)
class _Shown:
    """One value as the template shows it: its text, a rate's parts, its CSS class."""

    text: str
    parts: str = ""
    css: str = ""


def _css(kind: ColumnKind | None) -> str:
    if kind in NUMERIC:
        return "num"
    if kind is ColumnKind.DATE:
        return "date"
    return ""


def _shown(value: Cell, kind: ColumnKind | None, *, symbol: str = "") -> _Shown:
    if isinstance(value, Ratio):
        return _Shown(printable(value.percent), printable(ratio_parts(value, symbol=symbol)), _css(kind))
    return _Shown(printable(display(value, symbol=symbol)), "", _css(kind))


@lru_cache(maxsize=8)
def _environment(templates: Path | None) -> Environment:
    loaders: list[Any] = []
    if templates is not None:
        loaders.append(FileSystemLoader(str(templates)))
    loaders.append(PackageLoader("revolve.reports", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _counter(lang: Language) -> Markup:
    """The CSS ``content`` of the page number box: 第 N 页 共 M 页 (our own words, so trusted)."""
    if lang is Language.ZH:
        return Markup('"第 " counter(page) " 页 共 " counter(pages) " 页"')
    return Markup('"Page " counter(page) " of " counter(pages)')


def render_html(
    report: Report, *, lang: Language | str = Language.ZH, templates: Path | str | None = None
) -> str:
    """The report as one self-contained printable page (A4), well-formed XHTML from Jinja2 templates.

    Args:
        report: the report to show.
        lang: ``"zh"`` (default, ``lang="zh-CN"``) or ``"en"``.
        templates: a folder searched before revolve's own templates: a county's ``header.html.j2``,
            ``signatures.html.j2`` or ``footer.html.j2`` there replaces revolve's.

    Returns:
        The page, starting ``<!DOCTYPE html>``; no scripts, no external files; every text escaped.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
        jinja2.TemplateError: a county's template is malformed or uses a variable revolve does not give.
    """
    words = resolve(report, lang)
    shown = words.shown
    sections = []
    widest = 0
    annex = False
    for section, (title, fact_labels, column_labels) in zip(shown.sections, words.sections, strict=True):
        facts = [
            {"name": printable(name), **_fact(fact.value, name)}
            for name, fact in zip(fact_labels, section.facts, strict=True)
        ]
        table = None
        if section.table is not None:
            kinds = [column.kind for column in section.table.columns]
            widest = max(widest, len(kinds))
            rows = [(False, row) for row in section.table.rows]
            if section.table.total is not None:
                rows.append((True, section.table.total))
            table = {
                "headers": [printable(name) for name in column_labels],
                "rows": [
                    {"total": total, "cells": [_shown(v, k) for v, k in zip(row, kinds, strict=True)]}
                    for total, row in rows
                ],
            }
        annex_starts = section.annex and not annex
        annex = annex or section.annex
        sections.append(
            {
                "key": printable(section.key),
                "title": printable(title),
                "facts": facts,
                "table": table,
                "form": section.form,
                "annex_starts": annex_starts,
            }
        )
    context = {
        "html_lang": "zh-CN" if words.lang is Language.ZH else "en",
        "heading": printable(words.heading),
        "title": printable(words.title),
        "byline": printable(words.byline),
        "masthead": printable(words.masthead),
        "organisation": printable(shown.letterhead.organisation) if shown.letterhead is not None else "",
        "number": printable(shown.number),
        "logo": printable(words.logo),
        "footer": printable(words.footer),
        "printed": printable(words.printed),
        "signatures": [(printable(role), printable(name)) for role, name in words.signatures],
        "colon": words.colon,
        "sections": sections,
        "notes": [printable(note) for note in words.notes],
        "notes_title": words.word("notes"),
        "annex_title": words.word("annex"),
        "has_form": any(section.form for section in shown.sections),
        "landscape": widest > _WIDE,
        "body_class": f"report-{printable(shown.kind)}",
        "page_counter": _counter(words.lang),
    }
    folder = None if templates is None else Path(templates).resolve()
    return _environment(folder).get_template("document.html.j2").render(context)


def _fact(value: Cell, name: str) -> dict[str, str]:
    shown = _shown(value, kind_of(value, name), symbol="¥")
    return {"text": shown.text, "parts": shown.parts, "css": shown.css}
