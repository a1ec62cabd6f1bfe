"""Checks of a knowledge base: database, attachment files and index against each other.

The KnowledgeBase facade's ``check`` and ``file_report`` delegate here; the
queries are in zebkb/store/checks.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session

from zebkb.filestore import sha256_file
from zebkb.service.backup import damaged_database
from zebkb.service.facade import Core
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


def check(kb: Facade, *, deep: bool = False, progress: Progress | None = None) -> list[str]:
    """Problems found between database, attachment files and index (empty when all agree).

    Attachment files are checked by presence and size; ``deep`` also reads
    every file a record uses and compares its SHA-256 with its name, naming
    the records whose file changed (benchmarks/check_bench.py: about the
    time of ``sha256sum`` over the same files, hence not the default).
    ``progress(done, total)`` counts the files hashed.
    """
    problems: list[str] = []
    # SQLite's own check first, on a connection of its own: a damaged page can make
    # any query below fail, and the way out (a backup) is the same whatever it hit.
    # (PostgreSQL checksums its own pages and reports damage on the read that meets it.)
    damage = None if kb.team else database_damage(kb.data_dir / DB_FILE, full=True)
    if damage is not None:
        return [f"database: {damaged_database(kb.data_dir, damage)}"]
    with Session(kb.read_engine) as session:
        problems.extend(
            f"database: broken reference in table {table}"
            for table in store.broken_references(session)
        )
        problems.extend(
            f"record {uid}: current version missing from history"
            for uid in store.records_missing_current(session)
        )
        refs = store.attachment_refs(session)
    with Session(kb.read_engine) as session:
        had = store.stored_digests(session)
    # Team mode: a file this PC has not opened yet is in the team's store, not missing.
    team_has = kb.shared_digests(d for _u, d, _s, _n in refs if not kb.files.path(d).is_file())
    for uid, digest, size, name in refs:
        path = kb.files.path(digest)
        if not path.is_file() and digest in team_has:
            continue
        if not path.is_file() and digest not in had:
            continue  # not received yet: a bundle left it out; a later one may carry it
        if not path.is_file():
            problems.append(f"record {uid}: attachment file {name} ({digest[:12]}…) is missing")
        elif path.stat().st_size != size:
            problems.append(
                f"record {uid}: attachment file {name} ({digest[:12]}…) has the wrong size"
            )
    if deep:
        problems.extend(_rehash(kb, refs, progress))
    try:
        index = kb.index
        problems.extend(f"search index: {p}" for p in index.problems())
        indexed = index.indexed_state()
        if indexed is not None and indexed != kb.change_state():
            problems.append("search index: out of date with the database (run 'zebkb reindex')")
    except Exception as exc:  # a broken index is a finding, not a crash
        problems.append(f"search index: cannot be opened ({exc.__class__.__name__})")
    return problems


def _rehash(
    kb: Facade, refs: Iterable[tuple[str, str, int, str]], progress: Progress | None
) -> list[str]:
    """Records whose attachment file's bytes no longer match its SHA-256 (each file read once)."""
    by_digest: dict[str, list[tuple[str, str]]] = {}
    for uid, digest, _size, name in refs:
        by_digest.setdefault(digest, []).append((uid, name))
    problems: list[str] = []
    total = len(by_digest)
    for done, (digest, users) in enumerate(sorted(by_digest.items()), start=1):
        path = kb.files.path(digest)
        try:
            actual, _ = sha256_file(path)
        except FileNotFoundError:
            actual = digest  # missing: said above
        except OSError as exc:
            problems.extend(
                f"record {uid}: attachment file {name} ({digest[:12]}…) cannot be read "
                f"({exc.strerror})"
                for uid, name in users
            )
            continue
        if actual != digest:
            problems.extend(
                f"record {uid}: attachment file {name} ({digest[:12]}…) is damaged "
                "(its content changed since it was stored)"
                for uid, name in users
            )
        if progress is not None:
            progress(done, total)
    return problems


def file_report(kb: Facade) -> list[str]:
    """Attachment files on disk that no version refers to (kept, never deleted)."""
    with Session(kb.read_engine) as session:
        referenced = store.referenced_digests(session)
    return [
        f"attachment file {digest[:12]}… is not used by any record (kept at {path})"
        for digest, path in kb.files.iter_files()
        if digest not in referenced
    ]
