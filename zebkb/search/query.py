"""The search query language: terms, "phrases", OR, -NOT and field filters.

A flat grammar on purpose: no parentheses and no wildcards, so no input can
make parsing recurse or expand; every query is parsed in one linear pass.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from zebkb.errors import InputError
from zebkb.search.normalize import normalize

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32


class QueryError(InputError, ValueError):
    """A query that cannot be run; the message is one line for the user, in English and Japanese.

    str() is the English line; `message("ja")` the Japanese one. Errors about
    how a query is written also say that a quoted phrase is searched exactly,
    without spelling variants (表記ゆれ), since that is how one escapes them.
    """

    def __init__(self, message_en: str, message_ja: str | None = None) -> None:
        # A sentence, as the window's other messages are: also one taken from elsewhere
        # (zebkb/domain/wards.py, dates.py), which those modules word for their own lines.
        super().__init__(message_en[:1].upper() + message_en[1:], message_ja=message_ja)


# Appended to errors about the way a query is written.
_VARIANTS_EN = (
    "; words also find their spelling variants (サーバー/サーバ, 取組/取り組み, 髙/高),"
    ' a "quoted phrase" only itself'
)
_VARIANTS_JA = '。語は表記ゆれ（サーバー/サーバ、取組/取り組み、髙/高）も探し、「"…"」で囲んだ語句は書いたとおりだけを探します'


@dataclass(frozen=True)
class Term:
    """One word of a query, normalised."""

    text: str  # normalised
    facility_only: bool = False
    # A "quoted phrase": found only as written, never through a spelling variant.
    exact: bool = False


@dataclass
class ParsedQuery:
    """A query's words (ANDs of ORs), negated words, and the filters written in it."""

    groups: list[tuple[Term, ...]] = field(default_factory=list)  # AND of ORs
    negatives: list[Term] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    wards: set[str] = field(default_factory=set)
    ranks: set[str] = field(default_factory=set)
    fiscal_years: set[int] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    not_kinds: set[str] = field(default_factory=set)
    not_wards: set[str] = field(default_factory=set)
    not_ranks: set[str] = field(default_factory=set)
    not_fiscal_years: set[int] = field(default_factory=set)
    not_tags: set[str] = field(default_factory=set)
    # 後日対応:期限切れ (followup:overdue): records with an overdue follow-up, or none.
    overdue: bool = False
    not_overdue: bool = False

    @property
    def positive_terms(self) -> list[Term]:
        return [t for g in self.groups for t in g]

    @property
    def has_field_filters(self) -> bool:
        """ward:, type:, rank:, fy:, tag: or followup: given (negated or not)."""
        return bool(
            self.overdue
            or self.not_overdue
            or self.kinds
            or self.wards
            or self.ranks
            or self.fiscal_years
            or self.tags
            or self.not_kinds
            or self.not_wards
            or self.not_ranks
            or self.not_fiscal_years
            or self.not_tags
        )


_FIELD_NAMES = {
    "ward": "ward",
    "区": "ward",
    "type": "type",
    "kind": "type",
    "種別": "type",
    "rank": "rank",
    "ランク": "rank",
    "fy": "fy",
    "年度": "fy",
    "tag": "tag",
    "タグ": "tag",
    "facility": "facility",
    "施設": "facility",
    "followup": "followup",
    "follow-up": "followup",
    "後日対応": "followup",
}


def _overdue_words() -> set[str]:
    """The one value followup: takes, the glossary's word in either language (期限切れ,
    overdue). Whether a follow-up is overdue depends on the day, so the service gives
    the search the records that are (zebkb/service/records.py overdue_uids)."""
    from zebkb.glossary import TERMS

    word = TERMS["follow_up.overdue"]
    return {normalize(word.ja), normalize(word.en)}


_KINDS = {
    "case": "case",
    "cases": "case",
    "事例": "case",
    "visit": "visit",
    "visits": "visit",
    "視察": "visit",
    "視察記録": "visit",
    "session": "session",
    "sessions": "session",
    "勉強会": "session",
    "研修": "session",
    "勉強会・研修": "session",
    "issue": "issue",
    "issues": "issue",
    "課題": "issue",
    "owner": "owner",
    "owners": "owner",
    "リーディングオーナー": "owner",
    "zebリーディング・オーナー": "owner",
}

# One operand: optional minus, optional field name, then a quoted phrase or a bare word.
_TOKEN = re.compile(r'(-?)(?:([^\s":]+):)?(?:"([^"]*)"|([^\s"]+))')


def rank_key(rank: str) -> str:
    """Ranks compare without case, spaces, hyphens, underscores or 『』."""
    return re.sub(r"[\s_\-『』]", "", normalize(rank))


def tag_key(tag: str) -> str:
    return normalize(tag).strip()


def _kind(value: str) -> str:
    kind = _KINDS.get(normalize(value))
    if kind is None:
        raise QueryError(
            f"Unknown record type: {value!r} (use case, visit, session, issue or owner)",
            f"記録の種別 {value!r} はありません（事例・視察・勉強会・課題・リーディングオーナー"
            " のどれかを指定してください）",
        )
    return kind


def _ward(value: str) -> str:
    from zebkb.domain.wards import WardError, resolve_ward

    try:
        return resolve_ward(value)
    except WardError as e:
        raise QueryError(
            str(e), f"区 {value!r} が見つかりません（区名またはコードを指定してください）"
        ) from None


def _fiscal_year(value: str) -> int:
    from zebkb.domain.dates import DateError, parse_fiscal_year

    try:
        return parse_fiscal_year(value)
    except DateError as e:
        raise QueryError(str(e).splitlines()[0], e.message_ja.splitlines()[0]) from None


def parse_query(text: str) -> ParsedQuery:
    """Parse a user's query; raises QueryError with a one-line message."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})",
            f"検索語が長すぎます（{len(text)} 文字。{MAX_QUERY_CHARS} 文字まで）",
        )
    # Operators may be typed in full width (－, ＯＲ, ：, ＂); curly quotes act as quotes.
    q = unicodedata.normalize("NFKC", text).translate({0x201C: '"', 0x201D: '"'})
    if q.count('"') % 2:
        raise QueryError(
            'The query has an unbalanced quote (")' + _VARIANTS_EN,
            '引用符（"）が閉じていません' + _VARIANTS_JA,
        )
    parsed = ParsedQuery()
    # (negated, field, value, is_or, quoted)
    operands: list[tuple[bool, str | None, str, bool, bool]] = []
    for m in _TOKEN.finditer(q):
        negated, name = m.group(1) == "-", m.group(2)
        value = m.group(3) if m.group(3) is not None else m.group(4)
        if name is None and m.group(4) is not None and not m.group(4).strip("-"):
            continue  # a lone minus binds to nothing
        if name is not None and _field_kind(name) is None:
            # "10:00" or "URL:" are text, not a field filter.
            value = f"{name}:{value}"
            name = None
        # "tag:" alone would search for the word "tag:".
        if (
            name is None
            and m.group(4) is not None
            and value.endswith(":")
            and _field_kind(value[:-1])
        ):
            raise _empty_filter(value[:-1])
        if name is not None and not value.strip():
            raise _empty_filter(name)  # tag:"" or facility:""
        if not negated and name is None and m.group(4) in ("OR", "|"):
            operands.append((False, None, "", True, False))
            continue
        operands.append((negated, name, value, False, m.group(3) is not None))
    if len(operands) > MAX_TERMS:
        raise QueryError(
            f"The query has too many terms ({len(operands)}; at most {MAX_TERMS})",
            f"検索語が多すぎます（{len(operands)} 個。{MAX_TERMS} 個まで）",
        )

    pending_or = False
    for negated, name, value, is_or, quoted in operands:
        if is_or:
            pending_or = bool(parsed.groups)
            continue
        joined = pending_or
        pending_or = False
        if name is not None:
            kind = _field_kind(name)
            if kind != "facility":
                _add_filter(parsed, kind or "", value, negated)
                continue
            term = Term(normalize(value), facility_only=True, exact=quoted)
        else:
            term = Term(normalize(value), exact=quoted)
        if not term.text:
            continue
        if negated:
            parsed.negatives.append(term)
        elif joined:
            parsed.groups[-1] = (*parsed.groups[-1], term)
        else:
            parsed.groups.append((term,))
    if not q.strip():
        return parsed
    if _is_empty(parsed):
        raise QueryError(
            f"Nothing to search for in {text.strip()[:40]!r}" + _VARIANTS_EN,
            f"{text.strip()[:40]!r} には探す語がありません" + _VARIANTS_JA,
        )
    return parsed


def _is_empty(p: ParsedQuery) -> bool:
    return not (p.groups or p.negatives or p.has_field_filters)


def _field_kind(name: str) -> str | None:
    """The filter a field name (as typed, in Japanese or English) stands for, if any."""
    return _FIELD_NAMES.get(name.lower(), _FIELD_NAMES.get(name))


def _empty_filter(name: str) -> QueryError:
    """A field filter with nothing after its colon, named as the user typed it."""
    return QueryError(
        f"The filter {name}: needs a value after the colon",
        f"絞り込み {name}: のコロンの後に値がありません",
    )


def _add_filter(parsed: ParsedQuery, kind: str, value: str, negated: bool) -> None:
    value = value.strip()
    if kind == "type":
        (parsed.not_kinds if negated else parsed.kinds).add(_kind(value))
    elif kind == "ward":
        (parsed.not_wards if negated else parsed.wards).add(_ward(value))
    elif kind == "rank":
        (parsed.not_ranks if negated else parsed.ranks).add(rank_key(value))
    elif kind == "fy":
        (parsed.not_fiscal_years if negated else parsed.fiscal_years).add(_fiscal_year(value))
    elif kind == "tag":
        (parsed.not_tags if negated else parsed.tags).add(tag_key(value))
    elif kind == "followup":
        if normalize(value) not in _overdue_words():
            raise QueryError(
                f"The filter followup: takes only overdue, not {value!r}",
                f"後日対応: に指定できるのは 期限切れ だけです（{value!r} は使えません）",
            )
        if negated:
            parsed.not_overdue = True
        else:
            parsed.overdue = True
