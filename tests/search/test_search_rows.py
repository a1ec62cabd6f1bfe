"""Rows are searched by their words (a material's title, a follow-up and its owner, a
department), not by a file's hash."""

from __future__ import annotations

from typing import Any

SESSION: dict[str, Any] = {
    "type": "session",
    "title": "勉強会",
    "ward": "131229",
    "held_on": "2024-11-05",
    "attendance_groups": [{"municipality": "131229", "department": "営繕課", "count": 3}],
    "materials": [{"number": "資料1", "title": "断熱改修の手引き", "url": "https://example.jp/x"}],
    "follow_up_items": [{"what": "蓄電池の容量を回答", "who": "施設保全課"}],
}


def test_rows_words_are_found(kb) -> None:
    uid = kb.save(SESSION)["uid"]
    for query in ("断熱改修の手引き", "蓄電池の容量", "施設保全課", "営繕課"):
        assert [hit.uid for hit in kb.search(query).hits] == [uid], query


def test_a_material_file_hash_is_not_indexed(kb, tmp_path) -> None:
    handout = tmp_path / "handout.pdf"
    handout.write_bytes(b"not really a pdf")
    saved = kb.save(dict(SESSION, materials=[]))
    saved = kb.add_attachment(saved["uid"], handout)
    sha = saved["attachments"][0]["sha256"]
    kb.save(dict(saved, materials=[{"title": "配付資料", "file": sha}]))
    assert kb.search(sha[:16]).total == 0
    assert kb.search("配付資料").total == 1
