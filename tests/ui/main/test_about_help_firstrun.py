"""About box, query-syntax help and the first-run ward chooser."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from zebkb.domain.wards import WARDS
from zebkb.search.query import parse_query
from zebkb.ui.core.i18n import Translator
from zebkb.ui.main.about import AboutDialog, app_icon_pixmap
from zebkb.ui.main.firstrun import FirstRunDialog, WardChooser, ward_matches
from zebkb.ui.main.queryhelp import EXAMPLES, QueryHelpDialog, query_help_html

pytestmark = pytest.mark.gui


def test_about_shows_icon_version_and_switches_language(qtbot) -> None:
    from zebkb import __version__

    tr = Translator("ja")
    dialog = AboutDialog(tr)
    qtbot.addWidget(dialog)
    assert not app_icon_pixmap().isNull()
    assert __version__ in dialog.heading.text()
    assert dialog.windowTitle() == "zebkb について"
    assert "ナレッジベース" in dialog.body.text()
    tr.set_language("en")
    assert dialog.windowTitle() == "About zebkb"
    assert "knowledge base" in dialog.body.text()


@pytest.mark.parametrize("example", [e for e, _ in EXAMPLES])
def test_every_help_example_is_a_valid_query(example: str) -> None:
    parse_query(example)


def test_query_help_in_both_languages(qtbot) -> None:
    tr = Translator("ja")
    dialog = QueryHelpDialog(tr)
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert dialog.windowTitle() == "検索の書き方"
    assert "両方の語を含む記録" in text
    assert '"ZEB Ready"' in text
    assert "表記ゆれ" in text
    assert "search-variants.txt" in text
    tr.set_language("en")
    assert "records containing both words" in dialog.browser.toPlainText()
    assert "spelling variants" in dialog.browser.toPlainText()
    assert "<script" not in query_help_html(tr)


def test_ward_filter_matches_names_codes_and_widths() -> None:
    katsushika = next(w for w in WARDS if w.code == "131229")
    for text in ("葛飾", "katsu", "ＫＡＴＳＵ", "131229", "１３１２２９", ""):
        assert ward_matches(katsushika, text), text
    assert not ward_matches(katsushika, "品川")


def test_chooser_lists_23_wards_and_filters(qtbot) -> None:
    tr = Translator("ja")
    chooser = WardChooser(tr)
    qtbot.addWidget(chooser)
    assert chooser.list.count() == 23
    assert chooser.list.item(0).text() == "千代田区（131016）"
    assert chooser.selected_code() is None
    with qtbot.waitSignal(chooser.wardChosen, timeout=1000) as blocker:
        chooser.filter.setText("葛飾")  # a single match is chosen at once
    assert blocker.args == ["131229"]
    assert chooser.selected_code() == "131229"
    with qtbot.waitSignal(chooser.wardChosen, timeout=1000) as blocker:
        chooser.filter.setText("区")
        chooser.filter.setText("品川")
    assert chooser.selected_code() == "131091"
    with qtbot.waitSignal(chooser.wardChosen, timeout=1000) as blocker:
        chooser.filter.setText("zzz")
    assert blocker.args == [""]
    assert chooser.selected_code() is None
    tr.set_language("en")
    assert chooser.list.item(0).text() == "Chiyoda (131016)"


def test_first_run_needs_a_ward_and_offers_demo(qtbot) -> None:
    tr = Translator("ja")
    dialog = FirstRunDialog(tr)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    assert ok.text() == "はじめる"
    assert dialog.load_demo
    assert dialog.chooser.select("131113")
    assert ok.isEnabled()
    dialog.demo.setChecked(False)
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        ok.click()
    assert dialog.ward_code == "131113"
    assert not dialog.load_demo
    tr.set_language("en")
    assert ok.text() == "Start"
    assert dialog.windowTitle() == "Welcome to zebkb"


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_start_keeps_its_name_when_qt_renames_its_own_buttons(qtbot, qapp) -> None:
    """Qt names standard buttons again after a switch (OK / キャンセル); はじめる must stay."""
    from zebkb.ui.core.i18n import QtTexts

    tr = Translator("en")
    texts = QtTexts(tr, qapp)
    try:
        dialog = FirstRunDialog(tr)
        qtbot.addWidget(dialog)
        dialog.show()
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        tr.set_language("ja")
        qtbot.wait(50)  # Qt's LanguageChange events are delivered by the event loop
        assert ok.text() == "はじめる"
        tr.set_language("en")
        qtbot.wait(50)
        assert ok.text() == "Start"
    finally:
        texts.apply("en")
