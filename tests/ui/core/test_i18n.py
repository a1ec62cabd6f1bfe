"""Interface texts (zebkb/ui/core/i18n.py and assets/i18n/*.json)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QLabel

from zebkb.domain.fields import CASE_FIELDS
from zebkb.ui.core.i18n import LANGUAGES, Translator, bind, load_catalog

UI_DIR = Path(__file__).resolve().parents[3] / "zebkb" / "ui"
# t("key") or t('key'), also self.tr.t(...), translator.t(...)
_CALL = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.\-]+)["']""")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    ja, en = load_catalog("ja"), load_catalog("en")
    assert set(ja) == set(en)
    for key in ja:
        assert _placeholders(ja[key]) == _placeholders(en[key]), key
        assert ja[key].strip(), key
        assert en[key].strip(), key


def test_every_key_used_in_the_ui_exists() -> None:
    used: dict[str, str] = {}
    for path in sorted(UI_DIR.rglob("*.py")):
        for key in _CALL.findall(path.read_text(encoding="utf-8")):
            used[key] = path.name
    assert used, "the scan found no t() calls: the pattern is broken"
    for lang in LANGUAGES:
        missing = {k: f for k, f in used.items() if k not in load_catalog(lang)}
        assert not missing, f"{lang}: {missing}"


def test_japanese_is_the_default_and_english_on_request() -> None:
    assert Translator().language == "ja"
    assert Translator().t("common.cancel") == "キャンセル"
    assert Translator("en").t("common.cancel") == "Cancel"
    assert Translator("fr").language == "ja"  # a bad stored setting falls back


def test_formatting_and_missing_keys() -> None:
    tr = Translator("en")
    assert tr.t("error.unexpected", kind="KeyError").startswith("Something went wrong (KeyError)")
    assert tr.t("no.such.key") == "no.such.key"
    # Missing arguments leave the template rather than failing.
    template = load_catalog("en")["error.unexpected"]
    assert "{kind}" in template
    assert tr.t("error.unexpected", wrong="x") == template
    with pytest.raises(ValueError, match="unknown language"):
        tr.set_language("de")


def test_field_labels_follow_the_language() -> None:
    field = next(f for f in CASE_FIELDS if f.name == "floor_area_m2")
    assert Translator("ja").field_label(field) == "延床面積（㎡）"
    assert Translator("en").field_label(field) == "Floor area (m²)"


class _Label(QLabel):
    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self.tr_ = tr
        self.count = 0

    def retranslate(self) -> None:
        self.count += 1
        self.setText(self.tr_.t("common.close"))


@pytest.mark.gui
def test_switching_language_retranslates_widgets(qtbot) -> None:
    tr = Translator("ja")
    label = _Label(tr)
    qtbot.addWidget(label)
    label.setProperty("typed", "入力中の文字")
    bind(tr, label)
    assert label.text() == "閉じる"
    with qtbot.waitSignal(tr.languageChanged, timeout=1000) as blocker:
        tr.set_language("en")
    assert blocker.args == ["en"]
    assert label.text() == "Close"
    assert label.property("typed") == "入力中の文字"  # the same widget, nothing rebuilt
    with qtbot.assertNotEmitted(tr.languageChanged):
        tr.set_language("en")
    assert label.count == 2


@pytest.mark.gui
def test_destroyed_widgets_are_not_retranslated(qtbot) -> None:
    tr = Translator("ja")
    label = _Label(tr)
    bind(tr, label)
    shiboken6.delete(label)
    tr.set_language("en")  # would raise RuntimeError on a deleted C++ object
    assert tr.language == "en"


def test_qt_own_texts_follow_the_language(qtbot, qapp) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

    from zebkb.ui.core.i18n import QtTexts

    tr = Translator("ja")
    texts = QtTexts(tr, qapp)
    try:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Yes
        )
        qtbot.addWidget(buttons)
        dialog = QFileDialog()
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        qapp.processEvents()
        shown = [b.text() for b in buttons.buttons()]
        assert "キャンセル" in shown
        assert "はい(&Y)" in shown
        labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "Look in" not in labels
        assert "File" not in labels
        assert "場所" in labels
        # Switching back changes what is already on screen.
        tr.set_language("en")
        qapp.processEvents()
        assert "Cancel" in [b.text() for b in buttons.buttons()]
    finally:
        texts.apply("en")


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_qt_own_file_list_and_calendar_speak_the_window_language(qtbot, qapp, tmp_path) -> None:
    """Qt's own file dialog (Linux) lists a folder as フォルダー, not "Folder", and the
    calendar popup names months in the window's language, not the PC's locale (C here).
    (The file list's dates follow the PC's locale, which Qt reads from the system.)"""
    from PySide6.QtCore import QDate, QLocale
    from PySide6.QtWidgets import QCalendarWidget, QFileDialog, QTreeView

    from zebkb.ui.core.i18n import QtTexts

    (tmp_path / "資料").mkdir()
    before = QLocale()
    tr = Translator("ja")
    texts = QtTexts(tr, qapp)

    def listed() -> str:
        dialog = QFileDialog(None, "", str(tmp_path))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        view = dialog.findChild(QTreeView, "treeView")
        model = view.model()
        qtbot.waitUntil(lambda: model.rowCount(view.rootIndex()) == 1)
        row = model.index(0, 0, view.rootIndex())
        kind = model.data(row.siblingAtColumn(2))
        dialog.close()
        return str(kind)

    def month() -> str:
        calendar = QCalendarWidget()
        qtbot.addWidget(calendar)
        calendar.setSelectedDate(QDate(2024, 10, 21))
        return calendar.locale().monthName(10)

    try:
        assert listed() == "フォルダー"
        assert month() == "10月"
        tr.set_language("en")
        assert listed() == "Folder"  # the scan reads the type column
        assert month() == "October"
    finally:
        texts.apply("en")
        QLocale.setDefault(before)


def test_counts_are_pluralised() -> None:
    tr = Translator("en")
    assert tr.t("status.count", n="1") == "1 record"
    assert tr.t("status.count", n="2") == "2 records"
    assert tr.t("import.records", n=1) == "1 record"
    assert tr.t("status.count", n="1,000") == "1,000 records"
    assert "(not said)" not in tr.t("export.recipient.none")
    assert Translator("ja").t("status.count", n="1") == Translator("ja").t(
        "status.count", n="2"
    ).replace("2", "1")


# A placeholder followed by a plural noun ("{n} records"): it needs {n:record|records}.
_BARE_COUNT = re.compile(r"\{(\w+)\}\s+(?:[A-Za-z-]+\s+)?[A-Za-z-]{2,}s\b")


def test_every_english_count_says_one_in_the_singular() -> None:
    """No "1 records" and no "file(s)": each count carries its noun in both numbers."""
    en = load_catalog("en")
    for key, text in en.items():
        assert "(s)" not in text, key
        if key.endswith(".one") or f"{key}.one" in en:
            continue
        assert not _BARE_COUNT.search(text), (key, text)
    tr = Translator("en")
    assert tr.t("status.deleted_many", n=1).startswith("Deleted 1 record ")
    assert tr.t("export.done", records=1, files=2, parts=1) == (
        "Exported 1 record and 2 attachment files in 1 file"
    )
    assert tr.t("export.done", records=1200, files=1, parts=3) == (
        "Exported 1,200 records and 1 attachment file in 3 files"
    )


def test_the_search_box_example_names_a_ward_not_its_code() -> None:
    """The English box read "ward:131229"; the Japanese one says 区:葛飾区."""
    import re

    from zebkb.search.query import parse_query
    from zebkb.ui.core.i18n import load_catalog

    for lang in ("ja", "en"):
        text = load_catalog(lang)["search.placeholder"]
        assert not re.search(r"\b13\d{4}\b", text), (lang, text)
        example = text.split("（", 1)[-1].split("(", 1)[-1].split(")")[0].split("）")[0]
        example = re.sub(r"^(例:|e\.g\.)", "", example).replace("、", " ").replace(",", " ")
        assert parse_query(example).wards == {"131229"}, (lang, example)
