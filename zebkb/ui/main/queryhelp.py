"""The query-syntax help shown from the search box, in the current language.

The syntax is the search engine's (zebkb/search/query.py): words, "phrases",
OR, -exclusion and field filters. Examples are the same in both languages;
the explanations come from the catalogs.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from zebkb.ui.core.browser import SafeTextBrowser
from zebkb.ui.core.i18n import Translator, bind

# (example typed in the search box, catalog key of its explanation)
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("清掃事務所 ZEB", "query.help.and"),
    ('"ZEB Ready"', "query.help.phrase"),
    ("太陽光 OR 地中熱", "query.help.or"),
    ("ZEB -住宅", "query.help.not"),
    ("種別:視察  type:visit", "query.help.type"),
    ("区:葛飾区  ward:131229", "query.help.ward"),
    ('ランク:"Nearly ZEB"  rank:ZEB', "query.help.rank"),
    ("年度:2024  年度:令和6  fy:2024", "query.help.fy"),
    ("タグ:断熱  tag:BEMS", "query.help.tag"),
    ("施設:宝木塚  facility:清掃", "query.help.facility"),
    ("後日対応:期限切れ  followup:overdue", "query.help.overdue"),
    ("ＺＥＢ  zeb", "query.help.width"),
    ("サーバー  取組  髙橋  第三回", "query.help.variants"),
)


def query_help_html(translator: Translator) -> str:
    t = translator.t
    rows = "".join(
        f"<tr><td><code>{html.escape(example)}</code></td><td>{html.escape(t(key))}</td></tr>"
        for example, key in EXAMPLES
    )
    return (
        f"<p>{html.escape(t('query.help.intro'))}</p>"
        f"<table><tr><th>{html.escape(t('query.help.example'))}</th>"
        f"<th>{html.escape(t('query.help.meaning'))}</th></tr>{rows}</table>"
    )


class QueryHelpDialog(QDialog):
    def __init__(self, translator: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tr = translator
        self.browser = SafeTextBrowser(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(self.buttons)
        self.resize(620, 460)
        bind(translator, self)

    def retranslate(self) -> None:
        self.setWindowTitle(self._tr.t("query.help.title"))
        self.browser.setHtml(query_help_html(self._tr))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(
            self._tr.t("common.close")
        )
