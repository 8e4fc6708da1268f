"""Refusals of a reference that names nothing: an organisation, fund, account, entry, household, loan,
guarantor, batch, bank loan, label, language, passbook pledge, receipt or application that does not exist.

Part of :mod:`revolve.errors`, whose docstring draws the whole hierarchy.
"""

from __future__ import annotations

from revolve.errors.base import RevolveError

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

    what = "record"
    advice = ""
    """What to do when nothing more particular is said: the hint given when the caller gives none."""

    def __init__(self, key: object, *, hint: str = "") -> None:
        self.key = key
        msg = f"unknown {self.what} {key!r}"
        hint = hint or self.advice
        super().__init__(msg + (f": {hint}" if hint else ""))


class UnknownOrg(NotFound):
    """No organisation has this id or code."""

    what = "organisation"


class UnknownFund(NotFound):
    """No fund has this id or code."""

    what = "fund"


class UnknownAccount(NotFound):
    """The fund's chart has no account for this role (or no such account id exists)."""

    what = "account"


class UnknownEntry(NotFound):
    """No journal entry has this fund and number."""

    what = "journal entry"


class UnknownHousehold(NotFound):
    """No household has this id or code in the fund."""

    what = "household"
    advice = "register it with ledger.register_household(...)"


class UnknownLoan(NotFound):
    """No loan has this id or number in the fund."""

    what = "loan"
    advice = "loans are named by their number, e.g. 'FN-2016-001'"


class UnknownGuarantor(NotFound):
    """No guarantor has this id in the fund."""

    what = "guarantor"
    advice = "register it with ledger.register_guarantor(...)"


class UnknownBatch(NotFound):
    """No disbursement batch has this code in the fund."""

    what = "batch"
    advice = "open it with ledger.open_batch(...)"


class UnknownBankLoan(NotFound):
    """No bank-lent subsidised loan has this number in the fund."""

    what = "bank loan"


class UnknownLabel(NotFound):
    """No report label has this key (add it to ``revolve.reports.labels.LABELS``)."""

    what = "report label"


class UnknownLanguage(NotFound):
    """A report language other than 'zh' or 'en'."""

    what = "report language"


class UnknownPassbookPledge(NotFound):
    """No passbook pledge (存折质押) has this id in the fund's pledge register."""

    what = "passbook pledge"
    advice = "list the fund's register with ledger.passbook_pledges(fund)"


class UnknownReceipt(NotFound):
    """No receipt has this number (还款凭证号) in the fund."""

    what = "receipt"
    advice = "receipts are named by the number written on them when the payment was recorded"


class UnknownApplication(NotFound):
    """No loan application has this id in the fund."""

    what = "application"
    advice = "list the fund's applications with ledger.applications(fund)"


class UnknownCapitalPledge(NotFound):
    """No pledge of capital (认捐) has this id or code in the fund's register of pledges."""

    what = "capital pledge"
    advice = "list the fund's pledges of capital with ledger.capital_pledges(fund)"
