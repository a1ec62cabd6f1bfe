"""signature.json: ed25519 over the exact bytes of manifest.json (bundle-format.md, Signatures).

This module only checks that a signature verifies; whether its key is trusted
for the manifest's origin ward is the receiver's setting, decided elsewhere.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from zebkb import strictjson
from zebkb.bundle.errors import BundleError

SIGNATURE_ENTRY = "signature.json"

# Given the manifest bytes, returns (signature, raw 32-byte public key).
Signer = Callable[[bytes], tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    public_key: str  # base64 of the 32 raw bytes, as in signature.json
    verified: bool  # always True for a bundle that opened: a bad signature refuses it


def ed25519_signer(private_key: Ed25519PrivateKey) -> Signer:
    public = private_key.public_key().public_bytes_raw()

    def sign(manifest: bytes) -> tuple[bytes, bytes]:
        return private_key.sign(manifest), public

    return sign


def signature_document(signature: bytes, public_key: bytes) -> bytes:
    doc = {
        "algorithm": "ed25519",
        "public_key": base64.b64encode(public_key).decode("ascii"),
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _refuse(rule_en: str, rule_ja: str) -> BundleError:
    return BundleError(
        f"{SIGNATURE_ENTRY}: {rule_en}",
        message_ja=f"{SIGNATURE_ENTRY}: {rule_ja}",
        entry=SIGNATURE_ENTRY,
    )


def _b64(doc: dict[str, Any], key: str, length: int) -> bytes:
    value = doc.get(key)
    if not isinstance(value, str):
        raise _refuse(f"{key} must be a base64 string", f"{key} は base64 文字列が必要です")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise _refuse(f"{key} is not valid base64", f"{key} が base64 として不正です") from None
    if len(raw) != length:
        raise _refuse(
            f"{key} must be {length} bytes, not {len(raw)}",
            f"{key} は {length} バイトが必要です（{len(raw)} バイト）",
        )
    return raw


def verify_signature(document: bytes, manifest: bytes) -> SignatureInfo:
    """Parse signature.json and verify it over the manifest; refuse the bundle if it fails."""
    try:
        doc = strictjson.loads(document)
    except strictjson.StrictJSONError as exc:
        raise _refuse(str(exc), f"JSON が不正です（{exc}）") from None
    if not isinstance(doc, dict):
        raise _refuse("must be a JSON object", "JSON オブジェクトが必要です")
    if doc.get("algorithm") != "ed25519":
        raise _refuse(
            f"algorithm {doc.get('algorithm')!r} is not supported (only ed25519)",
            f"署名方式 {doc.get('algorithm')!r} には対応していません（ed25519 のみ）",
        )
    public = _b64(doc, "public_key", 32)
    signature = _b64(doc, "signature", 64)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, manifest)
    except (InvalidSignature, ValueError):
        raise _refuse(
            "the signature does not match manifest.json (the bundle was altered or mis-signed)",
            "署名が manifest.json と一致しません（改変または署名誤り）",
        ) from None
    return SignatureInfo(public_key=base64.b64encode(public).decode("ascii"), verified=True)
