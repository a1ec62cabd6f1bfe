"""Team mode: a file this PC has no copy of yet is fetched by the window's writer, not a reader.

Copying a team file into the data folder is a write (zebkb/service/attachments.py);
the window's reader threads never write (zebkb/ui/core/ops.py). Opening the file,
saving a copy of it, its thumbnail and the case sheet's photo each look for this
PC's copy on a reader, and only a missing one is fetched on the writer thread
(zebkb/ui/core/files.py), then used as before.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from zebkb_main_kit import QT_LOG_IGNORE, open_window

import zebkb.ui.main.detail as detail_module
from zebkb.service import attachments

pytestmark = [
    pytest.mark.gui,
    QT_LOG_IGNORE,
    pytest.mark.parametrize("engine_name", ["postgresql"]),
]

SEIBU = "7de7535c-dbb1-5bc7-8dbb-1e056b5c15d4"  # 葛飾区清掃事務所 (case, one PNG)


@pytest.fixture
def fetches(demo_kb, monkeypatch) -> list[str]:
    """The threads that fetched a team file; this PC's copy of SEIBU's picture removed."""
    threads: list[str] = []
    real = attachments.fetch_shared

    def fetch_shared(kb, digest, **how):
        threads.append(threading.current_thread().name)
        return real(kb, digest, **how)

    monkeypatch.setattr(attachments, "fetch_shared", fetch_shared)
    (att,) = demo_kb.require(SEIBU)["attachments"]
    demo_kb.files.path(att["sha256"]).unlink()
    return threads


def picture(demo_kb) -> str:
    (att,) = demo_kb.require(SEIBU)["attachments"]
    return str(att["sha256"])


def fetched_here(demo_kb) -> bytes:
    path = demo_kb.files.path(picture(demo_kb))
    assert path.is_file()
    return path.read_bytes()


def test_opening_a_file_not_here_fetches_it_on_the_writer(
    qtbot, ctx, demo_kb, fetches, monkeypatch, engine_name
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        detail_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile())
    )
    window = open_window(qtbot, ctx)
    said: list[str] = []
    window.detail.notice.connect(said.append)
    window.detail.open_attachment(picture(demo_kb))
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=30000)
    assert fetches == ["zebkb-write_0"]
    assert opened == [str(demo_kb.files.path(picture(demo_kb)))]
    assert fetched_here(demo_kb).startswith(b"\x89PNG")
    # The writer may be busy a while (a colleague-sized import): the person is told why.
    assert said == ["共有データベースから添付ファイルを取り出しています…"]
    # The copy is here now: opening again reads it, nothing is fetched.
    window.detail.open_attachment(picture(demo_kb))
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=30000)
    assert fetches == ["zebkb-write_0"]
    assert len(said) == 1


def test_saving_a_copy_of_a_file_not_here_fetches_it_on_the_writer(
    qtbot, ctx, demo_kb, fetches, monkeypatch, tmp_path, engine_name
) -> None:
    out = tmp_path / "copy" / "外観.png"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), ""))
    window = open_window(qtbot, ctx)
    with qtbot.waitSignal(
        window.detail.notice,
        timeout=30000,
        check_params_cb=lambda text: text.startswith("保存しました"),
    ):
        window.detail.save_attachment_as(picture(demo_kb))
    assert fetches == ["zebkb-write_0"]
    assert out.read_bytes() == fetched_here(demo_kb)


def test_a_thumbnail_of_a_file_not_here_is_fetched_on_the_writer(
    qtbot, ctx, demo_kb, fetches, engine_name
) -> None:
    sha = picture(demo_kb)
    ctx.thumbnailer._cache.folder = Path(ctx.thumbnailer._cache.folder.parent / "no-thumbs")
    with qtbot.waitSignal(ctx.thumbnailer.thumbnailReady, timeout=30000) as ready:
        assert ctx.thumbnailer.image(sha) is None
    assert ready.args[0] == sha
    assert not ready.args[1].isNull()
    assert ready.args[1].width() > 0
    assert fetches == ["zebkb-write_0"]
    assert fetched_here(demo_kb).startswith(b"\x89PNG")


def test_a_case_sheet_fetches_its_photo_on_the_writer(
    qtbot, ctx, demo_kb, fetches, engine_name
) -> None:
    from zebkb.reports import report_for
    from zebkb.ui.print.print_preview import preview_record_report

    window = open_window(qtbot, ctx)
    task = preview_record_report(ctx, SEIBU, window)
    with qtbot.waitSignal(task.opened, timeout=60000):
        pass
    assert fetches == ["zebkb-write_0"]
    fetched_here(demo_kb)
    sheet = report_for(demo_kb, SEIBU, fetch=False)
    assert sheet.photo is not None  # the sheet shown had the photo, now on this PC
    task.dialog.close()


def test_the_export_estimate_counts_the_team_files_this_pc_has_not_opened(
    demo_kb, fetches, tmp_path, engine_name
) -> None:
    """The export fetches them and carries them: the estimate must count them too."""
    from zebkb.ui.exchange.export_dialog import ExportChoice, estimate_export

    def estimate(include: bool):
        choice = ExportChoice("all", None, None, (), include, None, tmp_path / "out.zebkb")
        return estimate_export(demo_kb, choice)

    with_files, without = estimate(True), estimate(False)
    records = [demo_kb.require(r.uid) for r in demo_kb.list_records()]
    total = {a["sha256"] for r in records for a in r.get("attachments") or []}
    assert with_files.attachments == len(total)
    assert with_files.size - without.size >= demo_kb.require(SEIBU)["attachments"][0]["size"]
    assert fetches == []  # estimating writes nothing
    result = demo_kb.export_bundle(tmp_path / "out.zebkb")
    assert result.attachments == with_files.attachments


def test_a_copy_that_cannot_be_made_is_said_not_called_missing(
    qtbot, ctx, demo_kb, fetches, monkeypatch, engine_name
) -> None:
    import errno

    import zebkb.filestore

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zebkb.filestore.os, "fsync", full)
    window = open_window(qtbot, ctx)
    with qtbot.waitSignal(ctx.runner.failureShown, timeout=30000) as shown:
        window.detail.open_attachment(picture(demo_kb))
    assert "書き込めません" in shown.args[0]
    assert "見つかりません" not in shown.args[0]
