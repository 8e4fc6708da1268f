"""What can be imported, and under which headers: the kinds of file and the columns each may hold.

Each column is known by its field (also its English header), its Chinese header and other names a
county office writes (``档案号`` for ``户编码``). Headers are compared through :func:`header_key`, so
case, spaces, dashes and a unit suffix such as ``（元）`` do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class ImportKind(StrEnum):
    """What a file holds."""

    HOUSEHOLDS = "households"
    LOANS = "loans"
    REPAYMENTS = "repayments"
    OPENING = "opening"
    CONTRIBUTIONS = "contributions"


@dataclass(frozen=True, slots=True)
class ImportColumn:
    """One column an import reads: its field (and English header), its Chinese header, and other names."""

    field: str
    zh: str
    required: bool = True
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        """The header in a language: ``户编码`` or ``code``."""
        return self.zh if lang == "zh" else self.field

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header this column is recognised by."""
        return (self.field, self.zh, *self.aliases)


COLUMNS: Mapping[ImportKind, tuple[ImportColumn, ...]] = {
    ImportKind.HOUSEHOLDS: (
        ImportColumn("code", "户编码", aliases=("档案号", "户号", "household")),
        ImportColumn("mother_name", "母亲姓名", aliases=("受助母亲姓名", "姓名", "name")),
        ImportColumn("national_id", "身份证号", aliases=("身份证号码", "居民身份证号码", "id_number")),
        ImportColumn("registered_on", "登记日期", aliases=("建档日期",)),
        ImportColumn("fp_status", "计生类别", required=False, aliases=("计生状况", "户类别")),
        ImportColumn("org", "所属组织", required=False, aliases=("组织编码", "org_code")),
        ImportColumn("phone", "联系电话", required=False, aliases=("电话", "手机")),
        ImportColumn("income_before", "帮扶前年收入", required=False, aliases=("帮扶前家庭年收入",)),
        ImportColumn("persons", "家庭人口", required=False, aliases=("家庭人口数", "人口数", "persons")),
        ImportColumn("village", "所在村", required=False, aliases=("村", "村名", "所在村委会", "村委会")),
    ),
    ImportKind.LOANS: (
        ImportColumn("number", "借款编号", aliases=("借款合同号", "loan")),
        ImportColumn("household", "户编码", aliases=("档案号", "户号")),
        ImportColumn("batch", "批次", aliases=("批次号",)),
        ImportColumn("amount", "金额", aliases=("借款金额", "principal")),
        ImportColumn("start", "放款日期", aliases=("借款日期", "disbursed_on")),
        ImportColumn("term", "期数", aliases=("借款期限", "期限")),
        ImportColumn("method", "还款方式", required=False),
        ImportColumn("rate", "年利率", required=False, aliases=("利率",)),
        ImportColumn("guarantor", "担保人", required=False, aliases=("担保人编码", "guarantors")),
        ImportColumn("pledge", "质押金额", required=False, aliases=("质押存款",)),
        ImportColumn("interest_grace", "利息宽限期", required=False, aliases=("免息期数", "缓息期数")),
        ImportColumn("interest_grace_kind", "宽限期利息", required=False, aliases=("免息或缓息",)),
        ImportColumn("purpose", "用途", required=False, aliases=("借款用途", "项目", "purpose")),
        ImportColumn("agreement_no", "协议编号", required=False, aliases=("三方协议编号", "协议号")),
        ImportColumn("agreement_on", "协议日期", required=False, aliases=("协议签订日期", "签订日期")),
        ImportColumn("helper", "帮扶责任人", required=False, aliases=("帮扶人", "helper")),
    ),
    ImportKind.REPAYMENTS: (
        ImportColumn("loan", "借款编号", aliases=("借款合同号", "number")),
        ImportColumn("amount", "金额", aliases=("还款金额",)),
        ImportColumn("on", "还款日期", aliases=("date",)),
        ImportColumn("receipt", "还款凭证号", aliases=("凭证号", "收据号")),
        ImportColumn("payer", "还款人", required=False),
        ImportColumn("guarantor", "担保人", required=False, aliases=("担保人编码",)),
        ImportColumn("prepayment", "提前还款", required=False),
    ),
    ImportKind.OPENING: (
        ImportColumn("number", "借款编号", aliases=("借款合同号", "loan")),
        ImportColumn("household", "户编码", aliases=("档案号", "户号")),
        ImportColumn("batch", "批次", aliases=("批次号",)),
        ImportColumn("amount", "借款金额", aliases=("原借款金额", "金额", "principal")),
        ImportColumn("start", "放款日期", aliases=("借款日期", "disbursed_on")),
        ImportColumn("term", "期数", aliases=("借款期限", "期限")),
        ImportColumn("method", "还款方式", required=False),
        ImportColumn("rate", "年利率", required=False, aliases=("利率",)),
        ImportColumn("round", "轮次", aliases=("滚动轮次",)),
        ImportColumn("principal_repaid", "已还本金", aliases=("累计已还本金",)),
        ImportColumn("interest_paid", "已收利息", required=False, aliases=("累计已收利息",)),
        ImportColumn("fee_paid", "已收管理费", required=False, aliases=("累计已收管理费",)),
        ImportColumn("guarantor", "担保人", required=False, aliases=("担保人编码", "guarantors")),
        ImportColumn("pledge", "质押金额", required=False, aliases=("质押存款",)),
    ),
    ImportKind.CONTRIBUTIONS: (
        ImportColumn("on", "到账日期", aliases=("日期", "捐赠日期", "收款日期", "date")),
        ImportColumn("amount", "金额", aliases=("捐赠金额", "到账金额")),
        ImportColumn("source", "来源", required=False, aliases=("资金来源", "source")),
        ImportColumn("donor", "捐赠方", required=False, aliases=("捐赠人", "捐赠单位", "拨款单位", "donor")),
        ImportColumn("receipt", "收据号", required=False, aliases=("捐赠收据号", "票据号", "receipt")),
    ),
}
"""The columns each kind of file may hold, in their usual order."""

KEY_COLUMN = {
    ImportKind.HOUSEHOLDS: "code",
    ImportKind.LOANS: "number",
    ImportKind.REPAYMENTS: "receipt",
    ImportKind.OPENING: "number",
    ImportKind.CONTRIBUTIONS: "receipt",
}
"""The column that names a row's record: two rows of one file may not share it."""

_UNIT_SUFFIX = re.compile(r"[（(][^）)]*[）)]$")


def known_headers(kind: ImportKind) -> frozenset[str]:
    """Every header a column of ``kind`` is recognised by, as :func:`header_key` gives it."""
    return frozenset(header_key(h) for c in COLUMNS[kind] for h in c.headers)


def header_key(text: str) -> str:
    """Normalise a header: width (NFKC), case, spaces, dashes and a unit suffix such as ``（元）`` do not
    matter."""
    key = _UNIT_SUFFIX.sub("", unicodedata.normalize("NFKC", text).strip()).strip().casefold()
    return re.sub(r"[\s\-]+", "_", key)
