"""Signed bundles between real knowledge bases: round trips, every tamper, the receiver's setting."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import zebkb_trust_kit as kit
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from zebkb_testing import KATSUSHIKA, SHINAGAWA, SUGINAMI, case_record

from zebkb import keys
from zebkb.bundle.errors import BundleError
from zebkb.bundle.reader import open_bundle
from zebkb.service import keys as trust
from zebkb.service.exchange import apply_import, export_bundle, plan_import


def import_bundle(kb, path: Path, **options) -> dict:
    with plan_import(kb, path, **options) as plan:
        return apply_import(kb, plan).as_json()


def status_of(kb, path: Path, **options) -> str:
    with plan_import(kb, path, **options) as plan:
        return plan.signature


def unchanged(kb) -> bool:
    """Nothing arrived: no record, no attachment file, no import logged."""
    files = kb.data_dir / "attachments"
    stored = [p for p in files.rglob("*") if p.is_file()] if files.exists() else []
    return kb.count(include_deleted=True) == 0 and stored == []


def refused(kb, path: Path, match: str, **options) -> None:
    with pytest.raises(BundleError, match=match) as info:
        import_bundle(kb, path, **options)
    message = str(info.value)
    assert "\n" not in message
    assert info.value.exit_code == 3
    assert unchanged(kb)


# -- round trips -----------------------------------------------------------------------------------


def test_exports_are_signed_with_the_senders_own_key(sender, signed_bundle: Path) -> None:
    with open_bundle(signed_bundle) as bundle:
        assert bundle.signature is not None
        assert bundle.signature.public_key == keys.own_key(sender.data_dir).public_key


def test_export_without_signing_gives_an_unsigned_bundle(sender, receiver, tmp_path) -> None:
    path = export_bundle(sender, tmp_path / "plain.zebkb", sign=False).paths[0]
    assert "signature.json" not in kit.read_entries(path)
    assert import_bundle(receiver, path)["signature"] == "unsigned"


def test_an_untrusted_signature_imports_by_default(sender, receiver, signed_bundle) -> None:
    summary = import_bundle(receiver, signed_bundle)
    assert (summary["signature"], summary["added"]) == ("untrusted", 2)


def test_a_key_trusted_for_the_origin_ward_verifies(sender, receiver, signed_bundle) -> None:
    trust.trust_key(receiver, keys.own_key(sender.data_dir).public_key, "葛飾区")
    summary = import_bundle(receiver, signed_bundle, require_signature=True)
    assert (summary["signature"], summary["origin"], summary["added"]) == (
        "verified",
        KATSUSHIKA,
        2,
    )


def test_a_key_trusted_for_another_ward_does_not_verify(sender, receiver, signed_bundle) -> None:
    trust.trust_key(receiver, keys.own_key(sender.data_dir).public_key, SUGINAMI)
    assert status_of(receiver, signed_bundle) == "untrusted"
    refused(receiver, signed_bundle, "not trusted for 葛飾区", require_signature=True)


def test_a_revoked_key_no_longer_verifies(sender, receiver, signed_bundle) -> None:
    public = keys.own_key(sender.data_dir).public_key
    trust.trust_key(receiver, public, KATSUSHIKA)
    assert status_of(receiver, signed_bundle) == "verified"
    trust.revoke_key(receiver, public)
    assert status_of(receiver, signed_bundle) == "untrusted"
    refused(receiver, signed_bundle, "not trusted", require_signature=True)


def test_signing_round_trips_both_ways(sender, receiver, tmp_path, clock) -> None:
    trust.trust_key(receiver, keys.own_key(sender.data_dir).public_key, KATSUSHIKA)
    trust.trust_key(sender, keys.own_key(receiver.data_dir).public_key, SHINAGAWA)
    there = export_bundle(sender, tmp_path / "a.zebkb").paths[0]
    assert import_bundle(receiver, there, require_signature=True)["signature"] == "verified"
    clock.advance(minutes=1)
    receiver.save(case_record(title="品川区の事例", ward=SHINAGAWA))
    clock.advance(minutes=1)
    back = export_bundle(receiver, tmp_path / "b.zebkb").paths[0]
    summary = import_bundle(sender, back, require_signature=True)
    assert (summary["signature"], summary["origin"], summary["added"]) == (
        "verified",
        SHINAGAWA,
        1,
    )


# -- the receiver's setting -------------------------------------------------------------------------


def test_require_signatures_off_lets_unsigned_and_untrusted_in(sender, receiver, tmp_path) -> None:
    plain = export_bundle(sender, tmp_path / "plain.zebkb", sign=False).paths[0]
    signed = export_bundle(sender, tmp_path / "signed.zebkb").paths[0]
    assert trust.require_signatures(receiver) is False
    assert import_bundle(receiver, plain)["signature"] == "unsigned"
    assert import_bundle(receiver, signed)["signature"] == "untrusted"


def test_require_signatures_on_refuses_unsigned_and_untrusted(sender, receiver, tmp_path) -> None:
    plain = export_bundle(sender, tmp_path / "plain.zebkb", sign=False).paths[0]
    signed = export_bundle(sender, tmp_path / "signed.zebkb").paths[0]
    trust.set_require_signatures(receiver, True)
    refused(receiver, plain, "not signed")
    refused(receiver, signed, "not trusted for 葛飾区")
    # The same bundle, once its key is trusted for its ward, goes in.
    trust.trust_key(receiver, keys.own_key(sender.data_dir).public_key, KATSUSHIKA)
    assert import_bundle(receiver, signed)["signature"] == "verified"
    refused_again = plain
    with pytest.raises(BundleError, match="not signed"):
        import_bundle(receiver, refused_again)


def test_the_callers_choice_overrides_the_setting(sender, receiver, signed_bundle) -> None:
    trust.set_require_signatures(receiver, True)
    assert import_bundle(receiver, signed_bundle, require_signature=False)["added"] == 2


def test_a_dry_run_plan_is_refused_too(sender, receiver, signed_bundle) -> None:
    with pytest.raises(BundleError):
        plan_import(receiver, signed_bundle, require_signature=True)


# -- tampering -------------------------------------------------------------------------------------


@pytest.fixture
def trusted(sender, receiver):
    """The receiver, trusting the sender's key for Katsushika and requiring signatures."""
    trust.trust_key(receiver, keys.own_key(sender.data_dir).public_key, KATSUSHIKA)
    trust.set_require_signatures(receiver, True)
    return receiver


def test_the_untouched_bundle_passes(trusted, signed_bundle) -> None:
    assert import_bundle(trusted, signed_bundle)["signature"] == "verified"


def test_an_edited_manifest_breaks_the_signature(trusted, signed_bundle, tmp_path):
    entries = kit.read_entries(signed_bundle)
    doc = kit.manifest_of(entries)
    doc["origin"] = {"ward": SUGINAMI, "name": "杉並区"}
    entries["manifest.json"] = json.dumps(doc, indent=1, ensure_ascii=False).encode()
    forged = kit.write_entries(tmp_path / "forged.zebkb", entries)
    refused(trusted, forged, "signature does not match manifest.json", require_signature=False)


def test_a_manifest_changed_by_one_space_breaks_the_signature(trusted, signed_bundle, tmp_path):
    entries = kit.read_entries(signed_bundle)
    entries["manifest.json"] += b" "
    forged = kit.write_entries(tmp_path / "forged.zebkb", entries)
    refused(trusted, forged, "signature does not match", require_signature=False)


def _other_bundle(sender, tmp_path: Path, clock) -> dict[str, bytes]:
    """Another signed bundle from the same ward, with a different record set."""
    clock.advance(minutes=1)
    sender.save(case_record(title="差し替え用の事例"))
    clock.advance(minutes=1)
    return kit.read_entries(export_bundle(sender, tmp_path / "other.zebkb").paths[0])


def test_an_entry_swapped_in_from_another_signed_bundle_fails(
    trusted, sender, signed_bundle, tmp_path, clock
) -> None:
    other = _other_bundle(sender, tmp_path, clock)
    entries = kit.read_entries(signed_bundle)
    entries["records.jsonl"] = other["records.jsonl"]
    # Left as signed, the manifest's hash no longer matches the entry...
    swapped = kit.write_entries(tmp_path / "swapped.zebkb", entries)
    refused(trusted, swapped, "records.jsonl", require_signature=False)
    # ...and a manifest brought up to date no longer matches the signature.
    relisted = kit.write_entries(tmp_path / "relisted.zebkb", kit.relist(entries))
    refused(trusted, relisted, "signature does not match", require_signature=False)


def test_a_manifest_and_signature_swapped_in_together_fail(
    trusted, sender, signed_bundle, tmp_path, clock
) -> None:
    other = _other_bundle(sender, tmp_path, clock)
    entries = kit.read_entries(signed_bundle)
    entries["manifest.json"] = other["manifest.json"]
    entries["signature.json"] = other["signature.json"]
    forged = kit.write_entries(tmp_path / "forged.zebkb", entries)
    refused(trusted, forged, "records.jsonl", require_signature=False)


def test_a_byte_of_records_changed_fails(trusted, signed_bundle, tmp_path) -> None:
    entries = kit.read_entries(signed_bundle)
    data = entries["records.jsonl"]
    at = data.index("葛飾区".encode())
    entries["records.jsonl"] = data[:at] + "杉並区".encode() + data[at + len("杉並区".encode()) :]
    forged = kit.write_entries(tmp_path / "forged.zebkb", entries)
    refused(trusted, forged, "records.jsonl", require_signature=False)
    relisted = kit.write_entries(tmp_path / "relisted.zebkb", kit.relist(entries))
    refused(trusted, relisted, "signature does not match", require_signature=False)


def test_a_changed_attachment_fails(trusted, signed_bundle, tmp_path) -> None:
    entries = kit.read_entries(signed_bundle)
    (name,) = [n for n in entries if n.startswith("attachments/")]
    photo = bytearray(entries[name])
    photo[100] ^= 0x01
    entries[name] = bytes(photo)
    forged = kit.write_entries(tmp_path / "forged.zebkb", entries)
    refused(trusted, forged, "attachments/", require_signature=False)


def test_a_forger_resigning_with_another_key_is_untrusted(trusted, signed_bundle, tmp_path):
    """Anyone can make a valid signature: only a trusted key for the ward verifies."""
    forger = Ed25519PrivateKey.generate()
    entries = kit.read_entries(signed_bundle)
    doc = kit.manifest_of(entries)
    doc["counts"] = {"case": 99}
    entries["manifest.json"] = json.dumps(doc).encode()
    entries["signature.json"] = kit.signature_json(entries["manifest.json"], forger)
    forged = kit.write_entries(tmp_path / "forged.zebkb", entries)
    fingerprint = keys.fingerprint(kit.public_key_of(forger))
    refused(trusted, forged, f"signed by key {fingerprint}, which is not trusted for 葛飾区")
    assert status_of(trusted, forged, require_signature=False) == "untrusted"


def test_a_signature_by_another_key_under_the_trusted_public_key_fails(
    trusted, sender, signed_bundle, tmp_path
) -> None:
    forger = Ed25519PrivateKey.generate()
    entries = kit.read_entries(signed_bundle)
    claimed = keys.raw_public_key(keys.load_private_key(sender.data_dir))
    entries["signature.json"] = kit.signature_json(entries["manifest.json"], forger, claimed)
    forged = kit.write_entries(tmp_path / "forged.zebkb", entries)
    refused(trusted, forged, "signature does not match", require_signature=False)


def test_a_stripped_signature_makes_the_bundle_unsigned(trusted, signed_bundle, tmp_path):
    """Removing signature.json cannot pass for verified: it is unsigned, refused when required."""
    entries = kit.read_entries(signed_bundle)
    del entries["signature.json"]
    stripped = kit.write_entries(tmp_path / "stripped.zebkb", entries)
    refused(trusted, stripped, "not signed")
    assert status_of(trusted, stripped, require_signature=False) == "unsigned"


def _doc(entries: dict[str, bytes]) -> dict:
    return json.loads(entries["signature.json"])


def _b64(n: int) -> str:
    return base64.b64encode(b"\x01" * n).decode()


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: b"not json", "signature.json"),
        (lambda d: b"[]", "must be a JSON object"),
        (lambda d: json.dumps({**d, "algorithm": "rsa"}).encode(), "algorithm 'rsa'"),
        (
            lambda d: json.dumps({k: v for k, v in d.items() if k != "algorithm"}).encode(),
            "algorithm",
        ),
        (
            lambda d: json.dumps({k: v for k, v in d.items() if k != "public_key"}).encode(),
            "public_key",
        ),
        (
            lambda d: json.dumps({k: v for k, v in d.items() if k != "signature"}).encode(),
            "signature",
        ),
        (
            lambda d: json.dumps({**d, "public_key": _b64(31)}).encode(),
            "public_key must be 32 bytes",
        ),
        (
            lambda d: json.dumps({**d, "public_key": _b64(33)}).encode(),
            "public_key must be 32 bytes",
        ),
        (
            lambda d: json.dumps({**d, "public_key": "%%%"}).encode(),
            "public_key is not valid base64",
        ),
        (lambda d: json.dumps({**d, "public_key": 7}).encode(), "public_key must be a base64"),
        (lambda d: json.dumps({**d, "signature": _b64(63)}).encode(), "signature must be 64 bytes"),
        (lambda d: json.dumps({**d, "signature": _b64(64)}).encode(), "does not match"),
        (
            lambda d: json.dumps(d).replace("{", '{"algorithm": "ed25519", ', 1).encode(),
            "signature.json",
        ),
        (lambda d: b"\xef\xbb\xbf" + json.dumps(d).encode(), "signature.json"),
    ],
    ids=[
        "not-json",
        "not-object",
        "other-algorithm",
        "no-algorithm",
        "no-public-key",
        "no-signature",
        "key-31-bytes",
        "key-33-bytes",
        "key-not-base64",
        "key-not-string",
        "signature-63-bytes",
        "signature-zeroed",
        "duplicate-key",
        "bom",
    ],
)
def test_a_malformed_signature_json_is_refused(
    trusted, signed_bundle, tmp_path, change, match
) -> None:
    entries = kit.read_entries(signed_bundle)
    entries["signature.json"] = change(_doc(entries))
    forged = kit.write_entries(tmp_path / "forged.zebkb", entries)
    refused(trusted, forged, match, require_signature=False)


@pytest.fixture
def small_bundle(tmp_path: Path, clock) -> Path:
    """A signed bundle of one short record with a tiny attachment: every byte can be tried."""
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(tmp_path / "small", clock=clock) as kb:
        kb.set_home_ward(KATSUSHIKA)
        record = kb.save(
            {"type": "session", "title": "勉強会", "ward": KATSUSHIKA, "held_on": "2024-11-05"}
        )
        note = tmp_path / "memo.txt"
        note.write_bytes(b"ZEB study notes")
        kb.add_attachment(record["uid"], note)
        clock.advance(minutes=1)
        return export_bundle(kb, tmp_path / "small.zebkb").paths[0]


def test_every_byte_of_every_signed_entry_is_covered(small_bundle: Path, tmp_path) -> None:
    """Change any one byte of manifest, records or attachment after signing: refused."""
    path = small_bundle
    original = kit.read_entries(path)
    forged = tmp_path / "forged.zebkb"
    checked = 0
    for name in original:
        if name == "signature.json":
            continue
        data = original[name]
        for at in range(len(data)):
            entries = dict(original)
            entries[name] = data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]
            kit.write_entries(forged, entries)
            with pytest.raises(BundleError):
                open_bundle(forged).close()
            checked += 1
    assert checked == sum(len(v) for k, v in original.items() if k != "signature.json")


def test_no_byte_change_to_signature_json_changes_who_signed(small_bundle: Path, tmp_path) -> None:
    """A changed signature.json either fails or still names the same key."""
    path = small_bundle
    original = kit.read_entries(path)
    signer = _doc(original)
    data = original["signature.json"]
    forged = tmp_path / "forged.zebkb"
    for at in range(len(data)):
        entries = dict(original)
        entries["signature.json"] = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
        kit.write_entries(forged, entries)
        try:
            bundle = open_bundle(forged)
        except BundleError:
            continue
        with bundle:
            assert bundle.signature is not None
            assert bundle.signature.public_key == signer["public_key"]
