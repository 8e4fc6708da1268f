"""The ``revolve`` command: the books from a terminal.

    revolve demo [--db PATH] [--lang en]        build the demo county in a fresh SQLite file
    revolve check [--db URL]                    audit the books; exit 1 if any invariant is broken
    revolve verify FUND [--db URL]              walk a fund's hash chain
    revolve trial-balance FUND [--as-of DATE]   print a fund's trial balance

``--db`` takes a SQLAlchemy URL or a path to a SQLite file; without it, ``$REVOLVE_DATABASE_URL`` or
``revolve.db`` in the working directory. A refusal prints one line and exits with status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from revolve.demo import run_demo
from revolve.errors import RevolveError
from revolve.ledger import Ledger
from revolve.reports.labels import Language
from revolve.reports.trial_balance_table import trial_balance_table

__all__ = ["main"]


def _url(db: str | None) -> str | None:
    if db is None or "://" in db:
        return db
    return f"sqlite:///{db}"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revolve", description="Books for revolving loan funds (幸福工程).")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="report language (default zh)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="build the demo county in a fresh SQLite file")
    demo.add_argument("--db", help="where to write it (default: a new temporary folder)")
    check = sub.add_parser("check", help="audit the books against revolve's invariants")
    check.add_argument("--db")
    verify = sub.add_parser("verify", help="walk a fund's hash chain")
    verify.add_argument("fund", help="fund code")
    verify.add_argument("--db")
    tb = sub.add_parser("trial-balance", help="print a fund's trial balance")
    tb.add_argument("fund", help="fund code")
    tb.add_argument("--as-of", type=_date)
    tb.add_argument("--db")
    return parser


def _run(args: argparse.Namespace) -> int:
    lang = Language(args.lang)
    if args.command == "demo":
        path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="revolve-demo-")) / "demo.db"
        if path.exists():
            print(f"revolve: {path} exists; the demo writes a fresh file: give another --db", file=sys.stderr)
            return 2
        run_demo(path, lang=lang).close()
        return 0
    with Ledger.open(_url(args.db)) as ledger:
        if args.command == "check":
            problems = ledger.check()
            for problem in problems:
                print(problem)
            print(f"{len(problems)} problem(s) in {len(ledger.funds())} fund(s)")
            return 1 if problems else 0
        if args.command == "verify":
            report = ledger.verify(args.fund)
            print(report)
            return 0 if report.ok else 1
        if args.command == "trial-balance":
            print(trial_balance_table(ledger.trial_balance(args.fund, as_of=args.as_of), lang))
            return 0
    return 2  # pragma: no cover - argparse requires a command


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except RevolveError as exc:
        print(f"revolve: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
