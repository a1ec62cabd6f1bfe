"""The application around the window: first run, language switch, remembered layout,
the rendering-safety page, a refused folder, unexpected errors, and ``zebkb gui`` itself."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from zebkb_main_kit import (
    QT_LOG_IGNORE,
    detail_text,
    make_ctx,
    open_window,
    search,
    select,
    shown_uids,
)

from zebkb.service import KnowledgeBase

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

SEIBU = "7de7535c-dbb1-5bc7-8dbb-1e056b5c15d4"
SEIBU_PHOTO = "2df4b8e6e224aed17ac253534e6c4a1d04d94fd428f3ebeb8bf3fb6e4c686215"


def test_first_run_sets_the_home_ward_and_loads_the_demo(qtbot, tmp_path, clock) -> None:
    from zebkb.ui.app import start_first_run

    with KnowledgeBase.open(tmp_path / "fresh", clock=clock) as kb:
        context = make_ctx(kb, tmp_path / "s.ini")
        try:
            w = open_window(qtbot, context)
            assert shown_uids(w) == []
            dialog = start_first_run(w, context)
            ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
            assert not ok.isEnabled()  # a ward must be chosen first
            assert dialog.chooser.select("131229")
            assert dialog.load_demo
            with qtbot.waitSignal(w.searchFinished, timeout=20000):
                ok.click()
            qtbot.waitUntil(lambda: len(shown_uids(w)) == len(kb.list_records()) > 0)
            assert kb.home_ward == "131229"
            assert context.settings.first_run_done
        finally:
            context.runner.shutdown()


def test_first_run_without_demo(qtbot, tmp_path, clock) -> None:
    from zebkb.ui.app import start_first_run

    with KnowledgeBase.open(tmp_path / "fresh", clock=clock) as kb:
        context = make_ctx(kb, tmp_path / "s.ini")
        try:
            w = open_window(qtbot, context)
            dialog = start_first_run(w, context)
            dialog.chooser.filter.setText("大田")  # one ward left: chosen
            dialog.demo.setChecked(False)
            with qtbot.waitSignal(w.searchFinished, timeout=20000):
                dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
            assert kb.home_ward == "131113"
            assert kb.list_records() == []
        finally:
            context.runner.shutdown()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_first_run_names_the_folder_it_is_setting_up(qtbot, tmp_path, clock, lang) -> None:
    """A mistyped --data-dir opens a new, empty knowledge base: the first-run question says
    which folder that is, so the employee can tell and choose the right one in Settings."""
    from zebkb.ui.app import start_first_run

    folder = tmp_path / "typo"
    with KnowledgeBase.open(folder, clock=clock) as kb:
        context = make_ctx(kb, tmp_path / "s.ini", lang)
        try:
            w = open_window(qtbot, context)
            for _ in range(2):
                dialog = start_first_run(w, context)
                said = dialog.folder.text()
                assert dialog.folder.isVisibleTo(dialog)
                assert str(folder) in said
                assert context.tr.t("settings.data_dir") in said  # where to choose another
                dialog.reject()
                qtbot.waitUntil(lambda: w.dialogs.get("first_run") is None)
            assert kb.home_ward is None  # cancelled: nothing set
        finally:
            context.runner.shutdown()


def test_language_switch_keeps_search_filters_and_selection(qtbot, window) -> None:
    search(qtbot, window, "清掃")
    with qtbot.waitSignal(window.searchFinished):
        window.search_bar.add_filter("ward", "131229")
    select(qtbot, window, SEIBU)
    before = shown_uids(window)
    assert window.menus["file"].title() == "ファイル(&F)"
    english = next(a for a in window.language_group.actions() if a.data() == "en")
    english.trigger()
    assert window.ctx.settings.language == "en"
    assert window.menus["file"].title() == "&File"
    assert window.actions_by_name["delete"].text() == "Delete record"
    assert window.search_bar.query() == "清掃"
    assert window.search_bar.chips[0].text() == "Ward: Katsushika  ✕"
    assert shown_uids(window) == before
    assert window.results.current_uid() == SEIBU
    assert window.navigation.all_item.text(0).startswith("All records")
    text = detail_text(window)
    assert "Floor area (m²)" in text or "Facility" in text
    assert "Rank the figures support" in text
    header = window.results.model().headerData(1, Qt.Orientation.Horizontal)
    assert header in {"Title", "Facility"}
    window.set_language("ja")
    assert window.menus["file"].title() == "ファイル(&F)"
    assert "数値から判定されるランク" in detail_text(window)


def test_window_size_splitters_and_columns_are_remembered(qtbot, ctx, demo_kb) -> None:
    first = open_window(qtbot, ctx)
    first.resize(760, 560)  # inside the offscreen screen (800×600)
    first.splitter.setSizes([200, 560])
    first.results.horizontalHeader().resizeSection(1, 222)
    first.close()
    second = open_window(qtbot, ctx)
    assert second.size().width() == 760
    assert second.size().height() == 560
    assert second.splitter.sizes()[0] == first.splitter.sizes()[0]
    assert second.results.horizontalHeader().sectionSize(1) == 222


HOSTILE = "\n\n".join(
    [
        "# 危険なページ",
        "<script>document.title='pwned'</script>",
        "[js](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)"
        " [unc](\\\\\\\\evil-server\\\\share\\\\x.exe) [file](file:///etc/passwd)",
        "![remote](http://evil.example/track.png) ![relative](../../etc/passwd.png)"
        " ![local](file:///etc/hosts)",
        "[external](https://example.com/)",
        "<table>" * 20 + "deep" + "</table>" * 20,
        "[" * 20000,
    ]
)


def test_the_rendering_safety_page(qtbot, window, demo_kb, monkeypatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    record = demo_kb.get(SEIBU)
    saved = demo_kb.save(dict(record, body=HOSTILE))
    window.refresh()
    qtbot.waitUntil(lambda: window.results.results.row_of(saved["uid"]) is not None)
    select(qtbot, window, SEIBU)
    html = window.detail.browser.toHtml()
    lowered = html.lower()
    for bad in ("<script", "javascript:", "data:text", "file:", "evil.example", "evil-server"):
        assert f'href="{bad}' not in lowered
        assert f'src="{bad}' not in lowered
    assert "<script" not in lowered
    assert window.windowTitle() != "pwned"
    # Links that are not ours are refused with a message, and nothing is opened.
    for url in ("javascript:alert(1)", "file:///etc/passwd", "https://example.com/"):
        window.detail.browser.anchorClicked.emit(QUrl(url))
        assert "このリンクは開きません" in window.statusBar().currentMessage()
    assert opened == []
    # Our own attachment opens in the system viewer, from the local store only.
    window.detail.browser.anchorClicked.emit(QUrl(f"zkb-att:{SEIBU_PHOTO}"))
    qtbot.waitUntil(lambda: len(opened) == 1)
    assert opened[0].isLocalFile()
    assert Path(opened[0].toLocalFile()) == demo_kb.attachment_path(SEIBU_PHOTO)


def test_thumbnail_arrives_and_is_shown(qtbot, window) -> None:
    thumbs = window.ctx.thumbnailer
    with qtbot.waitSignal(thumbs.thumbnailReady, timeout=10000):
        select(qtbot, window, SEIBU)
    image = thumbs.image(SEIBU_PHOTO)
    assert image is not None
    assert not image.isNull()
    assert f"zkb-att:{SEIBU_PHOTO}" in window.detail.browser.toHtml()


def test_a_refused_folder_is_a_readable_dialog_and_exit_1(qapp, tmp_path, monkeypatch) -> None:
    from zebkb.ui.app import run

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, _title, text: shown.append(text))
    )
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    assert run(not_a_folder) == 1
    assert len(shown) == 1
    assert "ファイル" in shown[0]
    assert "\n" not in shown[0]


def test_unexpected_errors_show_a_dialog(qapp, monkeypatch) -> None:
    from zebkb.ui.app import install_excepthook
    from zebkb.ui.core.i18n import Translator

    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, _title, text: shown.append(text))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    install_excepthook(Translator("ja"))
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        sys.excepthook(RuntimeError, exc, exc.__traceback__)
    assert shown == ["予期しないエラーが発生しました（RuntimeError）。操作をやり直してください。"]


def _run_gui(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ZEBKB_DATA_DIR"}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        ZEBKB_QUIT_AFTER_MS="500",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONIOENCODING="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "zebkb", "--data-dir", str(tmp_path / "kb"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_zebkb_gui_really_starts(tmp_path) -> None:
    first = _run_gui(tmp_path, "gui")  # a new folder: the first-run dialog opens too
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    setup = subprocess.run(
        [
            sys.executable,
            "-m",
            "zebkb",
            "--data-dir",
            str(tmp_path / "kb"),
            "init",
            "--ward",
            "葛飾区",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    opened = _run_gui(tmp_path, "gui", "--open", SEIBU)
    assert opened.returncode == 0, opened.stderr
    plain = _run_gui(tmp_path)  # no command: the window too
    assert plain.returncode == 0, plain.stderr


def test_a_folder_on_a_network_share_is_a_readable_dialog(qapp, tmp_path, monkeypatch) -> None:
    from zebkb.store import netfs
    from zebkb.ui.app import run

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    share = tmp_path / "share"
    table = f"21 1 8:1 / / rw - ext4 /dev/sda1 rw\n30 21 0:30 / {share} rw - cifs //fs/zeb rw\n"
    monkeypatch.setattr(netfs, "_read_mountinfo", lambda: table)
    monkeypatch.setattr(netfs.sys, "platform", "linux")
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, _title, text: shown.append(text))
    )
    assert run(share / "zebkb") == 1
    assert len(shown) == 1
    assert "ネットワーク上のフォルダ" in shown[0]
    assert "チームモード" in shown[0]
    assert "\n" not in shown[0]
    assert not (share / "zebkb").exists()


def test_a_language_asked_for_opens_the_window_in_it_for_this_run(
    qapp, tmp_path, monkeypatch
) -> None:
    """`zebkb --lang en gui` (or $ZEBKB_LANG) opens an English window; the saved choice stays."""
    from zebkb.cli import main as cli_main
    from zebkb.ui import app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("ZEBKB_LANG", raising=False)
    asked: list[str | None] = []
    monkeypatch.setattr(
        app, "run", lambda _d, open_uid=None, language=None: asked.append(language) or 0
    )
    data = str(tmp_path / "kb")
    assert cli_main.main(["--data-dir", data, "--lang", "en", "gui"]) == 0
    assert cli_main.main(["--data-dir", data, "--lang", "ja"]) == 0  # no command: the window
    assert cli_main.main(["--data-dir", data, "gui"]) == 0
    monkeypatch.setenv("ZEBKB_LANG", "en")
    assert cli_main.main(["--data-dir", data, "gui"]) == 0
    assert asked == ["en", "ja", None, "en"]


def test_the_window_speaks_the_language_it_was_given(qapp, tmp_path, monkeypatch) -> None:
    from zebkb.ui.app import run
    from zebkb.ui.core.settings import Settings, default_settings_path

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, _title, text: shown.append(text))
    )
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    assert run(not_a_folder, language="en") == 1
    assert len(shown) == 1
    assert "file" in shown[0]
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", shown[0])
    assert Settings(default_settings_path()).language == "ja"  # the saved choice is untouched
