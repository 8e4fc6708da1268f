"""Opening balances (期初余额): a fund that kept its books elsewhere starts them in revolve.

A fund running since 1998 comes to revolve with its cash, its loans already in progress (part-repaid,
in their n-th round, with guarantors and pledges) and its net assets. :func:`decide_opening` checks the
opening over plain values and returns what to write: **one** balanced entry (kind ``opening``, dated the
opening day), each loan's remaining schedule, and the fund's history that its ratios need.

Reconciled on the way in (the first that fails is the refusal, an :class:`~revolve.errors.OpeningMismatch`
saying where and by how much):

1. each loan: principal repaid before the opening is less than its principal; the remaining schedule
   (given, or rebuilt from the original terms) owes exactly its outstanding principal;
2. 其他应收款 (the loans-receivable balance) equals the sum of the loans' outstanding principal: the
   sub-ledger agrees with its control account (第二十二条: a sub-ledger per debtor);
3. the cash deposits held (其他应付款—借款保证金) equal the sum of the loans' deposits;
4. assets = liabilities + net assets (资产 = 负债 + 净资产), 坏账准备 counted against the assets.

Balances are given as an accountant reads them off the last balance sheet: positive on the account's
normal side (a debit for assets, a credit for 坏账准备, liabilities and net assets). Revenue and expense
accounts carry nothing at an opening (they were closed into net assets, 3101/3102 notes), and inter-fund
sub-ledgers are opened by transfers, so neither may be given.

The loan record keeps the original principal and dates; what was repaid before the opening is kept on the
loan and stands as one receipt (kind ``repayment``, receipt number ``期初:<loan>``, schedule version 0,
dated the eve of the opening) posted by the opening entry, so that principal = repaid + written off +
outstanding holds loan by loan from the first day. Pure: nothing is read or written here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from revolve.chart import AccountKey, AccountKind, AccountRole, Chart
from revolve.errors import InvalidAmount, InvalidDate, InvalidEntry, OpeningMismatch
from revolve.guarantees import Guarantor
from revolve.households import Household
from revolve.journal import Entry, Posting
from revolve.loans.dues import DEFAULT_ORDER, Component
from revolve.loans.records import Batch
from revolve.money import Money
from revolve.rules import ContributionSource
from revolve.schedule import Installment, LoanTerms, Schedule, generate_schedule

__all__ = [
    "OPENING_KIND",
    "Opening",
    "OpeningLoan",
    "PlannedOpening",
    "PlannedOpeningLoan",
    "check_opening_loan",
    "decide_opening",
    "eve",
    "opening_receipt_number",
    "remaining_schedule",
]

OPENING_KIND = "opening"
"""The kind of the one entry that opens a fund's books: the start of the books, not a period's activity."""

R = AccountRole
_ZERO = Money(0)


@dataclass(frozen=True, slots=True)
class OpeningLoan:
    """A loan already in progress when the books open.

    Attributes:
        number: the loan's number, as on the old books (借款编号).
        household: the borrower's household (its id, code, or the record).
        batch: the disbursement batch (批次) it was paid out in.
        terms: the original terms: principal, the payout date as ``start``, term, method, rates.
        round: its round (轮次) as the old books counted it; kept, never recomputed.
        principal_repaid: principal repaid before the opening (已还本金).
        interest_paid: interest received before the opening (已收利息).
        fee_paid: management fees received before the opening (已收管理费).
        remaining: the remaining schedule (what is still to fall due); None rebuilds it from ``terms``
            by taking what was paid off the oldest instalments first.
        guarantors: the guarantors answering for it.
        pledge: the cash deposit (保证金) the borrower paid into the fund and the fund holds, if any.
        order: how a later payment is allocated within an instalment.
    """

    number: str
    household: Household | int | str
    batch: Batch | int | str
    terms: LoanTerms
    round: int
    principal_repaid: Money = _ZERO
    interest_paid: Money = _ZERO
    fee_paid: Money = _ZERO
    remaining: Sequence[Installment] | None = None
    guarantors: Sequence[Guarantor | int | str] = ()
    pledge: Money | None = None
    order: Sequence[Component] = DEFAULT_ORDER

    @property
    def outstanding(self) -> Money:
        """Principal owed at the opening: original principal less principal repaid before it."""
        return self.terms.principal - self.principal_repaid


@dataclass(frozen=True, slots=True)
class Opening:
    """A fund's opening as recorded: the day its books opened in revolve, the entry that opened them, the
    capital contributed before it by source, and the principal lent before it (every loan since the fund
    began, those brought in included)."""

    fund_id: int
    on: date
    entry_seq: int
    capital: Mapping[str, Money]
    lent_before: Money

    @property
    def capital_total(self) -> Money:
        """All capital contributed before the opening."""
        return Money.total(self.capital.values())


@dataclass(frozen=True, slots=True)
class PlannedOpeningLoan:
    """A checked opening loan with the schedule it continues on (owing exactly its outstanding)."""

    loan: OpeningLoan
    schedule: Schedule


@dataclass(frozen=True, slots=True)
class PlannedOpening:
    """What an opening writes: the entry, the loans with their remaining schedules, and the history."""

    entry: Entry
    loans: tuple[PlannedOpeningLoan, ...]
    capital: dict[str, Money] = field(default_factory=dict)
    lent_before: Money = _ZERO


def opening_receipt_number(loan: str) -> str:
    """The receipt number standing for what a loan repaid before the books opened."""
    return f"期初:{loan}"


def _money(value: object, what: str, *, positive: bool = False) -> Money:
    if not isinstance(value, Money):
        raise InvalidAmount(value, reason="money", field=what)
    if value.fen < 0 or (positive and value.fen == 0):
        raise InvalidAmount(value, reason="positive" if positive else "not_negative", field=what)
    return value


def remaining_schedule(terms: LoanTerms, *, principal: Money, interest: Money, fee: Money) -> Schedule:
    """The schedule a loan continues on: its original schedule with what was paid before the opening
    taken off the oldest instalments first, component by component (principal, interest and fee each
    against its own column); instalments paid in full are dropped and the rest renumbered from 1.

    Args:
        terms: the loan's original terms.
        principal: principal repaid before the opening.
        interest: interest received before the opening.
        fee: fees received before the opening.

    Returns:
        A schedule whose principal is the outstanding principal; an up-front fee not yet paid stays due.

    Raises:
        OpeningMismatch: more interest or fees received than the original schedule asks for.
    """
    original = generate_schedule(terms)
    for name, paid, owed in (
        ("interest", interest, original.total_interest),
        ("fees", fee, original.total_fee),
    ):
        if paid > owed:
            raise OpeningMismatch(
                "received_before",
                given=paid,
                expected="at_most",
                difference=paid - owed,
                owed=owed,
                part_en=name,
                part_zh={"interest": "利息", "fees": "费用"}[name],
            )
    # an up-front fee fell due on the payout day: what was paid in fees settles it first
    upfront_left = max(0, original.upfront_fee.fen - fee.fen)
    left = {
        "principal": principal.fen,
        "interest": interest.fen,
        "fee": max(0, fee.fen - original.upfront_fee.fen),
    }
    kept: list[Installment] = []
    outstanding = terms.principal.fen - principal.fen
    for inst in original.installments:
        parts = {}
        for name in ("principal", "interest", "fee"):
            due = getattr(inst, name).fen
            taken = min(due, left[name])
            left[name] -= taken
            parts[name] = due - taken
        if any(parts.values()):
            outstanding -= parts["principal"]
            kept.append(
                Installment(
                    len(kept) + 1,
                    inst.due_date,
                    Money(parts["principal"]),
                    Money(parts["interest"]),
                    Money(parts["fee"]),
                    Money(outstanding),
                )
            )
    return Schedule(terms, tuple(kept), Money(upfront_left))


def _given_schedule(terms: LoanTerms, remaining: Sequence[Installment]) -> Schedule:
    rows = tuple(remaining)
    for prev, nxt in pairwise(rows):
        if nxt.due_date <= prev.due_date:
            raise InvalidDate(nxt.due_date, reason="remaining_order")
    return Schedule(terms, rows, _ZERO)


def check_opening_loan(loan: OpeningLoan, on: date) -> Schedule:
    """Check one opening loan alone and return the schedule it continues on.

    Raises:
        InvalidEntry, InvalidAmount, InvalidDate: a malformed loan.
        OpeningMismatch: more repaid than lent, or a remaining schedule that does not owe the outstanding.
    """
    if not isinstance(loan.terms, LoanTerms):
        raise InvalidEntry("terms", loan.terms, reason="opening_terms")
    if loan.terms.start >= on:
        raise InvalidDate(
            loan.terms.start,
            reason="paid_before_opening",
            loan=loan.number,
            on=on.isoformat(),
        )
    if not isinstance(loan.round, int) or isinstance(loan.round, bool) or loan.round < 1:
        raise InvalidEntry("round", loan.round, reason="round", loan=loan.number)
    repaid = _money(loan.principal_repaid, "principal repaid before the opening")
    _money(loan.interest_paid, "interest received before the opening")
    _money(loan.fee_paid, "fees received before the opening")
    if loan.pledge is not None:
        _money(loan.pledge, "a pledged deposit", positive=True)
    if repaid >= loan.terms.principal:
        raise OpeningMismatch(
            "loan",
            given=repaid,
            expected="below_principal",
            difference=repaid - loan.terms.principal,
            loan=loan.number,
            principal=loan.terms.principal,
        )
    if loan.remaining is None:
        schedule = remaining_schedule(
            loan.terms, principal=repaid, interest=loan.interest_paid, fee=loan.fee_paid
        )
    else:
        schedule = _given_schedule(loan.terms, loan.remaining)
    if schedule.total_principal != loan.outstanding:
        raise OpeningMismatch(
            "remaining_schedule",
            loan=loan.number,
            given=schedule.total_principal,
            expected=loan.outstanding,
            difference=schedule.total_principal - loan.outstanding,
        )
    return schedule


def _balances(chart: Chart, balances: Mapping[AccountRole | str, Money]) -> dict[AccountRole, Money]:
    out: dict[AccountRole, Money] = {}
    for role_given, amount in balances.items():
        try:
            role = AccountRole(role_given)
        except ValueError:
            raise InvalidEntry("balances", role_given, reason="role") from None
        spec = chart.spec(role)
        if spec.kind in (AccountKind.REVENUE, AccountKind.EXPENSE):
            raise InvalidEntry(
                "balances",
                role.value,
                reason="revenue_expense",
            )
        if spec.subledger and role is not R.LOANS_RECEIVABLE:
            raise InvalidEntry("balances", role.value, reason="between_funds")
        out[role] = _money(amount, f"the opening balance of {role.value}")
    return out


def _postings(
    chart: Chart, balances: Mapping[AccountRole, Money], loans: Sequence[OpeningLoan]
) -> list[Posting]:
    """The opening entry's lines: each balance on its normal side, the receivable per loan."""
    lines: list[Posting] = []
    for role in AccountRole:  # the chart's order: assets, then liabilities, then net assets
        if role is R.LOANS_RECEIVABLE:
            lines.extend(Posting(AccountKey(R.LOANS_RECEIVABLE, ln.number), ln.outstanding) for ln in loans)
            continue
        amount = balances.get(role, _ZERO)
        if not amount.is_zero():
            lines.append(Posting(role, amount if chart.spec(role).normal_debit else -amount))
    return lines


def decide_opening(
    *,
    chart: Chart,
    on: date,
    balances: Mapping[AccountRole | str, Money],
    loans: Sequence[OpeningLoan],
    capital: Mapping[ContributionSource | str, Money],
    lent_before: Money | None,
) -> PlannedOpening:
    """Check an opening and build what it writes (see the module docstring for the rules).

    Args:
        chart: the fund's chart (which side each account's balance is on).
        on: the opening day; the entry is dated on it and nothing may be dated before it.
        balances: each account's balance by role, positive on its normal side.
        loans: the loans in progress.
        capital: capital contributed before the opening, by source (for 滚动次数 and rounds).
        lent_before: principal lent before the opening, every loan since the fund began included (累计
            发放); None counts only the loans brought in.

    Returns:
        The entry, the loans with their schedules, the capital by source and the principal lent before.

    Raises:
        InvalidEntry, InvalidAmount, InvalidDate: a malformed balance, loan, capital or date.
        OpeningMismatch: the opening does not reconcile (where and by how much).
    """
    if not isinstance(on, date):
        raise InvalidDate(on, reason="opening_day")
    given = _balances(chart, balances)
    numbers: set[str] = set()
    planned = []
    for loan in loans:
        if loan.number in numbers:
            raise InvalidEntry("loans", loan.number, reason="loan_twice")
        numbers.add(loan.number)
        planned.append(PlannedOpeningLoan(loan, check_opening_loan(loan, on)))
    outstanding = Money.total(ln.outstanding for ln in loans)
    receivable = given.get(R.LOANS_RECEIVABLE, _ZERO)
    if receivable != outstanding:
        raise OpeningMismatch(
            "receivable",
            account=chart.spec(R.LOANS_RECEIVABLE).code,
            account_name=chart.spec(R.LOANS_RECEIVABLE).name_zh,
            given=receivable,
            expected="outstanding",
            outstanding=outstanding,
            difference=receivable - outstanding,
        )
    pledged = Money.total(ln.pledge or _ZERO for ln in loans)
    held = given.get(R.PLEDGE_DEPOSITS, _ZERO)
    if held != pledged:
        raise OpeningMismatch(
            "pledges",
            account=chart.spec(R.PLEDGE_DEPOSITS).code,
            account_name=chart.spec(R.PLEDGE_DEPOSITS).name_zh,
            given=held,
            expected="pledges",
            pledged=pledged,
            difference=held - pledged,
        )
    assets = sum(
        (a.fen if chart.spec(r).normal_debit else -a.fen)
        for r, a in given.items()
        if chart.spec(r).kind is AccountKind.ASSET
    )
    claims = sum(a.fen for r, a in given.items() if chart.spec(r).kind is not AccountKind.ASSET)
    if assets != claims:
        raise OpeningMismatch(
            "equation",
            given="assets",
            expected="claims",
            assets=Money(assets),
            claims=Money(claims),
            difference=Money(assets - claims),
        )
    lines = _postings(chart, given, loans)
    if not lines:
        raise InvalidEntry("balances", dict(balances), reason="no_balance")
    by_source: dict[str, Money] = {}
    for source, amount in capital.items():
        key = ContributionSource(source).value
        by_source[key] = by_source.get(key, _ZERO) + _money(amount, f"capital from {key}")
    brought = Money.total(ln.terms.principal for ln in loans)
    lent = brought if lent_before is None else _money(lent_before, "principal lent before the opening")
    if lent < brought:
        raise OpeningMismatch(
            "principal lent before the opening (累计发放)",
            given=lent,
            expected=f"at least {brought}, the principal of the loans brought in",
            difference=lent - brought,
        )
    entry = Entry(on, OPENING_KIND, tuple(lines), memo=f"期初余额 {on.isoformat()}")
    return PlannedOpening(entry, tuple(planned), by_source, lent)


def eve(on: date) -> date:
    """The day before the opening: the date that stands for everything before it."""
    return on - timedelta(days=1)
