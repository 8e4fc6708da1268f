"""revolve's tables: a library-owned ``MetaData`` with a naming convention, every table prefixed ``revolve_``.

Amounts are BIGINT fen. Every journal and account table carries its fund, and every foreign key between
them includes the fund, so the database itself refuses a posting to another fund's account and a
province could shard by fund without changing the model.

Journal rows are written postings first, header last: inserting the header *seals* the entry, and the
database checks then that its postings balance (see ``triggers.py``). The posting → entry foreign key is
therefore DEFERRABLE INITIALLY DEFERRED, and checked at commit.

ORM row classes here are storage shapes only; domain values live in the core, and ``rows.py`` is the one
place that translates between them. The tables are defined by family: ``base`` (the metadata, the schema
version and the journal), ``lending``, ``books`` and ``programme``; every one is named here.
"""

from __future__ import annotations

from revolve.store.schema.base import (
    NOT_FUND_HELD,
    SCHEMA_VERSION,
    AccountRow,
    Base,
    EntryRow,
    FundRow,
    OrgRow,
    PostingRow,
    SchemaRow,
    made_on,
    metadata,
)
from revolve.store.schema.books import (
    AllowancePolicyRow,
    FundAccrualRow,
    OpeningCapitalRow,
    OpeningRow,
    PassbookPledgeRow,
    PeriodCloseRow,
    PeriodReopenRow,
    RestrictionPolicyRow,
    TimeRestrictionRow,
    VoidRow,
)
from revolve.store.schema.lending import (
    BankLoanRow,
    BatchRow,
    GrantRow,
    GroupMemberRow,
    GuaranteeCallRow,
    GuaranteeRow,
    GuarantorRow,
    HouseholdRecordRow,
    HouseholdRow,
    InstallmentRow,
    LoanRow,
    PolicyRow,
    ReceiptRow,
    ScheduleVersionRow,
    SubsidyPaymentRow,
    WriteOffRow,
)
from revolve.store.schema.programme import (
    ApplicationRow,
    ApplicationStepRow,
    CapitalPledgeLinkRow,
    CapitalPledgeRow,
    FundDateWindowRow,
)

__all__ = [
    "NOT_FUND_HELD",
    "SCHEMA_VERSION",
    "AccountRow",
    "AllowancePolicyRow",
    "ApplicationRow",
    "ApplicationStepRow",
    "BankLoanRow",
    "Base",
    "BatchRow",
    "CapitalPledgeLinkRow",
    "CapitalPledgeRow",
    "EntryRow",
    "FundAccrualRow",
    "FundDateWindowRow",
    "FundRow",
    "GrantRow",
    "GroupMemberRow",
    "GuaranteeCallRow",
    "GuaranteeRow",
    "GuarantorRow",
    "HouseholdRecordRow",
    "HouseholdRow",
    "InstallmentRow",
    "LoanRow",
    "OpeningCapitalRow",
    "OpeningRow",
    "OrgRow",
    "PassbookPledgeRow",
    "PeriodCloseRow",
    "PeriodReopenRow",
    "PolicyRow",
    "PostingRow",
    "ReceiptRow",
    "RestrictionPolicyRow",
    "ScheduleVersionRow",
    "SchemaRow",
    "SubsidyPaymentRow",
    "TimeRestrictionRow",
    "VoidRow",
    "WriteOffRow",
    "made_on",
    "metadata",
]
