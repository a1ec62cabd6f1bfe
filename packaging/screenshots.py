"""Screenshots of every screen and dialog, in Japanese and English, for the README.

    python packaging/screenshots.py [OUT_DIR]   (default: docs/screenshots)

The shooting is tests/ui/test_screenshots.py's, the one source: this runs those
tests with ZEBKB_SCREENSHOTS naming the folder, so every image the tests draw
(and check) is written there. Offscreen unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests" / "ui" / "test_screenshots.py"


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "docs" / "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ZEBKB_SCREENSHOTS=str(out))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    command = [sys.executable, "-m", "pytest", str(TESTS), "-q", "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=REPO, env=env, check=False)
    for path in sorted(out.glob("*.png")):
        print(path)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
