"""Word, Excel and PowerPoint attachments are searched; hostile ones are refused, never expanded."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pptx
import pytest
from zebkb_testing import KATSUSHIKA, case_record

from zebkb.safezip import declares_doctype
from zebkb.search.extract import extract_text
from zebkb.search.office import (
    DOCX,
    PPTX,
    XLSX,
    OfficeRefused,
    not_searchable_reason,
    office_text,
)


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("清掃事務所ZEB化の工夫", level=1)
    document.add_paragraph("外皮の高断熱化と庇による日射遮蔽を行った。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "導入技術"
    table.cell(0, 1).text = "地中熱ヒートポンプ"
    table.cell(1, 0).text = "削減率"
    table.cell(1, 1).text = "51%"
    document.sections[0].footer.paragraphs[0].text = "葛飾区環境課"
    document.save(path)
    return path


def make_pptx(path: Path) -> Path:
    deck = pptx.Presentation()
    for title, body, note in [
        ("ZEB勉強会", "一次エネルギー消費量の削減", "講師への質問は後日回答"),
        ("事例紹介", "水元小学校 ZEB Oriented相当", "7,985㎡の校舎"),
    ]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
        slide.notes_slide.notes_text_frame.text = note
    deck.save(path)
    return path


def make_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "一覧"
    ws.append(["施設名", "延床面積"])
    ws.append(["宝木塚小学校", 6200])
    second = wb.create_sheet("メモ")
    second["B3"] = "太陽光発電 設置予定"
    wb.save(path)
    return path


def _text(path: Path, media_type: str, **kw) -> str:
    return office_text(path, media_type, max_chars=kw.get("max_chars", 100_000), max_seconds=5)


def test_word_paragraphs_tables_and_footers(tmp_path) -> None:
    text = _text(make_docx(tmp_path / "a.docx"), DOCX)
    lines = text.splitlines()
    assert lines[:2] == ["清掃事務所ZEB化の工夫", "外皮の高断熱化と庇による日射遮蔽を行った。"]
    for cell in ("導入技術", "地中熱ヒートポンプ", "51%", "葛飾区環境課"):
        assert cell in lines


def test_powerpoint_slides_and_notes_in_order(tmp_path) -> None:
    text = _text(make_pptx(tmp_path / "a.pptx"), PPTX)
    assert text.splitlines() == [
        "ZEB勉強会",
        "一次エネルギー消費量の削減",
        "講師への質問は後日回答",
        "事例紹介",
        "水元小学校 ZEB Oriented相当",
        "7,985㎡の校舎",
    ]


def test_excel_cells_of_every_sheet(tmp_path) -> None:
    text = _text(make_xlsx(tmp_path / "a.xlsx"), XLSX)
    assert text.splitlines() == ["施設名\t延床面積", "宝木塚小学校\t6200", "太陽光発電 設置予定"]


def test_excel_sheets_are_read_in_tab_order_not_file_name_order(tmp_path) -> None:
    """Moving a tab in Excel keeps each sheet's file name; the workbook part lists the order."""
    path = make_xlsx(tmp_path / "a.xlsx")

    def swap_tabs(xml: bytes) -> bytes:
        first, second = re.findall(rb"<sheet [^>]*/>", xml)
        return xml.replace(first, b"\0").replace(second, first).replace(b"\0", second)

    rewrite(path, "xl/workbook.xml", swap_tabs)
    text = _text(path, XLSX)
    assert text.splitlines() == ["太陽光発電 設置予定", "施設名\t延床面積", "宝木塚小学校\t6200"]


def test_powerpoint_slides_are_read_in_the_order_shown(tmp_path) -> None:
    """A moved slide keeps its file name (slide2.xml first); its notes stay with it."""
    deck = pptx.Presentation(str(make_pptx(tmp_path / "a.pptx")))
    slide_ids = deck.slides._sldIdLst
    moved = slide_ids[1]
    slide_ids.remove(moved)
    slide_ids.insert(0, moved)
    deck.save(str(tmp_path / "b.pptx"))
    text = _text(tmp_path / "b.pptx", PPTX)
    assert text.splitlines() == [
        "事例紹介",
        "水元小学校 ZEB Oriented相当",
        "7,985㎡の校舎",
        "ZEB勉強会",
        "一次エネルギー消費量の削減",
        "講師への質問は後日回答",
    ]


def test_excel_dates_read_as_dates_not_serial_numbers(tmp_path) -> None:
    """A date cell is stored as a day count; it is indexed as the date people would type."""
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["視察日", "人数", "時刻"])
    ws.append([dt.date(2024, 10, 21), 12, dt.time(9, 30)])
    ws["A3"] = dt.datetime(2025, 1, 6, 14, 0)
    ws["A3"].number_format = "yyyy/m/d h:mm"
    ws["B3"] = 45586  # a plain number, not a date
    wb.save(tmp_path / "d.xlsx")
    lines = _text(tmp_path / "d.xlsx", XLSX).splitlines()
    assert lines[1].split("\t") == ["2024-10-21 令和6年10月21日", "12", "09:30"]
    assert lines[2].split("\t") == ["2025-01-06 令和7年1月6日 14:00", "45586"]


# A text box as Word and LibreOffice write it: a drawing inside a run of the outer paragraph,
# once as DrawingML (mc:Choice) and once more as VML for older readers (mc:Fallback).
TEXT_BOX = (
    '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
    "<w:p><w:r><w:t>テキストボックスの雨水利用</w:t></w:r></w:p>"
    "</w:txbxContent></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><w:txbxContent>"
    "<w:p><w:r><w:t>テキストボックスの雨水利用</w:t></w:r></w:p>"
    "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def test_a_text_box_is_read_once_and_apart_from_its_paragraph(tmp_path) -> None:
    path = tmp_path / "box.docx"
    document = docx.Document()
    document.add_paragraph("囲み:")
    document.add_paragraph("日射遮蔽を行った。\n二行目の改行後")
    document.save(path)

    def add_box(xml: bytes) -> bytes:
        return xml.replace("囲み:</w:t></w:r>".encode(), ("囲み:</w:t></w:r>" + TEXT_BOX).encode())

    rewrite(path, "word/document.xml", add_box)
    assert _text(path, DOCX).splitlines() == [
        "テキストボックスの雨水利用",
        "囲み:",
        "日射遮蔽を行った。",
        "二行目の改行後",
    ]


def test_text_stops_at_the_character_bound(tmp_path) -> None:
    text = _text(make_pptx(tmp_path / "a.pptx"), PPTX, max_chars=12)
    assert text == "ZEB勉強会\n一次エネル"


def rewrite(path: Path, member: str, change) -> None:
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == member else data)


def test_billion_laughs_in_a_document_is_refused_not_expanded(tmp_path) -> None:
    path = make_docx(tmp_path / "laughs.docx")

    def poison(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        entities = b'<!DOCTYPE d [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        return b'<?xml version="1.0"?>' + entities + body.replace(b"<w:t>", b"<w:t>&b;", 1)

    rewrite(path, "word/document.xml", poison)
    with pytest.raises(OfficeRefused, match="declares XML entities"):
        _text(path, DOCX)


def test_a_zip_bomb_inside_a_deck_is_refused(tmp_path) -> None:
    path = make_pptx(tmp_path / "bomb.pptx")
    rewrite(path, "ppt/slides/slide1.xml", lambda xml: xml + b" " * 8_000_000)
    assert path.stat().st_size < 200_000
    with pytest.raises(OfficeRefused, match="zip bomb"):
        _text(path, PPTX)


def test_a_doctype_is_found_after_comments_and_not_inside_them() -> None:
    assert declares_doctype(io.BytesIO(b'<?xml version="1.0"?><!-- x --><!DOCTYPE a><a/>'))
    assert not declares_doctype(io.BytesIO(b"<!-- <!DOCTYPE a> --><a><!DOCTYPE b></a>"))
    assert not declares_doctype(io.BytesIO(b'<?xml version="1.0"?><a/>'))


def test_extract_text_never_raises_and_says_why_in_the_log(tmp_path, caplog) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04not really")
    with caplog.at_level(logging.WARNING):
        assert extract_text(path, DOCX) == ""
    assert "damaged or not an Office file" in caplog.text
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert extract_text(old, "application/msword") == ""


def test_old_office_formats_are_marked_not_searchable() -> None:
    assert not_searchable_reason("application/msword").startswith("検索対象外（")  # 公用文's （）
    assert "not searchable" in not_searchable_reason("application/vnd.ms-excel", "en")
    assert not_searchable_reason(DOCX) is None
    assert not_searchable_reason("application/pdf") is None


def test_office_attachments_are_found_by_search_with_a_snippet(kb, tmp_path) -> None:
    kb.set_home_ward(KATSUSHIKA)
    saved = kb.save(case_record(title="清掃事務所", body="本文"))
    uid = saved["uid"] if isinstance(saved, dict) else saved.record["uid"]
    kb.add_attachment(uid, make_docx(tmp_path / "工夫.docx"))
    kb.add_attachment(uid, make_pptx(tmp_path / "勉強会.pptx"))
    kb.add_attachment(uid, make_xlsx(tmp_path / "一覧.xlsx"))
    for query in ("地中熱ヒートポンプ", "講師への質問", "太陽光発電"):
        result = kb.search(query)
        assert [hit.uid for hit in result.hits] == [uid], query
        assert f"<b>{query}</b>" in result.hits[0].snippet.replace("</b><b>", "")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("General", ""),
        ("0.00", ""),
        ("#,##0", ""),
        ('"Dec"0', ""),
        ("yyyy/m/d", "date"),
        ('[$-ja-JP]ggge"年"m"月"d"日"', "date"),
        ("h:mm", "time"),
        ("mm:ss", "time"),
        ("yyyy/m/d h:mm", "datetime"),
    ],
)
def test_which_number_formats_show_dates(code: str, kind: str) -> None:
    from zebkb.search.office import _format_kind

    assert _format_kind(code) == kind
