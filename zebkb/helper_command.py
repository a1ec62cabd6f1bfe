"""How zebkb starts one of its own hidden commands as a helper process.

The attachment copier (zebkb/bundle/copier.py) and the text extractor
(zebkb/search/extract.py) each run in a child process; both start it the same way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def helper_command(command: str) -> tuple[list[str], dict[str, str] | None]:
    """The helper's command line, and its environment when it differs from ours."""
    if getattr(sys, "frozen", False):
        # The PyInstaller build: zebkb-cli beside the running program, since on Windows
        # `zebkb` is the window program, which has no standard output to answer on.
        exe = Path(sys.executable)
        cli = exe.with_name("zebkb-cli" + exe.suffix)
        return [str(cli if cli.is_file() else exe), command], None
    # The same zebkb as this process's, however it was found (an installed package, a
    # checkout on sys.path).
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    return [sys.executable, "-m", "zebkb", command], env
