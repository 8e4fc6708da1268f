"""The grammar of the ``revolve`` commands that set up and keep the books: init, contribute, allocate,
guarantor, import, open-books, template, check, verify, seal, trial-balance and demo.

Each command is a :class:`~revolve.cli.argparsing.Grammar`: its help in Chinese and English and the
function that adds its arguments. The modules an option's choices come from are imported by that function,
so only the command being run pays for them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from revolve.cli.argparsing import Grammar, Say, choices_help, date_type, enum_choice

__all__ = ["COMMANDS", "IMPORT_KINDS", "source_option"]

IMPORT_KINDS = ("households", "loans", "repayments", "contributions")
_IMPORT_KINDS_ZH = {"households": "户", "loans": "借款", "repayments": "还款", "contributions": "捐赠/拨款"}


def _kinds(t: Say) -> str:
    return t("、".join(f"{kind}（{zh}）" for kind, zh in _IMPORT_KINDS_ZH.items()), ", ".join(IMPORT_KINDS))


def _kind_choice(t: Say) -> Callable[[str], str]:
    return enum_choice("kind", list(_IMPORT_KINDS_ZH.items()), t)


def source_option(parser: argparse.ArgumentParser, t: Say, *, default: str, what: tuple[str, str]) -> None:
    """``--source``: who first paid the money (社会捐赠、财政拨款、上级拨付、配套资金)."""
    from revolve.rules import ContributionSource  # noqa: PLC0415

    choices = [(s.value, s.label_zh) for s in ContributionSource]
    parser.add_argument(
        "--source",
        type=enum_choice("--source", choices, t),
        default=default,
        help=choices_help(t, what, choices, default),
    )


def _init(p: argparse.ArgumentParser, t: Say) -> None:
    from revolve.orgs import OrgLevel  # noqa: PLC0415

    p.add_argument("--org-code", help=t("基金所属组织的代码（不存在则新建）", "code of the organisation that owns the fund (created if missing)"))  # fmt: skip
    p.add_argument("--org-name", help=t("组织名称，例如 丰宁满族自治县计生协", "its name, e.g. 丰宁满族自治县计生协"))  # fmt: skip
    levels = [(lv.name.lower(), lv.label_zh) for lv in OrgLevel]
    p.add_argument(
        "--level",
        type=enum_choice("--level", levels, t),
        default="county",
        help=choices_help(t, ("组织层级", "its level"), levels, "county"),
    )
    p.add_argument("--parent", help=t("上级组织的代码（如有）", "code of the parent organisation, if any"))
    p.add_argument(
        "--fund-code", help=t("要开设的基金代码，例如 FN-HP", "code of a fund to open, e.g. FN-HP")
    )
    p.add_argument(
        "--fund-name", help=t("基金名称，例如 丰宁县幸福工程资金", "its name, e.g. 丰宁县幸福工程资金")
    )
    charts = [("npo", "民间非营利组织会计制度"), ("gov", "政府会计制度")]
    p.add_argument(
        "--chart",
        type=enum_choice("--chart", charts, t),
        default="npo",
        help=choices_help(t, ("会计科目表", "chart of accounts"), charts, "npo"),
    )


def _contribute(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--amount", required=True, help=t("金额（元），例如 300000", "yuan, e.g. 300000"))
    p.add_argument("--on", required=True, type=date_type(t), help=t("到账日期", "date received"))
    source_option(p, t, default="donation", what=("资金来源", "where the money comes from"))
    p.add_argument("--donor", default="", help=t("捐赠人/拨款单位", "who gave it"))
    p.add_argument("--receipt", help=t("收据号；重复记录同一收据号不会重复入账", "receipt number; recording it again changes nothing"))  # fmt: skip


def _allocate(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--from", dest="giver", required=True, help=t("拨出资金的基金", "the giving fund"))
    p.add_argument("--to", dest="receiver", required=True, help=t("下级基金（或同一组织的基金）", "a fund below it, or of the same org"))  # fmt: skip
    p.add_argument("--amount", required=True, help=t("金额（元），例如 200000", "yuan, e.g. 200000"))
    p.add_argument("--on", required=True, type=date_type(t), help=t("拨付日期", "date allocated"))
    source_option(p, t, default="upper_level", what=("资金最初来源", "who first paid the money"))
    p.add_argument("--memo", default="", help=t("摘要，例如 市协会拨付丰宁县", "memo, e.g. 市协会拨付丰宁县"))
    p.add_argument("--receipt", help=t("文件/凭证号；重复记录不会重复入账", "document number; recording it again changes nothing"))  # fmt: skip


_GUARANTOR_ALIASES = {
    "村委会": "village_committee",
    "居委会": "village_committee",
    "联保": "joint_liability_group",
}


def _guarantor(p: argparse.ArgumentParser, t: Say) -> None:
    from revolve.guarantees import GuarantorKind  # noqa: PLC0415

    kinds = [(k.value, k.label_zh) for k in GuarantorKind]
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--code", required=True, help=t("担保人代码（--guarantor 和导入文件用它指明担保人）", "the guarantor's code, named by --guarantor and imports"))  # fmt: skip
    p.add_argument(
        "--kind",
        required=True,
        type=enum_choice("--kind", kinds, t, aliases=_GUARANTOR_ALIASES),
        help=choices_help(t, ("担保方式", "kind of guarantee"), kinds),
    )
    p.add_argument(
        "--name",
        required=True,
        help=t("名称，例如 大阁镇南关村村民委员会", "its name, e.g. 大阁镇南关村村民委员会"),
    )
    p.add_argument("--cap", help=t("最高担保在贷本金（元）", "the most outstanding principal it may guarantee, in yuan"))  # fmt: skip
    p.add_argument("--member", action="append", default=[], help=t("联保小组成员户编码（可重复）", "a member household of a joint-liability group (repeatable)"))  # fmt: skip


def _import(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument(
        "kind", type=_kind_choice(t), help=t(f"导入什么：{_kinds(t)}", f"what to import: {_kinds(t)}")
    )
    p.add_argument("file", type=Path, help=t("CSV、文本或 .xlsx 文件", "a CSV, text or .xlsx file"))
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--keep-valid", action="store_true", help=t("有错误行时仍写入正确的行", "keep the valid rows when some rows are bad"))  # fmt: skip
    p.add_argument("--sheet", help=t(".xlsx 工作表名（默认第一个）", "worksheet of an .xlsx workbook (default: the first)"))  # fmt: skip
    p.add_argument(
        "--encoding",
        default=None,
        help=t("CSV/文本文件的编码（默认自动识别：BOM、UTF-8、GB18030/GBK、UTF-16）",
               "text encoding of a CSV/text file (default: detected — BOM, UTF-8, else GB18030/GBK)"),
    )  # fmt: skip
    p.add_argument(
        "--errors",
        type=Path,
        help=t("把错误行连同“错误原因”列写入此 .xlsx，终端只打印一行汇总",
               "write the bad rows with a 错误原因 column to this .xlsx and print one summary line"),
    )  # fmt: skip
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=t("在 stderr 显示进度条（默认：stderr 是终端时显示）", "progress bar on stderr (default: when stderr is a terminal)"),
    )  # fmt: skip


def _open_books(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("file", type=Path, help=t("期初在贷借款清单（.csv 或 .xlsx，中文表头）", "the opening loan list (.csv or .xlsx, Chinese headers)"))  # fmt: skip
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--on", required=True, type=date_type(t), help=t("建账日，例如 2024-01-01", "the opening day, e.g. 2024-01-01"))  # fmt: skip
    p.add_argument(
        "--balance", action="append", default=[], metavar="ROLE=YUAN",
        help=t("科目期初余额（按正常方向），例如 fund_cash=120000（可重复）",
               "an account's opening balance on its normal side, e.g. fund_cash=120000 (repeatable)"),
    )  # fmt: skip
    p.add_argument(
        "--capital", action="append", default=[], metavar="SOURCE=YUAN",
        help=t("建账前收到的本金，例如 donation=80000（可重复）",
               "capital contributed before the opening, e.g. donation=80000 (repeatable)"),
    )  # fmt: skip
    p.add_argument("--lent-before", help=t("建账前累计发放的本金（元）", "principal lent before the opening, every loan (累计发放), in yuan"))  # fmt: skip
    p.add_argument("--sheet", help=t(".xlsx 工作表名（默认第一个）", "worksheet of an .xlsx workbook (default: the first)"))  # fmt: skip
    p.add_argument("--encoding", default=None, help=t("CSV 文件编码（默认自动识别）", "text encoding of a CSV file (default: detected)"))  # fmt: skip


def _template(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument(
        "kind", type=_kind_choice(t), help=t(f"模板种类：{_kinds(t)}", f"which template: {_kinds(t)}")
    )
    p.add_argument("-o", "--output", type=Path, required=True, help=t("要写入的 .xlsx，例如 模板.xlsx", "the .xlsx to write, e.g. 模板.xlsx"))  # fmt: skip


def _check(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", help=t("只检查这个基金", "only this fund"))


def _verify(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("fund", help=t("基金代码", "fund code"))
    p.add_argument(
        "--against",
        metavar="CODE",
        help=t("报表上印的早先账簿校验码：此前的历史被改写则退出码为 1",
               "an earlier checkpoint (账簿校验码) of the fund, as printed on a report: exit 1 if the history "
               "up to it was rewritten"),
    )  # fmt: skip


def _seal(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("fund", help=t("基金代码", "fund code"))


def _trial_balance(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("fund", help=t("基金代码", "fund code"))
    p.add_argument("--as-of", type=date_type(t), help=t("截至日期（默认全部）", "as of this date (default: everything)"))  # fmt: skip


def _nothing(p: argparse.ArgumentParser, t: Say) -> None:
    """A command with no arguments of its own."""


COMMANDS = (
    Grammar(
        "init",
        "建账：创建账簿（数据库），并可新建组织和基金",
        "create the books (the database) and, optionally, an organisation and a fund",
        _init,
    ),
    Grammar(
        "contribute",
        "收到资金：捐赠、财政拨款、上级拨付、配套资金",
        "record money given to a fund (donation, fiscal, upper level, matching)",
        _contribute,
    ),
    Grammar(
        "allocate",
        "拨付下级：把资金无偿拨给下级基金（不是借调）",
        "allocate money for good to a fund below, not a loan",
        _allocate,
    ),
    Grammar(
        "guarantor",
        "登记担保人（村委会、联保小组、个人、存单质押），供借款指明",
        "register a guarantor that loans can name",
        _guarantor,
    ),
    Grammar(
        "import",
        "从 CSV、文本或 .xlsx 文件导入户、借款、还款或捐赠",
        "import households, loans, repayments or contributions from a file",
        _import,
    ),
    Grammar(
        "open-books",
        "期初建账：录入空基金的期初余额和在贷借款清单",
        "open an empty fund's books with its balances and its loans in progress",
        _open_books,
    ),
    Grammar(
        "template",
        "生成导入模板（.xlsx）：列、说明行、下拉选项和示例行（无需账簿）",
        "write an import template workbook: columns, notes, dropdowns, an example",
        _template,
    ),
    Grammar(
        "check",
        "按 revolve 的守恒规则检查账簿；发现问题退出码为 1",
        "audit the books against revolve's invariants; exit 1 if any is broken",
        _check,
    ),
    Grammar(
        "verify",
        "校验基金的哈希链；链断裂退出码为 1",
        "walk a fund's hash chain; exit 1 if it is broken",
        _verify,
    ),
    Grammar(
        "seal",
        "用链密钥（REVOLVE_CHAIN_KEY 或 REVOLVE_CHAIN_KEY_FILE）加密基金现有的哈希链",
        "key a fund's existing chain under the chain key (REVOLVE_CHAIN_KEY or REVOLVE_CHAIN_KEY_FILE)",
        _seal,
    ),
    Grammar("trial-balance", "打印基金的科目余额表", "print a fund's trial balance", _trial_balance),
    Grammar(
        "demo",
        "在新的 SQLite 文件中建立演示县的账簿（默认放在新的临时目录）",
        "build the demo county in a fresh SQLite file (default: a new temporary folder)",
        _nothing,
    ),
)
"""The grammar of each command of this module."""
