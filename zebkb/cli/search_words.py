"""The search command's words as argparse should read them, before it parses.

Its own module because the entry point calls it before parsing, with the parser it
has built: zebkb/cli/search.py imports zebkb/cli/main.py, so main importing it back
would make a cycle.
"""

from __future__ import annotations

import argparse


def _command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of command ``name`` among ``parser``'s commands."""
    # argparse offers no public walk of a parser; zebkb/cli/usage.py reads _actions too.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise LookupError(name)


def _takes_value(arg: str, options: dict[str, bool]) -> bool:
    """Whether option ``arg`` is followed by its value: as its parser defines it, an
    abbreviation (``--lim 3``) read as argparse reads it, the one option it begins."""
    if arg in options:
        return options[arg]
    begun = [takes for name, takes in options.items() if name.startswith(arg)]
    return begun == [True]


def minus_words_as_query(given: list[str], at: int, parser: argparse.ArgumentParser) -> list[str]:
    """`zebkb search -ZEB` or `-後日対応:期限切れ`: a query that excludes a word starts with
    a minus, which argparse would take for an unknown option. The query's words, these
    and the others, wherever they stand among the options, are given after ``--``, in
    their order. ``at`` is where the command's name is in ``given``; ``parser`` is the
    parser built for it, whose options (-h the only one-dash one) say which take a value
    (a value is never a query word)."""
    options = {
        name: action.nargs != 0
        for action in _command_parser(parser, given[at])._actions
        for name in action.option_strings
    }
    head, rest = given[: at + 1], given[at + 1 :]
    before: list[str] = []
    words: list[str] = []
    after_value_option = False
    for arg in rest:
        if arg == "--":
            return given  # written the careful way already
        if after_value_option:
            before.append(arg)
            after_value_option = False
        elif arg.startswith("--") or arg in options:
            before.append(arg)
            after_value_option = _takes_value(arg, options)
        else:
            words.append(arg)
    return [*head, *before, "--", *words] if words else given
