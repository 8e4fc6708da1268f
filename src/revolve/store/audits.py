"""The figures the books are audited from (reads of ``revolve_posting``, ``revolve_account``,
``revolve_fund``, ``revolve_loan``, ``revolve_receipt``, ``revolve_schedule_version`` and
``revolve_installment``), fetched as the plain values of :mod:`revolve.invariants`.

The sums are taken in SQL, and the comparisons, orders and thresholds that make a violation are the
pure functions of :mod:`revolve.invariants`. Where a figure is judged row by row (an entry, an account,
a loan, a schedule), the query also leaves out the rows that satisfy the invariant, by the invariant's own
comparison written in SQL, so a fund of 18,000 entries sends the few suspect rows to Python, not all of
them; the pure function still judges what comes back (the SQL filter lets through at least every row it
would flag). Every function reads inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Date, and_, func, literal, select

from revolve.allocations import AllocationHalf
from revolve.chart import AccountRole
from revolve.invariants import (
    AccountTotal,
    DayTotal,
    EntryTotal,
    InstallmentDue,
    JournalFigures,
    LendingFigures,
    LoanFigures,
    ScheduleTotal,
    TransferBalance,
    TransferFigures,
)
from revolve.loans import LoanStatus
from revolve.store.schema import (
    AccountRow,
    EntryRow,
    FundRow,
    InstallmentRow,
    LoanRow,
    PostingRow,
    ReceiptRow,
    ScheduleVersionRow,
)
from revolve.store.voids import live

__all__ = ["account_totals", "allocation_halves", "journal_figures", "lending_figures", "transfer_figures"]


# ---- the journal (DESIGN §10 items 1 and 5) -----------------------------------------------------
def account_totals(
    conn: Connection, fund_ids: Sequence[int], *, differing_only: bool = False
) -> tuple[AccountTotal, ...]:
    """Each account of the funds: its stored balance and turnovers, and the sums of its postings (with
    ``differing_only``, only the accounts whose stored figures differ from those sums)."""
    journal_sum = func.coalesce(func.sum(PostingRow.amount), literal(0))
    debit = func.coalesce(func.sum(PostingRow.amount).filter(PostingRow.amount > 0), literal(0))
    credit = func.coalesce(func.sum(PostingRow.amount).filter(PostingRow.amount < 0), literal(0))
    stored = (AccountRow.balance, AccountRow.debit_turnover, AccountRow.credit_turnover)
    query = (
        select(AccountRow.id, AccountRow.fund_id, AccountRow.code, *stored, journal_sum, debit, credit)
        .outerjoin(
            PostingRow,
            and_(PostingRow.fund_id == AccountRow.fund_id, PostingRow.account_id == AccountRow.id),
        )
        .where(AccountRow.fund_id.in_(fund_ids))
        .group_by(AccountRow.id, AccountRow.fund_id, AccountRow.code, *stored)
    )
    if differing_only:
        # invariants.stored_balances_match: the balance, or either turnover, differs from the journal
        query = query.having(
            (AccountRow.balance != journal_sum)
            | (AccountRow.debit_turnover != debit)
            | (AccountRow.credit_turnover != -credit)
        )
    return tuple(
        AccountTotal(
            int(fund_id),
            int(account_id),
            code,
            int(balance),
            int(summed),
            stored_debit=int(dr_stored),
            stored_credit=int(cr_stored),
            journal_debit=int(dr),
            journal_credit=-int(cr),
        )
        for account_id, fund_id, code, balance, dr_stored, cr_stored, summed, dr, cr in conn.execute(
            query
        ).all()
    )


def journal_figures(conn: Connection, fund_ids: Sequence[int]) -> JournalFigures:
    """The funds' postings summed per entry and per value date, and their accounts' totals: only the
    entries that do not balance, the dates whose postings do not sum to zero and the accounts whose stored
    figures differ from their postings (what :func:`revolve.invariants.journal_violations` flags)."""
    total = func.sum(PostingRow.amount)
    in_funds = PostingRow.fund_id.in_(fund_ids)
    entries = tuple(
        EntryTotal(int(fund_id), int(seq), int(n), int(s))
        for fund_id, seq, s, n in conn.execute(
            select(PostingRow.fund_id, PostingRow.entry_seq, total, func.count())
            .where(in_funds)
            .group_by(PostingRow.fund_id, PostingRow.entry_seq)
            # invariants.balanced: two postings or more, summing to zero
            .having((func.count() < 2) | (total != 0))
        ).all()
    )
    days = tuple(
        DayTotal(int(fund_id), day, int(s))
        for fund_id, day, s in conn.execute(
            select(PostingRow.fund_id, PostingRow.value_date, total)
            .where(in_funds)
            .group_by(PostingRow.fund_id, PostingRow.value_date)
            .having(total != 0)
        ).all()
    )
    return JournalFigures(entries, days, account_totals(conn, fund_ids, differing_only=True))


# ---- lending (DESIGN §10 items 2, 3 and 6) ------------------------------------------------------
def _loan_figures(conn: Connection, fund_ids: Sequence[int]) -> tuple[LoanFigures, ...]:
    """The loans whose principal is not conserved, by the comparisons of
    :func:`revolve.invariants.loan_conservation` written in SQL (one statement; usually no row)."""
    receivable = (
        select(AccountRow.fund_id, AccountRow.sub, AccountRow.balance)
        .where(AccountRow.fund_id.in_(fund_ids), AccountRow.role == AccountRole.LOANS_RECEIVABLE.value)
        .subquery()
    )
    repaid = (
        select(ReceiptRow.loan_id, func.sum(ReceiptRow.principal).label("total"))
        .where(
            ReceiptRow.fund_id.in_(fund_ids),
            ReceiptRow.kind == "repayment",
            live(ReceiptRow.fund_id, ReceiptRow.entry_seq),
        )
        .group_by(ReceiptRow.loan_id)
        .subquery()
    )
    outstanding = LoanRow.principal - LoanRow.principal_paid - LoanRow.written_off
    held = func.coalesce(receivable.c.balance, literal(0))
    receipts_repaid = func.coalesce(repaid.c.total, literal(0))
    rows = conn.execute(
        select(
            LoanRow.fund_id,
            LoanRow.id,
            LoanRow.number,
            LoanRow.status,
            LoanRow.principal,
            LoanRow.principal_paid,
            LoanRow.written_off,
            receipts_repaid,
            held,
        )
        .outerjoin(
            receivable, and_(receivable.c.fund_id == LoanRow.fund_id, receivable.c.sub == LoanRow.number)
        )
        .outerjoin(repaid, repaid.c.loan_id == LoanRow.id)
        .where(
            LoanRow.fund_id.in_(fund_ids),
            # a voided loan (冲正) is off the books: its receivable was reversed to zero with it
            LoanRow.status != LoanStatus.VOIDED.value,
            (outstanding < 0)
            | (outstanding != held)
            | (receipts_repaid != LoanRow.principal_paid)
            | ((LoanRow.status == LoanStatus.CLOSED.value) & (outstanding != 0)),
        )
    ).all()
    return tuple(
        LoanFigures(
            fund_id=int(fund_id),
            loan_id=int(loan_id),
            number=number,
            closed=status == LoanStatus.CLOSED.value,
            principal=int(principal),
            repaid=int(paid),
            written_off=int(written_off),
            receipts_repaid=int(by_receipts),
            receivable=int(balance),
        )
        for fund_id, loan_id, number, status, principal, paid, written_off, by_receipts, balance in rows
    )


def _cash_by_date(conn: Connection, fund_ids: Sequence[int]) -> tuple[DayTotal, ...]:
    return tuple(
        DayTotal(int(fund_id), day, int(total))
        for fund_id, day, total in conn.execute(
            select(PostingRow.fund_id, PostingRow.value_date, func.sum(PostingRow.amount))
            .join(
                AccountRow,
                and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id),
            )
            .where(PostingRow.fund_id.in_(fund_ids), AccountRow.role == AccountRole.FUND_CASH.value)
            .group_by(PostingRow.fund_id, PostingRow.value_date)
        )
    )


def _schedule_totals(conn: Connection, fund_ids: Sequence[int]) -> tuple[ScheduleTotal, ...]:
    # a violation names the fund of the loan, as the loan row holds it
    return tuple(
        ScheduleTotal(
            int(fund_id), int(loan_id), int(version), int(principal), int(scheduled), first, last, count
        )
        for fund_id, loan_id, version, principal, scheduled, first, last, count in conn.execute(
            select(
                LoanRow.fund_id,
                ScheduleVersionRow.loan_id,
                ScheduleVersionRow.version,
                ScheduleVersionRow.principal,
                func.sum(InstallmentRow.principal),
                func.min(InstallmentRow.number),
                func.max(InstallmentRow.number),
                func.count(),
            )
            .join(
                InstallmentRow,
                and_(
                    InstallmentRow.fund_id == ScheduleVersionRow.fund_id,
                    InstallmentRow.loan_id == ScheduleVersionRow.loan_id,
                    InstallmentRow.version == ScheduleVersionRow.version,
                ),
            )
            .join(
                LoanRow,
                and_(LoanRow.fund_id == ScheduleVersionRow.fund_id, LoanRow.id == ScheduleVersionRow.loan_id),
            )
            .where(ScheduleVersionRow.fund_id.in_(fund_ids))
            .group_by(
                LoanRow.fund_id,
                ScheduleVersionRow.loan_id,
                ScheduleVersionRow.version,
                ScheduleVersionRow.principal,
            )
            # invariants.schedules_sum_to_principal: the principal differs, or the numbers skip
            .having(
                (func.sum(InstallmentRow.principal) != ScheduleVersionRow.principal)
                | (func.max(InstallmentRow.number) - func.min(InstallmentRow.number) + 1 != func.count())
            )
        ).all()
    )


def _installment_dues(conn: Connection, fund_ids: Sequence[int]) -> tuple[InstallmentDue, ...]:
    """The instalments that do not fall due after the one before them in their schedule version, each
    with that one before it (so :func:`revolve.invariants.schedule_dates_increase` judges the same pairs
    it would among all of them); the comparison is a window over the instalments, in SQL."""
    partition = (InstallmentRow.fund_id, InstallmentRow.loan_id, InstallmentRow.version)
    order = InstallmentRow.number
    pairs = (
        select(
            LoanRow.fund_id,
            InstallmentRow.loan_id,
            InstallmentRow.version,
            InstallmentRow.number,
            InstallmentRow.due_date,
            func.lag(InstallmentRow.number)
            .over(partition_by=partition, order_by=order)
            .label("before_number"),
            # typed, so that SQLite's ISO text comes back as a date
            func.lag(InstallmentRow.due_date, type_=Date())
            .over(partition_by=partition, order_by=order)
            .label("before_due"),
        )
        .join(LoanRow, and_(LoanRow.fund_id == InstallmentRow.fund_id, LoanRow.id == InstallmentRow.loan_id))
        .where(InstallmentRow.fund_id.in_(fund_ids))
        .subquery()
    )
    found: set[InstallmentDue] = set()
    for fund_id, loan_id, version, number, due, before_number, before_due in conn.execute(
        select(pairs).where(pairs.c.before_due.is_not(None), pairs.c.due_date <= pairs.c.before_due)
    ).all():
        found.add(InstallmentDue(int(fund_id), int(loan_id), int(version), int(before_number), before_due))
        found.add(InstallmentDue(int(fund_id), int(loan_id), int(version), int(number), due))
    return tuple(sorted(found, key=lambda d: (d.loan_id, d.version, d.number)))


def lending_figures(conn: Connection, fund_ids: Sequence[int]) -> LendingFigures:
    """The funds' loans beside their receipts and receivables, cash movements per value date, schedule
    totals and instalment due dates."""
    return LendingFigures(
        loans=_loan_figures(conn, fund_ids),
        cash=_cash_by_date(conn, fund_ids),
        schedules=_schedule_totals(conn, fund_ids),
        dues=_installment_dues(conn, fund_ids),
    )


# ---- transfers between funds (DESIGN §10 item 4) ------------------------------------------------
def transfer_figures(conn: Connection, fund_ids: Sequence[int] | None = None) -> TransferFigures:
    """Every fund's code, and the inter-fund balances in the database (both sides of a transfer): all of
    them, or with ``fund_ids`` those of these funds and those other funds hold with them — every pair one
    of these funds is in, whole."""
    codes = {int(i): c for i, c in conn.execute(select(FundRow.id, FundRow.code)).all()}
    query = select(AccountRow.fund_id, AccountRow.sub, AccountRow.balance).where(
        AccountRow.role.in_([AccountRole.DUE_FROM_FUND.value, AccountRole.DUE_TO_FUND.value]),
        AccountRow.sub != "",
    )
    if fund_ids is not None:
        mine = [codes[i] for i in fund_ids if i in codes]
        query = query.where(AccountRow.fund_id.in_(fund_ids) | AccountRow.sub.in_(mine))
    balances = tuple(
        TransferBalance(int(fund_id), sub, int(balance))
        for fund_id, sub, balance in conn.execute(query).all()
    )
    return TransferFigures(codes, balances)


# ---- allocations between funds (revolve.allocations) ---------------------------------------------
def allocation_halves(conn: Connection) -> tuple[AllocationHalf, ...]:
    """Every allocation entry in the database, given or received, with its cash movement and the other
    side: the receiver's code (the giver's outflow sub-key) or the receiver's entry key."""
    cash = (
        select(
            EntryRow.fund_id,
            EntryRow.seq,
            EntryRow.kind,
            EntryRow.idempotency_key,
            func.sum(PostingRow.amount),
        )
        .join(PostingRow, and_(PostingRow.fund_id == EntryRow.fund_id, PostingRow.entry_seq == EntryRow.seq))
        .join(
            AccountRow, and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id)
        )
        .where(
            EntryRow.kind.in_(["allocation.in", "allocation.out"]),
            AccountRow.role == AccountRole.FUND_CASH.value,
        )
        .group_by(EntryRow.fund_id, EntryRow.seq, EntryRow.kind, EntryRow.idempotency_key)
    )
    receivers = {
        (int(fund_id), int(seq)): str(sub)
        for fund_id, seq, sub in conn.execute(
            select(PostingRow.fund_id, PostingRow.entry_seq, AccountRow.sub)
            .join(
                AccountRow,
                and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id),
            )
            .where(
                AccountRow.role.in_(
                    [AccountRole.ALLOCATION_EXPENSE.value, AccountRole.ALLOCATION_INTERNAL.value]
                )
            )
        )
    }
    return tuple(
        AllocationHalf(
            int(fund_id),
            int(seq),
            kind,
            int(total),
            receivers.get((int(fund_id), int(seq)), "") if kind == "allocation.out" else str(key or ""),
        )
        for fund_id, seq, kind, key, total in conn.execute(cash)
    )
