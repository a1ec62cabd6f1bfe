"""zebkb's bundle limits (bundle-format.md, Limits) and the size parser for --max-size."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zebkb.bundle.errors import BundleError
from zebkb.domain.limits import RECORD_LINE_MAX

KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30


@dataclass(frozen=True, slots=True)
class Limits:
    max_entry_size: int = 1 * GIB
    max_total_size: int = 4 * GIB
    max_line: int = RECORD_LINE_MAX  # the record-size rule of zebkb/domain/limits.py
    max_records: int = 200_000
    max_depth: int = 64
    max_ratio: int = 200
    # The compression-ratio rule applies to entries larger than this.
    ratio_floor: int = 1 * MIB
    # Not in the spec's table: manifest.json and signature.json are read into
    # memory whole, so they get their own bound (a manifest lists about
    # 150 bytes per file, so 64 MiB is far more than 200,000 files need).
    max_manifest: int = 64 * MIB
    max_signature: int = 64 * KIB
    max_entries: int = 1_000_000

    def ratio_exceeded(self, size: int, compressed: int) -> bool:
        """The zip-bomb guard: the reader refuses such an entry, so the writer stores it."""
        return size > self.ratio_floor and compressed * self.max_ratio < size


DEFAULT_LIMITS = Limits()

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "kib": KIB,
    "mib": MIB,
    "gib": GIB,
}
_SIZE_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*")
MIN_PART_SIZE = 10_000


def parse_size(text: str) -> int:
    """'10MB' → 10,000,000; '5 MiB' → 5,242,880; '500k' → 500,000; '2048' → 2048 bytes.

    Decimal units (k, MB, GB) are the smaller reading of what a mail server's
    "10MB" means, so a split bundle never exceeds the cap either way.
    """
    m = _SIZE_RE.fullmatch(text)
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _UNITS:
        raise BundleError(
            f"not a size: {text!r} (write e.g. 10MB, 5MiB or 500k)",
            message_ja=f"大きさとして読めません: {text!r}（例: 10MB、5MiB、500k）",
        )
    size = int(float(m.group(1)) * _UNITS[unit])
    if size < MIN_PART_SIZE:
        raise BundleError(
            f"size {text!r} is too small: a bundle part needs at least {MIN_PART_SIZE} bytes",
            message_ja=f"大きさ {text!r} は小さすぎます（最低 {MIN_PART_SIZE:,} バイト）",
        )
    return size
