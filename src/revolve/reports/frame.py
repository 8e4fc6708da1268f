"""The frame of a printed report: who issues it (编制单位), who signs it, when it was printed.

The documents (收款收据, 借款借据, 记账凭证) and the 还款对账单 build their own frame, with the signature
lines each needs. Any other report — the 季报表, the 台账, the 民非 statements, the books — is given the
office's frame by :func:`framed`: 编制单位 and the 制表人 / 审核人 / 负责人 lines, which ``revolve report``
adds to every report it prints.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from revolve.reports.model import Letterhead, Report, Signature

__all__ = ["OFFICE_SIGNATURES", "framed"]

OFFICE_SIGNATURES: tuple[Signature, ...] = (
    Signature("sign_prepared_by"),
    Signature("sign_reviewed_by"),
    Signature("sign_head"),
)
"""The lines an office report is signed on: 制表人, 审核人, 负责人."""


def framed(report: Report, organisation: str, *, printed_on: date | None = None) -> Report:
    """The report with an office's frame, unless it has one already (a document keeps its own).

    Args:
        report: the report.
        organisation: the 编制单位, e.g. the name of the organisation that owns the fund.
        printed_on: the print date, if it is to be printed (kept when the report has one).

    Returns:
        The report with a :class:`Letterhead` naming ``organisation`` and the 制表人 / 审核人 / 负责人 lines
        when it had no letterhead; its print date set when it had none.
    """
    if report.letterhead is None:
        report = replace(
            report, letterhead=Letterhead(organisation), signatures=report.signatures or OFFICE_SIGNATURES
        )
    if report.printed_on is None and printed_on is not None:
        report = replace(report, printed_on=printed_on)
    return report
