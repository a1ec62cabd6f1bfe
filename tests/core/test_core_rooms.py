"""Clean rooms: nothing outside zebkb/ui imports Qt; CLI commands other than gui never load it;
nothing outside zebkb/store and zebkb/service touches the database or imports the store;
the domain imports nothing of zebkb but itself and the errors."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "zebkb"


def test_no_qt_import_outside_ui():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "ui" in path.relative_to(PACKAGE).parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in {"PySide6", "shiboken6"} for n in names):
                offenders.append(str(path))
            if any(n.startswith("zebkb.ui") for n in names) and path.name != "gui.py":
                offenders.append(str(path))
    assert offenders == []


# What only the service and the store may hold: the database's libraries, its engines,
# a session, and the service's write transaction (which carries one).
DATABASE_MODULES = ("sqlmodel", "sqlalchemy", "sqlite3")
DATABASE_ATTRIBUTES = frozenset({"engine", "read_engine", "session", "transaction"})
# The search index keeps its own SQLite file (search/sidestore.py), not the database;
# search/faults.py names that file's errors (sqlite3.DatabaseError) in words.
SQLITE_FILE_COPIERS = frozenset({"sidestore.py", "faults.py"})


def database_touches(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top in DATABASE_MODULES and not (
                top == "sqlite3" and path.name in SQLITE_FILE_COPIERS
            ):
                found.append(f"{path.name}:{node.lineno} imports {name}")
        if isinstance(node, ast.Attribute) and node.attr in DATABASE_ATTRIBUTES:
            found.append(f"{path.name}:{node.lineno} uses .{node.attr}")
    return found


def test_only_the_service_and_the_store_touch_the_database():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] in {"store", "service"}:
            continue
        offenders.extend(database_touches(path))
    assert offenders == []


def test_the_database_check_sees_a_session(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "from sqlmodel import select\n"
        "def f(kb):\n"
        "    with kb.transaction() as txn:\n"
        "        txn.session.exec(select(1))\n",
        encoding="utf-8",
    )
    assert len(database_touches(sneaky)) == 3


def store_imports(path: Path) -> list[str]:
    """Every import of zebkb.store in ``path``, deferred ones inside functions included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        if any(n == "zebkb.store" or n.startswith("zebkb.store.") for n in names):
            found.append(f"{path.relative_to(path.parents[1])}:{node.lineno}")
    return found


def test_only_the_service_imports_the_store():
    # Store queries are called only from the service: the command line, bundles, backups
    # and the window ask the service (zebkb/service/probe.py for what must stay light).
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] in {"store", "service"}:
            continue
        offenders.extend(store_imports(path))
    assert offenders == []


def test_the_store_check_sees_every_form(tmp_path):
    sneaky = tmp_path / "pkg" / "sneaky.py"
    sneaky.parent.mkdir()
    sneaky.write_text(
        "import zebkb.store.db\n"
        "from zebkb import store\n"
        "from zebkb.store.lock import WriterLock\n"
        "from zebkb.storekeeper import x\n"
        "def later():\n"
        "    from zebkb.store.team import shown_url\n",
        encoding="utf-8",
    )
    assert store_imports(sneaky) == [f"pkg/sneaky.py:{n}" for n in (1, 2, 3, 6)]


def outward_imports(path: Path, package: str, allowed: tuple[str, ...]) -> list[str]:
    """Every import of zebkb in ``path`` (a module of ``package``) that names none of
    ``allowed``: deferred ones inside functions and relative ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative to the module's package
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            names = [f"{module}.{a.name}" for a in node.names] if module == "zebkb" else [module]
        for name in names:
            if name.split(".")[0] == "zebkb" and not any(
                name == room or name.startswith(room + ".") for room in allowed
            ):
                found.append(f"{path.name}:{node.lineno} imports {name}")
    return found


# The domain (records, rules, vocabularies, wards, dates) stands on nothing else of zebkb:
# showing values to people (zebkb/display.py, render.py, versions.py, reports.py, the
# command line, the window) builds on it, never the other way round.
DOMAIN_MAY_IMPORT = ("zebkb.domain", "zebkb.errors")


def test_the_domain_imports_nothing_but_itself_and_the_errors():
    offenders = []
    for path in (PACKAGE / "domain").rglob("*.py"):
        offenders.extend(outward_imports(path, "zebkb.domain", DOMAIN_MAY_IMPORT))
    assert offenders == []
    # zebkb/errors.py, which the domain's errors build on, only on the domain's eras.
    assert outward_imports(PACKAGE / "errors.py", "zebkb", DOMAIN_MAY_IMPORT) == []


def test_the_domain_check_sees_every_form(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "import zebkb.display\n"
        "from zebkb import display, errors\n"
        "from zebkb.domain.vocab import label\n"
        "from ..render import render_markdown\n"
        "from . import wards\n"
        "def later():\n"
        "    from zebkb.versions import display_value\n",
        encoding="utf-8",
    )
    assert outward_imports(sneaky, "zebkb.domain", DOMAIN_MAY_IMPORT) == [
        "sneaky.py:1 imports zebkb.display",
        "sneaky.py:2 imports zebkb.display",
        "sneaky.py:4 imports zebkb.render",
        "sneaky.py:7 imports zebkb.versions",
    ]


def test_the_service_package_loads_its_names_lazily():
    # zebkb.service.probe must load without SQLAlchemy; every name the package offers is
    # still there when asked for.
    code = (
        "import sys, zebkb.service as s, zebkb.service.probe\n"
        "light = 'sqlalchemy' not in sys.modules\n"
        "missing = [n for n in s.__all__ if getattr(s, n, None) is None]\n"
        "print(light, missing, sorted(s.__all__) == sorted(s._HOMES))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "True [] True"


def test_core_modules_load_without_qt():
    code = (
        "import sys, importlib, pkgutil, zebkb\n"
        "for m in pkgutil.walk_packages(zebkb.__path__, 'zebkb.'):\n"
        "    if not m.name.startswith('zebkb.ui'):\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted(k for k in sys.modules if k.startswith(('PySide6', 'shiboken'))))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["list", "--json"],
        ["demo"],
        ["show", "x"],
        ["check", "--json"],
        ["search", "ZEB"],
        ["--help"],
    ],
)
def test_commands_do_not_load_qt(tmp_path, args):
    code = (
        "import sys, json\n"
        "from zebkb.cli.main import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(k for k in sys.modules if k.startswith(('PySide6','shiboken')))),"
        " file=sys.stderr)\n"
    )
    env = {**os.environ, "ZEBKB_DATA_DIR": str(tmp_path / "kb")}
    r = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )
    loaded = json.loads(r.stderr.strip().splitlines()[-1])
    assert loaded == [], (args, loaded)
