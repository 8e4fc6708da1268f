"""Households and what the fund lends under: households' files (一户一档) and their records, the
programme policy in force, and the disbursement batches (批/期)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from revolve.checks import check_choice, check_date, ref_of
from revolve.errors import DuplicateCode, InvalidDate, UnknownHousehold
from revolve.households import (
    FamilyPlanningStatus,
    Household,
    HouseholdRecord,
    RecordKind,
    Registration,
    check_persons,
    mask_national_id,
    validate_national_id,
    validate_record,
)
from revolve.loans import Batch
from revolve.money import Money
from revolve.mothers import Mother
from revolve.operations import bulk
from revolve.operations.books import Family, FundRef
from revolve.policy import Policy, policy_in_force
from revolve.store import households as store_households

__all__ = ["HouseholdOperations"]


class HouseholdOperations(Family):
    """Households, their records, policies and batches."""

    def register_household(
        self,
        fund: FundRef,
        *,
        code: str,
        mother_name: str,
        national_id: str,
        registered_on: date,
        fp_status: FamilyPlanningStatus | str = FamilyPlanningStatus.COMPLIANT,
        org: int | None = None,
        phone: str | None = None,
        income_before: Money | None = None,
        persons: int | None = None,
    ) -> Household:
        """Open a household's file (一户一档).

        ``persons`` is the household's size (家庭人口) counted on ``registered_on``; 受益人数 (persons
        helped) sums it. A later count is :meth:`record_household_size`.

        Raises:
            InvalidNationalId: the ID number is malformed or its check digit is wrong.
            DuplicateCode: the code or the ID number is already registered in the fund.
            InvalidEntry: an unknown family-planning status.
            UnknownFund: no fund has this id or code.
        """
        one = Registration(
            code, mother_name, national_id, registered_on, fp_status, org, phone, income_before, persons
        )
        return self._register(fund, [one], mark=bulk.unmarked)[0]

    def register_households(self, fund: FundRef, households: Iterable[Registration]) -> list[Household]:
        """Open many households' files in one transaction — a village's list at once: all, or none.

        Each :class:`Registration` carries the arguments of :meth:`register_household` and is checked as
        it would check them; a code or ID number used twice in the call is refused like one already in
        the fund. Python's cyclic garbage collector is paused while the call runs, and restored after it.

        Returns:
            the households, in the order given.

        Raises:
            The error :meth:`register_household` would raise for the first household refused, with
            ``item`` set to its position (from 0) and a note naming it; nothing is written.
            UnknownFund: no fund has this id or code.
        """
        with bulk.collector_paused():
            return self._register(fund, bulk.items(households, Registration), mark=bulk.item)

    def _register(self, fund: FundRef, items: list[Registration], *, mark: bulk.Mark) -> list[Household]:
        if not items:
            return []
        normalized = []
        for index, r in enumerate(items):
            with mark(index, r.code):
                normalized.append(validate_national_id(r.national_id))
        with self._books.locked(fund) as unit:
            f = unit.fund
            codes, ids = store_households.household_clashes(
                unit.conn, f.id, (r.code for r in items), normalized
            )
            households = []
            for index, (r, national_id) in enumerate(zip(items, normalized, strict=True)):
                with mark(index, r.code):
                    household = Household(
                        id=0,
                        fund_id=f.id,
                        code=r.code,
                        mother_name=r.mother_name,
                        national_id=national_id,
                        org_id=r.org,
                        phone=r.phone,
                        fp_status=check_choice(FamilyPlanningStatus, "fp_status", r.fp_status),
                        income_before=r.income_before,
                        registered_on=r.registered_on,
                        persons=r.persons,
                    )
                    if household.code in codes:
                        raise DuplicateCode(household.code, what="household")
                    if national_id in ids:
                        # name the household holding it, by its code; never print the ID in clear
                        raise DuplicateCode(
                            national_id,
                            what="household national ID",
                            shown=mask_national_id(national_id),
                            holder=ids[national_id],
                        )
                    codes.add(household.code)
                    ids[national_id] = household.code
                    households.append(household)
            return store_households.insert_households(unit.conn, f.id, households)

    def household(self, fund: FundRef, ref: int | str) -> Household:
        """The household with this id or code.

        Raises:
            UnknownHousehold: no such household in the fund.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_households.find_household(conn, found.id, ref)

    def households(self, fund: FundRef) -> list[Household]:
        """Every household registered in the fund."""
        with self._books.reading(fund) as (conn, found):
            return store_households.list_households(conn, found.id)

    def mother(self, national_id: str) -> Mother:
        """One mother across funds: her household files in every fund and her loans everywhere.

        She is matched by her 居民身份证号码 alone (one indexed read), so a mother the town fund and the
        county fund both lend to is one :class:`Mother` with two files. Printing her masks the ID and
        phone; the values keep them whole for an authorised caller.

        Args:
            national_id: her ID number (validated and normalised as at registration).

        Returns:
            Her files, oldest registration first, and her loans (voided ones left out), by date.

        Raises:
            InvalidNationalId: a malformed number or a wrong check digit.
            UnknownHousehold: no fund has registered her (the key is the masked number).
        """
        normal = validate_national_id(national_id)
        with self._books.tx(write=False) as conn:
            households, loans = store_households.mother_files(conn, normal)
        if not households:
            raise UnknownHousehold(mask_national_id(normal), reason="no_national_id")
        return Mother(normal, tuple(households), tuple(loans))

    def record_household(
        self,
        fund: FundRef,
        household: Household | int | str,
        *,
        kind: RecordKind | str,
        on: date,
        note: str = "",
        income: Money | None = None,
        exited_poverty: bool | None = None,
    ) -> HouseholdRecord:
        """Add a visit, an income figure or a poverty-exit assessment (脱贫评估) to a household's file.

        Raises:
            UnknownHousehold: no such household.
            InvalidEntry, InvalidDate, InvalidAmount: a record its kind does not allow.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            hh = store_households.find_household(unit.conn, unit.fund.id, ref_of(household))
            record = HouseholdRecord(
                household_id=hh.id,
                kind=check_choice(RecordKind, "kind", kind),
                on=on,
                note=note,
                income=income,
                exited_poverty=exited_poverty,
            )
            validate_record(record, hh)
            store_households.insert_household_record(unit.conn, unit.fund.id, record)
            return record

    def record_household_size(
        self, fund: FundRef, household: Household | int | str, *, persons: int, on: date
    ) -> Household:
        """Record the household's size (家庭人口) as counted on ``on``: it replaces the earlier count.

        Args:
            fund: the household's fund.
            household: the household.
            persons: how many people live in it, 1 or more.
            on: the day of the count; not before the count it replaces.

        Returns:
            The household as its file now stands.

        Raises:
            UnknownHousehold: no such household.
            InvalidEntry: ``persons`` is not a whole number from 1.
            InvalidDate: ``on`` is not a date, or is before the date of the count on file.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        check_persons(persons)
        check_date("on", on)
        with self._books.locked(fund) as unit:
            hh = store_households.find_household(unit.conn, unit.fund.id, ref_of(household))
            if hh.persons_on is not None and on < hh.persons_on:
                raise InvalidDate(
                    on,
                    reason="persons_before",
                    persons_on=hh.persons_on.isoformat(),
                )
            updated = replace(hh, persons=persons, persons_on=on)
            store_households.set_household_size(unit.conn, updated)
            return updated

    def household_records(
        self, fund: FundRef, household: Household | int | str | None = None
    ) -> list[HouseholdRecord]:
        """A household's records (or every household's), oldest first.

        Raises:
            UnknownHousehold: no such household.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            hh_id = None
            if household is not None:
                hh_id = store_households.find_household(conn, found.id, ref_of(household)).id
            return store_households.household_records(conn, found.id, hh_id)

    def set_policy(self, fund: FundRef, policy: Policy) -> None:
        """Put a programme policy in force from its ``effective_from`` date."""
        with self._books.locked(fund) as unit:
            store_households.upsert_policy(unit.conn, unit.fund.id, policy)

    def policy(self, fund: FundRef, *, on: date) -> Policy:
        """The policy in force on a date (revolve's defaults when none was set)."""
        with self._books.reading(fund) as (conn, found):
            return policy_in_force(store_households.list_policies(conn, found.id), on)

    def open_batch(
        self, fund: FundRef, *, code: str, on: date, site: int | None = None, note: str = ""
    ) -> Batch:
        """Open a disbursement batch (批/期) at a project site.

        Raises:
            DuplicateCode: the code is in use.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            return store_households.insert_batch(
                unit.conn, unit.fund.id, code=code, site=site, on=on, note=note
            )

    def batches(self, fund: FundRef) -> list[Batch]:
        """The fund's batches."""
        with self._books.reading(fund) as (conn, found):
            return store_households.list_batches(conn, found.id)
