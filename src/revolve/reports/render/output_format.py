"""Output formats: which format a name or a file's suffix asks for, and one entry point to each.

:func:`render` turns a report into any :class:`Format` — text for every format but Excel and PDF, which
come as bytes — and :func:`write` saves it to a file, choosing the format from the file's suffix
(:func:`format_for_path`) unless told. PDF needs the optional extra ``revolve[pdf]`` (WeasyPrint); without
it a PDF is refused with :class:`~revolve.errors.PdfUnavailable`, which says how to install it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from os import PathLike
from pathlib import Path
from typing import Literal, overload

from revolve.errors import UnknownFormat
from revolve.reports.labels import Language
from revolve.reports.model import Report
from revolve.reports.render.delimited import render_csv
from revolve.reports.render.json_document import render_json
from revolve.reports.render.markdown import render_markdown
from revolve.reports.render.pdf import render_pdf
from revolve.reports.render.text import render_text
from revolve.reports.render.webpage import render_html
from revolve.reports.render.workbook import render_xlsx


class Format(StrEnum):
    """An output format of :func:`render`; its value is also the usual file suffix's name."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
    PDF = "pdf"


_SUFFIXES = {
    ".txt": Format.TEXT,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".csv": Format.CSV,
    ".xlsx": Format.XLSX,
    ".json": Format.JSON,
    ".pdf": Format.PDF,
}

_RENDERERS: dict[Format, Callable[..., str | bytes]] = {
    Format.TEXT: render_text,
    Format.MARKDOWN: render_markdown,
    Format.HTML: render_html,
    Format.CSV: render_csv,
    Format.XLSX: render_xlsx,
    Format.JSON: render_json,
    Format.PDF: render_pdf,
}


def format_for_path(path: str | PathLike[str]) -> Format:
    """The format a file name asks for, by its suffix.

    Args:
        path: a file name such as ``"季报表.xlsx"``; the suffix is matched without regard to case:
            ``.txt`` text, ``.md`` Markdown, ``.html`` HTML, ``.csv`` CSV, ``.xlsx`` Excel, ``.json`` JSON,
            ``.pdf`` PDF (``.htm`` and ``.markdown`` also work).

    Returns:
        The format.

    Raises:
        UnknownFormat: any other suffix, or none.
    """
    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIXES[suffix]
    except KeyError:
        raise UnknownFormat(
            suffix or str(path), formats=[f.value for f in Format], suffixes=list(_SUFFIXES)
        ) from None


def _format(fmt: Format | str) -> Format:
    try:
        return Format(fmt)
    except ValueError:
        raise UnknownFormat(fmt, formats=[f.value for f in Format], suffixes=list(_SUFFIXES)) from None


@overload
def render(
    report: Report,
    fmt: Literal[Format.XLSX, Format.PDF, "xlsx", "pdf"],
    *,
    lang: Language | str = ...,
    templates: Path | str | None = ...,
) -> bytes: ...
@overload
def render(
    report: Report,
    fmt: Literal[
        Format.TEXT,
        Format.MARKDOWN,
        Format.HTML,
        Format.CSV,
        Format.JSON,
        "text",
        "markdown",
        "html",
        "csv",
        "json",
    ],
    *,
    lang: Language | str = ...,
    templates: Path | str | None = ...,
) -> str: ...
@overload
def render(
    report: Report, fmt: Format | str, *, lang: Language | str = ..., templates: Path | str | None = ...
) -> str | bytes: ...
def render(
    report: Report,
    fmt: Format | str,
    *,
    lang: Language | str = Language.ZH,
    templates: Path | str | None = None,
) -> str | bytes:
    """The report in a format: text for every format but Excel and PDF, which come as bytes.

    Args:
        report: the report to show.
        fmt: a :class:`Format` or its name: ``text``, ``markdown``, ``html``, ``csv``, ``xlsx``, ``json``,
            ``pdf`` (with the extra ``revolve[pdf]``).
        lang: ``"zh"`` (default) or ``"en"``.
        templates: for HTML and PDF, a folder of templates searched before revolve's own (a county's
            ``header.html.j2``, ``signatures.html.j2``, ``footer.html.j2``); the other formats ignore it.

    Returns:
        ``str`` for text, Markdown, HTML, CSV and JSON; ``bytes`` for xlsx and PDF.

    Raises:
        UnknownFormat: a format revolve does not render.
        PdfUnavailable: PDF without WeasyPrint (``pip install "revolve[pdf]"``) or its system libraries.
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    chosen = _format(fmt)
    if chosen is Format.HTML:
        return render_html(report, lang=lang, templates=templates)
    if chosen is Format.PDF:
        return render_pdf(report, lang=lang, templates=templates)
    return _RENDERERS[chosen](report, lang=lang)


def write(
    report: Report,
    path: str | PathLike[str],
    *,
    fmt: Format | str | None = None,
    lang: Language | str = Language.ZH,
    templates: Path | str | None = None,
) -> Path:
    """Render the report and save it to a file, choosing the format from the suffix unless told.

    The report is rendered in full before the file is opened, so a refusal writes nothing. CSV is saved
    as UTF-8 with a byte-order mark (``utf-8-sig``) so that Excel reads its Chinese; the other text
    formats as plain UTF-8. Line ends are kept as rendered. The folder must exist.

    Args:
        report: the report to save.
        path: the file to write (replaced if it exists), e.g. ``"季报表-2024Q1.xlsx"``.
        fmt: the format, if not the one the suffix names.
        lang: ``"zh"`` (default) or ``"en"``.
        templates: for HTML and PDF, a folder of a county's templates searched first (see :func:`render`).

    Returns:
        The path written.

    Raises:
        UnknownFormat: no ``fmt`` and a suffix other than .txt .md .html .csv .xlsx .json .pdf, or an
            unknown ``fmt``.
        PdfUnavailable: PDF without WeasyPrint (``pip install "revolve[pdf]"``); nothing is written.
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
        OSError: the file cannot be written.
    """
    target = Path(path)
    chosen = format_for_path(target) if fmt is None else _format(fmt)
    output = render(report, chosen, lang=lang, templates=templates)
    if isinstance(output, bytes):
        target.write_bytes(output)
    else:
        encoding = "utf-8-sig" if chosen is Format.CSV else "utf-8"
        target.write_text(output, encoding=encoding, newline="")
    return target
