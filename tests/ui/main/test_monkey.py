"""A monkey: a few hundred seeded random keys, shortcuts and clicks on the demo window.

It fails on any error logged meanwhile and on any step that keeps the GUI
thread busy for more than 200 ms. The time is the GUI thread's own CPU time
(``time.thread_time``, injectable), taken around each event and each round of
event processing: only work done inside our handlers counts, so a machine
loaded by other processes cannot make the test fail.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication
from zebkb_main_kit import wait_idle

# The offscreen platform cannot raise a window (a dialog brought to the front); that
# says nothing about zebkb.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)"),
]

SEED = 14
STEPS = 300
BLOCK_LIMIT_S = 0.2
# Keys that stay inside the window (no modal chooser, no quitting): typed into
# whatever has the focus, or window shortcuts.
KEYS: tuple[tuple[Qt.Key, Qt.KeyboardModifier], ...] = (
    (Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Up, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier),
)
# Shortcuts that open the window's dialogs (edit, history, import, export, settings, help,
# new record): each must open, take keys, close on Esc and open again without a logged error.
# Print (Ctrl+P) is left out: it renders a PDF on the GUI thread by design.
DIALOG_KEYS: tuple[tuple[Qt.Key, Qt.KeyboardModifier], ...] = (
    (Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
    (Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
)
WORDS = (
    "断熱",
    "ZEB",
    "葛飾",
    "清掃",
    "太陽光",
    "ward:大田区",
    'rank:"ZEB Ready"',
    "fy:2024",
    "(",
    '"',
)


def run_monkey(
    qtbot: Any, window: Any, rng: random.Random, clock: Callable[[], float]
) -> list[tuple[float, str]]:
    """Send STEPS random events; return (GUI-thread seconds, what) per step."""
    app = QApplication.instance()
    assert app is not None
    timings: list[tuple[float, str]] = []

    def timed(what: str, step: Callable[[], object]) -> None:
        start = clock()
        step()
        timings.append((clock() - start, what))
        start = clock()
        app.processEvents()  # the answers that arrived: our slots run here
        timings.append((clock() - start, f"after {what}"))

    def target() -> Any:
        return app.focusWidget() or window

    def key() -> None:
        k, mod = rng.choice(KEYS)
        timed(f"key {k.name}+{mod.name}", lambda: qtbot.keyClick(target(), k, mod))

    def shortcut() -> None:
        k, mod = rng.choice(DIALOG_KEYS)
        # To the window, as a person presses them with the window in front (a closed
        # dialog leaves no window active on the offscreen platform: a click brings it back).
        if QApplication.activeModalWidget() is None:
            window.activateWindow()
        timed(f"shortcut {k.name}+{mod.name}", lambda: qtbot.keyClick(window, k, mod))

    def close_dialog() -> None:
        # Esc in the newest dialog the window keeps open (or in the window itself).
        shown = [window.dialogs[n] for n in list(window.dialogs) if window.dialogs[n].isVisible()]
        active = shown[-1] if shown else window
        timed("escape in the front window", lambda: qtbot.keyClick(active, Qt.Key.Key_Escape))

    def text() -> None:
        word = rng.choice(WORDS)
        edit = window.search_bar.edit
        if word.isascii():
            timed(f"type {word}", lambda: qtbot.keyClicks(edit, word))
        else:
            # QTest types only Latin-1 keys; Japanese arrives as an input method commits it.
            timed(f"type {word}", lambda: edit.insert(word))

    def click_row() -> None:
        table = window.results
        rows = table.model().rowCount()
        if rows == 0:
            return
        rect = table.visualRect(table.model().index(rng.randrange(rows), 0))
        if not rect.isValid() or rect.isEmpty():
            return
        timed(
            "click row",
            lambda: qtbot.mouseClick(
                table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
            ),
        )

    def click_nav() -> None:
        nav = window.navigation
        items = []
        for i in range(nav.topLevelItemCount()):
            top = nav.topLevelItem(i)
            items.append(top)
            items.extend(top.child(j) for j in range(top.childCount()))
        item = rng.choice(items)
        rect = nav.visualItemRect(item)
        if rect.isEmpty():
            return
        pos = QPoint(rect.left() + 5, rect.center().y())
        timed(
            "click navigation",
            lambda: qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=pos),
        )

    def wait() -> None:
        timed("wait", lambda: qtbot.wait(rng.choice((0, 5, 30))))

    moves = (key, key, key, text, text, click_row, click_row, click_nav, wait, shortcut)
    moves += (close_dialog,)
    for _ in range(STEPS):
        rng.choice(moves)()
    # Let the last typed query's debounce run out and its answer arrive.
    qtbot.waitUntil(lambda: not window.search_bar.timer.isActive())
    wait_idle(qtbot, window)
    return timings


@contextmanager
def modal_boxes_closed() -> Iterator[list[str]]:
    """Close any box that runs its own event loop (the new-record chooser) as it appears,
    so the monkey is not held; the window's own dialogs are left to its Esc."""
    closer = QTimer()
    closer.setInterval(50)
    modals: list[str] = []

    def close_modal() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal.windowModality() == Qt.WindowModality.ApplicationModal:
            modals.append(modal.windowTitle())
            modal.close()

    closer.timeout.connect(close_modal)
    closer.start()
    try:
        yield modals
    finally:
        closer.stop()


def test_monkey_on_the_demo_window(qtbot, window, caplog) -> None:
    caplog.set_level(logging.WARNING)
    opened: list[str] = []
    keep = window.dialogs.keep

    def counted(name: str, dialog: Any) -> None:
        opened.append(name)
        keep(name, dialog)

    window.dialogs.keep = counted
    with modal_boxes_closed():
        timings = run_monkey(qtbot, window, random.Random(SEED), time.thread_time)
        wait_idle(qtbot, window)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    slow = sorted((t, what) for t, what in timings if t > BLOCK_LIMIT_S)
    assert slow == [], f"GUI thread busy over {BLOCK_LIMIT_S * 1000:.0f} ms: {slow[-5:]}"
    assert len(timings) >= STEPS  # every step was timed
    # The shortcuts reached the window: several dialogs opened, some of them again.
    assert len(set(opened)) >= 3, opened
    assert len(opened) > len(set(opened)), opened


def test_the_block_detector_catches_a_slow_handler(qtbot, window) -> None:
    """The measurement sees work done in a slot (an injected clock, no real waiting)."""
    now = [0.0]

    def clock() -> float:
        return now[0]

    def slow_slot(_uid: str) -> None:
        now[0] += 0.5  # the injected clock says this handler took half a second

    window.results.currentUidChanged.connect(slow_slot)
    try:
        with modal_boxes_closed():
            timings = run_monkey(qtbot, window, random.Random(SEED), clock)
    finally:
        window.results.currentUidChanged.disconnect(slow_slot)
    assert any(t > BLOCK_LIMIT_S for t, _what in timings)
