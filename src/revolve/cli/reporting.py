"""The report commands, ``statement`` and ``report``: build the report asked for and render it.

Report builders are imported only when a report is asked for, so the other commands start without them;
an installation that lacks one is told to update revolve rather than shown an import error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from revolve.cli.console import EXIT_OK, say
from revolve.errors import CommandError
from revolve.ledger import Ledger
from revolve.reports.labels import Language

if TYPE_CHECKING:
    from revolve.funds import Fund
    from revolve.reports.model import Report

__all__ = ["build_document", "build_report", "emit"]


def _missing_builder(module: str, lang: str) -> CommandError:
    return CommandError(
        module,
        message=say(
            lang,
            f"此版本尚未提供该报表（缺少 {module}）：请更新 revolve",
            f"this installation has no such report yet ({module} is missing): update revolve",
        ),
    )


def _period(args: argparse.Namespace, as_of: date) -> tuple[date, date]:
    """The period a report covers: ``--start``/``--from`` to ``--end``/``--to``; ``--year`` names a whole
    year; otherwise the year to date, through ``--as-of`` (or today)."""
    year = args.year or (args.end or as_of).year
    start: date = args.start or date(year, 1, 1)
    end: date = args.end or (date(year, 12, 31) if args.year else as_of)
    if end < start:
        raise CommandError(
            end,
            message=say(
                args.lang,
                f"报告期结束日 {end} 早于开始日 {start}：请改正 --from/--to",
                f"the period ends on {end}, before it starts on {start}: correct --from/--to",
            ),
        )
    return start, end


def build_report(args: argparse.Namespace, ledger: Ledger, today: date) -> Report:
    """Build the report the command asks for, framed for printing: 编制单位 (the organisation that owns
    the fund, or the organisation named), the 制表人 / 审核人 / 负责人 lines and today as the print date.
    Builders are imported only when a report is asked for."""
    from revolve.reports.frame import framed  # noqa: PLC0415

    report = _build_report(args, ledger, today)
    owner = ledger.org(args.org) if getattr(args, "org", None) else ledger.org(ledger.fund(args.fund).org_id)
    return framed(report, owner.name, printed_on=today)


def _build_report(args: argparse.Namespace, ledger: Ledger, today: date) -> Report:
    as_of: date = args.as_of or today
    try:
        if args.command == "statement":
            from revolve.reports.statement import build_statement  # noqa: PLC0415

            fund = ledger.fund(args.fund)
            ledger.loan(fund, args.loan)  # an unknown loan is refused here, by its number
            return build_statement(ledger, fund, args.loan, as_of=as_of, reveal=args.reveal, printed_on=today)
        kind: str = args.kind
        if kind == "quarterly":
            from revolve.reports.quarterly import build_quarterly  # noqa: PLC0415

            year = args.year or as_of.year
            if args.org:
                return build_quarterly(
                    ledger, org=ledger.org(args.org), year=year, quarter=args.quarter, half=args.half
                )
            return build_quarterly(
                ledger, fund=ledger.fund(args.fund), year=year, quarter=args.quarter, half=args.half
            )
        if kind == "rollup":
            from revolve.reports.rollup import build_rollup  # noqa: PLC0415

            if not args.org:
                raise CommandError(
                    "--org",
                    message=say(
                        args.lang,
                        "汇总报告 rollup 需要组织：请用 --org 指明省、市或县的组织编码",
                        "the rollup report needs an organisation: name it with --org",
                    ),
                )
            return build_rollup(ledger, ledger.org(args.org), year=args.year or as_of.year)
        if args.org:
            raise CommandError(
                args.org,
                message=say(
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
        if kind == "balance-sheet":
            from revolve.reports.financial import build_balance_sheet  # noqa: PLC0415

            return build_balance_sheet(ledger, fund, as_of=args.end or as_of)
        if kind in ("net-assets", "budget-balances"):
            from revolve.reports import government  # noqa: PLC0415

            _require_gov(fund, kind, args.lang)
            yearly = (
                government.build_net_asset_changes
                if kind == "net-assets"
                else government.build_budget_balances
            )
            return yearly(ledger, fund, as_of=args.end or as_of)
        first, last = _period(args, as_of)
        if kind == "budget":
            from revolve.reports.government import build_budget_statement  # noqa: PLC0415

            _require_gov(fund, kind, args.lang)
            return build_budget_statement(ledger, fund, start=first, end=last)
        if kind in ("activity", "cash-flow"):
            from revolve.reports.financial import build_activity_statement, build_cash_flow  # noqa: PLC0415

            flows = build_activity_statement if kind == "activity" else build_cash_flow
            return flows(ledger, fund, start=first, end=last)
        from revolve.reports import books_print  # noqa: PLC0415

        if kind == "ledger":
            if not args.account:
                raise CommandError(
                    "--account",
                    message=say(
                        args.lang,
                        "明细账需要科目：请用 --account 指明科目编码，例如 1002 或 112201",
                        "the ledger report needs an account: name its code with --account, e.g. 1002 or 112201",
                    ),
                )
            return books_print.build_account_ledger(ledger, fund, args.account, start=first, end=last)
        if kind == "vouchers":
            return books_print.build_vouchers(ledger, fund, start=first, end=last)
        return books_print.build_trial_balance(ledger, fund, start=first, end=last)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("revolve.reports"):
            raise _missing_builder(exc.name, args.lang) from None
        raise


def _require_gov(fund: Fund, kind: str, lang: str) -> None:
    """Refuse a 政府会计制度 statement for a fund on another chart."""
    if fund.chart != "gov":
        raise CommandError(
            kind,
            message=say(
                lang,
                f"报表 {kind} 是政府会计制度的报表（会政财03、会政预01/02）：基金 {fund.code} 执行民间非营利组织会计制度",
                f"the {kind} report is a 政府会计制度 statement; fund {fund.code} keeps 民非 books",
            ),
        )


def build_document(args: argparse.Namespace, ledger: Ledger, today: date) -> Report:
    """Build the document ``revolve print`` asks for: a 收款收据, a 借款借据, a 借款合同, a 三方协议 or a
    记账凭证, printed today."""
    from revolve.reports import documents  # noqa: PLC0415

    fund = ledger.fund(args.fund)
    if args.document == "receipt":
        return documents.build_receipt(
            ledger, fund, args.number, printed_on=today, payee=args.payee, reveal=args.reveal
        )
    if args.document == "iou":
        return documents.build_iou(ledger, fund, args.loan, printed_on=today, reveal=args.reveal)
    if args.document in ("contract", "agreement"):
        from revolve.reports import agreements  # noqa: PLC0415

        build = agreements.build_contract if args.document == "contract" else agreements.build_agreement
        return build(
            ledger,
            fund,
            args.loan,
            printed_on=today,
            reveal=args.reveal,
            lang=args.lang,
            templates=args.templates,
        )
    return documents.build_voucher(
        ledger,
        fund,
        args.seq,
        printed_on=today,
        attachments=args.attachments,
        prepared_by=args.prepared_by,
        reviewed_by=args.reviewed_by,
        posted_by=args.posted_by,
    )


def check_output(args: argparse.Namespace) -> None:
    """Refuse an ``--output`` whose suffix names no format revolve renders, when ``--format`` is not given
    (argparse already holds ``--format`` to the formats revolve renders).

    Raises:
        UnknownFormat: the suffix names no format revolve renders.
    """
    from revolve.reports.render.output_format import format_for_path  # noqa: PLC0415

    if args.format is None and args.output is not None:
        format_for_path(Path(args.output))


def emit(report: Report, args: argparse.Namespace) -> int:
    """Render the report to ``--output`` (format from its suffix unless given) or to stdout."""
    from revolve.reports.render import render, write  # noqa: PLC0415

    lang = Language(args.lang)
    if args.output is not None:
        path = write(report, args.output, fmt=args.format, lang=lang, templates=args.templates)
        print(say(args.lang, f"已写入 {path}", f"Wrote {path}"), file=sys.stderr)
        return EXIT_OK
    output = render(report, args.format or "text", lang=lang, templates=args.templates)
    if isinstance(output, bytes):
        if sys.stdout.isatty():
            raise CommandError(
                args.format,
                message=say(
                    args.lang,
                    f"{args.format} 是二进制文件，不能显示在终端上：请用 --output 文件名.{args.format} 保存",
                    f"{args.format} is binary and cannot be shown on a terminal: save it with --output FILE.{args.format}",
                ),
            )
        sys.stdout.flush()
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()
        return EXIT_OK
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK
