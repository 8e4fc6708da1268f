"""The ``revolve`` command: a fund's books from a terminal, for an association's finance staff.

::

    revolve [--db URL] [--lang zh|en] COMMAND ...

    init        [--org-code C --org-name N [--level county] [--parent P]] [--fund-code F --fund-name N [--chart npo|gov]]
    contribute  --fund F --amount YUAN --on DATE [--source donation|fiscal|upper_level|matching] [--donor N] [--receipt R]
    guarantor   --fund F --code G --kind K --name N [--cap YUAN] [--member H ...]
    import      {households,loans,repayments} FILE --fund F [--keep-valid] [--sheet S] [--encoding E] [--[no-]progress]
    disburse    --fund F --number N --household H --batch B --amount YUAN --start DATE --term N
                [--method M] [--rate R] [--guarantor G ...] [--pledge YUAN]
    repay       --fund F --loan L --amount YUAN --on DATE --receipt R [--payer P] [--guarantor G] [--prepayment O]
    statement   --fund F --loan L [--as-of DATE]                           (还款对账单)
    report      {quarterly,register,write-offs,balance-sheet,activity,trial-balance} (--fund F | --org O)
                [--year Y] [--quarter Q] [--as-of DATE] [--start DATE] [--end DATE]
    check       [--fund F]                audit the books against revolve's invariants
    verify      FUND                      walk a fund's hash chain
    trial-balance FUND [--as-of DATE]     a quick trial balance table (also ``report trial-balance``)
    demo        [--db PATH]               build the demo county in a fresh SQLite file

Every report command (``statement``, ``report``) takes ``--format text|markdown|html|csv|xlsx|json`` and
``--output FILE`` (the format follows the file's suffix when not given; text to stdout by default) and
``--reveal`` to show national ID numbers and phones unmasked. ``--db`` takes a SQLAlchemy URL or a path
to a SQLite file; without it, ``$REVOLVE_DATABASE_URL`` or ``revolve.db`` in the working directory. Only
``init`` and ``demo`` create a database: the other commands refuse a SQLite file that does not exist, so
a mistyped path does not silently open empty books. ``--db`` and ``--lang`` may come before or after
the command.

Amounts are yuan as text (``1234.56``, ``1.2万``; never rounded), rates decimal text (``0.049`` or
``4.9%``), dates ``2026-03-31``. Text is Chinese by default and English with ``--lang en``.

Exit status: 0 success; 1 a refusal, an import with bad rows, or books that fail ``check``/``verify``;
2 a malformed command line (argparse). A refusal prints exactly one line, ``revolve: …``, naming the
value and what to do — never a traceback (set ``REVOLVE_DEBUG=1`` to see one for an unexpected error).
An import prints one line per bad row and then a summary line.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from revolve.demo import run_demo
from revolve.errors import CommandError, InvalidRate, RevolveError, UnknownFund
from revolve.guarantees import GuarantorKind
from revolve.ledger import DEFAULT_URL, Ledger
from revolve.money import Money
from revolve.orgs import OrgLevel
from revolve.reports.labels import Language
from revolve.reports.trial_balance_table import trial_balance_table
from revolve.rules import ContributionSource, PayerKind
from revolve.schedule import LoanTerms, PrepaymentOption, RepaymentMethod

if TYPE_CHECKING:
    from revolve.reports.model import Report

__all__ = ["CommandError", "main"]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

_FORMATS = ("text", "markdown", "html", "csv", "xlsx", "json")
_REPORTS = ("quarterly", "register", "write-offs", "balance-sheet", "activity", "trial-balance")


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# ---- argument types ------------------------------------------------------------------------------
def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None


_MONEY_OPTIONS = ("amount", "pledge", "cap")


def _typed(args: argparse.Namespace) -> None:
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
        "--format", choices=_FORMATS, help="output format (default: from --output's suffix, else text)"
    )
    parser.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    parser.add_argument("--reveal", action="store_true", help="show national ID numbers and phones unmasked")


def _parser() -> argparse.ArgumentParser:
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
    imp.add_argument("kind", choices=["households", "loans", "repayments"])
    imp.add_argument("file", type=Path)
    imp.add_argument("--fund", required=True)
    imp.add_argument("--keep-valid", action="store_true", help="keep the valid rows when some rows are bad")
    imp.add_argument("--sheet", help="worksheet of an .xlsx workbook (default: the first)")
    imp.add_argument("--encoding", default="utf-8-sig", help="text encoding of a CSV file (default UTF-8)")
    imp.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )

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
    disburse.add_argument("--guarantor", action="append", default=[], help="guarantor code (repeatable)")
    disburse.add_argument("--pledge", help="pledged deposit in yuan (存折质押)")

    repay = command("repay", "record a repayment (还款) under its receipt number")
    repay.add_argument("--fund", required=True)
    repay.add_argument("--loan", required=True, help="the loan's number")
    repay.add_argument("--amount", required=True, help="yuan paid")
    repay.add_argument("--on", required=True, type=_date, help="date paid")
    repay.add_argument("--receipt", required=True, help="receipt number (还款凭证号)")
    repay.add_argument("--payer", choices=[p.value for p in PayerKind], default="borrower")
    repay.add_argument("--guarantor", help="the guarantor paying, when --payer guarantor")
    repay.add_argument(
        "--prepayment", choices=[o.value for o in PrepaymentOption], help="allow paying ahead and reschedule"
    )

    statement = command("statement", "a loan's repayment statement (还款对账单)")
    statement.add_argument("--fund", required=True)
    statement.add_argument("--loan", required=True)
    statement.add_argument("--as-of", type=_date, help="statement date (default today)")
    _report_options(statement)

    report = command("report", "a fund's or an organisation's report")
    report.add_argument("kind", choices=_REPORTS)
    whose = report.add_mutually_exclusive_group(required=True)
    whose.add_argument("--fund")
    whose.add_argument("--org", help="an organisation code: the quarterly report rolled up over its subtree")
    report.add_argument(
        "--year",
        type=int,
        help="year of the quarterly report or activity statement (default: that of --as-of)",
    )
    report.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="quarter (default: the whole year)")
    report.add_argument("--as-of", type=_date, help="balances as of this date (default today)")
    report.add_argument(
        "--start", type=_date, help="first day of the activity statement's period (default: 1 January)"
    )
    report.add_argument(
        "--end",
        type=_date,
        help="last day of the activity statement's period (default: 31 December of --year, else --as-of)",
    )
    _report_options(report)

    check = command("check", "audit the books against revolve's invariants; exit 1 if any is broken")
    check.add_argument("--fund", help="only this fund")

    verify = command("verify", "walk a fund's hash chain; exit 1 if it is broken")
    verify.add_argument("fund", help="fund code")

    tb = command("trial-balance", "print a fund's trial balance (科目余额表)")
    tb.add_argument("fund", help="fund code")
    tb.add_argument("--as-of", type=_date)

    command("demo", "build the demo county in a fresh SQLite file (default: a new temporary folder)")
    return parser


# ---- opening the books -----------------------------------------------------------------------------
def _url(db: str | None) -> str:
    if db is None:
        return os.environ.get("REVOLVE_DATABASE_URL") or DEFAULT_URL
    return db if "://" in db else f"sqlite:///{db}"


def _sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for memory or another database)."""
    if not url.startswith("sqlite") or "://" not in url:
        return None
    rest = url.split("://", 1)[1]
    if not rest.startswith("/") or rest in ("/", "/:memory:") or "mode=memory" in rest:
        return None
    return Path(rest[1:].split("?", 1)[0])


def _open(args: argparse.Namespace) -> Ledger:
    url = _url(args.db)
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        raise CommandError(
            str(path),
            message=_say(
                args.lang,
                f"找不到账簿 {path}：请用 --db 指明账簿文件，或先运行 revolve init --db {path}",
                f"no books at {path}: name the books with --db, or run 'revolve init --db {path}' first",
            ),
        )
    return _connect(url, args.lang)


def _shown_url(url: str) -> str:
    """The URL with any password hidden, fit to print."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _connect(url: str, lang: str) -> Ledger:
    """Open the books, turning a database that cannot be reached into one clear refusal."""
    try:
        return Ledger.open(url)
    except RevolveError:
        raise
    except Exception as exc:  # the driver's own error types live behind revolve.store
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(
            url,
            message=_say(
                lang,
                f"无法打开账簿 {_shown_url(url)}（{first}）：请检查 --db 或 REVOLVE_DATABASE_URL",
                f"cannot open the books at {_shown_url(url)} ({first}): check --db or REVOLVE_DATABASE_URL",
            ),
        ) from exc


# ---- commands --------------------------------------------------------------------------------------
def _init(args: argparse.Namespace) -> int:
    lang = args.lang
    url = _url(args.db)
    if args.fund_code and not (args.fund_name and args.org_code):
        raise CommandError(
            args.fund_code,
            message=_say(
                lang,
                f"开设基金 {args.fund_code} 需要 --fund-name 和 --org-code（所属组织）",
                f"opening fund {args.fund_code} needs --fund-name and --org-code (the organisation that owns it)",
            ),
        )
    with _connect(url, lang) as ledger:
        print(_say(lang, f"账簿已就绪：{_shown_url(url)}", f"Books ready: {_shown_url(url)}"))
        if args.org_code:
            known = {o.code: o for o in ledger.orgs()}
            org = known.get(args.org_code)
            if org is None:
                if not args.org_name:
                    raise CommandError(
                        args.org_code,
                        message=_say(
                            lang,
                            f"没有组织 {args.org_code}：新建组织请加 --org-name",
                            f"no organisation {args.org_code}: give --org-name to create it",
                        ),
                    )
                level = OrgLevel[args.level.upper()]
                org = ledger.create_org(args.org_code, args.org_name, level, parent=args.parent)
                print(
                    _say(
                        lang,
                        f"已建立组织 {org.code} {org.name}",
                        f"Created organisation {org.code} {org.name}",
                    )
                )
            else:
                print(
                    _say(
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
                    _say(lang, f"已开设基金 {fund.code} {fund.name}", f"Opened fund {fund.code} {fund.name}")
                )
            else:
                print(
                    _say(lang, f"基金 {fund.code} {fund.name} 已存在", f"Fund {fund.code} {fund.name} exists")
                )
    return EXIT_OK


def _contribute(args: argparse.Namespace, ledger: Ledger) -> int:
    entry = ledger.contribute(
        args.fund, amount=args.amount, on=args.on, source=args.source, donor=args.donor, receipt=args.receipt
    )
    available = ledger.available(args.fund)
    print(
        _say(
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
    cap = found.cap if found.cap is not None else _say(args.lang, "无上限", "no cap")
    print(
        _say(
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
    )
    for problem in result.problems:
        print(f"revolve: {problem.describe(lang, columns=result.columns)}", file=sys.stderr)
    if result.ok:
        print(result.summary(lang))
        return EXIT_OK
    print(f"revolve: {result.summary(lang)}", file=sys.stderr)
    return EXIT_REFUSED


def _disburse(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.importers import all_or_nothing  # noqa: PLC0415

    terms = LoanTerms(
        principal=args.amount,
        start=args.start,
        term=args.term,
        method=RepaymentMethod(args.method),
        rate=args.rate,
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
        )
    dues = ledger.schedule(args.fund, loan.number)
    last = dues[-1].due_date.isoformat() if dues else "—"
    print(
        _say(
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
        _say(
            args.lang,
            f"已记录还款 {receipt.receipt}：{receipt.amount}（本金 {receipt.principal}，利息 {receipt.interest}，"
            f"管理费 {receipt.fee}，罚息 {receipt.penalty}）；{loan.number} 剩余本金 {loan.outstanding}，{loan.status.label_zh}",
            f"Recorded repayment {receipt.receipt}: {receipt.amount} (principal {receipt.principal}, interest "
            f"{receipt.interest}, fee {receipt.fee}, penalty {receipt.penalty}); {loan.number} outstanding "
            f"{loan.outstanding}, {loan.status.value}",
        )
    )
    return EXIT_OK


def _missing_builder(module: str, lang: str) -> CommandError:
    return CommandError(
        module,
        message=_say(
            lang,
            f"此版本尚未提供该报表（缺少 {module}）：请更新 revolve",
            f"this installation has no such report yet ({module} is missing): update revolve",
        ),
    )


def _build(args: argparse.Namespace, ledger: Ledger, today: date) -> Report:
    """Build the report the command asks for (builders are imported only when a report is asked for)."""
    as_of: date = args.as_of or today
    try:
        if args.command == "statement":
            from revolve.reports.statement import build_statement  # noqa: PLC0415

            fund = ledger.fund(args.fund)
            ledger.loan(fund, args.loan)  # an unknown loan is refused here, by its number
            return build_statement(ledger, fund, args.loan, as_of=as_of, reveal=args.reveal)
        kind: str = args.kind
        if kind == "quarterly":
            from revolve.reports.quarterly import build_quarterly  # noqa: PLC0415

            year = args.year or as_of.year
            if args.org:
                return build_quarterly(ledger, org=ledger.org(args.org), year=year, quarter=args.quarter)
            return build_quarterly(ledger, fund=ledger.fund(args.fund), year=year, quarter=args.quarter)
        if args.org:
            raise CommandError(
                args.org,
                message=_say(
                    args.lang,
                    f"报表 {kind} 是一个基金的报表：请用 --fund 指明基金（--org 只用于季报表 quarterly）",
                    f"the {kind} report is a fund's report: name the fund with --fund (--org is for quarterly)",
                ),
            )
        fund = ledger.fund(args.fund)
        if kind == "register":
            from revolve.reports.registers import build_loan_register  # noqa: PLC0415

            return build_loan_register(ledger, fund, as_of=as_of, reveal=args.reveal)
        if kind == "write-offs":
            from revolve.reports.registers import build_write_off_register  # noqa: PLC0415

            return build_write_off_register(ledger, fund, as_of=as_of)
        if kind == "activity":
            from revolve.reports.financial import build_activity_statement  # noqa: PLC0415

            # --year names a whole year; otherwise the year to date, through --as-of (or today)
            year = args.year or (args.end or as_of).year
            start = args.start or date(year, 1, 1)
            end = args.end or (date(year, 12, 31) if args.year else as_of)
            if end < start:
                raise CommandError(
                    end,
                    message=_say(
                        args.lang,
                        f"报告期结束日 {end} 早于开始日 {start}：请改正 --start/--end",
                        f"the period ends on {end}, before it starts on {start}: correct --start/--end",
                    ),
                )
            return build_activity_statement(ledger, fund, start=start, end=end)
        from revolve.reports.financial import build_balance_sheet, build_trial_balance  # noqa: PLC0415

        builder = build_balance_sheet if kind == "balance-sheet" else build_trial_balance
        return builder(ledger, fund, as_of=as_of)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("revolve.reports"):
            raise _missing_builder(exc.name, args.lang) from None
        raise


def _emit(report: Report, args: argparse.Namespace) -> int:
    """Render the report to ``--output`` (format from its suffix unless given) or to stdout."""
    from revolve.reports.render import render, write  # noqa: PLC0415

    lang = Language(args.lang)
    if args.output is not None:
        path = write(report, args.output, fmt=args.format, lang=lang)
        print(_say(args.lang, f"已写入 {path}", f"Wrote {path}"), file=sys.stderr)
        return EXIT_OK
    output = render(report, args.format or "text", lang=lang)
    if isinstance(output, bytes):
        if sys.stdout.isatty():
            raise CommandError(
                args.format,
                message=_say(
                    args.lang,
                    "Excel 工作簿是二进制文件，不能显示在终端上：请用 --output 文件名.xlsx 保存",
                    "an Excel workbook is binary and cannot be shown on a terminal: save it with --output FILE.xlsx",
                ),
            )
        sys.stdout.flush()
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()
        return EXIT_OK
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK


def _check(args: argparse.Namespace, ledger: Ledger) -> int:
    problems = ledger.check(args.fund)
    for problem in problems:
        print(problem)
    funds = 1 if args.fund else len(ledger.funds())
    print(
        _say(
            args.lang,
            f"检查 {funds} 个基金：{'全部守恒' if not problems else f'发现 {len(problems)} 个问题'}",
            f"{len(problems)} problem(s) in {funds} fund(s)",
        )
    )
    return EXIT_REFUSED if problems else EXIT_OK


def _verify(args: argparse.Namespace, ledger: Ledger) -> int:
    report = ledger.verify(args.fund)
    if args.lang == "zh":
        state = "哈希链完整" if report.ok else f"哈希链断裂：{report.first_break}"
        print(f"基金 {args.fund}：校验 {report.entries_checked} 张凭证，{state}")
    else:
        print(f"fund {args.fund}: {report}")
    return EXIT_OK if report.ok else EXIT_REFUSED


def _demo(args: argparse.Namespace) -> int:
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="revolve-demo-")) / "demo.db"
    if path.exists():
        raise CommandError(
            str(path),
            message=_say(
                args.lang,
                f"{path} 已存在；演示会新建账簿文件：请换一个 --db",
                f"{path} exists; the demo writes a fresh file: give another --db",
            ),
        )
    run_demo(path, lang=Language(args.lang)).close()
    return EXIT_OK


_WITH_BOOKS: dict[str, Callable[[argparse.Namespace, Ledger], int]] = {
    "contribute": _contribute,
    "guarantor": _guarantor,
    "import": _import,
    "disburse": _disburse,
    "repay": _repay,
    "check": _check,
    "verify": _verify,
}


def _run(args: argparse.Namespace, today: date) -> int:
    _typed(args)
    if args.command == "demo":
        return _demo(args)
    if args.command == "init":
        return _init(args)
    with _open(args) as ledger:
        if args.command in ("statement", "report"):
            return _emit(_build(args, ledger, today), args)
        if args.command == "trial-balance":
            print(trial_balance_table(ledger.trial_balance(args.fund, as_of=args.as_of), Language(args.lang)))
            return EXIT_OK
        return _WITH_BOOKS[args.command](args, ledger)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status.

    Args:
        argv: the arguments after the program name (``sys.argv[1:]`` when None).

    Returns:
        0 on success; 1 for a refusal, an import with bad rows or books that fail their checks.

    Raises:
        SystemExit: from argparse, with status 2, for a malformed command line (and 0 for ``--help``).
    """
    args = _parser().parse_args(argv)
    lang: str = args.lang
    try:
        # the shell, not the core, reads the clock: "today" is the default as-of date of reports
        return _run(args, date.today())  # noqa: DTZ011
    except UnknownFund as exc:
        # the library's hint names the Python call; a finance officer needs the command
        print(
            "revolve: "
            + _say(
                lang,
                f"没有基金 {exc.key!r}：请核对 --fund，或用 revolve init --org-code 组织 --fund-code {exc.key} "
                "--fund-name 名称 开设",
                f"unknown fund {exc.key!r}: check --fund, or open it with "
                f"revolve init --org-code ORG --fund-code {exc.key} --fund-name NAME",
            ),
            file=sys.stderr,
        )
        return EXIT_REFUSED
    except RevolveError as exc:
        print(f"revolve: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        # the reader (head, less) went away: not an error of the books
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        where = exc.filename if exc.filename is not None else ""
        print(
            f"revolve: {_say(lang, '无法读写', 'cannot read or write')} {where}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(
            f"revolve: {_say(lang, '已中断，未完成的操作没有写入', 'interrupted; the unfinished operation was not written')}",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:
        if os.environ.get("REVOLVE_DEBUG"):
            raise
        print(
            f"revolve: {_say(lang, '意外错误', 'unexpected error')} ({type(exc).__name__}): {_one_line(str(exc))} "
            f"— {_say(lang, '设置 REVOLVE_DEBUG=1 可查看详情并报告', 'set REVOLVE_DEBUG=1 to see the details and report it')}",
            file=sys.stderr,
        )
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
