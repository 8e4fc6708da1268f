"""PDF: the printable HTML page laid out on A4 by WeasyPrint, the optional extra ``revolve[pdf]``.

The PDF is the HTML document of :mod:`~revolve.reports.render.webpage` — the same templates, the same
county header, signature block and footer — put on paper by a CSS paged-media engine instead of a
browser: A4 (landscape for a wide register), 第 N 页 共 M 页 in the bottom margin, table headers repeated
on every page and rows never split. The Chinese text is set in the CJK font the style sheet names (Noto
Sans CJK SC, then Noto Serif CJK SC, then the usual system fonts), embedded as a subset.

WeasyPrint is imported only when a PDF is asked for, so revolve runs without it; without it (or without
the system's Pango library it loads) :class:`~revolve.errors.PdfUnavailable` says how to install it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from revolve.errors import PdfUnavailable
from revolve.reports.labels import Language
from revolve.reports.model import Report
from revolve.reports.render.webpage import render_html

__all__ = ["render_pdf"]


def _engine() -> Any:
    """The ``weasyprint`` module, or the refusal that says how to get it."""
    try:
        import weasyprint  # noqa: PLC0415  (the optional extra, loaded only for a PDF)
    except ImportError:
        raise PdfUnavailable("WeasyPrint") from None
    except OSError as exc:
        # WeasyPrint is installed but cannot load a system library it needs (Pango, GObject)
        raise PdfUnavailable(f"WeasyPrint: {exc}") from None
    return weasyprint


def render_pdf(
    report: Report, *, lang: Language | str = Language.ZH, templates: Path | str | None = None
) -> bytes:
    """The report as a PDF on A4, laid out from its HTML document.

    Args:
        report: the report to show.
        lang: ``"zh"`` (default) or ``"en"``.
        templates: a folder searched before revolve's own templates (a county's header, signatures,
            footer), as for HTML.

    Returns:
        The PDF file's bytes.

    Raises:
        PdfUnavailable: WeasyPrint (``pip install "revolve[pdf]"``) or its system libraries are missing.
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    engine = _engine()
    page = render_html(report, lang=lang, templates=templates)
    document: bytes = engine.HTML(string=page).write_pdf()
    return document
