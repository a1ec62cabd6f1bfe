"""Record validation: every rule of bundle-format.md (records.jsonl), one clear line per failure.

Strict mode is for bundles and anything another program wrote: exact types
and forms. Lenient mode (strict=False) is for what a person typed in the `add`
command or the window: ward names, dates in any form staff write, labels for
coded values, and the fields the service assigns may be left out.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from zebkb.domain.canonical import (
    InstantOutOfRange,
    canonical_json,
    normalise_numbers,
    parse_timestamp,
)
from zebkb.domain.dates import DateError, first_day, parse_iso_partial, parse_partial_date
from zebkb.domain.eras import fill_fiscal_year
from zebkb.domain.fields import (
    ASSIGNED_FIELDS,
    COMMON_FIELDS,
    TOMBSTONE_FIELDS,
    Field,
    FieldType,
    Kind,
    fields_for,
)
from zebkb.domain.limits import (
    CAPTION_MAX,
    FILENAME_MAX,
    LINE_TEXT_MAX,
    LIST_ITEM_MAX,
    LIST_ITEMS_MAX,
    LONG_TEXT_MAX,
    MEDIA_TYPE_MAX,
    RECORD_LINE_MAX,
    records_line_size,
    size_text,
)
from zebkb.domain.ranks import (
    CURRENT_ZEH_LAST_CERTIFIED,
    GX_APPLIES_FROM,
    GX_FAMILIES,
    ZEH_FAMILY,
    ZEHM_FAMILY,
    RankCheck,
    check_rank,
    rank_family,
    split_rank_status,
)
from zebkb.domain.rows import attendance_total, operation_line, operation_years
from zebkb.domain.vocab import (
    BUILDING_USES,
    CASE_STAGES,
    DWELLING_TYPES,
    EVALUATION_METHODS,
    FIGURES_BASES,
    ISSUE_CATEGORIES,
    ISSUE_STATUSES,
    PROJECT_TYPES,
    RANK_STATUSES,
    RECORD_TYPES,
    SESSION_FORMATS,
    SESSION_KINDS,
    VISIT_DIRECTIONS,
    Vocabulary,
)
from zebkb.domain.wards import WardError, is_special_ward, lg_code_valid, resolve_ward
from zebkb.errors import InputError

UID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
# RFC 3339 section 5.6; its note allows a space or lower-case t/z as well.
TIMESTAMP_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})"
)
CLOCK_SKEW = timedelta(hours=24)
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
MAX_SAFE_INT = 2**53
ATTACHMENT_KEYS = ("sha256", "filename", "media_type", "size", "caption", "omitted")

# Closed vocabularies beyond the choices fields.py declares: bundle-format.md
# lists building uses without "e.g.", so other values are refused.
_EXTRA_CHOICES: dict[str, Vocabulary] = {"building_use": BUILDING_USES}
# Lenient input may use a label (勉強会, 新築, 相当) for a coded value.
_LABELLED: dict[str, Vocabulary] = {
    "type": RECORD_TYPES,
    "project_type": PROJECT_TYPES,
    "rank_status": RANK_STATUSES,
    "kind": SESSION_KINDS,
    "building_use": BUILDING_USES,
    "dwelling_type": DWELLING_TYPES,
    "format": SESSION_FORMATS,
    "direction": VISIT_DIRECTIONS,
    "status": ISSUE_STATUSES,
    "category": ISSUE_CATEGORIES,
    "evaluation_method": EVALUATION_METHODS,
    "stage": CASE_STAGES,
    "figures_basis": FIGURES_BASES,
}


class RecordError(InputError, ValueError):
    """One broken rule in one record. str() is one English line; message_ja is the Japanese one.

    The caller may set `.where` (e.g. "line 3") to say where the record came from.
    """

    def __init__(
        self,
        message_en: str,
        message_ja: str,
        *,
        uid: str | None = None,
        field: str | None = None,
        where: str | None = None,
        fiscal_year: int | None = None,
    ) -> None:
        super().__init__(message_en, message_ja=message_ja, fiscal_year=fiscal_year)
        self.uid = uid
        self.field = field
        self.where = where

    @staticmethod
    def _short_uid(uid: str) -> str:
        return uid if len(uid) <= 8 else uid[:8] + "…"

    def __str__(self) -> str:
        return self._line(self.message_en, "record", "field ", self.field)

    def message(self, lang: str = "en", style: str | None = None) -> str:
        """The one line a person reads (the window shows it; str() keeps any detail after it).

        ``style``: the date style a fiscal year in it is written in (western without).
        """
        if lang == "ja":
            text = self.line_ja(style)
        else:
            text = self._line(self.short_message("en", style), "record", "field ", self.field)
        return text.splitlines()[0] if text else type(self).__name__

    def short_message(self, lang: str, style: str | None = None) -> str:
        """The message without where, record and field (shown beside the field)."""
        return super().message(lang, style)

    def unfilled(self, lang: str) -> str:
        """The short message with a fiscal year still ``{fiscal_year}``, for a message wrapping it."""
        return self._templates[1] if lang == "ja" else self._templates[0]

    def unfilled_line(self, lang: str) -> str:
        """message(lang) with a fiscal year still ``{fiscal_year}``."""
        if lang == "ja":
            name = f"「{_FIELD_LABELS_JA.get(self.field, self.field)}」" if self.field else None
            return self._line(self.unfilled("ja"), "レコード", "項目", name)
        return self._line(self.unfilled("en"), "record", "field ", self.field)

    def _line(self, text: str, record: str, field: str, field_name: str | None) -> str:
        parts = []
        if self.where:
            parts.append(self.where)
        if self.uid:
            parts.append(f"{record} {self._short_uid(self.uid)}")
        if field_name:
            parts.append(f"{field}{field_name}")
        parts.append(text)
        return ": ".join(parts)

    def line_ja(self, style: str | None = None) -> str:
        """The same line in Japanese, for the window."""
        name = f"「{_FIELD_LABELS_JA.get(self.field, self.field)}」" if self.field else None
        return self._line(self.short_message("ja", style), "レコード", "項目", name)


_TYPE_FIELD: Field = next(f for f in COMMON_FIELDS if f.name == "type")
_FIELD_LABELS_JA: dict[str, str] = {
    f.name: f.label_ja for kind in Kind for f in fields_for(kind) if f.label_ja
}


def _shown(value: Any) -> str:
    """A value as the user wrote it, cut short so the message stays one line."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    text = text.replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "…"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


class _Checker:
    """Validates one record; every failure names the field and the value."""

    def __init__(
        self,
        data: Mapping[str, Any],
        strict: bool,
        now: datetime | None,
        size_bound: int | None = None,
    ) -> None:
        self.data = data
        self.strict = strict
        self.now = now
        self.size_bound = size_bound
        raw_uid = data.get("uid")
        self.uid = raw_uid if isinstance(raw_uid, str) and raw_uid else None

    def fail(
        self, field: str | None, en: str, ja: str, fiscal_year: int | None = None
    ) -> RecordError:
        return RecordError(en, ja, uid=self.uid, field=field, fiscal_year=fiscal_year)

    # Scalars ------------------------------------------------------------

    def string(self, f: Field, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(
                f.name,
                f"must be text (got {_shown(value)})",
                f"文字で入力してください（値: {_shown(value)}）",
            )
        if not self.strict:
            value = value.strip()
        vocab = _LABELLED.get(f.name)
        if not self.strict and vocab is not None:
            value = vocab.lookup(value) or value
        if f.name == "zeb_rank" and not self.strict and value:
            value = split_rank_status(value)[0]
        choices = f.choices or (
            _EXTRA_CHOICES[f.name].values() if f.name in _EXTRA_CHOICES else None
        )
        if choices is not None and value not in choices:
            allowed = ", ".join(choices)
            raise self.fail(
                f.name,
                f"must be one of {allowed} (got {_shown(value)})",
                f"次のいずれかにしてください: {allowed}（値: {_shown(value)}）",
            )
        if f.required and not value.strip():
            raise self.fail(f.name, "must not be empty", "空欄にはできません")
        self.length(f.name, value, f.max_length or LINE_TEXT_MAX)
        return str(value)

    def length(self, name: str, value: str, limit: int, what: str = "", what_ja: str = "") -> None:
        """The one rule for text length (limits.py); the message never quotes the value whole."""
        if len(value) > limit:
            raise self.fail(
                name,
                f"{what}must be at most {limit:,} characters (got {len(value):,})",
                f"{what_ja}{limit:,}文字以内にしてください（{len(value):,}文字）",
            )

    def count(self, name: str, items: list[Any]) -> None:
        if len(items) > LIST_ITEMS_MAX:
            raise self.fail(
                name,
                f"must have at most {LIST_ITEMS_MAX:,} items (got {len(items):,})",
                f"{LIST_ITEMS_MAX:,}件以内にしてください（{len(items):,}件）",
            )

    def text(self, f: Field, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(
                f.name,
                f"must be text (got {_shown(value)})",
                f"文字で入力してください（値: {_shown(value)}）",
            )
        self.length(f.name, value, f.max_length or LONG_TEXT_MAX)
        return value

    def _minimum(self, f: Field, value: float) -> None:
        if f.minimum is not None:
            if f.exclusive_minimum and value <= f.minimum:
                raise self.fail(
                    f.name,
                    f"must be a number greater than {f.minimum:g} (got {_shown(value)})",
                    f"{f.minimum:g}より大きい数値にしてください（値: {_shown(value)}）",
                )
            if not f.exclusive_minimum and value < f.minimum:
                raise self.fail(
                    f.name,
                    f"must be a number of at least {f.minimum:g} (got {_shown(value)})",
                    f"{f.minimum:g}以上の数値にしてください（値: {_shown(value)}）",
                )
        if f.maximum is not None:
            if f.exclusive_maximum and value >= f.maximum:
                raise self.fail(
                    f.name,
                    f"must be a number less than {f.maximum:g} (got {_shown(value)})",
                    f"{f.maximum:g}未満の数値にしてください（値: {_shown(value)}）",
                )
            if not f.exclusive_maximum and value > f.maximum:
                raise self.fail(
                    f.name,
                    f"must be a number of at most {f.maximum:g} (got {_shown(value)})",
                    f"{f.maximum:g}以下の数値にしてください（値: {_shown(value)}）",
                )

    def integer(self, f: Field, value: Any) -> int:
        # JSON does not tell 3 from 3.0; an integral float is the same integer.
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                f.name,
                f"must be a whole number (got {_shown(value)})",
                f"整数にしてください（値: {_shown(value)}）",
            )
        if abs(value) > MAX_SAFE_INT:
            raise self.fail(
                f.name, f"lies outside ±2^53 (got {value})", f"値が大きすぎます（値: {value}）"
            )
        self._minimum(f, value)
        return value

    def number(self, f: Field, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(
                f.name,
                f"must be a number (got {_shown(value)})",
                f"数値にしてください（値: {_shown(value)}）",
            )
        if not math.isfinite(value):
            raise self.fail(
                f.name, f"must be a finite number (got {value})", "有限の数値にしてください"
            )
        if isinstance(value, int) and abs(value) > MAX_SAFE_INT:
            raise self.fail(
                f.name, f"lies outside ±2^53 (got {value})", f"値が大きすぎます（値: {value}）"
            )
        self._minimum(f, value)
        return value

    def boolean(self, f: Field, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(
                f.name,
                f"must be true or false (got {_shown(value)})",
                f"true か false にしてください（値: {_shown(value)}）",
            )
        return value

    def date(self, f: Field, value: Any) -> str:
        # A day, a month or a year: a source that gives no day gets none invented.
        try:
            if self.strict:
                return parse_iso_partial(value)
            if not isinstance(value, str):
                raise DateError("a date must be text", "日付は文字で入力してください")
            return parse_partial_date(value)
        except DateError as exc:
            if self.strict:
                raise self.fail(
                    f.name,
                    "must be a real date written YYYY-MM-DD, YYYY-MM or YYYY"
                    f" (got {_shown(value)})",
                    "実在する日付を YYYY-MM-DD、YYYY-MM、YYYY のいずれかで入力してください"
                    f"（値: {_shown(value)}）",
                ) from None
            raise self.fail(f.name, exc.message_en, exc.message_ja) from None

    def timestamp(self, f: Field, value: Any) -> str:
        ok = isinstance(value, str) and TIMESTAMP_PATTERN.fullmatch(value) is not None
        if ok:
            try:
                parse_timestamp(value)
            except InstantOutOfRange:
                raise self.fail(
                    f.name,
                    f"lies outside the years 0001-9999 once converted to UTC (got {_shown(value)})",
                    f"協定世界時に直すと0001〜9999年の範囲外になる日時です（値: {_shown(value)}）",
                ) from None
            except ValueError:
                ok = False
        if not ok:
            raise self.fail(
                f.name,
                "must be an RFC 3339 timestamp with offset, e.g. 2025-03-18T09:00:00+09:00"
                f" (got {_shown(value)})",
                f"日時は 2025-03-18T09:00:00+09:00 の形式で入力してください（値: {_shown(value)}）",
            )
        return str(value)

    def ward(self, f: Field, value: Any) -> str:
        if self.strict:
            if not lg_code_valid(value):
                raise self.fail(
                    f.name,
                    "must be a 6-digit local-government code with a valid check digit"
                    f" (got {_shown(value)})",
                    f"6桁の地方公共団体コード（検査数字が正しいもの）にしてください（値: {_shown(value)}）",
                )
            return str(value)
        try:
            return resolve_ward(value)
        except WardError as exc:
            raise self.fail(
                f.name, str(exc), f"区または団体コードとして読めません（値: {_shown(value)}）"
            ) from None

    def ward_list(self, f: Field, value: Any) -> list[str]:
        items = self._list(f, value)
        codes: list[str] = []
        for i, item in enumerate(items):
            try:
                codes.append(self.ward(f, item))
            except RecordError as exc:
                raise self.fail(
                    f.name, f"item {i + 1}: {exc.message_en}", f"{i + 1}番目: {exc.message_ja}"
                ) from None
        return codes

    def uid_value(self, name: str, value: Any) -> str:
        if not isinstance(value, str) or not UID_PATTERN.fullmatch(value):
            raise self.fail(
                name,
                f"must be a lowercase canonical UUID (got {_shown(value)})",
                f"小文字の正規形UUIDにしてください（値: {_shown(value)}）",
            )
        return value

    # Lists --------------------------------------------------------------

    def _list(self, f: Field, value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(
                f.name,
                f"must be a list (got {_shown(value)})",
                f"リストにしてください（値: {_shown(value)}）",
            )
        return value

    def string_list(self, f: Field, value: Any) -> list[str]:
        items = self._list(f, value)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise self.fail(
                    f.name,
                    f"item {i + 1} must be text (got {_shown(item)})",
                    f"{i + 1}番目の項目は文字にしてください（値: {_shown(item)}）",
                )
        if not self.strict:
            items = [s for s in (item.strip() for item in items) if s]
        self.count(f.name, items)
        for i, item in enumerate(items):
            self.length(f.name, item, LIST_ITEM_MAX, f"item {i + 1} ", f"{i + 1}番目の項目は")
        return list(items)

    def uid_list(self, f: Field, value: Any) -> list[str]:
        items = self._list(f, value)
        self.count(f.name, items)
        for i, item in enumerate(items):
            if not isinstance(item, str) or not UID_PATTERN.fullmatch(item):
                raise self.fail(
                    f.name,
                    f"item {i + 1} must be a lowercase canonical UUID (got {_shown(item)})",
                    f"{i + 1}番目の項目は小文字の正規形UUIDにしてください（値: {_shown(item)}）",
                )
        return list(items)

    def attachments(self, f: Field, value: Any) -> list[dict[str, Any]]:
        items = self._list(f, value)
        self.count(f.name, items)
        clean: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            n = i + 1

            def bad(en: str, ja: str, n: int = n) -> RecordError:
                return self.fail(f.name, f"attachment {n}: {en}", f"添付{n}: {ja}")

            if not isinstance(item, Mapping):
                raise bad(
                    f"must be an object (got {_type_name(item)})", "オブジェクトにしてください"
                )
            sha = item.get("sha256")
            if not isinstance(sha, str) or not SHA256_PATTERN.fullmatch(sha):
                raise bad(
                    f"sha256 must be 64 lowercase hex digits (got {_shown(sha)})",
                    f"sha256 は小文字16進64桁にしてください（値: {_shown(sha)}）",
                )
            name = item.get("filename")
            if (
                not isinstance(name, str)
                or not name.strip()
                or any(sep in name for sep in "/\\\x00")
                or name in (".", "..")
            ):
                raise bad(
                    f"filename must be a plain file name without folders (got {_shown(name)})",
                    f"filename はフォルダを含まないファイル名にしてください（値: {_shown(name)}）",
                )
            media = item.get("media_type")
            if not isinstance(media, str) or not media.strip():
                raise bad(
                    f"media_type must be text such as image/jpeg (got {_shown(media)})",
                    f"media_type は image/jpeg のような文字にしてください（値: {_shown(media)}）",
                )
            size = item.get("size")
            if isinstance(size, float) and size.is_integer():
                size = int(size)
            if isinstance(size, bool) or not isinstance(size, int) or size < 0:
                raise bad(
                    f"size must be a whole number of bytes ≥ 0 (got {_shown(size)})",
                    f"size は0以上の整数（バイト数）にしてください（値: {_shown(size)}）",
                )
            caption = item.get("caption")
            if caption is not None and not isinstance(caption, str):
                raise bad(
                    f"caption must be text (got {_shown(caption)})",
                    f"caption は文字にしてください（値: {_shown(caption)}）",
                )
            for key, given, limit in (
                ("filename", name, FILENAME_MAX),
                ("media_type", media, MEDIA_TYPE_MAX),
                ("caption", caption or "", CAPTION_MAX),
            ):
                self.length(f.name, given, limit, f"attachment {n}: {key} ", f"添付{n}: {key} は")
            omitted = item.get("omitted")
            if omitted is not None and not isinstance(omitted, bool):
                raise bad(
                    f"omitted must be true or false (got {_shown(omitted)})",
                    f"omitted は true か false にしてください（値: {_shown(omitted)}）",
                )
            entry = dict(item)
            entry["size"] = size
            clean.append(entry)
        return clean

    def rows(self, f: Field, value: Any) -> list[dict[str, Any]]:
        """A list of objects with the field's columns; keys it does not declare are kept."""
        items = self._list(f, value)
        self.count(f.name, items)
        clean: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            n = i + 1
            if not isinstance(item, Mapping):
                raise self.fail(
                    f.name,
                    f"row {n} must be an object (got {_type_name(item)})",
                    f"{n}行目はオブジェクトにしてください",
                )
            row = dict(item)
            if not self.strict:
                # A blank cell is no value; a row left wholly blank in a form is no row.
                row = {k: v for k, v in row.items() if not (v is None or v == "")}
                if not row:
                    continue
            for c in f.columns:
                raw = row.get(c.name)
                if raw is None:
                    if c.required:
                        raise self.fail(
                            f.name,
                            f"row {n}: {c.name} is required",
                            f"{n}行目: 「{c.label_ja}」は必須です",
                        )
                    continue
                try:
                    row[c.name] = self.value(c, raw)
                except RecordError as exc:
                    raise self.fail(
                        f.name,
                        f"row {n}: {c.name} {exc.message_en}",
                        f"{n}行目: 「{c.label_ja}」は{exc.message_ja}",
                    ) from None
            clean.append(row)
        return clean

    # The record ---------------------------------------------------------

    def value(self, f: Field, value: Any) -> Any:
        return getattr(self, _HANDLERS[f.type])(f, value)

    def uid_field(self, f: Field, value: Any) -> str:
        return self.uid_value(f.name, value)

    def run(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.data)
        type_field = _TYPE_FIELD
        raw_type = self.data.get("type")
        if raw_type is None:
            raise self.fail(
                "type",
                "is required (case, visit, session, issue or owner)",
                "必須です(case、visit、session、issue、owner)",
            )
        kind = Kind(self.string(type_field, raw_type))
        out["type"] = kind.value
        tombstone = self.data.get("deleted") is True
        for f in fields_for(kind):
            if f.name == "type" or (tombstone and f.name not in TOMBSTONE_FIELDS):
                continue
            raw = self.data.get(f.name)
            if raw is None:
                if f.required and (self.strict or f.name not in ASSIGNED_FIELDS):
                    raise self.fail(f.name, "is required", "必須項目です")
                continue
            if not self.strict and isinstance(raw, str) and not raw.strip() and not f.required:
                # An emptied form field means "no value", not an invalid one.
                out[f.name] = None
                continue
            out[f.name] = self.value(f, raw)
        if not tombstone:
            self.cross_field(out, kind)
        self.clock_guard(out)
        clean: dict[str, Any] = normalise_numbers(out)
        self.record_size(clean)
        return clean

    def record_size(self, clean: dict[str, Any]) -> None:
        """Whatever is saved fits one records.jsonl line, so it can always be exported."""
        if self.size_bound is not None and self.size_bound <= RECORD_LINE_MAX:
            return
        size = records_line_size(len(canonical_json(clean)), clean.get("attachments"))
        if size > RECORD_LINE_MAX:
            raise self.fail(
                None,
                f"the record is {size_text(size)} as JSON, more than the"
                f" {size_text(RECORD_LINE_MAX)} a record may hold; shorten its text",
                f"記録が JSON で {size_text(size)} あり、上限 {size_text(RECORD_LINE_MAX)} を"
                "超えています。本文などを短くしてください",
            )

    def cross_field(self, out: dict[str, Any], kind: Kind) -> None:
        if kind in (Kind.VISIT, Kind.SESSION):
            self.materials(out)
        if kind is not Kind.CASE:
            return
        self.unique_rows(out, "operation_years", "fiscal_year")
        self.unique_rows(out, "stage_dates", "stage")
        if not self.strict:
            # The 竣工 row's dates are the completion dates: a person who types them
            # there need not type them twice (a bundle's record is kept as sent).
            for row in out.get("stage_dates") or []:
                if row.get("stage") != "completed":
                    continue
                for key, name in (
                    ("actual_on", "completed_on"),
                    ("planned_on", "planned_completion_on"),
                ):
                    if out.get(name) is None and row.get(key) is not None:
                        out[name] = row[key]
        raw_rank = self.data.get("zeb_rank")
        if not self.strict and isinstance(raw_rank, str) and out.get("rank_status") is None:
            # "ZEB Oriented相当" typed in one box says the status too.
            status = split_rank_status(raw_rank)[1]
            if status is not None:
                out["rank_status"] = status
        if out.get("certified_on") is not None and out.get("rank_status") != "certified":
            raise self.fail(
                "certified_on",
                "a certification date needs rank_status certified"
                f" (rank_status is {_shown(out.get('rank_status'))})",
                "認証日は「認証」のランクにのみ記入できます（相当・未記入には不可）",
            )
        for i, line in enumerate(out.get("operation") or []):
            if operation_year(line) is None:
                raise self.fail(
                    "operation",
                    f"line {i + 1} must be a fiscal year and the measured primary energy,"
                    f" optionally the generation, e.g. 2022 480 120 (got {_shown(line)})",
                    f"{i + 1}行目は「年度 一次エネルギー消費量 発電量」で書いてください"
                    f"（例: 2022 480 120、値: {_shown(line)}）",
                )
        standard = _number_or_none(out.get("standard_primary_energy_mj_m2"))
        design = _number_or_none(out.get("design_primary_energy_mj_m2"))
        if not self.strict and standard and design is not None and out.get("bei") is None:
            # Typed figures: BEI follows from the two energies (design ÷ standard),
            # rounded as BELS prints it. A bundle's record is kept exactly as sent.
            out["bei"] = round(design / standard, 2)
        r_ex = _number_or_none(out.get("reduction_excl_renewables_pct"))
        r_in = _number_or_none(out.get("reduction_incl_renewables_pct"))
        if r_ex is not None and r_in is not None and r_in < r_ex:
            # Renewables only add to the reduction, so this cannot be: most often
            # the two figures were entered in each other's boxes.
            raise self.fail(
                "reduction_incl_renewables_pct",
                f"the reduction including renewables ({r_in:g}%) cannot be lower than without"
                f" ({r_ex:g}%); were the two swapped?",
                f"再エネ含む削減率（{r_in:g}%）が再エネ除く削減率（{r_ex:g}%）より小さくなることは"
                "ありません。入れ違いではありませんか",
            )
        if (
            not self.strict
            and out.get("rank_status") == "certified"
            and out.get("certified_on") is None
        ):
            # A person entering a certified rank has the certificate at hand; a
            # bundle from an older zebkb may lack the date and only gets a warning.
            raise self.fail(
                "certified_on",
                "a certified rank needs its certification date (or mark the rank 相当/equivalent)",
                "認証ランクには認証日が必要です（認証がなければ「相当」としてください）",
            )

    def unique_rows(self, out: dict[str, Any], name: str, key: str) -> None:
        seen: set[Any] = set()
        for i, row in enumerate(out.get(name) or []):
            value = row.get(key) if isinstance(row, Mapping) else None
            if value is None:
                continue
            if value in seen and key == "fiscal_year" and isinstance(value, int):
                # Named as a fiscal year in the reader's date style (令和6年度 / 2024年度).
                raise self.fail(
                    name,
                    f"row {i + 1}: {{fiscal_year}} is given twice",
                    f"{i + 1}行目: {{fiscal_year}}が重複しています",
                    fiscal_year=value,
                )
            if value in seen:
                raise self.fail(
                    name,
                    f"row {i + 1}: {key} {_shown(value)} is given twice",
                    f"{i + 1}行目: {_shown(value)} が重複しています",
                )
            seen.add(value)

    def materials(self, out: dict[str, Any]) -> None:
        """A material's file is one of the record's attachments; its address is a web one."""
        attached = {a.get("sha256") for a in out.get("attachments") or [] if isinstance(a, Mapping)}
        for i, row in enumerate(out.get("materials") or []):
            n = i + 1
            file = row.get("file")
            if file is not None and file not in attached:
                raise self.fail(
                    "materials",
                    f"row {n}: file {_shown(file)} is not one of this record's attachments",
                    f"{n}行目: 添付ファイル {_shown(file)} はこの記録の添付にありません",
                )
            url = row.get("url")
            if url is not None and not _WEB_ADDRESS.fullmatch(url):
                raise self.fail(
                    "materials",
                    f"row {n}: url must be a web address starting http:// or https://"
                    f" (got {_shown(url)})",
                    f"{n}行目: アドレスは http:// か https:// で始めてください（値: {_shown(url)}）",
                )

    def clock_guard(self, out: dict[str, Any]) -> None:
        if self.now is None or out.get("updated_at") is None:
            return
        now = self.now if self.now.tzinfo is not None else self.now.astimezone()
        updated = parse_timestamp(out["updated_at"])
        if updated - now > CLOCK_SKEW:
            raise self.fail(
                "updated_at",
                f"lies more than 24 hours in the future ({out['updated_at']});"
                " check the sending computer's clock",
                f"24時間以上先の日時です（{out['updated_at']}）。送信元のパソコンの時計を確認してください",
            )


# One method per field type, by name, so the table is built once.
_HANDLERS: dict[FieldType, str] = {
    FieldType.STRING: "string",
    FieldType.TEXT: "text",
    FieldType.INTEGER: "integer",
    FieldType.NUMBER: "number",
    FieldType.BOOLEAN: "boolean",
    FieldType.DATE: "date",
    FieldType.TIMESTAMP: "timestamp",
    FieldType.WARD: "ward",
    FieldType.WARD_LIST: "ward_list",
    FieldType.UID: "uid_field",
    FieldType.STRING_LIST: "string_list",
    FieldType.UID_LIST: "uid_list",
    FieldType.ATTACHMENTS: "attachments",
    FieldType.ROWS: "rows",
}


def read_field_value(f: Field, value: Any) -> Any:
    """One field's value as lenient input is read (a list's cell, a form's box).

    The same rules as ``validate_record(strict=False)`` for that field alone, so a
    caller can name every unreadable cell of a row, not only the first.
    Raises RecordError naming the field.
    """
    return _Checker({}, strict=False, now=None).value(f, value)


def validate_record(
    data: Mapping[str, Any],
    *,
    strict: bool = True,
    now: datetime | None = None,
    size_bound: int | None = None,
) -> dict[str, Any]:
    """Check a record against bundle-format.md and zebkb's limits; return a clean copy.

    Unknown fields are kept verbatim. Raises RecordError naming the field.
    ``size_bound`` is an upper bound on the clean record's canonical JSON line
    when the caller knows one (the bundle reader does, from the line it read);
    within the limit, the record is not serialised again to measure it.
    """
    if not isinstance(data, Mapping):
        raise RecordError(
            f"a record must be a JSON object (got {_type_name(data)})",
            "レコードはJSONオブジェクトにしてください",
        )
    return _Checker(data, strict, now, size_bound).run()


def operation_year(line: Any) -> tuple[int, float, float | None] | None:
    """(fiscal year, measured primary energy, generation or None) of one 1.1 運用実績 line."""
    return operation_line(line)


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


BEI_DISAGREEMENT_POINTS = 2.0
# Beyond these a figure is possible but worth a second look.
UNLIKELY_BEI = 1.5
UNLIKELY_INCL_PCT = 200.0
UNLIKELY_UA = 2.0


@dataclass(frozen=True, slots=True)
class RecordWarning:
    """A soft rule: the record may be right but deserves a second look.

    A warning that names a fiscal year writes it ``{fiscal_year}`` in its texts:
    message(lang, style) writes it as the date style does (令和6年度 / 2024年度 /
    FY2024, zebkb/display.py); message_ja/message_en (and scripts' JSON) are western.
    """

    code: str
    text_ja: str
    text_en: str
    fiscal_year: int | None = None

    def message(self, lang: str = "ja", style: str = "western") -> str:
        text = self.text_en if lang == "en" else self.text_ja
        return fill_fiscal_year(text, self.fiscal_year, lang, style)

    @property
    def message_ja(self) -> str:
        return self.message("ja")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message_ja": self.message_ja, "message_en": self.message_en}


def _rank_warning(check: RankCheck) -> RecordWarning | None:
    if not check.attention:
        return None
    if check.overstated:
        code = "rank_overstated"
    elif check.confirmed is None:
        code = "rank_other_family"
    elif check.confirmed is False:
        code = "rank_not_applicable"
    else:
        code = "rank_higher_may_apply"
    return RecordWarning(code, check.message_ja, check.message_en)


def _iso_date(value: Any) -> date | None:
    # Month- or year-precision dates compare by their first day.
    if not isinstance(value, str):
        return None
    try:
        return first_day(value)
    except DateError:
        return None


def case_warnings(record: Mapping[str, Any]) -> list[RecordWarning]:
    """Every soft rule a case breaks, with a stable code for scripts."""
    if record.get("type") != Kind.CASE.value or record.get("deleted") is True:
        return []
    warnings: list[RecordWarning] = []
    check = check_rank(record)
    rank_warning = _rank_warning(check)
    if rank_warning is not None:
        warnings.append(rank_warning)
    r_ex = _number_or_none(record.get("reduction_excl_renewables_pct"))
    r_in = _number_or_none(record.get("reduction_incl_renewables_pct"))
    if r_ex is not None and r_in is not None and r_in < r_ex:
        # Refused when saved here; a record from elsewhere may still hold it.
        warnings.append(
            RecordWarning(
                "incl_below_excl",
                f"再エネ含む削減率（{r_in:g}%）が再エネ除く削減率（{r_ex:g}%）より小さくなっています",
                f"the reduction including renewables ({r_in:g}%) is lower than without ({r_ex:g}%)",
            )
        )
    bei = _number_or_none(record.get("bei"))
    if bei is not None and r_ex is not None and is_special_ward(record.get("ward")):
        from_bei = (1.0 - bei) * 100.0
        if abs(from_bei - r_ex) > BEI_DISAGREEMENT_POINTS:
            warnings.append(
                RecordWarning(
                    "bei_disagrees",
                    f"BEI {bei:g} は削減率{from_bei:.0f}%に相当しますが、記載は{r_ex:g}%です",
                    f"BEI {bei:g} means a {from_bei:.0f}% reduction, but the record says {r_ex:g}%",
                )
            )
    standard = _number_or_none(record.get("standard_primary_energy_mj_m2"))
    design = _number_or_none(record.get("design_primary_energy_mj_m2"))
    if bei is not None and standard and design is not None:
        from_energy = design / standard
        if abs(from_energy - bei) > 0.01 + 1e-9:
            warnings.append(
                RecordWarning(
                    "bei_energy_disagrees",
                    f"一次エネルギー消費量からの BEI は{from_energy:.2f}ですが、記載は{bei:g}です",
                    f"the primary energies give BEI {from_energy:.2f}, but the record says {bei:g}",
                )
            )
    # The home screen's "operation misses design": a measured year above the design value.
    for op in operation_years(record):
        if op.misses_design:
            warnings.append(
                RecordWarning(
                    "operation_misses_design",
                    f"{{fiscal_year}}の運用実績（一次エネ{op.measured:g}）が設計値"
                    f"（{op.design:g}）を上回っています",
                    f"{{fiscal_year}} measured primary energy ({op.measured:g}) is above the"
                    f" design value ({op.design:g})",
                    op.fiscal_year,
                )
            )
    for row in record.get("stage_dates") or []:
        if not isinstance(row, Mapping) or row.get("stage") != "completed":
            continue
        for key, name, ja, en in (
            ("actual_on", "completed_on", "実績日", "actual"),
            ("planned_on", "planned_completion_on", "予定日", "planned"),
        ):
            given, other = row.get(key), record.get(name)
            if isinstance(given, str) and isinstance(other, str) and given != other:
                warnings.append(
                    RecordWarning(
                        "stage_dates_disagree",
                        f"段階「竣工」の{ja}と{_FIELD_LABELS_JA[name]}が異なります",
                        f"the {en} date of the stage 'completed' differs from {name}",
                    )
                )
    if bei is not None and bei > UNLIKELY_BEI:
        warnings.append(
            RecordWarning(
                "bei_unlikely",
                f"BEI {bei:g} は基準の{UNLIKELY_BEI:g}倍を超えます。値を確認してください",
                f"BEI {bei:g} is more than {UNLIKELY_BEI:g} times the standard; check the value",
            )
        )
    if r_in is not None and r_in > UNLIKELY_INCL_PCT:
        warnings.append(
            RecordWarning(
                "incl_unlikely",
                f"再エネ含む削減率{r_in:g}%は{UNLIKELY_INCL_PCT:g}%を超えます。値を確認してください",
                f"a {r_in:g}% reduction including renewables is above {UNLIKELY_INCL_PCT:g}%;"
                " check the value",
            )
        )
    if r_ex is not None and r_ex < 0:
        warnings.append(
            RecordWarning(
                "excl_negative",
                f"再エネ除く削減率が{r_ex:g}%（基準より多く消費）です。値を確認してください",
                f"the reduction excluding renewables is {r_ex:g}% (more than the standard);"
                " check the value",
            )
        )
    ua = _number_or_none(record.get("ua_value"))
    if ua is not None and ua > UNLIKELY_UA:
        warnings.append(
            RecordWarning(
                "ua_unlikely",
                f"UA値{ua:g}は大きすぎるようです（W/㎡K）。値を確認してください",
                f"UA {ua:g} W/m²K looks too high; check the value",
            )
        )
    zone = record.get("climate_zone")
    if isinstance(zone, int) and zone != 6 and is_special_ward(record.get("ward")):
        warnings.append(
            RecordWarning(
                "climate_zone_ward",
                f"23区はすべて6地域ですが、地域区分が{zone}になっています",
                f"all 23 wards are climate zone 6, but the record says {zone}",
            )
        )
    if record.get("rank_status") == "certified" and not record.get("certified_on"):
        warnings.append(
            RecordWarning(
                "certified_without_date",
                "認証ランクですが認証日の記載がありません",
                "certified rank without a certification date",
            )
        )
    if record.get("rank_status") is not None and not record.get("zeb_rank"):
        warnings.append(
            RecordWarning(
                "status_without_rank",
                "ランクの記載がないのに認証・相当が記載されています",
                "certified/equivalent is given without a rank",
            )
        )
    certified = _iso_date(record.get("certified_on"))
    family = rank_family(check.stated)
    if certified is not None and family in GX_FAMILIES and certified < GX_APPLIES_FROM:
        warnings.append(
            RecordWarning(
                "gx_before_start",
                f"{check.stated} の認証は2027年4月1日からです（認証日 {certified.isoformat()}）",
                f"{check.stated} is certified from 1 April 2027 (certified on"
                f" {certified.isoformat()})",
            )
        )
    if (
        certified is not None
        and family in (ZEH_FAMILY, ZEHM_FAMILY)
        and certified > CURRENT_ZEH_LAST_CERTIFIED
    ):
        warnings.append(
            RecordWarning(
                "zeh_after_end",
                f"現行定義の{check.stated}の新規認証は2028年3月31日までです"
                f"（認証日 {certified.isoformat()}）",
                f"new {check.stated} certificates under the current definition end on"
                f" 31 March 2028 (certified on {certified.isoformat()})",
            )
        )
    return warnings


def activity_warnings(record: Mapping[str, Any]) -> list[RecordWarning]:
    """Soft rules of a session: the attendance rows should add up to the attendees."""
    if record.get("type") != Kind.SESSION.value or record.get("deleted") is True:
        return []
    total = attendance_total(record)
    attendees = record.get("attendees")
    # docs/domain-research.md §7.9: the total equals the sum of the breakdowns when
    # both are given. Only warned: a breakdown may list some groups, not all.
    if total is not None and isinstance(attendees, int) and total != attendees:
        return [
            RecordWarning(
                "attendance_sum",
                f"参加内訳の合計（{total}名）が参加者数（{attendees}名）と一致しません",
                f"the attendance rows add up to {total}, but attendees says {attendees}",
            )
        ]
    return []


def warnings_for(record: Mapping[str, Any]) -> list[RecordWarning]:
    """Every soft rule a record of any kind breaks."""
    return case_warnings(record) + activity_warnings(record)


def record_warnings(record: Mapping[str, Any], lang: str = "en") -> list[str]:
    """Soft rules: things that may be right but deserve a second look. One line each."""
    return [w.message(lang) for w in warnings_for(record)]


def assessment(record: Mapping[str, Any]) -> dict[str, Any]:
    """The rank check and warnings of a case, for scripts (`zebkb show --assessment`)."""
    check = check_rank(record)
    return {
        "stated_rank": check.stated,
        "rank_status": check.status,
        "supported_rank": check.supported.rank,
        "supported_reason_ja": check.supported.reason_ja,
        "supported_reason_en": check.supported.reason_en,
        # True/false when the figures settle the stated rank; null: cannot be assessed.
        "confirmed": check.confirmed,
        "overstated": check.overstated,
        "missing": list(check.supported.missing),
        "message_ja": check.message_ja,
        "message_en": check.message_en,
        "warnings": [w.as_json() for w in case_warnings(record)],
    }
