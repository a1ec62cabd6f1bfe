"""Start the desktop window: ``zebkb gui`` and ``zebkb`` with no command come here.

``run`` wires the application together: settings, translator, the knowledge
base (a folder it refuses becomes a readable dialog and exit status 1), the op
runner, thumbnails, the first-run questions when the knowledge base has no
home ward yet, and the main window. ``make_main_window`` gives tests the
same window without an event loop of its own.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from zebkb.errors import ZebkbError
from zebkb.ui.core.context import AppContext
from zebkb.ui.core.i18n import QtTexts, Translator
from zebkb.ui.core.ops import CollectionOp, OpRunner, ProgressReporter, user_message
from zebkb.ui.core.settings import Settings, default_settings_path
from zebkb.ui.core.thumbs import ThumbnailCache, Thumbnailer
from zebkb.ui.main.firstrun import FirstRunDialog
from zebkb.ui.main.mainwindow import MainWindow, window_icon

if TYPE_CHECKING:
    from zebkb.service import KnowledgeBase

log = logging.getLogger(__name__)

# Smoke tests and the frozen-build check: close the window this long after it shows.
QUIT_AFTER_ENV = "ZEBKB_QUIT_AFTER_MS"


def make_context(kb: object, settings: Settings, translator: Translator) -> AppContext:
    """The runner and thumbnailer around an open knowledge base."""
    runner = OpRunner(translator=translator, track_changes=getattr(kb, "track_changes", None))
    # Thumbnails are made on readers from this PC's copies; in team mode a file not
    # copied here yet is fetched by the writer (zebkb/ui/core/files.py).
    thumbnailer = Thumbnailer(
        runner,
        ThumbnailCache(kb.data_dir, writable=not getattr(kb, "read_only", False)),  # type: ignore[attr-defined]
        lambda sha256: kb.attachment_path(sha256, fetch=False),  # type: ignore[attr-defined]
        translator,
        fetch=kb.attachment_path if getattr(kb, "team", False) else None,  # type: ignore[attr-defined]
    )
    return AppContext(kb, runner, translator, settings, thumbnailer)  # type: ignore[arg-type]


def make_main_window(ctx: AppContext) -> MainWindow:
    from zebkb.ui.main.backup_actions import install_backup_actions

    window = MainWindow(ctx)
    window.setWindowIcon(window_icon())
    install_backup_actions(window, ctx)
    return window


def start_first_run(window: MainWindow, ctx: AppContext) -> FirstRunDialog:
    """Ask for the home ward and offer the demo data; the answer is applied off the GUI thread.

    The dialog is opened, not exec'd: the event loop keeps running, and tests
    answer it like a user would.
    """

    def accepted(dialog: FirstRunDialog) -> None:
        code = dialog.ward_code
        demo = dialog.load_demo
        kb = ctx.kb
        if code is None:
            return

        def work(reporter: ProgressReporter) -> None:
            kb.set_home_ward(code)
            if demo:
                reporter.raise_if_cancelled()
                kb.load_demo()

        ctx.settings.first_run_done = True
        CollectionOp(window, work, runner=ctx.runner).with_progress(
            ctx.tr.t("firstrun.loading")
        ).run_in_background()

    def make() -> FirstRunDialog:
        dialog = FirstRunDialog(ctx.tr, window, folder=ctx.kb.data_dir)
        dialog.accepted.connect(lambda: accepted(dialog))
        return dialog

    return window.dialogs.open("first_run", make)


def choose_data_dir(given: Path, settings: Settings) -> Path:
    """The folder from the command line or environment, else the one chosen in settings."""
    from zebkb.paths import DATA_DIR_ENV, default_data_dir

    chosen = settings.data_dir
    if chosen is not None and given == default_data_dir() and not os.environ.get(DATA_DIR_ENV):
        return chosen
    return given


def install_excepthook(translator: Translator, log_file: Path | None = None) -> None:
    """An unexpected error shows a dialog (and is logged) instead of the window vanishing."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, exc, tb))
        traceback.print_exception(kind, exc, tb, file=sys.stderr)
        if QApplication.instance() is None:
            return
        message = user_message(exc, translator)
        if log_file is not None:
            message += f"\n\n{log_file}"
        QMessageBox.critical(QApplication.activeWindow(), translator.t("error.title"), message)

    sys.excepthook = hook


def run(data_dir: Path, open_uid: str | None = None, language: str | None = None) -> int:
    """Open the window; ``language`` (from ``--lang`` or $ZEBKB_LANG) holds for this run only,
    the saved choice (表示 → 言語) stays as it was unless the person changes it."""
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0] if sys.argv else "zebkb"])
    )
    app.setApplicationName("zebkb")
    app.setWindowIcon(window_icon())
    settings = Settings(default_settings_path())
    translator = Translator(language or settings.language)
    QtTexts(translator, app)
    kb = open_knowledge_base(choose_data_dir(Path(data_dir), settings), translator)
    if kb is None:
        return 1
    try:
        # The window is this folder's one writer for its whole life (zebkb.store.lock);
        # on a read-only folder it browses, and each change is refused in words.
        if not kb.read_only:
            kb.claim_writer()
    except ZebkbError as exc:
        kb.close()
        refuse(None, translator, exc.message(translator.language))
        return 1
    from zebkb.logs import setup_logging

    log_file = setup_logging(kb.data_dir)
    ctx = make_context(kb, settings, translator)
    previous_hook = sys.excepthook
    install_excepthook(translator, log_file)
    try:
        window = make_main_window(ctx)
        window.show()
        if kb.read_only:
            window.say("status.read_only", timeout=0)
        elif kb.home_ward is None:
            start_first_run(window, ctx)
        if open_uid:
            window.open_record(open_uid)
        quit_after = os.environ.get(QUIT_AFTER_ENV, "")
        if quit_after.isdigit():
            # The frozen-build smoke test (packaging/smoke.py) wants proof the window drew.
            shot = os.environ.get("ZEBKB_SCREENSHOT")

            def quit_now() -> None:
                if shot:
                    window.grab().save(shot)
                window.close()
                app.quit()

            QTimer.singleShot(int(quit_after), quit_now)
        return int(app.exec())
    finally:
        sys.excepthook = previous_hook
        ctx.runner.shutdown()
        kb.close()
        settings.sync()


def open_knowledge_base(path: Path, translator: Translator) -> KnowledgeBase | None:
    """The knowledge base in ``path``, or None once the person was told why not.

    In team mode a server that cannot be reached (stopped, restarting, the network
    cut) is no reason to give up at once: a dialog names the server and lets the
    person try again when it is back, or quit. Nothing is written meanwhile (the
    folder is only read until the database answers).
    """
    from zebkb.service import DatabaseAwayError, KnowledgeBase

    while True:
        try:
            return KnowledgeBase.open(path)
        except DatabaseAwayError as exc:
            message = exc.message(translator.language)
            sys.stderr.write(f"zebkb: {message}\n")
            if not ask_retry_server(None, translator, message):
                return None
        except ZebkbError as exc:
            refuse(None, translator, exc.message(translator.language))
            return None


def ask_retry_server(parent: QWidget | None, translator: Translator, message: str) -> bool:
    """The team database is away: try again (True) or quit (False)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(translator.t("team_away.title"))
    box.setText(message)
    box.setInformativeText(translator.t("team_away.explain"))
    retry = box.addButton(translator.t("team_away.retry"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(translator.t("team_away.quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry)
    box.exec()
    return box.clickedButton() is retry


def refuse(parent: QWidget | None, translator: Translator, message: str) -> None:
    """The knowledge base cannot be opened: say why, in one line."""
    sys.stderr.write(f"zebkb: {message}\n")
    QMessageBox.critical(parent, translator.t("error.title"), message)
