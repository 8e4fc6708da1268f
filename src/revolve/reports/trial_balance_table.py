"""Render a trial balance (科目余额表) as a text table, Chinese by default, English on request.

The numbers come from :class:`revolve.TrialBalance`, built from the books; this module only lays them out:
one row per account with debit and credit turnover and the closing balance on its normal side, and a
total row whose debit and credit columns must agree.
"""

from __future__ import annotations

from tabulate import tabulate

from revolve.money import Money
from revolve.reports.labels import Language, label
from revolve.trial_balance import TrialBalance

__all__ = ["trial_balance_rows", "trial_balance_table"]


def _amount(money: Money) -> str:
    return "" if money.is_zero() else money.format(symbol="")


def trial_balance_rows(
    tb: TrialBalance, lang: Language | str = Language.ZH, *, all_accounts: bool = False
) -> list[list[str]]:
    """The table's body rows (code, name, turnovers, balances), then the total row."""
    rows = []
    for line in tb.lines:
        if not all_accounts and line.balance.is_zero() and line.debit_turnover.is_zero():
            continue
        rows.append(
            [
                line.code,
                line.name_en if Language(lang) is Language.EN else line.name_zh,
                _amount(line.debit_turnover),
                _amount(line.credit_turnover),
                _amount(line.debit_balance),
                _amount(line.credit_balance),
            ]
        )
    rows.append(
        [
            "",
            label("total", lang),
            "",
            "",
            tb.total_debit.format(symbol=""),
            tb.total_credit.format(symbol=""),
        ]
    )
    return rows


def trial_balance_table(
    tb: TrialBalance, lang: Language | str = Language.ZH, *, fmt: str = "simple", all_accounts: bool = False
) -> str:
    """The trial balance as a table (``fmt`` is a tabulate format: ``simple``, ``github``, ``plain``, ...)."""
    headers = [
        label("account_code", lang),
        label("account_name", lang),
        label("debit_turnover", lang),
        label("credit_turnover", lang),
        label("debit_balance", lang),
        label("credit_balance", lang),
    ]
    as_of = tb.as_of.isoformat() if tb.as_of else label("to_date", lang)
    title = f"{label('trial_balance', lang)} — {tb.fund.name} ({tb.fund.code}) — {as_of}"
    body = tabulate(
        trial_balance_rows(tb, lang, all_accounts=all_accounts),
        headers=headers,
        tablefmt=fmt,
        colalign=("left", "left", "right", "right", "right", "right"),
        disable_numparse=True,
    )
    return f"{title}\n{tb.chart_title}\n{body}"
