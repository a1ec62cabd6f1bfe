"""The command line as a new employee meets it: refused input says, in one line of the
chosen language, what is wrong and where (exit 3), and changes nothing."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("lang", "field"), [("ja", "「件名」"), ("en", "title")])
def test_a_record_missing_a_required_field_names_the_field(cli, lang, field) -> None:
    assert cli("init", "--ward", "葛飾区").code == 0
    for _ in range(2):  # the same mistake twice: the same answer, nothing saved
        r = cli("--lang", lang, "add", "-", stdin=json.dumps({"type": "case"}))
        assert r.code == 3
        lines = r.err.strip().splitlines()
        assert len(lines) == 1, r.err
        assert field in lines[0], lines[0]
    assert cli("list").out.strip() == ""


def test_export_since_takes_a_plain_date_as_that_day_on_this_pc(cli, tmp_path) -> None:
    """`export --since 2025-04-01` (what people type) is the start of that day here, as the
    window's この日以降の変更 is; a value that is neither is refused in one line with an example."""
    assert cli("init", "--ward", "葛飾区").code == 0
    assert cli("demo").code == 0
    before = cli("export", "--json", "--since", "2000-01-01", str(tmp_path / "all.zebkb"))
    assert before.code == 0, before.err
    assert json.loads(before.out)["records"] == 28
    later = cli("export", "--json", "--since", "2099-01-01", str(tmp_path / "none.zebkb"))
    assert later.code == 0, later.err
    assert json.loads(later.out)["records"] == 0
    for lang, example in (("ja", "2025-04-01"), ("en", "2025-04-01")):
        r = cli("--lang", lang, "export", "--since", "先月", str(tmp_path / "x.zebkb"))
        assert r.code == 3
        assert len(r.err.strip().splitlines()) == 1, r.err
        assert example in r.err
    assert not (tmp_path / "x.zebkb").exists()


@pytest.mark.parametrize(
    "text",
    ['{"type": "case",', '{"a": 1, "a": 2}', "[NaN]", '{"n": 1e999}', "\ufeff{}", "[[[[" * 70],
)
def test_a_broken_json_file_is_refused_in_japanese_alone(cli, tmp_path, text) -> None:
    """What is wrong with the file is said in the chosen language, not in the parser's English."""
    path = tmp_path / "records.json"
    path.write_text(text, encoding="utf-8")
    r = cli("--lang", "ja", "add", str(path))
    assert r.code == 3
    (line,) = r.err.strip().splitlines()
    said = line.removeprefix("zebkb: ").replace(str(path), "").replace("JSON", "")
    # The file's own token (NaN) and the name of a byte-order mark (BOM) stay as written.
    assert set(re.findall(r"[A-Za-z]{2,}", said)) <= {"NaN", "BOM"}, line
    en = cli("--lang", "en", "add", str(path))
    assert en.code == 3
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", en.err), en.err


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_show_names_a_linked_case_by_its_title(cli, lang) -> None:
    """The visit's 視察施設（事例） is the case's title (its uid's start beside it, for
    `zebkb show`), not a bare uid, as the window's record pane names it."""
    assert cli("init", "--ward", "葛飾区").code == 0
    assert cli("demo").code == 0
    visit = "4851558e-3ce4-5145-81f4-50038ffd5cc2"
    case = json.loads(cli("show", "--json", visit).out)["facility_case_uid"]
    title = json.loads(cli("show", "--json", case).out)["title"]
    for _ in range(2):
        r = cli("--lang", lang, "show", visit)
        assert r.code == 0, r.err
        (line,) = [x for x in r.out.splitlines() if x.startswith(("視察施設", "Facility (case)"))]
        assert title in line
        assert case not in line  # the whole uid is not shown ...
        assert f"({case[:8]})" in line  # ... its start is, to show that record


def test_export_progress_ends_its_line_even_for_an_empty_delta(cli, tmp_path) -> None:
    """An empty delta bundle (nothing changed since) still ends the progress line at 100%,
    so the next line does not run on after it in the terminal."""
    assert cli("init", "--ward", "葛飾区").code == 0
    assert cli("demo").code == 0
    for n, since in enumerate(("2000-01-01", "2099-01-01", "2099-01-01")):
        r = cli("--lang", "ja", "export", "--since", since, str(tmp_path / f"b{n}.zebkb"))
        assert r.code == 0, r.err
        assert r.err.endswith("\n"), repr(r.err)
        last = r.err.rstrip("\n").splitlines()[-1]  # (text mode reads \r as a line end)
        assert "100%" in last, repr(r.err)


def test_export_uid_then_the_bundle_file_writes_that_file(cli, tmp_path) -> None:
    """`zebkb export --uid UID out.zebkb` (the file after the uids, as people write it): the
    file is the bundle to write, not one more uid, so the command does what it says."""
    assert cli("init", "--ward", "葛飾区").code == 0
    assert cli("demo").code == 0
    visit = "4851558e-3ce4-5145-81f4-50038ffd5cc2"
    for n in (1, 2):
        out = tmp_path / f"one{n}.zebkb"
        r = cli("--lang", "ja", "export", "--json", "--uid", visit, str(out))
        assert r.code == 0, r.err
        assert json.loads(r.out)["records"] == 1
        assert out.is_file()
