"""The quarterly report (季报表) of a fund, or rolled up over an organisation's subtree, for a quarter or a year.

Its sections follow domain.md §11's suggested fields: capital by source; what was lent and recovered to
date; what was lent this period (batches, households, amount) and recovered (borrower, guarantor 代偿,
pledged deposit); instalments that fell due against those repaid on time; ageing and PAR30; write-offs
and recoveries; grants, subsidies and money returned to finance; revolving (turnover, rounds, re-lending);
and the rates — 到期还款率, 回收率, 滚动率, PAR30, PAR30 + restructured (展期), 脱贫率 — each with its numerator and denominator.
The report opens with its form (:mod:`revolve.reports.quarterly_form`: 行次, 项目, 本期数, 本年累计数, 上年同期数 on
one page); the sections above follow it as the annex (附表). The
figures come from :func:`revolve.metrics.period_figures`; a roll-up adds funds with
:func:`revolve.metrics.combine`, where transfers between the funds net to nothing.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from revolve.area_figures import AreaOverdue, area_of, combine_areas, overdue_by_area
from revolve.chart import AccountRole
from revolve.errors import InvalidDate
from revolve.funds import Fund
from revolve.ledger import Ledger
from revolve.loans import AgeingBucket, bucket_for
from revolve.metrics import PeriodFigures, Positions, combine, period_figures
from revolve.money import Money
from revolve.orgs import Org, OrgLevel
from revolve.portfolio import cycle_collector_paused
from revolve.ratios import Ratio
from revolve.reports.model import Column, ColumnKind, Fact, Report, Section, Table, Term
from revolve.reports.quarterly_form import form_portfolios, portfolios_since, quarterly_form

__all__ = ["build_quarterly", "overdue_areas", "period_of", "quarterly_figures"]

M, C, T, R = ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.TEXT, ColumnKind.RATIO


def period_of(year: int, quarter: int | None, half: int | None = None) -> tuple[date, date]:
    """The first and last day of a quarter (1–4), a half-year (半年考核: 1 = H1, 2 = H2), or the whole year
    when both are None.

    Raises:
        InvalidDate: a quarter outside 1–4, a half other than 1 or 2, or both a quarter and a half.
    """
    if half is not None:
        if quarter is not None:
            raise InvalidDate(half, reason="quarter_and_half")
        if half not in (1, 2):
            raise InvalidDate(half, reason="half")
        return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise InvalidDate(quarter, reason="quarter")
    last_month = quarter * 3
    return date(year, last_month - 2, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def _funds(
    ledger: Ledger, fund: Fund | int | str | None, org: Org | int | str | None
) -> tuple[list[Fund], str]:
    if (fund is None) == (org is None):
        raise ValueError("give exactly one of fund= or org=")
    if fund is not None:
        f = ledger.fund(fund)
        return [f], f.name
    root = org if isinstance(org, Org) else ledger.org(org)  # type: ignore[arg-type]
    return ledger.funds(org=root), root.name


def quarterly_figures(
    ledger: Ledger,
    *,
    start: date,
    end: date,
    fund: Fund | int | str | None = None,
    org: Org | int | str | None = None,
) -> tuple[PeriodFigures, Money]:
    """The period's figures of one fund or of every fund in an org's subtree, and their cash at the end."""
    funds, _ = _funds(ledger, fund, org)
    portfolios = portfolios_since(ledger, funds, since=start)
    return _figures(ledger, funds, [Positions(p) for p in portfolios], start=start, end=end)


def _figures(
    ledger: Ledger, funds: list[Fund], positions: list[Positions], *, start: date, end: date
) -> tuple[PeriodFigures, Money]:
    if not funds:
        raise ValueError("the organisation's subtree holds no fund")
    parts = [period_figures(p.portfolio, start=start, end=end, positions=p) for p in positions]
    cash = Money.total(ledger.balances(funds, AccountRole.FUND_CASH, as_of=end))
    return combine(parts), cash


def overdue_areas(
    ledger: Ledger,
    *,
    end: date,
    level: OrgLevel,
    fund: Fund | int | str | None = None,
    org: Org | int | str | None = None,
) -> list[AreaOverdue]:
    """逾期率 by 乡镇 (``OrgLevel.TOWN``) or by village (``OrgLevel.VILLAGE``) of one fund or an org subtree.

    Each borrower's household is placed by the org on its file; its area is that org's ancestor at
    ``level`` (:func:`revolve.area_figures.area_of`). The lines' numerators and denominators add up to the
    fund's (or subtree's) 逾期率.
    """
    funds, _ = _funds(ledger, fund, org)
    portfolios = portfolios_since(ledger, funds, since=end)
    return _overdue_areas(ledger, [Positions(p) for p in portfolios], end=end, level=level)


def _overdue_areas(
    ledger: Ledger, positions: list[Positions], *, end: date, level: OrgLevel
) -> list[AreaOverdue]:
    areas = area_of(ledger.orgs(), level)
    return combine_areas(overdue_by_area(p.portfolio, on=end, areas=areas, positions=p) for p in positions)


def _area_table(ledger: Ledger, lines: list[AreaOverdue]) -> Table:
    names = {o.id: o.name for o in ledger.orgs()}
    return Table(
        columns=(
            Column("area", "area", T),
            Column("loans_overdue", "loans_overdue", C),
            Column("overdue", "overdue_outstanding", M),
            Column("outstanding", "outstanding_principal", M),
            Column("rate", "overdue_rate", R),
        ),
        rows=tuple(
            (
                names[a.area_id] if a.area_id is not None else Term("area_unknown"),
                a.loans_overdue,
                a.overdue,
                a.outstanding,
                a.overdue_rate,
            )
            for a in lines
        ),
    )


def _multiple(ratio: Ratio) -> Decimal | None:
    value = ratio.value
    return None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def build_quarterly(
    ledger: Ledger,
    *,
    year: int,
    quarter: int | None = None,
    fund: Fund | int | str | None = None,
    org: Org | int | str | None = None,
    half: int | None = None,
) -> Report:
    """Build the 季报表 of a fund (``fund=``) or of an org's subtree (``org=``) for a quarter or a year.

    Args:
        ledger: the books.
        year: the year.
        quarter: 1–4, or None for the whole year (年报).
        half: 1 or 2 for a half-year (半年考核) instead of a quarter.
        fund: one fund.
        org: an organisation; every fund in its subtree is included.

    Returns:
        The report; its ``period`` is the quarter's (or year's) first and last day.
    """
    # a roll-up makes and folds tens of thousands of acyclic values (revolve.portfolio)
    with cycle_collector_paused():
        return _build_quarterly(ledger, year=year, quarter=quarter, fund=fund, org=org, half=half)


def _build_quarterly(
    ledger: Ledger,
    *,
    year: int,
    quarter: int | None,
    fund: Fund | int | str | None,
    org: Org | int | str | None,
    half: int | None,
) -> Report:
    start, end = period_of(year, quarter, half)
    funds, subject = _funds(ledger, fund, org)
    portfolios = form_portfolios(ledger, funds, start=start, end=end)
    # each fund's portfolio is read once, for the figures, the form and the areas alike, and each of its
    # loans' positions on a day is computed once for all of them
    positions = [Positions(p) for p in portfolios]
    figures, cash = _figures(ledger, funds, positions, start=start, end=end)
    f = figures
    by_town = _overdue_areas(ledger, positions, end=end, level=OrgLevel.TOWN)
    by_village = _overdue_areas(ledger, positions, end=end, level=OrgLevel.VILLAGE)
    capital = Table(
        columns=(Column("source", "source", T), Column("amount", "amount", M)),
        rows=tuple((Term(f"source_{k}"), v) for k, v in sorted(f.capital_by_source.items())),
        total=(Term("total"), f.capital),
    )
    # a passbook applied on default (存折质押扣划) shows only in a quarter that had one
    payers = ("borrower", "guarantor", "pledge") + (
        ("passbook",) if "passbook" in f.recovered_by_payer else ()
    )
    recovered = Table(
        columns=(Column("payer", "payer", T), Column("principal", "principal_recovered", M)),
        rows=tuple((Term(f"payer_{p}"), f.recovered_by_payer.get(p, Money(0))) for p in payers),
        total=(Term("total"), f.recovered),
    )
    buckets: dict[AgeingBucket, tuple[int, Money]] = {b: (0, Money(0)) for b in AgeingBucket}
    for days, n, principal in f.ageing.by_days:
        b = bucket_for(days)
        count, amount = buckets[b]
        buckets[b] = (count + n, amount + principal)
    ageing = Table(
        columns=(
            Column("bucket", "ageing_bucket", T),
            Column("loans", "loans", C),
            Column("principal", "outstanding_principal", M),
        ),
        rows=tuple((Term(f"bucket_{b.value}"), n, amount) for b, (n, amount) in buckets.items()),
        total=(Term("total"), f.ageing.count, f.ageing.principal),
    )
    rates = Table(
        columns=(Column("rate", "rate", T), Column("value", "value", R)),
        rows=tuple(
            (Term(key), ratio)
            for key, ratio in (
                ("due_repayment_rate", f.due_repayment_rate),
                ("recovery_rate", f.recovery_rate),
                ("relending_rate", f.relending_rate),
                ("par30", f.par30),
                ("par30_restructured", f.par30_restructured),
                ("overdue_rate", f.overdue_rate),
                ("write_off_rate", f.write_off_rate),
                ("utilisation_rate", f.utilisation_rate),
                ("funds_in_place_rate", f.funds_in_place_rate),
                ("poverty_exit_rate", f.poverty_exit_rate),
                ("poverty_exit_rate_closed", f.poverty_exit_rate_closed),
            )
        ),
    )
    rounds = Table(
        columns=(Column("round", "round", C), Column("loans", "loans", C)),
        rows=tuple((r, n) for r, n in f.loans_by_round.items()),
        total=(Term("total"), sum(f.loans_by_round.values())),
    )
    sections: tuple[Section, ...] = (
        Section(
            "overview",
            "overview",
            facts=(
                Fact("period_start", start),
                Fact("period_end", end),
                Fact("funds_included", f.funds),
                Fact("households_helped", f.households_helped),
                Fact("persons_helped", f.persons_helped),
                Fact("households_without_size", f.households_without_size),
            ),
        ),
        Section("capital", "capital_by_source", table=capital),
        Section(
            "to_date",
            "cumulative",
            facts=(
                Fact("disbursed_to_date", f.disbursed_to_date),
                Fact("loans_to_date", f.loans_to_date),
                Fact("households_served", f.households_served),
                Fact("persons_served", f.persons_served),
                Fact("average_loan_to_date", f.average_loan_to_date),
                Fact("recovered_to_date", f.recovered_to_date),
                Fact("outstanding_principal", f.outstanding),
                Fact("loans_outstanding", f.loans_outstanding),
                Fact("cash_on_hand", cash),
            ),
        ),
        Section(
            "disbursed",
            "disbursed_this_period",
            facts=(
                Fact("batches", f.batches),
                Fact("households_disbursed", f.households_disbursed),
                Fact("loans_disbursed", f.loans_disbursed),
                Fact("amount_disbursed", f.disbursed),
                Fact("persons_disbursed", f.persons_disbursed),
                Fact("average_loan", f.average_loan),
            ),
        ),
        Section(
            "recovered",
            "recovered_this_period",
            facts=(
                Fact("interest_collected", f.interest_collected),
                Fact("fees_collected", f.fees_collected),
            ),
            table=recovered,
        ),
        Section(
            "maturity",
            "matured_and_repaid",
            facts=(
                Fact("due_in_period", f.due_in_period),
                Fact("repaid_on_time", f.repaid_on_time),
                Fact("due_repayment_rate", f.due_repayment_rate),
            ),
        ),
        Section(
            "ageing",
            "ageing",
            facts=(
                Fact("par30", f.par30),
                Fact("loans_restructured", f.loans_restructured),
                Fact("restructured_outstanding", f.restructured_outstanding),
                Fact("par30_restructured", f.par30_restructured),
                Fact("overdue_outstanding", f.overdue_outstanding),
                Fact("overdue_rate", f.overdue_rate),
            ),
            table=ageing,
        ),
        Section("overdue_by_town", "overdue_by_town", table=_area_table(ledger, by_town)),
        Section("overdue_by_village", "overdue_by_village", table=_area_table(ledger, by_village)),
        Section(
            "losses",
            "write_offs_and_recoveries",
            facts=(
                Fact("written_off_this_period", f.written_off),
                Fact("written_off_to_date", f.written_off_to_date),
                Fact("recovered_after_write_off", f.recovered_after_write_off),
                Fact("write_off_rate", f.write_off_rate),
            ),
        ),
        Section(
            "outflows",
            "money_out_for_good",
            facts=(
                Fact("grant_households", f.grant_households),
                Fact("grants", f.grants),
                Fact("subsidy_households", f.subsidy_households),
                Fact("subsidies", f.subsidies),
                Fact("returned_to_finance", f.returned_to_finance),
                Fact("grants_to_date", f.grants_to_date),
                Fact("subsidies_to_date", f.subsidies_to_date),
                Fact("returned_to_finance_to_date", f.returned_to_finance_to_date),
            ),
        ),
        Section(
            "revolving",
            "revolving",
            facts=(
                Fact("capital", f.capital),
                Fact("turnover_times", _multiple(f.turnover)),
                Fact("max_round", f.max_round),
                Fact("relending_rate", f.relending_rate),
                Fact("capital_available", f.capital_available),
                Fact("utilisation_rate", f.utilisation_rate),
            ),
            table=rounds,
        ),
        Section(
            "pledges",
            "capital_pledged",
            facts=(
                Fact("pledged_due", f.pledged_due),
                Fact("pledged_received", f.pledged_received),
                Fact("funds_in_place_rate", f.funds_in_place_rate),
            ),
        ),
        Section("rates", "rates", table=rates),
    )
    form = quarterly_form(ledger, funds, start=start, end=end, positions=positions, current=(figures, cash))
    sections = (form, *(replace(section, annex=True) for section in sections))
    title = "quarterly_report" if quarter is not None else "half_year_report" if half else "annual_report"
    return Report(
        kind="quarterly",
        checkpoints=tuple(ledger.checkpoints(funds)),
        title=title,
        subject=subject,
        as_of=end,
        period=(start, end),
        sections=sections,
        notes=(
            "note_form",
            "note_due_repayment_rate",
            "note_recovery_rate",
            "note_relending_rate",
            "note_turnover",
            "note_par30",
            "note_par30_restructured",
            "note_poverty_exit_rate",
            "note_poverty_exit_rate_closed",
            "note_persons_helped",
            "note_average_loan",
            "note_utilisation_rate",
            "note_funds_in_place_rate",
            "note_overdue_rate",
            "note_write_off_rate",
        ),
    )
