"""Refusals of input that is malformed or out of range: money, rates, terms, entries, dates, ID numbers,
files, report formats and commands.

Part of :mod:`revolve.errors`, whose docstring draws the whole hierarchy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from revolve.errors.base import BooksConflict, Hint, InvalidInput

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

    def __init__(self, value: object, *, hint: str = "", reason: str = "", **details: object) -> None:
        self.value = value
        if reason:
            # the advice said from the catalogue, ``money_type_error.<reason>`` filled with the details
            details["reason"] = reason
        super().__init__(
            value=value, kind=type(value).__name__, advice=f"; {hint}" if hint else "", hint=None, **details
        )
        self.reason_key = reason
        """What money was expected for, for the program: the catalogue key ``money_type_error.<reason_key>``."""


class InvalidAmount(InvalidInput, ValueError):
    """An amount is malformed, has more precision than a fen, or has the wrong sign."""

    code = "invalid_amount"

    labels: ClassVar[dict[str, str]] = {"category": "household_category"}

    def __init__(self, value: object, *, reason: str, hint: Hint | None = None, **details: object) -> None:
        self.value = value
        super().__init__(value=value, reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class AmountOutOfRange(InvalidAmount):
    """An amount lies outside the signed 64-bit fen range that the database column can hold."""

    code = "amount_out_of_range"

    def __init__(self, value: object) -> None:
        super().__init__(value, reason="range")


class InvalidRate(InvalidInput, ValueError):
    """A rate is negative, a float, or cannot be read as a Decimal."""

    code = "invalid_rate"

    def __init__(self, value: object, *, reason: str, hint: Hint | None = None, **details: object) -> None:
        self.value = value
        super().__init__(value=value, reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class InvalidTerms(InvalidInput, ValueError):
    """Loan terms from which no schedule can be built."""

    code = "invalid_terms"

    labels: ClassVar[dict[str, str]] = {"category": "household_category"}

    def __init__(
        self, field: str, value: object, *, reason: str, hint: Hint | None = None, **details: object
    ) -> None:
        self.field = field
        self.value = value
        super().__init__(field=field, value=value, reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class UnbalancedEntry(InvalidInput, ValueError):
    """The postings of an entry do not sum to zero, or there are fewer than two."""

    code = "unbalanced_entry"

    def __init__(self, total_fen: int, *, postings: int, reason: str = "sum") -> None:
        self.total_fen = total_fen
        self.postings = postings
        super().__init__(total_fen=total_fen, postings=postings, reason=reason)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class InvalidEntry(InvalidInput, ValueError):
    """An entry field that is missing, empty or of the wrong type."""

    code = "invalid_entry"

    labels: ClassVar[dict[str, str]] = {"record_kind": "record_kind"}

    def __init__(
        self, field: str, value: object, *, reason: str, hint: Hint | None = None, **details: object
    ) -> None:
        self.field = field
        self.value = value
        super().__init__(field=field, value=value, reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class InvalidDate(InvalidInput, ValueError):
    """A date that is out of order for the operation."""

    code = "invalid_date"

    labels: ClassVar[dict[str, str]] = {"last_step": "application_step"}

    def __init__(self, value: object, *, reason: str, hint: Hint | None = None, **details: object) -> None:
        self.value = value
        shown = value.isoformat() if isinstance(value, date) else repr(value)
        super().__init__(value=value, shown=shown, reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class InvalidOrgTree(InvalidInput, ValueError):
    """A child organisation whose level does not sit below its parent's."""

    code = "invalid_org_tree"

    labels: ClassVar[dict[str, str]] = {"parent_level": "org_level", "child_level": "org_level"}

    def __init__(self, parent_level: str, child_level: str) -> None:
        self.parent_level = parent_level
        self.child_level = child_level
        super().__init__(parent_level=parent_level, child_level=child_level)


class ChartError(InvalidInput, ValueError):
    """A chart of accounts that lacks a role or repeats a code."""

    code = "chart_error"

    def __init__(self, value: object, *, reason: str, hint: Hint | None = None, **details: object) -> None:
        self.value = value
        super().__init__(value=value, reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class InvalidNationalId(InvalidInput, ValueError):
    """A national ID number (居民身份证号码) that is malformed or fails its GB 11643 check digit."""

    code = "invalid_national_id"

    def __init__(self, value: object, *, reason: str, hint: Hint | None = None, **details: object) -> None:
        self.value = value
        """What was given, in clear: for the program, never printed in the message."""
        super().__init__(masked=_masked_id(value), reason=reason, hint=None, **details)
        self.reason_key = reason
        """Which rule it breaks: ``not_text``, ``length``, ``old_length``, ``characters``,
        ``birth_date`` or ``check_digit`` (each a catalogue key ``invalid_national_id.<reason>``)."""
        self.reason = self.reason_in("en")
        """The reason in English (:meth:`reason_in` gives it in another language)."""


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
        super().__init__(found=found, supported=supported)


class ImportFileError(InvalidInput, ValueError):
    """A file that cannot be read as a table at all: missing, not CSV/.xlsx, not UTF-8, empty."""

    code = "import_file_error"

    def __init__(self, path: object, *, reason: str, hint: Hint | None = None, **details: object) -> None:
        self.path = path
        super().__init__(path=str(path), reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class ImportTargetError(InvalidInput, TypeError):
    """An import was given a Ledger that writes inside a host Session; pass that Session instead."""

    code = "import_target_error"

    def __init__(self) -> None:
        super().__init__()


class UnknownFormat(InvalidInput, ValueError):
    """A report format (or file suffix) that revolve cannot render."""

    code = "unknown_format"

    def __init__(self, value: object, *, formats: Sequence[str], suffixes: Sequence[str]) -> None:
        self.value = value
        super().__init__(value=value, formats=", ".join(formats), suffixes=", ".join(suffixes))


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

    def __init__(
        self, where: str, value: object, *, reason: str, hint: Hint | None = None, **details: object
    ) -> None:
        self.where = where
        self.value = value
        super().__init__(where=where, value=value, reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


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
        super().__init__(until=until)


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
        super().__init__(
            value,
            reason="window" if earliest is None else "window_from",
            earliest=earliest.isoformat() if earliest is not None else "",
            latest=latest.isoformat(),
            window_years=window_years,
            hint=Hint(call="set_date_window"),
        )


class InvalidSetting(InvalidInput, ValueError):
    """A setting revolve reads from the environment (``REVOLVE_POSTGRES_PARTITIONS``) whose value it cannot
    use; nothing was created or changed."""

    code = "invalid_setting"

    def __init__(self, name: str, value: object, *, reason: str) -> None:
        self.name = name
        self.value = value
        super().__init__(name=name, value=value, reason=reason)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""


class InvalidCheckpoint(InvalidInput, ValueError):
    """A checkpoint code (账簿校验码) that does not parse, fails its check group, or names another fund."""

    code = "invalid_checkpoint"

    def __init__(self, value: object, *, reason: str, hint: Hint | None = None, **details: object) -> None:
        self.value = value
        super().__init__(value=value, reason=reason, hint=hint, **details)
        self.reason_key = reason
        """Which rule it breaks, for the program: the catalogue key ``<code>.<reason_key>``."""
        self.reason = self.reason_in("en")
        """Why, in English (:meth:`reason_in` gives it in another language)."""
