"""The base of every refusal revolve makes, the five categories a host maps, and the structured hint.

Part of :mod:`revolve.errors`, whose docstring draws the whole hierarchy.

Every refusal has a stable ``code`` (snake_case, a class attribute: ``overpayment``, ``period_closed``)
and exactly one category, given by its base class: :class:`InvalidInput`, :class:`NotFound` (in
``missing``), :class:`BooksConflict`, :class:`PolicyRefusal` or :class:`Retryable`. Its message is a
template with named fields kept in one message catalogue (``revolve/locale/{en,zh}/LC_MESSAGES``),
keyed by the code: ``str(err)`` is always the English message (a Python user's logs and tracebacks),
``err.message("zh")`` the Chinese one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from revolve.errors.catalogue import python_hint, render

__all__ = [
    "BooksConflict",
    "Hint",
    "InvalidInput",
    "PolicyRefusal",
    "Retryable",
    "RevolveError",
    "python_hint",
]


@dataclass(frozen=True)
class Hint:
    """What fixes a refusal, named so that each caller can say it in its own terms.

    Attributes:
        argument: the Python keyword argument that fixes it (``"prepayment"``); the CLI maps it to its
            option (``--prepayment``).
        values: the values of ``argument`` that fix it (``("lower_installments", ...)``), may be empty.
        call: instead of an argument, the Ledger method that fixes it (``"register_guarantor"``); the CLI
            maps it to its command (``revolve guarantor ...``).
    """

    argument: str = ""
    values: tuple[str, ...] = ()
    call: str = ""


HintRenderer = Callable[[Hint, str], str]
"""Says a :class:`Hint` in the caller's terms, given the language's word for "or"."""


class RevolveError(Exception):
    """Base class of every refusal revolve makes.

    Attributes:
        code: the stable snake_case code of the refusal (a class attribute), the key of its message.
        category: the category code of its base class (``invalid_input``, ``not_found``,
            ``books_conflict``, ``policy_refusal``, ``retryable``).
        fields: the named values its message template is filled with (personal data already masked).
        hint: what fixes it, structured (None when no argument or call fixes it).
    """

    code: ClassVar[str] = "revolve_error"
    category: ClassVar[str] = ""
    retryable: ClassVar[bool] = False
    """True only for refusals that may succeed when simply run again (:class:`Retryable`)."""

    labels: ClassVar[dict[str, str]] = {}
    """Fields whose value is a word the catalogue says in each language: field → key prefix
    (``{"child_level": "org_level"}`` shows ``county`` as ``县``, the key ``org_level.county``)."""

    item: int | None = None
    """In a bulk operation (``repay_many``, ``disburse_many``, ...): the position, from 0, of the item
    refused; the whole batch was refused with it."""

    def __init__(self, detail: str = "", /, *, hint: Hint | None = None, **fields: object) -> None:
        self.fields: dict[str, object] = {"detail": detail, **fields}
        self.hint = hint
        super().__init__(self.message("en"))

    def message(self, lang: str = "en", *, render_hint: HintRenderer | None = None) -> str:
        """The message in ``lang`` from the catalogue, with the hint said as ``render_hint`` says it.

        Args:
            lang: ``"en"`` or ``"zh"`` (any other falls back to English).
            render_hint: how the caller names the fix (the CLI passes its options); Python's terms when None.

        Returns:
            One line of text.
        """
        return render(self, lang, render_hint or python_hint)

    def reason_in(self, lang: str) -> str:
        """The error's ``reason`` in ``lang``: a catalogue key (``check_digit``) said in that language.

        Args:
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The reason, or "" when the error has none.
        """
        from revolve.errors.catalogue import reason  # noqa: PLC0415 (the catalogue imports base lazily too)

        return reason(self, lang)

    def field_in(self, name: str, lang: str) -> str:
        """The field ``name`` as the message in ``lang`` shows it (a catalogue word said in ``lang``).

        Args:
            name: a field of the error (``blocker``).
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The text.
        """
        from revolve.errors.catalogue import prepared  # noqa: PLC0415 (the catalogue imports base lazily too)

        return str(prepared(self, lang, python_hint)[name])

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.message("en")


class InvalidInput(RevolveError):
    """Category: the value given is malformed or out of range (a host answers 400 / 422)."""

    code = "invalid_input"
    category = "invalid_input"


class BooksConflict(RevolveError):
    """Category: the value is well formed but the books' state refuses it (a host answers 409)."""

    code = "books_conflict"
    category = "books_conflict"


class PolicyRefusal(RevolveError):
    """Category: the fund's programme policy refuses it (a host answers 403 / 422 with the rule)."""

    code = "policy_refusal"
    category = "policy_refusal"


class Retryable(RevolveError):
    """Category: nothing is wrong with the request; run it again later (a host answers 503 / retries)."""

    code = "retryable"
    category = "retryable"
    retryable = True
