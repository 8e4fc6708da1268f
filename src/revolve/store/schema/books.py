"""The tables of the books a county finance officer signs (issue 11): allowance policies, the passbook
pledge register, opening balances, the correction register, restriction policies, period closes and
reopenings, the accrual date and time restrictions."""

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
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from revolve.store.schema.base import Base, Fen, Id, fund_fk, fund_keyed

__all__ = [
    "AllowancePolicyRow",
    "FundAccrualRow",
    "OpeningCapitalRow",
    "OpeningRow",
    "PassbookPledgeRow",
    "PeriodCloseRow",
    "PeriodReopenRow",
    "RestrictionPolicyRow",
    "TimeRestrictionRow",
    "VoidRow",
]


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

    Nothing is posted when a line is added or released; an application to the fund's loan is a receipt
    (``receipt``). A line secures either one of the fund's loans (``loan_id``) or a bank-lent loan
    (``bank_loan_id``, 少生快富), never both; a bank's application posts nothing (``receipt`` is its
    reference).
    """

    __tablename__ = "revolve_passbook_pledge"
    __table_args__ = (
        *fund_keyed(),
        fund_fk("loan_id", "revolve_loan"),
        fund_fk("bank_loan_id", "revolve_bank_loan"),
        Index(None, "loan_id"),
        Index(None, "bank_loan_id"),
        CheckConstraint("(loan_id IS NULL) <> (bank_loan_id IS NULL)", name="one_loan"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    loan_id: Mapped[int | None] = mapped_column(Id)
    bank: Mapped[str] = mapped_column(String(200))
    account_number: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Fen)
    held_from: Mapped[date] = mapped_column(Date)
    applied_on: Mapped[date | None] = mapped_column(Date)
    applied_amount: Mapped[int] = mapped_column(Fen, default=0)
    receipt: Mapped[str | None] = mapped_column(String(64))
    released_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    bank_loan_id: Mapped[int | None] = mapped_column(Id)


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
        *fund_keyed(),
        fund_fk("loan_id", "revolve_loan"),
        UniqueConstraint("fund_id", "original_seq"),
        ForeignKeyConstraint(["fund_id", "original_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        ForeignKeyConstraint(["fund_id", "reversal_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        CheckConstraint(
            "kind IN ('receipt', 'disbursement', 'grant', 'contribution', 'subsidy')", name="kind"
        ),
        CheckConstraint("reversal_seq > original_seq", name="reversal_later"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    kind: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64))
    original_seq: Mapped[int] = mapped_column(BigInteger)
    reversal_seq: Mapped[int] = mapped_column(BigInteger)
    voided_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(200))
    loan_id: Mapped[int | None] = mapped_column(Id)
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
    __table_args__ = fund_keyed()

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
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
    __table_args__ = fund_keyed()

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
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
        *fund_keyed(),
        UniqueConstraint("fund_id", "contribution_seq"),
        ForeignKeyConstraint(["fund_id", "contribution_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        ForeignKeyConstraint(["fund_id", "release_seq"], ["revolve_entry.fund_id", "revolve_entry.seq"]),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("released IS NULL OR (released >= 0 AND released <= amount)", name="released_range"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    contribution_seq: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    until: Mapped[date] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)
    released: Mapped[int | None] = mapped_column(BigInteger)
    release_seq: Mapped[int | None] = mapped_column(BigInteger)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
