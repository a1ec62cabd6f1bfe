"""Importing a bundle whose PDF attachments are costly to read: time and peak memory.

    python benchmarks/extract_bench.py [--shows 2000000]

Writes two bundles of four records with a PDF each: ordinary handouts (the
baseline) and small PDFs whose one page holds --shows text-show operations
(about 70 KB each at the default, costing pypdf seconds and gigabytes: the
issue's four PDFs of a 300 KB bundle). Each is imported into a new knowledge
base by `zebkb import` in a new process; printed are the wall time, the import
process's own peak (VmHWM) and the largest helper's (ru_maxrss of its children;
on Linux a child's figure starts at its parent's size), and what was recorded
for the files (text taken, or the reason it was not). Then the same four files
are taken one after the other by a process that stays up 10 s more, as the
window does, and its own peak is printed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The costly-page PDF the tests build too (tests/zebkb_testing.py): one maker for both.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from zebkb_testing import flate_pdf

PROBE = (
    "import resource, sys; from zebkb.cli.main import main; code = main(sys.argv[1:]);"
    "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1];"
    "print(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


# A long-lived caller (the window) taking the four files' text one after the other, then
# staying up 10 s: its own peak, since a file abandoned in a thread would go on costing.
CALLER_PROBE = (
    "import sys, time; from pathlib import Path; from zebkb.search.extract import extract_text;"
    "t = time.perf_counter(); [extract_text(Path(p), 'application/pdf') for p in sys.argv[1:]];"
    "took = time.perf_counter() - t; time.sleep(10);"
    "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1];"
    "print(hwm, round(took, 1))"
)


def caller_figures(folder: Path, pdfs: list[bytes]) -> tuple[float, float]:
    paths = []
    for i, data in enumerate(pdfs):
        path = folder / f"loose{i}.pdf"
        path.write_bytes(data)
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", CALLER_PROBE, *paths], capture_output=True, text=True, check=True
    )
    hwm, took = done.stdout.split()
    return int(hwm) / 1024, float(took)


def make_bundle(folder: Path, pdfs: list[bytes]) -> Path:
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(folder / "sender") as kb:
        kb.set_home_ward("131229")
        for i, data in enumerate(pdfs):
            pdf = folder / f"handout{i}.pdf"
            pdf.write_bytes(data)
            record = kb.save(
                {
                    "type": "session",
                    "title": f"勉強会 {i}",
                    "ward": "131229",
                    "held_on": "2024-10-21",
                }
            )
            kb.add_attachment(record["uid"], pdf)
    bundle = folder / "out.zebkb"
    command = [sys.executable, "-m", "zebkb", "--data-dir", str(folder / "sender")]
    subprocess.run([*command, "export", str(bundle), "--no-sign"], check=True, capture_output=True)
    return bundle


def import_figures(folder: Path, bundle: Path) -> tuple[float, float, float, str]:
    receiver = folder / "receiver"
    base = [sys.executable, "-m", "zebkb", "--data-dir", str(receiver)]
    subprocess.run([*base, "init", "--ward", "131091"], check=True, capture_output=True)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--data-dir", str(receiver), "import", str(bundle)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        return seconds, float("nan"), float("nan"), done.stderr.strip().splitlines()[-1]
    own, children = done.stdout.strip().splitlines()[-1].split()
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(receiver) as kb:
        # (Read through getattr so the script also measures a zebkb from before the helper.)
        failures = getattr(kb, "text_failures", dict)()
    outcome = ", ".join(sorted(failures.values())) if failures else "text taken"
    return seconds, int(own) / 1024, int(children) / 1024, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shows", type=int, default=2_000_000)
    args = parser.parse_args()
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    with tempfile.TemporaryDirectory(prefix="zebkb-extract-bench-") as tmp:
        ordinary = []
        for i in range(4):
            path = Path(tmp) / f"ordinary{i}.pdf"
            c = canvas.Canvas(str(path), pagesize=A4)
            for page in range(10):
                c.drawString(72, 720, f"ZEB Ready handout {i} page {page}")
                c.showPage()
            c.save()
            ordinary.append(path.read_bytes())
        costly = [
            flate_pdf(b"BT /F1 12 Tf 72 720 Td " + b"(ZEB%d) Tj 1 0 Td " % i * args.shows + b"ET")
            for i in range(4)
        ]
        cases = {
            "4 ordinary PDFs (baseline)": ordinary,
            f"4 PDFs of {args.shows:,} text shows": costly,
        }
        print(f"{'bundle':36} {'size':>8} {'import':>8} {'import peak':>12} {'helper peak':>12}")
        for i, (label, pdfs) in enumerate(cases.items()):
            folder = Path(tmp) / f"case{i}"
            folder.mkdir()
            bundle = make_bundle(folder, pdfs)
            seconds, own, helper, outcome = import_figures(folder, bundle)
            print(
                f"{label:36} {bundle.stat().st_size / 1024:6.0f} KB {seconds:6.1f} s "
                f"{own:9.0f} MB {helper:9.0f} MB   {outcome}"
            )
            caller, took = caller_figures(folder, pdfs)
            print(
                f"{'':36}    the same four taken by a long-lived caller: {took:.1f} s, "
                f"its peak {caller:.0f} MB (10 s later)"
            )


if __name__ == "__main__":
    main()
