"""List export: the workbook's form, CSV for Excel, and the round trip back unchanged."""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from zebkb_testing import KATSUSHIKA, case_record

from zebkb.domain.fields import Kind
from zebkb.errors import InputError
from zebkb.service.tables import apply_table, preview_table, records_for_list
from zebkb.tables.export import columns_for, export_list
from zebkb.tables.mapping import IMPORTABLE, guess_field


@pytest.fixture
def filled(kb):
    kb.set_home_ward(KATSUSHIKA)
    kb.save(
        case_record(
            floor_area_m2=7985.46,
            completed_on="2021-03-31",
            storeys_above=3,
            zeb_leading_owner=True,
            public=False,
            technologies=["高断熱", "LED照明", "地中熱, 井水"],
            body="## 工夫・留意点\n- 庇で日射を遮る\n=SUM(A1)\n",
            operation_years=[
                {"fiscal_year": 2022, "primary_energy_mj_m2": 480.5, "generation_mj_m2": 40},
                {"fiscal_year": 2023, "primary_energy_mj_m2": 510, "includes_other": True},
            ],
            stage_dates=[
                {"stage": "construction", "actual_on": "2019-07"},
                {"stage": "completed", "planned_on": "2021-03-31", "actual_on": "2021-03-31"},
            ],
        )
    )
    kb.save(
        case_record(
            title="宝木塚小",
            facility_name="宝木塚小学校",
            completed_on="2020-03",
            body='=HYPERLINK("x")',
        )
    )
    kb.save(
        {
            "type": "visit",
            "title": "清掃事務所視察の受入",
            "ward": KATSUSHIKA,
            "visited_on": "2024-10-21",
            "participants": ["環境省", "杉並区"],
            "visitor_municipalities": ["131156", "122033"],  # a ward and a city beyond
            "materials": [{"title": "清掃事務所の概要", "url": "https://example.jp/a/b"}],
            "follow_up_items": [{"what": "所感の共有", "done": True}],
        }
    )
    kb.save(
        {
            "type": "session",
            "title": "ZEB勉強会",
            "ward": KATSUSHIKA,
            "held_on": "2025-02-07",
            "kind": "study",
            "attendees": 40,
            "attendance_groups": [
                {"municipality": KATSUSHIKA, "department": "営繕課", "count": 30},
                {"organisation": "環境省", "count": 10},
            ],
            # A title holding " / " makes the cell JSON, which reads back the same.
            "materials": [{"number": "資料1", "title": "ZEB / 概要", "public": False}],
            "follow_up_items": [{"what": "=質問への回答", "who": "営繕課", "due": "2025-03"}],
        }
    )
    kb.save(
        {
            "type": "issue",
            "title": "ZEB化の予算確保",
            "ward": KATSUSHIKA,
            "fiscal_year": 2024,
            "category": "予算",
            "status": "open",
        }
    )
    return kb


def test_every_exported_header_maps_back_to_its_field() -> None:
    for f in columns_for([k.value for k in Kind]):
        assert guess_field(f.label_ja) == f.name, f.label_ja


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
@pytest.mark.parametrize("style", ["western", "japanese"])
def test_an_exported_list_imports_back_unchanged(filled, tmp_path, suffix, style) -> None:
    out = tmp_path / f"list.{suffix}"
    records = records_for_list(filled)
    assert export_list(records, out, date_style=style).records == 5
    plan = preview_table(filled, out).plan
    assert plan.ok, [p.line() for p in plan.problems]
    assert [r.action for r in plan.rows] == ["unchanged"] * 5


def test_an_exported_list_fills_another_knowledge_base_with_the_same_records(
    filled, tmp_path, clock
) -> None:
    from zebkb.service import KnowledgeBase

    out = tmp_path / "list.xlsx"
    export_list(records_for_list(filled), out)
    with KnowledgeBase.open(tmp_path / "other", clock=clock) as other:
        other.set_home_ward("131091")
        result = apply_table(other, preview_table(other, out).plan)
        assert len(result.added) == 5
        for uid in result.added:
            mine, theirs = filled.get(uid), other.get(uid)
            skip = {"origin", "created_at", "updated_at", "revision", "attachments"}
            assert {k: v for k, v in theirs.items() if k not in skip and v is not None} == {
                k: v for k, v in mine.items() if k not in skip and v not in (None, [], False)
            } | ({"public": False} if mine.get("public") is False else {})


def test_workbook_form_frozen_header_filter_formats_and_text_never_a_formula(
    filled, tmp_path
) -> None:
    out = tmp_path / "list.xlsx"
    export_list(records_for_list(filled, kind="case"), out, kinds=["case"], date_style="japanese")
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["UID", "種別", "件名", "区"]
    assert "延床面積（㎡）" in headers
    assert "視察日" not in headers
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}3"
    row = {h: c for h, c in zip(headers, ws[2], strict=True)}
    row2 = {h: c for h, c in zip(headers, ws[3], strict=True)}
    by_title = {r["件名"].value: r for r in (row, row2)}
    first = by_title["葛飾区清掃事務所のZEB Ready化"]
    assert first["種別"].value == "事例"
    assert first["区"].value == "葛飾区"
    assert first["新築・改修"].value == "新築"
    assert first["認証・相当"].value == "相当"
    assert first["延床面積（㎡）"].value == 7985.46
    assert first["延床面積（㎡）"].number_format == "#,##0.00"
    assert first["竣工日"].value == datetime(2021, 3, 31)
    assert "ggge" in first["竣工日"].number_format
    assert first[IMPORTABLE["zeb_leading_owner"].label_ja].value == "はい"
    assert first["区外公開可"].value == "いいえ"
    assert first["導入技術"].value == "高断熱\nLED照明\n地中熱, 井水"
    second = by_title["宝木塚小"]
    assert second["本文"].data_type == "s"
    assert second["本文"].value.startswith("=HYPERLINK")
    width = ws.column_dimensions["C"].width
    assert width >= len("葛飾区清掃事務所のZEB Ready化") + 10


def test_csv_is_utf8_with_bom_and_formulas_are_defused(filled, tmp_path) -> None:
    out = tmp_path / "list.csv"
    export_list(records_for_list(filled), out, date_style="japanese")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "令和6年10月21日" in text
    assert "令和2年3月" in text  # a month stays a month
    assert "\r\n" in text


def test_selection_by_type_ward_fiscal_year_and_query(filled) -> None:
    assert {r["type"] for r in records_for_list(filled, kind="visit")} == {"visit"}
    assert [r["title"] for r in records_for_list(filled, fiscal_year=2024)] == [
        "ZEB化の予算確保",
        "ZEB勉強会",
        "清掃事務所視察の受入",
    ]
    assert records_for_list(filled, ward="131091") == []
    found = records_for_list(filled, query="宝木塚")
    assert [r["title"] for r in found] == ["宝木塚小"]


def test_cli_round_trip_and_refusal(cli, tmp_path) -> None:
    assert cli("init", "--ward", "葛飾区").code == 0
    assert cli("demo").code == 0
    out = tmp_path / "list.xlsx"
    done = cli("table", "export", str(out), "--json")  # every kind the demo holds
    assert done.code == 0, done.err
    assert json.loads(done.out)["records"] > 0
    again = cli("table", "import", str(out), "--json")
    assert again.code == 0, again.err
    doc = json.loads(again.out)
    assert doc["added"] == doc["updated"] == 0
    assert doc["unchanged"] > 0
    assert doc["import_id"] is None

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "施設名,区,延床面積(㎡),新築・改修\n新しい施設,葛飾区,広い,新築\n", encoding="utf-8"
    )
    refused = cli("table", "import", str(bad))
    assert refused.code == 3
    assert refused.err.strip().splitlines() == [
        "zebkb: bad.csv: row 2, column C (延床面積(㎡)): not a number: '広い'; nothing was imported"
    ]
    listed = json.loads(cli("list", "--json").out)
    assert "新しい施設" not in {r["title"] for r in listed}

    good = tmp_path / "good.csv"
    good.write_bytes("施設名,区,新築・改修\n新しい施設,葛飾区,新築\n".encode("cp932"))
    dry = cli("table", "import", str(good), "--dry-run")
    assert dry.code == 0
    assert "added 1" in dry.out
    assert "新しい施設" not in cli("list").out
    applied = cli("table", "import", str(good))
    assert applied.code == 0
    assert "undo with: zebkb undo-import table-" in applied.out
    import_id = applied.out.split("undo-import ")[1].split()[0]
    assert "新しい施設" in cli("list").out
    assert cli("undo-import", import_id).code == 0
    assert "新しい施設" not in cli("list").out


def test_dates_in_the_workbook_are_real_dates_in_either_style(filled, tmp_path) -> None:
    for style in ("western", "japanese"):
        out = tmp_path / f"{style}.xlsx"
        export_list(records_for_list(filled, kind="visit"), out, kinds=["visit"], date_style=style)
        ws = openpyxl.load_workbook(out).active
        headers = [c.value for c in ws[1]]
        cell = ws[2][headers.index("視察日")]
        assert cell.value.date() == date(2024, 10, 21)


def test_cli_refuses_a_list_whose_columns_are_no_fields(cli, tmp_path) -> None:
    """Rows under headers zebkb cannot place were silently skipped with exit 0."""
    assert cli("init", "--ward", "葛飾区").code == 0
    odd = tmp_path / "odd.csv"
    odd.write_text("foo,bar\n1,2\n3,4\n", encoding="utf-8")
    for extra in ((), ("--dry-run",), ("--json",)):
        refused = cli("table", "import", str(odd), *extra)
        assert refused.code == 3, refused.out
        assert refused.err.strip().splitlines() == [
            "zebkb: odd.csv: no column is a field zebkb knows (headers: foo, bar);"
            " name the fields with --mapping MAP.json; nothing was imported"
        ]
        assert "Traceback" not in refused.err
    header_only = tmp_path / "header.csv"
    header_only.write_text("foo,bar\n", encoding="utf-8")
    assert cli("table", "import", str(header_only)).code == 0  # an empty list imports nothing


def test_rows_read_as_labelled_lines_in_the_date_style(filled, tmp_path) -> None:
    out = tmp_path / "list.xlsx"
    export_list(records_for_list(filled, kind="case"), out, date_style="japanese")
    sheet = openpyxl.load_workbook(out).active
    headers = [c.value for c in sheet[1]]
    rows = [
        dict(zip(headers, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    (cells,) = [r for r in rows if r["施設名"] == "葛飾区清掃事務所"]
    stages = cells["段階ごとの予定日・実績日"]
    assert stages.splitlines() == [
        "段階: 工事 / 実績日: 令和元年7月",
        "段階: 竣工 / 予定日: 令和3年3月31日 / 実績日: 令和3年3月31日",
    ]
    assert cells["運用実績（年度別）"].splitlines() == [
        "年度: 2022 / 一次エネルギー消費量実績（MJ/㎡・年）: 480.5 / 発電量実績（MJ/㎡・年）: 40",
        "年度: 2023 / 一次エネルギー消費量実績（MJ/㎡・年）: 510 / その他（OA機器等）を含む: はい",
    ]


def test_a_list_an_earlier_zebkb_wrote_reads_its_measured_energy_as_without_other(
    filled, tmp_path
) -> None:
    """Before includes_other, the column was labelled その他除く: such a cell still imports."""
    out = tmp_path / "list.xlsx"
    export_list(records_for_list(filled, kind="case"), out)
    book = openpyxl.load_workbook(out)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    old = "一次エネルギー消費量実績（MJ/㎡・年、その他除く）"
    names = [c.value for c in sheet[get_column_letter(headers.index("施設名") + 1)]]
    row = names.index("葛飾区清掃事務所") + 1
    cell = f"年度: 2022 / {old}: 470 / 発電量実績（MJ/㎡・年）: 40\n年度: 2023 / {old}: 510"
    sheet.cell(row=row, column=headers.index("運用実績（年度別）") + 1).value = cell
    book.save(out)
    plan = preview_table(filled, out).plan
    assert plan.ok, [p.line("ja") for p in plan.problems]
    apply_table(filled, plan)
    cases = records_for_list(filled, kind="case")
    (case,) = [r for r in cases if r.get("facility_name") == "葛飾区清掃事務所"]
    assert case["operation_years"] == [
        {"fiscal_year": 2022, "primary_energy_mj_m2": 470, "generation_mj_m2": 40},
        {"fiscal_year": 2023, "primary_energy_mj_m2": 510},
    ]


@pytest.mark.parametrize(
    ("cell", "ja"),
    [
        ("年度 2024", "「項目: 値」の形ではありません"),
        ("年度: 2024 / 一次エネルギー消費量実績（MJ/㎡・年、その他除く）: 千", "数値"),
        ("年度: 2024", "必須"),
        ('[{"fiscal_year": 2024', "JSON"),
    ],
)
def test_an_unreadable_rows_cell_is_named_by_row_and_column(filled, tmp_path, cell, ja) -> None:
    out = tmp_path / "list.xlsx"
    export_list(records_for_list(filled, kind="case"), out)
    book = openpyxl.load_workbook(out)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("運用実績（年度別）") + 1).value = cell
    book.save(out)
    plan = preview_table(filled, out).plan
    assert not plan.ok
    lines = [p.line("ja") for p in plan.problems]
    assert any(line.startswith("2行目") and ja in line for line in lines), lines
    assert all("\n" not in line for line in lines)


def test_a_year_given_twice_in_a_rows_cell_is_named_in_the_date_style(filled, tmp_path) -> None:
    out = tmp_path / "list.xlsx"
    export_list(records_for_list(filled, kind="case"), out)
    book = openpyxl.load_workbook(out)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    label = "一次エネルギー消費量実績（MJ/㎡・年、その他除く）"
    cell = f"年度: 2024 / {label}: 500\n年度: 令和6年度 / {label}: 510"
    sheet.cell(row=2, column=headers.index("運用実績（年度別）") + 1).value = cell
    book.save(out)
    plan = preview_table(filled, out).plan
    (problem,) = plan.problems
    assert "令和6年度が重複" in problem.line("ja", "japanese")
    assert "2024年度が重複" in problem.line("ja", "western")
    assert "FY2024 is given twice" in problem.line("en", "japanese")
    with pytest.raises(InputError) as refused:
        apply_table(filled, plan)
    assert "令和6年度が重複" in refused.value.message("ja", "japanese")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_table_import_lists_one_column_mapping_a_line(kb, tmp_path, capsys, lang) -> None:
    from zebkb.cli.main import main

    kb.load_demo()
    out = tmp_path / "list.xlsx"
    data = str(kb.data_dir)
    assert main(["--data-dir", data, "table", "export", str(out)]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "--lang", lang, "table", "import", str(out), "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    mapped = [line for line in lines if "→" in line]
    # Every workbook column is named on a line of its own (93 on one line were unreadable).
    assert len(mapped) > 20
    assert all(line.count("→") == 1 and line.startswith("  ") for line in mapped), mapped[:3]
    first = "A列（" if lang == "ja" else "A ("
    assert mapped[0].strip().startswith(first), mapped[0]
    assert max(len(line) for line in lines) < 120, max(lines, key=len)
