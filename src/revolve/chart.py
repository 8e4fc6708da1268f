"""The chart of accounts: account roles mapped to codes and names.

Posting rules never name an account code; they name a *role* (``FUND_CASH``, ``LOANS_RECEIVABLE``, ...).
A :class:`Chart` maps each role to a code, a Chinese and an English name, and an account kind. A fund is
opened with one chart and gets one account per role; roles marked ``subledger`` (loans receivable,
inter-fund balances) get one account per sub-key instead — e.g. one receivable per loan — and the
trial balance sums them under their role.

Two charts are built in:

* ``NPO_CHART`` — 民间非营利组织会计制度 (财会〔2004〕7号), the default for a 计生协 or foundation;
* ``GOV_CHART`` — 政府会计制度 (财会〔2017〕25号), for associations that keep government-style books.

The mapping of events to these accounts is domain.md §14.2; it is a recommendation to be confirmed with
the association's accountant, which is why it lives in data, not in code.

Sign convention: every posting carries one signed amount, positive = debit, negative = credit. An
account's *normal side* (debit for assets and expenses, credit for the rest, and credit for the contra
asset 坏账准备) only decides which report column a balance is shown in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from revolve.errors import ChartError, UnknownAccount

__all__ = [
    "CHARTS",
    "GOV_CHART",
    "NPO_CHART",
    "Account",
    "AccountKey",
    "AccountKind",
    "AccountRole",
    "AccountSpec",
    "Chart",
    "chart_named",
]


class AccountKind(StrEnum):
    """The five elements of NPO accounts."""

    ASSET = "asset"
    LIABILITY = "liability"
    NET_ASSETS = "net_assets"
    REVENUE = "revenue"
    EXPENSE = "expense"


class AccountRole(StrEnum):
    """What an account is for, independent of any chart's numbering."""

    FUND_CASH = "fund_cash"
    LOANS_RECEIVABLE = "loans_receivable"
    DUE_FROM_FUND = "due_from_fund"
    BAD_DEBT_ALLOWANCE = "bad_debt_allowance"
    PLEDGE_DEPOSITS = "pledge_deposits"
    DUE_TO_FUND = "due_to_fund"
    PAYABLE_TO_FINANCE = "payable_to_finance"
    UNRESTRICTED_NET_ASSETS = "unrestricted_net_assets"
    RESTRICTED_NET_ASSETS = "restricted_net_assets"
    DONATION_REVENUE = "donation_revenue"
    DONATION_REVENUE_UNRESTRICTED = "donation_revenue_unrestricted"
    GRANT_REVENUE = "grant_revenue"
    FEE_REVENUE = "fee_revenue"
    INTEREST_REVENUE = "interest_revenue"
    PENALTY_REVENUE = "penalty_revenue"
    RECOVERY_REVENUE = "recovery_revenue"
    GRANT_EXPENSE = "grant_expense"
    SUBSIDY_EXPENSE = "subsidy_expense"
    BAD_DEBT_EXPENSE = "bad_debt_expense"
    FINANCE_RETURN_EXPENSE = "finance_return_expense"
    ALLOCATION_EXPENSE = "allocation_expense"
    ALLOCATION_INTERNAL = "allocation_internal"
    ACCRUED_INTEREST = "accrued_interest"
    ACCRUED_FEE = "accrued_fee"
    SUBSIDY_PAYABLE = "subsidy_payable"


@dataclass(frozen=True, slots=True)
class AccountKey:
    """An account named by role, and by sub-key for sub-ledger roles (e.g. the loan it belongs to)."""

    role: AccountRole
    sub: str | None = None

    def __post_init__(self) -> None:
        if type(self.role) is not AccountRole:
            object.__setattr__(self, "role", AccountRole(self.role))
        if self.sub is not None and (not isinstance(self.sub, str) or not self.sub.strip()):
            raise UnknownAccount(self.sub, hint="a sub-ledger key is a non-empty string, e.g. a loan number")

    def __str__(self) -> str:
        return self.role.value if self.sub is None else f"{self.role.value}[{self.sub}]"


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """One line of a chart: the role, its code, names and kind."""

    role: AccountRole
    code: str
    name_zh: str
    name_en: str
    kind: AccountKind
    subledger: bool = False
    contra: bool = False

    @property
    def normal_debit(self) -> bool:
        """True when a debit balance is this account's normal balance (assets and expenses)."""
        debit_kind = self.kind in (AccountKind.ASSET, AccountKind.EXPENSE)
        return debit_kind != self.contra

    def name(self, lang: str = "zh") -> str:
        """The account's name in Chinese (default) or English."""
        return self.name_en if lang == "en" else self.name_zh

    def code_for(self, sub: str | None) -> str:
        """The code of this role's account for ``sub`` (``112201.L-0001`` for a loan's receivable)."""
        return self.code if sub is None else f"{self.code}.{sub}"


@dataclass(frozen=True, slots=True)
class Chart:
    """A named chart: one :class:`AccountSpec` per role, codes unique."""

    name: str
    title: str
    specs: tuple[AccountSpec, ...]

    def __post_init__(self) -> None:
        roles = [s.role for s in self.specs]
        codes = [s.code for s in self.specs]
        missing = set(AccountRole) - set(roles)
        if missing:
            raise ChartError(self.name, reason=f"no account for roles {sorted(m.value for m in missing)}")
        if len(set(roles)) != len(roles):
            raise ChartError(self.name, reason="a role appears twice")
        if len(set(codes)) != len(codes):
            raise ChartError(self.name, reason="an account code appears twice")

    def spec(self, role: AccountRole | str) -> AccountSpec:
        """The chart line for ``role``.

        Raises:
            UnknownAccount: the role is not a revolve account role.
        """
        for spec in self.specs:
            if spec.role == role:
                return spec
        raise UnknownAccount(role, hint=f"chart {self.name!r} has roles {[r.value for r in AccountRole]}")


@dataclass(frozen=True, slots=True)
class Account:
    """An account as stored in a fund's book."""

    id: int
    fund_id: int
    key: AccountKey
    code: str
    name: str
    kind: AccountKind


_A, _L, _N, _R, _E = (
    AccountKind.ASSET,
    AccountKind.LIABILITY,
    AccountKind.NET_ASSETS,
    AccountKind.REVENUE,
    AccountKind.EXPENSE,
)
_R_ = AccountRole

NPO_CHART = Chart(
    name="npo",
    title="民间非营利组织会计制度 (财会〔2004〕7号)",
    specs=(
        AccountSpec(_R_.FUND_CASH, "1002", "银行存款", "Bank deposits", _A),
        AccountSpec(
            _R_.LOANS_RECEIVABLE, "112201", "其他应收款—幸福工程借款", "Loans receivable", _A, subledger=True
        ),
        AccountSpec(
            _R_.DUE_FROM_FUND, "112202", "其他应收款—内部往来", "Due from other funds", _A, subledger=True
        ),
        AccountSpec(_R_.BAD_DEBT_ALLOWANCE, "1131", "坏账准备", "Allowance for bad debts", _A, contra=True),
        AccountSpec(_R_.PLEDGE_DEPOSITS, "220901", "其他应付款—借款保证金", "Cash deposits held", _L),
        AccountSpec(
            _R_.DUE_TO_FUND, "220902", "其他应付款—内部往来", "Due to other funds", _L, subledger=True
        ),
        AccountSpec(
            _R_.PAYABLE_TO_FINANCE, "220903", "其他应付款—应缴财政", "Payable to government finance", _L
        ),
        AccountSpec(_R_.UNRESTRICTED_NET_ASSETS, "3101", "非限定性净资产", "Unrestricted net assets", _N),
        AccountSpec(_R_.RESTRICTED_NET_ASSETS, "3102", "限定性净资产", "Restricted net assets", _N),
        AccountSpec(_R_.DONATION_REVENUE, "410101", "捐赠收入—限定性收入", "Donations (restricted)", _R),
        AccountSpec(
            _R_.DONATION_REVENUE_UNRESTRICTED,
            "410102",
            "捐赠收入—非限定性收入",
            "Donations (unrestricted)",
            _R,
        ),
        AccountSpec(
            _R_.GRANT_REVENUE, "440101", "政府补助收入—限定性收入", "Government grants (restricted)", _R
        ),
        AccountSpec(_R_.FEE_REVENUE, "4301", "提供服务收入—管理费", "Management fees", _R),
        AccountSpec(
            _R_.RECOVERY_REVENUE, "490101", "其他收入—核销后收回", "Recoveries of written-off loans", _R
        ),
        AccountSpec(_R_.INTEREST_REVENUE, "490102", "其他收入—利息", "Interest", _R),
        AccountSpec(_R_.PENALTY_REVENUE, "490103", "其他收入—罚息", "Penalty interest", _R),
        AccountSpec(_R_.GRANT_EXPENSE, "510101", "业务活动成本—一次性帮扶", "One-off grants", _E),
        AccountSpec(_R_.SUBSIDY_EXPENSE, "510102", "业务活动成本—小额贴息", "Interest subsidies", _E),
        AccountSpec(_R_.BAD_DEBT_EXPENSE, "520101", "管理费用—坏账损失", "Bad-debt expense", _E),
        AccountSpec(
            _R_.FINANCE_RETURN_EXPENSE, "520102", "管理费用—上缴财政", "Funds returned to finance", _E
        ),
        AccountSpec(
            _R_.ALLOCATION_EXPENSE,
            "510150",
            "业务活动成本—拨付下级",
            "Allocations to subordinate funds",
            _E,
            subledger=True,
        ),
        AccountSpec(
            _R_.ALLOCATION_INTERNAL,
            "510151",
            "业务活动成本—内部拨出",
            "Allocations within the entity",
            _E,
            subledger=True,
        ),
        AccountSpec(
            _R_.ACCRUED_INTEREST, "112205", "其他应收款—应收利息", "Interest receivable", _A, subledger=True
        ),
        AccountSpec(
            _R_.ACCRUED_FEE, "112206", "其他应收款—应收管理费", "Fees receivable", _A, subledger=True
        ),
        AccountSpec(
            _R_.SUBSIDY_PAYABLE,
            "220905",
            "其他应付款—应付贴息",
            "Interest subsidies payable",
            _L,
            subledger=True,
        ),
    ),
)

GOV_CHART = Chart(
    name="gov",
    title="政府会计制度 (财会〔2017〕25号)",
    specs=(
        AccountSpec(_R_.FUND_CASH, "1002", "银行存款", "Bank deposits", _A),
        AccountSpec(
            _R_.LOANS_RECEIVABLE, "121801", "其他应收款—幸福工程借款", "Loans receivable", _A, subledger=True
        ),
        AccountSpec(
            _R_.DUE_FROM_FUND, "121802", "其他应收款—内部往来", "Due from other funds", _A, subledger=True
        ),
        AccountSpec(_R_.BAD_DEBT_ALLOWANCE, "1219", "坏账准备", "Allowance for bad debts", _A, contra=True),
        AccountSpec(_R_.PLEDGE_DEPOSITS, "230701", "其他应付款—借款保证金", "Cash deposits held", _L),
        AccountSpec(
            _R_.DUE_TO_FUND, "230702", "其他应付款—内部往来", "Due to other funds", _L, subledger=True
        ),
        AccountSpec(_R_.PAYABLE_TO_FINANCE, "2103", "应缴财政款", "Payable to government finance", _L),
        AccountSpec(_R_.UNRESTRICTED_NET_ASSETS, "3001", "累计盈余", "Accumulated surplus", _N),
        AccountSpec(_R_.RESTRICTED_NET_ASSETS, "3101", "专用基金", "Restricted (special) funds", _N),
        AccountSpec(_R_.DONATION_REVENUE, "460301", "捐赠收入—限定用途", "Donations (restricted)", _R),
        AccountSpec(
            _R_.DONATION_REVENUE_UNRESTRICTED, "460302", "捐赠收入—非限定用途", "Donations (unrestricted)", _R
        ),
        AccountSpec(_R_.GRANT_REVENUE, "4001", "财政拨款收入", "Fiscal appropriations", _R),
        AccountSpec(_R_.FEE_REVENUE, "4101", "事业收入—管理费", "Management fees", _R),
        AccountSpec(_R_.INTEREST_REVENUE, "4604", "利息收入", "Interest", _R),
        AccountSpec(
            _R_.RECOVERY_REVENUE, "460901", "其他收入—核销后收回", "Recoveries of written-off loans", _R
        ),
        AccountSpec(_R_.PENALTY_REVENUE, "460902", "其他收入—罚息", "Penalty interest", _R),
        AccountSpec(_R_.GRANT_EXPENSE, "500101", "业务活动费用—一次性帮扶", "One-off grants", _E),
        AccountSpec(_R_.SUBSIDY_EXPENSE, "500102", "业务活动费用—小额贴息", "Interest subsidies", _E),
        AccountSpec(_R_.BAD_DEBT_EXPENSE, "590101", "其他费用—坏账损失", "Bad-debt expense", _E),
        AccountSpec(
            _R_.FINANCE_RETURN_EXPENSE, "510101", "单位管理费用—上缴财政", "Funds returned to finance", _E
        ),
        AccountSpec(
            _R_.ALLOCATION_EXPENSE,
            "550101",
            "对附属单位补助费用—拨付下级",
            "Allocations to subordinate funds",
            _E,
            subledger=True,
        ),
        AccountSpec(
            _R_.ALLOCATION_INTERNAL,
            "500150",
            "业务活动费用—内部拨出",
            "Allocations within the entity",
            _E,
            subledger=True,
        ),
        AccountSpec(
            _R_.ACCRUED_INTEREST, "121805", "其他应收款—应收利息", "Interest receivable", _A, subledger=True
        ),
        AccountSpec(
            _R_.ACCRUED_FEE, "121806", "其他应收款—应收管理费", "Fees receivable", _A, subledger=True
        ),
        AccountSpec(
            _R_.SUBSIDY_PAYABLE,
            "230705",
            "其他应付款—应付贴息",
            "Interest subsidies payable",
            _L,
            subledger=True,
        ),
    ),
)

CHARTS: dict[str, Chart] = {NPO_CHART.name: NPO_CHART, GOV_CHART.name: GOV_CHART}


def chart_named(name: str) -> Chart:
    """The built-in chart called ``name`` (``"npo"`` or ``"gov"``).

    Raises:
        ChartError: no built-in chart has that name.
    """
    try:
        return CHARTS[name]
    except KeyError:
        raise ChartError(name, reason=f"built-in charts are {sorted(CHARTS)}") from None
