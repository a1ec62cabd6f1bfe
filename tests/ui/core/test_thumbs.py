"""Thumbnails (zebkb/ui/core/thumbs.py): orientation, bombs, damaged files, the cache."""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QImage

from zebkb.ui.core.i18n import Translator
from zebkb.ui.core.ops import OpRunner
from zebkb.ui.core.thumbs import (
    ThumbnailCache,
    Thumbnailer,
    ThumbStatus,
    cannot_preview_tile,
    make_thumbnail,
)


def _jpeg_sideways() -> bytes:
    """40×20, left half red, right half blue, stored with EXIF orientation 6."""
    image = Image.new("RGB", (40, 20), "blue")
    image.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, exif=exif)
    return out.getvalue()


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 128).save(out, format="PNG")
    return out.getvalue()


def _decode(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_exif_orientation_is_honoured() -> None:
    result = make_thumbnail(_jpeg_sideways())
    assert result.status is ThumbStatus.OK
    assert (result.width, result.height) == (20, 40)
    image = _decode(result.png or b"")
    top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert top[0] > 200 > top[2]  # red: the left half is now on top
    assert bottom[2] > 200 > bottom[0]


def test_large_images_are_scaled_down() -> None:
    result = make_thumbnail(_png(1000, 500), size=128)
    assert (result.width, result.height) == (128, 64)


@pytest.mark.parametrize(
    ("width", "height", "status"),
    [
        (90, 100, ThumbStatus.OK),  # under the limit
        (120, 100, ThumbStatus.TOO_LARGE),  # Pillow would only warn here
        (300, 300, ThumbStatus.TOO_LARGE),  # Pillow raises here
    ],
)
def test_decompression_bombs_are_refused(
    monkeypatch: pytest.MonkeyPatch, width: int, height: int, status: ThumbStatus
) -> None:
    data = _png(width, height)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    # As in production, where warnings are not errors: nothing may leak out.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        result = make_thumbnail(data)
    assert result.status is status
    assert not [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]


def test_the_warning_itself_is_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even if the size check were skipped, the warning zone refuses."""
    data = _png(120, 100)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    original_open = Image.open

    def open_then_lift_limit(*args: object, **kwargs: object) -> Image.Image:
        image = original_open(*args, **kwargs)  # type: ignore[arg-type]
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
        return image

    monkeypatch.setattr(Image, "open", open_then_lift_limit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert make_thumbnail(data).status is ThumbStatus.TOO_LARGE


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        b"%PDF-1.7\n1 0 obj<<>>endobj\n",
        _jpeg_sideways()[:200],
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    ],
    ids=["empty", "text", "pdf", "truncated-jpeg", "broken-png"],
)
def test_damaged_files_are_unreadable_not_errors(data: bytes) -> None:
    assert make_thumbnail(data).status is ThumbStatus.UNREADABLE


def test_an_eps_named_png_never_reaches_ghostscript(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zebkb_testing import TINY_EPS, forbid_programs

    calls = forbid_programs(monkeypatch)
    fake = tmp_path / "photo.png"
    fake.write_bytes(TINY_EPS)
    assert make_thumbnail(fake).status is ThumbStatus.UNREADABLE
    assert calls == []


def test_big_images_decode_reduced_or_are_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    """A JPEG is decoded at 1/8 scale; a PNG of the same size is over the decode budget."""
    from zebkb import images

    monkeypatch.setattr(images, "DECODE_BUDGET", 2**20)
    jpeg, png = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (2400, 1600), "green").save(jpeg, format="JPEG")
    Image.new("RGB", (2400, 1600), "green").save(png, format="PNG")
    result = make_thumbnail(jpeg.getvalue(), size=128)
    assert result.status is ThumbStatus.OK
    assert (result.width, result.height) == (128, 85)
    assert make_thumbnail(png.getvalue(), size=128).status is ThumbStatus.TOO_LARGE


def test_cache_makes_once_and_survives_source_loss(tmp_path: Path) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(_jpeg_sideways())
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    cache = ThumbnailCache(tmp_path / "data")
    first = cache.thumbnail(sha, source)
    assert first.status is ThumbStatus.OK
    assert cache.path_for(sha).read_bytes() == first.png
    source.unlink()
    again = cache.thumbnail(sha, source)
    assert again.png == first.png
    # A damaged cache file is remade, not shown.
    cache.path_for(sha).write_bytes(b"garbage")
    source.write_bytes(_jpeg_sideways())
    remade = cache.thumbnail(sha, source)
    assert remade.status is ThumbStatus.OK
    assert cache.path_for(sha).read_bytes() == remade.png


def test_cache_refuses_paths_that_are_not_hashes(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path)
    with pytest.raises(ValueError, match="SHA-256"):
        cache.path_for("../../etc/passwd")


@pytest.fixture
def runner(qapp) -> Iterator[OpRunner]:
    r = OpRunner()
    yield r
    r.shutdown(wait=True)


@pytest.mark.gui
def test_thumbnailer_works_in_background_and_remembers(
    qtbot, tmp_path: Path, runner: OpRunner
) -> None:
    files = {}
    for name, data in (("good", _jpeg_sideways()), ("bad", b"junk")):
        path = tmp_path / name
        path.write_bytes(data)
        files[hashlib.sha256(data).hexdigest()] = path
    good, bad = list(files)
    missing = "0" * 64
    thumbs = Thumbnailer(runner, ThumbnailCache(tmp_path / "data"), files.get, Translator("en"))

    arrived: dict[str, QImage] = {}
    thumbs.thumbnailReady.connect(arrived.__setitem__)
    for sha in (good, bad, missing):
        with qtbot.waitSignal(thumbs.thumbnailReady, timeout=5000):
            assert thumbs.image(sha) is None
    assert (arrived[good].width(), arrived[good].height()) == (20, 40)
    assert arrived[bad].width() == 256
    assert not arrived[missing].isNull()
    with qtbot.assertNotEmitted(thumbs.thumbnailReady):
        assert thumbs.image(good) == arrived[good]


@pytest.mark.gui
def test_cannot_preview_tile_draws(qapp) -> None:
    tile = cannot_preview_tile("プレビューできません", 128)
    assert (tile.width(), tile.height()) == (128, 128)
    colours = {tile.pixelColor(x, 64).name() for x in range(0, 128, 2)}
    assert len(colours) > 2  # background, frame and text


def test_a_pdf_shows_its_first_page(tmp_path) -> None:
    from PySide6.QtGui import QImage
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from zebkb.ui.core.thumbs import ThumbnailCache, ThumbStatus, pdf_thumbnail

    path = tmp_path / "slides.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFillColorRGB(0, 0, 0)
    c.rect(0, 0, A4[0], A4[1] / 2, fill=1)  # the lower half black
    c.save()
    result = pdf_thumbnail(path, 256)
    assert result.status is ThumbStatus.OK
    assert (result.width, result.height) == (181, 256)  # A4 upright, fitted
    image = QImage.fromData(result.png, "PNG")
    assert image.pixelColor(90, 10).lightness() > 200  # upper half: paper
    assert image.pixelColor(90, 250).lightness() < 50  # lower half: ink
    cache = ThumbnailCache(tmp_path / "kb")
    assert cache.thumbnail("a" * 64, path).status is ThumbStatus.OK
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    assert pdf_thumbnail(broken).status is ThumbStatus.UNREADABLE
