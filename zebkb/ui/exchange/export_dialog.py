"""Export a bundle: choose the scope, attachments and an e-mail size cap, see the size first.

Scopes: everything; what changed since the last export to a chosen ward;
what changed since a date; the records selected in the list. The expected
size is worked out off the GUI thread whenever a choice changes (the record
lines compressed as the writer would, plus the attachment files), so the
user knows before writing whether it fits an e-mail. Writing runs on the
single writer with progress and cancel; the result names every part and
offers to show the folder.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from zebkb.display import file_size, ward_label
from zebkb.domain.canonical import canonical_json
from zebkb.domain.wards import WARDS
from zebkb.glossary import aside
from zebkb.ui.core.i18n import bind
from zebkb.ui.core.ops import CollectionOp, QueryOp, user_message

if TYPE_CHECKING:
    from zebkb.service import KnowledgeBase
    from zebkb.service.exchange import ExportResult
    from zebkb.ui.core.context import AppContext

SCOPES = ("all", "peer", "since", "selected")
DEFAULT_CAP_MB = 10.0
# Manifest, signature and ZIP headers: small beside any real export.
OVERHEAD_BYTES = 2048
PER_ENTRY_BYTES = 120


@dataclass(frozen=True)
class ExportChoice:
    scope: str
    peer: str | None  # the ward it is for (required for the "peer" scope)
    since: datetime | None
    uids: tuple[str, ...]
    include_attachments: bool
    max_size: int | None
    dest: Path

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``export_bundle`` for this choice."""
        return {
            "since": self.since if self.scope == "since" else None,
            "peer": self.peer if self.scope == "peer" else None,
            "uids": list(self.uids) if self.scope == "selected" else None,
            "include_attachments": self.include_attachments,
            "max_size": self.max_size,
        }


@dataclass(frozen=True)
class Estimate:
    records: int
    attachments: int
    size: int  # bytes, expected
    parts: int  # with the cap, at least


def estimate_export(kb: KnowledgeBase, choice: ExportChoice) -> Estimate:
    """What the export would hold and about how large it would be (nothing is written)."""

    args = choice.arguments()
    # The exporter's own choice of records, so the estimate holds what the export will.
    records, _cutoff = kb.select_for_export(
        since=args["since"], peer=args["peer"], uids=args["uids"]
    )
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    compressed = 0
    files: dict[str, int] = {}
    for record in records:
        compressed += len(packer.compress(canonical_json(record) + b"\n"))
        if choice.include_attachments:
            for att in record.get("attachments") or ():
                files[att["sha256"]] = int(att.get("size") or 0)
    compressed += len(packer.flush())
    # The export carries the files this PC has and, in team mode, those the team's
    # database has that this PC has not opened yet (it fetches them); not the others.
    absent = {digest for digest in files if not kb.files.has(digest)}
    for digest in absent - kb.shared_digests(absent):
        del files[digest]
    size = OVERHEAD_BYTES + compressed + sum(files.values()) + PER_ENTRY_BYTES * len(files)
    parts = 1
    if choice.max_size:
        parts = max(1, -(-size // choice.max_size))
    return Estimate(len(records), len(files), size, parts)


def size_text(size: int, lang: str) -> str:
    return file_size(size, lang)


class ExportDialog(QDialog):
    # After the estimate for the current choice is shown.
    estimated = Signal(object)
    # After the bundle was written (ExportResult), or the writing was cancelled (None).
    exported = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        selected: Sequence[str] = (),
        parent: QWidget | None = None,
        *,
        prefer_selected: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.selected = tuple(selected)
        self._prefer_selected = prefer_selected
        self.estimate: Estimate | None = None
        # Not named result: that would hide QDialog.result().
        self.written: ExportResult | None = None
        self.export_handle: Any = None
        # The destination the save dialog confirmed (it asks before replacing a file).
        self._confirmed: Path | None = None
        self._estimate_seq = 0
        self.setMinimumWidth(560)

        self.scope_box = QGroupBox()
        self.scope_group = QButtonGroup(self)
        self.scope_buttons: dict[str, QRadioButton] = {}
        scope_layout = QFormLayout(self.scope_box)
        self.peer = QComboBox()
        home = ctx.kb.home_ward
        for ward in WARDS:
            if ward.code != home:
                self.peer.addItem("", ward.code)
        self.since = QDateEdit()
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        today = ctx.kb.clock().date()
        self.since.setDate(QDate(today.year, today.month, 1))
        for n, scope in enumerate(SCOPES):
            button = QRadioButton()
            self.scope_group.addButton(button, n)
            self.scope_buttons[scope] = button
            field = {"peer": self.peer, "since": self.since}.get(scope)
            if field is None:
                scope_layout.addRow(button)
            else:
                scope_layout.addRow(button, field)
        self.scope_buttons["selected"].setEnabled(bool(self.selected))
        self.scope_buttons["all"].setChecked(True)
        self.recipient_label = QLabel()
        self.recipient = QComboBox()
        self.recipient.addItem("", None)
        for ward in WARDS:
            if ward.code != home:
                self.recipient.addItem("", ward.code)

        self.attachments = QCheckBox()
        self.attachments.setChecked(True)
        self.cap = QCheckBox()
        self.cap_mb = QDoubleSpinBox()
        # The writer's smallest part is 10 kB.
        self.cap_mb.setRange(0.01, 2000.0)
        self.cap_mb.setDecimals(2)
        self.cap_mb.setValue(DEFAULT_CAP_MB)
        self.cap_mb.setSuffix(" MB")
        self.cap_mb.setEnabled(False)
        self.dest = QLineEdit()
        self.browse = QPushButton()
        self.size_label = QLabel()
        self.size_label.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.export_button = QPushButton()
        self.export_button.setDefault(True)
        self.show_folder = QPushButton()
        self.show_folder.hide()
        self.close_button = QPushButton()

        options = QFormLayout()
        options.addRow(self.recipient_label, self.recipient)
        options.addRow(self.attachments)
        cap_row = QHBoxLayout()
        cap_row.addWidget(self.cap)
        cap_row.addWidget(self.cap_mb)
        cap_row.addStretch(1)
        options.addRow(cap_row)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest, 1)
        dest_row.addWidget(self.browse)
        self.dest_label = QLabel()
        options.addRow(self.dest_label, dest_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_folder)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope_box)
        layout.addLayout(options)
        layout.addWidget(self.size_label)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)

        self.scope_group.idToggled.connect(self._scope_toggled)
        self.peer.currentIndexChanged.connect(self._peer_changed)
        self.since.dateChanged.connect(lambda _d: self._changed())
        self.attachments.toggled.connect(lambda _on: self._changed())
        self.cap.toggled.connect(self.cap_mb.setEnabled)
        self.cap.toggled.connect(lambda _on: self._changed())
        self.cap_mb.valueChanged.connect(lambda _v: self._changed())
        self.dest.textChanged.connect(lambda _t: self._update_buttons())
        self.browse.clicked.connect(self.choose_destination)
        self.export_button.clicked.connect(self.start_export)
        self.show_folder.clicked.connect(self.open_folder)
        self.close_button.clicked.connect(self.reject)
        bind(ctx.tr, self)
        # ファイル → 書き出し… sends everything unless told otherwise: the record that
        # happens to be selected in the list is one choice, not the default. A command
        # about the selection ("export the selected") asks for it.
        if self.selected and self._prefer_selected:
            self.scope_buttons["selected"].setChecked(True)
        self._changed()

    def retranslate(self) -> None:
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        self.setWindowTitle(t("export.title"))
        self.scope_box.setTitle(t("export.scope"))
        for scope, button in self.scope_buttons.items():
            button.setText(t(f"export.scope.{scope}.choice", n=len(self.selected)))
        for combo in (self.peer, self.recipient):
            for i in range(combo.count()):
                code = combo.itemData(i)
                combo.setItemText(i, ward_label(code, lang) if code else t("export.recipient.none"))
        self.recipient_label.setText(t("export.recipient"))
        self.attachments.setText(t("export.attachments"))
        self.cap.setText(t("export.cap"))
        self.dest_label.setText(t("export.dest"))
        self.browse.setText(t("export.browse"))
        self.export_button.setText(t("export.write"))
        self.show_folder.setText(t("export.show_folder"))
        self.close_button.setText(t("common.close"))
        self._show_estimate()
        if self.written is not None:
            self.result_label.setText(self.result_text(self.written))

    # --- the choice ----------------------------------------------------------------------------

    def scope(self) -> str:
        return SCOPES[max(self.scope_group.checkedId(), 0)]

    def choice(self) -> ExportChoice:
        scope = self.scope()
        picked = self.since.date()
        day = date(picked.year(), picked.month(), picked.day())
        since = datetime.combine(day, time(0, 0), tzinfo=self.ctx.kb.clock().tzinfo)
        if since.tzinfo is None:
            since = since.astimezone()
        peer = self.peer.currentData() if scope == "peer" else self.recipient.currentData()
        max_size = int(self.cap_mb.value() * 1000**2) if self.cap.isChecked() else None
        return ExportChoice(
            scope=scope,
            peer=peer,
            since=since,
            uids=self.selected,
            include_attachments=self.attachments.isChecked(),
            max_size=max_size,
            dest=Path(self.dest.text().strip()) if self.dest.text().strip() else Path(),
        )

    def _peer_changed(self) -> None:
        # The ward an export "since the last one to it" goes to is its recipient too.
        index = self.recipient.findData(self.peer.currentData())
        if index >= 0:
            self.recipient.setCurrentIndex(index)
        self._changed()

    def _scope_toggled(self, _id: int, on: bool) -> None:
        if on:
            self._changed()

    def _changed(self) -> None:
        scope = self.scope()
        self.peer.setEnabled(scope == "peer")
        self.since.setEnabled(scope == "since")
        self.recipient.setEnabled(scope != "peer")
        if scope == "peer":
            self.recipient.setCurrentIndex(max(self.recipient.findData(self.peer.currentData()), 0))
        self._suggest_name()
        self._update_buttons()
        self._estimate()

    def _suggest_name(self) -> None:
        """A name that says from whom, for whom and when, unless the user typed one."""
        if self.dest.isModified():
            return
        folder = Path(self.dest.text()).parent if self.dest.text() else Path.home()
        home = self.ctx.kb.home_ward or "zebkb"
        peer = self.choice().peer
        stamp = self.ctx.kb.clock().strftime("%Y%m%d")
        name = f"{home}-{peer}-{stamp}.zebkb" if peer else f"{home}-{stamp}.zebkb"
        self.dest.setText(str(folder / name))

    def _estimate(self) -> None:
        self._estimate_seq += 1
        seq = self._estimate_seq
        kb, choice = self.ctx.kb, self.choice()
        self.size_label.setText(self.ctx.tr.t("export.estimating"))
        QueryOp(self, lambda: estimate_export(kb, choice), runner=self.ctx.runner).success(
            lambda est: self._estimated(seq, est)
        ).failure(
            lambda exc: self.size_label.setText(user_message(exc, self.ctx.tr))
        ).run_in_background()

    def _estimated(self, seq: int, estimate: Estimate) -> None:
        if seq != self._estimate_seq:
            return  # the choice changed meanwhile
        self.estimate = estimate
        self._show_estimate()
        self._update_buttons()
        self.estimated.emit(estimate)

    def _show_estimate(self) -> None:
        est = self.estimate
        if est is None:
            return
        t = self.ctx.tr.t
        text = t(
            "export.estimate",
            records=f"{est.records:,}",
            files=f"{est.attachments:,}",
            size=size_text(est.size, self.ctx.tr.language),
        )
        if est.parts > 1:
            text += " " + t("export.estimate_parts", parts=est.parts)
        if est.records == 0:
            text += " " + t("export.nothing")
        self.size_label.setText(text)

    def _update_buttons(self) -> None:
        busy = self.export_handle is not None
        empty = self.estimate is not None and self.estimate.records == 0
        self.export_button.setEnabled(bool(self.dest.text().strip()) and not busy and not empty)

    def choose_destination(self) -> None:
        t = self.ctx.tr.t
        name, _filter = QFileDialog.getSaveFileName(
            self, t("export.dest"), self.dest.text(), f"{t('import.filter')} (*.zebkb)"
        )
        if name:
            path = Path(name)
            if path.suffix.lower() != ".zebkb":
                path = path.with_name(path.name + ".zebkb")
            self.dest.setText(str(path))
            self.dest.setModified(True)
            # The save dialog asked before this name was taken over an existing file.
            self._confirmed = path

    # --- writing ---------------------------------------------------------------------------------

    def start_export(self) -> None:
        from zebkb.service.exchange import ExportCancelled

        choice = self.choice()
        if self.export_handle is not None or not str(choice.dest) or choice.dest == Path():
            return
        if choice.scope == "peer" and not choice.peer:
            self.size_label.setText(self.ctx.tr.t("export.need_peer"))
            return
        if not self._may_replace(Path(choice.dest)):
            return
        kb = self.ctx.kb

        def work(reporter: Any) -> ExportResult | None:
            try:
                result = kb.export_bundle(
                    choice.dest,
                    progress=reporter.report,
                    cancel=reporter.is_cancelled,
                    # The save dialog asked before an existing file is replaced.
                    overwrite=True,
                    recipient=choice.peer,
                    **choice.arguments(),
                )
            except ExportCancelled:
                return None
            return result

        self.result_label.setText("")
        self.show_folder.hide()
        op = (
            CollectionOp(self, work, runner=self.ctx.runner)
            .with_progress(self.ctx.tr.t("export.writing"))
            .success(self._written)
            .failure(self._failed)
            .cancelled(lambda: self._written(None))
        )
        self.export_handle = op.run_in_background()
        self._update_buttons()

    def _may_replace(self, dest: Path) -> bool:
        """A file already there is replaced only when the person said so: in the save dialog,
        or here for a name typed or suggested (the same ward-and-day name a second time)."""
        if dest == self._confirmed or not dest.is_file():
            return True
        t = self.ctx.tr.t
        answer = QMessageBox.question(
            self,
            t("export.replace.title"),
            t("export.replace.question", name=dest.name, folder=str(dest.parent)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _written(self, result: ExportResult | None) -> None:
        self.export_handle = None
        self.written = result
        self._update_buttons()
        if result is None:
            self.result_label.setText(self.ctx.tr.t("export.cancelled"))
        else:
            self.result_label.setText(self.result_text(result))
            self.show_folder.show()
            self.dest.setModified(False)
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.export_handle = None
        self._update_buttons()
        message = user_message(exc, self.ctx.tr)
        self.result_label.setText(self.ctx.tr.t("export.failed", reason=message))
        self.failed.emit(message)

    def result_text(self, result: ExportResult) -> str:
        t = self.ctx.tr.t
        lang = self.ctx.tr.language
        lines = [
            t(
                "export.done",
                records=f"{result.records:,}",
                files=f"{result.attachments:,}",
                parts=len(result.parts),
            )
        ]
        for part in result.parts:
            lines.append(f"・{part.path.name}{aside(size_text(part.size, lang), lang)}")
        if result.oversize:
            lines.append(t("export.oversize", n=len(result.oversize)))
        if result.omitted:
            lines.append(t("export.omitted", n=len(result.omitted)))
        return "\n".join(lines)

    def folder(self) -> Path | None:
        if self.written is None or not self.written.parts:
            return None
        return self.written.parts[0].path.parent

    def open_folder(self) -> None:
        folder = self.folder()
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def reject(self) -> None:
        if self.export_handle is not None:
            return  # cancel the writing from its progress dialog first
        super().reject()
