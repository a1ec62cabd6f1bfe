"""Settle conflicts: the two versions side by side, field by field, and a merged one.

A conflict is a record edited here and at another ward since they last
agreed. The merge already kept the winner current and the loser in history,
so nothing is lost while a conflict waits; settling picks this side's
version, the incoming one, or a merged record assembled here (click a value
on either side to take it, or edit the merged cell), which is saved through
``kb.save`` as a new revision and so wins at every ward on the next exchange.
"""

from __future__ import annotations

import copy
import math
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import format_instant, kind_label, ward_label
from zebkb.domain.canonical import record_hash
from zebkb.domain.fields import FieldType, fields_for
from zebkb.domain.validate import RecordError, validate_record
from zebkb.service.changes import Changes
from zebkb.service.exchange import Conflict
from zebkb.service.records import ChangedSinceError
from zebkb.ui.core.context import AppContext
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.core.settings import DATE_STYLE
from zebkb.ui.edit.diffview import META_FIELDS, differing_fields, field_label, value_text
from zebkb.ui.main.results import CELL_PADDING

if TYPE_CHECKING:
    pass

LOCAL, INCOMING, MERGED = 1, 2, 3
PICKED = QColor("#d8ecd8")
DIFFERS = QColor("#fff4d6")
LIST_SEPARATORS = ("\n", "、", ",", "，")
TRUE_WORDS = frozenset({"はい", "yes", "true", "1", "○"})
FALSE_WORDS = frozenset({"いいえ", "no", "false", "0", "×", ""})
TEXT_TYPES = frozenset(
    {
        FieldType.STRING,
        FieldType.TEXT,
        FieldType.DATE,
        FieldType.TIMESTAMP,
        FieldType.WARD,
        FieldType.UID,
    }
)


class MergeInputError(ValueError):
    """A merged cell that cannot become the field's type (shown in one line)."""


def field_type(kind: str, name: str) -> FieldType | None:
    for f in fields_for(kind):
        if f.name == name:
            return f.type
    return None


def parse_cell(kind: str, name: str, text: str) -> Any:
    """The typed value of an edited merged cell; raises MergeInputError when it cannot be."""
    kind_of = field_type(kind, name)
    text = text.strip()
    if kind_of in (FieldType.STRING_LIST, FieldType.UID_LIST):
        parts = [text]
        for sep in LIST_SEPARATORS:
            parts = [p for chunk in parts for p in chunk.split(sep)]
        return [p.strip() for p in parts if p.strip()]
    if text in {"", "—"}:
        return None
    if kind_of is FieldType.INTEGER:
        try:
            return int(text.replace(",", ""))
        except ValueError:
            raise MergeInputError(name) from None
    if kind_of is FieldType.NUMBER:
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise MergeInputError(name) from None
        if not math.isfinite(value):
            raise MergeInputError(name)
        return int(value) if value.is_integer() else value
    if kind_of is FieldType.BOOLEAN:
        low = text.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise MergeInputError(name)
    if kind_of in (FieldType.ATTACHMENTS, FieldType.ROWS):
        # Picked from either side, never typed: a row's columns do not fit one cell.
        raise MergeInputError(name)
    return text


class ConflictsDialog(QDialog):
    # After a conflict was settled (uid).
    settled = Signal(str)
    # The number of open conflicts, after each load.
    countChanged = Signal(int)
    # After the list was (re)loaded.
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.conflicts: list[Conflict] = []
        # A refusal to say again once the list has been read again.
        self._refusal: str | None = None
        self.merged: dict[str, Any] = {}
        self.picks: dict[str, int] = {}
        # The conflict the merged version is being built for (its id): shown again for a
        # language switch or a reload, it keeps the person's picks and edits.
        self._merging: int | None = None
        self.busy = False
        # The title of the record last settled: said under the list, across the reload after
        # it, in the window's language.
        self._settled_title: str | None = None
        self.resize(1100, 640)

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.list = QListWidget()
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(0, 4)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)  # see _fit_fields
        for c in (LOCAL, INCOMING, MERGED):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.keep_local = QPushButton()
        self.keep_incoming = QPushButton()
        self.use_merged = QPushButton()
        self.close_button = QPushButton()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(self.hint)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setSizes([280, 820])
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_local)
        buttons.addWidget(self.keep_incoming)
        buttons.addWidget(self.use_merged)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        self.list.currentRowChanged.connect(lambda _row: self._show_current())
        self.table.cellClicked.connect(self._pick)
        self.table.itemChanged.connect(self._edited)
        self.keep_local.clicked.connect(lambda: self.settle("local"))
        self.keep_incoming.clicked.connect(lambda: self.settle("incoming"))
        self.use_merged.clicked.connect(lambda: self.settle("merged"))
        self.close_button.clicked.connect(self.accept)
        ctx.runner.dataChanged.connect(self._data_changed)
        bind(ctx.tr, self)
        ctx.settings.changed.connect(self._setting_changed)
        self.load()

    def _data_changed(self, changes: Changes) -> None:
        shown = {c.uid for c in self.conflicts}
        if changes.conflicts or changes.all_records or changes.records & shown:
            # A conflict settled (here or by an import), or a record in the list saved
            # elsewhere (another PC, in team mode): show what is current now. A merged
            # version being built is kept (_show_current).
            self.load(self._current_uid())

    def _setting_changed(self, key: str) -> None:
        if key == DATE_STYLE.key:
            self._show_current()  # the merged version being built is kept

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        self.setWindowTitle(t("conflicts.title"))
        self.intro.setText(t("conflicts.intro"))
        self.table.setHorizontalHeaderLabels(
            [t("diff.field"), t("conflicts.local"), t("conflicts.incoming"), t("conflicts.merged")]
        )
        self.hint.setText(t("conflicts.hint"))
        self.keep_local.setText(t("conflicts.keep_local"))
        self.keep_incoming.setText(t("conflicts.keep_incoming"))
        self.use_merged.setText(t("conflicts.use_merged"))
        self.close_button.setText(t("common.close"))
        self._fill_list()
        self._show_current()

    # --- loading ------------------------------------------------------------------------------

    def load(self, select_uid: str | None = None) -> None:
        kb = self.ctx.kb
        QueryOp(self, kb.list_conflicts, runner=self.ctx.runner).success(
            lambda found: self._loaded(found, select_uid)
        ).run_in_background()

    def _loaded(self, conflicts: list[Conflict], select_uid: str | None) -> None:
        # One entry per record: its latest open conflict is the one to settle.
        latest: dict[str, Conflict] = {}
        for conflict in conflicts:
            latest[conflict.uid] = conflict
        self.conflicts = list(latest.values())
        self._fill_list()
        uids = [c.uid for c in self.conflicts]
        row = uids.index(select_uid) if select_uid in uids else 0
        if self.conflicts:
            self.list.setCurrentRow(row)
        self._show_current()
        if self._refusal is not None:
            self.status.setText(self._refusal)
            self._refusal = None
        self.countChanged.emit(len(self.conflicts))
        self.loaded.emit()

    def _fill_list(self) -> None:
        row = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        lang = self.ctx.tr.language
        for conflict in self.conflicts:
            item = QListWidgetItem(f"{conflict.title}\n{kind_label(conflict.type, lang)}")
            item.setToolTip(conflict.uid)
            self.list.addItem(item)
        if self.conflicts:
            self.list.setCurrentRow(min(max(row, 0), len(self.conflicts) - 1))
        self.list.blockSignals(False)
        if not self.conflicts:
            done = self.notice + " " if self.notice else ""
            self.status.setText(done + self.ctx.tr.t("conflicts.none"))
        else:
            self.status.setText(self.notice)

    @property
    def notice(self) -> str:
        """What the last settling did, or nothing."""
        if self._settled_title is None:
            return ""
        return self.ctx.tr.t("conflicts.settled", title=self._settled_title)

    def current(self) -> Conflict | None:
        row = self.list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    # --- the side-by-side table -------------------------------------------------------------

    def _version_html(self, label: str, version: dict[str, Any] | None, current: bool) -> str:
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        if version is None:
            return f"<b>{escape(label)}</b> {escape(t('conflicts.gone'))}"
        text = t(
            "conflicts.version",
            revision=version.get("revision", "?"),
            updated=format_instant(version.get("updated_at"), self.ctx.settings.date_style, lang),
            origin=ward_label(version.get("origin"), lang) or version.get("origin", ""),
        )
        mark = f" <b style='color:#1b7f3b'>{escape(t('conflicts.current'))}</b>" if current else ""
        deleted = (
            f" <b style='color:#b00020'>{escape(t('conflicts.deleted'))}</b>"
            if version.get("deleted")
            else ""
        )
        return f"<b>{escape(label)}</b> {escape(text)}{mark}{deleted}"

    def _show_current(self) -> None:
        conflict = self.current()
        has = conflict is not None and not self.busy
        for button in (self.keep_local, self.keep_incoming, self.use_merged):
            button.setEnabled(has)
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        if conflict is None:
            self.header.setText("")
            self.merged, self.picks, self._merging = {}, {}, None
            self._fit_fields()
            return
        t = self.ctx.tr.t
        local, incoming = conflict.local, conflict.incoming
        local_current = local is not None and record_hash(local) == conflict.current_hash
        incoming_current = incoming is not None and record_hash(incoming) == conflict.current_hash
        self.header.setText(
            f"<b>{escape(conflict.title)}</b><br>"
            + self._version_html(t("conflicts.local"), local, local_current)
            + "<br>"
            + self._version_html(t("conflicts.incoming"), incoming, incoming_current)
        )
        self.keep_local.setEnabled(local is not None)
        self.keep_incoming.setEnabled(incoming is not None)
        names = differing_fields(local, incoming)
        if self._merging != conflict.id:
            base: dict[str, Any] = (incoming if incoming_current else local) or incoming or {}
            self.merged = copy.deepcopy(base)
            side = INCOMING if base is incoming else LOCAL
            self.picks = dict.fromkeys(names, side)
            self._merging = conflict.id
        self._fill_table(conflict, names)

    def _fill_table(self, conflict: Conflict, names: list[str]) -> None:
        local, incoming = conflict.local or {}, conflict.incoming or {}
        tr = self.ctx.tr
        self.table.blockSignals(True)
        self.table.setRowCount(len(names))
        for row, name in enumerate(names):
            label = QTableWidgetItem(field_label(name, conflict.type, tr))
            label.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, label)
            for column, value in ((LOCAL, local.get(name)), (INCOMING, incoming.get(name))):
                cell = QTableWidgetItem(
                    value_text(value, tr, name, conflict.type, self.ctx.settings.date_style)
                )
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                cell.setToolTip(tr.t("conflicts.pick"))
                self.table.setItem(row, column, cell)
            merged = QTableWidgetItem(
                value_text(
                    self.merged.get(name), tr, name, conflict.type, self.ctx.settings.date_style
                )
            )
            merged.setData(Qt.ItemDataRole.UserRole, name)
            editable = field_type(conflict.type, name) not in (
                FieldType.ATTACHMENTS,
                FieldType.ROWS,
            )
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if editable:
                flags |= Qt.ItemFlag.ItemIsEditable
            merged.setFlags(flags)
            self.table.setItem(row, MERGED, merged)
        self._tint()
        self.table.blockSignals(False)
        self._fit_fields()
        self.table.resizeRowsToContents()

    def _fit_fields(self) -> None:
        """The field column as wide as its header and every field's name, with the cell
        margins; the versions share the rest. The header's ResizeToContents left names such
        as 削減率（再エネ除く、%） a few pixels short of whole."""
        table = self.table
        header = table.horizontalHeaderItem(0)
        texts = [header.text() if header is not None else ""]
        texts += [item.text() for r in range(table.rowCount()) if (item := table.item(r, 0))]
        metrics = table.fontMetrics()
        widest = max(metrics.horizontalAdvance(text) for text in texts)
        table.setColumnWidth(0, widest + CELL_PADDING)

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        if item is None:  # _fill_table fills every cell of every row it adds
            raise LookupError(f"no cell at ({row}, {column})")
        return item

    def _tint(self) -> None:
        for row in range(self.table.rowCount()):
            name = self._cell(row, MERGED).data(Qt.ItemDataRole.UserRole)
            picked = self.picks.get(name)
            for column in (LOCAL, INCOMING):
                color = PICKED if picked == column else DIFFERS
                self._cell(row, column).setBackground(QBrush(color))
            self._cell(row, MERGED).setBackground(
                QBrush(PICKED if picked == MERGED else QColor("#ffffff"))
            )

    def _pick(self, row: int, column: int) -> None:
        """A click on either version's value takes it into the merged record."""
        conflict = self.current()
        if conflict is None or column not in (LOCAL, INCOMING):
            return
        name = self._cell(row, MERGED).data(Qt.ItemDataRole.UserRole)
        source = conflict.local if column == LOCAL else conflict.incoming
        value = copy.deepcopy((source or {}).get(name))
        self.set_merged(name, value, column)

    def set_merged(self, name: str, value: Any, picked: int = MERGED) -> None:
        if value is None:
            self.merged.pop(name, None)
        else:
            self.merged[name] = value
        self.picks[name] = picked
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            cell = self._cell(row, MERGED)
            if cell.data(Qt.ItemDataRole.UserRole) == name:
                current = self.current()
                kind = current.type if current is not None else None
                cell.setText(
                    value_text(value, self.ctx.tr, name, kind, self.ctx.settings.date_style)
                )
        self._tint()
        self.table.blockSignals(False)

    def _edited(self, item: QTableWidgetItem) -> None:
        conflict = self.current()
        if conflict is None or item.column() != MERGED:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        try:
            value = parse_cell(conflict.type, name, item.text())
        except MergeInputError:
            label = field_label(name, conflict.type, self.ctx.tr)
            self.status.setText(self.ctx.tr.t("conflicts.bad_value", field=label))
            self.set_merged(name, self.merged.get(name), self.picks.get(name, MERGED))
            return
        self.status.setText("")
        self.set_merged(name, value)

    def merged_record(self) -> dict[str, Any]:
        """The merged record to save (bookkeeping fields are the service's to fill in)."""
        return {k: v for k, v in self.merged.items() if k not in META_FIELDS - {"uid", "type"}}

    # --- settling -----------------------------------------------------------------------------

    def settle(self, choice: str) -> None:
        conflict = self.current()
        if conflict is None or self.busy:
            return
        value: str | dict[str, Any] = self.merged_record() if choice == "merged" else choice
        kb, uid, shown = self.ctx.kb, conflict.uid, conflict.current_hash
        self.busy = True
        self._show_current_buttons(False)

        def work() -> dict[str, Any]:
            if isinstance(value, dict):
                # Checked first so a refusal can name the field (the save's message does not).
                validate_record(value, strict=False)
            # Settled only if the record is still as shown: a colleague's save is not replaced
            # unseen.
            return kb.settle_conflict(uid, value, expected_hash=shown)

        CollectionOp(self, work, runner=self.ctx.runner).success(
            lambda _rec: self._settled(uid)
        ).failure(self._failed).run_in_background()

    def _show_current_buttons(self, enabled: bool) -> None:
        for button in (self.keep_local, self.keep_incoming, self.use_merged):
            button.setEnabled(enabled)

    def _settled(self, uid: str) -> None:
        self.busy = False
        title = next((c.title for c in self.conflicts if c.uid == uid), uid)
        self._settled_title = title
        self.status.setText(self.notice)
        self.settled.emit(uid)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._show_current_buttons(self.current() is not None)
        self.status.setText(self.refusal_text(exc))
        if isinstance(exc, ChangedSinceError):
            # The record as it is now; the refusal stays said over the reloaded list.
            self._refusal = self.status.text()
            self.load(self._current_uid())

    def _current_uid(self) -> str | None:
        conflict = self.current()
        return conflict.uid if conflict is not None else None

    def refusal_text(self, exc: BaseException) -> str:
        tr = self.ctx.tr
        if isinstance(exc, RecordError) and tr.language == "ja":
            conflict = self.current()
            kind = conflict.type if conflict else None
            where = f"{field_label(exc.field, kind, tr)}: " if exc.field else ""
            return where + exc.message_ja
        return user_message(exc, tr)
