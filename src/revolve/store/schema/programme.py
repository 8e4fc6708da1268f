"""The programme's own registers: loan applications and their steps, pledges of capital and the
contributions linked to them, and each fund's date window."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from revolve.store.schema.base import Base, Fen, Id, fund_fk, fund_keyed

__all__ = [
    "ApplicationRow",
    "ApplicationStepRow",
    "CapitalPledgeLinkRow",
    "CapitalPledgeRow",
    "FundDateWindowRow",
]


class ApplicationRow(Base):
    """A loan application (借款申请) in the queue 申请 → 审查 → 公示 → 审批 → 协议 → 放款.

    ``rejected_on`` / ``rejected_by`` / ``reject_reason`` are set when it is rejected, ``loan_id`` when a
    loan is paid out from it; its steps are rows of ``revolve_application_step``.
    """

    __tablename__ = "revolve_application"
    __table_args__ = (
        *fund_keyed(),
        fund_fk("household_id", "revolve_household"),
        fund_fk("loan_id", "revolve_loan"),
        UniqueConstraint("fund_id", "loan_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("term_months >= 1", name="term_positive"),
        Index(None, "fund_id", "applied_on"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))
    household_id: Mapped[int] = mapped_column(Id)
    category: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Fen)
    term_months: Mapped[int] = mapped_column(Integer)
    applied_on: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str | None] = mapped_column(String(200))
    rejected_on: Mapped[date | None] = mapped_column(Date)
    rejected_by: Mapped[str | None] = mapped_column(String(200))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    loan_id: Mapped[int | None] = mapped_column(Id)


class ApplicationStepRow(Base):
    """One step of a loan application: which, dated, signed, with a note (an out-of-turn reason)."""

    __tablename__ = "revolve_application_step"
    __table_args__ = (
        PrimaryKeyConstraint("fund_id", "application_id", "step"),
        fund_fk("application_id", "revolve_application"),
        CheckConstraint(
            "step IN ('apply', 'review', 'notice', 'approve', 'agree', 'disburse')", name="step_known"
        ),
    )

    application_id: Mapped[int] = mapped_column(Id)
    step: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[date] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    # added by 0026_partition: the application's fund (its key and foreign key carry it)
    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"))


class CapitalPledgeRow(Base):
    """A pledge of capital (认捐 / 承诺出资): who promised the fund how much by when. Nothing is posted."""

    __tablename__ = "revolve_capital_pledge"
    __table_args__ = (
        *fund_keyed(),
        UniqueConstraint("fund_id", "code"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Id, autoincrement=True)
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
        fund_fk("pledge_id", "revolve_capital_pledge"),
        Index(None, "pledge_id"),
    )

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    entry_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    pledge_id: Mapped[int] = mapped_column(Id)


class FundDateWindowRow(Base):
    """How many years past today a fund takes value dates (``revolve.funds.check_window``); a fund
    without a row has the default window."""

    __tablename__ = "revolve_fund_date_window"
    __table_args__ = (CheckConstraint("years_ahead >= 0 AND years_ahead <= 100", name="years_ahead_range"),)

    fund_id: Mapped[int] = mapped_column(ForeignKey("revolve_fund.id"), primary_key=True)
    years_ahead: Mapped[int] = mapped_column(SmallInteger)
