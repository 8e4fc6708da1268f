"""The posting rules: each event of a fund's life becomes one balanced entry.

Pure functions, one per event, each returning an :class:`~revolve.journal.Entry` (never writing one).
The mapping follows DESIGN §5 and domain.md §14.2 (民间非营利组织会计制度); roles are resolved to codes
by the fund's chart. Positive amounts are debits.

| event | debit | credit |
|---|---|---|
| contribution (donation, restricted) | FUND_CASH | DONATION_REVENUE |
| contribution (donation, unrestricted) | FUND_CASH | DONATION_REVENUE_UNRESTRICTED |
| contribution (fiscal, matching 配套, upper-level 上级拨款) | FUND_CASH | GRANT_REVENUE |
| loan disbursed | LOANS_RECEIVABLE:{loan} | FUND_CASH |
| cash deposit paid into the fund (保证金) | FUND_CASH | PLEDGE_DEPOSITS |
| repayment (borrower, guarantor 代偿, passbook applied 存折扣划) | FUND_CASH | LOANS_RECEIVABLE:{loan}, FEE/INTEREST/PENALTY_REVENUE |
| repayment from the cash deposit | PLEDGE_DEPOSITS | LOANS_RECEIVABLE:{loan}, … |
| cash deposit handed back on full repayment | PLEDGE_DEPOSITS | FUND_CASH |
| passbook pledged or released (存折质押) | none: a line in the pledge register (备查簿), :mod:`revolve.pledges` | |
| one-off grant 一次性帮扶 | GRANT_EXPENSE | FUND_CASH |
| interest subsidy paid 贴息 | SUBSIDY_EXPENSE | FUND_CASH |
| bad-debt provision | BAD_DEBT_EXPENSE | BAD_DEBT_ALLOWANCE |
| allowance true-up 补提 (冲减: the reverse) | BAD_DEBT_EXPENSE | BAD_DEBT_ALLOWANCE |
| write-off 核销 (the whole amount) | BAD_DEBT_ALLOWANCE | LOANS_RECEIVABLE:{loan} |
| recovery after write-off | LOANS_RECEIVABLE:{loan}; FUND_CASH | BAD_DEBT_ALLOWANCE; LOANS_RECEIVABLE:{loan} |
| transfer out, in fund A to fund B | DUE_TO_FUND:{B} (what A owes B), else DUE_FROM_FUND:{B} | FUND_CASH |
| transfer in, in fund B from fund A | FUND_CASH | DUE_FROM_FUND:{A} (what A owes B), else DUE_TO_FUND:{A} |
| returned to finance 上缴财政 | FINANCE_RETURN_EXPENSE; PAYABLE_TO_FINANCE | PAYABLE_TO_FINANCE; FUND_CASH |

Interest and fees are accrued at a period close (权责发生制, 第七条; :mod:`revolve.closing`) into receivables
of their own (ACCRUED_INTEREST, ACCRUED_FEE, one per loan), which later receipts settle; penalties are
recognised when received. The loan's receivable holds principal only, so a loan's sub-ledger balance is
exactly its outstanding principal (DESIGN §10 item 2). A subsidy accrued at a close is paid out of
SUBSIDY_PAYABLE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from revolve.chart import AccountKey, AccountRole
from revolve.errors import InvalidAmount, MoneyTypeError
from revolve.journal import Entry, Posting
from revolve.money import Money

__all__ = [
    "GOV_REVENUE",
    "ContributionSource",
    "PayerKind",
    "RepaymentSplit",
    "allowance_true_up_entry",
    "contribution_entry",
    "disbursement_entry",
    "grant_entry",
    "pledge_entry",
    "pledge_release_entry",
    "provision_entry",
    "recovery_entry",
    "repayment_entry",
    "return_to_finance_entry",
    "subsidy_entry",
    "transfer_entries",
    "write_off_entry",
]

R = AccountRole
_NO_MONEY = Money(0)


class ContributionSource(StrEnum):
    """Where a contribution to the fund comes from."""

    DONATION = "donation"
    FISCAL = "fiscal"
    UPPER_LEVEL = "upper_level"
    MATCHING = "matching"
    NONPEER_FISCAL = "nonpeer_fiscal"
    """Money from the finance department of another level of government (非同级财政拨款)."""
    OTHER = "other"
    """Money from anyone else that is neither a donation nor government money (其他收入)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name of the source."""
        return {
            "donation": "社会捐赠",
            "fiscal": "财政拨款",
            "upper_level": "上级拨付",
            "matching": "配套资金",
            "nonpeer_fiscal": "非同级财政拨款",
            "other": "其他来源",
        }[self.value]

    @property
    def government(self) -> bool:
        """Whether the money comes from government (finance or the level above)."""
        return self not in (ContributionSource.DONATION, ContributionSource.OTHER)


GOV_REVENUE: dict[ContributionSource, AccountRole] = {
    ContributionSource.FISCAL: AccountRole.GRANT_REVENUE,
    ContributionSource.UPPER_LEVEL: AccountRole.UPPER_GRANT_REVENUE,
    ContributionSource.NONPEER_FISCAL: AccountRole.NONPEER_GRANT_REVENUE,
    ContributionSource.MATCHING: AccountRole.NONPEER_GRANT_REVENUE,
    ContributionSource.DONATION: AccountRole.DONATION_REVENUE,
    ContributionSource.OTHER: AccountRole.OTHER_REVENUE,
}
"""The revenue account of each source under 政府会计制度 (docs/books-gov.md): 4001 财政拨款收入 for money
from the unit's own finance (同级财政), 4201 上级补助收入 for the 主管部门's or the level above's non-fiscal
money, 4601 非同级财政拨款收入 for finance of another level — where 配套资金 comes from (matching money of
the unit's own finance is ``fiscal``) —, 4603 捐赠收入 and 4609 其他收入."""


class PayerKind(StrEnum):
    """Who paid a repayment: the borrower, a guarantor (代偿), the cash deposit (保证金) the fund holds,
    or the borrower's pledged passbook applied on default (存折质押扣划).

    ``pledge`` takes the money from the cash deposit already on the fund's books (Dr 其他应付款);
    ``passbook`` is new money into the fund's bank account from the mother's own passbook
    (Dr 银行存款), recorded only by ``Ledger.apply_passbook_pledge``.
    """

    BORROWER = "borrower"
    GUARANTOR = "guarantor"
    PLEDGE = "pledge"
    PASSBOOK = "passbook"

    @property
    def label_zh(self) -> str:
        """The Chinese name of the payer."""
        return {
            "borrower": "借款人",
            "guarantor": "担保人代偿",
            "pledge": "保证金抵扣",
            "passbook": "存折质押扣划",
        }[self.value]


@dataclass(frozen=True, slots=True)
class RepaymentSplit:
    """How a repayment divides between principal, interest, fees and penalty."""

    principal: Money
    interest: Money
    fee: Money
    penalty: Money
    accrued_interest: Money = _NO_MONEY
    """The part of ``interest`` accrued at a period close: it settles the interest receivable."""
    accrued_fee: Money = _NO_MONEY
    """The part of ``fee`` accrued at a period close: it settles the fee receivable."""

    @property
    def total(self) -> Money:
        """The whole repayment."""
        return Money(self.principal.fen + self.interest.fen + self.fee.fen + self.penalty.fen)


def _positive(amount: Money, what: str) -> None:
    if not isinstance(amount, Money):
        raise MoneyTypeError(amount, reason="field", field=what)
    if amount.fen <= 0:
        raise InvalidAmount(amount, reason="positive", field=what)


_INTEREST = AccountKey(R.INTEREST_REVENUE)
_FEE = AccountKey(R.FEE_REVENUE)
_PENALTY = AccountKey(R.PENALTY_REVENUE)


def _loan(number: str) -> AccountKey:
    return AccountKey(R.LOANS_RECEIVABLE, number)


def contribution_entry(
    *,
    amount: Money,
    on: date,
    source: ContributionSource,
    restricted: bool,
    memo: str,
    key: str | None,
    government: bool = False,
) -> Entry:
    """Money given to the fund.

    Under 民间非营利组织会计制度: restricted donations to 捐赠收入—限定性, other donations to 非限定性,
    government money to 政府补助收入, anything else to 其他收入. Under 政府会计制度 (``government``): the
    revenue account follows who paid (:data:`GOV_REVENUE`) and ``restricted`` makes no difference.
    """
    _positive(amount, "a contribution")
    if government:
        revenue = GOV_REVENUE[source]
    elif source is ContributionSource.DONATION:
        revenue = R.DONATION_REVENUE if restricted else R.DONATION_REVENUE_UNRESTRICTED
    elif source is ContributionSource.OTHER:
        revenue = R.OTHER_REVENUE
    else:
        revenue = R.GRANT_REVENUE
    return Entry(
        on,
        f"contribution.{source.value}",
        (Posting(R.FUND_CASH, amount), Posting(revenue, -amount)),
        memo=memo,
        idempotency_key=key,
    )


def disbursement_entry(*, loan: str, amount: Money, on: date, memo: str, key: str | None) -> Entry:
    """A loan paid out: an asset swap, cash into the loan's receivable (the restriction stays in force)."""
    _positive(amount, "a disbursement")
    return Entry(
        on,
        "disbursement",
        (Posting(_loan(loan), amount), Posting(R.FUND_CASH, -amount)),
        memo=memo,
        idempotency_key=key,
    )


def pledge_entry(*, loan: str, amount: Money, on: date) -> Entry:
    """A cash deposit (保证金) the borrower paid into the fund's account: the fund's cash, owed back to her.

    A pledged passbook (存折质押) is not this: it stays the mother's money and posts nothing
    (:mod:`revolve.pledges`).
    """
    _positive(amount, "a cash deposit")
    return Entry(
        on,
        "pledge.received",
        (Posting(R.FUND_CASH, amount), Posting(R.PLEDGE_DEPOSITS, -amount)),
        memo=f"借款{loan}保证金",
    )


def pledge_release_entry(*, loan: str, amount: Money, on: date) -> Entry:
    """The cash deposit (保证金) handed back once the loan is repaid."""
    _positive(amount, "a released pledge")
    return Entry(
        on,
        "pledge.released",
        (Posting(R.PLEDGE_DEPOSITS, amount), Posting(R.FUND_CASH, -amount)),
        memo=f"借款{loan}结清，退还保证金",
    )


def repayment_entry(
    *, loan: str, split: RepaymentSplit, on: date, payer: PayerKind, receipt: str, memo: str
) -> Entry:
    """Money received on a loan: principal reduces the receivable; interest, fees and penalty are income,
    except the interest and fees accrued at a period close, which settle their receivables (第七条)."""
    total = split.total
    _positive(total, "a repayment")
    source = R.PLEDGE_DEPOSITS if payer is PayerKind.PLEDGE else R.FUND_CASH
    postings = [Posting(source, total)]
    # the credits in a fixed order, each only when it is not zero; a loan's sub-ledger keys are made only
    # for the parts it has (a repayment of an interest-free loan credits its receivable alone)
    if split.principal.fen:
        postings.append(Posting(_loan(loan), -split.principal))
    if split.accrued_interest.fen:
        postings.append(Posting(AccountKey(R.ACCRUED_INTEREST, loan), -split.accrued_interest))
    if split.interest.fen != split.accrued_interest.fen:
        postings.append(Posting(_INTEREST, split.accrued_interest - split.interest))
    if split.accrued_fee.fen:
        postings.append(Posting(AccountKey(R.ACCRUED_FEE, loan), -split.accrued_fee))
    if split.fee.fen != split.accrued_fee.fen:
        postings.append(Posting(_FEE, split.accrued_fee - split.fee))
    if split.penalty.fen:
        postings.append(Posting(_PENALTY, -split.penalty))
    return Entry(
        on, f"repayment.{payer.value}", tuple(postings), memo=memo, idempotency_key=f"receipt:{receipt}"
    )


def grant_entry(*, amount: Money, on: date, memo: str, key: str | None) -> Entry:
    """A one-off grant (一次性帮扶): money that leaves the fund for good."""
    _positive(amount, "a grant")
    return Entry(
        on,
        "grant",
        (Posting(R.GRANT_EXPENSE, amount), Posting(R.FUND_CASH, -amount)),
        memo=memo,
        idempotency_key=key,
    )


def subsidy_entry(
    *,
    amount: Money,
    on: date,
    memo: str,
    key: str | None,
    accrued_for: str | None = None,
    settles: Money | None = None,
) -> Entry:
    """An interest subsidy (贴息) paid for a bank-lent loan: an expense, or — as far as it was accrued at a
    period close (``accrued_for`` names the bank loan, ``settles`` how much of the payment the payable
    accrued for it takes; all of it when not given) — the payable accrued then, settled."""
    _positive(amount, "a subsidy")
    settled = _NO_MONEY if accrued_for is None else min(amount, amount if settles is None else settles)
    postings = []
    if accrued_for is not None and settled.fen > 0:
        postings.append(Posting(AccountKey(R.SUBSIDY_PAYABLE, accrued_for), settled))
    else:
        settled = _NO_MONEY
    if settled != amount:
        postings.append(Posting(R.SUBSIDY_EXPENSE, amount - settled))
    postings.append(Posting(R.FUND_CASH, -amount))
    return Entry(on, "subsidy", tuple(postings), memo=memo, idempotency_key=key)


def provision_entry(*, amount: Money, on: date, memo: str) -> Entry:
    """A bad-debt provision (计提坏账准备): expense now, against the allowance."""
    _positive(amount, "a provision")
    return Entry(
        on,
        "provision",
        (Posting(R.BAD_DEBT_EXPENSE, amount), Posting(R.BAD_DEBT_ALLOWANCE, -amount)),
        memo=memo,
    )


def write_off_entry(*, loan: str, amount: Money, on: date, memo: str) -> Entry:
    """An approved write-off (核销): the whole amount against the allowance (Dr 坏账准备 / Cr 其他应收款).

    The 1131 坏账准备 note of 民间非营利组织会计制度: 对于确实无法收回的应收款项，按照管理权限报经批准后作为
    坏账损失，冲销提取的坏账准备 — the allowance takes the whole amount even when it holds less; it then
    shows a debit balance until the next true-up (补提) restores it (docs/allowance.md).
    """
    _positive(amount, "a write-off")
    return Entry(
        on,
        "write_off",
        (Posting(R.BAD_DEBT_ALLOWANCE, amount), Posting(_loan(loan), -amount)),
        memo=memo,
    )


def recovery_entry(*, loan: str, amount: Money, on: date, receipt: str, memo: str) -> Entry:
    """Money recovered on a written-off loan (核销后收回), through the allowance as the 1131 note says:
    the write-off is reversed for the amount (Dr 其他应收款 / Cr 坏账准备), then the cash received
    (Dr 银行存款 / Cr 其他应收款). The loan's receivable goes up and back down in the one entry, so its
    sub-ledger stays at zero."""
    _positive(amount, "a recovery")
    receivable = _loan(loan)
    return Entry(
        on,
        "recovery",
        (
            Posting(receivable, amount),
            Posting(R.BAD_DEBT_ALLOWANCE, -amount),
            Posting(R.FUND_CASH, amount),
            Posting(receivable, -amount),
        ),
        memo=memo,
        idempotency_key=f"receipt:{receipt}",
    )


def transfer_entries(
    *, sender: str, receiver: str, amount: Money, sender_owes_receiver: Money, on: date, memo: str
) -> tuple[Entry, Entry]:
    """Cash moved from one fund to another: an inter-fund balance on each side that nets to zero.

    Args:
        sender: the sending fund's code (the sub-ledger key in the receiver's books).
        receiver: the receiving fund's code (the sub-ledger key in the sender's books).
        amount: the cash moved.
        sender_owes_receiver: what the sender already owes the receiver (its DUE_TO_FUND balance, as a
            positive amount); that much of the transfer settles the debt rather than making a new claim.
        on: the value date of both entries.
        memo: for people.

    Returns:
        The sender's entry and the receiver's entry.
    """
    _positive(amount, "a transfer")
    settle = min(amount, max(sender_owes_receiver, Money(0)))
    claim = amount - settle
    out_postings = [Posting(R.FUND_CASH, -amount)]
    in_postings = [Posting(R.FUND_CASH, amount)]
    if settle.fen:
        out_postings.append(Posting(AccountKey(R.DUE_TO_FUND, receiver), settle))
        in_postings.append(Posting(AccountKey(R.DUE_FROM_FUND, sender), -settle))
    if claim.fen:
        out_postings.append(Posting(AccountKey(R.DUE_FROM_FUND, receiver), claim))
        in_postings.append(Posting(AccountKey(R.DUE_TO_FUND, sender), -claim))
    return (
        Entry(on, "transfer.out", tuple(out_postings), memo=memo),
        Entry(on, "transfer.in", tuple(in_postings), memo=memo),
    )


def return_to_finance_entry(
    *, amount: Money, on: date, reference: str, key: str | None, government: bool = False
) -> Entry:
    """Leftover money returned to government finance (上缴财政): recognised as owed, then paid.

    Under 政府会计制度 (``government``) it is no expense: the 3001 累计盈余 note books money handed back
    under the rules (上缴、缴回结转结余资金) straight against 累计盈余 (Dr 累计盈余 / Cr 银行存款) — the note's
    wording is quoted, unverified, in docs/books-gov.md.
    """
    _positive(amount, "money returned to finance")
    if government:
        return Entry(
            on,
            "return_to_finance",
            (Posting(R.UNRESTRICTED_NET_ASSETS, amount), Posting(R.FUND_CASH, -amount)),
            memo=f"上缴财政 {reference}".strip(),
            idempotency_key=key,
        )
    return Entry(
        on,
        "return_to_finance",
        (
            Posting(R.FINANCE_RETURN_EXPENSE, amount),
            Posting(R.PAYABLE_TO_FINANCE, -amount),
            Posting(R.PAYABLE_TO_FINANCE, amount),
            Posting(R.FUND_CASH, -amount),
        ),
        memo=f"上缴财政 {reference}".strip(),
        idempotency_key=key,
    )


def allowance_true_up_entry(*, amount: Money, on: date, memo: str) -> Entry:
    """A true-up of the bad-debt allowance (坏账准备) by a signed amount: a positive one provides (补提:
    Dr 管理费用—坏账损失 / Cr 坏账准备), a negative one reverses (冲减: Dr 坏账准备 / Cr 管理费用—坏账损失)."""
    if not isinstance(amount, Money):
        raise MoneyTypeError(amount, reason="true_up")
    if not amount.fen:
        raise InvalidAmount(amount, reason="true_up_zero")
    expense, allowance = Posting(R.BAD_DEBT_EXPENSE, amount), Posting(R.BAD_DEBT_ALLOWANCE, -amount)
    # the debit line first, as a 记账凭证 reads: 借 then 贷
    postings = (expense, allowance) if amount.fen > 0 else (allowance, expense)
    return Entry(on, "allowance.true_up", postings, memo=memo)
