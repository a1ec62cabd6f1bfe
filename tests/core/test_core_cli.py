"""The command line end to end, as a subprocess (README: the command line)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from zebkb_testing import case_record


def test_version_is_fast_path(cli):
    from zebkb import __version__

    r = cli("--version")
    assert r.code == 0
    assert r.out.strip() == f"zebkb {__version__}"


def test_init_add_list_show_round_trip(cli, tmp_path):
    r = cli("init", "--ward", "葛飾区")
    assert r.code == 0, r.err
    assert "131229" in r.out
    f = tmp_path / "case.json"
    f.write_text(json.dumps(case_record(x_newer={"a": 1})), encoding="utf-8")
    r = cli("add", str(f), "--json")
    assert r.code == 0, r.err
    [added] = json.loads(r.out)
    assert added["action"] == "added"
    r = cli("list", "--json")
    assert r.code == 0
    listed = json.loads(r.out)
    assert [set(x) for x in listed] == [{"uid", "type", "title", "ward", "updated_at"}]
    assert listed[0]["uid"] == added["uid"]
    r = cli("show", added["uid"], "--json")
    shown = json.loads(r.out)
    assert shown["x_newer"] == {"a": 1}
    assert shown["facility_name"] == "葛飾区清掃事務所"
    r = cli("show", added["uid"])
    assert "Facility: 葛飾区清掃事務所" in r.out
    assert "ZEB Ready" in r.out


def test_add_updates_by_uid(cli, tmp_path):
    cli("init", "--ward", "131229")
    f = tmp_path / "c.json"
    f.write_text(json.dumps(case_record()), encoding="utf-8")
    uid = json.loads(cli("add", str(f), "--json").out)[0]["uid"]
    f.write_text(json.dumps(case_record(uid=uid, title="更新後")), encoding="utf-8")
    r = cli("add", str(f), "--json")
    assert json.loads(r.out)[0] == {
        "uid": uid,
        "type": "case",
        "title": "更新後",
        "revision": 2,
        "action": "updated",
    }
    assert len(json.loads(cli("history", uid, "--json").out)) == 2


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "broken JSON"),
        ('{"a": NaN}', "NaN"),
        ('{"type": "case", "type": "visit"}', "twice"),
        (json.dumps(case_record(floor_area_m2="big")), "floor_area_m2"),
        (
            json.dumps({k: v for k, v in case_record().items() if k != "facility_name"}),
            "facility_name",
        ),
        (json.dumps(case_record(ward="Atlantis")), "ward"),
        (json.dumps(case_record(completed_on="2023-02-29")), "completed_on"),
        (json.dumps(case_record(floor_area_m2=-1)), "floor_area_m2"),
        (json.dumps([case_record(), case_record(title=5)]), "record 2"),
        ("[" * 100 + "]" * 100, "nested"),
        ("[1]", "record 1"),
    ],
)
def test_add_bad_input_exits_3_with_one_line(cli, tmp_path, content, needle):
    cli("init", "--ward", "131229")
    f = tmp_path / "bad.json"
    f.write_text(content, encoding="utf-8")
    r = cli("add", str(f))
    assert r.code == 3, (r.out, r.err)
    assert needle in r.err
    assert r.err.count("\n") == 1
    assert "Traceback" not in r.err
    assert json.loads(cli("list", "--json").out) == []


def test_add_missing_file_exits_3(cli, tmp_path):
    r = cli("add", str(tmp_path / "nope.json"))
    assert r.code == 3
    assert "not found" in r.err


def test_add_from_stdin(cli):
    cli("init", "--ward", "131229")
    r = cli("add", "-", stdin=json.dumps(case_record()))
    assert r.code == 0, r.err
    assert r.out.startswith("added ")


def test_usage_errors_exit_2(cli):
    r = cli("list", "--type", "house")
    assert r.code == 2
    assert r.err.count("\n") == 1
    assert cli("frobnicate").code == 2


def test_unknown_uid_exits_1(cli):
    cli("init", "--ward", "131229")
    r = cli("show", "00000000-0000-4000-8000-000000000000")
    assert r.code == 1
    assert "no record" in r.err


def test_deleted_record_show_says_so(cli, tmp_path):
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(cli.data_dir) as kb:
        kb.set_home_ward("131229")
        uid = kb.save(case_record())["uid"]
        kb.delete(uid)
    r = cli("show", uid)
    assert r.code == 1
    assert "was deleted" in r.err
    assert json.loads(cli("list", "--json").out) == []
    r = cli("restore", uid, "1")
    assert r.code == 0, r.err
    assert cli("show", uid).code == 0


def test_demo_twice_changes_nothing(cli):
    r = cli("demo")
    assert r.code == 0, r.err
    first = json.loads(cli("list", "--json").out)
    assert len(first) >= 16
    r = cli("demo")
    assert "0 added" in r.out
    assert json.loads(cli("list", "--json").out) == first
    types = {x["type"] for x in first}
    assert types == {"case", "visit", "session", "issue", "owner"}


def test_env_var_picks_the_folder(tmp_path):
    import os

    env = {**os.environ, "ZEBKB_DATA_DIR": str(tmp_path / "env-kb")}
    r = subprocess.run(
        [sys.executable, "-m", "zebkb", "init", "--ward", "板橋区"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "env-kb" / "zebkb.sqlite3").is_file()


def test_not_a_knowledge_base_folder_exit_1(cli, tmp_path):
    other = tmp_path / "docs"
    other.mkdir()
    (other / "memo.txt").write_text("x")
    r = cli("list", data_dir=other)
    assert r.code == 1
    assert "not a zebkb knowledge base folder" in r.err
    assert "Traceback" not in r.err


def test_check_json_shape(cli):
    cli("demo")
    r = cli("check", "--json")
    assert json.loads(r.out) == {"ok": True, "problems": []}, r.err
    assert r.code == 0


def test_add_prints_warnings_on_stderr_and_exits_0(cli, tmp_path):
    cli("init", "--ward", "131229")
    f = tmp_path / "c.json"
    f.write_text(json.dumps(case_record(reduction_excl_renewables_pct=49.9)), encoding="utf-8")
    r = cli("add", str(f))
    assert r.code == 0, r.err
    assert r.out.startswith("added ")
    [line] = r.err.splitlines()
    assert "warning" in line
    assert "[rank_overstated]" in line
    assert "49.9% reduction excluding renewables" in line
    uid = r.out.split()[1]
    shown = cli("show", uid)
    assert "Warning: stated ZEB Ready is higher than the figures support" in shown.out
    ja = cli("--lang", "ja", "show", uid)
    assert "警告: 記載ランク ZEB Ready は数値と合いません" in ja.out
    clean = tmp_path / "ok.json"
    clean.write_text(json.dumps(case_record()), encoding="utf-8")
    assert cli("add", str(clean)).err == ""


def test_show_json_assessment(cli, tmp_path):
    cli("init", "--ward", "131229")
    f = tmp_path / "c.json"
    f.write_text(json.dumps(case_record(reduction_excl_renewables_pct=49.96)), encoding="utf-8")
    uid = json.loads(cli("add", str(f), "--json").out)[0]["uid"]
    plain = json.loads(cli("show", uid, "--json").out)
    assert "assessment" not in plain
    r = cli("show", uid, "--json", "--assessment")
    assert r.code == 0, r.err
    a = json.loads(r.out)["assessment"]
    assert a["stated_rank"] == "ZEB Ready"
    assert a["supported_rank"] is None
    assert a["overstated"] is True
    assert a["warnings"][0]["code"] == "rank_overstated"
    assert set(a["warnings"][0]) == {"code", "message_ja", "message_en"}


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"bei": 0}, "bei"),
        ({"reduction_excl_renewables_pct": 101}, "reduction_excl_renewables_pct"),
        ({"reduction_incl_renewables_pct": 40}, "reduction_incl_renewables_pct"),
        ({"rank_status": "certified"}, "certified_on"),
    ],
)
def test_add_refuses_impossible_values(cli, tmp_path, patch, field):
    cli("init", "--ward", "131229")
    f = tmp_path / "c.json"
    f.write_text(json.dumps(case_record(**patch)), encoding="utf-8")
    r = cli("add", str(f))
    assert r.code == 3
    assert len(r.err.strip().splitlines()) == 1
    assert field in r.err
    assert cli("list", "--json").out.strip() == "[]"


def test_issues_and_owners_from_the_command_line(cli, tmp_path):
    cli("init", "--ward", "131229")
    f = tmp_path / "issue.json"
    f.write_text(
        json.dumps(
            {
                "type": "issue",
                "title": "営繕部門とのノウハウ共有",
                "ward": "葛飾区",
                "fiscal_year": 2024,
                "category": "人材育成",
                "status": "未対応",  # the label is read as the code
            }
        ),
        encoding="utf-8",
    )
    r = cli("add", str(f), "--json")
    assert r.code == 0, r.err
    uid = json.loads(r.out)[0]["uid"]
    assert json.loads(cli("show", uid, "--json").out)["status"] == "open"
    listed = cli("list", "--type", "issue").out
    assert "FY2024" in listed  # a 課題 has a fiscal year, not a date
    assert uid in cli("list", "--fiscal-year", "2024").out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"type": "issue", "title": "x", "ward": "131229",
                               "fiscal_year": 2024, "category": "雑務", "status": "open"}),
                   encoding="utf-8")  # fmt: skip
    r = cli("add", str(bad))
    assert r.code == 3
    assert "category" in r.err


def test_a_unique_uid_prefix_is_accepted_an_ambiguous_one_names_the_candidates(cli):
    from zebkb.service import KnowledgeBase

    first = "aaaa1111-0000-4000-8000-000000000001"
    second = "aaaa2222-0000-4000-8000-000000000002"
    with KnowledgeBase.open(cli.data_dir) as kb:
        kb.set_home_ward("131229")
        kb.save(case_record(uid=first, title="一つ目"))
        kb.save(case_record(uid=second, title="二つ目"))
        assert kb.resolve_uid("aaaa1") == first
        assert kb.resolve_uid(second) == second
    r = cli("show", "aaaa2")
    assert r.code == 0, r.err
    assert "二つ目" in r.out
    r = cli("history", "AAAA1")
    assert r.code == 0, r.err
    r = cli("show", "aaaa")
    assert r.code == 3
    assert len(r.err.strip().splitlines()) == 1
    assert "aaaa1111-000" in r.err
    assert "aaaa2222-000" in r.err
    r = cli("show", "bbbb")
    assert r.code == 1
    assert "no record" in r.err


def test_an_unknown_command_suggests_the_nearest(cli):
    r = cli("shw", "x")
    assert r.code == 2
    assert "did you mean 'show'?" in r.err
    assert len(r.err.strip().splitlines()) == 1
