"""Loan applications and their steps (tables ``revolve_application`` and ``revolve_application_step``).

Every function works inside the caller's transaction and never commits. The row ↔ value translation of
applications lives here, beside the two tables it reads, rather than in ``rows.py`` (which is past the
module size the style allows); it is the only place that translates them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, exists, insert, or_, select, update

from revolve.applications import Application, ApplicationStep, Rejection, StepRecord
from revolve.errors import UnknownApplication
from revolve.money import Money
from revolve.store.schema import ApplicationRow, ApplicationStepRow

__all__ = [
    "add_step",
    "find_application",
    "insert_application",
    "link_loans",
    "list_applications",
    "set_rejection",
]

_APP = cast(Table, ApplicationRow.__table__)
_STEP = cast(Table, ApplicationStepRow.__table__)
_ORDER = {step: n for n, step in enumerate(ApplicationStep)}


def _application_of(row: Any, steps: Sequence[StepRecord]) -> Application:
    rejection = (
        None
        if row.rejected_on is None
        else Rejection(row.rejected_on, row.rejected_by or "", row.reject_reason or "")
    )
    return Application(
        id=row.id,
        fund_id=row.fund_id,
        household_id=row.household_id,
        category=row.category,
        amount=Money(int(row.amount)),
        term_months=row.term_months,
        applied_on=row.applied_on,
        purpose=row.purpose,
        steps=tuple(sorted(steps, key=lambda s: _ORDER[s.step])),
        rejection=rejection,
        loan_id=row.loan_id,
    )


def _step_values(fund_id: int, application_id: int, record: StepRecord) -> dict[str, Any]:
    return {
        "fund_id": fund_id,
        "application_id": application_id,
        "step": record.step.value,
        "on_date": record.on,
        "signed_by": record.by,
        "note": record.note,
    }


def insert_application(
    conn: Connection,
    fund_id: int,
    *,
    household_id: int,
    category: str,
    amount: Money,
    term_months: int,
    applied_on: date,
    purpose: str | None,
    first: StepRecord,
) -> Application:
    """Record a new application with its 申请 step; return it."""
    new_id = conn.execute(
        insert(_APP)
        .values(
            fund_id=fund_id,
            household_id=household_id,
            category=category,
            amount=amount.fen,
            term_months=term_months,
            applied_on=applied_on,
            purpose=purpose,
        )
        .returning(_APP.c.id)
    ).scalar_one()
    conn.execute(insert(_STEP).values(_step_values(fund_id, new_id, first)))
    return find_application(conn, fund_id, new_id)


def _read(
    conn: Connection, fund_id: int, ids: Iterable[int] | None, pending_on: date | None = None
) -> list[Application]:
    query = select(_APP).where(_APP.c.fund_id == fund_id).order_by(_APP.c.id)
    if ids is not None:
        query = query.where(_APP.c.id.in_(list(ids)))
    if pending_on is not None:
        paid_later = (
            exists()
            .where(_STEP.c.fund_id == _APP.c.fund_id, _STEP.c.application_id == _APP.c.id)
            .where(_STEP.c.step == ApplicationStep.DISBURSE.value, _STEP.c.on_date > pending_on)
        )
        query = query.where(
            _APP.c.applied_on <= pending_on,
            or_(_APP.c.rejected_on.is_(None), _APP.c.rejected_on > pending_on),
            or_(_APP.c.loan_id.is_(None), paid_later),
        )
    rows = conn.execute(query).all()
    if not rows:
        return []
    steps: dict[int, list[StepRecord]] = {row.id: [] for row in rows}
    # the steps of the same applications, by a subquery (no bound list of ids, however many there are)
    chosen = query.with_only_columns(_APP.c.id).order_by(None)
    found = conn.execute(
        select(_STEP).where(_STEP.c.fund_id == fund_id, _STEP.c.application_id.in_(chosen.scalar_subquery()))
    )
    for s in found:
        steps[s.application_id].append(StepRecord(ApplicationStep(s.step), s.on_date, s.signed_by, s.note))
    return [_application_of(row, steps[row.id]) for row in rows]


def find_application(conn: Connection, fund_id: int, application_id: object) -> Application:
    """The fund's application with this id.

    Raises:
        UnknownApplication: no application of the fund has this id.
    """
    if isinstance(application_id, bool) or not isinstance(application_id, int):
        raise UnknownApplication(application_id, reason="int_id")
    found = _read(conn, fund_id, [application_id])
    if not found:
        raise UnknownApplication(application_id)
    return found[0]


def list_applications(conn: Connection, fund_id: int, *, pending_on: date | None = None) -> list[Application]:
    """Every application of the fund, by id; with ``pending_on``, only those pending at the end of that
    day (made by then, neither rejected nor paid out by then)."""
    return _read(conn, fund_id, None, pending_on)


def add_step(conn: Connection, fund_id: int, application_id: int, record: StepRecord) -> None:
    """Record a step taken."""
    conn.execute(insert(_STEP).values(_step_values(fund_id, application_id, record)))


def set_rejection(conn: Connection, fund_id: int, application_id: int, rejection: Rejection) -> None:
    """Mark an application rejected."""
    conn.execute(
        update(_APP)
        .where(_APP.c.fund_id == fund_id, _APP.c.id == application_id)
        .values(rejected_on=rejection.on, rejected_by=rejection.by, reject_reason=rejection.reason)
    )


def link_loans(conn: Connection, fund_id: int, links: Sequence[tuple[int, int, StepRecord]]) -> None:
    """Record loans paid out from applications of the fund: (application id, loan id, its 放款 step)."""
    for application_id, loan_id, record in links:
        conn.execute(
            update(_APP).where(_APP.c.fund_id == fund_id, _APP.c.id == application_id).values(loan_id=loan_id)
        )
        add_step(conn, fund_id, application_id, record)
