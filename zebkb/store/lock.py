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
import re
import shutil
import sys
import threading
import time
from pathlib import Path

from zebkb.errors import KnownError

LOCK_FILE = "lock"
# Windows locks a byte range; lock one far past the pid text so the pid stays readable.
_WIN_LOCK_OFFSET = 1 << 20
DEFAULT_WAIT = 3.0


class FolderInUseError(KnownError):
    """Another zebkb process is writing in this data folder."""


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


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
        while not _try_lock(fd):
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
        _unlock(entry.fd)
        os.close(entry.fd)

    def _open(self) -> int:
        path = self.data_dir / LOCK_FILE
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise KnownError(
                f"cannot write in the knowledge base folder {self.data_dir} "
                f"({exc.strerror}); it may be read-only",
                message_ja=f"データフォルダ {self.data_dir} に書き込めません({exc.strerror})",
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


# -- leftovers of interrupted writes ---------------------------------------------------------------
#
# A file written under a temporary name (a backup, a bundle, an attachment
# copy) carries its writer's pid in that name, and the writer holds an OS lock
# on it while it writes. A SIGKILLed writer leaves the file behind; the next
# command that owns the folder removes it once the pid is gone and nobody holds
# the lock (a forked child may still hold the descriptor). A live writer's
# file is never touched, nor one of this process.


def temp_prefix(kind: str) -> str:
    """The start of a temporary name for ``tempfile.mkstemp``: ``kind`` and this process's pid."""
    return f"{kind}{os.getpid()}-"


def hold_temp(fd: int) -> None:
    """Mark an open temporary file as being written (the lock goes with the descriptor)."""
    _try_lock(fd)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, killed but not reaped, does not)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return bool(kernel32.WaitForSingleObject(handle, 0) == 0x102)  # WAIT_TIMEOUT
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def writer_gone(path: Path, pid: int | None) -> bool:
    """Whether the writer of temporary file ``path`` (pid from its name, if any) is gone."""
    if pid is not None and (pid == os.getpid() or pid_alive(pid)):
        return False
    if path.is_dir():
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        if not _try_lock(fd):
            return False  # a process still holds it open for writing
        _unlock(fd)
        return True
    finally:
        os.close(fd)


def sweep_leftovers(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Remove files (and folders) in ``folder`` matching ``pattern`` whose writer is gone.

    ``pattern`` must full-match the name and may capture the writer's pid in
    its group ``pid`` (a name without one counts only on its lock).
    Returns what was removed; anything that cannot be removed is left.
    """
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for path in entries:
        m = pattern.fullmatch(path.name)
        if m is None:
            continue
        pid_text = m.groupdict().get("pid")
        if not writer_gone(path, int(pid_text) if pid_text else None):
            continue
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
