"""The ``revolve`` commands of the loan application queue: ``apply``, ``advance``, ``reject`` and ``queue``.

:data:`GRAMMAR` is their grammar; :data:`COMMANDS` maps each to what it does. Each
prints one line in the chosen language (``queue`` prints the queue, one application per line).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from revolve.cli.argparsing import Grammar, Say, choices_help, date_type, enum_choice
from revolve.cli.console import EXIT_OK, say

if TYPE_CHECKING:
    from revolve.applications import Application
    from revolve.ledger import Ledger

__all__ = ["COMMANDS", "GRAMMAR"]

_DONE_ZH = {"review": "已审查", "notice": "已公示", "approve": "已审批", "agree": "已签协议"}
"""What each step a command may take says once done (the steps ``advance`` takes, in order)."""


def _apply_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--household", required=True, help=t("申请户编码（户编码）", "the applying household's code"))  # fmt: skip
    p.add_argument("--amount", required=True, help=t("申请金额（元），例如 13000", "amount asked for, in yuan, e.g. 13000"))  # fmt: skip
    p.add_argument("--term", required=True, type=int, help=t("申请期限（月），例如 24", "term asked for, in months, e.g. 24"))  # fmt: skip
    p.add_argument("--on", required=True, type=date_type(t), help=t("申请日期，例如 2014-03-01", "date of the application, e.g. 2014-03-01"))  # fmt: skip
    p.add_argument("--purpose", help=t("借款用途，例如 养殖、种植、加工、商贸", "purpose, e.g. 养殖, 种植, 加工, 商贸"))  # fmt: skip
    p.add_argument("--by", help=t("申请人签字（默认为受助母亲本人）", "who signs the application (default: the mother herself)"))  # fmt: skip


def _advance_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    from revolve.applications import ApplicationStep  # noqa: PLC0415

    steps = [(s.value, s.label_zh) for s in ApplicationStep if s.value in _DONE_ZH]
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--application", required=True, type=int, help=t("申请编号", "the application's number"))
    p.add_argument(
        "--step",
        required=True,
        type=enum_choice("--step", steps, t),
        help=choices_help(t, ("步骤", "the step"), steps),
    )
    p.add_argument("--on", required=True, type=date_type(t), help=t("该步骤日期", "date of the step"))
    p.add_argument("--by", required=True, help=t("签字人，例如 县计生协 王主任", "who signs the step"))
    p.add_argument("--reason", help=t("越序审批的理由（排在前面的申请仍在等候审批时必填）", "why it is approved out of turn (required while an earlier application waits)"))  # fmt: skip


def _reject_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--application", required=True, type=int, help=t("申请编号", "the application's number"))
    p.add_argument("--on", required=True, type=date_type(t), help=t("驳回日期", "date rejected"))
    p.add_argument("--by", required=True, help=t("签字人", "who signs the rejection"))
    p.add_argument("--reason", required=True, help=t("驳回理由", "why it is rejected"))


def _queue_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--as-of", type=date_type(t), help=t("截至日期（默认今天）", "as of this date (default today)"))  # fmt: skip


GRAMMAR = (
    Grammar(
        "apply",
        "借款申请：登记一户的借款申请，按该户类别（计生类别）的额度和期限审查",
        "record a loan application",
        _apply_grammar,
    ),
    Grammar(
        "advance",
        "推进借款申请：审查 → 公示 → 审批 → 协议，逐步注明日期并签字，不得跳步；公示期满方可审批，越序审批须注明理由（放款由 disburse --application 记录）",
        "take an application's next step: review, notice, approve, agree",
        _advance_grammar,
    ),
    Grammar("reject", "驳回借款申请：注明日期、签字人和理由", "reject a loan application", _reject_grammar),
    Grammar(
        "queue",
        "借款申请排队：按户类别优先级、申请日期、申请编号列出待办申请",
        "list the application queue",
        _queue_grammar,
    ),
)
"""The grammar of the application commands."""


def _category(app: Application) -> str:
    from revolve.households import FamilyPlanningStatus  # noqa: PLC0415

    return FamilyPlanningStatus(app.category).label_zh


def _apply(args: argparse.Namespace, ledger: Ledger) -> int:
    app = ledger.apply(
        args.fund,
        args.household,
        amount=args.amount,
        term_months=args.term,
        on=args.on,
        purpose=args.purpose,
        by=args.by,
    )
    print(
        say(
            args.lang,
            f"已登记借款申请 {app.id}：{args.household}（{_category(app)}）申请 {app.amount}，期限 {app.term_months} 个月，"
            f"{app.applied_on.isoformat()}；下一步 审查",
            f"Recorded application {app.id}: {args.household} ({app.category}) asks for {app.amount} over "
            f"{app.term_months} month(s) on {app.applied_on.isoformat()}; next step review",
        )
    )
    return EXIT_OK


def _next(app: Application, lang: str) -> str:
    step = app.next_step
    if step is None:
        return "—"
    return step.label_zh if lang == "zh" else step.value


def _advance(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.applications import ApplicationStep  # noqa: PLC0415

    step = ApplicationStep(args.step)
    app = ledger.advance(args.fund, args.application, step, on=args.on, by=args.by, reason=args.reason)
    done = app.steps[-1]
    note = f"（{done.note}）" if done.note else ""
    print(
        say(
            args.lang,
            f"申请 {app.id} {_DONE_ZH[step.value]}：{done.on.isoformat()}，{done.by} 签字{note}；下一步 {_next(app, 'zh')}",
            f"Application {app.id}: {step.value} on {done.on.isoformat()}, signed by {done.by}"
            f"{' (' + done.note + ')' if done.note else ''}; next step {_next(app, 'en')}",
        )
    )
    return EXIT_OK


def _reject(args: argparse.Namespace, ledger: Ledger) -> int:
    app = ledger.reject(args.fund, args.application, on=args.on, by=args.by, reason=args.reason)
    print(
        say(
            args.lang,
            f"申请 {app.id} 已驳回：{args.on.isoformat()}，{args.by} 签字；理由：{args.reason}",
            f"Application {app.id} rejected on {args.on.isoformat()} by {args.by}: {args.reason}",
        )
    )
    return EXIT_OK


def _queue(args: argparse.Namespace, ledger: Ledger) -> int:
    as_of = args.as_of or args.today
    codes = {h.id: h.code for h in ledger.households(args.fund)}
    entries = ledger.queue(args.fund, as_of=as_of)
    zh = args.lang == "zh"
    print(
        f"借款申请排队（截至 {as_of.isoformat()}，共 {len(entries)} 笔）"
        if zh
        else f"Application queue as of {as_of.isoformat()} ({len(entries)} pending)"
    )
    print(
        "序号  申请号  户编码  户类别  优先级  申请日期  申请金额  期限(月)  已完成  下一步"
        if zh
        else "No.  Application  Household  Category  Priority  Applied  Amount  Term  Done  Next"
    )
    for e in entries:
        app = e.application
        done = app.step.label_zh if zh else app.step.value
        print(
            f"{e.position}  {app.id}  {codes.get(app.household_id, app.household_id)}  "
            f"{_category(app) if zh else app.category}  {e.priority}  {app.applied_on.isoformat()}  "
            f"{app.amount}  {app.term_months}  {done}  {_next(app, args.lang)}"
        )
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Ledger], int]] = {
    "apply": _apply,
    "advance": _advance,
    "reject": _reject,
    "queue": _queue,
}
"""What each application command does, by its name."""
