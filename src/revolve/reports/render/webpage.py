"""HTML: the report as one self-contained printable A4 page, written as well-formed XHTML.

The page has inline CSS, no scripts and no external files, a Chinese font stack, and bordered tables whose
header repeats on every printed page. The title and the byline (subject, dates) head it; each section is
a ``<section>`` with its facts as a two-column table and its table with a bold total row; the notes close
it as a numbered list. Every text is escaped, and the control characters XML cannot hold are dropped.
"""

from __future__ import annotations

import html

from revolve.ratios import Ratio
from revolve.reports.labels import Language
from revolve.reports.model import Cell, ColumnKind, Report
from revolve.reports.render.cells import NUMERIC, display, kind_of, printable, ratio_parts
from revolve.reports.render.words import resolve

_CSS = """
@page { size: A4; margin: 15mm 12mm 15mm 12mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif;
  font-size: 10.5pt; line-height: 1.45; color: #000; background: #fff;
  max-width: 186mm; margin: 0 auto; padding: 6mm 0;
}
@media print { body { max-width: none; padding: 0; } }
h1 { font-size: 16pt; text-align: center; margin: 0 0 1.5mm 0; }
p.meta { text-align: center; margin: 0 0 6mm 0; }
h2 { font-size: 12pt; margin: 6mm 0 2mm 0; break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm 0; }
table.facts { width: auto; min-width: 60%; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.6pt solid #000; padding: 1mm 2mm; vertical-align: top; }
thead th { background: #e6e6e6; text-align: center; font-weight: bold; }
table.facts th { background: #f2f2f2; text-align: left; font-weight: normal; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.date { white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 1.8pt double #000; }
span.parts { font-size: 9pt; }
ol.notes { font-size: 9pt; padding-left: 6mm; }
"""


def _h(text: str) -> str:
    return html.escape(printable(text), quote=True)


def _html_value(value: Cell, *, symbol: str = "") -> str:
    if isinstance(value, Ratio):
        return f'{_h(value.percent)} <span class="parts">{_h(ratio_parts(value, symbol=symbol))}</span>'
    return _h(display(value, symbol=symbol))


def _html_class(kind: ColumnKind | None) -> str:
    if kind in NUMERIC:
        return ' class="num"'
    if kind is ColumnKind.DATE:
        return ' class="date"'
    return ""


def render_html(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as one self-contained printable page (A4), well-formed XHTML with inline CSS.

    Args:
        report: the report to show.
        lang: ``"zh"`` (default, ``lang="zh-CN"``) or ``"en"``.

    Returns:
        The page, starting ``<!DOCTYPE html>``; no scripts, no external files; every text escaped.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    words = resolve(report, lang)
    report = words.shown
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if words.lang is Language.ZH else "en"}">',
        "<head>",
        '<meta charset="utf-8"/>',
        '<meta name="generator" content="revolve"/>',
        f"<title>{_h(words.heading)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_h(words.title)}</h1>",
        f'<p class="meta">{_h(words.byline)}</p>',
        "</header>",
    ]
    for section, (title, fact_labels, column_labels) in zip(report.sections, words.sections, strict=True):
        out += [f'<section id="{_h(section.key)}">', f"<h2>{_h(title)}</h2>"]
        if section.facts:
            out.append('<table class="facts">')
            out.append("<tbody>")
            for name, fact in zip(fact_labels, section.facts, strict=True):
                css = _html_class(kind_of(fact.value, name))
                out.append(
                    f'<tr><th scope="row">{_h(name)}</th><td{css}>{_html_value(fact.value, symbol="¥")}</td></tr>'
                )
            out += ["</tbody>", "</table>"]
        table = section.table
        if table is not None:
            out += ["<table>", "<thead>", "<tr>"]
            out += [f'<th scope="col">{_h(name)}</th>' for name in column_labels]
            out += ["</tr>", "</thead>", "<tbody>"]
            rows = [("", row) for row in table.rows]
            if table.total is not None:
                rows.append((' class="total"', table.total))
            for row_class, row in rows:
                cells = "".join(
                    f"<td{_html_class(column.kind)}>{_html_value(value)}</td>"
                    for column, value in zip(table.columns, row, strict=True)
                )
                out.append(f"<tr{row_class}>{cells}</tr>")
            out += ["</tbody>", "</table>"]
        out.append("</section>")
    if words.notes:
        out += ["<footer>", f"<h2>{_h(words.word('notes'))}</h2>", '<ol class="notes">']
        out += [f"<li>{_h(note)}</li>" for note in words.notes]
        out += ["</ol>", "</footer>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
