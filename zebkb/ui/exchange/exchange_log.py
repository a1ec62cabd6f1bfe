"""The exchange log: what was sent to and received from each ward, and undo of an import.

Received bundles come from the import log the importer keeps. Sent bundles
are noted by the export dialog in the knowledge base's meta table (the
exporter itself remembers only the last export per peer ward, which is
listed too), so the log travels with the data folder, not with this machine.
The reading and noting functions are Qt-free and run inside ops.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
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
from sqlmodel import Session, select

from zebkb.display import ward_label
from zebkb.store.models import ImportLog, PeerExport
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.exchange.import_dialog import IMPORTED

if TYPE_CHECKING:
    from zebkb.bundle.exchange import UndoResult
    from zebkb.service import KnowledgeBase
    from zebkb.ui.core.context import AppContext

SENT_KEY = "exchange.sent_log"
# The newest entries are kept; a ward exchanging weekly fills this in about ten years.
MAX_SENT = 500
ACTION_KEYS = ("added", "updated", "deleted", "unchanged", "kept")


@dataclass(frozen=True)
class Received:
    bundle_id: str
    imported_at: str
    origin: str
    file_name: str
    counts: dict[str, int]
    conflicts: int
    undone_at: str | None


@dataclass(frozen=True)
class Sent:
    at: str
    peer: str | None  # the ward it was meant for, when the user said
    scope: str  # all, peer, since, selected
    records: int
    attachments: int
    files: list[str] = field(default_factory=list)
    bundle_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PeerMark:
    peer: str
    last_export_at: str
    last_bundle_id: str


@dataclass(frozen=True)
class ExchangeHistory:
    received: list[Received]
    sent: list[Sent]
    peers: list[PeerMark]

    def wards(self) -> list[str]:
        codes = {r.origin for r in self.received} | {s.peer for s in self.sent if s.peer}
        codes |= {p.peer for p in self.peers}
        return sorted(codes)


def _sent_entries(raw: str | None) -> list[Sent]:
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return []  # a damaged note loses the list of sent bundles, never the data
    out = []
    for item in data if isinstance(data, list) else []:
        try:
            out.append(Sent(**item))
        except TypeError:
            continue
    return out


def exchange_history(kb: KnowledgeBase) -> ExchangeHistory:
    """Everything received and sent, newest first."""
    from zebkb.store.models import Meta

    with Session(kb.read_engine) as session:
        logs = session.exec(select(ImportLog)).all()
        peers = session.exec(select(PeerExport)).all()
        meta = session.get(Meta, SENT_KEY)
        received = []
        for log in logs:
            try:
                summary = json.loads(log.summary_json or "{}")
            except ValueError:
                summary = {}
            counts = {k: int(summary.get("counts", {}).get(k, 0)) for k in ACTION_KEYS}
            received.append(
                Received(
                    bundle_id=log.bundle_id,
                    imported_at=log.imported_at,
                    origin=log.origin,
                    file_name=log.file_name,
                    counts=counts,
                    conflicts=int(summary.get("conflicts", 0)),
                    undone_at=log.undone_at,
                )
            )
        marks = [PeerMark(p.peer, p.last_export_at, p.last_bundle_id) for p in peers]
        sent = _sent_entries(meta.value if meta is not None else None)
    received.sort(key=lambda r: r.imported_at, reverse=True)
    sent.sort(key=lambda s: s.at, reverse=True)
    marks.sort(key=lambda p: p.last_export_at, reverse=True)
    return ExchangeHistory(received, sent, marks)


def note_sent(kb: KnowledgeBase, entry: Sent) -> None:
    """Add an export to the sent log (one small transaction after the bundle is written)."""
    with kb.transaction() as txn:
        entries = _sent_entries(txn.meta(SENT_KEY))
        entries.append(entry)
        entries.sort(key=lambda s: s.at)
        kept = [asdict(e) for e in entries[-MAX_SENT:]]
        txn.set_meta(SENT_KEY, json.dumps(kept, ensure_ascii=False))


def _item(text: str, data: Any = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    item.setToolTip(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ExchangeLogDialog(QDialog):
    loaded = Signal()
    # After an import was undone (its UndoResult).
    undone = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.history: ExchangeHistory | None = None
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
        bind(ctx.tr, self)
        self.load()

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

    def load(self) -> None:
        kb = self.ctx.kb
        QueryOp(self, lambda: exchange_history(kb), runner=self.ctx.runner).success(
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
            self.ward.addItem(f"{ward_label(code, lang)} ({code})", code)
        self.ward.setCurrentIndex(max(self.ward.findData(current), 0))
        self.ward.blockSignals(False)

    def _fill(self) -> None:
        history = self.history
        if history is None:
            return
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        only = self.ward.currentData()
        received = [r for r in history.received if only is None or r.origin == only]
        self.received.setRowCount(len(received))
        for row, r in enumerate(received):
            counts = " / ".join(
                f"{t(f'import.action.{k}')} {n:,}" for k, n in r.counts.items() if n
            )
            state = t("xlog.undone", at=r.undone_at) if r.undone_at else t("xlog.applied")
            cells = (
                r.imported_at[:19].replace("T", " "),
                f"{ward_label(r.origin, lang)} ({r.origin})",
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
                s.at[:19].replace("T", " "),
                f"{ward_label(s.peer, lang)} ({s.peer})" if s.peer else "—",
                t(f"export.scope.{s.scope}"),
                f"{s.records:,}",
                f"{s.attachments:,}",
                "、".join(s.files),
            )
            for column, text in enumerate(cells):
                self.sent.setItem(row, column, _item(text))
        for n, p in enumerate(marks, start=len(sent)):
            cells = (
                p.last_export_at[:19].replace("T", " "),
                f"{ward_label(p.peer, lang)} ({p.peer})",
                t("export.scope.peer"),
                "",
                "",
                p.last_bundle_id,
            )
            for column, text in enumerate(cells):
                self.sent.setItem(n, column, _item(text))
        self._selection()

    def selected_import(self) -> Received | None:
        rows = {i.row() for i in self.received.selectedItems()}
        if not rows or self.history is None:
            return None
        bundle_id = self.received.item(min(rows), 0).data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.history.received if r.bundle_id == bundle_id), None)

    def _selection(self) -> None:
        chosen = self.selected_import()
        self.undo_button.setEnabled(chosen is not None and chosen.undone_at is None)

    def undo_selected(self) -> None:
        from zebkb.bundle.exchange import undo_import

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
        CollectionOp(self, lambda: undo_import(kb, bundle_id), runner=self.ctx.runner).changes(
            IMPORTED
        ).success(self._undone).failure(
            lambda exc: self.status.setText(user_message(exc, self.ctx.tr))
        ).run_in_background()

    def _undone(self, result: UndoResult) -> None:
        self.status.setText(
            self.ctx.tr.t(
                "xlog.undo_done",
                restored=len(result.restored),
                removed=len(result.removed),
                skipped=len(result.skipped),
            )
        )
        self.undone.emit(result)
        self.load()
