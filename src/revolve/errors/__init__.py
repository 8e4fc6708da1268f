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
    ├── YearEndNotClosed (ValueError)         a statement of a year whose previous year-end is not closed
    ├── TimeRestrictionRefused (ValueError)   a time restriction (时间限制) on money that is not restricted
    ├── ExtensionLimitReached (ValueError)    an extension (展期) over the policy's number per loan
    ├── ExtensionAfterMaturity (ValueError)   an extension after maturity the policy does not allow
    ├── UnknownApplication (NotFound)         no loan application with this id in the fund
    ├── ApplicationStepRefused (ValueError)   an application step out of order, skipped, repeated, or
                                              on an application rejected or paid out
    ├── NoticePeriodNotOver (ValueError)      审批 before the public-notice period (公示期) has run
    ├── ApplicationOutOfTurn (ValueError)     审批 while one ahead in the queue waits, without a reason
    ├── UnknownCapitalPledge (NotFound)       no pledge of capital (认捐) with this id or code in the fund
    ├── ValueTooLong (ValueError)             a text longer than its column holds (names the field and limit)
    ├── DateOutsideWindow (InvalidDate)       a value date outside the fund's plausibility window
    ├── BooksBusy (RuntimeError)              the database is busy (lock timeout, serialization); retryable
    ├── InvalidCheckpoint (ValueError)        a checkpoint code (账簿校验码) that does not parse or check
    ├── ChainKeyError (ValueError)            a chain key that cannot be used (too short)
    │   ├── ChainKeyMissing                   a keyed fund's chain read or written without the key
    │   └── ChainKeyMismatch                  a keyed fund's chain read or written with another key
    ├── ChainNotIntact (ValueError)           sealing a chain under a key while its bare chain is broken
    └── BankLoanCapExceeded (PolicyViolation) a bank loan past the programme's cap a household a year
                                              (少生快富 每户一年一万)
"""

from revolve.errors.base import RevolveError
from revolve.errors.conflicts import (
    AccountFundMismatch,
    AllocationRefused,
    AlreadyReversed,
    AlreadyVoided,
    ApplicationOutOfTurn,
    ApplicationStepRefused,
    BankLoanCapExceeded,
    BooksAlreadyOpen,
    BooksBusy,
    ChainKeyError,
    ChainKeyMismatch,
    ChainKeyMissing,
    ChainNotIntact,
    DuplicateCode,
    DuplicateReceipt,
    ExtensionAfterMaturity,
    ExtensionLimitReached,
    GuarantorCapExceeded,
    IdempotencyConflict,
    InsufficientFunds,
    LoanStateError,
    NoticePeriodNotOver,
    OpeningMismatch,
    Overpayment,
    PeriodClosed,
    PledgeStateError,
    PolicyViolation,
    RecoveryExceedsWriteOff,
    ReversalRefused,
    VoidRefused,
    YearEndNotClosed,
)
from revolve.errors.invalid import (
    AmountOutOfRange,
    ChartError,
    CommandError,
    DateOutsideWindow,
    ImportFileError,
    ImportTargetError,
    InvalidAmount,
    InvalidCheckpoint,
    InvalidDate,
    InvalidEntry,
    InvalidNationalId,
    InvalidOrgTree,
    InvalidRate,
    InvalidReport,
    InvalidTerms,
    MoneyTypeError,
    SchemaTooNew,
    TimeRestrictionRefused,
    UnbalancedEntry,
    UnknownFormat,
    ValueTooLong,
)
from revolve.errors.missing import (
    NotFound,
    UnknownAccount,
    UnknownApplication,
    UnknownBankLoan,
    UnknownBatch,
    UnknownCapitalPledge,
    UnknownEntry,
    UnknownFund,
    UnknownGuarantor,
    UnknownHousehold,
    UnknownLabel,
    UnknownLanguage,
    UnknownLoan,
    UnknownOrg,
    UnknownPassbookPledge,
    UnknownReceipt,
)

__all__ = [
    "AccountFundMismatch",
    "AllocationRefused",
    "AlreadyReversed",
    "AlreadyVoided",
    "AmountOutOfRange",
    "ApplicationOutOfTurn",
    "ApplicationStepRefused",
    "BankLoanCapExceeded",
    "BooksAlreadyOpen",
    "BooksBusy",
    "ChainKeyError",
    "ChainKeyMismatch",
    "ChainKeyMissing",
    "ChainNotIntact",
    "ChartError",
    "CommandError",
    "DateOutsideWindow",
    "DuplicateCode",
    "DuplicateReceipt",
    "ExtensionAfterMaturity",
    "ExtensionLimitReached",
    "GuarantorCapExceeded",
    "IdempotencyConflict",
    "ImportFileError",
    "ImportTargetError",
    "InsufficientFunds",
    "InvalidAmount",
    "InvalidCheckpoint",
    "InvalidDate",
    "InvalidEntry",
    "InvalidNationalId",
    "InvalidOrgTree",
    "InvalidRate",
    "InvalidReport",
    "InvalidTerms",
    "LoanStateError",
    "MoneyTypeError",
    "NotFound",
    "NoticePeriodNotOver",
    "OpeningMismatch",
    "Overpayment",
    "PeriodClosed",
    "PledgeStateError",
    "PolicyViolation",
    "RecoveryExceedsWriteOff",
    "ReversalRefused",
    "RevolveError",
    "SchemaTooNew",
    "TimeRestrictionRefused",
    "UnbalancedEntry",
    "UnknownAccount",
    "UnknownApplication",
    "UnknownBankLoan",
    "UnknownBatch",
    "UnknownCapitalPledge",
    "UnknownEntry",
    "UnknownFormat",
    "UnknownFund",
    "UnknownGuarantor",
    "UnknownHousehold",
    "UnknownLabel",
    "UnknownLanguage",
    "UnknownLoan",
    "UnknownOrg",
    "UnknownPassbookPledge",
    "UnknownReceipt",
    "ValueTooLong",
    "VoidRefused",
    "YearEndNotClosed",
]
