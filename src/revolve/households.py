"""Households: the household file (一户一档) a fund keeps on every mother it helps.

Xiamen's 幸福工程 asks for "一户一档" (domain.md §10.7): one file per beneficiary household holding who
she is, why she qualifies, what she earned before the aid and what became of the household afterwards.
This module holds that file as values:

* :class:`Household` — the mother (受助母亲), her national ID number (居民身份证号码), her family-planning
  status (计划生育, the programme's eligibility ground, §2.2–2.3) and the household's annual income before
  aid (§10.4, the baseline of 脱贫率);
* :class:`HouseholdRecord` — a dated follow-up: a visit (回访), an income observation (收入) or a poverty
  assessment (脱贫评估, §10.4, §11);
* the GB 11643-1999 check of the national ID number, and the masks that keep personal data off printed
  pages (DESIGN.md §9: ID numbers and phones are masked by default).

Invariants:

* a :class:`Household` always holds a valid, normalised 18-character ID number (upper-case ``X``);
* income is ``Money`` and never negative;
* a record is consistent with its kind: an income record states an income, a poverty assessment states
  whether the household has left poverty, and only an assessment does.

Everything here is pure: no clock, no storage. Dates arrive as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from revolve.checks import check_choice, check_date
from revolve.errors import Hint, InvalidAmount, InvalidDate, InvalidEntry, InvalidNationalId, MoneyTypeError
from revolve.money import Money

__all__ = [
    "FamilyPlanningStatus",
    "Household",
    "HouseholdRecord",
    "RecordKind",
    "Registration",
    "check_persons",
    "latest_income",
    "mask_name",
    "mask_national_id",
    "mask_phone",
    "national_id_birth_date",
    "poverty_status",
    "validate_national_id",
    "validate_record",
]

# GB 11643-1999 §8.2: the check character is ISO 7064 MOD 11-2 over the first 17 digits, with weights
# 2^(17-i) mod 11 for i = 0 … 16, read from "10X98765432" by the weighted sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_ID_LENGTH = 18
_OLD_ID_LENGTH = 15
# ASCII digits only: str.isdigit() would also accept full-width "１" and other scripts' digits.
_ID_FORM = re.compile(r"[0-9]{17}[0-9Xx]")
_MASK = "*"


# Two-character surnames (复姓) that a name mask must keep whole; a one-character surname is the rule.
_COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "令狐", "夏侯", "端木", "独孤", "南宫", "西门", "百里", "呼延",
        "轩辕", "澹台", "公冶", "太史", "申屠", "钟离", "闻人", "濮阳", "赫连", "万俟",
    }
)  # fmt: skip


# ---- national ID number (居民身份证号码, GB 11643-1999) ---------------------------------------------


def _check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def validate_national_id(text: str) -> str:
    """Check an 18-character 居民身份证号码 against GB 11643-1999 and return it normalised.

    The number is 6 digits of address code, 8 digits of birth date (YYYYMMDD), 3 digits of sequence
    code and one check character (0–9 or X) computed from the first 17 digits (ISO 7064 MOD 11-2).
    Surrounding whitespace is ignored; a lower-case ``x`` is accepted and returned upper-case.

    Args:
        text: the number as written on the ID card.

    Returns:
        The 18 characters with an upper-case ``X``, e.g. ``"11010519491231002X"``.

    Raises:
        InvalidNationalId: not text, not 18 characters, characters other than 17 ASCII digits and a
            digit or X, a birth date that is not a real calendar date, or a wrong check character. The
            reason names which, and for the check character what it should be.
    """
    if not isinstance(text, str):
        raise InvalidNationalId(text, reason="not_text")
    candidate = text.strip()
    if len(candidate) != _ID_LENGTH:
        raise InvalidNationalId(
            text,
            reason="old_length" if len(candidate) == _OLD_ID_LENGTH else "length",
            length=len(candidate),
        )
    if _ID_FORM.fullmatch(candidate) is None:
        raise InvalidNationalId(text, reason="characters")
    candidate = candidate[:17] + candidate[17].upper()
    birth = candidate[6:14]
    try:
        date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        raise InvalidNationalId(text, reason="birth_date") from None
    expected = _check_character(candidate[:17])
    if candidate[17] != expected:
        raise InvalidNationalId(text, reason="check_digit", expected=expected, given=candidate[17])
    return candidate


def national_id_birth_date(text: str) -> date:
    """The birth date written in a national ID number (characters 7–14).

    Args:
        text: an 18-character 居民身份证号码.

    Returns:
        The date of birth.

    Raises:
        InvalidNationalId: the number is not valid (see :func:`validate_national_id`).
    """
    birth = validate_national_id(text)[6:14]
    return date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))


# ---- masks ----------------------------------------------------------------------------------------


def _keep_ends(text: str, head: int, tail: int) -> str:
    # A string too short to hide anything between its ends is hidden entirely: a mask never reveals
    # more than the head and the tail.
    if len(text) <= head + tail:
        return _MASK * len(text)
    return text[:head] + _MASK * (len(text) - head - tail) + text[len(text) - tail :]


def mask_national_id(text: str) -> str:
    """Hide the birth date and sequence code of an ID number: ``110101********123X``.

    Keeps the first 6 characters (the address code) and the last 4. A string of 10 characters or fewer
    is masked entirely. The input is not validated: masking must print whatever is stored.

    Args:
        text: the ID number.

    Returns:
        The masked text, as long as the input.
    """
    return _keep_ends(text.strip(), 6, 4)


def mask_phone(text: str) -> str:
    """Hide the middle of a phone number: ``138****5678``.

    Keeps the first 3 and the last 4 characters; a number of 7 characters or fewer is masked entirely.

    Args:
        text: the phone number.

    Returns:
        The masked text, as long as the input.
    """
    return _keep_ends(text.strip(), 3, 4)


def mask_name(name: str) -> str:
    """Keep the surname and hide the given name: ``王芳芳`` → ``王**``, ``欧阳娜娜`` → ``欧阳**``.

    A two-character surname (复姓 such as 欧阳, 司马) is kept whole when the name is longer than it.
    A one-character name is masked entirely.

    Args:
        name: the person's name.

    Returns:
        The masked name, as long as the input.
    """
    text = name.strip()
    if len(text) <= 1:
        return _MASK * len(text)
    surname = 2 if text[:2] in _COMPOUND_SURNAMES and len(text) > 2 else 1
    return text[:surname] + _MASK * (len(text) - surname)


# ---- the household and its records --------------------------------------------------------------------


class FamilyPlanningStatus(StrEnum):
    """The household's family-planning status: the ground on which it qualifies (domain.md §2.2–2.3)."""

    ONE_CHILD = "one_child"
    """独生子女户: a household with one child (福清 贴息)."""
    TWO_DAUGHTERS = "two_daughters"
    """二女户: a rural household with two daughters (南丰, 蕉城, 福清)."""
    COMPLIANT = "compliant"
    """计划生育家庭: a household that keeps to the family-planning policy (昭通, 新宁)."""
    HARDSHIP = "hardship"
    """计生困难家庭: a family-planning household in hardship."""
    OTHER = "other"
    """非计生户: a household that qualifies on poverty alone, not as a family-planning household (陇家福's
    poverty projects lend to both and favour the 计生户, seed 003)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name used on forms and reports."""
        return _FP_LABELS[self]


_FP_LABELS = {
    FamilyPlanningStatus.ONE_CHILD: "独生子女户",
    FamilyPlanningStatus.TWO_DAUGHTERS: "二女户",
    FamilyPlanningStatus.COMPLIANT: "计划生育家庭",
    FamilyPlanningStatus.HARDSHIP: "计生困难家庭",
    FamilyPlanningStatus.OTHER: "非计生户",
}


class RecordKind(StrEnum):
    """What a dated entry in the household file records."""

    VISIT = "visit"
    """回访: a follow-up visit; a note, optionally an income seen."""
    INCOME = "income"
    """收入: the household's annual income as observed on the date (收入 after aid, §10.4)."""
    POVERTY_EXIT = "poverty_exit"
    """脱贫评估: an assessment of whether the household has left poverty (feeds 脱贫率, §11)."""
    CHANGE = "change"
    """档案变更: a change to the file itself (name, ID number, phone, village, category, size), written by
    :meth:`revolve.Ledger.edit_household` with what changed, old → new (ID and phone masked)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name used on forms and reports."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    RecordKind.VISIT: "回访",
    RecordKind.INCOME: "收入",
    RecordKind.POVERTY_EXIT: "脱贫评估",
    RecordKind.CHANGE: "档案变更",
}


def _check_text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEntry(field, value, reason="text")
    return value.strip()


def _check_id(field: str, value: object, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidEntry(field, value, reason="int_id")
    return value


def check_persons(value: object) -> int | None:
    """Check a household's size (家庭人口): None (not counted) or a whole number of persons, at least 1.

    Raises:
        InvalidEntry: not an int, or less than 1.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidEntry("persons", value, reason="persons")
    return value


def _check_income(value: object) -> Money | None:
    if value is None:
        return None
    if not isinstance(value, Money):
        raise MoneyTypeError(value, reason="income")
    if value.is_negative():
        raise InvalidAmount(value, reason="income_negative")
    return value


@dataclass(frozen=True, slots=True)
class Household:
    """One beneficiary household (受助户) as it stands in the household file.

    Attributes:
        id: the store's id.
        fund_id: the fund (资金池) the household belongs to.
        code: the fund's own reference for the file (档案号), unique in the fund.
        mother_name: the mother's name (受助母亲姓名).
        national_id: her 居民身份证号码, validated and normalised (upper-case X) when constructed.
        org_id: the village or town (organisation) she lives in, if known.
        phone: a contact phone number, if any (blank text is stored as None).
        fp_status: family-planning status, the eligibility ground (a ``str`` value is converted).
        income_before: annual household income before aid (帮扶前家庭年收入), if recorded.
        registered_on: the date the file was opened.
        persons: the household's size (家庭人口), if counted — what 受益人数 (persons helped) sums.
        persons_on: the date of that count (the registration date when not given); a household changes,
            so a later count (:meth:`revolve.Ledger.record_household_size`) replaces it with its own date.

    Raises:
        InvalidNationalId: the ID number is not valid.
        InvalidEntry: an empty code or name, a non-int id, an unknown status.
        MoneyTypeError, InvalidAmount: an income that is not Money or is negative.
        InvalidDate: ``registered_on`` is not a date.
    """

    id: int
    fund_id: int
    code: str
    mother_name: str
    national_id: str
    org_id: int | None
    phone: str | None
    fp_status: FamilyPlanningStatus
    income_before: Money | None
    registered_on: date
    persons: int | None = None
    persons_on: date | None = None

    def __repr__(self) -> str:
        # personal data (name, ID number, phone) only masked: a repr ends up in logs and tracebacks
        phone = None if self.phone is None else mask_phone(self.phone)
        return (
            f"Household(id={self.id!r}, fund_id={self.fund_id!r}, code={self.code!r}, "
            f"mother_name={mask_name(self.mother_name)!r}, national_id={mask_national_id(self.national_id)!r}, "
            f"org_id={self.org_id!r}, phone={phone!r}, fp_status={self.fp_status!r}, "
            f"income_before={self.income_before!r}, registered_on={self.registered_on!r})"
        )

    def __post_init__(self) -> None:
        # The dataclass is frozen; normalised forms are stored through object.__setattr__, once, here.
        _check_id("id", self.id)
        _check_id("fund_id", self.fund_id)
        _check_id("org_id", self.org_id, optional=True)
        object.__setattr__(self, "code", _check_text("code", self.code))
        object.__setattr__(self, "mother_name", _check_text("mother_name", self.mother_name))
        object.__setattr__(self, "national_id", validate_national_id(self.national_id))
        if self.phone is not None:
            if not isinstance(self.phone, str):
                raise InvalidEntry("phone", type(self.phone).__name__, reason="phone_text")
            # An empty cell from a spreadsheet means "no phone", not a phone number of no digits.
            object.__setattr__(self, "phone", self.phone.strip() or None)
        object.__setattr__(self, "fp_status", check_choice(FamilyPlanningStatus, "fp_status", self.fp_status))
        _check_income(self.income_before)
        check_date("registered_on", self.registered_on)
        check_persons(self.persons)
        if self.persons is None:
            object.__setattr__(self, "persons_on", None)
        else:
            object.__setattr__(
                self, "persons_on", check_date("persons_on", self.persons_on or self.registered_on)
            )

    @property
    def birth_date(self) -> date:
        """The mother's date of birth, read from her ID number."""
        return national_id_birth_date(self.national_id)

    def masked(self, *, reveal: bool = False, hide_name: bool = False) -> dict[str, str]:
        """The household's fields as printable text, personal data masked.

        Args:
            reveal: print the ID number and phone in full (for an authorised officer's own screen).
            hide_name: also mask the mother's name to her surname (for public notices and exports).

        Returns:
            A dict with the keys ``id``, ``fund_id``, ``code``, ``mother_name``, ``national_id``,
            ``phone``, ``org_id``, ``fp_status``, ``fp_status_zh``, ``income_before`` and
            ``registered_on``; a missing value is ``""``.
        """
        national_id = self.national_id if reveal else mask_national_id(self.national_id)
        phone = "" if self.phone is None else self.phone if reveal else mask_phone(self.phone)
        return {
            "id": str(self.id),
            "fund_id": str(self.fund_id),
            "code": self.code,
            "mother_name": mask_name(self.mother_name) if hide_name else self.mother_name,
            "national_id": national_id,
            "phone": phone,
            "org_id": "" if self.org_id is None else str(self.org_id),
            "fp_status": self.fp_status.value,
            "fp_status_zh": self.fp_status.label_zh,
            "income_before": "" if self.income_before is None else self.income_before.format(),
            "registered_on": self.registered_on.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    """A dated entry in the household file: a visit, an income observation or a poverty assessment.

    Attributes:
        household_id: the household it is about.
        kind: what it records (a ``str`` value is converted).
        on: the date of the visit, observation or assessment.
        note: free text (may be empty).
        income: annual household income observed; required for ``income`` records, optional for the
            others, never negative.
        exited_poverty: the assessment's verdict (已脱贫 True / 未脱贫 False); required for
            ``poverty_exit`` records and absent (None) on every other kind.

    Raises:
        InvalidAmount: an income record without an income, or a negative income.
        MoneyTypeError: an income that is not Money.
        InvalidEntry: a poverty assessment without a verdict, a verdict on another kind of record, an
            unknown kind, a non-int household id or a note that is not text.
        InvalidDate: ``on`` is not a date.
    """

    household_id: int
    kind: RecordKind
    on: date
    note: str
    income: Money | None
    exited_poverty: bool | None

    def __post_init__(self) -> None:
        _check_id("household_id", self.household_id)
        kind = check_choice(RecordKind, "kind", self.kind)
        object.__setattr__(self, "kind", kind)
        check_date("on", self.on)
        if not isinstance(self.note, str):
            raise InvalidEntry("note", self.note, reason="note")
        income = _check_income(self.income)
        if kind is RecordKind.INCOME and income is None:
            raise InvalidAmount(None, reason="income_missing", hint=Hint(argument="income"))
        if kind is RecordKind.POVERTY_EXIT:
            if not isinstance(self.exited_poverty, bool):
                raise InvalidEntry(
                    "exited_poverty",
                    self.exited_poverty,
                    reason="verdict",
                )
        elif self.exited_poverty is not None:
            raise InvalidEntry(
                "exited_poverty",
                self.exited_poverty,
                reason="verdict_kind",
                record_kind=kind.value,
            )


def validate_record(record: HouseholdRecord, household: Household) -> HouseholdRecord:
    """Check that a record belongs in this household's file before it is stored.

    The record's own consistency (kind against income and verdict) is checked when it is constructed;
    this adds what needs the household: the id must match and the record cannot predate the file.

    Args:
        record: the follow-up record.
        household: the household whose file it goes into.

    Returns:
        The record, unchanged.

    Raises:
        InvalidEntry: the record names another household.
        InvalidDate: the record is dated before the household was registered.
    """
    if record.household_id != household.id:
        raise InvalidEntry(
            "household_id",
            record.household_id,
            reason="other_household",
            household=record.household_id,
            given=household.id,
        )
    if record.on < household.registered_on:
        raise InvalidDate(
            record.on,
            reason="before_registration",
            registered_on=household.registered_on.isoformat(),
        )
    return record


def _single_household(records: Sequence[HouseholdRecord]) -> None:
    ids = {record.household_id for record in records}
    if len(ids) > 1:
        raise InvalidEntry("household_id", sorted(ids), reason="one_household")


def poverty_status(records: Sequence[HouseholdRecord], as_of: date) -> bool | None:
    """Whether the household had left poverty as of a date, by its latest assessment (脱贫评估).

    Args:
        records: the household's records, any kinds, any order.
        as_of: the date the status is wanted for; assessments after it are ignored.

    Returns:
        The verdict of the latest ``poverty_exit`` record dated on or before ``as_of`` (of two on the
        same day, the later in ``records``), or None when the household was never assessed by then.

    Raises:
        InvalidEntry: the records belong to more than one household.
    """
    _single_household(records)
    latest: HouseholdRecord | None = None
    for record in records:
        assessed = record.kind is RecordKind.POVERTY_EXIT and record.on <= as_of
        if assessed and (latest is None or record.on >= latest.on):
            latest = record
    return None if latest is None else latest.exited_poverty


def latest_income(records: Sequence[HouseholdRecord], as_of: date) -> Money | None:
    """The household's income as last observed on or before a date (帮扶后收入, domain.md §10.4).

    Args:
        records: the household's records, any kinds, any order.
        as_of: the date; records after it are ignored.

    Returns:
        The income of the latest record that states one (of two on the same day, the later in
        ``records``), or None when none does.

    Raises:
        InvalidEntry: the records belong to more than one household.
    """
    _single_household(records)
    latest: HouseholdRecord | None = None
    for record in records:
        observed = record.income is not None and record.on <= as_of
        if observed and (latest is None or record.on >= latest.on):
            latest = record
    return None if latest is None else latest.income


@dataclass(frozen=True, slots=True)
class Registration:
    """One household for :meth:`revolve.Ledger.register_households`, with the arguments of
    :meth:`revolve.Ledger.register_household` (see there)."""

    code: str
    mother_name: str
    national_id: str
    registered_on: date
    fp_status: FamilyPlanningStatus | str = FamilyPlanningStatus.COMPLIANT
    org: int | None = None
    phone: str | None = None
    income_before: Money | None = None
    persons: int | None = None

    def __repr__(self) -> str:
        # personal data only masked, as in Household's repr
        texts = [isinstance(v, str) for v in (self.mother_name, self.national_id)]
        name = mask_name(self.mother_name) if texts[0] else type(self.mother_name).__name__
        ident = mask_national_id(self.national_id) if texts[1] else type(self.national_id).__name__
        phone = mask_phone(self.phone) if isinstance(self.phone, str) else self.phone and "…"
        return (
            f"Registration(code={self.code!r}, mother_name={name!r}, national_id={ident!r}, "
            f"registered_on={self.registered_on!r}, fp_status={self.fp_status!r}, org={self.org!r}, "
            f"phone={phone!r}, income_before={self.income_before!r})"
        )
