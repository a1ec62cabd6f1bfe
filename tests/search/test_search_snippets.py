"""Snippets: original text around the best matches, escaped, with merged marks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb.search import normalize, snippets
from zebkb.search.snippets import make_snippet


def test_marks_the_original_form_of_a_normalised_match() -> None:
    s = make_snippet({"body": "特別区環境主管部⻑会にて、ＺＥＢ化 を議論"}, ["部長会", "zeb化"])
    assert "<b>部⻑会</b>" in s
    assert "<b>ＺＥＢ化</b>" in s


def test_match_spanning_a_pdf_line_break() -> None:
    s = make_snippet({"body": "ゼロカ\nーボンシティの実現"}, ["ゼロカーボン"])
    assert s.startswith("<b>ゼロカ ーボン</b>")


def test_a_match_across_a_line_break_deep_in_a_field_normalises_only_its_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A term across a line break is looked for in the pairs of lines whose keys hold it,
    not by normalising every pair before it (most of a rare query's time)."""
    body = "\n".join([f"平成{i}年度の事業計画と実績について" for i in range(60)])
    body += "\nゼロカ\nーボンシティの実現"
    calls = 0
    real = snippets.normalize

    def counted(text: str) -> str:
        nonlocal calls
        calls += 1
        return real(text)

    monkeypatch.setattr(snippets, "normalize", counted)
    s = make_snippet({"body": body}, ["ゼロカーボン"], normalised={"body": real(body)})
    assert "<b>ゼロカ ーボン</b>" in s
    assert calls <= 3


@pytest.mark.parametrize("before", ["", "ｶﾞｽ設備 ＣＯ２"])
def test_one_term_is_found_from_where_it_first_occurs_in_the_normalised_field(
    monkeypatch: pytest.MonkeyPatch, before: str
) -> None:
    """With the field's normalised text known, one term's line is found from where the term
    first occurs there, without folding the lines before it; where folding changed the
    length (half-width ｶﾞ becomes ガ) the lines are folded as before. Same snippet."""
    lines = [f"平成{i}年度の事業計画と実績について" for i in range(40)]
    lines[3] = before or lines[3]
    body = "\n".join([*lines, "ＺＥＢ化の見学会を開催", "その後の取組"])
    plain = make_snippet({"body": body}, ["zeb化"])
    folds = 0
    real = snippets.line_keys

    def counted(block: list[str]) -> list[str]:
        nonlocal folds
        folds += 1
        return real(block)

    monkeypatch.setattr(snippets, "line_keys", counted)
    known = make_snippet({"body": body}, ["zeb化"], normalised={"body": normalize.normalize(body)})
    assert known == plain
    assert "<b>ＺＥＢ化</b>" in known
    assert (folds == 0) == (not before)


def test_no_stray_bigram_marks_and_overlaps_merge() -> None:
    s = make_snippet({"body": "事務局と清掃事務所"}, ["清掃事務所", "事務所"])
    assert s == "事務局と<b>清掃事務所</b>"


def test_html_is_escaped() -> None:
    s = make_snippet({"body": "<script>alert(1)</script> 省エネ & 創エネ"}, ["省エネ"])
    assert "<script>" not in s
    assert "&lt;script&gt;" in s
    assert "&amp;" in s
    assert "<b>省エネ</b>" in s


def test_window_centres_on_the_densest_matches_in_long_text() -> None:
    body = "前置き。" * 200 + "地中熱と太陽光" + "後書き。" * 200
    s = make_snippet({"body": body}, ["地中熱", "太陽光"])
    assert s.startswith("…")
    assert s.endswith("…")
    assert "<b>地中熱</b>と<b>太陽光</b>" in s
    assert len(s) < 200


def test_long_attachment_is_searched_line_by_line() -> None:
    attachment = "\n".join(f"{i}行目の文章です。" for i in range(5000)) + "\n最後に二酸化炭素排出量"
    s = make_snippet({"body": "本文", "attachments": attachment}, ["二酸化炭素"])
    assert "<b>二酸化炭素</b>" in s


def test_without_terms_shows_the_beginning() -> None:
    assert make_snippet({"body": "概要\n本文です"}, []) == "概要 本文です"


def _lines_run(fn: Callable[[], object]) -> int:
    """How many lines of the snippet and normalisation code `fn` executes: its work, untimed."""
    watched = {snippets.__file__, normalize.__file__}
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> object:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def trace(frame: FrameType, event: str, arg: object) -> object:
        return local if frame.f_code.co_filename in watched else None

    sys.settrace(trace)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def test_window_work_is_linear_in_the_number_of_matches() -> None:
    def spans(n: int) -> list[tuple[int, int, str]]:
        return [(4 * i, 4 * i + 3, "zeb") for i in range(n)]

    small, big = spans(500), spans(2000)
    work_small = _lines_run(lambda: snippets._window(small, 120))
    work_big = _lines_run(lambda: snippets._window(big, 120))
    assert snippets._window(big, 120) == (0, 120)
    # Four times the matches, at most about four times the work (it was sixteen).
    assert work_big < 5 * work_small


def test_snippet_work_does_not_grow_with_a_long_repeated_body() -> None:
    """ "ZEB " repeated over 120 KB with a 300 KB attachment took `zebkb search ZEB` 25 s."""

    def run(n: int) -> int:
        fields = {"body": "ZEB " * n, "attachments": "ZEB " * (2 * n)}
        s = ""

        def snippet() -> None:
            nonlocal s
            s = make_snippet(fields, ["zeb"])

        work = _lines_run(snippet)
        assert s.startswith("<b>ZEB</b> <b>ZEB</b>")
        assert s.endswith("…")
        return work

    assert run(8000) < 5 * run(2000)


def test_a_match_deep_inside_one_long_line_keeps_its_context() -> None:
    line = "前置き" * 3000 + "地中熱と太陽光" + "後書き" * 3000
    s = make_snippet({"body": line}, ["地中熱", "太陽光"])
    assert s.startswith("…前置き")
    assert s.endswith("…")
    assert "<b>地中熱</b>と<b>太陽光</b>" in s


def test_lines_without_a_term_are_not_normalised_one_space_at_a_time() -> None:
    """Warm searches spent most of their time normalising a body's lines to find the one
    with a term; lines without one are ruled out by their folded keys instead."""

    def run(filler: str) -> int:
        body = "\n".join([filler] * 200 + ["ＺＥＢ 化 の 見学会"])
        known = {"body": normalize.normalize(body)}
        s = ""

        def snippet() -> None:
            nonlocal s
            s = make_snippet({"body": body}, ["zeb化"], normalised=known)

        work = _lines_run(snippet)
        assert "<b>ＺＥＢ 化</b>" in s
        return work

    spaced = run("平成 25 年度 の 事業 計画 と 実績 に つい て")
    unspaced = run("平成25年度の事業計画と実績について")
    assert spaced < 1.5 * unspaced


@given(
    st.lists(st.text(alphabet="ab 1２　ＡｶﾞゼロΣσ\u3099\u200b⻑長\t区。", max_size=12), min_size=1),
    st.text(alphabet="ab 1２ゼロ長区", min_size=1, max_size=4),
)
@settings(max_examples=300, deadline=None)
def test_a_term_in_a_normalised_line_is_in_its_key(lines: list[str], raw: str) -> None:
    term = normalize.normalize(raw)
    [key] = normalize.line_keys([term])
    for line, line_key in zip(lines, normalize.line_keys(lines), strict=True):
        if term in normalize.normalize(line):
            assert key in line_key


_FRAGMENTS = [
    "平成25年度の事業計画と実績について",
    "ＺＥＢ 化 の 見学会",
    "ガス設備",
    "特別区",
    "オール東京",
    "ZEB Ready",
    "   ",
    "ゼロカ",
    "ーボン",
    "a b",
]


@given(
    st.lists(
        st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=4), min_size=12, max_size=80
    ),
    st.lists(
        st.sampled_from(
            [
                "特別",
                "オール東",
                "zeb化",
                "見学会",
                "ゼロカーボン",
                "b",
                "ガス",
                "zeb ready",
                "計画",
            ]
        ),
        min_size=2,
        max_size=3,
        unique=True,
    ),
)
@settings(max_examples=300, deadline=None)
def test_several_terms_line_from_the_normalised_field_is_the_same_snippet(
    lines: list[list[str]], terms: list[str]
) -> None:
    """Several terms' line, found from where they occur in the field's normalised text,
    gives the snippet the line-by-line search gives (byte for byte)."""
    body = "\n".join("".join(parts) for parts in lines)
    plain = make_snippet({"body": body}, terms)
    known = make_snippet({"body": body}, terms, normalised={"body": normalize.normalize(body)})
    assert known == plain


def test_several_terms_line_is_found_without_folding_the_lines_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the field's normalised text known, two terms' line is found from where they
    occur there: the lines before it are not folded (a third of a two-term query's time)."""
    lines = [f"平成{i}年度の事業計画と実績について" for i in range(40)]
    body = "\n".join([*lines, "特別区のオール東京の取組", "その後の取組"])
    plain = make_snippet({"body": body}, ["オール東", "特別"])
    folds = 0
    real = snippets.line_keys

    def counted(block: list[str]) -> list[str]:
        nonlocal folds
        folds += 1
        return real(block)

    monkeypatch.setattr(snippets, "line_keys", counted)
    known = make_snippet(
        {"body": body}, ["オール東", "特別"], normalised={"body": normalize.normalize(body)}
    )
    assert known == plain
    assert "<b>特別</b>区の<b>オール東</b>" in known
    assert folds == 0
