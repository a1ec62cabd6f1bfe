"""Vocabularies and labels."""

from __future__ import annotations

import re

import pytest

from zebkb.domain.fields import fields_for
from zebkb.domain.vocab import (
    BUILDING_USES,
    FACILITY_TYPES,
    PROJECT_TYPES,
    RANK_STATUSES,
    SESSION_KINDS,
    TECHNOLOGIES,
    TECHNOLOGY_GROUPS,
    VOCABULARIES,
    group_label,
    label,
    oriented_threshold_pct,
    suggested_building_use,
    technology_group,
)


def _choices(kind: str, name: str) -> tuple[str, ...]:
    (field,) = [f for f in fields_for(kind) if f.name == name]
    assert field.choices is not None
    return field.choices


@pytest.mark.parametrize(
    ("vocab", "kind", "name"),
    [
        (SESSION_KINDS, "session", "kind"),
        (PROJECT_TYPES, "case", "project_type"),
        (RANK_STATUSES, "case", "rank_status"),
    ],
)
def test_closed_vocabularies_match_the_field_choices(vocab, kind: str, name: str) -> None:
    assert vocab.closed
    assert set(vocab.values()) == set(_choices(kind, name))


def test_session_kind_labels() -> None:
    expected = {
        "study": "勉強会",
        "training": "研修会",
        "tour": "見学会",
        "seminar": "セミナー",
        "briefing": "説明会",
    }
    assert {v: label("session_kind", v) for v in expected} == expected
    assert label(SESSION_KINDS, "tour", "en") == "Tour"


def test_building_uses_and_oriented_thresholds() -> None:
    assert BUILDING_USES.closed
    assert len(BUILDING_USES.values()) == 9
    forty = {u for u in BUILDING_USES.values() if oriented_threshold_pct(u) == 40}
    thirty = {u for u in BUILDING_USES.values() if oriented_threshold_pct(u) == 30}
    assert forty == {"事務所等", "学校等", "工場等"}
    assert thirty == {"ホテル等", "病院等", "百貨店等", "飲食店等", "集会所等"}
    assert oriented_threshold_pct("住宅") is None
    assert oriented_threshold_pct(None) is None
    assert oriented_threshold_pct("物販店舗等") is None
    assert all(t.en for t in BUILDING_USES)


def test_facility_types_are_open_and_cover_the_bundle_examples() -> None:
    assert not FACILITY_TYPES.closed
    for example in (
        "庁舎",
        "清掃事務所",
        "学校",
        "図書館",
        "保育園",
        "区民施設",
        "体育施設",
        "住宅",
    ):
        assert example in FACILITY_TYPES
    assert label("facility_type", "プール棟") == "プール棟"  # free text shows as is
    assert suggested_building_use("小学校") == "学校等"
    assert suggested_building_use("保育園") is None  # unsettled: 学校等 or 病院等
    assert suggested_building_use("住宅") == "住宅"
    for term in FACILITY_TYPES:
        assert term.group is None or term.group in BUILDING_USES


def test_technologies_grouped() -> None:
    assert {t.group for t in TECHNOLOGIES} == set(TECHNOLOGY_GROUPS)
    assert technology_group("BEMS") == "エネマネ"
    assert technology_group("ＢＥＭＳ") == "エネマネ"
    assert technology_group("太陽光発電") == "CREATE"
    assert technology_group("Low-E複層ガラス") == "PASSIVE"
    assert technology_group("LED lighting") == "ACTIVE"
    assert technology_group("未知の技術") is None
    assert group_label("technology", "CREATE", "en").startswith("Create")
    assert group_label("technology", "X") == "X"


def test_lookup_accepts_labels_in_either_language_and_width() -> None:
    assert SESSION_KINDS.lookup("勉強会") == "study"
    assert SESSION_KINDS.lookup(" SEMINAR ") == "seminar"
    assert PROJECT_TYPES.lookup("改修") == "renovation"
    assert RANK_STATUSES.lookup("相当") == "equivalent"
    assert BUILDING_USES.lookup("schools") == "学校等"
    assert SESSION_KINDS.lookup("飲み会") is None


def test_every_term_has_both_labels_and_unique_values() -> None:
    for vocab in VOCABULARIES.values():
        values = vocab.values()
        assert len(values) == len(set(values)), vocab.name
        for term in vocab:
            assert term.ja, (vocab.name, term.value)
            assert term.en, (vocab.name, term.value)


def test_label_of_none_and_unknown_vocabulary() -> None:
    assert label("session_kind", None) == ""
    with pytest.raises(KeyError, match="colour"):
        label("colour", "red")


def test_domain_package_is_pure_python() -> None:
    import subprocess
    import sys

    code = (
        "import sys, zebkb.domain.wards, zebkb.domain.dates, zebkb.domain.vocab, "
        "zebkb.domain.ranks, zebkb.domain.validate\n"
        "heavy = [m for m in ('PySide6', 'sqlmodel', 'sqlalchemy', 'whoosh') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""


# Kana, CJK ideographs and full-width forms: what an English label must not hold.
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def test_every_vocabulary_term_and_group_has_an_english_name() -> None:
    for vocab in VOCABULARIES.values():
        for term in vocab:
            assert term.en, (vocab.name, term.value)
            assert not JAPANESE.search(term.en), (vocab.name, term.en)
            assert label(vocab, term.value, "en") == term.en
        for group, (_ja, en) in vocab.group_labels.items():
            assert not JAPANESE.search(en), (vocab.name, group, en)


def test_every_field_label_and_place_name_is_english_in_english() -> None:
    from zebkb.domain.fields import Kind
    from zebkb.domain.wards import OTHER_MUNICIPALITIES, WARDS

    for kind in Kind:
        for f in fields_for(kind):
            assert f.label_en, (kind, f.name)
            assert not JAPANESE.search(f.label_en), (kind, f.name)
    for ward in WARDS + OTHER_MUNICIPALITIES:
        assert not JAPANESE.search(ward.name_en), ward


def test_every_vocabulary_value_of_the_demo_records_is_listed() -> None:
    """A demo value outside its vocabulary would show in Japanese in the English window."""
    import importlib.resources

    from zebkb.domain.vocab import FIELD_VOCABULARY_NAMES
    from zebkb.strictjson import loads

    resource = importlib.resources.files("zebkb.assets") / "demo" / "records.json"
    unlisted = []
    for record in loads(resource.read_bytes()):
        for name, vocab_name in FIELD_VOCABULARY_NAMES.items():
            value = record.get(name)
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and JAPANESE.search(label(vocab_name, v, "en")):
                    unlisted.append((record["title"], name, v))
    assert unlisted == []


def test_japanese_labels_use_full_width_brackets() -> None:
    """公用文: Japanese labels write （ ）, not the half-width ( )."""
    for vocab in VOCABULARIES.values():
        for term in vocab:
            assert "(" not in term.ja, (vocab.name, term.ja)
            assert ")" not in term.ja, (vocab.name, term.ja)
        for ja, _en in vocab.group_labels.values():
            assert "(" not in ja, ja
