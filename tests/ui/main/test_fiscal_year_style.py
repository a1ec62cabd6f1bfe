"""Fiscal years follow the date style in every place the window names them (issue 14).

In the western style the record pane said 2024年度 while the navigation, the list, the
search chips, the home chart and the print question said 令和6年度: one window, two ways.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCharts import QBarCategoryAxis
from zebkb_main_kit import QT_LOG_IGNORE

from zebkb.ui.main.searchbar import FISCAL_YEAR
from zebkb.ui.print.print_preview import FiscalYearDialog

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def year_texts(qtbot: Any, window: Any, dialog: FiscalYearDialog) -> dict[str, list[str]]:
    """Every text naming a fiscal year, by place."""
    nav = window.navigation.groups[FISCAL_YEAR]
    results = window.results.results
    column = results.column_keys().index("fiscal_year")
    listed = [results.data(results.index(row, column)) for row in range(results.rowCount())]
    overview = window.home.overview
    qtbot.waitUntil(lambda: overview.data is not None)
    (axis,) = [a for a in overview.views["years"].chart().axes() if isinstance(a, QBarCategoryAxis)]
    return {
        "navigation": [nav.child(i).text(0) for i in range(nav.childCount())],
        "list": [text for text in listed if text],
        "chips": [chip.text() for chip in window.search_bar.chips],
        "chart": list(axis.categories()),
        "print": [dialog.era.text()],
    }


def test_fiscal_years_follow_the_date_style_everywhere(qtbot, window) -> None:
    with qtbot.waitSignal(window.searchFinished):
        window.search_bar.add_filter(FISCAL_YEAR, 2024)
    dialog = FiscalYearDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.year.setValue(2024)
    for style, shown, other in (
        ("western", "2024年度", "令和"),
        ("japanese", "令和6年度", "2024年度"),
        ("western", "2024年度", "令和"),
    ):
        window.set_date_style(style)
        texts = year_texts(qtbot, window, dialog)
        for place, found in texts.items():
            assert found, place
            assert any(shown in text for text in found), (style, place, found)
            assert not any(other in text for text in found), (style, place, found)
