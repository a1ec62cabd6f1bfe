"""Typed window settings with their defaults in one place.

Each option is declared once below with its type, key and default; reading
a value that is missing, from an older zebkb or hand-edited into nonsense,
gives the default instead of an error. Values are stored as text in an INI
file (QSettings), at a path the caller chooses: tests give a temporary one.

The home ward is not here: it belongs to the knowledge base (the service
keeps it with the data, so it travels with the data folder).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QSettings, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")

SETTINGS_VERSION = 1
DATE_STYLES: tuple[str, ...] = ("western", "japanese")


@dataclass(frozen=True, slots=True)
class Option(Generic[T]):
    key: str
    default: T

    def encode(self, value: T) -> str:
        return str(value)

    def decode(self, raw: str) -> T:
        return raw  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class TextOption(Option[str]):
    pass


@dataclass(frozen=True, slots=True)
class ChoiceOption(Option[str]):
    choices: tuple[str, ...] = ()

    def decode(self, raw: str) -> str:
        if raw not in self.choices:
            raise ValueError(f"{raw!r} is not one of {self.choices}")
        return raw

    def encode(self, value: str) -> str:
        return self.decode(value)


@dataclass(frozen=True, slots=True)
class BoolOption(Option[bool]):
    def encode(self, value: bool) -> str:
        return "true" if value else "false"

    def decode(self, raw: str) -> bool:
        if raw not in ("true", "false"):
            raise ValueError(f"{raw!r} is not true or false")
        return raw == "true"


@dataclass(frozen=True, slots=True)
class PathOption(Option[Path | None]):
    def encode(self, value: Path | None) -> str:
        return "" if value is None else str(value)

    def decode(self, raw: str) -> Path | None:
        return Path(raw) if raw else None


@dataclass(frozen=True, slots=True)
class BytesOption(Option[bytes]):
    """Qt's saveGeometry()/saveState() blobs."""

    def encode(self, value: bytes) -> str:
        return base64.b64encode(bytes(value)).decode("ascii")

    def decode(self, raw: str) -> bytes:
        return base64.b64decode(raw.encode("ascii"), validate=True)


@dataclass(frozen=True, slots=True)
class IntListOption(Option[tuple[int, ...]]):
    """Column widths, splitter sizes."""

    def encode(self, value: Sequence[int]) -> str:
        return json.dumps([int(v) for v in value])

    def decode(self, raw: str) -> tuple[int, ...]:
        data = json.loads(raw)
        if not isinstance(data, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100_000 for v in data
        ):
            raise ValueError("not a list of sizes")
        return tuple(data)


# --- every option, with its default -------------------------------------------

DATA_DIR = PathOption("general/data_dir", None)  # None: the platform's default folder
LANGUAGE = ChoiceOption("general/language", "ja", choices=("ja", "en"))
FIRST_RUN_DONE = BoolOption("general/first_run_done", False)
DATE_STYLE = ChoiceOption("display/date_style", "western", choices=DATE_STYLES)
WINDOW_GEOMETRY = BytesOption("window/geometry", b"")
WINDOW_STATE = BytesOption("window/state", b"")

OPTIONS: tuple[Option[Any], ...] = (
    DATA_DIR,
    LANGUAGE,
    FIRST_RUN_DONE,
    DATE_STYLE,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
)


def default_settings_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("zebkb", appauthor=False)) / "zebkb.ini"


class Settings(QObject):
    """The window's settings file. ``changed`` carries the key that changed."""

    changed = Signal(str)

    def __init__(self, path: Path | str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)
        if self._qs.value("meta/version") is None:
            self._qs.setValue("meta/version", str(SETTINGS_VERSION))

    # --- generic access ------------------------------------------------------

    def get(self, option: Option[T]) -> T:
        raw = self._qs.value(option.key)
        if raw is None:
            return option.default
        try:
            return option.decode(str(raw))
        except (ValueError, TypeError) as exc:
            log.warning("setting %s ignored (%s); using the default", option.key, exc)
            return option.default

    def set(self, option: Option[T], value: T) -> None:
        encoded = option.encode(value)
        if self._qs.value(option.key) == encoded:
            return
        self._qs.setValue(option.key, encoded)
        self.changed.emit(option.key)

    def reset(self, option: Option[Any]) -> None:
        if self._qs.contains(option.key):
            self._qs.remove(option.key)
            self.changed.emit(option.key)

    def sync(self) -> None:
        """Write to disk now (QSettings also does on its own, and at exit)."""
        self._qs.sync()

    # --- the common ones, typed ------------------------------------------------

    @property
    def language(self) -> str:
        return self.get(LANGUAGE)

    @language.setter
    def language(self, value: str) -> None:
        self.set(LANGUAGE, value)

    @property
    def date_style(self) -> str:
        return self.get(DATE_STYLE)

    @date_style.setter
    def date_style(self, value: str) -> None:
        self.set(DATE_STYLE, value)

    @property
    def data_dir(self) -> Path | None:
        return self.get(DATA_DIR)

    @data_dir.setter
    def data_dir(self, value: Path | None) -> None:
        self.set(DATA_DIR, value)

    @property
    def first_run_done(self) -> bool:
        return self.get(FIRST_RUN_DONE)

    @first_run_done.setter
    def first_run_done(self, value: bool) -> None:
        self.set(FIRST_RUN_DONE, value)

    # --- sizes of named things: splitters, table columns per record kind -------

    def splitter_sizes(self, name: str) -> tuple[int, ...]:
        return self.get(IntListOption(f"window/splitters/{_safe(name)}", ()))

    def set_splitter_sizes(self, name: str, sizes: Sequence[int]) -> None:
        self.set(IntListOption(f"window/splitters/{_safe(name)}", ()), tuple(sizes))

    def column_widths(self, view: str) -> tuple[int, ...]:
        return self.get(IntListOption(f"window/columns/{_safe(view)}", ()))

    def set_column_widths(self, view: str, widths: Sequence[int]) -> None:
        self.set(IntListOption(f"window/columns/{_safe(view)}", ()), tuple(widths))


def _safe(name: str) -> str:
    if not name or not name.replace("_", "").replace("-", "").isalnum() or not name.isascii():
        raise ValueError(f"setting names are ASCII letters, digits, - and _: {name!r}")
    return name
