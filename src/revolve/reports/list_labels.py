"""The labels of the lists ``revolve list`` prints (:mod:`revolve.reports.lists`): titles, columns, the
family-planning categories and the kinds of entry (业务类型), in Chinese and English.

An entry's kind is stored as a code (``repayment.borrower``, ``contribution.donation``); its label key is
``entry_kind_`` and the code with dots made underscores (:func:`entry_kind_key`). The Chinese names of the
categories are those of :class:`revolve.households.FamilyPlanningStatus`.
"""

from __future__ import annotations

__all__ = ["LIST_LABELS", "entry_kind_key"]

_ENTRY_KINDS: dict[str, tuple[str, str]] = {
    "opening": ("期初建账", "opening balances"),
    "contribution.donation": ("收到社会捐赠", "donation received"),
    "contribution.fiscal": ("收到财政拨款", "fiscal grant received"),
    "contribution.upper_level": ("收到上级拨付", "upper-level money received"),
    "contribution.matching": ("收到配套资金", "matching money received"),
    "allocation.in": ("上级拨入", "allocation received"),
    "allocation.out": ("拨付下级", "allocation to a fund below"),
    "transfer.in": ("借入资金（借调）", "money borrowed from another fund"),
    "transfer.out": ("借出资金（借调）", "money lent to another fund"),
    "disbursement": ("放款", "loan paid out"),
    "repayment.borrower": ("借款人还款", "repayment by the borrower"),
    "repayment.guarantor": ("担保人代偿", "repayment by a guarantor"),
    "repayment.pledge": ("保证金抵扣还款", "repayment from the cash deposit"),
    "repayment.passbook": ("存折质押扣划还款", "repayment from a pledged passbook"),
    "pledge.received": ("收到保证金", "cash deposit received"),
    "pledge.released": ("退还保证金", "cash deposit returned"),
    "grant": ("一次性帮扶", "one-off grant"),
    "subsidy": ("贴息", "interest subsidy"),
    "provision": ("计提坏账准备", "provision for bad debts"),
    "allowance.true_up": ("坏账准备补提/冲减", "allowance true-up"),
    "write_off": ("核销", "write-off"),
    "recovery": ("核销后收回", "recovery after write-off"),
    "return_to_finance": ("退还财政", "returned to finance"),
    "accrual.interest": ("计提利息", "interest accrued"),
    "accrual.fee": ("计提管理费", "fee accrued"),
    "accrual.subsidy": ("计提贴息", "subsidy accrued"),
    "accrual.settle": ("应计结算", "accrual settled"),
    "restriction.release": ("限定性净资产解除限制", "restriction released"),
    "close.revenue": ("非限定性收入结转", "unrestricted revenue closed"),
    "close.revenue.restricted": ("限定性收入结转", "restricted revenue closed"),
    "close.expense": ("费用结转", "expenses closed"),
}


def entry_kind_key(kind: str) -> str:
    """The label key of an entry's kind: ``repayment.borrower`` → ``entry_kind_repayment_borrower``."""
    return "entry_kind_" + kind.replace(".", "_")


LIST_LABELS: dict[str, tuple[str, str]] = {
    "households_list": ("户档案清单", "Households"),
    "loans_list": ("借款清单", "Loans"),
    "receipts_list": ("收款清单（还款及核销后收回）", "Receipts (repayments and recoveries)"),
    "entries_list": ("凭证清单", "Entries"),
    "registered_on": ("建档日期", "Registered on"),
    "fp_status": ("计生类别", "Category"),
    "loan_count": ("借款笔数", "Loans"),
    "receipt_kind": ("收款类型", "Kind"),
    "receipt_kind_repayment": ("还款", "repayment"),
    "receipt_kind_recovery": ("核销后收回", "recovery"),
    "entry_amount": ("金额", "Amount"),
    "record_status": ("状态", "Status"),
    "status_reversed": ("已冲销", "reversed"),
    "status_reversal": ("冲销凭证", "reversal"),
    "fp_one_child": ("独生子女户", "one child"),
    "fp_two_daughters": ("二女户", "two daughters"),
    "fp_compliant": ("计划生育家庭", "compliant"),
    "fp_hardship": ("计生困难家庭", "hardship"),
    "fp_other": ("非计生户", "other"),
    **{entry_kind_key(kind): names for kind, names in _ENTRY_KINDS.items()},
}
"""Every label of the lists, key → (中文, English)."""
