"""Bank-lent subsidised loans (小额贴息): the bank's loan is not the fund's asset; the fund records it for
information, computes the interest subsidy of each period under the programme's caps (domain.md §12), and
pays each period's subsidy once, after the period ends, unless the loan broke its terms before then.

少生快富 (seed 001): the household pledges her passbook to the bank for the loan; the line goes into the
fund's passbook pledge register (备查簿, :mod:`revolve.pledges`) and is released when the bank loan is
repaid (:meth:`Subsidies.close_bank_loan`) or applied when she defaults and the bank takes the pledged
balance (:meth:`Subsidies.apply_bank_passbook`). Neither posts anything: the money is hers, then the
bank's, never the fund's (民间非营利组织会计制度 第十四条). The only entry is the subsidy the fund pays."""

from __future__ import annotations

from datetime import date
from typing import Any

from revolve.chart import AccountKey, AccountRole
from revolve.checks import ref_of
from revolve.closing import ReleaseEvent
from revolve.errors import InvalidAmount, InvalidDate, LoanStateError, UnknownPassbookPledge
from revolve.households import Household
from revolve.journal import PostedEntry
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.operations.closing import release_entries, with_accruals
from revolve.pledges import (
    RELEASED_AT_BANK_CLOSE,
    Passbook,
    PassbookPledge,
    bank_application_amount,
    check_passbook,
)
from revolve.rules import subsidy_entry
from revolve.schedule import LoanTerms, generate_schedule
from revolve.store import accounts as store_accounts
from revolve.store import households as store_households
from revolve.store import pledges as store_pledges
from revolve.store import rows as store_rows
from revolve.store import subsidies as store_subsidies
from revolve.subsidy import BankLoan, SubsidyCaps, SubsidyLine, bank_loan_subsidy, check_household_year

__all__ = ["Subsidies"]


def _lines(row: Any) -> tuple[SubsidyLine, ...]:
    return bank_loan_subsidy(store_rows.terms_from_json(row.terms), store_rows.caps_from_json(row.caps))


class Subsidies(Family):
    """Bank loans and their interest subsidies."""

    def register_bank_loan(
        self,
        fund: FundRef,
        *,
        number: str,
        household: Household | int | str,
        bank: str,
        terms: LoanTerms,
        caps: SubsidyCaps,
        passbook: Passbook | None = None,
    ) -> int:
        """Record a bank-lent loan for information (not the fund's asset); return its id.

        Args:
            fund: the fund that pays the loan's interest subsidy.
            number: the bank loan's number in the fund.
            household: the borrowing household.
            bank: the lending bank (承贷金融机构).
            terms: the bank's loan terms (principal, start, term, method, rate).
            caps: the programme's caps; with ``max_per_household_year`` the household's bank loans
                starting in the same calendar year may total at most that (少生快富 每户一年一万).
            passbook: the household's passbook pledged to the bank for this loan (存折质押): a line in the
                fund's pledge register, held from the loan's start. Nothing is posted.

        Raises:
            InvalidTerms, InvalidRate, InvalidAmount: terms the bank's schedule cannot be built from.
            UnknownHousehold: no such household.
            DuplicateCode: the number is in use.
            BankLoanCapExceeded: the household's principal in the loan's year would pass the programme's cap
                (a PolicyViolation).
            InvalidEntry, MoneyTypeError, InvalidAmount: a passbook without a bank, with a malformed account
                number, or an amount that is not positive Money.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        generate_schedule(terms)  # refuse terms the bank's schedule cannot be built from
        pledged = None if passbook is None else check_passbook(passbook)
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            hh = store_households.find_household(conn, f.id, ref_of(household))
            earlier = [
                store_rows.terms_from_json(t)
                for t in store_subsidies.household_bank_loan_terms(conn, f.id, hh.id)
            ]
            check_household_year(
                caps,
                terms.principal,
                terms.start,
                [(t.start, t.principal) for t in earlier],
                household=hh.code,
            )
            new_id = store_subsidies.insert_bank_loan(
                conn,
                f.id,
                number=number,
                household_id=hh.id,
                bank=bank,
                terms=store_rows.terms_to_json(terms),
                caps=store_rows.caps_to_json(caps),
            )
            if pledged is not None:
                store_pledges.insert_bank_loan_pledge(conn, f.id, new_id, pledged, terms.start)
            return new_id

    def close_bank_loan(self, fund: FundRef, bank_loan: int | str, *, on: date) -> None:
        """Record that the household repaid the bank loan: its pledged passbook goes back to her.

        Nothing is posted (the loan never was the fund's). Periods that start on or after ``on`` earn no
        subsidy.

        Args:
            fund: the fund.
            bank_loan: the bank loan (id or number).
            on: the day it was repaid.

        Raises:
            UnknownBankLoan: no such bank loan.
            LoanStateError: it was closed already.
            InvalidDate: ``on`` is not a date, or before the loan's start.
        """
        with self._books.locked(fund) as unit:
            row = store_subsidies.find_bank_loan(unit.conn, unit.fund.id, bank_loan)
            if row.closed_on is not None:
                raise LoanStateError(
                    row.number,
                    state="repaid_to_bank",
                    operation="close",
                    closed_on=row.closed_on.isoformat(),
                )
            start = store_rows.terms_from_json(row.terms).start
            if not isinstance(on, date) or on < start:
                raise InvalidDate(
                    on, reason="before_bank_loan", bank_loan=row.number, start=start.isoformat()
                )
            store_subsidies.close_bank_loan(unit.conn, row.id, on)
            store_pledges.release_bank_loan_lines(unit.conn, row.id, on=on, note=RELEASED_AT_BANK_CLOSE)

    def apply_bank_passbook(
        self,
        fund: FundRef,
        pledge: PassbookPledge | int,
        *,
        on: date,
        reference: str,
        amount: Money | None = None,
    ) -> PassbookPledge:
        """Record that the bank took (扣划) a passbook pledged for its loan in default. Nothing is posted.

        The money goes from her account to the bank, for the bank's loan: it never passes through the
        fund, so the fund's books do not change; the register line shows the application. The bank loan
        must be recorded in breach (:meth:`mark_breach`) on or before ``on``; its subsidy stops there.

        Args:
            fund: the fund whose register holds the line.
            pledge: the register line (value or id).
            on: the day the bank took the money.
            reference: the bank's reference for the deduction (扣划凭证号).
            amount: what it took; by default the balance pledged.

        Returns:
            The register line, applied.

        Raises:
            UnknownPassbookPledge: no such line in the fund.
            PledgeStateError: the line secures the fund's own loan, was applied or released already, or
                the bank loan is not recorded in breach on ``on``.
            InvalidDate: before the passbook was pledged.
            InvalidAmount: ``amount`` not positive, or more than the balance pledged.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            pledge_id = pledge.id if isinstance(pledge, PassbookPledge) else pledge
            line = store_pledges.find_passbook_pledge(conn, f.id, pledge_id)
            if line is None:
                raise UnknownPassbookPledge(pledge_id)
            breach = None
            if line.bank_loan_id is not None:
                breach = store_subsidies.find_bank_loan(conn, f.id, line.bank_loan_id).in_breach_from
            taken = bank_application_amount(line, in_breach_from=breach, on=on, amount=amount)
            store_pledges.mark_applied(conn, line.id, on=on, amount=taken, receipt=reference)
            found = store_pledges.find_passbook_pledge(conn, f.id, line.id)
            assert found is not None
            return found

    def bank_loans(self, fund: FundRef) -> list[BankLoan]:
        """Every bank loan the fund records (and subsidises), in the order registered.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_subsidies.bank_loans(conn, found.id)

    def subsidy_due(self, fund: FundRef, bank_loan: int | str) -> tuple[SubsidyLine, ...]:
        """The subsidy of each interest period of a bank loan, under the caps.

        Raises:
            UnknownBankLoan: no such bank loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return _lines(store_subsidies.find_bank_loan(conn, found.id, bank_loan))

    def mark_breach(self, fund: FundRef, bank_loan: int | str, *, on: date) -> None:
        """Record that a bank loan broke its terms (overdue, misuse): no subsidy for later periods.

        A breach stands from its earliest date: recording it again on a later date changes nothing (it
        would otherwise give back the subsidy of the periods in between, and leave a passbook the bank
        applied before it without a default). An earlier date moves it back.

        Raises:
            UnknownBankLoan: no such bank loan.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            row = store_subsidies.find_bank_loan(unit.conn, unit.fund.id, bank_loan)
            if row.in_breach_from is None or on < row.in_breach_from:
                store_subsidies.mark_bank_loan_breach(unit.conn, row.id, on)

    def pay_subsidy(self, fund: FundRef, bank_loan: int | str, *, period: int, on: date) -> PostedEntry:
        """Pay the interest subsidy (贴息) for one period of a bank loan, once, after the period ends.

        Raises:
            UnknownBankLoan: no such bank loan.
            InvalidAmount: no such period, or the period earns no subsidy under the caps.
            LoanStateError: already paid, the loan was in breach before the period ended, or it was repaid
                to the bank before the period began.
            InvalidDate: the period has not ended by ``on``.
            InsufficientFunds: the fund has less available.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, with_accruals(unit)
            row = store_subsidies.find_bank_loan(conn, f.id, bank_loan)
            lines = {line.number: line for line in _lines(row)}
            if period not in lines:
                raise InvalidAmount(period, reason="no_period", bank_loan=row.number, periods=sorted(lines))
            line = lines[period]
            if period in store_subsidies.subsidy_paid(conn, row.id):
                raise LoanStateError(
                    row.number, state="subsidised", operation="second_subsidy", period=period
                )
            if row.in_breach_from is not None and row.in_breach_from <= line.end:
                raise LoanStateError(
                    row.number,
                    state="in_breach",
                    operation="subsidy",
                    since=row.in_breach_from.isoformat(),
                )
            if row.closed_on is not None and row.closed_on <= line.start:
                raise LoanStateError(
                    row.number,
                    state="repaid_to_bank",
                    operation="subsidy_after",
                    closed_on=row.closed_on.isoformat(),
                    period=period,
                )
            if on < line.end:
                raise InvalidDate(
                    on,
                    reason="period_not_ended",
                    period=period,
                    bank_loan=row.number,
                    end=line.end.isoformat(),
                )
            if not line.amount.is_positive():
                raise InvalidAmount(line.amount, reason="no_subsidy", period=period, bank_loan=row.number)
            self._books.require_cash(conn, f, line.amount, on)
            # a period paid again after its payment was voided (冲正) takes a new key
            redo = store_subsidies.subsidy_payments(conn, row.id, voided=True).get(period)
            # what a close accrued for the bank loan (its oldest unpaid periods) is settled first; only the
            # rest of the payment is expense
            payable = Money(0)
            if f.accrued_through is not None:
                payable = -Money(
                    store_accounts.account_balance_by_key(
                        conn, f.id, AccountKey(AccountRole.SUBSIDY_PAYABLE, row.number)
                    )
                )
            entry = subsidy_entry(
                amount=line.amount,
                on=on,
                memo=f"{row.number} 第{period}期贴息",
                key=f"subsidy:{row.number}:{period}" + (f":after-void-{redo}" if redo is not None else ""),
                accrued_for=row.number if payable.is_positive() else None,
                settles=payable,
            )
            released = release_entries(unit, ReleaseEvent.SUBSIDY, line.amount, on, row.number)
            posted = self._books.write(unit, [entry, *released])[0]
            store_subsidies.insert_subsidy_payment(
                conn, f.id, bank_loan_id=row.id, period=period, amount=line.amount, on=on, seq=posted.seq
            )
            return posted
