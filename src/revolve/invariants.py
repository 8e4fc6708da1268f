"""Conservation checks: what must always hold in the books, judged from figures and reported as data.

DESIGN §10 lists the invariants. The store fetches the figures each one is judged from (the sums of
an entry's postings, a fund's postings per date, each account's stored balance beside its journal sum,
each loan's principal and how it was repaid, cash movements per date, schedule totals, inter-fund
balances) as the frozen values below; the functions here judge them. They never read the database and
never raise: they return :class:`Violation` values, and an empty list means the books hold. The codes
are stable identifiers a county system can act on:

* ``unbalanced_entry`` — an entry whose postings do not sum to zero, or has fewer than two (item 1);
* ``trial_balance_not_zero`` — a date on which a fund's trial balance is not zero (item 1);
* ``loan_outstanding_negative``, ``loan_subledger_differs``, ``loan_receipts_differ`` and
  ``closed_loan_outstanding`` — a loan whose principal is not conserved: principal = repaid + written
  off + outstanding, outstanding = its receivable sub-ledger and never below zero, its repayment
  receipts carry what it records as repaid, and a closed loan owes nothing (item 2);
* ``cash_negative`` — the first date on which a fund's cash stands below zero (item 3);
* ``transfers_do_not_net`` and ``transfer_unknown_fund`` — inter-fund balances that do not net to zero
  pair by pair, or name no fund (item 4);
* ``stored_balance_differs`` — an account whose stored balance differs from its journal sum (item 5);
* ``stored_turnover_differs`` — an account whose stored debit or credit turnover differs from the sums of
  its positive and negative postings (item 5; ``rebuild_balances`` repairs it);
* ``schedule_principal_differs``, ``schedule_gap`` and ``schedule_dates_not_increasing`` — a stored
  schedule whose instalments do not sum to its principal, skip a number, or fall due out of order
  (item 6);
* ``chain_broken`` — the fund's hash chain does not verify (item 8); see :class:`ChainBreak`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = [
    "AccountTotal",
    "ChainBreak",
    "DayTotal",
    "EntryTotal",
    "InstallmentDue",
    "JournalFigures",
    "LendingFigures",
    "LoanFigures",
    "ScheduleTotal",
    "TransferBalance",
    "TransferFigures",
    "Violation",
    "balanced",
    "cash_never_negative",
    "journal_violations",
    "lending_violations",
    "loan_conservation",
    "schedule_dates_increase",
    "schedules_sum_to_principal",
    "stored_balances_match",
    "transfer_violations",
    "transfers_net_to_zero",
    "trial_balance_zero",
    "unbalanced_entries",
]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken invariant: a stable code, the fund, what is affected, and the numbers."""

    code: str
    fund_id: int
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.code}] fund {self.fund_id}, {self.subject}: {self.detail}"


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place a fund's hash chain fails to verify."""

    fund_id: int
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"fund {self.fund_id}, entry {self.seq}: {self.reason}"

    def as_violation(self) -> Violation:
        """This break as a ``chain_broken`` violation."""
        return Violation("chain_broken", self.fund_id, f"entry {self.seq}", self.reason)


# ---- the figures ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EntryTotal:
    """The postings of one journal entry: how many there are and what they sum to (fen)."""

    fund_id: int
    seq: int
    postings: int
    total: int


@dataclass(frozen=True, slots=True)
class DayTotal:
    """What a fund's postings (to every account, or to the accounts of one role) with one value date sum
    to (fen)."""

    fund_id: int
    on: date
    total: int


@dataclass(frozen=True, slots=True)
class AccountTotal:
    """An account's stored balance and turnovers beside the sums of its postings (fen).

    The turnovers (发生额) are positive: the debit turnover sums the account's positive postings, the
    credit turnover its negative postings negated.
    """

    fund_id: int
    account_id: int
    code: str
    stored: int
    journal: int
    stored_debit: int = 0
    stored_credit: int = 0
    journal_debit: int = 0
    journal_credit: int = 0

    @property
    def stored_figures(self) -> tuple[int, int, int]:
        """The stored (balance, debit turnover, credit turnover)."""
        return (self.stored, self.stored_debit, self.stored_credit)

    @property
    def journal_figures(self) -> tuple[int, int, int]:
        """The (balance, debit turnover, credit turnover) the journal sums to."""
        return (self.journal, self.journal_debit, self.journal_credit)


@dataclass(frozen=True, slots=True)
class LoanFigures:
    """One loan's principal as the loan records it, as its repayment receipts carry it and as its
    receivable sub-ledger account holds it (fen).

    Attributes:
        repaid: the principal repaid, as the loan records it.
        receipts_repaid: the principal its repayment receipts carry.
        receivable: the balance of its receivable sub-ledger account (0 if never opened).
        closed: whether the loan is closed (结清).
    """

    fund_id: int
    loan_id: int
    number: str
    closed: bool
    principal: int
    repaid: int
    written_off: int
    receipts_repaid: int
    receivable: int

    @property
    def outstanding(self) -> int:
        """What conservation leaves owed: principal − repaid − written off."""
        return self.principal - self.repaid - self.written_off


@dataclass(frozen=True, slots=True)
class ScheduleTotal:
    """A stored schedule version's principal beside its instalments: the principal they carry (fen),
    their lowest and highest numbers, and how many there are."""

    fund_id: int
    loan_id: int
    version: int
    principal: int
    scheduled: int
    first: int
    last: int
    count: int


@dataclass(frozen=True, slots=True)
class InstallmentDue:
    """When one instalment of a stored schedule version falls due."""

    fund_id: int
    loan_id: int
    version: int
    number: int
    due: date


@dataclass(frozen=True, slots=True)
class TransferBalance:
    """A fund's inter-fund account balance (due from or due to) with the fund of code ``counterparty``
    (fen)."""

    fund_id: int
    counterparty: str
    balance: int


@dataclass(frozen=True, slots=True)
class JournalFigures:
    """What the journal invariants (items 1 and 5) are judged from, for some funds."""

    entries: tuple[EntryTotal, ...]
    days: tuple[DayTotal, ...]
    accounts: tuple[AccountTotal, ...]


@dataclass(frozen=True, slots=True)
class LendingFigures:
    """What the lending invariants (items 2, 3 and 6) are judged from, for some funds; ``cash`` holds
    each fund's net cash movement per value date."""

    loans: tuple[LoanFigures, ...]
    cash: tuple[DayTotal, ...]
    schedules: tuple[ScheduleTotal, ...]
    dues: tuple[InstallmentDue, ...]


@dataclass(frozen=True, slots=True)
class TransferFigures:
    """What the transfer invariant (item 4) is judged from: every fund's code, by id, and every
    inter-fund balance in the database."""

    codes: Mapping[int, str]
    balances: tuple[TransferBalance, ...]


# ---- item 1 and 5: the journal ----------------------------------------------------------------
def balanced(postings: int, total: int) -> bool:
    """Whether an entry of ``postings`` postings summing to ``total`` fen balances: it has two postings or
    more, and they sum to zero."""
    return postings >= 2 and total == 0


def unbalanced_entries(entries: Iterable[EntryTotal]) -> list[Violation]:
    """Entries whose postings do not sum to zero, or that have fewer than two postings."""
    return [
        Violation(
            "unbalanced_entry", e.fund_id, f"entry {e.seq}", f"{e.postings} postings summing to {e.total} fen"
        )
        for e in sorted(entries, key=lambda e: (e.fund_id, e.seq))
        if not balanced(e.postings, e.total)
    ]


def trial_balance_zero(days: Iterable[DayTotal]) -> list[Violation]:
    """Dates whose postings do not sum to zero: from each of them on, the fund's trial balance is not zero."""
    return [
        Violation(
            "trial_balance_not_zero",
            d.fund_id,
            f"date {d.on.isoformat()}",
            f"the postings dated that day sum to {d.total} fen, so the trial balance from then on is not zero",
        )
        for d in sorted(days, key=lambda d: (d.fund_id, d.on))
        if d.total != 0
    ]


def stored_balances_match(accounts: Iterable[AccountTotal]) -> list[Violation]:
    """Accounts whose stored balance, or stored turnovers, differ from the sums of their postings."""
    return [
        Violation(
            "stored_balance_differs",
            a.fund_id,
            f"account {a.code}",
            f"stored balance {a.stored} fen, journal sum {a.journal} fen (account id {a.account_id})",
        )
        for a in sorted(accounts, key=lambda a: (a.fund_id, a.account_id))
        if a.stored != a.journal
    ] + [
        Violation(
            "stored_turnover_differs",
            a.fund_id,
            f"account {a.code}",
            f"stored turnover debit {a.stored_debit} / credit {a.stored_credit} fen, journal "
            f"{a.journal_debit} / {a.journal_credit} fen (account id {a.account_id})",
        )
        for a in sorted(accounts, key=lambda a: (a.fund_id, a.account_id))
        if (a.stored_debit, a.stored_credit) != (a.journal_debit, a.journal_credit)
    ]


def journal_violations(figures: JournalFigures) -> list[Violation]:
    """Violations of DESIGN §10 items 1 and 5 (the chain, item 8, is walked by the store)."""
    return (
        unbalanced_entries(figures.entries)
        + trial_balance_zero(figures.days)
        + stored_balances_match(figures.accounts)
    )


# ---- items 2, 3 and 6: lending ----------------------------------------------------------------
def loan_conservation(loans: Iterable[LoanFigures]) -> list[Violation]:
    """Loans whose principal is not conserved (see :class:`LoanFigures`), loan by loan."""
    out: list[Violation] = []
    for loan in sorted(loans, key=lambda loan: loan.loan_id):
        outstanding = loan.outstanding
        subject = f"loan {loan.number}"
        if outstanding < 0:
            out.append(
                Violation(
                    "loan_outstanding_negative", loan.fund_id, subject, f"outstanding {outstanding} fen"
                )
            )
        if outstanding != loan.receivable:
            out.append(
                Violation(
                    "loan_subledger_differs",
                    loan.fund_id,
                    subject,
                    f"principal {loan.principal} − repaid {loan.repaid} − written off "
                    f"{loan.written_off} = {outstanding} fen, "
                    f"but its receivable holds {loan.receivable} fen",
                )
            )
        if loan.receipts_repaid != loan.repaid:
            out.append(
                Violation(
                    "loan_receipts_differ",
                    loan.fund_id,
                    subject,
                    f"receipts repay {loan.receipts_repaid} fen of principal, the loan records {loan.repaid}",
                )
            )
        if loan.closed and outstanding != 0:
            out.append(
                Violation("closed_loan_outstanding", loan.fund_id, subject, f"{outstanding} fen outstanding")
            )
    return out


def cash_never_negative(cash: Iterable[DayTotal]) -> list[Violation]:
    """The first date on which each fund's cash, summed over its movements date by date, stands below
    zero."""
    out: list[Violation] = []
    running: dict[int, int] = {}
    below: set[int] = set()
    for day in sorted(cash, key=lambda d: (d.fund_id, d.on)):
        if day.fund_id in below:
            continue
        balance = running[day.fund_id] = running.get(day.fund_id, 0) + day.total
        if balance < 0:
            out.append(
                Violation(
                    "cash_negative",
                    day.fund_id,
                    f"date {day.on.isoformat()}",
                    f"cash stands at {balance} fen",
                )
            )
            below.add(day.fund_id)
    return out


def schedules_sum_to_principal(schedules: Iterable[ScheduleTotal]) -> list[Violation]:
    """Stored schedule versions whose instalments do not carry the schedule's principal, or whose
    instalment numbers skip."""
    out: list[Violation] = []
    for s in sorted(schedules, key=lambda s: (s.loan_id, s.version)):
        if s.scheduled != s.principal:
            out.append(
                Violation(
                    "schedule_principal_differs",
                    s.fund_id,
                    f"loan id {s.loan_id} version {s.version}",
                    f"instalments carry {s.scheduled} fen of principal, the schedule {s.principal} fen",
                )
            )
        if s.last - s.first + 1 != s.count:
            out.append(Violation("schedule_gap", s.fund_id, f"loan id {s.loan_id}", "numbers skip"))
    return out


def schedule_dates_increase(dues: Iterable[InstallmentDue]) -> list[Violation]:
    """Instalments (after the first) that do not fall due after the one before them in their version."""
    out: list[Violation] = []
    previous: dict[tuple[int, int], date] = {}
    for due in sorted(dues, key=lambda d: (d.loan_id, d.version, d.number)):
        key = (due.loan_id, due.version)
        if key in previous and due.due <= previous[key] and due.number > 1:
            out.append(
                Violation(
                    "schedule_dates_not_increasing",
                    due.fund_id,
                    f"loan id {due.loan_id} version {due.version}",
                    f"instalment {due.number} is due {due.due.isoformat()}, not after {previous[key].isoformat()}",
                )
            )
        previous[key] = due.due
    return out


def lending_violations(figures: LendingFigures) -> list[Violation]:
    """Violations of DESIGN §10 items 2, 3 and 6."""
    return (
        loan_conservation(figures.loans)
        + cash_never_negative(figures.cash)
        + schedules_sum_to_principal(figures.schedules)
        + schedule_dates_increase(figures.dues)
    )


# ---- item 4: transfers between funds ----------------------------------------------------------
def transfers_net_to_zero(codes: Mapping[int, str], balances: Iterable[TransferBalance]) -> list[Violation]:
    """Pairs of funds whose inter-fund balances do not sum to zero, reported under both funds of the
    pair so that checking either fund shows it; or, instead, the first balance whose counterparty code
    names no fund in ``codes``."""
    by_code = {c: i for i, c in codes.items()}
    positions: dict[tuple[int, int], int] = {}
    for b in sorted(balances, key=lambda b: (b.fund_id, b.counterparty)):
        other = by_code.get(b.counterparty)
        if other is None:
            return [
                Violation(
                    "transfer_unknown_fund",
                    b.fund_id,
                    f"counterparty {b.counterparty}",
                    "no fund has this code",
                )
            ]
        pair = (min(b.fund_id, other), max(b.fund_id, other))
        positions[pair] = positions.get(pair, 0) + b.balance
    return [
        Violation(
            "transfers_do_not_net",
            fund,
            f"funds {codes[a]} and {codes[b]}",
            f"their inter-fund balances sum to {total} fen, not 0",
        )
        for (a, b), total in sorted(positions.items())
        if total != 0
        for fund in (a, b)
    ]


def transfer_violations(figures: TransferFigures) -> list[Violation]:
    """Violations of DESIGN §10 item 4."""
    return transfers_net_to_zero(figures.codes, figures.balances)
