"""The demo records and the icon: valid bundle records, real files, honest figures, reproducible."""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import json
import re
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image, ImageOps
from zebkb_testing import KATSUSHIKA, load_script

from zebkb.domain.fields import Kind, known_field_names
from zebkb.domain.ranks import check_rank
from zebkb.domain.validate import record_warnings, validate_record
from zebkb.strictjson import loads

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
GENERATOR = REPO / "packaging" / "make_demo_assets.py"
MAX_DEMO_BYTES = 1_500_000
SEISO_SLUG = "case/katsushika-seiso-jimusho"


def load_records() -> list[dict[str, Any]]:
    resource = importlib.resources.files("zebkb.assets") / "demo" / "records.json"
    records = loads(resource.read_bytes())
    assert isinstance(records, list)
    return records


RECORDS = load_records()
BY_UID = {r["uid"]: r for r in RECORDS}
CASES = [r for r in RECORDS if r["type"] == "case"]
VISITS = [r for r in RECORDS if r["type"] == "visit"]
SESSIONS = [r for r in RECORDS if r["type"] == "session"]
ISSUES = [r for r in RECORDS if r["type"] == "issue"]
OWNERS = [r for r in RECORDS if r["type"] == "owner"]


def file_bytes(attachment: dict[str, Any]) -> bytes:
    return (ASSETS / "demo" / "files" / attachment["sha256"]).read_bytes()


def attachments() -> list[dict[str, Any]]:
    return [a for r in RECORDS for a in r["attachments"]]


def by_title(fragment: str) -> dict[str, Any]:
    found = [r for r in RECORDS if fragment in r["title"]]
    assert len(found) == 1, f"{fragment!r} matches {len(found)} titles"
    return found[0]


# ------------------------------------------------------------------ records


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["title"][:24])
def test_every_record_passes_strict_validation(record: dict[str, Any]) -> None:
    clean = validate_record(record, strict=True)
    assert clean["uid"] == record["uid"]
    # Bundle form exactly: no field the declarations do not know.
    assert set(record) <= known_field_names(record["type"])


def test_uids_unique_lowercase_and_stable() -> None:
    uids = [r["uid"] for r in RECORDS]
    assert len(set(uids)) == len(uids)
    for uid in uids:
        assert uid == str(uuid.UUID(uid))
        assert uuid.UUID(uid).version == 5
    # Changing the namespace would turn every demo record into a new one on
    # every ward's machine; this pins it.
    demo_records = load_script(GENERATOR.parent / "demo_records.py")
    assert demo_records.demo_uid(SEISO_SLUG) == "7de7535c-dbb1-5bc7-8dbb-1e056b5c15d4"
    assert demo_records.demo_uid(SEISO_SLUG) in BY_UID


def test_the_set_covers_kinds_wards_and_ranks() -> None:
    assert len(CASES) >= 10
    assert len(VISITS) >= 2
    # The FY2024 progress report is a document, not an event: five sessions.
    assert len(SESSIONS) >= 5
    assert len({c["ward"] for c in CASES}) >= 3
    ranks = Counter(c["zeb_rank"] for c in CASES)
    assert {"ZEB Ready", "Nearly ZEB", "ZEB Oriented"} <= set(ranks)
    assert {c["rank_status"] for c in CASES} >= {"certified", "equivalent"}
    assert {c["project_type"] for c in CASES} == {"new", "renovation"}
    assert len({s["kind"] for s in SESSIONS}) >= 3
    assert {i["category"] for i in ISSUES} >= {"人材育成", "予算"}
    assert {i["status"] for i in ISSUES} >= {"open", "in_progress"}
    assert len(OWNERS) >= 1


def test_timestamps_are_jst_and_not_in_the_future() -> None:
    now = datetime.now(UTC)
    for r in RECORDS:
        assert r["created_at"].endswith("+09:00")
        assert r["updated_at"].endswith("+09:00")
        assert datetime.fromisoformat(r["updated_at"]) < now
        assert r["revision"] == 1


def test_every_record_names_its_sources() -> None:
    for r in RECORDS:
        assert "## 出典" in r["body"], r["title"]
        sources = r["body"].split("## 出典", 1)[1]
        assert re.search(r"https?://|「", sources), r["title"]


# ------------------------------------------------------------------ figures


@pytest.mark.parametrize("case", CASES, ids=lambda r: r["title"][:24])
def test_stated_rank_is_never_higher_than_the_figures(case: dict[str, Any]) -> None:
    assert check_rank(case).overstated is False


def test_rank_check_has_figures_to_confirm() -> None:
    # Not vacuous: most Katsushika and Shinagawa cases carry figures the engine confirms.
    confirmed = [c["facility_name"] for c in CASES if check_rank(c).confirmed is True]
    assert len(confirmed) >= 5, confirmed


def test_bei_is_derived_from_the_reduction_where_given() -> None:
    for c in CASES:
        if c["bei"] is not None:
            assert c["bei"] == pytest.approx(1 - c["reduction_excl_renewables_pct"] / 100)


def test_only_the_known_soft_warning() -> None:
    warned = {c["facility_name"]: record_warnings(c) for c in CASES if record_warnings(c)}
    # The certification day of this one is not published; the body says so.
    assert list(warned) == ["（仮称）北品川高齢者多世代交流支援施設"]
    assert len(warned["（仮称）北品川高齢者多世代交流支援施設"]) == 1


def test_facts_from_the_sources() -> None:
    tokiwa = by_title("常盤中学校")
    assert (tokiwa["reduction_excl_renewables_pct"], tokiwa["reduction_incl_renewables_pct"]) == (
        54,
        67,
    )
    mizumoto = by_title("水元小学校")
    assert mizumoto["floor_area_m2"] == 7985.46
    assert mizumoto["floor_area_m2"] < 10_000
    assert mizumoto["zeb_rank"] == "ZEB Oriented"
    assert mizumoto["rank_status"] == "equivalent"
    assert "10,000㎡" in mizumoto["body"]
    assert "冷媒式放射パネル" in mizumoto["technologies"]
    ecoru = by_title("エコルとごし")
    (owner,) = [o for o in OWNERS if ecoru["uid"] in o["cases"]]
    assert owner["ward"] == ecoru["ward"]
    assert owner["registered_on"] is None  # not in the sources: not invented
    assert ecoru["certified_on"].startswith("2021-01")
    assert ecoru["reduction_incl_renewables_pct"] == 85
    assert {"地中熱", "太陽光発電"} <= set(ecoru["technologies"])
    assert "地中熱を空調熱源に利用" in ecoru["body"]
    kamata = by_title("蒲田清掃事務所")
    assert kamata["rank_status"] == "certified"
    assert kamata["certified_on"].startswith("2021-10")
    hall = by_title("新総合庁舎")
    # Only an aim: no rank claimed.
    assert hall["zeb_rank"] is None
    assert hall["floor_area_m2"] == 41485
    for c in CASES:
        if c["rank_status"] == "equivalent":
            assert c["certified_on"] is None


def test_fy2024_seminars_are_the_decarbonisation_management_seminars() -> None:
    # Seed 001 lists these dates for 脱炭素経営セミナー with banks, not design-office seminars.
    for date in ("2025-02-07", "2025-03-24"):
        (seminar,) = [s for s in SESSIONS if s["held_on"] == date]
        assert seminar["kind"] == "seminar"
        assert "脱炭素経営" in seminar["title"]


# ------------------------------------------------------------------ links


def test_cross_references_point_at_cases_in_the_set() -> None:
    case_uids = {c["uid"] for c in CASES}
    linked = [v["facility_case_uid"] for v in VISITS if v["facility_case_uid"]]
    linked += [u for s in SESSIONS for u in s["related_case_uids"]]
    assert linked, "the demo should show links"
    assert set(linked) <= case_uids


def test_the_inspection_visit_of_21_october_2024() -> None:
    (visit,) = [v for v in VISITS if v["visited_on"] == "2024-10-21"]
    # A private individual appears by role only.
    assert visit["participants"] == ["環境省", "杉並区", "市川市", "さいたま市", "有識者1名"]
    assert visit["direction"] == "inbound"
    assert visit["visitor_municipalities"] == ["131156", "122033", "111007"]
    assert any(a["media_type"] == "text/plain" for a in visit["attachments"])
    case = BY_UID[visit["facility_case_uid"]]
    assert case["facility_type"] == "清掃事務所"
    assert case["ward"] == KATSUSHIKA
    assert case["reduction_excl_renewables_pct"] == 51
    assert "## 意見交換" in visit["body"]
    assert visit["purpose"]


def test_sessions_use_the_ministry_report_header() -> None:
    with_programme = [s for s in SESSIONS if "## プログラム" in s["body"]]
    assert len(with_programme) >= 5
    moe = by_title("意見交換会")
    for label in ("日時", "場所", "参加者", "開催主体", "実施機関"):
        assert f"- {label}:" in moe["body"]
    assert re.search(r"^1\. .+\n(?:.*\n)*?2\. .+\n(?:.*\n)*?3\. ", moe["body"], re.M)


# ------------------------------------------------------------------ files


def test_every_attachment_file_is_present_with_its_hash_and_size() -> None:
    assert len(attachments()) >= 4
    for a in attachments():
        data = file_bytes(a)
        assert hashlib.sha256(data).hexdigest() == a["sha256"]
        assert len(data) == a["size"]
        assert a["filename"]
        assert a["caption"]


def test_media_types_match_the_bytes() -> None:
    magic = {
        "image/png": b"\x89PNG\r\n\x1a\n",
        "image/jpeg": b"\xff\xd8\xff",
        "application/pdf": b"%PDF-",
    }
    types = Counter(a["media_type"] for a in attachments())
    assert set(types) == {*magic, "text/plain"}
    for a in attachments():
        if a["media_type"] == "text/plain":
            file_bytes(a).decode("utf-8")
            continue
        assert file_bytes(a).startswith(magic[a["media_type"]]), a["filename"]


def test_demo_files_stay_small_and_nothing_is_orphaned() -> None:
    files = list((ASSETS / "demo" / "files").iterdir())
    assert sum(p.stat().st_size for p in files) < MAX_DEMO_BYTES
    assert {p.name for p in files} == {a["sha256"] for a in attachments()}


def test_jpeg_carries_an_orientation_that_turns_it_upright() -> None:
    (jpeg,) = [a for a in attachments() if a["media_type"] == "image/jpeg"]
    stored = Image.open(io.BytesIO(file_bytes(jpeg)))
    assert stored.getexif().get(0x0112) == 6
    assert stored.height > stored.width
    upright = ImageOps.exif_transpose(stored)
    assert upright.width > upright.height


def test_pdf_handout_has_extractable_japanese_text() -> None:
    (pdf,) = [a for a in attachments() if a["media_type"] == "application/pdf"]
    reader = pypdf.PdfReader(io.BytesIO(file_bytes(pdf)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "公共建築物のZEB化実現に関する意見交換会" in text
    assert "久米島町" in text
    assert "プログラム" in text


def test_icons() -> None:
    with Image.open(ASSETS / "icons" / "zebkb.png") as png:
        assert png.size == (256, 256)
        assert png.mode == "RGBA"
    with Image.open(ASSETS / "icons" / "zebkb.ico") as ico:
        assert {(16, 16), (32, 32), (256, 256)} <= set(ico.info["sizes"])
    root = ET.parse(ASSETS / "icons" / "zebkb.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"


# ------------------------------------------------------------------ generator


def test_generator_reproduces_the_committed_assets_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed_demo = sorted(
        p.relative_to(ASSETS) for p in (ASSETS / "demo").rglob("*") if p.is_file()
    )
    # demo/ is the generator's alone; icons/ may one day hold other people's icons too.
    assert [rel for rel in made if rel.parts[0] == "demo"] == committed_demo
    assert {rel.parts[0] for rel in made} == {"demo", "icons"}
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (ASSETS / rel).read_bytes(), (
            f"{rel} differs: run python packaging/make_demo_assets.py and commit"
        )


def test_records_json_is_kind_ordered_for_reading() -> None:
    order = [Kind(r["type"]) for r in RECORDS]
    assert order == sorted(
        order, key=[Kind.CASE, Kind.VISIT, Kind.SESSION, Kind.ISSUE, Kind.OWNER].index
    )


def test_dates_keep_the_precision_of_their_sources() -> None:
    kamata = by_title("蒲田清掃事務所")
    assert kamata["certified_on"] == "2021-10"  # 令和3年10月: no invented day
    for r in RECORDS:
        for name in ("certified_on", "completed_on", "visited_on", "held_on"):
            value = r.get(name)
            assert value is None or not value.endswith("-01") or len(value) == 7, (r["title"], name)


def test_a_case_was_completed_and_sources_are_in_a_field() -> None:
    assert any(c["completed_on"] for c in CASES)
    for r in RECORDS:
        assert r["source"], r["title"]


def test_no_private_individual_is_named() -> None:
    text = json.dumps(RECORDS, ensure_ascii=False)
    for name in ("藤野", "本西", "伊藤ひとみ", "沼田", "秋元", "米澤", "前真之"):
        assert name not in text, name


def test_no_invented_briefing_for_the_progress_report() -> None:
    assert not [s for s in SESSIONS if s["kind"] == "briefing"]


def test_stage_dates_are_the_months_the_sources_give() -> None:
    """水元小: construction from 2023-07; completion planned for 2025-01 (the gas association's
    page) and reached in 2025-07, operation from 2025-09 (the ward's page). Months, no days."""
    (mizumoto,) = [c for c in CASES if c["facility_name"] == "葛飾区立水元小学校"]
    assert mizumoto["stage_dates"] == [
        {"stage": "construction", "actual_on": "2023-07"},
        {"stage": "completed", "planned_on": "2025-01", "actual_on": "2025-07"},
        {"stage": "operation", "actual_on": "2025-09"},
    ]
    assert "2023年7月に建設工事を開始" in mizumoto["body"]
    assert "9月から新校舎で運営" in mizumoto["body"]
    assert mizumoto["completed_on"] == "2025-07"  # FY2025: no source gives a FY2024 completion
    for case in CASES:
        for row in case["stage_dates"]:
            for key in ("planned_on", "actual_on"):
                assert len(row.get(key) or "2025-01") == 7  # a month, as the sources give


def test_a_demo_material_names_the_attached_handout() -> None:
    (session,) = [s for s in SESSIONS if s["kind"] == "exchange"]
    (material,) = session["materials"]
    assert material["file"] == session["attachments"][0]["sha256"]
    assert material["url"] == session["source"]
