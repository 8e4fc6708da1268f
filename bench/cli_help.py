"""How long ``revolve --help`` takes to answer: the start-up of the command line, in fresh processes.

Runs ``python -m revolve --help`` and the installed ``revolve --help`` script ``--runs`` times each (after
one warm-up run each, so the files are in the page cache) and prints one JSON object with the median,
min and max wall time of each, in seconds. The script is looked up next to the running interpreter, then
on ``PATH``; it is skipped (``null``) when it is not installed.

Usage::

    python bench/cli_help.py --runs 15
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _time(command: list[str], runs: int) -> dict[str, float | int]:
    """Median, min and max seconds of ``runs`` runs of ``command`` (after one warm-up run)."""
    subprocess.run(command, check=True, capture_output=True)
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds.append(time.perf_counter() - began)
    return {
        "runs": runs,
        "median_s": round(statistics.median(seconds), 4),
        "min_s": round(min(seconds), 4),
        "max_s": round(max(seconds), 4),
    }


def _script() -> str | None:
    """The installed ``revolve`` script: beside this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "revolve"
    return str(beside) if beside.exists() else shutil.which("revolve")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command (default 15)")
    runs = parser.parse_args().runs
    script = _script()
    result = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "python_m_revolve_help": _time([sys.executable, "-m", "revolve", "--help"], runs),
        "revolve_help": _time([script, "--help"], runs) if script else None,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
