"""How zebkb starts one of its own hidden commands as a helper process.

The attachment copier (zebkb/bundle/copier.py) and the text extractor
(zebkb/search/extract.py) each run in a child process; both start it here, the
same way: its command line (``helper_command``) and the process (``start_helper``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
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


def start_helper(
    command: list[str], env: dict[str, str] | None, first_line: str
) -> subprocess.Popen[str]:
    """Start a helper and hand it ``first_line`` (its job, as one line of JSON).

    It talks in UTF-8 lines on its standard input and output; what it writes on
    standard error is dropped, and on Windows it opens no console window.
    Raises OSError when it cannot be started or given its line (then it is gone):
    the callers do the work in their own process instead.
    """
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        env=env,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )
    try:
        assert proc.stdin is not None
        proc.stdin.write(first_line + "\n")
        proc.stdin.flush()
    except OSError:  # it ended before reading: nothing of it is left running
        with contextlib.suppress(OSError):
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        raise
    return proc
