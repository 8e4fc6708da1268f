"""The ``revolve`` command line's grammar: the argparse tree and the types of its arguments.

:func:`build_parser` builds the tree of subcommands. Dates are parsed by argparse; amounts and rates stay
text until :func:`convert_options` turns them into ``Money`` and ``Decimal`` after parsing, so that
revolve's own refusal, not argparse's "invalid value", says what is wrong with them.
"""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from revolve.cli.applications import add_commands as add_application_commands
from revolve.errors import InvalidRate
from revolve.guarantees import GuarantorKind
from revolve.money import Money
from revolve.orgs import OrgLevel
from revolve.rules import ContributionSource, PayerKind
from revolve.schedule import InterestGrace, PrepaymentOption, RepaymentMethod

__all__ = ["FORMATS", "REPORTS", "build_parser", "convert_options"]

FORMATS = ("text", "markdown", "html", "csv", "xlsx", "json")
REPORTS = (
    "quarterly",
    "register",
    "write-offs",
    "balance-sheet",
    "activity",
    "cash-flow",
    "net-assets",
    "budget",
    "budget-balances",
    "rollup",
    "trial-balance",
    "ledger",
    "vouchers",
)


# ---- argument types ------------------------------------------------------------------------------
def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None


_MONEY_OPTIONS = ("amount", "pledge", "cap", "passbook", "lent_before")


def convert_options(args: argparse.Namespace) -> None:
    """Turn the yuan and rate options from text into Money and Decimal.

    This is done after argparse, not as its ``type=``: argparse would swallow the InvalidAmount (a
    ValueError) into "invalid value", where revolve's own refusal says why ("finer than a fen", ...).
    """
    for name in _MONEY_OPTIONS:
        value = getattr(args, name, None)
        if isinstance(value, str):
            setattr(args, name, Money.of_yuan(value))
    rate = getattr(args, "rate", None)
    if isinstance(rate, str):
        args.rate = _rate(rate)


def _rate(text: str) -> Decimal:
    """A yearly rate from text: ``0.049`` or ``4.9%``; never a float."""
    body = text.strip()
    percent = body.endswith(("%", "％"))
    try:
        rate = Decimal(body.rstrip("%％").strip())
    except InvalidOperation:
        raise InvalidRate(text, reason="write the yearly rate as 0.049 or 4.9%") from None
    if not rate.is_finite():
        raise InvalidRate(text, reason="write the yearly rate as 0.049 or 4.9%")
    return rate / 100 if percent else rate


# ---- the parser ------------------------------------------------------------------------------------
def _shared(*, top: bool) -> argparse.ArgumentParser:
    """``--db`` and ``--lang``, accepted before or after the command (the command's copy wins if given)."""
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--db",
        default=None if top else argparse.SUPPRESS,
        help="SQLAlchemy URL or SQLite file (default: $REVOLVE_DATABASE_URL or revolve.db)",
    )
    shared.add_argument(
        "--lang",
        choices=["zh", "en"],
        default="zh" if top else argparse.SUPPRESS,
        help="language of output (default zh)",
    )
    return shared


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=FORMATS, help="output format (default: from --output's suffix, else text)"
    )
    parser.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    parser.add_argument("--reveal", action="store_true", help="show national ID numbers and phones unmasked")
    parser.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help="HTML 模板目录：其中的 header.html.j2、signatures.html.j2、footer.html.j2 取代 revolve 自带的"
        "（县里自己的抬头、签字栏、页脚）",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``revolve`` command line: ``--db`` and ``--lang`` and one subparser per command.

    Returns:
        The parser; its ``parse_args`` exits with status 2 on a malformed command line.
    """
    parser = argparse.ArgumentParser(
        prog="revolve",
        description="Books for revolving loan funds (幸福工程): record loans and repayments, print statements and reports.",
        parents=[_shared(top=True)],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    shared = [_shared(top=False)]

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=shared)

    init = command("init", "create the books (the database) and, optionally, an organisation and a fund")
    init.add_argument("--org-code", help="code of the organisation that owns the fund (created if missing)")
    init.add_argument("--org-name", help="its name, e.g. 丰宁满族自治县计生协")
    init.add_argument(
        "--level",
        choices=[lv.name.lower() for lv in OrgLevel],
        default="county",
        help="its level (default county)",
    )
    init.add_argument("--parent", help="code of the parent organisation, if any")
    init.add_argument("--fund-code", help="code of a fund to open, e.g. FN-HP")
    init.add_argument("--fund-name", help="its name, e.g. 丰宁县幸福工程资金")
    init.add_argument(
        "--chart", choices=["npo", "gov"], default="npo", help="chart of accounts (default npo)"
    )

    contribute = command("contribute", "record money given to a fund (捐赠、财政拨款、上级拨付、配套)")
    contribute.add_argument("--fund", required=True)
    contribute.add_argument("--amount", required=True, help="yuan, e.g. 300000")
    contribute.add_argument("--on", required=True, type=_date)
    contribute.add_argument("--source", choices=[s.value for s in ContributionSource], default="donation")
    contribute.add_argument("--donor", default="", help="who gave it")
    contribute.add_argument("--receipt", help="receipt number; recording it again changes nothing")

    allocate = command("allocate", "allocate money for good to a fund below (拨付下级), not a loan (借调)")
    allocate.add_argument("--from", dest="giver", required=True, help="the giving fund")
    allocate.add_argument("--to", dest="receiver", required=True, help="a fund below it, or of the same org")
    allocate.add_argument("--amount", required=True, help="yuan, e.g. 200000")
    allocate.add_argument("--on", required=True, type=_date)
    allocate.add_argument(
        "--source",
        choices=[s.value for s in ContributionSource],
        default="upper_level",
        help="who first paid the money (default upper_level: government money)",
    )
    allocate.add_argument("--memo", default="", help="e.g. 市协会拨付丰宁县")
    allocate.add_argument("--receipt", help="document number; recording it again changes nothing")

    guarantor = command(
        "guarantor", "register a guarantor (村委会、联保小组、个人、存单质押) that loans can name"
    )
    guarantor.add_argument("--fund", required=True)
    guarantor.add_argument(
        "--code", required=True, help="the guarantor's code, named by --guarantor and imports"
    )
    guarantor.add_argument("--kind", required=True, choices=[k.value for k in GuarantorKind])
    guarantor.add_argument("--name", required=True, help="e.g. 大阁镇南关村村民委员会")
    guarantor.add_argument("--cap", help="the most outstanding principal it may guarantee, in yuan")
    guarantor.add_argument(
        "--member",
        action="append",
        default=[],
        help="a member household of a joint-liability group (repeatable)",
    )

    imp = command("import", "import households, loans or repayments from a .csv or .xlsx file")
    imp.add_argument("kind", choices=["households", "loans", "repayments", "contributions"])
    imp.add_argument("file", type=Path)
    imp.add_argument("--fund", required=True)
    imp.add_argument("--keep-valid", action="store_true", help="keep the valid rows when some rows are bad")
    imp.add_argument("--sheet", help="worksheet of an .xlsx workbook (default: the first)")
    imp.add_argument(
        "--encoding",
        default=None,
        help="text encoding of a CSV/text file (default: detected — BOM, UTF-8, else GB18030/GBK)",
    )
    imp.add_argument(
        "--errors",
        type=Path,
        help="write the bad rows with a 错误原因 column to this .xlsx and print one summary line",
    )
    imp.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )

    opening = command(
        "open-books",
        "open an empty fund's books (期初建账) with its balances and a file of its loans in progress",
    )
    opening.add_argument("file", type=Path, help="the opening loan list (.csv or .xlsx, Chinese headers)")
    opening.add_argument("--fund", required=True)
    opening.add_argument("--on", required=True, type=_date, help="the opening day, e.g. 2024-01-01")
    opening.add_argument(
        "--balance",
        action="append",
        default=[],
        metavar="ROLE=YUAN",
        help="an account's opening balance on its normal side, e.g. fund_cash=120000 (repeatable)",
    )
    opening.add_argument(
        "--capital",
        action="append",
        default=[],
        metavar="SOURCE=YUAN",
        help="capital contributed before the opening, e.g. donation=80000 (repeatable)",
    )
    opening.add_argument(
        "--lent-before", help="principal lent before the opening, every loan (累计发放), in yuan"
    )
    opening.add_argument("--sheet", help="worksheet of an .xlsx workbook (default: the first)")
    opening.add_argument("--encoding", default=None, help="text encoding of a CSV file (default: detected)")

    disburse = command("disburse", "pay a loan out to a household (opens the batch if it is new)")
    disburse.add_argument("--fund", required=True)
    disburse.add_argument("--number", required=True, help="the loan's number, e.g. FN-2016-001")
    disburse.add_argument("--household", required=True, help="the household's code (户编码)")
    disburse.add_argument("--batch", required=True, help="the batch (批次), opened on --start if new")
    disburse.add_argument("--amount", required=True, help="principal in yuan")
    disburse.add_argument("--start", required=True, type=_date, help="disbursement date")
    disburse.add_argument("--term", required=True, type=int, help="number of monthly periods, e.g. 24")
    disburse.add_argument(
        "--method",
        choices=[m.value for m in RepaymentMethod if m is not RepaymentMethod.CUSTOM],
        default=RepaymentMethod.BULLET.value,
        help="repayment method (default bullet: 一次性还本付息)",
    )
    disburse.add_argument("--rate", default="0", help="yearly rate, 0.049 or 4.9%% (default 0)")
    disburse.add_argument(
        "--interest-grace", type=int, default=0, help="periods without interest payments (利息宽限期)"
    )
    disburse.add_argument(
        "--interest-grace-kind",
        choices=[g.value for g in InterestGrace],
        default=InterestGrace.WAIVED.value,
        help="the grace interest is waived (免息, default) or deferred to later instalments (缓息)",
    )
    disburse.add_argument("--guarantor", action="append", default=[], help="guarantor code (repeatable)")
    disburse.add_argument("--pledge", help="cash deposit paid into the fund, in yuan (保证金: on the books)")
    disburse.add_argument(
        "--passbook", help="passbook pledged, in yuan (存折质押: in the register, off the books)"
    )
    disburse.add_argument("--passbook-bank", help="the bank keeping the pledged passbook's account")
    disburse.add_argument("--passbook-account", help="the pledged passbook's account number")
    disburse.add_argument(
        "--application", type=int, help="借款申请编号：从已签协议的申请放款，记录其放款步骤"
    )
    disburse.add_argument("--signed-by", help="放款步骤签字人（与 --application 同用）")
    disburse.add_argument(
        "--purpose", help="用途: 种植, 养殖, 加工, 商贸, 服务, 其他 (other text is 其他 with a note)"
    )
    disburse.add_argument("--agreement-no", help="the 三方协议 (fund, borrower, guarantor) number (协议编号)")
    disburse.add_argument("--agreement-on", type=_date, help="the date the 三方协议 was signed (协议日期)")
    disburse.add_argument("--helper", help="the 帮扶责任人 (person responsible for helping the household)")

    repay = command("repay", "record a repayment (还款) under its receipt number")
    repay.add_argument("--fund", required=True)
    repay.add_argument("--loan", required=True, help="the loan's number")
    repay.add_argument("--amount", required=True, help="yuan paid")
    repay.add_argument("--on", required=True, type=_date, help="date paid")
    repay.add_argument("--receipt", required=True, help="receipt number (还款凭证号)")
    repay.add_argument(
        "--payer", choices=[p.value for p in PayerKind if p is not PayerKind.PASSBOOK], default="borrower"
    )
    repay.add_argument("--guarantor", help="the guarantor paying, when --payer guarantor")
    repay.add_argument(
        "--prepayment", choices=[o.value for o in PrepaymentOption], help="allow paying ahead and reschedule"
    )

    extend = command(
        "extend",
        "展期：经批准延长一笔借款的还款期限，剩余本金按新还款计划偿还；借款永久标记为展期借款 "
        "/ extend a loan's term (restructuring), with its approval",
    )
    extend.add_argument("--fund", required=True, help="基金代码")
    extend.add_argument("--loan", required=True, help="借款编号")
    extend.add_argument(
        "--on", required=True, type=_date, help="展期生效日（须在未结账期间，一般不晚于原到期日）"
    )
    extend.add_argument(
        "--periods", required=True, type=int, help="到期日顺延的期数（按原还款频率，至少 1 期）"
    )
    extend.add_argument("--approval-ref", required=True, help="批准文号/审批单号，例如 丰妇发〔2016〕7号")
    extend.add_argument("--approved-by", required=True, help="批准人")

    close = command(
        "close", "结账：过账期末结转与计提，锁定 --through 及以前的账期 / close the books through a date"
    )
    close.add_argument("--fund", required=True, help="基金代码")
    close.add_argument("--through", required=True, type=_date, help="结账截止日，例如 2016-12-31")
    reopen = command(
        "reopen", "反结账：冲回 --through 及以后的结转分录并重开账期（须注明原因与批准人） / reopen a period"
    )
    reopen.add_argument("--fund", required=True, help="基金代码")
    reopen.add_argument("--through", required=True, type=_date, help="重开的结账日，例如 2016-12-31")
    reopen.add_argument("--reason", required=True, help="反结账原因")
    reopen.add_argument("--approved-by", required=True, help="批准人")

    void = command(
        "void",
        "冲正：作废一笔录错的还款、放款、一次性帮扶、捐赠/拨款或贴息（原记录保留并标注作废，红字冲销凭证记在 --on 日）"
        " / void a record keyed wrong",
    )
    void.add_argument(
        "kind",
        choices=["receipt", "disbursement", "grant", "contribution", "subsidy"],
        help="作废什么：receipt 还款（按还款凭证号）、disbursement 放款（按借款编号）、"
        "grant 一次性帮扶（按凭证号）、contribution 捐赠/拨款（按凭证号）、subsidy 贴息（按银行贷款编号及 --period 期次）",
    )
    void.add_argument(
        "ref", help="还款凭证号、借款编号、一次性帮扶/捐赠的记账凭证号（数字），或贴息的银行贷款编号"
    )
    void.add_argument("--period", type=int, help="贴息期次（作废贴息时必填），例如 1")
    void.add_argument("--fund", required=True, help="基金代码")
    void.add_argument(
        "--on", required=True, type=_date, help="冲正日期（须在未结账期间，且不早于原业务日期）"
    )
    void.add_argument("--reason", required=True, help="冲正原因，例如：录入错误，6666.00 应为 666.60")
    void.add_argument("--approved-by", required=True, help="批准人")

    statement = command("statement", "a loan's repayment statement (还款对账单)")
    statement.add_argument("--fund", required=True)
    statement.add_argument("--loan", required=True)
    statement.add_argument("--as-of", type=_date, help="statement date (default today)")
    _report_options(statement)

    report = command("report", "a fund's or an organisation's report")
    report.add_argument("kind", choices=REPORTS)
    whose = report.add_mutually_exclusive_group(required=True)
    whose.add_argument("--fund")
    whose.add_argument("--org", help="an organisation code: the quarterly report rolled up over its subtree")
    report.add_argument(
        "--year",
        type=int,
        help="year of the quarterly report or activity statement (default: that of --as-of)",
    )
    period = report.add_mutually_exclusive_group()
    period.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="quarter (default: the whole year)")
    period.add_argument("--half", type=int, choices=[1, 2], help="half-year 半年考核: 1 = H1, 2 = H2")
    report.add_argument("--as-of", type=_date, help="balances as of this date (default today)")
    report.add_argument(
        "--start",
        "--from",
        dest="start",
        type=_date,
        help="first day of the period (activity, cash-flow, trial-balance, ledger, vouchers; default: 1 January)",
    )
    report.add_argument(
        "--end",
        "--to",
        dest="end",
        type=_date,
        help="last day of the period (default: 31 December of --year, else --as-of)",
    )
    report.add_argument(
        "--account", help="the account code of the ledger report (明细账), e.g. 1002 or 112201"
    )
    _report_options(report)

    printing = command("print", "打印单据：收款收据、借款借据、记账凭证 (print a document to file and sign)")
    documents = printing.add_subparsers(dest="document", required=True, metavar="DOCUMENT")

    def document(name: str, help_text: str) -> argparse.ArgumentParser:
        sub_parser = documents.add_parser(name, help=help_text, description=help_text, parents=shared)
        sub_parser.add_argument("--fund", required=True, help="基金编码")
        return sub_parser

    receipt = document("receipt", "收款收据：按还款凭证号打印交给借款人的收据（大写金额、收款人）")
    receipt.add_argument("number", help="还款凭证号（记录还款时所用的收据号）")
    receipt.add_argument("--payee", default="", help="收款人姓名（留空则留签字线）")
    _report_options(receipt)
    iou = document("iou", "借款借据：放款时按借款条件和还款计划打印，借款人、担保人签字")
    iou.add_argument("loan", help="借款合同号")
    _report_options(iou)
    voucher = document("voucher", "记账凭证：打印一笔分录（凭证号、摘要、科目、借贷、合计大写、附件张数）")
    voucher.add_argument("seq", type=int, help="凭证号（分录序号）")
    voucher.add_argument("--attachments", type=int, default=0, help="附件张数（默认 0）")
    voucher.add_argument("--prepared-by", default="", help="制单人")
    voucher.add_argument("--reviewed-by", default="", help="审核人")
    voucher.add_argument("--posted-by", default="", help="记账人")
    _report_options(voucher)

    check = command("check", "audit the books against revolve's invariants; exit 1 if any is broken")
    check.add_argument("--fund", help="only this fund")

    verify = command("verify", "walk a fund's hash chain; exit 1 if it is broken")
    verify.add_argument("fund", help="fund code")
    verify.add_argument(
        "--against",
        metavar="CODE",
        help="an earlier checkpoint (账簿校验码) of the fund, as printed on a report: exit 1 if the history "
        "up to it was rewritten",
    )

    seal = command(
        "seal",
        "key a fund's existing chain under the chain key (REVOLVE_CHAIN_KEY or REVOLVE_CHAIN_KEY_FILE)",
    )
    seal.add_argument("fund", help="fund code")

    tb = command("trial-balance", "print a fund's trial balance (科目余额表)")
    tb.add_argument("fund", help="fund code")
    tb.add_argument("--as-of", type=_date)

    tpl = command(
        "template", "write an import template workbook (模板): columns, notes, dropdowns, an example"
    )
    tpl.add_argument("kind", choices=["households", "loans", "repayments", "contributions"])
    tpl.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx to write, e.g. 模板.xlsx")
    command("demo", "build the demo county in a fresh SQLite file (default: a new temporary folder)")
    add_application_commands(command, _date)
    return parser
