"""The trust store: which ward keys this knowledge base trusts, and whether it requires them.

A trust is per ward: a key trusted for 杉並区 does not vouch for a bundle
whose manifest says it comes from 葛飾区. Revoking keeps the row, so the
record of who was trusted when stays. The keys themselves (this knowledge
base's own key pair, fingerprints, parsing what people paste) are in
zebkb/keys.py.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlmodel import Session

from zebkb.domain.wards import ward_label
from zebkb.errors import InputError, NotFoundError
from zebkb.keys import fingerprint, normalise_public_key, ward_code
from zebkb.service.changes import Changes
from zebkb.service.facade import Core
from zebkb.store import keys as store
from zebkb.store.models import TrustedKey


class Facade(Core, Protocol):
    """What keys.py uses of the facade (zebkb/service/knowledge_base.py)."""

    def meta(self, key: str) -> str | None: ...


REQUIRE_SIGNATURES_META = "require_signatures"


@dataclass(frozen=True, slots=True)
class TrustEntry:
    public_key: str
    fingerprint: str
    ward: str
    ward_name: str
    added_at: str
    revoked_at: str | None
    note: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_json(self) -> dict[str, Any]:
        return {
            "public_key": self.public_key,
            "fingerprint": self.fingerprint,
            "ward": self.ward,
            "ward_name": self.ward_name,
            "added_at": self.added_at,
            "revoked_at": self.revoked_at,
            "active": self.active,
            "note": self.note,
        }


def _entry(row: TrustedKey) -> TrustEntry:
    return TrustEntry(
        public_key=row.public_key,
        fingerprint=fingerprint(base64.b64decode(row.public_key)),
        ward=row.ward,
        ward_name=ward_label(row.ward),
        added_at=row.added_at,
        revoked_at=row.revoked_at,
        note=row.note,
    )


def trust_key(kb: Facade, key: str, ward: str, *, note: str | None = None) -> TrustEntry:
    """Trust ``key`` for bundles whose manifest names ``ward`` as their origin.

    Trusting the same key for the same ward again changes nothing. A key
    already trusted for another ward is refused: each knowledge base signs
    for one home ward, so a second ward for one key is most likely a mix-up.
    """
    public = normalise_public_key(key)
    code = ward_code(ward)
    with kb.transaction() as txn:
        for row in store.active_rows(txn.session, public):
            if row.ward == code:
                return _entry(row)
            raise InputError(
                f"this key ({fingerprint(public)}) is already trusted for {ward_label(row.ward)} "
                f"({row.ward}); revoke it first with 'zebkb key revoke' if it now belongs "
                f"to {ward_label(code)}",
                message_ja=f"この鍵（{fingerprint(public)}）は既に {ward_label(row.ward)} の鍵として"
                "信頼されています。別の区の鍵にするには先に取り消してください",
            )
        added = store.add(txn.session, public_key=public, ward=code, at=txn.saved_at, note=note)
        txn.note(Changes(keys=True))
        return _entry(added)


def revoke_key(kb: Facade, key: str) -> list[TrustEntry]:
    """Stop trusting ``key`` for every ward; the rows stay, marked with when."""
    public = normalise_public_key(key)
    with kb.transaction() as txn:
        rows = store.active_rows(txn.session, public)
        if not rows:
            raise NotFoundError(
                f"the key {fingerprint(public)} is not trusted here (see 'zebkb key list')",
                message_ja=f"鍵 {fingerprint(public)} は信頼されていません",
            )
        store.revoke(txn.session, rows, at=txn.saved_at)
        txn.note(Changes(keys=True))
        return [_entry(row) for row in rows]


def trusted_keys(kb: Facade, *, include_revoked: bool = True) -> list[TrustEntry]:
    """Trusted keys by ward, then by when they were added; revoked ones last in each ward."""
    with Session(kb.read_engine) as session:
        rows = store.all_rows(session)
    entries = [_entry(r) for r in rows if include_revoked or r.revoked_at is None]
    return sorted(entries, key=lambda e: (e.ward, not e.active))


def trust_checker(kb: Facade) -> Callable[[str, str], bool]:
    """``(public_key, origin_ward) -> trusted?`` over the trust store as it is now."""
    active = {(e.public_key, e.ward) for e in trusted_keys(kb, include_revoked=False)}

    def trusted(public_key: str, ward: str) -> bool:
        return (public_key, ward) in active

    return trusted


# -- the receiver's setting ----------------------------------------------------------------------


def require_signatures(kb: Facade) -> bool:
    """Whether imports must be signed by a key trusted for the bundle's origin ward."""
    return kb.meta(REQUIRE_SIGNATURES_META) == "1"


def set_require_signatures(kb: Facade, required: bool) -> None:
    with kb.transaction() as txn:
        txn.set_meta(REQUIRE_SIGNATURES_META, "1" if required else "0")
        txn.note(Changes(keys=True, settings=True))
