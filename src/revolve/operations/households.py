"""Households and what the fund lends under: households' files (一户一档) and their records, the
programme policy in force, and the disbursement batches (批/期)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from revolve.checks import check_choice, check_date, ref_of
from revolve.errors import BatchClosed, DuplicateCode, InvalidDate, InvalidEntry, UnknownHousehold
from revolve.households import (
    FamilyPlanningStatus,
    Household,
    HouseholdRecord,
    RecordKind,
    Registration,
    check_persons,
    mask_national_id,
    mask_phone,
    validate_national_id,
    validate_record,
)
from revolve.loans import Batch
from revolve.money import Money
from revolve.mothers import Mother
from revolve.operations import bulk
from revolve.operations.books import Family, FundRef
from revolve.orgs import Org
from revolve.policy import Policy, policy_in_force
from revolve.store import funds as store_funds
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
        """Every household registered in the fund.

        Raises:
            UnknownFund: no fund has this id or code.
        """
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
            InvalidEntry, InvalidDate, InvalidAmount: a record its kind does not allow, or a record of
                kind ``change`` (档案变更: written only by :meth:`edit_household`).
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        if check_choice(RecordKind, "kind", kind) is RecordKind.CHANGE:
            # a change record states what edit_household changed; one written by hand would not
            raise InvalidEntry("kind", RecordKind.CHANGE.value, reason="household_change_record")
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

    def edit_household(
        self,
        fund: FundRef,
        household: Household | int | str,
        *,
        on: date,
        mother_name: str | None = None,
        national_id: str | None = None,
        phone: str | None = None,
        org: Org | int | str | None = None,
        fp_status: FamilyPlanningStatus | str | None = None,
        persons: int | None = None,
        note: str = "",
    ) -> Household:
        """Change a household's file (一户一档): the mother's name, her ID number, phone, village,
        family-planning category, household size — any of them, in one transaction.

        The file keeps its history: a record of kind ``change`` (档案变更) dated ``on`` states each change,
        old → new (the ID number and phone masked), followed by ``note``. The registration's record
        digest (:data:`revolve.records.HOUSEHOLD_COLUMNS`) is made again from the new values, so
        ``check()`` and ``verify()`` stay clean after the edit and still find a later edit by raw SQL.
        An argument left None keeps what the file has; a value equal to it changes nothing.

        Args:
            fund: the household's fund.
            household: the household (its id, code, or itself); its code (户编码) does not change.
            on: the day of the change (the record's date): not before the registration, nor, with
                ``persons``, before the size count on file.
            mother_name: the mother's name (受助母亲姓名), corrected.
            national_id: her 居民身份证号码, corrected (validated as at registration; unique in the fund).
            phone: a contact phone; ``""`` removes it.
            org: the village or town she lives in (an organisation, its id or code).
            fp_status: the family-planning category (计生类别).
            persons: the household's size (家庭人口) as counted on ``on``, 1 or more.
            note: why (变更原因), added to the change record.

        Returns:
            The household as its file now stands.

        Raises:
            UnknownHousehold: no such household.
            InvalidNationalId: the new ID number is malformed or its check digit is wrong.
            DuplicateCode: another household of the fund holds the new ID number (named by its code, the
                ID masked).
            InvalidEntry: nothing would change, an empty name, an unknown category, ``persons`` not a
                whole number from 1, a note that is not text.
            InvalidDate: ``on`` is not a date, is before the registration, or (with ``persons``) before
                the size count on file.
            UnknownOrg: no organisation has this id or code.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        check_date("on", on)
        if not isinstance(note, str):
            raise InvalidEntry("note", note, reason="note")
        normal = validate_national_id(national_id) if national_id is not None else None
        if persons is not None:
            check_persons(persons)
        status = check_choice(FamilyPlanningStatus, "fp_status", fp_status) if fp_status is not None else None
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            hh = store_households.find_household(conn, f.id, ref_of(household))
            org_id = store_funds.find_org(conn, ref_of(org)).id if org is not None else hh.org_id
            edited = replace(
                hh,
                mother_name=hh.mother_name if mother_name is None else mother_name,
                national_id=hh.national_id if normal is None else normal,
                phone=hh.phone if phone is None else phone,
                org_id=org_id,
                fp_status=hh.fp_status if status is None else status,
                persons=hh.persons if persons is None else persons,
                persons_on=hh.persons_on if persons is None else on,
            )
            changes = _changes(hh, edited, {o.id: o for o in store_funds.list_orgs(conn)})
            if not changes:
                raise InvalidEntry("household", hh.code, reason="household_unchanged")
            if on < hh.registered_on:
                raise InvalidDate(
                    on, reason="before_registration", registered_on=hh.registered_on.isoformat()
                )
            if persons is not None and hh.persons_on is not None and on < hh.persons_on:
                raise InvalidDate(on, reason="persons_before", persons_on=hh.persons_on.isoformat())
            if edited.national_id != hh.national_id:
                _, held = store_households.household_clashes(conn, f.id, (), [edited.national_id])
                holder = held.get(edited.national_id)
                if holder is not None and holder != hh.code:
                    # name the household holding it, by its code; never print the ID in clear
                    raise DuplicateCode(
                        edited.national_id,
                        what="household national ID",
                        shown=mask_national_id(edited.national_id),
                        holder=holder,
                    )
            text = "；".join(changes) + (f"。{note.strip()}" if note.strip() else "")
            record = HouseholdRecord(
                household_id=hh.id, kind=RecordKind.CHANGE, on=on, note=text, income=None, exited_poverty=None
            )
            store_households.update_household(conn, edited)
            store_households.insert_household_record(conn, f.id, record)
            return edited

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
        """Put a programme policy in force from its ``effective_from`` date.

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidEntry: ``policy`` is not a :class:`~revolve.policy.Policy`.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        if not isinstance(policy, Policy):
            raise InvalidEntry("policy", type(policy).__name__, reason="policy")
        with self._books.locked(fund) as unit:
            store_households.upsert_policy(unit.conn, unit.fund.id, policy)

    def policy(self, fund: FundRef, *, on: date) -> Policy:
        """The policy in force on a date (revolve's defaults when none was set).

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``on`` is not a date (a ``datetime`` or a text is refused).
        """
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

    def close_batch(self, fund: FundRef, batch: Batch | int | str, *, on: date, note: str = "") -> Batch:
        """Close a disbursement batch (批次结束): from now on it takes no payout (:meth:`disburse` into it is
        refused with :class:`~revolve.errors.BatchClosed`); its loans are repaid as before.

        Loan applications waiting in the queue (:meth:`applications`) name no batch — a payout names
        its batch when it is made — so closing a batch leaves them waiting: each is paid out later into
        a batch that is open. The close is covered by the batch's record digest
        (:data:`revolve.records.BATCH_COLUMNS`), rewritten here: ``check()`` and ``verify()`` stay clean,
        and find a batch reopened or its close moved by raw SQL.

        Args:
            fund: the batch's fund.
            batch: the batch (its id, code, or itself).
            on: the day it is closed: not before it was opened, nor before its last payout.
            note: why or on whose approval (e.g. 第一批放款完毕).

        Returns:
            The batch, closed.

        Raises:
            UnknownBatch: no such batch in the fund (a batch of another fund is not found here either).
            BatchClosed: the batch was closed before.
            InvalidEntry: ``on`` is before the batch was opened or before its last payout; a note that
                is not text.
            InvalidDate: ``on`` is not a date.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        check_date("on", on)
        if not isinstance(note, str):
            raise InvalidEntry("note", note, reason="note")
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            found = store_households.find_batch(conn, f.id, ref_of(batch))
            if found.closed_on is not None:
                raise BatchClosed(found.code, closed_on=found.closed_on, fund=f.code, operation="close")
            if on < found.opened_on:
                raise InvalidEntry(
                    "on",
                    on.isoformat(),
                    reason="batch_close_before_opening",
                    batch=found.code,
                    opened_on=found.opened_on.isoformat(),
                )
            last = store_households.last_payout_in_batch(conn, f.id, found.id)
            if last is not None and on < last[1]:
                raise InvalidEntry(
                    "on",
                    on.isoformat(),
                    reason="batch_close_before_payout",
                    batch=found.code,
                    loan=last[0],
                    disbursed_on=last[1].isoformat(),
                )
            closed = replace(found, closed_on=on, close_note=note.strip())
            store_households.set_batch_closed(conn, closed)
            return closed

    def batches(self, fund: FundRef) -> list[Batch]:
        """The fund's batches, oldest first, each with its close (``closed_on``, None while open).

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_households.list_batches(conn, found.id)


def _changes(before: Household, after: Household, orgs: dict[int, Org]) -> list[str]:
    """What an edit changes in a household's file, one ``label old→new`` each (the ID number and phone
    masked, the village by its name): the text of its change record (档案变更)."""

    def place(org_id: int | None) -> str:
        return "—" if org_id is None else orgs[org_id].name if org_id in orgs else str(org_id)

    def masked(text: str | None, mask: Callable[[str], str]) -> str:
        return "—" if not text else mask(text)

    pairs = [
        ("姓名", before.mother_name, after.mother_name),
        (
            "身份证号",
            masked(before.national_id, mask_national_id),
            masked(after.national_id, mask_national_id),
        ),
        ("电话", masked(before.phone, mask_phone), masked(after.phone, mask_phone)),
        ("所在村", place(before.org_id), place(after.org_id)),
        ("计生类别", before.fp_status.label_zh, after.fp_status.label_zh),
    ]
    out = [f"{label} {old}→{new}" for label, old, new in pairs if old != new]
    if (before.persons, before.persons_on) != (after.persons, after.persons_on):
        # a new count replaces the one on file, even when it finds the same number
        out.append(f"家庭人口 {before.persons or '—'}→{after.persons}（{after.persons_on} 清点）")
    # a corrected ID or phone whose masked forms agree (a middle digit) still changed
    if before.national_id != after.national_id and not any(p.startswith("身份证号") for p in out):
        out.append(f"身份证号 {masked(after.national_id, mask_national_id)}（更正）")
    if (before.phone or None) != (after.phone or None) and not any(p.startswith("电话") for p in out):
        out.append(f"电话 {masked(after.phone, mask_phone)}（更正）")
    return out
