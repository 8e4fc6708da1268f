"""Renderers: every format shows every figure, in Chinese or English, and the machine formats round-trip.

Sample reports are built by hand (the builders have tests of their own): Chinese text, amounts (negative
too), counts, dates, rates of money and of counts (one undefined), decimals, empty cells, translated
terms, a total row, notes, a facts-only section, a table-only section and one with both. The .xlsx is
re-opened with openpyxl and must hold numbers as numbers; CSV and JSON are parsed back and must give
every amount exactly; HTML must be well-formed XML.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet
from wcwidth import wcswidth

from revolve.money import Money
from revolve.ratios import Ratio
from revolve.reports.labels import Language, UnknownLabel, UnknownLanguage, label
from revolve.reports.model import Cell, Column, ColumnKind, Fact, Report, Section, Table, Term
from revolve.reports.render import (
    Format,
    InvalidReport,
    PdfUnavailable,
    UnknownFormat,
    format_for_path,
    render,
    write,
)
from revolve.reports.render.delimited import unneutralised
from strategies import money

K = ColumnKind
AS_OF = date(2024, 3, 31)
PERIOD = (date(2024, 1, 1), date(2024, 3, 31))
SUBJECT = "丰宁县幸福工程 <大阁镇> & 'x' | *"
PLAIN_NOTE = "脱贫率 = 脱贫户数 ÷ 结清户数"

FACTS = (
    Fact("principal", Money(1_200_000_00)),
    Fact("installment_number", 3605),
    Fact("due_date", date(2024, 2, 29)),
    Fact("interest", Ratio(3567, 3605)),
    Fact("fee", Ratio(Money(12_000_00), Money(480_000_00))),
    Fact("installment_total", None),
    Fact("balance_after", Decimal("2.10")),
    Fact("disbursement", Term("equal_installment")),
    Fact("account_name", "王秀英（户主）"),
)
COLUMNS = (
    Column("number", "installment_number", K.COUNT),
    Column("due", "due_date", K.DATE),
    Column("principal", "principal", K.MONEY),
    Column("rate", "interest", K.RATIO),
    Column("fee", "fee", K.DECIMAL),
    Column("name", "account_name", K.TEXT),
)
ROWS: tuple[tuple[Cell, ...], ...] = (
    (
        1,
        date(2024, 1, 31),
        Money(1_234_567_89),
        Ratio(Money(356_700), Money(360_500)),
        Decimal("0.0490"),
        "李桂兰",
    ),
    (2, date(2024, 2, 29), Money(-5), Ratio(Money(0), Money(0)), None, "=1+1"),
    (1_000, None, Money(0), Ratio(Money(1), Money(3)), Decimal("12345.5"), Term("bullet")),
)
TOTAL: tuple[Cell, ...] = (None, None, Money(1_234_567_84), None, None, None)
COUNT_COLUMNS = (
    Column("method", "account_name", K.TEXT),
    Column("loans", "installment_number", K.COUNT),
    Column("exit", "interest", K.RATIO),
)


def sample_report(*, period: tuple[date, date] | None = PERIOD) -> Report:
    """A report with one section of facts, one of a table, and one of both."""
    return Report(
        kind="sample",
        title="repayment_schedule",
        subject=SUBJECT,
        as_of=AS_OF,
        period=period,
        sections=(
            Section("figures", "trial_balance", facts=FACTS),
            Section("schedule", "repayment_schedule", table=Table(COLUMNS, ROWS, TOTAL)),
            Section(
                "households",
                "summary",
                facts=(Fact("principal", Money(300_000_00)),),
                table=Table(
                    COUNT_COLUMNS,
                    ((Term("custom"), 270, Ratio(267, 270)), ("小额贴息", 0, Ratio(0, 0))),
                    (Term("total"), 270, Ratio(267, 270)),
                ),
            ),
        ),
        notes=("total", PLAIN_NOTE),
    )


REPORT = sample_report()
LANGS = ("zh", "en")


def every_label(lang: str) -> list[str]:
    """Every label the sample report shows (the terms and the header words included)."""
    keys = [
        "repayment_schedule",
        "trial_balance",
        "summary",
        "total",
        "equal_installment",
        "bullet",
        "custom",
    ]
    keys += [fact.label for fact in FACTS] + [column.label for column in COLUMNS]
    return [label(key, lang) for key in keys]


# Figures as people read them, in every human format.
FIGURES = [
    "1,234,567.89",
    "-0.05",
    "1,234,567.84",
    "3,605",
    "1,000",
    "2024-02-29",
    "2024-01-31",
    "98.95% (3,567 ÷ 3,605)",
    "98.95% (3,567.00 ÷ 3,605.00)",
    "2.50% (¥12,000.00 ÷ ¥480,000.00)",
    "33.33% (0.01 ÷ 0.03)",
    "— (0.00 ÷ 0.00)",
    "98.89% (267 ÷ 270)",
    "— (0 ÷ 0)",
    "0.0490",
    "12,345.5",
    "2.10",
    "李桂兰",
]


# ---- choosing a format ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("q.txt", Format.TEXT),
        ("q.md", Format.MARKDOWN),
        ("q.html", Format.HTML),
        ("季报表.CSV", Format.CSV),
        ("dir.v2/季报表.xlsx", Format.XLSX),
        ("q.json", Format.JSON),
    ],
)
def test_format_for_path_reads_the_suffix(name: str, expected: Format) -> None:
    assert format_for_path(name) is expected
    assert format_for_path(Path(name)) is expected


@pytest.mark.parametrize("name", ["q.docx", "q", "q.xls", "csv"])
def test_an_unknown_suffix_is_refused(name: str) -> None:
    with pytest.raises(UnknownFormat) as caught:
        format_for_path(name)
    assert isinstance(caught.value, ValueError)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(UnknownFormat, match="docx"):
        render(REPORT, "docx")


def test_render_returns_bytes_only_for_excel_and_pdf() -> None:
    for fmt in Format:
        try:
            output = render(REPORT, fmt)
        except PdfUnavailable:
            continue  # without the extra revolve[pdf]; tests/test_pdf.py covers both cases
        assert isinstance(output, bytes) is (fmt in (Format.XLSX, Format.PDF))


# ---- refusals ---------------------------------------------------------------------------------------

_UNKNOWN = "no_such_label_key"


def _with_unknown_label(where: str) -> Report:
    figures, schedule, households = REPORT.sections
    if where == "title":
        return replace(REPORT, title=_UNKNOWN)
    if where == "section":
        return replace(REPORT, sections=(replace(figures, title=_UNKNOWN), schedule, households))
    if where == "fact":
        return replace(REPORT, sections=(replace(figures, facts=(Fact(_UNKNOWN, 1),)), schedule, households))
    if where == "column":
        assert schedule.table is not None
        columns = (replace(COLUMNS[0], label=_UNKNOWN), *COLUMNS[1:])
        return replace(
            REPORT, sections=(figures, replace(schedule, table=Table(columns, ROWS, TOTAL)), households)
        )
    assert where == "term"
    return replace(
        REPORT, sections=(replace(figures, facts=(Fact("fee", Term(_UNKNOWN)),)), schedule, households)
    )


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("where", ["title", "section", "fact", "column", "term"])
def test_an_unknown_label_key_raises(fmt: Format, where: str) -> None:
    with pytest.raises(UnknownLabel) as caught:
        render(_with_unknown_label(where), fmt)
    assert caught.value.key == _UNKNOWN


def test_a_note_may_be_plain_text_or_a_label_key() -> None:
    text = render(REPORT, Format.TEXT)
    assert PLAIN_NOTE in text
    assert "1. 合计" in text
    assert "1. Total" in render(REPORT, Format.TEXT, lang="en")


@pytest.mark.parametrize("fmt", list(Format))
def test_an_unknown_language_raises(fmt: Format) -> None:
    with pytest.raises(UnknownLanguage):
        render(REPORT, fmt, lang="fr")


def _with_cell(value: Any, column: int = 2) -> Report:
    row = list(ROWS[0])
    row[column] = value
    _, schedule, _ = REPORT.sections
    table = Table(COLUMNS, (tuple(row),), TOTAL)
    return replace(REPORT, sections=(replace(schedule, table=table),))


@pytest.mark.parametrize(
    ("report", "reason"),
    [
        (_with_cell(1234.56), "never a float"),
        (_with_cell(True, column=0), "booleans"),
        (_with_cell(Decimal("NaN"), column=4), "finite"),
        (_with_cell(Money(100), column=0), "a count column holds money"),
        (_with_cell(5), "a money column holds count"),
        (_with_cell("1234.56"), "a money column holds text"),
        (_with_cell(Decimal("0.5"), column=3), "a ratio column holds decimal"),
        (
            replace(REPORT, sections=(Section("s", "summary", table=Table(COLUMNS, ((1, 2),))),)),
            "2 cells for 6",
        ),
        (
            replace(REPORT, sections=(Section("s", "summary", table=Table(COLUMNS, (), (None,))),)),
            "total row",
        ),
        (replace(REPORT, sections=(Section("s", "summary", table=Table((), ())),)), "needs a column"),
        (replace(REPORT, sections=(Section("s", "summary", facts=(Fact("fee", 0.5),)),)), "float"),  # type: ignore[arg-type]
    ],
)
@pytest.mark.parametrize("fmt", list(Format))
def test_a_malformed_report_is_refused(report: Report, reason: str, fmt: Format) -> None:
    with pytest.raises(InvalidReport, match=re.escape(reason)):
        render(report, fmt)


def test_a_term_may_stand_in_any_column_and_a_total_row_says_total() -> None:
    households = REPORT.section("households").table
    assert households is not None
    # 合计 in a count column's place, from Term("total"), and from an empty first cell of the total row
    for lang in LANGS:
        text = render(REPORT, Format.TEXT, lang=lang)
        word = label("total", lang)
        assert re.search(rf"^\s*{word}\s+1,234,567\.84\s*$", text, re.MULTILINE)
        assert re.search(rf"^{word}\s+270\s", text, re.MULTILINE)


# ---- text and Markdown ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [Format.TEXT, Format.MARKDOWN])
@pytest.mark.parametrize("lang", LANGS)
def test_text_shows_every_figure_and_label(fmt: Format, lang: str) -> None:
    text = render(REPORT, fmt, lang=lang)
    assert isinstance(text, str)
    for figure in FIGURES:
        assert figure in text, figure
    for word in every_label(lang):
        assert word.replace("(", "").replace(")", "") in text.replace("(", "").replace(")", ""), word
    assert "¥1,200,000.00" in text  # amounts in facts carry the symbol…
    assert "¥1,234,567.89" not in text  # …amounts in tables do not
    assert "2024-01-01" in text
    assert "2024-03-31" in text
    assert text.endswith("\n")


def test_text_opens_with_the_title_subject_and_dates() -> None:
    first = render(REPORT, Format.TEXT).splitlines()[0]
    assert first == f"还款计划表 — {SUBJECT} — 截至 2024-03-31 — 报告期 2024-01-01 至 2024-03-31"
    first_en = render(replace(REPORT, period=None), Format.TEXT, lang="en").splitlines()[0]
    assert first_en == f"Repayment schedule — {SUBJECT} — As of 2024-03-31"


def test_text_tables_align_chinese_columns() -> None:
    lines = render(REPORT, Format.TEXT).splitlines()
    header = next(n for n, line in enumerate(lines) if "期数" in line and "还款日期" in line)
    header_line, _, first, second, third, _, total = lines[header : header + 7]

    def start(line: str, text: str) -> int:
        return wcswidth(line[: line.index(text)])

    def end(line: str, text: str) -> int:
        return start(line, text) + wcswidth(text)

    # a wide character counts two columns: the Chinese header ends where the amounts end…
    amounts = [(header_line, "应还本金"), (first, "1,234,567.89"), (second, "-0.05"), (total, "1,234,567.84")]
    assert len({end(line, text) for line, text in amounts}) == 1, lines[header : header + 7]
    # …and the text column starts at the same place after Chinese and after ASCII cells
    names = [(header_line, "科目名称"), (first, "李桂兰"), (second, "=1+1"), (third, "一次性还本付息")]
    assert len({start(line, text) for line, text in names}) == 1, lines[header : header + 7]


def test_markdown_escapes_what_markdown_would_read() -> None:
    text = render(REPORT, Format.MARKDOWN)
    assert text.startswith("# 还款计划表 — 丰宁县幸福工程 \\<大阁镇\\> & 'x' \\| \\*")
    assert "|-------:|" in text or re.search(r"\|-+:\|", text)  # right-aligned number columns


# ---- HTML -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_a_well_formed_printable_page_with_every_figure(lang: str) -> None:
    page = render(REPORT, Format.HTML, lang=lang)
    assert isinstance(page, str)
    assert page.startswith("<!DOCTYPE html>")
    root = ET.fromstring(page)
    assert root.tag == "html"
    assert root.get("lang") == ("zh-CN" if lang == "zh" else "en")
    assert root.find("head/meta[@charset='utf-8']") is not None
    style = root.findtext("head/style") or ""
    assert "@page" in style
    assert "size: A4" in style
    for font in ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun"):
        assert f'"{font}"' in style
    assert "table-header-group" in style
    assert not list(root.iter("script")) and not list(root.iter("link")) and not list(root.iter("img"))
    assert not any(el.get("src") or el.get("href") for el in root.iter())
    text = "".join(root.itertext())
    for figure in FIGURES:
        assert figure in text, figure
    for word in every_label(lang):
        assert word in text, word
    assert SUBJECT in text  # escaped in the markup, whole again once parsed
    assert PLAIN_NOTE in text
    tables = [t for t in root.iter("table") if t.find("thead") is not None]
    assert len(tables) == 2
    assert [th.text for th in tables[0].iter("th")] == [label(c.label, lang) for c in COLUMNS]
    money_cells = [td for td in tables[0].iter("td") if td.text == "1,234,567.89"]
    assert money_cells and money_cells[0].get("class") == "num"
    total = tables[0].find("tbody/tr[@class='total']")
    assert total is not None and total[0].text == label("total", lang)


def test_html_drops_characters_xml_cannot_hold() -> None:
    page = render(replace(REPORT, subject="幸福\x01工程\x0b"), Format.HTML)
    assert "幸福工程" in "".join(ET.fromstring(page).itertext())


# ---- CSV --------------------------------------------------------------------------------------------


def _csv_groups(text: str) -> list[tuple[int, list[list[str]]]]:
    """The non-empty runs of CSV rows, each with the number of empty rows before it."""
    groups: list[tuple[int, list[list[str]]]] = []
    gap = 0
    for row in csv.reader(io.StringIO(text)):
        if not row:
            gap += 1
            continue
        if gap or not groups:
            groups.append((gap, []))
            gap = 0
        groups[-1][1].append(row)
    return groups


def _parse_csv(text: str, *, notes: bool = True) -> tuple[list[list[str]], list[dict[str, Any]], list[str]]:
    """Read the documented form back: the head, the sections (title, facts, table rows) and the notes."""
    groups = _csv_groups(text)
    head = groups[0][1]
    sections: list[dict[str, Any]] = []
    for gap, rows in groups[1:]:
        if gap == 2:
            sections.append({"title": rows[0][0], "facts": rows[1:], "table": None})
        else:
            assert gap == 1
            sections[-1]["table"] = rows
    if not notes:
        return head, sections, []
    notes_block = sections.pop()
    assert notes_block["table"] is None
    return head, sections, [row[0] for row in notes_block["facts"]]


def _cell_from_csv(kind: ColumnKind | None, fields: list[str], like: Cell) -> Cell:
    """A cell recovered from its CSV fields, using the kind the sample says it has."""
    if isinstance(like, Ratio):
        fraction, numerator, denominator = fields

        def part(text: str) -> Money | int:
            return Money.of_yuan(text) if "." in text else int(text)

        ratio = Ratio(part(numerator), part(denominator))
        assert fraction == ("" if ratio.value is None else ratio.multiple_text(6))
        return ratio
    (text,) = fields[:1]
    if kind is K.RATIO:
        assert fields[1:] == ["", ""]
    if like is None or isinstance(like, Term | str):
        return None if text == "" else unneutralised(text)
    if isinstance(like, Money):
        return Money.of_yuan(text)
    if isinstance(like, int):
        return int(text)
    if isinstance(like, Decimal):
        return Decimal(text)
    assert isinstance(like, date)
    return date.fromisoformat(text)


def _expected(value: Cell, lang: str) -> Cell:
    """What a human format shows for a cell: a Term as its label."""
    return label(value.key, lang) if isinstance(value, Term) else value


@pytest.mark.parametrize("lang", LANGS)
def test_csv_round_trips_every_value_exactly(lang: str) -> None:
    text = render(REPORT, Format.CSV, lang=lang)
    assert isinstance(text, str)
    head, sections, notes = _parse_csv(text)
    assert head == [
        [label("repayment_schedule", lang)],
        [label("subject", lang), SUBJECT],
        [label("as_of", lang), "2024-03-31"],
        [label("period", lang), "2024-01-01", "2024-03-31"],
    ]
    assert [s["title"] for s in sections] == [label(s.title, lang) for s in REPORT.sections]
    assert notes == [label("total", lang), PLAIN_NOTE]
    for parsed, section in zip(sections, REPORT.sections, strict=True):
        assert [row[0] for row in parsed["facts"]] == [label(f.label, lang) for f in section.facts]
        for row, fact in zip(parsed["facts"], section.facts, strict=True):
            assert _cell_from_csv(None, row[1:], fact.value) == _expected(fact.value, lang)
        if section.table is None:
            assert parsed["table"] is None
            continue
        header, *rows = parsed["table"]
        expected_header: list[str] = []
        for column in section.table.columns:
            name = label(column.label, lang)
            expected_header.append(name)
            if column.kind is K.RATIO:
                expected_header += (
                    [f"{name}（分子）", f"{name}（分母）"]
                    if lang == "zh"
                    else [f"{name} (numerator)", f"{name} (denominator)"]
                )
        assert header == expected_header
        originals = [*section.table.rows, section.table.total]
        assert len(rows) == len(originals)
        for fields, original in zip(rows, originals, strict=True):
            assert original is not None
            at = 0
            recovered: list[Cell] = []
            for column, value in zip(section.table.columns, original, strict=True):
                span = 3 if column.kind is K.RATIO else 1
                recovered.append(_cell_from_csv(column.kind, fields[at : at + span], value))
                at += span
            assert at == len(fields)
            expected = [_expected(value, lang) for value in original]
            if original is section.table.total and original[0] is None:
                expected[0] = label("total", lang)  # an empty first cell of the total row says 合计
            assert recovered == expected


def test_csv_amounts_are_plain_yuan() -> None:
    text = render(REPORT, Format.CSV)
    assert "1234567.89" in text
    assert "1,234,567.89" not in text
    assert "\r\n" in text
    assert "应还本金,1200000.00\r\n" in text
    assert "应还利息,0.989459,3567,3605\r\n" in text
    assert "管理费,0.025000,12000.00,480000.00\r\n" in text


@settings(max_examples=40)
@given(
    amounts=st.lists(money(min_fen=-(10**15) + 1, max_fen=10**15 - 1), min_size=1, max_size=5),
    count=st.integers(min_value=0, max_value=10**9),
)
def test_machine_formats_round_trip_any_amount(amounts: list[Money], count: int) -> None:
    table = Table(
        (Column("principal", "principal", K.MONEY), Column("number", "installment_number", K.COUNT)),
        tuple((amount, count) for amount in amounts),
        (Money.total(amounts), None),
    )
    report = replace(REPORT, sections=(Section("t", "summary", table=table),), notes=())
    _, (section,), _ = _parse_csv(render(report, Format.CSV), notes=False)
    _, *rows = section["table"]
    assert [Money.of_yuan(row[0]) for row in rows] == [*amounts, Money.total(amounts)]
    assert [row[1] for row in rows[:-1]] == [str(count)] * len(amounts)

    document = json.loads(render(report, Format.JSON), parse_float=_no_float)
    parsed = document["sections"][0]["table"]
    assert [Money.of_yuan(row[0]) for row in parsed["rows"]] == amounts
    assert Money.of_yuan(parsed["total"][0]) == Money.total(amounts)

    workbook = openpyxl.load_workbook(io.BytesIO(render(report, Format.XLSX)))
    sheet = workbook.worksheets[1]
    values = [sheet.cell(row=6 + n, column=1) for n in range(len(amounts) + 1)]
    assert all(cell.data_type == "n" for cell in values)
    assert [Money.of_yuan(Decimal(str(cell.value))) for cell in values] == [*amounts, Money.total(amounts)]


# ---- JSON -------------------------------------------------------------------------------------------


def _no_float(text: str) -> Decimal:
    raise AssertionError(f"JSON holds a float: {text}")


def _cell_from_json(value: Any, like: Cell) -> Cell:
    if value is None:
        return None
    if isinstance(like, Term):
        assert value == {"term": like.key, "label": label(like.key, "zh")}
        return Term(value["term"])
    if isinstance(like, Ratio):
        parts = [
            Money.of_yuan(p) if isinstance(p, str) else p for p in (value["numerator"], value["denominator"])
        ]
        ratio = Ratio(*parts)
        assert value["value"] == (None if ratio.value is None else ratio.multiple_text(6))
        return ratio
    if isinstance(like, Money):
        assert isinstance(value, str)
        return Money.of_yuan(value)
    if isinstance(like, Decimal):
        assert isinstance(value, str)
        return Decimal(value)
    if isinstance(like, date):
        return date.fromisoformat(value)
    assert isinstance(value, int | str)
    return value


def test_json_round_trips_to_the_same_values() -> None:
    text = render(REPORT, Format.JSON)
    assert isinstance(text, str)
    assert "王秀英" in text  # not \\u-escaped
    document = json.loads(text, parse_float=_no_float)
    assert {k: document[k] for k in ("kind", "lang", "title", "subject", "as_of", "period", "notes")} == {
        "kind": "sample",
        "lang": "zh",
        "title": "还款计划表",
        "subject": SUBJECT,
        "as_of": "2024-03-31",
        "period": {"start": "2024-01-01", "end": "2024-03-31"},
        "notes": ["合计", PLAIN_NOTE],
    }
    for parsed, section in zip(document["sections"], REPORT.sections, strict=True):
        assert parsed["key"] == section.key
        assert parsed["title"] == label(section.title, "zh")
        for fact_json, fact in zip(parsed["facts"], section.facts, strict=True):
            assert fact_json["key"] == fact.label
            assert fact_json["label"] == label(fact.label, "zh")
            assert _cell_from_json(fact_json["value"], fact.value) == fact.value
        kinds = [f["kind"] for f in parsed["facts"]]
        if section.key == "figures":
            assert kinds == ["money", "count", "date", "ratio", "ratio", None, "decimal", "term", "text"]
        if section.table is None:
            assert parsed["table"] is None
            continue
        table = parsed["table"]
        assert table["columns"] == [
            {"key": c.key, "label": label(c.label, "zh"), "kind": c.kind.value} for c in section.table.columns
        ]
        for rows_json, rows in (
            (table["rows"], section.table.rows),
            ([table["total"]], [section.table.total]),
        ):
            for row_json, row in zip(rows_json, rows, strict=True):
                assert row is not None
                assert tuple(_cell_from_json(v, like) for v, like in zip(row_json, row, strict=True)) == row


def test_json_labels_follow_the_language() -> None:
    document = json.loads(render(REPORT, Format.JSON, lang="en"))
    assert document["title"] == "Repayment schedule"
    assert [s["title"] for s in document["sections"]] == ["Trial balance", "Repayment schedule", "Summary"]
    assert document["sections"][0]["facts"][7]["value"] == {
        "term": "equal_installment",
        "label": "Equal instalments",
    }


# ---- Excel ------------------------------------------------------------------------------------------


def _workbook(report: Report = REPORT, lang: str = "zh") -> openpyxl.Workbook:
    data = render(report, Format.XLSX, lang=lang)
    assert isinstance(data, bytes)
    return openpyxl.load_workbook(io.BytesIO(data))


def _header_row(sheet: Worksheet, first: str) -> int:
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        if cell.value == first and cell.font.bold and cell.row > 3:
            return cell.row
    raise AssertionError(f"no header {first!r} in {sheet.title}")


def _check_number(cell: Any, value: Cell) -> None:
    """A typed cell holds the value as a number (or a date) in the right format."""
    if value is None:
        assert cell.value is None
    elif isinstance(value, Money):
        assert cell.data_type == "n"
        assert Decimal(str(cell.value)) == value.yuan
        assert cell.number_format == "#,##0.00"
    elif isinstance(value, int):
        assert cell.data_type == "n"
        assert cell.value == value
        assert isinstance(cell.value, int)
        assert cell.number_format == "#,##0"
    elif isinstance(value, Decimal):
        assert cell.data_type == "n"
        assert Decimal(str(cell.value)) == value
    elif isinstance(value, date):
        assert cell.is_date
        assert isinstance(cell.value, datetime)
        assert cell.value.date() == value
        assert cell.number_format == "yyyy-mm-dd"
    else:
        assert cell.data_type == "s"
        assert cell.value == value


def _check_ratio(cells: tuple[Any, Any, Any], ratio: Ratio) -> None:
    fraction, numerator, denominator = cells
    if ratio.value is None:
        assert fraction.value == "—"
    else:
        assert fraction.data_type == "n"
        assert fraction.number_format == "0.00%"
        assert abs(Decimal(str(fraction.value)) - ratio.value) < Decimal("1e-15")
    _check_number(numerator, ratio.numerator)
    _check_number(denominator, ratio.denominator)


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_holds_numbers_as_numbers(lang: str) -> None:
    book = _workbook(lang=lang)
    summary = label("summary", lang)  # the third section's title is also 概要: its sheet is 概要(2)
    assert book.sheetnames == [
        summary,
        label("trial_balance", lang),
        label("repayment_schedule", lang),
        f"{summary}(2)",
    ]
    facts_sheet, table_sheet = book.worksheets[1], book.worksheets[2]

    # facts: 项目 | 数值 | 分子 | 分母
    start = _header_row(facts_sheet, label("item", lang))
    assert [c.value for c in facts_sheet[start]] == [
        label(k, lang) for k in ("item", "value", "numerator", "denominator")
    ]
    for offset, fact in enumerate(FACTS, 1):
        row = facts_sheet[start + offset]
        assert row[0].value == label(fact.label, lang)
        if isinstance(fact.value, Ratio):
            _check_ratio((row[1], row[2], row[3]), fact.value)
        else:
            _check_number(row[1], _expected(fact.value, lang))

    # the table, a rate spread over three columns
    start = _header_row(table_sheet, label("installment_number", lang))
    header = [c.value for c in table_sheet[start]]
    rate = label("interest", lang)
    assert header[3] == rate and header[4].startswith(rate) and header[5].startswith(rate)
    assert table_sheet.freeze_panes == f"A{start + 1}"
    assert all(
        c.font.bold and c.fill.fgColor.rgb.endswith("D9E1F2") and c.border.bottom.style
        for c in table_sheet[start]
    )
    for offset, original in enumerate([*ROWS, TOTAL], 1):
        row = table_sheet[start + offset]
        cells = iter(row)
        for column, value in zip(COLUMNS, original, strict=True):
            if column.kind is K.RATIO:
                parts = (next(cells), next(cells), next(cells))
                if isinstance(value, Ratio):
                    _check_ratio(parts, value)
                continue
            cell = next(cells)
            if original is TOTAL and value is None and column is COLUMNS[0]:
                assert cell.value == label("total", lang)
                assert cell.font.bold
            else:
                _check_number(cell, _expected(value, lang))


def test_xlsx_stores_exact_decimal_text_and_never_a_formula() -> None:
    data = render(REPORT, Format.XLSX)
    assert isinstance(data, bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet3.xml").decode("utf-8")
    assert "<v>1234567.89</v>" in sheet
    assert "<v>-0.05</v>" in sheet
    assert "<f>" not in sheet  # "=1+1" is a name, not a formula
    cell = _workbook().worksheets[2]["H7"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_xlsx_summary_sheet_holds_the_frame_and_notes() -> None:
    sheet = _workbook().worksheets[0]
    values = {row[0].value: row[1:] for row in sheet.iter_rows() if row[0].value}
    assert sheet["A1"].value == "还款计划表"
    assert values["报告对象"][0].value == SUBJECT
    assert values["截至"][0].value.date() == AS_OF
    assert [c.value.date() for c in values["报告期"][:2]] == list(PERIOD)
    texts = [row[0].value for row in sheet.iter_rows()]
    assert PLAIN_NOTE in texts
    assert "科目余额表" in texts


def test_xlsx_columns_fit_chinese_text() -> None:
    sheet = _workbook().worksheets[1]
    # the widest value, "王秀英（户主）", is 7 wide characters: 14 columns, plus a margin
    width = sheet.column_dimensions["B"].width
    assert width is not None and 14 < width < 20
    english = _workbook(lang="en").worksheets[1].column_dimensions["A"].width
    assert english == len("Balance after") + 2  # the longest English label, one column each


def test_xlsx_sheet_names_are_legal_and_unique() -> None:
    report = replace(
        REPORT,
        sections=tuple(
            Section(f"s{n}", key) for n, key in enumerate(["interest_only", "summary", "Summary", "summary"])
        ),
    )
    with pytest.raises(UnknownLabel):
        _workbook(report, "en")  # "Summary" is not a label key
    report = replace(report, sections=tuple(s for s in report.sections if s.title != "Summary"))
    names = _workbook(report, "en").sheetnames
    assert names == ["Summary", "Interest only, principal at mat", "Summary(2)", "Summary(3)"]
    assert all(len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name) for name in names)


# ---- both languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [Format.TEXT, Format.MARKDOWN, Format.HTML, Format.CSV, Format.JSON])
def test_english_has_no_chinese_labels_and_chinese_has_no_english_ones(fmt: Format) -> None:
    report = replace(REPORT, subject="Fengning", notes=("total",))
    report = replace(report, sections=tuple(replace(s, facts=s.facts[:-1]) for s in report.sections))
    report = replace(
        report,
        sections=tuple(
            replace(s, table=replace(s.table, rows=s.table.rows[:1])) if s.table is not None else s
            for s in report.sections
        ),
    )
    english = render(report, fmt, lang=Language.EN)
    chinese = render(report, fmt, lang=Language.ZH)
    assert isinstance(english, str) and isinstance(chinese, str)
    assert not re.search(r"[\u4e00-\u9fff]", english.replace("李桂兰", ""))
    for word in ("Repayment schedule", "Trial balance", "Principal", "Due date"):
        assert word in english and word not in chinese
    for word in ("还款计划表", "科目余额表", "应还本金", "还款日期"):
        assert word in chinese


# ---- write() ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".csv", ".xlsx", ".json"])
def test_write_picks_the_format_from_the_suffix(tmp_path: Path, suffix: str) -> None:
    path = write(REPORT, tmp_path / f"季报表{suffix}")
    assert path == tmp_path / f"季报表{suffix}"
    data = path.read_bytes()
    fmt = format_for_path(path)
    expected = render(REPORT, fmt)
    if fmt is Format.XLSX:
        assert data.startswith(b"PK")
        assert openpyxl.load_workbook(path).sheetnames[0] == "概要"
    elif fmt is Format.CSV:
        assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads the Chinese
        assert data.decode("utf-8-sig") == expected
    else:
        assert data.decode("utf-8") == expected


def test_write_takes_an_explicit_format_and_language(tmp_path: Path) -> None:
    path = write(REPORT, tmp_path / "report.out", fmt="json", lang="en")
    assert json.loads(path.read_text(encoding="utf-8"))["lang"] == "en"


def test_write_refuses_before_it_touches_the_file(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormat):
        write(REPORT, tmp_path / "report.docx")
    with pytest.raises(UnknownLabel):
        write(replace(REPORT, title=_UNKNOWN), tmp_path / "report.csv")
    assert list(tmp_path.iterdir()) == []
