"""Searchable text from attachment files, bounded so a hostile file cannot stall indexing.

Plain text and Markdown are read here (a bounded read, decoded incrementally).
PDF and Office (.docx/.xlsx/.pptx) text is taken in a helper process,
``zebkb _extract-text``, with hard limits: its address space and CPU time are
capped by the operating system (Linux; other systems have the wall clock
only) and the parent kills it when a file takes longer than ``max_seconds``.
A file that fails or is cut off gives an Extraction with the reason, which the
knowledge base records and tries again on ``reindex``.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import math
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from zebkb.helper_command import helper_command, start_helper

log = logging.getLogger(__name__)

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
# Taken in the helper process (the rest is read here).
HELPER_TYPES = OFFICE_TYPES | {PDF_TYPE}


@dataclass(frozen=True)
class ExtractLimits:
    max_pages: int = 50
    max_chars: int = 200_000
    max_seconds: float = 5.0  # wall clock per file (and CPU seconds, rounded up)
    max_bytes: int = 50 * 2**20
    max_memory: int = 512 * 2**20  # the helper's address space (Linux)
    start_seconds: float = 60.0  # for the helper to start (a cold disk, an antivirus scan)


# Why an extraction gave no text; None when it did (or there was nothing to take).
FAILED_TIME = "time limit"
FAILED_MEMORY = "memory limit"
FAILED_UNREADABLE = "unreadable"
FAILED_HELPER = "helper failed"


@dataclass(frozen=True)
class Extraction:
    text: str
    failure: str | None = None


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


def _pdf_text(path: Path, limits: ExtractLimits) -> str:
    from pypdf import PdfReader

    parts: list[str] = []
    size = 0
    reader = PdfReader(str(path), strict=False)
    for i, page in enumerate(reader.pages):
        if i >= limits.max_pages:
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= limits.max_chars:
            break
    return "\n".join(parts)[: limits.max_chars]


def _office_text(path: Path, media_type: str, limits: ExtractLimits) -> str:
    """Raises OfficeRefused (in words) for a file refused as hostile or damaged."""
    from zebkb.search.office import office_text

    # Its own clock stops a little before the parent's kill, so what was read is kept.
    budget = limits.max_seconds * 0.8
    return office_text(path, media_type, max_chars=limits.max_chars, max_seconds=budget)


def _media(media_type: str) -> str:
    return (media_type or "").split(";")[0].strip().lower()


# -- the helper process ------------------------------------------------------------------------
#
# `zebkb _extract-text` (also inside the frozen build; see zebkb/bundle/copier.py for
# why not multiprocessing). It reads the limits as one JSON line, says {"ready": true},
# then answers each {"path", "media_type"} line with {"text": ...} or {"error": reason}.
# JSON is written ASCII-only, so the console's code page never matters.

CHILD_COMMAND = "_extract-text"  # the same text as zebkb.cli.main.CHILD_EXTRACT
EXIT_MEMORY = 3  # the helper's exit status after running out of memory


def _limit_self(limits: ExtractLimits) -> None:
    """Hard limits for this (helper) process, where the system has them."""
    try:
        import resource
    except ImportError:  # Windows: the parent's wall clock is the limit
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory, limits.max_memory))


def _limit_cpu(limits: ExtractLimits) -> None:
    """Stop this process (SIGXCPU) when the next file takes more than its CPU seconds."""
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = math.ceil(usage.ru_utime + usage.ru_stime)
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (used + math.ceil(limits.max_seconds) + 1, hard))


def child_main() -> int:
    """The helper's side (``zebkb _extract-text``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what stops
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    out = sys.stdout

    def say(**message: Any) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    limits = ExtractLimits(**json.loads(sys.stdin.readline()))
    _limit_self(limits)
    import pypdf  # noqa: F401  (loaded before "ready", so it is not counted against a file)

    import zebkb.search.office  # noqa: F401

    say(ready=True)
    for line in sys.stdin:
        job = json.loads(line)
        _limit_cpu(limits)
        failure: str | None = None
        text = ""
        detail = ""
        try:
            if job.get("media_type") in OFFICE_TYPES:
                text = _office_text(Path(job["path"]), job["media_type"], limits)
            else:
                text = _pdf_text(Path(job["path"]), limits)
        except MemoryError:
            failure = FAILED_MEMORY
        except Exception as exc:
            # OfficeRefused says why in words; the parent logs it.
            detail = str(exc)[:200] if type(exc).__name__ == "OfficeRefused" else ""
            failure = FAILED_UNREADABLE
        # Out of the except clause: the traceback, and the memory its frames held, is gone.
        if failure == FAILED_MEMORY:
            with contextlib.suppress(MemoryError):
                say(error=FAILED_MEMORY)
            return EXIT_MEMORY  # not trusted with the next file
        if failure is not None:
            say(error=failure, detail=detail)
        else:
            say(text=text)
    return 0


def _child_command() -> tuple[list[str], dict[str, str] | None]:
    return helper_command(CHILD_COMMAND)


class TextExtractor:
    """Extraction with the helper process started once, on the first file that needs it.

    Use as a context manager (or call ``close``): the helper ends with it. A file
    over a limit kills the helper; the next one starts a new helper.
    """

    def __init__(self, limits: ExtractLimits | None = None) -> None:
        self.limits = limits or ExtractLimits()
        self.started = 0  # helpers started (tests and benchmarks read it)
        self.taken = 0  # files whose text a helper took
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader: threading.Thread | None = None
        self._timed_out = False
        self._last_code: int | None = None

    def __enter__(self) -> TextExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def extract(self, path: Path, media_type: str) -> Extraction:
        """The text of a PDF, Office, plain-text or Markdown file; "" for other kinds. Never raises."""
        media_type = _media(media_type)
        try:
            path = Path(path)
            if not path.is_file() or path.stat().st_size > self.limits.max_bytes:
                return Extraction("")
            if media_type in TEXT_TYPES:
                return Extraction(_plain_text(path, self.limits))
            if media_type not in HELPER_TYPES:
                return Extraction("")
        except (OSError, ValueError):
            return Extraction("")
        return self._in_helper(path, media_type)

    def _in_helper(self, path: Path, media_type: str) -> Extraction:
        if self._proc is None and not self._start():
            return Extraction("", FAILED_HELPER)
        assert self._proc is not None
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps({"path": str(path), "media_type": media_type}) + "\n")
            self._proc.stdin.flush()
        except OSError:
            self._stop()
            return Extraction("", FAILED_HELPER)
        answer = self._answer(self.limits.max_seconds)
        if answer is None:
            reason = self._why_gone()
            log.info("attachment text not taken from %s: %s", path.name, reason)
            return Extraction("", reason)
        if "text" in answer:
            self.taken += 1
            return Extraction(str(answer["text"]))
        reason = str(answer.get("error") or FAILED_HELPER)
        if reason != FAILED_UNREADABLE:
            self._stop()
        detail = answer.get("detail")
        # Kept as an attachment, not searched; why goes to the log in words.
        log.log(
            logging.WARNING if detail else logging.INFO,
            "attachment text not taken from %s: %s",
            path.name,
            detail or reason,
        )
        return Extraction("", reason)

    def _start(self) -> bool:
        command, env = _child_command()
        self.started += 1
        try:
            self._proc = start_helper(command, env, json.dumps(asdict(self.limits)))
            assert self._proc.stdout is not None
            self._lines = queue.Queue()
            self._reader = threading.Thread(
                target=_read_lines,
                args=(self._proc.stdout, self._lines),
                name="zebkb-extract-reader",
                daemon=True,
            )
            self._reader.start()
        except OSError as exc:
            log.warning("the text extraction helper did not start: %s", exc)
            self._stop()
            return False
        ready = self._answer(self.limits.start_seconds)
        if not ready or not ready.get("ready"):
            log.warning("the text extraction helper did not start (%s)", self._why_gone())
            return False
        return True

    def _answer(self, timeout: float) -> dict[str, Any] | None:
        """The helper's next message, or None when it ended or was killed for taking too long."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self._timed_out = True
            self._stop()
            return None
        if line is None:
            self._stop()
            return None
        try:
            message = json.loads(line)
        except ValueError:
            self._stop()
            return None
        return message if isinstance(message, dict) else None

    def _why_gone(self) -> str:
        """Why the helper ended without an answer."""
        timed_out, self._timed_out = self._timed_out, False
        code = self._last_code
        if timed_out or (hasattr(signal, "SIGXCPU") and code == -signal.SIGXCPU):
            return FAILED_TIME
        if code == EXIT_MEMORY or (hasattr(signal, "SIGKILL") and code == -signal.SIGKILL):
            return FAILED_MEMORY  # not killed by us: the system's out-of-memory killer
        return FAILED_HELPER

    def _stop(self) -> None:
        """End the helper now, and the thread reading it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            proc.kill()
        self._last_code = proc.wait()
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        if self._reader is not None:
            self._reader.join()
            self._reader = None

    def close(self) -> None:
        """Let the helper finish (end of input), killing it if it does not at once."""
        if self.started:
            # packaging/smoke.py looks for this line: the helper ran in the frozen build.
            log.info(
                "the text extraction helper took text from %d files (%d started)",
                self.taken,
                self.started,
            )
        proc = self._proc
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=2)
        self._stop()


def _read_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Hand the helper's lines over as they come; None at its end (the thread ends too)."""
    try:
        for line in stream:
            lines.put(line)
    except (OSError, ValueError):
        pass
    finally:
        lines.put(None)


def extract(path: Path, media_type: str, *, limits: ExtractLimits | None = None) -> Extraction:
    """One file's text (a helper of its own when it is a PDF); see TextExtractor."""
    with TextExtractor(limits) as extractor:
        return extractor.extract(path, media_type)


def extract_text(path: Path, media_type: str, *, limits: ExtractLimits | None = None) -> str:
    """The text of a PDF, Office (.docx/.xlsx/.pptx), plain-text or Markdown file.

    "" for anything else or a bad file.
    """
    return extract(path, media_type, limits=limits).text
