"""Screenshots of the main screens, in Japanese and English, for the README.

    python packaging/screenshots.py [OUT_DIR]   (default: docs/screenshots)

Loads the demo records into a temporary knowledge base, then grabs (offscreen
unless QT_QPA_PLATFORM says otherwise): the main window with a search and a
filter, a case's detail, and the first-run dialog. PNG, at most 1280×800.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CASE = "6b5aaf5a-9c66-5667-9c85-a407169163eb"  # 葛飾区立水元小学校: rank, area, photo
SIZE = (1280, 800)


def wait(app, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")
        app.processEvents()
        time.sleep(0.005)


def settle(app, window) -> None:
    wait(app, lambda: not window.ctx.runner.busy)
    for _ in range(5):
        app.processEvents()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from zebkb.service import KnowledgeBase
    from zebkb.ui.app import make_context, make_main_window, start_first_run
    from zebkb.ui.core.i18n import Translator
    from zebkb.ui.core.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp) / "kb")
        kb.set_home_ward("131229")
        kb.load_demo()
        ctx = make_context(kb, Settings(Path(tmp) / "zebkb.ini"), Translator("ja"))
        window = make_main_window(ctx)
        window.resize(*SIZE)
        window.show()
        wait(app, lambda: window.answer is not None)
        for lang in ("ja", "en"):
            window.set_language(lang)
            window.search_bar.set_query("学校")
            settle(app, window)
            window.search_bar.add_filter("ward", "131229")
            settle(app, window)
            window.open_record(CASE)
            settle(app, window)
            wait(app, lambda: window.detail.uid == CASE)
            settle(app, window)
            window.grab().save(str(out / f"main-{lang}.png"))
            window.detail.grab().save(str(out / f"case-detail-{lang}.png"))
            window.search_bar.clear()
            settle(app, window)
        fresh = KnowledgeBase.open(Path(tmp) / "fresh")
        fresh_ctx = make_context(fresh, Settings(Path(tmp) / "fresh.ini"), Translator("ja"))
        fresh_window = make_main_window(fresh_ctx)
        fresh_window.show()
        for lang in ("ja", "en"):
            fresh_ctx.tr.set_language(lang)
            dialog = start_first_run(fresh_window, fresh_ctx)
            dialog.chooser.select("131229")
            settle(app, fresh_window)
            dialog.grab().save(str(out / f"first-run-{lang}.png"))
            dialog.reject()
        for context, base in ((ctx, kb), (fresh_ctx, fresh)):
            context.runner.shutdown()
            base.close()
    for path in sorted(out.glob("*.png")):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
