"""Attachment files stored beside the merge: checked as written, whole, taken back on any failure.

Every import test here runs twice: with the copy in the calling thread (small
imports) and in the helper process (`zebkb _copy-attachments`, big imports).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit
from sqlmodel import Session, select

from zebkb.bundle import copier
from zebkb.bundle.copier import ChildCopy, CopyJob, CopyStopped, run_copy
from zebkb.bundle.errors import BundleError
from zebkb.bundle.reader import open_bundle
from zebkb.errors import KnownError
from zebkb.service import KnowledgeBase
from zebkb.service.exchange import ImportCancelled, import_bundle
from zebkb.store.models import BlobRow, HistoryRow, RecordRow


@pytest.fixture(params=["inline", "child"])
def copy_mode(request, monkeypatch) -> str:
    monkeypatch.setattr(copier, "CHILD_MIN_BYTES", 0 if request.param == "child" else 1 << 62)
    return request.param


def state(kb: KnowledgeBase) -> dict:
    """Everything an import may change, backups and half-written files included."""
    with Session(kb.read_engine) as session:
        rows = sorted((r.uid, r.hash) for r in session.exec(select(RecordRow)))
        history = sorted((h.uid, h.hash) for h in session.exec(select(HistoryRow)))
        blobs = sorted(b.sha256 for b in session.exec(select(BlobRow)))
    folder = kb.data_dir / "attachments"
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    backups = sorted(p.name for p in (kb.data_dir / "backups").glob("*"))
    return {
        "rows": rows,
        "history": history,
        "blobs": blobs,
        "files": files,  # .incoming-* partials would show here too
        "backups": backups,
        "state": kb.change_state(),
        "hits": [h.uid for h in kb.search("清掃事務所").hits],
    }


def photos(n: int, size: int = 30_000) -> list[bytes]:
    return [os.urandom(size) for _ in range(n)]


@pytest.mark.parametrize("engine_name", ["sqlite"])  # before-import backups: SQLite's
def test_import_stores_every_file_checked(kb, tmp_path: Path, copy_mode: str) -> None:
    files = photos(5)
    records = [kit.case(attachments=[kit.attachment_ref(f)]) for f in files]
    path = kit.write(tmp_path / "b.zebkb", records=records, attachments=files)
    summary = import_bundle(kb, path)
    assert summary.files_added == 5
    for data in files:
        assert kb.files.path(kit.sha(data)).read_bytes() == data
    assert not list((kb.data_dir / "attachments").glob(".incoming-*"))
    with Session(kb.read_engine) as session:
        assert len(session.exec(select(BlobRow)).all()) == 5
    assert len(list((kb.data_dir / "backups").glob("*before-import*"))) == 1


def test_lying_attachment_refused_and_nothing_changed(kb, tmp_path: Path, copy_mode: str) -> None:
    """The attachment hashes are checked while the files are stored, before the commit."""
    kb.save(
        {
            "type": "case",
            "title": "清掃事務所のZEB化",
            "ward": kit.KATSUSHIKA,
            "facility_name": "清掃事務所",
            "project_type": "new",
        }
    )
    good = photos(3)
    claimed = os.urandom(30_000)
    spec = kit.Spec(
        records=[kit.case(attachments=[kit.attachment_ref(f)]) for f in good],
        attachments=good,
    )
    # One more record whose file is not what its name says (same size, other bytes).
    lying = kit.attachment_ref(claimed)
    name = f"attachments/{kit.sha(claimed)}"
    spec.records.append(kit.case(attachments=[lying]))
    spec.extra.append(kit.Entry(name, os.urandom(30_000), kit.zipfile.ZIP_STORED))
    spec.listed_extra = False
    doc = spec.manifest_doc()
    doc["files"].append({"path": name, "sha256": kit.sha(claimed), "size": 30_000})
    spec.manifest["files"] = doc["files"]
    path = kit.write(tmp_path / "b.zebkb", spec)
    before = state(kb)
    with pytest.raises(BundleError, match=f"{name[:24]}.*does not match the SHA-256") as refused:
        import_bundle(kb, path)
    assert "\n" not in str(refused.value)
    assert state(kb) == before


def test_lying_copy_of_a_file_stored_here_is_refused(kb, tmp_path: Path, copy_mode: str) -> None:
    """A file the knowledge base has already is not copied, but the bundle's entry is still checked."""
    claimed = os.urandom(20_000)
    local = tmp_path / "photo.jpg"
    local.write_bytes(claimed)
    saved = kb.save(
        {
            "type": "case",
            "title": "清掃事務所のZEB化",
            "ward": kit.KATSUSHIKA,
            "facility_name": "清掃事務所",
            "project_type": "new",
        }
    )
    kb.add_attachment(saved["uid"], local)
    path = kit.write_swapped_attachment(tmp_path / "b.zebkb", claimed, os.urandom(20_000))
    before = state(kb)
    with pytest.raises(BundleError, match="does not match the SHA-256"):
        import_bundle(kb, path)
    assert state(kb) == before


def test_dry_run_checks_every_attachment(kb, tmp_path: Path) -> None:
    path = kit.write_swapped_attachment(tmp_path / "b.zebkb", b"a" * 900, b"b" * 900)
    with pytest.raises(BundleError, match="does not match the SHA-256"):
        import_bundle(kb, path, dry_run=True)


def test_cancel_before_the_copy_changes_nothing(kb, tmp_path: Path, copy_mode: str) -> None:
    files = photos(3)
    records = [kit.case(attachments=[kit.attachment_ref(f)]) for f in files]
    path = kit.write(tmp_path / "b.zebkb", records=records, attachments=files)
    before = state(kb)
    with pytest.raises(ImportCancelled):
        import_bundle(kb, path, cancel=lambda: True)
    assert state(kb) == before


def test_cancel_during_the_inline_copy_takes_the_files_back(kb, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(copier, "CHILD_MIN_BYTES", 1 << 62)
    files = photos(4)
    records = [kit.case(attachments=[kit.attachment_ref(f)]) for f in files]
    path = kit.write(tmp_path / "b.zebkb", records=records, attachments=files)
    before = state(kb)
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 3  # after the first files went in

    with pytest.raises(ImportCancelled):
        import_bundle(kb, path, cancel=cancel)
    assert state(kb) == before


# -- the copy itself ---------------------------------------------------------------------------


def _job(tmp_path: Path, n: int, size: int = 200_000) -> tuple[Path, CopyJob]:
    files = photos(n, size)
    path = kit.write(
        tmp_path / "b.zebkb",
        records=[kit.case(attachments=[kit.attachment_ref(f)]) for f in files],
        attachments=files,
    )
    job = CopyJob(
        bundle=path,
        store=tmp_path / "store",
        store_files=tuple((kit.sha(f), len(f)) for f in files),
        check_files=(),
    )
    return path, job


def test_run_copy_stops_between_files(tmp_path: Path) -> None:
    path, job = _job(tmp_path, 4)
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2  # before the third file

    with open_bundle(path, now=kit.NOW) as bundle, pytest.raises(CopyStopped):
        run_copy(job, bundle.source, checked=lambda: None, stop=stop)
    # Files go in place only when all are checked: none is, and nothing half-written is left.
    assert job.placed() == []
    assert not [p for p in job.store.rglob("*") if p.is_file()]


def test_files_appear_only_once_all_are_checked(tmp_path: Path) -> None:
    """A lying last file: the good ones before it were written and checked, but never shown."""
    good = photos(3)
    claimed = os.urandom(30_000)
    path = kit.write(tmp_path / "b.zebkb", records=[kit.case()], attachments=good)
    lying = kit.write_swapped_attachment(tmp_path / "l.zebkb", claimed, os.urandom(30_000))
    job = CopyJob(path, tmp_path / "store", tuple((kit.sha(f), len(f)) for f in good), ())
    seen: list[list[str]] = []

    def stop() -> bool:
        seen.append(sorted(p.name for p in job.store.rglob("*") if p.is_file()))
        return False

    with open_bundle(path, now=kit.NOW) as bundle:
        run_copy(job, bundle.source, checked=lambda: None, stop=stop)
    # Asked before each of the three files is written, then before each is put in place.
    assert len(seen) == 6
    writing = seen[:3]
    assert all(not [n for n in names if not n.startswith(".incoming-")] for names in writing)
    assert sorted(p.name for p in job.store.rglob("*") if p.is_file()) == sorted(
        kit.sha(f) for f in good
    )
    with open_bundle(lying, now=kit.NOW, verify_attachments=False) as bundle:
        bad_job = CopyJob(lying, tmp_path / "store2", ((kit.sha(claimed), 30_000),), ())
        with pytest.raises(BundleError):
            run_copy(bad_job, bundle.source, checked=lambda: None, stop=lambda: False)
    assert not [p for p in (tmp_path / "store2").rglob("*") if p.is_file()]


def test_child_copy_stored_and_reported(tmp_path: Path) -> None:
    _path, job = _job(tmp_path, 3)
    copy = ChildCopy(job, source=None)
    try:
        copy.wait(lambda: False)
    finally:
        copy.close()
    assert copy.done == 3
    assert sorted(job.placed()) == sorted(sha for sha, _size in job.store_files)


def test_child_copy_stops_when_asked(tmp_path: Path) -> None:
    # Two hundred fsynced files take far longer than the stop message needs to arrive.
    _path, job = _job(tmp_path, 200, 50_000)
    copy = ChildCopy(job, source=None)
    copy.stop()
    try:
        with pytest.raises(CopyStopped):
            copy.wait(lambda: True)
    finally:
        copy.close()
    assert len(job.placed()) < 200
    assert not list(job.store.glob(".incoming-*"))


def test_helper_whose_importer_is_gone_places_nothing(tmp_path: Path) -> None:
    """The importing process killed: the helper sees its input end and stops, no file placed."""
    _path, job = _job(tmp_path, 200, 50_000)
    copy = ChildCopy(job, source=None)
    copy._proc.stdin.close()  # what the helper sees when its parent dies
    try:
        assert copy._proc.wait(60) == 0
    finally:
        copy.close()
    assert not [p for p in job.store.rglob("*") if p.is_file()]


def test_child_copy_killed_while_copying_is_reported_in_words(tmp_path: Path) -> None:
    _path, job = _job(tmp_path, 200, 200_000)
    copy = ChildCopy(job, source=None)
    while not copy._heard:  # the helper says it is up before it copies anything
        copy._next(5)
    copy._proc.kill()
    try:
        with pytest.raises(KnownError, match="stopped unexpectedly"):
            copy.wait(lambda: False)
    finally:
        copy.close()
    assert not list(job.store.glob(".incoming-*"))


def test_helper_that_never_starts_leaves_the_copy_to_this_process(tmp_path, monkeypatch) -> None:
    path, job = _job(tmp_path, 3)
    monkeypatch.setattr(
        copier, "_child_command", lambda: ([sys.executable, "-c", "import sys; sys.exit(1)"], None)
    )
    with open_bundle(path, now=kit.NOW) as bundle:
        copy = ChildCopy(job, bundle.source)
        try:
            copy.wait(lambda: False)
        finally:
            copy.close()
    assert sorted(job.placed()) == sorted(sha for sha, _size in job.store_files)
    monkeypatch.setattr(copier, "_child_command", lambda: (["/nonexistent/zebkb-cli"], None))
    with open_bundle(path, now=kit.NOW) as bundle:
        copy = ChildCopy(job, bundle.source)
        copy.wait(lambda: False)  # the files are there already: checked and kept
        copy.close()


def test_child_copy_refuses_a_lying_entry(tmp_path: Path) -> None:
    claimed = os.urandom(5000)
    path = kit.write_swapped_attachment(tmp_path / "b.zebkb", claimed, os.urandom(5000))
    job = CopyJob(path, tmp_path / "store", ((kit.sha(claimed), 5000),), ())
    copy = ChildCopy(job, source=None)
    try:
        with pytest.raises(BundleError, match="does not match the SHA-256") as refused:
            copy.wait(lambda: False)
    finally:
        copy.close()
    assert refused.value.message_ja != refused.value.message_en  # both languages came across
    assert job.placed() == []


def test_child_copy_of_a_vanished_bundle_is_refused(tmp_path: Path) -> None:
    path, job = _job(tmp_path, 1)
    path.unlink()
    copy = ChildCopy(job, source=None)
    try:
        with pytest.raises(BundleError, match="cannot be read again"):
            copy.wait(lambda: False)
    finally:
        copy.close()


def test_the_command_line_knows_the_helper_by_the_copier_name() -> None:
    from zebkb.cli.main import CHILD_COPY

    assert CHILD_COPY == copier.CHILD_COMMAND


@pytest.mark.parametrize("engine_name", ["sqlite"])  # before-import backups: SQLite's
def test_import_that_changes_nothing_writes_no_backup(kb, tmp_path: Path) -> None:
    files = photos(2)
    records = [kit.case(attachments=[kit.attachment_ref(f)]) for f in files]
    path = kit.write(tmp_path / "b.zebkb", records=records, attachments=files)
    import_bundle(kb, path)
    after_first = state(kb)
    assert len(after_first["backups"]) == 1
    assert import_bundle(kb, path).plan.counts()["unchanged"] == 2
    assert state(kb) == after_first


def test_progress_counts_files_as_they_are_checked(kb, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(copier, "CHILD_MIN_BYTES", 1 << 62)
    files = photos(4)
    records = [kit.case(attachments=[kit.attachment_ref(f)]) for f in files]
    path = kit.write(tmp_path / "b.zebkb", records=records, attachments=files)
    seen: list[tuple[int, int]] = []
    import_bundle(kb, path, progress=lambda done, total: seen.append((done, total)))
    total = seen[-1][1]
    assert seen[-1] == (total, total)
    # Before the files are placed (all at the end), the count already moves file by file.
    assert [done for done, _t in seen[:-1]][:4] == [0, 1, 2, 3]
