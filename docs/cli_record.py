"""Record the clerk's session of docs/cli.md from a real run of the command line.

Run from the repository's root::

    python docs/cli_record.py                 # re-record docs/cli.md in place
    python docs/cli_record.py --doc OTHER.md  # record into another copy (tests/test_cli_docs.py does)
    python docs/cli_record.py --check         # exit 1 when docs/cli.md is not what a fresh run prints

Each step runs ``python -m revolve`` in a subprocess, in an empty temporary folder, on a SQLite file
named by its relative path, and the command with everything it printed (stdout and stderr, in the
order written) and its exit status goes between the ``<!-- NAME:begin -->`` and
``<!-- NAME:end -->`` markers of the page, one block of :data:`BLOCKS` for each NAME. Every date is given on the command line (``--on``,
``--as-of``, ``--through``), and ``SOURCE_DATE_EPOCH`` fixes the 打印日期 that statements and
documents print, so two runs record the same text — but for the code of a checkpoint (账簿校验码),
which hashes the wall-clock moment each entry was recorded and so is shown as ``XXXX-XXXX-…``.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).resolve().parent / "cli.md"
PRINTED_ON = "1483228800"  # 2017-01-01 00:00 UTC: the 打印日期 of the session's statements and documents
DB = "--db county.db --fund FN-HP"
CHECKPOINT = re.compile(r"(·\d{4}-\d{2}-\d{2}·)[0-9A-F]{4}(?:-[0-9A-F]{4}){4}")
"""A checkpoint's (账簿校验码's) code: it hashes the moment each entry was recorded, new on every run."""
FULL_CHECKPOINT = re.compile(r"[\w-]+·\d+" + CHECKPOINT.pattern)
MASKED = r"\1XXXX-XXXX-XXXX-XXXX-XXXX"


@dataclass(frozen=True)
class File:
    """A file the clerk has before the session: written in ``encoding``, shown as ``shown_as``."""

    name: str
    text: str
    encoding: str
    shown_as: str


@dataclass(frozen=True)
class Command:
    """A ``revolve`` command line as the clerk types it, with a comment shown above it.

    ``reads``: the command only reads the books, so it runs at the same time as the reading commands
    next to it (the transcript keeps the order of the session). ``env``: variables set for it, shown
    before it as in a shell. ``{checkpoint}`` in the line stands for the last checkpoint printed before.
    """

    line: str
    comment: str = ""
    reads: bool = False
    env: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Next:
    """The steps after this one go into the page's ``name`` block: the same folder, the same books."""

    name: str


HOUSEHOLDS = """2016年幸福工程受助母亲花名册
序号,户编码,母亲姓名,身份证号,登记日期,联系电话,备注
1,H002,李桂兰,110105198807150042,2016-03-01,13812345678,
2,H003,张玉梅,１１０１０５１９８００１０１００１６,2016-03-02,,全角数字
3,H004,刘淑珍,11010519850302002X,2016-03-02,,身份证重复
4,H005,陈秀兰,110105198203040010,2016-13-01,,日期写错
合计,4户,,,,,
"""

SESSION: Sequence[File | Command] = (
    Command(
        "init --db county.db --org-code FN --org-name 丰宁县 --level county "
        "--fund-code FN-HP --fund-name 丰宁县幸福工程资金"
    ),
    Command(f"contribute {DB} --amount 10万 --on 2016-01-15 --receipt DON-001 --donor 某公司"),
    Command(f"guarantor {DB} --code VC --kind 村委会 --name 南关村村委会 --cap 50000"),
    Command(
        f"guarantor {DB} --code X --kind 村长 --name 某村",
        "a value not in the list: refused, nothing written",
    ),
    Command(
        f"household add {DB} --code H001 --name 王秀英 --id 11010519850302002X "
        "--registered-on 2016-03-01 --category 二女户 --phone 13912345678"
    ),
    File("户档案.csv", HOUSEHOLDS, "gbk", "iconv -f gbk -t utf-8 户档案.csv"),
    Command(f"import households 户档案.csv {DB} --no-progress", "saved by WPS: GBK, a title row, a 合计 row"),
    Command(
        f"import households 户档案.csv {DB} --no-progress --keep-valid --errors 错误.xlsx", "the good rows"
    ),
    Command(
        f"disburse {DB} --number FN-2016-001 --household H001 --batch 2016-1 --amount 10000 "
        "--start 2016-03-10 --term 12 --method 等额本金 --guarantor VC"
    ),
    Command(
        f"disburse {DB} --number FN-2016-002 --household H002 --batch 2016-1 --amount 8000 "
        "--start 2016-03-10 --term 12 --method 等额本金 --guarantor VC"
    ),
    Command(f"repay {DB} --loan FN-2016-001 --amount 833.33 --on 2016-04-10 --receipt R-0001"),
    Command(
        f"repay {DB} --loan FN-2016-002 --amount 666.76 --on 2016-04-10 --receipt R-0002", "666.67 mistyped"
    ),
    Command(f"void receipt R-0002 {DB} --on 2016-04-12 --reason 金额录错 --approved-by 赵会计", "冲正"),
    Command(f"repay {DB} --loan FN-2016-002 --amount 666.67 --on 2016-04-10 --receipt R-0003"),
    Command(f"grant {DB} --household H002 --amount 800 --on 2016-07-01 --memo 子女入学"),
    Command(
        f"write-off {DB} --loan FN-2016-002 --on 2016-12-20 --approval-ref 丰计协发〔2016〕9号 "
        "--reason 借款人病故，无力偿还"
    ),
    Command(f"recovery {DB} --loan FN-2016-002 --amount 1000 --on 2016-12-28 --receipt RC-0001"),
    Command(f"close {DB} --through 2016-12-31"),
    Command(
        f"repay {DB} --loan FN-2016-001 --amount 833.33 --on 2016-12-30 --receipt R-0005", "a closed period"
    ),
    Command(f"statement {DB} --loan FN-2016-002 --as-of 2016-12-31", reads=True),
    Command(f"report quarterly {DB} --year 2016 --quarter 4 --output 季报-2016Q4.xlsx", reads=True),
    Command("trial-balance FN-HP --db county.db --as-of 2016-12-31", reads=True),
    Command(f"list entries {DB} --from 2016-01-01 --to 2016-12-31 --as-of 2016-12-31", reads=True),
    Command(
        f"list ledger {DB} --account 1002 --from 2016-12-01 --to 2016-12-31 --as-of 2016-12-31", reads=True
    ),
    Command(f"print receipt R-0003 {DB} --payee 赵会计", reads=True),
    Command(f"print contract FN-2016-001 {DB} --output 借款合同-FN-2016-001.html", reads=True),
    Command("check --db county.db", reads=True),
    Command("verify FN-HP --db county.db", reads=True),
)

HELP: Sequence[File | Command] = (
    Command("--help", reads=True),
    Command("--lang en write-off --help", reads=True),
)

CHAIN_KEY = "chain.key"
CHECKPOINTS: Sequence[File | Command] = (
    Command(f"contribute {DB} --amount 5000 --on 2017-01-10 --receipt DON-002", "the session goes on"),
    Command("verify FN-HP --db county.db --against {checkpoint}", "the code the last verify printed"),
    File(
        CHAIN_KEY,
        "5f" * 32 + "\n",
        "ascii",
        "cat chain.key   # a made-up key; make one with: python -c 'import secrets; print(secrets.token_hex(32))'",
    ),
    Command("seal FN-HP --db county.db", env=(("REVOLVE_CHAIN_KEY_FILE", CHAIN_KEY),)),
    Command("verify FN-HP --db county.db", "without the key"),
)

BLOCKS: dict[str, Sequence[File | Command | Next]] = {
    "help": HELP,
    "session": (*SESSION, Next("checkpoints"), *CHECKPOINTS),
}
"""The runs, each in its own folder, by the name of the page's block their transcript goes into."""


def _run(command: Command, folder: Path, checkpoint: str = "") -> str:
    """Run one ``revolve`` command line in ``folder`` and return the transcript of it (checkpoints unmasked)."""
    line = command.line.replace("{checkpoint}", checkpoint)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("REVOLVE_") and key not in {"LANG", "LC_ALL", "COLUMNS"}
    }
    env.update(COLUMNS="110", PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", SOURCE_DATE_EPOCH=PRINTED_ON)
    env.update(command.env)
    done = subprocess.run(  # noqa: S603 - our own interpreter running our own module
        [sys.executable, "-m", "revolve", *shlex.split(line)],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        check=False,
    )
    out = "\n".join(row.rstrip() for row in done.stdout.rstrip("\n").splitlines())
    shown = "".join(f"{key}={value} " for key, value in command.env)
    return f"$ {shown}revolve {line}\n{out}\n(exit status {done.returncode})".replace("\n\n(exit", "\n(exit")


def _comment(command: Command) -> str:
    return f"# {command.comment}\n" if command.comment else ""


def record(name: str, steps: Sequence[File | Command | Next]) -> dict[str, str]:
    """Run ``steps`` in a fresh temporary folder; return the transcripts, fenced, by the block they go into."""
    blocks: dict[str, list[str]] = {name: []}
    parts = blocks[name]
    reading: list[Command] = []
    checkpoint = ""
    with tempfile.TemporaryDirectory(prefix="revolve-cli-") as tmp, ThreadPoolExecutor(4) as pool:
        folder = Path(tmp)

        def flush() -> None:
            done_texts = list(pool.map(lambda command: _run(command, folder), reading))
            parts.extend(_comment(command) + text for command, text in zip(reading, done_texts, strict=True))
            reading.clear()
            nonlocal checkpoint
            for text in done_texts:
                checkpoint = next((m.group(0) for m in FULL_CHECKPOINT.finditer(text)), checkpoint)

        for step in steps:
            if isinstance(step, Command) and step.reads:
                reading.append(step)
                continue
            flush()
            if isinstance(step, Next):
                parts = blocks.setdefault(step.name, [])
            elif isinstance(step, File):
                (folder / step.name).write_bytes(step.text.encode(step.encoding))
                parts.append(f"$ {step.shown_as}\n{step.text.rstrip()}")
            else:
                parts.append(_comment(step) + _run(step, folder, checkpoint))
                checkpoint = next((m.group(0) for m in FULL_CHECKPOINT.finditer(parts[-1])), checkpoint)
        flush()
    return {
        block: "```text\n" + CHECKPOINT.sub(MASKED, "\n\n".join(texts)) + "\n```"
        for block, texts in blocks.items()
    }


def splice(page: str, name: str, transcript: str) -> str:
    """Put ``transcript`` between the page's ``name`` markers, in place of what was there."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    head, found_begin, rest = page.partition(begin)
    _, found_end, tail = rest.partition(end)
    if not found_begin or not found_end:
        raise SystemExit(f"the page has no {begin} … {end} markers")
    return f"{head}{begin}\n{transcript}\n{end}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    """Re-record the page (or, with --check, say whether it is up to date)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc", type=Path, default=DOC, help="the page to record into (default docs/cli.md)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the page is stale")
    args = parser.parse_args(argv)
    page = args.doc.read_text(encoding="utf-8")
    fresh = page
    with ThreadPoolExecutor(len(BLOCKS)) as pool:
        for transcripts in pool.map(record, BLOCKS, BLOCKS.values()):
            for name, transcript in transcripts.items():
                fresh = splice(fresh, name, transcript)
    if args.check:
        if fresh != page:
            print(f"{args.doc} is out of date: run python docs/cli_record.py", file=sys.stderr)
            return 1
        return 0
    args.doc.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
