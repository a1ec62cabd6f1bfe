"""The Markdown reading behind the printed sheets (the screen's pipeline), and the layout data."""

from __future__ import annotations

from zebkb.reports import (
    MORE_IN_ZEBKB,
    find_contact,
    format_date,
    format_number,
    parse_markdown,
    printable,
    rank_label,
    split_sections,
    truncate_blocks,
)


def kinds(text: str) -> list[tuple[str, str, str]]:
    return [(b.kind, b.marker, b.text) for b in parse_markdown(text)]


def test_headings_paragraphs_and_lists() -> None:
    text = (
        "## 工夫・留意点\n"
        "設計段階で\n一次エネルギーを削減。\n\n"
        "- 外壁断熱\n"
        "    - 屋根も断熱\n"
        "* LED照明\n"
        "### 課題\n"
        "1. 運用\n1. 保守\n1. 改修\n"
    )
    assert kinds(text) == [
        ("heading", "", "工夫・留意点"),
        ("paragraph", "", "設計段階で一次エネルギーを削減。"),
        ("item", "・", "外壁断熱"),
        ("item", "・", "屋根も断熱"),
        ("item", "・", "LED照明"),
        ("heading", "", "課題"),
        ("item", "1.", "運用"),
        ("item", "2.", "保守"),
        ("item", "3.", "改修"),
    ]
    blocks = parse_markdown(text)
    assert blocks[3].depth == blocks[2].depth + 1


def test_latin_lines_join_with_a_space_japanese_without() -> None:
    assert kinds("ZEB\nReady\n")[0][2] == "ZEB Ready"
    assert kinds("断熱\n改修\n")[0][2] == "断熱改修"


def test_inline_markup_reads_as_on_the_screen_and_nothing_remote_is_kept() -> None:
    blocks = parse_markdown(
        "**51%削減** と [環境省](https://www.env.go.jp/) ![外観](http://evil.example/x.png)"
        " `BEI` <img src=http://evil.example/y.png>"
    )
    assert len(blocks) == 1
    # As the detail pane shows it (zebkb/render.py): the address written out, a remote
    # image as its description, raw HTML as the text it is.
    assert blocks[0].text == (
        "51%削減 と 環境省 <https://www.env.go.jp/> [外観] BEI <img src=http://evil.example/y.png>"
    )
    assert blocks[0].spans[0].bold
    assert blocks[0].spans[0].text == "51%削減"
    assert "x.png" not in blocks[0].text


def test_the_sheet_reads_the_body_as_the_screen_renders_it() -> None:
    from html.parser import HTMLParser

    from zebkb.render import render_markdown

    body = "## 概要\n本文の**強調**と [リンク](https://example.jp/)。\n\n- 一\n- 二"

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.text = ""

        def handle_data(self, data: str) -> None:
            self.text += data.replace("\n", "")

    screen = Text()
    screen.feed(render_markdown(body).html)
    assert "".join(b.text for b in parse_markdown(body)) == screen.text


def test_fences_tables_and_rules() -> None:
    text = (
        "```\n<b>raw</b>\n```\n\n| 段階 | 再エネ含む |\n|---|---|\n| 設計 | 85% |\n\n---\n\n終わり"
    )
    assert kinds(text) == [
        ("paragraph", "", "<b>raw</b>"),
        ("paragraph", "", "段階 / 再エネ含む"),
        ("paragraph", "", "設計 / 85%"),
        ("paragraph", "", "終わり"),
    ]


def test_sections_and_truncation() -> None:
    blocks = parse_markdown("前文\n## A\n- 一\n## B\n二")
    sections = split_sections(blocks)
    assert [(s.heading, [b.text for b in s.blocks]) for s in sections] == [
        ("", ["前文"]),
        ("A", ["一"]),
        ("B", ["二"]),
    ]
    long = parse_markdown("\n".join(f"- 項目{i}" + "あ" * 30 for i in range(50)))
    kept, cut = truncate_blocks(long, 200)
    assert cut
    assert kept[-1].text.endswith(MORE_IN_ZEBKB)
    assert sum(len(b.text) for b in kept) <= 200 + len(MORE_IN_ZEBKB)
    same, cut = truncate_blocks(long[:2], 10_000)
    assert not cut
    assert same == long[:2]


def test_formatting() -> None:
    assert format_date("2024-10-21") == "令和6年10月21日"
    assert format_date("2019-05-01", weekday=True) == "令和元年5月1日（水）"
    assert format_date(None) == "—"
    assert format_number(7985.46, " ㎡") == "7,985.46 ㎡"
    assert format_number(12000, " ㎡") == "12,000 ㎡"
    assert format_number(1866.5) == "1,866.5"
    assert format_number(None) == "—"
    assert rank_label("ZEB Oriented", "equivalent") == "ZEB Oriented（相当）"
    assert rank_label("ZEB", "certified") == "『ZEB』（認証）"


def test_contact_line_found_in_body() -> None:
    assert find_contact("## 連絡先\n- **連絡先**: 環境課 03-5654-8228\n") == "環境課 03-5654-8228"
    assert find_contact("問合せ先：営繕課") == "営繕課"
    assert find_contact("## 概要\n連絡を取り合った") == ""


def test_printable_folds_what_the_fonts_lack() -> None:
    assert printable("⾦融機関 CO₂ ⻑\u200b官") == "金融機関 CO2 長官"
    assert printable("7,985㎡ ＺＥＢ") == "7,985㎡ ＺＥＢ"
