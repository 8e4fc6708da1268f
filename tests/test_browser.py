"""Checked as a person sees it: every printed document and report, in Chinese and English, printed to PDF
by a real browser (Debian's ``chromium``, headless) and read back — A4 in the orientation the page asks
for, 第 N 页 共 M 页 matching the page count, the 大写 and signature lines on paper, and nothing cut at
the right margin: no word reaching past the printable width in the PDF (``pdftotext -bbox``), and the
page, laid out for print, no wider than the paper's printable width (a wider page chromium shrinks to
fit, and past a point cuts, without any word landing in the margin). A control proves both checks catch
a table too wide for the page. Known failures are listed, with why, in ``KNOWN_CUT`` (tests/printing.py).

The first page of each is kept as a PNG snapshot in ``build/snapshots`` (or ``$REVOLVE_SNAPSHOTS``), which
CI keeps as an artefact. Without chromium or poppler-utils (``pdftotext``, ``pdftoppm``) these tests skip
with a message; ``REVOLVE_REQUIRE_BROWSER=1`` (as CI sets it) makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import Chromium, find_chromium
from printing import (
    DEMO,
    LANGS,
    beyond_right_margin,
    build_demo,
    documents,
    expected,
    first_page_png,
    is_a4,
    known_cut,
    numbered,
    page_counters,
    print_document,
    read_pdf_file,
    slug,
    snapshot_dir,
    squeeze,
)

REQUIRE_BROWSER = os.environ.get("REVOLVE_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    binary = find_chromium()
    missing = [tool for tool in ("pdftotext", "pdftoppm") if shutil.which(tool) is None]
    if binary is None or missing:
        why = (
            "chromium is not installed"
            if binary is None
            else f"poppler-utils is missing ({', '.join(missing)})"
        )
        if REQUIRE_BROWSER:
            pytest.fail(f"REVOLVE_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(f"browser tests skipped: {why} (apt-get install chromium poppler-utils fonts-noto-cjk)")
    with Chromium(binary) as opened:
        yield opened


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", documents())
def test_each_document_prints_in_a_browser_as_a_clerk_files_it(
    browser: Chromium, books: Path, tmp_path: Path, name: str, lang: str
) -> None:
    page = print_document(books, name, lang, tmp_path / f"{slug(name, lang)}.html")
    wanted = expected(page.read_text(encoding="utf-8"))
    pdf_path = tmp_path / f"{slug(name, lang)}.pdf"
    printed = browser.print(page, printable_mm=wanted.printable_mm)
    pdf_path.write_bytes(printed.pdf)
    pdf = read_pdf_file(pdf_path)

    assert all(is_a4(size, landscape=wanted.landscape) for size in pdf.sizes), pdf.sizes
    assert page_counters(pdf, lang) == numbered(pdf.pages), "第 N 页 共 M 页 is not on every page"
    if DEMO[name].pages is not None:
        assert pdf.pages == DEMO[name].pages
    assert wanted.signatures, f"{name} prints no signature lines"
    for line in wanted.signatures:
        assert squeeze(line) in pdf.text, line
    if DEMO[name].capitals:
        assert wanted.capitals, f"{name} prints no amount in words (大写)"
    for amount in wanted.capitals:
        assert squeeze(amount) in pdf.text, amount
    png = first_page_png(pdf_path, snapshot_dir() / f"{slug(name, lang)}.png")
    assert png.read_bytes().startswith(b"\x89PNG")

    # nothing cut: no word in the right margin or off the paper, and the page laid out for print no
    # wider than the paper's printable width (a wider one the browser shrinks to fit, then cuts)
    cut = beyond_right_margin(pdf_path, wanted.margins[1])
    too_wide = printed.width_mm is not None and printed.width_mm > wanted.printable_mm + SLACK_MM
    known_cut(name, lang, [*cut, *(["too wide"] if too_wide else [])])
    assert cut == [], "words past the printable width (cut at the right margin)"
    assert not too_wide, f"laid out {printed.width_mm:.1f} mm wide on {wanted.printable_mm:.1f} mm of paper"


SLACK_MM = 0.5
"""How far past the printable width a layout may reach (rounding to CSS pixels)."""


def test_the_margin_checks_catch_a_table_too_wide_for_the_page(
    browser: Chromium, books: Path, tmp_path: Path
) -> None:
    """The control: the same receipt as printed, then with a table too wide for the page added two ways.

    A row of 30 cells (a wide register printed portrait) puts words into the right margin and off the
    paper; a table of a fixed 300 mm makes the browser shrink the whole page to fit, so that no word
    reaches the margin but the table's end is cut: the layout width catches both."""
    page = print_document(books, "print receipt", "zh", tmp_path / "receipt.html")
    html = page.read_text(encoding="utf-8")
    wanted = expected(html)
    fits = browser.print(page, printable_mm=wanted.printable_mm)
    (tmp_path / "fits.pdf").write_bytes(fits.pdf)
    assert beyond_right_margin(tmp_path / "fits.pdf", wanted.margins[1]) == []
    assert fits.width_mm is not None
    assert fits.width_mm <= wanted.printable_mm + SLACK_MM

    cells = "".join(f"<td>第{n}列：王秀英 FN-2016-001</td>" for n in range(1, 31))
    row = tmp_path / "row.html"
    row.write_text(
        html.replace("</section>", f"<table><tr>{cells}</tr></table></section>", 1), encoding="utf-8"
    )
    wide_row = browser.print(row, printable_mm=wanted.printable_mm)
    (tmp_path / "row.pdf").write_bytes(wide_row.pdf)
    assert beyond_right_margin(tmp_path / "row.pdf", wanted.margins[1]) != []
    assert wide_row.width_mm is not None
    assert wide_row.width_mm > wanted.printable_mm + SLACK_MM

    fixed = tmp_path / "fixed.html"
    fixed.write_text(html.replace("</style>", "table { min-width: 300mm; }</style>", 1), encoding="utf-8")
    shrunk = browser.print(fixed, printable_mm=wanted.printable_mm)
    assert shrunk.width_mm is not None
    assert shrunk.width_mm > wanted.printable_mm + SLACK_MM


def test_the_docs_show_the_first_page_of_every_document() -> None:
    """docs/reports.md shows each document as printed, by docs/snapshots.py (the pipeline above)."""
    docs = Path(__file__).resolve().parents[1] / "docs"
    page = (docs / "reports.md").read_text(encoding="utf-8")
    for name in documents():
        picture = docs / "img" / f"{slug(name)}.png"
        assert picture.read_bytes().startswith(b"\x89PNG"), (
            f"run: PYTHONPATH=src python docs/snapshots.py ({name})"
        )
        assert f"](img/{slug(name)}.png)" in page, f"run: PYTHONPATH=src python docs/snapshots.py ({name})"
