"""The English window names things in English: field labels, vocabulary values, places.

Record text people typed (titles, bodies, free notes) stays as written; what
zebkb itself names — a field, a listed term, a ward, a rank status — must not
show in Japanese in the English window (issue: 福祉施設, ガス給湯器, 葛飾区 beside
Katsushika).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, make_ctx

from zebkb.domain.fields import FieldType, fields_for
from zebkb.domain.vocab import FIELD_VOCABULARY_NAMES
from zebkb.ui.main.detail import DetailPane, load_detail

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Values zebkb formats or names itself, whatever the record says.
NAMED_TYPES = {
    FieldType.WARD,
    FieldType.WARD_LIST,
    FieldType.DATE,
    FieldType.TIMESTAMP,
    FieldType.BOOLEAN,
    FieldType.NUMBER,
    FieldType.INTEGER,
}


class _Rows(HTMLParser):
    """(label, value) of each <tr><th>…</th><td>…</td></tr>, and the text before the title."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: str | None = None
        self.first_p: str | None = None
        self.in_p = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = ""
        elif tag == "p" and self.first_p is None:
            self.in_p, self.first_p = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.cell is not None and self.rows:
            self.rows[-1].append(self.cell.strip())
            self.cell = None
        elif tag == "p":
            self.in_p = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell += data
        if self.in_p and self.first_p is not None:
            self.first_p += data


def test_the_english_record_pane_names_no_field_term_or_place_in_japanese(
    qtbot: Any, demo_kb: Any, tmp_path: Path
) -> None:
    ctx = make_ctx(demo_kb, tmp_path / "en.ini", "en")
    try:
        pane = DetailPane(ctx)
        qtbot.addWidget(pane)
        seen = 0
        for summary in demo_kb.list_records():
            data = load_detail(demo_kb, summary.uid, ())
            assert data.record is not None
            reader = _Rows()
            reader.feed(pane.page_html(data))
            assert reader.first_p
            assert not JAPANESE.search(reader.first_p), reader.first_p
            by_label = {ctx.tr.field_label(f): f for f in fields_for(data.record["type"])}
            for row in reader.rows:
                if len(row) != 2 or row[0] not in by_label:
                    continue
                label, value = row
                assert not JAPANESE.search(label), label
                f = by_label[label]
                if f.name in FIELD_VOCABULARY_NAMES or f.type in NAMED_TYPES:
                    assert not JAPANESE.search(value), (data.record["title"], label, value)
                    seen += 1
            # The rank as stated reads "ZEB Ready (Certified)", without Japanese brackets.
            stated = [r[1] for r in reader.rows if len(r) == 2 and r[0] == "Stated ZEB rank"]
            for text in stated:
                assert not JAPANESE.search(text), text
        assert seen > 100
    finally:
        ctx.runner.shutdown()


def test_a_place_typed_as_text_is_named_as_the_ward_codes_are(
    qtbot: Any, demo_kb: Any, tmp_path: Path
) -> None:
    """A visit's host typed as 葛飾区 reads Katsushika, as its host ward code does."""
    ctx = make_ctx(demo_kb, tmp_path / "en.ini", "en")
    try:
        pane = DetailPane(ctx)
        qtbot.addWidget(pane)
        (visit,) = [
            r
            for r in demo_kb.list_records(kind="visit")
            if demo_kb.get(r.uid).get("host") == "葛飾区"
        ]
        reader = _Rows()
        reader.feed(pane.page_html(load_detail(demo_kb, visit.uid, ())))
        rows = {r[0]: r[1] for r in reader.rows if len(r) == 2}
        assert rows["Host"] == "Katsushika"
        assert "Suginami" in rows["Visitors"]
    finally:
        ctx.runner.shutdown()
