"""One writer per data folder: an OS file lock on ``<data_dir>/lock``.

The window holds it for its whole life; a command that changes data takes it
at its first write. Readers (list, show, search, check) never take it, so they
work beside an open window. The operating system drops the lock when its
process dies, so a killed zebkb never blocks the next one: a stale ``lock``
file (with a dead pid in it) is just a file.

Within one process the lock is shared (counted): two KnowledgeBase objects on
one folder in one process are serialised by SQLite's own write lock, and tests
and the window's worker threads open the same folder more than once.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

from zebkb.errors import KnownError
from zebkb.tempfiles import try_lock, unlock

LOCK_FILE = "lock"
DEFAULT_WAIT = 3.0


class FolderInUseError(KnownError):
    """Another zebkb process is writing in this data folder."""


def read_holder(data_dir: Path) -> int | None:
    """The pid written by the current (or last) holder, if readable."""
    try:
        text = (data_dir / LOCK_FILE).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class _Held:
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.count = 0


_held: dict[str, _Held] = {}
_guard = threading.Lock()
if hasattr(os, "register_at_fork"):
    # A forked child is another process: it must take the lock for itself.
    os.register_at_fork(after_in_child=_held.clear)


class WriterLock:
    """The single-writer lock of one data folder (re-entrant within a process)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._key = os.path.normcase(os.path.realpath(self.data_dir))
        self.held = False

    def acquire(self, wait: float = DEFAULT_WAIT) -> None:
        """Take the lock, waiting up to ``wait`` seconds for another process to let go."""
        if self.held:
            return
        # The guard is held while waiting: only a folder no thread here holds is waited for.
        with _guard:
            entry = _held.get(self._key)
            if entry is None:
                entry = _Held(self._lock_fd(wait))
                _held[self._key] = entry
            entry.count += 1
        self.held = True

    def _lock_fd(self, wait: float) -> int:
        fd = self._open()
        deadline = time.monotonic() + wait
        while not try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                raise self._in_use_error()
            time.sleep(0.05)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        return fd

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        with _guard:
            entry = _held.get(self._key)
            if entry is None:
                return
            entry.count -= 1
            if entry.count > 0:
                return
            del _held[self._key]
        with contextlib.suppress(OSError):
            os.ftruncate(entry.fd, 0)
        unlock(entry.fd)
        os.close(entry.fd)

    def _open(self) -> int:
        path = self.data_dir / LOCK_FILE
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise KnownError(
                f"cannot write in the knowledge base folder {self.data_dir} "
                f"({exc.strerror}); it may be read-only",
                message_ja=f"データフォルダ {self.data_dir} に書き込めません（{exc.strerror}）",
            ) from None

    def _in_use_error(self) -> FolderInUseError:
        pid = read_holder(self.data_dir)
        who = f" (pid {pid})" if pid else ""
        return FolderInUseError(
            f"zebkb is already open for writing in this folder{who}: {self.data_dir}; "
            "close the other zebkb window or wait until it has finished, then try again",
            message_ja=(
                f"このフォルダは別の zebkb が書き込み用に開いています{who}: {self.data_dir}。"
                "もう一方の zebkb を閉じるか、終わるまで待ってからやり直してください"
            ),
        )

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
