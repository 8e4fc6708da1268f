"""Refusals of input that is malformed or out of range: money, rates, terms, entries, dates, ID numbers,
files, report formats and commands.

Part of :mod:`revolve.errors`, whose docstring draws the whole hierarchy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from revolve.errors.base import BooksConflict, InvalidInput

__all__ = [
    "AmountOutOfRange",
    "ChartError",
    "CommandError",
    "DateOutsideWindow",
    "ImportFileError",
    "ImportTargetError",
    "InvalidAmount",
    "InvalidDate",
    "InvalidEntry",
    "InvalidNationalId",
    "InvalidOrgTree",
    "InvalidRate",
    "InvalidReport",
    "InvalidTerms",
    "MoneyTypeError",
    "SchemaTooNew",
    "TimeRestrictionRefused",
    "UnbalancedEntry",
    "UnknownFormat",
    "ValueTooLong",
]


class MoneyTypeError(InvalidInput, TypeError):
    """A value of the wrong type was given where money is expected (a float, a bool, ...)."""

    code = "money_type_error"

    def __init__(self, value: object, *, hint: str = "") -> None:
        self.value = value
        super().__init__(value=value, kind=type(value).__name__, advice=f"; {hint}" if hint else "")


class InvalidAmount(InvalidInput, ValueError):
    """An amount is malformed, has more precision than a fen, or has the wrong sign."""

    code = "invalid_amount"

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        super().__init__(value=value, reason=reason)
        self.reason = self.reason_in("en")
        """Why, in English; ``reason`` may be given as a catalogue key (``invalid_amount.sub_fen``)."""

    def reason_in(self, lang: str) -> str:
        """The reason in ``lang``, from the catalogue when it is one of its keys."""
        from revolve.errors.catalogue import reason  # noqa: PLC0415 (the catalogue imports base lazily too)

        return reason(self, lang)


class AmountOutOfRange(InvalidAmount):
    """An amount lies outside the signed 64-bit fen range that the database column can hold."""

    code = "amount_out_of_range"

    def __init__(self, value: object) -> None:
        super().__init__(
            value,
            reason="it lies outside ±9,223,372,036,854,775,807 fen (a signed 64-bit integer); "
            "split it or check the input for a typo",
        )


class InvalidRate(InvalidInput, ValueError):
    """A rate is negative, a float, or cannot be read as a Decimal."""

    code = "invalid_rate"

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"invalid rate {value!r}: {reason}")


class InvalidTerms(InvalidInput, ValueError):
    """Loan terms from which no schedule can be built."""

    code = "invalid_terms"

    def __init__(self, field: str, value: object, *, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"invalid loan terms: {field}={value!r}: {reason}")


class UnbalancedEntry(InvalidInput, ValueError):
    """The postings of an entry do not sum to zero, or there are fewer than two."""

    code = "unbalanced_entry"

    def __init__(self, total_fen: int, *, postings: int, reason: str = "") -> None:
        self.total_fen = total_fen
        self.postings = postings
        why = reason or (
            f"its {postings} postings sum to {total_fen} fen, not 0: add the missing side "
            f"so that debits (positive) equal credits (negative)"
        )
        super().__init__(f"unbalanced entry: {why}")


class InvalidEntry(InvalidInput, ValueError):
    """An entry field that is missing, empty or of the wrong type."""

    code = "invalid_entry"

    def __init__(self, field: str, value: object, *, reason: str, **details: object) -> None:
        self.field = field
        self.value = value
        super().__init__(field=field, value=value, reason=reason, hint=None, **details)
        self.reason = self.reason_in("en")
        """Why, in English; ``reason`` may be given as a catalogue key (``invalid_entry.void_reason``)."""

    def reason_in(self, lang: str) -> str:
        """The reason in ``lang``, from the catalogue when it is one of its keys."""
        from revolve.errors.catalogue import reason  # noqa: PLC0415 (the catalogue imports base lazily too)

        return reason(self, lang)


class InvalidDate(InvalidInput, ValueError):
    """A date that is out of order for the operation."""

    code = "invalid_date"

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        shown = value.isoformat() if isinstance(value, date) else repr(value)
        super().__init__(f"invalid date {shown}: {reason}")


class InvalidOrgTree(InvalidInput, ValueError):
    """A child organisation whose level does not sit below its parent's."""

    code = "invalid_org_tree"

    def __init__(self, parent_level: str, child_level: str) -> None:
        self.parent_level = parent_level
        self.child_level = child_level
        super().__init__(
            f"a {child_level} cannot sit under a {parent_level}: "
            f"levels run province › city › county › town › village"
        )


class ChartError(InvalidInput, ValueError):
    """A chart of accounts that lacks a role or repeats a code."""

    code = "chart_error"

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"invalid chart: {value!r}: {reason}")


class InvalidNationalId(InvalidInput, ValueError):
    """A national ID number (居民身份证号码) that is malformed or fails its GB 11643 check digit."""

    code = "invalid_national_id"

    def __init__(self, value: object, *, reason: str, **details: object) -> None:
        self.value = value
        """What was given, in clear: for the program, never printed in the message."""
        super().__init__(masked=_masked_id(value), reason=reason, hint=None, **details)
        self.reason_key = reason
        """Which rule it breaks: ``not_text``, ``length``, ``old_length``, ``characters``,
        ``birth_date`` or ``check_digit`` (each a catalogue key ``invalid_national_id.<reason>``)."""
        self.reason = self.reason_in("en")
        """The reason in English (:meth:`reason_in` gives it in another language)."""

    def reason_in(self, lang: str) -> str:
        """The reason in ``lang`` (``校验位应为 7，不是 0``), from the catalogue."""
        from revolve.errors.catalogue import reason  # noqa: PLC0415 (the catalogue imports base lazily too)

        return reason(self, lang)


def _masked_id(value: object) -> str:
    """An ID number as a message may show it: the first 6 and last 4 characters of text (GB 11643's
    address code and the sequence's end), the rest as ``*``; only the type of anything else."""
    if not isinstance(value, str):
        return f"(a {type(value).__name__})"
    text = value.strip()
    if len(text) <= 10:
        return "'" + "*" * len(text) + "'"
    return "'" + text[:6] + "*" * (len(text) - 10) + text[-4:] + "'"


class SchemaTooNew(BooksConflict, RuntimeError):
    """The database was written by a newer revolve than this one."""

    code = "schema_too_new"

    def __init__(self, found: int, *, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"the database holds revolve schema version {found}, newer than this revolve's "
            f"{supported}: upgrade the revolve package"
        )


class ImportFileError(InvalidInput, ValueError):
    """A file that cannot be read as a table at all: missing, not CSV/.xlsx, not UTF-8, empty."""

    code = "import_file_error"

    def __init__(self, path: object, *, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot import {str(path)!r}: {reason}")


class ImportTargetError(InvalidInput, TypeError):
    """An import was given a Ledger that writes inside a host Session; pass that Session instead."""

    code = "import_target_error"

    def __init__(self) -> None:
        super().__init__(
            "this Ledger writes inside a host Session, so the import cannot make it all-or-nothing: "
            "pass that Session to the import function instead of the Ledger"
        )


class UnknownFormat(InvalidInput, ValueError):
    """A report format (or file suffix) that revolve cannot render."""

    code = "unknown_format"

    def __init__(self, value: object, *, formats: Sequence[str], suffixes: Sequence[str]) -> None:
        self.value = value
        super().__init__(
            f"cannot render a report as {value!r}: choose one of {', '.join(formats)}, "
            f"or name a file ending in {', '.join(suffixes)}"
        )


class PdfUnavailable(UnknownFormat):
    """PDF asked for, but the optional PDF engine (WeasyPrint, ``revolve[pdf]``) is not installed or cannot
    load its system libraries (Pango)."""

    code = "pdf_unavailable"

    def __init__(self, missing: str) -> None:
        self.value = "pdf"
        self.missing = missing
        # UnknownFormat's own __init__ lists the formats; this refusal names what is missing instead
        InvalidInput.__init__(self, missing)


class InvalidReport(InvalidInput, ValueError):
    """A report whose shape a renderer cannot show: a row of the wrong width, a cell of the wrong type."""

    code = "invalid_report"

    def __init__(self, where: str, value: object, *, reason: str) -> None:
        self.where = where
        self.value = value
        self.reason = reason
        super().__init__(f"cannot render {where} = {value!r}: {reason}; fix the report's builder")


class CommandError(InvalidInput, ValueError):
    """A command that cannot run as given (missing books, a fund report asked of an org, ...)."""

    code = "command_error"

    def __init__(self, value: object, *, message: str) -> None:
        self.value = value
        super().__init__(message)


class TimeRestrictionRefused(InvalidInput, ValueError):
    """A time restriction (时间限制) on money that is not restricted: only restricted revenue carries one."""

    code = "time_restriction_refused"

    def __init__(self, until: object) -> None:
        self.until = until
        super().__init__(
            f"cannot restrict unrestricted money until {until!r}: a time restriction is the donor's "
            "restriction on restricted money; record it with restricted=True, or without restricted_until"
        )


class ValueTooLong(InvalidInput, ValueError):
    """A text value longer than its column holds (the schema's ``String(n)``), refused the same way on
    SQLite (which would store it) and PostgreSQL (which would fail with an untyped error).

    The value itself is not kept in the message: it may be a name, an ID number or a phone number.
    """

    code = "value_too_long"

    def __init__(self, field: str, *, length: int, limit: int) -> None:
        self.field = field
        self.length = length
        self.limit = limit
        super().__init__(field=field, length=length, limit=limit)


class DateOutsideWindow(InvalidDate):
    """A value date no fund would see: before the fund's books begin, or further past today than the
    fund's plausibility window (``date_window``) allows."""

    code = "date_outside_window"

    def __init__(self, value: date, *, earliest: date | None, latest: date, window_years: int) -> None:
        self.earliest = earliest
        self.latest = latest
        self.window_years = window_years
        span = f"from {earliest.isoformat()} " if earliest is not None else ""
        super().__init__(
            value,
            reason=(
                f"the fund takes value dates {span}up to {latest.isoformat()} (today + {window_years} "
                f"year(s)); check the date, or widen the window with "
                f"ledger.set_date_window(fund, years_ahead=...)"
            ),
        )


class InvalidCheckpoint(InvalidInput, ValueError):
    """A checkpoint code (账簿校验码) that does not parse, fails its check group, or names another fund."""

    code = "invalid_checkpoint"

    def __init__(self, value: object, *, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(
            f"checkpoint {value!r} cannot be used: {reason}; copy the code again from the printed report"
        )
