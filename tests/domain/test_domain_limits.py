"""One set of limits for a record and its text (zebkb/domain/limits.py), short refusals, and
whatever validation accepts fits a bundle line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zebkb_bundle_kit import KATSUSHIKA, NOW, case, new_uid, session, visit

from zebkb.bundle.reader import open_bundle
from zebkb.bundle.writer import write_bundle
from zebkb.domain.limits import (
    CAPTION_MAX,
    FILENAME_MAX,
    LINE_TEXT_MAX,
    LIST_ITEM_MAX,
    LIST_ITEMS_MAX,
    LONG_TEXT_MAX,
    RECORD_LINE_MAX,
    TITLE_MAX,
    quote,
)
from zebkb.domain.validate import RecordError, validate_record

SHA = "ab" * 32


def attachment(**over) -> dict:
    ref = {"sha256": SHA, "filename": "scan.pdf", "media_type": "application/pdf", "size": 10}
    ref.update(over)
    return ref


# (a record with the value at its limit, the same one past it, the field the refusal names)
EDGES = [
    (case(title="件" * TITLE_MAX), case(title="件" * (TITLE_MAX + 1)), "title"),
    (
        case(facility_name="施" * LINE_TEXT_MAX),
        case(facility_name="施" * (LINE_TEXT_MAX + 1)),
        "facility_name",
    ),
    (
        session(venue="会" * LINE_TEXT_MAX),
        session(venue="会" * (LINE_TEXT_MAX + 1)),
        "venue",
    ),
    (case(body="x" * LONG_TEXT_MAX), case(body="x" * (LONG_TEXT_MAX + 1)), "body"),
    (visit(purpose="x" * LONG_TEXT_MAX), visit(purpose="x" * (LONG_TEXT_MAX + 1)), "purpose"),
    (case(tags=["t" * LIST_ITEM_MAX]), case(tags=["t" * (LIST_ITEM_MAX + 1)]), "tags"),
    (
        visit(participants=["p"] * LIST_ITEMS_MAX),
        visit(participants=["p"] * (LIST_ITEMS_MAX + 1)),
        "participants",
    ),
    (
        session(related_case_uids=[new_uid(n) for n in range(LIST_ITEMS_MAX)]),
        session(related_case_uids=[new_uid(n) for n in range(LIST_ITEMS_MAX + 1)]),
        "related_case_uids",
    ),
    (
        case(attachments=[attachment(filename="f" * FILENAME_MAX)]),
        case(attachments=[attachment(filename="f" * (FILENAME_MAX + 1))]),
        "attachments",
    ),
    (
        case(attachments=[attachment(caption="c" * CAPTION_MAX)]),
        case(attachments=[attachment(caption="c" * (CAPTION_MAX + 1))]),
        "attachments",
    ),
    (
        case(attachments=[attachment()] * LIST_ITEMS_MAX),
        case(attachments=[attachment()] * (LIST_ITEMS_MAX + 1)),
        "attachments",
    ),
]


@pytest.mark.parametrize(("at_limit", "past_limit", "field"), EDGES)
@pytest.mark.parametrize("strict", [True, False])
def test_each_field_limit_is_the_same_for_typed_and_imported_records(
    at_limit, past_limit, field, strict
) -> None:
    validate_record(at_limit, strict=strict, now=NOW)
    with pytest.raises(RecordError) as caught:
        validate_record(past_limit, strict=strict, now=NOW)
    assert caught.value.field == field
    for line in (str(caught.value), caught.value.line_ja()):
        assert "\n" not in line
        assert len(line) < 200, line


def test_a_megabyte_title_is_refused_in_a_short_line() -> None:
    with pytest.raises(RecordError, match="at most 200 characters") as caught:
        validate_record(case(title="T" * 1_000_000), strict=False)
    assert len(str(caught.value)) < 120
    assert "1,000,000" in str(caught.value)


def test_a_refused_value_is_quoted_at_most_80_characters() -> None:
    with pytest.raises(RecordError) as caught:
        validate_record(case(project_type="x" * 1_000_000), strict=True)
    assert len(str(caught.value)) < 200
    assert quote("x" * 1000) == "x" * 79 + "…"
    assert quote("line one\nline\ttwo") == "line one line two"


def big_case(body_char: str, items: int) -> dict:
    """Every field within its own limit; together maybe more than a line holds."""
    return case(
        body=body_char * LONG_TEXT_MAX,
        tags=["標" * LIST_ITEM_MAX] * items,
        technologies=["技" * LIST_ITEM_MAX] * items,
    )


def test_a_record_over_the_line_limit_is_refused_whatever_its_fields() -> None:
    record = big_case("本", LIST_ITEMS_MAX)
    for strict in (True, False):
        with pytest.raises(RecordError, match="a record may hold") as caught:
            validate_record(record, strict=strict)
        assert caught.value.field is None
        assert "MiB" in str(caught.value)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    body_char=st.sampled_from(["a", "本", "😀", "\x01", '"']),
    items=st.sampled_from([0, 10, 300, LIST_ITEMS_MAX]),
    attachments=st.integers(0, 3),
)
def test_whatever_validation_accepts_fits_a_bundle_line(
    tmp_path_factory, body_char, items, attachments
) -> None:
    record = big_case(body_char, items)
    record["attachments"] = [attachment(caption=f"{n}") for n in range(attachments)]
    clean, problem = None, ""
    try:
        clean = validate_record(record, strict=False)
    except RecordError as exc:
        problem = str(exc)
    if clean is None:
        assert "a record may hold" in problem
        return
    folder: Path = tmp_path_factory.mktemp("fits")
    # Exported without its files: every attachment is marked "omitted" (the longest form).
    result = write_bundle(folder / "out.zebkb", [clean], origin_ward=KATSUSHIKA)
    assert len(result.omitted) == attachments
    with open_bundle(result.paths[0], now=NOW) as bundle:
        assert len(bundle.records) == 1


def test_room_is_kept_to_mark_attachments_omitted(tmp_path: Path) -> None:
    """A record that fits only without the "omitted" marks an export may add is refused."""
    from zebkb.bundle.errors import BundleError
    from zebkb.domain.canonical import canonical_json

    # A field from a newer zebkb has no limit of its own: only the record's size bounds it.
    record = case(attachments=[attachment()], zz_newer="")
    record["zz_newer"] = "a" * (RECORD_LINE_MAX - 5 - len(canonical_json(record)) - 1)
    assert len(canonical_json(record)) + 1 == RECORD_LINE_MAX - 5
    with pytest.raises(RecordError, match="a record may hold"):
        validate_record(record, strict=True)
    # Without that room the export would be the one to fail.
    with pytest.raises(BundleError, match="a record may hold"):
        write_bundle(tmp_path / "out.zebkb", [record], origin_ward=KATSUSHIKA)
    record["zz_newer"] = record["zz_newer"][:-20]
    validate_record(record, strict=True)


def test_the_line_limit_is_the_bundle_readers() -> None:
    from zebkb.bundle.limits import DEFAULT_LIMITS

    assert DEFAULT_LIMITS.max_line == RECORD_LINE_MAX
