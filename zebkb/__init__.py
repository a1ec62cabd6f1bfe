"""zebkb: the 23 special wards' offline knowledge base of ZEB/ZEH cases, visits and sessions."""

from __future__ import annotations


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
