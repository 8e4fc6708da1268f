"""Opening the books (期初建账): a fund that kept its books elsewhere starts them in revolve.

Under the fund's lock the family checks that the fund is empty, reads the households, batches and
guarantors the opening loans name, lets the pure :func:`revolve.opening.decide_opening` reconcile the
opening, and writes it: the one ``opening`` entry, the loans with their remaining schedules (version 1,
in force from the opening day), one receipt per loan standing for what it repaid before the opening,
the guarantees, the opening record (capital before it, principal lent before it), and the fund closed
through the eve of the opening so that nothing can be dated before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from revolve.chart import AccountKey, AccountRole
from revolve.checks import ref_of
from revolve.errors import BooksAlreadyOpen, UnknownHousehold
from revolve.guarantees import Guarantor, GuarantorKind
from revolve.loans import Batch, Receipt
from revolve.loans.dues import instalment_rows
from revolve.money import Money
from revolve.opening import (
    Opening,
    OpeningLoan,
    PlannedOpeningLoan,
    decide_opening,
    eve,
    opening_receipt_number,
)
from revolve.operations.books import Family, FundRef
from revolve.rules import ContributionSource, PayerKind
from revolve.store import funds as store_funds
from revolve.store import guarantors as store_guarantors
from revolve.store import households as store_households
from revolve.store import journal as store_journal
from revolve.store import loans as store_loans
from revolve.store import opening as store_opening
from revolve.store import receipts as store_receipts
from revolve.store import rows as store_rows
from revolve.store.transactions import Connection

__all__ = ["OpeningBooks"]

_ZERO = Money(0)


class OpeningBooks(Family):
    """Opening a fund's books with its balances and loans in progress."""

    def open_books(
        self,
        fund: FundRef,
        *,
        on: date,
        balances: Mapping[AccountRole | str, Money],
        loans: Sequence[OpeningLoan] = (),
        capital: Mapping[ContributionSource | str, Money] | None = None,
        lent_before: Money | None = None,
    ) -> Opening:
        """Open an empty fund's books on ``on`` with its balances and its loans in progress.

        Args:
            fund: the fund (it must have no entries yet).
            on: the opening day (期初日); the opening entry is dated on it and the fund is closed through
                the day before, so nothing can be dated earlier.
            balances: each account's balance by role, positive on its normal side (see
                :mod:`revolve.opening`); 其他应收款 (``loans_receivable``) is the loans' total.
            loans: the loans in progress (:class:`~revolve.opening.OpeningLoan`).
            capital: capital contributed before the opening, by source; it counts in 滚动次数 and the
                rounds of later loans exactly like a contribution. None gives no capital.
            lent_before: principal lent before the opening, every loan since the fund began (累计发放);
                None counts only the loans brought in.

        Returns:
            The opening as recorded.

        Raises:
            BooksAlreadyOpen: the fund has entries already.
            UnknownHousehold, UnknownBatch, UnknownGuarantor: a record a loan names does not exist.
            OpeningMismatch: the opening does not reconcile (where, and by how much).
            InvalidEntry, InvalidAmount, InvalidDate, InvalidTerms: a malformed balance, loan or date (a
                loan number given twice is InvalidEntry).
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        books = self._books
        with books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            if unit.head.count or store_opening.find_opening(conn, f.id) is not None:
                raise BooksAlreadyOpen(f.id, entries=unit.head.count, fund=f.code)
            planned = decide_opening(
                chart=books.chart(f),
                on=on,
                balances=balances,
                loans=loans,
                capital=capital or {},
                lent_before=lent_before,
            )
            households = store_households.find_households(conn, f.id, (ref_of(p.household) for p in loans))
            batches: dict[int | str, Batch] = {}
            guarantors: dict[int | str, Guarantor] = {}
            for ln in loans:
                ref = ref_of(ln.household)
                if ref not in households:
                    raise UnknownHousehold(ref)
                b_ref = ref_of(ln.batch)
                if b_ref not in batches:
                    batches[b_ref] = store_households.find_batch(conn, f.id, b_ref)
                for g in ln.guarantors:
                    g_ref = ref_of(g)
                    if g_ref not in guarantors:
                        guarantors[g_ref] = store_guarantors.find_guarantor(conn, f.id, g_ref)
            seq = books.write(unit, [planned.entry])[0].seq
            ids = (
                store_loans.insert_loans(
                    conn,
                    f.id,
                    [
                        store_loans.NewLoan(
                            number=p.loan.number,
                            household_id=households[ref_of(p.loan.household)].id,
                            batch_id=batches[ref_of(p.loan.batch)].id,
                            principal=p.loan.terms.principal,
                            disbursed_on=p.loan.terms.start,
                            disbursement_seq=seq,
                            round=p.loan.round,
                            order=",".join(c.value for c in p.loan.order),
                            pledge_held=p.loan.pledge or _ZERO,
                        )
                        for p in planned.loans
                    ],
                )
                if planned.loans
                else []
            )
            if ids:
                self._write_loans(
                    conn, fund_id=f.id, planned=planned.loans, ids=ids, seq=seq, on=on, guarantors=guarantors
                )
            store_opening.insert_opening(
                conn, f.id, on=on, entry_seq=seq, capital=planned.capital, lent_before=planned.lent_before
            )
            if f.closed_through is None or f.closed_through < eve(on):
                store_funds.set_closed_through(conn, f.id, eve(on))
            found = store_opening.find_opening(conn, f.id)
            assert found is not None
            return found

    @staticmethod
    def _write_loans(
        conn: Connection,
        *,
        fund_id: int,
        planned: Sequence[PlannedOpeningLoan],
        ids: Sequence[int],
        seq: int,
        on: date,
        guarantors: Mapping[int | str, Guarantor],
    ) -> None:
        """The loans' remaining schedules, the receipts standing for what they repaid before the opening,
        their state, and their guarantees."""
        store_loans.add_schedule_versions(
            conn,
            fund_id,
            [
                store_loans.NewVersion(
                    loan_id,
                    1,
                    on,
                    "opening",
                    p.loan.outstanding,
                    store_rows.terms_to_json(p.loan.terms),
                    instalment_rows(p.schedule),
                )
                for loan_id, p in zip(ids, planned, strict=True)
            ],
        )
        earlier = [
            (loan_id, p.loan)
            for loan_id, p in zip(ids, planned, strict=True)
            if (p.loan.principal_repaid + p.loan.interest_paid + p.loan.fee_paid).fen
        ]
        receipts = [
            Receipt(
                0,
                loan_id,
                opening_receipt_number(ln.number),
                eve(on),
                "repayment",
                PayerKind.BORROWER,
                None,
                ln.principal_repaid + ln.interest_paid + ln.fee_paid,
                ln.principal_repaid,
                ln.interest_paid,
                ln.fee_paid,
                _ZERO,
                0,
                seq,
            )
            for loan_id, ln in earlier
        ]
        if receipts:
            store_receipts.insert_receipts(conn, fund_id, receipts, [seq] * len(receipts))
        loans = store_loans.loans_by_ids(conn, fund_id, list(ids))
        store_loans.update_loan_states(
            conn,
            [
                replace(
                    loan,
                    schedule_version=1,
                    principal_paid=p.loan.principal_repaid,
                    interest_paid=p.loan.interest_paid,
                    fee_paid=p.loan.fee_paid,
                )
                for loan, p in zip(loans, planned, strict=True)
            ],
        )
        store_guarantors.insert_guarantees(
            conn,
            fund_id,
            [
                (
                    loan_id,
                    guarantors[ref_of(g)].id,
                    p.loan.pledge
                    if (guarantors[ref_of(g)].kind is GuarantorKind.DEPOSIT_PLEDGE and p.loan.pledge)
                    else _ZERO,
                )
                for loan_id, p in zip(ids, planned, strict=True)
                for g in p.loan.guarantors
            ],
        )

    def opening_balances(self, fund: FundRef) -> dict[AccountKey, Money]:
        """The balances the fund's books opened with, by account (each loan's receivable by its own
        key), signed as posted (debit positive): the 年初数 of a statement whose year holds the opening.
        Empty when the fund's books began in revolve.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, f):
            found = store_opening.find_opening(conn, f.id)
            if found is None:
                return {}
            entry = store_journal.read_entry(conn, f.id, found.entry_seq)
        out: dict[AccountKey, Money] = {}
        for line in entry.lines:
            out[line.account] = out.get(line.account, _ZERO) + line.amount
        return out

    def opening(self, fund: FundRef) -> Opening | None:
        """The fund's opening (day, entry, capital and principal lent before it), or None if its books
        began in revolve. Statements read 年初数 from the opening entry when the opening is in their year.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, f):
            return store_opening.find_opening(conn, f.id)
