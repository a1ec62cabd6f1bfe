"""Rooms you can find: no import cycles between the modules of zebkb.

Every ``import`` and ``from … import`` of every module counts, deferred ones
inside functions included (a cycle that only bites at run time is still a
cycle), and imports under ``if TYPE_CHECKING:`` too: a module that needs
another's types to be checked depends on it as much as one that runs it (the
service's parts name what they use of the facade with protocols instead,
zebkb/service/facade.py). Relative imports and ``from package import module``
resolve to the module they name.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "zebkb"


def module_names() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()

    def resolve(target: str) -> str | None:
        # The module itself, else the closest enclosing one that exists.
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("zebkb"):
                    found.add(resolve(alias.name) or alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("zebkb"):
                for alias in node.names:
                    submodule = f"{target}.{alias.name}"
                    found.add(submodule if submodule in modules else resolve(target) or target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return {m for m in found if m in modules}


def graph() -> dict[str, set[str]]:
    modules = module_names()
    edges = {name: imports_of(name, path, modules) for name, path in modules.items()}
    # Importing a.b.c runs a/__init__ and a/b/__init__ first; a package importing its own
    # submodules is how packages are built, not a cycle between rooms.
    for name, targets in edges.items():
        edges[name] = {t for t in targets if not name.startswith(t + ".")}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return groups


def test_the_checker_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_checker_resolves_relative_and_from_imports() -> None:
    modules = module_names()
    edges = imports_of("zebkb.ui.app", modules["zebkb.ui.app"], modules)
    assert "zebkb.ui.core.ops" in edges  # from zebkb.ui.core.ops import …
    assert "zebkb.paths" in edges  # a deferred import inside a function


def test_the_checker_counts_type_only_imports(tmp_path: Path) -> None:
    module = tmp_path / "part.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from zebkb.service.knowledge_base import KnowledgeBase\n",
        encoding="utf-8",
    )
    modules = module_names()
    assert imports_of("zebkb.part", module, modules) == {"zebkb.service.knowledge_base"}


def test_no_import_cycles_between_modules() -> None:
    assert cycles(graph()) == []
