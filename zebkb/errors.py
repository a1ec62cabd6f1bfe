"""The two kinds of failure: refused input and known faults in words, bugs logged.

``InputError``: something from outside was refused (a record, a bundle, a
query): exit 3, nothing changed. ``KnownError``: the program cannot do what
was asked for a reason a ward employee can act on (folder not writable, disk
full, database from a newer zebkb): exit 1. Anything else is a bug.
"""

from __future__ import annotations


class ZebkbError(Exception):
    """Base for failures that are reported in words, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, message_ja: str | None = None) -> None:
        super().__init__(message)
        self.message_en = message
        self.message_ja = message_ja or message

    def message(self, lang: str = "en") -> str:
        return self.message_ja if lang == "ja" else self.message_en


class KnownError(ZebkbError):
    exit_code = 1


class InputError(ZebkbError):
    exit_code = 3


class NotFoundError(KnownError):
    exit_code = 1
