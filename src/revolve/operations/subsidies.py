"""Bank-lent subsidised loans (小额贴息): the bank's loan is not the fund's asset; the fund records it for
information, computes the interest subsidy of each period under the programme's caps (domain.md §12), and
pays each period's subsidy once, after the period ends, unless the loan broke its terms before then."""

from __future__ import annotations

from datetime import date
from typing import Any

from revolve.chart import AccountKey, AccountRole
from revolve.checks import ref_of
from revolve.closing import ReleaseEvent
from revolve.errors import InvalidAmount, InvalidDate, LoanStateError
from revolve.households import Household
from revolve.journal import PostedEntry
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.operations.closing import release_entries, with_accruals
from revolve.rules import subsidy_entry
from revolve.schedule import LoanTerms, generate_schedule
from revolve.store import accounts as store_accounts
from revolve.store import households as store_households
from revolve.store import rows as store_rows
from revolve.store import subsidies as store_subsidies
from revolve.subsidy import SubsidyCaps, SubsidyLine, bank_loan_subsidy

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
    ) -> int:
        """Record a bank-lent loan for information (not the fund's asset); return its id.

        Raises:
            InvalidTerms, InvalidRate, InvalidAmount: terms the bank's schedule cannot be built from.
            UnknownHousehold: no such household.
            DuplicateCode: the number is in use.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        generate_schedule(terms)  # refuse terms the bank's schedule cannot be built from
        with self._books.locked(fund) as unit:
            hh = store_households.find_household(unit.conn, unit.fund.id, ref_of(household))
            return store_subsidies.insert_bank_loan(
                unit.conn,
                unit.fund.id,
                number=number,
                household_id=hh.id,
                bank=bank,
                terms=store_rows.terms_to_json(terms),
                caps=store_rows.caps_to_json(caps),
            )

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

        Raises:
            UnknownBankLoan: no such bank loan.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            row = store_subsidies.find_bank_loan(unit.conn, unit.fund.id, bank_loan)
            store_subsidies.mark_bank_loan_breach(unit.conn, row.id, on)

    def pay_subsidy(self, fund: FundRef, bank_loan: int | str, *, period: int, on: date) -> PostedEntry:
        """Pay the interest subsidy (贴息) for one period of a bank loan, once, after the period ends.

        Raises:
            UnknownBankLoan: no such bank loan.
            InvalidAmount: no such period, or the period earns no subsidy under the caps.
            LoanStateError: already paid, or the loan was in breach before the period ended.
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
                raise InvalidAmount(period, reason=f"bank loan {row.number} has periods {sorted(lines)}")
            line = lines[period]
            if period in store_subsidies.subsidy_paid(conn, row.id):
                raise LoanStateError(
                    row.number, state=f"subsidised for period {period} already", operation="a second subsidy"
                )
            if row.in_breach_from is not None and row.in_breach_from <= line.end:
                raise LoanStateError(
                    row.number,
                    state=f"in breach since {row.in_breach_from.isoformat()}",
                    operation="a subsidy",
                )
            if on < line.end:
                raise InvalidDate(
                    on, reason=f"period {period} of {row.number} ends on {line.end.isoformat()}"
                )
            if not line.amount.is_positive():
                raise InvalidAmount(
                    line.amount, reason=f"period {period} of {row.number} earns no subsidy under the caps"
                )
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
