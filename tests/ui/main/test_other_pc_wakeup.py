"""Team mode: another PC's commit wakes the window, which takes it in and redraws."""

from __future__ import annotations

import threading

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, open_window, search, shown_uids
from zebkb_testing import another_pc, case_record

from zebkb.search.engine import SearchIndex
from zebkb.service import KnowledgeBase

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


class FakeListener:
    """What KnowledgeBase.listen_for_changes gives; this one is woken by the test."""

    def __init__(self, on_change) -> None:
        self.on_change = on_change
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True

    def announce(self, seq: int) -> None:
        # From a thread of its own, as the real listener calls.
        thread = threading.Thread(target=self.on_change, args=(seq,))
        thread.start()
        thread.join()


def test_another_pcs_save_is_shown_without_anyone_searching(
    qtbot, ctx, demo_kb, tmp_path, monkeypatch
) -> None:
    listeners: list[FakeListener] = []

    def listen(on_change):
        listeners.append(FakeListener(on_change))
        return listeners[-1]

    monkeypatch.setattr(demo_kb, "listen_for_changes", listen, raising=False)
    window = open_window(qtbot, ctx)
    (listener,) = listeners
    search(qtbot, window, "ゼロカーボン推進課")
    assert shown_uids(window) == []
    # Another PC: the same database, its own search index.
    with KnowledgeBase.open(demo_kb.data_dir, clock=demo_kb.clock) as other:
        other._index = SearchIndex(tmp_path / "other-pc-index")
        saved = other.save(case_record(title="ゼロカーボン推進課の新庁舎"))
        seq = other.change_state()
    with qtbot.waitSignal(
        ctx.runner.dataChanged,
        timeout=30000,
        check_params_cb=lambda changes: saved["uid"] in changes.records,
    ):
        listener.announce(seq)
    # The list was searched again with the index caught up: the record is there.
    qtbot.waitUntil(lambda: shown_uids(window) == [saved["uid"]], timeout=30000)
    assert demo_kb.index_is_current()
    window.close()
    assert listener.stopped


def test_a_sqlite_window_listens_to_nothing(qtbot, ctx, demo_kb) -> None:
    window = open_window(qtbot, ctx)
    assert window._listener is None  # one writer per folder: it knows its own changes


@pytest.mark.parametrize("engine_name", ["postgresql"])
def test_a_team_window_is_woken_by_the_server(qtbot, ctx, demo_kb, tmp_path, engine_name) -> None:
    """The real thing: PostgreSQL announces another PC's commit and the window shows it."""
    window = open_window(qtbot, ctx)
    assert window._listener is not None
    assert window._listener.listening.wait(60)
    search(qtbot, window, "ゼロカーボン推進課")
    with another_pc(demo_kb, tmp_path / "other-pc") as other:
        with qtbot.waitSignal(
            ctx.runner.dataChanged,
            timeout=60000,
            check_params_cb=lambda changes: bool(changes.records),
        ) as seen:
            saved = other.save(case_record(title="ゼロカーボン推進課の新庁舎"))
        assert saved["uid"] in seen.args[0].records
    qtbot.waitUntil(lambda: shown_uids(window) == [saved["uid"]], timeout=60000)
    window.close()
    assert window._listener is None


def test_a_wakeup_rereads_keys_and_settings_another_pc_may_have_changed(
    qtbot, ctx, demo_kb, monkeypatch
) -> None:
    """A commit that changed no record (a key trusted elsewhere) still redraws the key panes."""
    listeners: list[FakeListener] = []

    def listen(on_change):
        listeners.append(FakeListener(on_change))
        return listeners[-1]

    monkeypatch.setattr(demo_kb, "listen_for_changes", listen, raising=False)
    window = open_window(qtbot, ctx)
    (listener,) = listeners
    qtbot.waitUntil(lambda: not ctx.runner.busy)
    with qtbot.waitSignal(
        ctx.runner.dataChanged,
        timeout=30000,
        check_params_cb=lambda changes: changes.keys and changes.settings,
    ):
        listener.announce(demo_kb.change_state())
    window.close()
