"""Retries: when an operation repeated under the same key is answered with its first record.

A county system retries what it is not sure went through; a clerk types the same receipt slip twice. An
operation named by a key (a receipt number 还款凭证号, an idempotency key) that was used before is a
**faithful retry** when it repeats what was first recorded under that key: it is then answered with that
first record and writes nothing. Anything else reusing the key is refused. This module is that one rule;
the operations say which facts must repeat (DESIGN §10 item 7).
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from revolve.errors import DuplicateReceipt, RevolveError
from revolve.loans.records import Receipt
from revolve.money import Money
from revolve.rules import PayerKind

__all__ = ["receipt_retry", "replay_or_refuse"]

_Record = TypeVar("_Record")


def replay_or_refuse(
    earlier: _Record, recorded: tuple[object, ...], asked: tuple[object, ...], refusal: RevolveError
) -> _Record:
    """``earlier`` when the facts ``asked`` repeat the facts ``recorded`` with it; otherwise raise ``refusal``."""
    if recorded == asked:
        return earlier
    raise refusal


def receipt_retry(
    earlier: Receipt,
    *,
    fund_id: int,
    fund_code: str = "",
    loan_id: int,
    amount: Money,
    on: date,
    kind: str,
    payer: PayerKind,
    guarantor_id: int | None,
) -> Receipt:
    """The receipt first recorded under a receipt number, when a payment repeats it faithfully: the same
    loan, amount, date, kind (repayment or recovery), payer and paying guarantor.

    Raises:
        DuplicateReceipt: the receipt number was used for another payment.
    """
    return replay_or_refuse(
        earlier,
        (
            earlier.loan_id,
            earlier.amount,
            earlier.value_date,
            earlier.kind,
            earlier.payer,
            earlier.guarantor_id,
        ),
        (loan_id, amount, on, kind, payer, guarantor_id),
        DuplicateReceipt(earlier.receipt, fund_id=fund_id, fund=fund_code),
    )
