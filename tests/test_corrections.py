"""Corrections (冲正): voiding a receipt, a disbursement, a grant or a contribution (issue 11, finding 8).

A clerk keyed 6,666.00 for 666.60. ``reverse`` refuses the entry because the receipt depends on it; the
void posts the reversal, keeps the receipt marked voided, and puts the loan back as it was, so that the
right payment can be recorded and the statement, the loan and ``check()`` agree.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ledger_on, snapshot
from revolve import AccountRole, Ledger, OrgLevel, yuan
from revolve.errors import (
    AlreadyVoided,
    InvalidEntry,
    ReversalRefused,
    RevolveError,
    UnknownReceipt,
    VoidRefused,
)
from revolve.guarantees import GuarantorKind
from revolve.loans import LoanStatus
from revolve.loans.position import loan_position
from revolve.loans.repayment import Payment
from revolve.loans.voids import VoidKind
from revolve.money import Money
from revolve.portfolio import receipts_by_loan, schedules_by_loan
from revolve.reports import build_loan_register, build_statement, render
from revolve.schedule import LoanTerms, RepaymentMethod

R = AccountRole
D = date
ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"
WHY = "录入错误：6666.00 应为 666.60"
WHO = "县妇联财务科 张会计"


def _county(ledger: Ledger, cash: str = "300000") -> Ledger:
    c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "丰宁县幸福工程资金", org=c)
    ledger.contribute("FN", amount=yuan(cash), on=D(2016, 1, 5), receipt="D-1")
    ledger.register_household(
        "FN", code="H1", mother_name="王秀英", national_id=ID_1, registered_on=D(2016, 1, 1)
    )
    ledger.register_household(
        "FN", code="H2", mother_name="李桂兰", national_id=ID_2, registered_on=D(2016, 1, 1)
    )
    ledger.open_batch("FN", code="B1", on=D(2016, 3, 1))
    ledger.register_guarantor(
        "FN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan("15000")
    )
    return ledger


@pytest.fixture
def county(ledger: Ledger) -> Ledger:
    return _county(ledger)


def _terms(amount: str = "10000", term: int = 12, **kw: Any) -> LoanTerms:
    return LoanTerms(
        principal=yuan(amount), start=D(2016, 3, 10), term=term, method=RepaymentMethod.EQUAL_PRINCIPAL, **kw
    )


def _lines(entry: Any) -> list[tuple[str, int]]:
    return [(str(line.account), line.amount.fen) for line in entry.lines]


# ---- finding 8 ------------------------------------------------------------------------------------
def test_finding_8_a_receipt_keyed_wrong_is_voided_and_recorded_again(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms())
    wrong = county.repay("FN", "L1", amount=yuan("6666.00"), on=D(2016, 4, 10), receipt="R-1")
    wrong_entry = county.entry("FN", wrong.entry_seq)
    # reverse() still refuses the entry alone, and now names the operation to use
    with pytest.raises(ReversalRefused, match="void_receipt"):
        county.reverse("FN", wrong_entry, on=D(2016, 4, 12))

    void = county.void_receipt("FN", "R-1", on=D(2016, 4, 12), reason=WHY, approved_by=WHO)
    assert (void.kind, void.reference, void.original_seq, void.reason, void.approved_by) == (
        VoidKind.RECEIPT,
        "R-1",
        wrong.entry_seq,
        WHY,
        WHO,
    )
    reversal = county.entry("FN", void.reversal_seq)
    assert reversal.reverses == wrong.entry_seq and reversal.value_date == D(2016, 4, 12)
    assert _lines(reversal) == [(a, -n) for a, n in _lines(wrong_entry)]
    # the loan is back as it was before the wrong receipt
    loan = county.loan("FN", "L1")
    assert (loan.principal_paid, loan.paid_in_version, loan.status) == (
        yuan("0"),
        yuan("0"),
        LoanStatus.ACTIVE,
    )
    assert county.receipts("FN", "L1") == []
    assert [r.receipt for r in county.voided_receipts("FN", "L1")] == ["R-1"]

    county.repay("FN", "L1", amount=yuan("666.60"), on=D(2016, 4, 10), receipt="R-1a")
    loan = county.loan("FN", "L1")
    assert loan.principal_paid == yuan("666.60")
    assert loan.outstanding == yuan("9333.40")
    assert county.balance("FN", R.LOANS_RECEIVABLE, sub="L1") == yuan("9333.40")
    assert county.balance("FN", R.FUND_CASH) == yuan("300000") - yuan("10000") + yuan("666.60")
    assert county.check() == []
    # the statement agrees with the loan, and shows the voided receipt as voided
    statement = build_statement(county, "FN", "L1", as_of=D(2016, 5, 1))
    text = render(statement, "text")
    assert "R-1a" in text and "666.60" in text
    assert "作废" in text and WHY in text
    payments = next(s for s in statement.sections if s.key == "payments")
    assert payments.table is not None
    assert [row[1] for row in payments.table.rows] == ["R-1a"]
    facts = {f.label: f.value for s in statement.sections for f in s.facts}
    assert facts["outstanding_principal"] == yuan("9333.40")


def test_a_voided_receipt_cannot_be_voided_twice_nor_a_wrong_one_named(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms())
    county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 10), receipt="R-1")
    county.void_receipt("FN", "R-1", on=D(2016, 4, 12), reason=WHY, approved_by=WHO)
    before = snapshot(county.engine)  # type: ignore[arg-type]
    with pytest.raises(AlreadyVoided):
        county.void_receipt("FN", "R-1", on=D(2016, 4, 12), reason=WHY, approved_by=WHO)
    with pytest.raises(UnknownReceipt):
        county.void_receipt("FN", "R-9", on=D(2016, 4, 12), reason=WHY, approved_by=WHO)
    with pytest.raises(InvalidEntry):
        county.void_contribution("FN", 1, on=D(2016, 4, 12), reason=" ", approved_by=WHO)
    assert snapshot(county.engine) == before  # type: ignore[arg-type]


def test_a_later_receipt_blocks_the_void_and_is_named(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms())
    county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 10), receipt="R-1")
    county.repay("FN", "L1", amount=yuan("200"), on=D(2016, 5, 10), receipt="R-2")
    before = snapshot(county.engine)  # type: ignore[arg-type]
    with pytest.raises(VoidRefused) as info:
        county.void_receipt("FN", "R-1", on=D(2016, 5, 12), reason=WHY, approved_by=WHO)
    assert "R-2" in info.value.blocker
    with pytest.raises(VoidRefused) as loan_info:
        county.void_disbursement("FN", "L1", on=D(2016, 5, 12), reason=WHY, approved_by=WHO)
    assert "R-1" in loan_info.value.blocker
    assert snapshot(county.engine) == before  # type: ignore[arg-type]
    # newest first, then the older one, then the loan itself
    county.void_receipt("FN", "R-2", on=D(2016, 5, 12), reason=WHY, approved_by=WHO)
    county.void_receipt("FN", "R-1", on=D(2016, 5, 12), reason=WHY, approved_by=WHO)
    county.void_disbursement("FN", "L1", on=D(2016, 5, 12), reason=WHY, approved_by=WHO)
    assert county.check() == []


def test_a_receipt_that_closed_the_loan_reopens_it_and_holds_the_pledge_again(county: Ledger) -> None:
    county.disburse(
        "FN",
        number="L1",
        household="H1",
        batch="B1",
        guarantors=["VC"],
        terms=_terms("2000", 2),
        pledge=yuan("500"),
    )
    county.repay("FN", "L1", amount=yuan("300"), on=D(2016, 5, 20), receipt="R-1", payer="pledge")
    county.repay("FN", "L1", amount=yuan("1700"), on=D(2016, 6, 1), receipt="R-2")
    assert county.loan("FN", "L1").status is LoanStatus.CLOSED
    void = county.void_receipt("FN", "R-2", on=D(2016, 6, 2), reason=WHY, approved_by=WHO)
    loan = county.loan("FN", "L1")
    assert (loan.status, loan.closed_on, loan.pledge_held) == (LoanStatus.ACTIVE, None, yuan("200"))
    # the receipt's entry and the release of the deposit are both reversed
    assert [county.entry("FN", s).reverses for s in (void.reversal_seq, void.reversal_seq + 1)] == [
        void.original_seq,
        void.original_seq + 1,
    ]
    assert county.balance("FN", R.PLEDGE_DEPOSITS) == -yuan("200")
    county.void_receipt("FN", "R-1", on=D(2016, 6, 2), reason=WHY, approved_by=WHO)
    assert county.loan("FN", "L1").pledge_held == yuan("500")
    assert county.check() == []


def test_a_voided_prepayment_drops_the_schedule_it_rebuilt(county: Ledger) -> None:
    county.disburse(
        "FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1200", 12)
    )
    county.repay(
        "FN", "L1", amount=yuan("500"), on=D(2016, 4, 10), receipt="R-1", prepayment="lower_installments"
    )
    assert county.loan("FN", "L1").schedule_version == 2
    county.void_receipt("FN", "R-1", on=D(2016, 4, 11), reason=WHY, approved_by=WHO)
    loan = county.loan("FN", "L1")
    assert (loan.schedule_version, loan.paid_in_version, loan.principal_paid) == (1, yuan("0"), yuan("0"))
    assert [v.version for v in county.schedule_versions("FN", "L1")] == [1]
    # the loan takes a prepayment again, as version 2
    county.repay(
        "FN", "L1", amount=yuan("300"), on=D(2016, 4, 12), receipt="R-2", prepayment="lower_installments"
    )
    assert county.loan("FN", "L1").schedule_version == 2
    assert county.check() == []


def test_an_extension_after_the_receipt_is_named(county: Ledger) -> None:
    county.disburse(
        "FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1200", 12)
    )
    county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 10), receipt="R-1")
    county.extend(
        "FN", "L1", on=D(2016, 4, 20), extra_periods=2, approval_ref="丰妇发〔2016〕7号", approved_by="县妇联"
    )
    with pytest.raises(VoidRefused, match="extension"):
        county.void_receipt("FN", "R-1", on=D(2016, 4, 21), reason=WHY, approved_by=WHO)


def test_a_voided_disbursement_leaves_every_figure(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("3000"))
    county.disburse(
        "FN",
        number="L2",
        household="H2",
        batch="B1",
        guarantors=["VC"],
        terms=_terms("2000"),
        pledge=yuan("200"),
    )
    before = county.figures("FN")
    void = county.void_disbursement("FN", "L2", on=D(2016, 3, 20), reason="户主重复放款", approved_by=WHO)
    assert void.kind is VoidKind.DISBURSEMENT and void.loan_id == county.loan("FN", "L2").id
    voided = county.loan("FN", "L2")
    assert (voided.status, voided.outstanding, voided.pledge_held) == (
        LoanStatus.VOIDED,
        yuan("2000"),
        yuan("0"),
    )
    assert [ln.number for ln in county.loans("FN")] == ["L1"]
    assert [ln.number for ln in county.loans("FN", status=LoanStatus.VOIDED)] == ["L2"]
    assert county.balance("FN", R.LOANS_RECEIVABLE, sub="L2") == yuan("0")
    assert county.balance("FN", R.PLEDGE_DEPOSITS) == yuan("0")
    after = county.figures("FN")
    assert after.disbursed == before.disbursed - yuan("2000")
    assert county.check() == []
    # the household may borrow again; the register shows the voided loan as such, outside the totals
    county.disburse("FN", number="L3", household="H2", batch="B1", guarantors=["VC"], terms=_terms("2000"))
    register = build_loan_register(county, "FN", as_of=D(2016, 12, 31))
    text = render(register, "text")
    assert "L2" in text and "已作废" in text
    facts = {f.label: f.value for s in register.sections for f in s.facts}
    assert facts["outstanding_principal"] == yuan("5000")
    with pytest.raises(RevolveError):
        county.repay("FN", "L2", amount=yuan("10"), on=D(2016, 4, 10), receipt="R-X")
    assert county.check() == []


def test_a_grant_is_voided_and_leaves_the_register(county: Ledger) -> None:
    grant = county.grant("FN", "H1", amount=yuan("800"), on=D(2016, 2, 1))
    void = county.void_grant("FN", grant, on=D(2016, 2, 3), reason="重复发放", approved_by=WHO)
    assert void.kind is VoidKind.GRANT and void.reference == str(grant.seq)
    assert county.balance("FN", R.FUND_CASH) == yuan("300000")
    assert county.balance("FN", R.GRANT_EXPENSE) == yuan("0")
    assert [o for o in county.portfolio("FN").outflows if o.kind == "grant"] == []
    with pytest.raises(AlreadyVoided):
        county.void_grant("FN", grant, on=D(2016, 2, 3), reason="重复发放", approved_by=WHO)
    assert county.check() == []


def test_a_contribution_whose_cash_was_lent_is_refused_naming_the_payout(ledger: Ledger) -> None:
    county = _county(ledger, cash="5000")
    extra = county.contribute("FN", amount=yuan("6000"), on=D(2016, 2, 1), receipt="D-2")
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("8000"))
    before = snapshot(county.engine)  # type: ignore[arg-type]
    with pytest.raises(VoidRefused) as info:
        county.void_contribution("FN", extra, on=D(2016, 2, 2), reason="捐款金额录错", approved_by=WHO)
    assert "disbursement" in info.value.blocker and "2016-03-10" in info.value.blocker
    assert snapshot(county.engine) == before  # type: ignore[arg-type]
    # a contribution whose cash is still there is voided, and the capital no longer counts it
    small = county.contribute("FN", amount=yuan("700"), on=D(2016, 3, 1), receipt="D-3")
    county.void_contribution("FN", small, on=D(2016, 3, 11), reason="捐款金额录错", approved_by=WHO)
    assert county.figures("FN").capital == yuan("11000")
    assert sum(c.amount.fen for c in county.portfolio("FN").contributions) == yuan("11000").fen
    assert county.check() == []


# ---- the property -----------------------------------------------------------------------------------
_payment = st.tuples(
    st.integers(min_value=0, max_value=45),  # days after the previous payment
    st.integers(min_value=1, max_value=140_000),  # fen
    st.sampled_from(["borrower", "borrower", "pledge"]),
    st.sampled_from([None, None, None, "lower_installments", "fewer_installments"]),
)


def _book(ledger: Ledger, rate: Decimal) -> None:
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


def _pay(ledger: Ledger, payments: list[tuple[int, int, str, str | None]]) -> list[int]:
    """Record each payment that the books take; return the positions of those recorded."""
    on, taken = D(2016, 3, 10), []
    for i, (gap, fen, payer, prepay) in enumerate(payments):
        on += timedelta(days=gap)
        try:
            ledger.repay(
                "FN", "L1", amount=Money(fen), on=on, receipt=f"R-{i}", payer=payer, prepayment=prepay
            )
        except RevolveError:
            continue
        taken.append(i)
    return taken


def _where(ledger: Ledger) -> tuple[Any, ...]:
    p = ledger.portfolio("FN")
    loan = ledger.loan("FN", "L1")
    schedules, receipts = schedules_by_loan(p)[loan.id], receipts_by_loan(p)[loan.id]
    days = [D(2016, 3, 10) + timedelta(days=d) for d in range(0, 400, 17)]
    return (
        loan,
        [loan_position(loan, schedules, receipts, as_of=d) for d in days],
        ledger.schedule_versions("FN", "L1"),
        ledger.schedule("FN", "L1"),
        ledger.balance("FN", R.LOANS_RECEIVABLE, sub="L1"),
        ledger.balance("FN", R.PLEDGE_DEPOSITS),
    )


@settings(max_examples=25)
@given(
    payments=st.lists(_payment, min_size=1, max_size=6),
    rate=st.sampled_from([Decimal(0), Decimal("0.06")]),
)
def test_voiding_the_last_repayment_is_as_if_it_was_never_made(
    payments: list[tuple[int, int, str, str | None]], rate: Decimal
) -> None:
    with ledger_on("sqlite") as voided, ledger_on("sqlite") as twin:
        _book(voided, rate)
        _book(twin, rate)
        taken = _pay(voided, payments)
        if not taken:
            return
        last = taken[-1]
        receipt = voided.receipts_by_number("FN", [f"R-{last}"])[f"R-{last}"]
        voided.void_receipt("FN", receipt, on=receipt.value_date, reason=WHY, approved_by=WHO)
        # the twin never saw the last payment: the same payments before it, on the same dates
        kept = [p if i < last else (p[0], 0, p[2], p[3]) for i, p in enumerate(payments[: last + 1])]
        assert _pay(twin, kept) == taken[:-1]
        assert _where(voided) == _where(twin)
        assert voided.check() == []


# ---- the command line --------------------------------------------------------------------------------
def test_revolve_void_from_the_command_line(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from revolve.cli import main

    with ledger_on("sqlite", tmp_dir=str(tmp_path)) as books:
        _county(books)
        books.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms())
        books.repay("FN", "L1", amount=yuan("6666"), on=D(2016, 4, 10), receipt="R-1")
        grant = books.grant("FN", "H1", amount=yuan("50"), on=D(2016, 4, 10))
    db = str(tmp_path / "books.db")
    common = ["--fund", "FN", "--on", "2016-04-12", "--reason", WHY, "--approved-by", WHO]
    assert main(["--db", db, "void", "receipt", "R-1", *common]) == 0
    out = capsys.readouterr().out
    assert "还款 R-1 已作废" in out and WHY in out and WHO in out
    assert main(["--db", db, "void", "grant", str(grant.seq), *common]) == 0
    # a refusal is one line naming what to do
    assert main(["--db", db, "void", "receipt", "R-1", *common]) == 1
    assert "已冲正过" in capsys.readouterr().err  # the CLI answers in Chinese (issue 14)
    assert main(["--db", db, "void", "grant", "abc", *common]) == 1
    assert main(["--db", db, "--lang", "en", "void", "disbursement", "L1", *common]) == 0
    assert "Voided disbursement L1" in capsys.readouterr().out
    assert main(["--db", db, "check"]) == 0


def test_a_voided_receipt_number_is_not_taken_again_as_a_retry(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms())
    county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 10), receipt="R-1")
    county.void_receipt("FN", "R-1", on=D(2016, 4, 12), reason=WHY, approved_by=WHO)
    # the same payment again under its number is not answered with the voided receipt
    with pytest.raises(AlreadyVoided, match="new receipt number"):
        county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 10), receipt="R-1")
    with pytest.raises(AlreadyVoided):
        county.repay_many("FN", [Payment("L1", yuan("100"), D(2016, 4, 10), "R-1")])
    assert county.receipts("FN", "L1") == []


def test_a_voided_loan_counts_in_no_later_round(ledger: Ledger) -> None:
    county = _county(ledger, cash="5000")
    first = county.disburse(
        "FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("5000")
    )
    assert first.round == 1
    county.void_disbursement("FN", "L1", on=D(2016, 3, 11), reason="放款对象录错", approved_by=WHO)
    later = county.disburse(
        "FN",
        number="L2",
        household="H2",
        batch="B1",
        guarantors=["VC"],
        terms=LoanTerms(
            principal=yuan("5000"), start=D(2016, 3, 12), term=12, method=RepaymentMethod.EQUAL_PRINCIPAL
        ),
    )
    # the capital was lent once, by a loan that the books no longer hold: the next loan is round 1 still
    assert later.round == 1
    assert county.figures("FN").disbursed == yuan("5000")
    assert county.check() == []


_op = st.one_of(
    st.tuples(st.just("contribute"), st.integers(min_value=1, max_value=800_000)),
    st.tuples(st.just("grant"), st.integers(min_value=1, max_value=300_000)),
    st.tuples(st.just("disburse"), st.integers(min_value=100_000, max_value=1_000_000)),
    st.tuples(st.just("repay"), st.integers(min_value=1, max_value=300_000)),
)


@settings(max_examples=20)
@given(ops=st.lists(_op, min_size=1, max_size=8), pick=st.integers(min_value=0, max_value=50))
def test_voiding_any_voidable_record_keeps_the_books_whole(ops: list[tuple[str, int]], pick: int) -> None:
    with ledger_on("sqlite") as books:
        _county(books, cash="3000")
        on, loans = D(2016, 3, 10), 0
        records: list[tuple[str, Any]] = []
        for i, (what, fen) in enumerate(ops):
            on += timedelta(days=3)
            try:
                if what == "contribute":
                    records.append(("contribution", books.contribute("FN", amount=Money(fen), on=on)))
                elif what == "grant":
                    records.append(("grant", books.grant("FN", "H1", amount=Money(fen), on=on)))
                elif what == "disburse":
                    terms = LoanTerms(
                        principal=Money(fen), start=on, term=6, method=RepaymentMethod.EQUAL_PRINCIPAL
                    )
                    loan = books.disburse(
                        "FN",
                        number=f"L{i}",
                        household=f"H{1 + loans % 2}",
                        batch="B1",
                        guarantors=["VC"],
                        terms=terms,
                    )
                    loans += 1
                    records.append(("disbursement", loan.number))
                elif loans:
                    live = books.loans("FN", status=LoanStatus.ACTIVE)
                    if live:
                        books.repay("FN", live[-1], amount=Money(fen), on=on, receipt=f"R-{i}")
                        records.append(("receipt", f"R-{i}"))
            except RevolveError:
                continue
        if not records:
            return
        kind, record = records[pick % len(records)]
        void = {
            "contribution": books.void_contribution,
            "grant": books.void_grant,
            "disbursement": books.void_disbursement,
            "receipt": books.void_receipt,
        }[kind]
        before = snapshot(books.engine)  # type: ignore[arg-type]
        try:
            void("FN", record, on=on, reason=WHY, approved_by=WHO)
        except (VoidRefused, AlreadyVoided):
            assert snapshot(books.engine) == before  # type: ignore[arg-type]
        assert books.check() == []
        figures = books.figures("FN")
        assert figures.disbursed == Money(sum(ln.principal.fen for ln in books.loans("FN")))


def test_a_recovery_is_voided_and_a_write_off_blocks_the_receipts_before_it(county: Ledger) -> None:
    county.disburse("FN", number="L1", household="H1", batch="B1", guarantors=["VC"], terms=_terms("1200"))
    county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 10), receipt="R-1")
    county.write_off("FN", "L1", on=D(2016, 12, 31), approval_ref="县妇联〔2016〕9号", reason="失联")
    county.recover("FN", "L1", amount=yuan("300"), on=D(2017, 2, 1), receipt="RC-1")
    with pytest.raises(VoidRefused) as info:
        county.void_receipt("FN", "R-1", on=D(2017, 2, 2), reason=WHY, approved_by=WHO)
    assert "RC-1" in info.value.blocker  # the later recovery first
    county.void_receipt("FN", "RC-1", on=D(2017, 2, 2), reason="重复登记", approved_by=WHO)
    assert county.loan("FN", "L1").recovered == yuan("0")
    assert county.write_off_register("FN")[0].recovered == yuan("0")
    with pytest.raises(VoidRefused, match="write-off"):
        county.void_receipt("FN", "R-1", on=D(2017, 2, 2), reason=WHY, approved_by=WHO)
    with pytest.raises(VoidRefused, match="R-1"):
        county.void_disbursement("FN", "L1", on=D(2017, 2, 2), reason=WHY, approved_by=WHO)
    assert county.check() == []
    # the reports read through a voided loan and voided receipts alike
    from revolve.reports import build_quarterly, build_write_off_register

    county.disburse("FN", number="L2", household="H2", batch="B1", guarantors=["VC"], terms=_terms("1000"))
    county.void_disbursement("FN", "L2", on=D(2017, 2, 3), reason="户主录错", approved_by=WHO)
    assert render(build_quarterly(county, year=2017, fund="FN"), "text")
    assert render(build_write_off_register(county, "FN", as_of=D(2017, 3, 1)), "text")
