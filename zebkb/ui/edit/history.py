"""A record's history: every version kept, what differs from the current one, restore.

The list shows each version's revision, time (in the chosen date style) and
how it came about (作成, 編集, 削除, 復元, 取込 …). Choosing one shows, field by
field, its value beside the current value, and the body as a line diff.
Restoring brings the chosen version back as a new revision through the
writer; nothing is ever lost, the current content stays in the history too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from zebkb.service.changes import Changes
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.edit.diffview import cell_text
from zebkb.ui.main.results import CELL_PADDING
from zebkb.versions import (
    body_diff_html,
    display_value,
    field_changes,
    format_moment,
    source_label,
)

if TYPE_CHECKING:
    from zebkb.service import Version
    from zebkb.ui.core.context import AppContext

READ_ONLY = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled


class HistoryDialog(QDialog):
    restored = Signal(dict)
    # After the versions have been (re)loaded: how many there are.
    loaded = Signal(int)

    def __init__(
        self, ctx: AppContext, uid: str, parent: QWidget | None = None, *, title: str | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.uid = uid
        # The title the opener knows, shown while the versions load (a uid means nothing
        # to people).
        self._known_title = title
        self.versions: list[Version] = []
        self._error: str | None = None
        self.versions_table = QTableWidget(0, 3)
        self.versions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.versions_table.verticalHeader().setVisible(False)
        self.versions_table.horizontalHeader().setStretchLastSection(True)
        self.versions_table.setMinimumWidth(330)
        self.changes_label = QLabel()
        self.changes_table = QTableWidget(0, 3)
        self.changes_table.verticalHeader().setVisible(False)
        self.changes_table.setWordWrap(True)
        header = self.changes_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.body_label = QLabel()
        # The body as text with removed words struck through and added ones marked,
        # not a unified diff (--- / +++ / @@) that people have to decode.
        self.body_diff = QTextEdit()
        self.body_diff.setReadOnly(True)
        self.body_diff.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.restore_button = QPushButton()
        self.restore_button.setEnabled(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.changes_label)
        right_layout.addWidget(self.changes_table, 3)
        right_layout.addWidget(self.body_label)
        right_layout.addWidget(self.body_diff, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.versions_table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.versions_table.itemSelectionChanged.connect(self._show_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        ctx.settings.changed.connect(self._setting_changed)
        ctx.runner.dataChanged.connect(self._data_changed)
        # The revision chosen before a reload (another PC saved, an import): chosen again.
        self._keep: int | None = None
        self.resize(1000, 620)
        bind(ctx.tr, self)
        self.reload()

    # --- loading ------------------------------------------------------------------

    def reload(self) -> None:
        kb = self._ctx.kb
        uid = self.uid
        self.message.setText(self._ctx.tr.t("history.loading"))
        QueryOp(self, lambda: kb.history(uid), runner=self._ctx.runner).success(
            self._loaded
        ).failure(self._failed).run_in_background()

    def _data_changed(self, changes: Changes) -> None:
        if changes.touches(self.uid):
            chosen = self.selected()
            self._keep = chosen.revision if chosen is not None else None
            self.reload()

    def _loaded(self, versions: list[Version]) -> None:
        # Newest first: that is what people look for.
        self.versions = list(reversed(versions))
        self._error = None
        self.message.setText("")
        self._fill_versions()
        self._update_title()
        keep, self._keep = self._keep, None
        if self.versions and not (keep is not None and self.select_revision(keep)):
            self.versions_table.selectRow(self._default_row())
        self.loaded.emit(len(self.versions))

    def _failed(self, exc: BaseException) -> None:
        self._error = user_message(exc, self._ctx.tr)
        self.message.setText(self._error)
        self.loaded.emit(0)

    def _default_row(self) -> int:
        """The version before the current one: the usual question is 'what did the last edit do'."""
        for row, version in enumerate(self.versions):
            if not version.current:
                return row
        return 0

    @property
    def current(self) -> Version | None:
        return next((v for v in self.versions if v.current), None)

    def selected(self) -> Version | None:
        rows = self.versions_table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self.versions[row] if 0 <= row < len(self.versions) else None

    def select_revision(self, revision: int) -> bool:
        for row, version in enumerate(self.versions):
            if version.revision == revision:
                self.versions_table.selectRow(row)
                return True
        return False

    # --- showing -------------------------------------------------------------------------

    def _fill_versions(self) -> None:
        tr = self._ctx.tr
        style = self._ctx.settings.date_style
        self.versions_table.blockSignals(True)
        selected = self.selected()
        self.versions_table.setRowCount(len(self.versions))
        for row, version in enumerate(self.versions):
            source = source_label(version.source, tr.language)
            if version.current:
                source = f"{source} {tr.t('history.current')}"
            cells = (
                str(version.revision),
                format_moment(version.updated_at, style, self._ctx.tr.language),
                source,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(READ_ONLY)
                if version.current:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.versions_table.setItem(row, column, item)
        self._fit_columns()
        self.versions_table.blockSignals(False)
        if selected is not None and selected in self.versions:
            self.versions_table.selectRow(self.versions.index(selected))

    def _fit_columns(self) -> None:
        """Each column as wide as its header and every version's text, the table as wide as
        its columns.

        Measured from the texts (the current version's in bold), not with
        resizeColumnsToContents, which left the revision and time columns a few pixels short
        and let the splitter squeeze the source column to "編集 （現…" at 1280×800.
        """
        table = self.versions_table
        plain = table.fontMetrics()
        bold_font = QFont(table.font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        total = 0
        for column in range(table.columnCount()):
            header = table.horizontalHeaderItem(column)
            widest = plain.horizontalAdvance(header.text()) if header is not None else 0
            for row, version in enumerate(self.versions):
                item = table.item(row, column)
                if item is not None:
                    metrics = bold if version.current else plain
                    widest = max(widest, metrics.horizontalAdvance(item.text()))
            width = widest + CELL_PADDING
            table.setColumnWidth(column, width)
            total += width
        # Room for the columns, the frame and a vertical scroll bar: the splitter gives the
        # versions no less, the differences beside them take the rest.
        scroll = table.verticalScrollBar().sizeHint().width()
        table.setMinimumWidth(max(330, total + scroll + 2 * table.frameWidth()))

    def _show_selected(self) -> None:
        chosen = self.selected()
        current = self.current
        self.restore_button.setEnabled(chosen is not None and not chosen.current)
        self.changes_table.setRowCount(0)
        self.body_diff.clear()
        if chosen is None or current is None:
            return
        tr = self._ctx.tr
        lang = tr.language
        style = self._ctx.settings.date_style
        changes = [c for c in field_changes(chosen.record, current.record) if c.name != "body"]
        self.changes_table.setRowCount(len(changes))
        for row, change in enumerate(changes):
            label = tr.field_label(change.field) if change.field is not None else change.name
            cells = (
                label,
                display_value(change.field, change.old, lang, style),
                display_value(change.field, change.new, lang, style),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(READ_ONLY)
                item.setToolTip(text)
                self.changes_table.setItem(row, column, item)
        self.changes_table.resizeRowsToContents()
        diff = body_diff_html(chosen.record.get("body"), current.record.get("body"))
        self.body_diff.setHtml(diff)
        if not changes and not diff:
            self.message.setText(tr.t("history.same") if not chosen.current else "")
        elif self._error is None:
            self.message.setText("")

    def changes_shown(self) -> list[tuple[str, str, str]]:
        """The difference table as text (for tests and screen readers alike)."""
        table = self.changes_table
        return [
            (cell_text(table, r, 0), cell_text(table, r, 1), cell_text(table, r, 2))
            for r in range(table.rowCount())
        ]

    def _setting_changed(self, key: str) -> None:
        if key.startswith("display/"):
            self._fill_versions()
            self._show_selected()

    # --- restoring --------------------------------------------------------------------------

    def confirm_restore(self, version: Version) -> bool:
        t = self._ctx.tr.t
        when = format_moment(
            version.updated_at, self._ctx.settings.date_style, self._ctx.tr.language
        )
        answer = QMessageBox.question(
            self,
            t("history.restore.title"),
            t("history.restore.text", revision=version.revision, time=when),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            # Restoring loses nothing (the current version stays in the history), so
            # Enter confirms what the person just asked for.
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def restore_selected(self) -> None:
        version = self.selected()
        if version is None or version.current or not self.confirm_restore(version):
            return
        kb = self._ctx.kb
        uid = self.uid
        # The hash names exactly this version; revision numbers can repeat after a conflict.
        key = version.hash
        self.restore_button.setEnabled(False)
        CollectionOp(self, lambda: kb.restore(uid, key), runner=self._ctx.runner).success(
            self._restored
        ).failure(self._failed).run_in_background()

    def _restored(self, record: dict[str, Any]) -> None:
        self.restored.emit(record)
        self.reload()

    # --- language --------------------------------------------------------------------------

    def _update_title(self) -> None:
        # A deleted record's current version is a tombstone: name it by its last title.
        titles = [str(v.record["title"]) for v in self.versions if v.record.get("title")]
        title = titles[0] if titles else self._known_title or "…"
        self.setWindowTitle(self._ctx.tr.t("history.title", title=title))

    def retranslate(self) -> None:
        t = self._ctx.tr.t
        self._update_title()
        self.versions_table.setHorizontalHeaderLabels(
            [t("history.col.revision"), t("history.col.time"), t("history.col.source")]
        )
        self.changes_table.setHorizontalHeaderLabels(
            [t("history.col.field"), t("history.col.old"), t("history.col.new")]
        )
        self.changes_label.setText(t("history.changes"))
        self.body_label.setText(t("history.body"))
        self.restore_button.setText(t("history.restore"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(t("common.close"))
        if self.versions:
            self._fill_versions()
            self._show_selected()
