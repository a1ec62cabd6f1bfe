"""The server going away, said in one line in the person's language (exit 1, as README.md says).

The exit status stays 1: the command line's contract (README.md, "Exit status")
keeps 3 for refused input and gives 1 to every other failure, the team database
being unreachable among them ("Team mode", "When the server goes away"). The
Japanese line says why in Japanese: libpq's English sentence (No such file or
directory, Is the server running …) is for the English line, where the ward's IT
reads it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from zebkb_pg_kit import PgServer
from zebkb_stoppable_pg import own_server, start_again  # noqa: F401  (a fixture)
from zebkb_testing import case_record

from zebkb.store.pg import unreachable_reason_ja

# What a Japanese line may hold in ASCII: the database's address, a command.
ADDRESS = re.compile(r"postgresql://\S+?(?= に)")


def english_left(line: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}", ADDRESS.sub("", line.removeprefix("zebkb: ")))


def test_a_stopped_server_is_one_japanese_line_and_exit_1(
    own_server: PgServer,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from zebkb.cli.main import main

    url = own_server.url(own_server.create_database())
    data = str(tmp_path / "pc")
    assert main(["--data-dir", data, "init", "--ward", "131229", "--database", url]) == 0
    record = tmp_path / "case.json"
    record.write_text(json.dumps(case_record(), ensure_ascii=False), encoding="utf-8")
    own_server.stop()
    capsys.readouterr()
    for args in (["add", str(record)], ["search", "清掃"], ["list"], ["check"]):
        assert main(["--lang", "ja", "--data-dir", data, *args]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "に接続できません（サーバーが動いていないか、接続先が違います）" in err
        assert english_left(err) == [], err
        # The English line keeps libpq's words for the ward's IT.
        assert main(["--lang", "en", "--data-dir", data, *args]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "cannot reach the team database" in err
        assert "No such file or directory" in err
    start_again(own_server)
    assert main(["--data-dir", data, "add", str(record)]) == 0


@pytest.mark.parametrize(
    ("detail", "reason"),
    [
        (
            'connection to server at "10.0.0.5", port 5432 failed: Connection refused',
            "サーバーが動いていないか、接続先が違います",
        ),
        (
            'could not translate host name "db.ward.local" to address: Name or service not known',
            "サーバー名が見つかりません",
        ),
        ("connection to server failed: No route to host", "ネットワークがサーバーに届きません"),
        ("connection timeout expired", "サーバーが時間内に応答しませんでした"),
        (
            "terminating connection due to administrator command",
            "サーバーが停止または再起動しました",
        ),
        ("FATAL: the database system is shutting down", "サーバーが停止または再起動しました"),
        (
            "server closed the connection unexpectedly This probably means the server "
            "terminated abnormally",
            "接続が途中で切れました",
        ),
        ("consuming input failed: EOF detected", "接続が途中で切れました"),
        ("something libpq has not said before", "something libpq has not said before"),
    ],
)
def test_why_the_server_cannot_be_reached_in_japanese(detail: str, reason: str) -> None:
    assert unreachable_reason_ja(detail) == reason
