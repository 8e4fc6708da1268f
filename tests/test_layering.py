"""Dependencies point inward: the pure core imports no I/O library and nothing of the shell.

The core (money, dates, schedule, chart, journal, rules, loans, guarantees, funds, invariants and the
other domain modules) may import only the standard library, dateutil and itself. Only ``store/``
imports SQLAlchemy or Alembic; only ``reports/`` imports tabulate, and only ``reports/`` and
``importers/`` (which reads .xlsx files) import openpyxl.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "revolve"
SHELL = {"store", "ledger", "lending", "reports", "cli", "importers", "demo"}
CORE = sorted(p for p in PACKAGE.glob("*.py") if p.stem not in SHELL | {"__init__", "__main__"})


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_there_is_a_core_to_check() -> None:
    assert {"money", "journal", "chart", "invariants"} <= {p.stem for p in CORE}


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.stem)
def test_core_module_imports_only_stdlib_dateutil_and_core(path: Path) -> None:
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "revolve":
            assert name.split(".")[1] not in SHELL, f"{path.stem} imports the shell: {name}"
        else:
            assert top in sys.stdlib_module_names or top == "dateutil", f"{path.stem} imports {name}"


def test_core_reads_no_clock() -> None:
    for path in CORE:
        source = path.read_text(encoding="utf-8")
        for call in ("date.today(", "datetime.now(", "datetime.today(", "time.time("):
            assert call not in source, f"{path.stem} reads the clock: {call}"


@pytest.mark.parametrize(
    ("library", "allowed"),
    [
        ("sqlalchemy", {"store"}),
        ("alembic", {"store"}),
        ("tabulate", {"reports"}),
        ("openpyxl", {"reports", "importers"}),
    ],
)
def test_io_libraries_stay_in_their_package(library: str, allowed: set[str]) -> None:
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).parts
        if relative[0] in allowed:
            continue
        assert not any(n.split(".")[0] == library for n in _imports(path)), f"{path} imports {library}"
