"""A county clerk's year, driven through the command line in subprocesses (issue 14).

template → fill (the files as Chinese Excel/WPS save them: a GBK CSV, a UTF-16 tab "Unicode 文本" file,
an xlsx with a merged title row and a 合计 row) → import households and loans → disburse → repay → a
mistyped receipt voided and entered again → write-off → close the year → reports (statement, quarterly
report, trial balance). Bad rows and bad options are fed on purpose along the way: every refusal is
Chinese, one line, names its row where it has one, and writes nothing (the whole database is compared
before and after).

SQLite only: the books are a file the subprocesses share.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from test_importers import national_id

SRC = Path(__file__).resolve().parent.parent / "src"
FUND = "FN-XF"
PHONE = "13912345678"

ENGLISH = re.compile(r"\b[a-z]{3,}\b")
"""An English word: codes (H001, FN-XF) are upper case; a Chinese line has none but options and commands."""


def english_words(line: str) -> list[str]:
    """The English words of ``line``, leaving aside the options and commands it names (``--keep-valid``,
    ``revolve import households FILE``) and file names."""
    line = re.sub(r"^revolve(?: [a-z-]+)*[:：]", "", line)
    line = re.sub(r"--[a-z][a-z-]*(?: [a-z_]+)?", "", line)
    line = re.sub(r"revolve [^：；（）。，]*", "", line)
    line = re.sub(r"\S+\.(?:csv|txt|xlsx)", "", line)
    return ENGLISH.findall(line)


class Clerk:
    """Runs ``python -m revolve --db BOOKS …`` as the clerk types it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "账簿.db"
        self.env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        self.env.pop("REVOLVE_LANG", None)
        self.env.pop("REVOLVE_DEBUG", None)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "revolve", "--db", str(self.db), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=self.folder,
            env=self.env,
            timeout=120,
            check=False,
        )

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        return done.stdout

    def snapshot(self) -> list[str]:
        with sqlite3.connect(self.db) as conn:
            return list(conn.iterdump())

    def refused(self, *args: str, rows: Sequence[int] = (), code: int = 1) -> list[str]:
        """Run a command that must be refused: it exits ``code``, writes nothing, and says why in
        Chinese, one line per problem, each naming its row when ``rows`` are given."""
        before = self.snapshot()
        done = self.run(*args)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert self.snapshot() == before, f"{args} wrote to the books"
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert lines, args
        problems = [line for line in lines if line.startswith("revolve:") or line.startswith("revolve ")]
        assert problems, lines
        for line in lines:
            assert "Traceback" not in line
            assert re.search(r"[\u4e00-\u9fff]", line), line
            assert not english_words(line), line
            for secret in (PHONE, *IDS):
                assert secret not in line, line
        for row in rows:
            assert any(f"第{row}行" in line for line in problems), (row, lines)
        return problems


IDS = [national_id(n) for n in range(1, 12)]


def text_file(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *, encoding: str) -> Path:
    """A table as Excel/WPS saves it: "CSV (逗号分隔)" in GBK, or "Unicode 文本" (UTF-16, tabs)."""
    out = io.StringIO()
    delimiter = "\t" if encoding == "utf-16" else ","
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def template_header(path: Path) -> list[str]:
    """The column headers of a template (row 2, below its notes row), as the clerk copies them."""
    sheet = load_workbook(path).worksheets[0]
    return [str(c.value) for c in sheet[2] if c.value is not None]


@pytest.fixture(scope="module")
def clerk(tmp_path_factory: pytest.TempPathFactory) -> Clerk:
    return Clerk(tmp_path_factory.mktemp("clerk"))


def test_a_clerks_year(clerk: Clerk) -> None:
    # ---- the books, the money and the guarantor -----------------------------------------------
    clerk.ok("init", "--org-code", "FN", "--org-name", "丰宁县", "--level", "county")
    clerk.ok("init", "--org-code", "FN-NG", "--org-name", "南关村", "--level", "village", "--parent", "FN")
    clerk.ok("init", "--org-code", "FN", "--fund-code", FUND, "--fund-name", "丰宁县幸福工程")
    clerk.ok("contribute", "--fund", FUND, "--amount", "200000", "--on", "2026-01-05", "--receipt", "J1")
    clerk.ok(
        "guarantor", "--fund", FUND, "--code", "G1", "--kind", "village_committee", "--name", "南关村委会"
    )

    # ---- templates -----------------------------------------------------------------------------
    for kind in ("households", "loans", "repayments"):
        clerk.ok("template", kind, "-o", f"{kind}模板.xlsx")
    households_header = template_header(clerk.folder / "households模板.xlsx")
    loans_header = template_header(clerk.folder / "loans模板.xlsx")
    repayments_header = template_header(clerk.folder / "repayments模板.xlsx")
    assert households_header[:4] == ["户编码", "母亲姓名", "身份证号", "登记日期"]

    def household(code: str, name: str, nid: str, on: str, **extra: str) -> list[str]:
        cells = {"户编码": code, "母亲姓名": name, "身份证号": nid, "登记日期": on, **extra}
        return [cells.get(h, "") for h in households_header]

    # ---- households, a GBK CSV with a bad row: refused whole, then corrected -------------------
    assert "所在村" in households_header
    header = [*households_header, "备注"]  # a column of the clerk's own
    good = [
        [*household("H001", "王秀英", IDS[1], "2026-01-10", 联系电话=PHONE, 所在村="南关村"), "新户"],
        [*household("Ｈ００２", "李桂兰", IDS[2], "２０２６－０１－１０", 所在村="南关村"), ""],
    ]
    bad = [*household("H003", "张玉梅", national_id(3, valid=False), "2026-01-10"), ""]
    gbk = text_file(clerk.folder / "农户.csv", header, [*good, bad], encoding="gbk")
    said = clerk.refused("import", "households", str(gbk), "--fund", FUND, rows=[4])
    assert "校验位应为" in next(line for line in said if "第4行" in line)
    assert "未写入任何数据" in said[-1]
    text_file(gbk, header, [*good, [*household("H003", "张玉梅", IDS[3], "2026-01-10"), ""]], encoding="gbk")
    done = clerk.run("import", "households", str(gbk), "--fund", FUND)
    assert done.returncode == 0 and "写入 3 行" in done.stdout, done.stderr
    assert "列「备注」：系统不使用的列，已忽略" in done.stderr  # reported, not dropped in silence

    # ---- more households, Excel's "Unicode 文本": a duplicate ID kept out with --keep-valid -------
    rows = [
        household("H004", "赵敏", IDS[4], "2026/1/12"),
        household("H005", "钱芳", IDS[1], "2026年1月12日"),  # H001's ID
    ]
    unicode_text = text_file(clerk.folder / "农户2.txt", households_header, rows, encoding="utf-16")
    said = clerk.refused("import", "households", str(unicode_text), "--fund", FUND, rows=[3])
    assert "已登记在农户 H001 名下" in next(line for line in said if "第3行" in line)
    kept = clerk.run(
        "import", "households", str(unicode_text), "--fund", FUND, "--keep-valid", "--errors", "错误.xlsx"
    )
    assert kept.returncode == 1 and "共 2 行，成功 1 行，错误 1 行" in kept.stderr
    errors_book = load_workbook(clerk.folder / "错误.xlsx").worksheets[0]
    assert errors_book.cell(1, errors_book.max_column).value == "错误原因"
    assert errors_book.max_row == 2 and IDS[1] not in str(errors_book.cell(2, errors_book.max_column).value)
    rows[1] = household("H005", "钱芳", IDS[5], "2026年1月12日")  # corrected, imported again
    text_file(unicode_text, households_header, rows, encoding="utf-16")
    done = clerk.ok("import", "households", str(unicode_text), "--fund", FUND)
    assert "写入 1 行，1 行此前已记录" in done

    # ---- loans, an xlsx with a merged title, a unit line and a 合计 row ----------------------------
    def loan(number: str, hh: str, amount: object, **extra: object) -> list[object]:
        cells = {"借款编号": number, "户编码": hh, "批次": "B2026", "金额": amount, "放款日期": "2026-02-01",
                 "期数": 12, "还款方式": "等额本金", "年利率": "0", "担保人": "G1", **extra}  # fmt: skip
        return [cells.get(h) for h in loans_header]

    def loans_book(rows: Sequence[Sequence[object]]) -> Path:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["2026年丰宁县幸福工程借款花名册"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(loans_header))
        sheet.append(["单位：元"])
        sheet.append(loans_header)
        for row in rows:
            sheet.append(list(row))
        sheet.append(["合计", None, None, 18000])
        book.save(clerk.folder / "借款.xlsx")
        return clerk.folder / "借款.xlsx"

    loan_rows = [loan("L001", "H001", 6000), loan("L002", "H002", 6000.505), loan("L003", "H404", 6000)]
    clerk.refused("import", "loans", str(loans_book(loan_rows)), "--fund", FUND, rows=[5, 6])
    loan_rows[1:] = [loan("L002", "H002", 6000), loan("L003", "H003", 6000)]
    done = clerk.run("import", "loans", str(loans_book(loan_rows)), "--fund", FUND)
    assert done.returncode == 0, done.stderr
    assert "写入 3 行" in done.stdout and "合计行，已跳过" in done.stderr and "标题行" in done.stderr

    # ---- one loan paid out at the counter; bad options refused -----------------------------------
    disburse = ["disburse", "--fund", FUND, "--number", "L004", "--household", "H004", "--batch", "B2026",
                "--start", "2026-03-01", "--term", "12", "--method", "equal_principal", "--guarantor", "G1"]  # fmt: skip
    clerk.refused(*disburse, "--amount", "12.345")
    clerk.refused(*disburse[:6], "H999", *disburse[7:], "--amount", "5000")  # no such household
    clerk.refused(*disburse, "--amount", "500000")  # more than the fund has
    [line] = clerk.refused(*disburse, "--amount", "5000", "--term", "0")
    assert "借款期限（期数）" in line and "不能小于 1" in line  # the field and the rule, in Chinese
    clerk.ok(*disburse, "--amount", "5000")
    repay_early = ["repay", "--fund", FUND, "--loan", "L004", "--amount", "500", "--receipt", "S010"]
    [line] = clerk.refused(*repay_early, "--on", "2026-02-27")
    assert "借款 L004 于 2026-03-01 发放，日期不能早于该日" in line

    # ---- repayments: a GBK file, then one at the counter keyed wrong, voided and entered again ------
    def repayment(loan_no: str, amount: str, on: str, receipt: str) -> list[str]:
        cells = {"借款编号": loan_no, "金额": amount, "还款日期": on, "还款凭证号": receipt}
        return [cells.get(h, "") for h in repayments_header]

    repay_rows = [
        repayment("L001", "500", "2026-03-01", "S001"),
        repayment("L009", "500", "2026-03-01", "S002"),
    ]
    repay_file = text_file(clerk.folder / "还款.csv", repayments_header, repay_rows, encoding="gbk")
    clerk.refused("import", "repayments", str(repay_file), "--fund", FUND, rows=[3])
    repay_rows[1] = repayment("L002", "500", "2026-03-01", "S002")
    text_file(repay_file, repayments_header, repay_rows, encoding="gbk")
    clerk.ok("import", "repayments", str(repay_file), "--fund", FUND)

    clerk.refused(
        "repay",
        "--fund",
        FUND,
        "--loan",
        "L003",
        "--amount",
        "60000",
        "--on",
        "2026-03-02",
        "--receipt",
        "S003",
    )
    clerk.refused(
        "repay",
        "--fund",
        FUND,
        "--loan",
        "L003",
        "--amount",
        "500",
        "--on",
        "2026-03-02",
        "--receipt",
        "S001",
    )
    clerk.ok(
        "repay",
        "--fund",
        FUND,
        "--loan",
        "L003",
        "--amount",
        "5000",
        "--on",
        "2026-03-02",
        "--receipt",
        "S003",
    )
    clerk.refused(
        "void",
        "receipt",
        "S003",
        "--fund",
        FUND,
        "--on",
        "2026-03-02",
        "--reason",
        "录错金额",
        "--approved-by",
        "",
    )
    clerk.ok(
        "void",
        "receipt",
        "S003",
        "--fund",
        FUND,
        "--on",
        "2026-03-02",
        "--reason",
        "录错金额，应为500元",
        "--approved-by",
        "李会计",
    )
    clerk.refused(
        "void",
        "receipt",
        "S003",
        "--fund",
        FUND,
        "--on",
        "2026-03-02",
        "--reason",
        "再冲",
        "--approved-by",
        "李会计",
    )
    clerk.ok(
        "repay",
        "--fund",
        FUND,
        "--loan",
        "L003",
        "--amount",
        "500",
        "--on",
        "2026-03-02",
        "--receipt",
        "S004",
    )

    # ---- a loan written off ---------------------------------------------------------------------
    write_off = [
        "write-off",
        "--fund",
        FUND,
        "--loan",
        "L004",
        "--on",
        "2026-11-30",
        "--reason",
        "借款人死亡，无力偿还",
    ]
    [line] = clerk.refused(*write_off, "--approval-ref", " ")
    assert "核销须注明批准文号" in line
    clerk.ok(*write_off, "--approval-ref", "丰计协发〔2026〕3号")

    # ---- the year closed; nothing more in it ----------------------------------------------------
    clerk.ok("close", "--fund", FUND, "--through", "2026-12-31")
    clerk.refused(
        "repay",
        "--fund",
        FUND,
        "--loan",
        "L001",
        "--amount",
        "500",
        "--on",
        "2026-12-20",
        "--receipt",
        "S005",
    )

    # ---- reports ---------------------------------------------------------------------------------
    statement = clerk.ok("statement", "--fund", FUND, "--loan", "L003")
    assert "S004" in statement and "500.00" in statement
    quarterly = clerk.ok("report", "quarterly", "--fund", FUND, "--year", "2026", "--quarter", "4")
    assert "核销" in quarterly or "5,000.00" in quarterly
    trial = clerk.ok("trial-balance", FUND, "--as-of", "2026-12-31")
    assert "200,000.00" in trial
    assert IDS[1] not in statement + quarterly + trial and PHONE not in statement + quarterly + trial
    clerk.ok("check", "--fund", FUND)
