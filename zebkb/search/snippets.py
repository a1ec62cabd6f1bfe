"""The best fragment of a hit, cut from the original text with the matches in <b>…</b>."""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from zebkb.search.normalize import (
    FIELD_SEP,
    line_keys,
    normalize,
    normalize_lines,
    normalize_with_map,
)

if TYPE_CHECKING:
    from zebkb.search.variants import VariantTable

SNIPPET_CHARS = 120
# Mapping offsets is per character in Python; fields longer than this are narrowed to the
# line (or pair of lines) holding the most terms first.
_MAP_LIMIT = 300
_LINE_BLOCK = 16
# A segment longer than this (one long line: PDF text without breaks, a body written on
# one line) is narrowed to a piece of this size around its first match before mapping.
_PIECE = 2_000
_SPACES = re.compile(r"\s+")


class _Terms:
    """The terms a snippet marks: as written, and the folded forms of spelling variants."""

    def __init__(
        self, terms: Sequence[str], variant_terms: Sequence[str], variants: VariantTable | None
    ) -> None:
        self.terms = terms
        self.variant_terms = variant_terms if variants is not None else ()
        self.variants = variants

    def __iter__(self) -> Iterator[str]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms) + len(self.variant_terms)

    def for_field(self, norm: str | None, folded: str | None = None) -> _Terms:
        """The terms for one field whose normalised text `norm` is known.

        Folding every line of a long field costs more than the rest of a snippet;
        it is needed only for a field that folding changes and whose folded text
        holds a folded term. Elsewhere the folded forms are looked for as written. `folded`,
        when the caller has it, is the field's folded text.
        """
        if norm is None or not self.variant_terms or self.variants is None:
            return self
        if folded is None:
            folded = self.variants.fold(norm)
        if folded != norm and any(f in folded for f in self.variant_terms):
            return self
        written = [f for f in self.variant_terms if f in norm and f not in self.terms]
        return _Terms([*self.terms, *written], (), None)

    def count(self, norm: str, folded: str | None = None) -> int:
        """How many of the terms (written or folded) a normalised text holds.

        `folded`, when the caller has it, is `variants.fold(norm)`.
        """
        n = sum(1 for t in self.terms if t in norm)
        if self.variant_terms and self.variants is not None:
            if folded is None:
                folded = self.variants.fold(norm)
            n += sum(1 for f in self.variant_terms if f in folded)
        return n

    @property
    def keyed(self) -> bool:
        """Whether lines can be ruled out by their keys (`line_keys`): no variant to look for."""
        return not self.variant_terms or self.variants is None

    def line_counts(self, lines: list[str], keys: list[str] | None = None) -> Iterator[int]:
        """`count` of each line normalised, lazily, a block of lines at a time.

        When `keyed`, the keys of the lines looked at (`line_keys`) are added to `keys`.
        """
        if not self.variant_terms or self.variants is None:  # `keyed`
            # Most lines hold no term: their keys say so without normalising them.
            wanted = line_keys(list(self.terms))
            for i in range(0, len(lines), _LINE_BLOCK):
                block = lines[i : i + _LINE_BLOCK]
                block_keys = line_keys(block)
                if keys is not None:
                    keys.extend(block_keys)
                for line, key in zip(block, block_keys, strict=True):
                    yield self.count(normalize(line)) if any(k in key for k in wanted) else 0
            return
        for i in range(0, len(lines), _LINE_BLOCK):
            norms = normalize_lines(lines[i : i + _LINE_BLOCK])
            # No rule matches a newline (zebkb/search/variants.py) and none survives
            # normalisation, so a block is folded in one call.
            folds = self.variants.fold(FIELD_SEP.join(norms)).split(FIELD_SEP)
            if len(folds) != len(norms):
                folds = [self.variants.fold(n) for n in norms]
            for n, f in zip(norms, folds, strict=True):
                yield self.count(n, f)


def _first_line(text: str, lines: list[str], norm: str, term: str) -> int | None:
    """The first line whose normalised text holds `term`, found from where the term first
    occurs in `norm` (the text normalised), or None when that cannot tell.

    Normalising folds and then edits only whitespace, and folding keeps the length of
    most text (not of half-width kana with voicing marks, combining marks, ligatures):
    when the lengths without whitespace agree, the line holding the term's first
    occurrence is the one whose characters reach that far, and no earlier line can hold
    it. Only that line is normalised to make sure, instead of folding lines a block at a
    time to rule the others out (a third of a snippet's time).
    """
    at = norm.find(term)
    if at < 0 or len("".join(text.split())) != len(norm) - norm.count(" "):
        return None
    at -= norm.count(" ", 0, at)
    reached = 0
    for i, line in enumerate(lines):
        reached += len("".join(line.split()))
        if at < reached:
            return i if term in normalize(line) else None
    return None


def _best_line(text: str, lines: list[str], norm: str, terms: Sequence[str]) -> int | None:
    """The line `_find_segment`'s loop picks for several terms, found from where they occur
    in `norm` (the text normalised), or None when that cannot tell.

    As in `_first_line`, when the lengths without whitespace agree each occurrence in
    `norm` lies in the lines its characters reach, and a line holding a term holds an
    occurrence wholly inside it: only those lines are normalised, in order, instead of
    folding every line from the first (the slowest part of a two-term query's snippets).
    """
    if len("".join(text.split())) != len(norm) - norm.count(" "):
        return None
    ends = list(itertools.accumulate(len("".join(line.split())) for line in lines))
    firsts = [at for t in terms if (at := norm.find(t)) >= 0]
    if not firsts or not ends:
        return None
    first = min(firsts)
    # Lines the loop can reach: at most 30 past the first holding a term.
    limit = bisect.bisect_right(ends, first - norm.count(" ", 0, first)) + 30
    bound = ends[min(limit, len(ends)) - 1]
    held: set[int] = set()
    for t in terms:
        width = len(t) - t.count(" ")
        if not width:
            return None
        at, spaces = norm.find(t), 0
        scanned = 0
        while at >= 0:
            spaces += norm.count(" ", scanned, at)
            scanned = at
            start = at - spaces
            if start >= bound:
                break
            line = bisect.bisect_right(ends, start)
            if line == bisect.bisect_right(ends, start + width - 1):
                held.add(line)
            at = norm.find(t, at + 1)
    best, best_count, stop = -1, 0, len(lines)
    for i in sorted(held):
        if i >= stop:
            break
        line_norm = normalize(lines[i])
        count = sum(1 for t in terms if t in line_norm)
        if count > best_count:
            best, best_count = i, count
            if count >= len(terms):
                return best
            stop = min(stop, i + 30)
    return best if best >= 0 and stop <= limit else None


def _find_segment(
    text: str, terms: _Terms, norm: str | None = None, folded: str | None = None
) -> str | None:
    """The part of a field to cut the snippet from, or None if no term occurs in it.

    Long fields are read line by line: the first line with a term, or a later one
    within a few lines with more terms, plus a line either side for context. PDF
    text breaks lines inside words and normalisation joins them again, so when no
    single line matches, neighbouring pairs are tried. `norm`, when the caller
    has it, is `normalize(text)`, and `folded` is `variants.fold(norm)`.
    """
    if norm is not None and not terms.count(norm, folded):
        return None
    if len(text) <= _MAP_LIMIT:
        if norm is None:
            norm = normalize(text)
        return text if terms.count(norm) else None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) == 1 and norm is not None:
        return lines[0]  # one long line, known to hold a term: `_narrow` finds where
    if norm is not None and not terms.variant_terms:
        first = (
            _first_line(text, lines, norm, terms.terms[0])
            if len(terms.terms) == 1
            else _best_line(text, lines, norm, terms.terms)
        )
        if first is not None:
            return "\n".join(lines[max(0, first - 1) : first + 2])
    # The lines' keys, kept for the pairs below when lines can be ruled out by them.
    keys: list[str] | None = [] if terms.keyed else None
    best, best_count, stop = -1, 0, len(lines)
    for i, count in enumerate(terms.line_counts(lines, keys)):
        if i >= stop:
            break
        if count > best_count:
            best, best_count = i, count
            if count >= len(terms):
                break
            stop = min(stop, i + 30)
    if best >= 0:
        return "\n".join(lines[max(0, best - 1) : best + 2])
    if norm is None and not terms.count(normalize(text)):
        return None
    pairs = list(itertools.pairwise(lines))
    if keys is not None and len(keys) == len(lines):  # every line looked at: none matched
        # A term across a line break (most terms of a PDF's text break somewhere) is in the
        # joined keys of its two lines: only such pairs are normalised, not every pair
        # up to it (19 normalisations a snippet, most of a rare query's time).
        wanted = line_keys(list(terms.terms))
        pairs = [
            pair
            for pair, key in zip(pairs, map(str.__add__, keys, keys[1:]), strict=True)
            if any(k in key for k in wanted)
        ]
    for a, b in pairs:
        pair = a + "\n" + b
        n = normalize(pair)
        if terms.count(n):
            return pair
    return text[:20_000]


def _narrow(segment: str, terms: _Terms) -> tuple[str, bool, bool]:
    """The first piece of a long segment holding a term, and whether text was cut before/after.

    Pieces overlap by half, so any match shorter than half a piece lies wholly in
    one; the work is proportional to where the first match is, not to the length.
    """
    if len(segment) <= _PIECE:
        return segment, False, False
    step = _PIECE // 2
    for start in range(0, len(segment), step):
        piece = segment[start : start + _PIECE]
        norm = normalize(piece)
        if terms.count(norm):
            return piece, start > 0, start + _PIECE < len(segment)
    return segment, False, False  # a match spread over more than half a piece


def _spans(segment: str, terms: _Terms) -> list[tuple[int, int, str]]:
    norm, origin = normalize_with_map(segment)
    spans: list[tuple[int, int, str]] = []

    def add(a: int, b: int, term: str) -> None:
        while b < len(segment) and unicodedata.combining(segment[b]):
            b += 1
        spans.append((a, b, term))

    for term in terms:
        start = norm.find(term)
        while start >= 0:
            end_norm = start + len(term)
            add(origin[start], origin[end_norm - 1] + 1, term)
            start = norm.find(term, end_norm)
    if terms.variant_terms and terms.variants is not None:
        # A variant is marked where it stands in the original: folded text → normalised → original.
        folded, starts, ends = terms.variants.fold_with_map(norm)
        for term in terms.variant_terms:
            start = folded.find(term)
            while start >= 0:
                end = start + len(term)
                a, b = starts[start], ends[end - 1]
                if a < b:
                    add(origin[a], origin[b - 1] + 1, term)
                start = folded.find(term, end)
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for a, b, term in spans:
        if merged and a <= merged[-1][1]:
            pa, pb, pt = merged[-1]
            merged[-1] = (pa, max(pb, b), pt)
        else:
            merged.append((a, b, term))
    return merged


def _window(spans: list[tuple[int, int, str]], size: int) -> tuple[int, int]:
    """The window of `size` characters that holds the most distinct terms (earliest on ties).

    Windows start at a span; both ends only move forward, so this is linear in
    the number of spans (a body of "ZEB " repeated has one span per word).
    """
    best_start, best_count = spans[0][0], -1
    counts: dict[str, int] = {}
    end = 0  # the spans from the current one up to `end` start inside the window
    for a, _b, term in spans:
        while end < len(spans) and spans[end][0] < a + size:
            t = spans[end][2]
            counts[t] = counts.get(t, 0) + 1
            end += 1
        if len(counts) > best_count:
            best_start, best_count = a, len(counts)
        left = counts[term] - 1
        if left:
            counts[term] = left
        else:
            del counts[term]
    return best_start, best_start + size


def _tidy(text: str) -> str:
    # html.escape(text, quote=False), without loading the html package's entity table.
    text = _SPACES.sub(" ", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_snippet(
    fields: Mapping[str, str],
    terms: Sequence[str],
    *,
    size: int = SNIPPET_CHARS,
    normalised: Mapping[str, str] | None = None,
    variant_terms: Sequence[str] = (),
    variants: VariantTable | None = None,
    folded: Mapping[str, str] | None = None,
) -> str:
    """HTML-escaped original text around the best matches of `terms` (normalised).

    `normalised` may give `normalize(value)` of some fields, which the index
    already holds; fields without a term are then skipped without reading them.
    `variant_terms` are folded forms (`variants.fold`) of terms also found through
    a spelling variant; where the text holds such a variant, the variant is marked.
    `folded` may give `variants.fold(normalize(value))` of some fields.
    """
    matcher = _Terms([t for t in terms if t], [t for t in variant_terms if t], variants)
    known = normalised or {}
    if len(matcher):
        for name, text in fields.items():
            field_folded = (folded or {}).get(name)
            field_terms = matcher.for_field(known.get(name), field_folded)
            segment = _find_segment(text, field_terms, known.get(name), field_folded)
            if segment is None:
                continue
            segment, cut_before, cut_after = _narrow(segment, field_terms)
            spans = _spans(segment, field_terms)
            if not spans:
                continue
            lead = size // 4
            w_start, w_end = _window(spans, size)
            start = max(0, w_start - lead)
            end = min(len(segment), w_end - lead + (w_start - start))
            end = max(end, min(len(segment), start + size))
            out = ["…" if start > 0 or cut_before else ""]
            pos = start
            for span_a, span_b, _t in spans:
                if span_b <= start or span_a >= end:
                    continue
                a, b = max(span_a, start), min(span_b, end)
                out.append(_tidy(segment[pos:a]))
                out.append("<b>" + _tidy(segment[a:b]) + "</b>")
                pos = b
            out.append(_tidy(segment[pos:end]))
            if end < len(segment) or cut_after:
                out.append("…")
            return "".join(out).strip()
    for text in fields.values():
        if text.strip():
            head = text.strip()
            return _tidy(head[:size]) + ("…" if len(head) > size else "")
    return ""
