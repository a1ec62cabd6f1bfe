"""Trusted ward keys in the settings: this knowledge base's own key, and the keys it trusts.

The same store as ``zebkb key trust/list/revoke`` (zebkb/keys.py). Two people
compare a key by reading its fingerprint over the phone, so the own
fingerprint is shown large, and a pasted key shows its fingerprint before it
is trusted. Revoked keys stay in the table, greyed, so the record of who was
trusted when stays visible.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import format_timestamp, ward_label
from zebkb.domain.wards import WARDS
from zebkb.errors import ZebkbError
from zebkb.glossary import aside
from zebkb.keys import OwnKey, fingerprint, own_key
from zebkb.service.changes import Changes
from zebkb.service.keys import TrustEntry
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.core.settings import DATE_STYLE

if TYPE_CHECKING:
    from zebkb.ui.core.context import AppContext

NOTE_STYLE = "color: #555555;"
ERROR_STYLE = "color: #b00020;"
COLUMNS = ("ward", "fingerprint", "note", "added", "revoked")
FINGERPRINT_POINTS = 15


def _mono(points: int | None = None) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if points is not None:
        font.setPointSize(points)
    return font


class TrustedKeysPane(QWidget):
    # The table was (re)filled from the knowledge base.
    keysLoaded = Signal()
    # A key was trusted (its fingerprint) / revoked (its fingerprint).
    keyTrusted = Signal(str)
    keyRevoked = Signal(str)
    # An add or revoke was refused or failed: the one-line message shown.
    failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._own: OwnKey | None = None
        self._entries: list[TrustEntry] = []
        self._busy = False

        # -- own key
        self.own_group = QGroupBox()
        self.own_key_label = QLabel()
        self.own_key = QLineEdit()
        self.own_key.setReadOnly(True)
        self.own_key.setFont(_mono())
        self.copy_button = QPushButton()
        self.copy_button.setEnabled(False)
        self.own_fingerprint_label = QLabel()
        self.own_fingerprint = QLabel()
        self.own_fingerprint.setFont(_mono(FINGERPRINT_POINTS))
        self.own_fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.own_note = QLabel()
        self.own_note.setWordWrap(True)
        self.own_note.setStyleSheet(NOTE_STYLE)
        own_form = QFormLayout(self.own_group)
        key_row = QHBoxLayout()
        key_row.addWidget(self.own_key, 1)
        key_row.addWidget(self.copy_button)
        own_form.addRow(self.own_key_label, key_row)
        own_form.addRow(self.own_fingerprint_label, self.own_fingerprint)
        own_form.addRow(self.own_note)

        # -- trusted keys
        self.trusted_group = QGroupBox()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # Room for a few wards' keys without scrolling.
        self.table.setMinimumHeight(140)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("note"), QHeaderView.ResizeMode.Stretch)
        self.revoke_button = QPushButton()
        self.revoke_button.setEnabled(False)
        trusted_layout = QVBoxLayout(self.trusted_group)
        trusted_layout.addWidget(self.table, 1)
        revoke_row = QHBoxLayout()
        revoke_row.addStretch(1)
        revoke_row.addWidget(self.revoke_button)
        trusted_layout.addLayout(revoke_row)

        # -- add a key
        self.add_group = QGroupBox()
        self.key_label = QLabel()
        self.key_edit = QLineEdit()
        self.key_edit.setFont(_mono())
        self.key_edit.setClearButtonEnabled(True)
        self.key_fingerprint = QLabel()
        self.key_fingerprint.setWordWrap(True)
        self.ward_label = QLabel()
        self.ward_combo = QComboBox()
        for ward in WARDS:
            self.ward_combo.addItem("", ward.code)
        self.ward_combo.setCurrentIndex(-1)
        self.note_label = QLabel()
        self.note_edit = QLineEdit()
        self.add_button = QPushButton()
        self.add_button.setEnabled(False)
        add_form = QFormLayout(self.add_group)
        add_form.addRow(self.key_label, self.key_edit)
        add_form.addRow("", self.key_fingerprint)
        add_form.addRow(self.ward_label, self.ward_combo)
        add_form.addRow(self.note_label, self.note_edit)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        add_form.addRow(add_row)

        self.message = QLabel()
        # What the line under the pane says, as a function: worded again on a language switch.
        self._message: Callable[[], str] | None = None
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.own_group)
        layout.addWidget(self.trusted_group, 1)
        layout.addWidget(self.add_group)
        layout.addWidget(self.message)

        self.copy_button.clicked.connect(self.copy_own_key)
        self.key_edit.textChanged.connect(self._key_typed)
        self.ward_combo.currentIndexChanged.connect(self._update_buttons)
        self.add_button.clicked.connect(self.add_key)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        bind(ctx.tr, self)
        ctx.settings.changed.connect(self._setting_changed)
        ctx.runner.dataChanged.connect(self._data_changed)
        self.reload()

    # --- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        kb = self._ctx.kb
        # own_key makes the key pair on first use; ensure_private_key is safe against a race.
        QueryOp(
            self, lambda: (own_key(kb.data_dir), kb.trusted_keys()), runner=self._ctx.runner
        ).success(self._loaded).failure(self._failed).run_in_background()

    def _loaded(self, loaded: tuple[OwnKey, list[TrustEntry]]) -> None:
        self._own, self._entries = loaded
        self._show_own()
        self._fill_table()
        self.keysLoaded.emit()

    def _show_own(self) -> None:
        if self._own is None:
            return
        self.own_key.setText(self._own.public_key)
        self.own_key.setCursorPosition(0)
        self.own_fingerprint.setText(self._own.fingerprint)
        self.copy_button.setEnabled(True)

    def _fill_table(self) -> None:
        lang = self._ctx.tr.language
        style = self._ctx.settings.date_style
        grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        self.table.setRowCount(len(self._entries))
        for row, entry in enumerate(self._entries):
            texts = (
                ward_label(entry.ward, lang),
                entry.fingerprint,
                entry.note or "",
                format_timestamp(entry.added_at, style, lang),
                format_timestamp(entry.revoked_at, style, lang),
            )
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row)
                if COLUMNS[col] == "fingerprint":
                    item.setFont(_mono())
                if COLUMNS[col] == "ward":
                    item.setToolTip(entry.ward)
                if COLUMNS[col] == "note":
                    item.setToolTip(text)
                if not entry.active:
                    item.setForeground(grey)
                self.table.setItem(row, col, item)
        self._update_buttons()

    # --- own key -------------------------------------------------------------------------

    def copy_own_key(self) -> None:
        if self._own is not None:
            QGuiApplication.clipboard().setText(self._own.public_key)
            self._show_message(lambda: self._ctx.tr.t("keys.own.copied"), error=False)

    # --- adding --------------------------------------------------------------------------

    def _key_typed(self, text: str) -> None:
        # The fingerprint of the pasted key, to compare with what the other ward reads out.
        shown = ""
        if text.strip():
            try:
                shown = self._ctx.tr.t("keys.add.fingerprint", fingerprint=fingerprint(text))
            except ZebkbError:
                shown = self._ctx.tr.t("keys.add.not_a_key")
        self.key_fingerprint.setText(shown)
        self._update_buttons()

    def add_key(self) -> None:
        text = self.key_edit.text()
        ward = self.ward_combo.currentData()
        if self._busy or not text.strip() or ward is None:
            return
        note = self.note_edit.text().strip() or None
        kb = self._ctx.kb
        self._set_busy(True)
        CollectionOp(
            self, lambda: kb.trust_key(text, str(ward), note=note), runner=self._ctx.runner
        ).success(self._trusted).failure(self._failed).run_in_background()

    def _trusted(self, entry: TrustEntry) -> None:
        self._set_busy(False)
        self.key_edit.clear()
        self.note_edit.clear()
        self.ward_combo.setCurrentIndex(-1)
        self._show_message(
            lambda: self._ctx.tr.t(
                "keys.added",
                ward=ward_label(entry.ward, self._ctx.tr.language),
                fingerprint=entry.fingerprint,
            ),
            error=False,
        )
        self.keyTrusted.emit(entry.fingerprint)
        self.reload()

    # --- revoking ------------------------------------------------------------------------

    def selected_entry(self) -> TrustEntry | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def confirm_revoke(self, entry: TrustEntry) -> bool:
        t = self._ctx.tr.t
        answer = QMessageBox.question(
            self,
            t("keys.revoke.title"),
            t(
                "keys.revoke.question",
                ward=ward_label(entry.ward, self._ctx.tr.language),
                fingerprint=entry.fingerprint,
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def revoke_selected(self) -> None:
        entry = self.selected_entry()
        if self._busy or entry is None or not entry.active:
            return
        if not self.confirm_revoke(entry):
            return
        kb = self._ctx.kb
        public = entry.public_key
        self._set_busy(True)
        CollectionOp(self, lambda: kb.revoke_key(public), runner=self._ctx.runner).success(
            lambda _entries: self._revoked(entry)
        ).failure(self._failed).run_in_background()

    def _revoked(self, entry: TrustEntry) -> None:
        self._set_busy(False)
        self._show_message(None)
        self.keyRevoked.emit(entry.fingerprint)
        self.reload()

    # --- state ---------------------------------------------------------------------------

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._show_message(lambda: user_message(exc, self._ctx.tr), error=True)
        self.failed.emit(user_message(exc, self._ctx.tr))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        self.revoke_button.setEnabled(not self._busy and entry is not None and entry.active)
        self.add_button.setEnabled(
            not self._busy
            and bool(self.key_edit.text().strip())
            and self.ward_combo.currentIndex() >= 0
        )

    def _show_message(self, text: Callable[[], str] | None, *, error: bool = False) -> None:
        """A line under the pane, worded by ``text`` now and again after a language switch."""
        self._message = text
        self.message.setStyleSheet(ERROR_STYLE if error else NOTE_STYLE)
        self._word_message()

    def _word_message(self) -> None:
        shown = self._message() if self._message is not None else ""
        self.message.setText(shown)
        self.message.setVisible(bool(shown))

    # --- language ------------------------------------------------------------------------

    def _data_changed(self, changes: Changes) -> None:
        # A key trusted or revoked here, by the command line, or on another PC of the team.
        if changes.keys:
            self.reload()

    def _setting_changed(self, key: str) -> None:
        if key == DATE_STYLE.key:
            self._fill_table()

    def retranslate(self) -> None:
        t = self._ctx.tr.t
        lang = self._ctx.tr.language
        self._word_message()
        self.own_group.setTitle(t("keys.own.title"))
        self.own_key_label.setText(t("keys.own.public_key"))
        self.own_fingerprint_label.setText(t("keys.own.fingerprint"))
        self.copy_button.setText(t("keys.own.copy"))
        self.own_note.setText(t("keys.own.note"))
        self.trusted_group.setTitle(t("keys.trusted.title"))
        self.table.setHorizontalHeaderLabels([t(f"keys.col.{c}") for c in COLUMNS])
        self.revoke_button.setText(t("keys.revoke.button"))
        self.add_group.setTitle(t("keys.add.title"))
        self.key_label.setText(t("keys.add.key"))
        self.key_edit.setPlaceholderText(t("keys.add.key.placeholder"))
        self.ward_label.setText(t("keys.add.ward"))
        self.ward_combo.setPlaceholderText(t("keys.add.ward.placeholder"))
        for i, ward in enumerate(WARDS):
            name = ward.name_en if lang == "en" else ward.name_ja
            self.ward_combo.setItemText(i, name + aside(ward.code, lang))
        self.note_label.setText(t("keys.add.note"))
        self.add_button.setText(t("keys.add.button"))
        self._key_typed(self.key_edit.text())
        if self._entries:
            self._fill_table()
