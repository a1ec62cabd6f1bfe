"""Safe Markdown rendering (zebkb/render.py): no Qt needed."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from html.parser import HTMLParser
from types import FrameType

import pytest
from hostile_inputs import MARKDOWN_FLOODS
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb import render
from zebkb.render import (
    highlight_spans,
    parse_internal_url,
    render_markdown,
    rewrite_html,
)

SHA = "ab" * 32
UID = "12345678-1234-4234-8234-123456789abc"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(fragment)
    return parser.tags


def test_raw_html_is_shown_as_text() -> None:
    out = render_markdown('<script>alert(1)</script>\n\n<div onclick="x">d</div> <b>b</b>').html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert {tag for tag, _ in tags_of(out)} <= {"p"}


@pytest.mark.parametrize(
    "src",
    [
        "http://evil.example/x.png",
        "https://evil.example/x.png",
        "file:///etc/passwd",
        "secret.png",
        "../up.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "zkb-att:notahash",
        f"zkb-att:{SHA}0",
    ],
)
def test_only_attachment_images_survive(src: str) -> None:
    out = render_markdown(f"![photo]({src}) ![ok](zkb-att:{SHA})").html
    images = [attrs for tag, attrs in tags_of(out) if tag == "img"]
    assert images == [{"src": f"zkb-att:{SHA}", "alt": "ok"}]
    assert "[photo]" in out  # the alt text stays readable


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,hi",
        "file:///C:/Windows/win.ini",
        "\\\\\\\\host\\\\share",
        "//host/share",
        "vbscript:x",
        "zkb-record:not-a-uid",
    ],
)
def test_dangerous_links_become_text(href: str) -> None:
    out = render_markdown(f"[label]({href}) and [rec](zkb-record:{UID})").html
    anchors = [attrs for tag, attrs in tags_of(out) if tag == "a"]
    assert anchors == [{"href": f"zkb-record:{UID}"}]
    assert "label" in out


def test_external_links_are_shown_not_linked() -> None:
    out = render_markdown("[環境省](https://www.env.go.jp/) <mailto:a@b.jp>").html
    assert not [t for t, _ in tags_of(out) if t == "a"]
    assert "&lt;https://www.env.go.jp/&gt;" in out
    assert "mailto:a@b.jp" in out


def test_internal_urls_parse_strictly() -> None:
    assert parse_internal_url(f"zkb-record:{UID}") == ("record", UID)
    assert parse_internal_url(f"ZKB-ATT:{SHA}") == ("attachment", SHA)
    assert parse_internal_url(f"zkb-att:{SHA.upper()}") is None
    assert parse_internal_url("zkb-record:../../etc") is None
    assert parse_internal_url("plain") is None


def test_tables_nested_deeper_than_two_are_flattened() -> None:
    nested = "<table><tr><td>" * 20 + "奥" + "</td></tr></table>" * 20
    out = rewrite_html(nested)
    assert out.count("<table>") == 2
    assert "奥" in out
    assert out.count("<table>") == out.count("</table>")


def test_nesting_is_capped() -> None:
    out = render_markdown(">" * 3000 + " 深い").html
    assert out.count("<blockquote>") <= render.MAX_NESTING
    assert "深い" in out


def test_markdown_tables_and_code_still_render() -> None:
    body = "| 施設 | 削減率 |\n|---|---:|\n| 清掃事務所 | 51% |\n\n```\nx = [1, 2]\n```\n"
    out = render_markdown(body).html
    names = [t for t, _ in tags_of(out)]
    assert "table" in names
    assert "pre" in names
    assert "x = [1, 2]" in out


@pytest.mark.parametrize("body", list(MARKDOWN_FLOODS.values()), ids=list(MARKDOWN_FLOODS))
def test_floods_render_and_keep_their_text(body: str) -> None:
    # A budget no loaded machine reaches: the floods must render, not fall back.
    # Their cost is printed by benchmarks/render_bench.py, not asserted here.
    result = render_markdown(body, budget_s=600)
    assert not result.fallback
    assert result.html.count("[") >= body.count("[")


def test_many_real_links_still_work() -> None:
    body = " ".join(f"[事例{i}](zkb-record:{UID})" for i in range(40))
    out = render_markdown(body).html
    assert out.count("<a ") == 40


def test_planted_stand_in_characters_cannot_make_brackets() -> None:
    out = render_markdown("a\ufdd0b\ufdd1c").html
    assert "[" not in out
    assert "\\" not in out


def test_over_budget_falls_back_to_escaped_text(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def stuck(text: str, terms: object, deadline: float) -> str:
        release.wait(5)
        return "<p>late</p>"

    monkeypatch.setattr(render, "_render_steps", stuck)
    try:
        result = render_markdown("<b>太字</b> ZEB", ["zeb"], budget_s=0.05)
    finally:
        release.set()
    assert result.fallback
    assert result.html == '<pre>&lt;b&gt;太字&lt;/b&gt; <span class="hit">ZEB</span></pre>'


def test_renderer_bug_falls_back_to_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, terms: object, deadline: float) -> str:
        raise RuntimeError("bug")

    monkeypatch.setattr(render, "_render_steps", broken)
    result = render_markdown("本文")
    assert result.fallback
    assert result.html == "<pre>本文</pre>"


def test_long_body_is_truncated() -> None:
    result = render_markdown("あ" * (render.MAX_BODY_CHARS + 10))
    assert result.truncated
    assert result.html.count("あ") == render.MAX_BODY_CHARS


@pytest.mark.parametrize(
    ("text", "term", "hit"),
    [
        ("ＺＥＢ Ｒｅａｄｙを達成", "zeb ready", "ＺＥＢ Ｒｅａｄｙ"),
        ("都市ｶﾞｽの削減", "ガス", "ｶﾞｽ"),
        ("⾦融機関と連携", "金融", "⾦融"),
        ("CO₂ reduction", "co2", "CO₂"),
        ("延床面積 ７,９８５㎡", "m2", "㎡"),
    ],
)
def test_highlight_matches_search_normalisation(text: str, term: str, hit: str) -> None:
    spans = highlight_spans(text, [term])
    assert [text[s:e] for s, e in spans] == [hit]


def test_highlight_only_touches_text_not_markup() -> None:
    out = render_markdown(f"[zeb](zkb-record:{UID}) ZEB", ["zeb", "record"]).html
    assert f'href="zkb-record:{UID}"' in out
    assert out.count('<span class="hit">') == 2


def test_overlapping_terms_merge() -> None:
    assert highlight_spans("省エネルギー", ["省エネ", "エネルギー"]) == [(0, 6)]


_ALLOWED_SRC = re.compile(r"zkb-att:[0-9a-f]{64}")
_ALLOWED_HREF = re.compile(r"zkb-(record:[0-9a-f-]{36}|att:[0-9a-f]{64})")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<img src=x onerror=alert(1)>",
                "![a](",
                "[b](",
                ")",
                "](",
                "javascript:",
                "file:///",
                "http://e/",
                f"zkb-att:{SHA}",
                f"zkb-record:{UID}",
                "<table><tr><td>",
                "|a|b|\n|-|-|\n",
                "```\n",
                "> ",
                "\n\n",
                "*",
                "\\",
                "&#91;",
                "<style>",
                '"',
                "'",
                "ZEB",
            ]
        )
        | st.text(max_size=8),
        max_size=40,
    )
)
def test_no_input_yields_dangerous_markup(pieces: list[str]) -> None:
    result = render_markdown("".join(pieces), ["zeb"])
    for tag, attrs in tags_of(result.html):
        assert tag in render._ALLOWED_TAGS
        for name, value in attrs.items():
            assert name in {"src", "alt", "href", "class", "align", "title"}
            if name == "src":
                assert tag == "img"
                assert _ALLOWED_SRC.fullmatch(value or "")
            if name == "href":
                assert _ALLOWED_HREF.fullmatch(value or "")


@pytest.mark.parametrize(
    ("text", "term", "marked"),
    [
        ("新しいサーバーを設置", "サーバ", "サーバー"),
        ("設計は髙橋さん", "高橋", "髙橋"),
        ("区の取り組みを紹介", "取組", "取り組み"),
        ("第三回の勉強会", "第3回", "第三回"),
    ],
)
def test_highlight_marks_spelling_variants(text: str, term: str, marked: str) -> None:
    start = text.index(marked)
    assert highlight_spans(text, [term]) == [(start, start + len(marked))]


def test_highlight_of_a_quoted_term_marks_only_the_written_form() -> None:
    assert highlight_spans("設計は髙橋さん", ['"高橋"']) == []
    assert highlight_spans("設計は高橋さん", ['"高橋"']) == [(3, 5)]


def _lines_run(fn: Callable[[], object]) -> int:
    """How many lines of zebkb/render.py `fn` executes: its work, counted rather than timed."""
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> object:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def trace(frame: FrameType, event: str, arg: object) -> object:
        return local if frame.f_code.co_filename == render.__file__ else None

    sys.settrace(trace)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("unit", ["ZEB ", "ｶﾞｽ ZEB "])  # already normal, and half-width kana
def test_highlighting_work_is_linear_in_the_text(unit: str) -> None:
    """The record pane highlights whole bodies: "ZEB " over 120 KB must not cost more per byte."""

    def work(repeats: int) -> int:
        text = unit * repeats
        return _lines_run(lambda: render.highlight_text(text, ["ZEB", "ガス"]))

    assert work(4000) < 5 * work(1000)
    assert render.highlight_text(unit * 2, ["ZEB"]).count('<span class="hit">ZEB</span>') == 2


def _squash(html: str) -> str:
    return re.sub(r"\s+", "", html)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Three spaces under "1. " (as the demo writes): nested, as CommonMark renders it.
        (
            "1. 外皮\n   - 断熱\n   - 日射遮蔽\n2. 設備\n   - LED\n",
            "<ol><li>外皮<ul><li>断熱</li><li>日射遮蔽</li></ul></li>"
            "<li>設備<ul><li>LED</li></ul></li></ol>",
        ),
        # Two spaces under "- ", three levels deep.
        ("- a\n  - b\n    - c\n", "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>"),
        # Four spaces still work, and a later paragraph closes the list.
        ("- a\n    - b\n\n段落\n", "<ul><li>a<ul><li>b</li></ul></li></ul><p>段落</p>"),
        # Too little indentation is a sibling, as in CommonMark.
        ("- a\n - b\n", "<ul><li>a</li><li>b</li></ul>"),
    ],
)
def test_nested_lists_render_as_commonmark(body: str, expected: str) -> None:
    assert expected in _squash(render_markdown(body).html)


def test_list_reindenting_leaves_fenced_code_alone() -> None:
    body = "- a\n\n```\n   - not a list\n```\n"
    assert "   - not a list" in render_markdown(body).html
