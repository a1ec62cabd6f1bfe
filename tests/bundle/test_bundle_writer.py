"""The writer: canonical lines, attachments, atomic parts, splitting for e-mail, signing."""

from __future__ import annotations

import os
import random
import zipfile
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from zebkb.bundle.errors import BundleError
from zebkb.bundle.limits import Limits, parse_size
from zebkb.bundle.reader import open_bundle
from zebkb.bundle.signature import ed25519_signer
from zebkb.bundle.writer import ExportCancelled, write_bundle
from zebkb.domain.canonical import canonical_json


def _store(folder: Path, blobs: list[bytes]):
    folder.mkdir(exist_ok=True)
    for blob in blobs:
        (folder / kit.sha(blob)).write_bytes(blob)

    def source(sha: str) -> Path | None:
        path = folder / sha
        return path if path.exists() else None

    return source


def _open(path: Path):
    return open_bundle(path, now=kit.NOW)


def test_round_trip_canonical_lines(tmp_path: Path) -> None:
    photo = os.urandom(5000)
    text = b"minutes " * 2000
    records = [
        kit.case(attachments=[kit.attachment_ref(photo)], zz_unknown="kept"),
        kit.visit(attachments=[kit.attachment_ref(text, "minutes.txt", media_type="text/plain")]),
        kit.session(),
        kit.tombstone(kit.case(), 30),
    ]
    result = write_bundle(
        tmp_path / "out.zebkb",
        records,
        origin_ward=kit.KATSUSHIKA,
        origin_name="葛飾区",
        attachment_source=_store(tmp_path / "files", [photo, text]),
    )
    assert result.paths == [tmp_path / "out.zebkb"]
    with _open(result.paths[0]) as bundle:
        assert bundle.records == records
        assert bundle.attachments == {kit.sha(photo): 5000, kit.sha(text): len(text)}
        assert bundle.manifest.raw["counts"] == {"case": 2, "visit": 1, "session": 1}
        assert bundle.manifest.series is None
    with zipfile.ZipFile(result.paths[0]) as zf:
        lines = zf.read("records.jsonl").splitlines(keepends=True)
        methods = {i.filename: i.compress_type for i in zf.infolist()}
    assert lines == [canonical_json(r) + b"\n" for r in records]
    # Photos are stored as they are; text is deflated.
    assert methods["attachments/" + kit.sha(photo)] == zipfile.ZIP_STORED
    assert methods["attachments/" + kit.sha(text)] == zipfile.ZIP_DEFLATED


def test_attachments_left_out_are_marked_omitted(tmp_path: Path) -> None:
    photo, absent = b"p" * 3000, b"not on hand"
    records = [kit.case(attachments=[kit.attachment_ref(photo), kit.attachment_ref(absent)])]
    source = _store(tmp_path / "files", [photo])
    result = write_bundle(
        tmp_path / "a.zebkb", records, origin_ward=kit.KATSUSHIKA, attachment_source=source
    )
    assert result.omitted == [(records[0]["uid"], kit.sha(absent))]
    with zipfile.ZipFile(result.paths[0]) as zf:
        refs = kit.json.loads(zf.read("records.jsonl"))["attachments"]
    assert [r.get("omitted") for r in refs] == [None, True]
    lean = write_bundle(
        tmp_path / "b.zebkb",
        records,
        origin_ward=kit.KATSUSHIKA,
        attachment_source=source,
        include_attachments=False,
    )
    with _open(lean.paths[0]) as bundle:
        assert bundle.attachments == {}
        assert bundle.omitted == {kit.sha(photo), kit.sha(absent)}
        assert bundle.records == records


def test_cancel_leaves_nothing(tmp_path: Path) -> None:
    blobs = [os.urandom(3000) for _ in range(5)]
    records = [kit.case(attachments=[kit.attachment_ref(b)]) for b in blobs]
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 3

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportCancelled):
        write_bundle(
            out / "x.zebkb",
            records,
            origin_ward=kit.KATSUSHIKA,
            attachment_source=_store(tmp_path / "files", blobs),
            cancel=cancel,
        )
    assert list(out.iterdir()) == []


def test_damaged_store_file_refuses_export_and_leaves_nothing(tmp_path: Path) -> None:
    photo = b"p" * 3000
    source = _store(tmp_path / "files", [photo])
    (tmp_path / "files" / kit.sha(photo)).write_bytes(b"q" * 3000)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BundleError, match="changed or is damaged"):
        write_bundle(
            out / "x.zebkb",
            [kit.case(attachments=[kit.attachment_ref(photo)])],
            origin_ward=kit.KATSUSHIKA,
            attachment_source=source,
        )
    assert list(out.iterdir()) == []


def test_existing_destination_replaced_whole(tmp_path: Path) -> None:
    dest = tmp_path / "x.zebkb"
    dest.write_bytes(b"old")
    write_bundle(dest, [kit.case()], origin_ward=kit.KATSUSHIKA)
    with _open(dest) as bundle:
        assert len(bundle.records) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["x.zebkb"]


def test_split_parts_each_complete_and_under_cap(tmp_path: Path) -> None:
    rng = random.Random(4)
    blobs = [rng.randbytes(rng.randint(1000, 4500)) for _ in range(20)]
    records = []
    for i in range(30):
        refs = [kit.attachment_ref(b) for b in rng.sample(blobs, rng.randint(0, 3))]
        records.append(kit.case(body="本文" * rng.randint(10, 500), attachments=refs, n=i))
    cap = 20_000
    result = write_bundle(
        tmp_path / "out.zebkb",
        records,
        origin_ward=kit.KATSUSHIKA,
        attachment_source=_store(tmp_path / "files", blobs),
        max_size=cap,
    )
    assert len(result.parts) > 2
    assert result.oversize == []
    seen: list[dict] = []
    series = set()
    for number, part in enumerate(result.parts, start=1):
        assert part.path.stat().st_size <= cap
        width = len(str(len(result.parts)))
        assert part.path.name == f"out.{number:0{width}d}-of-{len(result.parts)}.zebkb"
        with _open(part.path) as bundle:  # complete on its own
            seen += bundle.records
            series.add(bundle.manifest.series)
            assert (bundle.manifest.part, bundle.manifest.parts) == (number, len(result.parts))
            for record in bundle.records:
                for ref in record.get("attachments", []):
                    assert ref["sha256"] in bundle.attachments
    assert sorted(seen, key=lambda r: r["n"]) == records
    assert len(series) == 1
    assert None not in series


def test_split_reports_a_record_bigger_than_the_cap(tmp_path: Path) -> None:
    big = os.urandom(50_000)
    records = [kit.case(), kit.case(attachments=[kit.attachment_ref(big)]), kit.case()]
    result = write_bundle(
        tmp_path / "out.zebkb",
        records,
        origin_ward=kit.KATSUSHIKA,
        attachment_source=_store(tmp_path / "files", [big]),
        max_size=20_000,
    )
    assert [uid for uid, _ in result.oversize] == [records[1]["uid"]]
    assert len(result.parts) == 3
    assert [p.attachments for p in result.parts] == [0, 1, 0]
    assert [p.size > 20_000 for p in result.parts] == [False, True, False]


def test_signed_export_verifies(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    result = write_bundle(
        tmp_path / "s.zebkb", [kit.case()], origin_ward=kit.KATSUSHIKA, signer=ed25519_signer(key)
    )
    with _open(result.paths[0]) as bundle:
        assert bundle.signature is not None
        assert bundle.signature.verified


def test_record_too_big_for_a_line(tmp_path: Path) -> None:
    from zebkb.bundle.limits import Limits

    with pytest.raises(BundleError, match="more than the 1,000 bytes a record may hold"):
        write_bundle(
            tmp_path / "x.zebkb",
            [kit.case(body="x" * 5000)],
            origin_ward=kit.KATSUSHIKA,
            limits=Limits(max_line=1000),
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("10MB", 10_000_000),
        ("10 mb", 10_000_000),
        ("5 MiB", 5 * 1024 * 1024),
        ("500k", 500_000),
        ("1.5MB", 1_500_000),
        ("2GiB", 2 * 1024**3),
        ("20000", 20_000),
    ],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "ten", "10 parsecs", "-5MB", "10", "1e9"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(BundleError):
        parse_size(text)


def test_written_bundles_are_readable_by_others_like_any_document(tmp_path):
    """mkstemp makes owner-only files; a bundle goes to shared folders and e-mail."""
    import stat

    from zebkb.bundle.writer import write_bundle

    result = write_bundle(
        tmp_path / "out.zebkb", [], origin_ward="131229", attachment_source=lambda sha: None
    )
    mode = stat.S_IMODE(result.parts[0].path.stat().st_mode)
    assert mode == 0o644


# -- the writer keeps within the readers' ratio limit (bundle-format.md, Limits) ------------------


def _methods(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: i.compress_type for i in zf.infolist()}


def test_entry_deflating_beyond_the_ratio_limit_is_stored(tmp_path: Path) -> None:
    blank = b"\xff" * (3 << 20)
    records = [kit.case(attachments=[kit.attachment_ref(blank, "scan.bmp")])]
    result = write_bundle(
        tmp_path / "out.zebkb",
        records,
        origin_ward=kit.KATSUSHIKA,
        attachment_source=_store(tmp_path / "files", [blank]),
    )
    assert _methods(result.paths[0])["attachments/" + kit.sha(blank)] == zipfile.ZIP_STORED
    with _open(result.paths[0]) as bundle:
        assert bundle.attachments == {kit.sha(blank): len(blank)}


def test_sample_that_misleads_is_caught_by_the_written_ratio(tmp_path: Path) -> None:
    """The first 256 KiB deflate modestly, the rest is blank: the part is written again, stored."""
    rng = random.Random(7)
    head = bytes(rng.choice(b"0123456789abcdef") for _ in range(256 * 1024))
    data = head + bytes(3 << 20)
    records = [kit.case(attachments=[kit.attachment_ref(data, "log.txt")])]
    limits = Limits(max_ratio=8)
    ticks: list[tuple[int, int]] = []
    result = write_bundle(
        tmp_path / "out.zebkb",
        records,
        origin_ward=kit.KATSUSHIKA,
        attachment_source=_store(tmp_path / "files", [data]),
        limits=limits,
        progress=lambda done, total: ticks.append((done, total)),
    )
    assert _methods(result.paths[0])["attachments/" + kit.sha(data)] == zipfile.ZIP_STORED
    assert ticks[-1][0] == ticks[-1][1]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".zebkb-partial")] == []
    with open_bundle(result.paths[0], now=kit.NOW, limits=limits) as bundle:
        assert bundle.records[0]["attachments"][0]["sha256"] == kit.sha(data)


def test_records_deflating_beyond_the_ratio_limit_are_stored(tmp_path: Path) -> None:
    records = [kit.case(body="ZEB " * 250_000), kit.case(body="ZEB " * 250_000)]
    result = write_bundle(tmp_path / "out.zebkb", records, origin_ward=kit.KATSUSHIKA)
    assert _methods(result.paths[0])["records.jsonl"] == zipfile.ZIP_STORED
    with _open(result.paths[0]) as bundle:
        assert bundle.records == records


def test_a_real_bomb_is_still_refused(tmp_path: Path) -> None:
    """A hand-made entry deflated 1000:1 is refused before it is inflated."""
    blank = b"\xff" * (3 << 20)
    spec = kit.Spec(
        records=[kit.case(attachments=[kit.attachment_ref(blank, "scan.bmp")])],
        extra=[kit.Entry("attachments/" + kit.sha(blank), blank, zipfile.ZIP_DEFLATED)],
    )
    with pytest.raises(BundleError, match="zip bomb"):
        _open(kit.write(tmp_path / "bomb.zebkb", spec))
