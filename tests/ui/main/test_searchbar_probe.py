"""The search bar measures a chip's height without ever showing that chip."""

from __future__ import annotations

import pytest
from zebkb_main_kit import QT_LOG_IGNORE

from zebkb.ui.core.i18n import Translator
from zebkb.ui.main.searchbar import FilterChip, SearchBar

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_chip_shows_before_a_filter_is_chosen(qtbot, lang) -> None:
    bar = SearchBar(Translator(lang))
    qtbot.addWidget(bar)
    bar.show()
    # Shown before the event loop ran its deferred deletions (as a window shown before
    # app.exec() is): the measuring chip "種別: 事例 Case" must not be on screen.
    visible = [c.text() for c in bar.findChildren(FilterChip) if c.isVisible()]
    assert visible == []
    assert bar.chips_host.minimumHeight() > 0
