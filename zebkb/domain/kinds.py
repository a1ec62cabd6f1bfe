"""The record kinds' labels (ja, en): the record_type vocabulary's terms (zebkb/domain/vocab.py
RECORD_TYPES is built from them).

Kept as plain data in a module of their own so that a command that shows kinds
and nothing else of the vocabularies (``zebkb search``) labels them without
building every vocabulary.
"""

from __future__ import annotations

RECORD_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "case": ("事例", "Case"),
    "visit": ("視察記録", "Site visit"),
    "session": ("勉強会・研修", "Session"),
    "issue": ("課題", "Issue"),
    "owner": ("ZEBリーディング・オーナー", "ZEB Leading Owner"),
}
