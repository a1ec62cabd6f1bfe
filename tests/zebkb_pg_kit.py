"""A throwaway PostgreSQL server for the tests: one per test session, a fresh database per test.

The server is the machine's own PostgreSQL (Debian's ``postgresql`` package,
installed by packaging/install.sh), started with ``initdb`` and ``pg_ctl`` in a
temporary folder, listening on a Unix socket in that folder only
(``listen_addresses=''``): the tests' socket guard allows Unix sockets and
nothing reaches the network. Durability is switched off (``fsync=off``) because
the server's data dies with the session.

Fixtures (loaded by tests/conftest.py as a plugin):

- ``pg_server``: the session's server (skips without PostgreSQL binaries, or fails
  when ``ZEBKB_REQUIRE_POSTGRES=1``, as CI sets);
- ``pg_url``: a new, empty database for this test, as a ``postgresql://`` address
  (no password: the server trusts local connections); dropped after the test;
- ``pg_urls``: a factory for more databases in one test; ``pg_urls(schema=True)``
  gives one with zebkb's tables already made (copied from a template database
  migrated once per session: a test's knowledge base then opens in a tenth of
  the time a migration takes; tests/conftest.py's ``kb`` uses it).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REQUIRE_ENV = "ZEBKB_REQUIRE_POSTGRES"
# initdb refuses to run as root; as root the server runs as this user instead.
SERVER_USER = "postgres"
_names = itertools.count(1)


def find_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres: $ZEBKB_PG_BINDIR, pg_config, or Debian's.

    ``ZEBKB_PG_BINDIR``, when set, is the only place looked at.
    """
    chosen = os.environ.get("ZEBKB_PG_BINDIR")
    candidates: list[str] = [chosen] if chosen else []
    pg_config = None if chosen else shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            )
            candidates.append(out.stdout.strip())
    if not chosen:
        candidates.extend(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))
    for folder in candidates:
        path = Path(folder)
        if all((path / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return path
    return None


class PgServer:
    """A PostgreSQL server of the test session, in ``root`` (socket, data and log)."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self._as: list[str] = []
        self._template: str | None = None
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", SERVER_USER, "--"]

    def _run(self, *args: str) -> None:
        proc = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {proc.stdout}{proc.stderr}")

    def start(self) -> None:
        if self._as:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run(
            str(self.bindir / "initdb"),
            "-D", str(self.data),
            "-A", "trust",
            "-U", "postgres",
            "-E", "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )  # fmt: skip
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=300",
            ]
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-w", "-t", "60", "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.root), user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, *, schema: bool = False) -> str:
        """A new database: empty, or (``schema``) with zebkb's tables and nothing in them."""
        name = f"zebkb_test_{os.getpid()}_{next(_names)}"
        template = self._schema_template() if schema else "template0"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {template} ENCODING 'UTF8'")
        return name

    def _schema_template(self) -> str:
        if self._template is None:
            from zebkb.store.db import migrate
            from zebkb.store.pg import make_pg_engine
            from zebkb.store.team import driver_url

            name = f"zebkb_template_{os.getpid()}"
            self._admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
            engine = make_pg_engine(driver_url(self.url(name)))
            try:
                migrate(engine)
            finally:
                engine.dispose()  # a template must have no connections when it is copied
            self._template = name
        return self._template

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"PostgreSQL is required ({REQUIRE_ENV}=1) but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = find_bindir()
    if bindir is None:
        _unavailable("no PostgreSQL server binaries (initdb, pg_ctl, postgres) were found")
        raise AssertionError("unreachable")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            _unavailable(f"running as root and there is no {SERVER_USER!r} user to run it")
    # A short path: a Unix socket's path is limited to about 100 bytes.
    root = Path(tempfile.mkdtemp(prefix="zpg-", dir="/tmp" if os.name == "posix" else None))
    server = PgServer(bindir, root)
    try:
        server.start()
    except Exception as exc:
        server.stop()
        log = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"the throwaway server did not start: {exc} {log}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_urls(pg_server: PgServer) -> Iterator[Callable[..., str]]:
    """Make fresh, empty databases (each a ``postgresql://`` address); dropped after the test."""
    made: list[str] = []

    def make(*, schema: bool = False) -> str:
        name = pg_server.create_database(schema=schema)
        made.append(name)
        return pg_server.url(name)

    yield make
    for name in made:
        with contextlib.suppress(Exception):
            pg_server.drop_database(name)


@pytest.fixture
def pg_url(pg_urls: Callable[..., str]) -> str:
    """A fresh, empty database for this test."""
    return pg_urls()


def open_team(folder: Path, url: str, clock: Any = None) -> Any:
    """A PC's knowledge base in team mode: ``folder`` (made if missing) names the database."""
    from zebkb.service import KnowledgeBase
    from zebkb.store.team import write_database_url

    folder.mkdir(parents=True, exist_ok=True)
    write_database_url(folder, url)
    return KnowledgeBase.open(folder, clock=clock)


# The engines a knowledge base can use; a suite's conftest.py that overrides the
# ``engine_name`` fixture (tests/conftest.py) with these runs its tests on both.
ENGINES = ("sqlite", "postgresql")
