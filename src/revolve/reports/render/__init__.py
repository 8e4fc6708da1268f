"""Rendering: one :class:`~revolve.reports.model.Report`, seven formats for the people who read it.

A report is data; this package shows it. Every format resolves the same label keys in the same language
(Chinese by default, English on request) and shows the same figures, each in the form its readers expect.
One module per format, and what they share:

* :mod:`~revolve.reports.render.output_format` — :class:`Format`, :func:`format_for_path`,
  :func:`render` and :func:`write`: which format, and one entry point to each.
* :mod:`~revolve.reports.render.words` — the report checked and its words resolved: the report as shown
  (terms put into words, 合计 / Total in an empty total cell), its frame (title, subject, dates) and labels.
* :mod:`~revolve.reports.render.cells` — a cell's kind, and the one way each value is written as text,
  for people (``12,000.00``, ``98.95% (3,567 ÷ 3,605)``) and for machines (``12000.00``, ``0.989459``).
* :mod:`~revolve.reports.render.tabulated` — the layout text and Markdown share (tabulate, wide-character
  aware so Chinese columns align), drawn by :mod:`~revolve.reports.render.text` and
  :mod:`~revolve.reports.render.markdown`.
* :mod:`~revolve.reports.render.webpage` — HTML: one self-contained printable A4 page.
* :mod:`~revolve.reports.render.pdf` — PDF: the HTML page laid out on A4 by WeasyPrint (the optional
  extra ``revolve[pdf]``), with a CJK font embedded.
* :mod:`~revolve.reports.render.delimited` — CSV: an exact, round-trippable form.
* :mod:`~revolve.reports.render.json_document` — JSON: an exact form.
* :mod:`~revolve.reports.render.workbook` — Excel (openpyxl): a summary sheet and one sheet per section,
  with typed cells.

Amounts never pass through ``float`` in any format.

Invariants: every label key of the report (title, section titles, column labels, fact labels) must be in
:data:`~revolve.reports.labels.LABELS` — an unknown key raises
:class:`~revolve.reports.labels.UnknownLabel` before anything is written; a note is a label key or plain
text. Every cell must have the type its column's kind says (or be ``None``), and a table's rows and total
must be as wide as its columns; otherwise :class:`InvalidReport` is raised.
"""

from revolve.errors import InvalidReport, PdfUnavailable, UnknownFormat
from revolve.reports.render.delimited import render_csv
from revolve.reports.render.json_document import render_json
from revolve.reports.render.markdown import render_markdown
from revolve.reports.render.output_format import Format, format_for_path, render, write
from revolve.reports.render.pdf import render_pdf
from revolve.reports.render.text import render_text
from revolve.reports.render.webpage import render_html
from revolve.reports.render.workbook import render_xlsx

__all__ = [
    "Format",
    "InvalidReport",
    "PdfUnavailable",
    "UnknownFormat",
    "format_for_path",
    "render",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_pdf",
    "render_text",
    "render_xlsx",
    "write",
]
