"""The record digests' canonical form (:mod:`revolve.records`): written directly, it is exactly the JSON
the general encoder writes, so every digest stored before stays valid."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date
from enum import Enum, StrEnum

from hypothesis import given
from hypothesis import strategies as st

from revolve.money import Money
from revolve.records import _canon, canonical_text, record_digest


class _Kind(StrEnum):
    A = "甲"
    B = 'b"\\'


class _Level(Enum):
    ONE = 1


_VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(),
    st.none(),
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC])),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**12), max_value=10**12).map(Money),
    st.sampled_from(list(_Kind)),
    st.sampled_from(list(_Level)),
)


def _reference(kind: str, parts: list[object]) -> str:
    return json.dumps([kind, *(_canon(p) for p in parts)], ensure_ascii=False, separators=(",", ":"))


@given(kind=st.one_of(st.text(), st.sampled_from(list(_Kind))), parts=st.lists(_VALUES, max_size=12))
def test_the_canonical_text_is_the_encoders_json(kind: str, parts: list[object]) -> None:
    assert canonical_text(kind, parts) == _reference(kind, parts)


def test_a_digest_is_pinned() -> None:
    # a receipt's digest as it was stored before the canonical text was written directly
    parts = [7, "R-1", date(2016, 4, 11), "repayment", None, True, '王秀英\n"引"']
    assert canonical_text("receipt", parts) == (
        '["receipt",7,"R-1","2016-04-11","repayment",null,1,"王秀英\\n\\"引\\""]'
    )
    reference = _reference("receipt", parts).encode("utf-8")
    assert record_digest("receipt", parts) == hashlib.sha256(reference).hexdigest()
