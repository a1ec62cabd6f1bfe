"""One way to start a helper process (zebkb/helper_command.py), for every feature that has one.

The attachment copier (zebkb/bundle/copier.py) and the text extractor
(zebkb/search/extract.py) both start theirs with ``start_helper``: the pipes,
the encoding, the dropped standard error and the hidden console window are set
in one place.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from zebkb.helper_command import start_helper

PACKAGE = Path(__file__).resolve().parents[2] / "zebkb"
ECHO = "import sys; print(sys.stdin.readline().upper(), end='', flush=True); sys.exit(7)"


def test_the_helper_is_given_its_first_line_and_answers_in_utf8() -> None:
    proc = start_helper([sys.executable, "-c", ECHO], None, '{"title": "清掃事務所 zeb"}')
    assert proc.stdout is not None
    assert proc.stdout.readline() == '{"TITLE": "清掃事務所 ZEB"}\n'
    assert proc.wait() == 7
    proc.stdout.close()
    assert proc.stdin is not None
    proc.stdin.close()


def test_a_helper_that_cannot_start_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        start_helper([str(tmp_path / "no-such-zebkb-cli")], None, "{}")


def test_the_features_start_their_helpers_only_through_it() -> None:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "Popen":
                    calls.append(str(path.relative_to(PACKAGE)))
    assert calls == ["helper_command.py"]
    for feature in ("bundle/copier.py", "search/extract.py"):
        source = (PACKAGE / feature).read_text(encoding="utf-8")
        assert "start_helper(" in source, feature
