"""The one glossary: every name zebkb shows for a thing, in Japanese and English.

The window's catalogs (assets/i18n/<lang>.json), the printed sheets
(zebkb/reports.py, zebkb/pdf.py) and the command line take their labels from
here, so 新築・改修 or 数値から判定されるランク reads the same in every place.

Three kinds of entry, looked up with one key syntax:

- ``field.<name>``: a record field's label, as declared with the field in
  zebkb/domain/fields.py (declared once there: forms, tables and bundles use it).
- ``vocab.<vocabulary>.<value>``: a listed term (zebkb/domain/vocab.py).
- any other key: a term of TERMS below.

A catalog text names a term as ``[[key]]`` (``"col.kind": "[[field.type]]"``,
``"editor.rank.supported": "[[rank.supported]]: {rank}"``); the catalog loader
puts the term in. Python code calls ``term(key, lang)``.

To add a term: one line in TERMS (key, Japanese, English, and the other ways of
saying it that must not come back in ``avoid``). Japanese follows 公用文 (取組,
以上, full-width （）); tests/test_glossary.py checks every catalog and source
against the glossary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Term:
    ja: str
    en: str
    # Other ways of writing the same thing, refused in any catalog or source text.
    avoid: tuple[str, ...] = ()
    # Texts refused as a whole label for this meaning (a catalog value equal to one of these).
    avoid_label: tuple[str, ...] = ()

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


TERMS: dict[str, Term] = {
    # A case's ZEB rank: what the record says, what its figures support, and the verdict.
    "rank.stated": Term("記載ランク", "Stated ZEB rank", avoid=("記載のZEBランク",)),
    "rank.supported": Term(
        "数値から判定されるランク", "Rank the figures support", avoid=("数値が示すランク",)
    ),
    "rank.figures": Term("数値", "Figures"),
    "rank.basis": Term("根拠", "Basis"),
    "rank.verdict": Term("判定", "Verdict"),
    "verdict.unassessed": Term(
        "判定できません", "Cannot be assessed", avoid=("判定不能",), avoid_label=("なし",)
    ),
    "verdict.no_rank": Term(
        "該当するランクはありません",
        "No rank reached",
        avoid=("ランクなし",),
    ),
    # A value the record leaves blank (a setting that is not made is 未設定: another meaning).
    "value.not_stated": Term(
        "未記載",
        "Not stated",
        avoid=("(not said)",),
        avoid_label=("未設定", "記載なし", "Not set", "not stated"),
    ),
    # The case sheet's sections (zebkb/pdf.py), found by these words in a body's headings.
    "sheet.lessons": Term("工夫・留意点", "Lessons and tips"),
    "sheet.problems": Term("課題", "Problems"),
    "sheet.rank": Term("ZEBランク", "ZEB rank"),
    # The record kinds together, as the lists and the fiscal-year sheet name them.
    "kinds.all": Term(
        "事例・視察記録・勉強会・研修",
        "cases, site visits and sessions",
        avoid=("事例・視察記録・勉強会)", "事例・視察・勉強会）"),
    ),
    # The moment something was saved or received, as a column heading.
    "column.when": Term("日時", "When"),
    # Short forms for narrow column headings (the English spelled short, the Japanese whole).
    "short.fiscal_year": Term("年度", "FY"),
    "short.revision": Term("版", "Rev."),
    # A chart's title: the facility types it counts.
    "chart.facility_types": Term("施設種別", "Facility types"),
    # Minutes (the Ministry's exchange reports open with these rows, in this order).
    "minutes.when": Term("日時", "Date and time"),
    "minutes.place": Term("場所", "Place"),
    "minutes.participants": Term("参加者", "Participants"),
    "minutes.organiser": Term("開催主体", "Organiser"),
    "minutes.implementer": Term("実施機関", "Implementing body"),
    # A follow-up (後日対応) not done whose due date has passed (by the knowledge base's clock).
    # Also the search's filter word, in either language: 後日対応:期限切れ, followup:overdue.
    "follow_up.overdue": Term("期限切れ", "Overdue", avoid=("期限超過",)),
    # 運用実績 against design: on which basis the two compare (docs/domain-research.md §5.1),
    # and a year measured with その他 included, which does not compare.
    "operation.basis": Term(
        "比較の基準：その他（OA機器等）を除く一次エネルギー消費量",
        "Compared on primary energy excluding other energy (office equipment etc.)",
    ),
    "operation.with_other": Term(
        "その他を含む実績のため設計値と比較していません",
        "includes other energy, so not compared with design",
    ),
    # 公用文: the noun is 取組.
    "word.initiative": Term("取組", "initiative", avoid=("取り組み",)),
}

_REF = re.compile(r"\[\[([^\[\]]+)\]\]")


class GlossaryError(KeyError):
    """A key that names no term: a typo in a catalog or in code (found by the tests)."""


@cache
def _fields() -> dict[str, tuple[str, str]]:
    from zebkb.domain.fields import Kind, fields_for

    labels: dict[str, tuple[str, str]] = {}
    for kind in Kind:
        for f in fields_for(kind):
            labels.setdefault(f.name, (f.label_ja, f.label_en))
    return labels


def lookup(key: str) -> Term:
    """The term for ``key`` (``field.…``, ``vocab.….…`` or a TERMS key)."""
    if key in TERMS:
        return TERMS[key]
    kind, _, rest = key.partition(".")
    if kind == "field" and rest in _fields():
        ja, en = _fields()[rest]
        return Term(ja, en)
    if kind == "vocab":
        from zebkb.domain.vocab import VOCABULARIES

        name, _, value = rest.partition(".")
        vocab = VOCABULARIES.get(name)
        found = vocab.term(value) if vocab is not None else None
        if found is not None:
            return Term(found.ja, found.en)
    raise GlossaryError(f"no glossary term {key!r} (zebkb/glossary.py)")


def aside(text: str, lang: str) -> str:
    """``text`` in brackets after a name: 葛飾区（131229） in Japanese, Katsushika (131229) in English.

    公用文 writes the full-width （） with no space; English keeps a space and ( ).
    """
    return f"（{text}）" if lang == "ja" else f" ({text})"


def term(key: str, lang: str = "ja") -> str:
    """The term for ``key`` in ``lang`` (ja or en)."""
    return lookup(key)(lang)


def ja(key: str) -> str:
    """The Japanese term: the printed sheets are Japanese documents."""
    return lookup(key).ja


def expand(text: str, lang: str) -> str:
    """A catalog text with each ``[[key]]`` replaced by the term in ``lang``."""
    if "[[" not in text:
        return text
    return _REF.sub(lambda m: term(m.group(1), lang), text)


def references(text: str) -> list[str]:
    """The keys a catalog text names."""
    return _REF.findall(text)


def all_terms() -> dict[str, Term]:
    """Every entry: TERMS, the field labels and the listed vocabulary terms."""
    from zebkb.domain.vocab import VOCABULARIES

    out: dict[str, Term] = {}
    for name, (label_ja, label_en) in _fields().items():
        out[f"field.{name}"] = Term(label_ja, label_en)
    for vocab in VOCABULARIES.values():
        for t in vocab:
            out[f"vocab.{vocab.name}.{t.value}"] = Term(t.ja, t.en)
    out.update(TERMS)
    return out
