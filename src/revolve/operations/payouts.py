"""Payouts: paying loans out to households, one at a time or a whole batch (批次) at once.

The shell reads, under the fund's lock, everything the payouts name and the figures they are checked
against (:class:`revolve.loans.payout.PayoutBooks`); the pure :func:`revolve.loans.payout.decide_payout`
checks each in order; the checked payouts are written with their entries (the disbursement, and the
cash deposit 保证金 when one is paid in), loans, schedules and guarantees, and a passbook pledged
(存折质押) goes into the pledge register with no entry (:mod:`revolve.pledges`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from revolve.applications import Application
from revolve.checks import ref_of
from revolve.errors import NotFound
from revolve.guarantees import Guarantor, GuarantorKind
from revolve.households import Household
from revolve.journal import Entry
from revolve.loans import DEFAULT_ORDER, Batch, Component, Loan, LoanStatus
from revolve.loans.dues import instalment_rows
from revolve.loans.file import LoanFile
from revolve.loans.payout import Disbursement, PayoutBooks, PlannedPayout, decide_payout
from revolve.money import Money
from revolve.mothers import county_of, within
from revolve.operations import bulk
from revolve.operations.books import Family, FundRef, Unit
from revolve.pledges import Passbook, check_passbook
from revolve.policy import HouseholdScope, LoanElsewhere, Policy
from revolve.rules import disbursement_entry, pledge_entry
from revolve.schedule import LoanTerms, generate_schedule
from revolve.store import applications as store_applications
from revolve.store import figures as store_figures
from revolve.store import funds as store_funds
from revolve.store import guarantors as store_guarantors
from revolve.store import households as store_households
from revolve.store import journal as store_journal
from revolve.store import loans as store_loans
from revolve.store import pledges as store_pledges
from revolve.store import rows as store_rows

__all__ = ["Payouts"]

_Found = TypeVar("_Found")


def _found(refs: Iterable[int | str], find: Callable[[int | str], _Found]) -> dict[int | str, _Found]:
    """Each reference that names a record, with it; one that names nothing is left out (the decision then
    refuses it at the payout that gave it)."""
    out: dict[int | str, _Found] = {}
    for ref in dict.fromkeys(refs):
        try:
            out[ref] = find(ref)
        except NotFound:
            continue
    return out


def _pledged(d: Disbursement) -> Money:
    """What a deposit-pledge guarantee (存折质押) on a payout records as pledged: the cash deposit paid
    in and the passbook registered, if any."""
    return (d.pledge or Money(0)) + (d.passbook.amount if d.passbook is not None else Money(0))


class Payouts(Family):
    """Disbursing loans."""

    def disburse(
        self,
        fund: FundRef,
        *,
        number: str,
        household: Household | int | str,
        batch: Batch | int | str,
        terms: LoanTerms,
        guarantors: Sequence[Guarantor | int | str] = (),
        pledge: Money | None = None,
        order: Sequence[Component] = DEFAULT_ORDER,
        idempotency_key: str | None = None,
        passbook: Passbook | None = None,
        application: Application | int | None = None,
        signed_by: str | None = None,
        file: LoanFile | None = None,
    ) -> Loan:
        """Pay a loan out to a household on ``terms.start``, with its schedule and guarantees.

        Args:
            fund: the fund lending.
            number: the loan's number, unique in the fund (e.g. 'FN-2016-001').
            household: the borrower's household.
            batch: the disbursement batch.
            terms: the loan terms (principal, start, term, method, rates); the schedule comes from them.
            guarantors: the guarantors answering for the loan.
            pledge: a **cash deposit** (保证金) the borrower pays into the fund's account: the fund's cash
                and a liability to her (Dr 银行存款 / Cr 其他应付款), applied with ``repay(payer='pledge')``
                and handed back when the loan closes.
            passbook: a **passbook** she pledges (存折质押): her own money, held in the pledge register
                off the books (nothing is posted); applied with :meth:`apply_passbook_pledge` on default,
                released when the loan closes. A deposit-pledge guarantor records its amount as pledged.
            order: how a payment is allocated within an instalment (default penalty → fee → interest →
                principal).
            idempotency_key: a retry with the same key and the same loan returns the loan.
            application: the loan application (申请) the loan is paid out from; it must stand at a signed
                协议 for this household, and the payout records its 放款 step and links it to the loan.
            signed_by: who signs the application's 放款 step (required with ``application``).
            file: the loan file — purpose (用途), the 三方协议's number and date, the 帮扶责任人
                (:class:`~revolve.loans.file.LoanFile`); stored with the loan, shown on the 台账 and the
                statement.

        Raises:
            InvalidTerms, InvalidRate, InvalidAmount: terms a schedule cannot be built from.
            UnknownHousehold, UnknownBatch, UnknownGuarantor: a record the payout names does not exist.
            BatchClosed: the batch has been closed (:meth:`close_batch`): pay the loan out in an open one.
            IdempotencyConflict: the key was used for another payout.
            PolicyViolation: the loan breaks the fund's policy in force on the start date.
            InsufficientFunds: the fund has less cash available than the principal.
            GuarantorCapExceeded: a guarantor's exposure would pass its cap.
            DuplicateCode: the loan number is in use.
            PeriodClosed: the start date is in a closed period.
            InvalidEntry: a passbook without a bank or with a malformed account number, or an
                application without ``signed_by``.
            UnknownApplication: no such application in the fund.
            ApplicationStepRefused: the application is not at a signed 协议, is another household's,
                asked for less than the principal, or is rejected or paid out already.
            UnknownFund: no fund has this id or code.
        """
        one = Disbursement(
            number,
            household,
            batch,
            terms,
            guarantors,
            pledge,
            order,
            idempotency_key,
            passbook,
            application,
            signed_by,
            file,
        )
        return self._disburse(fund, [one], mark=bulk.unmarked)[0]

    def disburse_many(self, fund: FundRef, loans: Iterable[Disbursement]) -> list[Loan]:
        """Pay many loans out in one transaction — a whole batch 批次 at once: all of them, or none.

        Each :class:`Disbursement` carries the arguments of :meth:`disburse` and is checked exactly as
        :meth:`disburse` would check it, in the order given: an earlier payout in the call counts against
        the fund's cash, the household's loan limits and the guarantors' caps, and towards the rounds of
        the loans after it. The fund is locked once and the households, loan numbers and counts are read
        in a few statements: many times faster than one :meth:`disburse` per loan. Python's cyclic
        garbage collector is paused while the call runs, and restored after it.

        Returns:
            the loans, in the order given (a faithful retry of an earlier payout answers with that loan).

        Raises:
            The error :meth:`disburse` would raise for the first payout refused, with ``item`` set to its
            position (from 0) and a note naming it; nothing is written. An idempotency key used twice in
            one call is refused with ``InvalidEntry``.
            UnknownFund: no fund has this id or code.
        """
        with bulk.collector_paused():
            return self._disburse(fund, bulk.items(loans, Disbursement), mark=bulk.item)

    def _disburse(self, fund: FundRef, items: list[Disbursement], *, mark: bulk.Mark) -> list[Loan]:
        if not items:
            return []
        schedules = []
        for index, item in enumerate(items):
            with mark(index, item.number):
                schedules.append(generate_schedule(item.terms))
                if item.passbook is not None:
                    items[index] = replace(item, passbook=check_passbook(item.passbook))
        books = self._books
        with books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            basis = books.round_bases[f.id] = store_figures.round_basis(
                conn, unit.head, books.round_bases.get(f.id)
            )
            households = store_households.find_households(conn, f.id, (ref_of(d.household) for d in items))
            policies = store_households.list_policies(conn, f.id)
            keys = store_journal.keys_used(
                conn, f.id, (d.idempotency_key for d in items if d.idempotency_key)
            )
            guarantors = _found(
                (ref_of(g) for d in items for g in d.guarantors),
                lambda ref: store_guarantors.find_guarantor(conn, f.id, ref),
            )
            decided_on = PayoutBooks(
                fund=f,
                households=households,
                batches=_found(
                    (ref_of(d.batch) for d in items),
                    lambda ref: store_households.find_batch(conn, f.id, ref),
                ),
                guarantors=guarantors,
                exposure={g.id: store_guarantors.guarantor_exposure(conn, g.id) for g in guarantors.values()},
                counts=store_households.households_loan_counts(
                    conn, f.id, (h.id for h in households.values())
                ),
                policies=policies,
                cash=books.cash_line(conn, f, min(d.terms.start for d in items)),
                numbers_taken=store_loans.loan_numbers_used(conn, f.id, (d.number for d in items)),
                keys_used={
                    k: (seq, store_loans.find_loan_by_disbursement(conn, f.id, seq))
                    for k, seq in keys.items()
                },
                basis=basis,
                applications=_found(
                    (ref_of(d.application) for d in items if d.application is not None),
                    lambda ref: store_applications.find_application(conn, f.id, ref),
                ),
                elsewhere=self._elsewhere(unit, households.values(), policies),
            )
            keys_here: set[str] = set()
            numbers_here: set[str] = set()
            answers: list[Loan | PlannedPayout] = []
            for index, (d, schedule) in enumerate(zip(items, schedules, strict=True)):
                with mark(index, d.number):
                    answers.append(
                        decide_payout(d, schedule, decided_on, keys_here=keys_here, numbers_here=numbers_here)
                    )
            planned = [a for a in answers if isinstance(a, PlannedPayout)]
            paid = iter(self._write_payouts(unit, planned, unused=frozenset(keys_here - keys.keys())))
            return [a if isinstance(a, Loan) else next(paid) for a in answers]

    def _elsewhere(
        self, unit: Unit, households: Iterable[Household], policies: Sequence[Policy]
    ) -> dict[str, tuple[LoanElsewhere, ...]]:
        """The mothers' loans in other funds, by national ID, when a policy of the fund counts them: one
        indexed read that also locks their household files in every fund (none for a fund-scoped policy;
        the organisation tree is read only when she has a loan elsewhere and a policy counts the county).
        """
        scopes = {p.household_scope for p in policies}
        if scopes <= {HouseholdScope.FUND}:
            return {}
        f = unit.fund
        rows = [
            r
            for r in store_households.loans_across_funds(unit.conn, (h.national_id for h in households))
            if r.fund_id != f.id and r.number is not None and r.status != LoanStatus.VOIDED.value
        ]
        if not rows:
            return {}
        # a loan is in the fund's county when its fund's organisation lies in the county's subtree (a
        # city fund's "county" is the city: the counties below it are in it)
        near: set[int] = set()
        if HouseholdScope.COUNTY in scopes:
            orgs = {o.id: o for o in store_funds.list_orgs(unit.conn)}
            county = county_of(f.org_id, orgs)
            near = {org_id for org_id in {r.org_id for r in rows} if within(org_id, county, orgs)}
        out: dict[str, list[LoanElsewhere]] = {}
        for r in rows:
            out.setdefault(r.national_id, []).append(
                LoanElsewhere(
                    fund_code=r.fund_code,
                    number=r.number,
                    disbursed_on=r.disbursed_on,
                    active=r.status == LoanStatus.ACTIVE.value,
                    same_county=r.org_id in near,
                )
            )
        return {national_id: tuple(loans) for national_id, loans in out.items()}

    def _write_payouts(
        self, unit: Unit, out: Sequence[PlannedPayout], *, unused: frozenset[str]
    ) -> list[Loan]:
        """Write checked payouts: their entries, loans, schedules and guarantees; return the loans."""
        if not out:
            return []
        conn, f = unit.conn, unit.fund
        entries: list[Entry] = []
        for p in out:
            d = p.disbursement
            entries.append(
                disbursement_entry(
                    loan=d.number,
                    amount=d.terms.principal,
                    on=d.terms.start,
                    memo=f"向{p.household.code}发放借款{d.number}",
                    key=d.idempotency_key,
                )
            )
            if d.pledge is not None:
                entries.append(pledge_entry(loan=d.number, amount=d.pledge, on=d.terms.start))
        posted = self._books.write(unit, entries, unused_keys=unused)
        rows, at = [], 0
        for p in out:
            d = p.disbursement
            rows.append(
                store_loans.NewLoan(
                    number=d.number,
                    household_id=p.household.id,
                    batch_id=p.batch.id,
                    principal=d.terms.principal,
                    disbursed_on=d.terms.start,
                    disbursement_seq=posted[at].seq,
                    round=p.round,
                    order=",".join(c.value for c in d.order),
                    pledge_held=d.pledge or Money(0),
                    file=d.file,
                )
            )
            at += 2 if d.pledge is not None else 1
        ids = store_loans.insert_loans(conn, f.id, rows)
        # a passbook is the mother's money: a register line, no entry
        store_pledges.insert_passbook_pledges(
            conn,
            f.id,
            [
                (loan_id, p.disbursement.passbook, p.disbursement.terms.start)
                for loan_id, p in zip(ids, out, strict=True)
                if p.disbursement.passbook is not None
            ],
        )
        store_loans.add_schedule_versions(
            conn,
            f.id,
            [
                store_loans.NewVersion(
                    loan_id,
                    1,
                    p.disbursement.terms.start,
                    "original",
                    p.disbursement.terms.principal,
                    store_rows.terms_to_json(p.disbursement.terms),
                    instalment_rows(p.schedule),
                )
                for loan_id, p in zip(ids, out, strict=True)
            ],
        )
        store_guarantors.insert_guarantees(
            conn,
            f.id,
            [
                (
                    loan_id,
                    g.id,
                    _pledged(p.disbursement) if g.kind is GuarantorKind.DEPOSIT_PLEDGE else Money(0),
                )
                for loan_id, p in zip(ids, out, strict=True)
                for g in p.guarantors
            ],
        )
        store_applications.link_loans(
            conn,
            f.id,
            [
                (p.application.id, loan_id, p.application_step)
                for loan_id, p in zip(ids, out, strict=True)
                if p.application is not None and p.application_step is not None
            ],
        )
        return store_loans.loans_by_ids(conn, f.id, ids)
