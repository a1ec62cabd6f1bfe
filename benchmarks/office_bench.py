"""Office attachment text (issue #17) beside PDF text, measured in the same run.

    python benchmarks/office_bench.py [--files 200]

Makes N Office files (a third each .docx, .pptx, .xlsx, a few pages of
Japanese text each, written with python-docx, python-pptx and openpyxl from
the test dependencies) and N PDFs with the same text (reportlab), then times
extracting the text of every file (zebkb.search.extract.extract_text) and
indexing them as attachments of N records (KnowledgeBase.add_attachment,
text extraction and index update included).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

PARAGRAPH = (
    "清掃事務所のZEB化にあたり、外皮の高断熱化と庇による日射遮蔽、"
    "地中熱ヒートポンプ、LED照明と人感センサー、太陽光発電を導入した。第{n}回の検討。"
)


def paragraphs(n: int) -> list[str]:
    return [PARAGRAPH.format(n=i + n) for i in range(30)]


def make_office(folder: Path, count: int) -> list[tuple[Path, str]]:
    import docx
    import openpyxl
    import pptx

    from zebkb.search.office import DOCX, PPTX, XLSX

    out: list[tuple[Path, str]] = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            path = folder / f"doc{i}.docx"
            document = docx.Document()
            for text in paragraphs(i):
                document.add_paragraph(text)
            document.save(path)
            out.append((path, DOCX))
        elif kind == 1:
            path = folder / f"deck{i}.pptx"
            deck = pptx.Presentation()
            for j, text in enumerate(paragraphs(i)[:10]):
                slide = deck.slides.add_slide(deck.slide_layouts[1])
                slide.shapes.title.text = f"スライド{j}"
                slide.placeholders[1].text = text
                slide.notes_slide.notes_text_frame.text = text
            deck.save(path)
            out.append((path, PPTX))
        else:
            path = folder / f"sheet{i}.xlsx"
            wb = openpyxl.Workbook()
            ws = wb.active
            for j, text in enumerate(paragraphs(i)):
                ws.append([j, text])
            wb.save(path)
            out.append((path, XLSX))
    return out


def make_pdfs(folder: Path, count: int) -> list[tuple[Path, str]]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    out: list[tuple[Path, str]] = []
    for i in range(count):
        path = folder / f"doc{i}.pdf"
        c = canvas.Canvas(str(path), pagesize=A4)
        c.setFont("HeiseiKakuGo-W5", 9)
        for j, text in enumerate(paragraphs(i)):
            if j and j % 15 == 0:
                c.showPage()
                c.setFont("HeiseiKakuGo-W5", 9)
            c.drawString(30, 800 - (j % 15) * 40, text)
        c.save()
        out.append((path, "application/pdf"))
    return out


def extract_all(files: list[tuple[Path, str]]) -> tuple[float, int]:
    from zebkb.search.extract import extract_text

    start = time.perf_counter()
    chars = sum(len(extract_text(path, media)) for path, media in files)
    return time.perf_counter() - start, chars


def index_all(folder: Path, files: list[tuple[Path, str]]) -> float:
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(folder) as kb:
        kb.set_home_ward("131229")
        uids = []
        for i in range(len(files)):
            saved = kb.save(
                {
                    "type": "session",
                    "title": f"勉強会{i}",
                    "ward": "131229",
                    "held_on": "2024-11-05",
                }
            )
            uids.append(saved["uid"])
        start = time.perf_counter()
        for uid, (path, _media) in zip(uids, files, strict=True):
            kb.add_attachment(uid, path)
        took = time.perf_counter() - start
        assert kb.search("地中熱ヒートポンプ", limit=1000).total == len(files)
        return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "office").mkdir()
        (folder / "pdf").mkdir()
        office = make_office(folder / "office", args.files)
        pdfs = make_pdfs(folder / "pdf", args.files)
        size_o = sum(p.stat().st_size for p, _ in office) / 1e6
        size_p = sum(p.stat().st_size for p, _ in pdfs) / 1e6
        t_office, c_office = extract_all(office)
        t_pdf, c_pdf = extract_all(pdfs)
        print(f"{args.files} files each (Office {size_o:.1f} MB, PDF {size_p:.1f} MB)")
        print(
            f"extract text: Office {t_office:.2f} s ({c_office:,} chars)"
            f"  beside PDF {t_pdf:.2f} s ({c_pdf:,} chars)  ({t_office / t_pdf:.2f}x)"
        )
        i_office = index_all(folder / "kb-office", office)
        i_pdf = index_all(folder / "kb-pdf", pdfs)
        print(
            f"attach and index: Office {i_office:.2f} s  beside PDF {i_pdf:.2f} s"
            f"  ({i_office / i_pdf:.2f}x)"
        )


if __name__ == "__main__":
    sys.exit(main())
