"""Storing a bundle's attachment files, checked against their SHA-256 as they are written.

A big copy runs in a child process while the caller merges the records: the
copy is reading, hashing, writing and fsyncing, and in a thread it waits for
the GIL behind the merge's Python work at every one of those calls (measured
on 1,000 files of 500 kB: 1.7 s alone, 2.9 s beside the merge, 45 s beside a
busy loop). A child has its own interpreter and the machine's other core.
Small copies run in the caller's thread: starting a child costs 0.1–0.3 s.
Against the plain way, the same copy in the importing process before the
transaction opens (benchmarks/simpler_bench.py --only import: 3,000 records and
80 MB of files, 2 loaded cores): 9.1 s against 11.9 s, for a peak of 185 MB
(both processes) against 105 MB.

Either way the same `run_copy` does the work and stops between files when
asked. Files appear in the store only once every file of the bundle has
matched its hash, each whole under its name; should the merge fail after
that, the caller removes the files the import added (`CopyJob.placed`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zebkb.bundle.errors import BundleError
from zebkb.bundle.limits import MIB
from zebkb.bundle.reader import AttachmentSource
from zebkb.errors import InputError, KnownError, ZebkbError
from zebkb.filestore import AttachmentStore, ContentMismatch, Staged
from zebkb.helper_command import helper_command, start_helper

log = logging.getLogger(__name__)

# Below this many bytes to read, a child process costs more than it saves.
CHILD_MIN_BYTES = 64 * MIB


class CopyStopped(Exception):
    """The caller asked the copy to stop; no file was placed after it asked."""


@dataclass(frozen=True)
class CopyJob:
    bundle: Path
    store: Path  # the attachment store's folder
    # (sha256, size): written into the store, where none of them is yet (`placed`)
    store_files: tuple[tuple[str, int], ...]
    check_files: tuple[tuple[str, int], ...]  # only hashed (stored here already, or unused)

    @property
    def count(self) -> int:
        return len(self.store_files) + len(self.check_files)

    @property
    def size(self) -> int:
        return sum(size for _sha, size in (*self.store_files, *self.check_files))

    def placed(self) -> list[str]:
        """The files of this job now in the store (none was there when the job was made)."""
        store = AttachmentStore(self.store)
        return [sha for sha, _size in self.store_files if store.has(sha)]


def run_copy(
    job: CopyJob,
    source: AttachmentSource,
    *,
    checked: Callable[[], None],
    stop: Callable[[], bool],
) -> None:
    """Store and check the job's files; ``checked()`` after each file written or hashed.

    Every file is written and checked under a temporary name first; only when
    all of them (and the files only checked) match their hashes are they put
    in place, so a refused bundle never shows a file in the store. While the
    disk syncs one file, the next is read, hashed and written: a second thread
    does the fsyncs. Folders are fsynced once at the end, before anything may
    refer to the files.
    """
    store = AttachmentStore(job.store)
    syncer = _Syncer(store)
    syncer.start()
    try:
        for sha, size in job.store_files:
            if stop():
                raise CopyStopped
            syncer.raise_error()
            try:
                staged = store.stage(source.chunks(sha), sha, size)
            except ContentMismatch:
                raise source.mismatch(sha) from None
            syncer.put(staged)
            checked()
        syncer.finish()
        for sha, _size in job.check_files:
            if stop():
                raise CopyStopped
            source.verify(sha)
            checked()
        folders: set[Path] = set()
        while syncer.synced:
            if stop():  # also when the importing process is gone: place nothing more
                raise CopyStopped
            staged = syncer.synced.pop(0)
            store.place(staged, synced_dirs=folders)
        store.sync_dirs(folders)
    finally:
        syncer.abandon()


class _Syncer(threading.Thread):
    """fsyncs staged files in the order given; the first error stops it and is passed on."""

    def __init__(self, store: AttachmentStore):
        super().__init__(name="zebkb-copy-sync", daemon=True)
        self.store = store
        # A short queue: the writer stays at most two files ahead of the disk.
        self.queue: queue.Queue[Staged | None] = queue.Queue(maxsize=2)
        self.synced: list[Staged] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        while (staged := self.queue.get()) is not None:
            if self.error is not None:
                self.store.discard(staged)
                continue
            try:
                self.store.sync(staged)
                self.synced.append(staged)
            except BaseException as exc:
                self.error = exc

    def put(self, staged: Staged) -> None:
        self.queue.put(staged)

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error

    def finish(self) -> None:
        """Wait until every staged file is synced; pass on the first error."""
        self.queue.put(None)
        self.join()
        self.raise_error()

    def abandon(self) -> None:
        """Stop, and drop every file not put in place."""
        if self.is_alive():
            self.queue.put(None)
            self.join()
        for staged in self.synced:
            self.store.discard(staged)
        self.synced.clear()


# -- in a child process ------------------------------------------------------------------------
#
# The child is `zebkb _copy-attachments` (also inside the frozen build), not a
# multiprocessing child: spawn would run the parent's main script again. It reads
# the job as one JSON line on stdin ("stop" on a later line asks it to stop) and
# writes JSON lines: {"done": n} as it goes, then one outcome.

CHILD_COMMAND = "_copy-attachments"  # the same text as zebkb.cli.main.CHILD_COPY
_ERRORS: dict[str, type[ZebkbError]] = {
    "BundleError": BundleError,
    "InputError": InputError,
    "KnownError": KnownError,
}


def _job_from_json(line: str) -> CopyJob:
    data = json.loads(line)
    return CopyJob(
        bundle=Path(data["bundle"]),
        store=Path(data["store"]),
        store_files=tuple((sha, int(size)) for sha, size in data["store_files"]),
        check_files=tuple((sha, int(size)) for sha, size in data["check_files"]),
    )


def _job_to_json(job: CopyJob) -> str:
    return json.dumps(
        {
            "bundle": str(job.bundle),
            "store": str(job.store),
            "store_files": job.store_files,
            "check_files": job.check_files,
        }
    )


def child_main() -> int:
    """The child's side (``zebkb _copy-attachments``); the outcome goes to stdout."""
    # Ctrl+C in a terminal reaches the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = sys.stdout

    def say(**message: Any) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    stop = threading.Event()

    def listen() -> None:
        # A "stop" line, or the parent gone (end of input), stops the copy between files.
        sys.stdin.readline()
        stop.set()

    try:
        job = _job_from_json(sys.stdin.readline())
        threading.Thread(target=listen, daemon=True).start()
        source = AttachmentSource.open(job.bundle, dict((*job.store_files, *job.check_files)))
        say(done=0)  # up and running: from here on, an end without an outcome is a failure
        done = 0
        last = time.monotonic()

        def note() -> None:
            nonlocal done, last
            done += 1
            if time.monotonic() - last > 0.1:
                last = time.monotonic()
                say(done=done)

        try:
            run_copy(job, source, checked=note, stop=stop.is_set)
        finally:
            source.close()
        say(outcome="done")
    except CopyStopped:
        say(outcome="stopped")
    except ZebkbError as exc:
        kind = type(exc).__name__ if type(exc).__name__ in _ERRORS else "KnownError"
        say(outcome="error", kind=kind, en=exc.message_en, ja=exc.message_ja)
    except Exception as exc:  # a bug: the parent reports it in words and logs it
        say(outcome="bug", text=f"{type(exc).__name__}: {exc}")
    return 0


def _child_command() -> tuple[list[str], dict[str, str] | None]:
    return helper_command(CHILD_COMMAND)


class ChildCopy:
    """`run_copy` in a child process, started at once; the caller `wait`s after its own work.

    Should the helper not start, or end before it said anything, the copy runs
    in the calling thread instead (slower, never wrong): an import does not
    fail because a second process could not be had.
    """

    def __init__(self, job: CopyJob, source: AttachmentSource) -> None:
        self.job = job
        self.source = source
        self.done = 0
        self._heard = False
        self._outcome: dict[str, Any] | None = None
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._fallback: InlineCopy | None = None
        # Started now, read only when the caller waits: no thread of ours competes with
        # the merge for the GIL meanwhile (the few progress lines wait in the pipe).
        self._reader: threading.Thread | None = None
        self._proc: subprocess.Popen[str] | None = None
        command, env = _child_command()
        try:
            self._proc = start_helper(command, env, _job_to_json(job))
        except OSError as exc:
            log.warning("the attachment copy helper did not start (%s); copying here", exc)
            self._fall_back()

    def _fall_back(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(OSError):
                self._proc.kill()
            self._proc.wait()
            AttachmentStore(self.job.store).remove_partials()
        self._fallback = InlineCopy(self.job, self.source)

    def _read_lines(self) -> None:
        # Read only while the helper runs (_next is not called after a fall-back).
        assert self._proc is not None
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            try:
                self._messages.put(json.loads(line))
            except ValueError:
                continue
        self._messages.put(None)

    def _next(self, timeout: float) -> None:
        if self._reader is None:
            self._reader = threading.Thread(target=self._read_lines, daemon=True)
            self._reader.start()
        try:
            message = self._messages.get(timeout=timeout)
        except queue.Empty:
            return
        if message is None:
            self._outcome = self._outcome or {"outcome": "died"}
            return
        self._heard = True
        if "outcome" in message:
            self._outcome = message
        elif "done" in message:
            self.done = int(message["done"])

    def wait(self, tick: Callable[[], bool], interval: float = 0.05) -> None:
        """Wait for the child; ``tick()`` returning True asks it to stop (CopyStopped)."""
        if self._fallback is not None:
            self._fallback.wait(tick)
            self.done = self._fallback.done
            return
        assert self._proc is not None
        while self._outcome is None:
            self._next(interval)
            if self._outcome is None and tick():
                self.stop()
        self._proc.wait()
        outcome = self._outcome
        kind = outcome["outcome"]
        if kind == "done":
            self.done = self.job.count
            log.info("the attachment copy helper stored %d files", len(self.job.store_files))
            return
        if kind == "stopped":
            raise CopyStopped
        if kind == "error":
            raise _ERRORS.get(outcome["kind"], KnownError)(outcome["en"], message_ja=outcome["ja"])
        if kind == "bug":
            raise RuntimeError(f"copying attachments failed: {outcome['text']}")
        if not self._heard:  # it never got going (could not import zebkb, say)
            log.warning("the attachment copy helper ended without a word; copying here")
            self._fall_back()
            self.wait(tick)
            return
        # Killed from outside (or out of memory): its temporary files are no one's.
        AttachmentStore(self.job.store).remove_partials()
        raise KnownError(
            "copying the attachments stopped unexpectedly (the helper process ended)",
            message_ja="添付ファイルのコピーが途中で終了しました（補助プロセスが終了しました）",
        )

    def stop(self) -> None:
        if self._proc is None or self._proc.stdin is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self._proc.stdin.write("stop\n")
            self._proc.stdin.flush()

    def close(self) -> None:
        """Stop the child if it still runs (it finishes the file at hand) and reap it."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self.stop()
            try:
                self._proc.wait(30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
                AttachmentStore(self.job.store).remove_partials()
        for stream in (self._proc.stdin, self._proc.stdout):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()
        if self._reader is not None:
            self._reader.join(5)


class InlineCopy:
    """`run_copy` in the calling thread when it waits, with the interface of `ChildCopy`."""

    def __init__(self, job: CopyJob, source: AttachmentSource) -> None:
        self.job = job
        self.source = source
        self.done = 0

    def _checked(self) -> None:
        self.done += 1

    def wait(self, tick: Callable[[], bool], interval: float = 0.05) -> None:
        del interval
        run_copy(self.job, self.source, checked=self._checked, stop=tick)

    def close(self) -> None:
        pass


def start_copy(
    job: CopyJob, source: AttachmentSource, *, child: bool | None = None
) -> ChildCopy | InlineCopy:
    """A copy of ``job``: in a child process when it is big (or ``child`` says so)."""
    if child is None:
        child = job.size >= CHILD_MIN_BYTES
    return ChildCopy(job, source) if child else InlineCopy(job, source)
