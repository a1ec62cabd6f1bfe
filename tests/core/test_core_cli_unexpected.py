"""Review findings in zebkb/cli: what reaches the user when something unexpected fails."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_unexpected_error_before_the_log_is_open_is_one_line_without_traceback() -> None:
    # A bug in a handler that fails before open_kb() has set up the log file:
    # nothing may fall through to logging's last-resort handler on stderr.
    script = textwrap.dedent(
        """
        import argparse, sys
        from zebkb.cli.main import run_handler

        def handler(args):
            raise RuntimeError("boom")

        args = argparse.Namespace(debug=False, command="restore-backup")
        sys.exit(run_handler(handler, args))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "unexpected error (RuntimeError: boom)" in lines[0]
