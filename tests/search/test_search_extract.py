"""Attachment text: PDF, plain text and Markdown, bounded; anything hostile gives ""."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from zebkb_testing import flate_pdf

from zebkb.search.extract import (
    FAILED_MEMORY,
    FAILED_TIME,
    FAILED_UNREADABLE,
    Extraction,
    ExtractLimits,
    TextExtractor,
    extract,
    extract_text,
)


def _pdf(path: Path, pages: list[str]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for text in pages:
        c.drawString(72, 720, text)
        c.showPage()
    c.save()
    return path


def test_pdf_text(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "a.pdf", ["ZEB Ready handout", "second page BEI 0.45"])
    text = extract_text(pdf, "application/pdf")
    assert "ZEB Ready handout" in text
    assert "BEI 0.45" in text


def test_pdf_page_and_char_limits(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "b.pdf", [f"page number {i}" for i in range(10)])
    text = extract_text(pdf, "application/pdf", limits=ExtractLimits(max_pages=3))
    assert "page number 2" in text
    assert "page number 3" not in text
    short = extract_text(pdf, "application/pdf", limits=ExtractLimits(max_chars=20))
    assert len(short) == 20


def test_demo_pdf_japanese_text() -> None:
    files = Path(__file__).resolve().parents[2] / "assets" / "demo" / "files"
    pdfs = [p for p in files.iterdir() if p.read_bytes()[:5] == b"%PDF-"] if files.is_dir() else []
    if not pdfs:
        pytest.skip("no demo PDF")
    assert "ZEB" in extract_text(pdfs[0], "application/pdf")


@pytest.mark.parametrize(
    ("data", "media_type", "expected"),
    [
        ("清掃事務所のZEB化\n".encode(), "text/plain", "清掃事務所のZEB化\n"),
        ("# 見出し\n本文".encode("utf-8-sig"), "text/markdown", "# 見出し\n本文"),
        ("区民施設".encode("cp932"), "text/plain; charset=shift_jis", "区民施設"),
        (b"\x89PNG\r\n\x1a\n....", "image/png", ""),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "application/pdf", ""),
        (b"", "application/pdf", ""),
        (b"not a pdf at all", "application/pdf", ""),
        (b"%PDF-1.4\n" + b"[" * 100_000, "application/pdf", ""),
    ],
)
def test_formats_and_broken_files(
    tmp_path: Path, data: bytes, media_type: str, expected: str
) -> None:
    path = tmp_path / "file"
    path.write_bytes(data)
    assert extract_text(path, media_type) == expected


def test_text_limits(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("区" * 1000, encoding="utf-8")
    assert extract_text(path, "text/plain", limits=ExtractLimits(max_chars=10)) == "区" * 10
    assert extract_text(path, "text/plain", limits=ExtractLimits(max_bytes=100)) == ""
    assert extract_text(tmp_path / "missing.txt", "text/plain") == ""
    assert extract_text(tmp_path, "text/plain") == ""


def slow_pdf(path: Path, shows: int = 20_000) -> Path:
    """About 1 KB; pypdf takes long over its page (20,000 text shows: 0.4 s quiet, 2.5 s loaded)."""
    path.write_bytes(flate_pdf(b"BT /F1 12 Tf 72 720 Td " + b"(ZEB) Tj 1 0 Td " * shows + b"ET"))
    return path


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[str]]:
    """Every helper process started during the test."""
    started: list[subprocess.Popen[str]] = []
    real = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[str]:
        proc = real(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(subprocess, "Popen", popen)
    return started


def _no_helper_left(started: list[subprocess.Popen[str]]) -> None:
    assert started
    assert all(proc.poll() is not None for proc in started)
    assert not [t for t in threading.enumerate() if t.name == "zebkb-extract-reader"]


def test_a_pdf_over_the_time_limit_is_cut_off(
    tmp_path: Path, helpers: list[subprocess.Popen[str]]
) -> None:
    # Five times the usual file: far past the limit on a quiet machine too (it is
    # killed at the limit, so its size costs nothing).
    pdf = slow_pdf(tmp_path / "slow.pdf", shows=100_000)
    taken = extract(pdf, "application/pdf", limits=ExtractLimits(max_seconds=0.3))
    assert taken == Extraction("", FAILED_TIME)
    _no_helper_left(helpers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is Linux's")
def test_a_pdf_over_the_memory_limit_is_cut_off(
    tmp_path: Path, helpers: list[subprocess.Popen[str]]
) -> None:
    """200,000 text shows take pypdf about 160 MB; the helper may have 120 MB of address space."""
    pdf = slow_pdf(tmp_path / "big.pdf", shows=200_000)
    limits = ExtractLimits(max_seconds=60, max_memory=120 * 2**20)
    taken = extract(pdf, "application/pdf", limits=limits)
    assert taken == Extraction("", FAILED_MEMORY)
    _no_helper_left(helpers)


def test_one_helper_serves_many_files_and_a_new_one_follows_a_kill(
    tmp_path: Path, helpers: list[subprocess.Popen[str]]
) -> None:
    good = _pdf(tmp_path / "good.pdf", ["ZEB Ready handout"])
    slow = slow_pdf(tmp_path / "slow.pdf", shows=100_000)  # far past 0.5 s on any machine
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"[" * 1000)
    with TextExtractor(ExtractLimits(max_seconds=0.5)) as extractor:
        assert "ZEB Ready" in extractor.extract(good, "application/pdf").text
        assert extractor.extract(broken, "application/pdf") == Extraction("", FAILED_UNREADABLE)
        assert "ZEB Ready" in extractor.extract(good, "application/pdf").text
        assert extractor.started == 1
        assert extractor.extract(slow, "application/pdf").failure == FAILED_TIME
        assert "ZEB Ready" in extractor.extract(good, "application/pdf").text
        assert extractor.started == 2
    _no_helper_left(helpers)


def test_search_core_does_not_import_qt() -> None:
    code = (
        "import sys, zebkb.search.engine, zebkb.search.extract, zebkb.search.documents;"
        "assert 'PySide6' not in sys.modules, 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_extracted_text_is_cached_only_by_the_writer(tmp_path: Path) -> None:
    """A reading process extracts an attachment's text again rather than write a cache row."""
    from sqlmodel import Session

    from zebkb.service import KnowledgeBase
    from zebkb.store.models import BlobRow

    note = tmp_path / "memo.txt"
    note.write_text("太陽光発電パネルの点検記録", encoding="utf-8")
    with KnowledgeBase.open(tmp_path / "kb") as kb:
        kb.set_home_ward("131229")
        record = kb.save(
            {"type": "visit", "title": "視察", "ward": "131229", "visited_on": "2024-10-21"}
        )
        kb.add_attachment(record["uid"], note)
        digest = kb.require(record["uid"])["attachments"][0]["sha256"]
        with Session(kb.engine) as session:
            row = session.get(BlobRow, digest)
            assert row.text is not None  # the writer cached it while indexing the save
            row.text = None
            session.add(row)
            session.commit()
    with KnowledgeBase.open(tmp_path / "kb") as reader:
        [doc] = list(reader.index_docs([record["uid"]]))
        assert any("太陽光発電" in v for v in doc.fields.values())
        with Session(reader.read_engine) as session:
            assert session.get(BlobRow, digest).text is None
        reader.claim_writer()
        list(reader.index_docs([record["uid"]]))
        with Session(reader.read_engine) as session:
            assert "太陽光発電" in session.get(BlobRow, digest).text


MINUTES = "第3回 清掃事務所ZEB化検討会 議事録：太陽光発電パネルの設置について協議した。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
@pytest.mark.parametrize("chunk", [1, 2, 5, 7, 64 * 2**10])
def test_text_is_decoded_at_character_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, chunk: int
) -> None:
    """Reads cut anywhere, even inside a character, still give the text, not mojibake."""
    from zebkb.search import extract

    monkeypatch.setattr(extract, "_CHUNK", chunk)
    path = tmp_path / "minutes.txt"
    text = "x" + MINUTES * 30  # the "x" shifts every multibyte character off even offsets
    path.write_bytes(text.encode(encoding))
    assert extract_text(path, "text/plain") == text
    # A limit that stops reading inside a character keeps the whole characters before it.
    data = text.encode(encoding)
    inside = next(i for i in range(1, len(data)) if not _decodes(data[:i], encoding))
    cut = extract_text(path, "text/plain", limits=ExtractLimits(max_bytes=inside + len(data)))
    assert cut == text
    head = extract_text(path, "text/plain", limits=ExtractLimits(max_chars=11))
    assert head == text[:11]


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def test_a_one_megabyte_japanese_minutes_file_stays_searchable(tmp_path: Path) -> None:
    """The read stops inside a character (at 800 KB before); the text is still Japanese."""
    path = tmp_path / "minutes.txt"
    data = ("x" + MINUTES * (2**20 // len(MINUTES.encode()) + 1)).encode()
    assert len(data) > 2**20
    assert not _decodes(data[:800_000], "utf-8")
    path.write_bytes(data)
    text = extract_text(path, "text/plain")
    assert len(text) == ExtractLimits().max_chars
    assert text == data.decode()[: len(text)]


def test_small_text_limits_cut_between_characters(tmp_path: Path) -> None:
    path = tmp_path / "ku.txt"
    path.write_text("区" * 1000, encoding="utf-8")
    # 11 characters used to read 44 bytes, a cut inside the 15th character.
    assert extract_text(path, "text/plain", limits=ExtractLimits(max_chars=11)) == "区" * 11


def test_a_cut_off_extraction_is_recorded_and_retried_by_reindex(
    tmp_path: Path, helpers: list[subprocess.Popen[str]]
) -> None:
    """Not cached as "no text": the reason is kept, saves do not retry, reindex does."""
    from zebkb.service import KnowledgeBase

    pdf = slow_pdf(tmp_path / "handout.pdf")
    with KnowledgeBase.open(tmp_path / "kb") as kb:
        kb.set_home_ward("131229")
        # Well under what this file takes on a quiet machine (about 0.4 s); reindex
        # below gives it all the time it needs.
        kb.extract_limits = ExtractLimits(max_seconds=0.1)
        record = kb.save(
            {"type": "visit", "title": "視察", "ward": "131229", "visited_on": "2024-10-21"}
        )
        kb.add_attachment(record["uid"], pdf)
        digest = kb.require(record["uid"])["attachments"][0]["sha256"]
        assert kb.text_failures() == {digest: FAILED_TIME}
        assert kb.search("zeb").total == 0
        tried = len(helpers)
        kb.save(dict(kb.require(record["uid"]), title="視察(追記)"))
        assert len(helpers) == tried  # a save does not try the file again
        assert kb.text_failures() == {digest: FAILED_TIME}

        kb.extract_limits = ExtractLimits(max_seconds=60)
        assert kb.reindex()
        assert len(helpers) == tried + 1
        assert kb.text_failures() == {}
        assert kb.search("zeb").total == 1
    _no_helper_left(helpers)
