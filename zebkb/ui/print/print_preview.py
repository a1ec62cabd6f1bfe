"""Print preview and save-as-PDF for the reports of ``zebkb/pdf.py``.

The PDF is made off the GUI thread (a QueryOp), shown with QtPdf, saved
byte for byte (atomically, through ``pdf.write_atomic``) and printed by
rasterising each page with pdfium at the printer's resolution. Printing runs
one page per event-loop turn, so the window stays responsive and a long
fiscal-year list can be cancelled between pages.

The report fonts (HeiseiKakuGo-W5 / HeiseiMin-W3) are not embedded: pdfium
substitutes an installed Japanese font (MS Gothic/Mincho on Windows, Noto
CJK or IPA fonts on Linux).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QPointF,
    QRect,
    QSize,
    QSizeF,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import fiscal_year_label, kind_label
from zebkb.domain.dates import fiscal_year
from zebkb.domain.fields import Kind
from zebkb.service.changes import NO_CHANGES
from zebkb.ui.core.i18n import ButtonNames, bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.core.settings import DATE_STYLE

if TYPE_CHECKING:
    from zebkb.ui.core.context import AppContext

# pdfium renders a whole page into one image: A4 at 300 dpi is 35 MB, at a
# printer's 1200 dpi it would be over half a gigabyte per page. 300 dpi keeps
# text as sharp as the office printers it goes to.
MAX_PRINT_DPI = 300
ZOOM_STEP = 1.25
ZOOM_RANGE = (0.25, 4.0)
FIRST_FISCAL_YEAR = 1989  # 平成元年度: nothing older is recorded
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def show_error(parent: QWidget | None, ctx: AppContext, text: str) -> None:
    """One line in a warning box (tests replace this function)."""
    QMessageBox.warning(parent, ctx.tr.t("error.title"), text)


def suggested_file_name(title: str) -> str:
    """The report title as a file name Windows accepts."""
    name = _UNSAFE_NAME.sub("_", title).strip(" ._")[:80]
    return f"{name or 'zebkb'}.pdf"


class PrintJob(QObject):
    """Sends pages of a QPdfDocument to a QPrinter, one page per event-loop turn."""

    progressed = Signal(int, int)  # pages done, pages in all
    # Pages sent and whether the job ran to the end (False: cancelled or failed).
    finished = Signal(int, bool)
    failed = Signal(str)

    def __init__(
        self,
        document: QPdfDocument,
        printer: QPrinter,
        pages: list[int],
        *,
        unavailable: str,
        render_failed: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.printer = printer
        self.pages = pages
        self.done = 0
        self.cancelled = False
        self._painter = QPainter()
        self._unavailable = unavailable
        self._render_failed = render_failed

    def start(self) -> None:
        self.printer.setFullPage(True)
        if not self.pages or not self._painter.begin(self.printer):
            self.failed.emit(self._unavailable)
            self.finished.emit(0, False)
            return
        QTimer.singleShot(0, self._next)

    def cancel(self) -> None:
        self.cancelled = True

    def _next(self) -> None:
        if self.cancelled:
            self._end(ok=False)
            return
        page = self.pages[self.done]
        if self.done and not self.printer.newPage():
            self.failed.emit(self._unavailable)
            self._end(ok=False)
            return
        if not self._paint(page):
            self.failed.emit(self._render_failed.replace("{page}", str(page + 1)))
            self._end(ok=False)
            return
        self.done += 1
        self.progressed.emit(self.done, len(self.pages))
        if self.done < len(self.pages):
            QTimer.singleShot(0, self._next)
        else:
            self._end(ok=True)

    def _paint(self, page: int) -> bool:
        points = self.document.pagePointSize(page)
        dpi = min(self.printer.resolution(), MAX_PRINT_DPI)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        image = self.document.render(page, size)
        if image.isNull():
            return False
        # The page at its own proportions, centred on the paper: 100 % on A4.
        paper = self.printer.paperRect(QPrinter.Unit.DevicePixel)
        scale = min(paper.width() / size.width(), paper.height() / size.height())
        w, h = size.width() * scale, size.height() * scale
        target = QRect(
            round(paper.x() + (paper.width() - w) / 2),
            round(paper.y() + (paper.height() - h) / 2),
            round(w),
            round(h),
        )
        self._painter.drawImage(target, image)
        return True

    def _end(self, *, ok: bool) -> None:
        if not ok:
            self.printer.abort()
        self._painter.end()
        self.finished.emit(self.done, ok)


class PrintPreviewDialog(QDialog):
    """A report on screen: pages, zoom, save as PDF, print."""

    saved = Signal(str)  # the path written
    printed = Signal(int)  # pages sent to the printer
    failed = Signal(str)  # a message that was shown

    def __init__(
        self,
        ctx: AppContext,
        pdf: bytes | str | Path,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = title
        self.error: str | None = None
        self.job: PrintJob | None = None
        self.progress: QProgressDialog | None = None
        self._save_dir: Path | None = None
        if isinstance(pdf, bytes):
            self.data = pdf
        else:
            try:
                self.data = Path(pdf).read_bytes()
            except OSError as exc:
                self.data = b""
                self.error = user_message(exc, ctx.tr)

        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(self.data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        if self.error is None:
            self.document.load(self.buffer)
            if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() < 1:
                self.error = ctx.tr.t("print.unreadable")

        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.navigator = self.view.pageNavigator()

        self.toolbar = QToolBar(self)
        self.act_save = self._action(self.save_as_pdf, QKeySequence.StandardKey.Save)
        self.act_print = self._action(self.print_report, QKeySequence.StandardKey.Print)
        self.toolbar.addSeparator()
        self.act_previous = self._action(self.previous_page, "PgUp")
        self.page_box = QSpinBox(self)
        self.page_box.setRange(1, max(self.page_count, 1))
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(lambda n: self.go_to_page(n - 1))
        self.toolbar.addWidget(self.page_box)
        self.page_total = QLabel(self)
        self.toolbar.addWidget(self.page_total)
        self.act_next = self._action(self.next_page, "PgDown")
        self.toolbar.addSeparator()
        self.act_zoom_out = self._action(self.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.act_zoom_in = self._action(self.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self.act_fit_width = self._action(self.fit_width, None)
        self.act_fit_page = self._action(self.fit_page, None)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.navigator.currentPageChanged.connect(self._page_changed)
        if self.error is not None:
            self.message.setText(self.error)
            for action in (self.act_save, self.act_print):
                action.setEnabled(False)
        self._update_navigation()
        self.resize(820, 980)
        bind(ctx.tr, self)

    def _action(self, slot: object, shortcut: QKeySequence.StandardKey | str | None) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        self.setWindowTitle(t("print.window_title", title=self.title))
        self.act_save.setText(t("print.save"))
        self.act_print.setText(t("print.print"))
        self.act_previous.setText(t("print.previous"))
        self.act_next.setText(t("print.next"))
        self.act_zoom_out.setText(t("print.zoom_out"))
        self.act_zoom_in.setText(t("print.zoom_in"))
        self.act_fit_width.setText(t("print.fit_width"))
        self.act_fit_page.setText(t("print.fit_page"))
        self.page_total.setText(t("print.page_of", n=self.page_count))
        self.page_box.setToolTip(t("print.page"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(t("common.close"))

    # --- pages and zoom ----------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.error is None else 0

    @property
    def current_page(self) -> int:
        return self.navigator.currentPage()

    def go_to_page(self, page: int) -> None:
        if 0 <= page < self.page_count and page != self.current_page:
            self.navigator.jump(page, QPointF(), self.navigator.currentZoom())

    def previous_page(self) -> None:
        self.go_to_page(self.current_page - 1)

    def next_page(self) -> None:
        self.go_to_page(self.current_page + 1)

    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self._update_navigation()

    def _update_navigation(self) -> None:
        has_pages = self.page_count > 0
        self.act_previous.setEnabled(has_pages and self.current_page > 0)
        self.act_next.setEnabled(has_pages and self.current_page < self.page_count - 1)
        self.page_box.setEnabled(self.page_count > 1)
        for action in (self.act_zoom_in, self.act_zoom_out, self.act_fit_width, self.act_fit_page):
            action.setEnabled(has_pages)

    def zoom_in(self) -> None:
        self._set_zoom(self.view.zoomFactor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.view.zoomFactor() / ZOOM_STEP)

    def _set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(factor, ZOOM_RANGE[0]), ZOOM_RANGE[1]))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    # --- saving -------------------------------------------------------------------------------

    def ask_save_path(self) -> Path | None:
        """The file the user chose, or None (tests replace this method)."""
        folder = self._save_dir or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or Path.home()
        )
        t = self.ctx.tr.t
        name, _filter = QFileDialog.getSaveFileName(
            self,
            t("print.save"),
            str(folder / suggested_file_name(self.title)),
            f"{t('print.pdf_filter')} (*.pdf)",
        )
        return Path(name) if name else None

    def save_as_pdf(self) -> None:
        if self.error is not None:
            return
        path = self.ask_save_path()
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self._save_dir = path.parent
        from zebkb.pdf import write_atomic

        data = self.data
        QueryOp(self, lambda: write_atomic(data, path), runner=self.ctx.runner).success(
            self._saved
        ).failure(self._fail).run_in_background()

    def _saved(self, path: Path) -> None:
        self.message.setText(self.ctx.tr.t("print.saved", path=str(path)))
        self.saved.emit(str(path))

    def _fail(self, exc: BaseException | str) -> None:
        text = exc if isinstance(exc, str) else user_message(exc, self.ctx.tr)
        self.message.setText(text)
        show_error(self, self.ctx, text)
        self.failed.emit(text)

    # --- printing -----------------------------------------------------------------------------

    def new_printer(self) -> QPrinter:
        """A printer set up for the report's own page size and orientation."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        if self.page_count:
            points = self.document.pagePointSize(0)
            portrait = points.height() >= points.width()
            size = QPageSize(
                QSizeF(min(points.width(), points.height()), max(points.width(), points.height())),
                QPageSize.Unit.Point,
            )
            printer.setPageSize(size)
            printer.setPageOrientation(
                QPageLayout.Orientation.Portrait if portrait else QPageLayout.Orientation.Landscape
            )
        printer.setFromTo(1, max(self.page_count, 1))
        return printer

    def ask_printer(self) -> QPrinter | None:
        """The printer set up in the print dialog, or None (tests replace this method)."""
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(self.page_count, 1))
        dialog.setWindowTitle(self.ctx.tr.t("print.print"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return printer

    def pages_for(self, printer: QPrinter) -> list[int]:
        """Zero-based pages in print order: the chosen range, copies when the driver can't."""
        first, last = 0, self.page_count - 1
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first = max(printer.fromPage() - 1, 0)
            last = min(printer.toPage() - 1 if printer.toPage() > 0 else last, last)
        pages = list(range(first, last + 1))
        if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
            pages.reverse()
        if not printer.supportsMultipleCopies() and printer.copyCount() > 1:
            if printer.collateCopies():
                pages = pages * printer.copyCount()
            else:
                pages = [p for p in pages for _ in range(printer.copyCount())]
        return pages

    def print_report(self) -> None:
        if self.error is not None or self.job is not None:
            return
        printer = self.ask_printer()
        if printer is None:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> PrintJob:
        """Start printing; ``printed`` (or ``failed``) follows when the job ends."""
        t = self.ctx.tr.t
        self.printer = printer  # kept alive until the job ends
        job = PrintJob(
            self.document,
            printer,
            self.pages_for(printer),
            unavailable=t("print.printer_unavailable"),
            render_failed=t("print.render_failed", page="{page}"),
            parent=self,
        )
        self.job = job
        self.act_print.setEnabled(False)
        self.progress = QProgressDialog(
            t("print.printing"), t("common.cancel"), 0, len(job.pages), self
        )
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(job.cancel)
        job.progressed.connect(self._progressed)
        job.failed.connect(self._fail)
        job.finished.connect(self._print_finished)
        job.start()
        return job

    def _progressed(self, done: int, _total: int) -> None:
        if self.progress is not None:
            self.progress.setValue(done)

    def _print_finished(self, pages: int, ok: bool) -> None:
        job, self.job = self.job, None
        if self.progress is not None:
            self.progress.canceled.disconnect()
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        if job is not None:
            job.deleteLater()
        self.act_print.setEnabled(self.error is None)
        if ok:
            self.message.setText(self.ctx.tr.t("print.printed", n=pages))
            self.printed.emit(pages)
        elif job is not None and job.cancelled:
            self.message.setText(self.ctx.tr.t("print.cancelled"))

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()
        super().reject()


# --- opening a preview from the main window ------------------------------------------------------


class PreviewTask(QObject):
    """One report being made off the GUI thread; opens the preview when it is ready."""

    opened = Signal(object)  # the PrintPreviewDialog
    failed = Signal(str)  # the message shown

    def __init__(self, ctx: AppContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parent_widget = parent
        self.dialog: PrintPreviewDialog | None = None
        self._restore_cursor: Callable[[], None] = lambda: None

    def run(
        self,
        make: Callable[[], tuple[bytes, str]],
        *,
        prepare: Callable[[], object] | None = None,
    ) -> PreviewTask:
        """Make the PDF on a reader; ``prepare`` first, on the writer thread (a write it needs:
        team mode's copy of a photo into this PC's folder, zebkb/ui/core/files.py)."""
        # Making a report takes a moment (a long fiscal year about a second) and
        # cannot be stopped half way, so a busy cursor, not a cancel button.
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        busy = [True]

        def restore_cursor() -> None:
            if busy[0]:
                busy[0] = False
                QApplication.restoreOverrideCursor()

        self._restore_cursor = restore_cursor
        # The window that asked may close first: its result is then dropped, not delivered.
        self.destroyed.connect(restore_cursor)

        def start(_prepared: object = None) -> None:
            QueryOp(self, make, runner=self.ctx.runner).success(self._ready).failure(
                self._failed
            ).run_in_background()

        if prepare is None:
            start()
        else:
            CollectionOp(self, prepare, runner=self.ctx.runner).changes(NO_CHANGES).success(
                start
            ).failure(self._failed).run_in_background()
        return self

    def _ready(self, made: tuple[bytes, str]) -> None:
        self._restore_cursor()
        data, title = made
        dialog = PrintPreviewDialog(self.ctx, data, title, self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        self.opened.emit(dialog)

    def _failed(self, exc: BaseException) -> None:
        self._restore_cursor()
        text = user_message(exc, self.ctx.tr)
        show_error(self.parent_widget, self.ctx, text)
        self.failed.emit(text)


def preview_record_report(ctx: AppContext, uid: str, parent: QWidget | None) -> PreviewTask:
    """The case sheet or minutes of one record, in a preview window."""
    kb = ctx.kb

    def make() -> tuple[bytes, str]:
        from zebkb.pdf import render
        from zebkb.reports import report_for

        sheet = report_for(kb, uid, fetch=False)  # a reader: the photo is fetched before
        return render(sheet, kb.clock()), sheet.title

    def fetch() -> None:
        from zebkb.reports import fetch_photo

        fetch_photo(kb, uid)

    # Team mode: the photo may not be on this PC yet; copying it in is a write.
    return PreviewTask(ctx, parent).run(make, prepare=fetch if kb.team else None)


def preview_fiscal_year_report(
    ctx: AppContext, year: int, kind: str | None, parent: QWidget | None
) -> PreviewTask:
    """The list of one fiscal year's records (of one kind, or all), in a preview window."""
    kb = ctx.kb

    def make() -> tuple[bytes, str]:
        from zebkb.pdf import render
        from zebkb.reports import fiscal_year_list

        listing = fiscal_year_list(kb, year, kind)
        return render(listing, kb.clock()), listing.heading

    return PreviewTask(ctx, parent).run(make)


class FiscalYearDialog(QDialog):
    """Asks which fiscal year (and which kind of record) to list; starts the preview on OK."""

    started = Signal(object)  # the PreviewTask

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task: PreviewTask | None = None
        current = fiscal_year(ctx.kb.clock().date())
        self.year = QSpinBox(self)
        self.year.setRange(FIRST_FISCAL_YEAR, current + 5)
        self.year.setValue(current)
        self.era = QLabel(self)
        self.kind = QComboBox(self)
        self.kind.addItem("", None)
        for kind in Kind:
            self.kind.addItem("", kind.value)
        self.year_label, self.kind_label = QLabel(self), QLabel(self)
        form = QFormLayout()
        form.addRow(self.year_label, self.year)
        form.addRow("", self.era)
        form.addRow(self.kind_label, self.kind)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.year.valueChanged.connect(self._show_era)
        ctx.settings.changed.connect(self._setting_changed)
        self._button_names = ButtonNames(
            self.buttons,
            lambda: {
                QDialogButtonBox.StandardButton.Ok: ctx.tr.t("print.year.preview"),
                QDialogButtonBox.StandardButton.Cancel: ctx.tr.t("common.cancel"),
            },
        )
        bind(ctx.tr, self)

    def retranslate(self) -> None:
        t, lang = self.ctx.tr.t, self.ctx.tr.language
        self.setWindowTitle(t("print.year.title"))
        self.year_label.setText(t("print.year.year"))
        self.kind_label.setText(t("print.year.kind"))
        self.kind.setItemText(0, t("print.year.all_kinds"))
        for i in range(1, self.kind.count()):
            self.kind.setItemText(i, kind_label(self.kind.itemData(i), lang))
        self._button_names.apply()
        self._show_era()

    def _setting_changed(self, key: str) -> None:
        if key == DATE_STYLE.key:
            self._show_era()

    def _show_era(self) -> None:
        # Named as the window names fiscal years (令和6年度 or 2024年度).
        style = self.ctx.settings.date_style
        self.era.setText(fiscal_year_label(self.year.value(), self.ctx.tr.language, style))

    def choice(self) -> tuple[int, str | None]:
        return self.year.value(), self.kind.currentData()

    def accept(self) -> None:
        year, kind = self.choice()
        self.task = preview_fiscal_year_report(self.ctx, year, kind, self.parentWidget())
        super().accept()
        self.started.emit(self.task)


def choose_fiscal_year_report(ctx: AppContext, parent: QWidget | None) -> FiscalYearDialog:
    """Open the fiscal-year question (window-modal); OK makes and previews the list."""
    dialog = FiscalYearDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = [
    "FiscalYearDialog",
    "PreviewTask",
    "PrintJob",
    "PrintPreviewDialog",
    "choose_fiscal_year_report",
    "preview_fiscal_year_report",
    "preview_record_report",
    "suggested_file_name",
]
