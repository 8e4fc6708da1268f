"""The ``revolve`` command: a fund's books from a terminal, for an association's finance staff.

::

    revolve [--db URL] [--lang zh|en] COMMAND ...

    init        [--org-code C --org-name N [--level county] [--parent P]] [--fund-code F --fund-name N [--chart npo|gov]]
    contribute  --fund F --amount YUAN --on DATE [--source donation|fiscal|upper_level|matching] [--donor N] [--receipt R]
    allocate    --from F --to F2 --amount YUAN --on DATE [--source S] [--memo M] [--receipt R]   (拨付下级)
    guarantor   --fund F --code G --kind K --name N [--cap YUAN] [--member H ...]
    import      {households,loans,repayments,contributions} FILE --fund F [--keep-valid] [--sheet S] [--encoding E]
                [--errors 错误.xlsx] [--[no-]progress]   (encoding detected: UTF-8, GBK/GB18030, UTF-16 text)
    template    {households,loans,repayments,contributions} -o 模板.xlsx   (an import template; no books needed)
    disburse    --fund F --number N --household H --batch B --amount YUAN --start DATE --term N
                [--method M] [--rate R] [--interest-grace K] [--interest-grace-kind waived|deferred] [--guarantor G ...] [--pledge YUAN]
                [--passbook YUAN --passbook-bank BANK --passbook-account NO]
    repay       --fund F --loan L --amount YUAN --on DATE --receipt R [--payer P] [--guarantor G] [--prepayment O]
    extend      --fund F --loan L --on DATE --periods N --approval-ref REF --approved-by NAME
                                          展期：经批准顺延到期日，借款永久标记为展期借款
    void        {receipt,disbursement,grant,contribution,subsidy} REF [--period N] --fund F --on DATE
                --reason TEXT --approved-by NAME    冲正：作废录错的还款/放款/帮扶/捐赠/贴息，原记录保留
    statement   --fund F --loan L [--as-of DATE]                           (还款对账单)
    report      {quarterly,register,write-offs,balance-sheet,activity,cash-flow,net-assets,budget,
                budget-balances,rollup,trial-balance,ledger,vouchers}   (a gov fund: 会政财01–04, 会政预01–02;
                rollup --org: programme figures together, each fund's statements in its own system)
                (--fund F | --org O) [--year Y] [--quarter Q | --half H] [--as-of DATE] [--from DATE] [--to DATE]
                [--account CODE]                                      (ledger: 明细账 of one account)
    print       {receipt NUMBER [--payee NAME] | iou LOAN | contract LOAN | agreement LOAN | voucher SEQ
                [--attachments N] [--prepared-by NAME] [--reviewed-by NAME] [--posted-by NAME]} --fund F
                打印单据：收款收据、借款借据、借款合同、三方协议、记账凭证
    check       [--fund F]                audit the books against revolve's invariants
    verify      FUND [--against CODE]     walk a fund's hash chain (against an earlier checkpoint, 账簿校验码)
    seal        FUND                      key a fund's existing chain under the chain key (REVOLVE_CHAIN_KEY)
    trial-balance FUND [--as-of DATE]     a quick trial balance table (also ``report trial-balance``)
    demo        [--db PATH]               build the demo county in a fresh SQLite file
    write-off   --fund F --loan L --on DATE --approval-ref REF --reason TEXT      核销
    recovery    --fund F --loan L --amount YUAN --on DATE --receipt R            核销后收回
    grant       --fund F --household H --amount YUAN --on DATE [--memo M]        一次性帮扶
    allowance   {show,provide,true-up,set} --fund F …                            坏账准备
    policy      {show,set} --fund F …                                            借款政策
    batch       {open,close,list} --fund F …                                     放款批次
    household   {add,show,edit,record} --fund F …                                一户一档
    list        {households,loans,receipts,entries,ledger} --fund F [--account CODE] [--from] [--to]
                                                                                 清单与明细账
    apply / advance / reject / queue                                             借款申请

Every report command (``statement``, ``report``, ``print``) takes ``--format text|markdown|html|csv|xlsx|json`` and
``--output FILE`` (the format follows the file's suffix when not given; text to stdout by default) and
``--reveal`` to show national ID numbers and phones unmasked, and ``--templates DIR`` (a county's own
``header.html.j2`` / ``signatures.html.j2`` / ``footer.html.j2`` for HTML, and ``contract_clauses.zh.txt.j2`` /
``agreement_clauses.zh.txt.j2`` for the clauses of ``print contract`` / ``print agreement`` in every format). ``--db`` takes a SQLAlchemy URL or a path
to a SQLite file; without it, ``$REVOLVE_DATABASE_URL`` or ``revolve.db`` in the working directory. Only
``init`` and ``demo`` create a database: the other commands refuse a SQLite file that does not exist, so
a mistyped path does not silently open empty books. ``--db`` and ``--lang`` may come before or after
the command.

Amounts are yuan as text (``1234.56``, ``1.2万``; never rounded), rates decimal text (``0.049`` or
``4.9%``), dates ``2026-03-31``. Text is Chinese by default and English with ``--lang en`` (or ``$REVOLVE_LANG=en``),
help and argparse's own errors included: the language is read before the parser is built
(:mod:`revolve.cli.argparsing`). An option whose value is one of a list takes its Chinese name too
(``--kind 村委会``). Only the command named is built and the books are imported after parsing, so
``revolve --help`` starts without the database layer.

Exit status: 0 success; 1 a refusal, an import with bad rows, or books that fail ``check``/``verify``;
2 a malformed command line (argparse). A refusal prints exactly one line, ``revolve: …``, in the user's
language (from the error's message catalogue, :mod:`revolve.errors.catalogue`), naming the value and what
to do in the command line's terms (``--prepayment lower_installments``, :mod:`revolve.cli.hints`) — never a traceback (set ``REVOLVE_DEBUG=1`` to see one for an unexpected error).
An import prints a note per title row, 合计 row or unused column it skipped, then one line per bad row
and a summary line — or, with ``--errors FILE``, the bad rows go to that workbook and one line is printed:
``共 N 行，成功 X 行，错误 Y 行，已写入 FILE``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from revolve.cli.console import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, one_line, say
from revolve.cli.parser import build_parser

if TYPE_CHECKING:
    from revolve.errors import CommandError

__all__ = ["EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "CommandError", "main"]


def _today() -> date:
    """Today's date: the default as-of date of reports and the 打印日期 of printed documents.

    The shell, not the core, reads the clock. ``$SOURCE_DATE_EPOCH`` (the reproducible-builds
    convention: seconds since 1970, read as a UTC date) fixes it, so a recorded session
    (docs/cli_record.py) prints the same dates on every run.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()  # noqa: DTZ011


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status.

    Args:
        argv: the arguments after the program name (``sys.argv[1:]`` when None).

    Returns:
        0 on success; 1 for a refusal, an import with bad rows or books that fail their checks.

    Raises:
        SystemExit: from argparse, with status 2, for a malformed command line (and 0 for ``--help``).
    """
    given = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(given).parse_args(given)
    lang: str = args.lang
    # the commands and the books are imported once the command line is parsed: --help stays quick
    from revolve.cli.commands import run  # noqa: PLC0415
    from revolve.cli.hints import cli_hint  # noqa: PLC0415
    from revolve.errors import RevolveError  # noqa: PLC0415
    from revolve.errors.catalogue import scrub  # noqa: PLC0415

    try:
        return run(args, _today())
    except RevolveError as exc:
        # the message from the catalogue in the user's language, its hint naming the command's options
        print(f"revolve: {one_line(exc.message(lang, render_hint=cli_hint))}", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        # the reader (head, less) went away: not an error of the books
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        where = exc.filename if exc.filename is not None else ""
        print(
            f"revolve: {say(lang, '无法读写', 'cannot read or write')} {where}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(
            f"revolve: {say(lang, '已中断，未完成的操作没有写入', 'interrupted; the unfinished operation was not written')}",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:
        if os.environ.get("REVOLVE_DEBUG"):
            raise
        print(
            f"revolve: {say(lang, '意外错误', 'unexpected error')} ({type(exc).__name__}): {scrub(one_line(str(exc)))} "
            f"— {say(lang, '设置 REVOLVE_DEBUG=1 可查看详情并报告', 'set REVOLVE_DEBUG=1 to see the details and report it')}",
            file=sys.stderr,
        )
        return EXIT_REFUSED


def __getattr__(name: str) -> Any:
    """``CommandError``, imported on first use (the errors are not needed to print ``--help``)."""
    if name == "CommandError":
        from revolve.errors import CommandError  # noqa: PLC0415

        return CommandError
    raise AttributeError(f"module 'revolve.cli' has no attribute {name!r}")
