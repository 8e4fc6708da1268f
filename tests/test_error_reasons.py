"""Every refusal's reason is a key of the message catalogue, said in each language with its fields.

A refusal that explains itself (``InvalidDate(day, reason=...)``) names the rule it breaks by a short key,
``<code>.<reason>`` in the catalogue (``invalid_date.before_payout``), and passes the values the rule
names as keyword details (``loan=..., disbursed_on=...``); the Chinese and English templates say it. These
tests read the source: a raise site that passes free text or an f-string as the reason, or a key that one
of the two ``.po`` files lacks, fails here; and each site's reason is rendered in both languages with the
fields the site gives, so no template names a field its sites do not pass and no Chinese message carries
an English sentence.
"""

from __future__ import annotations

import ast
import re
import string
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from revolve import errors
from revolve.errors import Hint, RevolveError
from revolve.errors.catalogue import LOCALE, catalogue, parse_po

SRC = Path(__file__).resolve().parent.parent / "src" / "revolve"
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE_TOKENS = re.compile(
    r"{\w+(?:!r)?}|GB 11643-1999|`[^`]*`|'[^']*'|--[\w-]+|\b[\w.]+\([^()]*(?:\([^()]*\)[^()]*)*\)"
    r"|\b\w+=\S*|\b\w*_\w*\b|\b\w+(?:\.\w+)+\b|\S*/\S*|\.\w+"
)
"""What a Chinese message may show in ASCII besides capitalised names: code (as in test_error_codes)."""

ERRORS: dict[str, type[RevolveError]] = {
    name: cls for name, cls in vars(errors).items() if isinstance(cls, type) and issubclass(cls, RevolveError)
}


def _po(lang: str) -> dict[str, str]:
    return parse_po((LOCALE / lang / "LC_MESSAGES" / "revolve.po").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Site:
    """One raise site of a refusal with a reason: where, which class, its reason keys and details."""

    where: str
    cls: type[RevolveError]
    reasons: tuple[str, ...]
    details: tuple[str, ...]
    hint: Hint | None


def _literal_reasons(node: ast.expr) -> tuple[str, ...] | None:
    """The keys a reason expression can take: a string literal, or a conditional between literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, ast.IfExp):
        body, orelse = _literal_reasons(node.body), _literal_reasons(node.orelse)
        if body is not None and orelse is not None:
            return body + orelse
    return None


def _sites() -> Iterator[tuple[str, ast.Call, type[RevolveError]]]:
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            cls = ERRORS.get(name)
            if cls is not None and any(k.arg == "reason" for k in node.keywords):
                yield f"{path.relative_to(SRC.parent)}:{node.lineno}", node, cls


def _hint(node: ast.Call) -> Hint | None:
    for k in node.keywords:
        if k.arg == "hint":
            value = eval(compile(ast.Expression(k.value), "<hint>", "eval"), {"Hint": Hint})
            assert isinstance(value, Hint)
            return value
    return None


def _parsed_sites() -> tuple[list[Site], list[str]]:
    sites: list[Site] = []
    refused: list[str] = []
    for where, node, cls in _sites():
        given = next(k.value for k in node.keywords if k.arg == "reason")
        reasons = _literal_reasons(given)
        if reasons is None:
            refused.append(f"{where}: {cls.__name__}(reason={ast.unparse(given)})")
            continue
        details = tuple(k.arg for k in node.keywords if k.arg not in (None, "reason", "hint"))
        sites.append(Site(where, cls, reasons, details, _hint(node)))
    return sites, refused


SITES, REFUSED = _parsed_sites()


def test_the_source_has_raise_sites_with_reasons() -> None:
    # the walk finds them: it is not vacuous
    assert len(SITES) >= 200
    assert {s.cls.__name__ for s in SITES} >= {"InvalidAmount", "InvalidDate", "InvalidEntry", "InvalidTerms"}


def test_no_raise_site_passes_free_text_as_a_reason() -> None:
    assert REFUSED == [], "give a catalogue key as the reason, its values as keyword details:\n" + "\n".join(
        REFUSED
    )


def test_no_raise_site_passes_free_text_as_a_hint() -> None:
    # a hint is structured (Hint(argument=...) / Hint(call=...)); advice in words is a reason key
    texts = [
        f"{path.relative_to(SRC.parent)}:{node.lineno}: {ast.unparse(k.value)}"
        for path in sorted(SRC.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and (node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")) in ERRORS
        for k in node.keywords
        if k.arg == "hint" and isinstance(k.value, ast.Constant | ast.JoinedStr | ast.BinOp)
    ]
    assert texts == []


def test_every_reason_given_is_a_key_of_both_catalogues() -> None:
    po = {lang: _po(lang) for lang in ("zh", "en")}
    missing = [
        f"{site.where}: {site.cls.code}.{reason} ({lang})"
        for site in SITES
        for reason in site.reasons
        for lang in po
        if f"{site.cls.code}.{reason}" not in po[lang]
    ]
    assert missing == []


def test_every_labelled_word_given_is_a_key_of_both_catalogues() -> None:
    # a labelled field (``LoanStateError(state=..., operation=...)``) given as a literal is a catalogue
    # word ``<prefix>.<value>``, said in each language; so is require_active's operation
    po = {lang: _po(lang) for lang in ("zh", "en")}
    given: list[tuple[str, str]] = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(SRC.parent)}:{node.lineno}"
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            cls = ERRORS.get(name)
            for k in node.keywords:
                words = _literal_reasons(k.value)
                if cls is not None and k.arg in cls.labels and words is not None:
                    given += [(where, f"{cls.labels[k.arg]}.{w}") for w in words]
            if name == "require_active" and len(node.args) == 2:
                words = _literal_reasons(node.args[1])
                assert words is not None, f"{where}: require_active takes an operation key"
                given += [(where, f"operation.{w}") for w in words]
    assert len(given) >= 20
    missing = [f"{where}: {key} ({lang})" for where, key in given for lang in po if key not in po[lang]]
    assert missing == []


def test_a_free_text_reason_is_caught_by_the_walk(tmp_path: Path) -> None:
    # the walk's rule on a sample: an f-string and an English sentence are refused, keys pass
    tree = ast.parse(
        "raise InvalidDate(day, reason=f'loan {n} was paid out')\n"
        "raise InvalidEntry('memo', m, reason='give text')\n"
        "raise InvalidAmount(v, reason='positive' if p else 'not_negative', field=f)\n"
    )
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    given = [next(k.value for k in c.keywords if k.arg == "reason") for c in calls]
    assert [_literal_reasons(g) for g in given] == [None, ("give text",), ("positive", "not_negative")]
    assert "invalid_entry.give text" not in _po("zh")


_SAMPLE_LABELS = {
    "kind": "grant",
    "step": "review",
    "expected": "notice",
    "last_step": "agree",
    "category": "one_child",
    "record_kind": "visit",
}


def _sample(cls: type[RevolveError], name: str) -> object:
    """A neutral value for a detail: code-like text, so only the template speaks (a labelled field takes
    a value the catalogue has a label for)."""
    if name in cls.labels:
        return _SAMPLE_LABELS[name]
    return f"X{zlib.crc32(name.encode()) % 97}"


FACTORIES: dict[str, Callable[[str, dict[str, object]], RevolveError]] = {
    "invalid_amount": lambda r, kw: errors.InvalidAmount(12, reason=r, **kw),
    "invalid_rate": lambda r, kw: errors.InvalidRate("4.9", reason=r, **kw),
    "invalid_terms": lambda r, kw: errors.InvalidTerms("term", 0, reason=r, **kw),
    "invalid_entry": lambda r, kw: errors.InvalidEntry("memo", 7, reason=r, **kw),
    "invalid_date": lambda r, kw: errors.InvalidDate(date(2020, 1, 2), reason=r, **kw),
    "unbalanced_entry": lambda r, kw: errors.UnbalancedEntry(5, postings=1, reason=r),
    "chart_error": lambda r, kw: errors.ChartError("X9", reason=r, **kw),
    "import_file_error": lambda r, kw: errors.ImportFileError("X9.csv", reason=r, **kw),
    "invalid_report": lambda r, kw: errors.InvalidReport("X9", 1, reason=r, **kw),
    "invalid_checkpoint": lambda r, kw: errors.InvalidCheckpoint("X9", reason=r, **kw),
    "invalid_setting": lambda r, kw: errors.InvalidSetting("REVOLVE_X", "x", reason=r, **kw),
    "allocation_refused": lambda r, kw: errors.AllocationRefused("F2", reason=r, **kw),
    "application_step_refused": lambda r, kw: errors.ApplicationStepRefused(
        3, reason=r, **{"step": "review", **kw}
    ),
    "chain_key_error": lambda r, kw: errors.ChainKeyError("F1", reason=r, **kw),
    "invalid_national_id": lambda r, kw: errors.InvalidNationalId("110105", reason=r, **kw),
}


def _factory(cls: type[RevolveError]) -> Callable[[str, dict[str, object]], RevolveError] | None:
    if issubclass(cls, errors.NotFound):
        return lambda r, kw: cls("K1", reason=r, **kw)  # type: ignore[call-arg]
    if cls is errors.MoneyTypeError:
        return lambda r, kw: errors.MoneyTypeError(1.5, reason=r, **kw)
    return FACTORIES.get(cls.code)


def _rendered() -> Iterator[tuple[str, str, RevolveError]]:
    for site in SITES:
        for reason in site.reasons:
            fields: dict[str, object] = {name: _sample(site.cls, name) for name in site.details}
            if site.hint is not None:
                fields["hint"] = site.hint
            factory = _factory(site.cls)
            assert factory is not None, f"{site.where}: add a factory for {site.cls.code}"
            yield site.where, reason, factory(reason, fields)


def _template_names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_reason_renders_with_the_fields_its_site_gives(lang: str) -> None:
    failures: list[str] = []
    for where, reason, error in _rendered():
        key = f"{error.code}.{reason}"
        template = catalogue(lang)[key]
        # every field the template names is given (a missing one would show as "?")
        given = set(error.fields) | {n.removesuffix(f"_{lang}") for n in error.fields}
        names = _template_names(template) - given - {"fix", "field_label"}
        if names:
            failures.append(f"{where}: {key} ({lang}) names {sorted(names)} the site does not pass")
        if "{fix}" in template and error.hint is None:
            failures.append(f"{where}: {key} ({lang}) names {{fix}} but the site gives no hint")
        message = error.message(lang)
        said = error.reason_in(lang)
        if not said or said not in message:
            failures.append(f"{where}: {key} ({lang}) is not in the message {message!r}")
        if re.search(r"{\w+(?:!r)?}", message):
            failures.append(f"{where}: {key} ({lang}) leaves a field unfilled: {message!r}")
        if lang == "zh":
            words = re.findall(r"(?<![A-Za-z])[a-z]{2,}", CODE_TOKENS.sub("", said))
            if not CJK.search(said) or words:
                failures.append(f"{where}: {key} is not said in Chinese: {said!r}")
    assert failures == [], "\n".join(failures)


def test_the_english_str_and_reason_stay_english_for_a_python_caller() -> None:
    error = errors.InvalidDate(
        date(2020, 1, 2), reason="before_payout", loan="FN-2016-001", disbursed_on="2020-02-01"
    )
    assert str(error) == "invalid date 2020-01-02: loan FN-2016-001 was paid out on 2020-02-01"
    assert error.reason == "loan FN-2016-001 was paid out on 2020-02-01"
    assert error.reason_key == "before_payout"
    assert (
        error.message("zh") == "日期 2020-01-02 无效：借款 FN-2016-001 于 2020-02-01 发放，日期不能早于该日"
    )


def test_a_hint_in_a_reason_names_the_fix_in_the_callers_terms() -> None:
    from revolve.cli.hints import cli_hint

    error = errors.ImportFileError(
        "x.csv", reason="encoding", named="UTF-8", hint=Hint(argument="encoding", values=("big5",))
    )
    assert "encoding='big5'" in error.message("en")
    assert "--encoding big5" in error.message("zh", render_hint=cli_hint)
    assert "{fix}" not in error.message("zh", render_hint=cli_hint)


def test_labelled_fields_are_said_in_the_users_language() -> None:
    tree = errors.InvalidOrgTree("county", "province")
    assert tree.message("zh").startswith("省级组织不能设在县级之下")
    assert str(tree).startswith("a province cannot sit under a county")
    step = errors.ApplicationStepRefused(4, step="approve", reason="out_of_order", expected="notice")
    assert "借款申请 4 不能办理审批：它的下一步应为 公示" in step.message("zh")
    assert "cannot take step approve: step notice comes next" in str(step)
