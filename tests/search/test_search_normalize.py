"""Analysis: what normalisation does to pasted PDF text and to queries."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb.search.normalize import grams, normalize, normalize_with_map, query_grams


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＺＥＢ化", "zeb化"),  # full width, case
        ("ｾﾞﾛｶｰﾎﾞﾝ", "ゼロカーボン"),  # half-width katakana with voiced marks
        ("ＣＯ２排出量", "co2排出量"),
        ("CO₂", "co2"),  # subscript digit
        ("延床面積1,000㎡", "延床面積1,000m2"),
        ("特別区環境主管部⻑会", "特別区環境主管部長会"),  # CJK radical supplement
        ("区⺠施設", "区民施設"),
        ("⻄新井", "西新井"),
        ("⾦融機関", "金融機関"),  # Kangxi radicals, folded by NFKC
        ("電⼒", "電力"),
        ("特 別 区 長 会", "特別区長会"),  # spaces inside Japanese words
        ("ゼロカ ーボンシティ", "ゼロカーボンシティ"),
        ("大規模\n\nな自然災害", "大規模な自然災害"),
        ("２ ０ ５ ０ 年", "2050年"),  # letter-spaced digits
        ("平成 25 年度", "平成25年度"),
        ("ZEB  Ready", "zeb ready"),  # Latin words keep one space
        ("ZEB\nReady", "zeb ready"),
        ("  前後の空白  ", "前後の空白"),
        ("ソフト\u00adハイフン\u200bゼロ幅", "ソフトハイフンゼロ幅"),
        ("ＢＥＩ０．４５", "bei0.45"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "２ ０ ５ ０ 年「 ゼロカ ーボンシティ 特別区」",
        "再⽣可能エネルギー電⼒の利⽤ ｶﾞｽ ＺＥＢ  Ready\n\n部⻑会",
        "(仮称)北品川高齢者多世代交流支援施設 ＣＯ２ 51 %",
    ],
)
def test_map_version_gives_same_text_and_valid_offsets(raw: str) -> None:
    text, origin = normalize_with_map(raw)
    assert text == normalize(raw)
    assert len(origin) == len(text)
    assert origin == sorted(origin)
    assert all(0 <= i < len(raw) for i in origin)
    # Each output character comes from a source character that normalises to it.
    for ch, i in zip(text, origin, strict=True):
        if ch != " ":
            assert ch in normalize(raw[i : i + 2]) or ch in normalize(raw[i])


def test_grams_are_bigrams_of_each_run_between_whitespace() -> None:
    # Punctuation is in the runs: a term holding it has bigrams to be found by.
    assert grams("省エネ、区") == ["省エ", "エネ", "ネ、", "、区"]
    assert grams("co2 削減\n区") == ["co", "o2", "削減", "区"]
    assert query_grams("定・コ") == ["定・", "・コ"]
    # A lone surrogate (no text holds one: it cannot be stored) is no part of a run.
    assert query_grams("\ud800区役所") == ["区役", "役所"]
    assert query_grams("区") == []
    assert query_grams("zeb化") == ["ze", "eb", "b化"]
    # Every bigram of a query that occurs in a text is a bigram of that text.
    text = normalize("区有施設のＺＥＢ化の事例共有")
    for sub in ("zeb化", "施設のz", "事例共有"):
        assert sub in text
        assert set(query_grams(sub)) <= set(grams(text))


# Stable and unstable characters side by side: kana with combining and spacing voiced
# marks, half-width kana, full-width letters, radicals, invisible characters, compatibility
# ideographs and squares, a Latin letter with a combining accent, whitespace.
_FOLD_ALPHABET = (
    "aAＡかカｶﾞﾟ\u3099\u309a゛ヷヿゟー・ｰ⻑⺠長区。①㍻\u0301e\u0338<\u00ad\u200b　 \n\x00豈"
)


@given(st.text(alphabet=_FOLD_ALPHABET, max_size=12))
@settings(max_examples=2000, deadline=None)
def test_fold_is_nfkc_of_the_whole_text(text: str) -> None:
    from zebkb.search.normalize import _TRANSLATE, _fold

    assert _fold(text) == unicodedata.normalize("NFKC", text.translate(_TRANSLATE)).lower()


@given(st.text(alphabet="ab1 　\t\n\x00区あ。,-", max_size=14), st.sampled_from(["", "\x00"]))
@settings(max_examples=2000, deadline=None)
def test_space_runs_are_edited_as_the_edit_list_says(text: str, mark: str) -> None:
    """The regular-expression passes make exactly the edits `_space_edits` lists, and so
    does the scan a process uses before it compiles them."""
    from zebkb.search.normalize import _apply_space_patterns, _edited, _space_edits

    expected, pos = [], 0
    for a, b, rep in _space_edits(text, mark):
        expected += [text[pos:a], rep]
        pos = b
    expected.append(text[pos:])
    assert _apply_space_patterns(text, mark) == "".join(expected)
    assert _edited(text, _space_edits(text, mark)) == "".join(expected)


# Letters, digits, signs, whitespace, Japanese, and the first and last code point of each
# Japanese range with a neighbour outside it.
_MIXED_ALPHABET = (
    "abZ19,-_ 　\t\n\x00\u3000区延床面積あア。、・ー"
    "\u3001\u30ff\u3100\u3400\u4dbf\u4e00\u9fff\ua000\uf900\ufaff\ufb00𠀋\U0003ffff\U00040000"
)


@given(st.text(alphabet=_MIXED_ALPHABET, max_size=40), st.sampled_from(["", "\x00"]))
@settings(max_examples=1000, deadline=None)
def test_scanned_and_compiled_space_edits_agree_on_mixed_text(text: str, mark: str) -> None:
    """Japanese (the ranges' edges too), Latin and whitespace: both ways give the same text."""
    from zebkb.search.normalize import _apply_space_patterns, _edited, _space_edits

    assert _edited(text, _space_edits(text, mark)) == _apply_space_patterns(text, mark)


def test_is_ja_is_the_japanese_class() -> None:
    import re

    from zebkb.search.normalize import _JA, _JA_RANGES, _is_ja

    pattern = re.compile(f"[{_JA}]")
    edges = {c + d for lo, hi in _JA_RANGES for c in (lo, hi) for d in (-1, 0, 1)}
    for c in sorted(edges | {0x20, 0x41, 0x3000, 0x5B57, 0xFF21, 0x10FFFF}):
        assert _is_ja(chr(c)) == (pattern.match(chr(c)) is not None), hex(c)


def test_few_whitespace_runs_compile_no_space_pattern() -> None:
    """Each whitespace pattern holds the Japanese ranges, which take re milliseconds to
    compile: a new process normalising a query and a page of snippets' lines compiles
    none; one normalising many records' texts compiles them once."""
    import subprocess
    import sys

    probe = (
        "from zebkb.search import normalize as n\n"
        "assert n.normalize('清掃事務所ＺＥＢ') == '清掃事務所zeb'\n"
        "print(n._space_patterns.cache_info().currsize)\n"
        "assert n.normalize('清掃 事務所 ZEB  Ready') == '清掃事務所zeb ready'\n"
        "line = '延床 面積 は 1,200 m2 （ZEB  Ready） です'\n"
        "for _ in range(100):\n"
        "    assert n.normalize_lines([line, line]) == ['延床面積は1,200 m2 (zeb ready)です'] * 2\n"
        "print(n._space_patterns.cache_info().currsize)\n"
        "for _ in range(1000):\n"
        "    assert n.normalize(line) == '延床面積は1,200 m2 (zeb ready)です'\n"
        "print(n._space_patterns.cache_info().currsize)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["0", "0", "1"]
