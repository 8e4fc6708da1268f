"""The ``revolve`` command, end to end in a subprocess (``python -m revolve``) on a temporary SQLite file.

One set of books is built through the command line — init, contribute, guarantor, imports of households,
loans and repayments from CSV and from .xlsx, disburse, repay — and then read back through the library,
printed as a statement and as every report in every format, checked and verified. Each bad-input path of
the importer runs against a copy of those books: the output names the row and the reason, the exit
status is 1, and the database is byte-for-byte the same content afterwards. Errors are one line, never a
traceback.

Independent read-only commands run concurrently (``_run_all``) to keep the file quick.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import snapshot
from revolve import Ledger
from revolve.importers import ProblemKind
from revolve.importers.results import mask_personal
from revolve.loans import LoanStatus
from revolve.money import yuan
from revolve.store.database import make_engine
from test_importers import (
    BAD_CASES,
    FUND,
    HH,
    LOAN,
    NAMES,
    REPAY,
    household_row,
    national_id,
    write_csv,
    write_xlsx,
)

ENV = {k: v for k, v in os.environ.items() if k not in ("REVOLVE_DATABASE_URL", "REVOLVE_DEBUG")}
ENV["PYTHONUTF8"] = "1"


@dataclass(frozen=True)
class Run:
    """What one command did."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        """The non-empty lines of stderr."""
        return [line for line in self.err.splitlines() if line.strip()]


def _command(args: Sequence[object]) -> list[str]:
    return [sys.executable, "-m", "revolve", *map(str, args)]


def run(*args: object, cwd: Path | None = None) -> Run:
    """Run ``python -m revolve ARGS`` and capture what it did."""
    done = subprocess.run(
        _command(args),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=ENV,
        cwd=cwd,
        timeout=180,
        check=False,
    )
    return Run(tuple(map(str, args)), done.returncode, done.stdout, done.stderr)


def _run_all(*commands: Sequence[object]) -> list[Run]:
    """Run independent commands at the same time (each its own process) and wait for all of them."""
    started = [
        (
            tuple(map(str, args)),
            subprocess.Popen(
                _command(args),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env=ENV,
            ),
        )
        for args in commands
    ]
    results = []
    for args, process in started:
        out, err = process.communicate(timeout=180)
        results.append(Run(args, process.returncode, out, err))
    return results


def ok(result: Run) -> Run:
    assert result.code == 0, f"{result.args}: exit {result.code}\n{result.err}"
    assert "Traceback" not in result.err
    return result


def refused(result: Run, *, code: int = 1) -> str:
    """Assert a refusal: the exit status, exactly one 'revolve: …' line, no traceback. Return the line."""
    assert result.code == code, f"{result.args}: exit {result.code}\n{result.out}\n{result.err}"
    assert "Traceback" not in result.err
    assert len(result.lines) == 1, result.err
    assert result.lines[0].startswith("revolve: ")
    assert "REVOLVE_DEBUG" not in result.lines[0]  # a refusal revolve expected, not an unexpected error
    return result.lines[0]


@dataclass(frozen=True)
class Books:
    folder: Path
    db: Path


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Books:
    """The books of test_importers.build_base, built through the command line only."""
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "books.db"
    d = ("--db", db)
    first = ok(
        run(
            "init",
            *d,
            "--org-code",
            "FN",
            "--org-name",
            "丰宁县",
            "--fund-code",
            FUND,
            "--fund-name",
            "丰宁县幸福工程资金",
        )
    )
    assert "已开设基金 FN-HP" in first.out
    ok(run("contribute", *d, "--fund", FUND, "--amount", "300000", "--on", "2016-01-15", "--receipt", "D1"))
    ok(
        run(
            "guarantor",
            *d,
            "--fund",
            FUND,
            "--code",
            "G1",
            "--kind",
            "village_committee",
            "--name",
            "南关村委会",
        )
    )

    # households: three from a CSV with a BOM and Chinese headers, four from .xlsx with English headers
    hh_rows = [[f"H{n:03d}", NAMES[n - 1], national_id(n), "2016-01-05"] for n in range(1, 4)]
    hh_csv = write_csv(folder / "households.csv", HH, hh_rows)
    assert "读取 3 行，写入 3 行" in ok(run("import", "households", hh_csv, "--fund", FUND, *d)).out
    hh_xlsx = write_xlsx(
        folder / "households.xlsx",
        ["code", "mother_name", "national_id", "registered_on"],
        [[f"H{n:03d}", NAMES[n - 1], national_id(n), date(2016, 1, 5)] for n in range(4, 8)],
    )
    assert (
        "4 rows read, 4 written"
        in ok(run("--lang", "en", "import", "households", hh_xlsx, "--fund", FUND, *d)).out
    )

    loans_csv = write_csv(
        folder / "loans.csv",
        LOAN,
        [
            ["L001", "H001", "B1", "10000", "2016-03-10", "24", "一次性还本付息", "G1"],
            ["L002", "H002", "B1", "8000.00", "2016-03-10", "24", "", "G1"],
        ],
    )
    ok(run("import", "loans", loans_csv, "--fund", FUND, *d))
    loans_xlsx = write_xlsx(
        folder / "loans.xlsx", LOAN, [["L003", "H003", "B1", 5000.0, date(2016, 3, 10), 24, "bullet", "G1"]]
    )
    ok(run("import", "loans", loans_xlsx, "--fund", FUND, *d))
    disbursed = ok(
        run(
            "disburse", *d, "--fund", FUND, "--number", "L004", "--household", "H004", "--batch", "B2",
            "--amount", "6000", "--start", "2016-03-10", "--term", "24", "--guarantor", "G1",
        )
    )  # fmt: skip
    assert "L004" in disbursed.out

    repay_csv = write_csv(folder / "repay.csv", REPAY, [["L001", "5000", "2017-03-10", "R001"]])
    ok(run("import", "repayments", repay_csv, "--fund", FUND, *d))
    repay_xlsx = write_xlsx(folder / "repay.xlsx", REPAY, [["L002", 8000, date(2018, 3, 10), "R002"]])
    ok(run("import", "repayments", repay_xlsx, "--fund", FUND, *d))
    repaid = ok(
        run(
            "repay",
            *d,
            "--fund",
            FUND,
            "--loan",
            "L004",
            "--amount",
            "1000",
            "--on",
            "2017-03-10",
            "--receipt",
            "R003",
        )
    )
    assert "¥5,000.00" in repaid.out  # what L004 still owes
    return Books(folder, db)


def copy_of(books: Books, folder: Path) -> Path:
    """A private copy of the module's books (with its WAL file, if one was left)."""
    target = folder / "books.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{books.db}{suffix}")
        if source.exists():
            shutil.copy(source, Path(f"{target}{suffix}"))
    return target


def content(db: Path) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(f"sqlite:///{db}")
    try:
        return snapshot(engine)
    finally:
        engine.dispose()


@pytest.fixture
def ledger_of(books: Books) -> Iterator[Ledger]:
    with Ledger.open(f"sqlite:///{books.db}") as ledger:
        yield ledger


# ---- the books built through the command line --------------------------------------------------------
def test_the_books_hold_what_the_commands_recorded(ledger_of: Ledger) -> None:
    ledger = ledger_of
    assert [h.code for h in ledger.households(FUND)] == [f"H{n:03d}" for n in range(1, 8)]
    assert ledger.household(FUND, "H005").national_id == national_id(5)
    loans = {ln.number: ln for ln in ledger.loans(FUND)}
    assert {n: ln.principal for n, ln in loans.items()} == {
        "L001": yuan("10000"),
        "L002": yuan("8000"),
        "L003": yuan("5000"),
        "L004": yuan("6000"),
    }
    assert {b.code for b in ledger.batches(FUND)} == {"B1", "B2"}
    assert loans["L002"].status is LoanStatus.CLOSED
    assert sum(ln.outstanding.fen for ln in loans.values()) == 1_500_000
    assert ledger.available(FUND) == yuan("285000")  # 300,000 − 29,000 lent + 14,000 repaid
    assert [r.receipt for r in ledger.receipts(FUND, "L001")] == ["R001"]
    assert ledger.check() == []


def test_statements_and_reports_in_every_format(books: Books, tmp_path: Path) -> None:
    # every report command once, and every format at least once among them
    d = ("--db", books.db)
    out = tmp_path
    report = ("report", "--as-of", "2018-12-31", *d)
    # the 民非 statements of a year need the year before closed: close a copy of the books (结账)
    closed = tmp_path / "closed.db"
    shutil.copyfile(books.db, closed)
    for through in ("2016-12-31", "2017-12-31"):
        ok(run("close", "--fund", FUND, "--through", through, "--db", closed))
    statements = ("report", "--as-of", "2018-12-31", "--db", closed)
    runs = _run_all(
        (
            "statement",
            *d,
            "--fund",
            FUND,
            "--loan",
            "L001",
            "--as-of",
            "2018-12-31",
            "-o",
            out / "statement.xlsx",
        ),
        (
            "--lang",
            "en",
            "statement",
            *d,
            "--fund",
            FUND,
            "--loan",
            "L001",
            "--as-of",
            "2018-12-31",
            "--reveal",
        ),
        (*report, "quarterly", "--org", "FN", "--year", "2018", "--quarter", "1", "--format", "json"),
        (*report, "register", "--fund", FUND, "--format", "csv"),
        (*report, "write-offs", "--fund", FUND, "-o", out / "write-offs.md"),
        (*statements, "balance-sheet", "--fund", FUND, "--format", "html"),
        (*statements, "activity", "--fund", FUND, "--year", "2017", "-o", out / "activity.json"),
        (*report, "trial-balance", "--fund", FUND),
        ("check", *d),
        ("verify", FUND, *d),
    )
    for result in runs:
        ok(result)
    _, statement, quarterly, register, _, balance_sheet, _, trial, check, verify = runs

    workbook = load_workbook(out / "statement.xlsx", read_only=True)
    numbers = {c for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row}
    workbook.close()
    assert 10000 in numbers and 5000 in numbers  # principal and outstanding, as numeric cells
    assert "Repayment statement" in statement.out and "L001" in statement.out and "5,000.00" in statement.out
    assert national_id(1) in statement.out  # --reveal

    rollup = json.loads(quarterly.out)
    facts = {f["key"]: f["value"] for s in rollup["sections"] for f in s["facts"]}
    assert rollup["kind"] == "quarterly"
    assert rollup["period"] == {"start": "2018-01-01", "end": "2018-03-31"}
    assert (facts["disbursed_to_date"], facts["outstanding_principal"]) == ("29000.00", "15000.00")

    register_rows = list(csv.reader(io.StringIO(register.out)))
    assert {"L001", "L002", "L003", "L004"} <= {row[0] for row in register_rows if row}
    assert national_id(1) not in register.out  # masked without --reveal
    assert "|" in (out / "write-offs.md").read_text(encoding="utf-8")
    assert balance_sheet.out.rstrip().endswith("</html>")
    assert "285,000.00" in balance_sheet.out  # cash in the bank
    activity = json.loads((out / "activity.json").read_text(encoding="utf-8"))
    assert (activity["kind"], activity["period"]) == (
        "activity",
        {"start": "2017-01-01", "end": "2017-12-31"},
    )
    assert "科目余额表" in trial.out
    assert "全部守恒" in check.out
    assert "哈希链完整" in verify.out


# ---- every bad input of the importer -----------------------------------------------------------------
@pytest.mark.parametrize(("kind", "header", "rows", "problem", "row", "column", "value"), BAD_CASES)
def test_a_bad_import_names_the_row_and_writes_nothing(
    books: Books,
    tmp_path: Path,
    kind: str,
    header: list[str],
    rows: list[list[str]],
    problem: ProblemKind,
    row: int,
    column: str,
    value: str,
) -> None:
    db = copy_of(books, tmp_path)
    source = write_csv(tmp_path / f"{kind}.csv", header, rows)
    before = content(db)
    result = run("import", kind, source, "--fund", FUND, "--db", db)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.out == ""
    problem_line, summary = result.lines
    assert problem_line.startswith(f"revolve: 第{row}行")
    assert problem.label("zh") in problem_line
    if problem is not ProblemKind.MISSING_COLUMN:
        # an ID number is shown masked, even a mistyped one (issue 14: no refusal prints an ID in clear)
        assert f"「{mask_personal(value)}」" in problem_line
    assert "未写入任何数据" in summary
    assert content(db) == before


def test_keep_valid_writes_exactly_the_valid_rows(books: Books, tmp_path: Path) -> None:
    db = copy_of(books, tmp_path)
    rows = [household_row(101), ["H102", "钱芳", national_id(102), "2016-13-45"], household_row(103)]
    source = write_xlsx(tmp_path / "hh.xlsx", HH, rows)
    before = content(db)
    result = run("--lang", "en", "import", "households", source, "--fund", FUND, "--db", db, "--keep-valid")
    assert result.code == 1
    assert result.lines == [
        "revolve: row 3, registered_on '2016-13-45': not a date: write it as 2026-03-31 "
        "(there is no such day in the calendar)",
        "revolve: 3 rows read, 2 written, 1 with problems",
    ]
    after = content(db)
    added = [r for r in after["revolve_household"] if r not in before["revolve_household"]]
    assert sorted(r[2] for r in added) == ["H101", "H103"]  # (id, fund_id, code, ...)
    assert {k: v for k, v in after.items() if k != "revolve_household"} == {
        k: v for k, v in before.items() if k != "revolve_household"
    }


def test_a_refused_disbursement_opens_no_batch(books: Books, tmp_path: Path) -> None:
    db = copy_of(books, tmp_path)
    before = content(db)
    line = refused(
        run(
            "disburse", "--db", db, "--fund", FUND, "--number", "L009", "--household", "H999", "--batch", "B9",
            "--amount", "1000", "--start", "2017-01-01", "--term", "12", "--guarantor", "G1",
        )
    )  # fmt: skip
    assert "H999" in line
    assert content(db) == before


# ---- errors: one line, never a traceback -------------------------------------------------------------
def test_errors_are_one_line_and_never_a_traceback(books: Books, tmp_path: Path) -> None:
    d = ("--db", books.db)
    runs = _run_all(
        ("statement", *d, "--fund", "NOPE", "--loan", "L001"),
        ("repay", *d, "--fund", FUND, "--loan", "L001", "--amount", "12.345", "--on", "2018-01-01", "--receipt", "X"),
        ("--lang", "en", "repay", *d, "--fund", FUND, "--loan", "L002", "--amount", "1", "--on", "2018-04-01",
         "--receipt", "R9"),
        ("check", "--db", tmp_path / "missing.db"),
        ("import", "loans", tmp_path / "none.csv", "--fund", FUND, *d),
        ("report", "balance-sheet", "--fund", FUND, *d, "-o", tmp_path / "report.docx"),
        ("report", "register", "--org", "FN", *d),
        ("disburse", "--fund", FUND, *d),
        ("statement", *d, "--fund", FUND, "--loan", "L001", "--as-of", "31/12/2018"),
    )  # fmt: skip
    lines = [refused(r) for r in runs[:7]]
    assert "NOPE" in lines[0] and "revolve init" in lines[0]
    assert "12.345" in lines[1] and "不足一分" in lines[1]  # Chinese by default, no English inside
    assert "loan L002 is repaid and closed: it cannot take a repayment" in lines[2]  # --lang en
    assert "revolve init" in lines[3] and not (tmp_path / "missing.db").exists()
    assert "none.csv" in lines[4] and "文件不存在：请核对路径" in lines[4]
    assert ".docx" in lines[5] and not (tmp_path / "report.docx").exists()
    assert "--fund" in lines[6]
    for usage in runs[7:]:  # argparse: usage and one error line, status 2
        assert usage.code == 2
        assert "Traceback" not in usage.err
        assert usage.err.strip().splitlines()[-1].startswith("revolve ")
    assert "31/12/2018" in runs[8].err


def test_the_demo_builds_fresh_books(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    ok(run("demo", "--db", target))
    assert target.exists()
    assert "demo.db" in refused(run("demo", "--db", target))


def test_allocate_moves_capital_down_the_tree_and_refuses_it_up(tmp_path: Path) -> None:
    d = ("--db", tmp_path / "tree.db")
    city = ("--org-code", "CD", "--org-name", "承德市", "--level", "city")
    ok(run("init", *d, *city, "--fund-code", "CD-HP", "--fund-name", "承德市幸福工程资金"))
    county = ("--org-code", "FN", "--org-name", "丰宁县", "--parent", "CD")
    ok(run("init", *d, *county, "--fund-code", FUND, "--fund-name", "丰宁县幸福工程资金"))
    ok(
        run(
            "contribute",
            *d,
            "--fund",
            "CD-HP",
            "--amount",
            "100000",
            "--on",
            "2016-01-15",
            "--source",
            "fiscal",
        )
    )
    done = ok(run("allocate", *d, "--from", "CD-HP", "--to", FUND, "--amount", "80000", "--on", "2016-02-01"))
    assert "已拨付 80,000.00" in done.out or "已拨付 ¥80,000.00" in done.out, done.out
    line = refused(
        run("allocate", *d, "--from", FUND, "--to", "CD-HP", "--amount", "1", "--on", "2016-02-02")
    )
    assert "在组织层级上不在" in line and "拨付只能自上而下" in line
    ok(run("check", *d))


def test_close_posts_the_closing_entries_and_reopen_is_recorded(tmp_path: Path) -> None:
    d = ("--db", tmp_path / "close.db")
    ok(
        run(
            "init",
            *d,
            "--org-code",
            "FN",
            "--org-name",
            "丰宁县",
            "--fund-code",
            FUND,
            "--fund-name",
            "丰宁县幸福工程资金",
        )
    )
    ok(run("contribute", *d, "--fund", FUND, "--amount", "1000", "--on", "2016-02-01"))
    assert (
        f"{FUND} 已结账至 2016-12-31" in ok(run("close", *d, "--fund", FUND, "--through", "2016-12-31")).out
    )
    # the close moved the donation into 限定性净资产 and locked 2016
    line = refused(run("contribute", *d, "--fund", FUND, "--amount", "5", "--on", "2016-06-01"))
    assert "已结账至 2016-12-31" in line  # the CLI speaks Chinese by default (issue 14)
    with Ledger(engine=make_engine(f"sqlite:///{tmp_path / 'close.db'}"), create_schema=False) as books:
        assert books.balance(FUND, "donation_revenue").is_zero()
        assert books.balance(FUND, "restricted_net_assets") == yuan("-1000")
    reopened = ok(
        run(
            "reopen",
            *d,
            "--fund",
            FUND,
            "--through",
            "2016-12-31",
            "--reason",
            "补录",
            "--approved-by",
            "王会计",
        )
    )
    assert "已反结账" in reopened.out
    ok(run("contribute", *d, "--fund", FUND, "--amount", "5", "--on", "2016-06-01"))
    ok(run("check", *d))


def test_disburse_takes_flat_interest_and_an_interest_grace() -> None:
    from revolve.cli.parser import build_parser

    args = build_parser().parse_args(
        [
            "disburse", "--fund", "F", "--number", "L1", "--household", "H1", "--batch", "B1",
            "--amount", "6000", "--start", "2016-03-10", "--term", "12", "--method", "flat",
            "--interest-grace", "3", "--interest-grace-kind", "deferred",
        ]
    )  # fmt: skip
    assert (args.method, args.interest_grace, args.interest_grace_kind) == ("flat", 3, "deferred")


def _run_keyed(*args: object, key: str) -> Run:
    """``python -m revolve ARGS`` in a deployment whose chain key is in ``$REVOLVE_CHAIN_KEY``."""
    done = subprocess.run(
        _command(args),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**ENV, "REVOLVE_CHAIN_KEY": key},
        timeout=180,
        check=False,
    )
    return Run(tuple(map(str, args)), done.returncode, done.stdout, done.stderr)


def test_reports_print_the_checkpoint_and_verify_checks_against_it_and_seal_keys_the_chain(
    tmp_path: Path,
) -> None:
    d = ("--db", tmp_path / "chain.db")
    ok(
        run(
            "init", *d, "--org-code", "FN", "--org-name", "丰宁县", "--fund-code", FUND, "--fund-name", "资金"
        )
    )
    ok(run("contribute", *d, "--fund", FUND, "--amount", "1000", "--on", "2016-02-01"))
    printed = ok(run("report", "trial-balance", *d, "--fund", FUND, "--as-of", "2016-12-31")).out
    code = next(line.split(": ", 1)[1] for line in printed.splitlines() if "账簿校验码" in line).strip()
    assert code.startswith(f"{FUND}·1·2016-02-01·")
    ok(run("contribute", *d, "--fund", FUND, "--amount", "5", "--on", "2016-03-01"))
    checked = ok(run("verify", FUND, *d, "--against", code)).out
    assert "与校验码" in checked and "账簿校验码" in checked and "未加密钥" in checked
    typo = code[:-1] + ("1" if code[-1] == "0" else "0")
    assert "校验组不符：有字符抄错了" in refused(run("verify", FUND, *d, "--against", typo))
    key = "a deployment key of 32 characters!"
    assert "加密钥需要本部署的链密钥" in refused(run("seal", FUND, *d))
    assert "HMAC" in ok(_run_keyed("seal", FUND, *d, key=key)).out
    assert "HMAC" in ok(_run_keyed("verify", FUND, *d, "--against", code, key=key)).out
    missing = refused(run("verify", FUND, *d))
    assert "REVOLVE_CHAIN_KEY" in missing and key not in missing


def test_a_refusal_speaks_chinese_and_names_the_cli_option(books: Books) -> None:
    d = ("--db", books.db)
    repay = ("repay", *d, "--fund", FUND, "--loan", "L001", "--amount", "99999", "--on", "2018-01-01",
             "--receipt", "R-99999")  # fmt: skip
    zh, en, guarantor = _run_all(
        repay,
        ("--lang", "en", *repay),
        ("disburse", *d, "--fund", FUND, "--number", "L088", "--household", "H001", "--batch", "B9",
         "--amount", "1000", "--start", "2017-01-01", "--term", "12", "--guarantor", "NOPE"),
    )  # fmt: skip
    line = refused(zh)
    assert line.startswith("revolve: 借款 L001 尚欠"), line
    assert "--prepayment lower_installments 或 --prepayment fewer_installments" in line
    assert "prepayment='" not in line and "Python" not in line
    line = refused(en)
    assert line.startswith("revolve: loan L001 owes") and "--prepayment lower_installments" in line
    line = refused(guarantor)
    assert "NOPE" in line and "ledger." not in line
