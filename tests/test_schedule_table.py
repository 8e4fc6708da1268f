"""Tests of the schedule table (revolve.reports.schedule_table) and the label catalogue."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings

from revolve.errors import NotFound
from revolve.money import yuan
from revolve.reports.labels import LABELS, Language, UnknownLabel, UnknownLanguage, label
from revolve.reports.schedule_table import SCHEDULE_COLUMNS, render_schedule, schedule_csv, schedule_rows
from revolve.schedule import FeeTiming, LoanTerms, RepaymentMethod, Schedule, generate_schedule
from strategies import loan_terms


@pytest.fixture
def textbook() -> Schedule:
    # ¥10,000 over 6 months at 6 %, a 3 % a year fee up front (10,000 × 3 % × 6/12 = 150.00).
    return generate_schedule(
        LoanTerms(
            principal=yuan("10000"),
            start=date(2024, 1, 31),
            term=6,
            method=RepaymentMethod.EQUAL_INSTALLMENT,
            rate=Decimal("0.06"),
            fee_rate=Decimal("0.03"),
            fee_timing=FeeTiming.UPFRONT,
        )
    )


def test_labels_default_to_chinese() -> None:
    assert label("due_date") == "还款日期"
    assert label("due_date", "en") == "Due date"
    assert label("principal", Language.EN) == "Principal"
    assert label("equal_installment") == "等额本息"


def test_every_label_has_both_languages() -> None:
    for key, (zh, en) in LABELS.items():
        assert zh.strip(), key
        assert en.strip(), key
        assert zh != en, key
    with pytest.raises(TypeError):
        LABELS["x"] = ("x", "x")  # type: ignore[index]


def test_unknown_labels_and_languages_are_refused() -> None:
    with pytest.raises(UnknownLabel) as caught:
        label("no_such_key")
    assert caught.value.key == "no_such_key"
    assert isinstance(caught.value, NotFound | LookupError)
    with pytest.raises(UnknownLanguage) as wrong:
        label("due_date", "fr")
    assert wrong.value.key == "fr"


def test_table_has_chinese_headers_by_default(textbook: Schedule) -> None:
    text = render_schedule(textbook)
    header = text.splitlines()[0]
    for chinese in ("期数", "还款日期", "应还本金", "应还利息", "管理费", "本期应还", "剩余本金"):
        assert chinese in header
    assert "Principal" not in text
    # The up-front fee row, the first instalment (hand: 50.00 interest, 1,645.95 principal on the
    # annuity 10,000 × 0.005 × 1.005^6 / (1.005^6 − 1) = 1,695.95) and the totals row 合计.
    assert "放款日" in text
    assert "150.00" in text
    assert "1,695.95" in text
    assert text.splitlines()[-1].lstrip().startswith("合计")
    assert "10,000.00" in text.splitlines()[-1]


def test_table_in_english(textbook: Schedule) -> None:
    text = render_schedule(textbook, lang="en", tablefmt="github")
    header = text.splitlines()[0]
    for english in ("No.", "Due date", "Principal", "Interest", "Fee", "Total due", "Balance after"):
        assert english in header
    assert "还款" not in text
    last = text.splitlines()[-1]
    assert last.startswith("|")
    assert "Total" in last


def test_csv_round_trips_the_amounts(textbook: Schedule) -> None:
    rows = list(csv.reader(io.StringIO(schedule_csv(textbook))))
    assert rows[0] == [label(key) for key in SCHEDULE_COLUMNS]
    body, total = rows[1:-1], rows[-1]
    assert body[0][0] == "放款日"  # the up-front fee
    instalments = body[1:]
    assert [row[0] for row in instalments] == [str(n) for n in range(1, 7)]
    assert instalments[0][1] == "2024-02-29"
    assert sum(Decimal(row[2]) for row in instalments) == Decimal("10000.00")
    assert total[0] == "合计"
    assert Decimal(total[2]) == Decimal("10000.00")
    assert Decimal(total[4]) == textbook.total_fee.yuan
    assert Decimal(total[5]) == textbook.total.yuan
    assert "," not in "".join(row[2] for row in instalments)  # plain numbers for spreadsheets


def test_csv_in_english_has_english_headers(textbook: Schedule) -> None:
    first = schedule_csv(textbook, lang="en").splitlines()[0]
    assert first == "No.,Due date,Principal,Interest,Fee,Total due,Balance after"


@settings(max_examples=50, deadline=None)
@given(loan_terms())
def test_rows_add_across_and_down(terms: LoanTerms) -> None:
    schedule = generate_schedule(terms)
    rows = schedule_rows(schedule, grouping=False)
    instalments = rows[1:-1] if schedule.upfront_fee else rows[:-1]
    assert len(instalments) == len(schedule.installments)
    for row in rows[:-1]:
        principal, interest, fee, total = (Decimal(cell or "0") for cell in row[2:6])
        assert principal + interest + fee == total
    totals = rows[-1]
    for column in (2, 3, 4, 5):
        assert Decimal(totals[column]) == sum(Decimal(row[column] or "0") for row in rows[:-1])
