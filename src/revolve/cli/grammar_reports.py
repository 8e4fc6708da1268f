"""The grammar of the ``revolve`` commands that print: statement, report and print (see
:mod:`revolve.cli.grammar` for how a command's grammar is built), and the output options they share."""

from __future__ import annotations

import argparse
from pathlib import Path

from revolve.cli.argparsing import Grammar, Say, choices_help, date_type, enum_choice, shared_options

__all__ = ["COMMANDS", "FORMATS", "REPORTS", "output_options"]

FORMATS = (
    ("text", "文本"),
    ("markdown", "Markdown"),
    ("html", "网页"),
    ("csv", "CSV"),
    ("xlsx", "Excel 工作簿"),
    ("json", "JSON"),
)
"""Each output format (its value, its Chinese name)."""

REPORTS = (
    ("quarterly", "季度报表"),
    ("register", "借款台账"),
    ("write-offs", "核销备查簿"),
    ("balance-sheet", "资产负债表"),
    ("activity", "业务活动表"),
    ("cash-flow", "现金流量表"),
    ("trial-balance", "科目余额表"),
    ("ledger", "明细账"),
    ("vouchers", "记账凭证"),
)
"""Each report ``revolve report`` prints (its value, its Chinese name)."""


def output_options(parser: argparse.ArgumentParser, t: Say) -> None:
    """``--format``, ``--output``, ``--reveal`` and ``--templates``, shared by every printing command."""
    parser.add_argument(
        "--format",
        type=enum_choice("--format", FORMATS, t),
        help=choices_help(t, ("输出格式（默认按 --output 的后缀，否则文本）", "output format (default: from --output's suffix, else text)"), FORMATS),
    )  # fmt: skip
    parser.add_argument("--output", "-o", type=Path, help=t("写入此文件而不是标准输出", "write to this file instead of stdout"))  # fmt: skip
    parser.add_argument("--reveal", action="store_true", help=t("显示完整的身份证号和电话（默认遮盖）", "show national ID numbers and phones unmasked"))  # fmt: skip
    parser.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help=t("HTML 模板目录：其中的 header.html.j2、signatures.html.j2、footer.html.j2 取代 revolve 自带的"
               "（县里自己的抬头、签字栏、页脚）",
               "a folder of HTML templates: its header.html.j2, signatures.html.j2 and footer.html.j2 replace "
               "revolve's own (a county's letterhead, signature lines, footer)"),
    )  # fmt: skip


def _statement(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--loan", required=True, help=t("借款编号", "the loan's number"))
    p.add_argument("--as-of", type=date_type(t), help=t("对账日期（默认今天）", "statement date (default today)"))  # fmt: skip
    output_options(p, t)


def _report(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("kind", type=enum_choice("kind", REPORTS, t), help=choices_help(t, ("报表", "the report"), REPORTS))  # fmt: skip
    whose = p.add_mutually_exclusive_group(required=True)
    whose.add_argument("--fund", help=t("基金代码", "fund code"))
    whose.add_argument("--org", help=t("组织代码：按其下属组织汇总季度报表", "an organisation code: the quarterly report rolled up over its subtree"))  # fmt: skip
    p.add_argument("--year", type=int, help=t("季度报表或业务活动表的年度（默认 --as-of 所在年）", "year of the quarterly report or activity statement (default: that of --as-of)"))  # fmt: skip
    period = p.add_mutually_exclusive_group()
    period.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help=t("季度（默认全年）", "quarter (default: the whole year)"))  # fmt: skip
    period.add_argument("--half", type=int, choices=[1, 2], help=t("半年考核：1 上半年，2 下半年", "half-year: 1 = H1, 2 = H2"))  # fmt: skip
    p.add_argument("--as-of", type=date_type(t), help=t("余额截至日期（默认今天）", "balances as of this date (default today)"))  # fmt: skip
    p.add_argument(
        "--start", "--from", dest="start", type=date_type(t),
        help=t("期间首日（业务活动表、现金流量表、科目余额表、明细账、记账凭证；默认 1 月 1 日）",
               "first day of the period (activity, cash-flow, trial-balance, ledger, vouchers; default: 1 January)"),
    )  # fmt: skip
    p.add_argument(
        "--end", "--to", dest="end", type=date_type(t),
        help=t("期间末日（默认 --year 的 12 月 31 日，否则 --as-of）", "last day of the period (default: 31 December of --year, else --as-of)"),
    )  # fmt: skip
    p.add_argument("--account", help=t("明细账的科目编码，例如 1002 或 112201", "the account code of the ledger report, e.g. 1002 or 112201"))  # fmt: skip
    output_options(p, t)


def _print(p: argparse.ArgumentParser, t: Say) -> None:
    documents = p.add_subparsers(dest="document", required=True, metavar="DOCUMENT")

    def document(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = documents.add_parser(name, help=help_text, description=help_text)
        shared_options(sub, t, top=False)
        sub.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
        return sub

    receipt = document("receipt", t("收款收据：按还款凭证号打印交给借款人的收据（大写金额、收款人）", "a receipt for a repayment, to hand to the borrower"))  # fmt: skip
    receipt.add_argument(
        "number", help=t("还款凭证号（记录还款时所用的收据号）", "the repayment's receipt number")
    )
    receipt.add_argument("--payee", default="", help=t("收款人姓名（留空则留签字线）", "who received it (blank: a signature line)"))  # fmt: skip
    output_options(receipt, t)
    iou = document("iou", t("借款借据：放款时按借款条件和还款计划打印，借款人、担保人签字", "a loan's IOU with its terms and schedule, to sign"))  # fmt: skip
    iou.add_argument("loan", help=t("借款编号", "the loan's number"))
    output_options(iou, t)
    voucher = document("voucher", t("记账凭证：打印一笔分录（凭证号、摘要、科目、借贷、合计大写、附件张数）", "an entry's voucher"))  # fmt: skip
    voucher.add_argument("seq", type=int, help=t("凭证号（分录序号）", "the entry's number"))
    voucher.add_argument("--attachments", type=int, default=0, help=t("附件张数（默认 0）", "attachments (default 0)"))  # fmt: skip
    voucher.add_argument("--prepared-by", default="", help=t("制单人", "prepared by"))
    voucher.add_argument("--reviewed-by", default="", help=t("审核人", "reviewed by"))
    voucher.add_argument("--posted-by", default="", help=t("记账人", "posted by"))
    output_options(voucher, t)


COMMANDS = (
    Grammar("statement", "借款的还款对账单", "a loan's repayment statement", _statement),
    Grammar(
        "report",
        "基金或组织的报表（季报、台账、财务报表、明细账、凭证）",
        "a fund's or an organisation's report",
        _report,
    ),
    Grammar(
        "print",
        "打印单据：收款收据、借款借据、记账凭证",
        "print a document to file and sign: receipt, IOU, voucher",
        _print,
    ),
)
"""The grammar of each command of this module."""
