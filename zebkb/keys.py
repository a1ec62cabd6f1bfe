"""Signing keys: this knowledge base's own Ed25519 key pair, and the ward keys it trusts.

The private key lives in ``<data_dir>/keys/`` and never leaves it; bundles
carry only the public key (bundle-format.md, Signatures). Two people compare
a key by its fingerprint over the phone before one side trusts it. A trust
is per ward: a key trusted for 杉並区 does not vouch for a bundle whose
manifest says it comes from 葛飾区. The trust store itself (which keys are
trusted for which ward) is data, kept by the service (zebkb/service/keys.py).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import logging
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from zebkb.bundle.errors import BundleError
from zebkb.bundle.signature import Signer, ed25519_signer
from zebkb.domain.wards import WardError, resolve_ward, ward_label
from zebkb.errors import InputError, KnownError

log = logging.getLogger(__name__)

KEY_DIR = "keys"
PRIVATE_KEY_FILE = "signing-key.pem"
PUBLIC_KEY_BYTES = 32
# 20 hex digits (80 bits) in groups of four: short enough to read aloud, long
# enough that nobody can make a second key with the same fingerprint.
FINGERPRINT_HEX = 20
MAX_KEY_FILE = 64 * 1024

VERIFIED = "verified"
UNTRUSTED = "untrusted"
UNSIGNED = "unsigned"


# -- this knowledge base's key ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnKey:
    public_key: str  # base64 of the 32 raw bytes
    fingerprint: str
    path: Path

    def as_json(self) -> dict[str, str]:
        return {"public_key": self.public_key, "fingerprint": self.fingerprint}


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_DIR / PRIVATE_KEY_FILE


def _owner_only(path: Path, mode: int) -> None:
    # POSIX permissions only; on Windows the file inherits the ACL of the
    # user's profile folder, which other ordinary users cannot read.
    if os.name == "posix":
        os.chmod(path, mode)


def _key_dir(data_dir: Path) -> Path:
    folder = Path(data_dir) / KEY_DIR
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        _owner_only(folder, 0o700)
    except OSError as exc:
        raise KnownError(
            f"cannot create the key folder {folder}: {exc.strerror or exc}",
            message_ja=f"鍵フォルダ {folder} を作成できません: {exc.strerror or exc}",
        ) from None
    return folder


def _read_key(path: Path) -> Ed25519PrivateKey:
    try:
        if os.name == "posix":
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                log.warning("signing key %s was readable by others; made it owner-only", path)
                _owner_only(path, 0o600)
        with open(path, "rb") as f:
            data = f.read(MAX_KEY_FILE + 1)
    except OSError as exc:
        raise KnownError(
            f"cannot read the signing key {path}: {exc.strerror or exc}",
            message_ja=f"署名鍵 {path} を読めません: {exc.strerror or exc}",
        ) from None
    damaged = KnownError(
        f"the signing key file {path} is damaged; restore it from a backup (or move it away "
        "to make a new key, which every ward that trusts this one must then trust again)",
        message_ja=f"署名鍵ファイル {path} が壊れています。バックアップから戻してください",
    )
    if len(data) > MAX_KEY_FILE:
        raise damaged
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise damaged from None
    if not isinstance(key, Ed25519PrivateKey):
        raise damaged
    return key


def load_private_key(data_dir: Path) -> Ed25519PrivateKey | None:
    """This knowledge base's private key, or None when it has none yet."""
    path = key_path(data_dir)
    if not path.exists():
        return None
    return _read_key(path)


def ensure_private_key(data_dir: Path) -> Ed25519PrivateKey:
    """Load the private key, making it first if this knowledge base has none.

    Two processes that start at once both end up with the same key: the new
    file is linked into place only if no key is there yet.
    """
    existing = load_private_key(data_dir)
    if existing is not None:
        return existing
    folder = _key_dir(data_dir)
    target = folder / PRIVATE_KEY_FILE
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # mkstemp creates the file readable and writable by its owner only.
    fd, tmp_name = tempfile.mkstemp(prefix=".signing-key.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        _owner_only(tmp, 0o600)
        try:
            os.link(tmp, target)
        except FileExistsError:
            return _read_key(target)
    except OSError as exc:
        raise KnownError(
            f"cannot write the signing key in {folder}: {exc.strerror or exc}",
            message_ja=f"署名鍵を {folder} に書けません: {exc.strerror or exc}",
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    log.info("made a new signing key %s", target)
    return key


def raw_public_key(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def fingerprint(public_key: str | bytes) -> str:
    """Groups of hex of the key's SHA-256, e.g. ``ab12 cd34 ef56 7890 1a2b``."""
    raw = parse_public_key(public_key) if isinstance(public_key, str) else public_key
    digest = hashlib.sha256(raw).hexdigest()[:FINGERPRINT_HEX]
    return " ".join(digest[i : i + 4] for i in range(0, FINGERPRINT_HEX, 4))


def own_key(data_dir: Path) -> OwnKey:
    """This knowledge base's public key and fingerprint (the key is made if missing)."""
    raw = raw_public_key(ensure_private_key(data_dir))
    return OwnKey(
        public_key=base64.b64encode(raw).decode("ascii"),
        fingerprint=fingerprint(raw),
        path=key_path(data_dir),
    )


def bundle_signer(data_dir: Path) -> Signer:
    """Signs a bundle's manifest with this knowledge base's key (made if missing)."""
    return ed25519_signer(ensure_private_key(data_dir))


# -- public keys from people ---------------------------------------------------------------------


def parse_public_key(text: str) -> bytes:
    """The 32 raw bytes of a base64 public key as typed or pasted; refuse anything else."""
    cleaned = "".join(text.split())
    try:
        raw = base64.b64decode(cleaned.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise InputError(
            f"{text!r} is not a public key: expected base64 text like the one "
            "'zebkb key show' prints",
            message_ja=f"{text!r} は公開鍵ではありません（'zebkb key show' が表示する base64 文字列）",
        ) from None
    if len(raw) != PUBLIC_KEY_BYTES:
        raise InputError(
            f"a public key is {PUBLIC_KEY_BYTES} bytes; this one is {len(raw)} bytes "
            "(was it copied whole?)",
            message_ja=f"公開鍵は {PUBLIC_KEY_BYTES} バイトです（これは {len(raw)} バイト）。"
            "全体をコピーしたか確認してください",
        )
    return raw


def normalise_public_key(text: str) -> str:
    return base64.b64encode(parse_public_key(text)).decode("ascii")


def ward_code(ward: str) -> str:
    try:
        return resolve_ward(ward)
    except WardError as exc:
        raise InputError(str(exc)) from None


def signature_refusal(status: str, origin: str, public_key: str | None) -> BundleError:
    """The one-line refusal of a bundle that is not verified when signatures are required."""
    where = f"{ward_label(origin)} ({origin})"
    if status == UNSIGNED:
        en = f"the bundle is not signed, and this knowledge base requires bundles signed by a key trusted for {where}"
        ja = f"バンドルに署名がありません。この知識ベースは {where} の信頼済み鍵による署名を必要とします"
    else:
        fp = fingerprint(public_key) if public_key else "?"
        en = (
            f"the bundle is signed by key {fp}, which is not trusted for {where}, and this "
            "knowledge base requires trusted signatures; compare the fingerprint with that "
            "ward by phone, then 'zebkb key trust KEY --ward WARD'"
        )
        ja = f"バンドルの署名鍵 {fp} は {where} の鍵として信頼されていません（署名必須の設定です）"
    return BundleError(en, message_ja=ja, entry="signature.json")


def signature_warning(status: str, origin: str, public_key: str | None) -> str | None:
    """A one-line warning for a bundle imported without a trusted signature; None if verified."""
    where = f"{ward_label(origin)} ({origin})"
    if status == UNSIGNED:
        return f"the bundle is not signed: nothing proves it comes from {where}"
    if status == UNTRUSTED:
        fp = fingerprint(public_key) if public_key else "?"
        return (
            f"the bundle is signed by key {fp}, which is not trusted for {where}: nothing "
            "proves it comes from there (compare the fingerprint with that ward by phone, "
            "then 'zebkb key trust KEY --ward WARD')"
        )
    return None
