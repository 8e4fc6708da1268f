"""Bulk reads for reports: one fund's whole lending portfolio in a handful of queries (every lending
table of the fund: loans, schedule versions and instalments, receipts, write-offs, households and their
records, guarantors and guarantees, batches, grants and subsidy payments, and the contributions and
returns read from the journal).

:func:`load_portfolio` returns a frozen :class:`~revolve.portfolio.Portfolio`; the figures of every report
are then computed from it by pure functions, so the cost of a report does not grow with the number of
queries per loan. :func:`load_portfolios` reads the portfolios of many funds (a roll-up's) with the same
handful of queries, each over all the funds and its rows dealt out by fund, so that the cost of a
province's report does not grow with the number of queries per fund either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, and_, func, select

from revolve.allocations import capital_key
from revolve.chart import AccountRole
from revolve.errors import UnknownFund
from revolve.loans import LoanSchedule, LoanStatus
from revolve.loans.dues import InstalmentRow, as_dues
from revolve.money import Money
from revolve.opening import eve
from revolve.portfolio import Contribution, GuaranteeLink, Outflow, Portfolio, cycle_collector_paused
from revolve.store.capital_pledges import capital_pledges_of
from revolve.store.figures import principal_disbursed_between
from revolve.store.lookup import of_funds, rows_among
from revolve.store.opening import openings_of
from revolve.store.rows import (
    batch_of,
    fund_of,
    guarantor_of,
    household_of,
    household_record_of,
    loan_of,
    receipt_of,
    write_off_of,
)
from revolve.store.schema import (
    AccountRow,
    BankLoanRow,
    BatchRow,
    EntryRow,
    FundRow,
    GrantRow,
    GroupMemberRow,
    GuaranteeRow,
    GuarantorRow,
    HouseholdRecordRow,
    HouseholdRow,
    InstallmentRow,
    LoanRow,
    PostingRow,
    ReceiptRow,
    ScheduleVersionRow,
    SubsidyPaymentRow,
    WriteOffRow,
)
from revolve.store.settled import read_settled
from revolve.store.voids import live, void_reversals

__all__ = ["load_portfolio", "load_portfolios"]

T = TypeVar("T")


def _by_fund(rows: Iterable[Any], make: Callable[[Any], T]) -> dict[int, list[T]]:
    """The rows' values dealt out by the rows' ``fund_id``, in the rows' order."""
    found: dict[int, list[T]] = defaultdict(list)
    for row in rows:
        found[int(row.fund_id)].append(make(row))
    return found


def _schedules(
    conn: Connection, fund_ids: Sequence[int], among: Sequence[int] | None
) -> dict[int, list[LoanSchedule]]:
    effective = {
        (int(loan_id), int(version)): on
        for loan_id, version, on in rows_among(
            conn,
            select(
                ScheduleVersionRow.loan_id, ScheduleVersionRow.version, ScheduleVersionRow.effective_on
            ).where(of_funds(ScheduleVersionRow.fund_id, fund_ids)),
            ScheduleVersionRow.loan_id,
            among,
        )
    }
    dues: dict[tuple[int, int, int], list[InstalmentRow]] = defaultdict(list)
    for fund_id, loan_id, version, number, due_date, principal, interest, fee in rows_among(
        conn,
        select(
            InstallmentRow.fund_id,
            InstallmentRow.loan_id,
            InstallmentRow.version,
            InstallmentRow.number,
            InstallmentRow.due_date,
            InstallmentRow.principal,
            InstallmentRow.interest,
            InstallmentRow.fee,
        )
        .where(of_funds(InstallmentRow.fund_id, fund_ids))
        .order_by(InstallmentRow.loan_id, InstallmentRow.version, InstallmentRow.number),
        InstallmentRow.loan_id,
        among,
    ):
        dues[(int(fund_id), int(loan_id), int(version))].append((number, due_date, principal, interest, fee))
    found: dict[int, list[LoanSchedule]] = defaultdict(list)
    for (fund_id, loan_id, version), items in sorted(dues.items(), key=lambda item: item[0][1:]):
        found[fund_id].append(LoanSchedule(loan_id, version, effective[(loan_id, version)], as_dues(items)))
    return found


def _cash_by_entry(
    conn: Connection, fund_ids: Sequence[int], *, kinds: str
) -> list[tuple[int, str, int, Any]]:
    """(fund, kind, cash movement in fen, value date) per entry whose kind starts with ``kinds``, in
    the order of each fund's journal."""
    return [
        (int(fund_id), kind, int(total), day)
        for fund_id, kind, total, day in conn.execute(
            select(EntryRow.fund_id, EntryRow.kind, func.sum(PostingRow.amount), EntryRow.value_date)
            .join(
                PostingRow, and_(PostingRow.fund_id == EntryRow.fund_id, PostingRow.entry_seq == EntryRow.seq)
            )
            .join(
                AccountRow,
                and_(AccountRow.fund_id == PostingRow.fund_id, AccountRow.id == PostingRow.account_id),
            )
            .where(
                # the funds' few entries of these kinds, found by the (kind, fund_id) index, then their
                # cash lines: never every cash posting of the funds (or, without the fund on the account,
                # of every fund in the database)
                of_funds(EntryRow.fund_id, fund_ids),
                of_funds(AccountRow.fund_id, fund_ids),
                EntryRow.kind.like(f"{kinds}%"),
                AccountRow.role == AccountRole.FUND_CASH.value,
                # a voided contribution and the entry that voided it are left out together
                void_reversals(EntryRow.fund_id, EntryRow.seq),
            )
            .group_by(EntryRow.fund_id, EntryRow.seq, EntryRow.kind, EntryRow.value_date)
            .order_by(EntryRow.fund_id, EntryRow.seq)
        )
    ]


def _contributions(conn: Connection, fund_ids: Sequence[int]) -> dict[int, list[Contribution]]:
    """Capital: contributions, and allocations (拨付) received or, negative, given, by value date."""
    found: dict[int, list[Contribution]] = defaultdict(list)
    rows = _cash_by_entry(conn, fund_ids, kinds="contribution.") + _cash_by_entry(
        conn, fund_ids, kinds="allocation."
    )
    for fund_id, kind, total, day in sorted(rows, key=lambda row: (row[0], row[3])):
        if (source := capital_key(kind)) is not None:
            found[fund_id].append(Contribution(source, Money(total), day))
    return found


def _outflows(conn: Connection, fund_ids: Sequence[int]) -> dict[int, list[Outflow]]:
    """Grants, interest subsidies and money returned to finance, by value date then kind."""
    found: dict[int, list[Outflow]] = defaultdict(list)
    for fund_id, household, amount, day in conn.execute(
        select(GrantRow.fund_id, GrantRow.household_id, GrantRow.amount, GrantRow.value_date).where(
            of_funds(GrantRow.fund_id, fund_ids), live(GrantRow.fund_id, GrantRow.entry_seq)
        )
    ):
        found[int(fund_id)].append(Outflow("grant", Money(int(amount)), day, int(household)))
    for fund_id, amount, day, household in conn.execute(
        select(
            SubsidyPaymentRow.fund_id,
            SubsidyPaymentRow.amount,
            SubsidyPaymentRow.value_date,
            BankLoanRow.household_id,
        )
        .join(
            BankLoanRow,
            and_(
                BankLoanRow.fund_id == SubsidyPaymentRow.fund_id,
                BankLoanRow.id == SubsidyPaymentRow.bank_loan_id,
            ),
        )
        .where(
            of_funds(SubsidyPaymentRow.fund_id, fund_ids),
            live(SubsidyPaymentRow.fund_id, SubsidyPaymentRow.entry_seq),
        )
    ):
        found[int(fund_id)].append(Outflow("subsidy", Money(int(amount)), day, int(household)))
    for fund_id, _, total, day in _cash_by_entry(conn, fund_ids, kinds="return_to_finance"):
        found[fund_id].append(Outflow("return_to_finance", Money(-total), day))
    for outflows in found.values():
        outflows.sort(key=lambda o: (o.on, o.kind))
    return found


def _guarantors(conn: Connection, fund_ids: Sequence[int]) -> dict[int, list[Any]]:
    members: dict[int, list[int]] = defaultdict(list)
    for guarantor_id, household in conn.execute(
        select(GroupMemberRow.guarantor_id, GroupMemberRow.household_id)
        .where(of_funds(GroupMemberRow.fund_id, fund_ids))
        .order_by(GroupMemberRow.guarantor_id, GroupMemberRow.household_id)
    ):
        members[int(guarantor_id)].append(int(household))
    rows = conn.execute(
        select(GuarantorRow.__table__)
        .where(of_funds(GuarantorRow.fund_id, fund_ids))
        .order_by(GuarantorRow.id)
    )
    return _by_fund(rows, lambda r: guarantor_of(r, tuple(members.get(int(r.id), ()))))


def _guarantees(
    conn: Connection, fund_ids: Sequence[int], among: Sequence[int] | None
) -> dict[int, list[GuaranteeLink]]:
    rows = rows_among(
        conn,
        select(GuaranteeRow.fund_id, GuaranteeRow.loan_id, GuaranteeRow.guarantor_id, GuaranteeRow.pledged)
        .join(LoanRow, and_(LoanRow.fund_id == GuaranteeRow.fund_id, LoanRow.id == GuaranteeRow.loan_id))
        .where(of_funds(GuaranteeRow.fund_id, fund_ids), LoanRow.status != LoanStatus.VOIDED.value)
        .order_by(GuaranteeRow.loan_id, GuaranteeRow.guarantor_id),
        GuaranteeRow.loan_id,
        among,
    )
    return _by_fund(rows, lambda r: GuaranteeLink(int(r.loan_id), int(r.guarantor_id), Money(int(r.pledged))))


def _rows(conn: Connection, table: Any, fund_ids: Sequence[int], *order: Any) -> list[Any]:
    return list(
        conn.execute(select(table.__table__).where(of_funds(table.fund_id, fund_ids)).order_by(*order))
    )


def load_portfolio(conn: Connection, fund_id: int, *, settled_before: date | None = None) -> Portfolio:
    """The fund's whole lending, as one frozen value.

    With ``settled_before``, the loans settled before that day (:mod:`revolve.store.settled`) are summed
    up in ``Portfolio.settled`` and their loans, schedules, receipts and guarantees are not read: the snapshot then
    serves periods starting on that day or later.

    Raises:
        UnknownFund: no fund has this id.
    """
    return load_portfolios(conn, [fund_id], settled_before=settled_before)[0]


def load_portfolios(
    conn: Connection, fund_ids: Sequence[int], *, settled_before: date | None = None
) -> list[Portfolio]:
    """The portfolios of these funds (:func:`load_portfolio` of each, in this order), each table read
    once for all of them.

    Raises:
        UnknownFund: one of the ids is no fund's.
    """
    if not fund_ids:
        return []
    with cycle_collector_paused():  # tens of thousands of acyclic values made (revolve.portfolio)
        return _load_portfolios(conn, fund_ids, settled_before)


def _load_portfolios(
    conn: Connection, fund_ids: Sequence[int], settled_before: date | None
) -> list[Portfolio]:
    funds = {
        f.id: f for f in map(fund_of, conn.execute(select(FundRow.__table__).where(FundRow.id.in_(fund_ids))))
    }
    for fund_id in fund_ids:
        if fund_id not in funds:
            raise UnknownFund(fund_id)
    ids = sorted(funds)
    settled, among = (None, None) if settled_before is None else read_settled(conn, ids, settled_before)
    contributions = _contributions(conn, ids)
    openings = openings_of(conn, ids)
    outflows = _outflows(conn, ids)
    guarantors = _guarantors(conn, ids)
    guarantees = _guarantees(conn, ids, among)
    loans = _by_fund(
        rows_among(
            conn,
            select(LoanRow.__table__)
            .where(of_funds(LoanRow.fund_id, ids), LoanRow.status != LoanStatus.VOIDED.value)
            .order_by(LoanRow.id),
            LoanRow.id,
            among,
        ),
        loan_of,
    )
    schedules = _schedules(conn, ids, among)
    receipts = _by_fund(
        rows_among(
            conn,
            select(ReceiptRow.__table__)
            .where(of_funds(ReceiptRow.fund_id, ids), live(ReceiptRow.fund_id, ReceiptRow.entry_seq))
            .order_by(ReceiptRow.loan_id, ReceiptRow.value_date, ReceiptRow.id),
            ReceiptRow.loan_id,
            among,
        ),
        receipt_of,
    )
    written_off = _by_fund(
        conn.execute(
            select(WriteOffRow.__table__, LoanRow.number, LoanRow.recovered)
            .join(LoanRow, and_(LoanRow.fund_id == WriteOffRow.fund_id, LoanRow.id == WriteOffRow.loan_id))
            .where(of_funds(WriteOffRow.fund_id, ids))
            .order_by(WriteOffRow.written_on, WriteOffRow.loan_id)
        ),
        write_off_of,
    )
    households = _by_fund(_rows(conn, HouseholdRow, ids, HouseholdRow.id), household_of)
    records = _by_fund(
        _rows(conn, HouseholdRecordRow, ids, HouseholdRecordRow.on_date, HouseholdRecordRow.id),
        household_record_of,
    )
    batches = _by_fund(_rows(conn, BatchRow, ids, BatchRow.id), batch_of)
    pledges = capital_pledges_of(conn, ids)
    out: list[Portfolio] = []
    for fund_id in fund_ids:
        fund = funds[fund_id]
        capital = tuple(contributions.get(fund_id, ()))
        # capital and lending before the books opened in revolve (期初) count from the opening day
        opening = openings.get(fund_id)
        history: tuple[tuple[date, Money], ...] = ()
        if opening is not None:
            capital = (
                *(Contribution(source, amount, opening.on) for source, amount in opening.capital.items()),
                *capital,
            )
            brought = principal_disbursed_between(conn, fund_id, None, eve(opening.on))
            history = ((opening.on, opening.lent_before - brought),)
        out.append(
            Portfolio(
                fund_id=fund.id,
                fund_code=fund.code,
                fund_name=fund.name,
                loans=tuple(loans.get(fund_id, ())),
                schedules=tuple(schedules.get(fund_id, ())),
                receipts=tuple(receipts.get(fund_id, ())),
                write_offs=tuple(written_off.get(fund_id, ())),
                contributions=capital,
                lent_before_opening=history,
                outflows=tuple(outflows.get(fund_id, ())),
                households=tuple(households.get(fund_id, ())),
                records=tuple(records.get(fund_id, ())),
                guarantors=tuple(guarantors.get(fund_id, ())),
                guarantees=tuple(guarantees.get(fund_id, ())),
                batches=tuple(batches.get(fund_id, ())),
                capital_pledges=tuple(pledges.get(fund_id, ())),
                settled=None if settled is None else settled[fund_id],
            )
        )
    return out
