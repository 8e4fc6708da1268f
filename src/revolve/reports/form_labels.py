"""Labels of the 季报表's form (merged into ``labels.LABELS``): its columns and the 项目 of its rows.

A 其中 row's label starts with 其中： on the first row of a breakdown; the rows after it are set in to line
up under the first (the indent is the row's, see :class:`revolve.reports.model.Term`)."""

from __future__ import annotations

FORM_LABELS: dict[str, tuple[str, str]] = {
    "form_main": ("主表", "Main form"),
    "row_number": ("行次", "Line"),
    "current_period": ("本期数", "This period"),
    "year_to_date": ("本年累计数", "Year to date"),
    "same_period_last_year": ("上年同期数", "Same period last year"),
    "form_received": ("本期到位资金", "Capital received"),
    "form_capital": ("累计到位资金（期末）", "Capital contributed to date (end)"),
    "form_disbursed": ("发放借款金额", "Lent"),
    "form_loans_disbursed": ("发放借款笔数", "Loans made"),
    "form_households_disbursed": ("借款户数", "Households lent to"),
    "form_recovered": ("回收借款本金", "Principal recovered"),
    "form_of_which_borrower": ("其中：借款人归还", "of which: by the borrower"),
    "form_guarantor": ("担保人代偿", "by guarantors"),
    "form_pledge": ("保证金抵扣", "from cash deposits"),
    "form_passbook": ("存折质押扣划", "from pledged passbooks"),
    "form_interest": ("收取利息", "Interest collected"),
    "form_fees": ("收取管理费及罚息", "Fees and penalties collected"),
    "form_due": ("到期应还本金", "Principal falling due"),
    "form_of_which_on_time": ("其中：按期归还", "of which: repaid on time"),
    "form_outstanding": ("借款余额（期末）", "Outstanding principal (end)"),
    "form_of_which_overdue": ("其中：逾期借款本金余额", "of which: overdue"),
    "form_restructured": ("展期借款本金余额", "extended (展期)"),
    "form_loans_outstanding": ("在贷笔数（期末）", "Loans outstanding (end)"),
    "form_written_off": ("核销借款", "Written off"),
    "form_recovered_after_write_off": ("核销后收回", "Recovered after write-off"),
    "form_grants": ("一次性帮扶支出", "One-off grants"),
    "form_subsidies": ("贴息支出", "Interest subsidies"),
    "form_returned": ("上缴财政", "Returned to finance"),
    "form_cash": ("银行存款（期末）", "Cash at bank (end)"),
    "form_households_helped": ("受助户数（累计）", "Households helped (to date)"),
    "form_persons_helped": ("受益人数（累计）", "Persons helped (to date)"),
    "note_form": (
        "主表中标明（期末）（累计）的项目及回收率、风险贷款率、逾期率、核销率、资金使用率、脱贫率为时点数，"
        "本期数填期末数，本年累计数不填；其余为本期发生数。上年同期数为上年同一报告期的数。比率的分子、分母见附表。",
        "Lines marked (end) or (to date), and the recovery, PAR30, overdue, write-off, utilisation and "
        "poverty-exit rates, are taken at the period's end and have no year-to-date figure; the other lines "
        "are what happened in the period. The same period last year is last year's same period. The "
        "numerators and denominators of the rates are in the annex.",
    ),
}
