"""Import templates (导入模板): a workbook a clerk fills and imports back.

``revolve template households|loans|repayments|contributions -o 模板.xlsx`` writes one worksheet: row 1
notes (必填/选填 and the form each column takes), row 2 the Chinese headers, row 3 an example row, then
empty rows formatted for typing — dates as ``yyyy-mm-dd``, amounts as ``#,##0.00``, ID numbers and codes
as text (文本, so Excel does not cut an 18-digit ID to 15 digits). Categories, repayment methods, payers
and contribution sources have dropdowns (data validation lists). Importing the template back reads its
header on row 2 (the notes row is skipped as a title row) and records the example row, which the
examples chain: the loan is the example household's, the repayment the example loan's.

The ``contributions`` template (捐赠/拨款到账) is imported as ``revolve import contributions``: each row
one :meth:`Ledger.contribute <revolve.Ledger.contribute>`, restricted (限定性) as 幸福工程 money is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from revolve.households import FamilyPlanningStatus
from revolve.importers.columns import COLUMNS, ImportKind
from revolve.rules import ContributionSource, PayerKind

TEMPLATE_KINDS = ("households", "loans", "repayments", "contributions")
"""The templates :func:`write_template` writes."""

_DATE, _AMOUNT, _TEXT, _COUNT = "yyyy-mm-dd", "#,##0.00", "@", "0"
_BLANK_ROWS = 200
"""Rows below the example formatted and validated for typing."""


@dataclass(frozen=True, slots=True)
class _Field:
    header: str
    note: str
    example: object
    form: str = _TEXT
    choices: Sequence[str] = ()


_METHODS = ("一次性还本付息", "等额本息", "等额本金", "等本等息", "按期付息到期还本")
_FIELDS: Mapping[str, tuple[_Field, ...]] = {
    "households": (
        _Field("户编码", "必填，本基金内唯一", "H0001"),
        _Field("母亲姓名", "必填", "王秀英"),
        _Field("身份证号", "必填，18位，单元格为文本", "110105199001019007"),
        _Field("登记日期", "必填，如 2025-01-05", date(2025, 1, 5), _DATE),
        _Field(
            "计生类别",
            "选填，下拉选择",
            FamilyPlanningStatus.COMPLIANT.label_zh,
            _TEXT,
            tuple(s.label_zh for s in FamilyPlanningStatus),
        ),
        _Field("所在村", "选填，本县已建的村名", None),
        _Field("联系电话", "选填", None),
        _Field("帮扶前年收入", "选填，元", None, _AMOUNT),
        _Field("家庭人口", "选填，人数", 4, _COUNT),
    ),
    "loans": (
        _Field("借款编号", "必填，本基金内唯一", "L0001"),
        _Field("户编码", "必填，已登记的户", "H0001"),
        _Field("批次", "必填，新批次自动开设", "2025-1"),
        _Field("金额", "必填，元，最多两位小数", 5000, _AMOUNT),
        _Field("放款日期", "必填，如 2025-02-01", date(2025, 2, 1), _DATE),
        _Field("期数", "必填，月数", 12, _COUNT),
        _Field("还款方式", "选填，下拉选择（默认一次性还本付息）", _METHODS[0], _TEXT, _METHODS),
        _Field("年利率", "选填，如 0.049 或 4.9%，免息留空", None),
        _Field("担保人", "担保人编码，多个用、分隔", "G0001"),
        _Field("用途", "选填，如 养殖", None),
    ),
    "repayments": (
        _Field("借款编号", "必填", "L0001"),
        _Field("金额", "必填，元", 5000, _AMOUNT),
        _Field("还款日期", "必填，如 2026-02-01", date(2026, 2, 1), _DATE),
        _Field("还款凭证号", "必填，每张凭证一次", "R0001"),
        _Field(
            "还款人",
            "选填，下拉选择（默认借款人）",
            PayerKind.BORROWER.label_zh,
            _TEXT,
            tuple(p.label_zh for p in PayerKind),
        ),
        _Field("担保人", "担保人代偿时必填", None),
        _Field("提前还款", "选填，下拉选择", None, _TEXT, ("缩短期限", "减少月供")),
    ),
    "contributions": (
        _Field("到账日期", "必填，如 2025-01-15", date(2025, 1, 15), _DATE),
        _Field("金额", "必填，元", 100000, _AMOUNT),
        _Field(
            "来源",
            "必填，下拉选择",
            ContributionSource.DONATION.label_zh,
            _TEXT,
            tuple(s.label_zh for s in ContributionSource),
        ),
        _Field("捐赠方", "选填", "某某公司"),
        _Field("收据号", "选填，捐赠收据编号", "D0001"),
    ),
}


def write_template(kind: str, path: str | Path) -> Path:
    """Write the import template of ``kind`` to an ``.xlsx`` workbook.

    Args:
        kind: ``households``, ``loans``, ``repayments`` or ``contributions``.
        path: the workbook to write (overwritten).

    Returns:
        The path written.

    Raises:
        ValueError: ``kind`` is not one of :data:`TEMPLATE_KINDS`.
        OSError: the workbook cannot be written.
    """
    if kind not in _FIELDS:
        raise ValueError(f"no template {kind!r}: give one of {', '.join(TEMPLATE_KINDS)}")
    fields = _FIELDS[kind]
    known = {h for c in COLUMNS[ImportKind(kind)] for h in c.headers}
    assert all(f.header in known for f in fields), kind  # every header is one the importer reads
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = {"households": "户档案", "loans": "借款", "repayments": "还款", "contributions": "捐赠"}[kind]
    ws.append([f.note for f in fields])
    ws.append([f.header for f in fields])
    ws.append([f.example for f in fields])
    last = 3 + _BLANK_ROWS
    for index, f in enumerate(fields, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(12, 2 * len(f.header) + 6, len(f.note) + 4)
        note, head = ws.cell(1, index), ws.cell(2, index)
        note.font = Font(color="808080", size=9)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor="FFF2CC" if "必填" in f.note else "DDEBF7")
        for row in range(3, last + 1):
            ws.cell(row, index).number_format = f.form
        if f.choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"', allow_blank=True)
            rule.error, rule.errorTitle = "请从下拉列表中选择", f.header
            rule.add(f"{letter}3:{letter}{last}")
            ws.add_data_validation(rule)
        elif f.form == _DATE:
            rule = DataValidation(type="date", operator="greaterThan", formula1="1")
            rule.error, rule.errorTitle = "请填写日期，如 2026-03-31", f.header
            rule.add(f"{letter}3:{letter}{last}")
            ws.add_data_validation(rule)
        elif f.form == _AMOUNT:
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
            rule.error, rule.errorTitle = "请填写金额（元），最多两位小数", f.header
            rule.add(f"{letter}3:{letter}{last}")
            ws.add_data_validation(rule)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A3"
    target = Path(path)
    workbook.save(target)
    return target
