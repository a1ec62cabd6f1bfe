"""The one error a bundle raises: refused input, named in one line."""

from __future__ import annotations

from zebkb.errors import InputError


class BundleError(InputError, ValueError):
    """A bundle breaks bundle-format.md (or zebkb's limits); nothing was changed.

    The message names the entry or record and the rule, e.g.
    ``records.jsonl line 3 (uid 1b2c…): field ward: not a valid local-government code``.
    """

    def __init__(
        self,
        message: str,
        *,
        message_ja: str | None = None,
        entry: str | None = None,
        uid: str | None = None,
        fiscal_year: int | None = None,
    ) -> None:
        super().__init__(message, message_ja=message_ja, fiscal_year=fiscal_year)
        self.entry = entry
        self.uid = uid
