"""Every printed document and report of the ``revolve`` command, printed from the demo county.

The documents are not listed here by hand: :func:`documents` reads them from the command line's own
grammar — each ``revolve print DOCUMENT`` (the subcommands of its parser), each ``revolve report KIND``
(``REPORTS`` of :mod:`revolve.cli.grammar_reports`) and ``revolve statement`` — so a
document added to the command is printed and checked by every test that uses this module. What this
module does list is how to print each one from the demo county (``revolve demo``): :data:`DEMO`, one row
per document. A new document needs one row there (a test fails, naming it, until it has one).

From each printed HTML page the tests take what a reader must find on paper (:func:`expected`): the
amounts in words (大写) and the signature lines; and from a PDF what it is (:func:`read_pdf`): its pages'
sizes, its page count and its text.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import subprocess
import sys
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from revolve.cli import main
from revolve.cli.grammar_reports import REPORTS
from revolve.cli.parser import build_parser
from revolve.demo import run_demo

LANGS = ("zh", "en")

FUND = "FN-HP"
AS_OF = "2016-09-30"


@dataclass(frozen=True, slots=True)
class Demo:
    """How to print one document from the demo county, and what it must carry.

    Attributes:
        args: the arguments after the command's name (``revolve print receipt …``).
        capitals: the document shows an amount in words (大写).
        pages: the number of pages it must print on (a 收款收据 on one), or None if the data decides.
        books: whose books it prints from: ``demo`` (the demo county, a 民非 fund) or ``gov`` (the county
            fund kept under 政府会计制度 by examples/government_unit.py).
    """

    args: tuple[str, ...]
    capitals: bool = False
    pages: int | None = None
    books: str = "demo"


GOV_FUND, GOV_YEAR_END = "XC-HP", "2022-12-31"
_PERIOD = ("--fund", FUND, "--year", "2016", "--as-of", AS_OF)

DEMO: dict[str, Demo] = {
    "print receipt": Demo(("--fund", FUND, "R-001-04"), capitals=True, pages=1),
    "print iou": Demo(("--fund", FUND, "FN-2016-001"), capitals=True),
    "print contract": Demo(("--fund", FUND, "FN-2016-001"), capitals=True),
    "print agreement": Demo(("--fund", FUND, "FN-2016-001"), capitals=True),
    "print voucher": Demo(("--fund", FUND, "5"), capitals=True, pages=1),
    "statement": Demo(("--fund", FUND, "--loan", "FN-2016-002", "--as-of", AS_OF), capitals=True),
    "report quarterly": Demo(("--fund", FUND, "--year", "2016", "--quarter", "3")),
    "report register": Demo(("--fund", FUND, "--as-of", AS_OF)),
    "report write-offs": Demo(("--fund", FUND, "--as-of", AS_OF), pages=1),
    "report balance-sheet": Demo(("--fund", FUND, "--as-of", AS_OF), pages=1),
    "report activity": Demo(_PERIOD),
    "report cash-flow": Demo(_PERIOD),
    "report net-assets": Demo(("--fund", GOV_FUND, "--as-of", GOV_YEAR_END), books="gov"),
    "report budget": Demo(("--fund", GOV_FUND, "--year", "2022", "--as-of", GOV_YEAR_END), books="gov"),
    "report budget-balances": Demo(("--fund", GOV_FUND, "--as-of", GOV_YEAR_END), books="gov"),
    "report rollup": Demo(("--org", "XC", "--year", "2022", "--as-of", GOV_YEAR_END), books="gov"),
    "report trial-balance": Demo(_PERIOD),
    "report ledger": Demo((*_PERIOD, "--account", "1002")),
    "report vouchers": Demo(_PERIOD, capitals=True),
}
"""One row per document: its name as :func:`documents` gives it, and how the demo county prints it."""

KNOWN_CUT: dict[tuple[str, str], str] = {}
"""Documents known to print past the right margin, with why: the browser and PDF tests mark them xfail
(:func:`known_cut`); one that fits again passes with a warning that its row here can go."""


def known_cut(name: str, lang: str, problems: list[str]) -> None:
    """Mark the test xfail if ``name`` in ``lang`` is a known cut (:data:`KNOWN_CUT`) and ``problems``
    shows it still is; warn if it no longer is. Any other document is left to the test's asserts."""
    why = KNOWN_CUT.get((name, lang))
    if why is None:
        return
    if problems:
        pytest.xfail(why)
    warnings.warn(
        f"{name} ({lang}) fits now: remove its row from KNOWN_CUT in tests/printing.py", stacklevel=2
    )


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def documents() -> list[str]:
    """Every document the command line prints: ``print <document>`` (its subcommands), ``report <kind>``
    (the kinds its grammar lists) and ``statement``."""
    commands = _subparsers(build_parser())
    found = [f"print {name}" for name in _subparsers(commands["print"])]
    found += [f"report {kind}" for kind, _chinese in REPORTS]
    assert "statement" in commands
    found.append("statement")
    return found


def build_demo(folder: Path) -> Path:
    """The books the documents print from, in ``folder`` (returned): ``demo.db``, the demo county
    (``revolve demo``), and ``gov.db``, the county fund kept under 政府会计制度 (examples/government_unit.py)."""
    run_demo(folder / "demo.db", say=lambda _line: None).close()
    example = Path(__file__).resolve().parent.parent / "examples" / "government_unit.py"
    subprocess.run([sys.executable, str(example), str(folder / "gov.db")], check=True, capture_output=True)
    return folder


def print_document(books: Path, name: str, lang: str, output: Path) -> Path:
    """Print one document of :data:`DEMO` with the command line, as a clerk does, from the books in the
    folder ``books`` (:func:`build_demo`) to ``output`` (its suffix names the format); fails with the
    command's message if the command refuses."""
    db = books / f"{DEMO[name].books}.db"
    argv = ["--db", str(db), "--lang", lang, *name.split(), *DEMO[name].args, "-o", str(output)]
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        status = main(argv)
    assert status == 0, f"revolve {' '.join(argv)}: {errors.getvalue()}"
    return output


@dataclass(frozen=True, slots=True)
class Expected:
    """What a reader must find on the printed page, read from the HTML document."""

    capitals: tuple[str, ...]
    """The amounts in words (大写), e.g. 捌佰叁拾叁元叁角叁分."""
    signatures: tuple[str, ...]
    """The signature lines, role and colon (and a name, if printed), e.g. 收款人：."""
    landscape: bool
    """The page is A4 landscape (a wide register)."""
    margins: tuple[float, float, float, float]
    """The page's margins in millimetres (top, right, bottom, left), from the style sheet's ``@page``."""

    @property
    def printable_mm(self) -> float:
        """The width between the left and right margins of the A4 page, in millimetres."""
        return (A4[1] if self.landscape else A4[0]) - self.margins[1] - self.margins[3]


_CAPITALS = re.compile(r"^[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整负]+$")


def expected(html: str) -> Expected:
    """The 大写 amounts, the signature lines and the orientation of an HTML document."""
    root = ET.fromstring(re.sub(r"^<!DOCTYPE html>", "", html.lstrip()))
    texts = ("".join(node.itertext()).strip() for node in root.iter("td"))
    capitals = tuple(text for text in texts if _CAPITALS.match(text))
    signatures = tuple(
        "".join(node.itertext()).strip() for node in root.iter("span") if node.get("class") == "signature"
    )
    style = "".join("".join(node.itertext()) for node in root.iter("style"))
    page = style[style.index("@page") :]
    landscape = "landscape" in page[: page.index(";")]
    return Expected(capitals, signatures, landscape, _margins(page))


def _margins(page: str) -> tuple[float, float, float, float]:
    """The margins of the first ``@page`` rule, CSS shorthand in mm (one to four values)."""
    found = re.search(r"margin:\s*([^;}]+)", page)
    assert found, "the @page rule names no margin"
    values = [float(v.removesuffix("mm")) for v in found.group(1).split()]
    top, right, bottom, left = {
        1: lambda v: (v[0], v[0], v[0], v[0]),
        2: lambda v: (v[0], v[1], v[0], v[1]),
        3: lambda v: (v[0], v[1], v[2], v[1]),
        4: lambda v: (v[0], v[1], v[2], v[3]),
    }[len(values)](values)
    return (top, right, bottom, left)


@dataclass(frozen=True, slots=True)
class Pdf:
    """A PDF as read back: page sizes in millimetres, each page's text as read, and all its text without
    white space (:func:`squeeze`)."""

    sizes: tuple[tuple[float, float], ...]
    page_texts: tuple[str, ...]
    text: str

    @property
    def pages(self) -> int:
        return len(self.sizes)


A4 = (210.0, 297.0)
_MM = 25.4 / 72


def read_pdf(data: bytes) -> Pdf:
    """Read a PDF back with pypdf: its pages' sizes (mm) and all its text, white space removed (a PDF
    engine places words where it likes; spaced-out titles such as 核 销 备 查 簿 read as one word)."""
    reader = PdfReader(io.BytesIO(data))
    sizes = tuple(
        (float(page.mediabox.width) * _MM, float(page.mediabox.height) * _MM) for page in reader.pages
    )
    texts = tuple(page.extract_text() for page in reader.pages)
    return Pdf(sizes, texts, squeeze("".join(texts)))


def read_pdf_file(path: Path) -> Pdf:
    """Read a PDF file back: its pages' sizes with pypdf, its text with ``pdftotext`` (poppler-utils),
    which maps a browser's CJK glyphs back to their characters where pypdf may give look-alike radicals
    (⻚ U+2EDA for 页)."""
    sizes = read_pdf(path.read_bytes()).sizes
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    texts = tuple(text.split("\f")[: len(sizes)])  # pdftotext ends each page with a form feed
    return Pdf(sizes, texts, squeeze(text))


def squeeze(text: str) -> str:
    """``text`` in NFKC and without any white space, to compare a text with what a PDF reads back: a
    browser's PDF may map a CJK glyph back to its compatibility character (⼯ KANGXI RADICAL WORK for 工)
    and "fi" to its ligature ﬁ; NFKC folds both (and full-width ： to :, on both sides alike)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def is_a4(size: tuple[float, float], *, landscape: bool) -> bool:
    """The size is A4 in the given orientation, to within a millimetre."""
    width, height = (A4[1], A4[0]) if landscape else A4
    return abs(size[0] - width) < 1 and abs(size[1] - height) < 1


def page_counters(pdf: Pdf, lang: str) -> list[tuple[int, int]]:
    """The page counter each page prints (第 N 页 共 M 页 / Page N of M), as (N, M); (0, 0) for a page
    that prints none or more than one."""
    if lang == "zh":
        pattern = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")
    else:
        pattern = re.compile(r"Page\s+(\d+)\s+of\s+(\d+)(?!\d)")
    found = []
    for text in pdf.page_texts:
        counters = pattern.findall(unicodedata.normalize("NFKC", text))
        found.append((int(counters[0][0]), int(counters[0][1])) if len(counters) == 1 else (0, 0))
    return found


def numbered(pages: int) -> list[tuple[int, int]]:
    """What the page counters of a document of ``pages`` pages say: 第 1 页 共 M 页 … 第 M 页 共 M 页."""
    return [(n, pages) for n in range(1, pages + 1)]


_XHTML = "{http://www.w3.org/1999/xhtml}"


def beyond_right_margin(pdf: Path, right_margin_mm: float) -> list[str]:
    """The words that reach past the printable width: into the right margin, or off the page (cut).

    Read with ``pdftotext -bbox`` (poppler-utils): every word of every page with its box; a word whose
    right edge lies further right than the page width less the right margin (half a point of slack) is
    returned as ``page N: word (x mm)``.
    """
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    root = ET.fromstring(re.sub(r"^<!DOCTYPE[^>]*>", "", boxes.lstrip()))
    limit = right_margin_mm / _MM
    found = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        edge = float(page.get("width", "0")) - limit + 0.5
        for word in page.iter(f"{_XHTML}word"):
            right = float(word.get("xMax", "0"))
            if right > edge:
                found.append(f"page {number}: {word.text} ({right * _MM:.1f} mm)")
    return found


def snapshot_dir() -> Path:
    """Where the PNG snapshots of first pages go: ``$REVOLVE_SNAPSHOTS``, else ``build/snapshots`` in the
    project (CI keeps that folder as an artefact)."""
    named = os.environ.get("REVOLVE_SNAPSHOTS")
    folder = Path(named) if named else Path(__file__).resolve().parents[1] / "build" / "snapshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def first_page_png(pdf: Path, png: Path, *, dpi: int = 60, grey: bool = False) -> Path:
    """The first page of ``pdf`` as a PNG at ``dpi``, in grey if asked (``pdftoppm``, poppler-utils)."""
    colour = ["-gray"] if grey else []
    stem = str(png.with_suffix(""))
    subprocess.run(
        ["pdftoppm", "-png", *colour, "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), stem],
        check=True,
        capture_output=True,
    )
    return png


def slug(name: str, lang: str | None = None) -> str:
    """A file name for a document: ``print-receipt-zh``."""
    return "-".join([*name.split(), *([lang] if lang else [])])
