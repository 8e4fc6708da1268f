"""The command line starts without the database layer: building the parser, ``--help`` and a bare
``import revolve`` load neither SQLAlchemy nor revolve's store (issue 14: ``revolve --help`` answers in well
under half a second; ``bench/cli_help.py`` measures it). Each check runs in a fresh interpreter, since this
test process has long since imported everything.

The lazy ``revolve`` package (PEP 562) gives the same objects its ``TYPE_CHECKING`` imports name.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import revolve
from revolve.cli.parser import build_parser

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


# ---- the language of the command line (issue 14: Chinese help, Chinese enum names) -------------------------
def _every_action(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.Action]]:
    """Every argument of the parser and of its subcommands, with the command it belongs to."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                for where, found in _every_action(sub):
                    yield f"{name} {where}".strip(), found
        else:
            yield "", action


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_command_and_option_has_chinese_help_and_english_help() -> None:
    zh = list(_every_action(build_parser(environ={})))
    en = list(_every_action(build_parser(environ={"REVOLVE_LANG": "en"})))
    assert len(en) == len(zh) > 300
    for (where, action), (_, english) in zip(zh, en, strict=True):
        label = f"{where} {'/'.join(action.option_strings) or action.dest}"
        assert action.help and _has_cjk(action.help), label
        assert english.help and re.search(r"[A-Za-z]{3,}", english.help), label
    choices = {c.dest: c.help for a in build_parser(environ={})._actions
               if isinstance(a, argparse._SubParsersAction) for c in a._choices_actions}  # fmt: skip
    assert all(help_text and _has_cjk(help_text) for help_text in choices.values()), choices


def test_the_language_is_read_before_the_help_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, environ, expected, absent in [
        (["--help"], {}, "用法：", "usage:"),
        (["--help"], {"REVOLVE_LANG": "en"}, "usage:", "用法："),
        (["disburse", "--help", "--lang", "en"], {}, "principal in yuan", "借款本金"),
        (["--lang", "zh", "disburse", "--help"], {"REVOLVE_LANG": "en"}, "借款本金", "principal in yuan"),
    ]:
        with pytest.raises(SystemExit) as done:
            build_parser(argv, environ=environ).parse_args(argv)
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert expected in out and absent not in out, (argv, out)


@pytest.mark.parametrize(
    ("argv", "dest", "value"),
    [
        (["guarantor", "--fund", "F", "--code", "G", "--name", "N", "--kind", "村委会"], "kind", "village_committee"),
        (["guarantor", "--fund", "F", "--code", "G", "--name", "N", "--kind", "联保小组"], "kind", "joint_liability_group"),
        (["guarantor", "--fund", "F", "--code", "G", "--name", "N", "--kind", "individual"], "kind", "individual"),
        (["contribute", "--fund", "F", "--amount", "1", "--on", "2016-01-01", "--source", "财政拨款"], "source", "fiscal"),
        (["init", "--level", "市"], "level", "city"),
        (["repay", "--fund", "F", "--loan", "L", "--amount", "1", "--on", "2016-01-01", "--receipt", "R",
          "--payer", "担保人代偿", "--prepayment", "缩短期限"], "payer", "guarantor"),
        (["disburse", "--fund", "F", "--number", "L", "--household", "H", "--batch", "B", "--amount", "1",
          "--start", "2016-01-01", "--term", "12", "--method", "等额本金"], "method", "equal_principal"),
        (["void", "还款", "R1", "--fund", "F", "--on", "2016-01-01", "--reason", "r", "--approved-by", "a"], "kind", "receipt"),
        (["report", "明细账", "--fund", "F"], "kind", "ledger"),
        (["list", "凭证", "--fund", "F"], "what", "entries"),
        (["import", "还款", "x.csv", "--fund", "F"], "kind", "repayments"),
        (["advance", "--fund", "F", "--application", "1", "--step", "公示", "--on", "2016-01-01", "--by", "b"], "step", "notice"),
        (["household", "add", "--fund", "F", "--code", "H", "--name", "N", "--id", "I",
          "--registered-on", "2016-01-01", "--category", "二女户"], "category", "two_daughters"),
    ],
)  # fmt: skip
def test_an_enum_option_takes_its_chinese_name(argv: list[str], dest: str, value: str) -> None:
    assert getattr(build_parser(argv, environ={}).parse_args(argv), dest) == value


def test_an_unknown_enum_value_is_refused_in_chinese_with_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["guarantor", "--fund", "F", "--code", "G", "--name", "N", "--kind", "村长"]
    with pytest.raises(SystemExit) as done:
        build_parser(argv, environ={}).parse_args(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("revolve guarantor: 命令行有误：参数 --kind：不接受 '村长'，可选：")
    assert "村(居)委会担保（village_committee）" in err[-1] and "联保小组（joint_liability_group）" in err[-1]
    with pytest.raises(SystemExit):
        build_parser([*argv, "--lang", "en"], environ={}).parse_args([*argv, "--lang", "en"])
    assert "'村长' is not one of village_committee (村(居)委会担保)" in capsys.readouterr().err
    missing = ["guarantor", "--fund", "F"]
    with pytest.raises(SystemExit):
        build_parser(missing, environ={}).parse_args(missing)
    assert "命令行有误：缺少必填参数：--code, --kind, --name" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["household", "show", "--fund", "F", "H1", "--db", "x.db", "--lang", "en"],
        ["batch", "list", "--fund", "F", "--db", "x.db", "--lang", "en"],
        ["policy", "show", "--fund", "F", "--db", "x.db", "--lang", "en"],
        ["allowance", "show", "--fund", "F", "--db", "x.db", "--lang", "en"],
        ["print", "iou", "L1", "--fund", "F", "--db", "x.db", "--lang", "en"],
    ],
)
def test_db_and_lang_are_taken_after_a_commands_action(argv: list[str]) -> None:
    args = build_parser(argv, environ={}).parse_args(argv)
    assert (args.db, args.lang) == ("x.db", "en")


def test_every_hinted_command_exists_with_its_options() -> None:
    """A refusal's hint names a command (``CALL_COMMANDS``): that command and each option it shows parse."""
    import argparse

    from revolve.cli.hints import CALL_COMMANDS
    from revolve.cli.parser import build_parser

    def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        found: dict[str, argparse.ArgumentParser] = {}
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                found.update(action.choices)
        return found

    root = build_parser()
    for call, line in CALL_COMMANDS.items():
        words = line.split("（")[0].split()
        assert words[0] == "revolve", call
        parser, rest = root, words[1:]
        while rest and rest[0] in subcommands(parser):
            parser, rest = subcommands(parser)[rest[0]], rest[1:]
        assert parser is not root, f"{call}: no command {words[1]!r}"
        options = {o for a in parser._actions for o in a.option_strings}
        for word in rest:
            if word.startswith("--"):
                assert word in options, f"{call}: {' '.join(words[:2])} has no option {word}"
