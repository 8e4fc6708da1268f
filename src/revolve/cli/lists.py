"""The ``revolve list`` command: a fund's households, loans, receipts, entries (凭证) or an account's
明细账 as a table, in the chosen language and format (:mod:`revolve.reports.lists`).

:data:`GRAMMAR` is its grammar and :data:`COMMANDS` what it does; the list is rendered like every report
(``--format``, ``--output``, ``--reveal``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from revolve.cli.argparsing import Grammar, Say, choices_help, date_type, enum_choice
from revolve.cli.console import say
from revolve.cli.grammar_reports import output_options

if TYPE_CHECKING:
    from revolve.ledger import Ledger
    from revolve.reports.model import Report

__all__ = ["COMMANDS", "GRAMMAR", "LISTS"]

LISTS = (
    ("households", "户档案"),
    ("loans", "借款"),
    ("receipts", "收款"),
    ("entries", "凭证"),
    ("ledger", "明细账"),
)
"""What ``revolve list`` lists (its value, its Chinese name)."""


def _list_grammar(p: argparse.ArgumentParser, t: Say) -> None:
    p.add_argument("what", type=enum_choice("what", LISTS, t), help=choices_help(t, ("列出什么", "what to list"), LISTS))  # fmt: skip
    p.add_argument("--fund", required=True, help=t("基金代码", "fund code"))
    p.add_argument("--account", help=t("明细账的科目编码，例如 1002 或 112201（list ledger 必填）", "the account code of the ledger, e.g. 1002 or 112201 (for list ledger)"))  # fmt: skip
    p.add_argument("--as-of", type=date_type(t), help=t("截至日期（默认今天）", "as of this date (default today)"))  # fmt: skip
    p.add_argument("--from", dest="start", type=date_type(t), help=t("期间首日（收款、凭证、明细账；默认当年 1 月 1 日）", "first day (receipts, entries, ledger; default: 1 January)"))  # fmt: skip
    p.add_argument("--to", dest="end", type=date_type(t), help=t("期间末日（默认 --as-of 或今天）", "last day (default: --as-of or today)"))  # fmt: skip
    output_options(p, t)


def build_list(args: argparse.Namespace, ledger: Ledger, today: date) -> Report:
    """The list the command asks for, framed for printing like a report.

    Raises:
        CommandError: ``list ledger`` without ``--account``, or a period that ends before it starts.
        UnknownFund, UnknownAccount: no such fund or account.
    """
    from revolve.errors import CommandError  # noqa: PLC0415
    from revolve.reports import books_print, lists  # noqa: PLC0415
    from revolve.reports.frame import framed  # noqa: PLC0415

    fund = ledger.fund(args.fund)
    as_of: date = args.as_of or today
    end: date = args.end or as_of
    start: date = args.start or date(end.year, 1, 1)
    if end < start:
        raise CommandError(end, message=say(args.lang, f"期间末日 {end} 早于首日 {start}：请改正 --from/--to", f"the period ends on {end}, before it starts on {start}: correct --from/--to"))  # fmt: skip
    if args.what == "households":
        report = lists.build_household_list(ledger, fund, as_of=as_of, reveal=args.reveal)
    elif args.what == "loans":
        report = lists.build_loan_list(ledger, fund, as_of=as_of)
    elif args.what == "receipts":
        report = lists.build_receipt_list(ledger, fund, start=start, end=end)
    elif args.what == "entries":
        report = lists.build_entry_list(ledger, fund, start=start, end=end)
    else:
        if not args.account:
            raise CommandError("--account", message=say(args.lang, "明细账需要科目：请用 --account 指明科目编码，例如 1002 或 112201", "the ledger needs an account: name its code with --account, e.g. 1002 or 112201"))  # fmt: skip
        report = books_print.build_account_ledger(ledger, fund, args.account, start=start, end=end)
    return framed(report, ledger.org(fund.org_id).name, printed_on=today)


def _list(args: argparse.Namespace, ledger: Ledger) -> int:
    from revolve.cli.reporting import check_output, emit  # noqa: PLC0415

    check_output(args)
    return emit(build_list(args, ledger, args.today), args)


GRAMMAR = (
    Grammar(
        "list",
        "列表：户档案、借款、收款、凭证，或一个科目的明细账（可选格式输出）",
        "list households, loans, receipts, entries or an account's ledger, in any format",
        _list_grammar,
    ),
)
"""The grammar of ``revolve list``."""

COMMANDS: dict[str, Callable[[argparse.Namespace, Ledger], int]] = {"list": _list}
"""What ``revolve list`` does."""
