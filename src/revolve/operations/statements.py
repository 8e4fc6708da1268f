"""Reading the books for the financial statements and the printed books: sums by account role and entry
kind over spans of dates, the cash counterparts of a period, one account's lines (明细账) and the entries of
a period (记账凭证). Each call reads in one transaction, so the spans it returns agree with each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from revolve.chart import AccountRole
from revolve.errors import UnknownAccount
from revolve.journal import PostedEntry
from revolve.operations.books import Family, FundRef
from revolve.statements import KindSum
from revolve.store import ledger_reads
from revolve.store.ledger_reads import LedgerLine

__all__ = ["AccountLines", "StatementReads"]

Span = tuple[date | None, date | None]


@dataclass(frozen=True, slots=True)
class AccountLines:
    """An account's postings over a period, with its balance before it (all in signed fen, + = debit)."""

    code: str
    codes: tuple[str, ...]
    opening: int
    lines: tuple[LedgerLine, ...]


class StatementReads(Family):
    """The reads behind the 资产负债表, 业务活动表, 现金流量表, 科目余额表, 明细账 and 记账凭证."""

    def kind_sums(self, fund: FundRef, spans: Sequence[Span]) -> list[list[KindSum]]:
        """For each ``(start, end)`` span (``None``: open), the debits and credits per (role, entry kind).

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return [ledger_reads.kind_sums(conn, found.id, start=s, end=e) for s, e in spans]

    def cash_counterparts(
        self, fund: FundRef, *, start: date | None, end: date | None
    ) -> dict[str, tuple[int, int]]:
        """``role → (cash paid, cash received)`` against that role by the entries of [start, end].

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``start`` is not a date (a ``datetime`` or a text is refused).
            InvalidDate: ``end`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, found):
            return ledger_reads.cash_counterparts(
                conn, found.id, (AccountRole.FUND_CASH.value,), start=start, end=end
            )

    def account_lines(
        self, fund: FundRef, code: str, *, start: date | None, end: date | None
    ) -> AccountLines:
        """The postings in [start, end] of the account with this code (a chart code takes in its sub-ledger
        accounts: ``112201`` is every loan's receivable), and its balance before ``start``.

        Raises:
            UnknownAccount: the fund has no account with that code.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            codes, opening, lines = ledger_reads.account_lines(conn, found.id, code, start=start, end=end)
            if not codes:
                raise UnknownAccount(code, reason="no_account_code", fund=found.code, account_code=code)
            return AccountLines(code, tuple(codes), opening, tuple(lines))

    def entries_between(self, fund: FundRef, *, start: date | None, end: date | None) -> list[PostedEntry]:
        """The fund's entries dated in [start, end], with their lines, in voucher-number order.

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``start`` is not a date (a ``datetime`` or a text is refused).
            InvalidDate: ``end`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, found):
            return ledger_reads.entries_between(conn, found.id, start=start, end=end)
