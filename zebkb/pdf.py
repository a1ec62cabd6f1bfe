"""The printable sheets of ``reports.py`` as A4 PDF files (reportlab, no Qt).

Japanese text is set in one TrueType Japanese font found on the system
(IPAex Gothic from fonts-ipaexfont-gothic, which packaging/install.sh
installs), embedded as a subset so every viewer shows the same page and the
text copies cleanly. Without such a file the built-in CID fonts
HeiseiKakuGo-W5 / HeiseiMin-W3 are named instead (the viewer supplies them). Files are written to a
temporary name beside the destination and renamed, so a reader never sees
half a PDF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import (
    Flowable,
    Image,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from zebkb import __version__
from zebkb.atomicfile import write_file
from zebkb.display import format_number as display_number
from zebkb.glossary import ja as term_ja
from zebkb.reports import (
    MORE_IN_ZEBKB,
    NONE_SHOWN,
    Block,
    CaseSheet,
    FiscalYearList,
    Minutes,
    OperationBar,
    Photo,
    Span,
    fiscal_year_list,
    printable,
    report_for,
    truncate_blocks,
)

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from zebkb.service import KnowledgeBase

GOTHIC = "HeiseiKakuGo-W5"
MINCHO = "HeiseiMin-W3"
LATIN = "Helvetica"
# Runs of Latin letters, digits and ASCII punctuation (spaces inside a run only).
_LATIN = re.compile(r"([!-~](?:[ -~]*[!-~])?)")
MARGIN = 14 * mm
WIDTH = A4[0] - 2 * MARGIN
ACCENT = colors.HexColor("#2e6b4f")
LABEL_BG = colors.HexColor("#e8f0eb")
ATTENTION_BG = colors.HexColor("#fff1d6")
GRID = colors.HexColor("#9aa8a0")
CHART_DESIGN = colors.HexColor("#9aa8a0")
CHART_ACTUAL = colors.HexColor("#2e6b4f")
CHART_MISSED = colors.HexColor("#c0392b")
CHART_OTHER = colors.HexColor("#7f8c9a")  # measured with その他: not compared with design
# Largest photo side in pixels once scaled: sharp at print size, small in the file.
PHOTO_PIXELS = 1200
PHOTO_BOX = (76 * mm, 64 * mm)
# The case sheet is a Japanese document (its labels are Japanese in either window language).
PHOTO_UNREADABLE = "（写真を表示できません）"
PHOTO_TOO_LARGE = "（写真が大きすぎるため表示できません）"
TECH_LIMIT = 500
CELL_LIMIT = 600
# Characters of lessons and problems tried in turn until the case sheet fits one page.
CASE_TEXT_BUDGETS = (1_000_000, 2_400, 1_800, 1_400, 1_000, 700, 400, 150, 0)
# Font sizes tried in turn when the fixed part alone is taller than a page: 9 pt body
# text down to 7.2 pt (table cells 6.8 pt), still readable on paper.
CASE_FONT_SCALES = (1.0, 0.9, 0.8)


EMBEDDED = "ZebkbGothic"
# TrueType-outline Japanese fonts, most wanted first. Noto CJK ships CFF
# outlines in .ttc/.otf, which reportlab cannot embed, so it is not listed.
FONT_FILES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)


def japanese_font_file(candidates: Iterable[str] = FONT_FILES) -> Path | None:
    """The first readable TrueType Japanese font: a bundled one, else the system's."""
    from importlib.resources import files

    bundled = files("zebkb.assets") / "fonts" / "ipaexg.ttf"
    for name in (str(bundled), *candidates):
        path = Path(name)
        if path.is_file():
            return path
    return None


def _register_fonts() -> None:
    # The face names are read when a sheet is laid out, after this has run.
    global GOTHIC, MINCHO, LATIN  # noqa: PLW0603
    registered = pdfmetrics.getRegisteredFontNames()
    if EMBEDDED in registered:
        GOTHIC = MINCHO = LATIN = EMBEDDED
        return
    path = japanese_font_file()
    if path is not None:
        try:
            # TTFont embeds only the glyphs a document uses (a subset per file).
            pdfmetrics.registerFont(TTFont(EMBEDDED, str(path)))
        except (OSError, TTFError):
            pass  # an unreadable font file: the CID fonts serve
        else:
            # One family for labels, values and Latin runs.
            GOTHIC = MINCHO = LATIN = EMBEDDED
            return
    for name in (GOTHIC, MINCHO):
        if name not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def _cell_font() -> tuple[Any, ...]:
    # A table names its cells' font (Helvetica unless told) even when every cell
    # is a paragraph; naming ours keeps an unembedded font out of the file.
    return ("FONT", (0, 0), (-1, -1), MINCHO)


def _styles(scale: float = 1.0) -> dict[str, ParagraphStyle]:
    """The sheets' paragraph styles, every size and leading times ``scale`` (the case
    sheet steps down to fit its fixed part on one page)."""
    base = ParagraphStyle("body", fontName=MINCHO, fontSize=9, leading=13, wordWrap="CJK")
    styles = {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=10),
        "label": ParagraphStyle("label", base, fontName=GOTHIC, fontSize=8.5, leading=12),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=12),
        "kicker": ParagraphStyle("kicker", base, fontName=GOTHIC, fontSize=9, textColor=ACCENT),
        "kicker_r": ParagraphStyle(
            "kicker_r", base, fontName=GOTHIC, fontSize=9, textColor=ACCENT, alignment=TA_RIGHT
        ),
        "title": ParagraphStyle(
            "title", base, fontName=GOTHIC, fontSize=14, leading=19, spaceAfter=4
        ),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName=GOTHIC,
            fontSize=10.5,
            leading=14,
            spaceBefore=6,
            spaceAfter=2,
            textColor=ACCENT,
        ),
        "h3": ParagraphStyle("h3", base, fontName=GOTHIC, fontSize=9.5, leading=13, spaceBefore=3),
    }
    if scale != 1.0:
        for style in styles.values():
            for name in ("fontSize", "leading", "spaceBefore", "spaceAfter"):
                setattr(style, name, getattr(style, name) * scale)
    return styles


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _latin_runs(text: str) -> str:
    """Escaped markup with Latin runs set in Helvetica.

    The CID fonts give every Latin letter the same half width, which spaces
    'ZEB Oriented' out like a typewriter; a proportional face reads better.
    """
    parts = []
    for run in _LATIN.split(printable(text)):
        if not run:
            continue
        if _LATIN.fullmatch(run):
            parts.append(f'<font name="{LATIN}">{_escape(run)}</font>')
        else:
            parts.append(_escape(run))
    return "".join(parts)


def _markup(spans: Iterable[Span]) -> str:
    parts = []
    for span in spans:
        text = _latin_runs(span.text)
        parts.append(f'<font name="{GOTHIC}">{text}</font>' if span.bold else text)
    return "".join(parts)


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    # Newlines in values (a date over its Western form) become line breaks.
    return Paragraph(_latin_runs(text).replace("\n", "<br/>"), style)


def _bounded(text: str, limit: int = CELL_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + MORE_IN_ZEBKB


def block_flowables(blocks: Iterable[Block], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Markdown text blocks as paragraphs: headings, paragraphs, bullet and numbered items."""
    out: list[Flowable] = []
    for block in blocks:
        markup = _markup(block.spans)
        if block.kind == "heading":
            out.append(Paragraph(markup, styles["h3"]))
        elif block.kind == "item":
            indent = 4.5 * mm * block.depth
            style = ParagraphStyle(
                f"item{block.depth}",
                styles["body"],
                leftIndent=indent,
                bulletIndent=indent - 4 * mm,
                bulletFontName=MINCHO,
            )
            out.append(Paragraph(markup, style, bulletText=block.marker))
        else:
            out.append(Paragraph(markup, styles["body"]))
    return out


def _kv_table(
    rows: list[tuple[str, str]],
    styles: dict[str, ParagraphStyle],
    widths: tuple[float, float],
    highlight: Callable[[str], bool] = lambda label: False,
) -> Table:
    data = [
        [_para(label, styles["label"]), _para(_bounded(value), styles["cell"])]
        for label, value in rows
    ]
    commands: list[tuple[Any, ...]] = [
        _cell_font(),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i, (label, _value) in enumerate(rows):
        if highlight(label):
            commands.append(("BACKGROUND", (1, i), (1, i), ATTENTION_BG))
    table = Table(data, colWidths=list(widths))
    table.setStyle(TableStyle(commands))
    return table


def _band(left: str, right: str, styles: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[_para(left, styles["kicker"]), _para(right, styles["kicker_r"])]],
        colWidths=[WIDTH * 0.6, WIDTH * 0.4],
    )
    table.setStyle(
        TableStyle(
            [
                _cell_font(),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


# -- photos -----------------------------------------------------------------------------------------


def _on_white(img: Any) -> Any:
    """RGB for the JPEG in the PDF: transparent line art prints on white, not black."""
    from PIL import Image as PILImage

    if img.mode == "RGB":
        return img
    flat = PILImage.new("RGB", img.size, "white")
    flat.paste(img, mask=img.getchannel("A"))
    return flat


def photo_flowable(photo: Photo, box: tuple[float, float]) -> Image | str:
    """The photo upright (EXIF orientation applied), scaled into ``box``.

    Opened only through zebkb/images.py; when it cannot be shown, the note to
    print in its place instead.
    """
    from zebkb.images import ImageRefused, Refusal, reduced_image

    try:
        img = _on_white(reduced_image(photo.path, PHOTO_PIXELS))
    except ImageRefused as exc:
        return PHOTO_TOO_LARGE if exc.reason is Refusal.TOO_LARGE else PHOTO_UNREADABLE
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=85)
    size = img.size
    scale = min(box[0] / size[0], box[1] / size[1])
    buffer.seek(0)
    return Image(buffer, width=size[0] * scale, height=size[1] * scale)


# -- the case sheet -------------------------------------------------------------------------------


def _case_story(
    sheet: CaseSheet, styles: dict[str, ParagraphStyle], budget: int, *, stacked: bool = False
) -> list[Flowable]:
    """The sheet's flowables; ``stacked`` puts the photo below the overview instead of
    beside it, so that every table can break between rows onto a next page."""
    story: list[Flowable] = [
        _band(sheet.heading, sheet.ward, styles),
        Spacer(1, 2 * mm),
        _para(sheet.title, styles["title"]),
    ]
    photo_cell: list[Flowable] = []
    if sheet.photo is not None:
        image = photo_flowable(sheet.photo, PHOTO_BOX)
        if isinstance(image, str):
            photo_cell = [_para(image, styles["small"])]
        else:
            photo_cell = [image, _para(_bounded(sheet.photo.caption, 120), styles["small"])]
    if stacked:
        story.append(_kv_table(list(sheet.overview), styles, (24 * mm, WIDTH - 24 * mm)))
        story += [Spacer(1, 2 * mm), *photo_cell]
    else:
        overview = _kv_table(
            list(sheet.overview), styles, (24 * mm, WIDTH - PHOTO_BOX[0] - 30 * mm)
        )
        top = Table([[overview, photo_cell]], colWidths=[WIDTH - PHOTO_BOX[0] - 4 * mm, None])
        top.setStyle(
            TableStyle(
                [
                    _cell_font(),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (0, 0), 0),
                    ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ]
            )
        )
        story.append(top)
    story.append(_para(term_ja("sheet.rank"), styles["h2"]))
    story.append(
        _kv_table(
            list(sheet.rank),
            styles,
            (38 * mm, WIDTH - 38 * mm),
            highlight=lambda label: sheet.rank_attention and label == term_ja("rank.verdict"),
        )
    )
    if sheet.warnings:
        story.append(_para("確認が必要な点", styles["h2"]))
        story += [_para(_bounded(f"⚠ {w}", 300), styles["body"]) for w in sheet.warnings]
    if sheet.operation:
        # The heading says on which basis the two compare (design figures exclude その他).
        story.append(
            _para(
                f"運用実績（設計値との比較、MJ/㎡・年）　{term_ja('operation.basis')}", styles["h2"]
            )
        )
        story.append(operation_chart(sheet.operation))
    story.append(_para(term_ja("field.technologies"), styles["h2"]))
    tech = "、".join(sheet.technologies) if sheet.technologies else NONE_SHOWN
    story.append(_para(_bounded(tech, TECH_LIMIT), styles["body"]))

    lessons, problems, other = list(sheet.lessons), list(sheet.problems), list(sheet.other)
    if other:
        shown, _ = truncate_blocks(other, budget)
        story += [_para("概要", styles["h2"]), *block_flowables(shown, styles)]
    else:
        lesson_len = sum(len(b.text) for b in lessons)
        problem_len = sum(len(b.text) for b in problems)
        lesson_budget = min(lesson_len, max(budget // 2, budget - problem_len))
        shown_l, _ = truncate_blocks(lessons, lesson_budget)
        shown_p, _ = truncate_blocks(problems, budget - min(lesson_len, lesson_budget))
        story.append(_para(term_ja("sheet.lessons"), styles["h2"]))
        story += block_flowables(shown_l, styles) or [_para(NONE_SHOWN, styles["body"])]
        story.append(_para(term_ja("sheet.problems"), styles["h2"]))
        story += block_flowables(shown_p, styles) or [_para(NONE_SHOWN, styles["body"])]
    return story


CHART_LABEL = 24 * mm
CHART_BAR_AREA = 90 * mm
CHART_BAR = 3.2 * mm
CHART_ROW = 2 * CHART_BAR + 2.4 * mm
# At most this many years on the one-page sheet: the latest ones.
CHART_YEARS = 6


def operation_chart(bars: tuple[OperationBar, ...]) -> Drawing:
    """Design against actual per fiscal year: a grey design bar over a green actual one
    (red when the year used more than designed), values and the reduction beside them."""
    shown = bars[-CHART_YEARS:]
    top = max([b.measured for b in shown] + [b.design for b in shown if b.design is not None])
    legend = 5 * mm
    height = legend + CHART_ROW * len(shown)
    drawing = Drawing(WIDTH, height)

    def text(x: float, y: float, words: str, size: float = 7.5) -> None:
        drawing.add(String(x, y, printable(words), fontName=MINCHO, fontSize=size))

    x0 = CHART_LABEL
    y = height - 3.2 * mm
    for i, (colour, words) in enumerate(
        (
            (CHART_DESIGN, term_ja("vocab.figures_basis.design")),
            (CHART_ACTUAL, term_ja("vocab.figures_basis.measured")),
            (CHART_MISSED, "実績値（設計値を超過）"),
        )
    ):
        x = x0 + i * 28 * mm
        drawing.add(Rect(x, y, 3 * mm, 2.4 * mm, fillColor=colour, strokeColor=None))
        text(x + 4 * mm, y + 0.3 * mm, words, 7)
    for n, bar in enumerate(shown):
        y = height - legend - (n + 1) * CHART_ROW + 1.2 * mm
        text(0, y + CHART_BAR * 0.7, bar.year, 8)
        colour = CHART_MISSED if bar.misses_design else CHART_ACTUAL
        pairs = [(bar.measured, colour if bar.comparable else CHART_OTHER, "")]
        if bar.design is not None:
            pairs.insert(0, (bar.design, CHART_DESIGN, ""))
        for k, (value, colour, _) in enumerate(pairs):
            by = y + (CHART_BAR if len(pairs) == 2 and k == 0 else 0)
            length = max(0.5, CHART_BAR_AREA * value / top) if top > 0 else 0.5
            drawing.add(Rect(x0, by, length, CHART_BAR - 0.6, fillColor=colour, strokeColor=None))
            text(x0 + length + 1.5 * mm, by + 0.6, display_number(value), 7)
        if bar.note:
            text(x0 + CHART_BAR_AREA + 16 * mm, y + 1, bar.note, 7)
    if all(b.design is None for b in shown):
        text(x0 + 3 * 28 * mm, height - 3 * mm, "設計値の記載なし", 7)
    return drawing


def case_sheet_pdf(sheet: CaseSheet, created: datetime | None = None) -> bytes:
    """One A4 page when it can be: the lessons and problems are shortened until it fits,
    then the type steps down to a floor. A case whose fixed part (overview, rank, chart,
    technologies) is too long even then runs onto more pages, numbered: a real case is
    never refused."""
    _register_fonts()
    data = b""
    for scale in CASE_FONT_SCALES:
        styles = _styles(scale)
        footer = _footer_painter(
            [f"区の連絡先: {_bounded(sheet.contact, 90)}", sheet.footer], styles, pages=False
        )
        # At the normal size the longest body is tried first (a usual case fits at once);
        # at a smaller one, only once the fixed part is known to fit (no body at all).
        budgets = CASE_TEXT_BUDGETS if scale == 1.0 else CASE_TEXT_BUDGETS[-1:]
        for budget in budgets:
            data, pages = _build(_case_story(sheet, styles, budget), footer, sheet.title, created)
            if pages == 1:
                break
        else:
            continue
        if scale == 1.0:
            return data
        for budget in CASE_TEXT_BUDGETS[1:-1]:
            fuller, pages = _build(_case_story(sheet, styles, budget), footer, sheet.title, created)
            if pages == 1:
                return fuller
        return data
    # More than a page even in the smallest type: the normal type over numbered pages,
    # photo below the overview so that every table may break between its rows, and
    # the lessons and problems at their second budget (the later pages have room).
    styles = _styles()
    footer = _footer_painter(
        [f"区の連絡先: {_bounded(sheet.contact, 90)}", sheet.footer], styles, pages=True
    )
    story = _case_story(sheet, styles, CASE_TEXT_BUDGETS[1], stacked=True)
    return _build(story, footer, sheet.title, created)[0]


# -- minutes and lists --------------------------------------------------------------------------


def minutes_pdf(sheet: Minutes, created: datetime | None = None) -> bytes:
    _register_fonts()
    styles = _styles()
    story: list[Flowable] = [
        _band(sheet.heading, "", styles),
        Spacer(1, 2 * mm),
        _para(sheet.title, styles["title"]),
        _kv_table(list(sheet.header), styles, (28 * mm, WIDTH - 28 * mm)),
        _para("プログラム", styles["h2"]),
    ]
    story += block_flowables(sheet.programme, styles) or [_para(NONE_SHOWN, styles["body"])]
    story += _section_flowables(sheet.body, styles)
    footer = _footer_painter([sheet.footer], styles, pages=True)
    return _build(story, footer, sheet.title, created)[0]


def _section_flowables(
    blocks: Iterable[Block], styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    out: list[Flowable] = []
    for block in blocks:
        if block.kind == "heading" and block.level <= 2:
            out.append(Paragraph(_markup(block.spans), styles["h2"]))
        else:
            out += block_flowables([block], styles)
    return out


def wrap_text(text: str, font: str, size: float, width: float) -> str:
    """Lines of ``text`` no wider than ``width``, broken anywhere (Japanese needs no spaces)."""
    widths: dict[str, float] = {}
    lines: list[str] = []
    for paragraph in printable(text).split("\n"):
        line: list[str] = []
        used = 0.0
        for ch in paragraph:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = pdfmetrics.stringWidth(ch, font, size)
            # Closing brackets and punctuation never start a line (kinsoku); they
            # may hang a little into the cell padding instead.
            if line and used + w > width and ch not in _NO_LINE_START:
                lines.append("".join(line))
                line, used = [], 0.0
            line.append(ch)
            used += w
        lines.append("".join(line))
    return "\n".join(lines)


_NO_LINE_START = frozenset("、。，．,.)）」』】〕〉》”’・ーっゃゅょッャュョ々！？!?：:；;")
LIST_FONT_SIZE = 8.5
LIST_PADDING = 3


def fiscal_year_list_pdf(listing: FiscalYearList, created: datetime | None = None) -> bytes:
    """A table of the year's records. Cells are plain pre-wrapped text, not Paragraphs:
    a year of thousands of records then lays out in about a second, not tens."""
    _register_fonts()
    styles = _styles()
    col_widths = [34 * mm, WIDTH - 34 * mm - 22 * mm - 36 * mm, 22 * mm, 36 * mm]
    rows = [
        [
            wrap_text(_bounded(value, 300), MINCHO, LIST_FONT_SIZE, w - 2 * LIST_PADDING)
            for value, w in zip(row, col_widths, strict=True)
        ]
        for row in listing.rows
    ]
    story: list[Flowable] = [
        _band("年度一覧", "・".join(listing.notes), styles),
        Spacer(1, 2 * mm),
        _para(listing.heading, styles["title"]),
    ]
    if rows:
        table = LongTable([list(listing.columns), *rows], colWidths=col_widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), MINCHO, LIST_FONT_SIZE, LIST_FONT_SIZE + 3),
                    ("FONT", (0, 0), (-1, 0), GOTHIC, LIST_FONT_SIZE, LIST_FONT_SIZE + 3),
                    ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                    ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), LIST_PADDING),
                    ("RIGHTPADDING", (0, 0), (-1, -1), LIST_PADDING),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -1),
                        [colors.white, colors.HexColor("#f6f8f7")],
                    ),
                ]
            )
        )
        story.append(table)
    else:
        story.append(_para("この年度の記録はありません。", styles["body"]))
    footer = _footer_painter([listing.heading], styles, pages=True)
    return _build(story, footer, listing.heading, created)[0]


# -- building and writing ------------------------------------------------------------------------


Painter = Callable[["Canvas", Any], None]


def _footer_painter(lines: list[str], styles: dict[str, ParagraphStyle], *, pages: bool) -> Painter:
    def paint(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.5)
        y = MARGIN - 2 * mm
        canvas.line(MARGIN, y + 9 * mm, A4[0] - MARGIN, y + 9 * mm)
        for i, line in enumerate(lines[:2]):
            canvas.setFont(GOTHIC if i == 0 else MINCHO, 7.5)
            canvas.drawString(MARGIN, y + 5.5 * mm - i * 3.6 * mm, printable(line))
        canvas.setFont(MINCHO, 7)
        right = f"zebkb {__version__}" + (f" ・ {doc.page}" if pages else "")
        canvas.drawRightString(A4[0] - MARGIN, y + 1.9 * mm, right)
        canvas.restoreState()
        doc.pages_built = doc.page

    return paint


def pdf_date(moment: datetime) -> str:
    """A PDF date string, D:20250318090000+09'00', in the moment's own offset."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{mins:02d}'"


def _build(
    story: list[Flowable], painter: Painter, title: str, created: datetime | None = None
) -> tuple[bytes, int]:
    """Lay the story out on A4; ``created`` (default: now) is the file's creation date.

    Invariant mode keeps the document id and object order fixed, and the
    creation date is set from ``created``: with the same record and the same
    clock (tests inject one), the same bytes.
    """
    moment = created or datetime.now().astimezone()
    if moment.tzinfo is None:
        moment = moment.astimezone()
    stamp = pdf_date(moment)

    def first_page(canvas: Canvas, doc: Any) -> None:
        # reportlab asks this formatter for CreationDate and ModDate when it writes the file.
        canvas.setDateFormatter(lambda *_ymdhms: stamp)
        painter(canvas, doc)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 9 * mm,
        title=printable(title),
        author="zebkb",
        creator=f"zebkb {__version__}",
        # No random document id; the creation date is set on the first page from ``created``.
        invariant=True,
        # The page's starting font too, so no unembedded Helvetica is named.
        initialFontName=MINCHO,
    )
    doc.build(story, onFirstPage=first_page, onLaterPages=painter)
    return buffer.getvalue(), int(getattr(doc, "pages_built", doc.page))


def write_atomic(data: bytes, out: Path) -> Path:
    """Write the PDF to ``out`` whole or not at all (zebkb/atomicfile.py)."""
    return write_file(out, lambda stream: stream.write(data), example="sheet.pdf")


def render(sheet: CaseSheet | Minutes | FiscalYearList, created: datetime | None = None) -> bytes:
    """The sheet as PDF bytes, created at ``created`` (the knowledge base's clock; default now)."""
    if isinstance(sheet, CaseSheet):
        return case_sheet_pdf(sheet, created)
    if isinstance(sheet, Minutes):
        return minutes_pdf(sheet, created)
    return fiscal_year_list_pdf(sheet, created)


def write_record_report(kb: KnowledgeBase, uid: str, out: Path) -> Path:
    """A case sheet or minutes for one record, as a PDF at ``out``."""
    return write_atomic(render(report_for(kb, uid), kb.clock()), out)


def write_fiscal_year_report(kb: KnowledgeBase, year: int, kind: str | None, out: Path) -> Path:
    """The list of one fiscal year's records (of one kind, or all), as a PDF at ``out``."""
    return write_atomic(render(fiscal_year_list(kb, year, kind), kb.clock()), out)


__all__ = [
    "MORE_IN_ZEBKB",
    "case_sheet_pdf",
    "fiscal_year_list_pdf",
    "minutes_pdf",
    "render",
    "write_atomic",
    "write_fiscal_year_report",
    "write_record_report",
]
