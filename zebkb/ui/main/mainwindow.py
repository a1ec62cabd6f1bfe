"""The main window: composes the search bar, navigation, results and detail panes.

It owns no data work of its own: searches, reads and changes are ops on
``ctx.runner``, and each pane is its own class. What the window adds is the
wiring between panes, the menus and shortcuts, delete with undo, and
remembering its size, splitters and columns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QByteArray, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import kind_label
from zebkb.domain.fields import Kind
from zebkb.render import record_url
from zebkb.search.engine import SearchFilters
from zebkb.service import CatchUp
from zebkb.service.changes import Changes
from zebkb.ui.core import settings as opts
from zebkb.ui.core.context import AppContext
from zebkb.ui.core.dialogs import DialogManager
from zebkb.ui.core.gcpolicy import freeze_startup_heap
from zebkb.ui.core.i18n import LANGUAGE_NAMES, LANGUAGES, bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.exchange.controller import MENU_ENTRIES as EXCHANGE_ENTRIES
from zebkb.ui.exchange.controller import ExchangeController
from zebkb.ui.main import bulk
from zebkb.ui.main.bulk import DELETE, Before, UndoStep
from zebkb.ui.main.detail import DetailPane
from zebkb.ui.main.home import HomeScreen
from zebkb.ui.main.navigation import NavigationPane
from zebkb.ui.main.results import Ordering, ResultsPane, order_rows
from zebkb.ui.main.searchbar import SearchBar
from zebkb.ui.main.searchwork import RowCache, SearchAnswer, run_search

STATUS_MS = 8000


# (name, catalog key, shortcut, menu); the menu order is this order.
ACTIONS: tuple[tuple[str, str, QKeySequence | str | None, str], ...] = (
    ("new", "action.new", "Ctrl+N", "file"),
    ("edit", "action.edit", "Ctrl+E", "file"),
    ("delete", "action.delete", "Del", "file"),
    ("print_preview", "action.print_preview", "Ctrl+P", "file"),
    ("print_year", "action.print_year", None, "file"),
    ("settings", "action.settings", "Ctrl+,", "file"),
    ("quit", "action.quit", "Ctrl+Q", "file"),
    ("undo", "action.undo_delete", "Ctrl+Z", "edit"),
    ("add_tag", "action.add_tag", None, "edit"),
    ("remove_tag", "action.remove_tag", None, "edit"),
    ("find", "action.find", "Ctrl+F", "edit"),
    ("clear", "action.clear_search", "Esc", "edit"),
    ("history", "action.history", "Ctrl+H", "edit"),
    ("back", "action.back", "Alt+Left", "view"),
    ("forward", "action.forward", "Alt+Right", "view"),
    ("reindex", "action.reindex", None, "tools"),
    ("query_help", "action.query_help", "F1", "help"),
    ("about", "action.about", None, "help"),
)
MENUS = ("file", "edit", "view", "tools", "help")


class MainWindow(QMainWindow):
    # After search results are on screen.
    searchFinished = Signal()
    # After a change made from this window (uid).
    recordChanged = Signal(str)
    # After a reindex ends (True: finished, False: cancelled).
    reindexFinished = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows = RowCache()

        def style() -> str:  # read at each redraw: the style may change while open
            return ctx.settings.date_style

        self.search_bar = SearchBar(ctx.tr, date_style=style)
        self.navigation = NavigationPane(ctx.tr, date_style=style)
        self.results = ResultsPane(ctx.tr, ctx.settings, runner=ctx.runner)
        self.detail = DetailPane(ctx)
        self.content = QSplitter(Qt.Orientation.Horizontal)
        self.content.addWidget(self.results)
        self.content.addWidget(self.detail)
        # The home screen stands in front of the list and detail until the person looks.
        self.home = HomeScreen(
            ctx,
            content=self.content,
            navigation=self.navigation,
            search_bar=self.search_bar,
            detail=self.detail,
            parent=self,
        )
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.home.stack)
        self.splitter.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.search_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.count_label = QLabel()
        self.undo_button = QToolButton()
        self.undo_button.hide()
        self.statusBar().addPermanentWidget(self.undo_button)
        self.statusBar().addPermanentWidget(self.count_label)

        self.answer: SearchAnswer | None = None
        # The last status message said from the catalog: (how to say it, text, timeout).
        self._said: tuple[Callable[[], str], str, int] | None = None
        self._variants_said: str | None = None  # the variants-file problem last said
        # One entry per delete or bulk tag change: every record it changed (one undo).
        self.undo_stack: list[UndoStep] = []
        # Every dialog the window keeps: one of each, forgotten when Qt deletes it.
        self.dialogs = DialogManager(self)
        self._search_seq = 0
        self._select_after_search: str | int | None = None
        self.reindex_handle: Any = None
        self._index_rebuild_pending = False
        self._rebuild_announced = False  # "rebuilding…" said: "rebuilt" follows when done
        # Another wake-up came while a catch-up was queued: run one more after it.
        self._catch_up_again = False
        self._woken_pending = False
        # Records left by following links (Alt+← goes back, Alt+→ forward again).
        self._back: list[str] = []
        self._forward: list[str] = []

        self.actions_by_name: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self._build_menus()
        # Import, export, the exchange log, conflicts and bundles dropped on the window.
        self.exchange = ExchangeController(
            ctx,
            dialogs=self.dialogs,
            host=self,
            selected_uids=self.selected_uids,
            shown_uids=self.results.results.uids,
        )
        for name, _key, _shortcut, menu, before in EXCHANGE_ENTRIES:
            self.place_action(name, self.exchange.actions[name], menu, before)
        self._connect()
        self._restore_state()
        bind(ctx.tr, self)
        self._listener = self._listen_to_other_pcs()
        # Whether a follow-up is overdue depends on the day: at the knowledge base's
        # midnight the panes that count them read again (a window left open overnight).
        self.new_day_timer = QTimer(self)
        self.new_day_timer.setSingleShot(True)
        self.new_day_timer.timeout.connect(self._new_day)
        self._wait_for_new_day()
        self.refresh()

    # --- wiring ---------------------------------------------------------------------

    def _build_menus(self) -> None:
        for name in MENUS:
            self.menus[name] = self.menuBar().addMenu("")
        handlers: dict[str, Callable[[], object]] = {
            "new": self.new_record,
            "edit": self.edit_current,
            "delete": self.delete_current,
            "print_preview": self.print_preview,
            "print_year": self.print_fiscal_year,
            "settings": self.open_settings,
            "quit": self.close,
            "undo": self.undo_delete,
            "add_tag": lambda: self.retag_selected(add=True),
            "remove_tag": lambda: self.retag_selected(add=False),
            "find": self.search_bar.focus_search,
            "clear": self.search_bar.step_back,
            "history": self.open_history,
            "back": self.go_back,
            "forward": self.go_forward,
            "reindex": self.reindex,
            "query_help": self.show_query_help,
            "about": self.show_about,
        }
        for name, _key, shortcut, menu in ACTIONS:
            action = QAction(self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(handlers[name])
            self.menus[menu].addAction(action)
            self.actions_by_name[name] = action
            if name == "settings":
                self.menus[menu].addSeparator()
        # The Delete key belongs to the table, not to a text field being edited.
        self.actions_by_name["delete"].setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.results.addAction(self.actions_by_name["delete"])
        self.navigation.addAction(self.actions_by_name["delete"])
        self.detail.addAction(self.actions_by_name["delete"])
        self.actions_by_name["undo"].setEnabled(False)
        self._update_back_forward()
        view = self.menus["view"]
        self.language_menu = view.addMenu("")
        self.language_group = QActionGroup(self)
        for lang in LANGUAGES:
            action = self.language_menu.addAction(LANGUAGE_NAMES[lang])
            action.setCheckable(True)
            action.setData(lang)
            action.setChecked(lang == self.ctx.tr.language)
            self.language_group.addAction(action)
            action.triggered.connect(lambda _c=False, lang=lang: self.set_language(lang))
        self.date_menu = view.addMenu("")
        self.date_group = QActionGroup(self)
        for style in opts.DATE_STYLES:
            action = self.date_menu.addAction("")
            action.setCheckable(True)
            action.setData(style)
            action.setChecked(style == self.ctx.settings.date_style)
            self.date_group.addAction(action)
            action.triggered.connect(lambda _c=False, style=style: self.set_date_style(style))
        home = QAction(self)
        home.setShortcut(QKeySequence("Ctrl+Home"))
        home.triggered.connect(self.home.show_home)
        self.place_action("home", home, "view", None)

    def place_action(
        self, name: str, action: QAction, menu: str, before: str | None, *, separated: bool = False
    ) -> None:
        """Put a feature's action into a menu, before the named action or at the end.

        ``separated``: a separator follows it (before the named action).
        """
        anchor = self.actions_by_name.get(before) if before else None
        if anchor is not None:
            self.menus[menu].insertAction(anchor, action)
            if separated:
                self.menus[menu].insertSeparator(anchor)
        else:
            self.menus[menu].addAction(action)
        self.actions_by_name[name] = action

    def _connect(self) -> None:
        self.search_bar.searchRequested.connect(self.search)
        self.search_bar.helpRequested.connect(self.show_query_help)
        self.navigation.filterChosen.connect(self.search_bar.add_filter)
        self.navigation.clearRequested.connect(lambda: self.search_bar.set_filters(SearchFilters()))
        self.results.currentUidChanged.connect(self._show_current)
        self.results.activatedUid.connect(lambda _uid: self.edit_current())
        self.detail.recordRequested.connect(self.follow_link)
        self.results.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results.customContextMenuRequested.connect(
            lambda pos: self.results_menu(pos).exec(self.results.viewport().mapToGlobal(pos))
        )
        self.detail.clearSearchRequested.connect(self.search_bar.clear)
        self.detail.notice.connect(self._detail_said)
        self.undo_button.clicked.connect(self.undo_delete)
        self.ctx.settings.changed.connect(self._setting_changed)
        self.home.conflictsRequested.connect(self.exchange.open_conflicts)
        self.home.recordRequested.connect(self.open_record)
        self.exchange.conflictCountChanged.connect(self.home.set_conflict_count)
        self.ctx.runner.dataChanged.connect(self._data_changed)

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        self.setWindowTitle(t("app.title"))
        for name in MENUS:
            self.menus[name].setTitle(t(f"menu.{name}"))
        for name, key, _shortcut, _menu in ACTIONS:
            self.actions_by_name[name].setText(t(key))
        self.language_menu.setTitle(t("menu.language"))
        self.date_menu.setTitle(t("menu.date_style"))
        for action in self.date_group.actions():
            action.setText(t(f"date_style.{action.data()}"))
        for action in self.language_group.actions():
            action.setChecked(action.data() == self.ctx.tr.language)
        self.actions_by_name["home"].setText(t("action.home"))
        self.undo_button.setText(t("action.undo_short"))
        self._name_undo()
        self._show_count()
        self._say_again()

    # --- searching ------------------------------------------------------------------

    def refresh(self) -> None:
        """Run the current search again (after a change, or at start)."""
        self.search(self.search_bar.query(), self.search_bar.filters())

    def search(self, query: str, filters: SearchFilters) -> None:
        self._search_seq += 1
        seq = self._search_seq
        kb, cache = self.ctx.kb, self.rows
        # Sorted here, off the GUI thread, by the column the table is sorted by now.
        spec, shown_kind = self.results.results.sort_spec(), self.results.results.kind

        def work() -> tuple[SearchAnswer, Ordering]:
            answer = run_search(kb, query, filters, cache)
            return answer, order_rows(answer.rows, spec if answer.kind == shown_kind else None)

        QueryOp(self, work, runner=self.ctx.runner).success(
            lambda done: self._search_done(seq, *done)
        ).failure(lambda exc: self._search_failed(seq, exc)).run_in_background()

    def _search_done(
        self, seq: int, answer: SearchAnswer, ordering: Ordering | None = None
    ) -> None:
        if seq != self._search_seq:
            return  # a newer query was typed meanwhile: its answer is the one to show
        terms_changed = self.answer is None or self.answer.terms != answer.terms
        # The person asked something else (text, chips, a navigation entry): the
        # record pane follows the new results instead of showing one left behind.
        asked_anew = self.answer is not None and (self.answer.query, self.answer.filters) != (
            answer.query,
            answer.filters,
        )
        if self.answer is None:
            # The started window's objects live as long as it does: keep full
            # collections from walking them again (zebkb/ui/core/gcpolicy.py).
            freeze_startup_heap()
        self.answer = answer
        self.search_bar.show_error(None)
        self.results.set_rows(answer.rows, answer.kind, ordering)
        self.navigation.set_facets(answer.facets, answer.facet_total)
        self._show_count()
        from zebkb.service import NOTICE_DATABASE_AWAY

        if answer.notice == NOTICE_DATABASE_AWAY:
            # Nothing to catch up from: say the answers are this PC's, and that saving waits.
            self._say_notice(answer.notice)
        elif answer.stale and not self.ctx.kb.read_only:
            from zebkb.service import NOTICE_INDEX_OTHER_VERSION

            # An index of another version is not behind the database: it is said as itself.
            other = answer.rebuild == NOTICE_INDEX_OTHER_VERSION
            said = "status.index_other_version" if other else "status.index_stale"
            self._catch_up_index(whole=answer.rebuild is not None, said=said)
        elif answer.notice:
            self._say_notice(answer.notice)
        else:
            self._say_variant_problem()
        wanted = self._select_after_search
        self._select_after_search = None
        if isinstance(wanted, str):
            # Shown afresh even when it was already current: it has just changed.
            self.results.select_uid(wanted, emit=False)
            self.detail.show_uid(wanted, answer.terms)
        elif isinstance(wanted, int) and answer.rows:
            uid = self.results.results.uid_at(min(wanted, len(answer.rows) - 1))
            if uid:
                self.results.select_uid(uid)
        elif (
            asked_anew and self.detail.uid and self.results.results.row_of(self.detail.uid) is None
        ):
            self._follow_results()
        elif not answer.rows and self.detail.uid is None:
            self._show_no_hits()
        elif answer.rows and self.detail.showing_no_hits:
            self.detail.clear()
        elif terms_changed and self.detail.uid:
            self.detail.show_uid(self.detail.uid, answer.terms)
        self.searchFinished.emit()

    def _follow_results(self) -> None:
        """The shown record left the results: show the first row, or the empty pane."""
        first = self.results.results.uid_at(0)
        if first is not None:
            self.results.select_uid(first)
        else:
            self.results.clearSelection()
            self._show_no_hits()

    def _show_no_hits(self) -> None:
        bar = self.search_bar
        if bar.query().strip() or bar.filters() != SearchFilters():
            self.detail.show_no_hits(can_clear=True)
        else:
            self.detail.clear()  # an empty knowledge base: the home screen explains it

    def _say_variant_problem(self) -> None:
        """Say once that the folder's spelling-variants file cannot be used, naming the line
        (zebkb/search/variants.py): searches go on with the built-in table meanwhile.

        Said again only for another problem, or after the file was mended and broke again.
        """
        problems = self.ctx.kb.variant_problems()
        said = str(problems[0]) if problems else None
        if said == self._variants_said:
            return
        self._variants_said = said
        if problems:
            problem = problems[0]
            self.say_made(
                lambda: self.ctx.tr.t(
                    "status.variants_bad", problem=problem.text(self.ctx.tr.language)
                ),
                0,  # until another message: it lasts as long as the file is wrong
            )

    def _say_notice(self, notice: str) -> None:
        from zebkb.service import INDEX_NOTICE_NAMES

        name = INDEX_NOTICE_NAMES.get(notice)
        if name:
            self.say(f"status.{name}")
        else:
            self.statusBar().showMessage(notice, STATUS_MS)

    def say(self, key: str, timeout: int = STATUS_MS, **fmt: object) -> None:
        """A status-bar message from the catalog, said again in the new language on a switch
        while it shows (a lasting one, such as "restart to use the new folder", included)."""
        self.say_made(lambda: self.ctx.tr.t(key, **fmt), timeout)

    def say_made(self, make: Callable[[], str], timeout: int = STATUS_MS) -> None:
        """A status-bar message put together from catalog texts by ``make``, made again in
        the new language on a switch while it shows."""
        text = make()
        self._said = (make, text, timeout)
        self.statusBar().showMessage(text, timeout)

    def _detail_said(self, text: str) -> None:
        """The record pane's notice, said again in the new language on a switch."""
        make = self.detail.notice_made
        self.say_made(make if make is not None and make() == text else (lambda: text))

    def _say_again(self) -> None:
        if self._said is None:
            return
        make, text, timeout = self._said
        if self.statusBar().currentMessage() == text:
            self.say_made(make, timeout)

    def _notice_text(self, notice: str) -> str:
        from zebkb.service import INDEX_NOTICE_NAMES

        name = INDEX_NOTICE_NAMES.get(notice)
        return self.ctx.tr.t(f"status.{name}") if name else notice

    def _catch_up_index(self, *, whole: bool, said: str = "status.index_stale") -> None:
        """Bring the index up to date on the writer (once at a time); a rebuild is announced.

        Usually it only takes in the records changed since (another PC's saves in team
        mode): quietly, and its dataChanged shows them. A whole rebuild (after a crash,
        a restore, a pruned change log) says the answers may be incomplete meanwhile.
        """
        if whole:
            self.say(said)
            self._rebuild_announced = True
        if self._index_rebuild_pending:
            self._catch_up_again = True
            return
        self._index_rebuild_pending = True
        kb = self.ctx.kb
        # Woken by another PC's commit (kept until a catch-up runs, if one was queued).
        remote, self._woken_pending = self._woken_pending, False

        def catch_up() -> CatchUp | None:
            if remote:
                # Another PC may have changed what no record holds (trusted keys, whether
                # signatures are required): the panes showing them read them again.
                kb.publish(Changes(keys=True, settings=True))
            # Writes keep the index current; a catch-up queued behind one may find nothing to do.
            return None if kb.index_is_current() else kb.catch_up_index()

        def done(caught: CatchUp | None) -> None:
            self._index_rebuild_pending = False
            announced, self._rebuild_announced = self._rebuild_announced, False
            if caught is not None and (caught.rebuilt or (announced and not caught.cancelled)):
                self.say("status.index_rebuilt")
            self._catch_up_once_more()

        def failed(exc: BaseException) -> None:
            self._index_rebuild_pending = False
            self.statusBar().showMessage(user_message(exc, self.ctx.tr), STATUS_MS)
            self._catch_up_once_more()

        CollectionOp(self, catch_up, runner=self.ctx.runner).success(done).failure(
            failed
        ).run_in_background()

    def _catch_up_once_more(self) -> None:
        if self._catch_up_again:
            self._catch_up_again = False
            self._catch_up_index(whole=False)

    def _listen_to_other_pcs(self) -> Any:
        """Team mode: another PC's commit wakes the window, which catches its index up.

        The catch-up is a write on the runner; what it took in comes back as
        dataChanged, so the list, the counts and the record pane show it as they
        show this window's own saves. The listener's thread only emits a signal.
        """
        listen = getattr(self.ctx.kb, "listen_for_changes", None)
        if listen is None:
            return None
        self._waker = _Waker(self)
        self._waker.woken.connect(self._woken, Qt.ConnectionType.QueuedConnection)
        waker = self._waker

        def wake(_seq: int | None) -> None:
            if shiboken6.isValid(waker):
                waker.woken.emit()

        return listen(wake)

    def _woken(self) -> None:
        if not self.ctx.runner.closed:
            self._woken_pending = True
            self._catch_up_index(whole=False)

    def _wait_for_new_day(self) -> None:
        from datetime import datetime, time, timedelta

        now = self.ctx.kb.clock()
        midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
        # A second past it, so the day has surely turned (at most a day: within Qt's range).
        wait = (midnight - now).total_seconds() + 1
        self.new_day_timer.start(int(min(max(wait, 1), 86_401) * 1000))

    def _new_day(self) -> None:
        self.refresh()  # the list and the navigation's 後日対応 › 期限切れ
        self.home.overview.refresh()
        if self.detail.uid is not None:  # the record pane's ⚠ 期限切れ marks
            self.detail.show_uid(self.detail.uid, self.terms())
        self._wait_for_new_day()

    def _search_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._search_seq:
            return
        self.search_bar.show_error(lambda: user_message(exc, self.ctx.tr))
        self.searchFinished.emit()

    def _show_count(self) -> None:
        if self.answer is None:
            self.count_label.setText("")
            return
        self.count_label.setText(self.ctx.tr.t("status.count", n=f"{len(self.answer.rows):,}"))

    def terms(self) -> tuple[str, ...]:
        return self.answer.terms if self.answer else ()

    def _show_current(self, uid: str) -> None:
        self.detail.show_uid(uid, self.terms())

    def open_record(self, uid: str) -> None:
        """Show a record (a link followed, ``--open UID``): selected when it is listed."""
        if self.answer is None:
            self._select_after_search = uid
            return
        if not self.results.select_uid(uid):
            self.results.clearSelection()
            self.detail.show_uid(uid, self.terms())

    def results_menu(self, pos: QPoint) -> QMenu:
        """The context menu of the results: the row under the pointer joins the selection."""
        index = self.results.indexAt(pos)
        if index.isValid() and index.row() not in {
            i.row() for i in self.results.selectionModel().selectedRows()
        }:
            self.results.setCurrentIndex(index)
            self.results.selectRow(index.row())
        t = self.ctx.tr.t
        menu = QMenu(self.results)
        uid = self.results.current_uid()

        def open_it() -> None:
            if uid is not None:
                self.open_record(uid)

        def copy_it() -> None:
            if uid is not None:
                self.copy_link(uid)

        open_action = menu.addAction(t("action.open_record"))
        open_action.triggered.connect(open_it)
        for name in ("edit", "history"):
            menu.addAction(self.actions_by_name[name])
        # What the selection can do at once: export it, tag it, delete it.
        menu.addAction(self.exchange.actions["export_selected"])
        menu.addAction(self.actions_by_name["add_tag"])
        menu.addAction(self.actions_by_name["remove_tag"])
        menu.addAction(self.actions_by_name["delete"])
        menu.addSeparator()
        copy = menu.addAction(t("action.copy_link"))
        copy.triggered.connect(copy_it)
        for action in menu.actions():
            action.setEnabled(action.isEnabled() and uid is not None)
        return menu

    def copy_link(self, uid: str) -> None:
        """A link to paste into a record's text (zkb-record:UID, as the record pane links)."""
        QGuiApplication.clipboard().setText(record_url(uid))
        self.say("status.link_copied")

    def follow_link(self, uid: str) -> None:
        """A link in the record pane: remember where it was followed from."""
        here = self.detail.uid
        if here and here != uid:
            self._back.append(here)
            self._forward.clear()
        self.open_record(uid)
        self._update_back_forward()

    def go_back(self) -> None:
        if not self._back:
            return
        here = self.detail.uid
        if here:
            self._forward.append(here)
        self.open_record(self._back.pop())
        self._update_back_forward()

    def go_forward(self) -> None:
        if not self._forward:
            return
        here = self.detail.uid
        if here:
            self._back.append(here)
        self.open_record(self._forward.pop())
        self._update_back_forward()

    def _update_back_forward(self) -> None:
        self.actions_by_name["back"].setEnabled(bool(self._back))
        self.actions_by_name["forward"].setEnabled(bool(self._forward))

    def current_uid(self) -> str | None:
        return self.results.current_uid() or self.detail.uid

    def selected_uids(self) -> list[str]:
        return self.results.selected_uids()

    # --- changes ------------------------------------------------------------------------

    def new_record(self) -> None:
        lang = self.ctx.tr.language
        kinds = [k.value for k in Kind]
        labels = [kind_label(k, lang) for k in kinds]
        t = self.ctx.tr.t
        chosen, ok = QInputDialog.getItem(self, t("new.title"), t("new.prompt"), labels, 0, False)
        if ok and chosen in labels:
            self.open_editor(kinds[labels.index(chosen)], None)

    def _choose_first(self) -> None:
        """An action on "the record" with none chosen: say so instead of doing nothing."""
        self.say("status.select_record")

    def edit_current(self) -> None:
        uid = self.current_uid()
        if uid is None:
            self._choose_first()
            return
        record = self.detail.record
        if record is not None and record.get("uid") == uid:
            self.open_editor(record["type"], record)
            return
        kb = self.ctx.kb
        QueryOp(self, lambda: kb.require(uid), runner=self.ctx.runner).success(
            lambda rec: self.open_editor(rec["type"], rec)
        ).run_in_background()

    def open_editor(self, kind: str, record: dict[str, Any] | None) -> None:
        try:
            from zebkb.ui.edit.editor import RecordEditorDialog
        except ImportError:
            self._not_available()
            return
        if record is not None and record.get("deleted"):
            return

        def make() -> RecordEditorDialog:
            dialog = RecordEditorDialog(self.ctx, kind, record=record, parent=self)
            dialog.saved.connect(self._saved)
            return dialog

        self.dialogs.open("editor", make)

    def _saved(self, record: dict[str, Any]) -> None:
        # Selected when the list, read again on the runner's dataChanged, arrives.
        self._select_after_search = str(record.get("uid", "")) or None

    def _data_changed(self, changes: Changes) -> None:
        """After any write: the list and its counts read again when records may differ."""
        if changes.records or changes.all_records or changes.index or changes.settings:
            self.refresh()
        for uid in sorted(changes.records):
            self.recordChanged.emit(uid)

    def delete_current(self) -> None:
        """Delete the selected records (or the one shown); Ctrl+Z brings them all back."""
        uids = self.selected_uids() or ([u] if (u := self.current_uid()) else [])
        if not uids:
            self._choose_first()
            return
        row = self.results.currentIndex().row()
        kb = self.ctx.kb

        CollectionOp(self, lambda: bulk.delete(kb, uids), runner=self.ctx.runner).success(
            lambda step: self._deleted(step, row)
        ).run_in_background()

    def _deleted(self, step: UndoStep, row: int) -> None:
        done = step.records
        if not done:  # someone else had deleted them all first
            self._select_after_search = max(row, 0)
            return
        self._push_undo(step)
        if len(done) == 1:
            self.say("status.deleted", title=done[0].title)
        else:
            self.say("status.deleted_many", n=len(done))
        if self.detail.uid in {d.uid for d in done}:
            self.detail.clear()
        self._select_after_search = max(row, 0)

    def retag_selected(self, *, add: bool) -> None:
        """Add a tag to (or remove one from) every selected record: one change, one undo."""
        uids = self.selected_uids() or ([u] if (u := self.current_uid()) else [])
        if not uids:
            self._choose_first()
            return
        kb = self.ctx.kb

        def choices() -> list[str]:
            if add:
                return sorted(kb.tags())
            # Only the tags the selection has can be removed from it.
            return sorted({str(t) for u in uids for t in kb.require(u).get("tags") or []})

        QueryOp(self, choices, runner=self.ctx.runner).success(
            lambda found: self._ask_and_retag(uids, found, add=add)
        ).run_in_background()

    def _ask_and_retag(self, uids: list[str], choices: list[str], *, add: bool) -> None:
        if not add and not choices:
            self.say("tag.none")
            return
        tag = bulk.ask_tag(self.ctx.tr, self, count=len(uids), add=add, choices=choices)
        if tag is None:
            return
        kb = self.ctx.kb
        CollectionOp(
            self, lambda: bulk.retag(kb, uids, tag, add=add), runner=self.ctx.runner
        ).success(lambda step: self._retagged(step, add=add)).failure(
            lambda exc: self.statusBar().showMessage(user_message(exc, self.ctx.tr), STATUS_MS)
        ).run_in_background()

    def _retagged(self, step: UndoStep, *, add: bool) -> None:
        if not step.records:
            self.say("tag.unchanged", tag=step.tag)
            return
        self._push_undo(step)
        key = "status.tag_added" if add else "status.tag_removed"
        self.say(key, n=len(step.records), tag=step.tag)

    def _push_undo(self, step: UndoStep) -> None:
        self.undo_stack.append(step)
        self.actions_by_name["undo"].setEnabled(True)
        self.undo_button.show()
        self._name_undo()

    def _name_undo(self) -> None:
        """The undo entry says what it undoes (a delete or a tag change)."""
        step = self.undo_stack[-1] if self.undo_stack else None
        key = (
            "action.undo_tag" if step is not None and step.kind != DELETE else "action.undo_delete"
        )
        self.actions_by_name["undo"].setText(self.ctx.tr.t(key))

    def undo_delete(self) -> None:
        """Ctrl+Z: undo the last delete or bulk tag change."""
        if not self.undo_stack:
            return
        step = self.undo_stack.pop()
        if not self.undo_stack:
            self.actions_by_name["undo"].setEnabled(False)
            self.undo_button.hide()
        self._name_undo()
        kb = self.ctx.kb
        CollectionOp(self, lambda: bulk.undo(kb, step), runner=self.ctx.runner).success(
            lambda left: self._undone(step, left)
        ).run_in_background()

    def _undone(self, step: UndoStep, left: tuple[Before, ...] = ()) -> None:
        done: tuple[Before, ...] = tuple(b for b in step.records if b not in left)

        def message() -> str:  # made again on a language switch
            t = self.ctx.tr.t
            if not done:
                said = t("status.undo_nothing")
            elif step.kind != DELETE:
                said = t("status.tags_restored", n=len(done))
            elif len(done) == 1:
                said = t("status.restored", title=done[0].title)
            else:
                said = t("status.restored_many", n=len(done))
            if left:
                # Changed since by someone else (another PC in team mode): theirs is kept.
                said += t("status.undo_left", n=len(left))
            return said

        self.say_made(message)
        if step.kind == DELETE and done:
            # Records back from deletion are selected; a tag undone leaves the selection be.
            self._select_after_search = done[0].uid

    def print_preview(self) -> None:
        """The case sheet or minutes of the selected record (zebkb/ui/print/print_preview.py)."""
        uid = self.current_uid()
        if uid is None:
            self.say("status.select_record_to_print")
            return
        try:
            from zebkb.ui.print.print_preview import preview_record_report
        except ImportError:  # a build without QtPdf / QtPrintSupport
            self._not_available()
            return
        preview_record_report(self.ctx, uid, self)

    def print_fiscal_year(self) -> None:
        try:
            from zebkb.ui.print.print_preview import FiscalYearDialog
        except ImportError:
            self._not_available()
            return
        self.dialogs.open("print_year", lambda: FiscalYearDialog(self.ctx, self))

    def open_history(self) -> None:
        uid = self.current_uid()
        if uid is None:
            self._choose_first()
            return
        try:
            from zebkb.ui.edit.history import HistoryDialog
        except ImportError:
            self._not_available()
            return

        shown = self.detail.record if self.detail.uid == uid else None
        title = str(shown.get("title") or "") if shown else None

        def make() -> HistoryDialog:
            dialog = HistoryDialog(self.ctx, uid, parent=self, title=title or None)
            dialog.restored.connect(self._saved)
            return dialog

        self.dialogs.open("history", make)

    def open_settings(self) -> None:
        try:
            from zebkb.ui.settings.settings_dialog import SettingsDialog
        except ImportError:
            self._not_available()
            return

        def make() -> SettingsDialog:
            dialog = SettingsDialog(self.ctx, parent=self)
            dialog.dataDirChanged.connect(lambda _path: self.say("status.restart", timeout=0))
            return dialog

        self.dialogs.open("settings", make)

    def _not_available(self) -> None:
        self.say("status.not_available")

    def reindex(self) -> None:
        kb = self.ctx.kb
        op = (
            CollectionOp(
                self, lambda rep: kb.reindex(rep.report, rep.is_cancelled), runner=self.ctx.runner
            )
            .with_progress(self.ctx.tr.t("reindex.progress"))
            .success(self._reindexed)
            .cancelled(lambda: self._reindexed(False))
        )
        self.reindex_handle = op.run_in_background()

    def _reindexed(self, finished: object) -> None:
        self.reindex_handle = None
        key = "reindex.done" if finished else "reindex.cancelled"
        self.say(key)
        self.reindexFinished.emit(bool(finished))

    # --- view ------------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        self.ctx.settings.language = lang
        self.ctx.tr.set_language(lang)

    def set_date_style(self, style: str) -> None:
        self.ctx.settings.date_style = style

    def _setting_changed(self, key: str) -> None:
        if key == opts.DATE_STYLE.key:
            self.results.restyle()
            self.navigation.restyle()
            self.search_bar.restyle()
            for action in self.date_group.actions():
                action.setChecked(action.data() == self.ctx.settings.date_style)
        elif key == opts.LANGUAGE.key and self.ctx.settings.language != self.ctx.tr.language:
            self.ctx.tr.set_language(self.ctx.settings.language)

    def show_query_help(self) -> None:
        from zebkb.ui.main.queryhelp import QueryHelpDialog

        self.dialogs.open("query_help", lambda: QueryHelpDialog(self.ctx.tr, self), modal=False)

    def show_about(self) -> None:
        from zebkb.ui.main.about import AboutDialog

        self.dialogs.open("about", lambda: AboutDialog(self.ctx.tr, self))

    # --- remembering the layout -----------------------------------------------------------

    def _restore_state(self) -> None:
        settings = self.ctx.settings
        geometry = settings.get(opts.WINDOW_GEOMETRY)
        if not geometry or not self.restoreGeometry(QByteArray(geometry)):
            self.resize(1280, 800)
        for name, splitter, default in (
            # At 1280×800: the navigation's longest entry (ZEBリーディング・オーナー) whole,
            # and about 610 px for the list, its usual columns whole.
            ("main", self.splitter, (230, 1050)),
            ("content", self.content, (615, 435)),
        ):
            sizes = settings.splitter_sizes(name)
            splitter.setSizes(list(sizes if len(sizes) == 2 and any(sizes) else default))

    def save_state(self) -> None:
        settings = self.ctx.settings
        settings.set(opts.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        settings.set_splitter_sizes("main", self.splitter.sizes())
        settings.set_splitter_sizes("content", self.content.sizes())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A search still waiting out its typing delay would reach a runner that is
        # shut down once the window is gone.
        self.search_bar.timer.stop()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        self.save_state()
        super().closeEvent(event)


class _Waker(QObject):
    """Carries a wake-up from the listening thread to the window's thread (queued)."""

    woken = Signal()


def window_icon() -> QIcon:
    from zebkb.ui.main.about import app_icon_pixmap

    return QIcon(app_icon_pixmap(256))
