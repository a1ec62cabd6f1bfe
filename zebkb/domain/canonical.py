"""Canonical JSON of a record and the order of its versions (bundle-format.md, Merging)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
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


# An accepted instant can be converted to UTC (to be ordered and stored) without
# overflowing datetime's years 1-9999; 0001-01-01T00:00:00+14:00 lies before them.
EARLIEST_INSTANT = datetime.min.replace(tzinfo=UTC)
LATEST_INSTANT = datetime.max.replace(tzinfo=UTC)


class InstantOutOfRange(ValueError):
    """A well-formed timestamp whose instant lies outside the years 0001-9999 in UTC."""


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp with offset, as an aware datetime.

    Raises ValueError for what is not one, and InstantOutOfRange for an instant
    outside the years 0001-9999 in UTC (e.g. 0001-01-01T00:00:00+14:00).
    """
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"timestamp without offset: {text}")
    if text[-3:-2] == ":" and text[-2:] >= "60":
        # fromisoformat reads +00:60 as +01:00; RFC 3339 offsets have minutes 00-59.
        raise ValueError(f"offset minutes beyond 59: {text}")
    # Comparing aware datetimes never overflows; converting them may.
    if not EARLIEST_INSTANT <= value <= LATEST_INSTANT:
        raise InstantOutOfRange(f"timestamp outside the years 0001-9999: {text}")
    return value


def _extra_digits(text: str) -> str:
    """Fraction digits beyond the microseconds datetime keeps, without trailing zeros."""
    dot = text.find(".")
    if dot < 0:
        return ""
    end = dot + 1
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[dot + 7 : end].rstrip("0")


def instant_key(text: str) -> tuple[datetime, str]:
    """Orders timestamps by their real moment, whatever their offsets and fraction digits.

    Digit strings without trailing zeros compare like the fractions they write.
    """
    return parse_timestamp(text).astimezone(UTC), _extra_digits(text)


def utc_key(text: str) -> str:
    """A timestamp as a fixed-width UTC string that sorts like the instant (years before 1000 too)."""
    moment = parse_timestamp(text).astimezone(UTC)
    # strftime's %Y does not pad years before 1000 on every platform.
    return f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%S.%fZ")


def version_key(
    record: Mapping[str, Any], digest: str | None = None
) -> tuple[tuple[datetime, str], int, str]:
    """Versions compare by updated_at as an instant, then revision, then hash.

    ``digest`` is the record's hash when the caller has it already.
    """
    return (
        instant_key(record["updated_at"]),
        int(record["revision"]),
        digest or record_hash(record),
    )
