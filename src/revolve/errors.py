"""Every refusal revolve makes, as a typed exception.

An operation that refuses raises one of these and writes nothing. Each exception keeps the offending
value(s) as attributes, and its message says what the caller should do instead. Every class also
inherits the builtin a Python programmer would reach for (``ValueError``, ``LookupError``,
``TypeError``), so ``except ValueError`` keeps working in host code that knows nothing of revolve.

Hierarchy::

    RevolveError
    ├── MoneyTypeError (TypeError)            a float, bool or other non-money type given as money
    ├── InvalidAmount (ValueError)            a malformed, negative, zero or sub-fen amount
    │   └── AmountOutOfRange                  beyond the signed 64-bit fen range
    ├── InvalidRate (ValueError)              a rate that is negative, a float, or malformed
    ├── InvalidTerms (ValueError)             loan terms a schedule cannot be built from
    ├── UnbalancedEntry (ValueError)          postings that do not sum to zero, or fewer than two
    ├── InvalidEntry (ValueError)             an entry field of the wrong type or empty (kind, key, date)
    ├── InvalidDate (ValueError)              a date out of order (a reversal before its entry, a reopening)
    ├── NotFound (LookupError)
    │   ├── UnknownOrg
    │   ├── UnknownFund
    │   ├── UnknownAccount
    │   ├── UnknownEntry
    │   ├── UnknownHousehold
    │   ├── UnknownLoan
    │   ├── UnknownGuarantor
    │   ├── UnknownBatch
    │   ├── UnknownBankLoan
    │   ├── UnknownLabel                      a report label key no label has
    │   ├── UnknownLanguage                   a report language other than zh / en
    │   └── UnknownReceipt                    a receipt number (还款凭证号) no receipt of the fund has
    ├── DuplicateCode (ValueError)            an org or fund code already in use
    ├── InvalidOrgTree (ValueError)           a parent/child pair that breaks province › … › village
    ├── AccountFundMismatch (ValueError)      an account of one fund used in another fund's entry
    ├── AlreadyReversed (ValueError)          a second reversal of the same entry
    ├── IdempotencyConflict (ValueError)      a reused idempotency key with different content
    ├── PeriodClosed (ValueError)             a value date on or before the fund's closed-through date
    ├── ChartError (ValueError)               a chart that lacks a role or repeats a code
    ├── InvalidNationalId (ValueError)        a 居民身份证号码 of the wrong form or check digit (GB 11643)
    ├── PolicyViolation (ValueError)          a loan the fund's programme policy does not allow
    ├── InsufficientFunds (ValueError)        paying out more than the fund's cash available to lend
    ├── GuarantorCapExceeded (ValueError)     a guarantee that would take a guarantor past its cap
    ├── LoanStateError (ValueError)           an operation the loan's state does not allow
    ├── Overpayment (ValueError)              a payment above what is owed, without prepayment
    ├── DuplicateReceipt (ValueError)         a receipt number (还款凭证号) already used in the fund
    ├── RecoveryExceedsWriteOff (ValueError)  recovering more than was written off
    ├── ReversalRefused (ValueError)          reversing an entry that a loan or grant record depends on
    ├── SchemaTooNew (RuntimeError)           a database written by a newer revolve than this one
    ├── ImportFileError (ValueError)          a file that cannot be read as a table at all
    ├── ImportTargetError (TypeError)         an import given a Ledger inside a host Session
    ├── UnknownFormat (ValueError)            a report format or file suffix revolve cannot render
    ├── InvalidReport (ValueError)            a report whose shape a renderer cannot show
    ├── CommandError (ValueError)             a `revolve` command that cannot run as given
    ├── UnknownPassbookPledge (NotFound)      no passbook pledge (存折质押) with this id in the fund
    ├── PledgeStateError (ValueError)         a passbook pledge applied or released already, or a loan
                                              not in default that a passbook is applied to
    ├── AllocationRefused (ValueError)        an allocation (拨付) to the same fund, up or across the tree
    ├── OpeningMismatch (ValueError)          opening balances that do not reconcile (where, by how much)
    ├── BooksAlreadyOpen (ValueError)         opening books on a fund that already has entries
    ├── VoidRefused (ValueError)              voiding a record that a later operation depends on
    ├── AlreadyVoided (ValueError)            voiding a record that was voided before
    └── YearEndNotClosed (ValueError)         a statement of a year whose previous year-end is not closed
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date


class RevolveError(Exception):
    """Base class of every refusal revolve makes."""

    item: int | None = None
    """In a bulk operation (``repay_many``, ``disburse_many``, ...): the position, from 0, of the item
    refused; the whole batch was refused with it."""


class MoneyTypeError(RevolveError, TypeError):
    """A value of the wrong type was given where money is expected (a float, a bool, ...)."""

    def __init__(self, value: object, *, hint: str = "") -> None:
        self.value = value
        kind = type(value).__name__
        msg = (
            f"{value!r} ({kind}) cannot become money: pass yuan as a str or Decimal "
            f"(Money.of_yuan('12.34')) or fen as an int (Money(1234))"
        )
        super().__init__(msg + (f"; {hint}" if hint else ""))


class InvalidAmount(RevolveError, ValueError):
    """An amount is malformed, has more precision than a fen, or has the wrong sign."""

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"invalid amount {value!r}: {reason}")


class AmountOutOfRange(InvalidAmount):
    """An amount lies outside the signed 64-bit fen range that the database column can hold."""

    def __init__(self, value: object) -> None:
        super().__init__(
            value,
            reason="it lies outside ±9,223,372,036,854,775,807 fen (a signed 64-bit integer); "
            "split it or check the input for a typo",
        )


class InvalidRate(RevolveError, ValueError):
    """A rate is negative, a float, or cannot be read as a Decimal."""

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"invalid rate {value!r}: {reason}")


class InvalidTerms(RevolveError, ValueError):
    """Loan terms from which no schedule can be built."""

    def __init__(self, field: str, value: object, *, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"invalid loan terms: {field}={value!r}: {reason}")


class UnbalancedEntry(RevolveError, ValueError):
    """The postings of an entry do not sum to zero, or there are fewer than two."""

    def __init__(self, total_fen: int, *, postings: int, reason: str = "") -> None:
        self.total_fen = total_fen
        self.postings = postings
        why = reason or (
            f"its {postings} postings sum to {total_fen} fen, not 0: add the missing side "
            f"so that debits (positive) equal credits (negative)"
        )
        super().__init__(f"unbalanced entry: {why}")


class InvalidEntry(RevolveError, ValueError):
    """An entry field that is missing, empty or of the wrong type."""

    def __init__(self, field: str, value: object, *, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"invalid entry: {field}={value!r}: {reason}")


class InvalidDate(RevolveError, ValueError):
    """A date that is out of order for the operation."""

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        shown = value.isoformat() if isinstance(value, date) else repr(value)
        super().__init__(f"invalid date {shown}: {reason}")


class NotFound(RevolveError, LookupError):
    """Something named by the caller does not exist."""

    what = "record"
    advice = ""
    """What to do when nothing more particular is said: the hint given when the caller gives none."""

    def __init__(self, key: object, *, hint: str = "") -> None:
        self.key = key
        msg = f"unknown {self.what} {key!r}"
        hint = hint or self.advice
        super().__init__(msg + (f": {hint}" if hint else ""))


class UnknownOrg(NotFound):
    """No organisation has this id or code."""

    what = "organisation"


class UnknownFund(NotFound):
    """No fund has this id or code."""

    what = "fund"


class UnknownAccount(NotFound):
    """The fund's chart has no account for this role (or no such account id exists)."""

    what = "account"


class UnknownEntry(NotFound):
    """No journal entry has this fund and number."""

    what = "journal entry"


class DuplicateCode(RevolveError, ValueError):
    """An organisation or fund code is already in use."""

    def __init__(self, code: str, *, what: str) -> None:
        self.code = code
        self.what = what
        super().__init__(f"{what} code {code!r} is already in use: choose another code")


class InvalidOrgTree(RevolveError, ValueError):
    """A child organisation whose level does not sit below its parent's."""

    def __init__(self, parent_level: str, child_level: str) -> None:
        self.parent_level = parent_level
        self.child_level = child_level
        super().__init__(
            f"a {child_level} cannot sit under a {parent_level}: "
            f"levels run province › city › county › town › village"
        )


class AccountFundMismatch(RevolveError, ValueError):
    """An account that belongs to one fund was used in another fund's entry."""

    def __init__(self, account_code: str, *, account_fund: int, entry_fund: int) -> None:
        self.account_code = account_code
        self.account_fund = account_fund
        self.entry_fund = entry_fund
        super().__init__(
            f"account {account_code!r} belongs to fund {account_fund}, not fund {entry_fund}: "
            f"money moves between funds only by transfer"
        )


class AlreadyReversed(RevolveError, ValueError):
    """An entry that has already been reversed (or is itself a reversal) was reversed again."""

    def __init__(self, fund_id: int, seq: int, *, by_seq: int | None) -> None:
        self.fund_id = fund_id
        self.seq = seq
        self.by_seq = by_seq
        if by_seq is None:
            why = "it is itself a reversal: post a new entry instead"
        else:
            why = f"entry {by_seq} already reverses it: post a new entry instead"
        super().__init__(f"entry {seq} of fund {fund_id} cannot be reversed again: {why}")


class IdempotencyConflict(RevolveError, ValueError):
    """An idempotency key was reused with content different from its first use."""

    def __init__(self, key: str, *, fund_id: int, existing_seq: int) -> None:
        self.key = key
        self.fund_id = fund_id
        self.existing_seq = existing_seq
        super().__init__(
            f"idempotency key {key!r} was already used in fund {fund_id} by entry {existing_seq} "
            f"with different content: use a new key for a new operation"
        )


class PeriodClosed(RevolveError, ValueError):
    """A value date falls on or before the fund's closed-through date."""

    def __init__(self, value_date: date, *, closed_through: date, fund_id: int) -> None:
        self.value_date = value_date
        self.closed_through = closed_through
        self.fund_id = fund_id
        super().__init__(
            f"fund {fund_id} is closed through {closed_through.isoformat()}, so nothing can be "
            f"dated {value_date.isoformat()}: date it after {closed_through.isoformat()} "
            f"(post a correcting entry in the open period)"
        )


class ChartError(RevolveError, ValueError):
    """A chart of accounts that lacks a role or repeats a code."""

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"invalid chart: {value!r}: {reason}")


class UnknownHousehold(NotFound):
    """No household has this id or code in the fund."""

    what = "household"
    advice = "register it with ledger.register_household(...)"


class UnknownLoan(NotFound):
    """No loan has this id or number in the fund."""

    what = "loan"
    advice = "loans are named by their number, e.g. 'FN-2016-001'"


class UnknownGuarantor(NotFound):
    """No guarantor has this id in the fund."""

    what = "guarantor"
    advice = "register it with ledger.register_guarantor(...)"


class UnknownBatch(NotFound):
    """No disbursement batch has this code in the fund."""

    what = "batch"
    advice = "open it with ledger.open_batch(...)"


class UnknownBankLoan(NotFound):
    """No bank-lent subsidised loan has this number in the fund."""

    what = "bank loan"


class InvalidNationalId(RevolveError, ValueError):
    """A national ID number (居民身份证号码) that is malformed or fails its GB 11643 check digit."""

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"invalid national ID number {value!r}: {reason}; check it against the ID card")


class PolicyViolation(RevolveError, ValueError):
    """A loan that breaks the fund's programme policy (ceiling, term, repeat limits, guarantee)."""

    def __init__(self, rule: str, value: object, *, limit: object) -> None:
        self.rule = rule
        self.value = value
        self.limit = limit
        super().__init__(
            f"the fund's policy refuses this loan: {rule} is {value}, the limit is {limit}; "
            f"change the loan or set a new policy with effect from a date"
        )


class InsufficientFunds(RevolveError, ValueError):
    """Paying out more than the fund's cash available to lend (cash less pledged deposits it holds)."""

    def __init__(self, requested: object, *, available: object, fund_id: int) -> None:
        self.requested = requested
        self.available = available
        self.fund_id = fund_id
        super().__init__(
            f"fund {fund_id} has {available} available, less than the {requested} asked for: "
            f"wait for repayments or contributions, or pay out less"
        )


class GuarantorCapExceeded(RevolveError, ValueError):
    """A guarantee that would take a guarantor's exposure past its cap."""

    def __init__(self, guarantor: object, *, exposure: object, requested: object, cap: object) -> None:
        self.guarantor = guarantor
        self.exposure = exposure
        self.requested = requested
        self.cap = cap
        super().__init__(
            f"guarantor {guarantor} already guarantees {exposure}; adding {requested} would pass its cap "
            f"of {cap}: choose another guarantor or a smaller loan"
        )


class LoanStateError(RevolveError, ValueError):
    """An operation that the loan's state (not yet disbursed, closed, written off) does not allow."""

    def __init__(self, loan: object, *, state: str, operation: str) -> None:
        self.loan = loan
        self.state = state
        self.operation = operation
        super().__init__(f"loan {loan} is {state}: it cannot take {operation}")


class Overpayment(RevolveError, ValueError):
    """A payment above what the loan still owes, made without asking for prepayment."""

    def __init__(self, amount: object, *, owed: object, loan: object) -> None:
        self.amount = amount
        self.owed = owed
        self.loan = loan
        super().__init__(
            f"loan {loan} owes {owed}, less than the {amount} paid: record the amount owed, "
            f"or pass prepayment='lower_installments' or 'fewer_installments' to repay principal early and "
            f"reschedule"
        )


class DuplicateReceipt(RevolveError, ValueError):
    """A receipt number (还款凭证号) already used in the fund for a different payment."""

    def __init__(self, receipt: str, *, fund_id: int) -> None:
        self.receipt = receipt
        self.fund_id = fund_id
        super().__init__(
            f"receipt number {receipt!r} is already used in fund {fund_id} for another payment: "
            f"check the voucher; each receipt number is recorded once"
        )


class RecoveryExceedsWriteOff(RevolveError, ValueError):
    """Recovering more on a written-off loan than was written off and not yet recovered."""

    def __init__(self, amount: object, *, recoverable: object, loan: object) -> None:
        self.amount = amount
        self.recoverable = recoverable
        self.loan = loan
        super().__init__(
            f"loan {loan} has {recoverable} written off and not yet recovered, less than {amount}: "
            f"record at most {recoverable}"
        )


class ReversalRefused(RevolveError, ValueError):
    """Reversing an entry that a loan, grant, subsidy or transfer record depends on.

    Such an entry was posted by a lending operation together with records outside the journal (the loan,
    its receipts, the grant register); reversing the entry alone would leave those records disagreeing
    with the books. Corrections of that kind need the operation that made them.
    """

    def __init__(self, seq: int, *, kind: str, fund_id: int) -> None:
        self.seq = seq
        self.kind = kind
        self.fund_id = fund_id
        super().__init__(
            f"entry {seq} of fund {fund_id} was posted by a {kind!r} operation whose loan or register records "
            f"depend on it: it cannot be reversed alone; void the record instead (冲正: "
            f"Ledger.void_receipt / void_disbursement / void_grant / void_contribution, or "
            f"`revolve void receipt|disbursement|grant|contribution`), or post a new adjusting entry"
        )


class UnknownLabel(NotFound):
    """No report label has this key (add it to ``revolve.reports.labels.LABELS``)."""

    what = "report label"


class UnknownLanguage(NotFound):
    """A report language other than 'zh' or 'en'."""

    what = "report language"


class SchemaTooNew(RevolveError, RuntimeError):
    """The database was written by a newer revolve than this one."""

    def __init__(self, found: int, *, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"the database holds revolve schema version {found}, newer than this revolve's "
            f"{supported}: upgrade the revolve package"
        )


class ImportFileError(RevolveError, ValueError):
    """A file that cannot be read as a table at all: missing, not CSV/.xlsx, not UTF-8, empty."""

    def __init__(self, path: object, *, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot import {str(path)!r}: {reason}")


class ImportTargetError(RevolveError, TypeError):
    """An import was given a Ledger that writes inside a host Session; pass that Session instead."""

    def __init__(self) -> None:
        super().__init__(
            "this Ledger writes inside a host Session, so the import cannot make it all-or-nothing: "
            "pass that Session to the import function instead of the Ledger"
        )


class UnknownFormat(RevolveError, ValueError):
    """A report format (or file suffix) that revolve cannot render."""

    def __init__(self, value: object, *, formats: Sequence[str], suffixes: Sequence[str]) -> None:
        self.value = value
        super().__init__(
            f"cannot render a report as {value!r}: choose one of {', '.join(formats)}, "
            f"or name a file ending in {', '.join(suffixes)}"
        )


class InvalidReport(RevolveError, ValueError):
    """A report whose shape a renderer cannot show: a row of the wrong width, a cell of the wrong type."""

    def __init__(self, where: str, value: object, *, reason: str) -> None:
        self.where = where
        self.value = value
        self.reason = reason
        super().__init__(f"cannot render {where} = {value!r}: {reason}; fix the report's builder")


class CommandError(RevolveError, ValueError):
    """A command that cannot run as given (missing books, a fund report asked of an org, ...)."""

    def __init__(self, value: object, *, message: str) -> None:
        self.value = value
        super().__init__(message)


class UnknownPassbookPledge(NotFound):
    """No passbook pledge (存折质押) has this id in the fund's pledge register."""

    what = "passbook pledge"
    advice = "list the fund's register with ledger.passbook_pledges(fund)"


class PledgeStateError(RevolveError, ValueError):
    """An operation a passbook pledge's state (applied, released) or its loan's (not in default) does not
    allow."""

    def __init__(self, pledge: object, *, state: str, operation: str) -> None:
        self.pledge = pledge
        self.state = state
        self.operation = operation
        super().__init__(
            f"passbook pledge {pledge} is {state}: it cannot take {operation}; see ledger.passbook_pledges(fund)"
        )


class AllocationRefused(RevolveError, ValueError):
    """An allocation (拨付) that cannot be made: to the giving fund itself, or to a fund that is not
    below the giver in the organisation tree (nor a fund of the same organisation)."""

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"cannot allocate to {value!r}: {reason}")


class OpeningMismatch(RevolveError, ValueError):
    """Opening balances that do not reconcile: the loans' sub-ledger against 其他应收款, the pledges
    against 其他应付款—借款保证金, a loan's schedule against its outstanding, or assets against liabilities
    plus net assets. Carries where, what was given, what was expected and the difference."""

    def __init__(self, where: str, *, given: object, expected: object, difference: object) -> None:
        self.where = where
        self.given = given
        self.expected = expected
        self.difference = difference
        super().__init__(
            f"the opening does not reconcile at {where}: given {given}, expected {expected} "
            f"(off by {difference}); correct the balance or the loan list so that they agree"
        )


class BooksAlreadyOpen(RevolveError, ValueError):
    """Opening books on a fund that has entries already (or was opened before): an opening is the
    fund's first entry, made once."""

    def __init__(self, fund_id: int, *, entries: int) -> None:
        self.fund_id = fund_id
        self.entries = entries
        super().__init__(
            f"fund {fund_id} already has {entries} journal entries, so its books cannot be opened: "
            "open the books of a new, empty fund, or record what changed as ordinary operations"
        )


class VoidRefused(RevolveError, ValueError):
    """Voiding (冲正) a record that a later operation depends on: void that operation first.

    Attributes:
        record: what was to be voided (``"receipt R-7"``, ``"loan L1"``, ``"contribution entry 3"``).
        blocker: the later operation in the way (``"receipt R-8"``, ``"write-off of loan L1"``, ...).
        advice: what to do instead.
    """

    def __init__(self, record: str, *, blocker: str, advice: str) -> None:
        self.record = record
        self.blocker = blocker
        self.advice = advice
        super().__init__(f"cannot void {record}: {blocker} depends on it; {advice}")


class AlreadyVoided(RevolveError, ValueError):
    """Voiding a record that was voided before (it stays voided; its reversal was posted once)."""

    def __init__(self, record: str, *, reversal_seq: int) -> None:
        self.record = record
        self.reversal_seq = reversal_seq
        super().__init__(
            f"{record} was voided before (reversed by entry {reversal_seq}): record the correct "
            f"figures as a new operation instead (a repayment under a new receipt number)"
        )


class UnknownReceipt(NotFound):
    """No receipt has this number (还款凭证号) in the fund."""

    what = "receipt"
    advice = "receipts are named by the number written on them when the payment was recorded"


class YearEndNotClosed(RevolveError, ValueError):
    """A statement asked for a year while the fund's previous year has entries and no year-end close."""

    def __init__(self, fund: str, *, year: int, missing: date) -> None:
        self.fund = fund
        self.year = year
        self.missing = missing
        super().__init__(
            f"fund {fund} has no year-end close on {missing.isoformat()}, so its {year} statements "
            f"cannot be drawn: close the year first with ledger.close_period({fund!r}, "
            f"through=date({missing.year}, 12, 31))"
        )
