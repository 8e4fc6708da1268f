"""The operation families: each works alone over the shared write path, and the ledger is all of them.

A family needs nothing from a subclass: given a :class:`~revolve.operations.books.Books` it records and
reads on its own. ``Ledger.transaction()`` runs several operations as one transaction.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, date, datetime

import pytest
from tests.conftest import engine_for, snapshot

from revolve import Ledger, OrgLevel, operations, yuan
from revolve.operations.books import Books, Family
from revolve.operations.households import HouseholdOperations
from revolve.operations.money_flows import MoneyFlows
from revolve.operations.organisations import Organisations
from revolve.operations.queries import Queries
from revolve.store.database import ensure_schema
from revolve.store.transactions import Transactions


def test_each_family_works_alone_over_one_books(backend: str, tmp_path: object) -> None:
    with engine_for(backend, tmp_dir=str(tmp_path)) as engine:
        ensure_schema(engine)
        books = Books(Transactions(engine=engine), lambda: datetime(2024, 1, 1, tzinfo=UTC))
        orgs = Organisations(books)
        county = orgs.create_org("C1", "测试县", OrgLevel.COUNTY)
        fund = orgs.create_fund("F1", "测试基金", org=county)
        MoneyFlows(books).contribute(fund, amount=yuan("1000"), on=date(2024, 1, 2), receipt="D-1")
        HouseholdOperations(books).open_batch(fund, code="B1", on=date(2024, 1, 3))
        assert MoneyFlows(books).available(fund) == yuan("1000")
        assert Queries(books).figures(fund).capital == yuan("1000")
        # the ledger over the same database reads what the families wrote
        ledger = Ledger(engine=engine, create_schema=False)
        assert [b.code for b in ledger.batches(fund)] == ["B1"]
        assert ledger.check() == []


def _families_defined() -> set[type[Family]]:
    """Every operation family the operations package defines, found by importing each of its modules."""
    found: set[type[Family]] = set()
    for module in pkgutil.iter_modules(operations.__path__):
        loaded = importlib.import_module(f"{operations.__name__}.{module.name}")
        found |= {
            value
            for value in vars(loaded).values()
            if isinstance(value, type)
            and issubclass(value, Family)
            and value is not Family
            and value.__module__ == loaded.__name__
        }
    return found


def test_the_ledger_is_every_family() -> None:
    families = [cls for cls in Ledger.__mro__ if issubclass(cls, Family) and cls not in (Family, Ledger)]
    # a family the package defines but the Ledger does not take in would be unreachable from it
    assert set(families) == _families_defined()
    assert len(families) >= 20
    for family in families:
        assert family.__init__ is Family.__init__, f"{family.__name__} needs more than the Books"


def test_a_transaction_writes_every_operation_or_none(ledger: Ledger) -> None:
    county = ledger.create_org("C1", "测试县", OrgLevel.COUNTY)
    fund = ledger.create_fund("F1", "测试基金", org=county)
    before = snapshot(ledger.engine)  # type: ignore[arg-type]

    def stop_half_way() -> None:
        with ledger.transaction() as books:
            books.contribute(fund, amount=yuan("500"), on=date(2024, 1, 2))
            books.open_batch(fund, code="B1", on=date(2024, 1, 3))
            raise RuntimeError("the clerk stops half-way")

    with pytest.raises(RuntimeError):
        stop_half_way()
    assert snapshot(ledger.engine) == before  # type: ignore[arg-type]
    with ledger.transaction() as books:
        books.contribute(fund, amount=yuan("500"), on=date(2024, 1, 2))
        books.open_batch(fund, code="B1", on=date(2024, 1, 3))
    assert ledger.available(fund) == yuan("500")
    assert [b.code for b in ledger.batches(fund)] == ["B1"]
