"""Checks of a knowledge base: database, attachment files and index against each other.

The KnowledgeBase facade's ``check`` and ``file_report`` delegate here; the
queries are in zebkb/store/checks.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session

from zebkb.errors import os_reason
from zebkb.filestore import sha256_file
from zebkb.problems import Problem
from zebkb.service.backup import damaged_database
from zebkb.service.facade import Core
from zebkb.store import blobs
from zebkb.store import checks as store
from zebkb.store.db import database_damage
from zebkb.store.state import DB_FILE

if TYPE_CHECKING:
    from zebkb.search.engine import SearchIndex
    from zebkb.service.transaction import Progress


class Facade(Core, Protocol):
    """What checks.py uses of the facade (zebkb/service/knowledge_base.py)."""

    def change_state(self) -> int: ...

    @property
    def index(self) -> SearchIndex: ...

    def shared_digests(self, digests: Iterable[str]) -> set[str]: ...

    def put_back_shared(self, digest: str) -> None: ...

    def attachment_path(self, sha256: str, *, fetch: bool = ...) -> Path | None: ...

    @property
    def shares_files(self) -> bool: ...


def check(kb: Facade, *, deep: bool = False, progress: Progress | None = None) -> list[Problem]:
    """Problems found between database, attachment files and index (empty when all agree).

    Attachment files are checked by presence and size; ``deep`` also reads
    every file a record uses and compares its SHA-256 with its name, naming
    the records whose file changed (benchmarks/check_bench.py: about the
    time of ``sha256sum`` over the same files, hence not the default).
    In team mode the files' home is the team's database (zebkb/store/blobs.py):
    every check asks it for each file a record uses, and ``deep`` reads the
    database's copy too, whether or not this PC has a copy in its folder.
    Nothing is written, not even this PC's cache of the team's files.
    ``progress(done, total)`` counts the files hashed. Each problem is English
    text carrying its Japanese (zebkb/problems.py).
    """
    problems: list[Problem] = []
    # SQLite's own check first, on a connection of its own: a damaged page can make
    # any query below fail, and the way out (a backup) is the same whatever it hit.
    # (PostgreSQL checksums its own pages and reports damage on the read that meets it.)
    damage = None if kb.team else database_damage(kb.data_dir / DB_FILE, full=True)
    if damage is not None:
        error = damaged_database(kb.data_dir, damage)
        return [Problem(f"database: {error.message('en')}", f"データベース: {error.message('ja')}")]
    with Session(kb.read_engine) as session:
        problems.extend(
            Problem(
                f"database: broken reference in table {table}",
                f"データベース: 表 {table} に壊れた参照があります",
            )
            for table in store.broken_references(session)
        )
        problems.extend(
            Problem(
                f"record {uid}: current version missing from history",
                f"記録 {uid}: 現在の版が変更履歴にありません",
            )
            for uid in store.records_missing_current(session)
        )
        refs = store.attachment_refs(session)
    with Session(kb.read_engine) as session:
        had = store.stored_digests(session)
    # Team mode: a file this PC has not opened yet is in the team's store, not missing;
    # one the team's store lacks is missing for every other PC, whatever this one has.
    team_has = kb.shared_digests(d for _u, d, _s, _n in refs)
    for uid, digest, size, name in refs:
        path = kb.files.path(digest)
        if kb.shares_files and digest not in team_has and (path.is_file() or digest in had):
            problems.append(
                Problem(
                    f"record {uid}: attachment file {name} ({digest[:12]}…) is missing from "
                    "the team database",
                    f"記録 {uid}: 添付ファイル {name}（{digest[:12]}…）がチームのデータベースに"
                    "ありません",
                )
            )
        if not path.is_file() and digest in team_has:
            continue
        if not path.is_file() and digest not in had:
            continue  # not received yet: a bundle left it out; a later one may carry it
        if not path.is_file():
            problems.append(
                Problem(
                    f"record {uid}: attachment file {name} ({digest[:12]}…) is missing",
                    f"記録 {uid}: 添付ファイル {name}（{digest[:12]}…）が見つかりません",
                )
            )
        elif path.stat().st_size != size:
            problems.append(
                Problem(
                    f"record {uid}: attachment file {name} ({digest[:12]}…) has the wrong size",
                    f"記録 {uid}: 添付ファイル {name}（{digest[:12]}…）の大きさが違います",
                )
            )
    if deep:
        problems.extend(_rehash(kb, refs, progress, team_has))
    try:
        index = kb.index
        problems.extend(p.under("search index: ", "検索索引: ") for p in index.problems())
        indexed = index.indexed_state()
        if indexed is not None and indexed != kb.change_state():
            problems.append(
                Problem(
                    "search index: out of date with the database (run 'zebkb reindex')",
                    "検索索引: データベースより古くなっています（'zebkb reindex' で作り直してください）",
                )
            )
    except Exception as exc:  # a broken index is a finding, not a crash
        from zebkb.search.faults import fault_words

        en, ja = fault_words(exc)
        problems.append(
            Problem(f"search index: cannot be opened: {en}", f"検索索引: 開けません（{ja}）")
        )
    return problems


def _rehash(
    kb: Facade,
    refs: Iterable[tuple[str, str, int, str]],
    progress: Progress | None,
    team_has: set[str],
) -> list[Problem]:
    """Records whose attachment file's bytes no longer match its SHA-256 (each file read once).

    In team mode the team database's copy (``team_has``) is read as well.
    """
    by_digest: dict[str, list[tuple[str, str]]] = {}
    for uid, digest, _size, name in refs:
        by_digest.setdefault(digest, []).append((uid, name))
    problems: list[Problem] = []
    total = len(by_digest)
    for done, (digest, users) in enumerate(sorted(by_digest.items()), start=1):
        path = kb.files.path(digest)
        try:
            actual, _ = sha256_file(path)
        except FileNotFoundError:
            actual = digest  # missing: said above
        except OSError as exc:
            problems.extend(
                Problem(
                    f"record {uid}: attachment file {name} ({digest[:12]}…) cannot be read "
                    f"({exc.strerror})",
                    f"記録 {uid}: 添付ファイル {name}（{digest[:12]}…）を読めません"
                    f"（{os_reason(exc, 'ja')}）",
                )
                for uid, name in users
            )
            continue
        if actual != digest:
            problems.extend(
                Problem(
                    f"record {uid}: attachment file {name} ({digest[:12]}…) is damaged "
                    "(its content changed since it was stored)",
                    f"記録 {uid}: 添付ファイル {name}（{digest[:12]}…）が壊れています"
                    "（保存した後に内容が変わりました）",
                )
                for uid, name in users
            )
        if digest in team_has and _shared_sha256(kb, digest) != digest:
            problems.extend(
                Problem(
                    f"record {uid}: the team database's copy of attachment file {name} "
                    f"({digest[:12]}…) is damaged (its content changed since it was stored)",
                    f"記録 {uid}: チームのデータベースにある添付ファイル {name}（{digest[:12]}…）が"
                    "壊れています（保存した後に内容が変わりました）",
                )
                for uid, name in users
            )
        if progress is not None:
            progress(done, total)
    return problems


def _shared_sha256(kb: Facade, digest: str) -> str:
    """The SHA-256 of the team database's copy of a file, read piece by piece."""
    check = hashlib.sha256()
    with kb.read_engine.connect() as conn:
        for piece in blobs.read(conn, digest):
            check.update(piece)
    return check.hexdigest()


def file_report(kb: Facade) -> list[Problem]:
    """Attachment files on disk that no version refers to (kept, never deleted)."""
    with Session(kb.read_engine) as session:
        referenced = store.referenced_digests(session)
    return [
        Problem(
            f"attachment file {digest[:12]}… is not used by any record (kept at {path})",
            f"添付ファイル {digest[:12]}… はどの記録にも使われていません（{path} に残してあります）",
        )
        for digest, path in kb.files.iter_files()
        if digest not in referenced
    ]


def mend_team_files(kb: Facade, progress: Progress | None = None) -> list[Problem]:
    """Team mode (``check --deep --repair``): mend each file a record uses whose copy is
    damaged on one side from a whole copy on the other; what was mended, in both languages.

    The team database's copy, damaged or lost, is put back from this PC's whole copy
    (its pieces replaced in one transaction, hashed again while read). This PC's damaged
    copy is set aside in ``attachments/`` as ``damaged-<sha256>`` (never deleted) and
    fetched again from the team's whole copy. A file damaged on both sides, or whole on
    neither, is left for `check` to report.
    """
    if not kb.shares_files:
        return []
    with Session(kb.read_engine) as session:
        refs = store.attachment_refs(session)
    names: dict[str, str] = {}
    for _uid, digest, _size, name in refs:
        names.setdefault(digest, name)
    team_has = kb.shared_digests(names)
    mended: list[Problem] = []
    for done, (digest, name) in enumerate(sorted(names.items()), start=1):
        path = kb.files.path(digest)
        here = path.is_file()
        here_whole = here and _local_sha256(path) == digest
        team_whole = digest in team_has and _shared_sha256(kb, digest) == digest
        short = f"{name} ({digest[:12]}…)"
        short_ja = f"{name}（{digest[:12]}…）"
        if here_whole and not team_whole:
            kb.put_back_shared(digest)
            mended.append(
                Problem(
                    f"mended: attachment file {short}: the team database's copy was put back "
                    "from this PC's whole copy",
                    f"修復: 添付ファイル {short_ja}: チームのデータベースの写しを、"
                    "この PC の正しい写しから戻しました",
                )
            )
        elif here and not here_whole and team_whole:
            aside = kb.files.root / f"damaged-{digest}"
            n = 1
            while aside.exists():
                n += 1
                aside = kb.files.root / f"damaged-{digest}-{n}"
            path.rename(aside)
            kb.attachment_path(digest)  # fetched again, whole or not at all
            mended.append(
                Problem(
                    f"mended: attachment file {short}: this PC's damaged copy was set aside "
                    f"as {aside.name} and fetched again from the team database",
                    f"修復: 添付ファイル {short_ja}: この PC の壊れた写しを {aside.name} として"
                    "残し、チームのデータベースから取り直しました",
                )
            )
        if progress is not None:
            progress(done, len(names))
    return mended


def _local_sha256(path: Path) -> str | None:
    try:
        return sha256_file(path)[0]
    except OSError:
        return None
