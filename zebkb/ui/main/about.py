"""The About box: icon, name, version, what the program is for."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from zebkb import __version__
from zebkb.ui.core.i18n import Translator, bind


def app_icon_pixmap(size: int = 64) -> QPixmap:
    data = (files("zebkb.assets") / "icons" / "zebkb.png").read_bytes()
    pixmap = QPixmap()
    pixmap.loadFromData(data, "PNG")
    return pixmap.scaled(size, size) if not pixmap.isNull() else pixmap


class AboutDialog(QDialog):
    def __init__(self, translator: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tr = translator
        self.icon = QLabel()
        self.icon.setPixmap(app_icon_pixmap(64))
        self.heading = QLabel()
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

        text = QVBoxLayout()
        text.addWidget(self.heading)
        text.addWidget(self.body)
        row = QHBoxLayout()
        row.addWidget(self.icon)
        row.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        bind(translator, self)

    def retranslate(self) -> None:
        t = self._tr.t
        self.setWindowTitle(t("about.title"))
        self.heading.setText(f"<b>zebkb</b> {__version__}")
        self.body.setText(t("about.body"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(t("common.close"))
