"""The ``revolve`` commands of a fund's other tasks, end to end in a subprocess on a temporary SQLite file.

The books are set up through the library (quick), then each command runs as the clerk would run it; what
it recorded is read back through the library, and a refused command leaves the database as it was.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import snapshot
from revolve import Ledger, LoanStatus, LoanTerms, RepaymentMethod
from revolve.money import yuan
from revolve.store.database import make_engine
from test_cli import ok, refused, run
from test_importers import FUND, NAMES, national_id


def _books(db: Path) -> Ledger:
    return Ledger(engine=make_engine(f"sqlite:///{db}"), create_schema=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Books with 30,000 received, two households and one loan of 10,000 (L001, to H001, guaranteed by G1) paid out."""
    path = tmp_path / "books.db"
    ok(run("init", "--db", path, "--org-code", "FN", "--org-name", "丰宁县", "--fund-code", FUND,
           "--fund-name", "丰宁县幸福工程资金"))  # fmt: skip
    with _books(path) as books:
        books.contribute(FUND, amount=yuan("30000"), on=date(2016, 1, 15), source="donation")
        for n in (1, 2):
            books.register_household(
                FUND,
                code=f"H00{n}",
                mother_name=NAMES[n - 1],
                national_id=national_id(n),
                registered_on=date(2016, 1, 5),
            )
        books.register_guarantor(FUND, code="G1", kind="village_committee", name="南关村委会")
        books.open_batch(FUND, code="B1", on=date(2016, 3, 10))
        terms = LoanTerms(
            principal=yuan("10000"), start=date(2016, 3, 10), term=24, method=RepaymentMethod.BULLET
        )
        books.disburse(FUND, number="L001", household="H001", batch="B1", terms=terms, guarantors=["G1"])
    return path


def test_write_off_writes_the_loan_off_with_its_approval(db: Path) -> None:
    d = ("--db", db)
    write_off = ("write-off", *d, "--fund", FUND, "--loan", "L001", "--on", "2018-06-30",
                 "--approval-ref", "丰计协发〔2018〕3号", "--reason", "借款人外出失联")  # fmt: skip
    done = ok(run(*write_off))
    assert "已核销 L001：本金 ¥10,000.00" in done.out, done.out
    assert "丰计协发〔2018〕3号" in done.out
    with _books(db) as books:
        (line,) = books.write_off_register(FUND)
        assert (line.loan_number, line.amount, line.written_on) == ("L001", yuan("10000"), date(2018, 6, 30))
        assert (line.approval_ref, line.reason) == ("丰计协发〔2018〕3号", "借款人外出失联")
        assert books.loan(FUND, "L001").status is LoanStatus.WRITTEN_OFF
        assert not books.check(FUND)


def test_write_off_twice_or_without_approval_is_refused_and_writes_nothing(db: Path) -> None:
    d = ("--db", db)
    base = ("write-off", *d, "--fund", FUND, "--loan", "L001", "--on", "2018-06-30", "--reason", "失联")
    before = snapshot(make_engine(f"sqlite:///{db}"))
    line = refused(run(*base, "--approval-ref", "  "))
    assert "批准" in line or "approval" in line
    assert snapshot(make_engine(f"sqlite:///{db}")) == before
    ok(run(*base, "--approval-ref", "丰计协发〔2018〕3号"))
    after = snapshot(make_engine(f"sqlite:///{db}"))
    line = refused(run(*base, "--approval-ref", "丰计协发〔2018〕4号"))
    assert "L001" in line
    assert snapshot(make_engine(f"sqlite:///{db}")) == after
    missing = run("write-off", *d, "--fund", FUND, "--loan", "L001", "--on", "2018-06-30", "--reason", "x")
    assert missing.code == 2 and "--approval-ref" in missing.err
