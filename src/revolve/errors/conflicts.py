"""Refusals because of what the books hold: a code or receipt used before, a closed period, the cash, a
loan's or a pledge's state, a reversal or void a later operation prevents, an opening that does not
reconcile, a missing year-end close, an application step out of order, a closed batch, a busy database, a
chain key. The programme policy's refusals are in :mod:`revolve.errors.policy`.

Part of :mod:`revolve.errors`, whose docstring draws the whole hierarchy.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from revolve.errors.base import BooksConflict, Hint, InvalidInput, Retryable

__all__ = [
    "AccountFundMismatch",
    "AllocationRefused",
    "AlreadyReversed",
    "AlreadyVoided",
    "ApplicationStepRefused",
    "BatchClosed",
    "BooksAlreadyOpen",
    "BooksBusy",
    "DuplicateCode",
    "DuplicateReceipt",
    "IdempotencyConflict",
    "InsufficientFunds",
    "LoanStateError",
    "OpeningMismatch",
    "Overpayment",
    "PeriodClosed",
    "PledgeStateError",
    "RecoveryExceedsWriteOff",
    "ReversalRefused",
    "VoidRefused",
    "YearEndNotClosed",
]


class DuplicateCode(BooksConflict, ValueError):
    """An organisation or fund code is already in use.

    Attributes:
        key: the code (a national ID is kept here as given, for the program; the message shows it only
            masked, as ``shown``).
        what: what kind of code.
        holder: the code of the record that already holds it, when known (a household's 户编码); the
            message then names that record (``身份证号 110105********0012 已登记在农户 H001 名下``).
    """

    code = "duplicate_code"

    def __init__(self, code: str, *, what: str, shown: str | None = None, holder: str | None = None) -> None:
        self.key = code
        """The code in clear, for the program (a national ID number too)."""
        self.what = what
        self.holder = holder
        # personal data (an ID number) is named in the message only as ``shown``, its masked form
        named = code if shown is None else shown
        super().__init__(what=what, shown=named, holder=holder, reason="code" if holder is None else "held")


class AccountFundMismatch(BooksConflict, ValueError):
    """An account that belongs to one fund was used in another fund's entry."""

    code = "account_fund_mismatch"

    def __init__(self, account_code: str, *, account_fund: int, entry_fund: int) -> None:
        self.account_code = account_code
        self.account_fund = account_fund
        self.entry_fund = entry_fund
        super().__init__(account=account_code, account_fund=account_fund, entry_fund=entry_fund)


class AlreadyReversed(BooksConflict, ValueError):
    """An entry that has already been reversed (or is itself a reversal) was reversed again."""

    code = "already_reversed"

    def __init__(self, fund_id: int, seq: int, *, by_seq: int | None, fund: str = "") -> None:
        self.fund_id = fund_id
        self.seq = seq
        self.by_seq = by_seq
        self.fund = fund
        """The fund's code (named in the message; the id when a caller gives no code)."""
        super().__init__(fund=fund or fund_id, seq=seq, by_seq=by_seq, itself=by_seq is None)


class IdempotencyConflict(BooksConflict, ValueError):
    """An idempotency key was reused with content different from its first use."""

    code = "idempotency_conflict"

    def __init__(self, key: str, *, fund_id: int, existing_seq: int, fund: str = "") -> None:
        self.key = key
        self.fund_id = fund_id
        self.existing_seq = existing_seq
        self.fund = fund
        super().__init__(idempotency_key=key, fund=fund or fund_id, existing_seq=existing_seq)


class PeriodClosed(BooksConflict, ValueError):
    """A value date falls on or before the fund's closed-through date."""

    code = "period_closed"

    def __init__(self, value_date: date, *, closed_through: date, fund_id: int, fund: str = "") -> None:
        self.value_date = value_date
        self.closed_through = closed_through
        self.fund_id = fund_id
        self.fund = fund
        """The fund's code (named in the message; the id when a caller gives no code)."""
        super().__init__(
            fund=fund or fund_id, closed_through=closed_through.isoformat(), value_date=value_date.isoformat()
        )


class InsufficientFunds(BooksConflict, ValueError):
    """Paying out more than the fund's cash available to lend (cash less pledged deposits it holds)."""

    code = "insufficient_funds"

    def __init__(self, requested: object, *, available: object, fund_id: int, fund: str = "") -> None:
        self.requested = requested
        self.available = available
        self.fund_id = fund_id
        self.fund = fund
        """The fund's code (named in the message; the id when a caller gives no code)."""
        super().__init__(fund=fund or fund_id, available=available, requested=requested)


class LoanStateError(BooksConflict, ValueError):
    """An operation that the loan's state (not yet disbursed, closed, written off) does not allow."""

    code = "loan_state_error"

    labels: ClassVar[dict[str, str]] = {"state": "loan_state", "operation": "operation"}

    def __init__(self, loan: object, *, state: str, operation: str, **details: object) -> None:
        self.loan = loan
        self.state = state
        """The loan's state, a catalogue key ``loan_state.<state>`` (``closed``, ``holding_pledge``)."""
        self.operation = operation
        """The operation refused, a catalogue key ``operation.<operation>`` (``write_off``)."""
        super().__init__(loan=loan, state=state, operation=operation, hint=None, **details)


class Overpayment(BooksConflict, ValueError):
    """A payment above what the loan still owes, made without asking for prepayment."""

    code = "overpayment"

    def __init__(self, amount: object, *, owed: object, loan: object) -> None:
        self.amount = amount
        self.owed = owed
        self.loan = loan
        super().__init__(
            loan=loan,
            owed=owed,
            amount=amount,
            hint=Hint(argument="prepayment", values=("lower_installments", "fewer_installments")),
        )


class DuplicateReceipt(BooksConflict, ValueError):
    """A receipt number (还款凭证号) already used in the fund for a different payment."""

    code = "duplicate_receipt"

    def __init__(self, receipt: str, *, fund_id: int, fund: str = "") -> None:
        self.receipt = receipt
        self.fund_id = fund_id
        self.fund = fund
        super().__init__(receipt=receipt, fund=fund or fund_id)


class RecoveryExceedsWriteOff(BooksConflict, ValueError):
    """Recovering more on a written-off loan than was written off and not yet recovered."""

    code = "recovery_exceeds_write_off"

    def __init__(self, amount: object, *, recoverable: object, loan: object) -> None:
        self.amount = amount
        self.recoverable = recoverable
        self.loan = loan
        super().__init__(loan=loan, recoverable=recoverable, amount=amount)


class ReversalRefused(BooksConflict, ValueError):
    """Reversing an entry that a loan, grant, subsidy or transfer record depends on.

    Such an entry was posted by a lending operation together with records outside the journal (the loan,
    its receipts, the grant register); reversing the entry alone would leave those records disagreeing
    with the books. Corrections of that kind need the operation that made them.
    """

    code = "reversal_refused"

    def __init__(self, seq: int, *, kind: str, fund_id: int, fund: str = "") -> None:
        self.seq = seq
        self.kind = kind
        self.fund_id = fund_id
        self.fund = fund
        super().__init__(seq=seq, kind=kind, fund=fund or fund_id)


class PledgeStateError(BooksConflict, ValueError):
    """An operation a passbook pledge's state (applied, released) or its loan's (not in default) does not
    allow."""

    code = "pledge_state_error"

    labels: ClassVar[dict[str, str]] = {"state": "pledge_state", "operation": "operation"}

    def __init__(self, pledge: object, *, state: str, operation: str, **details: object) -> None:
        self.pledge = pledge
        self.state = state
        """The pledge's state, a catalogue key ``pledge_state.<state>`` (``released``, ``bank_pledge``)."""
        self.operation = operation
        """The operation refused, a catalogue key ``operation.<operation>`` (``apply_to_loan``)."""
        super().__init__(
            pledge=pledge, state=state, operation=operation, hint=Hint(call="passbook_pledges"), **details
        )


class AllocationRefused(BooksConflict, ValueError):
    """An allocation (拨付) that cannot be made: to the giving fund itself, or to a fund that is not
    below the giver in the organisation tree (nor a fund of the same organisation)."""

    code = "allocation_refused"

    def __init__(self, value: object, *, reason: str, hint: Hint | None = None, **details: object) -> None:
        self.value = value
        super().__init__(value=value, reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class OpeningMismatch(BooksConflict, ValueError):
    """Opening balances that do not reconcile: the loans' sub-ledger against 其他应收款, the pledges
    against 其他应付款—借款保证金, a loan's schedule against its outstanding, or assets against liabilities
    plus net assets. Carries where, what was given, what was expected and the difference."""

    code = "opening_mismatch"

    labels: ClassVar[dict[str, str]] = {
        "where": "opening_where",
        "given": "opening_given",
        "expected": "opening_expected",
    }

    def __init__(
        self, where: str, *, given: object, expected: object, difference: object, **details: object
    ) -> None:
        self.where_key = where
        """Where it does not reconcile, for the program: a catalogue key ``opening_where.<where_key>``."""
        self.given = given
        self.expected = expected
        """What was expected: an amount, or a catalogue key ``opening_expected.<expected>`` over the details."""
        self.difference = difference
        super().__init__(
            where=where, given=given, expected=expected, difference=difference, hint=None, **details
        )
        self.where = self.field_in("where", "en")
        """Where it does not reconcile, in English (``loan XN-2022-001's remaining schedule``)."""


class BooksAlreadyOpen(BooksConflict, ValueError):
    """Opening books on a fund that has entries already (or was opened before): an opening is the
    fund's first entry, made once."""

    code = "books_already_open"

    def __init__(self, fund_id: int, *, entries: int, fund: str = "") -> None:
        self.fund_id = fund_id
        self.entries = entries
        self.fund = fund
        super().__init__(fund=fund or fund_id, entries=entries)


class VoidRefused(BooksConflict, ValueError):
    """Voiding (冲正) a record that a later operation depends on: void that operation first.

    Attributes:
        record: what was to be voided (``"receipt R-7"``, ``"the disbursement of loan L1"``).
        blocker: the later operation in the way, a catalogue key (``later_receipt``, ``write_off``), its
            values as keyword details.
        advice: what to do instead, a catalogue key (``later_first``).
    """

    code = "void_refused"

    labels: ClassVar[dict[str, str]] = {"payer": "payer", "blocker": "void_blocker", "advice": "void_advice"}

    def __init__(self, record: str, *, blocker: str, advice: str, **details: object) -> None:
        self.record = record
        self.blocker_key = blocker
        """The later operation in the way, for the program: a catalogue key ``void_blocker.<blocker_key>``."""
        self.advice_key = advice
        """What to do instead, for the program: a catalogue key ``void_advice.<advice_key>``."""
        super().__init__(record=record, blocker=blocker, advice=advice, hint=None, **details)
        self.blocker = self.field_in("blocker", "en")
        """The later operation in the way, in English (``the later receipt R-8 (...)``)."""
        self.advice = self.field_in("advice", "en")
        """What to do instead, in English."""


class AlreadyVoided(BooksConflict, ValueError):
    """Voiding a record that was voided before (it stays voided; its reversal was posted once)."""

    code = "already_voided"

    def __init__(self, record: str, *, reversal_seq: int) -> None:
        self.record = record
        self.reversal_seq = reversal_seq
        super().__init__(record=record, reversal_seq=reversal_seq)


class YearEndNotClosed(BooksConflict, ValueError):
    """A statement asked for a year while the fund's previous year has entries and no year-end close."""

    code = "year_end_not_closed"

    def __init__(self, fund: str, *, year: int, missing: date) -> None:
        self.fund = fund
        self.year = year
        self.missing = missing
        super().__init__(fund=fund, year=year, missing=missing.isoformat(), missing_year=missing.year)


class ApplicationStepRefused(BooksConflict, ValueError):
    """A loan application step (申请 → 审查 → 公示 → 审批 → 协议 → 放款) taken out of order, skipped,
    repeated, or on an application that is rejected or paid out.

    Attributes:
        application: the application's id.
        step: the step asked for (None for a rejection).
        reason: why the step is refused.
    """

    code = "application_step_refused"

    labels: ClassVar[dict[str, str]] = {
        "step": "application_step",
        "expected": "application_step",
        "last_step": "application_step",
    }

    def __init__(self, application: int, *, step: object, reason: str, **details: object) -> None:
        self.application = application
        self.step = step
        super().__init__(
            application=application,
            step="reject" if step is None else str(step),
            reason=reason,
            hint=Hint(call="applications"),
            **details,
        )
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class BooksBusy(Retryable, RuntimeError):
    """The database could not take the write now: SQLite's write lock was held past the busy timeout, or
    PostgreSQL aborted a transaction in a serialization conflict. Nothing was written; the operation is
    atomic and idempotent, so the caller may simply run it again (``retryable`` is True)."""

    code = "books_busy"

    retryable = True
    """Always True: running the operation again may succeed."""

    def __init__(self, cause: str, *, attempts: int = 1, serialization: bool = False) -> None:
        self.cause = cause
        self.attempts = attempts
        self.serialization = serialization
        """True for a PostgreSQL serialization conflict or deadlock, False for SQLite's busy timeout."""
        super().__init__(cause=cause, attempts=attempts)


class ChainKeyError(InvalidInput, ValueError):
    """The chain key (the deployment's HMAC key for the journal chain) cannot be used as given.

    Attributes:
        fund: the fund's code (None for a key refused before any fund, e.g. one too short).
        reason: what is wrong and what to do.
    """

    code = "chain_key_error"

    def __init__(
        self, fund: str | None, *, reason: str, fingerprint: str = "", given: str = "", **details: object
    ) -> None:
        self.fund = fund
        super().__init__(fund=fund, reason=reason, fingerprint=fingerprint, given=given, hint=None, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class ChainKeyMissing(ChainKeyError):
    """A keyed fund read or written without the chain key: its chain cannot be checked or extended."""

    code = "chain_key_missing"

    def __init__(self, fund: str, *, fingerprint: str) -> None:
        self.fingerprint = fingerprint
        super().__init__(fund, reason="missing", fingerprint=fingerprint)


class ChainKeyMismatch(ChainKeyError):
    """A keyed fund read or written with another key than the one its chain was made with."""

    code = "chain_key_mismatch"

    def __init__(self, fund: str, *, fingerprint: str, given: str) -> None:
        self.fingerprint = fingerprint
        self.given = given
        super().__init__(fund, reason="mismatch", fingerprint=fingerprint, given=given)


class ChainNotIntact(BooksConflict, ValueError):
    """Sealing a fund's chain under a key while its bare chain does not verify (sealing would bless it)."""

    code = "chain_not_intact"

    def __init__(self, fund: str, *, seq: int, cause: str) -> None:
        self.fund = fund
        self.seq = seq
        self.cause = cause
        """What the chain's check found at ``seq``, as the check says it."""
        super().__init__(fund=fund, seq=seq, cause=cause)


class BatchClosed(BooksConflict, ValueError):
    """A payout into a disbursement batch (批次) that has been closed, or a second close of it.

    Attributes:
        batch: the batch's code.
        closed_on: the day it was closed.
        fund: the fund's code.
        operation: ``"payout"`` (a loan paid out into it) or ``"close"`` (closing it again).
    """

    code = "batch_closed"

    def __init__(self, batch: str, *, closed_on: date, fund: str, operation: str) -> None:
        self.batch = batch
        self.closed_on = closed_on
        self.fund = fund
        self.operation = operation
        # the operation is a key of the catalogue (``batch_closed.payout``), said in each language
        super().__init__(
            batch=batch,
            closed_on=closed_on.isoformat(),
            fund=fund,
            reason=operation,
            hint=Hint(argument="batch") if operation == "payout" else None,
        )
