"""The loans of a fund settled before a day, found and summed up in SQL (:class:`~revolve.portfolio.SettledLoans`).

A report for periods from a day on needs nothing of a loan settled before that day but a few constant
sums (see :class:`~revolve.portfolio.SettledLoans` for why each is constant), so :func:`read_settled`
reads those sums, with the ids of the fund's other loans, whose rows
:func:`revolve.store.portfolio.load_portfolio` then reads one by one. The test is made on the books as
they stand when read, in the same transaction as the rest of the snapshot: nothing is stored, so a
receipt voided, a recovery recorded or a period reopened since can never leave a summary stale.

The rule, in one place (:func:`_settled`): a loan is settled before ``before`` when

* it is closed (``status = closed``) on a day before ``before``, and was paid out before it;
* its principal repaid (the loan's ``principal_paid``, which :meth:`revolve.Ledger.check` holds equal to
  its live repayments, ``loan_conservation``) is its whole principal, so nothing is outstanding later;
* it has only its first schedule version (no extension or prepayment made another: versions are
  numbered from 1 up), effective before ``before``, and none of its instalments falls due on or after
  ``before``; its principal due is that version's principal, which its instalments carry
  (``schedules_sum_to_principal``);
* it has no receipt at all (live or voided) dated on or after ``before``, nor under another version.

The last three tests are each one set of loan ids of the funds read — those with a later version, a
later instalment, a later or re-scheduled receipt, all few — read once and hashed (``NOT IN``; loan ids
are unique across funds), not index probes made for every old loan; so the read costs a pass over the
funds' loans in the database and nothing in Python for each settled loan. The funds of a roll-up are
read together, in one statement whose sums are grouped by fund, not a statement a fund. The tests whose
share PostgreSQL cannot estimate (the three sets, and ``principal_paid = principal``) make a column of
the candidate loans rather than a filter, so that the loans are joined to their versions by hashing,
not probed one at a time; the loans not settled are found by an anti-join (``NOT EXISTS``, which stays a
hash or merge join however many loans are settled, where a ``NOT IN`` over them would stop being hashed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import CTE, Connection, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from revolve.loans import LoanStatus
from revolve.money import Money
from revolve.portfolio import SettledLoans
from revolve.store.lookup import of_funds
from revolve.store.schema import InstallmentRow, LoanRow, ReceiptRow, ScheduleVersionRow

__all__ = ["read_settled"]

_FIRST_VERSION = 1


def _settled(fund_ids: Sequence[int], before: date) -> CTE:
    """The funds' closed loans of one schedule version paid out before ``before``: fund, id, round,
    principal, household, principal due, and ``settled`` (1 when the loan is settled before ``before``)."""
    # aliases throughout, so that the tests (NOT IN) never take the loan or its version for their own rows
    loan = aliased(LoanRow, name="settled_loan")
    version = aliased(ScheduleVersionRow, name="settled_version")
    other = aliased(ScheduleVersionRow, name="other_version")
    due = aliased(InstallmentRow, name="later_due")
    receipt = aliased(ReceiptRow, name="later_receipt")
    # the rule's last tests make a column, not a filter of the loans: PostgreSQL cannot tell how many
    # loans pass them (it takes each for rare) and, expecting a handful of loans where there are
    # thousands, would join their versions one probe at a time; as a column, the join is planned on the
    # tests it can count, and hashed
    settled = and_(
        loan.principal_paid == loan.principal,
        # each test is a set of the funds' loan ids read once (a hashed NOT IN on PostgreSQL; loan ids
        # are unique across funds), not a probe per loan: the sets are the few loans live near
        # ``before``, the loans tested are all the funds' older ones
        loan.id.not_in(
            select(other.loan_id).where(of_funds(other.fund_id, fund_ids), other.version != _FIRST_VERSION)
        ),
        loan.id.not_in(
            select(due.loan_id).where(
                of_funds(due.fund_id, fund_ids), due.version == _FIRST_VERSION, due.due_date >= before
            )
        ),
        loan.id.not_in(
            select(receipt.loan_id).where(
                of_funds(receipt.fund_id, fund_ids),
                or_(receipt.value_date >= before, receipt.schedule_version != _FIRST_VERSION),
            )
        ),
    )
    return (
        select(
            loan.fund_id,
            loan.id,
            loan.round,
            loan.principal,
            loan.household_id,
            version.principal.label("due"),
            case((settled, 1), else_=0).label("settled"),
        )
        .join(
            version,
            and_(
                version.fund_id == loan.fund_id,
                version.loan_id == loan.id,
                version.version == loan.schedule_version,
            ),
        )
        .where(
            of_funds(loan.fund_id, fund_ids),
            loan.status == LoanStatus.CLOSED.value,
            loan.closed_on < before,
            loan.disbursed_on < before,
            loan.schedule_version == _FIRST_VERSION,
            version.effective_on < before,
        )
        .cte("settled")
    )


def read_settled(
    conn: Connection, fund_ids: Sequence[int], before: date
) -> tuple[dict[int, SettledLoans], list[int]]:
    """Each fund's loans settled before ``before``, summed up, and the ids of all their other loans
    (voided ones too), in one statement so that the rule is applied once.

    The statement's rows are of three kinds, told apart by their first column: ``round`` (fund, round,
    loans, principal, principal due, recovered against due), ``household`` (fund, a household lent to) and
    ``other`` (fund, the id of a loan not settled).
    """
    s = _settled(fund_ids, before)
    zero = literal(0)
    # per loan, what counts as recovered against what fell due is the smaller of the two; the
    # principal repaid is the principal (the rule's second test)
    against = case((s.c.due < s.c.principal, s.c.due), else_=s.c.principal)
    rows = conn.execute(
        union_all(
            select(
                literal("round"),
                s.c.fund_id,
                s.c.round,
                func.count(),
                func.sum(s.c.principal),
                func.sum(s.c.due),
                func.sum(against),
            )
            .where(s.c.settled == 1)
            .group_by(s.c.fund_id, s.c.round),
            select(literal("household"), s.c.fund_id, s.c.household_id, zero, zero, zero, zero)
            .where(s.c.settled == 1)
            .group_by(s.c.fund_id, s.c.household_id),
            select(literal("other"), LoanRow.fund_id, LoanRow.id, zero, zero, zero, zero).where(
                of_funds(LoanRow.fund_id, fund_ids),
                ~exists().where(s.c.fund_id == LoanRow.fund_id, s.c.id == LoanRow.id, s.c.settled == 1),
            ),
        )
    ).all()
    rounds: dict[int, list[tuple[int, int, int, int, int]]] = defaultdict(list)
    households: dict[int, set[int]] = defaultdict(set)
    others: list[int] = []
    for kind, fund, key, n, p, d, a in rows:
        if kind == "round":
            rounds[int(fund)].append((int(key), int(n), int(p), int(d), int(a)))
        elif kind == "household":
            households[int(fund)].add(int(key))
        else:
            others.append(int(key))
    settled: dict[int, SettledLoans] = {}
    for fund in fund_ids:
        mine = sorted(rounds.get(fund, ()))
        settled[fund] = SettledLoans(
            before=before,
            by_round=tuple((r, n) for r, n, _, _, _ in mine),
            principal=Money(sum(p for _, _, p, _, _ in mine)),
            fallen_due=Money(sum(d for _, _, _, d, _ in mine)),
            recovered_against_due=Money(sum(a for _, _, _, _, a in mine)),
            households=frozenset(households.get(fund, ())),
        )
    return settled, others
