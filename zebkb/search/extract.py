"""Searchable text from attachment files, bounded so a hostile file cannot stall indexing."""

from __future__ import annotations

import codecs
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPE = "application/pdf"
# .docx, .xlsx, .pptx (zebkb/search/office.py), named here so the dispatch needs no import.
OFFICE_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)


@dataclass(frozen=True)
class ExtractLimits:
    max_pages: int = 50
    max_chars: int = 200_000
    max_seconds: float = 5.0
    max_bytes: int = 50 * 2**20


_CHUNK = 64 * 2**10


def _decode_prefix(path: Path, encoding: str, limits: ExtractLimits) -> str:
    """The first `max_chars` characters of the file in `encoding`.

    Read a chunk at a time through an incremental decoder, so a cut between two
    chunks (or at the size limit) falls between characters, never inside one;
    raises UnicodeDecodeError when the file is not in `encoding`.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    parts: list[str] = []
    chars = 0
    read = 0
    with path.open("rb") as f:
        while chars < limits.max_chars:
            chunk = f.read(min(_CHUNK, limits.max_bytes - read))
            read += len(chunk)
            # Never `final`: a partial character at a chunk's end waits for the next
            # chunk, and one left at the size limit or the file's end is dropped.
            text = decoder.decode(chunk)
            parts.append(text)
            chars += len(text)
            if not chunk or read >= limits.max_bytes:
                break
    return "".join(parts)[: limits.max_chars]


def _plain_text(path: Path, limits: ExtractLimits) -> str:
    # Files written on ward PCs are often Shift_JIS (cp932) rather than UTF-8; UTF-8 is
    # tried first because cp932 accepts much UTF-8 Japanese as mojibake.
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return _decode_prefix(path, encoding, limits)
        except UnicodeDecodeError:
            continue
    with path.open("rb") as f:
        data = f.read(min(limits.max_bytes, limits.max_chars * 4))
    return data.decode("utf-8", errors="replace")[: limits.max_chars]


def _pdf_text(path: Path, limits: ExtractLimits, deadline: float, stop: threading.Event) -> str:
    from pypdf import PdfReader

    parts: list[str] = []
    size = 0
    reader = PdfReader(str(path), strict=False)
    for i, page in enumerate(reader.pages):
        if i >= limits.max_pages or stop.is_set() or time.monotonic() > deadline:
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= limits.max_chars:
            break
    return "\n".join(parts)[: limits.max_chars]


def _office_text(path: Path, media_type: str, limits: ExtractLimits) -> str:
    from zebkb.search.office import OfficeRefused, office_text

    try:
        return office_text(
            path, media_type, max_chars=limits.max_chars, max_seconds=limits.max_seconds
        )
    except OfficeRefused as exc:
        # Kept as an attachment, not searched; the reason goes to the log in words.
        logging.getLogger(__name__).warning("%s", exc)
        return ""


def extract_text(path: Path, media_type: str, *, limits: ExtractLimits = ExtractLimits()) -> str:
    """The text of a PDF, Office (.docx/.xlsx/.pptx), plain-text or Markdown file.

    "" for anything else or a bad file.

    Never raises. The caller waits at most `limits.max_seconds`: a PDF that takes
    longer is abandoned (its worker stops at the next page boundary).
    """
    media_type = (media_type or "").split(";")[0].strip().lower()
    try:
        path = Path(path)
        if not path.is_file() or path.stat().st_size > limits.max_bytes:
            return ""
        if media_type in TEXT_TYPES:
            return _plain_text(path, limits)
        if media_type in OFFICE_TYPES:
            return _office_text(path, media_type, limits)
        if media_type != PDF_TYPE:
            return ""
    except (OSError, ValueError):
        return ""

    result: list[str] = []
    stop = threading.Event()
    deadline = time.monotonic() + limits.max_seconds

    def work() -> None:
        logger = logging.getLogger("pypdf")
        try:
            result.append(_pdf_text(path, limits, deadline, stop))
        except Exception:
            logger.debug("could not read PDF %s", path, exc_info=True)

    worker = threading.Thread(target=work, name="zebkb-pdf-text", daemon=True)
    worker.start()
    worker.join(limits.max_seconds)
    if worker.is_alive():
        stop.set()
        return ""
    return result[0] if result else ""
