"""The two kinds of failure: refused input and known faults in words, bugs logged.

``InputError``: something from outside was refused (a record, a bundle, a
query): exit 3, nothing changed. ``KnownError``: the program cannot do what
was asked for a reason a ward employee can act on (folder not writable, disk
full, database from a newer zebkb): exit 1. Anything else is a bug.
"""

from __future__ import annotations

from zebkb.domain.eras import fill_fiscal_year


class ZebkbError(Exception):
    """Base for failures that are reported in words, never as a traceback."""

    exit_code = 1

    def __init__(
        self, message: str, *, message_ja: str | None = None, fiscal_year: int | None = None
    ) -> None:
        # A message that names a fiscal year writes it as ``{fiscal_year}``: the
        # window and the command line show it in their date style (message(lang,
        # style)); the plain texts (str(), message_en/_ja) use the western 2024年度.
        self.fiscal_year = fiscal_year
        self._templates = (message, message_ja or message)
        message, message_ja = self._filled("en", "western"), self._filled("ja", "western")
        super().__init__(message)
        self.message_en = message
        self.message_ja = message_ja

    def _filled(self, lang: str, style: str) -> str:
        template = self._templates[1] if lang == "ja" else self._templates[0]
        if self.fiscal_year is None:
            return template
        return fill_fiscal_year(template, self.fiscal_year, lang, style)

    def message(self, lang: str = "en", style: str | None = None) -> str:
        """The message in ``lang``; a fiscal year it names as the date ``style`` writes it."""
        if style is not None and self.fiscal_year is not None:
            return self._filled(lang, style)
        return self.message_ja if lang == "ja" else self.message_en


class KnownError(ZebkbError):
    exit_code = 1


class InputError(ZebkbError):
    exit_code = 3


class NotFoundError(KnownError):
    exit_code = 1


# What the system says of a file it could not use, for the reasons people meet most.
_OS_REASONS_JA = {
    "ENOENT": "ファイルがありません",
    "EACCES": "アクセスが許可されていません",
    "EPERM": "アクセスが許可されていません",
    "EISDIR": "フォルダです",
    "ENOTDIR": "フォルダではありません",
    "ENOSPC": "ディスクに空きがありません",
    "EROFS": "読み取り専用です",
    "EEXIST": "既にあります",
}


def os_reason(exc: OSError, lang: str = "en") -> str:
    """Why ``exc`` happened, in ``lang`` (the system's own words in English)."""
    import errno

    english = exc.strerror or str(exc)
    if lang != "ja" or exc.errno is None:
        return english
    return _OS_REASONS_JA.get(errno.errorcode.get(exc.errno, ""), english)
