"""Offline, proven: the command line opens no socket, and the window fetches nothing.

The whole suite can also run with ``--disable-socket --allow-unix-socket``
(pytest-socket); the one test here that needs its own local HTTP server
enables sockets for itself only.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from zebkb_testing import KATSUSHIKA, SHINAGAWA, case_record

# A socket guard loaded into every Python process that sees it on PYTHONPATH:
# any attempt to make a socket or resolve a name is written down and fails.
GUARD = """
import os
import socket

_LOG = os.environ["ZEBKB_NET_LOG"]


def _note(what):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(what + "\\n")


class _GuardedSocket(socket.socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None:
            _note(f"socket family={family} type={type}")
            raise OSError("network blocked by the zebkb offline test")
        super().__init__(family, type, proto, fileno)


def _blocked(name):
    def refuse(*args, **kwargs):
        _note(f"{name}{args!r}")
        raise OSError("network blocked by the zebkb offline test")

    return refuse


socket.socket = _GuardedSocket
for _name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
              "gethostbyaddr", "create_server", "socketpair", "fromfd"):
    setattr(socket, _name, _blocked(_name))
"""


class Guarded:
    """Runs ``zebkb`` (or any Python) under the socket guard and reads what it tried."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        (folder / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
        self.log = folder / "net.log"
        self.env = {k: v for k, v in os.environ.items() if k != "ZEBKB_DATA_DIR"}
        self.env.update(
            PYTHONPATH=os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])),
            ZEBKB_NET_LOG=str(self.log),
            PYTHONIOENCODING="utf-8",
        )

    def python(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.env,
            timeout=120,
            check=False,
        )

    def zebkb(self, data: Path, *args: str) -> str:
        done = self.python("-m", "zebkb", "--data-dir", str(data), *args)
        assert done.returncode == 0, f"zebkb {' '.join(args)}: {done.stderr}"
        return done.stdout

    def attempts(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []


@pytest.mark.slow
def test_the_command_line_opens_no_socket(tmp_path: Path) -> None:
    guard = Guarded(tmp_path / "guard")

    # The guard works: a plain connection attempt is caught and written down.
    probe = guard.python("-c", "import socket; socket.create_connection(('127.0.0.1', 9))")
    assert probe.returncode != 0
    assert "network blocked" in probe.stderr
    assert len(guard.attempts()) == 1
    guard.log.unlink()

    a, b = tmp_path / "katsushika", tmp_path / "shinagawa"
    guard.zebkb(a, "init", "--ward", KATSUSHIKA)
    guard.zebkb(b, "init", "--ward", SHINAGAWA)
    record = case_record(body="![外観](http://127.0.0.1:9/photo.png) [資料](https://example.com/)")
    source = tmp_path / "record.json"
    source.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    guard.zebkb(a, "add", str(source))
    guard.zebkb(a, "demo")
    assert json.loads(guard.zebkb(a, "search", "清掃事務所", "--json"))["total"] >= 1
    uid = json.loads(guard.zebkb(a, "list", "--json"))[0]["uid"]
    guard.zebkb(a, "show", uid, "--json")
    key = json.loads(guard.zebkb(a, "key", "show", "--json"))["public_key"]
    guard.zebkb(b, "key", "trust", key, "--ward", KATSUSHIKA)
    guard.zebkb(b, "key", "list")
    out = tmp_path / "out.zebkb"
    guard.zebkb(a, "export", str(out))
    summary = json.loads(guard.zebkb(b, "import", str(out), "--require-signature", "--json"))
    assert summary["signature"] == "verified"
    guard.zebkb(b, "reindex")
    assert json.loads(guard.zebkb(b, "check", "--json"))["ok"] is True
    assert json.loads(guard.zebkb(b, "search", "ZEB", "--json"))["total"] >= 1

    assert guard.attempts() == []


# -- the window ------------------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def _record(self) -> None:
        self.requests.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = do_POST = _record

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def web_server() -> Iterator[tuple[str, list[str]]]:
    """A web server on 127.0.0.1 that writes down every request it receives."""
    requests: list[str] = []
    handler = type("Recorder", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def hostile_body(host: str) -> str:
    """Every way a Markdown body could point the window at a web server."""
    url = f"http://{host}"
    return "\n\n".join(
        [
            "# 外部リソースを読み込もうとする本文",
            f"![画像]({url}/md-image.png)",
            f"![参照][r]\n\n[r]: {url}/ref-image.png",
            f"![相対プロトコル](//{host}/protocol-relative.png)",
            f"[リンク]({url}/md-link) <{url}/autolink> {url}/bare-url",
            f'<img src="{url}/html-img.png" srcset="{url}/srcset.png 2x">',
            f'<link rel="stylesheet" href="{url}/style.css">',
            f'<style>@import url("{url}/import.css"); p {{ background: url({url}/bg.png) }}</style>',
            f"<div style=\"background-image: url('{url}/inline-bg.png')\">背景</div>",
            f'<iframe src="{url}/iframe"></iframe><script src="{url}/script.js"></script>',
            f'<video src="{url}/video.mp4" poster="{url}/poster.png"></video>',
            f'<audio src="{url}/audio.mp3"></audio><object data="{url}/object"></object>',
            f'<embed src="{url}/embed"><picture><source srcset="{url}/source.png"></picture>',
            f'<meta http-equiv="refresh" content="0; url={url}/refresh">',
            f'<form action="{url}/form"><input type="image" src="{url}/input.png"></form>',
            f'<table background="{url}/table-bg.png"><tr><td>表</td></tr></table>',
            f'<svg><image href="{url}/svg.png"/></svg>',
        ]
    )


def _sentinel(host: str) -> None:
    conn = http.client.HTTPConnection(*host.split(":"), timeout=10)
    try:
        conn.request("GET", "/sentinel")
        conn.getresponse().read()
    finally:
        conn.close()


@pytest.mark.enable_socket
@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_window_fetches_nothing_a_record_points_at(
    qtbot, kb, tmp_path: Path, web_server, monkeypatch
) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    from zebkb_main_kit import make_ctx, open_window, select

    from zebkb.render import render_markdown
    from zebkb.ui.core.browser import SafeTextBrowser

    host, requests = web_server
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    body = hostile_body(host)
    uids = [
        kb.save(case_record(body=body))["uid"],
        kb.save(
            {
                "type": "visit",
                "title": f'<img src="http://{host}/title.png">視察',
                "ward": KATSUSHIKA,
                "visited_on": "2024-10-21",
                "host": f"http://{host}/host-field",
                "purpose": f"![目的](http://{host}/purpose.png)",
                "body": body,
            }
        )["uid"],
    ]

    context = make_ctx(kb, tmp_path / "zebkb.ini")
    try:
        window = open_window(qtbot, context)
        for uid in uids:
            select(qtbot, window, uid)
            browser = window.detail.browser
            assert "外部リソース" in browser.toPlainText()
            browser.grab()  # lay out and paint: every image is asked for now
            for path in ("md-link", "autolink", "html-img.png"):
                # A web link reaches the record pane, which opens only its 出典
                # addresses and refuses the rest in words.
                with qtbot.waitSignal(window.detail.notice, timeout=2000):
                    browser.anchorClicked.emit(QUrl(f"http://{host}/{path}"))
        # The same page in a bare browser widget, as other panes use it.
        bare = SafeTextBrowser()
        qtbot.addWidget(bare)
        bare.show_rendered(render_markdown(body))
        bare.resize(800, 2000)
        bare.grab()
    finally:
        context.runner.shutdown()

    assert opened == []
    _sentinel(host)  # the server works and was listening all along
    assert requests == ["GET /sentinel"]
