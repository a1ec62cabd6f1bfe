"""Backup and restore from the window's File menu (the window's side of zebkb.backup).

Both run as writer ops off the GUI thread. Restoring asks first, naming the
backup's date and record count, and says that the current state is kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStatusBar, QWidget

from zebkb.ui.core.ops import CollectionOp

if TYPE_CHECKING:
    from zebkb.service import BackupInfo, RestoreResult
    from zebkb.ui.core.context import AppContext

# Kept here rather than in the shared catalogs: six lines owned by this feature.
TEXTS = {
    "ja": {
        "backup": "バックアップを作成",
        "restore": "バックアップから復元…",
        "backing_up": "バックアップを作成しています…",
        "backed_up": "バックアップを作成しました: {path}",
        "choose": "復元するバックアップを選択",
        "confirm": (
            "{created} のバックアップ(記録 {records} 件)で現在のデータを置き換えます。"
            "現在の状態は別のバックアップとして保存されます。よろしいですか?"
        ),
        "restoring": "バックアップから復元しています…",
        "restored": "復元しました(記録 {records} 件)。復元前の状態: {path}",
    },
    "en": {
        "backup": "Back Up Now",
        "restore": "Restore from Backup…",
        "backing_up": "Writing a backup…",
        "backed_up": "Backup written: {path}",
        "choose": "Choose a backup to restore",
        "confirm": (
            "Replace the knowledge base with the backup of {created} ({records} records)? "
            "The current state is kept as another backup first."
        ),
        "restoring": "Restoring the backup…",
        "restored": "Restored {records} records. The previous state is kept as {path}",
    },
}


def text(ctx: AppContext, key: str, **fmt: object) -> str:
    table = TEXTS.get(ctx.tr.language, TEXTS["en"])
    return table[key].format(**fmt)


class BackupHost(Protocol):
    """What the backup actions need of the window that hosts them, and no more."""

    def window(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...

    def place_action(
        self, name: str, action: QAction, menu: str, before: str | None, *, separated: bool = False
    ) -> None: ...


def install_backup_actions(window: BackupHost, ctx: AppContext) -> dict[str, QAction]:
    """Add "Back up now" and "Restore from backup…" to the File menu, above Quit."""
    actions: dict[str, QAction] = {}
    for name, slot in (
        ("backup", lambda: back_up(window, ctx)),
        ("restore", lambda: choose_and_restore(window, ctx)),
    ):
        action = QAction(text(ctx, name), window.window())
        action.triggered.connect(slot)
        window.place_action(f"backup_{name}", action, "file", "quit", separated=name == "restore")
        actions[name] = action
    return actions


def back_up(window: BackupHost, ctx: AppContext) -> None:
    kb = ctx.kb

    def done(info: BackupInfo) -> None:
        window.statusBar().showMessage(text(ctx, "backed_up", path=info.path), 10_000)

    # with_progress hands the op a reporter: progress shows in the dialog.
    CollectionOp(
        window.window(),
        lambda reporter: kb.create_backup(progress=reporter.report),
        runner=ctx.runner,
    ).with_progress(text(ctx, "backing_up")).success(done).run_in_background()


def choose_and_restore(window: BackupHost, ctx: AppContext, path: Path | None = None) -> None:
    """Ask for a backup file (unless given), confirm, restore off the GUI thread."""
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(
            window.window(),
            text(ctx, "choose"),
            str(ctx.kb.backup_folder),
            "zebkb backup (*.zip)",
        )
        if not chosen:
            return
        path = Path(chosen)

    def confirm(info: BackupInfo) -> None:
        answer = QMessageBox.question(
            window.window(),
            text(ctx, "restore").rstrip("…"),
            text(ctx, "confirm", created=info.created_at, records=info.records),
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
            text(ctx, "restored", records=result.restored.records, path=result.set_aside), 15_000
        )

    CollectionOp(
        window.window(),
        lambda reporter: kb.restore_backup(path, progress=reporter.report),
        runner=ctx.runner,
    ).with_progress(text(ctx, "restoring")).success(done).run_in_background()
