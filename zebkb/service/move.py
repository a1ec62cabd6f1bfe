"""Move a knowledge base between engines: ``zebkb migrate --to-sqlite DIR`` / ``--to URL``.

Not the schema upgrade (``zebkb.store.db.migrate``, run whenever a knowledge
base opens): this copies everything a ward's knowledge base holds — every
record, every version in history, tombstones, conflicts, the exchange logs,
trusted keys, settings, the change log, attachment files — into a new, empty
home on another engine, and checks it there.

All or nothing on the target: the rows go in one transaction; a new data
folder made for the target is removed again when anything fails. The source
is only read (in one snapshot, with its writer lock held, so nobody changes
it half-way through) and is left as it was.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zebkb.errors import InputError
from zebkb.filestore import AttachmentStore
from zebkb.problems import Problem
from zebkb.store import copy as store_copy
from zebkb.store.db import make_engine, migrate
from zebkb.store.lock import WriterLock
from zebkb.store.netfs import refuse_network_folder
from zebkb.store.state import DB_FILE

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from zebkb.service.knowledge_base import KnowledgeBase

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: step is ``"files"`` (bytes), ``"rows"`` or ``"index"``."""

# What a data folder holds of its own besides the database and the caches: the
# signing key, the user's spelling variants, confirmed list-column mappings.
FOLDER_OWN = ("keys", "search-variants.txt", "tables")


@dataclass(frozen=True, slots=True)
class MoveSummary:
    target: str
    counts: dict[str, int]
    live_records: int
    files: int
    file_bytes: int
    problems: list[Problem] = field(default_factory=list)
    # --to URL from a folder of its own: where its SQLite database was kept.
    kept_sqlite: Path | None = None


def _not_empty(where: str, what: str) -> InputError:
    return InputError(
        f"the target {where} is not empty ({what}); migrate moves a knowledge base only "
        "into an empty one, so nothing there is mixed or overwritten",
        message_ja=(
            f"移行先 {where} は空ではありません（{what}）。移行先の記録を混ぜたり上書きしたり"
            "しないよう、移行は空の移行先にだけ行います"
        ),
    )


def _same_place(where: str) -> InputError:
    return InputError(
        f"the target {where} is this knowledge base itself",
        message_ja=f"移行先 {where} はこの知識ベースそのものです",
    )


def _copy_files(
    source: AttachmentStore, target: AttachmentStore, progress: Progress | None
) -> tuple[int, int]:
    """Every stored attachment file, re-hashed on the way (a damaged file stops the move)."""
    found = list(source.iter_files())
    sizes = {digest: path.stat().st_size for digest, path in found}
    total = sum(sizes.values())
    done = 0
    if progress is not None:
        progress("files", 0, total)
    for digest, path in found:
        with path.open("rb") as fh:
            target.put_stream(fh, digest, sizes[digest])
        done += sizes[digest]
        if progress is not None:
            progress("files", done, total)
    return len(found), total


def _copy_rows(
    kb: KnowledgeBase, target: Engine, where: str, progress: Progress | None
) -> dict[str, int]:
    """All rows in one target transaction, from one snapshot of the source."""

    def rows(done: int, total: int) -> None:
        if progress is not None:
            progress("rows", done, total)

    with kb.read_engine.connect() as source, target.begin() as out:
        filled = store_copy.filled_tables(out)
        if filled:
            raise _not_empty(where, ", ".join(filled))
        return store_copy.copy_tables(source, out, progress=rows)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return store_copy.table_counts(conn)


def _compare(before: dict[str, int], after: dict[str, int]) -> list[Problem]:
    return [
        Problem(
            f"table {name}: {before[name]} rows in the source, {after.get(name, 0)} in the target",
            f"表 {name}: 移行元 {before[name]} 行、移行先 {after.get(name, 0)} 行",
        )
        for name in before
        if before[name] != after.get(name, 0)
    ]


def move_to_sqlite(
    kb: KnowledgeBase, target_dir: Path, *, progress: Progress | None = None
) -> MoveSummary:
    """Copy ``kb`` into a new data folder of its own (SQLite) at ``target_dir``."""
    from zebkb.service.knowledge_base import KnowledgeBase

    target_dir = Path(target_dir).expanduser().absolute()
    shown = str(target_dir)
    if target_dir.exists() and target_dir.resolve() == Path(kb.data_dir).resolve():
        raise _same_place(shown)
    if target_dir.exists() and not target_dir.is_dir():
        raise _not_empty(shown, "a file")
    if target_dir.is_dir():
        entries = sorted(p.name for p in target_dir.iterdir())
        if entries:
            raise _not_empty(shown, ", ".join(entries[:5]))
    refuse_network_folder(target_dir)
    kb.claim_writer()  # nobody changes the source while it is read
    made = not target_dir.exists()
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        # Team mode: the files this PC has not opened yet come from the team's store first.
        kb.fetch_all_shared()
        files, size = _copy_files(kb.files, AttachmentStore(target_dir / "attachments"), progress)
        for name in FOLDER_OWN:
            own = Path(kb.data_dir) / name
            if own.is_dir():
                shutil.copytree(own, target_dir / name)
            elif own.is_file():
                shutil.copy2(own, target_dir / name)
        engine = make_engine(target_dir / DB_FILE)
        try:
            migrate(engine)
            copied = _copy_rows(kb, engine, shown, progress)
        finally:
            engine.dispose()
        with KnowledgeBase.open(target_dir) as moved:

            def indexing(done: int, total: int) -> None:
                if progress is not None:
                    progress("index", done, total)

            moved.reindex(indexing)
            problems = _compare(_counts(kb.read_engine), _counts(moved.read_engine))
            problems += moved.check()
            live = moved.count()
    except BaseException:
        _remove_made(target_dir, made)
        raise
    return MoveSummary(shown, copied, live, files, size, problems)


def move_to_postgres(
    kb: KnowledgeBase, url: str, *, progress: Progress | None = None
) -> MoveSummary:
    """Copy ``kb`` into the empty PostgreSQL database ``url`` (team mode's home).

    The schema is made first if the database has none (one transaction: at
    worst an empty knowledge base is left), then every row goes in one
    transaction. When the source is this PC's own SQLite folder and the
    counts match, the folder then switches to team mode in place: it names
    the database (``database.json``) and its SQLite file is kept aside in
    ``backups/`` (never deleted: the way back besides ``--to-sqlite``). The
    signing key, the attachment files and the search index stay where they
    are, so this PC goes on at once; the other PCs connect with
    ``zebkb init --database``.
    """
    from sqlalchemy.exc import DatabaseError

    from zebkb.service.datadir import database_error
    from zebkb.service.knowledge_base import KnowledgeBase
    from zebkb.store.pg import make_pg_engine
    from zebkb.store.team import driver_url, normalise_url, shown_url

    url = normalise_url(url)
    shown = shown_url(url)
    if kb.database_url is not None and normalise_url(kb.database_url) == url:
        raise _same_place(shown)
    kb.claim_writer()  # nobody changes the source while it is read
    engine = make_pg_engine(driver_url(url))
    try:
        migrate(engine)
        copied = _copy_rows(kb, engine, shown, progress)
        problems = _compare(_counts(kb.read_engine), _counts(engine))
    except DatabaseError as exc:  # the server unreachable, the sign-in refused …: one line
        raise database_error(kb.data_dir, exc, url=url) from None
    finally:
        engine.dispose()
    live = kb.count()
    files = [(digest, path.stat().st_size) for digest, path in kb.files.iter_files()]
    summary = MoveSummary(
        shown, copied, live, len(files), sum(size for _d, size in files), problems
    )
    if problems or kb.team:
        return summary
    kept = _switch_to_team(kb, url)
    with KnowledgeBase.open(kb.data_dir, network_ok=True) as team:  # it was opened so
        if team.files.root != kb.files.root:  # a store shared by the team's PCs
            _copy_files(kb.files, team.files, progress)
        # The team's other PCs read the files from the database (zebkb/store/blobs.py).
        team.share_all_files()
        problems = list(team.check())
    return MoveSummary(
        shown, copied, live, summary.files, summary.file_bytes, problems, kept_sqlite=kept
    )


def _switch_to_team(kb: KnowledgeBase, url: str) -> Path:
    """Make ``kb``'s folder use ``url``; its SQLite file (with any WAL) goes into backups/.

    The setting is written first: a folder interrupted between the two steps
    names the team database and is opened in team mode, never as a new, empty
    SQLite knowledge base.
    """
    import os
    from datetime import datetime

    from zebkb.service.backup import backup_dir
    from zebkb.store.team import write_database_url

    folder = Path(kb.data_dir)
    with WriterLock(folder):  # still the folder's one writer while kb lets go of it
        kb.close()  # the last connection closed checkpoints the WAL into the file
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = backup_dir(folder) / f"zebkb-before-team-{stamp}.sqlite3"
        kept.parent.mkdir(parents=True, exist_ok=True)
        write_database_url(folder, url)
        os.replace(folder / DB_FILE, kept)
        for suffix in ("-wal", "-shm"):
            side = folder / f"{DB_FILE}{suffix}"
            if side.exists():
                os.replace(side, kept.with_name(kept.name + suffix))
    return kept


def _remove_made(target_dir: Path, made: bool) -> None:
    """Take back what a failed move wrote: the folder it made, or what it put in an empty one."""
    with contextlib.suppress(OSError):
        if made:
            shutil.rmtree(target_dir)
            return
        for entry in target_dir.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
