"""The ``revolve`` commands of a fund's other money tasks: ``write-off`` (核销), ``recovery`` (核销后收回),
``grant`` (一次性帮扶) and ``allowance`` (坏账准备: provide, true up, show, set its policy).

:data:`GRAMMAR` is their grammar; :data:`COMMANDS` maps each to what it does. Each prints what it did
in the chosen language. The books' modules are imported by the commands, not by the grammar, so that
``revolve --help`` does not load the database layer.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from revolve.cli.argparsing import Grammar, Say, date_type, shared_options
from revolve.cli.console import EXIT_OK, say

if TYPE_CHECKING:
    from revolve.ledger import Ledger

__all__ = ["COMMANDS", "GRAMMAR"]


def _write_off_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--loan", required=True, help=t("借款编号", "the loan's number"))
    p.add_argument("--on", required=True, type=date_type(t), help=t("核销日期（须在未结账期间）", "date written off (in an open period)"))  # fmt: skip
    p.add_argument("--approval-ref", required=True, help=t("核销批准文号/审批单号，例如 丰计协发〔2019〕3号", "the approval's reference, e.g. 丰计协发〔2019〕3号"))  # fmt: skip
    p.add_argument("--reason", required=True, help=t("核销原因，例如：借款人死亡，无力偿还", "why, e.g. the borrower died with no estate"))  # fmt: skip


def _recovery_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--loan", required=True, help=t("已核销借款的编号", "the written-off loan's number"))
    p.add_argument("--amount", required=True, help=t("收回金额（元），不超过核销后尚未收回的部分", "yuan recovered, at most what is still written off"))  # fmt: skip
    p.add_argument("--on", required=True, type=date_type(t), help=t("收回日期", "date recovered"))
    p.add_argument("--receipt", required=True, help=t("收款凭证号；重复记录同一凭证号不会重复入账", "receipt number; recording it again changes nothing"))  # fmt: skip


def _grant_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--household", required=True, help=t("受助户编码（户编码）", "the household's code"))
    p.add_argument("--amount", required=True, help=t("帮扶金额（元）", "yuan granted"))
    p.add_argument("--on", required=True, type=date_type(t), help=t("支付日期", "date paid"))
    p.add_argument("--memo", default="", help=t("摘要（默认：一次性帮扶 户编码）", "memo (default: 一次性帮扶 and the household's code)"))  # fmt: skip


_RATES = (
    ("current", "未逾期", "not past due"),
    ("days_1_30", "逾期 1–30 天", "1–30 days past due"),
    ("days_31_60", "逾期 31–60 天", "31–60 days past due"),
    ("days_61_90", "逾期 61–90 天", "61–90 days past due"),
    ("over_90", "逾期 90 天以上", "over 90 days past due"),
)


def _allowance_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION", title=t("操作", "actions"))

    def action(name: str, zh: str, en: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=t(zh, en), description=t(zh, en))
        shared_options(sub, t, top=False)  # --db and --lang after the action too
        sub.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
        return sub

    show = action("show", "显示账龄分析法的计提比例、应计提金额和坏账准备余额", "show the ageing rates, the allowance required and the balance")  # fmt: skip
    show.add_argument("--as-of", type=date_type(t), help=t("截至日期（默认今天）", "as of this date (default today)"))  # fmt: skip
    true_up = action("true-up", "按账龄分析法补提或冲减坏账准备至应计提金额", "bring the allowance to what the ageing method requires")  # fmt: skip
    true_up.add_argument("--on", required=True, type=date_type(t), help=t("计提日期（须在未结账期间）", "date of the true-up (in an open period)"))  # fmt: skip
    provide = action("provide", "手工计提坏账准备（借：管理费用—坏账损失，贷：坏账准备）", "provide for bad debts by hand")  # fmt: skip
    provide.add_argument("--amount", required=True, help=t("计提金额（元）", "yuan provided"))
    provide.add_argument("--on", required=True, type=date_type(t), help=t("计提日期", "date provided"))
    provide.add_argument(
        "--memo", default="", help=t("摘要（默认：计提坏账准备）", "memo (default: 计提坏账准备)")
    )
    rates = action("set", "设定账龄分析法的计提比例，自 --from 日起执行（下次计提时生效）", "set the ageing method's rates from a date")  # fmt: skip
    rates.add_argument("--from", dest="effective_from",
        metavar="DATE", required=True, type=date_type(t), help=t("执行日期", "effective from"))  # fmt: skip
    for field, zh, en in _RATES:
        rates.add_argument(
            "--" + field.replace("_", "-"),
            required=True,
            dest=field,
            metavar="RATE",
            help=t(f"{zh}借款本金的计提比例，例如 0.01 或 1%%", f"the rate for loans {en}, e.g. 0.01 or 1%%"),
        )


def _write_off(args: argparse.Namespace, ledger: Ledger) -> int:
    done = ledger.write_off(
        args.fund, args.loan, on=args.on, approval_ref=args.approval_ref, reason=args.reason
    )
    print(
        say(
            args.lang,
            f"已核销 {done.loan_number}：本金 {done.amount}，{done.written_on.isoformat()}，"
            f"第{done.entry_seq}号凭证（批准文号 {done.approval_ref}，原因：{done.reason}），已记入核销备查簿",
            f"Wrote off {done.loan_number}: principal {done.amount} on {done.written_on.isoformat()}, "
            f"entry {done.entry_seq} (approval {done.approval_ref}; reason: {done.reason}); "
            "entered in the write-off register",
        )
    )
    return EXIT_OK


def _recovery(args: argparse.Namespace, ledger: Ledger) -> int:
    receipt = ledger.recover(args.fund, args.loan, amount=args.amount, on=args.on, receipt=args.receipt)
    line = next(w for w in ledger.write_off_register(args.fund) if w.loan_id == receipt.loan_id)
    left = line.amount - line.recovered
    print(
        say(
            args.lang,
            f"已记录核销后收回 {receipt.receipt}：{args.loan} 收回 {receipt.amount}，第{receipt.entry_seq}号凭证；"
            f"累计收回 {line.recovered}，尚未收回 {left}",
            f"Recorded recovery {receipt.receipt}: {receipt.amount} on {args.loan}, entry {receipt.entry_seq}; "
            f"{line.recovered} recovered in all, {left} still written off",
        )
    )
    return EXIT_OK


def _grant(args: argparse.Namespace, ledger: Ledger) -> int:
    entry = ledger.grant(args.fund, args.household, amount=args.amount, on=args.on, memo=args.memo)
    available = ledger.available(args.fund)
    print(
        say(
            args.lang,
            f"已支付一次性帮扶 {args.amount} 给 {args.household}：第{entry.seq}号凭证，可用资金 {available}",
            f"Paid a one-off grant of {args.amount} to {args.household}: entry {entry.seq}; "
            f"available to lend {available}",
        )
    )
    return EXIT_OK


def _allowance(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.cli.values import parse_rate  # noqa: PLC0415
    from revolve.journal import PostedEntry  # noqa: PLC0415

    lang = args.lang
    if args.action == "provide":
        entry = ledger.provide(args.fund, amount=args.amount, on=args.on, memo=args.memo)
        print(say(lang, f"已计提坏账准备 {args.amount}：第{entry.seq}号凭证", f"Provided {args.amount}: entry {entry.seq}"))  # fmt: skip
        return EXIT_OK
    if args.action == "true-up":
        done = ledger.true_up_allowance(args.fund, on=args.on)
        posted = done.entry
        if not isinstance(posted, PostedEntry):  # None: the books already agree
            print(say(lang, f"坏账准备余额 {done.balance_before} 已等于应计提金额，未记账", f"The allowance of {done.balance_before} already matches; nothing posted"))  # fmt: skip
        else:
            verb = (
                say(lang, "补提", "provided")
                if done.adjustment.is_positive()
                else say(lang, "冲减", "reversed")
            )
            print(
                say(
                    lang,
                    f"坏账准备{verb} {abs(done.adjustment)}：应计提 {done.required.total}，"
                    f"原余额 {done.balance_before}，第{posted.seq}号凭证",
                    f"Allowance {verb} by {abs(done.adjustment)}: required {done.required.total}, was "
                    f"{done.balance_before}; entry {posted.seq}",
                )
            )
        return EXIT_OK
    if args.action == "set":
        from revolve.loans.allowance import AllowancePolicy  # noqa: PLC0415

        rates = {field: parse_rate(getattr(args, field)) for field, _, _ in _RATES}
        ledger.set_allowance_policy(args.fund, AllowancePolicy(args.effective_from, **rates))
        shown = say(lang, "、", ", ").join(f"{say(lang, zh, en)} {rates[f]:%}" for f, zh, en in _RATES)
        print(say(lang, f"已设定计提比例，自 {args.effective_from} 起执行：{shown}", f"Allowance rates from {args.effective_from}: {shown}"))  # fmt: skip
        return EXIT_OK
    as_of = args.as_of or args.today
    required = ledger.required_allowance(args.fund, as_of=as_of)
    balance = -ledger.balance(args.fund, "bad_debt_allowance", as_of=as_of)
    print(say(lang, f"基金 {args.fund} 坏账准备（截至 {as_of}，计提比例自 {required.policy.effective_from} 起执行）", f"Allowance of {args.fund} as of {as_of} (rates from {required.policy.effective_from})"))  # fmt: skip
    for line in required.lines:
        name = line.bucket.label_zh if lang == "zh" else line.bucket.value
        print(f"  {name}: {line.count} {say(lang, '笔', 'loan(s)')}, {line.outstanding} × {line.rate:%} = {line.required}")  # fmt: skip
    print(say(lang, f"应计提 {required.total}，账面余额 {balance}，差额 {required.total - balance}", f"required {required.total}, on the books {balance}, difference {required.total - balance}"))  # fmt: skip
    return EXIT_OK


GRAMMAR = (
    Grammar(
        "write-off",
        "核销：经批准将一笔借款的剩余本金作为坏账核销（借记坏账准备，贷记其他应收款），记入核销备查簿",
        "write a loan off with its approval (enters the write-off register)",
        _write_off_grammar,
    ),
    Grammar(
        "recovery",
        "核销后收回：记录已核销借款收回的款项（不超过核销金额）",
        "record money recovered on a written-off loan",
        _recovery_grammar,
    ),
    Grammar(
        "grant",
        "一次性帮扶：向一户无偿支付帮扶款（资金永久流出基金）",
        "pay a one-off grant to a household (money that leaves the fund for good)",
        _grant_grammar,
    ),
    Grammar(
        "allowance",
        "坏账准备：显示、计提、按账龄补提/冲减、设定计提比例",
        "the bad-debt allowance: show, provide, true up, set the rates",
        _allowance_grammar,
    ),
)
"""The grammar of this module's commands."""

COMMANDS: dict[str, Callable[[argparse.Namespace, Ledger], int]] = {
    "write-off": _write_off,
    "recovery": _recovery,
    "grant": _grant,
    "allowance": _allowance,
}
"""What each command of this module does, by its name."""
