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
from zebkb.store import copy as store_copy
from zebkb.store.db import DB_FILE, make_engine, migrate
from zebkb.store.files import AttachmentStore
from zebkb.store.netfs import refuse_network_folder

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
    problems: list[str] = field(default_factory=list)


def _not_empty(where: str, what: str) -> InputError:
    return InputError(
        f"the target {where} is not empty ({what}); migrate moves a knowledge base only "
        "into an empty one, so nothing there is mixed or overwritten",
        message_ja=(
            f"移行先 {where} は空ではありません({what})。移行先の記録を混ぜたり上書きしたり"
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


def _compare(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [
        f"table {name}: {before[name]} rows in the source, {after.get(name, 0)} in the target"
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
