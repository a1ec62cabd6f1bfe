"""Many writers on one team database: 8 processes on 2 data folders, 250 changes each.

The processes (tests/zebkb_team_worker.py) change overlapping records at once,
each change with the revision check. Afterwards every change is in the
current version or in history, no revision is skipped, and each PC's search
finds every record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from zebkb_testing import case_record

from zebkb.service import KnowledgeBase
from zebkb.store import team

WORKER = Path(__file__).resolve().parent.parent / "zebkb_team_worker.py"
PROCESSES = 8
FOLDERS = 2
CHANGES = 250
RECORDS = 12


@pytest.mark.slow
@pytest.mark.timeout(900)  # 2,000 saves on two cores; far less on an idle machine
def test_eight_processes_on_two_folders_lose_nothing(tmp_path: Path, pg_url: str) -> None:
    folders = [tmp_path / f"pc{n}" for n in range(FOLDERS)]
    for folder in folders:
        folder.mkdir()
        team.write_database_url(folder, pg_url)
    with KnowledgeBase.open(folders[0]) as kb:
        kb.set_home_ward("131229")
        uids = [
            kb.save(case_record(title=f"共有事例{n:02d}", facility_name=f"施設{n:02d}"))["uid"]
            for n in range(RECORDS)
        ]
    uids_file = tmp_path / "uids.json"
    uids_file.write_text(json.dumps(uids), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    procs = []
    for worker in range(PROCESSES):
        out = tmp_path / f"w{worker}.json"
        cmd = [sys.executable, str(WORKER), str(folders[worker % FOLDERS]), str(worker)]
        cmd += [str(CHANGES), str(uids_file), str(out)]
        procs.append((subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True), out))
    saved: list[tuple[str, str, int]] = []
    try:
        for proc, out in procs:
            _, err = proc.communicate(timeout=840)
            assert proc.returncode == 0, err[-2000:]
            saved += [tuple(x) for x in json.loads(out.read_text(encoding="utf-8"))]  # type: ignore[misc]
    finally:
        for proc, _out in procs:  # a failed or timed-out test leaves no writer behind
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert len(saved) == PROCESSES * CHANGES

    with KnowledgeBase.open(folders[1]) as kb:
        for uid in uids:
            versions = kb.history(uid)
            revisions = sorted(v.revision for v in versions)
            # No revision skipped, none doubled: 1 (made) and one per change.
            assert revisions == list(range(1, len(revisions) + 1))
            assert kb.require(uid)["revision"] == revisions[-1]
        made = Counter(uid for uid, _m, _r in saved)
        assert {uid: len(kb.history(uid)) - 1 for uid in uids} == {u: made[u] for u in uids}
        # Every change is in a version of its record, at the revision its save reported.
        found = {(uid, v.record.get("body"), v.revision) for uid in uids for v in kb.history(uid)}
        missing = [change for change in saved if change not in found]
        assert missing == []
    # Each PC's search finds every record as it is now, once its index has caught up
    # (as the window and the command line do before a search).
    for folder in folders:
        with KnowledgeBase.open(folder) as kb:
            kb.catch_up_index()
            assert kb.index_is_current()
            for n, uid in enumerate(uids):
                hits = kb.search(f"共有事例{n:02d}").hits
                assert [h.uid for h in hits] == [uid]
                current = kb.require(uid)["body"]
                assert uid in [h.uid for h in kb.search(current).hits]
