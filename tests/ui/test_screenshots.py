"""Screenshots of every screen and dialog, in Japanese and English: the one source.

Every run renders them (so a dialog that cannot draw fails here); with
ZEBKB_SCREENSHOTS=1 they are written to docs/screenshots/ for the README
(packaging/screenshots.py runs these tests so, into any folder).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from zebkb_main_kit import QT_LOG_IGNORE, make_ctx
from zebkb_testing import SHINAGAWA, FakeClock, case_record

from zebkb.service.exchange import export_bundle, import_bundle
from zebkb.ui.exchange.conflicts import ConflictsDialog
from zebkb.ui.exchange.exchange_log import ExchangeLogDialog
from zebkb.ui.exchange.export_dialog import ExportDialog
from zebkb.ui.exchange.import_dialog import ImportDialog
from zebkb.ui.main.overview_pane import OverviewPane

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def scene(tmp_path: Path, kb: Any, peer: Any) -> dict[str, Any]:
    """Katsushika with the demo records, a conflict, and a fresh bundle from Shinagawa."""
    kb.load_demo()
    shared = peer.save(
        case_record(
            ward=SHINAGAWA,
            title="品川区立小学校 改築",
            facility_name="品川区立小学校",
            floor_area_m2=8200.0,
        )
    )
    import_bundle(kb, export_bundle(peer, tmp_path / "base.zebkb").paths[0])
    peer.clock.advance(minutes=10)
    kb.clock.advance(minutes=5)
    peer.save(dict(peer.require(shared["uid"]), title="品川区立小学校 改築(竣工)", bei=0.48))
    kb.save(dict(kb.require(shared["uid"]), floor_area_m2=8250.0, tags=["学校"]))
    import_bundle(kb, export_bundle(peer, tmp_path / "conflict.zebkb").paths[0])
    peer.clock.advance(minutes=10)
    peer.save(case_record(ward=SHINAGAWA, title="品川区 清掃事務所 ZEB Ready"))
    peer.save(dict(peer.require(shared["uid"]), structure="RC"))
    fresh = export_bundle(peer, tmp_path / "shinagawa-20250318.zebkb").paths[0]
    return {"kb": kb, "bundle": fresh, "uid": shared["uid"]}


def written_to() -> Path | None:
    """Where the images are kept: docs/screenshots/ with ZEBKB_SCREENSHOTS=1, or the folder
    ZEBKB_SCREENSHOTS names (packaging/screenshots.py sets it); else only drawn."""
    wanted = os.environ.get("ZEBKB_SCREENSHOTS", "")
    if not wanted or wanted == "0":
        return None
    return DOCS if wanted == "1" else Path(wanted)


def shoot(widget: Any, name: str, tmp_path: Path, least: tuple[int, int] = (200, 150)) -> Path:
    image = widget.grab().toImage()
    assert image.width() > least[0]
    assert image.height() > least[1]
    # Not a blank image: a dialog that failed to lay out would be one flat colour.
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 23) for y in range(0, image.height(), 17)
    }
    assert len(colours) > 3
    out = written_to() or tmp_path
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    assert image.save(str(path))
    assert not QImage(str(path)).isNull()
    return path


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_screenshots(qtbot, scene, tmp_path, lang) -> None:
    context = make_ctx(scene["kb"], tmp_path / f"{lang}.ini", lang)
    try:
        dialog = ImportDialog(context)
        qtbot.addWidget(dialog)
        dialog.resize(980, 640)
        dialog.show()
        with qtbot.waitSignal(dialog.plansReady, timeout=10000):
            dialog.add_files([scene["bundle"]])
        row = dialog.model.row_of(scene["uid"])
        dialog.table.selectRow(row)
        assert dialog.diff.rowCount() > 0
        shoot(dialog, f"import-plan-{lang}", tmp_path)

        export = ExportDialog(context)
        qtbot.addWidget(export)
        with qtbot.waitSignal(export.estimated, timeout=5000):
            export.show()
        export.dest.setText(str(Path("~/Desktop/131229-131091-20250318.zebkb")))
        with qtbot.waitSignal(export.estimated, timeout=5000):
            export.cap.setChecked(True)
        shoot(export, f"export-{lang}", tmp_path)

        with qtbot.waitSignal(context.runner.opFinished, timeout=5000):
            conflicts = ConflictsDialog(context)
        qtbot.addWidget(conflicts)
        conflicts.resize(1000, 520)
        conflicts.show()
        assert conflicts.conflicts
        assert conflicts.status.text() == ""  # not "no open conflicts" beside one
        shoot(conflicts, f"conflicts-{lang}", tmp_path)

        log = ExchangeLogDialog(context)
        qtbot.addWidget(log)
        with qtbot.waitSignal(log.loaded, timeout=5000):
            log.show()
        assert log.received.rowCount() == 2
        shoot(log, f"exchange-log-{lang}", tmp_path)

        pane = OverviewPane(context)
        qtbot.addWidget(pane)
        pane.resize(1100, 900)
        pane.show()
        with qtbot.waitSignal(pane.refreshed, timeout=5000):
            pane.refresh()
        assert pane.conflict_button.isVisibleTo(pane)
        shoot(pane, f"overview-{lang}", tmp_path)

        # The editor with two problems at once (a negative area, a 13th month), each
        # beside its field, and the line saying why 保存 is greyed.
        from zebkb.ui.edit.editor import RecordEditorDialog

        editor = RecordEditorDialog(context, "case")
        qtbot.addWidget(editor, before_close_func=lambda d: d.done(0))
        editor.show()
        editor.set_values({"title": "水元小学校 改築", "floor_area_m2": "-1200"})
        editor.editors["completed_on"].edit.setText("令和6年13月1日")
        editor.editors["floor_area_m2"].edit.setText("-1200")
        with qtbot.waitSignal(editor.validated, timeout=3000):
            pass
        assert editor.field_error("floor_area_m2")
        assert editor.field_error("completed_on")
        shoot(editor, f"editor-case-{lang}", tmp_path)
        editor.done(0)
        dialog.close_plans()
    finally:
        context.runner.shutdown()


CASE = "6b5aaf5a-9c66-5667-9c85-a407169163eb"  # 葛飾区立水元小学校: rank, area, photo
SIZES = {"1280": (1280, 800), "1920": (1920, 1080)}
# Kana and CJK ideographs: what the English window's own texts must not hold.
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def own_texts(widget: Any) -> list[str]:
    """The texts zebkb itself puts on a shown widget (not record data shown in panes)."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar, QWidget

    texts = [widget.windowTitle()]
    for child in widget.findChildren(QWidget):
        if not child.isVisible():
            continue
        if isinstance(child, QAbstractButton | QLabel):
            texts.append(child.text())
        elif isinstance(child, QGroupBox):
            texts.append(child.title())
        elif isinstance(child, QTabBar):
            texts += [child.tabText(i) for i in range(child.count())]
    return [t for t in texts if t]


def settle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: window.answer is not None and not window.ctx.runner.busy)
    qtbot.waitUntil(lambda: not window.search_bar.timer.isActive())
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)


def shoot_modal(qtbot: Any, open_it: Any, name: str, tmp_path: Path) -> Path:
    """Shoot the modal box ``open_it`` opens (QMessageBox.question …), then answer No."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    shot: list[Path] = []
    answered: list[bool] = []

    def grab() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, grab)
            return
        try:
            shot.append(shoot(box, name, tmp_path, least=(150, 80)))
            shot_texts.extend(own_texts(box))
        finally:
            # Closed whatever happens: an open modal box would hold the test forever.
            box.reject()
            answered.append(True)

    shot_texts: list[str] = []
    QTimer.singleShot(0, grab)
    open_it()
    qtbot.waitUntil(lambda: bool(answered), timeout=10000)
    assert shot, name
    MODAL_TEXTS[name] = shot_texts
    return shot[0]


MODAL_TEXTS: dict[str, list[str]] = {}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_screens_at_both_sizes_with_empty_states_and_errors(qtbot, kb, tmp_path, lang) -> None:
    """Every screen at 1280×800 and 1920×1080, the dialogs, the empty states and a refusal."""
    from PySide6.QtWidgets import QApplication
    from zebkb_main_kit import open_window

    from zebkb.service import KnowledgeBase
    from zebkb.ui.app import start_first_run
    from zebkb.ui.core.i18n import QtTexts
    from zebkb.ui.edit.history import HistoryDialog
    from zebkb.ui.exchange.table_dialog import TableImportDialog
    from zebkb.ui.main.about import AboutDialog
    from zebkb.ui.main.backup_actions import choose_and_restore
    from zebkb.ui.main.queryhelp import QueryHelpDialog
    from zebkb.ui.settings.settings_dialog import SettingsDialog

    kb.load_demo()
    # A second version, so that the history shows a difference.
    kb.clock.advance(minutes=30)
    record = kb.require(CASE)
    kb.save(dict(record, title=record["title"] + "（竣工）", storeys_above=4))
    context = make_ctx(kb, tmp_path / f"{lang}.ini", lang)
    # Qt's own texts (はい / いいえ, OK / キャンセル) as zebkb's start-up loads them.
    qt_texts = QtTexts(context.tr, QApplication.instance())
    english: list[str] = []
    try:
        window = open_window(qtbot, context)
        for size, (w, h) in SIZES.items():
            window.resize(w, h)
            window.home.show_home()
            qtbot.waitUntil(lambda: window.home.overview.data is not None)
            settle(qtbot, window)
            shoot(window, f"home-{size}-{lang}", tmp_path)
            window.search_bar.set_query("学校")
            settle(qtbot, window)
            window.open_record(CASE)
            qtbot.waitUntil(lambda: window.detail.uid == CASE)
            settle(qtbot, window)
            shoot(window, f"main-{size}-{lang}", tmp_path)
            english += own_texts(window)
            window.search_bar.set_query("該当しない語句")
            settle(qtbot, window)
            shoot(window, f"main-no-hits-{size}-{lang}", tmp_path)
            english += own_texts(window)
            window.search_bar.clear()
            settle(qtbot, window)
        window.resize(*SIZES["1280"])

        history = HistoryDialog(context, CASE)
        qtbot.addWidget(history)
        history.show()
        qtbot.waitUntil(lambda: history.selected() is not None)
        history.select_revision(1)  # the demo's version beside the edited one
        qtbot.waitUntil(lambda: not context.runner.busy)
        settings = SettingsDialog(context)
        settings.show()
        keys = SettingsDialog(context)
        keys.tabs.setCurrentIndex(1)
        for name, dialog in (
            ("settings", settings),
            ("settings-keys", keys),
            ("history", history),
            ("table-import", TableImportDialog(context)),
            ("query-help", QueryHelpDialog(context.tr)),
            ("about", AboutDialog(context.tr)),
        ):
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitUntil(lambda: not context.runner.busy)
            shoot(dialog, f"{name}-{lang}", tmp_path, least=(150, 80))
            english += own_texts(dialog)
            dialog.close()

        # A list with a problem: each named by row and column, nothing imported.
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["施設名", "区", "延床面積(㎡)", "新築・改修"])
        sheet.append(["水元小学校", "葛飾区", "広い", "新築"])
        sheet.append(["清掃事務所", "葛飾区", "1,250", "改修"])
        book.save(tmp_path / "list.xlsx")
        listed = TableImportDialog(context)
        qtbot.addWidget(listed)
        listed.resize(1100, 640)
        listed.show()
        with qtbot.waitSignal(listed.previewed, timeout=10000):
            listed.load(tmp_path / "list.xlsx")
        assert not listed.import_button.isEnabled()
        shoot(listed, f"table-import-problems-{lang}", tmp_path)
        # The file's own header and cell are quoted as written ("column C (延床面積(㎡))").
        english += [t.replace("延床面積(㎡)", "").replace("広い", "") for t in own_texts(listed)]
        listed.close()

        # The new-record chooser and the restore question: Qt's own boxes, in the language.
        shoot_modal(qtbot, window.new_record, f"new-record-{lang}", tmp_path)
        backup = kb.create_backup().path
        shoot_modal(
            qtbot,
            lambda: choose_and_restore(window, context, backup),
            f"restore-confirm-{lang}",
            tmp_path,
        )
        boxes = MODAL_TEXTS[f"new-record-{lang}"] + MODAL_TEXTS[f"restore-confirm-{lang}"]
        english += boxes
        if lang == "ja":
            # Qt's standard buttons in Japanese too (はい(&Y), キャンセル), never Yes / Cancel
            # (OK is OK in Japanese windows as well).
            assert not {t.replace("&", "") for t in boxes} & {"Yes", "No", "Cancel"}

        # A refusal: a file that is neither a bundle nor an e-mail, said in one line.
        passwd = tmp_path / "passwd"
        passwd.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="ascii")
        refused = ImportDialog(context)
        qtbot.addWidget(refused)
        refused.resize(980, 640)
        refused.show()
        with qtbot.waitSignal(refused.plansReady, timeout=10000):
            refused.add_files([passwd])
        shoot(refused, f"import-refused-{lang}", tmp_path)
        english += own_texts(refused)
        refused.close_plans()
    finally:
        qt_texts.apply("en")  # removes them: the next test starts as Qt does
        context.runner.shutdown()

    with KnowledgeBase.open(tmp_path / "empty", clock=FakeClock()) as empty:
        empty_ctx = make_ctx(empty, tmp_path / f"empty-{lang}.ini", lang)
        try:
            window = open_window(qtbot, empty_ctx)
            # Kept by the window and deleted by Qt when rejected: not handed to qtbot.
            first_run = start_first_run(window, empty_ctx)
            first_run.chooser.select("131229")
            shoot(first_run, f"first-run-{lang}", tmp_path)
            english += own_texts(first_run)
            first_run.reject()
            empty.set_home_ward("131229")
            for size, (w, h) in SIZES.items():
                window.resize(w, h)
                settle(qtbot, window)
                shoot(window, f"main-empty-{size}-{lang}", tmp_path)
            english += own_texts(window)
        finally:
            empty_ctx.runner.shutdown()
    if lang == "en":
        # Record titles are the wards' own words, shown as written (History: 水元小学校 …).
        titles = sorted((r.title for r in kb.list_records()), key=len, reverse=True)
        for title in titles:
            english = [t.replace(title, "") for t in english]
        assert [t for t in english if JAPANESE.search(t)] == []
