"""Byte-level mutations of valid bundles: the reader answers BundleError or a valid bundle, never a traceback."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from zebkb.bundle.errors import BundleError
from zebkb.bundle.limits import Limits
from zebkb.bundle.reader import open_bundle
from zebkb.bundle.writer import write_bundle


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes]]:
    folder = tmp_path_factory.mktemp("fuzz")
    return folder, _seed_bundles(folder)


def _seed_bundles(folder: Path) -> list[bytes]:
    photo = bytes(range(256)) * 8
    text = ("議事録 " * 200).encode()
    records = [
        kit.case(attachments=[kit.attachment_ref(photo)], body="本文" * 20),
        kit.visit(attachments=[kit.attachment_ref(text, "m.txt", media_type="text/plain")]),
        kit.session(),
    ]
    hand = kit.write(folder / "hand.zebkb", records=records, attachments=[photo, text])
    files = folder / "files"
    files.mkdir(exist_ok=True)
    for blob in (photo, text):
        (files / kit.sha(blob)).write_bytes(blob)
    ours = write_bundle(
        folder / "ours.zebkb",
        records,
        origin_ward=kit.KATSUSHIKA,
        attachment_source=lambda sha: files / sha,
    ).paths[0]
    # Empty bundles are valid too (a delta export when nothing changed).
    empty_hand = kit.write(folder / "empty-hand.zebkb", records=[])
    empty_ours = write_bundle(folder / "empty-ours.zebkb", [], origin_ward=kit.KATSUSHIKA).paths[0]
    return [hand.read_bytes(), ours.read_bytes(), empty_hand.read_bytes(), empty_ours.read_bytes()]


def _try(folder: Path, data: bytes, name: str) -> None:
    path = folder / name
    path.write_bytes(data)
    message = None
    try:
        bundle = open_bundle(path, now=kit.NOW)
    except BundleError as exc:
        message = str(exc)
    else:
        bundle.close()
    assert message is None or (message and "\n" not in message)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 3),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=6),
)
def test_byte_mutations(seeds, seed: int, edits: list[tuple[int, int]]) -> None:
    folder, originals = seeds
    data = bytearray(originals[seed])
    for position, value in edits:
        data[position % len(data)] = value
    _try(folder, bytes(data), "mutated.zebkb")


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 3),
    start=st.integers(0, 10**6),
    length=st.integers(1, 64),
    insert=st.binary(max_size=64),
)
def test_splices(seeds, seed: int, start: int, length: int, insert: bytes) -> None:
    folder, originals = seeds
    data = originals[seed]
    at = start % len(data)
    _try(folder, data[:at] + insert + data[at + length :], "spliced.zebkb")


def test_every_truncation(seeds) -> None:
    folder, originals = seeds
    for data in originals:
        for cut in range(0, len(data), 7):
            _try(folder, data[:cut], "cut.zebkb")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(
        st.tuples(st.sampled_from([b"\x00", b"\xff", b"ZEB ", b""]), st.integers(0, 200_000)),
        min_size=1,
        max_size=4,
    ),
    noise=st.binary(max_size=2000),
    max_ratio=st.integers(2, 300),
)
def test_what_zebkb_writes_zebkb_reads(tmp_path_factory, pieces, noise, max_ratio) -> None:
    """Whatever an attachment or a body is made of, the writer keeps within the readers' limits."""
    folder = tmp_path_factory.mktemp("ratio")
    data = noise + b"".join(filler * count for filler, count in pieces)
    limits = Limits(max_ratio=max_ratio, ratio_floor=64 * 1024)
    (folder / kit.sha(data)).write_bytes(data)
    records = [kit.case(attachments=[kit.attachment_ref(data, "scan.bmp")], body="ZEB " * 30_000)]
    path = write_bundle(
        folder / "out.zebkb",
        records,
        origin_ward=kit.KATSUSHIKA,
        attachment_source=lambda sha: folder / sha,
        limits=limits,
    ).paths[0]
    with open_bundle(path, now=kit.NOW, limits=limits) as bundle:
        assert bundle.records == records


_GRAMMAR = r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,12})?([Zz]|[+-]\d{2}:\d{2})"


def _aware_moments() -> st.SearchStrategy[str]:
    offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
    # Anywhere in the years, and often within a day of their ends.
    naive = st.one_of(
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(1, 1, 2)),
        st.datetimes(min_value=datetime(999, 12, 31), max_value=datetime(1000, 1, 1)),
    )
    return st.builds(lambda moment, tz: moment.replace(tzinfo=tz).isoformat(), naive, offsets)


@pytest.fixture(scope="module")
def edge_kb(tmp_path_factory: pytest.TempPathFactory):
    from zebkb.service import KnowledgeBase

    folder = tmp_path_factory.mktemp("instants")
    with KnowledgeBase.open(folder / "kb", clock=lambda: kit.NOW) as kb:
        kb.set_home_ward(kit.KATSUSHIKA)
        yield kb, folder


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stamp=st.one_of(st.from_regex(_GRAMMAR, fullmatch=True), _aware_moments()))
@example(stamp="0001-01-01T00:00:00+14:00")
@example(stamp="0999-03-01T00:00:00+09:00")
def test_any_instant_imports_or_is_refused_in_one_line(edge_kb, stamp: str) -> None:
    """updated_at and created_at anywhere in the grammar: imported and listed, or refused."""
    from zebkb.service.exchange import import_bundle

    kb, folder = edge_kb
    record = kit.case(created_at=stamp, updated_at=stamp)
    path = kit.write(folder / "instant.zebkb", records=[record])
    message = None
    try:
        import_bundle(kb, path)
    except BundleError as exc:
        message = str(exc)
    if message is None:
        assert kb.require(record["uid"])["updated_at"] == stamp
        assert record["uid"] in {s.uid for s in kb.list_records()}
    else:
        assert "\n" not in message
        assert "updated_at" in message or "created_at" in message
