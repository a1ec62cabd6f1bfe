"""The exchange log: what was sent to and received from each ward, and undo of an import.

Received bundles come from the import log the importer keeps; sent bundles
from the sent log every export writes (zebkb/service/exchange.py), with the
last export per peer ward listed too. The log travels with the data folder,
not with this machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import format_instant, ward_label
from zebkb.glossary import aside
from zebkb.service.changes import Changes
from zebkb.service.exchange import ExchangeHistory, Received
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.core.settings import DATE_STYLE
from zebkb.ui.main.results import CELL_PADDING

if TYPE_CHECKING:
    from zebkb.service.exchange import UndoResult
    from zebkb.ui.core.context import AppContext


def _item(text: str, data: Any = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    item.setToolTip(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


# A file name (or a list of them) beyond this is elided, its tooltip whole: the other
# columns stay on the pane at 1280×800.
MAX_FILE_WIDTH = 260
FILE_COLUMN = 2  # received: the bundle's file name


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fit(table: QTableWidget, caps: dict[int, int]) -> None:
    """Each column as wide as its header and every row's text with the cell margins.

    Measured from the texts, not by the header's ResizeToContents, which left dates,
    ward names and short headers (競合, 記録) a few pixels short of whole.
    """
    metrics = table.fontMetrics()
    for column in range(table.columnCount()):
        header = table.horizontalHeaderItem(column)
        texts = [header.text() if header is not None else ""]
        for row in range(table.rowCount()):
            item = table.item(row, column)
            if item is not None:
                texts.append(item.text())
        widest = max(metrics.horizontalAdvance(text) for text in texts) + CELL_PADDING
        table.setColumnWidth(column, min(widest, caps.get(column, widest)))


class ExchangeLogDialog(QDialog):
    loaded = Signal()
    # After an import was undone (its UndoResult).
    undone = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.history: ExchangeHistory | None = None
        # The last undo's result (or why it failed), shown under the tables.
        self._outcome: UndoResult | BaseException | None = None
        self.resize(900, 520)
        self.ward_label = QLabel()
        self.ward = QComboBox()
        self.tabs = QTabWidget()
        self.received = _table(6)
        self.sent = _table(6)
        self.tabs.addTab(self.received, "")
        self.tabs.addTab(self.sent, "")
        self.undo_button = QPushButton()
        self.undo_button.setEnabled(False)
        self.close_button = QPushButton()
        self.status = QLabel()
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.ward_label)
        top.addWidget(self.ward, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.undo_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.ward.currentIndexChanged.connect(lambda _i: self._fill())
        self.received.itemSelectionChanged.connect(self._selection)
        self.undo_button.clicked.connect(self.undo_selected)
        self.close_button.clicked.connect(self.accept)
        ctx.runner.dataChanged.connect(self._data_changed)
        ctx.settings.changed.connect(self._setting_changed)
        bind(ctx.tr, self)
        self.load()

    def _data_changed(self, changes: Changes) -> None:
        if changes.exchange_log or changes.all_records:
            self.load()  # an import undone, a bundle sent or received

    def _setting_changed(self, key: str) -> None:
        if key == DATE_STYLE.key:
            self._fill()

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        self.setWindowTitle(t("xlog.title"))
        self.ward_label.setText(t("xlog.ward"))
        self.tabs.setTabText(0, t("xlog.received"))
        self.tabs.setTabText(1, t("xlog.sent"))
        self.received.setHorizontalHeaderLabels(
            [t(f"xlog.col.{c}") for c in ("time", "ward", "file", "counts", "conflicts", "state")]
        )
        self.sent.setHorizontalHeaderLabels(
            [
                t(f"xlog.col.{c}")
                for c in ("time", "ward", "scope", "records", "attachments", "files")
            ]
        )
        self.undo_button.setText(t("xlog.undo"))
        self.close_button.setText(t("common.close"))
        self._fill_wards()
        self._fill()
        self._show_status()

    def load(self) -> None:
        kb = self.ctx.kb
        QueryOp(self, kb.exchange_history, runner=self.ctx.runner).success(
            self._loaded
        ).run_in_background()

    def _loaded(self, history: ExchangeHistory) -> None:
        self.history = history
        self._fill_wards()
        self._fill()
        self.loaded.emit()

    def _fill_wards(self) -> None:
        current = self.ward.currentData()
        self.ward.blockSignals(True)
        self.ward.clear()
        self.ward.addItem(self.ctx.tr.t("xlog.all_wards"), None)
        lang = self.ctx.tr.language
        for code in self.history.wards() if self.history else []:
            self.ward.addItem(ward_label(code, lang) + aside(code, lang), code)
        self.ward.setCurrentIndex(max(self.ward.findData(current), 0))
        self.ward.blockSignals(False)

    def _fill(self) -> None:
        history = self.history
        if history is None:
            return
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        style = self.ctx.settings.date_style

        def when(instant: str) -> str:
            # Written by this computer's clock: its own wall time, as the history shows it.
            return format_instant(instant, style, lang)

        only = self.ward.currentData()
        received = [r for r in history.received if only is None or r.origin == only]
        self.received.setRowCount(len(received))
        for row, r in enumerate(received):
            counts = " / ".join(
                f"{t(f'import.action.{k}')} {n:,}" for k, n in r.counts.items() if n
            )
            state = t("xlog.undone", at=when(r.undone_at)) if r.undone_at else t("xlog.applied")
            cells = (
                when(r.imported_at),
                ward_label(r.origin, lang) + aside(r.origin, lang),
                r.file_name,
                counts or t("import.empty"),
                str(r.conflicts),
                state,
            )
            for column, text in enumerate(cells):
                self.received.setItem(row, column, _item(text, r.bundle_id))
        sent = [s for s in history.sent if only is None or s.peer == only]
        marks = [p for p in history.peers if only is None or p.peer == only]
        noted = {bid for s in sent for bid in s.bundle_ids}
        # Exports made from the command line are known only by the per-ward mark.
        marks = [p for p in marks if p.last_bundle_id not in noted]
        self.sent.setRowCount(len(sent) + len(marks))
        for row, s in enumerate(sent):
            cells = (
                when(s.at),
                ward_label(s.peer, lang) + aside(s.peer, lang) if s.peer else "—",
                t(f"export.scope.{s.scope}"),
                f"{s.records:,}",
                f"{s.attachments:,}",
                "、".join(s.files),
            )
            for column, text in enumerate(cells):
                self.sent.setItem(row, column, _item(text))
        for n, p in enumerate(marks, start=len(sent)):
            cells = (
                when(p.last_export_at),
                ward_label(p.peer, lang) + aside(p.peer, lang),
                t("export.scope.peer"),
                "",
                "",
                p.last_bundle_id,
            )
            for column, text in enumerate(cells):
                self.sent.setItem(n, column, _item(text))
        _fit(self.received, {FILE_COLUMN: MAX_FILE_WIDTH})
        _fit(self.sent, {})  # the files come last and take the rest
        self._selection()

    def selected_import(self) -> Received | None:
        rows = {i.row() for i in self.received.selectedItems()}
        if not rows or self.history is None:
            return None
        first = self.received.item(min(rows), 0)
        bundle_id = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
        return next((r for r in self.history.received if r.bundle_id == bundle_id), None)

    def _selection(self) -> None:
        chosen = self.selected_import()
        self.undo_button.setEnabled(chosen is not None and chosen.undone_at is None)

    def undo_selected(self) -> None:
        chosen = self.selected_import()
        if chosen is None or chosen.undone_at is not None:
            return
        t = self.ctx.tr.t
        answer = QMessageBox.question(
            self, t("xlog.undo"), t("xlog.undo_confirm", file=chosen.file_name)
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        kb, bundle_id = self.ctx.kb, chosen.bundle_id
        self.undo_button.setEnabled(False)
        CollectionOp(self, lambda: kb.undo_import(bundle_id), runner=self.ctx.runner).success(
            self._undone
        ).failure(self._undo_failed).run_in_background()

    def _undone(self, result: UndoResult) -> None:
        self._outcome = result
        self._show_status()
        self.undone.emit(result)

    def _undo_failed(self, exc: BaseException) -> None:
        self._outcome = exc
        self._show_status()

    def _show_status(self) -> None:
        """What the last undo did, in the window's language (worded again on a switch)."""
        outcome = self._outcome
        if outcome is None:
            self.status.setText("")
        elif isinstance(outcome, BaseException):
            self.status.setText(user_message(outcome, self.ctx.tr))
        else:
            self.status.setText(
                self.ctx.tr.t(
                    "xlog.undo_done",
                    restored=len(outcome.restored),
                    removed=len(outcome.removed),
                    skipped=len(outcome.skipped),
                )
            )
