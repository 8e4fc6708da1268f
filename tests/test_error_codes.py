"""Every refusal has a stable code, exactly one category, and its message in Chinese and English from the
one message catalogue; messages name funds by code and never show an ID number or a phone in clear."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import revolve
from revolve import Fund, Ledger, errors
from revolve.errors import (
    BooksConflict,
    DuplicateCode,
    DuplicateReceipt,
    Hint,
    InsufficientFunds,
    InvalidEntry,
    InvalidInput,
    InvalidNationalId,
    NotFound,
    Overpayment,
    PeriodClosed,
    PolicyRefusal,
    Retryable,
    RevolveError,
    UnknownGuarantor,
    ValueTooLong,
)
from revolve.errors.catalogue import LANGUAGES, LOCALE, catalogue, compile_po, parse_po
from revolve.money import yuan
from revolve.schedule import LoanTerms

CATEGORIES = (InvalidInput, NotFound, BooksConflict, PolicyRefusal, Retryable)
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE_TOKENS = re.compile(
    r"{\w+(?:!r)?}|GB 11643-1999|`[^`]*`|'[^']*'|--[\w-]+|\b[\w.]+\([^()]*(?:\([^()]*\)[^()]*)*\)"
    r"|\b\w+=\S*|\b\w*_\w*\b|\b\w+(?:\.\w+)+\b|\S*/\S*|\.\w+"
)
"""What a Chinese message may show in ASCII: its fields, code (`x`, 'x', calls, options, name=, snake_case,
dotted names, paths, file suffixes); English words are capitalised names (Python, Excel, LoanTerms)."""


def _all_errors() -> list[type[RevolveError]]:
    found: list[type[RevolveError]] = []
    todo: list[type[RevolveError]] = [RevolveError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("revolve.") and sub not in found:
                found.append(sub)
                todo.append(sub)
    return found


REFUSALS = [c for c in _all_errors() if c not in CATEGORIES]


def _names(template: str) -> set[str]:
    """The fields a template names; ``{field_label}`` is ``{field}`` said in the language."""
    return {"field" if name == "field_label" else name for name in re.findall(r"{(\w+)", template)}


def test_every_error_has_a_unique_snake_case_code_and_exactly_one_category() -> None:
    assert len(REFUSALS) >= 60
    seen: dict[str, str] = {}
    for cls in REFUSALS:
        assert "code" in cls.__dict__, f"{cls.__name__} has no code of its own"
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", cls.code), cls.code
        assert cls.code not in seen, f"{cls.__name__} and {seen[cls.code]} share {cls.code!r}"
        seen[cls.code] = cls.__name__
        categories = [c for c in CATEGORIES if issubclass(cls, c)]
        assert len(categories) == 1, f"{cls.__name__}: {categories}"
        assert cls.category == categories[0].category
        assert cls.__name__ in errors.__all__ and cls.__name__ in revolve.__all__
    assert {c.category for c in CATEGORIES} == {
        "invalid_input",
        "not_found",
        "books_conflict",
        "policy_refusal",
        "retryable",
    }
    assert [c for c in REFUSALS if c.retryable] == [errors.BooksBusy]


def test_the_catalogue_has_every_code_in_chinese_and_english() -> None:
    for cls in [*REFUSALS, *CATEGORIES]:
        for lang in LANGUAGES:
            assert cls.code in catalogue(lang), f"{cls.code} has no {lang} template"
        zh, en = catalogue("zh")[cls.code], catalogue("en")[cls.code]
        # the same named fields in both languages
        names = _names(zh), _names(en)
        assert names[0] <= names[1] | {"detail"}, cls.code
        if cls not in CATEGORIES:
            # a template that is all reason speaks through its reasons (``duplicate_code.held``)
            reasons = [v for k, v in catalogue("zh").items() if k.startswith(f"{cls.code}.")]
            assert CJK.search(zh) or (reasons and all(CJK.search(r) for r in reasons)), (
                f"{cls.code}: the Chinese template has no Chinese"
            )


def test_every_reason_is_in_both_languages_and_the_chinese_one_speaks_chinese() -> None:
    assert set(catalogue("zh")) == set(catalogue("en"))
    codes = {cls.code for cls in REFUSALS}
    for key, zh in catalogue("zh").items():
        code, _, reason = key.partition(".")
        if code in codes and reason:
            assert CJK.search(zh), key
            # no English words (codes such as FN-2016-001 are upper case), the fields and code aside
            words = re.findall(r"(?<![A-Za-z])[a-z]{2,}", CODE_TOKENS.sub("", zh))
            assert not words, (key, words)
            assert _names(zh) <= _names(catalogue("en")[key]), key
    for category in CATEGORIES:
        assert CJK.search(catalogue("zh")[f"category.{category.category}"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_shipped_mo_is_the_compiled_po(lang: str) -> None:
    folder = LOCALE / lang / "LC_MESSAGES"
    po = parse_po((folder / "revolve.po").read_text(encoding="utf-8"))
    assert (folder / "revolve.mo").read_bytes() == compile_po(po), "run python -m revolve.errors.catalogue"


def test_str_is_english_and_message_speaks_chinese_with_the_hint_in_the_callers_terms() -> None:
    err = Overpayment(yuan("99999"), owed=yuan("3000"), loan="FN-L001")
    assert err.code == "overpayment" and err.category == "books_conflict"
    assert err.hint == Hint(argument="prepayment", values=("lower_installments", "fewer_installments"))
    assert str(err).startswith("loan FN-L001 owes") and "prepayment='lower_installments'" in str(err)
    zh = err.message("zh")
    assert zh.startswith("借款 FN-L001 尚欠") and "prepayment='lower_installments'" in zh
    from revolve.cli.hints import cli_hint

    cli = err.message("zh", render_hint=cli_hint)
    assert "--prepayment lower_installments 或 --prepayment fewer_installments" in cli
    assert "prepayment='" not in cli
    assert err.message("fr") == str(err)  # a language revolve lacks falls back to English
    guarantor = UnknownGuarantor("G9")
    assert "ledger.register_guarantor(...)" in str(guarantor)
    assert "revolve guarantor --fund" in guarantor.message("zh", render_hint=cli_hint)
    assert guarantor.message("zh").startswith("没有担保人 'G9'")


D1 = date(2016, 3, 1)


@pytest.fixture
def fund(make_fund: Callable[..., Fund]) -> Fund:
    return make_fund("FN-HP")


def _both(err: RevolveError) -> list[str]:
    return [str(err), err.message("zh"), err.message("en")]


def test_refusals_name_the_fund_by_its_code_not_its_id(ledger: Ledger, fund: Fund) -> None:
    ledger.contribute(fund, amount=yuan("1000"), on=D1)
    ledger.close_period(fund, through=D1)
    with pytest.raises(PeriodClosed) as closed:
        ledger.contribute(fund, amount=yuan("1"), on=D1)
    for text in _both(closed.value):
        assert "FN-HP" in text and f"fund {fund.id} " not in text
    assert "基金 FN-HP 已结账至 2016-03-01" in closed.value.message("zh")
    assert closed.value.fund == "FN-HP" and closed.value.fund_id == fund.id
    ledger.register_household(
        fund, code="H1", mother_name="王秀英", national_id=_id(1), registered_on=date(2016, 3, 2)
    )
    batch = ledger.open_batch(fund, code="B1", on=date(2016, 3, 2))
    ledger.register_guarantor(fund, code="G1", kind="village_committee", name="南关村村民委员会")
    with pytest.raises(InsufficientFunds) as short:
        ledger.disburse(
            fund, number="L1", household="H1", batch=batch,
            terms=LoanTerms(principal=yuan("5000"), start=date(2016, 3, 5), term=12), guarantors=["G1"],
        )  # fmt: skip
    for text in _both(short.value):
        assert "FN-HP" in text and f"fund {fund.id} " not in text
    assert short.value.message("zh").startswith("基金 FN-HP 可用资金")


def test_a_duplicate_receipt_names_the_fund_by_code() -> None:
    err = DuplicateReceipt("R-1", fund_id=7, fund="FN-HP")
    assert "FN-HP" in err.message("zh") and " 7 " not in err.message("zh")


def _id(seq: int, *, valid: bool = True) -> str:
    first17 = f"13082619800101{seq:03d}"
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    if not valid:
        check = "1" if check == "0" else "0"
    return first17 + check


def _assert_masked(err: RevolveError, *clear: str) -> None:
    for text in _both(err):
        for value in clear:
            assert value not in text, f"{type(err).__name__} shows {value!r}: {text}"


def test_no_refusal_shows_an_id_number_or_a_phone_in_clear(ledger: Ledger, fund: Fund) -> None:
    phone = "13812345678"
    first = ledger.register_household(
        fund, code="H1", mother_name="王秀英", national_id=_id(1), registered_on=D1, phone=phone
    )
    assert first.code == "H1"
    with pytest.raises(DuplicateCode) as dup:
        ledger.register_household(
            fund, code="H2", mother_name="李桂兰", national_id=_id(1), registered_on=D1, phone=phone
        )
    _assert_masked(dup.value, _id(1), phone)
    assert dup.value.key == _id(1)  # the program still has it in clear
    with pytest.raises(InvalidNationalId) as bad:
        ledger.register_household(
            fund, code="H3", mother_name="张", national_id=_id(3, valid=False), registered_on=D1
        )
    _assert_masked(bad.value, _id(3, valid=False))
    with pytest.raises(ValueTooLong) as long_phone:
        ledger.register_household(
            fund, code="H4", mother_name="赵", national_id=_id(4), registered_on=D1, phone=phone * 4
        )
    _assert_masked(long_phone.value, phone)


@given(st.from_regex(r"[1-9][0-9]{16}[0-9X]", fullmatch=True))
def test_an_invalid_id_number_never_shows_in_clear(value: str) -> None:
    err = InvalidNationalId(value, reason="its check character is wrong")
    for text in _both(err):
        assert value not in text and value[6:14] not in text


# ---- docs/embedding.md's table of codes, generated from the catalogue ------------------------------------
DOCS = Path(__file__).resolve().parent.parent / "docs" / "embedding.md"
BEGIN, END = "<!-- error codes: generated by tests/test_error_codes.py -->", "<!-- end of error codes -->"


def _template_with_reasons(code: str, lang: str) -> str:
    """A code's template; one that is all reason (``{reason}``) shows each of its reasons' instead."""
    text = catalogue(lang)[code]
    if text != "{reason}":
        return text
    return " / ".join(v for k, v in sorted(catalogue(lang).items()) if k.startswith(f"{code}."))


def code_table() -> str:
    """The Markdown table of every refusal's code, category, class and Chinese/English templates."""
    rows = ["| code | category | class | 中文模板 | English template |", "| --- | --- | --- | --- | --- |"]
    order = [c.category for c in CATEGORIES]
    for cls in sorted(REFUSALS, key=lambda c: (order.index(c.category), c.code)):
        zh, en = (_template_with_reasons(cls.code, lang).replace("|", "\\|") for lang in ("zh", "en"))
        rows.append(f"| `{cls.code}` | {cls.category} | `{cls.__name__}` | {zh} | {en} |")
    return "\n".join(rows)


def test_the_docs_list_every_code_as_the_catalogue_has_it() -> None:
    text = DOCS.read_text(encoding="utf-8")
    table = text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip()
    assert table == code_table(), "run: PYTHONPATH=src python tests/test_error_codes.py"


if __name__ == "__main__":
    text = DOCS.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN)
    DOCS.write_text(f"{head}{BEGIN}\n{code_table()}\n{rest[rest.index(END) :]}", encoding="utf-8")


PEOPLE = st.tuples(
    st.integers(1, 999).map(_id),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
)


@given(PEOPLE)
def test_an_id_or_phone_in_any_refusal_text_is_masked(person: tuple[str, str]) -> None:
    national_id, phone = person
    refusals: list[RevolveError] = [
        errors.CommandError(national_id, message=f"row 3: {national_id} {phone}"),
        errors.InvalidAmount(national_id, reason=f"phone {phone}"),
        errors.UnknownHousehold(national_id, hint=f"call {phone}"),
        errors.DuplicateCode(national_id, what="household national ID"),
        errors.ImportFileError(f"/tmp/{national_id}.csv", reason=f"cell {phone}"),
        errors.InvalidEntry("phone", phone, reason=f"not a phone of {national_id}"),
        errors.PolicyViolation("household", national_id, limit=phone),
    ]
    for err in refusals:
        _assert_masked(err, national_id, phone)


def test_import_rows_never_show_an_id_number_or_a_phone_in_clear(
    ledger: Ledger, fund: Fund, tmp_path: Path
) -> None:
    from revolve.importers import import_households

    phone = "13912345678"
    ledger.register_household(fund, code="H1", mother_name="王秀英", national_id=_id(1), registered_on=D1)
    rows = [
        ["户编码", "母亲姓名", "身份证号", "登记日期", "联系电话"],
        ["H2", "李桂兰", _id(1), "2016-03-01", phone],  # the ID of H1
        ["H3", "张玉梅", _id(3, valid=False), "2016-03-01", phone],  # a wrong check digit
        ["H4", "刘淑珍", _id(4), "2016-03-01", phone * 3],  # a phone too long
    ]
    source = tmp_path / "households.csv"
    source.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8-sig")
    result = import_households(ledger, fund.code, source)
    assert {p.row for p in result.problems} >= {2, 3}, result.problems
    for problem in result.problems:
        for lang in ("zh", "en"):
            text = problem.describe(lang, columns=result.columns)
            for value in (_id(1), _id(3, valid=False), phone):
                assert value not in text, text


def test_every_error_class_exported_by_revolve_errors_has_a_code_and_a_category() -> None:
    exported = [getattr(errors, name) for name in errors.__all__]
    classes = [c for c in exported if isinstance(c, type) and issubclass(c, BaseException)]
    assert set(REFUSALS) <= set(classes) | {c for c in REFUSALS if c.__name__ not in errors.__all__}
    for cls in classes:
        assert issubclass(cls, RevolveError), cls
        if cls is RevolveError:
            continue
        assert re.fullmatch(r"[a-z][a-z0-9_]*", cls.code), cls
        assert cls.category in {c.category for c in CATEGORIES}, cls
        assert sum(issubclass(cls, c) for c in CATEGORIES) == 1, cls
        assert cls.code in catalogue("zh") and cls.code in catalogue("en"), cls


def test_no_refusal_of_the_command_line_shows_an_id_number_or_a_phone_in_clear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from revolve.cli import main

    phone = "13812345678"
    db = str(tmp_path / "books.db")

    def run(*args: str) -> tuple[int, str]:
        code = main(["--db", db, *args])
        out = capsys.readouterr()
        return code, out.out + out.err

    assert (
        run(
            "init",
            "--org-code",
            "FN",
            "--org-name",
            "丰宁县",
            "--fund-code",
            "FN-HP",
            "--fund-name",
            "县基金",
        )[0]
        == 0
    )
    add = ["household", "add", "--fund", "FN-HP", "--name", "王秀英", "--registered-on", "2016-03-01"]
    assert run(*add, "--code", "H1", "--id", _id(1), "--phone", phone)[0] == 0
    refusals = [
        (*add, "--code", "H2", "--id", _id(1), "--phone", phone),  # H1's ID
        (*add, "--code", "H3", "--id", _id(3, valid=False), "--phone", phone),  # a wrong check digit
        (*add, "--code", "H4", "--id", _id(4)[:17], "--phone", phone),  # 17 characters
        (*add, "--code", "H5", "--id", _id(5), "--phone", phone * 4),  # a phone too long
        (*add, "--code", "H6", "--id", _id(6), "--phone", phone, "--persons", "0"),  # nobody in it
        (
            "repay",
            "--fund",
            "FN-HP",
            "--loan",
            _id(1),
            "--amount",
            "1",
            "--on",
            "2016-03-02",
            "--receipt",
            phone,
        ),
        ("statement", "--fund", "FN-HP", "--loan", phone),
        ("household", "show", "--fund", "FN-HP", _id(7)),
    ]
    for args in refusals:
        code, said = run(*args)
        assert code != 0, (args, said)
        for value in (_id(1), _id(3, valid=False), _id(4)[:17], _id(5), _id(6), _id(7), phone):
            assert value not in said, (args, said)


@pytest.mark.parametrize(
    ("record", "said"),
    [
        ("receipt S003", "还款凭证 S003"),
        ("the disbursement of loan L1", "借款 L1 的放款"),
        ("the grant of entry 5", "第 5 号凭证的一次性帮扶"),
        ("the subsidy of period 2 of bank loan BL1", "银行贷款 BL1 第 2 期的贴息"),
    ],
)
def test_a_void_names_its_record_in_the_users_language(record: str, said: str) -> None:
    twice = errors.AlreadyVoided(record, reversal_seq=9)
    assert twice.message("zh").startswith(said) and str(twice).startswith(record)
    blank = errors.InvalidEntry("approved_by", "", reason="void_approver", record=record)
    assert blank.message("zh") == "批准人填写有误：请填写批准冲正的批准人"
    assert not re.findall(r"[a-z]{2,}", twice.message("zh") + blank.message("zh"))


def test_every_public_operation_lists_the_errors_it_raises() -> None:
    """Each public method of ``Ledger`` has a ``Raises:`` section, and each error it names is a
    ``RevolveError`` of ``revolve.errors`` (a section may say it raises nothing of its own)."""
    import inspect

    missing, unknown = [], []
    for name, fn in inspect.getmembers(Ledger, inspect.isfunction):
        if name.startswith("_"):
            continue
        doc = inspect.getdoc(fn) or ""
        if "Raises:" not in doc:
            missing.append(name)
            continue
        section = doc.split("Raises:", 1)[1].split("\n\n", 1)[0]
        for listed in re.findall(r"^\s{4}(\w+):", section, flags=re.M):
            error = getattr(errors, listed, None)
            if listed != "Nothing" and not (isinstance(error, type) and issubclass(error, RevolveError)):
                unknown.append(f"{name}: {listed}")
    assert missing == [], "give these a Raises: section"
    assert unknown == [], "these name no error of revolve.errors"


def test_a_policy_that_is_not_a_policy_is_refused_typed(ledger: Ledger) -> None:
    ledger.create_fund("P", "基金", org=ledger.create_org("P", "某县", revolve.OrgLevel.COUNTY))
    with pytest.raises(InvalidEntry) as refused:
        ledger.set_policy("P", "每户一万")  # type: ignore[arg-type]
    assert refused.value.code == "invalid_entry" and "借款政策" in refused.value.message("zh")
