"""A PostgreSQL server a test may stop and start (the server going away), from the PG kit's parts.

The session's server (tests/zebkb_pg_kit.py) is shared by every test, so a test
that stops a server needs one of its own; it runs durable (fsync on, as a
ward's server does), because it is stopped as by a power cut.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from zebkb_pg_kit import PgServer, find_bindir


def start_again(server: PgServer) -> None:
    """Start a stopped server on its existing data (after a crash it recovers from its WAL)."""
    options = f"-c listen_addresses='' -c unix_socket_directories={server.root}"
    server._run(
        str(server.bindir / "pg_ctl"), "-D", str(server.data), "-l", str(server.log),
        "-w", "-t", "60", "-o", options, "start",
    )  # fmt: skip


@pytest.fixture
def own_server() -> Iterator[PgServer]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries")
    root = Path(tempfile.mkdtemp(prefix="zpgf-", dir="/tmp"))
    server = PgServer(bindir, root)
    server.start()
    server.stop()  # made with the kit's fast settings; from here on durable
    start_again(server)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
