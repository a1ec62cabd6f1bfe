"""Strict JSON and canonical JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb import strictjson
from zebkb.domain.canonical import canonical_json, record_hash, version_key


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"a": NaN}', "NaN"),
        ('{"a": Infinity}', "Infinity"),
        ('{"a": -Infinity}', "Infinity"),
        ('{"a": 1e999}', "finite"),
        ('{"a": 1, "a": 2}', "twice"),
        ('{"a": "\\ud800"}', "surrogate"),
        ('{"a": 9007199254740993}', r"2\^53"),
        ("[" * 65 + "]" * 65, "nested"),
        ('{"a": "[[[[[[" }' + "x", "broken"),
        (b"\xff\xfe{}", "UTF-8"),
        ("\ufeff{}", "byte-order"),
        ("{", "broken JSON"),
    ],
)
def test_refused(text, needle):
    with pytest.raises(strictjson.StrictJSONError, match=needle):
        strictjson.loads(text)


def test_brackets_inside_strings_do_not_count_as_depth():
    assert strictjson.loads(json.dumps({"a": "[" * 500})) == {"a": "[" * 500}


def test_deep_nesting_never_recurses():
    with pytest.raises(strictjson.StrictJSONError):
        strictjson.loads("[" * 200_000 + "]" * 200_000)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_accepts_what_json_dumps_writes(value):
    assert strictjson.loads(json.dumps(value)) == value


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(min_size=1), json_values, max_size=6))
def test_canonical_json_is_stable_under_key_order(record):
    reordered = dict(reversed(list(record.items())))
    assert canonical_json(record) == canonical_json(reordered)
    assert strictjson.loads(canonical_json(record)) is not None


def test_integral_floats_hash_like_ints():
    assert record_hash({"a": 1200.0}) == record_hash({"a": 1200})
    assert record_hash({"a": 1200.5}) != record_hash({"a": 1200})
    assert canonical_json({"b": "葛飾", "a": True}) == '{"a":true,"b":"葛飾"}'.encode()


def test_version_order_uses_instants_not_text():
    a = {"updated_at": "2025-01-01T09:00:00+09:00", "revision": 5}
    b = {"updated_at": "2025-01-01T01:00:00+00:00", "revision": 1}  # one hour later
    assert version_key(b) > version_key(a)
