"""Canonical JSON of a record and the order of its versions (bundle-format.md, Merging)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any


def normalise_numbers(value: Any) -> Any:
    """Write integral floats as integers so 1200 and 1200.0 hash alike.

    SQLite hands REAL columns back as floats; without this a record that went
    through the database would hash differently from the same record in a
    bundle, and an unchanged record would look updated.
    """
    # Exact type checks first: this runs over every value of every record hashed,
    # and isinstance against the Mapping ABC dominated an import's profile.
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return int(value) if value.is_integer() and abs(value) <= 2**53 else value
    if kind is dict:
        return {k: normalise_numbers(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [normalise_numbers(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return normalise_numbers(float(value))
    if isinstance(value, Mapping):
        return {k: normalise_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise_numbers(v) for v in value]
    return value


def canonical_json(record: Mapping[str, Any]) -> bytes:
    """Keys sorted, no spaces, UTF-8: the form that is hashed and exported."""
    return json.dumps(
        normalise_numbers(record),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def record_hash(record: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(record)).hexdigest()


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp with offset, as an aware datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"timestamp without offset: {text}")
    return value


def version_key(record: Mapping[str, Any], digest: str | None = None) -> tuple[datetime, int, str]:
    """Versions compare by updated_at as an instant, then revision, then hash.

    ``digest`` is the record's hash when the caller has it already.
    """
    return (
        parse_timestamp(record["updated_at"]),
        int(record["revision"]),
        digest or record_hash(record),
    )
