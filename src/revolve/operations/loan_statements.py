"""Reading one loan for its repayment statement (还款对账单): everything the statement shows, in one read
transaction.

The statement puts the loan's schedule beside its receipts, its guarantees, its passbooks, its voided
records and the fund's checkpoint. Read as a dozen separate reads, each its own transaction, a payment
committed between two of them could appear in the receipts and not yet in the loan's paid figures, or
the checkpoint printed could name a head the figures do not come from. Read here, in one transaction,
they are one snapshot of the books (PostgreSQL: REPEATABLE READ; SQLite: a deferred ``BEGIN`` in WAL
mode), and the loan is found once, every later read going by its id.
"""

from __future__ import annotations

from dataclasses import dataclass

from revolve.chain import Checkpoint
from revolve.checks import ref_of
from revolve.funds import Fund
from revolve.guarantees import Guarantor
from revolve.households import Household
from revolve.loans import Batch, Due, Loan, Receipt, ScheduleVersion
from revolve.loans.voids import Void
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.pledges import PassbookPledge
from revolve.store import funds as store_funds
from revolve.store import guarantors as store_guarantors
from revolve.store import households as store_households
from revolve.store import journal as store_journal
from revolve.store import loans as store_loans
from revolve.store import pledges as store_pledges
from revolve.store import receipts as store_receipts
from revolve.store import voids as store_voids

__all__ = ["LoanStatementReads", "LoanStatements"]


@dataclass(frozen=True, slots=True)
class LoanStatementReads:
    """What a loan's repayment statement shows, as one snapshot of the books.

    Attributes:
        fund: the fund that lent.
        organisation: the name of the organisation that owns the fund (编制单位).
        loan: the loan and its repayment state.
        household: the borrowing household's file.
        village: the name of the household's village (its organisation), or ``""``.
        batch: the loan's batch (发放批次), or None.
        versions: every schedule version of the loan, oldest first.
        dues: the instalments of each schedule version, by version number.
        receipts: the loan's receipts (voided ones left out), as :meth:`Queries.receipts` lists them.
        guarantors: each guarantor answering for the loan, with the deposit it pledged.
        guarantee_calls: how many calls were made on the loan's guarantees.
        passbooks: the passbooks pledged for the loan (存折质押), in the order taken.
        voids: the loan's lines of the correction register (冲正登记簿), in the order made.
        voided_receipts: the loan's voided receipts (read only when it has voids).
        checkpoint: the fund's head as stored, the statement's 账簿校验码.
    """

    fund: Fund
    organisation: str
    loan: Loan
    household: Household
    village: str
    batch: Batch | None
    versions: tuple[ScheduleVersion, ...]
    dues: dict[int, tuple[Due, ...]]
    receipts: tuple[Receipt, ...]
    guarantors: tuple[tuple[Guarantor, Money], ...]
    guarantee_calls: int
    passbooks: tuple[PassbookPledge, ...]
    voids: tuple[Void, ...]
    voided_receipts: tuple[Receipt, ...]
    checkpoint: Checkpoint


class LoanStatements(Family):
    """The read behind a loan's repayment statement."""

    def loan_statement_reads(self, fund: FundRef, loan: Loan | int | str) -> LoanStatementReads:
        """Everything a loan's repayment statement shows, read in one transaction (one snapshot).

        Args:
            fund: the fund that lent.
            loan: the loan (value, id or number).

        Returns:
            The loan, its household, schedule, receipts, guarantees, passbooks, voids and the fund's
            checkpoint, all as of the same moment.

        Raises:
            UnknownLoan: no such loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            ln = store_loans.find_loan(conn, found.id, ref_of(loan))
            household = store_households.find_household(conn, found.id, ln.household_id)
            village = (
                store_funds.find_org(conn, household.org_id).name if household.org_id is not None else ""
            )
            organisation = store_funds.find_org(conn, found.org_id).name
            batch = (
                store_households.find_batch(conn, found.id, ln.batch_id) if ln.batch_id is not None else None
            )
            schedule = tuple(store_loans.schedule_versions(conn, found.id, ln.id))
            dues = store_loans.dues_by_version(conn, found.id, ln.id)
            receipts = tuple(store_receipts.receipts(conn, ln.id))
            guarantors = tuple(
                (store_guarantors.find_guarantor(conn, found.id, g), pledged)
                for g, pledged in store_guarantors.loan_guarantors(conn, ln.id)
            )
            calls = len(store_guarantors.guarantee_calls(conn, ln.id))
            passbooks = tuple(store_pledges.passbook_pledges(conn, found.id, loan_id=ln.id))
            voids = tuple(store_voids.list_voids(conn, found.id, loan_id=ln.id))
            voided = tuple(store_voids.voided_receipts(conn, ln.id)) if voids else ()
            checkpoint = store_journal.head_checkpoint(conn, found)
        return LoanStatementReads(
            fund=found,
            organisation=organisation,
            loan=ln,
            household=household,
            village=village,
            batch=batch,
            versions=schedule,
            dues=dues,
            receipts=receipts,
            guarantors=guarantors,
            guarantee_calls=calls,
            passbooks=passbooks,
            voids=voids,
            voided_receipts=voided,
            checkpoint=checkpoint,
        )
