"""Helpers for the record-editor, history and settings dialog tests (tests/ui/edit/, settings/).

A pytest plugin (registered in tests/conftest.py): the fixtures ``ectx`` and
``demo`` are there for every test; import only the helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

QT_LOG_IGNORE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

DEMO_CASE = "7de7535c-dbb1-5bc7-8dbb-1e056b5c15d4"  # 葛飾区清掃事務所
DEMO_VISIT = "4851558e-3ce4-5145-81f4-50038ffd5cc2"


@pytest.fixture
def ectx(qtbot: Any, kb: Any, tmp_path: Path) -> Iterator[Any]:
    """An AppContext over the test knowledge base, with its own settings file and thumbnails."""
    from zebkb.ui.core.context import AppContext
    from zebkb.ui.core.i18n import Translator
    from zebkb.ui.core.ops import OpRunner
    from zebkb.ui.core.settings import Settings
    from zebkb.ui.core.thumbs import ThumbnailCache, Thumbnailer

    tr = Translator("ja")
    runner = OpRunner(translator=tr)
    thumbs = Thumbnailer(runner, ThumbnailCache(kb.data_dir), kb.attachment_path, tr)
    context = AppContext(kb, runner, tr, Settings(tmp_path / "zebkb.ini"), thumbs)
    yield context
    runner.shutdown()


@pytest.fixture
def demo(kb: Any) -> Any:
    kb.load_demo()
    return kb


def wait_idle(qtbot: Any, ctx: Any, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=timeout)


def _dismiss(dialog: Any) -> None:
    dialog.done(0)


def open_editor(qtbot: Any, ctx: Any, kind: str, record: dict | None = None) -> Any:
    from zebkb.ui.edit.editor import RecordEditorDialog

    dialog = RecordEditorDialog(ctx, kind, record)
    # Closing at teardown must not ask about unsaved changes (a modal box would wait forever).
    qtbot.addWidget(dialog, before_close_func=_dismiss)
    dialog.show()
    wait_idle(qtbot, ctx)
    return dialog


def settle(qtbot: Any, dialog: Any) -> bool:
    """Wait for the debounced validation after typing; True when the form would save."""
    with qtbot.waitSignal(dialog.validated, timeout=3000) as blocker:
        pass
    return bool(blocker.args[0])


def save(qtbot: Any, dialog: Any) -> dict:
    """Press Save and wait for the record to come back from the writer."""
    from PySide6.QtCore import Qt

    assert dialog.save_button.isEnabled(), dialog.message.text()
    with qtbot.waitSignal(dialog.saved, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def pick_case(qtbot: Any, search: Any, query: str) -> None:
    """Type into a case picker and choose its first match."""
    search.query.setText(query)
    qtbot.waitUntil(lambda: search.shown_query == query, timeout=5000)
    assert search.results.count() > 0
    search.choose_current()
