"""Conservation checks: what must always hold in the books, reported as data.

DESIGN §10 lists the invariants. Audits return :class:`Violation` values and never raise: an empty list
means the books hold. The codes are stable identifiers a county system can act on:

* ``unbalanced_entry`` — an entry whose postings do not sum to zero (item 1);
* ``trial_balance_not_zero`` — a date on which a fund's trial balance is not zero (item 1);
* ``stored_balance_differs`` — an account whose stored balance differs from its journal sum (item 5);
* ``chain_broken`` — the fund's hash chain does not verify (item 8); see :class:`ChainBreak`.

Later checks (per-loan conservation, cash never negative, transfers netting to zero) add their own codes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ChainBreak", "Violation"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken invariant: a stable code, the fund, what is affected, and the numbers."""

    code: str
    fund_id: int
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.code}] fund {self.fund_id}, {self.subject}: {self.detail}"


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place a fund's hash chain fails to verify."""

    fund_id: int
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"fund {self.fund_id}, entry {self.seq}: {self.reason}"

    def as_violation(self) -> Violation:
        """This break as a ``chain_broken`` violation."""
        return Violation("chain_broken", self.fund_id, f"entry {self.seq}", self.reason)
