"""List import: real .xlsx and CSV files, the mapping, the preview, one undoable transaction."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from zebkb_testing import KATSUSHIKA, SHINAGAWA

from zebkb.errors import InputError
from zebkb.service.exchange import undo_import
from zebkb.service.tables import apply_table, preview_table
from zebkb.tables.limits import TableError

HEADERS = [
    "No.",
    "施設名",
    "区",
    "延床面積(㎡)",
    "ZEBランク",
    "竣工年月",
    "用途",
    "新築・改修",
    "備考",
]
ROWS = [
    [
        1,
        "水元小学校",
        "葛飾区",
        "7,985.46㎡",
        "ZEB Oriented相当",
        "令和3年3月",
        "学校等",
        "新築",
        "長寿命化",
    ],
    [
        2,
        "エコルとごし",
        "品川区",
        3200,
        "Nearly ZEB",
        datetime(2021, 10, 1),
        "集会所等",
        "改修",
        None,
    ],
    [3, "常盤中学校", "葛飾", "８，１２０", "ZEB Ready", "R4.3.31", "学校等", "新築", None],
]


def write_xlsx(
    path: Path, headers=HEADERS, rows=ROWS, title: str | None = "区有施設ZEB化事例一覧"
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "一覧"
    if title:
        ws.append([title])
        ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str, headers=HEADERS) -> Path:
    lines = [",".join(headers)]
    for row in rows:
        cells = []
        for v in row:
            text = (
                "" if v is None else (v.strftime("%Y/%m/%d") if isinstance(v, datetime) else str(v))
            )
            cells.append(f'"{text}"' if "," in text else text)
        lines.append(",".join(cells))
    # Excel writes CRLF line ends.
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture
def home(kb):
    kb.set_home_ward(KATSUSHIKA)
    return kb


def test_xlsx_preview_maps_japanese_headers_and_reads_values_like_the_editor(
    home, tmp_path
) -> None:
    preview = preview_table(home, write_xlsx(tmp_path / "list.xlsx"))
    plan = preview.plan
    assert plan.mapping.header_row == 3
    mapped = {plan.mapping.headers[i]: name for i, name in plan.mapping.columns.items()}
    assert mapped["施設名"] == "facility_name"
    assert mapped["延床面積(㎡)"] == "floor_area_m2"
    assert mapped["竣工年月"] == "completed_on"
    assert mapped["備考"] == "body"
    assert "No." not in mapped
    assert plan.ok, [p.line() for p in plan.problems]
    assert [r.action for r in plan.rows] == ["add", "add", "add"]
    first, second, third = (r.record for r in plan.rows)
    assert first["floor_area_m2"] == 7985.46
    assert first["completed_on"] == "2021-03"  # a month only: kept as a month
    assert first["zeb_rank"] == "ZEB Oriented"
    assert first["rank_status"] == "equivalent"
    assert first["project_type"] == "new"
    assert first["title"] == "水元小学校"
    assert second["ward"] == SHINAGAWA
    assert second["project_type"] == "renovation"
    assert second["completed_on"] == "2021-10-01"
    assert third["floor_area_m2"] == 8120
    assert third["ward"] == KATSUSHIKA
    assert third["completed_on"] == "2022-03-31"
    assert home.list_records() == []  # a preview writes nothing


def test_apply_is_one_undoable_import_and_the_same_file_again_changes_nothing(
    home, tmp_path
) -> None:
    path = write_xlsx(tmp_path / "list.xlsx")
    result = apply_table(home, preview_table(home, path).plan)
    assert len(result.added) == 3
    assert result.import_id
    again = preview_table(home, path)
    assert again.mapping_source == "saved"
    assert [r.action for r in again.plan.rows] == ["unchanged"] * 3
    assert apply_table(home, again.plan).import_id is None
    assert len(home.list_records()) == 3

    undone = undo_import(home, result.import_id)
    assert sorted(undone.removed) == sorted(result.added)
    assert home.list_records() == []


def test_an_edited_list_updates_the_same_records_and_undo_puts_them_back(home, tmp_path) -> None:
    apply_table(home, preview_table(home, write_xlsx(tmp_path / "v1.xlsx")).plan)
    uids = {r.title: r.uid for r in home.list_records()}
    rows = [list(r) for r in ROWS]
    rows[0][3] = "8,000㎡"
    rows[2][2] = "葛飾区"  # same ward written otherwise: still the same record
    rows[2][1] = "常盤中学校 "  # a stray space does not make another facility
    plan = preview_table(home, write_xlsx(tmp_path / "v2.xlsx", rows=rows)).plan
    assert [r.action for r in plan.rows] == ["update", "unchanged", "unchanged"]
    assert plan.rows[0].changed == ["floor_area_m2"]
    result = apply_table(home, plan)
    assert result.updated == [uids["水元小学校"]]
    assert home.get(uids["水元小学校"])["floor_area_m2"] == 8000
    assert len(home.list_records()) == 3
    undo_import(home, result.import_id)
    assert home.get(uids["水元小学校"])["floor_area_m2"] == 7985.46


def test_every_problem_is_named_by_row_and_column_and_nothing_is_written(home, tmp_path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][3] = "広い"
    rows[1][5] = "令和3年13月"
    rows[2][2] = "横浜区"
    plan = preview_table(home, write_xlsx(tmp_path / "bad.xlsx", rows=rows)).plan
    lines = [p.line() for p in plan.problems]
    assert lines[0].startswith("row 4, column D (延床面積(㎡)): not a number")
    assert lines[1].startswith("row 5, column F (竣工年月):")
    assert lines[2].startswith("row 6, column C (区):")
    assert plan.problems[0].line("ja").startswith("4行目 D列（延床面積(㎡)）: 数値として読めません")
    with pytest.raises(InputError, match=r"row 4, column D"):
        apply_table(home, plan)
    assert home.list_records() == []


def test_a_required_field_without_column_is_named_and_a_default_fills_it(home, tmp_path) -> None:
    headers = ["施設名", "区"]
    path = write_xlsx(
        tmp_path / "short.xlsx", headers=headers, rows=[["宝木塚小学校", "葛飾区"]], title=None
    )
    plan = preview_table(home, path).plan
    assert [p.line() for p in plan.problems] == [
        "row 2, field New or renovation (project_type): is required"
    ]
    assert plan.problems[0].line("ja") == "2行目 項目「新築・改修」: 必須項目です"
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps(
            {
                "format": "zebkb-table-mapping",
                "version": 1,
                "columns": {"施設名": "facility_name", "区": "ward"},
                "defaults": {"project_type": "改修"},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    plan = preview_table(home, path, mapping_path=mapping).plan
    assert plan.ok
    assert plan.rows[0].record["project_type"] == "renovation"


def test_rows_naming_the_same_facility_twice_are_refused(home, tmp_path) -> None:
    rows = [ROWS[0], list(ROWS[0])]
    plan = preview_table(home, write_xlsx(tmp_path / "dup.xlsx", rows=rows)).plan
    assert [r.action for r in plan.rows] == ["add", "refused"]
    assert "the same record as row 4" in plan.problems[0].line()


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_csv_in_each_encoding_imports_the_same(home, tmp_path, encoding) -> None:
    path = write_csv(tmp_path / "list.csv", ROWS, encoding)
    preview = preview_table(home, path)
    assert preview.table.encoding == encoding
    plan = preview.plan
    assert plan.ok, [p.line() for p in plan.problems]
    records = [r.record for r in plan.rows]
    assert records[0]["floor_area_m2"] == 7985.46
    assert records[1]["completed_on"] == "2021-10-01"


def test_a_shift_jis_csv_as_excel_writes_it(home, tmp_path) -> None:
    # Excel's "CSV (コンマ区切り)" on a Japanese PC: cp932, CRLF, quotes only where needed,
    # and characters only cp932 has (the circled digit and ㎡ are NEC extensions).
    text = (
        "施設名,区,延床面積(㎡),ZEBランク,竣工年月,新築・改修,導入技術\r\n"
        '清掃事務所①,葛飾区,"1,234㎡",ZEB Ready,平成31年4月,新築,"高断熱、LED照明"\r\n'
    )
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp932"))
    plan = preview_table(home, path).plan
    assert plan.ok, [p.line() for p in plan.problems]
    record = plan.rows[0].record
    assert record["facility_name"] == "清掃事務所①"
    assert record["floor_area_m2"] == 1234
    assert record["completed_on"] == "2019-04"
    assert record["technologies"] == ["高断熱", "LED照明"]


def test_text_that_is_neither_utf8_nor_shift_jis_is_refused_in_one_line(home, tmp_path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x81\xff\xfe\x80" * 10)
    with pytest.raises(TableError, match="neither UTF-8 nor Shift_JIS"):
        preview_table(home, path)


def test_typed_dates_and_percent_cells_read_as_excel_shows_them(home, tmp_path) -> None:
    path = tmp_path / "typed.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["施設名", "区", "新築・改修", "竣工日", "削減率(再エネ除く,%)"])
    ws.append(["宝木塚小学校", "葛飾区", "新築", date(2020, 3, 1), 0.52])
    ws["E2"].number_format = "0%"
    wb.save(path)
    record = preview_table(home, path).plan.rows[0].record
    assert record["completed_on"] == "2020-03-01"
    assert record["reduction_excl_renewables_pct"] == 52


def test_month_only_dates_stay_months_and_a_month_that_does_not_exist_is_named(
    home, tmp_path
) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][5] = "2021/3"
    rows[1][5] = "R3.3"
    rows[2][5] = "令和1年1月"
    plan = preview_table(home, write_xlsx(tmp_path / "months.xlsx", rows=rows)).plan
    assert [r.record["completed_on"] for r in plan.rows[:2]] == ["2021-03", "2021-03"]
    assert [p.line() for p in plan.problems] == [
        "row 6, column F (竣工年月): '令和1年1月' lies outside 令和"
    ]
