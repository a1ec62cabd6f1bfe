"""Lists from outside that must be refused in one line, never expanded, nothing written."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from zebkb.tables.limits import Deadline, TableError, TableLimits
from zebkb.tables.read import read_table

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def test_billion_laughs_in_a_sheet_is_refused_not_expanded(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )

    def poison(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        return laughs + body.replace(b"<v>", b"<v>&lol3;", 1)

    path = tmp_path / "laughs.xlsx"
    path.write_bytes(rewrite(workbook_bytes([["施設名"], [1]]), SHEET, poison))
    with pytest.raises(TableError, match="XML entities"):
        read_table(path)


def test_an_entity_in_the_workbook_part_is_refused(tmp_path: Path) -> None:
    def poison(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        return b'<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]>' + body

    path = tmp_path / "workbook.xlsx"
    path.write_bytes(rewrite(workbook_bytes([["施設名"], ["水元小"]]), "xl/workbook.xml", poison))
    with pytest.raises(TableError, match="XML entities"):
        read_table(path)


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    def inflate(xml: bytes) -> bytes:
        # 8 MB of spaces packs to a few kB: far beyond any real sheet's ratio.
        return xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 8_000_000, 1)

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rewrite(workbook_bytes([["a"]]), SHEET, inflate))
    assert path.stat().st_size < 100_000
    with pytest.raises(TableError, match="zip bomb"):
        read_table(path)


def test_unpacked_size_and_part_count_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(workbook_bytes([["施設名"], ["x"]]))
    with pytest.raises(TableError, match="would unpack to"):
        read_table(path, limits=TableLimits(zip_unpacked_bytes=1000))
    with pytest.raises(TableError, match="parts"):
        read_table(path, limits=TableLimits(zip_members=3))


def test_a_claimed_huge_dimension_is_not_trusted(tmp_path: Path) -> None:
    def claim(xml: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml)

    path = tmp_path / "claim.xlsx"
    path.write_bytes(
        rewrite(workbook_bytes([["施設名", "区"], ["水元小", "葛飾区"]]), SHEET, claim)
    )
    table = read_table(path, limits=TableLimits(scanned_rows=100))
    assert table.rows == [(1, ["施設名", "区"]), (2, ["水元小", "葛飾区"])]


def test_a_far_row_is_refused_by_the_row_bound(tmp_path: Path) -> None:
    def far(xml: bytes) -> bytes:
        return xml.replace(b'<row r="2"', b'<row r="900000"', 1).replace(b'r="A2"', b'r="A900000"')

    path = tmp_path / "far.xlsx"
    path.write_bytes(rewrite(workbook_bytes([["施設名"], ["x"]]), SHEET, far))
    with pytest.raises(TableError, match="more than 1,000 rows"):
        read_table(path, limits=TableLimits(scanned_rows=1000))


def test_rows_columns_cells_and_size_bounds(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("施設名,区\n" + "水元小,葛飾区\n" * 11, encoding="utf-8")
    with pytest.raises(TableError, match="more than 10 rows"):
        read_table(path, limits=TableLimits(rows=10))
    with pytest.raises(TableError, match="more than 1 columns"):
        read_table(path, limits=TableLimits(columns=1))
    with pytest.raises(TableError, match=r"row 1, column A: a cell holds 3 characters"):
        read_table(path, limits=TableLimits(cell_chars=2))
    with pytest.raises(TableError, match="a list may be at most 10"):
        read_table(path, limits=TableLimits(file_bytes=10))


def test_the_deadline_stops_a_slow_read(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("施設名\n" + "x\n" * 1000, encoding="utf-8")
    ticks = iter(range(0, 10_000, 50))
    deadline = Deadline(100, clock=lambda: float(next(ticks)))
    with pytest.raises(TableError, match="longer than 100 s"):
        read_table(path, deadline=deadline)


def test_old_xls_and_damaged_workbooks_are_refused(tmp_path: Path) -> None:
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(TableError, match=r"old Excel file \(\.xls\)"):
        read_table(xls)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(TableError, match="damaged"):
        read_table(broken)
    notabook = tmp_path / "other.xlsx"
    with zipfile.ZipFile(notabook, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(TableError, match=r"not a readable \.xlsx"):
        read_table(notabook)


def test_nul_bytes_and_a_bad_quote_in_csv_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"a,b\n\x00\x00,1\n")
    with pytest.raises(TableError, match="NUL"):
        read_table(path)


def test_a_workbook_with_a_changed_name_is_still_read_by_content(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(workbook_bytes([["施設名"], ["水元小"]]))
    assert read_table(path).kind == "xlsx"
