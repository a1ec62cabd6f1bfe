"""ファイル → 一覧表から取り込み… / 一覧表に書き出し… / メールで送る…

The list import dialog takes a file (button or drop), shows which column
went to which field (each one can be changed), previews every row (added,
updated, unchanged, or refused with its problems) and imports only when the
person says so, off the GUI thread; the import can be undone from the same
dialog. The list export and the e-mail drafts are one save dialog each.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import fiscal_year_label, kind_label
from zebkb.domain.fields import Kind
from zebkb.service.tables import TableImportResult, TablePreview
from zebkb.tables.mapping import IMPORTABLE, TableMapping
from zebkb.tables.plan import TablePlan, unmapped_required
from zebkb.tables.read import read_table
from zebkb.ui.core.context import AppContext
from zebkb.ui.core.i18n import LANGUAGES, bind, load_catalog
from zebkb.ui.core.ops import CollectionOp, OpCancelled, ProgressReporter, QueryOp
from zebkb.ui.core.settings import DATE_STYLE
from zebkb.ui.main.results import CELL_PADDING

ACTIONS = ("add", "update", "unchanged", "refused")
# A long title is elided at this width (its tooltip whole): the problems beside it
# need the room more.
MAX_TITLE_WIDTH = 280
# A list column's name beyond this is elided too (tooltip whole): the field combo beside
# it has to stay readable in the mapping's pane.
MAX_COLUMN_NAME_WIDTH = 260
Notify = Callable[[str], None]


def _hints() -> set[str]:
    """The opening hint in every language, and no text at all (the dialog just made)."""
    return {"", *(load_catalog(lang)["tables.import.hint"] for lang in LANGUAGES)}


class TableImportDialog(QDialog):
    """Preview a list, change the mapping, import, undo."""

    previewed = Signal()
    imported = Signal(object)  # TableImportResult
    undone = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: TablePreview | None = None
        self.import_result: TableImportResult | None = None
        self._seq = 0
        self.setAcceptDrops(True)
        self.resize(900, 600)

        self.file_label = QLabel()
        # Where the columns' mapping came from: guessed, remembered, or changed here.
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)

        self.mapping_table = QTableWidget(0, 2)
        self.preview_table = QTableWidget(0, 5)
        for table in (self.mapping_table, self.preview_table):
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setStretchLastSection(True)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # Fields no column gives, filled with one value for every row (新築・改修: 新築),
        # as a mapping file's "defaults" do; kept with the mapping for the next list.
        self.defaults_label = QLabel()
        self.defaults_label.setWordWrap(True)
        self.defaults_table = QTableWidget(0, 2)
        self.defaults_table.verticalHeader().setVisible(False)
        self.defaults_table.horizontalHeader().setStretchLastSection(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.mapping_table, 3)
        left_layout.addWidget(self.defaults_label)
        left_layout.addWidget(self.defaults_table, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.preview_table)
        splitter.setStretchFactor(1, 2)
        # Room for the field names in the mapping and the defaults beside the preview.
        splitter.setSizes([380, 520])
        self.defaults_table.setColumnWidth(0, 190)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.apply)
        self.undo_button = QPushButton()
        self.undo_button.clicked.connect(self.undo)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.source_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        bind(ctx.tr, self)
        self._refresh()

    # --- text ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        self.setWindowTitle(t("tables.import.title"))
        self.choose_button.setText(t("tables.import.choose"))
        self.import_button.setText(t("tables.import.apply"))
        self.undo_button.setText(t("tables.import.undo"))
        self.close_button.setText(t("common.close"))
        self.mapping_table.setHorizontalHeaderLabels(
            [t("tables.mapping.header"), t("tables.mapping.field")]
        )
        self.defaults_table.setHorizontalHeaderLabels(
            [t("tables.mapping.field"), t("tables.defaults.value")]
        )
        self.defaults_label.setText(t("tables.defaults.title"))
        self.preview_table.setHorizontalHeaderLabels(
            [
                t("tables.preview.row"),
                t("tables.preview.action"),
                t("tables.preview.type"),
                t("tables.preview.title"),
                t("tables.preview.problems"),
            ]
        )
        self._retext_tables()
        self._refresh()

    def _retext_tables(self) -> None:
        """The preview's words in the new language, in place: nothing is planned again, and
        a default being typed keeps its text."""
        t = self.ctx.tr.t
        combos = [self.mapping_combo(r) for r in range(self.mapping_table.rowCount())]
        for combo in combos:
            combo.setItemText(0, t("tables.mapping.skip"))
        for row in range(self.defaults_table.rowCount()):
            combo, edit = self.default_row(row)
            combo.setItemText(0, t("tables.defaults.none"))
            edit.setPlaceholderText(t("tables.defaults.placeholder"))
            combos.append(combo)
        for combo in combos:
            for i in range(1, combo.count()):
                combo.setItemText(i, self._field_label(str(combo.itemData(i))))
        if self.preview is not None:
            mapping = self.preview.plan.mapping
            for row in range(self.mapping_table.rowCount()):
                item = self.mapping_table.item(row, 0)
                if item is not None:
                    item.setText(mapping.column_label(row, self.ctx.tr.language))
                    item.setToolTip(item.text())
            self._fit_mapping()
            self._fill_preview(self.preview.plan)
            self.source_label.setText(t(f"tables.source.{self.preview.mapping_source}"))

    def _field_label(self, name: str) -> str:
        f = IMPORTABLE[name]
        return f.label_en if self.ctx.tr.language == "en" else f.label_ja

    # --- file --------------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.ctx.tr.t("tables.import.title"), "", self.ctx.tr.t("tables.import.filter")
        )
        if path:
            self.load(Path(path))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.load(paths[0])

    def load(self, path: Path) -> None:
        """Read, map and plan ``path`` on a reader thread; nothing is written."""
        kb = self.ctx.kb
        self.import_result = None
        self.file_label.setText(str(path))
        # The last list's preview goes at once: its Import must not stay under this name.
        self.preview = None
        self._fill()
        self.summary.setText(self.ctx.tr.t("tables.import.reading", name=path.name))
        seq = self._next_seq()

        def work() -> TablePreview:
            table = read_table(path)
            mapping, source = kb.map_table(table)
            plan = kb.plan_table(table, mapping, file_name=path.name)
            return TablePreview(plan=plan, table=table, mapping_source=source)

        QueryOp(self, work, runner=self.ctx.runner).success(
            lambda preview: self._previewed(preview, seq)
        ).failure(lambda exc: self._failed(exc, seq)).run_in_background()

    def _next_seq(self) -> int:
        """Only the answer to the latest read or remap is shown (an earlier one may end later)."""
        self._seq += 1
        return self._seq

    def remap(self, mapping: TableMapping) -> None:
        """Plan again with a changed mapping."""
        if self.preview is None:
            return
        kb, table = self.ctx.kb, self.preview.table
        name = self.preview.plan.file_name

        seq = self._next_seq()

        def work() -> TablePreview:
            plan = kb.plan_table(table, mapping, file_name=name)
            return TablePreview(plan=plan, table=table, mapping_source="edited")

        QueryOp(self, work, runner=self.ctx.runner).success(
            lambda preview: self._previewed(preview, seq)
        ).failure(lambda exc: self._failed(exc, seq)).run_in_background()

    def _failed(self, exc: BaseException, seq: int) -> None:
        from zebkb.ui.core.ops import user_message

        if seq != self._seq:
            return
        self.preview = None
        self.summary.setText(user_message(exc, self.ctx.tr, self.ctx.settings.date_style))
        self._fill()

    def _previewed(self, preview: TablePreview, seq: int) -> None:
        if seq != self._seq:
            return
        self.preview = preview
        self._fill()
        self.previewed.emit()

    # --- tables ------------------------------------------------------------------------------

    def _fill(self) -> None:
        preview = self.preview
        # The old rows' widgets go quiet first: a field losing focus as it is deleted
        # would otherwise report an edit from a row that is half gone.
        for table in (self.mapping_table, self.defaults_table):
            for row in range(table.rowCount()):
                for column in range(table.columnCount()):
                    widget = table.cellWidget(row, column)
                    if widget is not None:
                        widget.blockSignals(True)
        self.mapping_table.setRowCount(0)
        self.preview_table.setRowCount(0)
        self.defaults_table.setRowCount(0)
        self.source_label.setText("")
        if preview is not None:
            self._fill_mapping(preview.plan.mapping)
            self._fill_defaults(preview.plan.mapping)
            self._fit_mapping()
            self._fill_preview(preview.plan)
            self.source_label.setText(self.ctx.tr.t(f"tables.source.{preview.mapping_source}"))
        self._refresh()

    def _fill_mapping(self, mapping: TableMapping) -> None:
        headers = mapping.headers
        self.mapping_table.setRowCount(len(headers))
        for row in range(len(headers)):
            label = QTableWidgetItem(mapping.column_label(row, self.ctx.tr.language))
            label.setToolTip(label.text())
            self.mapping_table.setItem(row, 0, label)
            combo = QComboBox()
            combo.addItem(self.ctx.tr.t("tables.mapping.skip"), None)
            for name in IMPORTABLE:
                combo.addItem(self._field_label(name), name)
            current = mapping.columns.get(row)
            combo.setCurrentIndex(combo.findData(current) if current else 0)
            combo.currentIndexChanged.connect(lambda _i, r=row: self._mapping_changed(r))
            self.mapping_table.setCellWidget(row, 1, combo)

    def _fill_defaults(self, mapping: TableMapping) -> None:
        """One row per default, one per required field nothing gives yet, and one to add."""
        rows: list[tuple[str | None, str]] = list(mapping.defaults.items())
        rows += [(n, "") for n in unmapped_required(mapping) if n not in mapping.defaults]
        rows.append((None, ""))
        given = set(mapping.columns.values())
        self.defaults_table.setRowCount(len(rows))
        for row, (name, value) in enumerate(rows):
            combo = QComboBox()
            combo.addItem(self.ctx.tr.t("tables.defaults.none"), None)
            for field_name in IMPORTABLE:
                if field_name not in given:  # a column gives it: no default needed
                    combo.addItem(self._field_label(field_name), field_name)
            combo.setCurrentIndex(max(combo.findData(name), 0) if name else 0)
            edit = QLineEdit(value)
            edit.setPlaceholderText(self.ctx.tr.t("tables.defaults.placeholder"))
            combo.currentIndexChanged.connect(lambda _i: self._defaults_changed())
            edit.editingFinished.connect(self._defaults_changed)
            self.defaults_table.setCellWidget(row, 0, combo)
            self.defaults_table.setCellWidget(row, 1, edit)

    def default_row(self, row: int) -> tuple[QComboBox, QLineEdit]:
        combo = self.defaults_table.cellWidget(row, 0)
        edit = self.defaults_table.cellWidget(row, 1)
        assert isinstance(combo, QComboBox)
        assert isinstance(edit, QLineEdit)
        return combo, edit

    def set_default(self, name: str, value: str) -> None:
        """Type a default for ``name`` into its row (or the empty last row), as a person would."""
        rows = range(self.defaults_table.rowCount())
        row = next((r for r in rows if self.default_row(r)[0].currentData() == name), rows[-1])
        combo, edit = self.default_row(row)
        combo.blockSignals(True)
        combo.setCurrentIndex(combo.findData(name))
        combo.blockSignals(False)
        edit.setText(value)
        edit.editingFinished.emit()

    def _defaults_changed(self) -> None:
        if self.preview is None:
            return
        defaults: dict[str, str] = {}
        for row in range(self.defaults_table.rowCount()):
            combo, edit = self.default_row(row)
            name, value = combo.currentData(), edit.text().strip()
            if name and value:
                defaults[str(name)] = value
        old = self.preview.plan.mapping
        if defaults == old.defaults:
            return
        self.remap(
            TableMapping(
                header_row=old.header_row,
                headers=list(old.headers),
                columns=dict(old.columns),
                defaults=defaults,
            )
        )

    def mapping_combo(self, row: int) -> QComboBox:
        widget = self.mapping_table.cellWidget(row, 1)
        assert isinstance(widget, QComboBox)
        return widget

    def _mapping_changed(self, row: int) -> None:
        if self.preview is None:
            return
        old = self.preview.plan.mapping
        chosen = self.mapping_combo(row).currentData()
        columns = {i: n for i, n in old.columns.items() if i != row and n != chosen}
        if chosen:
            columns[row] = str(chosen)
        self.remap(
            TableMapping(
                header_row=old.header_row,
                headers=list(old.headers),
                columns=columns,
                defaults=dict(old.defaults),
            )
        )

    def _fill_preview(self, plan: TablePlan) -> None:
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        self.preview_table.setRowCount(len(plan.rows))
        for row, item in enumerate(plan.rows):
            style = self.ctx.settings.date_style
            problems = "\n".join(p.line(lang, style) for p in item.problems)
            kind = t(f"tables.kind.{item.kind}") if item.kind else ""
            values = [str(item.row), t(f"tables.action.{item.action}"), kind, item.title, problems]
            for column, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if column >= 3:
                    cell.setToolTip(text)  # a long title or problem is elided in its column
                self.preview_table.setItem(row, column, cell)
        self._fit_preview()
        self.preview_table.resizeRowsToContents()

    def _widest(self, table: QTableWidget, column: int, extra: list[str]) -> int:
        """The width of a column's header and every text in it (not only the rows in view,
        as resizeColumnToContents would measure), with the cell margins."""
        header = table.horizontalHeaderItem(column)
        texts = [header.text() if header is not None else "", *extra]
        for row in range(table.rowCount()):
            item = table.item(row, column)
            if item is not None:
                texts.append(item.text())
        metrics = table.fontMetrics()
        return max(metrics.horizontalAdvance(text) for text in texts) + CELL_PADDING

    def _fit_mapping(self) -> None:
        """Each list column's name read whole (up to a cap); the field combos take the rest."""
        width = min(self._widest(self.mapping_table, 0, []), MAX_COLUMN_NAME_WIDTH)
        self.mapping_table.setColumnWidth(0, width)

    def _fit_preview(self) -> None:
        """Row, action and kind as wide as every text they show (every action's, so
        nothing moves when one row's changes), the title up to a cap, the problems the rest."""
        table = self.preview_table
        actions = [self.ctx.tr.t(f"tables.action.{a}") for a in ACTIONS]
        for column in range(3):
            table.setColumnWidth(
                column, self._widest(table, column, actions if column == 1 else [])
            )
        table.setColumnWidth(3, min(self._widest(table, 3, []), MAX_TITLE_WIDTH))

    def _refresh(self) -> None:
        t = self.ctx.tr.t
        plan = self.preview.plan if self.preview else None
        busy = self.ctx.runner.busy
        writes = plan is not None and (plan.count("add") + plan.count("update")) > 0
        self.import_button.setEnabled(bool(plan and plan.ok and writes and not self.import_result))
        self.undo_button.setEnabled(
            bool(self.import_result and self.import_result.import_id) and not busy
        )
        if self.import_result is not None:
            self.summary.setText(
                t(
                    "tables.import.done",
                    added=len(self.import_result.added),
                    updated=len(self.import_result.updated),
                    unchanged=self.import_result.unchanged,
                )
            )
        elif plan is not None:
            counts = {a: plan.count(a) for a in ACTIONS}
            text = t("tables.import.counts", **counts)
            if not plan.ok:
                text += "\n" + t(
                    "tables.import.refused",
                    first=plan.problems[0].line(self.ctx.tr.language, self.ctx.settings.date_style),
                )
            self.summary.setText(text)
        elif self.preview is None and self.summary.text() in _hints():
            # Nothing chosen yet: the hint, in the language now chosen.
            self.summary.setText(t("tables.import.hint"))

    # --- writing -------------------------------------------------------------------------------

    def apply(self) -> None:
        if self.preview is None or not self.preview.plan.ok:
            return
        kb, plan = self.ctx.kb, self.preview.plan
        self.import_button.setEnabled(False)

        def work(reporter: ProgressReporter) -> TableImportResult:
            def progress(done: int, total: int) -> None:
                # Raised inside the one transaction: a cancelled import writes nothing.
                reporter.raise_if_cancelled()
                reporter.report(done, total)

            reporter.raise_if_cancelled()
            return kb.apply_table(plan, progress=progress)

        (
            CollectionOp(self, work, runner=self.ctx.runner)
            .with_progress(self.ctx.tr.t("tables.import.applying"))
            .changes(lambda result: result.changes)
            .success(self._applied)
            .failure(self._failed_write)
            .cancelled(self._cancelled)
            .run_in_background()
        )

    def _cancelled(self) -> None:
        self._refresh()
        self.summary.setText(self.ctx.tr.t("tables.import.cancelled"))

    def _applied(self, result: TableImportResult) -> None:
        self.import_result = result
        self._refresh()
        self.imported.emit(result)

    def _failed_write(self, exc: BaseException) -> None:
        from zebkb.ui.core.ops import user_message

        QMessageBox.warning(
            self, self.windowTitle(), user_message(exc, self.ctx.tr, self.ctx.settings.date_style)
        )
        self._refresh()

    def undo(self) -> None:
        if self.import_result is None or not self.import_result.import_id:
            return

        kb, import_id = self.ctx.kb, self.import_result.import_id
        (
            CollectionOp(self, lambda: kb.undo_import(import_id), runner=self.ctx.runner)
            .success(self._undone)
            .failure(self._failed_write)
            .run_in_background()
        )

    def _undone(self, _result: object = None) -> None:
        # The preview stays on screen (importing again would add the rows once more).
        self.import_result = None
        self._refresh()
        self.summary.setText(self.ctx.tr.t("tables.import.undone"))
        self.undone.emit()


# --- list export and e-mail drafts --------------------------------------------------------------


def _tell(parent: QWidget | None, title: str, text: str, notify: Notify | None) -> None:
    if notify is not None:
        notify(text)
    else:
        QMessageBox.information(parent, title, text)


def export_list_to(
    ctx: AppContext,
    parent: QWidget | None,
    out: Path,
    uids: list[str] | None = None,
    *,
    kind: str | None = None,
    fiscal_year: int | None = None,
    notify: Notify | None = None,
) -> Any:
    """Write the chosen records as a list, off the GUI thread.

    ``uids`` when given; else the records of ``fiscal_year`` (and ``kind``), as
    ``zebkb table export --fiscal-year Y [--type T]`` chooses them; else all.
    """
    from zebkb.tables.export import export_list

    kb = ctx.kb
    style = ctx.settings.date_style

    def work() -> Any:
        chosen = kb.records_for_list(uids=uids, kind=kind, fiscal_year=fiscal_year)
        return export_list(chosen, out, date_style=style)

    def done(result: Any) -> None:
        text = ctx.tr.t("tables.export.done", path=str(result.path), records=result.records)
        _tell(parent, ctx.tr.t("tables.export.title"), text, notify)

    def failed(exc: BaseException) -> None:
        from zebkb.ui.core.ops import user_message

        _tell(parent, ctx.tr.t("tables.export.title"), user_message(exc, ctx.tr), notify)

    op = QueryOp(parent, work, runner=ctx.runner).success(done).failure(failed)
    return op.run_in_background()


EXPORT_SCOPES = ("selected", "shown", "fiscal_year")


class TableExportDialog(QDialog):
    """一覧表に書き出し…: the selected records, the results shown, or a fiscal year's records."""

    # After the list was written or refused (the sentence shown), for tests and callers.
    written = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        selected: list[str],
        shown: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.selected = list(selected)
        self.shown = list(shown)
        # The fiscal years that have records, newest first (None until counted).
        self.years: list[int] | None = None
        self.scope_group = QButtonGroup(self)
        self.scope_buttons: dict[str, QRadioButton] = {}
        form = QFormLayout()
        self.year = QComboBox()
        self.kind = QComboBox()
        self.kind.addItem("", None)
        for kind in Kind:
            self.kind.addItem("", kind.value)
        for n, scope in enumerate(EXPORT_SCOPES):
            button = QRadioButton()
            self.scope_group.addButton(button, n)
            self.scope_buttons[scope] = button
            if scope == "fiscal_year":
                row = QHBoxLayout()
                row.addWidget(self.year, 1)
                row.addWidget(self.kind, 1)
                form.addRow(button, row)
            else:
                form.addRow(button)
        self.scope_buttons["selected"].setEnabled(bool(self.selected))
        self.scope_buttons["shown"].setEnabled(bool(self.shown))
        self.scope_buttons["fiscal_year"].setEnabled(False)  # until the years are counted
        # Several rows chosen by hand say what is wanted; otherwise the list as shown.
        if len(self.selected) > 1 or (self.selected and not self.shown):
            self.scope_buttons["selected"].setChecked(True)
        elif self.shown:
            self.scope_buttons["shown"].setChecked(True)
        else:
            self.scope_buttons["fiscal_year"].setChecked(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.export_button = QPushButton()
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.choose_and_export)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)
        self.scope_group.idToggled.connect(lambda _i, _on: self._update())
        self.year.currentIndexChanged.connect(lambda _i: self._update())
        ctx.settings.changed.connect(self._setting_changed)
        bind(ctx.tr, self)
        self._load_years()

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        self.setWindowTitle(t("tables.export.title"))
        self.scope_buttons["selected"].setText(
            t("tables.export.scope.selected", n=len(self.selected))
        )
        self.scope_buttons["shown"].setText(t("tables.export.scope.shown", n=len(self.shown)))
        self.scope_buttons["fiscal_year"].setText(t("tables.export.scope.fiscal_year"))
        self._name_years()
        for i in range(self.kind.count()):
            kind = self.kind.itemData(i)
            text = kind_label(kind, lang) if kind else t("tables.export.all_kinds")
            self.kind.setItemText(i, text)
        self.export_button.setText(t("tables.export.choose"))
        self.close_button.setText(t("common.close"))
        self._update()

    def _load_years(self) -> None:
        kb = self.ctx.kb

        def work() -> list[int]:
            years = {s.fiscal_year for s in kb.list_records() if s.fiscal_year is not None}
            return sorted(years, reverse=True)

        QueryOp(self, work, runner=self.ctx.runner).success(self._years_loaded).run_in_background()

    def _setting_changed(self, key: str) -> None:
        if key == DATE_STYLE.key:
            self._name_years()

    def _name_years(self) -> None:
        """The year choices named as the window names fiscal years (令和6年度 or 2024年度)."""
        lang, style = self.ctx.tr.language, self.ctx.settings.date_style
        for i in range(self.year.count()):
            self.year.setItemText(i, fiscal_year_label(self.year.itemData(i), lang, style))

    def _years_loaded(self, years: list[int]) -> None:
        self.years = years
        self.year.clear()
        for year in years:
            self.year.addItem("", year)
        self._name_years()
        self.scope_buttons["fiscal_year"].setEnabled(bool(years))
        self._update()

    def scope(self) -> str:
        return EXPORT_SCOPES[max(self.scope_group.checkedId(), 0)]

    def choose_year(self, year: int, kind: str | None = None) -> bool:
        """Pick a fiscal year (and a kind) as a person would; False when no record has it."""
        index = self.year.findData(year)
        if index < 0:
            return False
        self.scope_buttons["fiscal_year"].setChecked(True)
        self.year.setCurrentIndex(index)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        return True

    def _update(self) -> None:
        on_year = self.scope() == "fiscal_year"
        has_years = self.year.count() > 0
        self.year.setEnabled(on_year and has_years)
        self.kind.setEnabled(on_year and has_years)
        ready = self.scope_buttons[self.scope()].isEnabled() and (not on_year or has_years)
        self.export_button.setEnabled(ready)
        if self.years == []:
            self.note.setText(self.ctx.tr.t("tables.export.no_years"))

    def choose_and_export(self) -> Any:
        """Ask where to write (.xlsx or .csv), then write the list."""
        t = self.ctx.tr.t
        path, _ = QFileDialog.getSaveFileName(
            self, t("tables.export.title"), t("tables.export.file_name"), t("tables.export.filter")
        )
        if not path:
            return None
        scope = self.scope()
        uids = {"selected": self.selected, "shown": self.shown}.get(scope)
        year = self.year.currentData() if scope == "fiscal_year" else None
        kind = self.kind.currentData() if scope == "fiscal_year" else None
        self.export_button.setEnabled(False)
        return export_list_to(
            self.ctx, self, Path(path), uids, kind=kind, fiscal_year=year, notify=self._written
        )

    def _written(self, text: str) -> None:
        self.note.setText(text)
        self._update()
        self.written.emit(text)


def write_mail_drafts(
    ctx: AppContext, parent: QWidget, out_dir: Path, *, notify: Notify | None = None
) -> Any:
    """Export everything as e-mail drafts in ``out_dir`` and open them in the mail program."""
    from zebkb.bundle.mail import (
        DEFAULT_MESSAGE_CAP,
        Sender,
        bundle_cap_for_message,
        write_drafts,
    )
    from zebkb.domain.wards import ward_name
    from zebkb.keys import own_key
    from zebkb.service.exchange import ExportCancelled

    kb = ctx.kb

    def work(reporter: ProgressReporter) -> list[Path]:
        import tempfile

        home = kb.home_ward or ""
        with tempfile.TemporaryDirectory() as tmp:
            stamp = kb.clock().strftime("%Y%m%d-%H%M")
            try:
                result = kb.export_bundle(
                    Path(tmp) / f"zebkb-{home}-{stamp}.zebkb",
                    max_size=bundle_cap_for_message(DEFAULT_MESSAGE_CAP),
                    overwrite=True,
                    progress=reporter.report,
                    cancel=reporter.is_cancelled,
                )
            except ExportCancelled:
                raise OpCancelled from None
            # The drafts are written only once the whole export is there: none or all.
            reporter.raise_if_cancelled()
            sender = Sender(home, ward_name(home), own_key(kb.data_dir).fingerprint)
            return write_drafts(result.parts, out_dir, sender, when=kb.clock())

    def done(drafts: list[Path]) -> None:
        # The system's mail program opens each draft as a new message to address and send.
        for draft in drafts:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(draft)))
        text = ctx.tr.t("tables.mail.done", count=len(drafts), folder=str(out_dir))
        _tell(parent, ctx.tr.t("tables.mail.title"), text, notify)

    from zebkb.service.changes import Changes

    return (
        CollectionOp(parent, work, runner=ctx.runner)
        .with_progress(ctx.tr.t("tables.mail.writing"))
        .changes(Changes(exchange_log=True))
        .success(done)
        .cancelled(
            lambda: _tell(
                parent, ctx.tr.t("tables.mail.title"), ctx.tr.t("tables.mail.cancelled"), notify
            )
        )
        .run_in_background()
    )


def ask_mail_drafts(ctx: AppContext, parent: QWidget) -> Any:
    folder = QFileDialog.getExistingDirectory(parent, ctx.tr.t("tables.mail.title"))
    if not folder:
        return None
    return write_mail_drafts(ctx, parent, Path(folder))
