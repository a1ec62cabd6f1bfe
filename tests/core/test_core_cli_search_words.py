"""How `zebkb search`'s words are told from its options before argparse reads them
(zebkb/cli/search_words.py): which options take a value is read from the parser."""

from __future__ import annotations

import argparse

import pytest

from zebkb.cli.main import SOLO_COMMANDS, ArgumentParser, build_parser
from zebkb.cli.search_words import minus_words_as_query


def search_parser() -> ArgumentParser:
    return build_parser((SOLO_COMMANDS["search"],))


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--type", "case"),
        ("--ward", "-葛飾"),
        ("--rank", "-ZEB"),
        ("--fiscal-year", "-2024"),
        ("--limit", "-1"),
        ("--offset", "-3"),
    ],
)
def test_a_value_option_keeps_its_value_and_the_words_go_after_the_dashes(
    option: str, value: str
) -> None:
    given = ["--lang", "ja", "search", "-清掃", option, value, "視察", "--json"]
    assert minus_words_as_query(given, 2, search_parser()) == [
        *("--lang", "ja", "search", option, value, "--json"),
        *("--", "-清掃", "視察"),
    ]


def test_an_option_the_parser_gains_is_known_without_listing_it_again() -> None:
    parser = search_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub.choices["search"].add_argument("--colour")
    given = ["search", "--colour", "-red", "-ZEB", "--overdue", "a"]
    assert minus_words_as_query(given, 0, parser) == [
        *("search", "--colour", "-red", "--overdue"),
        *("--", "-ZEB", "a"),
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # An abbreviation takes a value as the option it begins does.
        (["search", "ZEB", "--lim", "3"], ["search", "--lim", "3", "--", "ZEB"]),
        (["search", "--fiscal", "-2024", "-x"], ["search", "--fiscal", "-2024", "--", "-x"]),
        # One that takes none, or one written with its value, leaves the next word a word.
        (["search", "--over", "-x"], ["search", "--over", "--", "-x"]),
        (["search", "--limit=3", "-x"], ["search", "--limit=3", "--", "-x"]),
        (["search", "-h", "-x"], ["search", "-h", "--", "-x"]),
        # Written the careful way, or no words at all: left as given.
        (["search", "--json", "--", "-x"], ["search", "--json", "--", "-x"]),
        (["search", "--limit", "3"], ["search", "--limit", "3"]),
    ],
)
def test_abbreviations_and_plain_options(given: list[str], expected: list[str]) -> None:
    assert minus_words_as_query(given, 0, search_parser()) == expected
