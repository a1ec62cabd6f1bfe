"""Print preview, save as PDF and printing (zebkb/ui/print/print_preview.py) on the demo data."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from zebkb_main_kit import QT_LOG_IGNORE, open_window, select

from zebkb import pdf
from zebkb.reports import FiscalYearList, report_for
from zebkb.ui.print import print_preview
from zebkb.ui.print.print_preview import (
    FiscalYearDialog,
    PrintPreviewDialog,
    preview_fiscal_year_report,
    preview_record_report,
    suggested_file_name,
)

pytestmark = QT_LOG_IGNORE


@pytest.fixture
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes stubbed: the texts they would have shown."""
    texts: list[str] = []
    monkeypatch.setattr(print_preview, "show_error", lambda parent, ctx, text: texts.append(text))
    return texts


@pytest.fixture
def host(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def first_uid(kb: Any, kind: str) -> str:
    return kb.list_records(kind=kind)[0].uid


def open_preview(qtbot: Any, task: Any) -> PrintPreviewDialog:
    with qtbot.waitSignal(task.opened, timeout=10_000) as blocker:
        pass
    dialog = blocker.args[0]
    qtbot.addWidget(dialog)
    return dialog


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def long_list_pdf(rows: int = 160) -> bytes:
    listing = FiscalYearList(
        fiscal_year=2024,
        kind=None,
        heading="令和6年度（FY2024）事例・視察記録・勉強会・研修 一覧",
        columns=("日付", "件名", "区", "種別"),
        rows=tuple(
            (f"2024-05-{i % 28 + 1:02d}", f"試験記録 {i} 番 省エネ改修の視察", "品川区", "事例")
            for i in range(rows)
        ),
        uids=tuple(f"uid-{i}" for i in range(rows)),
    )
    return pdf.fiscal_year_list_pdf(listing)


def pdf_printer(path: Path, dpi: int = 60) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    # Low resolution keeps the test quick; the path through the code is the same.
    printer.setResolution(dpi)
    return printer


# --- opening ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["case", "visit", "session"])
def test_preview_opens_for_each_kind_of_record(qtbot, ctx, demo_kb, host, kind) -> None:
    uid = first_uid(demo_kb, kind)
    dialog = open_preview(qtbot, preview_record_report(ctx, uid, host))
    sheet = report_for(demo_kb, uid)
    assert dialog.error is None
    assert dialog.parent() is host
    assert dialog.isVisible()
    # The very PDF the report command writes (reportlab builds it invariant).
    assert dialog.data == pdf.render(sheet, demo_kb.clock())
    assert dialog.page_count == len(pypdf.PdfReader(io.BytesIO(dialog.data)).pages) >= 1
    assert sheet.title in dialog.windowTitle()
    assert sheet.title[:10] in pdf_text(dialog.data).replace("\n", "")
    assert dialog.view.document() is dialog.document
    if kind == "case":
        assert dialog.page_count == 1  # the case sheet is one A4 page, always


def test_preview_page_renders_with_ink(qtbot, ctx, demo_kb, host) -> None:
    dialog = open_preview(qtbot, preview_record_report(ctx, first_uid(demo_kb, "case"), host))
    points = dialog.document.pagePointSize(0)
    assert round(points.width()) == 595
    assert round(points.height()) == 842
    image = dialog.document.render(0, QSize(298, 421))
    assert not image.isNull()
    dark = sum(
        1
        for y in range(0, image.height(), 3)
        for x in range(0, image.width(), 3)
        if QColor(image.pixel(x, y)).lightness() < 128
    )
    assert dark > 50  # text and rules, not a blank page


def test_fiscal_year_dialog_defaults_to_the_current_year_and_opens_the_list(
    qtbot, ctx, demo_kb, host
) -> None:
    # The test clock says 18 March 2025: still fiscal year 2024.
    dialog = FiscalYearDialog(ctx, host)
    qtbot.addWidget(dialog)
    assert dialog.choice() == (2024, None)
    assert dialog.era.text() == "2024年度"  # the window's date style (western by default)
    ctx.settings.date_style = "japanese"
    assert dialog.era.text() == "令和6年度"
    with qtbot.waitSignal(dialog.started) as started:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    preview = open_preview(qtbot, started.args[0])
    assert preview.error is None
    assert "2024" in preview.title
    text = pdf_text(preview.data).replace("\n", "")
    expected = demo_kb.list_records(fiscal_year=2024)
    assert expected
    for summary in expected:
        assert summary.title[:8] in text


def test_fiscal_year_preview_button_keeps_its_name_after_a_switch(qtbot, qapp, ctx, host) -> None:
    """Qt renames its standard buttons on a switch (OK); プレビュー must come back."""
    from zebkb.ui.core.i18n import QtTexts

    texts = QtTexts(ctx.tr, qapp)
    try:
        dialog = FiscalYearDialog(ctx, host)
        qtbot.addWidget(dialog)
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        assert ok.text() == "プレビュー"
        ctx.tr.set_language("en")
        qtbot.wait(50)
        ctx.tr.set_language("ja")
        qtbot.wait(50)
        assert ok.text() == "プレビュー"
    finally:
        texts.apply("en")


def test_fiscal_year_list_of_one_kind(qtbot, ctx, demo_kb, host) -> None:
    visits = demo_kb.list_records(fiscal_year=2024, kind="visit")
    others = [s for s in demo_kb.list_records(fiscal_year=2024) if s.type != "visit"]
    assert visits
    assert others
    dialog = FiscalYearDialog(ctx, host)
    qtbot.addWidget(dialog)
    dialog.year.setValue(2024)
    dialog.kind.setCurrentIndex(dialog.kind.findData("visit"))
    assert dialog.choice() == (2024, "visit")
    with qtbot.waitSignal(dialog.started) as started:
        dialog.accept()
    text = pdf_text(open_preview(qtbot, started.args[0]).data).replace("\n", "")
    assert all(s.title[:8] in text for s in visits)
    assert not any(s.title[:8] in text for s in others)


def test_fiscal_year_dialog_cancel_makes_nothing(qtbot, ctx, host) -> None:
    dialog = FiscalYearDialog(ctx, host)
    qtbot.addWidget(dialog)
    with qtbot.assertNotEmitted(dialog.started):
        dialog.reject()
    assert dialog.task is None


# --- errors are shown, not raised -------------------------------------------------------------


def test_unknown_record_shows_a_message(qtbot, ctx, demo_kb, host, shown_errors) -> None:
    task = preview_record_report(ctx, "no-such-uid", host)
    with qtbot.waitSignal(task.failed) as failed:
        pass
    assert shown_errors == [failed.args[0]]
    assert "no-such-uid" in failed.args[0]
    assert "\n" not in failed.args[0]
    assert "Traceback" not in failed.args[0]
    assert task.dialog is None


def test_bad_fiscal_year_kind_shows_a_message(qtbot, ctx, demo_kb, host, shown_errors) -> None:
    task = preview_fiscal_year_report(ctx, 2024, "memo", host)
    with qtbot.waitSignal(task.failed) as failed:
        pass
    assert shown_errors == [failed.args[0]]
    assert "memo" in failed.args[0]


@pytest.mark.parametrize("source", [b"not a pdf at all", b"", "missing.pdf"])
def test_unreadable_pdf_is_shown_in_the_dialog(qtbot, ctx, tmp_path, source) -> None:
    if isinstance(source, str):
        source = tmp_path / source
    dialog = PrintPreviewDialog(ctx, source, "壊れた帳票")
    qtbot.addWidget(dialog)
    assert dialog.error
    assert dialog.message.text() == dialog.error
    assert dialog.page_count == 0
    assert not dialog.act_save.isEnabled()
    assert not dialog.act_print.isEnabled()
    assert not dialog.act_next.isEnabled()


def test_preview_from_a_file_path(qtbot, ctx, tmp_path) -> None:
    data = long_list_pdf(20)
    path = tmp_path / "list.pdf"
    path.write_bytes(data)
    dialog = PrintPreviewDialog(ctx, path, "一覧")
    qtbot.addWidget(dialog)
    assert dialog.error is None
    assert dialog.data == data


# --- saving ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo_kb")
def test_save_writes_the_same_bytes(qtbot, ctx, host, tmp_path, monkeypatch) -> None:
    dialog = open_preview(qtbot, preview_record_report(ctx, first_uid(ctx.kb, "visit"), host))
    out = tmp_path / "out"
    out.mkdir()
    # No suffix typed: .pdf is added.
    monkeypatch.setattr(dialog, "ask_save_path", lambda: out / "視察記録")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.act_save.trigger()
    written = Path(saved.args[0])
    assert written == out / "視察記録.pdf"
    assert written.read_bytes() == dialog.data
    assert sorted(p.name for p in out.iterdir()) == ["視察記録.pdf"]  # no temporary left
    assert str(written) in dialog.message.text()


def test_save_cancelled_writes_nothing(qtbot, ctx, tmp_path, monkeypatch) -> None:
    dialog = PrintPreviewDialog(ctx, long_list_pdf(5), "一覧")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_save_path", lambda: None)
    with qtbot.assertNotEmitted(dialog.saved), qtbot.assertNotEmitted(dialog.failed):
        dialog.save_as_pdf()
    assert not ctx.runner.busy


def test_save_into_a_missing_folder_shows_a_message(
    qtbot, ctx, tmp_path, monkeypatch, shown_errors
) -> None:
    dialog = PrintPreviewDialog(ctx, long_list_pdf(5), "一覧")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_save_path", lambda: tmp_path / "nowhere" / "a.pdf")
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.save_as_pdf()
    assert shown_errors == [failed.args[0]]
    assert "nowhere" in failed.args[0]
    assert not (tmp_path / "nowhere").exists()


def test_suggested_file_names_are_safe() -> None:
    assert suggested_file_name("品川区 事例シート") == "品川区 事例シート.pdf"
    assert suggested_file_name('a/b\\c:d*e?"f<g>h|') == "a_b_c_d_e_f_g_h.pdf"
    assert suggested_file_name("...") == "zebkb.pdf"
    assert len(suggested_file_name("長" * 300)) == 84


# --- pages and zoom ---------------------------------------------------------------------------


def test_page_navigation_and_zoom(qtbot, ctx) -> None:
    data = long_list_pdf()
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    assert pages >= 3
    dialog = PrintPreviewDialog(ctx, data, "一覧")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.page_count == pages
    assert dialog.current_page == 0
    assert not dialog.act_previous.isEnabled()
    assert dialog.act_next.isEnabled()
    with qtbot.waitSignal(dialog.navigator.currentPageChanged):
        dialog.act_next.trigger()
    assert dialog.current_page == 1
    assert dialog.page_box.value() == 2
    with qtbot.waitSignal(dialog.navigator.currentPageChanged):
        dialog.page_box.setValue(pages)
    assert dialog.current_page == pages - 1
    assert not dialog.act_next.isEnabled()
    assert dialog.act_previous.isEnabled()
    with qtbot.waitSignal(dialog.navigator.currentPageChanged):
        dialog.act_previous.trigger()
    assert dialog.current_page == pages - 2

    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    dialog.view.setZoomFactor(1.0)
    dialog.act_zoom_in.trigger()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert dialog.view.zoomFactor() == pytest.approx(1.25)
    for _ in range(20):
        dialog.act_zoom_out.trigger()
    assert dialog.view.zoomFactor() == pytest.approx(print_preview.ZOOM_RANGE[0])
    dialog.act_fit_page.trigger()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView


def test_texts_follow_the_language(qtbot, ctx) -> None:
    dialog = PrintPreviewDialog(ctx, long_list_pdf(5), "一覧")
    qtbot.addWidget(dialog)
    assert dialog.act_save.text() == "PDFとして保存…"
    ctx.tr.set_language("en")
    assert dialog.act_save.text() == "Save as PDF…"
    assert dialog.windowTitle() == "Print preview: 一覧"


# --- printing ----------------------------------------------------------------------------------


def test_print_to_a_pdf_file_gives_every_page(qtbot, ctx, tmp_path) -> None:
    data = long_list_pdf()
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    dialog = PrintPreviewDialog(ctx, data, "一覧")
    qtbot.addWidget(dialog)
    out = tmp_path / "printed.pdf"
    with qtbot.waitSignal(dialog.printed, timeout=20_000) as printed:
        dialog.print_to(pdf_printer(out))
    assert printed.args == [pages]
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == pages
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595
    assert round(float(box.height)) == 842
    assert dialog.job is None
    assert dialog.act_print.isEnabled()


def test_print_through_the_dialog_with_a_page_range(qtbot, ctx, tmp_path, monkeypatch) -> None:
    dialog = PrintPreviewDialog(ctx, long_list_pdf(), "一覧")
    qtbot.addWidget(dialog)
    assert dialog.page_count >= 3
    out = tmp_path / "range.pdf"

    def chosen() -> QPrinter:
        printer = dialog.new_printer()  # what the real dialog starts from
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(60)
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        return printer

    monkeypatch.setattr(dialog, "ask_printer", chosen)
    with qtbot.waitSignal(dialog.printed, timeout=20_000) as printed:
        dialog.act_print.trigger()
    assert printed.args == [2]
    assert len(pypdf.PdfReader(out).pages) == 2


def test_print_dialog_cancelled_prints_nothing(qtbot, ctx, monkeypatch) -> None:
    dialog = PrintPreviewDialog(ctx, long_list_pdf(5), "一覧")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_printer", lambda: None)
    dialog.print_report()
    assert dialog.job is None


def test_printing_can_be_cancelled_between_pages(qtbot, ctx, tmp_path) -> None:
    dialog = PrintPreviewDialog(ctx, long_list_pdf(), "一覧")
    qtbot.addWidget(dialog)
    job = dialog.print_to(pdf_printer(tmp_path / "cancelled.pdf"))
    job.progressed.connect(lambda done, total: job.cancel())
    with (
        qtbot.assertNotEmitted(dialog.printed),
        qtbot.waitSignal(job.finished, timeout=20_000) as finished,
    ):
        pass
    assert finished.args == [1, False]
    assert dialog.message.text() == ctx.tr.t("print.cancelled")
    assert dialog.job is None


@pytest.mark.qt_log_ignore("QPainter::begin", "QPdfWriter", "QPrinter")
def test_a_printer_that_cannot_start_shows_a_message(qtbot, ctx, tmp_path, shown_errors) -> None:
    dialog = PrintPreviewDialog(ctx, long_list_pdf(5), "一覧")
    qtbot.addWidget(dialog)
    with qtbot.assertNotEmitted(dialog.printed), qtbot.waitSignal(dialog.failed) as failed:
        dialog.print_to(pdf_printer(tmp_path / "no" / "such" / "folder.pdf"))
    assert failed.args[0] == ctx.tr.t("print.printer_unavailable")
    assert shown_errors == [failed.args[0]]
    assert dialog.act_print.isEnabled()
    assert dialog.job is None


def test_copies_and_order_when_the_driver_cannot_copy(qtbot, ctx, monkeypatch) -> None:
    dialog = PrintPreviewDialog(ctx, long_list_pdf(), "一覧")
    qtbot.addWidget(dialog)
    n = dialog.page_count
    printer = QPrinter()
    monkeypatch.setattr(printer, "supportsMultipleCopies", lambda: False)
    printer.setCopyCount(2)
    printer.setCollateCopies(True)
    assert dialog.pages_for(printer) == list(range(n)) * 2
    printer.setCollateCopies(False)
    assert dialog.pages_for(printer) == [p for p in range(n) for _ in (0, 1)]
    printer.setCopyCount(1)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert dialog.pages_for(printer) == list(reversed(range(n)))


# --- the main window --------------------------------------------------------------------------


def test_main_window_menu_opens_the_selected_record(qtbot, ctx, demo_kb, monkeypatch) -> None:
    window = open_window(qtbot, ctx)
    action = window.actions_by_name["print_preview"]
    assert action.shortcut().toString() == "Ctrl+P"
    assert action in window.menus["file"].actions()
    assert window.actions_by_name["print_year"] in window.menus["file"].actions()

    tasks: list[Any] = []
    real = print_preview.preview_record_report
    monkeypatch.setattr(
        print_preview,
        "preview_record_report",
        lambda c, uid, parent: tasks.append(real(c, uid, parent)) or tasks[-1],
    )
    uid = window.results.results.uids()[0]
    select(qtbot, window, uid)
    action.trigger()
    dialog = open_preview(qtbot, tasks[0])
    assert dialog.parent() is window
    assert dialog.data == pdf.render(report_for(demo_kb, uid), demo_kb.clock())


def test_main_window_print_without_a_selection(qtbot, ctx, demo_kb, monkeypatch) -> None:
    window = open_window(qtbot, ctx)
    window.results.clearSelection()
    window.results.setCurrentIndex(window.results.model().index(-1, -1))
    window.detail.clear()
    monkeypatch.setattr(
        print_preview, "preview_record_report", lambda *a: pytest.fail("nothing is selected")
    )
    window.actions_by_name["print_preview"].trigger()
    assert window.statusBar().currentMessage() == ctx.tr.t("status.select_record_to_print")


def test_main_window_fiscal_year_action_asks_first(qtbot, ctx, demo_kb) -> None:
    window = open_window(qtbot, ctx)
    window.actions_by_name["print_year"].trigger()
    dialog = window.dialogs["print_year"]
    assert isinstance(dialog, FiscalYearDialog)
    assert dialog.isVisible()
    assert dialog.choice() == (2024, None)
    with qtbot.waitSignal(dialog.started) as started:
        dialog.accept()
    preview = open_preview(qtbot, started.args[0])
    assert preview.parent() is window


def test_main_window_without_qtpdf_says_not_available(qtbot, ctx, demo_kb, monkeypatch) -> None:
    window = open_window(qtbot, ctx)
    select(qtbot, window, window.results.results.uids()[0])
    # A frozen build that left QtPdf out: importing the module fails.
    monkeypatch.setitem(sys.modules, "zebkb.ui.print.print_preview", None)
    for name in ("print_preview", "print_year"):
        window.statusBar().clearMessage()
        window.actions_by_name[name].trigger()
        assert window.statusBar().currentMessage() == ctx.tr.t("status.not_available")
