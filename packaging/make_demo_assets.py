"""Draw the demo attachments and the application icon, and write the demo records.

    python packaging/make_demo_assets.py            # writes into assets/
    python packaging/make_demo_assets.py --out DIR  # writes DIR/demo and DIR/icons

Every output is deterministic: the same Pillow and reportlab give the same
bytes on every run (fixed timestamps, no randomness, PDFs in invariant mode).
Pictures are plain drawings that say "イラスト (illustration)" on their face,
so nobody mistakes them for photographs of the real buildings.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

# demo_records is a sibling script module, not part of an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import demo_records

from zebkb.domain.fields import LIST_TYPES, Kind, fields_for

JST = timezone(timedelta(hours=9))
# Demo records are all dated as entered on one morning, a minute apart, so the
# list order in the interface is stable.
CREATED_BASE = datetime(2025, 4, 1, 9, 0, tzinfo=JST)
EXIF_ORIENTATION = 0x0112
ROTATE_90_CW = 6  # viewer turns the stored pixels 90° clockwise

INK = (40, 48, 56)
PAPER = (250, 249, 244)
SKY = (214, 234, 246)
GREEN = (46, 139, 87)
LEAF = (110, 180, 90)
PANEL = (44, 74, 130)
WALL = (226, 222, 210)
GLASS = (150, 196, 220)
WARM = (226, 120, 60)


# ---------------------------------------------------------------- text


# A stroke font for the one Japanese word the pictures carry. The tree has no
# Japanese TrueType font and shipping one only for this word is not worth it.
KATAKANA_STROKES: dict[str, list[list[tuple[float, float]]]] = {
    "イ": [[(0.80, 0.05), (0.55, 0.32), (0.10, 0.58)], [(0.50, 0.36), (0.50, 0.97)]],
    "ラ": [
        [(0.25, 0.08), (0.75, 0.08)],
        [(0.15, 0.36), (0.85, 0.36), (0.75, 0.66), (0.30, 0.96)],
    ],
    "ス": [[(0.15, 0.12), (0.80, 0.12), (0.62, 0.48), (0.12, 0.92)], [(0.50, 0.58), (0.90, 0.94)]],
    "ト": [[(0.35, 0.04), (0.35, 0.97)], [(0.35, 0.40), (0.82, 0.62)]],
}


def draw_katakana(draw: ImageDraw.ImageDraw, text: str, x: int, y: int, size: int) -> int:
    """Draw katakana from KATAKANA_STROKES; returns the x after the last glyph."""
    width = max(2, size // 9)
    for char in text:
        for stroke in KATAKANA_STROKES[char]:
            points = [(x + px * size, y + py * size) for px, py in stroke]
            draw.line(points, fill=INK, width=width, joint="curve")
        x += int(size * 1.1)
    return x


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font: the same glyphs on every machine, no system fonts.
    return ImageFont.load_default(size=size)


def illustration_label(draw: ImageDraw.ImageDraw, width: int, caption: str) -> None:
    """The banner that marks a picture as a drawing, with an English caption."""
    draw.rectangle((0, 0, width, 46), fill=(255, 255, 255), outline=INK, width=2)
    x = draw_katakana(draw, "イラスト", 12, 9, 28)
    draw.text((x + 6, 12), "(illustration)", font=font(22), fill=INK)
    draw.text((x + 190, 15), caption, font=font(16), fill=(90, 90, 90))


# ---------------------------------------------------------------- pictures


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def draw_seiso_exterior() -> bytes:
    """Two-storey cleaning office with a garage for collection vehicles and PV."""
    w, h = 720, 440
    img = Image.new("RGB", (w, h), SKY)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 360, w, h), fill=(170, 170, 160))
    # office block
    d.rectangle((80, 170, 400, 360), fill=WALL, outline=INK, width=3)
    for row in (195, 275):
        for col in range(100, 390, 58):
            d.rectangle((col, row, col + 42, row + 50), fill=GLASS, outline=INK, width=2)
    d.rectangle((84, 262, 396, 268), fill=INK)  # eave (庇) shading the lower windows
    # garage block
    d.rectangle((400, 220, 660, 360), fill=(205, 200, 188), outline=INK, width=3)
    for col in (420, 540):
        d.rectangle((col, 255, col + 100, 360), fill=(180, 180, 175), outline=INK, width=2)
        for slat in range(265, 360, 12):
            d.line((col, slat, col + 100, slat), fill=(150, 150, 145), width=1)
    # PV panels on the roof
    for col in range(95, 390, 60):
        d.polygon([(col, 168), (col + 50, 168), (col + 40, 145), (col - 5, 145)], fill=PANEL)
    d.text((96, 120), "PV", font=font(18), fill=INK)
    # leaf mark
    d.ellipse((600, 90, 680, 150), fill=LEAF, outline=GREEN, width=3)
    d.line((605, 145, 675, 95), fill=GREEN, width=3)
    d.text((440, 190), "garage", font=font(16), fill=INK)
    d.text((200, 335), "office", font=font(16), fill=INK)
    d.text((20, 400), "ZEB Ready (design): -51% primary energy", font=font(18), fill=INK)
    illustration_label(d, w, "Katsushika cleaning office")
    return png_bytes(img)


def draw_reduction_chart() -> bytes:
    """Design reductions of Katsushika's three ZEB Ready buildings against 50 %."""
    w, h = 720, 440
    img = Image.new("RGB", (w, h), PAPER)
    d = ImageDraw.Draw(img)
    left, bottom, top = 120, 380, 80
    scale = (bottom - top) / 100
    d.line((left, top, left, bottom), fill=INK, width=2)
    d.line((left, bottom, w - 40, bottom), fill=INK, width=2)
    for pct in (0, 25, 50, 75, 100):
        y = bottom - pct * scale
        d.line((left - 6, y, left, y), fill=INK, width=2)
        d.text((left - 50, y - 9), f"{pct}%", font=font(16), fill=INK)
    bars = [("Cleaning office", 51, 0), ("Takaragizuka ES", 52, 0), ("Tokiwa JHS", 54, 13)]
    for i, (name, base, extra) in enumerate(bars):
        x = left + 50 + i * 180
        d.rectangle((x, bottom - base * scale, x + 90, bottom), fill=GREEN)
        if extra:
            top_y = bottom - (base + extra) * scale
            d.rectangle((x, top_y, x + 90, bottom - base * scale), fill=WARM)
            d.text((x + 24, top_y - 24), f"{base + extra}%", font=font(18), fill=INK)
        d.text((x + 24, bottom - base * scale / 2), f"{base}%", font=font(18), fill=PAPER)
        d.text((x - 10, bottom + 10), name, font=font(16), fill=INK)
    y50 = bottom - 50 * scale
    d.line((left, y50, w - 40, y50), fill=(200, 40, 40), width=2)
    d.rectangle((left + 10, 60, left + 24, 74), fill=GREEN)
    d.text((left + 30, 58), "excl. renewables", font=font(14), fill=INK)
    d.rectangle((left + 170, 60, left + 184, 74), fill=WARM)
    d.text((left + 190, 58), "renewables", font=font(14), fill=INK)
    d.line((left + 300, 67, left + 330, 67), fill=(200, 40, 40), width=2)
    d.text((left + 336, 58), "ZEB Ready line (50%)", font=font(14), fill=(200, 40, 40))
    illustration_label(d, w, "Katsushika design reductions")
    return png_bytes(img)


def draw_ecoru_geothermal() -> bytes:
    """Square pavilion with PV roof and ground-source loops below."""
    w, h = 640, 480
    img = Image.new("RGB", (w, h), SKY)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 290, w, h), fill=(160, 130, 95))
    d.rectangle((180, 150, 460, 290), fill=WALL, outline=INK, width=3)
    d.rectangle((170, 128, 470, 150), fill=PANEL, outline=INK, width=2)
    for col in range(200, 440, 60):
        d.rectangle((col, 180, col + 40, 260), fill=GLASS, outline=INK, width=2)
    for x in (230, 320, 410):
        d.line((x, 290, x, 450), fill=(40, 90, 200), width=4)
        d.line((x + 14, 290, x + 14, 450), fill=(210, 60, 60), width=4)
        d.arc((x - 2, 436, x + 16, 458), 0, 180, fill=INK, width=3)
    d.text((470, 380), "ground-source", font=font(16), fill=(255, 255, 255))
    d.text((470, 400), "heat loops", font=font(16), fill=(255, 255, 255))
    d.text((480, 120), "PV roof", font=font(16), fill=INK)
    d.ellipse((40, 80, 120, 140), fill=LEAF, outline=GREEN, width=3)
    illustration_label(d, w, "Ecoru Togoshi (Nearly ZEB)")
    return png_bytes(img)


def draw_mizumoto_section() -> Image.Image:
    """Upright section of a three-storey school: insulation, eaves, PV, GHP."""
    w, h = 720, 480
    img = Image.new("RGB", (w, h), SKY)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 400, w, h), fill=(150, 140, 120))
    d.rectangle((110, 130, 560, 400), fill=WALL, outline=INK, width=3)
    d.rectangle((104, 124, 566, 136), fill=(250, 215, 80))  # roof insulation
    d.rectangle((104, 130, 116, 400), fill=(250, 215, 80))  # wall insulation
    d.rectangle((554, 130, 566, 400), fill=(250, 215, 80))
    for floor_y in (220, 310):
        d.line((116, floor_y, 554, floor_y), fill=INK, width=3)
    for top in (140, 230, 320):
        d.rectangle((150, top + 20, 260, top + 70), fill=GLASS, outline=INK, width=2)
        d.rectangle((566, top + 10, 610, top + 16), fill=INK)  # eave
    d.polygon([(300, 122), (420, 122), (400, 95), (320, 95)], fill=PANEL)
    d.text((430, 96), "PV 4 kW", font=font(16), fill=INK)
    d.rectangle((600, 350, 680, 400), fill=(200, 200, 200), outline=INK, width=2)
    d.text((612, 365), "GHP", font=font(18), fill=INK)
    d.text((300, 170), "classrooms", font=font(16), fill=INK)
    d.text((20, 440), "yellow = insulation (wall 150 mm, roof 100 mm)", font=font(16), fill=INK)
    illustration_label(d, w, "Mizumoto ES section")
    return img


def jpeg_with_orientation(upright: Image.Image) -> bytes:
    """Store the pixels turned a quarter left with orientation 6.

    A viewer that honours EXIF turns them back upright; one that ignores it
    shows the picture on its side, which is what the thumbnailer test needs.
    """
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_90_CW
    out = io.BytesIO()
    stored.save(out, format="JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


# ---------------------------------------------------------------- PDF

PDF_PHRASE = "公共建築物のZEB化実現に関する意見交換会"


def moe_exchange_pdf() -> bytes:
    """A one-page A4 handout summarising the Ministry exchange meeting's programme."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    for name in ("HeiseiKakuGo-W5", "HeiseiMin-W3"):
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    page.setTitle(PDF_PHRASE + "（2024年1月11日）プログラム要約")
    page.setAuthor("zebkb デモデータ")
    page.setSubject("環境省 公表資料の要約")
    _, height = A4
    y = height - 60

    def line(text: str, size: float = 10.5, face: str = "HeiseiMin-W3", gap: float = 17) -> None:
        nonlocal y
        page.setFont(face, size)
        page.drawString(50, y, text)
        y -= gap

    line(PDF_PHRASE, 15, "HeiseiKakuGo-W5", 22)
    line("（2024年1月11日開催）プログラム要約　配付資料", 11, "HeiseiKakuGo-W5", 26)
    for label, value in (
        ("日時", "2024年1月11日（木）13:00〜15:00"),
        ("場所", "オンライン開催"),
        ("参加者", "自治体（20自治体）"),
        ("開催主体", "環境省 地球環境局 地球温暖化対策事業室"),
        ("実施機関", "三菱総合研究所 サステナビリティ本部"),
    ):
        line(f"{label}：{value}")
    y -= 6
    line("プログラム", 12, "HeiseiKakuGo-W5", 20)
    for item in (
        "(1) 挨拶、環境省のZEB支援策の説明（環境省）13:05〜13:20",
        "     国の温暖化対策の背景、ZEBに関係する施策・補助制度",
        "(2) 公共建築物のZEB化検討ステップに応じた課題と解決策（三菱総合研究所）13:20〜13:50",
        "     基本構想から運用までの各段階の課題と解決策",
        "(3) 久米島町におけるZEB導入の経緯と課題への対応（沖縄県久米島町）13:50〜14:30",
        "     設備更新の時期にZEBプランナーへ相談し、Nearly ZEBを目指せると判明",
        "     窓の意匠や赤瓦の屋根など、既存建物の特性もZEB化に適していた",
        "以降の項目は出典を参照。",
    ):
        line(item, 10)
    y -= 10
    line("出典：" + demo_records.SRC_ENV_240111, 8.5)
    line("この配付資料は zebkb のデモ用に公表資料を要約したものです。", 8.5)
    page.showPage()
    page.save()
    return out.getvalue()


# ---------------------------------------------------------------- icon

ICON_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>zebkb</title>
  <rect x="8" y="8" width="240" height="240" rx="44" fill="#2e8b57"/>
  <path d="M52 204 V112 L128 60 L204 112 V204 Z" fill="#fafaf4"/>
  <rect x="72" y="128" width="32" height="28" fill="#2c4a82"/>
  <rect x="152" y="128" width="32" height="28" fill="#2c4a82"/>
  <rect x="112" y="152" width="32" height="52" fill="#2c4a82"/>
  <path d="M150 96 C150 58 188 40 222 42 C224 78 206 108 168 110 Z" fill="#8fd16a"/>
  <path d="M156 104 L212 50" stroke="#1f6b40" stroke-width="6" stroke-linecap="round"/>
</svg>
"""


def icon_image(size: int) -> Image.Image:
    """The same mark as ICON_SVG, drawn at 4× and reduced for smooth edges."""
    big = 1024
    k = big / 256
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)

    def s(*points: float) -> list[float]:
        return [p * k for p in points]

    d.rounded_rectangle(s(8, 8, 248, 248), radius=44 * k, fill=(46, 139, 87, 255))
    house = [(52, 204), (52, 112), (128, 60), (204, 112), (204, 204)]
    d.polygon([(x * k, y * k) for x, y in house], fill=(250, 250, 244, 255))
    for box in ((72, 128, 104, 156), (152, 128, 184, 156), (112, 152, 144, 204)):
        d.rectangle(s(*box), fill=(44, 74, 130, 255))
    # the leaf: a lens between two arcs, approximated with a polygon
    leaf = [(150, 96), (156, 72), (176, 54), (200, 44), (222, 42)]
    leaf += [(220, 66), (210, 86), (192, 102), (168, 110)]
    d.polygon([(x * k, y * k) for x, y in leaf], fill=(143, 209, 106, 255))
    d.line(s(156, 104, 212, 50), fill=(31, 107, 64, 255), width=int(6 * k))
    return img.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(icon_dir: Path) -> None:
    icon_dir.mkdir(parents=True, exist_ok=True)
    (icon_dir / "zebkb.svg").write_text(ICON_SVG, encoding="utf-8")
    big = icon_image(256)
    (icon_dir / "zebkb.png").write_bytes(png_bytes(big))
    out = io.BytesIO()
    big.save(
        out, format="ICO", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (256, 256)]
    )
    (icon_dir / "zebkb.ico").write_bytes(out.getvalue())


# ---------------------------------------------------------------- records


# Quoted from the seed document (令和7年3月18日 環境課), the part on ZEB/ZEH.
FY2024_REPORT_EXCERPT = """ゼロカーボンシティ特別区に向けた取組について（令和6年度 取組状況の報告）
令和7年3月18日 環境課

建物・住宅のZEB・ZEH普及の推進
連携方策
・23区のZEB化の底上げ、知識レベルの向上を図るため区有施設のZEB事例の共有や職員の
  人材育成を図ります。また、区有施設のZEB化の推進により、区内事業者の技術向上を図ります。
取組状況
・23区のZEB公共施設において見学会を行うとともに、東京都主催の研修会への参加や
  設計事務所によるセミナーを実施
・本区の清掃事務所においても、国や他自治体の視察を受け入れ、意見交換を行うなど
  各区が有するZEB公共施設に関する事例やノウハウを共有し、専門的な知識の習得に努めました。
・今後は環境部門のみならず、営繕部門などとも連携し、ノウハウの共有を図ります。
（清掃事務所視察）
開催日：令和6年10月21日（月）
参加者：環境省、杉並区、市川市、さいたま市、有識者1名
"""


@dataclass(frozen=True)
class DemoFile:
    key: str
    filename: str
    media_type: str
    caption: str
    make: Callable[[], bytes]


DEMO_FILES: tuple[DemoFile, ...] = (
    DemoFile(
        "seiso_exterior_png",
        "清掃事務所_外観イラスト.png",
        "image/png",
        "外観のイラスト（写真ではありません）。事務所棟・車庫棟・屋上の太陽光パネル。",
        draw_seiso_exterior,
    ),
    DemoFile(
        "katsushika_reduction_png",
        "葛飾区ZEB事例_削減率比較図.png",
        "image/png",
        "区の公表値による設計削減率の比較図（視察説明用のイラスト）。",
        draw_reduction_chart,
    ),
    DemoFile(
        "ecoru_geothermal_png",
        "エコルとごし_地中熱イラスト.png",
        "image/png",
        "地中熱と太陽光の仕組みを示すイラスト（写真ではありません）。",
        draw_ecoru_geothermal,
    ),
    DemoFile(
        "mizumoto_section_jpg",
        "水元小_断面イラスト.jpg",
        "image/jpeg",
        "断熱・庇・太陽光・GHP を示す断面イラスト（EXIF の向き情報付き）。",
        lambda: jpeg_with_orientation(draw_mizumoto_section()),
    ),
    DemoFile(
        "fy2024_report_txt",
        "令和6年度_ゼロカーボンシティ特別区取組状況_抜粋.txt",
        "text/plain",
        "令和6年度取組状況の報告（令和7年3月18日 環境課）のZEB・ZEHに関する部分の抜粋。",
        lambda: FY2024_REPORT_EXCERPT.encode("utf-8"),
    ),
    DemoFile(
        "moe_exchange_pdf",
        "意見交換会_2024-01-11_プログラム要約.pdf",
        "application/pdf",
        "環境省の公表報告によるプログラムの要約（配付資料）。",
        moe_exchange_pdf,
    ),
)


def timestamp(index: int) -> str:
    return (CREATED_BASE + timedelta(minutes=index)).isoformat()


def build_record(
    kind: Kind, spec: dict[str, Any], index: int, files: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """A bundle-form record with every declared field, in fields.py order."""
    spec = dict(spec)
    slug = spec.pop("slug")
    if "facility_case" in spec:
        spec["facility_case_uid"] = demo_records.demo_uid(spec.pop("facility_case"))
    if "related_cases" in spec:
        spec["related_case_uids"] = [demo_records.demo_uid(s) for s in spec.pop("related_cases")]
    for name in ("related", "cases"):
        if name in spec:
            spec[name] = [demo_records.demo_uid(s) for s in spec[name]]
    if "source" not in spec and isinstance(spec.get("body"), str):
        # The body's 出典 list, one source a line, in a field of its own.
        _, _, tail = spec["body"].partition("## 出典\n")
        spec["source"] = "\n".join(line.removeprefix("- ") for line in tail.splitlines()) or None
    spec["attachments"] = [files[key] for key in spec.get("attachments", [])]
    # A material names its file by the demo file's key; the record holds its hash.
    if "materials" in spec:
        spec["materials"] = [
            {**m, "file": files[m["file"]]["sha256"]} if "file" in m else m
            for m in spec["materials"]
        ]
    fixed = {
        "uid": demo_records.demo_uid(slug),
        "type": kind.value,
        "created_at": timestamp(index),
        "updated_at": timestamp(index),
        "revision": 1,
        "deleted": False,
    }
    record: dict[str, Any] = {}
    for field in fields_for(kind):
        if field.legacy:
            continue  # replaced by a newer kind (the owner records)
        if field.name in fixed:
            record[field.name] = fixed[field.name]
        elif field.name in spec:
            record[field.name] = spec.pop(field.name)
        else:
            record[field.name] = [] if field.type in LIST_TYPES else None
    if spec:
        raise ValueError(f"{slug}: fields not declared in zebkb.domain.fields: {sorted(spec)}")
    return record


def build_records(files: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    groups = (
        (Kind.CASE, demo_records.case_specs()),
        (Kind.VISIT, demo_records.visit_specs()),
        (Kind.SESSION, demo_records.session_specs()),
        (Kind.ISSUE, demo_records.issue_specs()),
        (Kind.OWNER, demo_records.owner_specs()),
    )
    records = []
    for kind, specs in groups:
        for spec in specs:
            records.append(build_record(kind, spec, len(records), files))
    return records


SHA256_NAME = re.compile(r"[0-9a-f]{64}")


def write_demo(demo_dir: Path) -> list[dict[str, Any]]:
    files_dir = demo_dir / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict[str, Any]] = {}
    for demo_file in DEMO_FILES:
        data = demo_file.make()
        digest = hashlib.sha256(data).hexdigest()
        (files_dir / digest).write_bytes(data)
        entries[demo_file.key] = {
            "sha256": digest,
            "filename": demo_file.filename,
            "media_type": demo_file.media_type,
            "size": len(data),
            "caption": demo_file.caption,
        }
    # Drop files an earlier run drew differently, so the folder holds only what is referenced.
    wanted = {entry["sha256"] for entry in entries.values()}
    for path in files_dir.iterdir():
        if SHA256_NAME.fullmatch(path.name) and path.name not in wanted:
            path.unlink()
    records = build_records(entries)
    text = json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    (demo_dir / "records.json").write_text(text, encoding="utf-8", newline="\n")
    return records


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_out = Path(__file__).resolve().parent.parent / "assets"
    parser.add_argument("--out", type=Path, default=default_out, help="the assets folder")
    args = parser.parse_args(argv)
    records = write_demo(args.out / "demo")
    write_icons(args.out / "icons")
    print(f"{len(records)} records, {len(DEMO_FILES)} files -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
