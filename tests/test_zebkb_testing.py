"""The tests' shared names are defined once, in tests/zebkb_testing.py, and imported.

Ward codes (SHINAGAWA, KATSUSHIKA, …) defined again in a test file drift apart
unnoticed; so do copies of ``run_zebkb`` (how a test starts the command line).
"""

from __future__ import annotations

import ast
from pathlib import Path

import zebkb_testing

TESTS = Path(__file__).resolve().parent
SHARED = {
    name
    for name, value in vars(zebkb_testing).items()
    if name.isupper() and isinstance(value, str) and value.isdigit() and len(value) == 6
}

RUNNERS = {"zebkb", "run_zebkb"}


def test_the_ward_codes_are_shared() -> None:
    assert {"SHINAGAWA", "KATSUSHIKA"} <= SHARED


def test_no_test_file_defines_them_again() -> None:
    again = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "zebkb_testing.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if isinstance(node, ast.FunctionDef) and node.name in RUNNERS:
                calls = {
                    getattr(c.func, "id", None) for c in ast.walk(node) if isinstance(c, ast.Call)
                }
                if "run_zebkb" not in calls:  # a copy, not a shorthand for the shared one
                    names.add(node.name)
            again.extend(
                f"{path.relative_to(TESTS)}: {n}" for n in sorted(names & (SHARED | RUNNERS))
            )
    assert again == []
