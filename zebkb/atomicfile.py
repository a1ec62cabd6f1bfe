"""Files written for people (a PDF, a list, a saved attachment): whole or not at all.

One way for every such file: written under a temporary name beside the target,
synced, given ordinary permissions (mkstemp makes files only their owner can
read; a file handed round must read like any document), then renamed over the
target. A target that is a folder, or in a folder that does not exist, is
refused in one line in both languages.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from zebkb.errors import KnownError


def make_shareable(path: Path | str) -> None:
    """Give a file meant for others (a bundle, a PDF) ordinary permissions."""
    os.chmod(path, 0o644)


def write_file(out: Path | str, fill: Callable[[BinaryIO], object], *, example: str) -> Path:
    """Write ``out`` with ``fill(stream)``; ``example`` is a file name the refusal suggests."""
    out = Path(out).expanduser()
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise KnownError(
            f"{out} is a folder; give a file name such as {example}",
            message_ja=f"{out} はフォルダです。{example} のようにファイル名を指定してください",
        )
    if not folder.is_dir():
        raise KnownError(
            f"folder {folder} does not exist", message_ja=f"フォルダ {folder} がありません"
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as stream:
            fill(stream)
            stream.flush()
            os.fsync(stream.fileno())
        make_shareable(tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
