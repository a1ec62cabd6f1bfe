"""`nfkc` is `unicodedata.normalize("NFKC", …)`, on every character and on mixed strings;
`normalize_with_map`, which folds the characters between its runs at once, maps as before."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seed_corpus import seed_lines

from zebkb.search import nfkc as nfkc_module
from zebkb.search import normalize as normalize_module
from zebkb.search.nfkc import UNICODE_VERSION, is_safe, nfkc, safe_ranges, second_characters

pytestmark = pytest.mark.skipif(
    unicodedata.unidata_version != UNICODE_VERSION, reason="the table is for another Unicode"
)


def test_every_listed_character_is_safe() -> None:
    seconds = second_characters()
    unsafe = [
        hex(c) for lo, hi in safe_ranges() for c in range(lo, hi + 1) if not is_safe(c, seconds)
    ]
    assert unsafe == []


def test_the_definition_rules_out_what_composes() -> None:
    seconds = second_characters()
    assert not is_safe(0x3099, seconds)  # combining voiced mark
    assert not is_safe(0xFF9E, seconds)  # half-width voiced mark
    assert not is_safe(0x1161, seconds)  # Hangul vowel: joins the consonant before it
    assert not is_safe(0x0CD5, seconds)  # Kannada length mark: joins the vowel sign before it
    assert not is_safe(0xFF21, seconds)  # full-width Ａ
    assert is_safe(ord("あ"), seconds)
    assert is_safe(ord("漢"), seconds)


def test_every_character_alone() -> None:
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        assert nfkc(ch) == unicodedata.normalize("NFKC", ch), hex(c)


# Characters that compose, decompose, reorder or widen: marks of several classes,
# half-width kana and their marks, Hangul jamo and syllables, full-width letters,
# Kangxi radicals, ligatures, and plain text around them.
_ALPHABET = (
    "aeouAEOUnN \t\n\x00"
    "\u0300\u0301\u0308\u0323\u0327\u0345\u05b0\u0f71\u0f72\u0f80"
    "かきくはひふカキクハヒフゝヽゞヾ\u3099\u309a\u309b\u309c"
    "ｶｷｸﾊﾋﾌｳﾞﾟ"
    "ᄀ까ᅢᆨᆩ가각"
    "ＡＢｚ０１２　！①㎡⾦⻑ﬁǅΩΩÅÅ"
    "\u09c7\u09be\u09d7\u0cc6\u0cc2\u0cd5\u0b47\u0b3e\u0b56\u0dd9\u0dcf\u0dca"
    "漢字。、「」・ー"
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=16))
def test_mixed_strings(s: str) -> None:
    assert nfkc(s) == unicodedata.normalize("NFKC", s)


def test_another_unicode_version_uses_plain_nfkc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nfkc_module, "UNICODE_VERSION", "0.0")
    assert nfkc("ｶﾞＡ\u0301") == unicodedata.normalize("NFKC", "ｶﾞＡ\u0301")


def _map_reference(text: str) -> tuple[str, list[int]]:
    """normalize_with_map as it was: every cluster folded on its own, then the space edits."""
    chars: list[str] = []
    origin: list[int] = []
    normalize_module._map_clusters(text, 0, len(text), chars, origin)
    s = "".join(chars)
    out, out_origin, pos = [], [], 0
    for a, b, rep in normalize_module._space_edits(s):
        out.append(s[pos:a])
        out_origin.extend(origin[pos:a])
        if rep:
            out.append(rep)
            out_origin.append(origin[a])
        pos = b
    out.append(s[pos:])
    out_origin.extend(origin[pos:])
    return "".join(out), out_origin


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET + "ΣσİＺ⺁\u200b\u00ad", max_size=24))
def test_normalize_with_map_folds_as_cluster_by_cluster(s: str) -> None:
    assert normalize_module.normalize_with_map(s) == _map_reference(s)


def test_normalize_with_map_on_seed_lines() -> None:
    lines = seed_lines()
    for i in range(0, len(lines), 3):
        text = "\n".join(lines[i : i + 3])
        assert normalize_module.normalize_with_map(text) == _map_reference(text)
