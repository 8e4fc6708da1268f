"""Tamper evidence for the records people read (receipts, loans, schedules, guarantees, households, closes).

The journal is hash-chained; the records written beside it are not. Two things make an edit to them by
raw SQL visible to :meth:`revolve.Ledger.check`:

* a **record digest** stored with each record that does not change once written (a receipt, a schedule
  version with its instalments, a household's registration — rewritten by a legitimate edit —, a
  disbursement batch — rewritten when it is closed —, a period close, the set of a loan's guarantees, a
  loan's own columns — rewritten when an extension is recorded): SHA-256 over the record's content,
  named by its kind (:func:`record_digest`) — and, in a
  fund whose chain is keyed, HMAC-SHA256 under the chain key, so that an editor who recomputes the bare
  digest after an edit is still found. The audit (``check()`` and ``verify()``) recomputes it; a record
  whose content no longer matches is reported. Records written before the digest existed carry none
  (NULL) and are not compared;
* **reconciliation** with the chained journal for what the journal also says, and for records that
  change legitimately over time: a receipt's number, date and amount against the entry that posted it
  (idempotency key ``receipt:NUMBER``, value date, cash debit), every receipt entry against a receipt, a
  loan's principal and date against its disbursement entry, its status against its events (a write-off
  whose ``write_off`` entry credits the loan, a void, repayment in full), its paid principal against its receipts, and the fund's ``closed_through``
  against its recorded closes. These hold even against an editor who recomputes a record digest, since
  the journal side is chained.

Everything here is pure: figures in, violations out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from json.encoder import encode_basestring as _quoted  # what json.dumps(..., ensure_ascii=False) quotes with
from typing import Any, cast

from revolve.chain import ChainKey
from revolve.invariants import Violation

__all__ = [
    "BATCH_COLUMNS",
    "GUARANTEE_SET",
    "HOUSEHOLD_COLUMNS",
    "INSTALMENT_COLUMNS",
    "LOAN_COLUMNS",
    "PERIOD_CLOSE_COLUMNS",
    "RECEIPT_COLUMNS",
    "VERSION_COLUMNS",
    "CloseFigures",
    "LoanFigure",
    "ReceiptFigure",
    "RecordFigures",
    "StoredDigest",
    "canonical_text",
    "guarantees_digest",
    "record_digest",
    "record_violations",
    "row_digest",
    "schedule_digest",
    "schedule_digest_of",
]

RECEIPT_COLUMNS = (
    "loan_id",
    "receipt",
    "value_date",
    "kind",
    "payer_kind",
    "guarantor_id",
    "amount",
    "principal",
    "interest",
    "fee",
    "penalty",
    "schedule_version",
    "entry_seq",
)
"""A receipt's columns its digest covers (all but its id, fund and the digest)."""
HOUSEHOLD_COLUMNS = (
    "code",
    "mother_name",
    "national_id",
    "org_id",
    "phone",
    "fp_status",
    "income_before",
    "registered_on",
)
"""A household's registration (its size, 家庭人口, is counted again over time and stays outside); a
legitimate edit (:meth:`revolve.Ledger.edit_household`) rewrites the digest with the edit."""
BATCH_COLUMNS = ("code", "site_org_id", "opened_on", "note", "closed_on", "close_note")
"""A disbursement batch's columns its digest covers: its code, site and opening, and its close (rewritten
with the digest when :meth:`revolve.Ledger.close_batch` closes it), so that a batch reopened or its close
date moved by raw SQL is found."""
LOAN_COLUMNS = (
    "number",
    "household_id",
    "batch_id",
    "principal",
    "disbursed_on",
    "disbursement_seq",
    "round",
    "allocation_order",
    "purpose",
    "purpose_note",
    "agreement_no",
    "agreement_on",
    "helper",
    "restructured_on",
    "extensions",
    "extension_ref",
    "extended_on",
)
"""A loan's own columns its digest covers: whose loan, which batch, its number, principal and dates, its
file, and its extension marks (rewritten with the digest when an extension is recorded). Its running
state (status, amounts paid, current schedule version) changes with every receipt and is reconciled with
the journal instead."""
VERSION_COLUMNS = ("effective_on", "reason", "principal", "terms", "approval_ref", "approved_by")
"""A schedule version's own columns; its digest covers its instalments too."""
INSTALMENT_COLUMNS = ("number", "due_date", "principal", "interest", "fee")
"""An instalment's columns a schedule version's digest covers, in instalment-number order."""
PERIOD_CLOSE_COLUMNS = ("through", "generation")
"""A period close's columns its digest covers (``reopened`` is set by a later reopening)."""
GUARANTEE_SET = "guarantees"
"""The digest kind of a loan's guarantors (their pledged amounts grow with deposit pledges: outside)."""


def _canon(value: object) -> object:
    kind = type(value)
    if kind is int or kind is str or value is None:
        return value
    if isinstance(value, Enum):
        return _canon(value.value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, int | str):
        return value
    fen = getattr(value, "fen", None)
    if isinstance(fen, int):
        return fen
    return str(value)


def _json_value(value: object) -> str:
    """``json.dumps(_canon(value), ensure_ascii=False)``, written directly for the kinds a record's
    columns hold (an int, a text, None, a date): the audit digests every record of a fund, and the
    general encoder's per-call set-up was most of its cost. Any other value goes through the encoder."""
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is str:
        return _quoted(value)
    if value is None:
        return "null"
    if type(value) is date:
        return f'"{value.isoformat()}"'
    return json.dumps(_canon(value), ensure_ascii=False)


def canonical_text(kind: str, parts: Iterable[object]) -> str:
    """The canonical JSON a record digest is taken over: ``json.dumps([kind, *parts])`` with each part in
    its canonical form (:func:`_canon`), no spaces and non-ASCII text kept as it is."""
    return "[" + ",".join([_json_value(kind), *map(_json_value, parts)]) + "]"


def record_digest(kind: str, parts: Iterable[object], key: ChainKey | None = None) -> str:
    """SHA-256 (64 hex digits) over a record's kind and its values, in a canonical JSON form
    (:func:`canonical_text`); under a keyed fund's chain key, HMAC-SHA256 instead, so that an editor
    without the key cannot recompute it."""
    text = canonical_text(kind, parts)
    if key is not None:
        return hmac.new(key.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_digest(
    kind: str, values: Mapping[Any, Any], columns: Sequence[str], key: ChainKey | None = None
) -> str:
    """The digest of a row given as column → value, over ``columns`` (keyed under ``key``, if given)."""
    return record_digest(kind, map(values.__getitem__, columns), key)


def schedule_digest(
    version: Mapping[Any, Any], instalments: Iterable[Mapping[Any, Any]], key: ChainKey | None = None
) -> str:
    """The digest of a schedule version (its own columns) and its instalments (in number order)."""
    return schedule_digest_of(
        [version[c] for c in VERSION_COLUMNS],
        ([row[c] for c in INSTALMENT_COLUMNS] for row in instalments),
        key,
    )


_NUMBER_AT = INSTALMENT_COLUMNS.index("number")


def schedule_digest_of(
    version: Sequence[object], instalments: Iterable[Sequence[object]], key: ChainKey | None = None
) -> str:
    """:func:`schedule_digest` of values given in column order: the version's :data:`VERSION_COLUMNS`, and
    each instalment's :data:`INSTALMENT_COLUMNS` (the audit reads them so, as plain rows)."""
    parts: list[object] = list(version)
    for row in sorted(instalments, key=lambda i: int(cast(int, i[_NUMBER_AT]))):
        parts.extend(row)
    return record_digest("schedule", parts, key)


def guarantees_digest(guarantor_ids: Iterable[int], key: ChainKey | None = None) -> str:
    """The digest of a loan's set of guarantors."""
    return record_digest(GUARANTEE_SET, sorted(guarantor_ids), key)


@dataclass(frozen=True, slots=True)
class StoredDigest:
    """A record's stored digest and the one its content gives now."""

    table: str
    subject: str
    stored: str
    computed: str


@dataclass(frozen=True, slots=True)
class ReceiptFigure:
    """A receipt and the journal entry it names (None fields: no such entry)."""

    fund_id: int
    receipt_id: int
    number: str
    value_date: date
    amount: int
    entry_seq: int
    entry_kind: str | None
    entry_key: str | None
    entry_date: date | None
    entry_cash: int | None


@dataclass(frozen=True, slots=True)
class LoanFigure:
    """A loan's record and what its events in the journal and records say."""

    fund_id: int
    loan_id: int
    number: str
    status: str
    principal: int
    disbursed_on: date
    principal_paid: int
    written_off: int
    disbursement_kind: str | None
    disbursement_date: date | None
    disbursed: int | None
    receipts_principal: int
    has_write_off: bool
    voided: bool


@dataclass(frozen=True, slots=True)
class CloseFigures:
    """A fund's ``closed_through`` and the closes (and opening) that set it."""

    fund_id: int
    closed_through: date | None
    open_closes: tuple[date, ...]
    opened_on: date | None


@dataclass(frozen=True, slots=True)
class RecordFigures:
    """What the record audit reads."""

    digests: tuple[tuple[int, StoredDigest], ...]
    receipts: tuple[ReceiptFigure, ...]
    unreceipted: tuple[tuple[int, int, str], ...]
    loans: tuple[LoanFigure, ...]
    closes: tuple[CloseFigures, ...]


def _receipt_violations(r: ReceiptFigure) -> list[Violation]:
    subject = f"receipt {r.number}"
    if r.entry_kind is None:
        return [Violation("receipt_entry", r.fund_id, subject, f"entry {r.entry_seq} does not exist")]
    if r.entry_key is None or not r.entry_key.startswith("receipt:"):
        return []  # posted with others (an opening balance): the record digest covers it
    found = []
    if r.entry_key != f"receipt:{r.number}":
        found.append(f"entry {r.entry_seq} was posted for {r.entry_key!r}")
    if r.entry_date != r.value_date:
        found.append(f"dated {r.value_date.isoformat()}, entry {r.entry_seq} {r.entry_date}")
    if r.entry_cash != r.amount:
        found.append(f"amount {r.amount} fen, entry {r.entry_seq} received {r.entry_cash} fen")
    return [Violation("receipt_entry", r.fund_id, subject, "; ".join(found))] if found else []


def _expected_status(loan: LoanFigure) -> str | None:
    if loan.voided:
        return "voided"
    if loan.has_write_off:
        return "written_off"
    return None


def _loan_violations(loan: LoanFigure) -> list[Violation]:
    found = []
    expected = _expected_status(loan)
    if expected is not None and loan.status != expected:
        found.append(f"status {loan.status}, its events say {expected}")
    if expected is None and loan.status in ("voided", "written_off"):
        event = "write-off" if loan.status == "written_off" else "void"
        found.append(f"status {loan.status}, but no {event} is recorded")
    if loan.status == "closed" and loan.principal_paid + loan.written_off < loan.principal:
        found.append(f"status closed with {loan.principal - loan.principal_paid} fen principal unpaid")
    if loan.status == "active" and loan.principal_paid >= loan.principal:
        found.append("status active with its principal repaid")
    if loan.disbursement_kind == "disbursement":
        if loan.disbursement_date != loan.disbursed_on:
            found.append(f"disbursed on {loan.disbursed_on}, its entry is dated {loan.disbursement_date}")
        if loan.disbursed != loan.principal:
            found.append(f"principal {loan.principal} fen, its entry lent {loan.disbursed} fen")
    elif loan.disbursement_kind is None and not loan.voided:
        found.append("its disbursement entry does not exist")
    if not loan.voided and loan.principal_paid != loan.receipts_principal:
        found.append(f"principal paid {loan.principal_paid} fen, its receipts {loan.receipts_principal} fen")
    return [Violation("loan_record", loan.fund_id, f"loan {loan.number}", "; ".join(found))] if found else []


def _close_violations(c: CloseFigures) -> list[Violation]:
    candidates = list(c.open_closes)
    if c.opened_on is not None:
        candidates.append(c.opened_on - timedelta(days=1))
    expected = max(candidates) if candidates else None
    if c.closed_through == expected:
        return []
    return [
        Violation(
            "closed_through",
            c.fund_id,
            "closed_through",
            f"{c.closed_through} but the recorded closes say {expected}",
        )
    ]


def record_violations(figures: RecordFigures) -> list[Violation]:
    """Every record whose content no longer matches its digest, or disagrees with the journal."""
    out = [
        Violation(
            "record_digest",
            fund_id,
            d.subject,
            f"its content no longer matches the digest stored in {d.table} (edited after it was written)",
        )
        for fund_id, d in figures.digests
        if d.stored != d.computed
    ]
    for r in figures.receipts:
        out += _receipt_violations(r)
    out += [
        Violation("receipt_missing", fund_id, f"entry {seq}", f"posted for {key!r}, but no such receipt")
        for fund_id, seq, key in figures.unreceipted
    ]
    for loan in figures.loans:
        out += _loan_violations(loan)
    for c in figures.closes:
        out += _close_violations(c)
    return out
