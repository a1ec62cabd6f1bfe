"""Text normalisation shared by indexing, querying and snippets.

Text pasted from PDFs carries full-width letters, Kangxi and supplement radical
characters, invisible characters and spaces inside Japanese words. Both the
indexed text and every query go through `normalize`, so a query typed either
way matches text written either way.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from zebkb.search.nfkc import nfkc, nfkc_runs

# CJK Radicals Supplement → the unified ideograph Unicode declares equivalent
# (EquivalentUnifiedIdeograph.txt, U+2E81..U+2EF3). NFKC folds only two of
# them; the Kangxi Radicals block (U+2F00..) is folded by NFKC itself.
_RADICAL_PAIRS = (
    "⺁厂 ⺂乛 ⺃乚 ⺄乙 ⺅亻 ⺆冂 ⺇𠘨 ⺈刀 ⺉刂 ⺊卜 ⺋㔾 ⺌小 ⺍小 ⺎兀 ⺏尣 ⺐尢 ⺑𡯂 ⺒巳 ⺓幺 ⺔彑 "
    "⺕𫜹 ⺖忄 ⺗心 ⺘扌 ⺙攵 ⺛旡 ⺜日 ⺝月 ⺞歺 ⺟母 ⺠民 ⺡氵 ⺢氺 ⺣灬 ⺤爫 ⺥爫 ⺦丬 ⺧牛 "
    "⺨犭 ⺩王 ⺪𤴔 ⺫目 ⺬示 ⺭礻 ⺮𥫗 ⺯糹 ⺰纟 ⺱罓 ⺲罒 ⺳㓁 ⺴冗 ⺵𦉫 ⺶羊 ⺷𦍌 ⺸𦍋 ⺹耂 "
    "⺺肀 ⺻聿 ⺼肉 ⺽𦥑 ⺾艹 ⺿艹 ⻀艹 ⻁虎 ⻂衤 ⻃覀 ⻄西 ⻅见 ⻆角 ⻇𧢲 ⻈讠 ⻉贝 ⻊𧾷 ⻋车 "
    "⻌辶 ⻍辶 ⻎辶 ⻏邑 ⻐钅 ⻑長 ⻒镸 ⻓长 ⻔门 ⻕𨸏 ⻖阝 ⻗雨 ⻘青 ⻙韦 ⻚页 ⻛风 ⻜飞 ⻝食 "
    "⻞𩙿 ⻟飠 ⻠饣 ⻡𩠐 ⻢马 ⻣骨 ⻤鬼 ⻥鱼 ⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻫斉 ⻬齐 ⻭歯 ⻮齿 ⻯竜 "
    "⻰龙 ⻱龜 ⻲亀 ⻳龟"
)
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_TRANSLATE: dict[int, str | None] = {ord(p[0]): p[1:] for p in _RADICAL_PAIRS.split()}
_TRANSLATE.update({ord(c): None for c in _INVISIBLE})
# Whether a text holds any of them: translating looks every character up in a dict,
# which cost about 40 % of folding a snippet's lines; most texts hold none.
_TRANSLATED = re.compile("[" + "".join(map(re.escape, map(chr, _TRANSLATE))) + "]")

# Japanese script: CJK punctuation, kana, ideographs (BMP, compatibility, and the
# supplementary planes). A space next to one of these is layout, not a word break.
_JA = "\u3001-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# The same ranges as code points, for `_is_ja`: a class holding them costs re about 2 ms
# to compile (it walks every BMP code point in it), so patterns with it are compiled
# only when a text with whitespace first needs them (`_space_patterns`).
_JA_RANGES = (
    (0x3001, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)
_SPACE = re.compile(r"\s")
_SPACE_RUN = re.compile(r"\s+")
# What the index takes bigrams from: every run of characters between whitespace (which
# normalised text holds only between Latin words and between fields). Punctuation is
# in them, so a term such as 「定・コ」 or 「」と」 has bigrams to find its candidates by,
# where runs of word characters alone left it none and every text was scanned for it.
# Lone surrogates are left out: no stored text holds one (UTF-8 cannot encode it), and
# the index could not look a bigram holding one up.
_RUN = re.compile(r"[^\s\ud800-\udfff]+")

# Field separator inside a record's normalised text; whitespace never survives
# normalisation as anything but a single " ", so a match cannot span two fields.
FIELD_SEP = "\n"


def _is_ja(ch: str) -> bool:
    c = ord(ch)
    # `_JA_RANGES` written out: a generator over them was a fifth of a snippet's time
    # (snippets edit the spaces of the lines they look at one run at a time).
    return (
        0x4E00 <= c <= 0x9FFF
        or 0x3001 <= c <= 0x30FF
        or 0x3400 <= c <= 0x4DBF
        or 0xF900 <= c <= 0xFAFF
        or 0x20000 <= c <= 0x3FFFF
    )


def _space_edits(s: str, mark: str = "") -> list[tuple[int, int, str]]:
    """Where whitespace runs go: dropped inside Japanese and letter-spaced text, else one space.

    A non-empty `mark` separates independent lines: it acts as the start and
    end of the string, so the edits are those of each line on its own.
    """
    edits: list[tuple[int, int, str]] = []
    n = len(s)
    for m in _SPACE_RUN.finditer(s):
        a, b = m.span()
        if a == 0 or b == n:
            edits.append((a, b, ""))
            continue
        before, after = s[a - 1], s[b]
        if mark in (before, after) or _is_ja(before) or _is_ja(after):
            edits.append((a, b, ""))
            continue
        # Letter-spaced words such as "２ ０ ５ ０" from justified PDF lines.
        single_before = a < 2 or s[a - 2].isspace() or s[a - 2] == mark
        single_after = b + 1 >= n or s[b + 1].isspace() or s[b + 1] == mark
        if single_before and single_after and before.isalnum() and after.isalnum():
            edits.append((a, b, ""))
            continue
        if b - a == 1 and s[a] == " ":
            continue
        edits.append((a, b, " "))
    return edits


def _fold(s: str) -> str:
    if _TRANSLATED.search(s) is not None:
        s = s.translate(_TRANSLATE)
    return nfkc(s).lower()


def normalize(text: str) -> str:
    """NFKC, radicals, invisible characters, lower case, spaces inside Japanese removed."""
    return _apply_space_edits(_fold(text))


# Joins lines for folding in one call; a starter that composes with nothing, so NFKC
# of the joined text splits back into exactly the per-line results.
_LINE_MARK = "\x00"


def normalize_lines(lines: list[str]) -> list[str]:
    """`[normalize(line) for line in lines]`, in one pass over the joined lines."""
    joined = _LINE_MARK.join(lines)
    folded = _fold(joined)
    if joined.count(_LINE_MARK) != len(lines) - 1 or folded.count(_LINE_MARK) != len(lines) - 1:
        return [normalize(line) for line in lines]
    return _apply_space_edits(folded, _LINE_MARK).split(_LINE_MARK)


def line_keys(lines: list[str]) -> list[str]:
    """Each line folded as `normalize` folds it, with every whitespace character removed.

    Normalising only edits whitespace runs after folding, so a term's key (`line_keys([term])`)
    occurs in a line's key whenever the term occurs in the normalised line: a cheap
    test that rules lines out without their space edits.
    """
    joined = _LINE_MARK.join(lines)
    keys = "".join(_fold(joined).split()).split(_LINE_MARK)
    if joined.count(_LINE_MARK) != len(lines) - 1 or len(keys) != len(lines):
        return ["".join(_fold(line).split()) for line in lines]
    return keys


@functools.cache
def _space_patterns(mark: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(runs between two other characters, none Japanese nor `mark`; every other run).

    `_space_edits` drops every run of the second kind, and decides each of the
    first kind by looking at its neighbours: in Japanese text a handful.
    """
    other = f"[^\\s{_JA}{re.escape(mark)}]"
    edge = f"[{_JA}{re.escape(mark)}]"
    # Each starts with the whitespace it matches and looks behind after it (as in
    # zebkb/search/variants.py): re then skips ahead to the next whitespace instead of
    # trying the look-behind at every position. A look-behind seeing whitespace
    # before it is inside a run, so each match is a whole run.
    return (
        re.compile(f"\\s(?<={other}\\s)\\s*(?={other})"),
        re.compile(f"\\s(?:(?<={edge}\\s)\\s*|(?<=\\A\\s)\\s*|\\s*(?={edge}|\\Z))"),
    )


def _latin_space(m: re.Match[str], mark: str) -> str:
    """What a whitespace run between two letters, digits or signs becomes (`_space_edits`)."""
    s = m.string
    a, b = m.span()
    single_before = a < 2 or s[a - 2].isspace() or s[a - 2] == mark
    single_after = b + 1 >= len(s) or s[b + 1].isspace() or s[b + 1] == mark
    if single_before and single_after and s[a - 1].isalnum() and s[b].isalnum():
        return ""
    return " "


# Whitespace runs a process edits in Python before it compiles the patterns for a mark.
# Compiling them costs about 4.5 ms (the Japanese ranges); editing a run in Python about
# 1.5 µs: a search's query and first page of snippets (a few hundred to a thousand
# runs) never pay for the compile, a build of the index does so once, early.
_SCAN_BUDGET = 3000
_scanned: dict[str, int] = {}


def _apply_space_edits(s: str, mark: str = "") -> str:
    """`s` with `_space_edits(s, mark)` made: by a scan in Python, then by the patterns."""
    if _SPACE.search(s) is None:  # most queries: nothing to edit, no pattern to compile
        return s
    done = _scanned.get(mark, 0)
    if done < _SCAN_BUDGET:
        edits = _space_edits(s, mark)
        _scanned[mark] = done + len(edits) + 1
        return _edited(s, edits)
    return _apply_space_patterns(s, mark)


def _edited(s: str, edits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for a, b, rep in edits:
        out.append(s[pos:a])
        out.append(rep)
        pos = b
    out.append(s[pos:])
    return "".join(out)


def _apply_space_patterns(s: str, mark: str = "") -> str:
    """`s` with `_space_edits(s, mark)` made; the runs next to Japanese are dropped in C.

    Each run's fate depends only on the text around it before any edit, and runs
    are apart, so the two kinds are edited one after the other.
    """
    between, dropped = _space_patterns(mark)
    s = between.sub(lambda m: _latin_space(m, mark), s)
    return dropped.sub("", s)


def _starts_cluster(ch: str) -> bool:
    if unicodedata.combining(ch):
        return False
    # Half-width voiced marks and the combining kana marks fold into the kana before them.
    return ch not in "\uff9e\uff9f\u3099\u309a"


# Per character: (folded form, starts a new cluster). Snippets fold thousands of characters
# per query, mostly the same few hundred kanji and kana, so the answers are kept.
_CHAR_INFO: dict[str, tuple[str, bool]] = {}


def _char_info(ch: str) -> tuple[str, bool]:
    info = _CHAR_INFO.get(ch)
    if info is None:
        info = (_fold(ch), _starts_cluster(ch))
        if len(_CHAR_INFO) < 100_000:
            _CHAR_INFO[ch] = info
    return info


def _map_clusters(text: str, start: int, end: int, chars: list[str], origin: list[int]) -> None:
    """Fold text[start:end] cluster by cluster onto `chars`, each output character's source onto `origin`."""
    infos = [_char_info(ch) for ch in text[start:end]]
    i = start
    while i < end:
        j = i + 1
        while j < end and not infos[j - start][1]:
            j += 1
        folded = infos[i - start][0] if j == i + 1 else _fold(text[i:j])
        if len(folded) == 1:
            chars.append(folded)
            origin.append(i)
        else:
            chars.extend(folded)
            origin.extend([i] * len(folded))
        i = j


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """`normalize`, plus for each output character the index of its source in `text`.

    Normalises cluster by cluster (a base character and the marks that combine
    with it), which gives the same text as `normalize` for all but exotic input;
    only snippets use it, and they tolerate the rare difference.
    """
    chars: list[str] = []
    origin: list[int] = []
    n = len(text)
    if "\u03a3" in text or _TRANSLATED.search(text) is not None:
        # Σ lowers by its context, and translated characters change the length.
        _map_clusters(text, 0, n, chars, origin)
    else:
        # Between runs that NFKC may change (zebkb/search/nfkc.py), every character
        # is a cluster of its own and folds to its lower case: a run of them at once.
        pos = 0
        for m in nfkc_runs(text):
            a, b = m.span()
            if a > pos:
                _map_safe(text, pos, a, chars, origin)
            _map_clusters(text, a, b, chars, origin)
            pos = b
        if pos < n:
            _map_safe(text, pos, n, chars, origin)
    s = "".join(chars)
    edits = _space_edits(s)
    if not edits:
        return s, origin
    out: list[str] = []
    out_origin: list[int] = []
    pos = 0
    for a, b, rep in edits:
        out.append(s[pos:a])
        out_origin.extend(origin[pos:a])
        if rep:
            out.append(rep)
            out_origin.append(origin[a])
        pos = b
    out.append(s[pos:])
    out_origin.extend(origin[pos:])
    return "".join(out), out_origin


def _map_safe(text: str, start: int, end: int, chars: list[str], origin: list[int]) -> None:
    piece = text[start:end]
    low = piece.lower()
    if len(low) == len(piece):
        chars.append(low)
        origin.extend(range(start, end))
    else:  # a character lowering to two (İ)
        _map_clusters(text, start, end, chars, origin)


def word_runs(norm: str) -> list[str]:
    """The runs between whitespace, in order (what `grams` takes its bigrams from)."""
    return _RUN.findall(norm)


def grams(norm: str) -> list[str]:
    """Overlapping bigrams of every run, and the run itself when it is one character."""
    return run_grams(_RUN.findall(norm))


def run_grams(runs: list[str]) -> list[str]:
    """`grams` of the text these runs were found in."""
    result: list[str] = []
    for run in runs:
        if len(run) == 1:
            result.append(run)
        else:
            result.extend(map(str.__add__, run, run[1:]))
    return result


def is_one_bigram(term: str) -> bool:
    """Whether the index's frequency of `term` as a bigram is its count in the text.

    True for two characters, neither whitespace, that differ: bigrams overlap, so "ああ" is
    indexed twice in "あああ" where str.count finds it once.
    """
    return len(term) == 2 and term[0] != term[1] and _RUN.fullmatch(term) is not None


def query_grams(term: str) -> list[str]:
    """The bigrams every text containing `term` must have (none for one-character runs)."""
    result: list[str] = []
    for run in _RUN.findall(term):
        if len(run) > 1:
            result.extend(map(str.__add__, run, run[1:]))
    return result
