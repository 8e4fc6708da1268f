"""Make the pictures of docs/reports.md: the first page of every printed document, as a clerk prints it.

The same pipeline as the browser tests (tests/test_browser.py): the demo county's books (``revolve
demo``), each document and report of the command line printed to HTML with ``revolve … -o page.html``,
printed to PDF by headless chromium, and its first page drawn as a PNG by ``pdftoppm`` (poppler-utils).
Writes ``docs/img/<document>.png`` (Chinese, 50 dpi, grey) and the gallery between the markers of
docs/reports.md. Run it after changing a template or adding a document::

    PYTHONPATH=src python docs/snapshots.py

Needs chromium, poppler-utils and the Noto CJK fonts (Debian: ``apt-get install chromium poppler-utils
fonts-noto-cjk``) and the test extra (``pip install -e ".[test]"``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import Chromium, find_chromium  # noqa: E402
from printing import build_demo, documents, first_page_png, print_document, slug  # noqa: E402

IMAGES = ROOT / "docs" / "img"
PAGE = ROOT / "docs" / "reports.md"
BEGIN = "<!-- snapshots: begin (made by docs/snapshots.py) -->"
END = "<!-- snapshots: end -->"
DPI = 50


def gallery(per_row: int = 3) -> str:
    """The Markdown between the markers: a table of pictures, each captioned with its command."""
    cells = [f"`revolve {name}`<br>![revolve {name}](img/{slug(name)}.png)" for name in documents()]
    cells += [""] * (-len(cells) % per_row)
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    lines = ["| " + " | ".join([""] * per_row) + " |", "|" + "---|" * per_row]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    binary = find_chromium()
    if binary is None:
        sys.exit("docs/snapshots.py needs chromium (apt-get install chromium poppler-utils fonts-noto-cjk)")
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, Chromium(binary) as browser:
        folder = Path(scratch)
        books = build_demo(folder)
        for name in documents():
            page = print_document(books, name, "zh", folder / f"{slug(name)}.html")
            pdf = folder / f"{slug(name)}.pdf"
            pdf.write_bytes(browser.pdf(page))
            png = IMAGES / f"{slug(name)}.png"
            first_page_png(pdf, png, dpi=DPI, grey=True)
            print(f"{png.relative_to(ROOT)}: {png.stat().st_size // 1024} KB")
    text = PAGE.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN)
    PAGE.write_text(f"{head}{BEGIN}\n\n{gallery()}\n{rest[rest.index(END) :]}", encoding="utf-8")


if __name__ == "__main__":
    main()
