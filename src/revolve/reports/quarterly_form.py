"""The 季报表 as one form (表式): a grid of 行次, 项目, 本期数, 本年累计数 and 上年同期数 that fits on one A4 page.

The form stands before the quarterly report's detailed sections (kept behind it as the annex, 附表). Its rows
are the quarterly report's figures, read from the books three times over:

* 本期数 — the report's own period (a quarter, a half-year or the year);
* 本年累计数 — from 1 January of the period's year to the period's end;
* 上年同期数 — the same period one year earlier.

A row is either a *flow* (what happened in the period: lent, recovered, written off, granted; a rate over
the period such as 到期还款率 and 滚动率), shown in all three columns, or a *stock* (a balance, a count or a
rate taken at the period's end: 借款余额, 在贷笔数, PAR30, 逾期率), shown at the period's end and at the end
of last year's same period, with no 本年累计数 (it would repeat the 本期数). 其中 rows are set in under the
row they break down. Every figure comes from :func:`revolve.metrics.period_figures` (rolled up with
:func:`revolve.metrics.combine`) and the fund's cash account; the rates keep their numerator and denominator.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from revolve.chart import AccountRole
from revolve.funds import Fund
from revolve.ledger import Ledger
from revolve.metrics import PeriodFigures, Positions, combine, period_figures
from revolve.money import Money
from revolve.portfolio import Portfolio
from revolve.reports.model import Cell, Column, ColumnKind, Section, Table, Term

__all__ = ["form_periods", "form_portfolios", "portfolios_since", "quarterly_form"]

_SET_IN = 2
"""The indent of a breakdown's first row (其中：…), in full-width spaces."""
_UNDER = _SET_IN + 3
"""The indent of the rows after it, lined up under the word after 其中："""


@dataclass(frozen=True, slots=True)
class _Figures:
    """One column's figures: the period's, the cash at its end and the capital received in it."""

    period: PeriodFigures
    cash: Money
    received: Money


@dataclass(frozen=True, slots=True)
class _Line:
    key: str
    value: Callable[[_Figures], Cell]
    stock: bool = False
    indent: int = 0


def _payer(name: str) -> Callable[[_Figures], Cell]:
    return lambda c: c.period.recovered_by_payer.get(name, Money(0))


_LINES: tuple[_Line, ...] = (
    _Line("form_received", lambda c: c.received),
    _Line("form_capital", lambda c: c.period.capital, stock=True),
    _Line("form_disbursed", lambda c: c.period.disbursed),
    _Line("form_loans_disbursed", lambda c: c.period.loans_disbursed),
    _Line("form_households_disbursed", lambda c: c.period.households_disbursed),
    _Line("form_recovered", lambda c: c.period.recovered),
    _Line("form_of_which_borrower", _payer("borrower"), indent=_SET_IN),
    _Line("form_guarantor", _payer("guarantor"), indent=_UNDER),
    _Line("form_pledge", _payer("pledge"), indent=_UNDER),
    _Line("form_passbook", _payer("passbook"), indent=_UNDER),
    _Line("form_interest", lambda c: c.period.interest_collected),
    _Line("form_fees", lambda c: c.period.fees_collected),
    _Line("form_due", lambda c: c.period.due_in_period),
    _Line("form_of_which_on_time", lambda c: c.period.repaid_on_time, indent=_SET_IN),
    _Line("form_outstanding", lambda c: c.period.outstanding, stock=True),
    _Line("form_of_which_overdue", lambda c: c.period.overdue_outstanding, stock=True, indent=_SET_IN),
    _Line("form_restructured", lambda c: c.period.restructured_outstanding, stock=True, indent=_UNDER),
    _Line("form_loans_outstanding", lambda c: c.period.loans_outstanding, stock=True),
    _Line("form_written_off", lambda c: c.period.written_off),
    _Line("form_recovered_after_write_off", lambda c: c.period.recovered_after_write_off),
    _Line("form_grants", lambda c: c.period.grants),
    _Line("form_subsidies", lambda c: c.period.subsidies),
    _Line("form_returned", lambda c: c.period.returned_to_finance),
    _Line("form_cash", lambda c: c.cash, stock=True),
    _Line("form_households_helped", lambda c: c.period.households_helped, stock=True),
    _Line("form_persons_helped", lambda c: c.period.persons_helped, stock=True),
    _Line("due_repayment_rate", lambda c: c.period.due_repayment_rate),
    _Line("recovery_rate", lambda c: c.period.recovery_rate, stock=True),
    _Line("relending_rate", lambda c: c.period.relending_rate),
    _Line("par30", lambda c: c.period.par30, stock=True),
    _Line("overdue_rate", lambda c: c.period.overdue_rate, stock=True),
    _Line("write_off_rate", lambda c: c.period.write_off_rate, stock=True),
    _Line("utilisation_rate", lambda c: c.period.utilisation_rate, stock=True),
    _Line("poverty_exit_rate", lambda c: c.period.poverty_exit_rate, stock=True),
)


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def form_periods(start: date, end: date) -> tuple[tuple[date, date], tuple[date, date], tuple[date, date]]:
    """The periods of the form's three columns: this period, the year to its end, last year's same period."""
    return (start, end), (date(end.year, 1, 1), end), (_a_year_before(start), _a_year_before(end))


def portfolios_since(ledger: Ledger, funds: Sequence[Fund], *, since: date) -> list[Portfolio]:
    """The funds' portfolios for periods starting on ``since`` or later: the loans settled before it are
    summed up, not read (:class:`revolve.portfolio.SettledLoans`), so a report costs what the lending
    live since then costs, not what the funds' whole life does. The funds are read together
    (:meth:`revolve.Ledger.portfolios`), so a roll-up's report costs no more statements than a fund's."""
    return ledger.portfolios(funds, settled_before=since)


def form_portfolios(ledger: Ledger, funds: Sequence[Fund], *, start: date, end: date) -> list[Portfolio]:
    """The funds' portfolios for the form's three columns, the earliest of which is last year's (上年同期)."""
    return portfolios_since(ledger, funds, since=min(first for first, _ in form_periods(start, end)))


def _column(
    ledger: Ledger,
    funds: Sequence[Fund],
    positions: Sequence[Positions],
    period: tuple[date, date],
    *,
    cash_on: dict[date, Money],
    known: tuple[PeriodFigures, Money] | None = None,
) -> _Figures:
    start, end = period
    portfolios = [p.portfolio for p in positions]
    if known is not None:
        figures, cash = known
    else:
        figures = combine([period_figures(p.portfolio, start=start, end=end, positions=p) for p in positions])
        if end not in cash_on:
            cash_on[end] = Money.total(ledger.balances(funds, AccountRole.FUND_CASH, as_of=end))
        cash = cash_on[end]
    received = Money.total(c.amount for p in portfolios for c in p.contributions if start <= c.on <= end)
    return _Figures(period=figures, cash=cash, received=received)


def quarterly_form(
    ledger: Ledger,
    funds: Sequence[Fund],
    *,
    start: date,
    end: date,
    portfolios: Sequence[Portfolio] | None = None,
    current: tuple[PeriodFigures, Money] | None = None,
    positions: Sequence[Positions] | None = None,
) -> Section:
    """The form of the 季报表 of these funds for ``[start, end]``: the report's first section.

    Args:
        ledger: the books.
        funds: the funds the report covers (one, or every fund of an org's subtree).
        start: the period's first day.
        end: the period's last day.
        portfolios: the funds' portfolios, when the caller has read them already (:func:`form_portfolios`).
        current: the period's own figures and cash at its end, when the caller has them already (the
            quarterly report does): the 本期数 column is then not computed twice.
        positions: the funds' portfolios with their loans' positions, shared with the caller's other
            figures (:class:`revolve.metrics.Positions`); it stands for ``portfolios`` when given.

    Returns:
        A section flagged ``form``: its table has the columns 行次, 项目, 本期数, 本年累计数, 上年同期数 and
        one row per line of the form; a stock line leaves 本年累计数 empty; the 存折质押扣划 line shows
        only when a passbook was applied in one of the three periods.
    """
    if positions is None:
        if portfolios is None:
            portfolios = form_portfolios(ledger, funds, start=start, end=end)  # read once, folded over three
        positions = [Positions(p) for p in portfolios]  # each loan's position on a day computed once
    this, year, prior = form_periods(start, end)
    # the cash at a day is read once: 本期数 and 本年累计数 end on the same day
    cash_on: dict[date, Money] = {} if current is None else {end: current[1]}
    columns = [
        _column(ledger, funds, positions, this, cash_on=cash_on, known=current),
        _column(ledger, funds, positions, year, cash_on=cash_on),
        _column(ledger, funds, positions, prior, cash_on=cash_on),
    ]
    passbook = any("passbook" in c.period.recovered_by_payer for c in columns)
    lines = [line for line in _LINES if line.key != "form_passbook" or passbook]
    rows: list[tuple[Cell, ...]] = []
    for number, line in enumerate(lines, 1):
        now, to_date, a_year_ago = (line.value(c) for c in columns)
        rows.append(
            (number, Term(line.key, indent=line.indent), now, None if line.stock else to_date, a_year_ago)
        )
    table = Table(
        columns=(
            Column("line", "row_number", ColumnKind.COUNT),
            Column("item", "item", ColumnKind.TEXT),
            Column("current", "current_period", ColumnKind.FIGURE),
            Column("year_to_date", "year_to_date", ColumnKind.FIGURE),
            Column("last_year", "same_period_last_year", ColumnKind.FIGURE),
        ),
        rows=tuple(rows),
    )
    return Section("form", "form_main", table=table, form=True)
