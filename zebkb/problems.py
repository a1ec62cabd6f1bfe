"""A problem a check found, in English and in Japanese.

``zebkb check`` (zebkb/service/checks.py), the search index's own check
(zebkb/search/engine.py) and the spelling-variants file (zebkb/search/variants.py)
report problems as text. A ``Problem`` is that English text (logs, ``check --json``,
lists of problems concatenated as strings) carrying its Japanese, so the command line
and the window show each one in the person's language and none falls through in
English. No database, no Qt here.
"""

from __future__ import annotations


class Problem(str):
    """The English text of a problem, with its Japanese in ``ja``."""

    ja: str

    def __new__(cls, en: str, ja: str) -> Problem:
        problem = super().__new__(cls, en)
        problem.ja = ja
        return problem

    def text(self, lang: str) -> str:
        return self.ja if lang == "ja" else str(self)

    def under(self, en: str, ja: str) -> Problem:
        """The problem after a heading (``search index: …``), in both languages."""
        return Problem(f"{en}{self}", f"{ja}{self.ja}")
