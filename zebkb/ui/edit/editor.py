"""The record editor: one form per kind, built from the field declarations.

Every field of ``zebkb.domain.fields`` for the kind gets an input (a field
added there appears here by itself); the service assigns uid, origin,
timestamps and revision. The form validates as the person types (debounced)
with the same lenient rules the service applies, shows the message beside
the field it names, and keeps Save disabled while something is wrong. For a
case, the rank the figures support is shown live beside the stated one.

Saving goes through the runner's writer with the revision the editor
started from, so a record changed elsewhere in the meantime is not
overwritten unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import attachment_names
from zebkb.domain.fields import (
    ASSIGNED_FIELDS,
    COMMON_FIELDS,
    Field,
    FieldType,
    Kind,
    fields_for,
)
from zebkb.domain.ranks import RankCheck, check_rank, verdict_key
from zebkb.domain.rows import lines_to_rows
from zebkb.domain.validate import RecordError, read_field_value, validate_record
from zebkb.domain.vocab import RECORD_TYPES, ZEB_RANKS
from zebkb.errors import InputError, KnownError
from zebkb.glossary import term
from zebkb.render import RenderResult, render_markdown
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message
from zebkb.ui.edit.attachedit import AttachmentsEditor
from zebkb.ui.edit.casepicker import CaseListEditor, CaseRefEditor
from zebkb.ui.edit.fieldwidgets import FieldEditor, RowsEditor, TextEditor, simple_editor

if TYPE_CHECKING:
    from zebkb.service import KnowledgeBase
    from zebkb.ui.core.context import AppContext

VALIDATE_DELAY_MS = 250
# The form never shows these: the service assigns them, or they are not edited by hand.
NOT_EDITED = frozenset({*ASSIGNED_FIELDS, "type", "deleted"})
# Shown beside the form rather than in it: they want room.
SIDE_FIELDS = frozenset({"body", "attachments"})
ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #a05a00;"
OK_STYLE = "color: #2e6b30;"


class ChangedElsewhere(KnownError):
    """The record got a newer revision while it was open in the editor.

    ``deleted``: that revision deletes it (a colleague on another PC, in team
    mode); saving anyway brings the record back, so the question says so.
    """

    def __init__(self, current: int, edited: int, *, deleted: bool = False) -> None:
        super().__init__(
            f"the record was changed elsewhere (now revision {current}, you edited {edited})",
            message_ja=f"他の場所で更新されています（現在 第{current}版、編集元 第{edited}版）",
        )
        self.current = current
        self.edited = edited
        self.deleted = deleted


def save_record(kb: KnowledgeBase, data: dict[str, Any], expected: int | None) -> dict[str, Any]:
    """Runs on the writer thread: save, telling a concurrency refusal apart from the rest."""
    try:
        return kb.save(data, expected_revision=expected)
    except InputError:
        uid = data.get("uid")
        if expected is not None and uid:
            current = kb.get(uid)
            if current is not None and current.get("revision") != expected:
                raise ChangedElsewhere(
                    int(current["revision"]), expected, deleted=bool(current.get("deleted"))
                ) from None
        raise


def form_fields(kind: Kind | str) -> list[Field]:
    """The kind's editable fields in reading order: short common ones, the kind's own, then lists."""
    editable = [f for f in fields_for(kind) if f.name not in NOT_EDITED and not f.legacy]
    common = {f.name for f in COMMON_FIELDS}
    short_common = [
        f
        for f in editable
        if f.name in common and f.type not in (FieldType.TEXT, FieldType.STRING_LIST)
    ]
    own = [f for f in editable if f.name not in common]
    rest = [f for f in editable if f.name in common and f not in short_common]
    return short_common + own + rest


class RecordEditorDialog(QDialog):
    saved = Signal(dict)
    # After each validation: True when the form would save.
    validated = Signal(bool)

    def __init__(
        self,
        ctx: AppContext,
        kind: str,
        record: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.kind = Kind(kind)
        # Text lines of an older format (運用実績, attendance) open as rows: saving keeps
        # them so, and any line that cannot be read stays as it was.
        self._original: dict[str, Any] = lines_to_rows(record) if record else {}
        self._expected: int | None = self._original.get("revision")
        # Every problem the form has now, by field ("" for the record as a whole).
        self._errors: dict[str, RecordError] = {}
        # A field's problem is shown once the person has changed it, or after a save
        # attempt: a blank new form does not open full of "required" messages.
        self._touched: set[str] = set()
        self._show_all = False
        self._general: tuple[str, str] | None = None
        self._saving = False
        # Save was pressed while a file was still being added: save once it is in.
        self._save_after_files = False
        self.editors: dict[str, FieldEditor] = {}
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        self.rank_label: QLabel | None = None
        self._build()
        materials, attachments = self.editors.get("materials"), self.editors.get("attachments")
        if isinstance(materials, RowsEditor) and attachments is not None:
            # A material names one of the record's files: the ones attached right now.
            materials.files = lambda: attachment_names({"attachments": attachments.value()})
        if isinstance(attachments, AttachmentsEditor):
            attachments.filesAdded.connect(self._files_settled)
        for name, editor in self.editors.items():
            editor.set_value(self._original.get(name))
        self._baseline = self.record_data()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate_now)
        for name, editor in self.editors.items():
            editor.changed.connect(lambda *_a, name=name: self._touch(name))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        bind(ctx.tr, self)
        self.validate_now()
        if not self.is_editing:
            self._fill_home_ward()
        self.resize(1100, 760)
        # The form wants the wider share; the body and files beside it.
        self.splitter.setSizes([660, 440])
        # Ctrl+E, Ctrl+N: typing goes into the first field (the title), not the form's
        # scroll area, which Qt would otherwise give the focus as the first widget.
        first = next(iter(self.editors.values()), None)
        if first is not None:
            first.focus_target().setFocus()

    # --- building ----------------------------------------------------------------

    @property
    def is_editing(self) -> bool:
        return bool(self._original.get("uid"))

    def _make_editor(self, field: Field) -> FieldEditor:
        ctx = self._ctx
        editor = simple_editor(field, ctx.tr, ctx.settings.date_style)
        if editor is not None:
            return editor
        match field.type:
            case FieldType.TEXT:
                return TextEditor(field, ctx.tr, preview=field.name == "body",
                                  render_in_background=self._render_in_background)  # fmt: skip
            case FieldType.UID:
                return CaseRefEditor(field, ctx)
            case FieldType.UID_LIST:
                return CaseListEditor(field, ctx)
            case FieldType.ATTACHMENTS:
                return AttachmentsEditor(field, ctx)
        raise ValueError(f"no editor for field type {field.type}")

    def _row(self, field: Field) -> tuple[QLabel, QWidget]:
        editor = self._make_editor(field)
        self.editors[field.name] = editor
        label = QLabel()
        label.setBuddy(editor.focus_target())
        label.setWordWrap(True)
        label.setMinimumWidth(110)
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.hide()
        self.labels[field.name] = label
        self.errors[field.name] = error
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        column.addWidget(error)
        return label, box

    def _build(self) -> None:
        form_host = QWidget()
        form = QFormLayout(form_host)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        for field in form_fields(self.kind):
            label, box = self._row(field)
            if field.name in SIDE_FIELDS:
                side_layout.addWidget(label)
                side_layout.addWidget(box, 1 if field.type is FieldType.TEXT else 0)
            else:
                form.addRow(label, box)
            if field.name == "zeb_rank":
                self.rank_label = QLabel()
                self.rank_label.setWordWrap(True)
                self.rank_label.setTextFormat(Qt.TextFormat.PlainText)
                form.addRow("", self.rank_label)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(form_host)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _render_in_background(self, text: str, show: Callable[[RenderResult], None]) -> None:
        QueryOp(self, lambda: render_markdown(text), runner=self._ctx.runner).success(
            show
        ).run_in_background()

    def _fill_home_ward(self) -> None:
        """A new record is about the home ward unless the person says otherwise."""
        editor = self.editors.get("ward")
        if editor is None:
            return
        kb = self._ctx.kb

        def apply(code: str | None) -> None:
            untouched = self.record_data() == self._baseline
            if code and editor.value() is None:
                editor.set_value(code)
                if untouched:
                    self._baseline = self.record_data()

        QueryOp(self, lambda: kb.home_ward, runner=self._ctx.runner).success(
            apply
        ).run_in_background()

    # --- values ----------------------------------------------------------------------

    def record_data(self) -> dict[str, Any]:
        """What would be saved: the record as opened (unknown fields kept) with the form's values."""
        data = dict(self._original)
        data.pop("deleted", None)
        data["type"] = self.kind.value
        for name, editor in self.editors.items():
            data[name] = editor.value()
        return data

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill fields programmatically (a copy of another record, tests)."""
        for name, value in values.items():
            if name in self.editors:
                self.editors[name].set_value(value)
        self._timer.start()

    def is_dirty(self) -> bool:
        return self.record_data() != self._baseline

    # --- validation --------------------------------------------------------------------

    def _touch(self, name: str) -> None:
        self._touched.add(name)
        self._timer.start()

    def field_problems(self, data: dict[str, Any]) -> dict[str, RecordError]:
        """Every field's own problem at once (the record check stops at the first)."""
        problems: dict[str, RecordError] = {}
        for field in form_fields(self.kind):
            value = data.get(field.name)
            blank = value is None or (isinstance(value, str) and not value.strip())
            if blank or value == []:
                if field.required and blank:
                    problems[field.name] = RecordError(
                        "is required", "必須項目です", field=field.name
                    )
                continue
            try:
                read_field_value(field, value)
            except RecordError as exc:
                problems[field.name] = exc
        return problems

    def validate_now(self) -> bool:
        self._timer.stop()
        data = self.record_data()
        errors = self.field_problems(data)
        clean = data
        if not errors:
            # Rules across fields (a certification date needs a certified rank...).
            try:
                clean = validate_record(data, strict=False)
            except RecordError as exc:
                errors[exc.field or ""] = exc
        self._errors = errors
        self._show_errors()
        if self.kind is Kind.CASE:
            self._show_rank(check_rank(clean))
        ok = not errors
        self.save_button.setEnabled(ok and not self._saving and not self._save_after_files)
        self.validated.emit(ok)
        return ok

    def _show_errors(self) -> None:
        tr = self._ctx.tr
        en = tr.language == "en"
        for label in self.errors.values():
            label.hide()
        lines: list[str] = []
        style = self._ctx.settings.date_style  # a fiscal year in a message reads as dates do
        for name, exc in self._errors.items():
            target = self.errors.get(name)
            if target is None:
                lines.append(exc.message(tr.language, style))
            elif self._show_all or name in self._touched:
                target.setText(exc.short_message(tr.language, style))
                target.show()
        if self._errors:
            # Save is greyed: say why, naming every field still in the way.
            names = [tr.field_label(f) for f in form_fields(self.kind) if f.name in self._errors]
            if names:
                sep = ", " if en else "、"
                lines.insert(0, tr.t("editor.cannot_save", fields=sep.join(names)))
        if self._general is not None:
            lines.append(self._general[1] if en else self._general[0])
        self.message.setText("\n".join(lines))
        self.message.setVisible(bool(lines))
        self.save_button.setToolTip(
            "\n".join(lines)
            if self._errors
            else QKeySequence(QKeySequence.StandardKey.Save).toString()
        )

    def field_error(self, name: str) -> str:
        """The message shown beside a field ('' when none)."""
        label = self.errors[name]
        return label.text() if not label.isHidden() else ""

    def _show_rank(self, check: RankCheck) -> None:
        if self.rank_label is None:
            return
        t = self._ctx.tr.t
        en = self._ctx.tr.language == "en"
        rank = check.supported.rank
        lang = self._ctx.tr.language
        shown = ZEB_RANKS.label(rank, lang) if rank else term(verdict_key(check.supported), lang)
        text = t("editor.rank.supported", rank=shown)
        detail = check.message_en if en else check.message_ja
        self.rank_label.setText(f"{text}\n{detail}")
        if check.overstated:
            style = ERROR_STYLE
        elif check.attention:
            style = WARNING_STYLE
        else:
            style = OK_STYLE if check.confirmed else "color: #555555;"
        self.rank_label.setStyleSheet(style)
        self.rank_overstated = check.overstated

    # --- saving -----------------------------------------------------------------------

    def save(self) -> None:
        self._show_all = True
        if self._saving or not self.validate_now():
            self._focus_first_problem()
            return
        attachments = self.editors.get("attachments")
        if isinstance(attachments, AttachmentsEditor) and attachments.storing:
            # The record is read from the form now: wait for the file, then save with it.
            self._save_after_files = True
            self.save_button.setEnabled(False)
            return
        data = self.record_data()
        expected = self._expected
        kb = self._ctx.kb
        self._saving = True
        self._general = None
        self.save_button.setEnabled(False)
        CollectionOp(
            self, lambda: save_record(kb, data, expected), runner=self._ctx.runner
        ).success(self._saved).failure(self._save_failed).run_in_background()

    def _files_settled(self, _added: int, refused: int) -> None:
        attachments = self.editors.get("attachments")
        if not self._save_after_files or (
            isinstance(attachments, AttachmentsEditor) and attachments.storing
        ):
            return
        self._save_after_files = False
        if refused:
            # A file was refused: the dialog stays open to say which and why.
            self.validate_now()
            return
        self.save()

    def _focus_first_problem(self) -> None:
        for field in form_fields(self.kind):
            if field.name in self._errors:
                self.editors[field.name].focus_target().setFocus()
                return

    def _saved(self, record: dict[str, Any]) -> None:
        self._saving = False
        self._original = dict(record)
        self._expected = record.get("revision")
        self._baseline = self.record_data()
        self.saved.emit(record)
        self.done(QDialog.DialogCode.Accepted)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        if isinstance(exc, ChangedElsewhere):
            if self.ask_overwrite(exc):
                # The other version stays in the record's history and can be restored.
                self._expected = exc.current
                self.save()
                return
            kept = "editor.deleted.kept" if exc.deleted else "editor.conflict.kept"
            self._general = (
                self._ctx.tr.t(kept, current=exc.current),
                self._ctx.tr.t(kept, current=exc.current),
            )
        else:
            message = user_message(exc, self._ctx.tr, self._ctx.settings.date_style)
            self._general = (message, message)
        self.validate_now()

    def ask_overwrite(self, exc: ChangedElsewhere) -> bool:
        t = self._ctx.tr.t
        words = "editor.deleted" if exc.deleted else "editor.conflict"
        answer = QMessageBox.question(
            self,
            t(f"{words}.title"),
            t(f"{words}.text", current=exc.current, edited=exc.edited),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # --- leaving ----------------------------------------------------------------------

    def confirm_discard(self) -> bool:
        t = self._ctx.tr.t
        answer = QMessageBox.question(
            self,
            t("editor.discard.title"),
            t("editor.discard.text"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        if self.is_dirty() and not self.confirm_discard():
            return
        super().reject()

    def done(self, result: int) -> None:
        # Debounced validation, preview and searches have nothing left to do.
        for timer in self.findChildren(QTimer):
            timer.stop()
        super().done(result)

    # --- language ------------------------------------------------------------------------

    def retranslate(self) -> None:
        tr = self._ctx.tr
        t = tr.t
        kind_label = RECORD_TYPES.label(self.kind.value, tr.language)
        key = "editor.title.edit" if self.is_editing else "editor.title.new"
        self.setWindowTitle(t(key, kind=kind_label))
        for field in form_fields(self.kind):
            text = tr.field_label(field)
            self.labels[field.name].setText(f"{text} *" if field.required else text)
            self.editors[field.name].retranslate()
        self.save_button.setText(t("editor.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("common.cancel"))
        if hasattr(self, "_timer"):
            self.validate_now()
