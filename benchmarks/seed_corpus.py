"""A deterministic corpus of records built from the real seed documents.

Used by the search benchmark and the search tests. Bodies are runs of real
lines from /work/shared/seeds (with their PDF artefacts: full-width forms,
radical characters, spaces inside words); every record also gets a unique
facility name, so rare terms exist beside very common ones.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zebkb.domain.wards import WARDS

SEED_DIRS = (
    Path(os.environ.get("ZEBKB_SEED_DIR", "/work/shared/seeds")),
    Path(__file__).resolve().parent / "seeds",
)

WARD_CODES = tuple(w.code for w in WARDS)
FACILITY_KINDS = ("清掃事務所", "図書館", "小学校", "中学校", "区民センター", "保育園", "庁舎")
RANKS = ("ZEB", "Nearly ZEB", "ZEB Ready", "ZEB Oriented", None)
TAGS = ("断熱", "太陽光発電", "地中熱", "BEMS", "LED照明", "見学会", "研修", "改修")
TECHS = ("高断熱", "Low-E複層ガラス", "LED照明", "高効率空調", "太陽光発電", "地中熱", "BEMS")
# Kanji for made-up place names; a wide set gives the unique, rare facility names.
_NAME_KANJI = (
    "青梅桜松竹梅北南東西中央本町新田宮原高木森林川谷山岡島浜坂野沢井石橋"
    "緑若葉花園光明星月日朝夕春秋冬夏泉池湖港台丘平和栄富士旭昭大小上下"
)


def seed_lines() -> list[str]:
    for folder in SEED_DIRS:
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if files:
            lines: list[str] = []
            for f in files:
                text = f.read_text(encoding="utf-8", errors="replace")
                lines.extend(ln for ln in text.splitlines() if len(ln.strip()) >= 4)
            return lines
    raise FileNotFoundError("no seed documents found (set ZEBKB_SEED_DIR)")


def make_records(count: int, *, seed: int = 2024, body_chars: int = 1000) -> list[dict[str, Any]]:
    """`count` records (case, visit, session) of about `body_chars` characters each."""
    return list(iter_records(count, seed=seed, body_chars=body_chars))


def iter_records(
    count: int, *, seed: int = 2024, body_chars: int = 1000
) -> Iterator[dict[str, Any]]:
    """The records of `make_records`, one at a time: a build measured for its memory
    streams them as a reindex streams rows from the database (100,000 records held
    at once are about 400 MB of the process's peak, none of it the build's)."""
    rng = random.Random(seed)
    lines = seed_lines()
    for i in range(count):
        kind = ("case", "visit", "session")[i % 3]
        name = "".join(rng.choice(_NAME_KANJI) for _ in range(rng.randint(2, 4)))
        facility = f"{name}{rng.choice(FACILITY_KINDS)}"
        start = rng.randrange(len(lines))
        body: list[str] = []
        size = 0
        j = start
        while size < body_chars:
            line = lines[j % len(lines)]
            body.append(line)
            size += len(line)
            j += 1 if rng.random() < 0.8 else rng.randrange(1, 50)
        year = rng.randint(2015, 2025)
        day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        title = lines[rng.randrange(len(lines))].strip()[:40] or "記録"
        record: dict[str, Any] = {
            "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "type": kind,
            "origin": "131229",
            "created_at": f"{day}T09:00:00+09:00",
            "updated_at": f"{day}T{rng.randint(0, 23):02d}:00:00+09:00",
            "revision": 1,
            "title": f"{facility} {title}",
            "ward": rng.choice(WARD_CODES),
            "tags": rng.sample(TAGS, rng.randint(0, 3)),
            "body": "\n".join(body),
        }
        if kind == "case":
            record.update(
                facility_name=facility,
                project_type=rng.choice(("new", "renovation")),
                zeb_rank=rng.choice(RANKS),
                floor_area_m2=round(rng.uniform(300, 20000), 1),
                completed_on=day,
                technologies=rng.sample(TECHS, rng.randint(0, 4)),
            )
        elif kind == "visit":
            record.update(
                visited_on=day,
                host=facility,
                participants=["環境省", "杉並区", "市川市"][: rng.randint(0, 3)],
                purpose="ZEB化の事例共有と意見交換",
            )
        else:
            record.update(held_on=day, organizer="特別区長会", venue=facility, speakers=[])
        yield record


def corpus_docs(count: int, *, seed: int = 2024) -> list[Any]:
    """The records of `make_records` as search-index documents."""
    from zebkb.search.documents import doc_from_record

    return [doc_from_record(r) for r in make_records(count, seed=seed)]


# Spelling variants (表記ゆれ) the search engine folds together, one group per word;
# `insert_variants` writes them into seed records for the benchmark and the recall test.
VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("取組", "取り組み", "取組み"),
    ("申込", "申し込み"),
    ("引渡し", "引き渡し"),
    ("打合せ", "打ち合わせ"),
    ("サーバー", "サーバ"),
    ("コンピューター", "コンピュータ"),
    ("エレベーター", "エレベータ"),
    ("ヴァイオリン", "バイオリン"),
    ("3ヶ所", "3か所", "3カ所"),
    ("髙橋", "高橋"),
    ("山﨑", "山崎"),
    ("渡邊", "渡邉", "渡辺"),
    ("齋藤", "斎藤", "斉藤"),
    ("第三回", "第3回"),
    ("ゼブ", "ZEB"),
    ("再エネ", "再生可能エネルギー"),
    ("省エネ", "省エネルギー"),
    ("PV", "太陽光発電"),
    ("BEMS", "ビル・エネルギー管理システム"),
)


def insert_variants(
    records: list[dict[str, Any]], *, seed: int = 16, per_record: int = 3
) -> dict[str, set[int]]:
    """Write `per_record` variant forms into each record's body, as lines at random places.

    Returns uid -> the indexes (in VARIANT_GROUPS) of the groups written into it.
    """
    rng = random.Random(seed)
    inserted: dict[str, set[int]] = {}
    for r in records:
        lines = (r.get("body") or "").split("\n")
        groups = rng.sample(range(len(VARIANT_GROUPS)), per_record)
        for g in groups:
            form = rng.choice(VARIANT_GROUPS[g])
            lines.insert(rng.randrange(len(lines) + 1), f"区の{form}について")
        r["body"] = "\n".join(lines)
        inserted[r["uid"]] = set(groups)
    return inserted
