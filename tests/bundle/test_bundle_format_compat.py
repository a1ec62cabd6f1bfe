"""Bundle formats 1.1 and 1.2 against zebkb as it was before them (e4cc5bc, 84d43ed, 1b0d53f).

The old program is taken from this repository's history and run as a
subprocess: a bundle it writes imports here unchanged, and a bundle of the
newer format written here imports there with every new field kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from zebkb_testing import case_record

REPO = Path(__file__).resolve().parents[2]
OLD_COMMIT = "e4cc5bc"  # the last commit that wrote bundle format 1.0 only
COMMIT_1_1 = "84d43ed"  # the last commit that wrote bundle format 1.1 (no rows)
COMMIT_1_2 = "1b0d53f"  # a 1.2 zebkb before operation rows said whether they include その他


def _old_tree(tmp_path: Path, commit: str = OLD_COMMIT) -> Path:
    archive = tmp_path / f"old-{commit}.tar"
    try:
        subprocess.run(
            ["git", "-C", str(REPO), "archive", "-o", str(archive), commit, "zebkb"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the repository history is not available here")
    tree = tmp_path / f"old-{commit}"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _run(tree: Path | None, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ZEBKB_DATA_DIR", "PYTHONPATH")}
    env["PYTHONIOENCODING"] = "utf-8"
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return subprocess.run(
        [sys.executable, "-m", "zebkb", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tree or REPO,
        timeout=180,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_1_0_bundle_from_the_old_writer_imports_unchanged(tmp_path: Path) -> None:
    old = _old_tree(tmp_path)
    sender, receiver = tmp_path / "sender", tmp_path / "receiver"
    _ok(_run(old, sender, "init", "--ward", "131091"))
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(case_record(ward="131091", zeb_leading_owner=True, certified_on=None)),
        encoding="utf-8",
    )
    uid = json.loads(_ok(_run(old, sender, "add", str(case), "--json")))[0]["uid"]
    sent = json.loads(_ok(_run(old, sender, "show", uid, "--json")))
    bundle = tmp_path / "old.zebkb"
    _ok(_run(old, sender, "export", str(bundle)))

    _ok(_run(None, receiver, "init", "--ward", "131229"))
    _ok(_run(None, receiver, "import", str(bundle)))
    received = json.loads(_ok(_run(None, receiver, "show", uid, "--json")))
    assert received == sent  # byte for byte the same record, the 1.0 flag included


def test_a_1_1_bundle_of_cases_imports_into_the_old_zebkb_with_new_fields_kept(
    tmp_path: Path,
) -> None:
    old = _old_tree(tmp_path)
    sender, receiver = tmp_path / "sender", tmp_path / "receiver"
    _ok(_run(None, sender, "init", "--ward", "131229"))
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            case_record(
                building_use="住宅",
                facility_type="住宅",
                zeb_rank="ZEH",
                reduction_excl_renewables_pct=25,
                reduction_incl_renewables_pct=100,
                climate_zone=6,
                ua_value=0.46,
                dwelling_type="detached",
                public=True,
                source="https://example.invalid/zeh",
            )
        ),
        encoding="utf-8",
    )
    uid = json.loads(_ok(_run(None, sender, "add", str(case), "--json")))[0]["uid"]
    sent = json.loads(_ok(_run(None, sender, "show", uid, "--json")))
    bundle = tmp_path / "new.zebkb"
    _ok(_run(None, sender, "export", str(bundle)))

    _ok(_run(old, receiver, "init", "--ward", "131091"))
    _ok(_run(old, receiver, "import", str(bundle)))
    kept = json.loads(_ok(_run(old, receiver, "show", uid, "--json")))
    assert kept == sent
    for name in ("climate_zone", "ua_value", "dwelling_type", "source"):
        assert kept[name] == sent[name]


def test_the_old_zebkb_refuses_new_kinds_in_one_line_and_changes_nothing(
    tmp_path: Path,
) -> None:
    old = _old_tree(tmp_path)
    sender, receiver = tmp_path / "sender", tmp_path / "receiver"
    _ok(_run(None, sender, "init", "--ward", "131229"))
    issue = tmp_path / "issue.json"
    issue.write_text(
        json.dumps(
            {
                "type": "issue",
                "title": "営繕部門とのノウハウ共有",
                "ward": "131229",
                "fiscal_year": 2024,
                "category": "人材育成",
                "status": "open",
            }
        ),
        encoding="utf-8",
    )
    _ok(_run(None, sender, "add", str(issue)))
    bundle = tmp_path / "issue.zebkb"
    _ok(_run(None, sender, "export", str(bundle)))
    _ok(_run(old, receiver, "init", "--ward", "131091"))
    refused = _run(old, receiver, "import", str(bundle))
    assert refused.returncode == 3
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "type" in refused.stderr
    assert json.loads(_ok(_run(old, receiver, "list", "--json"))) == []


ROWS_RECORDS: list[dict[str, object]] = [
    case_record(
        standard_primary_energy_mj_m2=1000,
        design_primary_energy_mj_m2=490,
        operation_years=[
            {"fiscal_year": 2023, "primary_energy_mj_m2": 480},
            {"fiscal_year": 2024, "primary_energy_mj_m2": 520, "generation_mj_m2": 40},
        ],
        stage_dates=[{"stage": "completed", "planned_on": "2023-01", "actual_on": "2023-03-31"}],
        completed_on="2023-03-31",
    ),
    {
        "type": "session",
        "title": "ZEB勉強会",
        "ward": "131229",
        "held_on": "2024-11-05",
        "attendees": 5,
        "attendance_groups": [
            {"municipality": "131229", "department": "営繕課", "count": 3},
            {"organisation": "環境省", "count": 2},
        ],
        "materials": [{"number": "資料1", "title": "ZEBの概要", "url": "https://www.env.go.jp/"}],
        "follow_up_items": [
            {"what": "質問への回答", "who": "営繕課", "due": "2024-12", "done": True}
        ],
    },
    {
        "type": "visit",
        "title": "清掃事務所視察の受入",
        "ward": "131229",
        "visited_on": "2024-10-21",
        "follow_up_items": [{"what": "視察の所感を共有", "who": "環境課"}],
    },
]


def test_a_1_2_bundle_with_rows_imports_into_a_1_1_zebkb_and_comes_back_whole(
    tmp_path: Path,
) -> None:
    old = _old_tree(tmp_path, COMMIT_1_1)
    sender, receiver, back = tmp_path / "sender", tmp_path / "receiver", tmp_path / "back"
    _ok(_run(None, sender, "init", "--ward", "131229"))
    added = tmp_path / "records.json"
    added.write_text(json.dumps(ROWS_RECORDS, ensure_ascii=False), encoding="utf-8")
    uids = [r["uid"] for r in json.loads(_ok(_run(None, sender, "add", str(added), "--json")))]
    sent = [json.loads(_ok(_run(None, sender, "show", uid, "--json"))) for uid in uids]
    assert sent[1]["attendance_groups"][1] == {"organisation": "環境省", "count": 2}
    bundle = tmp_path / "new.zebkb"
    _ok(_run(None, sender, "export", str(bundle)))

    # The 1.1 zebkb keeps every row as a field it does not know, and writes it out again.
    _ok(_run(old, receiver, "init", "--ward", "131091"))
    _ok(_run(old, receiver, "import", str(bundle)))
    kept = [json.loads(_ok(_run(old, receiver, "show", uid, "--json"))) for uid in uids]
    assert kept == sent
    again = tmp_path / "again.zebkb"
    _ok(_run(old, receiver, "export", str(again)))
    _ok(_run(None, back, "init", "--ward", "131113"))
    _ok(_run(None, back, "import", str(again)))
    assert [json.loads(_ok(_run(None, back, "show", uid, "--json"))) for uid in uids] == sent


def test_a_1_1_bundle_with_text_lines_imports_unchanged(tmp_path: Path) -> None:
    old = _old_tree(tmp_path, COMMIT_1_1)
    sender, receiver = tmp_path / "sender", tmp_path / "receiver"
    _ok(_run(old, sender, "init", "--ward", "131229"))
    lines = [
        case_record(
            design_primary_energy_mj_m2=490,
            standard_primary_energy_mj_m2=1000,
            operation=["2022 480 120"],
        ),
        {
            "type": "session",
            "title": "勉強会",
            "ward": "131229",
            "held_on": "2024-11-05",
            "attendance": ["葛飾区 営繕課 3"],
            "follow_ups": "後日回答: 営繕課",
        },
    ]
    added = tmp_path / "records.json"
    added.write_text(json.dumps(lines, ensure_ascii=False), encoding="utf-8")
    uids = [r["uid"] for r in json.loads(_ok(_run(old, sender, "add", str(added), "--json")))]
    sent = [json.loads(_ok(_run(old, sender, "show", uid, "--json"))) for uid in uids]
    bundle = tmp_path / "old.zebkb"
    _ok(_run(old, sender, "export", str(bundle)))
    _ok(_run(None, receiver, "init", "--ward", "131091"))
    _ok(_run(None, receiver, "import", str(bundle)))
    assert [json.loads(_ok(_run(None, receiver, "show", uid, "--json"))) for uid in uids] == sent


def test_includes_other_reaches_a_1_2_zebkb_without_it_and_comes_back(tmp_path: Path) -> None:
    """The operation row key includes_other: an older 1.2 zebkb keeps it as a row key it
    does not know (shows it, writes it out again); a row without it reads as before."""
    old = _old_tree(tmp_path, COMMIT_1_2)
    sender, receiver, back = tmp_path / "sender", tmp_path / "receiver", tmp_path / "back"
    _ok(_run(None, sender, "init", "--ward", "131229"))
    rows = [
        {"fiscal_year": 2023, "primary_energy_mj_m2": 480},
        {"fiscal_year": 2024, "primary_energy_mj_m2": 650, "includes_other": True},
    ]
    case = case_record(
        standard_primary_energy_mj_m2=1000, design_primary_energy_mj_m2=490, operation_years=rows
    )
    added = tmp_path / "records.json"
    added.write_text(json.dumps([case], ensure_ascii=False), encoding="utf-8")
    (uid,) = [r["uid"] for r in json.loads(_ok(_run(None, sender, "add", str(added), "--json")))]
    sent = json.loads(_ok(_run(None, sender, "show", uid, "--json")))
    assert sent["operation_years"][1]["includes_other"] is True
    bundle = tmp_path / "new.zebkb"
    _ok(_run(None, sender, "export", str(bundle)))

    _ok(_run(old, receiver, "init", "--ward", "131091"))
    _ok(_run(old, receiver, "import", str(bundle)))
    assert json.loads(_ok(_run(old, receiver, "show", uid, "--json"))) == sent
    again = tmp_path / "again.zebkb"
    _ok(_run(old, receiver, "export", str(again)))
    _ok(_run(None, back, "init", "--ward", "131113"))
    _ok(_run(None, back, "import", str(again)))
    assert json.loads(_ok(_run(None, back, "show", uid, "--json"))) == sent
