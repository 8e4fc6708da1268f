"""The public surface is deliberate: ``revolve.__all__`` is sorted and every name in it exists."""

from __future__ import annotations

import revolve


def _isort_key(name: str) -> tuple[int, str]:
    # constants, then classes, then functions, each alphabetical (the order ruff's RUF022 keeps)
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


# every public name, pinned: adding or removing one is a decision made here, not an accident
EXPECTED_ALL = [
    "BIWEEKLY",
    "DEFAULT_ORDER",
    "DEFAULT_POLICY",
    "DEFAULT_URL",
    "GOV_CHART",
    "HALF_YEARLY",
    "MONTHLY",
    "NPO_CHART",
    "QUARTERLY",
    "WEEKLY",
    "YEARLY",
    "Account",
    "AccountFundMismatch",
    "AccountKey",
    "AccountKind",
    "AccountRole",
    "AccountSpec",
    "Ageing",
    "AgeingBucket",
    "AllocationRefused",
    "AllowancePolicy",
    "AlreadyReversed",
    "AlreadyVoided",
    "AmountOutOfRange",
    "Application",
    "ApplicationOutOfTurn",
    "ApplicationStep",
    "ApplicationStepRefused",
    "BankLoanCapExceeded",
    "Batch",
    "BatchClosed",
    "BooksAlreadyOpen",
    "BooksBusy",
    "BooksConflict",
    "CategoryRule",
    "ChainBreak",
    "ChainKey",
    "ChainKeyError",
    "ChainKeyMismatch",
    "ChainKeyMissing",
    "ChainNotIntact",
    "Chart",
    "ChartError",
    "Checkpoint",
    "CommandError",
    "Component",
    "ContributionSource",
    "DateOutsideWindow",
    "DayCount",
    "Disbursement",
    "Due",
    "DuplicateCode",
    "DuplicateReceipt",
    "Entry",
    "ExtensionAfterMaturity",
    "ExtensionLimitReached",
    "FamilyPlanningStatus",
    "FeeTiming",
    "Frequency",
    "Fund",
    "FundFigures",
    "GuaranteeCall",
    "Guarantor",
    "GuarantorCapExceeded",
    "GuarantorKind",
    "Hint",
    "Household",
    "HouseholdRecord",
    "HouseholdScope",
    "IdempotencyConflict",
    "ImportFileError",
    "ImportTargetError",
    "Installment",
    "InsufficientFunds",
    "InterestGrace",
    "InterestMode",
    "InvalidAmount",
    "InvalidCheckpoint",
    "InvalidDate",
    "InvalidEntry",
    "InvalidInput",
    "InvalidNationalId",
    "InvalidOrgTree",
    "InvalidRate",
    "InvalidReport",
    "InvalidSetting",
    "InvalidTerms",
    "Ledger",
    "Loan",
    "LoanElsewhere",
    "LoanFile",
    "LoanPurpose",
    "LoanStateError",
    "LoanStatus",
    "LoanTerms",
    "Money",
    "MoneyTypeError",
    "Mother",
    "NotFound",
    "NoticePeriodNotOver",
    "Opening",
    "OpeningLoan",
    "OpeningMismatch",
    "Org",
    "OrgLevel",
    "Overpayment",
    "Passbook",
    "PassbookPledge",
    "PayerKind",
    "Payment",
    "PdfUnavailable",
    "PeriodClosed",
    "PeriodReopening",
    "PledgeStateError",
    "PledgeStatus",
    "Policy",
    "PolicyRefusal",
    "PolicyViolation",
    "PostedEntry",
    "PostedLine",
    "Posting",
    "PrepaymentOption",
    "QueueEntry",
    "RatePeriod",
    "Ratio",
    "Receipt",
    "RecordKind",
    "RecoveryExceedsWriteOff",
    "Registration",
    "RepaymentMethod",
    "RestrictionPolicy",
    "Retryable",
    "ReversalRefused",
    "RevolveError",
    "Schedule",
    "ScheduleVersion",
    "SchemaTooNew",
    "SubsidyCaps",
    "SubsidyLine",
    "TimeRestriction",
    "TimeRestrictionRefused",
    "TrialBalance",
    "TrialBalanceLine",
    "UnbalancedEntry",
    "UnknownAccount",
    "UnknownApplication",
    "UnknownBankLoan",
    "UnknownBatch",
    "UnknownCapitalPledge",
    "UnknownEntry",
    "UnknownFormat",
    "UnknownFund",
    "UnknownGuarantor",
    "UnknownHousehold",
    "UnknownLabel",
    "UnknownLanguage",
    "UnknownLoan",
    "UnknownOrg",
    "UnknownPassbookPledge",
    "UnknownReceipt",
    "ValueTooLong",
    "VerifyReport",
    "Violation",
    "Void",
    "VoidKind",
    "VoidRefused",
    "WriteOff",
    "YearEndNotClosed",
    "fen",
    "generate_schedule",
    "make_engine",
    "open",
    "reschedule_after_prepayment",
    "reschedule_extension",
    "yuan",
]


def test_all_is_exactly_the_pinned_list() -> None:
    assert list(revolve.__all__) == EXPECTED_ALL


def test_every_revolve_error_is_defined_in_errors_and_exported() -> None:
    import importlib
    import pkgutil

    from revolve import errors

    seen: set[type] = set()
    for info in pkgutil.walk_packages(revolve.__path__, "revolve."):
        if info.name == "revolve.__main__" or info.name.startswith("revolve.store.migrations"):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, errors.RevolveError):
                seen.add(obj)
    assert seen, "no error classes found"
    for cls in seen:
        assert cls.__module__.startswith("revolve.errors"), (
            f"{cls.__qualname__} is defined in {cls.__module__}"
        )
        assert cls.__name__ in revolve.__all__, f"{cls.__name__} is not exported"
        assert f" {cls.__name__}" in (errors.__doc__ or ""), f"{cls.__name__} is missing from the diagram"


def test_all_is_sorted_and_importable() -> None:
    assert list(revolve.__all__) == sorted(revolve.__all__, key=_isort_key)
    for name in revolve.__all__:
        assert hasattr(revolve, name), name


def test_core_names_are_exported() -> None:
    expected = {"Ledger", "Money", "RevolveError", "open", "yuan", "fen", "Entry", "Posting", "AccountRole"}
    assert expected <= set(revolve.__all__)


def test_every_error_is_a_revolve_error_and_a_builtin() -> None:
    from revolve import errors

    for name in dir(errors):
        obj = getattr(errors, name)
        # the category bases (InvalidInput, BooksConflict, ...) are never raised themselves
        categories = {errors.InvalidInput, errors.BooksConflict, errors.PolicyRefusal, errors.Retryable}
        if isinstance(obj, type) and issubclass(obj, Exception) and obj is not errors.RevolveError:
            assert issubclass(obj, errors.RevolveError), name
            if obj in categories:
                continue
            builtin_bases = {ValueError, LookupError, TypeError, RuntimeError, OverflowError}
            assert any(issubclass(obj, b) for b in builtin_bases), name
            assert name in revolve.__all__ or not obj.__module__.startswith("revolve.errors"), (
                f"{name} is not exported"
            )
