"""Backup and restore from the window's File menu (the window's side of zebkb.service.backup).

Both run as writer ops off the GUI thread. Restoring asks first, naming the
backup's date and record count, and says that the current state is kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStatusBar, QWidget

from zebkb.display import format_instant
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import CollectionOp

if TYPE_CHECKING:
    from zebkb.service import BackupInfo, RestoreResult
    from zebkb.ui.core.context import AppContext


class BackupHost(Protocol):
    """What the backup actions need of the window that hosts them, and no more."""

    def window(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...

    def place_action(
        self, name: str, action: QAction, menu: str, before: str | None, *, separated: bool = False
    ) -> None: ...


class BackupActions(QObject):
    """The two menu entries, named again whenever the language changes."""

    def __init__(self, window: BackupHost, ctx: AppContext) -> None:
        super().__init__(window.window())
        self._ctx = ctx
        self.actions: dict[str, QAction] = {}
        for name, slot in (
            ("backup", lambda: back_up(window, ctx)),
            ("restore", lambda: choose_and_restore(window, ctx)),
        ):
            action = QAction(window.window())
            action.triggered.connect(slot)
            window.place_action(
                f"backup_{name}", action, "file", "quit", separated=name == "restore"
            )
            self.actions[name] = action
        bind(ctx.tr, self)

    def retranslate(self) -> None:
        self.actions["backup"].setText(self._ctx.tr.t("backup.action"))
        self.actions["restore"].setText(self._ctx.tr.t("backup.restore_action"))


def install_backup_actions(window: BackupHost, ctx: AppContext) -> dict[str, QAction]:
    """Add "Back up now" and "Restore from backup…" to the File menu, above Quit."""
    return BackupActions(window, ctx).actions


def back_up(window: BackupHost, ctx: AppContext) -> None:
    kb = ctx.kb

    def done(info: BackupInfo) -> None:
        window.statusBar().showMessage(ctx.tr.t("backup.written", path=info.path), 10_000)

    # with_progress hands the op a reporter: progress shows in the dialog.
    CollectionOp(
        window.window(),
        lambda reporter: kb.create_backup(progress=reporter.report),
        runner=ctx.runner,
    ).with_progress(ctx.tr.t("backup.working")).success(done).run_in_background()


def choose_and_restore(window: BackupHost, ctx: AppContext, path: Path | None = None) -> None:
    """Ask for a backup file (unless given), confirm, restore off the GUI thread."""
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(
            window.window(),
            ctx.tr.t("backup.choose"),
            str(ctx.kb.backup_folder),
            f"{ctx.tr.t('backup.filter')} (*.zip)",
        )
        if not chosen:
            return
        path = Path(chosen)

    def confirm(info: BackupInfo) -> None:
        answer = QMessageBox.question(
            window.window(),
            ctx.tr.t("backup.restore_title"),
            ctx.tr.t(
                "backup.confirm",
                # Written by this computer's clock: its wall time, as the history shows it.
                created=format_instant(info.created_at, ctx.settings.date_style, ctx.tr.language),
                records=info.records,
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            restore(window, ctx, info.path)

    CollectionOp(window.window(), lambda: ctx.kb.inspect_backup(path), runner=ctx.runner).success(
        confirm
    ).run_in_background()


def restore(window: BackupHost, ctx: AppContext, path: Path) -> None:
    kb = ctx.kb

    def done(result: RestoreResult) -> None:
        window.statusBar().showMessage(
            ctx.tr.t("backup.restored", records=result.restored.records, path=result.set_aside),
            15_000,
        )

    CollectionOp(
        window.window(),
        lambda reporter: kb.restore_backup(path, progress=reporter.report),
        runner=ctx.runner,
    ).with_progress(ctx.tr.t("backup.restoring")).success(done).run_in_background()
