"""Guarantees: guarantors (village committees, joint-liability groups, individuals, deposit pledges),
what they answer for, and calling a guarantee on a loan in arrears (DESIGN §7).

A guarantor's payment (代偿) is a repayment whose payer is the guarantor: see
:mod:`revolve.operations.repayments`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from revolve.checks import check_choice, ref_of
from revolve.errors import InvalidAmount, UnknownGuarantor
from revolve.guarantees import GuaranteeCall, Guarantor, GuarantorKind
from revolve.households import Household
from revolve.loans import Loan, due_by
from revolve.loans.repayment import require_active
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.rules import PayerKind
from revolve.store import guarantors as store_guarantors
from revolve.store import households as store_households
from revolve.store import loans as store_loans
from revolve.store.transactions import Connection

__all__ = ["GuaranteeOperations", "paying_guarantor"]


def paying_guarantor(
    conn: Connection, fund_id: int, loan: Loan, payer: PayerKind, guarantor: Guarantor | int | str | None
) -> int | None:
    """The id of the guarantor paying (代偿) on ``loan``, when ``payer`` is a guarantor.

    Raises:
        UnknownGuarantor: none named, no such guarantor, or it does not guarantee the loan.
    """
    if payer is not PayerKind.GUARANTOR:
        return None
    if guarantor is None:
        raise UnknownGuarantor(None, reason="payer_named")
    g = store_guarantors.find_guarantor(conn, fund_id, ref_of(guarantor))
    if g.id not in {gid for gid, _ in store_guarantors.loan_guarantors(conn, loan.id)}:
        raise UnknownGuarantor(g.code, reason="not_guarantor", loan=loan.number)
    return g.id


class GuaranteeOperations(Family):
    """Guarantors, exposure and guarantee calls."""

    def register_guarantor(
        self,
        fund: FundRef,
        *,
        code: str,
        kind: GuarantorKind | str,
        name: str,
        cap: Money | None = None,
        org: int | None = None,
        members: Sequence[Household | int | str] = (),
        reference: str = "",
    ) -> Guarantor:
        """Register a guarantor: a village committee, a joint-liability group (with its member households),
        an individual, or a deposit pledge. ``cap`` limits the outstanding principal it may guarantee.

        Raises:
            UnknownHousehold: a member is not a household of the fund.
            InvalidAmount: a cap that is not a positive Money.
            InvalidEntry: an unknown kind.
            DuplicateCode: the code is in use.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            member_ids = tuple(
                store_households.find_household(unit.conn, unit.fund.id, ref_of(m)).id for m in members
            )
            if cap is not None and (not isinstance(cap, Money) or cap.fen <= 0):
                raise InvalidAmount(cap, reason="cap_not_positive")
            guarantor = Guarantor(
                id=0,
                fund_id=unit.fund.id,
                code=code,
                kind=check_choice(GuarantorKind, "kind", kind),
                name=name,
                org_id=org,
                cap=cap,
                reference=reference,
                members=member_ids,
            )
            return store_guarantors.insert_guarantor(unit.conn, guarantor)

    def guarantor(self, fund: FundRef, ref: int | str) -> Guarantor:
        """The guarantor with this id or code.

        Raises:
            UnknownGuarantor: no such guarantor.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_guarantors.find_guarantor(conn, found.id, ref)

    def exposure(self, fund: FundRef, guarantor: Guarantor | int | str) -> Money:
        """The outstanding principal of the loans a guarantor answers for.

        Raises:
            UnknownGuarantor: no such guarantor.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            g = store_guarantors.find_guarantor(conn, found.id, ref_of(guarantor))
            return store_guarantors.guarantor_exposure(conn, g.id)

    def guarantor_paid(self, fund: FundRef, guarantor: Guarantor | int | str) -> Money:
        """What a guarantor has paid (代偿) for the loans it answers for: its receipts, voided ones left out.

        Raises:
            UnknownGuarantor: no such guarantor.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            g = store_guarantors.find_guarantor(conn, found.id, ref_of(guarantor))
            return store_guarantors.guarantor_paid(conn, g.id)

    def loan_guarantors(self, fund: FundRef, loan: Loan | int | str) -> list[tuple[Guarantor, Money]]:
        """The guarantors answering for a loan, each with the deposit it pledged (zero but for a pledge).

        Raises:
            UnknownLoan: no such loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            ln = store_loans.find_loan(conn, found.id, ref_of(loan))
            return [
                (store_guarantors.find_guarantor(conn, found.id, g), pledged)
                for g, pledged in store_guarantors.loan_guarantors(conn, ln.id)
            ]

    def call_guarantee(
        self,
        fund: FundRef,
        loan: Loan | int | str,
        guarantor: Guarantor | int | str,
        *,
        on: date,
        amount: Money | None = None,
        note: str = "",
    ) -> GuaranteeCall:
        """Call a guarantee on a loan in arrears: a recorded event; the guarantor then pays with ``repay``.

        Without ``amount``, the call is for everything due on the loan by ``on``.

        Raises:
            UnknownLoan, UnknownGuarantor: no such loan, or the guarantor does not answer for it.
            LoanStateError: the loan is closed or written off.
            InvalidAmount: nothing is due to call for.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            ln = store_loans.find_loan(conn, f.id, ref_of(loan))
            require_active(ln, "guarantee_call")
            g_id = paying_guarantor(conn, f.id, ln, PayerKind.GUARANTOR, guarantor)
            assert g_id is not None
            dues = store_loans.dues(conn, f.id, ln.id, ln.schedule_version)
            asked = amount if amount is not None else due_by(dues, paid=ln.paid_in_version, on=on)
            if not asked.is_positive():
                raise InvalidAmount(asked, reason="nothing_due", loan=ln.number, on=on.isoformat())
            return store_guarantors.insert_guarantee_call(
                conn, f.id, loan_id=ln.id, guarantor_id=g_id, on=on, amount=asked, note=note
            )

    def guarantee_calls(self, fund: FundRef, loan: Loan | int | str) -> list[GuaranteeCall]:
        """The calls made on a loan's guarantees.

        Raises:
            UnknownLoan: no such loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            ln = store_loans.find_loan(conn, found.id, ref_of(loan))
            return store_guarantors.guarantee_calls(conn, ln.id)
