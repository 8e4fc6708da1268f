"""The demo county: builds a small 幸福工程 fund in a fresh SQLite file and says what it did.

Every figure printed is read back from the books revolve kept — the entries it posted, the trial
balance it computes, the hash chain it verifies — never written down here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from revolve.chart import AccountKey, AccountRole
from revolve.ledger import Ledger
from revolve.money import yuan
from revolve.orgs import OrgLevel
from revolve.reports.labels import Language
from revolve.reports.trial_balance_table import trial_balance_table

__all__ = ["run_demo"]

R = AccountRole

# (household, loan number, amount in yuan, disbursement date)
_LOANS = (
    ("王秀英", "FN-2016-001", "10000", date(2016, 3, 10)),
    ("李桂兰", "FN-2016-002", "10000", date(2016, 3, 10)),
    ("张玉梅", "FN-2016-003", "8000", date(2016, 3, 12)),
)


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
    fund = ledger.create_fund("FN-HP", "丰宁县幸福工程资金", org=county)
    say(
        f"建立组织 {province.name} › {city.name} › {county.name}，开设基金「{fund.name}」({fund.code})"
        if zh
        else f"Created {province.name} › {city.name} › {county.name} and opened fund {fund.code}"
    )
    entries = [
        ledger.post(
            fund,
            on=date(2016, 1, 15),
            kind="contribution",
            memo="幸福工程项目资金（限定用途捐赠）",
            postings=[(R.FUND_CASH, yuan("300000")), (R.DONATION_REVENUE, -yuan("300000"))],
            idempotency_key="DON-2016-001",
        ),
        ledger.post(
            fund,
            on=date(2016, 2, 20),
            kind="contribution",
            memo="生育关怀募捐",
            postings=[(R.FUND_CASH, yuan("50000")), (R.DONATION_REVENUE, -yuan("50000"))],
            idempotency_key="DON-2016-002",
        ),
    ]
    for household, loan, amount, on in _LOANS:
        entries.append(
            ledger.post(
                fund,
                on=on,
                kind="disbursement",
                memo=f"向{household}发放幸福工程借款",
                postings=[(AccountKey(R.LOANS_RECEIVABLE, loan), yuan(amount)), (R.FUND_CASH, -yuan(amount))],
                idempotency_key=f"DISB-{loan}",
            )
        )
    for entry in entries:
        say(
            f"  第{entry.seq}号凭证 {entry.value_date} {entry.memo}  {entry.total}  哈希 {entry.hash[:12]}…"
            if zh
            else f"  entry {entry.seq} {entry.value_date} {entry.kind}  {entry.total}  hash {entry.hash[:12]}…"
        )
    say("")
    say(trial_balance_table(ledger.trial_balance(fund), lang))
    say("")
    report = ledger.verify(fund)
    problems = ledger.check()
    cash = ledger.balance(fund, R.FUND_CASH)
    lent = ledger.balance(fund, R.LOANS_RECEIVABLE)
    if zh:
        say(f"银行存款余额 {cash}，借款余额 {lent}（{len(_LOANS)} 户）")
        say(
            f"哈希链校验：{report.entries_checked} 张凭证，{'完整' if report.ok else '断裂：' + str(report.first_break)}"
        )
        say(f"守恒检查：{'全部通过' if not problems else '; '.join(map(str, problems))}")
        say(f"账簿文件：{path}")
    else:
        say(f"Bank deposits {cash}; loans outstanding {lent} ({len(_LOANS)} households)")
        say(
            f"Hash chain: {report.entries_checked} entries, {'intact' if report.ok else 'broken: ' + str(report.first_break)}"
        )
        say(f"Conservation checks: {'all hold' if not problems else '; '.join(map(str, problems))}")
        say(f"Books kept in: {path}")
    return ledger
