"""The ``revolve`` commands of a fund's other tasks, end to end in a subprocess on a temporary SQLite file.

The books are set up through the library (quick), then each command runs as the clerk would run it; what
it recorded is read back through the library, and a refused command leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
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


# ---- the other tasks, through main(argv) in this process (quicker than a subprocess each) ----------------
def _main(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    from revolve.cli import main

    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """``revolve --db DB ARGS`` in this process: (exit status, stdout, stderr)."""
    monkeypatch.delenv("REVOLVE_LANG", raising=False)
    monkeypatch.delenv("REVOLVE_DATABASE_URL", raising=False)
    return lambda *args: _main(capsys, "--db", db, *args)


def test_recovery_after_a_write_off_is_recorded_and_capped(
    db: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    f = ("--fund", FUND)
    assert (
        cli(
            "write-off",
            *f,
            "--loan",
            "L001",
            "--on",
            "2018-06-30",
            "--approval-ref",
            "A-1",
            "--reason",
            "失联",
        )[0]
        == 0
    )
    code, out, _ = cli(
        "recovery", *f, "--loan", "L001", "--amount", "1500", "--on", "2018-09-01", "--receipt", "RC-1"
    )
    assert code == 0 and "收回 ¥1,500.00" in out and "尚未收回 ¥8,500.00" in out, out
    before = snapshot(make_engine(f"sqlite:///{db}"))
    code, _, err = cli(
        "recovery", *f, "--loan", "L001", "--amount", "9000", "--on", "2018-09-02", "--receipt", "RC-2"
    )
    assert code == 1 and err.startswith("revolve: ") and "Traceback" not in err
    assert snapshot(make_engine(f"sqlite:///{db}")) == before
    with _books(db) as books:
        (line,) = books.write_off_register(FUND)
        assert line.recovered == yuan("1500")
        assert not books.check(FUND)


def test_grant_pays_a_household_and_lowers_what_is_available(
    db: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    code, out, _ = cli(
        "grant", "--fund", FUND, "--household", "H002", "--amount", "800", "--on", "2016-07-01"
    )
    assert code == 0 and "一次性帮扶 ¥800.00 给 H002" in out, out
    with _books(db) as books:
        assert books.available(FUND) == yuan("19200")  # 30,000 − 10,000 lent − 800 granted
    code, _, err = cli("grant", "--fund", FUND, "--household", "NOPE", "--amount", "1", "--on", "2016-07-01")
    assert code == 1 and "NOPE" in err


def test_allowance_set_show_true_up_and_provide(db: Path, cli: Callable[..., tuple[int, str, str]]) -> None:
    f = ("--fund", FUND)
    rates = (
        "--current",
        "1%",
        "--days-1-30",
        "0.05",
        "--days-31-60",
        "20%",
        "--days-61-90",
        "50%",
        "--over-90",
        "100%",
    )
    assert cli("allowance", "set", *f, "--from", "2016-01-01", *rates)[0] == 0
    code, out, _ = cli("allowance", "show", *f, "--as-of", "2016-06-30")
    assert code == 0 and "应计提 ¥100.00" in out, out  # 10,000 not yet due × 1%
    code, out, _ = cli("allowance", "true-up", *f, "--on", "2016-06-30")
    assert code == 0 and "补提 ¥100.00" in out, out
    code, out, _ = cli("allowance", "true-up", *f, "--on", "2016-06-30")
    assert code == 0 and "未记账" in out
    assert cli("allowance", "provide", *f, "--amount", "20", "--on", "2016-06-30")[0] == 0
    with _books(db) as books:
        assert books.balance(FUND, "bad_debt_allowance") == yuan("-120")


def test_policy_set_changes_only_what_is_given_and_show_prints_it(
    db: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    f = ("--fund", FUND)
    code, out, _ = cli("policy", "set", *f, "--from", "2017-01-01", "--max-amount", "30000", "--scope", "本县",
                       "--no-guarantee-required", "--amounts", "10000,20000,30000")  # fmt: skip
    assert code == 0 and "¥30,000.00" in out and "本县及下级" in out, out
    with _books(db) as books:
        before, after = books.policy(FUND, on=date(2016, 12, 31)), books.policy(FUND, on=date(2017, 1, 1))
        assert after.max_amount == yuan("30000") and not after.guarantee_required
        assert after.allowed_amounts == (yuan("10000"), yuan("20000"), yuan("30000"))
        assert after.min_amount == before.min_amount and after.max_term_months == before.max_term_months
    code, out, _ = cli("--lang", "en", "policy", "show", *f, "--as-of", "2017-02-01")
    assert code == 0 and "guarantee required: no" in out


def test_batches_and_households_from_the_command_line(
    db: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    f = ("--fund", FUND)
    assert cli("batch", "open", *f, "--code", "B2", "--on", "2017-03-01", "--note", "第二批")[0] == 0
    code, out, _ = cli("batch", "list", *f)
    assert code == 0 and "B1" in out and "B2" in out and "¥10,000.00" in out
    new_id = national_id(9)
    code, out, _ = cli("household", "add", *f, "--code", "H009", "--name", "赵秀兰", "--id", new_id,
                       "--registered-on", "2017-01-05", "--category", "二女户", "--phone", "13812345678")  # fmt: skip
    assert code == 0 and "H009" in out and new_id not in out, out
    assert cli("household", "edit", *f, "H009", "--persons", "5", "--on", "2017-06-01")[0] == 0
    assert (
        cli("household", "record", *f, "H009", "--kind", "回访", "--on", "2017-06-02", "--note", "养猪")[0]
        == 0
    )
    code, out, _ = cli("household", "show", *f, "H009")
    assert code == 0 and "二女户" in out and "养猪" in out and "家庭人口 5" in out
    assert new_id not in out and "13812345678" not in out  # masked unless --reveal
    assert new_id in cli("household", "show", *f, "H009", "--reveal")[1]
    with _books(db) as books:
        h = books.household(FUND, "H009")
        assert (h.persons, h.fp_status.value, h.mother_name) == (5, "two_daughters", "赵秀兰")
        assert [b.code for b in books.batches(FUND)] == ["B1", "B2"]


def test_lists_print_chinese_labels_in_every_format(
    db: Path, cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    f = ("--fund", FUND)
    cli("repay", *f, "--loan", "L001", "--amount", "1000", "--on", "2016-06-01", "--receipt", "R-1")
    cli("void", "receipt", "R-1", *f, "--on", "2016-06-02", "--reason", "录错", "--approved-by", "王会计")
    code, out, _ = cli("list", "households", *f, "--as-of", "2016-12-31")
    assert code == 0 and "户档案清单" in out and "计划生育家庭" in out and national_id(1) not in out
    code, out, _ = cli("list", "借款", *f, "--as-of", "2016-12-31")
    assert code == 0 and "L001" in out and "在贷" in out and "active" not in out
    code, out, _ = cli("list", "receipts", *f, "--from", "2016-01-01", "--to", "2016-12-31")
    assert code == 0 and "R-1" in out and "已作废" in out and "借款人" in out
    code, out, _ = cli("list", "entries", *f, "--from", "2016-01-01", "--to", "2016-12-31")
    assert code == 0 and "收到社会捐赠" in out and "放款" in out and "借款人还款" in out and "已冲销" in out
    assert "contribution.donation" not in out and "repayment.borrower" not in out
    code, out, _ = cli("--lang", "en", "list", "entries", *f, "--from", "2016-01-01", "--to", "2016-12-31")
    assert code == 0 and "donation received" in out and "reversed" in out
    code, out, _ = cli(
        "list", "ledger", *f, "--account", "1002", "--from", "2016-01-01", "--to", "2016-12-31"
    )
    assert code == 0 and "银行存款" in out
    code, _, err = cli("list", "ledger", *f)
    assert code == 1 and "--account" in err
    target = tmp_path / "loans.json"
    assert cli("list", "loans", *f, "--output", target)[0] == 0
    assert "L001" in target.read_text(encoding="utf-8")


def test_a_clerks_tasks_from_the_command_line_on_each_backend(
    books_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVOLVE_LANG", raising=False)

    def cli(*args: object) -> str:
        code, out, err = _main(capsys, "--db", books_url, *args)
        assert code == 0, err
        return out

    f = ("--fund", FUND)
    cli(
        "init",
        "--org-code",
        "FN",
        "--org-name",
        "丰宁县",
        "--fund-code",
        FUND,
        "--fund-name",
        "丰宁县幸福工程资金",
    )
    cli("contribute", *f, "--amount", "30000", "--on", "2016-01-15")
    cli("guarantor", *f, "--code", "VC", "--kind", "村委会", "--name", "南关村委会")
    for n in (1, 2):
        cli("household", "add", *f, "--code", f"H00{n}", "--name", NAMES[n - 1], "--id", national_id(n),
            "--registered-on", "2016-01-05")  # fmt: skip
    cli("batch", "open", *f, "--code", "B1", "--on", "2016-03-10")
    cli("disburse", *f, "--number", "L001", "--household", "H001", "--batch", "B1", "--amount", "10000",
        "--start", "2016-03-10", "--term", "12", "--method", "等额本金", "--guarantor", "VC")  # fmt: skip
    cli("grant", *f, "--household", "H002", "--amount", "500", "--on", "2016-07-01")
    cli("write-off", *f, "--loan", "L001", "--on", "2016-12-20", "--approval-ref", "A-1", "--reason", "病故")
    cli("recovery", *f, "--loan", "L001", "--amount", "1000", "--on", "2016-12-28", "--receipt", "RC-1")
    assert "补提" in cli("allowance", "true-up", *f, "--on", "2016-12-31")
    entries = cli("list", "entries", *f, "--from", "2016-01-01", "--to", "2016-12-31")
    for kind in ("收到社会捐赠", "放款", "一次性帮扶", "核销", "核销后收回", "坏账准备补提/冲减"):
        assert kind in entries, kind
    assert "已核销" in cli("list", "loans", *f, "--as-of", "2016-12-31")
    assert "全部守恒" in cli("check", *f)
    with Ledger(engine=make_engine(books_url), create_schema=False) as books:
        (line,) = books.write_off_register(FUND)
        assert (line.amount, line.recovered) == (yuan("10000"), yuan("1000"))
        assert books.available(FUND) == yuan("20500")  # 30,000 − 10,000 − 500 + 1,000 recovered


def test_the_command_lines_own_refusals_speak_the_users_language(
    db: Path, cli: Callable[..., tuple[int, str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    WHY = ("--fund", FUND, "--on", "2016-07-01", "--reason", "录错", "--approved-by", "王会计")  # noqa: N806
    before = snapshot(make_engine(f"sqlite:///{db}"))
    code, _, err = cli("void", "grant", "first", *WHY)
    assert code == 1 and "冲正须指明凭证号" in err and "'first'" in err, err
    code, _, err = cli("void", "subsidy", "BL1", *WHY)
    assert code == 1 and "冲正贴息须指明贴息期次" in err, err
    code, _, err = _main(capsys, "--lang", "en", "--db", db, "void", "grant", "x", *WHY)  # fmt: skip
    assert code == 1 and "takes the entry number" in err, err
    assert snapshot(make_engine(f"sqlite:///{db}")) == before
