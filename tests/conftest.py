"""Shared test set-up: offscreen Qt, GUI marking, a fake clock, knowledge bases, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from zebkb_testing import FakeClock

# Before anything can import Qt: tests never open a real window.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep tests away from the developer's own knowledge base.
os.environ.pop("ZEBKB_DATA_DIR", None)
# The command line speaks the language of the window's settings or the locale; tests read
# English unless they ask for Japanese (--lang ja), whatever this machine is set to.
os.environ["ZEBKB_LANG"] = "en"
# Likewise its date style (the window's 日付の表示): western unless a test sets another.
os.environ["ZEBKB_DATE_STYLE"] = "western"

# The window tests' shared fixtures (ctx, window, demo_kb; ectx, demo), for every test module.
# The throwaway PostgreSQL server of team mode (pg_server, pg_url), for every test module.
# Another ward to exchange with (peer), for every test module.
pytest_plugins = ("zebkb_main_kit", "zebkb_edit_kit", "zebkb_pg_kit", "zebkb_peer_kit")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that needs a QApplication is a GUI test (pytest -m "not gui" skips them)."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def engine_name() -> str:
    """The database engine knowledge bases of this test use.

    SQLite here; the suites that run on both engines override it in their
    conftest.py with ``params=zebkb_pg_kit.ENGINES`` (tests/core, tests/bundle,
    tests/reports); a test of one engine's own behaviour parametrizes
    ``engine_name`` with that engine alone.
    """
    return "sqlite"


@pytest.fixture
def new_kb_dir(tmp_path: Path, engine_name: str, request: pytest.FixtureRequest):
    """Make a data folder on this test's engine (a fresh PostgreSQL database each)."""

    def make(name: str) -> Path:
        folder = tmp_path / name
        if engine_name == "postgresql":
            from zebkb.store.team import write_database_url

            url = request.getfixturevalue("pg_urls")(schema=True)
            folder.mkdir(parents=True, exist_ok=True)
            write_database_url(folder, url)
        return folder

    return make


@pytest.fixture
def kb(new_kb_dir, clock: FakeClock) -> Iterator:
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(new_kb_dir("kb"), clock=clock) as base:
        base.set_home_ward("131229")
        yield base


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(tmp_path: Path):
    """Run ``zebkb`` as a subprocess on a data folder of its own."""
    data = tmp_path / "cli-kb"

    def run(
        *args: str, stdin: str | None = None, data_dir: Path | None = None, timeout: float = 120
    ) -> CliResult:
        env = {k: v for k, v in os.environ.items() if k != "ZEBKB_DATA_DIR"}
        env["PYTHONIOENCODING"] = "utf-8"
        proc = subprocess.run(
            [sys.executable, "-m", "zebkb", "--data-dir", str(data_dir or data), *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=timeout,
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    run.data_dir = data  # type: ignore[attr-defined]
    return run
