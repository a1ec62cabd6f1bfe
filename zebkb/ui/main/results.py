"""The results table: a model over light rows (ids and a few columns), sorted in memory.

The model never holds a record: ``TableRow`` is a small frozen tuple-like
object from ``KnowledgeBase.table_rows`` (50,000 of them are a few MB), and
the full record is fetched only for the detail pane. Columns fit the kind
being looked at; with several kinds, the common ones. Rows arrive in the
order the search ranked them; clicking a header sorts, a third click goes
back to that order. Texts are computed when Qt asks for a visible cell only.

Sorting 50,000 rows by a Japanese title takes 0.1-0.2 s, too long for the
GUI thread: big tables are sorted on a reader thread (``order_rows`` is pure)
and the order is swapped in between ``layoutAboutToBeChanged`` and
``layoutChanged``; an order computed for rows since replaced is dropped. The
window sorts new search results on the search's own thread the same way.
Empty values go last whichever way a column is sorted.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from zebkb.display import (
    fiscal_year_label,
    format_area,
    format_date,
    kind_label,
    session_kind_label,
    ward_label,
)
from zebkb.domain.fields import Kind
from zebkb.domain.vocab import SESSION_KINDS
from zebkb.domain.wards import WARDS
from zebkb.service import TableRow
from zebkb.ui.core.i18n import Translator
from zebkb.ui.core.ops import OpRunner, QueryOp
from zebkb.ui.core.settings import Settings

Index = QModelIndex | QPersistentModelIndex

# (column key, descending)
SortSpec = tuple[str, bool]

# Up to this many rows a sort takes a few milliseconds and is done at once.
SYNC_SORT_ROWS = 5_000
# sorted() compares strings in C, holding the GIL, so the GUI thread waits for a
# whole sort (25 ms for 50,000 titles, several times that on a busy machine);
# slices this big are sorted in about a millisecond and merged in Python, which
# lets the GIL go. Measured against one sorted() (benchmarks/simpler_bench.py
# --only sort, 50,000 titles, 2 loaded cores): longest GUI-thread gap 27 ms
# against 114 ms, for 333 ms of sorting against 252 ms.
SORT_SLICE = 2_048

# Default column widths: the style's cell margins, a cap for long kind names,
# the narrowest title, and the pane's width before it is first shown.
CELL_PADDING = 16
MAX_DEFAULT_WIDTH = 180
MAX_KIND_WIDTH = 110
MIN_TITLE_WIDTH = 180
DEFAULT_VIEW_WIDTH = 613
# Dates whose text is the widest of their era (平成 and 令和) and of the Western style.
WIDE_DATES = ("2018-12-28", "2028-12-28")
WIDE_YEARS = (2018, 2028)


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # catalog key "col.<key>" and the sort key
    text: Callable[[TableRow, str, str], str]  # (row, lang, date style) → text
    sort: Callable[[TableRow], Any]  # None or "" for an empty cell
    align_right: bool = False


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("kind", lambda r, lang, _s: kind_label(r.type, lang), lambda r: r.type),
        Column("title", lambda r, _l, _s: r.title or "", lambda r: r.title),
        Column("ward", lambda r, lang, _s: ward_label(r.ward, lang), lambda r: r.ward),
        Column(
            "date",
            lambda r, lang, style: format_date(r.record_date, style, lang),
            lambda r: r.record_date,
        ),
        Column(
            "fiscal_year",
            lambda r, lang, style: fiscal_year_label(r.fiscal_year, lang, style),
            lambda r: r.fiscal_year,
        ),
        Column(
            "facility",
            lambda r, _l, _s: r.facility_name or "",
            lambda r: r.facility_name,
        ),
        Column("rank", lambda r, _l, _s: r.zeb_rank or "", lambda r: r.zeb_rank),
        Column(
            "floor_area",
            lambda r, _l, _s: format_area(r.floor_area_m2),
            lambda r: r.floor_area_m2,
            align_right=True,
        ),
        Column("host", lambda r, _l, _s: r.host or "", lambda r: r.host),
        Column(
            "session_kind",
            lambda r, lang, _s: session_kind_label(r.session_kind, lang),
            lambda r: r.session_kind,
        ),
        Column("organizer", lambda r, _l, _s: r.organizer or "", lambda r: r.organizer),
        Column(
            "updated",
            lambda r, lang, style: format_date(r.updated_at, style, lang),
            lambda r: r.updated_at,
        ),
    )
}

# Column sets per kind being shown; None means several kinds at once.
LAYOUTS: dict[str | None, tuple[str, ...]] = {
    None: ("kind", "title", "ward", "date", "fiscal_year", "updated"),
    "case": ("title", "facility", "ward", "rank", "floor_area", "date", "fiscal_year"),
    "visit": ("title", "ward", "host", "date", "fiscal_year"),
    "session": ("title", "ward", "session_kind", "organizer", "date", "fiscal_year"),
}


# Columns left out, in this order, while the others and a readable title do not fit
# the pane at their default widths (1280×800 has room for about 600 px); each comes
# back when the pane is wide enough. The year repeats the date's; a case's facility
# is mostly in its title.
DROP_FIRST: dict[str | None, tuple[str, ...]] = {
    None: ("fiscal_year", "ward"),
    "case": ("fiscal_year", "facility", "floor_area"),
    "visit": ("fiscal_year", "host"),
    "session": ("fiscal_year", "organizer", "session_kind"),
}


@dataclass(frozen=True, slots=True)
class Ordering:
    """Rows in the order shown and each uid's row number."""

    spec: SortSpec | None
    rows: list[TableRow]
    row_of: dict[str, int]


def order_rows(rows: Sequence[TableRow], spec: SortSpec | None) -> Ordering:
    """Sort rows by a column (None keeps their order). No Qt: runs on any thread."""
    if spec is None:
        shown = list(rows)
    else:
        key, descending = spec
        value = COLUMNS[key].sort
        filled: list[TableRow] = []
        empty: list[TableRow] = []
        for row in rows:
            v = value(row)
            (empty if v is None or v == "" else filled).append(row)
        # Stable either way: equal values keep the search's order (heapq.merge
        # takes ties from the earlier slice first).
        slices = [
            sorted(filled[i : i + SORT_SLICE], key=value, reverse=descending)
            for i in range(0, len(filled), SORT_SLICE)
        ]
        if len(slices) > 1:
            filled = list(heapq.merge(*slices, key=value, reverse=descending))
        elif slices:
            filled = slices[0]
        shown = filled + empty
    return Ordering(spec, shown, {r.uid: i for i, r in enumerate(shown)})


def layout_name(kind: str | None) -> str:
    """The settings name under which a layout's column widths are kept."""
    return f"results_{kind or 'all'}"


class ResultsModel(QAbstractTableModel):
    # A sort has been applied (at once, or when the background sort came back).
    sortFinished = Signal()

    def __init__(
        self,
        translator: Translator,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        runner: OpRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._tr = translator
        self._settings = settings
        self._runner = runner
        # Bumped by every sort and every new set of rows: a background sort
        # answering for an older one is dropped.
        self._sort_seq = 0
        self._pending = -1  # the sequence number of the background sort last started
        self._ranked: list[TableRow] = []  # in the order the search gave
        self._rows: list[TableRow] = []  # as shown (sorted or ranked)
        self._kind: str | None = None
        self._columns: tuple[Column, ...] = tuple(COLUMNS[k] for k in LAYOUTS[None])
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._row_of: dict[str, int] = {}

    # --- content ----------------------------------------------------------------

    @property
    def kind(self) -> str | None:
        return self._kind

    def column_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self._columns)

    def sort_spec(self) -> SortSpec | None:
        if self._sort is None:
            return None
        column, order = self._sort
        return (self._columns[column].key, order == Qt.SortOrder.DescendingOrder)

    def set_rows(
        self, rows: Sequence[TableRow], kind: str | None, ordering: Ordering | None = None
    ) -> bool:
        """Replace the rows; True when the columns changed (a new layout).

        ``ordering``: the same rows already ordered off the GUI thread; used when
        it was made for the sort in force.
        """
        layout_changed = kind != self._kind
        self._sort_seq += 1
        self.beginResetModel()
        if layout_changed:
            self._kind = kind
            self._columns = tuple(COLUMNS[k] for k in LAYOUTS.get(kind, LAYOUTS[None]))
            self._sort = None
        self._ranked = list(rows)
        spec = self.sort_spec()
        later = False
        if ordering is None or ordering.spec != spec or len(ordering.rows) != len(self._ranked):
            later = spec is not None and self._in_background()
            ordering = order_rows(self._ranked, None if later else spec)
        self._rows, self._row_of = ordering.rows, ordering.row_of
        self.endResetModel()
        if later and spec is not None:
            self._sort_in_background(spec)
        return layout_changed

    def uid_at(self, row: int) -> str | None:
        if 0 <= row < len(self._rows):
            return self._rows[row].uid
        return None

    def row_of(self, uid: str) -> int | None:
        return self._row_of.get(uid)

    def row_data(self, row: int) -> TableRow:
        return self._rows[row]

    def uids(self) -> list[str]:
        return [r.uid for r in self._rows]

    def language(self) -> str:
        return self._tr.language

    def title_of(self, key: str) -> str:
        return self._tr.t(f"col.{key}")

    def refresh_texts(self) -> None:
        """Language or date style changed: every visible text is recomputed."""
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.DisplayRole])
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)

    # --- Qt model -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self._rows[index.row()]
            return column.text(row, self._tr.language, self._settings.date_style)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            return self._tr.t(f"col.{self._columns[section].key}")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; column -1 restores the search's own order."""
        wanted = (column, order) if 0 <= column < len(self._columns) else None
        if wanted == self._sort:
            # The order shown (or being computed) is already this one. Qt asks twice
            # when a program calls sortByColumn: once for the indicator, once itself.
            if not self.sorting:
                self.sortFinished.emit()
            return
        self._sort = wanted
        self._sort_seq += 1
        spec = self.sort_spec()
        if spec is not None and self._in_background():
            self._sort_in_background(spec)
        else:
            self._apply(order_rows(self._ranked, spec))

    @property
    def sorting(self) -> bool:
        """A background sort is running; its order is not shown yet."""
        return self._pending == self._sort_seq

    def _in_background(self) -> bool:
        return self._runner is not None and len(self._ranked) > SYNC_SORT_ROWS

    def _sort_in_background(self, spec: SortSpec) -> None:
        assert self._runner is not None
        seq = self._sort_seq
        self._pending = seq
        rows = self._ranked  # replaced, never changed in place: safe to read over there
        QueryOp(self, lambda: order_rows(rows, spec), runner=self._runner).success(
            lambda ordering: self._sorted_in_background(seq, ordering)
        ).run_in_background()

    def _sorted_in_background(self, seq: int, ordering: Ordering) -> None:
        if seq == self._sort_seq:
            self._pending = -1
            self._apply(ordering)

    def _apply(self, ordering: Ordering) -> None:
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self.uid_at(i.row()), i.column()) for i in persistent]
        self._rows, self._row_of = ordering.rows, ordering.row_of
        new = []
        for uid, col in held:
            row = self._row_of.get(uid) if uid else None
            new.append(self.index(row, col) if row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()
        self.sortFinished.emit()


class ResultsPane(QTableView):
    """The table view; says which record is current."""

    currentUidChanged = Signal(str)
    activatedUid = Signal(str)

    def __init__(
        self,
        translator: Translator,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        runner: OpRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.results = ResultsModel(translator, settings, self, runner=runner)
        self.setModel(self.results)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Shift, Ctrl and Ctrl+A select several rows for the bulk actions.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.verticalHeader()
        vertical.hide()
        # Fixed row heights: the view never measures 50,000 rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.sectionResized.connect(self._remember_widths)
        self.setSortingEnabled(True)
        self._restoring = False
        self.selectionModel().currentRowChanged.connect(self._on_current)
        self.activated.connect(self._on_activated)
        translator.languageChanged.connect(lambda _lang: self.restyle())
        self._apply_widths()

    def set_rows(
        self, rows: Sequence[TableRow], kind: str | None, ordering: Ordering | None = None
    ) -> None:
        """New results; the current record stays current when it is among them."""
        previous = self.current_uid()
        chosen = self.selected_uids()
        # A new layout's columns come with Qt's own widths: not the person's to keep.
        self._restoring = True
        try:
            changed = self.results.set_rows(rows, kind, ordering)
        finally:
            self._restoring = False
        if changed:
            self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self._apply_widths()
        if previous is not None and self.results.row_of(previous) is not None:
            self.select_uid(previous, emit=False)
        # A selection of several rows outlives the list read again after a write (a bulk
        # tag, then another on the same rows); rows no longer listed drop out of it.
        if len(chosen) > 1:
            self._reselect(chosen)

    def selected_uids(self) -> list[str]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [u for r in rows if (u := self.results.uid_at(r))]

    def _reselect(self, uids: Sequence[str]) -> None:
        model = self.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection = QItemSelection()
        last = self.results.columnCount() - 1
        for uid in uids:
            row = self.results.row_of(uid)
            if row is not None:
                selection.select(self.results.index(row, 0), self.results.index(row, last))
        model.blockSignals(True)
        try:
            model.select(selection, flags.Select | flags.Rows)
        finally:
            model.blockSignals(False)
        self.viewport().update()

    def current_uid(self) -> str | None:
        index = self.currentIndex()
        return self.results.uid_at(index.row()) if index.isValid() else None

    def select_uid(self, uid: str, *, emit: bool = True) -> bool:
        row = self.results.row_of(uid)
        if row is None:
            return False
        index = self.results.index(row, 0)
        if not emit:
            self.selectionModel().blockSignals(True)
        try:
            # One call, flags given: setCurrentIndex and selectRow take their selection
            # command from the keyboard's modifiers, so a Ctrl still held toggled the row off.
            flags = QItemSelectionModel.SelectionFlag
            self.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        finally:
            self.selectionModel().blockSignals(False)
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        uid = self.results.uid_at(current.row()) if current.isValid() else None
        if uid:
            self.currentUidChanged.emit(uid)

    def _on_activated(self, index: QModelIndex) -> None:
        uid = self.results.uid_at(index.row())
        if uid:
            self.activatedUid.emit(uid)

    def _apply_widths(self) -> None:
        widths = self._settings.column_widths(layout_name(self.results.kind))
        header = self.horizontalHeader()
        self._restoring = True
        try:
            keys = self.results.column_keys()
            defaults = {key: self.default_width(key) for key in keys}
            left_out = set() if widths else self._left_out(defaults)
            if "title" in defaults:
                # The title takes what the other columns leave of the pane (but not
                # less than a readable width), so 日付 and 年度 are in view at the start.
                others = sum(w for k, w in defaults.items() if k not in left_out | {"title"})
                defaults["title"] = max(MIN_TITLE_WIDTH, self._room() - others)
            shown = [c for c, key in enumerate(keys) if key not in left_out]
            for column, key in enumerate(keys):
                self.setColumnHidden(column, key in left_out)
            # The last shown column stretches to the pane's edge, and no further back than
            # the width given here (Qt's default, 100 px, pushed 年度 past the edge).
            for column in shown:
                width = widths[column] if column < len(widths) else defaults[keys[column]]
                header.resizeSection(column, max(30, width))
        finally:
            self._restoring = False

    def _room(self) -> int:
        return self.viewport().width() if self.isVisible() else DEFAULT_VIEW_WIDTH

    def _left_out(self, defaults: dict[str, int]) -> set[str]:
        """The columns that do not fit the pane at their default widths (none saved)."""
        if "title" not in defaults:
            return set()
        room = self._room()
        left_out: set[str] = set()
        for key in DROP_FIRST.get(self.results.kind, ()):
            needed = MIN_TITLE_WIDTH + sum(
                w for k, w in defaults.items() if k not in left_out | {"title"}
            )
            if needed <= room:
                break
            left_out.add(key)
        return left_out

    def default_width(self, key: str) -> int:
        """A column's width before the person sets one: its widest value and its title fit."""
        metrics = self.fontMetrics()
        lang = self.results.language()
        style = self._settings.date_style
        samples: list[str] = [self.results.title_of(key)]
        if key in ("date", "updated"):
            # The widest day of each era and style (two-digit month and day).
            samples += [format_date(d, style, lang) for d in WIDE_DATES]
        elif key == "fiscal_year":
            samples += [fiscal_year_label(y, lang, style) for y in WIDE_YEARS]
        elif key == "ward":
            samples += [ward_label(w.code, lang) for w in WARDS]
        elif key == "kind":
            samples += [kind_label(k.value, lang) for k in Kind]
        elif key == "session_kind":
            samples += [session_kind_label(t.value, lang) for t in SESSION_KINDS]
        elif key in ("rank", "floor_area"):
            samples += ["ZEB Oriented", "99,999.99㎡"] if key == "rank" else ["99,999.99㎡"]
        else:
            return 110
        widest = max(metrics.horizontalAdvance(text) for text in samples)
        # ZEBリーディング・オーナー would take a third of the pane: it is elided (its tooltip whole).
        cap = MAX_KIND_WIDTH if key == "kind" else MAX_DEFAULT_WIDTH
        return min(widest + CELL_PADDING, cap)

    def restyle(self) -> None:
        """Language or date style changed: texts again, and default widths to fit them."""
        self.results.refresh_texts()
        if not self._settings.column_widths(layout_name(self.results.kind)):
            self._apply_widths()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._settings.column_widths(layout_name(self.results.kind)):
            self._apply_widths()

    def _remember_widths(self, index: int, _old: int, _new: int) -> None:
        header = self.horizontalHeader()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        # The last shown column stretches with the pane: Qt resizing it is no choice of
        # the person's, and keeping it would freeze the layout that fits the pane now.
        if self._restoring or not shown or index == shown[-1]:
            return
        keys = self.results.column_keys()
        # A column left out for room keeps its default width, and is shown again.
        widths = [
            self.default_width(keys[c]) if header.isSectionHidden(c) else header.sectionSize(c)
            for c in range(len(keys))
        ]
        self._settings.set_column_widths(layout_name(self.results.kind), widths)
