"""The ``key`` commands and signed exchange, end to end through the command line."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import zebkb_trust_kit as kit
from zebkb_testing import KATSUSHIKA, SHINAGAWA

# Each command is a fresh process (about a second to start).
pytestmark = pytest.mark.slow


@pytest.fixture
def wards(cli, tmp_path: Path) -> tuple[Path, Path]:
    """Katsushika with two records, and an empty Shinagawa; both initialised."""
    a, b = tmp_path / "katsushika", tmp_path / "shinagawa"
    made = cli("init", "--ward", "葛飾区", data_dir=a)
    assert made.code == 0, made.err
    assert "signing key fingerprint" in made.out
    assert cli("init", "--ward", SHINAGAWA, data_dir=b).code == 0
    records = [
        {
            "type": "case",
            "title": "清掃事務所のZEB Ready化",
            "ward": KATSUSHIKA,
            "facility_name": "葛飾区清掃事務所",
            "project_type": "new",
        },
        {"type": "session", "title": "ZEB勉強会", "ward": KATSUSHIKA, "held_on": "2024-11-05"},
    ]
    src = tmp_path / "records.json"
    src.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert cli("add", str(src), data_dir=a).code == 0
    return a, b


def show_key(cli, data: Path) -> dict:
    result = cli("key", "show", "--json", data_dir=data)
    assert result.code == 0, result.err
    return json.loads(result.out)


def count(cli, data: Path) -> int:
    result = cli("list", "--json", data_dir=data)
    assert result.code == 0, result.err
    return len(json.loads(result.out))


def test_init_makes_the_key_and_show_prints_it(cli, wards) -> None:
    a, _ = wards
    path = a / "keys" / "signing-key.pem"
    assert path.is_file()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    shown = show_key(cli, a)
    assert set(shown) == {"public_key", "fingerprint"}
    assert show_key(cli, a) == shown  # the same key every time
    plain = cli("key", "show", data_dir=a)
    assert shown["public_key"] in plain.out
    assert shown["fingerprint"] in plain.out
    init_line = cli("init", "--ward", "葛飾区", data_dir=a).out
    assert shown["fingerprint"] in init_line


def test_trust_list_revoke_require(cli, wards) -> None:
    a, b = wards
    key = show_key(cli, a)
    trusted = cli("key", "trust", key["public_key"], "--ward", "葛飾区", data_dir=b)
    assert trusted.code == 0, trusted.err
    assert key["fingerprint"] in trusted.out
    assert "phone" in trusted.out

    listed = json.loads(cli("key", "list", "--json", data_dir=b).out)
    assert [(e["public_key"], e["ward"], e["active"]) for e in listed] == [
        (key["public_key"], KATSUSHIKA, True)
    ]
    assert key["fingerprint"] in cli("key", "list", data_dir=b).out

    revoked = cli("key", "revoke", key["public_key"], data_dir=b)
    assert revoked.code == 0, revoked.err
    listed = json.loads(cli("key", "list", "--json", data_dir=b).out)
    assert [(e["ward"], e["active"]) for e in listed] == [(KATSUSHIKA, False)]
    assert listed[0]["revoked_at"]
    again = cli("key", "revoke", key["public_key"], data_dir=b)
    assert again.code == 1
    assert "not trusted here" in again.err

    assert json.loads(cli("key", "require", "--json", data_dir=b).out) == {
        "require_signatures": False
    }
    assert cli("key", "require", "on", data_dir=b).code == 0
    assert json.loads(cli("key", "require", "--json", data_dir=b).out)["require_signatures"]
    assert cli("key", "require", "off", data_dir=b).code == 0
    assert "not required" in cli("key", "require", data_dir=b).out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("key", "trust", "abc", "--ward", "葛飾区"), 3, "not a public key"),
        (("key", "trust", "AAAA", "--ward", "葛飾区"), 3, "32 bytes"),
        (("key", "trust", "A" * 43 + "=", "--ward", "どこでもない区"), 3, ""),
        (("key", "trust", "A" * 43 + "="), 2, "--ward"),
        (("key",), 2, "ACTION"),
        (("key", "require", "maybe"), 2, "invalid choice"),
        # Nothing to revoke in a folder with no knowledge base (a mistyped --data-dir):
        # refused as such; an unknown key in a real one is tested above.
        (("key", "revoke", "A" * 43 + "="), 3, "no knowledge base"),
    ],
)
def test_bad_key_commands_fail_in_one_line(cli, args, code, message) -> None:
    result = cli(*args)
    assert result.code == code, result.err
    assert message in result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_signed_exchange_through_the_command_line(cli, wards, tmp_path: Path) -> None:
    a, b = wards
    out = tmp_path / "out.zebkb"
    assert cli("export", str(out), data_dir=a).code == 0
    assert "signature.json" in kit.read_entries(out)

    # Not yet trusted: refused when asked, imported with a warning otherwise.
    strict = cli("import", str(out), "--require-signature", data_dir=b)
    assert strict.code == 3
    assert "not trusted for 葛飾区" in strict.err
    assert count(cli, b) == 0
    loose = cli("import", str(out), "--dry-run", "--json", data_dir=b)
    assert loose.code == 0, loose.err
    assert json.loads(loose.out)["signature"] == "untrusted"
    assert "warning" in loose.err
    assert show_key(cli, a)["fingerprint"] in loose.err

    key = show_key(cli, a)["public_key"]
    assert cli("key", "trust", key, "--ward", KATSUSHIKA, data_dir=b).code == 0
    verified = cli("import", str(out), "--require-signature", "--json", data_dir=b)
    assert verified.code == 0, verified.err
    assert json.loads(verified.out)["signature"] == "verified"
    assert "warning" not in verified.err
    assert count(cli, b) == 2
    assert "verified" in cli("import", str(out), data_dir=b).out


def test_setting_refuses_unsigned_and_tampered_bundles(cli, wards, tmp_path: Path) -> None:
    a, b = wards
    plain = tmp_path / "plain.zebkb"
    assert cli("export", str(plain), "--no-sign", data_dir=a).code == 0
    assert "signature.json" not in kit.read_entries(plain)
    warned = cli("import", str(plain), "--dry-run", data_dir=b)
    assert warned.code == 0
    assert "not signed" in warned.err

    assert cli("key", "require", "on", data_dir=b).code == 0
    refused = cli("import", str(plain), data_dir=b)
    assert refused.code == 3
    assert "not signed" in refused.err
    assert count(cli, b) == 0

    signed = tmp_path / "signed.zebkb"
    assert cli("export", str(signed), data_dir=a).code == 0
    key = show_key(cli, a)["public_key"]
    assert cli("key", "trust", key, "--ward", KATSUSHIKA, data_dir=b).code == 0
    entries = kit.read_entries(signed)
    entries["manifest.json"] = entries["manifest.json"].replace(b'"131229"', b'"131091"')
    forged = kit.write_entries(tmp_path / "forged.zebkb", entries)
    tampered = cli("import", str(forged), data_dir=b)
    assert tampered.code == 3
    assert "signature does not match manifest.json" in tampered.err
    assert count(cli, b) == 0
    # One refused bundle among several: none is imported.
    both = cli("import", str(signed), str(forged), data_dir=b)
    assert both.code == 3
    assert count(cli, b) == 0
    assert cli("import", str(signed), data_dir=b).code == 0
    assert count(cli, b) == 2
