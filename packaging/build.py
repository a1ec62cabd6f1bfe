"""Build the one-folder app: ``python packaging/build.py [--smoke]`` → dist/zebkb/.

Needs PyInstaller (``pip install -e '.[packaging]'``). With ``--smoke`` the
built program is then run through packaging/smoke.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "dist"
EXE_NAME = "zebkb-cli.exe" if sys.platform == "win32" else "zebkb-cli"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build() -> Path:
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(REPO / "build" / "pyinstaller"),
            str(REPO / "packaging" / "zebkb.spec"),
        ],
        check=True,
        cwd=REPO,
    )
    folder = DIST / "zebkb"
    print(
        f"built {folder} in {time.monotonic() - started:.0f} s: "
        f"{folder_size(folder) / 2**20:.0f} MiB"
    )
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="run the smoke test on the build")
    args = parser.parse_args()
    folder = build()
    if args.smoke:
        return subprocess.call(
            [sys.executable, str(REPO / "packaging" / "smoke.py"), str(folder / EXE_NAME)]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
