"""Files written under a temporary name, and the leftovers of interrupted writes.

No database and no Qt here: the store's writer lock (zebkb/store/lock.py), the
attachment files (zebkb/filestore.py), bundles, backups and every file written
whole (zebkb/atomicfile.py) use these.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

# Windows locks a byte range; lock one far past the pid text so the pid stays readable.
_WIN_LOCK_OFFSET = 1 << 20


def try_lock(fd: int) -> bool:
    """Take an OS lock on an open file without waiting; whether it was taken."""
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


def unlock(fd: int) -> None:
    """Let go of a lock taken by `try_lock`."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (a file renamed into it) durable."""
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    try_lock(fd)


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
        if not try_lock(fd):
            return False  # a process still holds it open for writing
        unlock(fd)
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
                import shutil  # (imported only when there is something to remove)

                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
