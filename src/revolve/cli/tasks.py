"""The ``revolve`` commands of a fund's other tasks: ``write-off`` (核销) …

:func:`add_commands` adds their grammar to the parser; :data:`COMMANDS` maps each to what it does. Each
prints one line in the chosen language. The books' modules are imported by the commands, not by the
grammar, so that ``revolve --help`` does not load the database layer.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from revolve.cli.console import EXIT_OK, say

if TYPE_CHECKING:
    from revolve.ledger import Ledger

__all__ = ["COMMANDS", "add_commands"]


def add_commands(
    command: Callable[[str, str], argparse.ArgumentParser], date_type: Callable[[str], date]
) -> None:
    """Add the commands of this module to the parser through its ``command`` maker."""
    write_off = command(
        "write-off",
        "核销：经批准将一笔借款的剩余本金作为坏账核销（借记坏账准备，贷记其他应收款），记入核销备查簿 "
        "/ write a loan off with its approval",
    )
    write_off.add_argument("--fund", required=True, help="基金代码")
    write_off.add_argument("--loan", required=True, help="借款编号")
    write_off.add_argument("--on", required=True, type=date_type, help="核销日期（须在未结账期间）")
    write_off.add_argument(
        "--approval-ref", required=True, help="核销批准文号/审批单号，例如 丰计协发〔2019〕3号"
    )
    write_off.add_argument("--reason", required=True, help="核销原因，例如：借款人死亡，无力偿还")


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


COMMANDS: dict[str, Callable[[argparse.Namespace, Ledger], int]] = {
    "write-off": _write_off,
}
"""What each command of this module does, by its name."""
