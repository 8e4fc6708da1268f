"""Passbook pledges (存折质押) in a register off the books; cash deposits (保证金) on them (issue 11, finding 5).

A passbook stays the mother's money: pledging and releasing it posts nothing, and 银行存款 never holds
its balance until the fund applies it to a loan in default, which is a receipt from her own money
(Dr 银行存款 / Cr 其他应收款). Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from conftest import BACKENDS, EXAMPLES, POSTGRES_URL, ledger_on, snapshot
from revolve import AccountRole, Ledger, OrgLevel, Passbook, PledgeStatus, yuan
from revolve.errors import (
    InvalidAmount,
    InvalidDate,
    InvalidEntry,
    LoanStateError,
    PledgeStateError,
    RevolveError,
    UnknownPassbookPledge,
)
from revolve.guarantees import GuarantorKind
from revolve.loans import LoanStatus
from revolve.money import Money
from revolve.pledges import mask_account
from revolve.reports.render import Format, render
from revolve.reports.statement import build_statement
from revolve.schedule import LoanTerms, RepaymentMethod

R = AccountRole
D = date
ID_1 = "11010519491231002X"
ID_2 = "110105198001010016"
ID_3 = "110105199001010010"
ACCOUNT = "6217000010001234567"


def _book(ledger: Ledger) -> Ledger:
    """A county fund with ¥300,000 of donations, two households, a batch and a village committee."""
    c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "丰宁县幸福工程资金", org=c)
    ledger.contribute("FN", amount=yuan("300000"), on=D(2016, 1, 5), receipt="D-1")
    ledger.register_household(
        "FN", code="H1", mother_name="王秀英", national_id=ID_1, registered_on=D(2016, 1, 1)
    )
    ledger.register_household(
        "FN", code="H2", mother_name="李桂兰", national_id=ID_2, registered_on=D(2016, 1, 1)
    )
    ledger.open_batch("FN", code="B1", on=D(2016, 3, 1))
    ledger.register_guarantor(
        "FN", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会", cap=yuan("150000")
    )
    return ledger


@pytest.fixture
def county(ledger: Ledger) -> Ledger:
    return _book(ledger)


def _terms(amount: str = "2000", term: int = 2, start: date = D(2016, 3, 10)) -> LoanTerms:
    # interest-free, equal principal: 2,000 over 2 months → 1,000 due 04-10 and 1,000 due 05-10
    return LoanTerms(principal=yuan(amount), start=start, term=term, method=RepaymentMethod.EQUAL_PRINCIPAL)


def _passbook(amount: str = "1500") -> Passbook:
    return Passbook("丰宁县农村信用社", ACCOUNT, yuan(amount))


def _lines(entry: Any) -> list[tuple[str, int]]:
    return [(str(line.account), line.amount.fen) for line in entry.lines]


def _disburse(ledger: Ledger, number: str = "L1", household: str = "H1", **kw: Any) -> Any:
    return ledger.disburse(
        "FN", number=number, household=household, batch="B1", terms=kw.pop("terms", _terms()), **kw
    )


# ---- finding 5: a pledged passbook is not the fund's money ----------------------------------------
def test_a_pledged_passbook_does_not_move_the_funds_bank_deposit(county: Ledger) -> None:
    before = len(county.entries("FN"))
    _disburse(county, guarantors=["VC"], passbook=_passbook())
    # one entry: the payout. 300,000 − 2,000 lent = 298,000; the 1,500 passbook stays in her bank
    assert len(county.entries("FN")) == before + 1
    assert [e.kind for e in county.entries("FN")][-1] == "disbursement"
    assert county.balance("FN", R.FUND_CASH) == yuan("298000")
    assert county.balance("FN", R.PLEDGE_DEPOSITS) == yuan("0")
    (line,) = county.passbook_pledges("FN")
    assert (line.loan, line.bank, line.amount, line.held_from) == (
        "L1",
        "丰宁县农村信用社",
        yuan("1500"),
        D(2016, 3, 10),
    )
    assert line.status is PledgeStatus.HELD and line.applied_on is None and line.released_on is None
    assert line.masked_account == "6217***********4567"
    assert ACCOUNT not in repr(line) and ACCOUNT not in repr(_passbook())


def test_a_cash_deposit_paid_into_the_fund_stays_a_liability(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"], pledge=yuan("500"))
    deposit = county.entries("FN")[-1]
    assert deposit.kind == "pledge.received"
    assert _lines(deposit) == [("fund_cash", 50_000), ("pledge_deposits", -50_000)]
    assert county.passbook_pledges("FN") == []


def test_masking_keeps_only_the_ends() -> None:
    assert mask_account("6217000010001234567") == "6217***********4567"
    assert mask_account("12345678") == "****5678"
    assert mask_account("1234") == "****"


def test_a_passbook_is_checked_before_anything_is_written(county: Ledger) -> None:
    before = snapshot(county.engine)  # type: ignore[arg-type]
    with pytest.raises(InvalidEntry) as info:
        _disburse(county, guarantors=["VC"], passbook=Passbook("", ACCOUNT, yuan("100")))
    assert info.value.field == "bank"
    with pytest.raises(InvalidEntry) as bad:
        _disburse(county, guarantors=["VC"], passbook=Passbook("信用社", "12-3", yuan("100")))
    assert bad.value.field == "account"
    assert snapshot(county.engine) == before  # type: ignore[arg-type]


# ---- registering after the payout, releasing -----------------------------------------------------
def test_a_passbook_registered_after_the_payout_posts_nothing(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"])
    before = len(county.entries("FN"))
    with pytest.raises(InvalidDate):
        county.register_passbook_pledge("FN", "L1", passbook=_passbook(), on=D(2016, 3, 9))
    line = county.register_passbook_pledge("FN", "L1", passbook=_passbook(), on=D(2016, 3, 20))
    assert line.held_from == D(2016, 3, 20) and line.status is PledgeStatus.HELD
    assert len(county.entries("FN")) == before
    assert county.balance("FN", R.FUND_CASH) == yuan("298000")


def test_releasing_by_hand_posts_nothing_and_only_once(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"], passbook=_passbook())
    (line,) = county.passbook_pledges("FN")
    before = len(county.entries("FN"))
    released = county.release_passbook_pledge("FN", line, on=D(2016, 4, 1), note="村委会担保已足")
    assert released.status is PledgeStatus.RELEASED and released.released_on == D(2016, 4, 1)
    assert released.note == "村委会担保已足"
    assert len(county.entries("FN")) == before
    with pytest.raises(PledgeStateError):
        county.release_passbook_pledge("FN", line.id, on=D(2016, 4, 2))
    with pytest.raises(PledgeStateError):
        county.apply_passbook_pledge("FN", line, on=D(2016, 4, 20), receipt="P-1")
    with pytest.raises(UnknownPassbookPledge):
        county.passbook_pledge("FN", 999)
    assert county.passbook_pledges("FN", held_only=True) == []


def test_a_repayment_that_closes_the_loan_releases_the_passbook(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"], passbook=_passbook())
    before = len(county.entries("FN"))
    county.repay("FN", "L1", amount=yuan("1000"), on=D(2016, 4, 10), receipt="R-1")
    assert county.passbook_pledges("FN")[0].status is PledgeStatus.HELD
    county.repay("FN", "L1", amount=yuan("1000"), on=D(2016, 5, 10), receipt="R-2")
    (line,) = county.passbook_pledges("FN")
    assert line.status is PledgeStatus.RELEASED and line.released_on == D(2016, 5, 10)
    # two repayments, no release entry
    assert [e.kind for e in county.entries("FN")[before:]] == ["repayment.borrower", "repayment.borrower"]
    assert county.balance("FN", R.FUND_CASH) == yuan("300000")


# ---- applying a passbook to a loan in default ----------------------------------------------------
def test_applying_a_passbook_reduces_a_defaulted_loan_like_a_repayment(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"], passbook=_passbook("1500"))
    (line,) = county.passbook_pledges("FN")
    # 04-20: the 1,000 due 04-10 is 10 days late; by default the application takes what the loan owes
    # (2,000), up to the 1,500 pledged → 1,500
    receipt = county.apply_passbook_pledge("FN", line, on=D(2016, 4, 20), receipt="P-1")
    assert (receipt.amount, receipt.principal, receipt.payer.value) == (
        yuan("1500"),
        yuan("1500"),
        "passbook",
    )
    entry = county.entries("FN")[-1]
    assert entry.kind == "repayment.passbook"
    assert _lines(entry) == [("fund_cash", 150_000), ("loans_receivable[L1]", -150_000)]
    # 298,000 + 1,500 from her passbook
    assert county.balance("FN", R.FUND_CASH) == yuan("299500")
    loan = county.loan("FN", "L1")
    assert loan.status is LoanStatus.ACTIVE and loan.outstanding == yuan("500")
    applied = county.passbook_pledge("FN", line.id)
    assert applied.status is PledgeStatus.APPLIED
    assert (applied.applied_on, applied.applied_amount, applied.receipt) == (
        D(2016, 4, 20),
        yuan("1500"),
        "P-1",
    )
    # the rest is repaid by her: the loan closes and the (spent) passbook is handed back that day
    county.repay("FN", "L1", amount=yuan("500"), on=D(2016, 5, 10), receipt="R-2")
    assert county.passbook_pledge("FN", line.id).released_on == D(2016, 5, 10)
    assert county.check() == []


def test_applying_a_passbook_can_close_the_loan(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"], passbook=_passbook("3000"))
    (line,) = county.passbook_pledges("FN")
    receipt = county.apply_passbook_pledge("FN", line, on=D(2016, 4, 11), receipt="P-1")
    # the loan owes 2,000 in all; the passbook holds 3,000 → 2,000 taken, 1,000 stays hers
    assert receipt.amount == yuan("2000")
    assert _lines(county.entries("FN")[-1]) == [("fund_cash", 200_000), ("loans_receivable[L1]", -200_000)]
    loan = county.loan("FN", "L1")
    assert loan.status is LoanStatus.CLOSED and loan.closed_on == D(2016, 4, 11)
    after = county.passbook_pledge("FN", line.id)
    assert after.applied_amount == yuan("2000") and after.released_on == D(2016, 4, 11)
    assert county.balance("FN", R.FUND_CASH) == yuan("300000")


def test_applying_is_idempotent_by_receipt_number(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"], passbook=_passbook("1500"))
    (line,) = county.passbook_pledges("FN")
    first = county.apply_passbook_pledge("FN", line, on=D(2016, 4, 20), receipt="P-1", amount=yuan("800"))
    count = len(county.entries("FN"))
    again = county.apply_passbook_pledge("FN", line, on=D(2016, 4, 20), receipt="P-1", amount=yuan("800"))
    assert again == first and len(county.entries("FN")) == count
    with pytest.raises(PledgeStateError):
        county.apply_passbook_pledge("FN", line, on=D(2016, 4, 21), receipt="P-2")


def test_a_passbook_is_applied_only_to_a_loan_in_default(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"], passbook=_passbook("1500"))
    (line,) = county.passbook_pledges("FN")
    before = snapshot(county.engine)  # type: ignore[arg-type]
    with pytest.raises(PledgeStateError):  # 04-10: due today, not yet late
        county.apply_passbook_pledge("FN", line, on=D(2016, 4, 10), receipt="P-1")
    with pytest.raises(InvalidAmount):  # more than the balance pledged
        county.apply_passbook_pledge("FN", line, on=D(2016, 4, 20), receipt="P-1", amount=yuan("1600"))
    with pytest.raises(InvalidEntry):  # a passbook does not go through repay()
        county.repay("FN", "L1", amount=yuan("100"), on=D(2016, 4, 20), receipt="P-1", payer="passbook")
    assert snapshot(county.engine) == before  # type: ignore[arg-type]


def test_a_write_off_waits_for_the_passbook(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"], passbook=_passbook("1500"))
    with pytest.raises(LoanStateError):
        county.write_off("FN", "L1", on=D(2016, 9, 1), approval_ref="批-1", reason="无力偿还")


# ---- guarantees and the statement ----------------------------------------------------------------
def test_a_deposit_pledge_guarantee_records_the_passbook(county: Ledger) -> None:
    county.register_guarantor("FN", code="DP", kind=GuarantorKind.DEPOSIT_PLEDGE, name="存折质押")
    _disburse(county, guarantors=["DP"], passbook=_passbook("1500"))
    assert [(g.code, p) for g, p in county.loan_guarantors("FN", "L1")] == [("DP", yuan("1500"))]
    county.register_passbook_pledge("FN", "L1", passbook=_passbook("500"), on=D(2016, 3, 20))
    assert [(g.code, p) for g, p in county.loan_guarantors("FN", "L1")] == [("DP", yuan("2000"))]
    assert Money.total(p.amount for p in county.passbook_pledges("FN", "L1")) == yuan("2000")


def test_the_statement_shows_the_passbook_masked(county: Ledger) -> None:
    _disburse(county, guarantors=["VC"], passbook=_passbook("1500"))
    (line,) = county.passbook_pledges("FN")
    county.apply_passbook_pledge("FN", line, on=D(2016, 4, 20), receipt="P-1")
    text = str(render(build_statement(county, "FN", "L1", as_of=D(2016, 4, 30)), Format.TEXT, lang="zh"))
    assert "6217***********4567" in text and ACCOUNT not in text
    assert "存折质押扣划" in text and "已扣划" in text and "1,500.00" in text


# ---- the property --------------------------------------------------------------------------------
@st.composite
def _runs(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Up to 3 loans (each with a passbook) and up to 12 steps: a payment, an application, a release."""
    loans = draw(st.integers(1, 3))
    steps: list[tuple[Any, ...]] = [
        ("loan", n, draw(st.integers(2, 6)) * 100_000, draw(st.integers(1, 400_000))) for n in range(loans)
    ]
    day = 0
    for _ in range(draw(st.integers(0, 12))):
        day += draw(st.integers(1, 40))
        n = draw(st.integers(0, loans - 1))
        what = draw(st.sampled_from(["pay", "pay", "apply", "release"]))
        steps.append((what, n, draw(st.integers(1, 300_000)), day))
    return steps


def _property(backend: str) -> Any:
    @settings(max_examples=max(5, int(settings().max_examples * EXAMPLES[backend] * 0.3)))
    @given(run=_runs())
    def check(run: list[tuple[Any, ...]]) -> None:
        with ledger_on(backend) as ledger:
            _book(ledger)
            ledger.register_household(
                "FN", code="H3", mother_name="张玉梅", national_id=ID_3, registered_on=D(2016, 1, 1)
            )
            start = D(2016, 3, 10)
            cash = 30_000_000  # the model: what 银行存款 must hold, in fen
            serial = 0
            for step in run:
                what, n, amount = step[0], step[1], step[2]
                number = f"L{n}"
                if what == "loan":
                    ledger.disburse(
                        "FN",
                        number=number,
                        household=f"H{n + 1}",
                        batch="B1",
                        terms=_terms(str(amount // 100), 6, start),
                        guarantors=["VC"],
                        passbook=Passbook("信用社", f"62170000{n:04d}", Money(step[3])),
                    )
                    cash -= amount
                    continue
                on = D.fromordinal(start.toordinal() + step[3])
                serial += 1
                try:
                    if what == "pay":
                        r = ledger.repay("FN", number, amount=Money(amount), on=on, receipt=f"R-{serial}")
                        cash += r.amount.fen
                    elif what == "apply":
                        held = ledger.passbook_pledges("FN", number, held_only=True)
                        if not held:
                            continue
                        r = ledger.apply_passbook_pledge("FN", held[0], on=on, receipt=f"P-{serial}")
                        cash += r.amount.fen
                        event("applied")
                    else:
                        held = ledger.passbook_pledges("FN", number, held_only=True)
                        if held:
                            ledger.release_passbook_pledge("FN", held[0], on=max(on, held[0].held_from))
                except RevolveError as refused:  # not in default, closed, overpaid: nothing written
                    event(type(refused).__name__)
                # 银行存款 holds what was contributed, lent and received — never a passbook not yet applied
                assert ledger.balance("FN", R.FUND_CASH).fen == cash
                assert ledger.balance("FN", R.PLEDGE_DEPOSITS).fen == 0
                for line in ledger.passbook_pledges("FN"):
                    assert (line.applied_on is None) == line.applied_amount.is_zero()
                    if ledger.loan("FN", line.loan).status is not LoanStatus.ACTIVE:
                        assert line.released_on is not None
            assert ledger.check() == []

    return check


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_bank_deposits_never_hold_a_passbook_until_it_is_applied(backend_name: str) -> None:
    if backend_name == "postgresql" and not POSTGRES_URL:
        pytest.skip("set REVOLVE_TEST_POSTGRES_URL to run the PostgreSQL half")
    _property(backend_name)()


def test_the_register_lists_every_passbook_as_of_a_date(county: Ledger) -> None:
    from revolve.reports import build_passbook_register

    _disburse(county, guarantors=["VC"], passbook=_passbook("1500"))
    _disburse(
        county, "L2", "H2", guarantors=["VC"], passbook=Passbook("农业银行", "6228480012345678", yuan("800"))
    )
    (first, _) = county.passbook_pledges("FN")
    county.apply_passbook_pledge("FN", first, on=D(2016, 4, 20), receipt="P-1")
    before = build_passbook_register(county, "FN", as_of=D(2016, 4, 19))
    after = build_passbook_register(county, "FN", as_of=D(2016, 4, 30))
    facts = {f.label: f.value for f in before.sections[0].facts}
    assert facts == {
        "passbook_pledges": 2,
        "passbook_status_held": yuan("2300"),
        "passbook_applied_amount": yuan("0"),
    }
    facts = {f.label: f.value for f in after.sections[0].facts}
    assert facts["passbook_status_held"] == yuan("800")
    assert facts["passbook_applied_amount"] == yuan("1500")
    text = str(render(after, Format.TEXT, lang="zh"))
    assert "存折质押备查簿" in text and "6228********5678" in text and "6228480012345678" not in text


def test_the_command_line_pledges_a_passbook_apart_from_a_cash_deposit(tmp_path: Any) -> None:
    from revolve.cli import main

    db = f"sqlite:///{tmp_path / 'books.db'}"
    _book(Ledger.open(db)).close()
    args = ["--db", db, "disburse", "--fund", "FN", "--household", "H1", "--batch", "B1", "--amount", "2000",
            "--start", "2016-03-10", "--term", "2", "--guarantor", "VC", "--number", "L1",
            "--passbook", "1500", "--passbook-bank", "丰宁县农村信用社", "--passbook-account", ACCOUNT]  # fmt: skip
    assert main(args) == 0
    ledger = Ledger.open(db)
    try:
        assert [(p.loan, p.amount, p.masked_account) for p in ledger.passbook_pledges("FN")] == [
            ("L1", yuan("1500"), "6217***********4567")
        ]
        assert ledger.balance("FN", R.FUND_CASH) == yuan("298000")
    finally:
        ledger.close()


def test_the_quarterly_report_shows_a_passbook_applied_as_a_payer(county: Ledger) -> None:
    from revolve.reports.quarterly import build_quarterly

    _disburse(county, guarantors=["VC"], passbook=_passbook("1500"))
    (line,) = county.passbook_pledges("FN")
    quiet = build_quarterly(county, fund="FN", year=2016, quarter=1).section("recovered").table
    assert quiet is not None and "payer_passbook" not in {row[0].key for row in quiet.rows}  # type: ignore[union-attr]
    county.apply_passbook_pledge("FN", line, on=D(2016, 4, 20), receipt="P-1")
    recovered = build_quarterly(county, fund="FN", year=2016, quarter=2).section("recovered").table
    assert recovered is not None
    rows = {row[0].key: row[1] for row in recovered.rows}  # type: ignore[union-attr]
    assert rows["payer_passbook"] == yuan("1500") and recovered.total is not None
    assert recovered.total[1] == yuan("1500")


def test_the_pure_decisions_over_one_register_line() -> None:
    from revolve.loans import Loan
    from revolve.loans.dues import instalment_rows
    from revolve.pledges import PassbookPledge, application_amount, check_passbook, check_release
    from revolve.schedule import generate_schedule

    assert (
        check_passbook(Passbook(" 信用社 ", "6217 0000-1000 1234", yuan("1"))).account == "6217000010001234"
    )
    schedule = generate_schedule(_terms())
    zero = Money(0)
    loan = Loan(1, 1, "L1", 1, 1, yuan("2000"), D(2016, 3, 10), 1, LoanStatus.ACTIVE, 1,
                zero, zero, zero, zero, zero, zero, zero, zero, None)  # fmt: skip
    line = PassbookPledge(
        1, 1, 1, "L1", "信用社", ACCOUNT, yuan("1500"), D(2016, 3, 10), None, zero, None, None
    )
    rows = instalment_rows(schedule)
    with pytest.raises(PledgeStateError):  # 04-10 is the due date: not late yet
        application_amount(line, loan, rows, on=D(2016, 4, 10), amount=None)
    assert application_amount(line, loan, rows, on=D(2016, 4, 11), amount=None) == yuan("1500")
    assert application_amount(line, loan, rows, on=D(2016, 4, 11), amount=yuan("200")) == yuan("200")
    with pytest.raises(InvalidAmount):
        application_amount(line, loan, rows, on=D(2016, 4, 11), amount=yuan("1500.01"))
    with pytest.raises(InvalidDate):
        check_release(line, D(2016, 3, 9))
    assert line.status_on(D(2016, 3, 9)) is None and line.status_on(D(2016, 3, 10)) is PledgeStatus.HELD
