"""Corrections (冲正): voiding a receipt, a disbursement, a grant, a contribution or a subsidy payment
(贴息) keyed wrong.

A voided record is kept, never deleted: the entries it posted are reversed by new entries dated on the
day of the correction (each ``reverses=`` its original), the record is entered in the correction
register (``revolve_void``) with why and on whose approval, and everything computed from it is computed
again: a receipt's loan (paid in its schedule version, principal/interest/fee/penalty paid, status and
closed date, pledged deposit held, a schedule version its prepayment rebuilt, the passbook pledge register
lines it applied or released, a guarantor's exposure and what it paid), a voided loan (no dues, no
exposure, no round, not counted; a guarantee call on it is kept as the record of a demand made), the
grant register, the capital, a subsidy period (unpaid again, its accrued payable owed again). Every read leaves voided records
out of the figures (:func:`revolve.store.voids.live`); the statement and the loan register show them as
voided.

Five operations, one per kind of record, so that each names its record the way a clerk does (a receipt
by its number, a loan by its number, a grant or a contribution by its entry, a subsidy payment by its
bank loan and period); they share one path here.
The decisions are pure (:mod:`revolve.loans.voids`): this family reads under the fund's lock, calls
them, and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from revolve.budget import BUDGET_PREFIX
from revolve.chart import AccountRole
from revolve.checks import ref_of
from revolve.closing import ReleaseEvent, release_entry
from revolve.errors import AlreadyReversed, UnknownEntry, UnknownReceipt, VoidRefused
from revolve.funds import check_open
from revolve.journal import Entry, PostedEntry, Posting
from revolve.loans import Loan, LoanStatus, Receipt
from revolve.loans.voids import (
    Void,
    VoidKind,
    check_not_voided,
    check_void_request,
    decide_disbursement_void,
    decide_receipt_void,
    decide_subsidy_void,
    first_short_day,
)
from revolve.money import Money
from revolve.operations.books import Books, Family, FundRef, Unit, with_budget_twins
from revolve.operations.restrictions import cancel_for_void
from revolve.pledges import restored_by_void
from revolve.rules import pledge_entry, pledge_release_entry
from revolve.store import funds as store_funds
from revolve.store import guarantors as store_guarantors
from revolve.store import journal as store_journal
from revolve.store import loans as store_loans
from revolve.store import pledges as store_pledges
from revolve.store import receipts as store_receipts
from revolve.store import subsidies as store_subsidies
from revolve.store import voids as store_voids
from revolve.store.accounts import ResolvedAccount

__all__ = ["Corrections"]

_AVAILABLE = (AccountRole.FUND_CASH, AccountRole.PLEDGE_DEPOSITS)


def _memo(rule: Callable[..., Entry], loan: str) -> str:
    """The memo the posting rule writes on a loan's deposit entry: how its follower is recognised."""
    return str(rule(loan=loan, amount=Money(1), on=date(2000, 1, 1)).memo)


def _release_memo(bank_loan: str) -> str:
    """The memo of the restriction release a subsidy payment posts right after its own entry."""
    one = Money(1)
    entry = release_entry(
        amount=one, available=one, event=ReleaseEvent.SUBSIDY, on=date(2000, 1, 1), memo=bank_loan
    )
    assert entry is not None
    return str(entry.memo)


def _follower(unit: Unit, seq: int, *, kind: str, memo: str) -> PostedEntry | None:
    """The entry after ``seq`` when it is the ``kind`` entry with ``memo`` that an operation posted right
    after entry ``seq`` (a pledge received with its loan, a pledge released with the receipt that closed
    it). A budget entry (平行记账) written between them on a 政府会计制度 book is stepped over."""
    nxt_seq = seq + 1
    while nxt_seq <= unit.head.count:
        nxt = store_journal.read_entry(unit.conn, unit.fund.id, nxt_seq)
        if not nxt.kind.startswith(BUDGET_PREFIX):
            return nxt if nxt.kind == kind and nxt.memo == memo else None
        nxt_seq += 1
    return None


def reverse_originals(
    books: Books, unit: Unit, name: str, originals: Sequence[PostedEntry], *, on: date, memo: str
) -> list[PostedEntry]:
    """Post the reversal of each original on ``on``, once, after checking the cash it takes back.

    Raises:
        AlreadyReversed: an original was reversed before.
        VoidRefused: the cash available would fall below zero on some date from ``on`` on.
        PeriodClosed: ``on`` is in a closed period.
        DateOutsideWindow: ``on`` is outside the fund's plausibility window.
    """
    conn, f = unit.conn, unit.fund
    check_open(f, on)
    books.check_window(unit, on)
    originals = with_budget_twins(conn, f.id, originals)
    for original in originals:
        by = store_journal.reversal_of(conn, f.id, original.seq)
        if by is not None:
            raise AlreadyReversed(f.id, original.seq, by_seq=by, fund=f.code)
    # what the originals brought into the cash available to lend, which their reversal takes back
    brought = sum(x.amount.fen for o in originals for x in o.lines if x.account.role in _AVAILABLE)
    if brought > 0:
        line = books.cash_line(conn, f, on)
        short = first_short_day(line.now, line.moves, take=brought, on=on)
        if short is not None:
            spent = store_voids.cash_outflows_on(conn, f.id, short)
            raise VoidRefused(
                name,
                blocker="cash_spent_after" if spent else "cash_spent",
                advice="payout_first",
                short=short.isoformat(),
                entries=", ".join(f"{s} ({k}, {Money(fen)})" for s, k, fen in spent[:3]),
            )
    prepared = [
        store_journal.prepare(
            Entry(
                value_date=on,
                kind=o.kind,
                postings=tuple(Posting(x.account, -x.amount) for x in o.lines),
                memo=memo,
                reverses=o.seq,
            ),
            [ResolvedAccount(x.account_id, x.account_code) for x in o.lines],
        )
        for o in originals
    ]
    written = store_journal.write_entries(
        conn, unit.head, prepared, recorded_at=books.clock(), key=books.chain_key
    )
    unit.head = store_funds.FundHead(f, unit.head.count + len(written), written[-1].hash)
    return written


class Corrections(Family):
    """Voiding receipts, disbursements, grants and contributions (冲正), and reading the voids."""

    # ---- the four voids ---------------------------------------------------------------------------
    def void_receipt(
        self, fund: FundRef, receipt: Receipt | str, *, on: date, reason: str, approved_by: str
    ) -> Void:
        """Void a receipt (a repayment or a recovery) keyed wrong, and put its loan back as it was before.

        The repayment entry is reversed on ``on`` (and the release of a pledged deposit, when the receipt
        closed the loan); the loan's paid amounts, schedule version, status and deposit held are those it
        had before the receipt; a schedule version its prepayment rebuilt is dropped; a passbook it applied
        (存折扣划) is held again in the pledge register, as is every passbook its closing of the loan
        released. A guarantee call stands (the loan owes what it owed again); a guarantor's payment voided
        leaves the guarantor answering for the principal again and no longer counts in what it paid.
        Record the right payment afterwards under a new receipt number.

        Args:
            fund: the fund.
            receipt: the receipt or its number (还款凭证号).
            on: the correction's value date, in an open period, not before the receipt.
            reason: why it is voided (冲正原因).
            approved_by: who approved the correction (批准人).

        Returns:
            The line of the correction register.

        Raises:
            UnknownReceipt: no such receipt.
            AlreadyVoided: it was voided before.
            VoidRefused: a later receipt on the loan (named with its payer: a guarantor's payment by the
                guarantor's code), its write-off or an extension depends on it, or the cash it brought has
                been paid out since (the payout is named).
            InvalidEntry: no reason or no approver.
            InvalidDate: ``on`` is before the receipt.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        number = receipt.receipt if isinstance(receipt, Receipt) else receipt
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            found = store_receipts.find_receipt(conn, f.id, number)
            if found is None:
                raise UnknownReceipt(number)
            name = f"receipt {number}"
            check_not_voided(name, store_voids.find_void(conn, f.id, found.entry_seq))
            check_void_request(name, reason=reason, approved_by=approved_by, on=on, made_on=found.value_date)
            ln = store_loans.find_loan(conn, f.id, found.loan_id)
            release = (
                _follower(
                    unit, found.entry_seq, kind="pledge.released", memo=_memo(pledge_release_entry, ln.number)
                )
                if ln.status is LoanStatus.CLOSED and found.kind == "repayment"
                else None
            )
            released = Money(
                sum(x.amount.fen for x in release.lines if x.account.role is AccountRole.PLEDGE_DEPOSITS)
                if release is not None
                else 0
            )
            live = store_receipts.receipts(conn, ln.id)
            decided = decide_receipt_void(
                ln,
                found,
                live=live,
                versions=store_loans.schedule_versions(conn, ln.fund_id, ln.id),
                release_seq=None if release is None else release.seq,
                release=released,
                guarantors={
                    r.guarantor_id: store_guarantors.find_guarantor(conn, f.id, r.guarantor_id).code
                    for r in live
                    if r.guarantor_id is not None
                },
            )
            originals = [store_journal.read_entry(conn, f.id, seq) for seq in decided.reverse]
            written = self._reverse(
                unit, name, originals, on=on, memo=f"冲正：作废还款凭证{number}（{reason}）"
            )
            if decided.drop_version is not None:
                store_voids.drop_schedule_version(conn, ln.id, decided.drop_version)
            store_loans.update_loan_state(conn, decided.loan)
            closed_on = ln.closed_on if ln.status is LoanStatus.CLOSED else None
            store_pledges.restore_lines(
                conn,
                restored_by_void(
                    store_pledges.passbook_pledges(conn, f.id, loan_id=ln.id),
                    receipt=number,
                    closed_on=closed_on,
                    on=on,
                ),
            )
            return self._enter_void(
                unit,
                VoidKind.RECEIPT,
                ref=number,
                original_seq=found.entry_seq,
                written=written,
                on=on,
                reason=reason,
                approved_by=approved_by,
                loan_id=ln.id,
            )

    def void_disbursement(
        self, fund: FundRef, loan: Loan | int | str, *, on: date, reason: str, approved_by: str
    ) -> Void:
        """Void a loan's disbursement: the loan was never lent, as the books will stand.

        The disbursement entry (and the deposit pledged with it) is reversed on ``on``; the loan is kept
        as voided (已作废): it owes nothing, its guarantors answer for nothing, and it counts in no round,
        turnover or household loan count. A guarantee call made on it is kept, as the record of a demand
        on a loan that no longer owes anything; a guarantor's payment is a receipt and must be voided first.

        Args:
            fund: the fund.
            loan: the loan (value, id or number).
            on: the correction's value date, in an open period, not before the payout.
            reason: why it is voided (冲正原因).
            approved_by: who approved the correction (批准人).

        Returns:
            The line of the correction register.

        Raises:
            UnknownLoan: no such loan.
            AlreadyVoided: it was voided before.
            VoidRefused: a receipt on it (a guarantor's payment among them) or its write-off depends on it.
            InvalidEntry: no reason or no approver.
            InvalidDate: ``on`` is before the payout.
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            ln = store_loans.find_loan(conn, f.id, ref_of(loan))
            paid_by = store_voids.disbursement_seq(conn, ln.id)
            name = f"the disbursement of loan {ln.number}"
            check_not_voided(name, store_voids.find_void(conn, f.id, paid_by))
            check_void_request(name, reason=reason, approved_by=approved_by, on=on, made_on=ln.disbursed_on)
            after = decide_disbursement_void(
                ln,
                live=store_receipts.receipts(conn, ln.id),
                written_off=ln.status is LoanStatus.WRITTEN_OFF,
                on=on,
            )
            originals = [store_journal.read_entry(conn, f.id, paid_by)]
            pledge = _follower(unit, paid_by, kind="pledge.received", memo=_memo(pledge_entry, ln.number))
            if pledge is not None:
                originals.append(pledge)
            written = self._reverse(
                unit, name, originals, on=on, memo=f"冲正：作废借款{ln.number}（{reason}）"
            )
            store_loans.update_loan_state(conn, after)
            return self._enter_void(
                unit,
                VoidKind.DISBURSEMENT,
                ref=ln.number,
                original_seq=paid_by,
                written=written,
                on=on,
                reason=reason,
                approved_by=approved_by,
                loan_id=ln.id,
            )

    def void_grant(
        self, fund: FundRef, grant: PostedEntry | int, *, on: date, reason: str, approved_by: str
    ) -> Void:
        """Void a one-off grant (一次性帮扶): its entry is reversed and it leaves the grant register.

        Args:
            fund: the fund.
            grant: the grant's entry (or its number).
            on: the correction's value date, in an open period, not before the grant.
            reason: why it is voided (冲正原因).
            approved_by: who approved the correction (批准人).

        Raises:
            UnknownEntry: no such entry, or it is not a grant.
            AlreadyVoided: it was voided before.
            InvalidEntry, InvalidDate, PeriodClosed: as :meth:`void_receipt`.
            UnknownFund: no fund has this id or code.
        """
        return self._void_entry(
            fund, grant, VoidKind.GRANT, on=on, reason=reason, approved_by=approved_by, is_kind=("grant",)
        )

    def void_contribution(
        self, fund: FundRef, contribution: PostedEntry | int, *, on: date, reason: str, approved_by: str
    ) -> Void:
        """Void a contribution (a donation or government money keyed wrong): its entry is reversed and
        the capital no longer counts it.

        Args:
            fund: the fund.
            contribution: the contribution's entry (or its number).
            on: the correction's value date, in an open period, not before the contribution.
            reason: why it is voided (冲正原因).
            approved_by: who approved the correction (批准人).

        Raises:
            UnknownEntry: no such entry, or it is not a contribution.
            AlreadyVoided: it was voided before.
            AlreadyReversed: it was reversed already with :meth:`revolve.Ledger.reverse`.
            VoidRefused: the cash it brought was lent or paid out since, so that cash available would fall
                below zero on some date (the payouts of that day are named).
            InvalidEntry, InvalidDate, PeriodClosed: as :meth:`void_receipt`.
            UnknownFund: no fund has this id or code.
        """
        return self._void_entry(
            fund,
            contribution,
            VoidKind.CONTRIBUTION,
            on=on,
            reason=reason,
            approved_by=approved_by,
            is_kind=("contribution.",),
        )

    def void_subsidy(
        self, fund: FundRef, bank_loan: int | str, *, period: int, on: date, reason: str, approved_by: str
    ) -> Void:
        """Void a subsidy payment (贴息) keyed wrong: the period is unpaid again and may be paid again.

        The payment's own entries are reversed exactly on ``on``: the subsidy entry (so a period accrued
        at a close owes its payable again, Cr 应付款项; one not accrued takes back its expense) and the
        restriction release posted with it, if one was. The payment is kept, marked voided.

        Args:
            fund: the fund.
            bank_loan: the bank loan (id or number).
            period: the interest period whose payment is voided.
            on: the correction's value date, in an open period, not before the payment.
            reason: why it is voided (冲正原因).
            approved_by: who approved the correction (批准人).

        Returns:
            The line of the correction register (reference ``"<bank loan>/<period>"``).

        Raises:
            UnknownBankLoan: no such bank loan.
            AlreadyVoided: the period's payment was voided, and the period not paid again.
            UnknownEntry: the period was never paid.
            InvalidEntry, InvalidDate, PeriodClosed: as :meth:`void_receipt`.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            row = store_subsidies.find_bank_loan(conn, f.id, bank_loan)
            earlier = store_subsidies.subsidy_payments(conn, row.id, voided=True).get(period)
            seq = decide_subsidy_void(
                row.number,
                period,
                store_subsidies.subsidy_payments(conn, row.id),
                voided=None if earlier is None else store_voids.find_void(conn, f.id, earlier),
            )
            original = store_journal.read_entry(conn, f.id, seq)
            name = f"the subsidy of period {period} of bank loan {row.number}"
            check_void_request(
                name, reason=reason, approved_by=approved_by, on=on, made_on=original.value_date
            )
            originals = [original]
            release = _follower(unit, seq, kind="restriction.release", memo=_release_memo(row.number))
            if release is not None:
                originals.append(release)
            written = self._reverse(
                unit, name, originals, on=on, memo=f"冲正：作废{row.number}第{period}期贴息（{reason}）"
            )
            return self._enter_void(
                unit,
                VoidKind.SUBSIDY,
                ref=f"{row.number}/{period}",
                original_seq=seq,
                written=written,
                on=on,
                reason=reason,
                approved_by=approved_by,
                loan_id=None,
            )

    # ---- reading ------------------------------------------------------------------------------------
    def voids(self, fund: FundRef, *, loan: Loan | int | str | None = None) -> list[Void]:
        """The fund's correction register (冲正登记簿), or the lines of one loan, in the order made.

        Raises:
            UnknownFund: no fund has this id or code.
            UnknownLoan: no such loan in the fund.
        """
        with self._books.reading(fund) as (conn, found):
            loan_id = None if loan is None else store_loans.find_loan(conn, found.id, ref_of(loan)).id
            return store_voids.list_voids(conn, found.id, loan_id=loan_id)

    def voided_receipts(self, fund: FundRef, loan: Loan | int | str) -> list[Receipt]:
        """A loan's voided receipts, as they were recorded (:meth:`receipts` leaves them out).

        Raises:
            UnknownFund: no fund has this id or code.
            UnknownLoan: no such loan in the fund.
        """
        with self._books.reading(fund) as (conn, found):
            return store_voids.voided_receipts(conn, store_loans.find_loan(conn, found.id, ref_of(loan)).id)

    # ---- the shared path --------------------------------------------------------------------------
    def _void_entry(
        self,
        fund: FundRef,
        record: PostedEntry | int,
        kind: VoidKind,
        *,
        on: date,
        reason: str,
        approved_by: str,
        is_kind: tuple[str, ...],
    ) -> Void:
        seq = record.seq if isinstance(record, PostedEntry) else record
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            original = store_journal.read_entry(conn, f.id, seq)
            if not original.kind.startswith(is_kind) or original.reverses is not None:
                raise UnknownEntry(
                    (f.id, seq), reason="other_kind", seq=seq, entry_kind=original.kind, kind=kind.value
                )
            if kind is VoidKind.GRANT and not store_voids.is_grant(conn, f.id, seq):
                raise UnknownEntry((f.id, seq), reason="no_grant", seq=seq)
            name = f"the {kind.value} of entry {seq}"
            check_not_voided(name, store_voids.find_void(conn, f.id, seq))
            check_void_request(
                name, reason=reason, approved_by=approved_by, on=on, made_on=original.value_date
            )
            # a contribution's time restriction is cancelled, and its release reversed with it
            released = cancel_for_void(unit, seq, on) if kind is VoidKind.CONTRIBUTION else []
            written = self._reverse(
                unit,
                name,
                [original, *released],
                on=on,
                memo=f"冲正：作废第{seq}号凭证（{kind.label_zh}，{reason}）",
            )
            return self._enter_void(
                unit,
                kind,
                ref=str(seq),
                original_seq=seq,
                written=written,
                on=on,
                reason=reason,
                approved_by=approved_by,
                loan_id=None,
            )

    def _reverse(
        self, unit: Unit, name: str, originals: Sequence[PostedEntry], *, on: date, memo: str
    ) -> list[PostedEntry]:
        return reverse_originals(self._books, unit, name, originals, on=on, memo=memo)

    def _enter_void(
        self,
        unit: Unit,
        kind: VoidKind,
        *,
        ref: str,
        original_seq: int,
        written: Sequence[PostedEntry],
        on: date,
        reason: str,
        approved_by: str,
        loan_id: int | None,
    ) -> Void:
        return store_voids.insert_void(
            unit.conn,
            unit.fund.id,
            kind=kind,
            reference=ref,
            original_seq=original_seq,
            reversal_seq=written[0].seq,
            on=on,
            reason=reason.strip(),
            approved_by=approved_by.strip(),
            loan_id=loan_id,
            recorded_at=self._books.clock(),
        )
