"""The build's posting pool holds exactly the bigrams `grams` finds, however it counts them.

`InvertedPool.add_text` counts a text's bigrams of two BMP characters as int codes
read from its UTF-16 bytes (zebkb/search/whooshfield.py, `_count_grams`); these
tests compare its postings with counting `grams(text)` as strings, on texts with
every kind of separator, characters beyond the BMP, lone surrogates and
one-character words, and with postings merged in from other segments.
"""

from __future__ import annotations

from array import array
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb.search.normalize import grams
from zebkb.search.whooshfield import CONTENT, VARIANT, InvertedPool

# Japanese and Latin, whitespace of several kinds (two of them pairs of code units in no
# way), characters beyond the BMP (UTF-16 surrogate pairs), a lone surrogate, NUL, and
# characters whose UTF-16 unit has the space's or the newline's low byte.
_ALPHABET = "ab区ー。 \n\t\u3000\u2028𠮷𩸽\ud800\udc00\x00\u2020\u0a0a"


def _expected(texts: list[tuple[str, str | None]]) -> dict[tuple[int, str], int]:
    expected: dict[tuple[int, str], int] = {}
    for docnum, (text, folded) in enumerate(texts):
        counts = Counter(grams(text))
        if folded is not None:
            in_folded = Counter(grams(folded))
            for g in in_folded.keys() - counts.keys():
                counts[VARIANT + g] = in_folded[g]
        expected.update(((docnum, g), f) for g, f in counts.items())
    return expected


def _got(pool: InvertedPool) -> dict[tuple[int, str], int]:
    got: dict[tuple[int, str], int] = {}
    terms: list[bytes] = []
    for field, term, docs, counts, _values in pool.by_term():
        assert field == CONTENT
        terms.append(term)
        assert list(docs) == sorted(docs)
        got.update(
            ((d, term.decode("utf-8", "surrogatepass")), c)
            for d, c in zip(docs, counts, strict=True)
        )
    assert terms == sorted(terms)  # the order Whoosh's term table needs
    return got


@given(
    st.lists(
        st.tuples(
            st.text(alphabet=_ALPHABET, max_size=16),
            st.none() | st.text(alphabet=_ALPHABET, max_size=16),
        ),
        max_size=6,
    )
)
@settings(max_examples=400, deadline=None)
def test_pool_postings_are_the_bigrams_grams_finds(texts: list[tuple[str, str | None]]) -> None:
    pool = InvertedPool()
    for docnum, (text, folded) in enumerate(texts):
        pool.add_text(docnum, text, folded)
    assert _got(pool) == _expected(texts)


def test_pool_merges_postings_of_every_kind_of_term() -> None:
    """Terms merged in from a segment (by their text) join the same terms counted from
    texts (by code): a bigram, a one-character word, a variant's one-character term
    (VARIANT + it, which is two characters), and a bigram beyond the BMP."""
    texts: list[tuple[str, str | None]] = [("ab a 𠮷x", "ab b")]
    pool = InvertedPool()
    for term in ("ab", "a", VARIANT + "b", "𠮷x"):
        pool.add_counts(term, array("I", [0]), array("I", [3]))
    pool.add_text(1, *texts[0])
    expected = {(d + 1, g): c for (d, g), c in _expected(texts).items()}
    expected.update({(0, "ab"): 3, (0, "a"): 3, (0, VARIANT + "b"): 3, (0, "𠮷x"): 3})
    assert _got(pool) == expected


# What the built-in variant table and rules fold: long vowel marks (also at a text's end
# and alone), counters, ordinals, variant kanji and synonyms, beside separators.
_VARIANT_PIECES = [
    "サーバー",
    "エー",
    "ー",
    "ヴァ",
    "3ヶ所",
    "ヶ",
    "第三回",
    "髙",
    "﨑",
    "齋",
    "ゼブ",
    "再エネ",
    "省エネ",
    "太陽光",
    "エレベーター",
    "ab",
    "区",
    " ",
    "\n",
    "。",
]


@given(st.lists(st.sampled_from(_VARIANT_PIECES), max_size=12))
@settings(max_examples=400, deadline=None)
def test_pool_variant_postings_from_the_fold_edits(pieces: list[str]) -> None:
    """Counted from where the fold's edits are (the build passes them), a text's
    variant bigrams are those of counting the whole folded text."""
    from zebkb.search.normalize import normalize
    from zebkb.search.variants import load_variants

    table = load_variants(None)
    text = normalize("".join(pieces))
    folded, script = table.fold_script(text)
    pool = InvertedPool()
    pool.add_text(0, text, folded, script)
    assert _got(pool) == _expected([(text, folded)])


def test_pair_codes_are_the_utf16_bytes_read_as_ints() -> None:
    """A pair's code is what reading its UTF-16 bytes as one unsigned int gives, in this
    machine's byte order, and it gives the pair back."""
    from zebkb.search import whooshfield

    assert array("I").itemsize == 4
    for pair in ("ab", "区ー", "\uffff\x00", "。\u3000"):
        (code,) = array("I", pair.encode(whooshfield._UTF16))
        assert code == whooshfield._pair_code(ord(pair[0]), ord(pair[1]))
        assert whooshfield._code_text(code) == pair
