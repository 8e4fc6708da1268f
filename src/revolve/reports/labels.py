"""Report labels in Chinese and English: one catalogue, key → (中文, English).

Every column header and row label a report prints comes from :data:`LABELS`, so a report can be
rendered in either language and the two never drift apart. Chinese is the default: the people who read
these reports are county finance officers (财务人员) of 计生协 funds. Later reports add their keys here.

Invariants: every key has both a Chinese and an English label, neither empty; the catalogue is read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from revolve.errors import UnknownLabel, UnknownLanguage
from revolve.reports.agreement_labels import AGREEMENT_LABELS
from revolve.reports.document_labels import DOCUMENT_LABELS
from revolve.reports.form_labels import FORM_LABELS
from revolve.reports.gov_labels import GOV_LABELS
from revolve.reports.list_labels import LIST_LABELS
from revolve.reports.report_labels import ACCOUNT_LABELS, REPORT_LABELS

__all__ = ["LABELS", "Language", "UnknownLabel", "UnknownLanguage", "label"]


class Language(StrEnum):
    """A report language: ``zh`` (Chinese, the default) or ``en`` (English)."""

    ZH = "zh"
    EN = "en"


_BASE_LABELS: dict[str, tuple[str, str]] = {
    # the frame every rendered report shares (revolve.reports.render)
    "subject": ("报告对象", "Subject"),
    "as_of": ("截至", "As of"),
    "period": ("报告期", "Period"),
    "through": ("至", "to"),
    "summary": ("概要", "Summary"),
    "contents": ("目录", "Contents"),
    "checkpoint": (
        "账簿校验码（可抄录，日后用 revolve verify --against 核对）",
        "Books checkpoint (write it down; check later with revolve verify --against)",
    ),
    "item": ("项目", "Item"),
    "value": ("数值", "Value"),
    "numerator": ("分子", "Numerator"),
    "denominator": ("分母", "Denominator"),
    "notes": ("附注", "Notes"),
    "annex": ("附表：明细", "Annex (details)"),
    # repayment schedule (还款计划表)
    "repayment_schedule": ("还款计划表", "Repayment schedule"),
    "installment_number": ("期数", "No."),
    "due_date": ("还款日期", "Due date"),
    "principal": ("应还本金", "Principal"),
    "interest": ("应还利息", "Interest"),
    "fee": ("管理费", "Fee"),
    "installment_total": ("本期应还", "Total due"),
    "balance_after": ("剩余本金", "Balance after"),
    "total": ("合计", "Total"),
    "disbursement": ("放款日", "Disbursement"),
    # trial balance (科目余额表)
    "trial_balance": ("科目余额表", "Trial balance"),
    "account_code": ("科目编码", "Code"),
    "account_name": ("科目名称", "Account"),
    "debit_turnover": ("借方发生额", "Debit turnover"),
    "credit_turnover": ("贷方发生额", "Credit turnover"),
    "debit_balance": ("借方余额", "Debit balance"),
    "credit_balance": ("贷方余额", "Credit balance"),
    "to_date": ("截至目前", "to date"),
    # repayment methods (还款方式)
    "equal_installment": ("等额本息", "Equal instalments"),
    "equal_principal": ("等额本金", "Equal principal"),
    "interest_only": ("按期付息、到期还本", "Interest only, principal at maturity"),
    "bullet": ("一次性还本付息", "Bullet (lump sum at maturity)"),
    "custom": ("自定义分期", "Custom instalments"),
    "flat": ("等本等息", "Flat interest (equal principal, equal interest)"),
}

LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        **_BASE_LABELS,
        **REPORT_LABELS,
        **ACCOUNT_LABELS,
        **DOCUMENT_LABELS,
        **AGREEMENT_LABELS,
        **FORM_LABELS,
        **LIST_LABELS,
        **GOV_LABELS,
    }
)


def label(key: str, lang: Language | str = Language.ZH) -> str:
    """The label of ``key`` in a language.

    Args:
        key: a key of :data:`LABELS`, e.g. ``"due_date"``.
        lang: ``"zh"`` (default) or ``"en"``.

    Returns:
        The label, e.g. ``"还款日期"`` or ``"Due date"``.

    Raises:
        UnknownLabel: no such key.
        UnknownLanguage: a language other than 'zh' or 'en'.
    """
    if lang == Language.ZH:
        index = 0
    elif lang == Language.EN:
        index = 1
    else:
        raise UnknownLanguage(lang, reason="reports")
    try:
        return LABELS[key][index]
    except KeyError:
        raise UnknownLabel(key, reason="add_label") from None
