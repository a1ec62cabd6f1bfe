"""Team mode when the server goes away: one line, nothing half-written, reconnects.

On a real PostgreSQL server: the connections of a knowledge base are cut with
``pg_terminate_backend`` in the middle of a save and of an import (what a
server restart or a network cut does to them), and a server of its own is
stopped (``pg_ctl stop -m immediate``) and started again around searches and
saves.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zebkb_bundle_kit as kit
from zebkb_pg_kit import PgServer, open_team
from zebkb_stoppable_pg import own_server, start_again  # noqa: F401  (a fixture)
from zebkb_testing import case_record

from zebkb.errors import KnownError
from zebkb.service import KnowledgeBase
from zebkb.service.exchange import export_bundle, import_bundle
from zebkb.store import records as store
from zebkb.store import team


def cut_connections(url: str) -> int:
    """End every session on ``url``'s database but this one (as a server restart would)."""
    import psycopg

    conninfo = team.driver_url(url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(row[0]) if row else 0


def cut_during(monkeypatch: pytest.MonkeyPatch, url: str, name: str) -> list[int]:
    """Cut the connections right after ``store.<name>`` has written, inside the transaction."""
    real = getattr(store, name)
    cut: list[int] = []

    def writing_then_cut(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not cut:
            cut.append(cut_connections(url))
        return result

    monkeypatch.setattr(store, name, writing_then_cut)
    return cut


@pytest.fixture
def team_kb(tmp_path: Path, pg_url: str, clock: Any) -> Iterator[KnowledgeBase]:
    with open_team(tmp_path / "pc1", pg_url, clock) as kb:
        kb.set_home_ward("131229")
        yield kb


def one_line(exc: KnownError) -> None:
    for text in (exc.message("en"), exc.message("ja")):
        assert "\n" not in text
        assert "Traceback" not in text


def test_the_server_going_away_mid_save_writes_nothing_and_the_next_save_reconnects(
    team_kb: KnowledgeBase, pg_url: str, monkeypatch: pytest.MonkeyPatch, clock: Any
) -> None:
    kept = team_kb.save(case_record(title="前の版"))
    state = team_kb.change_state()
    cut = cut_during(monkeypatch, pg_url, "put_current")
    clock.advance(minutes=1)
    with pytest.raises(KnownError) as failed:
        team_kb.save({**kept, "title": "途中で切れた版"}, expected_revision=1)
    assert cut == [cut[0]]
    assert cut[0] >= 1
    one_line(failed.value)
    assert "team database" in str(failed.value)
    assert "共有データベース" in failed.value.message("ja")
    monkeypatch.undo()
    # Nothing of it is there; the next action takes a fresh connection and works.
    assert team_kb.require(kept["uid"])["title"] == "前の版"
    assert [v.revision for v in team_kb.history(kept["uid"])] == [1]
    assert team_kb.change_state() == state
    saved = team_kb.save({**kept, "title": "やり直した版"}, expected_revision=1)
    assert saved["revision"] == 2
    assert [h.uid for h in team_kb.search("やり直した版").hits] == [kept["uid"]]


def test_the_server_going_away_mid_import_imports_nothing(
    team_kb: KnowledgeBase, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [kit.case(title=f"取り込み{n}") for n in range(30)]
    bundle = kit.write(tmp_path / "in.zebkb", records=records)
    before = team_kb.count()
    cut = cut_during(monkeypatch, pg_url, "put_current_many")
    with pytest.raises(KnownError) as failed:
        import_bundle(team_kb, bundle)
    assert cut
    one_line(failed.value)
    monkeypatch.undo()
    assert team_kb.count() == before
    summary = import_bundle(team_kb, bundle)
    assert summary.as_json()["added"] == 30
    assert team_kb.count() == before + 30
    assert export_bundle(team_kb, tmp_path / "out.zebkb").records == 30


# -- a server of its own, stopped and started -----------------------------------------------


def test_a_stopped_server_searches_from_the_local_index_and_saves_fail_in_one_line(
    own_server: PgServer,  # noqa: F811
    tmp_path: Path,
    clock: Any,
) -> None:
    url = own_server.url(own_server.create_database())
    with open_team(tmp_path / "pc", url, clock) as kb:
        kb.set_home_ward("131229")
        saved = kb.save(case_record(title="清掃事務所のZEB化"))
        own_server.stop()
        # Searching answers from this PC's index and says the server is away.
        result = kb.search("清掃事務所")
        assert [h.uid for h in result.hits] == [saved["uid"]]
        assert result.stale
        assert result.notice is not None
        assert "cannot be reached" in result.notice
        with pytest.raises(KnownError) as failed:
            kb.save({**saved, "title": "停止中の編集"}, expected_revision=1)
        one_line(failed.value)
        assert "cannot reach the team database" in str(failed.value)
        # Back again: the next action reconnects by itself.
        start_again(own_server)
        kb.save({**saved, "title": "再開後の編集"}, expected_revision=1)
        after = kb.search("再開後の編集")
        assert [h.uid for h in after.hits] == [saved["uid"]]
        assert not after.stale


# The command line with the server stopped (one line, exit 1, in either language):
# tests/core/test_core_team_away_language.py.


def test_a_search_after_the_connections_were_cut_reconnects(
    team_kb: KnowledgeBase, pg_url: str
) -> None:
    saved = team_kb.save(case_record(title="接続を切られた後の検索"))
    assert cut_connections(pg_url) >= 1
    result = team_kb.search("接続を切られた後")
    assert [h.uid for h in result.hits] == [saved["uid"]]
    assert not result.stale
    assert result.notice is None
