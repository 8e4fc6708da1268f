"""Restrictions that end and money that leaves restricted (issue 11, restriction release), on both backends.

A contribution restricted until a date (时间限制) is released on that date — by ``close_period`` or by
``release_ended_restrictions`` — once, never beyond what is still restricted; voiding the contribution
reverses its release. Money returned to finance (上缴财政) releases what it takes out of restricted net
assets. Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from revolve import AccountRole, Ledger, Money, OrgLevel, RestrictionPolicy, yuan
from revolve.closing import ReleaseEvent
from revolve.errors import IdempotencyConflict, InvalidDate, PeriodClosed, TimeRestrictionRefused
from revolve.restrictions import restricted_floor

R = AccountRole
D = date
ID_1 = "11010519491231002X"


@pytest.fixture
def fund(ledger: Ledger) -> Ledger:
    """A county fund with ¥10,000 of purpose-restricted money and ¥1,000 unrestricted."""
    c = ledger.create_org("FN", "丰宁县", OrgLevel.COUNTY)
    ledger.create_fund("FN", "丰宁县幸福工程资金", org=c)
    ledger.contribute("FN", amount=yuan("10000"), on=D(2016, 1, 5), receipt="D-1")
    ledger.contribute("FN", amount=yuan("1000"), on=D(2016, 1, 6), restricted=False)
    ledger.register_household(
        "FN", code="H1", mother_name="王秀英", national_id=ID_1, registered_on=D(2016, 1, 1)
    )
    return ledger


def _lines(entry: Any) -> list[tuple[str, int]]:
    return [(str(line.account), line.amount.fen) for line in entry.lines]


def _releases(ledger: Ledger) -> list[Any]:
    return [e for e in ledger.entries("FN") if e.kind == "restriction.release"]


# ---- time restrictions --------------------------------------------------------------------------------
def test_a_time_restriction_is_released_on_its_end_date_by_the_explicit_operation(fund: Ledger) -> None:
    gift = fund.contribute(
        "FN", amount=yuan("30000"), on=D(2016, 3, 1), receipt="D-2", restricted_until=D(2019, 3, 1)
    )
    (line,) = fund.time_restrictions("FN")
    assert (line.contribution_seq, line.amount, line.until, line.released_on) == (
        gift.seq, yuan("30000"), D(2019, 3, 1), None,
    )  # fmt: skip
    # not before its end date
    assert fund.release_ended_restrictions("FN", through=D(2019, 2, 28)) == []
    assert _releases(fund) == []
    (posted,) = fund.release_ended_restrictions("FN", through=D(2019, 12, 31))
    assert (posted.kind, posted.value_date) == ("restriction.release", D(2019, 3, 1))
    assert _lines(posted) == [("restricted_net_assets", 3_000_000), ("unrestricted_net_assets", -3_000_000)]
    assert "限定期满" in posted.memo
    (line,) = fund.time_restrictions("FN")
    assert (line.released_on, line.released, line.release_seq) == (D(2019, 3, 1), yuan("30000"), posted.seq)
    # once: a repeat does nothing
    assert fund.release_ended_restrictions("FN", through=D(2020, 12, 31)) == []
    assert len(_releases(fund)) == 1
    assert fund.check() == []


def test_close_period_releases_the_time_restrictions_ended_by_its_date_before_closing(fund: Ledger) -> None:
    fund.contribute("FN", amount=yuan("30000"), on=D(2016, 3, 1), restricted_until=D(2016, 9, 30))
    fund.contribute("FN", amount=yuan("5000"), on=D(2016, 3, 2), restricted_until=D(2017, 3, 2))
    fund.close_period("FN", through=D(2016, 6, 30))
    assert _releases(fund) == []
    fund.contribute("FN", amount=yuan("100"), on=D(2016, 10, 1), restricted=False)
    fund.close_period("FN", through=D(2016, 12, 31))
    (release,) = _releases(fund)
    assert release.value_date == D(2016, 9, 30)
    year_end = [e.seq for e in fund.entries("FN") if e.kind.startswith("close.") and e.value_date.month == 12]
    assert year_end and release.seq < min(year_end)  # released before the year-end closing entries
    # after the close: 10,000 + 30,000 + 5,000 restricted, 30,000 of it released; 1,000 + 100 + 30,000 free
    assert fund.balance("FN", R.RESTRICTED_NET_ASSETS) == -yuan("15000")
    assert fund.balance("FN", R.UNRESTRICTED_NET_ASSETS) == -yuan("31100")
    with pytest.raises(PeriodClosed):
        fund.contribute("FN", amount=yuan("1"), on=D(2016, 12, 1))
    assert [ln.released_on for ln in fund.time_restrictions("FN")] == [D(2016, 9, 30), None]


def test_a_time_release_never_exceeds_what_is_still_restricted(fund: Ledger) -> None:
    fund.contribute("FN", amount=yuan("2000"), on=D(2016, 2, 1), restricted_until=D(2016, 6, 30))
    # 12,000 restricted; grants dated after the end date use 11,500 of it (each releases what it uses)
    for n, day in enumerate((D(2016, 7, 1), D(2016, 7, 2))):
        fund.grant("FN", "H1", amount=yuan("5750"), on=day, memo=f"g{n}")
    # restricted on 2016-06-30: 12,000, but from 2016-07-02 on only 500 is left: the release is 500
    (posted,) = fund.release_ended_restrictions("FN", through=D(2016, 12, 31))
    assert posted.value_date == D(2016, 6, 30)
    assert _lines(posted) == [("restricted_net_assets", 50_000), ("unrestricted_net_assets", -50_000)]
    assert fund.time_restrictions("FN")[0].released == yuan("500")
    assert fund.check() == []


def test_a_time_restriction_needs_restricted_money_and_an_end_after_the_gift(fund: Ledger) -> None:
    before = len(fund.entries("FN"))
    with pytest.raises(TimeRestrictionRefused) as refused:
        fund.contribute(
            "FN", amount=yuan("10"), on=D(2016, 3, 1), restricted=False, restricted_until=D(2017, 1, 1)
        )
    assert refused.value.until == D(2017, 1, 1)
    with pytest.raises(InvalidDate):
        fund.contribute("FN", amount=yuan("10"), on=D(2016, 3, 1), restricted_until=D(2016, 3, 1))
    assert len(fund.entries("FN")) == before
    assert fund.time_restrictions("FN") == []
    # government money is always restricted: it may carry a time restriction
    fund.contribute(
        "FN", amount=yuan("10"), on=D(2016, 3, 1), source="fiscal", restricted_until=D(2017, 1, 1)
    )
    # a retry with the same receipt records one restriction
    for _ in range(2):
        fund.contribute(
            "FN", amount=yuan("7"), on=D(2016, 3, 2), receipt="T-1", restricted_until=D(2018, 1, 1)
        )
    assert len(fund.time_restrictions("FN")) == 2
    # the same receipt with another end date is another contribution: refused, nothing written
    with pytest.raises(IdempotencyConflict):
        fund.contribute(
            "FN", amount=yuan("7"), on=D(2016, 3, 2), receipt="T-1", restricted_until=D(2019, 1, 1)
        )
    assert [ln.until for ln in fund.time_restrictions("FN")][-1] == D(2018, 1, 1)


def test_voiding_a_contribution_cancels_its_restriction_and_reverses_its_release(fund: Ledger) -> None:
    pending = fund.contribute("FN", amount=yuan("300"), on=D(2016, 3, 1), restricted_until=D(2018, 1, 1))
    ended = fund.contribute("FN", amount=yuan("400"), on=D(2016, 3, 2), restricted_until=D(2016, 4, 1))
    (release,) = fund.release_ended_restrictions("FN", through=D(2016, 4, 30))
    fund.void_contribution("FN", pending, on=D(2016, 5, 1), reason="录错", approved_by="会计")
    fund.void_contribution("FN", ended, on=D(2016, 5, 2), reason="录错", approved_by="会计")
    lines = {ln.contribution_seq: ln for ln in fund.time_restrictions("FN")}
    assert lines[pending.seq].cancelled_on == D(2016, 5, 1)
    assert lines[ended.seq].cancelled_on == D(2016, 5, 2)
    reversals = [e for e in fund.entries("FN") if e.reverses == release.seq]
    assert len(reversals) == 1 and reversals[0].value_date == D(2016, 5, 2)
    # the cancelled restriction never releases; restricted is back to the 10,000 of the fixture
    assert fund.release_ended_restrictions("FN", through=D(2019, 1, 1)) == []
    assert fund.balance("FN", R.RESTRICTED_NET_ASSETS) + fund.balance("FN", R.DONATION_REVENUE) == -yuan(
        "10000"
    )
    assert fund.check() == []


# ---- return to finance ------------------------------------------------------------------------------
def test_return_to_finance_releases_what_it_takes_out_of_restricted(fund: Ledger) -> None:
    fund.contribute("FN", amount=yuan("5000"), on=D(2016, 2, 1), source="fiscal")
    fund.return_to_finance("FN", amount=yuan("4000"), on=D(2016, 6, 1), reference="财政存量资金")
    release = fund.entries("FN")[-1]
    assert (release.kind, release.value_date) == ("restriction.release", D(2016, 6, 1))
    assert _lines(release) == [("restricted_net_assets", 400_000), ("unrestricted_net_assets", -400_000)]
    assert "上缴财政" in release.memo
    fund.close_period("FN", through=D(2016, 12, 31))
    # restricted 15,000 − 4,000 returned; unrestricted untouched by the return: 1,000
    assert fund.balance("FN", R.RESTRICTED_NET_ASSETS) == -yuan("11000")
    assert fund.balance("FN", R.UNRESTRICTED_NET_ASSETS) == -yuan("1000")


def test_return_to_finance_releases_under_the_policy_and_old_policies_read_as_on(fund: Ledger) -> None:
    assert RestrictionPolicy().on_return is True
    assert RestrictionPolicy().releases(ReleaseEvent.RETURN)
    fund.set_restriction_policy("FN", RestrictionPolicy(on_return=False))
    assert fund.restriction_policy("FN") == RestrictionPolicy(on_return=False)
    fund.return_to_finance("FN", amount=yuan("100"), on=D(2016, 6, 1), reference="x")
    assert fund.entries("FN")[-1].kind == "return_to_finance"
    fund.set_restriction_policy("FN", RestrictionPolicy(on_grant=False))
    assert fund.restriction_policy("FN").on_return is True


def test_the_floor_is_the_least_restricted_balance_from_a_date_on() -> None:
    moves = [(D(2016, 1, 1), Money(1000)), (D(2016, 3, 1), Money(-700)), (D(2016, 5, 1), Money(500))]
    assert restricted_floor(moves, since=D(2015, 12, 31)) == Money(0)
    assert restricted_floor(moves, since=D(2016, 1, 1)) == Money(300)
    assert restricted_floor(moves, since=D(2016, 4, 1)) == Money(300)
    assert restricted_floor(moves, since=D(2016, 6, 1)) == Money(800)
