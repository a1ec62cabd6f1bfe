"""The build's own pieces: the Windows version resource, and the frozen build where one exists."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def _spec_function(name: str) -> Any:
    """One function of the spec, run outside PyInstaller (the spec itself needs its globals)."""
    spec = (REPO / "packaging" / "zebkb.spec").read_text(encoding="utf-8")
    tree = ast.parse(spec)
    wanted = {name, "SYSTEM_FONTS", "FONT_LICENCES"}
    body = [
        node
        for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name in wanted)
        or (isinstance(node, ast.Assign) and {getattr(t, "id", "") for t in node.targets} & wanted)
    ]
    scope: dict[str, Any] = {"Path": Path, "REPO": REPO}
    exec(compile(ast.Module(body=body, type_ignores=[]), "zebkb.spec", "exec"), scope)
    return scope[name]


def test_the_build_bundles_the_japanese_font_where_the_sheets_look(tmp_path: Path) -> None:
    """zebkb/pdf.py looks for zebkb/assets/fonts/ipaexg.ttf: the spec puts the font there."""
    font_files = _spec_function("font_files")
    font = tmp_path / "system" / "ipaexg.ttf"
    font.parent.mkdir()
    font.write_bytes(b"font")
    licence = tmp_path / "copyright"
    licence.write_text("IPA Font License", encoding="utf-8")
    checkout = tmp_path / "checkout"
    (checkout / "assets" / "fonts").mkdir(parents=True)
    found = font_files(checkout, (str(tmp_path / "none.ttf"), str(font)), (str(licence),))
    dest = str(Path("zebkb", "assets", "fonts"))
    assert found == [(str(font), dest), (str(licence), dest)]
    # A checkout with the font in assets/fonts/ has it collected with the other assets.
    (checkout / "assets" / "fonts" / "ipaexg.ttf").write_bytes(b"font")
    assert font_files(checkout, (str(font),), ()) == []
    (checkout / "assets" / "fonts" / "ipaexg.ttf").unlink()
    with pytest.raises(SystemExit, match="no IPAex Gothic"):
        font_files(checkout, (str(tmp_path / "none.ttf"),), ())


def test_the_sheets_find_a_bundled_font_first(tmp_path: Path, monkeypatch) -> None:
    from zebkb import pdf

    assets = tmp_path / "assets"
    (assets / "fonts").mkdir(parents=True)
    (assets / "fonts" / "ipaexg.ttf").write_bytes(b"font")
    monkeypatch.setattr("importlib.resources.files", lambda _package: assets)
    assert pdf.japanese_font_file(()) == assets / "fonts" / "ipaexg.ttf"
