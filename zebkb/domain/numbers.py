"""Numbers as staff type or paste them: separators, full-width digits, a trailing unit."""

from __future__ import annotations

import math
import re
import unicodedata

# Units a list or a form writes after a figure (after NFKC: ㎡ -> m2, ％ -> %).
# Only a unit at the very end is dropped, so "7,985.46㎡" reads as 7985.46 while
# "3階建て" or "約5千" stay text and are refused as numbers.
_TRAILING_UNIT = re.compile(
    r"(?:m2|m²|平米|%|t-?co2/年|t-?co2|t/年|t|階|人|名|kwh/年|kwh)$", re.IGNORECASE
)


def parse_number(text: str, integer: bool) -> int | float | str | None:
    """12,345.5 / １２，３４５ → a number; unreadable text comes back as it is.

    Empty text is None. ``integer`` turns an integral float (3.0) into 3.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    cleaned = cleaned.replace(",", "").replace("_", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        number = float(cleaned)
    except ValueError:
        return text.strip()
    if not math.isfinite(number):
        return text.strip()
    if integer and number.is_integer():
        return int(number)
    return number


def parse_quantity(text: str, integer: bool) -> int | float | str | None:
    """``parse_number`` that also reads a figure followed by its unit ("7,985.46㎡", "51%")."""
    value = parse_number(text, integer)
    if not isinstance(value, str):
        return value
    stripped = _TRAILING_UNIT.sub("", unicodedata.normalize("NFKC", text).strip())
    number = parse_number(stripped, integer)
    return text.strip() if number is None or isinstance(number, str) else number
