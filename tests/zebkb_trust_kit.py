"""Take a signed bundle apart and put it back together with changes, as a forger would."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def read_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_entries(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def manifest_of(entries: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(entries["manifest.json"])


def relist(entries: dict[str, bytes], **manifest_changes: Any) -> dict[str, bytes]:
    """A manifest that lists the entries as they now are (sizes and hashes), plus changes."""
    doc = manifest_of(entries)
    doc["files"] = [
        {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in entries.items()
        if name not in ("manifest.json", "signature.json")
    ]
    doc.update(manifest_changes)
    out = dict(entries)
    out["manifest.json"] = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    return out


def signature_json(manifest: bytes, key: Ed25519PrivateKey, public: bytes | None = None) -> bytes:
    doc = {
        "algorithm": "ed25519",
        "public_key": base64.b64encode(public or key.public_key().public_bytes_raw()).decode(),
        "signature": base64.b64encode(key.sign(manifest)).decode(),
    }
    return json.dumps(doc).encode()


def public_key_of(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.public_key().public_bytes_raw()).decode()
