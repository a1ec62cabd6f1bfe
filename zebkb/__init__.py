"""zebkb: the 23 special wards' offline knowledge base of ZEB/ZEH cases, visits and sessions."""

from __future__ import annotations

import sys


def _import_dataclasses_without_inspect() -> None:
    """Import dataclasses with `inspect` loaded only when it first calls it.

    dataclasses imports inspect (with ast, dis, tokenize and their regular
    expressions) at the top, yet calls it only to make a docstring for a class
    that has none: loading it was about a tenth of what a new `zebkb search`
    process did before answering. While dataclasses imports, `inspect` is a
    stand-in that imports the real module at its first use; the stand-in is then
    removed from sys.modules, so any later import gets the real one.
    """
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    import types

    stand_in = types.ModuleType("inspect")

    def real(name: str) -> object:
        import importlib

        if sys.modules.get("inspect") is stand_in:
            del sys.modules["inspect"]
        module = importlib.import_module("inspect")
        dataclasses = sys.modules.get("dataclasses")
        if getattr(dataclasses, "inspect", None) is stand_in:
            dataclasses.inspect = module  # type: ignore[union-attr]
        return getattr(module, name)

    stand_in.__getattr__ = real  # type: ignore[method-assign]
    sys.modules["inspect"] = stand_in
    try:
        import dataclasses  # noqa: F401
    finally:
        if sys.modules.get("inspect") is stand_in:
            del sys.modules["inspect"]


_import_dataclasses_without_inspect()


def __getattr__(name: str) -> str:
    # Looked up on first use: importlib.metadata costs every command ~25 ms at start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("zebkb")
        except PackageNotFoundError:  # a source tree that was never installed
            value = "0.0.0+source"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'zebkb' has no attribute {name!r}")
