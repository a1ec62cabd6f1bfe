"""The listening thread: announcements reach the caller, a lost connection is opened again."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from zebkb.store.changelog import CHANNEL
from zebkb.store.listen import ChangeListener

WAIT = 30.0  # generous: only a broken listener ever waits this long


@dataclass
class Note:
    payload: str


class FakeConnection:
    """Stands in for a psycopg connection: notes are handed to it through a queue."""

    def __init__(self, notes: queue.Queue, *, fail_after: int | None = None) -> None:
        self.notes = notes
        self.fail_after = fail_after
        self.executed: list[str] = []
        self.closed = threading.Event()
        self.autocommit = False

    def execute(self, sql: str) -> None:
        self.executed.append(sql)

    def notifies(self, *, timeout: float):
        try:
            item = self.notes.get(timeout=timeout)
        except queue.Empty:
            return
        if isinstance(item, BaseException):
            raise item
        yield Note(item)

    def close(self) -> None:
        self.closed.set()


def test_announcements_reach_the_caller_and_a_lost_connection_is_opened_again() -> None:
    notes: queue.Queue = queue.Queue()
    connections: list[FakeConnection] = []

    def connect() -> FakeConnection:
        connections.append(FakeConnection(notes))
        return connections[-1]

    heard: queue.Queue = queue.Queue()
    listener = ChangeListener(connect, heard.put, poll=0.05, retry=0.01).start()
    try:
        assert listener.listening.wait(WAIT)
        assert connections[0].executed == [f"LISTEN {CHANNEL}"]
        assert connections[0].autocommit
        notes.put("7")
        assert heard.get(timeout=WAIT) == 7
        notes.put(ConnectionError("server closed the connection"))
        # Opened again, and the caller told to catch up: what was sent meanwhile is lost.
        assert heard.get(timeout=WAIT) is None
        assert connections[0].closed.is_set()
        assert len(connections) == 2
        notes.put("8")
        assert heard.get(timeout=WAIT) == 8
    finally:
        listener.stop()
    assert not listener.alive
    assert connections[-1].closed.is_set()


def test_a_failing_caller_does_not_stop_the_listening(caplog) -> None:
    notes: queue.Queue = queue.Queue()
    heard: queue.Queue = queue.Queue()

    def on_change(seq: int | None) -> None:
        heard.put(seq)
        if seq == 1:
            raise RuntimeError("the window was busy")

    listener = ChangeListener(lambda: FakeConnection(notes), on_change, poll=0.05).start()
    try:
        assert listener.listening.wait(WAIT)
        notes.put("1")
        notes.put("2")
        assert heard.get(timeout=WAIT) == 1
        assert heard.get(timeout=WAIT) == 2
    finally:
        listener.stop()
    assert "handling another PC's change failed" in caplog.text


def test_a_server_that_cannot_be_reached_is_tried_again() -> None:
    notes: queue.Queue = queue.Queue()
    attempts: list[int] = []
    heard: queue.Queue = queue.Queue()

    def connect() -> FakeConnection:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("connection refused")
        return FakeConnection(notes)

    listener = ChangeListener(connect, heard.put, poll=0.05, retry=0.01).start()
    try:
        assert listener.listening.wait(WAIT)
        notes.put("3")
        assert heard.get(timeout=WAIT) == 3
    finally:
        listener.stop()
    assert len(attempts) == 3
