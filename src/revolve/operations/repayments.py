"""Repayments: recording what a mother (or her guarantor, or her cash deposit) pays on a loan, one
receipt at a time or a month's receipts at once, and extending a loan (展期).

The shell reads the loan, its instalments and the receipt numbers under the fund's lock; the pure
:func:`revolve.loans.repayment.decide_repayment` decides each payment; the outcomes are written with
their entries, receipts, new schedule versions and the loans' state.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from revolve.chart import AccountKey, AccountRole
from revolve.checks import check_choice, ref_of
from revolve.errors import AlreadyVoided, Hint, InvalidEntry, RevolveError, UnknownLoan
from revolve.guarantees import Guarantor
from revolve.journal import PostedEntry
from revolve.loans import Component, Loan, LoanStatus, Receipt, ScheduleVersion
from revolve.loans.dues import InstalmentRow, instalment_rows
from revolve.loans.extension import decide_extension
from revolve.loans.repayment import OpenLoan, Payment, RepaymentOutcome, decide_repayment
from revolve.loans.retries import receipt_retry
from revolve.money import Money
from revolve.operations import bulk
from revolve.operations.books import Family, FundRef, Unit
from revolve.operations.closing import with_accruals
from revolve.operations.guarantees import paying_guarantor
from revolve.pledges import RELEASED_AT_CLOSE
from revolve.policy import policy_in_force
from revolve.rules import PayerKind
from revolve.schedule import PrepaymentOption
from revolve.store import accruals as store_accruals
from revolve.store import households as store_households
from revolve.store import journal as store_journal
from revolve.store import loans as store_loans
from revolve.store import pledges as store_pledges
from revolve.store import receipts as store_receipts
from revolve.store import rows as store_rows
from revolve.store import voids as store_voids
from revolve.store.transactions import Connection

__all__ = ["Repayments", "accrued_of", "bears_income", "release_passbooks"]

_RECEIVABLE = AccountRole.LOANS_RECEIVABLE


@functools.cache
def _order(text: str) -> tuple[Component, ...]:
    return tuple(Component(part) for part in text.split(","))


def _open_loan(
    paying: store_loans.PayingLoan,
    rows: Sequence[InstalmentRow],
    accrued: Mapping[str, tuple[int, int]] | None = None,
) -> OpenLoan:
    interest, fee = (accrued or {}).get(paying.loan.number, (0, 0))
    return OpenLoan(
        paying.loan, _order(paying.order), paying.schedule_since, rows, None, Money(interest), Money(fee)
    )


def bears_income(rows: Sequence[InstalmentRow]) -> bool:
    """Whether a schedule charges interest or fees (an interest-free loan never has a receivable)."""
    return any(i or fe for _, _, _, i, fe in rows)


def accrued_of(unit: Unit, loans: Mapping[str, Sequence[InstalmentRow]]) -> dict[str, tuple[int, int]]:
    """The accrued receivables (interest, fee) of those ``loans`` (number → instalments) that can hold
    one: nothing is read for a fund never accrued or for interest-free loans, one statement otherwise."""
    if unit.fund.accrued_through is None:
        return {}
    numbers = [number for number, rows in loans.items() if bears_income(rows)]
    return store_accruals.accrued_balances(unit.conn, unit.fund.id, numbers) if numbers else {}


def _payer(payer: PayerKind | str) -> PayerKind:
    """The payer of a repayment recorded with ``repay``: a passbook is applied through its register.

    Raises:
        InvalidEntry: an unknown payer, or ``passbook``.
    """
    kind = check_choice(PayerKind, "payer", payer)
    if kind is PayerKind.PASSBOOK:
        raise InvalidEntry(
            "payer",
            kind.value,
            reason="passbook_payer",
            hint=Hint(call="apply_passbook_pledge"),
        )
    return kind


def _decide(unit: Unit, held: OpenLoan, p: Payment, payer: PayerKind, g_id: int | None) -> RepaymentOutcome:
    """Decide one payment, reading the loan's terms first when a prepayment may rebuild its schedule."""
    if p.prepayment is not None and held.terms is None:
        held = OpenLoan(
            held.loan,
            held.order,
            held.since,
            held.rows,
            store_loans.terms_of_version(
                unit.conn, held.loan.fund_id, held.loan.id, held.loan.schedule_version
            ),
        )
    return decide_repayment(
        held,
        fund=unit.fund,
        amount=p.amount,
        on=p.on,
        receipt=p.receipt,
        payer=payer,
        guarantor_id=g_id,
        prepayment=p.prepayment,
    )


def release_passbooks(conn: Connection, fund_id: int, outcomes: Sequence[RepaymentOutcome]) -> None:
    """Hand back the passbooks (存折质押) still held for the loans these payments closed: nothing is
    posted, the register lines are marked released on the day each loan closed."""
    closed = {
        o.state.id: o.state.closed_on
        for o in outcomes
        if o.state.status is LoanStatus.CLOSED and o.state.closed_on is not None
    }
    if closed:
        store_pledges.release_held(conn, fund_id, closed, note=RELEASED_AT_CLOSE)


def _refuse_voided(unit: Unit, earlier: Receipt) -> None:
    """Refuse a payment under the number of a receipt that was voided (冲正): the right payment takes a new
    number, and a repeat of the voided one must not answer as if it stood.

    Raises:
        AlreadyVoided: the receipt with this number was voided.
    """
    void = store_voids.find_void(unit.conn, unit.fund.id, earlier.entry_seq)
    if void is not None:
        raise AlreadyVoided(f"receipt {earlier.receipt}", reversal_seq=void.reversal_seq)


class Repayments(Family):
    """Recording repayments, and extending loans."""

    def repay(
        self,
        fund: FundRef,
        loan: Loan | int | str,
        *,
        amount: Money,
        on: date,
        receipt: str,
        payer: PayerKind | str = PayerKind.BORROWER,
        guarantor: Guarantor | int | str | None = None,
        prepayment: PrepaymentOption | str | None = None,
    ) -> Receipt:
        """Record a repayment, oldest instalment first; within one: penalty → fee → interest → principal.

        Args:
            fund: the fund.
            loan: the loan.
            amount: what was paid.
            on: the value date.
            receipt: the receipt number (还款凭证号), unique in the fund; recording the same payment
                again under it returns the first record and writes nothing.
            payer: the borrower, a guarantor (代偿; name it in ``guarantor``), or the cash deposit
                (保证金, ``pledge``) the fund holds. A pledged passbook is applied with
                :meth:`apply_passbook_pledge`.
            guarantor: the guarantor paying, when ``payer`` is ``guarantor``.
            prepayment: allow paying more than is due so far: the rest repays principal early and the
                schedule is rebuilt (``fewer_installments`` or ``lower_installments``).

        Raises:
            UnknownLoan: no such loan.
            UnknownGuarantor: the guarantor paying is not named, or does not answer for the loan.
            InvalidAmount: not a positive Money, or more than the pledged deposit held.
            Overpayment: more than the loan owes, without ``prepayment``.
            LoanStateError: the loan is closed or written off.
            InvalidDate: before the loan was paid out (or before its current schedule began).
            DuplicateReceipt: the receipt number was used for another payment.
            AlreadyVoided: the receipt number is that of a voided receipt (冲正): use a new number.
            PeriodClosed: the date is in a closed period.
            InvalidEntry: an unknown payer or prepayment option, or ``passbook`` (use
                :meth:`apply_passbook_pledge`).
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        payment = Payment(loan, amount, on, receipt, payer, guarantor, prepayment)
        kind = _payer(payer)
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, with_accruals(unit)
            key = f"receipt:{receipt}"
            found = store_loans.loan_for_payment(conn, f.id, ref_of(loan), receipt=receipt, key=key)
            paying = found.paying
            ln = paying.loan
            g_id = paying_guarantor(conn, f.id, ln, kind, guarantor)
            if found.receipt_taken:
                earlier = store_receipts.find_receipt(conn, f.id, receipt)
                if earlier is not None:
                    _refuse_voided(unit, earlier)
                    return receipt_retry(
                        earlier,
                        fund_id=f.id,
                        fund_code=f.code,
                        loan_id=ln.id,
                        amount=amount,
                        on=on,
                        kind="repayment",
                        payer=kind,
                        guarantor_id=g_id,
                    )
            its = found.installments
            held = _open_loan(paying, its, accrued_of(unit, {ln.number: its}))
            outcome = _decide(unit, held, payment, kind, g_id)
            if paying.receivable is not None:
                # read with the loan: the write path need not look the receivable up again
                unit.learned[(f.id, AccountKey(_RECEIVABLE, ln.number))] = paying.receivable
            # the idempotency key was looked up with the loan, under this transaction's lock
            unused = frozenset() if found.key_used else frozenset({key})
            return self._record(unit, [outcome], unused)[0]

    def repay_many(self, fund: FundRef, payments: Iterable[Payment]) -> list[Receipt]:
        """Record many repayments in one transaction — a month's receipts at once: all of them, or none.

        Each :class:`Payment` carries the arguments of :meth:`repay` and is checked and allocated exactly
        as :meth:`repay` would, in the order given, so a later payment on a loan sees the earlier ones
        (a payment that closes a loan refuses the next). The fund is locked once, the loans, their
        schedules and the receipt numbers are read in a few statements, and the entries, receipts and
        loans are written in a few more: many times faster than one :meth:`repay` per payment. Python's
        cyclic garbage collector is paused while the call runs, and restored after it.

        A payment recorded before under its receipt number (in an earlier call or earlier in this one)
        with the same loan, amount, date and payer is answered with that receipt and written once.

        Returns:
            one receipt per payment, in the order given.

        Raises:
            The error :meth:`repay` would raise for the first payment refused, with ``item`` set to that
            payment's position (from 0) and a note naming it; nothing is written.
            UnknownFund: no fund has this id or code.
        """
        with bulk.collector_paused():
            return self._repay_many(fund, bulk.items(payments, Payment))

    def _repay_many(self, fund: FundRef, items: list[Payment]) -> list[Receipt]:
        if not items:
            return []
        kinds: list[PayerKind] = []
        try:
            for item in items:
                kinds.append(_payer(item.payer))
        except RevolveError as exc:
            bulk.refused(exc, len(kinds), items[len(kinds)].receipt)
            raise
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, with_accruals(unit)
            refs = [ref_of(p.loan) for p in items]
            found = store_loans.loans_for_payments(conn, f.id, refs)
            earlier = store_receipts.find_receipts(conn, f.id, (p.receipt for p in items))
            used = store_journal.keys_used(conn, f.id, (f"receipt:{p.receipt}" for p in items))
            rows = store_loans.current_installments(conn, f.id, (p.loan.id for p in found.values()))
            accrued = accrued_of(unit, {p.loan.number: rows.get(p.loan.id, []) for p in found.values()})
            held: dict[int, OpenLoan] = {}
            outcomes: list[RepaymentOutcome] = []
            # each payment's answer: a receipt recorded before, or the position of its outcome in ``outcomes``
            answers: list[Receipt | int] = []
            fresh: dict[str, int] = {}  # receipt number → position in ``items`` of its first payment
            learned = unit.learned
            # one handler around the loop marks a refusal with its payment's position (bulk.item per
            # payment costs a context manager's entry and exit each)
            index = 0
            try:
                for index, (item, kind, ref) in enumerate(zip(items, kinds, refs, strict=True)):
                    paying = found.get(ref)
                    if paying is None:
                        raise UnknownLoan(ref)
                    loan_id = paying.loan.id
                    h = held.get(loan_id)
                    if h is None:
                        h = held[loan_id] = _open_loan(paying, rows.get(loan_id, []), accrued)
                        if paying.receivable is not None:
                            learned[(f.id, AccountKey(_RECEIVABLE, paying.loan.number))] = paying.receivable
                    g_id = paying_guarantor(conn, f.id, h.loan, kind, item.guarantor)
                    first = fresh.get(item.receipt)
                    was = None if first is None else answers[first]
                    before = earlier.get(item.receipt) if not isinstance(was, int) else outcomes[was].receipt
                    if before is not None:
                        if not isinstance(was, int):
                            _refuse_voided(unit, before)
                        # recorded before, or earlier in this batch: a faithful repeat answers with the first
                        receipt_retry(
                            before, fund_id=f.id, fund_code=f.code, loan_id=h.loan.id, amount=item.amount,
                            on=item.on, kind="repayment", payer=kind, guarantor_id=g_id,
                        )  # fmt: skip
                        answers.append(was if isinstance(was, int) else before)
                        continue
                    fresh[item.receipt] = index
                    outcome = _decide(unit, h, item, kind, g_id)
                    held[loan_id] = outcome.after
                    outcomes.append(outcome)
                    answers.append(len(outcomes) - 1)
            except RevolveError as exc:
                bulk.refused(exc, index, items[index].receipt)
                raise
            unused = frozenset(k for k in (f"receipt:{o.receipt.receipt}" for o in outcomes) if k not in used)
            recorded = self._record(unit, outcomes, unused) if outcomes else []
            return [a if isinstance(a, Receipt) else recorded[a] for a in answers]

    def _record(
        self, unit: Unit, outcomes: Sequence[RepaymentOutcome], unused: frozenset[str]
    ) -> list[Receipt]:
        """Write decided payments: their entries, receipts, new schedule versions and loans' state."""
        conn, f = unit.conn, unit.fund
        sent: list[Callable[[], list[Receipt]]] = []
        states = {o.state.id: o.state for o in outcomes}.values()  # each loan's after its last payment
        # a new schedule version resets the loan's paid-in figure: its state is written after the version
        versioned = any(o.version is not None for o in outcomes)

        def receipts_and_loans(posted: list[PostedEntry]) -> None:
            # sent with the journal's writes (one round trip on PostgreSQL); the ids are read after
            seqs, at = [], 0
            for o in outcomes:
                seqs.append(posted[at].seq)
                at += len(o.entries)
            sent.append(store_receipts.send_receipts(conn, f.id, [o.receipt for o in outcomes], seqs))
            if not versioned:
                store_loans.update_loan_states(conn, states)

        self._books.write(
            unit, [e for o in outcomes for e in o.entries], unused_keys=unused, along=receipts_and_loans
        )
        recorded = sent[0]()
        for o in outcomes:
            if o.version is not None:
                v = o.version
                store_loans.add_schedule_version(
                    conn,
                    fund_id=f.id,
                    loan_id=o.state.id,
                    version=v.number,
                    on=v.on,
                    reason=v.reason,
                    principal=v.principal,
                    terms=store_rows.terms_to_json(v.schedule.terms),
                    installments=instalment_rows(v.schedule),
                )
        if versioned:
            store_loans.update_loan_states(conn, states)
        release_passbooks(conn, f.id, outcomes)
        return recorded

    def extend(
        self,
        fund: FundRef,
        loan: Loan | int | str,
        *,
        on: date,
        extra_periods: int,
        approval_ref: str,
        approved_by: str,
    ) -> ScheduleVersion:
        """Extend a loan (展期): a new schedule version for the principal outstanding; the old one is kept,
        and the loan is marked restructured for good (:mod:`revolve.loans.extension`).

        Args:
            fund: the fund.
            loan: the loan.
            on: the date the extension takes effect.
            extra_periods: how many periods the maturity moves out (≥ 1).
            approval_ref: the approval reference (批准文号/审批单号).
            approved_by: who approved the extension.

        Returns:
            The new schedule version, with its approval.

        Raises:
            UnknownLoan: no such loan.
            InvalidEntry: no approval reference or approver.
            LoanStateError: the loan is closed or written off, or interest or fees due are unpaid.
            PeriodClosed: ``on`` is in a closed period.
            ExtensionAfterMaturity: ``on`` is after the loan's last due date and the fund's policy in
                force on ``on`` does not allow extending after maturity.
            ExtensionLimitReached: the loan has had as many extensions as that policy allows.
            InvalidTerms: the extension cannot be scheduled.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            ln = store_loans.find_loan(conn, f.id, ref_of(loan))
            outcome = decide_extension(
                ln,
                fund=f,
                dues=store_loans.dues(conn, f.id, ln.id, ln.schedule_version),
                terms=store_loans.terms_of_version(conn, f.id, ln.id, ln.schedule_version),
                policy=policy_in_force(store_households.list_policies(conn, f.id), on),
                on=on,
                extra_periods=extra_periods,
                approval_ref=approval_ref,
                approved_by=approved_by,
            )
            rebuilt = outcome.schedule
            store_loans.add_schedule_version(
                conn,
                fund_id=f.id,
                loan_id=ln.id,
                version=ln.schedule_version + 1,
                on=on,
                reason="extension",
                principal=ln.outstanding,
                terms=store_rows.terms_to_json(rebuilt.terms),
                installments=instalment_rows(rebuilt),
                approval_ref=outcome.approval_ref,
                approved_by=outcome.approved_by,
            )
            store_loans.record_extension(conn, outcome.state)
            return store_loans.schedule_versions(conn, f.id, ln.id)[-1]
