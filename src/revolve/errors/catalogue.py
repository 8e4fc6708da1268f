"""The one message catalogue of revolve's refusals: English and Chinese templates keyed by error code.

The source is gettext ``.po`` files in ``revolve/locale/<lang>/LC_MESSAGES/revolve.po``; the compiled
``.mo`` files beside them are committed and shipped in the wheel (no compile step at install or in CI;
``tests/test_error_codes.py`` proves each ``.mo`` is the compilation of its ``.po``). Recompile after
editing a ``.po`` with ``python -m revolve.errors.catalogue``. The catalogue is read with the standard
library's :mod:`gettext` the first time a message is rendered, not at import.

Each msgid is an error code; its msgstr a :meth:`str.format` template over the error's ``fields``
(``{amount}``, ``{fund}``, ...) plus ``{fix}``, the error's :class:`~revolve.errors.base.Hint` as the
caller says it. ``_or`` is the word between alternatives; ``category.<name>`` a category's label.
"""

from __future__ import annotations

import re
import struct
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from revolve.errors.base import Hint, HintRenderer, RevolveError

__all__ = [
    "LANGUAGES",
    "catalogue",
    "compile_po",
    "parse_po",
    "prepared",
    "python_hint",
    "reason",
    "render",
    "scrub",
    "template",
]

LANGUAGES = ("zh", "en")
"""The languages the catalogue holds, Chinese first (the CLI's default)."""

LOCALE = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "revolve"


_NATIONAL_ID = re.compile(r"(?<![0-9A-Za-z])(?:[1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")


def scrub(text: str) -> str:
    """``text`` with every national ID number (18 or 15 digits) and mobile phone number masked.

    The last guard of "no message shows personal data in clear": the classes already mask what they
    know to be an ID number or a phone (``InvalidNationalId``, ``DuplicateCode(shown=...)``); this catches
    one that reaches a message inside free text (a reason, a row's cell). The masks are those of
    :func:`revolve.households.mask_national_id` (first 6 and last 4 kept) and ``mask_phone`` (3 and 4).

    Args:
        text: a message.

    Returns:
        The message, masked.
    """

    def national_id(m: re.Match[str]) -> str:
        whole = m.group(0)
        return whole[:6] + "*" * (len(whole) - 10) + whole[-4:]

    text = _NATIONAL_ID.sub(national_id, text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


class _Fields(dict[str, object]):
    """Template fields; a field the template names but the error lacks renders as ``?``."""

    def __missing__(self, key: str) -> object:
        return "?"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The compiled catalogue of ``lang``: code → template (empty for a language revolve lacks).

    Args:
        lang: ``"zh"`` or ``"en"``.

    Returns:
        The templates, read once from the ``.mo`` file shipped in the package.
    """
    import gettext  # noqa: PLC0415  (read only when a first message is rendered: `revolve --help` stays quick)

    path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if lang not in LANGUAGES or not path.exists():
        return {}
    with path.open("rb") as f:
        translations = gettext.GNUTranslations(f)
    return {str(k): str(v) for k, v in translations._catalog.items() if k}  # type: ignore[attr-defined]


def template(code: str, lang: str) -> str:
    """The template of ``code`` in ``lang``, falling back to English, then to the bare detail.

    Args:
        code: an error code.
        lang: ``"zh"`` or ``"en"``.

    Returns:
        The template.
    """
    return catalogue(lang).get(code) or catalogue("en").get(code) or "{detail}"


def reason(error: RevolveError, lang: str, fields: dict[str, object] | None = None) -> str:
    """The error's ``reason`` field in ``lang``.

    A ``reason`` is a key of the catalogue, ``<code>.<reason>`` (``invalid_national_id.check_digit``):
    its template, filled with the error's fields, is the reason in each language, so no words of one
    language stand inside a message of another (``tests/test_error_reasons.py`` holds every raise site to
    that). Any other reason is said by the code's template ``<code>._`` when it has one, else shown as
    given.

    Args:
        error: the refusal.
        lang: ``"zh"`` or ``"en"``.
        fields: the fields to fill its template with (the error's own, prepared as :func:`render`
            prepares them with Python's hint, when None).

    Returns:
        The reason (masked), or "" when the error has none.
    """
    given = str(error.fields.get("reason", ""))
    key = f"{error.code}.{given}"
    found = catalogue(lang).get(key) or catalogue("en").get(key)
    if found is None and given:
        # a reason of no key of its own: the code's template for any other, if it has one
        found = catalogue(lang).get(f"{error.code}._")
    if found is None:
        return scrub(given)
    if fields is None:
        fields = prepared(error, lang if lang in LANGUAGES else "en", python_hint)
    return scrub(found.format_map(_Fields(fields)))


def python_hint(hint: Hint, joiner: str) -> str:
    """``hint`` said to a Python caller: ``prepayment='lower_installments'`` or ``ledger.open_batch(...)``.

    Args:
        hint: the structured hint.
        joiner: the word between alternatives (`` or `` / `` 或 ``).

    Returns:
        The text.
    """
    if hint.call:
        return f"ledger.{hint.call}(...)"
    if not hint.values:
        return f"{hint.argument}=..."
    return joiner.join(f"{hint.argument}={v!r}" for v in hint.values)


_RECORD = re.compile(
    r"^(?:receipt (?P<receipt>\S+)|the disbursement of loan (?P<loan>\S+)|the (?P<kind>\w+) of entry "
    r"(?P<seq>\d+)|the subsidy of period (?P<period>\d+) of bank loan (?P<bank_loan>\S+))$"
)


def _record(text: str, lang: str) -> str:
    """A record named in English by the voids (``receipt S003``) said in ``lang`` from the catalogue
    (``record.receipt``: ``还款凭证 {receipt}``); any other text as given."""
    match = _RECORD.match(text)
    if match is None:
        return text
    parts = {k: v for k, v in match.groupdict().items() if v is not None}
    form = next(k for k in ("receipt", "loan", "seq", "period") if k in parts)
    found = catalogue(lang).get(f"record.{form}")
    if found is None:
        return text
    if "kind" in parts:
        parts["kind"] = catalogue(lang).get(f"record.kind.{parts['kind']}", parts["kind"])
    return found.format_map(_Fields(parts))


def prepared(error: RevolveError, lang: str, render_hint: HintRenderer) -> dict[str, object]:
    """The fields of ``error``'s templates in ``lang``: its own, with the words the catalogue says (a kind
    of record, a field's label, a labelled value) said in ``lang`` and ``{fix}``, its hint."""
    fields = _Fields(error.fields)
    joiner = catalogue(lang).get("_or", " or ")
    fields["fix"] = render_hint(error.hint, joiner) if error.hint is not None else ""
    if "what" in fields:
        # the kind of record named (``household``, ``loan``) in the user's language
        fields["what"] = catalogue(lang).get(f"what.{fields['what']}", str(fields["what"]))
    if isinstance(fields.get("record"), str):
        fields["record"] = _record(str(fields["record"]), lang)
    if "field" in fields:
        # the field named (``approved_by``) in the user's language
        fields["field_label"] = catalogue(lang).get(f"field.{fields['field']}", str(fields["field"]))
    for name in [n for n in fields if n.endswith(f"_{lang}")]:
        # a value given in each language (``name_zh``, ``name_en``) is shown as ``{name}``
        fields[name.removesuffix(f"_{lang}")] = fields[name]
    for name, prefix in error.labels.items():
        if name in fields:
            # a word of the catalogue (``org_level.county``), itself a template over the fields
            found = catalogue(lang).get(f"{prefix}.{fields[name]}")
            fields[name] = str(fields[name]) if found is None else found.format_map(_Fields(fields))
    return fields


def render(error: RevolveError, lang: str, render_hint: HintRenderer) -> str:
    """``error``'s message in ``lang``, its hint said by ``render_hint``.

    Args:
        error: the refusal.
        lang: ``"zh"`` or ``"en"``.
        render_hint: says the structured hint in the caller's terms.

    Returns:
        The message, one line.
    """
    lang = lang if lang in LANGUAGES else "en"
    fields = prepared(error, lang, render_hint)
    if "reason" in fields:
        fields["reason"] = reason(error, lang, fields)
    if "advice" in fields and not fields["advice"]:
        if fields.get("reason"):
            # the reason is the advice (``unknown_entry.numbering``)
            fields["advice"] = fields["reason"]
        else:
            # no advice of the caller's own: the code's default advice, which may name the fix
            advice = catalogue(lang).get(f"{error.code}.advice") or catalogue("en").get(
                f"{error.code}.advice", ""
            )
            fields["advice"] = advice.format_map(fields)
    # the template is one line; the fields are shown as given (a repr keeps its spaces)
    return scrub(template(error.code, lang).format_map(fields).rstrip(":： "))


def parse_po(text: str) -> dict[str, str]:
    """The msgid → msgstr pairs of a ``.po`` file (the subset revolve writes: no plurals, no contexts).

    Args:
        text: the file's text.

    Returns:
        The messages, the header (msgid ``""``) included.
    """
    import ast  # noqa: PLC0415  (a development tool: not needed to render messages)

    messages: dict[str, str] = {}
    key: str | None = None
    current: list[str] = []
    msgid = ""

    def flush() -> None:
        nonlocal msgid
        if key == "msgid":
            msgid = "".join(current)
        elif key == "msgstr":
            messages[msgid] = "".join(current)

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("msgid ", "msgstr ")):
            flush()
            key, _, rest = line.partition(" ")
            current = [ast.literal_eval(rest)]
        else:
            current.append(ast.literal_eval(line))
    flush()
    return messages


def compile_po(messages: dict[str, str]) -> bytes:
    """The GNU ``.mo`` bytes of ``messages`` (what ``msgfmt`` writes, without a hash table).

    Args:
        messages: msgid → msgstr.

    Returns:
        The file's bytes.
    """
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets = []
    for k in keys:
        kb, vb = k.encode(), messages[k].encode()
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    n = len(keys)
    start_ids = 7 * 4
    start_strs = start_ids + n * 8
    data_start = start_strs + n * 8
    table_ids = b"".join(struct.pack("<2I", length, data_start + off) for off, length, _, _ in offsets)
    table_strs = b"".join(
        struct.pack("<2I", length, data_start + len(ids) + off) for _, _, off, length in offsets
    )
    header = struct.pack("<7I", 0x950412DE, 0, n, start_ids, start_strs, 0, 0)
    return header + table_ids + table_strs + ids + strs


def main() -> None:
    """Compile every ``.po`` of the catalogue to its ``.mo`` (run after editing a ``.po``)."""
    for lang in LANGUAGES:
        po = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        po.with_suffix(".mo").write_bytes(compile_po(parse_po(po.read_text(encoding="utf-8"))))
        sys.stdout.write(f"compiled {po.with_suffix('.mo')}\n")


if __name__ == "__main__":
    main()
