"""Pledges: a passbook pledged by a mother (存折质押) is held in a register (备查簿), off the books.

Two things are called a "pledge" in a county office, and they are booked differently:

* a **cash deposit** (保证金) actually paid into the fund's bank account is the fund's cash and a
  liability to the mother: Dr 银行存款 / Cr 其他应付款 (``disburse(pledge=…)``, :func:`revolve.rules.
  pledge_entry`), applied with ``repay(payer='pledge')`` and handed back when the loan closes;
* a **passbook** (存折) pledged to the fund stays the mother's money in her own bank account: the fund
  only holds the passbook (or a freeze on it). Nothing is posted when it is pledged or released; it is a
  line in the pledge register (:class:`PassbookPledge`). Only when the fund **applies** it to a loan in
  default does money move: the bank pays the pledged balance into the fund's account, a receipt from the
  borrower's own money on that date (Dr 银行存款 / Cr 其他应收款, payer ``passbook``).

The same register holds the passbooks pledged for **bank-lent** loans (少生快富, seed 001: "每户一年一万
存折抵押"): the bank lends, the household pledges her passbook to the bank as the loan's security, and the
programme (the association that arranges the loans and pays their 贴息) keeps the line in its 备查簿. Such a
line names its bank loan (:attr:`PassbookPledge.secures` is :attr:`SecuredLoan.BANK_LOAN`); it is released
when the bank loan is repaid, and applied when the household defaults on the bank and the bank takes
(扣划) the pledged balance for its own loan — money that goes from her account to the bank, never through
the fund's, so the application posts nothing either (:func:`bank_application_amount`).

This module holds the register's value type, the passbook a caller describes (:class:`Passbook`), the
mask that keeps an account number off printed pages, and the pure decisions: whether a passbook may be
registered, released or applied, and how much an application takes. Pure: no clock, no storage.

A receipt voided (冲正) undoes what it did to the register (:func:`restored_by_void`): the passbook it
applied is held again, and the passbooks its closing of the loan released are held again; the line's note
keeps what was undone.

A register line's life::

    held ──apply (loan in default; a receipt)──▶ applied ──release (loan closed, or by hand)──▶ released
      └──────────────release (loan closed, or by hand; nothing posted)──────────────────────────▶ released
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from revolve.checks import check_date, check_money
from revolve.errors import InvalidAmount, InvalidDate, InvalidEntry, LoanStateError, PledgeStateError
from revolve.loans.dues import DEFAULT_ORDER, Component, InstalmentRow, as_dues, days_past_due, owed
from revolve.loans.records import Loan, LoanStatus
from revolve.money import Money

__all__ = [
    "RELEASED_AT_BANK_CLOSE",
    "RELEASED_AT_CLOSE",
    "Passbook",
    "PassbookPledge",
    "PledgeStatus",
    "Restore",
    "SecuredLoan",
    "application_amount",
    "bank_application_amount",
    "check_passbook",
    "check_registration",
    "check_release",
    "fund_loan_of",
    "mask_account",
    "require_no_passbook",
    "restored_by_void",
]

_MASK = "*"

RELEASED_AT_CLOSE = "借款结清，解除质押"
"""The note on a register line released because a payment closed its loan (what a void of it undoes)."""

RELEASED_AT_BANK_CLOSE = "银行贷款结清，解除质押"
"""The note on a register line released because its bank loan was repaid (``close_bank_loan``)."""


def mask_account(number: str) -> str:
    """Hide the middle of a bank account number: ``6217********1234``.

    Keeps the first 4 and the last 4 characters; a number of 8 characters or fewer shows only its last
    4 (or nothing, when it has 4 or fewer). The input is not validated: masking prints whatever is stored.

    Args:
        number: the account (or passbook) number.

    Returns:
        The masked text, as long as the input.
    """
    text = number.strip()
    if len(text) <= 4:
        return _MASK * len(text)
    if len(text) <= 8:
        return _MASK * (len(text) - 4) + text[-4:]
    return text[:4] + _MASK * (len(text) - 8) + text[-4:]


@dataclass(frozen=True, slots=True)
class Passbook:
    """A passbook a mother pledges: her bank, her account number and the balance pledged.

    The account number never appears in ``repr``; print :attr:`masked_account`.
    """

    bank: str
    account: str = field(repr=False)
    amount: Money

    @property
    def masked_account(self) -> str:
        """The account number with its middle hidden."""
        return mask_account(self.account)


def check_passbook(passbook: object) -> Passbook:
    """``passbook`` if it describes a pledgeable passbook, normalised (spaces and dashes dropped).

    Raises:
        InvalidEntry: not a :class:`Passbook`, no bank named, or an account number that is not 6–32
            letters or digits.
        MoneyTypeError, InvalidAmount: the amount is not positive Money.
    """
    if not isinstance(passbook, Passbook):
        raise InvalidEntry("passbook", passbook, reason="passbook")
    bank = passbook.bank.strip() if isinstance(passbook.bank, str) else ""
    if not bank:
        raise InvalidEntry("bank", passbook.bank, reason="bank")
    account = "".join(passbook.account.split()).replace("-", "") if isinstance(passbook.account, str) else ""
    if not (6 <= len(account) <= 32 and account.isascii() and account.isalnum()):
        raise InvalidEntry(
            "account",
            mask_account(str(passbook.account)),
            reason="account_number",
        )
    amount = check_money("a pledged passbook's amount", passbook.amount, positive=True)
    return Passbook(bank, account, amount)


class PledgeStatus(StrEnum):
    """Where a passbook pledge stands in the register."""

    HELD = "held"
    APPLIED = "applied"
    RELEASED = "released"

    @property
    def label_zh(self) -> str:
        """The Chinese name of the status."""
        return {"held": "质押中", "applied": "已扣划", "released": "已解除"}[self.value]


class SecuredLoan(StrEnum):
    """What a register line's passbook secures: one of the fund's own loans, or a bank-lent loan."""

    FUND_LOAN = "fund_loan"
    BANK_LOAN = "bank_loan"

    @property
    def label_zh(self) -> str:
        """The Chinese name: 基金借款 or 银行贷款."""
        return {"fund_loan": "基金借款", "bank_loan": "银行贷款"}[self.value]


@dataclass(frozen=True, slots=True)
class PassbookPledge:
    """One line of the passbook pledge register (存折质押备查簿).

    Attributes:
        id: the line's id.
        fund_id: the fund whose register holds the line.
        loan_id: the fund's loan it secures (None for a bank loan's line).
        loan: the number of the loan it secures (the fund's loan or the bank loan).
        bank: the bank keeping the account.
        account_number: the account number as stored (never in ``repr``; print :attr:`masked_account`).
        amount: the balance pledged.
        held_from: the day the fund took the passbook.
        applied_on: the day it was applied to the loan in default, if it was.
        applied_amount: what the application took (zero until applied).
        receipt: the receipt number (还款凭证号) of the application, if any; for a bank loan's line, the
            bank's reference for its deduction (扣划凭证).
        released_on: the day the passbook went back to the mother, if it did.
        note: why it was released by hand, or blank.
        bank_loan_id: the bank loan it secures (None for the fund's own loan's line).
    """

    id: int
    fund_id: int
    loan_id: int | None
    loan: str
    bank: str
    account_number: str = field(repr=False)
    amount: Money
    held_from: date
    applied_on: date | None
    applied_amount: Money
    receipt: str | None
    released_on: date | None
    note: str = ""
    bank_loan_id: int | None = None

    @property
    def masked_account(self) -> str:
        """The account number with its middle hidden."""
        return mask_account(self.account_number)

    @property
    def secures(self) -> SecuredLoan:
        """Whether the passbook secures the fund's own loan or a bank loan."""
        return SecuredLoan.FUND_LOAN if self.bank_loan_id is None else SecuredLoan.BANK_LOAN

    @property
    def status(self) -> PledgeStatus:
        """Held, applied (and not yet handed back) or released."""
        if self.released_on is not None:
            return PledgeStatus.RELEASED
        return PledgeStatus.HELD if self.applied_on is None else PledgeStatus.APPLIED

    def status_on(self, on: date) -> PledgeStatus | None:
        """The status on ``on``; None before the passbook was taken."""
        if on < self.held_from:
            return None
        if self.released_on is not None and self.released_on <= on:
            return PledgeStatus.RELEASED
        if self.applied_on is not None and self.applied_on <= on:
            return PledgeStatus.APPLIED
        return PledgeStatus.HELD


def check_registration(loan: Loan, passbook: object, on: object) -> tuple[Passbook, date]:
    """Whether a passbook may be registered for ``loan`` on ``on`` (at or after its payout).

    Returns:
        The passbook, normalised, and the date.

    Raises:
        InvalidEntry, MoneyTypeError, InvalidAmount: as :func:`check_passbook`.
        InvalidDate: not a date, or before the loan was paid out.
        LoanStateError: the loan is closed or written off.
    """
    p = check_passbook(passbook)
    day = check_date("on", on)
    if loan.status is not LoanStatus.ACTIVE:
        raise LoanStateError(loan.number, state=loan.status.value, operation="passbook_pledge")
    if day < loan.disbursed_on:
        raise InvalidDate(
            day, reason="before_payout", loan=loan.number, disbursed_on=loan.disbursed_on.isoformat()
        )
    return p, day


def check_release(pledge: PassbookPledge, on: object) -> date:
    """Whether ``pledge`` may be released (handed back to the mother) on ``on``.

    Raises:
        InvalidDate: not a date, or before the passbook was taken or applied.
        PledgeStateError: it was released already.
    """
    day = check_date("on", on)
    if pledge.released_on is not None:
        raise PledgeStateError(
            pledge.id, state="released_on", operation="release", released_on=pledge.released_on.isoformat()
        )
    since = pledge.applied_on or pledge.held_from
    if day < since:
        raise InvalidDate(day, reason="pledge_since", pledge=pledge.id, since=since.isoformat())
    return day


def application_amount(
    pledge: PassbookPledge,
    loan: Loan,
    rows: Sequence[InstalmentRow],
    *,
    on: object,
    amount: Money | None,
    order: Sequence[Component] = DEFAULT_ORDER,
) -> Money:
    """How much applying ``pledge`` to ``loan`` on ``on`` takes from the mother's passbook.

    The loan must be in default (an instalment due before ``on`` unpaid: days past due ≥ 1). Without
    ``amount``, the application takes what the loan still owes on its schedule, up to the balance
    pledged; with it, ``amount``, which may not pass the balance pledged. The repayment decision checks
    the rest (active loan, dates, open period, overpayment).

    Raises:
        PledgeStateError: the passbook was applied or released already, or the loan is not in default.
        InvalidDate: not a date, or before the passbook was taken.
        MoneyTypeError, InvalidAmount: ``amount`` not positive Money, or more than the balance pledged.
    """
    day = check_date("on", on)
    fund_loan_of(pledge)
    if pledge.status is not PledgeStatus.HELD:
        raise PledgeStateError(pledge.id, state=pledge.status.value, operation="apply_to_loan")
    if day < pledge.held_from:
        raise InvalidDate(day, reason="pledge_taken", pledge=pledge.id, since=pledge.held_from.isoformat())
    dues = as_dues(rows)
    if (
        loan.status is LoanStatus.ACTIVE
        and days_past_due(dues, paid=loan.paid_in_version, as_of=day, order=order) < 1
    ):
        raise PledgeStateError(
            pledge.id,
            state="loan_not_in_default",
            operation="apply_to_loan",
            loan=loan.number,
            on=day.isoformat(),
        )
    if amount is None:
        still_owed = owed(dues, paid=loan.paid_in_version)
        return min(pledge.amount, still_owed) if still_owed.fen > 0 else pledge.amount
    taken = check_money("the amount applied", amount, positive=True)
    if taken > pledge.amount:
        raise InvalidAmount(taken, reason="over_pledge", pledged=pledge.amount, pledge=pledge.id)
    return taken


def fund_loan_of(pledge: PassbookPledge) -> int:
    """The id of the fund's own loan a register line secures, for the fund to apply its passbook.

    Raises:
        PledgeStateError: the line secures a bank loan: the bank, not the fund, applies that passbook.
    """
    if pledge.loan_id is None:
        raise PledgeStateError(
            pledge.id,
            state="bank_pledge",
            operation="fund_apply",
            bank_loan=pledge.loan,
        )
    return pledge.loan_id


def bank_application_amount(
    pledge: PassbookPledge, *, in_breach_from: date | None, on: object, amount: Money | None
) -> Money:
    """How much the bank took from a passbook pledged for its loan, when the household defaulted on it.

    The bank, not the fund, applies the passbook, to its own loan: the money goes from her account to the
    bank. The fund records it in the register (nothing is posted); the bank loan must be recorded in
    breach (``mark_breach``) on or before ``on``.

    Args:
        pledge: the register line.
        in_breach_from: the day the bank loan was recorded in breach, or None.
        on: the day the bank took the money.
        amount: what it took; by default the balance pledged.

    Raises:
        PledgeStateError: the line secures the fund's own loan, was applied or released already, or the
            bank loan is not in breach on ``on``.
        InvalidDate: not a date, or before the passbook was pledged.
        MoneyTypeError, InvalidAmount: ``amount`` not positive Money, or more than the balance pledged.
    """
    day = check_date("on", on)
    if pledge.secures is SecuredLoan.FUND_LOAN:
        raise PledgeStateError(
            pledge.id,
            state="fund_pledge",
            operation="bank_apply",
            loan=pledge.loan,
        )
    if pledge.status is not PledgeStatus.HELD:
        raise PledgeStateError(pledge.id, state=pledge.status.value, operation="bank_apply_plain")
    if day < pledge.held_from:
        raise InvalidDate(day, reason="pledge_taken", pledge=pledge.id, since=pledge.held_from.isoformat())
    if in_breach_from is None or in_breach_from > day:
        raise PledgeStateError(
            pledge.id,
            state="bank_not_in_default",
            operation="bank_apply_breach",
            bank_loan=pledge.loan,
            on=day.isoformat(),
        )
    if amount is None:
        return pledge.amount
    taken = check_money("the amount applied", amount, positive=True)
    if taken > pledge.amount:
        raise InvalidAmount(taken, reason="over_pledge", pledged=pledge.amount, pledge=pledge.id)
    return taken


def require_no_passbook(loan: Loan, held: Sequence[PassbookPledge]) -> None:
    """Refuse writing off an active loan while a passbook pledged for it is still held.

    Raises:
        LoanStateError: a passbook is held (apply it, or release it, first).
    """
    still = [p for p in held if p.status is PledgeStatus.HELD]
    if loan.status is LoanStatus.ACTIVE and still:
        total = Money.total(p.amount for p in still)
        raise LoanStateError(
            loan.number,
            state="passbook_held",
            operation="write_off_before_passbook",
            total=total,
            line=still[0].id,
        )


@dataclass(frozen=True, slots=True)
class Restore:
    """What a voided receipt undoes on one register line.

    Attributes:
        pledge_id: the line.
        unapply: clear its application (the voided receipt applied it).
        unrelease: clear its release (the voided receipt closed the loan, which released it).
        note: the line's note after: what was undone, kept as its history.
    """

    pledge_id: int
    unapply: bool
    unrelease: bool
    note: str


def restored_by_void(
    lines: Sequence[PassbookPledge], *, receipt: str, closed_on: date | None, on: date
) -> list[Restore]:
    """The register lines a voided receipt puts back, and how.

    Args:
        lines: the loan's register lines.
        receipt: the voided receipt's number.
        closed_on: the day the loan closed, when the voided receipt closed it (else None).
        on: the void's date.

    Returns:
        One :class:`Restore` per line changed, in the register's order: a line the receipt applied is held
        again (its application cleared); a line released on ``closed_on`` because the loan closed is held
        again. A line released by hand stays released.
    """
    out = []
    for p in lines:
        unapply = p.applied_on is not None and p.receipt == receipt
        unrelease = (
            closed_on is not None and p.released_on == closed_on and p.note.startswith(RELEASED_AT_CLOSE)
        )
        if not (unapply or unrelease):
            continue
        done = []
        if unapply:
            assert p.applied_on is not None
            done.append(f"扣划{p.applied_amount}（还款凭证{receipt}，{p.applied_on.isoformat()}）")
        if unrelease:
            done.append(f"结清解除（{closed_on}）")
        kept = p.note[len(RELEASED_AT_CLOSE) :].lstrip("；") if unrelease else p.note
        history = f"冲正{on.isoformat()}：作废" + "、".join(done)
        out.append(Restore(p.id, unapply, unrelease, "；".join(x for x in (kept, history) if x)))
    return out
