"""Importing households, loans and repayments from CSV or Excel files, with every bad row reported.

A county office keeps its household files (一户一档), loan contracts and repayment vouchers in
spreadsheets. This package reads such a sheet as the office has it — a ``.csv``/``.txt`` file in
UTF-8 (with or without BOM), GBK/GB18030 or Excel's "Unicode 文本" (UTF-16, tab-separated), detected
without being named (:mod:`~revolve.importers.sheets`), or a worksheet of an ``.xlsx`` workbook — and
records each row through the :class:`~revolve.ledger.Ledger`'s own operations, so an imported row is
checked exactly as a typed-in one.

**Columns.** The header row is found among the first ten rows (the one naming the most known columns),
so merged title rows (标题), ``单位：元`` lines and dates above it are skipped, each with a note. Each
column may be headed in Chinese or in English (width, case, spaces and a unit suffix such as ``（元）``
are ignored). A column revolve does not know (备注, 序号 …) is reported once as ignored, never dropped
in silence; 所在村 names the household's village organisation. The accepted headers are in
:data:`COLUMNS`:

* households — 户编码/code, 母亲姓名/mother_name, 身份证号/national_id, 登记日期/registered_on;
  optional 计生类别/fp_status, 所属组织/org (an organisation code), 所在村/village (an organisation's
  name under the fund's; one not found is noted and the household imported without it), 联系电话/phone,
  帮扶前年收入/income_before, 家庭人口/persons;
* loans — 借款编号/number, 户编码/household, 批次/batch, 金额/amount, 放款日期/start, 期数/term; optional
  还款方式/method (一次性还本付息 by default), 年利率/rate (``0.049`` or ``4.9%``; interest-free when
  blank), 担保人/guarantor (guarantor codes, several separated by ``;`` or ``、``), 质押金额/pledge.
  A batch not yet in the fund is opened, dated the loan's start date;
* repayments — 借款编号/loan, 金额/amount, 还款日期/on, 还款凭证号/receipt; optional 还款人/payer
  (借款人/borrower by default, 担保人/guarantor, 质押/pledge), 担保人/guarantor (when a guarantor pays),
  提前还款/prepayment (缩短期限/fewer_installments or 减少月供/lower_installments);
* opening (期初借款清单, through :func:`import_opening` with the opening day and balances) — the loan
  columns with 借款金额/amount for the original principal, and 轮次/round and 已还本金/principal_repaid;
  optional 已收利息/interest_paid and 已收管理费/fee_paid (docs/books.md).

:func:`~revolve.importers.templates.write_template` writes a workbook with these columns, a notes row,
dropdowns and an example row that imports back.

**Values.** Amounts are yuan (``1234.56``, ``¥1,234.56``, ``1.2万``). An amount finer than a fen
(``12.345``) is refused, never rounded. Dates are ``2026-03-31``, ``2026/3/31``, ``2026年3月31日``,
``20260331`` or an Excel date cell. Excel numeric cells arrive from openpyxl as ``float``; a float never
becomes money: revolve takes the shortest decimal text that round-trips the float
(``Decimal(repr(value))`` — what Excel itself shows for a typed ``1234.56``) and refuses it if that has
more than two decimals, so a cell holding ``12.345`` or a formula result such as
``12.345000000000001`` is reported, not rounded. A national ID number in a numeric cell is refused
unless it is an exact integer (Excel keeps only 15 significant digits of a number: format the column as
text).

**Rows and problems.** Row numbers are as the user sees them (for ``.xlsx`` the worksheet's own row
numbers; for CSV the record number). Blank rows are skipped; a 合计/总计/小计 row (its first cell says so,
or its identifying columns are blank and an amount is given) is skipped with a note. Every bad row is
reported as a :class:`RowProblem` naming its row, column, value and reason — a malformed cell, an
unknown household, a bad ID check digit, a duplicate receipt, or any refusal the ledger raises; its
text masks every national ID and phone number. A missing required column is reported once, and then
nothing is imported. With ``errors=`` the bad rows go to an errors workbook
(:func:`~revolve.importers.errors_book.write_errors`): the clerk's own rows and a 错误原因 column.

**All or nothing.** By default the whole file is one transaction: each row runs in its own SAVEPOINT
(so one refusal cannot disturb the next row), every row is tried so that every problem is reported, and
the transaction commits only if no row failed — otherwise nothing is written. With ``keep_valid=True``
the valid rows are committed and the bad ones reported. A row the books already hold with the same
content — a household by its code, a loan by its number and terms, a repayment by its receipt number,
amount and date — is an idempotent retry, counted as unchanged and not written again; one whose key is
held with different content is refused naming each column that differs
(:mod:`~revolve.importers.existing`). So a corrected file may be imported again after ``keep_valid``.

Invariants: nothing is written when any row fails unless ``keep_valid``; a float never becomes money;
a file is decoded the same way every time (no statistical guess).

The package, from the file to the books: :mod:`~revolve.importers.sheets` reads a file into rows of
cells; :mod:`~revolve.importers.columns` names the columns of each kind of file;
:mod:`~revolve.importers.cells` reads one cell into a value; :mod:`~revolve.importers.rows` reads a row
into a record; :mod:`~revolve.importers.writers` writes records through the ledger;
:mod:`~revolve.importers.existing` sorts rows against what the books hold;
:mod:`~revolve.importers.loading` runs a whole import as one transaction;
:mod:`~revolve.importers.results` holds what an import reports;
:mod:`~revolve.importers.errors_book` writes the errors workbook; and
:mod:`~revolve.importers.templates` writes the templates.
"""

from revolve.errors import ImportFileError, ImportTargetError
from revolve.importers.columns import COLUMNS, ImportColumn, ImportKind
from revolve.importers.errors_book import write_errors
from revolve.importers.loading import (
    all_or_nothing,
    import_file,
    import_households,
    import_loans,
    import_opening,
    import_repayments,
)
from revolve.importers.results import ImportNote, ImportResult, NoteKind, ProblemKind, RowProblem
from revolve.importers.sheets import SheetRows, detect_encoding, read_rows
from revolve.importers.templates import TEMPLATE_KINDS, write_template

__all__ = [
    "COLUMNS",
    "TEMPLATE_KINDS",
    "ImportColumn",
    "ImportFileError",
    "ImportKind",
    "ImportNote",
    "ImportResult",
    "ImportTargetError",
    "NoteKind",
    "ProblemKind",
    "RowProblem",
    "SheetRows",
    "all_or_nothing",
    "detect_encoding",
    "import_file",
    "import_households",
    "import_loans",
    "import_opening",
    "import_repayments",
    "read_rows",
    "write_errors",
    "write_template",
]
