"""The search command's words as argparse should read them, before it parses.

Its own module because the entry point calls it before choosing the command's
module: zebkb/cli/search.py imports zebkb/cli/main.py, so main importing it back
would make a cycle.
"""

from __future__ import annotations

# The search command's options that take a value (a value is never a query word).
_VALUE_OPTIONS = ("--type", "--ward", "--rank", "--fiscal-year", "--limit", "--offset")


def minus_words_as_query(given: list[str], at: int) -> list[str]:
    """`zebkb search -ZEB` or `-後日対応:期限切れ`: a query that excludes a word starts with
    a minus, which argparse would take for an unknown option. The query's words, these
    (one dash; the search command's only one-dash option is -h) and the others, wherever
    they stand among the options, are given after ``--``, in their order.
    ``at`` is where the command's name is in ``given``."""
    head, rest = given[: at + 1], given[at + 1 :]
    options: list[str] = []
    words: list[str] = []
    after_value_option = False
    for arg in rest:
        if arg == "--":
            return given  # written the careful way already
        if after_value_option:
            options.append(arg)
            after_value_option = False
        elif arg.startswith("--") or arg == "-h":
            options.append(arg)
            after_value_option = arg in _VALUE_OPTIONS
        else:
            words.append(arg)
    return [*head, *options, "--", *words] if words else given
