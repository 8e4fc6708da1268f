"""revolve: double-entry books for revolving loan funds such as 幸福工程 (the Happiness Project).

Open the books with :func:`open` (the embedded SQLite file by default, or a URL), or wrap a host
system's SQLAlchemy Session in :class:`Ledger`. Money is :class:`Money` — integer fen, never a float.
"""

from revolve.chart import (
    GOV_CHART,
    NPO_CHART,
    Account,
    AccountKey,
    AccountKind,
    AccountRole,
    AccountSpec,
    Chart,
)
from revolve.errors import (
    AccountFundMismatch,
    AlreadyReversed,
    AmountOutOfRange,
    ChartError,
    DuplicateCode,
    IdempotencyConflict,
    InvalidAmount,
    InvalidDate,
    InvalidEntry,
    InvalidOrgTree,
    InvalidRate,
    InvalidTerms,
    MoneyTypeError,
    NotFound,
    PeriodClosed,
    RevolveError,
    UnbalancedEntry,
    UnknownAccount,
    UnknownEntry,
    UnknownFund,
    UnknownOrg,
)
from revolve.funds import Fund
from revolve.invariants import ChainBreak, Violation
from revolve.journal import Entry, PostedEntry, PostedLine, Posting
from revolve.ledger import DEFAULT_URL, Ledger, VerifyReport
from revolve.ledger import open_ledger as open
from revolve.money import Money, fen, yuan
from revolve.orgs import Org, OrgLevel
from revolve.trial_balance import TrialBalance, TrialBalanceLine

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_URL",
    "GOV_CHART",
    "NPO_CHART",
    "Account",
    "AccountFundMismatch",
    "AccountKey",
    "AccountKind",
    "AccountRole",
    "AccountSpec",
    "AlreadyReversed",
    "AmountOutOfRange",
    "ChainBreak",
    "Chart",
    "ChartError",
    "DuplicateCode",
    "Entry",
    "Fund",
    "IdempotencyConflict",
    "InvalidAmount",
    "InvalidDate",
    "InvalidEntry",
    "InvalidOrgTree",
    "InvalidRate",
    "InvalidTerms",
    "Ledger",
    "Money",
    "MoneyTypeError",
    "NotFound",
    "Org",
    "OrgLevel",
    "PeriodClosed",
    "PostedEntry",
    "PostedLine",
    "Posting",
    "RevolveError",
    "TrialBalance",
    "TrialBalanceLine",
    "UnbalancedEntry",
    "UnknownAccount",
    "UnknownEntry",
    "UnknownFund",
    "UnknownOrg",
    "VerifyReport",
    "Violation",
    "fen",
    "open",
    "yuan",
]
