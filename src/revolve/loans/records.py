"""The fund's loans as the books hold them: loans, their batches, schedule versions, receipts and write-offs.

A :class:`Loan` carries its running repayment state: which schedule version is in force, how much has
been paid under it (a payment is allocated by the waterfall in :mod:`revolve.loans.dues`, so the
cumulative amount decides everything), and the principal, interest, fee and penalty received so far.
Invariant (DESIGN §10 item 2): principal = principal repaid + written off + outstanding, and outstanding
equals the loan's receivable sub-ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from revolve.loans.dues import Due
from revolve.loans.file import LoanFile
from revolve.money import Money
from revolve.rules import PayerKind

__all__ = ["Batch", "Loan", "LoanSchedule", "LoanStatus", "Receipt", "ScheduleVersion", "WriteOff"]


class LoanStatus(StrEnum):
    """Where a loan is in its life."""

    ACTIVE = "active"
    CLOSED = "closed"
    WRITTEN_OFF = "written_off"
    VOIDED = "voided"

    @property
    def label_zh(self) -> str:
        """The Chinese name of the status."""
        return {"active": "在贷", "closed": "已结清", "written_off": "已核销", "voided": "已作废"}[self.value]


_NO_FILE = LoanFile()


@dataclass(frozen=True, slots=True)
class Batch:
    """A disbursement batch (批/期): one disbursement event at one project site.

    A batch is open from ``opened_on`` until it is closed (:meth:`revolve.Ledger.close_batch`); a closed
    batch takes no further payout. ``closed_on`` is None while it is open.
    """

    id: int
    fund_id: int
    code: str
    site_org_id: int | None
    opened_on: date
    note: str
    closed_on: date | None = None
    close_note: str = ""

    @property
    def is_closed(self) -> bool:
        """Whether the batch has been closed (结束放款)."""
        return self.closed_on is not None


@dataclass(frozen=True, slots=True)
class Loan:
    """A revolving loan from the fund and its repayment state.

    The last four fields record restructuring (展期): ``restructured_on`` is the date of the loan's first
    extension and is never cleared (a restructured loan stays restructured for good), ``extensions``
    counts them, ``extension_ref`` and ``extended_on`` are the approval reference (批准文号) and date
    of the last one.
    """

    id: int
    fund_id: int
    number: str
    household_id: int
    batch_id: int
    principal: Money
    disbursed_on: date
    round: int
    status: LoanStatus
    schedule_version: int
    paid_in_version: Money
    principal_paid: Money
    interest_paid: Money
    fee_paid: Money
    penalty_paid: Money
    written_off: Money
    recovered: Money
    pledge_held: Money
    closed_on: date | None
    restructured_on: date | None = None
    extensions: int = 0
    extension_ref: str | None = None
    extended_on: date | None = None
    file: LoanFile = _NO_FILE
    """The loan file: purpose (用途), the 三方协议's number and date, the 帮扶责任人."""

    @property
    def restructured(self) -> bool:
        """Whether the loan was ever extended (展期): it then stays restructured for good."""
        return self.restructured_on is not None

    def restructured_by(self, on: date) -> bool:
        """Whether the loan had been extended by ``on``."""
        return self.restructured_on is not None and self.restructured_on <= on

    @property
    def outstanding(self) -> Money:
        """Principal still owed to the fund (zero once closed or written off)."""
        return self.principal - self.principal_paid - self.written_off


@dataclass(frozen=True, slots=True)
class ScheduleVersion:
    """One version of a loan's schedule: the original, an extension (展期) or a rescheduling."""

    loan_id: int
    version: int
    effective_on: date
    reason: str
    principal: Money
    approval_ref: str | None = None
    """The approval reference (批准文号) of an extension; None for other versions."""
    approved_by: str | None = None
    """Who approved the extension; None for other versions."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """Money received on a loan, with its receipt number (还款凭证号), payer and allocation."""

    id: int
    loan_id: int
    receipt: str
    value_date: date
    kind: str
    payer: PayerKind
    guarantor_id: int | None
    amount: Money
    principal: Money
    interest: Money
    fee: Money
    penalty: Money
    schedule_version: int
    entry_seq: int


@dataclass(frozen=True, slots=True)
class WriteOff:
    """A line of the write-off register (核销备查簿)."""

    loan_id: int
    loan_number: str
    written_on: date
    amount: Money
    recovered: Money
    approval_ref: str
    reason: str
    entry_seq: int


@dataclass(frozen=True, slots=True)
class LoanSchedule:
    """One schedule version of one loan, with its instalments."""

    loan_id: int
    version: int
    effective_on: date
    dues: tuple[Due, ...]
