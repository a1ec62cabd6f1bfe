"""What a new `zebkb search` process does before it answers: the modules it imports
and the records' texts it reads (counted, never timed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from seed_corpus import make_records
from zebkb_testing import run_zebkb

from zebkb.cli import search as cli_search
from zebkb.cli.main import COMMAND_MODULES, SOLO_COMMANDS, build_parser, command_named
from zebkb.domain.vocab import RECORD_TYPES

RECORDS = 300
LIMIT = 5

# Modules a search through the index alone never needs: the database layer, the
# other commands, the formatter for records, the record fields (for making documents, not
# reading them), Whoosh's query-time searcher, logging.
NOT_IMPORTED = (
    "sqlalchemy",
    "sqlmodel",
    "zebkb.store.db",
    "zebkb.display",
    "zebkb.domain.fields",
    "zebkb.domain.vocab",
    "zebkb.glossary",
    "zebkb.domain.wards",
    "difflib",
    "whoosh.searching",
    "whoosh.highlight",
    "whoosh.query",
    "importlib.resources",
    "zipfile",
    "logging",
    # dataclasses loads inspect when it first calls it (zebkb/__init__.py): only for a
    # dataclass without a docstring.
    "inspect",
    # Loaded in place of these: CPython's own MD5 and SHA-256 (not OpenSSL's), the C
    # unpickler, _thread's lock, and the snippets' three entities by hand.
    "hashlib",
    "_hashlib",
    "pickle",
    "threading",
    "html",
    *(m for m in COMMAND_MODULES if m not in SOLO_COMMANDS.values()),
)

# Runs the command line in a new process and reports what it imported and how many
# records' texts it read (SideStore.texts is the one place texts are read from).
_PROBE = """
import json, sys
from zebkb.search import sidestore
read = []
texts = sidestore.SideStore.texts
def counted(self, uids):
    got = texts(self, uids)
    read.append(len(got))
    return got
sidestore.SideStore.texts = counted
from zebkb.cli.main import main
code = main(sys.argv[1:])
sys.stderr.write(json.dumps({"code": code, "texts": sum(read), "modules": sorted(sys.modules)}))
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from zebkb.service import KnowledgeBase

    data = tmp_path_factory.mktemp("start") / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        kb.save_many(make_records(RECORDS, seed=7))
        kb.reindex()
    return data


def run_search(data: Path, *args: str) -> tuple[dict[str, Any], str]:
    done = run_zebkb(data, "--lang", "en", "search", *args, program=_PROBE)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report, done.stdout


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["search", "ZEB"], "search"),
        (["--data-dir", "/x", "--lang", "ja", "search", "ZEB"], "search"),
        (["--data-dir=/x", "--debug", "--lang=en", "search", "--json", "ZEB"], "search"),
        (["--data-dir", "search", "list"], "list"),  # a folder named like a command
        (["--data", "/x", "search", "ZEB"], None),  # abbreviated: the full parser decides
        (["--version"], None),
        ([], None),
    ],
)
def test_the_command_is_read_past_the_global_options(argv: list[str], command: str) -> None:
    assert command_named(argv) == command


def test_a_search_is_parsed_as_by_the_full_parser() -> None:
    argv = ["--data-dir", "/x", "search", "清掃 ZEB", "--type", "case", "--limit", "3", "--json"]
    solo = build_parser((SOLO_COMMANDS["search"],)).parse_args(argv)
    full = build_parser().parse_args(argv)
    assert vars(solo) == vars(full)


def test_labels_are_those_of_the_record_formatter() -> None:
    from zebkb import display

    for lang in ("ja", "en"):
        for kind in (*RECORD_TYPES.values(), None, "", "unknown"):
            assert cli_search.kind_label(kind, lang) == display.kind_label(kind, lang)


@pytest.mark.slow
def test_a_new_search_process_imports_only_what_a_search_needs(kb: Path) -> None:
    report, out = run_search(kb, "ZEB", "--limit", str(LIMIT))
    assert report["code"] == 0
    assert "found" in out
    loaded = set(report["modules"])
    assert [m for m in NOT_IMPORTED if m in loaded] == []
    # The index is read without Whoosh (zebkb/search/segments.py).
    assert sorted(m for m in loaded if m.split(".")[0] == "whoosh") == []
    # Of the service, its package and the probe of the database's change counter only.
    assert {m for m in loaded if m.startswith("zebkb.service.")} <= {"zebkb.service.probe"}
    # A ward filter is resolved as the other commands resolve it, and answers the same way.
    report, out = run_search(kb, "ZEB", "--ward", "葛飾区", "--limit", str(LIMIT))
    assert report["code"] == 0
    assert "Katsushika" in out


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An index folder, and the same index open with every text read (as a build leaves it)."""
    from zebkb.search.documents import doc_from_record
    from zebkb.search.engine import SearchIndex

    folder = tmp_path_factory.mktemp("start-index") / "index"
    full = SearchIndex(folder)
    docs = [doc_from_record(r) for r in make_records(RECORDS, seed=7)]
    full.rebuild(docs, total=len(docs), state=1)
    snap = full._snapshot()
    snap.ensure(snap.cols.live, texts=True)
    yield folder, full
    full.close()


def broad_pairs(full: Any) -> list[str]:
    """Two-character words in many records (one of them also in titles), most frequent first."""
    from zebkb.search.normalize import is_one_bigram

    snap = full._snapshot()
    counted: dict[str, int] = {}
    for info in snap.by_docnum:
        if info is not None:
            for pair in {info.text[i : i + 2] for i in range(len(info.text) - 1)}:
                counted[pair] = counted.get(pair, 0) + 1
    pairs = [p for p, n in counted.items() if is_one_bigram(p) and LIMIT * 4 < n < RECORDS]
    return sorted(pairs, key=lambda p: (-counted[p], p))[:40]


def test_a_two_character_query_reads_the_texts_of_its_page_only(index: Any) -> None:
    from zebkb.search.engine import SearchIndex

    folder, full = index
    pairs = broad_pairs(full)
    in_title = next(p for p in pairs if any(p in i.title for i in full._snapshot().by_docnum if i))
    for query in (pairs[0], in_title, f"{pairs[0]} {pairs[1]}"):
        expected = full.search(query, limit=LIMIT)
        ix = SearchIndex(folder)
        try:
            got = ix.search(query, limit=LIMIT)
            side = ix._snapshot().side
            assert got.total == expected.total > LIMIT * 4
            assert side.docs_read == got.total  # the values of every match (facets, ranking)
            assert side.texts_read == LIMIT  # the texts of the page shown, for its snippets
            # Ranked and snipped as an index that had read every text.
            assert got.hits == expected.hits
            assert got.facets == expected.facets
            # A query that must count in the texts reads them then, and answers the same.
            longer = next(p for p in pairs if len(ix.search(query + p[0], limit=1).hits) > 0)
            assert ix.search(query + longer[0]).hits == full.search(query + longer[0]).hits
            assert ix.search_uids(query) == full.search_uids(query)
        finally:
            ix.close()


def test_opening_maps_the_terms_and_postings_instead_of_copying_them(index: Any) -> None:
    import mmap

    from zebkb.search.engine import SearchIndex
    from zebkb.search.whooshread import _ViewFile

    folder, full = index
    ix = SearchIndex(folder)
    try:
        snap = ix._snapshot()
        assert snap.index.leaves
        for segment, _base in snap.index.leaves:
            assert isinstance(segment.terms.part.buf, mmap.mmap)
            assert isinstance(segment.postings.buf, mmap.mmap)
        query = broad_pairs(full)[0]
        assert ix.search(query).hits == full.search(query).hits
        # A writer reads the segments it merges with Whoosh, in place too.
        for leaf, _base in snap.leaves:
            terms = leaf._terms
            assert isinstance(terms._dbfile, _ViewFile)
            assert isinstance(terms._postfile, _ViewFile)
            assert isinstance(terms._dbfile._buf, memoryview)
    finally:
        ix.close()


@pytest.mark.parametrize("size", [0, 1, 7, 300, 1000])
def test_a_view_reads_as_a_copy_does(size: int) -> None:
    import io
    import pickle
    import random

    from zebkb.search.whooshread import _ViewReader

    rng = random.Random(size)
    data = bytes(rng.choice(b"ab\n\x00") for _ in range(size)) + pickle.dumps({"k": [1, 2]})
    ours, copy = _ViewReader(memoryview(data)), io.BytesIO(data)
    for step in range(60):
        op = rng.choice(["read", "readline", "seek", "readinto"])
        if op == "read":
            n = rng.choice([-1, 0, 1, 5, 100, None])
            assert ours.read(n) == copy.read(n)
        elif op == "readline":
            n = rng.choice([-1, 3, 400])
            assert ours.readline(n) == copy.readline(n)
        elif op == "readinto":
            a = bytearray(rng.randint(0, 9))
            b = bytearray(len(a))
            assert ours.readinto(a) == copy.readinto(b)
            assert a == b
        else:
            whence = rng.choice([0, 1, 2])
            offset = rng.randint(0, len(data) + 3)
            if whence:  # back from here or from the end, never before the start
                offset = -min(offset, copy.tell() if whence == 1 else len(data))
            assert ours.seek(offset, whence) == copy.seek(offset, whence)
        assert ours.tell() == copy.tell(), (step, op)
    ours.seek(size)
    assert pickle.load(ours) == {"k": [1, 2]}  # type: ignore[arg-type]


def test_the_built_in_variant_table_is_the_packaged_one() -> None:
    from importlib.resources import files

    from zebkb.search.variants import builtin_text

    packaged = files("zebkb.assets") / "search" / "variants.txt"
    assert builtin_text() == packaged.read_text(encoding="utf-8")


def test_snippets_escape_and_the_terminal_unescapes_as_the_html_module_does() -> None:
    import html

    from zebkb.search.snippets import _tidy

    for text in ["a < b > c & d", '&amp;lt; &#x27; "q" \'', "<b>x</b>", "ＣＯ２&&<<>>", ""]:
        assert _tidy(text) == html.escape(text, quote=False)
        marked = f"<b>{_tidy(text)}</b>{_tidy(text)}"
        assert cli_search._plain(marked) == f"【{text}】{text}"
        assert cli_search._plain(marked) == html.unescape(
            marked.replace("<b>", "【").replace("</b>", "】")
        )


def test_the_variant_tables_fingerprint_is_sha256_as_before() -> None:
    import hashlib

    from zebkb.search.variants import RULES_VERSION, VariantTable

    table = VariantTable(forms={"サーバー": "サーバ", "ゼブ": "zeb"})
    digest = hashlib.sha256(f"rules {RULES_VERSION}\n".encode())
    for k in sorted(table.forms, key=lambda k: (-len(k), k)):
        digest.update(f"{k}\t{table.forms[k]}\n".encode())
    assert table.fingerprint == digest.hexdigest()[:16]
