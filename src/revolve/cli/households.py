"""The ``revolve`` commands of a fund's programme: ``household`` (一户一档: add, show, edit, record),
``batch`` (批次: open, close, list) and ``policy`` (借款政策: show, set).

:data:`GRAMMAR` is their grammar; :data:`COMMANDS` maps each to what it does. As in
:mod:`revolve.cli.tasks`, the books' modules are imported by the commands, not by the grammar.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from revolve.cli.argparsing import (
    Grammar,
    Say,
    choices_help,
    date_type,
    enum_choice,
    say_in,
    shared_options,
)
from revolve.cli.console import EXIT_OK, say

if TYPE_CHECKING:
    from revolve.ledger import Ledger
    from revolve.policy import Policy

__all__ = ["COMMANDS", "GRAMMAR"]


def _actions(p: argparse.ArgumentParser, t: Say) -> Callable[[str, str, str], argparse.ArgumentParser]:
    """The maker of a command's actions (``household add``, ``batch list`` …), each with ``--fund``."""
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION", title=t("操作", "actions"))

    def action(name: str, zh: str, en: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=t(zh, en), description=t(zh, en))
        shared_options(sub, t, top=False)  # --db and --lang after the action too
        sub.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
        return sub

    return action


def _household_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    from revolve.households import FamilyPlanningStatus, RecordKind  # noqa: PLC0415

    statuses = [(s.value, s.label_zh) for s in FamilyPlanningStatus]
    # a change record (档案变更) is written by ``household edit``, not typed in
    kinds = [(k.value, k.label_zh) for k in RecordKind if k is not RecordKind.CHANGE]
    action = _actions(p, t)
    add = action("add", "建档：登记一户（受助母亲、身份证号、计生类别）", "register a household")
    add.add_argument("--code", required=True, help=t("户编码（档案号），基金内唯一", "the household's code, unique in the fund"))  # fmt: skip
    add.add_argument("--name", required=True, help=t("受助母亲姓名", "the mother's name"))
    add.add_argument("--id", dest="national_id", required=True, help=t("居民身份证号码（18 位）", "her national ID number (18 characters)"))  # fmt: skip
    add.add_argument("--registered-on", required=True, type=date_type(t), help=t("建档日期", "the date the file is opened"))  # fmt: skip
    add.add_argument("--category", type=enum_choice("--category", statuses, t), default="compliant", help=choices_help(t, ("计生类别", "family-planning category"), statuses, "compliant"))  # fmt: skip
    add.add_argument("--village", help=t("所在村（居）的组织代码", "the code of her village's organisation"))
    add.add_argument("--phone", help=t("联系电话", "a contact phone number"))
    add.add_argument("--income-before", help=t("帮扶前家庭年收入（元）", "yearly household income before aid, in yuan"))  # fmt: skip
    add.add_argument("--persons", type=int, help=t("家庭人口", "household size"))
    show = action("show", "查看一户的档案、借款和回访记录（身份证号、电话默认遮盖）", "show a household's file, loans and records")  # fmt: skip
    show.add_argument("code", help=t("户编码", "the household's code"))
    show.add_argument("--reveal", action="store_true", help=t("显示完整的身份证号和电话", "show the ID number and phone unmasked"))  # fmt: skip
    edit = action("edit", "修改户档案：姓名、身份证号、电话、所在村、计生类别、家庭人口（变更记入档案）", "change a household's file: name, ID number, phone, village, category, size (the change is recorded)")  # fmt: skip
    edit.add_argument("code", help=t("户编码", "the household's code"))
    edit.add_argument("--on", required=True, type=date_type(t), help=t("变更日期（家庭人口为清点日期）", "the date of the change (of the count, for --persons)"))  # fmt: skip
    edit.add_argument("--name", help=t("受助母亲姓名", "the mother's name"))
    edit.add_argument("--id", dest="national_id", help=t("居民身份证号码（更正）", "her national ID number (corrected)"))  # fmt: skip
    edit.add_argument("--phone", help=t("联系电话（空串删除）", "a contact phone number (empty: remove it)"))
    edit.add_argument("--village", help=t("所在村（居）的组织代码", "the code of her village's organisation"))
    edit.add_argument("--category", type=enum_choice("--category", statuses, t), help=choices_help(t, ("计生类别", "family-planning category"), statuses))  # fmt: skip
    edit.add_argument("--persons", type=int, help=t("家庭人口（以 --on 日清点数取代原数）", "household size, as counted on --on"))  # fmt: skip
    edit.add_argument("--note", default="", help=t("变更原因", "why it changes"))
    record = action("record", "记入档案：回访、收入或脱贫评估", "add a visit, an income figure or a poverty-exit assessment")  # fmt: skip
    record.add_argument("code", help=t("户编码", "the household's code"))
    record.add_argument("--kind", required=True, type=enum_choice("--kind", kinds, t), help=choices_help(t, ("记录种类", "what it records"), kinds))  # fmt: skip
    record.add_argument("--on", required=True, type=date_type(t), help=t("日期", "date"))
    record.add_argument("--note", default="", help=t("说明", "note"))
    record.add_argument("--income", help=t("家庭年收入（元；收入记录必填）", "yearly household income in yuan (income records)"))  # fmt: skip
    record.add_argument("--exited-poverty", action=argparse.BooleanOptionalAction, help=t("脱贫评估结论：已脱贫 / --no-exited-poverty 未脱贫", "the assessment's verdict"))  # fmt: skip


def _batch_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    action = _actions(p, t)
    opened = action("open", "开立放款批次（批/期）", "open a disbursement batch")
    opened.add_argument("--code", required=True, help=t("批次编码", "the batch's code"))
    opened.add_argument("--on", required=True, type=date_type(t), help=t("开立日期", "date opened"))
    opened.add_argument("--site", help=t("项目点（组织代码）", "the project site (an organisation code)"))
    opened.add_argument("--note", default="", help=t("说明", "note"))
    closed = action("close", "结束放款批次：此后不再向该批次放款", "close a disbursement batch: it takes no further payout")  # fmt: skip
    closed.add_argument("--code", required=True, help=t("批次编码", "the batch's code"))
    closed.add_argument("--on", required=True, type=date_type(t), help=t("结束日期", "date closed"))
    closed.add_argument("--note", default="", help=t("说明（例如批准文号）", "note (e.g. the approval)"))
    action("list", "列出基金的放款批次（含状态和结束日期）", "list the fund's batches, with their status")


def _policy_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    from revolve.policy import HouseholdScope  # noqa: PLC0415

    scopes = [(s.value, s.label_zh) for s in HouseholdScope]
    action = _actions(p, t)
    show = action("show", "显示某日执行的借款政策（额度、期限、笔数、担保、展期、公示期）", "show the lending policy in force on a date")  # fmt: skip
    show.add_argument("--as-of", type=date_type(t), help=t("日期（默认今天）", "date (default today)"))
    new = action("set", "设定新的借款政策，自 --from 日起执行；未给出的项目沿用当时执行的政策", "put a new policy in force from a date; what is not given stays as in force then")  # fmt: skip
    new.add_argument("--from", dest="effective_from",
        metavar="DATE", required=True, type=date_type(t), help=t("执行日期（按放款日适用）", "effective from (a loan's disbursement date decides)"))  # fmt: skip
    new.add_argument("--min-amount", help=t("单户最低额度（元）", "the smallest loan, in yuan"))
    new.add_argument("--max-amount", help=t("单户最高额度（元）", "the largest loan, in yuan"))
    new.add_argument("--amounts", help=t("固定额度档次，逗号分隔，例如 20000,50000（空串取消）", "fixed tiers, comma-separated, e.g. 20000,50000 (empty: none)"))  # fmt: skip
    new.add_argument("--min-term", type=int, help=t("最短期限（月）", "the shortest term, in months"))
    new.add_argument("--max-term", type=int, help=t("最长期限（月）", "the longest term, in months"))
    new.add_argument(
        "--max-loans", type=int, help=t("每户累计借款笔数上限", "loans one household may ever take")
    )
    new.add_argument(
        "--max-active", type=int, help=t("每户同时在贷笔数上限", "loans one household may owe on at once")
    )
    new.add_argument("--guarantee-required", action=argparse.BooleanOptionalAction, help=t("放款是否须有担保", "whether a loan needs a guarantee"))  # fmt: skip
    new.add_argument("--extension-after-maturity", action=argparse.BooleanOptionalAction, help=t("到期后是否仍可展期", "whether a loan may be extended after its maturity"))  # fmt: skip
    new.add_argument(
        "--max-extensions", type=int, help=t("每笔借款展期次数上限", "extensions one loan may have")
    )
    new.add_argument("--notice-days", type=int, help=t("公示期（天）", "the public-notice period, in days"))
    new.add_argument("--scope", type=enum_choice("--scope", scopes, t), help=choices_help(t, ("笔数限制的统计范围", "where the household limits count her loans"), scopes))  # fmt: skip


def _mask(text: str | None, reveal: bool, mask: Callable[[str], str]) -> str:
    return "" if not text else text if reveal else mask(text)


def _household(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.households import FamilyPlanningStatus, RecordKind, mask_national_id, mask_phone  # noqa: PLC0415

    lang, t = args.lang, say_in(args.lang)
    if args.action == "add":
        village = ledger.org(args.village).id if args.village else None
        found = ledger.register_household(
            args.fund, code=args.code, mother_name=args.name, national_id=args.national_id,
            registered_on=args.registered_on, fp_status=args.category, org=village, phone=args.phone,
            income_before=args.income_before, persons=args.persons,
        )  # fmt: skip
        print(t(f"已建档 {found.code}：{found.mother_name}（{found.fp_status.label_zh}），身份证 {mask_national_id(found.national_id)}", f"Registered {found.code}: {found.mother_name} ({found.fp_status.value}), ID {mask_national_id(found.national_id)}"))  # fmt: skip
        return EXIT_OK
    if args.action == "edit":
        found = ledger.edit_household(
            args.fund, args.code, on=args.on, mother_name=args.name, national_id=args.national_id,
            phone=args.phone, org=args.village, fp_status=args.category, persons=args.persons, note=args.note,
        )  # fmt: skip
        # the records of a day come in the order written: the last change of the day is this one
        records = ledger.household_records(args.fund, found.id)
        change = [r for r in records if r.kind is RecordKind.CHANGE and r.on == args.on][-1]
        print(t(f"已修改 {found.code} 的档案（{args.on}）：{change.note}", f"Changed the file of {found.code} on {args.on}: {change.note}"))  # fmt: skip
        return EXIT_OK
    if args.action == "record":
        kind = RecordKind(args.kind)
        ledger.record_household(
            args.fund, args.code, kind=kind, on=args.on, note=args.note, income=args.income,
            exited_poverty=args.exited_poverty,
        )  # fmt: skip
        print(t(f"已记入 {args.code} 的档案：{kind.label_zh}，{args.on}", f"Recorded a {kind.value} for {args.code} on {args.on}"))  # fmt: skip
        return EXIT_OK
    h = ledger.household(args.fund, args.code)
    status = FamilyPlanningStatus(h.fp_status)
    lives_in = ledger.org(h.org_id).name if h.org_id is not None else "—"
    print(t(f"户编码 {h.code}　受助母亲 {h.mother_name}　身份证 {_mask(h.national_id, args.reveal, mask_national_id)}", f"Household {h.code}  mother {h.mother_name}  ID {_mask(h.national_id, args.reveal, mask_national_id)}"))  # fmt: skip
    print(t(f"计生类别 {status.label_zh}　所在村 {lives_in}　建档 {h.registered_on}　家庭人口 {h.persons or '—'}　电话 {_mask(h.phone, args.reveal, mask_phone) or '—'}", f"category {status.value}  village {lives_in}  registered {h.registered_on}  persons {h.persons or '—'}  phone {_mask(h.phone, args.reveal, mask_phone) or '—'}"))  # fmt: skip
    for loan in (ln for ln in ledger.loans(args.fund) if ln.household_id == h.id):
        state = loan.status.label_zh if lang == "zh" else loan.status.value
        print(t(f"  借款 {loan.number}：{loan.disbursed_on} 放款 {loan.principal}，剩余本金 {loan.outstanding}，{state}", f"  loan {loan.number}: {loan.principal} paid out {loan.disbursed_on}, {loan.outstanding} outstanding, {state}"))  # fmt: skip
    for r in ledger.household_records(args.fund, h.id):
        what = r.kind.label_zh if lang == "zh" else r.kind.value
        extra = f" {r.income}" if r.income is not None else ""
        verdict = "" if r.exited_poverty is None else t(" 已脱贫" if r.exited_poverty else " 未脱贫", " exited" if r.exited_poverty else " not exited")  # fmt: skip
        print(f"  {r.on} {what}{extra}{verdict} {r.note}".rstrip())
    return EXIT_OK


def _batch(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.money import Money  # noqa: PLC0415

    t = say_in(args.lang)
    if args.action == "open":
        site = ledger.org(args.site).id if args.site else None
        batch = ledger.open_batch(args.fund, code=args.code, on=args.on, site=site, note=args.note)
        print(
            t(
                f"已开立批次 {batch.code}（{batch.opened_on}）",
                f"Opened batch {batch.code} on {batch.opened_on}",
            )
        )
        return EXIT_OK
    if args.action == "close":
        batch = ledger.close_batch(args.fund, args.code, on=args.on, note=args.note)
        print(
            t(
                f"已结束批次 {batch.code}（{batch.closed_on}），此后不再向该批次放款",
                f"Closed batch {batch.code} on {batch.closed_on}: it takes no further payout",
            )
        )
        return EXIT_OK
    loans = ledger.loans(args.fund)
    batches = ledger.batches(args.fund)
    print(t(f"基金 {args.fund} 共 {len(batches)} 个批次", f"{len(batches)} batch(es) in {args.fund}"))
    for b in batches:
        mine = [ln for ln in loans if ln.batch_id == b.id]
        total = Money.total(ln.principal for ln in mine)
        state = t(f"已结束 {b.closed_on}", f"closed {b.closed_on}") if b.closed_on else t("放款中", "open")
        print(t(f"  {b.code}　开立 {b.opened_on}　{state}　借款 {len(mine)} 笔　本金 {total}　{b.note}", f"  {b.code}  opened {b.opened_on}  {state}  {len(mine)} loan(s)  principal {total}  {b.note}").rstrip())  # fmt: skip
    return EXIT_OK


def _show_policy(policy: Policy, lang: str) -> list[str]:
    t = say_in(lang)
    since = "—" if policy.effective_from.year == 1 else policy.effective_from.isoformat()
    tiers = "、".join(str(a) for a in policy.allowed_amounts)
    extensions = policy.max_extensions if policy.max_extensions is not None else t("不限", "no limit")
    lines = [
        t(f"执行日期 {since}（— 为 revolve 的默认政策）", f"in force from {since} (— is revolve's default)"),
        t(
            f"单户额度 {policy.min_amount} 至 {policy.max_amount}",
            f"amount {policy.min_amount} to {policy.max_amount}",
        )
        + (t(f"，固定档次 {tiers}", f", tiers {tiers}") if tiers else ""),
        t(
            f"期限 {policy.min_term_months} 至 {policy.max_term_months} 个月",
            f"term {policy.min_term_months} to {policy.max_term_months} months",
        ),
        t(
            f"每户累计不超过 {policy.max_loans_per_household} 笔，同时在贷不超过 {policy.max_active_loans_per_household} 笔（统计范围：{policy.household_scope.label_zh}）",
            f"at most {policy.max_loans_per_household} loan(s) per household, {policy.max_active_loans_per_household} at once (counted in: {policy.household_scope.value})",
        ),
        t(
            f"须有担保：{'是' if policy.guarantee_required else '否'}",
            f"guarantee required: {'yes' if policy.guarantee_required else 'no'}",
        ),
        t(
            f"到期后可展期：{'是' if policy.extension_after_maturity else '否'}；每笔展期次数上限 {extensions}",
            f"extension after maturity: {'yes' if policy.extension_after_maturity else 'no'}; extensions per loan {extensions}",
        ),
        t(f"公示期 {policy.notice_days} 天", f"public notice {policy.notice_days} days"),
    ]
    for rule in policy.categories:
        cap = rule.max_amount if rule.max_amount is not None else "—"
        lines.append(t(f"类别 {rule.category.label_zh}：优先级 {rule.priority}，最高额度 {cap}，最长期限 {rule.max_term_months or '—'} 个月", f"category {rule.category.value}: priority {rule.priority}, max {cap}, max term {rule.max_term_months or '—'} months"))  # fmt: skip
    return lines


_POLICY_FIELDS = {
    "min_amount": "min_amount",
    "max_amount": "max_amount",
    "min_term": "min_term_months",
    "max_term": "max_term_months",
    "max_loans": "max_loans_per_household",
    "max_active": "max_active_loans_per_household",
    "guarantee_required": "guarantee_required",
    "extension_after_maturity": "extension_after_maturity",
    "max_extensions": "max_extensions",
    "notice_days": "notice_days",
    "scope": "household_scope",
}


def _policy(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.money import Money  # noqa: PLC0415
    from revolve.policy import HouseholdScope  # noqa: PLC0415

    if args.action == "show":
        on = args.as_of or args.today
        print(
            say(
                args.lang,
                f"基金 {args.fund} 于 {on} 执行的借款政策：",
                f"Lending policy of {args.fund} on {on}:",
            )
        )
        for line in _show_policy(ledger.policy(args.fund, on=on), args.lang):
            print(f"  {line}")
        return EXIT_OK
    changes: dict[str, object] = {
        field: getattr(args, option)
        for option, field in _POLICY_FIELDS.items()
        if getattr(args, option) is not None
    }
    if args.scope is not None:
        changes["household_scope"] = HouseholdScope(args.scope)
    if args.amounts is not None:
        changes["allowed_amounts"] = tuple(
            Money.of_yuan(a.strip()) for a in args.amounts.split(",") if a.strip()
        )
    current = ledger.policy(args.fund, on=args.effective_from)
    policy = replace(current, effective_from=args.effective_from, **changes)  # type: ignore[arg-type]
    ledger.set_policy(args.fund, policy)
    print(say(args.lang, f"已设定基金 {args.fund} 的借款政策：", f"New lending policy of {args.fund}:"))
    for line in _show_policy(policy, args.lang):
        print(f"  {line}")
    return EXIT_OK


GRAMMAR = (
    Grammar(
        "household",
        "一户一档：建档、查看、修改档案、记入回访/收入/脱贫评估",
        "a household's file: add, show, edit, record",
        _household_grammar,
    ),
    Grammar("batch", "放款批次：开立、结束、列出", "disbursement batches: open, close, list", _batch_grammar),
    Grammar(
        "policy",
        "借款政策：显示、设定（额度、期限、笔数、担保、展期、公示期）",
        "the lending policy: show, set",
        _policy_grammar,
    ),
)
"""The grammar of this module's commands."""

COMMANDS: dict[str, Callable[[argparse.Namespace, Ledger], int]] = {
    "household": _household,
    "batch": _batch,
    "policy": _policy,
}
"""What each command of this module does, by its name."""
