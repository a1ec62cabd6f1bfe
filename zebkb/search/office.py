"""Searchable text of Word, Excel and PowerPoint attachments (.docx, .xlsx, .pptx).

An Office file is a ZIP of XML parts. The container is checked first
(``zebkb.safezip``: declared sizes, part count, compression ratio), so a zip
bomb is refused before anything is unpacked; each part is then streamed
through defusedxml, which refuses entity declarations (billion laughs,
external entities) instead of expanding them. Text stops at the caller's
character bound and deadline.

Read: Word paragraphs (tables are paragraphs in cells), headers, footers and
footnotes; Excel cells of every sheet (shared strings resolved); PowerPoint
slides and their notes, in slide order. Old binary formats (.doc, .xls,
.ppt) are kept as attachments but not searched.
"""

from __future__ import annotations

import posixpath
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from zebkb.safezip import ZipBounds, ZipRefused, check_xml_parts, check_zip, is_ole

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OFFICE_TYPES = frozenset({DOCX, XLSX, PPTX})
# Kept and shown, never searched: reading the old binary formats needs a parser zebkb
# does not carry.
OLD_OFFICE_TYPES = frozenset(
    {"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}
)

OFFICE_BOUNDS = ZipBounds(members=5_000, unpacked_bytes=300 * 1000 * 1000, ratio=200)
_CHECK_EVERY = 512
_NUMBERED = re.compile(r"(\d+)\.xml$")


class OfficeRefused(ValueError):
    """The file was not read; str() is one English line, message_ja the Japanese one."""

    def __init__(self, message_en: str, message_ja: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ja = message_ja


def not_searchable_reason(media_type: str, lang: str = "ja") -> str | None:
    """Why an attachment of this type is not searched, or None when it is (or may be)."""
    if (media_type or "").split(";")[0].strip().lower() in OLD_OFFICE_TYPES:
        if lang == "en":
            return "not searchable (old Office format; save as .docx/.xlsx/.pptx to search it)"
        return "検索対象外（古いOffice形式。.docx/.xlsx/.pptx で保存すると検索できます）"
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _by_number(names: list[str]) -> list[str]:
    def key(name: str) -> tuple[int, str]:
        m = _NUMBERED.search(name)
        return (int(m.group(1)) if m else 0, name)

    return sorted(names, key=key)


_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _relationships(
    archive: zipfile.ZipFile, names: set[str], part: str, budget: _Budget
) -> dict[str, str]:
    """The part's relationships: id → the member they point at (resolved from the part's folder)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in names:
        return {}
    targets: dict[str, str] = {}
    with archive.open(rels) as stream:
        for event, element in _events(stream, budget):
            if event != "end" or _local(getattr(element, "tag", "")) != "Relationship":
                continue
            get = getattr(element, "get")  # noqa: B009
            rel_id, target = str(get("Id") or ""), str(get("Target") or "")
            if rel_id and target and str(get("TargetMode") or "") != "External":
                joined = target[1:] if target.startswith("/") else posixpath.join(folder, target)
                targets[rel_id] = posixpath.normpath(joined)
    return targets


def _in_order(
    archive: zipfile.ZipFile,
    names: set[str],
    main: str,
    item_tag: str,
    pattern: str,
    *,
    budget: _Budget,
) -> list[str]:
    """The sheets or slides in the order the file shows them (tab order, slide order).

    That order is the list in the workbook or presentation part, not the part names:
    Excel and PowerPoint keep a moved sheet's or slide's file name. Parts the list does
    not name (or a file without the list) follow in name order, so no text is lost.
    """
    parts = _by_number([n for n in names if re.fullmatch(pattern, n)])
    if main not in names:
        return parts
    targets = _relationships(archive, names, main, budget)
    listed: list[str] = []
    with archive.open(main) as stream:
        for event, element in _events(stream, budget):
            if event != "end" or _local(getattr(element, "tag", "")) != item_tag:
                continue
            target = targets.get(str(getattr(element, "get")(_RELATIONSHIP_ID) or ""))  # noqa: B009
            if target in parts and target not in listed:
                listed.append(target)
    return listed + [p for p in parts if p not in listed]


def _notes_of(archive: zipfile.ZipFile, names: set[str], slide: str, budget: _Budget) -> str:
    """The slide's speaker notes part (named by the slide's relationships)."""
    for target in _relationships(archive, names, slide, budget).values():
        if re.fullmatch(r"ppt/notesSlides/notesSlide\d+\.xml", target):
            return target
    return slide.replace("slides/slide", "notesSlides/notesSlide")


class _Budget:
    def __init__(self, max_chars: int, deadline: float, clock: Callable[[], float]) -> None:
        self.left = max_chars
        self.deadline = deadline
        self.clock = clock
        self.events = 0

    def tick(self) -> None:
        self.events += 1
        if self.events % _CHECK_EVERY == 0 and self.clock() > self.deadline:
            raise _OutOfTime

    @property
    def full(self) -> bool:
        return self.left <= 0


class _OutOfTime(Exception):
    pass


def _events(stream: IO[bytes], budget: _Budget) -> Iterator[tuple[str, object]]:
    from defusedxml.ElementTree import iterparse

    for event, element in iterparse(stream, events=("start", "end")):
        budget.tick()
        yield event, element


def _paragraphs(
    archive: zipfile.ZipFile, member: str, paragraph: str, text_tag: str, budget: _Budget
) -> Iterator[str]:
    """Text of each paragraph element in one XML part (Word w:p, DrawingML a:p).

    A text box sits inside a run of its paragraph and holds paragraphs of its own:
    each nesting level keeps its own text, so the box is a line apart and the
    paragraph around it keeps its words. Word and LibreOffice write every text box
    twice, as DrawingML (mc:Choice) and as VML for old readers (mc:Fallback): the
    fallback copy is skipped, or the box would be read twice. Line breaks (br, cr)
    end a line, so words either side of one are not joined into one.
    """
    open_paragraphs: list[list[str]] = []
    in_fallback = 0
    with archive.open(member) as stream:
        for event, element in _events(stream, budget):
            tag = _local(getattr(element, "tag", ""))
            if tag == "Fallback":
                in_fallback += 1 if event == "start" else -1
                continue
            if in_fallback:
                continue
            if event == "start":
                if tag == paragraph:
                    open_paragraphs.append([])
                continue
            if not open_paragraphs:
                continue
            parts = open_paragraphs[-1]
            if tag == text_tag:
                parts.append(getattr(element, "text", None) or "")
            elif tag == "tab":
                parts.append("\t")
            elif tag in ("br", "cr"):
                parts.append("\n")
            elif tag == paragraph:
                open_paragraphs.pop()
                line = "\n".join(
                    piece.strip() for piece in "".join(parts).split("\n") if piece.strip()
                )
                if not open_paragraphs:
                    getattr(element, "clear")()  # noqa: B009 - drop what was read
                if line:
                    yield line
                    if budget.full:
                        return


def _shared_strings(archive: zipfile.ZipFile, names: set[str], budget: _Budget) -> list[str]:
    member = "xl/sharedStrings.xml"
    if member not in names:
        return []
    strings: list[str] = []
    parts: list[str] = []
    with archive.open(member) as stream:
        for event, element in _events(stream, budget):
            if event != "end":
                continue
            tag = _local(getattr(element, "tag", ""))
            if tag == "t":
                parts.append(getattr(element, "text", None) or "")
            elif tag == "si":
                strings.append("".join(parts))
                parts.clear()
                getattr(element, "clear")()  # noqa: B009
    return strings


# Excel's built-in number formats that show a date or a time (ECMA-376 part 1, 18.8.30, with
# the Japanese-locale ids 27–36 and 50–58 for 和暦 and 年月日 forms).
_BUILTIN_DATES = frozenset([*range(14, 18), 22, *range(27, 37), *range(50, 59)])
_BUILTIN_TIMES = frozenset([18, 19, 20, 21, 45, 46, 47])


def _format_kind(code: str) -> str:
    """'date', 'datetime', 'time' or '' for a custom format code (quoted text and [..] left out)."""
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower().replace("general", "")
    # m is minutes right after hours or right before seconds (h:mm, mm:ss), else months.
    months = re.sub(r"m+(?=[^a-z]*s)", "", re.sub(r"(h[^a-z]*)m+", r"\1", bare))
    has_date = any(c in bare for c in "yde") or "m" in months
    has_time = "h" in bare or ":s" in bare or "ss" in bare
    if has_date and has_time:
        return "datetime"
    return "date" if has_date else ("time" if has_time else "")


def _date_styles(archive: zipfile.ZipFile, names: set[str], budget: _Budget) -> list[str]:
    """Per cell style (the ``s`` of a cell), what its number format shows: see `_format_kind`."""
    member = "xl/styles.xml"
    if member not in names:
        return []
    custom: dict[int, str] = {}
    kinds: list[str] = []
    in_cell_xfs = False
    with archive.open(member) as stream:
        for event, element in _events(stream, budget):
            tag = _local(getattr(element, "tag", ""))
            get = getattr(element, "get")  # noqa: B009
            if tag == "cellXfs":
                in_cell_xfs = event == "start"
            elif event != "start":
                continue
            elif tag == "numFmt":
                number = str(get("numFmtId") or "")
                if number.isdigit():
                    custom[int(number)] = _format_kind(str(get("formatCode") or ""))
            elif tag == "xf" and in_cell_xfs:
                number = str(get("numFmtId") or "0")
                fmt = int(number) if number.isdigit() else 0
                if fmt in custom:
                    kinds.append(custom[fmt])
                elif fmt in _BUILTIN_DATES:
                    kinds.append("date")
                elif fmt in _BUILTIN_TIMES:
                    kinds.append("time")
                else:
                    kinds.append("")
    return kinds


def _date_text(value: str, kind: str) -> str:
    """A cell's day count as people write it: 2024-10-21 令和6年10月21日 (and/or 14:00)."""
    from datetime import datetime, timedelta

    from zebkb.domain.dates import format_japanese

    try:
        # The 1900 date system's day 0 (Excel counts a 29 February 1900 that never was).
        moment = datetime(1899, 12, 30) + timedelta(days=float(value))
    except (ValueError, OverflowError):
        return value
    clock = moment.strftime("%H:%M")
    if kind == "time":
        return clock
    try:
        day = f"{moment.date().isoformat()} {format_japanese(moment.date())}"
    except ValueError:  # before the eras zebkb knows
        day = moment.date().isoformat()
    return f"{day} {clock}" if kind == "datetime" else day


def _sheet_rows(
    archive: zipfile.ZipFile,
    member: str,
    shared: list[str],
    budget: _Budget,
    styles: list[str] | None = None,
) -> Iterator[str]:
    cells: list[str] = []
    kind = ""
    value = ""
    shown_as = ""
    inline: list[str] = []
    styles = styles or []
    with archive.open(member) as stream:
        for event, element in _events(stream, budget):
            tag = _local(getattr(element, "tag", ""))
            if event == "start":
                if tag == "c":
                    get = getattr(element, "get")  # noqa: B009
                    kind, value = str(get("t") or ""), ""
                    style = str(get("s") or "")
                    shown_as = (
                        styles[int(style)] if style.isdigit() and int(style) < len(styles) else ""
                    )
                    inline.clear()
                continue
            if tag == "v":
                value = getattr(element, "text", None) or ""
            elif tag == "t":
                inline.append(getattr(element, "text", None) or "")
            elif tag == "c":
                if kind == "s":
                    index = int(value) if value.isdigit() else -1
                    text = shared[index] if 0 <= index < len(shared) else ""
                elif kind == "inlineStr":
                    text = "".join(inline)
                elif shown_as and kind in ("", "n") and value:
                    text = _date_text(value, shown_as)
                else:
                    text = value
                if text.strip():
                    cells.append(text.strip())
            elif tag == "row":
                if cells:
                    yield "\t".join(cells)
                    cells.clear()
                    if budget.full:
                        return
                getattr(element, "clear")()  # noqa: B009


def _lines(archive: zipfile.ZipFile, media_type: str, budget: _Budget) -> Iterator[str]:
    names = set(archive.namelist())
    if media_type == DOCX:
        extra = [
            n
            for n in names
            if re.fullmatch(r"word/(header|footer)\d*\.xml|word/(foot|end)notes\.xml", n)
        ]
        for member in ["word/document.xml", *sorted(extra)]:
            if member in names:
                yield from _paragraphs(archive, member, "p", "t", budget)
    elif media_type == PPTX:
        slides = _in_order(
            archive,
            names,
            "ppt/presentation.xml",
            "sldId",
            r"ppt/slides/slide\d+\.xml",
            budget=budget,
        )
        for slide in slides:
            yield from _paragraphs(archive, slide, "p", "t", budget)
            notes = _notes_of(archive, names, slide, budget)
            if notes in names:
                yield from _paragraphs(archive, notes, "p", "t", budget)
    elif media_type == XLSX:
        shared = _shared_strings(archive, names, budget)
        styles = _date_styles(archive, names, budget)
        sheets = _in_order(
            archive,
            names,
            "xl/workbook.xml",
            "sheet",
            r"xl/worksheets/sheet\d+\.xml",
            budget=budget,
        )
        for sheet in sheets:
            yield from _sheet_rows(archive, sheet, shared, budget, styles)


def office_text(
    path: Path,
    media_type: str,
    *,
    max_chars: int,
    max_seconds: float,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """The text of a .docx, .xlsx or .pptx file; raises OfficeRefused naming the problem.

    Text beyond ``max_chars`` is left out; a file still being read after
    ``max_seconds`` gives what was read so far.
    """
    media_type = media_type.split(";", maxsplit=1)[0].strip().lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if is_ole(head):
        raise OfficeRefused(
            f"{path.name}: password-protected or old-format Office file; not searched",
            f"{path.name}: パスワード付きか古い形式のOfficeファイルのため検索対象外です",
        )
    try:
        check_zip(path, OFFICE_BOUNDS)
        check_xml_parts(path)
    except ZipRefused as exc:
        raise OfficeRefused(f"{path.name}: {exc.message_en}", exc.message_ja) from None
    budget = _Budget(max_chars, clock() + max_seconds, clock)
    lines: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for line in _lines(archive, media_type, budget):
                lines.append(line[: budget.left])
                budget.left -= len(line) + 1
                if budget.full:
                    break
    except _OutOfTime:
        pass
    except Exception as exc:  # damaged XML, or defusedxml's refusal: a refusal either way
        name = type(exc).__name__
        if name in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
            raise OfficeRefused(
                f"{path.name}: declares XML entities (a billion-laughs or external-entity"
                " attack); not expanded, not searched",
                f"{path.name}: XMLエンティティ宣言があるため展開せず、検索対象外にしました",
            ) from None
        raise OfficeRefused(
            f"{path.name}: damaged Office file ({name}); not searched",
            f"{path.name}: 壊れたOfficeファイルのため検索対象外です",
        ) from None
    return "\n".join(lines)[:max_chars]
