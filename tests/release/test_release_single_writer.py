"""One writer per data folder: a held lock turns writers away in words; readers carry on."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from zebkb_testing import case_record

HOLDER = """
import sys
from zebkb.service import KnowledgeBase
kb = KnowledgeBase.open(sys.argv[1])
kb.claim_writer()
print("holding", flush=True)
sys.stdin.readline()
kb.close()
print("released", flush=True)
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        kb.save(case_record())
        kb.reindex()
    return data


@pytest.fixture
def holder(folder: Path):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "holding"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    proc.stdin.close()  # type: ignore[union-attr]
    proc.stdout.close()


@pytest.mark.slow
def test_writer_command_is_refused_with_the_holders_pid(folder, holder, cli, tmp_path) -> None:
    record = tmp_path / "r.json"
    record.write_text('{"type": "case", "title": "x", "ward": "131229"}', encoding="utf-8")
    started = time.monotonic()
    result = cli("add", str(record), data_dir=folder)
    waited = time.monotonic() - started
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "already open for writing" in result.err
    assert f"pid {holder.pid}" in result.err
    assert "Traceback" not in result.err
    assert waited >= 2.5  # it waited briefly before giving up
    for command in (["demo"], ["reindex"], ["init", "--ward", "131091"]):
        refused = cli(*command, data_dir=folder)
        assert refused.code == 1, command
        assert "already open for writing" in refused.err


def test_readers_work_beside_a_writer(folder, holder, cli) -> None:
    assert cli("list", data_dir=folder).code == 0
    assert cli("search", "清掃事務所", data_dir=folder).code == 0
    assert cli("check", data_dir=folder).code == 0
    backup = cli("backup", data_dir=folder)
    assert backup.code == 0, backup.err


def test_a_killed_holder_never_blocks(folder, holder) -> None:
    from zebkb.service import KnowledgeBase

    holder.send_signal(signal.SIGKILL)
    holder.wait()
    # The lock file still names the dead process: a stale file, not a lock.
    assert (folder / "lock").read_text().strip() == str(holder.pid)
    with KnowledgeBase.open(folder) as kb:
        kb.claim_writer(wait=0)  # wait=0: a lock still held would raise at once
        kb.save(case_record(title="after the crash"))


def test_a_writer_waits_for_a_holder_that_finishes(folder, holder) -> None:
    from zebkb.service import KnowledgeBase

    def let_go() -> None:
        holder.stdin.write("\n")
        holder.stdin.flush()

    timer = threading.Timer(0.5, let_go)
    timer.start()
    try:
        with KnowledgeBase.open(folder) as kb:
            kb.claim_writer(wait=20)
            kb.save(case_record(title="waited my turn"))
    finally:
        timer.join()
    assert holder.stdout.readline().strip() == "released"


def test_one_process_may_open_a_folder_twice(folder) -> None:
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(folder) as first, KnowledgeBase.open(folder) as second:
        first.save(case_record(title="one"))
        second.save(case_record(title="two"))
        first.close()
        second.save(case_record(title="three"))
    from zebkb.store.lock import WriterLock

    # Everything was let go: another process could take it now.
    probe = subprocess.run(
        [sys.executable, "-c", HOLDER, str(folder)],
        input="\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.stdout.split() == ["holding", "released"]
    assert not WriterLock(folder).held


def test_a_second_window_is_refused_in_words(folder, holder, qapp, monkeypatch, tmp_path) -> None:
    from zebkb.ui import app

    said: list[str] = []
    monkeypatch.setattr(app, "default_settings_path", lambda: tmp_path / "settings.ini")
    monkeypatch.setattr(app, "refuse", lambda _parent, _tr, message: said.append(message))
    assert app.run(folder) == 1
    assert len(said) == 1
    assert str(holder.pid) in said[0]
    assert "zebkb" in said[0]
