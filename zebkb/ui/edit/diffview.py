"""Field-by-field differences between two versions of a record, as people read them.

Shared by the import preview (what a bundle would change) and the conflict
view (the two versions side by side). Labels come from domain/fields.py, so a
field added there shows here with its name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from zebkb.display import format_date, format_number, row_line, ward_label
from zebkb.domain.fields import Field, FieldType, Kind, fields_for
from zebkb.domain.vocab import FIELD_VOCABULARY_NAMES
from zebkb.domain.vocab import label as vocab_label
from zebkb.ui.core.i18n import Translator
from zebkb.versions import format_moment

# Bookkeeping fields: shown in the version headers, not as differences to settle.
META_FIELDS = frozenset({"uid", "type", "origin", "created_at", "updated_at", "revision"})
MAX_CELL_CHARS = 400
CHANGED = QColor("#fff4d6")
MISSING = "—"


def _rows_field(name: str | None, kind: str | None) -> Field | None:
    if name is None or kind not in {k.value for k in Kind}:
        return None
    for f in fields_for(str(kind)):
        if f.name == name and f.type is FieldType.ROWS:
            return f
    return None


def _coded_text(
    value: str, lang: str, name: str, kind: str | None, style: str = "western"
) -> str | None:
    """A ward code, a date or a listed term as the record pane shows it; None for free text."""
    if name in FIELD_VOCABULARY_NAMES:
        return vocab_label(FIELD_VOCABULARY_NAMES[name], value, lang)
    if kind is None or not _is_kind(kind):
        return None
    field = next((f for f in fields_for(kind) if f.name == name), None)
    if field is None:
        return None
    if field.type is FieldType.WARD:
        return ward_label(value, lang)
    if field.type is FieldType.DATE:
        return format_date(value, style, lang)
    if field.type is FieldType.TIMESTAMP:
        return format_moment(value, style, lang)
    return None


def _is_kind(kind: str | None) -> bool:
    return kind in {k.value for k in Kind}


def field_label(name: str, kind: str | None, tr: Translator) -> str:
    if kind:
        try:
            for field in fields_for(kind):
                if field.name == name:
                    return tr.field_label(field)
        except (ValueError, KeyError):
            pass
    return name


def value_text(
    value: Any,
    tr: Translator,
    name: str | None = None,
    kind: str | None = None,
    style: str = "western",
) -> str:
    """One readable line (or a few) for any JSON value of a record (``name`` and ``kind``
    say which field it is, so a row reads with its columns' labels); dates and fiscal
    years in the date ``style``, as the record pane shows them."""
    if value is None or value in ("", []):
        return MISSING
    rows_field = _rows_field(name, kind)
    if rows_field is not None and isinstance(value, list):
        return "\n".join(row_line(rows_field, row, style, tr.language) for row in value)
    if isinstance(value, bool):
        return tr.t("common.yes") if value else tr.t("common.no")
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, Mapping) and "filename" in item:
                mark = "" if not item.get("omitted") else f" ({tr.t('detail.omitted')})"
                parts.append(f"{item['filename']}{mark}")
            else:
                # Each listed technology by its label, as the record pane shows it.
                parts.append(value_text(item, tr, name, kind, style))
        return ", ".join(parts) if tr.language == "en" else "、".join(parts)
    if isinstance(value, str) and name is not None:
        shown = _coded_text(value, tr.language, name, kind, style)
        if shown is not None:
            return shown
    if isinstance(value, int | float):
        return format_number(value, decimals=6)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {value_text(v, tr)}" for k, v in value.items())
    text = str(value)
    if len(text) > MAX_CELL_CHARS:
        return text[:MAX_CELL_CHARS] + "…"
    return text


def differing_fields(
    local: Mapping[str, Any] | None, incoming: Mapping[str, Any] | None
) -> list[str]:
    """Fields whose values differ, bookkeeping left out, in the record's field order."""
    a, b = local or {}, incoming or {}
    kind = a.get("type") or b.get("type")
    order = [f.name for f in fields_for(kind)] if kind in ("case", "visit", "session") else []
    names = [n for n in order if n in a or n in b]
    names += sorted((set(a) | set(b)) - set(names))
    return [n for n in names if n not in META_FIELDS and a.get(n) != b.get(n)]


class DiffTable(QTableWidget):
    """Rows of (field, value here, value in the bundle); differing rows tinted."""

    def __init__(
        self, tr: Translator, parent: Any = None, date_style: Callable[[], str] | None = None
    ) -> None:
        super().__init__(0, 3, parent)
        self._tr = tr
        # The window's date style, read at each redraw (it may change while open).
        self._date_style = date_style or (lambda: "western")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def set_headers(self, left: str, right: str) -> None:
        self.setHorizontalHeaderLabels([self._tr.t("diff.field"), left, right])

    def show_rows(
        self, kind: str | None, rows: Sequence[tuple[str, Any, Any]], *, tint: bool = True
    ) -> None:
        self.setRowCount(len(rows))
        style = self._date_style()
        for r, (name, left, right) in enumerate(rows):
            cells = (
                field_label(name, kind, self._tr),
                value_text(left, self._tr, name, kind, style),
                value_text(right, self._tr, name, kind, style),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, name)
                item.setToolTip(text)
                if tint and left != right:
                    item.setBackground(QBrush(CHANGED))
                self.setItem(r, c, item)
        self.resizeRowsToContents()

    def texts(self) -> list[tuple[str, str, str]]:
        """What the table shows (tests and screenshots read it)."""
        return [
            (cell_text(self, r, 0), cell_text(self, r, 1), cell_text(self, r, 2))
            for r in range(self.rowCount())
        ]


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    """A cell's text; "" for a cell never filled."""
    item = table.item(row, column)
    return item.text() if item is not None else ""
