"""The demo county prints a statement and a 季报表 whose figures agree with arithmetic over what it did."""

from __future__ import annotations

from pathlib import Path

from revolve.demo import run_demo


def test_demo_prints_the_statement_and_the_quarterly_report(tmp_path: Path) -> None:
    lines: list[str] = []
    ledger = run_demo(tmp_path / "demo.db", say=lines.append)
    text = "\n".join(lines)
    assert "还款对账单" in text
    assert "季报表" in text
    # 李桂兰's 8,000 loan: 666.67 repaid by her and 666.67 by the village committee → 6,666.66 outstanding
    assert "¥6,666.66" in text
    assert "担保人代偿" in text
    # Q3 2016: due 833.33×3 + 666.67×3 + 416.67×3 = 5,750.01; on time 833.33×3 + 416.67×3 = 3,750.00
    assert "65.22% (¥3,750.00 ÷ ¥5,750.01)" in text
    assert "完整" in text and "全部通过" in text
    assert ledger.check() == []
    ledger.close()


def test_demo_in_english(tmp_path: Path) -> None:
    lines: list[str] = []
    run_demo(tmp_path / "demo.db", lang="en", say=lines.append).close()
    text = "\n".join(lines)
    assert "Repayment statement" in text
    assert "Quarterly report" in text
    assert "intact" in text


def test_the_demo_passbook_pledge_stays_off_the_funds_bank_deposit(tmp_path: Path) -> None:
    """Issue 11, finding 5: 张玉梅's ¥500 passbook (存折质押) is her money, not the fund's 银行存款."""
    from revolve import AccountRole, yuan

    ledger = run_demo(tmp_path / "demo.db", say=lambda _: None)
    # 350,000 contributed − 23,000 lent + 833.33×6 + 666.67×2 + 416.67×6 repaid (8,833.34) − 800 granted
    assert ledger.balance("FN-HP", AccountRole.FUND_CASH) == yuan("335033.34")
    assert ledger.balance("FN-HP", AccountRole.PLEDGE_DEPOSITS) == yuan("0")
    assert [(p.loan, p.amount) for p in ledger.passbook_pledges("FN-HP")] == [("FN-2016-003", yuan("500"))]
    ledger.close()
