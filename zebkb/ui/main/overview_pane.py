"""The home screen: the wards' shared picture in charts that filter the list when clicked.

The numbers come from ``zebkb.overview`` (counted in SQL, off the GUI
thread); this pane only draws them. A click on a bar or a slice emits
``filterRequested`` with an ``OverviewFilter`` the main window applies to
the search bar: navigation filters (ward, rank, kind, fiscal year) where
the search has them, otherwise a query text (facility type, technology).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QPieSeries,
    QPieSlice,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import (
    fiscal_year_label,
    format_date,
    format_timestamp,
    kind_label,
    ward_label,
)
from zebkb.domain.vocab import FACILITY_TYPES, ISSUE_CATEGORIES, TECHNOLOGIES
from zebkb.overview import STATUSES, UNSET, Overview
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import QueryOp
from zebkb.ui.core.settings import DATE_STYLE
from zebkb.ui.main.searchbar import FISCAL_YEAR, KIND, OVERDUE, RANK, WARD

TOP_TECHNOLOGIES = 10
TOP_FACILITY_TYPES = 8
CHART_HEIGHT = 260
STATUS_COLORS = {"certified": "#2e7d32", "equivalent": "#81c784", "unspecified": "#bdbdbd"}
SERIES_COLORS = ("#1f5fbf", "#e08a00")
BAR_COLOR = "#1f5fbf"
VALUE_COLOR = "#202020"
# Category labels longer than this go onto two lines.
WRAP_AT = 16


@dataclass(frozen=True)
class OverviewFilter:
    """What a click asks the list to show: navigation filters and/or a query text."""

    filters: tuple[tuple[str, object], ...] = ()
    query: str | None = None


def quoted(text: str) -> str:
    return '"' + text.replace('"', " ") + '"'


def count_axis(top: int, *, grid: bool = True) -> QValueAxis:
    """A value axis for counts whose ticks fall on whole numbers (so bars match their labels).

    ``grid=False``: the bars carry their values, so no grid line runs through them.
    """
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setGridLineVisible(grid)
    top = max(int(top), 1)
    if top <= 10:
        axis.setRange(0, top + 1)
        axis.setTickCount(top + 2)
    else:
        axis.setRange(0, top * 1.15)
        axis.applyNiceNumbers()
    return axis


def category_axis(labels: list[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append([wrapped(label) for label in labels] or [""])
    # Qt would elide a long label to almost nothing: ours are wrapped onto two lines instead.
    axis.setTruncateLabels(False)
    return axis


def wrapped(label: str) -> str:
    """A category label, on two lines when long (Qt draws axis labels as rich text).

    Latin text breaks at the space nearest the middle, Japanese before a
    bracket or else in the middle, so nothing is cut ("Building ener…").
    """
    if len(label) <= WRAP_AT:
        return escape(label, quote=False)
    middle = len(label) // 2
    breaks = [i for i, ch in enumerate(label) if ch == " "]
    if breaks:
        cut = min(breaks, key=lambda i: abs(i - middle))
        head, tail = label[:cut], label[cut + 1 :]
    else:
        brackets = [i for i, ch in enumerate(label) if ch in "(（" and i > 0]
        cut = min(brackets, key=lambda i: abs(i - middle)) if brackets else middle
        head, tail = label[:cut], label[cut:]
    return escape(head, quote=False) + "<br>" + escape(tail, quote=False)


def label_lines(labels: list[str]) -> int:
    return sum(2 if len(label) > WRAP_AT else 1 for label in labels)


def bar_chart_height(lines: int, font: QFont) -> int:
    """Room for every category label: Qt hides labels that would overlap their neighbours."""
    line = QFontMetrics(font).lineSpacing()
    # Title, value axis and margins above and below the bars.
    return max(CHART_HEIGHT, 110 + lines * (line + 8))


def show_values(series: QAbstractBarSeries, bars: QBarSet) -> None:
    """Each bar's count just past its end, in dark text (inside, it sat on grid lines)."""
    series.setLabelsVisible(True)
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    bars.setLabelColor(QColor(VALUE_COLOR))


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    # Room on the right for the last value-axis label, centred on the plot's edge.
    chart.setMargins(QMargins(4, 4, 12, 4))
    chart.setBackgroundRoundness(0)
    return chart


class OverviewPane(QWidget):
    filterRequested = Signal(object)
    recordRequested = Signal(str)
    conflictsRequested = Signal()
    # After new numbers were drawn.
    refreshed = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: Overview | None = None
        self.conflicts = 0
        self._seq = 0
        # What each chart's bars mean, so a click can say which value it was.
        self.ward_keys: list[str] = []
        self.rank_keys: list[str] = []
        self.tech_keys: list[str] = []
        self.year_keys: list[int] = []
        self.issue_category_keys: list[str] = []
        self.issue_ward_keys: list[str] = []

        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.totals = QLabel()
        self.conflict_button = QPushButton()
        self.conflict_button.setStyleSheet(
            "QPushButton { background: #fdecea; color: #b00020; font-weight: bold;"
            " border: 1px solid #b00020; border-radius: 4px; padding: 4px 10px; }"
        )
        self.conflict_button.hide()
        self.views: dict[str, QChartView] = {}
        grid = QGridLayout()
        # The technology chart grows with its ten labels; the recent changes beside it
        # use that height, and the pie keeps a height its labels fit.
        places = {"wards": (0, 0), "ranks": (0, 1), "facility": (1, 0), "years": (1, 1)}
        places["technology"] = (2, 0)
        for name, (row, column) in places.items():
            view = QChartView()
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(CHART_HEIGHT)
            self.views[name] = view
            grid.addWidget(view, row, column)
        self.recent_label = QLabel()
        self.recent = QListWidget()
        self.recent.setMinimumHeight(CHART_HEIGHT - 30)
        # Each change on its own lines, wrapped to the pane: nothing runs past its edge.
        self.recent.setWordWrap(True)
        self.recent.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A scroll bar that came and went would change the width the lines wrap to
        # after they were laid out (lines 10 px too wide until the next resize).
        self.recent.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.recent.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.recent.setSpacing(2)
        bold = QFont(self.recent_label.font())
        bold.setBold(True)
        self.recent_label.setFont(bold)
        recent_box = QVBoxLayout()
        recent_box.addWidget(self.recent_label)
        recent_box.addWidget(self.recent)
        grid.addLayout(recent_box, 2, 1)
        # Open 課題 (未対応・対応中), for the regular capture the seeds ask for.
        for column, name in enumerate(("issue_categories", "issue_wards")):
            view = QChartView()
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(CHART_HEIGHT)
            self.views[name] = view
            grid.addWidget(view, 3, column)
        # Cases whose measured operation misses design (運用実績が設計値を上回る).
        self.missing_label = QLabel()
        self.missing_label.setFont(bold)
        self.missing = QListWidget()
        self.missing.setMaximumHeight(CHART_HEIGHT // 2)
        missing_box = QVBoxLayout()
        missing_box.addWidget(self.missing_label)
        missing_box.addWidget(self.missing)
        grid.addLayout(missing_box, 4, 0)
        # Follow-ups (後日対応) past their due date and not done, by the knowledge base's
        # clock: the training coordinator's list of what is still owed, with its count.
        self.overdue_label = QLabel()
        self.overdue_label.setFont(bold)
        # The same records in the list, under the search's 後日対応: 期限切れ chip.
        self.overdue_button = QPushButton()
        self.overdue_button.setFlat(True)
        # Looks like a link: it goes somewhere, as the list's rows do.
        self.overdue_button.setStyleSheet(
            "QPushButton { color: #1a5fb4; text-decoration: underline; border: none; }"
        )
        self.overdue_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.overdue_button.hide()  # until there are some
        self.overdue = QListWidget()
        self.overdue.setMaximumHeight(CHART_HEIGHT // 2)
        self.overdue.setWordWrap(True)
        overdue_head = QHBoxLayout()
        overdue_head.addWidget(self.overdue_label)
        overdue_head.addStretch(1)
        overdue_head.addWidget(self.overdue_button)
        overdue_box = QVBoxLayout()
        overdue_box.addLayout(overdue_head)
        overdue_box.addWidget(self.overdue)
        grid.addLayout(overdue_box, 4, 1)

        # An empty knowledge base: a way in instead of empty axes.
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("QLabel { font-size: 11pt; padding: 24px; }")
        self.empty_label.hide()
        self.charts = QWidget()
        self.charts.setLayout(grid)

        inner = QWidget()
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.conflict_button)
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(top)
        inner_layout.addWidget(self.totals)
        inner_layout.addWidget(self.empty_label)
        inner_layout.addWidget(self.charts)
        # Spare height goes below: the heading and the empty state stay at the top.
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.conflict_button.clicked.connect(self.conflictsRequested)
        self.recent.itemActivated.connect(self._recent_clicked)
        self.recent.itemClicked.connect(self._recent_clicked)
        self.missing.itemActivated.connect(self._recent_clicked)
        self.missing.itemClicked.connect(self._recent_clicked)
        self.overdue.itemActivated.connect(self._recent_clicked)
        self.overdue.itemClicked.connect(self._recent_clicked)
        self.overdue_button.clicked.connect(lambda: self._emit_filter(((OVERDUE, True),), None))
        bind(ctx.tr, self)
        ctx.settings.changed.connect(self._setting_changed)

    # --- data -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Count again (after a change, an import, or when shown)."""
        from zebkb.overview import overview

        self._seq += 1
        seq = self._seq
        kb = self.ctx.kb

        def work() -> tuple[Overview, int]:
            return overview(kb), kb.open_conflict_count()

        QueryOp(self, work, runner=self.ctx.runner).success(
            lambda found: self._loaded(seq, *found)
        ).run_in_background()

    def _loaded(self, seq: int, data: Overview, conflicts: int) -> None:
        if seq != self._seq:
            return
        self.show_overview(data, conflicts)

    def show_overview(self, data: Overview, conflicts: int = 0) -> None:
        self.data = data
        self.conflicts = conflicts
        self._draw()
        self.refreshed.emit()

    def _setting_changed(self, key: str) -> None:
        if key == DATE_STYLE.key and self.data is not None:
            self._fill_recent(self.data)
            self._fill_overdue(self.data)  # their due dates
            # The fiscal years under the chart are named in the style too.
            self.views["years"].setChart(self._years_chart(self.data))

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        self.heading.setText(t("overview.title"))
        self.recent_label.setText(t("overview.recent"))
        self.missing_label.setText(t("overview.operation_misses"))
        self._draw()

    # --- drawing --------------------------------------------------------------------------------

    def _draw(self) -> None:
        t = self.ctx.tr.t
        data = self.data
        self.conflict_button.setText(t("overview.conflicts", n=self.conflicts))
        self.conflict_button.setVisible(self.conflicts > 0)
        if data is None:
            self.totals.setText(t("overview.loading"))
            return
        lang = self.ctx.tr.language
        empty = not any(data.totals.values())
        self.empty_label.setText(t("overview.empty"))
        self.empty_label.setVisible(empty)
        self.charts.setVisible(not empty)
        self.totals.setVisible(not empty)
        self.totals.setText(
            " 　".join(f"{kind_label(k, lang)} {data.totals.get(k, 0):,}" for k in data.totals)
        )
        self.views["wards"].setChart(self._wards_chart(data))
        self.views["ranks"].setChart(self._ranks_chart(data))
        self.views["facility"].setChart(self._facility_chart(data))
        self.views["technology"].setChart(self._technology_chart(data))
        self.views["years"].setChart(self._years_chart(data))
        self.views["issue_categories"].setChart(self._issue_categories_chart(data))
        self.views["issue_wards"].setChart(self._issue_wards_chart(data))
        self._fill_recent(data)
        self.missing.clear()
        for uid, title in data.operation_misses_design:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, uid)
            self.missing.addItem(item)
        if not data.operation_misses_design:
            self.missing.addItem(QListWidgetItem(t("overview.operation_none")))
        self._fill_overdue(data)

    def _fill_overdue(self, data: Overview) -> None:
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        style = getattr(self.ctx.settings, "date_style", "western")
        self.overdue_label.setText(t("overview.overdue", n=data.overdue_count))
        self.overdue_label.setStyleSheet("color: #b00020;" if data.overdue_count else "")
        self.overdue_button.setText(t("overview.overdue_list"))
        self.overdue_button.setVisible(bool(data.overdue_count))
        self.overdue.clear()
        for o in data.overdue_follow_ups:
            text = t(
                "overview.overdue_item",
                title=o.title,
                kind=kind_label(o.type, lang),
                n=o.count,
                due=format_date(o.earliest_due, style, lang),
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, o.uid)
            self.overdue.addItem(item)
        if not data.overdue_follow_ups:
            self.overdue.addItem(QListWidgetItem(t("overview.overdue_none")))

    def _bars(
        self, name: str, title: str, labels: list[str], values: list[int], on_click: Any
    ) -> QChart:
        """One horizontal bar per label, the first label on top, its value beside it."""
        chart = _chart(title)
        self._fit_height(name, label_lines(labels))
        series = QHorizontalBarSeries()
        bars = QBarSet("")
        bars.setColor(QColor(BAR_COLOR))
        # Horizontal bars are drawn bottom-up; reverse so the largest is on top.
        for value in reversed(values):
            bars.append(value)
        series.append(bars)
        show_values(series, bars)
        count = len(values)
        bars.clicked.connect(lambda index: on_click(count - 1 - index))
        chart.addSeries(series)
        axis_y = category_axis(list(reversed(labels)))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = count_axis(max([*values, 1]), grid=False)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        chart.legend().hide()
        return chart

    def _fit_height(self, name: str, lines: int) -> None:
        self.views[name].setMinimumHeight(bar_chart_height(lines, self.font()))

    def _wards_chart(self, data: Overview) -> QChart:
        lang = self.ctx.tr.language
        self.ward_keys = list(data.cases_by_ward)
        labels = [
            ward_label(c, lang) if c != UNSET else self.ctx.tr.t("overview.unset")
            for c in self.ward_keys
        ]
        return self._bars(
            "wards",
            self.ctx.tr.t("overview.wards"),
            labels,
            list(data.cases_by_ward.values()),
            # The chart counts cases: its click lists that ward's cases, not every kind.
            lambda i: self._emit_filter(((KIND, "case"), (WARD, self.ward_keys[i])), None),
        )

    def _ranks_chart(self, data: Overview) -> QChart:
        t = self.ctx.tr.t
        chart = _chart(t("overview.ranks"))
        self.rank_keys = list(data.ranks)
        series = QHorizontalStackedBarSeries()
        for status in STATUSES:
            bars = QBarSet(t(f"overview.status.{status}"))
            bars.setColor(QColor(STATUS_COLORS[status]))
            for rank in reversed(self.rank_keys):
                bars.append(data.ranks[rank].get(status, 0))
            count = len(self.rank_keys)
            bars.clicked.connect(lambda index, count=count: self._rank_clicked(count - 1 - index))
            series.append(bars)
        chart.addSeries(series)
        labels = [r if r != UNSET else t("overview.unset") for r in reversed(self.rank_keys)]
        # Its legend takes a line below the axis.
        self._fit_height("ranks", label_lines(labels) + 1)
        axis_y = category_axis(labels)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = count_axis(max([sum(split.values()) for split in data.ranks.values()] + [1]))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def _rank_clicked(self, index: int) -> None:
        rank = self.rank_keys[index]
        filters: tuple[tuple[str, object], ...] = ((KIND, "case"),)
        if rank != UNSET:
            filters += ((RANK, rank),)
        self._emit_filter(filters, None)

    def _facility_chart(self, data: Overview) -> QChart:
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        chart = _chart(t("overview.facility"))
        series = QPieSeries()
        items = list(data.cases_by_facility_type.items())
        shown, rest = items[:TOP_FACILITY_TYPES], items[TOP_FACILITY_TYPES:]
        for key, n in shown:
            name = FACILITY_TYPES.label(key, lang) if key != UNSET else t("overview.unset")
            piece = QPieSlice(f"{name} {n:,}", n)
            piece.setProperty("facility", key)
            series.append(piece)
        if rest:
            others = sum(n for _k, n in rest)
            series.append(QPieSlice(f"{t('overview.other')} {others:,}", others))
        series.clicked.connect(self._facility_clicked)
        series.setPieSize(0.62)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        chart.legend().hide()
        return chart

    def _facility_clicked(self, piece: QPieSlice) -> None:
        key = piece.property("facility")
        if not key:
            return  # "other" or unset: nothing to search for
        self._emit_filter(((KIND, "case"),), quoted(str(key)))

    def _technology_chart(self, data: Overview) -> QChart:
        lang = self.ctx.tr.language
        items = list(data.cases_by_technology.items())[:TOP_TECHNOLOGIES]
        self.tech_keys = [k for k, _n in items]
        return self._bars(
            "technology",
            self.ctx.tr.t("overview.technology"),
            [TECHNOLOGIES.label(k, lang) for k in self.tech_keys],
            [n for _k, n in items],
            lambda i: self._emit_filter(((KIND, "case"),), quoted(self.tech_keys[i])),
        )

    def _issue_categories_chart(self, data: Overview) -> QChart:
        lang = self.ctx.tr.language
        self.issue_category_keys = list(data.open_issues_by_category)
        return self._bars(
            "issue_categories",
            self.ctx.tr.t("overview.issue_categories"),
            [
                ISSUE_CATEGORIES.label(k, lang) if k != UNSET else self.ctx.tr.t("overview.unset")
                for k in self.issue_category_keys
            ],
            list(data.open_issues_by_category.values()),
            lambda i: self._emit_filter(
                ((KIND, "issue"),),
                quoted(self.issue_category_keys[i]) if self.issue_category_keys[i] else None,
            ),
        )

    def _issue_wards_chart(self, data: Overview) -> QChart:
        lang = self.ctx.tr.language
        self.issue_ward_keys = list(data.open_issues_by_ward)
        return self._bars(
            "issue_wards",
            self.ctx.tr.t("overview.issue_wards"),
            [
                ward_label(c, lang) if c != UNSET else self.ctx.tr.t("overview.unset")
                for c in self.issue_ward_keys
            ],
            list(data.open_issues_by_ward.values()),
            lambda i: self._emit_filter(((KIND, "issue"), (WARD, self.issue_ward_keys[i])), None),
        )

    def _years_chart(self, data: Overview) -> QChart:
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        chart = _chart(t("overview.years"))
        years = sorted(set(data.sessions_by_fiscal_year) | set(data.visits_by_fiscal_year))
        self.year_keys = years
        # A bare year spans two fiscal years (and an undated record has none): such
        # records get a last bar of their own, so the chart adds up to the header's totals.
        unplaced = {
            "session": data.sessions_without_fiscal_year,
            "visit": data.visits_without_fiscal_year,
        }
        has_unplaced = any(unplaced.values())
        series = QBarSeries()
        for n, (kind, counts) in enumerate(
            (("session", data.sessions_by_fiscal_year), ("visit", data.visits_by_fiscal_year))
        ):
            bars = QBarSet(kind_label(kind, lang))
            bars.setColor(QColor(SERIES_COLORS[n]))
            for year in years:
                bars.append(counts.get(year, 0))
            if has_unplaced:
                bars.append(unplaced[kind])
            bars.clicked.connect(lambda index, kind=kind: self._year_clicked(kind, index))
            series.append(bars)
            show_values(series, bars)
        chart.addSeries(series)
        style = getattr(self.ctx.settings, "date_style", "western")
        labels = [fiscal_year_label(y, lang, style) for y in years]
        if has_unplaced:
            labels.append(t("overview.no_fiscal_year"))
        axis_x = category_axis(labels)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        top = max(
            [
                *data.sessions_by_fiscal_year.values(),
                *data.visits_by_fiscal_year.values(),
                *unplaced.values(),
                1,
            ]
        )
        axis_y = count_axis(top, grid=False)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def _year_clicked(self, kind: str, index: int) -> None:
        # The last bar (records in no fiscal year) has no fiscal year the list could
        # filter by: a click there asks for nothing rather than for the wrong records.
        if index < len(self.year_keys):
            self._emit_filter(((KIND, kind), (FISCAL_YEAR, self.year_keys[index])), None)

    def _fill_recent(self, data: Overview) -> None:
        lang = self.ctx.tr.language
        style = getattr(self.ctx.settings, "date_style", "western")
        self.recent.clear()
        for change in data.recent_changes:
            when = format_timestamp(change.updated_at, style, lang)
            mark = f" ({self.ctx.tr.t('overview.deleted')})" if change.deleted else ""
            text = f"{when}  {kind_label(change.type, lang)}\n{change.title}{mark}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, change.uid)
            revision = self.ctx.tr.t("overview.revision", revision=change.revision)
            item.setToolTip(escape(f"{ward_label(change.ward, lang)} · {revision}"))
            self.recent.addItem(item)

    def _recent_clicked(self, item: QListWidgetItem) -> None:
        uid = item.data(Qt.ItemDataRole.UserRole)
        if uid:
            self.recordRequested.emit(str(uid))

    def _emit_filter(self, filters: tuple[tuple[str, object], ...], query: str | None) -> None:
        self.filterRequested.emit(OverviewFilter(filters, query))
