"""Bounds on a list from outside, and the one error a refused list raises.

A list arrives by e-mail from anyone; reading it must stay within known time
and memory whatever it holds. The figures are far above any ward's real list
(a few hundred facilities) and far below what would hang the window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from zebkb.errors import InputError


class TableError(InputError):
    """The list was refused; the message is one line in each language. Nothing changed."""


@dataclass(frozen=True, slots=True)
class TableLimits:
    file_bytes: int = 50 * 1000 * 1000
    rows: int = 50_000  # data rows with at least one value
    columns: int = 200
    cell_chars: int = 32_767  # Excel's own limit for one cell
    # Rows read including empty ones (Excel pads gaps): Excel's own sheet height.
    scanned_rows: int = 1_048_576
    # The .xlsx container: members, their declared sizes once unpacked, and how far
    # one member may expand (a zip bomb is small outside and huge inside).
    zip_members: int = 2_000
    zip_unpacked_bytes: int = 500 * 1000 * 1000
    zip_ratio: int = 200
    seconds: float = 120.0


DEFAULT_LIMITS = TableLimits()


class Deadline:
    """Refuses once ``seconds`` have passed on ``clock`` (tests inject a fake clock)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seconds = seconds
        self._end = clock() + seconds

    def check(self) -> None:
        if self._clock() > self._end:
            raise TableError(
                f"the list took longer than {self._seconds:g} s to read; split it into smaller files",
                message_ja=f"一覧表の読み込みが{self._seconds:g}秒を超えました。ファイルを分けてください",
            )
