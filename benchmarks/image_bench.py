"""Peak memory of a case sheet and of a thumbnail, for big images beside a small one.

    python benchmarks/image_bench.py [--keep DIR]

Makes the images (an 88-megapixel WebP, the issue's case; an 88-megapixel
baseline JPEG; a progressive JPEG and a PNG near the decode budget; a small
JPEG as the baseline), then for each runs, each in a new process whose peak
resident memory (ru_maxrss from wait4) is printed:

- `zebkb report --pdf` of a case record with that image as its photo;
- a window thumbnail (zebkb/ui/core/thumbs.py make_thumbnail) of the file.

The promise (zebkb/images.py): any accepted image stays under 400 MB; beyond
the decode budget the image is "too large to preview" instead. Making the
images takes a minute and about 1 GB; --keep DIR reuses them between runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# 11,500 × 7,650 = 88 megapixels: under Pillow's bomb limit (89.5 megapixels).
BIG = (11_500, 7_650)
# Each probe prints its process's own peak (VmHWM): ru_maxrss of a child on Linux
# starts at its parent's size, which would hide a small child's figure.
HWM = "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
THUMB_PROBE = (
    "import sys; from pathlib import Path;"
    "from zebkb.ui.core.thumbs import make_thumbnail;"
    "print(make_thumbnail(Path(sys.argv[1])).status.value);" + HWM
)
REPORT_PROBE = "import sys; from zebkb.cli.main import main; main(sys.argv[1:]);" + HWM


def picture(size: tuple[int, int]):  # type: ignore[no-untyped-def]
    """A photo-like picture (gradients and noise compress like a photo, not like a flat fill)."""
    from PIL import Image

    w, h = size
    small = Image.effect_noise((max(1, w // 16), max(1, h // 16)), 60).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size)
    return Image.merge(
        "RGB", (gradient, small.getchannel(0).resize(size), gradient.rotate(90).resize(size))
    )


def make_images(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {
        "small JPEG 1600×1200 (baseline)": ("small.jpg", (1600, 1200), "JPEG", {}),
        "88 MP WebP": ("big.webp", BIG, "WEBP", {"quality": 70, "method": 0}),
        "88 MP JPEG (baseline encoding)": ("big.jpg", BIG, "JPEG", {"quality": 85}),
        "24 MP JPEG (progressive)": ("prog.jpg", (6000, 4000), "JPEG", {"progressive": True}),
        "12 MP WebP": ("12mp.webp", (4000, 3000), "WEBP", {"quality": 70, "method": 0}),
        "24 MP WebP": ("mid.webp", (6000, 4000), "WEBP", {"quality": 70, "method": 0}),
        "48 MP PNG": ("mid.png", (8000, 6000), "PNG", {"compress_level": 1}),
        "24 MP TIFF (LZW)": ("lzw.tif", (6000, 4000), "TIFF", {"compression": "tiff_lzw"}),
    }
    out = {}
    for label, (name, size, fmt, options) in wanted.items():
        path = folder / name
        if not path.exists():
            print(f"  making {name} ({size[0]}×{size[1]} {fmt})…", flush=True)
            picture(size).save(path, format=fmt, **options)
        out[label] = path
    return out


def peak(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(peak MB, seconds, the line before the peak) of a probe run to its end."""
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - t0
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return float("nan"), seconds, (done.stderr.strip().splitlines() or ["failed"])[-1]
    return int(lines[-1]) / 1024, seconds, lines[-2] if len(lines) > 1 else ""


def sheet_photo(pdf: Path) -> str:
    """What the case sheet shows for the photo."""
    from pypdf import PdfReader

    page = PdfReader(pdf).pages[0]
    if page.images:
        return "photo"
    from zebkb.pdf import PHOTO_TOO_LARGE

    return "too_large" if PHOTO_TOO_LARGE in (page.extract_text() or "") else "unreadable"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="folder to keep the made images in")
    args = parser.parse_args()

    from zebkb.service import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="zebkb-image-bench-") as tmp:
        folder = args.keep or Path(tmp) / "images"
        # In a child process: this one stays small (its size would be every child's floor).
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {str(HERE)!r});"
                f"import image_bench; image_bench.make_images(__import__('pathlib').Path({str(folder)!r}))",
            ],
            check=True,
        )
        images = make_images(folder)
        data = Path(tmp) / "kb"
        uids = {}
        with KnowledgeBase.open(data) as kb:
            kb.set_home_ward("131229")
            for label, path in images.items():
                record = kb.save(
                    {
                        "type": "case",
                        "title": f"写真: {label}",
                        "ward": "131229",
                        "facility_name": "区立施設",
                        "project_type": "new",
                        "zeb_rank": "ZEB Ready",
                        "rank_status": "equivalent",
                    }
                )
                kb.add_attachment(record["uid"], path, filename="photo" + path.suffix)
                uids[label] = record["uid"]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        python = sys.executable
        print(f"{'image':34} {'case sheet (peak, time, shown)':33} thumbnail (peak, time, status)")
        for label, path in images.items():
            sheet = Path(tmp) / "sheet.pdf"
            sheet.unlink(missing_ok=True)
            report = ["--data-dir", str(data), "report", uids[label], "--pdf", str(sheet)]
            sheet_mb, sheet_s, _ = peak([python, "-c", REPORT_PROBE, *report], env)
            shown = sheet_photo(sheet) if sheet.exists() else "failed"
            thumb_mb, thumb_s, thumb_out = peak([python, "-c", THUMB_PROBE, str(path)], env)
            print(
                f"{label:34} {sheet_mb:6.0f} MB {sheet_s:5.1f} s {shown:10} "
                f"{thumb_mb:6.0f} MB {thumb_s:5.1f} s {thumb_out}"
            )


if __name__ == "__main__":
    main()
