"""Import bundles: choose or drop files, read the merge plan, apply with progress, see the summary.

Every chosen file is checked and planned off the GUI thread (``plan_import``
writes nothing). A refused bundle stays in the list with its one-line reason
and blocks Apply, so a set of bundles goes in only when all of them are
sound. Apply runs on the single writer with progress and cancel; a cancelled
bundle changes nothing (``apply_import`` is all or nothing per bundle).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zebkb.bundle.merge import Action
from zebkb.display import format_instant, kind_label, ward_label
from zebkb.glossary import aside
from zebkb.service.exchange import ImportCancelled, ImportPlan, ImportSummary, RecordPlan
from zebkb.ui.core.context import AppContext
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.core.settings import DATE_STYLE
from zebkb.ui.edit.diffview import META_FIELDS, DiffTable, differing_fields
from zebkb.ui.main.results import CELL_PADDING

BUNDLE_SUFFIX = ".zebkb"
MAIL_SUFFIX = ".eml"  # a received message: its attached bundles are imported
ACTIONS = tuple(a.value for a in Action)
CONFLICT = "conflict"
ACTION_COLORS = {
    "added": "#1b7f3b",
    "updated": "#1f5fbf",
    "deleted": "#b00020",
    "unchanged": "#777777",
    "kept": "#8a6d00",
}
SIGNATURE_COLORS = {"verified": "#1b7f3b", "untrusted": "#b35c00", "unsigned": "#777777"}
# Progress units per bundle, so several bundles share one bar.
UNITS = 1000


def bundle_paths(mime: QMimeData) -> list[Path]:
    """The bundle files among dropped URLs (the main window's drop handler asks this)."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in (BUNDLE_SUFFIX, MAIL_SUFFIX)]


@dataclass
class BundleEntry:
    path: Path
    plan: ImportPlan | None = None
    error: BaseException | None = None
    pending: bool = True


@dataclass
class ImportOutcome:
    """What one Apply did: the bundles merged, and whether the rest was cancelled."""

    summaries: list[ImportSummary] = field(default_factory=list)
    cancelled: bool = False
    # A later bundle that failed after earlier ones went in (those stay in).
    error: Exception | None = None

    @property
    def bundle_ids(self) -> list[str]:
        return [s.plan.bundle_id for s in self.summaries]


class PlanModel(QAbstractTableModel):
    """Every record of a plan with its action; light enough for 10,000 rows."""

    COLUMNS = ("action", "kind", "title", "uid")

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._items: list[RecordPlan] = []
        self._rows: list[int] = []

    def set_plan(self, items: Sequence[RecordPlan], only: str | None) -> None:
        self.beginResetModel()
        self._items = list(items)
        if only is None:
            self._rows = list(range(len(self._items)))
        elif only == CONFLICT:
            self._rows = [i for i, item in enumerate(self._items) if item.conflict]
        else:
            self._rows = [i for i, item in enumerate(self._items) if item.action.value == only]
        self.endResetModel()

    def item_at(self, row: int) -> RecordPlan | None:
        if 0 <= row < len(self._rows):
            return self._items[self._rows[row]]
        return None

    def row_of(self, uid: str) -> int | None:
        for row, i in enumerate(self._rows):
            if self._items[i].uid == uid:
                return row
        return None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._ctx.tr.t(f"import.col.{self.COLUMNS[section]}")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        item = self.item_at(index.row())
        if item is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "action":
                return action_text(self._ctx, item)
            if column == "kind":
                return kind_label(item.type, self._ctx.tr.language)
            if column == "title":
                return item.title
            return item.uid
        if role == Qt.ItemDataRole.ToolTipRole and column == "title":
            return item.title  # a long title is elided in its column
        if role == Qt.ItemDataRole.ForegroundRole and column == "action":
            color = "#b00020" if item.conflict else ACTION_COLORS[item.action.value]
            return QBrush(QColor(color))
        if role == Qt.ItemDataRole.UserRole:
            return item.uid
        return None

    def refresh_texts(self) -> None:
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)


def action_text(ctx: AppContext, item: RecordPlan) -> str:
    text = ctx.tr.t(f"import.action.{item.action.value}")
    if item.conflict:
        text = f"{text} ⚠ {ctx.tr.t('import.action.conflict')}"
    return text


class ImportDialog(QDialog):
    # After every chosen file has been checked (valid or refused).
    plansReady = Signal()
    # After Apply ended: ImportOutcome (also when cancelled part-way).
    importFinished = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries: list[BundleEntry] = []
        # Bundles taken out of received e-mails live here while the dialog is open.
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self.outcome: ImportOutcome | None = None
        self.apply_handle: Any = None
        self.setAcceptDrops(True)
        self.resize(1000, 700)

        self.choose_button = QPushButton()
        self.remove_button = QPushButton()
        self.files = QListWidget()
        self.files.setMaximumHeight(110)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.only = QComboBox()
        self.only_label = QLabel()
        self.model = PlanModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.diff = DiffTable(ctx.tr, date_style=lambda: ctx.settings.date_style)
        self.diff_label = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.apply_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.apply_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.remove_button)
        top.addStretch(1)
        top.addWidget(self.only_label)
        top.addWidget(self.only)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.diff_label)
        lower_layout.addWidget(self.diff)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([380, 220])
        # What this dialog is for, before anything is chosen.
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.files)
        layout.addLayout(top)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.choose_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_current)
        self.files.currentRowChanged.connect(lambda _row: self._show_entry())
        self.only.currentIndexChanged.connect(lambda _i: self._show_entry())
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._show_item(current.row())
        )
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.reject)
        self.finished.connect(lambda _r: self.close_plans())
        self.finished.connect(lambda _r: self._drop_scratch())
        bind(ctx.tr, self)
        ctx.settings.changed.connect(self._setting_changed)

    # --- texts ------------------------------------------------------------------------------

    def _setting_changed(self, key: str) -> None:
        if key == DATE_STYLE.key:
            self._retext_shown()

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        self.setWindowTitle(t("import.title"))
        self.intro.setText(t("import.intro"))
        self.choose_button.setText(t("import.choose"))
        self.remove_button.setText(t("import.remove"))
        self.only_label.setText(t("import.show"))
        current = self.only.currentData()
        self.only.blockSignals(True)
        self.only.clear()
        self.only.addItem(t("import.show.all"), None)
        for value in (*ACTIONS, CONFLICT):
            self.only.addItem(t(f"import.action.{value}"), value)
        index = self.only.findData(current)
        self.only.setCurrentIndex(max(index, 0))
        self.only.blockSignals(False)
        self.diff.set_headers(t("import.diff.local"), t("import.diff.incoming"))
        self.close_button.setText(t("common.close"))
        self.model.refresh_texts()
        self._fit_columns()
        self._refresh()
        self._retext_shown()

    def _retext_shown(self) -> None:
        """The plan on screen in the new language; the chosen bundle and record stay chosen."""
        entry = self.current_entry()
        if entry is None:
            return
        if entry.plan is not None:
            self.header.setText(self.plan_html(entry.plan))
        elif entry.error is not None:
            self.header.setText(self.refusal_html(entry))
        else:
            self.header.setText(self.ctx.tr.t("import.checking"))
        row = self.table.currentIndex().row()
        if row >= 0:
            self._show_item(row)

    # --- choosing files ---------------------------------------------------------------------

    def choose_files(self) -> None:
        t = self.ctx.tr.t
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            t("import.choose"),
            "",
            f"{t('import.filter')} (*{BUNDLE_SUFFIX} *{MAIL_SUFFIX});;* (*)",
        )
        if names:
            self.add_files([Path(n) for n in names])

    def add_files(self, paths: Iterable[Path | str]) -> None:
        """Check and plan each file (a dropped or chosen one); files already listed are skipped."""
        if self.outcome is not None:
            self._start_over()
        known = {e.path.resolve() for e in self.entries}
        for raw in paths:
            path = Path(raw)
            if path.resolve() in known:
                continue
            known.add(path.resolve())
            for bundle, error in self._bundles_of(path):
                entry = BundleEntry(bundle)
                self.entries.append(entry)
                if error is not None:
                    self._planned(entry, None, error)
                else:
                    self._plan(entry)
        self._refresh()
        if self.files.currentRow() < 0 and self.entries:
            self.files.setCurrentRow(0)

    def _bundles_of(self, path: Path) -> list[tuple[Path, BaseException | None]]:
        """A bundle is itself; a received e-mail (by content) gives the bundles attached."""
        from zebkb.bundle.errors import BundleError
        from zebkb.bundle.mail import bundles_in_message, looks_like_message

        try:
            with path.open("rb") as fh:
                head = fh.read(1024)
        except OSError:
            return [(path, None)]  # plan_import names the problem
        if not looks_like_message(head):
            return [(path, None)]
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="zebkb-mail-")
        try:
            found = bundles_in_message(path, Path(self._scratch.name) / str(len(self.entries)))
        except BundleError as exc:
            return [(path, exc)]
        return [(bundle, None) for bundle in found]

    def _plan(self, entry: BundleEntry) -> None:
        kb = self.ctx.kb
        QueryOp(self, lambda: kb.plan_import(entry.path), runner=self.ctx.runner).success(
            lambda plan: self._planned(entry, plan, None)
        ).failure(lambda exc: self._planned(entry, None, exc)).run_in_background()

    def _planned(
        self, entry: BundleEntry, plan: ImportPlan | None, exc: BaseException | None
    ) -> None:
        entry.pending = False
        if entry not in self.entries:  # removed while it was being checked
            if plan is not None:
                plan.close()
            return
        entry.plan, entry.error = plan, exc
        self._refresh()
        if self.current_entry() is entry:
            self._show_entry()
        if not any(e.pending for e in self.entries):
            self.plansReady.emit()

    def remove_current(self) -> None:
        entry = self.current_entry()
        if entry is None or self.apply_handle is not None:
            return
        self.entries.remove(entry)
        if entry.plan is not None:
            entry.plan.close()
        self._refresh()
        self._show_entry()

    def current_entry(self) -> BundleEntry | None:
        row = self.files.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    # --- showing a plan ------------------------------------------------------------------------

    def _refresh(self) -> None:
        """The file list, the Apply button and the status line after any change."""
        t = self.ctx.tr.t
        row = self.files.currentRow()
        self.files.blockSignals(True)
        self.files.clear()
        for entry in self.entries:
            if entry.pending:
                mark, state = "…", t("import.checking")
            elif entry.error is not None:
                mark, state = "✕", t("import.refused")
            else:
                mark, state = "✓", self._counts_text(entry.plan)  # type: ignore[arg-type]
            item = QListWidgetItem(f"{mark} {entry.path.name} — {state}")
            item.setToolTip(str(entry.path))
            if entry.error is not None:
                item.setForeground(QBrush(QColor("#b00020")))
            self.files.addItem(item)
        if self.entries:
            self.files.setCurrentRow(min(max(row, 0), len(self.entries) - 1))
        self.files.blockSignals(False)
        ready = [e for e in self.entries if e.plan is not None]
        blocked = any(e.pending or e.error is not None for e in self.entries)
        self.apply_button.setEnabled(bool(ready) and not blocked and self.apply_handle is None)
        self.apply_button.setText(t("import.apply", n=len(ready)))
        self.remove_button.setEnabled(bool(self.entries) and self.apply_handle is None)
        if self.outcome is not None:
            self.status.setText(self.outcome_text(self.outcome))
        elif not self.entries:
            self.status.setText(t("import.hint"))
        elif any(e.error is not None for e in self.entries):
            self.status.setText(t("import.blocked"))
        elif ready and not blocked:
            self.status.setText(t("import.ready"))
        else:
            self.status.setText(t("import.checking"))

    def _counts_text(self, plan: ImportPlan) -> str:
        t = self.ctx.tr.t
        counts = plan.counts()
        parts = [f"{t(f'import.action.{a}')} {counts[a]:,}" for a in ACTIONS if counts[a]]
        if counts["conflicts"]:
            parts.append(f"{t('import.action.conflict')} {counts['conflicts']:,}")
        return " / ".join(parts) or t("import.empty")

    def _show_entry(self) -> None:
        entry = self.current_entry()
        self.diff.setRowCount(0)
        self.diff_label.setText("")
        if entry is None or entry.plan is None:
            self.model.set_plan([], None)
            self._fit_columns()
            if entry is None:
                self.header.setText("")
            elif entry.error is not None:
                self.header.setText(self.refusal_html(entry))
            else:
                self.header.setText(self.ctx.tr.t("import.checking"))
            return
        self.header.setText(self.plan_html(entry.plan))
        self.model.set_plan(entry.plan.items, self.only.currentData())
        self._fit_columns()
        first = next(
            (r for r in range(self.model.rowCount()) if self._worth_showing(r)),
            0 if self.model.rowCount() else None,
        )
        if first is not None:
            self.table.selectRow(first)

    def _fit_columns(self) -> None:
        """Action, kind and uid as wide as their title and every value they can show.

        Measured from the texts, not from the rows in view (resizeColumnToContents
        looks only at those, so "Unchanged" further down read "Unch…"), over the whole
        plan whatever the filter, so switching filters or languages moves nothing.
        """
        entry = self.current_entry()
        items = entry.plan.items if entry is not None and entry.plan is not None else []
        lang = self.ctx.tr.language
        conflict = self.ctx.tr.t("import.action.conflict")
        actions = [self.ctx.tr.t(f"import.action.{a}") for a in ACTIONS]
        samples = {
            "action": actions + [f"{a} ⚠ {conflict}" for a in actions],
            "kind": [kind_label(t, lang) for t in {item.type for item in items}],
            "uid": [item.uid for item in items],
        }
        metrics = self.table.fontMetrics()
        for column, key in enumerate(PlanModel.COLUMNS):
            if key not in samples:
                continue  # the title takes the room left
            texts = [str(self.model.headerData(column, Qt.Orientation.Horizontal)), *samples[key]]
            widest = max(metrics.horizontalAdvance(text) for text in texts)
            self.table.setColumnWidth(column, widest + CELL_PADDING)

    def _worth_showing(self, row: int) -> bool:
        item = self.model.item_at(row)
        return item is not None and (item.conflict or item.action is not Action.UNCHANGED)

    def refusal_html(self, entry: BundleEntry) -> str:
        from html import escape

        t = self.ctx.tr.t
        style = self.ctx.settings.date_style
        reason = user_message(entry.error, self.ctx.tr, style)  # type: ignore[arg-type]
        return (
            f"<b style='color:#b00020'>{escape(t('import.refused_title', name=entry.path.name))}"
            f"</b><br>{escape(reason)}<br><i>{escape(t('import.nothing_changed'))}</i>"
        )

    def plan_html(self, plan: ImportPlan) -> str:
        from html import escape

        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        manifest = plan.bundle.manifest
        style = self.ctx.settings.date_style
        origin = ward_label(manifest.origin_ward, lang) or manifest.origin_ward
        color = SIGNATURE_COLORS.get(plan.signature, "#777777")
        lines = [
            f"<b>{escape(t('import.origin'))}</b> {escape(origin)}"
            f"{escape(aside(manifest.origin_ward, lang))}"
            f" &nbsp; <b>{escape(t('import.created'))}</b>"
            f" {escape(format_instant(manifest.created_at, style, lang))}",
            f"<b>{escape(t('import.signature'))}</b> <span style='color:{color}'>"
            f"{escape(t(f'import.signature.{plan.signature}'))}</span>",
            f"<b>{escape(t('import.counts'))}</b> {escape(self._counts_text(plan))}"
            f" ({escape(t('import.records', n=f'{len(plan.items):,}'))})",
        ]
        if manifest.series is not None and manifest.parts:
            lines.append(escape(t("import.part", part=manifest.part, parts=manifest.parts)))
        if manifest.since:
            since = format_instant(manifest.since, style, lang)
            lines.append(escape(t("import.since", since=since)))
        if plan.previously_imported:
            lines.append(f"<i>{escape(t('import.again'))}</i>")
        return "<br>".join(lines)

    def _show_item(self, row: int) -> None:
        item = self.model.item_at(row)
        if item is None:
            self.diff.setRowCount(0)
            self.diff_label.setText("")
            return
        t = self.ctx.tr.t
        title = t("import.diff.title", title=item.title, action=action_text(self.ctx, item))
        if item.local is not None:
            title += " " + t(
                "import.diff.versions",
                local=item.local.get("revision", "?"),
                incoming=item.incoming.get("revision", "?"),
            )
        self.diff_label.setText(title)
        if item.local is None:
            # A new record: everything it brings, beside an empty column.
            rows = [
                (k, None, v)
                for k, v in item.incoming.items()
                if k not in META_FIELDS and v not in (None, "", [])
            ]
            self.diff.show_rows(item.type, rows, tint=False)
            return
        # Revision and timestamps differ in every update: the header says them once.
        local, incoming = item.local, item.incoming
        rows = [(n, local.get(n), incoming.get(n)) for n in differing_fields(local, incoming)]
        self.diff.show_rows(item.type, rows)

    # --- applying ---------------------------------------------------------------------------

    def apply(self) -> None:
        plans = [e.plan for e in self.entries if e.plan is not None]
        if not plans or self.apply_handle is not None:
            return
        kb = self.ctx.kb
        count = len(plans)

        def work(reporter: Any) -> ImportOutcome:
            outcome = ImportOutcome()
            for n, plan in enumerate(plans):

                def progress(done: int, total: int, n: int = n) -> None:
                    share = done * UNITS // total if total else UNITS
                    reporter.report(n * UNITS + share, count * UNITS)

                try:
                    summary = kb.apply_import(plan, progress=progress, cancel=reporter.is_cancelled)
                except ImportCancelled:
                    outcome.cancelled = True
                    break
                except Exception as exc:
                    if not outcome.summaries:
                        raise
                    outcome.error = exc
                    break
                outcome.summaries.append(summary)
            return outcome

        self.status.setText(self.ctx.tr.t("import.applying"))
        op = (
            CollectionOp(self, work, runner=self.ctx.runner)
            .with_progress(self.ctx.tr.t("import.applying"))
            .success(self._applied)
            .failure(self._apply_failed)
            .cancelled(lambda: self._applied(ImportOutcome(cancelled=True)))
        )
        self.apply_handle = op.run_in_background()
        self._refresh()

    def _applied(self, outcome: ImportOutcome) -> None:
        self.apply_handle = None
        self.outcome = outcome
        self.close_plans()
        self.entries = []
        self.model.set_plan([], None)
        self.diff.setRowCount(0)
        self.header.setText("")
        self._refresh()
        self.importFinished.emit(outcome)

    def _apply_failed(self, exc: BaseException) -> None:
        # Nothing of the failed bundle changed; its plan stays open, so Apply may be tried again.
        self.apply_handle = None
        self._refresh()
        self.status.setText(
            self.ctx.tr.t(
                "import.failed", reason=user_message(exc, self.ctx.tr, self.ctx.settings.date_style)
            )
        )
        self.importFinished.emit(ImportOutcome())

    def outcome_text(self, outcome: ImportOutcome) -> str:
        t = self.ctx.tr.t
        lines = []
        for summary in outcome.summaries:
            plan = summary.plan
            lines.append(
                t(
                    "import.done_one",
                    name=plan.bundle.path.name,
                    counts=self._counts_text(plan),
                    files=summary.files_added,
                )
            )
        if outcome.cancelled:
            lines.append(t("import.cancelled"))
        if outcome.error is not None:
            lines.append(
                t(
                    "import.failed",
                    reason=user_message(outcome.error, self.ctx.tr, self.ctx.settings.date_style),
                )
            )
        if any(s.plan.counts()["conflicts"] for s in outcome.summaries):
            lines.append(t("import.see_conflicts"))
        if any(not s.nothing_to_import for s in outcome.summaries):
            lines.append(t("import.undo_hint"))
        return "\n".join(lines)

    def _start_over(self) -> None:
        self.outcome = None
        self.entries = []

    def _drop_scratch(self) -> None:
        """Remove the bundles taken out of e-mails, once nothing reads them."""
        if self._scratch is not None and self.apply_handle is None:
            self._scratch.cleanup()
            self._scratch = None

    def close_plans(self) -> None:
        if self.apply_handle is not None:
            return  # the writer is streaming from these files
        for entry in self.entries:
            if entry.plan is not None:
                entry.plan.close()

    def reject(self) -> None:
        if self.apply_handle is not None:
            return  # cancel the import from its progress dialog first
        super().reject()

    # --- drops on the dialog itself ------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if bundle_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = bundle_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)
