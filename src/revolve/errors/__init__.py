"""Every refusal revolve makes, as a typed exception.

An operation that refuses raises one of these and writes nothing. Each exception keeps the offending
value(s) as attributes, and its message says what the caller should do instead. Every class also
inherits the builtin a Python programmer would reach for (``ValueError``, ``LookupError``,
``TypeError``), so ``except ValueError`` keeps working in host code that knows nothing of revolve.

Every refusal has a stable ``code`` (``overpayment``) and exactly one category base, which a host maps
to its own answers: :class:`InvalidInput`, :class:`NotFound`, :class:`BooksConflict`,
:class:`PolicyRefusal`, :class:`Retryable` (``err.category`` names it). Its message comes from one
catalogue (:mod:`revolve.errors.catalogue`): ``str(err)`` is English, ``err.message("zh")`` Chinese;
``err.hint`` is the structured fix (a :class:`Hint`), said as each caller says it. See
docs/embedding.md, "Errors".

Hierarchy (each refusal's ``code`` in brackets; ``(X)``: the builtin it also is)::

    RevolveError
    ├── InvalidInput [invalid_input]                          category invalid_input: a malformed or
    │   │                                                     out-of-range value (HTTP 400/422)
    │   ├── MoneyTypeError (TypeError) [money_type_error]     a float, bool or other non-money type given as
    │   │                                                     money
    │   ├── InvalidAmount (ValueError) [invalid_amount]       a malformed, negative, zero or sub-fen amount
    │   │   └── AmountOutOfRange [amount_out_of_range]        beyond the signed 64-bit fen range
    │   ├── InvalidRate (ValueError) [invalid_rate]           a rate that is negative, a float, or malformed
    │   ├── InvalidTerms (ValueError) [invalid_terms]         loan terms a schedule cannot be built from
    │   ├── UnbalancedEntry (ValueError) [unbalanced_entry]   postings that do not sum to zero, or fewer than
    │   │                                                     two
    │   ├── InvalidEntry (ValueError) [invalid_entry]         an entry field of the wrong type or empty (kind,
    │   │                                                     key, date)
    │   ├── InvalidDate (ValueError) [invalid_date]           a date out of order (a reversal before its
    │   │   │                                                 entry, a reopening)
    │   │   └── DateOutsideWindow [date_outside_window]       a value date outside the fund's plausibility
    │   │                                                     window
    │   ├── InvalidOrgTree (ValueError) [invalid_org_tree]    a parent/child pair that breaks province › … ›
    │   │                                                     village
    │   ├── ChartError (ValueError) [chart_error]             a chart that lacks a role or repeats a code
    │   ├── InvalidNationalId (ValueError) [invalid_national_id]  a 居民身份证号码 of the wrong form or check digit
    │   │                                                     (GB 11643)
    │   ├── ImportFileError (ValueError) [import_file_error]  a file that cannot be read as a table at all
    │   ├── ImportTargetError (TypeError) [import_target_error]  an import given a Ledger inside a host
    │   │                                                     Session
    │   ├── UnknownFormat (ValueError) [unknown_format]       a report format or file suffix revolve cannot
    │   │                                                     render
    │   │   └── PdfUnavailable [pdf_unavailable]          PDF without the optional extra revolve[pdf]
    │   │                                                     (WeasyPrint) or its system libraries
    │   ├── InvalidReport (ValueError) [invalid_report]       a report whose shape a renderer cannot show
    │   ├── CommandError (ValueError) [command_error]         a `revolve` command that cannot run as given
    │   ├── TimeRestrictionRefused (ValueError) [time_restriction_refused]  a time restriction (时间限制) on money
    │   │                                                     that is not restricted
    │   ├── ValueTooLong (ValueError) [value_too_long]        a text longer than its column holds (names the
    │   │                                                     field and limit)
    │   ├── InvalidSetting (ValueError) [invalid_setting]     an environment setting revolve cannot use
    │   ├── InvalidCheckpoint (ValueError) [invalid_checkpoint]  a checkpoint code (账簿校验码) that does not parse
    │   │                                                     or check
    │   └── ChainKeyError (ValueError) [chain_key_error]      a chain key that cannot be used (too short)
    │       ├── ChainKeyMissing [chain_key_missing]           a keyed fund's chain read or written without the
    │       │                                                 key
    │       └── ChainKeyMismatch [chain_key_mismatch]         a keyed fund's chain read or written with
    │                                                         another key
    ├── NotFound (LookupError) [not_found]                    category not_found: a reference that names
    │   │                                                     nothing (HTTP 404)
    │   ├── UnknownOrg [unknown_org]
    │   ├── UnknownFund [unknown_fund]
    │   ├── UnknownAccount [unknown_account]
    │   ├── UnknownEntry [unknown_entry]
    │   ├── UnknownHousehold [unknown_household]
    │   ├── UnknownLoan [unknown_loan]
    │   ├── UnknownGuarantor [unknown_guarantor]
    │   ├── UnknownBatch [unknown_batch]
    │   ├── UnknownBankLoan [unknown_bank_loan]
    │   ├── UnknownLabel [unknown_label]                      a report label key no label has
    │   ├── UnknownLanguage [unknown_language]                a report language other than zh / en
    │   ├── UnknownReceipt [unknown_receipt]                  a receipt number (还款凭证号) no receipt of the fund
    │   │                                                     has
    │   ├── UnknownPassbookPledge [unknown_passbook_pledge]   no passbook pledge (存折质押) with this id in the
    │   │                                                     fund
    │   ├── UnknownApplication [unknown_application]          no loan application with this id in the fund
    │   └── UnknownCapitalPledge [unknown_capital_pledge]     no pledge of capital (认捐) with this id or code
    │                                                         in the fund
    ├── BooksConflict [books_conflict]                        category books_conflict: refused by what the
    │   │                                                     books hold (HTTP 409)
    │   ├── DuplicateCode (ValueError) [duplicate_code]       an org or fund code already in use
    │   ├── AccountFundMismatch (ValueError) [account_fund_mismatch]  an account of one fund used in another
    │   │                                                     fund's entry
    │   ├── AlreadyReversed (ValueError) [already_reversed]   a second reversal of the same entry
    │   ├── IdempotencyConflict (ValueError) [idempotency_conflict]  a reused idempotency key with different
    │   │                                                     content
    │   ├── PeriodClosed (ValueError) [period_closed]         a value date on or before the fund's
    │   │                                                     closed-through date
    │   ├── InsufficientFunds (ValueError) [insufficient_funds]  paying out more than the fund's cash
    │   │                                                     available to lend
    │   ├── LoanStateError (ValueError) [loan_state_error]    an operation the loan's state does not allow
    │   ├── Overpayment (ValueError) [overpayment]            a payment above what is owed, without prepayment
    │   ├── DuplicateReceipt (ValueError) [duplicate_receipt]  a receipt number (还款凭证号) already used in the
    │   │                                                     fund
    │   ├── RecoveryExceedsWriteOff (ValueError) [recovery_exceeds_write_off]  recovering more than was
    │   │                                                     written off
    │   ├── ReversalRefused (ValueError) [reversal_refused]   reversing an entry that a loan or grant record
    │   │                                                     depends on
    │   ├── SchemaTooNew (RuntimeError) [schema_too_new]      a database written by a newer revolve than this
    │   │                                                     one
    │   ├── PledgeStateError (ValueError) [pledge_state_error]  a passbook pledge applied or released already,
    │   │                                                     or a loan not in default that a passbook is
    │   │                                                     applied to
    │   ├── AllocationRefused (ValueError) [allocation_refused]  an allocation (拨付) to the same fund, up or
    │   │                                                     across the tree
    │   ├── OpeningMismatch (ValueError) [opening_mismatch]   opening balances that do not reconcile (where,
    │   │                                                     by how much)
    │   ├── BooksAlreadyOpen (ValueError) [books_already_open]  opening books on a fund that already has
    │   │                                                     entries
    │   ├── VoidRefused (ValueError) [void_refused]           voiding a record that a later operation depends
    │   │                                                     on
    │   ├── AlreadyVoided (ValueError) [already_voided]       voiding a record that was voided before
    │   ├── YearEndNotClosed (ValueError) [year_end_not_closed]  a statement of a year whose previous year-end
    │   │                                                     is not closed
    │   ├── ApplicationStepRefused (ValueError) [application_step_refused]  an application step out of order,
    │   │                                                     skipped, repeated, or on an application rejected
    │   │                                                     or paid out
    │   ├── ChainNotIntact (ValueError) [chain_not_intact]    sealing a chain under a key while its bare chain
    │   │                                                     is broken
    │   └── BatchClosed (ValueError) [batch_closed]           a payout into a closed disbursement batch
    │                                                         (批次), or closing it twice
    ├── PolicyRefusal [policy_refusal]                        category policy_refusal: refused by the fund's
    │   │                                                     programme policy (HTTP 403/422)
    │   ├── PolicyViolation (ValueError) [policy_violation]   a loan the fund's programme policy does not
    │   │   │                                                 allow
    │   │   └── BankLoanCapExceeded [bank_loan_cap_exceeded]  a bank loan past the programme's cap a household
    │   │                                                     a year (少生快富 每户一年一万)
    │   ├── GuarantorCapExceeded (ValueError) [guarantor_cap_exceeded]  a guarantee that would take a
    │   │                                                     guarantor past its cap
    │   ├── ExtensionLimitReached (ValueError) [extension_limit_reached]  an extension (展期) over the policy's
    │   │                                                     number per loan
    │   ├── ExtensionAfterMaturity (ValueError) [extension_after_maturity]  an extension after maturity the
    │   │                                                     policy does not allow
    │   ├── NoticePeriodNotOver (ValueError) [notice_period_not_over]  审批 before the public-notice period
    │   │                                                     (公示期) has run
    │   └── ApplicationOutOfTurn (ValueError) [application_out_of_turn]  审批 while one ahead in the queue
    │                                                         waits, without a reason
    └── Retryable [retryable]                                 category retryable: busy; run it again (HTTP
        │                                                     503)
        └── BooksBusy (RuntimeError) [books_busy]             the database is busy (lock timeout,
                                                              serialization); retryable
"""

from revolve.errors.base import BooksConflict, Hint, InvalidInput, PolicyRefusal, Retryable, RevolveError
from revolve.errors.conflicts import (
    AccountFundMismatch,
    AllocationRefused,
    AlreadyReversed,
    AlreadyVoided,
    ApplicationStepRefused,
    BatchClosed,
    BooksAlreadyOpen,
    BooksBusy,
    ChainKeyError,
    ChainKeyMismatch,
    ChainKeyMissing,
    ChainNotIntact,
    DuplicateCode,
    DuplicateReceipt,
    IdempotencyConflict,
    InsufficientFunds,
    LoanStateError,
    OpeningMismatch,
    Overpayment,
    PeriodClosed,
    PledgeStateError,
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
    InvalidSetting,
    InvalidTerms,
    MoneyTypeError,
    PdfUnavailable,
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
from revolve.errors.policy import (
    ApplicationOutOfTurn,
    BankLoanCapExceeded,
    ExtensionAfterMaturity,
    ExtensionLimitReached,
    GuarantorCapExceeded,
    NoticePeriodNotOver,
    PolicyViolation,
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
    "BatchClosed",
    "BooksAlreadyOpen",
    "BooksBusy",
    "BooksConflict",
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
    "Hint",
    "IdempotencyConflict",
    "ImportFileError",
    "ImportTargetError",
    "InsufficientFunds",
    "InvalidAmount",
    "InvalidCheckpoint",
    "InvalidDate",
    "InvalidEntry",
    "InvalidInput",
    "InvalidNationalId",
    "InvalidOrgTree",
    "InvalidRate",
    "InvalidReport",
    "InvalidSetting",
    "InvalidTerms",
    "LoanStateError",
    "MoneyTypeError",
    "NotFound",
    "NoticePeriodNotOver",
    "OpeningMismatch",
    "Overpayment",
    "PdfUnavailable",
    "PeriodClosed",
    "PledgeStateError",
    "PolicyRefusal",
    "PolicyViolation",
    "RecoveryExceedsWriteOff",
    "Retryable",
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
