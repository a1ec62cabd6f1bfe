"""Settings: home ward, data folder, language, date style, signature policy.

Language and date style apply at once, so the person sees the effect (open
editors keep what was typed: they only retranslate); Cancel puts them back.
The home ward belongs to the knowledge base and is saved through the runner
on OK; a new data folder is announced with ``dataDirChanged`` for the main
window to reopen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zebkb.service.changes import Changes
from zebkb.service.datadir import NetworkFolderError, refuse_network_folder, usable_data_dir
from zebkb.ui.core.i18n import LANGUAGE_NAMES, LANGUAGES, bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.core.settings import DATE_STYLES
from zebkb.ui.exchange.keys_pane import TrustedKeysPane
from zebkb.ui.main.firstrun import WardChooser

if TYPE_CHECKING:
    from zebkb.ui.core.context import AppContext

NOTE_STYLE = "color: #555555;"
ERROR_STYLE = "color: #b00020;"


class SettingsDialog(QDialog):
    dataDirChanged = Signal(Path)
    # After OK: the home ward was saved (its code).
    homeWardSaved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._initial_language = ctx.tr.language
        self._initial_date_style = ctx.settings.date_style
        # The knowledge base holds this setting (imports from the command line obey it too).
        self._initial_signatures: bool | None = None
        self._initial_ward: str | None = None
        self._data_dir: Path | None = ctx.settings.data_dir
        self._saving = False

        self.ward_chooser = WardChooser(ctx.tr)
        self.ward_chooser.setMinimumHeight(200)
        self.ward_note = QLabel()
        self.ward_note.setStyleSheet(NOTE_STYLE)
        self.data_dir_edit = QLineEdit()
        self.data_dir_edit.setReadOnly(True)
        self.data_dir_button = QPushButton()
        self.data_dir_note = QLabel()
        self.data_dir_note.setWordWrap(True)
        self.data_dir_note.setStyleSheet(NOTE_STYLE)
        self.language = QComboBox()
        for lang in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[lang], lang)
        self.language.setCurrentIndex(self.language.findData(ctx.tr.language))
        self.date_style = QComboBox()
        for style in DATE_STYLES:
            self.date_style.addItem(style, style)
        self.date_style.setCurrentIndex(self.date_style.findData(ctx.settings.date_style))
        self.signatures = QCheckBox()
        self.signatures.setEnabled(False)  # until the knowledge base's setting is read
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()

        self.data_group = QGroupBox()
        data_form = QFormLayout(self.data_group)
        self.ward_label = QLabel()
        ward_box = QVBoxLayout()
        ward_box.addWidget(self.ward_chooser)
        ward_box.addWidget(self.ward_note)
        data_form.addRow(self.ward_label, ward_box)
        self.data_dir_label = QLabel()
        dir_row = QHBoxLayout()
        dir_row.addWidget(self.data_dir_edit, 1)
        dir_row.addWidget(self.data_dir_button)
        dir_box = QVBoxLayout()
        dir_box.addLayout(dir_row)
        dir_box.addWidget(self.data_dir_note)
        data_form.addRow(self.data_dir_label, dir_box)

        self.display_group = QGroupBox()
        display_form = QFormLayout(self.display_group)
        self.language_label = QLabel()
        self.date_style_label = QLabel()
        display_form.addRow(self.language_label, self.language)
        display_form.addRow(self.date_style_label, self.date_style)

        self.exchange_group = QGroupBox()
        exchange_layout = QVBoxLayout(self.exchange_group)
        exchange_layout.addWidget(self.signatures)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # Exchange settings and the trusted ward keys share a tab: the signature
        # policy only means something together with the keys it trusts.
        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addWidget(self.display_group)
        general_layout.addWidget(self.data_group, 1)
        self.keys_pane = TrustedKeysPane(ctx)
        exchange = QWidget()
        exchange_tab = QVBoxLayout(exchange)
        exchange_tab.addWidget(self.exchange_group)
        exchange_tab.addWidget(self.keys_pane, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, "")
        self.tabs.addTab(exchange, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.language.currentIndexChanged.connect(self._language_chosen)
        self.date_style.currentIndexChanged.connect(self._date_style_chosen)
        self.data_dir_button.clicked.connect(self.choose_data_dir)
        # Wide enough for the trusted keys table's five columns.
        self.resize(720, 700)
        bind(ctx.tr, self)
        self._show_data_dir()
        self._load_home_ward()
        ctx.runner.dataChanged.connect(self._data_changed)
        # Whether the person clicked "only signed bundles" in this dialog.
        self._signatures_clicked = False
        self.signatures.clicked.connect(self._note_signatures_click)

    # --- home ward --------------------------------------------------------------------

    def _load_home_ward(self) -> None:
        kb = self._ctx.kb
        QueryOp(
            self, lambda: (kb.home_ward, kb.require_signatures()), runner=self._ctx.runner
        ).success(self._stored_loaded).run_in_background()

    def _stored_loaded(self, stored: tuple[str | None, bool]) -> None:
        code, required = stored
        self._initial_signatures = required
        self.signatures.setChecked(required)
        self.signatures.setEnabled(True)
        self._home_ward_loaded(code)

    def _note_signatures_click(self) -> None:
        self._signatures_clicked = True

    def _data_changed(self, changes: Changes) -> None:
        # Team mode: another PC may have changed whether signatures are required.
        if changes.settings and self._initial_signatures is not None:
            kb = self._ctx.kb
            QueryOp(self, kb.require_signatures, runner=self._ctx.runner).success(
                self._signatures_reread
            ).run_in_background()

    def _signatures_reread(self, required: bool) -> None:
        self._initial_signatures = required
        if not self._signatures_clicked:  # a choice made here stays until OK or Cancel
            self.signatures.setChecked(required)

    def _home_ward_loaded(self, code: str | None) -> None:
        self._initial_ward = code
        if code and self.ward_chooser.selected_code() is None:
            self.ward_chooser.select(code)

    # --- live settings ---------------------------------------------------------------------

    def _language_chosen(self, _index: int) -> None:
        lang = str(self.language.currentData())
        self._ctx.tr.set_language(lang)
        self._ctx.settings.language = lang

    def _date_style_chosen(self, _index: int) -> None:
        self._ctx.settings.date_style = str(self.date_style.currentData())

    # --- data folder -------------------------------------------------------------------------

    def ask_for_folder(self) -> Path | None:
        """The folder dialog (a method of its own so tests can answer it)."""
        start = str(self._data_dir or self._ctx.kb.data_dir)
        chosen = QFileDialog.getExistingDirectory(
            self, self._ctx.tr.t("settings.data_dir.pick"), start
        )
        return Path(chosen) if chosen else None

    def choose_data_dir(self) -> None:
        path = self.ask_for_folder()
        if path is None:
            return
        if not usable_data_dir(path):
            self._show_message(self._ctx.tr.t("settings.data_dir.bad"))
            return
        try:
            # Said now, not after the restart: a shared folder is what team mode is for.
            refuse_network_folder(path)
        except NetworkFolderError as exc:
            self._show_message(exc.message(self._ctx.tr.language))
            return
        self._show_message(None)
        self._data_dir = path
        self._show_data_dir()

    def _show_data_dir(self) -> None:
        folder = self._data_dir or self._ctx.kb.data_dir
        if self._data_dir is None:
            shown = f"{folder}  {self._ctx.tr.t('settings.data_dir.default')}"
        else:
            shown = str(folder)
        self.data_dir_edit.setText(shown)
        # setText leaves the cursor at the end, scrolling a long path's beginning (the
        # drive, whose folder) out of sight: show the start, the whole path on hover.
        self.data_dir_edit.setCursorPosition(0)
        self.data_dir_edit.setToolTip(str(folder))

    def _show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))

    # --- closing ------------------------------------------------------------------------

    def accept(self) -> None:
        if self._saving:
            return
        new_dir = self._data_dir
        if new_dir is not None and new_dir != self._ctx.settings.data_dir:
            self._ctx.settings.data_dir = new_dir
            self.dataDirChanged.emit(new_dir)
        ward = self.ward_chooser.selected_code()
        if ward == self._initial_ward:
            ward = None
        required: bool | None = self.signatures.isChecked()
        if self._initial_signatures is None or required == self._initial_signatures:
            required = None
        if ward is None and required is None:
            super().accept()
            return
        kb = self._ctx.kb

        def store() -> str | None:
            if required is not None:
                kb.set_require_signatures(required)
            return kb.set_home_ward(ward) if ward is not None else None

        self._saving = True
        self.buttons.setEnabled(False)
        CollectionOp(self, store, runner=self._ctx.runner).success(self._stored).failure(
            self._ward_failed
        ).run_in_background()

    def _stored(self, code: str | None) -> None:
        self._saving = False
        if code is not None:
            self.homeWardSaved.emit(code)
        super().accept()

    def _ward_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        self._show_message(user_message(exc, self._ctx.tr))

    def reject(self) -> None:
        # What applied live is put back as it was.
        if self._ctx.tr.language != self._initial_language:
            self._ctx.tr.set_language(self._initial_language)
            self._ctx.settings.language = self._initial_language
        self._ctx.settings.date_style = self._initial_date_style
        super().reject()

    # --- language ------------------------------------------------------------------------

    def retranslate(self) -> None:
        t = self._ctx.tr.t
        self.setWindowTitle(t("settings.title"))
        self.display_group.setTitle(t("settings.group.display"))
        self.data_group.setTitle(t("settings.group.data"))
        self.exchange_group.setTitle(t("settings.group.exchange"))
        self.tabs.setTabText(0, t("settings.tab.general"))
        self.tabs.setTabText(1, t("settings.tab.keys"))
        self.ward_label.setText(t("settings.home_ward"))
        self.ward_note.setText(t("settings.home_ward.note"))
        self.data_dir_label.setText(t("settings.data_dir"))
        self.data_dir_button.setText(t("settings.data_dir.choose"))
        self.data_dir_note.setText(t("settings.data_dir.note"))
        self.language_label.setText(t("settings.language"))
        self.date_style_label.setText(t("settings.date_style"))
        for i in range(self.date_style.count()):
            style = str(self.date_style.itemData(i))
            self.date_style.setItemText(i, t(f"settings.date_style.{style}"))
        self.signatures.setText(t("settings.signatures"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("common.ok"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("common.cancel"))
        if hasattr(self, "data_dir_edit"):
            self._show_data_dir()
