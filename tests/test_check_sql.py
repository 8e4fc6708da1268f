"""``check()`` compares in SQL: each comparison it moved from Python into a query still finds its violation.

The audit's queries (:mod:`revolve.store.audits`, :mod:`revolve.store.records`) leave out the rows that
satisfy an invariant, by the invariant's own comparison written in SQL, so that checking a fund of
18,000 entries fetches the few suspect rows and not all of them. Each test here edits, with raw SQL as an
attacker would, the one row a moved comparison guards, and checks that ``check(fund)`` — and the check
of the whole book — reports the violation that comparison stands for, with its figures; on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, text

from revolve import Ledger, OrgLevel, yuan
from revolve.invariants import Violation
from revolve.store import triggers
from test_records_tamper import _book


def _raw(engine: Engine | None, *statements: str) -> None:
    """Run statements with revolve's journal triggers off (an attacker who can drop them)."""
    assert engine is not None
    with engine.begin() as conn:
        triggers.remove(conn)
        for statement in statements:
            conn.execute(text(statement))
        triggers.install(conn)


@pytest.fixture
def book(ledger: Ledger) -> dict[str, Any]:
    return {"ledger": ledger, **_book(ledger)}


def _found(ledger: Ledger, fund: Any, code: str) -> list[Violation]:
    """The violations of ``code`` that checking the fund finds; checking the whole book finds the same."""
    mine = [v for v in ledger.check(fund) if v.code == code]
    assert mine == [v for v in ledger.check() if v.code == code]
    return mine


_L1 = "(SELECT id FROM revolve_loan WHERE number = 'L1')"
_CASH = "(SELECT id FROM revolve_account WHERE role = 'fund_cash')"

# edit → the violation it must raise (each guards one comparison now made in SQL)
EDITS = {
    # invariants.unbalanced_entries / trial_balance_zero (entries and dates summed, HAVING ≠ 0)
    "posting amount": (
        "UPDATE revolve_posting SET amount = amount + 7 WHERE entry_seq = 1 AND account_id = " + _CASH,
        ["unbalanced_entry", "trial_balance_not_zero", "stored_balance_differs"],
    ),
    "posting deleted": (
        "DELETE FROM revolve_posting WHERE entry_seq = 1 AND account_id <> " + _CASH,
        ["unbalanced_entry", "trial_balance_not_zero", "stored_balance_differs"],
    ),
    # invariants.stored_balances_match (accounts, HAVING stored ≠ journal)
    "stored balance": (
        "UPDATE revolve_account SET balance = balance + 1 WHERE id = " + _CASH,
        ["stored_balance_differs"],
    ),
    "stored credit turnover": (
        "UPDATE revolve_account SET credit_turnover = credit_turnover + 1 WHERE id = " + _CASH,
        ["stored_turnover_differs"],
    ),
    # invariants.loan_conservation (loans beside their receivable and receipts, WHERE any differs)
    "receivable moved": (
        "UPDATE revolve_account SET balance = balance + 100, debit_turnover = debit_turnover + 100 "
        "WHERE role = 'loans_receivable' AND sub = 'L1'",
        ["loan_subledger_differs"],
    ),
    "loan overpaid": (
        "UPDATE revolve_loan SET principal_paid = principal + 100 WHERE number = 'L1'",
        ["loan_outstanding_negative", "loan_subledger_differs", "loan_receipts_differ", "loan_record"],
    ),
    "loan closed owing": (
        "UPDATE revolve_loan SET status = 'closed' WHERE number = 'L1'",
        ["closed_loan_outstanding", "loan_record"],
    ),
    "receipt principal": (
        "UPDATE revolve_receipt SET principal = principal + 1 WHERE receipt = 'R-1'",
        ["loan_receipts_differ", "loan_record"],
    ),
    # invariants.schedules_sum_to_principal (schedules, HAVING sum ≠ principal or numbers skip)
    "instalment principal": (
        f"UPDATE revolve_installment SET principal = principal + 1 WHERE number = 1 AND loan_id = {_L1}",
        ["schedule_principal_differs"],
    ),
    "instalment deleted": (
        f"DELETE FROM revolve_installment WHERE number = 3 AND loan_id = {_L1}",
        ["schedule_gap"],
    ),
    # records._receipt_violations (receipts beside their entries, WHERE any differs)
    "receipt amount": (
        "UPDATE revolve_receipt SET amount = amount + 1 WHERE receipt = 'R-1'",
        ["receipt_entry"],
    ),
    "receipt date": (
        "UPDATE revolve_receipt SET value_date = '2016-05-20' WHERE receipt = 'R-1'",
        ["receipt_entry"],
    ),
    "receipt renamed": (
        "UPDATE revolve_receipt SET receipt = 'R-9' WHERE receipt = 'R-1'",
        ["receipt_entry"],
    ),
    "receipt entry gone": (
        "UPDATE revolve_receipt SET entry_seq = 9999 WHERE receipt = 'R-1'",
        ["receipt_entry"],
    ),
    # records._unreceipted (an anti-join)
    "receipt deleted": ("DELETE FROM revolve_receipt WHERE receipt = 'R-2'", ["receipt_missing"]),
    # records._loan_violations (loans beside their events, WHERE any disagrees)
    "loan marked written off": (
        "UPDATE revolve_loan SET status = 'written_off' WHERE number = 'L1'",
        ["loan_record"],
    ),
    "written-off loan reopened": (
        "UPDATE revolve_loan SET status = 'active' WHERE number = 'L2'",
        ["loan_record"],
    ),
    "disbursement date": (
        "UPDATE revolve_loan SET disbursed_on = '2016-03-11' WHERE number = 'L1'",
        ["loan_record"],
    ),
    "disbursement amount": (
        "UPDATE revolve_posting SET amount = amount + 5 WHERE amount > 0 AND account_id = "
        "(SELECT id FROM revolve_account WHERE role = 'loans_receivable' AND sub = 'L1') "
        "AND entry_seq = (SELECT disbursement_seq FROM revolve_loan WHERE number = 'L1')",
        ["loan_record"],
    ),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_of_the_row_a_sql_comparison_guards_is_found(book: dict[str, Any], name: str) -> None:
    ledger, fund = book["ledger"], book["fund"]
    assert ledger.check(fund) == []
    statement, codes = EDITS[name]
    _raw(ledger.engine, statement)
    for code in codes:
        assert _found(ledger, fund, code), (name, code, ledger.check(fund))


def test_an_instalment_due_before_the_one_before_it_is_named_with_that_one(book: dict[str, Any]) -> None:
    ledger, fund = book["ledger"], book["fund"]
    dues = ledger.schedule(fund, "L1")
    # the third instalment moved before the second; the fourth still falls after the (moved) third
    _raw(
        ledger.engine,
        f"UPDATE revolve_installment SET due_date = '2016-01-01' WHERE number = 3 AND loan_id = {_L1}",
    )
    found = _found(ledger, fund, "schedule_dates_not_increasing")
    assert [v.detail for v in found] == [
        f"instalment 3 is due 2016-01-01, not after {dues[1].due_date.isoformat()}"
    ]


def test_instalments_falling_due_on_one_day_are_each_named(book: dict[str, Any]) -> None:
    ledger, fund = book["ledger"], book["fund"]
    dues = ledger.schedule(fund, "L1")
    first = dues[0].due_date.isoformat()
    _raw(ledger.engine, f"UPDATE revolve_installment SET due_date = '{first}' WHERE loan_id = {_L1}")
    found = _found(ledger, fund, "schedule_dates_not_increasing")
    assert [v.detail for v in found] == [
        f"instalment {d.number} is due {first}, not after {first}" for d in dues[1:]
    ]


def test_a_transfer_moved_on_one_side_is_found_from_either_fund(ledger: Ledger) -> None:
    funds = []
    for n in range(3):
        org = ledger.create_org(f"C{n}", f"县{n}", OrgLevel.COUNTY)
        fund = ledger.create_fund(f"F{n}", f"基金{n}", org=org)
        ledger.contribute(fund, amount=yuan("1000"), on=date(2020, 1, 2), receipt=f"D-{n}")
        funds.append(fund)
    ledger.transfer(funds[0], funds[1], amount=yuan("100"), on=date(2020, 2, 1))
    ledger.transfer(funds[2], funds[1], amount=yuan("50"), on=date(2020, 2, 1))
    assert ledger.check() == []
    # the receiver's side of the first transfer moved
    _raw(
        ledger.engine,
        f"UPDATE revolve_account SET balance = balance - 3 WHERE fund_id = {funds[1].id} AND sub = 'F0'",
    )
    for fund in funds[:2]:
        found = [v for v in ledger.check(fund) if v.code == "transfers_do_not_net"]
        assert [(v.fund_id, v.subject, v.detail) for v in found] == [
            (fund.id, "funds F0 and F1", "their inter-fund balances sum to -3 fen, not 0")
        ]
    # the third fund's pair with the receiver still nets
    assert [v for v in ledger.check(funds[2]) if v.code.startswith("transfer")] == []
