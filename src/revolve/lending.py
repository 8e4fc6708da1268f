"""The fund's life as ledger operations: households, money in and between funds, loans, repayments,
guarantees, losses, grants and subsidies.

Each operation validates its input, reads what it needs under the fund's lock, lets the pure core decide
(the schedule, the allocation, the posting rule), and writes the entries and records in one transaction;
a refusal writes nothing. The entries each operation posts are listed in :mod:`revolve.rules` and in
docs/operations.md.

:class:`LendingOperations` is mixed into :class:`revolve.Ledger`; it is not used on its own.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from dateutil.relativedelta import relativedelta

from revolve.chart import AccountKey, AccountRole
from revolve.errors import (
    DuplicateCode,
    DuplicateReceipt,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    InvalidDate,
    InvalidEntry,
    LoanStateError,
    Overpayment,
    PeriodClosed,
    RecoveryExceedsWriteOff,
    RevolveError,
    UnknownGuarantor,
)
from revolve.funds import Fund, loan_round
from revolve.guarantees import GuaranteeCall, Guarantor, GuarantorKind, check_exposure
from revolve.households import (
    FamilyPlanningStatus,
    Household,
    HouseholdRecord,
    RecordKind,
    validate_national_id,
    validate_record,
)
from revolve.journal import Entry, PostedEntry
from revolve.loans import (
    DEFAULT_ORDER,
    Ageing,
    Allocation,
    Batch,
    Component,
    Due,
    Loan,
    LoanStatus,
    Receipt,
    ScheduleVersion,
    WriteOff,
    ageing,
    allocate,
    days_past_due,
    due_by,
    owed,
    states,
)
from revolve.money import Money
from revolve.policy import Policy, check_loan, policy_in_force
from revolve.ratios import Ratio
from revolve.rules import (
    ContributionSource,
    PayerKind,
    RepaymentSplit,
    contribution_entry,
    disbursement_entry,
    grant_entry,
    pledge_entry,
    pledge_release_entry,
    provision_entry,
    recovery_entry,
    repayment_entry,
    return_to_finance_entry,
    subsidy_entry,
    transfer_entries,
    write_off_entry,
)
from revolve.schedule import (
    LoanTerms,
    PrepaymentOption,
    Schedule,
    generate_schedule,
    reschedule_after_prepayment,
    reschedule_extension,
)
from revolve.store import lending as lend
from revolve.store import repository as repo
from revolve.store.transactions import Connection, Transactions
from revolve.subsidy import InterestPeriod, SubsidyCaps, SubsidyLine, subsidy_lines

__all__ = ["Disbursement", "FundFigures", "LendingOperations", "Payment", "Registration"]

R = AccountRole
FundRef = Fund | int | str
Learned = dict[tuple[int, AccountKey], repo.ResolvedAccount]


@dataclass(frozen=True, slots=True)
class FundFigures:
    """A fund's headline figures, computed from its books as of a date.

    Every rate carries its numerator and denominator (domain.md §11).
    """

    fund: Fund
    as_of: date | None
    capital_by_source: dict[str, Money]
    capital: Money
    disbursed: Money
    households_served: int
    loans: int
    outstanding: Money
    cash: Money
    available: Money
    turnover: Ratio
    """滚动次数: cumulative principal disbursed ÷ capital contributed."""
    max_round: int
    written_off: Money
    recovered_after_write_off: Money


def _installments(schedule: Schedule) -> list[lend.Installment]:
    """A schedule's instalments as they are stored and read, oldest first (by due date, then number)."""
    rows = [(i.number, i.due_date, i.principal.fen, i.interest.fen, i.fee.fen) for i in schedule.installments]
    if schedule.upfront_fee.fen:
        # an up-front management fee falls due on the day the loan is paid out
        rows.append((0, schedule.terms.start, 0, 0, schedule.upfront_fee.fen))
    rows.sort(key=lambda row: (row[1], row[0]))
    return rows


_Choice = TypeVar("_Choice", bound=StrEnum)


def _choice(kind: type[_Choice], field: str, value: object) -> _Choice:
    """``kind(value)``, refusing a value outside the choices with a typed error that lists them."""
    if isinstance(value, str):  # a member of the enum is a str too
        try:
            return kind(value)
        except ValueError:
            pass
    choices = ", ".join(repr(m.value) for m in kind)
    raise InvalidEntry(field, value, reason=f"choose one of {choices}")


def _term_months(start: date, maturity: date) -> int:
    span = relativedelta(maturity, start)
    months = span.years * 12 + span.months
    return months + (1 if span.days > 0 else 0)


def _split(allocation: Allocation) -> RepaymentSplit:
    """An allocation's totals by component, as a repayment entry takes them."""
    return RepaymentSplit(allocation.principal, allocation.interest, allocation.fee, allocation.penalty)


class _Record(Protocol):
    @property
    def id(self) -> int: ...


def _id_or(ref: _Record | int | str) -> int | str:
    """The id of a record given as itself, or the id or code it was given as."""
    return ref if isinstance(ref, int | str) else ref.id


@functools.cache
def _order(text: str) -> tuple[Component, ...]:
    return tuple(Component(part) for part in text.split(","))


@dataclass(frozen=True, slots=True)
class Payment:
    """One repayment for :meth:`LendingOperations.repay_many`, with the arguments of
    :meth:`LendingOperations.repay` (see there)."""

    loan: Loan | int | str
    amount: Money
    on: date
    receipt: str
    payer: PayerKind | str = PayerKind.BORROWER
    guarantor: Guarantor | int | str | None = None
    prepayment: PrepaymentOption | str | None = None


@dataclass(slots=True)
class _Paying:
    """A loan as payments are recorded on it: its state so far and its current schedule."""

    loan: Loan
    order: tuple[Component, ...]
    since: date  # the day the current schedule version took effect
    rows: Sequence[lend.Installment]  # its instalments, oldest first
    terms: LoanTerms | None = None  # its terms, once a prepayment in the same batch rebuilt it


@dataclass(frozen=True, slots=True)
class _NewVersion:
    number: int
    on: date
    reason: str
    principal: Money
    schedule: Schedule


@dataclass(frozen=True, slots=True)
class _Paid:
    """A checked payment, ready to write: its entries, its receipt (without id or entry), the loan after it."""

    entries: tuple[Entry, ...]
    receipt: Receipt
    state: Loan
    version: _NewVersion | None


class _CashLine:
    """A fund's cash available to lend by value date, from a first day on, as payouts are taken from it.

    ``now`` is what is available with every entry counted; ``moves`` is the net movement on each day
    after the first, so what was available at the end of a day ``d`` is ``now`` less the moves after ``d``.
    """

    def __init__(self, fund_id: int, first: date, now: int, later: Sequence[tuple[date, int]]) -> None:
        self.fund_id = fund_id
        self.first = first
        self.now = now
        self.moves: dict[date, int] = {}
        for day, delta in later:
            self.moves[day] = self.moves.get(day, 0) + delta

    def lowest_from(self, on: date) -> int:
        """The least available at the end of ``on`` or of any later day."""
        after = sorted(day for day in self.moves if day > on)
        running = self.now - sum(self.moves[day] for day in after)
        lowest = running
        for day in after:
            running += self.moves[day]
            lowest = min(lowest, running)
        return lowest

    def spend(self, amount: Money, on: date) -> None:
        """Take a payout dated ``on`` (not before the first day), refusing it if any day from ``on`` on
        would fall short."""
        lowest = self.lowest_from(on)
        if amount.fen > lowest:
            raise InsufficientFunds(amount, available=Money(lowest), fund_id=self.fund_id)
        self.now -= amount.fen
        if on > self.first:
            self.moves[on] = self.moves.get(on, 0) - amount.fen


@dataclass(frozen=True, slots=True)
class Registration:
    """One household for :meth:`LendingOperations.register_households`, with the arguments of
    :meth:`LendingOperations.register_household` (see there)."""

    code: str
    mother_name: str
    national_id: str
    registered_on: date
    fp_status: FamilyPlanningStatus | str = FamilyPlanningStatus.COMPLIANT
    org: int | None = None
    phone: str | None = None
    income_before: Money | None = None


@dataclass(frozen=True, slots=True)
class Disbursement:
    """One payout for :meth:`LendingOperations.disburse_many`, with the arguments of
    :meth:`LendingOperations.disburse` (see there)."""

    number: str
    household: Household | int | str
    batch: Batch | int | str
    terms: LoanTerms
    guarantors: Sequence[Guarantor | int | str] = ()
    pledge: Money | None = None
    order: Sequence[Component] = DEFAULT_ORDER
    idempotency_key: str | None = None


@contextmanager
def _unmarked(index: int, label: str) -> Iterator[None]:
    yield


_Item = TypeVar("_Item")


def _items(given: Iterable[_Item], kind: type[_Item]) -> list[_Item]:
    """The items of a bulk call, refusing (with its position) one that is not of ``kind``."""
    items = list(given)
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            error = InvalidEntry("items", item, reason=f"each item of this call is a revolve.{kind.__name__}")
            error.item = index
            raise error
    return items


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the length of a bulk operation, then restore it.

    A bulk operation makes several short-lived objects per item, none of them in reference cycles, so
    reference counting frees them all; but so many allocations set off collection passes, and each full
    pass walks every object the process holds. On a county's month of receipts those passes were a fifth
    of the call's time. Collection is process-wide, so other threads' cycles wait for the call to end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _item(index: int, label: str) -> Iterator[None]:
    """Mark a refusal raised inside as that of item ``index`` of a bulk operation."""
    try:
        yield
    except RevolveError as exc:
        exc.item = index
        exc.add_note(f"item {index} ({label}) of the batch was refused; nothing was written")
        raise


# how a shared path marks a refusal: with the item's position in a bulk call, or not at all in a single one
_Mark = Callable[[int, str], AbstractContextManager[None]]


class LendingOperations:
    """Operations on a fund's lending, mixed into :class:`revolve.Ledger`."""

    _tx: Transactions
    # each fund's round basis as last read, by fund id: the chain hash in it says whether it still holds
    _round_bases: dict[int, lend.RoundBasis]

    # provided by Ledger
    def _write(
        self,
        conn: Connection,
        head: repo.FundHead,
        batch: Sequence[Entry],
        *,
        learned: Learned,
        replay_all: bool = False,
        unused_keys: frozenset[str] = frozenset(),
    ) -> tuple[list[PostedEntry], repo.FundHead]:
        raise NotImplementedError  # pragma: no cover

    def _remember(self, learned: Learned) -> None:
        raise NotImplementedError  # pragma: no cover

    def post_entries(self, fund: FundRef, entries: Sequence[Entry]) -> list[PostedEntry]:
        raise NotImplementedError  # pragma: no cover

    @contextmanager
    def _locked(self, fund: FundRef) -> Iterator[tuple[Connection, repo.FundHead, Learned]]:
        learned: Learned = {}
        with self._tx() as conn:
            yield conn, repo.lock_fund_head(conn, fund.id if isinstance(fund, Fund) else fund), learned
        self._remember(learned)

    @staticmethod
    def _available(conn: Connection, fund_id: int) -> Money:
        cash = repo.role_balance(conn, fund_id, R.FUND_CASH)
        held = -repo.role_balance(conn, fund_id, R.PLEDGE_DEPOSITS)
        return Money(cash - held)

    def _cash_line(self, conn: Connection, fund: Fund, first: date) -> _CashLine:
        """The fund's cash available to lend from ``first`` on, as the books stand."""
        later = repo.movements_after(conn, fund.id, (R.FUND_CASH, R.PLEDGE_DEPOSITS), first)
        return _CashLine(fund.id, first, self._available(conn, fund.id).fen, later)

    def _require_cash(self, conn: Connection, fund: Fund, amount: Money, on: date) -> None:
        """Refuse paying out ``amount`` on ``on`` unless it is available then and on every later date.

        Cash moved by entries dated after ``on`` (a later contribution, a later payout) counts: the
        payout must fit the lowest available balance from ``on`` on, so cash never goes negative at any
        date (DESIGN §10 item 3), whatever order operations are recorded in.
        """
        self._cash_line(conn, fund, on).spend(amount, on)

    @staticmethod
    def _require_open(fund: Fund, on: date) -> None:
        if fund.closed_through is not None and on <= fund.closed_through:
            raise PeriodClosed(on, closed_through=fund.closed_through, fund_id=fund.id)

    # ---- money in, between funds, and out for good ----------------------------------------------
    def contribute(
        self,
        fund: FundRef,
        *,
        amount: Money,
        on: date,
        source: ContributionSource | str = ContributionSource.DONATION,
        restricted: bool = True,
        donor: str = "",
        receipt: str | None = None,
    ) -> PostedEntry:
        """Record money given to the fund (restricted by default).

        Args:
            fund: the fund.
            amount: what was received.
            on: the value date.
            source: donation, fiscal, upper_level (上级拨付) or matching (配套).
            restricted: donor-restricted (限定性), the default for 幸福工程 money.
            donor: who gave it, for the memo.
            receipt: the receipt number; a retry with the same one changes nothing.
        """
        entry = contribution_entry(
            amount=amount,
            on=on,
            source=_choice(ContributionSource, "source", source),
            restricted=restricted,
            memo=donor,
            key=None if receipt is None else f"contribution:{receipt}",
        )
        return self.post_entries(fund, [entry])[0]

    def available(self, fund: FundRef) -> Money:
        """Cash the fund can lend or pay out: bank deposits less the pledged deposits it holds."""
        with self._tx(write=False) as conn:
            return self._available(conn, repo.find_fund(conn, fund.id if isinstance(fund, Fund) else fund).id)

    def transfer(
        self, sender: FundRef, receiver: FundRef, *, amount: Money, on: date, memo: str = ""
    ) -> tuple[PostedEntry, PostedEntry]:
        """Move cash from one fund to another (county ↔ town), one entry in each book, netting to zero.

        Raises:
            InsufficientFunds: the sender has less available.
            InvalidEntry: sender and receiver are the same fund.
        """
        learned: Learned = {}
        with self._tx() as conn:
            a = repo.find_fund(conn, sender.id if isinstance(sender, Fund) else sender)
            b = repo.find_fund(conn, receiver.id if isinstance(receiver, Fund) else receiver)
            if a.id == b.id:
                raise InvalidEntry(
                    "receiver", b.code, reason="a transfer moves money between two different funds"
                )
            # lock both heads in id order, so two opposite transfers cannot deadlock
            heads = {f.id: repo.lock_fund_head(conn, f.id) for f in sorted((a, b), key=lambda f: f.id)}
            self._require_open(a, on)
            self._require_open(b, on)
            self._require_cash(conn, a, amount, on)
            owes = -repo.account_balance_by_key(conn, a.id, AccountKey(R.DUE_TO_FUND, b.code))
            out_entry, in_entry = transfer_entries(
                sender=a.code,
                receiver=b.code,
                amount=amount,
                sender_owes_receiver=Money(owes),
                on=on,
                memo=memo or f"{a.name} → {b.name}",
            )
            (posted_out,), _ = self._write(conn, heads[a.id], [out_entry], learned=learned)
            (posted_in,), _ = self._write(conn, heads[b.id], [in_entry], learned=learned)
        self._remember(learned)
        return posted_out, posted_in

    def return_to_finance(
        self, fund: FundRef, *, amount: Money, on: date, reference: str, receipt: str | None = None
    ) -> PostedEntry:
        """Return leftover money to government finance (上缴财政 — Xiamen's 财政存量资金).

        Raises:
            InsufficientFunds: the fund has less available.
        """
        with self._locked(fund) as (conn, head, learned):
            self._require_cash(conn, head.fund, amount, on)
            key = None if receipt is None else f"finance:{receipt}"
            entry = return_to_finance_entry(amount=amount, on=on, reference=reference, key=key)
            (posted,), _ = self._write(conn, head, [entry], learned=learned)
            return posted

    def grant(
        self, fund: FundRef, household: Household | int | str, *, amount: Money, on: date, memo: str = ""
    ) -> PostedEntry:
        """Pay a one-off grant (一次性帮扶) to a household: money that leaves the fund for good.

        Raises:
            UnknownHousehold: no such household.
            InsufficientFunds: the fund has less available.
        """
        with self._locked(fund) as (conn, head, learned):
            hh = lend.find_household(
                conn, head.fund.id, household.id if isinstance(household, Household) else household
            )
            self._require_cash(conn, head.fund, amount, on)
            entry = grant_entry(amount=amount, on=on, memo=memo or f"一次性帮扶 {hh.code}", key=None)
            (posted,), _ = self._write(conn, head, [entry], learned=learned)
            lend.insert_grant(conn, head.fund.id, seq=posted.seq, household_id=hh.id, amount=amount, on=on)
            return posted

    # ---- households, policy, batches, guarantors ------------------------------------------------
    def register_household(
        self,
        fund: FundRef,
        *,
        code: str,
        mother_name: str,
        national_id: str,
        registered_on: date,
        fp_status: FamilyPlanningStatus | str = FamilyPlanningStatus.COMPLIANT,
        org: int | None = None,
        phone: str | None = None,
        income_before: Money | None = None,
    ) -> Household:
        """Open a household's file (一户一档).

        Raises:
            InvalidNationalId: the ID number is malformed or its check digit is wrong.
            DuplicateCode: the code or the ID number is already registered in the fund.
        """
        one = Registration(
            code, mother_name, national_id, registered_on, fp_status, org, phone, income_before
        )
        return self._register(fund, [one], mark=_unmarked)[0]

    def register_households(self, fund: FundRef, households: Iterable[Registration]) -> list[Household]:
        """Open many households' files in one transaction — a village's list at once: all, or none.

        Each :class:`Registration` carries the arguments of :meth:`register_household` and is checked as
        it would check them; a code or ID number used twice in the call is refused like one already in
        the fund. Python's cyclic garbage collector is paused while the call runs, and restored after it.

        Returns:
            the households, in the order given.

        Raises:
            The error :meth:`register_household` would raise for the first household refused, with
            ``item`` set to its position (from 0) and a note naming it; nothing is written.
        """
        with _collector_paused():
            return self._register(fund, _items(households, Registration), mark=_item)

    def _register(self, fund: FundRef, items: list[Registration], *, mark: _Mark) -> list[Household]:
        if not items:
            return []
        normalized = []
        for index, r in enumerate(items):
            with mark(index, r.code):
                normalized.append(validate_national_id(r.national_id))
        with self._locked(fund) as (conn, head, _):
            f = head.fund
            codes, ids = lend.household_clashes(conn, f.id, (r.code for r in items), normalized)
            households = []
            for index, (r, national_id) in enumerate(zip(items, normalized, strict=True)):
                with mark(index, r.code):
                    household = Household(
                        id=0,
                        fund_id=f.id,
                        code=r.code,
                        mother_name=r.mother_name,
                        national_id=national_id,
                        org_id=r.org,
                        phone=r.phone,
                        fp_status=_choice(FamilyPlanningStatus, "fp_status", r.fp_status),
                        income_before=r.income_before,
                        registered_on=r.registered_on,
                    )
                    if household.code in codes:
                        raise DuplicateCode(household.code, what="household")
                    if national_id in ids:
                        raise DuplicateCode(national_id, what="household national ID")
                    codes.add(household.code)
                    ids.add(national_id)
                    households.append(household)
            return lend.insert_households(conn, f.id, households)

    def household(self, fund: FundRef, ref: int | str) -> Household:
        """The household with this id or code."""
        with self._tx(write=False) as conn:
            return lend.find_household(conn, repo.find_fund(conn, _ref(fund)).id, ref)

    def households(self, fund: FundRef) -> list[Household]:
        """Every household registered in the fund."""
        with self._tx(write=False) as conn:
            return lend.list_households(conn, repo.find_fund(conn, _ref(fund)).id)

    def record_household(
        self,
        fund: FundRef,
        household: Household | int | str,
        *,
        kind: RecordKind | str,
        on: date,
        note: str = "",
        income: Money | None = None,
        exited_poverty: bool | None = None,
    ) -> HouseholdRecord:
        """Add a visit, an income figure or a poverty-exit assessment (脱贫评估) to a household's file."""
        with self._locked(fund) as (conn, head, _):
            hh = lend.find_household(
                conn, head.fund.id, household.id if isinstance(household, Household) else household
            )
            record = HouseholdRecord(
                household_id=hh.id,
                kind=_choice(RecordKind, "kind", kind),
                on=on,
                note=note,
                income=income,
                exited_poverty=exited_poverty,
            )
            validate_record(record, hh)
            lend.insert_household_record(conn, head.fund.id, record)
            return record

    def household_records(
        self, fund: FundRef, household: Household | int | str | None = None
    ) -> list[HouseholdRecord]:
        """A household's records (or every household's), oldest first."""
        with self._tx(write=False) as conn:
            fund_id = repo.find_fund(conn, _ref(fund)).id
            hh_id = None
            if household is not None:
                hh_id = lend.find_household(
                    conn, fund_id, household.id if isinstance(household, Household) else household
                ).id
            return lend.household_records(conn, fund_id, hh_id)

    def set_policy(self, fund: FundRef, policy: Policy) -> None:
        """Put a programme policy in force from its ``effective_from`` date."""
        with self._locked(fund) as (conn, head, _):
            lend.upsert_policy(conn, head.fund.id, policy)

    def policy(self, fund: FundRef, *, on: date) -> Policy:
        """The policy in force on a date (revolve's defaults when none was set)."""
        with self._tx(write=False) as conn:
            return policy_in_force(lend.list_policies(conn, repo.find_fund(conn, _ref(fund)).id), on)

    def open_batch(
        self, fund: FundRef, *, code: str, on: date, site: int | None = None, note: str = ""
    ) -> Batch:
        """Open a disbursement batch (批/期) at a project site."""
        with self._locked(fund) as (conn, head, _):
            return lend.insert_batch(conn, head.fund.id, code=code, site=site, on=on, note=note)

    def batches(self, fund: FundRef) -> list[Batch]:
        """The fund's batches."""
        with self._tx(write=False) as conn:
            return lend.list_batches(conn, repo.find_fund(conn, _ref(fund)).id)

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
        an individual, or a deposit pledge. ``cap`` limits the outstanding principal it may guarantee."""
        with self._locked(fund) as (conn, head, _):
            member_ids = tuple(
                lend.find_household(conn, head.fund.id, m.id if isinstance(m, Household) else m).id
                for m in members
            )
            if cap is not None and (not isinstance(cap, Money) or cap.fen <= 0):
                raise InvalidAmount(cap, reason="a guarantor's cap is a positive amount of Money")
            guarantor = Guarantor(
                id=0,
                fund_id=head.fund.id,
                code=code,
                kind=_choice(GuarantorKind, "kind", kind),
                name=name,
                org_id=org,
                cap=cap,
                reference=reference,
                members=member_ids,
            )
            return lend.insert_guarantor(conn, guarantor)

    def guarantor(self, fund: FundRef, ref: int | str) -> Guarantor:
        """The guarantor with this id or code."""
        with self._tx(write=False) as conn:
            return lend.find_guarantor(conn, repo.find_fund(conn, _ref(fund)).id, ref)

    def exposure(self, fund: FundRef, guarantor: Guarantor | int | str) -> Money:
        """The outstanding principal of the active loans a guarantor guarantees."""
        with self._tx(write=False) as conn:
            fund_id = repo.find_fund(conn, _ref(fund)).id
            g = lend.find_guarantor(
                conn, fund_id, guarantor.id if isinstance(guarantor, Guarantor) else guarantor
            )
            return lend.guarantor_exposure(conn, g.id)

    # ---- loans ----------------------------------------------------------------------------------
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
    ) -> Loan:
        """Pay a loan out to a household on ``terms.start``, with its schedule and guarantees.

        Args:
            fund: the fund lending.
            number: the loan's number, unique in the fund (e.g. 'FN-2016-001').
            household: the borrower's household.
            batch: the disbursement batch.
            terms: the loan terms (principal, start, term, method, rates); the schedule comes from them.
            guarantors: the guarantors answering for the loan.
            pledge: a deposit the borrower pledges (存折质押), held by the fund until the loan is repaid.
            order: how a payment is allocated within an instalment (default penalty → fee → interest →
                principal).
            idempotency_key: a retry with the same key and the same loan returns the loan.

        Raises:
            PolicyViolation: the loan breaks the fund's policy in force on the start date.
            InsufficientFunds: the fund has less cash available than the principal.
            GuarantorCapExceeded: a guarantor's exposure would pass its cap.
            DuplicateCode: the loan number is in use.
            PeriodClosed: the start date is in a closed period.
        """
        one = Disbursement(number, household, batch, terms, guarantors, pledge, order, idempotency_key)
        return self._disburse(fund, [one], mark=_unmarked)[0]

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
        """
        with _collector_paused():
            return self._disburse(fund, _items(loans, Disbursement), mark=_item)

    def _disburse(self, fund: FundRef, items: list[Disbursement], *, mark: _Mark) -> list[Loan]:
        if not items:
            return []
        schedules = []
        for index, item in enumerate(items):
            with mark(index, item.number):
                schedules.append(generate_schedule(item.terms))
        with self._locked(fund) as (conn, head, learned):
            f = head.fund
            households = lend.find_households(conn, f.id, (_id_or(d.household) for d in items))
            keys = lend.keys_used(conn, f.id, (d.idempotency_key for d in items if d.idempotency_key))
            taken = lend.loan_numbers_used(conn, f.id, (d.number for d in items))
            counts = lend.households_loan_counts(conn, f.id, (h.id for h in households.values()))
            policies = lend.list_policies(conn, f.id)
            batches: dict[int | str, Batch] = {}
            guarantors: dict[int | str, Guarantor] = {}
            exposure: dict[int, Money] = {}
            cash = self._cash_line(conn, f, min(d.terms.start for d in items))
            basis = self._round_bases[f.id] = lend.round_basis(conn, head, self._round_bases.get(f.id))
            lent_before: dict[date, int] = {}  # principal lent before this call, through each day asked about
            lent_here: dict[date, int] = {}  # principal lent in this call, by day
            numbers: set[str] = set()
            keys_here: set[str] = set()
            answers: list[Loan | int] = []  # a loan paid out before, or the position of its payout in ``out``
            out: list[tuple[Disbursement, Household, Batch, list[Guarantor], int, Schedule]] = []
            for index, (d, schedule) in enumerate(zip(items, schedules, strict=True)):
                with mark(index, d.number):
                    on = d.terms.start
                    ref = _id_or(d.household)
                    hh = households.get(ref)
                    if hh is None:
                        raise lend.unknown_household(ref)
                    key = d.idempotency_key
                    if key is not None:
                        if key in keys_here:
                            raise InvalidEntry(
                                "idempotency_key", key, reason="the same key appears twice in one batch"
                            )
                        keys_here.add(key)
                        if key in keys:
                            # a retry answers with the loan first paid out; anything else reusing the key is refused
                            loan = lend.find_loan_by_disbursement(conn, f.id, keys[key])
                            if loan is not None and (
                                loan.number,
                                loan.household_id,
                                loan.principal,
                                loan.disbursed_on,
                            ) == (d.number, hh.id, d.terms.principal, on):
                                answers.append(loan)
                                continue
                            raise IdempotencyConflict(key, fund_id=f.id, existing_seq=keys[key])
                    b_ref = _id_or(d.batch)
                    b = batches.get(b_ref) or batches.setdefault(b_ref, lend.find_batch(conn, f.id, b_ref))
                    self._require_open(f, on)
                    gs = []
                    for g_ref in (_id_or(g) for g in d.guarantors):
                        if g_ref not in guarantors:
                            guarantors[g_ref] = lend.find_guarantor(conn, f.id, g_ref)
                        gs.append(guarantors[g_ref])
                    prior, active = counts.get(hh.id, (0, 0))
                    check_loan(
                        policy_in_force(policies, on),
                        amount=d.terms.principal,
                        term_months=_term_months(on, schedule.maturity_date),
                        prior_loans=prior,
                        active_loans=active,
                        guaranteed=bool(gs) or d.pledge is not None,
                    )
                    for g in gs:
                        if g.id not in exposure:
                            exposure[g.id] = lend.guarantor_exposure(conn, g.id)
                        check_exposure(g, exposure=exposure[g.id], requested=d.terms.principal)
                    cash.spend(d.terms.principal, on)
                    if d.number in taken or d.number in numbers:
                        raise DuplicateCode(d.number, what="loan")
                    numbers.add(d.number)
                    counts[hh.id] = (prior + 1, active + 1)
                    for g in gs:
                        exposure[g.id] += d.terms.principal
                    if on not in lent_before:
                        lent_before[on] = basis.lent_as_of(on).fen
                    lent = lent_before[on] + sum(fen for day, fen in lent_here.items() if day <= on)
                    lent_here[on] = lent_here.get(on, 0) + d.terms.principal.fen
                    round_ = loan_round(disbursed_before=Money(lent), capital=basis.capital_as_of(on))
                    out.append((d, hh, b, gs, round_, schedule))
                    answers.append(len(out) - 1)
            paid = self._write_payouts(conn, head, learned, out, unused=frozenset(keys_here - keys.keys()))
            return [a if isinstance(a, Loan) else paid[a] for a in answers]

    def _write_payouts(
        self,
        conn: Connection,
        head: repo.FundHead,
        learned: Learned,
        out: Sequence[tuple[Disbursement, Household, Batch, list[Guarantor], int, Schedule]],
        *,
        unused: frozenset[str],
    ) -> list[Loan]:
        """Write checked payouts: their entries, loans, schedules and guarantees; return the loans."""
        if not out:
            return []
        f = head.fund
        entries: list[Entry] = []
        for d, hh, _, _, _, _ in out:
            entries.append(
                disbursement_entry(
                    loan=d.number,
                    amount=d.terms.principal,
                    on=d.terms.start,
                    memo=f"向{hh.code}发放借款{d.number}",
                    key=d.idempotency_key,
                )
            )
            if d.pledge is not None:
                entries.append(pledge_entry(loan=d.number, amount=d.pledge, on=d.terms.start))
        posted, _ = self._write(conn, head, entries, learned=learned, unused_keys=unused)
        rows, at = [], 0
        for d, hh, b, _, round_, _ in out:
            rows.append(
                lend.NewLoan(
                    number=d.number,
                    household_id=hh.id,
                    batch_id=b.id,
                    principal=d.terms.principal,
                    disbursed_on=d.terms.start,
                    disbursement_seq=posted[at].seq,
                    round=round_,
                    order=",".join(c.value for c in d.order),
                    pledge_held=d.pledge or Money(0),
                )
            )
            at += 2 if d.pledge is not None else 1
        ids = lend.insert_loans(conn, f.id, rows)
        lend.add_schedule_versions(
            conn,
            f.id,
            [
                lend.NewVersion(
                    loan_id,
                    1,
                    d.terms.start,
                    "original",
                    d.terms.principal,
                    lend.terms_to_json(d.terms),
                    _installments(schedule),
                )
                for loan_id, (d, _, _, _, _, schedule) in zip(ids, out, strict=True)
            ],
        )
        lend.insert_guarantees(
            conn,
            f.id,
            [
                (
                    loan_id,
                    g.id,
                    d.pledge if (g.kind is GuarantorKind.DEPOSIT_PLEDGE and d.pledge) else Money(0),
                )
                for loan_id, (d, _, _, gs, _, _) in zip(ids, out, strict=True)
                for g in gs
            ],
        )
        return lend.loans_by_ids(conn, f.id, ids)

    def loan(self, fund: FundRef, ref: Loan | int | str) -> Loan:
        """The loan with this id or number, with its repayment state."""
        with self._tx(write=False) as conn:
            return lend.find_loan(
                conn, repo.find_fund(conn, _ref(fund)).id, ref.id if isinstance(ref, Loan) else ref
            )

    def loans(self, fund: FundRef, *, status: LoanStatus | None = None) -> list[Loan]:
        """The fund's loans (of one status)."""
        with self._tx(write=False) as conn:
            return lend.list_loans(conn, repo.find_fund(conn, _ref(fund)).id, status=status)

    def schedule(
        self, fund: FundRef, loan: Loan | int | str, *, version: int | None = None
    ) -> tuple[Due, ...]:
        """The instalments of a loan's schedule (the current version unless one is named)."""
        with self._tx(write=False) as conn:
            ln = lend.find_loan(
                conn, repo.find_fund(conn, _ref(fund)).id, loan.id if isinstance(loan, Loan) else loan
            )
            return lend.dues(conn, ln.id, version or ln.schedule_version)

    def schedule_versions(self, fund: FundRef, loan: Loan | int | str) -> list[ScheduleVersion]:
        """Every schedule version of a loan; extensions and reschedulings keep the old ones."""
        with self._tx(write=False) as conn:
            ln = lend.find_loan(
                conn, repo.find_fund(conn, _ref(fund)).id, loan.id if isinstance(loan, Loan) else loan
            )
            return lend.schedule_versions(conn, ln.id)

    def receipts(self, fund: FundRef, loan: Loan | int | str) -> list[Receipt]:
        """Every receipt on a loan: repayments (by whom, how allocated) and recoveries."""
        with self._tx(write=False) as conn:
            ln = lend.find_loan(
                conn, repo.find_fund(conn, _ref(fund)).id, loan.id if isinstance(loan, Loan) else loan
            )
            return lend.receipts(conn, ln.id)

    def receipts_by_number(self, fund: FundRef, numbers: Iterable[str]) -> dict[str, Receipt]:
        """The fund's receipts with these receipt numbers (还款凭证号), by number; numbers not used yet are
        left out."""
        with self._tx(write=False) as conn:
            return lend.find_receipts(conn, repo.find_fund(conn, _ref(fund)).id, numbers)

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
            payer: the borrower, a guarantor (代偿; name it in ``guarantor``), or the pledged deposit.
            guarantor: the guarantor paying, when ``payer`` is ``guarantor``.
            prepayment: allow paying more than is due so far: the rest repays principal early and the
                schedule is rebuilt (``fewer_installments`` or ``lower_installments``).

        Raises:
            Overpayment: more than the loan owes, without ``prepayment``.
            LoanStateError: the loan is closed or written off.
            InvalidDate: before the loan was paid out (or before its current schedule began).
            DuplicateReceipt: the receipt number was used for another payment.
            PeriodClosed: the date is in a closed period.
        """
        payment = Payment(loan, amount, on, receipt, payer, guarantor, prepayment)
        kind = _choice(PayerKind, "payer", payer)
        with self._locked(fund) as (conn, head, learned):
            f = head.fund
            key = f"receipt:{receipt}"
            found = lend.loan_for_payment(
                conn, f.id, loan.id if isinstance(loan, Loan) else loan, receipt=receipt, key=key
            )
            paying = found.paying
            ln = paying.loan
            g_id = self._payer_guarantor(conn, f.id, ln, kind, guarantor)
            if found.receipt_taken:
                earlier = lend.find_receipt(conn, f.id, receipt)
                if earlier is not None:
                    return self._retried(earlier, payment, fund_id=f.id, loan_id=ln.id, payer=kind, g_id=g_id)
            held = _Paying(
                ln,
                _order(paying.order),
                paying.schedule_since,
                lend.installments(conn, ln.id, ln.schedule_version),
            )
            paid = self._pay(conn, f, held, payment, payer=kind, g_id=g_id)
            if paying.receivable is not None:
                # read with the loan: the write path need not look the receivable up again
                learned[(f.id, AccountKey(R.LOANS_RECEIVABLE, ln.number))] = paying.receivable
            # the idempotency key was looked up with the loan, under this transaction's lock
            unused = frozenset() if found.key_used else frozenset({key})
            return self._record_payments(conn, head, learned, [paid], unused)[0]

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
        """
        with _collector_paused():
            return self._repay_many(fund, _items(payments, Payment))

    def _repay_many(self, fund: FundRef, items: list[Payment]) -> list[Receipt]:
        """:meth:`repay_many`, with the collector paused."""
        if not items:
            return []
        kinds = []
        for index, item in enumerate(items):
            with _item(index, item.receipt):
                kinds.append(_choice(PayerKind, "payer", item.payer))
        with self._locked(fund) as (conn, head, learned):
            f = head.fund
            refs = [p.loan.id if isinstance(p.loan, Loan) else p.loan for p in items]
            found = lend.loans_for_payments(conn, f.id, refs)
            earlier = lend.find_receipts(conn, f.id, (p.receipt for p in items))
            used = lend.keys_used(conn, f.id, (f"receipt:{p.receipt}" for p in items))
            rows = lend.current_installments(conn, (p.loan.id for p in found.values()))
            held: dict[int, _Paying] = {}
            paid: list[_Paid] = []
            # each payment's answer: a receipt recorded before, or the position of its payment in ``paid``
            answers: list[Receipt | int] = []
            fresh: dict[str, int] = {}  # receipt number → position in ``items`` of its first payment
            for index, (item, kind, ref) in enumerate(zip(items, kinds, refs, strict=True)):
                with _item(index, item.receipt):
                    paying = found.get(ref)
                    if paying is None:
                        raise lend.unknown_loan(ref)
                    h = held.get(paying.loan.id)
                    if h is None:
                        h = held[paying.loan.id] = _Paying(
                            paying.loan,
                            _order(paying.order),
                            paying.schedule_since,
                            rows.get(paying.loan.id, []),
                        )
                        if paying.receivable is not None:
                            learned[(f.id, AccountKey(R.LOANS_RECEIVABLE, paying.loan.number))] = (
                                paying.receivable
                            )
                    g_id = self._payer_guarantor(conn, f.id, h.loan, kind, item.guarantor)
                    before = earlier.get(item.receipt)
                    if before is not None:
                        answers.append(
                            self._retried(
                                before, item, fund_id=f.id, loan_id=h.loan.id, payer=kind, g_id=g_id
                            )
                        )
                        continue
                    first = fresh.get(item.receipt)
                    if first is not None:
                        # the same receipt twice in this batch: a faithful repeat answers with the first
                        was = answers[first]
                        assert isinstance(was, int)
                        self._retried(
                            paid[was].receipt, item, fund_id=f.id, loan_id=h.loan.id, payer=kind, g_id=g_id
                        )
                        answers.append(was)
                        continue
                    fresh[item.receipt] = index
                    paid.append(self._pay(conn, f, h, item, payer=kind, g_id=g_id))
                    answers.append(len(paid) - 1)
            unused = frozenset(k for k in (f"receipt:{p.receipt.receipt}" for p in paid) if k not in used)
            recorded = self._record_payments(conn, head, learned, paid, unused) if paid else []
            return [a if isinstance(a, Receipt) else recorded[a] for a in answers]

    @staticmethod
    def _retried(
        earlier: Receipt, payment: Payment, *, fund_id: int, loan_id: int, payer: PayerKind, g_id: int | None
    ) -> Receipt:
        """The receipt first recorded under a payment's receipt number, if the payment repeats it faithfully."""
        same = (earlier.loan_id, earlier.amount, earlier.value_date, earlier.payer, earlier.guarantor_id)
        if same == (loan_id, payment.amount, payment.on, payer, g_id) and earlier.kind == "repayment":
            return earlier
        raise DuplicateReceipt(payment.receipt, fund_id=fund_id)

    def _pay(
        self,
        conn: Connection,
        f: Fund,
        held: _Paying,
        payment: Payment,
        *,
        payer: PayerKind,
        g_id: int | None,
    ) -> _Paid:
        """Check and allocate one payment on a loan as it stands in ``held``, and move ``held`` past it."""
        ln = held.loan
        amount, on = payment.amount, payment.on
        if not isinstance(amount, Money) or amount.fen <= 0:
            raise InvalidAmount(amount, reason="a repayment is a positive amount of Money")
        self._require_active(
            ln,
            "a repayment"
            + ("" if ln.status is not LoanStatus.WRITTEN_OFF else "; record a recovery instead"),
        )
        if on < ln.disbursed_on:
            raise InvalidDate(on, reason=f"loan {ln.number} was paid out on {ln.disbursed_on.isoformat()}")
        if on < held.since:
            raise InvalidDate(
                on, reason=f"loan {ln.number}'s schedule was rebuilt on {held.since.isoformat()}"
            )
        self._require_open(f, on)
        if payer is PayerKind.PLEDGE and amount > ln.pledge_held:
            raise InvalidAmount(
                amount, reason=f"only {ln.pledge_held} of pledged deposit is held for loan {ln.number}"
            )
        version: _NewVersion | None = None
        if payment.prepayment is None:
            # only the instalments this payment reaches become dues, however long the schedule
            reached = lend.reach(held.rows, paid=ln.paid_in_version, amount=amount)
            if amount > reached.owed:
                raise Overpayment(amount, owed=reached.owed, loan=ln.number)
            split = _split(allocate(amount, reached.dues, already_paid=reached.paid, order=held.order))
            paid_in_version = ln.paid_in_version + amount
            # the payment is within what the schedule owed, so it owes that much less
            owed_after = reached.owed - amount
            rebuilt: Schedule | None = None
        else:
            dues = lend.as_dues(held.rows)
            option = _choice(PrepaymentOption, "prepayment", payment.prepayment)
            due_now = due_by(dues, paid=ln.paid_in_version, on=on)
            first = min(amount, due_now)
            parts = RepaymentSplit(Money(0), Money(0), Money(0), Money(0))
            if first.fen:
                parts = _split(allocate(first, dues, already_paid=ln.paid_in_version, order=held.order))
            extra = amount - first
            principal_left = ln.outstanding - parts.principal
            if extra > principal_left:
                raise Overpayment(amount, owed=due_now + principal_left, loan=ln.number)
            split = RepaymentSplit(parts.principal + extra, parts.interest, parts.fee, parts.penalty)
            paid_in_version = ln.paid_in_version + first
            owed_after = owed(dues, paid=paid_in_version)
            rebuilt = None
            if (principal_left - extra).fen > 0 and extra.fen > 0:
                terms = held.terms or lend.terms_of_version(conn, ln.id, ln.schedule_version)
                rebuilt = reschedule_after_prepayment(
                    terms, on=on, outstanding=principal_left - extra, option=option
                )
                version = _NewVersion(
                    ln.schedule_version + 1,
                    on,
                    f"prepayment:{option.value}",
                    ln.outstanding - split.principal,
                    rebuilt,
                )
        receipt = payment.receipt
        entries = [
            repayment_entry(
                loan=ln.number,
                split=split,
                on=on,
                payer=payer,
                receipt=receipt,
                memo=f"{ln.number} 还款 {receipt}",
            )
        ]
        pledge_held = ln.pledge_held - amount if payer is PayerKind.PLEDGE else ln.pledge_held
        principal_paid = ln.principal_paid + split.principal
        status, closed_on, schedule_version = ln.status, ln.closed_on, ln.schedule_version
        if version is not None and rebuilt is not None:
            schedule_version, paid_in_version = version.number, Money(0)
            held.rows = _installments(rebuilt)
            held.since = on
            held.terms = rebuilt.terms
        elif owed_after.is_zero() or principal_paid.fen + ln.written_off.fen >= ln.principal.fen:
            status, closed_on = LoanStatus.CLOSED, on
            if pledge_held.fen:
                entries.append(pledge_release_entry(loan=ln.number, amount=pledge_held, on=on))
                pledge_held = Money(0)
        # built field by field: dataclasses.replace costs several times more, once per payment
        state = Loan(
            ln.id,
            ln.fund_id,
            ln.number,
            ln.household_id,
            ln.batch_id,
            ln.principal,
            ln.disbursed_on,
            ln.round,
            status,
            schedule_version,
            paid_in_version,
            principal_paid,
            ln.interest_paid + split.interest,
            ln.fee_paid + split.fee,
            ln.penalty_paid + split.penalty,
            ln.written_off,
            ln.recovered,
            pledge_held,
            closed_on,
        )
        record = Receipt(
            id=0,
            loan_id=ln.id,
            receipt=receipt,
            value_date=on,
            kind="repayment",
            payer=payer,
            guarantor_id=g_id,
            amount=amount,
            principal=split.principal,
            interest=split.interest,
            fee=split.fee,
            penalty=split.penalty,
            schedule_version=ln.schedule_version,
            entry_seq=0,
        )
        held.loan = state
        return _Paid(tuple(entries), record, state, version)

    def _record_payments(
        self,
        conn: Connection,
        head: repo.FundHead,
        learned: Learned,
        paid: Sequence[_Paid],
        unused: frozenset[str],
    ) -> list[Receipt]:
        """Write checked payments: their entries, receipts, new schedule versions and loans' state."""
        f = head.fund
        posted, _ = self._write(
            conn, head, [e for p in paid for e in p.entries], learned=learned, unused_keys=unused
        )
        seqs, at = [], 0
        for p in paid:
            seqs.append(posted[at].seq)
            at += len(p.entries)
        recorded = lend.insert_receipts(conn, f.id, [p.receipt for p in paid], seqs)
        for p in paid:
            if p.version is not None:
                v = p.version
                lend.add_schedule_version(
                    conn,
                    fund_id=f.id,
                    loan_id=p.state.id,
                    version=v.number,
                    on=v.on,
                    reason=v.reason,
                    principal=v.principal,
                    terms=lend.terms_to_json(v.schedule.terms),
                    installments=_installments(v.schedule),
                )
        # each loan's state after the last of its payments
        lend.update_loan_states(conn, {p.state.id: p.state for p in paid}.values())
        return recorded

    def _payer_guarantor(
        self,
        conn: Connection,
        fund_id: int,
        loan: Loan,
        payer: PayerKind,
        guarantor: Guarantor | int | str | None,
    ) -> int | None:
        if payer is not PayerKind.GUARANTOR:
            return None
        if guarantor is None:
            raise UnknownGuarantor(None, hint="a guarantor's payment (代偿) names the guarantor")
        g = lend.find_guarantor(
            conn, fund_id, guarantor.id if isinstance(guarantor, Guarantor) else guarantor
        )
        if g.id not in {gid for gid, _ in lend.loan_guarantors(conn, loan.id)}:
            raise UnknownGuarantor(g.code, hint=f"it does not guarantee loan {loan.number}")
        return g.id

    @staticmethod
    def _require_active(loan: Loan, operation: str) -> None:
        if loan.status is not LoanStatus.ACTIVE:
            state = "repaid and closed" if loan.status is LoanStatus.CLOSED else "written off"
            raise LoanStateError(loan.number, state=state, operation=operation)

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
        """
        with self._locked(fund) as (conn, head, _):
            f = head.fund
            ln = lend.find_loan(conn, f.id, loan.id if isinstance(loan, Loan) else loan)
            self._require_active(ln, "a guarantee call")
            g_id = self._payer_guarantor(conn, f.id, ln, PayerKind.GUARANTOR, guarantor)
            assert g_id is not None
            dues = lend.dues(conn, ln.id, ln.schedule_version)
            asked = amount if amount is not None else due_by(dues, paid=ln.paid_in_version, on=on)
            if not asked.is_positive():
                raise InvalidAmount(
                    asked, reason=f"nothing is due on loan {ln.number} by {on.isoformat()} to call for"
                )
            return lend.insert_guarantee_call(
                conn, f.id, loan_id=ln.id, guarantor_id=g_id, on=on, amount=asked, note=note
            )

    def guarantee_calls(self, fund: FundRef, loan: Loan | int | str) -> list[GuaranteeCall]:
        """The calls made on a loan's guarantees."""
        with self._tx(write=False) as conn:
            ln = lend.find_loan(
                conn, repo.find_fund(conn, _ref(fund)).id, loan.id if isinstance(loan, Loan) else loan
            )
            return lend.guarantee_calls(conn, ln.id)

    def extend(
        self, fund: FundRef, loan: Loan | int | str, *, on: date, extra_periods: int
    ) -> ScheduleVersion:
        """Extend a loan (展期): a new schedule version for the principal outstanding; the old one is kept.

        Raises:
            LoanStateError: the loan is closed or written off, or interest or fees due are unpaid.
        """
        with self._locked(fund) as (conn, head, _):
            f = head.fund
            ln = lend.find_loan(conn, f.id, loan.id if isinstance(loan, Loan) else loan)
            self._require_active(ln, "an extension")
            self._require_open(f, on)
            dues = lend.dues(conn, ln.id, ln.schedule_version)
            unpaid = [
                st
                for st in states(dues, paid=ln.paid_in_version)
                if st.due.due_date <= on and (st.remaining - (st.due.principal - st.principal_paid)).fen
            ]
            if unpaid:
                raise LoanStateError(
                    ln.number, state="owing interest or fees already due", operation="an extension"
                )
            terms = lend.terms_of_version(conn, ln.id, ln.schedule_version)
            rebuilt = reschedule_extension(
                terms, on=on, outstanding=ln.outstanding, extra_periods=extra_periods
            )
            version = ln.schedule_version + 1
            lend.add_schedule_version(
                conn,
                fund_id=f.id,
                loan_id=ln.id,
                version=version,
                on=on,
                reason="extension",
                principal=ln.outstanding,
                terms=lend.terms_to_json(rebuilt.terms),
                installments=_installments(rebuilt),
            )
            return lend.schedule_versions(conn, ln.id)[-1]

    # ---- delinquency ----------------------------------------------------------------------------
    def days_past_due(self, fund: FundRef, loan: Loan | int | str, *, as_of: date) -> int:
        """Days since the oldest instalment due by ``as_of`` that was not fully paid by then."""
        with self._tx(write=False) as conn:
            ln = lend.find_loan(
                conn, repo.find_fund(conn, _ref(fund)).id, loan.id if isinstance(loan, Loan) else loan
            )
            return self._dpd(conn, ln, as_of)

    @staticmethod
    def _dpd(conn: Connection, ln: Loan, as_of: date) -> int:
        written_off_by_then = (
            ln.status is LoanStatus.WRITTEN_OFF and ln.closed_on is not None and ln.closed_on <= as_of
        )
        if written_off_by_then or as_of < ln.disbursed_on:
            return 0
        version = max(
            (v.version for v in lend.schedule_versions(conn, ln.id) if v.effective_on <= as_of), default=1
        )
        dues = lend.dues(conn, ln.id, version)
        paid = lend.paid_in_version_as_of(conn, ln.id, version, as_of)
        return days_past_due(dues, paid=paid, as_of=as_of, order=_order(lend.loan_order(conn, ln.id)))

    def ageing(self, fund: FundRef, *, as_of: date) -> Ageing:
        """The fund's active loans by days past due (current, 1–30, 31–60, 61–90, 90+), with PAR30."""
        with self._tx(write=False) as conn:
            fund_id = repo.find_fund(conn, _ref(fund)).id
            pairs = []
            for ln in lend.list_loans(conn, fund_id):
                outstanding = self._outstanding_as_of(conn, ln, as_of)
                if outstanding.fen > 0:
                    pairs.append((outstanding, self._dpd(conn, ln, as_of)))
            return ageing(pairs)

    @staticmethod
    def _outstanding_as_of(conn: Connection, ln: Loan, as_of: date) -> Money:
        if as_of < ln.disbursed_on:
            return Money(0)
        return Money(
            repo.account_balance_by_key(conn, ln.fund_id, AccountKey(R.LOANS_RECEIVABLE, ln.number), as_of)
        )

    # ---- losses ---------------------------------------------------------------------------------
    def provide(self, fund: FundRef, *, amount: Money, on: date, memo: str = "") -> PostedEntry:
        """Provide for bad debts (计提坏账准备)."""
        entry = provision_entry(amount=amount, on=on, memo=memo or "计提坏账准备")
        return self.post_entries(fund, [entry])[0]

    def write_off(
        self, fund: FundRef, loan: Loan | int | str, *, on: date, approval_ref: str, reason: str
    ) -> WriteOff:
        """Write off a loan's outstanding principal (核销) with its approval; it enters the 备查簿.

        Raises:
            LoanStateError: the loan is closed or written off, or a pledged deposit is still held (apply
                it with ``repay(payer='pledge')`` first).
            InvalidEntry: no approval reference.
        """
        if not approval_ref.strip():
            raise InvalidEntry(
                "approval_ref", approval_ref, reason="a write-off needs the reference of its approval"
            )
        with self._locked(fund) as (conn, head, learned):
            f = head.fund
            ln = lend.find_loan(conn, f.id, loan.id if isinstance(loan, Loan) else loan)
            self._require_active(ln, "a write-off")
            if ln.pledge_held.fen:
                raise LoanStateError(
                    ln.number,
                    state=f"holding a pledged deposit of {ln.pledge_held}",
                    operation="a write-off before the pledge is applied",
                )
            self._require_open(f, on)
            if on < ln.disbursed_on:
                raise InvalidDate(
                    on, reason=f"loan {ln.number} was paid out on {ln.disbursed_on.isoformat()}"
                )
            amount = ln.outstanding
            allowance = Money(-repo.role_balance(conn, f.id, R.BAD_DEBT_ALLOWANCE))
            entry = write_off_entry(
                loan=ln.number,
                amount=amount,
                allowance_available=allowance,
                on=on,
                memo=f"核销 {ln.number} {approval_ref}",
            )
            (posted,), _ = self._write(conn, head, [entry], learned=learned)
            lend.insert_write_off(
                conn,
                f.id,
                loan_id=ln.id,
                on=on,
                amount=amount,
                approval_ref=approval_ref,
                reason=reason,
                seq=posted.seq,
            )
            lend.update_loan_state(
                conn, replace(ln, status=LoanStatus.WRITTEN_OFF, written_off=amount, closed_on=on)
            )
            return next(w for w in lend.write_offs(conn, f.id) if w.loan_id == ln.id)

    def write_off_register(self, fund: FundRef) -> list[WriteOff]:
        """The write-off register (核销备查簿): every loan written off, with what was recovered since."""
        with self._tx(write=False) as conn:
            return lend.write_offs(conn, repo.find_fund(conn, _ref(fund)).id)

    def recover(
        self, fund: FundRef, loan: Loan | int | str, *, amount: Money, on: date, receipt: str
    ) -> Receipt:
        """Record money recovered on a written-off loan (never more than was written off).

        Raises:
            LoanStateError: the loan is not written off.
            RecoveryExceedsWriteOff: more than written off and not yet recovered.
            DuplicateReceipt: the receipt number was used for another payment.
        """
        with self._locked(fund) as (conn, head, learned):
            f = head.fund
            ln = lend.find_loan(conn, f.id, loan.id if isinstance(loan, Loan) else loan)
            earlier = lend.find_receipt(conn, f.id, receipt)
            if earlier is not None:
                if (earlier.loan_id, earlier.amount, earlier.value_date, earlier.kind) == (
                    ln.id,
                    amount,
                    on,
                    "recovery",
                ):
                    return earlier
                raise DuplicateReceipt(receipt, fund_id=f.id)
            if ln.status is not LoanStatus.WRITTEN_OFF:
                raise LoanStateError(
                    ln.number, state="not written off", operation="a recovery; record a repayment instead"
                )
            if not isinstance(amount, Money) or amount.fen <= 0:
                raise InvalidAmount(amount, reason="a recovery is a positive amount of Money")
            recoverable = ln.written_off - ln.recovered
            if amount > recoverable:
                raise RecoveryExceedsWriteOff(amount, recoverable=recoverable, loan=ln.number)
            self._require_open(f, on)
            entry = recovery_entry(
                amount=amount, on=on, receipt=receipt, memo=f"{ln.number} 核销后收回 {receipt}"
            )
            (posted,), _ = self._write(conn, head, [entry], learned=learned)
            recorded = lend.insert_receipt(
                conn,
                f.id,
                Receipt(
                    0,
                    ln.id,
                    receipt,
                    on,
                    "recovery",
                    PayerKind.BORROWER,
                    None,
                    amount,
                    Money(0),
                    Money(0),
                    Money(0),
                    Money(0),
                    ln.schedule_version,
                    posted.seq,
                ),
            )
            lend.update_loan_state(conn, replace(ln, recovered=ln.recovered + amount))
            return recorded

    # ---- bank-lent subsidised loans (小额贴息) ---------------------------------------------------
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
        """Record a bank-lent loan for information (not the fund's asset); return its id."""
        generate_schedule(terms)  # refuse terms the bank's schedule cannot be built from
        with self._locked(fund) as (conn, head, _):
            hh = lend.find_household(
                conn, head.fund.id, household.id if isinstance(household, Household) else household
            )
            return lend.insert_bank_loan(
                conn,
                head.fund.id,
                number=number,
                household_id=hh.id,
                bank=bank,
                terms=lend.terms_to_json(terms),
                caps=lend.caps_to_json(caps),
            )

    def subsidy_due(self, fund: FundRef, bank_loan: int | str) -> tuple[SubsidyLine, ...]:
        """The subsidy of each interest period of a bank loan, under the caps."""
        with self._tx(write=False) as conn:
            row = lend.find_bank_loan(conn, repo.find_fund(conn, _ref(fund)).id, bank_loan)
            return _subsidy_lines(row)

    def mark_breach(self, fund: FundRef, bank_loan: int | str, *, on: date) -> None:
        """Record that a bank loan broke its terms (overdue, misuse): no subsidy for later periods."""
        with self._locked(fund) as (conn, head, _):
            row = lend.find_bank_loan(conn, head.fund.id, bank_loan)
            lend.mark_bank_loan_breach(conn, row.id, on)

    def pay_subsidy(self, fund: FundRef, bank_loan: int | str, *, period: int, on: date) -> PostedEntry:
        """Pay the interest subsidy (贴息) for one period of a bank loan, once, after the period ends.

        Raises:
            LoanStateError: already paid, or the loan was in breach before the period ended.
            InvalidDate: the period has not ended by ``on``.
            InsufficientFunds: the fund has less available.
        """
        with self._locked(fund) as (conn, head, learned):
            f = head.fund
            row = lend.find_bank_loan(conn, f.id, bank_loan)
            lines = {line.number: line for line in _subsidy_lines(row)}
            if period not in lines:
                raise InvalidAmount(period, reason=f"bank loan {row.number} has periods {sorted(lines)}")
            line = lines[period]
            if period in lend.subsidy_paid(conn, row.id):
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
            self._require_cash(conn, f, line.amount, on)
            entry = subsidy_entry(
                amount=line.amount,
                on=on,
                memo=f"{row.number} 第{period}期贴息",
                key=f"subsidy:{row.number}:{period}",
            )
            (posted,), _ = self._write(conn, head, [entry], learned=learned)
            lend.insert_subsidy_payment(
                conn, f.id, bank_loan_id=row.id, period=period, amount=line.amount, on=on, seq=posted.seq
            )
            return posted

    # ---- fund figures ---------------------------------------------------------------------------
    def figures(self, fund: FundRef, *, as_of: date | None = None) -> FundFigures:
        """Capital by source, cumulative disbursed, households served, outstanding, turnover and rounds."""
        with self._tx(write=False) as conn:
            f = repo.find_fund(conn, _ref(fund))
            by_source = lend.capital_by_source(conn, f.id, as_of)
            capital = Money.total(by_source.values())
            disbursed = lend.disbursed_total(conn, f.id, as_of)
            loans = [ln for ln in lend.list_loans(conn, f.id) if as_of is None or ln.disbursed_on <= as_of]
            if as_of is None:
                outstanding = Money.total(ln.outstanding for ln in loans)
                cash = Money(repo.role_balance(conn, f.id, R.FUND_CASH))
                held = Money(-repo.role_balance(conn, f.id, R.PLEDGE_DEPOSITS))
            else:
                outstanding = Money(
                    sum(repo.subledger_balances(conn, f.id, R.LOANS_RECEIVABLE, as_of).values())
                )
                cash = Money(repo.account_balance_by_key(conn, f.id, AccountKey(R.FUND_CASH), as_of))
                held = Money(-repo.account_balance_by_key(conn, f.id, AccountKey(R.PLEDGE_DEPOSITS), as_of))
            written = [w for w in lend.write_offs(conn, f.id) if as_of is None or w.written_on <= as_of]
            return FundFigures(
                fund=f,
                as_of=as_of,
                capital_by_source=by_source,
                capital=capital,
                disbursed=disbursed,
                households_served=len({ln.household_id for ln in loans}),
                loans=len(loans),
                outstanding=outstanding,
                cash=cash,
                available=cash - held,
                turnover=Ratio(disbursed, capital),
                max_round=max((ln.round for ln in loans), default=0),
                written_off=Money.total(w.amount for w in written),
                recovered_after_write_off=Money.total(
                    r.amount
                    for w in written
                    for r in lend.receipts(conn, w.loan_id)
                    if r.kind == "recovery" and (as_of is None or r.value_date <= as_of)
                ),
            )


def _subsidy_lines(row: Any) -> tuple[SubsidyLine, ...]:
    terms = lend.terms_from_json(row.terms)
    caps = lend.caps_from_json(row.caps)
    schedule = generate_schedule(terms)
    periods = []
    start = terms.start
    balance = terms.principal
    for inst in schedule.installments:
        periods.append(InterestPeriod(number=inst.number, start=start, end=inst.due_date, balance=balance))
        start = inst.due_date
        balance = inst.balance_after
    return subsidy_lines(periods, terms.annual_rate, caps)


def _ref(fund: FundRef) -> int | str:
    return fund.id if isinstance(fund, Fund) else fund
