"""表記ゆれ: spelling variants folded to one form, for the index and the query alike.

The word table is data (assets/search/variants.txt, documented in Japanese),
extended by a file the user may put in the data folder. Three pattern rules
that no table could list are code: long vowel marks at the end of katakana
words, counter kana after a number (3ヶ所) and kanji numerals after 第.

`fold` works on normalised text (zebkb/search/normalize.py). Every rule looks
only at characters inside one field: fields are joined by a newline, which no
rule matches, so folding the joined text folds each field on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zebkb.problems import Problem
from zebkb.search.normalize import normalize

try:  # CPython's own SHA-256, without loading OpenSSL (hashlib's import) at start-up
    from _sha2 import sha256 as _sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:
    try:
        from _sha256 import sha256 as _sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
    except ImportError:
        from hashlib import sha256 as _sha256  # type: ignore[assignment, unused-ignore]

# Bump when a rule below changes: indexes folded the old way are then rebuilt.
RULES_VERSION = 2
USER_FILE = "search-variants.txt"
MAX_FILE_BYTES = 64 * 1024
MAX_FORM_CHARS = 40
MAX_LINES = 2000

_KATAKANA = "ァ-ヺ"
# Every pattern here starts with the character it replaces and checks what comes
# before with a look-behind placed after it: Python's re then skips ahead to that
# character instead of trying the look-behind at every position (8x faster on a
# record's text; the matches are the same).
#
# A long vowel mark ending a katakana word of at least three characters; the
# word may hold marks of its own (サーバー). Short words keep theirs (コピー, ルー).
_LONG_VOWEL = re.compile(f"ー(?<=[{_KATAKANA}ー]{{2}}[{_KATAKANA}]ー)ー*(?![{_KATAKANA}ー])")
_NUMERALS = "〇一二三四五六七八九十百千"
# A counter written with a small or large ケ, カ or 箇 after a number: 3ヶ所, 数カ月.
_COUNTER = re.compile(f"[ヶケヵカ箇](?<=[0-9{_NUMERALS}何数][ヶケヵカ箇])(?=[所月国年条店校区回])")
_ORDINAL = re.compile(f"[{_NUMERALS}](?<=第[{_NUMERALS}])[{_NUMERALS}]*")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ASCII_WORD = re.compile(r"[a-z0-9]+")


class VariantFileError(ValueError):
    """A variants file that cannot be used; the message is one line naming the problem."""

    def __init__(self, message: str, ja: str) -> None:
        super().__init__(message)
        self.problem = Problem(message, ja)


def kanji_number(numerals: str) -> str | None:
    """The Arabic form of a kanji numeral (三 → 3, 十二 → 12, 二〇二四 → 2024); None if malformed."""
    if all(c in _DIGITS for c in numerals):
        return "".join(str(_DIGITS[c]) for c in numerals)
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for c in numerals:
        if c in _DIGITS:
            if digit is not None:
                return None
            digit = _DIGITS[c]
        else:
            unit = _UNITS[c]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
    return str(total + (digit or 0))


def _ordinal(m: re.Match[str]) -> str:
    return kanji_number(m.group()) or m.group()


# (pattern, replacement) applied in this order before the table.
_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_LONG_VOWEL, ""),
    (_COUNTER, "か"),
    (_ORDINAL, _ordinal),
)


def _apply_rules(s: str) -> str:
    for pattern, repl in _RULES:
        s = pattern.sub(repl, s)
    return s


@dataclass
class VariantTable:
    """Variant form → the group's first form, both normalised and rule-folded."""

    forms: dict[str, str] = field(default_factory=dict)
    # Problems with the user's file, one line each (the built-in table is used alone then).
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""

    def __post_init__(self) -> None:
        keys = sorted(self.forms, key=lambda k: (-len(k), k))
        # Latin words are folded only as whole words (PV, not the PV of PVC), in a pass
        # of their own before the others: in one alternation with the plain words,
        # their word-boundary checks made re try every branch at every position.
        latin = [
            f"{re.escape(k)}(?<![a-z0-9]{re.escape(k)})" for k in keys if _ASCII_WORD.fullmatch(k)
        ]
        words = [re.escape(k) for k in keys if not _ASCII_WORD.fullmatch(k)]
        self._tables = tuple(
            re.compile(pattern)
            for pattern in (
                f"(?:{'|'.join(latin)})(?![a-z0-9])" if latin else "",
                "|".join(words),
            )
            if pattern
        )
        self._replace = lambda m: self.forms[m.group()]
        if not self.fingerprint:
            digest = _sha256(f"rules {RULES_VERSION}\n".encode())
            for k in keys:
                digest.update(f"{k}\t{self.forms[k]}\n".encode())
            self.fingerprint = digest.hexdigest()[:16]

    def fold(self, norm: str) -> str:
        """The text with every variant replaced by its group's form (input normalised)."""
        s = _apply_rules(norm)
        for table in self._tables:
            s = table.sub(self._replace, s)
        return s

    def fold_script(self, norm: str) -> tuple[str, str]:
        """`fold`, and the edits that make the folded text from `norm` ("" for none).

        The index keeps the edits (`apply_script`), not a second copy of almost
        every text: most texts fold only a few long vowel marks (エネルギー).
        """
        steps: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = list(_RULES)
        steps.extend((table, self._replace) for table in self._tables)
        s = norm
        script: list[list[Any]] = []
        for pattern, repl in steps:
            edits: list[Any] = []

            def record(
                m: re.Match[str],
                repl: str | Callable[[re.Match[str]], str] = repl,
                edits: list[Any] = edits,
            ) -> str:
                rep = repl if isinstance(repl, str) else repl(m)
                # A rule may give back what it matched (第十十: no ordinal to write in
                # figures); such an edit changes nothing, and a text with only those folds
                # to itself, which the index tells by an empty script.
                if rep != m.group():
                    edits.extend((m.start(), m.end(), rep))
                return rep

            s = pattern.sub(record, s)
            script.append(edits)
        if not any(script):
            return s, ""
        return s, json.dumps(script, ensure_ascii=False, separators=(",", ":"))

    def fold_with_map(self, norm: str) -> tuple[str, list[int], list[int]]:
        """`fold`, plus for each output character the span [start, end) of `norm` it came from."""
        s = norm
        starts = list(range(len(s)))
        ends = list(range(1, len(s) + 1))
        steps: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = list(_RULES)
        steps.extend((table, self._replace) for table in self._tables)
        for pattern, repl in steps:
            out: list[str] = []
            new_starts: list[int] = []
            new_ends: list[int] = []
            pos = 0
            for m in pattern.finditer(s):
                a, b = m.span()
                out.append(s[pos:a])
                new_starts.extend(starts[pos:a])
                new_ends.extend(ends[pos:a])
                rep = repl if isinstance(repl, str) else repl(m)
                out.append(rep)
                if not rep and new_ends and a < b:
                    # A dropped run (a long vowel mark) belongs to the character before it.
                    new_ends[-1] = ends[b - 1]
                # A replaced run maps, every character of it, to the whole source run.
                lo = starts[a] if a < b else (ends[a - 1] if a else 0)
                hi = ends[b - 1] if a < b else lo
                new_starts.extend([lo] * len(rep))
                new_ends.extend([hi] * len(rep))
                pos = b
            if not out:
                continue
            out.append(s[pos:])
            new_starts.extend(starts[pos:])
            new_ends.extend(ends[pos:])
            s = "".join(out)
            starts, ends = new_starts, new_ends
        return s, starts, ends


def apply_script(text: str, script: str) -> str:
    """The folded text from the normalised text and its `fold_script` edits."""
    if not script:
        return text
    for edits in json.loads(script):
        if not edits:
            continue
        out = []
        pos = 0
        for i in range(0, len(edits), 3):
            start, end, rep = edits[i : i + 3]
            out.append(text[pos:start])
            out.append(rep)
            pos = end
        out.append(text[pos:])
        text = "".join(out)
    return text


def script_pairs(script: str, folded: str) -> str:
    """The pairs of adjacent characters of `folded` that folding made or brought together.

    `script` is `VariantTable.fold_script`'s edits of a text and `folded` the text they
    make. An occurrence of a term (two characters or more) in the folded text that is
    not an occurrence in the text as written holds a character an edit put there, or
    the two characters either side of a place where one took text out: one of its
    pairs is among these. So a term none of whose pairs is here occurs in the folded
    text at most as often as in the text, and a search need not fold the text to
    count it (zebkb/search/columns.py). Joined without separators: a pair found
    across two of them only makes a text be folded when it need not.
    """
    marks = script_marks(script, folded)
    pairs = map(folded.__getitem__, map(slice, marks, [m + 2 for m in marks]))
    return "".join(dict.fromkeys(pairs))


def script_marks(script: str, folded: str) -> list[int]:
    """Where the pairs of `script_pairs` start in `folded`: each once, in order.

    Every occurrence in `folded` of a pair the text as written does not hold starts
    at one of them (`script_pairs` says why): the index counts such a pair from here.
    """
    if not script:
        return []
    marks: list[int] = []  # where each pair starts, in the text made so far
    for edits in json.loads(script):
        if not edits:
            continue
        starts, ends, reps = edits[0::3], edits[1::3], edits[2::3]
        kept: list[int] = []
        if marks:
            # Pairs no edit of this step touches move with the text before them; the
            # others are marked anew below, around the edit that touches them.
            j, shift, n = 0, 0, len(starts)
            for p in marks:
                while j < n and ends[j] <= p:
                    shift += len(reps[j]) - (ends[j] - starts[j])
                    j += 1
                if j < n and starts[j] <= p + 1:
                    continue
                kept.append(p + shift)
        shift = 0
        for start, end, rep in zip(starts, ends, reps, strict=True):
            at = start + shift
            # The pair across its start, each pair holding a character it put in, and
            # the pair across its end (for a removal, the one pair across the gap).
            if rep:
                kept.extend(range(at - 1 if at else 0, at + len(rep)))
                shift += len(rep) - end + start
            else:
                if at:
                    kept.append(at - 1)
                shift -= end - start
        marks = sorted(set(kept))
    limit = len(folded) - 1
    return [i for i in marks if i < limit]


def term_pairs(term: str) -> list[str] | None:
    """The adjacent pairs `script_pairs` is looked in for; None for a one-character term
    (a character an edit put there is no pair)."""
    if len(term) < 2:
        return None
    return list(dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1)))


def parse_variants(text: str, source: str) -> dict[str, str]:
    """The variant → form pairs of a table file's text; VariantFileError names the first problem."""
    forms: dict[str, str] = {}
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise VariantFileError(
            f"{source}: too many lines ({len(lines)}; at most {MAX_LINES})",
            f"{source}: 行が多すぎます（{len(lines)} 行、{MAX_LINES} 行まで）",
        )
    for number, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        where = f"{source} line {number}"
        where_ja = f"{source} の {number} 行目"
        if len(words) < 2:
            raise VariantFileError(
                f"{where}: a group needs at least two forms ({words[0][:40]!r})",
                f"{where_ja}: 一つの組には二つ以上の書き方が必要です（{words[0][:40]}）",
            )
        folded = []
        for word in words:
            if len(word) > MAX_FORM_CHARS:
                raise VariantFileError(
                    f"{where}: a form is longer than {MAX_FORM_CHARS} characters",
                    f"{where_ja}: {MAX_FORM_CHARS} 文字より長い書き方があります",
                )
            if any(not c.isprintable() for c in word):
                raise VariantFileError(
                    f"{where}: a form holds a control character",
                    f"{where_ja}: 制御文字を含む書き方があります",
                )
            norm = _apply_rules(normalize(word))
            if not any(c.isalnum() for c in norm):
                raise VariantFileError(
                    f"{where}: {word!r} holds no letter, kana or kanji",
                    f"{where_ja}: 「{word}」に文字（英字・かな・漢字）がありません",
                )
            folded.append(norm)
        head = folded[0]
        for variant in folded[1:]:
            if variant != head:
                forms[variant] = head
    return forms


def _chained(forms: dict[str, str]) -> dict[str, str]:
    """A variant whose form is itself a variant elsewhere folds to that one's form.

    Followed a few steps; a cycle (A B on one line, B A on another) folds neither.
    """
    for _ in range(4):
        forms = {k: forms.get(v, v) for k, v in forms.items() if forms.get(v, v) != k}
    return forms


def read_user_file(path: Path) -> str | None:
    """The text of the user's variants file; None when absent. VariantFileError when unusable."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as e:
        from zebkb.errors import os_reason

        raise VariantFileError(
            f"{path.name}: cannot be read ({e.strerror or e})",
            f"{path.name}: 読めません（{os_reason(e, 'ja')}）",
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise VariantFileError(
            f"{path.name}: larger than {MAX_FILE_BYTES // 1024} KB",
            f"{path.name}: {MAX_FILE_BYTES // 1024} KB より大きいファイルです",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise VariantFileError(
            f"{path.name}: not UTF-8 text (byte {e.start})",
            f"{path.name}: UTF-8 のテキストではありません（{e.start} バイト目）",
        ) from None


def builtin_text() -> str:
    from importlib import import_module

    # Read from the package folder when it is one (importlib.resources and the zip
    # support it loads cost a new search process several milliseconds to import).
    here = getattr(import_module("zebkb.assets"), "__file__", None)
    path = Path(here).parent / "search" / "variants.txt" if here else None
    if path is not None and path.is_file():
        return path.read_text(encoding="utf-8")
    from importlib.resources import files

    return (files("zebkb.assets") / "search" / "variants.txt").read_text(encoding="utf-8")


def load_variants(user_file: Path | None) -> VariantTable:
    """The built-in table, extended by `user_file` when it exists and is valid.

    A problem with the user's file is kept in `problems` (one line) and the
    built-in table is used alone, so a typo there never stops search.
    """
    forms = parse_variants(builtin_text(), "variants.txt")
    problems: list[Problem] = []
    if user_file is not None:
        try:
            text = read_user_file(user_file)
            if text is not None:
                forms.update(parse_variants(text, user_file.name))
        except VariantFileError as e:
            problems.append(e.problem)
    return VariantTable(forms=_chained(forms), problems=problems)
