"""Quickstart: from nothing to a mother's repayment statement (还款对账单).

One county, one fund, one donation, one mother, one loan, two repayments — and the statement the
county office hands her, as revolve computes it from those operations. Run it with::

    python examples/quickstart.py

The books live in an in-memory SQLite database, so nothing is left behind; give ``revolve.open`` a
file (``"sqlite:///county.db"``) or a PostgreSQL URL to keep them.
"""

from __future__ import annotations

from datetime import date

import revolve
from revolve import QUARTERLY, GuarantorKind, LoanTerms, OrgLevel, RepaymentMethod, yuan
from revolve.reports.render import Format, render
from revolve.reports.statement import build_statement


def main() -> None:
    with revolve.open("sqlite://") as books:
        county = books.create_org("HE-FN", "丰宁满族自治县", OrgLevel.COUNTY)
        village = books.create_org("HE-FN-NG", "大阁镇南关村", OrgLevel.VILLAGE, parent=county)
        fund = books.create_fund("FN-HP", "丰宁县幸福工程资金", org=county)
        books.contribute(
            fund, amount=yuan("300000"), on=date(2016, 1, 15), source="donation", receipt="JZ-2016-001"
        )

        mother = books.register_household(
            fund,
            code="FN-0001",
            mother_name="王秀英",
            national_id="130826198503120024",  # 18 characters with a valid GB 11643 check digit
            registered_on=date(2016, 2, 1),
            org=village.id,
            phone="13903141234",  # masked on the statement, like the ID number
            income_before=yuan("2800"),
        )
        # revolve's default policy asks for a guarantee: here the mother's village committee.
        committee = books.register_guarantor(
            fund, code="DG-CWH-01", kind=GuarantorKind.VILLAGE_COMMITTEE, name="大阁镇南关村村委会"
        )
        batch = books.open_batch(fund, code="2016-1", on=date(2016, 3, 10))
        loan = books.disburse(
            fund,
            number="FN-2016-001",
            household=mother,
            batch=batch,
            # interest-free, 6,000 yuan repaid in four equal quarterly parts (分期等额还本)
            terms=LoanTerms(
                principal=yuan("6000"),
                start=date(2016, 3, 10),
                term=4,
                frequency=QUARTERLY,
                method=RepaymentMethod.EQUAL_PRINCIPAL,
            ),
            guarantors=[committee],
        )

        books.repay(fund, loan, amount=yuan("1500"), on=date(2016, 6, 8), receipt="HK-2016-0001")
        books.repay(fund, loan, amount=yuan("1500"), on=date(2016, 9, 9), receipt="HK-2016-0002")

        statement = build_statement(books, fund, loan, as_of=date(2016, 10, 31))
        print(render(statement, Format.TEXT))


if __name__ == "__main__":
    main()
