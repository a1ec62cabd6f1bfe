"""First start: choose the home ward (one of the 23) and whether to load the demo data.

``WardChooser`` is a list of the 23 wards with a filter box that accepts a
name in either script, a romanised name or a code; the dialog's OK button
stays disabled until a ward is chosen. Nothing here touches the data: the
caller passes ``ward_code`` to the service and loads the demo if asked.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zebkb.domain.wards import WARDS, Ward
from zebkb.glossary import aside
from zebkb.ui.core.i18n import ButtonNames, Translator, bind


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def ward_matches(ward: Ward, text: str) -> bool:
    needle = _fold(text)
    if not needle:
        return True
    return any(needle in _fold(s) for s in (ward.code, ward.name_ja, ward.name_en))


class WardChooser(QWidget):
    wardChosen = Signal(str)  # the code, or "" when the choice was cleared

    def __init__(self, translator: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tr = translator
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        for ward in WARDS:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, ward.code)
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._apply_filter)
        self.list.currentItemChanged.connect(self._on_current)
        bind(translator, self)

    def retranslate(self) -> None:
        self.filter.setPlaceholderText(self._tr.t("firstrun.filter"))
        lang = self._tr.language
        for row, ward in enumerate(WARDS):
            name = ward.name_en if lang == "en" else ward.name_ja
            self.list.item(row).setText(name + aside(ward.code, lang))

    def selected_code(self) -> str | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return str(item.data(Qt.ItemDataRole.UserRole))

    def select(self, code: str) -> bool:
        for row, ward in enumerate(WARDS):
            if ward.code == code:
                self.list.setCurrentRow(row)
                return True
        return False

    def _apply_filter(self, text: str) -> None:
        visible = []
        for row, ward in enumerate(WARDS):
            hidden = not ward_matches(ward, text)
            self.list.item(row).setHidden(hidden)
            if not hidden:
                visible.append(row)
        current = self.list.currentRow()
        if len(visible) == 1:
            self.list.setCurrentRow(visible[0])
        elif current not in visible:
            self.list.setCurrentRow(-1)
            self.wardChosen.emit("")

    def _on_current(self, current: QListWidgetItem | None, _previous: object) -> None:
        code = self.selected_code() if current is not None else None
        self.wardChosen.emit(code or "")


class FirstRunDialog(QDialog):
    def __init__(
        self, translator: Translator, parent: QWidget | None = None, *, folder: Path | None = None
    ) -> None:
        super().__init__(parent)
        self._tr = translator
        self._folder = folder
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        # The folder being set up: a mistyped --data-dir shows here as a new folder.
        self.folder = QLabel()
        self.folder.setWordWrap(True)
        self.folder.setTextFormat(Qt.TextFormat.PlainText)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setVisible(folder is not None)
        self.chooser = WardChooser(translator, self)
        self.demo = QCheckBox()
        self.demo.setChecked(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.folder)
        layout.addWidget(self.chooser, 1)
        layout.addWidget(self.demo)
        layout.addWidget(self.buttons)
        self.chooser.wardChosen.connect(self._update_ok)
        self._update_ok("")
        self.resize(420, 520)
        self._button_names = ButtonNames(
            self.buttons,
            lambda: {
                QDialogButtonBox.StandardButton.Ok: self._tr.t("firstrun.start"),
                QDialogButtonBox.StandardButton.Cancel: self._tr.t("common.cancel"),
            },
        )
        bind(translator, self)

    @property
    def ward_code(self) -> str | None:
        return self.chooser.selected_code()

    @property
    def load_demo(self) -> bool:
        return self.demo.isChecked()

    def retranslate(self) -> None:
        t = self._tr.t
        self.setWindowTitle(t("firstrun.title"))
        self.intro.setText(t("firstrun.intro"))
        if self._folder is not None:
            self.folder.setText(
                t("firstrun.folder", folder=str(self._folder), setting=t("settings.data_dir"))
            )
        self.demo.setText(t("firstrun.demo"))
        self._button_names.apply()

    def _update_ok(self, code: str) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(code))
