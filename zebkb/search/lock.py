"""One writer at a time: an OS file lock in the index folder.

The operating system drops the lock when its process dies, so a writer that
was killed never blocks the next one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType

from zebkb.errors import KnownError
from zebkb.tempfiles import try_lock, unlock


class IndexBusyError(KnownError):
    """Another process is writing the search index: wait and try again."""


class WriteLock:
    def __init__(self, path: Path, timeout: float = 30.0) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while not try_lock(fd):
            if time.monotonic() > deadline:
                os.close(fd)
                raise IndexBusyError(
                    "the search index is being updated by another zebkb process; try again later",
                    message_ja="検索索引を別の zebkb が更新中です。しばらくしてからもう一度お試しください",
                )
            time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        unlock(fd)
        os.close(fd)

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
