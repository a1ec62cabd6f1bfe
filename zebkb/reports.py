"""What goes on each printable sheet: the case sheet (事例シート), visit and
session minutes, and a fiscal-year list.

Pure data: no reportlab and no Qt here, so the window can show the same
content and ``pdf.py`` only decides how it looks. Markdown bodies are read by
a small line parser into text blocks; nothing in a body is fetched or run.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zebkb import display
from zebkb.domain.dates import DateError, parse_iso_partial
from zebkb.domain.fields import Kind, fields_for
from zebkb.domain.ranks import check_rank, verdict_key
from zebkb.domain.rows import operation_years
from zebkb.domain.validate import case_warnings
from zebkb.domain.vocab import (
    BUILDING_USES,
    CASE_STAGES,
    FACILITY_TYPES,
    ISSUE_STATUSES,
    PROJECT_TYPES,
    RANK_STATUSES,
    RECORD_TYPES,
    SESSION_FORMATS,
    SESSION_KINDS,
    STRUCTURES,
    TECHNOLOGIES,
    VISIT_DIRECTIONS,
    ZEB_RANKS,
    Vocabulary,
)
from zebkb.errors import InputError, NotFoundError
from zebkb.glossary import ja as term_ja

if TYPE_CHECKING:
    from zebkb.service import KnowledgeBase

MORE_IN_ZEBKB = "…（続きは zebkb で）"
NONE_SHOWN = "—"
# A body longer than this is cut before layout; minutes may run to several pages, not hundreds.
MINUTES_BODY_LIMIT = 20_000
LIST_ROW_LIMIT = 5_000
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/webp")


# -- Markdown, read simply ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, a paragraph or one list item; ``depth`` is the list nesting (0 = none)."""

    kind: str  # "heading" | "paragraph" | "item"
    spans: tuple[Span, ...]
    level: int = 0  # heading level
    depth: int = 0
    marker: str = ""  # "・" for bullets, "1." for numbered items

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


def _join_lines(a: str, b: str) -> str:
    # Japanese wraps without spaces; Latin words need one.
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Where a block of text ends (its text so far becomes a block).
_BLOCK_TAGS = frozenset({"p", "li", "ul", "ol", "pre", "table", "tr", "blockquote", "hr", "dl"})
_BOLD_TAGS = frozenset({"strong", "b"})


class _BlockReader(HTMLParser):
    """The screen's safe HTML of a body (zebkb/render.py) as text blocks for the printed page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.spans: list[Span] = []
        self.kind = "paragraph"
        self.level = 0
        self.lists: list[list[int | str]] = []  # per open list: ["ul" | "ol", count]
        self.item: tuple[int, str] | None = None  # depth, marker of the open list item
        self.bold = 0
        self.pre = 0
        self.cells: list[str] | None = None

    def _flush(self) -> None:
        text = "".join(s.text for s in self.spans)
        if text.strip():
            spans = _tidy(self.spans)
            if self.item is not None:
                depth, marker = self.item
                self.blocks.append(Block("item", spans, depth=depth, marker=marker))
                self.item = None  # a second paragraph of the item reads as a paragraph
            else:
                self.blocks.append(Block(self.kind, spans, level=self.level))
        self.spans = []
        self.kind, self.level = "paragraph", 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HEADINGS:
            self._flush()
            self.kind, self.level = "heading", _HEADINGS[tag]
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self.lists:
                kind_count = self.lists[-1]
                kind_count[1] = int(kind_count[1]) + 1
                marker = f"{kind_count[1]}." if kind_count[0] == "ol" else "・"
                self.item = (len(self.lists), marker)
        elif tag == "tr":
            self._flush()
            self.cells = []
        elif tag in ("td", "th"):
            self.spans = []
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag == "pre":
                self.pre += 1
        elif tag in _BOLD_TAGS:
            self.bold += 1
        elif tag == "br":
            self._data("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cells is not None:
            self.cells.append("".join(s.text for s in self.spans).strip())
            self.spans = []
        elif tag == "tr" and self.cells is not None:
            # A table row reads as one line, its cells separated by slashes.
            self.spans = [Span(" / ".join(self.cells))]
            self.cells = None
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "pre":
            # Code keeps its lines: one block each.
            lines = "".join(s.text for s in self.spans).split("\n")
            self.spans = []
            for line in lines:
                if line.strip():
                    self.blocks.append(Block("paragraph", (Span(line.rstrip()),)))
            self.pre = max(0, self.pre - 1)
        elif tag in _HEADINGS or tag in _BLOCK_TAGS:
            self._flush()
        elif tag in _BOLD_TAGS:
            self.bold = max(0, self.bold - 1)

    def handle_data(self, data: str) -> None:
        self._data(data)

    def _data(self, data: str) -> None:
        if not self.pre and not self.spans and not data.strip():
            return  # the white space between blocks
        self.spans.append(Span(data, bool(self.bold)))

    def close(self) -> None:
        super().close()
        self._flush()


def _tidy(spans: list[Span]) -> tuple[Span, ...]:
    """Lines of one block joined as people wrote them; runs of one weight merged."""
    out: list[Span] = []
    text_so_far = ""
    for span in spans:
        joined = ""
        for n, line in enumerate(span.text.split("\n")):
            piece = line.strip() if n else line.rstrip() if "\n" in span.text else line
            joined = _join_lines(joined, piece) if n else piece
        if not text_so_far:
            joined = joined.lstrip()
        elif text_so_far and "\n" in span.text and span.text[:1] == "\n":
            joined = _join_lines(text_so_far, joined)[len(text_so_far) :]
        if not joined:
            continue
        if out and out[-1].bold == span.bold:
            out[-1] = Span(out[-1].text + joined, span.bold)
        else:
            out.append(Span(joined, span.bold))
        text_so_far += joined
    if out:
        out[-1] = Span(out[-1].text.rstrip(), out[-1].bold)
    return tuple(s for s in out if s.text)


def parse_markdown(text: str | None) -> list[Block]:
    """Headings, paragraphs and list items of a Markdown body, as plain text blocks.

    The body goes through the screen's pipeline (zebkb/render.py: Python-Markdown,
    the same sanitising, links written out, remote images dropped), so the page
    prints what the detail pane shows.
    """
    if not text:
        return []
    from zebkb.render import render_markdown

    reader = _BlockReader()
    reader.feed(render_markdown(text).html)
    reader.close()
    return reader.blocks


@dataclass(frozen=True, slots=True)
class Section:
    heading: str  # "" for text before the first heading
    blocks: tuple[Block, ...]


def split_sections(blocks: list[Block]) -> list[Section]:
    """Blocks grouped under their heading (any level)."""
    sections: list[Section] = []
    heading = ""
    current: list[Block] = []
    for block in blocks:
        if block.kind == "heading":
            if heading or current:
                sections.append(Section(heading, tuple(current)))
            heading, current = block.text, []
        else:
            current.append(block)
    if heading or current:
        sections.append(Section(heading, tuple(current)))
    return sections


def truncate_blocks(
    blocks: list[Block] | tuple[Block, ...], budget: int
) -> tuple[list[Block], bool]:
    """At most ``budget`` characters of text; a cut ends with the 続きは zebkb で note."""
    kept: list[Block] = []
    used = 0
    for block in blocks:
        length = len(block.text)
        if used + length <= budget:
            kept.append(block)
            used += length
            continue
        room = budget - used
        if room >= 12:
            cut: list[Span] = []
            for span in block.spans:
                if room <= 0:
                    break
                cut.append(Span(span.text[:room], span.bold))
                room -= len(span.text)
            cut.append(Span(MORE_IN_ZEBKB))
            kept.append(Block(block.kind, tuple(cut), block.level, block.depth, block.marker))
        else:
            kept.append(Block("paragraph", (Span(MORE_IN_ZEBKB),)))
        return kept, True
    return kept, False


# -- formatting ---------------------------------------------------------------------------


def format_date(value: Any, *, weekday: bool = False) -> str:
    """令和6年10月21日, as a person reads it; text that is not a date is shown as it is.

    A month or a year is printed as such (令和7年1月): no invented day. The ISO
    form is for machines (the bundle, ``--json``), not beside the date on paper.
    """
    if not isinstance(value, str) or not value:
        return NONE_SHOWN
    try:
        iso = parse_iso_partial(value)
    except DateError:
        return value
    return display.format_date(iso, "japanese", "ja", weekday=weekday)


def format_number(value: Any, unit: str = "") -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return NONE_SHOWN
    return display.format_number(value, unit=unit)


def ward_label(code: Any) -> str:
    if not isinstance(code, str) or not code:
        return NONE_SHOWN
    return display.ward_label(code, "ja")


def rank_label(rank: Any, status: Any) -> str:
    """ZEB Ready（相当）, 『ZEB』（認証）."""
    if not isinstance(rank, str) or not rank:
        return NONE_SHOWN
    text = ZEB_RANKS.label(rank, "ja")
    if isinstance(status, str) and status:
        text += f"（{RANK_STATUSES.label(status, 'ja')}）"
    return text


def _storeys(record: dict[str, Any]) -> str:
    parts = []
    if isinstance(record.get("storeys_above"), int):
        parts.append(f"地上{record['storeys_above']}階")
    if isinstance(record.get("storeys_below"), int) and record["storeys_below"]:
        parts.append(f"地下{record['storeys_below']}階")
    return " ".join(parts) or NONE_SHOWN


def _term(vocab: Vocabulary, value: Any) -> str:
    """A listed term by its label (RC → 鉄筋コンクリート造); other text as given."""
    if isinstance(value, str) and value.strip():
        return vocab.label(value.strip(), "ja")
    return NONE_SHOWN


def _text(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return NONE_SHOWN


def _label(kind: str, name: str) -> str:
    for f in fields_for(kind):
        if f.name == name:
            return f.label_ja
    raise KeyError(name)


def _footer(record: dict[str, Any]) -> str:
    return (
        f"UID {record['uid']} ・ 版 {record.get('revision', '')} ・ "
        f"更新 {str(record.get('updated_at', ''))[:10]}"
    )


# -- the case sheet -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Photo:
    path: Path
    caption: str


@dataclass(frozen=True, slots=True)
class OperationBar:
    """One fiscal year of the case sheet's design-against-actual chart (MJ/㎡・年)."""

    year: str  # 令和6年度
    design: float | None
    measured: float
    misses_design: bool
    note: str  # 基準から48%削減 / '' without a standard value
    # False: measured with その他 included, so not compared with design (drawn apart).
    comparable: bool = True


def operation_bars(record: dict[str, Any]) -> tuple[OperationBar, ...]:
    bars = []
    for y in operation_years(record):
        notes = []
        if y.reduction_pct is not None:
            notes.append(f"基準から{display.format_number(y.reduction_pct, 1)}%削減")
        if y.generation is not None:
            notes.append(f"発電 {display.format_number(y.generation)}")
        if not y.comparable:
            notes.append(term_ja("operation.with_other"))
        bars.append(
            OperationBar(
                display.fiscal_year_label(y.fiscal_year, "ja"),
                y.design,
                y.measured,
                y.misses_design,
                "、".join(notes),
                y.comparable,
            )
        )
    return tuple(bars)


def rows_text(record: dict[str, Any], name: str, today: date | None = None) -> str:
    """A rows field as lines for a printed sheet (Japanese, era dates, names not codes).

    With ``today`` (the knowledge base's clock), an overdue follow-up starts 【期限切れ】.
    """
    f = next((f for f in fields_for(record["type"]) if f.name == name), None)
    rows = record.get(name)
    if f is None or not isinstance(rows, list):
        return ""
    files = display.attachment_names(record)
    return "\n".join(display.row_line(f, row, "japanese", "ja", files, today=today) for row in rows)


def stage_text(record: dict[str, Any]) -> str:
    """The stage and its dates: 竣工(予定 令和7年1月、実績 令和7年7月)."""
    parts = []
    stage = record.get("stage")
    if isinstance(stage, str) and stage:
        parts.append(f"現在: {CASE_STAGES.label(stage, 'ja')}")
    for row in record.get("stage_dates") or []:
        if not isinstance(row, dict) or not isinstance(row.get("stage"), str):
            continue
        dates = [
            f"{word} {display.format_date(row[key], 'japanese', 'ja')}"
            for key, word in (("planned_on", "予定"), ("actual_on", "実績"))
            if isinstance(row.get(key), str)
        ]
        text = CASE_STAGES.label(row["stage"], "ja")
        parts.append(f"{text}（{'、'.join(dates)}）" if dates else text)
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class CaseSheet:
    uid: str
    title: str
    ward: str
    overview: tuple[tuple[str, str], ...]  # (label, value) rows
    rank: tuple[tuple[str, str], ...]
    rank_attention: bool
    technologies: tuple[str, ...]
    photo: Photo | None
    lessons: tuple[Block, ...]
    problems: tuple[Block, ...]
    # Body shown instead when it has neither a 工夫・留意点 nor a 課題 section.
    other: tuple[Block, ...]
    contact: str
    footer: str
    heading: str = "事例シート"
    # The soft rules the case breaks (validate.case_warnings), in Japanese.
    warnings: tuple[str, ...] = ()
    # 運用実績 beside the design figure, a bar pair per fiscal year (empty: none recorded).
    operation: tuple[OperationBar, ...] = ()


_LESSON_WORDS = ("工夫", "留意", "ポイント", "教訓")
_PROBLEM_WORDS = (term_ja("sheet.problems"), "問題")
_CONTACT = re.compile(r"(?:連絡先|問い?合わ?せ先?|担当(?:課|部署|者)?)\s*[:：]\s*(.+)")


def find_contact(body: str | None) -> str:
    """The first 連絡先/問合せ/担当 line of a body, '' when there is none."""
    if not body:
        return ""
    for line in body.splitlines():
        cleaned = re.sub(r"^[\s>*\-+・#]+", "", line).replace("**", "")
        if m := _CONTACT.match(cleaned.strip()):
            return m.group(1).strip()
    return ""


def main_photo(kb: KnowledgeBase, record: dict[str, Any], *, fetch: bool = True) -> Photo | None:
    """The first image attachment whose file is here (omitted ones are skipped).

    In team mode a file this PC has no copy of yet is fetched from the team's
    database (a write into the data folder); ``fetch=False`` only looks, for a
    reader thread, after `fetch_photo` ran on the window's writer.
    """
    for att in record.get("attachments") or []:
        if att.get("omitted") or att.get("media_type") not in _IMAGE_TYPES:
            continue
        path = kb.attachment_path(att.get("sha256", ""), fetch=fetch)
        if path is not None:
            caption = att.get("caption") or att.get("filename") or ""
            return Photo(path, caption)
    return None


def fetch_photo(kb: KnowledgeBase, uid: str) -> None:
    """Team mode: copy the photo a record's case sheet shows into this PC's folder (a write)."""
    record = kb.get(uid)
    if record is not None and record.get("type") == Kind.CASE:
        main_photo(kb, record)


def _leading_owner_text(kb: KnowledgeBase, record: dict[str, Any]) -> str:
    """The registrations that list the case; a 1.0 record's own flag when there are none."""
    owners = kb.leading_owners(record["uid"])
    if owners:
        # Each registration by its own name (品川区 ZEBリーディング・オーナー登録), dated when known.
        return "、".join(
            (_text(o.get("title")) if o.get("title") else f"{ward_label(o.get('ward'))} 登録")
            + (f"（{format_date(o['registered_on'])}）" if o.get("registered_on") else "")
            for o in owners
        )
    return "登録あり" if record.get("zeb_leading_owner") is True else NONE_SHOWN


def case_sheet(kb: KnowledgeBase, record: dict[str, Any], *, fetch: bool = True) -> CaseSheet:
    k = "case"
    project = record.get("project_type")
    overview: tuple[tuple[str, str], ...] = (
        (_label(k, "facility_name"), _text(record.get("facility_name"))),
        (term_ja("field.ward"), ward_label(record.get("ward"))),
        (_label(k, "facility_type"), _term(FACILITY_TYPES, record.get("facility_type"))),
        (_label(k, "building_use"), _term(BUILDING_USES, record.get("building_use"))),
        (
            term_ja("field.project_type"),
            PROJECT_TYPES.label(project, "ja") if project else NONE_SHOWN,
        ),
        ("延床面積", format_number(record.get("floor_area_m2"), " ㎡")),
        ("階数", _storeys(record)),
        (_label(k, "structure"), _term(STRUCTURES, record.get("structure"))),
        (term_ja("field.completed_on"), format_date(record.get("completed_on"))),
    )
    stages = stage_text(record)
    if stages:
        overview += ((term_ja("field.stage"), stages),)
    check = check_rank(record)
    figures = []
    if isinstance(record.get("bei"), int | float):
        figures.append(f"{term_ja('field.bei')} {record['bei']:g}")
    for name, label in (
        ("reduction_excl_renewables_pct", "再エネ除く削減率"),
        ("reduction_incl_renewables_pct", "再エネ含む削減率"),
    ):
        value = record.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            figures.append(f"{label} {value:g}%")
    if record.get("uses_unevaluated_technology") is True:
        figures.append("未評価技術あり")
    co2 = record.get("co2_reduction_t_per_year")
    stated = rank_label(record.get("zeb_rank"), record.get("rank_status"))
    if record.get("rank_status") == "certified" and record.get("certified_on"):
        stated += f" 認証日 {format_date(record.get('certified_on'))}"
    rank = (
        (term_ja("rank.stated"), stated),
        (
            term_ja("rank.supported"),
            ZEB_RANKS.label(check.supported.rank, "ja")
            if check.supported.rank
            else term_ja(verdict_key(check.supported)),
        ),
        (term_ja("rank.figures"), "、".join(figures) or NONE_SHOWN),
        (term_ja("rank.basis"), check.supported.reason_ja or NONE_SHOWN),
        (term_ja("rank.verdict"), check.message_ja),
        ("CO2削減量", format_number(co2, " t/年") if co2 is not None else NONE_SHOWN),
        (term_ja("vocab.record_type.owner"), _leading_owner_text(kb, record)),
    )
    sections = split_sections(parse_markdown(record.get("body")))
    lessons = [b for s in sections if any(w in s.heading for w in _LESSON_WORDS) for b in s.blocks]
    problems = [
        b for s in sections if any(w in s.heading for w in _PROBLEM_WORDS) for b in s.blocks
    ]
    other: list[Block] = []
    if not lessons and not problems:
        for s in sections:
            if s.heading:
                other.append(Block("heading", (Span(s.heading),), level=3))
            other.extend(s.blocks)
    ward = ward_label(record.get("ward"))
    contact = find_contact(record.get("body"))
    return CaseSheet(
        uid=record["uid"],
        title=_text(record.get("title")),
        ward=ward,
        overview=overview,
        rank=rank,
        rank_attention=check.attention,
        # In the sheet's era dates (令和6年度), as its other dates.
        warnings=tuple(w.message("ja", "japanese") for w in case_warnings(record)),
        operation=operation_bars(record),
        technologies=tuple(
            TECHNOLOGIES.label(t, "ja")
            for t in record.get("technologies") or []
            if isinstance(t, str)
        ),
        photo=main_photo(kb, record, fetch=fetch),
        lessons=tuple(lessons),
        problems=tuple(problems),
        other=tuple(other),
        contact=f"{ward} {contact}".strip() if contact else ward,
        footer=_footer(record),
    )


# -- minutes --------------------------------------------------------------------------------

# The Ministry's ZEB exchange reports open with these rows, in this order.
WHEN, PLACE, PARTICIPANTS, ORGANISER, IMPLEMENTER = (
    term_ja(f"minutes.{row}")
    for row in ("when", "place", "participants", "organiser", "implementer")
)
MINUTES_HEADER = (WHEN, PLACE, PARTICIPANTS, ORGANISER, IMPLEMENTER)
_KEY_LINE = re.compile(
    r"^(日時|日程|開催日時?|場所|会場|参加者|出席者|開催主体|主催|実施機関|受託者)\s*[:：]\s*(.+)$"
)
_KEY_ALIASES = {
    "日程": WHEN,
    term_ja("field.held_on"): WHEN,
    "開催日時": WHEN,
    "会場": PLACE,
    "出席者": PARTICIPANTS,
    "主催": ORGANISER,
    "受託者": IMPLEMENTER,
}
_TIME_RANGE = re.compile(r"\d{1,2}[:：]\d{2}\s*(?:[〜~～\-－–]\s*\d{1,2}[:：]\d{2})?")
_PROGRAMME_WORDS = ("プログラム", "次第", "式次第", "内容")


@dataclass(frozen=True, slots=True)
class Minutes:
    uid: str
    heading: str  # 視察記録 / 勉強会・研修 記録
    title: str
    header: tuple[tuple[str, str], ...]  # 日時, 場所, 参加者, 開催主体, 実施機関 (+ extra rows)
    programme: tuple[Block, ...]
    body: tuple[Block, ...]
    truncated: bool
    footer: str


def _key_lines(blocks: tuple[Block, ...]) -> tuple[dict[str, str], list[Block]]:
    """'日時: …' style lines of a summary section, and the blocks that are not such lines."""
    found: dict[str, str] = {}
    rest: list[Block] = []
    for block in blocks:
        m = _KEY_LINE.match(block.text.strip()) if block.kind != "heading" else None
        if m:
            key = _KEY_ALIASES.get(m.group(1), m.group(1))
            found.setdefault(key, m.group(2).strip())
        else:
            rest.append(block)
    return found, rest


def minutes(kb: KnowledgeBase, record: dict[str, Any]) -> Minutes:
    kind = record["type"]
    today = kb.clock().date()  # overdue follow-ups are marked as of the knowledge base's clock
    sections = split_sections(parse_markdown((record.get("body") or "")[:MINUTES_BODY_LIMIT]))
    truncated = len(record.get("body") or "") > MINUTES_BODY_LIMIT
    found: dict[str, str] = {}
    programme: list[Block] = []
    body: list[Block] = []
    for s in sections:
        if s.heading and any(w in s.heading for w in _PROGRAMME_WORDS) and not programme:
            programme = list(s.blocks)
            continue
        keys, rest = _key_lines(s.blocks)
        for key, value in keys.items():
            found.setdefault(key, value)
        if rest:
            if s.heading:
                body.append(Block("heading", (Span(s.heading),), level=2))
            body.extend(rest)
    if truncated:
        body.append(Block("paragraph", (Span(MORE_IN_ZEBKB),)))

    date_field = "visited_on" if kind == Kind.VISIT else "held_on"
    when = format_date(record.get(date_field), weekday=True)
    if (stated := found.get(WHEN)) and (t := _TIME_RANGE.search(stated)):
        when = f"{when} {t.group(0)}"
    if kind == Kind.VISIT:
        heading = term_ja("vocab.record_type.visit")
        direction = record.get("direction")
        if isinstance(direction, str) and direction in VISIT_DIRECTIONS:
            heading = f"{heading}（{VISIT_DIRECTIONS.label(direction, 'ja')}）"
        place = found.get(PLACE) or _visited_facility(kb, record)
        host = _text(record.get("host")) if record.get("host") else found.get(ORGANISER)
        where = "、".join(p for p in (host, place) if p and p != NONE_SHOWN) or NONE_SHOWN
        people = [p for p in record.get("participants") or [] if isinstance(p, str)]
        visitors = "、".join(people) or found.get(PARTICIPANTS) or NONE_SHOWN
        if isinstance(record.get("visitor_count"), int):
            visitors += f"（計{record['visitor_count']}名）"
        staff = [p for p in record.get("host_staff") or [] if isinstance(p, str)]
        hosts = "、".join(staff) or NONE_SHOWN
        if isinstance(record.get("host_count"), int):
            hosts += f"（計{record['host_count']}名）"
        topics = [t for t in record.get("topics") or [] if isinstance(t, str)]
        # The header a ward's 視察 minutes use (docs/domain-research.md §6.1).
        header: tuple[tuple[str, str], ...] = (
            (term_ja("field.visited_on"), when),
            (term_ja("field.host"), where),
            (term_ja("field.participants"), visitors),
            (term_ja("field.host_staff"), hosts),
            (term_ja("field.topics"), "、".join(topics) or NONE_SHOWN),
        )
        if record.get("purpose"):
            header += ((term_ja("field.purpose"), _text(record.get("purpose"))),)
        if record.get("impressions"):
            header += ((term_ja("field.impressions"), _text(record.get("impressions"))),)
        header += _activity_rows(record, today)
    else:
        session_kind = record.get("kind")
        heading = (
            f"{SESSION_KINDS.label(session_kind, 'ja')} 記録"
            if session_kind
            else f"{term_ja('vocab.record_type.session')} 記録"
        )
        if isinstance(record.get("time"), str) and record["time"].strip() and " " not in when:
            when = f"{when} {record['time'].strip()}"
        place = _text(record.get("venue")) if record.get("venue") else found.get(PLACE)
        if record.get("format") in SESSION_FORMATS and record.get("format") != "in_person":
            label = SESSION_FORMATS.label(record["format"], "ja")
            place = f"{place}（{label}）" if place and label not in place else place or label
        attendees = record.get("attendees")
        participants = found.get(PARTICIPANTS) or (
            f"{attendees}名" if isinstance(attendees, int) else NONE_SHOWN
        )
        if found.get(PARTICIPANTS) and isinstance(attendees, int):
            participants += f"（計{attendees}名）"
        organiser = (
            _text(record.get("organizer")) if record.get("organizer") else found.get(ORGANISER)
        )
        implementer = (
            _text(record.get("implementer"))
            if record.get("implementer")
            else found.get(IMPLEMENTER)
        )
        speakers = [s for s in record.get("speakers") or [] if isinstance(s, str)]
        extra = [(term_ja("field.speakers"), "、".join(speakers))] if speakers else []
        if record.get("audience"):
            extra.append((term_ja("field.audience"), _text(record.get("audience"))))
        if record.get("staff_led") is True:
            extra.append((term_ja("field.staff_led"), "はい"))
        attendance = rows_text(record, "attendance_groups") or "\n".join(
            line for line in record.get("attendance") or [] if isinstance(line, str)
        )
        if attendance:
            extra.insert(0, ("参加内訳", attendance))
        header = (
            (WHEN, when),
            (PLACE, place or NONE_SHOWN),
            (PARTICIPANTS, participants),
            (ORGANISER, organiser or NONE_SHOWN),
            (IMPLEMENTER, implementer or NONE_SHOWN),
            *extra,
            *_activity_rows(record, today),
        )
    return Minutes(
        uid=record["uid"],
        heading=heading,
        title=_text(record.get("title")),
        header=header,
        programme=tuple(programme),
        body=tuple(body),
        truncated=truncated,
        footer=_footer(record) + f" ・ {ward_label(record.get('ward'))}",
    )


def _activity_rows(record: dict[str, Any], today: date) -> tuple[tuple[str, str], ...]:
    """資料 and 後日対応 of a visit or session, a line per row (an overdue one marked)."""
    rows = []
    for name in ("materials", "follow_up_items"):
        text = rows_text(record, name, today)
        if text:
            rows.append((term_ja(f"field.{name}"), text))
    return tuple(rows)


def _visited_facility(kb: KnowledgeBase, record: dict[str, Any]) -> str | None:
    uid = record.get("facility_case_uid")
    if not isinstance(uid, str) or not uid:
        return None
    case = kb.get(uid)
    if case is None or case.get("deleted"):
        return None
    name = case.get("facility_name")
    return name if isinstance(name, str) and name else None


# -- the fiscal-year list -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FiscalYearList:
    fiscal_year: int
    kind: str | None
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    uids: tuple[str, ...]
    truncated: bool = False
    notes: tuple[str, ...] = field(default=())


def _detail(kind: str, row: tuple[Any, ...]) -> str:
    """The kind's own column of a list row, from (rank, status, kind, host, category, state)."""
    rank, status, session_kind, host, category, issue_status = row
    if kind == Kind.CASE:
        return rank_label(rank, status)
    if kind == Kind.SESSION:
        if session_kind:
            return SESSION_KINDS.label(session_kind, "ja")
        return term_ja("vocab.record_type.session")
    if kind == Kind.ISSUE:
        # 課題: its category and where it stands (未対応 / 対応中 / 解決).
        state = ISSUE_STATUSES.label(issue_status, "ja") if issue_status else ""
        return "・".join(p for p in (str(category or ""), state) if p) or term_ja(
            "vocab.record_type.issue"
        )
    if kind == Kind.OWNER:
        return term_ja("vocab.record_type.owner")
    return f"受入先 {host}" if isinstance(host, str) and host else "視察"


def fiscal_year_list(kb: KnowledgeBase, year: int, kind: str | None = None) -> FiscalYearList:
    from zebkb.domain.dates import format_fiscal_year

    if kind is not None and kind not in {k.value for k in Kind}:
        raise InputError(
            f"unknown record type {kind!r} (case, visit, session, issue or owner)",
            message_ja=f"種別 {kind} はありません(case・visit・session・issue・owner)",
        )
    if not 1873 <= year <= 9998:
        raise InputError(
            "{fiscal_year} is out of range",
            message_ja="{fiscal_year}は範囲外です",
            fiscal_year=year,
        )
    summaries = kb.list_records(fiscal_year=year, kind=kind)
    summaries.sort(key=lambda s: (s.record_date or "", s.type, s.title))
    # The kind-specific column for every row in one query, not one read per record.
    details = kb.fiscal_year_details(year)
    truncated = len(summaries) > LIST_ROW_LIMIT
    rows = []
    uids = []
    for s in summaries[:LIST_ROW_LIMIT]:
        when = NONE_SHOWN
        if s.type == Kind.ISSUE and s.fiscal_year is not None:
            # A 課題 belongs to a fiscal year, not to a day.
            when = f"{format_fiscal_year(s.fiscal_year)}\nFY{s.fiscal_year}"
        elif s.record_date:
            try:
                iso = parse_iso_partial(s.record_date)
                when = f"{display.format_date(iso, 'japanese', 'ja')}\n{iso}"
            except DateError:
                when = s.record_date
        detail = _detail(s.type, tuple(details.get(s.uid, (None,) * 6)))
        kind_text = RECORD_TYPES.label(s.type, "ja")
        rows.append((when, s.title, ward_label(s.ward), f"{kind_text}\n{detail}"))
        uids.append(s.uid)
    what = RECORD_TYPES.label(kind, "ja") if kind else term_ja("kinds.all")
    heading = f"{format_fiscal_year(year)}（{format_fiscal_year(year, 'en')}）{what} 一覧"
    notes = [f"{len(summaries)}件"]
    if truncated:
        notes.append(f"先頭{LIST_ROW_LIMIT}件を表示{MORE_IN_ZEBKB}")
    return FiscalYearList(
        fiscal_year=year,
        kind=kind,
        heading=heading,
        columns=("日付", term_ja("field.title"), term_ja("field.ward"), term_ja("field.type")),
        rows=tuple(rows),
        uids=tuple(uids),
        truncated=truncated,
        notes=tuple(notes),
    )


# -- choosing the sheet for a record ------------------------------------------------------------


def report_for(kb: KnowledgeBase, uid: str, *, fetch: bool = True) -> CaseSheet | Minutes:
    """The sheet that fits a record: a case sheet or minutes (``fetch``: `main_photo`)."""
    record = kb.require(uid)
    if record.get("deleted"):
        raise NotFoundError(
            f"record {uid} was deleted; 'zebkb history {uid}' lists its versions",
            message_ja=f"UID {uid} の記録は削除されています",
        )
    if record["type"] == Kind.CASE:
        return case_sheet(kb, record, fetch=fetch)
    return minutes(kb, record)


_JIS_RELATIONS = str.maketrans({"≥": "≧", "≤": "≦"})


def printable(text: str) -> str:
    """Characters the built-in Japanese PDF fonts lack, folded to ones they have.

    Text pasted from PDFs carries radical characters (⾦ for 金, ⻑ for 長),
    subscript digits (CO₂) and invisible characters; the search normaliser's
    radical table and NFKC map those to ordinary characters. "≥" / "≤" become
    the Japanese "≧" / "≦" (the Japanese fonts have only these). Other text is
    kept, so ㎡ and full-width forms print as written.
    """
    from zebkb.search.normalize import _TRANSLATE as RADICALS_AND_INVISIBLES

    out = []
    for ch in text.translate(RADICALS_AND_INVISIBLES).translate(_JIS_RELATIONS):
        code = ord(ch)
        if 0x2F00 <= code <= 0x2FDF or 0x2070 <= code <= 0x209F:
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out)
