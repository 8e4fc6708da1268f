"""The books a finance officer prints and signs: the 科目余额表 for any period, the 明细账 of one account and the
记账凭证 of a period.

* 科目余额表: per account of the chart (sub-ledger accounts summed under their 科目), 期初 / 本期借方 /
  本期贷方 / 期末, each balance on the side it stands (借 or 贷); 期初 + 借 − 贷 = 期末 on every line and the
  total row balances. Every entry counts here, closing entries included: they are postings of the period.
* 明细账: one account (a chart code takes in its sub-ledger accounts), its 期初余额 line, every posting with
  date, 凭证号, 摘要, 借, 贷, 方向 (借/贷/平) and the running 余额, and the 本期合计 line.
* 记账凭证: each entry of the period with its lines, debit and credit totals, ready to print.
"""

from __future__ import annotations

from datetime import date

from revolve.capitals import in_words
from revolve.chart import Chart, chart_named
from revolve.funds import Fund
from revolve.ledger import Ledger
from revolve.money import Money
from revolve.reports.model import Cell, Column, ColumnKind, Fact, Report, Section, Table, Term
from revolve.statements import balances

__all__ = ["account_name", "build_account_ledger", "build_trial_balance", "build_vouchers"]

M, T, D, N = ColumnKind.MONEY, ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.COUNT


def _before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def _sides(fen: int) -> tuple[Money, Money]:
    return (Money(fen), Money(0)) if fen >= 0 else (Money(0), Money(-fen))


def _direction(fen: int) -> Term:
    return Term("dir_debit" if fen > 0 else "dir_credit" if fen < 0 else "dir_even")


def account_name(chart: Chart, code: str) -> Term | str:
    """The name of an account code in the chart, as a label (a sub-ledger code under its 科目's name)."""
    return _name(chart, code)


def _name(chart: Chart, code: str) -> Term | str:
    base = code.split(".", 1)[0]
    for spec in chart.specs:
        if spec.code == base:
            return Term(f"account_{chart.name}_{spec.role.value}")
    return code


def build_trial_balance(
    ledger: Ledger,
    fund: Fund | int | str,
    *,
    as_of: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Report:
    """The 科目余额表 for [start, end]: 期初, 本期借方, 本期贷方 and 期末 per account.

    Args:
        ledger: the books.
        fund: the fund, by object, id or code.
        as_of: the period's last day, when ``end`` is not given (the two are the same thing).
        start: the period's first day (default: 1 January of the last day's year).
        end: the period's last day (default: ``as_of``; one of them is needed).

    Returns:
        A report with the chart's name and the table, its total row balancing debits and credits.

    Raises:
        UnknownFund: no such fund.
        ValueError: neither ``end`` nor ``as_of`` was given.
    """
    last = end or as_of
    if last is None:
        raise ValueError("a 科目余额表 needs its last day: give end= (or as_of=)")
    first = start or date(last.year, 1, 1)
    f = ledger.fund(fund)
    chart = chart_named(f.chart)
    before, period = ledger.kind_sums(f, [(None, _before(first)), (first, last)])
    opening = balances(before)
    turnover: dict[str, tuple[int, int]] = {}
    for s in period:
        dr, cr = turnover.get(s.role, (0, 0))
        turnover[s.role] = (dr + s.debit, cr + s.credit)

    def side(budget: bool) -> Table:
        rows: list[tuple[Cell, ...]] = []
        totals = [0] * 6
        for spec in sorted(chart.specs, key=lambda sp: sp.code):
            if spec.kind.budget != budget:
                continue
            start_fen = opening.get(spec.role.value, 0)
            dr, cr = turnover.get(spec.role.value, (0, 0))
            end_fen = start_fen + dr - cr
            if not (start_fen or dr or cr or end_fen):
                continue
            cells = (*_sides(start_fen), Money(dr), Money(cr), *_sides(end_fen))
            totals = [t + c.fen for t, c in zip(totals, cells, strict=True)]
            rows.append((spec.code, Term(f"account_{chart.name}_{spec.role.value}"), *cells))
        return Table(
            columns=(
                Column("code", "account_code", T),
                Column("account", "account_name", T),
                Column("opening_debit", "opening_debit", M),
                Column("opening_credit", "opening_credit", M),
                Column("debit_turnover", "debit_turnover", M),
                Column("credit_turnover", "credit_turnover", M),
                Column("closing_debit", "closing_debit", M),
                Column("closing_credit", "closing_credit", M),
            ),
            rows=tuple(rows),
            total=(Term("total"), None, *(Money(t) for t in totals)),
        )

    # a 政府会计制度 book: financial and budget accounting each balance on their own, so each has its table
    sides = (
        (
            Section("accounts", "trial_balance_financial", table=side(False)),
            Section("budget_accounts", "trial_balance_budget", table=side(True)),
        )
        if chart.government
        else (Section("accounts", "trial_balance", table=side(False)),)
    )
    return Report(
        kind="trial_balance",
        checkpoints=(ledger.checkpoint(f),),
        title="trial_balance",
        subject=f.name,
        as_of=last,
        period=(first, last),
        sections=(Section("chart", "chart_of_accounts", facts=(Fact("chart", chart.title),)), *sides),
    )


def build_account_ledger(
    ledger: Ledger, fund: Fund | int | str, account: str, *, start: date, end: date
) -> Report:
    """The 明细账 of one account for [start, end].

    Args:
        ledger: the books.
        fund: the fund, by object, id or code.
        account: the account's code; a chart code (``112201``) takes in its sub-ledger accounts
            (``112201.L-0001``, …), a full code names one of them.
        start: the period's first day.
        end: its last day.

    Returns:
        A report whose table opens with the 期初余额 line and closes with the 本期合计 line.

    Raises:
        UnknownFund: no such fund.
        UnknownAccount: the fund has no account with that code.
    """
    f = ledger.fund(fund)
    chart = chart_named(f.chart)
    found = ledger.account_lines(f, account, start=start, end=end)
    running = found.opening
    rows: list[tuple[Cell, ...]] = [
        (start, None, None, Term("opening_balance"), None, None, _direction(running), Money(abs(running)))
    ]
    debit = credit = 0
    for line in found.lines:
        running += line.amount
        dr, cr = (line.amount, 0) if line.amount > 0 else (0, -line.amount)
        debit, credit = debit + dr, credit + cr
        rows.append(
            (
                line.value_date,
                line.seq,
                line.code,
                line.memo or line.kind,
                Money(dr) if dr else None,
                Money(cr) if cr else None,
                _direction(running),
                Money(abs(running)),
            )
        )
    table = Table(
        columns=(
            Column("date", "entry_date", D),
            Column("seq", "voucher_number", N),
            Column("code", "account_code", T),
            Column("memo", "entry_memo", T),
            Column("debit", "debit", M),
            Column("credit", "credit", M),
            Column("direction", "direction", T),
            Column("balance", "balance", M),
        ),
        rows=tuple(rows),
        total=(
            end,
            None,
            None,
            Term("period_total"),
            Money(debit),
            Money(credit),
            _direction(running),
            Money(abs(running)),
        ),
    )
    return Report(
        kind="account_ledger",
        checkpoints=(ledger.checkpoint(f),),
        title="account_ledger",
        subject=f.name,
        as_of=end,
        period=(start, end),
        sections=(
            Section(
                "account",
                "account",
                facts=(Fact("account_code", account), Fact("account_name", _name(chart, account))),
                table=table,
            ),
        ),
    )


def build_vouchers(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> Report:
    """The 记账凭证 of [start, end]: one section per entry (凭证号, 日期, 类型, 摘要) with its lines and totals.

    Args:
        ledger: the books.
        fund: the fund, by object, id or code.
        start: the period's first day.
        end: its last day.

    Returns:
        A report with one section per entry, in voucher-number order.

    Raises:
        UnknownFund: no such fund.
    """
    f = ledger.fund(fund)
    chart = chart_named(f.chart)
    sections = []
    columns = (
        Column("code", "account_code", T),
        Column("account", "account_name", T),
        Column("debit", "debit", M),
        Column("credit", "credit", M),
    )
    for entry in ledger.entries_between(f, start=start, end=end):
        facts = [
            Fact("voucher_number", entry.seq),
            Fact("entry_date", entry.value_date),
            Fact("entry_kind", entry.kind),
            Fact("entry_memo", entry.memo),
        ]
        if entry.reverses is not None:
            facts.append(Fact("reverses_voucher", entry.reverses))
        facts.append(Fact("voucher_total_in_words", in_words(entry.total)))
        rows = tuple(
            (
                line.account_code,
                _name(chart, line.account_code),
                line.amount if line.amount.fen > 0 else None,
                -line.amount if line.amount.fen < 0 else None,
            )
            for line in entry.lines
        )
        side = Money.total(line.amount for line in entry.lines if line.amount.fen > 0)
        sections.append(
            Section(
                f"voucher_{entry.seq}",
                "voucher",
                facts=tuple(facts),
                table=Table(columns=columns, rows=rows, total=(Term("total"), None, side, side)),
            )
        )
    return Report(
        kind="vouchers",
        checkpoints=(ledger.checkpoint(f),),
        title="vouchers",
        subject=f.name,
        as_of=end,
        period=(start, end),
        sections=tuple(sections),
    )
