"""The quarterly report (季报表) of a fund, or rolled up over an organisation's subtree, for a quarter or a year.

Its sections follow domain.md §11's suggested fields: capital by source; what was lent and recovered to
date; what was lent this period (batches, households, amount) and recovered (borrower, guarantor 代偿,
pledged deposit); instalments that fell due against those repaid on time; ageing and PAR30; write-offs
and recoveries; grants, subsidies and money returned to finance; revolving (turnover, rounds, re-lending);
and the rates — 到期还款率, 回收率, 滚动率, PAR30, 脱贫率 — each with its numerator and denominator. The
figures come from :func:`revolve.metrics.period_figures`; a roll-up adds funds with
:func:`revolve.metrics.combine`, where transfers between the funds net to nothing.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from revolve.chart import AccountRole
from revolve.errors import InvalidDate
from revolve.funds import Fund
from revolve.ledger import Ledger
from revolve.loans import AgeingBucket, bucket_for
from revolve.metrics import PeriodFigures, combine, period_figures
from revolve.money import Money
from revolve.orgs import Org
from revolve.ratios import Ratio
from revolve.reports.model import Column, ColumnKind, Fact, Report, Section, Table, Term

__all__ = ["build_quarterly", "period_of", "quarterly_figures"]

M, C, T, R = ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.TEXT, ColumnKind.RATIO


def period_of(year: int, quarter: int | None) -> tuple[date, date]:
    """The first and last day of a quarter (1–4), or of the whole year when ``quarter`` is None.

    Raises:
        InvalidDate: a quarter outside 1–4.
    """
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise InvalidDate(quarter, reason="a quarter is 1, 2, 3 or 4")
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
    if not funds:
        raise ValueError("the organisation's subtree holds no fund")
    parts = [period_figures(ledger.portfolio(f), start=start, end=end) for f in funds]
    cash = Money.total(ledger.balance(f, AccountRole.FUND_CASH, as_of=end) for f in funds)
    return combine(parts), cash


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
) -> Report:
    """Build the 季报表 of a fund (``fund=``) or of an org's subtree (``org=``) for a quarter or a year.

    Args:
        ledger: the books.
        year: the year.
        quarter: 1–4, or None for the whole year (年报).
        fund: one fund.
        org: an organisation; every fund in its subtree is included.

    Returns:
        The report; its ``period`` is the quarter's (or year's) first and last day.
    """
    start, end = period_of(year, quarter)
    _, subject = _funds(ledger, fund, org)
    figures, cash = quarterly_figures(ledger, start=start, end=end, fund=fund, org=org)
    f = figures
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
                ("poverty_exit_rate", f.poverty_exit_rate),
            )
        ),
    )
    rounds = Table(
        columns=(Column("round", "round", C), Column("loans", "loans", C)),
        rows=tuple((r, n) for r, n in f.loans_by_round.items()),
        total=(Term("total"), sum(f.loans_by_round.values())),
    )
    sections = (
        Section(
            "overview",
            "overview",
            facts=(
                Fact("period_start", start),
                Fact("period_end", end),
                Fact("funds_included", f.funds),
                Fact("households_helped", f.households_helped),
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
        Section("ageing", "ageing", facts=(Fact("par30", f.par30),), table=ageing),
        Section(
            "losses",
            "write_offs_and_recoveries",
            facts=(
                Fact("written_off_this_period", f.written_off),
                Fact("written_off_to_date", f.written_off_to_date),
                Fact("recovered_after_write_off", f.recovered_after_write_off),
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
            ),
            table=rounds,
        ),
        Section("rates", "rates", table=rates),
    )
    title = "quarterly_report" if quarter is not None else "annual_report"
    return Report(
        kind="quarterly",
        checkpoints=tuple(ledger.checkpoint(each) for each in _funds(ledger, fund, org)[0]),
        title=title,
        subject=subject,
        as_of=end,
        period=(start, end),
        sections=sections,
        notes=(
            "note_due_repayment_rate",
            "note_recovery_rate",
            "note_relending_rate",
            "note_turnover",
            "note_par30",
            "note_poverty_exit_rate",
        ),
    )
