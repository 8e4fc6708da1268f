"""The fund's figures for a period, computed from a :class:`~revolve.portfolio.Portfolio` — pure, no I/O.

Every rate is a :class:`~revolve.ratios.Ratio` that carries its numerator and denominator (domain.md §11,
CGAP: "repayment rate" means nothing until both are named). The definitions:

* **到期还款率** (due repayment rate) = principal of the instalments falling due in the period that was
  repaid on or before its due date ÷ principal of those instalments.
* **回收率 / 还款率** (recovery rate) = principal recovered (any payer, not write-offs) against principal
  fallen due, to the end of the period ÷ principal fallen due to the end of the period. Per loan the
  numerator counts at most what had fallen due, so early repayment cannot lift the rate above 100 %.
  A written-off loan stops falling due on the day it is written off.
* **滚动率** (re-lending rate) = principal lent in the period ÷ principal recovered in the period.
* **滚动次数** (revolving turnover) = principal lent to date ÷ capital contributed to date.
* **PAR30** = outstanding principal of loans more than 30 days past due ÷ all outstanding principal.
* **PAR30 + restructured** (MIX) = (outstanding principal of loans more than 30 days past due + that of
  restructured (展期) loans not already in it) ÷ all outstanding principal. A loan is restructured from
  its first extension for good, so an extension cannot take its principal out of this numerator.
* **脱贫率** (poverty-exit rate) = households helped whose latest poverty-exit assessment (脱贫评估) says
  they are out of poverty ÷ households helped, both as of the period's end;
  **脱贫率（已结清户）** (``poverty_exit_rate_closed``, the earlier definition, kept under its own name)
  = those of them whose loan has closed ÷ households whose loan has closed.
* **受益人数** (persons helped) = the sum of the household sizes (家庭人口) of the households helped;
  households whose size is not on file add nothing and are counted in ``households_without_size``.
* **户均借款额** (average loan per household) = principal lent ÷ households lent to, in the period and
  to date (an amount, rounded half up to the fen; numerator and denominator are figures of their own).
* **资金使用率** (fund utilisation) = outstanding principal at the period's end ÷ capital available, where
  capital available = capital contributed to date − written off to date − grants, subsidies and returns
  to finance to date (what of the capital can still be lent or is lent).
* **逾期率** (overdue rate) = outstanding principal of loans with any instalment past due ÷ all
  outstanding principal (PAR1); by 乡镇 and village in :mod:`revolve.area_figures`.
* **核销率** (write-off rate) = principal written off to date ÷ principal lent to date.
* **资金到位率** (funds in place) = received against the pledges of capital due by the period's end (each
  at most its amount) ÷ their amounts (:func:`revolve.capital_pledges.funds_in_place`).

A household is *served* when it has had a loan from the fund, *helped* when it has had a loan, a one-off
grant or an interest subsidy on a bank-lent loan. Figures of several funds (an org's subtree) combine
with :func:`combine`: amounts and loan counts add, rates are recomputed from the summed numerators and
denominators, and **household counts are distinct counts of mothers**: a mother is one person by her
national ID (身份证号), so one the town fund and the county fund both lent to is one 户 in the roll-up
(户数, 受益户数, 本期放款户数, 救助户数, 贴息户数, and 脱贫率's households, which take her latest poverty
assessment in any of her files). Each fund's figures carry the national IDs behind its counts
(:class:`HouseholdKeys`, never printed) so that :func:`combine` can take the union.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from revolve.capital_pledges import funds_in_place
from revolve.households import RecordKind
from revolve.loans import (
    DEFAULT_ORDER,
    Ageing,
    Component,
    Due,
    LoanSchedule,
    LoanStatus,
    Receipt,
    ageing,
)
from revolve.loans.position import paid_in_version
from revolve.money import Money
from revolve.mothers import HouseholdKeys
from revolve.portfolio import Portfolio
from revolve.positions import Positions
from revolve.ratios import Ratio

__all__ = ["HouseholdKeys", "PeriodFigures", "Positions", "combine", "per_household", "period_figures"]

_ZERO = Money(0)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """A fund's (or an org subtree's) figures for a period, cumulative ones taken at its end."""

    start: date
    end: date
    funds: int
    capital_by_source: dict[str, Money]
    capital: Money
    disbursed_to_date: Money
    loans_to_date: int
    households_served: int
    households_helped: int
    disbursed: Money
    loans_disbursed: int
    households_disbursed: int
    batches: int
    recovered_by_payer: dict[str, Money]
    interest_collected: Money
    fees_collected: Money
    recovered_to_date: Money
    outstanding_start: Money
    outstanding: Money
    loans_outstanding: int
    due_in_period: Money
    repaid_on_time: Money
    fallen_due_to_date: Money
    recovered_against_due: Money
    ageing: Ageing
    written_off: Money
    written_off_to_date: Money
    recovered_after_write_off: Money
    grants: Money
    grant_households: int
    subsidies: Money
    subsidy_households: int
    returned_to_finance: Money
    grants_to_date: Money
    subsidies_to_date: Money
    returned_to_finance_to_date: Money
    max_round: int
    loans_by_round: dict[int, int]
    households_closed: int
    households_exited: int
    restructured_outstanding: Money
    """Outstanding principal of restructured (展期) loans at most 30 days past due at the period's end."""
    loans_restructured: int
    """Restructured loans with principal outstanding at the period's end (in PAR30 or not)."""
    persons_helped: int
    """受益人数: the sum of the sizes (家庭人口) of the households helped to the period's end."""
    persons_served: int
    """The sum of the sizes of the households lent to, to the period's end."""
    persons_disbursed: int
    """The sum of the sizes of the households lent to in the period."""
    households_without_size: int
    """Households helped whose size is not on file (they add nothing to ``persons_helped``)."""
    households_helped_exited: int
    """Households helped whose latest assessment by the period's end says they are out of poverty."""
    overdue_outstanding: Money
    """Outstanding principal of loans with any instalment past due at the period's end (逾期借款余额)."""
    pledged_due: Money
    """Capital pledged (认捐) with due dates by the period's end."""
    pledged_received: Money
    """Received against those pledges by the period's end, each at most its amount."""
    mothers: HouseholdKeys | None = field(default=None, repr=False)
    """The national IDs behind the household counts, for :func:`combine` (None in figures made by hand:
    their household counts then add)."""

    @property
    def recovered(self) -> Money:
        """Principal recovered in the period, all payers."""
        return Money.total(self.recovered_by_payer.values())

    @property
    def due_repayment_rate(self) -> Ratio:
        """到期还款率: repaid on time ÷ principal falling due in the period."""
        return Ratio(self.repaid_on_time, self.due_in_period)

    @property
    def recovery_rate(self) -> Ratio:
        """回收率 (还款率): recovered against due ÷ fallen due, to date."""
        return Ratio(self.recovered_against_due, self.fallen_due_to_date)

    @property
    def relending_rate(self) -> Ratio:
        """滚动率: lent in the period ÷ recovered in the period."""
        return Ratio(self.disbursed, self.recovered)

    @property
    def turnover(self) -> Ratio:
        """滚动次数: lent to date ÷ capital contributed."""
        return Ratio(self.disbursed_to_date, self.capital)

    @property
    def par30(self) -> Ratio:
        """PAR30 at the period's end."""
        return self.ageing.par_ratio(30)

    @property
    def par30_restructured(self) -> Ratio:
        """PAR30 + restructured (MIX): (PAR30's numerator + restructured loans outside it) ÷ outstanding."""
        at_risk, outstanding = self.ageing.par(30)
        return Ratio(at_risk + self.restructured_outstanding, outstanding)

    @property
    def poverty_exit_rate(self) -> Ratio:
        """脱贫率: households helped assessed out of poverty ÷ households helped."""
        return Ratio(self.households_helped_exited, self.households_helped)

    @property
    def poverty_exit_rate_closed(self) -> Ratio:
        """脱贫率（已结清户）: households whose loan closed assessed out of poverty ÷ those households."""
        return Ratio(self.households_exited, self.households_closed)

    @property
    def capital_available(self) -> Money:
        """Capital less what left it for good to date: write-offs, grants, subsidies, returns to finance."""
        gone = self.written_off_to_date + self.grants_to_date + self.subsidies_to_date
        return self.capital - gone - self.returned_to_finance_to_date

    @property
    def utilisation_rate(self) -> Ratio:
        """资金使用率: outstanding principal ÷ capital available (zero when nothing is available)."""
        return Ratio(self.outstanding, max(self.capital_available, _ZERO))

    @property
    def overdue_rate(self) -> Ratio:
        """逾期率: outstanding principal of loans past due ÷ all outstanding principal."""
        return Ratio(self.overdue_outstanding, self.outstanding)

    @property
    def write_off_rate(self) -> Ratio:
        """核销率: principal written off to date ÷ principal lent to date."""
        return Ratio(self.written_off_to_date, self.disbursed_to_date)

    @property
    def funds_in_place_rate(self) -> Ratio:
        """资金到位率: received against the pledges due ÷ capital pledged due, by the period's end."""
        return Ratio(self.pledged_received, self.pledged_due)

    @property
    def average_loan(self) -> Money | None:
        """户均借款额 in the period: lent ÷ households lent to (half up to the fen), None if none."""
        return per_household(self.disbursed, self.households_disbursed)

    @property
    def average_loan_to_date(self) -> Money | None:
        """户均借款额 to date: lent to date ÷ households lent to by then, None if none."""
        return per_household(self.disbursed_to_date, self.households_served)


def per_household(amount: Money, households: int) -> Money | None:
    """``amount ÷ households`` rounded half up to the fen, or None when there are no households.

    Args:
        amount: a non-negative amount.
        households: a count.
    """
    if households <= 0:
        return None
    whole, rest = divmod(amount.fen, households)
    return Money(whole + (1 if 2 * rest >= households else 0))


def _on_time(
    schedules: Sequence[LoanSchedule], receipts: Sequence[Receipt], start: date, end: date
) -> tuple[int, int]:
    """(principal falling due in [start, end], of which repaid by its due date), in fen."""
    due_total = 0
    on_time = 0
    for index, version in enumerate(schedules):
        until = schedules[index + 1].effective_on if index + 1 < len(schedules) else None
        ordered: list[Due] | None = None
        for due in version.dues:
            if not start <= due.due_date <= end or (until is not None and due.due_date >= until):
                continue
            due_total += due.principal.fen
            paid = paid_in_version(receipts, version.version, due.due_date)
            if ordered is None:
                ordered = sorted(version.dues, key=lambda d: (d.due_date, d.number))
            on_time += _principal_reached(ordered, due.number, paid.fen)
    return due_total, on_time


def _principal_reached(ordered: Sequence[Due], number: int, paid: int) -> int:
    """The principal of instalment ``number`` that ``paid`` fen reach down the waterfall: what
    :func:`revolve.loans.states` gives as its ``principal_paid``, without the states of the others.

    ``ordered`` are the version's dues oldest first (due date, then number), as the waterfall fills them.
    The waterfall takes each component in turn, as much as is left, so what reaches a component is what
    is left of ``paid`` after every component before it, at most the component: the sum before it is
    enough, component by component only on the instalment itself.
    """
    before = 0
    for due in ordered:
        if due.number == number:
            for component in DEFAULT_ORDER:
                if component is Component.PRINCIPAL:
                    return min(due.principal.fen, max(paid - before, 0))
                before += due.amount_of(component).fen
            return 0
        before += sum(due.amount_of(component).fen for component in DEFAULT_ORDER)
        if before >= paid:
            return 0  # nothing is left for the instalments after these
    return 0


def period_figures(
    portfolio: Portfolio, *, start: date, end: date, positions: Positions | None = None
) -> PeriodFigures:
    """The fund's figures for ``[start, end]``; cumulative figures are taken at ``end``.

    Args:
        portfolio: the fund's snapshot (``Ledger.portfolio``); when it sums up the loans settled before a
            day (:class:`~revolve.portfolio.SettledLoans`), their constant part is added to the figures.
        start: the period's first day.
        end: the period's last day.
        positions: the loans' positions shared with the portfolio's other figures (:class:`Positions`);
            made afresh when not given.

    Raises:
        ValueError: the portfolio sums up loans settled before a day after ``start``, or ``positions``
            are of another portfolio.
    """
    settled = portfolio.settled
    if settled is not None and start < settled.before:
        raise ValueError(f"the portfolio sums up the loans settled before {settled.before}, not {start}")
    known = Positions(portfolio) if positions is None else positions.of(portfolio)
    schedules, receipts = known.schedules, known.receipts
    before = date.fromordinal(start.toordinal() - 1)

    by_source: dict[str, Money] = defaultdict(lambda: _ZERO)
    for c in portfolio.contributions:
        if c.on <= end:
            by_source[c.source] += c.amount

    lent = [ln for ln in portfolio.loans if ln.disbursed_on <= end]
    lent_now = [ln for ln in lent if ln.disbursed_on >= start]
    recovered_by_payer: dict[str, Money] = defaultdict(lambda: _ZERO)
    interest = fees = recovered_to_date = recovery_after = _ZERO
    for r in portfolio.receipts:
        if r.value_date > end:
            continue
        if r.kind == "recovery":
            if r.value_date >= start:
                recovery_after += r.amount
            continue
        recovered_to_date += r.principal
        if r.value_date >= start:
            recovered_by_payer[r.payer.value] += r.principal
            interest += r.interest
            fees += r.fee + r.penalty

    # amounts in fen while adding up loan by loan, made Money once at the end
    outstanding_start = outstanding_end = due_in_period = on_time = fallen_due = against_due = 0
    at_risk: list[tuple[Money, int]] = []
    restructured, loans_restructured = 0, 0
    rounds: dict[int, int] = defaultdict(int)
    closed_households: set[int] = set()
    loan_households: set[int] = set()
    if settled is not None:
        # settled before the period: lent, repaid in full and closed, every instalment fallen due
        for number, loans in settled.by_round:
            rounds[number] += loans
        recovered_to_date += settled.principal
        fallen_due += settled.fallen_due.fen
        against_due += settled.recovered_against_due.fen
        closed_households |= settled.households
        loan_households |= settled.households
    for loan in lent:
        rounds[loan.round] += 1
        if loan.disbursed_on <= before:
            outstanding_start += known.at(loan, before).outstanding.fen
        if loan.disbursed_on <= end:
            position = known.at(loan, end)
            outstanding = position.outstanding
            outstanding_end += outstanding.fen
            if outstanding.fen > 0:
                at_risk.append((outstanding, position.days_past_due))
                if loan.restructured_by(end):
                    loans_restructured += 1
                    if position.days_past_due <= 30:
                        restructured += outstanding.fen
        d, t = _on_time(schedules[loan.id], receipts[loan.id], start, end)
        due_in_period += d
        on_time += t
        owed, against = known.fallen_due(loan, end)
        fallen_due += owed.fen
        against_due += against.fen
        if loan.status is LoanStatus.CLOSED and loan.closed_on is not None and loan.closed_on <= end:
            closed_households.add(loan.household_id)

    latest: dict[int, tuple[date, bool]] = {}
    for record in portfolio.records:
        assessed = record.kind is RecordKind.POVERTY_EXIT and record.exited_poverty is not None
        newer = record.household_id not in latest or latest[record.household_id][0] <= record.on
        if assessed and record.on <= end and newer and record.exited_poverty is not None:
            latest[record.household_id] = (record.on, record.exited_poverty)
    exited = sum(1 for h in closed_households if latest.get(h, (end, False))[1])
    sizes = {h.id: h.persons for h in portfolio.households}
    # a mother is her national ID across funds; within one fund it names one household, like its id
    person = {h.id: h.national_id for h in portfolio.households}

    def mothers(ids: Iterable[int | None]) -> frozenset[str]:
        return frozenset(person.get(i, f"{portfolio.fund_id}#{i}") for i in ids if i is not None)

    outflows = [o for o in portfolio.outflows if start <= o.on <= end]
    to_date = [o for o in portfolio.outflows if o.on <= end]
    aided = {o.household_id for o in to_date if o.kind in ("grant", "subsidy") and o.household_id is not None}
    loan_households |= {ln.household_id for ln in lent}
    helped = loan_households | aided

    in_place = funds_in_place(portfolio.capital_pledges, on=end)

    def persons(households: Iterable[int]) -> int:
        return sum(sizes.get(h) or 0 for h in households)

    return PeriodFigures(
        start=start,
        end=end,
        funds=1,
        capital_by_source=dict(by_source),
        capital=Money.total(by_source.values()),
        disbursed_to_date=Money.total(ln.principal for ln in lent)
        + (settled.principal if settled is not None else _ZERO)
        + Money.total(amount for day, amount in portfolio.lent_before_opening if day <= end),
        loans_to_date=sum(rounds.values()),
        households_served=len(loan_households),
        households_helped=len(loan_households | aided),
        disbursed=Money.total(ln.principal for ln in lent_now),
        loans_disbursed=len(lent_now),
        households_disbursed=len({ln.household_id for ln in lent_now}),
        batches=len({ln.batch_id for ln in lent_now}),
        recovered_by_payer=dict(recovered_by_payer),
        interest_collected=interest,
        fees_collected=fees,
        recovered_to_date=recovered_to_date,
        outstanding_start=Money(outstanding_start),
        outstanding=Money(outstanding_end),
        loans_outstanding=len(at_risk),
        due_in_period=Money(due_in_period),
        repaid_on_time=Money(on_time),
        fallen_due_to_date=Money(fallen_due),
        recovered_against_due=Money(against_due),
        ageing=ageing(at_risk),
        written_off=Money.total(w.amount for w in portfolio.write_offs if start <= w.written_on <= end),
        written_off_to_date=Money.total(w.amount for w in portfolio.write_offs if w.written_on <= end),
        recovered_after_write_off=recovery_after,
        grants=Money.total(o.amount for o in outflows if o.kind == "grant"),
        grant_households=len({o.household_id for o in outflows if o.kind == "grant"}),
        subsidies=Money.total(o.amount for o in outflows if o.kind == "subsidy"),
        subsidy_households=len({o.household_id for o in outflows if o.kind == "subsidy"}),
        returned_to_finance=Money.total(o.amount for o in outflows if o.kind == "return_to_finance"),
        grants_to_date=Money.total(o.amount for o in to_date if o.kind == "grant"),
        subsidies_to_date=Money.total(o.amount for o in to_date if o.kind == "subsidy"),
        returned_to_finance_to_date=Money.total(o.amount for o in to_date if o.kind == "return_to_finance"),
        max_round=max(rounds, default=0),
        loans_by_round=dict(sorted(rounds.items())),
        households_closed=len(closed_households),
        households_exited=exited,
        restructured_outstanding=Money(restructured),
        loans_restructured=loans_restructured,
        persons_helped=persons(helped),
        persons_served=persons(loan_households),
        persons_disbursed=persons({ln.household_id for ln in lent_now}),
        households_without_size=sum(1 for h in helped if sizes.get(h) is None),
        households_helped_exited=sum(1 for h in helped if latest.get(h, (end, False))[1]),
        overdue_outstanding=Money.total(amount for amount, days in at_risk if days > 0),
        pledged_due=in_place.denominator,  # type: ignore[arg-type]
        pledged_received=in_place.numerator,  # type: ignore[arg-type]
        mothers=HouseholdKeys(
            served=mothers(loan_households),
            helped=mothers(loan_households | aided),
            disbursed=mothers(ln.household_id for ln in lent_now),
            granted=mothers(o.household_id for o in outflows if o.kind == "grant"),
            subsidised=mothers(o.household_id for o in outflows if o.kind == "subsidy"),
            closed=mothers(closed_households),
            assessed={person.get(h, f"{portfolio.fund_id}#{h}"): seen for h, seen in latest.items()},
        ),
    )


def _sum_maps(maps: Iterable[dict[str, Money]]) -> dict[str, Money]:
    out: dict[str, Money] = defaultdict(lambda: _ZERO)
    for m in maps:
        for k, v in m.items():
            out[k] += v
    return dict(out)


def combine(parts: Sequence[PeriodFigures]) -> PeriodFigures:
    """The figures of several funds (an org's subtree) as one: amounts and loan counts add, household
    counts count each mother once (by national ID, when every part carries :class:`HouseholdKeys`;
    otherwise they add), rates recompute from the combined numerators and denominators.

    Raises:
        ValueError: no parts, or parts of different periods.
    """
    if not parts:
        raise ValueError("combine needs the figures of at least one fund")
    first = parts[0]
    if any((p.start, p.end) != (first.start, first.end) for p in parts):
        raise ValueError("combine needs figures of one period")

    def total(name: str) -> Money:
        return Money.total(getattr(p, name) for p in parts)

    def count(name: str) -> int:
        return sum(int(getattr(p, name)) for p in parts)

    by_days: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for p in parts:
        for days, n, principal in p.ageing.by_days:
            c, f = by_days[days]
            by_days[days] = (c + n, f + principal.fen)
    rounds: dict[int, int] = defaultdict(int)
    for p in parts:
        for r, n in p.loans_by_round.items():
            rounds[r] += n
    money_fields = [
        "capital",
        "disbursed_to_date",
        "disbursed",
        "interest_collected",
        "fees_collected",
        "recovered_to_date",
        "outstanding_start",
        "outstanding",
        "due_in_period",
        "repaid_on_time",
        "fallen_due_to_date",
        "recovered_against_due",
        "written_off",
        "written_off_to_date",
        "recovered_after_write_off",
        "grants",
        "subsidies",
        "returned_to_finance",
        "grants_to_date",
        "subsidies_to_date",
        "returned_to_finance_to_date",
        "restructured_outstanding",
        "overdue_outstanding",
        "pledged_due",
        "pledged_received",
    ]
    count_fields = [
        "funds",
        "loans_to_date",
        "households_served",
        "households_helped",
        "loans_disbursed",
        "households_disbursed",
        "batches",
        "loans_outstanding",
        "grant_households",
        "subsidy_households",
        "households_closed",
        "households_exited",
        "loans_restructured",
        "persons_helped",
        "persons_served",
        "persons_disbursed",
        "households_without_size",
        "households_helped_exited",
    ]
    values: dict[str, object] = {name: total(name) for name in money_fields}
    values.update({name: count(name) for name in count_fields})
    keys = [p.mothers for p in parts if p.mothers is not None]
    mothers = HouseholdKeys.union(keys) if len(keys) == len(parts) else None
    if mothers is not None:
        # distinct counts: a mother lent to by two funds of the subtree is one household (户)
        values.update(
            households_served=len(mothers.served),
            households_helped=len(mothers.helped),
            households_disbursed=len(mothers.disbursed),
            grant_households=len(mothers.granted),
            subsidy_households=len(mothers.subsidised),
            households_closed=len(mothers.closed),
            households_exited=len(mothers.exited),
        )
    return PeriodFigures(
        start=first.start,
        end=first.end,
        capital_by_source=_sum_maps(p.capital_by_source for p in parts),
        recovered_by_payer=_sum_maps(p.recovered_by_payer for p in parts),
        ageing=Ageing(tuple((d, n, Money(f)) for d, (n, f) in sorted(by_days.items()))),
        max_round=max(p.max_round for p in parts),
        loans_by_round=dict(sorted(rounds.items())),
        mothers=mothers,
        **values,  # type: ignore[arg-type]
    )
