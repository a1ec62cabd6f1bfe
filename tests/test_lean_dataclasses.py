"""dataclasses imported without inspect (zebkb/__init__.py) works as usual."""

from __future__ import annotations

import subprocess
import sys


def test_dataclasses_load_inspect_only_when_they_call_it() -> None:
    code = """
import sys
import zebkb
import dataclasses
assert "inspect" not in sys.modules

@dataclasses.dataclass(frozen=True)
class Said:
    '''Has a docstring: inspect is not needed.'''
    a: int
    b: str = "x"

assert "inspect" not in sys.modules
assert Said(1) == Said(1, "x") and dataclasses.replace(Said(1), b="y").b == "y"

@dataclasses.dataclass
class Unsaid:
    a: int

assert Unsaid.__doc__ == "Unsaid(a: int)"  # made with the real inspect, loaded now
import inspect
assert "inspect" in sys.modules and inspect.signature(Unsaid).parameters["a"]
assert dataclasses.inspect is inspect
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
