"""The passbook pledge register (table ``revolve_passbook_pledge``, with the loan's number from
``revolve_loan``): mothers' passbooks held for their loans, off the books (存折质押备查簿).

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import Connection, and_, case, insert, select, update

from revolve.guarantees import GuarantorKind
from revolve.money import Money
from revolve.pledges import Passbook, PassbookPledge, Restore
from revolve.store.rows import passbook_pledge_of, passbook_pledge_values
from revolve.store.schema import GuaranteeRow, GuarantorRow, LoanRow, PassbookPledgeRow

__all__ = [
    "add_to_deposit_guarantees",
    "find_passbook_pledge",
    "insert_passbook_pledges",
    "mark_applied",
    "mark_released",
    "passbook_pledges",
    "release_held",
    "restore_lines",
]

_P = PassbookPledgeRow


def insert_passbook_pledges(
    conn: Connection, fund_id: int, lines: Sequence[tuple[int, Passbook, date]]
) -> list[int]:
    """Add register lines (loan id, passbook, held from); return their ids in order."""
    return [
        int(
            conn.execute(
                insert(_P).values(passbook_pledge_values(fund_id, loan_id, p, on)).returning(_P.id)
            ).scalar_one()
        )
        for loan_id, p, on in lines
    ]


def find_passbook_pledge(conn: Connection, fund_id: int, pledge_id: int) -> PassbookPledge | None:
    """The register line with this id in the fund, if any."""
    row = conn.execute(
        select(_P.__table__, LoanRow.number)
        .join(LoanRow, LoanRow.id == _P.loan_id)
        .where(_P.fund_id == fund_id, _P.id == pledge_id)
    ).first()
    return None if row is None else passbook_pledge_of(row, row.number)


def passbook_pledges(
    conn: Connection, fund_id: int, *, loan_id: int | None = None, held_only: bool = False
) -> list[PassbookPledge]:
    """The fund's register lines (of one loan, or only those not yet released), in the order taken."""
    query = (
        select(_P.__table__, LoanRow.number)
        .join(LoanRow, LoanRow.id == _P.loan_id)
        .where(_P.fund_id == fund_id)
        .order_by(_P.held_from, _P.id)
    )
    if loan_id is not None:
        query = query.where(_P.loan_id == loan_id)
    if held_only:
        query = query.where(_P.released_on.is_(None))
    return [passbook_pledge_of(row, row.number) for row in conn.execute(query)]


def mark_applied(conn: Connection, pledge_id: int, *, on: date, amount: Money, receipt: str) -> None:
    """Record that a passbook was applied to its loan on ``on`` under receipt ``receipt``."""
    conn.execute(
        update(_P).where(_P.id == pledge_id).values(applied_on=on, applied_amount=amount.fen, receipt=receipt)
    )


def mark_released(conn: Connection, pledge_id: int, *, on: date, note: str) -> None:
    """Record that a passbook went back to the mother on ``on``."""
    conn.execute(update(_P).where(_P.id == pledge_id).values(released_on=on, note=note))


def release_held(conn: Connection, fund_id: int, closed: Mapping[int, date], *, note: str) -> None:
    """Release every passbook still held for the loans in ``closed`` (loan id → the day it closed); ``note``
    goes before what the line's note said (the history of a voided application is kept)."""
    for loan_id, on in closed.items():
        conn.execute(
            update(_P)
            .where(_P.fund_id == fund_id, _P.loan_id == loan_id, _P.released_on.is_(None))
            .values(released_on=on, note=case((_P.note == "", note), else_=note + "；" + _P.note))
        )


def restore_lines(conn: Connection, restores: Sequence[Restore]) -> None:
    """Put register lines back as a voided receipt leaves them: application and/or release cleared, the
    note recording what was undone."""
    for r in restores:
        values: dict[str, object] = {"note": r.note}
        if r.unapply:
            values.update(applied_on=None, applied_amount=0, receipt=None)
        if r.unrelease:
            values.update(released_on=None)
        conn.execute(update(_P).where(_P.id == r.pledge_id).values(**values))


def add_to_deposit_guarantees(conn: Connection, loan_id: int, amount: Money) -> None:
    """Add ``amount`` to what the loan's deposit-pledge guarantees (存折质押) record as pledged."""
    deposit_pledgers = select(GuarantorRow.id).where(GuarantorRow.kind == GuarantorKind.DEPOSIT_PLEDGE.value)
    conn.execute(
        update(GuaranteeRow)
        .where(and_(GuaranteeRow.loan_id == loan_id, GuaranteeRow.guarantor_id.in_(deposit_pledgers)))
        .values(pledged=GuaranteeRow.pledged + amount.fen)
    )
