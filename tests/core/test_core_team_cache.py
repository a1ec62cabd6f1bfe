"""Team mode: this PC's copies of the team's attachment files, written whole or not at all.

The team's files live in its database (zebkb/store/blobs.py); a PC copies one
into its folder the first time it is opened (zebkb/service/attachments.py).
That copy is a write: looking (``fetch=False``) writes nothing; fetching writes
under a temporary name and renames, so two fetching at once, or a reader looking
in the middle of one, never see half a file under the file's name, and a fetch
killed half-way leaves only its temporary file, which the next write removes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from zebkb_pg_kit import PgServer, open_team
from zebkb_stoppable_pg import own_server, start_again  # noqa: F401  (a fixture)
from zebkb_testing import case_record

import zebkb.store.blobs
from zebkb.errors import KnownError
from zebkb.filestore import AttachmentStore
from zebkb.service import KnowledgeBase
from zebkb.service.datadir import DatabaseAwayError
from zebkb.store.blobs import CHUNK

CONTENT = b"inspection log\n" * (CHUNK // 6)  # 2.5 MiB: three pieces in the database


@pytest.fixture
def shared(tmp_path: Path, pg_url: str) -> tuple[str, str]:
    """A file added on PC A; the test's PC has not opened it."""
    with open_team(tmp_path / "a", pg_url) as a:
        a.set_home_ward("131229")
        rec = a.save(case_record())
        source = tmp_path / "点検記録.txt"
        source.write_bytes(CONTENT)
        (att,) = a.add_attachment(rec["uid"], source)["attachments"]
    return pg_url, att["sha256"]


@pytest.fixture
def pc(tmp_path: Path, shared: tuple[str, str]) -> Iterator[KnowledgeBase]:
    with open_team(tmp_path / "b", shared[0]) as kb:
        yield kb


def leftovers(kb: KnowledgeBase) -> list[str]:
    root = kb.data_dir / "attachments"
    return sorted(p.name for p in root.iterdir() if p.is_file()) if root.is_dir() else []


def test_looking_writes_nothing_and_fetching_writes_the_whole_file(pc, shared) -> None:
    _url, digest = shared
    assert pc.attachment_path(digest, fetch=False) is None
    assert not (pc.data_dir / "attachments").exists()
    path = pc.attachment_path(digest)
    assert path is not None
    assert path.read_bytes() == CONTENT
    assert pc.attachment_path(digest, fetch=False) == path
    assert leftovers(pc) == []


def test_two_fetching_at_once_and_a_reader_between_see_no_half_file(
    pc, shared, monkeypatch
) -> None:
    """Both fetches stop after their first piece, each with its own half-written temporary
    file; a reader then finds nothing under the file's name. Both end with the whole file."""
    _url, digest = shared
    real = zebkb.store.blobs.read
    both_half_way = threading.Barrier(3, timeout=60)
    go_on = threading.Event()

    def read(conn, wanted):
        for n, piece in enumerate(real(conn, wanted)):
            yield piece
            if n == 1:  # two pieces written under the temporary name: the third is asked for
                both_half_way.wait()
                assert go_on.wait(60)

    monkeypatch.setattr(zebkb.store.blobs, "read", read)
    got: list[Path | None] = []
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            got.append(pc.attachment_path(digest))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    both_half_way.wait()
    final = pc.files.path(digest)
    assert len([n for n in leftovers(pc) if n.startswith(".incoming-")]) == 2
    assert not final.exists()
    assert pc.attachment_path(digest, fetch=False) is None
    go_on.set()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert got == [final, final]
    assert final.read_bytes() == CONTENT
    assert leftovers(pc) == []


KILLED_FETCH = """
import os, signal, sys
from pathlib import Path
import zebkb.store.blobs as blobs
from zebkb.service import KnowledgeBase

real = blobs.read

def read(conn, digest):
    for n, piece in enumerate(real(conn, digest)):
        yield piece
        if n == 1:
            os.kill(os.getpid(), signal.SIGKILL)

blobs.read = read
with KnowledgeBase.open(Path(sys.argv[1])) as kb:
    kb.attachment_path(sys.argv[2])
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_a_fetch_killed_half_way_leaves_no_half_file_and_its_leftover_is_swept(pc, shared) -> None:
    _url, digest = shared
    folder = pc.data_dir
    pc.close()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_FETCH, str(folder), digest],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr
    final = AttachmentStore(folder / "attachments").path(digest)
    assert not final.exists()
    (left,) = [p for p in (folder / "attachments").iterdir() if p.is_file()]
    assert left.name.startswith(".incoming-")
    assert 0 < left.stat().st_size < len(CONTENT)
    with KnowledgeBase.open(folder) as again:
        assert again.attachment_path(digest, fetch=False) is None  # still nothing half
        path = again.attachment_path(digest)
        assert path is not None
        assert path.read_bytes() == CONTENT
        assert leftovers(again) == []  # the killed fetch's file, swept by this write


def test_a_read_only_folder_fetches_nothing(pc, shared, monkeypatch) -> None:
    _url, digest = shared
    monkeypatch.setattr(pc, "read_only", True)
    assert pc.attachment_path(digest) is None
    assert not (pc.data_dir / "attachments").exists()


def test_a_copy_placed_by_another_fetch_is_kept_where_windows_refuses_to_replace_it(
    tmp_path, monkeypatch
) -> None:
    """On Windows a file open in a viewer cannot be replaced: the same bytes already there
    are the copy kept, and the second fetch succeeds instead of saying it could not write."""
    import zebkb.filestore

    store = AttachmentStore(tmp_path / "attachments")
    first = store.stage([CONTENT])
    second = store.stage([CONTENT])
    for staged in (first, second):
        store.sync(staged)
    store.place(first)
    final = store.path(first.sha256)

    def refused(src, dst):
        raise PermissionError(13, "Access is denied", str(dst))

    monkeypatch.setattr(zebkb.filestore.os, "replace", refused)
    # Seen as another writer's: present, but not yet when this one looked.
    real_is_file = Path.is_file
    looked: list[Path] = []

    def is_file(path: Path) -> bool:
        if path == final and not looked:
            looked.append(path)
            return False
        return real_is_file(path)

    monkeypatch.setattr(Path, "is_file", is_file)
    store.place(second)
    assert final.read_bytes() == CONTENT
    assert not second.tmp.exists()
    # Anything else Windows refuses is still said.
    third = store.stage([b"other bytes"])
    store.sync(third)
    with pytest.raises(KnownError):
        store.place(third)
    assert not third.tmp.exists()


def test_a_fetch_while_the_server_is_away_is_one_line_and_leaves_nothing(
    own_server: PgServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    url = own_server.url(own_server.create_database())
    with open_team(tmp_path / "a", url) as a:
        a.set_home_ward("131229")
        rec = a.save(case_record())
        source = tmp_path / "点検記録.txt"
        source.write_bytes(CONTENT)
        (att,) = a.add_attachment(rec["uid"], source)["attachments"]
    with open_team(tmp_path / "b", url) as pc:
        own_server.stop()
        assert pc.attachment_path(att["sha256"], fetch=False) is None  # looking needs no server
        with pytest.raises(DatabaseAwayError) as away:
            pc.attachment_path(att["sha256"])
        for lang in ("en", "ja"):
            assert "\n" not in away.value.message(lang)
        assert "cannot reach the team database" in away.value.message("en")
        assert leftovers(pc) == []
        start_again(own_server)
        path = pc.attachment_path(att["sha256"])
        assert path is not None
        assert path.read_bytes() == CONTENT


def test_opening_says_why_a_copy_cannot_be_made_where_looking_up_says_none(
    pc, shared, monkeypatch
) -> None:
    """The window's open and save-as (fetch_attachment) tell the person why; the other
    callers (export, the index, thumbnails) still take None and go on."""
    import errno

    import zebkb.filestore

    _url, digest = shared

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zebkb.filestore.os, "fsync", full)
    assert pc.attachment_path(digest) is None
    with pytest.raises(KnownError) as refused:
        pc.fetch_attachment(digest)
    assert "cannot write attachment into" in refused.value.message("en")
    assert "書き込めません" in refused.value.message("ja")
    assert "\n" not in refused.value.message("ja")
    assert leftovers(pc) == []
    monkeypatch.undo()
    monkeypatch.setattr(pc, "read_only", True)
    with pytest.raises(KnownError) as read_only:
        pc.fetch_attachment(digest)
    assert "読み取り専用" in read_only.value.message("ja")


def test_a_damaged_team_copy_is_said_with_the_way_to_mend_it(pc, shared) -> None:
    from sqlalchemy import text

    _url, digest = shared
    with pc.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE blob_chunk SET data = set_byte(data, 10, get_byte(data, 10) # 1) "
                "WHERE sha256 = :d AND n = 0"
            ),
            {"d": digest},
        )
    assert pc.attachment_path(digest) is None
    with pytest.raises(KnownError) as damaged:
        pc.fetch_attachment(digest)
    for lang in ("en", "ja"):
        assert "check --deep --repair" in damaged.value.message(lang)
    assert "チームのデータベースにある添付ファイル" in damaged.value.message("ja")
    assert leftovers(pc) == []
