"""The search box: results as you type (debounced), query help, removable filter chips.

Typing restarts a single-shot timer; when it fires, ``searchRequested`` carries
the text and the filters. Adding or
removing a filter asks at once. The bar holds no results: the main window
runs the search through the op runner and shows the answer elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import (
    fiscal_year_label,
    floor_area_range_label,
    kind_label,
    ward_label,
)
from zebkb.glossary import term
from zebkb.search.engine import SearchFilters
from zebkb.ui.core.i18n import Translator, bind

# Short enough that typing-stopped-to-results stays under 150 ms (a search takes ~10 ms
# on 10,000 records, benchmarks/gui_bench.py), long enough to skip most keystrokes.
DEBOUNCE_MS = 120

# Filter categories: the navigation tree and the chips speak these names.
KIND, WARD, RANK, FISCAL_YEAR, TAG, FLOOR_AREA, OVERDUE = (
    "kind",
    "ward",
    "rank",
    "fiscal_year",
    "tag",
    "floor_area",
    "overdue",
)
# Spelled out so every catalog key can be found in the source (tests/ui/test_ui_i18n.py).
CATEGORY_LABEL_KEYS = {
    KIND: "nav.kind",
    WARD: "nav.ward",
    RANK: "nav.rank",
    FISCAL_YEAR: "nav.fiscal_year",
    TAG: "nav.tag",
    FLOOR_AREA: "nav.floor_area",
    OVERDUE: "nav.overdue",
}
_TUPLE_FIELDS = {
    KIND: "kinds",
    WARD: "wards",
    RANK: "ranks",
    FISCAL_YEAR: "fiscal_years",
    TAG: "tags",
}


def area_range(value: object) -> tuple[float | None, float | None]:
    """A floor-area filter's value: the (low, high) pair of square metres, either open."""
    lo, hi = cast("tuple[float | None, float | None]", value)
    return lo, hi


def add_filter(filters: SearchFilters, category: str, value: object) -> SearchFilters:
    """``filters`` with one more value; a floor-area range replaces the previous one."""
    if category == FLOOR_AREA:
        lo, hi = area_range(value)
        return replace(filters, floor_area_min=lo, floor_area_max=hi)
    if category == OVERDUE:
        return replace(filters, overdue=True)
    name = _TUPLE_FIELDS[category]
    current = getattr(filters, name)
    if category == FISCAL_YEAR:
        value = int(value)  # type: ignore[call-overload]
    if value in current:
        return filters
    # The field is chosen by name, so mypy cannot tell its type: one of the tuple fields.
    changed: dict[str, Any] = {name: (*current, value)}
    return replace(filters, **changed)


def remove_filter(filters: SearchFilters, category: str, value: object) -> SearchFilters:
    if category == FLOOR_AREA:
        return replace(filters, floor_area_min=None, floor_area_max=None)
    if category == OVERDUE:
        return replace(filters, overdue=False)
    name = _TUPLE_FIELDS[category]
    changed: dict[str, Any] = {name: tuple(v for v in getattr(filters, name) if v != value)}
    return replace(filters, **changed)


def filter_items(filters: SearchFilters) -> list[tuple[str, object]]:
    """Every (category, value) in the filters, in chip order."""
    items: list[tuple[str, object]] = []
    for category, name in _TUPLE_FIELDS.items():
        items.extend((category, v) for v in getattr(filters, name))
    if filters.floor_area_min is not None or filters.floor_area_max is not None:
        items.append((FLOOR_AREA, (filters.floor_area_min, filters.floor_area_max)))
    if filters.overdue:
        items.append((OVERDUE, True))
    return items


def is_empty(filters: SearchFilters) -> bool:
    return not filter_items(filters)


class FilterChip(QToolButton):
    """One filter, shown as "区: 葛飾区 ✕"; clicking it removes the filter."""

    removeRequested = Signal(str, object)

    def __init__(self, category: str, value: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category = category
        self.value = value
        self.setAutoRaise(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(
            "QToolButton { border: 1px solid #8aa4c8; border-radius: 9px;"
            " background: #e8f0fb; padding: 1px 8px; }"
            "QToolButton:hover { background: #d0e0f5; }"
        )
        self.clicked.connect(lambda: self.removeRequested.emit(self.category, self.value))

    def set_texts(self, text: str, tooltip: str) -> None:
        self.setText(f"{text}  ✕")
        self.setToolTip(tooltip)


class SearchBar(QWidget):
    # (query text, SearchFilters)
    searchRequested = Signal(str, object)
    helpRequested = Signal()

    def __init__(
        self,
        translator: Translator,
        parent: QWidget | None = None,
        date_style: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._tr = translator
        # The window's date style, read at each redraw: a fiscal-year chip names the year
        # as the record pane does (令和6年度 or 2024年度).
        self._date_style = date_style or (lambda: "western")
        self._filters = SearchFilters()
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.help_button = QToolButton()
        self.help_button.setText("?")
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()
        self._error_text: Callable[[], str] | None = None
        self.chips_label = QLabel()
        self.chips_row = QHBoxLayout()
        self.chips_row.setContentsMargins(0, 0, 0, 0)
        self.chips_row.setSpacing(4)
        self.chips: list[FilterChip] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.request_now)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.edit, 1)
        top.addWidget(self.help_button)
        chips = QHBoxLayout()
        chips.setContentsMargins(0, 0, 0, 0)
        chips.addWidget(self.chips_label)
        chips.addLayout(self.chips_row)
        chips.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        # The chip row keeps its height while empty: the first chip appearing must not
        # push the panes below down under the pointer.
        self.chips_host = QWidget()
        self.chips_host.setLayout(chips)
        # Measured on a chip with no parent, so it is never shown: a child removed with
        # deleteLater() stayed on screen over the search box until the event loop ran.
        probe = FilterChip(KIND, "case")
        probe.set_texts("種別: 事例 Case", "")
        self.chips_host.setMinimumHeight(probe.sizeHint().height())
        probe.deleteLater()
        layout.addWidget(self.chips_host)

        self.edit.textChanged.connect(self._on_text)
        self.edit.returnPressed.connect(self.request_now)
        self.help_button.clicked.connect(self.helpRequested)
        bind(translator, self)

    # --- state ---------------------------------------------------------------

    def query(self) -> str:
        return self.edit.text()

    def filters(self) -> SearchFilters:
        return self._filters

    def set_query(self, text: str) -> None:
        """Set the text and search at once (no debounce)."""
        self.edit.blockSignals(True)
        self.edit.setText(text)
        self.edit.blockSignals(False)
        self.request_now()

    def set_filters(self, filters: SearchFilters) -> None:
        if filters == self._filters:
            return
        self._filters = filters
        self._rebuild_chips()
        self.request_now()

    def add_filter(self, category: str, value: object) -> None:
        self.set_filters(add_filter(self._filters, category, value))

    def remove_filter(self, category: str, value: object) -> None:
        self.set_filters(remove_filter(self._filters, category, value))

    def clear(self) -> None:
        """Empty text and no filters (Esc in the box)."""
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self._filters = SearchFilters()
        self._rebuild_chips()
        self.request_now()

    def show_error(self, message: str | Callable[[], str] | None) -> None:
        """A query the engine refused: one line under the box, results left as they were.

        Given as a function, the line is worded again when the language changes.
        """
        self._error_text = message if callable(message) else (lambda: message or "")
        self._show_error_text()

    def _show_error_text(self) -> None:
        text = self._error_text() if self._error_text is not None else ""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def focus_search(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def request_now(self) -> None:
        self.timer.stop()
        self.searchRequested.emit(self.query(), self._filters)

    def step_back(self) -> bool:
        """Esc: undo one step of narrowing (the text first, then the newest chip)."""
        if self.query():
            self.edit.blockSignals(True)
            self.edit.clear()
            self.edit.blockSignals(False)
            self.request_now()
            return True
        items = filter_items(self._filters)
        if items:
            self.remove_filter(*items[-1])
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.step_back():
            return
        super().keyPressEvent(event)

    # --- texts -----------------------------------------------------------------

    def retranslate(self) -> None:
        t = self._tr.t
        self.edit.setPlaceholderText(t("search.placeholder"))
        self.help_button.setToolTip(t("search.help"))
        self.chips_label.setText(t("search.filters"))
        self._rebuild_chips()
        self._show_error_text()

    def restyle(self) -> None:
        """The date style changed: the chips name their fiscal years again."""
        self._rebuild_chips()

    def chip_text(self, category: str, value: object) -> str:
        lang = self._tr.language
        if category == KIND:
            shown = kind_label(str(value), lang)
        elif category == WARD:
            shown = ward_label(str(value), lang)
        elif category == FISCAL_YEAR:
            shown = fiscal_year_label(value, lang, self._date_style())  # type: ignore[arg-type]
        elif category == FLOOR_AREA:
            shown = floor_area_range_label(*area_range(value))
        elif category == OVERDUE:
            shown = term("follow_up.overdue", lang)
        else:
            shown = str(value)
        return f"{self._tr.t(CATEGORY_LABEL_KEYS[category])}: {shown}"

    def _on_text(self, _text: str) -> None:
        self.timer.start()

    def _rebuild_chips(self) -> None:
        for chip in self.chips:
            self.chips_row.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        remove_tip = self._tr.t("search.remove_filter")
        for category, value in filter_items(self._filters):
            chip = FilterChip(category, value, self)
            chip.set_texts(self.chip_text(category, value), remove_tip)
            chip.removeRequested.connect(self.remove_filter)
            self.chips_row.addWidget(chip)
            self.chips.append(chip)
        self.chips_label.setVisible(bool(self.chips))
