"""The command line starts without the database layer: building the parser, ``--help`` and a bare
``import revolve`` load neither SQLAlchemy nor revolve's store (issue 14: ``revolve --help`` answers in well
under half a second; ``bench/cli_help.py`` measures it). Each check runs in a fresh interpreter, since this
test process has long since imported everything.

The lazy ``revolve`` package (PEP 562) gives the same objects its ``TYPE_CHECKING`` imports name.
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import revolve

HEAVY = ("sqlalchemy", "alembic", "openpyxl", "jinja2", "revolve.store", "revolve.ledger", "revolve.reports")

_PROBE = """
import sys
{body}
loaded = sorted({{m.split('.')[0] if not m.startswith('revolve.') else '.'.join(m.split('.')[:2])
                 for m in sys.modules}})
print(' '.join(loaded))
"""


def _loaded_after(body: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(body=body)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=True,
    )
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "body",
    [
        "import revolve",
        "from revolve.cli.parser import build_parser\nbuild_parser()",
        "from revolve.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
        "from revolve.cli import main\ntry:\n    main(['disburse', '--help'])\nexcept SystemExit:\n    pass",
    ],
    ids=["import", "build_parser", "help", "command_help"],
)
def test_the_parser_and_help_do_not_load_the_database_layer(body: str) -> None:
    loaded = _loaded_after(body)
    assert "revolve" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_help_is_printed_by_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "revolve", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and "disburse" in done.stdout and "write-off" in done.stdout


def _checked_imports() -> dict[str, tuple[str, str]]:
    """Each name the ``TYPE_CHECKING`` block of ``revolve/__init__.py`` imports → (module, its name there)."""
    tree = ast.parse(Path(revolve.__file__).read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    return {
        alias.asname or alias.name: (node.module or "", alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_the_lazy_names_are_the_type_checked_names() -> None:
    checked = _checked_imports()
    assert set(checked) == set(revolve.__all__)
    for name, (module, original) in checked.items():
        assert getattr(revolve, name) is getattr(importlib.import_module(module), original), name
    assert set(revolve.__all__) <= set(dir(revolve))
    with pytest.raises(AttributeError):
        _ = revolve.no_such_name  # type: ignore[attr-defined]
