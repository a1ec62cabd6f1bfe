"""Settling a conflict does not replace, unseen, what a colleague saved since it was shown.

In team mode the conflicts screen of one PC can be open while a colleague on
another PC saves the record. Settling then would replace their save with a
choice made on what the screen showed before it. The screen reads the record
again when the save reaches it; and a settle that still races it is refused
(nothing settled), said in the screen, which shows the record as it is now.
Run on both engines; on PostgreSQL the colleague is another PC.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from zebkb_main_kit import QT_LOG_IGNORE
from zebkb_peer_kit import make_conflicts
from zebkb_testing import another_pc

from zebkb.domain.canonical import record_hash
from zebkb.service import KnowledgeBase
from zebkb.service.changes import Changes
from zebkb.service.exchange import list_conflicts
from zebkb.service.records import ChangedSinceError
from zebkb.ui.exchange.conflicts import ConflictsDialog

pytestmark = [
    pytest.mark.gui,
    QT_LOG_IGNORE,
    pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"]),
]


def colleague_saves(kb: KnowledgeBase, tmp_path: Path, uid: str, title: str) -> None:
    """A save on another PC (on SQLite: the same folder, as a second window would)."""
    with another_pc(kb, tmp_path / "colleague") as other:
        current = other.require(uid)
        other.save({**current, "title": title}, expected_revision=current["revision"])


def open_dialog(qtbot: Any, ctx: Any) -> ConflictsDialog:
    with qtbot.waitSignal(ctx.runner.opFinished, timeout=10000):
        dialog = ConflictsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_settle_racing_a_colleagues_save_settles_nothing(
    qtbot, ctx, kb, peer, tmp_path, engine_name
) -> None:
    (uid,) = make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    assert dialog.current().uid == uid
    colleague_saves(kb, tmp_path, uid, "同僚の最新の件名")  # not yet heard by this window
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.keep_incoming.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert kb.require(uid)["title"] == "同僚の最新の件名"  # nothing replaced
    assert [c.uid for c in list_conflicts(kb)] == [uid]  # still to settle
    assert dialog.status.text() == (
        "この記録は、競合を表示した後に他の場所で更新されました。"
        "解決していません。表示し直して、もう一度選んでください"
    )
    # Shown again as it is now: choosing again is a choice made knowing it.
    assert dialog.current().current_hash == record_hash(kb.require(uid))
    with qtbot.waitSignal(dialog.settled, timeout=10000):
        dialog.keep_incoming.click()
    assert kb.require(uid)["title"] == "品川区の件名"
    assert list_conflicts(kb) == []


def test_a_colleagues_save_heard_by_the_window_reloads_the_screen(
    qtbot, ctx, kb, peer, tmp_path, engine_name
) -> None:
    (uid,) = make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    before = dialog.current().current_hash
    colleague_saves(kb, tmp_path, uid, "同僚の最新の件名")
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        ctx.runner.dataChanged.emit(Changes(records=frozenset({uid})))
    assert dialog.current().current_hash != before
    assert dialog.current().current_hash == record_hash(kb.require(uid))


def test_the_service_refuses_a_settle_on_a_version_no_longer_current(
    kb, peer, tmp_path, engine_name
) -> None:
    (uid,) = make_conflicts(kb, peer, tmp_path)
    (shown,) = list_conflicts(kb)
    colleague_saves(kb, tmp_path, uid, "同僚の最新の件名")
    with pytest.raises(ChangedSinceError):
        kb.settle_conflict(uid, "local", expected_hash=shown.current_hash)
    assert kb.require(uid)["title"] == "同僚の最新の件名"
    assert len(list_conflicts(kb)) == 1
