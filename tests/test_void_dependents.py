"""Corrections (冲正) recompute what depended on the voided record (issue 11): the pledge register, the
guarantee calls and the guarantor's figures, and the subsidy lines (贴息), which can now be voided too.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ledger_on
from revolve import AccountRole, Ledger, yuan
from revolve.errors import AlreadyVoided, RevolveError, UnknownEntry, VoidRefused
from revolve.loans import LoanStatus, due_by
from revolve.loans.voids import VoidKind
from revolve.money import Money
from revolve.pledges import Passbook, PledgeStatus
from revolve.reports import build_passbook_register, render
from revolve.schedule import LoanTerms, RepaymentMethod
from revolve.subsidy import SubsidyCaps
from test_corrections import WHO, WHY, _county, _lines, _terms

R = AccountRole
D = date
BOOK = Passbook("农行丰宁支行", "6228480011112222333", yuan("500"))


@pytest.fixture
def county(ledger: Ledger) -> Ledger:
    return _county(ledger)


# ---- the passbook pledge register ----------------------------------------------------------------------
def test_a_voided_passbook_application_holds_the_passbook_again(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1200"))
    p = county.register_passbook_pledge("FN", "L1", passbook=BOOK, on=D(2016, 3, 10))
    county.apply_passbook_pledge("FN", p, on=D(2016, 5, 20), receipt="P-1")
    assert county.passbook_pledge("FN", p.id).status is PledgeStatus.APPLIED
    county.void_receipt("FN", "P-1", on=D(2016, 5, 21), reason=WHY, approved_by=WHO)
    after = county.passbook_pledge("FN", p.id)
    assert (after.status, after.applied_on, after.applied_amount, after.receipt) == (
        PledgeStatus.HELD,
        None,
        Money(0),
        None,
    )
    assert "P-1" in after.note and "冲正" in after.note  # the history is kept on the line
    register = render(build_passbook_register(county, "FN", as_of=D(2016, 6, 1)), "text")
    assert "质押中" in register and "已扣划" not in register
    # held again, it may be applied again under a new receipt number
    county.apply_passbook_pledge("FN", p, on=D(2016, 5, 22), receipt="P-2", amount=yuan("200"))
    assert county.passbook_pledge("FN", p.id).applied_amount == yuan("200")
    assert county.check() == []


def test_a_voided_application_that_closed_the_loan_holds_every_passbook_again(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1000"))
    whole = Passbook("农行丰宁支行", "6228480011112222333", yuan("900"))
    p1 = county.register_passbook_pledge("FN", "L1", passbook=whole, on=D(2016, 3, 10))
    p2 = county.register_passbook_pledge(
        "FN", "L1", passbook=Passbook("信用社", "62170000999988887", yuan("300")), on=D(2016, 3, 10)
    )
    county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 10), receipt="R-1")
    county.apply_passbook_pledge("FN", p1, on=D(2016, 5, 20), receipt="P-1")  # closes the loan
    assert county.loan("FN", "L1").status is LoanStatus.CLOSED
    assert [x.status for x in county.passbook_pledges("FN", "L1")] == [PledgeStatus.RELEASED] * 2
    county.void_receipt("FN", "P-1", on=D(2016, 5, 21), reason=WHY, approved_by=WHO)
    assert county.loan("FN", "L1").status is LoanStatus.ACTIVE
    lines = {x.id: x for x in county.passbook_pledges("FN", "L1")}
    assert [lines[p1.id].status, lines[p2.id].status] == [PledgeStatus.HELD, PledgeStatus.HELD]
    assert lines[p2.id].released_on is None
    assert county.check() == []


def test_a_passbook_released_by_hand_stays_released_after_a_void(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1200"))
    p1 = county.register_passbook_pledge("FN", "L1", passbook=BOOK, on=D(2016, 3, 10))
    p2 = county.register_passbook_pledge(
        "FN", "L1", passbook=Passbook("信用社", "62170000999988887", yuan("300")), on=D(2016, 3, 10)
    )
    county.release_passbook_pledge("FN", p2, on=D(2016, 4, 1), note="理事会同意提前解除")
    county.apply_passbook_pledge("FN", p1, on=D(2016, 5, 20), receipt="P-1")
    county.void_receipt("FN", "P-1", on=D(2016, 5, 21), reason=WHY, approved_by=WHO)
    assert county.passbook_pledge("FN", p2.id).status is PledgeStatus.RELEASED


def test_a_voided_deposit_application_holds_the_deposit_again(county: Ledger) -> None:
    county.disburse(
        "FN",
        number="L1",
        household="H1",
        batch="B1",
        guarantors=["VC"],
        terms=_terms("1200"),
        pledge=yuan("300"),
    )
    county.repay("FN", "L1", amount=yuan("300"), on=D(2016, 5, 20), receipt="R-1", payer="pledge")
    assert county.loan("FN", "L1").pledge_held == Money(0)
    county.void_receipt("FN", "R-1", on=D(2016, 5, 21), reason=WHY, approved_by=WHO)
    assert county.loan("FN", "L1").pledge_held == yuan("300")
    assert county.balance("FN", R.PLEDGE_DEPOSITS) == -yuan("300")
    assert county.check() == []


# ---- guarantee calls -----------------------------------------------------------------------------------
def test_a_loan_whose_guarantee_was_called_can_have_its_disbursement_voided(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1200"))
    county.call_guarantee("FN", "L1", "VC", on=D(2016, 6, 20))
    void = county.void_disbursement("FN", "L1", on=D(2016, 6, 22), reason="放款对象录错", approved_by=WHO)
    assert void.kind is VoidKind.DISBURSEMENT
    # the call is kept as a record (of a loan now voided); the guarantor answers for nothing
    assert len(county.guarantee_calls("FN", "L1")) == 1
    assert county.exposure("FN", "VC") == Money(0)
    assert county.check() == []


def test_voiding_the_guarantors_payment_puts_back_what_it_answers_for(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1200"))
    call = county.call_guarantee("FN", "L1", "VC", on=D(2016, 6, 20))
    county.repay(
        "FN", "L1", amount=yuan("300"), on=D(2016, 6, 21), receipt="G-1", payer="guarantor", guarantor="VC"
    )
    assert county.exposure("FN", "VC") == yuan("900")
    assert county.guarantor_paid("FN", "VC") == yuan("300")
    county.void_receipt("FN", "G-1", on=D(2016, 6, 22), reason=WHY, approved_by=WHO)
    assert county.exposure("FN", "VC") == yuan("1200")
    assert county.guarantor_paid("FN", "VC") == Money(0)
    # the call stands, and what it asked for is owed again
    assert county.guarantee_calls("FN", "L1") == [call]
    ln = county.loan("FN", "L1")
    assert due_by(county.schedule("FN", "L1"), paid=ln.paid_in_version, on=D(2016, 6, 22)) == yuan("300")
    assert county.check() == []


def test_a_mothers_receipt_before_the_guarantors_payment_names_that_payment(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1200"))
    county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 10), receipt="R-1")
    county.call_guarantee("FN", "L1", "VC", on=D(2016, 6, 20))
    county.repay(
        "FN", "L1", amount=yuan("200"), on=D(2016, 6, 21), receipt="G-1", payer="guarantor", guarantor="VC"
    )
    with pytest.raises(VoidRefused) as info:
        county.void_receipt("FN", "R-1", on=D(2016, 6, 22), reason=WHY, approved_by=WHO)
    assert "G-1" in info.value.blocker and "guarantor VC" in info.value.blocker
    # voided newest first, both go, and the call stands with everything owed again
    county.void_receipt("FN", "G-1", on=D(2016, 6, 22), reason=WHY, approved_by=WHO)
    county.void_receipt("FN", "R-1", on=D(2016, 6, 22), reason=WHY, approved_by=WHO)
    assert county.loan("FN", "L1").principal_paid == Money(0)
    assert len(county.guarantee_calls("FN", "L1")) == 1
    assert county.check() == []


# ---- subsidy lines (贴息) ----------------------------------------------------------------------------
def _bank_loan(county: Ledger) -> tuple[Money, date]:
    terms = LoanTerms(
        principal=yuan("20000"),
        start=D(2016, 3, 1),
        term=12,
        method=RepaymentMethod.BULLET,
        rate=Decimal("0.05"),
    )
    caps = SubsidyCaps(max_principal=yuan("20000"), max_rate=Decimal("0.05"), max_days=360)
    county.register_bank_loan("FN", number="BK-1", household="H1", bank="信用社", terms=terms, caps=caps)
    (line,) = county.subsidy_due("FN", "BK-1")
    return line.amount, line.end


def test_a_subsidy_payment_keyed_wrong_is_voided_and_paid_again(county: Ledger) -> None:
    amount, end = _bank_loan(county)
    paid = county.pay_subsidy("FN", "BK-1", period=1, on=end + timedelta(days=5))
    released = county.entries("FN")[-1]
    assert released.kind == "restriction.release"
    void = county.void_subsidy(
        "FN", "BK-1", period=1, on=end + timedelta(days=6), reason="期次录错", approved_by=WHO
    )
    assert (void.kind, void.reference, void.original_seq) == (VoidKind.SUBSIDY, "BK-1/1", paid.seq)
    reversals = county.entries("FN")[-2:]
    assert [e.reverses for e in reversals] == [paid.seq, released.seq]
    assert _lines(reversals[0]) == [(a, -f) for a, f in _lines(paid)]
    assert county.balance("FN", R.SUBSIDY_EXPENSE) == Money(0)
    assert county.voids("FN")[-1] == void
    # the 季报表's subsidies leave it out
    assert [o for o in county.portfolio("FN").outflows if o.kind == "subsidy"] == []
    with pytest.raises(AlreadyVoided):
        county.void_subsidy("FN", "BK-1", period=1, on=end + timedelta(days=6), reason=WHY, approved_by=WHO)
    # the period is unpaid again, and is paid again
    again = county.pay_subsidy("FN", "BK-1", period=1, on=end + timedelta(days=7))
    assert _lines(again) == _lines(paid)
    assert county.balance("FN", R.SUBSIDY_EXPENSE) == amount
    assert [o.amount for o in county.portfolio("FN").outflows if o.kind == "subsidy"] == [amount]
    assert county.check() == []


def test_a_voided_accrued_subsidy_restores_the_payable_not_the_expense(county: Ledger) -> None:
    amount, end = _bank_loan(county)
    county.close_period("FN", through=end)
    payable = county.accrued("FN", R.SUBSIDY_PAYABLE)
    assert payable == {"BK-1": -amount}  # a credit balance
    county.pay_subsidy("FN", "BK-1", period=1, on=end + timedelta(days=5))
    assert county.accrued("FN", R.SUBSIDY_PAYABLE) == {"BK-1": Money(0)}
    county.void_subsidy("FN", "BK-1", period=1, on=end + timedelta(days=6), reason=WHY, approved_by=WHO)
    assert county.accrued("FN", R.SUBSIDY_PAYABLE) == payable
    # the next close accrues nothing twice: the payable is held already
    county.close_period("FN", through=end + timedelta(days=30))
    assert county.accrued("FN", R.SUBSIDY_PAYABLE) == payable
    assert county.check() == []


def test_voiding_an_unpaid_subsidy_period_is_refused(county: Ledger) -> None:
    _bank_loan(county)
    with pytest.raises(UnknownEntry, match="period 1"):
        county.void_subsidy("FN", "BK-1", period=1, on=D(2017, 4, 1), reason=WHY, approved_by=WHO)


def test_revolve_void_subsidy_from_the_command_line(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from revolve.cli import main

    with ledger_on("sqlite", tmp_dir=str(tmp_path)) as books:
        _county(books)
        _, end = _bank_loan(books)
        books.pay_subsidy("FN", "BK-1", period=1, on=end + timedelta(days=5))
    db = str(tmp_path / "books.db")
    common = ["--fund", "FN", "--on", (end + timedelta(days=6)).isoformat(), "--reason", WHY]
    common += ["--approved-by", WHO]
    assert main(["--db", db, "void", "subsidy", "BK-1", *common]) == 1
    assert "--period" in capsys.readouterr().err
    assert main(["--db", db, "void", "subsidy", "BK-1", "--period", "1", *common]) == 0
    assert "贴息 BK-1/1 已作废" in capsys.readouterr().out
    assert main(["--db", db, "void", "subsidy", "BK-1", "--period", "1", *common]) == 1
    assert main(["--db", db, "check"]) == 0
    with pytest.raises(SystemExit):
        main(["void", "--help"])
    assert "贴息期次" in capsys.readouterr().out


# ---- the property: a void is as if the record was never made -----------------------------------------
_step = st.tuples(
    st.sampled_from(["borrower", "borrower", "pledge", "guarantor", "passbook", "subsidy", "call"]),
    st.integers(min_value=0, max_value=60),  # days after the previous step
    st.integers(min_value=1, max_value=60_000),  # fen
)


def _setup(ledger: Ledger, rate: Decimal) -> int:
    _county(ledger)
    ledger.disburse(
        "FN",
        number="L1",
        household="H1",
        batch="B1",
        guarantors=["VC"],
        terms=_terms("1200", 6, rate=rate),
        pledge=yuan("300"),
    )
    _bank_loan_quarterly(ledger)
    return ledger.register_passbook_pledge("FN", "L1", passbook=BOOK, on=D(2016, 3, 10)).id


def _bank_loan_quarterly(ledger: Ledger) -> None:
    terms = LoanTerms(
        principal=yuan("20000"),
        start=D(2016, 1, 1),
        term=4,
        method=RepaymentMethod.INTEREST_ONLY,
        rate=Decimal("0.05"),
    )
    caps = SubsidyCaps(max_principal=yuan("20000"), max_rate=Decimal("0.05"), max_days=360)
    ledger.register_bank_loan("FN", number="BK-Q", household="H2", bank="信用社", terms=terms, caps=caps)


Step = tuple[str, date, int, str]


def _do(ledger: Ledger, pledge: int, what: str, on: date, fen: int, ref: str) -> None:
    if what in ("borrower", "pledge"):
        ledger.repay("FN", "L1", amount=Money(fen), on=on, receipt=ref, payer=what)
    elif what == "guarantor":
        ledger.repay("FN", "L1", amount=Money(fen), on=on, receipt=ref, payer="guarantor", guarantor="VC")
    elif what == "passbook":
        ledger.apply_passbook_pledge("FN", pledge, on=on, receipt=ref, amount=Money(min(fen, 50_000)))
    elif what == "subsidy":
        ledger.pay_subsidy("FN", "BK-Q", period=1 + fen % 4, on=on)
    else:
        ledger.call_guarantee("FN", "L1", "VC", on=on)


def _state(ledger: Ledger) -> tuple[Any, ...]:
    from test_corrections import _where

    register = [
        (p.status, p.applied_on, p.applied_amount, p.receipt, p.released_on)
        for p in ledger.passbook_pledges("FN")
    ]
    roles = (R.FUND_CASH, R.SUBSIDY_EXPENSE, R.SUBSIDY_PAYABLE, R.INTEREST_REVENUE, R.PLEDGE_DEPOSITS)
    return (
        _where(ledger),
        register,
        ledger.exposure("FN", "VC"),
        ledger.guarantor_paid("FN", "VC"),
        # a call stands as made (a demand sent on its date for its amount): its dates, not what it asked
        [c.called_on for c in ledger.guarantee_calls("FN", "L1")],
        ledger.subsidy_due("FN", "BK-Q"),
        [ledger.balance("FN", role) for role in roles],
    )


@settings(max_examples=15, deadline=None)
@given(
    steps=st.lists(_step, min_size=1, max_size=8),
    rate=st.sampled_from([Decimal(0), Decimal("0.06")]),
    pick=st.integers(min_value=0, max_value=20),
)
def test_voiding_a_pledge_guarantor_or_subsidy_record_is_as_if_it_was_never_made(
    steps: list[tuple[str, int, int]], rate: Decimal, pick: int
) -> None:
    with ledger_on("sqlite") as voided, ledger_on("sqlite") as twin:
        pledge = _setup(voided, rate)
        assert _setup(twin, rate) == pledge
        on, done = D(2016, 3, 10), []
        for i, (what, gap, fen) in enumerate(steps):
            on += timedelta(days=gap)
            try:
                _do(voided, pledge, what, on, fen, f"R-{i}")
            except RevolveError:
                continue
            done.append((what, on, fen, f"R-{i}"))
        receipts = [s for s in done if s[0] in ("borrower", "pledge", "guarantor", "passbook")]
        # the voidable: the newest receipt (older ones are blocked by it), and every subsidy payment
        voidable = receipts[-1:] + [s for s in done if s[0] == "subsidy"]
        if not voidable:
            return
        target = voidable[pick % len(voidable)]
        what, _, fen, ref = target
        when = {"on": on + timedelta(days=1), "reason": WHY, "approved_by": WHO}
        if what == "subsidy":
            voided.void_subsidy("FN", "BK-Q", period=1 + fen % 4, **when)
        else:
            voided.void_receipt("FN", ref, **when)
        for step in done:
            if step != target:
                _do(twin, pledge, *step)  # every step the voided books took is taken by the twin too
        assert voided.check() == []
        assert _state(voided) == _state(twin)


def test_a_passbook_voided_then_released_at_close_keeps_its_history(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1000"))
    p = county.register_passbook_pledge("FN", "L1", passbook=BOOK, on=D(2016, 3, 10))
    county.apply_passbook_pledge("FN", p, on=D(2016, 5, 20), receipt="P-1")
    county.void_receipt("FN", "P-1", on=D(2016, 5, 21), reason=WHY, approved_by=WHO)
    county.repay("FN", "L1", amount=yuan("1000"), on=D(2016, 5, 22), receipt="R-2")
    closed = county.passbook_pledge("FN", p.id)
    assert closed.status is PledgeStatus.RELEASED
    assert closed.note.startswith("借款结清，解除质押") and "P-1" in closed.note
    county.void_receipt("FN", "R-2", on=D(2016, 5, 23), reason=WHY, approved_by=WHO)
    held = county.passbook_pledge("FN", p.id)
    assert held.status is PledgeStatus.HELD and "P-1" in held.note and "结清解除" in held.note
