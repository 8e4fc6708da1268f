"""Opening the books a command names: ``--db``, ``$REVOLVE_DATABASE_URL`` or ``revolve.db``.

Only ``init`` and ``demo`` create a database; :func:`open_books` refuses a SQLite file that does not
exist, so a mistyped path does not silently open empty books. A database that cannot be reached is one
clear refusal (:func:`connect`), with any password in its URL hidden (:func:`shown_url`).
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from revolve.cli.console import say
from revolve.errors import CommandError, RevolveError
from revolve.ledger import DEFAULT_URL, Ledger

__all__ = ["connect", "open_books", "shown_url", "url_of"]


def url_of(db: str | None) -> str:
    """The database URL of ``--db`` (a URL, or a path to a SQLite file), else of the environment."""
    if db is None:
        return os.environ.get("REVOLVE_DATABASE_URL") or DEFAULT_URL
    return db if "://" in db else f"sqlite:///{db}"


def _sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for memory or another database)."""
    if not url.startswith("sqlite") or "://" not in url:
        return None
    rest = url.split("://", 1)[1]
    if not rest.startswith("/") or rest in ("/", "/:memory:") or "mode=memory" in rest:
        return None
    return Path(rest[1:].split("?", 1)[0])


def open_books(args: argparse.Namespace) -> Ledger:
    """The books the command line names, which must already exist.

    Raises:
        CommandError: a SQLite file that does not exist, or a database that cannot be reached.
    """
    url = url_of(args.db)
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        raise CommandError(
            str(path),
            message=say(
                args.lang,
                f"找不到账簿 {path}：请用 --db 指明账簿文件，或先运行 revolve init --db {path}",
                f"no books at {path}: name the books with --db, or run 'revolve init --db {path}' first",
            ),
        )
    return connect(url, args.lang)


def shown_url(url: str) -> str:
    """The URL with any password hidden, fit to print."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def connect(url: str, lang: str) -> Ledger:
    """Open the books, turning a database that cannot be reached into one clear refusal."""
    try:
        return Ledger.open(url)
    except RevolveError:
        raise
    except Exception as exc:  # the driver's own error types live behind revolve.store
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(
            url,
            message=say(
                lang,
                f"无法打开账簿 {shown_url(url)}（{first}）：请检查 --db 或 REVOLVE_DATABASE_URL",
                f"cannot open the books at {shown_url(url)} ({first}): check --db or REVOLVE_DATABASE_URL",
            ),
        ) from exc
