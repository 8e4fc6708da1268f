"""The demo county: builds a small 幸福工程 fund in a fresh SQLite file, says what it did, and prints a
repayment statement (还款对账单) and the quarterly report (季报表).

Every figure printed is read back from the books revolve kept — the entries it posted, the statement and
report it built, the hash chain it verified — never written down here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from revolve.guarantees import GuarantorKind
from revolve.ledger import Ledger
from revolve.money import yuan
from revolve.orgs import OrgLevel
from revolve.pledges import Passbook
from revolve.reports.labels import Language
from revolve.reports.quarterly import build_quarterly
from revolve.reports.render import Format, render
from revolve.reports.statement import build_statement
from revolve.schedule import LoanTerms, RepaymentMethod

__all__ = ["run_demo"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# (household code, mother, birth date in the ID, loan number, amount in yuan, months, passbook pledged in
# yuan: 丰宁's seed secures loans with the mother's passbook, 存折质押 — her money, kept in the register)
_HOUSEHOLDS = (
    ("FN-H001", "王秀英", "19820314", "FN-2016-001", "10000", 12, None),
    ("FN-H002", "李桂兰", "19790602", "FN-2016-002", "8000", 12, None),
    ("FN-H003", "张玉梅", "19850927", "FN-2016-003", "5000", 12, "500"),
)


def _national_id(birth: str, serial: int) -> str:
    """A specimen ID (丰宁's area code 130826) with its GB 11643 check digit computed."""
    body = f"130826{birth}{serial:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


def run_demo(path: Path, *, lang: Language | str = Language.ZH, say: Callable[[str], None] = print) -> Ledger:
    """Build the demo county at ``path`` (which must not exist yet) and report each step through ``say``.

    Returns:
        The open ledger, for callers that want to look further.
    """
    zh = Language(lang) is Language.ZH
    ledger = Ledger.open(f"sqlite:///{path}")
    province = ledger.create_org("HE", "河北省", OrgLevel.PROVINCE)
    city = ledger.create_org("HE-CD", "承德市", OrgLevel.CITY, parent=province)
    county = ledger.create_org("HE-CD-FN", "丰宁满族自治县", OrgLevel.COUNTY, parent=city)
    village = ledger.create_org("HE-CD-FN-01", "大阁镇某村", OrgLevel.VILLAGE, parent=county)
    fund = ledger.create_fund("FN-HP", "丰宁县幸福工程资金", org=county)
    ledger.contribute(
        fund, amount=yuan("300000"), on=date(2016, 1, 15), donor="幸福工程项目资金", receipt="DON-2016-001"
    )
    ledger.contribute(
        fund, amount=yuan("50000"), on=date(2016, 2, 20), donor="生育关怀募捐", receipt="DON-2016-002"
    )
    ledger.open_batch(fund, code="2016-1", on=date(2016, 3, 10), site=village.id)
    committee = ledger.register_guarantor(
        fund, code="VC-01", kind=GuarantorKind.VILLAGE_COMMITTEE, name="大阁镇某村村委会", cap=yuan("50000")
    )
    for serial, (code, mother, birth, number, amount, months, pledge) in enumerate(_HOUSEHOLDS, start=1):
        ledger.register_household(
            fund,
            code=code,
            mother_name=mother,
            national_id=_national_id(birth, serial),
            registered_on=date(2016, 3, 1),
            org=village.id,
            phone=f"1393140{serial:04d}",
            income_before=yuan("3649"),
        )
        ledger.disburse(
            fund,
            number=number,
            household=code,
            batch="2016-1",
            terms=LoanTerms(
                principal=yuan(amount),
                start=date(2016, 3, 10),
                term=months,
                method=RepaymentMethod.EQUAL_PRINCIPAL,
            ),
            guarantors=[committee],
            passbook=None
            if pledge is None
            else Passbook("丰宁县农村信用社", f"62170826{serial:08d}", yuan(pledge)),
        )
    # 王秀英 pays each month on time; 李桂兰 falls behind in May and the village committee pays once for her
    for month in range(4, 10):
        ledger.repay(
            fund, "FN-2016-001", amount=yuan("833.33"), on=date(2016, month, 10), receipt=f"R-001-{month:02d}"
        )
    ledger.repay(fund, "FN-2016-002", amount=yuan("666.67"), on=date(2016, 4, 10), receipt="R-002-04")
    ledger.repay(
        fund,
        "FN-2016-002",
        amount=yuan("666.67"),
        on=date(2016, 6, 28),
        receipt="R-002-06",
        payer="guarantor",
        guarantor=committee,
    )
    for month in range(4, 10):
        ledger.repay(
            fund, "FN-2016-003", amount=yuan("416.67"), on=date(2016, month, 10), receipt=f"R-003-{month:02d}"
        )
    ledger.grant(fund, "FN-H002", amount=yuan("800"), on=date(2016, 7, 1), memo="一次性帮扶")
    entries = ledger.entries(fund)
    say(
        f"建立 {province.name} › {city.name} › {county.name}，开设「{fund.name}」；"
        f"登记 {len(ledger.households(fund))} 户，发放 {len(ledger.loans(fund))} 笔借款，记账 {len(entries)} 张凭证"
        if zh
        else f"Built {county.name}: fund {fund.code}, {len(ledger.households(fund))} households, "
        f"{len(ledger.loans(fund))} loans, {len(entries)} journal entries"
    )
    as_of = date(2016, 9, 30)
    say("")
    say(str(render(build_statement(ledger, fund, "FN-2016-002", as_of=as_of), Format.TEXT, lang=lang)))
    say("")
    say(str(render(build_quarterly(ledger, fund=fund, year=2016, quarter=3), Format.TEXT, lang=lang)))
    say("")
    report = ledger.verify(fund)
    problems = ledger.check()
    if zh:
        say(
            f"哈希链校验：{report.entries_checked} 张凭证，{'完整' if report.ok else '断裂：' + str(report.first_break)}"
        )
        say(f"守恒检查：{'全部通过' if not problems else '; '.join(map(str, problems))}")
        say(f"账簿文件：{path}")
    else:
        say(
            f"Hash chain: {report.entries_checked} entries, {'intact' if report.ok else 'broken: ' + str(report.first_break)}"
        )
        say(f"Conservation checks: {'all hold' if not problems else '; '.join(map(str, problems))}")
        say(f"Books kept in: {path}")
    return ledger
