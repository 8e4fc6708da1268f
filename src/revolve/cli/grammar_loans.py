"""The grammar of the ``revolve`` commands of loans and periods: disburse, repay, extend, void, close and
reopen (see :mod:`revolve.cli.grammar` for how a command's grammar is built)."""

from __future__ import annotations

import argparse

from revolve.cli.argparsing import Grammar, Say, choices_help, date_type, enum_choice

__all__ = ["COMMANDS", "METHODS_ZH", "VOID_KINDS"]

METHODS_ZH = {
    "equal_installment": "等额本息",
    "equal_principal": "等额本金",
    "interest_only": "按期付息到期还本",
    "bullet": "一次性还本付息",
    "flat": "等本等息",
}
"""The Chinese name of each repayment method a command line may name (还款方式)."""

_GRACE_ZH = {"waived": "免息", "deferred": "缓息"}
_PREPAYMENT_ZH = {"fewer_installments": "缩短期限", "lower_installments": "减少每期还款额"}
VOID_KINDS = (
    ("receipt", "还款"),
    ("disbursement", "放款"),
    ("grant", "一次性帮扶"),
    ("contribution", "捐赠/拨款"),
    ("subsidy", "贴息"),
)


def _disburse(p: argparse.ArgumentParser, t: Say) -> None:
    from revolve.schedule import InterestGrace, RepaymentMethod  # noqa: PLC0415

    methods = [(m.value, METHODS_ZH[m.value]) for m in RepaymentMethod if m.value in METHODS_ZH]
    graces = [(g.value, _GRACE_ZH[g.value]) for g in InterestGrace]
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--number", required=True, help=t("借款编号，例如 FN-2016-001", "the loan's number, e.g. FN-2016-001"))  # fmt: skip
    p.add_argument("--household", required=True, help=t("借款户编码（户编码）", "the household's code"))
    p.add_argument("--batch", required=True, help=t("批次；新批次在 --start 日开立", "the batch, opened on --start if new"))  # fmt: skip
    p.add_argument("--amount", required=True, help=t("借款本金（元）", "principal in yuan"))
    p.add_argument("--start", required=True, type=date_type(t), help=t("放款日期", "disbursement date"))
    p.add_argument("--term", required=True, type=int, help=t("期数（月），例如 24", "number of monthly periods, e.g. 24"))  # fmt: skip
    p.add_argument(
        "--method",
        type=enum_choice("--method", methods, t),
        default=RepaymentMethod.BULLET.value,
        help=choices_help(t, ("还款方式", "repayment method"), methods, RepaymentMethod.BULLET.value),
    )
    p.add_argument("--rate", default="0", help=t("年利率，0.049 或 4.9%%（默认 0）", "yearly rate, 0.049 or 4.9%% (default 0)"))  # fmt: skip
    p.add_argument("--interest-grace", type=int, default=0, help=t("利息宽限期数", "periods without interest payments"))  # fmt: skip
    p.add_argument(
        "--interest-grace-kind",
        type=enum_choice("--interest-grace-kind", graces, t),
        default=InterestGrace.WAIVED.value,
        help=choices_help(t, ("宽限期利息", "the grace interest"), graces, InterestGrace.WAIVED.value),
    )
    p.add_argument("--guarantor", action="append", default=[], help=t("担保人代码（可重复）", "guarantor code (repeatable)"))  # fmt: skip
    p.add_argument("--pledge", help=t("交入基金的保证金（元，入账）", "cash deposit paid into the fund, in yuan (on the books)"))  # fmt: skip
    p.add_argument("--passbook", help=t("质押存折金额（元，登记备查，不入账）", "passbook pledged, in yuan (in the register, off the books)"))  # fmt: skip
    p.add_argument("--passbook-bank", help=t("质押存折的开户银行", "the bank keeping the pledged passbook's account"))  # fmt: skip
    p.add_argument("--passbook-account", help=t("质押存折的账号", "the pledged passbook's account number"))
    p.add_argument("--application", type=int, help=t("借款申请编号：从已签协议的申请放款，记录其放款步骤", "the application (agreement signed) this loan pays out"))  # fmt: skip
    p.add_argument("--signed-by", help=t("放款步骤签字人（与 --application 同用）", "who signs the payout step (with --application)"))  # fmt: skip
    p.add_argument("--purpose", help=t("用途：种植、养殖、加工、商贸、服务、其他（其他文字记为 其他 并加注）", "purpose: 种植, 养殖, 加工, 商贸, 服务, 其他 (other text is 其他 with a note)"))  # fmt: skip
    p.add_argument("--agreement-no", help=t("三方协议（基金、借款人、担保人）编号", "the 三方协议 (fund, borrower, guarantor) number"))  # fmt: skip
    p.add_argument("--agreement-on", type=date_type(t), help=t("三方协议签订日期", "the date the 三方协议 was signed"))  # fmt: skip
    p.add_argument("--helper", help=t("帮扶责任人", "the person responsible for helping the household"))


def _repay(p: argparse.ArgumentParser, t: Say) -> None:
    from revolve.rules import PayerKind  # noqa: PLC0415
    from revolve.schedule import PrepaymentOption  # noqa: PLC0415

    payers = [(k.value, k.label_zh) for k in PayerKind if k is not PayerKind.PASSBOOK]
    options = [(o.value, _PREPAYMENT_ZH[o.value]) for o in PrepaymentOption]
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--loan", required=True, help=t("借款编号", "the loan's number"))
    p.add_argument("--amount", required=True, help=t("还款金额（元）", "yuan paid"))
    p.add_argument("--on", required=True, type=date_type(t), help=t("还款日期", "date paid"))
    p.add_argument("--receipt", required=True, help=t("还款凭证号（收据号）", "receipt number"))
    p.add_argument(
        "--payer",
        type=enum_choice("--payer", payers, t),
        default="borrower",
        help=choices_help(t, ("付款人", "who pays"), payers, "borrower"),
    )
    p.add_argument("--guarantor", help=t("代偿的担保人（与 --payer guarantor 同用）", "the guarantor paying, when --payer guarantor"))  # fmt: skip
    p.add_argument(
        "--prepayment",
        type=enum_choice("--prepayment", options, t),
        help=choices_help(t, ("允许提前还款并重排计划", "allow paying ahead and reschedule"), options),
    )


def _extend(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--loan", required=True, help=t("借款编号", "the loan's number"))
    p.add_argument("--on", required=True, type=date_type(t), help=t("展期生效日（须在未结账期间，一般不晚于原到期日）", "the day the extension takes effect (in an open period, usually by the maturity)"))  # fmt: skip
    p.add_argument("--periods", required=True, type=int, help=t("到期日顺延的期数（按原还款频率，至少 1 期）", "periods the maturity moves by (at least 1)"))  # fmt: skip
    p.add_argument("--approval-ref", required=True, help=t("批准文号/审批单号，例如 丰妇发〔2016〕7号", "the approval's reference, e.g. 丰妇发〔2016〕7号"))  # fmt: skip
    p.add_argument("--approved-by", required=True, help=t("批准人", "who approved it"))


def _close(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--through", required=True, type=date_type(t), help=t("结账截止日，例如 2016-12-31", "the last day closed, e.g. 2016-12-31"))  # fmt: skip


def _reopen(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--through", required=True, type=date_type(t), help=t("重开的结账日，例如 2016-12-31", "the close to reopen, e.g. 2016-12-31"))  # fmt: skip
    p.add_argument("--reason", required=True, help=t("反结账原因", "why it is reopened"))
    p.add_argument("--approved-by", required=True, help=t("批准人", "who approved it"))


def _void(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument(
        "kind",
        type=enum_choice("kind", VOID_KINDS, t),
        help=t("作废什么：还款 receipt（按还款凭证号）、放款 disbursement（按借款编号）、一次性帮扶 grant（按凭证号）、"
               "捐赠/拨款 contribution（按凭证号）、贴息 subsidy（按银行贷款编号及 --period 期次）",
               "what to void: receipt (by receipt number), disbursement (by loan number), grant or contribution "
               "(by entry number), subsidy (by bank loan number and --period)"),
    )  # fmt: skip
    p.add_argument("ref", help=t("还款凭证号、借款编号、一次性帮扶/捐赠的记账凭证号（数字），或贴息的银行贷款编号", "the receipt number, loan number, entry number or bank loan number"))  # fmt: skip
    p.add_argument("--period", type=int, help=t("贴息期次（作废贴息时必填），例如 1", "the subsidy period (for subsidy), e.g. 1"))  # fmt: skip
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--on", required=True, type=date_type(t), help=t("冲正日期（须在未结账期间，且不早于原业务日期）", "the day of the reversal (in an open period, not before the original)"))  # fmt: skip
    p.add_argument("--reason", required=True, help=t("冲正原因，例如：录入错误，6666.00 应为 666.60", "why, e.g. keyed 6666.00 for 666.60"))  # fmt: skip
    p.add_argument("--approved-by", required=True, help=t("批准人", "who approved it"))


COMMANDS = (
    Grammar(
        "disburse",
        "放款：向一户发放借款（批次为新则同时开立）",
        "pay a loan out to a household (opens the batch if it is new)",
        _disburse,
    ),
    Grammar("repay", "记录还款（按还款凭证号）", "record a repayment under its receipt number", _repay),
    Grammar(
        "extend",
        "展期：经批准延长一笔借款的还款期限，剩余本金按新还款计划偿还；借款永久标记为展期借款",
        "extend a loan's term (restructuring), with its approval",
        _extend,
    ),
    Grammar(
        "close",
        "结账：过账期末结转与计提，锁定 --through 及以前的账期",
        "close the books through a date: closing entries, then the period is locked",
        _close,
    ),
    Grammar(
        "reopen",
        "反结账：冲回 --through 及以后的结转分录并重开账期（须注明原因与批准人）",
        "reopen a closed period, with its reason and approval",
        _reopen,
    ),
    Grammar(
        "void",
        "冲正：作废录错的还款、放款、一次性帮扶、捐赠/拨款或贴息（原记录保留并标注作废，红字冲销凭证记在 --on 日）",
        "void a record keyed wrong (the record is kept and marked void; a reversing entry on --on)",
        _void,
    ),
)
"""The grammar of each command of this module."""
