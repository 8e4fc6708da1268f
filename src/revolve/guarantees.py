"""Guarantees (担保): who answers for a loan when the mother cannot pay.

Four kinds (domain.md §8): a village committee (村(居)委会担保, Xiamen's rule), a joint-liability group
(联保小组, usually five or more households, each jointly and severally liable), an individual guarantor,
and a deposit pledge (存折质押: the borrower's own deposit held by the fund, applied on default and handed
back on repayment). A guarantor may have an exposure cap: the outstanding principal of all the loans it
guarantees may not exceed it.

Calling a guarantee is a recorded event, not an entry; what the guarantor then pays (代偿) is a repayment
whose payer is not the borrower. The guarantor's own claim on the borrower is off the fund's books.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from revolve.errors import GuarantorCapExceeded
from revolve.money import Money

__all__ = ["GuaranteeCall", "Guarantor", "GuarantorKind", "check_exposure"]


class GuarantorKind(StrEnum):
    """The kinds of guarantee a 幸福工程 loan can carry."""

    VILLAGE_COMMITTEE = "village_committee"
    JOINT_LIABILITY_GROUP = "joint_liability_group"
    INDIVIDUAL = "individual"
    DEPOSIT_PLEDGE = "deposit_pledge"

    @property
    def label_zh(self) -> str:
        """The Chinese name of the kind."""
        return {
            "village_committee": "村(居)委会担保",
            "joint_liability_group": "联保小组",
            "individual": "个人担保",
            "deposit_pledge": "存折质押",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Guarantor:
    """A guarantor registered in a fund; ``members`` are the households of a joint-liability group."""

    id: int
    fund_id: int
    code: str
    kind: GuarantorKind
    name: str
    org_id: int | None
    cap: Money | None
    reference: str
    members: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class GuaranteeCall:
    """A guarantee called on a loan in arrears: asked of whom, when, for how much."""

    id: int
    loan_id: int
    guarantor_id: int
    called_on: date
    amount: Money
    note: str


def check_exposure(guarantor: Guarantor, *, exposure: Money, requested: Money) -> None:
    """Refuse a guarantee that would take the guarantor past its cap.

    Args:
        guarantor: the guarantor.
        exposure: the outstanding principal of the loans it already guarantees.
        requested: the principal of the new loan.

    Raises:
        GuarantorCapExceeded: ``exposure + requested`` is above the cap.
    """
    if guarantor.cap is not None and exposure + requested > guarantor.cap:
        raise GuarantorCapExceeded(guarantor.code, exposure=exposure, requested=requested, cap=guarantor.cap)
