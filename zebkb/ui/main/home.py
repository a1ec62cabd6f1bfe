"""The home screen in front of the list, and the Home and conflict entries of the navigation.

The overview (charts of the wards' shared picture) stands in front of the
results and detail until the person looks for something. Built by the main
window from the panes it hands in; it knows nothing else of the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QStackedWidget, QTreeWidgetItem, QWidget

from zebkb.search.engine import SearchFilters
from zebkb.service.changes import Changes
from zebkb.ui.core.context import AppContext
from zebkb.ui.core.i18n import bind
from zebkb.ui.main.detail import DetailPane
from zebkb.ui.main.navigation import ROLE_CATEGORY, NavigationPane
from zebkb.ui.main.overview_pane import OverviewFilter, OverviewPane
from zebkb.ui.main.searchbar import SearchBar, add_filter

HOME, CONFLICTS = "home", "conflicts"


class HomeScreen(QObject):
    # The person asked for the conflicts (the navigation entry or the overview's button).
    conflictsRequested = Signal()
    # A record chosen on the overview (its uid).
    recordRequested = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        *,
        content: QWidget,
        navigation: NavigationPane,
        search_bar: SearchBar,
        detail: DetailPane,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.content = content
        self.navigation = navigation
        self.search_bar = search_bar
        self.conflict_count = 0
        self.overview = OverviewPane(ctx)
        # Put where the content was by the window; shows the overview first.
        self.stack = QStackedWidget()
        self.stack.addWidget(self.overview)
        self.stack.addWidget(content)
        self.stack.setCurrentWidget(self.overview)

        self.home_item = QTreeWidgetItem([""])
        self.home_item.setData(0, ROLE_CATEGORY, HOME)
        self.conflicts_item = QTreeWidgetItem([""])
        self.conflicts_item.setData(0, ROLE_CATEGORY, CONFLICTS)
        navigation.insertTopLevelItem(0, self.home_item)
        navigation.insertTopLevelItem(1, self.conflicts_item)
        navigation.itemClicked.connect(self._nav_clicked)
        navigation.filterChosen.connect(lambda _c, _v: self.show_list())
        navigation.clearRequested.connect(self.show_list)

        self.overview.filterRequested.connect(self.apply_filter)
        self.overview.recordRequested.connect(self._open_record)
        self.overview.conflictsRequested.connect(self.conflictsRequested)
        self.overview.refreshed.connect(lambda: self.set_conflict_count(self.overview.conflicts))
        search_bar.searchRequested.connect(self._searched)
        detail.shown.connect(lambda _uid: self.show_list())
        ctx.runner.dataChanged.connect(self._data_changed)
        bind(ctx.tr, self)
        self.overview.refresh()

    def retranslate(self) -> None:
        self.home_item.setText(0, self.ctx.tr.t("nav.home"))
        self._show_conflict_count()

    def _data_changed(self, changes: Changes) -> None:
        if changes.records or changes.all_records or changes.conflicts or changes.settings:
            self.overview.refresh()  # the numbers and the conflict count

    def showing_home(self) -> bool:
        return self.stack.currentWidget() is self.overview

    def show_home(self) -> None:
        self.stack.setCurrentWidget(self.overview)
        self.overview.refresh()

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.content)

    def _searched(self, query: str, filters: SearchFilters) -> None:
        if query.strip() or filters != SearchFilters():
            self.show_list()

    def apply_filter(self, wanted: OverviewFilter) -> None:
        """A chart was clicked: show the list with exactly what the click stands for."""
        filters = SearchFilters()
        for category, value in wanted.filters:
            filters = add_filter(filters, category, value)
        bar = self.search_bar
        bar.edit.blockSignals(True)
        bar.edit.setText(wanted.query or "")
        bar.edit.blockSignals(False)
        self.show_list()
        if filters == bar.filters():
            bar.request_now()
        else:
            bar.set_filters(filters)

    def _open_record(self, uid: str) -> None:
        self.show_list()
        self.recordRequested.emit(uid)

    def _nav_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        category = item.data(0, ROLE_CATEGORY)
        if category == HOME:
            self.show_home()
        elif category == CONFLICTS:
            self.conflictsRequested.emit()

    def set_conflict_count(self, n: int) -> None:
        self.conflict_count = n
        self._show_conflict_count()

    def _show_conflict_count(self) -> None:
        n = self.conflict_count
        self.conflicts_item.setText(0, self.ctx.tr.t("nav.conflicts", n=n))
        font = QFont(self.navigation.font())
        font.setBold(n > 0)
        self.conflicts_item.setFont(0, font)
        color = QColor("#b00020") if n > 0 else self.navigation.palette().text().color()
        self.conflicts_item.setForeground(0, QBrush(color))
