"""JSON: the report as an exact document of its data, labels beside keys, for other programs to read.

The form (``ensure_ascii=False``, two-space indent)::

    {"kind": "quarterly", "lang": "zh", "title": "季报表", "subject": "丰宁县幸福工程",
     "as_of": "2024-03-31", "period": {"start": "2024-01-01", "end": "2024-03-31"} | null,
     "sections": [{"key": "capital", "title": "资金来源",
                   "facts": [{"key": "outstanding", "label": "贷款余额", "kind": "money",
                              "value": "12000.00"}],
                   "table": {"columns": [{"key": "source", "label": "来源", "kind": "text"}, ...],
                             "rows": [[...], ...], "total": [...] | null} | null}],
     "notes": ["..."]}

Values: an amount is a string of yuan with two decimals (``"1234.56"``, exact; ``Money.of_yuan`` reads
it), a count an integer, a decimal a string (``"0.0490"``), a date an ISO string, text a string, an
empty value ``null``, and a rate an object ``{"numerator": …, "denominator": …, "value": "0.989459"}``
whose parts are amounts (strings) or counts (integers) and whose value is the fraction rounded half-up
to six decimals, ``null`` when the denominator is zero. A term is ``{"term": key, "label": …}``, with
``"indent": n`` when it is set in (a form's 其中 line). A form's figure column has the kind ``"figure"``:
each of its cells is an amount, a count or a rate, written as above. A fact's
``kind`` names its value's type (a :class:`~revolve.reports.model.ColumnKind` value, ``"term"`` for a
term, ``null`` for an empty value); its ``key`` is the label key. The total row is the report's data: an
empty first cell stays ``null``.
"""

from __future__ import annotations

import json

from revolve.ratios import Ratio
from revolve.reports.labels import Language, label
from revolve.reports.model import Cell, Report, Term
from revolve.reports.render.cells import kind_of, plain, ratio_fraction
from revolve.reports.render.words import resolve


def _json_value(value: Cell, language: Language) -> object:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Term):
        term: dict[str, object] = {"term": value.key, "label": label(value.key, language)}
        if value.indent:
            term["indent"] = value.indent
        return term
    if isinstance(value, Ratio):
        return {
            "numerator": _json_value(value.numerator, language),
            "denominator": _json_value(value.denominator, language),
            "value": ratio_fraction(value),
        }
    if isinstance(value, int):
        return value
    return plain(value)


def _json_kind(value: Cell, where: str) -> str | None:
    if isinstance(value, Term):
        return "term"
    kind = kind_of(value, where)
    return None if kind is None else kind.value


def render_json(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as JSON in the exact form of this module's docstring (amounts as yuan strings).

    Args:
        report: the report to write.
        lang: the language of its labels, ``"zh"`` (default) or ``"en"``.

    Returns:
        JSON text (UTF-8 characters kept, not escaped), ending in ``\\n``.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    words = resolve(report, lang)
    sections = []
    for section, (title, fact_labels, column_labels) in zip(report.sections, words.sections, strict=True):
        table = section.table
        sections.append(
            {
                "key": section.key,
                "title": title,
                "facts": [
                    {
                        "key": fact.label,
                        "label": name,
                        "kind": _json_kind(fact.value, name),
                        "value": _json_value(fact.value, words.lang),
                    }
                    for name, fact in zip(fact_labels, section.facts, strict=True)
                ],
                "table": None
                if table is None
                else {
                    "columns": [
                        {"key": column.key, "label": name, "kind": column.kind.value}
                        for column, name in zip(table.columns, column_labels, strict=True)
                    ],
                    "rows": [[_json_value(value, words.lang) for value in row] for row in table.rows],
                    "total": None
                    if table.total is None
                    else [_json_value(value, words.lang) for value in table.total],
                },
            }
        )
    document = {
        "kind": report.kind,
        "lang": words.lang.value,
        "title": words.title,
        "subject": report.subject,
        "as_of": report.as_of.isoformat(),
        "period": None
        if report.period is None
        else {"start": report.period[0].isoformat(), "end": report.period[1].isoformat()},
        "sections": sections,
        "notes": list(words.notes),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
