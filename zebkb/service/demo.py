"""The demo records shipped in assets: loading them (again changes nothing)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from zebkb.domain.validate import validate_record
from zebkb.service.changes import NO_CHANGES, Changes
from zebkb.service.facade import Core

if TYPE_CHECKING:
    from zebkb.service.transaction import Txn


class Facade(Core, Protocol):
    """What demo.py uses of the facade (zebkb/service/knowledge_base.py)."""

    def _note_blob(self, txn: Txn, digest: str, size: int) -> None: ...


@dataclass(frozen=True, slots=True)
class DemoResult:
    added: int
    unchanged: int
    changes: Changes = NO_CHANGES


def load_demo(kb: Facade) -> DemoResult:
    """Load the demo records shipped in assets; loading them again changes nothing."""
    from importlib.resources import files

    kb.claim_writer()
    demo = files("zebkb.assets") / "demo"
    records = json.loads((demo / "records.json").read_text(encoding="utf-8"))
    for record in records:
        for att in record.get("attachments") or []:
            if not kb.files.has(att["sha256"]):
                with (demo / "files" / att["sha256"]).open("rb") as fh:
                    kb.files.put_stream(fh, att["sha256"], att["size"])
    added = unchanged = 0
    with kb.transaction() as txn:
        for record in records:
            clean = validate_record(record, strict=True)
            for att in clean.get("attachments") or []:
                kb._note_blob(txn, att["sha256"], att["size"])
            if txn.get(clean["uid"]) is not None:
                unchanged += 1
                continue
            txn.put_current(clean, source="demo")
            added += 1
        if added:
            txn.note(Changes(all_records=True))
    return DemoResult(added=added, unchanged=unchanged, changes=txn.changes)
