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
    "GOV_ROLES",
    "NPO_CHART",
    "NPO_ROLES",
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
    BUDGET_REVENUE = "budget_revenue"
    """预算收入类 (政府会计制度 budget accounting, 6xxx)."""
    BUDGET_EXPENSE = "budget_expense"
    """预算支出类 (7xxx)."""
    BUDGET_FUNDS = "budget_funds"
    """资金结存 (8001): the budget side's funds, a debit balance."""
    BUDGET_BALANCE = "budget_balance"
    """预算结余类 other than 资金结存: 结转 and 结余 (8101, 8201, …), credit balances."""

    @property
    def budget(self) -> bool:
        """Whether accounts of this kind belong to budget accounting (预算会计), not financial accounting."""
        return self.value.startswith("budget_")


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
    OTHER_REVENUE = "other_revenue"
    # 政府会计制度 only: financial accounting
    UPPER_GRANT_REVENUE = "upper_grant_revenue"
    NONPEER_GRANT_REVENUE = "nonpeer_grant_revenue"
    CURRENT_SURPLUS = "current_surplus"
    SURPLUS_DISTRIBUTION = "surplus_distribution"
    # 政府会计制度 only: budget accounting (预算会计)
    BUDGET_FUNDS = "budget_funds"
    BUDGET_FISCAL_REVENUE = "budget_fiscal_revenue"
    BUDGET_OPERATING_REVENUE = "budget_operating_revenue"
    BUDGET_UPPER_REVENUE = "budget_upper_revenue"
    BUDGET_NONPEER_REVENUE = "budget_nonpeer_revenue"
    BUDGET_OTHER_REVENUE = "budget_other_revenue"
    BUDGET_EXPENDITURE = "budget_expenditure"
    BUDGET_ALLOCATION_EXPENDITURE = "budget_allocation_expenditure"
    BUDGET_FISCAL_CARRYOVER = "budget_fiscal_carryover"
    BUDGET_NONFISCAL_CARRYOVER = "budget_nonfiscal_carryover"


_GOV_ONLY = frozenset(r for r in AccountRole if r.value.startswith("budget_")) | {
    AccountRole.UPPER_GRANT_REVENUE,
    AccountRole.NONPEER_GRANT_REVENUE,
    AccountRole.CURRENT_SURPLUS,
    AccountRole.SURPLUS_DISTRIBUTION,
}
NPO_ROLES: frozenset[AccountRole] = frozenset(AccountRole) - _GOV_ONLY
"""The roles a 民非 chart maps: every role but the 政府会计制度's own."""
GOV_ROLES: frozenset[AccountRole] = frozenset(AccountRole) - {
    AccountRole.RESTRICTED_NET_ASSETS,
    AccountRole.DONATION_REVENUE_UNRESTRICTED,
    AccountRole.FINANCE_RETURN_EXPENSE,
}
"""The roles a 政府会计制度 chart maps: no 限定性/非限定性 split (3101 专用基金 is money set aside from
surplus, not a donor's restriction) and no expense for money returned to finance (上缴 goes through 累计盈余)."""


@dataclass(frozen=True, slots=True)
class AccountKey:
    """An account named by role, and by sub-key for sub-ledger roles (e.g. the loan it belongs to)."""

    role: AccountRole
    sub: str | None = None

    def __post_init__(self) -> None:
        if type(self.role) is not AccountRole:
            object.__setattr__(self, "role", AccountRole(self.role))
        if self.sub is not None and (not isinstance(self.sub, str) or not self.sub.strip()):
            raise UnknownAccount(self.sub, reason="sub_key")

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
        """True when a debit balance is this account's normal balance (assets and expenses; 预算支出 and
        资金结存 on the budget side)."""
        debit_kind = self.kind in (
            AccountKind.ASSET,
            AccountKind.EXPENSE,
            AccountKind.BUDGET_EXPENSE,
            AccountKind.BUDGET_FUNDS,
        )
        return debit_kind != self.contra

    def name(self, lang: str = "zh") -> str:
        """The account's name in Chinese (default) or English."""
        return self.name_en if lang == "en" else self.name_zh

    def code_for(self, sub: str | None) -> str:
        """The code of this role's account for ``sub`` (``112201.L-0001`` for a loan's receivable)."""
        return self.code if sub is None else f"{self.code}.{sub}"


@dataclass(frozen=True, slots=True)
class Chart:
    """A named chart: one :class:`AccountSpec` per role it maps (``roles``), codes unique.

    A 政府会计制度 chart (``system == "gov"``) keeps budget accounting (预算会计) beside its financial
    accounting: its budget roles are accounts of the budget kinds (:attr:`AccountKind.budget`).
    """

    name: str
    title: str
    specs: tuple[AccountSpec, ...]
    roles: frozenset[AccountRole] = NPO_ROLES
    system: str = "npo"

    def __post_init__(self) -> None:
        roles = [s.role for s in self.specs]
        codes = [s.code for s in self.specs]
        missing = set(self.roles) - set(roles)
        extra = set(roles) - set(self.roles)
        if extra:
            raise ChartError(self.name, reason="foreign_roles", roles=sorted(e.value for e in extra))
        if missing:
            raise ChartError(self.name, reason="missing_roles", roles=sorted(m.value for m in missing))
        if len(set(roles)) != len(roles):
            raise ChartError(self.name, reason="role_twice")
        if len(set(codes)) != len(codes):
            raise ChartError(self.name, reason="code_twice")

    @property
    def government(self) -> bool:
        """Whether this chart follows 政府会计制度 (financial and budget accounting in parallel)."""
        return self.system == "gov"

    def has(self, role: AccountRole | str) -> bool:
        """Whether this chart maps ``role``."""
        return any(spec.role == role for spec in self.specs)

    def spec(self, role: AccountRole | str) -> AccountSpec:
        """The chart line for ``role``.

        Raises:
            UnknownAccount: the role is not one this chart maps.
        """
        for spec in self.specs:
            if spec.role == role:
                return spec
        raise UnknownAccount(
            role, reason="chart_roles", chart=self.name, roles=", ".join(sorted(r.value for r in self.roles))
        )


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
        AccountSpec(_R_.OTHER_REVENUE, "490109", "其他收入—其他", "Other revenue", _R),
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

_BR, _BE, _BF, _BB = (
    AccountKind.BUDGET_REVENUE,
    AccountKind.BUDGET_EXPENSE,
    AccountKind.BUDGET_FUNDS,
    AccountKind.BUDGET_BALANCE,
)

GOV_CHART = Chart(
    name="gov",
    title="政府会计制度 (财会〔2017〕25号)",
    roles=GOV_ROLES,
    system="gov",
    specs=(
        # 财务会计 (financial accounting): 资产类
        AccountSpec(_R_.FUND_CASH, "1002", "银行存款", "Bank deposits", _A),
        AccountSpec(
            _R_.LOANS_RECEIVABLE, "121801", "其他应收款—幸福工程借款", "Loans receivable", _A, subledger=True
        ),
        AccountSpec(
            _R_.DUE_FROM_FUND, "121802", "其他应收款—内部往来", "Due from other funds", _A, subledger=True
        ),
        AccountSpec(
            _R_.ACCRUED_INTEREST, "121805", "其他应收款—应收利息", "Interest receivable", _A, subledger=True
        ),
        AccountSpec(
            _R_.ACCRUED_FEE, "121806", "其他应收款—应收管理费", "Fees receivable", _A, subledger=True
        ),
        AccountSpec(_R_.BAD_DEBT_ALLOWANCE, "1219", "坏账准备", "Allowance for bad debts", _A, contra=True),
        # 负债类
        AccountSpec(_R_.PAYABLE_TO_FINANCE, "2103", "应缴财政款", "Payable to government finance", _L),
        AccountSpec(_R_.PLEDGE_DEPOSITS, "230701", "其他应付款—借款保证金", "Cash deposits held", _L),
        AccountSpec(
            _R_.DUE_TO_FUND, "230702", "其他应付款—内部往来", "Due to other funds", _L, subledger=True
        ),
        AccountSpec(
            _R_.SUBSIDY_PAYABLE,
            "230705",
            "其他应付款—应付贴息",
            "Interest subsidies payable",
            _L,
            subledger=True,
        ),
        # 净资产类: 累计盈余, 本期盈余, 本年盈余分配 (no 限定性 split; 3101 专用基金 is not used)
        AccountSpec(_R_.UNRESTRICTED_NET_ASSETS, "3001", "累计盈余", "Accumulated surplus", _N),
        AccountSpec(_R_.CURRENT_SURPLUS, "3301", "本期盈余", "Surplus of the period", _N),
        AccountSpec(
            _R_.SURPLUS_DISTRIBUTION, "3302", "本年盈余分配", "Distribution of the year's surplus", _N
        ),
        # 收入类: the account follows who paid
        AccountSpec(_R_.GRANT_REVENUE, "4001", "财政拨款收入", "Fiscal appropriations", _R),
        AccountSpec(_R_.FEE_REVENUE, "4101", "事业收入—管理费", "Operating revenue (management fees)", _R),
        AccountSpec(_R_.UPPER_GRANT_REVENUE, "4201", "上级补助收入", "Subsidies from the level above", _R),
        AccountSpec(
            _R_.NONPEER_GRANT_REVENUE,
            "4601",
            "非同级财政拨款收入",
            "Appropriations from finance of another level",
            _R,
        ),
        AccountSpec(_R_.DONATION_REVENUE, "4603", "捐赠收入", "Donations", _R),
        AccountSpec(_R_.INTEREST_REVENUE, "4604", "利息收入", "Interest", _R),
        AccountSpec(
            _R_.RECOVERY_REVENUE, "460901", "其他收入—核销后收回", "Recoveries of written-off loans", _R
        ),
        AccountSpec(_R_.PENALTY_REVENUE, "460902", "其他收入—罚息", "Penalty interest", _R),
        AccountSpec(_R_.OTHER_REVENUE, "460909", "其他收入—其他", "Other revenue", _R),
        # 费用类
        AccountSpec(_R_.GRANT_EXPENSE, "500101", "业务活动费用—一次性帮扶", "One-off grants", _E),
        AccountSpec(_R_.SUBSIDY_EXPENSE, "500102", "业务活动费用—小额贴息", "Interest subsidies", _E),
        AccountSpec(
            _R_.ALLOCATION_INTERNAL,
            "500150",
            "业务活动费用—内部拨出",
            "Allocations within the entity",
            _E,
            subledger=True,
        ),
        AccountSpec(
            _R_.ALLOCATION_EXPENSE,
            "550101",
            "对附属单位补助费用—拨付下级",
            "Allocations to subordinate funds",
            _E,
            subledger=True,
        ),
        AccountSpec(_R_.BAD_DEBT_EXPENSE, "590101", "其他费用—坏账损失", "Bad-debt expense", _E),
        # 预算会计 (budget accounting): 预算收入类, 预算支出类, 预算结余类
        AccountSpec(
            _R_.BUDGET_FISCAL_REVENUE, "6001", "财政拨款预算收入", "Fiscal appropriation budget revenue", _BR
        ),
        AccountSpec(_R_.BUDGET_OPERATING_REVENUE, "6101", "事业预算收入", "Operating budget revenue", _BR),
        AccountSpec(
            _R_.BUDGET_UPPER_REVENUE, "6201", "上级补助预算收入", "Budget subsidies from the level above", _BR
        ),
        AccountSpec(
            _R_.BUDGET_NONPEER_REVENUE,
            "6601",
            "非同级财政拨款预算收入",
            "Budget appropriations from finance of another level",
            _BR,
        ),
        AccountSpec(_R_.BUDGET_OTHER_REVENUE, "6609", "其他预算收入", "Other budget revenue", _BR),
        AccountSpec(_R_.BUDGET_EXPENDITURE, "7201", "事业支出", "Operating expenditure", _BE),
        AccountSpec(
            _R_.BUDGET_ALLOCATION_EXPENDITURE,
            "7501",
            "对附属单位补助支出",
            "Subsidies to subordinate units (expenditure)",
            _BE,
        ),
        AccountSpec(_R_.BUDGET_FUNDS, "800102", "资金结存—货币资金", "Fund balance (cash)", _BF),
        AccountSpec(
            _R_.BUDGET_FISCAL_CARRYOVER, "8101", "财政拨款结转", "Fiscal appropriations carried over", _BB
        ),
        AccountSpec(
            _R_.BUDGET_NONFISCAL_CARRYOVER, "8201", "非财政拨款结转", "Non-fiscal funds carried over", _BB
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
        raise ChartError(name, reason="unknown", charts=sorted(CHARTS)) from None
