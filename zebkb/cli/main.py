"""The command line: parse, call the service, print.

Module imports here stay light: ``zebkb --version`` must answer in a blink,
and no command but ``gui`` may load Qt. Each area registers its commands from
its own module and imports what it needs inside its handlers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zebkb.errors import KnownError
    from zebkb.service import KnowledgeBase

from zebkb.cli.output import err, escape_controls, out
from zebkb.paths import chosen_data_dir

# The helper processes (the import's copier, the attachment text extractor); kept here
# as text so the CLI need not import them.
CHILD_COPY = "_copy-attachments"
CHILD_EXTRACT = "_extract-text"

# Modules that contribute commands, in help order. A module listed here but
# missing from this installation is skipped.
COMMAND_MODULES = (
    "zebkb.cli.records",
    "zebkb.cli.search",
    "zebkb.cli.exchange",
    "zebkb.cli.tables",
    "zebkb.cli.keys",
    "zebkb.cli.report",
    "zebkb.cli.backup",
    "zebkb.cli.migrate",
    "zebkb.cli.gui",
)
# Commands whose module is parsed alone when the command line names them: a search
# then imports none of the other commands' modules (README: search).
SOLO_COMMANDS = {"search": "zebkb.cli.search"}
# Help texts many commands share (their Japanese is in zebkb/cli/help_ja.py).
JSON_HELP = "print JSON for scripts (the same in every language)"
UID_HELP = "the record's UID (a unique prefix will do)"
# The global options that take a value (an abbreviation falls back to the full parser).
_VALUE_OPTIONS = ("--data-dir", "--lang")


class _VersionAction(argparse.Action):
    """--version, looking the version up only when asked (package metadata is slow to load)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> None:
        from zebkb import __version__

        out(f"zebkb {__version__}")
        parser.exit(0)


class UsageError(Exception):
    """Wrong usage found after parsing: exit 2. Said in Japanese too, as every message is."""

    def __init__(self, message: str, *, message_ja: str | None = None) -> None:
        super().__init__(message)
        self.message_en = message
        self.message_ja = message_ja or message

    def message(self, lang: str = "en") -> str:
        return self.message_ja if lang == "ja" else self.message_en


def fiscal_year_usage(exc: Any) -> UsageError:
    """A --fiscal-year that is not one (a DateError), as the usage error it is."""
    return UsageError(
        f"--fiscal-year: {exc.message('en')}", message_ja=f"--fiscal-year: {exc.message('ja')}"
    )


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, not argparse's usage block: every error is one line (README: exit codes).
        from zebkb.cli.usage import current_language, error_line

        line = escape_controls(error_line(message, current_language()), one_line=True)
        self.exit(2, line + "\n")


def data_dir_from(args: argparse.Namespace) -> Path:
    return chosen_data_dir(args.data_dir)


def open_kb(
    args: argparse.Namespace, *, damaged_ok: bool = False, create: bool = False
) -> KnowledgeBase:
    """Open the chosen knowledge base; only commands that write (``create``) make a new one."""
    from zebkb.logs import setup_logging
    from zebkb.service import KnowledgeBase

    folder = data_dir_from(args)
    if not create:
        from zebkb.service.datadir import require_knowledge_base

        require_knowledge_base(folder)
    kb = KnowledgeBase.open(folder, damaged_ok=damaged_ok)
    # Only a folder that opened as a knowledge base gets a logs/ folder.
    args.log_file = setup_logging(kb.data_dir)
    # Wherever a command takes a uid, a unique prefix of it will do (as git takes one).
    uid = getattr(args, "uid", None)
    try:
        if isinstance(uid, str):
            args.uid = kb.resolve_uid(uid)
        elif isinstance(uid, list):
            args.uid = [kb.resolve_uid(u) if isinstance(u, str) else u for u in uid]
    except BaseException:
        kb.close()
        raise
    return kb


def print_json(value: Any) -> None:
    import json

    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def command_named(given: Sequence[str]) -> str | None:
    """The command a command line names, when its global options are read plainly; else None."""
    at = command_at(given)
    return None if at is None else given[at]


def command_at(given: Sequence[str]) -> int | None:
    """Where in ``given`` the command's name is (see command_named); else None."""
    args = iter(enumerate(given))
    for i, arg in args:
        if arg in _VALUE_OPTIONS:
            next(args, None)
        elif arg == "--debug" or arg.startswith(tuple(f"{o}=" for o in _VALUE_OPTIONS)):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return i
    return None


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> ArgumentParser:
    """The parser with the commands of ``modules`` (by default every command)."""
    import importlib

    parser = ArgumentParser(
        prog="zebkb",
        description="zebkb: the 23 special wards' knowledge base of ZEB/ZEH cases, "
        "site visits and study sessions.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="knowledge base folder (default: $ZEBKB_DATA_DIR or the user's data folder)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument(
        "--lang",
        choices=("ja", "en"),
        help="language of messages and labels (default: $ZEBKB_LANG, the window's setting,"
        " else the terminal's locale); --json output is the same in both",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    if given == [CHILD_COPY]:  # the import's helper process (zebkb/bundle/copier.py), unlisted
        from zebkb.bundle.copier import child_main

        return child_main()
    if given == [CHILD_EXTRACT]:  # attachment text, with hard limits (zebkb/search/extract.py)
        from zebkb.search.extract import child_main as extract_main

        return extract_main()
    from zebkb.cli.lang import WindowSettings, asked_language, chosen_date_style, chosen_language
    from zebkb.cli.usage import language_in, speaking, translate_parser

    # The language is needed before parsing: argparse's errors and help are said in it.
    window = WindowSettings()  # read once, if at all, for all three choices below
    lang = chosen_language(language_in(given), window=window)
    solo = SOLO_COMMANDS.get(command_named(given) or "")
    with speaking(lang):
        parser = build_parser((solo,) if solo else COMMAND_MODULES)
        translate_parser(parser, lang)
        if solo == SOLO_COMMANDS["search"]:
            from zebkb.cli.search_words import minus_words_as_query

            given = minus_words_as_query(given, command_at(given) or 0, parser)
        args = parser.parse_args(given)
        args.lang_asked = asked_language(args.lang)
        args.lang = chosen_language(args.lang, window=window)
        args.date_style = chosen_date_style(window=window)
        handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
        if handler is None:
            gui = getattr(args, "default_handler", None) or _default_command(parser)
            if gui is None:
                parser.print_help()
                return 0
            handler = gui
    return run_handler(handler, args)


def _default_command(
    parser: ArgumentParser,
) -> Callable[[argparse.Namespace], int] | None:
    """With no command, zebkb opens the window (when the window is installed)."""
    try:
        from zebkb.cli import gui
    except ModuleNotFoundError:
        return None
    return gui.run_gui


def _damaged_database(exc: Exception, args: argparse.Namespace) -> KnownError | None:
    """A damaged database met outside the service's engines (raw SQLite): the same one line."""
    from zebkb.service.probe import damaged_database_error, says_damaged

    return damaged_database_error(exc, data_dir_from(args)) if says_damaged(exc) else None


def run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say
    from zebkb.errors import ZebkbError

    lang = getattr(args, "lang", "en")
    try:
        return int(handler(args) or 0)
    except ZebkbError as exc:
        if args.debug:
            raise
        err(f"zebkb: {exc.message(lang, getattr(args, 'date_style', None))}")
        return exc.exit_code
    except UsageError as exc:
        err(f"zebkb: {exc.message(lang)}")
        return 2
    except KeyboardInterrupt:
        err(f"zebkb: {say('error.interrupted', lang)}")
        return 130
    except BrokenPipeError:
        return 1
    except OSError as exc:
        if args.debug:
            raise
        from zebkb.errors import os_reason

        reason = os_reason(exc, lang)
        if exc.filename:
            reason += f"（{exc.filename}）" if lang == "ja" else f" ({exc.filename})"
        err(f"zebkb: {reason}")
        return 1
    except Exception as exc:  # a bug: say so in one line, log the rest
        if args.debug:
            raise
        damaged = _damaged_database(exc, args)
        if damaged is not None:
            err(f"zebkb: {damaged.message(lang)}")
            return damaged.exit_code
        import logging

        log_file = getattr(args, "log_file", None)
        if log_file:
            # Without a log file, logging's last resort would print the traceback on stderr.
            logging.getLogger("zebkb").exception("unexpected error in %s", args.command)
        where = say("error.details_in", lang, log=log_file) if log_file else ""
        err(
            "zebkb: "
            + say("error.unexpected", lang, kind=exc.__class__.__name__, detail=exc, where=where)
        )
        return 1
