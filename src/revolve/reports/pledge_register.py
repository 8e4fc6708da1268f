"""The passbook pledge register (存折质押备查簿) of a fund as of a date.

One row per passbook taken by then, for the fund's own loans and for bank loans (少生快富) alike: the loan
it secures and what kind of loan that is (基金借款 or 银行贷款), the household, the bank, the account number (masked unless
the caller reveals it), the balance pledged, and when it was taken, applied and released. A passbook is
the mother's own money, so the register is kept off the books: only an application shows in the journal,
as her repayment (payer ``passbook``); a bank loan's passbook, pledged to the bank, never enters them.
Figures: what is still held on the date, and what was applied, with the bank loans' share of each.
"""

from __future__ import annotations

from datetime import date

from revolve.funds import Fund
from revolve.ledger import Ledger
from revolve.money import Money
from revolve.pledges import PledgeStatus, SecuredLoan
from revolve.reports.model import Cell, Column, ColumnKind, Fact, Report, Section, Table, Term

__all__ = ["build_passbook_register"]

M, C, D, T = ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.DATE, ColumnKind.TEXT


def build_passbook_register(
    ledger: Ledger, fund: Fund | int | str, *, as_of: date, reveal: bool = False
) -> Report:
    """The passbook pledge register of a fund as of ``as_of``.

    Args:
        ledger: the books.
        fund: the fund.
        as_of: the register's date: passbooks taken later are left out, and an application or a release
            after it is not shown yet.
        reveal: show account numbers unmasked.

    Returns:
        The register as a :class:`~revolve.reports.model.Report`.
    """
    f = ledger.fund(fund)
    households = {h.id: h for h in ledger.households(f)}
    borrower = {ln.number: ln.household_id for ln in ledger.loans(f)}
    bank_borrower = {bl.number: bl.household_id for bl in ledger.bank_loans(f)}
    rows: list[tuple[Cell, ...]] = []
    held, applied_total = Money(0), Money(0)
    bank_lines, bank_held, bank_applied = 0, Money(0), Money(0)
    for p in ledger.passbook_pledges(f):
        status = p.status_on(as_of)
        if status is None:
            continue
        applied = p.applied_on is not None and p.applied_on <= as_of
        released = p.released_on is not None and p.released_on <= as_of
        for_bank = p.secures is SecuredLoan.BANK_LOAN
        if status is PledgeStatus.HELD:
            held += p.amount
            bank_held += p.amount if for_bank else Money(0)
        if applied:
            applied_total += p.applied_amount
            bank_applied += p.applied_amount if for_bank else Money(0)
        bank_lines += for_bank
        h = households[(bank_borrower if for_bank else borrower)[p.loan]]
        rows.append(
            (
                p.loan,
                Term(f"pledge_secures_{p.secures.value}"),
                h.code,
                h.mother_name,
                p.bank,
                p.account_number if reveal else p.masked_account,
                p.amount,
                p.held_from,
                p.applied_on if applied else None,
                p.applied_amount if applied else Money(0),
                p.released_on if released else None,
                Term(f"passbook_status_{status.value}"),
            )
        )
    table = Table(
        columns=(
            Column("loan", "loan_number", T),
            Column("secures", "pledge_secures", T),
            Column("household", "household_code", T),
            Column("mother", "mother_name", T),
            Column("bank", "passbook_bank", T),
            Column("account", "passbook_account", T),
            Column("amount", "passbook_amount", M),
            Column("held_from", "passbook_held_from", D),
            Column("applied_on", "passbook_applied_on", D),
            Column("applied_amount", "passbook_applied_amount", M),
            Column("released_on", "passbook_released_on", D),
            Column("status", "passbook_status", T),
        ),
        rows=tuple(rows),
        total=(
            Term("total"),
            None,
            None,
            None,
            None,
            None,
            Money.total(r[6] for r in rows if isinstance(r[6], Money)),
            None,
            None,
            applied_total,
            None,
            None,
        ),
    )
    return Report(
        kind="passbook_pledges",
        checkpoints=(ledger.checkpoint(f),),
        title="passbook_pledge_register",
        subject=f.name,
        as_of=as_of,
        sections=(
            Section(
                "summary",
                "overview",
                facts=(
                    Fact("passbook_pledges", len(rows)),
                    Fact("passbook_status_held", held),
                    Fact("passbook_applied_amount", applied_total),
                    *(
                        (
                            Fact("passbook_pledges_bank_loans", bank_lines),
                            Fact("passbook_status_held_bank_loans", bank_held),
                            Fact("passbook_applied_bank_loans", bank_applied),
                        )
                        if bank_lines
                        else ()
                    ),
                ),
            ),
            Section("passbooks", "passbook_pledge_register", table=table),
        ),
        notes=("note_passbook_register", *(("note_passbook_register_bank",) if bank_lines else ())),
    )
