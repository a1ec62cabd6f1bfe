"""Attachment thumbnails, made in the background with Pillow and cached by SHA-256.

Photos arrive from other wards, so an image is untrusted input: it is opened
only through zebkb/images.py (an allow-list of formats, decoded at the size
needed, refused beyond a memory budget), its EXIF orientation is honoured
(phones store portrait photos sideways), an image too large to decode
becomes a "too large to preview" tile and any other file a "cannot preview"
tile. The cache under
``<data_dir>/thumbs/`` can be deleted at any time and is rebuilt on demand.
"""

from __future__ import annotations

import io
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

from zebkb.images import ImageRefused, Refusal, reduced_image
from zebkb.service.changes import NO_CHANGES
from zebkb.ui.core.i18n import Translator
from zebkb.ui.core.ops import CollectionOp, OpRunner, QueryOp

log = logging.getLogger(__name__)

THUMB_SIZE = 256
# A file the team's database could not give (the server away) is asked for again after
# this long, when the pane next wants its picture: not on every repaint, not never.
FETCH_RETRY_S = 30.0
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ThumbStatus(StrEnum):
    OK = "ok"
    TOO_LARGE = "too_large"  # decoding would take more memory than zebkb.images allows
    UNREADABLE = "unreadable"  # not an image Pillow can read, or a damaged one


@dataclass(frozen=True, slots=True)
class ThumbResult:
    status: ThumbStatus
    png: bytes | None = None
    width: int = 0
    height: int = 0


def make_thumbnail(source: Path | bytes, size: int = THUMB_SIZE) -> ThumbResult:
    """A PNG no larger than ``size``×``size``, upright; never raises for bad input."""
    try:
        upright = reduced_image(source, size)
    except ImageRefused as exc:
        log.info("cannot make a thumbnail: %s", exc)
        if exc.reason is Refusal.TOO_LARGE:
            return ThumbResult(ThumbStatus.TOO_LARGE)
        return ThumbResult(ThumbStatus.UNREADABLE)
    out = io.BytesIO()
    upright.save(out, format="PNG")
    return ThumbResult(ThumbStatus.OK, out.getvalue(), upright.width, upright.height)


# A PDF's first page is drawn by Qt's own PDF module (QtPdf, in PySide6-Addons, which
# zebkb already depends on): pypdf reads text but cannot render. Bigger files are not
# drawn: rendering runs in this process and cannot be interrupted.
PDF_THUMB_MAX_BYTES = 30 * 1000 * 1000


def _is_pdf(source: Path) -> bool:
    try:
        with source.open("rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False


def pdf_thumbnail(source: Path, size: int = THUMB_SIZE) -> ThumbResult:
    """The first page of a PDF as a PNG no larger than ``size``×``size``; never raises."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    try:
        if source.stat().st_size > PDF_THUMB_MAX_BYTES:
            return ThumbResult(ThumbStatus.TOO_LARGE)
    except OSError:
        return ThumbResult(ThumbStatus.UNREADABLE)
    document = QPdfDocument()
    try:
        if document.load(str(source)) != QPdfDocument.Error.None_ or document.pageCount() < 1:
            return ThumbResult(ThumbStatus.UNREADABLE)
        page = document.pagePointSize(0)
        if page.width() <= 0 or page.height() <= 0:
            return ThumbResult(ThumbStatus.UNREADABLE)
        scale = size / max(page.width(), page.height())
        target = QSize(max(1, round(page.width() * scale)), max(1, round(page.height() * scale)))
        image = document.render(0, target)
        if image.isNull():
            return ThumbResult(ThumbStatus.UNREADABLE)
        # A page is transparent where nothing is drawn: put it on paper white.
        paper = QImage(image.size(), QImage.Format.Format_RGB32)
        paper.fill(QColor("white"))
        painter = QPainter(paper)
        painter.drawImage(0, 0, image)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        paper.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; str works
        buffer.close()
        return ThumbResult(ThumbStatus.OK, bytes(data.data()), paper.width(), paper.height())
    finally:
        document.close()
        document.deleteLater()


class ThumbnailCache:
    """``<data_dir>/thumbs/<sha256>-<size>.png``; derived data, safe to delete."""

    def __init__(self, data_dir: Path | str, *, writable: bool = True) -> None:
        self.folder = Path(data_dir) / "thumbs"
        # A read-only knowledge base folder is read from, never written to (not even a cache).
        self.writable = writable

    def path_for(self, sha256: str, size: int = THUMB_SIZE) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.folder / f"{sha256}-{size}.png"

    def load(self, sha256: str, size: int = THUMB_SIZE) -> bytes | None:
        try:
            return self.path_for(sha256, size).read_bytes()
        except FileNotFoundError:
            return None

    def store(self, sha256: str, png: bytes, size: int = THUMB_SIZE) -> None:
        target = self.path_for(sha256, size)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_bytes(png)
        os.replace(temporary, target)

    def thumbnail(self, sha256: str, source: Path, size: int = THUMB_SIZE) -> ThumbResult:
        """From the cache, or made from ``source`` and cached. A damaged cache
        file is remade rather than shown."""
        cached = self.load(sha256, size)
        if cached is not None:
            result = make_thumbnail(cached, size)
            if result.status is ThumbStatus.OK:
                return ThumbResult(ThumbStatus.OK, cached, result.width, result.height)
        result = pdf_thumbnail(source, size) if _is_pdf(source) else make_thumbnail(source, size)
        if result.status is ThumbStatus.OK and result.png is not None and self.writable:
            try:
                self.store(sha256, result.png, size)
            except OSError as exc:
                # The cache is an optimisation; a read-only folder still shows thumbnails.
                log.info("thumbnail cache not written: %s", exc)
        return result


def cannot_preview_tile(text: str, size: int = THUMB_SIZE) -> QImage:
    """A grey tile with a short message, drawn by Qt so Japanese text renders."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(QColor("#eeeeee"))
    painter = QPainter(image)
    try:
        painter.setPen(QPen(QColor("#bbbbbb"), 2))
        painter.drawRect(1, 1, size - 3, size - 3)
        font = QFont()
        font.setPixelSize(max(10, size // 14))
        painter.setFont(font)
        painter.setPen(QColor("#555555"))
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(QRect(8, 8, size - 16, size - 16), int(flags), text)
    finally:
        painter.end()
    return image


class _NotHere:
    """A file this PC has no copy of yet, which the team's database may have."""


_NOT_HERE = _NotHere()


class Thumbnailer(QObject):
    """Thumbnails for the window: memory → disk cache → Pillow on the reader pool.

    ``image(sha)`` answers at once from memory (or None) and, when needed,
    starts the work; ``thumbnailReady`` says when an image has arrived, so a
    pane can re-render. It fits ``SafeTextBrowser``'s resolver.

    ``source_for`` finds this PC's copy of a file and writes nothing (it runs on
    a reader). ``fetch``, in team mode, copies a file this PC does not have yet
    from the team's database; that writes into the data folder, so it runs on
    the writer thread (zebkb/ui/core/files.py), and the thumbnail is then made
    on a reader as usual.
    """

    thumbnailReady = Signal(str, QImage)

    def __init__(
        self,
        runner: OpRunner,
        cache: ThumbnailCache,
        source_for: Callable[[str], Path | None],
        translator: Translator,
        *,
        fetch: Callable[[str], Path | None] | None = None,
        size: int = THUMB_SIZE,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._cache = cache
        self._source_for = source_for
        self._fetch = fetch
        self._clock = clock
        # Tiles of files whose fetch failed, and when to ask for them again.
        self._retry_at: dict[str, float] = {}
        self._tr = translator
        self._size = size
        self._images: dict[str, QImage] = {}
        self._pending: set[str] = set()

    def image(self, sha256: str) -> QImage | None:
        known = self._images.get(sha256)
        retry_at = self._retry_at.get(sha256)
        if known is not None and (retry_at is None or self._clock() < retry_at):
            return known
        if retry_at is not None:
            del self._images[sha256], self._retry_at[sha256]
        if sha256 not in self._pending and _SHA256.fullmatch(sha256):
            self._pending.add(sha256)
            QueryOp(self, lambda: self._make(sha256), runner=self._runner).success(
                lambda result: self._made(sha256, result)
            ).failure(lambda exc: self._arrived(sha256, None)).run_in_background()
        return None

    def _make(self, sha256: str) -> ThumbResult | _NotHere | None:
        source = self._source_for(sha256)
        if source is None:
            return _NOT_HERE if self._fetch is not None else None
        return self._cache.thumbnail(sha256, source, self._size)

    def _made(self, sha256: str, result: ThumbResult | _NotHere | None) -> None:
        fetch = self._fetch
        if not isinstance(result, _NotHere) or fetch is None:
            self._arrived(sha256, result if isinstance(result, ThumbResult) else None)
            return
        CollectionOp(self, lambda: fetch(sha256), runner=self._runner).changes(NO_CHANGES).success(
            lambda path: self._fetched(sha256, path)
        ).failure(lambda exc: self._unreachable(sha256)).run_in_background()

    def _unreachable(self, sha256: str) -> None:
        """The team's database could not give the file: said, and asked again later."""
        self._arrived(sha256, None, key="thumb.away")
        self._retry_at[sha256] = self._clock() + FETCH_RETRY_S

    def _fetched(self, sha256: str, path: Path | None) -> None:
        if path is None:
            self._arrived(sha256, None)
            return
        QueryOp(
            self, lambda: self._cache.thumbnail(sha256, path, self._size), runner=self._runner
        ).success(lambda result: self._arrived(sha256, result)).failure(
            lambda exc: self._arrived(sha256, None)
        ).run_in_background()

    def _arrived(self, sha256: str, result: ThumbResult | None, key: str = "") -> None:
        self._pending.discard(sha256)
        image = QImage()
        if result is not None and result.status is ThumbStatus.OK and result.png:
            # PySide6 6.x stubs say bytes; the binding accepts only str for the format.
            image = QImage.fromData(result.png, "PNG")  # type: ignore[arg-type]
        if image.isNull():
            if key:
                pass
            elif result is None:
                key = "thumb.missing"
            elif result.status is ThumbStatus.TOO_LARGE:
                key = "thumb.too_large"
            else:
                key = "thumb.unreadable"
            image = cannot_preview_tile(self._tr.t(key), self._size)
        self._images[sha256] = image
        self.thumbnailReady.emit(sha256, image)
