"""Bulk operations do exactly what the same operations one by one do, in one transaction, or nothing.

``repay_many`` is proven against ``repay``: Hypothesis draws a book of interest-bearing loans (with fees,
a pledged deposit and a guarantor) and a run of payments — partial, whole, late, early with
rescheduling, by guarantor and from the pledge, receipt numbers repeated faithfully or not, some that
must be refused — and records them on two identical ledgers, one payment at a time on the first and in
one call on the second. The two journals must end with the same chain hash (so the same entries, in the
same order), and the receipts and loans must match field for field; where one payment is refused, the
bulk call must refuse with the same error, name that payment, and write nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BACKENDS, EXAMPLES, POSTGRES_URL, ledger_on, snapshot
from revolve import Ledger, OrgLevel, Payment, fen, yuan
from revolve.errors import DuplicateReceipt, LoanStateError, Overpayment, RevolveError, UnknownLoan
from revolve.guarantees import GuarantorKind
from revolve.schedule import LoanTerms, PrepaymentOption, RepaymentMethod

D = date
START = D(2016, 3, 10)
IDS = ("11010519491231002X", "110105198001010016", "110105198001020011")


def _book(ledger: Ledger) -> None:
    """Three loans on one fund: 12 % with a 3 % fee (annuity), interest-free with a ¥500 pledge, and
    6 % equal principal guaranteed by a village committee."""
    county = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "丰宁县幸福工程资金", org=county)
    ledger.contribute("FN", amount=yuan("100000"), on=D(2016, 1, 5), receipt="D-1")
    ledger.register_guarantor(
        "FN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan("50000")
    )
    ledger.open_batch("FN", code="B1", on=START)
    plans = [
        (
            "L1",
            "12000",
            12,
            RepaymentMethod.EQUAL_INSTALLMENT,
            {"rate": Decimal("0.12"), "fee_rate": Decimal("0.03")},
        ),
        ("L2", "3000", 3, RepaymentMethod.EQUAL_PRINCIPAL, {}),
        ("L3", "6000", 6, RepaymentMethod.EQUAL_PRINCIPAL, {"rate": Decimal("0.06")}),
    ]
    for n, (number, amount, term, method, rates) in enumerate(plans):
        ledger.register_household(
            "FN", code=f"H{n}", mother_name=f"母亲{n}", national_id=IDS[n], registered_on=D(2016, 1, 1)
        )
        ledger.disburse(
            "FN",
            number=number,
            household=f"H{n}",
            batch="B1",
            terms=LoanTerms(principal=yuan(amount), start=START, term=term, method=method, **rates),
            guarantors=["VC"] if number != "L2" else [],
            pledge=yuan("500") if number == "L2" else None,
        )


@st.composite
def payments(draw: st.DrawFn) -> list[Payment]:
    """A run of payments on the book of :func:`_book`, in date order."""
    out: list[Payment] = []
    on = START
    for n in range(draw(st.integers(1, 14))):
        if out and draw(st.integers(0, 9)) == 0:
            # a receipt number used again: faithfully (the same payment) or for another payment
            again = draw(st.sampled_from(out))
            faithful = draw(st.booleans())
            out.append(
                again if faithful else Payment(again.loan, again.amount + fen(1), again.on, again.receipt)
            )
            continue
        on += timedelta(days=draw(st.integers(0, 50)))
        number = draw(
            st.sampled_from(["L1", "L2", "L3", "L9"] if draw(st.integers(0, 30)) == 0 else ["L1", "L2", "L3"])
        )
        payer = draw(st.sampled_from(["borrower", "borrower", "guarantor", "pledge"]))
        if (payer == "guarantor" and number == "L2") or (payer == "pledge" and number != "L2"):
            payer = "borrower"
        prepayment = None
        if payer == "borrower" and draw(st.integers(0, 5)) == 0:
            prepayment = draw(st.sampled_from(list(PrepaymentOption)))
        amount = fen(draw(st.integers(1, 700_000 if prepayment else 250_000)))
        out.append(
            Payment(
                number,
                amount,
                on,
                f"R-{n}",
                payer,
                guarantor="VC" if payer == "guarantor" else None,
                prepayment=prepayment,
            )
        )
    return out


def _state(ledger: Ledger) -> Any:
    head = ledger.verify("FN")
    loans = ledger.loans("FN")
    receipts = [r for ln in loans for r in ledger.receipts("FN", ln)]
    versions = [v for ln in loans for v in ledger.schedule_versions("FN", ln)]
    dues = [ledger.schedule("FN", ln) for ln in loans]
    assert head.ok
    return head.entries_checked, ledger.entries("FN")[-1].hash, loans, receipts, versions, dues


@contextlib.contextmanager
def _two_books(backend: str) -> Iterator[tuple[Ledger, Ledger]]:
    with ledger_on(backend) as one, ledger_on(backend) as many:
        _book(one)
        _book(many)
        yield one, many


def _equivalence(backend: str) -> Any:
    @settings(max_examples=max(5, int(settings().max_examples * EXAMPLES[backend] * 0.5)))
    @given(run=payments())
    def check(run: list[Payment]) -> None:
        with _two_books(backend) as (one, many):
            refused: tuple[int, RevolveError] | None = None
            for index, p in enumerate(run):
                try:
                    one.repay(
                        "FN",
                        p.loan,
                        amount=p.amount,
                        on=p.on,
                        receipt=p.receipt,
                        payer=p.payer,
                        guarantor=p.guarantor,
                        prepayment=p.prepayment,
                    )
                except RevolveError as exc:
                    refused = (index, exc)
                    break
            if refused is not None:
                index, error = refused
                before = snapshot(many.engine)  # type: ignore[arg-type]
                with pytest.raises(type(error)) as info:
                    many.repay_many("FN", run)
                assert info.value.item == index
                assert str(info.value) == str(error)
                assert snapshot(many.engine) == before  # type: ignore[arg-type]
                run = run[:index]
            recorded = many.repay_many("FN", run)
            assert [r.receipt for r in recorded] == [p.receipt for p in run]
            assert _state(many) == _state(one)
            assert many.check() == []

    return check


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_repay_many_does_what_repay_does_one_by_one(backend_name: str) -> None:
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")
    _equivalence(backend_name)()


def test_repay_many_records_a_month_of_receipts_in_one_go(ledger: Ledger) -> None:
    _book(ledger)
    entries_before = len(ledger.entries("FN"))
    month = [
        # L2: 3,000 interest-free over 3 months, 1,000 due each month; the 500 pledge pays the first
        Payment("L2", yuan("500"), D(2016, 4, 10), "R-1", payer="pledge"),
        Payment("L2", yuan("500"), D(2016, 4, 10), "R-2"),
        Payment("L3", yuan("1030"), D(2016, 4, 10), "R-3", payer="guarantor", guarantor="VC"),
        Payment("L2", yuan("500"), D(2016, 4, 10), "R-2"),  # the same receipt again: recorded once
        Payment("L2", yuan("2000"), D(2016, 4, 20), "R-4"),  # the rest: L2 closes
    ]
    recorded = ledger.repay_many("FN", month)
    assert [r.receipt for r in recorded] == ["R-1", "R-2", "R-3", "R-2", "R-4"]
    assert recorded[1] == recorded[3]
    # four payments → four entries; the pledge was all applied, so closing L2 releases nothing
    assert len(ledger.entries("FN")) == entries_before + 4
    l2 = ledger.loan("FN", "L2")
    assert l2.outstanding == yuan("0") and l2.closed_on == D(2016, 4, 20) and l2.pledge_held == yuan("0")
    # L3: 6,000 at 6 % over 6 months: the first instalment is 1,000 principal + 30 interest (6,000 × 0.5 %)
    assert (recorded[2].interest, recorded[2].principal) == (yuan("30"), yuan("1000"))
    assert recorded[2].guarantor_id == ledger.guarantor("FN", "VC").id
    assert ledger.repay_many("FN", month) == recorded  # the whole month again: nothing new
    assert len(ledger.entries("FN")) == entries_before + 4
    assert ledger.repay_many("FN", []) == []
    assert ledger.check() == []


@pytest.mark.parametrize(
    ("bad", "error", "value"),
    [
        (Payment("NO-LOAN", yuan("1"), D(2016, 4, 10), "R-9"), UnknownLoan, "NO-LOAN"),
        # L3 owes 6,000 and 30 + 25 + 20 + 15 + 10 + 5 = 105 of interest (6 % a year on the falling balance)
        (Payment("L3", yuan("6105.01"), D(2016, 4, 10), "R-9"), Overpayment, yuan("6105.01")),
        (Payment("L3", yuan("2"), D(2016, 4, 10), "R-1"), DuplicateReceipt, "R-1"),
        (Payment("L2", yuan("1"), D(2016, 4, 10), "R-9"), LoanStateError, "L2"),
    ],
)
def test_repay_many_refuses_the_whole_batch_and_names_the_payment(
    ledger: Ledger, bad: Payment, error: type[RevolveError], value: object
) -> None:
    _book(ledger)
    before = snapshot(ledger.engine)  # type: ignore[arg-type]
    batch = [
        Payment("L1", yuan("100"), D(2016, 4, 10), "R-1"),
        Payment("L2", yuan("3000"), D(2016, 4, 10), "R-2"),  # closes L2
        bad,
        Payment("L3", yuan("100"), D(2016, 4, 10), "R-3"),
    ]
    with pytest.raises(error) as info:
        ledger.repay_many("FN", batch)
    assert info.value.item == 2
    carried = {UnknownLoan: "key", Overpayment: "amount", DuplicateReceipt: "receipt", LoanStateError: "loan"}
    assert getattr(info.value, carried[error]) == value
    assert any("item 2 (R-" in note for note in info.value.__notes__)
    assert snapshot(ledger.engine) == before  # type: ignore[arg-type]
