"""The loan file (借款档案): what the loan is for, the agreement it was lent under, and who helps the mother.

domain.md §2.9 (the money goes to production: 种养业, processing, trade …), §2.7/§10.1 (the agreement
the county office signs with the mother; Xiamen's is three-party: the fund, the borrower and her
guarantor) and §10.7 (一户一档) ask a loan to carry:

* its **purpose** (用途): one of :class:`LoanPurpose` — 种植, 养殖, 加工, 商贸, 服务, 其他 — with an
  optional free-text note; a purpose the list does not name is 其他 with the text as its note (the
  choice is revolve's: a report can group by the six, and nothing written is lost);
* the **三方协议** (fund, borrower, guarantor) with its number (协议编号) and date (协议日期);
* the **帮扶责任人**: the cadre responsible for helping the household.

Every field is optional, so books kept before the file existed read back unchanged. Pure: no storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from revolve.checks import check_date
from revolve.errors import InvalidEntry

__all__ = ["LoanFile", "LoanPurpose", "purpose_of"]

_TEXT_MAX = {"purpose_note": 200, "agreement_no": 100, "helper": 100}


class LoanPurpose(StrEnum):
    """What a loan is for (用途)."""

    PLANTING = "planting"
    LIVESTOCK = "livestock"
    PROCESSING = "processing"
    TRADE = "trade"
    SERVICES = "services"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        """The Chinese name (种植, 养殖, 加工, 商贸, 服务, 其他)."""
        return _LABELS[self]


_LABELS = {
    LoanPurpose.PLANTING: "种植",
    LoanPurpose.LIVESTOCK: "养殖",
    LoanPurpose.PROCESSING: "加工",
    LoanPurpose.TRADE: "商贸",
    LoanPurpose.SERVICES: "服务",
    LoanPurpose.OTHER: "其他",
}
_BY_TEXT = {**{p.value: p for p in LoanPurpose}, **{label: p for p, label in _LABELS.items()}}


def purpose_of(text: str) -> tuple[LoanPurpose, str | None]:
    """Read a purpose as written in a sheet or on the command line.

    Args:
        text: a Chinese label (``"养殖"``), an identifier (``"livestock"``) or any other text.

    Returns:
        The purpose and a note: a label or identifier gives ``(purpose, None)``; other text gives
        ``(LoanPurpose.OTHER, text)`` (e.g. ``"刺绣"`` → 其他, note 刺绣).

    Raises:
        InvalidEntry: empty text.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidEntry("purpose", text, reason="purpose")
    found = _BY_TEXT.get(text.strip())
    return (found, None) if found is not None else (LoanPurpose.OTHER, text.strip())


def _text(field: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEntry(field, value, reason="text_or_none")
    value = value.strip()
    if len(value) > _TEXT_MAX[field]:
        raise InvalidEntry(field, value, reason="too_long", limit=_TEXT_MAX[field])
    return value or None


@dataclass(frozen=True, slots=True)
class LoanFile:
    """A loan's file: purpose, the three-party agreement (三方协议) and the 帮扶责任人.

    Attributes:
        purpose: what the loan is for; a ``str`` (label, identifier or free text) is read by
            :func:`purpose_of`.
        purpose_note: free text beside the purpose (for 其他, what it is).
        agreement_no: the 三方协议 number (协议编号).
        agreement_on: the date the agreement was signed (协议日期).
        helper: the 帮扶责任人 (the person responsible for helping the household).

    Raises:
        InvalidEntry: text too long or not text; an empty purpose.
        InvalidDate: ``agreement_on`` is not a date.
    """

    purpose: LoanPurpose | None = None
    purpose_note: str | None = None
    agreement_no: str | None = None
    agreement_on: date | None = None
    helper: str | None = None

    def __post_init__(self) -> None:
        note = _text("purpose_note", self.purpose_note)
        if self.purpose is not None and not isinstance(self.purpose, LoanPurpose):
            purpose, read_note = purpose_of(self.purpose)
            object.__setattr__(self, "purpose", purpose)
            note = note or read_note
        object.__setattr__(self, "purpose_note", note)
        object.__setattr__(self, "agreement_no", _text("agreement_no", self.agreement_no))
        object.__setattr__(self, "helper", _text("helper", self.helper))
        if self.agreement_on is not None:
            check_date("agreement_on", self.agreement_on)

    @property
    def purpose_text(self) -> str:
        """The purpose as printed: ``"养殖"``, ``"其他（刺绣）"``, or ``""`` when not recorded."""
        if self.purpose is None:
            return ""
        label = self.purpose.label_zh
        return f"{label}（{self.purpose_note}）" if self.purpose_note else label
