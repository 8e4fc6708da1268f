"""A roll-up over an organisation's funds kept under different accounting systems (民非 and 政府会计).

The programme figures — capital by source, loans, receipts, rates — mean the same whatever books a fund
keeps, so they are added up over the subtree (the 年报表 of :func:`revolve.reports.quarterly.build_quarterly`).
The statements are not: a 民非 fund's 会民非01/02 and a government fund's 会政财01/02 have different lines
and cannot be summed, so each fund's statements follow, each in its own system.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from revolve.chart import chart_named
from revolve.ledger import Ledger
from revolve.orgs import Org
from revolve.reports.financial import build_activity_statement, build_balance_sheet
from revolve.reports.model import Fact, Report, Section
from revolve.reports.quarterly import build_quarterly

__all__ = ["build_rollup"]


def build_rollup(ledger: Ledger, org: Org | int | str, *, year: int) -> Report:
    """The year's programme figures over ``org``'s subtree, then each fund's 资产负债表 and 业务活动表 /
    收入费用表 at 31 December, in its own system.

    Args:
        ledger: the books.
        org: the organisation (a province, a city).
        year: the year.

    Returns:
        A report whose first sections are the 年报表's, then per fund a section naming it and its system,
        and its two statements' sections (keys prefixed with the fund's code).

    Raises:
        UnknownOrg: no such organisation.
        YearEndNotClosed: a fund with entries before ``year`` lacks the close of the year before.
    """
    root = org if isinstance(org, Org) else ledger.org(org)
    programme = build_quarterly(ledger, org=root, year=year)
    end = date(year, 12, 31)
    sections = [replace(s, key=f"programme.{s.key}") for s in programme.sections]
    checkpoints = list(programme.checkpoints)
    for fund in ledger.funds(org=root):
        sections.append(
            Section(
                f"{fund.code}.fund",
                "rollup_fund",
                facts=(Fact("rollup_fund_name", fund.name), Fact("chart", chart_named(fund.chart).title)),
            )
        )
        for statement in (
            build_balance_sheet(ledger, fund, as_of=end),
            build_activity_statement(ledger, fund, start=date(year, 1, 1), end=end),
        ):
            sections += [replace(s, key=f"{fund.code}.{s.key}") for s in statement.sections]
            checkpoints += [c for c in statement.checkpoints if c not in checkpoints]
    return Report(
        kind="rollup",
        checkpoints=tuple(checkpoints),
        title="rollup",
        subject=root.name,
        as_of=end,
        period=(date(year, 1, 1), end),
        sections=tuple(sections),
        notes=("note_rollup",),
    )
