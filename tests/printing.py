"""Every printed document and report of the ``revolve`` command, printed from the demo county.

The documents are not listed here by hand: :func:`documents` reads them from the command line's own
grammar — each ``revolve print DOCUMENT``, each ``revolve report KIND`` and ``revolve statement`` — so a
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
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from revolve.cli import main
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
    """

    args: tuple[str, ...]
    capitals: bool = False
    pages: int | None = None


_PERIOD = ("--fund", FUND, "--year", "2016", "--as-of", AS_OF)

DEMO: dict[str, Demo] = {
    "print receipt": Demo(("--fund", FUND, "R-001-04"), capitals=True, pages=1),
    "print iou": Demo(("--fund", FUND, "FN-2016-001"), capitals=True),
    "print voucher": Demo(("--fund", FUND, "5"), capitals=True, pages=1),
    "statement": Demo(("--fund", FUND, "--loan", "FN-2016-002", "--as-of", AS_OF), capitals=True),
    "report quarterly": Demo(("--fund", FUND, "--year", "2016", "--quarter", "3")),
    "report register": Demo(("--fund", FUND, "--as-of", AS_OF)),
    "report write-offs": Demo(("--fund", FUND, "--as-of", AS_OF), pages=1),
    "report balance-sheet": Demo(("--fund", FUND, "--as-of", AS_OF), pages=1),
    "report activity": Demo(_PERIOD),
    "report cash-flow": Demo(_PERIOD),
    "report trial-balance": Demo(_PERIOD),
    "report ledger": Demo((*_PERIOD, "--account", "1002")),
    "report vouchers": Demo(_PERIOD, capitals=True),
}
"""One row per document: its name as :func:`documents` gives it, and how the demo county prints it."""


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def documents() -> list[str]:
    """Every document the command line prints: ``print <document>``, ``report <kind>``, ``statement``."""
    commands = _subparsers(build_parser())
    found = [f"print {name}" for name in _subparsers(commands["print"])]
    kinds = next(a for a in commands["report"]._actions if a.dest == "kind").choices
    assert kinds is not None
    found += [f"report {kind}" for kind in kinds]
    found.append("statement")
    return found


def build_demo(folder: Path) -> Path:
    """The demo county's books (``revolve demo``) in ``folder``; returns the database file."""
    path = folder / "demo.db"
    run_demo(path, say=lambda _line: None).close()
    return path


def print_document(books: Path, name: str, lang: str, output: Path) -> Path:
    """Print one document of :data:`DEMO` with the command line, as a clerk does, to ``output`` (its
    suffix names the format); fails with the command's message if the command refuses."""
    argv = ["--db", str(books), "--lang", lang, *name.split(), *DEMO[name].args, "-o", str(output)]
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
    return Expected(capitals, signatures, landscape)


@dataclass(frozen=True, slots=True)
class Pdf:
    """A PDF as read back: page sizes in millimetres, and its text without white space."""

    sizes: tuple[tuple[float, float], ...]
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
    text = "".join(page.extract_text() for page in reader.pages)
    return Pdf(sizes, squeeze(text))


def squeeze(text: str) -> str:
    """``text`` without any white space."""
    return re.sub(r"\s+", "", text)


def is_a4(size: tuple[float, float], *, landscape: bool) -> bool:
    """The size is A4 in the given orientation, to within a millimetre."""
    width, height = (A4[1], A4[0]) if landscape else A4
    return abs(size[0] - width) < 1 and abs(size[1] - height) < 1


def page_count_printed(text: str, lang: str) -> set[int]:
    """The totals of the page counters printed on the pages (第 N 页 共 M 页 / Page N of M)."""
    pattern = r"共(\d+)页" if lang == "zh" else r"Page\d+of(\d+)"
    return {int(m) for m in re.findall(pattern, text)}
