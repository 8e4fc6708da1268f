"""The hint of a refusal said in the command line's terms: ``--prepayment lower_installments`` where the
library says ``prepayment='lower_installments'``, ``revolve guarantor …`` where it says
``ledger.register_guarantor(...)``.

The library's errors carry a structured :class:`revolve.errors.Hint` (a Python argument name and its
values, or a Ledger method); this module maps them to the CLI's options and commands. An argument with
no option here is shown as ``--name-with-dashes`` (argparse's own spelling of a keyword argument).
"""

from __future__ import annotations

from revolve.errors import Hint
from revolve.errors.base import python_hint

__all__ = ["ARGUMENT_OPTIONS", "CALL_COMMANDS", "cli_hint"]

ARGUMENT_OPTIONS = {
    "prepayment": "--prepayment",
    "fund": "--fund",
    "loan": "--loan",
    "receipt": "--receipt",
    "guarantor": "--guarantor",
    "household": "--household",
    "batch": "--batch",
    "amount": "--amount",
    "on": "--on",
    "reason": "--reason",
}
"""A Ledger method's keyword argument → the option of the command that passes it."""

CALL_COMMANDS = {
    "create_org": "revolve init --org-code ORG --org-name NAME",
    "create_fund": "revolve init --org-code ORG --fund-code FUND --fund-name NAME",
    "register_household": "revolve household add --fund FUND --code CODE …（或 revolve import households FILE --fund FUND）",
    "register_guarantor": "revolve guarantor --fund FUND --code CODE --kind KIND --name NAME",
    "open_batch": "revolve batch open --fund FUND --code BATCH --on DATE",
    "applications": "revolve queue --fund FUND",
    "reopen_period": "revolve reopen --fund FUND --through DATE --reason REASON --approved-by NAME",
}
"""A Ledger method → the command that does the same (methods with no command keep Python's terms)."""


def cli_hint(hint: Hint, joiner: str) -> str:
    """``hint`` as the command line says it.

    Args:
        hint: the refusal's structured hint.
        joiner: the word between alternatives in the user's language.

    Returns:
        ``--prepayment lower_installments`` / ``revolve guarantor --fund FUND …``.
    """
    if hint.call:
        return CALL_COMMANDS.get(hint.call) or python_hint(hint, joiner)
    option = ARGUMENT_OPTIONS.get(hint.argument, "--" + hint.argument.replace("_", "-"))
    if not hint.values:
        return option
    return joiner.join(f"{option} {v}" for v in hint.values)
