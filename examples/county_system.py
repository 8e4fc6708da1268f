"""A county system that keeps its own tables and embeds revolve's books in its own transactions.

A county's 幸福工程 office runs an application system: mothers apply, the town office reviews, the county
approves. When the county pays a loan out, two things must happen together or not at all — the
application is marked paid in the county's own table, and the loan enters the fund's books. So the
county system makes its own SQLAlchemy Engine and Session, creates its own tables, and hands the Session
to revolve: ``revolve.Ledger(session=session)``. revolve then runs each operation in a SAVEPOINT inside
the county's transaction and never commits; the county commits (or rolls back) its rows and the books
together. An operation revolve refuses undoes only its own savepoint, and the county's transaction goes
on.

The database is PostgreSQL when ``REVOLVE_DATABASE_URL`` names one (the example then works in a schema
of its own and drops it at the end), otherwise a SQLite file in a temporary folder. Run it with::

    python examples/county_system.py
    REVOLVE_DATABASE_URL=postgresql+psycopg://user@host/db python examples/county_system.py

Every figure printed is read back from the database after the county's commits.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, ForeignKey, String, create_engine, event, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import revolve
from revolve import (
    GuarantorKind,
    InsufficientFunds,
    LoanStatus,
    LoanTerms,
    OrgLevel,
    Policy,
    RepaymentMethod,
    yuan,
)


class CountyBase(DeclarativeBase):
    """The county system's own models, in its own MetaData (revolve's tables are prefixed ``revolve_``)."""


class Application(CountyBase):
    """A mother's application, as the county system tracks it."""

    __tablename__ = "county_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    mother_name: Mapped[str] = mapped_column(String(40))
    national_id: Mapped[str] = mapped_column(String(18), unique=True)
    village: Mapped[str] = mapped_column(String(40))
    amount_yuan: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="approved")  # approved → paid
    loan_number: Mapped[str | None] = mapped_column(String(40))


class Visit(CountyBase):
    """A town officer's follow-up visit, kept by the county system beside the loan."""

    __tablename__ = "county_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("county_application.id"))
    on: Mapped[date]
    note: Mapped[str] = mapped_column(String(200))


APPLICATIONS = (
    ("王秀英", "130826198503120024", "大阁镇南关村", 5000),
    ("李桂兰", "130826198711050040", "凤山镇凤山村", 5000),
    ("张玉梅", "130826199002280024", "黄旗镇黄旗村", 5000),
)


def _sqlite_engine(path: Path) -> Engine:
    """The county's own SQLite Engine, set up as SQLAlchemy documents for SAVEPOINTs under pysqlite.

    pysqlite begins and commits transactions on its own unless told not to; then the SAVEPOINT revolve
    releases would commit the county's work behind its back (docs/embedding.md). The county takes that
    control away and begins its transactions itself, with the pragmas revolve relies on.
    """
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        for pragma in (
            "foreign_keys = ON",
            "journal_mode = WAL",
            "synchronous = FULL",
            "busy_timeout = 10000",
        ):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def county_engine() -> Iterator[tuple[Engine, str]]:
    """The county's Engine: PostgreSQL from ``REVOLVE_DATABASE_URL`` in a schema of its own, else SQLite."""
    url = os.environ.get("REVOLVE_DATABASE_URL", "")
    if url.startswith("postgresql"):
        schema = f"county_demo_{uuid.uuid4().hex[:12]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            yield engine, f"PostgreSQL（模式 {schema}）"
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        return
    with tempfile.TemporaryDirectory(prefix="county-system-") as folder:
        engine = _sqlite_engine(Path(folder) / "county.db")
        try:
            yield engine, "SQLite（临时文件）"
        finally:
            engine.dispose()


def set_up(engine: Engine) -> None:
    """Day one: the county's tables, revolve's tables, the fund, its money and policy — one commit."""
    CountyBase.metadata.create_all(engine)
    with Session(engine) as session:
        books = revolve.Ledger(session=session)  # creates or migrates revolve's tables on its own connection
        county = books.create_org("HE-FN", "丰宁满族自治县", OrgLevel.COUNTY)
        books.create_fund("FN-XFGC", "丰宁县幸福工程资金", org=county)
        books.contribute(
            "FN-XFGC", amount=yuan("12000"), on=date(2016, 1, 15), source="fiscal", receipt="CZ-2016-01"
        )
        books.set_policy(
            "FN-XFGC",
            Policy(
                effective_from=date(2016, 1, 1),
                min_amount=yuan("1000"),
                max_amount=yuan("5000"),
                min_term_months=12,
                max_term_months=12,
                max_loans_per_household=2,
                max_active_loans_per_household=1,
                guarantee_required=True,
            ),
        )
        books.register_guarantor(
            "FN-XFGC", code="FN-CWH", kind=GuarantorKind.VILLAGE_COMMITTEE, name="丰宁县各村委会（联合担保）"
        )
        session.add_all(
            Application(mother_name=name, national_id=nid, village=village, amount_yuan=amount)
            for name, nid, village, amount in APPLICATIONS
        )
        session.commit()


def pay_out(engine: Engine, on: date) -> list[str]:
    """Pay every approved application in one county transaction; return what revolve refused.

    The fund holds 12,000 yuan, so the third 5,000-yuan loan is refused (InsufficientFunds): its
    savepoint is rolled back, the application stays 'approved', and the first two loans — and their
    applications marked paid — are committed with the rest of the transaction.
    """
    refused = []
    with Session(engine) as session:
        books = revolve.Ledger(session=session)
        batch = books.open_batch("FN-XFGC", code=f"{on.year}-1", on=on)
        for application in session.scalars(select(Application).where(Application.status == "approved")):
            household = books.register_household(
                "FN-XFGC",
                code=f"FN-{application.id:04d}",
                mother_name=application.mother_name,
                national_id=application.national_id,
                registered_on=on,
            )
            number = f"FN-{on.year}-{application.id:03d}"
            try:
                books.disburse(
                    "FN-XFGC",
                    number=number,
                    household=household,
                    batch=batch,
                    terms=LoanTerms(
                        principal=yuan(application.amount_yuan),
                        start=on,
                        term=12,
                        method=RepaymentMethod.BULLET,
                    ),
                    guarantors=["FN-CWH"],
                )
            except InsufficientFunds as refusal:  # only this operation's savepoint is undone
                refused.append(f"{application.mother_name}：{refusal}")
                continue
            application.status, application.loan_number = "paid", number
            session.add(Visit(application_id=application.id, on=on, note="放款时入户核实"))
        session.commit()  # the county's rows and revolve's entries become durable together
    return refused


def repay_then_change_mind(engine: Engine) -> None:
    """A repayment the county records and commits, and one it records and then rolls back."""
    with Session(engine) as session:
        books = revolve.Ledger(session=session)
        books.repay("FN-XFGC", "FN-2016-001", amount=yuan("5000"), on=date(2017, 3, 1), receipt="HK-2017-001")
        session.commit()
    with Session(engine) as session:
        books = revolve.Ledger(session=session)
        books.repay("FN-XFGC", "FN-2016-002", amount=yuan("5000"), on=date(2017, 3, 2), receipt="HK-2017-002")
        session.rollback()  # entered against the wrong loan: the county discards it, and revolve's entry goes too


def main() -> None:
    with county_engine() as (engine, where):
        set_up(engine)
        refused = pay_out(engine, date(2016, 3, 10))
        repay_then_change_mind(engine)

        # A fresh session: only what was committed is there.
        with Session(engine) as session:
            books = revolve.Ledger(session=session)
            paid = session.scalar(select(func.count()).where(Application.status == "paid"))
            waiting = session.scalar(select(func.count()).where(Application.status == "approved"))
            visits = session.scalar(select(func.count()).select_from(Visit))
            figures = books.figures("FN-XFGC")
            loans = books.loans("FN-XFGC")
            print(f"数据库：{where}")
            for line in refused:
                print(f"拒绝（仅撤销该操作）：{line}")
            print(f"县系统申请：已放款 {paid} 件，待放款 {waiting} 件，走访记录 {visits} 条")
            print(
                f"revolve 借款：{len(loans)} 笔，已结清 {sum(ln.status is LoanStatus.CLOSED for ln in loans)} 笔"
            )
            print(f"累计发放：{figures.disbursed}")
            print(f"借款余额：{figures.outstanding}")
            print(f"银行存款：{figures.cash}")
            session.rollback()  # the county only read

        # The nightly audit runs outside any county transaction: revolve on the county's Engine, on
        # connections of its own (close() leaves the Engine to the county).
        with revolve.Ledger(engine=engine) as audit:
            chain = audit.verify("FN-XFGC")
            print(f"哈希链：{chain.entries_checked} 张凭证，{'完整' if chain.ok else '断裂'}")
            print(f"守恒检查：{len(audit.check())} 项违规")


if __name__ == "__main__":
    main()
