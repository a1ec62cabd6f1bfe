"""A stale index: the window answers from what it has, says so, and rebuilds on the writer."""

from __future__ import annotations

import threading

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, open_window, shown_uids

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def make_stale(kb) -> None:
    with kb.transaction() as txn:  # changes the index never heard of (as after a crash)
        txn.set_meta("change_seq", str(int(txn.meta("change_seq")) + 5))
    assert not kb.index_is_current()


def test_a_stale_index_is_rebuilt_as_a_write_never_by_a_read(qtbot, ctx, demo_kb, monkeypatch):
    make_stale(demo_kb)
    threads: list[str] = []
    real = demo_kb.reindex

    def watched(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(demo_kb, "reindex", watched)
    window = open_window(qtbot, ctx)
    # The first answer comes from the index as it is, and says so.
    assert window.answer.stale
    assert len(shown_uids(window)) == demo_kb.count()
    qtbot.waitUntil(demo_kb.index_is_current, timeout=20000)
    qtbot.waitUntil(lambda: window.answer is not None and not window.answer.stale, timeout=20000)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=20000)
    assert window.statusBar().currentMessage() == ctx.tr.t("status.index_rebuilt")
    # Exactly one rebuild, on the single writer thread.
    assert len(threads) == 1
    assert threads[0].startswith("zebkb-write")


def test_the_stale_notice_is_in_the_window_language(qtbot, ctx, demo_kb) -> None:
    make_stale(demo_kb)
    window = open_window(qtbot, ctx)
    # Said when the stale answer arrived, before the rebuild ended.
    assert window.statusBar().currentMessage() in {
        ctx.tr.t("status.index_stale"),
        ctx.tr.t("status.index_rebuilt"),
    }
    qtbot.waitUntil(lambda: not window.answer.stale and not ctx.runner.busy, timeout=20000)
    ctx.tr.set_language("en")
    make_stale(demo_kb)
    window.refresh()
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == ctx.tr.t("status.index_stale"),
        timeout=20000,
    )
    assert "Rebuilding" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.answer.stale, timeout=20000)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=20000)


def test_every_index_notice_reads_in_the_windows_language(qtbot, ctx, demo_kb) -> None:
    """The index's and the service's notices are shown translated, never as their English."""
    import re

    from zebkb import service

    window = open_window(qtbot, ctx)
    names = [n for n in dir(service) if n.startswith("NOTICE_")]
    assert len(names) == 10
    for name in names:
        shown = window._notice_text(getattr(service, name))
        assert re.search(r"[ぁ-んァ-ン一-龥]", shown), name
        assert not re.search(r"[A-Za-z]{3,}", shown.replace("zebkb", "")), (name, shown)


def test_an_index_reset_and_caught_up_stops_asking_for_a_rebuild(qtbot, tmp_path, clock) -> None:
    """An index that could not be opened (damaged) is emptied; once
    the window has caught it up, every record is found and the reset is no longer announced."""
    from zebkb_main_kit import make_ctx

    from zebkb.service import NOTICE_INDEX_RESET, KnowledgeBase

    folder = tmp_path / "kb"
    with KnowledgeBase.open(folder, clock=clock) as base:
        base.set_home_ward("131229")
        base.load_demo()
        total = base.count()
    for path in (folder / "index").glob("gen-*/*"):
        if path.is_file():
            path.write_bytes(b"not an index")
    with KnowledgeBase.open(folder, clock=clock) as kb:
        context = make_ctx(kb, tmp_path / "s.ini")
        try:
            window = open_window(qtbot, context)
            qtbot.waitUntil(lambda: not window.answer.stale, timeout=30000)
            qtbot.waitUntil(lambda: not context.runner.busy, timeout=30000)
            window.search_bar.set_query("")
            qtbot.waitUntil(lambda: not context.runner.busy, timeout=30000)
            assert len(shown_uids(window)) == total
            assert window.answer.notice != NOTICE_INDEX_RESET
            assert window.statusBar().currentMessage() != context.tr.t("status.index_reset")
        finally:
            context.runner.shutdown()


@pytest.mark.parametrize("damage", ["missing", "older"])
def test_an_index_emptied_on_opening_says_so_while_it_is_filled_again(
    qtbot, tmp_path, clock, monkeypatch, damage
) -> None:
    """A damaged index (or one of an older format) is replaced by an empty one and filled
    again from the change log, record by record: the window showed an empty or short list
    and said nothing until it was done (at 10,000 records, many seconds)."""
    import sqlite3

    from zebkb_main_kit import make_ctx

    from zebkb.service import KnowledgeBase

    folder = tmp_path / "kb"
    with KnowledgeBase.open(folder, clock=clock) as base:
        base.set_home_ward("131229")
        base.load_demo()
        total = base.count()
    gen = next((folder / "index").glob("gen-*"))
    if damage == "missing":
        (gen / "docs.sqlite").unlink()
    else:
        with sqlite3.connect(gen / "docs.sqlite") as db:
            db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        db.close()
    with KnowledgeBase.open(folder, clock=clock) as kb:
        gate = threading.Event()
        real = kb.catch_up_index

        def held(*args, **kwargs):
            gate.wait(20)
            return real(*args, **kwargs)

        monkeypatch.setattr(kb, "catch_up_index", held)
        context = make_ctx(kb, tmp_path / "s.ini")
        try:
            window = open_window(qtbot, context)
            assert window.answer.stale
            assert len(shown_uids(window)) < total
            # While it is being filled the short list is explained.
            said = "status.index_stale" if damage == "missing" else "status.index_other_version"
            assert window.statusBar().currentMessage() == context.tr.t(said)
            gate.set()
            qtbot.waitUntil(lambda: not window.answer.stale, timeout=30000)
            qtbot.waitUntil(lambda: not context.runner.busy, timeout=30000)
            assert len(shown_uids(window)) == total
            assert window.statusBar().currentMessage() == context.tr.t("status.index_rebuilt")
        finally:
            gate.set()
            context.runner.shutdown()
