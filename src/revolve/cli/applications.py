"""The ``revolve`` commands of the loan application queue: ``apply``, ``advance``, ``reject`` and ``queue``.

:func:`add_commands` adds their grammar to the parser; :data:`COMMANDS` maps each to what it does. Each
prints one line in the chosen language (``queue`` prints the queue, one application per line).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from revolve.applications import Application, ApplicationStep
from revolve.cli.console import EXIT_OK, say
from revolve.households import FamilyPlanningStatus
from revolve.ledger import Ledger

__all__ = ["COMMANDS", "add_commands"]

_STEP_NAMES = {step.label_zh: step for step in ApplicationStep} | {
    step.value: step for step in ApplicationStep
}
_DONE_ZH = {
    ApplicationStep.REVIEW: "已审查",
    ApplicationStep.NOTICE: "已公示",
    ApplicationStep.APPROVE: "已审批",
    ApplicationStep.AGREE: "已签协议",
}
_ADVANCED = [ApplicationStep.REVIEW, ApplicationStep.NOTICE, ApplicationStep.APPROVE, ApplicationStep.AGREE]


def add_commands(
    command: Callable[[str, str], argparse.ArgumentParser], date_type: Callable[[str], date]
) -> None:
    """Add ``apply``, ``advance``, ``reject`` and ``queue`` to the parser through its ``command`` maker."""
    apply = command(
        "apply",
        "借款申请：登记一户的借款申请（申请），按该户类别（计生类别）的额度和期限审查 / record a loan application",
    )
    apply.add_argument("--fund", required=True, help="基金代码")
    apply.add_argument("--household", required=True, help="申请户编码（户编码）")
    apply.add_argument("--amount", required=True, help="申请金额（元），例如 13000")
    apply.add_argument("--term", required=True, type=int, help="申请期限（月），例如 24")
    apply.add_argument("--on", required=True, type=date_type, help="申请日期，例如 2014-03-01")
    apply.add_argument("--purpose", help="借款用途，例如 养殖、种植、加工、商贸")
    apply.add_argument("--by", help="申请人签字（默认为受助母亲本人）")

    advance = command(
        "advance",
        "推进借款申请：审查 → 公示 → 审批 → 协议，逐步注明日期并签字，不得跳步；公示期满方可审批，"
        "越序审批须注明理由（放款由 disburse --application 记录） / take an application's next step",
    )
    advance.add_argument("--fund", required=True, help="基金代码")
    advance.add_argument("--application", required=True, type=int, help="申请编号")
    advance.add_argument(
        "--step",
        required=True,
        choices=[s.label_zh for s in _ADVANCED] + [s.value for s in _ADVANCED],
        help="步骤：审查(review)、公示(notice)、审批(approve)、协议(agree)",
    )
    advance.add_argument("--on", required=True, type=date_type, help="该步骤日期")
    advance.add_argument("--by", required=True, help="签字人，例如 县计生协 王主任")
    advance.add_argument("--reason", help="越序审批的理由（排在前面的申请仍在等候审批时必填）")

    reject = command("reject", "驳回借款申请：注明日期、签字人和理由 / reject a loan application")
    reject.add_argument("--fund", required=True, help="基金代码")
    reject.add_argument("--application", required=True, type=int, help="申请编号")
    reject.add_argument("--on", required=True, type=date_type, help="驳回日期")
    reject.add_argument("--by", required=True, help="签字人")
    reject.add_argument("--reason", required=True, help="驳回理由")

    queue = command(
        "queue",
        "借款申请排队：按户类别优先级、申请日期、申请编号列出待办申请 / list the application queue",
    )
    queue.add_argument("--fund", required=True, help="基金代码")
    queue.add_argument("--as-of", type=date_type, help="截至日期（默认今天）")


def _category(app: Application) -> str:
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
    step = _STEP_NAMES[args.step]
    app = ledger.advance(args.fund, args.application, step, on=args.on, by=args.by, reason=args.reason)
    done = app.steps[-1]
    note = f"（{done.note}）" if done.note else ""
    print(
        say(
            args.lang,
            f"申请 {app.id} {_DONE_ZH[step]}：{done.on.isoformat()}，{done.by} 签字{note}；下一步 {_next(app, 'zh')}",
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
