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


def computer_time_zone(monkeypatch: pytest.MonkeyPatch, zone: str) -> Iterator[None]:
    """Run as a computer set to ``zone``: times are shown in this computer's time."""
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def tokyo_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A ward's PC: the test clock's 09:00+09:00 reads 09:00."""
    yield from computer_time_zone(monkeypatch, "Asia/Tokyo")


@pytest.fixture
def utc_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A PC set to UTC: the test clock's 09:00+09:00 reads 00:00."""
    yield from computer_time_zone(monkeypatch, "UTC")


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


def select_rows(qtbot: Any, window: Any, uids: list[str]) -> None:
    """Select these rows of the list together (the first also shown in the detail)."""
    table = window.results
    select(qtbot, window, uids[0])
    flags = table.selectionModel().SelectionFlag
    # Each row by explicit flags (as a Ctrl+click does), whatever earlier tests left of the
    # keyboard's modifier state, which Qt's own selection commands read.
    for n, uid in enumerate(uids):
        index = table.results.index(table.results.row_of(uid), 0)
        table.selectionModel().select(
            index, (flags.ClearAndSelect if n == 0 else flags.Select) | flags.Rows
        )
    assert sorted(window.selected_uids()) == sorted(uids)


def detail_text(window: Any) -> str:
    return window.detail.browser.toPlainText()


# Columns whose every value has a bounded width; the others (title, facility, host, …) may
# be elided, their tooltip whole, but each keeps a readable width.
BOUNDED = ("kind", "ward", "date", "fiscal_year", "rank", "floor_area", "session_kind", "updated")


def view_column_problems(
    view: Any,
    keys: Any,
    where: tuple[Any, ...],
    bounded: Any,
    caps: dict[str, int] | None = None,
) -> list[tuple[Any, ...]]:
    """Every shown column of any table view that is off its pane, or whose header (or, for
    the ``bounded`` keys, any value) is wider than the column; ``caps`` bounds what a column
    needs (a value longer than its cap is elided, its tooltip whole)."""
    from PySide6.QtCore import Qt

    model = view.model()
    header = view.horizontalHeader()
    metrics = view.fontMetrics()
    room = view.viewport().width()
    problems: list[tuple[Any, ...]] = []
    for column, key in enumerate(keys):
        if header.isSectionHidden(column):
            continue
        left = header.sectionViewportPosition(column)
        width = header.sectionSize(column)
        if left < 0 or left + width > room:
            problems.append((*where, key, "off the pane", left, width, room))
        texts = [str(model.headerData(column, Qt.Orientation.Horizontal))]
        if key in bounded:
            texts += [str(model.data(model.index(r, column))) for r in range(model.rowCount())]
        for text in texts:
            # The style's cell margins (a few pixels each side) included.
            need = metrics.horizontalAdvance(text) + 12
            if caps and key in caps:
                need = min(need, caps[key])
            if need > width:
                problems.append((*where, key, "cut", text, width))
    return problems


def column_problems(table: Any, lang: str, style: str) -> list[tuple[Any, ...]]:
    """Every shown column of the list that is cut, off the pane, or too narrow to read."""
    from zebkb.ui.main.results import MAX_KIND_WIDTH, MIN_TITLE_WIDTH

    model = table.results
    header = table.horizontalHeader()
    keys = model.column_keys()
    where = (model.kind, lang, style)
    # A kind longer than its cap (ZEBリーディング・オーナー) is elided, its tooltip whole.
    problems = view_column_problems(table, keys, where, BOUNDED, {"kind": MAX_KIND_WIDTH})
    shown = [c for c in range(model.columnCount()) if not header.isSectionHidden(c)]
    for column in shown:
        if keys[column] == "title" and header.sectionSize(column) < MIN_TITLE_WIDTH:
            problems.append((*where, "title", "title too narrow", header.sectionSize(column)))
    if not shown or keys[shown[0]] not in ("kind", "title"):
        problems.append((*where, "no title"))
    return problems
