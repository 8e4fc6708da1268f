"""Dependencies point inward: the pure core imports no I/O library and nothing of the shell.

The core (money, dates, schedule, chart, journal, rules, loans, guarantees, funds, invariants and the
other domain modules, packages included) may import only the standard library, dateutil and itself. Only
``store/`` imports SQLAlchemy or Alembic; only ``reports/`` imports tabulate, and only ``reports/`` and
``importers/`` (which reads .xlsx files) import openpyxl.

The layers, from the inside out — a module imports only from its own layer or one further in:

    core  ←  store  ←  operations  ←  ledger  ←  reports, importers  ←  demo  ←  cli  ←  revolve/__init__

and the import graph of ``revolve`` has no cycles.
"""

from __future__ import annotations

import ast
import functools
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "revolve"
SHELL = {"store", "ledger", "operations", "reports", "cli", "importers", "demo"}
LAYERS = [
    {"core"},
    {"store"},
    {"operations"},
    {"ledger"},
    {"reports", "importers"},
    {"demo"},
    {"cli", "__main__"},
    {"__init__"},
]


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name), migrations left out."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _family(module: str) -> str:
    """The first name below ``revolve`` (``loans`` for ``revolve.loans.dues``), or ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(module: str) -> int:
    family = _family(module)
    family = family if family in SHELL | {"__main__", "__init__"} else "core"
    return next(i for i, layer in enumerate(LAYERS) if family in layer)


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


@functools.cache
def _imports(path: Path, *, runtime_only: bool = False) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if runtime_only and _under_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # ``from revolve.loans import dues`` imports the module revolve.loans.dues
            found.update(
                f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES
            )
    return frozenset(found)


def _revolve_imports(module: str) -> set[str]:
    return {n for n in _imports(MODULES[module], runtime_only=True) if n in MODULES}


CORE = sorted(name for name in MODULES if _layer(name) == 0 and name != "revolve")


def test_there_is_a_core_to_check() -> None:
    assert {"revolve.money", "revolve.journal", "revolve.chart", "revolve.invariants"} <= set(CORE)
    assert any(name.startswith("revolve.loans.") for name in CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_only_stdlib_dateutil_and_core(module: str) -> None:
    for name in _imports(MODULES[module]):
        top = name.split(".")[0]
        if top == "revolve":
            assert _layer(name) == 0, f"{module} imports the shell: {name}"
        else:
            assert top in sys.stdlib_module_names or top == "dateutil", f"{module} imports {name}"


def test_core_reads_no_clock() -> None:
    for module in CORE:
        source = MODULES[module].read_text(encoding="utf-8")
        for call in ("date.today(", "datetime.now(", "datetime.today(", "time.time("):
            assert call not in source, f"{module} reads the clock: {call}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_one_above_its_layer(module: str) -> None:
    for name in _revolve_imports(module):
        assert _layer(name) <= _layer(module), (
            f"{module} (layer {_layer(module)}) imports {name} ({_layer(name)})"
        )


def test_the_import_graph_has_no_cycles() -> None:
    graph = {module: _revolve_imports(module) - {module} for module in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


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
        # an import for type checking alone loads nothing when revolve runs
        imported = _imports(path, runtime_only=True)
        assert not any(n.split(".")[0] == library for n in imported), f"{path} imports {library}"
