"""Helpers shared by the tests (importable because pytest puts tests/ on the path)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

JST = timezone(timedelta(hours=9))

KATSUSHIKA = "131229"
SHINAGAWA = "131091"
SUGINAMI = "131156"


class FakeClock:
    """An injectable clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 3, 18, 9, 0, tzinfo=JST)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


def case_record(**overrides: object) -> dict:
    """A minimal valid case as a user would enter it."""
    record = {
        "type": "case",
        "title": "葛飾区清掃事務所のZEB Ready化",
        "ward": "131229",
        "facility_name": "葛飾区清掃事務所",
        "facility_type": "清掃事務所",
        "building_use": "事務所等",
        "project_type": "new",
        "zeb_rank": "ZEB Ready",
        "rank_status": "equivalent",
        "reduction_excl_renewables_pct": 51,
        "technologies": ["高断熱", "LED照明"],
        "tags": ["清掃"],
        "body": "## 工夫・留意点\n設計段階で一次エネルギー消費量を51%削減。",
    }
    record.update(overrides)
    return record


@contextmanager
def another_pc(kb: Any, folder: Path) -> Iterator[Any]:
    """A colleague's PC on ``kb``'s knowledge base, to save from.

    In team mode a knowledge base opened from ``folder`` on the same database, with a
    search index of its own left empty (its saves are searched for on the PC under test,
    so it need not build one of the records first); on SQLite ``kb`` itself, as a second
    window on the same folder would be.
    """
    if kb.database_url is None:
        yield kb
        return
    from zebkb.search.engine import SearchIndex
    from zebkb.service import KnowledgeBase
    from zebkb.store.team import write_database_url

    folder.mkdir(parents=True, exist_ok=True)
    write_database_url(folder, kb.database_url)
    with KnowledgeBase.open(folder, clock=kb.clock) as other:
        other._index = SearchIndex(folder / "own-index")
        yield other


def load_script(path: Path) -> ModuleType:
    """Import a script of the repository (packaging/, benchmarks/) by its path, not via sys.path."""
    name = path.stem
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None, path
    assert spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# An 89-byte Encapsulated PostScript file: Pillow recognises it by content and, when it
# decodes it, runs Ghostscript. Attached as "photo.png" it must never get that far.
TINY_EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto 10 10 lineto stroke\n\n"
)


def forbid_programs(monkeypatch: object) -> list[object]:
    """Record (and fail) any attempt to run Ghostscript or another program; returns the log.

    Pretends Ghostscript is installed, so Pillow's EPS decoder would go ahead.
    """
    import subprocess

    from PIL import EpsImagePlugin

    calls: list[object] = []

    def record(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise OSError("this test runs no programs")

    def has_ghostscript() -> bool:
        calls.append("has_ghostscript")
        return True

    monkeypatch.setattr(EpsImagePlugin, "has_ghostscript", has_ghostscript)  # type: ignore[attr-defined]
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", "gs")  # type: ignore[attr-defined]
    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", record)  # type: ignore[attr-defined]
    monkeypatch.setattr(subprocess, "Popen", record)  # type: ignore[attr-defined]
    return calls


def flate_pdf(content: bytes) -> bytes:
    """A one-page PDF whose page content is `content` (deflated): small file, costly page.

    20,000 text shows ("(ZEB) Tj 1 0 Td") make about 1 KB that costs pypdf seconds.
    """
    import zlib

    data = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def zebkb_command(data: Path, *args: str) -> list[str]:
    """``zebkb --data-dir DATA ARGS…`` as a new process's command line."""
    return [sys.executable, "-m", "zebkb", "--data-dir", str(data), *args]


def zebkb_env() -> dict[str, str]:
    """This environment for a new zebkb process: no chosen folder, UTF-8 output."""
    env = {k: v for k, v in os.environ.items() if k != "ZEBKB_DATA_DIR"}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_zebkb(
    data: Path,
    *args: str,
    timeout: float = 120,
    preexec: Callable[[], object] | None = None,
    program: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``zebkb --data-dir DATA ARGS…`` as a new process, as a person would type it.

    ``preexec`` runs in the child before zebkb starts (a resource limit, say).
    ``program``: Python code run instead of ``-m zebkb``, given the same arguments in
    ``sys.argv[1:]`` (a probe that watches the command line's ``main``).
    """
    command = zebkb_command(data, *args)
    if program is not None:
        command[1:3] = ["-c", program]
    # The timeout only stops a hang (a writer blocked on a pipe) from stalling the suite.
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=zebkb_env(),
        timeout=timeout,
        preexec_fn=preexec,
        check=False,
    )
