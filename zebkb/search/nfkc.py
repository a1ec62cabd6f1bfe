"""NFKC that leaves alone the characters NFKC leaves alone.

`unicodedata.normalize("NFKC", s)` decomposes and recomposes the whole string
as soon as one character in it is not already normalised (one full-width
letter in a block of Japanese lines is enough), at about 200 ns a character;
folding lines was most of a snippet's cost. Here only the runs of characters
outside a list of safe ones are normalised, each with the character before it.

Why that gives NFKC exactly: call x safe when it is NFKC of itself, is not a
combining mark, is not the second character of a two-character canonical
decomposition (nor a Hangul vowel or final), and its decomposition does not
start with such a character or a mark. Nothing before a safe x composes with x
or with anything after it (composition joins a mark, or such a second
character, to the last starter before it), and canonical reordering never moves
a mark across a starter; so NFKC(a + x + b) = NFKC(a) + NFKC(x + b), and a run
of safe characters is its own NFKC. `SAFE` lists safe characters of the blocks
this text is written in (Latin, Greek, Cyrillic, punctuation and symbols, kana,
CJK), for the Unicode version named; a test checks each against the definition.
Under another Unicode version `nfkc` is plain `unicodedata.normalize`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

UNICODE_VERSION = "14.0.0"

# Code points (hexadecimal; "a-b" a range), all safe as defined above.
SAFE = """
0-9F A1-A7 A9 AB-AE B0-B1 B6-B7 BB BF-131 134-13E 141-148 14A-17E 180-1C3 1CD-1F0 1F4-2AF
2B9-2D7 2DE-2DF 2E5-2FF 370-373 375-379 37B-37D 37F-383 386 388-3CF 3D7-3EF 3F3 3F6-3F8
3FA-482 488-4FF 200B-2010 2012-2016 2018-2023 2027-202E 2030-2032 2035 2038-203B 203D
203F-2046 204A-2056 2058-205E 2060-206F 2072-2073 208F 209D-20A7 20A9-20CF 20DD-20E0
20E2-20E4 20F1-20FF 2104 2108 2114 2117-2118 211E-211F 2123 2125 2127 2129 212E 2132 213A
2141-2144 214A-214F 2180-2188 218A-222B 222E 2231-2328 232B-245F 24EB-2A0B 2A0D-2A73
2A77-2ADB 2ADD-2BFF 3001-3029 3030-3035 3037 303B-3098 309D-309E 30A0-30FE 3400-4DBF
4E00-9FFF FF00 FFBF-FFC1 FFC8-FFC9 FFD0-FFD1 FFD8-FFD9 FFDD-FFDF FFE7 FFEF
"""


def safe_ranges() -> list[tuple[int, int]]:
    ranges = []
    for item in SAFE.split():
        a, _, b = item.partition("-")
        ranges.append((int(a, 16), int(b or a, 16)))
    return ranges


@functools.cache
def _pattern() -> re.Pattern[str]:
    safe = "".join(
        re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "")
        for lo, hi in safe_ranges()
    )
    # A run of characters not known safe, with the character before it (which they
    # may compose with).
    return re.compile("(?s).?[^" + safe + "]+")


def _normalise_run(m: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", m.group())


def nfkc_runs(s: str) -> Iterator[re.Match[str]]:
    """The runs `nfkc` normalises (each with the character before it); outside them,
    every character is safe. Under another Unicode version, the whole string."""
    if unicodedata.unidata_version != UNICODE_VERSION:
        return re.finditer("(?s).+", s)
    return _pattern().finditer(s)


def nfkc(s: str) -> str:
    """`unicodedata.normalize("NFKC", s)`, normalising only the runs that need it."""
    if unicodedata.is_normalized("NFKC", s):
        return s
    if unicodedata.unidata_version != UNICODE_VERSION:
        return unicodedata.normalize("NFKC", s)
    return _pattern().sub(_normalise_run, s)


def is_safe(c: int, seconds: set[int]) -> bool:
    """The definition in the module's docstring; `seconds` from `second_characters`."""
    ch = chr(c)
    first = unicodedata.normalize("NFKD", ch)[:1]
    return not (
        unicodedata.normalize("NFKC", ch) != ch
        or unicodedata.combining(ch)
        or c in seconds
        or (first and (unicodedata.combining(first) or ord(first) in seconds))
    )


def second_characters() -> set[int]:
    """Characters that compose with the starter before them without being marks (a second)."""
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for c in range(0x110000):
        d = unicodedata.decomposition(chr(c))
        if d and not d.startswith("<"):
            parts = d.split()
            if len(parts) == 2 and unicodedata.combining(chr(int(parts[1], 16))) == 0:
                seconds.add(int(parts[1], 16))
    return seconds
