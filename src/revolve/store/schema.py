"""revolve's tables: a library-owned ``MetaData`` with a naming convention, every table prefixed ``revolve_``.

Amounts are BIGINT fen. Every journal and account table carries its fund, and every foreign key between
them includes the fund, so the database itself refuses a posting to another fund's account and a
province could shard by fund without changing the model.

Journal rows are written postings first, header last: inserting the header *seals* the entry, and the
database checks then that its postings balance (see ``triggers.py``). The posting → entry foreign key is
therefore DEFERRABLE INITIALLY DEFERRED, and checked at commit.

ORM row classes here are storage shapes only; domain values live in the core, and ``rows.py`` is the one
place that translates between them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "SCHEMA_VERSION",
    "AccountRow",
    "Base",
    "EntryRow",
    "FundRow",
    "OrgRow",
    "PostingRow",
    "SchemaRow",
    "metadata",
]

SCHEMA_VERSION = 3
"""The schema version this code writes; ``revolve_schema.version`` records what a database holds."""

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# SQLite only auto-increments an INTEGER PRIMARY KEY; everywhere else ids are BIGINT.
Id = BigInteger().with_variant(Integer(), "sqlite")
Fen = BigInteger


class Base(DeclarativeBase):
    """Declarative base bound to revolve's own MetaData."""

    metadata = metadata


class SchemaRow(Base):
    """One row: the schema version of this database."""

    __tablename__ = "revolve_schema"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrgRow(Base):
    """An organisation node (province › city › county › town › village)."""

    __tablename__ = "revolve_org"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("revolve_org.id"), index=True)


class FundRow(Base):
    """A fund (one book). ``entry_count`` and ``head_hash`` are the head of its journal's hash chain."""

    __tablename__ = "revolve_fund"
    __table_args__ = (CheckConstraint("entry_count >= 0", name="entry_count"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int] = mapped_column(ForeignKey("revolve_org.id"), index=True)
    chart: Mapped[str] = mapped_column(String(16))
    closed_through: Mapped[date | None] = mapped_column(Date)
    entry_count: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
    # added by 0009_keyed_chain: the fingerprint of the key its chain is keyed under (None: bare SHA-256),
    # and, for a chain sealed after it began, how many entries the seal covers, its HMAC and when
    chain_key_id: Mapped[str | None] = mapped_column(String(16))
    sealed_count: Mapped[int | None] = mapped_column(BigInteger)
    seal_mac: Mapped[str | None] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccountRow(Base):
    """An account of a fund: a chart role, and a sub-key for sub-ledger roles ('' when none)."""

    __tablename__ = "revolve_account"
    __table_args__ = (
        UniqueConstraint("fund_id", "role", "sub"),
        UniqueConstraint("fund_id", "code"),
        UniqueConstraint("fund_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    role: Mapped[str] = mapped_column(String(40))
    sub: Mapped[str] = mapped_column(String(64), default="")
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    balance: Mapped[int] = mapped_column(Fen, default=0)


class EntryRow(Base):
    """A journal entry header. Inserting it seals the entry; it is never updated or deleted."""

    __tablename__ = "revolve_entry"
    __table_args__ = (
        UniqueConstraint("fund_id", "idempotency_key"),
        UniqueConstraint("fund_id", "reverses_seq"),
        ForeignKeyConstraint(["fund_id", "reverses_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        CheckConstraint("seq >= 1", name="seq"),
        CheckConstraint("reverses_seq IS NULL OR reverses_seq < seq", name="reverses_earlier"),
        Index(None, "fund_id", "value_date"),
    )

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    value_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    reverses_seq: Mapped[int | None] = mapped_column(BigInteger)
    content_digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # added by 0009_keyed_chain: 1 = the chain links the content digest alone (entries written before);
    # 2 = it links a digest of the content digest, the idempotency key and recorded_at
    digest_version: Mapped[int] = mapped_column(SmallInteger, server_default="1")


class PostingRow(Base):
    """One line of an entry: a signed, non-zero amount in fen (positive = debit)."""

    __tablename__ = "revolve_posting"
    __table_args__ = (
        ForeignKeyConstraint(
            ["fund_id", "entry_seq"],
            ["revolve_entry.fund_id", "revolve_entry.seq"],
            deferrable=True,
            initially="DEFERRED",
        ),
        ForeignKeyConstraint(["fund_id", "account_id"], ["revolve_account.fund_id", "revolve_account.id"]),
        CheckConstraint("amount <> 0", name="nonzero"),
        CheckConstraint("line_no >= 1", name="line_no"),
        Index(None, "account_id", "value_date"),
    )

    fund_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entry_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(Fen)
    # the entry's value date, repeated so that as-of balances read one index; the seal trigger
    # refuses a line whose date differs from its header's
    value_date: Mapped[date] = mapped_column(Date)


# ---- the fund's life (schema version 2) --------------------------------------------------------
class HouseholdRow(Base):
    """A household's file (一户一档) in a fund."""

    __tablename__ = "revolve_household"
    __table_args__ = (
        UniqueConstraint("fund_id", "code"),
        UniqueConstraint("fund_id", "national_id"),
        # one mother across funds (她在各基金的户档): her files are found by her national ID alone
        Index(None, "national_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    code: Mapped[str] = mapped_column(String(64))
    mother_name: Mapped[str] = mapped_column(String(100))
    national_id: Mapped[str] = mapped_column(String(18))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("revolve_org.id"))
    phone: Mapped[str | None] = mapped_column(String(32))
    fp_status: Mapped[str] = mapped_column(String(20))
    income_before: Mapped[int | None] = mapped_column(Fen)
    registered_on: Mapped[date] = mapped_column(Date)
    persons: Mapped[int | None] = mapped_column(Integer)
    persons_on: Mapped[date | None] = mapped_column(Date)
    # SHA-256 of the registration (revolve.records.HOUSEHOLD_COLUMNS); NULL: registered before it existed
    digest: Mapped[str | None] = mapped_column(String(64))


class HouseholdRecordRow(Base):
    """A later record in a household's file: a visit, an income figure, a poverty-exit assessment."""

    __tablename__ = "revolve_household_record"
    __table_args__ = (Index(None, "household_id", "on_date"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("revolve_household.id"))
    kind: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    income: Mapped[int | None] = mapped_column(Fen)
    exited_poverty: Mapped[bool | None] = mapped_column()


class PolicyRow(Base):
    """The fund's programme policy from a date on."""

    __tablename__ = "revolve_policy"
    __table_args__ = (
        CheckConstraint("household_scope IN ('fund', 'county', 'all')", name="household_scope"),
    )

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, primary_key=True)
    min_amount: Mapped[int] = mapped_column(Fen)
    max_amount: Mapped[int] = mapped_column(Fen)
    min_term_months: Mapped[int] = mapped_column(Integer)
    max_term_months: Mapped[int] = mapped_column(Integer)
    max_loans_per_household: Mapped[int] = mapped_column(Integer)
    max_active_loans_per_household: Mapped[int] = mapped_column(Integer)
    guarantee_required: Mapped[bool] = mapped_column()
    allowed_amounts: Mapped[str] = mapped_column(Text, default="")
    extension_after_maturity: Mapped[bool] = mapped_column(default=False, server_default=false())
    max_extensions: Mapped[int | None] = mapped_column(Integer)
    categories: Mapped[str] = mapped_column(Text, default="", server_default="")
    notice_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    household_scope: Mapped[str] = mapped_column(String(10), default="fund", server_default="fund")


class BatchRow(Base):
    """A disbursement batch (批/期) at a project site."""

    __tablename__ = "revolve_batch"
    __table_args__ = (UniqueConstraint("fund_id", "code"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    code: Mapped[str] = mapped_column(String(64))
    site_org_id: Mapped[int | None] = mapped_column(ForeignKey("revolve_org.id"))
    opened_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class GuarantorRow(Base):
    """A guarantor: village committee, joint-liability group, individual, or deposit pledge holder."""

    __tablename__ = "revolve_guarantor"
    __table_args__ = (UniqueConstraint("fund_id", "code"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("revolve_org.id"))
    cap: Mapped[int | None] = mapped_column(Fen)
    reference: Mapped[str] = mapped_column(String(200), default="")


class GroupMemberRow(Base):
    """A household in a joint-liability group (联保小组)."""

    __tablename__ = "revolve_group_member"

    guarantor_id: Mapped[int] = mapped_column(ForeignKey("revolve_guarantor.id"), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("revolve_household.id"), primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))


class LoanRow(Base):
    """A revolving loan from the fund, with its running repayment state."""

    __tablename__ = "revolve_loan"
    __table_args__ = (
        UniqueConstraint("fund_id", "number"),
        CheckConstraint("principal > 0", name="principal"),
        CheckConstraint("round >= 1", name="round"),
        Index(None, "household_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    number: Mapped[str] = mapped_column(String(64))
    household_id: Mapped[int] = mapped_column(ForeignKey("revolve_household.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("revolve_batch.id"))
    principal: Mapped[int] = mapped_column(Fen)
    disbursed_on: Mapped[date] = mapped_column(Date)
    disbursement_seq: Mapped[int] = mapped_column(BigInteger)
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    allocation_order: Mapped[str] = mapped_column(String(60))
    schedule_version: Mapped[int] = mapped_column(Integer)
    paid_in_version: Mapped[int] = mapped_column(Fen)
    principal_paid: Mapped[int] = mapped_column(Fen)
    interest_paid: Mapped[int] = mapped_column(Fen)
    fee_paid: Mapped[int] = mapped_column(Fen)
    penalty_paid: Mapped[int] = mapped_column(Fen)
    written_off: Mapped[int] = mapped_column(Fen)
    recovered: Mapped[int] = mapped_column(Fen)
    pledge_held: Mapped[int] = mapped_column(Fen)
    closed_on: Mapped[date | None] = mapped_column(Date)
    restructured_on: Mapped[date | None] = mapped_column(Date)
    extensions: Mapped[int] = mapped_column(Integer, server_default="0")
    extension_ref: Mapped[str | None] = mapped_column(String(200))
    extended_on: Mapped[date | None] = mapped_column(Date)
    purpose: Mapped[str | None] = mapped_column(String(20))
    purpose_note: Mapped[str | None] = mapped_column(String(200))
    agreement_no: Mapped[str | None] = mapped_column(String(100))
    agreement_on: Mapped[date | None] = mapped_column(Date)
    helper: Mapped[str | None] = mapped_column(String(100))
    # SHA-256 of the loan's set of guarantors (revolve.records.guarantees_digest); NULL: none recorded
    guarantees_digest: Mapped[str | None] = mapped_column(String(64))


class ScheduleVersionRow(Base):
    """One version of a loan's schedule: the original, or one made by an extension or a prepayment."""

    __tablename__ = "revolve_schedule_version"

    loan_id: Mapped[int] = mapped_column(ForeignKey("revolve_loan.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(40))
    principal: Mapped[int] = mapped_column(Fen)
    terms: Mapped[str] = mapped_column(Text)
    approval_ref: Mapped[str | None] = mapped_column(String(200))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the version and its instalments (revolve.records.schedule_digest); NULL: written before
    digest: Mapped[str | None] = mapped_column(String(64))


class InstallmentRow(Base):
    """One instalment of one schedule version."""

    __tablename__ = "revolve_installment"
    __table_args__ = (
        ForeignKeyConstraint(
            ["loan_id", "version"], ["revolve_schedule_version.loan_id", "revolve_schedule_version.version"]
        ),
        CheckConstraint("principal >= 0 AND interest >= 0 AND fee >= 0", name="non_negative"),
    )

    loan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    due_date: Mapped[date] = mapped_column(Date)
    principal: Mapped[int] = mapped_column(Fen)
    interest: Mapped[int] = mapped_column(Fen)
    fee: Mapped[int] = mapped_column(Fen)


class GuaranteeRow(Base):
    """A guarantee on a loan; for a deposit pledge, the amount pledged."""

    __tablename__ = "revolve_guarantee"

    loan_id: Mapped[int] = mapped_column(ForeignKey("revolve_loan.id"), primary_key=True)
    guarantor_id: Mapped[int] = mapped_column(ForeignKey("revolve_guarantor.id"), primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    pledged: Mapped[int] = mapped_column(Fen, default=0)


class GuaranteeCallRow(Base):
    """A guarantee called on a loan in arrears: a recorded event, not an entry."""

    __tablename__ = "revolve_guarantee_call"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("revolve_loan.id"))
    guarantor_id: Mapped[int] = mapped_column(ForeignKey("revolve_guarantor.id"))
    called_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Fen)
    note: Mapped[str] = mapped_column(Text, default="")


class ReceiptRow(Base):
    """Money received on a loan — a repayment (by borrower, guarantor or pledge) or a recovery."""

    __tablename__ = "revolve_receipt"
    __table_args__ = (UniqueConstraint("fund_id", "receipt"), Index(None, "loan_id", "value_date"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("revolve_loan.id"))
    receipt: Mapped[str] = mapped_column(String(64))
    value_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    payer_kind: Mapped[str] = mapped_column(String(16))
    guarantor_id: Mapped[int | None] = mapped_column(ForeignKey("revolve_guarantor.id"))
    amount: Mapped[int] = mapped_column(Fen)
    principal: Mapped[int] = mapped_column(Fen)
    interest: Mapped[int] = mapped_column(Fen)
    fee: Mapped[int] = mapped_column(Fen)
    penalty: Mapped[int] = mapped_column(Fen)
    schedule_version: Mapped[int] = mapped_column(Integer)
    entry_seq: Mapped[int] = mapped_column(BigInteger)
    # SHA-256 of the receipt (revolve.records.RECEIPT_COLUMNS); NULL: recorded before it existed
    digest: Mapped[str | None] = mapped_column(String(64))


class WriteOffRow(Base):
    """The write-off register (核销备查簿): a loan written off, with its approval."""

    __tablename__ = "revolve_write_off"

    loan_id: Mapped[int] = mapped_column(ForeignKey("revolve_loan.id"), primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    written_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Fen)
    approval_ref: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    entry_seq: Mapped[int] = mapped_column(BigInteger)


class GrantRow(Base):
    """A one-off grant (一次性帮扶) paid to a household."""

    __tablename__ = "revolve_grant"

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    entry_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    household_id: Mapped[int] = mapped_column(ForeignKey("revolve_household.id"))
    amount: Mapped[int] = mapped_column(Fen)
    value_date: Mapped[date] = mapped_column(Date)


class BankLoanRow(Base):
    """A bank-lent subsidised loan (小额贴息), kept for information: not the fund's asset."""

    __tablename__ = "revolve_bank_loan"
    __table_args__ = (UniqueConstraint("fund_id", "number"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    number: Mapped[str] = mapped_column(String(64))
    household_id: Mapped[int] = mapped_column(ForeignKey("revolve_household.id"))
    bank: Mapped[str] = mapped_column(String(200))
    terms: Mapped[str] = mapped_column(Text)
    caps: Mapped[str] = mapped_column(Text)
    in_breach_from: Mapped[date | None] = mapped_column(Date)


class SubsidyPaymentRow(Base):
    """The interest subsidy paid for one period of a bank loan. A period stands paid once; a payment
    voided (冲正, in ``revolve_void`` by its ``entry_seq``) is kept, and the period may be paid again, so
    the entry is part of the key."""

    __tablename__ = "revolve_subsidy_payment"

    bank_loan_id: Mapped[int] = mapped_column(ForeignKey("revolve_bank_loan.id"), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    amount: Mapped[int] = mapped_column(Fen)
    value_date: Mapped[date] = mapped_column(Date)
    entry_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class AllowancePolicyRow(Base):
    """The fund's bad-debt allowance policy (坏账准备计提比例) from a date on: a rate per ageing bucket,
    each kept as the text of its Decimal so that it reads back exactly on every backend."""

    __tablename__ = "revolve_allowance_policy"

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, primary_key=True)
    rate_current: Mapped[str] = mapped_column(String(40))
    rate_1_30: Mapped[str] = mapped_column(String(40))
    rate_31_60: Mapped[str] = mapped_column(String(40))
    rate_61_90: Mapped[str] = mapped_column(String(40))
    rate_over_90: Mapped[str] = mapped_column(String(40))


class PassbookPledgeRow(Base):
    """The passbook pledge register (存折质押备查簿): a mother's passbook held for a loan, off the books.

    Nothing is posted when a line is added or released; an application is a receipt (``receipt``).
    """

    __tablename__ = "revolve_passbook_pledge"
    __table_args__ = (Index(None, "loan_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("revolve_loan.id"))
    bank: Mapped[str] = mapped_column(String(200))
    account_number: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Fen)
    held_from: Mapped[date] = mapped_column(Date)
    applied_on: Mapped[date | None] = mapped_column(Date)
    applied_amount: Mapped[int] = mapped_column(Fen, default=0)
    receipt: Mapped[str | None] = mapped_column(String(64))
    released_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class OpeningRow(Base):
    """A fund's opening (期初): the day its books opened in revolve, the entry that opened them, and the
    principal it had lent before (every loan since it began)."""

    __tablename__ = "revolve_opening"

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True, autoincrement=False)
    opened_on: Mapped[date] = mapped_column(Date)
    entry_seq: Mapped[int] = mapped_column(BigInteger)
    lent_before: Mapped[int] = mapped_column(Fen)


class OpeningCapitalRow(Base):
    """Capital a fund was contributed before its opening, by source (for 滚动次数 and loan rounds)."""

    __tablename__ = "revolve_opening_capital"

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_opening.fund_id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    amount: Mapped[int] = mapped_column(Fen)


# ---- corrections (冲正) ---------------------------------------------------------------------------
class VoidRow(Base):
    """The correction register (冲正登记簿): a receipt, disbursement, grant, contribution or subsidy
    payment (贴息) voided.

    The voided record itself is kept as it was; this row says it is voided, why, on whose approval,
    and which entry reversed it. ``original_seq`` is the record's (first) journal entry: receipts,
    loans (``disbursement_seq``), grants and contributions are all named by it, so every read that
    leaves voided records out asks one question of this table.
    """

    __tablename__ = "revolve_void"
    __table_args__ = (
        UniqueConstraint("fund_id", "original_seq"),
        ForeignKeyConstraint(["fund_id", "original_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        ForeignKeyConstraint(["fund_id", "reversal_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        CheckConstraint(
            "kind IN ('receipt', 'disbursement', 'grant', 'contribution', 'subsidy')", name="kind"
        ),
        CheckConstraint("reversal_seq > original_seq", name="reversal_later"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    kind: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64))
    original_seq: Mapped[int] = mapped_column(BigInteger)
    reversal_seq: Mapped[int] = mapped_column(BigInteger)
    voided_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(200))
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("revolve_loan.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RestrictionPolicyRow(Base):
    """A fund's restriction policy: which uses of restricted money release it (none stored: the default)."""

    __tablename__ = "revolve_restriction_policy"

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    on_grant: Mapped[bool] = mapped_column(Boolean)
    on_subsidy: Mapped[bool] = mapped_column(Boolean)
    on_write_off: Mapped[bool] = mapped_column(Boolean)
    # added by 0009_time_restriction: a policy stored before it reads as True (the default)
    on_return: Mapped[bool] = mapped_column(Boolean, server_default=true())


class PeriodCloseRow(Base):
    """A period close (结账): the fund closed through a date, when, and in which generation (the number of
    reopenings recorded before it, so that a close after a reopen gets fresh idempotency keys)."""

    __tablename__ = "revolve_period_close"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), index=True)
    through: Mapped[date] = mapped_column(Date)
    generation: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 of the close (revolve.records.PERIOD_CLOSE_COLUMNS); NULL: closed before it existed
    digest: Mapped[str | None] = mapped_column(String(64))


class PeriodReopenRow(Base):
    """A reopened period (反结账): who approved it, why, when, and the dates it moved between."""

    __tablename__ = "revolve_period_reopen"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), index=True)
    through: Mapped[date] = mapped_column(Date)
    closed_through_before: Mapped[date] = mapped_column(Date)
    closed_through_after: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(200))
    reopened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FundAccrualRow(Base):
    """The latest date a fund's interest, fees and subsidies were accrued through (its latest close ever;
    it does not move back when a period is reopened, because the accruals stay posted)."""

    __tablename__ = "revolve_fund_accrual"

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    accrued_through: Mapped[date] = mapped_column(Date)


class TimeRestrictionRow(Base):
    """The time-restriction register (限定期限登记): a contribution restricted until a date, and its release.

    ``released_on`` and ``released`` are set when the restriction ends (``release_seq`` too, unless nothing
    was left to release); ``cancelled_on`` when its contribution is voided.
    """

    __tablename__ = "revolve_time_restriction"
    __table_args__ = (
        UniqueConstraint("fund_id", "contribution_seq"),
        ForeignKeyConstraint(["fund_id", "contribution_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        ForeignKeyConstraint(["fund_id", "release_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("released IS NULL OR (released >= 0 AND released <= amount)", name="released_range"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    contribution_seq: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    until: Mapped[date] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)
    released: Mapped[int | None] = mapped_column(BigInteger)
    release_seq: Mapped[int | None] = mapped_column(BigInteger)
    cancelled_on: Mapped[date | None] = mapped_column(Date)


class ApplicationRow(Base):
    """A loan application (借款申请) in the queue 申请 → 审查 → 公示 → 审批 → 协议 → 放款.

    ``rejected_on`` / ``rejected_by`` / ``reject_reason`` are set when it is rejected, ``loan_id`` when a
    loan is paid out from it; its steps are rows of ``revolve_application_step``.
    """

    __tablename__ = "revolve_application"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("term_months >= 1", name="term_positive"),
        Index(None, "fund_id", "applied_on"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("revolve_household.id"))
    category: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Fen)
    term_months: Mapped[int] = mapped_column(Integer)
    applied_on: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str | None] = mapped_column(String(200))
    rejected_on: Mapped[date | None] = mapped_column(Date)
    rejected_by: Mapped[str | None] = mapped_column(String(200))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("revolve_loan.id"), unique=True)


class ApplicationStepRow(Base):
    """One step of a loan application: which, dated, signed, with a note (an out-of-turn reason)."""

    __tablename__ = "revolve_application_step"
    __table_args__ = (
        CheckConstraint(
            "step IN ('apply', 'review', 'notice', 'approve', 'agree', 'disburse')", name="step_known"
        ),
    )

    application_id: Mapped[int] = mapped_column(ForeignKey("revolve_application.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(20), primary_key=True)
    on_date: Mapped[date] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


class CapitalPledgeRow(Base):
    """A pledge of capital (认捐 / 承诺出资): who promised the fund how much by when. Nothing is posted."""

    __tablename__ = "revolve_capital_pledge"
    __table_args__ = (
        UniqueConstraint("fund_id", "code"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    code: Mapped[str] = mapped_column(String(64))
    donor: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)
    due: Mapped[date] = mapped_column(Date)
    pledged_on: Mapped[date | None] = mapped_column(Date)


class CapitalPledgeLinkRow(Base):
    """A contribution received against a pledge of capital: each contribution answers one pledge at most."""

    __tablename__ = "revolve_capital_pledge_link"
    __table_args__ = (
        ForeignKeyConstraint(["fund_id", "entry_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        Index(None, "pledge_id"),
    )

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    entry_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("revolve_capital_pledge.id"))


class FundDateWindowRow(Base):
    """How many years past today a fund takes value dates (``revolve.funds.check_window``); a fund
    without a row has the default window."""

    __tablename__ = "revolve_fund_date_window"
    __table_args__ = (CheckConstraint("years_ahead >= 0 AND years_ahead <= 100", name="years_ahead_range"),)

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    years_ahead: Mapped[int] = mapped_column(SmallInteger)
