"""The window and ``zebkb show`` write an attachment's size the same way (display.file_size)."""

from __future__ import annotations

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, detail_text, open_window, select

from zebkb.cli.main import main

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_window_and_show_give_an_attachment_the_same_size(
    qtbot, kb, capsys, tmp_path, lang
) -> None:
    saved = kb.save(
        {"type": "visit", "title": "資料つき", "ward": "131229", "visited_on": "2025-03-18"}
    )
    handout = tmp_path / "handout.txt"
    handout.write_bytes(b"x" * 20_480)
    kb.add_attachment(saved["uid"], handout)
    assert main(["--data-dir", str(kb.data_dir), "--lang", lang, "show", saved["uid"]]) == 0
    shown = capsys.readouterr().out
    from zebkb_main_kit import make_ctx

    context = make_ctx(kb, tmp_path / f"{lang}.ini", lang)
    try:
        window = open_window(qtbot, context)
        select(qtbot, window, saved["uid"])
        in_window = detail_text(window)
    finally:
        context.runner.shutdown()
    # 20,480 bytes: decimal units, as file managers show them, in both places.
    assert "handout.txt (20.5 kB)" in shown, shown
    assert "handout.txt (20.5 kB)" in in_window, in_window
