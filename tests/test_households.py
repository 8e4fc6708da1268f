"""Households: GB 11643 ID numbers, masks, the household file and its follow-up records."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revolve.errors import InvalidAmount, InvalidDate, InvalidEntry, InvalidNationalId, MoneyTypeError
from revolve.households import (
    FamilyPlanningStatus,
    Household,
    HouseholdRecord,
    RecordKind,
    latest_income,
    mask_name,
    mask_national_id,
    mask_phone,
    national_id_birth_date,
    poverty_status,
    validate_national_id,
    validate_record,
)
from revolve.money import Money, yuan

# Worked by hand from GB 11643-1999, weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
#
# 11010519491231002 (the standard's own example):
#   digits   1  1  0  1  0  5  1  9  4  9  1  2  3  1  0  0  2
#   products 7  9  0  5  0 20  2  9 24 27  7 18 30  5  0  0  4
#   sum = 167; 167 mod 11 = 2; "10X98765432"[2] = X  →  11010519491231002X
ID_1949 = "11010519491231002X"
# 44052418800101001:
#   digits   4  4  0  5  2  4  1  8  8  0  0  1  0  1  0  0  1
#   products 28 36 0 25 16 16  2  8 48  0  0  9  0  5  0  0  2
#   sum = 195; 195 mod 11 = 8; "10X98765432"[8] = 4  →  440524188001010014
ID_1880 = "440524188001010014"
# 11010119900318123 (born 18 March 1990):
#   digits   1  1  0  1  0  1  1  9  9  0  0  3  1  8  1  2  3
#   products 7  9  0  5  0  4  2  9 54  0  0 27 10 40  8  8  6
#   sum = 189; 189 mod 11 = 2; "10X98765432"[2] = X  →  11010119900318123X
ID_1990 = "11010119900318123X"

ADDRESS_CODES = st.text(alphabet="0123456789", min_size=6, max_size=6)
SEQUENCE_CODES = st.text(alphabet="0123456789", min_size=3, max_size=3)
BIRTH_DATES = st.dates(date(1900, 1, 1), date(2030, 12, 31))


def iso_7064_check(first17: str) -> str:
    """The check character by the standard's defining formula, not by revolve's lookup string.

    GB 11643 §8.2 / ISO 7064 MOD 11-2: the weights are 2^(17-i) mod 11 and the check value a18 satisfies
    Σ a_i·W_i + a18 ≡ 1 (mod 11); a value of 10 is written X.
    """
    weighted = sum(int(digit) * pow(2, 17 - i, 11) for i, digit in enumerate(first17))
    value = (1 - weighted) % 11
    return "X" if value == 10 else str(value)


def build_id(address: str, born: date, sequence: str) -> str:
    first17 = address + born.strftime("%Y%m%d") + sequence
    return first17 + iso_7064_check(first17)


def household(**changes: object) -> Household:
    fields: dict[str, object] = {
        "id": 7,
        "fund_id": 1,
        "code": "XM-2017-001",
        "mother_name": "王芳芳",
        "national_id": ID_1990,
        "org_id": 3,
        "phone": "13812345678",
        "fp_status": FamilyPlanningStatus.TWO_DAUGHTERS,
        "income_before": yuan("3649"),
        "registered_on": date(2017, 3, 1),
    }
    fields.update(changes)
    return Household(**fields)  # type: ignore[arg-type]


# ---- national ID ----------------------------------------------------------------------------------


def test_hand_computed_ids_are_valid() -> None:
    assert validate_national_id(ID_1949) == ID_1949
    assert validate_national_id(ID_1880) == ID_1880
    assert validate_national_id(ID_1990) == ID_1990
    assert iso_7064_check(ID_1949[:17]) == "X"  # the test's own oracle agrees with the hand sums


def test_lower_case_x_and_surrounding_spaces_are_normalised() -> None:
    assert validate_national_id(" 11010519491231002x\t") == ID_1949


def test_birth_date_is_read_from_characters_7_to_14() -> None:
    assert national_id_birth_date(ID_1949) == date(1949, 12, 31)
    assert national_id_birth_date(ID_1880) == date(1880, 1, 1)
    assert national_id_birth_date(ID_1990) == date(1990, 3, 18)


@given(ADDRESS_CODES, BIRTH_DATES, SEQUENCE_CODES)
def test_every_id_with_a_correct_check_character_is_accepted(address: str, born: date, sequence: str) -> None:
    number = build_id(address, born, sequence)
    assert validate_national_id(number) == number
    assert validate_national_id(number.lower()) == number
    assert national_id_birth_date(number) == born


@given(ADDRESS_CODES, BIRTH_DATES, SEQUENCE_CODES)
def test_every_wrong_check_character_is_refused(address: str, born: date, sequence: str) -> None:
    number = build_id(address, born, sequence)
    right = number[17]
    for wrong in "0123456789X":
        if wrong == right:
            continue
        bad = number[:17] + wrong
        with pytest.raises(InvalidNationalId) as caught:
            validate_national_id(bad)
        assert caught.value.value == bad
        assert f"check digit should be {right}" in caught.value.reason
        # issue 12: the message names the number masked, never in clear
        assert bad not in str(caught.value) and mask_national_id(bad) in str(caught.value)


@given(ADDRESS_CODES, BIRTH_DATES, SEQUENCE_CODES, st.integers(0, 16), st.integers(1, 9))
def test_a_changed_digit_in_the_body_is_refused(
    address: str, born: date, sequence: str, position: int, shift: int
) -> None:
    # MOD 11-2 catches every single-digit substitution: the weight 2^k mod 11 is never 0 and |Δ| < 11.
    number = build_id(address, born, sequence)
    digit = (int(number[position]) + shift) % 10
    bad = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(InvalidNationalId):
        validate_national_id(bad)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("11010519491231002", "it has 17 characters"),
        ("11010519491231002X1", "it has 19 characters"),
        ("110105491231002", "15-digit first-generation"),
        ("", "it has 0 characters"),
        ("1101051949123100AX", "characters"),
        ("１１０１０５１９４９１２３１００２X", "characters"),  # full-width digits
        ("11010519491231002Y", "characters"),
        ("X10105194912310021", "characters"),
        ("110105199902300010", "the birth date (characters 7–14, YYYYMMDD) is not a real date"),
        ("110105199913010010", "the birth date (characters 7–14, YYYYMMDD) is not a real date"),
        ("110105000001010010", "the birth date (characters 7–14, YYYYMMDD) is not a real date"),
    ],
)
def test_malformed_ids_are_refused_with_the_reason(text: str, fragment: str) -> None:
    with pytest.raises(InvalidNationalId) as caught:
        validate_national_id(text)
    assert caught.value.value == text
    assert fragment in caught.value.reason
    assert fragment in str(caught.value)
    if len(text) > 10:  # issue 12: never the number in clear (its birth date included)
        assert text not in str(caught.value) and text[6:14] not in str(caught.value)


def test_a_number_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidNationalId) as caught:
        validate_national_id(11010519491231002)  # type: ignore[arg-type]
    assert caught.value.value == 11010519491231002
    assert "str" in caught.value.reason


def test_check_digit_message_names_the_right_character() -> None:
    with pytest.raises(InvalidNationalId, match="check digit should be X, not 1"):
        validate_national_id("110105194912310021")
    with pytest.raises(InvalidNationalId, match="check digit should be 4, not X"):
        validate_national_id("44052418800101001X")


# ---- masks --------------------------------------------------------------------------------------------


def test_masks_by_example() -> None:
    assert mask_national_id(ID_1990) == "110101********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("王芳芳") == "王**"
    assert mask_name("王芳") == "王*"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("欧阳") == "欧*"  # a name that is only a compound surname still hides something
    assert mask_name("芳") == "*"


def test_short_values_are_masked_entirely() -> None:
    assert mask_national_id("1234567890") == "**********"
    assert mask_phone("1234567") == "*******"
    assert mask_phone("") == ""


@given(st.text(alphabet="0123456789X", min_size=11, max_size=30))
def test_id_mask_keeps_only_the_ends(text: str) -> None:
    masked = mask_national_id(text)
    assert len(masked) == len(text)
    assert masked[:6] == text[:6]
    assert masked[-4:] == text[-4:]
    assert set(masked[6:-4]) == {"*"}


@given(st.text(alphabet="0123456789", min_size=8, max_size=20))
def test_phone_mask_keeps_only_the_ends(text: str) -> None:
    masked = mask_phone(text)
    assert (masked[:3], masked[-4:], set(masked[3:-4])) == (text[:3], text[-4:], {"*"})


# ---- the household ------------------------------------------------------------------------------------


def test_household_normalises_its_id_and_status() -> None:
    h = household(national_id="11010519491231002x", fp_status="one_child", phone="  ")
    assert h.national_id == ID_1949
    assert h.fp_status is FamilyPlanningStatus.ONE_CHILD
    assert h.phone is None
    assert h.birth_date == date(1949, 12, 31)


def test_household_masks_personal_data_by_default() -> None:
    printed = household().masked()
    assert printed["national_id"] == "110101********123X"
    assert printed["phone"] == "138****5678"
    assert printed["mother_name"] == "王芳芳"
    assert printed["fp_status"] == "two_daughters"
    assert printed["fp_status_zh"] == "二女户"
    assert printed["income_before"] == "¥3,649.00"
    assert printed["registered_on"] == "2017-03-01"
    assert ID_1990 not in printed.values()


def test_household_reveals_only_when_asked() -> None:
    revealed = household().masked(reveal=True)
    assert revealed["national_id"] == ID_1990
    assert revealed["phone"] == "13812345678"
    assert household().masked(hide_name=True)["mother_name"] == "王**"
    bare = household(phone=None, org_id=None, income_before=None).masked()
    assert (bare["phone"], bare["org_id"], bare["income_before"]) == ("", "", "")


def test_household_refuses_a_bad_id() -> None:
    with pytest.raises(InvalidNationalId) as caught:
        household(national_id="110101199003181231")
    assert caught.value.value == "110101199003181231"
    assert "check digit should be X" in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "error", "value"),
    [
        ({"income_before": yuan("-1")}, InvalidAmount, yuan("-1")),
        ({"income_before": 3649.0}, MoneyTypeError, 3649.0),
        ({"mother_name": "  "}, InvalidEntry, "  "),
        ({"code": ""}, InvalidEntry, ""),
        ({"fp_status": "many_sons"}, InvalidEntry, "many_sons"),
        ({"id": "7"}, InvalidEntry, "7"),
        ({"registered_on": datetime(2017, 3, 1, 9, 0)}, InvalidDate, datetime(2017, 3, 1, 9, 0)),  # noqa: DTZ001
    ],
)
def test_household_refusals(changes: dict[str, object], error: type[Exception], value: object) -> None:
    with pytest.raises(error) as caught:
        household(**changes)
    assert caught.value.value == value  # type: ignore[attr-defined]
    # dates are named as people write them (2017-03-01T09:00:00), everything else by its repr
    shown = value.isoformat() if isinstance(value, date) else repr(value)
    assert shown in str(caught.value)


def test_labels() -> None:
    assert [s.label_zh for s in FamilyPlanningStatus] == [
        "独生子女户",
        "二女户",
        "计划生育家庭",
        "计生困难家庭",
        "非计生户",
    ]
    assert [k.label_zh for k in RecordKind] == ["回访", "收入", "脱贫评估", "档案变更"]


# ---- records ------------------------------------------------------------------------------------------


def record(kind: RecordKind | str, on: date, **changes: object) -> HouseholdRecord:
    fields: dict[str, object] = {
        "household_id": 7,
        "kind": kind,
        "on": on,
        "note": "",
        "income": None,
        "exited_poverty": None,
    }
    fields.update(changes)
    return HouseholdRecord(**fields)  # type: ignore[arg-type]


def test_consistent_records_are_accepted() -> None:
    assert record("visit", date(2018, 1, 5), note="养猪3头").kind is RecordKind.VISIT
    assert record(RecordKind.VISIT, date(2018, 1, 5), income=yuan("4000")).income == yuan("4000")
    assert record(RecordKind.INCOME, date(2018, 12, 31), income=Money(0)).income == Money(0)
    assessed = record(RecordKind.POVERTY_EXIT, date(2019, 1, 10), exited_poverty=False)
    assert assessed.exited_poverty is False


def test_an_income_record_without_income_is_refused() -> None:
    with pytest.raises(InvalidAmount) as caught:
        record(RecordKind.INCOME, date(2018, 12, 31))
    assert caught.value.value is None
    assert "income record must state the income" in str(caught.value)


def test_a_negative_income_is_refused() -> None:
    with pytest.raises(InvalidAmount) as caught:
        record(RecordKind.INCOME, date(2018, 12, 31), income=yuan("-0.01"))
    assert caught.value.value == Money(-1)
    assert "negative" in str(caught.value)


def test_a_poverty_assessment_without_a_verdict_is_refused() -> None:
    with pytest.raises(InvalidEntry) as caught:
        record(RecordKind.POVERTY_EXIT, date(2019, 1, 10))
    assert caught.value.field == "exited_poverty"
    assert caught.value.value is None
    assert "poverty_exit" in str(caught.value)
    with pytest.raises(InvalidEntry):
        record(RecordKind.POVERTY_EXIT, date(2019, 1, 10), exited_poverty="yes")


def test_a_verdict_on_another_kind_of_record_is_refused() -> None:
    with pytest.raises(InvalidEntry) as caught:
        record(RecordKind.VISIT, date(2019, 1, 10), exited_poverty=True)
    assert caught.value.value is True
    assert "visit record" in str(caught.value)


def test_record_type_refusals() -> None:
    with pytest.raises(MoneyTypeError):
        record(RecordKind.INCOME, date(2018, 1, 1), income=4000)
    with pytest.raises(InvalidDate) as caught:
        record(RecordKind.VISIT, "2018-01-01")  # type: ignore[arg-type]
    assert caught.value.value == "2018-01-01"
    with pytest.raises(InvalidEntry):
        record("audit", date(2018, 1, 1))


def test_validate_record_checks_the_household_and_the_date() -> None:
    h = household()
    ok = record(RecordKind.VISIT, date(2017, 3, 1))
    assert validate_record(ok, h) is ok
    with pytest.raises(InvalidDate) as early:
        validate_record(record(RecordKind.VISIT, date(2017, 2, 28)), h)
    assert early.value.value == date(2017, 2, 28)
    assert "2017-03-01" in str(early.value)
    with pytest.raises(InvalidEntry) as other:
        validate_record(record(RecordKind.VISIT, date(2017, 5, 1), household_id=8), h)
    assert other.value.value == 8


def test_poverty_status_takes_the_latest_assessment_by_the_date() -> None:
    records = [
        record(RecordKind.POVERTY_EXIT, date(2019, 12, 31), exited_poverty=True),
        record(RecordKind.VISIT, date(2018, 6, 1)),
        record(RecordKind.POVERTY_EXIT, date(2018, 12, 31), exited_poverty=False),
    ]
    assert poverty_status(records, date(2018, 12, 30)) is None
    assert poverty_status(records, date(2018, 12, 31)) is False
    assert poverty_status(records, date(2019, 12, 30)) is False
    assert poverty_status(records, date(2019, 12, 31)) is True
    assert poverty_status([], date(2030, 1, 1)) is None


def test_same_day_assessments_the_later_in_the_file_wins() -> None:
    first = record(RecordKind.POVERTY_EXIT, date(2019, 1, 1), exited_poverty=False)
    second = record(RecordKind.POVERTY_EXIT, date(2019, 1, 1), exited_poverty=True)
    assert poverty_status([first, second], date(2019, 1, 1)) is True
    assert poverty_status([second, first], date(2019, 1, 1)) is False


def test_records_of_two_households_are_refused() -> None:
    mixed = [
        record(RecordKind.VISIT, date(2019, 1, 1)),
        record(RecordKind.VISIT, date(2019, 1, 1), household_id=8),
    ]
    with pytest.raises(InvalidEntry) as caught:
        poverty_status(mixed, date(2019, 1, 1))
    assert caught.value.value == [7, 8]


@given(
    st.lists(
        st.tuples(st.integers(0, 2000), st.booleans()),
        min_size=0,
        max_size=12,
        unique_by=lambda pair: pair[0],
    ),
    st.integers(-10, 2010),
    st.randoms(use_true_random=False),
)
def test_poverty_status_is_the_verdict_of_the_last_assessment_by_then(
    assessments: list[tuple[int, bool]], as_of_offset: int, rng: object
) -> None:
    start = date(2016, 1, 1)
    records = [
        record(RecordKind.POVERTY_EXIT, start + timedelta(days=offset), exited_poverty=verdict)
        for offset, verdict in assessments
    ]
    rng.shuffle(records)  # type: ignore[attr-defined]
    as_of = start + timedelta(days=as_of_offset)
    earlier = [(offset, verdict) for offset, verdict in assessments if offset <= as_of_offset]
    expected = max(earlier)[1] if earlier else None
    assert poverty_status(records, as_of) is expected


def test_latest_income() -> None:
    records = [
        record(RecordKind.INCOME, date(2018, 12, 31), income=yuan("4682")),
        record(RecordKind.VISIT, date(2019, 6, 1)),
        record(RecordKind.VISIT, date(2018, 6, 1), income=yuan("4100")),
    ]
    assert latest_income(records, date(2018, 5, 31)) is None
    assert latest_income(records, date(2018, 6, 1)) == yuan("4100")
    assert latest_income(records, date(2020, 1, 1)) == yuan("4682")
