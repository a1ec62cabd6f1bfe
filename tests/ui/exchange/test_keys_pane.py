"""Trusted ward keys in the settings: own key shown, add, refuse bad input, revoke, language."""

from __future__ import annotations

import base64

import pytest
from PySide6.QtWidgets import QMessageBox
from zebkb_edit_kit import QT_LOG_IGNORE, wait_idle
from zebkb_testing import KATSUSHIKA, SUGINAMI

from zebkb import keys
from zebkb.service import keys as trust
from zebkb.ui.exchange.keys_pane import COLUMNS, TrustedKeysPane
from zebkb.ui.settings.settings_dialog import SettingsDialog

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

KEY_A = base64.b64encode(bytes(range(32))).decode("ascii")
KEY_B = base64.b64encode(bytes(range(100, 132))).decode("ascii")


def open_pane(qtbot, ctx) -> TrustedKeysPane:
    pane = TrustedKeysPane(ctx)
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.keysLoaded, timeout=5000):
        pane.show()
    return pane


def choose_ward(pane: TrustedKeysPane, code: str) -> None:
    pane.ward_combo.setCurrentIndex(pane.ward_combo.findData(code))


def add(qtbot, pane: TrustedKeysPane, key: str, ward: str, note: str = "") -> None:
    pane.key_edit.setText(key)
    choose_ward(pane, ward)
    pane.note_edit.setText(note)
    assert pane.add_button.isEnabled()
    with qtbot.waitSignal(pane.keysLoaded, timeout=5000):
        pane.add_button.click()


def cell(pane: TrustedKeysPane, row: int, column: str) -> str:
    return pane.table.item(row, COLUMNS.index(column)).text()


def answer_revoke(monkeypatch, answer) -> list[str]:
    asked: list[str] = []

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_own_key_and_fingerprint_are_shown(qtbot, ectx) -> None:
    pane = open_pane(qtbot, ectx)
    own = keys.own_key(ectx.kb.data_dir)
    assert pane.own_fingerprint.text() == own.fingerprint
    assert pane.own_key.text() == own.public_key
    assert pane.own_key.isReadOnly()
    assert pane.own_fingerprint.font().pointSize() > pane.own_key.font().pointSize()
    pane.copy_button.click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == own.public_key


def test_add_a_key_for_suginami(qtbot, ectx) -> None:
    pane = open_pane(qtbot, ectx)
    assert pane.table.rowCount() == 0
    assert not pane.add_button.isEnabled()
    pane.key_edit.setText(KEY_A)
    assert keys.fingerprint(KEY_A) in pane.key_fingerprint.text()
    assert not pane.add_button.isEnabled()  # no ward chosen yet
    with qtbot.waitSignal(pane.keyTrusted, timeout=5000) as trusted:
        add(qtbot, pane, KEY_A, SUGINAMI, "電話で確認 10/21")
    assert trusted.args == [keys.fingerprint(KEY_A)]
    stored = trust.trusted_keys(ectx.kb)
    assert [(e.public_key, e.ward, e.note, e.active) for e in stored] == [
        (KEY_A, SUGINAMI, "電話で確認 10/21", True)
    ]
    assert pane.table.rowCount() == 1
    assert cell(pane, 0, "ward").startswith("杉並区")
    assert cell(pane, 0, "fingerprint") == stored[0].fingerprint
    assert cell(pane, 0, "note") == "電話で確認 10/21"
    assert cell(pane, 0, "added")
    assert cell(pane, 0, "revoked") == ""
    assert pane.key_edit.text() == ""
    assert pane.ward_combo.currentIndex() == -1


@pytest.mark.parametrize(
    ("key", "ward", "expected"),
    [
        ("これは鍵ではない", SUGINAMI, "公開鍵ではありません"),
        (base64.b64encode(b"short").decode(), SUGINAMI, "32 バイト"),
        (KEY_A, KATSUSHIKA, "既に 杉並区 の鍵として"),
    ],
)
def test_refused_key_shows_one_line_and_changes_nothing(qtbot, ectx, key, ward, expected) -> None:
    trust.trust_key(ectx.kb, KEY_A, SUGINAMI)
    before = trust.trusted_keys(ectx.kb)
    pane = open_pane(qtbot, ectx)
    pane.key_edit.setText(key)
    choose_ward(pane, ward)
    with qtbot.waitSignal(pane.failed, timeout=5000) as failed:
        pane.add_button.click()
    message = failed.args[0]
    assert expected in message
    assert "\n" not in message
    assert "Traceback" not in message
    assert pane.message.isVisible()
    assert pane.message.text() == message
    assert trust.trusted_keys(ectx.kb) == before
    assert pane.table.rowCount() == len(before)
    assert pane.key_edit.text() == key  # kept, so it can be corrected
    assert pane.add_button.isEnabled()


def test_revoke_after_confirmation(qtbot, ectx, monkeypatch) -> None:
    trust.trust_key(ectx.kb, KEY_A, SUGINAMI)
    trust.trust_key(ectx.kb, KEY_B, KATSUSHIKA)
    pane = open_pane(qtbot, ectx)
    assert not pane.revoke_button.isEnabled()
    row = [e.public_key for e in pane._entries].index(KEY_A)
    pane.table.selectRow(row)
    assert pane.revoke_button.isEnabled()
    asked = answer_revoke(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(pane.keysLoaded, timeout=5000):
        pane.revoke_button.click()
    assert len(asked) == 1
    assert keys.fingerprint(KEY_A) in asked[0]
    assert "杉並区" in asked[0]
    by_key = {e.public_key: e for e in trust.trusted_keys(ectx.kb)}
    assert not by_key[KEY_A].active
    assert by_key[KEY_B].active
    row = [e.public_key for e in pane._entries].index(KEY_A)
    assert cell(pane, row, "revoked") != ""
    grey = pane.table.item(row, 0).foreground().color()
    other = pane.table.item(1 - row, 0).foreground().color()
    assert grey != other
    pane.table.selectRow(row)
    assert not pane.revoke_button.isEnabled()  # already revoked


def test_declined_revoke_changes_nothing(qtbot, ectx, monkeypatch) -> None:
    trust.trust_key(ectx.kb, KEY_A, SUGINAMI)
    pane = open_pane(qtbot, ectx)
    pane.table.selectRow(0)
    asked = answer_revoke(monkeypatch, QMessageBox.StandardButton.No)
    state = ectx.kb.change_state()
    with qtbot.assertNotEmitted(pane.keyRevoked):
        pane.revoke_button.click()
    wait_idle(qtbot, ectx)
    assert len(asked) == 1
    assert [e.active for e in trust.trusted_keys(ectx.kb)] == [True]
    assert ectx.kb.change_state() == state
    assert cell(pane, 0, "revoked") == ""


def test_language_switch_relabels(qtbot, ectx) -> None:
    trust.trust_key(ectx.kb, KEY_A, SUGINAMI)
    pane = open_pane(qtbot, ectx)
    pane.key_edit.setText("x")
    assert pane.own_group.title() == "この知識ベースの署名鍵"
    assert pane.table.horizontalHeaderItem(0).text() == "区"
    assert cell(pane, 0, "ward").startswith("杉並区")
    ectx.tr.set_language("en")
    assert pane.own_group.title() == "This knowledge base's signing key"
    assert pane.table.horizontalHeaderItem(COLUMNS.index("revoked")).text() == "Revoked at"
    assert pane.add_button.text() == "Trust"
    assert cell(pane, 0, "ward").startswith("Suginami")
    assert pane.key_fingerprint.text().startswith("Not a public key")
    assert pane.key_edit.text() == "x"
    idx = pane.ward_combo.findData(SUGINAMI)
    assert pane.ward_combo.itemText(idx).startswith("Suginami")


def test_settings_dialog_holds_the_pane(qtbot, ectx) -> None:
    dialog = SettingsDialog(ectx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.keys_pane.keysLoaded, timeout=5000):
        dialog.show()
    wait_idle(qtbot, ectx)
    assert dialog.tabs.tabText(1) == "受け渡しと署名鍵"
    assert dialog.tabs.widget(1).isAncestorOf(dialog.keys_pane)
    assert dialog.keys_pane.own_fingerprint.text() == keys.own_key(ectx.kb.data_dir).fingerprint


def test_dates_follow_the_date_style(qtbot, ectx) -> None:
    """Trusted on the test clock's day (2025-03-18): the column follows the setting at once."""
    trust.trust_key(ectx.kb, KEY_A, SUGINAMI)
    pane = open_pane(qtbot, ectx)
    assert cell(pane, 0, "added").startswith("2025年3月18日")
    ectx.settings.date_style = "japanese"
    assert cell(pane, 0, "added").startswith("令和7年3月18日")


def test_the_line_under_the_pane_follows_a_language_switch(qtbot, ectx) -> None:
    pane = open_pane(qtbot, ectx)
    add(qtbot, pane, KEY_A, SUGINAMI)
    assert pane.message.text().startswith("杉並区の鍵")
    ectx.tr.set_language("en")
    assert "Suginami" in pane.message.text()
    assert "杉並区" not in pane.message.text()


def test_a_key_trusted_elsewhere_appears_in_the_open_pane(qtbot, ectx) -> None:
    """Another PC of the team trusts a key: the wake-up announces keys, the list reads again."""
    from zebkb.service.changes import Changes
    from zebkb.ui.core.ops import CollectionOp

    pane = open_pane(qtbot, ectx)
    pane.key_edit.setText("typing")  # what the person is typing stays
    assert pane.table.rowCount() == 0
    trust.trust_key(ectx.kb, KEY_A, SUGINAMI)  # as another PC did
    with qtbot.waitSignal(pane.keysLoaded, timeout=5000):
        CollectionOp(pane, lambda: Changes(keys=True), runner=ectx.runner).run_in_background()
    assert pane.table.rowCount() == 1
    assert cell(pane, 0, "ward").startswith("杉並区")
    assert pane.key_edit.text() == "typing"
