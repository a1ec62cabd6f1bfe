"""Wires exchange and the overview into the main window, from outside it.

The main window composes panes; this adds, without the window knowing the
details: File ▸ 取り込み… / 書き出し…, Tools ▸ 交換ログ… / 競合…, the home
screen (the overview) in front of the list, a Home entry and a conflict count
at the top of the navigation pane, and bundle files dropped on the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QBrush, QColor, QDragEnterEvent, QDropEvent, QFont, QKeySequence
from PySide6.QtWidgets import QStackedWidget, QTreeWidgetItem

from zebkb.search.engine import SearchFilters
from zebkb.ui.core.i18n import bind
from zebkb.ui.exchange.import_dialog import bundle_paths
from zebkb.ui.main.navigation import ROLE_CATEGORY
from zebkb.ui.main.overview_pane import OverviewFilter, OverviewPane
from zebkb.ui.main.searchbar import add_filter

if TYPE_CHECKING:
    from zebkb.ui.main.mainwindow import MainWindow

HOME, CONFLICTS = "home", "conflicts"
# (name, catalog key, shortcut, menu, the action it goes before or None for the end)
EXTRA_ACTIONS: tuple[tuple[str, str, str | None, str, str | None], ...] = (
    ("import", "action.import", "Ctrl+I", "file", "settings"),
    ("export", "action.export", "Ctrl+Shift+S", "file", "settings"),
    ("home", "action.home", "Ctrl+Home", "view", None),
    ("exchange_log", "action.exchange_log", None, "tools", None),
    ("conflicts", "action.conflicts", None, "tools", None),
)


class ExchangeWiring(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.conflict_count = 0
        self.actions: dict[str, QAction] = {}
        handlers = {
            "import": self.open_import,
            "export": self.open_export,
            "home": self.show_home,
            "exchange_log": self.open_exchange_log,
            "conflicts": self.open_conflicts,
        }
        for name, _key, shortcut, menu, before in EXTRA_ACTIONS:
            action = QAction(window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(handlers[name])
            anchor = window.actions_by_name.get(before) if before else None
            if anchor is not None:
                window.menus[menu].insertAction(anchor, action)
            else:
                window.menus[menu].addAction(action)
            window.actions_by_name[name] = action
            self.actions[name] = action

        # The overview stands in front of the list and detail until the user looks for something.
        self.overview = OverviewPane(self.ctx)
        self.stack = QStackedWidget()
        index = window.splitter.indexOf(window.content)
        window.splitter.replaceWidget(index, self.stack)
        self.stack.addWidget(self.overview)
        self.stack.addWidget(window.content)
        self.stack.setCurrentWidget(self.overview)

        nav = window.navigation
        self.home_item = QTreeWidgetItem([""])
        self.home_item.setData(0, ROLE_CATEGORY, HOME)
        self.conflicts_item = QTreeWidgetItem([""])
        self.conflicts_item.setData(0, ROLE_CATEGORY, CONFLICTS)
        nav.insertTopLevelItem(0, self.home_item)
        nav.insertTopLevelItem(1, self.conflicts_item)
        nav.itemClicked.connect(self._nav_clicked)
        nav.filterChosen.connect(lambda _c, _v: self.show_list())
        nav.clearRequested.connect(self.show_list)

        self.overview.filterRequested.connect(self.apply_filter)
        self.overview.recordRequested.connect(self._open_record)
        self.overview.conflictsRequested.connect(self.open_conflicts)
        self.overview.refreshed.connect(lambda: self.set_conflict_count(self.overview.conflicts))
        window.search_bar.searchRequested.connect(self._searched)
        window.detail.shown.connect(lambda _uid: self.show_list())
        window.recordChanged.connect(lambda _uid: self.refresh())

        window.setAcceptDrops(True)
        window.installEventFilter(self)
        bind(self.ctx.tr, self)
        self.overview.refresh()

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        for name, key, _shortcut, _menu, _before in EXTRA_ACTIONS:
            self.actions[name].setText(t(key))
        self.home_item.setText(0, t("nav.home"))
        self._show_conflict_count()

    # --- the home screen ------------------------------------------------------------------

    def showing_home(self) -> bool:
        return self.stack.currentWidget() is self.overview

    def show_home(self) -> None:
        self.stack.setCurrentWidget(self.overview)
        self.overview.refresh()

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.window.content)

    def refresh(self) -> None:
        """After data changed: the overview and the conflict count count again."""
        self.overview.refresh()

    def _searched(self, query: str, filters: SearchFilters) -> None:
        if query.strip() or filters != SearchFilters():
            self.show_list()

    def apply_filter(self, wanted: OverviewFilter) -> None:
        """A chart was clicked: show the list with exactly what the click stands for."""
        filters = SearchFilters()
        for category, value in wanted.filters:
            filters = add_filter(filters, category, value)
        bar = self.window.search_bar
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
        self.window.open_record(uid)

    def _nav_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        category = item.data(0, ROLE_CATEGORY)
        if category == HOME:
            self.show_home()
        elif category == CONFLICTS:
            self.open_conflicts()

    def set_conflict_count(self, n: int) -> None:
        self.conflict_count = n
        self._show_conflict_count()

    def _show_conflict_count(self) -> None:
        n = self.conflict_count
        self.conflicts_item.setText(0, self.ctx.tr.t("nav.conflicts", n=n))
        font = QFont(self.window.navigation.font())
        font.setBold(n > 0)
        self.conflicts_item.setFont(0, font)
        color = QColor("#b00020") if n > 0 else self.window.navigation.palette().text().color()
        self.conflicts_item.setForeground(0, QBrush(color))

    # --- dialogs --------------------------------------------------------------------------

    def open_import(self, paths: list[Path] | None = None) -> Any:
        """The import dialog (one at a time); ``paths`` are checked at once."""
        from zebkb.ui.exchange.import_dialog import ImportDialog

        def make() -> ImportDialog:
            dialog = ImportDialog(self.ctx, self.window)
            dialog.importFinished.connect(self._imported)
            return dialog

        dialog = self.window.dialogs.open("import", make)
        if paths:
            dialog.add_files(paths)
        return dialog

    def _imported(self, _outcome: object) -> None:
        self.window.refresh()
        self.refresh()

    def selected_uids(self) -> list[str]:
        results = self.window.results
        rows = sorted({i.row() for i in results.selectionModel().selectedRows()})
        uids = [results.results.uid_at(r) for r in rows]
        return [u for u in uids if u]

    def open_export(self) -> Any:
        from zebkb.ui.exchange.export_dialog import ExportDialog

        uids = self.selected_uids()
        return self.window.dialogs.open("export", lambda: ExportDialog(self.ctx, uids, self.window))

    def open_exchange_log(self) -> Any:
        from zebkb.ui.exchange.exchange_log import ExchangeLogDialog

        def make() -> ExchangeLogDialog:
            dialog = ExchangeLogDialog(self.ctx, self.window)
            dialog.undone.connect(self._imported)
            return dialog

        return self.window.dialogs.open("exchange_log", make)

    def open_conflicts(self) -> Any:
        from zebkb.ui.exchange.conflicts import ConflictsDialog

        def make() -> ConflictsDialog:
            dialog = ConflictsDialog(self.ctx, self.window)
            dialog.settled.connect(self._settled)
            dialog.countChanged.connect(self.set_conflict_count)
            return dialog

        return self.window.dialogs.open("conflicts", make)

    def _settled(self, uid: str) -> None:
        self.window.refresh()
        self.window.recordChanged.emit(uid)  # the overview counts again on this

    # --- bundles dropped on the window ------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window:
            if event.type() == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
                if bundle_paths(event.mimeData()):
                    event.acceptProposedAction()
                    return True
            elif event.type() == QEvent.Type.Drop and isinstance(event, QDropEvent):
                paths = bundle_paths(event.mimeData())
                if paths:
                    event.acceptProposedAction()
                    self.open_import(paths)
                    return True
        return super().eventFilter(watched, event)

    def drop_files(self, paths: list[Path]) -> Any:
        """What a drop of bundle files does (also for callers without a drag)."""
        return self.open_import([p for p in paths if p.suffix.lower() == ".zebkb"])
