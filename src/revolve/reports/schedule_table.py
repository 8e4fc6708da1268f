"""A repayment schedule as a table for people (tabulate) and as CSV text (还款计划表).

Columns, in order: number 期数, due date 还款日期, principal 应还本金, interest 应还利息, fee 管理费,
total due 本期应还, balance after 剩余本金. An up-front management fee appears as a first row dated on the
disbursement date, and a totals row 合计 closes the table; its fee is the schedule's total fee, up-front
fee included, so the totals row always adds across.

Amounts are yuan to the fen: grouped (``5,307.27``) in the text table, plain (``5307.27``) in CSV so a
spreadsheet reads them as numbers. Dates are ISO (``2024-02-29``). Headers are Chinese unless ``lang="en"``.
"""

from __future__ import annotations

import csv
import io

from tabulate import tabulate

from revolve.money import Money
from revolve.reports.labels import Language, label
from revolve.schedule import Schedule

__all__ = ["SCHEDULE_COLUMNS", "render_schedule", "schedule_csv", "schedule_rows"]

SCHEDULE_COLUMNS = (
    "installment_number",
    "due_date",
    "principal",
    "interest",
    "fee",
    "installment_total",
    "balance_after",
)
_ALIGN = ("right", "left", "right", "right", "right", "right", "right")


def _amount(value: Money, grouping: bool) -> str:
    return value.format(symbol="", grouping=grouping)


def schedule_rows(
    schedule: Schedule, *, lang: Language | str = Language.ZH, grouping: bool = True
) -> list[list[str]]:
    """The table's rows as text, without the header: instalments, then the totals row.

    Args:
        schedule: the schedule to show.
        lang: the language of the row labels ("zh" or "en").
        grouping: group thousands with commas (``5,307.27``); CSV turns it off.

    Returns:
        One list of seven strings per row: an up-front fee row when there is one, every instalment, and
        a totals row.

    Raises:
        UnknownLanguage: a language other than 'zh' or 'en'.
    """
    rows: list[list[str]] = []
    if schedule.upfront_fee:
        fee = _amount(schedule.upfront_fee, grouping)
        rows.append(
            [
                label("disbursement", lang),
                schedule.terms.start.isoformat(),
                "",
                "",
                fee,
                fee,
                _amount(schedule.terms.principal, grouping),
            ]
        )
    for item in schedule.installments:
        rows.append(
            [
                str(item.number),
                item.due_date.isoformat(),
                _amount(item.principal, grouping),
                _amount(item.interest, grouping),
                _amount(item.fee, grouping),
                _amount(item.total, grouping),
                _amount(item.balance_after, grouping),
            ]
        )
    rows.append(
        [
            label("total", lang),
            "",
            _amount(schedule.total_principal, grouping),
            _amount(schedule.total_interest, grouping),
            _amount(schedule.total_fee, grouping),
            _amount(schedule.total, grouping),
            "",
        ]
    )
    return rows


def render_schedule(
    schedule: Schedule, *, lang: Language | str = Language.ZH, tablefmt: str = "simple"
) -> str:
    """The schedule as a text table with Chinese headers (English with ``lang="en"``).

    Args:
        schedule: the schedule to show.
        lang: "zh" (default) or "en".
        tablefmt: a tabulate format: "simple", "github" (Markdown), "html", "grid", …

    Returns:
        The table as one string.

    Raises:
        UnknownLanguage: a language other than 'zh' or 'en'.
    """
    headers = [label(key, lang) for key in SCHEDULE_COLUMNS]
    return tabulate(
        schedule_rows(schedule, lang=lang),
        headers=headers,
        tablefmt=tablefmt,
        disable_numparse=True,
        colalign=_ALIGN,
    )


def schedule_csv(schedule: Schedule, *, lang: Language | str = Language.ZH) -> str:
    """The schedule as CSV text: a header row, the rows of :func:`schedule_rows`, plain amounts.

    Args:
        schedule: the schedule to write.
        lang: the language of the header and row labels, "zh" (default) or "en".

    Returns:
        CSV text with ``\\r\\n`` line ends (the csv module's default, what Excel expects). Write it
        with ``encoding="utf-8-sig"`` for Excel to read the Chinese headers.

    Raises:
        UnknownLanguage: a language other than 'zh' or 'en'.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label(key, lang) for key in SCHEDULE_COLUMNS])
    writer.writerows(schedule_rows(schedule, lang=lang, grouping=False))
    return buffer.getvalue()
