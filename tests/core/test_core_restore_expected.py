"""``restore(..., expected_revision=…)``: an undo that must not replace what someone saved since."""

from __future__ import annotations

import pytest
from zebkb_testing import case_record

from zebkb.service.records import ChangedSinceError


def test_a_restore_expecting_a_revision_refuses_a_record_changed_since(kb) -> None:
    first = kb.save(case_record(title="元の題名"))
    tagged = kb.save({**first, "tags": ["要確認"]}, expected_revision=1)
    kb.save({**tagged, "title": "同僚の編集"}, expected_revision=2)
    with pytest.raises(ChangedSinceError) as refused:
        kb.restore(first["uid"], 1, expected_revision=2)
    assert "第3版" in refused.value.message("ja")
    assert "\n" not in str(refused.value)
    assert kb.get(first["uid"])["title"] == "同僚の編集"  # nothing changed
    assert kb.get(first["uid"])["revision"] == 3
    assert kb.restore(first["uid"], 1, expected_revision=3)["title"] == "元の題名"
