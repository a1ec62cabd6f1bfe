"""The command line as a new employee meets it: refused input says, in one line of the
chosen language, what is wrong and where (exit 3), and changes nothing."""

from __future__ import annotations

import json

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
