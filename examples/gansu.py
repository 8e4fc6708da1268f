"""甘肃 陇家福 (seed 003): a county fund's year of applications under a policy that favours 计生户.

The seed (甘肃省卫生和计划生育委员会, 2014) says what the province's poverty projects owe family-planning
households: "在扶贫项目中提高5000-8000元扶持资金，优先纳入廉租房、公租房和危房改造，优先发放并提高个人小额
信贷等" — more money (5,000–8,000 yuan more), and first in line.

How this script reads the seed (the modelling choices, said once):

* the seed names no county and gives no fund's figures: the fund is 临洮县's (定西市), with 12万 of
  capital from the county's finance on 6 January 2014, lending 1,000–10,000 yuan for 12 months,
  interest-free, repaid monthly in equal principal — all assumptions;
* the seed's "提高5000-8000元" is said of 扶持资金 in poverty projects, and of 小额信贷 only "优先发放并提高"
  with no figure; the example applies the range to the loan cap: 独生子女户 and 二女户 8,000 yuan above
  the 非计生户 cap of 10,000, the other 计生户 (计划生育家庭, 计生困难家庭) 5,000 above. Which category
  gets which end of the range is the example's choice;
* "优先发放" is the queue: every 计生户 category ranks 1, the 非计生户 2 (revolve's ``category_priority``
  puts a category without a rule after the ranked ones). The queue orders by priority, then the date
  applied;
* thirty-two households of four villages apply between January and August, each for an amount of her
  own (an input: what people ask for); each application is reviewed (审查) by the village's 计生专干
  three days later, posted for public notice (公示) two days after that, and the notice runs the
  policy's seven days (revolve's default; the seed gives no 公示期);
* the county committee meets on five days of the year (审批). It approves in queue order as far as the
  cash revolve says is available goes, and stops at the first application it cannot fund — it does not
  skip a favoured household to fund a cheaper one behind her (revolve would refuse that without a
  written reason). Agreements (三方协议) are signed three days after the meeting, loans paid out two
  days later, each with its purpose and 帮扶责任人 in the loan file;
* every mother repays each monthly instalment on its due date; the books close on 31 December.

Every figure printed — caps, queue, approvals, loans, the 半年报表 and the balance sheet — is revolve's
own value. The books are kept in an in-memory SQLite database.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from datetime import date, timedelta

from seedcheck import ASSUMED, INPUT, OUTPUT, OUTSIDE, Row, print_side_by_side
from tabulate import tabulate

import revolve
from revolve import (
    ApplicationStep,
    CategoryRule,
    FamilyPlanningStatus,
    Household,
    Ledger,
    LoanFile,
    LoanTerms,
    Money,
    OrgLevel,
    Payment,
    Policy,
    PolicyViolation,
    RepaymentMethod,
    generate_schedule,
    yuan,
)
from revolve.applications import Application
from revolve.policy import category_policy
from revolve.reports.financial import build_balance_sheet
from revolve.reports.quarterly import build_quarterly
from revolve.reports.render import Format, render

FP = FamilyPlanningStatus

FUND = "LT-LJF"
YEAR = 2014
BASE_CAP = yuan("10000")
"""The 非计生户 cap (an assumption: the seed gives none)."""

RAISE = {
    FP.ONE_CHILD: yuan("8000"),
    FP.TWO_DAUGHTERS: yuan("8000"),
    FP.COMPLIANT: yuan("5000"),
    FP.HARDSHIP: yuan("5000"),
}
"""The seed's "提高5000-8000元": how much higher each 计生户 category's cap is (its split is the example's)."""

MEETINGS = (date(2014, 3, 20), date(2014, 5, 20), date(2014, 7, 21), date(2014, 9, 22), date(2014, 11, 20))
"""The days the county committee meets to approve (审批)."""

QUEUE_SHOWN = date(2014, 5, 19)
"""The queue is printed at the end of the day before the second meeting."""

VILLAGES = (
    ("GS-LT-TY-01", "瓦窑村", "洮阳镇", "马文"),
    ("GS-LT-TY-02", "五爱村", "洮阳镇", "张丽"),
    ("GS-LT-XT-01", "新添村", "新添镇", "李红"),
    ("GS-LT-XT-02", "三益村", "新添镇", "王芳"),
)
"""(code, village, town, the village's 计生专干 who reviews and is 帮扶责任人)."""

CATEGORY_CYCLE = (
    FP.OTHER,
    FP.ONE_CHILD,
    FP.OTHER,
    FP.COMPLIANT,
    FP.TWO_DAUGHTERS,
    FP.OTHER,
    FP.HARDSHIP,
    FP.OTHER,
)
"""The households' categories, in the order their files are opened: half are 非计生户."""

PURPOSES = ("养殖", "种植", "加工", "商贸")
SURNAMES = "马王李张刘杨赵何罗魏牛石"
GIVEN = ("玉兰", "秀英", "桂花", "金花", "红霞", "彩霞", "春梅", "晓燕")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(region: str, born: date, sequence: int) -> str:
    """An 18-character 居民身份证号码 with its GB 11643 check character (an even sequence: a woman)."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def ask(category: FP, k: int) -> int:
    """What a household asks for, in yuan: 计生户 up to their higher cap, 非计生户 up to 10,000."""
    if category is FP.OTHER:
        return 6000 + 1000 * (k % 5)
    return 10000 + 2000 * (k % 3) + int(RAISE[category].fen // 100) - 5000


def open_books(books: Ledger) -> tuple[list[Household], dict[int, str]]:
    """The county, its villages, the fund, its capital and policy, and the households' files."""
    province = books.create_org("GS", "甘肃省", OrgLevel.PROVINCE)
    city = books.create_org("GS-DX", "定西市", OrgLevel.CITY, parent=province)
    county = books.create_org("GS-LT", "临洮县", OrgLevel.COUNTY, parent=city)
    towns: dict[str, int] = {}
    helpers: dict[int, str] = {}
    villages = []
    for code, village, town, helper in VILLAGES:
        if town not in towns:
            towns[town] = books.create_org(code[:-3], town, OrgLevel.TOWN, parent=county).id
        org = books.create_org(code, village, OrgLevel.VILLAGE, parent=towns[town]).id
        villages.append(org)
        helpers[org] = helper
    books.create_fund(FUND, "临洮县陇家福幸福工程资金", org=county)
    books.contribute(FUND, amount=yuan("120000"), on=date(2014, 1, 6), source="fiscal", receipt="LT-2014-01")
    books.set_policy(
        FUND,
        Policy(
            effective_from=date(YEAR, 1, 1),
            min_amount=yuan("1000"),
            max_amount=BASE_CAP,
            min_term_months=12,
            max_term_months=12,
            max_loans_per_household=2,
            max_active_loans_per_household=1,
            guarantee_required=False,
            categories=tuple(
                CategoryRule(c, priority=1, max_amount=BASE_CAP + up) for c, up in RAISE.items()
            ),
        ),
    )
    mothers = []
    for k in range(32):
        mothers.append(
            books.register_household(
                FUND,
                code=f"LT-{k + 1:03d}",
                mother_name=SURNAMES[k % len(SURNAMES)] + GIVEN[k % len(GIVEN)],
                national_id=national_id("621124", date(1975, 1, 1) + timedelta(days=97 * k), 2 * k + 100),
                registered_on=date(YEAR, 1, 2),
                fp_status=CATEGORY_CYCLE[k % len(CATEGORY_CYCLE)],
                org=villages[k % len(villages)],
                persons=3 + k % 4,
            )
        )
    return mothers, helpers


def take_applications(books: Ledger, mothers: list[Household], helpers: dict[int, str]) -> str:
    """Each household applies on its day (8 January to 27 August); the file is reviewed and posted.

    Returns the refusal revolve gave the one 非计生户 who first asked above her cap (she asks again)."""
    refusal = ""
    for k, mother in enumerate(mothers):
        on = date(YEAR, 1, 8) + timedelta(days=7 * k)
        amount = yuan(ask(mother.fp_status, k))
        if k == 2:
            try:  # she asks for 15,000 yuan, what a 计生户 may have
                books.apply(FUND, mother, amount=yuan("15000"), term_months=12, on=on)
            except PolicyViolation as refused:
                refusal = f"{mother.code} {mother.mother_name}（{mother.fp_status.label_zh}）申请 ¥15,000.00：{refused}"
        app = books.apply(FUND, mother, amount=amount, term_months=12, on=on, purpose=PURPOSES[k % 4])
        helper = helpers[mother.org_id or 0]
        books.advance(FUND, app, ApplicationStep.REVIEW, on=on + timedelta(days=3), by=f"村计生专干 {helper}")
        books.advance(FUND, app, ApplicationStep.NOTICE, on=on + timedelta(days=5), by="村委会")
    return refusal


class Repayments:
    """The monthly instalments the mothers are going to pay, entered as the receipts come in."""

    def __init__(self, books: Ledger) -> None:
        self.books = books
        self.pending: list[tuple[date, str, Money]] = []

    def expect(self, number: str, terms: LoanTerms) -> None:
        for row in generate_schedule(terms).installments:
            heapq.heappush(self.pending, (row.due_date, number, row.total))

    def until(self, day: date) -> None:
        """Record every instalment paid on or before ``day``, in one call (a stack of receipt slips)."""
        slips = []
        while self.pending and self.pending[0][0] <= day:
            on, number, amount = heapq.heappop(self.pending)
            slips.append(Payment(number, amount, on, f"HK-{number}-{on:%m}"))
        if slips:
            self.books.repay_many(FUND, slips)


def meeting(
    books: Ledger, on: date, repayments: Repayments, helpers: dict[int, str], loans_made: list[str]
) -> list[Application]:
    """The committee approves in queue order while the cash lasts; agreements and payouts follow."""
    repayments.until(on)
    cash = books.available(FUND)
    approved = []
    for entry in books.queue(FUND, as_of=on):
        app = entry.application
        if entry.next_step is not ApplicationStep.APPROVE or app.steps[-1].on + timedelta(days=7) > on:
            continue  # still under review or on notice: it does not hold the others up
        if app.amount > cash:
            break  # the first one the committee cannot fund waits for the next meeting, and so do those behind
        books.advance(FUND, app, ApplicationStep.APPROVE, on=on, by="县计生协 审批小组")
        cash -= app.amount
        approved.append(app)
    if not approved:
        return approved
    batch = books.open_batch(FUND, code=f"{on:%Y-%m}", on=on + timedelta(days=5), note=f"{on:%m月}审批").code
    for app in approved:
        agreed = on + timedelta(days=3)
        books.advance(FUND, app, ApplicationStep.AGREE, on=agreed, by="县计生协 会长")
        number = f"LJF-{YEAR}-{len(loans_made) + 1:03d}"
        terms = LoanTerms(
            principal=app.amount,
            start=on + timedelta(days=5),
            term=12,
            method=RepaymentMethod.EQUAL_PRINCIPAL,
        )
        household = books.household(FUND, app.household_id)
        books.disburse(
            FUND,
            number=number,
            household=household,
            batch=batch,
            terms=terms,
            application=app,
            signed_by="出纳 李娟",
            file=LoanFile(
                purpose=app.purpose,
                agreement_no=f"LT-XY-{number[-3:]}",
                agreement_on=agreed,
                helper=helpers[household.org_id or 0],
            ),
        )
        repayments.expect(number, terms)
        loans_made.append(number)
    return approved


def print_queue(books: Ledger, on: date) -> None:
    rows = []
    for e in books.queue(FUND, as_of=on):
        hh = books.household(FUND, e.application.household_id)
        rows.append(
            (
                e.position,
                hh.code,
                hh.mother_name,
                hh.fp_status.label_zh,
                e.priority,
                e.application.applied_on,
                e.application.amount,
                e.application.step.label_zh,
            )
        )
    print(f"申请排队（截至 {on}，共 {len(rows)} 笔）：")
    print(
        tabulate(
            rows,
            headers=("序号", "户编码", "姓名", "户类别", "优先级", "申请日期", "申请金额", "已完成"),
            disable_numparse=True,
        )
    )
    print()


def print_close(books: Ledger) -> None:
    """revolve's OUTPUT after the year-end close: the year closed and its 资产负债表."""
    closes = books.period_closes(FUND)
    table = build_balance_sheet(books, FUND, as_of=closes[-1]).section("balance_sheet").table
    assert table is not None
    lines = {row[0].key: row[2] for row in table.rows if hasattr(row[0], "key")}
    print("revolve 输出（OUTPUT）— 年度结账：")
    print(f"结账年度：{closes[0].year}–{closes[-1].year}（{len(closes)} 个年度，于12月31日结账）")
    for key, label in (
        ("bs_cash", "货币资金"),
        ("bs_receivables_net", "应收款项（净额）"),
        ("bs_total_assets", "资产合计"),
        ("bs_other_payables", "应付款项"),
        ("bs_total_net_assets", "净资产合计"),
        ("bs_total_liabilities_and_net_assets", "负债和净资产总计"),
    ):
        print(f"  {YEAR}年末资产负债表 {label}：{lines[key]}")
    print()


def main() -> None:
    with revolve.open("sqlite://") as books:
        mothers, helpers = open_books(books)
        policy = books.policy(FUND, on=date(YEAR, 1, 1))
        print(f"临洮县陇家福幸福工程资金（{FUND}）— {YEAR}年")
        print("各类户的额度与优先级（revolve 按政策计算）：")
        for category in (FP.OTHER, *RAISE):
            caps = category_policy(policy, category)
            rank = 2 if category is FP.OTHER else 1
            print(f"  {category.label_zh}额度：{caps.max_amount}（优先级 {rank}）")
        print(f"公示期：{policy.notice_days} 天")
        refusal = take_applications(books, mothers, helpers)
        print(f"超额申请被拒：{refusal}")
        print()

        repayments = Repayments(books)
        loans_made: list[str] = []
        approvals: list[tuple[date, Application]] = []
        for on in MEETINGS:
            if on == MEETINGS[1]:
                repayments.until(QUEUE_SHOWN)
                print_queue(books, QUEUE_SHOWN)
            approvals += [(on, app) for app in meeting(books, on, repayments, helpers, loans_made)]
        repayments.until(date(YEAR, 12, 31))

        # who went first, and why: each meeting's approvals, in the queue's order
        rows = []
        for on, app in approvals:
            hh = books.household(FUND, app.household_id)
            rank = 2 if app.category == "other" else 1
            rows.append(
                (on, hh.code, hh.mother_name, hh.fp_status.label_zh, rank, app.applied_on, app.amount)
            )
        print("审批顺序（每次会议按排队顺序，资金不足即止）：")
        print(
            tabulate(
                rows,
                headers=("审批日", "户编码", "姓名", "户类别", "优先级", "申请日期", "金额"),
                disable_numparse=True,
            )
        )
        # ahead of the line: a 计生户 approved while a 非计生户 who applied earlier still waited
        approved_on = {app.id: on for on, app in approvals}
        ahead = [
            (on, app, other)
            for on, app in approvals
            if app.category != "other"
            for other in books.applications(FUND)
            if other.category == "other"
            and other.applied_on < app.applied_on
            and approved_on.get(other.id, date.max) > on
        ]
        on, app, other = ahead[0]
        she, earlier = books.household(FUND, app.household_id), books.household(FUND, other.household_id)
        print(f"越前审批：{len(ahead)} 对（计生户先于更早申请、仍在等待的非计生户）")
        print(
            f"  如 {on} {she.code} {she.mother_name}（{she.fp_status.label_zh}，{app.applied_on} 申请）"
            f"先于 {earlier.code} {earlier.mother_name}（非计生户，{other.applied_on} 申请）：优先级 1 先于 2"
        )
        # the loans revolve holds, by the borrower's category: the caps at work
        by_kind: dict[str, list[Money]] = defaultdict(list)
        for loan in books.loans(FUND):
            status = books.household(FUND, loan.household_id).fp_status
            by_kind["非计生户" if status is FP.OTHER else "计生户"].append(loan.principal)
        for kind in ("计生户", "非计生户"):
            amounts = by_kind[kind]
            print(f"{kind}借款：{len(amounts)} 笔，{Money.total(amounts)}，最高 {max(amounts)}")
        waiting = books.queue(FUND, as_of=date(YEAR, 12, 31))
        print(
            f"年末仍排队：{len(waiting)} 笔，其中非计生户 {sum(e.application.category == 'other' for e in waiting)} 笔"
        )
        figures = books.figures(FUND, as_of=date(YEAR, 12, 31))
        print(f"累计发放：{figures.disbursed}")
        print(f"借款余额：{figures.outstanding}")
        print(f"守恒检查：{len(books.check())} 项违规")
        print()

        half = build_quarterly(books, fund=FUND, year=YEAR, half=1)
        books.close_period(FUND, through=date(YEAR, 12, 31))
        print_close(books)
        favoured = by_kind["计生户"]
        ups = [
            category_policy(policy, c).max_amount - category_policy(policy, FP.OTHER).max_amount
            for c in RAISE
        ]
        base, top = (
            category_policy(policy, FP.OTHER).max_amount,
            category_policy(policy, FP.ONE_CHILD).max_amount,
        )
        first_four = sum(a.category != "other" for _, a in approvals[:4])
        rows = [
            ("计生户扶持资金提高额", "提高5000-8000元", f"{min(ups)}–{max(ups)}", INPUT, "记为各类计生户的借款额度上浮"),
            ("上浮额用于小额贷款额度", "“优先发放并提高个人小额信贷”（未给数额）",
             "独生子女户、二女户 +8,000；其他计生户 +5,000", ASSUMED, "种子的数额指扶贫项目扶持资金，示例移用于借款上限"),
            ("非计生户额度", "—", str(base), ASSUMED, ""),
            ("计生户额度（独生子女户）", "—", str(top), OUTPUT, "revolve 按类别规则计算（category_policy）"),
            ("计生户优先发放", "优先发放", "优先级 1 先于 2", INPUT, "政策的类别优先级"),
            ("首批审批中计生户", "—", f"{first_four}/4", OUTPUT, "revolve 的排队顺序（优先级、申请日期）"),
            ("计生户最高借款", "—", str(max(favoured)), OUTPUT, "高于非计生户额度；各户申请额是输入（人的选择）"),
            ("申请户数与申请额", "—", f"{len(mothers)}户", ASSUMED, "各户自己的申请（人的选择），示例记录"),
            ("资金本金", "—", str(figures.capital), ASSUMED, "县财政 12万元"),
            ("公示期", "—", f"{policy.notice_days}天", ASSUMED, "revolve 默认（种子未给）"),
            ("计生群众享受实惠", "808万人次、28.78亿元", "—", OUTSIDE, "全省各项惠农政策合计，非本基金"),
        ]  # fmt: skip
        print_side_by_side("甘肃陇家福（种子 003），临洮县 2014年", [Row(*r) for r in rows])
        print(render(half, Format.TEXT))


if __name__ == "__main__":
    main()
