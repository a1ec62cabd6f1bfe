"""The op runner (zebkb/ui/core/ops.py): off the GUI thread, one writer, results back home."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton, QWidget

from zebkb.domain.dates import DateError
from zebkb.domain.validate import RecordError
from zebkb.errors import KnownError
from zebkb.ui.core.i18n import Translator
from zebkb.ui.core.ops import (
    CollectionOp,
    OpCancelled,
    OpRunner,
    ProgressReporter,
    QueryOp,
    user_message,
)

pytestmark = pytest.mark.gui

WAIT_MS = 5000


class Sink(QObject):
    got = Signal(object)


@pytest.fixture
def runner(qapp) -> Iterator[OpRunner]:
    r = OpRunner(translator=Translator("en"))
    yield r
    r.shutdown(wait=True)


def test_result_comes_back_on_the_gui_thread(qtbot, runner: OpRunner) -> None:
    main = threading.get_ident()
    sink = Sink()
    ran_on: list[int] = []

    def op() -> int:
        ran_on.append(threading.get_ident())
        return 42

    def done(value: int) -> None:
        sink.got.emit((value, threading.get_ident()))

    with qtbot.waitSignal(sink.got, timeout=WAIT_MS) as blocker:
        QueryOp(None, op, runner=runner).success(done).run_in_background()
    assert blocker.args == [(42, main)]
    assert ran_on
    assert ran_on[0] != main


def test_gui_thread_is_free_while_the_op_runs(qtbot, runner: OpRunner) -> None:
    release = threading.Event()
    sink = Sink()
    QueryOp(None, lambda: release.wait(WAIT_MS / 1000), runner=runner).success(
        sink.got.emit
    ).run_in_background()
    # run_in_background returned although the op is still blocked.
    assert runner.busy
    with qtbot.waitSignal(sink.got, timeout=WAIT_MS) as blocker:
        release.set()
    assert blocker.args == [True]


def test_failure_goes_to_the_failure_callback(qtbot, runner: OpRunner) -> None:
    sink = Sink()

    def op() -> None:
        raise KnownError("disk full", message_ja="ディスクがいっぱいです")

    with qtbot.waitSignal(sink.got, timeout=WAIT_MS) as blocker:
        QueryOp(None, op, runner=runner).failure(sink.got.emit).run_in_background()
    assert isinstance(blocker.args[0], KnownError)


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_unhandled_failure_is_shown_in_one_line_without_blocking(qtbot, runner: OpRunner) -> None:
    def op() -> None:
        raise KnownError("The data folder is not writable", message_ja="書き込めません")

    with qtbot.waitSignal(runner.failureShown, timeout=WAIT_MS) as shown:
        QueryOp(None, op, runner=runner).run_in_background()
    assert shown.args == ["The data folder is not writable"]
    # The message box is open (not exec'd): the event loop, and other ops, go on.
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert [b.text() for b in boxes if b.isVisible()] == ["The data folder is not writable"]
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        QueryOp(None, lambda: 1, runner=runner).run_in_background()
    for box in boxes:
        box.close()


def test_writes_run_one_at_a_time_in_order(qtbot, runner: OpRunner) -> None:
    seen: list[tuple[int, str]] = []
    active = 0
    overlap = False
    lock = threading.Lock()
    gate = threading.Event()

    def write(i: int) -> int:
        nonlocal active, overlap
        with lock:
            active += 1
            overlap = overlap or active > 1
        gate.wait(WAIT_MS / 1000)
        seen.append((i, threading.current_thread().name))
        with lock:
            active -= 1
        return i

    for i in range(6):
        CollectionOp(None, lambda i=i: write(i), runner=runner).run_in_background()
    # A read is not held up behind the blocked writer.
    sink = Sink()
    with qtbot.waitSignal(sink.got, timeout=WAIT_MS) as blocker:
        QueryOp(None, lambda: "read", runner=runner).success(sink.got.emit).run_in_background()
    assert blocker.args == ["read"]
    assert seen == []
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        gate.set()
    assert [i for i, _ in seen] == list(range(6))
    assert len({name for _, name in seen}) == 1
    assert not overlap


def test_progress_and_cancel(qtbot, runner: OpRunner) -> None:
    sink = Sink()
    progress: list[tuple[int, int]] = []
    first = threading.Event()

    def long_op(reporter: ProgressReporter) -> str:
        # Runs until cancelled; the deadline only keeps a broken cancel from hanging.
        i = 0
        while not first.wait(0) or i < 10**8:
            reporter.raise_if_cancelled()
            reporter.report(i, 1_000_000)
            first.set()
            i += 1
        return "finished"

    def on_progress(done: int, total: int, label: str) -> None:
        progress.append((done, total))
        if len(progress) == 1:
            handle.cancel()

    with qtbot.waitSignal(sink.got, timeout=WAIT_MS) as blocker:
        handle = (
            QueryOp(None, long_op, runner=runner)
            .progress(on_progress)
            .success(sink.got.emit)
            .cancelled(lambda: sink.got.emit("cancelled"))
            .run_in_background()
        )
    assert blocker.args == ["cancelled"]
    assert progress[0] == (0, 1_000_000)
    assert handle.reporter.cancelled


def test_progress_dialog_cancel_button_cancels(qtbot, runner: OpRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    sink = Sink()
    started = threading.Event()

    def long_op(reporter: ProgressReporter) -> None:
        started.set()
        while True:
            reporter.raise_if_cancelled()
            reporter.report(1, 10, "索引を作成中")
            reporter._cancel.wait(0.01)

    QueryOp(parent, long_op, runner=runner).with_progress("索引を作り直しています").cancelled(
        lambda: sink.got.emit("cancelled")
    ).run_in_background()
    dialog = parent.findChild(QProgressDialog)
    assert dialog is not None
    assert dialog.labelText() == "索引を作り直しています"
    started.wait(WAIT_MS / 1000)
    button = dialog.findChild(QPushButton)
    assert button.text() == "Cancel"
    with qtbot.waitSignal(sink.got, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["cancelled"]
    qtbot.waitUntil(lambda: parent.findChild(QProgressDialog) is None, timeout=WAIT_MS)


def test_result_for_a_closed_widget_is_dropped(qtbot, runner: OpRunner) -> None:
    parent = QWidget()
    release = threading.Event()
    delivered: list[object] = []
    QueryOp(parent, lambda: release.wait(WAIT_MS / 1000), runner=runner).success(
        delivered.append
    ).failure(delivered.append).run_in_background()
    shiboken6.delete(parent)
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        release.set()
    assert delivered == []


def test_cancelled_before_start_never_runs(qtbot, runner: OpRunner) -> None:
    gate = threading.Event()
    ran: list[int] = []
    CollectionOp(None, lambda: gate.wait(WAIT_MS / 1000), runner=runner).run_in_background()
    handle = CollectionOp(None, lambda: ran.append(1), runner=runner).run_in_background()
    handle.cancel()
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        gate.set()
    assert ran == []


def test_user_messages() -> None:
    ja = Translator("ja")
    en = Translator("en")
    known = KnownError("Disk full", message_ja="ディスクがいっぱいです")
    assert user_message(known, ja) == "ディスクがいっぱいです"
    assert user_message(known, en) == "Disk full"
    refused = RecordError("visited_on: not a date\nmore", "visited_on: 日付ではありません")
    assert user_message(refused, en) == "visited_on: not a date"
    assert user_message(refused, ja) == "visited_on: 日付ではありません"
    from zebkb.search.query import QueryError

    bad_query = QueryError("the query has an unbalanced quote", "引用符が閉じていません")
    assert user_message(bad_query, ja) == "引用符が閉じていません"
    assert user_message(bad_query, en) == "The query has an unbalanced quote"
    oserr = PermissionError(13, "Permission denied", "/data/x.db")
    assert user_message(oserr, en) == (
        "A file could not be read or written (Permission denied: /data/x.db)"
    )
    message = user_message(ZeroDivisionError("x"), ja)
    assert "ZeroDivisionError" in message
    assert "\n" not in message
    assert isinstance(OpCancelled(), Exception)


def test_a_plain_value_error_is_a_bug_logged_not_a_user_message(caplog) -> None:
    """Only the project's user errors are shown in their own words; a ValueError from a bug
    is logged with its traceback and shown as unexpected, so it cannot disappear."""
    ja = Translator("ja")
    try:
        int("not a number")
    except ValueError as exc:
        bug = exc
    with caplog.at_level(logging.ERROR, logger="zebkb.ui.core.ops"):
        message = user_message(bug, ja)
    assert message == ja.t("error.unexpected", kind="ValueError")
    assert "not a number" not in message
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="zebkb.ui.core.ops"):
        assert (
            user_message(DateError("13月はありません", "13月はありません"), ja)
            == "13月はありません"
        )
    assert caplog.records == []


def test_a_busy_index_is_said_in_words(caplog) -> None:
    from zebkb.search.lock import IndexBusyError

    for lang in ("ja", "en"):
        tr = Translator(lang)
        assert user_message(IndexBusyError("busy"), tr) == tr.t("status.index_busy")
    assert caplog.records == []


@pytest.fixture
def tracked_runner(qapp, kb) -> Iterator[OpRunner]:
    r = OpRunner(translator=Translator("en"), track_changes=kb.track_changes)
    yield r
    r.shutdown(wait=True)


def test_each_write_emits_once_what_the_service_says_it_changed(qtbot, tracked_runner, kb):
    from zebkb_testing import case_record

    from zebkb.service.changes import Changes

    emitted: list[Changes] = []
    tracked_runner.dataChanged.connect(emitted.append)

    def two_saves() -> None:
        kb.save(case_record(title="一件目"))
        kb.save(case_record(title="二件目"))

    with qtbot.waitSignal(tracked_runner.idle, timeout=WAIT_MS):
        CollectionOp(None, two_saves, runner=tracked_runner).run_in_background()
    assert len(emitted) == 1  # one signal for the op, however many transactions it made
    assert len(emitted[0].records) == 2
    assert emitted[0].records == {r.uid for r in kb.list_records()}

    # A write op that wrote nothing says nothing; a failed one neither; a read never does.
    emitted.clear()
    with qtbot.waitSignal(tracked_runner.idle, timeout=WAIT_MS):
        CollectionOp(None, kb.count, runner=tracked_runner).run_in_background()
    with qtbot.waitSignal(tracked_runner.idle, timeout=WAIT_MS):
        CollectionOp(None, lambda: kb.require("no-such-uid"), runner=tracked_runner).failure(
            lambda _exc: None
        ).run_in_background()
    with qtbot.waitSignal(tracked_runner.idle, timeout=WAIT_MS):
        QueryOp(None, kb.count, runner=tracked_runner).run_in_background()
    assert emitted == []


def test_a_cancelled_write_announces_what_it_did_before_the_cancel(qtbot, tracked_runner, kb):
    from zebkb_testing import case_record

    emitted: list = []
    tracked_runner.dataChanged.connect(emitted.append)

    def save_then_cancel(reporter: ProgressReporter) -> None:
        kb.save(case_record(title="取消前"))
        reporter.cancel()
        reporter.raise_if_cancelled()

    with qtbot.waitSignal(tracked_runner.idle, timeout=WAIT_MS):
        CollectionOp(None, save_then_cancel, runner=tracked_runner).progress(
            lambda *_a: None
        ).run_in_background()
    assert len(emitted) == 1
    assert emitted[0].records == {r.uid for r in kb.list_records()}
