"""Team mode: a thumbnail whose file could not be fetched (the server away) is tried again.

The thumbnailer remembers each tile for the session. A file that could not come
from the team's database because the server was unreachable must not stay
"not received" until the window is restarted: its tile says the team database
cannot be reached, and the file is asked for again once a while has passed
(the clock is injected here).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from zebkb.errors import KnownError
from zebkb.ui.core.i18n import Translator
from zebkb.ui.core.ops import OpRunner
from zebkb.ui.core.thumbs import (
    FETCH_RETRY_S,
    ThumbnailCache,
    Thumbnailer,
    cannot_preview_tile,
)

pytestmark = [pytest.mark.gui]


@pytest.fixture
def runner(qapp) -> Iterator[OpRunner]:
    r = OpRunner()
    yield r
    r.shutdown(wait=True)


def test_a_fetch_that_failed_is_tried_again_after_a_while(qtbot, tmp_path: Path, runner) -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, format="PNG")
    data = out.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    local: dict[str, Path] = {}
    away = [True]
    fetched: list[str] = []

    def fetch(digest: str) -> Path:
        fetched.append(digest)
        if away[0]:
            raise KnownError("cannot reach the team database", message_ja="接続できません")
        path = tmp_path / digest
        path.write_bytes(data)
        local[digest] = path
        return path

    now = [1000.0]
    thumbs = Thumbnailer(
        runner,
        ThumbnailCache(tmp_path / "data"),
        local.get,
        Translator("ja"),
        fetch=fetch,
        clock=lambda: now[0],
    )
    with qtbot.waitSignal(thumbs.thumbnailReady, timeout=10000) as first:
        assert thumbs.image(sha) is None
    tile = first.args[1]
    assert tile == cannot_preview_tile("共有データベースに接続できません")  # not "not received"
    assert fetched == [sha]
    # Within the while, the tile is what is shown; nothing is asked again.
    now[0] += FETCH_RETRY_S - 1
    with qtbot.assertNotEmitted(thumbs.thumbnailReady):
        assert thumbs.image(sha) == tile
    assert fetched == [sha]
    # The server is back and the while has passed: asked again, the picture arrives.
    away[0] = False
    now[0] += 2
    with qtbot.waitSignal(thumbs.thumbnailReady, timeout=10000) as second:
        assert thumbs.image(sha) is None
    assert (second.args[1].width(), second.args[1].height()) == (40, 20)
    assert fetched == [sha, sha]


def test_the_tile_says_the_team_database_cannot_be_reached() -> None:
    assert Translator("ja").t("thumb.away") == "共有データベースに接続できません"
    assert Translator("en").t("thumb.away") == "Team database unreachable"
