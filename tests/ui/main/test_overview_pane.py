"""The home screen: charts drawn from overview(), clicks that filter the list, recent changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QHorizontalBarSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from zebkb_main_kit import QT_LOG_IGNORE, column_problems, open_window, shown_uids
from zebkb_testing import KATSUSHIKA

from zebkb.domain.vocab import TECHNOLOGIES
from zebkb.overview import overview
from zebkb.search.engine import SearchFilters
from zebkb.service.changes import Changes
from zebkb.ui.core.ops import CollectionOp
from zebkb.ui.main.overview_pane import OverviewFilter, OverviewPane

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def bar_values(pane: OverviewPane, name: str) -> tuple[list[str], list[float]]:
    """Labels and values of a one-series bar chart, top bar first."""
    chart = pane.views[name].chart()
    (series,) = chart.series()
    assert isinstance(series, QHorizontalBarSeries)
    (bars,) = series.barSets()
    values = [bars.at(i) for i in range(bars.count())]
    (axis,) = [a for a in chart.axes() if isinstance(a, QBarCategoryAxis)]
    return list(reversed(axis.categories())), list(reversed(values))


def loaded_pane(qtbot: Any, context: Any) -> OverviewPane:
    pane = OverviewPane(context)
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.refreshed, timeout=5000):
        pane.refresh()
    return pane


def test_charts_show_the_overview_numbers(qtbot, ctx, demo_kb) -> None:
    data = overview(demo_kb)
    pane = loaded_pane(qtbot, ctx)
    labels, values = bar_values(pane, "wards")
    assert values == list(data.cases_by_ward.values())
    assert labels[0] == "葛飾区"
    assert pane.ward_keys == list(data.cases_by_ward)
    labels, values = bar_values(pane, "technology")
    assert values == list(data.cases_by_technology.values())[:10]
    (pie,) = pane.views["facility"].chart().series()
    assert isinstance(pie, QPieSeries)
    assert pie.sum() == data.totals["case"]
    ranks = pane.views["ranks"].chart().series()[0]
    assert [s.label() for s in ranks.barSets()] == ["認証", "相当", "未記載"]
    total = sum(s.sum() for s in ranks.barSets())
    assert total == data.totals["case"]
    years = pane.views["years"].chart().series()[0]
    assert [s.sum() for s in years.barSets()] == [
        sum(data.sessions_by_fiscal_year.values()) + data.sessions_without_fiscal_year,
        sum(data.visits_by_fiscal_year.values()) + data.visits_without_fiscal_year,
    ]
    assert [s.sum() for s in years.barSets()] == [data.totals["session"], data.totals["visit"]]
    assert pane.recent.count() == len(data.recent_changes)
    assert f"事例 {data.totals['case']}" in pane.totals.text()
    assert not pane.conflict_button.isVisibleTo(pane)


def test_clicks_ask_for_filters(qtbot, ctx, demo_kb) -> None:
    pane = loaded_pane(qtbot, ctx)
    wards = pane.views["wards"].chart().series()[0].barSets()[0]
    top = wards.count() - 1  # the first ward is the top bar, the last in the set
    with qtbot.waitSignal(pane.filterRequested) as blocker:
        wards.clicked.emit(top)
    assert blocker.args[0] == OverviewFilter((("kind", "case"), ("ward", pane.ward_keys[0])), None)
    techs = pane.views["technology"].chart().series()[0].barSets()[0]
    with qtbot.waitSignal(pane.filterRequested) as blocker:
        techs.clicked.emit(techs.count() - 1)
    assert blocker.args[0].query == f'"{pane.tech_keys[0]}"'
    years = pane.views["years"].chart().series()[0].barSets()
    with qtbot.waitSignal(pane.filterRequested) as blocker:
        years[0].clicked.emit(0)
    assert blocker.args[0].filters == (("kind", "session"), ("fiscal_year", pane.year_keys[0]))
    (pie,) = pane.views["facility"].chart().series()
    with qtbot.waitSignal(pane.filterRequested) as blocker:
        pie.clicked.emit(pie.slices()[0])
    assert blocker.args[0].query.startswith('"')


def test_home_first_then_a_click_filters_the_list(qtbot, window, demo_kb) -> None:
    wiring = window.home
    assert wiring.showing_home()
    qtbot.waitUntil(lambda: wiring.overview.data is not None)
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        wiring.apply_filter(OverviewFilter((("ward", KATSUSHIKA),), None))
    assert not wiring.showing_home()
    assert window.search_bar.filters() == SearchFilters(wards=(KATSUSHIKA,))
    live = [r for r in demo_kb.list_records() if r.ward == KATSUSHIKA]
    assert sorted(shown_uids(window)) == sorted(r.uid for r in live)
    # A technology click searches its word among cases.
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        wiring.apply_filter(OverviewFilter((("kind", "case"),), '"太陽光発電"'))
    assert window.search_bar.query() == '"太陽光発電"'
    found = shown_uids(window)
    assert found
    assert {demo_kb.require(u)["type"] for u in found} == {"case"}
    # A text search: every case found mentions it (as a technology or in its text).
    with_tech = [u for u in found if "太陽光発電" in demo_kb.require(u)["technologies"]]
    assert len(with_tech) == overview(demo_kb).cases_by_technology["太陽光発電"]
    assert all("太陽光発電" in json.dumps(demo_kb.require(u), ensure_ascii=False) for u in found)
    # Home from the navigation pane.
    window.navigation.itemClicked.emit(wiring.home_item, 0)
    assert wiring.showing_home()


def test_recent_change_opens_the_record_and_a_change_recounts(qtbot, window, demo_kb) -> None:
    from zebkb_testing import case_record

    wiring = window.home
    pane = wiring.overview
    qtbot.waitUntil(lambda: pane.data is not None)
    item = pane.recent.item(0)
    uid = item.data(256)
    with qtbot.waitSignal(window.detail.shown, timeout=5000):
        pane.recent.itemClicked.emit(item)
    assert window.detail.uid == uid
    assert not wiring.showing_home()
    before = pane.data.totals["case"]
    with qtbot.waitSignal(pane.refreshed, timeout=5000):
        CollectionOp(
            window,
            lambda: window.ctx.kb.save(case_record(title="新しい事例")),
            runner=window.ctx.runner,
        ).changes(lambda rec: Changes(records=frozenset({rec["uid"]}))).run_in_background()
    assert pane.data.totals["case"] == before + 1


def test_recent_changes_follow_the_date_style_and_speak_the_language(
    qtbot, ctx, demo_kb, tokyo_time
) -> None:
    """The demo records were saved on 2025-04-01 from 09:00 in Tokyo (read on a Tokyo PC)."""
    pane = loaded_pane(qtbot, ctx)
    last = pane.recent.item(pane.recent.count() - 1)
    assert last.text().startswith("2025年4月1日 09:")
    assert "rev" not in last.toolTip()
    assert "第1版" in last.toolTip()
    ctx.settings.date_style = "japanese"
    assert pane.recent.item(pane.recent.count() - 1).text().startswith("令和7年4月1日 09:")
    ctx.tr.set_language("en")
    assert "revision 1" in pane.recent.item(pane.recent.count() - 1).toolTip()


def test_menus_and_english(qtbot, ctx, demo_kb) -> None:
    window = open_window(qtbot, ctx)
    names = [a.text() for a in window.menus["file"].actions()]
    assert names.index("取り込み…") < names.index("設定…")
    assert "書き出し…" in names
    assert "交換ログ…" in [a.text() for a in window.menus["tools"].actions()]
    pane = window.home.overview
    # The numbers arrive from a reader thread; charts are drawn once they are here.
    qtbot.waitUntil(lambda: pane.data is not None, timeout=10_000)
    ctx.tr.set_language("en")
    assert pane.heading.text() == "Home: the wards' shared picture"
    assert pane.views["wards"].chart().title() == "Cases per ward"
    assert "Katsushika" in bar_values(pane, "wards")[0]
    assert window.exchange.actions["import"].text() == "Import…"


def test_open_issues_by_category_and_ward(qtbot, ctx, demo_kb) -> None:
    data = overview(demo_kb)
    pane = loaded_pane(qtbot, ctx)
    labels, values = bar_values(pane, "issue_categories")
    assert dict(zip(labels, values, strict=True)) == data.open_issues_by_category
    assert sum(values) == 4  # the demo's 課題 that are 未対応 or 対応中
    labels, values = bar_values(pane, "issue_wards")
    assert labels == ["葛飾区"]
    bars = pane.views["issue_categories"].chart().series()[0].barSets()[0]
    with qtbot.waitSignal(pane.filterRequested) as blocker:
        bars.clicked.emit(bars.count() - 1)
    assert blocker.args[0] == OverviewFilter(
        (("kind", "issue"),), f'"{pane.issue_category_keys[0]}"'
    )
    wards = pane.views["issue_wards"].chart().series()[0].barSets()[0]
    with qtbot.waitSignal(pane.filterRequested) as blocker:
        wards.clicked.emit(0)
    assert blocker.args[0].filters == (("kind", "issue"), ("ward", "131229"))


def test_cases_whose_operation_misses_design_are_listed(qtbot, ctx, demo_kb) -> None:
    pane = loaded_pane(qtbot, ctx)
    assert pane.missing.item(0).text() == "該当する事例はありません"
    record = demo_kb.save(
        {
            "type": "case",
            "title": "運用で超過した事例",
            "ward": "131229",
            "facility_name": "施設",
            "project_type": "new",
            "design_primary_energy_mj_m2": 490,
            "standard_primary_energy_mj_m2": 1000,
            "operation": ["2023 520"],
        }
    )
    with qtbot.waitSignal(pane.refreshed, timeout=5000):
        pane.refresh()
    assert pane.missing.item(0).text() == "運用で超過した事例"
    with qtbot.waitSignal(pane.recordRequested) as blocker:
        pane.missing.itemClicked.emit(pane.missing.item(0))
    assert blocker.args == [record["uid"]]


def test_an_empty_knowledge_base_explains_the_way_in(qtbot, ctx, kb) -> None:
    pane = loaded_pane(qtbot, ctx)
    assert pane.empty_label.isVisibleTo(pane)
    assert not pane.charts.isVisibleTo(pane)
    text = pane.empty_label.text()
    assert "取り込み…" in text
    assert "Ctrl+I" in text
    assert "Ctrl+N" in text
    # Right under the heading, at any height (at 1920×1080 the heading floated a third of
    # the way down and the explanation sat near the bottom).
    pane.show()
    for height in (700, 1000):
        pane.resize(1100, height)
        qtbot.waitUntil(lambda h=height: pane.height() == h)
        heading = pane.heading.mapTo(pane, pane.heading.rect().topLeft()).y()
        label = pane.empty_label.mapTo(pane, pane.empty_label.rect().topLeft()).y()
        assert heading < 40, heading
        assert label - heading < 120, (heading, label)
    kb.load_demo()
    with qtbot.waitSignal(pane.refreshed, timeout=5000):
        pane.refresh()
    assert not pane.empty_label.isVisibleTo(pane)
    assert pane.charts.isVisibleTo(pane)


def test_a_ward_bar_lists_what_it_counts(qtbot, window, demo_kb) -> None:
    """葛飾区 in 区ごとの事例数 lists that ward's cases, as many as the bar says."""
    home = window.home
    qtbot.waitUntil(lambda: home.overview.data is not None)
    pane = home.overview
    labels, values = bar_values(pane, "wards")
    row = labels.index("葛飾区")
    bars = pane.views["wards"].chart().series()[0].barSets()[0]
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        bars.clicked.emit(bars.count() - 1 - row)
    found = shown_uids(window)
    assert len(found) == values[row]
    assert {demo_kb.require(u)["type"] for u in found} == {"case"}
    assert {demo_kb.require(u)["ward"] for u in found} == {KATSUSHIKA}
    # The cases' own columns, at the default 1280×800: none cut or past the pane.
    assert window.results.results.kind == "case"
    assert column_problems(window.results, "ja", window.ctx.settings.date_style) == []


def scene_items(view: Any) -> list[Any]:
    """A chart's drawn items, found through its children.

    Not through ``scene().items()``: PySide wraps the chart met there anew and
    deletes it with that wrapper.
    """
    found: list[Any] = []
    todo = list(view.chart().childItems())
    while todo:
        item = todo.pop()
        found.append(item)
        todo.extend(item.childItems())
    return found


def label_items(view: Any, side: str) -> tuple[list[Any], list[Any]]:
    """The axis label items drawn left of (or below) the plot: (shown, hidden by Qt).

    Qt Charts hides a category label that would overlap its neighbour; the
    labels are text items of at least a line's height outside the plot area.
    """
    chart = view.chart()
    plot = chart.plotArea()
    shown, hidden = [], []
    for item in scene_items(view):
        box = item.sceneBoundingRect()
        if item.parentItem() is chart or box.width() <= 4 or box.height() < 12:
            continue
        if side == "left":
            beside = box.right() <= plot.left() + 1
            beside = beside and plot.top() <= box.center().y() <= plot.bottom()
        else:
            beside = box.top() >= plot.bottom() - 1 and plot.left() <= box.center().x()
            beside = beside and box.center().x() <= plot.right() and box.height() < 60
        if beside:
            (shown if item.isVisible() else hidden).append(box)
    return shown, hidden


def home_at(qtbot: Any, ctx: Any, lang: str, size: tuple[int, int]) -> tuple[Any, OverviewPane]:
    ctx.tr.set_language(lang)
    window = open_window(qtbot, ctx)
    window.resize(*size)
    pane = window.home.overview
    qtbot.waitUntil(lambda: pane.data is not None, timeout=10_000)
    pane.refresh()
    with qtbot.waitSignal(pane.refreshed, timeout=5000):
        pane.refresh()
    qtbot.waitUntil(lambda: all(v.chart().plotArea().height() > 0 for v in pane.views.values()))
    return window, pane  # the window must outlive the pane's use


SIZES = [(1280, 800), (1920, 1080)]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_every_bar_is_labelled_in_full(qtbot, ctx, demo_kb, lang, size) -> None:
    """導入技術(上位) names all ten bars; no label is cut short ("Building ener…")."""
    _window, pane = home_at(qtbot, ctx, lang, size)
    for name in ("wards", "ranks", "technology", "issue_categories", "issue_wards"):
        chart = pane.views[name].chart()
        (axis,) = [a for a in chart.axes() if isinstance(a, QBarCategoryAxis)]
        shown, hidden = label_items(pane.views[name], "left")
        assert not hidden, (name, hidden)
        assert len(shown) == len(axis.categories()), name
        assert not any("…" in c for c in axis.categories()), (name, axis.categories())
    labels, _values = bar_values(pane, "technology")
    assert len(labels) == 10
    # Every name is there, whole (a long one on two lines).
    techs = [TECHNOLOGIES.label(k, lang) for k in pane.tech_keys]
    assert [label.replace("<br>", " ") for label in labels] == techs
    shown, hidden = label_items(pane.views["years"], "below")
    assert not hidden


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_nothing_drawn_past_a_chart_or_the_recent_list(qtbot, ctx, demo_kb, lang, size) -> None:
    _window, pane = home_at(qtbot, ctx, lang, size)
    for name, view in pane.views.items():
        chart = view.chart()
        left, top, right, bottom = chart.layout().getContentsMargins()
        inside = chart.rect().adjusted(left, top, -right, -bottom)
        for item in scene_items(view):
            box = item.sceneBoundingRect()
            if item.isVisible() and item.parentItem() not in (None, chart) and box.width() > 4:
                assert inside.contains(box), (name, box, inside)
    recent = pane.recent
    assert recent.count() == len(pane.data.recent_changes)
    assert recent.horizontalScrollBar().maximum() == 0
    width = recent.viewport().width()
    for row in range(recent.count()):
        rect = recent.visualRect(recent.model().index(row, 0))
        assert rect.width() <= width
        # Every line of the change, wrapped, fits the height Qt gave it.
        needed = recent.fontMetrics().boundingRect(
            0, 0, rect.width() - 8, 10_000, Qt.TextFlag.TextWordWrap, recent.item(row).text()
        )
        assert needed.height() <= rect.height(), recent.item(row).text()


def test_values_stand_beside_their_bars_not_on_grid_lines(qtbot, ctx, demo_kb) -> None:
    pane = loaded_pane(qtbot, ctx)
    for name in ("wards", "technology", "issue_categories", "issue_wards", "years"):
        chart = pane.views[name].chart()
        (series,) = chart.series()
        assert series.isLabelsVisible()
        assert series.labelsPosition() == QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd
        (values,) = [a for a in chart.axes() if isinstance(a, QValueAxis)]
        assert not values.isGridLineVisible(), name


def test_years_chart_counts_every_visit_even_one_dated_by_year_only(qtbot, ctx, kb) -> None:
    # A bare year (2023) spans two fiscal years, so it belongs to none (the store's rule,
    # zebkb/domain/dates.py partial_fiscal_year); the chart still counts it, in a bucket
    # named in words, so the chart agrees with the header's 視察記録 2.
    kb.save(
        {"type": "visit", "title": "日付のある視察", "ward": "131229", "visited_on": "2023-05-10"}
    )
    kb.save({"type": "visit", "title": "年だけの視察", "ward": "131229", "visited_on": "2023"})
    kb.save({"type": "session", "title": "月までの勉強会", "ward": "131229", "held_on": "2024-02"})
    pane = loaded_pane(qtbot, ctx)
    assert "視察記録 2" in pane.totals.text()
    chart = pane.views["years"].chart()
    (series,) = chart.series()
    assert [s.sum() for s in series.barSets()] == [1, 2]
    (axis,) = [a for a in chart.axes() if isinstance(a, QBarCategoryAxis)]
    assert axis.categories()[-1] == "年度不明"
    assert pane.year_keys == [2023]  # FY2023 holds both the May 2023 visit and February 2024
    visits = series.barSets()[1]
    assert [visits.at(i) for i in range(visits.count())] == [1, 1]
    # The bucket has no fiscal year to filter by: clicking it asks for nothing wrong.
    with qtbot.assertNotEmitted(pane.filterRequested):
        visits.clicked.emit(1)
