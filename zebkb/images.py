"""The one way zebkb opens an image file: untrusted, so bounded in formats, pixels and memory.

Photos arrive from other wards. Pillow picks a decoder by the file's content,
not its name, and some decoders run external programs (EPS and PostScript go
to Ghostscript) or cost far more memory than the file's size suggests. So:

- only PNG, JPEG, GIF, WebP, BMP and TIFF are opened (``Image.open(...,
  formats=...)``); anything else, whatever it is called, is unreadable;
- an image is decoded at the size it is needed at: JPEG at 1/2, 1/4 or 1/8
  scale (``draft``), then reduced by whole factors (``thumbnail`` with a
  reducing gap) before any copy is made (turning upright, converting);
- before decoding, the memory the decode will take is estimated from the
  (drafted) size, the pixel format and the decoder, and beyond
  ``DECODE_BUDGET`` the image is "too large to preview" rather than decoded.
  Formats that cannot be decoded reduced thus get a far lower pixel cap
  than a baseline JPEG.

Callers: the window's thumbnails (zebkb/ui/thumbs.py) and the case sheet's
photo (zebkb/pdf.py). ``benchmarks/image_bench.py`` measures the peak memory.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from enum import StrEnum
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF")

# Bytes the decoder's output and working copies may take. With the process's
# own ~100-150 MB (the window, or reportlab for the case sheet) the peak stays
# under 400 MB; benchmarks/image_bench.py prints the figures.
DECODE_BUDGET = 192 * 2**20

# Bytes per pixel of Pillow's image memory, by mode (RGB is stored in four).
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "LA": 4, "PA": 4, "La": 4, "I;16": 2, "I;16B": 2}
# Decoders that hold more than the finished picture while decoding, measured with
# benchmarks/image_bench.py: WebP about 16 bytes a pixel (libwebp's RGBA frame and
# Pillow's copies of it), LZW TIFF about 6.4 for RGB.
_COPYING = {"WEBP": 4, "TIFF": 2}

_DECODE_LOCK = threading.Lock()


class Refusal(StrEnum):
    TOO_LARGE = "too_large"  # more memory than DECODE_BUDGET, or Pillow's bomb limit
    UNREADABLE = "unreadable"  # not one of FORMATS, or damaged


class ImageRefused(Exception):
    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(detail or reason.value)
        self.reason = reason


def decode_cost(image: Image.Image, full_size: tuple[int, int]) -> int:
    """Estimated bytes decoding ``image`` (as opened, after any draft) will hold at once.

    ``full_size`` is its size before a draft.
    """
    width, height = image.size
    pixels = width * height
    cost = pixels * _MODE_BYTES.get(image.mode, 4) * _COPYING.get(image.format or "", 1)
    if image.format == "JPEG" and image.info.get("progressive"):
        # A progressive JPEG keeps every DCT coefficient of the full-size picture
        # (2 bytes per sample and component) until its last scan, whatever the draft.
        full_w, full_h = full_size
        cost = max(cost, full_w * full_h * len(image.getbands()) * 2)
    return cost


def _open(source: Path | bytes) -> Image.Image:
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        return Image.open(stream, formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(Refusal.TOO_LARGE, str(exc)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRefused(Refusal.UNREADABLE, str(exc)) from None


def _reduce(image: Image.Image, box: int, cost: int, budget: int) -> Image.Image:
    """Decode ``image`` (opened, drafted) into a new upright RGB(A) picture within the box."""
    exif = image.getexif()  # read before reducing: the orientation lives here
    if image.mode in ("P", "PA", "1") and cost * 4 <= budget:
        # Palette and bilevel pictures are resized only by picking pixels; in colour
        # they shrink smoothly (cheap at this size).
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    image.thumbnail((box, box), reducing_gap=2.0)
    small = image
    orientation = exif.get(0x0112)
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        small.getexif()[0x0112] = orientation
        small = ImageOps.exif_transpose(small)
    wanted = "RGBA" if "A" in small.getbands() or "transparency" in small.info else "RGB"
    if small.mode != wanted:
        small = small.convert(wanted)
    if small is image:
        small = image.copy()  # outlives the file, which the caller closes
    return small


def reduced_image(source: Path | bytes, box: int, *, budget: int | None = None) -> Image.Image:
    """The picture upright, at most ``box``×``box``, in RGB or RGBA.

    Raises ImageRefused (never anything else for a bad file): UNREADABLE for a
    file that is not an allowed image or is damaged, TOO_LARGE when decoding it
    would take more than ``budget`` bytes (default ``DECODE_BUDGET``).
    """
    if budget is None:
        budget = DECODE_BUDGET
    # One picture at a time in a process: the budget is for one (the window makes
    # thumbnails on several threads), and warnings.catch_warnings changes process-wide
    # state. Pillow warns about damaged metadata it decodes anyway ("Corrupt EXIF
    # data"): those go to the log, not to a terminal; its decompression-bomb warning
    # is a refusal.
    with _DECODE_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _decoded(source, box, budget)
        finally:
            for warning in caught:
                log.info("image: %s", warning.message)


def _decoded(source: Path | bytes, box: int, budget: int) -> Image.Image:
    image = _open(source)
    try:
        with image:
            limit = Image.MAX_IMAGE_PIXELS
            width, height = image.size
            if limit is not None and width * height > limit:
                raise ImageRefused(Refusal.TOO_LARGE, f"{width}×{height} pixels")
            if image.format == "JPEG":
                # Decode at the smallest DCT scale that still covers the box; the rest
                # is resampled.
                image.draft(image.mode if image.mode == "L" else "RGB", (box, box))
            cost = decode_cost(image, (width, height))
            if cost > budget:
                raise ImageRefused(
                    Refusal.TOO_LARGE, f"{width}×{height} {image.format} needs {cost >> 20} MiB"
                )
            return _reduce(image, box, cost, budget)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(Refusal.TOO_LARGE, str(exc)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRefused(Refusal.UNREADABLE, str(exc)) from None
    except Exception as exc:
        # A Pillow plugin bug on a hostile file must not cost the caller the record.
        log.warning("image decoding failed unexpectedly", exc_info=True)
        raise ImageRefused(Refusal.UNREADABLE, type(exc).__name__) from None
