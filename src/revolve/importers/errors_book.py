"""The errors workbook (``--errors 错误.xlsx``): the clerk's own bad rows, ready to fix and import again.

It holds the header of the file as it was, then each row that had a problem, its cells as read (original
columns, values and order), and a last column 错误原因 with every problem of that row. A problem of the
header itself (a required column missing) is written against every row, since none could be read. The
reasons are masked (:func:`~revolve.importers.results.mask_personal`): the row's own cells keep the
clerk's data as she typed it, but no national ID or phone is copied into 错误原因. The clerk corrects
the cells, deletes the 错误原因 column or leaves it (an unknown column is only noted), and imports the
workbook again; rows already imported meanwhile are skipped as unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from revolve.errors.base import HintRenderer
from revolve.importers.results import ImportResult
from revolve.importers.sheets import SheetRows

REASON_HEADER = "错误原因"


def write_errors(
    result: ImportResult, sheet: SheetRows, path: str | Path, *, render_hint: HintRenderer | None = None
) -> ImportResult:
    """Write the bad rows of an import, with their reasons, to an ``.xlsx`` workbook.

    Args:
        result: what the import found.
        sheet: the rows it read.
        path: the workbook to write (overwritten).
        render_hint: how a reason names the fix of a refusal (the CLI's options); Python's when None.

    Returns:
        ``result`` with :attr:`~ImportResult.errors_file` set to ``path``.

    Raises:
        OSError: the workbook cannot be written.
    """
    reasons: dict[int, list[str]] = {}
    for problem in result.problems:
        reasons.setdefault(problem.row, []).append(
            problem.reason("zh", columns=result.columns, render_hint=render_hint)
        )
    whole = reasons.pop(sheet.header_row, [])
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "错误"
    header = [*sheet.header, REASON_HEADER]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.cell(1, len(header)).fill = PatternFill("solid", fgColor="FFC7CE")
    for number, cells in sheet.rows:
        why = [*whole, *reasons.get(number, [])]
        if not why:
            continue
        values = list(cells) + [None] * (len(sheet.header) - len(cells))
        ws.append([*values[: len(sheet.header)], "；".join(why)])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime | date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                cell.number_format = "@"  # an ID typed as text stays text when the clerk retypes it
    for index, text in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(text) + 4)
    ws.column_dimensions[get_column_letter(len(header))].width = 60
    ws.freeze_panes = "A2"
    target = Path(path)
    workbook.save(target)
    return replace(result, errors_file=str(target))
