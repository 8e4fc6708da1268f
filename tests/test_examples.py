"""The examples reproduce the seed programmes: each runs as ``python examples/NAME.py`` and its printed
figures — which revolve computed from the operations the example ran — are parsed and compared with the
figures of the seeds (../shared/seeds/000 Xiamen, 001 Fengning, 002 Jilin, 003 Gansu, 004 Fujian) or with independent
arithmetic over the example's operations.

The examples print a summary of ``标签：数值`` lines before the rendered report; the tests read those
lines and the report's own rows, and never compare with a string the example writes down.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from revolve import Money, yuan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

TIMEOUT = 600
"""Seconds before a hung example is killed. A guard against hanging, not a speed test (STYLE.md §14)."""

POSTGRES_URL = os.environ.get("REVOLVE_TEST_POSTGRES_URL", "")


@functools.cache
def run_example(name: str, *, database_url: str | None = None) -> str:
    """Run ``examples/<name>.py`` from the repository root and return what it printed (once per session:
    the examples are deterministic, and several tests read one run's output)."""
    env = {k: v for k, v in os.environ.items() if k != "REVOLVE_DATABASE_URL"}
    if database_url is not None:
        env["REVOLVE_DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"examples/{name}.py failed:\n{done.stderr}"
    assert not done.stderr.strip(), done.stderr
    return done.stdout


def line(output: str, label: str) -> str:
    """The value printed on the summary line ``label：value``."""
    found = re.findall(rf"^[ ]*{re.escape(label)}：(.*)$", output, flags=re.MULTILINE)
    assert len(found) == 1, f"expected one line '{label}：…' in:\n{output}"
    return str(found[0]).strip()


def money(text: str) -> Money:
    """An amount as printed (``¥1,400,000.00``)."""
    match = re.fullmatch(r"(-?¥[\d,]+\.\d\d)", text.strip())
    assert match is not None, text
    return yuan(match.group(1))


def count(text: str) -> int:
    assert re.fullmatch(r"[\d,]+", text.strip()), text
    return int(text.replace(",", ""))


def rate(text: str) -> tuple[Decimal, Money | int, Money | int]:
    """A rate as revolve prints it, ``98.95% = 3,567 ÷ 3,605``: (percent, numerator, denominator)."""
    match = re.fullmatch(r"([\d.]+)% = (\S+) ÷ (\S+)", text.strip())
    assert match is not None, text
    percent, top, bottom = match.groups()
    parts: list[Money | int] = [money(p) if p.startswith("¥") else count(p) for p in (top, bottom)]
    return Decimal(percent), parts[0], parts[1]


def report_fact(output: str, label: str) -> str:
    """The value of a fact row in a rendered text report (``label   value``)."""
    found = re.findall(rf"^{re.escape(label)}\s+(\S.*)$", output, flags=re.MULTILINE)
    assert found, f"no report row '{label}' in:\n{output}"
    return str(found[0]).strip()


# ---- quickstart -------------------------------------------------------------------------------------
def assert_years_closed(output: str, first: int, last: int) -> None:
    """The example says, as revolve's output, that it closed its years ``first``–``last`` (issue 11)."""
    assert "revolve 输出（OUTPUT）— 年度结账：" in output
    assert line(output, "结账年度").startswith(f"{first}–{last}（{last - first + 1} 个年度")
    assert money(line(output, f"{last}年末资产负债表 应付款项")) == Money(0)
    total = money(line(output, f"{last}年末资产负债表 负债和净资产总计"))
    assert total == money(line(output, f"{last}年末资产负债表 资产合计"))


def test_quickstart_prints_the_repayment_statement() -> None:
    out = run_example("quickstart")
    assert "还款对账单" in out.splitlines()[0]
    assert "王秀英" in out
    assert "130826198503120024" not in out, "the ID number is masked on a statement"
    # the example lent 6,000 in four quarterly parts and took two payments of 1,500
    principal, paid = yuan("6000"), [yuan("1500"), yuan("1500")]
    payments = re.findall(
        r"^\d{4}-\d\d-\d\d\s+(HK-2016-\d{4})\s+\S+\s+([\d,]+\.\d\d)", out, flags=re.MULTILINE
    )
    assert [(r, yuan(a)) for r, a in payments] == [("HK-2016-0001", paid[0]), ("HK-2016-0002", paid[1])]
    assert money(report_fact(out, "借款余额")) == principal - paid[0] - paid[1]
    assert money(report_fact(out, "借款金额")) == principal
    assert money(report_fact(out, "逾期未还")) == Money(0)
    assert report_fact(out, "下期还款日") == "2016-12-10"
    assert money(report_fact(out, "下期应还")) == principal.split(4)[2]


# ---- 丰宁 (seed 001) --------------------------------------------------------------------------------
def test_fengning_reproduces_the_seed() -> None:
    out = run_example("fengning")
    assert_years_closed(out, 2006, 2010)
    # 争取资金30万元，从生育关怀募捐款中提出5万元作为补充，共投35万元
    assert money(line(out, "资金本金")) == yuan("350000")
    assert money(line(out, "其中上级拨付")) == yuan("300000")
    assert money(line(out, "其中社会捐赠")) == yuan("50000")
    # 使270户贫困母亲实现了脱贫
    assert count(line(out, "受助户数")) == 270
    # 通过4次滚动使用: cumulative disbursed ÷ capital between 4 and 5, and the turnover revolve printed
    # is that quotient
    disbursed = money(line(out, "累计投放"))
    turnover = re.fullmatch(r"([\d.]+)（(¥[\d,.]+) ÷ (¥[\d,.]+)）", line(out, "滚动次数"))
    assert turnover is not None
    assert (money(turnover.group(2)), money(turnover.group(3))) == (disbursed, yuan("350000"))
    assert 4 <= Decimal(disbursed.fen) / yuan("350000").fen < 5
    assert 4 <= Decimal(turnover.group(1)) < 5
    assert count(line(out, "最高轮次")) == 4
    # 100 % repaid: nothing outstanding, nothing written off, and 回收率 100 % of what fell due
    percent, top, bottom = rate(line(out, "回收率"))
    assert percent == Decimal("100.00") and top == bottom == disbursed
    assert money(line(out, "贷款余额")) == Money(0)
    assert money(line(out, "核销")) == Money(0)
    percent, exited, closed = rate(line(out, "脱贫率"))
    assert (exited, closed) == (270, 270)
    assert line(out, "守恒检查") == "0 项违规"
    # the last year's report is printed, with the same rates
    assert "年报表" in out or "季报表" in out
    assert re.search(
        r"^回收率（还款率）\s+100\.00% \(1,400,000\.00 ÷ 1,400,000\.00\)$", out, flags=re.MULTILINE
    )
    # 少生快富: bank loans of 1万 a household a year, the passbook pledged to the bank (seed 001), a one-in-four
    # sample of 1,104 households over 2008–2015; every loan is closed by 2016, so no passbook is held
    loans = count(line(out, "银行贷款笔数"))
    assert loans == count(line(out, "扶持户数（样本）")) == count(line(out, "存折质押笔数")) == 276
    assert count(line(out, "覆盖乡镇")) == 26
    assert money(line(out, "存折质押金额合计")) == yuan("10000") * loans
    assert money(line(out, "截至2016-12-31质押中")) == Money(0)
    defaults = count(line(out, "违约笔数"))
    assert defaults == 276 // 23
    assert money(line(out, "银行扣划金额")) == yuan("10000") * defaults  # the bank took those passbooks
    # 贴息 for the loans repaid: ¥10,000 × 5.31 % × 365 / 360 = ¥538.375, paid to the programme's limit
    # ¥538.37 (rounded down, 超过部分不予贴息); a loan in default gets none
    assert money(line(out, "贴息支出")) == yuan("538.37") * (loans - defaults)
    assert line(out, "每户一年一万（超限拒绝）") == "BankLoanCapExceeded（¥15,000.00 > ¥10,000.00）"
    gain = re.fullmatch(r"(¥[\d,.]+)（(¥[\d,.]+) ÷ (\d+)人，(\d+)户）", line(out, "人均增收"))
    assert gain is not None
    assert int(gain.group(4)) == 276
    total, persons = money(gain.group(2)), int(gain.group(3))
    assert money(gain.group(1)) == Money((total.fen * 2 + persons) // (2 * persons))  # half up, to the fen
    assert yuan("3000") <= money(gain.group(1)) < yuan("4000")  # 人均增收3000多元
    assert line(out, "守恒检查（少生快富）") == "0 项违规"


# ---- 厦门 (seed 000) --------------------------------------------------------------------------------
def test_xiamen_reproduces_the_seed() -> None:
    out = run_example("xiamen")
    assert_years_closed(out, 1998, 2016)

    # allocated (拨付), not lent: the districts owe the city nothing
    # what the districts owe at the 2016 close is the 贴息 accrued for bank-loan periods under way, no more
    owed = money(line(out, "2016年末各区资产负债表 应付款项合计"))
    assert owed == money(line(out, "2016年末各区应付贴息（结账时按天计提）")) and owed.is_positive()
    assert money(line(out, "2016年末各区应付市协会（拨付款）")) == Money(0)
    # 惠及全市3605户计生母亲
    assert count(line(out, "惠及户数")) == 3605
    # 还款率100%
    percent, top, bottom = rate(line(out, "还款率"))
    assert isinstance(bottom, Money) and bottom.is_positive()
    assert percent == Decimal("100.00") and top == bottom
    # 脱贫率98.95%: 3,567 of the 3,605 households assessed out of poverty
    percent, exited, households = rate(line(out, "脱贫率"))
    assert (exited, households) == (3567, 3605)
    assert percent == Decimal("98.95") == round(Decimal(3567) / Decimal(3605) * 100, 2)
    # 共盘活幸福工程专项资金31.85万元 (上缴区财政局)
    assert money(line(out, "上缴财政")) == yuan("31.85万")
    # one-off grants and 小额贴息 were paid out of the districts' funds
    assert money(line(out, "一次性帮扶累计")).is_positive()
    assert money(line(out, "贴息累计")).is_positive()
    assert line(out, "守恒检查") == "0 项违规"
    # the city's money was allocated (拨付), not lent: no district owes it back (issue 11, finding 6)
    assert money(line(out, "各区应付市协会")) == Money(0)
    assert money(line(out, "市拨付各区")) == yuan("225万")  # 85万 in 1998, 140万 in 2013
    # the city's 季报表, rolled up over the districts, shows the same rates
    assert "季报表 — 厦门市" in out
    assert re.search(r"^脱贫率\s+98\.95% \(3,567 ÷ 3,605\)$", out, flags=re.MULTILINE)
    assert count(report_fact(out, "受助户数（借款、帮扶或贴息）")) == 3605


# ---- 吉林 (seed 002) --------------------------------------------------------------------------------
def test_jilin_subsidy_reproduces_the_seed() -> None:
    out = run_example("jilin_subsidy")
    assert_years_closed(out, 2012, 2013)
    # 投放贷款资金8000万元，贴息400万元，为4000个家庭发展提供了帮助
    assert count(line(out, "贴息家庭数")) == 4000
    assert money(line(out, "贴息贷款本金")) == yuan("8000万")
    assert money(line(out, "已付贴息")) == yuan("400万")
    assert money(line(out, "应付贴息")) == money(line(out, "已付贴息"))
    assert count(line(out, "已付贴息笔数")) == 4000
    # paid from the fund after a contribution covered it
    assert money(line(out, "财政拨入")) >= money(line(out, "已付贴息"))
    assert not money(line(out, "基金结余")).is_negative()
    assert line(out, "守恒检查") == "0 项违规"
    assert money(report_fact(out, "贴息支出")) == yuan("400万")


# ---- a county system embedding revolve ---------------------------------------------------------------
def _check_county_system(out: str) -> None:
    # three applications, 12,000 yuan in the fund, 5,000 a loan: two are paid, the third is refused
    assert len(re.findall(r"^拒绝（仅撤销该操作）：", out, flags=re.MULTILINE)) == 1
    assert line(out, "县系统申请") == "已放款 2 件，待放款 1 件，走访记录 2 条"
    assert line(out, "revolve 借款") == "2 笔，已结清 1 笔"
    lent, repaid = yuan("5000") * 2, yuan("5000")  # the rolled-back repayment left nothing behind
    assert money(line(out, "累计发放")) == lent
    assert money(line(out, "借款余额")) == lent - repaid
    assert money(line(out, "银行存款")) == yuan("12000") - lent + repaid
    assert line(out, "哈希链") == "4 张凭证，完整"
    assert line(out, "守恒检查") == "0 项违规"


def test_county_system_embeds_revolve_in_its_own_session_on_sqlite() -> None:
    out = run_example("county_system")
    assert line(out, "数据库").startswith("SQLite")
    _check_county_system(out)


@pytest.mark.skipif(not POSTGRES_URL, reason="set REVOLVE_TEST_POSTGRES_URL to run it on PostgreSQL")
def test_county_system_embeds_revolve_in_its_own_session_on_postgresql() -> None:
    out = run_example("county_system", database_url=POSTGRES_URL)
    assert line(out, "数据库").startswith("PostgreSQL")
    _check_county_system(out)


def side_by_side(output: str) -> dict[str, tuple[str, str, str]]:
    """The seed-versus-revolve table an example prints: item → (seed, revolve, kind)."""
    lines = output.split("种子文献对照（SEED vs REVOLVE）")[1].split("\n\n", maxsplit=1)[0].splitlines()[3:]
    rows = {}
    for text in lines:
        cells = re.split(r"\s{2,}", text.strip())
        rows[cells[0]] = (cells[1], cells[2], cells[3])
    return rows


@pytest.mark.parametrize("name", ["fengning", "xiamen", "jilin_subsidy", "gansu", "fujian"])
def test_examples_say_which_figures_are_inputs_and_which_revolve_computed(name: str) -> None:
    rows = side_by_side(run_example(name))
    kinds = {kind for _, _, kind in rows.values()}
    assert "输出：revolve 计算" in kinds and "输入：示例按种子记录" in kinds
    # 未建模: a seed figure about something other than the fund's books (another programme), said so
    assert kinds <= {"输出：revolve 计算", "输入：示例按种子记录", "输入：示例假设", "未建模"}
    if name == "fengning":
        assert rows["滚动次数"][1:] == ("4.00", "输出：revolve 计算")
        assert money(rows["共投资金（资金本金）"][1]) == yuan("350000")
        # the 少生快富 bank loans are modelled now (issue 13): no "未建模" row is left
        assert "少生快富 银行贷款" not in rows
        assert rows["少生快富 扶持户数"] == ("1100多户", "276", "输出：revolve 计算")
        assert rows["少生快富 每户一年一万"][1:] == ("¥10,000.00", "输入：示例按种子记录")
        assert rows["少生快富 存折质押"][2] == "输出：revolve 计算"
        assert rows["少生快富 贴息"][2] == "输出：revolve 计算"
        assert rows["少生快富 各户帮扶后收入"][2] == "输入：示例假设"
        assert rows["少生快富 人均增收"][0] == "3000多元"
        assert rows["少生快富 人均增收"][2] == "输出：revolve 计算"
    if name == "xiamen":
        assert rows["脱贫率"][1].startswith("98.95% = 3,567 ÷ 3,605")
        assert rows["评估为仍贫困的户数"][1:] == ("38", "输入：示例按种子记录")
        assert re.fullmatch(r"\d+\.\d\d% = ¥[\d,.]+ ÷ ¥[\d,.]+", rows["资金使用率"][1])
        assert rows["资金使用率"][2] == "输出：revolve 计算"
    if name == "jilin_subsidy":
        assert money(rows["贴息"][1]) == yuan("4000000") and rows["贴息"][2] == "输出：revolve 计算"
        assert rows["贴息天数上限"][2] == "输入：示例假设"
    if name == "gansu":
        assert rows["计生户扶持资金提高额"][1:] == ("¥5,000.00–¥8,000.00", "输入：示例按种子记录")
        assert rows["上浮额用于小额贷款额度"][2] == "输入：示例假设"
        assert rows["计生户额度（独生子女户）"][1:] == ("¥18,000.00", "输出：revolve 计算")
        assert rows["首批审批中计生户"][1:] == ("4/4", "输出：revolve 计算")
        assert rows["计生群众享受实惠"][2] == "未建模"
    if name == "fujian":
        assert money(rows["全省投入幸福工程项目资金"][1]) == yuan("14496万")
        assert rows["全省投入幸福工程项目资金"][2] == "输入：示例按种子记录"
        assert rows["帮扶计生家庭户数"][1:] == ("4589", "输出：revolve 计算")
        assert rows["各市户数与金额"][2] == "输入：示例假设"


# ---- 甘肃 陇家福 (seed 003) ---------------------------------------------------------------------------
def test_gansu_puts_family_planning_households_first_with_higher_caps() -> None:
    out = run_example("gansu")
    assert_years_closed(out, 2014, 2014)
    # 在扶贫项目中提高5000-8000元扶持资金 … 优先发放并提高个人小额信贷
    base = money(line(out, "非计生户额度").split("（")[0])
    for label, up in (
        ("独生子女户", "8000"),
        ("二女户", "8000"),
        ("计划生育家庭", "5000"),
        ("计生困难家庭", "5000"),
    ):
        cap = line(out, f"{label}额度")
        assert money(cap.split("（")[0]) == base + yuan(up) and cap.endswith("（优先级 1）")
    assert line(out, "非计生户额度").endswith("（优先级 2）")
    assert "the limit is ¥10,000.00" in line(out, "超额申请被拒")
    # the queue printed puts every 计生户 before every 非计生户, each group by date applied
    queue = re.findall(r"^\d+\s+LT-\d{3}\s+\S+\s+(\S+)\s+([12])\s+(\d{4}-\d\d-\d\d)", out, flags=re.MULTILINE)
    ranks = [int(rank) for _, rank, _ in queue]
    assert ranks == sorted(ranks) and 1 in ranks and 2 in ranks
    assert count(line(out, "越前审批").split(" ")[0]) > 0
    favoured = re.fullmatch(r"(\d+) 笔，(¥[\d,.]+)，最高 (¥[\d,.]+)", line(out, "计生户借款"))
    other = re.fullmatch(r"(\d+) 笔，(¥[\d,.]+)，最高 (¥[\d,.]+)", line(out, "非计生户借款"))
    assert favoured is not None and other is not None
    assert money(favoured.group(2)) + money(other.group(2)) == money(line(out, "累计发放"))
    # the higher cap at work: a 计生户 borrowed more than any 非计生户 may
    assert money(favoured.group(3)) > base >= money(other.group(3))
    assert line(out, "守恒检查") == "0 项违规"
    assert "半年报表" in out


# ---- 福建 (seed 004) ---------------------------------------------------------------------------------
def test_fujian_rolls_up_the_province_counting_each_mother_once() -> None:
    out = run_example("fujian")
    assert_years_closed(out, 2021, 2021)
    # 全省共投入幸福工程项目资金1.4496亿元，帮扶4589户计生家庭发展致富
    assert money(line(out, "全省投入（本年放款）")) == yuan("14496万")
    assert count(line(out, "帮扶户数（按身份证号去重）")) == 4589
    # the mothers lent to by two funds: the sums of the parts count them twice
    assert count(line(out, "各基金户数之和")) == 4589 + 9 * 20 + 12 == count(line(out, "放款笔数"))
    assert count(line(out, "各市户数之和")) == 4589 + 12
    assert money(line(out, "户均借款额")) == yuan("14496万").split(4589)[0]
    # each city's row: the amounts add up to the province's
    cities = re.findall(r"^\S+市\s+3\s+(\d+)\s+(\d+)\s+(¥[\d,.]+)", out, flags=re.MULTILINE)
    assert len(cities) == 9
    assert sum((money(a) for _, _, a in cities), Money(0)) == yuan("14496万")
    assert re.search(r"^全省（去重）\s+27\s+4589\s+4781\s+¥144,960,000\.00\s", out, flags=re.MULTILINE)
    refusals = re.findall(r"^拒绝：(.*)$", out, flags=re.MULTILINE)
    assert len(refusals) == 2 and all("active loans is 2, the limit is 1" in r for r in refusals)
    assert line(out, "守恒检查") == "0 项违规"
    assert count(report_fact(out, "受助户数（借款、帮扶或贴息）")) == 4589


# ---- a 行政事业单位's fund under 政府会计制度 ------------------------------------------------------------
def test_government_unit_keeps_both_accountings_and_reconciles() -> None:
    out = run_example("government_unit")
    inp, calc = "（输入）", "（输出：revolve 计算）"
    given = sum(
        (money(line(out, f"{k}{inp}")) for k in ("财政拨款", "省级配套（非同级财政拨款）", "社会捐赠")),
        Money(0),
    )
    mothers, principal = count(line(out, f"借款户数{inp}")), money(line(out, f"每户借款{inp}"))
    receipts = count(line(out, f"还款笔数{inp}"))
    # every loan settled by the end (repaid or written off): the bank holds what came in less what left
    # for good — the grant, the money handed back, the principal written off (the last loan's two last
    # instalments) — plus the 2 % yearly management fee paid with each quarterly instalment
    written_off = Money(principal.fen // 2)
    fees = Money(int(principal.fen * Decimal("0.02") / 4) * receipts)
    bank = (
        given - money(line(out, f"一次性帮扶{inp}")) - money(line(out, f"上缴财政{inp}")) - written_off + fees
    )
    assert mothers * 4 - 2 == receipts
    assert money(line(out, f"2022年末银行存款{calc}")) == bank
    # the 差异调节: 本年预算收支差额 + the differences = 本期盈余, each printed by revolve
    budget = money(line(out, f"2022年本年预算收支差额{calc}"))
    parts = [
        money(line(out, f"差异调节：{k}{calc}"))
        for k in (
            "收入非预算收入（计提管理费）",
            "预算收入非收入（收回以前年度计提）",
            "预算支出非费用（核销）",
            "费用非预算支出（计提坏账准备）",
        )
    ]
    assert budget + parts[0] - parts[1] + parts[2] - parts[3] == money(line(out, f"2022年本期盈余{calc}"))
    assert parts[2] == written_off  # the write-off is budget expenditure, never an expense
    assert line(out, f"差异调节相符{calc}") == "是"
    # at the year's end 资金结存 is all in the two 结转 and equals the bank: nothing is lent out
    carried = money(line(out, f"2022年末财政拨款结转{calc}")) + money(
        line(out, f"2022年末非财政拨款结转{calc}")
    )
    assert carried == bank
    assert line(out, f"财务会计借贷平衡{calc}") == line(out, f"预算会计借贷平衡{calc}") == "是"
    assert line(out, f"守恒检查{calc}") == "0 项违规"
    for form in ("会政财01", "会政财02", "会政财03", "会政财04", "会政预01", "会政预02"):
        assert f"（{form}表）" in out
    assert "会民非" not in out
