"""Choosing cases by search: the visited facility of a visit, the related cases of a session.

The search runs as you type (debounced) through the op runner; answers to an
older query that arrive late are dropped. Titles of cases already chosen are
looked up the same way, so the form never reads the database itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zebkb.domain.fields import Field
from zebkb.domain.wards import WardError, ward_name
from zebkb.ui.core.ops import QueryOp
from zebkb.ui.edit.fieldwidgets import EnterKeeper, FieldEditor, ListFieldEditor

if TYPE_CHECKING:
    from zebkb.search.engine import SearchResult
    from zebkb.ui.core.context import AppContext

SEARCH_DELAY_MS = 250
PICKER_LIMIT = 20
UID_ROLE = Qt.ItemDataRole.UserRole


def search_cases(ctx: AppContext, text: str) -> SearchResult:
    from zebkb.search.engine import SearchFilters

    return ctx.kb.search(text, filters=SearchFilters(kinds=("case",)), limit=PICKER_LIMIT)


def look_up_titles(
    ctx: AppContext, parent: QWidget, uids: Sequence[str], done: Callable[[dict[str, str]], None]
) -> None:
    """Titles of the given records, found off the GUI thread; unknown uids are left out."""
    wanted = [u for u in uids if u]
    if not wanted:
        return

    def fetch() -> dict[str, str]:
        found = {}
        for uid in wanted:
            record = ctx.kb.get(uid)
            if record is not None and not record.get("deleted"):
                found[uid] = str(record.get("title") or uid)
        return found

    QueryOp(parent, fetch, runner=ctx.runner).success(done).run_in_background()


class CaseSearch(QWidget):
    """A query box over a short list of matching cases."""

    chosen = Signal(str, str)  # uid, title
    resultsShown = Signal(int)  # how many matches are listed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._seq = 0
        self.shown_query: str | None = None
        self.excluded: set[str] = set()
        self.query = QLineEdit()
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMaximumHeight(96)
        self.choose_button = QPushButton()
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.results)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.query.textChanged.connect(self._timer.start)
        # Enter picks the case and goes no further: not to the dialog's Save.
        EnterKeeper(self.query, self.choose_current)
        EnterKeeper(self.results, self.choose_current)
        self.results.itemActivated.connect(self.choose_current)
        self.choose_button.clicked.connect(self.choose_current)
        # An empty query lists cases too: something to pick from before typing.
        self._timer.start()

    def retranslate(self) -> None:
        t = self._ctx.tr.t
        self.query.setPlaceholderText(t("editor.cases.search"))
        self.choose_button.setText(t("editor.cases.choose"))

    def search_now(self) -> None:
        self._timer.stop()
        self._seq += 1
        seq = self._seq
        text = self.query.text().strip()
        QueryOp(self, lambda: search_cases(self._ctx, text), runner=self._ctx.runner).success(
            lambda result: self._show(seq, text, result)
        ).run_in_background()

    def _show(self, seq: int, text: str, result: SearchResult) -> None:
        if seq != self._seq:
            return  # an older query answered late
        self.shown_query = text
        self.results.clear()
        lang = self._ctx.tr.language
        for hit in result.hits:
            if hit.uid in self.excluded:
                continue
            try:
                where = ward_name(hit.ward, lang) if hit.ward else ""
            except WardError:
                where = hit.ward
            item = QListWidgetItem(f"{hit.title}  [{where}]" if where else hit.title)
            item.setData(UID_ROLE, hit.uid)
            item.setData(Qt.ItemDataRole.ToolTipRole, hit.title)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        self.resultsShown.emit(self.results.count())

    def choose_current(self, *_args: object) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        uid = str(item.data(UID_ROLE))
        self.chosen.emit(uid, str(item.data(Qt.ItemDataRole.ToolTipRole)))
        self.results.takeItem(self.results.row(item))


class CaseRefEditor(FieldEditor):
    """One case (a visit's facility): its title, a clear button, a search to change it."""

    def __init__(self, field: Field, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(field, ctx.tr, parent)
        self._ctx = ctx
        self._uid: str | None = None
        self._title = ""
        self.current = QLabel()
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.current.setWordWrap(True)
        self.clear_button = QPushButton()
        self.search = CaseSearch(ctx)
        column = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.current, 1)
        row.addWidget(self.clear_button)
        column.addLayout(row)
        column.addWidget(self.search)
        self._layout.addLayout(column, 1)
        self.clear_button.clicked.connect(self.clear)
        self.search.chosen.connect(self._set)

    def clear(self) -> None:
        self._set(None, "")

    def _set(self, uid: str | None, title: str) -> None:
        self._uid = uid
        self._title = title
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        t = self._tr.t
        if self._uid is None:
            self.current.setText(t("editor.cases.none"))
        else:
            self.current.setText(self._title or self._uid)
        self.clear_button.setEnabled(self._uid is not None)

    def value(self) -> str | None:
        return self._uid

    def set_value(self, value: Any) -> None:
        self._uid = str(value) if value else None
        self._title = self._uid or ""
        self._show()
        if self._uid:
            look_up_titles(self._ctx, self, [self._uid], self._titles_arrived)

    def _titles_arrived(self, titles: dict[str, str]) -> None:
        if self._uid in titles:
            self._title = titles[self._uid]
            self._show()

    def retranslate(self) -> None:
        self.clear_button.setText(self._tr.t("editor.cases.clear"))
        self.search.retranslate()
        self._show()

    def focus_target(self) -> QWidget:
        return self.search.query


class CaseListEditor(ListFieldEditor):
    """Several cases (a session's related cases): chosen by search, removable, in order."""

    def __init__(self, field: Field, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(field, ctx.tr, parent)
        self._ctx = ctx
        self.list.setMaximumHeight(96)
        self.search = CaseSearch(ctx)
        column = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addWidget(self.buttons)
        column.addLayout(row)
        column.addWidget(self.search)
        self._layout.addLayout(column, 1)
        self.search.chosen.connect(self.add)

    def add(self, uid: str, title: str) -> None:
        if uid in self.value():
            return
        item = QListWidgetItem(title or uid)
        item.setData(UID_ROLE, uid)
        self.list.addItem(item)
        self.search.excluded.add(uid)
        self.changed.emit()

    def _removed(self, item: QListWidgetItem) -> None:
        self.search.excluded.discard(str(item.data(UID_ROLE)))

    def value(self) -> list[str]:
        return [str(self.list.item(i).data(UID_ROLE)) for i in range(self.list.count())]

    def set_value(self, value: Any) -> None:
        self.list.clear()
        uids = [str(v) for v in value or []]
        for uid in uids:
            item = QListWidgetItem(uid)
            item.setData(UID_ROLE, uid)
            self.list.addItem(item)
        self.search.excluded = set(uids)
        look_up_titles(self._ctx, self, uids, self._titles_arrived)

    def _titles_arrived(self, titles: dict[str, str]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            uid = str(item.data(UID_ROLE))
            if uid in titles:
                item.setText(titles[uid])

    def retranslate(self) -> None:
        self.buttons.retranslate()
        self.search.retranslate()

    def focus_target(self) -> QWidget:
        return self.search.query
