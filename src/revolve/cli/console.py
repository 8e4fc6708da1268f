"""What the command line shows the person at the terminal: its exit statuses and its language.

A command answers in Chinese (the default) or in English (``--lang en``): :func:`say` picks the text.
It ends with an exit status: :data:`EXIT_OK`, :data:`EXIT_REFUSED` (a refusal, an import with bad rows,
books that fail ``check``/``verify``) or :data:`EXIT_USAGE` (a malformed command line, from argparse).
A refusal is printed on one line (:func:`one_line`).
"""

from __future__ import annotations

__all__ = ["EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "one_line", "say"]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


def say(lang: str, zh: str, en: str) -> str:
    """The Chinese text when ``lang`` is ``"zh"``, else the English one."""
    return zh if lang == "zh" else en


def one_line(text: str) -> str:
    """``text`` with every run of whitespace, line breaks included, made one space."""
    return " ".join(text.split())
