"""Loans: the loan records and the rules a loan lives by, all pure (no clock, no storage).

* :mod:`~revolve.loans.records` — the loan value types: :class:`Loan`, its batch, schedule versions,
  receipts and write-offs;
* :mod:`~revolve.loans.dues` — dues and the payment waterfall (allocation, what is owed, days past due);
* :mod:`~revolve.loans.ageing` — ageing buckets and PAR;
* :mod:`~revolve.loans.position` — where a loan stands as of a date (outstanding, days past due, bucket);
* :mod:`~revolve.loans.repayment` — the repayment decision;
* :mod:`~revolve.loans.payout` — the payout checks;
* :mod:`~revolve.loans.losses` — write-offs and recoveries;
* :mod:`~revolve.loans.extension` — the extension decision (展期) and the loan marked restructured;
* :mod:`~revolve.loans.retries` — when a repeated operation is answered with its first record;
* :mod:`~revolve.loans.voids` — corrections (冲正): voiding a receipt, a disbursement, a grant or a
  contribution.
"""

from revolve.loans.ageing import Ageing, AgeingBucket, AgeingLine, ageing, bucket_for
from revolve.loans.dues import (
    DEFAULT_ORDER,
    AllocatedPart,
    Allocation,
    Component,
    Due,
    DueState,
    allocate,
    days_past_due,
    due_by,
    outstanding_principal,
    owed,
    states,
)
from revolve.loans.file import LoanFile, LoanPurpose, purpose_of
from revolve.loans.records import Batch, Loan, LoanSchedule, LoanStatus, Receipt, ScheduleVersion, WriteOff

__all__ = [
    "DEFAULT_ORDER",
    "Ageing",
    "AgeingBucket",
    "AgeingLine",
    "AllocatedPart",
    "Allocation",
    "Batch",
    "Component",
    "Due",
    "DueState",
    "Loan",
    "LoanFile",
    "LoanPurpose",
    "LoanSchedule",
    "LoanStatus",
    "Receipt",
    "ScheduleVersion",
    "WriteOff",
    "ageing",
    "allocate",
    "bucket_for",
    "days_past_due",
    "due_by",
    "outstanding_principal",
    "owed",
    "purpose_of",
    "states",
]
