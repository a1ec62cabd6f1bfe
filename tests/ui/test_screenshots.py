"""Screenshots of the exchange dialogs and the home screen, in Japanese and English.

Every run renders them (so a dialog that cannot draw fails here); with
ZEBKB_SCREENSHOTS=1 they are written to docs/screenshots/ for the README.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from zebkb_main_kit import QT_LOG_IGNORE, make_ctx
from zebkb_testing import FakeClock, case_record

from zebkb.service.exchange import export_bundle, import_bundle
from zebkb.ui.exchange.conflicts import ConflictsDialog
from zebkb.ui.exchange.exchange_log import ExchangeLogDialog
from zebkb.ui.exchange.export_dialog import ExportDialog
from zebkb.ui.exchange.import_dialog import ImportDialog
from zebkb.ui.main.overview_pane import OverviewPane

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHINAGAWA = "131091"


@pytest.fixture
def scene(tmp_path: Path, kb: Any) -> Iterator[dict[str, Any]]:
    """Katsushika with the demo records, a conflict, and a fresh bundle from Shinagawa."""
    from zebkb.service import KnowledgeBase

    kb.load_demo()
    with KnowledgeBase.open(tmp_path / "peer", clock=FakeClock()) as peer:
        peer.set_home_ward(SHINAGAWA)
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
        yield {"kb": kb, "bundle": fresh, "uid": shared["uid"]}


def shoot(widget: Any, name: str, tmp_path: Path) -> Path:
    image = widget.grab().toImage()
    assert image.width() > 200
    assert image.height() > 150
    # Not a blank image: a dialog that failed to lay out would be one flat colour.
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 23) for y in range(0, image.height(), 17)
    }
    assert len(colours) > 3
    out = DOCS if os.environ.get("ZEBKB_SCREENSHOTS") == "1" else tmp_path
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
