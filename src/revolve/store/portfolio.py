"""Bulk reads for reports: one fund's whole lending portfolio in a handful of queries (every lending
table of the fund: loans, schedule versions and instalments, receipts, write-offs, households and their
records, guarantors and guarantees, batches, grants and subsidy payments, and the contributions and
returns read from the journal).

:func:`load_portfolio` returns a frozen :class:`~revolve.portfolio.Portfolio`; the figures of every report
are then computed from it by pure functions, so the cost of a report does not grow with the number of
queries per loan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, func, select

from revolve.allocations import capital_key
from revolve.chart import AccountRole
from revolve.loans import LoanSchedule, LoanStatus
from revolve.loans.dues import InstalmentRow, as_dues
from revolve.money import Money
from revolve.opening import eve
from revolve.portfolio import Contribution, GuaranteeLink, Outflow, Portfolio
from revolve.store.capital_pledges import list_capital_pledges
from revolve.store.figures import principal_disbursed_between
from revolve.store.funds import find_fund
from revolve.store.guarantors import find_guarantor
from revolve.store.households import household_records, list_batches, list_households
from revolve.store.loans import list_loans
from revolve.store.lookup import rows_among
from revolve.store.opening import find_opening
from revolve.store.receipts import write_offs
from revolve.store.rows import receipt_of
from revolve.store.schema import (
    AccountRow,
    BankLoanRow,
    EntryRow,
    GrantRow,
    GuaranteeRow,
    GuarantorRow,
    InstallmentRow,
    LoanRow,
    PostingRow,
    ReceiptRow,
    ScheduleVersionRow,
    SubsidyPaymentRow,
)
from revolve.store.settled import read_settled
from revolve.store.voids import live, void_reversals

__all__ = ["load_portfolio"]


def _schedules(conn: Connection, fund_id: int, among: Sequence[int] | None) -> tuple[LoanSchedule, ...]:
    effective = {
        (int(loan_id), int(version)): on
        for loan_id, version, on in rows_among(
            conn,
            select(
                ScheduleVersionRow.loan_id, ScheduleVersionRow.version, ScheduleVersionRow.effective_on
            ).where(ScheduleVersionRow.fund_id == fund_id),
            ScheduleVersionRow.loan_id,
            among,
        )
    }
    dues: dict[tuple[int, int], list[InstalmentRow]] = defaultdict(list)
    for loan_id, version, number, due_date, principal, interest, fee in rows_among(
        conn,
        select(
            InstallmentRow.loan_id,
            InstallmentRow.version,
            InstallmentRow.number,
            InstallmentRow.due_date,
            InstallmentRow.principal,
            InstallmentRow.interest,
            InstallmentRow.fee,
        )
        .where(InstallmentRow.fund_id == fund_id)
        .order_by(InstallmentRow.loan_id, InstallmentRow.version, InstallmentRow.number),
        InstallmentRow.loan_id,
        among,
    ):
        dues[(int(loan_id), int(version))].append((number, due_date, principal, interest, fee))
    return tuple(
        LoanSchedule(loan_id, version, effective[(loan_id, version)], as_dues(items))
        for (loan_id, version), items in sorted(dues.items())
    )


def _receipts(conn: Connection, fund_id: int, among: Sequence[int] | None) -> tuple[Any, ...]:
    rows = rows_among(
        conn,
        select(ReceiptRow.__table__)
        .where(ReceiptRow.fund_id == fund_id, live(ReceiptRow.fund_id, ReceiptRow.entry_seq))
        .order_by(ReceiptRow.loan_id, ReceiptRow.value_date, ReceiptRow.id),
        ReceiptRow.loan_id,
        among,
    )
    return tuple(receipt_of(r) for r in rows)


def _cash_by_entry(conn: Connection, fund_id: int, *, kinds: str) -> list[tuple[str, int, Any]]:
    """(kind, cash movement in fen, value date) per entry whose kind starts with ``kinds``."""
    return [
        (kind, int(total), day)
        for kind, total, day in conn.execute(
            select(EntryRow.kind, func.sum(PostingRow.amount), EntryRow.value_date)
            .join(
                PostingRow, and_(PostingRow.fund_id == EntryRow.fund_id, PostingRow.entry_seq == EntryRow.seq)
            )
            .join(
                AccountRow,
                and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id),
            )
            .where(
                # the fund's few entries of these kinds, found by the (kind, fund_id) index, then their
                # cash lines: never every cash posting of the fund (or, without the fund on the account,
                # of every fund in the database)
                EntryRow.fund_id == fund_id,
                AccountRow.fund_id == fund_id,
                EntryRow.kind.like(f"{kinds}%"),
                AccountRow.role == AccountRole.FUND_CASH.value,
                # a voided contribution and the entry that voided it are left out together
                void_reversals(EntryRow.fund_id, EntryRow.seq),
            )
            .group_by(EntryRow.seq, EntryRow.kind, EntryRow.value_date)
            .order_by(EntryRow.seq)
        )
    ]


def load_portfolio(conn: Connection, fund_id: int, *, settled_before: date | None = None) -> Portfolio:
    """The fund's whole lending, as one frozen value.

    With ``settled_before``, the loans settled before that day (:mod:`revolve.store.settled`) are summed
    up in ``Portfolio.settled`` and their loans, schedules, receipts and guarantees are not read: the snapshot then
    serves periods starting on that day or later.
    """
    fund = find_fund(conn, fund_id)
    settled, among = (None, None) if settled_before is None else read_settled(conn, fund_id, settled_before)
    # capital: contributions, and allocations (拨付) received or, negative, given
    contributions = tuple(
        Contribution(source, Money(total), day)
        for kind, total, day in sorted(
            _cash_by_entry(conn, fund_id, kinds="contribution.")
            + _cash_by_entry(conn, fund_id, kinds="allocation."),
            key=lambda row: row[2],
        )
        if (source := capital_key(kind)) is not None
    )
    # capital and lending before the books opened in revolve (期初) count from the opening day
    opening = find_opening(conn, fund_id)
    history: tuple[tuple[date, Money], ...] = ()
    if opening is not None:
        contributions = (
            *(Contribution(source, amount, opening.on) for source, amount in opening.capital.items()),
            *contributions,
        )
        brought = principal_disbursed_between(conn, fund_id, None, eve(opening.on))
        history = ((opening.on, opening.lent_before - brought),)
    outflows: list[Outflow] = [
        Outflow("grant", Money(int(amount)), day, int(household))
        for household, amount, day in conn.execute(
            select(GrantRow.household_id, GrantRow.amount, GrantRow.value_date).where(
                GrantRow.fund_id == fund_id, live(GrantRow.fund_id, GrantRow.entry_seq)
            )
        )
    ]
    outflows += [
        Outflow("subsidy", Money(int(amount)), day, int(household))
        for amount, day, household in conn.execute(
            select(SubsidyPaymentRow.amount, SubsidyPaymentRow.value_date, BankLoanRow.household_id)
            .join(
                BankLoanRow,
                and_(
                    BankLoanRow.fund_id == SubsidyPaymentRow.fund_id,
                    BankLoanRow.id == SubsidyPaymentRow.bank_loan_id,
                ),
            )
            .where(
                SubsidyPaymentRow.fund_id == fund_id,
                live(SubsidyPaymentRow.fund_id, SubsidyPaymentRow.entry_seq),
            )
        )
    ]
    outflows += [
        Outflow("return_to_finance", Money(-total), day)
        for _, total, day in _cash_by_entry(conn, fund_id, kinds="return_to_finance")
    ]
    guarantors = tuple(
        find_guarantor(conn, fund_id, int(gid))
        for gid in conn.execute(
            select(GuarantorRow.id).where(GuarantorRow.fund_id == fund_id).order_by(GuarantorRow.id)
        ).scalars()
    )
    guarantees = tuple(
        GuaranteeLink(int(loan_id), int(gid), Money(int(pledged)))
        for loan_id, gid, pledged in rows_among(
            conn,
            select(GuaranteeRow.loan_id, GuaranteeRow.guarantor_id, GuaranteeRow.pledged)
            .join(LoanRow, and_(LoanRow.fund_id == GuaranteeRow.fund_id, LoanRow.id == GuaranteeRow.loan_id))
            .where(GuaranteeRow.fund_id == fund_id, LoanRow.status != LoanStatus.VOIDED.value)
            .order_by(GuaranteeRow.loan_id, GuaranteeRow.guarantor_id),
            GuaranteeRow.loan_id,
            among,
        )
    )
    return Portfolio(
        fund_id=fund.id,
        fund_code=fund.code,
        fund_name=fund.name,
        loans=tuple(list_loans(conn, fund_id, among=among)),
        schedules=_schedules(conn, fund_id, among),
        receipts=_receipts(conn, fund_id, among),
        write_offs=tuple(write_offs(conn, fund_id)),
        contributions=contributions,
        lent_before_opening=history,
        outflows=tuple(sorted(outflows, key=lambda o: (o.on, o.kind))),
        households=tuple(list_households(conn, fund_id)),
        records=tuple(household_records(conn, fund_id)),
        guarantors=guarantors,
        guarantees=guarantees,
        batches=tuple(list_batches(conn, fund_id)),
        capital_pledges=tuple(list_capital_pledges(conn, fund_id)),
        settled=settled,
    )
