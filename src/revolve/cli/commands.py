"""What each ``revolve`` subcommand does, and :func:`run`, which dispatches a parsed command line to it.

Each command takes the parsed arguments (amounts already ``Money``), does its one operation on the books
and prints one line saying what it did, in the chosen language; it returns the exit status. A refusal
is raised (a ``RevolveError``) and turned into one line by :func:`revolve.cli.main`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from revolve.cli.applications import COMMANDS as APPLICATION_COMMANDS
from revolve.cli.books import connect, open_books, shown_url, url_of
from revolve.cli.console import EXIT_OK, EXIT_REFUSED, say
from revolve.cli.hints import cli_hint
from revolve.cli.households import COMMANDS as PROGRAMME_COMMANDS
from revolve.cli.lists import COMMANDS as LIST_COMMANDS
from revolve.cli.reporting import build_document, build_report, check_output, emit
from revolve.cli.tasks import COMMANDS as TASK_COMMANDS
from revolve.cli.values import convert_options
from revolve.demo import run_demo
from revolve.errors import CommandError
from revolve.ledger import Ledger, VerifyReport
from revolve.loans.file import LoanFile, purpose_of
from revolve.money import Money
from revolve.orgs import OrgLevel
from revolve.pledges import Passbook
from revolve.reports.labels import Language
from revolve.reports.trial_balance_table import trial_balance_table
from revolve.rules import ContributionSource
from revolve.schedule import InterestGrace, LoanTerms, RepaymentMethod

__all__ = ["run"]


def _init(args: argparse.Namespace) -> int:
    lang = args.lang
    url = url_of(args.db)
    if args.fund_code and not (args.fund_name and args.org_code):
        raise CommandError(
            args.fund_code,
            message=say(
                lang,
                f"开设基金 {args.fund_code} 需要 --fund-name 和 --org-code（所属组织）",
                f"opening fund {args.fund_code} needs --fund-name and --org-code (the organisation that owns it)",
            ),
        )
    with connect(url, lang) as ledger:
        print(say(lang, f"账簿已就绪：{shown_url(url)}", f"Books ready: {shown_url(url)}"))
        if args.org_code:
            known = {o.code: o for o in ledger.orgs()}
            org = known.get(args.org_code)
            if org is None:
                if not args.org_name:
                    raise CommandError(
                        args.org_code,
                        message=say(
                            lang,
                            f"没有组织 {args.org_code}：新建组织请加 --org-name",
                            f"no organisation {args.org_code}: give --org-name to create it",
                        ),
                    )
                level = OrgLevel[args.level.upper()]
                org = ledger.create_org(args.org_code, args.org_name, level, parent=args.parent)
                print(
                    say(
                        lang,
                        f"已建立组织 {org.code} {org.name}",
                        f"Created organisation {org.code} {org.name}",
                    )
                )
            else:
                print(
                    say(
                        lang,
                        f"组织 {org.code} {org.name} 已存在",
                        f"Organisation {org.code} {org.name} exists",
                    )
                )
        if args.fund_code:
            existing = {f.code: f for f in ledger.funds()}
            fund = existing.get(args.fund_code)
            if fund is None:
                fund = ledger.create_fund(args.fund_code, args.fund_name, org=args.org_code, chart=args.chart)
                print(
                    say(lang, f"已开设基金 {fund.code} {fund.name}", f"Opened fund {fund.code} {fund.name}")
                )
            else:
                print(
                    say(lang, f"基金 {fund.code} {fund.name} 已存在", f"Fund {fund.code} {fund.name} exists")
                )
    return EXIT_OK


def _contribute(args: argparse.Namespace, ledger: Ledger) -> int:
    entry = ledger.contribute(
        args.fund, amount=args.amount, on=args.on, source=args.source, donor=args.donor, receipt=args.receipt
    )
    available = ledger.available(args.fund)
    print(
        say(
            args.lang,
            f"已记录第{entry.seq}号凭证：{ContributionSource(args.source).label_zh} {args.amount}，可用资金 {available}",
            f"Entry {entry.seq}: {args.source} {args.amount} received; available to lend {available}",
        )
    )
    return EXIT_OK


def _guarantor(args: argparse.Namespace, ledger: Ledger) -> int:
    found = ledger.register_guarantor(
        args.fund, code=args.code, kind=args.kind, name=args.name, cap=args.cap, members=args.member
    )
    cap = found.cap if found.cap is not None else say(args.lang, "无上限", "no cap")
    print(
        say(
            args.lang,
            f"已登记担保人 {found.code} {found.name}（{found.kind.label_zh}，担保上限 {cap}）",
            f"Registered guarantor {found.code} {found.name} ({found.kind.value}, cap {cap})",
        )
    )
    return EXIT_OK


def _import(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.importers import import_file  # noqa: PLC0415

    lang = args.lang
    result = import_file(
        ledger,
        args.fund,
        args.kind,
        args.file,
        keep_valid=args.keep_valid,
        progress=args.progress,
        sheet=args.sheet,
        encoding=args.encoding,
        errors=args.errors,
        render_hint=cli_hint,
    )
    for line in result.note_lines(lang):
        print(f"{say(lang, '注意', 'note')}：{line}" if lang == "zh" else f"note: {line}", file=sys.stderr)
    if result.errors_file is not None:
        # the bad rows are in the workbook: one line here, not one per row
        print(f"revolve: {result.tally(lang)}", file=sys.stderr)
        return EXIT_REFUSED
    for problem in result.problems:
        print(
            f"revolve: {problem.describe(lang, columns=result.columns, render_hint=cli_hint)}",
            file=sys.stderr,
        )
    if result.ok:
        print(result.summary(lang))
        return EXIT_OK
    print(f"revolve: {result.summary(lang)}", file=sys.stderr)
    return EXIT_REFUSED


def _template(args: argparse.Namespace) -> int:
    from revolve.importers.templates import write_template  # noqa: PLC0415

    path = write_template(args.kind, args.output)
    print(say(args.lang, f"已写入导入模板 {path}", f"Wrote the import template {path}"))
    return EXIT_OK


def _pairs(given: list[str], what: str, lang: str) -> dict[str, Money]:
    """``NAME=YUAN`` options as a mapping of names to Money."""
    out: dict[str, Money] = {}
    for item in given:
        name, sep, amount = item.partition("=")
        if not sep or not name.strip():
            raise CommandError(item, message=say(lang, f"{what} 的写法是 名称=金额（元），例如 {what} fund_cash=120000", f"write {what} as NAME=YUAN, e.g. {what} fund_cash=120000"))  # fmt: skip
        out[name.strip()] = Money.of_yuan(amount.strip())
    return out


def _open_books(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.importers import import_opening  # noqa: PLC0415

    lang = args.lang
    result = import_opening(
        ledger,
        args.fund,
        args.file,
        on=args.on,
        balances=_pairs(args.balance, "--balance", args.lang),
        capital=_pairs(args.capital, "--capital", args.lang),
        lent_before=args.lent_before,
        sheet=args.sheet,
        encoding=args.encoding,
    )
    for problem in result.problems:
        print(
            f"revolve: {problem.describe(lang, columns=result.columns, render_hint=cli_hint)}",
            file=sys.stderr,
        )
    if not result.ok:
        print(f"revolve: {result.summary(lang)}", file=sys.stderr)
        return EXIT_REFUSED
    opened = ledger.opening(args.fund)
    assert opened is not None
    print(
        say(
            lang,
            f"已建账：{args.fund} 于 {opened.on.isoformat()} 期初，第{opened.entry_seq}号凭证，在贷 {result.rows_written} 笔",
            f"Opened the books of {args.fund} on {opened.on.isoformat()}: entry {opened.entry_seq}, "
            f"{result.rows_written} loans in progress",
        )
    )
    return EXIT_OK


def _loan_file(args: argparse.Namespace) -> LoanFile | None:
    """The loan file from --purpose, --agreement-no, --agreement-on and --helper; None if none is given."""
    if (
        args.purpose is None
        and args.agreement_no is None
        and args.agreement_on is None
        and args.helper is None
    ):
        return None
    purpose, note = purpose_of(args.purpose) if args.purpose is not None else (None, None)
    return LoanFile(
        purpose=purpose,
        purpose_note=note,
        agreement_no=args.agreement_no,
        agreement_on=args.agreement_on,
        helper=args.helper,
    )


def _disburse(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.importers import all_or_nothing  # noqa: PLC0415

    terms = LoanTerms(
        principal=args.amount,
        start=args.start,
        term=args.term,
        method=RepaymentMethod(args.method),
        rate=args.rate,
        interest_grace_periods=args.interest_grace,
        interest_grace=InterestGrace(args.interest_grace_kind),
    )
    # opening a new batch and paying the loan out are one transaction: a refused loan leaves no batch
    with all_or_nothing(ledger) as books:
        if args.batch not in {b.code for b in books.batches(args.fund)}:
            books.open_batch(args.fund, code=args.batch, on=args.start)
        loan = books.disburse(
            args.fund,
            number=args.number,
            household=args.household,
            batch=args.batch,
            terms=terms,
            guarantors=args.guarantor,
            pledge=args.pledge,
            passbook=None
            if args.passbook is None
            else Passbook(args.passbook_bank or "", args.passbook_account or "", args.passbook),
            application=args.application,
            signed_by=args.signed_by,
            file=_loan_file(args),
        )
    dues = ledger.schedule(args.fund, loan.number)
    last = dues[-1].due_date.isoformat() if dues else "—"
    print(
        say(
            args.lang,
            f"已放款 {loan.number}：{loan.principal} 给 {args.household}（批次 {args.batch}，第{loan.round}轮），"
            f"共 {len(dues)} 期，末期 {last}",
            f"Paid out {loan.number}: {loan.principal} to {args.household} (batch {args.batch}, round {loan.round}), "
            f"{len(dues)} instalment(s), the last on {last}",
        )
    )
    return EXIT_OK


def _repay(args: argparse.Namespace, ledger: Ledger) -> int:
    receipt = ledger.repay(
        args.fund,
        args.loan,
        amount=args.amount,
        on=args.on,
        receipt=args.receipt,
        payer=args.payer,
        guarantor=args.guarantor,
        prepayment=args.prepayment,
    )
    loan = ledger.loan(args.fund, args.loan)
    print(
        say(
            args.lang,
            f"已记录还款 {receipt.receipt}：{receipt.amount}（本金 {receipt.principal}，利息 {receipt.interest}，"
            f"管理费 {receipt.fee}，罚息 {receipt.penalty}）；{loan.number} 剩余本金 {loan.outstanding}，{loan.status.label_zh}",
            f"Recorded repayment {receipt.receipt}: {receipt.amount} (principal {receipt.principal}, interest "
            f"{receipt.interest}, fee {receipt.fee}, penalty {receipt.penalty}); {loan.number} outstanding "
            f"{loan.outstanding}, {loan.status.value}",
        )
    )
    return EXIT_OK


def _extend(args: argparse.Namespace, ledger: Ledger) -> int:
    version = ledger.extend(
        args.fund,
        args.loan,
        on=args.on,
        extra_periods=args.periods,
        approval_ref=args.approval_ref,
        approved_by=args.approved_by,
    )
    loan = ledger.loan(args.fund, args.loan)
    dues = ledger.schedule(args.fund, args.loan)
    last = dues[-1].due_date.isoformat() if dues else "—"
    print(
        say(
            args.lang,
            f"已展期 {loan.number}（{version.approval_ref}，{version.approved_by} 批准）：剩余本金 "
            f"{version.principal} 按第 {version.version} 版还款计划分 {len(dues)} 期偿还，到期日 {last}；"
            f"该借款第 {loan.extensions} 次展期",
            f"Extended {loan.number} ({version.approval_ref}, approved by {version.approved_by}): "
            f"{version.principal} outstanding over {len(dues)} instalment(s) of schedule version "
            f"{version.version}, the last on {last}; extension {loan.extensions} of this loan",
        )
    )
    return EXIT_OK


def _void(args: argparse.Namespace, ledger: Ledger) -> int:
    when = {"on": args.on, "reason": args.reason, "approved_by": args.approved_by}
    if args.kind == "receipt":
        void = ledger.void_receipt(args.fund, args.ref, **when)
    elif args.kind == "disbursement":
        void = ledger.void_disbursement(args.fund, args.ref, **when)
    elif args.kind == "subsidy":
        if args.period is None:
            raise CommandError(args.ref, message=say(args.lang, "冲正贴息须指明贴息期次：--period 1", "revolve void subsidy takes the period: --period 1"))  # fmt: skip
        void = ledger.void_subsidy(args.fund, args.ref, period=args.period, **when)
    else:
        if not args.ref.isdigit():
            raise CommandError(args.ref, message=say(args.lang, f"冲正须指明凭证号（数字），例如 17，不是 {args.ref!r}", f"revolve void {args.kind} takes the entry number, e.g. 17, not {args.ref!r}"))  # fmt: skip
        seq = int(args.ref)
        if args.kind == "grant":
            void = ledger.void_grant(args.fund, seq, **when)
        else:
            void = ledger.void_contribution(args.fund, seq, **when)
    print(
        say(
            args.lang,
            void.describe(),
            f"Voided {void.kind.value} {void.reference} on {void.on.isoformat()} by entry {void.reversal_seq} "
            f"(reason: {void.reason}; approved by {void.approved_by})",
        )
    )
    return EXIT_OK


def _close(args: argparse.Namespace, ledger: Ledger) -> int:
    fund = ledger.close_period(args.fund, through=args.through)
    closed = fund.closed_through.isoformat() if fund.closed_through else args.through.isoformat()
    print(say(args.lang, f"{fund.code} 已结账至 {closed}", f"{fund.code} is closed through {closed}"))
    return EXIT_OK


def _reopen(args: argparse.Namespace, ledger: Ledger) -> int:
    fund = ledger.reopen_period(
        args.fund, through=args.through, reason=args.reason, approved_by=args.approved_by
    )
    closed = fund.closed_through.isoformat() if fund.closed_through else "—"
    print(
        say(
            args.lang,
            f"{fund.code} 已反结账，现结账至 {closed}",
            f"{fund.code} reopened; closed through {closed}",
        )
    )
    return EXIT_OK


def _check(args: argparse.Namespace, ledger: Ledger) -> int:
    problems = ledger.check(args.fund)
    for problem in problems:
        print(problem)
    funds = 1 if args.fund else len(ledger.funds())
    print(
        say(
            args.lang,
            f"检查 {funds} 个基金：{'全部守恒' if not problems else f'发现 {len(problems)} 个问题'}",
            f"{len(problems)} problem(s) in {funds} fund(s)",
        )
    )
    return EXIT_REFUSED if problems else EXIT_OK


def _verify(args: argparse.Namespace, ledger: Ledger) -> int:
    report = ledger.verify(args.fund, against=args.against)
    _print_chain(args, report)
    return EXIT_OK if report.ok else EXIT_REFUSED


def _seal(args: argparse.Namespace, ledger: Ledger) -> int:
    report = ledger.seal_chain(args.fund)
    _print_chain(args, report)
    return EXIT_OK


def _print_chain(args: argparse.Namespace, report: VerifyReport) -> None:
    if args.lang == "zh":
        if report.first_break is not None:
            state = f"哈希链断裂：{report.first_break}"
        elif report.records:
            state = f"哈希链完整，但 {len(report.records)} 条业务记录与其摘要或凭证不符：{report.records[0]}"
        else:
            state = "哈希链完整"
        scheme = "密钥链（HMAC-SHA256）" if report.keyed else "未加密钥（SHA-256）"
        line = f"基金 {args.fund}：校验 {report.entries_checked} 张凭证，{state}，{scheme}"
        if report.ok and report.against is not None:
            line += f"，与校验码 {report.against.code} 相符"
        print(line)
        if report.checkpoint is not None:
            print(f"账簿校验码：{report.checkpoint.code}")
    else:
        print(f"fund {args.fund}: {report}")


def _demo(args: argparse.Namespace) -> int:
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="revolve-demo-")) / "demo.db"
    if path.exists():
        raise CommandError(
            str(path),
            message=say(
                args.lang,
                f"{path} 已存在；演示会新建账簿文件：请换一个 --db",
                f"{path} exists; the demo writes a fresh file: give another --db",
            ),
        )
    run_demo(path, lang=Language(args.lang)).close()
    return EXIT_OK


def _allocate(args: argparse.Namespace, ledger: Ledger) -> int:
    out, into = ledger.allocate(
        args.giver,
        args.receiver,
        amount=args.amount,
        on=args.on,
        source=args.source,
        memo=args.memo,
        receipt=args.receipt,
    )
    print(
        say(
            args.lang,
            f"已拨付 {args.amount}：{args.giver} 第{out.seq}号凭证，{args.receiver} 第{into.seq}号凭证；"
            f"{args.giver} 可用资金 {ledger.available(args.giver)}",
            f"Allocated {args.amount}: entry {out.seq} in {args.giver}, entry {into.seq} in "
            f"{args.receiver}; {args.giver} has {ledger.available(args.giver)} available",
        )
    )
    return EXIT_OK


def _trial_balance(args: argparse.Namespace, ledger: Ledger) -> int:
    print(trial_balance_table(ledger.trial_balance(args.fund, as_of=args.as_of), Language(args.lang)))
    return EXIT_OK


_WITH_BOOKS: dict[str, Callable[[argparse.Namespace, Ledger], int]] = {
    "contribute": _contribute,
    "allocate": _allocate,
    "guarantor": _guarantor,
    "import": _import,
    "open-books": _open_books,
    "disburse": _disburse,
    "repay": _repay,
    "extend": _extend,
    "void": _void,
    "close": _close,
    "reopen": _reopen,
    "check": _check,
    "verify": _verify,
    "seal": _seal,
    "trial-balance": _trial_balance,
    **APPLICATION_COMMANDS,
    **TASK_COMMANDS,
    **PROGRAMME_COMMANDS,
    **LIST_COMMANDS,
}


def run(args: argparse.Namespace, today: date) -> int:
    """Do what a parsed command line asks.

    Args:
        args: the parsed command line (:func:`revolve.cli.parser.build_parser`).
        today: the default as-of date of reports (the shell reads the clock, not this function).

    Returns:
        The exit status: ``EXIT_OK``, or ``EXIT_REFUSED`` for an import with bad rows or books that
        fail ``check``/``verify``.

    Raises:
        RevolveError: a refusal, from revolve or from the command (``CommandError``).
    """
    convert_options(args)
    if args.command == "demo":
        return _demo(args)
    if args.command == "template":
        return _template(args)
    if args.command == "init":
        return _init(args)
    args.today = today  # the default as-of date of `queue`
    with open_books(args) as ledger:
        if args.command in ("statement", "report"):
            check_output(args)  # a wrong --format or file suffix is refused before the report is built
            return emit(build_report(args, ledger, today), args)
        if args.command == "print":
            check_output(args)
            return emit(build_document(args, ledger, today), args)
        return _WITH_BOOKS[args.command](args, ledger)
