"""Attachments in the record editor: add by file dialog or drag and drop, caption, remove.

A file is stored first (``kb.store_file`` on the writer thread) and then
referenced from the record by its SHA-256; nothing changes in the record
until the editor saves. A file that cannot be taken is named in a message
beside the list and the others are still added.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import file_size
from zebkb.domain.fields import Field
from zebkb.errors import ZebkbError
from zebkb.service import guess_media_type
from zebkb.ui.core.ops import CollectionOp
from zebkb.ui.edit.fieldwidgets import FieldEditor

if TYPE_CHECKING:
    from zebkb.service import KnowledgeBase
    from zebkb.ui.core.context import AppContext

# Municipal mail caps bundles at 5–20 MB; a file far beyond that cannot travel.
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
ICON_SIZE = 40
COL_FILE, COL_SIZE, COL_CAPTION = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Refusal:
    filename: str
    message_ja: str
    message_en: str


def store_files(kb: KnowledgeBase, paths: list[Path]) -> tuple[list[dict[str, Any]], list[Refusal]]:
    """Store each readable file; runs on the writer thread. One bad file refuses only itself."""
    entries: list[dict[str, Any]] = []
    refused: list[Refusal] = []
    for path in paths:
        name = path.name
        if not path.exists():
            refused.append(Refusal(name, "ファイルが見つかりません", "the file does not exist"))
            continue
        if not path.is_file():
            refused.append(Refusal(name, "フォルダは添付できません", "a folder cannot be attached"))
            continue
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            limit = file_size(MAX_ATTACHMENT_BYTES)
            refused.append(
                Refusal(
                    name,
                    f"大きすぎます（{file_size(size, 'ja')}、上限 {limit}）",
                    f"too large ({file_size(size)}; the limit is {limit})",
                )
            )
            continue
        if not os.access(path, os.R_OK):
            refused.append(Refusal(name, "読み取れません", "cannot be read"))
            continue
        try:
            digest, stored = kb.store_file(path)
        except (OSError, ZebkbError) as exc:
            detail = exc.message("en") if isinstance(exc, ZebkbError) else str(exc.strerror)
            refused.append(
                Refusal(name, f"保存できません（{detail}）", f"cannot be stored ({detail})")
            )
            continue
        entries.append(
            {
                "sha256": digest,
                "filename": name,
                "media_type": guess_media_type(name),
                "size": stored,
            }
        )
    return entries, refused


def local_paths(urls: list[Any]) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile()]


class AttachmentsEditor(FieldEditor):
    # After an add finished: how many files were added and how many refused.
    filesAdded = Signal(int, int)

    def __init__(self, field: Field, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(field, ctx.tr, parent)
        self._ctx = ctx
        self._entries: list[dict[str, Any]] = []
        self._refusals: list[Refusal] = []
        # Adds still being copied in: the editor saves only once none is left (a record
        # saved meanwhile would leave the file out).
        self.storing = 0
        self.table = QTableWidget(0, 3)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setIconSize(QPixmap(ICON_SIZE, ICON_SIZE).size())
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ICON_SIZE + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_FILE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_SIZE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CAPTION, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(COL_FILE, 220)
        self.table.setMinimumHeight(90)
        self.table.setMaximumHeight(170)
        self.table.setAcceptDrops(False)
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        self.drop_hint = QLabel()
        self.drop_hint.setWordWrap(True)
        self.drop_hint.setStyleSheet("color: #555555;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.drop_hint, 1)
        column = QVBoxLayout()
        column.addWidget(self.table)
        column.addLayout(buttons)
        column.addWidget(self.message)
        self._layout.addLayout(column, 1)
        self.setAcceptDrops(True)
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_current)
        self.table.itemChanged.connect(self._item_changed)
        if ctx.thumbnailer is not None:
            ctx.thumbnailer.thumbnailReady.connect(self._thumbnail_ready)

    # --- adding --------------------------------------------------------------

    def ask_for_files(self) -> list[Path]:
        """The file dialog (a method of its own so tests can answer it)."""
        names, _filter = QFileDialog.getOpenFileNames(self, self._tr.t("editor.att.choose"))
        return [Path(n) for n in names]

    def choose_files(self) -> None:
        paths = self.ask_for_files()
        if paths:
            self.add_files(paths)

    def add_files(self, paths: list[Path]) -> None:
        kb = self._ctx.kb
        self.add_button.setEnabled(False)
        self.storing += 1
        # Files only: no record refers to them until the editor saves.
        CollectionOp(self, lambda: store_files(kb, list(paths)), runner=self._ctx.runner).success(
            self._stored
        ).failure(self._store_failed).run_in_background()

    def _stored(self, outcome: tuple[list[dict[str, Any]], list[Refusal]]) -> None:
        entries, refused = outcome
        self.storing -= 1
        self.add_button.setEnabled(True)
        known = {e["sha256"] for e in self._entries}
        added = 0
        for entry in entries:
            if entry["sha256"] in known:
                continue
            known.add(entry["sha256"])
            self._entries.append(entry)
            added += 1
        self._refusals = refused
        self._rebuild()
        self._show_refusals()
        if added:
            self.changed.emit()
        self.filesAdded.emit(added, len(refused))

    def _store_failed(self, exc: BaseException) -> None:
        from zebkb.ui.core.ops import user_message

        self.storing -= 1
        self.add_button.setEnabled(True)
        message = user_message(exc, self._tr)
        self._refusals = [Refusal("", message, message)]
        self._show_refusals()
        self.filesAdded.emit(0, 1)

    def _show_refusals(self) -> None:
        if not self._refusals:
            self.message.hide()
            return
        en = self._tr.language == "en"
        lines = [
            self._tr.t(
                "editor.att.refused", name=r.filename, reason=r.message_en if en else r.message_ja
            )
            if r.filename
            else (r.message_en if en else r.message_ja)
            for r in self._refusals
        ]
        self.message.setText("\n".join(lines))
        self.message.show()

    # --- drag and drop ------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and local_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData().urls()) if event.mimeData().hasUrls() else []
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_files(paths)

    # --- the list ------------------------------------------------------------------

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._entries):
            self._sync_captions()
            del self._entries[row]
            self._rebuild()
            self.changed.emit()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == COL_CAPTION:
            self.changed.emit()

    def _sync_captions(self) -> None:
        for row, entry in enumerate(self._entries):
            item = self.table.item(row, COL_CAPTION)
            caption = item.text().strip() if item is not None else ""
            if caption:
                entry["caption"] = caption
            else:
                entry.pop("caption", None)

    def _icon(self, entry: dict[str, Any]) -> QIcon:
        thumbs = self._ctx.thumbnailer
        if entry.get("omitted") or thumbs is None:
            return QIcon()
        image = thumbs.image(entry["sha256"])
        return QIcon(QPixmap.fromImage(image)) if image is not None else QIcon()

    def _thumbnail_ready(self, sha256: str, image: QImage) -> None:
        for row, entry in enumerate(self._entries):
            item = self.table.item(row, COL_FILE)
            if entry["sha256"] == sha256 and item is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _rebuild(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._entries))
        fixed = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        for row, entry in enumerate(self._entries):
            name = str(entry.get("filename", ""))
            if entry.get("omitted"):
                name = f"{name} ({self._tr.t('thumb.missing')})"
            file_item = QTableWidgetItem(self._icon(entry), name)
            file_item.setFlags(fixed)
            file_item.setToolTip(f"{entry.get('media_type', '')}\n{entry['sha256']}")
            size_item = QTableWidgetItem(file_size(int(entry.get("size") or 0), self._tr.language))
            size_item.setFlags(fixed)
            size_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            caption_item = QTableWidgetItem(str(entry.get("caption") or ""))
            caption_item.setFlags(fixed | Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, COL_FILE, file_item)
            self.table.setItem(row, COL_SIZE, size_item)
            self.table.setItem(row, COL_CAPTION, caption_item)
        self.table.blockSignals(False)
        self.remove_button.setEnabled(bool(self._entries))

    # --- FieldEditor -----------------------------------------------------------------

    def value(self) -> list[dict[str, Any]]:
        self._sync_captions()
        return [dict(e) for e in self._entries]

    def set_value(self, value: Any) -> None:
        self._entries = [dict(e) for e in value or [] if isinstance(e, dict)]
        self._refusals = []
        self._rebuild()
        self._show_refusals()

    def set_caption(self, row: int, caption: str) -> None:
        item = self.table.item(row, COL_CAPTION)
        if item is not None:
            item.setText(caption)

    def retranslate(self) -> None:
        t = self._tr.t
        self._sync_captions()
        self.table.setHorizontalHeaderLabels(
            [t("editor.att.file"), t("editor.att.size"), t("editor.att.caption")]
        )
        self.add_button.setText(t("editor.att.add"))
        self.remove_button.setText(t("editor.att.remove"))
        self.drop_hint.setText(t("editor.att.drop"))
        self._rebuild()
        self._show_refusals()

    def focus_target(self) -> QWidget:
        return self.table
