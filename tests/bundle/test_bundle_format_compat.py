"""Bundle format 1.1 against zebkb as it was before it (commit e4cc5bc).

The old program is taken from this repository's history and run as a
subprocess: a 1.0 bundle it writes imports here unchanged, and a 1.1 bundle of
cases written here imports there with every new field kept.
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


def _old_tree(tmp_path: Path) -> Path:
    archive = tmp_path / "old.tar"
    try:
        subprocess.run(
            ["git", "-C", str(REPO), "archive", "-o", str(archive), OLD_COMMIT, "zebkb"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the repository history is not available here")
    tree = tmp_path / "old"
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
