"""Demo record ids and PDF text helpers shared by the report and overview tests."""

from __future__ import annotations

from pathlib import Path

# Demo records the tests read by hand (assets/demo/records.json).
SEISO = "7de7535c-dbb1-5bc7-8dbb-1e056b5c15d4"  # 葛飾区清掃事務所, PNG illustration
MIZUMOTO = "6b5aaf5a-9c66-5667-9c85-a407169163eb"  # 水元小, JPEG with EXIF orientation
ECOLE = "c2fac8fb-d840-5f4b-8119-917aa2eec033"  # エコルとごし, Nearly ZEB certified
VISIT_2024 = "4851558e-3ce4-5145-81f4-50038ffd5cc2"  # 清掃事務所視察の受入
SESSION_MOE = "0111cfae-ab9b-51c9-8292-45903bf1d96e"  # 環境省 意見交換会 2024-01-11


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def pdf_text(path: Path) -> str:
    # Extraction breaks lines where the layout wraps them; join for phrase checks.
    return "".join(t.replace("\n", "") for t in pdf_pages(path))
