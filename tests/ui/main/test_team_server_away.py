"""Team mode: the server goes away under an open window, and comes back.

The window keeps answering searches from this PC's index and says why; a save
fails in one readable line and nothing is written; once the server is back the
next action reconnects by itself. A real server, stopped as by a power cut.
"""

from __future__ import annotations

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, make_ctx, open_window, search, shown_uids
from zebkb_stoppable_pg import own_server, start_again  # noqa: F401  (a fixture)
from zebkb_testing import case_record

from zebkb.service import KnowledgeBase
from zebkb.store import team
from zebkb.ui.core.ops import CollectionOp

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def test_the_window_keeps_searching_and_reconnects(qtbot, own_server, tmp_path) -> None:  # noqa: F811
    url = own_server.url(own_server.create_database())
    folder = tmp_path / "pc"
    folder.mkdir()
    team.write_database_url(folder, url)
    with KnowledgeBase.open(folder) as kb:
        kb.set_home_ward("131229")
        first = kb.save(case_record(title="清掃事務所のZEB化"))
        kb.save(case_record(title="区立小学校のZEB Ready", facility_name="区立小学校"))
        ctx = make_ctx(kb, tmp_path / "zebkb.ini")
        try:
            window = open_window(qtbot, ctx)
            search(qtbot, window, "ZEB化")
            assert shown_uids(window) == [first["uid"]]
            own_server.stop()

            search(qtbot, window, "ZEB")
            assert len(shown_uids(window)) == 2  # this PC's index and the rows it read
            assert window.statusBar().currentMessage() == ctx.tr.t("status.database_away")
            assert "共有データベース" in window.statusBar().currentMessage()

            failures: list[BaseException] = []
            op = CollectionOp(
                window,
                lambda: kb.save({**first, "title": "停止中の編集"}, expected_revision=1),
                runner=ctx.runner,
            ).failure(failures.append)
            op.run_in_background()
            qtbot.waitUntil(lambda: bool(failures), timeout=30000)
            from zebkb.ui.core.ops import user_message

            shown = user_message(failures[0], ctx.tr)
            assert "共有データベース" in shown
            assert "\n" not in shown

            start_again(own_server)
            search(qtbot, window, "区立小学校")
            assert len(shown_uids(window)) == 1
            assert not window.answer.stale
            assert kb.require(first["uid"])["title"] == "清掃事務所のZEB化"
        finally:
            ctx.runner.shutdown()
