"""argparse in the person's language: its own words, the commands' help, the placeholders.

Python's argparse passes each of its texts ("usage: ", "the following arguments
are required: %s", …) through gettext, looked up in the module as ``_`` and
``ngettext``. While the command line builds its parser and parses (and prints
help or an error), ``speaking(lang)`` puts the Japanese of ARGPARSE_JA there and
takes it away again, so argparse used elsewhere in the process is unchanged.

The commands' help texts are written in English where each command is
registered; their Japanese is in zebkb/cli/help_ja.py, keyed by the English (a
test checks that every help text has one), with the placeholders (COMMAND,
FILE, …). No Qt here.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# argparse's texts (Python 3.11–3.13), in Japanese. Keys are argparse's own, exactly.
ARGPARSE_JA: dict[str, str] = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "show this help message and exit": "この説明を表示して終了します",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "解釈できない引数があります: %s",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "one of the arguments %s is required": "次の引数のどれかが必要です: %s",
    "not allowed with argument %s": "%s と一緒には指定できません",
    "ignored explicit argument %r": "値を取りません（%r）",
    "expected one argument": "値を一つ指定してください",
    "expected at most one argument": "値は一つまでです",
    "expected at least one argument": "値を一つ以上指定してください",
    "expected %s argument": "値を %s 個指定してください",
    "expected %s arguments": "値を %s 個指定してください",
    "ambiguous option: %(option)s could match %(matches)s": (
        "%(option)s は次のどれのことか分かりません: %(matches)s"
    ),
    # The type's name (int) is left out: the only typed values are numbers.
    "invalid %(type)s value: %(value)r": "「%(value)s」は数として読めません",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "「%(value)s」は選べません（選べるもの: %(choices)s）"
    ),
    "unexpected option string: %s": "思いがけないオプションです: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "「%(parser_name)s」は選べません（選べるもの: %(choices)s）"
    ),
}

_current: list[str] = []


def current_language() -> str:
    """The language ``speaking`` set, else English."""
    return _current[-1] if _current else "en"


def _translator(lang: str) -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    def gettext(text: str) -> str:
        return ARGPARSE_JA.get(text, text) if lang == "ja" else text

    def ngettext(one: str, many: str, n: int) -> str:
        return gettext(one if n == 1 else many)

    return gettext, ngettext


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse says its words in ``lang`` inside this block."""
    module: Any = argparse
    saved = (module._, module.ngettext)
    module._, module.ngettext = _translator(lang)
    _current.append(lang)
    try:
        yield
    finally:
        _current.pop()
        module._, module.ngettext = saved


def language_in(argv: list[str]) -> str | None:
    """``--lang`` as given on the command line, found before parsing (errors need it)."""
    for position, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and position + 1 < len(argv):
            return argv[position + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


_INVALID_CHOICE = {
    "en": re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)"),
    "ja": re.compile(r"「([^」]*)」は選べません（選べるもの: (.*)）"),
}


def suggest_choice(message: str, lang: str = "en") -> str:
    """argparse's "invalid choice" with the nearest choice suggested, as git does."""
    match = _INVALID_CHOICE[lang].search(message)
    if match is None:
        return message
    import difflib  # only for a mistyped choice (a search must not load it: README, search)

    given = match.group(1)
    choices = re.findall(r"'([^']*)'", match.group(2))
    near = difflib.get_close_matches(given, choices, n=1, cutoff=0.6)
    head = message[: match.start()]
    if lang == "ja":
        command = head == "コマンド: "
        if command:
            # "コマンド: 「shw」は選べません" reads better as one sentence.
            head, what = "", f"コマンド「{given}」はありません"
        else:
            what = f"「{given}」は選べません"
        if not near:
            return head + (what if command else message[match.start() :])
        return f"{head}{what}。「{near[0]}」のことですか？"
    if not near:
        return message
    return f"{head}unknown choice '{given}'; did you mean '{near[0]}'?"


def error_line(message: str, lang: str) -> str:
    """argparse's error as zebkb's one line, with the way to the help."""
    message = suggest_choice(message, lang)
    if lang == "ja":
        return f"zebkb: {message}（'zebkb --help' で使い方を表示します）"
    return f"zebkb: {message} (see 'zebkb --help')"


def translate_parser(parser: argparse.ArgumentParser, lang: str) -> None:
    """The help texts, descriptions and placeholders of ``parser`` and its commands in ``lang``."""
    if lang != "ja":
        return
    from zebkb.cli.help_ja import HELP_JA, PLACEHOLDERS_JA

    parser.formatter_class = DisplayWidthHelpFormatter

    if parser.description:
        parser.description = HELP_JA.get(parser.description, parser.description)
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            action.help = HELP_JA.get(action.help, action.help)
        if isinstance(action.metavar, str):
            action.metavar = PLACEHOLDERS_JA.get(action.metavar, action.metavar)
        elif action.metavar is None and action.choices is None and action.nargs != 0:
            # A positional is named by its dest, an option's value by its dest in capitals.
            name = action.dest if not action.option_strings else action.dest.upper()
            action.metavar = PLACEHOLDERS_JA.get(name)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.help:
                    choice.help = HELP_JA.get(choice.help, choice.help)
            for sub in {id(p): p for p in action.choices.values()}.values():
                translate_parser(sub, lang)


# A line may not begin with these (Japanese line-breaking rules, kept short).
_NO_LINE_START = set("、。，．・：；？！）」』】〕ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.;:)]}")


def _columns(text: str) -> int:
    from zebkb.cli.output import width

    return width(text)


def wrap_by_width(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` terminal columns (wide characters take two).

    A line breaks at a space or beside a wide character, never inside an ASCII word
    (an option, a file name), unless that word alone is wider than the line.
    """
    import unicodedata

    # Units: an ASCII word, one wide character, or a run of spaces.
    units = re.findall(r" +|[^ ]", " ".join(text.split()))
    merged: list[str] = []
    for unit in units:
        narrow = unit != " " * len(unit) and unicodedata.east_asian_width(unit) not in "WF"
        glue = (
            merged
            and merged[-1][-1] != " "
            and unicodedata.east_asian_width(merged[-1][-1]) not in "WF"
        )
        if (narrow and glue) or (unit in _NO_LINE_START and merged and merged[-1][-1] != " "):
            merged[-1] += unit
        else:
            merged.append(unit)
    lines: list[str] = []
    line = ""
    for unit in merged:
        if unit.startswith(" "):
            if line and _columns(line + unit) < columns:
                line += unit
            elif line:
                lines.append(line)
                line = ""
            continue
        if line and _columns(line + unit) > columns:
            lines.append(line.rstrip())
            line = ""
        word = unit
        while _columns(word) > columns:  # a word wider than the line: cut it
            cut = len(word)
            while _columns(word[:cut]) > columns:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line += word
    if line.strip():
        lines.append(line.rstrip())
    return lines


class DisplayWidthHelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped by terminal columns: a Japanese character takes two.

    argparse measures with len(); its help texts are wrapped here by display width, and
    a line that still overflows (a Japanese placeholder in the usage or beside an option
    pushes the text right) is wrapped again, its continuation under the help column.
    """

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_by_width(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_by_width(text, width - len(indent)))

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is argparse.SUPPRESS:
            return
        # argparse measured the invocations with len(); measure them in columns.
        invocations = [self._format_action_invocation(action)]
        invocations += [
            self._format_action_invocation(sub) for sub in self._iter_indented_subactions(action)
        ]
        longest = max(_columns(text) for text in invocations) + self._current_indent
        self._action_max_length = max(self._action_max_length, longest)

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = _columns(invocation) - len(invocation)
        head, newline, rest = text.partition("\n")
        start = self._current_indent + len(invocation)
        if extra <= 0 or len(head) <= start:
            return text
        # argparse padded the invocation by its length: pad it by its columns.
        padding = len(head) - len(head[start:].lstrip()) - start
        if padding - extra >= 2:
            return head[:start] + head[start + extra :] + newline + rest
        help_position = min(self._action_max_length + 2, self._max_help_position)
        return head[:start] + "\n" + " " * help_position + head[start:].lstrip() + newline + rest

    def format_help(self) -> str:
        text = super().format_help()
        usage, blank, rest = text.partition("\n\n")
        if usage.startswith(ARGPARSE_JA["usage: "]) and any(
            _columns(line) > self._width for line in usage.split("\n")
        ):
            usage = self._usage_by_width(usage)
        return self._fit(usage + blank + rest)

    def _usage_by_width(self, usage: str) -> str:
        """The usage block laid out again by columns, an option never split from its value."""
        prefix = ARGPARSE_JA["usage: "] + self._prog + " "
        if not usage.startswith(prefix):
            return usage
        body = " ".join(usage[len(prefix) :].split())
        parts = re.findall(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]|\S+", body)
        indent = " " * min(_columns(prefix), self._width // 3)
        lines, line = [], prefix
        for part in parts:
            if line.strip() != prefix.strip() and _columns(f"{line} {part}") > self._width:
                lines.append(line)
                line = indent + part
            else:
                line = f"{line}{part}" if line == prefix else f"{line} {part}"
        lines.append(line)
        return "\n".join(lines)

    def _fit(self, text: str) -> str:
        """Any line still too wide, wrapped by columns, continued under the help column."""
        help_position = min(self._action_max_length + 2, self._max_help_position)
        indent = " " * min(help_position, self._width // 3)
        fitted: list[str] = []
        for given in text.split("\n"):
            line = given
            while _columns(line) > self._width:
                cut = _break_at(line, self._width)
                fitted.append(line[:cut].rstrip())
                line = indent + line[cut:].lstrip()
            fitted.append(line)
        return "\n".join(fitted)


def _break_at(line: str, columns: int) -> int:
    """Where to break ``line`` to fit ``columns``: after a space or beside a wide character."""
    import unicodedata

    used, best = 0, 0
    for index, char in enumerate(line):
        wide = unicodedata.east_asian_width(char) in "WF"
        beside = index and (
            char == " "
            or wide
            or line[index - 1] == " "
            or unicodedata.east_asian_width(line[index - 1]) in "WF"
        )
        if beside and char not in _NO_LINE_START and line[:index].strip():
            best = index
        used += 2 if wide else 1
        if used > columns:
            break
    else:
        return len(line)
    return best or max(1, index)
