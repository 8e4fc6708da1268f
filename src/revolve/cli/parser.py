"""The ``revolve`` command line's grammar: the tree of subcommands.

:func:`build_parser` builds the tree in the user's language (:mod:`revolve.cli.argparsing`); each
command's arguments come from its module's grammar (:mod:`revolve.cli.grammar` and the others listed in
:data:`GRAMMARS`). Dates are parsed by argparse; amounts and rates stay text until
:func:`revolve.cli.values.convert_options` turns them into ``Money`` and ``Decimal`` after parsing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from revolve.cli.applications import GRAMMAR as APPLICATIONS
from revolve.cli.argparsing import (
    Grammar,
    Parser,
    command_of,
    language_of,
    parser_class,
    say_in,
    shared_options,
)
from revolve.cli.grammar import COMMANDS as BOOKS
from revolve.cli.grammar_loans import COMMANDS as LOANS
from revolve.cli.grammar_reports import COMMANDS as PRINTING
from revolve.cli.households import GRAMMAR as PROGRAMME
from revolve.cli.lists import GRAMMAR as LISTING
from revolve.cli.tasks import GRAMMAR as TASKS

__all__ = ["GRAMMARS", "build_parser"]

GRAMMARS: tuple[Grammar, ...] = (
    *BOOKS,
    *LOANS,
    *TASKS,
    *PROGRAMME,
    *PRINTING,
    *LISTING,
    *APPLICATIONS,
)
"""Every subcommand, in the order ``revolve --help`` lists them."""


# ---- the parser ------------------------------------------------------------------------------------
def build_parser(argv: Sequence[str] | None = None, *, environ: Mapping[str, str] | None = None) -> Parser:
    """The ``revolve`` command line: ``--db`` and ``--lang`` and one subparser per command.

    Args:
        argv: the command line it will parse. Its ``--lang`` (else ``$REVOLVE_LANG``) chooses the
            language of the help and the errors, and only the command it names has its arguments built
            (``revolve --help`` needs none of them). None builds every command, in the language of
            ``$REVOLVE_LANG``.
        environ: the environment to read ``REVOLVE_LANG`` from (default ``os.environ``).

    Returns:
        The parser; its ``parse_args`` exits with status 2 on a malformed command line.
    """
    lang = language_of(argv or [], os.environ if environ is None else environ)
    wanted = command_of(argv) if argv is not None else None
    t = say_in(lang)
    make = parser_class(lang)
    parser = make(
        prog="revolve",
        description=t(
            "幸福工程等循环金的复式账簿：记录借款和还款，打印对账单和报表。各命令的帮助：revolve 命令 --help",
            "Books for revolving loan funds (幸福工程): record loans and repayments, print statements and "
            "reports. Help on a command: revolve COMMAND --help",
        ),
    )
    shared_options(parser, t, top=True, lang=lang)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=make, title=t("命令", "commands")
    )
    for command in GRAMMARS:
        help_text = t(command.zh, command.en)
        child = sub.add_parser(command.name, help=help_text, description=help_text)
        if argv is None or wanted == command.name:
            shared_options(child, t, top=False)
            command.add(child, t)
    return parser
