"""The exchange feature of the window: import, export, the exchange log, conflicts, dropped bundles.

The main window builds this controller and hands it only what it needs: the
dialog manager, the widget that parents its dialogs and receives dropped
files, and a way to read the selected records. The controller gives back its
menu actions (``MENU_ENTRIES`` says where they go) and signals what the
person did; it never reaches into the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QWidget

from zebkb.ui.core.context import AppContext
from zebkb.ui.core.dialogs import DialogManager
from zebkb.ui.core.i18n import bind
from zebkb.ui.exchange.import_dialog import bundle_paths

LIST_SUFFIXES = (".xlsx", ".csv")


def list_paths(mime: QMimeData) -> list[Path]:
    """Dropped Excel or CSV lists: they open the list import."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in LIST_SUFFIXES]


# (name, catalog key, shortcut, menu, the action it goes before or None for the end)
MENU_ENTRIES: tuple[tuple[str, str, str | None, str, str | None], ...] = (
    ("import", "action.import", "Ctrl+I", "file", "settings"),
    ("export", "action.export", "Ctrl+Shift+S", "file", "settings"),
    ("export_selected", "action.export_selected", None, "file", "settings"),
    ("table_import", "action.table_import", None, "file", "settings"),
    ("table_export", "action.table_export", None, "file", "settings"),
    ("mail", "action.mail", None, "file", "settings"),
    ("exchange_log", "action.exchange_log", None, "tools", None),
    ("conflicts", "action.conflicts", None, "tools", None),
)


class ExchangeController(QObject):
    # The number of open conflicts, as the conflicts dialog last counted it.
    conflictCountChanged = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        *,
        dialogs: DialogManager,
        host: QWidget,
        selected_uids: Callable[[], list[str]],
        shown_uids: Callable[[], list[str]] | None = None,
    ) -> None:
        super().__init__(host)
        self.ctx = ctx
        self.dialogs = dialogs
        self.host = host
        self.selected_uids = selected_uids
        # The records the results list shows now (search, filters, fiscal year).
        self.shown_uids = shown_uids
        self.actions: dict[str, QAction] = {}
        handlers: dict[str, Callable[[], object]] = {
            "import": self.open_import,
            "export": self.open_export,
            "export_selected": self.open_export_selected,
            "table_import": self.open_table_import,
            "table_export": self.export_table,
            "mail": self.send_by_mail,
            "exchange_log": self.open_exchange_log,
            "conflicts": self.open_conflicts,
        }
        for name, _key, shortcut, _menu, _before in MENU_ENTRIES:
            action = QAction(host)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            # A menu click passes Qt's checked flag; the handlers' optional argument is a path
            # (table_import) or paths (import), so the flag must not reach them.
            handler = handlers[name]
            action.triggered.connect(lambda _checked=False, handler=handler: handler())
            self.actions[name] = action
        host.setAcceptDrops(True)
        host.installEventFilter(self)
        bind(ctx.tr, self)

    def retranslate(self) -> None:
        for name, key, _shortcut, _menu, _before in MENU_ENTRIES:
            self.actions[name].setText(self.ctx.tr.t(key))

    # --- dialogs --------------------------------------------------------------------------

    def open_import(self, paths: list[Path] | None = None) -> Any:
        """The import dialog (one at a time); ``paths`` are checked at once."""
        from zebkb.ui.exchange.import_dialog import ImportDialog

        dialog = self.dialogs.open("import", lambda: ImportDialog(self.ctx, self.host))
        if paths:
            dialog.add_files(paths)
        return dialog

    def open_export(self) -> Any:
        from zebkb.ui.exchange.export_dialog import ExportDialog

        uids = self.selected_uids()
        return self.dialogs.open("export", lambda: ExportDialog(self.ctx, uids, self.host))

    def open_export_selected(self) -> Any:
        """The export dialog set to the selected records (the results' context menu)."""
        from zebkb.ui.exchange.export_dialog import ExportDialog

        uids = tuple(self.selected_uids())
        open_one = self.dialogs.get("export")
        # Asked for another selection: the open dialog, unless it is writing, gives way.
        if (
            isinstance(open_one, ExportDialog)
            and open_one.export_handle is None
            and open_one.selected != uids
        ):
            open_one.close()
        dialog = self.dialogs.open(
            "export", lambda: ExportDialog(self.ctx, uids, self.host, prefer_selected=True)
        )
        if uids and dialog.selected == uids and dialog.export_handle is None:
            dialog.scope_buttons["selected"].setChecked(True)  # raised, set to what was asked
        return dialog

    def open_table_import(self, path: Path | None = None) -> Any:
        """ファイル → 一覧表から取り込み…: preview a list, then import it (undoable)."""
        from zebkb.ui.exchange.table_dialog import TableImportDialog

        dialog = self.dialogs.open("table_import", lambda: TableImportDialog(self.ctx, self.host))
        if path is not None:
            dialog.load(path)
        return dialog

    def export_table(self) -> Any:
        """一覧表に書き出し…: the selected records, the results shown, or a fiscal year."""
        from zebkb.ui.exchange.table_dialog import TableExportDialog

        selected = self.selected_uids()
        shown = self.shown_uids() if self.shown_uids else []
        return self.dialogs.open(
            "table_export", lambda: TableExportDialog(self.ctx, selected, shown, self.host)
        )

    def send_by_mail(self) -> Any:
        """メールで送る…: the export as unsent drafts, opened in the mail program."""
        from zebkb.ui.exchange.table_dialog import ask_mail_drafts

        return ask_mail_drafts(self.ctx, self.host)

    def open_exchange_log(self) -> Any:
        from zebkb.ui.exchange.exchange_log import ExchangeLogDialog

        return self.dialogs.open("exchange_log", lambda: ExchangeLogDialog(self.ctx, self.host))

    def open_conflicts(self) -> Any:
        from zebkb.ui.exchange.conflicts import ConflictsDialog

        def make() -> ConflictsDialog:
            dialog = ConflictsDialog(self.ctx, self.host)
            dialog.countChanged.connect(self.conflictCountChanged)
            return dialog

        return self.dialogs.open("conflicts", make)

    # --- bundles dropped on the window ------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host:
            if event.type() == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
                if bundle_paths(event.mimeData()) or list_paths(event.mimeData()):
                    event.acceptProposedAction()
                    return True
            elif event.type() == QEvent.Type.Drop and isinstance(event, QDropEvent):
                paths = bundle_paths(event.mimeData())
                if paths:
                    event.acceptProposedAction()
                    self.open_import(paths)
                    return True
                lists = list_paths(event.mimeData())
                if lists:
                    event.acceptProposedAction()
                    self.open_table_import(lists[0])
                    return True
        return super().eventFilter(watched, event)

    def drop_files(self, paths: list[Path]) -> Any:
        """What a drop of bundle files does (also for callers without a drag)."""
        return self.open_import([p for p in paths if p.suffix.lower() in (".zebkb", ".eml")])
