"""``bench/province.py`` at its smallest: the book it builds in bulk (org tree, funds, loans repaid, written
off and lent again, a close each year) is sound — ``check()`` finds nothing, the chain verifies, every
loan, receipt, write-off and close it counted is in the books — and the reports it times run. Speed is the
bench's to print, not this test's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_province_bench_builds_a_sound_book(tmp_path: Path) -> None:
    db = tmp_path / "province.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    small = ["--scale", "0.01", "--years", "2", "--households", "24", "--repeat", "1"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "province.py"), "--url", f"sqlite:///{db}", *small],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=True,
    )
    out = json.loads(done.stdout)
    assert out["funds"] == 2 and out["households"] == 48
    assert out["fund_check_violations"] == 0 and out["fund_verify_ok"] is True
    # two years, each household borrowing once a year: a second loan for each one that repaid its first
    assert 48 < out["loans"] <= 96
    assert out["closes"] == 4  # each fund closed at the end of each year
    # every entry counted: per fund its contribution and, at its first close, the entry closing that
    # donation revenue into net assets (interest-free loans earn nothing later); a payout per loan, a
    # receipt per repayment, one entry per write-off
    assert out["entries"] == 2 * 2 + out["loans"] + out["repayments"] + out["written_off"]
    assert out["fund_verify_entries"] > 0
    assert set(out["figures"]) == {
        "province_quarterly_s",
        "county_quarterly_s",
        "mother_statement_s",
        "check_fund_s",
        "verify_fund_s",
    }
