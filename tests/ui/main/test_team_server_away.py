"""Team mode: the server goes away under an open window, and comes back.

The window keeps answering searches from this PC's index and says why; a save
fails in one readable line and nothing is written; once the server is back the
next action reconnects by itself. A real server, stopped as by a power cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from zebkb_main_kit import QT_LOG_IGNORE, make_ctx, open_window, search, shown_uids
from zebkb_pg_kit import open_team
from zebkb_stoppable_pg import own_server, start_again  # noqa: F401  (a fixture)
from zebkb_testing import case_record

from zebkb.store import team
from zebkb.ui.core.ops import CollectionOp

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def test_the_window_keeps_searching_and_reconnects(qtbot, own_server, tmp_path) -> None:  # noqa: F811
    url = own_server.url(own_server.create_database())
    with open_team(tmp_path / "pc", url) as kb:
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


def _answer_away_dialogs(
    answers: list[tuple[str, Callable[[], None] | None]],
) -> list[tuple[str, str, list[str]]]:
    """Answer each modal message box in turn, as a person would: ("retry" | "quit", then).

    ``then`` runs before the button is pressed (the server started again meanwhile).
    A box with no such button is closed, so a missing choice fails the test, not hangs it.
    """
    seen: list[tuple[str, str, list[str]]] = []
    pending = list(answers)

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(20, poll)
            return
        choice, then = pending.pop(0)
        seen.append(
            (
                box.windowTitle(),
                f"{box.text()}\n{box.informativeText()}",
                [b.text() for b in box.buttons()],
            )
        )
        if then is not None:
            then()
        role = (
            QMessageBox.ButtonRole.AcceptRole
            if choice == "retry"
            else QMessageBox.ButtonRole.RejectRole
        )
        button = next((b for b in box.buttons() if box.buttonRole(b) == role), None)
        if button is None:
            box.reject()
        else:
            button.click()
        if pending:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def _team_folder(server: Any, tmp_path: Path) -> tuple[Path, str]:
    url = server.url(server.create_database())
    folder = tmp_path / "pc"
    with open_team(folder, url) as kb:
        kb.set_home_ward("131229")
        kb.save(case_record(title="清掃事務所のZEB化"))
    return folder, url


def test_the_window_opens_once_the_server_is_back(qtbot, own_server, tmp_path) -> None:  # noqa: F811
    """The server is down when the window starts: a dialog names it and offers to try again.

    Tried twice while still down (the dialog comes back, nothing is written), then the
    server is started and the next try opens the window on the team's records.
    """
    from zebkb.ui.app import open_knowledge_base
    from zebkb.ui.core.i18n import Translator

    folder, url = _team_folder(own_server, tmp_path)
    before = sorted(p.name for p in folder.iterdir())
    own_server.stop()
    tr = Translator("ja")
    seen = _answer_away_dialogs(
        [("retry", None), ("retry", None), ("retry", lambda: start_again(own_server))]
    )
    kb = open_knowledge_base(folder, tr)
    assert kb is not None, seen
    try:
        assert len(seen) == 3
        server = team.shown_url(url)
        for title, text, buttons in seen:
            assert server in text  # names the server, so IT knows which one
            assert "共有データベース" in title + text
            assert buttons == [tr.t("team_away.retry"), tr.t("team_away.quit")]
            shown = title + text + "".join(buttons)
            words = set(re.findall(r"[A-Za-z]{2,}", shown.replace(server, "")))
            assert words <= {"zebkb", "PC"}, words  # no English beside the address
        assert team.database_url(folder) == url  # the folder is as it was
        assert sorted(p.name for p in folder.iterdir()) == before
        ctx = make_ctx(kb, tmp_path / "zebkb.ini")
        try:
            window = open_window(qtbot, ctx)
            search(qtbot, window, "清掃事務所")
            assert len(shown_uids(window)) == 1
        finally:
            ctx.runner.shutdown()
    finally:
        kb.close()


def test_quitting_at_the_server_away_dialog_changes_nothing(qtbot, own_server, tmp_path) -> None:  # noqa: F811
    """In English too: the dialog speaks English, and quitting leaves the folder as it was."""
    from zebkb.ui.app import open_knowledge_base
    from zebkb.ui.core.i18n import Translator

    folder, url = _team_folder(own_server, tmp_path)
    before = sorted(p.name for p in folder.iterdir())
    own_server.stop()
    tr = Translator("en")
    seen = _answer_away_dialogs([("quit", None)])
    assert open_knowledge_base(folder, tr) is None
    assert len(seen) == 1
    title, text, buttons = seen[0]
    assert team.shown_url(url) in text
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", title + text + "".join(buttons))
    assert buttons == ["Try again", "Quit"]
    assert team.database_url(folder) == url
    assert sorted(p.name for p in folder.iterdir()) == before
