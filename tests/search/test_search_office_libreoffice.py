"""Word, Excel and PowerPoint files as LibreOffice writes them are searched too.

LibreOffice writes other XML shapes than python-docx, openpyxl and python-pptx
(tests/search/test_search_office.py): shared strings in every sheet, text boxes
written twice (DrawingML and a VML fallback), line breaks inside paragraphs,
notes pages of its own. The files are made here from small flat-ODF sources by
``soffice --headless --convert-to``, with a profile of its own under the test's
temporary folder. Without LibreOffice these tests skip, unless
``ZEBKB_REQUIRE_LIBREOFFICE=1`` (CI sets it; packaging/install.sh installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from zebkb_testing import KATSUSHIKA, case_record

from zebkb.search.office import DOCX, PPTX, XLSX, office_text
from zebkb.service import KnowledgeBase

REQUIRE_ENV = "ZEBKB_REQUIRE_LIBREOFFICE"
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
    ' xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
    ' xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
    ' office:version="1.3"'
)


def _flat(kind: str, body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {_NS}'
        f' office:mimetype="application/vnd.oasis.opendocument.{kind}">'
        f"<office:body>{body}</office:body></office:document>\n"
    )


def _cell(text: str) -> str:
    return f"<table:table-cell><text:p>{text}</text:p></table:table-cell>"


def _box(text: str, y: int, notes: bool = False) -> str:
    cls = ' presentation:class="notes"' if notes else ""
    return (
        f'<draw:frame{cls} svg:x="2cm" svg:y="{y}cm" svg:width="20cm" svg:height="3cm">'
        f"<draw:text-box><text:p>{text}</text:p></draw:text-box></draw:frame>"
    )


# A heading, a paragraph with a line break, a table, and a text box in a paragraph.
WRITER = _flat(
    "text",
    "<office:text>"
    '<text:h text:outline-level="1">清掃事務所ZEB化の工夫</text:h>'
    "<text:p>外皮の高断熱化と庇による日射遮蔽を行った。<text:line-break/>改行後の二行目</text:p>"
    '<table:table table:name="表1"><table:table-column table:number-columns-repeated="2"/>'
    f"<table:table-row>{_cell('導入技術')}{_cell('地中熱ヒートポンプ')}</table:table-row>"
    f"<table:table-row>{_cell('削減率')}{_cell('51%')}</table:table-row>"
    "</table:table>"
    '<text:p>囲み:<draw:frame draw:name="枠1" text:anchor-type="as-char" svg:width="6cm"'
    ' svg:height="2cm"><draw:text-box><text:p>雨水利用の貯留槽</text:p></draw:text-box>'
    "</draw:frame></text:p>"
    "</office:text>",
)
# Two sheets; a number, and a cell that is not in the first column.
CALC = _flat(
    "spreadsheet",
    "<office:spreadsheet>"
    '<table:table table:name="一覧">'
    f"<table:table-row>{_cell('施設名')}{_cell('延床面積')}</table:table-row>"
    "<table:table-row>"
    + _cell("宝木塚小学校")
    + '<table:table-cell office:value-type="float" office:value="6200"><text:p>6200</text:p>'
    "</table:table-cell></table:table-row></table:table>"
    '<table:table table:name="メモ">'
    f"<table:table-row><table:table-cell/>{_cell('太陽光発電 設置予定')}</table:table-row>"
    "</table:table></office:spreadsheet>",
)
# Two slides with text frames and speaker notes.
IMPRESS = _flat(
    "presentation",
    "<office:presentation>"
    '<draw:page draw:name="p1">'
    + _box("ZEB勉強会", 1)
    + _box("一次エネルギー消費量の削減", 5)
    + f"<presentation:notes>{_box('講師への質問は後日回答', 14, notes=True)}</presentation:notes>"
    '</draw:page><draw:page draw:name="p2">'
    + _box("事例紹介", 1)
    + f"<presentation:notes>{_box('7,985㎡の校舎', 14, notes=True)}</presentation:notes>"
    "</draw:page></office:presentation>",
)


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        reason = "LibreOffice (soffice) is not installed"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{reason}, and {REQUIRE_ENV}=1 requires it")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three files as LibreOffice writes them (one soffice run per target format)."""
    soffice = _soffice()
    root = tmp_path_factory.mktemp("libreoffice")
    profile = (root / "profile").as_uri()
    out = root / "out"
    made: dict[str, Path] = {}
    for name, source, target in [
        ("工夫.fodt", WRITER, "docx"),
        ("一覧.fods", CALC, "xlsx"),
        ("勉強会.fodp", IMPRESS, "pptx"),
    ]:
        (root / name).write_text(source, encoding="utf-8")
        # A hang guard only (a run takes about 2 s): a stuck soffice must not stall CI.
        proc = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                str(root / name),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        result = out / f"{Path(name).stem}.{target}"
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert result.is_file(), proc.stdout + proc.stderr
        made[target] = result
    return made


def _lines(path: Path, media_type: str) -> list[str]:
    return office_text(path, media_type, max_chars=100_000, max_seconds=5).splitlines()


def test_word_from_libreoffice(written: dict[str, Path]) -> None:
    assert _lines(written["docx"], DOCX) == [
        "清掃事務所ZEB化の工夫",
        "外皮の高断熱化と庇による日射遮蔽を行った。",
        "改行後の二行目",
        "導入技術",
        "地中熱ヒートポンプ",
        "削減率",
        "51%",
        "雨水利用の貯留槽",
        "囲み:",
    ]


def test_excel_from_libreoffice(written: dict[str, Path]) -> None:
    assert _lines(written["xlsx"], XLSX) == [
        "施設名\t延床面積",
        "宝木塚小学校\t6200",
        "太陽光発電 設置予定",
    ]


def test_powerpoint_from_libreoffice_with_notes(written: dict[str, Path]) -> None:
    assert _lines(written["pptx"], PPTX) == [
        "ZEB勉強会",
        "一次エネルギー消費量の削減",
        "講師への質問は後日回答",
        "事例紹介",
        "7,985㎡の校舎",
    ]


def test_libreoffice_attachments_are_found_by_search_with_a_snippet(
    kb: KnowledgeBase, written: dict[str, Path]
) -> None:
    kb.set_home_ward(KATSUSHIKA)
    saved = kb.save(case_record(title="清掃事務所", body="本文"))
    uid = saved["uid"] if isinstance(saved, dict) else saved.record["uid"]
    for path in written.values():
        kb.add_attachment(uid, path)
    for query in (
        "日射遮蔽",  # Word body text
        "地中熱ヒートポンプ",  # a Word table cell
        "貯留槽",  # a Word text box
        "宝木塚小学校",  # an Excel cell (shared string)
        "太陽光発電",  # a cell on the second sheet
        "一次エネルギー",  # a slide's text
        "講師への質問",  # a slide's notes
    ):
        result = kb.search(query)
        assert [hit.uid for hit in result.hits] == [uid], query
        assert f"<b>{query}</b>" in result.hits[0].snippet.replace("</b><b>", ""), query
