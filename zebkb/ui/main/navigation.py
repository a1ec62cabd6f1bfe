"""The navigation tree: overdue follow-ups, record kinds, wards, ranks, fiscal years, tags,
floor areas, with counts.

Counts come from the search engine's facets for the text being searched
(without the chip filters, so choosing a ward does not hide the others).
Clicking an entry asks for that filter; "all records" asks to clear them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from zebkb.display import (
    FLOOR_AREA_RANGES,
    fiscal_year_label,
    floor_area_range_label,
    kind_label,
    ward_label,
)
from zebkb.glossary import term
from zebkb.ui.core.i18n import Translator, bind
from zebkb.ui.main.searchbar import FISCAL_YEAR, FLOOR_AREA, KIND, OVERDUE, RANK, TAG, WARD

# 後日対応 › 期限切れ first: the one entry that depends on the day, shown only when there
# are overdue follow-ups among the matches.
GROUPS: tuple[str, ...] = (OVERDUE, KIND, WARD, RANK, FISCAL_YEAR, TAG, FLOOR_AREA)
KIND_ORDER = ("case", "visit", "session")
MAX_TAGS = 60

ROLE_CATEGORY = Qt.ItemDataRole.UserRole
ROLE_VALUE = Qt.ItemDataRole.UserRole + 1
ALL = "all"


class NavigationPane(QTreeWidget):
    filterChosen = Signal(str, object)
    clearRequested = Signal()

    def __init__(
        self,
        translator: Translator,
        parent: QWidget | None = None,
        date_style: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._tr = translator
        # The window's date style, read at each fill: fiscal years are named as the
        # record pane names them (令和6年度 or 2024年度).
        self._date_style = date_style or (lambda: "western")
        self._facets: dict[str, dict[str, int]] = {}
        self._total = 0
        self.setHeaderHidden(True)
        # Children sit 14 px in, not Qt's 20: the full-width counts of Japanese labels
        # （公用文） need the room at the window's default size.
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.all_item = QTreeWidgetItem([""])
        self.all_item.setData(0, ROLE_CATEGORY, ALL)
        self.addTopLevelItem(self.all_item)
        self.groups: dict[str, QTreeWidgetItem] = {}
        for name in GROUPS:
            item = QTreeWidgetItem([""])
            item.setData(0, ROLE_CATEGORY, "group")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(item)
            self.groups[name] = item
        for name in (OVERDUE, KIND, WARD, RANK, FISCAL_YEAR):
            self.groups[name].setExpanded(True)
        self.itemClicked.connect(self._on_clicked)
        self.itemActivated.connect(self._on_clicked)
        bind(translator, self)

    def set_facets(self, facets: Mapping[str, Mapping[str, int]], total: int) -> None:
        self._facets = {k: dict(v) for k, v in facets.items()}
        self._total = total
        self._fill()

    def count_of(self, category: str, value: object) -> int | None:
        """The count shown for an entry (None when it is not listed)."""
        group = self.groups[category]
        for i in range(group.childCount()):
            child = group.child(i)
            if child is not None and child.data(0, ROLE_VALUE) == value:
                return int(child.data(0, Qt.ItemDataRole.UserRole + 2))
        return None

    def retranslate(self) -> None:
        self._fill()

    def restyle(self) -> None:
        """The date style changed: the fiscal years are named again."""
        self._fill()

    def _fill(self) -> None:
        t = self._tr.t
        self.all_item.setText(0, t("nav.count", label=t("nav.all"), n=f"{self._total:,}"))
        for name, group in self.groups.items():
            values = self._entries(name)
            group.setText(0, t(f"nav.{name}"))
            group.takeChildren()
            for value, text, count in values:
                child = QTreeWidgetItem([t("nav.count", label=text, n=f"{count:,}")])
                child.setData(0, ROLE_CATEGORY, name)
                child.setData(0, ROLE_VALUE, value)
                child.setData(0, Qt.ItemDataRole.UserRole + 2, count)
                child.setToolTip(0, text)
                group.addChild(child)
            group.setHidden(not values)

    def _entries(self, name: str) -> list[tuple[object, str, int]]:
        lang = self._tr.language
        counts = self._facets.get(name, {})
        if name == KIND:
            order = [k for k in KIND_ORDER if k in counts] + sorted(
                k for k in counts if k not in KIND_ORDER
            )
            return [(k, kind_label(k, lang), counts[k]) for k in order]
        if name == WARD:
            return [(c, ward_label(c, lang), n) for c, n in sorted(counts.items())]
        if name == RANK:
            return [(r, r, n) for r, n in counts.items()]
        if name == FISCAL_YEAR:
            years = sorted(counts, key=int, reverse=True)
            style = self._date_style()
            return [(int(y), fiscal_year_label(y, lang, style), counts[y]) for y in years]
        if name == TAG:
            return [(tag, tag, n) for tag, n in list(counts.items())[:MAX_TAGS]]
        if name == OVERDUE:
            return [(True, term("follow_up.overdue", lang), n) for n in counts.values()]
        entries: list[tuple[object, str, int]] = []
        for bucket, n in counts.items():
            lo, hi = FLOOR_AREA_RANGES.get(bucket, (None, None))
            entries.append((bucket, floor_area_range_label(lo, hi), n))
        return entries

    def _on_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        category = item.data(0, ROLE_CATEGORY)
        if category == ALL:
            self.clearRequested.emit()
        elif category == FLOOR_AREA:
            bucket = item.data(0, ROLE_VALUE)
            self.filterChosen.emit(category, FLOOR_AREA_RANGES.get(bucket, (None, None)))
        elif category in GROUPS:
            self.filterChosen.emit(category, item.data(0, ROLE_VALUE))
