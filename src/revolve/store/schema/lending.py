"""The lending tables: households and their records, policies, batches, guarantors and guarantees, loans,
schedule versions and instalments, receipts, write-offs, grants, bank loans and their subsidy payments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from revolve.store.schema.base import Base, Fen, Id, fund_fk, fund_keyed

__all__ = [
    "BankLoanRow",
    "BatchRow",
    "GrantRow",
    "GroupMemberRow",
    "GuaranteeCallRow",
    "GuaranteeRow",
    "GuarantorRow",
    "HouseholdRecordRow",
    "HouseholdRow",
    "InstallmentRow",
    "LoanRow",
    "PolicyRow",
    "ReceiptRow",
    "ScheduleVersionRow",
    "SubsidyPaymentRow",
    "WriteOffRow",
]


class HouseholdRow(Base):
    """A household's file (一户一档) in a fund."""

    __tablename__ = "revolve_household"
    __table_args__ = (
        *fund_keyed(),
        UniqueConstraint("fund_id", "code"),
        UniqueConstraint("fund_id", "national_id"),
        # one mother across funds (她在各基金的户档): her files are found by her national ID alone
        Index(None, "national_id"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
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
    __table_args__ = (
        *fund_keyed(),
        fund_fk("household_id", "revolve_household"),
        Index(None, "household_id", "on_date"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    household_id: Mapped[int] = mapped_column(Id)
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
    __table_args__ = (*fund_keyed(), UniqueConstraint("fund_id", "code"))

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    code: Mapped[str] = mapped_column(String(64))
    site_org_id: Mapped[int | None] = mapped_column(ForeignKey("revolve_org.id"))
    opened_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # the day the batch was closed (结束放款): it takes no further payout; NULL while it is open
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # SHA-256 of the batch (revolve.records.BATCH_COLUMNS), rewritten when it is closed; NULL: written
    # before it existed
    digest: Mapped[str | None] = mapped_column(String(64))


class GuarantorRow(Base):
    """A guarantor: village committee, joint-liability group, individual, or deposit pledge holder."""

    __tablename__ = "revolve_guarantor"
    __table_args__ = (*fund_keyed(), UniqueConstraint("fund_id", "code"))

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
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
    __table_args__ = (
        PrimaryKeyConstraint("fund_id", "guarantor_id", "household_id"),
        fund_fk("guarantor_id", "revolve_guarantor"),
        fund_fk("household_id", "revolve_household"),
    )

    guarantor_id: Mapped[int] = mapped_column(Id)
    household_id: Mapped[int] = mapped_column(Id)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))


class LoanRow(Base):
    """A revolving loan from the fund, with its running repayment state."""

    __tablename__ = "revolve_loan"
    __table_args__ = (
        *fund_keyed(),
        fund_fk("household_id", "revolve_household"),
        fund_fk("batch_id", "revolve_batch"),
        UniqueConstraint("fund_id", "number"),
        CheckConstraint("principal > 0", name="principal"),
        CheckConstraint("round >= 1", name="round"),
        Index(None, "household_id"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    number: Mapped[str] = mapped_column(String(64))
    household_id: Mapped[int] = mapped_column(Id)
    batch_id: Mapped[int] = mapped_column(Id)
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
    # SHA-256 of the loan's own columns (revolve.records.LOAN_COLUMNS); NULL: written before it existed
    digest: Mapped[str | None] = mapped_column(String(64))


class ScheduleVersionRow(Base):
    """One version of a loan's schedule: the original, or one made by an extension or a prepayment."""

    __tablename__ = "revolve_schedule_version"
    __table_args__ = (
        PrimaryKeyConstraint("fund_id", "loan_id", "version"),
        fund_fk("loan_id", "revolve_loan"),
    )

    loan_id: Mapped[int] = mapped_column(Id)
    version: Mapped[int] = mapped_column(Integer, autoincrement=False)
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
        PrimaryKeyConstraint("fund_id", "loan_id", "version", "number"),
        fund_fk("loan_id", "revolve_schedule_version", "version", to="loan_id"),
        CheckConstraint("principal >= 0 AND interest >= 0 AND fee >= 0", name="non_negative"),
    )

    loan_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, autoincrement=False)
    number: Mapped[int] = mapped_column(Integer, autoincrement=False)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    due_date: Mapped[date] = mapped_column(Date)
    principal: Mapped[int] = mapped_column(Fen)
    interest: Mapped[int] = mapped_column(Fen)
    fee: Mapped[int] = mapped_column(Fen)


class GuaranteeRow(Base):
    """A guarantee on a loan; for a deposit pledge, the amount pledged."""

    __tablename__ = "revolve_guarantee"
    __table_args__ = (
        PrimaryKeyConstraint("fund_id", "loan_id", "guarantor_id"),
        fund_fk("loan_id", "revolve_loan"),
        fund_fk("guarantor_id", "revolve_guarantor"),
    )

    loan_id: Mapped[int] = mapped_column(Id)
    guarantor_id: Mapped[int] = mapped_column(Id)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    pledged: Mapped[int] = mapped_column(Fen, default=0)


class GuaranteeCallRow(Base):
    """A guarantee called on a loan in arrears: a recorded event, not an entry."""

    __tablename__ = "revolve_guarantee_call"
    __table_args__ = (
        *fund_keyed(),
        fund_fk("loan_id", "revolve_loan"),
        fund_fk("guarantor_id", "revolve_guarantor"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    loan_id: Mapped[int] = mapped_column(Id)
    guarantor_id: Mapped[int] = mapped_column(Id)
    called_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Fen)
    note: Mapped[str] = mapped_column(Text, default="")


class ReceiptRow(Base):
    """Money received on a loan — a repayment (by borrower, guarantor or pledge) or a recovery."""

    __tablename__ = "revolve_receipt"
    __table_args__ = (
        *fund_keyed(),
        fund_fk("loan_id", "revolve_loan"),
        fund_fk("guarantor_id", "revolve_guarantor"),
        UniqueConstraint("fund_id", "receipt"),
        Index(None, "loan_id", "value_date"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    loan_id: Mapped[int] = mapped_column(Id)
    receipt: Mapped[str] = mapped_column(String(64))
    value_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    payer_kind: Mapped[str] = mapped_column(String(16))
    guarantor_id: Mapped[int | None] = mapped_column(Id)
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
    __table_args__ = (PrimaryKeyConstraint("fund_id", "loan_id"), fund_fk("loan_id", "revolve_loan"))

    loan_id: Mapped[int] = mapped_column(Id)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    written_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Fen)
    approval_ref: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    entry_seq: Mapped[int] = mapped_column(BigInteger)


class GrantRow(Base):
    """A one-off grant (一次性帮扶) paid to a household."""

    __tablename__ = "revolve_grant"
    __table_args__ = (fund_fk("household_id", "revolve_household"),)

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    entry_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    household_id: Mapped[int] = mapped_column(Id)
    amount: Mapped[int] = mapped_column(Fen)
    value_date: Mapped[date] = mapped_column(Date)


class BankLoanRow(Base):
    """A bank-lent subsidised loan (小额贴息), kept for information: not the fund's asset."""

    __tablename__ = "revolve_bank_loan"
    __table_args__ = (
        *fund_keyed(),
        fund_fk("household_id", "revolve_household"),
        UniqueConstraint("fund_id", "number"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    number: Mapped[str] = mapped_column(String(64))
    household_id: Mapped[int] = mapped_column(Id)
    bank: Mapped[str] = mapped_column(String(200))
    terms: Mapped[str] = mapped_column(Text)
    caps: Mapped[str] = mapped_column(Text)
    in_breach_from: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    """The day the household repaid the bank (``close_bank_loan``): its passbook is released then."""


class SubsidyPaymentRow(Base):
    """The interest subsidy paid for one period of a bank loan. A period stands paid once; a payment
    voided (冲正, in ``revolve_void`` by its ``entry_seq``) is kept, and the period may be paid again, so
    the entry is part of the key."""

    __tablename__ = "revolve_subsidy_payment"
    __table_args__ = (
        PrimaryKeyConstraint("fund_id", "bank_loan_id", "period", "entry_seq"),
        fund_fk("bank_loan_id", "revolve_bank_loan"),
    )

    bank_loan_id: Mapped[int] = mapped_column(Id)
    period: Mapped[int] = mapped_column(Integer, autoincrement=False)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    amount: Mapped[int] = mapped_column(Fen)
    value_date: Mapped[date] = mapped_column(Date)
    entry_seq: Mapped[int] = mapped_column(BigInteger, autoincrement=False)
