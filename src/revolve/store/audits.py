"""The figures the books are audited from (reads of ``revolve_posting``, ``revolve_account``,
``revolve_fund``, ``revolve_loan``, ``revolve_receipt``, ``revolve_schedule_version`` and
``revolve_installment``), fetched as the plain values of :mod:`revolve.invariants`.

Nothing here judges: the sums are taken in SQL, and the comparisons, orders and thresholds that make a
violation are the pure functions of :mod:`revolve.invariants`. Every function reads inside the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, and_, func, literal, select

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
from revolve.store.rows import loan_of
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
def account_totals(conn: Connection, fund_ids: Sequence[int]) -> tuple[AccountTotal, ...]:
    """Each account of the funds: its stored balance and turnovers, and the sums of its postings."""
    journal_sum = func.coalesce(func.sum(PostingRow.amount), literal(0))
    debit = func.coalesce(func.sum(PostingRow.amount).filter(PostingRow.amount > 0), literal(0))
    credit = func.coalesce(func.sum(PostingRow.amount).filter(PostingRow.amount < 0), literal(0))
    stored = (AccountRow.balance, AccountRow.debit_turnover, AccountRow.credit_turnover)
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
            select(AccountRow.id, AccountRow.fund_id, AccountRow.code, *stored, journal_sum, debit, credit)
            .outerjoin(
                PostingRow,
                and_(PostingRow.fund_id == AccountRow.fund_id, PostingRow.account_id == AccountRow.id),
            )
            .where(AccountRow.fund_id.in_(fund_ids))
            .group_by(AccountRow.id, AccountRow.fund_id, AccountRow.code, *stored)
        )
    )


def journal_figures(conn: Connection, fund_ids: Sequence[int]) -> JournalFigures:
    """The funds' postings summed per entry and per value date, and their accounts' totals."""
    total = func.sum(PostingRow.amount)
    in_funds = PostingRow.fund_id.in_(fund_ids)
    entries = tuple(
        EntryTotal(int(fund_id), int(seq), int(n), int(s))
        for fund_id, seq, s, n in conn.execute(
            select(PostingRow.fund_id, PostingRow.entry_seq, total, func.count())
            .where(in_funds)
            .group_by(PostingRow.fund_id, PostingRow.entry_seq)
        )
    )
    days = tuple(
        DayTotal(int(fund_id), day, int(s))
        for fund_id, day, s in conn.execute(
            select(PostingRow.fund_id, PostingRow.value_date, total)
            .where(in_funds)
            .group_by(PostingRow.fund_id, PostingRow.value_date)
        )
    )
    return JournalFigures(entries, days, account_totals(conn, fund_ids))


# ---- lending (DESIGN §10 items 2, 3 and 6) ------------------------------------------------------
def _loan_figures(conn: Connection, fund_ids: Sequence[int]) -> tuple[LoanFigures, ...]:
    receivable = {
        (int(f), sub): int(bal)
        for f, sub, bal in conn.execute(
            select(AccountRow.fund_id, AccountRow.sub, AccountRow.balance).where(
                AccountRow.fund_id.in_(fund_ids), AccountRow.role == AccountRole.LOANS_RECEIVABLE.value
            )
        )
    }
    repaid = {
        int(loan_id): int(total)
        for loan_id, total in conn.execute(
            select(ReceiptRow.loan_id, func.sum(ReceiptRow.principal))
            .where(
                ReceiptRow.fund_id.in_(fund_ids),
                ReceiptRow.kind == "repayment",
                live(ReceiptRow.fund_id, ReceiptRow.entry_seq),
            )
            .group_by(ReceiptRow.loan_id)
        )
    }
    loans = (
        loan_of(row)
        for row in conn.execute(
            # a voided loan (冲正) is off the books: its receivable was reversed to zero with it
            select(LoanRow.__table__).where(
                LoanRow.fund_id.in_(fund_ids), LoanRow.status != LoanStatus.VOIDED.value
            )
        )
    )
    return tuple(
        LoanFigures(
            fund_id=loan.fund_id,
            loan_id=loan.id,
            number=loan.number,
            closed=loan.status is LoanStatus.CLOSED,
            principal=loan.principal.fen,
            repaid=loan.principal_paid.fen,
            written_off=loan.written_off.fen,
            receipts_repaid=repaid.get(loan.id, 0),
            receivable=receivable.get((loan.fund_id, loan.number), 0),
        )
        for loan in loans
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
        )
    )


def _installment_dues(conn: Connection, fund_ids: Sequence[int]) -> tuple[InstallmentDue, ...]:
    return tuple(
        InstallmentDue(int(fund_id), int(loan_id), int(version), int(number), due)
        for fund_id, loan_id, version, number, due in conn.execute(
            select(
                LoanRow.fund_id,
                InstallmentRow.loan_id,
                InstallmentRow.version,
                InstallmentRow.number,
                InstallmentRow.due_date,
            )
            .join(
                LoanRow, and_(LoanRow.fund_id == InstallmentRow.fund_id, LoanRow.id == InstallmentRow.loan_id)
            )
            .where(InstallmentRow.fund_id.in_(fund_ids))
        )
    )


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
def transfer_figures(conn: Connection) -> TransferFigures:
    """Every fund's code and every inter-fund balance in the database (both sides of a transfer)."""
    codes = {int(i): c for i, c in conn.execute(select(FundRow.id, FundRow.code))}
    balances = tuple(
        TransferBalance(int(fund_id), sub, int(balance))
        for fund_id, sub, balance in conn.execute(
            select(AccountRow.fund_id, AccountRow.sub, AccountRow.balance).where(
                AccountRow.role.in_([AccountRole.DUE_FROM_FUND.value, AccountRole.DUE_TO_FUND.value]),
                AccountRow.sub != "",
            )
        )
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
