"""Closing a fund's period (结账) and reopening it (反结账), the fund's restriction policy, and the
restriction release that grants, subsidies, write-offs and returns to finance post, and the release of
time restrictions that end by a close (see :mod:`revolve.closing` for the
rules and docs/books.md for the articles they follow)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from revolve.accruals import accrue
from revolve.budget import budget_closing_entries
from revolve.chart import AccountKind, AccountRole, chart_named
from revolve.checks import check_date
from revolve.closing import (
    CLOSE_PREFIX,
    PeriodReopening,
    ReleaseEvent,
    RestrictionPolicy,
    accrual_entry,
    closing_entries,
    release_entry,
    settlement_entries,
    subsidy_accrual_entry,
    subsidy_incurred,
)
from revolve.errors import Hint, InvalidDate, InvalidEntry, YearEndNotClosed
from revolve.funds import Fund
from revolve.journal import Entry, Posting
from revolve.money import Money
from revolve.opening import OPENING_KIND
from revolve.operations.books import Family, FundRef, Unit
from revolve.operations.restrictions import floor_on, release_time_restrictions
from revolve.store import accounts as store_accounts
from revolve.store import accruals as store_accruals
from revolve.store import closing as store_closing
from revolve.store import funds as store_funds
from revolve.store import rows as store_rows
from revolve.store import subsidies as store_subsidies
from revolve.subsidy import bank_loan_subsidy

__all__ = ["Closing", "release_entries", "with_accruals"]

R = AccountRole


def with_accruals(unit: Unit) -> Fund:
    """Read the date the locked fund is accrued through into the unit's fund, and return that fund.

    Repayments and subsidy payments need it: what fell due by then was accrued at a close, so paying it
    settles the receivable or payable accrued then instead of booking revenue or expense again.
    """
    head = unit.head
    # read with the fund's lock, unless the head was moved on since
    accrued = (
        head.accrued_through if head.accrued_read else store_closing.accrued_through(unit.conn, unit.fund.id)
    )
    was = unit.fund
    # built field by field: dataclasses.replace costs several times more, once per repayment
    fund = Fund(
        was.id, was.code, was.name, was.org_id, was.chart, was.closed_through, accrued, was.chain_key_id
    )
    unit.head = store_funds.FundHead(fund, head.count, head.hash, accrued, True)
    return fund


def release_entries(unit: Unit, event: ReleaseEvent, amount: Money, on: date, memo: str) -> list[Entry]:
    """The restriction release ``event`` posts under the fund's policy (none, or one entry).

    Read under the fund's lock: the policy, and the restricted net assets the books hold from ``on`` on
    (the least of any date from ``on``, so that a release never makes a later date's 限定性净资产 negative).
    """
    conn, fund_id = unit.conn, unit.fund.id
    if chart_named(unit.fund.chart).government:
        return []  # 政府会计制度 keeps no 限定性净资产: there is no restriction to lift
    if not store_closing.restriction_policy(conn, fund_id).releases(event):
        return []
    entry = release_entry(amount=amount, available=floor_on(unit, on), event=event, on=on, memo=memo)
    return [] if entry is None else [entry]


class Closing(Family):
    """Period close and reopening, accruals, and the restriction policy."""

    def close_period(self, fund: FundRef, *, through: date) -> Fund:
        """Close the fund's books through ``through`` (结账): accrue, close revenue and expenses, lock.

        First the accruals of 权责发生制 (第七条), dated ``through``: interest and fees of instalments due
        by then and not yet received (``accrual.interest``, ``accrual.fee``), and the interest subsidy of
        bank-loan periods ended by then and not yet paid (``accrual.subsidy``). Then the closing entries
        (``close.…``): restricted revenue into 限定性净资产, unrestricted revenue and every expense into
        非限定性净资产, so every revenue and expense account is zero at ``through``. Last, nothing can be
        dated on or before ``through`` any more. Closing through the date the fund is closed through
        already does nothing; a later close closes only what happened since.

        Raises:
            UnknownFund: no such fund.
            InvalidDate: ``through`` is before the date the fund is closed through (reopen it first).
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        check_date("through", through)
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, with_accruals(unit)
            if f.closed_through is not None and through <= f.closed_through:
                if through == f.closed_through:
                    return f
                raise InvalidDate(
                    through,
                    reason="closed_through",
                    closed_through=f.closed_through.isoformat(),
                    hint=Hint(call="reopen_period"),
                )
            gen = store_closing.generation(conn, f.id)
            key = f"close:{through.isoformat()}:{gen}"
            release_time_restrictions(self._books, unit, through)  # 限定期满: before the closing entries
            accruals = self._accruals(unit, through, key)
            if accruals:
                self._books.write(unit, accruals)
            # every account's balance at the closing date, read once (stored balances less the postings
            # dated after it): the close costs the open period's postings, not the whole book
            at = store_closing.balances_at(conn, f.id, through)
            balances: dict[AccountRole, Money] = {}
            for (role, _), bal in at.items():
                balances[AccountRole(role)] = balances.get(AccountRole(role), Money(0)) + Money(bal)
            chart = self._books.chart(f)
            subledgers = {
                spec.role: {sub: Money(b) for (role, sub), b in at.items() if role == spec.role.value and sub}
                for spec in chart.specs
                if spec.subledger and spec.kind in (AccountKind.REVENUE, AccountKind.EXPENSE)
            }
            closing = closing_entries(chart, balances, through=through, key=key, subledgers=subledgers)
            if chart.government:
                closing += budget_closing_entries(chart, balances, through=through, key=key)
            if closing:
                self._books.write(unit, closing)
            store_funds.set_closed_through(conn, f.id, through)
            store_closing.set_accrued_through(conn, f.id, max(through, f.accrued_through or through))
            store_closing.record_close(conn, f.id, through=through, generation=gen, at=self._books.clock())
            return store_funds.find_fund(conn, f.id)

    def _accruals(self, unit: Unit, through: date, key: str) -> list[Entry]:
        """The accrual entries a close through ``through`` posts (the difference from what is accrued).

        Interest and fees (:func:`revolve.accruals.accrue`): each interest-bearing loan's receivable at
        ``through`` is brought to what it earned by then and had not received by receipts dated by then,
        by one entry per kind dated ``through``; when receipts dated after ``through`` were recorded
        before this (late) close, the part of them that settles what is accrued here is moved out of
        revenue on their dates (``accrual.settle``). A few statements for the whole fund.
        """
        conn, f = unit.conn, unit.fund
        at, after = store_accruals.receivables_around(conn, f.id, through)
        targets: dict[AccountRole, dict[str, Money]] = {role: {} for role in store_accruals.ACCRUED_ROLES}
        desired: dict[tuple[AccountRole, str, date], Money] = {}
        accruing: set[str] = set()
        for loan in store_accruals.accruing_loans(conn, f.id, through):
            if loan.start > through:
                # its schedule was rebuilt after the closing date: what it held then stands
                for role in store_accruals.ACCRUED_ROLES:
                    targets[role][loan.number] = Money(at.get((role.value, loan.number), 0))
                continue
            accrual = accrue(loan, through=through)
            accruing.add(loan.number)
            for role, owed in zip(store_accruals.ACCRUED_ROLES, (accrual.interest, accrual.fee), strict=True):
                if owed.fen:
                    targets[role][loan.number] = owed
            for day, interest, fee in accrual.settled:
                for role, part in zip(store_accruals.ACCRUED_ROLES, (interest, fee), strict=True):
                    if part.fen:
                        desired[(role, loan.number, day)] = part
        out = []
        for kind, role, revenue in (
            ("accrual.interest", R.ACCRUED_INTEREST, R.INTEREST_REVENUE),
            ("accrual.fee", R.ACCRUED_FEE, R.FEE_REVENUE),
        ):
            held = {sub: Money(bal) for (r, sub), bal in at.items() if r == role.value}
            entry = accrual_entry(
                kind=kind, receivable=role, revenue=revenue, targets=targets[role], held=held, on=through,
                key=f"{key}:{kind}",
            )  # fmt: skip
            if entry is not None:
                out.append(entry)
        moved = {
            (AccountRole(role), sub, day): Money(amount)
            for (role, sub, day), amount in after.items()
            if sub in accruing
        }
        out.extend(settlement_entries(desired=desired, moved=moved, key=key))
        subsidies: dict[str, Money] = {}
        for bl in store_closing.bank_loans(conn, f.id):
            lines = bank_loan_subsidy(
                store_rows.terms_from_json(bl.terms), store_rows.caps_from_json(bl.caps)
            )
            paid = store_subsidies.subsidy_paid(conn, bl.id)
            # the subsidy incurred by the closing date (a period under way: by its days elapsed)
            owed = Money.total(
                subsidy_incurred(
                    line.amount,
                    start=line.start,
                    end=line.end,
                    subsidised_days=line.subsidised_days,
                    through=through,
                )
                for line in lines
                if line.start < through
                and line.amount.is_positive()
                and line.number not in paid
                and not (bl.in_breach_from is not None and bl.in_breach_from <= line.end)
            )
            if owed.fen:
                subsidies[bl.number] = owed
        held_subsidy = store_accounts.subledger_balances(conn, f.id, R.SUBSIDY_PAYABLE, None)
        entry = subsidy_accrual_entry(
            targets=subsidies,
            held=[(sub, Money(bal)) for sub, bal in held_subsidy.items()],
            on=through,
            key=f"{key}:accrual.subsidy",
        )
        if entry is not None:
            out.append(entry)
        return out

    def reopen_period(self, fund: FundRef, *, through: date, reason: str, approved_by: str) -> Fund:
        """Reopen the period closed through ``through`` (反结账): a deliberate, recorded act.

        The closing entries dated on or after ``through`` are reversed (kind ``close.reversal``, each on
        its closing date), the fund is closed through the close before ``through`` again (or not at all),
        and who approved it, why and when are recorded (:meth:`reopenings`). The accruals stay posted:
        they are what was earned and owed by then, and the next close posts only their difference.

        Raises:
            UnknownFund: no such fund.
            InvalidEntry: no reason or no approver.
            InvalidDate: the fund has no close in force on ``through``.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        check_date("through", through)
        for name, text in (("reason", reason), ("approved_by", approved_by)):
            if not isinstance(text, str) or not text.strip():
                raise InvalidEntry(name, text, reason="reopen")
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            closes = store_closing.open_closes(conn, f.id)
            if through not in closes or f.closed_through is None:
                raise InvalidDate(
                    through,
                    reason="no_close",
                    fund=f.code,
                    closes=", ".join(d.isoformat() for d in closes),
                )
            before = [d for d in closes if d < through]
            after = before[-1] if before else None
            gen = store_closing.generation(conn, f.id)
            store_closing.set_closed_through(conn, f.id, after)
            # the locked fund, as it stands now: the reversals are dated in the reopened period
            unit.head = store_funds.FundHead(
                replace(f, closed_through=after), unit.head.count, unit.head.hash
            )
            reversals = []
            for day, lines in sorted(store_closing.close_postings(conn, f.id, since=through).items()):
                postings = tuple(Posting(k, Money(-v)) for k, v in sorted(lines.items(), key=str) if v)
                if postings:
                    reversals.append(
                        Entry(
                            day,
                            f"{CLOSE_PREFIX}reversal",
                            postings,
                            memo=f"反结账：冲回{day.isoformat()}期末结转（{reason}）",
                            idempotency_key=f"reopen:{gen}:{day.isoformat()}",
                        )
                    )
            if reversals:
                self._books.write(unit, reversals)
            store_closing.mark_reopened(conn, f.id, since=through)
            store_closing.record_reopen(
                conn,
                PeriodReopening(
                    fund_id=f.id,
                    through=through,
                    closed_through_before=f.closed_through,
                    closed_through_after=after,
                    reason=reason,
                    approved_by=approved_by,
                    reopened_at=self._books.clock(),
                ),
            )
            return store_funds.find_fund(conn, f.id)

    def reopenings(self, fund: FundRef) -> list[PeriodReopening]:
        """The fund's reopened periods: who approved each, why and when.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_closing.reopenings(conn, found.id)

    def period_closes(self, fund: FundRef) -> list[date]:
        """The dates of the fund's closes in force, oldest first.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_closing.open_closes(conn, found.id)

    def require_year_end_close(self, fund: FundRef, *, year: int) -> None:
        """Refuse ``year``'s statements while the year before has entries and no year-end close.

        The 制度 closes revenue and expenses into net assets at the year's end (期末结转), and the next
        year's statements start from the net assets that close leaves; so every fund with entries dated
        before 1 January of ``year`` needs its close of 31 December of ``year - 1`` first. A fund whose
        books start in ``year``, or whose only earlier entry is its opening balance, needs none.

        Raises:
            UnknownFund: no such fund.
            YearEndNotClosed: the close on 31 December of ``year - 1`` is missing.
        """
        missing = date(year - 1, 12, 31)
        with self._books.reading(fund) as (conn, found):
            # the opening entry carries balances only (no revenue or expense), so it needs no close
            first = store_closing.first_value_date(conn, found.id, besides=OPENING_KIND)
            if first is None or first > missing:
                return
            if missing in store_closing.open_closes(conn, found.id):
                return
            raise YearEndNotClosed(found.code, year=year, missing=missing)

    def set_restriction_policy(self, fund: FundRef, policy: RestrictionPolicy) -> RestrictionPolicy:
        """Set which uses of restricted money release it in this fund (from now on).

        Raises:
            UnknownFund: no such fund.
            InvalidEntry: not a RestrictionPolicy.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        if not isinstance(policy, RestrictionPolicy):
            raise InvalidEntry("policy", policy, reason="restriction_policy")
        with self._books.locked(fund) as unit:
            store_closing.set_restriction_policy(unit.conn, unit.fund.id, policy)
            return policy

    def restriction_policy(self, fund: FundRef) -> RestrictionPolicy:
        """The fund's restriction policy (the default — grants, subsidies, write-offs — unless set).

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_closing.restriction_policy(conn, found.id)

    def period_movements(
        self, fund: FundRef, *, start: date, end: date
    ) -> dict[tuple[AccountRole, str], Money]:
        """The net movement (debit positive) of each role by entry kind, from ``start`` through ``end``.

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``start`` is not a date (a ``datetime`` or a text is refused).
            InvalidDate: ``end`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, found):
            return {
                (AccountRole(role), kind): Money(amount)
                for kind, role, amount in store_closing.movements_by_kind(
                    conn, found.id, start=start, end=end
                )
            }

    def accrued(self, fund: FundRef, role: AccountRole) -> dict[str, Money]:
        """Each sub-ledger balance of an accrual role (ACCRUED_INTEREST, ACCRUED_FEE, SUBSIDY_PAYABLE).

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return {
                sub: Money(b)
                for sub, b in store_accounts.subledger_balances(conn, found.id, role, None).items()
            }
