"""One input widget per record field type, for the record editor.

Each editor hands back what the person typed in a form the lenient record
validation understands (``validate_record(strict=False)``): a date as typed,
a ward by name or code, a number parsed from text with separators. Text that
cannot be read is handed back as it is, so validation names the problem
beside the field instead of the widget silently dropping it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import format_date, row_cell
from zebkb.domain.dates import (
    DateError,
    format_partial_japanese,
    parse_partial_date,
)
from zebkb.domain.fields import Field, FieldType
from zebkb.domain.numbers import parse_quantity
from zebkb.domain.rows import typed_cell
from zebkb.domain.vocab import TECHNOLOGIES, Vocabulary
from zebkb.domain.wards import OTHER_MUNICIPALITIES, WARDS
from zebkb.render import RenderResult, render_markdown
from zebkb.ui.core.browser import SafeTextBrowser
from zebkb.ui.core.i18n import Translator
from zebkb.versions import FIELD_VOCABULARIES, format_number

PREVIEW_DELAY_MS = 300


def line_edit(combo: QComboBox) -> QLineEdit:
    """The text field of an editable combo box (Qt gives None only for a non-editable one)."""
    edit = combo.lineEdit()
    if edit is None:
        raise ValueError("the combo box is not editable")
    return edit


class FieldEditor(QWidget):
    """Base: ``value()`` for the record, ``set_value()`` from it, ``changed`` on every edit."""

    changed = Signal()

    def __init__(self, field: Field, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._tr = tr
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def _emit_changed(self, *_args: object) -> None:
        # A bound slot, not a lambda: Qt drops it with the widget (see i18n.bind).
        self.changed.emit()

    # Every field widget below defines these two; the base only names the contract.
    def value(self) -> Any:
        raise TypeError(f"{type(self).__name__} does not define value()")

    def set_value(self, value: Any) -> None:
        raise TypeError(f"{type(self).__name__} does not define set_value()")

    def retranslate(self) -> None:
        """Texts of the widget itself; the dialog calls it on a language change."""

    def focus_target(self) -> QWidget:
        return self


class LineEditor(FieldEditor):
    def __init__(self, field: Field, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(field, tr, parent)
        self.edit = QLineEdit()
        self._layout.addWidget(self.edit)
        self.edit.textChanged.connect(self.changed)

    def value(self) -> str | None:
        text = self.edit.text()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def focus_target(self) -> QWidget:
        return self.edit


class ChoiceEditor(FieldEditor):
    """A closed list: the stored code behind a label in the current language."""

    def __init__(
        self,
        field: Field,
        tr: Translator,
        values: tuple[str, ...],
        vocab: Vocabulary | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(field, tr, parent)
        self._vocab = vocab
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(10)
        self.combo.addItem("", None)
        for value in values:
            self.combo.addItem(value, value)
        self._layout.addWidget(self.combo)
        self._layout.addStretch(1)
        self.combo.currentIndexChanged.connect(self._emit_changed)

    def value(self) -> str | None:
        data = self.combo.currentData()
        return None if data is None else str(data)

    def set_value(self, value: Any) -> None:
        if value is None or value == "":
            self.combo.setCurrentIndex(0)
            return
        index = self.combo.findData(value)
        if index < 0:
            # A value from a newer zebkb is kept and shown as it is.
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def retranslate(self) -> None:
        lang = self._tr.language
        self.combo.setItemText(0, self._tr.t("editor.choice.none"))
        for i in range(1, self.combo.count()):
            value = str(self.combo.itemData(i))
            self.combo.setItemText(i, self._vocab.label(value, lang) if self._vocab else value)

    def focus_target(self) -> QWidget:
        return self.combo


class OpenChoiceEditor(FieldEditor):
    """An open list (facility type, structure, rank): suggestions, any text kept."""

    def __init__(
        self, field: Field, tr: Translator, vocab: Vocabulary, parent: QWidget | None = None
    ) -> None:
        super().__init__(field, tr, parent)
        self._vocab = vocab
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for term in vocab:
            self.combo.addItem(term.value, term.value)
        self.combo.setCurrentIndex(-1)
        self.combo.setMinimumContentsLength(16)
        self._layout.addWidget(self.combo, 1)
        self.combo.editTextChanged.connect(self._emit_changed)

    def value(self) -> str | None:
        text = self.combo.currentText().strip()
        if not text:
            return None
        index = self.combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return str(self.combo.itemData(index))
        return self._vocab.lookup(text) or text

    def set_value(self, value: Any) -> None:
        if value is None:
            self.combo.setCurrentIndex(-1)
            self.combo.setEditText("")
            return
        index = self.combo.findData(value)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setEditText(str(value))

    def retranslate(self) -> None:
        lang = self._tr.language
        typed = self.value()
        self.combo.blockSignals(True)
        for i in range(self.combo.count()):
            value = str(self.combo.itemData(i))
            label = self._vocab.label(value, lang)
            self.combo.setItemText(i, value if label == value else f"{value} ({label})")
        self.combo.blockSignals(False)
        self.set_value(typed)

    def focus_target(self) -> QWidget:
        return self.combo


class NumberEditor(FieldEditor):
    """Numbers with thousands separators, re-shown so when the field is left."""

    def __init__(self, field: Field, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(field, tr, parent)
        self.edit = QLineEdit()
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.setMaximumWidth(180)
        self._layout.addWidget(self.edit)
        self._layout.addStretch(1)
        self.edit.textChanged.connect(self.changed)
        self.edit.editingFinished.connect(self.reformat)

    def value(self) -> int | float | str | None:
        return parse_quantity(self.edit.text(), self.field.type is FieldType.INTEGER)

    def set_value(self, value: Any) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.edit.setText(format_number(value))
        else:
            self.edit.setText("" if value is None else str(value))

    def reformat(self) -> None:
        value = self.value()
        if isinstance(value, int | float):
            text = format_number(value)
            if text != self.edit.text():
                self.edit.setText(text)

    def focus_target(self) -> QWidget:
        return self.edit


class BoolEditor(FieldEditor):
    def __init__(self, field: Field, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(field, tr, parent)
        self.check = QCheckBox()
        self._layout.addWidget(self.check)
        self._layout.addStretch(1)
        self._unset = True
        self.check.toggled.connect(self._toggled)

    def _toggled(self, _on: bool) -> None:
        self._unset = False
        self.changed.emit()

    def value(self) -> bool | None:
        # An optional flag nobody answered stays unanswered rather than "no".
        if self._unset and not self.check.isChecked():
            return None
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        self.check.blockSignals(True)
        self.check.setChecked(value is True)
        self.check.blockSignals(False)
        self._unset = value is None

    def retranslate(self) -> None:
        self.check.setText(self._tr.t("editor.bool.yes"))

    def focus_target(self) -> QWidget:
        return self.check


class DateEditor(FieldEditor):
    """Any date staff write; the date it was read as is shown beside it."""

    def __init__(
        self, field: Field, tr: Translator, date_style: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(field, tr, parent)
        self._style = date_style
        self.edit = QLineEdit()
        self.edit.setMinimumWidth(250)
        self.edit.setMaximumWidth(300)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setStyleSheet("color: #555555;")
        self._layout.addWidget(self.edit)
        self._layout.addWidget(self.hint, 1)
        self.edit.textChanged.connect(self._on_text)

    def _on_text(self, _text: str) -> None:
        self._update_hint()
        self.changed.emit()

    def _update_hint(self) -> None:
        text = self.edit.text().strip()
        try:
            # A month (令和7年1月) or a year is kept at that precision: no invented day.
            iso = parse_partial_date(text) if text else None
        except DateError:
            iso = None
        self.hint.setText(
            ""
            if iso is None
            else self._tr.t("editor.date.parsed", iso=iso, era=format_partial_japanese(iso))
        )

    def value(self) -> str | None:
        text = self.edit.text().strip()
        return text or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text and self._style == "japanese":
            with contextlib.suppress(DateError):
                text = format_partial_japanese(text)
        self.edit.setText(text)

    def retranslate(self) -> None:
        example = self._tr.t("editor.date.placeholder")
        self.edit.setPlaceholderText(example)
        # Wide enough for the example, whole, in either language (it was cut at 250 px).
        wide = self.edit.fontMetrics().horizontalAdvance(example) + 24
        self.edit.setMinimumWidth(max(250, wide))
        self.edit.setMaximumWidth(max(300, wide))
        self._update_hint()

    def focus_target(self) -> QWidget:
        return self.edit


class WardEditor(FieldEditor):
    """A ward by name (either language) or any local-government code."""

    PLACES = WARDS + OTHER_MUNICIPALITIES

    def __init__(self, field: Field, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(field, tr, parent)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMaxVisibleItems(15)
        self.combo.setMinimumContentsLength(14)
        for ward in self.PLACES:
            self.combo.addItem(ward.name_ja, ward.code)
        self.combo.setCurrentIndex(-1)
        self._layout.addWidget(self.combo)
        self._layout.addStretch(1)
        self.combo.editTextChanged.connect(self._emit_changed)

    def value(self) -> str | None:
        text = self.combo.currentText().strip()
        if not text:
            return None
        index = self.combo.findText(text, Qt.MatchFlag.MatchExactly)
        return str(self.combo.itemData(index)) if index >= 0 else text

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value else -1
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setCurrentIndex(-1)
            self.combo.setEditText("" if value is None else str(value))

    def retranslate(self) -> None:
        current = self.value()
        self.combo.blockSignals(True)
        en = self._tr.language == "en"
        for i, ward in enumerate(self.PLACES):
            self.combo.setItemText(i, ward.name_en if en else ward.name_ja)
        self.combo.blockSignals(False)
        self.set_value(current)
        line_edit(self.combo).setPlaceholderText(self._tr.t("editor.ward.placeholder"))

    def focus_target(self) -> QWidget:
        return self.combo


class TextEditor(FieldEditor):
    """Longer text; the record body also gets a live, safe preview."""

    def __init__(
        self,
        field: Field,
        tr: Translator,
        preview: bool,
        render_in_background: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(field, tr, parent)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.textChanged.connect(self.changed)
        self.preview: SafeTextBrowser | None = None
        self.tabs: QTabWidget | None = None
        if not preview:
            self.edit.setMinimumHeight(60)
            self.edit.setMaximumHeight(90)
            self._layout.addWidget(self.edit)
            return
        self.edit.setMinimumHeight(160)
        self.preview = SafeTextBrowser()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.edit, "")
        self.tabs.addTab(self.preview, "")
        self._layout.addWidget(self.tabs)
        # Rendering goes through the caller's runner: a hostile body may take
        # up to the render budget, which the GUI thread must not wait for.
        self._render_in_background = render_in_background
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.edit.textChanged.connect(self._timer.start)

    def refresh_preview(self) -> None:
        if self.preview is None:
            return
        text = self.edit.toPlainText()
        if self._render_in_background is None:
            self.preview.show_rendered(render_markdown(text))
        else:
            self._render_in_background(text, self._show_preview)

    def _show_preview(self, result: RenderResult) -> None:
        if self.preview is not None:
            self.preview.show_rendered(result)

    def value(self) -> str | None:
        text = self.edit.toPlainText()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def retranslate(self) -> None:
        if self.tabs is not None:
            self.tabs.setTabText(0, self._tr.t("editor.body.edit"))
            self.tabs.setTabText(1, self._tr.t("editor.body.preview"))

    def focus_target(self) -> QWidget:
        return self.edit


class EnterKeeper(QObject):
    """Runs an action on Enter/Return and swallows the key.

    QLineEdit and item views let Enter travel on to the dialog, whose default
    button then fires: in the editor that saved and closed the record while the
    person only meant to add one item to a list.
    """

    def __init__(self, widget: QWidget, action: Callable[[], object]) -> None:
        super().__init__(widget)
        self._action = action
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self._action()
            return True
        return False


def edit_current(widget: QListWidget) -> None:
    """Enter on a list item edits it in place (as F2 does)."""
    item = widget.currentItem()
    if item is not None and item.flags() & Qt.ItemFlag.ItemIsEditable:
        widget.editItem(item)


class ListButtons(QWidget):
    """Remove / up / down beside a list."""

    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tr = tr
        self.remove = QPushButton()
        self.up = QPushButton("↑")
        self.down = QPushButton("↓")
        for b in (self.up, self.down):
            b.setFixedWidth(36)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.remove)
        layout.addWidget(self.up)
        layout.addWidget(self.down)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.remove.setText(self._tr.t("editor.list.remove"))
        self.up.setToolTip(self._tr.t("editor.list.up"))
        self.down.setToolTip(self._tr.t("editor.list.down"))

    def wire(
        self, remove: Callable[[], None], up: Callable[[], None], down: Callable[[], None]
    ) -> None:
        self.remove.clicked.connect(remove)
        self.up.clicked.connect(up)
        self.down.clicked.connect(down)


def move_row(widget: QListWidget, step: int) -> bool:
    row = widget.currentRow()
    target = row + step
    if row < 0 or not 0 <= target < widget.count():
        return False
    item = widget.takeItem(row)
    widget.insertItem(target, item)
    widget.setCurrentRow(target)
    return True


class ListFieldEditor(FieldEditor):
    """A field edited as a list of items beside remove / up / down buttons.

    The strings lists below and the related cases (zebkb/ui/edit/casepicker.py)
    differ only in how items are added and what an item holds.
    """

    def __init__(self, field: Field, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(field, tr, parent)
        self.list = QListWidget()
        self.buttons = ListButtons(tr)
        self.buttons.wire(self.remove_current, self.move_up, self.move_down)

    def _removed(self, item: QListWidgetItem) -> None:
        """Forget what ``item`` stood for besides its row (nothing, unless a subclass says)."""

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self._removed(self.list.takeItem(row))
            self.changed.emit()

    def move_up(self) -> None:
        if move_row(self.list, -1):
            self.changed.emit()

    def move_down(self) -> None:
        if move_row(self.list, 1):
            self.changed.emit()


class StringListEditor(ListFieldEditor):
    """Participants, speakers, technologies, tags: add, edit in place, remove, reorder."""

    def __init__(
        self,
        field: Field,
        tr: Translator,
        suggestions: Vocabulary | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(field, tr, parent)
        self._suggestions = suggestions
        self.list.setMinimumHeight(70)
        self.list.setMaximumHeight(110)
        self.adder = QComboBox()
        self.adder.setEditable(True)
        self.adder.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        if suggestions is not None:
            for term in suggestions:
                self.adder.addItem(term.value)
        self.adder.setCurrentIndex(-1)
        self.add_button = QPushButton()
        adder_row = QHBoxLayout()
        adder_row.addWidget(self.adder, 1)
        adder_row.addWidget(self.add_button)
        left = QVBoxLayout()
        left.addLayout(adder_row)
        left.addWidget(self.list)
        self._layout.addLayout(left, 1)
        self._layout.addWidget(self.buttons)
        self.add_button.clicked.connect(self.add_from_adder)
        EnterKeeper(line_edit(self.adder), self.add_from_adder)
        EnterKeeper(self.list, lambda: edit_current(self.list))
        self.list.itemChanged.connect(self._emit_changed)

    def items(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def add(self, text: str) -> bool:
        text = text.strip()
        if not text or text in self.items():
            return False
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        self.list.setCurrentItem(item)
        self.changed.emit()
        return True

    def add_from_adder(self) -> None:
        text = self.adder.currentText()
        if self._suggestions is not None:
            text = self._suggestions.lookup(text) or text
        if self.add(text):
            self.adder.setCurrentIndex(-1)
            self.adder.setEditText("")

    def value(self) -> list[str]:
        return [s for s in (t.strip() for t in self.items()) if s]

    def set_value(self, value: Any) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for text in value or []:
            item = QListWidgetItem(str(text))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
        self.list.blockSignals(False)

    def retranslate(self) -> None:
        self.add_button.setText(self._tr.t("editor.list.add"))
        line_edit(self.adder).setPlaceholderText(self._tr.t("editor.list.placeholder"))
        self.buttons.retranslate()

    def focus_target(self) -> QWidget:
        return self.adder


# A cell's value as stored, while the cell still shows it; typing over the cell drops it.
_STORED = Qt.ItemDataRole.UserRole
# A yes/no cell the person has clicked: unchecked then means "no", not "not answered".
_TOUCHED = Qt.ItemDataRole.UserRole + 1


class RowsEditor(FieldEditor):
    """Rows of a field (attendance, materials, follow-ups, stage dates, operation by year).

    A table with a column per declared column: text typed in any form staff write
    (令和6年度, 令和7年1月, 1,200, 葛飾区, 竣工), yes/no as a check box. A stored value
    is shown as people read it and handed back unchanged until the cell is typed over;
    typed text is handed back for the record validation to read, which names the row
    and the column of any problem beside the field.
    """

    def __init__(
        self, field: Field, tr: Translator, date_style: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(field, tr, parent)
        self._style = date_style
        self._filling = False
        # sha256 → file name of the record's attachments (the dialog sets it for materials).
        self.files: Callable[[], dict[str, str]] = dict
        self.table = QTableWidget(0, len(field.columns))
        self.table.setMinimumHeight(90)
        self.table.setMaximumHeight(170)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as from any field
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = QPushButton()
        self.buttons = ListButtons(tr)
        adder_row = QHBoxLayout()
        adder_row.addWidget(self.add_button)
        adder_row.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.table)
        left.addLayout(adder_row)
        self._layout.addLayout(left, 1)
        self._layout.addWidget(self.buttons)
        self.add_button.clicked.connect(self.add_row)
        self.buttons.wire(self.remove_current, self.move_up, self.move_down)
        self.table.itemChanged.connect(self._item_changed)
        EnterKeeper(self.table, self._edit_current)

    def _edit_current(self) -> None:
        if self.table.state() == QAbstractItemView.State.EditingState:
            # Enter in a cell's editor reaches the table too: the editor is closing
            # (its delegate commits it), so this Enter only finishes that edit.
            return
        item = self.table.currentItem()
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsEditable:
            self.table.editItem(item)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        column = self.field.columns[item.column()]
        self._filling = True
        if column.type is FieldType.BOOLEAN:
            item.setData(_TOUCHED, True)
        else:
            item.setData(_STORED, None)  # typed over: the text is what counts now
        self._filling = False
        self.changed.emit()

    def _new_item(self, column: Field, value: Any) -> QTableWidgetItem:
        item = QTableWidgetItem()
        if column.type is FieldType.BOOLEAN:
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setCheckState(Qt.CheckState.Checked if value is True else Qt.CheckState.Unchecked)
            item.setData(_STORED, value)
            return item
        if value is not None and value != "":
            item.setData(_STORED, value)
            item.setText(self._shown(column, value))
        return item

    def _shown(self, column: Field, value: Any) -> str:
        if column.type in (FieldType.INTEGER, FieldType.NUMBER) and column.name != "fiscal_year":
            return format_number(value) if isinstance(value, int | float) else str(value)
        if column.name == "fiscal_year":
            return str(value)  # typed back as it reads: 2024 (令和6年度 is read too)
        if column.type is FieldType.DATE and isinstance(value, str):
            # In the chosen style as the record pane shows it (令和6年12月20日, 2024年12月20日);
            # either form is read back if typed over.
            return format_date(value, self._style, self._tr.language)
        return row_cell(column, {column.name: value}, self._style, self._tr.language, self.files())

    def add_row(self, values: dict[str, Any] | None = None) -> None:
        self._filling = True
        row = self.table.rowCount()
        self.table.insertRow(row)
        for i, column in enumerate(self.field.columns):
            self.table.setItem(row, i, self._new_item(column, (values or {}).get(column.name)))
        self._filling = False
        self.table.setCurrentCell(row, 0)
        if values is None:
            self.changed.emit()

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def _move(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        self._filling = True
        items = [self.table.takeItem(row, c) for c in range(self.table.columnCount())]
        self.table.removeRow(row)
        self.table.insertRow(target)
        for c, item in enumerate(items):
            self.table.setItem(target, c, item)
        self._filling = False
        self.table.setCurrentCell(target, self.table.currentColumn())
        self.changed.emit()

    def move_up(self) -> None:
        self._move(-1)

    def move_down(self) -> None:
        self._move(1)

    def _cell_value(self, column: Field, item: QTableWidgetItem | None) -> Any:
        if item is None:
            return None
        stored = item.data(_STORED)
        if column.type is FieldType.BOOLEAN:
            if item.checkState() == Qt.CheckState.Checked:
                return True
            return False if item.data(_TOUCHED) or stored is False else None
        if stored is not None:
            return stored
        text = item.text().strip()
        if not text:
            return None
        if column.name == "file":
            by_name = {name: sha for sha, name in self.files().items()}
            return by_name.get(text, text)
        return typed_cell(column, text)

    def value(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for r in range(self.table.rowCount()):
            row = {}
            for c, column in enumerate(self.field.columns):
                value = self._cell_value(column, self.table.item(r, c))
                if value is not None:
                    row[column.name] = value
            if any(v is not False for v in row.values()):
                rows.append(row)
        return rows

    def set_value(self, value: Any) -> None:
        self.table.setRowCount(0)
        for row in value or []:
            if isinstance(row, dict):
                self.add_row(row)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self._tr.field_label(c) for c in self.field.columns])
        self.add_button.setText(self._tr.t("editor.rows.add"))
        self.buttons.retranslate()
        # Stored values read in the new language (a stage, a place); typed text stays.
        self._filling = True
        for r in range(self.table.rowCount()):
            for c, column in enumerate(self.field.columns):
                item = self.table.item(r, c)
                stored = item.data(_STORED) if item is not None else None
                if item is not None and stored is not None and column.type is not FieldType.BOOLEAN:
                    item.setText(self._shown(column, stored))
        self._filling = False

    def focus_target(self) -> QWidget:
        return self.table


def vocabulary_for(field: Field) -> Vocabulary | None:
    if field.name == "technologies":
        return TECHNOLOGIES
    return FIELD_VOCABULARIES.get(field.name)


def simple_editor(field: Field, tr: Translator, date_style: str) -> FieldEditor | None:
    """The editor for a field that needs nothing but the translator (None for the others)."""
    vocab = vocabulary_for(field)
    match field.type:
        case FieldType.STRING if field.choices is not None or (vocab and vocab.closed):
            values = field.choices or (vocab.values() if vocab else ())
            return ChoiceEditor(field, tr, values, vocab)
        case FieldType.STRING if vocab is not None:
            return OpenChoiceEditor(field, tr, vocab)
        case FieldType.STRING:
            return LineEditor(field, tr)
        case FieldType.INTEGER | FieldType.NUMBER:
            return NumberEditor(field, tr)
        case FieldType.BOOLEAN:
            return BoolEditor(field, tr)
        case FieldType.DATE:
            return DateEditor(field, tr, date_style)
        case FieldType.WARD:
            return WardEditor(field, tr)
        case FieldType.STRING_LIST:
            return StringListEditor(field, tr, vocab)
        case FieldType.WARD_LIST:
            # Municipalities by name or code, one a line; saving resolves them to codes.
            return StringListEditor(field, tr, None)
        case FieldType.ROWS:
            return RowsEditor(field, tr, date_style)
    return None
