"""The window and ``zebkb show`` show a record's times by one rule: this computer's time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, detail_text, open_window, select

from zebkb.cli.main import main

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def test_window_and_show_give_a_record_the_same_time(
    qtbot, ctx, kb, clock, capsys, utc_time
) -> None:
    clock.now = datetime(2025, 3, 18, 9, 15, tzinfo=timezone(timedelta(hours=9)))
    saved = kb.save(
        {"type": "visit", "title": "朝の視察", "ward": "131229", "visited_on": "2025-03-18"}
    )
    assert saved["updated_at"].endswith("+09:00")
    assert main(["--data-dir", str(kb.data_dir), "--lang", "ja", "show", saved["uid"]]) == 0
    shown = capsys.readouterr().out
    window = open_window(qtbot, ctx)
    select(qtbot, window, saved["uid"])
    in_window = detail_text(window)
    # 09:15 in Tokyo is 00:15 on this (UTC) computer: both say so.
    assert "2025年3月18日 00:15" in shown, shown
    assert "2025年3月18日 00:15" in in_window, in_window
    assert "09:15" not in shown + in_window
