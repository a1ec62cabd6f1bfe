"""Bundles by e-mail: unsent drafts out (split to the message cap), bundles from messages in."""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from zebkb.bundle import mail
from zebkb.bundle.errors import BundleError

pytestmark = pytest.mark.slow


@pytest.fixture
def wards(cli, tmp_path: Path):
    """Katsushika with the demo records (photos and PDFs: several MB), Shinagawa empty."""
    a, b = tmp_path / "katsushika", tmp_path / "shinagawa"
    assert cli("init", "--ward", "葛飾区", data_dir=a).code == 0
    assert cli("demo", data_dir=a).code == 0
    assert cli("init", "--ward", "131091", data_dir=b).code == 0
    return a, b


def read_message(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_drafts_split_to_the_message_cap_say_who_sends_and_import_back(
    cli, wards, tmp_path
) -> None:
    a, b = wards
    out = tmp_path / "drafts"
    done = cli("export", "--eml", str(out), "--max-size", "80kB", "--json", data_dir=a)
    assert done.code == 0, done.err
    doc = json.loads(done.out)
    drafts = [Path(d["path"]) for d in doc["drafts"]]
    assert len(drafts) > 1
    assert sum(d["records"] for d in doc["drafts"]) == doc["records"]
    fingerprint = json.loads(cli("key", "show", "--json", data_dir=a).out)["fingerprint"]
    for index, path in enumerate(drafts, start=1):
        assert path.suffix == ".eml"
        assert path.stat().st_size <= 80_000  # the message, base64 and all, within the cap
        message = read_message(path)
        assert message["X-Unsent"] == "1"
        assert (
            message["Subject"]
            == f"【zebkb】葛飾区からのZEB・ZEH共有データ（{index}/{len(drafts)}）"
        )
        body = message.get_body(("plain",)).get_content()
        records = doc["drafts"][index - 1]["records"]
        assert f"このメールの記録数: {records}件" in body
        assert "葛飾区（団体コード 131229）" in body
        assert fingerprint in body
        attachments = list(message.iter_attachments())
        assert len(attachments) == 1
        assert mail.is_bundle_bytes(attachments[0].get_content())

    imported = cli("import", *map(str, drafts), "--json", data_dir=b)
    assert imported.code == 0, imported.err
    results = json.loads(imported.out)
    assert sum(r["added"] for r in results) == doc["records"]
    assert all(r["signature"] in ("untrusted", "verified") for r in results)


def test_a_bundle_renamed_by_a_mail_gateway_still_imports(cli, wards, tmp_path) -> None:
    a, b = wards
    out = tmp_path / "out.zebkb"
    assert cli("export", str(out), data_dir=a).code == 0
    renamed = out.rename(tmp_path / "ATT00001.dat")
    result = cli("import", str(renamed), "--dry-run", "--json", data_dir=b)
    assert result.code == 0, result.err
    assert json.loads(result.out)["added"] > 0


def _message_with(tmp_path: Path, *attachments: tuple[str, bytes]) -> Path:
    message = EmailMessage()
    message["Subject"] = "転送: データ"
    message["From"] = "someone@example.jp"
    message.set_content("よろしくお願いします")
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    path = tmp_path / "received.eml"
    path.write_bytes(message.as_bytes())
    return path


def test_a_forwarded_message_with_a_renamed_bundle_imports(cli, wards, tmp_path) -> None:
    a, b = wards
    out = tmp_path / "out.zebkb"
    assert cli("export", str(out), data_dir=a).code == 0
    path = _message_with(
        tmp_path, ("memo.pdf", b"%PDF-1.4 not a bundle"), ("data.zip", out.read_bytes())
    )
    result = cli("import", str(path), "--json", data_dir=b)
    assert result.code == 0, result.err
    assert json.loads(result.out)["added"] > 0


def test_messages_without_bundles_or_too_big_are_refused_in_one_line(cli, wards, tmp_path) -> None:
    _a, b = wards
    empty = _message_with(tmp_path, ("memo.pdf", b"%PDF-1.4"))
    result = cli("import", str(empty), data_dir=b)
    assert result.code == 3
    assert result.err.strip() == "zebkb: received.eml: the e-mail has no zebkb bundle attached"


def test_parts_and_nesting_are_bounded_before_parsing(tmp_path, monkeypatch) -> None:
    many = _message_with(tmp_path, *[(f"f{i}.bin", b"x") for i in range(mail.MAX_PARTS + 1)])
    with pytest.raises(BundleError, match="more than 200 parts"):
        mail.bundles_in_message(many, tmp_path / "out")

    boundary = "b"
    nested = "Content-Type: text/plain\n\nhi\n"
    for level in range(mail.MAX_DEPTH + 2):
        nested = (
            f'Content-Type: multipart/mixed; boundary="{boundary}{level}"\n\n'
            f"--{boundary}{level}\n{nested}\n--{boundary}{level}--\n"
        )
    deep = tmp_path / "deep.eml"
    deep.write_text("Subject: x\nMIME-Version: 1.0\n" + nested, encoding="ascii")
    with pytest.raises(BundleError, match="nests parts more than 8 deep"):
        mail.bundles_in_message(deep, tmp_path / "out2")

    monkeypatch.setattr(mail, "MAX_MESSAGE_BYTES", 100)
    with pytest.raises(BundleError, match=r"the e-mail is .* bytes"):
        mail.bundles_in_message(deep, tmp_path / "out3")


def test_a_message_is_told_from_a_bundle_by_its_first_bytes() -> None:
    assert mail.looks_like_message(b"Subject: x\r\nFrom: y\r\n")
    assert mail.looks_like_message(b"\r\nReceived: from mx\r\n")
    assert not mail.looks_like_message(b"PK\x03\x04")
    assert not mail.looks_like_message(b"%PDF-1.7")
    # Lines that read as headers but name none a mail program writes: not an e-mail.
    assert not mail.looks_like_message(b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:\n")
    assert not mail.looks_like_message(b"key: value\n\nFrom: later in the body\n")


def test_a_file_that_is_neither_bundle_nor_e_mail_is_refused_as_such(cli, tmp_path) -> None:
    """Not "the e-mail has no bundle attached": it was never an e-mail."""
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\nbin:x:1:1::/:\n", encoding="ascii")
    result = cli("import", str(passwd))
    assert result.code == 3
    assert result.err == "zebkb: passwd: neither a zebkb bundle nor an e-mail (not a ZIP archive)\n"


def test_the_bundle_cap_leaves_room_for_base64() -> None:
    cap = mail.bundle_cap_for_message(10_000_000)
    assert cap * 4 / 3 * 78 / 76 + mail.MESSAGE_HEADROOM <= 10_000_000
    assert cap > 7_000_000


def test_a_second_send_in_the_same_minute_keeps_the_first_drafts(tmp_path) -> None:
    """Export names go by the minute: a second set of drafts takes new names, never the old ones."""
    from datetime import UTC, datetime

    from zebkb.bundle.writer import PartInfo

    bundle = tmp_path / "zebkb-131229-20261203-1200.zebkb"
    bundle.write_bytes(b"PK\x03\x04 a bundle")
    part = PartInfo(path=bundle, bundle_id="b1", records=1, attachments=0, size=16)
    sender = mail.Sender("131229", "葛飾区", None)
    out = tmp_path / "drafts"
    when = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    first = mail.write_drafts([part], out, sender, when=when)
    unsent = first[0].read_bytes()
    second = mail.write_drafts([part], out, sender, when=when)
    third = mail.write_drafts([part], out, sender, when=when)
    assert [p.name for p in first + second + third] == [
        "zebkb-131229-20261203-1200.eml",
        "zebkb-131229-20261203-1200-2.eml",
        "zebkb-131229-20261203-1200-3.eml",
    ]
    assert first[0].read_bytes() == unsent


def test_a_draft_is_written_whole_and_readable_by_the_mail_program(tmp_path, monkeypatch) -> None:
    """Like the bundle it carries (zebkb/atomicfile.py): ordinary permissions, and a write
    that fails leaves neither a draft nor a temporary file."""
    import os
    from datetime import UTC, datetime

    from zebkb import atomicfile
    from zebkb.bundle.writer import PartInfo

    bundle = tmp_path / "zebkb-131229-20261203-1200.zebkb"
    bundle.write_bytes(b"PK\x03\x04 a bundle")
    part = PartInfo(path=bundle, bundle_id="b1", records=1, attachments=0, size=16)
    sender = mail.Sender("131229", "葛飾区", None)
    when = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    (draft,) = mail.write_drafts([part], tmp_path / "drafts", sender, when=when)
    assert os.stat(draft).st_mode & 0o777 == 0o644

    def no_room(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomicfile.os, "fsync", no_room)
    with pytest.raises(OSError, match="No space left"):
        mail.write_drafts([part], tmp_path / "failed", sender, when=when)
    assert list((tmp_path / "failed").iterdir()) == []
