"""Progress on stderr for long commands (stdout stays clean for --json).

The label is said in the person's language: a key of zebkb/cli/lang.py TEXTS
(``progress.…``) and the language.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def stderr_progress(key: str, lang: str, *, every: float = 0.5) -> Callable[[int, int], None]:
    from zebkb.cli.lang import say

    label = say(key, lang)
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < every:
            return
        last[0] = now
        pct = f"{100 * done // total}%" if total else ""
        sys.stderr.write(f"\r{label}: {done}/{total} {pct}   ")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report
