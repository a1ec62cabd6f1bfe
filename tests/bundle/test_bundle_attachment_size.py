"""Hostile bundles that must be refused, and nothing changed."""

from __future__ import annotations

import pytest
from zebkb_bundle_kit import NOW, attachment_ref, case, write

from zebkb.bundle.errors import BundleError
from zebkb.bundle.reader import open_bundle
from zebkb.service.exchange import import_bundle


def test_attachment_size_that_differs_from_the_carried_file_is_refused(kb, tmp_path) -> None:
    data = b"photo bytes" * 10
    record = case(attachments=[attachment_ref(data, size=len(data) - 1)])
    path = write(tmp_path / "lying-size.zebkb", records=[record], attachments=[data])
    before = kb.check()
    with pytest.raises(BundleError, match=r"records\.jsonl line 1 .*size"):
        open_bundle(path, now=NOW).close()
    with pytest.raises(BundleError):
        import_bundle(kb, path)
    assert kb.get(record["uid"]) is None
    assert kb.check() == before


def test_attachment_with_its_true_size_imports(kb, tmp_path) -> None:
    data = b"photo bytes" * 10
    record = case(attachments=[attachment_ref(data)])
    path = write(tmp_path / "true-size.zebkb", records=[record], attachments=[data])
    import_bundle(kb, path)
    assert kb.get(record["uid"])["attachments"][0]["size"] == len(data)
    assert not [p for p in kb.check() if "attachment" in p]
