"""Reports: build data from the books and render it for people (text, Markdown, HTML, CSV, Excel, JSON).

This package is the shell's output side. Report *data* is computed from the books — a frozen
:class:`~revolve.reports.model.Report` built by a builder (:func:`build_statement`,
:func:`build_quarterly`, …) — and *rendering* turns it into a format (:func:`render`, :func:`write`), with
Chinese labels by default and English on request (:mod:`revolve.reports.labels`). Only this package
(and the importers) import ``tabulate`` and ``openpyxl``; the core never imports them.
"""

from revolve.reports.books_print import build_account_ledger, build_trial_balance, build_vouchers
from revolve.reports.financial import build_activity_statement, build_balance_sheet, build_cash_flow
from revolve.reports.government import (
    build_budget_balances,
    build_budget_statement,
    build_net_asset_changes,
)
from revolve.reports.model import Column, ColumnKind, Fact, Report, Section, Table, Term
from revolve.reports.pledge_register import build_passbook_register
from revolve.reports.quarterly import build_quarterly
from revolve.reports.registers import build_loan_register, build_write_off_register
from revolve.reports.render import Format, render, write
from revolve.reports.rollup import build_rollup
from revolve.reports.statement import build_statement

__all__ = [
    "Column",
    "ColumnKind",
    "Fact",
    "Format",
    "Report",
    "Section",
    "Table",
    "Term",
    "build_account_ledger",
    "build_activity_statement",
    "build_balance_sheet",
    "build_budget_balances",
    "build_budget_statement",
    "build_cash_flow",
    "build_loan_register",
    "build_net_asset_changes",
    "build_passbook_register",
    "build_quarterly",
    "build_rollup",
    "build_statement",
    "build_trial_balance",
    "build_vouchers",
    "build_write_off_register",
    "render",
    "write",
]
