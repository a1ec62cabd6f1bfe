"""One writer of the concurrency test (tests/core/test_core_team_concurrency.py), as a process.

``python tests/zebkb_team_worker.py FOLDER WORKER CHANGES UIDS.json OUT.json``
opens the knowledge base in FOLDER (a team-mode data folder) and makes CHANGES
changes to the records in UIDS.json, each picked at random (seeded by WORKER)
and saved with the revision check: a save refused because someone else saved
first is read again and made again, a busy database is tried again. Each
change writes a marker of its own into the body; OUT.json lists them, in the
order they were saved, with the revision each became.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path


def run(folder: Path, worker: int, changes: int, uids: list[str]) -> list[list[object]]:
    from zebkb.errors import InputError, KnownError
    from zebkb.service import KnowledgeBase

    rng = random.Random(worker)
    saved: list[list[object]] = []
    retries = 0
    with KnowledgeBase.open(folder) as kb:
        for n in range(changes):
            uid = rng.choice(uids)
            marker = f"w{worker}c{n}"
            while True:
                current = kb.require(uid)
                try:
                    done = kb.save(
                        {**current, "body": marker}, expected_revision=current["revision"]
                    )
                except InputError:  # someone saved this record first: read it again
                    retries += 1
                    continue
                except KnownError as exc:  # the database busy past its lock timeout
                    if "busy" not in str(exc):
                        raise
                    retries += 1
                    continue
                saved.append([uid, marker, done["revision"]])
                break
    return saved


def main(argv: list[str]) -> int:
    folder, worker, changes, uids_file, out_file = argv
    uids = json.loads(Path(uids_file).read_text(encoding="utf-8"))
    saved = run(Path(folder), int(worker), int(changes), uids)
    Path(out_file).write_text(json.dumps(saved), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
