"""The index's own SQLite file: each document's normalised text, facet values and originals.

Whoosh only finds candidates; verification, scoring, facets and snippets read
this file. Three tables: `docs` holds the small per-document values a query
needs of each candidate (facets, lengths), `texts` the long normalised texts,
and `originals` the fields as given. The first two are read only for the
documents a query looks at (`infos`, `texts`); what ranking needs of the whole
corpus (the sums of the field lengths) is kept in `meta`, so opening reads no
document however large the corpus.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from zebkb.search.documents import FACILITY, TITLE, IndexDoc
from zebkb.search.normalize import FIELD_SEP, normalize
from zebkb.search.query import rank_key, tag_key
from zebkb.search.variants import apply_script, script_pairs

# 10: texts carry the pairs their folding touches (`fold_pairs`).
# 11: originals in their own table (`originals`), out of the rows a query reads.
# 12: originals compressed (`_pack_original`).
SIDE_VERSION = 12
# Tags (and their keys) are stored joined by a control character no tag can contain once
# validated: a broad query reads thousands of documents' tags, and splitting them cost a
# small part of what decoding them as JSON did.
_TAG_SEP = "\x1f"
# Meta keys holding a Whoosh segment's uids in docnum order (uids are UUIDs).
_SEGMENT_KEY = "segment:"
_UID_SEP = "\n"
# The tables holding one row per document (a build carrying documents over copies them).
SIDE_TABLES = ("docs", "texts", "originals")
# The file's page size (SideStore.__init__).
_PAGE_SIZE = 16384
# How texts are stored (the `texts` table's text_n).
_TEXT_CODEC = "utf-16-le"
# Originals are read only for a page of hits and for rebuilds, and were over half the file
# (34 of 61.5 MB at 10,000 records): zlib's fastest level halves them (30 -> 16.5 MB),
# which keeps the index below FTS5's at 50,000 records, where it had come within 0.5%.
_ORIGINAL_LEVEL = 1


def _pack_original(fields: dict[str, str]) -> bytes:
    return zlib.compress(json.dumps(fields, ensure_ascii=False).encode("utf-8"), _ORIGINAL_LEVEL)


def _unpack_original(stored: bytes) -> dict[str, str]:
    """The fields `_pack_original` stored; damaged bytes raise ValueError, as a damaged
    JSON text does."""
    try:
        fields: dict[str, str] = json.loads(zlib.decompress(stored))
    except zlib.error as error:
        raise ValueError(f"damaged original in the search index: {error}") from None
    return fields


def _decode_text(stored: bytes) -> str:
    """`stored.decode(_TEXT_CODEC)`, strict and whole (final), without looking the codec
    up and calling through its Python wrapper (encodings/utf_16_le.py) for each text: a
    broad query decodes thousands (2,553 texts: about 10.6 -> 8.5 ms CPU)."""
    return codecs.utf_16_le_decode(stored, None, True)[0]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs (
    uid TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    ward TEXT NOT NULL,
    rank TEXT,
    rank_key TEXT NOT NULL,
    fy INTEGER,
    tags TEXT NOT NULL,
    tag_keys TEXT NOT NULL,
    area REAL,
    updated_at TEXT NOT NULL,
    title_len INTEGER NOT NULL,
    facility_len INTEGER NOT NULL,
    text_len INTEGER NOT NULL,
    -- the normalised title and facility name, FIELD_SEP between: ranking weighs a term
    -- found there, so a query decided by its posting lists reads no text
    head TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS texts (
    uid TEXT PRIMARY KEY,
    -- the normalised text in UTF-16 (little-endian): Japanese decodes from it about four
    -- times faster than from UTF-8, and in two bytes a character instead of three
    text_n BLOB NOT NULL,
    -- the edits that fold text_n (VariantTable.fold_script), "" for none: about 100
    -- bytes, where a folded copy was as long as the text
    fold_script TEXT NOT NULL,
    -- variants.script_pairs: a text is folded only for a term holding one of them
    fold_pairs TEXT NOT NULL
);
-- The fields as given (JSON), read only for a page of hits and for rebuilding. Apart from
-- `texts`, whose rows a query reads by the thousand: with the original beside it a typical
-- row (about 2 KB of text, 3 KB of original) spilt over a second page, and the fold pairs
-- after the original were reached through it (2,553 texts at 10,000 records: SQLite's
-- part about 27 -> 17.5 ms CPU, median of 6 new processes, loaded machine).
CREATE TABLE IF NOT EXISTS originals (uid TEXT PRIMARY KEY, original BLOB NOT NULL);
"""


@dataclass(slots=True)
class DocInfo:
    """What search keeps in memory per document it has read."""

    uid: str
    kind: str
    ward: str
    rank: str | None
    rank_key: str
    fiscal_year: int | None
    tags: tuple[str, ...]
    tag_keys: frozenset[str]
    floor_area_m2: float | None
    updated_at: str
    title_len: int  # of the normalised title
    facility_len: int  # of the normalised facility name
    length: int  # len(text), known before the text is read
    # Normalised title, facility and every other field, FIELD_SEP between; "" until read
    # (a read text holds at least one FIELD_SEP, so it is never empty).
    text: str = ""
    # `folded` once made, else `text` (`fold_script` says which).
    fold_cache: str = ""
    title: str = ""  # normalised (read with the values)
    facility: str = ""  # normalised (read with the values)
    # The edits that fold `text`, until they are made (`folded`); "" then, and for none.
    # A text read for a query is folded only when a term needs it: most are not
    # (folding 2,553 texts was a sixth of a new process's broad first query).
    fold_script: str = ""
    # The pairs folding touches (variants.script_pairs), while `fold_script` waits.
    fold_pairs: str = ""

    @property
    def folded(self) -> str:
        """`text` with spelling variants folded (zebkb/search/variants.py); the same
        object as `text` when folding changes nothing."""
        if self.fold_script:
            folded = apply_script(self.text, self.fold_script)
            self.fold_cache = self.text if folded == self.text else folded
            self.fold_script = self.fold_pairs = ""
        return self.fold_cache

    def set_text(self, text: str, script: str, pairs: str) -> None:
        """The text as read from the side store, with its fold script and pairs."""
        self.text = self.fold_cache = text
        self.fold_script = script
        self.fold_pairs = pairs
        if not self.title and not self.facility:
            parts = text.split(FIELD_SEP, 2)
            self.title = parts[0]
            self.facility = parts[1] if len(parts) > 1 else ""


def normalised_parts(doc: IndexDoc) -> tuple[str, str, str]:
    """(title, facility, whole text) normalised; the whole text starts with the other two."""
    title = normalize(doc.title)
    facility = normalize(doc.fields.get(FACILITY, ""))
    rest = [normalize(v) for k, v in doc.fields.items() if k not in (TITLE, FACILITY)]
    return title, facility, FIELD_SEP.join([title, facility, *rest])


def info_from_doc(doc: IndexDoc, parts: tuple[str, str, str], folded: str | None = None) -> DocInfo:
    """`folded` is the whole text with spelling variants folded (None: the same as written)."""
    return DocInfo(
        uid=doc.uid,
        kind=doc.kind,
        ward=doc.ward,
        rank=doc.rank,
        rank_key=rank_key(doc.rank) if doc.rank else "",
        fiscal_year=doc.fiscal_year,
        tags=tuple(doc.tags),
        tag_keys=frozenset(tag_key(t) for t in doc.tags),
        floor_area_m2=doc.floor_area_m2,
        updated_at=doc.updated_at,
        title_len=len(parts[0]),
        facility_len=len(parts[1]),
        length=len(parts[2]),
        text=parts[2],
        fold_cache=parts[2] if folded is None or folded == parts[2] else folded,
        title=parts[0],
        facility=parts[1],
    )


class SideStore:
    def __init__(self, path: Path, *, create: bool = False) -> None:
        if not create and not path.is_file():
            # errno and the file's name, so a check can say which file is missing.
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
        self.path = path
        # How many documents' values (`infos`) and texts (`texts`) were read; tests hold
        # a query's reads to its candidates.
        self.docs_read = 0
        self.texts_read = 0
        # Rows of `docs` made into Python values, wanted or not (`infos`).
        self.rows_read = 0
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if create:
            # Before WAL, which fixes the page size. A typical `texts` row (about 2 KB)
            # fills half a 4 KB page; in 16 KB pages seven share one, so the file is no
            # larger than when texts and originals shared rows (61 MB at 10,000 records,
            # 86 MB in 4 KB pages), for about the same reading time.
            self.db.execute(f"PRAGMA page_size={_PAGE_SIZE}")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        if create:
            self.db.executescript(_SCHEMA)
            self.set_meta("side_version", str(SIDE_VERSION))

    def close(self) -> None:
        self.db.close()

    def start_filling(self) -> None:
        """For a new file that nobody reads until it is complete, and that is removed whole
        if filling it fails (a generation being built): no journal, no syncing.

        In WAL mode a build's one long transaction wrote every page twice (into
        the log, then into the file when the log was checkpointed), and the log
        grew as large as the file, on disk beside it until the end (a build of
        10,000 records wrote 223 MB instead of 108). `end_filling` makes the file
        durable and its mode WAL again.
        """
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")

    def end_filling(self) -> None:
        """Back to WAL, and the file flushed to disk (the build swaps it in next)."""
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        fd = os.open(self.path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str | None) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def segment_uids(self) -> dict[str, list[str]]:
        """Whoosh segment id -> the uid of each of its docnums, as last stored."""
        rows = self.db.execute(
            "SELECT key, value FROM meta WHERE key LIKE ?", (_SEGMENT_KEY + "%",)
        ).fetchall()
        return {k[len(_SEGMENT_KEY) :]: v.split(_UID_SEP) if v else [] for k, v in rows}

    def set_segment_uids(self, segments: dict[str, list[str]]) -> None:
        rows = self.db.execute("SELECT key FROM meta WHERE key LIKE ?", (_SEGMENT_KEY + "%",))
        stored = {k[len(_SEGMENT_KEY) :] for (k,) in rows}
        if stored == segments.keys():
            return
        self.db.execute("BEGIN")
        for key in stored - segments.keys():
            self.db.execute("DELETE FROM meta WHERE key = ?", (_SEGMENT_KEY + key,))
        for key in segments.keys() - stored:
            if not any(_UID_SEP in u for u in segments[key]):
                self.set_meta(_SEGMENT_KEY + key, _UID_SEP.join(segments[key]))
        self.db.execute("COMMIT")

    def write_docs(self, rows: Iterable[tuple[IndexDoc, DocInfo, str]]) -> None:
        """(document, its info, its fold script) each."""
        rows = list(rows)
        self.db.executemany(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    d.uid,
                    d.kind,
                    d.ward,
                    d.rank,
                    info.rank_key,
                    d.fiscal_year,
                    _TAG_SEP.join(d.tags),
                    _TAG_SEP.join(sorted(info.tag_keys)),
                    d.floor_area_m2,
                    d.updated_at,
                    info.title_len,
                    info.facility_len,
                    info.length,
                    f"{info.title}{FIELD_SEP}{info.facility}",
                )
                for d, info, _script in rows
            ),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?)",
            (
                (
                    d.uid,
                    info.text.encode(_TEXT_CODEC),
                    script,
                    script_pairs(script, info.fold_cache),
                )
                for d, info, script in rows
            ),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO originals VALUES (?, ?)",
            ((d.uid, _pack_original({TITLE: d.title, **d.fields})) for d, _info, _script in rows),
        )

    def delete_docs(self, uids: Iterable[str]) -> None:
        uids = list(uids)
        self.db.executemany("DELETE FROM docs WHERE uid = ?", ((u,) for u in uids))
        self.db.executemany("DELETE FROM texts WHERE uid = ?", ((u,) for u in uids))
        self.db.executemany("DELETE FROM originals WHERE uid = ?", ((u,) for u in uids))

    def present(self, uids: Iterable[str]) -> int:
        """How many of these documents the index holds."""
        uids = list(uids)
        found = 0
        for i in range(0, len(uids), 500):
            chunk = uids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            row = self.db.execute(f"SELECT count(*) FROM docs WHERE uid IN ({marks})", chunk)
            found += int(row.fetchone()[0])
        return found

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def update_stats(self) -> None:
        """Store the sums of the field lengths over every document (BM25's average lengths).

        Part of every write, inside its transaction: one pass over the small table.
        """
        row = self.db.execute(
            "SELECT total(title_len), total(facility_len),"
            " total(max(0, text_len - title_len - facility_len)) FROM docs"
        ).fetchone()
        self.set_meta("stats", " ".join(str(int(v)) for v in row))

    def stats(self) -> tuple[int, int, int]:
        """(title, facility, rest) lengths summed over every document."""
        value = self.meta("stats")
        if value is None:
            raise ValueError("index has no length statistics")
        title, facility, rest = (int(v) for v in value.split())
        return title, facility, rest

    def infos(self, uids: list[str]) -> dict[str, DocInfo]:
        """uid -> the small values of the given documents (their texts not read)."""
        columns = (
            "uid, kind, ward, rank, rank_key, fy, tags, tag_keys, area, updated_at,"
            " title_len, facility_len, text_len, head"
        )
        if len(uids) > 2000 and len(uids) * 2 > self.count():
            # Most of the table: one pass over it beats thousands of key lookups. Below
            # half, the pass costs more, since every row is made into Python values (at
            # 10,000 records, 2,553 by key took 11.6 ms CPU, the pass 21.5 ms; 6,000 about
            # the same either way).
            wanted = set(uids)
            every = self.db.execute(f"SELECT {columns} FROM docs").fetchall()
            self.rows_read += len(every)
            rows = [r for r in every if r[0] in wanted]
        else:
            rows = []
            for i in range(0, len(uids), 500):
                chunk = uids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                rows.extend(
                    self.db.execute(f"SELECT {columns} FROM docs WHERE uid IN ({marks})", chunk)
                )
            self.rows_read += len(rows)
        result = {}
        for (
            uid,
            kind,
            ward,
            rank,
            rkey,
            fy,
            tags,
            tkeys,
            area,
            updated,
            title_len,
            facility_len,
            length,
            head,
        ) in rows:
            title, _sep, facility = head.partition(FIELD_SEP)
            result[uid] = DocInfo(
                uid,
                kind,
                ward,
                rank,
                rkey,
                fy,
                tuple(tags.split(_TAG_SEP)) if tags else (),
                frozenset(tkeys.split(_TAG_SEP)) if tkeys else frozenset(),
                area,
                updated,
                title_len,
                facility_len,
                length,
                title=title,
                facility=facility,
            )
        self.docs_read += len(result)
        return result

    def texts(self, uids: list[str]) -> dict[str, tuple[str, str, str]]:
        """uid -> (normalised text, its fold script, its fold pairs) of the given documents
        (`DocInfo.set_text`); `apply_script` folds the text.

        The texts are decoded in the order of `uids`, so that given in the order a query
        scans them they lie in memory one after another (as `Columns.compact_texts`
        would copy them); the stored bytes arrive in the key's order.
        """
        rows: dict[str, tuple[bytes, str, str]] = {}
        for i in range(0, len(uids), 500):
            chunk = uids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for uid, stored, script, pairs in self.db.execute(
                f"SELECT uid, text_n, fold_script, fold_pairs FROM texts WHERE uid IN ({marks})",
                chunk,
            ):
                rows[uid] = (stored, script, pairs)
        result: dict[str, tuple[str, str, str]] = {}
        for uid in uids:
            row = rows.pop(uid, None)
            if row is not None:
                result[uid] = (_decode_text(row[0]), row[1], row[2])
        self.texts_read += len(result)
        return result

    def all_texts(self) -> Iterator[tuple[str, str, str]]:
        """(uid, normalised text, fold script) of every document."""
        for uid, stored, script in self.db.execute("SELECT uid, text_n, fold_script FROM texts"):
            yield uid, _decode_text(stored), script

    def index_docs(self) -> Iterator[IndexDoc]:
        """Every document as it was given to the index (for rebuilding without the database)."""
        cur = self.db.execute(
            "SELECT docs.uid, kind, ward, rank, fy, tags, area, updated_at, original"
            " FROM docs JOIN originals ON originals.uid = docs.uid"
        )
        for uid, kind, ward, rank, fy, tags, area, updated, original in cur:
            fields = _unpack_original(original)
            title = fields.pop(TITLE, "")
            yield IndexDoc(
                uid=uid,
                kind=kind,
                ward=ward,
                title=title,
                fields=fields,
                rank=rank,
                fiscal_year=fy,
                tags=tuple(tags.split(_TAG_SEP)) if tags else (),
                floor_area_m2=area,
                updated_at=updated,
            )

    def originals(self, uids: list[str]) -> dict[str, dict[str, str]]:
        result: dict[str, dict[str, str]] = {}
        for i in range(0, len(uids), 500):
            chunk = uids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for uid, original in self.db.execute(
                f"SELECT uid, original FROM originals WHERE uid IN ({marks})", chunk
            ):
                result[uid] = _unpack_original(original)
        return result
