"""The detail pane: one record laid out for people, its body rendered safely.

The record, the titles of the records it links to and the rendered body are
fetched off the GUI thread (rendering a hostile body may take its whole
2-second budget); only the answer to the latest request is shown. The page
is built from escaped field values and ``render_markdown``'s sanitised HTML,
shown in ``SafeTextBrowser``, which loads nothing from disk or network.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QImage
from PySide6.QtWidgets import QFileDialog, QMenu, QPushButton, QVBoxLayout, QWidget

from zebkb.display import (
    attachment_names,
    file_size,
    fiscal_year_label,
    format_area,
    format_date,
    format_number,
    format_timestamp,
    kind_label,
    place_name,
    row_cell,
    row_extras,
    ward_label,
)
from zebkb.domain.fields import Field, FieldType, Kind, fields_for
from zebkb.domain.ranks import check_rank, verdict_key
from zebkb.domain.rows import follow_up_overdue, operation_years
from zebkb.domain.validate import warnings_for
from zebkb.domain.vocab import FIELD_VOCABULARY_NAMES, label
from zebkb.glossary import term
from zebkb.render import (
    RenderResult,
    attachment_url,
    highlight_text,
    parse_internal_url,
    record_url,
    render_markdown,
)
from zebkb.search.office import not_searchable_reason
from zebkb.service import KnowledgeBase
from zebkb.service.changes import Changes
from zebkb.ui.core.browser import SafeTextBrowser
from zebkb.ui.core.context import AppContext
from zebkb.ui.core.files import with_attachment_file
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import QueryOp, user_message

# Shown elsewhere on the page (heading, body, attachments) or not for people.
_NOT_IN_TABLE = frozenset(
    {"uid", "type", "title", "body", "attachments", "deleted", "created_at", "revision"}
)
THUMB_WIDTH = 160
# The design-against-actual bars: the longest is this many pixels.
CHART_WIDTH = 220
DESIGN_COLOUR = "#9aa8a0"
ACTUAL_COLOUR = "#2e6b4f"
MISSED_COLOUR = "#c0392b"  # a year above design
OTHER_COLOUR = "#7f8c9a"  # a year measured with その他: not compared with design
OVERDUE_COLOUR = "#b00020"  # a follow-up past its due date
OVERDUE_BACKGROUND = "#fdecea"


@dataclass(frozen=True)
class DetailData:
    """Everything the page needs, gathered off the GUI thread."""

    uid: str
    record: dict[str, Any] | None
    # uid → title of the records this one links to (None: not in this knowledge base).
    linked: dict[str, str | None] = field(default_factory=dict)
    body: RenderResult | None = None
    terms: tuple[str, ...] = ()
    # Records that point at this one (uid, kind, title): a case's visits and sessions.
    backlinks: tuple[tuple[str, str, str], ...] = ()


def load_detail(kb: KnowledgeBase, uid: str, terms: Sequence[str]) -> DetailData:
    """Runs on a reader thread."""
    record = kb.get(uid)
    if record is None:
        return DetailData(uid, None)
    linked: dict[str, str | None] = {}
    for other in _links(record):
        target = kb.get(other)
        linked[other] = None if target is None or target.get("deleted") else target.get("title")
    body = render_markdown(record.get("body") or "", terms) if record.get("body") else None
    backlinks = tuple(kb.linking_to(uid))
    return DetailData(uid, record, linked, body, tuple(terms), backlinks)


def _links(record: Mapping[str, Any]) -> list[str]:
    uids: list[str] = []
    if isinstance(record.get("facility_case_uid"), str):
        uids.append(record["facility_case_uid"])
    # Sessions' cases, a 課題's records, a Leading Owner's cases.
    for name in ("related_case_uids", "related", "cases"):
        for uid in record.get(name) or []:
            if isinstance(uid, str) and uid not in uids:
                uids.append(uid)
    return uids


# Web addresses in a 出典 text; Japanese punctuation and brackets end one.
_URL = re.compile(r"https?://[^\s<>\"'（）「」『』、。]+")


def _linked_urls(text: str, terms: Sequence[str]) -> str:
    """Highlighted text with each http(s) address made a link the pane can open."""
    parts: list[str] = []
    at = 0
    for match in _URL.finditer(text):
        parts.append(highlight_text(text[at : match.start()], terms))
        url = match.group(0)
        parts.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        at = match.end()
    parts.append(highlight_text(text[at:], terms))
    return "".join(parts)


class DetailPane(QWidget):
    recordRequested = Signal(str)
    # A link that was not followed, or an attachment file that is missing.
    notice = Signal(str)
    # Emitted when a requested record has been shown (uid) — tests and --open wait on it.
    shown = Signal(str)
    # The person asked, from the no-hits page, to clear the search and its filters.
    clearSearchRequested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.notice_made: Callable[[], str] | None = None  # how the last notice was made
        resolver = ctx.thumbnailer.image if ctx.thumbnailer is not None else None
        self.browser = SafeTextBrowser(self, resolver)
        self.browser.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        # Offered on the no-hits page only: a way out of a search that finds nothing.
        self.clear_button = QPushButton()
        self.clear_button.hide()
        self.clear_button.clicked.connect(self.clearSearchRequested)
        layout.addWidget(self.clear_button)
        self._no_hits: bool | None = None  # None: not the no-hits page; True: filters to clear
        self._data: DetailData | None = None
        self._request = 0
        self._terms: tuple[str, ...] = ()
        ctx.runner.dataChanged.connect(self._data_changed)
        self.browser.recordLinkActivated.connect(self.recordRequested)
        self.browser.attachmentActivated.connect(self.open_attachment)
        self.browser.linkRefused.connect(self._refused)
        self.browser.webLinkActivated.connect(self.open_web_link)
        self.browser.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.browser.customContextMenuRequested.connect(
            lambda pos: self.context_menu(pos).exec(self.browser.viewport().mapToGlobal(pos))
        )
        if ctx.thumbnailer is not None:
            ctx.thumbnailer.thumbnailReady.connect(self._thumbnail_ready)
        ctx.settings.changed.connect(lambda _key: self._redraw())
        bind(ctx.tr, self)

    # --- what is shown -------------------------------------------------------------

    @property
    def uid(self) -> str | None:
        return self._data.uid if self._data else None

    @property
    def record(self) -> dict[str, Any] | None:
        return self._data.record if self._data else None

    def _data_changed(self, changes: Changes) -> None:
        uid = self.uid
        if uid is not None and changes.touches(uid):
            self.show_uid(uid, self._terms)  # the record shown was written: read it again

    def show_uid(self, uid: str, terms: Sequence[str] = ()) -> None:
        self._terms = tuple(terms)
        self._request += 1
        request = self._request
        kb = self._ctx.kb
        wanted = tuple(terms)
        QueryOp(self, lambda: load_detail(kb, uid, wanted), runner=self._ctx.runner).success(
            lambda data: self._arrived(request, data)
        ).run_in_background()

    def clear(self) -> None:
        self._request += 1
        self._data = None
        self._no_hits = None
        self._redraw()

    def show_no_hits(self, *, can_clear: bool) -> None:
        """The search found nothing: say so, and offer to clear it when it has conditions."""
        self._request += 1
        self._data = None
        self._no_hits = can_clear
        self._redraw()

    @property
    def showing_no_hits(self) -> bool:
        return self._no_hits is not None

    def retranslate(self) -> None:
        self.clear_button.setText(self._ctx.tr.t("detail.clear_search"))
        self._redraw()

    def _arrived(self, request: int, data: DetailData) -> None:
        if request != self._request:
            return  # an older request answered late: the user has moved on
        self._no_hits = None
        self._data = data
        self._redraw(keep_scroll=False)
        self.shown.emit(data.uid)

    def _redraw(self, *, keep_scroll: bool = True) -> None:
        bar = self.browser.verticalScrollBar()
        position = bar.value()
        self.clear_button.setVisible(bool(self._no_hits))
        if self._data is None:
            t = self._ctx.tr.t
            if self._no_hits is None:
                text = html.escape(t("detail.empty"))
            else:
                text = f"<b>{html.escape(t('detail.no_hits'))}</b>"
                if self._no_hits:
                    text += f"<br>{html.escape(t('detail.no_hits_hint'))}"
            self.browser.setHtml(f"<p style='color:#555'>{text}</p>")
            return
        self.browser.setHtml(self.page_html(self._data))
        if keep_scroll:
            bar.setValue(position)

    # --- the page --------------------------------------------------------------------

    def page_html(self, data: DetailData) -> str:
        t = self._ctx.tr.t
        record = data.record
        if record is None:
            return f"<p>{html.escape(t('detail.missing', uid=data.uid))}</p>"
        if record.get("deleted"):
            return f"<p>{html.escape(t('detail.deleted'))}</p>"
        lang = self._ctx.tr.language
        terms = data.terms
        parts = [
            f"<p style='color:#555'>{html.escape(kind_label(record.get('type'), lang))}"
            f" · {html.escape(ward_label(record.get('ward'), lang))}</p>",
            f"<h2>{highlight_text(record.get('title') or '', terms)}</h2>",
        ]
        if record.get("type") == Kind.CASE:
            parts.append(self._rank_html(record))
        parts.append(self._warnings_html(record))
        parts.append(self._fields_html(record, data))
        if data.body is not None:
            parts.append(f"<h3>{html.escape(t('detail.body'))}</h3>")
            if data.body.fallback:
                parts.append(f"<p style='color:#a60'>{html.escape(t('detail.fallback'))}</p>")
            parts.append(data.body.html)
            if data.body.truncated:
                parts.append(f"<p style='color:#a60'>{html.escape(t('detail.truncated'))}</p>")
        parts.append(self._attachments_html(record))
        parts.append(self._backlinks_html(data))
        return "".join(parts)

    def _backlinks_html(self, data: DetailData) -> str:
        if not data.backlinks:
            return ""
        lang = self._ctx.tr.language
        items = "".join(
            f"<li>{html.escape(kind_label(kind, lang))}: "
            f"<a href='{record_url(uid)}'>{html.escape(title or uid)}</a></li>"
            for uid, kind, title in data.backlinks
        )
        heading = html.escape(self._ctx.tr.t("detail.backlinks"))
        return f"<h3>{heading}</h3><ul>{items}</ul>"

    def _rank_html(self, record: Mapping[str, Any]) -> str:
        t = self._ctx.tr.t
        lang = self._ctx.tr.language
        check = check_rank(record)
        stated = check.stated or t("detail.rank_none")
        if check.status:
            status = label("rank_status", check.status, lang)
            stated = f"{stated}（{status}）" if lang == "ja" else f"{stated} ({status})"
        supported = check.supported.rank or term(verdict_key(check.supported), lang)
        reason = check.supported.reason_en if lang == "en" else check.supported.reason_ja
        rows = (
            f"<tr><th align='left'>{html.escape(t('detail.rank_stated'))}</th>"
            f"<td><b>{html.escape(stated)}</b></td></tr>"
            f"<tr><th align='left'>{html.escape(t('detail.rank_supported'))}</th>"
            f"<td><b>{html.escape(supported)}</b> <span style='color:#555'>"
            f"{html.escape(reason)}</span></td></tr>"
        )
        return f"<table cellspacing='0'>{rows}</table>"

    def _warnings_html(self, record: Mapping[str, Any]) -> str:
        """Every soft rule the record breaks, in one banner above the fields."""
        t = self._ctx.tr.t
        lang = self._ctx.tr.language
        out = ""
        warnings = warnings_for(record)
        if warnings:
            items = "".join(
                f"<li>{html.escape(t('detail.rank_warning' if w.code.startswith('rank_') else 'detail.value_warning'))}"
                f": {html.escape(w.message(lang, self._ctx.settings.date_style))}</li>"
                for w in warnings
            )
            out += (
                "<table width='100%' cellpadding='4' style='background-color:#fff3cd;"
                " color:#7a4f00'><tr><td>"
                f"⚠ <b>{html.escape(t('detail.warnings'))}</b><ul>{items}</ul></td></tr></table>"
            )
        return out

    def _fields_html(self, record: Mapping[str, Any], data: DetailData) -> str:
        tr = self._ctx.tr
        rows = []
        for f in fields_for(record["type"]):
            if f.name in _NOT_IN_TABLE or f.name in {"zeb_rank", "rank_status"}:
                continue
            value = record.get(f.name)
            if value is None or value in ([], ""):
                continue
            if f.type is FieldType.ROWS:
                shown = self._rows_html(f, value, record, data)
            else:
                shown = self._value_html(f.name, f.type, value, data)
                if f.name == "operation" and not record.get("operation_years"):
                    # 1.1 lines only: the same chart, from the lines.
                    shown += self._operation_chart_html(record)
            rows.append(
                f"<tr><th align='left' valign='top'>{html.escape(tr.field_label(f))}</th>"
                f"<td>{shown}</td></tr>"
            )
        return f"<table cellspacing='0' width='100%'>{''.join(rows)}</table>"

    def _value_html(self, name: str, kind: FieldType, value: Any, data: DetailData) -> str:
        lang = self._ctx.tr.language
        style = self._ctx.settings.date_style
        terms = data.terms
        t = self._ctx.tr.t
        if kind == FieldType.DATE:
            return html.escape(format_date(str(value), style, lang))
        if kind == FieldType.TIMESTAMP:
            return html.escape(format_timestamp(str(value), style, lang))
        if kind == FieldType.WARD:
            return html.escape(ward_label(str(value), lang))
        if kind == FieldType.WARD_LIST:
            sep = "、" if lang == "ja" else ", "
            return html.escape(sep.join(ward_label(str(v), lang) for v in value))
        if kind == FieldType.BOOLEAN:
            return html.escape(t("common.yes") if value else t("common.no"))
        if kind in (FieldType.NUMBER, FieldType.INTEGER):
            if name == "fiscal_year":  # an issue's year, not a quantity (never 2,022)
                return html.escape(fiscal_year_label(value, lang, style))
            if name == "floor_area_m2":
                return html.escape(format_area(value))
            return html.escape(format_number(value))
        if kind == FieldType.UID:
            return self._link_html(str(value), data)
        if kind == FieldType.UID_LIST:
            return "<br>".join(self._link_html(str(v), data) for v in value)
        if kind == FieldType.STRING_LIST:
            vocab = FIELD_VOCABULARY_NAMES.get(name)
            items = [
                label(vocab, str(v), lang) if vocab else place_name(str(v), lang) for v in value
            ]
            return ("、" if lang == "ja" else ", ").join(highlight_text(i, terms) for i in items)
        text = str(value)
        vocab = FIELD_VOCABULARY_NAMES.get(name)
        text = label(vocab, text, lang) if vocab else place_name(text, lang)
        if name == "source":
            return _linked_urls(text, terms).replace("\n", "<br>")
        return highlight_text(text, terms).replace("\n", "<br>")

    def _rows_html(self, f: Field, value: Any, record: Mapping[str, Any], data: DetailData) -> str:
        """A rows field as a small table: a header of its columns, a line per row."""
        lang = self._ctx.tr.language
        style = self._ctx.settings.date_style
        rows = [r for r in value if isinstance(r, Mapping)] if isinstance(value, list) else []
        files = attachment_names(record)
        columns = [c for c in f.columns if any(r.get(c.name) not in (None, "") for r in rows)]
        head = "".join(
            f"<th align='left' bgcolor='#eef2ef'>{html.escape(self._ctx.tr.field_label(c))}</th>"
            for c in columns
        )
        body = []
        # A follow-up past its due date and not done, by the knowledge base's clock.
        today = self._ctx.kb.clock().date() if f.name == "follow_up_items" else None
        for row in rows:
            cells = []
            overdue = today is not None and follow_up_overdue(row, today)
            for c in columns:
                text = row_cell(c, row, style, lang, files)
                raw = row.get(c.name)
                if c.name == "due" and overdue:
                    word = html.escape(term("follow_up.overdue", lang))
                    cells.append(
                        f"{html.escape(text)} <b style='color:{OVERDUE_COLOUR}'>⚠ {word}</b>"
                    )
                elif c.name == "file" and isinstance(raw, str) and raw in files:
                    cells.append(f"<a href='{attachment_url(raw)}'>{html.escape(text)}</a>")
                elif c.name == "url" and isinstance(raw, str):
                    cells.append(_linked_urls(raw, ()))
                else:
                    cells.append(highlight_text(text, data.terms))
            extras = row_extras(f, row)
            if extras:
                # Keys a newer zebkb wrote: shown with the row, not hidden.
                cells.append("<br>".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in extras))
            shade = f" bgcolor='{OVERDUE_BACKGROUND}'" if overdue else ""
            body.append(
                f"<tr{shade}>" + "".join(f"<td valign='top'>{c}</td>" for c in cells) + "</tr>"
            )
        table = (
            "<table cellspacing='0' cellpadding='3' border='1' style='border-color:#c8d0ca'>"
            f"<tr>{head}</tr>{''.join(body)}</table>"
        )
        if f.name == "operation_years":
            table += self._operation_chart_html(record)
        return table

    def _operation_chart_html(self, record: Mapping[str, Any]) -> str:
        """Design against actual per fiscal year, as bars (the record pane's small chart)."""
        t = self._ctx.tr.t
        lang = self._ctx.tr.language
        style = self._ctx.settings.date_style  # the years as the table above names them
        years = operation_years(record)
        if not years:
            return ""
        design = years[0].design
        top = max([y.measured for y in years] + ([design] if design else []))

        def bar(value: float, colour: str) -> str:
            filled = max(1, round(CHART_WIDTH * value / top)) if top > 0 else 1
            return (
                "<table cellspacing='0' cellpadding='0'><tr>"
                f"<td width='{filled}' height='10' bgcolor='{colour}'></td>"
                f"<td>&nbsp;{html.escape(format_number(value))}</td></tr></table>"
            )

        lines = [
            f"<tr><td colspan='3'><b>{html.escape(t('detail.operation_chart'))}</b>"
            f" <span style='color:#555'>({html.escape(t('detail.operation_unit'))})</span>"
            "</td></tr>",
            # Which basis the two compare on: design figures exclude その他.
            f"<tr><td colspan='3' style='color:#555'>{html.escape(term('operation.basis', lang))}"
            "</td></tr>",
        ]
        for y in years:
            year = html.escape(fiscal_year_label(y.fiscal_year, lang, style))
            colour = MISSED_COLOUR if y.misses_design else ACTUAL_COLOUR
            reduction = y.reduction_pct
            note = (
                html.escape(t("detail.operation_reduction", pct=format_number(reduction, 1)))
                if reduction is not None
                else ""
            )
            if not y.comparable:
                colour = OTHER_COLOUR
                note = html.escape(t("detail.operation_with_other"))
            design_label = html.escape(t("detail.operation_design"))
            actual_label = html.escape(t("detail.operation_actual"))
            design_bar = bar(design, DESIGN_COLOUR) if design is not None else ""
            lines.append(
                f"<tr><td rowspan='2' valign='middle'>{year}</td>"
                f"<td style='color:#555'>{design_label}</td><td>{design_bar}</td></tr>"
                f"<tr><td style='color:#555'>{actual_label}</td>"
                f"<td>{bar(y.measured, colour)}<span style='color:#555'>{note}</span></td></tr>"
            )
        if design is None:
            lines.append(
                "<tr><td colspan='3' style='color:#a60'>"
                f"{html.escape(t('detail.operation_no_design'))}</td></tr>"
            )
        return f"<table cellspacing='2' cellpadding='1'>{''.join(lines)}</table>"

    def _link_html(self, uid: str, data: DetailData) -> str:
        title = data.linked.get(uid)
        if title is None:
            missing = self._ctx.tr.t("detail.link_missing")
            return f"{html.escape(uid)} <span style='color:#888'>({html.escape(missing)})</span>"
        return f"<a href='{record_url(uid)}'>{html.escape(title)}</a>"

    def _attachments_html(self, record: Mapping[str, Any]) -> str:
        attachments = [a for a in record.get("attachments") or [] if isinstance(a, dict)]
        if not attachments:
            return ""
        t = self._ctx.tr.t
        cells = []
        for att in attachments:
            sha = str(att.get("sha256", ""))
            name = html.escape(str(att.get("filename", "")))
            size = file_size(int(att.get("size") or 0), self._ctx.tr.language)
            caption = html.escape(str(att.get("caption") or ""))
            if att.get("omitted"):
                cells.append(f"<td>{name}<br><i>{html.escape(t('detail.omitted'))}</i></td>")
                continue
            url = attachment_url(sha)
            picture = ""
            media_type = str(att.get("media_type", ""))
            # Pictures and a PDF's first page (zebkb/ui/core/thumbs.py) show as thumbnails.
            if media_type.startswith("image/") or media_type == "application/pdf":
                picture = f"<a href='{url}'><img src='{url}' width='{THUMB_WIDTH}'></a><br>"
            unsearched = not_searchable_reason(media_type, self._ctx.tr.language)
            if unsearched:
                caption = (caption + "<br>" if caption else "") + html.escape(unsearched)
            cells.append(
                f"<td valign='top' width='{THUMB_WIDTH + 16}'>{picture}"
                f"<a href='{url}'>{name}</a> <span style='color:#777'>({size})</span>"
                f"{'<br>' + caption if caption else ''}</td>"
            )
        rows = ["<tr>" + "".join(cells[i : i + 3]) + "</tr>" for i in range(0, len(cells), 3)]
        return (
            f"<h3>{html.escape(t('detail.attachments'))}</h3>"
            f"<table cellspacing='4'>{''.join(rows)}</table>"
        )

    # --- links and thumbnails ------------------------------------------------------------

    def open_attachment(self, sha256: str) -> None:
        """Open the stored file in the system viewer; only ever our own local file."""
        # This PC's copy, fetched from the team's database first by a write if need be.
        with_attachment_file(
            self,
            self._ctx.kb,
            self._ctx.runner,
            sha256,
            self._open_path,
            fetching=self._fetching,
        )

    def _fetching(self) -> None:
        self._say(lambda: self._ctx.tr.t("detail.attachment.fetching"))

    def context_menu(self, pos: QPoint) -> QMenu:
        """Right-click in the pane: on an attachment, open it or save a copy; else copy text."""
        menu = self.browser.createStandardContextMenu(pos)
        target = parse_internal_url(self.browser.anchorAt(pos))
        if target is not None and target[0] == "attachment":
            sha256 = target[1]
            t = self._ctx.tr.t
            open_it = QAction(t("detail.attachment.open"), menu)
            open_it.triggered.connect(lambda: self.open_attachment(sha256))
            save = QAction(t("detail.attachment.save_as"), menu)
            save.triggered.connect(lambda: self.save_attachment_as(sha256))
            first = menu.actions()[0] if menu.actions() else None
            menu.insertActions(first, [open_it, save])  # type: ignore[arg-type]
            if first is not None:
                menu.insertSeparator(first)
        return menu

    def save_attachment_as(self, sha256: str) -> None:
        """Copy the stored file where the person chooses, under the name it was added with."""
        names = {
            str(a.get("sha256")): str(a.get("filename") or "")
            for a in (self.record or {}).get("attachments") or []
            if isinstance(a, dict)
        }
        name = Path(names.get(sha256) or sha256).name
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self._ctx.tr.t("detail.attachment.save_title"), str(Path.home() / name)
        )
        if not chosen:
            return
        kb = self._ctx.kb
        out = Path(chosen)

        def failed(exc: BaseException) -> None:
            self._say(lambda: user_message(exc, self._ctx.tr))

        def copy(here: Path | None) -> None:
            # The copy reads this PC's file (fetched first, as opening does) and writes only `out`.
            QueryOp(
                self,
                lambda: kb.save_attachment_as(sha256, out, fetch=False),
                runner=self._ctx.runner,
            ).success(
                lambda path: self._say(lambda: self._ctx.tr.t("detail.attachment.saved", path=path))
            ).failure(failed).run_in_background()

        with_attachment_file(
            self, kb, self._ctx.runner, sha256, copy, failed=failed, fetching=self._fetching
        )

    def _open_path(self, path: object) -> None:
        if path is None:
            self._say(lambda: self._ctx.tr.t("detail.file_missing"))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def open_web_link(self, url: str) -> None:
        """A 出典 address clicked: the system browser opens it (zebkb opens no connection).

        Only an address written in the shown record's 出典 or its materials is opened; any other
        web link (none should reach here) is refused with a message.
        """
        record = self.record or {}
        written = [str(record.get("source") or "")] + [
            str(m.get("url") or "") for m in record.get("materials") or [] if isinstance(m, dict)
        ]
        ours = {QUrl(u).toString() for text in written for u in _URL.findall(text)}
        if QUrl(url).toString() not in ours:
            self._refused(url)
            return
        if not QDesktopServices.openUrl(QUrl(url)):
            self._refused(url)

    def _refused(self, url: str) -> None:
        self._say(lambda: self._ctx.tr.t("detail.link_refused", url=url[:200]))

    def _say(self, make: Callable[[], str]) -> None:
        """``notice`` with the text ``make`` gives now; ``notice_made`` makes it again in
        another language (the window says it again on a switch)."""
        self.notice_made = make
        self.notice.emit(make())

    def _thumbnail_ready(self, sha256: str, _image: QImage) -> None:
        record = self.record
        if record and any(a.get("sha256") == sha256 for a in record.get("attachments") or []):
            # QTextDocument caches resources; a fresh page asks the resolver again.
            self._redraw()
