"""Conflicts: counted where they cannot be missed, shown side by side, settled three ways."""

from __future__ import annotations

from typing import Any

import pytest
from zebkb_bundle_kit import SHINAGAWA
from zebkb_main_kit import QT_LOG_IGNORE, open_window
from zebkb_peer_kit import make_conflicts
from zebkb_testing import case_record

from zebkb.domain.fields import FieldType
from zebkb.service.exchange import export_bundle, import_bundle, list_conflicts, open_conflict_count
from zebkb.ui.exchange.conflicts import (
    INCOMING,
    LOCAL,
    MERGED,
    ConflictsDialog,
    MergeInputError,
    parse_cell,
)

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def open_dialog(qtbot: Any, context: Any) -> ConflictsDialog:
    with qtbot.waitSignal(context.runner.opFinished, timeout=5000):
        dialog = ConflictsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def rows(dialog: ConflictsDialog) -> dict[str, tuple[str, ...]]:
    table = dialog.table
    return {
        table.item(r, 0).text(): tuple(table.item(r, c).text() for c in (LOCAL, INCOMING, MERGED))
        for r in range(table.rowCount())
    }


def row_of(dialog: ConflictsDialog, label: str) -> int:
    return next(
        r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == label
    )


def settle(qtbot: Any, dialog: ConflictsDialog, button: Any) -> str:
    with qtbot.waitSignal(dialog.settled, timeout=10000) as blocker:
        button.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        pass
    return blocker.args[0]


def test_side_by_side_field_by_field(qtbot, ctx, kb, peer, tmp_path) -> None:
    (uid,) = make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    assert [c.uid for c in dialog.conflicts] == [uid]
    shown = rows(dialog)
    # Incoming is newer, so it is current and the merged version starts from it.
    assert shown["件名"] == ("葛飾区の件名", "品川区の件名", "品川区の件名")
    assert shown["延床面積（㎡）"] == ("1,000", "1,200", "1,200")
    assert shown["BEI（再エネ除く）"] == ("0.45", "—", "—")
    assert shown["タグ"] == ("共有、葛飾", "共有", "共有")
    assert "版" not in shown  # bookkeeping is in the header, not a field to settle
    header = dialog.header.text()
    assert "こちらの版" in header
    assert "届いた版" in header
    assert "現在の版" in header
    # People read ward names and times in the window's date style, not codes and ISO instants.
    import re

    assert "作成元 品川区" in header
    assert not re.search(r"\d{4}-\d\d-\d\dT|\b13\d{4}\b", header)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", header)


def test_keep_this_wards_version(qtbot, ctx, kb, peer, tmp_path) -> None:
    (uid,) = make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    assert settle(qtbot, dialog, dialog.keep_local) == uid
    current = kb.require(uid)
    assert current["title"] == "葛飾区の件名"
    assert current["bei"] == 0.45
    assert list_conflicts(kb) == []
    assert "解決しました" in dialog.status.text()
    assert not dialog.keep_local.isEnabled()
    # Nothing is dropped: the incoming version stays in history.
    assert any(v.record.get("title") == "品川区の件名" for v in kb.history(uid))


def test_keep_the_incoming_version(qtbot, ctx, kb, peer, tmp_path) -> None:
    (uid,) = make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    settle(qtbot, dialog, dialog.keep_incoming)
    assert kb.require(uid)["title"] == "品川区の件名"
    assert open_conflict_count(kb) == 0


def test_merged_version_by_picking_and_editing(qtbot, ctx, kb, peer, tmp_path) -> None:
    (uid,) = make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    before = kb.require(uid)["revision"]
    dialog.table.cellClicked.emit(
        row_of(dialog, "BEI（再エネ除く）"), LOCAL
    )  # take this ward's BEI
    dialog.table.cellClicked.emit(row_of(dialog, "タグ"), LOCAL)
    title = dialog.table.item(row_of(dialog, "件名"), MERGED)
    title.setText("品川区と葛飾区で合わせた件名")  # an edit in the merged column
    area = dialog.table.item(row_of(dialog, "延床面積（㎡）"), MERGED)
    area.setText("数字でない")
    assert "使えません" in dialog.status.text()
    assert area.text() == "1,200"  # the bad edit is put back
    area.setText("1,250.5")
    assert rows(dialog)["BEI（再エネ除く）"][2] == "0.45"
    merged = settle(qtbot, dialog, dialog.use_merged)
    assert merged == uid
    current = kb.require(uid)
    assert current["title"] == "品川区と葛飾区で合わせた件名"
    assert current["bei"] == 0.45
    assert current["floor_area_m2"] == 1250.5
    assert current["tags"] == ["共有", "葛飾"]
    assert current["revision"] == before + 1
    assert open_conflict_count(kb) == 0


def test_a_merged_version_in_progress_survives_a_language_switch(
    qtbot, ctx, kb, peer, tmp_path
) -> None:
    """Picks and edits are the person's work: switching language only rewords the table."""
    (uid,) = make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    dialog.table.cellClicked.emit(row_of(dialog, "BEI（再エネ除く）"), LOCAL)
    dialog.table.item(row_of(dialog, "件名"), MERGED).setText("合わせた件名")
    ctx.tr.set_language("en")
    assert "Incoming version" in dialog.header.text()
    assert rows(dialog)["Title"][2] == "合わせた件名"
    assert rows(dialog)["BEI excluding renewables (the ZEB figure)"][2] == "0.45"
    ctx.tr.set_language("ja")
    settle(qtbot, dialog, dialog.use_merged)
    current = kb.require(uid)
    assert current["title"] == "合わせた件名"
    assert current["bei"] == 0.45


def test_a_merged_record_the_rules_refuse_is_explained(qtbot, ctx, kb, peer, tmp_path) -> None:
    (uid,) = make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    dialog.table.item(row_of(dialog, "件名"), MERGED).setText("長" * 300)
    dialog.use_merged.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    print(dialog.status.text())
    qtbot.waitUntil(lambda: "件名" in dialog.status.text() or "title" in dialog.status.text())
    assert open_conflict_count(kb) == 1
    assert kb.require(uid)["title"] == "品川区の件名"
    assert dialog.use_merged.isEnabled()


def test_count_in_navigation_and_home_screen(qtbot, ctx, kb, peer, tmp_path) -> None:
    make_conflicts(kb, peer, tmp_path, n=2)
    window = open_window(qtbot, ctx)
    wiring = window.home
    qtbot.waitUntil(lambda: wiring.conflict_count == 2, timeout=5000)
    assert wiring.conflicts_item.text(0) == "競合（2）"
    assert wiring.overview.conflict_button.isVisibleTo(window)
    assert wiring.overview.conflict_button.text() == "未解決の競合 2 件"
    wiring.overview.conflict_button.click()
    dialog = window.dialogs["conflicts"]
    qtbot.waitUntil(lambda: len(dialog.conflicts) == 2)
    settle(qtbot, dialog, dialog.keep_local)
    qtbot.waitUntil(lambda: wiring.conflicts_item.text(0) == "競合（1）", timeout=5000)
    qtbot.waitUntil(lambda: wiring.overview.conflicts == 1, timeout=5000)
    ctx.tr.set_language("en")
    assert wiring.conflicts_item.text(0) == "Conflicts (1)"
    assert dialog.keep_local.text() == "Keep this ward's version"


@pytest.mark.parametrize(
    ("kind_of", "text", "value"),
    [
        ("tags", "共有、葛飾, 追加", ["共有", "葛飾", "追加"]),
        ("storeys_above", "3", 3),
        ("floor_area_m2", "1,000", 1000),
        ("bei", "0.5", 0.5),
        ("zeb_leading_owner", "はい", True),
        ("zeb_leading_owner", "no", False),
        ("title", " 件名 ", "件名"),
        ("structure", "", None),
    ],
)
def test_parse_cell(kind_of: str, text: str, value: object) -> None:
    assert parse_cell("case", kind_of, text) == value


@pytest.mark.parametrize(
    ("name", "text"),
    [("storeys_above", "three"), ("bei", "nan"), ("zeb_leading_owner", "maybe")],
)
def test_parse_cell_refuses(name: str, text: str) -> None:
    with pytest.raises(MergeInputError):
        parse_cell("case", name, text)
    assert FieldType.ATTACHMENTS  # attachments are picked, never typed
    with pytest.raises(MergeInputError):
        parse_cell("case", "attachments", "photo.jpg")
    with pytest.raises(MergeInputError):
        parse_cell("case", "operation_years", "年度: 2024 / 一次エネルギー消費量実績: 500")


def test_the_versions_header_follows_the_date_style(qtbot, ctx, kb, peer, tmp_path) -> None:
    make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    dialog.table.item(row_of(dialog, "件名"), MERGED).setText("合わせた件名")
    assert "令和" not in dialog.header.text()
    ctx.settings.date_style = "japanese"
    assert "令和7年3月18日" in dialog.header.text()
    assert rows(dialog)["件名"][2] == "合わせた件名"  # the merged version is kept


def test_what_was_settled_is_said_again_in_the_new_language(qtbot, ctx, kb, peer, tmp_path) -> None:
    make_conflicts(kb, peer, tmp_path)
    dialog = open_dialog(qtbot, ctx)
    settle(qtbot, dialog, dialog.keep_local)
    assert "解決しました" in dialog.status.text()
    ctx.tr.set_language("en")
    assert "is settled" in dialog.status.text()
    assert "解決しました" not in dialog.status.text()


@pytest.mark.parametrize("first", ["ja", "en"])
def test_every_field_name_is_whole_in_both_languages(qtbot, ctx, kb, peer, tmp_path, first):
    """At 1280×800 the headers and every field's name are whole, also for fields scrolled
    out of view and after a language switch; the values wrap in the columns beside."""
    from zebkb_main_kit import view_column_problems

    ctx.tr.set_language(first)
    record = peer.save(case_record(ward=SHINAGAWA, title="共有の事例"))
    import_bundle(kb, export_bundle(peer, tmp_path / "base.zebkb").paths[0])
    peer.clock.advance(minutes=10)
    kb.clock.advance(minutes=5)
    uid = record["uid"]
    peer.save(dict(peer.require(uid), title="品川区の件名", floor_area_m2=1200.0))
    here = dict(
        kb.require(uid),
        facility_name="葛飾区の施設",
        facility_type="庁舎",
        building_use="学校等",
        project_type="renovation",
        zeb_rank="Nearly ZEB",
        reduction_excl_renewables_pct=62,
        reduction_incl_renewables_pct=80,
        bei=0.38,
        technologies=["高断熱", "LED照明", "地中熱ヒートポンプ"],
        tags=["共有", "葛飾"],
        body="## 工夫・留意点\n" + "設計段階から運用まで一貫して省エネルギーを図った。\n" * 40,
    )
    kb.save(here)
    import_bundle(kb, export_bundle(peer, tmp_path / "edit.zebkb").paths[0])
    dialog = open_dialog(qtbot, ctx)
    dialog.resize(1280, 800)
    table = dialog.table
    qtbot.waitUntil(lambda: table.rowCount() > 10 and table.viewport().height() > 200)
    keys = ("field", "local", "incoming", "merged")
    problems: list[tuple[object, ...]] = []
    for lang in (first, "en" if first == "ja" else "ja", first):
        ctx.tr.set_language(lang)
        problems += view_column_problems(table, keys, (lang,), ("field",))
    assert problems == [], "\n".join(map(repr, problems))
    assert table.rowAt(table.viewport().height()) != -1  # the last fields are out of view
