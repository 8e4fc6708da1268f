"""Refusals of a reference that names nothing: an organisation, fund, account, entry, household, loan,
guarantor, batch, bank loan, label, language, passbook pledge, receipt or application that does not exist.

Part of :mod:`revolve.errors`, whose docstring draws the whole hierarchy.
"""

from __future__ import annotations

from typing import ClassVar

from revolve.errors.base import Hint, RevolveError

__all__ = [
    "NotFound",
    "UnknownAccount",
    "UnknownApplication",
    "UnknownBankLoan",
    "UnknownBatch",
    "UnknownCapitalPledge",
    "UnknownEntry",
    "UnknownFund",
    "UnknownGuarantor",
    "UnknownHousehold",
    "UnknownLabel",
    "UnknownLanguage",
    "UnknownLoan",
    "UnknownOrg",
    "UnknownPassbookPledge",
    "UnknownReceipt",
]


class NotFound(RevolveError, LookupError):
    """Something named by the caller does not exist."""

    code = "not_found"
    category = "not_found"

    what = "record"
    fix_call = ""
    """The Ledger method that creates what was not found (the CLI says its command): the structured hint
    given when the caller gives no advice of its own."""

    def __init__(self, key: object, *, hint: str = "", reason: str = "", **details: object) -> None:
        self.key = key
        if reason:
            # the advice said from the catalogue, ``<code>.<reason>`` filled with the details
            details["reason"] = reason
        super().__init__(
            what=self.what,
            key=key,
            advice=hint,
            hint=Hint(call=self.fix_call) if self.fix_call and not hint else None,
            **details,
        )
        self.reason_key = reason
        """Why nothing was found, for the program: the catalogue key ``<code>.<reason_key>`` ("" if none)."""


class UnknownOrg(NotFound):
    """No organisation has this id or code."""

    code = "unknown_org"

    what = "organisation"
    fix_call = "create_org"


class UnknownFund(NotFound):
    """No fund has this id or code."""

    code = "unknown_fund"

    what = "fund"
    fix_call = "create_fund"


class UnknownAccount(NotFound):
    """The fund's chart has no account for this role (or no such account id exists)."""

    code = "unknown_account"

    what = "account"


class UnknownEntry(NotFound):
    """No journal entry has this fund and number."""

    code = "unknown_entry"

    labels: ClassVar[dict[str, str]] = {"kind": "record.kind"}

    what = "journal entry"


class UnknownHousehold(NotFound):
    """No household has this id or code in the fund."""

    code = "unknown_household"

    what = "household"
    fix_call = "register_household"


class UnknownLoan(NotFound):
    """No loan has this id or number in the fund."""

    code = "unknown_loan"

    what = "loan"


class UnknownGuarantor(NotFound):
    """No guarantor has this id in the fund."""

    code = "unknown_guarantor"

    what = "guarantor"
    fix_call = "register_guarantor"


class UnknownBatch(NotFound):
    """No disbursement batch has this code in the fund."""

    code = "unknown_batch"

    what = "batch"
    fix_call = "open_batch"


class UnknownBankLoan(NotFound):
    """No bank-lent subsidised loan has this number in the fund."""

    code = "unknown_bank_loan"

    what = "bank loan"
    fix_call = "register_bank_loan"


class UnknownLabel(NotFound):
    """No report label has this key (add it to ``revolve.reports.labels.LABELS``)."""

    code = "unknown_label"

    what = "report label"


class UnknownLanguage(NotFound):
    """A report language other than 'zh' or 'en'."""

    code = "unknown_language"

    what = "report language"


class UnknownPassbookPledge(NotFound):
    """No passbook pledge (存折质押) has this id in the fund's pledge register."""

    code = "unknown_passbook_pledge"

    what = "passbook pledge"
    fix_call = "passbook_pledges"


class UnknownReceipt(NotFound):
    """No receipt has this number (还款凭证号) in the fund."""

    code = "unknown_receipt"

    what = "receipt"


class UnknownApplication(NotFound):
    """No loan application has this id in the fund."""

    code = "unknown_application"

    what = "application"
    fix_call = "applications"


class UnknownCapitalPledge(NotFound):
    """No pledge of capital (认捐) has this id or code in the fund's register of pledges."""

    code = "unknown_capital_pledge"

    what = "capital pledge"
    fix_call = "capital_pledges"
