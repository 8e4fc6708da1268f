"""argparse in the user's language: help, usage and command-line errors in Chinese (default) or English.

The language is read from the command line (``--lang en``) or ``$REVOLVE_LANG`` *before* the parser is
built (:func:`language_of`), since argparse prints ``--help`` while it parses. :class:`Parser` prints
its usage, section titles and errors in that language; every help text is given in both languages
through a :data:`Say` (``t("基金代码", "fund code")``). An enum option takes its value or its Chinese
name (:func:`enum_choice`: ``--kind 村委会`` as well as ``--kind village_committee``), and refuses any
other with the list of choices.

Only the command the command line names has its arguments built (:func:`command_of`): ``revolve
--help`` lists the commands without importing what their options need.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

__all__ = [
    "LANGUAGES",
    "EnglishParser",
    "Grammar",
    "Parser",
    "Say",
    "choices_help",
    "command_of",
    "date_type",
    "enum_choice",
    "language_of",
    "parser_class",
    "say_in",
    "shared_options",
]

LANGUAGES = ("zh", "en")

Say = Callable[[str, str], str]
"""Picks the Chinese or the English of a text: ``t(zh, en)``."""


class Grammar(NamedTuple):
    """One subcommand: its name, its one-line help in both languages, and what adds its arguments."""

    name: str
    zh: str
    en: str
    add: Callable[[argparse.ArgumentParser, Say], None]


def say_in(lang: str) -> Say:
    """The :data:`Say` of ``lang``."""

    def t(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    return t


def language_of(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language a command line asks for: its last ``--lang``, else ``$REVOLVE_LANG``, else ``zh``."""
    chosen = None
    for i, token in enumerate(argv):
        if token == "--lang" and i + 1 < len(argv):  # noqa: S105 -- an option, not a password
            chosen = argv[i + 1]
        elif token.startswith("--lang="):
            chosen = token.partition("=")[2]
    if chosen is None:
        chosen = (os.environ if environ is None else environ).get("REVOLVE_LANG", "")
    return chosen if chosen in LANGUAGES else "zh"


_VALUED = frozenset({"--db", "--lang"})


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand a command line names (its first word that is not an option), or None."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _VALUED:
            skip = True
        elif not token.startswith("-"):
            return token
    return None


# argparse's own messages, said in Chinese
_ZH_MESSAGES = [
    (r"the following arguments are required: (.*)", r"缺少必填参数：\1"),
    (r"one of the arguments (.*) is required", r"须给出其中一个参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+?): invalid choice: (.*) \(choose from (.*)\)", r"参数 \1 的值 \2 无效，可选：\3"),
    (r"argument (\S+?): invalid (\S+) value: (.*)", r"参数 \1 的值 \3 无效（应为 \2）"),
    (r"argument (\S+?): expected one argument", r"参数 \1 需要一个值"),
    (r"argument (\S+?): not allowed with argument (.*)", r"参数 \1 不能与 \2 同时使用"),
    (r"argument (\S+?): (.*)", r"参数 \1：\2"),
    (r"ambiguous option: (\S+) could match (.*)", r"选项 \1 有歧义，可能是：\2"),
]


class _Formatter(argparse.HelpFormatter):
    lang = "zh"

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        if prefix is None:
            prefix = "用法：" if self.lang == "zh" else "usage: "
        super().add_usage(usage, actions, groups, prefix)


class _EnglishFormatter(_Formatter):
    lang = "en"


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese (:class:`EnglishParser`: English): usage, section titles,
    ``-h`` and errors."""

    lang = "zh"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", _Formatter if self.lang == "zh" else _EnglishFormatter)
        super().__init__(*args, **kwargs)
        t = say_in(self.lang)
        self._positionals.title = t("位置参数", "positional arguments")
        self._optionals.title = t("选项", "options")
        self.add_argument(
            "-h", "--help", action="help", help=t("显示本帮助并退出", "show this help message and exit")
        )

    def error(self, message: str) -> Any:  # argparse's signature is NoReturn
        """Print the usage and the error in the parser's language, and exit with status 2."""
        if self.lang == "zh":
            for pattern, replacement in _ZH_MESSAGES:
                changed = re.sub(f"^{pattern}$", replacement, message)
                if changed != message:
                    message = changed
                    break
            self.print_usage()
            self.exit(2, f"{self.prog}: 命令行有误：{message}\n")
        super().error(message)


class EnglishParser(Parser):
    """The parser in English."""

    lang = "en"


def parser_class(lang: str) -> type[Parser]:
    """The parser class of ``lang``."""
    return Parser if lang == "zh" else EnglishParser


def enum_choice(
    option: str, choices: Sequence[tuple[str, str]], t: Say, *, aliases: dict[str, str] | None = None
) -> Callable[[str], str]:
    """An argparse ``type=`` taking an enum's value or its Chinese name, and returning the value.

    Args:
        option: the option's name (``--kind``), which names the converter.
        choices: (value, Chinese name) of each member.
        t: the language of the refusal.
        aliases: other accepted words → value (``村委会`` → ``village_committee``).

    Returns:
        The converter: an exact value or Chinese name, an alias, or a word found in exactly one
        Chinese name (``联保`` → 联保小组); anything else is refused with the list of choices.
    """
    known = {value: value for value, _ in choices}
    known |= {value.lower(): value for value, _ in choices}
    known |= {zh: value for value, zh in choices}
    known |= {re.sub(r"[(（][^)）]*[)）]", "", zh): value for value, zh in choices}
    known |= aliases or {}

    def convert(text: str) -> str:
        word = text.strip()
        if word in known:
            return known[word]
        if len(word) >= 2:
            found = {value for value, zh in choices if word in zh or word in re.sub(r"[()（）]", "", zh)}
            if len(found) == 1:
                return found.pop()
        listed = t(
            "、".join(f"{zh}（{value}）" for value, zh in choices),
            ", ".join(f"{value} ({zh})" for value, zh in choices),
        )
        raise argparse.ArgumentTypeError(
            t(f"不接受 {word!r}，可选：{listed}", f"{word!r} is not one of {listed}")
        )

    convert.__name__ = option.lstrip("-")
    return convert


def choices_help(t: Say, what: tuple[str, str], choices: Sequence[tuple[str, str]], default: str = "") -> str:
    """An enum option's help: what it is, then each choice's Chinese name and value (and the default)."""
    listed = "、".join(f"{zh}（{value}）" for value, zh in choices)
    listed_en = ", ".join(f"{value} ({zh})" for value, zh in choices)
    shown = next((zh for value, zh in choices if value == default), default)
    return t(
        f"{what[0]}：{listed}" + (f"；默认 {shown}" if default else ""),
        f"{what[1]}: {listed_en}" + (f"; default {default}" if default else ""),
    )


def date_type(t: Say) -> Callable[[str], date]:
    """An argparse ``type=`` reading an ISO date (``2026-03-31``), refusing anything else in ``t``'s language."""

    def to_date(text: str) -> date:
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                t(f"{text!r} 不是日期，请写成 2026-03-31", f"{text!r} is not a date like 2026-03-31")
            ) from None

    to_date.__name__ = "date"
    return to_date


def shared_options(parser: argparse.ArgumentParser, t: Say, *, top: bool, lang: str = "zh") -> None:
    """``--db`` and ``--lang``, accepted before or after the command (the command's copy wins if given).

    Only the top parser has defaults: a subcommand's copy is absent from the result unless given.
    """
    parser.add_argument(
        "--db",
        default=None if top else argparse.SUPPRESS,
        help=t("账簿：SQLAlchemy URL 或 SQLite 文件（默认 $REVOLVE_DATABASE_URL 或 revolve.db）",
               "SQLAlchemy URL or SQLite file (default: $REVOLVE_DATABASE_URL or revolve.db)"),
    )  # fmt: skip
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=lang if top else argparse.SUPPRESS,
        help=t("输出语言：zh 中文（默认）或 en 英文；也可设 REVOLVE_LANG",
               "language of output: zh Chinese (default) or en English; or set REVOLVE_LANG"),
    )  # fmt: skip
