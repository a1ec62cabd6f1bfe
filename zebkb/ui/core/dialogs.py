"""One place that keeps the window's dialogs: open one or raise the open one, forget it on close.

Every dialog the window keeps a reference to is deleted by Qt when it closes
(``WA_DeleteOnClose``). A Python reference kept past that points at a C++
object that no longer exists, and the next use raises RuntimeError (the
import dialog opened a second time did exactly that). The manager drops its
reference as soon as the dialog finishes or is destroyed, so a name maps only
to a live dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QWidget

W = TypeVar("W", bound=QWidget)


class DialogManager(QObject):
    """Named dialogs, at most one of each name open at a time."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open: dict[str, QWidget] = {}
        # Which opening a name belongs to: a late signal of a closed dialog must not
        # forget the one opened after it under the same name.
        self._serial: dict[str, int] = {}
        self._next = 0

    def open(self, name: str, make: Callable[[], W], *, modal: bool = True) -> W:
        """Raise the open dialog called ``name``, or make, keep and open a new one.

        ``modal`` opens it window-modal (``QDialog.open``); otherwise it is shown
        beside the window.
        """
        existing = self._open.get(name)
        if existing is not None:
            existing.raise_()
            existing.activateWindow()
            return existing  # type: ignore[return-value]
        dialog = make()
        self.keep(name, dialog)
        if modal and isinstance(dialog, QDialog):
            dialog.open()
        else:
            dialog.show()
        return dialog

    def keep(self, name: str, dialog: QWidget) -> None:
        """Remember a dialog made elsewhere; it is deleted and forgotten when it closes."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._next += 1
        serial = self._next
        self._open[name] = dialog
        self._serial[name] = serial
        # Neither slot holds the dialog itself: a closure over it would keep the Python
        # wrapper alive past the C++ object, the very thing this class exists to prevent.
        dialog.destroyed.connect(lambda *_a, n=name, s=serial: self._forget(n, s))
        if isinstance(dialog, QDialog):
            dialog.finished.connect(lambda *_a, n=name, s=serial: self._forget(n, s))

    def _forget(self, name: str, serial: int) -> None:
        if self._serial.get(name) == serial:
            del self._open[name]
            del self._serial[name]

    def get(self, name: str) -> QWidget | None:
        """The open dialog of that name, or None."""
        return self._open.get(name)

    def __getitem__(self, name: str) -> QWidget:
        return self._open[name]

    def __contains__(self, name: object) -> bool:
        return name in self._open

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._open))

    def __len__(self) -> int:
        return len(self._open)
