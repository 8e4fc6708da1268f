"""The passbook pledge register (table ``revolve_passbook_pledge``, with the loan's number from
``revolve_loan``, or from ``revolve_bank_loan`` for a passbook pledged for a bank loan): mothers' passbooks
held for their loans, off the books (存折质押备查簿).

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import Connection, Select, String, and_, bindparam, case, func, insert, select, update

from revolve.guarantees import GuarantorKind
from revolve.money import Money
from revolve.pledges import Passbook, PassbookPledge, Restore
from revolve.store.driver import run_many
from revolve.store.lookup import any_of, select_in
from revolve.store.rows import passbook_pledge_of, passbook_pledge_values
from revolve.store.schema import BankLoanRow, GuaranteeRow, GuarantorRow, LoanRow, PassbookPledgeRow

__all__ = [
    "add_to_deposit_guarantees",
    "find_passbook_pledge",
    "insert_bank_loan_pledge",
    "insert_passbook_pledges",
    "mark_applied",
    "mark_released",
    "passbook_pledges",
    "release_bank_loan_lines",
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


def insert_bank_loan_pledge(conn: Connection, fund_id: int, bank_loan_id: int, p: Passbook, on: date) -> int:
    """Add the register line of a passbook pledged for a bank loan; return its id."""
    return int(
        conn.execute(
            insert(_P)
            .values(passbook_pledge_values(fund_id, None, p, on, bank_loan_id=bank_loan_id))
            .returning(_P.id)
        ).scalar_one()
    )


def _lines() -> Select[tuple[object, ...]]:
    """The register's rows, each with the number of the loan it secures (the fund's or the bank's)."""
    return (
        select(_P.__table__, func.coalesce(LoanRow.number, BankLoanRow.number).label("secured_number"))
        .outerjoin(LoanRow, and_(LoanRow.fund_id == _P.fund_id, LoanRow.id == _P.loan_id))
        .outerjoin(BankLoanRow, and_(BankLoanRow.fund_id == _P.fund_id, BankLoanRow.id == _P.bank_loan_id))
    )


def find_passbook_pledge(conn: Connection, fund_id: int, pledge_id: int) -> PassbookPledge | None:
    """The register line with this id in the fund, if any."""
    row = conn.execute(_lines().where(_P.fund_id == fund_id, _P.id == pledge_id)).first()
    return None if row is None else passbook_pledge_of(row, row.secured_number)


def passbook_pledges(
    conn: Connection,
    fund_id: int,
    *,
    loan_id: int | None = None,
    held_only: bool = False,
    bank_loan_id: int | None = None,
) -> list[PassbookPledge]:
    """The fund's register lines (of one loan or bank loan, or only those not yet released), in the order
    taken."""
    query = _lines().where(_P.fund_id == fund_id).order_by(_P.held_from, _P.id)
    if loan_id is not None:
        query = query.where(_P.loan_id == loan_id)
    if bank_loan_id is not None:
        query = query.where(_P.bank_loan_id == bank_loan_id)
    if held_only:
        query = query.where(_P.released_on.is_(None))
    return [passbook_pledge_of(row, row.secured_number) for row in conn.execute(query)]


def mark_applied(conn: Connection, pledge_id: int, *, on: date, amount: Money, receipt: str) -> None:
    """Record that a passbook was applied to its loan on ``on`` under receipt ``receipt``."""
    conn.execute(
        update(_P).where(_P.id == pledge_id).values(applied_on=on, applied_amount=amount.fen, receipt=receipt)
    )


def mark_released(conn: Connection, pledge_id: int, *, on: date, note: str) -> None:
    """Record that a passbook went back to the mother on ``on``."""
    conn.execute(update(_P).where(_P.id == pledge_id).values(released_on=on, note=note))


# a closing loan seldom holds a passbook: the loans that do are found first, in a few statements, and
# only theirs are released; both statements are built once
_HELD_FOR = (
    select(_P.loan_id)
    .where(_P.fund_id == bindparam("fund"), _P.released_on.is_(None), any_of(_P.loan_id))
    .distinct()
)
_AT_CLOSE = bindparam("at_close", type_=String())
_RELEASE_HELD = (
    update(_P)
    .where(_P.fund_id == bindparam("fund"), _P.loan_id == bindparam("loan"), _P.released_on.is_(None))
    .values(
        released_on=bindparam("closed_on"),
        note=case((_P.note == "", _AT_CLOSE), else_=_AT_CLOSE + "；" + _P.note),
    )
)


def release_held(conn: Connection, fund_id: int, closed: Mapping[int, date], *, note: str) -> None:
    """Release every passbook still held for the loans in ``closed`` (loan id → the day it closed); ``note``
    goes before what the line's note said (the history of a voided application is kept)."""
    holding = select_in(conn, _HELD_FOR, closed, named=False, fund=fund_id)
    run_many(
        conn,
        _RELEASE_HELD,
        [
            {"fund": fund_id, "loan": loan_id, "closed_on": closed[loan_id], "at_close": note}
            for loan_id in sorted(loan_id for (loan_id,) in holding)
        ],
    )


def release_bank_loan_lines(conn: Connection, bank_loan_id: int, *, on: date, note: str) -> None:
    """Release every passbook still held (or applied and not yet handed back) for a bank loan."""
    conn.execute(
        update(_P)
        .where(_P.bank_loan_id == bank_loan_id, _P.released_on.is_(None))
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
