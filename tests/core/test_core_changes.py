"""The Changes value a write returns: union and emptiness."""

from __future__ import annotations

from zebkb.service import NO_CHANGES, Changes


def test_empty_until_something_is_named() -> None:
    assert Changes().empty
    assert NO_CHANGES.empty
    assert not Changes(records=frozenset({"a"})).empty
    assert not Changes(all_records=True).empty
    assert not Changes(conflicts=True).empty
    assert not Changes(keys=True).empty
    assert not Changes(settings=True).empty
    assert not Changes(index=True).empty
    assert not Changes(exchange_log=True).empty


def test_union_keeps_every_part() -> None:
    a = Changes(records=frozenset({"a"}), conflicts=True)
    b = Changes(records=frozenset({"b"}), exchange_log=True)
    both = a | b
    assert both.records == {"a", "b"}
    assert both.conflicts
    assert both.exchange_log
    assert not both.keys
    assert (a | NO_CHANGES) == a
    assert both.touches("a")
    assert not both.touches("c")
    assert Changes(all_records=True).touches("c")
