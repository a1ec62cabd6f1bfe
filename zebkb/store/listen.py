"""Hearing other PCs' commits at once: PostgreSQL's LISTEN/NOTIFY, on a thread of its own.

Every commit that logs changes announces its last change number on
``changelog.CHANNEL`` (zebkb/store/changelog.py). A :class:`ChangeListener`
holds one connection of its own, in autocommit, listening there, and calls
``on_change(seq)`` from its thread for each announcement; the caller brings
its search index up to date (zebkb/service/index.py, ``catch_up_index``) and
the window redraws (zebkb/ui/main/mainwindow.py). Own commits are heard too;
catching up after them finds nothing to do.

A lost connection (the server restarted, the network dropped) is opened
again after ``retry`` seconds, and ``on_change(None)`` is called once it
listens again: announcements sent meanwhile were lost, and the caller
catches up from the log, which has them all. No Qt here: the window turns
the call into a signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from zebkb.store.changelog import CHANNEL

log = logging.getLogger(__name__)

# How often the listening thread looks up from waiting to see whether it should stop.
POLL_SECONDS = 0.25
RETRY_SECONDS = 2.0


class ChangeListener:
    """A thread listening for commits announced by any writer of the shared database."""

    def __init__(
        self,
        connect: Callable[[], Any],
        on_change: Callable[[int | None], None],
        *,
        poll: float | None = None,
        retry: float | None = None,
    ) -> None:
        """``connect()`` opens a new psycopg connection to the shared database."""
        self._connect = connect
        self._on_change = on_change
        self._poll = POLL_SECONDS if poll is None else poll
        self._retry = RETRY_SECONDS if retry is None else retry
        self._stop = threading.Event()
        # Set while the connection listens: announcements from then on are heard.
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zebkb-listen", daemon=True)

    def start(self) -> ChangeListener:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        connected_before = False
        while not self._stop.is_set():
            conn = None
            try:
                conn = self._connect()
                conn.autocommit = True
                conn.execute(f"LISTEN {CHANNEL}")
                self.listening.set()
                if connected_before:
                    self._call(None)  # announcements may have been lost meanwhile
                connected_before = True
                while not self._stop.is_set():
                    for note in conn.notifies(timeout=self._poll):
                        if self._stop.is_set():
                            break
                        self._call(_seq(note.payload))
            except Exception as exc:  # the connection went: listen again after a while
                if not self._stop.is_set():
                    log.warning("listening for other PCs' changes stopped (%s); retrying", exc)
            finally:
                self.listening.clear()
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:
                        log.debug("closing the listening connection failed", exc_info=True)
            self._stop.wait(self._retry)

    def _call(self, seq: int | None) -> None:
        try:
            self._on_change(seq)
        except Exception:  # the caller's failure must not stop the listening
            log.exception("handling another PC's change failed")


def _seq(payload: str) -> int | None:
    try:
        return int(payload)
    except ValueError:
        return None


def listen_on(engine: Engine, on_change: Callable[[int | None], None]) -> ChangeListener:
    """A started listener on the database of ``engine`` (PostgreSQL), with a connection of its own."""
    address = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def connect() -> Any:
        import psycopg

        return psycopg.connect(
            address, autocommit=True, connect_timeout=10, application_name="zebkb-listen"
        )

    return ChangeListener(connect, on_change).start()
