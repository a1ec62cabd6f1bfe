"""Fixtures and helpers for the window tests (tests/ui/).

A pytest plugin (registered in tests/conftest.py): the fixtures ``ctx``,
``demo_kb`` and ``window`` are there for every test; import only the helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The offscreen platform warns each time a shown top-level window's size limits
# change; that says nothing about zebkb.
QT_LOG_IGNORE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def make_ctx(kb: Any, settings_path: Path, lang: str = "ja") -> Any:
    from zebkb.ui.app import make_context
    from zebkb.ui.core.i18n import Translator
    from zebkb.ui.core.settings import Settings

    return make_context(kb, Settings(settings_path), Translator(lang))


@pytest.fixture
def ctx(qtbot: Any, kb: Any, tmp_path: Path) -> Iterator[Any]:
    context = make_ctx(kb, tmp_path / "zebkb.ini")
    yield context
    context.runner.shutdown()


@pytest.fixture
def demo_kb(kb: Any) -> Any:
    kb.load_demo()
    return kb


def open_window(qtbot: Any, context: Any) -> Any:
    from zebkb.ui.app import make_main_window

    window = make_main_window(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.answer is not None)
    return window


@pytest.fixture
def window(qtbot: Any, ctx: Any, demo_kb: Any) -> Any:
    return open_window(qtbot, ctx)


def search(qtbot: Any, window: Any, text: str) -> None:
    """Type into the box and wait for the answer to that very text."""
    window.search_bar.edit.setText(text)
    qtbot.waitUntil(
        lambda: (
            window.answer is not None
            and window.answer.query == text
            and not window.search_bar.timer.isActive()
        )
    )


def wait_idle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)


def shown_uids(window: Any) -> list[str]:
    return window.results.results.uids()


def select(qtbot: Any, window: Any, uid: str) -> None:
    with qtbot.waitSignal(window.detail.shown, timeout=5000):
        assert window.results.select_uid(uid)
    assert window.detail.uid == uid


def detail_text(window: Any) -> str:
    return window.detail.browser.toPlainText()
