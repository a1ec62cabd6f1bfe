"""Exchange log: what was received and sent, read as people read times, and undoing an import."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QMessageBox
from zebkb_bundle_kit import SHINAGAWA, case, write
from zebkb_main_kit import QT_LOG_IGNORE

from zebkb.service.exchange import export_bundle
from zebkb.ui.exchange.exchange_log import MAX_FILE_WIDTH, ExchangeLogDialog
from zebkb.ui.exchange.import_dialog import ImportDialog

# Times are shown in this computer's time: these read the test clock's 09:00+09:00 in Tokyo.
pytestmark = [pytest.mark.gui, QT_LOG_IGNORE, pytest.mark.usefixtures("tokyo_time")]

# An instant as stored (2025-03-18T09:00:00+09:00) or cut from one (2025-03-18 09:00:00).
RAW_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?")


def cells(table) -> list[str]:
    return [
        table.item(r, c).text()
        for r in range(table.rowCount())
        for c in range(table.columnCount())
        if table.item(r, c) is not None
    ]


def open_log(qtbot, ctx) -> ExchangeLogDialog:
    log = ExchangeLogDialog(ctx)
    qtbot.addWidget(log)
    with qtbot.waitSignal(log.loaded, timeout=5000):
        log.show()
    return log


def test_times_read_in_the_date_style_never_as_instants(
    qtbot, ctx, kb, clock, tmp_path, monkeypatch
) -> None:
    """Received, undone and sent: each time as the rest of the window shows it."""
    path = write(
        tmp_path / "1.zebkb",
        records=[case(origin=SHINAGAWA, ward=SHINAGAWA, title="届いた事例")],
        manifest={"origin": {"ward": SHINAGAWA, "name": "品川区"}},
    )
    importer = ImportDialog(ctx)
    qtbot.addWidget(importer)
    importer.show()
    with qtbot.waitSignal(importer.plansReady, timeout=10000):
        importer.add_files([path])
    with qtbot.waitSignal(importer.importFinished, timeout=20000):
        importer.apply_button.click()
    export_bundle(kb, tmp_path / "out.zebkb", peer="131091")
    clock.advance(minutes=5)

    log = open_log(qtbot, ctx)
    assert log.received.item(0, 5).text() == "取り込み済み"
    # A state, like the import plan's Added or Updated, starts with a capital in English.
    ctx.tr.set_language("en")
    qtbot.waitUntil(lambda: log.received.item(0, 5).text() == "Imported", timeout=5000)
    ctx.tr.set_language("ja")
    qtbot.waitUntil(lambda: log.received.item(0, 5).text() == "取り込み済み", timeout=5000)
    log.received.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(log.undone, timeout=10000):
        log.undo_button.click()
    qtbot.waitUntil(lambda: "取り消し済み" in log.received.item(0, 5).text(), timeout=5000)

    assert log.received.item(0, 0).text() == "2025年3月18日 09:00"
    assert log.received.item(0, 5).text() == "取り消し済み（2025年3月18日 09:05）"
    assert log.sent.rowCount() == 1
    assert log.sent.item(0, 0).text() == "2025年3月18日 09:00"
    shown = cells(log.received) + cells(log.sent)
    assert [text for text in shown if RAW_INSTANT.search(text)] == []

    # The date style and the language of the settings, at once.
    ctx.settings.date_style = "japanese"
    qtbot.waitUntil(lambda: log.received.item(0, 0).text() == "令和7年3月18日 09:00", timeout=5000)
    ctx.tr.set_language("en")
    qtbot.waitUntil(lambda: log.received.item(0, 5).text().startswith("Undone ("), timeout=5000)
    ctx.settings.date_style = "western"
    qtbot.waitUntil(lambda: log.received.item(0, 0).text() == "2025-03-18 09:00", timeout=5000)
    assert log.received.item(0, 5).text() == "Undone (2025-03-18 09:05)"


def test_what_an_undo_did_is_said_again_in_the_new_language(
    qtbot, ctx, kb, tmp_path, monkeypatch
) -> None:
    path = write(
        tmp_path / "1.zebkb",
        records=[case(origin=SHINAGAWA, ward=SHINAGAWA, title="届いた事例")],
        manifest={"origin": {"ward": SHINAGAWA, "name": "品川区"}},
    )
    importer = ImportDialog(ctx)
    qtbot.addWidget(importer)
    importer.show()
    with qtbot.waitSignal(importer.plansReady, timeout=10000):
        importer.add_files([path])
    with qtbot.waitSignal(importer.importFinished, timeout=20000):
        importer.apply_button.click()
    log = open_log(qtbot, ctx)
    log.received.selectRow(0)
    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    with qtbot.waitSignal(log.undone, timeout=10000):
        log.undo_button.click()
    assert asked[0].endswith("よろしいですか？")
    assert log.status.text().startswith("取り消しました: ")
    ctx.tr.set_language("en")
    assert log.status.text() == (
        "Undone: 0 records put back, 1 removed, 0 left as they are (changed since)"
    )


@pytest.mark.parametrize("first", ["ja", "en"])
def test_every_log_column_is_whole_in_both_languages(qtbot, ctx, kb, clock, tmp_path, first):
    """At 1280×800 every header and short value is whole in both tabs, also for rows
    scrolled out of view (an undone import far down) and after a language switch."""
    from zebkb_main_kit import view_column_problems

    from zebkb.service.exchange import import_bundle, undo_import

    ctx.tr.set_language(first)
    for i in range(30):
        path = write(
            tmp_path
            / (f"in{i}.zebkb" if i else "品川区から葛飾区へ_令和7年度_第1回_事例一式.zebkb"),
            records=[case(origin=SHINAGAWA, ward=SHINAGAWA, title=f"届いた事例{i}")],
            manifest={"origin": {"ward": SHINAGAWA, "name": "品川区"}},
        )
        result = import_bundle(kb, path)
        if i == 0:
            undo_import(kb, result.plan.bundle_id)
        export_bundle(kb, tmp_path / f"out{i}.zebkb", peer=SHINAGAWA)
        clock.advance(days=9)
    log = open_log(qtbot, ctx)
    log.resize(1280, 800)
    qtbot.waitUntil(lambda: log.received.viewport().height() > 300)
    assert log.received.rowAt(log.received.viewport().height()) != -1
    received = ("time", "ward", "file", "counts", "conflicts", "state")
    sent = ("time", "ward", "scope", "records", "attachments", "files")
    problems: list[tuple[object, ...]] = []
    for lang in (first, "en" if first == "ja" else "ja", first):
        ctx.tr.set_language(lang)
        for tab, table, keys in ((0, log.received, received), (1, log.sent, sent)):
            log.tabs.setCurrentIndex(tab)
            qtbot.waitUntil(table.isVisible)
            bounded = [k for k in keys if k != "files"]  # the last one takes the rest
            caps = {"file": MAX_FILE_WIDTH}
            problems += view_column_problems(table, keys, (lang, tab), bounded, caps)
    assert problems == [], "\n".join(map(repr, problems))
