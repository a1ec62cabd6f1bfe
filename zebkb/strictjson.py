"""JSON as bundle-format.md allows it, and nothing more.

Python's json module accepts NaN and Infinity, keeps the last of duplicate
keys, passes lone surrogates (which SQLite then rejects mid-import) and raises
RecursionError on deep nesting. Everything from outside goes through here.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 64
MAX_SAFE_INT = 2**53


class StrictJSONError(ValueError):
    """The text is not strict JSON; the message says why in one line (``message_ja``: in
    Japanese, for a Japanese message that quotes it)."""

    def __init__(self, message: str, message_ja: str | None = None) -> None:
        super().__init__(message)
        self.message_ja = message_ja or message


def _reject_constant(name: str) -> Any:
    raise StrictJSONError(f"{name} is not allowed in JSON", f"{name} は JSON では使えません")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise StrictJSONError(
                f"key {key!r} appears twice in one object",
                f"キー {key!r} が一つのオブジェクトに二度あります",
            )
        result[key] = value
    return result


def _depth_ok(text: str, max_depth: int) -> None:
    """Scan brackets outside strings before parsing, so json never recurses deeply."""
    depth = 0
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                raise StrictJSONError(
                    f"nested deeper than {max_depth} levels",
                    f"入れ子が {max_depth} 段を超えています",
                )
        elif ch in "]}":
            depth -= 1


def _check_values(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _check_string(item)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_SAFE_INT:
                raise StrictJSONError(
                    f"integer {item} lies outside ±2^53", f"整数 {item} が ±2^53 の範囲外です"
                )
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise StrictJSONError("number is not finite", "数値が有限ではありません")
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_string(key)
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)


def _check_string(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StrictJSONError(
            "unpaired surrogate in a string", "文字列に対になっていないサロゲートがあります"
        ) from None


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse strict JSON; raise StrictJSONError with a one-line reason."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StrictJSONError(
                f"not valid UTF-8 (byte {exc.start})",
                f"UTF-8 として読めません（{exc.start} バイト目）",
            ) from None
    if text.startswith("\ufeff"):
        raise StrictJSONError("starts with a byte-order mark", "先頭に BOM があります")
    _depth_ok(text, max_depth)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
        )
    except StrictJSONError:
        raise
    except json.JSONDecodeError as exc:
        raise StrictJSONError(
            f"broken JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            f"{exc.lineno} 行 {exc.colno} 文字目で書き方が崩れています",
        ) from None
    except RecursionError:
        raise StrictJSONError(
            f"nested deeper than {max_depth} levels", f"入れ子が {max_depth} 段を超えています"
        ) from None
    _check_values(value)
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise StrictJSONError(
            f"number {text[:20]} is not finite", f"数値 {text[:20]} が有限ではありません"
        )
    return value
