"""Safe Markdown → HTML for the detail pane.

Record bodies arrive from other wards' bundles, so they are hostile until
proven otherwise. The pipeline is:

1. bound the input size and defuse patterns that make Python-Markdown
   quadratic (bracket floods: 20,000 ``[`` took 100 s while planning);
2. Markdown with raw HTML switched off (Python-Markdown passes raw HTML
   through and silently ignores ``safe_mode``), so ``<script>`` stays text;
3. nh3 with an explicit allow-list (its defaults keep ``http`` image
   sources);
4. our own re-serialisation with a second allow-list that also rewrites
   links, drops every image that is not ``zkb-att:<sha256>``, flattens tables
   nested deeper than two levels (QTextBrowser's layout is exponential in
   table depth), caps nesting in general and highlights search hits.

The whole render runs under a time budget; past it the body is shown as
escaped plain text.

No Qt here: the pipeline is plain text in, plain text out, and is tested
without a QApplication.
"""

from __future__ import annotations

import functools
import html
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import markdown
import nh3

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 200_000
RENDER_BUDGET_S = 2.0
MAX_TABLE_DEPTH = 2
MAX_NESTING = 24
# Each unclosed "[" makes Python-Markdown scan the rest of its block, so the
# cost is brackets × block length. About 3 M characters scanned per second
# were measured; 1 M keeps a hostile body well under half a second.
BRACKET_SCAN_BUDGET = 2_000_000
MAX_LINK_BRACKETS_PER_BLOCK = 64

RECORD_SCHEME = "zkb-record"
ATTACHMENT_SCHEME = "zkb-att"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_BRACKET = "\ufdd0"
_BACKSLASH = "\ufdd1"
_BACKSLASH_RUN = re.compile(r"\\{4,}")
# A link on one line with nothing nested: cheap for Markdown to resolve.
_WELL_FORMED_LINK = re.compile(
    r"\[[^\[\]\n]{0,500}\](?:\([^()\n]{0,2000}\)|\[[^\[\]\n]{0,500}\]|(?![(\[]))"
)
_EXTERNAL = re.compile(r"(?:https?://|mailto:)\S+", re.IGNORECASE)

_ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "b", "i", "code", "pre", "blockquote",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tr", "th", "td",
        "a", "img", "span", "sup", "sub", "del",
    }
)  # fmt: skip
_VOID_TAGS = frozenset({"br", "hr", "img"})
_TABLE_TAGS = frozenset({"table", "thead", "tbody", "tr", "th", "td"})
_DROP_CONTENT_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "noscript"})
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}


@dataclass(frozen=True, slots=True)
class RenderResult:
    html: str
    # True when the body could not be rendered in time and is shown as text.
    fallback: bool = False
    # True when the body was longer than MAX_BODY_CHARS and was cut.
    truncated: bool = False


class _RenderTimeout(Exception):
    pass


def record_url(uid: str) -> str:
    return f"{RECORD_SCHEME}:{uid}"


def attachment_url(sha256: str) -> str:
    return f"{ATTACHMENT_SCHEME}:{sha256}"


def parse_internal_url(url: str) -> tuple[str, str] | None:
    """``("record", uid)`` or ``("attachment", sha256)`` for our own links, else None."""
    scheme, sep, rest = url.partition(":")
    if not sep:
        return None
    scheme = scheme.lower()
    if scheme == RECORD_SCHEME and _UUID.fullmatch(rest):
        return ("record", rest)
    if scheme == ATTACHMENT_SCHEME and _SHA256.fullmatch(rest):
        return ("attachment", rest)
    return None


# --- 1. pre-pass -------------------------------------------------------------


def defuse_markdown(text: str) -> str:
    """Escape the "[" that would make Markdown's link scanning quadratic.

    A "[" is kept only where it opens a well-formed link on its line
    (``[label](target)``, ``[label][ref]``, ``[label]``); every other one becomes
    a stand-in character that ``rewrite_html`` turns back into "[". (Markdown's
    own ``\\[`` escape is quadratic too: 100,000 of them took 9 s.) Each kept
    bracket still costs a scan of its block, so blocks are visited in order and
    share a scan budget; past it, brackets are replaced too. Runs of
    backslashes are replaced the same way. Fenced code is left alone.
    """
    # The stand-ins are Unicode noncharacters; any already in the text are
    # not legitimate and become U+FFFD so they cannot turn into brackets.
    text = text.replace(_BRACKET, "\ufffd").replace(_BACKSLASH, "\ufffd")
    text = _BACKSLASH_RUN.sub(lambda m: _BACKSLASH * len(m.group()), text)
    budget = BRACKET_SCAN_BUDGET
    out: list[str] = []
    block: list[str] = []
    fence: str | None = None

    def flush() -> None:
        nonlocal budget
        if not block:
            return
        chunk = "".join(block)
        block.clear()
        if "[" not in chunk:
            out.append(chunk)
            return
        allowed = min(MAX_LINK_BRACKETS_PER_BLOCK, budget // max(1, len(chunk)))
        pieces: list[str] = []
        pos = 0
        kept = 0
        for match in re.finditer(r"\\?\[", chunk):
            start = match.start()
            if match.group().startswith("\\"):
                continue  # already escaped by the author
            if kept < allowed and _WELL_FORMED_LINK.match(chunk, start):
                kept += 1
                continue
            pieces.append(chunk[pos:start] + _BRACKET)
            pos = start + 1
        pieces.append(chunk[pos:])
        budget -= kept * len(chunk)
        out.append("".join(pieces))

    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        if fence is not None:
            out.append(line)
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            flush()
            fence = stripped[:3]
            out.append(line)
        elif not stripped:
            flush()
            out.append(line)
        else:
            block.append(line)
    flush()
    return "".join(out)


# --- 2. Markdown -------------------------------------------------------------


_LIST_ITEM = re.compile(r"( *)([-*+]|\d{1,9}[.)])( +|$)")
_FENCE = re.compile(r" *(```|~~~)")


def _commonmark_list_indents(text: str) -> str:
    """Re-indent nested list items as Python-Markdown reads them (4 spaces a level).

    CommonMark nests an item under its parent when it is indented to the
    parent's content column ("1. " → 3 spaces, "- " → 2); Python-Markdown wants
    a full tab stop, so the demo's three-space lists came out flat. Each line
    inside a list moves to 4 × its CommonMark depth; fenced code is left as
    written. Linear in the text.
    """
    out: list[str] = []
    # Content columns (in the source) of the open list items, outermost first.
    stack: list[int] = []
    fence: str | None = None
    blank_before = False
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        n = len(line) - len(stripped)
        if fence is not None:
            out.append(line)
            if stripped.startswith(fence):
                fence = None
            continue
        if not stripped:
            out.append(line)
            blank_before = True
            continue
        item = _LIST_ITEM.match(line)
        # A new item, or text after a blank line, closes the items it is not inside.
        if item is not None or blank_before:
            while stack and n < stack[-1]:
                stack.pop()
        if item is not None and (stack or n <= 3):
            marker, gap = item.group(2), item.group(3)
            out.append(" " * (4 * len(stack)) + stripped)
            # Five or more spaces after the marker: the content starts one after it.
            stack.append(n + len(marker) + (len(gap) if 1 <= len(gap) <= 4 else 1))
        elif stack and n >= stack[-1]:
            out.append(" " * (4 * len(stack) + n - stack[-1]) + stripped)
        else:
            if blank_before:
                stack.clear()
            out.append(line)  # outside lists, or a lazy continuation line
        fenced = _FENCE.match(line)
        if fenced is not None:
            fence = fenced.group(1)
        blank_before = False
    return "\n".join(out)


def _markdown_to_html(text: str) -> str:
    text = _commonmark_list_indents(text)
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    # Raw HTML becomes escaped text: these two are the only places
    # Python-Markdown lets it through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)


# --- 3. nh3 ------------------------------------------------------------------


def _sanitise(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=set(_ALLOWED_TAGS),
        clean_content_tags=set(_DROP_CONTENT_TAGS),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto", RECORD_SCHEME, ATTACHMENT_SCHEME},
        link_rel=None,
        strip_comments=True,
    )


# --- 4. our own allow-list, link rewriting, nesting caps, highlighting ----------


# Per character: (NFKC + casefold, whether it joins the cluster before it). Highlighting
# folds a whole body, mostly the same few hundred characters, so the answers are kept.
_CHAR_FOLD: dict[str, tuple[str, bool]] = {}


def _char_fold(ch: str) -> tuple[str, bool]:
    info = _CHAR_FOLD.get(ch)
    if info is None:
        nfkc = unicodedata.normalize("NFKC", ch)
        info = (nfkc.casefold(), bool(unicodedata.combining(nfkc[:1] or "a")))
        if len(_CHAR_FOLD) < 100_000:
            _CHAR_FOLD[ch] = info
    return info


def _norm_char_clusters(text: str) -> tuple[str, list[int]]:
    """NFKC + casefold of ``text``, with the original offset of each output char.

    Normalised per cluster (a character with its combining marks) so that
    half-width ｶﾞ maps to ガ as the search engine's whole-string NFKC does.
    One pass, each character looked at once: linear in the text's length.
    """
    if unicodedata.is_normalized("NFKC", text):
        # Most text: every cluster is already its own NFKC form, and when case folding
        # keeps the length it maps character to character.
        folded = text.casefold()
        if len(folded) == len(text):
            return folded, list(range(len(text) + 1))
    out: list[str] = []
    offsets: list[int] = []
    infos = [_char_fold(ch) for ch in text]
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and infos[j][1]:
            j += 1
        norm = infos[i][0] if j == i + 1 else unicodedata.normalize("NFKC", text[i:j]).casefold()
        out.append(norm)
        if len(norm) == 1:
            offsets.append(i)
        else:
            offsets.extend([i] * len(norm))
        i = j
    offsets.append(n)
    return "".join(out), offsets


def normalise_for_search(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@functools.cache
def _variants() -> Any:
    """The built-in spelling-variant table (zebkb/search/variants.py), read once."""
    from zebkb.search.variants import load_variants

    return load_variants(None)


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` ranges of ``text`` whose normalised form matches a term.

    As search does, a term also marks its spelling variants (サーバ marks サーバー,
    高橋 marks 髙橋) unless it is given in quotes (``'"高橋"'``), as a quoted
    phrase of a query is.
    """
    exact: set[str] = set()
    loose: set[str] = set()
    for term in terms:
        t = term.strip()
        if len(t) >= 2 and t[0] == t[-1] == '"':
            exact.add(normalise_for_search(t[1:-1]).strip())
        else:
            loose.add(normalise_for_search(t).strip())
    needles = [t for t in exact | loose if t]
    if not needles or not text:
        return []
    norm, offsets = _norm_char_clusters(text)
    ranges: list[tuple[int, int]] = []
    loose.discard("")
    if loose:
        table = _variants()
        folded, starts, ends = table.fold_with_map(norm)
        for needle in {table.fold(t) for t in loose}:
            start = folded.find(needle) if needle else -1
            while start != -1:
                end = start + len(needle)
                a, b = starts[start], ends[end - 1]
                if a < b:
                    ranges.append((offsets[a], offsets[b] if b < len(offsets) else len(text)))
                start = folded.find(needle, end)
    for needle in needles:
        start = norm.find(needle)
        while start != -1:
            end = start + len(needle)
            orig_start = offsets[start]
            # The end maps to the start of the next original cluster.
            orig_end = offsets[end] if end < len(offsets) else len(text)
            if orig_end <= orig_start:
                orig_end = orig_start + 1
            ranges.append((orig_start, orig_end))
            start = norm.find(needle, end)
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for s, e in ranges:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def highlight_text(text: str, terms: Sequence[str]) -> str:
    """``text`` escaped for HTML, with ``<span class="hit">`` around matches."""
    spans = highlight_spans(text, terms)
    parts: list[str] = []
    pos = 0
    for s, e in spans:
        parts.append(html.escape(text[pos:s], quote=False))
        parts.append('<span class="hit">' + html.escape(text[s:e], quote=False) + "</span>")
        pos = e
    parts.append(html.escape(text[pos:], quote=False))
    return "".join(parts)


def _restore(text: str) -> str:
    return text.replace(_BRACKET, "[").replace(_BACKSLASH, "\\")


class _Rewriter(HTMLParser):
    def __init__(self, terms: Sequence[str], deadline: float) -> None:
        super().__init__(convert_charrefs=True)
        self.terms = terms
        self.deadline = deadline
        self.out: list[str] = []
        # One entry per open tag: the tag name we emitted for it, or None when
        # the tag was dropped (its content is kept).
        self.stack: list[tuple[str, str | None]] = []
        self.table_depth = 0
        self.skip_depth = 0
        self.pending_suffix: list[str | None] = []  # text appended after </a>

    def _check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _RenderTimeout

    def _emitted_depth(self) -> int:
        return sum(1 for _, emitted in self.stack if emitted)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_time()
        if self.skip_depth or tag in _DROP_CONTENT_TAGS:
            if tag not in _VOID_TAGS:
                self.skip_depth += 1
            return
        attr = {k: v or "" for k, v in attrs}
        if tag == "img":
            self._image(attr)
            return
        if tag in _VOID_TAGS:
            if tag in _ALLOWED_TAGS:
                self.out.append(f"<{tag}>" if tag != "br" else "<br>")
            return
        emitted: str | None = tag if tag in _ALLOWED_TAGS else None
        if tag == "table":
            self.table_depth += 1
        if emitted and tag in _TABLE_TAGS and self.table_depth > MAX_TABLE_DEPTH:
            # Deeply nested tables are laid out in exponential time: keep the
            # text, separate cells and rows so words do not run together.
            emitted = None
            if tag in ("td", "th"):
                self.out.append(" ")
            elif tag == "tr":
                self.out.append("<br>")
        elif emitted and self._emitted_depth() >= MAX_NESTING:
            emitted = None
        if tag == "a":
            if emitted:
                emitted = self._link_open(attr)
            else:
                self.pending_suffix.append(None)
        elif emitted in ("td", "th") and attr.get("align") in ("left", "right", "center"):
            self.out.append(f'<{tag} align="{attr["align"]}">')
            self.stack.append((tag, tag))
            return
        elif emitted:
            self.out.append(f"<{emitted}>")
        self.stack.append((tag, emitted))

    def _link_open(self, attr: dict[str, str]) -> str | None:
        href = attr.get("href", "").strip()
        if parse_internal_url(href):
            self.out.append(f'<a href="{html.escape(href)}">')
            self.pending_suffix.append(None)
            return "a"
        # External links are shown, never followed: the address is written out
        # after the label so the reader can copy it.
        if _EXTERNAL.fullmatch(href):
            self.out.append('<span class="extlink">')
            self.pending_suffix.append(href)
            return "span"
        self.pending_suffix.append(None)
        return None

    def _image(self, attr: dict[str, str]) -> None:
        src = attr.get("src", "").strip()
        alt = _restore(attr.get("alt", ""))
        target = parse_internal_url(src)
        if target and target[0] == "attachment":
            self.out.append(f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">')
        elif alt:
            self.out.append(f'<span class="noimg">[{html.escape(alt, quote=False)}]</span>')

    def handle_endtag(self, tag: str) -> None:
        self._check_time()
        if self.skip_depth:
            if tag not in _VOID_TAGS:
                self.skip_depth -= 1
            return
        if tag in _VOID_TAGS:
            return
        # Close up to the matching open tag; nh3's output is well formed, so
        # this only guards against surprises.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                break
        else:
            return
        while len(self.stack) > index:
            name, emitted = self.stack.pop()
            if name == "table":
                self.table_depth -= 1
            if emitted:
                self.out.append(f"</{emitted}>")
            if name == "a" and self.pending_suffix:
                suffix = self.pending_suffix.pop()
                if suffix:
                    self.out.append(
                        f' <span class="url">&lt;{html.escape(suffix, quote=False)}&gt;</span>'
                    )

    def handle_data(self, data: str) -> None:
        self._check_time()
        if self.skip_depth:
            return
        self.out.append(highlight_text(_restore(data), self.terms))

    def result(self) -> str:
        while self.stack:
            self.handle_endtag(self.stack[-1][0])
        return "".join(self.out)


def rewrite_html(fragment: str, terms: Sequence[str] = (), deadline: float | None = None) -> str:
    """Apply our allow-list, link rules, nesting caps and hit highlighting."""
    rewriter = _Rewriter(terms, deadline if deadline is not None else float("inf"))
    rewriter.feed(fragment)
    rewriter.close()
    return rewriter.result()


# --- the whole render ----------------------------------------------------------


def plain_text_html(text: str, terms: Sequence[str] = ()) -> str:
    return "<pre>" + highlight_text(text, terms) + "</pre>"


def _render_steps(text: str, terms: Sequence[str], deadline: float) -> str:
    fragment = _markdown_to_html(defuse_markdown(text))
    if time.monotonic() > deadline:
        raise _RenderTimeout
    return rewrite_html(_sanitise(fragment), terms, deadline)


def render_markdown(
    text: str, terms: Sequence[str] = (), budget_s: float = RENDER_BUDGET_S
) -> RenderResult:
    """Render a record body for QTextBrowser, safely and within ``budget_s``.

    Markdown runs in a helper thread so that a body which defeats the
    pre-pass still returns on time (as escaped text); the helper finishes on
    its own and its result is dropped.
    """
    truncated = len(text) > MAX_BODY_CHARS
    if truncated:
        text = text[:MAX_BODY_CHARS]
    deadline = time.monotonic() + budget_s
    box: dict[str, str | BaseException] = {}

    def work() -> None:
        try:
            box["html"] = _render_steps(text, terms, deadline)
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=work, name="zebkb-render", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    result = box.get("html")
    if worker.is_alive() or not isinstance(result, str):
        error = box.get("error")
        if isinstance(error, BaseException) and not isinstance(error, _RenderTimeout):
            # A body that breaks the renderer is still readable as text.
            log.warning("rendering a body failed; showing it as text", exc_info=error)
        return RenderResult(plain_text_html(text, terms), fallback=True, truncated=truncated)
    return RenderResult(result, truncated=truncated)
