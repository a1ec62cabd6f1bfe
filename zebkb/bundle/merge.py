"""Merge decisions, pure: which version of a record wins, and was it a conflict.

Versions order by ``version_key`` (updated_at as an instant, then revision,
then the hash of the canonical JSON), so every ward picks the same winner from
the same set of versions whatever order they arrive in. A conflict is only a
report: the winner still wins, and the loser is kept in history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from zebkb.domain.canonical import version_key


class Action(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    DELETED = "deleted"
    UNCHANGED = "unchanged"
    KEPT = "kept"


@dataclass(frozen=True, slots=True)
class Decision:
    uid: str
    action: Action
    conflict: bool
    incoming_hash: str
    local_hash: str | None

    @property
    def incoming_wins(self) -> bool:
        return self.action in (Action.ADDED, Action.UPDATED, Action.DELETED)


def decide(
    local: Mapping[str, Any] | None,
    incoming: Mapping[str, Any],
    agreed_hash: str | None,
    *,
    incoming_hash: str | None = None,
) -> Decision:
    """The merge rule of bundle-format.md for one uid.

    ``agreed_hash`` is the hash of the last version this knowledge base
    exchanged for the uid (imported or exported). Without it there is no
    common ground to say both sides edited, so no conflict is reported.
    ``incoming_hash`` saves hashing the incoming version again.
    """
    uid = incoming["uid"]
    incoming_key = version_key(incoming, incoming_hash)
    if local is None:
        return Decision(uid, Action.ADDED, False, incoming_key[2], None)
    local_key = version_key(local)
    local_hash = local_key[2]
    if local_key == incoming_key:
        return Decision(uid, Action.UNCHANGED, False, incoming_key[2], local_hash)
    conflict = (
        agreed_hash is not None and local_hash != agreed_hash and incoming_key[2] != agreed_hash
    )
    if incoming_key > local_key:
        action = Action.DELETED if incoming.get("deleted") is True else Action.UPDATED
    else:
        action = Action.KEPT
    return Decision(uid, action, conflict, incoming_key[2], local_hash)


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    local: Any
    incoming: Any


def field_changes(
    local: Mapping[str, Any] | None, incoming: Mapping[str, Any]
) -> list[FieldChange]:
    """Fields whose values differ, in a stable order (for the import preview)."""
    before = local or {}
    names = sorted(set(before) | set(incoming))
    return [
        FieldChange(name, before.get(name), incoming.get(name))
        for name in names
        if before.get(name) != incoming.get(name)
    ]
