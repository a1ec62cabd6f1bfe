"""The one way the window asks for data work.

Every database or index call runs off the GUI thread and its result comes
back on the GUI thread::

    QueryOp(self, lambda: kb.search(text), runner=runner)
        .success(self.show_results)
        .failure(self.show_error)
        .run_in_background()

``QueryOp`` runs on a small pool of readers; ``CollectionOp`` runs on the
single writer thread, so SQLite and Whoosh only ever see one writer and
writes happen in the order they were asked for. Long work takes a
``ProgressReporter``: ``.with_progress(label)`` calls the op with one, shows a
progress dialog with a cancel button, and the op checks
``reporter.cancelled`` (or passes ``reporter.report`` / ``reporter.is_cancelled``
on to the service as its ``progress`` / ``cancel`` callbacks).

Widgets never hold a database session: an op is a closure over the service
and plain values, and returns plain values.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any, Generic, Self, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from zebkb.domain.canonical import InstantOutOfRange
from zebkb.errors import ZebkbError
from zebkb.safezip import ZipRefused
from zebkb.search.lock import IndexBusyError
from zebkb.search.variants import VariantFileError
from zebkb.service.changes import NO_CHANGES, Changes
from zebkb.strictjson import StrictJSONError
from zebkb.ui.core.gcpolicy import young_collections_only
from zebkb.ui.core.i18n import Translator

log = logging.getLogger(__name__)

T = TypeVar("T")

# Progress reports closer together than this are merged: a tight loop must not
# flood the GUI thread's event queue.
PROGRESS_INTERVAL_S = 0.05
PROGRESS_DIALOG_DELAY_MS = 400


class OpCancelled(Exception):
    """Raised inside an op when the user pressed cancel."""


class ProgressReporter:
    """Handed to long ops: report progress, notice cancellation. Thread-safe."""

    def __init__(self, emit: Callable[[int, int, str], None] | None = None) -> None:
        self._emit = emit
        self._cancel = threading.Event()
        self._last = 0.0
        self._lock = threading.Lock()

    def report(self, done: int, total: int = 0, label: str = "") -> None:
        """``total`` 0 means unknown. Matches the service's ``Progress`` callback."""
        if self._emit is None:
            return
        now = time.monotonic()
        with self._lock:
            if done < total and now - self._last < PROGRESS_INTERVAL_S:
                return
            self._last = now
        self._emit(done, total, label)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_cancelled(self) -> bool:
        """Matches the service's ``Cancel`` callback."""
        return self._cancel.is_set()

    def raise_if_cancelled(self) -> None:
        if self._cancel.is_set():
            raise OpCancelled


# Refused input outside the ZebkbError tree (where records, dates, wards and queries are):
# shown in its own words, not logged. Every other exception, a plain ValueError included,
# is a bug: logged with its traceback and shown as unexpected.
USER_ERRORS: tuple[type[BaseException], ...] = (
    InstantOutOfRange,
    StrictJSONError,
    ZipRefused,
    VariantFileError,
)


def user_message(
    exc: BaseException, translator: Translator | None = None, date_style: str | None = None
) -> str:
    """One line a ward employee can read; bugs are logged with their traceback.

    ``date_style``: a fiscal year the message names is written as the window's dates are.
    """
    lang = translator.language if translator else "ja"
    if isinstance(exc, IndexBusyError):  # the window's own words for it
        return translator.t("status.index_busy") if translator else exc.message(lang)
    if isinstance(exc, ZebkbError):
        return exc.message(lang, date_style)
    if isinstance(exc, USER_ERRORS):
        # Refused input (instants, JSON, archives, the variants file) is one line.
        ja = getattr(exc, "message_ja", None)
        if lang == "ja" and isinstance(ja, str) and ja:
            return ja.splitlines()[0]
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, OSError):
        detail = exc.strerror or str(exc)
        if exc.filename:
            detail = f"{detail}: {exc.filename}"
        return translator.t("error.os", detail=detail) if translator else detail
    log.error(
        "unexpected error in a background operation: %s",
        getattr(exc, "zebkb_traceback", None) or repr(exc),
        exc_info=exc if exc.__traceback__ is not None else None,
    )
    if translator:
        return translator.t("error.unexpected", kind=type(exc).__name__)
    return f"予期しないエラーが発生しました（{type(exc).__name__}）"


# What a write that does not say may have changed.
EVERYTHING = Changes(
    all_records=True,
    conflicts=True,
    keys=True,
    settings=True,
    index=True,
    exchange_log=True,
)


class OpRunner(QObject):
    """Owns the reader pool and the single writer. One per window."""

    # After an op's callbacks have run; ``idle`` when none is left running.
    opFinished = Signal()
    idle = Signal()
    # The text of a failure the runner showed itself (no failure handler was given).
    failureShown = Signal(str)
    # Once after each write that succeeded: what it changed (zebkb.service.changes.Changes).
    # Every pane that shows data listens and redraws what concerns it; nobody calls
    # another pane's refresh.
    dataChanged = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        readers: int = 2,
        translator: Translator | None = None,
        track_changes: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.translator = translator
        # The service's KnowledgeBase.track_changes: each write op runs inside it, and
        # what the service says the write changed is what dataChanged carries.
        self.track_changes = track_changes
        self._reads = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="zebkb-read")
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zebkb-write")
        # One long-lived relay, a child of the runner: workers emit through it, and no
        # Qt object is ever created or released on a worker thread (releasing a Python
        # wrapper there makes shiboken defer a deletion that crashes the process).
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._relay.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._relay.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._live: dict[int, QueryOp[Any]] = {}
        self._ids = itertools.count(1)
        self._boxes: set[QMessageBox] = set()
        self._closed = False

    def submit(self, fn: Callable[[], Any], *, write: bool) -> Future[Any]:
        if self._closed:
            raise RuntimeError("the operation runner is shut down")
        return (self._writes if write else self._reads).submit(fn)

    @property
    def closed(self) -> bool:
        """Shut down: it takes no more work."""
        return self._closed

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def shutdown(self, *, wait: bool = True) -> None:
        """Cancel what reports progress, stop taking work, wait for the rest."""
        self._closed = True
        for op in list(self._live.values()):
            if op._reporter is not None:
                op._reporter.cancel()
        self._reads.shutdown(wait=wait, cancel_futures=True)
        self._writes.shutdown(wait=wait)

    def _start(self, op: QueryOp[Any], job: _Job) -> tuple[int, Future[Any]]:
        op_id = next(self._ids)
        self._live[op_id] = op
        job.reporter._emit = functools.partial(self._relay.progressed.emit, op_id)
        relay = self._relay
        future = self.submit(functools.partial(_run_job, relay, op_id, job), write=op.write)

        def on_done(f: Future[Any]) -> None:
            # A future cancelled before it started never runs the job.
            if f.cancelled():
                relay.failed.emit(op_id, OpCancelled())

        future.add_done_callback(on_done)
        return op_id, future

    @Slot(int, object)
    def _on_done(self, op_id: int, value: object) -> None:
        op = self._live.pop(op_id, None)
        if op is not None:
            op._finish(value, None)

    @Slot(int, object)
    def _on_failed(self, op_id: int, exc: object) -> None:
        op = self._live.pop(op_id, None)
        if op is not None:
            op._finish(None, exc)  # type: ignore[arg-type]

    @Slot(int, int, int, str)
    def _on_progress(self, op_id: int, done: int, total: int, label: str) -> None:
        op = self._live.get(op_id)
        if op is not None:
            op._progress(done, total, label)

    def show_failure(self, parent: QObject | None, exc: BaseException) -> None:
        """Default failure handler: the error in one line, in a message box."""
        title = self.translator.t("error.title") if self.translator else "zebkb"
        widget = parent if isinstance(parent, QWidget) and shiboken6.isValid(parent) else None
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            title,
            user_message(exc, self.translator),
            QMessageBox.StandardButton.Ok,
            widget,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # A box without a parent belongs to its Python wrapper: keep it until closed.
        self._boxes.add(box)
        box.finished.connect(lambda _result, b=box: self._boxes.discard(b))
        # open(), not exec(): a nested event loop here would stall every other op.
        box.open()
        self.failureShown.emit(box.text())

    def _finished(self) -> None:
        self.opFinished.emit()
        if not self._live:
            self.idle.emit()


class _Relay(QObject):
    """Lives on the GUI thread as the runner's child; workers emit, Qt queues to the runner."""

    done = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, int, int, str)


class _Job:
    """What a worker gets: the op's callable and its reporter, no widget, no Qt object."""

    __slots__ = ("fn", "reporter", "takes_reporter", "track", "tracked")

    def __init__(
        self,
        fn: Callable[..., Any],
        reporter: ProgressReporter,
        takes: bool,
        track: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.fn: Callable[..., Any] | None = fn
        self.reporter = reporter
        self.takes_reporter = takes
        # A write runs inside the service's change tracker; what it collected is kept here.
        self.track = track
        self.tracked: Changes | None = None


def _strip_tracebacks(exc: BaseException) -> None:
    """Keep the traceback as text; frames hold the op's closure (widgets among it)."""
    exc.zebkb_traceback = "".join(traceback.format_exception(exc))  # type: ignore[attr-defined]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__


def _run_job(relay: _Relay, op_id: int, job: _Job) -> None:
    fn = job.fn
    job.fn = None
    if fn is None:
        return
    try:
        job.reporter.raise_if_cancelled()
        with job.track() if job.track is not None else contextlib.nullcontext() as tracker:
            try:
                if job.takes_reporter:
                    # Long work: a full collection it triggers would stop the GUI thread too.
                    with young_collections_only():
                        value = fn(job.reporter)
                else:
                    value = fn()
            finally:
                # Also when cancelled part-way: what was committed before stays changed.
                found = getattr(tracker, "changes", None)
                job.tracked = found if isinstance(found, Changes) else None
    except Exception as exc:
        # Let go of everything the op captured before the GUI thread hears of it, so
        # the GUI thread, not this one, releases the last reference.
        del fn
        _strip_tracebacks(exc)
        relay.failed.emit(op_id, exc)
    else:
        del fn
        relay.done.emit(op_id, value)


class OpHandle:
    """What ``run_in_background`` returns: cancel it, or look at its future."""

    def __init__(self, reporter: ProgressReporter, future: Future[Any]) -> None:
        self.reporter = reporter
        self.future = future

    def cancel(self) -> None:
        self.reporter.cancel()
        self.future.cancel()


class QueryOp(Generic[T]):
    """A read: runs on the reader pool."""

    write = False

    def __init__(
        self,
        parent: QObject | None,
        op: Callable[..., T],
        *,
        runner: OpRunner,
    ) -> None:
        self._parent = parent
        self._op = op
        self._runner = runner
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_cancelled: Callable[[], None] | None = None
        self._on_progress: Callable[[int, int, str], None] | None = None
        self._progress_label: str | None = None
        self._dialog: QProgressDialog | None = None
        self._reporter: ProgressReporter | None = None
        self._job: _Job | None = None

    def success(self, callback: Callable[[T], None]) -> Self:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Self:
        self._on_failure = callback
        return self

    def cancelled(self, callback: Callable[[], None]) -> Self:
        self._on_cancelled = callback
        return self

    def progress(self, callback: Callable[[int, int, str], None]) -> Self:
        """Receive progress on the GUI thread; the op is called with a reporter."""
        self._on_progress = callback
        return self

    def with_progress(self, label: str) -> Self:
        """Show a cancellable progress dialog; the op is called with a reporter."""
        self._progress_label = label
        return self

    @property
    def takes_reporter(self) -> bool:
        return self._progress_label is not None or self._on_progress is not None

    def run_in_background(self) -> OpHandle:
        reporter = ProgressReporter()
        self._reporter = reporter
        if self._progress_label is not None:
            self._dialog = self._make_dialog(reporter)
        track = self._runner.track_changes if self.write else None
        self._job = _Job(self._op, reporter, self.takes_reporter, track)
        _, future = self._runner._start(self, self._job)
        return OpHandle(reporter, future)

    def _make_dialog(self, reporter: ProgressReporter) -> QProgressDialog:
        translator = self._runner.translator
        cancel_text = translator.t("common.cancel") if translator else "キャンセル"
        widget = self._parent if isinstance(self._parent, QWidget) else None
        dialog = QProgressDialog(self._progress_label or "", cancel_text, 0, 0, widget)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_DIALOG_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(reporter.cancel)
        return dialog

    def _progress(self, done: int, total: int, label: str) -> None:
        if self._dialog is not None:
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(min(done, total) if total else 0)
            if label:
                self._dialog.setLabelText(label)
        if self._on_progress is not None and self._parent_alive():
            self._on_progress(done, total, label)

    def _parent_alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _finish(self, value: object, exc: BaseException | None) -> None:
        if self._dialog is not None:
            self._dialog.canceled.disconnect()
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        try:
            self._deliver(value, exc)
        finally:
            # The write happened even when the widget that asked has gone: announce it.
            # A cancelled write is announced too: what it did before the cancel stays
            # (an import of several bundles keeps the ones applied); a failed one is not.
            if self.write and (exc is None or isinstance(exc, OpCancelled)):
                changes = self._changes_of(value)
                if not changes.empty:
                    self._runner.dataChanged.emit(changes)
            self._runner._finished()

    def _changes_of(self, value: object) -> Changes:
        return NO_CHANGES

    def _deliver(self, value: object, exc: BaseException | None) -> None:
        # The widget that asked may be gone (window closed): drop the result.
        if not self._parent_alive():
            return
        if exc is None:
            if self._on_success is not None:
                self._on_success(value)  # type: ignore[arg-type]
        elif isinstance(exc, OpCancelled):
            if self._on_cancelled is not None:
                self._on_cancelled()
        elif self._on_failure is not None:
            self._on_failure(exc)
        else:
            self._runner.show_failure(self._parent, exc)


class CollectionOp(QueryOp[T]):
    """A change: runs on the single writer thread, in submission order.

    After it succeeds the runner emits ``dataChanged`` once with what it
    changed: what the service's change tracker collected while the op ran
    (``OpRunner(track_changes=kb.track_changes)``), or without a tracker the
    op's own answer when that is a ``Changes`` (or carries one as ``.changes``),
    else what ``.changes()`` declared, else everything.
    """

    write = True

    def __init__(
        self,
        parent: QObject | None,
        op: Callable[..., T],
        *,
        runner: OpRunner,
    ) -> None:
        super().__init__(parent, op, runner=runner)
        self._declared: Changes | Callable[[T], Changes] | None = None

    def changes(self, declared: Changes | Callable[[T], Changes]) -> Self:
        """What this write changes (or how to read it from the op's answer)."""
        self._declared = declared
        return self

    def _changes_of(self, value: object) -> Changes:
        tracked = self._job.tracked if self._job is not None else None
        if tracked is not None:
            # The service's own account: a write that changed nothing says so.
            return tracked
        if isinstance(value, Changes):
            return value
        carried = getattr(value, "changes", None)
        if isinstance(carried, Changes):
            return carried
        if isinstance(self._declared, Changes):
            return self._declared
        if self._declared is not None and value is not None:
            return self._declared(value)  # type: ignore[arg-type]
        # A write that does not say what it changed: every pane reads again.
        return EVERYTHING
