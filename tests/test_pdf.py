"""PDF output (``-o file.pdf``, the optional extra ``revolve[pdf]``): every printed document and report of
the command line, in Chinese and English, read back from the PDF — A4, the page count it prints, its 大写
and its signature lines, no word past the right margin (with poppler-utils' ``pdftotext``); and without
the extra, a refusal that says how to install it.

Without WeasyPrint the PDF tests skip; ``REVOLVE_REQUIRE_PDF=1`` (as CI sets it) makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from printing import (
    DEMO,
    LANGS,
    beyond_right_margin,
    build_demo,
    documents,
    expected,
    is_a4,
    known_cut,
    numbered,
    page_counters,
    print_document,
    read_pdf,
    squeeze,
)
from revolve import PdfUnavailable
from revolve.cli import main
from revolve.errors import UnknownFormat
from revolve.reports.model import Column, ColumnKind, Report, Section, Table
from revolve.reports.render import Format, format_for_path, render, write

REQUIRE_PDF = os.environ.get("REVOLVE_REQUIRE_PDF") == "1"


def _need_weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        if REQUIRE_PDF:
            pytest.fail(f"REVOLVE_REQUIRE_PDF=1 but WeasyPrint cannot be loaded: {exc}")
        pytest.skip(f'PDF needs the extra: pip install "revolve[pdf]" ({exc})')


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo"))


def test_every_document_of_the_command_line_has_a_demo_row() -> None:
    found = documents()
    assert {"print receipt", "print voucher", "statement", "report quarterly"} <= set(found)
    missing = sorted(set(found) - set(DEMO))
    assert not missing, f"add a row for {missing} to DEMO in tests/printing.py"
    assert not set(DEMO) - set(found), f"DEMO lists documents the command has not: {set(DEMO) - set(found)}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", documents())
def test_each_document_prints_to_an_a4_pdf_with_its_words_and_signatures(
    books: Path, tmp_path: Path, name: str, lang: str
) -> None:
    _need_weasyprint()
    html = print_document(books, name, lang, tmp_path / "page.html").read_text(encoding="utf-8")
    wanted = expected(html)
    pdf = read_pdf(print_document(books, name, lang, tmp_path / "page.pdf").read_bytes())

    assert pdf.pages >= 1
    assert all(is_a4(size, landscape=wanted.landscape) for size in pdf.sizes), pdf.sizes
    # 第 N 页 共 M 页 on every page, M the PDF's own page count
    assert page_counters(pdf, lang) == numbered(pdf.pages)
    if DEMO[name].pages is not None:
        assert pdf.pages == DEMO[name].pages
    assert wanted.signatures, f"{name} prints no signature lines"
    for line in wanted.signatures:
        assert squeeze(line) in pdf.text, line
    if DEMO[name].capitals:
        assert wanted.capitals, f"{name} prints no amount in words (大写)"
    for amount in wanted.capitals:
        assert squeeze(amount) in pdf.text, amount
    if shutil.which("pdftotext") is not None:  # poppler-utils; CI has it
        cut = beyond_right_margin(tmp_path / "page.pdf", wanted.margins[1])
        known_cut(name, lang, cut)
        assert cut == [], "words past the printable width (cut at the right margin)"


REPORT = Report(
    kind="sample",
    title="repayment_schedule",
    subject="丰宁县幸福工程资金",
    as_of=date(2024, 3, 31),
    sections=(
        Section(
            "households",
            "summary",
            table=Table((Column("name", "account_name", ColumnKind.TEXT),), (("王秀英",),)),
        ),
    ),
)


def test_pdf_is_a_format_by_name_and_suffix(tmp_path: Path) -> None:
    assert format_for_path("季报表.PDF") is Format.PDF
    assert Format("pdf") is Format.PDF
    _need_weasyprint()
    data = render(REPORT, Format.PDF)
    assert isinstance(data, bytes)
    assert data.startswith(b"%PDF-")
    path = write(REPORT, tmp_path / "季报表.pdf", lang="en")
    pdf = read_pdf(path.read_bytes())
    assert "王秀英" in pdf.text
    assert "Repaymentschedule" in pdf.text
    assert all(is_a4(size, landscape=False) for size in pdf.sizes)


def test_a_countys_own_header_reaches_the_pdf(tmp_path: Path) -> None:
    _need_weasyprint()
    folder = tmp_path / "county"
    folder.mkdir()
    (folder / "header.html.j2").write_text(
        '<header><h1>{{ title }}</h1><p class="logo">丰宁满族自治县计划生育协会（章）</p></header>',
        encoding="utf-8",
    )
    pdf = read_pdf(render(REPORT, "pdf", templates=folder))
    assert squeeze("丰宁满族自治县计划生育协会（章）") in pdf.text


@pytest.fixture
def without_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the extra were not installed: ``import weasyprint`` raises ImportError."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)


@pytest.mark.usefixtures("without_weasyprint")
def test_without_the_extra_a_pdf_is_refused_with_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(PdfUnavailable) as caught:
        render(REPORT, Format.PDF)
    refusal = caught.value
    assert isinstance(refusal, UnknownFormat)
    assert isinstance(refusal, ValueError)
    assert refusal.code == "pdf_unavailable"
    assert refusal.category == "invalid_input"
    assert 'pip install "revolve[pdf]"' in str(refusal)
    assert 'pip install "revolve[pdf]"' in refusal.message("zh")
    assert "无法生成 PDF" in refusal.message("zh")
    with pytest.raises(PdfUnavailable):
        write(REPORT, tmp_path / "季报表.pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("without_weasyprint")
def test_without_the_extra_the_command_says_how_to_install_it(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "收据.pdf"
    argv = [
        "--db",
        str(books / "demo.db"),
        "print",
        "receipt",
        "--fund",
        "FN-HP",
        "R-001-04",
        "-o",
        str(target),
    ]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "无法生成 PDF" in err
    assert 'pip install "revolve[pdf]"' in err
    assert not target.exists()
