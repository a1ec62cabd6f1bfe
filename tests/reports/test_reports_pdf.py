"""PDF sheets, checked by extracting their text with pypdf."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from zebkb_report_kit import ECOLE, MIZUMOTO, SEISO, SESSION_MOE, VISIT_2024, pdf_pages, pdf_text

from zebkb import __version__, pdf
from zebkb.errors import InputError, NotFoundError
from zebkb.reports import MORE_IN_ZEBKB


def write(kb, uid: str, tmp_path: Path) -> Path:
    return pdf.write_record_report(kb, uid, tmp_path / f"{uid}.pdf")


def test_case_sheet_shows_the_overview_table(demo_kb, tmp_path: Path) -> None:
    out = write(demo_kb, MIZUMOTO, tmp_path)
    pages = pdf_pages(out)
    assert len(pages) == 1
    text = pdf_text(out)
    for expected in (
        "事例シート",
        "施設名葛飾区立水元小学校",
        "区葛飾区",
        "施設種別小学校",
        "建物用途学校等",
        "新築・改修新築",
        "延床面積7,985.46 ㎡",
        "階数地上3階",
        "構造RC造一部S造",
        "竣工日令和7年7月",
        "記載ランクZEB Oriented（相当）",
        "冷媒式放射パネル",
        "工夫・留意点",
        "停電対応型 GHP",
        "課題",
        "数値によるランクの確認はできない",
        "区の連絡先: 葛飾区",
        f"UID {MIZUMOTO}",
    ):
        assert expected in text, expected


def test_case_sheet_shows_stated_and_computed_rank_with_figures(demo_kb, tmp_path) -> None:
    text = pdf_text(write(demo_kb, SEISO, tmp_path))
    assert "記載ランクZEB Ready（相当）" in text
    assert "数値から判定されるランクZEB Ready" in text
    assert "BEI（再エネ除く） 0.49" in text
    assert "確認が必要な点" not in text
    assert "再エネ除く削減率 51%" in text
    assert "判定記載ランク ZEB Ready は数値と整合します" in text

    text = pdf_text(write(demo_kb, ECOLE, tmp_path))
    assert "Nearly ZEB（認証）" in text
    # The month the source gives, no day, and no ISO date beside it (it is for people).
    assert "認証日 令和3年1月" in text
    assert "(2021-01)" not in text
    assert "（2021-01）" not in text
    # The registration that lists the case, by its own name.
    assert "ZEBリーディング・オーナー品川区 ZEBリーディング・オーナー登録" in text
    assert "再エネ含む削減率 85%" in text
    assert "延床面積1,866 ㎡" in text
    # The table in the body outside 工夫・留意点 and 課題 is not on the sheet.
    assert "竣工時の再計算" not in text


def test_case_sheet_lists_every_warning(demo_kb, tmp_path) -> None:
    record = demo_kb.get(SEISO)
    demo_kb.save(dict(record, bei=None, reduction_excl_renewables_pct=49.96))
    text = pdf_text(write(demo_kb, SEISO, tmp_path))
    assert "確認が必要な点" in text
    assert "49.96%（50%未満）" in text
    assert "50%(<50%)" not in text


def test_case_sheet_embeds_the_main_photo_upright(demo_kb, tmp_path: Path) -> None:
    from PIL import Image

    record = demo_kb.get(MIZUMOTO)
    stored = demo_kb.attachment_path(record["attachments"][0]["sha256"])
    with Image.open(stored) as img:
        orientation = img.getexif().get(0x0112)
        raw_w, raw_h = img.size
    assert orientation in (5, 6, 7, 8)  # the demo photo is stored on its side
    images = PdfReader(write(demo_kb, MIZUMOTO, tmp_path)).pages[0].images
    assert len(images) == 1
    with Image.open(io.BytesIO(images[0].data)) as shown:
        w, h = shown.size
    assert (w > h) == (raw_h > raw_w), "EXIF orientation must turn the photo upright"


def test_unreadable_photo_leaves_a_note(kb, tmp_path: Path) -> None:
    from zebkb_testing import case_record

    broken = tmp_path / "photo.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    saved = kb.save(case_record())
    kb.add_attachment(saved["uid"], broken)
    out = write(kb, saved["uid"], tmp_path)
    assert "写真を表示できません" in pdf_text(out)
    assert len(PdfReader(out).pages[0].images) == 0


def test_case_sheet_stays_one_page_with_a_long_body(kb, tmp_path: Path) -> None:
    from zebkb_testing import case_record

    lessons = "\n".join(
        f"- 留意点{i}: " + "断熱と高効率空調の組合せを検討した。" * 6 for i in range(80)
    )
    problems = "\n".join(f"{i}. 課題{i} " + "運用段階での設定値の維持。" * 8 for i in range(60))
    record = case_record(
        title="長い本文の事例 " + "あ" * 150,
        body=f"## 工夫・留意点\n{lessons}\n## 課題\n{problems}\n連絡先: 環境課 03-0000-0000",
        technologies=[f"技術{i}" + "高効率" * 5 for i in range(60)],
    )
    saved = kb.save(record)
    out = write(kb, saved["uid"], tmp_path)
    pages = pdf_pages(out)
    assert len(pages) == 1
    text = pdf_text(out)
    assert MORE_IN_ZEBKB in text
    assert "留意点0" in text
    assert "課題" in text
    assert "区の連絡先: 葛飾区 環境課 03-0000-0000" in text


def test_case_without_sections_prints_its_body(kb, tmp_path: Path) -> None:
    from zebkb_testing import case_record

    saved = kb.save(case_record(body="## 概要\n区の方針として新築時に ZEB Ready を目指す。"))
    text = pdf_text(write(kb, saved["uid"], tmp_path))
    assert "区の方針として新築時に ZEB Ready を目指す。" in text


def test_markup_characters_in_text_are_printed_not_interpreted(kb, tmp_path: Path) -> None:
    from zebkb_testing import case_record

    saved = kb.save(
        case_record(body="## 課題\n- a < b & c > d、CO₂削減と⾦融機関\n", title="<font> & 事例")
    )
    text = pdf_text(write(kb, saved["uid"], tmp_path))
    assert "a < b & c > d" in text
    assert "CO2削減と金融機関" in text
    assert "<font> & 事例" in text


def test_session_minutes_use_the_ministry_header(demo_kb, tmp_path: Path) -> None:
    out = write(demo_kb, SESSION_MOE, tmp_path)
    text = pdf_text(out)
    for expected in (
        "日時令和6年1月11日(木) 13:00〜15:00",
        "場所オンライン開催",
        "参加者自治体(20自治体)",
        "開催主体環境省 地球環境局 地球温暖化対策事業室",
        "実施機関三菱総合研究所 サステナビリティ本部",
        "講師・発表者環境省、三菱総合研究所、沖縄県久米島町",
        "プログラム",
        "1.挨拶、環境省の ZEB 支援策の説明",
        "2.公共建築物の ZEB化検討ステップ",
        "3.久米島町における ZEB導入の経緯",
        "出典",
    ):
        # The embedded font's spacing extracts "1. 挨拶" with a space after the number.
        plain = re.sub(r"(\d\.) ", r"\1", text.replace("（", "(").replace("）", ")"))
        assert expected in plain, expected
    order = [text.index(label) for label in ("日時", "場所", "参加者", "開催主体", "実施機関")]
    assert order == sorted(order)
    # The summary's key lines went into the header, not again into the body.
    assert text.count("三菱総合研究所 サステナビリティ本部") == 1


def test_visit_minutes(demo_kb, tmp_path: Path) -> None:
    text = pdf_text(write(demo_kb, VISIT_2024, tmp_path))
    assert "視察記録（受入）" in text
    assert "視察日令和6年10月21日（月）" in text
    assert "(2024-10-21)" not in text
    assert "視察先葛飾区、葛飾区清掃事務所" in text  # host and the linked case's facility
    assert "視察者環境省、杉並区、市川市、さいたま市、有識者1名" in text
    assert "対応者—" in text
    assert "視察事項ZEB Ready を設計で達成した清掃事務所" in text
    assert "目的設計で ZEB Ready を達成した" in text
    assert "意見交換" in text
    assert "営繕部門" in text


def test_minutes_run_over_pages_with_numbers(kb, tmp_path: Path) -> None:
    body = "## 意見交換\n" + "\n\n".join(
        f"発言{i}: " + "断熱改修の効果について。" * 20 for i in range(60)
    )
    saved = kb.save(
        {
            "type": "session",
            "title": "長い勉強会",
            "ward": "131229",
            "held_on": "2024-05-10",
            "body": body,
            "venue": "区役所 会議室",
        }
    )
    pages = pdf_pages(write(kb, saved["uid"], tmp_path))
    assert len(pages) > 1
    assert "発言59" in "".join(pages)
    assert all(f"zebkb {__version__} ・ {n}" in p for n, p in enumerate(pages, 1))


def test_fiscal_year_list_of_sessions(demo_kb, tmp_path: Path) -> None:
    out = pdf.write_fiscal_year_report(demo_kb, 2024, "session", tmp_path / "fy.pdf")
    text = pdf_text(out)
    assert "令和6年度（FY2024）勉強会・研修 一覧" in text
    assert "3件" in text
    # By hand from assets/demo/records.json: FY2024 runs 2024-04-01 to 2025-03-31.
    expected = [
        ("令和6年6月", "2024-06", "「多摩の森」活性化プロジェクト", "見学会"),
        ("令和7年2月7日", "2025-02-07", "脱炭素経営セミナー(葛飾区主催", "セミナー"),
        ("令和7年3月24日", "2025-03-24", "脱炭素経営セミナー(板橋区主催", "セミナー"),
    ]
    flat = text.replace("（", "(").replace("）", ")")
    positions = []
    for era, iso, title, kind in expected:
        assert era + iso in flat
        assert title in flat
        assert kind in flat
        positions.append(flat.index(iso))
    assert positions == sorted(positions)
    assert "板橋区" in flat
    assert "2024-01-11" not in flat  # FY2023
    assert "視察記録" not in flat


def test_fiscal_year_list_of_everything_and_of_nothing(demo_kb, tmp_path: Path) -> None:
    text = pdf_text(pdf.write_fiscal_year_report(demo_kb, 2023, None, tmp_path / "a.pdf"))
    # The 2023 visit's source gives only the year: it belongs to no one fiscal year.
    assert "2件" in text
    assert "2024-01-11" in text
    assert "2023-06-16" in text
    text = pdf_text(pdf.write_fiscal_year_report(demo_kb, 1999, "case", tmp_path / "b.pdf"))
    assert "0件" in text
    assert "この年度の記録はありません" in text
    with pytest.raises(InputError):
        pdf.write_fiscal_year_report(demo_kb, 2024, "memo", tmp_path / "c.pdf")


def test_unknown_and_deleted_records_are_refused(kb, tmp_path: Path) -> None:
    from zebkb_testing import case_record

    with pytest.raises(NotFoundError):
        write(kb, "00000000-0000-4000-8000-000000000000", tmp_path)
    saved = kb.save(case_record())
    kb.delete(saved["uid"])
    with pytest.raises(NotFoundError, match="deleted"):
        write(kb, saved["uid"], tmp_path)
    assert list(tmp_path.glob("*.pdf")) == []


def test_the_pdf_says_when_it_was_made(demo_kb, tmp_path: Path) -> None:
    """The real creation date (the knowledge base's clock), not reportlab's fixed 2000-01-01."""
    import pypdf

    out = tmp_path / "sheet.pdf"
    pdf.write_record_report(demo_kb, SEISO, out)
    info = pypdf.PdfReader(out).metadata
    assert info is not None
    assert info["/CreationDate"] == "D:20250318090000+09'00'"
    assert info.creation_date == demo_kb.clock()
    start = demo_kb.clock.now
    demo_kb.clock.advance(days=1, hours=2)
    try:
        pdf.write_fiscal_year_report(demo_kb, 2024, None, out)
    finally:
        demo_kb.clock.now = start
    assert pypdf.PdfReader(out).metadata["/CreationDate"] == "D:20250319110000+09'00'"
    assert pdf.pdf_date(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)) == "D:20240102030405+00'00'"


def test_written_atomically_and_deterministically(demo_kb, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "sheet.pdf"
    pdf.write_record_report(demo_kb, SEISO, out)
    first = out.read_bytes()
    pdf.write_record_report(demo_kb, SEISO, out)
    assert out.read_bytes() == first  # same record, same bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.pdf"]

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    from zebkb import atomicfile

    monkeypatch.setattr(atomicfile.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        pdf.write_record_report(demo_kb, VISIT_2024, out)
    assert out.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.pdf"]


def test_report_modules_do_not_load_qt() -> None:
    code = (
        "import sys, zebkb.reports, zebkb.pdf, zebkb.overview, zebkb.cli.report;"
        "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_wrap_text_keeps_every_character_within_the_width() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pdf._register_fonts()
    text = "「多摩の森」活性化プロジェクト 現場体験事業（令和6年度、全6回）。ZEB Ready 認証" * 3
    width = 60.0
    wrapped = pdf.wrap_text(text, pdf.MINCHO, 8.5, width)
    lines = wrapped.split("\n")
    assert "".join(lines) == text
    assert len(lines) > 3
    for line in lines[1:]:
        assert line[0] not in "）」、。"
    for line in lines:
        # Closing characters may hang into the padding, nothing else.
        assert stringWidth(line.rstrip("）」、。"), pdf.MINCHO, 8.5) <= width


def test_long_fiscal_year_list_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    from zebkb.reports import FiscalYearList

    rows = tuple(
        (
            f"令和6年{1 + i % 12}月1日\n2024-{1 + i % 12:02d}-01",
            f"勉強会 第{i}回",
            "葛飾区",
            "勉強会・研修\nセミナー",
        )
        for i in range(600)
    )
    listing = FiscalYearList(
        2024, "session", "令和6年度 一覧", ("日付", "件名", "区", "種別"), rows, ("u",) * 600
    )
    out = pdf.write_atomic(pdf.fiscal_year_list_pdf(listing), tmp_path / "long.pdf")
    pages = pdf_pages(out)
    assert len(pages) > 5
    assert all("日付" in p and "件名" in p for p in pages)
    assert "勉強会 第599回" in "".join(pages)


def test_an_eps_named_png_is_not_run_through_ghostscript(
    kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zebkb_testing import TINY_EPS, case_record, forbid_programs

    calls = forbid_programs(monkeypatch)
    fake = tmp_path / "photo.png"
    fake.write_bytes(TINY_EPS)
    saved = kb.save(case_record())
    kb.add_attachment(saved["uid"], fake)
    assert kb.get(saved["uid"])["attachments"][0]["media_type"] == "image/png"
    out = write(kb, saved["uid"], tmp_path)
    assert calls == []
    assert "写真を表示できません" in pdf_text(out)
    assert len(PdfReader(out).pages[0].images) == 0


def test_a_photo_too_large_to_decode_says_so(
    kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image
    from zebkb_testing import case_record

    from zebkb import images

    photo = tmp_path / "scan.png"
    Image.new("RGB", (600, 400), "white").save(photo)
    monkeypatch.setattr(images, "DECODE_BUDGET", 600 * 400 * 4 - 1)
    saved = kb.save(case_record())
    kb.add_attachment(saved["uid"], photo)
    out = write(kb, saved["uid"], tmp_path)
    assert "写真が大きすぎるため表示できません" in pdf_text(out)
    assert len(PdfReader(out).pages[0].images) == 0


def test_fiscal_year_list_of_issues(demo_kb, tmp_path: Path) -> None:
    out = pdf.write_fiscal_year_report(demo_kb, 2022, "issue", tmp_path / "issues.pdf")
    flat = pdf_text(out)
    assert "令和4年度（FY2022）課題 一覧" in flat
    assert "3件" in flat
    assert "人材育成・対応中" in flat
    assert "予算・対応中" in flat
    assert "令和4年度FY2022" in flat  # a 課題 has a fiscal year, no invented day
    fy2024 = pdf_text(pdf.write_fiscal_year_report(demo_kb, 2024, "issue", tmp_path / "b.pdf"))
    assert "人材育成・未対応" in fy2024


def _fonts(path: Path) -> list[dict]:
    found = []
    for page in PdfReader(path).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                found.append(descendant.get_object())
    return found


def test_japanese_text_is_set_in_one_embedded_subset_font(demo_kb, tmp_path: Path) -> None:
    if pdf.japanese_font_file() is None:
        pytest.skip("no TrueType Japanese font here (packaging/install.sh installs one)")
    out = write(demo_kb, MIZUMOTO, tmp_path)
    fonts = _fonts(out)
    names = {str(f["/BaseFont"]) for f in fonts}
    # One family for labels, values and Latin runs; every font embedded.
    assert len({n.split("+")[-1] for n in names}) == 1, names
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
    # A subset: far smaller than the 4 MB font file.
    assert out.stat().st_size < 1_000_000
    assert "葛飾区立水元小学校" in pdf_text(out)


def test_greater_or_equal_prints_as_the_japanese_sign(kb, tmp_path: Path) -> None:
    from zebkb_testing import case_record

    saved = kb.save(case_record(title="≥50% 削減", body="削減率 ≥ 50%、≤ 1.0"))
    text = pdf_text(write(kb, saved["uid"], tmp_path))
    assert "≧50% 削減" in text
    assert "≦ 1.0" in text
