"""The Changes value a write returns: union and emptiness."""

from __future__ import annotations

import pytest

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


def test_each_record_write_says_which_record(kb) -> None:
    from zebkb_testing import case_record

    with kb.track_changes() as seen:
        saved = kb.save(case_record())
    uid = saved["uid"]
    assert saved.changes == Changes(records=frozenset({uid}))
    assert seen.changes == saved.changes
    assert kb.last_changes == saved.changes
    edited = kb.save({**saved, "title": "改"}, expected_revision=saved["revision"])
    assert edited.changes.records == {uid}
    deleted = kb.delete(uid)
    assert deleted.changes.records == {uid}
    restored = kb.restore(uid, 2)
    assert restored.changes.records == {uid}
    assert not restored.changes.conflicts


def test_settings_demo_and_index_writes(kb) -> None:
    with kb.track_changes() as seen:
        kb.set_home_ward("葛飾区")
    assert seen.changes == Changes(settings=True)
    demo = kb.load_demo()
    assert demo.changes.all_records
    assert len(demo.changes.records) == demo.added
    assert kb.load_demo().changes.empty  # loading again changes nothing
    assert kb.reindex()
    assert kb.last_changes == Changes(index=True)


def test_trackers_see_only_their_own_thread(kb) -> None:
    import threading

    from zebkb_testing import case_record

    with kb.track_changes() as seen:
        worker = threading.Thread(target=lambda: kb.save(case_record()))
        worker.start()
        worker.join()
    assert seen.changes.empty


@pytest.mark.parametrize("engine_name", ["sqlite"])  # backups are SQLite's (team mode: pg_dump)
def test_restoring_a_backup_says_everything_may_differ(kb) -> None:
    from zebkb_testing import case_record

    from zebkb.service import EVERYTHING
    from zebkb.service.backup import restore_backup

    kb.save(case_record())
    path = kb.backup()
    with kb.track_changes() as seen:
        restore_backup(kb, path)
    assert seen.changes == EVERYTHING
