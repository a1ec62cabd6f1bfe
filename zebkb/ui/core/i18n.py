"""Interface texts in Japanese (the default) and English, switchable at run time.

Catalogs are flat JSON objects (key → text with ``{name}`` placeholders) in
``assets/i18n/<lang>.json``. A widget that shows texts has a ``retranslate()``
method that sets them all from ``translator.t(...)``; ``bind`` calls it once
and again whenever the language changes, so switching never rebuilds a
window and never loses what the user was typing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import cache
from importlib.resources import files
from typing import Any, Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QDialogButtonBox

from zebkb.domain.fields import Field
from zebkb.glossary import expand
from zebkb.strictjson import loads
from zebkb.textfill import fill

log = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("ja", "en")
DEFAULT_LANGUAGE = "ja"
LANGUAGE_NAMES: Mapping[str, str] = {"ja": "日本語", "en": "English"}


class Retranslatable(Protocol):
    def retranslate(self) -> None: ...


@cache
def load_catalog(lang: str) -> Mapping[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language: {lang!r} (known: {', '.join(LANGUAGES)})")
    raw = (files("zebkb.assets") / "i18n" / f"{lang}.json").read_text(encoding="utf-8")
    data = loads(raw)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"catalog {lang}.json must map text keys to texts")
    # Labels come from the one glossary (zebkb/glossary.py): "[[field.type]]" → 種別 / Type.
    return {key: expand(text, lang) for key, text in data.items()}


class Translator(QObject):
    """Looks texts up in the current language; tells widgets when it changes."""

    languageChanged = Signal(str)

    def __init__(self, lang: str = DEFAULT_LANGUAGE, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._catalog = load_catalog(self._lang)

    @property
    def language(self) -> str:
        return self._lang

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language: {lang!r} (known: {', '.join(LANGUAGES)})")
        if lang == self._lang:
            return
        self._lang = lang
        self._catalog = load_catalog(lang)
        self.languageChanged.emit(lang)

    def t(self, key: str, **fmt: Any) -> str:
        """The text for ``key``; a missing key shows as itself rather than failing."""
        template = self._catalog.get(key)
        if template is None:
            log.warning("no %s text for %r", self._lang, key)
            return key
        if not fmt:
            return template
        if str(fmt.get("n", "")).strip() == "1":
            # English says "1 record", "2 records": a count of one may have its own text.
            template = self._catalog.get(f"{key}.one", template)
        try:
            return fill(template, **fmt)
        except (KeyError, IndexError, ValueError):
            log.warning("text %r (%s) does not fit its arguments", key, self._lang)
            return template

    def field_label(self, field: Field) -> str:
        """Record field labels are declared with the fields (domain/fields.py)."""
        if self._lang == "ja":
            return field.label_ja or field.name
        return field.label_en or field.name


def bind(translator: Translator, widget: Retranslatable) -> None:
    """Set ``widget``'s texts now and after every language change."""
    widget.retranslate()
    if isinstance(widget, QObject):
        # A bound slot of a QObject is disconnected by Qt when the widget is
        # destroyed; a lambda would outlive it and call into a deleted object.
        translator.languageChanged.connect(widget.retranslate)
    else:
        translator.languageChanged.connect(lambda _lang: widget.retranslate())


class ButtonNames(QObject):
    """A button box's standard buttons named in our words (はじめる, プレビュー), kept so.

    Qt names standard buttons itself whenever its translator changes, by a
    LanguageChange event that reaches the box after the window's retranslate
    has run: はじめる became OK again. The names are put back once Qt is done.
    """

    def __init__(
        self,
        box: QDialogButtonBox,
        names: Callable[[], Mapping[QDialogButtonBox.StandardButton, str]],
    ) -> None:
        super().__init__(box)
        self._box = box
        self._names = names
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self.apply)
        box.installEventFilter(self)

    def apply(self) -> None:
        for which, text in self._names().items():
            button = self._box.button(which)
            if button is not None:
                button.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._box and event.type() == QEvent.Type.LanguageChange:
            self._later.start()  # after the box has renamed its buttons
        return False


# Texts of Qt's own dialogs that its shipped catalog (qtbase_ja.qm in the PySide6
# wheel) leaves untranslated: the accelerated forms in QFileDialog.
QT_GAPS: Mapping[str, Mapping[tuple[str, str], str]] = {
    "ja": {
        ("QFileDialog", "&Look in:"): "場所(&L):",
        ("QFileDialog", "Files of &type:"): "ファイルの種類(&T):",
        # The file list's 種類 column (QFileSystemModel asks the icon provider).
        ("QAbstractFileIconProvider", "Folder"): "フォルダー",
        ("QAbstractFileIconProvider", "Drive"): "ドライブ",
        ("QAbstractFileIconProvider", "File"): "ファイル",
        ("QAbstractFileIconProvider", "%1 File"): "%1 ファイル",
        ("QAbstractFileIconProvider", "Shortcut"): "ショートカット",
        ("QAbstractFileIconProvider", "Unknown"): "不明",
    },
}


def window_locale(lang: str) -> QLocale:
    """The locale Qt's own widgets use for the window's language.

    English keeps the PC's own conventions when it is an English locale, else US English.
    """
    if lang == "ja":
        return QLocale(QLocale.Language.Japanese, QLocale.Country.Japan)
    system = QLocale.system()
    if system.language() == QLocale.Language.English:
        return system
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


class _QtGaps(QTranslator):
    """Answers only the few texts in QT_GAPS; everything else falls through to qtbase."""

    def __init__(self, texts: Mapping[tuple[str, str], str], parent: QObject) -> None:
        super().__init__(parent)
        self._texts = texts

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None (a null QString) lets Qt ask the next translator; "" would blank the text.
        return self._texts.get((context, source))

    def isEmpty(self) -> bool:
        return False


class QtTexts(QObject):
    """Qt's own texts (standard buttons OK/キャンセル/はい, file dialogs) in the window's language.

    Loads ``qtbase_<lang>.qm`` from Qt's translations folder and swaps it when the
    language changes; Qt then sends every widget a LanguageChange, so standard
    buttons already on screen follow.
    """

    def __init__(self, translator: Translator, app: QCoreApplication) -> None:
        super().__init__(translator)
        self._app = app
        self.installed: list[QTranslator] = []
        translator.languageChanged.connect(self.apply)
        self.apply(translator.language)

    def apply(self, lang: str) -> None:
        for old in self.installed:
            self._app.removeTranslator(old)
        self.installed = []
        # Qt's own widgets (the file dialog's dates, a calendar's month names) format by the
        # default locale: the window's language, not the PC's (a C locale wrote "3 12 2026").
        QLocale.setDefault(window_locale(lang))
        if lang == "en":
            return  # Qt's own texts are English
        base = QTranslator(self)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if base.load(f"qtbase_{lang}", folder):
            self.installed.append(base)
        else:
            log.warning("Qt's %s translations are missing from %s", lang, folder)
        gaps = QT_GAPS.get(lang)
        if gaps:
            self.installed.append(_QtGaps(gaps, self))
        for translator in self.installed:
            self._app.installTranslator(translator)
