"""The key pair of a knowledge base and its trust store (zebkb/keys.py)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from zebkb_testing import KATSUSHIKA, SHINAGAWA, SUGINAMI

from zebkb import keys
from zebkb.errors import InputError, KnownError, NotFoundError
from zebkb.service import keys as trust

posix_only = pytest.mark.skipif(os.name != "posix", reason="owner-only modes are POSIX")


def a_public_key() -> str:
    return base64.b64encode(Ed25519PrivateKey.generate().public_key().public_bytes_raw()).decode()


# -- the key pair ------------------------------------------------------------------------------


def test_a_new_knowledge_base_has_no_key_until_one_is_asked_for(tmp_path: Path) -> None:
    assert keys.load_private_key(tmp_path) is None
    made = keys.ensure_private_key(tmp_path)
    again = keys.load_private_key(tmp_path)
    assert again is not None
    assert keys.raw_public_key(again) == keys.raw_public_key(made)
    assert keys.key_path(tmp_path) == tmp_path / "keys" / "signing-key.pem"
    # Nothing else is left in the key folder (no temporary files).
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["signing-key.pem"]


@posix_only
def test_the_private_key_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    keys.ensure_private_key(tmp_path)
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert stat.S_IMODE(keys.key_path(tmp_path).stat().st_mode) == 0o600


@posix_only
def test_a_key_file_opened_up_to_others_is_made_owner_only_again(tmp_path: Path) -> None:
    keys.ensure_private_key(tmp_path)
    path = keys.key_path(tmp_path)
    os.chmod(path, 0o644)
    keys.load_private_key(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_keys_made_at_the_same_moment_end_up_as_one(tmp_path: Path) -> None:
    barrier = threading.Barrier(8)
    found: list[bytes] = []

    def make() -> None:
        barrier.wait()
        found.append(keys.raw_public_key(keys.ensure_private_key(tmp_path)))

    workers = [threading.Thread(target=make) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stored = keys.raw_public_key(keys.load_private_key(tmp_path))
    assert found == [stored] * 8


@pytest.mark.parametrize(
    "content",
    [b"", b"not a key", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"],
)
def test_a_damaged_key_is_reported_and_never_replaced(tmp_path: Path, content: bytes) -> None:
    path = keys.key_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(KnownError, match=r"signing key file .* is damaged"):
        keys.ensure_private_key(tmp_path)
    assert path.read_bytes() == content


def test_a_key_of_another_kind_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = keys.key_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(KnownError, match="damaged"):
        keys.load_private_key(tmp_path)


def test_own_key_gives_the_base64_public_key_and_its_fingerprint(tmp_path: Path) -> None:
    own = keys.own_key(tmp_path)
    raw = base64.b64decode(own.public_key, validate=True)
    assert raw == keys.raw_public_key(keys.load_private_key(tmp_path))
    assert own.as_json() == {"public_key": own.public_key, "fingerprint": own.fingerprint}
    digest = hashlib.sha256(raw).hexdigest()
    assert own.fingerprint.replace(" ", "") == digest[:20]
    assert re.fullmatch(r"[0-9a-f]{4}( [0-9a-f]{4}){4}", own.fingerprint)


def test_fingerprints_tell_keys_apart() -> None:
    prints = {keys.fingerprint(a_public_key()) for _ in range(50)}
    assert len(prints) == 50


def test_the_signer_signs_with_this_knowledge_bases_key(tmp_path: Path) -> None:
    sign = keys.bundle_signer(tmp_path)
    signature, public = sign(b"manifest bytes")
    key = keys.load_private_key(tmp_path)
    assert public == keys.raw_public_key(key)
    key.public_key().verify(signature, b"manifest bytes")


# -- public keys as people type them ----------------------------------------------------------


def test_a_pasted_key_may_carry_spaces_and_line_breaks() -> None:
    key = a_public_key()
    pasted = f"  {key[:20]}\n{key[20:]} \r\n"
    assert keys.normalise_public_key(pasted) == key


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "32 bytes; this one is 0"),
        ("abc", "not a public key"),
        ("鍵" * 44, "not a public key"),
        (base64.b64encode(b"x" * 31).decode(), "this one is 31 bytes"),
        (base64.b64encode(b"x" * 33).decode(), "this one is 33 bytes"),
        (base64.b64encode(b"x" * 64).decode(), "this one is 64 bytes"),
        ("A" * 43 + "!", "not a public key"),
    ],
)
def test_anything_but_a_32_byte_base64_key_is_refused(given: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        keys.parse_public_key(given)


# -- the trust store -------------------------------------------------------------------------------


def test_trust_a_key_for_a_ward_by_name_or_code(kb) -> None:
    key = a_public_key()
    entry = trust.trust_key(kb, key, "杉並区", note="電話で確認")
    assert (entry.public_key, entry.ward, entry.ward_name, entry.note) == (
        key,
        SUGINAMI,
        "杉並区",
        "電話で確認",
    )
    assert entry.active
    assert entry.revoked_at is None
    assert entry.added_at == kb.clock().isoformat(timespec="milliseconds")
    assert entry.fingerprint == keys.fingerprint(key)
    assert [e.public_key for e in trust.trusted_keys(kb)] == [key]
    trusted = trust.trust_checker(kb)
    assert trusted(key, SUGINAMI)
    assert not trusted(key, KATSUSHIKA)
    assert not trusted(a_public_key(), SUGINAMI)


def test_trusting_again_changes_nothing(kb) -> None:
    key = a_public_key()
    first = trust.trust_key(kb, key, SUGINAMI)
    second = trust.trust_key(kb, f" {key}\n", "131156")
    assert second == first
    assert len(trust.trusted_keys(kb)) == 1


def test_a_key_trusted_for_one_ward_is_not_trusted_for_another_by_mistake(kb) -> None:
    key = a_public_key()
    trust.trust_key(kb, key, SUGINAMI)
    with pytest.raises(InputError, match="already trusted for 杉並区"):
        trust.trust_key(kb, key, SHINAGAWA)
    assert [(e.ward, e.active) for e in trust.trusted_keys(kb)] == [(SUGINAMI, True)]


def test_an_unknown_ward_is_refused(kb) -> None:
    with pytest.raises(InputError):
        trust.trust_key(kb, a_public_key(), "横浜市中区のどこか")
    assert trust.trusted_keys(kb) == []


def test_revoking_keeps_a_record_and_stops_the_trust(kb, clock) -> None:
    key, other = a_public_key(), a_public_key()
    trust.trust_key(kb, key, SUGINAMI)
    trust.trust_key(kb, other, SHINAGAWA)
    clock.advance(days=3)
    revoked = trust.revoke_key(kb, key)
    assert [(e.ward, e.active) for e in revoked] == [(SUGINAMI, False)]
    assert revoked[0].revoked_at == clock().isoformat(timespec="milliseconds")
    trusted = trust.trust_checker(kb)
    assert not trusted(key, SUGINAMI)
    assert trusted(other, SHINAGAWA)
    listed = {(e.public_key, e.active) for e in trust.trusted_keys(kb)}
    assert listed == {(key, False), (other, True)}
    assert [e.public_key for e in trust.trusted_keys(kb, include_revoked=False)] == [other]
    with pytest.raises(NotFoundError, match="not trusted here"):
        trust.revoke_key(kb, key)


def test_a_revoked_key_can_be_trusted_again_and_its_history_stays(kb) -> None:
    key = a_public_key()
    trust.trust_key(kb, key, SUGINAMI)
    trust.revoke_key(kb, key)
    trust.trust_key(kb, key, SHINAGAWA)
    history = [(e.ward, e.active) for e in trust.trusted_keys(kb)]
    assert sorted(history) == [(SHINAGAWA, True), (SUGINAMI, False)]
    assert trust.trust_checker(kb)(key, SHINAGAWA)
    assert not trust.trust_checker(kb)(key, SUGINAMI)


def test_the_trust_store_survives_reopening(kb, clock) -> None:
    from zebkb.service import KnowledgeBase

    key = a_public_key()
    trust.trust_key(kb, key, SUGINAMI)
    trust.set_require_signatures(kb, True)
    with KnowledgeBase.open(kb.data_dir, clock=clock) as again:
        assert trust.trust_checker(again)(key, SUGINAMI)
        assert trust.require_signatures(again)


def test_a_folder_made_before_trusted_keys_existed_gets_the_table(kb, clock) -> None:
    from zebkb.service import KnowledgeBase

    with kb.engine.begin() as conn:
        conn.execute(text("DROP TABLE trusted_key"))
    kb.close()
    with KnowledgeBase.open(kb.data_dir, clock=clock) as again:
        assert trust.trusted_keys(again) == []
        trust.trust_key(again, a_public_key(), SUGINAMI)
        assert len(trust.trusted_keys(again)) == 1


def test_require_signatures_is_off_until_turned_on(kb) -> None:
    assert trust.require_signatures(kb) is False
    trust.set_require_signatures(kb, True)
    assert trust.require_signatures(kb) is True
    trust.set_require_signatures(kb, False)
    assert trust.require_signatures(kb) is False


def test_warnings_and_refusals_name_the_ward_and_the_key() -> None:
    key = a_public_key()
    fp = keys.fingerprint(key)
    assert keys.signature_warning(keys.VERIFIED, SUGINAMI, key) is None
    unsigned = keys.signature_warning(keys.UNSIGNED, SUGINAMI, None)
    assert "not signed" in unsigned
    assert "杉並区 (131156)" in unsigned
    untrusted = keys.signature_warning(keys.UNTRUSTED, SUGINAMI, key)
    assert fp in untrusted
    assert "not trusted for 杉並区" in untrusted
    refusal = keys.signature_refusal(keys.UNTRUSTED, SUGINAMI, key)
    assert refusal.exit_code == 3
    assert fp in str(refusal)
    assert "\n" not in str(refusal)
    assert "not signed" in str(keys.signature_refusal(keys.UNSIGNED, SUGINAMI, None))
