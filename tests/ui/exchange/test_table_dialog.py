"""Window parts for lists and e-mail: list import (mapping, preview, apply, undo), list export,
e-mail drafts, and the import dialog taking a received .eml."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDropEvent
from zebkb_main_kit import QT_LOG_IGNORE, ctx
from zebkb_testing import KATSUSHIKA, case_record

from zebkb.ui.exchange.table_dialog import (
    MAX_COLUMN_NAME_WIDTH,
    MAX_TITLE_WIDTH,
    TableImportDialog,
    export_list_to,
    write_mail_drafts,
)

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]
_ = ctx


def idle(qtbot: Any, context: Any) -> None:
    qtbot.waitUntil(lambda: not context.runner.busy, timeout=10_000)


def write_list(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["施設名", "区", "延床面積(㎡)", "新築・改修", "担当者"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def home(ctx):
    ctx.kb.set_home_ward(KATSUSHIKA)
    return ctx


def open_dialog(qtbot: Any, context: Any) -> TableImportDialog:
    dialog = TableImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_preview_then_import_then_undo(qtbot, home, tmp_path) -> None:
    path = write_list(tmp_path / "list.xlsx", [["水元小学校", "葛飾区", "7,985.46㎡", "新築", "x"]])
    dialog = open_dialog(qtbot, home)
    assert not dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.load(path)
    assert dialog.preview_table.rowCount() == 1
    assert dialog.preview_table.item(0, 1).text() == "追加"
    assert dialog.mapping_combo(0).currentData() == "facility_name"
    assert dialog.mapping_combo(4).currentData() is None  # 担当者: not a field
    assert home.kb.list_records() == []  # nothing written by the preview
    assert dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.imported, timeout=10_000) as blocker:
        dialog.import_button.click()
    assert len(blocker.args[0].added) == 1
    idle(qtbot, home)
    assert [r.title for r in home.kb.list_records()] == ["水元小学校"]
    assert "追加 1件" in dialog.summary.text()
    assert dialog.undo_button.isEnabled()

    with qtbot.waitSignal(dialog.undone, timeout=10_000):
        dialog.undo_button.click()
    idle(qtbot, home)
    assert home.kb.list_records() == []


def test_problems_are_shown_by_row_and_a_changed_mapping_plans_again(qtbot, home, tmp_path) -> None:
    path = write_list(tmp_path / "bad.xlsx", [["水元小学校", "葛飾区", "広い", "新築", "x"]])
    dialog = open_dialog(qtbot, home)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.load(path)
    assert dialog.preview_table.item(0, 1).text() == "取り込めない"
    assert dialog.preview_table.item(0, 4).text().startswith("2行目 C列（延床面積(㎡)）:")
    assert not dialog.import_button.isEnabled()
    assert "取り込めません" in dialog.summary.text()

    # Not importing the area column any more: the row can go in.
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.mapping_combo(2).setCurrentIndex(0)
    assert dialog.preview_table.item(0, 1).text() == "追加"
    assert dialog.import_button.isEnabled()


def test_a_default_fills_a_field_no_column_gives_and_is_remembered(qtbot, home, tmp_path) -> None:
    """No 新築・改修 column: a default 新築 lets the rows in; the next list of that shape has it."""
    from zebkb_main_kit import open_window

    def shaped(path: Path, rows: list[list[object]]) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["施設名", "区", "延床面積(㎡)"])
        for row in rows:
            ws.append(row)
        wb.save(path)
        return path

    window = open_window(qtbot, home)
    lists = [
        shaped(
            tmp_path / "a.xlsx", [["水元小学校", "葛飾区", 7985], ["宝木塚小学校", "葛飾区", None]]
        ),
        shaped(tmp_path / "b.xlsx", [["常盤中学校", "葛飾区", 6100]]),
    ]
    for round_, path in enumerate(lists):
        dialog = window.exchange.open_table_import(path)
        qtbot.waitUntil(lambda d=dialog: d.preview is not None, timeout=10_000)
        combo, edit = dialog.default_row(0)
        if round_ == 0:
            assert dialog.source_label.text().startswith("列の対応は見出しから推定しました")
            # The required field nothing gives is offered first, empty; the rows are refused.
            assert (combo.currentData(), edit.text()) == ("project_type", "")
            assert not dialog.import_button.isEnabled()
            assert "新築・改修" in dialog.preview_table.item(0, 4).text()
            with qtbot.waitSignal(dialog.previewed, timeout=10_000):
                dialog.set_default("project_type", "新築")
            assert dialog.source_label.text().startswith("列の対応を変更しました")
        else:
            # Remembered with the mapping: the same default, filled in at once.
            assert dialog.source_label.text().startswith("列の対応と既定値は")
            assert (combo.currentData(), edit.text()) == ("project_type", "新築")
        assert [dialog.preview_table.item(r, 1).text() for r in range(len(lists) - round_)] == [
            "追加"
        ] * (len(lists) - round_)
        with qtbot.waitSignal(dialog.imported, timeout=10_000):
            dialog.import_button.click()
        idle(qtbot, home)
        dialog.close()
        qtbot.waitUntil(lambda: window.dialogs.get("table_import") is None)
    records = [home.kb.require(r.uid) for r in home.kb.list_records()]
    assert sorted(r["facility_name"] for r in records) == [
        "宝木塚小学校",
        "常盤中学校",
        "水元小学校",
    ]
    assert {r["project_type"] for r in records} == {"new"}


def test_the_language_changes_mid_preview(qtbot, home, tmp_path) -> None:
    """Switching to English with a preview on screen: mapping, defaults, rows and problems follow."""
    path = write_list(tmp_path / "list.xlsx", [["水元小学校", "葛飾区", "広い", "新築", "x"]])
    dialog = open_dialog(qtbot, home)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.load(path)
    assert dialog.preview_table.item(0, 1).text() == "取り込めない"
    assert dialog.mapping_combo(0).currentText() == "施設名"
    home.tr.set_language("en")
    assert dialog.mapping_combo(0).currentText() == "Facility"
    assert dialog.mapping_combo(4).currentText() == dialog.ctx.tr.t("tables.mapping.skip")
    assert dialog.preview_table.item(0, 1).text() == "Refused"
    assert dialog.preview_table.item(0, 2).text() == "Case"
    assert dialog.preview_table.item(0, 4).text().startswith("row 2, column C")
    assert dialog.source_label.text() == dialog.ctx.tr.t("tables.source.guessed")
    combo, edit = dialog.default_row(dialog.defaults_table.rowCount() - 1)
    assert combo.currentText() == dialog.ctx.tr.t("tables.defaults.none")
    assert edit.placeholderText() == dialog.ctx.tr.t("tables.defaults.placeholder")
    # The mapping itself is as it was: nothing was planned again.
    assert dialog.mapping_combo(0).currentData() == "facility_name"


def test_a_long_import_shows_progress_and_cancels_to_nothing(qtbot, home, tmp_path) -> None:
    """Thousands of rows take seconds: a progress dialog, and its Cancel writes nothing."""
    import threading

    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from zebkb.ui.core.ops import CollectionOp

    rows = [[f"区立施設{i}", "葛飾区", "1,000", "新築", ""] for i in range(250)]
    dialog = open_dialog(qtbot, home)
    with qtbot.waitSignal(dialog.previewed, timeout=30_000):
        dialog.load(write_list(tmp_path / "big.xlsx", rows))
    assert dialog.import_button.isEnabled()
    # The writer is busy with something else, so the import waits in line to be cancelled.
    release = threading.Event()
    CollectionOp(dialog, lambda: release.wait(10), runner=home.runner).run_in_background()
    dialog.import_button.click()
    (progress,) = dialog.findChildren(QProgressDialog)
    assert progress.labelText() == "一覧表を取り込んでいます…"
    (cancel,) = progress.findChildren(QPushButton)
    assert cancel.text() == "キャンセル"
    cancel.click()
    release.set()
    idle(qtbot, home)
    assert home.kb.list_records() == []
    assert dialog.summary.text() == "取り込みを中止しました。何も変わっていません。"
    assert dialog.import_button.isEnabled()  # it may be tried again
    with qtbot.waitSignal(dialog.imported, timeout=30_000):
        dialog.import_button.click()
    idle(qtbot, home)
    assert len(home.kb.list_records()) == 250


def test_while_another_list_is_read_the_last_one_cannot_be_imported(qtbot, home, tmp_path) -> None:
    """The file label names the new list at once: the old preview and its Import go with it."""
    first = write_list(tmp_path / "a.xlsx", [["水元小学校", "葛飾区", "1,000", "新築", ""]])
    second = write_list(tmp_path / "b.xlsx", [["宝木塚小学校", "葛飾区", "2,000", "新築", ""]])
    dialog = open_dialog(qtbot, home)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.load(first)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.load(second)
        assert not dialog.import_button.isEnabled()
        assert dialog.preview_table.rowCount() == 0
        assert dialog.summary.text() == "b.xlsx を読み込んでいます…"
    assert dialog.preview_table.item(0, 3).text() == "宝木塚小学校"
    assert dialog.import_button.isEnabled()


def test_a_dropped_file_is_previewed(qtbot, home, tmp_path) -> None:
    path = write_list(tmp_path / "drop.xlsx", [["宝木塚小学校", "葛飾区", 6200, "新築", None]])
    dialog = open_dialog(qtbot, home)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.dropEvent(event)
    assert dialog.preview_table.item(0, 3).text() == "宝木塚小学校"


def test_an_unreadable_file_is_said_in_one_line(qtbot, home, tmp_path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    dialog = open_dialog(qtbot, home)
    dialog.load(path)
    idle(qtbot, home)
    qtbot.waitUntil(lambda: ".xls" in dialog.summary.text(), timeout=10_000)
    assert "\n" not in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


def test_export_the_selected_records_as_a_list(qtbot, home, tmp_path) -> None:
    first = home.kb.save(case_record(title="一つ目", facility_name="施設A"))
    home.kb.save(case_record(title="二つ目", facility_name="施設B"))
    uid = first["uid"] if isinstance(first, dict) else first.record["uid"]
    told: list[str] = []
    out = tmp_path / "一覧.xlsx"
    export_list_to(home, None, out, [uid], notify=told.append)
    qtbot.waitUntil(lambda: bool(told), timeout=10_000)
    assert "1件" in told[0]
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row == 2
    assert ws["C2"].value == "一つ目"


def test_mail_drafts_are_written_and_opened(qtbot, home, tmp_path, monkeypatch) -> None:
    home.kb.save(case_record())
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    told: list[str] = []
    write_mail_drafts(home, None, tmp_path / "drafts", notify=told.append)
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    drafts = sorted((tmp_path / "drafts").glob("*.eml"))
    assert [Path(p) for p in opened] == drafts
    message = email.message_from_bytes(drafts[0].read_bytes(), policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert "葛飾区" in message["Subject"]
    assert "下書きを1通" in told[0]


def test_mail_drafts_show_progress_and_cancel_writes_none(qtbot, home, tmp_path, monkeypatch):
    """Writing the drafts is a whole export: it shows progress and can be cancelled."""
    import threading

    from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

    from zebkb.ui.core.ops import CollectionOp

    home.kb.save(case_record())
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    parent = QWidget()
    qtbot.addWidget(parent)
    told: list[str] = []
    release = threading.Event()
    CollectionOp(parent, lambda: release.wait(10), runner=home.runner).run_in_background()
    write_mail_drafts(home, parent, tmp_path / "drafts", notify=told.append)
    (progress,) = parent.findChildren(QProgressDialog)
    assert progress.labelText() == "メールの下書きを作成しています…"
    (cancel,) = progress.findChildren(QPushButton)
    cancel.click()
    release.set()
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert told == ["メールの下書きの作成を中止しました。何も作成していません。"]
    assert not list((tmp_path / "drafts").glob("*.eml"))


def test_the_import_dialog_takes_the_bundles_out_of_a_received_eml(qtbot, home, tmp_path) -> None:
    from zebkb.bundle.mail import Sender, write_drafts
    from zebkb.service.exchange import export_bundle
    from zebkb.ui.exchange.import_dialog import ImportDialog

    home.kb.save(case_record())
    result = export_bundle(home.kb, tmp_path / "x.zebkb")
    drafts = write_drafts(result.parts, tmp_path / "mail", Sender(KATSUSHIKA, "葛飾区", None),
                          when=home.kb.clock())  # fmt: skip
    dialog = ImportDialog(home)
    qtbot.addWidget(dialog)
    dialog.add_files(drafts)
    qtbot.waitUntil(lambda: not any(e.pending for e in dialog.entries), timeout=10_000)
    assert len(dialog.entries) == 1
    entry = dialog.entries[0]
    assert entry.error is None
    assert entry.plan is not None
    assert entry.path.suffix == ".zebkb"
    scratch = entry.path.parent
    dialog.done(0)  # closing drops the bundles taken out of the message
    assert not scratch.exists()


def test_record_pane_shows_a_pdf_thumbnail_and_marks_old_office_files(qtbot, home) -> None:
    from zebkb.ui.main.detail import DetailPane

    pane = DetailPane(home)
    qtbot.addWidget(pane)
    record = {
        "attachments": [
            {
                "sha256": "a" * 64,
                "filename": "資料.pdf",
                "media_type": "application/pdf",
                "size": 10,
            },
            {
                "sha256": "b" * 64,
                "filename": "古い.doc",
                "media_type": "application/msword",
                "size": 10,
            },
        ]
    }
    text = pane._attachments_html(record)
    assert text.count("<img ") == 1
    assert "検索対象外" in text


def test_the_window_has_the_menu_entries_and_a_dropped_list_opens_the_import(
    qtbot, home, tmp_path
) -> None:
    from zebkb_main_kit import open_window

    window = open_window(qtbot, home)
    actions = window.exchange.actions
    assert actions["table_import"].text() == "一覧表から取り込み…"
    assert actions["table_export"].text() == "一覧表に書き出し…"
    assert actions["mail"].text() == "メールで送る…"
    path = write_list(tmp_path / "dropped.xlsx", [["宝木塚小学校", "葛飾区", 6200, "新築", None]])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    assert window.exchange.eventFilter(window, event)
    dialog = window.dialogs.get("table_import")
    assert isinstance(dialog, TableImportDialog)
    qtbot.waitUntil(lambda: dialog.preview_table.rowCount() == 1, timeout=10_000)
    dialog.close()


def test_export_as_a_list_writes_what_the_results_show(qtbot, home, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog
    from zebkb_main_kit import open_window, search

    home.kb.save(case_record(title="宝木塚小", facility_name="宝木塚小学校"))
    home.kb.save(case_record(title="常盤中", facility_name="常盤中学校"))
    window = open_window(qtbot, home)
    search(qtbot, window, "宝木塚")
    out = tmp_path / "shown.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.exchange.actions["table_export"].trigger()
    dialog = window.dialogs["table_export"]
    assert dialog.scope() == "shown"
    with qtbot.waitSignal(dialog.written, timeout=10_000):
        dialog.export_button.click()
    ws = openpyxl.load_workbook(out).active
    assert [row[2].value for row in ws.iter_rows(min_row=2)] == ["宝木塚小"]
    dialog.close()
    # In English the suggested file name is English too.
    suggested: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda _p, _t, name, *a, **k: (suggested.append(name), "")
    )
    home.tr.set_language("en")
    window.exchange.actions["table_export"].trigger()
    window.dialogs["table_export"].export_button.click()
    assert suggested == ["list.xlsx"]


def test_export_a_fiscal_year_as_the_command_line_does(qtbot, home, tmp_path, monkeypatch) -> None:
    """The window's list export offers 年度 like `zebkb table export --fiscal-year Y --type T`."""
    from PySide6.QtWidgets import QFileDialog
    from zebkb_main_kit import open_window

    from zebkb.service.tables import records_for_list

    home.kb.load_demo()
    window = open_window(qtbot, home)
    for round_, (year, kind) in enumerate(((2024, None), (2022, "case"))):
        out = tmp_path / f"fy{round_}.xlsx"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, o=out, **k: (str(o), ""))
        window.exchange.actions["table_export"].trigger()
        dialog = window.dialogs["table_export"]
        qtbot.waitUntil(lambda d=dialog: d.years is not None, timeout=10_000)
        assert 2024 in dialog.years
        # Named in the window's date style (western by default), and again on a change.
        assert dialog.year.itemText(dialog.year.findData(2024)) == "2024年度"
        home.settings.date_style = "japanese"
        assert dialog.year.itemText(dialog.year.findData(2024)) == "令和6年度"
        home.settings.date_style = "western"
        assert dialog.choose_year(year, kind)
        assert dialog.kind.currentText() == ("事例" if kind else "すべての種別")
        with qtbot.waitSignal(dialog.written, timeout=10_000) as said:
            dialog.export_button.click()
        expected = records_for_list(home.kb, fiscal_year=year, kind=kind)
        assert expected
        ws = openpyxl.load_workbook(out).active
        assert [row[0].value for row in ws.iter_rows(min_row=2)] == [r["uid"] for r in expected]
        assert f"{len(expected)}件の記録を" in said.args[0]
        dialog.close()
        qtbot.waitUntil(lambda: window.dialogs.get("table_export") is None)


@pytest.mark.parametrize("first", ["ja", "en"])
def test_every_preview_and_mapping_column_is_whole_in_both_languages(
    qtbot, home, tmp_path, first
) -> None:
    """At 1280×800 the headers, row numbers, actions and kinds are whole, and each list
    column's name in the mapping, also for rows scrolled out of view (a refused row and a
    long column name far down) and after a language switch; a long title is elided with
    its tooltip whole."""
    from zebkb_main_kit import view_column_problems

    home.tr.set_language(first)
    wb = openpyxl.Workbook()
    ws = wb.active
    extra = [f"メモ{i}" for i in range(20)] + ["担当課からの補足説明（令和6年度）"]
    ws.append(["施設名", "区", "延床面積(㎡)", "新築・改修", *extra])
    long_title = "葛飾区立水元小学校・水元中学校併設校舎改築工事（ZEB Ready認証取得）"
    for i in range(60):
        name = long_title if i == 50 else f"水元小学校{i}"
        ws.append([name, "葛飾区", "7,985.46㎡", "新築", *[""] * len(extra)])
    ws.append(["水元図書館", "葛飾区", "広い", "新築", *[""] * len(extra)])
    path = tmp_path / "long.xlsx"
    wb.save(path)
    dialog = open_dialog(qtbot, home)
    dialog.resize(1280, 800)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.load(path)
    preview, mapping = dialog.preview_table, dialog.mapping_table
    qtbot.waitUntil(lambda: preview.viewport().width() > 600)
    assert preview.rowAt(preview.viewport().height()) != -1  # the refused row is out of view
    assert mapping.rowAt(mapping.viewport().height()) != -1
    keys = ("row", "action", "kind", "title", "problems")
    problems: list[tuple[object, ...]] = []
    firsts: list[tuple[str, str]] = []
    for lang in (first, "en" if first == "ja" else "ja", first):
        home.tr.set_language(lang)
        problems += view_column_problems(
            preview,
            keys,
            ("preview", lang),
            ("row", "action", "kind", "title"),
            {"title": MAX_TITLE_WIDTH},
        )
        problems += view_column_problems(
            mapping,
            ("column", "field"),
            ("mapping", lang),
            ("column",),
            {"column": MAX_COLUMN_NAME_WIDTH},
        )
        firsts.append((lang, mapping.item(0, 0).text()))
    assert problems == [], "\n".join(map(repr, problems))
    # The column names follow the language too.
    names = {"ja": "A列（施設名）", "en": "A (施設名)"}
    assert firsts == [(lang, names[lang]) for lang, _ in firsts]
    assert preview.item(50, 3).toolTip() == long_title
    far = mapping.item(mapping.rowCount() - 1, 0)
    assert far.toolTip() == far.text()
    assert "補足説明" in far.text()
    last = preview.rowCount() - 1
    assert preview.item(last, 1).text() == home.tr.t("tables.action.refused")
    assert preview.item(last, 4).toolTip() == preview.item(last, 4).text()


def test_the_opening_hint_follows_a_language_switch(qtbot, home) -> None:
    """ファイル → 一覧表から取り込み…, then 表示 → 言語 → English: the hint is English too."""
    dialog = open_dialog(qtbot, home)
    for lang in ("en", "ja", "en"):
        home.tr.set_language(lang)
        assert dialog.summary.text() == home.tr.t("tables.import.hint")
