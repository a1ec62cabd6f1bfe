"""A big import's search index is built before its commit and shown with it: the same index a
rebuild from the database gives, never shown for an import that does not commit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit

from zebkb.bundle import copier
from zebkb.bundle.errors import BundleError
from zebkb.search.engine import BULK_MIN
from zebkb.service import KnowledgeBase
from zebkb.service.exchange import ImportCancelled, import_bundle
from zebkb.store import changelog

QUERIES = ["清掃事務所", "ZEB", "点検記録", "太陽光", "区立", "高断熱 LED照明", "ward:131229"]


@pytest.fixture(params=["inline", "child"])
def copy_mode(request, monkeypatch) -> str:
    monkeypatch.setattr(copier, "CHILD_MIN_BYTES", 0 if request.param == "child" else 1 << 62)
    return request.param


def answers(kb: KnowledgeBase) -> dict[str, list[str]]:
    return {q: sorted(h.uid for h in kb.search(q, limit=5000).hits) for q in QUERIES}


def generations(kb: KnowledgeBase) -> list[str]:
    folder = kb.data_dir / "index"
    # A knowledge base nothing was written to has no index folder yet (a read makes none).
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def big_bundle(path: Path, *, lying: bool = False) -> tuple[Path, dict]:
    """BULK_MIN records, one with a text attachment whose words only that file holds."""
    memo = "太陽光発電パネルの点検記録".encode()
    records = [
        kit.case(title=f"区立施設{i}の改修", facility_name=f"区立施設{i}") for i in range(BULK_MIN)
    ]
    records[7]["attachments"] = [kit.attachment_ref(memo, "memo.txt", media_type="text/plain")]
    spec = kit.Spec(records=records, attachments=[memo])
    if lying:
        claimed = os.urandom(4000)
        name = f"attachments/{kit.sha(claimed)}"
        records[8]["attachments"] = [kit.attachment_ref(claimed)]
        spec.extra.append(kit.Entry(name, os.urandom(4000), kit.zipfile.ZIP_STORED))
        spec.listed_extra = False
        doc = spec.manifest_doc()
        doc["files"].append({"path": name, "sha256": kit.sha(claimed), "size": 4000})
        spec.manifest["files"] = doc["files"]
    return kit.write(path, spec), records[7]


@pytest.fixture
def adopted(monkeypatch) -> list[bool]:
    """What SearchIndex.adopt answered: whether a generation built before the commit was shown."""
    from zebkb.search.engine import SearchIndex

    answered: list[bool] = []
    real = SearchIndex.adopt

    def spy(self, aside, **kwargs):
        answered.append(real(self, aside, **kwargs))
        return answered[-1]

    monkeypatch.setattr(SearchIndex, "adopt", spy)
    return answered


def test_index_built_before_the_commit_is_the_rebuilt_one(kb, tmp_path, copy_mode, adopted) -> None:
    kept = kb.save(
        {
            "type": "case",
            "title": "葛飾区清掃事務所のZEB化",
            "ward": kit.KATSUSHIKA,
            "facility_name": "清掃事務所",
            "project_type": "new",
        }
    )
    path, with_memo = big_bundle(tmp_path / "big.zebkb")
    import_bundle(kb, path)
    assert adopted == [True]
    assert kb.index_is_current()
    imported = answers(kb)
    # The memo's words come from the attachment copied during the build.
    assert with_memo["uid"] in imported["点検記録"]
    assert kept["uid"] in imported["清掃事務所"]
    assert len(generations(kb)) == 1
    kb.reindex()
    assert answers(kb) == imported


def test_refused_import_leaves_the_index_as_it_was(kb, tmp_path, copy_mode, adopted) -> None:
    kb.save(
        {
            "type": "case",
            "title": "葛飾区清掃事務所のZEB化",
            "ward": kit.KATSUSHIKA,
            "facility_name": "清掃事務所",
            "project_type": "new",
        }
    )
    kb.reindex()  # an index to leave as it was (a search never builds one)
    before, gens = answers(kb), generations(kb)
    path, _ = big_bundle(tmp_path / "big.zebkb", lying=True)
    with pytest.raises(BundleError, match="does not match the SHA-256"):
        import_bundle(kb, path)
    assert adopted == []
    assert answers(kb) == before
    assert generations(kb) == gens
    assert kb.index_is_current()


def test_cancelled_import_leaves_the_index_as_it_was(kb, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(copier, "CHILD_MIN_BYTES", 1 << 62)
    kb.reindex()  # an index to leave as it was (a search never builds one)
    before, gens = answers(kb), generations(kb)
    path, _ = big_bundle(tmp_path / "big.zebkb")
    asked: list[int] = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 1  # once the copy (inside the index build) has begun

    with pytest.raises(ImportCancelled):
        import_bundle(kb, path, cancel=cancel)
    assert answers(kb) == before
    assert generations(kb) == gens


def test_index_failure_before_the_commit_does_not_fail_the_import(kb, tmp_path, monkeypatch):
    from zebkb.search.engine import SearchIndex

    def broken(*_args, **_kwargs):
        raise OSError("disk trouble in the index folder")

    monkeypatch.setattr(SearchIndex, "build_aside", broken)
    path, with_memo = big_bundle(tmp_path / "big.zebkb")
    import_bundle(kb, path)
    # The update after the commit did the work instead.
    assert kb.index_is_current()
    assert with_memo["uid"] in answers(kb)["点検記録"]


def _index_behind(kb) -> dict:
    saved = kb.save(
        {
            "type": "case",
            "title": "葛飾区清掃事務所のZEB化",
            "ward": kit.KATSUSHIKA,
            "facility_name": "清掃事務所",
            "project_type": "new",
        }
    )
    kb.index.update([], [saved["uid"]], state=0)  # the index now reflects an older state
    assert not kb.index_is_current()
    return saved


def test_index_behind_catches_up_from_the_change_log(kb, tmp_path, adopted) -> None:
    saved = _index_behind(kb)
    path, with_memo = big_bundle(tmp_path / "big.zebkb")
    import_bundle(kb, path)
    assert adopted == []  # not built aside: the index was behind when the import began
    # The log still holds every change since the index's state: it took them all in.
    assert kb.index_is_current()
    found = answers(kb)
    assert saved["uid"] in found["清掃事務所"]
    assert with_memo["uid"] in found["点検記録"]


def test_index_behind_a_pruned_log_is_left_to_the_next_rebuild(kb, tmp_path, adopted) -> None:
    _index_behind(kb)
    with kb.transaction() as txn:
        changelog.prune(txn.session, keep=0)  # the log no longer reaches back to state 0
    path, _ = big_bundle(tmp_path / "big.zebkb")
    import_bundle(kb, path)
    assert adopted == []
    assert len(generations(kb)) == 1
    assert not kb.index_is_current()  # a search or reindex rebuilds it whole


def test_cancel_is_heard_while_the_index_is_built(kb, tmp_path) -> None:
    """No attachments: the only chance to cancel after the start is during the index build."""
    records = [kit.case(title=f"区立施設{i}") for i in range(BULK_MIN)]
    path = kit.write(tmp_path / "plain.zebkb", records=records)
    kb.reindex()  # an index to leave as it was (a search never builds one)
    before, gens = answers(kb), generations(kb)
    asked: list[int] = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(ImportCancelled):
        import_bundle(kb, path, cancel=cancel)
    assert answers(kb) == before
    assert generations(kb) == gens
    assert kb.get(records[0]["uid"]) is None


def test_an_import_of_costly_pdfs_stays_bounded_and_records_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four small PDFs that cost pypdf seconds each: cut off in the helper, the import stands."""
    import subprocess
    import threading

    from zebkb.search.extract import FAILED_TIME, ExtractLimits

    started: list[subprocess.Popen[str]] = []
    real = subprocess.Popen

    def popen(*args: object, **kwargs: object) -> subprocess.Popen[str]:
        proc = real(*args, **kwargs)  # type: ignore[call-overload]
        started.append(proc)
        return proc

    monkeypatch.setattr(subprocess, "Popen", popen)
    pdfs = [kit_slow_pdf(i) for i in range(4)]
    records = [kit.case(title=f"区立施設{i}の改修") for i in range(4)]
    for record, pdf in zip(records, pdfs, strict=True):
        record["attachments"] = [
            kit.attachment_ref(pdf, "handout.pdf", media_type="application/pdf")
        ]
    path = kit.write(tmp_path / "pdfs.zebkb", kit.Spec(records=records, attachments=pdfs))
    with KnowledgeBase.open(tmp_path / "kb") as kb:
        kb.set_home_ward("131091")
        kb.extract_limits = ExtractLimits(max_seconds=0.3)
        import_bundle(kb, path)
        assert kb.count() == 4
        assert kb.text_failures() == {kit.sha(pdf): FAILED_TIME for pdf in pdfs}
        assert {h.uid for h in kb.search("区立施設", limit=10).hits} == {r["uid"] for r in records}
    assert started
    assert all(proc.poll() is not None for proc in started)
    assert not [t for t in threading.enumerate() if t.name == "zebkb-extract-reader"]


def kit_slow_pdf(n: int) -> bytes:
    """A few KB; pypdf spends seconds on its one page (100,000 text shows), far past
    the injected 0.3 s even on a quiet machine (it is killed there, so size costs nothing)."""
    from zebkb_testing import flate_pdf

    return flate_pdf(b"BT /F1 12 Tf 72 720 Td " + b"(ZEB%d) Tj 1 0 Td " % n * 100_000 + b"ET")
