"""A read-only knowledge base folder (a CD, a read-only share, a copy on a protected drive).

Reading commands work and write nothing, not a lock, a log or an index file;
a stale or missing search index is answered from what exists (or from a
private copy built for the session) and said so; every writing command is
refused in one line naming the folder. The real thing is a read-only bind
mount (root, where it can be made); the same paths are also driven by
opening the folder read-only on a writable disk, where any write would show.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from zebkb_testing import case_record
from zebkb_testing import run_zebkb as zebkb

from zebkb.store.state import DB_FILE

SEIBU = "7de7535c-dbb1-5bc7-8dbb-1e056b5c15d4"


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder with its size and modification time: any write changes it.

    Not SQLite's -wal and -shm: where it can, SQLite makes them for a read-only
    connection too (on a read-only disk it cannot, and reads without them).
    """
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.name.endswith(("-wal", "-shm")):
            continue
        st = path.lstat()
        found[str(path.relative_to(folder))] = (st.st_size if path.is_file() else 0, st.st_mtime_ns)
    return found


@pytest.fixture
def source(tmp_path: Path) -> Path:
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        kb.load_demo()
        kb.reindex()
    return data


def _bind_read_only(source: Path, view: Path) -> bool:
    view.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    if subprocess.run(["mount", "--bind", str(source), str(view)], check=False).returncode:
        return False
    if subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=False).returncode:
        subprocess.run(["umount", str(view)], check=False)
        return False
    return True


@pytest.fixture
def mounted(source: Path, tmp_path: Path) -> Iterator[Path]:
    view = tmp_path / "ro"
    if not _bind_read_only(source, view):
        pytest.skip("cannot make a read-only mount here")
    try:
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=False)


def one_line_refusal(proc: subprocess.CompletedProcess, folder: Path) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    said = [line for line in proc.stderr.splitlines() if line.startswith("zebkb:")]
    assert len(said) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "unexpected" not in proc.stderr
    assert str(folder) in said[0]
    assert "read-only" in said[0] or "not writable" in said[0]


def test_reading_commands_work_on_a_read_only_mount(mounted: Path, source: Path, tmp_path) -> None:
    listed = zebkb(mounted, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert SEIBU in {r["uid"] for r in json.loads(listed.stdout)}
    for args in (
        ["show", SEIBU],
        ["history", SEIBU],
        ["search", "清掃事務所", "--json"],
        ["check"],
        ["check", "--deep"],
        ["conflicts"],
        ["key", "list"],
        ["backup", "--list"],
        ["report", SEIBU, "--pdf", str(tmp_path / "sheet.pdf")],
    ):
        proc = zebkb(mounted, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    found = json.loads(zebkb(mounted, "search", "清掃事務所", "--json").stdout)
    assert SEIBU in {h["uid"] for h in found["hits"]}
    assert (tmp_path / "sheet.pdf").stat().st_size > 0


def test_writing_commands_refuse_in_one_line_naming_the_folder(mounted: Path, tmp_path) -> None:
    record = tmp_path / "r.json"
    record.write_text(json.dumps(case_record(title="書けない")), encoding="utf-8")
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    for args in (
        ["add", str(record)],
        ["demo"],
        ["reindex"],
        ["restore", SEIBU, "1"],
        ["export", str(outbox / "out.zebkb")],
        ["backup"],
        ["init", "--ward", "杉並区"],
    ):
        one_line_refusal(zebkb(mounted, *args), mounted)
    assert list(outbox.iterdir()) == []  # refused before anything was written


def test_a_stale_index_answers_and_says_so(mounted: Path, source: Path) -> None:
    # The folder changed after its index was built (here: from outside the mount).
    conn = sqlite3.connect(source / DB_FILE)
    conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'change_seq'")
    conn.commit()
    conn.close()
    proc = zebkb(mounted, "search", "清掃事務所")
    assert proc.returncode == 0, proc.stderr
    assert SEIBU in proc.stdout
    assert "read-only" in proc.stderr
    assert "older" in proc.stderr
    # No index at all: one is built for the session, outside the folder.
    shutil.move(source / "index", source.parent / "index-aside")
    proc = zebkb(mounted, "search", "清掃事務所")
    assert proc.returncode == 0, proc.stderr
    assert SEIBU in proc.stdout
    assert "built for this session" in proc.stderr


def test_read_only_opening_writes_nothing(source: Path) -> None:
    """The same paths on a writable disk: opened read-only, the folder must not change at all."""
    from zebkb.errors import KnownError
    from zebkb.service import KnowledgeBase

    before = tree(source)
    kb = KnowledgeBase(source, read_only=True)
    try:
        assert kb.require(SEIBU)["uid"] == SEIBU
        assert SEIBU in {s.uid for s in kb.list_records()}
        assert SEIBU in {h.uid for h in kb.search("清掃事務所").hits}
        assert kb.check(deep=True) == []
        with pytest.raises(KnownError, match="read-only"):
            kb.save(case_record())
        with pytest.raises(KnownError, match="read-only"):
            kb.reindex()
    finally:
        kb.close()
    assert tree(source) == before


@pytest.mark.gui
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_window_browses_a_read_only_folder(qtbot, source: Path, tmp_path) -> None:
    from zebkb_main_kit import make_ctx, open_window, search, select

    from zebkb.errors import KnownError
    from zebkb.service import KnowledgeBase
    from zebkb.ui.core.ops import user_message

    before = tree(source)
    kb = KnowledgeBase(source, read_only=True)
    context = make_ctx(kb, tmp_path / "zebkb.ini")
    try:
        window = open_window(qtbot, context)
        search(qtbot, window, "清掃事務所")
        select(qtbot, window, SEIBU)
        assert "清掃事務所" in window.detail.browser.toPlainText()
        with pytest.raises(KnownError, match="read-only") as refused:
            kb.save(case_record())
        message = user_message(refused.value, context.tr)
        assert "読み取り専用" in message
        assert "\n" not in message
        window.close()
    finally:
        context.runner.shutdown()
        kb.close()
    assert tree(source) == before


def test_a_read_only_folder_copies_only_the_current_index_generation(source: Path) -> None:
    """Leftovers of killed builds and damaged generations (each as large as the index) stay
    behind: the private copy holds what opening needs, and search answers the same."""
    from zebkb.service import KnowledgeBase

    index = source / "index"
    current = (index / "CURRENT").read_text().strip()
    with KnowledgeBase(source, read_only=True) as kb:
        expected = [h.uid for h in kb.search("清掃事務所").hits]
    assert SEIBU in expected
    shutil.copytree(index / current, index / "gen-1")  # a killed build's leftover
    shutil.copytree(index / current, index / "damaged-20250101-090000-gen-2")
    before = tree(source)
    kb = KnowledgeBase(source, read_only=True)
    try:
        assert [h.uid for h in kb.search("清掃事務所").hits] == expected
        assert kb.index_notice is None
        assert kb._index_copy is not None
        copy = Path(kb._index_copy.name) / "index"
        assert sorted(p.name for p in copy.iterdir()) == ["CURRENT", current]
    finally:
        kb.close()
    assert tree(source) == before
