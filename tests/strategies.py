"""Hypothesis strategies for revolve's domain values, gathered in one place.

Every test module draws money, dates and loans from here, so a change to what "a realistic loan" means
is made once. Strategies produce *valid* values only; tests of refusals build their bad input by hand.

The loans are the ones revolve serves — 幸福工程 revolving loans (mostly interest-free bullets), bank-lent
subsidised loans (贴息, a year or two at a few per cent) and local instalment loans — widened to every
method, frequency, interest mode, day count, due-date rule, grace, fee and rounding option:

* principal from one fen to ¥10,000,000; rate 0 (often) to 15 % a year, annual or monthly;
* up to 60 periods and at most about four years. The duration and rate bounds matter for equal
  instalments: the last instalment's difference from the others grows with the accumulated value of the
  rounding residue, which stays below one unit per instalment only while rate × years stays near 1 or
  below (docs/schedules.md, "Rounding"). 30-year mortgages are tested with published figures instead.
* with ``level_room=True`` (and always when an instalment multiple is drawn) an equal-instalment or
  equal-principal loan has a principal of at least ``3·unit·n²`` fen for n amortising periods and a unit
  of one fen or the multiple. Below that the level instalment is only a few units, the rounding of each
  period's interest is as large as the instalment itself, and the last instalment cannot stay within n
  units of the others (¥0.51 over 21 periods is level at ¥0.02 with a last instalment of ¥0.23) — or,
  with a multiple, the loan is refused because the rounded level would repay it early. Tiny loans are
  still drawn when ``level_room`` is False, for every other property.

Other engineers add strategies for their modules below.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from hypothesis import strategies as st

from revolve.dates import (
    BIWEEKLY,
    HALF_YEARLY,
    MONTHLY,
    QUARTERLY,
    WEEKLY,
    YEARLY,
    DayCount,
    Frequency,
)
from revolve.money import Money
from revolve.schedule import (
    FeeTiming,
    InterestGrace,
    InterestMode,
    LoanTerms,
    RatePeriod,
    RepaymentMethod,
)

__all__ = [
    "calendar_dates",
    "frequencies",
    "loan_terms",
    "money",
    "rates",
]

MAX_PRINCIPAL_FEN = 1_000_000_000  # ¥10,000,000
MAX_TERM = 60
MAX_YEARS = 4


def money(min_fen: int = 1, max_fen: int = MAX_PRINCIPAL_FEN) -> st.SearchStrategy[Money]:
    """Money between two amounts in fen, inclusive."""
    return st.integers(min_fen, max_fen).map(Money)


def calendar_dates(min_year: int = 2000, max_year: int = 2035) -> st.SearchStrategy[date]:
    """Dates in a range of years; month ends and 29 February come up often."""
    return st.dates(date(min_year, 1, 1), date(max_year, 12, 31))


def rates(max_basis_points: int = 1500) -> st.SearchStrategy[Decimal]:
    """Annual rates (or fee rates) as Decimals to a hundredth of a per cent: 0 often, else up to
    ``max_basis_points`` (15 % by default)."""
    return st.one_of(
        st.just(Decimal(0)),
        st.integers(1, max_basis_points).map(lambda bp: Decimal(bp).scaleb(-4)),
    )


def frequencies() -> st.SearchStrategy[Frequency]:
    """The named frequencies and every N months (1–12) or N days (1–60)."""
    return st.one_of(
        st.sampled_from([WEEKLY, BIWEEKLY, MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY]),
        st.integers(1, 12).map(Frequency.every_months),
        st.integers(1, 60).map(Frequency.every_days),
    )


def _period_days(frequency: Frequency) -> int:
    return frequency.days or 31 * frequency.months


@st.composite
def loan_terms(
    draw: st.DrawFn,
    methods: tuple[RepaymentMethod, ...] = tuple(RepaymentMethod),
    *,
    level_room: bool = False,
    interest_grace: bool = False,
) -> LoanTerms:
    """Valid LoanTerms of any of ``methods``, across every option the schedule module offers.

    Args:
        draw: Hypothesis's draw function.
        methods: the repayment methods to draw from.
        level_room: give amortising loans a principal of at least 3·unit·n² fen (see the module
            docstring).
        interest_grace: draw an interest grace (宽限期, waived or deferred) for the methods that take
            one (equal instalment, equal principal, flat), and no principal grace (the two exclude each
            other).
    """
    method = draw(st.sampled_from(methods))
    frequency = draw(frequencies())
    start = draw(calendar_dates())
    period_days = _period_days(frequency)
    longest = max(1, min(MAX_TERM, MAX_YEARS * 365 // period_days))
    term = draw(st.integers(1, longest))
    annual = draw(rates())
    rate_period = draw(st.sampled_from(RatePeriod))
    rate = annual if rate_period is RatePeriod.ANNUAL else (annual / 12).quantize(Decimal("0.000001"))

    first_due = day_of_month = None
    explicit: tuple[date, ...] = ()
    rule = draw(st.sampled_from(["anchor", "first_due", "day_of_month", "explicit"]))
    if rule == "first_due":
        first_due = start + timedelta(days=draw(st.integers(1, period_days + period_days // 2)))
    elif rule == "day_of_month" and frequency.months:
        day_of_month = draw(st.integers(1, 31))
    elif rule == "explicit":
        gaps = draw(st.lists(st.integers(1, period_days + period_days // 4), min_size=term, max_size=term))
        moment = start
        dates = []
        for gap in gaps:
            moment += timedelta(days=gap)
            dates.append(moment)
        explicit = tuple(dates)

    principal_grace = method in (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL)
    amortising = principal_grace or method is RepaymentMethod.FLAT
    grace = (
        draw(st.one_of(st.just(0), st.integers(0, term - 1))) if principal_grace and not interest_grace else 0
    )
    interest_grace_periods = 0
    if interest_grace and amortising and term > 1:
        interest_grace_periods = draw(st.integers(0, term - 1))
    multiple = draw(st.sampled_from([None, None, Money(100), Money(1000)])) if amortising else None
    # an amortising loan repays at least one unit (a fen, or the multiple) in each instalment
    smallest = (multiple.fen if multiple else 1) * (term - grace) if amortising else 1
    if multiple is not None or (amortising and level_room):
        smallest = 3 * (multiple.fen if multiple else 1) * (term - grace) ** 2
    principal = draw(money(min(smallest, MAX_PRINCIPAL_FEN)))

    amounts: tuple[Money, ...] = ()
    if method is RepaymentMethod.CUSTOM:
        cuts = sorted(draw(st.lists(st.integers(0, principal.fen), min_size=term - 1, max_size=term - 1)))
        bounds = [0, *cuts, principal.fen]
        amounts = tuple(Money(b - a) for a, b in itertools.pairwise(bounds))

    return LoanTerms(
        principal=principal,
        start=start,
        term=term,
        method=method,
        rate=rate,
        rate_period=rate_period,
        frequency=frequency,
        interest_mode=draw(st.sampled_from(InterestMode)),
        day_count=draw(st.sampled_from(DayCount)),
        first_due=first_due,
        day_of_month=day_of_month,
        due_dates=explicit,
        principal_amounts=amounts,
        grace_periods=grace,
        fee_rate=draw(rates(max_basis_points=500)),
        fee_timing=draw(st.sampled_from(FeeTiming)),
        rounding=draw(st.sampled_from([ROUND_HALF_UP, ROUND_HALF_EVEN])),
        installment_multiple=multiple,
        interest_grace_periods=interest_grace_periods,
        interest_grace=draw(st.sampled_from(InterestGrace)),
    )
