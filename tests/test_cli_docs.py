"""docs/cli.md is what the command line prints today: its transcripts are re-recorded and compared.

docs/cli_record.py runs the clerk's session (and the help) with ``python -m revolve`` in subprocesses and
writes each command with its output between the page's markers. Here it records into a copy of the page;
the copy must come out equal to the committed page, so a change to a command's output that is not
re-recorded (``python docs/cli_record.py``) fails here instead of leaving the page stale.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_recorded_session_in_docs_cli_md_is_what_a_fresh_run_prints(tmp_path: Path) -> None:
    page = DOCS / "cli.md"
    copy = tmp_path / "cli.md"
    shutil.copyfile(page, copy)
    done = subprocess.run(
        [sys.executable, str(DOCS / "cli_record.py"), "--doc", str(copy)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    committed, fresh = page.read_text(encoding="utf-8"), copy.read_text(encoding="utf-8")
    assert "<!-- session:begin -->\n```text\n$ revolve init" in fresh
    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            fresh.splitlines(keepends=True),
            "docs/cli.md (committed)",
            "docs/cli.md (recorded now)",
        )
    )
    assert committed == fresh, f"docs/cli.md is stale; run python docs/cli_record.py\n{diff}"


def test_a_refusal_in_the_session_is_one_chinese_line_and_every_step_ran() -> None:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    session = page.split("<!-- session:begin -->")[1].split("<!-- session:end -->")[0]
    steps = [step for step in session.split("\n\n") if "$ revolve " in step]
    statuses = [step.splitlines()[-1] for step in steps]
    assert statuses.count("(exit status 2)") == 1  # the --kind 村长 the parser refuses
    refused = [step for step in steps if step.endswith("(exit status 1)") and "revolve import" not in step]
    assert refused  # the payment dated in a closed year
    for step in refused:
        (line,) = [line for line in step.splitlines() if line.startswith("revolve: ")]
        assert any("\u4e00" <= c <= "\u9fff" for c in line), line
    assert "打印日期：2017-01-01" in session  # SOURCE_DATE_EPOCH, not the day the page was recorded
    assert "/tmp" not in session and "revolve-cli-" not in session
