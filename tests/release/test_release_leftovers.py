"""Leftovers of interrupted writes are removed by the next command that owns the folder.

A backup, an export or an import's attachment copy killed with SIGKILL half
way leaves its temporary file. The next backup (backups/), export into the
same folder, or writing command (the attachment store) removes it, once the
process that wrote it is gone; a live writer's file is never touched.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from zebkb_testing import case_record, run_zebkb, zebkb_command, zebkb_env

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

BIG = 48 << 20  # long enough to write that the kill lands half way


def zebkb(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_zebkb(data, *args, timeout=300)


def kill_when(args: list[str], seen: Callable[[], list[Path]]) -> list[Path]:
    """Start ``args``, SIGKILL it as soon as ``seen()`` finds its temporary files; return them."""
    proc = subprocess.Popen(
        args, env=zebkb_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 300  # only against a hang; no pass/fail on time
        while proc.poll() is None and time.monotonic() < deadline:
            if seen():
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the writer finished before it could be killed"
    left = seen()
    assert left, "the kill left nothing behind to clean up"
    return left


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        record = kb.save(case_record(title="大きな図面のある記録"))
        plan = tmp_path / "plan.pdf"
        plan.write_bytes(os.urandom(BIG))
        kb.add_attachment(record["uid"], plan)
    return data


def hidden(folder: Path, start: str = ".") -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.startswith(start))


def test_killed_backup_leftovers_are_removed_by_the_next_backup(folder: Path) -> None:
    backups = folder / "backups"
    left = kill_when(zebkb_command(folder, "backup"), lambda: hidden(backups, ".partial-"))
    assert all(str(p.name).startswith(".partial-") for p in left)
    done = zebkb(folder, "backup")
    assert done.returncode == 0, done.stderr
    assert hidden(backups) == []
    assert len(list(backups.glob("zebkb-*.zip"))) == 1


LIVE_WRITER = """
import fcntl, os, sys, tempfile
folder, prefix, suffix = sys.argv[1:4]
fd, name = tempfile.mkstemp(prefix=prefix.format(pid=os.getpid()), suffix=suffix, dir=folder)
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
os.write(fd, b"half written")
print(name, flush=True)
sys.stdin.read()
"""


def live_writer(folder: Path, prefix: str, suffix: str = "") -> tuple[subprocess.Popen, Path]:
    """Another process writing a temporary file in ``folder`` (until its stdin closes)."""
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", LIVE_WRITER, str(folder), prefix, suffix],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, Path(proc.stdout.readline().strip())


def end(proc: subprocess.Popen) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(60)
    if proc.stdout is not None:
        proc.stdout.close()


def test_a_live_writers_file_is_never_removed(folder: Path) -> None:
    backups = folder / "backups"
    proc, partial = live_writer(backups, ".partial-{pid}-", ".zip")
    try:
        assert zebkb(folder, "backup").returncode == 0
        assert partial.read_bytes() == b"half written"
    finally:
        end(proc)
    # Its writer gone, the next backup removes it.
    assert zebkb(folder, "backup").returncode == 0
    assert not partial.exists()


def test_a_file_held_open_by_a_child_of_a_dead_writer_stays(tmp_path: Path) -> None:
    """The pid in the name is gone, but a process still holds the file's lock."""
    from zebkb.filestore import _INCOMING_RE
    from zebkb.tempfiles import sweep_leftovers

    folder = tmp_path / "store"
    proc, partial = live_writer(folder, ".incoming-999999999-")
    try:
        assert sweep_leftovers(folder, _INCOMING_RE) == []
        assert partial.exists()
    finally:
        end(proc)
    assert sweep_leftovers(folder, _INCOMING_RE) == [partial]


def test_killed_import_copy_is_removed_by_the_next_writer(folder: Path, tmp_path: Path) -> None:
    from zebkb.service import KnowledgeBase

    bundle = tmp_path / "big.zebkb"
    assert zebkb(folder, "export", str(bundle), "--no-sign").returncode == 0
    other = tmp_path / "other"
    with KnowledgeBase.open(other) as kb:
        kb.set_home_ward("131091")
    store = other / "attachments"
    kill_when(zebkb_command(other, "import", str(bundle)), lambda: hidden(store, ".incoming-"))
    record = tmp_path / "r.json"
    record.write_text(json.dumps(case_record(ward="131091")), encoding="utf-8")
    added = zebkb(other, "add", str(record))
    assert added.returncode == 0, added.stderr
    assert hidden(store) == []
    # The import itself runs again as if nothing had happened.
    again = zebkb(other, "import", str(bundle))
    assert again.returncode == 0, again.stderr
    assert zebkb(other, "check").returncode == 0


def test_killed_export_is_removed_by_the_next_export_there(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    out.mkdir()
    unrelated = [out / ".notes.txt.tmp", out / ".x.123-abcdefgh.tmp", out / "keep.zebkb-partial"]
    for path in unrelated:
        path.write_bytes(b"not zebkb's")
    left = kill_when(
        zebkb_command(folder, "export", str(out / "a.zebkb"), "--no-sign"),
        lambda: [p for p in hidden(out, ".a.zebkb.") if p.name.endswith(".zebkb-partial")],
    )
    assert left
    done = zebkb(folder, "export", str(out / "b.zebkb"), "--no-sign")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["b.zebkb", *(p.name for p in unrelated)]
    )
