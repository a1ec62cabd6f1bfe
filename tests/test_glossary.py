"""One glossary (zebkb/glossary.py) for the window, the printed sheets and the command line.

Each check names the file and the text to change. To add a label: a line in
glossary.TERMS (or a field or vocabulary term in zebkb/domain/), then ``[[key]]``
in the catalogs or ``glossary.term(key, lang)`` in code.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from zebkb import glossary
from zebkb.domain.fields import Kind, fields_for
from zebkb.domain.vocab import VOCABULARIES

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = {lang: ROOT / "assets" / "i18n" / f"{lang}.json" for lang in ("ja", "en")}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Modules that read what people type (search aliases, table headers, yes/no words):
# they must accept the old and odd spellings, so the avoided forms may appear there.
INPUT_READERS = {
    "zebkb/glossary.py",
    "zebkb/search/query.py",
    "zebkb/search/variants.py",
    "zebkb/tables/mapping.py",
    "zebkb/tables/values.py",
}
# Texts that explain spelling variants, and so show both forms on purpose.
VARIANT_EXPLANATIONS = {"query.help.variants"}
# Where labels are shown to people outside the window's catalogs.
LABEL_SOURCES = ("zebkb/reports.py", "zebkb/pdf.py", "zebkb/cli")


def raw_catalog(lang: str) -> dict[str, str]:
    data = json.loads(CATALOGS[lang].read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def catalog(lang: str) -> dict[str, str]:
    return {k: glossary.expand(v, lang) for k, v in raw_catalog(lang).items()}


def string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
    return found


def python_sources() -> list[Path]:
    return sorted(
        p for p in (ROOT / "zebkb").rglob("*.py") if str(p.relative_to(ROOT)) not in INPUT_READERS
    )


def label_texts() -> list[tuple[str, str]]:
    """(where, text) of every field label and listed term in both languages."""
    out = []
    for kind in Kind:
        for f in fields_for(kind):
            out += [(f"fields.py {f.name}", f.label_ja), (f"fields.py {f.name}", f.label_en)]
    for vocab in VOCABULARIES.values():
        for t in vocab:
            out += [(f"vocab.py {vocab.name}", t.ja), (f"vocab.py {vocab.name}", t.en)]
    return out


def test_every_reference_in_the_catalogs_names_a_term() -> None:
    for lang in CATALOGS:
        for key, text in raw_catalog(lang).items():
            for ref in glossary.references(text):
                glossary.lookup(ref)  # raises GlossaryError naming the key
            assert "[[" not in glossary.expand(text, lang), key


def test_the_catalog_loader_puts_the_terms_in() -> None:
    from zebkb.ui.core.i18n import load_catalog

    assert load_catalog("ja")["col.kind"] == "種別"
    assert load_catalog("en")["col.kind"] == "Type"
    assert load_catalog("ja")["detail.rank_supported"] == glossary.term("rank.supported", "ja")
    assert load_catalog("en")["overview.unset"] == "Not stated"


def test_a_term_is_english_in_english_and_japanese_in_japanese() -> None:
    for key, t in glossary.TERMS.items():
        assert t.ja, key
        assert JAPANESE.search(t.ja), key
        assert not JAPANESE.search(t.en), key
        assert glossary.term(key, "en") == t.en
    with pytest.raises(glossary.GlossaryError):
        glossary.lookup("field.no_such_field")


def test_no_avoided_form_anywhere() -> None:
    """数値が示すランク, 記載のZEBランク, ランクなし, 取り組み …: say it the glossary's way."""
    avoided = {a: key for key, t in glossary.TERMS.items() for a in t.avoid}
    places: list[tuple[str, str]] = []
    for lang in CATALOGS:
        places += [
            (f"assets/i18n/{lang}.json {k}", v)
            for k, v in catalog(lang).items()
            if k not in VARIANT_EXPLANATIONS
        ]
    for path in python_sources():
        rel = path.relative_to(ROOT)
        places += [(f"{rel}:{line}", text) for line, text in string_constants(path)]
    places += label_texts()
    found = [
        f"{where}: {form!r} → {glossary.TERMS[key].ja} / {glossary.TERMS[key].en} ({key})"
        for where, text in places
        for form, key in avoided.items()
        if form in text
    ]
    assert found == []


def test_no_catalog_label_says_a_meaning_another_way() -> None:
    """未設定 / 記載なし for a blank value are 未記載; なし for a verdict is 判定できません."""
    avoided = {a: key for key, t in glossary.TERMS.items() for a in t.avoid_label}
    found = [
        f"assets/i18n/{lang}.json {k}: {v!r} → [[{avoided[v.strip()]}]]"
        for lang in CATALOGS
        for k, v in catalog(lang).items()
        if v.strip() in avoided
    ]
    assert found == []


def test_a_label_in_a_catalog_is_taken_from_the_glossary() -> None:
    """A catalog text that is exactly a term is written [[key]], not copied."""
    by_ja: dict[str, str] = {}
    for key, t in glossary.all_terms().items():
        by_ja.setdefault(t.ja, key)
    copied = [
        f"assets/i18n/ja.json {k}: {v!r} → [[{by_ja[v]}]]"
        for k, v in raw_catalog("ja").items()
        if v in by_ja
    ]
    assert copied == []


def test_a_term_in_one_catalog_is_the_same_term_in_the_other() -> None:
    """Where the Japanese label is a term, the English one is that term, not a literal.

    "FY" and "Rev." were typed into en.json beside [[field.fiscal_year]] and
    [[field.revision]]; a short form is a term of its own (short.fiscal_year).
    """
    whole = re.compile(r"\[\[[^\[\]]+\]\]")
    ja, en = raw_catalog("ja"), raw_catalog("en")
    literal = [
        f"assets/i18n/en.json {k}: {en.get(k)!r} → {v}"
        for k, v in ja.items()
        if whole.fullmatch(v) and en.get(k) != v
    ]
    literal += [
        f"assets/i18n/ja.json {k}: {ja.get(k)!r} → {v}"
        for k, v in en.items()
        if whole.fullmatch(v) and ja.get(k) != v
    ]
    assert literal == []


def test_the_sheets_and_the_command_line_take_labels_from_the_glossary() -> None:
    """reports.py, pdf.py and the CLI name fields and terms through glossary.term()."""
    by_ja: dict[str, str] = {}
    for key, t in glossary.all_terms().items():
        if JAPANESE.search(t.ja):
            # The field label first: 年度 is [[field.fiscal_year]], not its short form.
            by_ja.setdefault(t.ja, key)
    paths: list[Path] = []
    for name in LABEL_SOURCES:
        p = ROOT / name
        paths += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    copied = [
        f"{p.relative_to(ROOT)}:{line}: {text!r} → glossary.term({by_ja[text]!r})"
        for p in paths
        for line, text in string_constants(p)
        if text in by_ja
    ]
    assert copied == []


# An accelerator (&F) and a file-dialog filter (*.xlsx) keep the ASCII brackets Qt reads.
_QT_BRACKETS = re.compile(r"\(&[A-Z]\)|\(\*[^)]*\)")


def test_japanese_texts_write_full_width_brackets() -> None:
    """公用文: （ ） in Japanese, the half-width ( ) only where Qt needs it."""
    offending = [
        f"assets/i18n/ja.json {k}: {v!r}"
        for k, v in catalog("ja").items()
        if "(" in _QT_BRACKETS.sub("", v) and k not in VARIANT_EXPLANATIONS
    ]
    offending += [
        f"{where}: {text!r}"
        for where, text in label_texts()
        if JAPANESE.search(text) and "(" in text
    ]
    offending += [f"glossary {k}: {t.ja!r}" for k, t in glossary.TERMS.items() if "(" in t.ja]
    assert offending == []


@pytest.mark.parametrize(
    ("figures", "key"),
    [({}, "verdict.unassessed"), ({"reduction_excl_renewables_pct": 20}, "verdict.no_rank")],
)
def test_a_records_verdict_reads_the_same_on_the_sheet_and_the_command_line(
    kb, figures, key
) -> None:
    """判定できません when figures are missing, 該当するランクはありません when they fall short."""
    from zebkb_testing import case_record

    from zebkb.cli.records import format_record
    from zebkb.reports import case_sheet

    record = case_record(zeb_rank=None, rank_status=None, **figures)
    if not figures:
        record.pop("reduction_excl_renewables_pct")
    saved = kb.save(record)
    sheet = dict(case_sheet(kb, saved).rank)
    assert sheet[glossary.term("rank.supported", "ja")] == glossary.term(key, "ja")
    for lang in ("ja", "en"):
        shown = format_record(saved, lang)
        assert f"{glossary.term('rank.supported', lang)}: {glossary.term(key, lang)}" in shown


# Source texts that keep the half-width ( ) on purpose: a stored value people's files
# spell that way, characters a rule is about, or headers a list may be written with.
# (zebkb/search/ and zebkb/cli/help_ja.py hold no Japanese text with ( ) today; if one
# appears there, its owner converts it rather than adding it here.)
_HALF_WIDTH_KEPT = {
    # A stored vocabulary value (the label beside it is 福祉施設（高齢・障害）).
    ("zebkb/domain/vocab.py", "福祉施設(高齢・障害)"),
    # Avoided spellings the glossary refuses: they must stay as they were written.
    ("zebkb/glossary.py", "事例・視察記録・勉強会)"),
    # Characters that may not start a printed line, half- and full-width alike.
    ("zebkb/pdf.py", "、。，．,.)）」』】〕〉》”’・ーっゃゅょッャュョ々！？!?：:；;"),
    (
        "zebkb/cli/usage.py",
        "、。，．・：；？！）」』】〕ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.;:)]}",
    ),
    # Where a long label may be wrapped: before either bracket.
    ("zebkb/ui/main/overview_pane.py", "(（"),
    # Headers as ward lists write them, read on import.
    ("zebkb/tables/mapping.py", "階数(地上)"),
    ("zebkb/tables/mapping.py", "階数(地下)"),
    ("zebkb/tables/mapping.py", "削減率(再エネ除く)"),
    ("zebkb/tables/mapping.py", "削減率(再エネ含む)"),
}
# Brackets that are syntax, not prose: printf fields of argparse's own messages.
_SYNTAX_BRACKETS = re.compile(r"%\([a-z_]+\)[sd]")
_REGEX_CALLS = {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall"}


def japanese_texts(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each Japanese text a module shows: strings and whole f-strings.

    An f-string is read as its literal parts joined, so ``f"{name}(団体コード {code})"``
    is one text. Docstrings and regular expressions (the first argument of a ``re``
    call, or text with ``(?`` or a backslash) are code, not messages, and are left out.
    English text quoting a Japanese example (``not a date (write e.g. 令和6年度)``) is
    left out too: a text counts as Japanese when it has at least half as many Japanese
    characters as ASCII letters and does not open with two English words.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    left_out: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            left_out.add(id(body[0].value))
        if isinstance(node, ast.JoinedStr):
            left_out.update(id(v) for v in node.values)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _REGEX_CALLS
            and node.args
        ):
            left_out.update(id(n) for n in ast.walk(node.args[0]))
    found = []
    for node in ast.walk(tree):
        if id(node) in left_out:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if "(?" in text or "\\" in text:
            continue
        japanese = len(JAPANESE.findall(text))
        english = re.match(r"[a-z]+ [a-z]+", text.lstrip())
        if japanese and not english and 2 * japanese >= len(re.findall(r"[A-Za-z]", text)):
            found.append((node.lineno, text))
    return found


def test_japanese_source_texts_write_full_width_brackets() -> None:
    """公用文 in messages too: 値が大きすぎます（値: 3）, not (値: 3).

    Validation, import, bundle and e-mail texts are written in Python, beside the
    catalogs the test above reads; this reads every Japanese text in zebkb/.
    """
    offending = []
    for path in sorted((ROOT / "zebkb").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        for line, text in japanese_texts(path):
            bare = _SYNTAX_BRACKETS.sub("", _QT_BRACKETS.sub("", text))
            if ("(" in bare or ")" in bare) and (rel, text) not in _HALF_WIDTH_KEPT:
                offending.append(f"{rel}:{line}: {text!r}")
    assert offending == []


def test_the_scan_finds_a_half_width_bracket_in_a_message(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        '"""Doc (ja: 例)."""\n'
        "import re\n"
        'A = f"{1}件以内にしてください({2}件)"\n'
        'B = re.compile(r"(\\d+)年")\n'
        'C = "not a type: (事例, 視察記録 or 勉強会)"\n'
        'D = "値（3）"\n',
        encoding="utf-8",
    )
    assert japanese_texts(source) == [(3, "件以内にしてください(件)"), (6, "値（3）")]
