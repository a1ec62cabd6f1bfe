"""The build's own pieces: the Windows version resource, and the frozen build where one exists."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from zebkb_testing import load_script

REPO = Path(__file__).resolve().parents[2]
winversion = load_script(REPO / "packaging" / "winversion.py")
version_file_text, version_tuple = winversion.version_file_text, winversion.version_tuple

FROZEN = REPO / "dist" / "zebkb" / ("zebkb-cli.exe" if sys.platform == "win32" else "zebkb-cli")


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2.3rc1+local", (1, 2, 3, 0)), ("2.10", (2, 10, 0, 0))],
)
def test_version_numbers(version: str, expected: tuple[int, ...]) -> None:
    assert version_tuple(version) == expected


def test_version_file_is_the_expression_pyinstaller_reads() -> None:
    from zebkb import __version__

    text = version_file_text(__version__, "zebkb.exe")
    tree = ast.parse(text, mode="eval")  # PyInstaller evaluates this text
    assert isinstance(tree.body, ast.Call)
    assert tree.body.func.id == "VSVersionInfo"  # type: ignore[attr-defined]
    assert f"StringStruct('ProductVersion', '{__version__}')" in text
    assert "StringStruct('OriginalFilename', 'zebkb.exe')" in text
    assert str(version_tuple(__version__)) in text


def test_spec_names_a_reason_for_every_hidden_import() -> None:
    spec = (REPO / "packaging" / "zebkb.spec").read_text(encoding="utf-8")
    body = spec[spec.index("def hidden_imports") : spec.index("def excluded_modules")]
    lines = [line.strip() for line in body.splitlines()[2:] if line.strip() not in ("", "]")]
    for position, line in enumerate(lines):
        if line.startswith('"'):
            before = lines[position - 1]
            assert before.startswith("#") or lines[position - 1].startswith('"'), line


@pytest.mark.slow
@pytest.mark.skipif(not FROZEN.exists(), reason="no frozen build (python packaging/build.py)")
def test_frozen_build_smoke(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "smoke.py"), str(FROZEN), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "smoke test passed" in proc.stdout
