"""Labels of the documents signed at disbursement (merged into ``labels.LABELS``): the 借款合同 and the
三方协议, their parties, terms, clauses and signature lines."""

from __future__ import annotations

AGREEMENT_LABELS: dict[str, tuple[str, str]] = {
    # 借款合同
    "contract_document": ("借款合同", "Loan contract"),
    "contract_parties": ("合同各方", "Parties"),
    "contract_terms": ("借款条件", "Terms of the loan"),
    "contract_clauses": ("合同条款", "Clauses"),
    "party_lender": ("贷款方（甲方）", "Lender (party A)"),
    "party_borrower": ("借款人（乙方）", "Borrower (party B)"),
    "party_guarantor": ("担保人（丙方）", "Guarantor (party C)"),
    "party_village": ("借款人所在村（居）", "Borrower's village"),
    "contract_number": ("合同编号", "Contract No."),
    "fee_rate": ("管理费率（年）", "Management fee (annual)"),
    "first_installment": ("每期应还（首期）", "Due each period (first)"),
    "clause": ("条款", "Clause"),
    # 三方协议
    "agreement_document": ("三方协议", "Three-party agreement"),
    "agreement_parties": ("协议各方", "Parties"),
    "agreement_terms": ("借款及担保", "Loan and guarantee"),
    "agreement_clauses": ("协议条款", "Clauses"),
    "party_fund": ("甲方（幸福工程资金）", "Party A (the fund)"),
    "party_borrower_b": ("乙方（借款人）", "Party B (borrower)"),
    "party_guarantor_c": ("丙方（担保人）", "Party C (guarantor)"),
    "agreement_date": ("协议日期", "Signed on"),
    "guarantee_deposit": ("保证金", "Deposit"),
    "guarantee_deposit_in_words": ("保证金（大写）", "Deposit in words"),
    # signature lines
    "sign_lender_a": ("甲方（盖章）", "Party A (seal)"),
    "sign_borrower_b": ("乙方（签字、手印）", "Party B (signature, thumbprint)"),
    "sign_guarantor_c": ("丙方（签字、盖章）", "Party C (signature, seal)"),
    "sign_agent": ("经办人", "Handled by"),
    "sign_date": ("签订日期", "Date signed"),
}
