"""Recall on real text: every record whose normalised text contains the query is found.

The corpus is the seed documents themselves (one record each), the demo records
(with the text of their PDF and Markdown attachments) and records generated from
the seed lines. Queries are substrings of 2-8 characters sampled from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seed_corpus import SEED_DIRS, VARIANT_GROUPS, insert_variants, make_records

from zebkb.search.documents import IndexDoc, doc_from_record
from zebkb.search.engine import SearchIndex
from zebkb.search.extract import extract_text
from zebkb.search.normalize import normalize
from zebkb.search.sidestore import normalised_parts

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo"


def _seed_records() -> list[dict[str, Any]]:
    records = []
    for folder in SEED_DIRS:
        for i, f in enumerate(sorted(folder.glob("*.txt")) if folder.is_dir() else []):
            records.append(
                {
                    "uid": f"5eed0000-0000-4000-8000-{i:012d}",
                    "type": "session",
                    "title": f.stem,
                    "ward": "131229",
                    "held_on": "2024-10-21",
                    "updated_at": "2024-10-21T09:00:00+09:00",
                    "body": f.read_text(encoding="utf-8", errors="replace"),
                }
            )
        if records:
            break
    return records


def _demo_docs() -> list[IndexDoc]:
    path = DEMO / "records.json"
    if not path.is_file():
        return []
    docs = []
    for record in json.loads(path.read_text(encoding="utf-8")):
        texts = [
            extract_text(DEMO / "files" / a["sha256"], a.get("media_type", ""))
            for a in record.get("attachments") or []
        ]
        docs.append(doc_from_record(record, texts))
    return docs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Any:
    docs = [doc_from_record(r) for r in _seed_records() + make_records(300, seed=7)]
    docs += _demo_docs()
    index = SearchIndex(tmp_path_factory.mktemp("recall"))
    index.rebuild(docs, total=len(docs), state=1)
    texts = {d.uid: normalised_parts(d)[2] for d in docs}
    yield index, texts
    index.close()


def _truth(texts: dict[str, str], *terms: str) -> set[str]:
    return {uid for uid, text in texts.items() if all(t in text for t in terms)}


def _quoted(term: str) -> str:
    return '"' + term + '"'


substring = st.tuples(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(2, 8))


def _sample(texts: dict[str, str], pick: tuple[int, int, int]) -> str | None:
    uids = sorted(texts)
    text = texts[uids[pick[0] % len(uids)]]
    length = pick[2]
    if len(text) < length:
        return None
    start = pick[1] % (len(text) - length + 1)
    term = text[start : start + length]
    # A sampled piece must be a query someone could type: normalised, one field, no quotes.
    if "\n" in term or '"' in term or normalize(term) != term:
        return None
    return term


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pick=substring)
def test_every_record_containing_a_substring_is_found(corpus: Any, pick: Any) -> None:
    index, texts = corpus
    term = _sample(texts, pick)
    if term is None:
        return
    expected = _truth(texts, term)
    assert expected, "the sampled record itself contains the term"
    found = index.search_uids(_quoted(term))
    assert set(found) == expected, term
    assert len(found) == len(expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=substring, second=substring)
def test_two_terms_find_every_record_containing_both(corpus: Any, first: Any, second: Any) -> None:
    index, texts = corpus
    a, b = _sample(texts, first), _sample(texts, second)
    if a is None or b is None:
        return
    found = set(index.search_uids(f"{_quoted(a)} {_quoted(b)}"))
    assert found == _truth(texts, a, b)


@pytest.mark.parametrize(
    "query",
    [
        "清掃事務所",
        "電力",
        "区",
        "ZEB化",
        "CO2排出量",
        "2050年",
        "省エネ",
        "金融機関",
        "部長会",
        "見学会",
    ],
)
def test_fixed_queries_full_recall_and_ranked_first(corpus: Any, query: str) -> None:
    index, texts = corpus
    expected = _truth(texts, normalize(query))
    found = index.search_uids(query)
    assert set(found) == expected
    # R-precision: the first |expected| results are exactly the relevant ones.
    assert set(found[: len(expected)]) == expected


def test_pasted_pdf_forms_are_found(corpus: Any) -> None:
    index, _texts = corpus
    # Seed 001 writes 金融機関 with a Kangxi radical (⾦) and 部長会 with ⻑.
    for query in ("金融機関", "部長会", "再生可能エネルギー電力", "ゼロカーボンシティ特別区"):
        found = set(index.search_uids(query))
        seeds = {u for u in found if u.startswith("5eed")}
        assert seeds, query


# ----- spelling variants (表記ゆれ) inserted into the seed corpus


@pytest.fixture(scope="module")
def variant_corpus(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Seed records, each with a few variant forms written into its body at random places."""
    records = _seed_records() + make_records(200, seed=16)
    inserted = insert_variants(records, seed=16)
    docs = [doc_from_record(r) for r in records]
    index = SearchIndex(tmp_path_factory.mktemp("variants"))
    index.rebuild(docs, total=len(docs), state=1)
    texts = {d.uid: normalised_parts(d)[2] for d in docs}
    yield index, texts, inserted
    index.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(group=st.integers(0, len(VARIANT_GROUPS) - 1), pick=st.integers(0, 2))
def test_every_written_form_finds_every_record_with_any_form(
    variant_corpus: Any, group: int, pick: int
) -> None:
    index, texts, inserted = variant_corpus
    forms = VARIANT_GROUPS[group]
    query = forms[pick % len(forms)]
    fold = index.variants.fold
    q = normalize(query)
    found = set(index.search_uids(query))
    # Every record a variant was written into, and every record holding the query as written.
    assert {u for u, groups in inserted.items() if group in groups} <= found
    assert _truth(texts, q) <= found
    # And nothing else: a record holds the query or, folded, its folded form.
    assert found == {u for u, t in texts.items() if q in t or fold(q) in fold(t)}
    # Quoted, only the form as written.
    assert set(index.search_uids(_quoted(query))) == _truth(texts, q)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pick=substring)
def test_unquoted_substrings_keep_full_literal_recall(variant_corpus: Any, pick: Any) -> None:
    index, texts, _inserted = variant_corpus
    term = _sample(texts, pick)
    if term is None or not term.strip():
        return
    if " " in term or term[0] == "-" or ":" in term or term == "|":
        return  # query syntax, not a word
    found = set(index.search_uids(term))
    fold = index.variants.fold
    assert _truth(texts, term) <= found, term
    assert found == {u for u, t in texts.items() if term in t or fold(term) in fold(t)}, term
