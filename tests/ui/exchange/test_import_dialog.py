"""Import dialog: merge plan before writing, refusals that change nothing, apply, cancel, undo, drops."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtWidgets import QMessageBox
from zebkb_main_kit import QT_LOG_IGNORE, make_ctx, open_window, view_column_problems
from zebkb_testing import SHINAGAWA, case_record

from zebkb.keys import own_key
from zebkb.service.exchange import export_bundle
from zebkb.service.keys import trust_key
from zebkb.ui.exchange.exchange_log import ExchangeLogDialog
from zebkb.ui.exchange.import_dialog import ImportDialog, PlanModel, bundle_paths

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hand_record(**over: Any) -> dict[str, Any]:
    """A case as another ward's own script would write it (bundle-format.md alone)."""
    record = {
        "uid": str(uuid.uuid4()),
        "type": "case",
        "origin": SHINAGAWA,
        "created_at": "2025-03-01T09:00:00+09:00",
        "updated_at": "2025-03-01T09:00:00+09:00",
        "revision": 1,
        "title": "品川区立学校のZEB Ready化",
        "ward": SHINAGAWA,
        "facility_name": "品川区立学校",
        "project_type": "renovation",
        "zeb_rank": "ZEB Ready",
        "technologies": ["高断熱", "LED照明"],
    }
    record.update(over)
    return record


def hand_bundle(
    path: Path,
    records: list[dict[str, Any]],
    *,
    attachments: tuple[bytes, ...] = (),
    tamper: str | None = None,
) -> Path:
    """A bundle written with zipfile; ``tamper`` breaks one rule on purpose."""
    lines = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)
    entries = {"records.jsonl": lines}
    entries.update({f"attachments/{sha(a)}": a for a in attachments})
    files = [{"path": n, "sha256": sha(d), "size": len(d)} for n, d in entries.items()]
    if tamper == "hash":
        files[0]["sha256"] = "0" * 64
    manifest = {
        "format": "zebkb-bundle",
        "version": 1,
        "bundle_id": str(uuid.uuid4()),
        "created_at": "2025-03-18T08:00:00+09:00",
        "origin": {"ward": SHINAGAWA, "name": "品川区"},
        "files": files,
    }
    if tamper == "version":
        manifest["version"] = 9
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        for name, data in entries.items():
            zf.writestr(name, data)
        if tamper == "extra":
            zf.writestr("notes.txt", b"hello")
    return path


def open_dialog(qtbot: Any, context: Any, *paths: Path) -> ImportDialog:
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.plansReady, timeout=10000):
        dialog.add_files(list(paths))
    return dialog


def apply(qtbot: Any, dialog: ImportDialog) -> Any:
    with qtbot.waitSignal(dialog.importFinished, timeout=20000) as blocker:
        dialog.apply_button.click()
    return blocker.args[0]


def table_rows(dialog: ImportDialog) -> list[tuple[str, ...]]:
    model = dialog.model
    return [
        tuple(str(model.index(r, c).data()) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def test_plan_of_a_hand_written_bundle_before_anything_is_written(qtbot, ctx, kb, tmp_path) -> None:
    here = kb.save(case_record(title="葛飾区清掃事務所"))
    newer = dict(here, title="葛飾区清掃事務所(改修後)", updated_at="2025-03-18T09:30:00+09:00")
    newer["revision"] = here["revision"] + 1
    newer["bei"] = 0.49
    added = hand_record()
    path = hand_bundle(tmp_path / "shinagawa.zebkb", [added, newer])
    dialog = open_dialog(qtbot, ctx, path)

    header = dialog.header.text()
    assert "品川区（131091）" in header
    assert "署名なし" in header
    assert "追加 1" in header
    assert "更新 1" in header
    rows = table_rows(dialog)
    assert ("追加", "事例", added["title"], added["uid"]) in rows
    assert ("更新", "事例", newer["title"], here["uid"]) in rows
    assert dialog.apply_button.isEnabled()
    # The field-by-field difference of the update: label, value here, value in the bundle.
    dialog.table.selectRow(dialog.model.row_of(here["uid"]))
    diff = dialog.diff.texts()
    assert ("件名", "葛飾区清掃事務所", "葛飾区清掃事務所(改修後)") in diff
    assert ("BEI（再エネ除く）", "—", "0.49") in diff
    assert {name for name, _a, _b in diff}.isdisjoint({"版", "更新日時"}), diff
    # Nothing was written by planning.
    assert kb.get(added["uid"]) is None
    assert kb.require(here["uid"])["title"] == "葛飾区清掃事務所"

    outcome = apply(qtbot, dialog)
    assert outcome.bundle_ids
    assert not outcome.cancelled
    assert kb.require(added["uid"])["facility_name"] == "品川区立学校"
    assert kb.require(here["uid"])["title"] == "葛飾区清掃事務所(改修後)"
    assert "shinagawa.zebkb: 追加 1 / 更新 1" in dialog.status.text()
    assert "交換ログ" in dialog.status.text()
    assert not dialog.apply_button.isEnabled()


def test_the_plan_on_screen_follows_a_language_switch(qtbot, ctx, kb, tmp_path) -> None:
    """Header, the chosen record's line and its differences: English after the switch."""
    here = kb.save(case_record(title="葛飾区清掃事務所"))
    newer = dict(here, title="改修後", updated_at="2025-03-18T09:30:00+09:00")
    newer["revision"] = here["revision"] + 1
    dialog = open_dialog(qtbot, ctx, hand_bundle(tmp_path / "s.zebkb", [newer]))
    dialog.table.selectRow(dialog.model.row_of(here["uid"]))
    assert "送り元" in dialog.header.text()
    ctx.tr.set_language("en")
    header = dialog.header.text()
    assert "From:" in header
    assert "Shinagawa (131091)" in header
    assert "not signed" in header
    assert "送り元" not in header
    assert "署名" not in header
    assert dialog.diff_label.text().startswith("改修後 — Updated")
    assert "revision 1 here" in dialog.diff_label.text()
    assert ("Title", "葛飾区清掃事務所", "改修後") in dialog.diff.texts()
    # The row chosen stays chosen.
    assert dialog.table.currentIndex().row() == dialog.model.row_of(here["uid"])


def test_the_plan_header_follows_the_date_style(qtbot, ctx, kb, tmp_path) -> None:
    dialog = open_dialog(qtbot, ctx, hand_bundle(tmp_path / "s.zebkb", [hand_record()]))
    assert "令和" not in dialog.header.text()
    ctx.settings.date_style = "japanese"
    assert "作成:</b> 令和7年3月" in dialog.header.text()


def test_action_filter_shows_only_that_action(qtbot, ctx, kb, tmp_path) -> None:
    here = kb.save(case_record())
    records = [hand_record(title=f"事例{i}") for i in range(3)] + [dict(here)]
    dialog = open_dialog(qtbot, ctx, hand_bundle(tmp_path / "b.zebkb", records))
    assert dialog.model.rowCount() == 4
    dialog.only.setCurrentIndex(dialog.only.findData("unchanged"))
    assert [r[3] for r in table_rows(dialog)] == [here["uid"]]
    dialog.only.setCurrentIndex(dialog.only.findData("added"))
    assert dialog.model.rowCount() == 3


@pytest.mark.parametrize(
    ("tamper", "needle"),
    [("hash", "records.jsonl"), ("extra", "notes.txt"), ("version", "9")],
)
def test_refused_bundle_is_explained_and_changes_nothing(
    qtbot, kb, tmp_path, tamper, needle
) -> None:
    record = hand_record()
    path = hand_bundle(tmp_path / "bad.zebkb", [record], tamper=tamper)
    before = kb.count(include_deleted=True)
    # The entry at fault is named in either language.
    for lang in ("ja", "en"):
        context = make_ctx(kb, tmp_path / f"{lang}.ini", lang)
        try:
            dialog = open_dialog(qtbot, context, path)
            text = dialog.header.text()
            assert needle in text
            assert (
                "何も変更されていません" if lang == "ja" else "Nothing has been changed"
            ) in text
            assert "Traceback" not in text
            # The file's state, capitalised in English as Checking… and Added are.
            state = "取り込めません" if lang == "ja" else "Refused"
            assert dialog.files.item(0).text() == f"✕ bad.zebkb — {state}"
            assert not dialog.apply_button.isEnabled()
            dialog.apply()  # refused plans never reach the writer
            assert dialog.model.rowCount() == 0
        finally:
            context.runner.shutdown()
    assert kb.count(include_deleted=True) == before
    assert kb.get(record["uid"]) is None


def test_a_refused_file_blocks_the_others_until_removed(qtbot, ctx, kb, tmp_path) -> None:
    good = hand_bundle(tmp_path / "good.zebkb", [hand_record()])
    bad = hand_bundle(tmp_path / "bad.zebkb", [hand_record()], tamper="hash")
    dialog = open_dialog(qtbot, ctx, good, bad)
    assert not dialog.apply_button.isEnabled()
    assert "取り込めないファイル" in dialog.status.text()
    dialog.files.setCurrentRow(1)
    dialog.remove_button.click()
    assert dialog.files.count() == 1
    assert dialog.apply_button.isEnabled()
    apply(qtbot, dialog)
    assert kb.count() == 1


def test_exported_bundle_shows_signature_status_and_conflicts(
    qtbot, ctx, kb, peer, tmp_path
) -> None:
    # A record both wards have, then edited on both sides: a conflict.
    shared = peer.save(case_record(ward=SHINAGAWA, title="共有の事例"))
    export_bundle(peer, tmp_path / "first.zebkb")
    dialog = open_dialog(qtbot, ctx, tmp_path / "first.zebkb")
    assert "署名あり・信頼されていない鍵" in dialog.header.text()
    apply(qtbot, dialog)
    peer.clock.advance(minutes=5)
    peer.save(dict(peer.require(shared["uid"]), title="品川区で直した件名"))
    kb.save(dict(kb.require(shared["uid"]), title="葛飾区で直した件名"))
    trust_key(kb, own_key(peer.data_dir).public_key, SHINAGAWA)
    export_bundle(peer, tmp_path / "second.zebkb")
    dialog = open_dialog(qtbot, ctx, tmp_path / "second.zebkb")
    assert "検証済み" in dialog.header.text()
    assert "競合 1" in dialog.header.text()
    (row,) = [r for r in table_rows(dialog) if r[3] == shared["uid"]]
    assert "⚠ 競合" in row[0]
    dialog.only.setCurrentIndex(dialog.only.findData("conflict"))
    assert dialog.model.rowCount() == 1
    dialog.table.selectRow(0)
    assert ("件名", "葛飾区で直した件名", "品川区で直した件名") in dialog.diff.texts()
    apply(qtbot, dialog)
    assert "競合があります" in dialog.status.text()


def test_cancel_changes_nothing(qtbot, ctx, kb, tmp_path) -> None:
    records = [hand_record(title=f"事例{i}") for i in range(5)]
    dialog = open_dialog(qtbot, ctx, hand_bundle(tmp_path / "b.zebkb", records))
    gate = threading.Event()
    ctx.runner.submit(gate.wait, write=True)  # hold the writer so the cancel comes first
    with qtbot.waitSignal(dialog.importFinished, timeout=10000) as blocker:
        dialog.apply_button.click()
        assert not dialog.apply_button.isEnabled()
        dialog.apply_handle.reporter.cancel()
        gate.set()
    assert blocker.args[0].cancelled
    assert blocker.args[0].summaries == []
    assert kb.count(include_deleted=True) == 0
    assert "中止" in dialog.status.text()


def test_two_bundles_apply_together_and_undo_from_the_exchange_log(
    qtbot, ctx, kb, tmp_path, monkeypatch
) -> None:
    first = [hand_record(title="第一の事例")]
    second = [hand_record(title="第二の事例"), hand_record(title="第三の事例")]
    paths = [hand_bundle(tmp_path / "1.zebkb", first), hand_bundle(tmp_path / "2.zebkb", second)]
    dialog = open_dialog(qtbot, ctx, *paths)
    assert dialog.apply_button.text() == "取り込む（2 件のバンドル）"
    outcome = apply(qtbot, dialog)
    assert len(outcome.summaries) == 2
    assert kb.count() == 3

    log = ExchangeLogDialog(ctx)
    qtbot.addWidget(log)
    with qtbot.waitSignal(log.loaded, timeout=5000):
        log.show()
    assert log.received.rowCount() == 2
    row = next(r for r in range(2) if log.received.item(r, 2).text() == "2.zebkb")
    assert log.received.item(row, 1).text() == "品川区（131091）"
    assert log.received.item(row, 3).text() == "追加 2"
    log.received.selectRow(row)
    assert log.undo_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(log.undone, timeout=10000) as blocker:
        log.undo_button.click()
    assert sorted(blocker.args[0].removed) == sorted(r["uid"] for r in second)
    assert kb.count() == 1
    assert kb.get(first[0]["uid"]) is not None
    qtbot.waitUntil(lambda: "取り消し済み" in log.received.item(row, 5).text())


def test_bundles_dropped_on_the_main_window_open_the_plan(qtbot, ctx, kb, tmp_path) -> None:
    window = open_window(qtbot, ctx)
    path = hand_bundle(tmp_path / "dropped.zebkb", [hand_record()])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)), QUrl.fromLocalFile(str(tmp_path / "x.txt"))])
    assert bundle_paths(mime) == [path]
    dialog = window.exchange.drop_files(bundle_paths(mime))
    qtbot.waitUntil(dialog.apply_button.isEnabled, timeout=10000)
    assert window.dialogs["import"] is dialog
    assert "追加 1" in dialog.header.text()
    with qtbot.waitSignal(window.searchFinished, timeout=20000):
        dialog.apply_button.click()
    qtbot.waitUntil(lambda: len(window.results.results.uids()) == 1)


def test_big_attachments_are_copied_by_the_helper_process(
    qtbot, ctx, kb, tmp_path, monkeypatch
) -> None:
    """From the window too, a big copy runs in `zebkb _copy-attachments` and the import completes."""
    from zebkb.bundle import copier

    monkeypatch.setattr(copier, "CHILD_MIN_BYTES", 0)
    started: list[copier.ChildCopy] = []
    real_init = copier.ChildCopy.__init__

    def note(self, *args):
        real_init(self, *args)
        started.append(self)

    monkeypatch.setattr(copier.ChildCopy, "__init__", note)
    photos = (
        b"\x89PNG" + bytes(range(256)) * 400,
        b"%PDF" + bytes(255 - i for i in range(256)) * 300,
    )
    refs = [
        {"sha256": sha(p), "filename": f"file{i}.bin", "media_type": "image/png", "size": len(p)}
        for i, p in enumerate(photos)
    ]
    record = hand_record(attachments=refs)
    path = hand_bundle(tmp_path / "big.zebkb", [record], attachments=photos)
    dialog = open_dialog(qtbot, ctx, path)
    outcome = apply(qtbot, dialog)
    assert not outcome.cancelled
    assert len(started) == 1
    assert started[0]._proc.returncode == 0
    for photo in photos:
        assert kb.files.path(sha(photo)).read_bytes() == photo
    assert kb.require(record["uid"])["attachments"] == refs


def test_empty_bundle_is_a_plan_with_nothing_to_import(qtbot, ctx, kb, tmp_path) -> None:
    """A delta export when nothing changed: valid, nothing to do, logged, no crash."""
    path = hand_bundle(tmp_path / "empty.zebkb", [])
    dialog = open_dialog(qtbot, ctx, path)
    assert "取り込むものはありません" in dialog.header.text()
    assert dialog.model.rowCount() == 0
    assert dialog.apply_button.isEnabled()
    outcome = apply(qtbot, dialog)
    assert outcome.error is None
    assert len(outcome.summaries) == 1
    assert "empty.zebkb: 取り込むものはありません" in dialog.status.text()
    assert "取り消せます" not in dialog.status.text()
    assert kb.count(include_deleted=True) == 0

    log = ExchangeLogDialog(ctx)
    qtbot.addWidget(log)
    with qtbot.waitSignal(log.loaded, timeout=5000):
        log.show()
    assert log.received.rowCount() == 1
    assert log.received.item(0, 2).text() == "empty.zebkb"


def test_the_dialog_explains_itself_at_the_top(qtbot, ctx) -> None:
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    intro = dialog.intro
    assert intro.isVisible()
    assert "バンドル" in intro.text()
    assert "競合" in intro.text()
    # Above everything else in the dialog.
    assert intro.geometry().top() < dialog.files.geometry().top()
    ctx.tr.set_language("en")
    assert "bundles (.zip)" in intro.text()


def test_the_plan_names_rows_years_and_dates_in_the_date_style(qtbot, ctx, kb, tmp_path) -> None:
    """A row's fiscal year read 令和6年度 with western dates and 2024年度 never."""
    ctx.settings.date_style = "japanese"
    here = kb.save(case_record(title="葛飾区清掃事務所", completed_on="2024-03-31"))
    newer = dict(
        here,
        updated_at="2025-03-18T09:30:00+09:00",
        revision=here["revision"] + 1,
        completed_on="2024-03-29",
        operation_years=[{"fiscal_year": 2024, "primary_energy_mj_m2": 520}],
    )
    dialog = open_dialog(qtbot, ctx, hand_bundle(tmp_path / "s.zebkb", [newer]))
    dialog.table.selectRow(dialog.model.row_of(here["uid"]))
    diff = {name: (a, b) for name, a, b in dialog.diff.texts()}
    assert diff["竣工日"] == ("令和6年3月31日", "令和6年3月29日")
    assert diff["運用実績（年度別）"][1].startswith("年度: 令和6年度、")
    ctx.settings.date_style = "western"
    diff = {name: (a, b) for name, a, b in dialog.diff.texts()}
    assert diff["竣工日"] == ("2024年3月31日", "2024年3月29日")
    assert diff["運用実績（年度別）"][1].startswith("年度: 2024年度、")


@pytest.mark.parametrize("first", ["ja", "en"])
def test_every_plan_column_is_whole_in_both_languages(qtbot, ctx, kb, tmp_path, first) -> None:
    """At 1280×800 the Action column read "Unch…" in English: every header and value whole,
    also for rows scrolled out of view and after a language switch."""
    ctx.tr.set_language(first)
    here = kb.save(case_record(title="葛飾区清掃事務所"))
    newer = dict(here, title="改修後", updated_at="2025-03-18T09:30:00+09:00")
    newer["revision"] = here["revision"] + 1
    same = kb.save(case_record(title="変わらない事例"))
    records = [newer] + [hand_record(title=f"事例{i}") for i in range(40)] + [dict(same)]
    dialog = open_dialog(qtbot, ctx, hand_bundle(tmp_path / "b.zebkb", records))
    dialog.resize(1280, 800)
    qtbot.waitUntil(lambda: dialog.table.viewport().width() > 1000)
    problems: list[tuple[object, ...]] = []
    for lang in (first, "en" if first == "ja" else "ja", first):
        ctx.tr.set_language(lang)
        for only in range(dialog.only.count()):
            dialog.only.setCurrentIndex(only)
            where = (lang, dialog.only.currentData())
            problems += view_column_problems(
                dialog.table, PlanModel.COLUMNS, where, PlanModel.COLUMNS
            )
    assert problems == [], "\n".join(map(repr, problems))
