"""Labels of printed documents (merged into ``labels.LABELS``): the frame every fileable page carries
(编制单位, 单位：元, 打印日期, signature lines) and the 收款收据, 借款借据 and 记账凭证."""

from __future__ import annotations

DOCUMENT_LABELS: dict[str, tuple[str, str]] = {
    # the frame of a printed document
    "organisation": ("编制单位", "Issued by"),
    "unit_yuan": ("单位：元", "Unit: yuan"),
    "printed_on": ("打印日期", "Printed on"),
    "document_number": ("编号", "No."),
    "page_of": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    "amount_in_words": ("人民币（大写）", "Amount in words (RMB)"),
    "amount_in_figures": ("人民币（小写）", "Amount in figures"),
    "signatures": ("签字", "Signatures"),
    # signature lines
    "sign_prepared_by": ("制表人", "Prepared by"),
    "sign_reviewed_by": ("审核人", "Reviewed by"),
    "sign_head": ("负责人", "Head of unit"),
    "sign_borrower_confirms": ("借款人确认签字", "Borrower's confirmation"),
    "sign_payee": ("收款人", "Received by"),
    "sign_payer": ("交款人", "Paid by"),
    "sign_borrower": ("借款人（签字、手印）", "Borrower (signature, thumbprint)"),
    "sign_guarantor": ("担保人（签字、手印）", "Guarantor (signature, thumbprint)"),
    "sign_lender": ("贷款方（盖章）", "Lender (seal)"),
    "sign_voucher_maker": ("制单", "Prepared by"),
    "sign_voucher_reviewer": ("审核", "Reviewed by"),
    "sign_bookkeeper": ("记账", "Posted by"),
    "sign_cashier": ("出纳", "Cashier"),
    # 收款收据
    "receipt_document": ("收款收据", "Receipt"),
    "receipt_details": ("收款内容", "Received"),
    "receipt_payer": ("交款人", "Paid by"),
    "receipt_for_loan": ("借款合同号", "Loan"),
    "receipt_date": ("收款日期", "Date received"),
    "receipt_purpose": ("收款事由", "For"),
    "receipt_purpose_repayment": ("归还幸福工程借款", "Repayment of a 幸福工程 loan"),
    "receipt_allocation": ("其中", "Of which"),
    "receipt_outstanding_after": ("还款后借款余额", "Outstanding after this payment"),
    # 借款借据
    "iou_document": ("借款借据", "Loan note (IOU)"),
    "iou_terms": ("借款事项", "Terms"),
    "iou_borrower": ("借款人", "Borrower"),
    "iou_national_id": ("身份证号", "ID number"),
    "iou_guarantors": ("担保人", "Guarantors"),
    "iou_amount": ("借款金额", "Amount"),
    "iou_disbursed_on": ("放款日期", "Disbursed on"),
    "iou_maturity": ("到期日期", "Matures on"),
    "iou_term_periods": ("借款期限（期数）", "Term (periods)"),
    "iou_method": ("还款方式", "Repayment method"),
    "iou_rate": ("年利率", "Annual rate"),
    "iou_purpose": ("借款用途", "Purpose"),
    "iou_plan": ("还款计划", "Repayment plan"),
    "iou_pledge": (
        "借款人保证按上列还款计划按期归还借款；担保人对本借款承担连带还款责任。",
        "The borrower undertakes to repay on the plan above; the guarantors are jointly liable for this loan.",
    ),
    # 记账凭证
    "voucher_document": ("记账凭证", "Accounting voucher"),
    "voucher_header": ("凭证", "Voucher"),
    "voucher_lines": ("分录", "Lines"),
    "voucher_date": ("日期", "Date"),
    "voucher_summary": ("摘要", "Summary"),
    "voucher_account_code": ("科目编码", "Code"),
    "voucher_account": ("会计科目", "Account"),
    "voucher_debit": ("借方金额", "Debit"),
    "voucher_credit": ("贷方金额", "Credit"),
    "voucher_attachments": ("附件张数", "Attachments"),
    "voucher_total_in_words": ("合计（大写）", "Total in words"),
    # 大写 on the statement and the voucher list
    "statement_due_in_words": ("应还未还金额（大写）", "Amount due, in words"),
    "statement_paid_in_words": ("累计已还金额（大写）", "Amount repaid, in words"),
    "amount_in_words_column": ("金额（大写）", "Amount in words"),
}
