"""Labels of 政府会计制度's statements (会政财01–04, 会政预01–02, 差异调节), merged into ``labels.LABELS``.

Line labels of revenue, expense and budget accounts are keyed by the 总账科目 code (``gi_4001``,
``gp_6001``) and named from the ``gov`` chart, so a line is named as its account is.
"""

from __future__ import annotations

from revolve.chart import GOV_CHART

__all__ = ["GOV_LABELS"]

_TITLES: dict[str, tuple[str, str]] = {
    "gov_balance_sheet": ("资产负债表（会政财01表）", "Balance sheet (government)"),
    "gov_income_expense": ("收入费用表（会政财02表）", "Income and expense statement"),
    "gov_net_asset_changes": ("净资产变动表（会政财03表）", "Statement of changes in net assets"),
    "gov_cash_flow": ("现金流量表（会政财04表）", "Cash-flow statement (government)"),
    "gov_budget_statement": ("预算收入支出表（会政预01表）", "Budget revenue and expenditure statement"),
    "gov_budget_balances": (
        "预算结转结余变动表（会政预02表）",
        "Statement of changes in budget carry-overs and surpluses",
    ),
    "gov_reconciliation": (
        "本年预算结余与本期盈余的差异调节",
        "Reconciliation of the year's budget surplus to the period's surplus",
    ),
    "trial_balance_financial": ("科目余额表——财务会计", "Trial balance: financial accounting"),
    "trial_balance_budget": ("科目余额表——预算会计", "Trial balance: budget accounting"),
    "rollup": (
        "汇总报告（项目指标合并，各基金报表按其会计制度）",
        "Roll-up: programme figures and each fund's statements",
    ),
    "rollup_fund": ("基金", "Fund"),
    "rollup_fund_name": ("基金名称", "Fund"),
    "gov_year_opening": ("年初余额", "Start of year"),
    "gov_period_closing": ("期末余额", "End of period"),
    "gov_period_amount": ("本期数", "This period"),
    "gov_ytd_amount": ("本年累计数", "Year to date"),
    "gov_fiscal_carryover": ("财政拨款结转结余", "Fiscal carry-over"),
    "gov_nonfiscal_carryover": ("非财政拨款结转结余", "Non-fiscal carry-over"),
}

_BALANCE_SHEET: dict[str, tuple[str, str]] = {
    "gb_cash": ("货币资金", "Cash"),
    "gb_other_receivables": ("其他应收款净额", "Other receivables, net"),
    "gb_receivables_gross": ("其中：其他应收款", "of which: other receivables"),
    "gb_allowance": ("减：坏账准备", "Less: allowance for bad debts"),
    "gb_current_assets": ("流动资产合计", "Total current assets"),
    "gb_total_assets": ("资产总计", "Total assets"),
    "gb_payable_to_finance": ("应缴财政款", "Payable to government finance"),
    "gb_other_payables": ("其他应付款", "Other payables"),
    "gb_current_liabilities": ("流动负债合计", "Total current liabilities"),
    "gb_total_liabilities": ("负债合计", "Total liabilities"),
    "gb_accumulated_surplus": ("累计盈余", "Accumulated surplus"),
    "gb_current_surplus": ("本期盈余（未结转）", "Surplus of the period (not yet closed)"),
    "gb_total_net_assets": ("净资产合计", "Total net assets"),
    "gb_total_liabilities_and_net_assets": ("负债和净资产总计", "Total liabilities and net assets"),
}

_FLOWS: dict[str, tuple[str, str]] = {
    "gi_total_revenue": ("本期收入合计", "Total revenue"),
    "gi_total_expense": ("本期费用合计", "Total expense"),
    "gi_surplus": ("本期盈余", "Surplus of the period"),
    "gn_opening": ("本年年初余额", "Balance at the start of the year"),
    "gn_surplus": ("本年盈余", "Surplus of the year"),
    "gn_returned": ("上缴财政（归集上缴、缴回）", "Returned to finance"),
    "gn_other": ("其他直接计入累计盈余的变动", "Other changes posted to accumulated surplus"),
    "gn_change": ("本年变动金额", "Change in the year"),
    "gn_closing": ("本年年末余额", "Balance at the end of the year"),
    "gp_total_revenue": ("本年预算收入合计", "Total budget revenue"),
    "gp_total_expenditure": ("本年预算支出合计", "Total budget expenditure"),
    "gp_surplus": ("本年预算收支差额", "Budget revenue less expenditure"),
    "gq_opening": ("年初预算结转结余", "Carry-overs at the start of the year"),
    "gq_surplus": ("本年收支差额", "The year's budget revenue less expenditure"),
    "gq_returned": ("归集上缴", "Returned to finance"),
    "gq_closing": ("年末预算结转结余", "Carry-overs at the end of the year"),
    "gr_budget_surplus": ("一、本年预算结余（本年预算收支差额）", "Budget surplus of the year"),
    "gr_revenue_not_budget": (
        "加：当期确认为收入但没有确认为预算收入",
        "Add: revenue recognised that is not budget revenue",
    ),
    "gr_budget_not_revenue": (
        "减：当期确认为预算收入但没有确认为收入",
        "Less: budget revenue that is not revenue of the period",
    ),
    "gr_budget_not_expense": (
        "加：当期确认为预算支出但没有确认为费用",
        "Add: budget expenditure that is not expense of the period",
    ),
    "gr_expense_not_budget": (
        "减：当期确认为费用但没有确认为预算支出",
        "Less: expense recognised that is not budget expenditure",
    ),
    "gr_surplus": ("二、本期盈余（本期收入与费用的差额）", "Surplus of the period"),
}

_CASH: dict[str, tuple[str, str]] = {
    "gc_fiscal_in": ("财政基本支出拨款及项目支出拨款收到的现金", "Cash received from fiscal appropriations"),
    "gc_operating_in": ("事业活动收到的除财政拨款以外的现金", "Cash received from operations (fees)"),
    "gc_other_in": ("收到的其他与日常活动有关的现金", "Other cash received from daily activities"),
    "gc_loans_repaid": ("其中：收回幸福工程借款", "of which: loans repaid"),
    "gc_daily_in": ("日常活动的现金流入小计", "Cash inflows from daily activities"),
    "gc_aid_out": ("对外补助支付的现金", "Cash paid as grants and aid (帮扶、贴息)"),
    "gc_other_out": ("支付的其他与日常活动有关的现金", "Other cash paid for daily activities"),
    "gc_loans_paid": ("其中：发放幸福工程借款", "of which: loans paid out"),
    "gc_returned_out": ("其中：上缴财政", "of which: returned to finance"),
    "gc_daily_out": ("日常活动的现金流出小计", "Cash outflows for daily activities"),
    "gc_daily_net": ("日常活动产生的现金流量净额", "Net cash from daily activities"),
    "gc_investing_other_in": ("收到的其他与投资活动有关的现金", "Other cash received from investing"),
    "gc_investing_in": ("投资活动的现金流入小计", "Cash inflows from investing"),
    "gc_investing_other_out": ("支付的其他与投资活动有关的现金", "Other cash paid for investing"),
    "gc_investing_out": ("投资活动的现金流出小计", "Cash outflows for investing"),
    "gc_investing_net": ("投资活动产生的现金流量净额", "Net cash from investing"),
    "gc_financing_other_in": ("收到的其他与筹资活动有关的现金", "Other cash received from financing"),
    "gc_financing_in": ("筹资活动的现金流入小计", "Cash inflows from financing"),
    "gc_financing_other_out": ("支付的其他与筹资活动有关的现金", "Other cash paid for financing"),
    "gc_financing_out": ("筹资活动的现金流出小计", "Cash outflows for financing"),
    "gc_financing_net": ("筹资活动产生的现金流量净额", "Net cash from financing"),
    "gc_net_increase": ("现金净增加额", "Net increase in cash"),
}

_NOTES: dict[str, tuple[str, str]] = {
    "note_rollup": (
        "项目指标（资金来源、借款、回收、比率）按全部基金合并；会计报表不可相加：执行民间非营利组织会计制度的基金列示"
        "会民非01/02表，执行政府会计制度的基金列示会政财01/02表，各按其制度。",
        "Programme figures (sources, loans, receipts, rates) are added up over every fund; statements are "
        "not: a fund on 民非 books shows 会民非01/02, a fund on government books 会政财01/02, each in its own system.",
    ),
    "note_gov_surplus_unclosed": (
        "政府会计制度：净资产不分限定性与非限定性。本期盈余（未结转）= 本期盈余、本年盈余分配科目余额加尚未结转的"
        "收入减费用；年末结转后并入累计盈余。结账前后净资产合计相同。",
        "政府会计制度: net assets are not split by restriction. The surplus not yet closed is 3301/3302 plus "
        "revenue less expense not yet closed; the year-end close moves it into accumulated surplus.",
    ),
    "note_gov_flows": (
        "本表不含期末结转分录（close.*）、期初余额分录和预算会计分录（budget.*）。",
        "Closing entries (close.*), opening balances and budget entries (budget.*) are left out.",
    ),
    "note_gov_cash_flow": (
        "直接法编制。发放和收回幸福工程借款是本单位的业务，列入日常活动；向其他基金借出列投资活动，借入列筹资活动。",
        "Direct method. Loans paid to and repaid by mothers are daily activities; money lent to another fund "
        "is investing, money borrowed from one financing.",
    ),
    "note_gov_budget": (
        "预算会计以收付实现制核算纳入部门预算管理的现金收支；借款本金的发放与收回属暂付、暂收性质，不计预算收支，"
        "核销时计入事业支出。差异调节按业务类型比较收入费用与预算收支，二者之差等于本期盈余与本年预算收支差额之差。",
        "Budget accounting records, on the cash basis, the cash receipts and payments under the department "
        "budget; a loan's principal lent and repaid is a temporary payment and receipt with no budget "
        "revenue or expenditure, and becomes expenditure when written off. The reconciliation compares, by "
        "kind of event, revenue and expense with budget revenue and expenditure.",
    ),
    "note_gov_carryover": (
        "财政拨款预算收入结转入财政拨款结转，其他预算收入结转入非财政拨款结转；本年预算支出先由财政拨款结转负担。",
        "Fiscal budget revenue is carried over in fiscal carry-over, other budget revenue in non-fiscal; the "
        "year's expenditure is met from fiscal money first.",
    ),
}


_GENERAL_EN = {
    "4101": "Operating revenue",
    "4609": "Other revenue",
    "5001": "Operating expenses",
    "5501": "Subsidies to subordinate units",
    "5901": "Other expenses",
}
_LINE_PREFIX = {"revenue": "gi", "expense": "gi", "budget_revenue": "gp", "budget_expense": "gp"}


def _account_lines() -> dict[str, tuple[str, str]]:
    """A line per 总账科目 of revenue, expense, budget revenue and expenditure, named as the account."""
    out: dict[str, tuple[str, str]] = {}
    for spec in GOV_CHART.specs:
        prefix = _LINE_PREFIX.get(spec.kind.value)
        if prefix is not None:
            code = spec.code[:4]
            out.setdefault(
                f"{prefix}_{code}", (spec.name_zh.split("—")[0], _GENERAL_EN.get(code, spec.name_en))
            )
    return out


GOV_LABELS: dict[str, tuple[str, str]] = {
    **_TITLES,
    **_BALANCE_SHEET,
    **_FLOWS,
    **_CASH,
    **_NOTES,
    **_account_lines(),
}
