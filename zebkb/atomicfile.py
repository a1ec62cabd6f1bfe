"""Files written for people (a PDF, a list, a saved attachment): whole or not at all.

One way for every such file: written under a temporary name beside the target,
synced, given ordinary permissions (mkstemp makes files only their owner can
read; a file handed round must read like any document), then renamed over the
target. A target that is a folder, or in a folder that does not exist, is
refused in one line in both languages. The temporary name carries the
writer's pid and the writer holds a lock on it, so that what a killed writer
left can be told from a live one's and swept (`sweep_leftovers`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from zebkb.errors import KnownError
from zebkb.tempfiles import hold_temp, sweep_leftovers, temp_prefix


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
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(f".{out.name}."), suffix=".tmp", dir=folder)
    hold_temp(fd)
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


def leftover_names(name: str) -> re.Pattern[str]:
    """The temporary names `write_file` gives while writing a file called ``name``."""
    return re.compile(re.escape(f".{name}.") + r"(?P<pid>\d+)-[a-z0-9_]+\.tmp")


def sweep_leftovers_of(folder: Path, name: str) -> list[Path]:
    """Remove what killed writers of ``folder/name`` left (a live writer's file stays)."""
    return sweep_leftovers(folder, leftover_names(name))
